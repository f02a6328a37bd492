//! `casebook check --statistics`: how many findings each rule made, instead of the findings
//! themselves (ruff's `--statistics`), as a table for people or JSON for scripts. A catalogue
//! adopting casebook starts here: which rules fire most, and which to settle first.

use super::{Report, Severity, Summary};
use serde::Serialize;
use std::collections::BTreeMap;
use std::fmt::Write;

/// The findings of one rule at one severity.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct RuleCount {
    /// The rule id.
    pub rule: &'static str,
    /// The severity its findings have in this catalogue.
    pub severity: Severity,
    /// How many findings.
    pub count: usize,
}

/// The counts per rule and severity, most frequent first, then by severity (errors first) and
/// rule id, so the same report always gives the same order.
pub fn counts(report: &Report) -> Vec<RuleCount> {
    let mut by_rule: BTreeMap<(&'static str, Severity), usize> = BTreeMap::new();
    for d in &report.diagnostics {
        *by_rule.entry((d.rule, d.severity)).or_default() += 1;
    }
    let mut counts: Vec<RuleCount> = by_rule
        .into_iter()
        .map(|((rule, severity), count)| RuleCount {
            rule,
            severity,
            count,
        })
        .collect();
    counts.sort_by(|a, b| (b.count, b.severity, a.rule).cmp(&(a.count, a.severity, b.rule)));
    counts
}

/// The table: count, severity, rule and the rule's one-line summary, one row per rule; nothing
/// when there is no finding.
pub fn text(report: &Report) -> String {
    let counts = counts(report);
    let count_width = counts
        .iter()
        .map(|c| c.count.to_string().len())
        .max()
        .unwrap_or(0);
    let rule_width = counts.iter().map(|c| c.rule.len()).max().unwrap_or(0);
    let mut out = String::new();
    for c in &counts {
        let summary = crate::rules::find(c.rule).map_or("", |m| m.summary);
        let _ = writeln!(
            out,
            "{:>count_width$}  {:7}  {:rule_width$}  {summary}",
            c.count,
            c.severity.as_str(),
            c.rule,
        );
    }
    out
}

#[derive(Serialize)]
struct JsonStatistics {
    version: u32,
    statistics: Vec<RuleCount>,
    summary: Summary,
}

/// `{"version": 1, "statistics": [{"rule", "severity", "count"}], "summary": {...}}`, in the
/// order of [`counts`], pretty-printed with a final newline.
pub fn json(report: &Report) -> String {
    let doc = JsonStatistics {
        version: 1,
        statistics: counts(report),
        summary: report.summary,
    };
    let mut text = serde_json::to_string_pretty(&doc).expect("the statistics serialise");
    text.push('\n');
    text
}
