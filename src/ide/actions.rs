//! Quick fixes for the findings of the report: the "did you mean" of `unknown-reference` (and of
//! a misspelt field or value), a hand-over note (`carries: [item]`) for a `silo-break`, the
//! removal of an `unused-allow` entry, and for any finding that may be allowed, an `allow:`
//! entry with a `reason:` to write.
//!
//! Every edit keeps the YAML valid: a rule id or an item is added to a list in the list's own
//! style (inline `[a, b]` or block `- a`), and a new key is written on a line of its own, after
//! the `id:` line (or `to:` line) of the mapping it belongs to, at that key's indentation.

use super::index::id_span;
use super::text;
use super::{CodeAction, TextEdit};
use crate::Checked;
use crate::diagnostic::Diagnostic;
use crate::model::{Ref, Step, UseCase};
use crate::rules::Group;
use crate::source::{FileId, Span};

/// What a `reason:` placeholder says: the author replaces it with the real reason.
pub const REASON_PLACEHOLDER: &str = "TODO: say why this finding is accepted here";

/// The fixes for the findings that overlap `range` in `file`.
pub fn code_actions(checked: &Checked, file: FileId, range: Span) -> Vec<CodeAction> {
    let mut out = Vec::new();
    for (i, d) in checked.report.diagnostics.iter().enumerate() {
        if d.span.file != file || d.span.start > range.end || range.start > d.span.end {
            continue;
        }
        let fix = Fix { checked, d, index: i };
        match d.rule {
            // An unknown id, or a misspelt field name or enum value.
            "unknown-reference" | "schema" => out.extend(fix.did_you_mean()),
            "silo-break" => out.extend(fix.carry()),
            "unused-allow" => out.extend(fix.remove_allow()),
            _ => {}
        }
        out.extend(fix.allow());
    }
    out
}

struct Fix<'a> {
    checked: &'a Checked,
    d: &'a Diagnostic,
    index: usize,
}

impl<'a> Fix<'a> {
    fn text(&self, file: FileId) -> &'a str {
        &self.checked.report.sources.get(file).text
    }

    fn action(&self, title: String, edits: Vec<TextEdit>, preferred: bool) -> CodeAction {
        CodeAction {
            title,
            edits,
            fixes: Some(self.index),
            preferred,
        }
    }

    /// The use case the finding is in, and its step.
    fn place(&self) -> Option<(&'a UseCase, Option<&'a Step>)> {
        let cat = &self.checked.catalogue;
        let uc = cat.use_case(self.d.use_case.as_deref()?)?;
        let step = self
            .d
            .step
            .as_deref()
            .and_then(|s| uc.step(s))
            .map(|s| &uc.steps[s]);
        Some((uc, step))
    }

    /// `unknown-reference`, or `schema` on an unknown field or enum value: replace the word
    /// with the suggestion of the finding's help.
    fn did_you_mean(&self) -> Option<CodeAction> {
        let help = self.d.help.as_deref()?;
        let suggestion = help.strip_prefix("did you mean `")?.split('`').next()?;
        let text = self.text(self.d.span.file);
        let written = text.get(self.d.span.start as usize..self.d.span.end as usize)?;
        let old = written.trim_matches(['"', '\'']);
        // Only a word: never replace a whole mapping or a line the finding happens to cover.
        let word = |c: char| c.is_alphanumeric() || c == '-' || c == '_';
        if old.is_empty() || !old.chars().all(word) {
            return None;
        }
        let span = id_span(&self.checked.report.sources, self.d.span, old);
        Some(self.action(
            format!("Replace `{old}` with `{suggestion}`"),
            vec![TextEdit {
                span,
                new_text: suggestion.to_owned(),
            }],
            true,
        ))
    }

    /// `silo-break`: carry the item over on the `next` entry of the handoff (or, for a bare
    /// `next: step`, on the step handing over).
    fn carry(&self) -> Option<CodeAction> {
        let (uc, receiver) = self.place()?;
        let text = self.text(self.d.span.file);
        let item = text
            .get(self.d.span.start as usize..self.d.span.end as usize)?
            .trim_matches(['"', '\'']);
        let edge = self.d.labels.first()?.span;
        let (from, entry) = uc
            .steps
            .iter()
            .find_map(|s| s.next.iter().find(|n| n.span == edge).map(|n| (s, n)))?;
        let file = uc.file;
        let text = self.text(file);
        let to = receiver.map_or(entry.to.value.as_str(), |s| s.id.value.as_str());
        // A `- to: x` entry is a mapping; a bare id (`next: x`) is not, and the step carries it.
        let entry_is_mapping = entry.to.span != entry.span;
        let edit = if entry_is_mapping {
            add_to_list(text, &entry.carries, None, item)
                .or_else(|| add_key(text, entry.to.span, &[format!("carries: [{item}]")]))?
        } else {
            add_to_list(text, &from.carries, None, item)
                .or_else(|| add_key(text, from.id.span, &[format!("carries: [{item}]")]))?
        };
        let place = if entry_is_mapping {
            format!("on the `next` entry of `{}`", from.id.value)
        } else {
            format!("on step `{}`", from.id.value)
        };
        Some(self.action(
            format!("Carry `{item}` over to `{to}` (`carries: [{item}]` {place})"),
            vec![edit],
            true,
        ))
    }

    /// Any finding that may be allowed: `allow: [rule]` on its step (or its use case), with a
    /// `reason:` placeholder when there is no reason yet.
    fn allow(&self) -> Option<CodeAction> {
        let meta = crate::rules::find(self.d.rule)?;
        // Format rules cannot be allowed; unused-allow is found after suppression.
        if meta.group == Group::Format || meta.id == "unused-allow" {
            return None;
        }
        let (uc, step) = self.place()?;
        let (allow, id, where_) = match step {
            Some(s) => (&*s.allow, &s.id, format!("step `{}`", s.id.value)),
            None => (&uc.allow, &uc.id, format!("use case `{}`", uc.id.value)),
        };
        if allow.rules.iter().any(|r| r.value == meta.id) {
            return None;
        }
        let text = self.text(uc.file);
        let reason = format!("reason: \"{REASON_PLACEHOLDER}\"");
        let mut edits = Vec::new();
        match add_to_list(text, &allow.rules, allow.span, meta.id) {
            Some(e) => {
                edits.push(e);
                if allow.reason.is_none() {
                    edits.push(add_key(text, id.span, &[reason])?);
                }
            }
            None if allow.span.is_none() => {
                let mut lines = vec![format!("allow: [{}]", meta.id)];
                if allow.reason.is_none() {
                    lines.push(reason);
                }
                edits.push(add_key(text, id.span, &lines)?);
            }
            None => return None,
        }
        Some(self.action(
            format!("Allow `{}` on {where_} (write the reason)", meta.id),
            edits,
            false,
        ))
    }
}

impl Fix<'_> {
    /// `unused-allow`: remove the entry; the last one takes its `allow:` and `reason:` along.
    fn remove_allow(&self) -> Option<CodeAction> {
        let (uc, step) = self.place()?;
        let (allow, id) = match step {
            Some(s) => (&*s.allow, &s.id),
            None => (&uc.allow, &uc.id),
        };
        let k = allow.rules.iter().position(|r| r.span == self.d.span)?;
        let rule = &allow.rules[k].value;
        let text = self.text(uc.file);
        let file = uc.file;
        let cut = |(start, end): (usize, usize)| TextEdit {
            span: Span {
                file,
                start: start as u32,
                end: end as u32,
            },
            new_text: String::new(),
        };
        let edits = if allow.rules.len() > 1 {
            vec![cut(remove_from_list(text, &allow.rules, k)?)]
        } else {
            let mut edits = vec![cut(text::entry_range(text, id.span.start as usize, "allow")?)];
            if let Some(reason) = text::entry_range(text, id.span.start as usize, "reason") {
                edits.push(cut(reason));
            }
            edits
        };
        Some(self.action(format!("Remove `{rule}` from `allow:`"), edits, true))
    }
}

/// The byte range to delete to remove element `k` of a list of ids, in the list's style.
fn remove_from_list(text: &str, refs: &[Ref], k: usize) -> Option<(usize, usize)> {
    let before = text
        .get(..refs.first()?.span.start as usize)?
        .trim_end_matches([' ', '\t']);
    let r = &refs[k];
    if before.ends_with('[') || before.ends_with(',') {
        Some(match (refs.get(k + 1), k.checked_sub(1)) {
            (Some(next), _) => (r.span.start as usize, next.span.start as usize),
            (None, Some(prev)) => (refs[prev].span.end as usize, r.span.end as usize),
            (None, None) => return None,
        })
    } else if before.ends_with('-') {
        let start = text::line_start(text, r.span.start as usize);
        let end = text[r.span.end as usize..]
            .find('\n')
            .map_or(text.len(), |i| r.span.end as usize + i + 1);
        Some((start, end))
    } else {
        None
    }
}

/// Adds `value` to a list of ids in the list's style: after the last element of an inline list,
/// on a new `- ` line after a block list, or into an empty `[]` (whose span is `span`).
fn add_to_list(text: &str, refs: &[Ref], span: Option<Span>, value: &str) -> Option<TextEdit> {
    let Some(last) = refs.last() else {
        // The span of an empty flow list may cover its `[` only: the list runs to its `]`.
        let span = span?;
        let rest = text.get(span.start as usize..)?.strip_prefix('[')?;
        let inside = rest.len() - rest.trim_start().len();
        rest[inside..].starts_with(']').then_some(())?;
        return Some(TextEdit {
            span: Span {
                end: span.start + inside as u32 + 2,
                ..span
            },
            new_text: format!("[{value}]"),
        });
    };
    let first = refs[0].span.start as usize;
    let before = text[..first].trim_end_matches([' ', '\t']);
    if before.ends_with('[') || before.ends_with(',') {
        Some(TextEdit {
            span: Span {
                file: last.span.file,
                start: last.span.end,
                end: last.span.end,
            },
            new_text: format!(", {value}"),
        })
    } else if before.ends_with('-') {
        let dash = text::dash_column(text, last.span.start as usize)?;
        let at = text::line_end(text, last.span.end as usize) as u32;
        Some(TextEdit {
            span: Span {
                file: last.span.file,
                start: at,
                end: at,
            },
            new_text: format!("\n{}- {value}", " ".repeat(dash)),
        })
    } else {
        None
    }
}

/// New keys (`lines`) in the mapping of the key whose value is at `anchor`, each on a line of
/// its own after the anchor's line, at the anchor key's indentation.
fn add_key(text: &str, anchor: Span, lines: &[String]) -> Option<TextEdit> {
    let col = text::key_column(text, anchor.start as usize)?;
    let at = text::line_end(text, anchor.end as usize) as u32;
    let indent = " ".repeat(col);
    Some(TextEdit {
        span: Span {
            file: anchor.file,
            start: at,
            end: at,
        },
        new_text: lines.iter().map(|l| format!("\n{indent}{l}")).collect(),
    })
}
