//! Writes a synthetic catalogue of realistic shape, for benchmarks and load tests.
//!
//! ```text
//! cargo run --release --example gen-catalogue -- --use-cases 10000 --out /tmp/cat10k [--seed S] [--hostile] [--force]
//! ```
//!
//! The same seed always gives byte-identical files. The generator itself lives in
//! `examples/gen_catalogue/mod.rs`, shared with `benches/check.rs`.

mod gen_catalogue;

use clap::Parser;
use gen_catalogue::{Config, DEFAULT_SEED, generate, write};
use std::path::PathBuf;
use std::process::ExitCode;

/// Writes a synthetic casebook catalogue.
#[derive(Parser, Debug)]
#[command(name = "gen-catalogue")]
struct Args {
    /// Number of use cases.
    #[arg(long, default_value_t = 100)]
    use_cases: usize,
    /// The folder to write (created if missing; must be empty unless --force).
    #[arg(long, value_name = "DIR")]
    out: PathBuf,
    /// Seed of the pseudo-random generator.
    #[arg(long, default_value_t = DEFAULT_SEED)]
    seed: u64,
    /// Make two use cases in every 500 stress shapes: 40 binary branches in sequence (2^40
    /// paths) and 8 nested loops.
    #[arg(long)]
    hostile: bool,
    /// Replace a catalogue this generator wrote before (its use-cases/ folder is removed).
    #[arg(long)]
    force: bool,
}

fn main() -> ExitCode {
    let args = Args::parse();
    let cfg = Config {
        use_cases: args.use_cases,
        seed: args.seed,
        hostile: args.hostile,
    };
    let files = generate(&cfg);
    let bytes: usize = files.iter().map(|(_, t)| t.len()).sum();
    match write(&args.out, &files, args.force) {
        Ok(()) => {
            eprintln!(
                "gen-catalogue: wrote {} files ({:.1} MiB) to {}",
                files.len(),
                bytes as f64 / 1048576.0,
                args.out.display()
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("gen-catalogue: {e}");
            ExitCode::from(2)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::gen_catalogue::*;

    #[test]
    fn same_seed_gives_identical_files() {
        let cfg = Config {
            use_cases: 60,
            seed: 42,
            hostile: true,
        };
        assert_eq!(generate(&cfg), generate(&cfg));
        let other = Config { seed: 43, ..cfg };
        assert_ne!(generate(&cfg), generate(&other));
    }

    fn check(hostile: bool) -> casebook::Checked {
        let dir = tempfile::tempdir().unwrap();
        let cfg = Config {
            use_cases: 300,
            seed: DEFAULT_SEED,
            hostile,
        };
        write(dir.path(), &generate(&cfg), false).unwrap();
        let today = casebook::model::Date::parse(TODAY).unwrap();
        casebook::check(dir.path(), casebook::CheckOptions { today }).unwrap()
    }

    fn in_group(d: &casebook::diagnostic::Diagnostic, groups: &[casebook::rules::Group]) -> bool {
        casebook::rules::find(d.rule).is_some_and(|m| groups.contains(&m.group))
    }

    #[test]
    fn generated_catalogue_is_well_formed_and_structurally_sound() {
        use casebook::rules::Group;
        for hostile in [false, true] {
            let checked = check(hostile);
            let errors: Vec<_> = checked
                .report
                .diagnostics
                .iter()
                .filter(|d| d.severity == casebook::diagnostic::Severity::Error)
                .filter(|d| in_group(d, &[Group::Format, Group::Structure]))
                .collect();
            assert!(
                errors.is_empty(),
                "hostile {hostile}: {} errors, first: {:?}",
                errors.len(),
                errors.first()
            );
            assert_eq!(checked.catalogue.use_cases.len(), 300);
            for uc in &checked.catalogue.use_cases {
                let stress = uc.id.value.starts_with("ladder-") || uc.id.value.starts_with("nested-");
                assert!(
                    stress || (8..=30).contains(&uc.steps.len()),
                    "{}: {} steps",
                    uc.id.value,
                    uc.steps.len()
                );
            }
        }
    }

    /// Outside the stress shapes, the flows respect the definitions: no errors at all, and the
    /// warnings come from the few drafts flawed on purpose, lapsed reviews and raters who
    /// disagree, under one finding per use case on average, in several flow and experience rules.
    #[test]
    fn generated_flows_are_mostly_clean() {
        use casebook::rules::Group;
        let checked = check(false);
        let diags = &checked.report.diagnostics;
        let errors: Vec<_> = diags
            .iter()
            .filter(|d| d.severity == casebook::diagnostic::Severity::Error)
            .collect();
        assert!(
            errors.is_empty(),
            "{} errors, first: {:?}",
            errors.len(),
            errors.first()
        );
        assert!(diags.len() <= 300, "{} findings on 300 use cases", diags.len());
        assert!(
            diags.len() >= 30,
            "only {} findings on 300 use cases",
            diags.len()
        );
        let rules: std::collections::BTreeSet<&str> = diags
            .iter()
            .filter(|d| in_group(d, &[Group::Flow, Group::Experience]))
            .map(|d| d.rule)
            .collect();
        assert!(rules.len() >= 6, "findings from only {rules:?}");
    }

    #[test]
    fn refuses_non_empty_folders() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("notes.txt"), "mine").unwrap();
        let files = generate(&Config {
            use_cases: 1,
            seed: 1,
            hostile: false,
        });
        assert!(matches!(
            write(dir.path(), &files, false),
            Err(WriteError::NotEmpty(_))
        ));
        assert!(matches!(
            write(dir.path(), &files, true),
            Err(WriteError::NotGenerated(_))
        ));
        let gen_dir = tempfile::tempdir().unwrap();
        write(gen_dir.path(), &files, false).unwrap();
        write(gen_dir.path(), &files, true).unwrap();
    }
}
