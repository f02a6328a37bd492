//! Benchmarks of the loader alone, on realistic generated catalogues (the default generator, no
//! stress shapes) of 100 and 1,000 use cases:
//!
//! - `load`: `casebook::load::load`, what `check` spends before the flow graphs and rules:
//!   discover, read, parse, schema, model (parallel, as the CLI runs it);
//! - `yaml_parse`: casebook's YAML parser alone (`load::yaml::parse`: spanned nodes, budgets,
//!   duplicate keys) on every file's text already in memory, one thread: no disk, no schema;
//! - `yaml_parse_serde_value`: serde-saphyr alone parsing the same texts into
//!   `serde_json::Value`, one thread: the baseline issue 13's ratio speaks of
//!   (`examples/parse-catalogue` times the same on whole catalogues).
//!
//! Run with `cargo bench --bench load`; see benches/README.md.

#[path = "../examples/gen_catalogue/mod.rs"]
mod gen_catalogue;

use divan::Bencher;
use std::collections::BTreeMap;
use std::path::PathBuf;
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
    /// Every file's text, as generated.
    texts: Vec<String>,
}

/// The catalogue of `n` use cases, generated on first use and kept for the whole run.
fn fixture(n: usize) -> &'static Fixture {
    let mut map = FIXTURES.lock().unwrap();
    map.entry(n).or_insert_with(|| {
        let dir = tempfile::Builder::new()
            .prefix("casebook-bench-load-")
            .tempdir()
            .expect("temporary folder")
            .keep();
        let cfg = gen_catalogue::Config {
            use_cases: n,
            seed: gen_catalogue::DEFAULT_SEED,
            hostile: false,
        };
        let generated = gen_catalogue::generate(&cfg);
        gen_catalogue::write(&dir, &generated, false).expect("catalogue written");
        let texts = generated.iter().map(|(_, text)| text.clone()).collect();
        Box::leak(Box::new(Fixture { dir, texts }))
    })
}

#[divan::bench(args = SIZES, sample_count = 20)]
fn load(bencher: Bencher, n: usize) {
    let f = fixture(n);
    bencher.bench(|| casebook::load::load(&f.dir).expect("the catalogue loads"));
}

#[divan::bench(args = SIZES, sample_count = 20)]
fn yaml_parse(bencher: Bencher, n: usize) {
    let f = fixture(n);
    bencher.bench(|| {
        f.texts
            .iter()
            .map(|text| casebook::load::yaml::parse(text).expect("valid YAML"))
            .collect::<Vec<_>>()
    });
}

#[divan::bench(args = SIZES, sample_count = 20)]
fn yaml_parse_serde_value(bencher: Bencher, n: usize) {
    let f = fixture(n);
    bencher.bench(|| {
        f.texts
            .iter()
            .map(|text| serde_saphyr::from_str::<serde_json::Value>(text).expect("valid YAML"))
            .collect::<Vec<_>>()
    });
}
