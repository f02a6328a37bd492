//! Numbers from YAML are bounded where they are read. A review period, a date, a duration, a
//! score or a rule option outside the range its schema documents is a located `schema`
//! diagnostic and is left out of the model, so no rule ever computes with it; and `check`,
//! `stats` and `build` always finish, whatever the numbers.

use crate::rules::{base, today};
use crate::support::casebook;
use casebook::model::{Catalogue, Date};
use casebook::{CheckOptions, Checked, check};
use proptest::prelude::*;
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::Duration;

/// How long one run of the binary may take (a debug build on a busy machine).
const TIMEOUT: Duration = Duration::from_secs(60);

/// How long one in-process check of a small catalogue may take.
const CHECK_TIMEOUT: Duration = Duration::from_secs(20);

/// The catalogue settings, with `extra` lines added at the top level.
fn settings(extra: &str) -> String {
    format!("name: Numbers\nlanguage: en\n{extra}rules:\n  unused-definition: off\n")
}

/// A use case of three steps; `fields` are top-level lines, `step` lines of its second step.
fn use_case(fields: &str, step: &str) -> String {
    format!(
        "id: numbers
title: A client asks a question
domain: billing
owner: billing
status: reviewed
{fields}trigger: The client has a question.
outcome: The client has the answer.
steps:
  - id: ask
    title: Client calls
    actor: customer
    channel: phone
    next: answer
  - id: answer
    title: Agent answers
    actor: contact-centre
    channel: phone
{step}    next: done
  - id: done
    end: answered
"
    )
}

/// The base catalogue with these settings and one use case, in a temporary folder.
fn lay(settings: &str, use_case: &str) -> crate::rules::Laid {
    let laid = base();
    std::fs::write(laid.root().join("casebook.yaml"), settings).unwrap();
    std::fs::create_dir_all(laid.root().join("use-cases")).unwrap();
    std::fs::write(laid.root().join("use-cases/numbers.yaml"), use_case).unwrap();
    laid
}

/// `line:column` (1-based) of the first occurrence of `needle` in `text`.
fn at(text: &str, needle: &str) -> String {
    let offset = text
        .find(needle)
        .unwrap_or_else(|| panic!("`{needle}` in the text"));
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().unwrap().chars().count() + 1;
    format!("{line}:{column}")
}

/// Runs the binary on `root` with a time limit; returns exit status, stdout and stderr.
fn run(root: &Path, args: &[&str]) -> (i32, String, String) {
    let out = casebook()
        .arg("--catalogue")
        .arg(root)
        .args(args)
        .env("NO_COLOR", "1")
        .timeout(TIMEOUT)
        .output()
        .expect("the binary runs");
    let code = out
        .status
        .code()
        .unwrap_or_else(|| panic!("`casebook {}` did not finish within {TIMEOUT:?}", args.join(" ")));
    (
        code,
        String::from_utf8(out.stdout).expect("UTF-8 stdout"),
        String::from_utf8(out.stderr).expect("UTF-8 stderr"),
    )
}

/// One hostile catalogue for the command-line tests: which file holds the value, its text, and
/// what the schema diagnostic says.
struct Hostile {
    what: &'static str,
    settings: String,
    use_case: String,
    /// The file and text the diagnostic points at.
    file: &'static str,
    value: &'static str,
    message: &'static str,
}

fn hostile() -> Vec<Hostile> {
    let reviewed = "reviewed: 2025-01-10\n";
    vec![
        Hostile {
            what: "a review period of 2^31 - 1 months in casebook.yaml",
            settings: settings("review_every_months: 2147483647\n"),
            use_case: use_case(reviewed, ""),
            file: "casebook.yaml",
            value: "2147483647",
            message: "must be at most 120",
        },
        Hostile {
            what: "a review period of i64::MAX months on the use case",
            settings: settings(""),
            use_case: use_case(
                &format!("{reviewed}review_every_months: 9223372036854775807\n"),
                "",
            ),
            file: "use-cases/numbers.yaml",
            value: "9223372036854775807",
            message: "must be at most 120",
        },
        Hostile {
            what: "a review period of 2^32 months on the use case",
            settings: settings(""),
            use_case: use_case(&format!("{reviewed}review_every_months: 4294967296\n"), ""),
            file: "use-cases/numbers.yaml",
            value: "4294967296",
            message: "must be at most 120",
        },
        Hostile {
            what: "a review date in the year 2^31 - 1",
            settings: settings(""),
            use_case: use_case("reviewed: 2147483647-12-31\n", ""),
            file: "use-cases/numbers.yaml",
            value: "2147483647-12-31",
            message: "is not a date",
        },
        Hostile {
            what: "a review date in the year 9999",
            settings: settings(""),
            use_case: use_case("reviewed: 9999-12-31\nreview_every_months: 120\n", ""),
            file: "use-cases/numbers.yaml",
            value: "9999-12-31",
            message: "is not a date",
        },
        Hostile {
            what: "a duration of 10^16 weeks",
            settings: settings(""),
            use_case: use_case(reviewed, "    duration: 10000000000000000w\n"),
            file: "use-cases/numbers.yaml",
            value: "10000000000000000w",
            message: "is not a duration",
        },
    ]
}

/// The human report locates the schema diagnostic at the value.
fn assert_located(h: &Hostile, stdout: &str, command: &str) {
    let text = if h.file == "casebook.yaml" {
        &h.settings
    } else {
        &h.use_case
    };
    let place = format!("{}:{}", h.file, at(text, h.value));
    // The path opens from the current folder: the catalogue's folder, then the file.
    let at_place = |l: &str| {
        l.trim_start().starts_with("--> ")
            && (l.ends_with(&format!("/{place}")) || l.ends_with(&format!(" {place}")))
    };
    let found = stdout
        .split("error[schema]")
        .skip(1)
        .any(|d| d.contains(h.message) && d.lines().any(at_place));
    assert!(
        found,
        "{}: `casebook {command}` should report `{}` at {place}:\n{stdout}",
        h.what, h.message
    );
}

#[test]
fn check_finishes_and_locates_every_out_of_range_number() {
    for h in hostile() {
        let laid = lay(&h.settings, &h.use_case);
        let (code, stdout, stderr) = run(laid.root(), &["check", "--today", "2026-11-22"]);
        assert_eq!(
            code, 1,
            "{}: exit status 1 (errors found)\n{stdout}{stderr}",
            h.what
        );
        assert_located(&h, &stdout, "check");
        assert!(
            !stdout.contains("every 2147483647") && !stdout.contains("every 9223372036854775807"),
            "{}: the out-of-range period reached review-overdue\n{stdout}",
            h.what
        );
    }
}

#[test]
fn stats_finishes_on_out_of_range_numbers() {
    for h in hostile() {
        let laid = lay(&h.settings, &h.use_case);
        let (code, stdout, stderr) = run(laid.root(), &["stats", "--format", "json"]);
        assert_eq!(
            code, 0,
            "{}: stats still prints its metrics\n{stdout}{stderr}",
            h.what
        );
        assert!(
            stderr.contains("the catalogue has 1 errors"),
            "{}: stats says the catalogue has an error\n{stderr}",
            h.what
        );
        let json: serde_json::Value = serde_json::from_str(&stdout).expect("stats prints JSON");
        assert!(json.is_object(), "{}: {json}", h.what);
    }
}

#[cfg(feature = "handbook")]
#[test]
fn build_finishes_and_refuses_on_out_of_range_numbers() {
    // The two values that hung or crashed the date arithmetic; every other goes the same way.
    for h in hostile()
        .into_iter()
        .filter(|h| h.value.starts_with("2147483647"))
    {
        let laid = lay(&h.settings, &h.use_case);
        let out = tempfile::tempdir().unwrap();
        let out_dir = out.path().join("book");
        let (code, stdout, stderr) = run(
            laid.root(),
            &[
                "build",
                "--out",
                out_dir.to_str().unwrap(),
                "--today",
                "2026-11-22",
            ],
        );
        assert_eq!(
            code, 1,
            "{}: build refuses a catalogue with format errors\n{stdout}{stderr}",
            h.what
        );
        assert_located(&h, &stdout, "build");
        assert!(!out_dir.exists(), "{}: nothing is written", h.what);
    }
}

/// Runs `check` in process on another thread and gives up after `CHECK_TIMEOUT`: a hang fails
/// the test instead of stalling it.
fn check_within_time(root: PathBuf) -> Checked {
    check_on_stack(root, 2 << 20)
}

/// As [`check_within_time`], on a thread with `stack` bytes of stack.
fn check_on_stack(root: PathBuf, stack: usize) -> Checked {
    let (send, receive) = mpsc::channel();
    std::thread::Builder::new()
        .stack_size(stack)
        .spawn(move || {
            let checked = check(&root, CheckOptions { today: today() }).expect("the catalogue loads");
            let _ = send.send(checked);
        })
        .expect("a thread");
    match receive.recv_timeout(CHECK_TIMEOUT) {
        Ok(checked) => checked,
        Err(mpsc::RecvTimeoutError::Timeout) => panic!("check did not finish within {CHECK_TIMEOUT:?}"),
        Err(mpsc::RecvTimeoutError::Disconnected) => panic!("check panicked"),
    }
}

/// A number as YAML text, with what it means.
#[derive(Clone, Debug)]
enum Num {
    /// An integer literal (beyond i64 when large).
    Int(i128),
    /// A float literal.
    Float(f64),
    /// Another spelling of an integer (`0x10`, `1_0`, `+12`), with its value.
    Spelled(&'static str, i128),
    /// A scalar that is not a number: quoted digits, `~`, `true`.
    Other(&'static str),
}

impl Num {
    fn yaml(&self) -> String {
        match self {
            Num::Int(i) => i.to_string(),
            Num::Float(f) => format!("{f:?}"),
            Num::Spelled(s, _) | Num::Other(s) => (*s).to_owned(),
        }
    }

    /// The value when it is a whole number in `range`, as JSON Schema counts whole numbers
    /// (`3.0` is one).
    fn within(&self, range: std::ops::RangeInclusive<i64>) -> Option<i64> {
        let (lo, hi) = (*range.start(), *range.end());
        match *self {
            Num::Int(i) | Num::Spelled(_, i) => {
                (i128::from(lo)..=i128::from(hi)).contains(&i).then_some(i as i64)
            }
            Num::Float(f) => (f.fract() == 0.0 && f >= lo as f64 && f <= hi as f64).then_some(f as i64),
            Num::Other(_) => None,
        }
    }
}

/// Numbers at the extremes of every integer type and around the bounds `lo..=hi`.
fn num(lo: i64, hi: i64) -> impl Strategy<Value = Num> {
    let edges: Vec<i128> = vec![
        i128::from(i64::MIN),
        i128::from(i64::MIN) - 1,
        i128::from(i32::MIN),
        -1,
        0,
        1,
        i128::from(lo) - 1,
        i128::from(lo),
        i128::from(lo) + 1,
        i128::from(hi) - 1,
        i128::from(hi),
        i128::from(hi) + 1,
        i128::from(i32::MAX),
        i128::from(u32::MAX),
        i128::from(u32::MAX) + 1,
        i128::from(i64::MAX) - 1,
        i128::from(i64::MAX),
        i128::from(i64::MAX) + 1,
        i128::from(u64::MAX),
        i128::from(u64::MAX) + 1,
    ];
    let floats = vec![
        1e308,
        -1e308,
        -0.0,
        0.5,
        lo as f64,
        hi as f64,
        hi as f64 + 0.5,
        9.3e18,
        f64::MIN_POSITIVE,
    ];
    prop_oneof![
        4 => prop::sample::select(edges).prop_map(Num::Int),
        2 => (lo - 3..=hi + 3).prop_map(|i| Num::Int(i128::from(i))),
        2 => prop::sample::select(floats).prop_map(Num::Float),
        1 => prop::sample::select(vec![
            ("0x10", 16), ("0o17", 15), ("1_0", 10), ("+12", 12), ("012", 12), ("0x7FFFFFFF", 2_147_483_647),
            ("0xFFFFFFFFFFFFFFFF", i128::from(u64::MAX)),
        ])
        .prop_map(|(s, v)| Num::Spelled(s, v)),
        1 => prop::sample::select(vec!["\"12\"", "'NaN'", "~", "true", "1_000_000_000_000_000_000_000"]).prop_map(Num::Other),
    ]
}

/// A review date: mostly `YYYY-MM-DD` with years, months and days at and beyond their bounds.
fn date() -> impl Strategy<Value = String> {
    let years = prop_oneof![
        prop::sample::select(vec![
            0i64,
            1,
            1899,
            1900,
            2024,
            2200,
            2201,
            9999,
            10000,
            2147483647,
            4294967296,
            i64::MAX,
            -1,
            -2024
        ]),
        1850i64..2250,
    ];
    prop_oneof![
        4 => (years, 0u32..=13, 0u32..=32).prop_map(|(y, m, d)| format!("{y:04}-{m:02}-{d:02}")),
        1 => prop::sample::select(vec![
            "2024-1-01", "+2024-01-01", "2024-01-01T00:00:00", "20240101", "2024", "'2024-02-29'",
            "2024-02-29", "2100-02-29", "2000-02-29", "1900-02-29", "2200-12-31", "2024-06-31",
        ])
        .prop_map(str::to_owned),
    ]
}

/// The test's own reading of a date: `YYYY-MM-DD`, a year from 1900 to 2200, a real day.
fn real_date(text: &str) -> Option<String> {
    let text = text.trim_matches('\'');
    let b = text.as_bytes();
    let shape = b.len() == 10
        && b.iter().enumerate().all(|(i, c)| {
            if i == 4 || i == 7 {
                *c == b'-'
            } else {
                c.is_ascii_digit()
            }
        });
    if !shape {
        return None;
    }
    let (y, m, d): (i32, u32, u32) = (
        text[..4].parse().unwrap(),
        text[5..7].parse().unwrap(),
        text[8..].parse().unwrap(),
    );
    let leap = y % 4 == 0 && (y % 100 != 0 || y % 400 == 0);
    let days = match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => 0,
    };
    ((1900..=2200).contains(&y) && (1..=days).contains(&d)).then(|| text.to_owned())
}

/// A duration: a number of digits at and beyond the bound, and units right and wrong.
fn duration() -> impl Strategy<Value = String> {
    let numbers = prop_oneof![
        prop::sample::select(vec![
            "0",
            "1",
            "999999",
            "1000000",
            "0999999",
            "18446744073709551615",
            "18446744073709551616",
            "99999999999999999999999999",
            "",
        ])
        .prop_map(str::to_owned),
        (0u64..2_000_000).prop_map(|n| n.to_string()),
    ];
    prop_oneof![
        4 => (numbers, prop::sample::select(vec!["m", "h", "d", "w", "M", "x", "é", ""]))
            .prop_map(|(n, u)| format!("{n}{u}")),
        1 => prop::sample::select(vec!["+5m", "-5m", "5.5h", "1e308m", "5 m", "NaNm", "'30m'"]).prop_map(str::to_owned),
    ]
}

/// The test's own reading of a duration: one to six digits and a unit, in working minutes.
fn minutes(text: &str) -> Option<u64> {
    let text = text.trim_matches('\'');
    let unit = text.chars().last()?;
    let digits = &text[..text.len() - unit.len_utf8()];
    let per = match unit {
        'm' => 1,
        'h' => 60,
        'd' => 480,
        'w' => 2400,
        _ => return None,
    };
    let shape = (1..=6).contains(&digits.len()) && digits.bytes().all(|b| b.is_ascii_digit());
    shape.then(|| digits.parse::<u64>().unwrap() * per)
}

/// Every number one catalogue can hold, drawn together.
#[derive(Clone, Debug)]
struct Numbers {
    default_period: Num,
    max: Num,
    min_gap: Num,
    period: Num,
    reviewed: String,
    scores: [Num; 3],
    duration: String,
}

fn numbers() -> impl Strategy<Value = Numbers> {
    (
        num(1, 120),
        num(0, 1000),
        num(1, 4),
        num(1, 120),
        date(),
        [num(1, 5), num(1, 5), num(1, 5)],
        duration(),
    )
        .prop_map(
            |(default_period, max, min_gap, period, reviewed, scores, duration)| Numbers {
                default_period,
                max,
                min_gap,
                period,
                reviewed,
                scores,
                duration,
            },
        )
}

impl Numbers {
    fn settings(&self) -> String {
        format!(
            "name: Numbers\nreview_every_months: {}\nrules:\n  unused-definition: off\n  handoff-budget:\n    max: {}\n  satisfaction-gap:\n    min_gap: {}\n",
            self.default_period.yaml(),
            self.max.yaml(),
            self.min_gap.yaml()
        )
    }

    fn use_case(&self) -> String {
        let [c, s, m] = &self.scores;
        use_case(
            &format!(
                "reviewed: {}\nreview_every_months: {}\n",
                self.reviewed,
                self.period.yaml()
            ),
            &format!(
                "    satisfaction:\n      customer: {}\n      staff: {}\n      management: {}\n    duration: {}\n",
                c.yaml(),
                s.yaml(),
                m.yaml(),
                self.duration
            ),
        )
    }
}

/// The lines of `file` (1-based) where a `schema` diagnostic points.
fn schema_lines(checked: &Checked, file: &str) -> Vec<u32> {
    let report = &checked.report;
    report
        .diagnostics
        .iter()
        .filter(|d| d.rule == "schema" && report.sources.get(d.span.file).rel_path == file)
        .map(|d| report.sources.get(d.span.file).line_col(d.span.start).line)
        .collect()
}

/// The 1-based line of `text` that starts with `prefix` (after indentation).
fn line_of(text: &str, prefix: &str) -> u32 {
    let i = text
        .lines()
        .position(|l| l.trim_start().starts_with(prefix))
        .unwrap_or_else(|| panic!("a line starting with `{prefix}`"));
    i as u32 + 1
}

/// Checks one field: a schema diagnostic on its line exactly when the value is out of range,
/// and the model holds the value exactly when it is in range.
fn agree<T: PartialEq + std::fmt::Debug>(
    field: &str,
    written: &str,
    expected: Option<T>,
    in_model: Option<T>,
    diagnosed: bool,
) -> Result<(), TestCaseError> {
    prop_assert_eq!(
        diagnosed,
        expected.is_none(),
        "{}: `{}` should {}be a schema diagnostic",
        field,
        written,
        if expected.is_none() { "" } else { "not " }
    );
    prop_assert_eq!(in_model, expected, "{}: `{}` in the model", field, written);
    Ok(())
}

fn option(cat: &Catalogue, rule: &str, name: &str) -> Option<i64> {
    cat.settings.rules.get(rule)?.options.get(name).copied()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn every_number_is_in_range_or_a_schema_diagnostic(n in numbers()) {
        let (settings, use_case) = (n.settings(), n.use_case());
        let laid = lay(&settings, &use_case);
        let checked = check_within_time(laid.root().to_path_buf());
        let cat = &checked.catalogue;
        let in_settings = schema_lines(&checked, "casebook.yaml");
        let in_use_case = schema_lines(&checked, "use-cases/numbers.yaml");
        let s = |prefix: &str| in_settings.contains(&line_of(&settings, prefix));
        let u = |prefix: &str| in_use_case.contains(&line_of(&use_case, prefix));

        agree("casebook.yaml review_every_months", &n.default_period.yaml(), n.default_period.within(1..=120),
            cat.settings.review_every_months.map(i64::from), s("review_every_months:"))?;
        agree("handoff-budget max", &n.max.yaml(), n.max.within(0..=1000),
            option(cat, "handoff-budget", "max"), s("max:"))?;
        agree("satisfaction-gap min_gap", &n.min_gap.yaml(), n.min_gap.within(1..=4),
            option(cat, "satisfaction-gap", "min_gap"), s("min_gap:"))?;

        prop_assert_eq!(cat.use_cases.len(), 1, "the use case is in the model");
        let uc = &cat.use_cases[0];
        agree("review_every_months", &n.period.yaml(), n.period.within(1..=120),
            uc.review_every_months.map(i64::from), u("review_every_months:"))?;
        agree("reviewed", &n.reviewed, real_date(&n.reviewed),
            uc.reviewed.as_ref().map(|d| d.value.to_string()), u("reviewed:"))?;
        let step = &uc.steps[1];
        let sat = step.satisfaction.as_ref().map(|s| s.value).unwrap_or_default();
        for ((rater, score), given) in ["customer", "staff", "management"].iter().zip(&n.scores).zip([sat.customer, sat.staff, sat.management]) {
            agree(rater, &score.yaml(), score.within(1..=5), given.map(i64::from), u(&format!("{rater}:")))?;
        }
        agree("duration", &n.duration, minutes(&n.duration),
            step.duration.as_ref().map(|d| d.value.minutes), u("duration:"))?;
    }
}

/// YAML's `.nan` and `.inf` never become numbers: the YAML reader refuses them, and the file
/// is left out whole.
#[test]
fn non_finite_numbers_are_refused_where_they_stand() {
    for v in [".nan", "-.nan", ".inf", "-.inf", ".NaN", "+.inf"] {
        let text = use_case(&format!("reviewed: 2025-01-10\nreview_every_months: {v}\n"), "");
        let laid = lay(&settings(""), &text);
        let checked = check_within_time(laid.root().to_path_buf());
        let report = &checked.report;
        let d = report
            .diagnostics
            .iter()
            .find(|d| d.rule == "yaml-syntax")
            .unwrap_or_else(|| panic!("{v}: a yaml-syntax error"));
        assert_eq!(
            report.sources.get(d.span.file).line_col(d.span.start).line,
            line_of(&text, "review_every_months:"),
            "{v}"
        );
        assert!(
            checked.catalogue.use_cases.is_empty(),
            "{v}: the file is left out"
        );
    }
}

#[test]
fn options_the_schema_does_not_know_are_left_out() {
    let laid = lay(
        "name: Numbers\nrules:\n  handoff-budget:\n    max: 2\n    budget: 1\n  dead-end:\n    max: 1\n",
        &use_case("", ""),
    );
    let checked = check_within_time(laid.root().to_path_buf());
    let cat = &checked.catalogue;
    assert_eq!(option(cat, "handoff-budget", "max"), Some(2));
    assert_eq!(option(cat, "handoff-budget", "budget"), None);
    assert_eq!(option(cat, "dead-end", "max"), None);
    assert_eq!(
        schema_lines(&checked, "casebook.yaml").len(),
        2,
        "{:?}",
        checked.report.diagnostics
    );
}

#[test]
fn ten_thousand_durations_at_the_maximum_add_up_exactly() {
    let steps: String = (0..10_000)
        .map(|i| format!("  - id: s{i}\n    title: Step {i}\n    actor: billing\n    duration: 999999w\n    next: s{}\n", i + 1))
        .collect();
    let text = format!(
        "id: long\ntitle: A very long case\ndomain: billing\nowner: billing\nstatus: draft\ntrigger: A case.\noutcome: An end.\nsteps:\n{steps}  - id: s10000\n    end: done\n"
    );
    let laid = lay(&settings(""), &text);
    // petgraph's Tarjan recurses once per step of a chain: a debug build needs a large stack.
    let checked = check_on_stack(laid.root().to_path_buf(), 256 << 20);
    let m = casebook::metrics::compute(&checked.catalogue, &checked.facts);
    assert_eq!(
        m.use_cases[0].longest_path_minutes,
        Some(10_000 * 999_999 * 2_400)
    );
}

#[test]
fn date_arithmetic_is_total_and_clamps_to_the_month() {
    let d = Date::parse("2024-01-31").unwrap();
    assert_eq!(d.add_months(1).to_string(), "2024-02-29");
    assert_eq!(d.add_months(120).to_string(), "2034-01-31");
    // Far beyond any period the schema allows, and still immediate.
    let far = d.add_months(u32::MAX);
    assert!(far > d.add_months(120), "{far}");
    assert!(Date::parse("1899-12-31").is_none());
    assert!(Date::parse("2201-01-01").is_none());
    assert!(Date::parse("2024-1-01").is_none());
    assert!(Date::parse("+024-01-01").is_none());
}

/// The property schema at `pointer`, its `$ref` followed.
fn property<'a>(root: &'a serde_json::Value, pointer: &str) -> &'a serde_json::Value {
    let node = root
        .pointer(pointer)
        .unwrap_or_else(|| panic!("{pointer} in the schema"));
    match node.get("$ref").and_then(serde_json::Value::as_str) {
        Some(r) => root
            .pointer(r.trim_start_matches('#'))
            .expect("the $ref resolves"),
        None => node,
    }
}

/// Every integer in the schemas has a `minimum` and a `maximum`, which the description of its
/// property states; and the loader applies the very same bounds.
#[test]
fn the_schemas_and_the_loader_bound_every_number_alike() {
    use casebook::config::{REVIEW_MONTHS, RULE_OPTIONS};
    use casebook::load::FileKind;
    use casebook::model::Satisfaction;
    use serde_json::Value;

    // Walks every property of every schema; (file, pointer, min, max) for each integer.
    fn integers(root: &Value, node: &Value, path: &str, out: &mut Vec<(String, i64, i64)>) {
        if let Value::Object(map) = node {
            if let Some(Value::Object(props)) = map.get("properties") {
                for (name, schema) in props {
                    let pointer = format!("{path}/properties/{name}");
                    let target = property(root, &pointer);
                    let integer = |v: &Value| v.get("type").is_some_and(|t| t == "integer" || t == "number");
                    if integer(target) {
                        let bound = |k: &str| target.get(k).and_then(Value::as_i64);
                        let (Some(lo), Some(hi)) = (bound("minimum"), bound("maximum")) else {
                            panic!("{pointer} has no minimum or maximum");
                        };
                        let description = schema
                            .get("description")
                            .or_else(|| target.get("description"))
                            .and_then(Value::as_str)
                            .unwrap_or_default();
                        assert!(
                            description.contains(&format!("{lo} to {hi}")),
                            "{pointer}: the description says `{lo} to {hi}`: {description}"
                        );
                        out.push((pointer.clone(), lo, hi));
                    }
                }
            }
            for (k, v) in map {
                integers(root, v, &format!("{path}/{k}"), out);
            }
        }
    }

    let mut found = Vec::new();
    for kind in FileKind::ALL {
        let root: Value = serde_json::from_str(kind.schema_text()).unwrap();
        let mut here = Vec::new();
        integers(&root, &root, "", &mut here);
        found.extend(
            here.into_iter()
                .map(|(p, lo, hi)| (format!("{}{p}", kind.name()), lo, hi)),
        );
    }
    found.sort();
    found.dedup();

    let range = |r: &std::ops::RangeInclusive<i64>| (*r.start(), *r.end());
    let mut expected: Vec<(String, i64, i64)> = vec![
        (
            "casebook/properties/review_every_months".into(),
            range(&REVIEW_MONTHS),
        ),
        (
            "use-case/properties/review_every_months".into(),
            range(&REVIEW_MONTHS),
        ),
    ]
    .into_iter()
    .chain(["customer", "staff", "management"].map(|r| {
        (
            format!("use-case/$defs/step/properties/satisfaction/properties/{r}"),
            range(&Satisfaction::SCORES),
        )
    }))
    .chain(RULE_OPTIONS.iter().map(|o| {
        (
            format!(
                "casebook/properties/rules/properties/{}/properties/{}",
                o.rule, o.name
            ),
            range(&o.range),
        )
    }))
    .map(|(p, (lo, hi))| (p, lo, hi))
    .collect();
    expected.sort();
    assert_eq!(found, expected, "the schemas' integers and the loader's bounds");

    // Dates and durations are strings whose pattern bounds them: the loader reads the same.
    let use_case: Value = serde_json::from_str(FileKind::UseCase.schema_text()).unwrap();
    assert_eq!(
        property(&use_case, "/properties/reviewed")["pattern"],
        format!(
            "^(19[0-9]{{2}}|2[01][0-9]{{2}}|{})-[0-9]{{2}}-[0-9]{{2}}$",
            Date::YEARS.end()
        )
    );
    assert_eq!(*Date::YEARS.start(), 1900);
    assert_eq!(
        property(&use_case, "/$defs/step/properties/duration")["pattern"],
        format!("^[0-9]{{1,{}}}[mhdw]$", casebook::model::Duration::MAX_DIGITS)
    );
}
