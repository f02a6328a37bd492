//! The one integration-test binary. Each module covers one area; `support` holds the helpers.

mod analysis;
mod bad_input;
mod bpmn_export;
mod bpmn_import;
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
#[cfg(feature = "handbook")]
mod french;
mod fuzz;
#[cfg(feature = "handbook")]
mod handbook;
#[cfg(feature = "handbook")]
mod handbook_scale;
mod lsp;
mod memory;
mod newcomer;
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
#[cfg(feature = "handbook")]
mod staff;
mod support;
#[cfg(feature = "handbook")]
mod sweep;
mod swimlane;
#[cfg(feature = "handbook")]
mod use_case_page;
mod vscode_extension;
mod yaml_language_server;
