//! BPMN 2.0: the XML that modellers (Camunda Modeler, bpmn.io, Signavio) read and write.
//! `export` writes a use case as a BPMN collaboration laid out from its swimlane diagram.

pub mod export;
