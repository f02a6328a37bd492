//! The first ten minutes of a newcomer: what README.md and catalogue/README.md show and count is
//! what the binary does on the sample catalogue, `stats` explains its columns, and `graph --format
//! dot` draws boxes a reader can take in.

use crate::support::{casebook, copy_tree, yaml_files};
use serde_json::Value;
use std::path::{Path, PathBuf};

fn repository() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn read(path: &str) -> String {
    std::fs::read_to_string(repository().join(path)).unwrap()
}

/// The fenced blocks of a Markdown text whose info string is `lang`, in order.
fn blocks(markdown: &str, lang: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut current: Option<String> = None;
    for line in markdown.lines() {
        match current.as_mut() {
            Some(block) if line.trim_start() == "```" => {
                out.push(std::mem::take(block));
                current = None;
            }
            Some(block) => {
                block.push_str(line);
                block.push('\n');
            }
            None if line.trim_start() == format!("```{lang}") => current = Some(String::new()),
            None => {}
        }
    }
    out
}

#[test]
fn the_readme_sample_output_is_what_check_prints() {
    let readme = read("README.md");
    let block = blocks(&readme, "console")
        .into_iter()
        .next()
        .expect("a console block first");
    let mut lines = block.lines();
    let command = lines
        .next()
        .unwrap()
        .strip_prefix("$ casebook ")
        .expect("a casebook command");
    assert!(
        command.contains("--today"),
        "the output is fixed by a date: {command}"
    );
    let out = casebook()
        .current_dir(repository())
        .args(command.split_whitespace())
        .output()
        .unwrap();
    let stdout = String::from_utf8(out.stdout).unwrap();
    // The block is excerpts separated by `...` lines: each is in the output as shown.
    let rest: Vec<&str> = lines.collect();
    let excerpts: Vec<String> = rest
        .split(|l| *l == "...")
        .map(|part| part.join("\n"))
        .filter(|part| !part.trim().is_empty())
        .collect();
    assert!(excerpts.len() >= 2, "a finding and the summary: {excerpts:?}");
    for excerpt in &excerpts {
        assert!(
            stdout.contains(excerpt.trim_matches('\n')),
            "README shows what `casebook {command}` does not print:\n{excerpt}\n--- it prints:\n{stdout}"
        );
    }
    let summary = stdout.lines().last().unwrap();
    assert!(
        excerpts.last().unwrap().ends_with(summary),
        "the summary line: {summary}"
    );
    // The prose around it counts the same warnings.
    let warnings = summary.split(", ").find(|p| p.ends_with(" warnings")).unwrap();
    let n = warnings.trim_end_matches(" warnings");
    assert!(
        readme.contains(&format!("one of the {n} warnings")),
        "README counts {n} warnings"
    );
}

#[test]
fn the_readme_example_use_case_checks_clean_in_the_sample() {
    let readme = read("README.md");
    let example = blocks(&readme, "yaml")
        .into_iter()
        .find(|b| b.contains("\nsteps:\n") && b.starts_with("# yaml-language-server"))
        .expect("the example use case");
    let place = "catalogue/use-cases/invoicing-payment/invoice-dispute.yaml";
    assert!(
        readme.contains(&format!("Saved as `{place}`")),
        "README says where it goes"
    );
    let dir = tempfile::tempdir().unwrap();
    for folder in ["catalogue", "schemas"] {
        std::fs::create_dir_all(dir.path().join(folder)).unwrap();
        copy_tree(&repository().join(folder), &dir.path().join(folder));
    }
    std::fs::write(dir.path().join(place), &example).unwrap();
    let out = casebook()
        .current_dir(dir.path())
        .args([
            "check",
            "--today",
            "2026-11-30",
            "-f",
            "json",
            "--fail-on",
            "info",
        ])
        .output()
        .unwrap();
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    let own: Vec<&Value> = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| {
            d["file"]
                .as_str()
                .is_some_and(|f| f.ends_with("invoice-dispute.yaml"))
        })
        .collect();
    assert!(own.is_empty(), "the README's example has findings: {own:#?}");
    assert_eq!(report["summary"]["errors"], 0);
    // And it is a use case the check read: 145 use cases, one more than the sample.
    let (before, after) = (
        use_cases(&repository().join("catalogue")),
        use_cases(&dir.path().join("catalogue")),
    );
    assert_eq!(after, before + 1);
}

fn use_cases(catalogue: &Path) -> usize {
    let out = casebook()
        .args(["stats", "--format", "json", "--catalogue"])
        .arg(catalogue)
        .output()
        .unwrap();
    let stats: Value = serde_json::from_slice(&out.stdout).unwrap();
    stats["use_cases"].as_array().unwrap().len()
}

#[test]
fn the_readmes_count_the_sample_as_it_is() {
    let out = casebook()
        .args(["stats", "--format", "json", "--catalogue"])
        .arg(repository().join("catalogue"))
        .output()
        .unwrap();
    let stats: Value = serde_json::from_slice(&out.stdout).unwrap();
    let use_cases = stats["use_cases"].as_array().unwrap();
    let count = |status: &str| use_cases.iter().filter(|u| u["status"] == status).count();
    let (drafts, in_review) = (count("draft"), count("in-review"));
    let domains: std::collections::BTreeSet<&str> =
        use_cases.iter().filter_map(|u| u["domain"].as_str()).collect();
    let mut calls = 0;
    for path in yaml_files(&repository().join("catalogue/use-cases")) {
        let uc: Value = serde_saphyr::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        if uc["steps"]
            .as_array()
            .into_iter()
            .flatten()
            .any(|s| s.get("calls").is_some())
        {
            calls += 1;
        }
    }
    let readme = read("README.md");
    for claim in [
        format!("{} use\ncases in {} domains", use_cases.len(), domains.len()),
        format!(
            "{} not reviewed yet ({drafts} drafts and {in_review} in review)",
            drafts + in_review
        ),
    ] {
        assert!(readme.contains(&claim), "README.md should say: {claim}");
    }
    let sample = read("catalogue/README.md");
    for claim in [
        format!(
            "The {} use cases that are not `reviewed` ({drafts} `draft`, {in_review} `in-review`)",
            drafts + in_review
        ),
        format!("({calls} use cases do)"),
    ] {
        assert!(sample.contains(&claim), "catalogue/README.md should say: {claim}");
    }
    assert!(
        !sample.contains(" yet"),
        "catalogue/README.md says something is not used yet"
    );
}

#[test]
fn stats_explains_every_column_of_its_table() {
    let out = casebook()
        .args(["stats", "--catalogue"])
        .arg(repository().join("catalogue"))
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    let header: Vec<&str> = text
        .lines()
        .next()
        .unwrap()
        .split("  ")
        .map(str::trim)
        .filter(|c| !c.is_empty())
        .collect();
    assert_eq!(header.first(), Some(&"use case"));
    let legend = &text[text.find("\nColumns: ").expect("a legend of the columns")..];
    for column in &header[1..] {
        let explained = legend.lines().any(|l| {
            let l = l.strip_prefix("Columns:").unwrap_or(l).trim_start();
            l.strip_prefix(column).is_some_and(|rest| rest.starts_with("  "))
        });
        assert!(explained, "the column `{column}` is not explained:\n{legend}");
    }
}

#[test]
fn dot_draws_boxes_with_wrapped_labels_not_circles() {
    let out = casebook()
        .args([
            "graph",
            "catering-surcharge-dispute",
            "--format",
            "dot",
            "--catalogue",
        ])
        .arg(repository().join("catalogue"))
        .output()
        .unwrap();
    let dot = String::from_utf8(out.stdout).unwrap();
    assert!(!dot.contains("circle"), "{dot}");
    assert!(dot.contains("node [shape=box"), "{dot}");
    let ends: Vec<&str> = dot.lines().filter(|l| l.contains("peripheries=2")).collect();
    assert_eq!(ends.len(), 2, "the two end steps have a double border: {dot}");
    let mut nodes = 0;
    for line in dot
        .lines()
        .filter(|l| l.trim_start().starts_with('"') && !l.contains("->"))
    {
        nodes += 1;
        let label = line
            .split("label=\"")
            .nth(1)
            .and_then(|l| l.split("\"]").next().or(Some(l)))
            .unwrap();
        let label = label.split("\", ").next().unwrap();
        for part in label.split("\\n") {
            assert!(
                part.chars().count() <= casebook::visual::DOT_LINE,
                "a label line longer than {} characters: {part:?} in {line}",
                casebook::visual::DOT_LINE
            );
        }
    }
    assert_eq!(nodes, 11, "every step is a node: {dot}");
    // A long step title is on several lines.
    assert!(
        dot.contains("The planners confirm the\\norder came in on time\\n"),
        "{dot}"
    );
}

#[cfg(feature = "handbook")]
#[test]
fn build_refusing_a_catalogue_lists_the_errors_that_stop_it_and_only_those() {
    let dir = tempfile::tempdir().unwrap();
    let catalogue = dir.path().join("catalogue");
    std::fs::create_dir_all(&catalogue).unwrap();
    copy_tree(&repository().join("catalogue"), &catalogue);
    std::fs::write(catalogue.join("use-cases/broken.yaml"), "id: [unclosed\n").unwrap();
    let out = casebook()
        .current_dir(dir.path())
        .args(["build", "--today", "2026-11-30", "--out", "book"])
        .output()
        .unwrap();
    let (stdout, stderr) = (
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    );
    assert_eq!(out.status.code(), Some(1), "{stdout}{stderr}");
    assert!(stdout.contains("error[yaml-syntax]"), "{stdout}");
    assert!(stdout.contains("catalogue/use-cases/broken.yaml:1:5"), "{stdout}");
    assert!(
        !stdout.contains("warning["),
        "the 36 warnings of the sample bury the error: {stdout}"
    );
    assert!(
        stderr.contains("not built") && stderr.contains("1 format error "),
        "{stderr}"
    );
    assert!(!dir.path().join("book").exists());
}
