//! casebook where CI runs it: the baseline (`--write-baseline`, `--baseline`, `baseline-fixed`),
//! SARIF for code scanning (fingerprints, suppressions, `helpUri`), the paths of every format
//! whatever the current folder and `GITHUB_WORKSPACE`, GitHub's annotation limit and job
//! summary, and JUnit for test reports. Each runs the binary as a workflow step would.

use crate::support::{casebook, copy_tree, fixtures};
use casebook::diagnostic::render::{self, Format, RenderOptions};
use casebook::diagnostic::{Report, fingerprint};
use casebook::model::Date;
use casebook::{CheckOptions, check};
use serde_json::Value;
use std::path::{Path, PathBuf};

const TODAY: &str = "2026-11-22";

/// A folder that stands for a repository: `git init` made it one.
struct Repo {
    dir: tempfile::TempDir,
}

impl Repo {
    fn root(&self) -> &Path {
        self.dir.path()
    }
}

/// A git repository with a copy of `catalogue` (a folder of this project) in `catalogue/`, and
/// an empty `docs/` beside it.
fn repo_with(catalogue: &Path) -> Repo {
    let dir = tempfile::tempdir().expect("temporary folder");
    let status = std::process::Command::new("git")
        .args(["init", "-q"])
        .current_dir(dir.path())
        .status()
        .expect("git runs");
    assert!(status.success());
    std::fs::create_dir_all(dir.path().join("catalogue")).unwrap();
    std::fs::create_dir_all(dir.path().join("docs")).unwrap();
    copy_tree(catalogue, &dir.path().join("catalogue"));
    Repo { dir }
}

fn sample() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("catalogue")
}

/// Runs casebook in `cwd` with `args` and no GitHub Actions variables, unless `env` sets them;
/// returns (status, stdout, stderr).
fn run_in(cwd: &Path, env: &[(&str, &Path)], args: &[&str]) -> (i32, String, String) {
    let mut cmd = casebook();
    cmd.current_dir(cwd)
        .env_remove("GITHUB_WORKSPACE")
        .env_remove("GITHUB_STEP_SUMMARY")
        .env_remove("GITHUB_ACTIONS");
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = cmd.args(args).output().expect("casebook runs");
    (
        out.status.code().expect("an exit status"),
        String::from_utf8(out.stdout).expect("UTF-8"),
        String::from_utf8(out.stderr).expect("UTF-8"),
    )
}

fn json(text: &str) -> Value {
    serde_json::from_str(text).unwrap_or_else(|e| panic!("not JSON ({e}):\n{text}"))
}

fn diagnostics(report: &Value) -> &Vec<Value> {
    report["diagnostics"].as_array().expect("diagnostics")
}

fn edit(file: &Path, from: &str, to: &str) {
    let text = std::fs::read_to_string(file).unwrap();
    assert!(text.contains(from), "{} has no `{from}`", file.display());
    std::fs::write(file, text.replacen(from, to, 1)).unwrap();
}

// ---------------------------------------------------------------------------------------------
// Baseline

#[test]
fn baseline_round_trip_reports_only_what_changed() {
    let repo = repo_with(&sample());
    let root = repo.root();
    let check = |extra: &[&str]| {
        let mut args = vec!["check", "--today", TODAY];
        args.extend_from_slice(extra);
        run_in(root, &[], &args)
    };
    let (_, before, _) = check(&["--format", "json"]);
    let total = diagnostics(&json(&before)).len();
    assert!(total > 20, "the sample has findings to record");

    // Write: every finding recorded, nothing reported, exit 0 even at --fail-on info.
    let (code, out, err) = check(&[
        "--write-baseline",
        "baseline.json",
        "--fail-on",
        "info",
        "--format",
        "json",
    ]);
    assert_eq!(code, 0, "{err}");
    assert!(
        err.contains(&format!("recorded {total} findings in baseline.json")),
        "{err}"
    );
    assert!(diagnostics(&json(&out)).is_empty(), "{out}");
    let (code, out, _) = check(&[
        "--baseline",
        "baseline.json",
        "--fail-on",
        "info",
        "--format",
        "json",
    ]);
    assert_eq!(code, 0);
    assert!(diagnostics(&json(&out)).is_empty(), "{out}");

    // Lines move (a comment above everything): still the same findings, nothing reported.
    let fixed = root.join("catalogue/use-cases/invoicing-payment/clinic-paid-invoice-twice.yaml");
    let text = std::fs::read_to_string(&fixed).unwrap();
    std::fs::write(&fixed, format!("# moved\n# down\n{text}")).unwrap();
    let (code, out, _) = check(&[
        "--baseline",
        "baseline.json",
        "--fail-on",
        "info",
        "--format",
        "json",
    ]);
    assert_eq!((code, diagnostics(&json(&out)).len()), (0, 0), "{out}");

    // One fixed (its review is done), one added (another review is now overdue).
    edit(&fixed, "reviewed: 2025-10-14", "reviewed: 2026-11-01");
    let added = root.join("catalogue/use-cases/client-onboarding/late-joiners-added-after-card-rollout.yaml");
    edit(&added, "reviewed: 2026-10-12", "reviewed: 2024-10-12");
    let (code, out, _) = check(&["--baseline", "baseline.json", "--format", "json"]);
    assert_eq!(code, 0, "a warning and an info do not fail at --fail-on error");
    let report = json(&out);
    let found = diagnostics(&report);
    assert_eq!(found.len(), 2, "{out}");
    let new = found
        .iter()
        .find(|d| d["rule"] == "review-overdue")
        .expect("the new finding");
    assert_eq!(new["use_case"], "late-joiners-added-after-card-rollout");
    let gone = found
        .iter()
        .find(|d| d["rule"] == "baseline-fixed")
        .expect("the fixed entry");
    assert_eq!(gone["severity"], "info");
    assert_eq!(gone["use_case"], "clinic-paid-invoice-twice");
    assert_eq!(
        gone["file"],
        "use-cases/invoicing-payment/clinic-paid-invoice-twice.yaml"
    );
    assert!(
        gone["message"].as_str().unwrap().contains("`review-overdue`"),
        "{gone}"
    );
    assert!(gone["help"].as_str().unwrap().contains("baseline.json"), "{gone}");
    // SARIF names the new finding as a run without the baseline does.
    let print_of = |extra: &[&str]| {
        let mut args = vec!["--format", "sarif"];
        args.extend_from_slice(extra);
        let (_, out, _) = check(&args);
        json(&out)["runs"][0]["results"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| {
                r["ruleId"] == "review-overdue"
                    && r["properties"]["use_case"] == "late-joiners-added-after-card-rollout"
            })
            .map(|r| r["partialFingerprints"]["casebook/v1"].clone())
            .expect("the new finding in SARIF")
    };
    assert_eq!(print_of(&["--baseline", "baseline.json"]), print_of(&[]));
    // The exit status counts only what remains: the new warning fails at --fail-on warning.
    let (code, human, _) = check(&["--baseline", "baseline.json", "--fail-on", "warning"]);
    assert_eq!(code, 1);
    assert!(
        human.contains(&format!(
            "1 warning, 1 info ({} findings in the baseline not shown)",
            total - 1
        )),
        "{human}"
    );
}

#[test]
fn a_missing_or_malformed_baseline_stops_the_run_with_exit_2() {
    let repo = repo_with(&sample());
    let root = repo.root();
    let cases = [
        (None, "cannot read the baseline"),
        (Some("not json"), "is not a baseline casebook can use"),
        (
            Some(r#"{"version": 2, "findings": []}"#),
            "version 2 is not supported",
        ),
        (
            Some(
                r#"{"version": 1, "findings": [{"fingerprint": "xyz", "rule": "r", "file": "f", "use_case": null, "step": null, "message": "m"}]}"#,
            ),
            "`xyz` is not a fingerprint",
        ),
        (
            Some(r#"{"version": 1, "findings": [], "extra": 1}"#),
            "unknown field",
        ),
    ];
    for (text, says) in cases {
        let file = root.join("baseline.json");
        let _ = std::fs::remove_file(&file);
        if let Some(text) = text {
            std::fs::write(&file, text).unwrap();
        }
        let (code, out, err) = run_in(root, &[], &["check", "--baseline", "baseline.json"]);
        assert_eq!(code, 2, "{text:?}: {err}");
        assert!(
            out.is_empty(),
            "no report from a run that could not be done: {out}"
        );
        assert!(
            err.contains("baseline.json") && err.contains(says),
            "{text:?}: {err}"
        );
    }
}

#[test]
fn writing_and_reading_a_baseline_in_one_run_is_refused() {
    let repo = repo_with(&sample());
    let (code, out, err) = run_in(
        repo.root(),
        &[],
        &["check", "--baseline", "a.json", "--write-baseline", "b.json"],
    );
    assert_eq!(code, 2);
    assert!(out.is_empty() && err.contains("--write-baseline"), "{err}");
    assert!(!repo.root().join("b.json").exists());
}

#[test]
fn the_baseline_file_is_sorted_readable_stable_and_keeps_format_findings_out() {
    let repo = repo_with(&fixtures().join("render"));
    let root = repo.root();
    let args = [
        "check",
        "--today",
        TODAY,
        "--write-baseline",
        "b.json",
        "--format",
        "json",
    ];
    let (code, out, _) = run_in(root, &[], &args);
    // Format findings are never recorded, so they still fail the run.
    assert_eq!(code, 1);
    let remaining = json(&out);
    let rules: Vec<&str> = diagnostics(&remaining)
        .iter()
        .map(|d| d["rule"].as_str().unwrap())
        .collect();
    assert!(
        rules.contains(&"schema") && rules.contains(&"unknown-reference"),
        "{rules:?}"
    );
    let first = std::fs::read_to_string(root.join("b.json")).unwrap();
    let doc = json(&first);
    assert_eq!(doc["version"], 1);
    let entries = doc["findings"].as_array().unwrap();
    assert!(!entries.is_empty());
    let key = |e: &Value| {
        ["file", "use_case", "step", "rule", "fingerprint"].map(|k| e[k].as_str().unwrap_or("").to_owned())
    };
    for pair in entries.windows(2) {
        assert!(key(&pair[0]) <= key(&pair[1]), "not sorted: {pair:?}");
    }
    for e in entries {
        let keys: Vec<&str> = e.as_object().unwrap().keys().map(String::as_str).collect();
        assert_eq!(keys.len(), 6, "{e}");
        for k in ["fingerprint", "rule", "file", "use_case", "step", "message"] {
            assert!(e.get(k).is_some(), "{k} in {e}");
        }
        assert!(
            !["schema", "unknown-reference", "yaml-syntax", "duplicate-id"]
                .contains(&e["rule"].as_str().unwrap())
        );
    }
    assert!(
        first.contains("\n  \"findings\": [\n    {\n      \"fingerprint\""),
        "pretty-printed:\n{first}"
    );
    // Written again from the same catalogue: the same bytes.
    run_in(root, &[], &args);
    assert_eq!(std::fs::read_to_string(root.join("b.json")).unwrap(), first);
}

// ---------------------------------------------------------------------------------------------
// SARIF

fn sarif_validator() -> jsonschema::Validator {
    let schema: Value = serde_json::from_str(include_str!("../data/sarif-2.1.0.schema.json")).unwrap();
    jsonschema::draft4::options()
        .should_validate_formats(true)
        .build(&schema)
        .expect("the SARIF schema compiles")
}

fn assert_valid_sarif(log: &Value) {
    let errors: Vec<String> = sarif_validator()
        .iter_errors(log)
        .map(|e| format!("{}: {e}", e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "invalid SARIF:\n{}", errors.join("\n"));
}

/// The base catalogue with an allowed customer transfer and an overdue review, in a repository.
fn allowed_and_reported() -> Repo {
    let repo = repo_with(&fixtures().join("base"));
    let uc = repo.root().join("catalogue/use-cases");
    std::fs::create_dir_all(&uc).unwrap();
    for f in [
        "customer-transfer/valid-allowed-on-the-step.yaml",
        "review-overdue/invalid-due-yesterday.yaml",
    ] {
        let from = fixtures().join("rules").join(f);
        std::fs::copy(&from, uc.join(from.file_name().unwrap())).unwrap();
    }
    repo
}

fn library_report(root: &Path) -> Report {
    let today = Date::parse(TODAY).unwrap();
    check(root, CheckOptions { today }).expect("loads").report
}

#[test]
fn sarif_carries_fingerprints_and_allowed_findings_as_suppressions_with_their_reason() {
    let repo = allowed_and_reported();
    let (_, out, _) = run_in(
        repo.root(),
        &[],
        &["check", "--today", TODAY, "--format", "sarif"],
    );
    let log = json(&out);
    assert_valid_sarif(&log);
    let results = log["runs"][0]["results"].as_array().unwrap();
    let report = library_report(&repo.root().join("catalogue"));
    assert_eq!(report.suppressed.len(), 1);
    assert_eq!(results.len(), report.diagnostics.len() + 1);

    let (suppressed, reported): (Vec<&Value>, Vec<&Value>) =
        results.iter().partition(|r| r.get("suppressions").is_some());
    assert_eq!(suppressed.len(), 1);
    let s = suppressed[0];
    assert_eq!(s["ruleId"], "customer-transfer");
    let suppression = &s["suppressions"][0];
    assert_eq!(suppression["kind"], "inSource");
    assert_eq!(suppression["status"], "accepted");
    assert_eq!(
        suppression["justification"],
        "A warm transfer; the agent sees the invoice before taking the call."
    );
    // The suppression points at the allow entry, in the use case's file.
    let at = &suppression["location"]["physicalLocation"];
    assert_eq!(
        at["artifactLocation"]["uri"],
        "catalogue/use-cases/valid-allowed-on-the-step.yaml"
    );
    let allow_line = std::fs::read_to_string(
        repo.root()
            .join("catalogue/use-cases/valid-allowed-on-the-step.yaml"),
    )
    .unwrap()
    .lines()
    .position(|l| l.contains("allow: [customer-transfer]"))
    .unwrap()
        + 1;
    assert_eq!(at["region"]["startLine"], allow_line);

    // Every result has its fingerprint; the reported ones are the library's, in order.
    let prints: Vec<&str> = reported
        .iter()
        .map(|r| {
            r["partialFingerprints"]["casebook/v1"]
                .as_str()
                .expect("a fingerprint")
        })
        .collect();
    assert_eq!(prints, fingerprint::of_report(&report));
    assert_eq!(
        s["partialFingerprints"]["casebook/v1"].as_str(),
        Some(fingerprint::of_suppressed(&report)[0].as_str())
    );
    // The suppressed finding is in no count and in no other format.
    let (_, human, _) = run_in(repo.root(), &[], &["check", "--today", TODAY]);
    assert!(human.ends_with("0 errors, 1 warning, 0 infos\n"), "{human}");
    let mut without = library_report(&repo.root().join("catalogue"));
    without.suppressed.clear();
    let options = RenderOptions {
        path_prefix: "catalogue/".into(),
        ..RenderOptions::default()
    };
    for format in [Format::Human, Format::Json, Format::Github, Format::Junit] {
        assert_eq!(
            render::render(&report, format, &options),
            render::render(&without, format, &options),
            "{format:?}"
        );
    }
}

#[test]
fn with_a_repository_address_each_rule_links_to_its_setting_in_casebook_yaml() {
    let repo = allowed_and_reported();
    let settings = repo.root().join("catalogue/casebook.yaml");
    let sarif = || {
        let (_, out, _) = run_in(
            repo.root(),
            &[],
            &["check", "--today", TODAY, "--format", "sarif"],
        );
        json(&out)
    };
    let log = sarif();
    let rules = log["runs"][0]["tool"]["driver"]["rules"]
        .as_array()
        .unwrap()
        .clone();
    assert!(
        rules.iter().all(|r| r.get("helpUri").is_none()),
        "no address, no link"
    );

    let mut text = std::fs::read_to_string(&settings).unwrap();
    text.push_str("repository:\n  url: https://git.example.com/org/processes/\n  branch: release/2026\n");
    std::fs::write(&settings, &text).unwrap();
    let line_of = |needle: &str| text.lines().position(|l| l.starts_with(needle)).unwrap() + 1;
    let log = sarif();
    assert_valid_sarif(&log);
    let rules = log["runs"][0]["tool"]["driver"]["rules"].as_array().unwrap();
    let uri = |id: &str| {
        rules.iter().find(|r| r["id"] == id).unwrap()["helpUri"]
            .as_str()
            .unwrap()
            .to_owned()
    };
    let base = "https://git.example.com/org/processes/blob/release/2026/catalogue/casebook.yaml";
    // A rule set in casebook.yaml: its line; any other: the `rules:` key.
    assert_eq!(
        uri("unused-definition"),
        format!("{base}#L{}", line_of("  unused-definition:"))
    );
    assert_eq!(uri("dead-end"), format!("{base}#L{}", line_of("rules:")));

    // `path` says where the catalogue is when casebook runs elsewhere.
    std::fs::write(&settings, format!("{text}  path: services/catalogue\n")).unwrap();
    let log = sarif();
    let link = log["runs"][0]["tool"]["driver"]["rules"][0]["helpUri"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(
        link.starts_with(
            "https://git.example.com/org/processes/blob/release/2026/services/catalogue/casebook.yaml#L"
        ),
        "{link}"
    );
}

#[test]
fn a_repository_that_is_not_a_web_address_is_a_schema_error_and_links_nothing() {
    let repo = allowed_and_reported();
    let settings = repo.root().join("catalogue/casebook.yaml");
    let mut text = std::fs::read_to_string(&settings).unwrap();
    text.push_str("repository:\n  url: git@example.com:org/processes.git\n");
    std::fs::write(&settings, &text).unwrap();
    let (code, out, _) = run_in(
        repo.root(),
        &[],
        &["check", "--today", TODAY, "--format", "sarif"],
    );
    assert_eq!(code, 1);
    let log = json(&out);
    assert!(
        log["runs"][0]["results"]
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r["ruleId"] == "schema"
                && r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
                    == "catalogue/casebook.yaml"),
        "{out}"
    );
    let rules = log["runs"][0]["tool"]["driver"]["rules"].as_array().unwrap();
    assert!(rules.iter().all(|r| r.get("helpUri").is_none()));
}

// ---------------------------------------------------------------------------------------------
// Paths for CI: relative to the repository root, never `.` or `..`

/// Every artifact URI of a SARIF log.
fn sarif_uris(text: &str) -> Vec<String> {
    json(text)["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
                .as_str()
                .unwrap()
                .to_owned()
        })
        .collect()
}

/// Every `file=` of the github commands.
fn github_files(text: &str) -> Vec<String> {
    text.lines()
        .filter_map(|l| {
            l.split_once(" file=")
                .map(|(_, r)| r.split_once(',').unwrap().0.to_owned())
        })
        .collect()
}

/// The URIs of sarif and the files of github, run from `cwd` with `--catalogue catalogue`.
fn ci_paths(cwd: &Path, env: &[(&str, &Path)], catalogue: &str, extra: &[&str]) -> Vec<String> {
    let mut all = Vec::new();
    for format in ["sarif", "github", "junit"] {
        let mut args = vec![
            "--catalogue",
            catalogue,
            "check",
            "--today",
            TODAY,
            "--format",
            format,
        ];
        args.extend_from_slice(extra);
        let (code, out, err) = run_in(cwd, env, &args);
        assert_eq!(code, 1, "{format}: {err}");
        all.extend(match format {
            "sarif" => sarif_uris(&out),
            "github" => github_files(&out),
            _ => {
                let doc = roxmltree::Document::parse(&out).unwrap();
                doc.descendants()
                    .filter_map(|n| n.attribute("file").map(str::to_owned))
                    .collect()
            }
        });
    }
    assert!(!all.is_empty());
    all
}

/// Every path names a file of the repository, from its root, without `.` or `..` segments.
fn assert_in_repository(root: &Path, paths: &[String], prefix: &str) {
    for p in paths {
        assert!(p.starts_with(prefix), "{p} does not start with {prefix}");
        assert!(!p.split('/').any(|s| s == "." || s == ".."), "{p}");
        let decoded = p.replace("%20", " ").replace("%2C", ",").replace("%25", "%");
        assert!(
            root.join(&decoded).exists(),
            "{p} is not a file of the repository"
        );
    }
}

#[test]
fn in_github_actions_from_the_catalogue_folder_paths_start_at_the_repository_root() {
    // working-directory: catalogue, then `casebook --catalogue . check`.
    let repo = repo_with(&fixtures().join("render"));
    let ws = repo.root();
    let paths = ci_paths(&ws.join("catalogue"), &[("GITHUB_WORKSPACE", ws)], ".", &[]);
    assert_in_repository(ws, &paths, "catalogue/");
}

#[test]
fn in_github_actions_a_catalogue_given_as_a_parent_path_has_no_dot_dot() {
    let repo = repo_with(&fixtures().join("render"));
    let ws = repo.root();
    let paths = ci_paths(&ws.join("docs"), &[("GITHUB_WORKSPACE", ws)], "../catalogue", &[]);
    assert_in_repository(ws, &paths, "catalogue/");
}

#[cfg(unix)]
#[test]
fn a_workspace_reached_through_a_link_still_gives_repository_paths() {
    let repo = repo_with(&fixtures().join("render"));
    let link_dir = tempfile::tempdir().unwrap();
    let link = link_dir.path().join("ws");
    std::os::unix::fs::symlink(repo.root(), &link).unwrap();
    let paths = ci_paths(&link.join("catalogue"), &[("GITHUB_WORKSPACE", &link)], ".", &[]);
    assert_in_repository(repo.root(), &paths, "catalogue/");
}

#[test]
fn outside_github_actions_the_git_work_tree_is_the_root() {
    let repo = repo_with(&fixtures().join("render"));
    let root = repo.root();
    let deep = root.join("catalogue/use-cases/billing");
    let paths = ci_paths(&deep, &[], "../..", &[]);
    assert_in_repository(root, &paths, "catalogue/");
    let absolute = root.join("catalogue");
    let paths = ci_paths(&root.join("docs"), &[], absolute.to_str().unwrap(), &[]);
    assert_in_repository(root, &paths, "catalogue/");
}

#[test]
fn path_prefix_overrides_the_guess_and_stays_inside_the_repository() {
    let repo = repo_with(&fixtures().join("render"));
    let ws = repo.root();
    let paths = ci_paths(
        &ws.join("catalogue"),
        &[("GITHUB_WORKSPACE", ws)],
        ".",
        &["--path-prefix", "./services/catalogue/"],
    );
    assert!(
        paths.iter().all(|p| p.starts_with("services/catalogue/")),
        "{paths:?}"
    );
    for bad in ["../catalogue", "/abs/catalogue"] {
        let (code, _, err) = run_in(ws, &[], &["check", "--format", "sarif", "--path-prefix", bad]);
        assert_eq!(code, 2, "{bad}");
        assert!(err.contains("--path-prefix"), "{err}");
    }
}

// ---------------------------------------------------------------------------------------------
// Paths for people: from the current folder

#[test]
fn human_json_and_junit_paths_open_from_the_current_folder() {
    let repo = repo_with(&fixtures().join("render"));
    let root = repo.root();
    let absolute = root.join("catalogue");
    let cases: [(PathBuf, &str, &str); 4] = [
        (root.to_path_buf(), "catalogue", "catalogue/"),
        (root.join("catalogue"), ".", ""),
        (root.join("docs"), "../catalogue", "../catalogue/"),
        (root.to_path_buf(), absolute.to_str().unwrap(), "catalogue/"),
    ];
    for (cwd, catalogue, prefix) in &cases {
        let args = |format: &'static str| -> Vec<&str> {
            vec![
                "--catalogue",
                catalogue,
                "check",
                "--today",
                TODAY,
                "--format",
                format,
            ]
        };
        let (_, human, _) = run_in(cwd, &[], &args("human"));
        let at = format!("--> {prefix}information.yaml:8:9");
        assert!(
            human.contains(&at),
            "from {}: no `{at}` in\n{human}",
            cwd.display()
        );
        let (_, out, _) = run_in(cwd, &[], &args("json"));
        for d in diagnostics(&json(&out)) {
            let (file, path) = (d["file"].as_str().unwrap(), d["path"].as_str().unwrap());
            assert_eq!(path, format!("{prefix}{file}"), "`file` stays catalogue-relative");
            assert!(
                cwd.join(path).exists(),
                "{path} does not open from {}",
                cwd.display()
            );
        }
        // JUnit names files from the repository root (here, whatever the current folder).
        let (_, out, _) = run_in(cwd, &[], &args("junit"));
        assert!(out.contains("file=\"catalogue/information.yaml\""), "{out}");
        assert!(
            out.contains("catalogue/information.yaml:8:9: info[unused-definition]"),
            "{out}"
        );
    }
}

#[test]
fn a_build_refused_for_format_errors_lists_them_with_paths_that_open() {
    let repo = repo_with(&fixtures().join("render"));
    let (code, out, err) = run_in(
        repo.root(),
        &[],
        &["build", "--out", "book-out", "--today", TODAY],
    );
    assert_eq!(code, 1, "{err}");
    assert!(
        out.contains("--> catalogue/use-cases/billing/hostile.yaml:12:12"),
        "{out}"
    );
    assert!(!repo.root().join("book-out").exists());
}

// ---------------------------------------------------------------------------------------------
// GitHub annotations past the limit, and the job summary

fn commands(text: &str, kind: &str) -> usize {
    text.lines()
        .filter(|l| l.starts_with(&format!("::{kind} ")))
        .count()
}

#[test]
fn beyond_ten_annotations_of_a_kind_the_rest_is_in_the_log_and_a_notice_says_so() {
    let repo = repo_with(&sample());
    let root = repo.root();
    let (_, out, _) = run_in(root, &[], &["check", "--today", TODAY, "--format", "json"]);
    let report = json(&out);
    let (warnings, infos) = (
        report["summary"]["warnings"].as_u64().unwrap() as usize,
        report["summary"]["infos"].as_u64().unwrap() as usize,
    );
    assert!(
        warnings > 10 && infos > 10,
        "the sample has more than GitHub shows"
    );
    let total = diagnostics(&report).len();

    let summary_file = root.join("summary.md");
    std::fs::write(&summary_file, "earlier step\n").unwrap();
    for step_summary in [false, true] {
        let env: Vec<(&str, &Path)> = if step_summary {
            vec![("GITHUB_STEP_SUMMARY", summary_file.as_path())]
        } else {
            vec![]
        };
        let (code, out, _) = run_in(root, &env, &["check", "--today", TODAY, "--format", "github"]);
        assert_eq!(code, 0);
        let lines: Vec<&str> = out.lines().collect();
        // Ten warnings, nine infos and the closing notice: what GitHub shows, nothing dropped.
        assert_eq!(commands(&out, "warning"), 10);
        assert_eq!(commands(&out, "notice"), 10);
        assert_eq!(commands(&out, "error"), 0);
        let first_notice = lines.iter().position(|l| l.starts_with("::notice")).unwrap();
        let last_warning = lines.iter().rposition(|l| l.starts_with("::warning")).unwrap();
        assert!(last_warning < first_notice, "warnings before infos");
        // The rest are plain lines in the log, each one finding, none a command.
        let plain: Vec<&&str> = lines.iter().filter(|l| !l.starts_with("::")).collect();
        assert_eq!(plain.len(), total - 19);
        assert!(
            plain
                .iter()
                .all(|l| l.starts_with("warning[") || l.starts_with("info["))
        );
        let notice = lines.last().unwrap();
        assert!(notice.starts_with("::notice title=casebook::"), "{notice}");
        assert!(
            notice.contains(&format!("{} of {total} findings", total - 19)),
            "{notice}"
        );
        assert_eq!(notice.contains("job summary"), step_summary, "{notice}");
    }
    // The job summary: what was there, then a row per finding.
    let summary = std::fs::read_to_string(&summary_file).unwrap();
    assert!(
        summary.starts_with("earlier step\n### casebook: 0 errors"),
        "{summary}"
    );
    let rows = summary
        .lines()
        .filter(|l| l.starts_with("| warning |") || l.starts_with("| info |"))
        .count();
    assert_eq!(rows, total);
}

#[test]
fn the_job_summary_shows_yaml_text_as_text_and_errors_first() {
    let repo = repo_with(&fixtures().join("render"));
    let root = repo.root();
    let summary_file = root.join("summary.md");
    let (code, out, _) = run_in(
        root,
        &[("GITHUB_STEP_SUMMARY", &summary_file)],
        &["check", "--today", TODAY, "--format", "github"],
    );
    assert_eq!(code, 1);
    // Everything fits in the annotations: no plain line, no closing notice.
    assert!(out.lines().all(|l| l.starts_with("::")), "{out}");
    assert!(!out.contains("title=casebook::"));
    let summary = std::fs::read_to_string(&summary_file).unwrap();
    let rows: Vec<&str> = summary
        .lines()
        .filter(|l| l.starts_with("| ") && !l.starts_with("| severity"))
        .collect();
    let severities: Vec<&str> = rows
        .iter()
        .map(|r| r.split(" | ").next().unwrap().trim_start_matches("| "))
        .collect();
    let mut sorted = severities.clone();
    sorted.sort_by_key(|s| ["error", "warning", "info"].iter().position(|x| x == s));
    assert_eq!(severities, sorted, "errors first");
    // The hostile actor `a<b&c,d:e%f\nnext'line` is text: no tag, no line break in a row.
    let hostile = rows.iter().find(|r| r.contains("not a valid id")).unwrap();
    // (Every ASCII punctuation is escaped with a backslash, and renders as itself.)
    assert!(
        hostile.contains(r"a&lt;b&amp;c\,d\:e\%f<br>next\'line"),
        "{hostile}"
    );
    assert!(!summary.replace("<br>", "").contains('<'), "{summary}");
}

// ---------------------------------------------------------------------------------------------
// JUnit

fn junit(root: &Path, catalogue: &str, fail_on: &str) -> (i32, String) {
    let (code, out, _) = run_in(
        root,
        &[],
        &[
            "--catalogue",
            catalogue,
            "check",
            "--today",
            TODAY,
            "--format",
            "junit",
            "--fail-on",
            fail_on,
        ],
    );
    (code, out)
}

#[test]
fn junit_fails_the_test_cases_that_fail_the_run() {
    let repo = repo_with(&sample());
    let root = repo.root();
    let failed_cases = |text: &str| {
        let doc = roxmltree::Document::parse(text).expect("well-formed XML");
        let root = doc.root_element();
        assert_eq!(root.tag_name().name(), "testsuites");
        let failed: Vec<String> = root
            .descendants()
            .filter(|n| n.has_tag_name("failure"))
            .map(|f| f.attribute("type").unwrap().to_owned())
            .collect();
        assert_eq!(
            root.attribute("failures"),
            Some(failed.len().to_string().as_str())
        );
        failed
    };
    // The sample has warnings and no error: nothing fails at --fail-on error...
    let (code, text) = junit(root, "catalogue", "error");
    assert_eq!(code, 0);
    assert!(failed_cases(&text).is_empty());
    // ... and the use cases with warnings do at --fail-on warning, as the exit status does.
    let (code, text) = junit(root, "catalogue", "warning");
    assert_eq!(code, 1);
    let failed = failed_cases(&text);
    assert!(
        !failed.is_empty() && failed.iter().all(|t| t == "warning"),
        "{failed:?}"
    );

    // With --fail-on never, errors still fail their test case (only the exit status ignores them).
    let repo = repo_with(&fixtures().join("render"));
    let (code, text) = junit(repo.root(), "catalogue", "never");
    assert_eq!(code, 0);
    assert!(failed_cases(&text).iter().any(|t| t == "error"));
}
