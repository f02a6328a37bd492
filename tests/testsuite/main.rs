//! The one integration-test binary. Each module covers one area; `support` holds the helpers.

mod analysis;
mod bad_input;
mod build_safety;
mod cli;
mod e2e;
mod fuzz;
mod handbook;
mod lsp;
mod numbers;
mod properties;
mod render;
mod robustness;
mod rules;
mod scale;
mod schemas;
mod special_files;
mod support;
mod swimlane;
