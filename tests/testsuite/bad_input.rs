//! Bad input: files a process owner (or an attacker) can put in a catalogue. Each one must give
//! a located diagnostic, never a panic, and must not stop the other files from being checked:
//! every catalogue here also holds `use-cases/zz-other.yaml`, a use case with a known dead end.

use crate::rules::{Laid, base, check_at, location};
use crate::support::{casebook, fixtures};
use casebook::Checked;
use casebook::diagnostic::{Diagnostic, Severity};
use std::path::{Path, PathBuf};

/// The base catalogue with `use-cases/zz-other.yaml` (a dead end at 22:9) and `bytes` at `rel`.
fn catalogue_with(rel: &str, bytes: &[u8]) -> Laid {
    let laid = base();
    let other = laid.root().join("use-cases/zz-other.yaml");
    std::fs::create_dir_all(other.parent().unwrap()).unwrap();
    std::fs::copy(fixtures().join("rules/dead-end/invalid-no-next.yaml"), &other).unwrap();
    let path = laid.root().join(rel);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(&path, bytes).unwrap();
    laid
}

/// The one finding of `rule` in `file`, after checking that the other use case was checked too.
fn the_finding(checked: &Checked, rule: &str, file: &str) -> (Diagnostic, u32, u32) {
    let report = &checked.report;
    let all: Vec<_> = report
        .diagnostics
        .iter()
        .map(|d| (d, location(report, d)))
        .collect();
    assert!(
        all.iter()
            .any(|(d, at)| d.rule == "dead-end" && at == &("use-cases/zz-other.yaml".to_owned(), 22, 9)),
        "the other use case was not checked: {all:#?}"
    );
    let mine: Vec<_> = all
        .iter()
        .filter(|(d, at)| d.rule == rule && at.0 == file)
        .collect();
    let [(d, (_, line, column))] = mine.as_slice() else {
        panic!("expected one `{rule}` in {file}, found: {all:#?}");
    };
    ((*d).clone(), *line, *column)
}

fn check_with(rel: &str, bytes: &[u8]) -> (Laid, Checked) {
    let laid = catalogue_with(rel, bytes);
    let checked = check_at(laid.root());
    (laid, checked)
}

const GOOD_HEAD: &str = "id: bad
title: A bad file
domain: billing
owner: billing
status: draft
trigger: Something happens.
outcome: Something is done.
";

#[test]
fn syntax_error() {
    let text = format!("{GOOD_HEAD}steps:\n  - id: call\n    title: [unclosed\n    actor: customer\n");
    let (_l, checked) = check_with("use-cases/bad.yaml", text.as_bytes());
    let (d, line, column) = the_finding(&checked, "yaml-syntax", "use-cases/bad.yaml");
    // At the bracket left open, not at the `:` of the next line where the parser noticed.
    assert_eq!((line, column), (10, 12));
    assert_eq!(d.message, "invalid YAML: unclosed bracket '['");
    assert_eq!(d.severity, Severity::Error);
}

#[test]
fn an_unclosed_bracket_or_brace_points_at_itself() {
    for (text, at) in [
        // A flow sequence of `next` left open, the next step below it.
        (
            format!("{GOOD_HEAD}steps:\n  - id: call\n    next: [a, b\n  - id: a\n    end: done\n"),
            (10, 11),
        ),
        // A flow mapping left open before a top-level key.
        (
            format!("{GOOD_HEAD}persona: {{name: x\nsteps:\n  - id: done\n    end: done\n"),
            (8, 10),
        ),
        // Left open on the last line.
        (format!("{GOOD_HEAD}steps: [a, b\n"), (8, 8)),
    ] {
        let (_l, checked) = check_with("use-cases/bad.yaml", text.as_bytes());
        let (d, line, column) = the_finding(&checked, "yaml-syntax", "use-cases/bad.yaml");
        assert_eq!((line, column), at, "{text}");
        assert!(
            d.message.starts_with("invalid YAML: unclosed bracket"),
            "{}",
            d.message
        );
    }
}

#[test]
fn a_flow_sequence_continued_on_an_indented_line_keeps_its_own_error() {
    // The `[` is closed on the next line: the error is there, not at the bracket.
    let text = format!("{GOOD_HEAD}steps: [a,\n  b c: d: e]\n");
    let (_l, checked) = check_with("use-cases/bad.yaml", text.as_bytes());
    let (_, line, _) = the_finding(&checked, "yaml-syntax", "use-cases/bad.yaml");
    assert_eq!(line, 9);
}

#[test]
fn a_tab_in_the_indentation_points_at_the_tab() {
    for (text, at) in [
        // After a plain scalar: the parser reports the start of `call` on the line above.
        (
            format!("{GOOD_HEAD}steps:\n  - id: call\n\ttitle: x\n    actor: customer\n"),
            (10, 1),
        ),
        // After spaces.
        (
            format!("{GOOD_HEAD}steps:\n  - id: call\n  \t  title: x\n"),
            (10, 3),
        ),
        // After a quoted scalar: the parser reports the column after the tab.
        ("id: bad\ntitle: \"a\"\n\tdomain: billing\n".to_owned(), (3, 1)),
        // A tab inside a value is fine; the one in the indentation below is the error.
        ("id: bad\ntitle: a\tb\n\tdomain: billing\n".to_owned(), (3, 1)),
    ] {
        let (_l, checked) = check_with("use-cases/bad.yaml", text.as_bytes());
        let (d, line, column) = the_finding(&checked, "yaml-syntax", "use-cases/bad.yaml");
        assert_eq!((line, column), at, "{text:?}");
        assert!(d.message.contains("tab"), "{}", d.message);
        assert_eq!(
            d.help.as_deref(),
            Some("YAML indents with spaces only: replace the tab with spaces")
        );
    }
}

#[test]
fn a_long_bad_value_is_quoted_short() {
    let long = "x".repeat(5000);
    let text = GOOD_HEAD.replace("status: draft", &format!("status: {long}"))
        + "steps:\n  - id: done\n    end: done\n";
    let (_l, checked) = check_with("use-cases/bad.yaml", text.as_bytes());
    let (d, line, column) = the_finding(&checked, "schema", "use-cases/bad.yaml");
    assert_eq!((line, column), (5, 9));
    assert!(
        d.message.contains(&format!("`{}…`", "x".repeat(80))),
        "{}",
        d.message
    );
    assert!(d.message.len() < 300, "{} bytes: {}", d.message.len(), d.message);
}

#[test]
fn duplicate_key() {
    let text = format!("{GOOD_HEAD}title: Again\nsteps:\n  - id: done\n    end: done\n");
    let (_l, checked) = check_with("use-cases/bad.yaml", text.as_bytes());
    let (d, line, column) = the_finding(&checked, "yaml-syntax", "use-cases/bad.yaml");
    assert_eq!((line, column), (8, 1));
    assert_eq!(
        d.message,
        "duplicate key `title`: a key may appear only once in a mapping"
    );
}

#[test]
fn alias_bomb_is_refused() {
    let mut text =
        String::from("a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n");
    let names: Vec<char> = ('b'..='z').collect();
    let mut prev = 'a';
    for &n in &names {
        let refs = vec![format!("*{prev}"); 9].join(",");
        text.push_str(&format!("{n}: &{n} [{refs}]\n"));
        prev = n;
    }
    let (_l, checked) = check_with("use-cases/bomb.yaml", text.as_bytes());
    let (d, line, _) = the_finding(&checked, "yaml-syntax", "use-cases/bomb.yaml");
    assert!(
        d.message.contains("more YAML nodes than casebook allows"),
        "{}",
        d.message
    );
    assert!(line > 1, "points at an alias, not the file start");
}

#[test]
fn nesting_a_thousand_deep_in_flow_style() {
    let text = format!("id: {}{}\n", "[".repeat(1000), "]".repeat(1000));
    let (_l, checked) = check_with("use-cases/deep.yaml", text.as_bytes());
    let (d, line, column) = the_finding(&checked, "yaml-syntax", "use-cases/deep.yaml");
    assert!(d.message.contains("nests more deeply"), "{}", d.message);
    assert_eq!(line, 1);
    assert!(
        column > 1 && column < 1000,
        "refused on the way down, at column {column}"
    );
}

#[test]
fn nesting_a_thousand_deep_in_block_style() {
    let mut text = String::new();
    for i in 0..1000 {
        text.push_str(&"  ".repeat(i));
        text.push_str("a:\n");
    }
    text.push_str(&"  ".repeat(1000));
    text.push_str("x\n");
    let (_l, checked) = check_with("use-cases/deep.yaml", text.as_bytes());
    let (d, line, _) = the_finding(&checked, "yaml-syntax", "use-cases/deep.yaml");
    assert!(d.message.contains("nests more deeply"), "{}", d.message);
    assert!(line > 1 && line < 100, "refused on the way down, at line {line}");
}

#[test]
fn a_fifty_megabyte_file_is_refused_by_its_size() {
    let laid = catalogue_with("use-cases/huge.yaml", b"");
    // A sparse file: 50 MB on paper, written instantly; casebook refuses it before reading.
    let file = std::fs::File::options()
        .write(true)
        .open(laid.root().join("use-cases/huge.yaml"))
        .unwrap();
    file.set_len(50 * 1024 * 1024).unwrap();
    drop(file);
    let checked = check_at(laid.root());
    let (d, line, column) = the_finding(&checked, "yaml-syntax", "use-cases/huge.yaml");
    assert_eq!((line, column), (1, 1));
    assert_eq!(
        d.message,
        "the file is 50.0 MiB, more than the 4 MiB casebook reads"
    );
}

#[test]
fn invalid_utf8_is_located_at_the_first_bad_byte() {
    let mut bytes = GOOD_HEAD.as_bytes().to_vec();
    bytes.extend_from_slice(b"persona: caf\xe9 owner\n");
    let (_l, checked) = check_with("use-cases/latin1.yaml", &bytes);
    let (d, line, column) = the_finding(&checked, "yaml-syntax", "use-cases/latin1.yaml");
    assert_eq!((line, column), (8, 13));
    assert!(d.message.contains("not valid UTF-8"), "{}", d.message);
}

#[test]
fn an_empty_file() {
    let (_l, checked) = check_with("use-cases/empty.yaml", b"");
    let (d, line, column) = the_finding(&checked, "schema", "use-cases/empty.yaml");
    assert_eq!((line, column), (1, 1));
    assert_eq!(d.message, "the file is empty, but a use case is expected here");
}

#[test]
fn a_file_that_is_not_yaml_in_use_cases_is_a_stray_file() {
    let (_l, checked) = check_with("use-cases/billing/process.docx", b"PK\x03\x04 binary");
    let (d, line, column) = the_finding(&checked, "stray-file", "use-cases/billing/process.docx");
    assert_eq!((line, column), (1, 1));
    assert_eq!(d.severity, Severity::Warning);
    assert!(
        d.message.contains("only .yaml and .yml files are read"),
        "{}",
        d.message
    );
}

#[test]
fn ids_that_are_not_slugs_are_schema_errors() {
    for (bad, column) in [("../../x", 5), ("A B", 5)] {
        let text =
            GOOD_HEAD.replace("id: bad", &format!("id: {bad}")) + "steps:\n  - id: done\n    end: done\n";
        let (_l, checked) = check_with("use-cases/bad.yaml", text.as_bytes());
        let (d, line, col) = the_finding(&checked, "schema", "use-cases/bad.yaml");
        assert_eq!((line, col), (1, column), "{bad}");
        assert_eq!(d.message, format!("`{bad}` is not a valid id (in `id`)"));
    }
}

/// Every path below `dir`, sorted.
fn tree(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p.clone());
            }
            out.push(p);
        }
    }
    out.sort();
    out
}

#[test]
fn new_refuses_ids_and_domains_that_are_not_slugs_and_writes_nothing() {
    let outer = tempfile::tempdir().unwrap();
    let root = outer.path().join("a/b/catalogue");
    std::fs::create_dir_all(&root).unwrap();
    crate::support::copy_tree(&fixtures().join("base"), &root);
    let before = tree(outer.path());
    for args in [
        ["new", "../../x", "--domain", "billing"],
        ["new", "A B", "--domain", "billing"],
        ["new", "ok-id", "--domain", "../.."],
    ] {
        let out = casebook()
            .arg("--catalogue")
            .arg(&root)
            .args(args)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.contains("is not a valid"), "{args:?}: {stderr}");
        assert!(out.stdout.is_empty(), "{args:?}");
    }
    assert_eq!(tree(outer.path()), before, "nothing may be written");
}

#[test]
fn a_wrong_type() {
    let text = GOOD_HEAD.replace("title: A bad file", "title: 42") + "steps:\n  - id: done\n    end: done\n";
    let (_l, checked) = check_with("use-cases/bad.yaml", text.as_bytes());
    let (d, line, column) = the_finding(&checked, "schema", "use-cases/bad.yaml");
    assert_eq!((line, column), (2, 8));
    assert_eq!(d.message, "`title` should be text, but it is `42` (a number)");
}

#[test]
fn an_unknown_field_points_at_its_key_with_a_suggestion() {
    let text = format!("{GOOD_HEAD}steps:\n  - id: done\n    ned: done\n    end: done\n");
    let (_l, checked) = check_with("use-cases/bad.yaml", text.as_bytes());
    let (d, line, column) = the_finding(&checked, "schema", "use-cases/bad.yaml");
    assert_eq!((line, column), (10, 5));
    assert_eq!(d.message, "unknown field `ned` in step `done`");
    assert_eq!(d.help.as_deref(), Some("did you mean `end`?"));
}

/// Two unknown fields in one mapping make one finding, which names the first in alphabetical
/// order wherever it stands (as when the file was validated as a copy into JSON, whose objects
/// sort their keys), and points at that key.
#[test]
fn of_two_unknown_fields_the_finding_names_the_first_in_alphabetical_order() {
    let text = format!("{GOOD_HEAD}steps:\n  - id: done\n    zed: 1\n    ned: done\n    end: done\n");
    let (_l, checked) = check_with("use-cases/bad.yaml", text.as_bytes());
    let (d, line, column) = the_finding(&checked, "schema", "use-cases/bad.yaml");
    assert_eq!((line, column), (11, 5));
    assert_eq!(d.message, "unknown field `ned` in step `done`");
    assert_eq!(d.help.as_deref(), Some("did you mean `end`?"));
}

#[test]
fn a_missing_required_field() {
    let text =
        GOOD_HEAD.replace("outcome: Something is done.\n", "") + "steps:\n  - id: done\n    end: done\n";
    let (_l, checked) = check_with("use-cases/bad.yaml", text.as_bytes());
    let (d, line, column) = the_finding(&checked, "schema", "use-cases/bad.yaml");
    assert_eq!((line, column), (1, 1));
    assert_eq!(d.message, "missing required field `outcome` in the file");
}

#[test]
fn a_byte_order_mark_is_accepted_and_locations_stay_right() {
    let text = format!(
        "\u{feff}{}steps:\n  - id: call\n    title: Client calls\n    actor: custmer\n    next: done\n  - id: done\n    end: done\n",
        GOOD_HEAD
    );
    let (_l, checked) = check_with("use-cases/bom.yaml", text.as_bytes());
    let (d, line, column) = the_finding(&checked, "unknown-reference", "use-cases/bom.yaml");
    assert_eq!((line, column), (11, 12));
    assert_eq!(d.message, "unknown actor `custmer`");
    let bom_file = checked
        .report
        .diagnostics
        .iter()
        .filter(|d| location(&checked.report, d).0 == "use-cases/bom.yaml")
        .count();
    assert_eq!(bom_file, 1, "only the misspelt actor is wrong in the BOM file");
}

#[test]
fn two_documents_in_one_file() {
    let text = format!("{GOOD_HEAD}steps:\n  - id: done\n    end: done\n---\nid: second\n");
    let (_l, checked) = check_with("use-cases/two.yaml", text.as_bytes());
    let (d, line, column) = the_finding(&checked, "yaml-syntax", "use-cases/two.yaml");
    assert_eq!((line, column), (11, 1));
    assert!(d.message.contains("more than one YAML document"), "{}", d.message);
}

#[test]
fn a_missing_organisation_file_is_a_located_diagnostic() {
    let laid = catalogue_with("use-cases/fine.yaml", b"");
    std::fs::remove_file(laid.root().join("use-cases/fine.yaml")).unwrap();
    std::fs::remove_file(laid.root().join("organisation.yaml")).unwrap();
    let checked = check_at(laid.root());
    let (d, ..) = the_finding(&checked, "schema", "organisation.yaml");
    assert_eq!(d.message, "the catalogue has no `organisation.yaml`");
}

#[test]
fn a_folder_with_no_catalogue_exits_2_with_one_line() {
    let empty = tempfile::tempdir().unwrap();
    let out = casebook()
        .arg("--catalogue")
        .arg(empty.path())
        .arg("check")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(stderr.contains("is not a casebook catalogue"), "{stderr}");

    let missing = empty.path().join("nowhere");
    let out = casebook()
        .arg("--catalogue")
        .arg(&missing)
        .arg("check")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(String::from_utf8_lossy(&out.stderr).lines().count(), 1);
}

#[test]
fn a_broken_settings_file_is_located_and_the_use_cases_are_still_checked() {
    let (_l, checked) = check_with("casebook.yaml", b"name: Broken\nrules: [\n");
    let (d, line, column) = the_finding(&checked, "yaml-syntax", "casebook.yaml");
    assert_eq!((line, column), (2, 8));
    assert!(d.message.starts_with("invalid YAML"), "{}", d.message);
}

#[test]
fn a_broken_organisation_file_is_located_and_the_use_cases_are_still_checked() {
    let (_l, checked) = check_with("organisation.yaml", b"departments:\n  - id: x\n    name: [oops\n");
    let (d, line, _) = the_finding(&checked, "yaml-syntax", "organisation.yaml");
    assert_eq!(line, 3);
    assert!(d.message.starts_with("invalid YAML"), "{}", d.message);
}
