//! Times the phases of `casebook check` one after the other on one catalogue folder (serially
//! and, for the whole, as the CLI does), to see where time goes.
//!
//! ```text
//! cargo run --release --example check-phases -- DIR
//! ```

use casebook::diagnostic::render::{self, Format};
use casebook::load::{FileKind, build::Builder, schema, yaml};
use casebook::source::FileId;
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

fn main() {
    let dir = PathBuf::from(std::env::args().nth(1).expect("usage: check-phases DIR"));
    let mut files = Vec::new();
    collect(&dir.join("use-cases"), &mut files);

    let t = Instant::now();
    let texts: Vec<String> = files
        .iter()
        .map(|p| std::fs::read_to_string(p).unwrap())
        .collect();
    let read = t.elapsed();
    let t = Instant::now();
    let nodes: Vec<yaml::Node> = texts.iter().map(|s| yaml::parse(s).unwrap()).collect();
    let parse = t.elapsed();
    let t = Instant::now();
    let json: usize = nodes
        .iter()
        .map(|n| n.to_json().as_object().map_or(0, |o| o.len()))
        .sum();
    let to_json = t.elapsed();
    let t = Instant::now();
    let errors: usize = nodes
        .iter()
        .map(|n| schema::validate(FileKind::UseCase, FileId(0), n).len())
        .sum();
    let validate = t.elapsed();
    let t = Instant::now();
    let built: usize = nodes
        .iter()
        .filter_map(|n| Builder::new(FileId(0)).use_case(n))
        .map(|u| u.steps.len())
        .sum();
    let build = t.elapsed();
    let t = Instant::now();
    drop(nodes);
    let drop_nodes = t.elapsed();
    println!("use-case files only, one thread:");
    println!("  read            {read:>10.3?}");
    println!("  yaml::parse     {parse:>10.3?}");
    println!("  Node::to_json   {to_json:>10.3?}   (part of schema::validate; {json} keys)");
    println!("  schema::validate{validate:>10.3?}   ({errors} errors)");
    println!("  Builder         {build:>10.3?}   ({built} steps)");
    println!("  drop nodes      {drop_nodes:>10.3?}");

    let today = casebook::model::Date::parse("2026-01-01").unwrap();
    let t = Instant::now();
    let loaded = casebook::load::load(&dir).unwrap();
    let load = t.elapsed();
    drop(loaded);
    let t = Instant::now();
    let checked = casebook::check(&dir, casebook::CheckOptions { today }).unwrap();
    let check = t.elapsed();
    let t = Instant::now();
    let facts = casebook::graph::Facts::build(&checked.catalogue);
    let facts_time = t.elapsed();
    drop(facts);
    let t = Instant::now();
    let text = render::render(&checked.report, Format::Json, &render::RenderOptions::default());
    let render_time = t.elapsed();
    let t = Instant::now();
    drop(checked);
    let drop_all = t.elapsed();
    println!("whole catalogue, rayon as in the CLI:");
    println!("  load::load      {load:>10.3?}");
    println!("  check           {check:>10.3?}   (load + facts + rules + report)");
    println!("  Facts::build    {facts_time:>10.3?}");
    println!("  render json     {render_time:>10.3?}   ({} bytes)", text.len());
    println!("  drop Checked    {drop_all:>10.3?}");
}
