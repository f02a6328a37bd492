//! casebook: checks catalogues of service use cases written in YAML for handoffs, silos and
//! omnichannel friction, and builds a staff handbook from them.
//!
//! Data flows one way: files -> [`load`] -> [`model`] -> [`graph`] facts -> [`rules`] ->
//! [`diagnostic`] -> renderers. [`engine::check`] runs the whole pipeline.

pub mod bpmn;
pub mod codeowners;
pub mod config;
pub mod diagnostic;
pub mod diff;
pub mod engine;
pub mod graph;
#[cfg(feature = "handbook")]
pub mod handbook;
pub mod ide;
pub mod init;
pub mod labels;
pub mod load;
pub mod lsp;
pub mod markup;
pub mod metrics;
pub mod model;
pub mod paths;
pub mod rules;
pub mod scaffold;
#[cfg(feature = "handbook")]
pub mod serve;
pub mod source;
pub mod suggest;
pub mod swimlane;
pub mod visual;

pub use engine::{CheckOptions, Checked, check, check_report};
