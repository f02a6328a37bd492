//! Rule fixtures: `tests/fixtures/rules/<rule-id>/{valid,invalid}-*`.
//!
//! Each fixture is laid over the base catalogue of `tests/fixtures/base/` in a temporary folder
//! and checked with today = 2026-11-22:
//!
//! - `valid-*.yaml` / `invalid-*.yaml` is one use case, copied to `use-cases/<its name>`;
//! - `valid-*/` / `invalid-*/` is an overlay of whole files (casebook.yaml, organisation.yaml,
//!   several use cases, stray files...), copied over the base.
//!
//! An `invalid-*` fixture states what it must produce on the first line of one of its files:
//! `# expect: dead-end x2` (several rules separated by commas; `x1` may be left out). The counts
//! are exact. A `valid-*` fixture must produce no finding of its rule, no error of any rule, and
//! no unused allow: it is a clean example. The human report of every invalid fixture is snapshot-tested.

use crate::support::{copy_tree, fixtures};
use casebook::diagnostic::baseline::{self, Baseline};
use casebook::diagnostic::render::human;
use casebook::diagnostic::{Diagnostic, Report, Severity};
use casebook::model::Date;
use casebook::rules::REGISTRY;
use casebook::{CheckOptions, Checked, check};
use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};

/// The date every fixture is checked on.
pub fn today() -> Date {
    Date::parse("2026-11-22").expect("a valid date")
}

/// One fixture of one rule.
struct Fixture {
    /// The file or folder name, e.g. `invalid-no-next.yaml`.
    name: String,
    path: PathBuf,
    valid: bool,
}

impl Fixture {
    fn stem(&self) -> &str {
        self.name.strip_suffix(".yaml").unwrap_or(&self.name)
    }
}

/// The fixtures of `rule`, sorted by name. Any other entry in the folder is a mistake.
fn fixtures_of(rule: &str) -> Vec<Fixture> {
    let dir = fixtures().join("rules").join(rule);
    let Ok(entries) = std::fs::read_dir(&dir) else {
        return Vec::new();
    };
    let mut out: Vec<Fixture> = entries
        .map(|e| {
            let e = e.expect("readable entry");
            let name = e.file_name().to_string_lossy().into_owned();
            let is_dir = e.file_type().expect("file type").is_dir();
            let valid = name.starts_with("valid-");
            assert!(
                valid || name.starts_with("invalid-"),
                "{}: fixture names start with valid- or invalid-",
                e.path().display()
            );
            assert!(
                is_dir || name.ends_with(".yaml"),
                "{}: a single-file fixture is a .yaml use case",
                e.path().display()
            );
            Fixture {
                name,
                path: e.path(),
                valid,
            }
        })
        .collect();
    out.sort_by(|a, b| a.name.cmp(&b.name));
    out
}

/// Every file below `dir`.
fn files_below(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).expect("readable folder") {
        let e = e.expect("readable entry");
        if e.file_type().expect("file type").is_dir() {
            files_below(&e.path(), out);
        } else {
            out.push(e.path());
        }
    }
}

/// Parses `# expect: dead-end x2, unused-allow` into rule -> count.
fn parse_expect(line: &str) -> Option<BTreeMap<String, usize>> {
    let line = line.trim_start_matches('\u{feff}').trim();
    let rest = line.strip_prefix("# expect:")?;
    let mut out = BTreeMap::new();
    for part in rest.split(',') {
        let mut words = part.split_whitespace();
        let rule = words.next().expect("a rule id after `# expect:`");
        let count = match words.next() {
            Some(n) => n
                .strip_prefix('x')
                .and_then(|n| n.parse().ok())
                .unwrap_or_else(|| panic!("`{part}`: write the count as x2")),
            None => 1,
        };
        out.insert(rule.to_owned(), count);
    }
    Some(out)
}

/// The expectations written in the fixture's files.
fn expectations(fixture: &Fixture) -> BTreeMap<String, usize> {
    let mut files = Vec::new();
    if fixture.path.is_dir() {
        files_below(&fixture.path, &mut files);
    } else {
        files.push(fixture.path.clone());
    }
    let mut found = Vec::new();
    for f in files {
        let bytes = std::fs::read(&f).expect("readable fixture");
        let text = String::from_utf8_lossy(&bytes[..bytes.len().min(4096)]).into_owned();
        if let Some(e) = text.lines().next().and_then(parse_expect) {
            found.push(e);
        }
    }
    assert!(
        found.len() <= 1,
        "{}: write `# expect:` in one file only",
        fixture.path.display()
    );
    found.pop().unwrap_or_default()
}

/// A catalogue on disk: the base with `overlay` laid over it.
pub struct Laid {
    /// Keeps the folder alive.
    pub dir: tempfile::TempDir,
}

impl Laid {
    /// The catalogue folder.
    pub fn root(&self) -> &Path {
        self.dir.path()
    }
}

/// Copies the base catalogue into a new temporary folder.
pub fn base() -> Laid {
    let dir = tempfile::tempdir().expect("temporary folder");
    copy_tree(&fixtures().join("base"), dir.path());
    Laid { dir }
}

/// The base with the fixture at `path` (a use case file or an overlay folder) laid over it.
pub fn lay(path: &Path) -> Laid {
    let laid = base();
    if path.is_dir() {
        copy_tree(path, laid.root());
    } else {
        let to = laid.root().join("use-cases");
        std::fs::create_dir_all(&to).expect("create use-cases/");
        std::fs::copy(path, to.join(path.file_name().expect("a file name"))).expect("copy fixture");
    }
    laid
}

/// Checks the catalogue in `root` with the fixed date, against `root/baseline.json` when there
/// is one (the fixtures of `baseline-fixed`), as `check --baseline` does.
pub fn check_at(root: &Path) -> Checked {
    let mut checked = check(root, CheckOptions { today: today() }).expect("the catalogue loads");
    let file = root.join("baseline.json");
    if file.is_file() {
        let text = std::fs::read_to_string(&file).expect("readable baseline");
        let accepted = Baseline::parse(&text).expect("a valid baseline");
        baseline::apply(
            &mut checked.report,
            &accepted,
            &checked.catalogue,
            "baseline.json",
        );
    }
    checked
}

/// The file, line and column a diagnostic points at.
pub fn location(report: &Report, d: &Diagnostic) -> (String, u32, u32) {
    let file = report.sources.get(d.span.file);
    let at = file.line_col(d.span.start);
    (file.rel_path.clone(), at.line, at.column)
}

/// One line per diagnostic, for failure messages.
fn summary(report: &Report) -> String {
    report
        .diagnostics
        .iter()
        .map(|d| {
            let (f, l, c) = location(report, d);
            format!("  {f}:{l}:{c} {} [{}] {}", d.severity.as_str(), d.rule, d.message)
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Runs every fixture of `rule`; collects every broken expectation before failing.
fn check_rule(rule: &str) {
    let all = fixtures_of(rule);
    assert!(!all.is_empty(), "no fixtures for `{rule}`");
    let known: HashSet<&str> = REGISTRY.iter().map(|r| r.meta().id).collect();
    let mut failures = Vec::new();
    for fixture in &all {
        let laid = lay(&fixture.path);
        let checked = check_at(laid.root());
        let report = &checked.report;
        let expect = expectations(fixture);
        for r in expect.keys() {
            assert!(
                known.contains(r.as_str()),
                "{}: unknown rule `{r}` in `# expect:`",
                fixture.name
            );
        }
        let count = |r: &str| report.diagnostics.iter().filter(|d| d.rule == r).count();
        let what = format!("{rule}/{}", fixture.name);
        let failed_before = failures.len();
        if fixture.valid {
            if count(rule) > 0 {
                failures.push(format!(
                    "{what}: must not fire `{rule}`, but:\n{}",
                    summary(report)
                ));
            }
            if report.diagnostics.iter().any(|d| d.severity == Severity::Error) {
                failures.push(format!(
                    "{what}: a valid fixture has no error, but:\n{}",
                    summary(report)
                ));
            }
            // An allow in a clean example must suppress something: otherwise a near miss
            // written as "allowed" would pass without the rule ever firing.
            if count("unused-allow") > 0 {
                failures.push(format!(
                    "{what}: every allow of a valid fixture must be used, but:\n{}",
                    summary(report)
                ));
            }
        } else if expect.get(rule).is_none_or(|&n| n == 0) {
            failures.push(format!("{what}: write `# expect: {rule} xN` on its first line"));
        }
        for (r, &n) in &expect {
            if count(r) != n {
                failures.push(format!(
                    "{what}: expected {n} x `{r}`, found {}:\n{}",
                    count(r),
                    summary(report)
                ));
            }
        }
        // Snapshot only a fixture that gives what it expects: its counts say more when not.
        if !fixture.valid && failures.len() == failed_before {
            insta::assert_snapshot!(format!("{rule}__{}", fixture.stem()), human(report, false));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

/// One test per rule, and the list of rules that have one.
macro_rules! rule_tests {
    ($($name:ident => $id:literal,)*) => {
        const TESTED: &[&str] = &[$($id),*];
        $(
            #[test]
            fn $name() {
                check_rule($id);
            }
        )*
    };
}

rule_tests! {
    yaml_syntax => "yaml-syntax",
    schema => "schema",
    duplicate_id => "duplicate-id",
    unknown_reference => "unknown-reference",
    stray_file => "stray-file",
    unreachable_step => "unreachable-step",
    dead_end => "dead-end",
    no_exit_loop => "no-exit-loop",
    unlabelled_branch => "unlabelled-branch",
    duplicate_branch => "duplicate-branch",
    parallel_condition => "parallel-condition",
    unbalanced_parallel => "unbalanced-parallel",
    misdirected_message => "misdirected-message",
    call_cycle => "call-cycle",
    missing_channel => "missing-channel",
    unused_definition => "unused-definition",
    unused_allow => "unused-allow",
    baseline_fixed => "baseline-fixed",
    handoff_budget => "handoff-budget",
    ping_pong => "ping-pong",
    silo_break => "silo-break",
    information_gap => "information-gap",
    handoff_without_duration => "handoff-without-duration",
    customer_transfer => "customer-transfer",
    visibility_crossing => "visibility-crossing",
    repeat_ask => "repeat-ask",
    channel_switch => "channel-switch",
    close_the_loop => "close-the-loop",
    moment_of_truth_handoff => "moment-of-truth-handoff",
    fail_point_without_recovery => "fail-point-without-recovery",
    satisfaction_gap => "satisfaction-gap",
    review_overdue => "review-overdue",
}

#[test]
fn every_rule_has_valid_and_invalid_fixtures_and_a_test() {
    let mut missing = Vec::new();
    for rule in REGISTRY {
        let id = rule.meta().id;
        let all = fixtures_of(id);
        if !all.iter().any(|f| f.valid) {
            missing.push(format!(
                "`{id}` has no valid-* fixture in tests/fixtures/rules/{id}/"
            ));
        }
        if !all.iter().any(|f| !f.valid) {
            missing.push(format!(
                "`{id}` has no invalid-* fixture in tests/fixtures/rules/{id}/"
            ));
        }
        if !TESTED.contains(&id) {
            missing.push(format!(
                "`{id}` is missing from rule_tests! in tests/testsuite/rules.rs"
            ));
        }
    }
    assert!(missing.is_empty(), "{}", missing.join("\n"));
}

#[test]
fn every_fixture_folder_names_a_rule() {
    let ids: HashSet<&str> = REGISTRY.iter().map(|r| r.meta().id).collect();
    for e in std::fs::read_dir(fixtures().join("rules")).expect("fixtures/rules") {
        let name = e.expect("entry").file_name().to_string_lossy().into_owned();
        assert!(
            ids.contains(name.as_str()),
            "tests/fixtures/rules/{name} names no rule"
        );
    }
    for id in TESTED {
        assert!(
            ids.contains(id),
            "rule_tests! lists `{id}`, which is not in REGISTRY"
        );
    }
}

#[test]
fn rule_ids_are_unique_kebab_case_and_documented() {
    let mut seen = HashSet::new();
    for rule in REGISTRY {
        let m = rule.meta();
        assert!(seen.insert(m.id), "rule id `{}` is registered twice", m.id);
        assert!(
            casebook::scaffold::is_slug(m.id) && !m.id.ends_with('-') && !m.id.contains("--"),
            "`{}` is not kebab-case",
            m.id
        );
        assert!(!m.summary.is_empty(), "`{}` has no summary", m.id);
        let doc = m.documentation();
        let mut last = 0;
        for heading in [
            "## What it does",
            "## Why is this bad?",
            "## Example",
            "## How to fix",
        ] {
            let at = doc
                .lines()
                .position(|l| l == heading)
                .unwrap_or_else(|| panic!("`{}`: its documentation lacks `{heading}`", m.id));
            assert!(at >= last, "`{}`: `{heading}` is out of order", m.id);
            last = at;
            let body: String = doc
                .lines()
                .skip(at + 1)
                .take_while(|l| !l.starts_with("## "))
                .collect();
            assert!(!body.trim().is_empty(), "`{}`: `{heading}` is empty", m.id);
        }
    }
}

#[test]
fn expect_lines_parse() {
    let e = parse_expect("\u{feff}# expect: dead-end x2, unused-allow").unwrap();
    assert_eq!(e.get("dead-end"), Some(&2));
    assert_eq!(e.get("unused-allow"), Some(&1));
    assert!(parse_expect("id: x").is_none());
}

/// The diagnostics of `rule` in the fixture `rule/name`, with their locations.
fn found(rule: &str, name: &str) -> Vec<(Diagnostic, (String, u32, u32))> {
    let laid = lay(&fixtures().join("rules").join(rule).join(name));
    let checked = check_at(laid.root());
    let report = checked.report;
    report
        .diagnostics
        .iter()
        .filter(|d| d.rule == rule)
        .map(|d| (d.clone(), location(&report, d)))
        .collect()
}

#[test]
fn unknown_actor_suggests_the_closest_team_at_the_reference() {
    let found = found("unknown-reference", "invalid-actor-typo.yaml");
    let [(d, at)] = found.as_slice() else {
        panic!("one finding: {found:?}")
    };
    assert_eq!(at, &("use-cases/invalid-actor-typo.yaml".to_owned(), 17, 12));
    assert_eq!(d.message, "unknown actor `contact-center`");
    assert!(
        d.help
            .as_deref()
            .unwrap_or_default()
            .contains("did you mean `contact-centre`"),
        "{d:?}"
    );
    assert_eq!(d.use_case.as_deref(), Some("invoice-copy"));
    assert_eq!(d.step.as_deref(), Some("send"));
}

#[test]
fn unknown_rule_ids_in_allow_and_settings_suggest_the_closest_rule() {
    let in_allow = found("unknown-reference", "invalid-allow-rule.yaml");
    let [(d, at)] = in_allow.as_slice() else {
        panic!("one finding: {in_allow:?}")
    };
    assert_eq!(at, &("use-cases/invalid-allow-rule.yaml".to_owned(), 19, 13));
    assert_eq!(d.help.as_deref(), Some("did you mean `dead-end`?"));

    let in_settings = found("unknown-reference", "invalid-settings-rule");
    let helps: Vec<_> = in_settings
        .iter()
        .map(|(d, at)| (at.0.as_str(), at.1, at.2, d.help.as_deref().unwrap_or_default()))
        .collect();
    assert_eq!(
        helps,
        [
            ("casebook.yaml", 5, 3, "did you mean `dead-end`?"),
            (
                "casebook.yaml",
                6,
                3,
                "check the spelling; `casebook explain` lists every rule"
            ),
        ]
    );
}

#[test]
fn structure_findings_point_at_the_step_id_or_the_next_entry() {
    let dead = found("dead-end", "invalid-no-next.yaml");
    let [(d, at)] = dead.as_slice() else {
        panic!("one finding: {dead:?}")
    };
    assert_eq!(at, &("use-cases/invalid-no-next.yaml".to_owned(), 22, 9));
    assert_eq!(d.step.as_deref(), Some("visit"));
    assert_eq!(d.severity, Severity::Error);

    let branch = found("unlabelled-branch", "invalid-missing-when.yaml");
    let [(d, at)] = branch.as_slice() else {
        panic!("one finding: {branch:?}")
    };
    assert_eq!(at, &("use-cases/invalid-missing-when.yaml".to_owned(), 31, 9));
    assert!(d.message.contains("to `confirm`"), "{}", d.message);

    let unreachable = found("unreachable-step", "invalid-cut-off-chain.yaml");
    let [(d, at)] = unreachable.as_slice() else {
        panic!("one finding: {unreachable:?}")
    };
    assert_eq!(at.1, 15);
    assert!(
        d.message.ends_with("(nor can the 2 steps after it)"),
        "{}",
        d.message
    );
}

#[test]
fn a_rule_set_to_warning_in_settings_reports_a_warning() {
    let dead = found("dead-end", "invalid-as-warning");
    let [(d, _)] = dead.as_slice() else {
        panic!("one finding: {dead:?}")
    };
    assert_eq!(d.severity, Severity::Warning);
}

#[test]
fn an_allow_suppresses_the_finding_only_on_its_own_step() {
    let unused = found("unused-allow", "invalid-nothing-to-suppress.yaml");
    let [(d, at)] = unused.as_slice() else {
        panic!("one finding: {unused:?}")
    };
    assert_eq!(
        at,
        &("use-cases/invalid-nothing-to-suppress.yaml".to_owned(), 19, 13)
    );
    assert_eq!(d.severity, Severity::Warning);
    assert_eq!(d.step.as_deref(), Some("send"));
}

#[test]
fn a_use_case_defined_in_two_files_shows_both_files() {
    let laid = lay(&fixtures().join("rules/duplicate-id/invalid-two-use-cases"));
    let text = human(&check_at(laid.root()).report, false);
    assert!(
        text.contains("--> use-cases/other/lost-card-copy.yaml:2:5"),
        "{text}"
    );
    assert!(text.contains("::: use-cases/cards/lost-card.yaml:1:5"), "{text}");
    assert!(text.contains("first defined here"), "{text}");
}

#[test]
fn schema_findings_in_a_use_case_name_the_use_case_and_the_step() {
    let in_step = found("schema", "invalid-unknown-field.yaml");
    assert_eq!(in_step.len(), 2, "{in_step:?}");
    for (d, _) in &in_step {
        assert_eq!(d.use_case.as_deref(), Some("invoice-copy"), "{d:?}");
        assert_eq!(d.step.as_deref(), Some("send"), "{d:?}");
    }
    let top = found("schema", "invalid-missing-required.yaml");
    let [(d, _)] = top.as_slice() else {
        panic!("one finding: {top:?}")
    };
    assert_eq!(d.use_case.as_deref(), Some("invoice-copy"));
    assert_eq!(d.step, None);
}

#[test]
fn flow_findings_point_at_the_need_the_next_entry_or_the_step() {
    // silo-break: the `needs` entry of the receiving step, labelled with the `next` entry.
    let silo = found("silo-break", "invalid-told-to-the-agent-only.yaml");
    let [(d, at)] = silo.as_slice() else {
        panic!("one finding: {silo:?}")
    };
    assert_eq!(
        at,
        &("use-cases/invalid-told-to-the-agent-only.yaml".to_owned(), 27, 13)
    );
    assert_eq!(d.step.as_deref(), Some("compare"));
    assert_eq!(d.severity, Severity::Error);
    assert!(
        d.message.contains("the customer gave it at step `call`"),
        "{}",
        d.message
    );

    // information-gap: the `needs` entry, with the path along which nothing gives it.
    let gap = found("information-gap", "invalid-given-on-one-branch.yaml");
    let [(d, at)] = gap.as_slice() else {
        panic!("one finding: {gap:?}")
    };
    assert_eq!(
        at,
        &("use-cases/invalid-given-on-one-branch.yaml".to_owned(), 36, 13)
    );
    assert!(
        d.message
            .ends_with("along `ask` → `triage` → `confirm` nothing gives it"),
        "{}",
        d.message
    );

    // ping-pong: the `next` entry that completes A, B, A, B, teams named in order.
    let pong = found("ping-pong", "invalid-billing-and-field-service.yaml");
    let [(d, at)] = pong.as_slice() else {
        panic!("one finding: {pong:?}")
    };
    assert_eq!(
        at,
        &(
            "use-cases/invalid-billing-and-field-service.yaml".to_owned(),
            38,
            11
        )
    );
    assert_eq!(d.step.as_deref(), Some("compare"));
    assert!(
        d.message
            .contains("(`billing`, `field-service`, `billing`, `field-service`)"),
        "{}",
        d.message
    );

    // handoff-budget: the `next` entry of the first handoff over the budget.
    let budget = found("handoff-budget", "invalid-four-handoffs.yaml");
    let [(d, at)] = budget.as_slice() else {
        panic!("one finding: {budget:?}")
    };
    assert_eq!(at, &("use-cases/invalid-four-handoffs.yaml".to_owned(), 43, 11));
    assert_eq!(d.step.as_deref(), Some("check-meter"));
    assert!(
        d.message.contains("has 4 handoffs, over the budget of 3"),
        "{}",
        d.message
    );

    // handoff-without-duration: the receiving step's id.
    let duration = found("handoff-without-duration", "invalid-two-departments.yaml");
    let steps: Vec<_> = duration
        .iter()
        .map(|(d, at)| (d.step.as_deref(), at.1, at.2))
        .collect();
    assert_eq!(steps, [(Some("correct"), 25, 9), (Some("inform"), 31, 9)]);

    // review-overdue: the `reviewed:` date, no step.
    let review = found("review-overdue", "invalid-due-yesterday.yaml");
    let [(d, at)] = review.as_slice() else {
        panic!("one finding: {review:?}")
    };
    assert_eq!(at, &("use-cases/invalid-due-yesterday.yaml".to_owned(), 9, 11));
    assert_eq!(d.step, None);
    assert!(d.message.contains("was due on 2026-11-21"), "{}", d.message);
}
