//! `casebook diff`: the command's edge. Decides what each argument names, runs the library's
//! comparison (`casebook::diff`), writes the output and picks the exit status.

use super::{FailOn, write_stdout};
use anyhow::{Context as _, Result};
use casebook::CheckOptions;
use casebook::diagnostic::Severity;
use casebook::diff::render::{DiffFormat, render};
use casebook::diff::{Spec, diff};
use casebook::model::Date;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// The arguments of `casebook diff`.
#[derive(clap::Args, Debug)]
pub(super) struct DiffArgs {
    /// The older side: a git revision of the repository the catalogue is in (`main`,
    /// `origin/main`, `HEAD~1`, a commit id), or a catalogue folder (one holding casebook.yaml,
    /// or any path ending in `/`).
    #[arg(value_name = "BASE")]
    base: String,
    /// The newer side, likewise (default: the catalogue folder as it is on disk).
    #[arg(value_name = "HEAD")]
    head: Option<String>,
    /// Output format: `markdown` for a pull-request comment, `json` (stable, version 1), `human`.
    #[arg(long, value_enum, default_value = "human")]
    format: DiffFormat,
    /// Write the output to this file instead of standard output.
    #[arg(long, value_name = "FILE")]
    output: Option<PathBuf>,
    /// The lowest severity of a finding the change introduces that makes the exit status 1.
    #[arg(long, value_enum, default_value = "error")]
    fail_on_new: FailOn,
    /// The date used by review-overdue on both sides, YYYY-MM-DD (default: today).
    #[arg(long, value_parser = super::parse_date)]
    today: Option<Date>,
}

impl FailOn {
    /// The lowest severity that fails the run, if any.
    fn threshold(self) -> Option<Severity> {
        match self {
            FailOn::Error => Some(Severity::Error),
            FailOn::Warning => Some(Severity::Warning),
            FailOn::Info => Some(Severity::Info),
            FailOn::Never => None,
        }
    }
}

pub(super) fn run(catalogue: &Path, args: DiffArgs) -> Result<ExitCode> {
    let options = CheckOptions {
        today: args.today.unwrap_or_else(Date::today),
    };
    let base = Spec::from_arg(&args.base);
    let head = match &args.head {
        Some(h) => Spec::from_arg(h),
        None => Spec::WorkingTree(catalogue.to_path_buf()),
    };
    let report = diff(&base, &head, catalogue, options)?;
    let text = render(&report, args.format);
    match &args.output {
        Some(path) => std::fs::write(path, &text)
            .with_context(|| format!("cannot write the diff to {}", path.display()))?,
        None => write_stdout(&text, "the diff")?,
    }
    let introduced = report
        .changes
        .findings
        .introduced
        .iter()
        .map(|f| f.severity)
        .max();
    let failed = matches!((args.fail_on_new.threshold(), introduced), (Some(t), Some(m)) if m >= t);
    Ok(if failed {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}
