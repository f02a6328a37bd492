//! The human format: rustc-like, with the YAML lines involved, a caret and a help line.

use crate::diagnostic::{Report, Severity};
use annotate_snippets::{AnnotationKind, Group, Level, Origin, Renderer, Snippet};
use std::fmt::Write;

/// Renders the report for a person at a terminal (`color` for ANSI styles).
pub fn human(report: &Report, color: bool) -> String {
    let renderer = if color {
        Renderer::styled()
    } else {
        Renderer::plain()
    };
    let mut out = String::new();
    for d in &report.diagnostics {
        let file = report.sources.get(d.span.file);
        let level = match d.severity {
            Severity::Error => Level::ERROR,
            Severity::Warning => Level::WARNING,
            Severity::Info | Severity::Off => Level::INFO,
        };
        let text = file.text.as_str();
        let clamp = |x: u32| (x as usize).min(text.len());
        let (start, end) = (clamp(d.span.start), clamp(d.span.end));
        let title = level.primary_title(d.message.as_str()).id(d.rule);
        let mut group = if text.is_empty() {
            // Nothing to quote (a stray file, a file that could not be read): just the place.
            let at = file.line_col(d.span.start);
            title.element(
                Origin::path(file.rel_path.as_str())
                    .line(at.line as usize)
                    .char_column(at.column as usize),
            )
        } else {
            let mut snippet = Snippet::source(text)
                .path(file.rel_path.as_str())
                .annotation(AnnotationKind::Primary.span(start..end));
            for label in d.labels.iter().filter(|l| l.span.file == d.span.file) {
                snippet = snippet.annotation(
                    AnnotationKind::Context
                        .span(clamp(label.span.start)..clamp(label.span.end))
                        .label(label.message.as_str()),
                );
            }
            title.element(snippet)
        };
        // Labels in other files (a use case id defined in two files) get a snippet of their own.
        for label in d.labels.iter().filter(|l| l.span.file != d.span.file) {
            let other = report.sources.get(label.span.file);
            let len = other.text.len();
            let span = (label.span.start as usize).min(len)..(label.span.end as usize).min(len);
            group = group.element(
                Snippet::source(other.text.as_str())
                    .path(other.rel_path.as_str())
                    .annotation(AnnotationKind::Context.span(span).label(label.message.as_str())),
            );
        }
        let mut groups = vec![group];
        if let Some(help) = &d.help {
            groups.push(Group::with_title(Level::HELP.secondary_title(help.as_str())));
        }
        let _ = writeln!(out, "{}\n", renderer.render(&groups));
    }
    let s = &report.summary;
    let plural = |n: usize, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
    let _ = writeln!(
        out,
        "casebook: {}, {}: {}, {}, {}",
        plural(s.files, "file", "files"),
        plural(s.use_cases, "use case", "use cases"),
        plural(s.errors, "error", "errors"),
        plural(s.warnings, "warning", "warnings"),
        plural(s.infos, "info", "infos"),
    );
    out
}
