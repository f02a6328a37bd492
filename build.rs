//! Sets `CASEBOOK_VERSION` for `casebook --version`: the crate version, followed by the commit
//! and its date when built from a git checkout of casebook (`0.1.0 (f1ca235 2026-11-30)`,
//! `f1ca235-dirty` when tracked files differ from it), and the plain version otherwise (a
//! crates.io or tarball install, no git). Only `--version` and the man page show it: reports,
//! SARIF and the handbook keep the crate version, so nothing they write depends on the commit.

use std::path::{Path, PathBuf};
use std::process::Command;

fn main() {
    let version = std::env::var("CARGO_PKG_VERSION").expect("cargo sets CARGO_PKG_VERSION");
    let manifest_dir = PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").expect("cargo sets it"));
    let long = match commit(&manifest_dir) {
        Some(commit) => format!("{version} ({commit})"),
        None => {
            // Without git, only a change to the package reruns this script (cargo's default
            // would be every file of the package).
            println!("cargo:rerun-if-changed=build.rs");
            version
        }
    };
    println!("cargo:rustc-env=CASEBOOK_VERSION={long}");
    chromium();
}

/// Sets the cfg `no_chromium` when the browser tests cannot run here (no `chromium` on the PATH
/// or at `/usr/bin/chromium`) and `CI` is not set: those tests are then
/// `#[cfg_attr(no_chromium, ignore = "...")]`, so `cargo test` shows each as ignored with the
/// reason and counts them in its summary, instead of a pass that tested nothing. On CI they are
/// never ignored, and fail without Chromium. This script runs again when `PATH` or `CI` changes,
/// or when a `bin` folder on the PATH (or `/usr/bin`) changes: installing Chromium adds a file
/// there, so its tests run from the next `cargo test` on. Only folders named `bin` or `sbin` are
/// watched: cargo looks at every file below a watched folder.
fn chromium() {
    println!("cargo:rustc-check-cfg=cfg(no_chromium)");
    println!("cargo:rerun-if-env-changed=PATH");
    println!("cargo:rerun-if-env-changed=CI");
    let path = std::env::var_os("PATH").unwrap_or_default();
    let folders: Vec<PathBuf> = std::env::split_paths(&path)
        .filter(|d| d.is_absolute())
        .chain([PathBuf::from("/usr/bin")])
        .collect();
    let found = folders.iter().any(|d| executable(&d.join("chromium")));
    for folder in &folders {
        let bin = folder.file_name().is_some_and(|n| n == "bin" || n == "sbin");
        if bin && folder.is_dir() {
            println!("cargo:rerun-if-changed={}", folder.display());
        }
    }
    if !found && std::env::var_os("CI").is_none() {
        println!("cargo:rustc-cfg=no_chromium");
    }
}

#[cfg(unix)]
fn executable(path: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
}

#[cfg(not(unix))]
fn executable(path: &Path) -> bool {
    path.is_file()
}

/// Runs git in `dir`, giving its output when it succeeds.
fn git(dir: &Path, args: &[&str]) -> Option<String> {
    let out = Command::new("git").args(args).current_dir(dir).output().ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).trim().to_owned())
}

/// `f1ca235 2026-11-30` or `f1ca235-dirty 2026-11-30`, when `dir` is the top of a git work tree
/// (a clone or a worktree, where `.git` is a file); `None` when it is not, or when it is only a
/// folder inside some other repository (an unpacked crate below a home kept in git).
fn commit(dir: &Path) -> Option<String> {
    let top = git(dir, &["rev-parse", "--show-toplevel"])?;
    let same = |a: &Path, b: &Path| match (a.canonicalize(), b.canonicalize()) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    };
    if !same(Path::new(&top), dir) {
        return None;
    }
    let hash = git(dir, &["rev-parse", "--short=7", "HEAD"])?;
    let date = git(dir, &["log", "-1", "--format=%cs", "HEAD"]).unwrap_or_default();
    // --no-optional-locks: status must not rewrite the index as a side effect of a build.
    let dirty = git(
        dir,
        &[
            "--no-optional-locks",
            "status",
            "--porcelain",
            "--untracked-files=no",
        ],
    )
    .is_some_and(|s| !s.is_empty());
    watch(dir);
    let mut commit = hash;
    if dirty {
        commit.push_str("-dirty");
    }
    if !date.is_empty() {
        commit.push(' ');
        commit.push_str(&date);
    }
    Some(commit)
}

/// Reruns this script when the commit or the work tree changes, and only then: HEAD and its log
/// (a checkout, a commit, a reset), the branch it points to (loose or packed), and the
/// package's own files (which make a build anyway, and may make it dirty or clean). Not the
/// index, which editors rewrite whenever they run `git status`. Git gives the paths, so a
/// worktree (whose HEAD is not in `.git/`) works too. Only files that exist are named: cargo
/// reruns on every build for a missing one.
fn watch(dir: &Path) {
    let path = |p: &str| git(dir, &["rev-parse", "--git-path", p]).map(|p| dir.join(p));
    let mut watched: Vec<PathBuf> = Vec::new();
    for p in ["HEAD", "logs/HEAD", "packed-refs"] {
        watched.extend(path(p));
    }
    if let Some(branch) = git(dir, &["symbolic-ref", "-q", "HEAD"]) {
        watched.extend(path(&branch));
    }
    for own in [
        "Cargo.toml",
        "Cargo.lock",
        "build.rs",
        "src",
        "schemas",
        "templates",
        "book",
    ] {
        watched.push(dir.join(own));
    }
    for p in watched.into_iter().filter(|p| p.exists()) {
        println!("cargo:rerun-if-changed={}", p.display());
    }
}
