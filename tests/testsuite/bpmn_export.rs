//! `casebook export bpmn`: the files parse as XML and reference only ids they define, every
//! flow has its place in the diagram, every text is escaped, the output is deterministic, the
//! command writes nothing it should not; and the real tools, bpmn-moddle and bpmnlint (installed
//! by `npm ci` in tests/bpmn-tools, which .ci/run does), accept the sample's exports.
//!
//! Without node or the installed tools the tool test prints "skipped: ..." and passes, unless
//! `CI` is set: there it fails, since .ci/run installs them.

use crate::support::{casebook, copy_tree, fixtures};
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::Command;

fn sample() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("catalogue")
}

/// Exports every use case of `catalogue` into `out`.
fn export_all(catalogue: &Path, out: &Path) {
    casebook()
        .arg("--catalogue")
        .arg(catalogue)
        .args(["export", "bpmn", "--all", "--out"])
        .arg(out)
        .assert()
        .success();
}

/// The `.bpmn` files of `dir`, sorted.
fn bpmn_files(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .expect("the export folder")
        .map(|e| e.expect("an entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "bpmn"))
        .collect();
    files.sort();
    files
}

fn is_ncname(s: &str) -> bool {
    let mut chars = s.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || "_-.".contains(c))
}

/// Checks one exported file: XML, NCName ids defined once, references to defined ids only,
/// a diagram element for every flow node and flow and only for defined elements. Returns the
/// ids by element name (`task`, `sequenceFlow`, ...).
fn check_file(path: &Path) -> BTreeMap<String, Vec<String>> {
    let text = std::fs::read_to_string(path).expect("UTF-8");
    let doc = roxmltree::Document::parse(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let bpmn = "http://www.omg.org/spec/BPMN/20100524/MODEL";
    assert_eq!(doc.root_element().tag_name().namespace(), Some(bpmn));
    assert_eq!(doc.root_element().tag_name().name(), "definitions");
    let mut ids = BTreeSet::new();
    let mut by_kind: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for n in doc.descendants().filter(|n| n.is_element()) {
        if let Some(id) = n.attribute("id") {
            assert!(is_ncname(id), "{}: id `{id}` is not an NCName", path.display());
            assert!(ids.insert(id.to_owned()), "{}: id `{id}` twice", path.display());
            by_kind
                .entry(n.tag_name().name().to_owned())
                .or_default()
                .push(id.to_owned());
        }
    }
    for n in doc.descendants().filter(|n| n.is_element()) {
        for a in [
            "sourceRef",
            "targetRef",
            "processRef",
            "attachedToRef",
            "bpmnElement",
            "default",
            "dataObjectRef",
        ] {
            if let Some(r) = n.attribute(a) {
                assert!(ids.contains(r), "{}: {a}=`{r}` names no element", path.display());
            }
        }
        if ["incoming", "outgoing", "flowNodeRef", "sourceRef", "targetRef"].contains(&n.tag_name().name()) {
            let r = n.text().unwrap_or_default();
            assert!(
                ids.contains(r),
                "{}: <{}>{r}</...> names no element",
                path.display(),
                n.tag_name().name()
            );
        }
    }
    let drawn: BTreeSet<&str> = doc
        .descendants()
        .filter_map(|n| n.attribute("bpmnElement"))
        .collect();
    for kind in [
        "participant",
        "lane",
        "task",
        "callActivity",
        "startEvent",
        "endEvent",
        "exclusiveGateway",
        "parallelGateway",
        "boundaryEvent",
        "sequenceFlow",
        "messageFlow",
        "dataObjectReference",
        "dataInputAssociation",
        "dataOutputAssociation",
    ] {
        for id in by_kind.get(kind).into_iter().flatten() {
            assert!(
                drawn.contains(id.as_str()),
                "{}: {kind} `{id}` is not in the diagram",
                path.display()
            );
        }
    }
    // Every edge has at least two waypoints.
    for e in doc.descendants().filter(|n| n.has_tag_name("BPMNEdge")) {
        let points = e.children().filter(|c| c.has_tag_name("waypoint")).count();
        assert!(
            points >= 2,
            "{}: {:?} has {points} waypoints",
            path.display(),
            e.attribute("id")
        );
    }
    by_kind
}

#[test]
fn every_sample_use_case_exports_to_well_formed_bpmn_that_references_only_its_own_ids() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("bpmn");
    export_all(&sample(), &out);
    let files = bpmn_files(&out);
    assert_eq!(files.len(), 144, "one file per use case of the sample");
    let mut kinds: BTreeMap<String, usize> = BTreeMap::new();
    for f in &files {
        for (k, ids) in check_file(f) {
            *kinds.entry(k).or_default() += ids.len();
        }
    }
    // The sample has branches, recoveries, calls and information: each mapping is exercised.
    for kind in [
        "task",
        "callActivity",
        "exclusiveGateway",
        "boundaryEvent",
        "conditionExpression",
        "dataObjectReference",
        "dataInputAssociation",
        "dataOutputAssociation",
        "lane",
    ] {
        let count = kinds.get(kind).copied().unwrap_or(0)
            + if kind == "conditionExpression" {
                count_tag(&files, kind)
            } else {
                0
            };
        assert!(count > 0, "no {kind} in the sample's export: {kinds:?}");
    }
}

fn count_tag(files: &[PathBuf], tag: &str) -> usize {
    files
        .iter()
        .map(|f| {
            std::fs::read_to_string(f)
                .unwrap()
                .matches(&format!("<bpmn:{tag} "))
                .count()
        })
        .sum()
}

#[test]
fn the_export_is_byte_identical_from_run_to_run() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = (dir.path().join("a"), dir.path().join("b"));
    export_all(&sample(), &a);
    export_all(&sample(), &b);
    let (fa, fb) = (bpmn_files(&a), bpmn_files(&b));
    assert_eq!(fa.len(), fb.len());
    for (x, y) in fa.iter().zip(&fb) {
        assert_eq!(
            std::fs::read(x).unwrap(),
            std::fs::read(y).unwrap(),
            "{}",
            x.display()
        );
    }
}

/// The base fixtures with one use case whose texts hold every character XML treats specially,
/// a control character, a branch with conditions and a default, a fail point with recovery, a
/// call and information.
fn tricky_catalogue(root: &Path) {
    std::fs::create_dir_all(root).unwrap();
    copy_tree(&fixtures().join("base"), root);
    let dir = root.join("use-cases");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("tricky.yaml"),
        r#"id: tricky
title: "Quotes \" ' and <tags> & ]]> \x01 in a title"
domain: billing
owner: billing
status: draft
outcome: Done.
persona: "A <b>bold</b> client"
trigger: "The client says \"hello\" & waits"
steps:
  - id: call
    title: "Client calls <script>alert(1)</script>"
    actor: customer
    channel: phone
    gives: [invoice-number]
    next: log
  - id: log
    title: Agent logs it
    actor: contact-centre
    channel: phone
    needs: [invoice-number]
    gives: [dispute-ticket]
    fail_point: true
    recovery: call
    next:
      - { to: check, when: "amount < 100 & \"odd\"" }
      - { to: sub, default: true }
  - id: check
    title: Billing checks
    actor: billing
    needs: [dispute-ticket]
    next: done
  - id: sub
    title: Billing runs the other case
    actor: billing
    calls: other
    next: done
  - id: done
    end: "resolved & <closed>"
"#,
    )
    .unwrap();
    std::fs::write(
        dir.join("other.yaml"),
        "id: other\ntitle: Other\ndomain: billing\nowner: billing\nstatus: draft\ntrigger: T.\noutcome: O.\nsteps:\n  - id: a\n    title: Billing works\n    actor: billing\n    next: z\n  - id: z\n    end: done\n",
    )
    .unwrap();
}

#[test]
fn texts_are_escaped_and_every_mapping_is_there() {
    let dir = tempfile::tempdir().unwrap();
    let cat = dir.path().join("cat");
    tricky_catalogue(&cat);
    let out = dir.path().join("out");
    casebook()
        .arg("--catalogue")
        .arg(&cat)
        .args(["export", "bpmn", "tricky", "--out"])
        .arg(&out)
        .assert()
        .success();
    let path = out.join("tricky.bpmn");
    let kinds = check_file(&path);
    let text = std::fs::read_to_string(&path).unwrap();
    let doc = roxmltree::Document::parse(&text).unwrap();
    let by_id = |id: &str| {
        doc.descendants()
            .find(|n| n.attribute("id") == Some(id))
            .unwrap_or_else(|| panic!("no `{id}`"))
    };
    assert_eq!(
        by_id("Participant_tricky").attribute("name"),
        Some("Quotes \" ' and <tags> & ]]> \u{fffd} in a title")
    );
    assert_eq!(
        by_id("Step_call").attribute("name"),
        Some("Client calls <script>alert(1)</script>")
    );
    assert_eq!(
        by_id("Start").attribute("name"),
        Some("The client says \"hello\" & waits")
    );
    assert_eq!(by_id("Step_done").tag_name().name(), "endEvent");
    assert_eq!(by_id("Step_done").attribute("name"), Some("resolved & <closed>"));
    assert_eq!(
        by_id("Lane_customer_customer").attribute("name"),
        Some("A <b>bold</b> client")
    );
    assert_eq!(by_id("Lane_backstage_billing").attribute("name"), Some("Billing"));
    // The branch: an exclusive gateway, a condition and a default flow.
    let split = by_id("Split_log");
    assert_eq!(split.tag_name().name(), "exclusiveGateway");
    assert_eq!(split.attribute("default"), Some("Flow_log_1"));
    let when = by_id("Flow_log_0");
    assert_eq!(when.attribute("sourceRef"), Some("Split_log"));
    assert_eq!(when.attribute("name"), Some("amount < 100 & \"odd\""));
    let condition = when
        .children()
        .find(|c| c.has_tag_name("conditionExpression"))
        .unwrap();
    assert_eq!(condition.text(), Some("amount < 100 & \"odd\""));
    assert!(
        by_id("Flow_log_1")
            .children()
            .all(|c| !c.has_tag_name("conditionExpression"))
    );
    // The fail point: an error boundary event on the task, and the flow to the recovery.
    let failure = by_id("Failure_log");
    assert_eq!(failure.attribute("attachedToRef"), Some("Step_log"));
    assert!(failure.children().any(|c| c.has_tag_name("errorEventDefinition")));
    let recovery = by_id("Flow_log_recovery");
    assert_eq!(
        (recovery.attribute("sourceRef"), recovery.attribute("targetRef")),
        (Some("Failure_log"), Some("Merge_call"))
    );
    // Where several flows meet (the start and the recovery; both branches at the end), an
    // exclusive merge gateway takes them.
    assert_eq!(
        kinds["exclusiveGateway"],
        ["Merge_call", "Split_log", "Merge_done"]
    );
    assert_eq!(by_id("Flow_call_join").attribute("targetRef"), Some("Step_call"));
    // The call, and information as data objects with associations.
    assert_eq!(by_id("Step_sub").tag_name().name(), "callActivity");
    assert_eq!(
        by_id("Step_sub").attribute("calledElement"),
        Some("Process_other")
    );
    assert_eq!(
        kinds["dataObjectReference"],
        vec!["Data_invoice-number", "Data_dispute-ticket"]
    );
    assert_eq!(
        kinds["dataInputAssociation"],
        vec!["DataIn_log_invoice-number", "DataIn_check_dispute-ticket"]
    );
    assert_eq!(
        kinds["dataOutputAssociation"],
        vec!["DataOut_call_invoice-number", "DataOut_log_dispute-ticket"]
    );
    // Lanes: the blueprint lanes with a child lane per team, every flow node in one child lane.
    let lanes = &kinds["lane"];
    assert_eq!(
        lanes,
        &[
            "Lane_customer",
            "Lane_customer_customer",
            "Lane_frontstage",
            "Lane_frontstage_contact-centre",
            "Lane_backstage",
            "Lane_backstage_billing"
        ]
    );
}

#[test]
fn export_replaces_its_own_files_and_refuses_others_and_links() {
    let dir = tempfile::tempdir().unwrap();
    let cat = dir.path().join("cat");
    tricky_catalogue(&cat);
    let out = dir.path().join("out");
    let export = |extra: &[&str]| {
        let mut cmd = casebook();
        cmd.arg("--catalogue")
            .arg(&cat)
            .args(["export", "bpmn", "--all", "--out"])
            .arg(&out)
            .args(extra);
        cmd.assert()
    };
    export(&[]).success();
    let own = std::fs::read(out.join("tricky.bpmn")).unwrap();
    // Its own files are replaced.
    export(&[]).success();
    assert_eq!(std::fs::read(out.join("tricky.bpmn")).unwrap(), own);
    // A file of the user's is refused, and nothing else is written either.
    std::fs::remove_file(out.join("other.bpmn")).unwrap();
    std::fs::write(out.join("tricky.bpmn"), "my notes").unwrap();
    let refused = export(&[]).code(2);
    let stderr = String::from_utf8_lossy(&refused.get_output().stderr).into_owned();
    assert!(
        stderr.contains("tricky.bpmn (not exported by casebook)"),
        "{stderr}"
    );
    assert_eq!(
        std::fs::read_to_string(out.join("tricky.bpmn")).unwrap(),
        "my notes"
    );
    assert!(!out.join("other.bpmn").exists(), "one refusal writes nothing");
    // --force replaces it.
    export(&["--force"]).success();
    assert_eq!(std::fs::read(out.join("tricky.bpmn")).unwrap(), own);
    // A link is refused, even with --force, and its target is untouched.
    #[cfg(unix)]
    {
        let target = dir.path().join("elsewhere.txt");
        std::fs::write(&target, "keep").unwrap();
        std::fs::remove_file(out.join("tricky.bpmn")).unwrap();
        std::os::unix::fs::symlink(&target, out.join("tricky.bpmn")).unwrap();
        let refused = export(&["--force"]).code(2);
        let stderr = String::from_utf8_lossy(&refused.get_output().stderr).into_owned();
        assert!(stderr.contains("a symbolic link"), "{stderr}");
        assert_eq!(std::fs::read_to_string(&target).unwrap(), "keep");
    }
    // Only USE-CASE.bpmn files are written: no temporary file is left.
    let mut names: Vec<String> = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(names, ["other.bpmn", "tricky.bpmn"]);
}

#[test]
fn export_refuses_unknown_use_cases_the_use_cases_folder_and_format_errors() {
    let dir = tempfile::tempdir().unwrap();
    let cat = dir.path().join("cat");
    tricky_catalogue(&cat);
    let out = dir.path().join("out");
    let unknown = casebook()
        .arg("--catalogue")
        .arg(&cat)
        .args(["export", "bpmn", "tricki", "--out"])
        .arg(&out)
        .assert()
        .code(2);
    let stderr = String::from_utf8_lossy(&unknown.get_output().stderr).into_owned();
    assert!(stderr.contains("did you mean `tricky`"), "{stderr}");
    casebook()
        .arg("--catalogue")
        .arg(&cat)
        .args(["export", "bpmn", "--all", "--out"])
        .arg(cat.join("use-cases/exported"))
        .assert()
        .code(2);
    assert!(!cat.join("use-cases/exported").exists());
    std::fs::write(
        cat.join("use-cases/broken.yaml"),
        "id: broken\ntitle: [not, a, title]\n",
    )
    .unwrap();
    casebook()
        .arg("--catalogue")
        .arg(&cat)
        .args(["export", "bpmn", "tricky", "--out"])
        .arg(&out)
        .assert()
        .code(1);
    assert!(
        !out.exists(),
        "nothing is exported from a catalogue with format errors"
    );
}

#[test]
fn parallel_splits_joins_and_messages_become_parallel_gateways_and_message_flows() {
    let dir = tempfile::tempdir().unwrap();
    let cat = dir.path().join("cat");
    std::fs::create_dir_all(cat.join("use-cases")).unwrap();
    copy_tree(&fixtures().join("base"), &cat);
    std::fs::write(cat.join("use-cases/flows.yaml"), FLOWS).unwrap();
    let out = dir.path().join("out");
    casebook()
        .arg("--catalogue")
        .arg(&cat)
        .args(["export", "bpmn", "flows", "--out"])
        .arg(&out)
        .assert()
        .success();
    let path = out.join("flows.bpmn");
    let kinds = check_file(&path);
    assert_eq!(kinds["parallelGateway"], ["Split_log", "Join_decide"]);
    assert_eq!(kinds["messageFlow"], ["Message_decide_0"]);
    assert_eq!(kinds["startEvent"], ["Start", "MessageStart_letter"]);
    assert_eq!(kinds["endEvent"], ["MessageEnd_decide", "Step_done"]);
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.contains(
        r#"<bpmn:messageFlow id="Message_decide_0" sourceRef="Step_decide" targetRef="Step_letter" />"#
    ));
    // A pool per part of the flow: `letter`, reached only by a message, is the second, so the
    // message flow joins two pools; the pools are stacked without overlap.
    let doc = roxmltree::Document::parse(&text).unwrap();
    let process_of = |id: &str| {
        doc.descendants()
            .find(|n| n.attribute("id") == Some(id))
            .and_then(|n| {
                n.ancestors()
                    .find(|a| a.has_tag_name(("http://www.omg.org/spec/BPMN/20100524/MODEL", "process")))
            })
            .and_then(|p| p.attribute("id"))
            .unwrap()
            .to_owned()
    };
    assert_eq!(process_of("Step_decide"), "Process_flows");
    assert_eq!(process_of("Step_letter"), "Process_flows_2");
    // The second pool has its own data object for what its step needs.
    assert_eq!(process_of("Data_invoice-number_2"), "Process_flows_2");
    assert_eq!(kinds["participant"], ["Participant_flows", "Participant_flows_2"]);
    let bounds = |id: &str| {
        let shape = doc
            .descendants()
            .find(|n| n.attribute("bpmnElement") == Some(id))
            .unwrap();
        let b = shape.children().find(|c| c.has_tag_name("Bounds")).unwrap();
        let v = |a: &str| b.attribute(a).unwrap().parse::<f64>().unwrap();
        (v("y"), v("y") + v("height"))
    };
    let (first, second) = (bounds("Participant_flows"), bounds("Participant_flows_2"));
    assert!(first.1 <= second.0, "{first:?} {second:?}");
    // A message within one part has no BPMN construct: an association marked as casebook's
    // message, which the import reads back.
    assert!(text.contains(
        r#"<bpmn:association id="Message_check_1" associationDirection="One" sourceRef="Step_check" targetRef="Step_visit" casebook:message="true" casebook:when="the invoice needs a visit" casebook:carries="invoice-number" />"#
    ), "{text}");
    let back = dir.path().join("back");
    casebook()
        .args(["import", "bpmn"])
        .arg(&path)
        .arg("--into")
        .arg(&back)
        .assert()
        .success();
    let yaml = std::fs::read_to_string(back.join("use-cases/imported/flows.yaml")).unwrap();
    assert!(
        yaml.contains("      - to: visit\n        when: the invoice needs a visit\n        message: true\n        carries: [invoice-number]\n"),
        "{yaml}"
    );
    assert!(
        yaml.contains("      - to: letter\n        message: true\n"),
        "{yaml}"
    );
    assert!(
        !text.contains("conditionExpression"),
        "a parallel split's flows have no condition"
    );
    if let Some(node) = tools() {
        let result = Command::new(node)
            .arg(tools_dir().join("check.mjs"))
            .arg(&path)
            .output()
            .expect("node runs");
        let line: serde_json::Value = serde_json::from_slice(&result.stdout).unwrap();
        assert_eq!(line["warnings"], serde_json::json!([]), "{line}");
        assert_eq!(line["reports"], serde_json::json!([]), "{line}");
    }
}

const FLOWS: &str = r#"id: flows
title: Parallel work and a letter
domain: billing
owner: billing
status: draft
trigger: The client writes.
outcome: The client is told.
steps:
  - id: call
    title: Client calls
    actor: customer
    channel: phone
    next: log
  - id: log
    title: Agent logs it
    actor: contact-centre
    channel: phone
    parallel: true
    next: [{ to: check }, { to: visit }]
  - id: check
    title: Billing checks
    actor: billing
    next:
      - { to: decide }
      - { to: visit, message: true, when: the invoice needs a visit, carries: [invoice-number] }
  - id: visit
    title: Technician visits
    actor: field-service
    next: decide
  - id: decide
    title: Billing decides
    actor: billing
    join: all
    next:
      - { to: letter, message: true }
  - id: letter
    title: Client reads the letter
    actor: customer
    channel: email
    needs: [invoice-number]
    next: done
  - id: done
    end: told
"#;

// ---------------------------------------------------------------------------------------------
// The real tools: bpmn-moddle and bpmnlint

/// The folder of the tools' package.json, check.mjs and node_modules.
pub(crate) fn tools_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/bpmn-tools")
}

/// node and the installed tools, or `None` after saying why the test is skipped (a failure
/// on CI, where .ci/run installs them).
pub(crate) fn tools() -> Option<PathBuf> {
    let node = std::env::var_os("PATH").and_then(|path| {
        std::env::split_paths(&path)
            .filter(|d| !d.as_os_str().is_empty())
            .map(|d| d.join("node"))
            .find(|p| p.is_file())
    });
    let installed = ["bpmn-moddle", "bpmnlint"].iter().all(|m| {
        tools_dir()
            .join("node_modules")
            .join(m)
            .join("package.json")
            .is_file()
    });
    let why = match (&node, installed) {
        (None, _) => "no node on the PATH",
        (Some(_), false) => "the BPMN tools are not installed (run `npm ci` in tests/bpmn-tools)",
        (Some(_), true) => return node,
    };
    no_tools(why, std::env::var_os("CI").is_some());
    None
}

/// What to do without the tools: fail on CI, say the test was skipped elsewhere.
fn no_tools(why: &str, ci: bool) {
    assert!(
        !ci,
        "{why}, and CI is set: .ci/run installs node and runs `npm ci` in tests/bpmn-tools"
    );
    eprintln!("skipped: {why}; the exported BPMN was not checked with bpmn-moddle and bpmnlint");
}

#[test]
fn without_the_bpmn_tools_a_developer_is_told_the_test_was_skipped() {
    no_tools("no node on the PATH", false);
}

#[test]
#[should_panic(expected = ".ci/run installs node")]
fn without_the_bpmn_tools_ci_fails() {
    no_tools("no node on the PATH", true);
}

/// The ids of the sample's use cases that have no finding at all.
fn clean_sample_use_cases() -> BTreeSet<String> {
    let report = casebook()
        .arg("--catalogue")
        .arg(sample())
        .args([
            "check",
            "--format",
            "json",
            "--fail-on",
            "never",
            "--today",
            "2026-11-30",
        ])
        .output()
        .unwrap();
    let json: serde_json::Value = serde_json::from_slice(&report.stdout).unwrap();
    let flagged: BTreeSet<&str> = json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|d| d["use_case"].as_str())
        .collect();
    let mut clean = BTreeSet::new();
    for f in bpmn_files_of_sample_ids() {
        if !flagged.contains(f.as_str()) {
            clean.insert(f);
        }
    }
    clean
}

/// Every use case id of the sample, from its files' `id:` lines.
fn bpmn_files_of_sample_ids() -> Vec<String> {
    let json = casebook()
        .arg("--catalogue")
        .arg(sample())
        .args(["stats", "--format", "json"])
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    v["use_cases"]
        .as_array()
        .expect("stats lists use cases")
        .iter()
        .map(|u| u["id"].as_str().unwrap().to_owned())
        .collect()
}

#[test]
fn bpmn_moddle_parses_every_export_without_warnings_and_bpmnlint_finds_no_error_in_clean_ones() {
    let Some(node) = tools() else { return };
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("bpmn");
    export_all(&sample(), &out);
    let files = bpmn_files(&out);
    let result = Command::new(&node)
        .arg(tools_dir().join("check.mjs"))
        .args(&files)
        .output()
        .expect("node runs");
    assert!(
        result.status.success(),
        "check.mjs failed: {}",
        String::from_utf8_lossy(&result.stderr)
    );
    let clean = clean_sample_use_cases();
    assert!(
        clean.len() > 50,
        "the sample has clean use cases: {}",
        clean.len()
    );
    let lines: Vec<serde_json::Value> = String::from_utf8(result.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), files.len(), "one result per file");
    let mut linted_clean = 0;
    for line in &lines {
        let file = line["file"].as_str().unwrap();
        assert!(line.get("error").is_none(), "{file}: {}", line["error"]);
        assert_eq!(
            line["warnings"],
            serde_json::json!([]),
            "{file}: bpmn-moddle warned"
        );
        let id = Path::new(file).file_stem().unwrap().to_str().unwrap();
        if clean.contains(id) {
            linted_clean += 1;
            // Not an error, and not a warning either (merge gateways where flows meet).
            assert_eq!(line["reports"], serde_json::json!([]), "{file}: bpmnlint reports");
        }
    }
    assert_eq!(linted_clean, clean.len());
}
