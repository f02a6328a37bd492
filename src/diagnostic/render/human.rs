//! The human format: rustc-like, with the YAML lines involved, a caret and a help line.

use crate::diagnostic::{Report, Severity};
use annotate_snippets::{AnnotationKind, Group, Level, Renderer, Snippet};
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
        let mut groups = vec![
            level
                .primary_title(d.message.as_str())
                .id(d.rule)
                .element(snippet),
        ];
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
