//! Baselines, for adopting casebook on a catalogue that already has findings: `check
//! --write-baseline FILE` records today's findings by fingerprint ([`super::fingerprint`]), and
//! `check --baseline FILE` reports only the findings that are not recorded there, plus, as
//! `baseline-fixed`, the recorded findings that no longer occur (so the file can shrink).
//!
//! The file is JSON meant to be committed and read in review: a version, then one entry per
//! finding, sorted by file, use case, step, rule and fingerprint (never by line, so moving a step
//! does not reorder it). Only the fingerprint matches; rule, file, use case, step and message
//! are there for the reviewer. Format findings (`yaml-syntax`, `schema`, ...) are never recorded
//! nor matched: like an `allow:`, a baseline cannot hide a file casebook cannot read right.
//!
//! Pure: the CLI reads and writes the file.

use super::fingerprint;
use super::{Diagnostic, Report, Severity};
use crate::model::Catalogue;
use crate::rules::{self, Group};
use crate::source::{FileId, Span};
use serde::{Deserialize, Serialize};
use std::collections::{HashMap, HashSet};

/// The version of the baseline file this casebook writes and reads.
pub const VERSION: u32 = 1;

/// The rule of the findings a baseline records but that no longer occur.
pub const FIXED_RULE: &str = "baseline-fixed";

/// A baseline file.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Baseline {
    /// [`VERSION`].
    pub version: u32,
    /// The findings accepted, sorted.
    pub findings: Vec<Entry>,
}

/// One accepted finding.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Entry {
    /// What matches: the finding's fingerprint.
    pub fingerprint: String,
    /// For the reader: the rule id.
    pub rule: String,
    /// For the reader: the file, relative to the catalogue.
    pub file: String,
    /// For the reader (and to locate `baseline-fixed`): the use case.
    pub use_case: Option<String>,
    /// For the reader (and to locate `baseline-fixed`): the step.
    pub step: Option<String>,
    /// For the reader: the message when the finding was recorded.
    pub message: String,
}

/// Why a baseline file could not be used.
#[derive(Debug, thiserror::Error)]
pub enum BaselineError {
    /// Not JSON of the expected shape.
    #[error("not a casebook baseline: {0}")]
    Malformed(#[from] serde_json::Error),
    /// Written by another version of the format.
    #[error("baseline version {0} is not supported (this casebook reads version {VERSION})")]
    Version(u32),
    /// A fingerprint that no casebook writes.
    #[error("`{0}` is not a fingerprint (16 hexadecimal digits, then `:N` for a repeat)")]
    Fingerprint(String),
}

/// Findings that a baseline can never accept: the format group (as `allow:`) and its own rule.
fn recordable(d: &Diagnostic) -> bool {
    d.rule != FIXED_RULE && rules::find(d.rule).is_some_and(|m| m.group != Group::Format)
}

fn is_fingerprint(s: &str) -> bool {
    let (hash, occurrence) = match s.split_once(':') {
        Some((h, n)) => (h, Some(n)),
        None => (s, None),
    };
    hash.len() == 16
        && hash
            .bytes()
            .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase())
        && occurrence
            .is_none_or(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()) && !n.starts_with('0'))
}

impl Baseline {
    /// The baseline that accepts every finding of `report` but format findings.
    pub fn of_report(report: &Report) -> Baseline {
        let mut findings: Vec<Entry> = report
            .diagnostics
            .iter()
            .zip(report.fingerprints())
            .filter(|(d, _)| recordable(d))
            .map(|(d, fingerprint)| Entry {
                fingerprint,
                rule: d.rule.to_owned(),
                file: report.sources.get(d.span.file).rel_path.clone(),
                use_case: d.use_case.clone(),
                step: d.step.clone(),
                message: d.message.clone(),
            })
            .collect();
        findings.sort_by(|a, b| {
            (&a.file, &a.use_case, &a.step, &a.rule, &a.fingerprint).cmp(&(
                &b.file,
                &b.use_case,
                &b.step,
                &b.rule,
                &b.fingerprint,
            ))
        });
        Baseline {
            version: VERSION,
            findings,
        }
    }

    /// The file's text: pretty-printed JSON with a final newline.
    pub fn to_json(&self) -> String {
        let mut text = serde_json::to_string_pretty(self).expect("a baseline serialises");
        text.push('\n');
        text
    }

    /// Reads a baseline file's text.
    pub fn parse(text: &str) -> Result<Baseline, BaselineError> {
        let baseline: Baseline = serde_json::from_str(text)?;
        if baseline.version != VERSION {
            return Err(BaselineError::Version(baseline.version));
        }
        if let Some(bad) = baseline.findings.iter().find(|e| !is_fingerprint(&e.fingerprint)) {
            return Err(BaselineError::Fingerprint(bad.fingerprint.clone()));
        }
        Ok(baseline)
    }
}

/// Takes out of `report` every finding that `baseline` accepts, and adds a `baseline-fixed`
/// finding (at its configured severity; none when `off`) for every entry that matched nothing.
/// The summary then counts only what remains, and `report.baselined` how many were taken out.
/// `name` is how the baseline file is named in messages (the path as given).
pub fn apply(report: &mut Report, baseline: &Baseline, catalogue: &Catalogue, name: &str) {
    let accepted: HashSet<&str> = baseline.findings.iter().map(|e| e.fingerprint.as_str()).collect();
    let fingerprints = report.fingerprints();
    let found: HashSet<&str> = fingerprints.iter().map(String::as_str).collect();
    let diagnostics = std::mem::take(&mut report.diagnostics);
    let before = diagnostics.len();
    let mut kept: Vec<(Diagnostic, Option<String>)> = diagnostics
        .into_iter()
        .zip(fingerprints.iter().cloned())
        .filter(|(d, f)| !recordable(d) || !accepted.contains(f.as_str()))
        .map(|(d, f)| (d, Some(f)))
        .collect();
    report.baselined = before - kept.len();

    let meta = rules::find(FIXED_RULE).expect("baseline-fixed is registered");
    let severity = catalogue
        .settings
        .severity(FIXED_RULE)
        .unwrap_or(meta.default_severity);
    if severity != Severity::Off {
        // Files by path, for entries whose use case is gone (one look-up each, not a scan).
        let files: HashMap<&str, FileId> = report
            .sources
            .iter()
            .map(|(id, f)| (f.rel_path.as_str(), id))
            .collect();
        let mut fixed = Vec::new();
        for entry in &baseline.findings {
            if found.contains(entry.fingerprint.as_str()) {
                continue;
            }
            let mut d = Diagnostic::new(
                FIXED_RULE,
                locate(&files, catalogue, entry),
                format!(
                    "`{}` no longer finds what the baseline recorded{}: {}",
                    entry.rule,
                    match (&entry.use_case, &entry.step) {
                        (Some(u), Some(s)) => format!(" in `{u}`, step `{s}`"),
                        (Some(u), None) => format!(" in `{u}`"),
                        _ => format!(" in {}", entry.file),
                    },
                    entry.message
                ),
            )
            .with_help(format!(
                "remove the entry with fingerprint `{}` from {name}, so that the finding cannot come back unnoticed",
                entry.fingerprint
            ));
            d.severity = severity;
            d.use_case = entry.use_case.clone();
            d.step = entry.step.clone();
            fixed.push((d, None));
        }
        kept.extend(fixed);
    }

    // A `baseline-fixed` finding may point into a file with no other finding, which `casebook
    // check` left packed (`engine::check_report`): the report reads the text of each.
    report.sources.unpack(
        kept.iter()
            .flat_map(|(d, _)| std::iter::once(d.span.file).chain(d.labels.iter().map(|l| l.span.file))),
    );
    let sources = &report.sources;
    kept.sort_by(|(a, _), (b, _)| super::report_order(sources, a, b));
    // Fingerprints of the new findings, numbered among themselves (no other rule shares them).
    let fixed: Vec<&Diagnostic> = kept.iter().filter(|(_, f)| f.is_none()).map(|(d, _)| d).collect();
    let mut fixed_prints = fingerprint_all(report, &fixed).into_iter();
    let (diagnostics, fingerprints): (Vec<Diagnostic>, Vec<String>) = kept
        .into_iter()
        .map(|(d, f)| {
            let f = f.unwrap_or_else(|| fixed_prints.next().expect("one per new finding"));
            (d, f)
        })
        .unzip();
    report.diagnostics = diagnostics;
    report.fingerprints = Some(fingerprints);
    report.recount();
}

/// Fingerprints of `diagnostics`, with occurrence numbers among them.
fn fingerprint_all(report: &Report, diagnostics: &[&Diagnostic]) -> Vec<String> {
    let mut seen = HashMap::new();
    diagnostics
        .iter()
        .map(|d| {
            let b = fingerprint::base(d, &report.sources.get(d.span.file).rel_path);
            let n = seen.entry(b.clone()).or_insert(0usize);
            *n += 1;
            if *n == 1 { b } else { format!("{b}:{}", *n - 1) }
        })
        .collect()
}

/// Where a `baseline-fixed` finding points: the step when it still exists, else the use case,
/// else the file of the entry when it is still read, else casebook.yaml.
fn locate(files: &HashMap<&str, FileId>, catalogue: &Catalogue, entry: &Entry) -> Span {
    if let Some(uc) = entry.use_case.as_deref().and_then(|u| catalogue.use_case(u)) {
        return match entry.step.as_deref().and_then(|s| uc.step(s)) {
            Some(s) => uc.steps[s].id.span,
            None => uc.id.span,
        };
    }
    Span::file_start(files.get(entry.file.as_str()).copied().unwrap_or(FileId(0)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::{SourceDb, SourceFile};

    fn report(messages: &[&str]) -> Report {
        let mut sources = SourceDb::default();
        let text = "x\n".repeat(10);
        sources.add(SourceFile::new("casebook.yaml".into(), "c".into(), text.clone()));
        let file = sources.add(SourceFile::new("use-cases/a.yaml".into(), "a".into(), text));
        let diagnostics = messages
            .iter()
            .enumerate()
            .map(|(i, m)| {
                let span = Span {
                    file,
                    start: 2 * i as u32,
                    end: 2 * i as u32 + 1,
                };
                let mut d = Diagnostic::new("handoff-budget", span, *m).in_use_case("a");
                d.severity = Severity::Warning;
                d
            })
            .collect();
        Report::new(sources, diagnostics, Vec::new())
    }

    #[test]
    fn a_finding_keeps_its_occurrence_number_when_an_earlier_twin_is_accepted() {
        // Two findings with one base (they differ only by a number), then another.
        let mut r = report(&["5 handoffs", "6 handoffs", "a silo"]);
        let all = r.fingerprints();
        assert!(all[1].ends_with(":1"), "{all:?}");
        let mut accepted = Baseline::of_report(&r);
        accepted.findings.retain(|e| e.fingerprint == all[0]);
        accepted.findings.push(Entry {
            fingerprint: "fedcba9876543210".into(),
            rule: "dead-end".into(),
            file: "use-cases/gone.yaml".into(),
            use_case: None,
            step: None,
            message: "gone".into(),
        });
        apply(&mut r, &accepted, &Catalogue::default(), "b.json");
        assert_eq!(r.baselined, 1);
        let rules: Vec<&str> = r.diagnostics.iter().map(|d| d.rule).collect();
        assert_eq!(rules, [FIXED_RULE, "handoff-budget", "handoff-budget"]);
        // The twin is still `:1`; the gone entry points at casebook.yaml (file 0).
        assert_eq!(r.fingerprints()[1..], all[1..]);
        assert_eq!(r.diagnostics[0].span.file, FileId(0));
        assert_eq!((r.summary.warnings, r.summary.infos), (2, 1));
    }

    #[test]
    fn fingerprints_are_what_casebook_writes() {
        assert!(is_fingerprint("0123456789abcdef"));
        assert!(is_fingerprint("0123456789abcdef:2"));
        for bad in [
            "0123456789ABCDEF",
            "0123456789abcde",
            "0123456789abcdef:",
            "0123456789abcdef:01",
            "0123456789abcdef:x",
            "",
        ] {
            assert!(!is_fingerprint(bad), "{bad}");
        }
    }
}
