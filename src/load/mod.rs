//! Loading a catalogue folder: discover its files, read and parse each one (in parallel, one
//! file's failure never stopping the others), check it against its JSON Schema, and build the
//! typed [`Catalogue`]. Produces `yaml-syntax`, `schema` and `stray-file` diagnostics; no
//! semantic rule runs here.
//!
//! Only regular files are read, never through a symbolic link, and never more than
//! [`yaml::MAX_FILE_BYTES`] of one (see [`read_regular_file`]): a link could lead out of the
//! catalogue (and publish `/etc/passwd` in the handbook), a named pipe would block the check, a
//! device would never end. Each such entry is a located finding and the other files are checked.

pub mod build;
mod instance;
pub mod schema;
pub mod yaml;

use crate::diagnostic::Diagnostic;
use crate::model::{Catalogue, UseCase};
use crate::source::{
    FileId, ReadError, SourceDb, SourceFile, Span, describe_file_type, read_regular_file, relative_path,
};
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
    /// The folder or a required file could not be read. (The OS error is the source, which
    /// `anyhow` prints after the message: it is not repeated in the message.)
    #[error("cannot read {path}")]
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
    stray: Option<(String, &'static str)>,
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
    // Whatever stands there (a link, a pipe) makes the folder a catalogue; reading it reports it.
    if root.join("casebook.yaml").symlink_metadata().is_err() {
        return Err(LoadError::NotACatalogue(root.display().to_string()));
    }
    let (found, use_cases_folder) = discover(root)?;
    let results: Vec<FileResult> = found
        .into_par_iter()
        .enumerate()
        .map(|(i, f)| read_one(FileId(i as u32), f))
        .collect();

    let mut sources = SourceDb::default();
    let mut diagnostics = Vec::new();
    let mut catalogue = Catalogue::default();
    // At its length from the start: growing by doubling would copy 50,000 use cases and leave
    // their room twice over while the old and the new buffer are both held.
    catalogue.use_cases.reserve_exact(results.len());
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
    if let Some(d) = use_cases_folder.finding() {
        diagnostics.push(d);
    }
    if let Some(dir) = &catalogue.settings.templates {
        diagnostics.extend(check_templates(root, dir));
    }
    catalogue.reindex();
    Ok(Loaded {
        sources,
        catalogue,
        diagnostics,
    })
}

/// The state of the `use-cases/` folder, when it gives no use case to check.
enum UseCasesFolder {
    /// At least one use-case file was found.
    Fine,
    /// There is no `use-cases` entry; `near` is a folder whose name is close to it.
    Missing { near: Option<String> },
    /// `use-cases` is a link, a file, a pipe...: what it is.
    NotAFolder(&'static str),
    /// The folder holds no `.yaml` or `.yml` file.
    Empty,
}

impl UseCasesFolder {
    /// The finding, located at the start of casebook.yaml (file 0), the catalogue's root file.
    fn finding(&self) -> Option<Diagnostic> {
        let at = Span::file_start(FileId(0));
        let start = "start one with `casebook new ID --domain DOMAIN`";
        let (message, help) = match self {
            UseCasesFolder::Fine => return None,
            UseCasesFolder::Missing { near: Some(near) } => (
                "the catalogue has no `use-cases/` folder, so no use case was checked".to_owned(),
                format!("rename `{near}/` to `use-cases/`"),
            ),
            UseCasesFolder::Missing { near: None } => (
                "the catalogue has no `use-cases/` folder, so no use case was checked".to_owned(),
                format!("create it and {start}"),
            ),
            UseCasesFolder::NotAFolder(what) => (
                format!("`use-cases` is {what}, not a folder, so no use case was checked"),
                if *what == "a symbolic link" {
                    "replace the link with the folder itself: casebook follows no link inside the catalogue, so that nothing outside it is checked or published".to_owned()
                } else {
                    format!("make `use-cases/` a folder holding one .yaml file per use case; {start}")
                },
            ),
            UseCasesFolder::Empty => (
                "`use-cases/` holds no use case (no .yaml or .yml file), so nothing was checked".to_owned(),
                start.to_owned(),
            ),
        };
        Some(Diagnostic::new("schema", at, message).with_help(help))
    }
}

fn discover(root: &Path) -> Result<(Vec<Found>, UseCasesFolder), LoadError> {
    let mut found = Vec::new();
    for (name, kind, required) in [
        ("casebook.yaml", FileKind::Casebook, true),
        ("organisation.yaml", FileKind::Organisation, true),
        ("channels.yaml", FileKind::Channels, true),
        ("information.yaml", FileKind::Information, false),
    ] {
        let disk_path = root.join(name);
        // Not `exists()`, which follows links: a dangling link is found, and reported.
        if required || disk_path.symlink_metadata().is_ok() {
            found.push(Found {
                rel_path: name.to_owned(),
                disk_path,
                kind: Some(kind),
                stray: None,
            });
        }
    }
    let dir = root.join("use-cases");
    let folder = match dir.symlink_metadata() {
        Ok(meta) if meta.is_dir() => {
            let before = found.len();
            walk(root, &dir, 0, &mut found)?;
            if found[before..].iter().any(|f| f.kind == Some(FileKind::UseCase)) {
                UseCasesFolder::Fine
            } else {
                UseCasesFolder::Empty
            }
        }
        Ok(meta) => UseCasesFolder::NotAFolder(describe_file_type(meta.file_type())),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => UseCasesFolder::Missing {
            near: misnamed_use_cases(root),
        },
        Err(source) => {
            return Err(LoadError::Io {
                path: dir.display().to_string(),
                source,
            });
        }
    };
    Ok((found, folder))
}

/// A folder of the catalogue whose name is close to `use-cases` (`use-case`, `Use-Cases`...).
fn misnamed_use_cases(root: &Path) -> Option<String> {
    let folders: Vec<String> = std::fs::read_dir(root)
        .ok()?
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_ok_and(|t| t.is_dir()))
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    let lower: Vec<String> = folders
        .iter()
        .map(|f| f.to_lowercase().replace('_', "-"))
        .collect();
    let near = crate::suggest::closest("use-cases", lower.iter().map(String::as_str))
        .or_else(|| lower.iter().map(String::as_str).find(|f| *f == "use-cases"))?;
    let i = lower.iter().position(|f| f == near)?;
    Some(folders[i].clone())
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
                "it is a symbolic link, which casebook does not follow".to_owned(),
                "replace the link with the file itself, or move it out of use-cases/",
            ))
        } else if file_type.is_dir() {
            if depth + 1 < MAX_FOLDER_DEPTH {
                walk(root, &path, depth + 1, out)?;
                continue;
            }
            Some((
                "the folder is nested too deeply; casebook reads 16 levels under use-cases/".to_owned(),
                "move its use cases to a shallower folder",
            ))
        } else if !file_type.is_file() {
            Some((
                format!("it is {}, not a regular file", describe_file_type(file_type)),
                "casebook reads regular files only: move it out of use-cases/",
            ))
        } else if !yaml {
            Some((
                "only .yaml and .yml files are read in use-cases/".to_owned(),
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
    let bytes = match read_regular_file(&found.disk_path, yaml::MAX_FILE_BYTES) {
        Ok(bytes) => bytes,
        Err(ReadError::Missing) => {
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
        Err(e @ (ReadError::Link | ReadError::NotRegular(_))) => {
            // Found as a regular file by `walk`, a use case replaced since is a stray file; a
            // top-level file that is not a regular file is missing, like an absent one.
            let (rule, help) = match (&e, kind) {
                (_, FileKind::UseCase) => ("stray-file", "move it out of use-cases/".to_owned()),
                (ReadError::Link, _) => (
                    "schema",
                    "replace the link with the file itself: casebook follows no link inside the catalogue, so that nothing outside it is checked or published".to_owned(),
                ),
                _ => (
                    "schema",
                    format!(
                        "make it a regular file; `casebook schema {}` prints what it holds",
                        kind.name()
                    ),
                ),
            };
            result.source.stray = kind == FileKind::UseCase;
            return fail(
                result,
                Diagnostic::new(rule, start, format!("`{}` is not read: {e}", found.rel_path))
                    .with_help(help),
            );
        }
        Err(ReadError::TooLarge(size)) => {
            let cap = yaml::MAX_FILE_BYTES / 1048576;
            let message = match size {
                Some(size) => format!(
                    "the file is {:.1} MiB, more than the {cap} MiB casebook reads",
                    size as f64 / 1048576.0,
                ),
                None => format!("the file is more than the {cap} MiB casebook reads"),
            };
            return fail(
                result,
                Diagnostic::new("yaml-syntax", start, message).with_help(
                    "a use case is a few kilobytes: split the file, or check that it is the file you meant",
                ),
            );
        }
        Err(ReadError::Io(e)) => {
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

/// Checks `templates:` of casebook.yaml: a folder inside the catalogue, reached without a link,
/// holding no link. `casebook build` would otherwise refuse it, or silently use the built-in
/// templates for a folder that is not there, or publish what a link points at.
fn check_templates(root: &Path, dir: &crate::model::Located<String>) -> Vec<Diagnostic> {
    use std::path::Component;
    let value = &dir.value;
    let finding =
        |message: String, help: &str| Diagnostic::new("schema", dir.span, message).with_help(help.to_owned());
    let no_link = "casebook follows no link inside the catalogue, so that nothing outside it is published: put the templates themselves there";
    let rel = Path::new(value.as_str());
    if value.is_empty() || value.starts_with(['/', '\\']) {
        return Vec::new(); // The schema refuses it already.
    }
    if value.trim().is_empty()
        || rel
            .components()
            .any(|c| !matches!(c, Component::Normal(_) | Component::CurDir))
    {
        return vec![finding(
            format!("`templates: {value}` must name a folder inside the catalogue"),
            "write a path relative to the catalogue folder, without `..`, e.g. `templates: templates`",
        )];
    }
    // Each step of the path, without following a link.
    let mut here = root.to_path_buf();
    for part in rel.components() {
        let Component::Normal(part) = part else {
            continue;
        };
        here.push(part);
        let shown = relative_path(root, &here);
        match here.symlink_metadata() {
            Ok(meta) if meta.is_dir() => {}
            Ok(meta) if meta.file_type().is_symlink() => {
                return vec![finding(
                    format!(
                        "`templates: {value}`: `{shown}` is a symbolic link, which casebook does not follow"
                    ),
                    no_link,
                )];
            }
            Ok(meta) => {
                return vec![finding(
                    format!(
                        "`templates: {value}`: `{shown}` is {}, not a folder",
                        describe_file_type(meta.file_type())
                    ),
                    "name the folder that holds the templates",
                )];
            }
            Err(_) => {
                return vec![finding(
                    format!(
                        "`templates: {value}` names no folder of the catalogue: `{shown}` does not exist"
                    ),
                    "create the folder, correct the path, or remove `templates:` to use the built-in templates",
                )];
            }
        }
    }
    // The templates are files directly in the folder; none of its entries may be a link.
    let Ok(entries) = std::fs::read_dir(&here) else {
        return vec![finding(
            format!("`templates: {value}`: the folder cannot be read"),
            "check its permissions",
        )];
    };
    let mut out: Vec<(String, Diagnostic)> = entries
        .filter_map(Result::ok)
        .filter_map(|e| {
            let t = e.file_type().ok()?;
            let shown = relative_path(root, &e.path());
            if t.is_symlink() {
                Some(finding(
                    format!(
                        "`templates: {value}`: `{shown}` is a symbolic link, which casebook does not follow"
                    ),
                    no_link,
                ))
            } else if !t.is_file() && !t.is_dir() {
                Some(finding(
                    format!(
                        "`templates: {value}`: `{shown}` is {}, not a regular file",
                        describe_file_type(t)
                    ),
                    "remove it from the templates folder",
                ))
            } else {
                None
            }
            .map(|d| (shown, d))
        })
        .collect();
    out.sort_by(|a, b| a.0.cmp(&b.0));
    out.into_iter().map(|(_, d)| d).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_os_error_is_printed_once() {
        let err = LoadError::Io {
            path: "catalogue/use-cases".to_owned(),
            source: std::io::Error::from_raw_os_error(13),
        };
        let shown = format!("{:#}", anyhow::Error::from(err));
        let os = std::io::Error::from_raw_os_error(13).to_string();
        assert_eq!(shown.matches(&os).count(), 1, "{shown}");
        assert!(shown.starts_with("cannot read catalogue/use-cases: "), "{shown}");
    }
}
