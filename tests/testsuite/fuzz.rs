//! Fuzzing of the loader and the whole `check` pipeline, in process, through the library API.
//!
//! A case is a small catalogue made from the sample catalogue (`catalogue/`): its four top-level
//! files and a few of its use cases, one of the files mutated: bit flips, truncations, splices
//! from other files, lines deleted, repeated or re-indented (duplicate keys), hostile tokens
//! inserted (anchors, aliases, merge keys, deep nesting, huge numbers and dates, control
//! characters, byte-order marks), values replaced by tokens or by other lines' values; sometimes
//! the mutated use case also gets a hostile file name. Each case is written to a temporary
//! folder, checked with
//! [`casebook::check`], rendered in every format, its metrics computed (`stats`) and its use cases
//! drawn (`graph`: DOT, Mermaid, SVG), and must:
//!
//! - not panic, and finish within a time bound;
//! - locate every diagnostic (and label) inside its file's text, on character boundaries;
//! - render to valid JSON, and to human and github text with no raw control character.
//!
//! `cargo test` runs a short, fixed-seed run (proptest, shrinking on failure). The long run
//! (`long_run`, ignored by default) keeps going for `CASEBOOK_FUZZ_SECS` seconds, saves every
//! failing case under `CASEBOOK_FUZZ_OUT` (default `target/fuzz-findings`) instead of stopping,
//! and runs the cases in child processes so that a hang is recorded and the run goes on; see
//! benches/README.md for the command.

use casebook::diagnostic::Report;
use casebook::diagnostic::render::{self, Format, RenderOptions};
use casebook::model::Date;
use casebook::visual::GraphFormat;
use casebook::{CheckOptions, check};
use proptest::prelude::*;
use proptest::strategy::ValueTree;
use proptest::test_runner::{Config, RngSeed, TestRng, TestRunner};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

/// The files of the sample catalogue: (path relative to it, bytes). The top-level files first.
fn seeds() -> &'static [(String, Vec<u8>)] {
    static SEEDS: OnceLock<Vec<(String, Vec<u8>)>> = OnceLock::new();
    SEEDS.get_or_init(|| {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("catalogue");
        let mut files = Vec::new();
        for top in TOP_LEVEL {
            files.push((
                top.to_owned(),
                std::fs::read(root.join(top)).expect("sample file"),
            ));
        }
        let mut use_cases = Vec::new();
        collect(&root, &root.join("use-cases"), &mut use_cases);
        use_cases.sort();
        files.extend(use_cases);
        files
    })
}

const TOP_LEVEL: [&str; 4] = [
    "casebook.yaml",
    "organisation.yaml",
    "channels.yaml",
    "information.yaml",
];

fn collect(root: &Path, dir: &Path, out: &mut Vec<(String, Vec<u8>)>) {
    for entry in std::fs::read_dir(dir).expect("readable sample folder") {
        let path = entry.expect("entry").path();
        if path.is_dir() {
            collect(root, &path, out);
        } else if path.extension().is_some_and(|e| e == "yaml") {
            let rel = path.strip_prefix(root).unwrap().to_string_lossy().into_owned();
            out.push((rel, std::fs::read(&path).expect("sample use case")));
        }
    }
}

/// Texts that stress a YAML loader or a renderer, inserted or used as values.
const TOKENS: &[&str] = include!("../yaml-stress-tokens.in");

/// File names for the mutated use case (control characters, spaces, non-ASCII, odd dots).
const NAMES: &[&str] = &[
    "esc\u{1b}[31mred",
    "bel\u{7}",
    "new\nline",
    "cr\rret",
    "c1\u{9b}x",
    "sp ace",
    "é",
    "..x",
    "UPPER",
    "percent%2C,comma:colon",
];

/// One mutation of a file's bytes. Positions are taken modulo the length.
#[derive(Clone, Debug)]
enum Edit {
    FlipBit(usize, u8),
    Truncate(usize),
    /// Inserts `len` bytes of seed file `file` from `from` at `at`.
    Splice {
        file: usize,
        from: usize,
        len: usize,
        at: usize,
    },
    Insert(usize, usize),
    DeleteLine(usize),
    RepeatLine(usize),
    SwapLines(usize, usize),
    /// Changes a line's indentation by the given number of spaces (negative removes).
    Indent(usize, i8),
    /// Replaces the value after the first `: ` of a line by a token.
    ReplaceValue(usize, usize),
    /// Replaces the value after the first `: ` of a line by `depth` nested flow sequences or maps.
    Nest(usize, u16, bool),
    /// Repeats the whole text `n` times (duplicate keys everywhere, bigger files).
    RepeatAll(u8),
    /// Puts the value of another line in place of a line's value: still YAML, and ids land in
    /// other places (`next:` to another step, loops, an actor where a channel was).
    CopyValue(usize, usize),
}

fn edit() -> impl Strategy<Value = Edit> {
    let token = 0..TOKENS.len();
    prop_oneof![
        1 => (any::<usize>(), 0u8..8).prop_map(|(p, b)| Edit::FlipBit(p, b)),
        1 => any::<usize>().prop_map(Edit::Truncate),
        1 => (any::<usize>(), any::<usize>(), 0usize..400, any::<usize>())
            .prop_map(|(file, from, len, at)| Edit::Splice { file, from, len, at }),
        3 => (any::<usize>(), token.clone()).prop_map(|(p, t)| Edit::Insert(p, t)),
        1 => any::<usize>().prop_map(Edit::DeleteLine),
        2 => any::<usize>().prop_map(Edit::RepeatLine),
        1 => (any::<usize>(), any::<usize>()).prop_map(|(a, b)| Edit::SwapLines(a, b)),
        1 => (any::<usize>(), -4i8..=4).prop_map(|(l, d)| Edit::Indent(l, d)),
        3 => (any::<usize>(), token).prop_map(|(l, t)| Edit::ReplaceValue(l, t)),
        1 => (any::<usize>(), 1u16..2000, any::<bool>()).prop_map(|(l, d, m)| Edit::Nest(l, d, m)),
        1 => (2u8..4).prop_map(Edit::RepeatAll),
        4 => (any::<usize>(), any::<usize>()).prop_map(|(a, b)| Edit::CopyValue(a, b)),
    ]
}

/// A small catalogue: the seed files it holds (top-level ones always), which one is mutated and
/// how, and an optional hostile name for it when it is a use case.
#[derive(Clone, Debug)]
struct Case {
    target: usize,
    others: Vec<usize>,
    edits: Vec<Edit>,
    rename: Option<usize>,
}

fn case() -> impl Strategy<Value = Case> {
    let n = seeds().len();
    // The four top-level files hold the settings, teams, channels and items every use case
    // refers to: mutate them as often as the hundred and more use cases together.
    let target = prop_oneof![0..TOP_LEVEL.len(), TOP_LEVEL.len()..n];
    (
        target,
        prop::collection::vec(TOP_LEVEL.len()..n, 0..3),
        prop::collection::vec(edit(), 1..5),
        prop::option::weighted(0.15, 0..NAMES.len()),
    )
        .prop_map(|(target, others, edits, rename)| Case {
            target,
            others,
            edits,
            rename,
        })
}

fn line_ranges(text: &[u8]) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut start = 0;
    for (i, &b) in text.iter().enumerate() {
        if b == b'\n' {
            out.push((start, i + 1));
            start = i + 1;
        }
    }
    if start < text.len() {
        out.push((start, text.len()));
    }
    out
}

/// The byte range of line `l`'s value: after its first `: `, up to the end of the line.
fn value_range(text: &[u8], l: usize) -> Option<(usize, usize)> {
    let lines = line_ranges(text);
    let (s, e) = *lines.get(l % lines.len().max(1))?;
    let line = &text[s..e];
    let colon = line.windows(2).position(|w| w == b": ")?;
    let end = if line.ends_with(b"\n") { e - 1 } else { e };
    Some((s + colon + 2, end))
}

fn apply(mut text: Vec<u8>, edits: &[Edit]) -> Vec<u8> {
    let seeds = seeds();
    for e in edits {
        let len = text.len();
        let pos = |p: usize| p % (len + 1);
        match *e {
            Edit::FlipBit(p, b) if len > 0 => text[p % len] ^= 1 << b,
            Edit::Truncate(p) => text.truncate(pos(p)),
            Edit::Splice {
                file,
                from,
                len: n,
                at,
            } => {
                let src = &seeds[file % seeds.len()].1;
                let from = from % (src.len() + 1);
                let piece = src[from..(from + n).min(src.len())].to_vec();
                let at = pos(at);
                text.splice(at..at, piece);
            }
            Edit::Insert(p, t) => {
                let at = pos(p);
                text.splice(at..at, TOKENS[t].bytes());
            }
            Edit::DeleteLine(l) | Edit::RepeatLine(l) | Edit::SwapLines(l, _) | Edit::Indent(l, _) => {
                let lines = line_ranges(&text);
                if lines.is_empty() {
                    continue;
                }
                let (s, e2) = lines[l % lines.len()];
                match *e {
                    Edit::DeleteLine(_) => {
                        text.drain(s..e2);
                    }
                    Edit::RepeatLine(_) => {
                        let line = text[s..e2].to_vec();
                        text.splice(s..s, line);
                    }
                    Edit::SwapLines(_, m) => {
                        let mut parts: Vec<Vec<u8>> =
                            lines.iter().map(|&(a, b)| text[a..b].to_vec()).collect();
                        parts.swap(l % lines.len(), m % lines.len());
                        text = parts.concat();
                    }
                    Edit::Indent(_, d) if d >= 0 => {
                        text.splice(s..s, std::iter::repeat_n(b' ', d as usize));
                    }
                    Edit::Indent(_, d) => {
                        let spaces = text[s..e2].iter().take_while(|&&b| b == b' ').count();
                        let n = spaces.min(d.unsigned_abs() as usize);
                        text.drain(s..s + n);
                    }
                    _ => unreachable!(),
                }
            }
            Edit::ReplaceValue(l, t) => {
                if let Some((s, e2)) = value_range(&text, l) {
                    text.splice(s..e2, TOKENS[t].bytes());
                }
            }
            Edit::Nest(l, depth, map) => {
                if let Some((s, e2)) = value_range(&text, l) {
                    let d = depth as usize;
                    let nested = if map {
                        "{a: ".repeat(d) + &"}".repeat(d)
                    } else {
                        "[".repeat(d) + &"]".repeat(d)
                    };
                    text.splice(s..e2, nested.into_bytes());
                }
            }
            Edit::RepeatAll(n) => text = text.repeat(n as usize),
            Edit::CopyValue(a, b) => {
                if let (Some((s, e2)), Some((s2, e3))) = (value_range(&text, a), value_range(&text, b)) {
                    let value = text[s2..e3].to_vec();
                    text.splice(s..e2, value);
                }
            }
            Edit::FlipBit(..) => {}
        }
    }
    text
}

/// The files of a case: (path relative to the catalogue, bytes).
fn files(case: &Case) -> Vec<(String, Vec<u8>)> {
    let seeds = seeds();
    let mut chosen: Vec<usize> = (0..TOP_LEVEL.len()).collect();
    chosen.push(case.target);
    chosen.extend(&case.others);
    chosen.sort();
    chosen.dedup();
    chosen
        .into_iter()
        .map(|i| {
            let (rel, bytes) = &seeds[i];
            if i != case.target {
                return (rel.clone(), bytes.clone());
            }
            let mut rel = rel.clone();
            if let (Some(n), Some(slash)) = (case.rename, rel.rfind('/')) {
                rel = format!("{}/{}.yaml", &rel[..slash], NAMES[n]);
            }
            (rel, apply(bytes.clone(), &case.edits))
        })
        .collect()
}

fn write(root: &Path, files: &[(String, Vec<u8>)]) {
    for (rel, bytes) in files {
        let path = root.join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).expect("create folder");
        std::fs::write(&path, bytes).expect("write case file");
    }
}

/// Checks the catalogue in `root` on another thread and verifies the properties of the module
/// doc. `Err` says what went wrong; a hang leaves the thread behind (the caller decides).
fn run_case(root: &Path, timeout: Duration) -> Result<Parsed, String> {
    let (tx, rx) = std::sync::mpsc::channel();
    let root = root.to_path_buf();
    std::thread::Builder::new()
        .name("fuzz-case".into())
        .spawn(move || {
            let result = std::panic::catch_unwind(|| verify(&root));
            let _ = tx.send(result.unwrap_or_else(|p| {
                let msg = p
                    .downcast_ref::<String>()
                    .cloned()
                    .or_else(|| p.downcast_ref::<&str>().map(|s| (*s).to_owned()))
                    .unwrap_or_default();
                Err(format!("panic: {msg}"))
            }));
        })
        .expect("spawn a thread");
    match rx.recv_timeout(timeout) {
        Ok(result) => result,
        Err(_) => Err(format!("hang: no result after {timeout:?}")),
    }
}

/// Whether every file of a case was still YAML (no `yaml-syntax` finding): such cases reach the
/// schema, the model, the graphs and the rules, not just the parser.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Parsed(bool);

fn verify(root: &Path) -> Result<Parsed, String> {
    let today = Date::parse("2026-11-22").expect("a date");
    let checked = check(root, CheckOptions { today }).map_err(|e| format!("load error: {e}"))?;
    let report = &checked.report;
    located(report)?;
    // What else reads the checked model: the metrics of `stats` and the graphs of `graph`
    // (DOT, Mermaid, the handbook's swimlane SVG) of every use case.
    let metrics = casebook::metrics::compute(&checked.catalogue, &checked.facts);
    serde_json::from_str::<serde_json::Value>(&casebook::metrics::to_json(&metrics))
        .map_err(|e| format!("stats JSON does not parse: {e}"))?;
    let _ = casebook::metrics::to_table(&metrics);
    for (uc, flow) in checked.catalogue.use_cases.iter().zip(&checked.facts.flows) {
        for format in [GraphFormat::Dot, GraphFormat::Mermaid, GraphFormat::Svg] {
            let _ = casebook::visual::render(&checked.catalogue, uc, flow, format);
        }
    }
    let options = RenderOptions {
        color: false,
        path_prefix: "catalogue/".into(),
        ..RenderOptions::default()
    };
    for format in [
        Format::Human,
        Format::Json,
        Format::Github,
        Format::Sarif,
        Format::Junit,
    ] {
        let text = render::render(report, format, &options);
        match format {
            Format::Json | Format::Sarif => {
                serde_json::from_str::<serde_json::Value>(&text)
                    .map_err(|e| format!("{format:?} is not JSON: {e}"))?;
            }
            Format::Human | Format::Github => {
                if let Some(c) = text.chars().find(|&c| c.is_control() && c != '\n' && c != '\t') {
                    return Err(format!("{format:?} output holds the raw control character {c:?}"));
                }
            }
            Format::Junit => {}
        }
    }
    Ok(Parsed(
        !report.diagnostics.iter().any(|d| d.rule == "yaml-syntax"),
    ))
}

fn located(report: &Report) -> Result<(), String> {
    for d in &report.diagnostics {
        let spans = std::iter::once(d.span).chain(d.labels.iter().map(|l| l.span));
        for span in spans {
            let text = &report.sources.get(span.file).text;
            let (s, e) = (span.start as usize, span.end as usize);
            if s > e || e > text.len() || !text.is_char_boundary(s) || !text.is_char_boundary(e) {
                return Err(format!(
                    "{} at {s}..{e} is outside {} ({} bytes): {}",
                    d.rule,
                    report.sources.get(span.file).rel_path,
                    text.len(),
                    d.message
                ));
            }
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 40,
        rng_seed: RngSeed::Fixed(0x0ca5_eb00),
        failure_persistence: None,
        max_shrink_iters: 200,
        max_shrink_time: 60_000,
        ..ProptestConfig::default()
    })]

    #[test]
    fn mutated_sample_catalogues_check_in_time_and_locate_every_finding(case in case()) {
        let dir = tempfile::tempdir().unwrap();
        write(dir.path(), &files(&case));
        let result = run_case(dir.path(), Duration::from_secs(30));
        prop_assert!(result.is_ok(), "{}", result.unwrap_err());
    }
}

#[test]
fn edits_apply_as_described() {
    let t = |s: &str| s.as_bytes().to_vec();
    assert_eq!(apply(t("a: 1\nb: 2\n"), &[Edit::DeleteLine(1)]), t("a: 1\n"));
    assert_eq!(
        apply(t("a: 1\nb: 2\n"), &[Edit::RepeatLine(0)]),
        t("a: 1\na: 1\nb: 2\n")
    );
    assert_eq!(
        apply(t("a: 1\nb: 2\n"), &[Edit::SwapLines(0, 1)]),
        t("b: 2\na: 1\n")
    );
    assert_eq!(
        apply(t("a: 1\n  b: 2\n"), &[Edit::Indent(1, -1)]),
        t("a: 1\n b: 2\n")
    );
    assert_eq!(
        apply(t("a: 1\nb: 2\n"), &[Edit::Nest(1, 2, false)]),
        t("a: 1\nb: [[]]\n")
    );
    assert_eq!(apply(t("a: 1\n"), &[Edit::ReplaceValue(0, 2)]), t("a: \u{7}\n"));
    assert_eq!(apply(t("ab"), &[Edit::FlipBit(0, 0), Edit::Truncate(1)]), t("`"));
    assert_eq!(apply(t("ab"), &[Edit::RepeatAll(2)]), t("abab"));
    assert_eq!(
        apply(t("a: 1\nb: xy\n"), &[Edit::CopyValue(0, 1)]),
        t("a: xy\nb: xy\n")
    );
}

/// Where the long run saves failing cases.
fn findings_dir() -> PathBuf {
    std::env::var_os("CASEBOOK_FUZZ_OUT")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("target/fuzz-findings"))
}

/// Saves a failing case: its files under `files/`, what failed in `failure.txt`, the case itself
/// in `case.txt`. Cases that fail the same way (same first line, digits dropped) are saved once.
fn save(case: &Case, files: &[(String, Vec<u8>)], failure: &str) -> bool {
    // A hang says nothing of where: tell hangs apart by the kind of file mutated.
    let target = &seeds()[case.target].0;
    let kind = if target.starts_with("use-cases/") {
        "use case"
    } else {
        target
    };
    let signature: String = format!("{kind}: {failure}")
        .lines()
        .next()
        .unwrap_or("")
        .chars()
        .filter(|c| !c.is_ascii_digit())
        .take(120)
        .collect();
    let key = {
        use std::hash::{Hash, Hasher};
        let mut h = std::collections::hash_map::DefaultHasher::new();
        signature.hash(&mut h);
        format!("{:016x}", h.finish())
    };
    let dir = findings_dir().join(&key);
    if dir.exists() {
        return false;
    }
    write(&dir.join("files"), files);
    std::fs::write(dir.join("failure.txt"), failure).expect("write failure");
    std::fs::write(dir.join("case.txt"), format!("{case:#?}\n")).expect("write case");
    true
}

/// The long run's worker, in a child process: `CASEBOOK_FUZZ_WORKER=SEED:COUNT` runs COUNT cases
/// from SEED, saves failures, and prints `fuzz-worker inputs=N failures=M parsed=P`. On a hang it saves the
/// case and exits with status 3 (the hung thread cannot be stopped otherwise).
#[test]
#[ignore = "the long run's worker; run by long_run"]
fn worker() {
    let Some(spec) = std::env::var("CASEBOOK_FUZZ_WORKER").ok() else {
        return;
    };
    let (seed, count) = spec.split_once(':').expect("SEED:COUNT");
    let (seed, count): (u64, u64) = (seed.parse().unwrap(), count.parse().unwrap());
    let mut bytes = [0u8; 32];
    bytes[..8].copy_from_slice(&seed.to_le_bytes());
    let rng = TestRng::from_seed(proptest::test_runner::RngAlgorithm::ChaCha, &bytes);
    let mut runner = TestRunner::new_with_rng(Config::default(), rng);
    let strategy = case();
    // CASEBOOK_FUZZ_TIMEOUT_MS (default 10 s): a tiny value makes every case a "hang", which
    // tests the run's handling of hangs.
    let timeout = Duration::from_millis(
        std::env::var("CASEBOOK_FUZZ_TIMEOUT_MS").map_or(10_000, |s| s.parse().expect("milliseconds")),
    );
    let dir = tempfile::tempdir().unwrap();
    let (mut failures, mut parsed) = (0, 0);
    for n in 0..count {
        let case = strategy.new_tree(&mut runner).expect("a case").current();
        let files = files(&case);
        let root = dir.path().join(n.to_string());
        write(&root, &files);
        let result = run_case(&root, timeout);
        let _ = std::fs::remove_dir_all(&root);
        if result == Ok(Parsed(true)) {
            parsed += 1;
        }
        if let Err(failure) = result {
            failures += 1;
            let new = save(&case, &files, &failure);
            eprintln!("fuzz-worker: {failure} (new: {new})");
            if failure.starts_with("hang") {
                println!(
                    "\nfuzz-worker inputs={} failures={failures} parsed={parsed}",
                    n + 1
                );
                // `exit` runs no destructor: remove the temporary folder first.
                let _ = std::fs::remove_dir_all(dir.path());
                std::process::exit(3);
            }
        }
    }
    println!("\nfuzz-worker inputs={count} failures={failures} parsed={parsed}");
}

/// The long run: batches of cases in child processes until `CASEBOOK_FUZZ_SECS` have passed
/// (nothing is run when it is not set); the base seed is `CASEBOOK_FUZZ_SEED` (default: the clock).
#[test]
#[ignore = "long fuzzing run; see benches/README.md"]
fn long_run() {
    let Ok(secs) = std::env::var("CASEBOOK_FUZZ_SECS") else {
        eprintln!("fuzz::long_run: set CASEBOOK_FUZZ_SECS to run it");
        return;
    };
    let secs: u64 = secs.parse().expect("CASEBOOK_FUZZ_SECS is a number of seconds");
    let mut seed: u64 = std::env::var("CASEBOOK_FUZZ_SEED").map_or_else(
        |_| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap()
                .as_secs()
        },
        |s| s.parse().expect("a seed"),
    );
    let start = Instant::now();
    let (mut inputs, mut failures, mut hangs, mut batches, mut parsed) = (0u64, 0u64, 0u64, 0u64, 0u64);
    let exe = std::env::current_exe().expect("the test binary");
    while start.elapsed() < Duration::from_secs(secs) {
        let out = std::process::Command::new(&exe)
            .args([
                "fuzz::worker",
                "--exact",
                "--ignored",
                "--nocapture",
                "--test-threads=1",
            ])
            .env("CASEBOOK_FUZZ_WORKER", format!("{seed}:500"))
            .env("CASEBOOK_FUZZ_OUT", findings_dir())
            .stderr(std::process::Stdio::inherit())
            .output()
            .expect("run a worker");
        let stdout = String::from_utf8_lossy(&out.stdout);
        // libtest may print `test fuzz::worker ... ` before it on the same line.
        let stats = stdout
            .lines()
            .find_map(|l| l.split_once("fuzz-worker ").map(|(_, s)| s));
        let field = |name: &str| -> u64 {
            stats
                .and_then(|s| s.split(' ').find_map(|kv| kv.strip_prefix(name)))
                .and_then(|v| v.parse().ok())
                .unwrap_or(0)
        };
        inputs += field("inputs=");
        failures += field("failures=");
        parsed += field("parsed=");
        if out.status.code() == Some(3) {
            hangs += 1;
        }
        batches += 1;
        seed = seed.wrapping_add(1);
        eprintln!(
            "fuzz: {:.0} s, {batches} batches, {inputs} inputs ({parsed} still YAML), {failures} failures ({hangs} hangs), next seed {seed}",
            start.elapsed().as_secs_f64()
        );
    }
    println!(
        "fuzz long run: {:.0} s wall, {inputs} inputs ({parsed} still YAML), {failures} failures ({hangs} hangs); findings in {}",
        start.elapsed().as_secs_f64(),
        findings_dir().display()
    );
}
