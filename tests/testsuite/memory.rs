//! `casebook check` builds each use case's flow graph, runs the rules on it and drops it
//! (`casebook::check_report`), where the library's `check` keeps every graph for the handbook,
//! `stats` and the editor: both must give the same report, finding for finding.

use crate::rules::{lay, today};
use crate::support::fixtures;
use casebook::diagnostic::render::{self, Format, RenderOptions};
use casebook::{CheckOptions, check, check_report};

#[test]
fn check_report_gives_the_report_of_check_on_every_rule_fixture() {
    let mut fixtures_seen = 0;
    let mut findings_seen = 0;
    let mut rules: Vec<_> = std::fs::read_dir(fixtures().join("rules"))
        .expect("the rule fixtures")
        .map(|e| e.expect("an entry").path())
        .collect();
    rules.sort();
    for rule in rules {
        let mut cases: Vec<_> = std::fs::read_dir(&rule)
            .expect("a rule's fixtures")
            .map(|e| e.expect("an entry").path())
            .collect();
        cases.sort();
        for case in cases {
            let laid = lay(&case);
            let options = CheckOptions { today: today() };
            let kept = check(laid.root(), options).expect("the catalogue loads");
            let lean = check_report(laid.root(), options).expect("the catalogue loads");
            assert_eq!(kept.facts.flows.len(), kept.catalogue.use_cases.len());
            assert!(lean.facts.flows.is_empty(), "{}", case.display());
            for format in [Format::Json, Format::Human] {
                let opts = RenderOptions::default();
                assert_eq!(
                    render::render(&lean.report, format, &opts),
                    render::render(&kept.report, format, &opts),
                    "{}",
                    case.display()
                );
            }
            assert_eq!(
                lean.report.suppressed,
                kept.report.suppressed,
                "{}",
                case.display()
            );
            fixtures_seen += 1;
            findings_seen += kept.report.diagnostics.len();
        }
    }
    // The comparison ran on real reports, not on nothing.
    assert!(fixtures_seen > 50, "{fixtures_seen} fixtures");
    assert!(findings_seen > 50, "{findings_seen} findings");
}
