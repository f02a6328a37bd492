//! BPMN 2.0: the XML that modellers (Camunda Modeler, bpmn.io, Signavio) read and write.
//! `export` writes a use case as a BPMN collaboration laid out from its swimlane diagram;
//! `import` reads the processes companies already draw in their modellers into use cases.

pub mod export;
pub mod import;

/// The namespace of the extension attributes and elements that carry what casebook has and
/// BPMN lacks (channels, systems, durations, scores, `carries`, `allow`, review dates...)
/// through an export and back in an import. A URN: nothing a tool could try to fetch. Other
/// tools keep what they do not know (bpmn-moddle reads the attributes into `$attrs`), and the
/// import reads them back wherever they are, whoever wrote the file.
pub const NS: &str = "urn:casebook:bpmn:1";
