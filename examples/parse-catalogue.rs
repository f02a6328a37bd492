//! Parse-only baseline for the check benchmark: reads every `.yaml` file of a catalogue folder
//! and parses it, with nothing else done, so that `casebook check` can be compared with it.
//!
//! ```text
//! cargo run --release --example parse-catalogue -- DIR [--parser raw|node] [--serial]
//! ```
//!
//! `raw` (default) parses with serde-saphyr alone into `serde_json::Value`, default options;
//! `node` uses casebook's own `load::yaml::parse` (spanned nodes, budgets). Files are parsed in
//! parallel with rayon like the loader does, unless `--serial`.

use rayon::prelude::*;
use std::path::{Path, PathBuf};
use std::time::Instant;

fn collect(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .expect("readable folder")
        .map(|e| e.expect("readable entry").path())
        .collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            collect(&path, out);
        } else if path.extension().is_some_and(|e| e == "yaml") {
            out.push(path);
        }
    }
}

fn parse(path: &Path, node: bool) -> usize {
    let text = std::fs::read_to_string(path).expect("readable UTF-8 file");
    if node {
        casebook::load::yaml::parse(&text).expect("valid YAML");
    } else {
        serde_saphyr::from_str::<serde_json::Value>(&text).expect("valid YAML");
    }
    text.len()
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let dir = args
        .iter()
        .find(|a| !a.starts_with("--") && *a != "raw" && *a != "node")
        .expect("usage: parse-catalogue DIR [--parser raw|node] [--serial]");
    let node = args.iter().any(|a| a == "node");
    let serial = args.iter().any(|a| a == "--serial");
    let started = Instant::now();
    let mut files = Vec::new();
    collect(Path::new(dir), &mut files);
    let bytes: usize = if serial {
        files.iter().map(|p| parse(p, node)).sum()
    } else {
        files.par_iter().map(|p| parse(p, node)).sum()
    };
    eprintln!(
        "parse-catalogue: {} files, {:.1} MiB, parser {}, {}: {:.3} s",
        files.len(),
        bytes as f64 / 1048576.0,
        if node { "node" } else { "raw" },
        if serial { "serial" } else { "parallel" },
        started.elapsed().as_secs_f64()
    );
}
