//! Quick fixes for the findings of the report.

use super::CodeAction;
use crate::Checked;
use crate::source::{FileId, Span};

/// The fixes for the findings that overlap `range` in `file`.
pub fn code_actions(checked: &Checked, file: FileId, range: Span) -> Vec<CodeAction> {
    let _ = (checked, file, range);
    Vec::new()
}
