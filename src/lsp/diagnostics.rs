//! The engine's findings as LSP diagnostics, per file, and which files need publishing after a
//! check: those whose findings changed (in any file of the catalogue, not only the one edited)
//! and those whose findings went away (published empty, to clear them).

use super::Snapshot;
use crate::diagnostic::{Diagnostic, Severity};
use lsp_types::{DiagnosticRelatedInformation, DiagnosticSeverity, DiagnosticTag, NumberOrString, Uri};
use std::collections::HashMap;

/// The `source` of every diagnostic casebook publishes.
pub const SOURCE: &str = "casebook";

/// One finding as an LSP diagnostic. The help line follows the message (the protocol has no
/// field for it, and no web page documents the rules: `casebook explain RULE` and the hover on a
/// rule id do); labels are related information.
pub fn to_lsp(snap: &Snapshot<'_>, d: &Diagnostic) -> lsp_types::Diagnostic {
    let mut message = d.message.clone();
    if let Some(help) = &d.help {
        message.push_str("\nhelp: ");
        message.push_str(help);
    }
    let related: Vec<DiagnosticRelatedInformation> = d
        .labels
        .iter()
        .filter_map(|l| {
            Some(DiagnosticRelatedInformation {
                location: snap.location(l.span)?,
                message: l.message.clone(),
            })
        })
        .collect();
    lsp_types::Diagnostic {
        range: snap.range(d.span),
        severity: Some(match d.severity {
            Severity::Error => DiagnosticSeverity::ERROR,
            Severity::Warning => DiagnosticSeverity::WARNING,
            Severity::Info | Severity::Off => DiagnosticSeverity::INFORMATION,
        }),
        code: Some(NumberOrString::String(d.rule.to_owned())),
        code_description: None,
        source: Some(SOURCE.to_owned()),
        message,
        related_information: (!related.is_empty()).then_some(related),
        // Editors fade what is unused.
        tags: matches!(d.rule, "unused-definition" | "unused-allow")
            .then(|| vec![DiagnosticTag::UNNECESSARY]),
        data: None,
    }
}

/// Every finding of the checked catalogue, by the URI of its file (files without a finding are
/// left out).
pub fn by_file(snap: &Snapshot<'_>) -> HashMap<Uri, Vec<lsp_types::Diagnostic>> {
    let mut out: HashMap<Uri, Vec<lsp_types::Diagnostic>> = HashMap::new();
    for d in &snap.checked.report.diagnostics {
        if let Some(uri) = snap.uri(d.span.file) {
            out.entry(uri).or_default().push(to_lsp(snap, d));
        }
    }
    out
}

/// What to publish to go from `before` to `after`: every file whose diagnostics differ, every
/// file of `always` (documents edited since their last publish, so the editor knows their
/// version was checked), and an empty list for every file that had diagnostics and has none.
/// Sorted by URI, for a deterministic order.
pub fn changes(
    before: &HashMap<Uri, Vec<lsp_types::Diagnostic>>,
    after: &HashMap<Uri, Vec<lsp_types::Diagnostic>>,
    always: &[Uri],
) -> Vec<(Uri, Vec<lsp_types::Diagnostic>)> {
    let mut out: Vec<(Uri, Vec<lsp_types::Diagnostic>)> = after
        .iter()
        .filter(|(uri, now)| before.get(*uri) != Some(*now) || always.contains(uri))
        .map(|(uri, now)| (uri.clone(), now.clone()))
        .collect();
    out.extend(
        before
            .keys()
            .chain(always)
            .filter(|uri| !after.contains_key(*uri))
            .map(|uri| (uri.clone(), Vec::new())),
    );
    out.sort_by(|a, b| a.0.cmp(&b.0));
    out.dedup_by(|a, b| a.0 == b.0);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn diag(message: &str) -> lsp_types::Diagnostic {
        lsp_types::Diagnostic {
            message: message.to_owned(),
            ..Default::default()
        }
    }

    #[test]
    fn only_what_changed_is_published_and_what_went_away_is_cleared() {
        let a: Uri = "file:///c/a.yaml".parse().unwrap();
        let b: Uri = "file:///c/b.yaml".parse().unwrap();
        let c: Uri = "file:///c/c.yaml".parse().unwrap();
        let d: Uri = "file:///c/d.yaml".parse().unwrap();
        let before = HashMap::from([
            (a.clone(), vec![diag("same")]),
            (b.clone(), vec![diag("old")]),
            (c.clone(), vec![diag("gone")]),
        ]);
        let after = HashMap::from([(a.clone(), vec![diag("same")]), (b.clone(), vec![diag("new")])]);
        let got = changes(&before, &after, &[]);
        assert_eq!(got, vec![(b.clone(), vec![diag("new")]), (c.clone(), Vec::new())]);
        // An edited document is published even when its findings are the same, or none.
        let got = changes(&before, &after, &[a.clone(), d.clone()]);
        let uris: Vec<&str> = got.iter().map(|(u, _)| u.as_str()).collect();
        assert_eq!(
            uris,
            [
                "file:///c/a.yaml",
                "file:///c/b.yaml",
                "file:///c/c.yaml",
                "file:///c/d.yaml"
            ]
        );
    }
}
