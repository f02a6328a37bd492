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
use std::collections::{BTreeMap, HashMap};
use std::path::{Component, Path, PathBuf};
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

/// Texts that stand in for files of the catalogue: the unsaved documents of an editor
/// (`casebook lsp`). Keyed by the path relative to the catalogue folder, `/`-separated, as in
/// reports (`use-cases/billing/invoice-dispute.yaml`).
///
/// A text replaces the regular file of the same path; a text whose file is not on disk yet is
/// read as a new file when it could be one: `information.yaml`, or a `.yaml`/`.yml` file under
/// `use-cases/` that the walk of the folder would read (no folder on the way that is a link, a
/// file or hidden, no deeper than the walk goes). An entry that is not a regular file on disk (a
/// link, a pipe) is reported as it is without a text, and the text is not used: the safety
/// rules of the disk hold whatever the editor has open. Texts over the size cap are refused
/// like files.
#[derive(Clone, Debug, Default)]
pub struct Overlay {
    texts: BTreeMap<String, String>,
}

impl Overlay {
    /// An overlay with no text: [`load_with`] then reads exactly what [`load`] reads.
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets the text of the file at `rel_path` (relative to the catalogue folder, `/`-separated).
    pub fn insert(&mut self, rel_path: impl Into<String>, text: impl Into<String>) {
        self.texts.insert(rel_path.into(), text.into());
    }

    /// The text of the file at `rel_path`, if the overlay has one.
    pub fn get(&self, rel_path: &str) -> Option<&str> {
        self.texts.get(rel_path).map(String::as_str)
    }

    /// True when the overlay holds no text.
    pub fn is_empty(&self) -> bool {
        self.texts.is_empty()
    }
}

/// What each file gave at the previous load of a catalogue, to skip reading and parsing the
/// files that did not change since (`casebook lsp` checks the whole catalogue at every
/// keystroke; parsing is most of a check). A file is taken from the cache only when it has the
/// same path, the same file id (no file added or removed before it) and the same identity: the
/// same overlay text, or, on disk, a regular file with the same size, modification and change
/// times, inode and device (`lstat`, before reading, so a file written during a load is read
/// again at the next). Anything else (a link, a stray file) is read as without a cache.
#[derive(Default)]
pub struct LoadCache {
    files: HashMap<String, Cached>,
}

impl LoadCache {
    /// An empty cache.
    pub fn new() -> Self {
        Self::default()
    }
}

struct Cached {
    file: FileId,
    identity: Identity,
    result: FileResult,
}

#[derive(Clone, PartialEq)]
enum Identity {
    /// An editor's text.
    Text(String),
    /// A regular file on disk: size, modification time, and where supported the change time,
    /// inode and device.
    Disk {
        len: u64,
        modified: Option<std::time::SystemTime>,
        unix: Option<(i64, i64, u64, u64)>,
    },
}

impl Identity {
    fn of(found: &Found) -> Option<Identity> {
        if found.stray.is_some() {
            return None;
        }
        if let Some(text) = &found.text {
            return Some(Identity::Text(text.clone()));
        }
        let meta = found.disk_path.symlink_metadata().ok()?;
        if !meta.is_file() {
            return None;
        }
        #[cfg(unix)]
        let unix = {
            use std::os::unix::fs::MetadataExt;
            Some((meta.ctime(), meta.ctime_nsec(), meta.ino(), meta.dev()))
        };
        #[cfg(not(unix))]
        let unix = None;
        Some(Identity::Disk {
            len: meta.len(),
            modified: meta.modified().ok(),
            unix,
        })
    }
}

/// The deepest folder level read under use-cases/.
const MAX_FOLDER_DEPTH: usize = 16;

struct Found {
    rel_path: String,
    disk_path: PathBuf,
    kind: Option<FileKind>,
    /// Why the file is not read and what to do, when it is not.
    stray: Option<(String, &'static str)>,
    /// The text that stands in for the file (see [`Overlay`]).
    text: Option<String>,
}

#[derive(Clone)]
enum Parsed {
    Config(Node),
    UseCase(Box<UseCase>),
    Nothing,
}

#[derive(Clone)]
struct FileResult {
    source: SourceFile,
    kind: Option<FileKind>,
    parsed: Parsed,
    diagnostics: Vec<Diagnostic>,
}

/// Loads the catalogue in `root`.
pub fn load(root: &Path) -> Result<Loaded, LoadError> {
    load_with(root, &Overlay::new(), None)
}

/// Loads the catalogue in `root` like [`load`], with the text of every use case file packed
/// once it is built ([`crate::source::SourceFile::pack`]): for `casebook check`, which unpacks
/// the files of its findings before the report is written.
pub fn load_packed(root: &Path) -> Result<Loaded, LoadError> {
    load_inner(root, &Overlay::new(), None, true)
}

/// Loads the catalogue in `root`, reading the texts of `overlay` instead of the files of the
/// same path (see [`Overlay`]), and, with a cache, taking from it the files that did not change
/// since the previous load with that cache (see [`LoadCache`]; the result is the same).
pub fn load_with(root: &Path, overlay: &Overlay, cache: Option<&mut LoadCache>) -> Result<Loaded, LoadError> {
    load_inner(root, overlay, cache, false)
}

fn load_inner(
    root: &Path,
    overlay: &Overlay,
    cache: Option<&mut LoadCache>,
    pack: bool,
) -> Result<Loaded, LoadError> {
    // Whatever stands there (a link, a pipe) makes the folder a catalogue; reading it reports it.
    if root.join("casebook.yaml").symlink_metadata().is_err() && overlay.get("casebook.yaml").is_none() {
        return Err(LoadError::NotACatalogue(root.display().to_string()));
    }
    let (mut found, mut use_cases_folder) = discover(root)?;
    if !overlay.is_empty() && apply_overlay(root, overlay, &mut found) {
        use_cases_folder = match use_cases_folder {
            UseCasesFolder::Missing { .. } | UseCasesFolder::Empty => UseCasesFolder::Fine,
            other => other,
        };
    }
    let results: Vec<FileResult> = match cache {
        None => found
            .into_par_iter()
            .enumerate()
            .map(|(i, f)| {
                let mut result = read_one(FileId(i as u32), f);
                if pack && matches!(result.parsed, Parsed::UseCase(_)) {
                    result.source.pack();
                }
                result
            })
            .collect(),
        Some(cache) => {
            let previous = &cache.files;
            let read: Vec<(FileResult, Option<Identity>)> = found
                .into_par_iter()
                .enumerate()
                .map(|(i, f)| {
                    let file = FileId(i as u32);
                    let identity = Identity::of(&f);
                    match (previous.get(&f.rel_path), &identity) {
                        (Some(c), Some(id)) if c.file == file && c.identity == *id => {
                            (c.result.clone(), identity)
                        }
                        _ => (read_one(file, f), identity),
                    }
                })
                .collect();
            cache.files = read
                .iter()
                .enumerate()
                .filter_map(|(i, (result, identity))| {
                    let identity = identity.as_ref()?;
                    let cached = Cached {
                        file: FileId(i as u32),
                        identity: identity.clone(),
                        result: result.clone(),
                    };
                    Some((result.source.rel_path.clone(), cached))
                })
                .collect();
            read.into_iter().map(|(r, _)| r).collect()
        }
    };

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
                text: None,
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

/// Gives the overlay's texts to the files found on disk, and adds the files it holds that are
/// not on disk yet where the walk would have found them. True when a use case was added.
fn apply_overlay(root: &Path, overlay: &Overlay, found: &mut Vec<Found>) -> bool {
    for f in found.iter_mut().filter(|f| f.stray.is_none()) {
        // Only a regular file (or a top-level file not there at all) takes the text: a link or
        // a pipe in its place is reported as the disk has it.
        let regular_or_missing = match f.disk_path.symlink_metadata() {
            Ok(meta) => meta.is_file(),
            Err(e) => e.kind() == std::io::ErrorKind::NotFound,
        };
        if regular_or_missing && let Some(text) = overlay.get(&f.rel_path) {
            f.text = Some(text.to_owned());
        }
    }
    let mut added_use_case = false;
    let before = found.len();
    for (rel_path, text) in &overlay.texts {
        if found.iter().any(|f| &f.rel_path == rel_path) {
            continue;
        }
        let kind = if rel_path == "information.yaml" {
            FileKind::Information
        } else if could_be_use_case(root, rel_path) {
            added_use_case = true;
            FileKind::UseCase
        } else {
            continue;
        };
        found.push(Found {
            rel_path: rel_path.clone(),
            disk_path: root.join(rel_path),
            kind: Some(kind),
            stray: None,
            text: Some(text.clone()),
        });
    }
    if found.len() > before {
        // The order of `discover`: the top-level files first, then use-cases/ as the walk goes
        // (depth first, by name), so that file ids and the report read as from disk.
        let (mut top, mut under): (Vec<Found>, Vec<Found>) = found
            .drain(..)
            .partition(|f| !f.rel_path.starts_with("use-cases/"));
        top.sort_by_key(|f| top_level_rank(&f.rel_path));
        under.sort_by(|a, b| a.rel_path.split('/').cmp(b.rel_path.split('/')));
        found.extend(top);
        found.extend(under);
    }
    added_use_case
}

/// Where a top-level file comes in the order of [`discover`].
fn top_level_rank(rel_path: &str) -> usize {
    [
        "casebook.yaml",
        "organisation.yaml",
        "channels.yaml",
        "information.yaml",
    ]
    .iter()
    .position(|n| *n == rel_path)
    .unwrap_or(usize::MAX)
}

/// True when a file at `rel_path`, not on disk, would be read as a use case by the walk of
/// use-cases/: a `.yaml` or `.yml` name, no hidden part, not nested too deeply, and every folder
/// on the way either missing or a folder (not a link, not a file).
fn could_be_use_case(root: &Path, rel_path: &str) -> bool {
    let parts: Vec<&str> = rel_path.split('/').collect();
    let [first, folders @ .., name] = parts.as_slice() else {
        return false;
    };
    let plain = |p: &str| {
        !p.is_empty()
            && !p.starts_with('.')
            && matches!(
                Path::new(p).components().collect::<Vec<_>>().as_slice(),
                [Component::Normal(_)]
            )
    };
    if *first != "use-cases"
        || !(name.ends_with(".yaml") || name.ends_with(".yml"))
        || !plain(name)
        || !folders.iter().all(|p| plain(p))
        || folders.len() >= MAX_FOLDER_DEPTH
    {
        return false;
    }
    let mut here = root.to_path_buf();
    for part in std::iter::once(first).chain(folders) {
        here.push(part);
        match here.symlink_metadata() {
            Ok(meta) if meta.is_dir() => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            _ => return false,
        }
    }
    true
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
            text: None,
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
    let read = match found.text {
        // An editor's text is held to the cap of a file, and is valid UTF-8 already.
        Some(text) if text.len() as u64 > yaml::MAX_FILE_BYTES => {
            Err(ReadError::TooLarge(Some(text.len() as u64)))
        }
        Some(text) => Ok(text.into_bytes()),
        None => read_regular_file(&found.disk_path, yaml::MAX_FILE_BYTES),
    };
    let bytes = match read {
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
                    d.use_case = Some(uc.id.value.to_string());
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
    use crate::model::Join;

    /// A copy of the fixtures' base catalogue with one use case, in a temporary folder.
    fn catalogue() -> (tempfile::TempDir, String) {
        let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
        let dir = tempfile::tempdir().unwrap();
        for e in std::fs::read_dir(fixtures.join("base")).unwrap() {
            let e = e.unwrap();
            std::fs::copy(e.path(), dir.path().join(e.file_name())).unwrap();
        }
        let use_case = std::fs::read_to_string(fixtures.join("rules/dead-end/valid-end-step.yaml")).unwrap();
        std::fs::create_dir_all(dir.path().join("use-cases/billing")).unwrap();
        std::fs::write(
            dir.path().join("use-cases/billing/invoice-dispute.yaml"),
            &use_case,
        )
        .unwrap();
        (dir, use_case)
    }

    fn files(loaded: &Loaded) -> Vec<(String, String)> {
        loaded
            .sources
            .iter()
            .map(|(_, f)| (f.rel_path.clone(), f.text.clone()))
            .collect()
    }

    fn rules(loaded: &Loaded) -> Vec<(&'static str, String)> {
        let mut out: Vec<_> = loaded
            .diagnostics
            .iter()
            .map(|d| (d.rule, loaded.sources.get(d.span.file).rel_path.clone()))
            .collect();
        out.sort();
        out
    }

    #[test]
    fn an_empty_overlay_reads_what_load_reads() {
        let sample = Path::new(env!("CARGO_MANIFEST_DIR")).join("catalogue");
        let plain = load(&sample).unwrap();
        let with = load_with(&sample, &Overlay::new(), None).unwrap();
        assert_eq!(files(&plain), files(&with));
        assert_eq!(plain.diagnostics, with.diagnostics);
    }

    #[test]
    fn a_load_with_a_cache_reads_what_a_load_without_one_reads() {
        let (dir, use_case) = catalogue();
        let root = dir.path();
        let mut cache = LoadCache::new();
        let mut overlay = Overlay::new();
        let same = |overlay: &Overlay, cache: &mut LoadCache| {
            let cached = load_with(root, overlay, Some(cache)).unwrap();
            let fresh = load_with(root, overlay, None).unwrap();
            assert_eq!(files(&cached), files(&fresh));
            assert_eq!(cached.diagnostics, fresh.diagnostics);
            let ids = |l: &Loaded| {
                l.catalogue
                    .use_cases
                    .iter()
                    .map(|u| (u.id.value, u.file))
                    .collect::<Vec<_>>()
            };
            assert_eq!(ids(&cached), ids(&fresh));
            cached
        };
        same(&overlay, &mut cache);
        same(&overlay, &mut cache);
        // A file written on disk (same size: only its times tell).
        let path = root.join("use-cases/billing/invoice-dispute.yaml");
        let edited = use_case.replace("actor: contact-centre", "actor: contact-centrX");
        std::fs::write(&path, &edited).unwrap();
        let loaded = same(&overlay, &mut cache);
        assert!(files(&loaded).iter().any(|(_, t)| t == &edited));
        // An overlay text, then another.
        overlay.insert("use-cases/billing/invoice-dispute.yaml", "id: [".to_owned());
        assert_eq!(rules(&same(&overlay, &mut cache)).len(), 1);
        overlay.insert("use-cases/billing/invoice-dispute.yaml", use_case.clone());
        assert!(rules(&same(&overlay, &mut cache)).is_empty());
        // A file added before the others shifts every file id after it.
        overlay.insert(
            "use-cases/a/first.yaml",
            use_case.replace("id: invoice-dispute", "id: first"),
        );
        same(&overlay, &mut cache);
        // A file replaced by a link is read (and refused) again.
        #[cfg(unix)]
        {
            std::fs::remove_file(&path).unwrap();
            std::os::unix::fs::symlink(root.join("casebook.yaml"), &path).unwrap();
            let loaded = same(&Overlay::new(), &mut cache);
            assert!(rules(&loaded).iter().any(|(r, _)| *r == "stray-file"));
        }
    }

    #[test]
    fn an_overlay_text_replaces_the_file_on_disk() {
        let (dir, use_case) = catalogue();
        let mut overlay = Overlay::new();
        let edited = use_case.replace("actor: contact-centre", "actor: [unclosed");
        overlay.insert("use-cases/billing/invoice-dispute.yaml", edited.clone());
        let loaded = load_with(dir.path(), &overlay, None).unwrap();
        let file = loaded
            .sources
            .iter()
            .find(|(_, f)| f.rel_path == "use-cases/billing/invoice-dispute.yaml")
            .unwrap()
            .1;
        assert_eq!(file.text, edited);
        assert_eq!(
            rules(&loaded),
            [("yaml-syntax", "use-cases/billing/invoice-dispute.yaml".to_owned())]
        );
        // The disk is untouched, and `load` still reads it.
        assert!(rules(&load(dir.path()).unwrap()).is_empty());
    }

    #[test]
    fn a_new_use_case_is_read_where_the_walk_would_find_it() {
        let (dir, use_case) = catalogue();
        let mut overlay = Overlay::new();
        let second = use_case.replace("id: invoice-dispute", "id: second");
        overlay.insert("use-cases/a-first/second.yaml", second.clone());
        overlay.insert(
            "use-cases/billing/zz/third.yml",
            use_case.replace("id: invoice-dispute", "id: third"),
        );
        // Not read by the walk either: outside use-cases/, hidden, not YAML, `..`, empty parts.
        for ignored in [
            "notes/x.yaml",
            "use-cases/.hidden.yaml",
            "use-cases/.git/x.yaml",
            "use-cases/x.txt",
            "use-cases/../x.yaml",
            "use-cases//x.yaml",
            "elsewhere.yaml",
        ] {
            overlay.insert(ignored, "id: nope\n");
        }
        let loaded = load_with(dir.path(), &overlay, None).unwrap();
        let paths: Vec<String> = files(&loaded).into_iter().map(|(p, _)| p).collect();
        assert_eq!(
            paths,
            [
                "casebook.yaml",
                "organisation.yaml",
                "channels.yaml",
                "information.yaml",
                "use-cases/a-first/second.yaml",
                "use-cases/billing/invoice-dispute.yaml",
                "use-cases/billing/zz/third.yml",
            ]
        );
        let ids: Vec<&str> = loaded
            .catalogue
            .use_cases
            .iter()
            .map(|u| u.id.value.as_str())
            .collect();
        assert_eq!(ids, ["second", "invoice-dispute", "third"]);
        assert!(rules(&loaded).is_empty(), "{:?}", rules(&loaded));
    }

    #[test]
    fn messages_parallel_splits_and_joins_are_read_into_the_model() {
        let (dir, use_case) = catalogue();
        let mut overlay = Overlay::new();
        let edited = use_case
            .replace(
                "    next: investigate\n",
                "    next:\n      - to: investigate\n      - to: inform\n        message: true\n        carries: [dispute-ticket]\n",
            )
            .replace(
                "    duration: 2d\n",
                "    duration: 2d\n    parallel: true\n",
            )
            .replace("    duration: 1h\n", "    duration: 1h\n    join: all\n")
            .replace("        when: the invoice is wrong\n", "")
            .replace("        when: the invoice is right\n", "");
        overlay.insert("use-cases/billing/invoice-dispute.yaml", edited);
        let loaded = load_with(dir.path(), &overlay, None).unwrap();
        assert_eq!(rules(&loaded), vec![]);
        let uc = &loaded.catalogue.use_cases[0];
        let step = |id: &str| &uc.steps[uc.step(id).unwrap()];
        let log = step("log");
        assert_eq!(
            log.next
                .iter()
                .map(|n| (n.to.value.as_str(), n.message))
                .collect::<Vec<_>>(),
            vec![("investigate", false), ("inform", true)]
        );
        assert_eq!(log.next[1].carries[0].value, "dispute-ticket");
        assert!(step("investigate").is_parallel() && !step("log").is_parallel());
        assert_eq!(step("inform").join.as_ref().map(|j| j.value), Some(Join::All));
        assert!(step("inform").joins_all() && step("correct").join.is_none());

        // Anything else than `any` or `all` is a schema error, and leaves the join out.
        let bad = use_case.replace("    duration: 1h\n", "    duration: 1h\n    join: both\n");
        overlay.insert("use-cases/billing/invoice-dispute.yaml", bad);
        let loaded = load_with(dir.path(), &overlay, None).unwrap();
        assert_eq!(rules(&loaded).len(), 1);
        assert_eq!(rules(&loaded)[0].0, "schema");
        let uc = &loaded.catalogue.use_cases[0];
        assert!(uc.steps[uc.step("inform").unwrap()].join.is_none());
    }

    #[test]
    fn a_catalogue_can_start_in_the_editor() {
        let (dir, use_case) = catalogue();
        let config = std::fs::read_to_string(dir.path().join("casebook.yaml")).unwrap();
        std::fs::remove_file(dir.path().join("casebook.yaml")).unwrap();
        std::fs::remove_dir_all(dir.path().join("use-cases")).unwrap();
        assert!(matches!(load(dir.path()), Err(LoadError::NotACatalogue(_))));
        let mut overlay = Overlay::new();
        overlay.insert("casebook.yaml", config);
        // Without a use case: the catalogue's own finding, as on disk.
        let loaded = load_with(dir.path(), &overlay, None).unwrap();
        assert_eq!(rules(&loaded), [("schema", "casebook.yaml".to_owned())]);
        // A first use case, not saved, in a folder not created yet.
        overlay.insert("use-cases/billing/invoice-dispute.yaml", use_case);
        let loaded = load_with(dir.path(), &overlay, None).unwrap();
        assert!(rules(&loaded).is_empty(), "{:?}", rules(&loaded));
        assert_eq!(loaded.catalogue.use_cases.len(), 1);
    }

    #[test]
    fn an_overlay_text_is_held_to_the_size_cap() {
        let (dir, _) = catalogue();
        let mut overlay = Overlay::new();
        let huge = format!("id: x\ntitle: {}\n", "a".repeat(yaml::MAX_FILE_BYTES as usize));
        overlay.insert("use-cases/billing/invoice-dispute.yaml", huge);
        let loaded = load_with(dir.path(), &overlay, None).unwrap();
        let d = loaded
            .diagnostics
            .iter()
            .find(|d| d.rule == "yaml-syntax")
            .unwrap();
        assert!(d.message.contains("more than the 4 MiB"), "{}", d.message);
    }

    #[cfg(unix)]
    #[test]
    fn an_overlay_never_reads_through_a_link() {
        let (dir, use_case) = catalogue();
        let outside = tempfile::tempdir().unwrap();
        std::fs::write(outside.path().join("secret.yaml"), "secret\n").unwrap();
        let link = dir.path().join("use-cases/billing/invoice-dispute.yaml");
        std::fs::remove_file(&link).unwrap();
        std::os::unix::fs::symlink(outside.path().join("secret.yaml"), &link).unwrap();
        std::os::unix::fs::symlink(outside.path(), dir.path().join("use-cases/linked")).unwrap();
        let mut overlay = Overlay::new();
        overlay.insert("use-cases/billing/invoice-dispute.yaml", use_case.clone());
        overlay.insert("use-cases/linked/new.yaml", use_case);
        let loaded = load_with(dir.path(), &overlay, None).unwrap();
        // Both links are reported as on disk; neither text is read, so no use case is left.
        assert_eq!(
            rules(&loaded),
            [
                ("schema", "casebook.yaml".to_owned()),
                ("stray-file", "use-cases/billing/invoice-dispute.yaml".to_owned()),
                ("stray-file", "use-cases/linked".to_owned()),
            ]
        );
        assert!(loaded.catalogue.use_cases.is_empty());
        assert!(
            files(&loaded)
                .iter()
                .all(|(p, t)| t.is_empty() || !p.starts_with("use-cases/"))
        );
    }

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
