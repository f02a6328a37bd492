//! The report formats: a snapshot of each over one small catalogue with findings of several
//! rules and severities (tests/fixtures/render), plus the checks a snapshot cannot make: SARIF
//! against the official schema, JUnit through an XML parser, the JSON keys of CLI.md, and the
//! CLI passing the catalogue folder as the path prefix.

use crate::support::{casebook, fixtures};
use casebook::diagnostic::Report;
use casebook::diagnostic::render::{self, Format, RenderOptions};
use casebook::model::Date;
use casebook::rules::REGISTRY;
use casebook::{CheckOptions, check};
use serde_json::Value;
use std::path::Path;

/// The hostile actor value of use-cases/billing/hostile.yaml, as it reaches messages.
const HOSTILE: &str = "a<b&c,d:e%f\nnext'line";

fn report() -> Report {
    let today = Date::parse("2026-11-22").expect("a valid date");
    check(&fixtures().join("render"), CheckOptions { today })
        .expect("the fixture catalogue loads")
        .report
}

/// Renders the fixture as if `--catalogue catalogue` had been given.
fn rendered(format: Format) -> String {
    let options = RenderOptions {
        color: false,
        path_prefix: RenderOptions::prefix_for(Path::new("catalogue")),
        ..RenderOptions::default()
    };
    render::render(&report(), format, &options)
}

#[test]
fn the_fixture_has_findings_of_every_severity_and_several_rules() {
    let report = report();
    let s = report.summary;
    assert!(s.errors > 0 && s.warnings > 0 && s.infos > 0, "{s:?}");
    let mut rules: Vec<&str> = report.diagnostics.iter().map(|d| d.rule).collect();
    rules.sort();
    rules.dedup();
    for rule in [
        "dead-end",
        "missing-channel",
        "schema",
        "stray-file",
        "unknown-reference",
        "unused-definition",
    ] {
        assert!(rules.contains(&rule), "no {rule} finding in {rules:?}");
    }
    assert!(
        report.diagnostics.iter().any(|d| d.message.contains(HOSTILE)),
        "the hostile value reaches no message"
    );
}

#[test]
fn human_snapshot() {
    insta::assert_snapshot!("human", rendered(Format::Human));
}

#[test]
fn json_snapshot() {
    insta::assert_snapshot!("json", rendered(Format::Json));
}

#[test]
fn github_snapshot() {
    insta::assert_snapshot!("github", rendered(Format::Github));
}

#[test]
fn sarif_snapshot() {
    insta::assert_snapshot!("sarif", rendered(Format::Sarif));
}

#[test]
fn junit_snapshot() {
    insta::assert_snapshot!("junit", rendered(Format::Junit));
}

#[test]
fn github_commands_are_one_line_each_with_escaped_values() {
    let text = rendered(Format::Github);
    let report = report();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), report.diagnostics.len());
    // Errors first, then warnings, then infos; the report's order within each.
    let mut ordered: Vec<_> = report.diagnostics.iter().collect();
    ordered.sort_by_key(|d| std::cmp::Reverse(d.severity));
    for (line, d) in lines.iter().zip(ordered) {
        let command = match d.severity.as_str() {
            "info" => "notice",
            other => other,
        };
        let rest = line
            .strip_prefix(&format!("::{command} "))
            .unwrap_or_else(|| panic!("not a ::{command} command: {line}"));
        let (properties, message) = rest.split_once("::").expect("properties::message");
        let keys: Vec<&str> = properties
            .split(',')
            .map(|p| p.split_once('=').expect("key=value").0)
            .collect();
        assert_eq!(keys, ["file", "line", "col", "endLine", "endColumn", "title"]);
        assert!(properties.starts_with("file=catalogue/"), "{properties}");
        assert!(properties.ends_with(&format!(",title={}", d.rule)));
        assert!(!message.contains('\n') && !message.contains('\r'));
    }
    let hostile = lines
        .iter()
        .find(|l| l.contains("title=schema"))
        .expect("the schema finding");
    assert!(
        hostile.contains("`a<b&c,d:e%25f%0Anext'line`"),
        "message data escapes % and newlines only: {hostile}"
    );
}

#[test]
fn sarif_is_valid_against_the_sarif_2_1_0_schema() {
    let schema: Value =
        serde_json::from_str(include_str!("../data/sarif-2.1.0.schema.json")).expect("the schema is JSON");
    let validator = jsonschema::draft4::options()
        .should_validate_formats(true)
        .build(&schema)
        .expect("the SARIF schema compiles");
    let log: Value = serde_json::from_str(&rendered(Format::Sarif)).expect("SARIF is JSON");
    let errors: Vec<String> = validator
        .iter_errors(&log)
        .map(|e| format!("{}: {e}", e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "invalid SARIF:\n{}", errors.join("\n"));

    // The validator does reject a broken log (so the check above can fail).
    let mut broken = log.clone();
    broken["runs"][0]["results"][0]["level"] = Value::from("fatal");
    assert!(!validator.is_valid(&broken));
}

#[test]
fn sarif_lists_every_rule_and_points_results_at_them() {
    let log: Value = serde_json::from_str(&rendered(Format::Sarif)).expect("SARIF is JSON");
    let run = &log["runs"][0];
    let rules = run["tool"]["driver"]["rules"].as_array().expect("rules");
    let ids: Vec<&str> = rules.iter().map(|r| r["id"].as_str().unwrap()).collect();
    let registry: Vec<&str> = REGISTRY.iter().map(|r| r.meta().id).collect();
    assert_eq!(ids, registry);
    for rule in rules {
        assert!(!rule["help"]["text"].as_str().unwrap().is_empty());
        assert!(rule["properties"]["tags"][0].is_string());
    }
    let results = run["results"].as_array().expect("results");
    assert_eq!(results.len(), report().diagnostics.len());
    for result in results {
        let index = result["ruleIndex"].as_u64().expect("ruleIndex") as usize;
        assert_eq!(rules[index]["id"], result["ruleId"]);
        let location = &result["locations"][0]["physicalLocation"];
        assert_eq!(location["artifactLocation"]["uriBaseId"], "%SRCROOT%");
        let uri = location["artifactLocation"]["uri"].as_str().unwrap();
        assert!(uri.starts_with("catalogue/"), "{uri}");
    }
}

#[test]
fn junit_is_well_formed_xml_with_consistent_counts() {
    let text = rendered(Format::Junit);
    let doc = roxmltree::Document::parse(&text).expect("well-formed XML");
    let root = doc.root_element();
    assert_eq!(root.tag_name().name(), "testsuites");
    let suites: Vec<_> = root.children().filter(|n| n.is_element()).collect();
    assert_eq!(suites.len(), 1, "one testsuite in <testsuites>");
    let suite = suites[0];
    assert_eq!(suite.tag_name().name(), "testsuite");
    assert_eq!(suite.attribute("name"), Some("casebook"));
    for counter in ["tests", "failures", "errors"] {
        assert_eq!(root.attribute(counter), suite.attribute(counter), "{counter}");
    }
    let cases: Vec<_> = suite.children().filter(|n| n.has_tag_name("testcase")).collect();
    let failed = cases
        .iter()
        .filter(|c| c.children().any(|n| n.has_tag_name("failure")))
        .count();
    assert_eq!(suite.attribute("tests"), Some(cases.len().to_string().as_str()));
    assert_eq!(suite.attribute("failures"), Some(failed.to_string().as_str()));
    // Each test case names its file from the repository root, and within the catalogue.
    for case in &cases {
        let classname = case.attribute("classname").expect("classname");
        assert_eq!(
            case.attribute("file"),
            Some(format!("catalogue/{classname}").as_str())
        );
    }

    // Every use case is a test case, and the clean one passes.
    let report = report();
    for (id, _) in &report.use_cases {
        assert!(cases.iter().any(|c| c.attribute("name") == Some(id)), "{id}");
    }
    let clean = cases
        .iter()
        .find(|c| c.attribute("name") == Some("card-block"))
        .unwrap();
    assert!(clean.children().all(|n| !n.is_element()));

    // The hostile value survives escaping and parsing, in an attribute and in text.
    let hostile = cases
        .iter()
        .find(|c| c.attribute("name") == Some("hostile"))
        .unwrap();
    let failure = hostile
        .children()
        .find(|n| n.has_tag_name("failure"))
        .expect("the hostile use case fails");
    assert!(failure.attribute("message").unwrap().contains(HOSTILE));
    assert!(failure.text().unwrap().contains(HOSTILE));

    // Findings outside use cases get a test case named after their file.
    assert!(
        cases
            .iter()
            .any(|c| c.attribute("name") == Some("information.yaml"))
    );
}

/// The keys of the objects at one indentation of pretty-printed JSON, in order.
fn keys_at(text: &str, indent: usize) -> Vec<&str> {
    text.lines()
        .filter(|l| l.len() > indent && l[..indent].bytes().all(|b| b == b' '))
        .filter_map(|l| l[indent..].strip_prefix('"'))
        .filter_map(|l| l.split_once("\":").map(|(k, _)| k))
        .collect()
}

#[test]
fn json_matches_the_cli_contract() {
    let text = rendered(Format::Json);
    assert_eq!(keys_at(&text, 2), ["version", "diagnostics", "summary"]);
    assert_eq!(
        keys_at(&text, 4),
        ["files", "use_cases", "errors", "warnings", "infos"],
        "summary keys"
    );
    let fields = [
        "rule",
        "severity",
        "message",
        "file",
        "path",
        "line",
        "column",
        "end_line",
        "end_column",
        "use_case",
        "step",
        "help",
    ];
    let diagnostic_keys = keys_at(&text, 6);
    let report = report();
    assert_eq!(diagnostic_keys.len(), fields.len() * report.diagnostics.len());
    for chunk in diagnostic_keys.chunks(fields.len()) {
        assert_eq!(chunk, fields);
    }

    let doc: Value = serde_json::from_str(&text).expect("JSON");
    assert_eq!(doc["version"], 1);
    for d in doc["diagnostics"].as_array().unwrap() {
        for n in ["line", "column", "end_line", "end_column"] {
            assert!(d[n].as_u64().is_some_and(|v| v >= 1), "{n} in {d}");
        }
        assert!(["error", "warning", "info"].contains(&d["severity"].as_str().unwrap()));
        assert!(!d["file"].as_str().unwrap().starts_with("catalogue/"));
    }
    let unused = doc["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["rule"] == "unused-definition")
        .unwrap();
    assert!(unused["use_case"].is_null() && unused["step"].is_null());
    let s = &doc["summary"];
    assert_eq!(s["errors"], report.summary.errors);
    assert_eq!(s["use_cases"], 3);
}

#[test]
fn every_format_is_byte_identical_across_runs() {
    for format in [
        Format::Human,
        Format::Json,
        Format::Github,
        Format::Sarif,
        Format::Junit,
    ] {
        assert_eq!(rendered(format), rendered(format), "{format:?}");
    }
}

/// `casebook check` over the fixture, run from the project root as a CI step would be.
fn cli(format: &str) -> String {
    let out = casebook()
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env_remove("GITHUB_WORKSPACE")
        .args([
            "--catalogue",
            "tests/fixtures/render",
            "check",
            "--today",
            "2026-11-22",
        ])
        .args(["--format", format])
        .output()
        .expect("casebook runs");
    assert_eq!(out.status.code(), Some(1), "errors make the exit status 1");
    String::from_utf8(out.stdout).expect("UTF-8 output")
}

#[test]
fn the_cli_prints_the_library_json_and_prefixes_paths_with_the_catalogue_folder() {
    let report = report();
    let options = RenderOptions {
        path_prefix: "tests/fixtures/render/".into(),
        display_prefix: "tests/fixtures/render/".into(),
        ..RenderOptions::default()
    };
    assert_eq!(cli("json"), render::render(&report, Format::Json, &options));
    assert_eq!(cli("github"), render::github(&report, "tests/fixtures/render/"));
    assert_eq!(cli("sarif"), render::sarif(&report, "tests/fixtures/render/"));
    assert_eq!(cli("junit"), render::render(&report, Format::Junit, &options));
    // `file` stays relative to the catalogue (the contract); `path` opens from here.
    let doc: Value = serde_json::from_str(&cli("json")).expect("JSON");
    for d in doc["diagnostics"].as_array().unwrap() {
        let (file, path) = (d["file"].as_str().unwrap(), d["path"].as_str().unwrap());
        assert_eq!(path, format!("tests/fixtures/render/{file}"));
        assert!(
            Path::new(env!("CARGO_MANIFEST_DIR")).join(path).is_file(),
            "{path}"
        );
    }
}

#[test]
fn inside_github_actions_an_absolute_catalogue_is_made_relative_to_the_workspace() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let out = casebook()
        .env("GITHUB_WORKSPACE", root)
        .arg("--catalogue")
        .arg(root.join("tests/fixtures/render"))
        .args(["check", "--today", "2026-11-22", "--format", "github"])
        .output()
        .expect("casebook runs");
    let text = String::from_utf8(out.stdout).expect("UTF-8 output");
    assert_eq!(text, render::github(&report(), "tests/fixtures/render/"));
}

/// The characters no report for a terminal or a CI log may carry raw: C0 controls but newline
/// and tab, DEL, C1 controls, bidirectional overrides.
fn raw_controls(text: &str) -> Vec<char> {
    text.chars()
        .filter(|&c| {
            (c.is_control() && c != '\n' && c != '\t')
                || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
        })
        .collect()
}

#[test]
fn control_characters_from_yaml_and_file_names_never_reach_the_terminal_or_the_log() {
    let laid = crate::rules::base();
    let dir = laid.root().join("use-cases/billing");
    std::fs::create_dir_all(&dir).unwrap();
    // Escapes in double-quoted YAML become raw controls in values, hence in messages.
    std::fs::write(
        dir.join("escapes.yaml"),
        "id: escapes\ntitle: t\ndomain: billing\nowner: \"own\\e[31mer\\a\"\nstatus: draft\n\
         trigger: t\noutcome: o\nsteps:\n  - id: a\n    actor: \"csi\\x9b2J\\r\\u202Ex\"\n    next: done\n  - id: done\n    end: ok\n",
    )
    .unwrap();
    // Raw controls in the file itself (quoted lines) and in its name (paths).
    std::fs::write(
        dir.join("name\u{1b}]0;pwned\u{7}\u{9b}.yaml"),
        "id: raw\ntitle: \u{1b}[2J \u{9b}31m bell\u{7} back\u{8}\nsteps: [\n",
    )
    .unwrap();
    for format in ["human", "github"] {
        let out = casebook()
            .arg("--catalogue")
            .arg(laid.root())
            .args(["check", "--format", format])
            .output()
            .expect("the binary runs");
        let text = String::from_utf8(out.stdout).expect("UTF-8");
        assert!(text.contains("escapes.yaml") && text.contains("pwned"), "{text}");
        assert_eq!(raw_controls(&text), [] as [char; 0], "{format}:\n{text}");
        // What was there is still shown, as visible escapes.
        assert!(text.contains("own\\u{1b}[31mer\\u{7}"), "{format}:\n{text}");
        assert!(text.contains("csi\\u{9b}2J\\u{d}\\u{202e}x"), "{format}:\n{text}");
        assert!(
            text.contains("name\\u{1b}]0;pwned\\u{7}\\u{9b}.yaml"),
            "{format}:\n{text}"
        );
    }
}

#[test]
fn github_properties_escape_their_separators_and_paths_keep_one_line() {
    let laid = crate::rules::base();
    let dir = laid.root().join("use-cases/billing");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("a,b:c%d\ne.yaml"), "id: [\n").unwrap();
    let out = casebook()
        .arg("--catalogue")
        .arg(laid.root())
        .args(["check", "--format", "github"])
        .output()
        .expect("the binary runs");
    let text = String::from_utf8(out.stdout).expect("UTF-8");
    let line = text
        .lines()
        .find(|l| l.contains("title=yaml-syntax"))
        .expect("a yaml-syntax command");
    let file = line
        .split_once("file=")
        .unwrap()
        .1
        .split_once(",line=")
        .unwrap()
        .0;
    // `,` and `:` end a property, `%` starts an escape; a newline is shown, not kept.
    // (The temporary catalogue is in no repository: paths are relative to the catalogue.)
    assert_eq!(file, "use-cases/billing/a%2Cb%3Ac%25d\\u{a}e.yaml", "{line}");
}

#[path = "../../benches/findings_catalogue/mod.rs"]
mod findings_catalogue;

/// The fastest of three runs of `f`.
fn fastest(f: impl Fn() -> String) -> std::time::Duration {
    (0..3)
        .map(|_| {
            let start = std::time::Instant::now();
            std::hint::black_box(f());
            start.elapsed()
        })
        .min()
        .unwrap()
}

#[test]
fn the_human_report_grows_with_the_findings_not_with_findings_times_file_size() {
    // 6,000 findings in two files of 3,000 steps (~240 KB each). Whole files given to the
    // snippet renderer for every finding made this quadratic; benches/report.rs measures
    // 20,000 findings in release. The bound is loose: a ratio to JSON on the same machine.
    let dir = tempfile::tempdir().unwrap();
    findings_catalogue::write(dir.path(), 2, 3_000).unwrap();
    let today = Date::parse("2026-11-22").expect("a date");
    let report = check(dir.path(), CheckOptions { today }).expect("loads").report;
    assert_eq!(report.diagnostics.len(), 6_000);
    let json = fastest(|| render::json(&report));
    let human = fastest(|| render::human(&report, false));
    assert!(
        human < json * 8 + std::time::Duration::from_millis(500),
        "human {human:?} against json {json:?}"
    );
}
