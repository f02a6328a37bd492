//! Fingerprints: a name for a finding that survives edits elsewhere in the catalogue, so that
//! two runs can be compared (`casebook diff`, `check --baseline`, SARIF `partialFingerprints`).
//!
//! A fingerprint hashes what the finding is about, never where it is printed: the rule, the use
//! case (or, for findings outside any use case, the file), the step, and the message with every
//! run of digits replaced by `#` (so "7 handoffs" and "8 handoffs" are the same finding, and no
//! line number inside a message can move it). Lines and columns are left out, so moving a step
//! or adding a comment above it keeps every fingerprint. Findings that would still collide (the
//! same rule twice on one step with messages that differ only by numbers) are told apart by an
//! occurrence number, counted in report order.
//!
//! The hash is 64-bit FNV-1a, written out as 16 hex digits: stable across platforms, Rust
//! versions and casebook versions (it is part of the baseline file's contract).

use super::{Diagnostic, Report};
use std::collections::HashMap;

/// FNV-1a, 64 bits.
fn fnv1a(parts: &[&str]) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for part in parts {
        for &b in part.as_bytes().iter().chain(std::iter::once(&0u8)) {
            hash ^= u64::from(b);
            hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
        }
    }
    hash
}

/// The message with every run of ASCII digits replaced by `#`.
fn normalise(message: &str) -> String {
    let mut out = String::with_capacity(message.len());
    let mut in_digits = false;
    for c in message.chars() {
        if c.is_ascii_digit() {
            if !in_digits {
                out.push('#');
            }
            in_digits = true;
        } else {
            out.push(c);
            in_digits = false;
        }
    }
    out
}

/// The fingerprint of one finding without its occurrence number: `rel_path` is the path of
/// the finding's file relative to the catalogue (used only when the finding names no use case).
pub fn base(d: &Diagnostic, rel_path: &str) -> String {
    let scope = d.use_case.as_deref().unwrap_or(rel_path);
    let hash = fnv1a(&[
        d.rule,
        scope,
        d.step.as_deref().unwrap_or(""),
        &normalise(&d.message),
    ]);
    format!("{hash:016x}")
}

/// The fingerprints of every finding of a report, in the report's order: the base fingerprint,
/// then `:N` for the N-th finding (from 1) with the same base; the first has no suffix.
pub fn of_report(report: &Report) -> Vec<String> {
    of_diagnostics(report, report.diagnostics.iter())
}

/// The fingerprints of the findings an `allow:` accepted (`report.suppressed`), numbered among
/// themselves: a suppressed finding never shares a base with a reported one, since an allow
/// covers every finding of its rule on its step or use case.
pub fn of_suppressed(report: &Report) -> Vec<String> {
    of_diagnostics(report, report.suppressed.iter().map(|s| &s.diagnostic))
}

/// Fingerprints of `diagnostics` (files from `report`), with occurrence numbers in their order.
fn of_diagnostics<'a>(report: &Report, diagnostics: impl Iterator<Item = &'a Diagnostic>) -> Vec<String> {
    let mut seen: HashMap<String, usize> = HashMap::new();
    diagnostics
        .map(|d| {
            let b = base(d, &report.sources.get(d.span.file).rel_path);
            let n = seen.entry(b.clone()).or_insert(0);
            *n += 1;
            if *n == 1 { b } else { format!("{b}:{}", *n - 1) }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::{FileId, Span};

    fn diag(rule: &'static str, start: u32, message: &str) -> Diagnostic {
        let span = Span {
            file: FileId(0),
            start,
            end: start + 3,
        };
        Diagnostic::new(rule, span, message)
            .in_use_case("invoice-dispute")
            .at_step("investigate")
    }

    #[test]
    fn a_moved_finding_keeps_its_fingerprint() {
        let a = diag("silo-break", 10, "`billing` hands over at line 30");
        let b = diag("silo-break", 900, "`billing` hands over at line 42");
        assert_eq!(base(&a, "x.yaml"), base(&b, "x.yaml"));
    }

    #[test]
    fn rule_step_use_case_and_words_all_count() {
        let a = diag("silo-break", 10, "`billing` hands over");
        let mut other_step = a.clone();
        other_step.step = Some("close".into());
        let mut other_case = a.clone();
        other_case.use_case = Some("late-refund".into());
        let other_rule = diag("repeat-ask", 10, "`billing` hands over");
        let other_words = diag("silo-break", 10, "`support` hands over");
        let fa = base(&a, "x.yaml");
        for d in [other_step, other_case, other_rule, other_words] {
            assert_ne!(fa, base(&d, "x.yaml"), "{d:?}");
        }
        // The file counts only for findings outside any use case.
        assert_eq!(fa, base(&a, "elsewhere.yaml"));
        let mut loose = a.clone();
        loose.use_case = None;
        assert_ne!(base(&loose, "x.yaml"), base(&loose, "y.yaml"));
    }

    #[test]
    fn the_hash_is_fixed() {
        // Part of the baseline file's contract: this value must never change.
        assert_eq!(format!("{:016x}", fnv1a(&[])), "cbf29ce484222325");
        assert_eq!(format!("{:016x}", fnv1a(&["a"])), "089be207b544f1e4");
    }
}
