//! The junit format: JUnit XML, which most CI systems (GitLab, Jenkins, Azure Pipelines, test
//! report actions) display as a list of passed and failed tests. One `<testsuites>` root holds
//! one `<testsuite>`; each use case is a test case, with a `file` attribute (its path from the
//! repository root, like the github and sarif formats) and a `classname` (its path within the
//! catalogue, kept so that CI test histories stay the same). A test case fails when it has a
//! finding at or above `--fail-on` (errors when `never`); its other findings are listed in its
//! `<system-out>`. The `<testsuites>` root carries only the attributes the Jenkins JUnit schema
//! allows there (no `skipped`).
//! Findings that belong to no use case (organisation.yaml, a stray file, a use-case file that
//! could not be read) go into one extra test case per file, named after the file.
//!
//! The XML is small and flat, so it is written by hand; [`crate::markup::xml_escape`] keeps it well-formed
//! whatever the messages contain.

use super::RenderOptions;
use crate::diagnostic::{Diagnostic, Report, Severity};
use crate::markup::xml_escape as escape;
use crate::source::FileId;
use std::collections::{BTreeMap, HashMap};
use std::fmt::Write;

/// One test case before it is written: its class name (a file), its name, and its findings.
struct Case<'a> {
    classname: &'a str,
    name: &'a str,
    diagnostics: Vec<&'a Diagnostic>,
}

/// Renders the report as JUnit XML (with an XML declaration and a final newline): errors fail a
/// test case, paths are relative to the catalogue.
pub fn junit(report: &Report) -> String {
    junit_with(report, &RenderOptions::default())
}

/// [`junit`] with the path prefix (`file` attributes and the finding lines) and the severity
/// that fails a test case.
pub(crate) fn junit_with(report: &Report, options: &RenderOptions) -> String {
    let prefix = options.path_prefix.as_str();
    let failing = |d: &&Diagnostic| d.severity >= options.fail_on;
    let path = |file: FileId| report.sources.get(file).rel_path.as_str();
    let mut cases: Vec<Case<'_>> = report
        .use_cases
        .iter()
        .map(|(id, file)| Case {
            classname: path(*file),
            name: id,
            diagnostics: Vec::new(),
        })
        .collect();
    // Findings of no known use case, by file path (sorted, so the extra cases come in order).
    let mut by_file: BTreeMap<&str, Vec<&Diagnostic>> = BTreeMap::new();
    // Looked up per finding: a scan of the use cases for each was findings × use cases.
    let by_id: HashMap<&str, usize> = (report.use_cases.iter().enumerate())
        .map(|(i, (id, _))| (id.as_str(), i))
        .collect();
    let mut first_in_file: HashMap<FileId, usize> = HashMap::new();
    for (i, (_, file)) in report.use_cases.iter().enumerate() {
        first_in_file.entry(*file).or_insert(i);
    }
    for d in &report.diagnostics {
        let owner = d
            .use_case
            .as_deref()
            .and_then(|id| by_id.get(id).copied())
            .or_else(|| first_in_file.get(&d.span.file).copied());
        match owner {
            Some(i) => cases[i].diagnostics.push(d),
            None => by_file.entry(path(d.span.file)).or_default().push(d),
        }
    }
    cases.extend(by_file.into_iter().map(|(file, diagnostics)| Case {
        classname: file,
        name: file,
        diagnostics,
    }));

    let failures = cases.iter().filter(|c| c.diagnostics.iter().any(failing)).count();
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let _ = writeln!(
        out,
        "<testsuites name=\"casebook\" tests=\"{}\" failures=\"{failures}\" errors=\"0\">",
        cases.len()
    );
    let _ = writeln!(
        out,
        "  <testsuite name=\"casebook\" tests=\"{}\" failures=\"{failures}\" errors=\"0\" skipped=\"0\">",
        cases.len()
    );
    for case in &cases {
        let _ = write!(
            out,
            "    <testcase classname=\"{}\" name=\"{}\" file=\"{}\"",
            escape(case.classname, true),
            escape(case.name, true),
            escape(&format!("{prefix}{}", case.classname), true)
        );
        if case.diagnostics.is_empty() {
            out.push_str("/>\n");
            continue;
        }
        out.push_str(">\n");
        let (failed, others): (Vec<&Diagnostic>, Vec<&Diagnostic>) =
            case.diagnostics.iter().copied().partition(failing);
        if let Some(first) = failed.first() {
            let mut message = format!("[{}] {}", first.rule, first.message);
            if failed.len() > 1 {
                let _ = write!(message, " (and {} more)", failed.len() - 1);
            }
            // The type is the most severe finding's.
            let worst = failed.iter().map(|d| d.severity).max().unwrap_or(Severity::Error);
            let _ = writeln!(
                out,
                "      <failure type=\"{}\" message=\"{}\">{}</failure>",
                worst.as_str(),
                escape(&message, true),
                escape(&lines(report, &failed, prefix), false)
            );
        }
        if !others.is_empty() {
            let _ = writeln!(
                out,
                "      <system-out>{}</system-out>",
                escape(&lines(report, &others, prefix), false)
            );
        }
        out.push_str("    </testcase>\n");
    }
    out.push_str("  </testsuite>\n</testsuites>\n");
    out
}

/// The findings as compiler-like lines: `file:line:column: severity[rule]: message`, then the
/// help indented on the next line.
fn lines(report: &Report, diagnostics: &[&Diagnostic], prefix: &str) -> String {
    let mut text = String::new();
    for d in diagnostics {
        let (start, _) = report.sources.range(d.span);
        let _ = writeln!(
            text,
            "{prefix}{}:{}:{}: {}[{}]: {}",
            report.sources.get(d.span.file).rel_path,
            start.line,
            start.column,
            d.severity.as_str(),
            d.rule,
            d.message
        );
        if let Some(help) = &d.help {
            let _ = writeln!(text, "  help: {help}");
        }
    }
    text
}

#[cfg(test)]
mod tests {
    use crate::markup::xml_escape as escape;

    #[test]
    fn escapes_markup_and_replaces_forbidden_characters() {
        assert_eq!(
            escape("a<b>&\"c'\u{1}\u{fffe}", false),
            "a&lt;b&gt;&amp;&quot;c&apos;\u{fffd}\u{fffd}"
        );
        assert_eq!(escape("x\ny\tz\r", false), "x\ny\tz&#13;");
        assert_eq!(escape("x\ny\tz\r", true), "x&#10;y&#9;z&#13;");
    }
}
