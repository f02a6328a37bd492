//! BPMN 2.0: `casebook import bpmn` reads the processes companies already draw in their
//! modelers into use cases.

pub mod import;
