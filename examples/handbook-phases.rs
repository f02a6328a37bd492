//! Times the phases of `casebook build` on a catalogue, to see casebook's own share next to
//! mdBook's: `cargo run --release --example handbook-phases -- CATALOGUE`.

use casebook::handbook::{BuildOptions, run_mdbook, write_source};
use casebook::model::Date;
use std::time::Instant;

fn main() {
    let root = std::env::args().nth(1).unwrap_or_else(|| "catalogue".to_owned());
    let today = Date::parse("2026-11-22").expect("a date");
    let t = Instant::now();
    let checked =
        casebook::check(std::path::Path::new(&root), casebook::CheckOptions { today }).expect("a catalogue");
    println!(
        "check (load, graphs, rules)      {:>8.3} s",
        t.elapsed().as_secs_f64()
    );
    let dir = tempfile::tempdir().expect("a temporary folder");
    let options = BuildOptions {
        out: dir.path().join("out"),
        force: false,
        today,
        progress: false,
        templates: None,
    };
    let t = Instant::now();
    let pages = write_source(&checked, dir.path(), &options).expect("pages");
    println!(
        "pages and diagrams ({pages:>6} files) {:>8.3} s",
        t.elapsed().as_secs_f64()
    );
    let t = Instant::now();
    run_mdbook(&checked, dir.path()).expect("mdBook");
    println!(
        "mdBook alone (HTML and search)   {:>8.3} s",
        t.elapsed().as_secs_f64()
    );
}
