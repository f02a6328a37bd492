//! The edges of `check` that touch files and the environment for CI: reading and writing the
//! baseline file, working out the path prefixes, and appending the job summary. The logic is in
//! the library (`diagnostic::baseline`, `paths`, `diagnostic::render`).

use anyhow::{Context as _, Result, bail};
use casebook::Checked;
use casebook::diagnostic::Severity;
use casebook::diagnostic::baseline::{self, Baseline};
use casebook::diagnostic::render::{self, Format, RenderOptions};
use std::io::Write as _;
use std::path::Path;

/// `--write-baseline FILE` records today's findings; `--baseline FILE` (or the file just
/// written) then takes the accepted ones out of the report. A baseline that cannot be read or
/// parsed is a run that cannot be done (exit 2).
pub fn baselines(checked: &mut Checked, write: Option<&Path>, read: Option<&Path>) -> Result<()> {
    if let Some(path) = write {
        let recorded = Baseline::of_report(&checked.report);
        std::fs::write(path, recorded.to_json())
            .with_context(|| format!("cannot write the baseline to {}", path.display()))?;
        let n = recorded.findings.len();
        eprintln!(
            "casebook: recorded {n} finding{} in {} (format findings are never recorded)",
            if n == 1 { "" } else { "s" },
            path.display()
        );
    }
    let Some(path) = read.or(write) else {
        return Ok(());
    };
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("cannot read the baseline {}", path.display()))?;
    let accepted = Baseline::parse(&text).with_context(|| {
        format!(
            "{} is not a baseline casebook can use (write one with `casebook check --write-baseline FILE`)",
            path.display()
        )
    })?;
    let name = path.display().to_string();
    baseline::apply(&mut checked.report, &accepted, &checked.catalogue, &name);
    Ok(())
}

/// The render options of `check`: colour as decided by the caller, paths from the current
/// folder for people and from the repository root for CI (`--path-prefix`, else the catalogue
/// found within `GITHUB_WORKSPACE` or the git work tree, else from the current folder), the
/// JUnit failure threshold, and the SARIF help links.
pub fn render_options(
    checked: &Checked,
    root: &Path,
    format: Format,
    color: bool,
    path_prefix: Option<&str>,
    fail_on: Option<Severity>,
) -> Result<RenderOptions> {
    let cwd = std::env::current_dir().context("cannot tell the current folder")?;
    let display_prefix = casebook::paths::display_prefix(root, &cwd);
    let workspace = std::env::var_os("GITHUB_WORKSPACE").filter(|w| !w.is_empty());
    let path_prefix = match path_prefix {
        Some(given) => match casebook::paths::checked_prefix(given) {
            Some(prefix) => prefix,
            None => bail!(
                "--path-prefix `{given}` must be a folder within the repository, relative to its root, without `..`"
            ),
        },
        None => match casebook::paths::repository_prefix(root, &cwd, workspace.as_deref().map(Path::new)) {
            Some(prefix) => prefix,
            // Not in a repository: from the current folder, when that stays below it.
            None => casebook::paths::checked_prefix(&display_prefix).unwrap_or_else(|| {
                if matches!(format, Format::Github | Format::Sarif | Format::Junit) {
                    eprintln!(
                        "casebook: cannot tell where {} is within a repository; paths in the report are relative to the catalogue (give --path-prefix)",
                        root.display()
                    );
                }
                String::new()
            }),
        },
    };
    let help_uris = match format {
        Format::Sarif => render::help_uris(&checked.catalogue.settings, &checked.report, &path_prefix),
        _ => Default::default(),
    };
    Ok(RenderOptions {
        color,
        display_prefix,
        fail_on: fail_on.unwrap_or(Severity::Error),
        step_summary: format == Format::Github && step_summary_file().is_some(),
        help_uris,
        path_prefix,
    })
}

/// `GITHUB_STEP_SUMMARY`, the file GitHub Actions shows as the job summary, when set.
fn step_summary_file() -> Option<std::ffi::OsString> {
    std::env::var_os("GITHUB_STEP_SUMMARY").filter(|f| !f.is_empty())
}

/// With `--format github` inside GitHub Actions, appends the full table of findings to the job
/// summary: annotations stop at ten of each kind.
pub fn step_summary(checked: &Checked, format: Format, options: &RenderOptions) -> Result<()> {
    let Some(file) = step_summary_file().filter(|_| format == Format::Github) else {
        return Ok(());
    };
    let table = render::github_summary(&checked.report, &options.path_prefix);
    let path = Path::new(&file);
    std::fs::OpenOptions::new()
        .append(true)
        .create(true)
        .open(path)
        .and_then(|mut f| f.write_all(table.as_bytes()))
        .with_context(|| format!("cannot append the findings to {}", path.display()))
}
