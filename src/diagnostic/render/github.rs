//! The github format: GitHub Actions workflow commands, so that findings show as annotations on
//! the pull request's changed lines without uploading anything.
//!
//! GitHub shows at most [`ANNOTATIONS_PER_KIND`] errors, as many warnings and as many notices
//! per step, and drops the rest without a word. So the commands come errors first, then
//! warnings, then infos (notices); when a kind has more than the limit, the findings past it
//! are printed as plain `severity[rule]: path:line:column: message` lines (still in the log, and
//! no annotation is dropped at random), and the output ends with one `::notice` that says how
//! many findings are not annotations and where to read them all: the job summary, when the CLI
//! writes the full table there ([`github_summary`], `GITHUB_STEP_SUMMARY`), else the log. That
//! notice takes the place of the tenth info. When everything fits, nothing else is printed: the
//! exit status already says whether the run failed.
//!
//! The log renders ANSI escapes, so text from YAML and file names first goes through
//! [`neutralise`] (no control character but a message's newlines and tabs), then through the
//! runner's own escapes, which keep each command on one line.

use super::{RenderOptions, neutralise};
use crate::diagnostic::{Diagnostic, Report, Severity};
use std::fmt::Write;

/// How many annotations of one kind (error, warning, notice) GitHub shows per step.
pub const ANNOTATIONS_PER_KIND: usize = 10;

/// The byte budget of the job summary table: GitHub refuses a step summary over 1 MiB.
const SUMMARY_BUDGET: usize = 1000 * 1000;

/// Renders one workflow command per diagnostic. `path_prefix` (e.g. `catalogue/`) is put before
/// each catalogue-relative path so that GitHub finds the file from the repository root.
pub fn github(report: &Report, path_prefix: &str) -> String {
    github_with(
        report,
        &RenderOptions {
            path_prefix: path_prefix.to_owned(),
            ..RenderOptions::default()
        },
    )
}

/// The rank of a severity in the output: errors first.
fn rank(severity: Severity) -> u8 {
    match severity {
        Severity::Error => 0,
        Severity::Warning => 1,
        Severity::Info | Severity::Off => 2,
    }
}

/// [`github`] with every option (the path prefix; whether the job summary has the full table).
pub(crate) fn github_with(report: &Report, options: &RenderOptions) -> String {
    let mut ordered: Vec<&Diagnostic> = report.diagnostics.iter().collect();
    ordered.sort_by_key(|d| rank(d.severity)); // stable: report order within a kind
    let count = |r: u8| ordered.iter().filter(|d| rank(d.severity) == r).count();
    let overflows = (0..3).any(|r| count(r) > ANNOTATIONS_PER_KIND);
    // With a closing notice, infos get one place less.
    let budget = |r: u8| match r {
        2 if overflows => ANNOTATIONS_PER_KIND - 1,
        _ => ANNOTATIONS_PER_KIND,
    };
    let mut shown = [0usize; 3];
    let mut out = String::new();
    let mut plain = String::new();
    for d in ordered {
        let r = rank(d.severity);
        let (start, end) = report.sources.range(d.span);
        let path = format!(
            "{}{}",
            options.path_prefix,
            report.sources.get(d.span.file).rel_path
        );
        let path = neutralise(&path, true);
        let mut message = neutralise(&d.message, false).into_owned();
        if let Some(help) = &d.help {
            message.push_str("\nhelp: ");
            message.push_str(&neutralise(help, false));
        }
        if shown[r as usize] == budget(r) {
            // Past the limit: a plain line in the log, which starts with the severity (never
            // `::`, so the runner cannot take it for a command) and keeps to one line.
            let _ = writeln!(
                plain,
                "{}[{}]: {path}:{}:{}: {}",
                d.severity.as_str(),
                d.rule,
                start.line,
                start.column,
                message.replace(['\r', '\n'], " ")
            );
            continue;
        }
        shown[r as usize] += 1;
        let command = ["error", "warning", "notice"][r as usize];
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
    if overflows {
        let hidden = report.diagnostics.len() - shown.iter().sum::<usize>();
        let whole = counts(report);
        let where_ = if options.step_summary {
            "the job summary lists them all, and the log of this step prints them"
        } else {
            "the log of this step prints them"
        };
        out.push_str(&plain);
        let _ = writeln!(
            out,
            "::notice title=casebook::{}",
            escape_data(&format!(
                "{hidden} of {} findings ({whole}) are not shown as annotations: GitHub shows {ANNOTATIONS_PER_KIND} errors, {ANNOTATIONS_PER_KIND} warnings and {ANNOTATIONS_PER_KIND} notices per step; {where_}, and `casebook check` shows them with the YAML lines",
                report.diagnostics.len()
            ))
        );
    }
    out
}

/// The full table of findings as Markdown for the job summary (`GITHUB_STEP_SUMMARY`): a
/// heading with the counts, then one row per finding, errors first. Every text from YAML is
/// escaped for Markdown and HTML, so a message renders as text. The table stops before 1 MB
/// (GitHub refuses a larger summary) and says how many rows it left out.
pub fn github_summary(report: &Report, path_prefix: &str) -> String {
    let mut out = format!("### casebook: {}\n\n", counts(report));
    if report.diagnostics.is_empty() {
        out.push_str("No findings.\n");
        return out;
    }
    out.push_str("| severity | rule | where | message |\n|---|---|---|---|\n");
    let mut ordered: Vec<&Diagnostic> = report.diagnostics.iter().collect();
    ordered.sort_by_key(|d| rank(d.severity));
    for (i, d) in ordered.iter().enumerate() {
        let (start, _) = report.sources.range(d.span);
        let path = format!("{path_prefix}{}", report.sources.get(d.span.file).rel_path);
        let mut message = d.message.clone();
        if let Some(help) = &d.help {
            message.push_str("\nhelp: ");
            message.push_str(help);
        }
        let row = format!(
            "| {} | `{}` | {}:{}:{} | {} |\n",
            d.severity.as_str(),
            d.rule,
            markdown_cell(&path),
            start.line,
            start.column,
            markdown_cell(&message)
        );
        if out.len() + row.len() > SUMMARY_BUDGET {
            let _ = writeln!(
                out,
                "\n{} more findings are not listed here (GitHub's summary is limited to 1 MiB); the log of the step prints them all.",
                ordered.len() - i
            );
            break;
        }
        out.push_str(&row);
    }
    out
}

/// "1 error, 2 warnings, 0 infos".
fn counts(report: &Report) -> String {
    let s = &report.summary;
    let plural = |n: usize, one: &str| format!("{n} {one}{}", if n == 1 { "" } else { "s" });
    format!(
        "{}, {}, {}",
        plural(s.errors, "error"),
        plural(s.warnings, "warning"),
        plural(s.infos, "info")
    )
}

/// Text for one cell of a GitHub Markdown table: HTML's special characters as entities, every
/// other ASCII punctuation backslash-escaped (so nothing is a link, emphasis or a cell border),
/// line breaks as `<br>`, control characters as visible escapes.
fn markdown_cell(text: &str) -> String {
    let text = neutralise(text, false);
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\n' => out.push_str("<br>"),
            '\t' => out.push(' '),
            c if c.is_ascii_punctuation() => {
                out.push('\\');
                out.push(c);
            }
            c => out.push(c),
        }
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
    use super::{escape_data, escape_property, markdown_cell};

    #[test]
    fn escapes_percent_first_then_newlines_and_separators() {
        assert_eq!(escape_data("100%\r\nnext"), "100%25%0D%0Anext");
        assert_eq!(escape_data("a:b,c"), "a:b,c");
        assert_eq!(escape_property("a:b,c%"), "a%3Ab%2Cc%25");
    }

    #[test]
    fn table_cells_show_text_and_never_markup() {
        assert_eq!(
            markdown_cell("a|b [x](javascript:y) <script>&\n`c`\u{1b}"),
            "a\\|b \\[x\\]\\(javascript\\:y\\) &lt;script&gt;&amp;<br>\\`c\\`\\\\u\\{1b\\}"
        );
    }
}
