//! Robustness: mangled versions of a valid use case (lines deleted or repeated, stray YAML
//! punctuation, tabs, multi-byte characters, truncation) never make casebook panic, and every
//! finding points inside its file and renders.

use crate::rules::{base, check_at};
use crate::support::fixtures;
use casebook::diagnostic::render::{human, json};
use proptest::prelude::*;

#[derive(Clone, Debug)]
enum Edit {
    DeleteLine(usize),
    RepeatLine(usize),
    Insert(usize, char),
    Truncate(usize),
}

fn edit() -> impl Strategy<Value = Edit> {
    let chars = prop::sample::select(vec![
        ':', '-', '[', ']', '{', '}', '&', '*', '!', '|', '>', '\t', '\n', ' ', '"', '\'', '#', '?', 'é',
        '€', '\u{feff}', '%', '@',
    ]);
    prop_oneof![
        any::<usize>().prop_map(Edit::DeleteLine),
        any::<usize>().prop_map(Edit::RepeatLine),
        (any::<usize>(), chars).prop_map(|(i, c)| Edit::Insert(i, c)),
        any::<usize>().prop_map(Edit::Truncate),
    ]
}

fn apply(text: &str, edits: &[Edit]) -> String {
    let mut text = text.to_owned();
    for e in edits {
        let mut lines: Vec<String> = text.lines().map(str::to_owned).collect();
        match *e {
            Edit::DeleteLine(i) if !lines.is_empty() => {
                lines.remove(i % lines.len());
            }
            Edit::RepeatLine(i) if !lines.is_empty() => {
                let l = lines[i % lines.len()].clone();
                lines.insert(i % lines.len(), l);
            }
            Edit::Insert(i, c) => {
                let at = char_boundary(&text, i);
                text.insert(at, c);
                continue;
            }
            Edit::Truncate(i) => {
                let at = char_boundary(&text, i);
                text.truncate(at.max(text.len() / 2));
                continue;
            }
            _ => {}
        }
        text = lines.join("\n") + "\n";
    }
    text
}

fn char_boundary(text: &str, i: usize) -> usize {
    let mut at = i % (text.len() + 1);
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn mangled_use_cases_never_panic_and_findings_point_inside_the_file(
        edits in prop::collection::vec(edit(), 1..6)
    ) {
        let original = std::fs::read_to_string(fixtures().join("rules/schema/valid-every-field.yaml")).unwrap();
        let text = apply(&original, &edits);
        let laid = base();
        std::fs::create_dir_all(laid.root().join("use-cases")).unwrap();
        std::fs::write(laid.root().join("use-cases/mangled.yaml"), &text).unwrap();
        let checked = check_at(laid.root());
        let report = &checked.report;
        for d in &report.diagnostics {
            let file = report.sources.get(d.span.file);
            prop_assert!(d.span.start <= d.span.end, "{d:?}");
            prop_assert!(d.span.end as usize <= file.text.len(), "{d:?} beyond {}", file.rel_path);
            prop_assert!(file.text.is_char_boundary(d.span.start as usize), "{d:?}");
            prop_assert!(casebook::rules::find(d.rule).is_some(), "{d:?}");
        }
        // Rendering every finding must not panic either.
        let shown = human(report, false);
        prop_assert!(shown.contains("casebook: "));
        let _ = json(report);
    }
}

#[test]
fn edits_apply_as_described() {
    let text = "a: 1\nb: 2\n";
    assert_eq!(apply(text, &[Edit::DeleteLine(0)]), "b: 2\n");
    assert_eq!(apply(text, &[Edit::RepeatLine(1)]), "a: 1\nb: 2\nb: 2\n");
    assert_eq!(apply(text, &[Edit::Insert(1, 'é')]), "aé: 1\nb: 2\n");
}
