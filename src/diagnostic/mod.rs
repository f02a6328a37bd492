//! One diagnostic type for every finding, whatever produced it (the loader or a rule), and the
//! report that collects them. The renderers in [`render`] each turn a [`Report`] into one output
//! format; nothing else prints diagnostics.

pub mod baseline;
pub mod fingerprint;
pub mod render;
pub mod statistics;

use crate::source::{SourceDb, Span};
use serde::Serialize;

/// How serious a finding is. `Off` silences a rule entirely.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// The rule is not run (or its findings are dropped).
    Off,
    /// Worth knowing; never fails a run at the default `--fail-on`.
    Info,
    /// Should be fixed; does not fail a run at the default `--fail-on`.
    Warning,
    /// Must be fixed.
    Error,
}

impl Severity {
    /// The lowercase name used in settings and reports.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Off => "off",
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }

    /// Parses `off | info | warning | error`.
    pub fn parse(s: &str) -> Option<Severity> {
        Some(match s {
            "off" => Severity::Off,
            "info" => Severity::Info,
            "warning" => Severity::Warning,
            "error" => Severity::Error,
            _ => return None,
        })
    }
}

/// A secondary location that helps explain a finding ("given here", "handed over here").
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Label {
    /// Where.
    pub span: Span,
    /// What it shows.
    pub message: String,
}

/// One finding, located in a file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    /// The rule id (see the registry in `rules`).
    pub rule: &'static str,
    /// The effective severity (after settings).
    pub severity: Severity,
    /// What is wrong, in one or two sentences.
    pub message: String,
    /// The most precise YAML node involved.
    pub span: Span,
    /// The use case involved, if any.
    pub use_case: Option<String>,
    /// The step involved, if any.
    pub step: Option<String>,
    /// What to do about it.
    pub help: Option<String>,
    /// Related locations, shown by the human renderer.
    pub labels: Vec<Label>,
}

impl Diagnostic {
    /// A diagnostic with no use case, step, help or labels; severity is set by the engine.
    pub fn new(rule: &'static str, span: Span, message: impl Into<String>) -> Self {
        Diagnostic {
            rule,
            severity: Severity::Error,
            message: message.into(),
            span,
            use_case: None,
            step: None,
            help: None,
            labels: Vec::new(),
        }
    }

    /// Sets the help line.
    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// Sets the use case.
    pub fn in_use_case(mut self, id: impl Into<String>) -> Self {
        self.use_case = Some(id.into());
        self
    }

    /// Sets the step.
    pub fn at_step(mut self, id: impl Into<String>) -> Self {
        self.step = Some(id.into());
        self
    }

    /// Adds a secondary label.
    pub fn with_label(mut self, span: Span, message: impl Into<String>) -> Self {
        self.labels.push(Label {
            span,
            message: message.into(),
        });
        self
    }
}

/// Counts shown at the end of every report.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Summary {
    /// Files read.
    pub files: usize,
    /// Use cases loaded.
    pub use_cases: usize,
    /// Findings of severity error.
    pub errors: usize,
    /// Findings of severity warning.
    pub warnings: usize,
    /// Findings of severity info.
    pub infos: usize,
}

/// A finding that an `allow:` accepted: not reported, not counted, but kept for the formats
/// that can say "accepted, and why" (SARIF `suppressions`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Suppressed {
    /// The finding, with its effective severity.
    pub diagnostic: Diagnostic,
    /// The `reason:` next to the `allow:` that accepted it, if any.
    pub reason: Option<String>,
    /// The `allow:` entry that accepted it.
    pub allow: Span,
}

/// The result of checking a catalogue: sorted diagnostics and the files they point into.
#[derive(Debug)]
pub struct Report {
    /// Every file read, for locating spans.
    pub sources: SourceDb,
    /// Findings, sorted by file, line, column, rule.
    pub diagnostics: Vec<Diagnostic>,
    /// Findings accepted by an `allow:`, sorted like `diagnostics`; in no count, and shown by no
    /// format but SARIF (as results with `suppressions`).
    pub suppressed: Vec<Suppressed>,
    /// The ids of the use cases loaded, sorted, with the file each came from (for junit).
    pub use_cases: Vec<(String, crate::source::FileId)>,
    /// Counts.
    pub summary: Summary,
    /// Findings left out because a baseline accepts them (`check --baseline`): none otherwise.
    pub baselined: usize,
    /// The fingerprints of `diagnostics` when they were assigned before a baseline removed
    /// findings (so the occurrence numbers stay those of the whole run); see [`Report::fingerprints`].
    pub(crate) fingerprints: Option<Vec<String>>,
}

impl Report {
    /// Sorts diagnostics deterministically and computes the summary.
    pub fn new(
        sources: SourceDb,
        mut diagnostics: Vec<Diagnostic>,
        mut use_cases: Vec<(String, crate::source::FileId)>,
    ) -> Self {
        diagnostics.retain(|d| d.severity != Severity::Off);
        diagnostics.sort_by(|a, b| report_order(&sources, a, b));
        diagnostics.dedup();
        use_cases.sort();
        let mut report = Report {
            sources,
            diagnostics,
            suppressed: Vec::new(),
            use_cases,
            summary: Summary::default(),
            baselined: 0,
            fingerprints: None,
        };
        report.recount();
        report
    }

    /// Computes the summary from the findings.
    pub(crate) fn recount(&mut self) {
        let count = |s| self.diagnostics.iter().filter(|d| d.severity == s).count();
        self.summary = Summary {
            files: self.sources.iter().filter(|(_, f)| !f.stray).count(),
            use_cases: self.use_cases.len(),
            errors: count(Severity::Error),
            warnings: count(Severity::Warning),
            infos: count(Severity::Info),
        };
    }

    /// The report with the findings that `allow:` accepted, sorted in report order.
    pub fn with_suppressed(mut self, mut suppressed: Vec<Suppressed>) -> Self {
        suppressed.retain(|s| s.diagnostic.severity != Severity::Off);
        suppressed.sort_by(|a, b| report_order(&self.sources, &a.diagnostic, &b.diagnostic));
        suppressed.dedup();
        self.suppressed = suppressed;
        self
    }

    /// The fingerprint of every finding, in report order ([`fingerprint::of_report`]), or the
    /// ones assigned before a baseline took findings out, so that a finding keeps its name.
    pub fn fingerprints(&self) -> Vec<String> {
        match &self.fingerprints {
            Some(f) => f.clone(),
            None => fingerprint::of_report(self),
        }
    }

    /// The highest severity present, if any finding is.
    pub fn max_severity(&self) -> Option<Severity> {
        self.diagnostics.iter().map(|d| d.severity).max()
    }
}

/// The order of a report: file, offset, rule, end, message.
pub(crate) fn report_order(sources: &SourceDb, a: &Diagnostic, b: &Diagnostic) -> std::cmp::Ordering {
    let fa = &sources.get(a.span.file).rel_path;
    let fb = &sources.get(b.span.file).rel_path;
    (fa, a.span.start, a.rule, a.span.end, &a.message).cmp(&(
        fb,
        b.span.start,
        b.rule,
        b.span.end,
        &b.message,
    ))
}
