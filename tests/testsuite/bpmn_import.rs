//! `casebook import bpmn`, run as a user runs it: BPMN files of our own for each mapping case
//! and reference models of the BPMN MIWG test suite (tests/data/bpmn/), imported into new and
//! existing catalogues, then checked by `casebook check`; bad inputs write nothing.

use crate::support::{casebook, copy_tree};
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The rules of the `format` group: an import must never give one of these.
const FORMAT_RULES: &[&str] = &[
    "yaml-syntax",
    "schema",
    "duplicate-id",
    "unknown-reference",
    "stray-file",
];

fn data(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/bpmn")
        .join(name)
}

/// Every `.bpmn` file of the test data (our own and the MIWG models), sorted.
fn good_files() -> Vec<PathBuf> {
    let mut files = Vec::new();
    for dir in [data(""), data("miwg")] {
        for entry in std::fs::read_dir(dir).expect("test data") {
            let path = entry.expect("entry").path();
            if path.extension().is_some_and(|e| e == "bpmn") {
                files.push(path);
            }
        }
    }
    files.sort();
    files
}

/// Imports `files` into `into` with extra arguments; returns (status, stdout, stderr).
fn import(files: &[PathBuf], into: &Path, extra: &[&str]) -> (i32, String, String) {
    let out = casebook()
        .arg("import")
        .arg("bpmn")
        .args(files)
        .arg("--into")
        .arg(into)
        .args(extra)
        .output()
        .expect("runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// Imports into a new catalogue and fails the test on an error.
fn import_new(files: &[PathBuf], extra: &[&str]) -> (tempfile::TempDir, PathBuf, String) {
    let dir = tempfile::tempdir().expect("temp dir");
    let into = dir.path().join("catalogue");
    let (code, stdout, stderr) = import(files, &into, extra);
    assert_eq!(code, 0, "import failed: {stderr}\n{stdout}");
    (dir, into, stdout)
}

/// `casebook check --format json` on a catalogue.
fn check(root: &Path) -> Value {
    let out = casebook()
        .args(["check", "--format", "json", "--fail-on", "never", "--catalogue"])
        .arg(root)
        .output()
        .expect("runs");
    serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stdout)))
}

fn format_findings(report: &Value) -> Vec<String> {
    report["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .iter()
        .filter(|d| FORMAT_RULES.contains(&d["rule"].as_str().unwrap_or("")))
        .map(|d| format!("{} {}:{} {}", d["rule"], d["file"], d["line"], d["message"]))
        .collect()
}

/// A use case file, read as YAML.
fn use_case(root: &Path, id: &str) -> Value {
    let text = std::fs::read_to_string(root.join(format!("use-cases/imported/{id}.yaml")))
        .unwrap_or_else(|e| panic!("use case {id}: {e}"));
    serde_saphyr::from_str(&text).expect("valid YAML")
}

fn step<'a>(uc: &'a Value, id: &str) -> &'a Value {
    uc["steps"]
        .as_array()
        .expect("steps")
        .iter()
        .find(|s| s["id"] == id)
        .unwrap_or_else(|| panic!("no step {id} in {uc:#}"))
}

/// The `next` entries of a step as (to, when, default, message).
fn next(step: &Value) -> Vec<(String, Option<String>, bool, bool)> {
    match &step["next"] {
        Value::String(to) => vec![(to.clone(), None, false, false)],
        Value::Array(entries) => entries
            .iter()
            .map(|e| {
                (
                    e["to"].as_str().unwrap_or_default().to_owned(),
                    e["when"].as_str().map(str::to_owned),
                    e["default"] == true,
                    e["message"] == true,
                )
            })
            .collect(),
        _ => Vec::new(),
    }
}

/// Every file below `root` with its bytes.
fn tree(root: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut out = BTreeMap::new();
    let mut work = vec![root.to_path_buf()];
    while let Some(dir) = work.pop() {
        for entry in std::fs::read_dir(&dir).expect("readable") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                work.push(path);
            } else {
                out.insert(
                    path.strip_prefix(root).expect("inside").to_path_buf(),
                    std::fs::read(&path).expect("read"),
                );
            }
        }
    }
    out
}

#[test]
fn every_test_model_imports_into_a_new_catalogue_with_no_format_finding() {
    for file in good_files() {
        let (_dir, root, stdout) = import_new(std::slice::from_ref(&file), &[]);
        let findings = format_findings(&check(&root));
        assert!(findings.is_empty(), "{}: {findings:#?}\n{stdout}", file.display());
        assert!(stdout.contains("use case `"), "{stdout}");
    }
}

#[test]
fn all_test_models_import_together_and_the_result_is_deterministic() {
    let files = good_files();
    let (_a, first, _) = import_new(&files, &[]);
    let (_b, second, _) = import_new(&files, &[]);
    assert!(format_findings(&check(&first)).is_empty());
    assert_eq!(tree(&first), tree(&second), "same files, same bytes");
}

#[test]
fn a_lone_process_is_one_use_case_with_one_team_and_labelled_branches() {
    let (_dir, root, _) = import_new(&[data("lone-process.bpmn")], &[]);
    let uc = use_case(&root, "refund-request");
    assert_eq!(uc["owner"], "refund-request");
    assert_eq!(uc["start"], "refund-asked");
    assert_eq!(step(&uc, "check-the-receipt")["actor"], "refund-request");
    assert_eq!(
        next(step(&uc, "check-the-receipt")),
        vec![
            (
                "pay-the-refund".into(),
                Some("the receipt is valid".into()),
                false,
                false
            ),
            ("explain-the-refusal".into(), None, true, false),
        ]
    );
    assert_eq!(step(&uc, "refunded")["end"], "Refunded");
    let org = std::fs::read_to_string(root.join("organisation.yaml")).expect("organisation");
    assert!(
        org.contains("- id: refund-request\n    name: Refund request"),
        "{org}"
    );
}

#[test]
fn lanes_are_teams_and_gateways_become_the_labelled_branches_of_the_step_before() {
    let (_dir, root, stdout) = import_new(&[data("lanes.bpmn")], &[]);
    let uc = use_case(&root, "claim-handling");
    // The gateways (one drawn in another lane) are gone: the handoff is register -> assess.
    assert_eq!(
        next(step(&uc, "register-the-claim")),
        vec![
            (
                "assess-the-damage".into(),
                Some("large; an expert is free".into()),
                false,
                false
            ),
            (
                "archive-the-claim".into(),
                Some("(large; none is free) or amount < 100".into()),
                false,
                false
            ),
        ]
    );
    assert_eq!(step(&uc, "register-the-claim")["actor"], "front-office");
    // The innermost of nested lanes is the team; the outer lane is in its description.
    assert_eq!(step(&uc, "assess-the-damage")["actor"], "experts");
    let org = std::fs::read_to_string(root.join("organisation.yaml")).expect("organisation");
    assert!(org.contains("Lane Experts within Back office"), "{org}");
    // A node in no lane is done by a team named after the pool, and the report says so.
    assert_eq!(step(&uc, "archive-the-claim")["actor"], "claims-department");
    assert!(stdout.contains("is in no lane"), "{stdout}");
}

#[test]
fn a_collaboration_is_one_use_case_with_message_flows_a_customer_and_a_black_box() {
    let (_dir, root, stdout) = import_new(&[data("collaboration.bpmn")], &[]);
    let uc = use_case(&root, "loan-application");
    assert_eq!(uc["persona"], "Customer");
    assert_eq!(
        step(&uc, "fill-in-the-application")["actor"],
        "customer",
        "the pool named Customer"
    );
    assert!(
        stdout.contains("`Customer` is the customer, from its name"),
        "{stdout}"
    );
    let apply = &step(&uc, "fill-in-the-application")["next"][1];
    assert_eq!(apply["to"], "application-received");
    assert_eq!(apply["message"], true);
    assert_eq!(apply["carries"][0], "loan-application-form");
    // The black-box pool is one step that sends and receives its messages.
    assert_eq!(step(&uc, "credit-bureau")["actor"], "credit-bureau");
    assert_eq!(
        next(step(&uc, "credit-bureau")),
        vec![("check-the-credit-score".into(), None, false, true)]
    );
    assert!(next(step(&uc, "check-the-credit-score")).contains(&("credit-bureau".into(), None, false, true)));
    let org = std::fs::read_to_string(root.join("organisation.yaml")).expect("organisation");
    assert!(
        org.contains("- id: advisor\n        name: Advisor\n        lane: frontstage"),
        "{org}"
    );
    assert!(
        org.contains("- id: credit-office\n        name: Credit office\n        lane: backstage"),
        "{org}"
    );
    let info = std::fs::read_to_string(root.join("information.yaml")).expect("information");
    assert!(info.contains("- id: loan-offer"), "{info}");
}

#[test]
fn the_customer_option_names_the_customer_instead_of_the_guess() {
    let (_dir, root, stdout) = import_new(&[data("collaboration.bpmn")], &["--customer", "Credit bureau"]);
    let uc = use_case(&root, "loan-application");
    assert_eq!(step(&uc, "credit-bureau")["actor"], "customer");
    assert_ne!(step(&uc, "fill-in-the-application")["actor"], "customer");
    assert!(!stdout.contains("from its name"), "{stdout}");
    assert!(format_findings(&check(&root)).is_empty());
}

#[test]
fn a_parallel_gateway_is_a_parallel_split_and_its_join_waits_for_all() {
    let (_dir, root, _) = import_new(&[data("parallel.bpmn")], &[]);
    let uc = use_case(&root, "office-move");
    let plan = step(&uc, "plan-the-move");
    assert_eq!(plan["parallel"], true);
    assert_eq!(
        next(plan),
        vec![
            ("pack-the-boxes".into(), None, false, false),
            ("book-the-van".into(), None, false, false)
        ]
    );
    assert_eq!(step(&uc, "move-out")["join"], "all");
}

#[test]
fn boundary_events_sub_processes_and_call_activities() {
    let (_dir, root, _) = import_new(&[data("subprocess-boundary.bpmn")], &[]);
    let uc = use_case(&root, "order-delivery");
    let charge = step(&uc, "charge-the-card");
    assert_eq!(charge["fail_point"], true);
    assert_eq!(charge["recovery"], "card-declined");
    assert_eq!(
        next(step(&uc, "card-declined")),
        vec![("ask-for-another-card".into(), None, false, false)]
    );
    // The expanded sub-process is a use case of its own, which its step calls.
    assert_eq!(
        step(&uc, "ship-the-parcel")["calls"],
        "order-delivery-ship-the-parcel"
    );
    let sub = use_case(&root, "order-delivery-ship-the-parcel");
    assert_eq!(
        next(step(&sub, "pick-the-items")),
        vec![("print-the-label".into(), None, false, false)]
    );
    // A call activity calls the use case of the process it names.
    assert_eq!(step(&uc, "send-the-invoice")["calls"], "invoicing");
    assert_eq!(use_case(&root, "invoicing")["start"], "invoice-due");
}

#[test]
fn data_objects_are_items_and_data_stores_systems() {
    let (_dir, root, _) = import_new(&[data("data.bpmn")], &[]);
    let uc = use_case(&root, "onboarding");
    let open = step(&uc, "open-the-account");
    assert_eq!(
        open["needs"],
        serde_json::json!(["signed-contract", "identity-card"])
    );
    assert_eq!(open["system"], "customer-database");
    assert_eq!(
        uc["inputs"],
        serde_json::json!(["signed-contract", "identity-card"])
    );
    let org = std::fs::read_to_string(root.join("organisation.yaml")).expect("organisation");
    assert!(
        org.contains("- id: customer-database\n    name: Customer database"),
        "{org}"
    );
    assert!(
        org.contains("access: [onboarding]"),
        "the step reading the store: {org}"
    );
}

#[test]
fn what_casebook_cannot_express_is_a_note_on_the_step_and_in_the_report() {
    let (_dir, root, _) = import_new(&[data("left-out.bpmn")], &[]);
    let text = std::fs::read_to_string(root.join("use-cases/imported/repair.yaml")).expect("use case");
    for note in [
        "# BPMN: multi-instance (parallel)",
        "# BPMN: a compensation activity",
        "# BPMN: an event-based gateway",
        "# BPMN: an inclusive gateway",
        "# BPMN: signal event",
        "# BPMN: timer event (timeDuration PT2H), imported as `duration: 2h`",
    ] {
        assert!(text.contains(note), "{note} missing:\n{text}");
    }
    let uc = use_case(&root, "repair");
    assert_eq!(step(&uc, "two-hours-pass")["duration"], "2h");
    // The event-based gateway's branches are labelled by their events.
    assert_eq!(
        next(step(&uc, "two-hours-pass")),
        vec![
            (
                "customer-confirms".into(),
                Some("Customer confirms".into()),
                false,
                false
            ),
            (
                "alarm-goes-off".into(),
                Some("Alarm goes off".into()),
                false,
                false
            ),
        ]
    );
    // The report, in JSON, lists each of them for the file.
    let dir = tempfile::tempdir().expect("temp dir");
    let (code, stdout, stderr) = import(
        &[data("left-out.bpmn")],
        &dir.path().join("c"),
        &["--format", "json"],
    );
    assert_eq!(code, 0, "{stderr}");
    let report: Value = serde_json::from_str(&stdout).expect("JSON report");
    let left_out = report["files"][0]["left_out"].to_string();
    for what in [
        "multi-instance",
        "compensation",
        "event-based",
        "inclusive",
        "signal",
        "text annotation",
    ] {
        assert!(left_out.contains(what), "{what} not in {left_out}");
    }
    let guessed = report["files"][0]["guessed"].to_string();
    assert!(guessed.contains("2 start events"), "{guessed}");
    assert_eq!(
        report["files"][0]["use_cases"][0]["path"],
        "use-cases/imported/repair.yaml"
    );
}

#[test]
fn an_import_into_the_sample_adds_entries_reuses_teams_and_overwrites_nothing() {
    let dir = tempfile::tempdir().expect("temp dir");
    let root = dir.path().join("catalogue");
    std::fs::create_dir(&root).expect("folder");
    copy_tree(&Path::new(env!("CARGO_MANIFEST_DIR")).join("catalogue"), &root);
    let before = tree(&root);
    // A lane named like an existing team (`contact-centre`) is that team.
    let bpmn = dir.path().join("callback.bpmn");
    std::fs::write(
        &bpmn,
        r#"<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" id="d">
  <process id="p" name="Callback">
    <laneSet id="ls">
      <lane id="l1" name="Contact centre"><flowNodeRef>s</flowNodeRef><flowNodeRef>call</flowNodeRef></lane>
      <lane id="l2" name="Callback desk"><flowNodeRef>plan</flowNodeRef><flowNodeRef>e</flowNodeRef></lane>
    </laneSet>
    <startEvent id="s" name="Callback asked"/>
    <task id="call" name="Note the callback"/>
    <task id="plan" name="Plan the callback"/>
    <endEvent id="e" name="Planned"/>
    <sequenceFlow id="f1" sourceRef="s" targetRef="call"/>
    <sequenceFlow id="f2" sourceRef="call" targetRef="plan"/>
    <sequenceFlow id="f3" sourceRef="plan" targetRef="e"/>
  </process>
</definitions>"#,
    )
    .expect("write");
    let (code, stdout, stderr) = import(&[bpmn.clone(), data("collaboration.bpmn")], &root, &[]);
    assert_eq!(code, 0, "{stderr}");
    assert!(
        stdout.contains("reused:\n    - team `contact-centre`"),
        "{stdout}"
    );
    let after = tree(&root);
    for (path, bytes) in &before {
        let now = &after[path];
        if now != bytes {
            // A changed file only gained lines: every original line is still there, in order.
            let (old, new) = (String::from_utf8_lossy(bytes), String::from_utf8_lossy(now));
            let mut lines = new.lines();
            for line in old.lines() {
                assert!(
                    lines.any(|l| l == line),
                    "{}: lost the line {line:?}",
                    path.display()
                );
            }
        }
    }
    let uc = use_case(&root, "callback");
    assert_eq!(step(&uc, "note-the-callback")["actor"], "contact-centre");
    let org = std::fs::read_to_string(root.join("organisation.yaml")).expect("organisation");
    assert_eq!(
        org.matches("- id: contact-centre").count(),
        1,
        "no second contact-centre"
    );
    assert!(org.contains("- id: callback-desk"), "the new team");
    assert!(format_findings(&check(&root)).is_empty());
    // The same import again makes new use cases beside the first ones, never over them.
    let middle = tree(&root);
    let (code, stdout, stderr) = import(&[bpmn], &root, &[]);
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.contains("use case `callback-2`"), "{stdout}");
    let last = tree(&root);
    for (path, bytes) in &middle {
        if path.starts_with("use-cases") {
            assert_eq!(&last[path], bytes, "{} was rewritten", path.display());
        }
    }
    assert!(format_findings(&check(&root)).is_empty());
}

#[test]
fn bad_inputs_are_refused_with_the_file_named_and_nothing_written() {
    let dir = tempfile::tempdir().expect("temp dir");
    // A 50 MB file (sparse: it costs no disk), over the import's size limit.
    let big = dir.path().join("big.bpmn");
    std::fs::File::create(&big)
        .and_then(|f| f.set_len(50 * 1000 * 1000))
        .expect("big file");
    let cases: [(PathBuf, &str); 5] = [
        (data("bad/not-xml.bpmn"), "not well-formed XML"),
        (data("bad/not-bpmn.bpmn"), "not a BPMN 2.0 file"),
        (data("bad/billion-laughs.bpmn"), "refuses DTDs"),
        (
            data("bad/dangling.bpmn"),
            "a sequence flow ends at `nowhere`, which is not in the file",
        ),
        (big, "larger than the 16 MiB"),
    ];
    // Into an existing catalogue: not one byte changes.
    let root = dir.path().join("catalogue");
    std::fs::create_dir(&root).expect("folder");
    copy_tree(&Path::new(env!("CARGO_MANIFEST_DIR")).join("catalogue"), &root);
    let before = tree(&root);
    for (file, message) in &cases {
        let name = file.display().to_string();
        // Alone, and after a good file: one bad file stops the whole import.
        for files in [vec![file.clone()], vec![data("lone-process.bpmn"), file.clone()]] {
            let (code, stdout, stderr) = import(&files, &root, &[]);
            assert_eq!(code, 2, "{name}: {stdout}");
            assert!(
                stderr.contains(&name) && stderr.contains(message),
                "{name}: {stderr}"
            );
            assert_eq!(tree(&root), before, "{name} changed the catalogue");
            // Into a new catalogue: the folder is never made, and no staging folder is left.
            let fresh = dir.path().join("new");
            let (code, _, _) = import(&files, &fresh, &[]);
            assert_eq!(code, 2);
            assert!(!fresh.exists(), "{name} made a catalogue");
        }
    }
    let left: Vec<_> = std::fs::read_dir(dir.path())
        .expect("read")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains("casebook-import"))
        .collect();
    assert!(left.is_empty(), "staging left behind: {left:?}");
}

#[test]
fn a_folder_that_is_neither_empty_nor_a_catalogue_is_refused() {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(dir.path().join("notes.txt"), "mine").expect("write");
    let (code, _, stderr) = import(&[data("lone-process.bpmn")], dir.path(), &[]);
    assert_eq!(code, 2);
    assert!(
        stderr.contains("holds no casebook.yaml and is not empty"),
        "{stderr}"
    );
    assert_eq!(std::fs::read_dir(dir.path()).expect("read").count(), 1);
}

#[test]
fn a_dry_run_reports_and_writes_nothing() {
    let dir = tempfile::tempdir().expect("temp dir");
    let into = dir.path().join("c");
    let (code, stdout, stderr) = import(&[data("collaboration.bpmn")], &into, &["--dry-run"]);
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.contains("would import 1 use case from 1 file"), "{stdout}");
    assert_eq!(
        std::fs::read_dir(dir.path()).expect("read").count(),
        0,
        "nothing at all"
    );
}

/// Every use case file below `root`, read as YAML, by id.
fn use_cases(root: &Path) -> BTreeMap<String, Value> {
    tree(&root.join("use-cases"))
        .into_values()
        .map(|bytes| {
            let uc: Value = serde_saphyr::from_str(&String::from_utf8(bytes).expect("UTF-8")).expect("YAML");
            (uc["id"].as_str().expect("id").to_owned(), uc)
        })
        .collect()
}

/// A use case's flow graph as the round trip must keep it: the start, and per step its actor,
/// whether it ends, its `next` entries (target, condition, default, message), `parallel`,
/// `join`, `calls` and the recovery of a fail point.
fn flow_graph(uc: &Value) -> Value {
    let steps = uc["steps"].as_array().expect("steps");
    let mut graph = serde_json::Map::new();
    for s in steps {
        let mut next = next(s);
        next.sort();
        graph.insert(
            s["id"].as_str().expect("step id").to_owned(),
            serde_json::json!({
                "actor": s["actor"],
                "end": !s["end"].is_null(),
                "next": next,
                "parallel": s["parallel"] == true,
                "join": s["join"].as_str().unwrap_or("any"),
                "calls": s["calls"],
                "recovery": if s["fail_point"] == true { s["recovery"].clone() } else { Value::Null },
            }),
        );
    }
    let start = uc["start"].as_str().or(steps[0]["id"].as_str()).expect("start");
    serde_json::json!({ "start": start, "steps": graph })
}

/// The rules whose inputs the BPMN export does not carry, so the round trip cannot keep
/// their findings: none. casebook's extension attributes (namespace `urn:casebook:bpmn:1`)
/// carry channels, systems, durations, scores, `moment_of_truth`, fail points without
/// recovery, `carries`, `allow`, the status and review dates, outcome, inputs and tags.
const NOT_ROUND_TRIPPED: &[(&str, &str)] = &[];

/// The findings of a catalogue as (rule, use case, step, message) counts, for the rules a
/// round trip keeps.
fn kept_findings(root: &Path) -> BTreeMap<(String, String, String, String), usize> {
    let mut out = BTreeMap::new();
    for d in check(root)["diagnostics"].as_array().expect("diagnostics") {
        let rule = d["rule"].as_str().unwrap_or_default();
        if NOT_ROUND_TRIPPED.iter().any(|(r, _)| *r == rule) {
            continue;
        }
        let key = (
            rule.to_owned(),
            d["use_case"].to_string(),
            d["step"].to_string(),
            d["message"].to_string(),
        );
        *out.entry(key).or_default() += 1;
    }
    out
}

#[test]
fn exporting_the_whole_sample_and_importing_it_keeps_the_flow_graphs_and_the_findings() {
    let sample = Path::new(env!("CARGO_MANIFEST_DIR")).join("catalogue");
    let dir = tempfile::tempdir().expect("temp dir");
    let exported = dir.path().join("bpmn");
    let out = casebook()
        .args(["export", "bpmn", "--all", "--out"])
        .arg(&exported)
        .arg("--catalogue")
        .arg(&sample)
        .output()
        .expect("runs");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let mut files: Vec<PathBuf> = std::fs::read_dir(&exported)
        .expect("exported")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "bpmn"))
        .collect();
    files.sort();
    let original = use_cases(&sample);
    assert_eq!(files.len(), original.len(), "one file per use case");

    // Into a catalogue with the sample's organisation, channels and items (BPMN has one pool
    // per use case: the departments of its teams come from the catalogue).
    let root = dir.path().join("with-organisation");
    std::fs::create_dir(&root).expect("folder");
    for name in [
        "casebook.yaml",
        "organisation.yaml",
        "channels.yaml",
        "information.yaml",
    ] {
        std::fs::copy(sample.join(name), root.join(name)).expect("copy");
    }
    let (code, stdout, stderr) = import(&files, &root, &[]);
    assert_eq!(code, 0, "{stderr}\n{stdout}");
    assert!(format_findings(&check(&root)).is_empty());
    let imported = use_cases(&root);
    assert_eq!(
        imported.keys().collect::<Vec<_>>(),
        original.keys().collect::<Vec<_>>()
    );
    let mut differ = Vec::new();
    for (id, uc) in &original {
        if flow_graph(uc) != flow_graph(&imported[id]) {
            differ.push(format!(
                "{id}:\n  {}\n  {}",
                flow_graph(uc),
                flow_graph(&imported[id])
            ));
        }
    }
    assert!(
        differ.is_empty(),
        "{} flow graphs differ:\n{}",
        differ.len(),
        differ.join("\n")
    );
    // Nothing was added to the organisation: every team came back by its id.
    let org = |root: &Path| std::fs::read(root.join("organisation.yaml")).expect("organisation");
    assert_eq!(org(&root), org(&sample));
    assert_eq!(kept_findings(&root), kept_findings(&sample));

    // Into a new, empty catalogue: the same flow graphs, with the teams, departments,
    // channels, systems and items made from casebook's extension elements.
    let (_fresh_dir, fresh, _) = import_new(&files, &[]);
    let again = use_cases(&fresh);
    for (id, uc) in &original {
        assert_eq!(flow_graph(uc), flow_graph(&again[id]), "{id}");
    }
    let channels = std::fs::read_to_string(fresh.join("channels.yaml")).expect("channels");
    assert!(
        channels.contains("- id: phone") && channels.contains("kind: voice"),
        "{channels}"
    );
    // The same findings too, once the catalogue's settings (rule options, which no use case
    // holds) are the sample's; except the definitions no use case names, which no export has.
    std::fs::copy(sample.join("casebook.yaml"), fresh.join("casebook.yaml")).expect("copy");
    let without_unused = |root: &Path| {
        let mut f = kept_findings(root);
        f.retain(|(rule, ..), _| rule != "unused-definition");
        f
    };
    assert_eq!(without_unused(&fresh), without_unused(&sample));
}

#[test]
fn imported_models_exported_and_imported_again_keep_messages_parallel_branches_and_findings() {
    // The sample has no message or parallel branch yet: the test models have them.
    let files = good_files();
    let (dir, first, _) = import_new(&files, &[]);
    let exported = dir.path().join("bpmn");
    let out = casebook()
        .args(["export", "bpmn", "--all", "--out"])
        .arg(&exported)
        .arg("--catalogue")
        .arg(&first)
        .output()
        .expect("runs");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let second = dir.path().join("second");
    std::fs::create_dir(&second).expect("folder");
    for name in [
        "casebook.yaml",
        "organisation.yaml",
        "channels.yaml",
        "information.yaml",
    ] {
        std::fs::copy(first.join(name), second.join(name)).expect("copy");
    }
    let mut again: Vec<PathBuf> = std::fs::read_dir(&exported)
        .expect("read")
        .map(|e| e.expect("entry").path())
        .collect();
    again.sort();
    let (code, stdout, stderr) = import(&again, &second, &[]);
    assert_eq!(code, 0, "{stderr}\n{stdout}");
    let (a, b) = (use_cases(&first), use_cases(&second));
    assert_eq!(a.keys().collect::<Vec<_>>(), b.keys().collect::<Vec<_>>());
    let text = |uc: &Value| flow_graph(uc).to_string();
    assert!(
        a.values().any(|uc| text(uc).contains("\"parallel\":true")),
        "a parallel split is exercised"
    );
    assert!(
        a.values().any(|uc| text(uc).contains("\"join\":\"all\"")),
        "a join is exercised"
    );
    assert!(
        a.values().any(|uc| text(uc).contains(",true]")),
        "a message is exercised"
    );
    for (id, uc) in &a {
        assert_eq!(flow_graph(uc), flow_graph(&b[id]), "{id}");
    }
    assert_eq!(kept_findings(&first), kept_findings(&second));
    // Every message flow joins two pools (BPMN allows no other), and bpmn-moddle reads every
    // export, several pools and associations marked as messages included, without a warning.
    let bpmn = "http://www.omg.org/spec/BPMN/20100524/MODEL";
    let mut flows = 0;
    for file in &again {
        let text = std::fs::read_to_string(file).expect("read");
        let doc = roxmltree::Document::parse(&text).expect("XML");
        let process_of = |id: &str| {
            doc.descendants()
                .find(|n| n.attribute("id") == Some(id) && !n.has_tag_name((bpmn, "messageFlow")))
                .and_then(|n| n.ancestors().find(|a| a.has_tag_name((bpmn, "process"))))
                .and_then(|p| p.attribute("id"))
                .map(str::to_owned)
        };
        // Pools are stacked without overlap, and each holds its process's shapes.
        let bounds = |id: &str| {
            let shape = doc
                .descendants()
                .find(|n| n.attribute("bpmnElement") == Some(id) && n.tag_name().name() == "BPMNShape")?;
            let b = shape.children().find(|c| c.tag_name().name() == "Bounds")?;
            let v = |a: &str| b.attribute(a).and_then(|v| v.parse::<f64>().ok()).unwrap_or(0.0);
            Some((v("y"), v("y") + v("height")))
        };
        let mut pools: Vec<(f64, f64)> = Vec::new();
        for participant in doc
            .descendants()
            .filter(|n| n.has_tag_name((bpmn, "participant")))
        {
            let pool = bounds(participant.attribute("id").unwrap()).expect("a pool shape");
            let process = participant.attribute("processRef").unwrap();
            let process = doc
                .descendants()
                .find(|n| n.has_tag_name((bpmn, "process")) && n.attribute("id") == Some(process))
                .expect("its process");
            for node in process.children().filter(|n| n.attribute("id").is_some()) {
                if let Some((top, bottom)) = bounds(node.attribute("id").unwrap()) {
                    assert!(
                        top >= pool.0 - 0.1 && bottom <= pool.1 + 20.0,
                        "{}: {:?} outside its pool {pool:?}",
                        file.display(),
                        node.attribute("id")
                    );
                }
            }
            for other in &pools {
                assert!(
                    pool.0 >= other.1 || pool.1 <= other.0,
                    "{}: pools overlap",
                    file.display()
                );
            }
            pools.push(pool);
        }
        for m in doc
            .descendants()
            .filter(|n| n.has_tag_name((bpmn, "messageFlow")))
        {
            let (s, t) = (
                m.attribute("sourceRef").unwrap(),
                m.attribute("targetRef").unwrap(),
            );
            assert_ne!(process_of(s), process_of(t), "{}: {s} -> {t}", file.display());
            flows += 1;
        }
    }
    assert!(flows > 0, "message flows are exercised");
    if let Some(node) = crate::bpmn_export::tools() {
        let out = std::process::Command::new(node)
            .arg(crate::bpmn_export::tools_dir().join("check.mjs"))
            .args(&again)
            .output()
            .expect("node runs");
        let text = String::from_utf8_lossy(&out.stdout);
        assert_eq!(text.lines().count(), again.len(), "{text}");
        for line in text.lines() {
            let v: Value = serde_json::from_str(line).expect("JSON");
            assert_eq!(v["warnings"], serde_json::json!([]), "{line}");
        }
    }
}

#[test]
fn the_readme_shows_the_import_of_a_miwg_model_as_it_is() {
    let readme =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md")).expect("README");
    let command = "$ casebook import bpmn tests/data/bpmn/miwg/C.1.0.bpmn --into /tmp/invoices\n";
    let at = readme.find(command).expect("the README shows the import") + command.len();
    let shown = &readme[at..at + readme[at..].find("```").expect("end of the block")];
    let dir = tempfile::tempdir().expect("temp dir");
    let into = dir.path().join("invoices");
    let out = casebook()
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(["import", "bpmn", "tests/data/bpmn/miwg/C.1.0.bpmn", "--into"])
        .arg(&into)
        .output()
        .expect("runs");
    assert!(out.status.success());
    let real = String::from_utf8_lossy(&out.stdout).replace(&into.display().to_string(), "/tmp/invoices");
    assert_eq!(shown, real);
}

#[test]
fn a_chain_of_gateway_diamonds_imports_in_bounded_time_with_a_readable_condition() {
    // 40 diamonds in a row: 2^40 gateway paths from `a` to `z`.
    let mut xml = String::from(
        r#"<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" id="d"><process id="p" name="Diamonds"><startEvent id="s"/><task id="a" name="A"/><task id="z" name="Z"/><endEvent id="e"/><sequenceFlow id="f0" sourceRef="s" targetRef="a"/><sequenceFlow id="fa" sourceRef="a" targetRef="g0"/><sequenceFlow id="fz" sourceRef="z" targetRef="e"/>"#,
    );
    for i in 0..40 {
        let next = if i < 39 { format!("g{}", i + 1) } else { "z".into() };
        xml += &format!(
            r#"<exclusiveGateway id="g{i}"/><exclusiveGateway id="h{i}"/><sequenceFlow id="x{i}" name="left {i}" sourceRef="g{i}" targetRef="h{i}"/><sequenceFlow id="y{i}" name="right {i}" sourceRef="g{i}" targetRef="h{i}"/><sequenceFlow id="w{i}" sourceRef="h{i}" targetRef="{next}"/>"#
        );
    }
    xml += "</process></definitions>";
    let dir = tempfile::tempdir().expect("temp dir");
    let file = dir.path().join("diamonds.bpmn");
    std::fs::write(&file, xml).expect("write");
    let (_dir, root, stdout) = import_new(&[file], &[]);
    let uc = use_case(&root, "diamonds");
    let when = step(&uc, "a")["next"][0]["when"]
        .as_str()
        .expect("a condition")
        .to_owned();
    assert!(when.len() < 1000 && when.ends_with("other paths"), "{when}");
    assert!(stdout.contains("make more than 4096 paths"), "{stdout}");
    assert!(format_findings(&check(&root)).is_empty());
}
