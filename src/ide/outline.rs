//! The outline of a file (document symbols) and the inlay hints of a use case.

use super::{DocumentSymbol, InlayHint};
use crate::Checked;
use crate::source::{FileId, Span};

/// The outline of a file.
pub fn document_symbols(checked: &Checked, file: FileId) -> Vec<DocumentSymbol> {
    let _ = (checked, file);
    Vec::new()
}

/// Each step's team and department, after its `actor:` value, for the steps inside `range`.
pub fn inlay_hints(checked: &Checked, file: FileId, range: Span) -> Vec<InlayHint> {
    let _ = (checked, file, range);
    Vec::new()
}
