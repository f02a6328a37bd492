//! How a report names the catalogue's files. Findings carry paths relative to the catalogue
//! (`use-cases/billing/refund.yaml`); a reader needs them from somewhere else:
//!
//! - a person at a terminal, from the current folder ([`display_prefix`]): `catalogue/` when
//!   casebook runs at the repository root with the default `--catalogue`, so that
//!   `catalogue/information.yaml:187:9` opens in an editor, a terminal link or vim's quickfix;
//! - CI (GitHub annotations and code scanning, JUnit reports), from the repository root
//!   ([`repository_prefix`]): the catalogue found within `GITHUB_WORKSPACE`, or else within the
//!   git work tree that holds it, whatever the current folder and however `--catalogue` was
//!   written (`.`, `../catalogue`, an absolute path). Both sides are canonicalised first, so the
//!   prefix never has a `.` or `..` segment and never points outside the repository.
//!
//! The caller passes the current folder and the workspace, so that this module reads no
//! environment variable itself.

use std::path::{Component, Path, PathBuf};

/// A prefix (`a/b/`, or empty) from the normal components of a relative path; `None` when the
/// path has a `..`, a root or a drive.
fn prefix_of(rel: &Path) -> Option<String> {
    let mut parts = Vec::new();
    for c in rel.components() {
        match c {
            Component::CurDir => {}
            Component::Normal(s) => parts.push(s.to_string_lossy().into_owned()),
            Component::ParentDir | Component::RootDir | Component::Prefix(_) => return None,
        }
    }
    Some(parts.iter().map(|p| format!("{p}/")).collect())
}

/// The folder `path` (relative to `cwd` unless absolute), with links and `..` resolved.
fn canonical(cwd: &Path, path: &Path) -> Option<PathBuf> {
    std::fs::canonicalize(cwd.join(path)).ok()
}

/// How the catalogue is reached from the current folder `cwd`, as a prefix for its files'
/// paths: the folder as given when it is relative (`catalogue/`, `../catalogue/`, empty for
/// `.`), so the paths read as the user typed them; an absolute folder inside `cwd` relative to
/// it, any other absolute folder as it is.
pub fn display_prefix(catalogue: &Path, cwd: &Path) -> String {
    if !catalogue.is_absolute() {
        let mut parts = Vec::new();
        for c in catalogue.components() {
            match c {
                Component::CurDir => {}
                other => parts.push(other.as_os_str().to_string_lossy().into_owned()),
            }
        }
        return parts.iter().map(|p| format!("{p}/")).collect();
    }
    if let (Some(cat), Some(here)) = (canonical(cwd, catalogue), canonical(cwd, Path::new(".")))
        && let Some(prefix) = cat.strip_prefix(&here).ok().and_then(prefix_of)
    {
        return prefix;
    }
    let mut text = catalogue.to_string_lossy().into_owned();
    if !text.ends_with('/') {
        text.push('/');
    }
    text
}

/// The catalogue's folder within its repository, as a prefix (`catalogue/`, or empty at the
/// root): relative to `workspace` (GitHub Actions' `GITHUB_WORKSPACE`) when the catalogue is
/// inside it, else to the nearest folder above the catalogue that holds `.git` (a clone or a
/// work tree). `None` when neither holds the catalogue, or the folder cannot be resolved.
pub fn repository_prefix(catalogue: &Path, cwd: &Path, workspace: Option<&Path>) -> Option<String> {
    let cat = canonical(cwd, catalogue)?;
    if let Some(ws) = workspace.and_then(|w| canonical(cwd, w))
        && let Ok(rel) = cat.strip_prefix(&ws)
    {
        return prefix_of(rel);
    }
    let top = cat.ancestors().find(|a| a.join(".git").exists())?;
    prefix_of(cat.strip_prefix(top).ok()?)
}

/// A `--path-prefix` as given, checked and written as a prefix: `/`-separated, ending in `/`,
/// without `.` parts; `None` when it is absolute or climbs out with `..`.
pub fn checked_prefix(given: &str) -> Option<String> {
    prefix_of(Path::new(given))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_catalogues_are_shown_as_typed_without_dot_parts() {
        let cwd = Path::new("/nowhere");
        assert_eq!(display_prefix(Path::new("catalogue"), cwd), "catalogue/");
        assert_eq!(display_prefix(Path::new("./catalogue/"), cwd), "catalogue/");
        assert_eq!(display_prefix(Path::new("."), cwd), "");
        assert_eq!(display_prefix(Path::new("../cat"), cwd), "../cat/");
    }

    #[test]
    fn given_prefixes_stay_inside_the_repository() {
        assert_eq!(
            checked_prefix("docs/catalogue").as_deref(),
            Some("docs/catalogue/")
        );
        assert_eq!(checked_prefix("./docs/").as_deref(), Some("docs/"));
        assert_eq!(checked_prefix("").as_deref(), Some(""));
        assert_eq!(checked_prefix("../x"), None);
        assert_eq!(checked_prefix("/abs"), None);
    }

    #[test]
    fn the_repository_prefix_is_found_from_any_folder() {
        let repo = tempfile::tempdir().unwrap();
        let root = repo.path();
        std::fs::create_dir_all(root.join(".git")).unwrap();
        std::fs::create_dir_all(root.join("docs/cat")).unwrap();
        std::fs::create_dir_all(root.join("tools")).unwrap();
        let p =
            |cat: &str, cwd: &str, ws: Option<&Path>| repository_prefix(Path::new(cat), &root.join(cwd), ws);
        assert_eq!(p("docs/cat", "", None).as_deref(), Some("docs/cat/"));
        assert_eq!(p(".", "docs/cat", None).as_deref(), Some("docs/cat/"));
        assert_eq!(p("../docs/cat", "tools", None).as_deref(), Some("docs/cat/"));
        // The workspace wins over .git, and a catalogue outside it falls back to .git.
        let ws = root.join("docs");
        assert_eq!(p(".", "docs/cat", Some(&ws)).as_deref(), Some("cat/"));
        assert_eq!(p("tools", "", Some(&ws)).as_deref(), Some("tools/"));
        assert_eq!(p("missing", "", None), None);
    }
}
