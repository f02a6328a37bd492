//! Loading a catalogue folder: discover its files, read and parse each one (in parallel, one
//! file's failure never stopping the others), check it against its JSON Schema, and build the
//! typed [`Catalogue`]. Produces `yaml-syntax`, `schema` and `stray-file` diagnostics; no
//! semantic rule runs here.

pub mod build;
pub mod schema;
pub mod yaml;

use crate::diagnostic::Diagnostic;
use crate::model::{Catalogue, UseCase};
use crate::source::{FileId, SourceDb, SourceFile, Span, relative_path};
use build::Builder;
use rayon::prelude::*;
pub use schema::FileKind;
use std::path::{Path, PathBuf};
use yaml::Node;

/// Why a catalogue could not be loaded at all (exit status 2).
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    /// The folder does not exist or has no casebook.yaml.
    #[error("{0} is not a casebook catalogue: no casebook.yaml there (use --catalogue DIR)")]
    NotACatalogue(String),
    /// The folder or a required file could not be read.
    #[error("cannot read {path}: {source}")]
    Io {
        /// What could not be read.
        path: String,
        /// Why.
        source: std::io::Error,
    },
}

/// A loaded catalogue, with every file read and the problems found while loading.
#[derive(Debug)]
pub struct Loaded {
    /// The files.
    pub sources: SourceDb,
    /// The typed model.
    pub catalogue: Catalogue,
    /// yaml-syntax, schema and stray-file findings.
    pub diagnostics: Vec<Diagnostic>,
}

/// The deepest folder level read under use-cases/.
const MAX_FOLDER_DEPTH: usize = 16;

struct Found {
    rel_path: String,
    disk_path: PathBuf,
    kind: Option<FileKind>,
    /// Why the file is not read and what to do, when it is not.
    stray: Option<(&'static str, &'static str)>,
}

enum Parsed {
    Config(Node),
    UseCase(Box<UseCase>),
    Nothing,
}

struct FileResult {
    source: SourceFile,
    kind: Option<FileKind>,
    parsed: Parsed,
    diagnostics: Vec<Diagnostic>,
}

/// Loads the catalogue in `root`.
pub fn load(root: &Path) -> Result<Loaded, LoadError> {
    let settings_path = root.join("casebook.yaml");
    if !settings_path.is_file() {
        return Err(LoadError::NotACatalogue(root.display().to_string()));
    }
    let found = discover(root)?;
    let results: Vec<FileResult> = found
        .into_par_iter()
        .enumerate()
        .map(|(i, f)| read_one(FileId(i as u32), f))
        .collect();

    let mut sources = SourceDb::default();
    let mut diagnostics = Vec::new();
    let mut catalogue = Catalogue::default();
    for (i, result) in results.into_iter().enumerate() {
        let file = FileId(i as u32);
        sources.add(result.source);
        diagnostics.extend(result.diagnostics);
        let mut b = Builder::new(file);
        match (result.kind, result.parsed) {
            (_, Parsed::UseCase(uc)) => catalogue.use_cases.push(*uc),
            (Some(FileKind::Casebook), Parsed::Config(n)) => catalogue.settings = b.settings(&n),
            (Some(FileKind::Organisation), Parsed::Config(n)) => b.organisation(&n, &mut catalogue),
            (Some(FileKind::Channels), Parsed::Config(n)) => b.channels(&n, &mut catalogue),
            (Some(FileKind::Information), Parsed::Config(n)) => b.information(&n, &mut catalogue),
            _ => {}
        }
        diagnostics.extend(b.diagnostics);
    }
    if catalogue.settings.span.is_none() {
        catalogue.settings.span = Some(Span::file_start(FileId(0)));
    }
    catalogue.reindex();
    Ok(Loaded {
        sources,
        catalogue,
        diagnostics,
    })
}

fn discover(root: &Path) -> Result<Vec<Found>, LoadError> {
    let mut found = Vec::new();
    for (name, kind, required) in [
        ("casebook.yaml", FileKind::Casebook, true),
        ("organisation.yaml", FileKind::Organisation, true),
        ("channels.yaml", FileKind::Channels, true),
        ("information.yaml", FileKind::Information, false),
    ] {
        let disk_path = root.join(name);
        if required || disk_path.exists() {
            found.push(Found {
                rel_path: name.to_owned(),
                disk_path,
                kind: Some(kind),
                stray: None,
            });
        }
    }
    let dir = root.join("use-cases");
    if dir.is_dir() {
        walk(root, &dir, 0, &mut found)?;
    }
    Ok(found)
}

fn walk(root: &Path, dir: &Path, depth: usize, out: &mut Vec<Found>) -> Result<(), LoadError> {
    let io = |source| LoadError::Io {
        path: dir.display().to_string(),
        source,
    };
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .map_err(io)?
        .collect::<Result<_, _>>()
        .map_err(io)?;
    entries.sort_by_key(|e| e.file_name());
    for entry in entries {
        let name = entry.file_name();
        let name = name.to_string_lossy();
        if name.starts_with('.') {
            continue;
        }
        let path = entry.path();
        let file_type = entry.file_type().map_err(io)?;
        let rel_path = relative_path(root, &path);
        let yaml = name.ends_with(".yaml") || name.ends_with(".yml");
        let stray = if file_type.is_symlink() {
            Some((
                "it is a symbolic link, which casebook does not follow",
                "replace the link with the file itself, or move it out of use-cases/",
            ))
        } else if file_type.is_dir() {
            if depth + 1 < MAX_FOLDER_DEPTH {
                walk(root, &path, depth + 1, out)?;
                continue;
            }
            Some((
                "the folder is nested too deeply; casebook reads 16 levels under use-cases/",
                "move its use cases to a shallower folder",
            ))
        } else if !yaml {
            Some((
                "only .yaml and .yml files are read in use-cases/",
                "move it out of use-cases/, or give a use case the .yaml extension",
            ))
        } else {
            None
        };
        let kind = stray.is_none().then_some(FileKind::UseCase);
        out.push(Found {
            rel_path,
            disk_path: path,
            kind,
            stray,
        });
    }
    Ok(())
}

fn read_one(file: FileId, found: Found) -> FileResult {
    let start = Span::file_start(file);
    let mut result = FileResult {
        source: SourceFile::new(found.rel_path.clone(), found.disk_path.clone(), String::new()),
        kind: found.kind,
        parsed: Parsed::Nothing,
        diagnostics: Vec::new(),
    };
    let fail = |mut r: FileResult, d: Diagnostic| {
        r.diagnostics.push(d);
        r
    };
    if let Some((why, help)) = found.stray {
        result.source.stray = true;
        return fail(
            result,
            Diagnostic::new(
                "stray-file",
                start,
                format!("`{}` is not read: {why}", found.rel_path),
            )
            .with_help(help),
        );
    }
    let kind = found.kind.expect("non-stray files have a kind");
    let size = match std::fs::metadata(&found.disk_path) {
        Ok(m) => m.len(),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return fail(
                result,
                Diagnostic::new(
                    "schema",
                    start,
                    format!("the catalogue has no `{}`", found.rel_path),
                )
                .with_help(format!(
                    "create it; `casebook schema {}` prints what it holds",
                    kind.name()
                )),
            );
        }
        Err(e) => {
            return fail(
                result,
                Diagnostic::new("yaml-syntax", start, format!("cannot read the file: {e}")),
            );
        }
    };
    if size > yaml::MAX_FILE_BYTES {
        return fail(
            result,
            Diagnostic::new(
                "yaml-syntax",
                start,
                format!(
                    "the file is {:.1} MiB, more than the {} MiB casebook reads",
                    size as f64 / 1048576.0,
                    yaml::MAX_FILE_BYTES / 1048576
                ),
            )
            .with_help(
                "a use case is a few kilobytes: split the file, or check that it is the file you meant",
            ),
        );
    }
    let bytes = match std::fs::read(&found.disk_path) {
        Ok(b) => b,
        Err(e) => {
            return fail(
                result,
                Diagnostic::new("yaml-syntax", start, format!("cannot read the file: {e}")),
            );
        }
    };
    let text = match String::from_utf8(bytes) {
        Ok(t) => t,
        Err(e) => {
            let at = e.utf8_error().valid_up_to() as u32;
            result.source = SourceFile::new(
                found.rel_path,
                found.disk_path,
                String::from_utf8_lossy(e.as_bytes()).into_owned(),
            );
            return fail(
                result,
                Diagnostic::new(
                    "yaml-syntax",
                    Span {
                        file,
                        start: at,
                        end: at,
                    },
                    "the file is not valid UTF-8 text: casebook reads UTF-8 YAML only",
                )
                .with_help("save the file as UTF-8 in your editor"),
            );
        }
    };
    let text = text.strip_prefix('\u{feff}').map(str::to_owned).unwrap_or(text);
    result.source = SourceFile::new(found.rel_path, found.disk_path, text);
    let node = match yaml::parse(&result.source.text) {
        Ok(node) => node,
        Err(err) => {
            let at = err.line_col.map_or(0, |(l, c)| result.source.offset_of(l, c));
            let mut d = Diagnostic::new(
                "yaml-syntax",
                Span {
                    file,
                    start: at,
                    end: at,
                },
                err.message,
            );
            d.help = err.help;
            return fail(result, d);
        }
    };
    result.diagnostics = schema::validate(kind, file, &node);
    result.parsed = match kind {
        FileKind::UseCase => {
            let mut b = Builder::new(file);
            let uc = b.use_case(&node);
            result.diagnostics.extend(b.diagnostics);
            // Name the use case on every finding of its file, so reports can group by use case.
            if let Some(uc) = &uc {
                for d in result.diagnostics.iter_mut().filter(|d| d.use_case.is_none()) {
                    d.use_case = Some(uc.id.value.clone());
                }
            }
            uc.map_or(Parsed::Nothing, |uc| Parsed::UseCase(Box::new(uc)))
        }
        _ => Parsed::Config(node),
    };
    result
}
