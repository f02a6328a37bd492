//! BPMN 2.0: the XML that modellers (Camunda Modeler, bpmn.io, Signavio) read and write.
//! `export` writes a use case as a BPMN collaboration laid out from its swimlane diagram;
//! `import` reads the processes companies already draw in their modellers into use cases.

pub mod export;
pub mod import;
