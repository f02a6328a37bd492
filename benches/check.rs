//! Benchmarks of `casebook check` against parsing alone, on synthetic catalogues.
//!
//! Each size is generated once (with the stress shapes of `--hostile`) into a temporary folder
//! by the generator of `examples/gen-catalogue.rs`, then:
//!
//! - `parse_raw`: every file read and parsed with serde-saphyr alone into `serde_json::Value`
//!   (default options), one thread: the baseline the performance target speaks of;
//! - `parse_raw_parallel`: the same on rayon's pool, as the loader reads files;
//! - `parse_node`: casebook's `load::yaml::parse` (spanned nodes, budgets), one thread;
//! - `load`: `casebook::load::load` (discover, read, parse, schema, model; parallel);
//! - `check`: `casebook::check`, the whole pipeline without rendering.
//!
//! Run with `cargo bench --bench check`; see benches/README.md.

#[path = "../examples/gen_catalogue/mod.rs"]
mod gen_catalogue;

use casebook::model::Date;
use divan::Bencher;
use rayon::prelude::*;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

const SIZES: [usize; 2] = [100, 1000];

static FIXTURES: Mutex<BTreeMap<usize, &'static Fixture>> = Mutex::new(BTreeMap::new());

fn main() {
    divan::main();
    for f in FIXTURES.lock().unwrap().values() {
        let _ = std::fs::remove_dir_all(&f.dir);
    }
}

struct Fixture {
    dir: PathBuf,
    files: Vec<PathBuf>,
}

/// The catalogue of `n` use cases, generated on first use and kept for the whole run.
fn fixture(n: usize) -> &'static Fixture {
    let mut map = FIXTURES.lock().unwrap();
    map.entry(n).or_insert_with(|| {
        let dir = tempfile::Builder::new()
            .prefix("casebook-bench-")
            .tempdir()
            .expect("temporary folder")
            .keep();
        let cfg = gen_catalogue::Config {
            use_cases: n,
            seed: gen_catalogue::DEFAULT_SEED,
            hostile: true,
        };
        let generated = gen_catalogue::generate(&cfg);
        gen_catalogue::write(&dir, &generated, false).expect("catalogue written");
        let files = generated.iter().map(|(rel, _)| dir.join(rel)).collect();
        Box::leak(Box::new(Fixture { dir, files }))
    })
}

fn parse_raw_file(path: &Path) -> serde_json::Value {
    let text = std::fs::read_to_string(path).unwrap();
    serde_saphyr::from_str(&text).unwrap()
}

#[divan::bench(args = SIZES, sample_count = 20)]
fn parse_raw(bencher: Bencher, n: usize) {
    let f = fixture(n);
    bencher.bench(|| f.files.iter().map(|p| parse_raw_file(p)).collect::<Vec<_>>());
}

#[divan::bench(args = SIZES, sample_count = 20)]
fn parse_raw_parallel(bencher: Bencher, n: usize) {
    let f = fixture(n);
    bencher.bench(|| f.files.par_iter().map(|p| parse_raw_file(p)).collect::<Vec<_>>());
}

#[divan::bench(args = SIZES, sample_count = 20)]
fn parse_node(bencher: Bencher, n: usize) {
    let f = fixture(n);
    bencher.bench(|| {
        f.files
            .iter()
            .map(|p| casebook::load::yaml::parse(&std::fs::read_to_string(p).unwrap()).unwrap())
            .collect::<Vec<_>>()
    });
}

#[divan::bench(args = SIZES, sample_count = 20)]
fn load(bencher: Bencher, n: usize) {
    let f = fixture(n);
    bencher.bench(|| casebook::load::load(&f.dir).unwrap());
}

#[divan::bench(args = SIZES, sample_count = 20)]
fn check(bencher: Bencher, n: usize) {
    let f = fixture(n);
    let today = Date::parse("2026-01-01").unwrap();
    bencher.bench(|| casebook::check(&f.dir, casebook::CheckOptions { today }).unwrap());
}
