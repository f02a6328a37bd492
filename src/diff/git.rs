//! Reading a catalogue as it was in a git revision, without a checkout and without the network.
//!
//! This runs the `git` command rather than linking a git library (gix, git2): every repository
//! that casebook can meet is one the user's own git reads (its object formats, packs, alternates,
//! worktrees, `safe.directory` and partial-clone settings), the command is on every CI runner,
//! and it adds no dependency (gix would add more than a hundred crates, git2 a C library). Three
//! plumbing commands do it, each with a stable, machine-readable output:
//!
//! - `git rev-parse --show-toplevel --show-prefix` where the catalogue is (or the nearest folder
//!   above it that exists): the repository and the catalogue's path inside it;
//! - `git rev-parse --verify REV^{commit}`: the commit, or a clear "no such revision";
//! - `git ls-tree -r -z REV -- PATH` then `git cat-file --batch`: every entry below the
//!   catalogue's path and the blobs' bytes.
//!
//! The repository is always the one the catalogue folder is in: `GIT_DIR`, `GIT_WORK_TREE`
//! and the like, which git exports to its hooks, are not passed on.
//!
//! The blobs are written into a private temporary folder that [`Materialized`] creates (mode
//! 0700, a fresh name, created with `mkdir`, which fails rather than reuse a folder) and removes
//! when dropped, deleting only the files and folders it wrote there. The normal loader then reads
//! that folder, so every rule of the loader holds for a revision too. Links are never written:
//! a tree entry that is a symbolic link (mode 120000) or a submodule (160000) is skipped and
//! listed in [`Materialized::skipped`]. Every path is checked before it is joined to the folder:
//! no empty, `.` or `..` part, not absolute. Git never fetches during the read
//! (`GIT_NO_LAZY_FETCH`: a partial clone lacking a blob fails instead of reaching the network).

use std::ffi::OsString;
use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// Why a revision could not be read (exit status 2).
#[derive(Debug, thiserror::Error)]
pub enum GitError {
    /// The `git` program could not be started.
    #[error("cannot run `git` ({0}): casebook diff needs git installed and on the PATH to read revisions")]
    NotInstalled(std::io::Error),
    /// The catalogue folder is not inside a git repository.
    #[error("{path} is not inside a git repository, so no revision of it can be read{detail}")]
    NotARepository {
        /// The catalogue folder.
        path: String,
        /// git's own words, after a colon.
        detail: String,
    },
    /// The revision does not name a commit of the repository.
    #[error("no revision `{rev}` in the repository at {repo}{detail}")]
    NoSuchRevision {
        /// The revision as given.
        rev: String,
        /// The repository's root.
        repo: String,
        /// git's own words, or a hint.
        detail: String,
    },
    /// The revision has no catalogue at the catalogue's path.
    #[error("revision `{rev}` has no catalogue at `{path}` (no casebook.yaml there{detail})")]
    NoCatalogue {
        /// The revision as given.
        rev: String,
        /// The catalogue's path inside the repository.
        path: String,
        /// What stands there instead, if anything.
        detail: String,
    },
    /// A git command failed.
    #[error("`git {command}` failed: {stderr}")]
    Failed {
        /// The command's arguments.
        command: String,
        /// What git printed on its standard error.
        stderr: String,
    },
    /// Reading git's output or writing the temporary folder failed.
    #[error("{what}")]
    Io {
        /// What was being done.
        what: String,
        /// Why it failed.
        source: std::io::Error,
    },
}

/// The git repository a catalogue folder is in.
#[derive(Clone, Debug)]
pub struct Repository {
    /// The repository's root (the work tree's top folder).
    pub root: PathBuf,
    /// The catalogue's path inside the repository, `/`-separated, without a trailing `/`; empty
    /// when the catalogue is the repository's root.
    pub prefix: String,
}

/// An entry of the revision that was not written: a link or a submodule, which casebook never
/// follows, or a path that cannot be a safe file name.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Skipped {
    /// The path relative to the catalogue (lossy when not UTF-8).
    pub path: String,
    /// Why: `a symbolic link`, `a submodule`, `an unsafe path`, `nested too deeply`.
    pub why: &'static str,
}

/// A revision's catalogue, written to a private temporary folder that is removed on drop.
#[derive(Debug)]
pub struct Materialized {
    /// The full commit id.
    pub commit: String,
    /// The entries that were not written, sorted by path.
    pub skipped: Vec<Skipped>,
    folder: PrivateFolder,
}

impl Materialized {
    /// The catalogue folder to load.
    pub fn path(&self) -> &Path {
        &self.folder.root
    }
}

/// Entries nested deeper than this below the catalogue are skipped (the loader reads 16 levels
/// under use-cases/ and reports the folder where it stops, which is still written).
const MAX_DEPTH: usize = 40;

/// A blob larger than this is written as a sparse file of its size, without its bytes: the
/// loader refuses any file above its cap from the size alone.
const MAX_BLOB_BYTES: u64 = crate::load::yaml::MAX_FILE_BYTES;

/// Variables that would make git read another repository than the one the catalogue is in:
/// git exports them to its hooks (often relative to the hook's folder, not the catalogue's).
const REPOSITORY_VARIABLES: [&str; 4] = ["GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE", "GIT_PREFIX"];

fn git(dir: &Path) -> Command {
    let mut cmd = Command::new("git");
    for var in REPOSITORY_VARIABLES {
        cmd.env_remove(var);
    }
    cmd.current_dir(dir)
        .env("GIT_NO_LAZY_FETCH", "1")
        .env("GIT_TERMINAL_PROMPT", "0")
        .env("GIT_LITERAL_PATHSPECS", "1")
        .stdin(Stdio::null());
    cmd
}

/// Runs `git ARGS` in `dir` and returns its standard output, or its standard error as the error.
fn run(dir: &Path, args: &[&str]) -> Result<Result<Vec<u8>, String>, GitError> {
    let out = git(dir).args(args).output().map_err(GitError::NotInstalled)?;
    if out.status.success() {
        Ok(Ok(out.stdout))
    } else {
        Ok(Err(String::from_utf8_lossy(&out.stderr).trim().to_owned()))
    }
}

fn failed(args: &[&str], stderr: String) -> GitError {
    GitError::Failed {
        command: args.join(" "),
        stderr,
    }
}

impl Repository {
    /// Finds the repository of the catalogue folder `catalogue` (which need not exist: the
    /// nearest folder above it that does is asked, and the rest of the path appended).
    pub fn discover(catalogue: &Path) -> Result<Repository, GitError> {
        let absolute = std::path::absolute(catalogue).map_err(|source| GitError::Io {
            what: format!("cannot resolve {}", catalogue.display()),
            source,
        })?;
        let mut existing = absolute.as_path();
        let mut rest: Vec<String> = Vec::new();
        while !existing.is_dir() {
            match (existing.parent(), existing.file_name()) {
                (Some(parent), Some(name)) => {
                    rest.push(name.to_string_lossy().into_owned());
                    existing = parent;
                }
                _ => break,
            }
        }
        rest.reverse();
        let args = ["rev-parse", "--show-toplevel", "--show-prefix"];
        let out = run(existing, &args)?.map_err(|stderr| GitError::NotARepository {
            path: catalogue.display().to_string(),
            detail: if stderr.is_empty() {
                String::new()
            } else {
                format!(": {stderr}")
            },
        })?;
        let text = String::from_utf8_lossy(&out);
        let mut lines = text.lines();
        let root = lines.next().unwrap_or_default().to_owned();
        if root.is_empty() {
            return Err(GitError::NotARepository {
                path: catalogue.display().to_string(),
                detail: ": it has no work tree".to_owned(),
            });
        }
        let mut parts: Vec<String> = lines
            .next()
            .unwrap_or_default()
            .split('/')
            .filter(|p| !p.is_empty())
            .map(str::to_owned)
            .collect();
        for part in rest {
            match part.as_str() {
                "." => {}
                ".." => {
                    parts.pop();
                }
                _ => parts.push(part),
            }
        }
        Ok(Repository {
            root: PathBuf::from(root),
            prefix: parts.join("/"),
        })
    }

    /// The full id of the commit `rev` names.
    pub fn commit(&self, rev: &str) -> Result<String, GitError> {
        let no_such = |detail: String| GitError::NoSuchRevision {
            rev: rev.to_owned(),
            repo: self.root.display().to_string(),
            detail,
        };
        if rev.is_empty() || rev.starts_with('-') {
            return Err(no_such(
                ": a revision cannot be empty or start with `-`".to_owned(),
            ));
        }
        let spec = format!("{rev}^{{commit}}");
        let out = run(&self.root, &["rev-parse", "--verify", "--quiet", &spec])?.map_err(|_| {
            no_such(
                " (in a shallow CI checkout, fetch it first, e.g. `git fetch --depth=1 origin main`)"
                    .to_owned(),
            )
        })?;
        Ok(String::from_utf8_lossy(&out).trim().to_owned())
    }

    /// Writes the catalogue as it is in `rev` into a new private temporary folder.
    pub fn materialize(&self, rev: &str) -> Result<Materialized, GitError> {
        let commit = self.commit(rev)?;
        let pathspec = if self.prefix.is_empty() {
            "."
        } else {
            self.prefix.as_str()
        };
        let args = ["ls-tree", "-r", "-z", "--full-tree", &commit, "--", pathspec];
        let listing = run(&self.root, &args)?.map_err(|e| failed(&args, e))?;
        let strip = if self.prefix.is_empty() {
            String::new()
        } else {
            format!("{}/", self.prefix)
        };
        let mut blobs: Vec<(Vec<OsString>, String)> = Vec::new();
        let mut skipped = Vec::new();
        let mut casebook_yaml: Option<&'static str> = None;
        for record in listing.split(|&b| b == 0).filter(|r| !r.is_empty()) {
            let Some(entry) = Entry::parse(record) else {
                return Err(failed(&args, "unexpected output".to_owned()));
            };
            let Some(rel) = entry.path.strip_prefix(strip.as_bytes()) else {
                continue; // `ls-tree` only lists what is below the prefix; be strict anyway.
            };
            let shown = String::from_utf8_lossy(rel).into_owned();
            let what = match entry.mode {
                "120000" => Some("a symbolic link"),
                "160000" => Some("a submodule"),
                _ if entry.kind != "blob" => Some("not a file"),
                _ => None,
            };
            if shown == "casebook.yaml" {
                casebook_yaml = Some(what.unwrap_or("file"));
            }
            if let Some(why) = what {
                skipped.push(Skipped { path: shown, why });
                continue;
            }
            match safe_parts(rel) {
                Ok(parts) => blobs.push((parts, entry.object.to_owned())),
                Err(why) => skipped.push(Skipped { path: shown, why }),
            }
        }
        match casebook_yaml {
            Some("file") => {}
            other => {
                return Err(GitError::NoCatalogue {
                    rev: rev.to_owned(),
                    path: if self.prefix.is_empty() {
                        ".".to_owned()
                    } else {
                        self.prefix.clone()
                    },
                    detail: match other {
                        Some(what) => format!(": casebook.yaml is {what}, which casebook does not follow"),
                        None => String::new(),
                    },
                });
            }
        }
        skipped.sort_by(|a, b| a.path.cmp(&b.path));
        let mut folder = PrivateFolder::create()?;
        write_blobs(&self.root, &mut folder, &blobs)?;
        Ok(Materialized {
            commit,
            skipped,
            folder,
        })
    }
}

/// One record of `git ls-tree -z`: `<mode> SP <type> SP <object> TAB <path>`.
struct Entry<'a> {
    mode: &'a str,
    kind: &'a str,
    object: &'a str,
    path: &'a [u8],
}

impl<'a> Entry<'a> {
    fn parse(record: &'a [u8]) -> Option<Entry<'a>> {
        let tab = record.iter().position(|&b| b == b'\t')?;
        let head = std::str::from_utf8(&record[..tab]).ok()?;
        let mut fields = head.split(' ');
        let (mode, kind, object) = (fields.next()?, fields.next()?, fields.next()?);
        let object_ok = !object.is_empty() && object.bytes().all(|b| b.is_ascii_hexdigit());
        (fields.next().is_none() && object_ok).then_some(Entry {
            mode,
            kind,
            object,
            path: &record[tab + 1..],
        })
    }
}

/// The parts of a path from the tree, when it is safe to join below the folder: relative, no
/// empty, `.` or `..` part, no NUL, and at most [`MAX_DEPTH`] parts.
fn safe_parts(path: &[u8]) -> Result<Vec<OsString>, &'static str> {
    if path.is_empty() || path.starts_with(b"/") {
        return Err("an unsafe path");
    }
    let parts: Vec<&[u8]> = path.split(|&b| b == b'/').collect();
    if parts.len() > MAX_DEPTH {
        return Err("nested too deeply");
    }
    let mut out = Vec::with_capacity(parts.len());
    for part in parts {
        if part.is_empty() || part == b"." || part == b".." || part.contains(&0) {
            return Err("an unsafe path");
        }
        match os_name(part) {
            Some(name) => out.push(name),
            None => return Err("an unsafe path"),
        }
    }
    Ok(out)
}

/// A path part as a file name: its bytes as they are on Unix; elsewhere only UTF-8 without the
/// separators and drive marks of Windows.
#[cfg(unix)]
fn os_name(part: &[u8]) -> Option<OsString> {
    use std::os::unix::ffi::OsStrExt;
    Some(std::ffi::OsStr::from_bytes(part).to_owned())
}

#[cfg(not(unix))]
fn os_name(part: &[u8]) -> Option<OsString> {
    let name = std::str::from_utf8(part).ok()?;
    (!name.contains(['\\', ':'])).then(|| OsString::from(name))
}

/// Reads every blob through one `git cat-file --batch` and writes it below the folder.
fn write_blobs(
    repo: &Path,
    folder: &mut PrivateFolder,
    blobs: &[(Vec<OsString>, String)],
) -> Result<(), GitError> {
    let args = ["cat-file", "--batch"];
    let mut child = git(repo)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(GitError::NotInstalled)?;
    let mut stdin = child.stdin.take().expect("piped");
    let ids: Vec<String> = blobs.iter().map(|(_, id)| id.clone()).collect();
    // Written from another thread, so that neither side waits on a full pipe.
    let writer = std::thread::spawn(move || -> std::io::Result<()> {
        for id in ids {
            writeln!(stdin, "{id}")?;
        }
        Ok(())
    });
    let io = |what: &str| {
        let what = what.to_owned();
        move |source| GitError::Io { what, source }
    };
    let mut reader = BufReader::new(child.stdout.take().expect("piped"));
    let mut result = Ok(());
    for (parts, id) in blobs {
        let mut header = String::new();
        if let Err(e) = reader.read_line(&mut header) {
            result = Err(io("cannot read the output of `git cat-file`")(e));
            break;
        }
        let fields: Vec<&str> = header.split_whitespace().collect();
        let size = match fields.as_slice() {
            [oid, "blob", size] if oid == id => size.parse::<u64>().ok(),
            _ => None,
        };
        let Some(size) = size else {
            result = Err(failed(&args, format!("no blob {id}: {}", header.trim())));
            break;
        };
        if let Err(e) = folder.write_file(parts, &mut (&mut reader).take(size), size) {
            result = Err(e);
            break;
        }
        let mut newline = [0u8; 1];
        if let Err(e) = reader.read_exact(&mut newline) {
            result = Err(io("cannot read the output of `git cat-file`")(e));
            break;
        }
    }
    drop(reader);
    let _ = writer.join();
    let status = child.wait().map_err(io("cannot wait for `git cat-file`"))?;
    if result.is_ok() && !status.success() {
        let mut stderr = String::new();
        if let Some(mut e) = child.stderr.take() {
            let _ = e.read_to_string(&mut stderr);
        }
        return Err(failed(&args, stderr.trim().to_owned()));
    }
    result
}

/// A temporary folder this process created, and the list of what it wrote there: removal
/// deletes exactly those files and folders, deepest first, and leaves anything else.
#[derive(Debug)]
struct PrivateFolder {
    root: PathBuf,
    files: Vec<PathBuf>,
    folders: Vec<PathBuf>,
    made: std::collections::HashSet<PathBuf>,
}

impl PrivateFolder {
    /// Creates a fresh folder in the system's temporary folder, readable only by this user.
    fn create() -> Result<PrivateFolder, GitError> {
        use std::sync::atomic::{AtomicU32, Ordering};
        static COUNTER: AtomicU32 = AtomicU32::new(0);
        let base = std::env::temp_dir();
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.subsec_nanos());
        let mut last = None;
        for attempt in 0..100u32 {
            let n = COUNTER.fetch_add(1, Ordering::Relaxed);
            let name = format!(
                "casebook-diff-{}-{:08x}-{n}",
                std::process::id(),
                nanos.wrapping_add(attempt.wrapping_mul(0x9e37_79b9))
            );
            let root = base.join(name);
            match private_dir_builder().create(&root) {
                Ok(()) => {
                    return Ok(PrivateFolder {
                        root,
                        files: Vec::new(),
                        folders: Vec::new(),
                        made: Default::default(),
                    });
                }
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => last = Some(e),
                Err(source) => {
                    return Err(GitError::Io {
                        what: format!("cannot create a temporary folder in {}", base.display()),
                        source,
                    });
                }
            }
        }
        Err(GitError::Io {
            what: format!("cannot create a temporary folder in {}", base.display()),
            source: last.unwrap_or_else(|| std::io::Error::other("no free name")),
        })
    }

    /// Writes `size` bytes from `content` to the file at `parts` below the root, creating the
    /// folders on the way. Above [`MAX_BLOB_BYTES`] the bytes are read and dropped, and the file
    /// is made sparse at its size.
    fn write_file(&mut self, parts: &[OsString], content: &mut dyn Read, size: u64) -> Result<(), GitError> {
        let io = |what: String| move |source| GitError::Io { what, source };
        let mut path = self.root.clone();
        for part in &parts[..parts.len() - 1] {
            path.push(part);
            match private_dir_builder().create(&path) {
                Ok(()) => {
                    self.folders.push(path.clone());
                    self.made.insert(path.clone());
                }
                // Made for an earlier file: only folders are ever made here, never links.
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists && self.made.contains(&path) => {}
                Err(e) => return Err(io(format!("cannot create {}", path.display()))(e)),
            }
        }
        path.push(&parts[parts.len() - 1]);
        // `create_new`: never through a link, never over a file already there.
        let mut file = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&path)
            .map_err(io(format!("cannot write {}", path.display())))?;
        self.files.push(path.clone());
        if size > MAX_BLOB_BYTES {
            std::io::copy(content, &mut std::io::sink())
                .map_err(io("cannot read the output of `git cat-file`".to_owned()))?;
            file.set_len(size)
                .map_err(io(format!("cannot write {}", path.display())))?;
        } else {
            let copied =
                std::io::copy(content, &mut file).map_err(io(format!("cannot write {}", path.display())))?;
            if copied != size {
                return Err(failed(
                    &["cat-file", "--batch"],
                    "the output ended early".to_owned(),
                ));
            }
        }
        Ok(())
    }
}

#[cfg(unix)]
fn private_dir_builder() -> std::fs::DirBuilder {
    use std::os::unix::fs::DirBuilderExt;
    let mut b = std::fs::DirBuilder::new();
    b.mode(0o700);
    b
}

#[cfg(not(unix))]
fn private_dir_builder() -> std::fs::DirBuilder {
    std::fs::DirBuilder::new()
}

impl Drop for PrivateFolder {
    fn drop(&mut self) {
        for file in &self.files {
            let _ = std::fs::remove_file(file);
        }
        for folder in self.folders.iter().rev() {
            let _ = std::fs::remove_dir(folder);
        }
        let _ = std::fs::remove_dir(&self.root);
    }
}

#[cfg(test)]
mod tests {
    use super::{Entry, safe_parts};

    #[test]
    fn only_relative_plain_paths_are_written() {
        assert_eq!(safe_parts(b"use-cases/a.yaml").unwrap(), ["use-cases", "a.yaml"]);
        for bad in [
            &b""[..],
            b"/etc/passwd",
            b"../x",
            b"a/../b",
            b"a//b",
            b"./a",
            b"a/.",
            b"a/",
        ] {
            assert_eq!(
                safe_parts(bad),
                Err("an unsafe path"),
                "{}",
                String::from_utf8_lossy(bad)
            );
        }
        let deep = vec!["d"; 41].join("/");
        assert_eq!(safe_parts(deep.as_bytes()), Err("nested too deeply"));
    }

    #[test]
    fn ls_tree_records_parse() {
        let e = Entry::parse(b"120000 blob 0123abcd\tuse-cases/link.yaml").unwrap();
        assert_eq!(
            (e.mode, e.kind, e.object, e.path),
            ("120000", "blob", "0123abcd", &b"use-cases/link.yaml"[..])
        );
        let e = Entry::parse(b"100644 blob 0123abcd\twith\ttab and space.yaml").unwrap();
        assert_eq!(e.path, b"with\ttab and space.yaml");
        assert!(Entry::parse(b"100644 blob not-hex\tx").is_none());
        assert!(Entry::parse(b"100644 blob\tx").is_none());
    }
}
