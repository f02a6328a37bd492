//! Benchmarks of the report formats on a catalogue with many findings: 4 files of 5,000 steps,
//! each step an `unknown-reference` error (20,000 findings), checked once; then each format
//! renders the same report. The target: human within 2 times JSON.
//!
//! Run with `cargo bench --bench report`; see benches/README.md.

#[path = "findings_catalogue/mod.rs"]
mod findings_catalogue;

use casebook::diagnostic::Report;
use casebook::diagnostic::render::{self, Format, RenderOptions};
use casebook::model::Date;
use std::sync::OnceLock;

const FILES: usize = 4;
const STEPS: usize = 5_000;

fn main() {
    divan::main();
}

/// The report, made once.
fn report() -> &'static Report {
    static REPORT: OnceLock<Report> = OnceLock::new();
    REPORT.get_or_init(|| {
        let dir = tempfile::tempdir().expect("temporary folder");
        findings_catalogue::write(dir.path(), FILES, STEPS).expect("catalogue written");
        let today = Date::parse("2026-11-22").expect("a date");
        let checked = casebook::check(dir.path(), casebook::CheckOptions { today }).expect("loads");
        assert_eq!(
            checked.report.diagnostics.len(),
            FILES * STEPS,
            "one finding per step"
        );
        checked.report
    })
}

#[divan::bench(args = [Format::Human, Format::Json, Format::Github, Format::Sarif, Format::Junit], sample_count = 5)]
fn render_20k_findings(bencher: divan::Bencher, format: Format) {
    let report = report();
    let options = RenderOptions::default();
    bencher.bench(|| render::render(divan::black_box(report), format, &options));
}
