//! Times the phases of `casebook build` on a catalogue, to see casebook's own share next to
//! mdBook's: `cargo run --release --example handbook-phases -- CATALOGUE [--large]`.
//!
//! Phases: check; casebook's pages and pictures, whole (`write_source`, as `casebook build`
//! runs it) and then piece by piece (templates, metrics, pages in memory, swimlanes alone,
//! writing); mdBook alone on the same source. Wall and process CPU (user + sys) for each:
//! CPU above wall means more than one core was busy. `RAYON_NUM_THREADS=1` runs casebook's
//! part on one thread (mdBook's rendering is serial either way). `--large` forces the large form
//! of the handbook (use case pages in batches, sharded search), as above
//! `handbook::LARGE_ABOVE` use cases.

use casebook::handbook::{BuildOptions, pages, render_html_with, templates, write_source_with};
use casebook::model::Date;
use rayon::prelude::*;
use std::time::Instant;

/// User + system CPU seconds of this process so far (Linux: /proc/self/stat, in clock ticks).
fn cpu() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    let after = stat.rsplit(')').next().unwrap_or_default();
    let fields: Vec<&str> = after.split_whitespace().collect();
    let ticks = |i: usize| fields.get(i).and_then(|f| f.parse::<f64>().ok()).unwrap_or(0.0);
    // utime and stime are fields 14 and 15 of the line, 12 and 13 after the ")".
    (ticks(11) + ticks(12)) / 100.0
}

fn timed<T>(what: &str, f: impl FnOnce() -> T) -> T {
    let (t, c) = (Instant::now(), cpu());
    let out = f();
    println!(
        "{what:<40} {:>8.3} s wall {:>8.3} s CPU",
        t.elapsed().as_secs_f64(),
        cpu() - c
    );
    out
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let root = args
        .iter()
        .find(|a| !a.starts_with("--"))
        .cloned()
        .unwrap_or_else(|| "catalogue".to_owned());
    let today = Date::parse("2026-11-22").expect("a date");
    let checked = timed("check (load, graphs, rules)", || {
        casebook::check(std::path::Path::new(&root), casebook::CheckOptions { today }).expect("a catalogue")
    });
    let large = args.iter().any(|a| a == "--large") || casebook::handbook::is_large(&checked);
    println!("threads: {}, large form: {large}", rayon::current_num_threads());
    let dir = tempfile::tempdir().expect("a temporary folder");
    let options = BuildOptions {
        out: dir.path().join("out"),
        force: false,
        today,
        progress: false,
        templates: None,
    };
    let files = timed("pages and pictures, written (whole)", || {
        write_source_with(&checked, dir.path(), &options, large).expect("pages")
    });
    println!("  {files} files");
    let cat = &checked.catalogue;
    let tera = timed("  templates", || templates::load(None).expect("templates"));
    let metrics = timed("  metrics", || casebook::metrics::compute(cat, &checked.facts));
    let lanes = casebook::swimlane::LaneLabels::for_catalogue(cat);
    let diagram =
        |i: usize| casebook::swimlane::render_svg(cat, &cat.use_cases[i], &checked.facts.flows[i], lanes);
    let t = casebook::labels::table(cat.settings.language);
    let page_options = pages::PageOptions {
        today,
        large: false,
        diagram: &diagram,
        progress: &|| {},
    };
    let made = timed("  pages in memory (Tera, SVG, charts)", || {
        pages::build_pages(&checked, &metrics, &tera, &t, &page_options).expect("pages")
    });
    timed("    of which swimlane SVGs alone", || {
        (0..cat.use_cases.len())
            .into_par_iter()
            .map(diagram)
            .map(|s| s.len())
            .sum::<usize>()
    });
    let bytes: usize = made.iter().map(|p| p.content.len()).sum();
    println!("  {} pages, {:.1} MiB", made.len(), bytes as f64 / 1048576.0);
    timed(
        "HTML: mdBook (and in the large form the use case batches and search)",
        || render_html_with(&checked, dir.path(), &options, large).expect("mdBook"),
    );
}
