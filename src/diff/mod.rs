//! `casebook diff`: what a change does to customers and teams. Two catalogues (git revisions,
//! the working tree, or folders) are loaded and checked like any other, then compared
//! ([`compare()`]) and rendered ([`render`]: markdown for a pull-request comment, JSON, human).
//!
//! Git stays at the edge: [`git`] writes a revision's catalogue into a private temporary folder
//! that the normal loader reads, so the comparison knows nothing of where its inputs came from.

pub mod compare;
pub mod git;
pub mod render;

pub use compare::{Changes, compare};

use crate::{CheckOptions, Checked, check};
use serde::Serialize;
use std::path::{Path, PathBuf};

/// What one side of a comparison names.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Spec {
    /// A git revision of the repository the catalogue is in.
    Revision(String),
    /// A catalogue folder given on the command line.
    Folder(PathBuf),
    /// The catalogue folder as it is on disk (`--catalogue`).
    WorkingTree(PathBuf),
}

impl Spec {
    /// A command-line argument: a folder holding a casebook.yaml (whatever stands there, as the
    /// loader decides) or anything ending in `/` (which no revision does) is a catalogue folder;
    /// anything else a git revision.
    pub fn from_arg(arg: &str) -> Spec {
        let path = Path::new(arg);
        let folder = path.is_dir() && path.join("casebook.yaml").symlink_metadata().is_ok();
        if folder || arg.ends_with('/') || arg.ends_with(std::path::MAIN_SEPARATOR) {
            Spec::Folder(path.to_path_buf())
        } else {
            Spec::Revision(arg.to_owned())
        }
    }
}

/// What a side is, for the report.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum SourceKind {
    /// A git revision.
    Revision,
    /// The catalogue folder on disk.
    WorkingTree,
    /// A folder named on the command line.
    Folder,
}

/// One side of a comparison, as the report describes it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Source {
    /// The revision or folder as given, or `working tree`.
    pub label: String,
    /// What it is.
    pub kind: SourceKind,
    /// The commit id, for a revision.
    pub commit: Option<String>,
    /// The entries of a revision that were not read (links, submodules, unsafe paths).
    pub skipped: Vec<git::Skipped>,
}

/// A whole comparison: its two sides and what differs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DiffReport {
    /// The older side.
    pub base: Source,
    /// The newer side.
    pub head: Source,
    /// What differs.
    pub changes: Changes,
}

/// Why a side could not be read (exit status 2).
#[derive(Debug, thiserror::Error)]
pub enum DiffError {
    /// Reading a revision failed.
    #[error(transparent)]
    Git(#[from] git::GitError),
    /// Loading a catalogue failed.
    #[error("{what}: {source}")]
    Load {
        /// Which side.
        what: String,
        /// Why.
        source: crate::load::LoadError,
    },
}

/// Reads and checks one side. `repo` is the repository revisions are read from (that of the
/// `--catalogue` folder), found by the caller when a side is a revision.
pub fn load_side(
    spec: &Spec,
    options: CheckOptions,
    repo: Option<&git::Repository>,
) -> Result<(Source, Checked), DiffError> {
    let loaded =
        |what: String, path: &Path| check(path, options).map_err(|source| DiffError::Load { what, source });
    match spec {
        Spec::Revision(rev) => {
            let repo = repo.expect("the caller finds the repository for a revision");
            let tree = repo.materialize(rev)?;
            let checked = loaded(format!("revision `{rev}`"), tree.path())?;
            let source = Source {
                label: rev.clone(),
                kind: SourceKind::Revision,
                commit: Some(tree.commit.clone()),
                skipped: tree.skipped.clone(),
            };
            // The temporary folder goes now; everything needed is in memory.
            drop(tree);
            Ok((source, checked))
        }
        Spec::Folder(path) | Spec::WorkingTree(path) => {
            let working = matches!(spec, Spec::WorkingTree(_));
            let label = if working {
                "working tree".to_owned()
            } else {
                path.display().to_string()
            };
            let checked = loaded(label.clone(), path)?;
            Ok((
                Source {
                    label,
                    kind: if working {
                        SourceKind::WorkingTree
                    } else {
                        SourceKind::Folder
                    },
                    commit: None,
                    skipped: Vec::new(),
                },
                checked,
            ))
        }
    }
}

/// Reads both sides (at the same time) and compares them. `catalogue` is the `--catalogue`
/// folder: the repository revisions are read from is the one it is in.
pub fn diff(
    base: &Spec,
    head: &Spec,
    catalogue: &Path,
    options: CheckOptions,
) -> Result<DiffReport, DiffError> {
    let needs_git = [base, head].iter().any(|s| matches!(s, Spec::Revision(_)));
    let repo = if needs_git {
        Some(git::Repository::discover(catalogue)?)
    } else {
        None
    };
    let (old, new) = rayon::join(
        || load_side(base, options, repo.as_ref()),
        || load_side(head, options, repo.as_ref()),
    );
    let ((base_source, old), (head_source, new)) = (old?, new?);
    let unread = base_source
        .skipped
        .iter()
        .chain(&head_source.skipped)
        .map(|s| s.path.clone())
        .collect();
    Ok(DiffReport {
        changes: compare(&old, &new, &unread),
        base: base_source,
        head: head_source,
    })
}
