//! The human format: rustc-like, with the YAML lines involved, a caret and a help line.
//!
//! annotate-snippets is given, for each diagnostic, only the lines it shows (from the first line
//! an annotation touches to the last, with their numbers), never a whole file: it scans its
//! source for every snippet, so whole files made the report quadratic in the findings of a file.
//! No control character from YAML or a file name reaches the terminal: messages, help, labels
//! and paths go through [`neutralise`]; in the quoted lines annotate-snippets shows C0 controls,
//! DEL and bidirectional overrides as visible pictures (rustc's habit, which keeps the caret
//! under the right character), and C1 controls are replaced here by U+FFFD.

use super::neutralise;
use crate::diagnostic::{Report, Severity};
use crate::source::{FileId, SourceDb, SourceFile};
use annotate_snippets::{AnnotationKind, Group, Level, Origin, Renderer, Snippet};
use std::borrow::Cow;
use std::fmt::Write;
use std::ops::Range;

/// Renders the report for a person at a terminal (`color` for ANSI styles).
pub fn human(report: &Report, color: bool) -> String {
    let renderer = if color {
        Renderer::styled()
    } else {
        Renderer::plain()
    };
    let mut lines = LineIndex::new(&report.sources);
    let mut out = String::new();
    for d in &report.diagnostics {
        let file = report.sources.get(d.span.file);
        let level = match d.severity {
            Severity::Error => Level::ERROR,
            Severity::Warning => Level::WARNING,
            Severity::Info | Severity::Off => Level::INFO,
        };
        let message = neutralise(&d.message, false);
        let path = neutralise(&file.rel_path, true);
        let title = level.primary_title(message.as_ref()).id(d.rule);
        // Labels (in this file, then in others: a use case id defined in two files), neutralised.
        let labels: Vec<(FileId, Range<usize>, Cow<'_, str>)> = d
            .labels
            .iter()
            .map(|l| {
                let len = report.sources.get(l.span.file).text.len();
                let clamp = |x: u32| (x as usize).min(len);
                (
                    l.span.file,
                    clamp(l.span.start)..clamp(l.span.end),
                    neutralise(&l.message, false),
                )
            })
            .collect();
        let here: Vec<_> = labels.iter().filter(|(f, ..)| *f == d.span.file).collect();
        let elsewhere: Vec<_> = labels.iter().filter(|(f, ..)| *f != d.span.file).collect();
        // The lines to quote, made before the snippets that borrow them.
        let len = file.text.len();
        let primary = (d.span.start as usize).min(len)..(d.span.end as usize).min(len);
        let excerpt = (!file.text.is_empty()).then(|| {
            let spans = std::iter::once(&primary).chain(here.iter().map(|(_, s, _)| s));
            lines.excerpt(d.span.file, file, spans)
        });
        let other_excerpts: Vec<_> = elsewhere
            .iter()
            .map(|(other, span, _)| {
                let file = report.sources.get(*other);
                (
                    lines.excerpt(*other, file, std::iter::once(span)),
                    neutralise(&file.rel_path, true),
                )
            })
            .collect();
        let mut group = match &excerpt {
            // Nothing to quote (a stray file, a file that could not be read): just the place.
            None => {
                let at = file.line_col(d.span.start);
                title.element(
                    Origin::path(path.as_ref())
                        .line(at.line as usize)
                        .char_column(at.column as usize),
                )
            }
            Some(excerpt) => {
                let mut snippet = excerpt
                    .snippet(path.clone())
                    .annotation(AnnotationKind::Primary.span(excerpt.map(&primary)));
                for (_, span, label) in &here {
                    snippet = snippet.annotation(
                        AnnotationKind::Context
                            .span(excerpt.map(span))
                            .label(label.as_ref()),
                    );
                }
                title.element(snippet)
            }
        };
        // Labels in other files (a use case id defined in two files) get a snippet of their own.
        for ((_, span, label), (excerpt, other_path)) in elsewhere.iter().zip(&other_excerpts) {
            group = group.element(
                excerpt.snippet(other_path.clone()).annotation(
                    AnnotationKind::Context
                        .span(excerpt.map(span))
                        .label(label.as_ref()),
                ),
            );
        }
        let mut groups = vec![group];
        let help = d.help.as_deref().map(|h| neutralise(h, false));
        if let Some(help) = &help {
            groups.push(Group::with_title(Level::HELP.secondary_title(help.as_ref())));
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

/// The starts of the lines of each file as annotate-snippets counts them (a final newline does
/// not begin an empty line), computed once per file on first use.
struct LineIndex {
    starts: Vec<Option<Vec<usize>>>,
}

impl LineIndex {
    fn new(sources: &SourceDb) -> Self {
        LineIndex {
            starts: vec![None; sources.len()],
        }
    }

    /// The whole lines of `file` that `spans` touch, from the first to the last.
    fn excerpt<'a, 'r>(
        &mut self,
        id: FileId,
        file: &'a SourceFile,
        spans: impl Iterator<Item = &'r Range<usize>>,
    ) -> Excerpt<'a> {
        let text = file.text.as_str();
        let starts = self.starts[id.0 as usize].get_or_insert_with(|| {
            let mut starts = vec![0];
            starts.extend(
                text.bytes()
                    .enumerate()
                    .filter(|&(i, b)| b == b'\n' && i + 1 < text.len())
                    .map(|(i, _)| i + 1),
            );
            starts
        });
        // The line of an offset: the last that starts at or before it (past the end: the last).
        let line_of = |x: usize| starts.partition_point(|&s| s <= x) - 1;
        let (mut lo, mut hi) = (usize::MAX, 0);
        for span in spans {
            lo = lo.min(line_of(span.start));
            hi = hi.max(line_of(span.end));
        }
        let start = starts[lo];
        let end = starts.get(hi + 1).copied().unwrap_or(text.len());
        let lines = &text[start..end];
        // C1 controls (U+0080 to U+009F) would reach the terminal: annotate-snippets already
        // shows C0 controls, DEL and bidirectional overrides as visible pictures, but not these.
        // Each becomes U+FFFD, one byte longer, so spans after it move by one byte.
        let c1: Vec<usize> = lines
            .char_indices()
            .filter(|&(_, c)| is_c1(c))
            .map(|(i, _)| i)
            .collect();
        let text = if c1.is_empty() {
            Cow::Borrowed(lines)
        } else {
            Cow::Owned(
                lines
                    .chars()
                    .map(|c| if is_c1(c) { '\u{fffd}' } else { c })
                    .collect(),
            )
        };
        Excerpt {
            text,
            offset: start,
            first_line: lo + 1,
            c1,
        }
    }
}

/// Some lines of a file: their text (C1 controls replaced), where they start in the file, the
/// number of the first, and where the replaced characters were (byte offsets in the lines).
struct Excerpt<'a> {
    text: Cow<'a, str>,
    offset: usize,
    first_line: usize,
    c1: Vec<usize>,
}

impl Excerpt<'_> {
    fn snippet<'s>(&'s self, path: Cow<'s, str>) -> Snippet<'s, annotate_snippets::Annotation<'s>> {
        Snippet::source(self.text.as_ref())
            .line_start(self.first_line)
            .path(path)
    }

    /// A span of the file as a span of the excerpt's text.
    fn map(&self, span: &Range<usize>) -> Range<usize> {
        let at = |x: usize| {
            let rel = x - self.offset;
            rel + self.c1.partition_point(|&c| c < rel)
        };
        at(span.start)..at(span.end)
    }
}

fn is_c1(c: char) -> bool {
    ('\u{80}'..='\u{9f}').contains(&c)
}
