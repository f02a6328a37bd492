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
use crate::diagnostic::{Report, Severity, Summary};
use crate::source::{FileId, SourceDb, SourceFile};
use annotate_snippets::{AnnotationKind, Group, Level, Origin, Renderer, Snippet};
use std::borrow::Cow;
use std::fmt::Write;
use std::ops::Range;

/// Renders the report for a person at a terminal (`color` for ANSI styles), with paths relative
/// to the catalogue.
pub fn human(report: &Report, color: bool) -> String {
    human_at(report, color, "")
}

/// [`human`] with `prefix` before every catalogue-relative path (how the catalogue is reached
/// from the current folder, e.g. `catalogue/`), so that `path:line:column` opens from there.
pub(crate) fn human_at(report: &Report, color: bool, prefix: &str) -> String {
    let at = |rel: &str| format!("{prefix}{rel}");
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
        let full_path = at(&file.rel_path);
        let path = neutralise(&full_path, true);
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
                    Cow::<str>::Owned(neutralise(&at(&file.rel_path), true).into_owned()),
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
    out.push_str(&summary(&report.summary, report.baselined));
    out
}

/// The last line of the human format, `casebook: 3 files, 1 use case: 0 errors, ...`, with its
/// newline. `check --quiet` leaves it out; `check --statistics` ends with it.
pub fn summary(s: &Summary, baselined: usize) -> String {
    let plural = |n: usize, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
    format!(
        "casebook: {}, {}: {}, {}, {}{}\n",
        plural(s.files, "file", "files"),
        plural(s.use_cases, "use case", "use cases"),
        plural(s.errors, "error", "errors"),
        plural(s.warnings, "warning", "warnings"),
        plural(s.infos, "info", "infos"),
        match baselined {
            0 => String::new(),
            n => format!(
                " ({} in the baseline not shown)",
                plural(n, "finding", "findings")
            ),
        },
    )
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
        let (mut lo, mut hi, mut max_end) = (usize::MAX, 0, 0);
        for span in spans {
            lo = lo.min(line_of(span.start));
            hi = hi.max(line_of(span.end));
            max_end = max_end.max(span.end);
        }
        // annotate-snippets sizes the line-number margin from the text before the furthest span
        // end, not counting a final newline: for spans that all end where the first line starts,
        // the whole file gives one line fewer than the excerpt would. Start a line earlier (it
        // is not shown: it has no annotation) so that the margin is the same as before.
        if lo > 0 && max_end == starts[lo] {
            lo -= 1;
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

#[cfg(test)]
mod tests {
    use super::human;
    use crate::diagnostic::{Diagnostic, Report};
    use crate::source::{SourceDb, SourceFile, Span};
    use annotate_snippets::{AnnotationKind, Level, Renderer, Snippet};
    use proptest::prelude::*;

    /// One diagnostic as the human renderer drew it before excerpts: the whole file given to
    /// annotate-snippets (labels in the same file only; no help).
    fn whole_file(report: &Report, d: &Diagnostic) -> String {
        let file = report.sources.get(d.span.file);
        let text = file.text.as_str();
        let clamp = |x: u32| (x as usize).min(text.len());
        let mut snippet = Snippet::source(text)
            .path(file.rel_path.as_str())
            .annotation(AnnotationKind::Primary.span(clamp(d.span.start)..clamp(d.span.end)));
        for label in &d.labels {
            snippet = snippet.annotation(
                AnnotationKind::Context
                    .span(clamp(label.span.start)..clamp(label.span.end))
                    .label(label.message.as_str()),
            );
        }
        let title = Level::ERROR.primary_title(d.message.as_str()).id(d.rule);
        format!("{}\n\n", Renderer::plain().render(&[title.element(snippet)]))
    }

    /// Texts of a few lines: empty lines, CRLF, multi-byte characters, with or without a final
    /// newline.
    fn text() -> impl Strategy<Value = String> {
        let line = prop::sample::select(vec![
            "",
            "a",
            "  - id: x",
            "key: value",
            "\té",
            "€€ x: y",
            "x\r",
            "   ",
            "# comment",
            "zz: [1, 2]",
        ]);
        (prop::collection::vec(line, 1..120), any::<bool>()).prop_map(|(lines, last)| {
            let mut t = lines.join("\n");
            if last {
                t.push('\n');
            }
            t
        })
    }

    /// A span on character boundaries, possibly empty, possibly at the very end; for odd `a` and
    /// `b`, an end is a line's start or end (where off-by-one-line mistakes happen).
    fn span(text: &str, a: usize, b: usize) -> (u32, u32) {
        let all: Vec<usize> = (0..=text.len()).filter(|&i| text.is_char_boundary(i)).collect();
        let edges: Vec<usize> = (0..=text.len())
            .filter(|&i| {
                i == 0 || i == text.len() || text.as_bytes()[i - 1] == b'\n' || text.as_bytes()[i] == b'\n'
            })
            .collect();
        let pick = |n: usize| {
            let from = if n % 2 == 1 { &edges } else { &all };
            from[(n / 2) % from.len()]
        };
        let (x, y) = (pick(a), pick(b));
        (x.min(y) as u32, x.max(y) as u32)
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 1000, failure_persistence: None, ..ProptestConfig::default() })]

        #[test]
        fn excerpts_render_exactly_as_whole_files(
            text in text(),
            spans in prop::collection::vec((any::<usize>(), any::<usize>(), 0usize..4), 1..6),
        ) {
            // An empty file is shown as a bare place, as before: nothing to compare.
            prop_assume!(!text.is_empty());
            let mut sources = SourceDb::default();
            let id = sources.add(SourceFile::new("f.yaml".into(), "f.yaml".into(), text.clone()));
            let mut diagnostics = Vec::new();
            for chunk in spans.chunks(2) {
                let (mut start, mut end) = span(&text, chunk[0].0, chunk[0].1);
                if chunk[0].2 == 3 {
                    // An empty span where a line starts (YAML errors point there).
                    let starts: Vec<u32> = std::iter::once(0)
                        .chain(text.match_indices('\n').map(|(i, _)| i as u32 + 1))
                        .collect();
                    start = starts[chunk[0].0 % starts.len()];
                    end = start;
                }
                let mut d = Diagnostic::new("schema", Span { file: id, start, end }, "msg");
                for (a, b, _) in &chunk[1..] {
                    let (start, end) = span(&text, *a, *b);
                    d = d.with_label(Span { file: id, start, end }, "label");
                }
                diagnostics.push(d);
            }
            let report = Report::new(sources, diagnostics, Vec::new());
            let expected: String = report.diagnostics.iter().map(|d| whole_file(&report, d)).collect();
            let shown = human(&report, false);
            let body = &shown[..shown.rfind("casebook: ").unwrap()];
            prop_assert_eq!(body, expected.as_str());
        }
    }
}
