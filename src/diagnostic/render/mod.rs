//! One renderer per output format, each a pure function from a [`Report`] to text.
//!
//! The CLI picks the format and passes [`RenderOptions`]; renderers never look at the terminal,
//! the environment or the clock, so the same report always renders to the same bytes.

mod github;
mod human;
mod json;
mod junit;
mod sarif;

use super::{Report, Severity};
use std::borrow::Cow;
use std::collections::BTreeMap;
use std::path::{Component, Path};

pub use github::{ANNOTATIONS_PER_KIND, github, github_summary};
pub use human::{human, summary};
pub use json::json;
pub use junit::junit;
pub use sarif::{help_uris, sarif};

/// The report formats of `casebook check --format`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// rustc-like text with source snippets.
    Human,
    /// The stable JSON report (version 1).
    Json,
    /// GitHub Actions workflow commands.
    Github,
    /// SARIF 2.1.0.
    Sarif,
    /// JUnit XML, one test case per use case.
    Junit,
}

/// What a renderer may need beyond the report itself.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RenderOptions {
    /// ANSI styles in the human format.
    pub color: bool,
    /// Put before every file's catalogue-relative path in the github, sarif and junit formats,
    /// so that paths are relative to the repository root (e.g. `catalogue/`). Empty, or ending
    /// in `/`.
    pub path_prefix: String,
    /// Put before every file's catalogue-relative path in the human format and the JSON `path`
    /// field, so that a path opens from the current folder (e.g. `catalogue/`, `../`). Empty,
    /// or ending in `/`.
    pub display_prefix: String,
    /// The lowest severity that fails a JUnit test case (`--fail-on`; errors when `never`).
    pub fail_on: Severity,
    /// github: the full table of findings goes to the job summary (`GITHUB_STEP_SUMMARY`), so
    /// the closing notice can send readers there.
    pub step_summary: bool,
    /// sarif: each rule's `helpUri`, by rule id (see [`help_uris`]).
    pub help_uris: BTreeMap<String, String>,
}

impl Default for RenderOptions {
    fn default() -> Self {
        RenderOptions {
            color: false,
            path_prefix: String::new(),
            display_prefix: String::new(),
            fail_on: Severity::Error,
            step_summary: false,
            help_uris: BTreeMap::new(),
        }
    }
}

impl RenderOptions {
    /// The `path_prefix` for a catalogue folder as given on the command line: `/`-separated,
    /// without `./` parts, ending in `/`; empty for the current directory. An absolute folder is
    /// kept as it is (the caller should make it relative to the repository root first).
    pub fn prefix_for(catalogue: &Path) -> String {
        let mut parts: Vec<String> = Vec::new();
        for c in catalogue.components() {
            match c {
                Component::CurDir => {}
                Component::RootDir => parts.push(String::new()),
                Component::ParentDir => parts.push("..".into()),
                Component::Normal(s) => parts.push(s.to_string_lossy().into_owned()),
                Component::Prefix(p) => parts.push(p.as_os_str().to_string_lossy().into_owned()),
            }
        }
        if parts.is_empty() {
            return String::new();
        }
        let mut prefix = parts.join("/");
        if !prefix.ends_with('/') {
            prefix.push('/');
        }
        prefix
    }
}

/// Text from YAML or a file name, made safe for a terminal or a CI log: every control character
/// (C0, DEL, C1) and every bidirectional override becomes a visible escape, `\u{1b}` for ESC, as
/// Rust writes it. A newline and a tab stay as they are in a message (they mean something
/// there), unless `in_path`: a path is one line. Used by the human and github formats.
pub(crate) fn neutralise(text: &str, in_path: bool) -> Cow<'_, str> {
    let unsafe_char = |c: char| {
        (c.is_control() && (in_path || (c != '\n' && c != '\t')))
            || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
    };
    if !text.chars().any(unsafe_char) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if unsafe_char(c) {
            out.extend(c.escape_unicode());
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// Renders `report` in `format`.
pub fn render(report: &Report, format: Format, options: &RenderOptions) -> String {
    match format {
        Format::Human => human::human_at(report, options.color, &options.display_prefix),
        Format::Json => json::json_at(report, &options.display_prefix),
        Format::Github => github::github_with(report, options),
        Format::Sarif => sarif::sarif_with(report, options),
        Format::Junit => junit::junit_with(report, options),
    }
}

#[cfg(test)]
mod tests {
    use super::{RenderOptions, neutralise};
    use std::path::Path;

    #[test]
    fn control_characters_become_visible_escapes() {
        assert_eq!(neutralise("a\u{1b}[31mb\u{7}", false), "a\\u{1b}[31mb\\u{7}");
        assert_eq!(
            neutralise("csi\u{9b}2J del\u{7f} cr\r", false),
            "csi\\u{9b}2J del\\u{7f} cr\\u{d}"
        );
        assert_eq!(neutralise("rtl\u{202e}x", false), "rtl\\u{202e}x");
        assert_eq!(neutralise("two\nlines\tand tab", false), "two\nlines\tand tab");
        assert_eq!(neutralise("new\nline.yaml", true), "new\\u{a}line.yaml");
        assert_eq!(neutralise("é€ plain", true), "é€ plain");
    }

    #[test]
    fn prefix_is_slash_terminated_and_drops_dot_parts() {
        let p = |s: &str| RenderOptions::prefix_for(Path::new(s));
        assert_eq!(p("catalogue"), "catalogue/");
        assert_eq!(p("./catalogue/"), "catalogue/");
        assert_eq!(p("docs/./cat"), "docs/cat/");
        assert_eq!(p("."), "");
        assert_eq!(p(""), "");
        assert_eq!(p("../x"), "../x/");
    }
}
