//! `casebook codeowners`: the lines of a CODEOWNERS file that ask each use case's `owner` team
//! (its `handle:` in organisation.yaml) to review changes to the use case's file.
//!
//! casebook owns only a section of the file, between [`BEGIN`] and [`END`]: everything else in
//! a CODEOWNERS file is somebody's hand-written data and is kept byte for byte ([`merge`]).
//! This module is pure: the command line finds the repository root and reads and writes files.

use crate::model::Catalogue;
use crate::source::SourceDb;
use std::fmt::Write;

/// The first line of casebook's section.
pub const BEGIN: &str = "# BEGIN casebook (generated)";
/// The last line of casebook's section.
pub const END: &str = "# END casebook";

/// A use case that gets no owner line, and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Unowned {
    /// Its `owner` team has no `handle:`.
    NoHandle {
        /// The team id.
        team: String,
    },
    /// Its `owner` is not a team of organisation.yaml (reported by `check`).
    UnknownTeam {
        /// The owner as written.
        team: String,
    },
    /// It names no `owner` (reported by `check`).
    NoOwner,
    /// Its path holds a character a CODEOWNERS pattern cannot hold safely.
    Unwritable,
}

/// casebook's section and the use cases it could not give an owner.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Section {
    /// From the [`BEGIN`] line to the [`END`] line, each line ending in `\n`.
    pub text: String,
    /// The use cases without an owner line, as (path from the repository root, why), in the
    /// order of the section.
    pub unowned: Vec<(String, Unowned)>,
}

/// The section for `catalogue`, one line per use case file in path order: `/PREFIXPATH HANDLE`,
/// or a comment saying why a use case has no owner. `prefix` is the catalogue folder from the
/// repository root, `/`-separated, empty or ending in `/`.
pub fn section(catalogue: &Catalogue, sources: &SourceDb, prefix: &str) -> Section {
    let mut rows: Vec<(String, Result<&str, Unowned>)> = catalogue
        .use_cases
        .iter()
        .map(|uc| {
            let path = format!("{prefix}{}", sources.get(uc.file).rel_path);
            let owner = match &uc.owner {
                None => Err(Unowned::NoOwner),
                Some(owner) => match catalogue.index.teams.get(owner.value.as_str()) {
                    None => Err(Unowned::UnknownTeam {
                        team: owner.value.to_string(),
                    }),
                    Some(&t) => catalogue.teams[t].handle.as_deref().ok_or(Unowned::NoHandle {
                        team: owner.value.to_string(),
                    }),
                },
            };
            let owner = if writable(&path) {
                owner
            } else {
                Err(Unowned::Unwritable)
            };
            (path, owner)
        })
        .collect();
    rows.sort_by(|a, b| a.0.cmp(&b.0));
    let mut text = format!(
        "{BEGIN}\n\
         # Written by `casebook codeowners` from each use case's `owner` and that team's `handle`\n\
         # in organisation.yaml: change those, not these lines, which the next run replaces.\n"
    );
    let mut unowned = Vec::new();
    for (path, owner) in rows {
        match owner {
            Ok(handle) => {
                let _ = writeln!(text, "/{path} {handle}");
            }
            Err(why) => {
                // A comment is one line whatever the path holds: a newline in a file name must
                // not start a line of its own (a pattern and an owner of its choosing).
                let shown = path.escape_debug();
                let reason = match &why {
                    Unowned::NoHandle { team } => {
                        format!("team `{team}` has no `handle:` in organisation.yaml")
                    }
                    Unowned::UnknownTeam { team } => {
                        format!("owner `{}` is not a team of organisation.yaml", team.escape_debug())
                    }
                    Unowned::NoOwner => "the use case names no `owner`".to_owned(),
                    Unowned::Unwritable => "its path holds a space, a control character or one of \\ * ? [ ] ! #, which CODEOWNERS cannot match; rename the file".to_owned(),
                };
                let _ = writeln!(text, "# no owner for /{shown}: {reason}");
                unowned.push((path, why));
            }
        }
    }
    text.push_str(END);
    text.push('\n');
    Section { text, unowned }
}

/// Whether `path` can be a CODEOWNERS pattern that matches exactly that file on GitHub and
/// GitLab: no whitespace or control character, and none of the characters that are special
/// in some of them (`\`, `*`, `?`, `[`, `]`, `!`, `#`).
fn writable(path: &str) -> bool {
    !path
        .chars()
        .any(|c| c.is_whitespace() || c.is_control() || "\\*?[]!#".contains(c))
}

/// Why an existing file's section cannot be replaced.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum MergeError {
    /// A [`BEGIN`] line without an [`END`] line after it.
    #[error("line {0} begins casebook's section (`{BEGIN}`) but no `{END}` line follows it")]
    Unterminated(usize),
    /// An [`END`] line before any [`BEGIN`] line.
    #[error("line {0} ends casebook's section (`{END}`) but no `{BEGIN}` line comes before it")]
    Unopened(usize),
    /// A second [`BEGIN`] or [`END`] line.
    #[error("lines {0} and {1}: casebook's section appears twice; keep one")]
    Twice(usize, usize),
}

/// `existing` with its casebook section replaced by `section`: every line outside the section
/// is kept byte for byte. Without a section, `section` is appended at the end, after a blank
/// line, where it takes precedence over the file's broader patterns (in CODEOWNERS the last
/// matching line wins). The section's lines take the file's line ending (`\r\n` when its first
/// line has one).
pub fn merge(existing: &str, section: &str) -> Result<String, MergeError> {
    let crlf = existing
        .split_inclusive('\n')
        .next()
        .is_some_and(|l| l.ends_with("\r\n"));
    let section = if crlf {
        section.replace('\n', "\r\n")
    } else {
        section.to_owned()
    };
    let mut begin: Option<(usize, usize)> = None; // (line number, byte offset)
    let mut end: Option<usize> = None; // byte offset after the END line
    let mut offset = 0;
    for (i, line) in existing.split_inclusive('\n').enumerate() {
        let number = i + 1;
        let bare = line.trim_end_matches(['\n', '\r']).trim_end();
        if bare == BEGIN {
            match begin {
                Some((first, _)) => return Err(MergeError::Twice(first, number)),
                None => begin = Some((number, offset)),
            }
        } else if bare == END {
            match (begin, end) {
                (None, _) => return Err(MergeError::Unopened(number)),
                (Some(_), None) => end = Some(offset + line.len()),
                (Some((first, _)), Some(_)) => return Err(MergeError::Twice(first, number)),
            }
        }
        offset += line.len();
    }
    match (begin, end) {
        (Some((number, _)), None) => Err(MergeError::Unterminated(number)),
        (Some((_, start)), Some(stop)) => {
            let mut out = String::with_capacity(existing.len() + section.len());
            out.push_str(&existing[..start]);
            out.push_str(&section);
            out.push_str(&existing[stop..]);
            Ok(out)
        }
        (None, _) => {
            let newline = if crlf { "\r\n" } else { "\n" };
            let mut out = existing.to_owned();
            if !out.is_empty() {
                if !out.ends_with('\n') {
                    out.push_str(newline);
                }
                out.push_str(newline);
            }
            out.push_str(&section);
            Ok(out)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{BEGIN, END, MergeError, merge};

    fn section(line: &str) -> String {
        format!("{BEGIN}\n{line}\n{END}\n")
    }

    #[test]
    fn a_section_is_appended_after_the_hand_written_lines() {
        assert_eq!(merge("", &section("/a @x")).unwrap(), section("/a @x"));
        assert_eq!(
            merge("* @all\n", &section("/a @x")).unwrap(),
            format!("* @all\n\n{}", section("/a @x"))
        );
        assert_eq!(
            merge("* @all", &section("/a @x")).unwrap(),
            format!("* @all\n\n{}", section("/a @x"))
        );
    }

    #[test]
    fn only_the_section_is_replaced() {
        let file = format!("# mine\n* @all\n{}/docs/ @writers\n", section("/old @y"));
        assert_eq!(
            merge(&file, &section("/a @x")).unwrap(),
            format!("# mine\n* @all\n{}/docs/ @writers\n", section("/a @x"))
        );
        // Idempotent.
        let once = merge(&file, &section("/a @x")).unwrap();
        assert_eq!(merge(&once, &section("/a @x")).unwrap(), once);
    }

    #[test]
    fn crlf_files_keep_their_line_ending() {
        let file = "* @all\r\n";
        assert_eq!(
            merge(file, &section("/a @x")).unwrap(),
            format!("* @all\r\n\r\n{BEGIN}\r\n/a @x\r\n{END}\r\n")
        );
    }

    #[test]
    fn broken_sections_are_refused() {
        let s = section("/a @x");
        assert_eq!(
            merge(&format!("x\n{BEGIN}\n/a @y\n"), &s),
            Err(MergeError::Unterminated(2))
        );
        assert_eq!(
            merge(&format!("{END}\n{BEGIN}\n"), &s),
            Err(MergeError::Unopened(1))
        );
        assert_eq!(merge(&format!("{s}{s}"), &s), Err(MergeError::Twice(1, 4)));
    }

    #[test]
    fn handles_are_code_owners_and_nothing_else() {
        use crate::model::is_handle;
        for good in [
            "@acme/billing",
            "@octocat",
            "@gl/group/sub-group",
            "@a_b.c-d",
            "ops@example.com",
        ] {
            assert!(is_handle(good), "{good}");
        }
        for bad in [
            "",
            "@",
            "acme",
            "@acme/",
            "@-x",
            "@a b",
            "@a\n* @evil",
            "a@b.c",
            "@a//b",
            "x@y",
        ] {
            assert!(!is_handle(bad), "{bad:?}");
        }
    }
}
