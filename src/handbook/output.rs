//! The output folder of `casebook build`: which folders a build may replace, the marker with its
//! manifest, the lock, the staging folders and the atomic swap.
//!
//! The one promise: no flag ever deletes or overwrites a file casebook did not write.
//!
//! - An `--out` that is the root folder, the home folder, the current folder, the catalogue, or a
//!   parent of one of them, or that lies inside the catalogue's `use-cases/`, is refused.
//! - A folder is replaced only when it is missing, empty, or a handbook casebook wrote: it carries
//!   the marker, whose manifest lists every file and folder that build wrote. Anything else in it
//!   (a `CNAME`, notes) is *foreign*: the build refuses and names it, or with `--force` moves it
//!   into the new handbook. A non-empty folder without the marker is never replaced.
//! - The new handbook is built in a staging folder beside `--out` and swapped in with one
//!   `renameat2(RENAME_EXCHANGE)` (Linux; `renamex_np(RENAME_SWAP)` on Apple systems). Where the
//!   system or the filesystem cannot exchange, the old handbook is renamed away and the new one
//!   renamed in: two steps, with a moment in between when `--out` is missing.
//! - A lock file beside `--out` makes a second build to the same folder wait for the first. While
//!   holding it, a build removes the staging folders of builds that were killed, but only folders
//!   that carry the staging marker (written right after the folder is made) or are empty, and
//!   only when everything in them is casebook's.

use super::BuildError;
use std::collections::BTreeSet;
use std::ffi::OsString;
use std::fs::{File, OpenOptions};
use std::io::ErrorKind;
use std::path::{Component, Path, PathBuf};

/// The file that marks a folder as a handbook casebook wrote; it holds the manifest.
pub const MARKER: &str = ".casebook-handbook";

/// The file that marks a staging folder as casebook's, written right after the folder is made.
pub const STAGING_MARKER: &str = ".casebook-staging";

/// The first line of a marker that holds a manifest.
const MANIFEST_HEADER: &str = "casebook handbook manifest 1";

/// The names a staging folder holds: its marker, the book source, mdBook's output (`html`) and,
/// after a swap without exchange, the previous handbook (`previous`).
const STAGING_ENTRIES: &[&str] = &[
    STAGING_MARKER,
    "src",
    "book.toml",
    "casebook.css",
    "casebook.js",
    "html",
    "previous",
];

/// How many foreign entries a message names before "and N more".
const NAMED: usize = 10;

/// Something the build wants the user to know while it runs or once it is done.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Notice {
    /// Another build holds the lock on the same `--out`; this one waits for it.
    Waiting(PathBuf),
    /// A staging folder left by a killed build was removed.
    LeftoverRemoved(PathBuf),
    /// A staging folder left by a killed build holds files casebook did not write: it stays.
    LeftoverKept {
        /// The staging folder.
        folder: PathBuf,
        /// Its foreign entries, relative to it.
        foreign: Vec<String>,
    },
    /// Files casebook did not write were moved from the previous handbook into the new one.
    Carried(Vec<String>),
    /// The filesystem cannot lock files: concurrent builds to this `--out` are not kept apart.
    NoLock(PathBuf),
}

/// "a, b and 3 more", for messages.
pub fn name_some(entries: &[String]) -> String {
    let shown = entries.iter().take(NAMED).cloned().collect::<Vec<_>>().join(", ");
    match entries.len().checked_sub(NAMED) {
        Some(more) if more > 0 => format!("{shown} and {more} more"),
        _ => shown,
    }
}

fn io<'a>(what: &'static str, path: &'a Path) -> impl FnOnce(std::io::Error) -> BuildError + 'a {
    move |source| BuildError::Io {
        what,
        path: path.to_owned(),
        source,
    }
}

/// The output folder, resolved: an absolute path without links, `.` or `..`.
#[derive(Debug, Clone)]
pub struct Target {
    /// `--out` as the user wrote it, for messages.
    pub given: PathBuf,
    /// The resolved folder.
    pub out: PathBuf,
    /// Its parent, where staging folders and the lock file go.
    pub parent: PathBuf,
    /// Its name.
    pub name: OsString,
}

impl Target {
    fn sibling(&self, what: &str) -> String {
        format!(".{}.casebook-{what}", self.name.to_string_lossy())
    }
}

/// `path` made absolute, with links, `.` and `..` resolved: the nearest existing ancestor is
/// canonicalized, and the components below it (which do not exist, so are no links) are applied
/// to it one by one.
pub fn resolve_path(path: &Path) -> std::io::Result<PathBuf> {
    let absolute = std::path::absolute(path)?;
    let components: Vec<Component> = absolute.components().collect();
    for existing in (1..=components.len()).rev() {
        let head: PathBuf = components[..existing].iter().collect();
        let Ok(mut resolved) = head.canonicalize() else {
            continue;
        };
        for c in &components[existing..] {
            match c {
                Component::Normal(name) => resolved.push(name),
                Component::ParentDir => {
                    resolved.pop();
                }
                _ => {}
            }
        }
        return Ok(resolved);
    }
    Err(std::io::Error::new(
        ErrorKind::NotFound,
        "no part of the path exists",
    ))
}

/// Resolves `--out` and refuses the folders a handbook must never replace. `catalogue` is the
/// catalogue's folder, when known.
pub fn target(given: &Path, catalogue: Option<&Path>) -> Result<Target, BuildError> {
    let refuse = |what: &str| BuildError::Protected {
        out: given.to_owned(),
        what: what.to_owned(),
    };
    let out = resolve_path(given).map_err(io("resolve", given))?;
    let (Some(parent), Some(name)) = (out.parent(), out.file_name()) else {
        return Err(refuse("the root folder"));
    };
    let mut protected = Vec::new();
    if let Ok(cwd) = std::env::current_dir() {
        protected.push((cwd, "the current folder"));
    }
    let home = std::env::var_os("HOME").or_else(|| std::env::var_os("USERPROFILE"));
    if let Some(home) = home.filter(|h| !h.is_empty()) {
        protected.push((PathBuf::from(home), "the home folder"));
    }
    if let Some(catalogue) = catalogue {
        protected.push((catalogue.to_owned(), "the catalogue"));
    }
    for (folder, what) in protected {
        let Ok(folder) = resolve_path(&folder) else {
            continue;
        };
        if folder == out {
            return Err(refuse(what));
        }
        if folder.starts_with(&out) {
            return Err(refuse(&format!("a parent of {what} ({})", folder.display())));
        }
    }
    if let Some(catalogue) = catalogue
        && let Ok(use_cases) = resolve_path(&catalogue.join("use-cases"))
        && out.starts_with(&use_cases)
    {
        return Err(refuse(
            "inside the catalogue's use-cases folder, where the handbook's files would be read as stray files",
        ));
    }
    Ok(Target {
        given: given.to_owned(),
        parent: parent.to_owned(),
        name: name.to_owned(),
        out,
    })
}

/// What is at `--out` now.
#[derive(Debug)]
pub enum State {
    /// Nothing.
    Missing,
    /// An empty folder.
    Empty,
    /// A handbook casebook wrote, with the entries in it that its manifest does not list.
    Handbook {
        /// Foreign entries, relative paths with `/`, folders ending in `/`.
        foreign: Vec<String>,
    },
}

/// Looks at `--out`; refuses a file, a link that leads nowhere, a non-empty folder without the
/// marker, and a marker without a manifest. Without `walk`, a handbook's foreign entries are not
/// looked for (before taking the lock: another build may be swapping the folder).
pub fn inspect(target: &Target, walk: bool) -> Result<State, BuildError> {
    let out = &target.out;
    let meta = match std::fs::symlink_metadata(out) {
        Err(e) if e.kind() == ErrorKind::NotFound => return Ok(State::Missing),
        Err(e) => return Err(io("read", out)(e)),
        Ok(meta) => meta,
    };
    if meta.is_symlink() {
        return Err(BuildError::NotAFolder(
            target.given.clone(),
            "a link that leads nowhere",
        ));
    }
    if !meta.is_dir() {
        return Err(BuildError::NotAFolder(target.given.clone(), "a file"));
    }
    match manifest(out)? {
        Some(Some(listed)) => Ok(State::Handbook {
            foreign: match walk {
                true => foreign_entries(out, &listed)?,
                false => Vec::new(),
            },
        }),
        Some(None) => Err(BuildError::NoManifest(target.given.clone())),
        None if std::fs::read_dir(out).map_err(io("read", out))?.next().is_none() => Ok(State::Empty),
        None => Err(BuildError::NotOurs(target.given.clone())),
    }
}

/// The manifest in `dir`'s marker: `None` without a marker (a regular file), `Some(None)` for a
/// marker without a manifest (written by casebook before 0.2, or by hand).
fn manifest(dir: &Path) -> Result<Option<Option<BTreeSet<String>>>, BuildError> {
    let path = dir.join(MARKER);
    match std::fs::symlink_metadata(&path) {
        Err(e) if e.kind() == ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(io("read", &path)(e)),
        Ok(meta) if !meta.is_file() => return Ok(None),
        Ok(_) => {}
    }
    let text = std::fs::read_to_string(&path).map_err(io("read", &path))?;
    let mut lines = text.lines();
    if lines.next() != Some(MANIFEST_HEADER) {
        return Ok(Some(None));
    }
    Ok(Some(Some(
        lines
            .filter(|l| !l.is_empty() && !l.starts_with('#'))
            .map(str::to_owned)
            .collect(),
    )))
}

/// The entries below `dir` that `listed` does not name, topmost only (a foreign folder is named,
/// not what it holds), sorted. The marker at the top is the handbook's own.
fn foreign_entries(dir: &Path, listed: &BTreeSet<String>) -> Result<Vec<String>, BuildError> {
    let mut foreign = Vec::new();
    let mut stack = vec![(dir.to_owned(), String::new())];
    while let Some((folder, prefix)) = stack.pop() {
        for entry in std::fs::read_dir(&folder).map_err(io("read", &folder))? {
            let entry = entry.map_err(io("read", &folder))?;
            let kind = entry.file_type().map_err(io("read", &entry.path()))?;
            let Some(name) = entry.file_name().to_str().map(str::to_owned) else {
                foreign.push(format!("{prefix}{}", entry.file_name().to_string_lossy()));
                continue;
            };
            let rel = format!("{prefix}{name}");
            if kind.is_dir() && listed.contains(&format!("{rel}/")) {
                stack.push((entry.path(), format!("{rel}/")));
            } else if kind.is_file() && (listed.contains(&rel) || rel == MARKER) {
            } else if kind.is_dir() {
                foreign.push(format!("{rel}/"));
            } else {
                foreign.push(rel);
            }
        }
    }
    foreign.sort();
    Ok(foreign)
}

/// Every entry below `dir`, sorted: files by relative path, folders with a trailing `/`.
fn entries(dir: &Path) -> Result<Vec<String>, BuildError> {
    let mut all = Vec::new();
    let mut stack = vec![(dir.to_owned(), String::new())];
    while let Some((folder, prefix)) = stack.pop() {
        for entry in std::fs::read_dir(&folder).map_err(io("read", &folder))? {
            let entry = entry.map_err(io("read", &folder))?;
            let rel = format!("{prefix}{}", entry.file_name().to_string_lossy());
            if entry.file_type().map_err(io("read", &entry.path()))?.is_dir() {
                all.push(format!("{rel}/"));
                stack.push((entry.path(), format!("{rel}/")));
            } else {
                all.push(rel);
            }
        }
    }
    all.sort();
    Ok(all)
}

/// Writes the marker of the finished handbook in `dir`: what it is, and the manifest of every
/// file and folder in it.
pub fn write_marker(dir: &Path) -> Result<(), BuildError> {
    let mut text = format!(
        "{MANIFEST_HEADER}\n\
         # This folder was written by `casebook build`. The next build replaces the files and\n\
         # folders listed below. It never deletes anything else: it refuses, or with --force\n\
         # moves those files into the new handbook.\n"
    );
    for entry in entries(dir)? {
        text.push_str(&entry);
        text.push('\n');
    }
    let path = dir.join(MARKER);
    std::fs::write(&path, text).map_err(io("write", &path))
}

/// The lock on an `--out`, held for a whole build; released (and its file removed) on drop.
#[derive(Debug)]
pub struct Lock {
    file: Option<File>,
    path: PathBuf,
}

/// Takes the lock on `target`: the file `.NAME.casebook-lock` beside it. When another build holds
/// it, says so and waits until that build ends (a killed build releases it too).
pub fn lock(target: &Target, notice: &mut dyn FnMut(Notice)) -> Result<Lock, BuildError> {
    let path = target.parent.join(target.sibling("lock"));
    let mut told = false;
    loop {
        let file = OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(&path)
            .map_err(io("create", &path))?;
        match file.try_lock() {
            Ok(()) => {}
            Err(std::fs::TryLockError::WouldBlock) => {
                if !told {
                    notice(Notice::Waiting(target.given.clone()));
                    told = true;
                }
                file.lock().map_err(io("lock", &path))?;
            }
            Err(std::fs::TryLockError::Error(e)) if e.kind() == ErrorKind::Unsupported => {
                notice(Notice::NoLock(target.given.clone()));
                return Ok(Lock { file: None, path });
            }
            Err(std::fs::TryLockError::Error(e)) => return Err(io("lock", &path)(e)),
        }
        // The build that held the lock removes the file before releasing it; if this handle is
        // to that removed file, lock the one at the path now.
        if same_file(&file, &path) {
            return Ok(Lock {
                file: Some(file),
                path,
            });
        }
    }
}

#[cfg(unix)]
fn same_file(file: &File, path: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    match (file.metadata(), std::fs::metadata(path)) {
        (Ok(a), Ok(b)) => a.dev() == b.dev() && a.ino() == b.ino(),
        _ => false,
    }
}

#[cfg(not(unix))]
fn same_file(_: &File, _: &Path) -> bool {
    true
}

impl Lock {
    /// False where the filesystem cannot lock: another build may be running.
    pub fn held(&self) -> bool {
        self.file.is_some()
    }
}

impl Drop for Lock {
    fn drop(&mut self) {
        // Removed while still held, and only where a waiting build can tell it was (unix), and
        // only when empty: casebook never writes into it, so a non-empty one is not its own.
        if let Some(file) = &self.file
            && cfg!(unix)
            && file.metadata().is_ok_and(|m| m.len() == 0)
        {
            let _ = std::fs::remove_file(&self.path);
        }
    }
}

/// Removes staging folders that killed builds left beside `target`: those that carry the
/// staging marker or are empty, and hold nothing casebook did not write.
pub fn remove_leftovers(target: &Target, notice: &mut dyn FnMut(Notice)) -> Result<(), BuildError> {
    let prefix = target.sibling("staging-");
    let parent = &target.parent;
    let mut found = Vec::new();
    for entry in std::fs::read_dir(parent).map_err(io("read", parent))? {
        let entry = entry.map_err(io("read", parent))?;
        // `.NAME.casebook-staging-PID` or `-PID-N`: not the staging of an --out whose name
        // happens to begin with this one's.
        let staging_name = entry
            .file_name()
            .to_str()
            .and_then(|n| n.strip_prefix(&prefix))
            .is_some_and(|rest| !rest.is_empty() && rest.bytes().all(|b| b.is_ascii_digit() || b == b'-'));
        if staging_name && entry.file_type().is_ok_and(|t| t.is_dir()) {
            found.push(entry.path());
        }
    }
    found.sort();
    for folder in found {
        match remove_staging(&folder) {
            Ok(Removal::Removed) => notice(Notice::LeftoverRemoved(folder)),
            Ok(Removal::Kept(foreign)) => notice(Notice::LeftoverKept { folder, foreign }),
            Ok(Removal::NotStaging) => {}
            Err(e) => return Err(e),
        }
    }
    Ok(())
}

/// What became of a staging folder.
#[derive(Debug)]
enum Removal {
    Removed,
    /// It holds entries casebook did not write, named relative to it.
    Kept(Vec<String>),
    /// No staging marker, not empty: not provably casebook's, left alone.
    NotStaging,
}

/// Removes a staging folder when everything in it is casebook's: its own entries, and in `html`
/// and `previous` what their manifest lists (`html` without a marker is mdBook's unfinished output).
fn remove_staging(folder: &Path) -> Result<Removal, BuildError> {
    let marked = std::fs::symlink_metadata(folder.join(STAGING_MARKER)).is_ok_and(|m| m.is_file());
    let mut names = Vec::new();
    for entry in std::fs::read_dir(folder).map_err(io("read", folder))? {
        names.push(entry.map_err(io("read", folder))?.file_name());
    }
    if !marked && !names.is_empty() {
        return Ok(Removal::NotStaging);
    }
    let mut foreign = Vec::new();
    for name in names {
        let name = name.to_string_lossy().into_owned();
        if !STAGING_ENTRIES.contains(&name.as_str()) {
            foreign.push(name);
            continue;
        }
        let path = folder.join(&name);
        let is_dir = std::fs::symlink_metadata(&path).is_ok_and(|m| m.is_dir());
        if (name == "html" || name == "previous") && is_dir {
            match manifest(&path)? {
                Some(Some(listed)) => {
                    let inside = foreign_entries(&path, &listed)?;
                    foreign.extend(inside.into_iter().map(|e| format!("{name}/{e}")));
                }
                None if name == "html" => {}
                _ if std::fs::read_dir(&path)
                    .map_err(io("read", &path))?
                    .next()
                    .is_none() => {}
                _ => foreign.push(format!("{name}/")),
            }
        }
    }
    if !foreign.is_empty() {
        foreign.sort();
        return Ok(Removal::Kept(foreign));
    }
    std::fs::remove_dir_all(folder).map_err(io("remove", folder))?;
    Ok(Removal::Removed)
}

/// A staging folder beside `--out`, made by this build and marked right away. Dropped, it is
/// removed if everything in it is still casebook's.
#[derive(Debug)]
pub struct Staging {
    /// The folder.
    pub path: PathBuf,
}

impl Staging {
    /// Makes a new staging folder beside `target`.
    pub fn create(target: &Target) -> Result<Staging, BuildError> {
        let base = target.sibling(&format!("staging-{}", std::process::id()));
        for attempt in 0u32.. {
            let name = match attempt {
                0 => base.clone(),
                n => format!("{base}-{n}"),
            };
            let path = target.parent.join(name);
            match std::fs::create_dir(&path) {
                Ok(()) => {
                    let staging = Staging { path };
                    let marker = staging.path.join(STAGING_MARKER);
                    std::fs::write(
                        &marker,
                        "A folder where `casebook build` writes a handbook before it replaces the previous one.\n",
                    )
                    .map_err(io("write", &marker))?;
                    return Ok(staging);
                }
                Err(e) if e.kind() == ErrorKind::AlreadyExists && attempt < 100 => {}
                Err(e) => return Err(io("create", &path)(e)),
            }
        }
        unreachable!("the loop returns")
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.path.as_os_str().is_empty() && self.path.exists() {
            let _ = remove_staging(&self.path);
        }
    }
}

/// Replaces `--out` with the finished handbook `new` (in `staging`), in the state `state` found
/// just before. Foreign entries of the previous handbook (`force` must allow them) are moved into
/// the new one. Returns the entries moved.
pub fn swap(
    target: &Target,
    staging: &Staging,
    new: &Path,
    state: &State,
    force: bool,
) -> Result<Vec<String>, BuildError> {
    let out = &target.out;
    let carried = match state {
        State::Handbook { foreign } if !foreign.is_empty() => {
            if !force {
                return Err(BuildError::Foreign {
                    out: target.given.clone(),
                    entries: foreign.clone(),
                });
            }
            prepare_carry(target, new, foreign)?;
            foreign.clone()
        }
        _ => Vec::new(),
    };
    write_marker(new)?;
    let previous = match state {
        // Renaming onto an empty folder replaces it in one step; should someone have put a file
        // in it meanwhile, the rename fails and nothing is lost.
        State::Missing | State::Empty => {
            std::fs::rename(new, out).map_err(io("rename the new handbook to", out))?;
            None
        }
        State::Handbook { .. } => Some(exchange(new, out, &staging.path.join("previous"))?),
    };
    if let Some(previous) = previous {
        for entry in &carried {
            let rel = entry.trim_end_matches('/');
            let from = previous.join(rel);
            let to = out.join(rel);
            std::fs::rename(&from, &to).map_err(|source| BuildError::CarryFailed {
                entry: entry.clone(),
                kept: from.clone(),
                source,
            })?;
        }
    }
    Ok(carried)
}

/// Checks that the foreign entries of the previous handbook can move into `new` without replacing
/// anything, and makes the folders they need there (so the manifest lists them).
fn prepare_carry(target: &Target, new: &Path, foreign: &[String]) -> Result<(), BuildError> {
    let collision = |entry: &str| BuildError::Collision {
        out: target.given.clone(),
        entry: entry.to_owned(),
    };
    for entry in foreign {
        let rel = Path::new(entry.trim_end_matches('/'));
        if std::fs::symlink_metadata(new.join(rel)).is_ok() {
            return Err(collision(entry));
        }
        let mut folder = new.to_owned();
        for c in rel.parent().into_iter().flat_map(Path::components) {
            folder.push(c);
            match std::fs::symlink_metadata(&folder) {
                Ok(m) if m.is_dir() => {}
                Ok(_) => return Err(collision(entry)),
                Err(_) => std::fs::create_dir(&folder).map_err(io("create", &folder))?,
            }
        }
    }
    Ok(())
}

/// Puts `new` at `out` and returns where the previous `out` went: one atomic exchange where the
/// system and filesystem can, else `out` is renamed to `aside` and `new` renamed in.
fn exchange(new: &Path, out: &Path, aside: &Path) -> Result<PathBuf, BuildError> {
    exchange_or_rename(new, out, aside, true)
}

fn exchange_or_rename(new: &Path, out: &Path, aside: &Path, atomic: bool) -> Result<PathBuf, BuildError> {
    #[cfg(any(target_os = "linux", target_os = "android", target_vendor = "apple"))]
    if atomic {
        use rustix::fs::{CWD, RenameFlags, renameat_with};
        match renameat_with(CWD, new, CWD, out, RenameFlags::EXCHANGE) {
            Ok(()) => return Ok(new.to_owned()),
            // The kernel or the filesystem cannot exchange: fall back to two renames.
            Err(e)
                if [
                    rustix::io::Errno::INVAL,
                    rustix::io::Errno::NOSYS,
                    rustix::io::Errno::OPNOTSUPP,
                ]
                .contains(&e) => {}
            Err(e) => return Err(io("replace", out)(e.into())),
        }
    }
    std::fs::rename(out, aside).map_err(io("move aside", out))?;
    std::fs::rename(new, out).map_err(io("rename the new handbook to", out))?;
    Ok(aside.to_owned())
}

impl Staging {
    /// Removes the staging folder once the handbook is in place; a folder that still holds
    /// something casebook did not write stays, and is named in a notice.
    pub fn finish(mut self, notice: &mut dyn FnMut(Notice)) -> Result<(), BuildError> {
        let folder = std::mem::take(&mut self.path);
        if let Removal::Kept(foreign) = remove_staging(&folder)? {
            notice(Notice::LeftoverKept { folder, foreign });
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(path: &Path, text: &str) {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }

    #[test]
    fn paths_that_do_not_exist_yet_are_resolved_below_their_nearest_existing_folder() {
        let dir = tempfile::tempdir().unwrap();
        let base = dir.path().canonicalize().unwrap();
        std::fs::create_dir_all(base.join("a/b")).unwrap();
        assert_eq!(
            resolve_path(&base.join("a/b/new/deeper")).unwrap(),
            base.join("a/b/new/deeper")
        );
        // `..` below a missing folder climbs back up: `a/missing/../..` is the base itself.
        assert_eq!(resolve_path(&base.join("a/missing/../..")).unwrap(), base);
        assert_eq!(resolve_path(&base.join("a/./b/../b")).unwrap(), base.join("a/b"));
        #[cfg(unix)]
        {
            std::os::unix::fs::symlink(base.join("a/b"), base.join("link")).unwrap();
            assert_eq!(
                resolve_path(&base.join("link/new")).unwrap(),
                base.join("a/b/new")
            );
        }
    }

    #[test]
    fn foreign_entries_are_what_the_manifest_does_not_list_topmost_first() {
        let dir = tempfile::tempdir().unwrap();
        let book = dir.path();
        write(&book.join("index.html"), "page");
        write(&book.join("css/site.css"), "css");
        write(&book.join("css/mine.css"), "mine");
        write(&book.join("notes/a/b.txt"), "mine");
        write(&book.join("CNAME"), "mine");
        write_marker(book).unwrap();
        assert_eq!(
            manifest(book).unwrap(),
            Some(Some(
                [
                    "CNAME",
                    "css/",
                    "css/mine.css",
                    "css/site.css",
                    "index.html",
                    "notes/",
                    "notes/a/",
                    "notes/a/b.txt"
                ]
                .map(String::from)
                .into_iter()
                .collect()
            ))
        );
        let listed: BTreeSet<String> = ["css/", "css/site.css", "index.html"]
            .map(String::from)
            .into_iter()
            .collect();
        assert_eq!(
            foreign_entries(book, &listed).unwrap(),
            ["CNAME", "css/mine.css", "notes/"]
        );
    }

    #[test]
    fn without_exchange_the_old_folder_is_renamed_aside_and_the_new_one_in() {
        for atomic in [false, true] {
            let dir = tempfile::tempdir().unwrap();
            let (new, out, aside) = (
                dir.path().join("new"),
                dir.path().join("out"),
                dir.path().join("aside"),
            );
            write(&new.join("index.html"), "new");
            write(&out.join("index.html"), "old");
            let previous = exchange_or_rename(&new, &out, &aside, atomic).unwrap();
            assert_eq!(std::fs::read_to_string(out.join("index.html")).unwrap(), "new");
            assert_eq!(
                std::fs::read_to_string(previous.join("index.html")).unwrap(),
                "old"
            );
        }
    }

    #[test]
    fn long_lists_are_cut_in_messages() {
        let many: Vec<String> = (0..13).map(|i| format!("f{i}")).collect();
        assert_eq!(name_some(&many[..2]), "f0, f1");
        assert!(name_some(&many).ends_with("f9 and 3 more"));
    }
}
