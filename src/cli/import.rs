//! `casebook import bpmn`: the command's edge. The library (`casebook::bpmn::import`) reads,
//! maps, checks and writes; this prints the report and picks the exit status.

use super::write_stdout;
use anyhow::Result;
use casebook::bpmn::import::{self, Options};
use std::path::PathBuf;
use std::process::ExitCode;

/// The formats an import can bring in.
#[derive(clap::Subcommand, Debug)]
pub(super) enum ImportFormat {
    /// BPMN 2.0 XML (.bpmn) files, from Camunda Modeler, bpmn.io, Signavio, ARIS, Bizagi...
    ///
    /// A collaboration becomes one use case with all its pools (the message flows between them
    /// are the handoffs); a lone process, one use case; an expanded sub-process, a use case of
    /// its own that its step `calls:`. Pools become departments, lanes teams, gateways the
    /// labelled branches of the step before them. What casebook cannot express (timers,
    /// compensation, multi-instance...) is kept as a `# BPMN:` comment on the step and listed
    /// in the report. Nothing is written unless every file reads and the result passes the
    /// format rules; existing files and entries are never overwritten (new teams, items and
    /// systems are added to organisation.yaml and information.yaml, existing ones reused by id).
    /// The handbook's "Writing use cases" chapter, "Importing BPMN", lists every decision.
    Bpmn(BpmnArgs),
}

#[derive(clap::Args, Debug)]
pub(super) struct BpmnArgs {
    /// The BPMN files.
    #[arg(required = true, value_name = "FILE")]
    files: Vec<PathBuf>,
    /// The catalogue to import into (default: --catalogue, or the catalogue found from the
    /// current folder). A missing or empty folder becomes a new catalogue.
    #[arg(long, value_name = "CATALOGUE")]
    into: Option<PathBuf>,
    /// A pool or lane (name or BPMN id) that is the customer; repeat for several. Without it,
    /// a pool or lane whose name says customer, client, citizen, patient... is the customer.
    #[arg(long, value_name = "NAME")]
    customer: Vec<String>,
    /// The domain of the new use cases, and their folder under use-cases/.
    #[arg(long, default_value = "imported")]
    domain: String,
    /// Print what would be imported, and write nothing.
    #[arg(long)]
    dry_run: bool,
    /// Report format.
    #[arg(short, long, value_enum, default_value = "human")]
    format: ReportFormat,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub(super) enum ReportFormat {
    Human,
    Json,
}

/// Runs `casebook import FORMAT ...`; `catalogue` finds the catalogue --into defaults to.
pub(super) fn run(format: ImportFormat, catalogue: impl FnOnce() -> Result<PathBuf>) -> Result<ExitCode> {
    let ImportFormat::Bpmn(args) = format;
    let into = match args.into.clone() {
        Some(dir) => dir,
        None => catalogue()?,
    };
    let options = Options {
        into,
        customers: args.customer.clone(),
        domain: args.domain.clone(),
    };
    let mut plan = import::plan(&options, &args.files)?;
    if !args.dry_run {
        import::commit(&mut plan)?;
    }
    let text = match args.format {
        ReportFormat::Human => plan.to_text(!args.dry_run),
        ReportFormat::Json => plan.to_json(!args.dry_run),
    };
    write_stdout(&text, "the import report")?;
    Ok(ExitCode::SUCCESS)
}
