//! Benchmarks of the swimlane diagram on dense use cases (issue 8: any use case the loader
//! accepts is drawn in bounded time; target under 1 s each, release build).
//!
//! Each shape is written once into a temporary catalogue over the test fixtures' organisation,
//! loaded, and its flow graph built; then:
//!
//! - `layout`: `swimlane::layout` (the geometry);
//! - `render`: `swimlane::render_svg` (layout and SVG text).
//!
//! Shapes: `full_200` (200 steps, every step's `next` lists every other step: 39,801 edges;
//! plain entries, as 200 steps with a condition on every entry exceed the loader's node
//! budget), `full_180_when` (180 steps, the same with a condition on every entry: 32,221
//! edges), `sparse_1000` (1,000 steps, each leading to the next and to two pseudo-random steps,
//! with conditions: 3,000 edges).
//!
//! Run with `cargo bench --bench swimlane`; see benches/README.md.

use casebook::graph::FlowGraph;
use casebook::model::Catalogue;
use casebook::swimlane::{self, LaneLabels};
use divan::Bencher;
use std::collections::BTreeMap;
use std::fmt::Write;
use std::path::Path;
use std::sync::Mutex;

const SHAPES: [&str; 3] = ["full_200", "full_180_when", "sparse_1000"];

static FIXTURES: Mutex<BTreeMap<&'static str, &'static Fixture>> = Mutex::new(BTreeMap::new());

fn main() {
    divan::main();
}

struct Fixture {
    catalogue: Catalogue,
    flow: FlowGraph,
}

/// The YAML of a use case of `n` steps over five teams and the customer whose `next` entries
/// are `targets(i)` (`n` is the end step), with a condition on each when `when`.
fn use_case(n: usize, when: bool, targets: impl Fn(usize) -> Vec<usize>) -> String {
    let actors = [
        "customer",
        "contact-centre",
        "billing",
        "field-service",
        "it-support",
    ];
    let mut y = String::from("id: dense\ntitle: A dense use case\ndomain: billing\nsteps:\n");
    for i in 0..n {
        let actor = actors[i % actors.len()];
        let _ = writeln!(
            y,
            "  - id: s{i}\n    title: Step {i}\n    actor: {actor}\n    next:"
        );
        for (k, t) in targets(i).into_iter().enumerate() {
            let to = if t >= n { "end".to_owned() } else { format!("s{t}") };
            if when {
                let _ = writeln!(y, "      - to: {to}\n        when: case {k}");
            } else {
                let _ = writeln!(y, "      - {to}");
            }
        }
    }
    y.push_str("  - id: end\n    end: finished\n");
    y
}

fn fully_connected(n: usize, when: bool) -> String {
    use_case(n, when, |i| {
        let mut t: Vec<usize> = (0..n).filter(|&j| j != i).collect();
        if i + 1 == n {
            t.push(n);
        }
        t
    })
}

fn sparse(n: usize) -> String {
    use_case(n, true, |i| {
        let mut x = (i as u64 + 1).wrapping_mul(0x9E37_79B9_7F4A_7C15);
        let mut next = || {
            x ^= x >> 29;
            x = x.wrapping_mul(0xBF58_476D_1CE4_E5B9);
            (x >> 32) as usize % n
        };
        vec![i + 1, next(), next()]
    })
}

/// The loaded shape, built on first use and kept for the whole run.
fn fixture(shape: &'static str) -> &'static Fixture {
    let mut map = FIXTURES.lock().unwrap();
    map.entry(shape).or_insert_with(|| {
        let yaml = match shape {
            "full_200" => fully_connected(200, false),
            "full_180_when" => fully_connected(180, true),
            _ => sparse(1000),
        };
        let dir = tempfile::tempdir().expect("temporary folder");
        let base = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/base");
        for f in [
            "casebook.yaml",
            "channels.yaml",
            "information.yaml",
            "organisation.yaml",
        ] {
            std::fs::copy(base.join(f), dir.path().join(f)).expect("copy the base catalogue");
        }
        std::fs::create_dir(dir.path().join("use-cases")).expect("use-cases folder");
        std::fs::write(dir.path().join("use-cases/dense.yaml"), yaml).expect("write the use case");
        let catalogue = casebook::load::load(dir.path()).expect("loads").catalogue;
        assert_eq!(
            catalogue.use_cases.len(),
            1,
            "{shape}: the loader accepts the use case"
        );
        let flow = FlowGraph::build(&catalogue, &catalogue.use_cases[0]);
        Box::leak(Box::new(Fixture { catalogue, flow }))
    })
}

#[divan::bench(args = SHAPES, sample_count = 10)]
fn layout(bencher: Bencher, shape: &'static str) {
    let f = fixture(shape);
    let uc = &f.catalogue.use_cases[0];
    bencher.bench(|| swimlane::layout(&f.catalogue, uc, &f.flow));
}

#[divan::bench(args = SHAPES, sample_count = 10)]
fn render(bencher: Bencher, shape: &'static str) {
    let f = fixture(shape);
    let uc = &f.catalogue.use_cases[0];
    bencher.bench(|| swimlane::render_svg(&f.catalogue, uc, &f.flow, &LaneLabels::ENGLISH));
}
