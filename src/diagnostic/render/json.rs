//! The stable JSON report (`version: 1`, see CLI.md). `file` is relative to the catalogue, as
//! the contract says; `path`, added after it, is the same file as it opens from the current
//! folder (`catalogue/use-cases/...` when run from the repository root).

use crate::diagnostic::{Report, Summary};
use serde::Serialize;

#[derive(Serialize)]
struct JsonReport<'a> {
    version: u32,
    diagnostics: Vec<JsonDiagnostic<'a>>,
    summary: Summary,
}

#[derive(Serialize)]
struct JsonDiagnostic<'a> {
    rule: &'a str,
    severity: &'a str,
    message: &'a str,
    file: &'a str,
    path: String,
    line: u32,
    column: u32,
    end_line: u32,
    end_column: u32,
    use_case: Option<&'a str>,
    step: Option<&'a str>,
    help: Option<&'a str>,
}

/// Renders the report as pretty-printed JSON with a final newline (`path` equal to `file`).
pub fn json(report: &Report) -> String {
    json_at(report, "")
}

/// [`json`] with `prefix` (how the catalogue is reached from the current folder) in `path`.
pub(crate) fn json_at(report: &Report, prefix: &str) -> String {
    let diagnostics = report
        .diagnostics
        .iter()
        .map(|d| {
            let (start, end) = report.sources.range(d.span);
            let file = &report.sources.get(d.span.file).rel_path;
            JsonDiagnostic {
                rule: d.rule,
                severity: d.severity.as_str(),
                message: &d.message,
                file,
                path: format!("{prefix}{file}"),
                line: start.line,
                column: start.column,
                end_line: end.line,
                end_column: end.column,
                use_case: d.use_case.as_deref(),
                step: d.step.as_deref(),
                help: d.help.as_deref(),
            }
        })
        .collect();
    let doc = JsonReport {
        version: 1,
        diagnostics,
        summary: report.summary,
    };
    let mut text = serde_json::to_string_pretty(&doc).expect("the report serialises");
    text.push('\n');
    text
}
