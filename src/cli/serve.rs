//! `casebook serve`: the arguments, the signals and what is printed; the work is
//! `casebook::serve`.

use casebook::model::Date;

/// The arguments of `casebook serve`.
#[derive(clap::Args, Debug)]
#[cfg_attr(not(feature = "handbook"), allow(dead_code))]
pub struct ServeArgs {
    /// The port on 127.0.0.1; 0 picks a free one (the address is printed).
    #[arg(long, default_value_t = 3000)]
    port: u16,
    /// The date used for "due for review", YYYY-MM-DD (default: today, at each rebuild).
    #[arg(long, value_parser = super::parse_date)]
    today: Option<Date>,
}

/// Serves until Ctrl-C, SIGTERM or SIGHUP.
#[cfg(feature = "handbook")]
pub fn run(root: &std::path::Path, args: ServeArgs) -> anyhow::Result<std::process::ExitCode> {
    use casebook::serve::{self, Event, ServeOptions};
    use std::io::Write as _;
    let (stop, stopped) = std::sync::mpsc::channel();
    ctrlc::set_handler(move || {
        let _ = stop.send(());
    })?;
    let options = ServeOptions {
        catalogue: root.to_owned(),
        port: args.port,
        today: args.today,
    };
    let phases = |outcome: &serve::rebuild::Outcome| {
        let parts: Vec<String> = outcome
            .phases
            .iter()
            .map(|(name, d)| format!("{name} {} ms", d.as_millis()))
            .collect();
        parts.join(", ")
    };
    let log_passes = std::env::var_os("SERVE_LOG").is_some_and(|v| !v.is_empty());
    let say = move |event: Event| match event {
        Event::Listening(url) => {
            // The address alone on standard output, for scripts; the rest on standard error.
            println!("{url}");
            let _ = std::io::stdout().flush();
            eprintln!("casebook: serving the handbook at {url} (Ctrl-C stops)");
        }
        Event::Rebuilt(outcome) => {
            let ms = outcome.first_published.as_millis();
            match &outcome.errors {
                Some(errors) => eprintln!(
                    "casebook: the handbook was not rebuilt ({} error{}); the pages list {} (in {ms} ms)",
                    errors.lines.len(),
                    if errors.lines.len() == 1 { "" } else { "s" },
                    if errors.lines.len() == 1 { "it" } else { "them" }
                ),
                None if outcome.quick.is_empty() && outcome.full.is_empty() => {}
                None if outcome.quick.is_empty() => eprintln!(
                    "casebook: handbook of {} use cases {}, {} files written in {ms} ms ({})",
                    outcome.use_cases,
                    if outcome.whole { "built" } else { "updated" },
                    outcome.full.len(),
                    phases(&outcome)
                ),
                None => eprintln!(
                    "casebook: {} changed pages and pictures served in {ms} ms{} ({})",
                    outcome.quick.len(),
                    if outcome.full_skipped {
                        ""
                    } else {
                        "; the rest of the book followed"
                    },
                    phases(&outcome)
                ),
            }
        }
        // With SERVE_LOG set, each pass as it is announced (benchmarks and tests read it).
        Event::Pass {
            pass,
            written,
            elapsed,
        } if log_passes => {
            let files = if written.len() <= 40 {
                written.join(" ")
            } else {
                format!("{} files", written.len())
            };
            eprintln!(
                "casebook: {pass} pass published at {} ms: {files}",
                elapsed.as_millis()
            );
        }
        Event::Pass { .. } => {}
        Event::WatchError(e) => eprintln!("casebook: watching the catalogue: {e}"),
    };
    serve::run(options, stopped, std::sync::Arc::new(say))?;
    eprintln!("casebook: stopped");
    Ok(std::process::ExitCode::SUCCESS)
}
