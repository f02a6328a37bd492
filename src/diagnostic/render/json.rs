//! The stable JSON report (`version: 1`, see CLI.md).

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
    line: u32,
    column: u32,
    end_line: u32,
    end_column: u32,
    use_case: Option<&'a str>,
    step: Option<&'a str>,
    help: Option<&'a str>,
}

/// Renders the report as pretty-printed JSON with a final newline.
pub fn json(report: &Report) -> String {
    let diagnostics = report
        .diagnostics
        .iter()
        .map(|d| {
            let (start, end) = report.sources.range(d.span);
            JsonDiagnostic {
                rule: d.rule,
                severity: d.severity.as_str(),
                message: &d.message,
                file: &report.sources.get(d.span.file).rel_path,
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
