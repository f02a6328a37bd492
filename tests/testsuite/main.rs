//! The one integration-test binary. Each module covers one area; `support` holds the helpers.

mod analysis;
mod bad_input;
mod build_safety;
mod ci;
mod cli;
mod diff;
mod e2e;
mod editor_setup;
mod fuzz;
mod handbook;
mod memory;
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
mod vscode_extension;
mod yaml_language_server;
