//! The github format: GitHub Actions workflow commands, so that findings show as annotations on
//! the pull request's changed lines without uploading anything.
//!
//! One line per diagnostic, and nothing else: no summary. A summary would have to be a
//! `::notice::` without a file, which GitHub shows as one more annotation on the run (and counts
//! against the per-step annotation limit); the exit status already says whether the run failed,
//! and the workflow log shows the command's output anyway.
//!
//! The log renders ANSI escapes, so text from YAML and file names first goes through
//! [`neutralise`] (no control character but a message's newlines and tabs), then through the
//! runner's own escapes, which keep each command on one line.

use super::neutralise;
use crate::diagnostic::{Report, Severity};
use std::fmt::Write;

/// Renders one workflow command per diagnostic. `path_prefix` (e.g. `catalogue/`) is put before
/// each catalogue-relative path so that GitHub finds the file from the repository root.
pub fn github(report: &Report, path_prefix: &str) -> String {
    let mut out = String::new();
    for d in &report.diagnostics {
        let command = match d.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info | Severity::Off => "notice",
        };
        let (start, end) = report.sources.range(d.span);
        let path = format!("{path_prefix}{}", report.sources.get(d.span.file).rel_path);
        let path = neutralise(&path, true);
        let mut message = neutralise(&d.message, false).into_owned();
        if let Some(help) = &d.help {
            message.push_str("\nhelp: ");
            message.push_str(&neutralise(help, false));
        }
        let _ = writeln!(
            out,
            "::{command} file={},line={},col={},endLine={},endColumn={},title={}::{}",
            escape_property(&path),
            start.line,
            start.column,
            end.line,
            end.column,
            escape_property(d.rule),
            escape_data(&message),
        );
    }
    out
}

/// Escapes a command's message, as the Actions toolkit's `escapeData` does (the runner undoes
/// exactly these three).
fn escape_data(s: &str) -> String {
    s.replace('%', "%25").replace('\r', "%0D").replace('\n', "%0A")
}

/// Escapes a property value, as the Actions toolkit's `escapeProperty` does: also `:` and `,`,
/// which end a property.
fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::{escape_data, escape_property};

    #[test]
    fn escapes_percent_first_then_newlines_and_separators() {
        assert_eq!(escape_data("100%\r\nnext"), "100%25%0D%0Anext");
        assert_eq!(escape_data("a:b,c"), "a:b,c");
        assert_eq!(escape_property("a:b,c%"), "a%3Ab%2Cc%25");
    }
}
