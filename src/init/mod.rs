//! `casebook init`, and where an editor finds the schemas: what a process owner needs in their
//! own repository for their editor to complete, describe and check the catalogue as they type.
//!
//! `init` creates a catalogue (a small one that checks clean) or adds what an existing one
//! lacks, writes the JSON Schemas where the files' schema lines reach them, and the VS Code
//! settings of the workspace: `yaml.schemas` mapping each schema to its files by glob (which
//! works at any folder depth, with no schema line) and the recommended extensions. It never
//! overwrites or deletes a file: an existing VS Code settings file is merged (its keys and their
//! order kept) when it is plain JSON, and left alone otherwise, with the lines to add printed.
//! It writes through no symbolic link: every planned path is checked before anything is written,
//! so a refusal leaves nothing half done.
//!
//! The workspace (where `.vscode/` goes) is the root of the git repository holding the catalogue,
//! which is what people open in VS Code; outside a repository, the catalogue folder itself;
//! `--workspace` chooses another folder above the catalogue.

pub mod json;
pub mod starter;

use crate::load::FileKind;
use crate::model::Date;
use crate::scaffold;
use crate::source::{ReadError, read_regular_file};
use json::Json;
use std::io::Write as _;
use std::path::{Component, Path, PathBuf};

/// The id of casebook's VS Code extension (`publisher.name` of `editors/vscode/package.json`).
pub const EXTENSION_ID: &str = "casebook.casebook";
/// The id of Red Hat's YAML extension, which reads the schemas.
pub const YAML_EXTENSION_ID: &str = "redhat.vscode-yaml";
/// The name of the schemas folder `init` makes in the catalogue.
pub const SCHEMAS_FOLDER: &str = "schemas";
/// The largest settings or schema file `init` reads.
const MAX_READ_BYTES: u64 = 1024 * 1024;

/// `path` made absolute (from `cwd`) with `.` and `..` resolved by name, as editors resolve a
/// relative schema path.
pub fn normalise(cwd: &Path, path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in cwd.join(path).components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

/// The path from folder `from` to `to` (both normalised), with `/` between names: the form a
/// schema line and VS Code settings take on every system. Empty when they are the same.
pub fn relative(from: &Path, to: &Path) -> String {
    let from: Vec<Component> = from.components().collect();
    let to: Vec<Component> = to.components().collect();
    let common = from.iter().zip(&to).take_while(|(a, b)| a == b).count();
    let ups = std::iter::repeat_n("..".to_owned(), from.len() - common);
    let downs = to[common..]
        .iter()
        .map(|c| c.as_os_str().to_string_lossy().into_owned());
    ups.chain(downs).collect::<Vec<_>>().join("/")
}

/// The root of the git repository holding `dir` (normalised): the closest folder, `dir` itself
/// or above it, with a `.git` entry (a folder, or a file in a worktree or submodule).
pub fn repository_root(dir: &Path) -> Option<PathBuf> {
    dir.ancestors()
        .find(|a| a.join(".git").symlink_metadata().is_ok())
        .map(Path::to_path_buf)
}

/// The schema file of `kind` in the schemas folder `dir`.
pub fn schema_file(dir: &Path, kind: FileKind) -> PathBuf {
    dir.join(format!("{}.schema.json", kind.name()))
}

/// The schemas folder an editor reaches from the catalogue (normalised): its own `schemas/`, else
/// the closest `schemas/` above it (as in casebook's own repository, where it sits beside the
/// catalogue), up to the root of the git repository; outside a repository, only the
/// catalogue's and its parent's. A folder counts when it holds `use-case.schema.json`. Never a
/// folder outside the repository: a colleague's clone would not have it.
pub fn find_schemas(catalogue: &Path) -> Option<PathBuf> {
    let top =
        repository_root(catalogue).unwrap_or_else(|| catalogue.parent().unwrap_or(catalogue).to_path_buf());
    catalogue
        .ancestors()
        .take_while(|a| a.starts_with(&top))
        .map(|a| a.join(SCHEMAS_FOLDER))
        .find(|d| schema_file(d, FileKind::UseCase).is_file())
}

/// Why `casebook new` writes no schema line.
#[derive(Debug, thiserror::Error)]
#[error(
    "wrote no schema line (`# yaml-language-server: $schema=...`) for editors: there is no schemas/use-case.schema.json in {catalogue} or in a folder above it in the repository; run `casebook init {catalogue}` to write the schemas and the editor settings (it changes no existing file)"
)]
pub struct NoSchema {
    /// The catalogue folder, as given.
    pub catalogue: String,
}

/// The schema path to write in the schema line of a new file of `kind` in folder `dir` of the
/// catalogue (both relative to `cwd` or absolute): relative to `dir`, so it resolves wherever
/// the repository is cloned.
pub fn schema_line_path(
    cwd: &Path,
    catalogue: &Path,
    dir: &Path,
    kind: FileKind,
) -> Result<String, NoSchema> {
    let root = normalise(cwd, catalogue);
    let schemas = find_schemas(&root).ok_or_else(|| NoSchema {
        catalogue: catalogue.display().to_string(),
    })?;
    Ok(relative(&normalise(cwd, dir), &schema_file(&schemas, kind)))
}

/// What `casebook init` is asked to do.
#[derive(Clone, Debug)]
pub struct InitOptions {
    /// The catalogue folder (made if missing).
    pub catalogue: PathBuf,
    /// Where `.vscode/` goes; by default the root of the git repository, else the catalogue.
    pub workspace: Option<PathBuf>,
}

/// Why `casebook init` wrote nothing.
#[derive(Debug, thiserror::Error)]
pub enum InitError {
    /// A path it would write through is a symbolic link.
    #[error(
        "{0} is a symbolic link, and casebook init writes through no link; nothing was written (replace the link with a real folder or file, or choose another folder)"
    )]
    Link(PathBuf),
    /// A path it needs as a folder is something else.
    #[error("{0} is {1}, where casebook init needs a folder; nothing was written")]
    NotAFolder(PathBuf, &'static str),
    /// `--workspace` is not the catalogue or above it.
    #[error(
        "the workspace {workspace} must be the catalogue folder or a folder above it ({catalogue}): VS Code's settings name the catalogue's files from there"
    )]
    WorkspaceNotAbove {
        /// The workspace given.
        workspace: PathBuf,
        /// The catalogue.
        catalogue: PathBuf,
    },
    /// Reading or writing failed.
    #[error("cannot {what} {path}")]
    Io {
        /// What was being done.
        what: &'static str,
        /// Where.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
}

/// How the workspace was chosen.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WorkspaceFrom {
    /// The root of the git repository holding the catalogue.
    Repository,
    /// The catalogue folder (no repository around it).
    Catalogue,
    /// `--workspace`.
    Given,
}

/// What `init` did with one path.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Done {
    /// A new file.
    Wrote,
    /// Keys added to an existing JSON file, which keeps everything else.
    Merged(String),
    /// Left as it was, and why.
    Kept(String),
    /// Left as it was although it lacks something: why, and the text to add by hand.
    AddYourself {
        /// Why it was not changed.
        why: String,
        /// What to add.
        lines: String,
    },
}

/// One path and what `init` did with it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entry {
    /// The path (absolute).
    pub path: PathBuf,
    /// What was done.
    pub done: Done,
}

/// What `init` did.
#[derive(Clone, Debug)]
pub struct InitReport {
    /// The catalogue (absolute).
    pub catalogue: PathBuf,
    /// The workspace (absolute).
    pub workspace: PathBuf,
    /// How the workspace was chosen.
    pub workspace_from: WorkspaceFrom,
    /// Every path, in the order handled.
    pub entries: Vec<Entry>,
    /// The folder paths are shown relative to.
    cwd: PathBuf,
}

impl InitReport {
    /// `path` as shown to the user: relative to the current folder when inside it.
    fn show(&self, path: &Path) -> String {
        match path.strip_prefix(&self.cwd) {
            Ok(rel) if rel.as_os_str().is_empty() => ".".to_owned(),
            Ok(rel) => rel.display().to_string(),
            Err(_) => path.display().to_string(),
        }
    }

    /// The summary printed by `casebook init`: what was written, what was left alone and why,
    /// and what to do next.
    pub fn to_text(&self) -> String {
        let workspace = self.show(&self.workspace);
        let from = match self.workspace_from {
            WorkspaceFrom::Repository => "the root of the git repository",
            WorkspaceFrom::Catalogue => "the catalogue itself: there is no git repository around it",
            WorkspaceFrom::Given => "as given",
        };
        let mut text = format!(
            "casebook init: the catalogue in `{}`, the editor settings in `{workspace}` ({from})\n",
            self.show(&self.catalogue)
        );
        for e in &self.entries {
            let path = self.show(&e.path);
            match &e.done {
                Done::Wrote => text += &format!("  wrote   {path}\n"),
                Done::Merged(what) => text += &format!("  merged  {path}: {what}\n"),
                Done::Kept(why) => text += &format!("  kept    {path} ({why})\n"),
                Done::AddYourself { why, lines } => {
                    text += &format!("  kept    {path} ({why}); add this to it yourself:\n");
                    for line in lines.lines() {
                        text += &format!("            {line}\n");
                    }
                }
            }
        }
        let written = self
            .entries
            .iter()
            .filter(|e| matches!(e.done, Done::Wrote | Done::Merged(_)))
            .count();
        if written == 0 {
            text += "Nothing to add: the catalogue and the editor settings are complete.\n";
        }
        text += &format!(
            "Next: `casebook check --catalogue {}`, and open {workspace} in your editor (VS Code: install the recommended extensions; other editors: see casebook's README, \"Editor set-up\").\n",
            self.show(&self.catalogue)
        );
        text
    }
}

/// A write `init` plans, checked for links before anything is written.
enum Planned {
    /// A new file with this text.
    New(String),
    /// The starter use case, whose text depends on the catalogue once its other files exist.
    Starter,
    /// An existing JSON file replaced by this text (keys added), with what was added.
    Merge(String, String),
}

/// Creates the catalogue, or adds what it lacks, and the editor settings (see the module doc).
pub fn init(options: &InitOptions) -> Result<InitReport, InitError> {
    let cwd = std::env::current_dir().map_err(|source| InitError::Io {
        what: "find",
        path: PathBuf::from("."),
        source,
    })?;
    let catalogue = normalise(&cwd, &options.catalogue);
    // The catalogue folder itself may be reached through a link, as for every command.
    if let Ok(meta) = std::fs::metadata(&catalogue)
        && !meta.is_dir()
    {
        return Err(InitError::NotAFolder(catalogue, "a file"));
    }
    let (workspace, workspace_from) = match &options.workspace {
        Some(w) => {
            let w = normalise(&cwd, w);
            if !catalogue.starts_with(&w) {
                return Err(InitError::WorkspaceNotAbove {
                    workspace: w,
                    catalogue,
                });
            }
            (w, WorkspaceFrom::Given)
        }
        None => match repository_root(&catalogue) {
            Some(root) => (root, WorkspaceFrom::Repository),
            None => (catalogue.clone(), WorkspaceFrom::Catalogue),
        },
    };
    let schemas = find_schemas(&catalogue).unwrap_or_else(|| catalogue.join(SCHEMAS_FOLDER));

    let mut plan: Vec<(PathBuf, Planned)> = Vec::new();
    let mut kept: Vec<Entry> = Vec::new();
    let exists = |p: &Path| p.symlink_metadata().is_ok();
    let schema_line = |dir: &Path, kind: FileKind| {
        format!(
            "# yaml-language-server: $schema={}\n",
            relative(dir, &schema_file(&schemas, kind))
        )
    };

    // The catalogue's own files.
    let definitions = [
        ("casebook.yaml", FileKind::Casebook, starter::CASEBOOK),
        ("organisation.yaml", FileKind::Organisation, starter::ORGANISATION),
        ("channels.yaml", FileKind::Channels, starter::CHANNELS),
        ("information.yaml", FileKind::Information, starter::INFORMATION),
    ];
    let fresh = definitions[1..]
        .iter()
        .all(|(name, _, _)| !exists(&catalogue.join(name)));
    for (name, kind, text) in definitions {
        let path = catalogue.join(name);
        if exists(&path) {
            kept.push(Entry {
                path,
                done: Done::Kept("it exists".to_owned()),
            });
        } else {
            // The starter items are stored in the starter system: with an organisation of
            // the catalogue's own, the information file starts empty.
            let text = match kind {
                FileKind::Information if !fresh => starter::NO_INFORMATION,
                _ => text,
            };
            plan.push((path, Planned::New(schema_line(&catalogue, kind) + text)));
        }
    }
    let use_cases = catalogue.join("use-cases");
    let starter_dir = use_cases.join(starter::USE_CASE_DOMAIN);
    let starter_path = starter_dir.join(format!("{}.yaml", starter::USE_CASE_ID));
    if has_use_case(&use_cases) {
        kept.push(Entry {
            path: use_cases.clone(),
            done: Done::Kept("it holds use cases".to_owned()),
        });
    } else if fresh {
        let text = schema_line(&starter_dir, FileKind::UseCase) + starter::USE_CASE;
        plan.push((starter_path.clone(), Planned::New(text)));
    } else {
        plan.push((starter_path.clone(), Planned::Starter));
    }

    // The schemas.
    for kind in FileKind::ALL {
        let path = schema_file(&schemas, kind);
        match read_regular_file(&path, MAX_READ_BYTES) {
            Err(ReadError::Missing) => plan.push((path, Planned::New(kind.schema_text().to_owned()))),
            Ok(bytes) if bytes == kind.schema_text().as_bytes() => kept.push(Entry {
                path,
                done: Done::Kept("up to date".to_owned()),
            }),
            Ok(_) => kept.push(Entry {
                path,
                done: Done::Kept(format!(
                    "it differs from the schema of this casebook ({}): to update it, delete it and run casebook init again, or write `casebook schema {}` into it",
                    env!("CARGO_PKG_VERSION"),
                    kind.name()
                )),
            }),
            Err(e) => kept.push(Entry {
                path,
                done: Done::Kept(format!("it cannot be read: {e}")),
            }),
        }
    }

    // VS Code's settings and recommendations.
    let vscode = workspace.join(".vscode");
    let mapping = schema_mapping(&workspace, &catalogue, &schemas);
    let wanted_settings = Json::Object(vec![("yaml.schemas".to_owned(), mapping)]);
    let wanted_extensions = Json::Object(vec![(
        "recommendations".to_owned(),
        Json::Array(vec![
            Json::String(YAML_EXTENSION_ID.to_owned()),
            Json::String(EXTENSION_ID.to_owned()),
        ]),
    )]);
    for (path, wanted, merge) in [
        (
            vscode.join("settings.json"),
            wanted_settings,
            merge_settings as fn(&mut Json, &Json) -> Merge,
        ),
        (
            vscode.join("extensions.json"),
            wanted_extensions,
            merge_extensions,
        ),
    ] {
        let lines = || {
            let pretty = wanted.to_pretty();
            // The object's inside: the lines to paste into an existing object.
            let inner: Vec<&str> = pretty.lines().collect();
            inner[1..inner.len() - 1]
                .iter()
                .map(|l| l.strip_prefix("    ").unwrap_or(l))
                .collect::<Vec<_>>()
                .join("\n")
        };
        match read_regular_file(&path, MAX_READ_BYTES) {
            Err(ReadError::Missing) => plan.push((path, Planned::New(wanted.to_pretty()))),
            Err(ReadError::Link) => return Err(InitError::Link(path)),
            Err(e) => kept.push(Entry {
                path,
                done: Done::AddYourself {
                    why: format!("it cannot be read: {e}"),
                    lines: lines(),
                },
            }),
            Ok(bytes) => {
                let parsed = std::str::from_utf8(&bytes)
                    .ok()
                    .and_then(|t| Json::parse(t).ok())
                    .filter(|j| matches!(j, Json::Object(_)));
                let Some(mut json) = parsed else {
                    kept.push(Entry {
                        path,
                        done: Done::AddYourself {
                            why: "it is not plain JSON (comments or trailing commas?), so casebook did not change it".to_owned(),
                            lines: lines(),
                        },
                    });
                    continue;
                };
                match merge(&mut json, &wanted) {
                    Merge::Added(what) => plan.push((path, Planned::Merge(json.to_pretty(), what))),
                    Merge::Nothing => kept.push(Entry {
                        path,
                        done: Done::Kept("it has everything already".to_owned()),
                    }),
                    Merge::Conflict(why) => kept.push(Entry {
                        path,
                        done: Done::AddYourself { why, lines: lines() },
                    }),
                }
            }
        }
    }

    // Nothing is written until every planned path is known to go through no link.
    for (path, _) in &plan {
        let base = [&catalogue, &workspace]
            .into_iter()
            .find(|b| path.starts_with(b))
            .cloned()
            .unwrap_or_else(|| common_ancestor(&catalogue, path));
        check_way(&base, path)?;
    }

    let mut entries = Vec::new();
    for (path, planned) in plan {
        let done = match planned {
            Planned::New(text) => {
                write_new(&path, &text)?;
                Done::Wrote
            }
            Planned::Merge(text, what) => {
                replace(&path, &text)?;
                Done::Merged(what)
            }
            Planned::Starter => match starter_from_catalogue(&catalogue, &schemas, &starter_dir) {
                Ok(text) => {
                    write_new(&path, &text)?;
                    Done::Wrote
                }
                Err(why) => Done::Kept(format!("no starter use case written: {why}")),
            },
        };
        entries.push(Entry { path, done });
    }
    entries.extend(kept);
    entries.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(InitReport {
        catalogue,
        workspace,
        workspace_from,
        entries,
        cwd,
    })
}

/// The `yaml.schemas` setting: each schema (a path from the workspace, as the YAML extension
/// reads it) mapped to the globs of its files. The YAML language server matches a glob at the
/// end of a file's path, so it works at any folder depth and needs no schema line.
pub fn schema_mapping(workspace: &Path, catalogue: &Path, schemas: &Path) -> Json {
    let prefix = match relative(workspace, catalogue) {
        rel if rel.is_empty() => String::new(),
        rel => rel + "/",
    };
    let entries = FileKind::ALL
        .into_iter()
        .map(|kind| {
            let rel = relative(workspace, &schema_file(schemas, kind));
            // `./` marks a path relative to the workspace (and never starts like the name of a
            // workspace folder, which the YAML extension would take it for).
            let key = if rel.starts_with("..") {
                rel
            } else {
                format!("./{rel}")
            };
            let globs = match kind {
                FileKind::UseCase => Json::Array(vec![
                    Json::String(format!("{prefix}use-cases/**/*.yaml")),
                    Json::String(format!("{prefix}use-cases/**/*.yml")),
                ]),
                other => Json::String(format!("{prefix}{}.yaml", other.name())),
            };
            (key, globs)
        })
        .collect();
    Json::Object(entries)
}

/// The outcome of merging keys into a settings file.
enum Merge {
    /// Keys were added: which.
    Added(String),
    /// It had them all.
    Nothing,
    /// It has the setting in a shape that cannot take ours, or maps a schema differently: why.
    Conflict(String),
}

/// Adds our `yaml.schemas` entries to `settings` (an object), keeping its own.
fn merge_settings(settings: &mut Json, wanted: &Json) -> Merge {
    let (Some(Json::Object(ours)), Json::Object(top)) = (wanted.get("yaml.schemas"), settings) else {
        unreachable!("both are objects: built by schema_mapping, parsed as one")
    };
    let Some(i) = top.iter().position(|(k, _)| k == "yaml.schemas") else {
        top.push(("yaml.schemas".to_owned(), Json::Object(ours.clone())));
        return Merge::Added(format!(
            "added `yaml.schemas` with the {} casebook schemas",
            ours.len()
        ));
    };
    let Json::Object(theirs) = &mut top[i].1 else {
        return Merge::Conflict("its `yaml.schemas` is not an object".to_owned());
    };
    let mut added = 0;
    let mut differ = Vec::new();
    for (k, v) in ours {
        match theirs.iter().find(|(t, _)| t == k) {
            None => {
                theirs.push((k.clone(), v.clone()));
                added += 1;
            }
            Some((_, tv)) if tv != v => differ.push(format!("`{k}`")),
            Some(_) => {}
        }
    }
    match (added, differ.is_empty()) {
        (0, true) => Merge::Nothing,
        (0, false) => Merge::Conflict(format!(
            "its `yaml.schemas` maps {} to other files than casebook would",
            differ.join(", ")
        )),
        (n, _) => Merge::Added(format!("added {n} casebook schemas to `yaml.schemas`")),
    }
}

/// Adds our recommendations to `extensions` (an object), keeping its own.
fn merge_extensions(extensions: &mut Json, wanted: &Json) -> Merge {
    let (Some(Json::Array(ours)), Json::Object(top)) = (wanted.get("recommendations"), extensions) else {
        unreachable!("both are objects: built by init, parsed as one")
    };
    let Some(i) = top.iter().position(|(k, _)| k == "recommendations") else {
        top.push(("recommendations".to_owned(), Json::Array(ours.clone())));
        return Merge::Added("recommends the YAML and casebook extensions".to_owned());
    };
    let Json::Array(theirs) = &mut top[i].1 else {
        return Merge::Conflict("its `recommendations` is not a list".to_owned());
    };
    let missing: Vec<Json> = ours.iter().filter(|o| !theirs.contains(o)).cloned().collect();
    if missing.is_empty() {
        return Merge::Nothing;
    }
    let names: Vec<String> = missing
        .iter()
        .filter_map(|m| match m {
            Json::String(s) => Some(format!("`{s}`")),
            _ => None,
        })
        .collect();
    theirs.extend(missing);
    Merge::Added(format!("recommends {}", names.join(" and ")))
}

/// True when `dir` holds a `.yaml` or `.yml` file at any depth (links are not followed).
fn has_use_case(dir: &Path) -> bool {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return false;
    };
    entries.filter_map(Result::ok).any(|e| {
        let path = e.path();
        match e.file_type() {
            Ok(t) if t.is_dir() => has_use_case(&path),
            Ok(t) if t.is_file() => path.extension().is_some_and(|x| x == "yaml" || x == "yml"),
            _ => false,
        }
    })
}

/// The closest folder holding both paths.
fn common_ancestor(a: &Path, b: &Path) -> PathBuf {
    a.ancestors()
        .find(|x| b.starts_with(x))
        .map(Path::to_path_buf)
        .unwrap_or_default()
}

/// Refuses when an existing entry on the way from `base` (excluded) to `path` (included) is a
/// link, or an entry before `path` is not a folder.
fn check_way(base: &Path, path: &Path) -> Result<(), InitError> {
    let Ok(rest) = path.strip_prefix(base) else {
        return Ok(());
    };
    let mut at = base.to_path_buf();
    let names: Vec<_> = rest.components().collect();
    for (i, name) in names.iter().enumerate() {
        at.push(name);
        match at.symlink_metadata() {
            Err(_) => return Ok(()), // Nothing further exists: init makes it.
            Ok(meta) if meta.file_type().is_symlink() => return Err(InitError::Link(at)),
            Ok(meta) if i + 1 < names.len() && !meta.is_dir() => {
                return Err(InitError::NotAFolder(
                    at,
                    crate::source::describe_file_type(meta.file_type()),
                ));
            }
            Ok(_) => {}
        }
    }
    Ok(())
}

/// Makes the missing folders above `path`, one at a time (never through a link: `check_way` has
/// looked, and `create_dir` does not follow one in the last place).
fn make_parents(path: &Path) -> Result<(), InitError> {
    let parent = path.parent().unwrap_or(path);
    let missing: Vec<&Path> = parent
        .ancestors()
        .take_while(|a| a.symlink_metadata().is_err())
        .collect();
    for dir in missing.into_iter().rev() {
        match std::fs::create_dir(dir) {
            Err(e) if e.kind() != std::io::ErrorKind::AlreadyExists => {
                return Err(InitError::Io {
                    what: "create",
                    path: dir.to_path_buf(),
                    source: e,
                });
            }
            _ => {}
        }
    }
    Ok(())
}

/// Writes a new file; never replaces one (nor a link put there since the check).
fn write_new(path: &Path, text: &str) -> Result<(), InitError> {
    make_parents(path)?;
    let io = |source| InitError::Io {
        what: "write",
        path: path.to_path_buf(),
        source,
    };
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)
        .map_err(io)?;
    file.write_all(text.as_bytes()).map_err(io)
}

/// Replaces the file at `path` with `text` in one rename: a reader sees the old file or the new
/// one, and a link put there since would itself be replaced, never written through.
fn replace(path: &Path, text: &str) -> Result<(), InitError> {
    let name = path.file_name().unwrap_or_default().to_string_lossy();
    let temp = path.with_file_name(format!(".{name}.casebook-{}", std::process::id()));
    write_new(&temp, text)?;
    if let Ok(meta) = std::fs::metadata(path) {
        // Keep who may read it.
        let _ = std::fs::set_permissions(&temp, meta.permissions());
    }
    std::fs::rename(&temp, path).map_err(|source| {
        let _ = std::fs::remove_file(&temp);
        InitError::Io {
            what: "replace",
            path: path.to_path_buf(),
            source,
        }
    })
}

/// The starter use case of a catalogue that has its own teams and channels (`casebook new`'s).
fn starter_from_catalogue(catalogue: &Path, schemas: &Path, dir: &Path) -> Result<String, String> {
    let checked =
        crate::check(catalogue, crate::CheckOptions { today: Date::today() }).map_err(|e| e.to_string())?;
    // The schemas may be written after the starter in this run: their place is known.
    let line = relative(dir, &schema_file(schemas, FileKind::UseCase));
    scaffold::new_use_case(
        &checked.catalogue,
        starter::USE_CASE_ID,
        starter::USE_CASE_DOMAIN,
        Some(&line),
    )
    .map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_paths_go_up_then_down() {
        let p = |s: &str| PathBuf::from(s);
        assert_eq!(
            relative(&p("/r/cat/use-cases/d"), &p("/r/schemas/use-case.schema.json")),
            "../../../schemas/use-case.schema.json"
        );
        assert_eq!(relative(&p("/r"), &p("/r/cat")), "cat");
        assert_eq!(relative(&p("/r"), &p("/r")), "");
        assert_eq!(normalise(&p("/a/b"), &p("../c/./d")), p("/a/c/d"));
    }

    #[test]
    fn the_mapping_names_the_catalogue_files_from_the_workspace() {
        let json = schema_mapping(
            Path::new("/repo"),
            Path::new("/repo/docs/catalogue"),
            Path::new("/repo/docs/catalogue/schemas"),
        );
        assert_eq!(
            json.get("./docs/catalogue/schemas/casebook.schema.json"),
            Some(&Json::String("docs/catalogue/casebook.yaml".to_owned()))
        );
        let same = schema_mapping(Path::new("/c"), Path::new("/c"), Path::new("/c/schemas"));
        assert_eq!(
            same.get("./schemas/use-case.schema.json"),
            Some(&Json::Array(vec![
                Json::String("use-cases/**/*.yaml".to_owned()),
                Json::String("use-cases/**/*.yml".to_owned())
            ]))
        );
    }
}
