//! Applying [`TextEdit`]s to a text: what an editor does with a rename or a code action, for
//! tests and for callers without an editor.

use super::TextEdit;
use crate::source::FileId;

/// The text of `file` after the edits of `edits` that are in `file` (others are ignored).
///
/// Edits must not overlap (those this module produces never do); they are applied from the end
/// of the text backwards, so each one's offsets refer to the original text. An edit whose span
/// is out of the text or not on character boundaries is skipped.
pub fn apply_edits<'a>(text: &str, file: FileId, edits: impl IntoIterator<Item = &'a TextEdit>) -> String {
    let mut mine: Vec<&TextEdit> = edits.into_iter().filter(|e| e.span.file == file).collect();
    mine.sort_by_key(|e| (e.span.start, e.span.end));
    let mut out = text.to_owned();
    for e in mine.iter().rev() {
        let (s, t) = (e.span.start as usize, e.span.end as usize);
        if s <= t && t <= out.len() && out.is_char_boundary(s) && out.is_char_boundary(t) {
            out.replace_range(s..t, &e.new_text);
        }
    }
    out
}
