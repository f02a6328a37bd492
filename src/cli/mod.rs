//! The command line: clap definitions, dispatch, and exit statuses (0 clean, 1 findings at or
//! above `--fail-on`, 2 the run could not be done). No validation logic lives here.

mod codeowners;
mod import;
mod locate;

use anyhow::{Context as _, Result, bail};
use casebook::diagnostic::render::{self, Format};
use casebook::diagnostic::{Severity, statistics};
#[cfg(feature = "handbook")]
use casebook::handbook::Notice;
#[cfg(feature = "handbook")]
use casebook::handbook::output::name_some;
use casebook::load::FileKind;
use casebook::model::Date;
use casebook::rules::{self, REGISTRY};
use casebook::visual::GraphFormat;
use casebook::{CheckOptions, check, scaffold};
use clap::{CommandFactory, Parser, Subcommand, ValueEnum};
#[cfg(feature = "handbook")]
use std::io::IsTerminal;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

mod ci;
mod diff;
mod export;
mod serve;
use serve::ServeArgs;

/// Checks catalogues of service use cases and builds a staff handbook from them.
#[derive(Parser, Debug)]
#[command(name = "casebook", version = env!("CASEBOOK_VERSION"), about)]
struct Cli {
    /// The catalogue folder (the one with casebook.yaml). Default: the current folder if it holds
    /// casebook.yaml, else its catalogue/ folder, else the nearest folder above (or its
    /// catalogue/ folder) that holds one.
    #[arg(long, global = true, value_name = "DIR")]
    catalogue: Option<PathBuf>,
    /// When to colour the output: auto (on a terminal, unless NO_COLOR is set or CLICOLOR=0;
    /// CLICOLOR_FORCE colours a pipe too), always, never.
    #[arg(long, global = true, value_enum, default_value = "auto", value_name = "WHEN")]
    color: ColorWhen,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Load, validate and analyse the catalogue; print diagnostics.
    ///
    /// Paths in the human format and the JSON `path` field open from the current folder; the
    /// github, sarif and junit formats name files from the repository root (see --path-prefix).
    /// --format github shows at most 10 annotations of each kind (GitHub's limit per step), then
    /// plain lines in the log; inside GitHub Actions it appends the full table of findings to the
    /// job summary (GITHUB_STEP_SUMMARY).
    Check(CheckArgs),
    /// Check, then generate the staff handbook (HTML).
    ///
    /// The handbook is built beside --out and swapped in only when complete, in one atomic step
    /// where the system allows. casebook never deletes a file it did not write: it refuses an
    /// --out that is the root, home or current folder, the catalogue, a parent of one of them,
    /// or inside the catalogue's use-cases/; it replaces a folder only when it is empty or a handbook it built (the
    /// .casebook-handbook file lists what that build wrote). A second build to the same --out
    /// waits for the first.
    #[cfg_attr(not(feature = "handbook"), command(hide = true))]
    Build {
        /// Where the handbook's HTML lands: a new or empty folder, or a handbook casebook built.
        /// Relative to the current folder, wherever the catalogue was found.
        #[arg(long, default_value = "book/build", value_name = "DIR")]
        out: PathBuf,
        /// Move files that casebook did not write (a CNAME, notes) from the previous handbook
        /// into the new one, instead of refusing. Nothing is ever deleted: a folder casebook did
        /// not build is refused even with --force, and so is a file of the same name as a new page.
        #[arg(long)]
        force: bool,
        /// The date used for "due for review", YYYY-MM-DD (default: today).
        #[arg(long, value_parser = parse_date)]
        today: Option<Date>,
    },
    /// Build the handbook, serve it on 127.0.0.1 and rebuild it as you save.
    ///
    /// Builds into a private temporary folder (the catalogue and --out are never written),
    /// serves it at http://127.0.0.1:PORT/, watches the catalogue folder (with its templates:
    /// folder) and, after each save, rebuilds what changed and reloads the pages open in a
    /// browser. While the catalogue has format errors, every page lists them in a banner above
    /// the last handbook that built. Ctrl-C (or SIGTERM) stops it and removes its folder.
    #[cfg_attr(not(feature = "handbook"), command(hide = true))]
    Serve(ServeArgs),
    /// Print the metrics: per use case and catalogue-wide handoff matrices.
    ///
    /// `worst` is the most handoffs on a walk from the start to an end that goes round each loop
    /// at most once; `≤N` is an upper bound (loops too tangled to search exactly; JSON:
    /// `worst_path_exact: false`), `-` means no end can be reached (JSON: `null`).
    Stats {
        /// Output format.
        #[arg(short, long, value_enum, default_value = "table")]
        format: StatsFormat,
    },
    /// Print a rule's documentation, or list all rules.
    Explain {
        /// The rule id, e.g. `dead-end`.
        rule: Option<String>,
    },
    /// Print one use case's flow graph.
    Graph {
        /// The use case id.
        use_case: String,
        /// The output format.
        #[arg(short, long, value_enum, default_value = "dot")]
        format: GraphFormat,
    },
    /// Print the JSON Schema of a file kind (the same files as in schemas/).
    Schema {
        /// casebook, organisation, channels, information or use-case.
        kind: Option<String>,
    },
    /// Create a catalogue, or add what one lacks, with the schemas and VS Code settings.
    ///
    /// DIR (default: --catalogue) gets casebook.yaml, organisation.yaml, channels.yaml,
    /// information.yaml and a starter use case when missing, and schemas/ with the JSON Schemas
    /// (unless a schemas/ folder above it, inside the repository, has them). The workspace
    /// (the git repository's root, else DIR) gets .vscode/settings.json mapping the schemas to
    /// the catalogue's files and .vscode/extensions.json recommending the YAML and casebook
    /// extensions; existing JSON files are merged, keeping every key. Never overwrites or
    /// deletes a file, and writes through no symbolic link.
    Init {
        /// The catalogue folder to create or complete (default: the --catalogue folder).
        dir: Option<PathBuf>,
        /// The folder opened in VS Code, where .vscode/ goes: DIR or a folder above it
        /// (default: the root of the git repository holding DIR, else DIR).
        #[arg(long, value_name = "DIR")]
        workspace: Option<PathBuf>,
    },
    /// Run the language server on standard input and output (for editors).
    ///
    /// Speaks the Language Server Protocol: live findings of every rule as you type (on the
    /// unsaved text of open files plus the files on disk), completion of ids, hover, go to
    /// definition, find references, rename across files, quick fixes, document outline and
    /// inlay hints. Each file belongs to the catalogue of the nearest folder above it that holds
    /// casebook.yaml, so one editor can work on several catalogues; --catalogue is not used.
    /// Started by the editor, not by hand. Exit status 0 after the client's shutdown and exit.
    Lsp {
        /// Accepted for clients that pass it (e.g. VS Code's); standard input and output are
        /// the only transport.
        #[arg(long)]
        stdio: bool,
    },
    /// Write a valid starting file for a new use case.
    ///
    /// Its first line points editors at the use case schema, by a path from the new file to the
    /// schemas/ folder of the catalogue or above it in the repository (where `casebook init`
    /// writes them); without one, the file has no such line and casebook says what to run.
    New {
        /// The new use case's id (a slug).
        use_case: String,
        /// The domain (and folder under use-cases/).
        #[arg(long, default_value = "general")]
        domain: String,
    },
    /// Compare two revisions of the catalogue: what a change does to customers and teams.
    ///
    /// BASE and HEAD are git revisions of the repository the catalogue is in (read without a
    /// checkout or the network), or catalogue folders; HEAD defaults to the catalogue folder as
    /// it is on disk. Reports use cases added, removed and changed, handoffs added and removed,
    /// metrics before and after, findings introduced and fixed, and the teams and owners to ask.
    Diff(diff::DiffArgs),
    /// Export use cases for other tools: `casebook export bpmn USE-CASE... --out DIR`.
    ///
    /// bpmn: BPMN 2.0 XML with its diagram, laid out as the swimlane diagram, one USE-CASE.bpmn
    /// per use case, for Camunda Modeler, bpmn.io and other modellers. Refuses a catalogue with
    /// format errors. Writes only USE-CASE.bpmn files in --out, and replaces only files casebook
    /// exported (their first element says so) unless --force; never writes through a symbolic link.
    Export(export::Args),
    /// Print or update the CODEOWNERS lines that ask each use case's owner team to review it.
    ///
    /// One line per use case file, `/PATH HANDLE`, from the use case's `owner` and that team's
    /// `handle:` in organisation.yaml; a use case whose team has no handle gets a comment line
    /// and a warning. Paths start at the repository root (git is asked where it is, or give
    /// --path-prefix). casebook owns only the lines from `# BEGIN casebook (generated)` to
    /// `# END casebook`: with --write, every other line of the file is kept as it is.
    Codeowners(codeowners::Args),
    /// Import processes from another format into the catalogue (BPMN 2.0).
    ///
    /// Writes use cases under use-cases/DOMAIN/ and adds the teams, departments, information
    /// items and systems they need to the catalogue's files, never overwriting a file or an
    /// entry; prints what it created, reused, guessed and left out, per file.
    #[command(subcommand)]
    Import(import::ImportFormat),
    /// Print the completion script of a shell.
    ///
    /// bash: `casebook completions bash > ~/.local/share/bash-completion/completions/casebook`;
    /// zsh: into a folder of $fpath as `_casebook`; fish: `~/.config/fish/completions/casebook.fish`.
    Completions {
        /// The shell.
        shell: clap_complete::Shell,
    },
    /// Print the man page (roff) of casebook, or of one command.
    ///
    /// `casebook man | man -l -` reads it; `casebook man > casebook.1` installs it.
    Man {
        /// A command, e.g. `check`: its own page (casebook-check).
        command: Option<String>,
    },
}

#[derive(clap::Args, Debug)]
struct CheckArgs {
    /// Report format.
    #[arg(short, long, value_enum, default_value = "human")]
    format: Format,
    /// Write the report to this file instead of standard output (`-`: standard output).
    #[arg(short, long, value_name = "FILE")]
    output: Option<PathBuf>,
    /// Print only the findings: no summary line, and nothing at all when there is none (the
    /// human format and --statistics; the other formats are whole documents).
    #[arg(short, long)]
    quiet: bool,
    /// Print how many findings each rule made instead of the findings, most frequent first:
    /// a table, or JSON with --format json.
    #[arg(long)]
    statistics: bool,
    /// The lowest severity that makes the exit status 1 (and fails a junit test case).
    #[arg(long, value_enum, default_value = "error")]
    fail_on: FailOn,
    /// The date used by review-overdue, YYYY-MM-DD (default: today).
    #[arg(long, value_parser = parse_date)]
    today: Option<Date>,
    /// Report only findings that this baseline file does not record, and, as `baseline-fixed`
    /// infos, the recorded findings that no longer occur. The exit status counts only what is
    /// reported.
    #[arg(long, value_name = "FILE", conflicts_with = "write_baseline")]
    baseline: Option<PathBuf>,
    /// Record today's findings (all but format findings) in this baseline file, then report as
    /// with --baseline FILE.
    #[arg(long, value_name = "FILE")]
    write_baseline: Option<PathBuf>,
    /// The catalogue's folder within the repository, for the paths of the github, sarif and
    /// junit formats (default: worked out from GITHUB_WORKSPACE or the git work tree).
    #[arg(long, value_name = "PREFIX")]
    path_prefix: Option<String>,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
enum StatsFormat {
    Table,
    Json,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
enum ColorWhen {
    Auto,
    Always,
    Never,
}

impl ColorWhen {
    /// Whether to colour what goes to standard output (`to_stdout`) or to a file: `auto` asks
    /// anstream, which weighs NO_COLOR, CLICOLOR_FORCE, CLICOLOR and whether it is a terminal;
    /// a file gets colour only with `always`.
    fn colour(self, to_stdout: bool) -> bool {
        match self {
            ColorWhen::Always => true,
            ColorWhen::Never => false,
            ColorWhen::Auto => {
                to_stdout && anstream::AutoStream::choice(&std::io::stdout()) != anstream::ColorChoice::Never
            }
        }
    }
}

#[derive(Clone, Copy, Debug, ValueEnum)]
enum FailOn {
    Error,
    Warning,
    Info,
    Never,
}

fn parse_date(s: &str) -> Result<Date, String> {
    Date::parse(s).ok_or_else(|| format!("`{s}` is not a date in the form YYYY-MM-DD"))
}

/// Runs the command line and returns the exit status.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(code) => code,
        Err(err) => {
            eprintln!("casebook: {err:#}");
            ExitCode::from(2)
        }
    }
}

fn run(cli: Cli) -> Result<ExitCode> {
    let catalogue = || locate::catalogue(cli.catalogue.as_deref());
    match cli.command {
        Command::Check(args) => run_check(&catalogue()?, args, cli.color),
        #[cfg(feature = "handbook")]
        Command::Build { out, force, today } => build(&catalogue()?, out, force, today, cli.color),
        #[cfg(not(feature = "handbook"))]
        Command::Build { .. } => bail!(
            "this casebook was built without the handbook (cargo feature `handbook`); for `casebook build`, install it with the default features (`cargo install --locked` without --no-default-features)"
        ),
        #[cfg(feature = "handbook")]
        Command::Serve(args) => serve::run(&catalogue()?, args),
        #[cfg(not(feature = "handbook"))]
        Command::Serve(_) => bail!(
            "this casebook was built without the handbook (cargo feature `handbook`); for `casebook serve`, install it with the default features (`cargo install --locked` without --no-default-features)"
        ),
        Command::Stats { format } => stats(&catalogue()?, format),
        Command::Explain { rule } => explain(rule.as_deref()),
        Command::Graph { use_case, format } => graph(&catalogue()?, &use_case, format),
        Command::Schema { kind } => schema(kind.as_deref()),
        Command::Init { dir, workspace } => init(
            dir.or(cli.catalogue)
                .or_else(|| locate::catalogue(None).ok())
                .unwrap_or_else(|| PathBuf::from("catalogue")),
            workspace,
        ),
        Command::New { use_case, domain } => new_use_case(&catalogue()?, &use_case, &domain),
        // In folder mode (two folders given) the catalogue is not needed: diff says so itself
        // when a git revision is asked for and no catalogue is found.
        Command::Diff(args) => diff::run(
            &catalogue().unwrap_or_else(|_| {
                cli.catalogue
                    .clone()
                    .unwrap_or_else(|| PathBuf::from("catalogue"))
            }),
            args,
        ),
        Command::Codeowners(args) => codeowners::run(&catalogue()?, args),
        Command::Import(format) => import::run(format, catalogue),
        Command::Export(args) => export::run(&catalogue()?, args),
        Command::Completions { shell } => completions(shell),
        Command::Man { command } => man(command.as_deref()),
        Command::Lsp { stdio: _ } => Ok(ExitCode::from(casebook::lsp::run_stdio())),
    }
}

fn run_check(root: &Path, args: CheckArgs, color: ColorWhen) -> Result<ExitCode> {
    if args.statistics && !matches!(args.format, Format::Human | Format::Json) {
        let name = args.format.to_possible_value().map(|v| v.get_name().to_owned());
        bail!(
            "--statistics prints a table (--format human) or JSON (--format json), not --format {}",
            name.unwrap_or_default()
        );
    }
    let today = args.today.unwrap_or_else(Date::today);
    // The report and the model only: the flow graphs are dropped use case by use case.
    let mut checked = casebook::check_report(root, CheckOptions { today })?;
    ci::baselines(
        &mut checked,
        args.write_baseline.as_deref(),
        args.baseline.as_deref(),
    )?;
    let report = &checked.report;
    // `--output -` is standard output, as for most tools that write files.
    let file = args.output.as_deref().filter(|p| *p != Path::new("-"));
    let threshold = match args.fail_on {
        FailOn::Error => Some(Severity::Error),
        FailOn::Warning => Some(Severity::Warning),
        FailOn::Info => Some(Severity::Info),
        FailOn::Never => None,
    };
    let options = ci::render_options(
        &checked,
        root,
        args.format,
        args.format == Format::Human && !args.statistics && color.colour(file.is_none()),
        args.path_prefix.as_deref(),
        threshold,
    )?;
    let text = match (args.statistics, args.format) {
        (true, Format::Json) => statistics::json(report),
        (true, _) if args.quiet => statistics::text(report),
        (true, _) => statistics::text(report) + &render::summary(&report.summary, report.baselined),
        (false, Format::Human) if args.quiet => {
            // The summary line is the only line of the human format that is not a finding (its
            // last one): without it, the findings, and nothing when there is none.
            let mut text = render::render(report, args.format, &options);
            let summary = render::summary(&report.summary, report.baselined);
            if let Some(at) = text.rfind(summary.as_str()) {
                text.replace_range(at..at + summary.len(), "");
            }
            text
        }
        (false, format) => render::render(report, format, &options),
    };
    ci::step_summary(&checked, args.format, &options)?;
    // A report that could not be written in full is a run that could not be done (exit 2): CI
    // must not take a lost report (a full disk, /dev/full) for a clean one.
    match file {
        Some(path) => std::fs::write(path, &text)
            .with_context(|| format!("cannot write the report to {}", path.display()))?,
        None => write_stdout(&text, "the report")?,
    }
    let failed = matches!((threshold, report.max_severity()), (Some(t), Some(m)) if m >= t);
    // The process ends here: freeing the model, the files and the report one allocation at a
    // time would only delay the exit (about 0.3 s for 10,000 use cases); the OS takes it all back.
    std::mem::forget(checked);
    Ok(if failed {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// Writes `text` to standard output in full, or fails: every command's output goes through here,
/// so that a lost output (a full disk, /dev/full) is exit 2, never taken for success. A closed
/// pipe (`casebook check | head`) is not an error: the reader wanted no more.
fn write_stdout(text: &str, what: &str) -> Result<()> {
    let mut stdout = std::io::stdout().lock();
    match stdout.write_all(text.as_bytes()).and_then(|()| stdout.flush()) {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        result => result.with_context(|| format!("cannot write {what} to standard output")),
    }
}

#[cfg(feature = "handbook")]
fn build(root: &Path, out: PathBuf, force: bool, today: Option<Date>, color: ColorWhen) -> Result<ExitCode> {
    let today = today.unwrap_or_else(Date::today);
    let checked = check(root, CheckOptions { today })?;
    let templates = match &checked.catalogue.settings.templates {
        Some(dir) => {
            let rel = Path::new(&dir.value);
            if rel.is_absolute()
                || rel
                    .components()
                    .any(|c| matches!(c, std::path::Component::ParentDir))
            {
                bail!(
                    "`templates: {}` in casebook.yaml must be a folder inside the catalogue",
                    dir.value
                );
            }
            Some(root.join(rel))
        }
        None => None,
    };
    let options = casebook::handbook::BuildOptions {
        out,
        force,
        today,
        progress: std::io::stderr().is_terminal(),
        templates,
    };
    match casebook::handbook::build_with_notices(&checked, &options, &mut print_notice) {
        Ok(index) => {
            let s = checked.report.summary;
            println!(
                "handbook of {} use cases written to {} ({} errors, {} warnings, {} infos shown in it)",
                s.use_cases,
                index.display(),
                s.errors,
                s.warnings,
                s.infos
            );
            Ok(ExitCode::SUCCESS)
        }
        Err(casebook::handbook::BuildError::Untrustworthy(n)) => {
            let options = render::RenderOptions {
                color: color.colour(true),
                display_prefix: std::env::current_dir()
                    .map(|cwd| casebook::paths::display_prefix(root, &cwd))
                    .unwrap_or_default(),
                ..Default::default()
            };
            // Only the errors: what stops the build, not buried among the warnings.
            let mut report = checked.report;
            report.diagnostics.retain(|d| d.severity == Severity::Error);
            write_stdout(&render::render(&report, Format::Human, &options), "the report")?;
            let errors = if n == 1 {
                "1 format error"
            } else {
                &format!("{n} format errors")
            };
            eprintln!(
                "casebook: the handbook was not built: the catalogue cannot be trusted with {errors} (above; `casebook check` shows every finding)"
            );
            Ok(ExitCode::from(1))
        }
        Err(e) => Err(e.into()),
    }
}

/// Tells what the build wants known, on standard error.
#[cfg(feature = "handbook")]
fn print_notice(notice: Notice) {
    match notice {
        Notice::Waiting(out) => eprintln!(
            "casebook: another build is writing to {}; waiting for it to finish",
            out.display()
        ),
        Notice::LeftoverRemoved(folder) => {
            eprintln!(
                "casebook: removed {}, left by an interrupted build",
                folder.display()
            )
        }
        Notice::LeftoverKept { folder, foreign } => eprintln!(
            "casebook: {} is left from an interrupted build and holds files casebook did not write ({}); move them where they belong, then delete the folder",
            folder.display(),
            name_some(&foreign)
        ),
        Notice::Carried(entries) => eprintln!(
            "casebook: moved {} that casebook did not write from the previous handbook into the new one: {}",
            match entries.len() {
                1 => "1 entry".to_owned(),
                n => format!("{n} entries"),
            },
            name_some(&entries)
        ),
        Notice::NoLock(out) => eprintln!(
            "casebook: warning: the filesystem of {} cannot lock files; do not run two builds to it at once",
            out.display()
        ),
    }
}

fn stats(root: &Path, format: StatsFormat) -> Result<ExitCode> {
    let checked = check(root, CheckOptions { today: Date::today() })?;
    let errors = checked.report.summary.errors;
    if errors > 0 {
        eprintln!(
            "casebook: the catalogue has {errors} errors (see `casebook check`); metrics may be incomplete"
        );
    }
    let m = casebook::metrics::compute(&checked.catalogue, &checked.facts);
    let text = match format {
        StatsFormat::Table => casebook::metrics::to_table(&m),
        StatsFormat::Json => casebook::metrics::to_json(&m),
    };
    write_stdout(&text, "the metrics")?;
    Ok(ExitCode::SUCCESS)
}

fn explain(rule: Option<&str>) -> Result<ExitCode> {
    let text = match rule {
        None => {
            let width = REGISTRY.iter().map(|r| r.meta().id.len()).max().unwrap_or(0);
            let mut text = format!(
                "{:width$}  {:10}  {:8}  when it fires\n",
                "rule", "group", "default"
            );
            for r in REGISTRY {
                let m = r.meta();
                text += &format!(
                    "{:width$}  {:10}  {:8}  {}\n",
                    m.id,
                    m.group.as_str(),
                    m.default_severity.as_str(),
                    m.summary
                );
            }
            text + "\nRun `casebook explain RULE` for what a rule checks, why, an example and how to fix it.\n"
        }
        Some(id) => {
            let Some(m) = rules::find(id) else {
                let hint = casebook::suggest::closest(id, rules::ids())
                    .map(|s| format!("; did you mean `{s}`?"))
                    .unwrap_or_default();
                bail!("no rule named `{id}`{hint} (`casebook explain` lists them)");
            };
            format!(
                "# {}\n\nGroup: {}. Default severity: {}.\n\n{}\n",
                m.id,
                m.group.as_str(),
                m.default_severity.as_str(),
                m.documentation()
            )
        }
    };
    write_stdout(&text, "the documentation")?;
    Ok(ExitCode::SUCCESS)
}

fn graph(root: &Path, id: &str, format: GraphFormat) -> Result<ExitCode> {
    let checked = check(root, CheckOptions { today: Date::today() })?;
    let cat = &checked.catalogue;
    let Some(&i) = cat.index.use_cases.get(id) else {
        let hint = casebook::suggest::closest(id, cat.index.use_cases.keys().map(String::as_str))
            .map(|s| format!("; did you mean `{s}`?"))
            .unwrap_or_default();
        bail!("no use case `{id}` in {}{hint}", root.display());
    };
    write_stdout(
        &casebook::visual::render(cat, &cat.use_cases[i], &checked.facts.flows[i], format),
        "the graph",
    )?;
    Ok(ExitCode::SUCCESS)
}

fn schema(kind: Option<&str>) -> Result<ExitCode> {
    let names: Vec<&str> = FileKind::ALL.iter().map(|k| k.name()).collect();
    match kind.map(|k| (k, FileKind::from_name(k))) {
        Some((_, Some(kind))) => write_stdout(kind.schema_text(), "the schema")?,
        Some((k, None)) => bail!("no file kind `{k}`: choose one of {}", names.join(", ")),
        None => write_stdout(
            &format!(
                "casebook schema KIND, where KIND is one of: {}\n",
                names.join(", ")
            ),
            "the list of kinds",
        )?,
    }
    Ok(ExitCode::SUCCESS)
}

fn init(catalogue: PathBuf, workspace: Option<PathBuf>) -> Result<ExitCode> {
    let options = casebook::init::InitOptions { catalogue, workspace };
    write_stdout(&casebook::init::init(&options)?.to_text(), "the summary")?;
    Ok(ExitCode::SUCCESS)
}

fn new_use_case(root: &Path, id: &str, domain: &str) -> Result<ExitCode> {
    for (what, value) in [("use case id", id), ("domain", domain)] {
        if !scaffold::is_slug(value) {
            bail!(
                "`{value}` is not a valid {what}: use 1 to 64 lowercase letters, digits and dashes, starting with a letter or digit"
            );
        }
    }
    let checked = check(root, CheckOptions { today: Date::today() })?;
    if let Some(existing) = checked.catalogue.use_case(id) {
        let file = &checked.report.sources.get(existing.file).rel_path;
        bail!("a use case `{id}` already exists in {file}");
    }
    let dir = root.join("use-cases").join(domain);
    let path = dir.join(format!("{id}.yaml"));
    // The loader follows no link inside the catalogue; neither does `new`: a `use-cases` or
    // domain folder that is a link could lead it to write anywhere.
    for folder in [root.join("use-cases"), dir.clone()] {
        if std::fs::symlink_metadata(&folder).is_ok_and(|m| m.file_type().is_symlink()) {
            bail!(
                "{} is a symbolic link, which casebook does not follow; replace it with a folder",
                folder.display()
            );
        }
    }
    // Point editors at the schema, by a path from the new file that resolves in any clone, or
    // say why not and what to run.
    let cwd = std::env::current_dir().context("cannot find the current folder")?;
    let schema_path = match casebook::init::schema_line_path(&cwd, root, &dir, FileKind::UseCase) {
        Ok(path) => Some(path),
        Err(why) => {
            eprintln!("casebook: {why}");
            None
        }
    };
    let text = scaffold::new_use_case(&checked.catalogue, id, domain, schema_path.as_deref())?;
    std::fs::create_dir_all(&dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&path)
        .with_context(|| format!("will not overwrite {}", path.display()))?;
    file.write_all(text.as_bytes())
        .with_context(|| format!("cannot write {}", path.display()))?;
    println!("wrote {}", path.display());
    Ok(ExitCode::SUCCESS)
}

/// Prints the completion script of `shell`, generated from the same clap definitions as the
/// parser, so it can never offer a command or flag that does not exist.
fn completions(shell: clap_complete::Shell) -> Result<ExitCode> {
    let mut script = Vec::new();
    clap_complete::generate(shell, &mut Cli::command(), "casebook", &mut script);
    write_stdout(
        &String::from_utf8(script).context("the completion script is not UTF-8")?,
        "the completion script",
    )?;
    Ok(ExitCode::SUCCESS)
}

/// Prints the man page of casebook, or of one of its commands (`casebook-check(1)`, as git names
/// its pages), generated from the clap definitions.
fn man(command: Option<&str>) -> Result<ExitCode> {
    let mut cli = Cli::command();
    // Gives the commands the global options (--catalogue, --color) for their own pages.
    cli.build();
    let page = match command {
        None => cli,
        Some(name) => {
            let Some(sub) = cli.find_subcommand(name).filter(|s| !s.is_hide_set()) else {
                let names: Vec<&str> = cli
                    .get_subcommands()
                    .filter(|s| !s.is_hide_set())
                    .map(|s| s.get_name())
                    .collect();
                bail!("no command `{name}`: choose one of {}", names.join(", "));
            };
            // Built, a command is displayed as `casebook-check`, and used as `casebook check`.
            sub.clone()
        }
    };
    let mut roff = Vec::new();
    clap_mangen::Man::new(page)
        .source(format!("casebook {}", env!("CASEBOOK_VERSION")))
        .render(&mut roff)
        .context("cannot render the man page")?;
    write_stdout(
        &String::from_utf8(roff).context("the man page is not UTF-8")?,
        "the man page",
    )?;
    Ok(ExitCode::SUCCESS)
}
