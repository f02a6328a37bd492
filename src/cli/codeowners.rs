//! `casebook codeowners`: where the repository root is (git, or `--path-prefix`), and the
//! CODEOWNERS file, of which casebook rewrites only its own section. The lines themselves are
//! `casebook::codeowners`.

use super::write_stdout;
use anyhow::{Context as _, Result, bail};
use casebook::codeowners::{self, Unowned};
use casebook::model::Date;
use casebook::{CheckOptions, check};
use std::collections::BTreeMap;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// The arguments of `casebook codeowners`.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// Update casebook's section of this CODEOWNERS file (e.g. .github/CODEOWNERS), keeping
    /// every other line as it is; the file is created when missing. Without it, the section is
    /// printed.
    #[arg(long, value_name = "FILE")]
    write: Option<PathBuf>,
    /// With --write: change nothing, and exit 1 when the file's section is not what casebook
    /// would write (for CI and pre-commit).
    #[arg(long, requires = "write")]
    check: bool,
    /// The catalogue folder's path from the repository root, e.g. `catalogue/` (default: asked
    /// of git). CODEOWNERS paths start at the repository root.
    #[arg(long, value_name = "PATH")]
    path_prefix: Option<String>,
}

/// Runs `casebook codeowners` on the catalogue `root`.
pub fn run(root: &Path, args: Args) -> Result<ExitCode> {
    let checked = check(root, CheckOptions { today: Date::today() })?;
    // A use case whose file could not be read is missing from the model: its line would vanish.
    let format_errors = checked.format_errors().count();
    if format_errors > 0 {
        eprintln!(
            "casebook: the catalogue has {format_errors} format errors (see `casebook check`); no CODEOWNERS lines were written"
        );
        return Ok(ExitCode::from(1));
    }
    let prefix = match &args.path_prefix {
        Some(given) => normalise_prefix(given),
        None => git_prefix(root)?,
    };
    let section = codeowners::section(&checked.catalogue, &checked.report.sources, &prefix);
    warn_unowned(&section.unowned);
    let Some(file) = &args.write else {
        write_stdout(&section.text, "the CODEOWNERS section")?;
        return Ok(ExitCode::SUCCESS);
    };
    let existing = match std::fs::read(file) {
        Ok(bytes) => String::from_utf8(bytes).map_err(|_| {
            anyhow::anyhow!(
                "{} is not UTF-8 text; casebook will not rewrite it",
                file.display()
            )
        })?,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
        Err(e) => return Err(e).with_context(|| format!("cannot read {}", file.display())),
    };
    let updated = codeowners::merge(&existing, &section.text)
        .with_context(|| format!("{} was left as it is", file.display()))?;
    let owned = section.text.lines().filter(|l| l.starts_with('/')).count();
    if updated == existing {
        if !args.check {
            write_stdout(
                &format!("{} is up to date ({owned} owner lines)\n", file.display()),
                "the result",
            )?;
        }
        return Ok(ExitCode::SUCCESS);
    }
    if args.check {
        eprintln!(
            "casebook: {} is not up to date; run `casebook codeowners --write {}`",
            file.display(),
            file.display()
        );
        return Ok(ExitCode::from(1));
    }
    replace(file, &updated)?;
    write_stdout(
        &format!("wrote {owned} owner lines to {}\n", file.display()),
        "the result",
    )?;
    Ok(ExitCode::SUCCESS)
}

/// `catalogue`, `./catalogue/` and `/catalogue` all become `catalogue/`; `.` and `` become ``.
fn normalise_prefix(given: &str) -> String {
    let parts: Vec<&str> = given
        .split(['/', '\\'])
        .filter(|p| !p.is_empty() && *p != ".")
        .collect();
    if parts.is_empty() {
        String::new()
    } else {
        format!("{}/", parts.join("/"))
    }
}

/// The catalogue folder's path from the root of the git repository it is in, as git says it
/// (`git rev-parse --show-prefix`, which also works in worktrees and submodules).
fn git_prefix(root: &Path) -> Result<String> {
    let hint = "give --path-prefix, the catalogue folder's path from the repository root (e.g. `--path-prefix catalogue/`)";
    let out = std::process::Command::new("git")
        .args(["rev-parse", "--show-prefix"])
        .current_dir(root)
        .output()
        .with_context(|| format!("cannot run git to find the repository root; {hint}"))?;
    if !out.status.success() {
        let said = String::from_utf8_lossy(&out.stderr);
        bail!(
            "{} is not in a git repository ({}); {hint}",
            root.display(),
            said.trim()
        );
    }
    let prefix = String::from_utf8(out.stdout)
        .context("git gave a path that is not UTF-8")?
        .trim_end_matches(['\n', '\r'])
        .to_owned();
    Ok(normalise_prefix(&prefix))
}

/// Says on standard error which use cases got no owner, a line per team without a handle.
fn warn_unowned(unowned: &[(String, Unowned)]) {
    let mut no_handle: BTreeMap<&str, usize> = BTreeMap::new();
    let mut no_team = 0;
    for (path, why) in unowned {
        match why {
            Unowned::NoHandle { team } => *no_handle.entry(team).or_default() += 1,
            Unowned::UnknownTeam { .. } | Unowned::NoOwner => no_team += 1,
            Unowned::Unwritable => eprintln!(
                "casebook: warning: /{} cannot be a CODEOWNERS pattern (a space, a control character or one of \\ * ? [ ] ! #); it gets no owner",
                path.escape_debug()
            ),
        }
    }
    for (team, n) in no_handle {
        eprintln!(
            "casebook: warning: team `{team}` has no `handle:` in organisation.yaml; {} no code owner",
            if n == 1 {
                "its use case gets".to_owned()
            } else {
                format!("its {n} use cases get")
            }
        );
    }
    if no_team > 0 {
        eprintln!(
            "casebook: warning: {no_team} use cases have no owner team (see `casebook check`); they get no code owner"
        );
    }
}

/// Replaces `file` with `text` in one rename, so that a killed run leaves the old file or the
/// new one, never half of it. A link is followed: the file it points to is replaced. The file
/// keeps its permissions.
fn replace(file: &Path, text: &str) -> Result<()> {
    let real = match std::fs::symlink_metadata(file) {
        Ok(m) if m.file_type().is_symlink() => {
            std::fs::canonicalize(file).with_context(|| format!("{} is a link to nothing", file.display()))?
        }
        _ => file.to_path_buf(),
    };
    let dir = match real.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    std::fs::create_dir_all(&dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let name = real
        .file_name()
        .with_context(|| format!("{} is not a file name", file.display()))?;
    let temp = dir.join(format!(
        ".{}.casebook-{}.tmp",
        name.to_string_lossy(),
        std::process::id()
    ));
    let mut out = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&temp)
        .with_context(|| format!("cannot create {}", temp.display()))?;
    // From here the temporary file is casebook's own, and removed on failure.
    let written = (|| -> std::io::Result<()> {
        out.write_all(text.as_bytes())?;
        out.sync_all()?;
        if let Ok(old) = std::fs::metadata(&real) {
            std::fs::set_permissions(&temp, old.permissions())?;
        }
        std::fs::rename(&temp, &real)
    })();
    if let Err(e) = written {
        let _ = std::fs::remove_file(&temp);
        return Err(e).with_context(|| format!("cannot write {}", file.display()));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::normalise_prefix;

    #[test]
    fn prefixes_are_slash_terminated_paths_from_the_root() {
        assert_eq!(normalise_prefix("catalogue"), "catalogue/");
        assert_eq!(normalise_prefix("./catalogue/"), "catalogue/");
        assert_eq!(normalise_prefix("/docs//cat"), "docs/cat/");
        assert_eq!(normalise_prefix("."), "");
        assert_eq!(normalise_prefix(""), "");
    }
}
