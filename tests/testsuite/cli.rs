//! The command line: exit statuses, `--fail-on`, `--output`, `--today`, colours, and the
//! explain, schema, new and graph commands, run as a user would run them.

use crate::rules::{Laid, base, lay};
use crate::support::{casebook, copy_tree, fixtures};
use casebook::load::FileKind;
use casebook::rules::REGISTRY;
use std::path::{Path, PathBuf};

fn fixture(rel: &str) -> PathBuf {
    fixtures().join("rules").join(rel)
}

/// Runs `casebook --catalogue ROOT ARGS...` and returns (status, stdout, stderr).
fn run(root: &Path, args: &[&str]) -> (i32, String, String) {
    let out = casebook()
        .arg("--catalogue")
        .arg(root)
        .args(args)
        .env_remove("NO_COLOR")
        .output()
        .expect("the binary runs");
    (
        out.status.code().expect("an exit status"),
        String::from_utf8(out.stdout).expect("UTF-8 stdout"),
        String::from_utf8(out.stderr).expect("UTF-8 stderr"),
    )
}

fn status(laid: &Laid, args: &[&str]) -> i32 {
    run(laid.root(), args).0
}

#[test]
fn a_clean_catalogue_exits_0() {
    let laid = lay(&fixture("dead-end/valid-end-step.yaml"));
    let (code, stdout, stderr) = run(laid.root(), &["check"]);
    assert_eq!(code, 0, "{stdout}{stderr}");
    assert_eq!(
        stdout,
        "casebook: 5 files, 1 use case: 0 errors, 0 warnings, 0 infos\n"
    );
    assert!(stderr.is_empty());
}

#[test]
fn an_error_exits_1_unless_fail_on_never() {
    let laid = lay(&fixture("dead-end/invalid-no-next.yaml"));
    let (code, stdout, _) = run(laid.root(), &["check"]);
    assert_eq!(code, 1);
    assert!(stdout.contains("error[dead-end]"), "{stdout}");
    // The catalogue was given as an absolute folder outside the current one: so is the path.
    let at = format!(
        "--> {}/use-cases/invalid-no-next.yaml:22:9",
        laid.root().display()
    );
    assert!(stdout.contains(&at), "{stdout}");
    for (fail_on, expected) in [("error", 1), ("warning", 1), ("info", 1), ("never", 0)] {
        assert_eq!(
            status(&laid, &["check", "--fail-on", fail_on]),
            expected,
            "--fail-on {fail_on}"
        );
    }
}

#[test]
fn fail_on_sets_the_lowest_severity_that_fails() {
    // Warnings only.
    let warnings = lay(&fixture("unused-allow/invalid-nothing-to-suppress.yaml"));
    // Infos only.
    let infos = lay(&fixture("unused-definition/invalid-unused"));
    for (fail_on, on_warning, on_info) in [
        (None, 0, 0),
        (Some("error"), 0, 0),
        (Some("warning"), 1, 0),
        (Some("info"), 1, 1),
        (Some("never"), 0, 0),
    ] {
        let mut args = vec!["check"];
        if let Some(f) = fail_on {
            args.extend(["--fail-on", f]);
        }
        assert_eq!(status(&warnings, &args), on_warning, "warnings, {args:?}");
        assert_eq!(status(&infos, &args), on_info, "infos, {args:?}");
    }
}

#[test]
fn bad_arguments_exit_2() {
    let laid = base();
    for args in [
        &["check", "--fail-on", "sometimes"][..],
        &["check", "--format", "yaml"],
        &["check", "--today", "2026-02-30"],
        &["check", "--today", "22/11/2026"],
        &["frobnicate"],
    ] {
        let (code, stdout, stderr) = run(laid.root(), args);
        assert_eq!(code, 2, "{args:?}");
        assert!(stdout.is_empty(), "{args:?}: {stdout}");
        assert!(!stderr.is_empty(), "{args:?}");
    }
    let (_, _, stderr) = run(laid.root(), &["check", "--today", "2026-02-30"]);
    assert!(
        stderr.contains("`2026-02-30` is not a date in the form YYYY-MM-DD"),
        "{stderr}"
    );
}

#[test]
fn today_accepts_a_date() {
    let laid = lay(&fixture("dead-end/valid-end-step.yaml"));
    assert_eq!(status(&laid, &["check", "--today", "2026-11-22"]), 0);
    assert_eq!(status(&laid, &["check", "--today", "2024-02-29"]), 0);
}

#[test]
fn output_writes_the_report_to_a_file_and_nothing_to_stdout() {
    let laid = lay(&fixture("dead-end/invalid-no-next.yaml"));
    let report = laid.root().join("report.txt");
    let (code, stdout, stderr) = run(laid.root(), &["check", "--output", report.to_str().unwrap()]);
    assert_eq!(
        code, 1,
        "the exit status does not depend on where the report goes"
    );
    assert!(stdout.is_empty(), "{stdout}");
    assert!(stderr.is_empty(), "{stderr}");
    let written = std::fs::read_to_string(&report).expect("the report file");
    let (_, on_stdout, _) = run(laid.root(), &["check"]);
    assert_eq!(written, on_stdout);
    assert!(written.contains("error[dead-end]"));

    let json = laid.root().join("report.json");
    run(
        laid.root(),
        &["check", "--format", "json", "--output", json.to_str().unwrap()],
    );
    let value: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(json).unwrap()).unwrap();
    assert_eq!(value["diagnostics"][0]["rule"], "dead-end");
    assert_eq!(value["diagnostics"][0]["line"], 22);
}

#[test]
fn output_to_an_unwritable_place_exits_2() {
    let laid = lay(&fixture("dead-end/valid-end-step.yaml"));
    let (code, _, stderr) = run(laid.root(), &["check", "--output", "/nonexistent-dir/report.txt"]);
    assert_eq!(code, 2);
    assert!(stderr.contains("cannot write"), "{stderr}");
}

#[test]
fn output_that_is_not_a_terminal_has_no_colour() {
    let laid = lay(&fixture("dead-end/invalid-two-dead-ends.yaml"));
    let (_, plain, _) = run(laid.root(), &["check"]);
    assert!(plain.contains("error[dead-end]"));
    assert!(!plain.contains('\x1b'), "ANSI escapes in piped output");
    let out = casebook()
        .arg("--catalogue")
        .arg(laid.root())
        .arg("check")
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    assert!(!out.stdout.contains(&0x1b));
    assert_eq!(String::from_utf8(out.stdout).unwrap(), plain);
}

#[test]
fn explain_lists_every_rule() {
    let (code, stdout, _) = run(Path::new("."), &["explain"]);
    assert_eq!(code, 0);
    for rule in REGISTRY {
        let m = rule.meta();
        let line = stdout
            .lines()
            .find(|l| l.split_whitespace().next() == Some(m.id))
            .unwrap_or_else(|| panic!("`{}` is not listed:\n{stdout}", m.id));
        assert!(line.contains(m.group.as_str()), "{line}");
        assert!(line.contains(m.default_severity.as_str()), "{line}");
        assert!(line.contains(m.summary), "{line}");
    }
}

#[test]
fn explain_a_rule_prints_its_documentation() {
    let (code, stdout, _) = run(Path::new("."), &["explain", "dead-end"]);
    assert_eq!(code, 0);
    assert!(stdout.starts_with("# dead-end\n"), "{stdout}");
    assert!(
        stdout.contains("Group: structure. Default severity: error."),
        "{stdout}"
    );
    for heading in [
        "## What it does",
        "## Why is this bad?",
        "## Example",
        "## How to fix",
    ] {
        assert!(
            stdout.lines().any(|l| l == heading),
            "no `{heading}` line:\n{stdout}"
        );
    }
}

#[test]
fn explain_an_unknown_rule_exits_2_with_a_suggestion() {
    let (code, stdout, stderr) = run(Path::new("."), &["explain", "nope"]);
    assert_eq!(code, 2);
    assert!(stdout.is_empty());
    assert_eq!(
        stderr,
        "casebook: no rule named `nope` (`casebook explain` lists them)\n"
    );
    let (code, _, stderr) = run(Path::new("."), &["explain", "dead-ends"]);
    assert_eq!(code, 2);
    assert!(stderr.contains("did you mean `dead-end`?"), "{stderr}");
}

fn schema_file(kind: FileKind) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("schemas")
        .join(format!("{}.schema.json", kind.name()))
}

#[test]
fn schema_prints_exactly_the_file_in_schemas() {
    for kind in FileKind::ALL {
        let (code, stdout, _) = run(Path::new("."), &["schema", kind.name()]);
        assert_eq!(code, 0, "{}", kind.name());
        let file = std::fs::read_to_string(schema_file(kind)).unwrap();
        assert_eq!(
            stdout,
            file,
            "`casebook schema {}` differs from the file",
            kind.name()
        );
    }
    let (code, _, stderr) = run(Path::new("."), &["schema", "nope"]);
    assert_eq!(code, 2);
    assert!(stderr.contains("use-case"), "{stderr}");
}

#[test]
fn every_embedded_schema_is_the_file_and_a_valid_json_schema() {
    let mut on_disk: Vec<String> = std::fs::read_dir(Path::new(env!("CARGO_MANIFEST_DIR")).join("schemas"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    on_disk.sort();
    let mut kinds: Vec<String> = FileKind::ALL
        .iter()
        .map(|k| format!("{}.schema.json", k.name()))
        .collect();
    kinds.sort();
    assert_eq!(on_disk, kinds, "schemas/ holds exactly one file per kind");
    for kind in FileKind::ALL {
        let text = kind.schema_text();
        assert_eq!(text, std::fs::read_to_string(schema_file(kind)).unwrap());
        let schema: serde_json::Value = serde_json::from_str(text).expect("valid JSON");
        assert_eq!(schema["$schema"], "https://json-schema.org/draft/2020-12/schema");
        jsonschema::draft202012::meta::validate(&schema)
            .unwrap_or_else(|e| panic!("{}: not a valid 2020-12 schema: {e}", kind.name()));
        jsonschema::draft202012::new(&schema)
            .unwrap_or_else(|e| panic!("{}: does not compile: {e}", kind.name()));
    }
}

#[test]
fn new_writes_a_use_case_that_checks_clean_and_never_overwrites() {
    let laid = base();
    let (code, stdout, stderr) = run(laid.root(), &["new", "my-case", "--domain", "billing"]);
    assert_eq!(code, 0, "{stderr}");
    let path = laid.root().join("use-cases/billing/my-case.yaml");
    assert!(stdout.contains("my-case.yaml"), "{stdout}");
    let written = std::fs::read_to_string(&path).expect("the new file");
    assert!(written.contains("id: my-case\n"), "{written}");
    assert!(written.contains("domain: billing\n"), "{written}");

    let (code, stdout, _) = run(laid.root(), &["check", "--fail-on", "info"]);
    assert_eq!(code, 0, "the new use case must check clean:\n{stdout}");

    // Again: refused, the file is untouched.
    std::fs::write(&path, format!("{written}# edited by hand\n")).unwrap();
    let (code, _, stderr) = run(laid.root(), &["new", "my-case", "--domain", "billing"]);
    assert_eq!(code, 2);
    assert!(stderr.contains("already exists"), "{stderr}");
    assert_eq!(
        std::fs::read_to_string(&path).unwrap(),
        format!("{written}# edited by hand\n")
    );
    // Same id in another domain: refused too (ids are unique across the catalogue).
    let (code, _, _) = run(laid.root(), &["new", "my-case", "--domain", "other"]);
    assert_eq!(code, 2);
    assert!(!laid.root().join("use-cases/other").exists());
}

#[test]
fn graph_prints_dot_and_mermaid() {
    let laid = lay(&fixture("schema/valid-every-field.yaml"));
    for format in ["dot", "mermaid"] {
        let (code, stdout, stderr) = run(laid.root(), &["graph", "meter-dispute", "--format", format]);
        assert_eq!(code, 0, "{stderr}");
        insta::assert_snapshot!(format!("graph_{format}"), stdout);
    }
}

#[test]
fn graph_of_an_unknown_use_case_exits_2_with_a_suggestion() {
    let laid = lay(&fixture("schema/valid-every-field.yaml"));
    let (code, stdout, stderr) = run(laid.root(), &["graph", "meter-dispte"]);
    assert_eq!(code, 2);
    assert!(stdout.is_empty());
    assert!(stderr.contains("no use case `meter-dispte`"), "{stderr}");
    assert!(stderr.contains("did you mean `meter-dispute`?"), "{stderr}");
}

#[test]
fn the_shipped_catalogue_keeps_its_size_and_has_no_error() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("catalogue");
    let (code, stdout, stderr) = run(&root, &["check", "--format", "json", "--today", "2026-11-22"]);
    assert!(stderr.is_empty(), "{stderr}");
    assert_eq!(code, 0, "`casebook check` on the sample catalogue exits 0");
    let report: serde_json::Value = serde_json::from_str(&stdout).expect("a JSON report");
    let errors: Vec<&serde_json::Value> = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["severity"] == "error")
        .collect();
    assert!(errors.is_empty(), "errors in catalogue/: {errors:#?}");
    // The review's state: drafts show real problems as warnings, of several kinds.
    let kinds: std::collections::BTreeSet<&str> = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["severity"] == "warning")
        .filter_map(|d| d["rule"].as_str())
        .collect();
    for rule in [
        "ping-pong",
        "channel-switch",
        "customer-transfer",
        "handoff-budget",
        "repeat-ask",
        "review-overdue",
    ] {
        assert!(
            kinds.contains(rule),
            "the sample catalogue shows no {rule}: {kinds:?}"
        );
    }
    // Its size, so that the sample never silently shrinks.
    let checked = casebook::check(
        &root,
        casebook::CheckOptions {
            today: casebook::model::Date::parse("2026-11-22").unwrap(),
        },
    )
    .unwrap();
    let cat = &checked.catalogue;
    assert!(cat.use_cases.len() >= 140, "use cases: {}", cat.use_cases.len());
    assert!(cat.teams.len() >= 20, "teams: {}", cat.teams.len());
    assert!(
        cat.departments.len() >= 6,
        "departments: {}",
        cat.departments.len()
    );
    assert!(cat.channels.len() >= 8, "channels: {}", cat.channels.len());
    let domains: std::collections::BTreeSet<&str> = cat.use_cases.iter().map(|u| u.domain.as_str()).collect();
    assert!(domains.len() >= 12, "domains: {domains:?}");
    let not_reviewed = cat
        .use_cases
        .iter()
        .filter(|u| u.status != Some(casebook::model::Status::Reviewed))
        .count();
    assert!(
        (15..=25).contains(&not_reviewed),
        "drafts and in-review: {not_reviewed}"
    );
}

#[test]
fn the_catalogue_folder_defaults_to_catalogue_in_the_current_directory() {
    let out = casebook()
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(["check", "--fail-on", "never"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let stdout = String::from_utf8(out.stdout).unwrap();
    let summary = stdout.lines().last().unwrap_or_default();
    // The sample grows over time: only check that it was found and read.
    assert!(
        summary.starts_with("casebook: ") && summary.contains(" use cases: "),
        "{summary}"
    );
    assert!(!summary.contains(" 0 use cases"), "{summary}");
}

#[test]
fn a_report_that_cannot_be_written_exits_2_with_a_message() {
    use assert_cmd::cargo::CommandCargoExt;
    let laid = lay(&fixture("dead-end/valid-end-step.yaml"));
    let full = || {
        std::fs::OpenOptions::new()
            .write(true)
            .open("/dev/full")
            .expect("/dev/full (Linux)")
    };
    for format in ["human", "json"] {
        // Standard output is /dev/full: every write fails with "no space left on device".
        let out = std::process::Command::cargo_bin("casebook")
            .unwrap()
            .arg("--catalogue")
            .arg(laid.root())
            .args(["check", "--format", format])
            .stdout(full())
            .stderr(std::process::Stdio::piped())
            .output()
            .expect("the binary runs");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{format}: {stderr}");
        assert!(stderr.contains("cannot write the report"), "{stderr}");
    }
    let (code, _, stderr) = run(laid.root(), &["check", "--output", "/dev/full"]);
    assert_eq!(code, 2, "{stderr}");
    assert!(
        stderr.contains("cannot write the report to /dev/full"),
        "{stderr}"
    );
}

/// Every command that prints, with standard output on /dev/full: exit 2 and a message, never a
/// silent success (stats dropped the failed write; graph, explain and schema panicked in print!).
#[test]
fn every_command_whose_output_cannot_be_written_exits_2() {
    use assert_cmd::cargo::CommandCargoExt;
    let laid = lay(&fixture("dead-end/valid-end-step.yaml"));
    let (_, json, _) = run(laid.root(), &["check", "--format", "json", "--fail-on", "never"]);
    let report: serde_json::Value = serde_json::from_str(&json).expect("JSON report");
    let id = report["diagnostics"][0]["use_case"]
        .as_str()
        .map(str::to_owned)
        .unwrap_or_else(|| {
            let (_, stats, _) = run(laid.root(), &["stats", "--format", "json"]);
            let stats: serde_json::Value = serde_json::from_str(&stats).expect("JSON stats");
            stats["use_cases"][0]["id"]
                .as_str()
                .expect("a use case id")
                .to_owned()
        });
    for args in [
        vec!["stats"],
        vec!["stats", "--format", "json"],
        vec!["graph", id.as_str(), "--format", "svg"],
        vec!["explain"],
        vec!["explain", "dead-end"],
        vec!["schema", "use-case"],
        vec!["schema"],
    ] {
        let full = std::fs::OpenOptions::new()
            .write(true)
            .open("/dev/full")
            .expect("/dev/full (Linux)");
        let out = std::process::Command::cargo_bin("casebook")
            .unwrap()
            .arg("--catalogue")
            .arg(laid.root())
            .args(&args)
            .stdout(full)
            .stderr(std::process::Stdio::piped())
            .output()
            .expect("the binary runs");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(stderr.contains("cannot write"), "{args:?}: {stderr}");
        assert!(!stderr.contains("panicked"), "{args:?}: {stderr}");
    }
}

/// `new` follows no link: a `use-cases` folder that is a link to somewhere else would have it
/// write a file there.
#[cfg(unix)]
#[test]
fn new_refuses_a_use_cases_folder_that_is_a_link() {
    let laid = lay(&fixture("dead-end/valid-end-step.yaml"));
    let elsewhere = tempfile::tempdir().unwrap();
    let use_cases = laid.root().join("use-cases");
    copy_tree(&use_cases, elsewhere.path());
    std::fs::remove_dir_all(&use_cases).unwrap();
    std::os::unix::fs::symlink(elsewhere.path(), &use_cases).unwrap();
    let before = list(elsewhere.path());
    let (code, _, stderr) = run(laid.root(), &["new", "fresh-case", "--domain", "billing"]);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("symbolic link"), "{stderr}");
    assert_eq!(list(elsewhere.path()), before, "nothing written through the link");
}

fn list(dir: &Path) -> Vec<PathBuf> {
    let mut all = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            all.extend(list(&path));
        }
        all.push(path);
    }
    all.sort();
    all
}

/// The format-group findings of `check` in `file` (catalogue-relative), as `rule: message`.
fn format_findings(root: &Path, file: &str) -> Vec<String> {
    let (_, stdout, _) = run(root, &["check", "--format", "json"]);
    let report: serde_json::Value = serde_json::from_str(&stdout).expect("JSON report");
    let format_rules: Vec<&str> = REGISTRY
        .iter()
        .map(|r| r.meta())
        .filter(|m| m.group.as_str() == "format")
        .map(|m| m.id)
        .collect();
    report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["file"] == file && format_rules.contains(&d["rule"].as_str().unwrap()))
        .map(|d| format!("{}: {}", d["rule"], d["message"]))
        .collect()
}

#[test]
fn new_writes_a_file_that_passes_the_format_rules_whatever_the_catalogue_lacks() {
    // (file to replace, its new text, what is missing)
    let cases = [
        ("channels.yaml", "channels: []\n", "no channel"),
        ("information.yaml", "information: []\n", "no information item"),
        (
            "organisation.yaml",
            "departments:\n  - id: d\n    name: D\n    teams:\n      - id: \"Front Desk: 1\"\n        name: Bad\n        lane: frontstage\n      - id: back\n        name: Back\n        lane: backstage\n",
            "a frontstage team whose id is not a slug",
        ),
    ];
    for (file, text, what) in cases {
        let laid = base();
        std::fs::write(laid.root().join(file), text).unwrap();
        let (code, _, stderr) = run(laid.root(), &["new", "my-case", "--domain", "billing"]);
        assert_eq!(code, 0, "{what}: {stderr}");
        let findings = format_findings(laid.root(), "use-cases/billing/my-case.yaml");
        assert!(
            findings.is_empty(),
            "{what}: the new file has format errors: {findings:#?}"
        );
    }
}

#[test]
fn new_refuses_clearly_when_no_team_can_own_the_use_case() {
    let laid = base();
    std::fs::write(laid.root().join("organisation.yaml"), "departments: []\n").unwrap();
    let (code, _, stderr) = run(laid.root(), &["new", "my-case", "--domain", "billing"]);
    assert_eq!(code, 2, "{stderr}");
    assert!(
        stderr.contains("no team") && stderr.contains("organisation.yaml"),
        "{stderr}"
    );
    assert!(!laid.root().join("use-cases/billing/my-case.yaml").exists());
}
