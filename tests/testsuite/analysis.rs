//! The worst path as `casebook stats` reports it: exact or an upper bound, `null` where no end
//! can be reached, and a repeated `next` target counted once.

use crate::rules::base;
use crate::support::casebook;
use std::fmt::Write;

/// A use case with `steps` (id, actor, next ids) and an end step `done` when `end` is set.
fn use_case(id: &str, steps: &[(&str, &str, &[&str])]) -> String {
    let mut y = format!(
        "id: {id}\ntitle: A use case\ndomain: test\nowner: billing\nstatus: draft\n\
         trigger: Anything.\noutcome: Something.\nsteps:\n"
    );
    for (step, actor, next) in steps {
        let _ = write!(
            y,
            "  - id: {step}\n    title: Step {step}\n    actor: {actor}\n    channel: phone\n"
        );
        if next.len() == 1 {
            let _ = writeln!(y, "    next: {}", next[0]);
        } else if !next.is_empty() {
            y += "    next:\n";
            for (k, to) in next.iter().enumerate() {
                let _ = write!(y, "      - to: {to}\n        when: case {k}\n");
            }
        }
    }
    y + "  - id: done\n    end: resolved\n"
}

/// `casebook stats --format json` on the base catalogue with these use cases, by id.
fn stats(files: &[(&str, String)]) -> (serde_json::Value, String) {
    let laid = base();
    std::fs::create_dir_all(laid.root().join("use-cases")).expect("use-cases/");
    for (name, text) in files {
        std::fs::write(laid.root().join("use-cases").join(name), text).expect("write");
    }
    let out = casebook()
        .arg("--catalogue")
        .arg(laid.root())
        .args(["stats", "--format", "json"])
        .output()
        .expect("runs");
    assert!(out.status.success());
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    let table = casebook()
        .arg("--catalogue")
        .arg(laid.root())
        .arg("stats")
        .output()
        .expect("runs");
    (json, String::from_utf8(table.stdout).expect("UTF-8"))
}

fn row<'a>(json: &'a serde_json::Value, id: &str) -> &'a serde_json::Value {
    json["use_cases"]
        .as_array()
        .expect("use cases")
        .iter()
        .find(|u| u["id"] == id)
        .expect("the use case")
}

/// The table's row of a use case, split into cells.
fn cells<'a>(table: &'a str, id: &str) -> Vec<&'a str> {
    let line = table
        .lines()
        .find(|l| l.starts_with(&format!("{id} ")))
        .expect("a row");
    line.split_whitespace().collect()
}

#[test]
fn stats_say_how_many_handoffs_the_worst_path_has_and_whether_exactly() {
    // write (billing) -> check (field service) -> back to write, or on to tell (agent): going
    // round the loop once, the worst path has 4 handoffs.
    let round = use_case(
        "round-once",
        &[
            ("call", "customer", &["write"]),
            ("write", "billing", &["check"]),
            ("check", "field-service", &["write", "tell"]),
            ("tell", "contact-centre", &["done"]),
        ],
    );
    // A loop with no way out: no worst path at all, which is not 0.
    let closed = use_case(
        "no-way-out",
        &[("a", "billing", &["b"]), ("b", "field-service", &["a"])],
    );
    // Twenty choices between two teams and a way back to the start: 2^20 simple cycles, more
    // than casebook searches, so the count is an upper bound.
    let mut tangled: Vec<(String, &str, Vec<String>)> = Vec::new();
    for i in 0..20 {
        let next = if i < 19 {
            vec![format!("a{}", i + 1), format!("b{}", i + 1)]
        } else {
            vec!["close".to_owned()]
        };
        tangled.push((format!("a{i}"), "contact-centre", next.clone()));
        tangled.push((format!("b{i}"), "billing", next));
    }
    tangled.push((
        "close".to_owned(),
        "contact-centre",
        vec!["done".to_owned(), "a0".to_owned()],
    ));
    let refs: Vec<Vec<&str>> = tangled
        .iter()
        .map(|t| t.2.iter().map(String::as_str).collect())
        .collect();
    let steps: Vec<(&str, &str, &[&str])> = tangled
        .iter()
        .zip(&refs)
        .map(|(t, r)| (t.0.as_str(), t.1, r.as_slice()))
        .collect();
    let tangled = use_case("tangled", &steps);

    let (json, table) = stats(&[
        ("round-once.yaml", round),
        ("no-way-out.yaml", closed),
        ("tangled.yaml", tangled),
    ]);
    let r = row(&json, "round-once");
    assert_eq!(r["worst_path_handoffs"], 4);
    assert_eq!(r["worst_path_exact"], true);
    assert_eq!(r["handoffs"], 3, "three handoff edges");
    let r = row(&json, "no-way-out");
    assert!(r["worst_path_handoffs"].is_null(), "{r}");
    let r = row(&json, "tangled");
    assert_eq!(r["worst_path_exact"], false);
    let bound = r["worst_path_handoffs"].as_u64().expect("a number");
    assert!(bound >= 2 * 20, "never below a real walk: {bound}");

    // The table: the worst path is the 5th column.
    assert_eq!(cells(&table, "round-once")[4], "4");
    assert_eq!(cells(&table, "no-way-out")[4], "-");
    assert_eq!(cells(&table, "tangled")[4], format!("≤{bound}"));
}

#[test]
fn a_repeated_next_target_is_one_handoff() {
    let twice = use_case(
        "twice",
        &[
            ("log", "contact-centre", &["check", "check"]),
            ("check", "billing", &["done"]),
        ],
    );
    let (json, _) = stats(&[("twice.yaml", twice)]);
    let r = row(&json, "twice");
    assert_eq!(r["handoffs"], 1);
    assert_eq!(r["cross_department_handoffs"], 1);
    assert_eq!(r["worst_path_handoffs"], 1);
    let row_of = |m: &serde_json::Value, from: &str, to: &str| {
        let labels: Vec<&str> = m["labels"]
            .as_array()
            .unwrap()
            .iter()
            .map(|l| l.as_str().unwrap())
            .collect();
        let i = labels.iter().position(|&l| l == from).unwrap();
        let j = labels.iter().position(|&l| l == to).unwrap();
        m["counts"][i][j].clone()
    };
    assert_eq!(
        row_of(&json["catalogue"]["team_handoffs"], "contact-centre", "billing"),
        1
    );
}
