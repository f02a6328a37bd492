//! The one integration-test binary. Each module covers one area; `support` holds the helpers.

mod analysis;
mod bad_input;
#[cfg(feature = "handbook")]
mod build_safety;
mod ci;
mod cli;
mod codeowners;
mod conventions;
mod diff;
#[cfg(feature = "handbook")]
mod e2e;
mod editor_setup;
mod fuzz;
#[cfg(feature = "handbook")]
mod handbook;
mod lsp;
mod memory;
mod numbers;
mod properties;
mod render;
mod robustness;
mod rules;
mod scale;
mod schemas;
#[cfg(feature = "handbook")]
mod serve;
mod special_files;
mod support;
mod swimlane;
mod vscode_extension;
mod yaml_language_server;
