//! `casebook export bpmn`: which use cases, and writing their files into `--out` without
//! replacing anything casebook did not write. The XML itself is `casebook::bpmn::export`.

use anyhow::{Context as _, Result, bail};
use casebook::model::Date;
use casebook::{CheckOptions, check, scaffold};
use rayon::prelude::*;
use std::io::{Read as _, Write as _};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// What every file casebook exports says in its first line, and how a file is recognised as
/// casebook's own (and so may be replaced by the next export).
const MARK: &str = "exporter=\"casebook\"";

/// The formats `casebook export` writes.
#[derive(Clone, Copy, Debug, clap::ValueEnum)]
pub enum ExportFormat {
    /// BPMN 2.0 XML with its diagram (BPMNDI), one `USE-CASE.bpmn` file per use case.
    Bpmn,
}

/// The arguments of `casebook export`.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// The format to write.
    #[arg(value_enum)]
    format: ExportFormat,
    /// The ids of the use cases to export.
    #[arg(
        value_name = "USE-CASE",
        required_unless_present = "all",
        conflicts_with = "all"
    )]
    use_cases: Vec<String>,
    /// Export every use case of the catalogue.
    #[arg(long)]
    all: bool,
    /// The folder the files go to (created when missing): `USE-CASE.bpmn` each. Relative to the
    /// current folder.
    #[arg(long, value_name = "DIR")]
    out: PathBuf,
    /// Replace a file of the same name that casebook did not export (without it, such a file
    /// is refused and nothing is written). A symbolic link is refused even with --force.
    #[arg(long)]
    force: bool,
}

/// Runs `casebook export` on the catalogue `root`.
pub fn run(root: &Path, args: Args) -> Result<ExitCode> {
    let ExportFormat::Bpmn = args.format;
    let checked = check(root, CheckOptions { today: Date::today() })?;
    let format_errors = checked.format_errors().count();
    if format_errors > 0 {
        eprintln!(
            "casebook: the catalogue has {format_errors} format errors (see `casebook check`); nothing was exported"
        );
        return Ok(ExitCode::from(1));
    }
    let cat = &checked.catalogue;
    let mut chosen: Vec<usize> = if args.all {
        (0..cat.use_cases.len()).collect()
    } else {
        let mut chosen = Vec::new();
        for id in &args.use_cases {
            let Some(&i) = cat.index.use_cases.get(id.as_str()) else {
                let hint = casebook::suggest::closest(id, cat.index.use_cases.keys().map(String::as_str))
                    .map(|s| format!("; did you mean `{s}`?"))
                    .unwrap_or_default();
                bail!("no use case `{id}` in {}{hint}", root.display());
            };
            chosen.push(i);
        }
        chosen
    };
    chosen.sort_by(|&a, &b| cat.use_cases[a].id.value.cmp(&cat.use_cases[b].id.value));
    // One file per id: a second definition of an id (a duplicate-id finding) is not exported.
    chosen.dedup_by(|a, b| cat.use_cases[*a].id.value == cat.use_cases[*b].id.value);
    for &i in &chosen {
        let id = &cat.use_cases[i].id.value;
        if !scaffold::is_slug(id) {
            bail!("`{id}` is not a slug, so it cannot name a file");
        }
    }

    let out = &args.out;
    refuse_inside_use_cases(root, out)?;
    match std::fs::symlink_metadata(out) {
        Ok(m) if m.file_type().is_symlink() => bail!(
            "{} is a symbolic link, which casebook does not write through; name the folder itself",
            out.display()
        ),
        Ok(m) if !m.is_dir() => bail!("{} is not a folder", out.display()),
        _ => {}
    }
    // Every target is looked at before anything is written: one refusal writes nothing.
    let targets: Vec<PathBuf> = chosen
        .iter()
        .map(|&i| out.join(format!("{}.bpmn", cat.use_cases[i].id.value)))
        .collect();
    let mut refused = Vec::new();
    for path in &targets {
        if let Some(why) = refusal(path, args.force)? {
            refused.push(format!("{} ({why})", path.display()));
        }
    }
    if !refused.is_empty() {
        bail!(
            "nothing was exported: casebook replaces only files it exported itself (--force replaces other regular files):\n  {}",
            refused.join("\n  ")
        );
    }
    std::fs::create_dir_all(out).with_context(|| format!("cannot create {}", out.display()))?;
    let texts: Vec<String> = chosen
        .par_iter()
        .map(|&i| casebook::bpmn::export::export(cat, &cat.use_cases[i], &checked.facts.flows[i]))
        .collect();
    for (path, text) in targets.iter().zip(&texts) {
        write_replacing(path, text)?;
    }
    println!(
        "exported {} use cases to {} as BPMN",
        targets.len(),
        out.display()
    );
    Ok(ExitCode::SUCCESS)
}

/// Refuses an `--out` inside the catalogue's `use-cases/`, where the files would be strays.
fn refuse_inside_use_cases(root: &Path, out: &Path) -> Result<()> {
    let Ok(use_cases) = root.join("use-cases").canonicalize() else {
        return Ok(());
    };
    // The nearest existing folder of `out` says where it is.
    let mut probe = out.to_path_buf();
    let resolved = loop {
        if let Ok(p) = probe.canonicalize() {
            break Some(p);
        }
        if !probe.pop() || probe.as_os_str().is_empty() {
            break std::env::current_dir().ok().and_then(|d| d.canonicalize().ok());
        }
    };
    if resolved.is_some_and(|p| p.starts_with(&use_cases)) {
        bail!(
            "{} is inside the catalogue's use-cases/ folder, where casebook reads only use cases; export somewhere else",
            out.display()
        );
    }
    Ok(())
}

/// Why `path` may not be written, if it may not: a link, something other than a regular file,
/// or a file casebook did not export (unless `force`).
fn refusal(path: &Path, force: bool) -> Result<Option<&'static str>> {
    let meta = match std::fs::symlink_metadata(path) {
        Ok(m) => m,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(e).with_context(|| format!("cannot look at {}", path.display())),
    };
    if meta.file_type().is_symlink() {
        return Ok(Some("a symbolic link"));
    }
    if !meta.is_file() {
        return Ok(Some("not a regular file"));
    }
    if force || exported_by_casebook(path)? {
        return Ok(None);
    }
    Ok(Some("not exported by casebook"))
}

/// Whether the file's first line carries casebook's exporter mark.
fn exported_by_casebook(path: &Path) -> Result<bool> {
    let mut head = Vec::with_capacity(1024);
    std::fs::File::open(path)
        .and_then(|f| f.take(1024).read_to_end(&mut head))
        .with_context(|| format!("cannot read {}", path.display()))?;
    let head = String::from_utf8_lossy(&head);
    // The XML declaration, then the definitions element, which carries the mark.
    Ok(head
        .lines()
        .take(2)
        .any(|l| l.starts_with("<bpmn:definitions ") && l.contains(MARK)))
}

/// Writes `text` to a new file beside `path`, then renames it over `path`: a reader sees the old
/// file or the new one, never half of one.
fn write_replacing(path: &Path, text: &str) -> Result<()> {
    let name = path
        .file_name()
        .and_then(|n| n.to_str())
        .context("an exported file has a name")?;
    let temp = path.with_file_name(format!(".{name}.{}.tmp", std::process::id()));
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&temp)
        .with_context(|| format!("cannot create {}", temp.display()))?;
    // From here the temporary file is ours: removed if anything fails.
    let written = file
        .write_all(text.as_bytes())
        .and_then(|()| file.sync_all())
        .and_then(|()| std::fs::rename(&temp, path));
    if let Err(e) = written {
        let _ = std::fs::remove_file(&temp);
        return Err(e).with_context(|| format!("cannot write {}", path.display()));
    }
    Ok(())
}
