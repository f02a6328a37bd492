//! Tests of the editor intelligence on real catalogues: small ones written here, and a copy of
//! the sample catalogue. Each test checks a catalogue from disk, as `casebook lsp` does with the
//! editor's texts written over the files.

use super::*;
use crate::diagnostic::Diagnostic;
use crate::engine::{CheckOptions, check};
use crate::model::Date;
use std::path::Path;

const CASEBOOK: &str = "name: Test\nrules:\n  handoff-budget: warning\n";

const ORGANISATION: &str = "\
departments:
  - id: customer-service
    name: Customer Service
    teams:
      - id: contact-centre
        name: Contact centre
        lane: frontstage
  - id: finance
    name: Finance
    teams:
      - id: billing
        name: Billing
        lane: backstage
systems:
  - id: crm
    name: Customer relationship management
    access: [contact-centre]
";

const CHANNELS: &str = "\
channels:
  - id: phone
    name: Phone
    kind: voice
    synchronous: true
  - id: email
    name: Email
    kind: email
";

const INFORMATION: &str = "\
information:
  - id: invoice-number
    name: Invoice number
    stored_in: crm
  - id: credit-note
    name: Credit note
";

/// A use case with a silo break: billing needs the invoice number, which is kept in the CRM
/// that billing cannot read, and nothing carries it.
const DISPUTE: &str = "\
id: dispute
title: A client disputes an invoice
domain: billing
owner: billing
status: draft
trigger: The client thinks the invoice is wrong.
outcome: The invoice is corrected.
steps:
  - id: call
    title: Client calls
    actor: customer
    channel: phone
    gives: [invoice-number]
    next: log
  - id: log
    title: Agent logs the dispute
    actor: contact-centre
    channel: phone
    system: crm
    needs: [invoice-number]
    next: investigate
  - id: investigate
    title: Billing vérifie la facture ✓
    actor: billing
    needs: [invoice-number]
    gives: [credit-note]
    next:
      - to: done
        when: always
  - id: done
    end: resolved
";

/// A second use case calling the first.
const REFUND: &str = "\
id: refund
title: A client asks for a refund
domain: billing
owner: contact-centre
status: draft
trigger: The client wants money back.
outcome: The client is refunded.
steps:
  - id: ask
    title: Client asks by email
    actor: customer
    channel: email
    next: handle
  - id: handle
    title: Agent handles it
    actor: contact-centre
    channel: email
    calls: dispute
    next: done
  - id: done
    end: refunded
";

/// A catalogue in a temporary folder.
struct Cat {
    dir: tempfile::TempDir,
}

impl Cat {
    fn new(use_cases: &[(&str, &str)]) -> Cat {
        let dir = tempfile::tempdir().unwrap();
        for (name, text) in [
            ("casebook.yaml", CASEBOOK),
            ("organisation.yaml", ORGANISATION),
            ("channels.yaml", CHANNELS),
            ("information.yaml", INFORMATION),
        ] {
            std::fs::write(dir.path().join(name), text).unwrap();
        }
        let cat = Cat { dir };
        for (path, text) in use_cases {
            cat.write(&format!("use-cases/{path}"), text);
        }
        cat
    }

    fn small() -> Cat {
        Cat::new(&[("billing/dispute.yaml", DISPUTE), ("billing/refund.yaml", REFUND)])
    }

    fn sample() -> Cat {
        let dir = tempfile::tempdir().unwrap();
        copy_tree(
            &Path::new(env!("CARGO_MANIFEST_DIR")).join("catalogue"),
            dir.path(),
        );
        Cat { dir }
    }

    /// A copy of `other`'s files in this folder.
    fn with(self, other: &Cat) -> Cat {
        copy_tree(other.dir.path(), self.dir.path());
        self
    }

    fn write(&self, rel: &str, text: &str) {
        let path = self.dir.path().join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }

    fn read(&self, rel: &str) -> String {
        std::fs::read_to_string(self.dir.path().join(rel)).unwrap()
    }

    fn check(&self) -> Checked {
        check(
            self.dir.path(),
            CheckOptions {
                today: Date::parse("2024-01-01").unwrap(),
            },
        )
        .unwrap()
    }
}

fn copy_tree(from: &Path, to: &Path) {
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            std::fs::create_dir_all(&target).unwrap();
            copy_tree(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

fn file(checked: &Checked, rel: &str) -> FileId {
    checked
        .report
        .sources
        .iter()
        .find(|(_, f)| f.rel_path == rel)
        .unwrap_or_else(|| panic!("no file {rel}"))
        .0
}

/// The byte offset of the `nth` (0-based) occurrence of `needle` in a file, plus `plus`.
fn offset(checked: &Checked, f: FileId, needle: &str, nth: usize, plus: usize) -> u32 {
    let text = &checked.report.sources.get(f).text;
    let at = text
        .match_indices(needle)
        .nth(nth)
        .unwrap_or_else(|| panic!("no {needle} #{nth}"))
        .0;
    (at + plus) as u32
}

/// `file:line:text` of each span, to compare with what a person reads.
fn show(checked: &Checked, spans: &[Span]) -> Vec<String> {
    spans
        .iter()
        .map(|s| {
            let f = checked.report.sources.get(s.file);
            format!(
                "{}:{}:{}",
                f.rel_path,
                f.line_col(s.start).line,
                &f.text[s.start as usize..s.end as usize]
            )
        })
        .collect()
}

const DISPUTE_FILE: &str = "use-cases/billing/dispute.yaml";
const REFUND_FILE: &str = "use-cases/billing/refund.yaml";

#[test]
fn definition_and_references_of_a_team_across_files() {
    let cat = Cat::small();
    let c = cat.check();
    let f = file(&c, DISPUTE_FILE);
    // On `billing` of `actor: billing`, cursor in the middle of the word.
    let at = offset(&c, f, "actor: billing", 0, 10);
    let (symbol, span) = symbol_at(&c, f, at).unwrap();
    assert_eq!(
        symbol,
        Symbol {
            kind: SymbolKind::Team,
            id: "billing".into(),
            use_case: None
        }
    );
    assert_eq!(show(&c, &[span]), [format!("{DISPUTE_FILE}:24:billing")]);
    assert_eq!(show(&c, &definition(&c, f, at)), ["organisation.yaml:11:billing"]);
    assert_eq!(
        show(&c, &references(&c, f, at, false)),
        [
            format!("{DISPUTE_FILE}:4:billing"),
            format!("{DISPUTE_FILE}:24:billing")
        ]
    );
    let all = references(&c, f, at, true);
    assert_eq!(all.len(), 3);
    assert_eq!(show(&c, &all[..1]), ["organisation.yaml:11:billing"]);
    // From the definition, the same list.
    let org = file(&c, "organisation.yaml");
    let def = offset(&c, org, "id: billing", 0, 4);
    assert_eq!(references(&c, org, def, true), all);
    // The cursor just after the id still finds it; on a key, nothing.
    assert!(symbol_at(&c, f, at + 4).is_some());
    assert!(symbol_at(&c, f, offset(&c, f, "actor: billing", 0, 1)).is_none());
}

#[test]
fn every_id_kind_resolves() {
    let cat = Cat::small();
    let c = cat.check();
    let d = file(&c, DISPUTE_FILE);
    let r = file(&c, REFUND_FILE);
    let cases: &[(FileId, &str, usize, SymbolKind, &str)] = &[
        (
            d,
            "channel: phone",
            9,
            SymbolKind::Channel,
            "channels.yaml:2:phone",
        ),
        (
            d,
            "system: crm",
            8,
            SymbolKind::System,
            "organisation.yaml:15:crm",
        ),
        (
            d,
            "gives: [invoice-number]",
            9,
            SymbolKind::Item,
            "information.yaml:2:invoice-number",
        ),
        (
            d,
            "next: log",
            6,
            SymbolKind::Step,
            &format!("{DISPUTE_FILE}:15:log"),
        ),
        (
            d,
            "to: done",
            4,
            SymbolKind::Step,
            &format!("{DISPUTE_FILE}:30:done"),
        ),
        (
            r,
            "calls: dispute",
            7,
            SymbolKind::UseCase,
            &format!("{DISPUTE_FILE}:1:dispute"),
        ),
        (
            r,
            "next: done",
            6,
            SymbolKind::Step,
            &format!("{REFUND_FILE}:20:done"),
        ),
    ];
    for &(f, needle, plus, kind, def) in cases {
        let at = offset(&c, f, needle, 0, plus);
        let (symbol, _) = symbol_at(&c, f, at).unwrap_or_else(|| panic!("{needle}"));
        assert_eq!(symbol.kind, kind, "{needle}");
        assert_eq!(show(&c, &definition(&c, f, at)), [def], "{needle}");
    }
    // `stored_in` and `access` are references too.
    let info = file(&c, "information.yaml");
    let at = offset(&c, info, "stored_in: crm", 0, 11);
    assert_eq!(references(&c, info, at, false).len(), 2);
    let org = file(&c, "organisation.yaml");
    let at = offset(&c, org, "access: [contact-centre]", 0, 9);
    assert_eq!(
        show(&c, &definition(&c, org, at)),
        ["organisation.yaml:5:contact-centre"]
    );
    // A department is defined, and referred to by nothing.
    let at = offset(&c, org, "finance", 0, 0);
    assert_eq!(symbol_at(&c, org, at).unwrap().0.kind, SymbolKind::Department);
    assert_eq!(references(&c, org, at, false), []);
    // The customer and rule ids have no definition, but their uses are found.
    let at = offset(&c, d, "actor: customer", 0, 7);
    assert_eq!(definition(&c, d, at), []);
    assert_eq!(
        show(&c, &references(&c, d, at, true)),
        [
            format!("{DISPUTE_FILE}:11:customer"),
            format!("{REFUND_FILE}:11:customer")
        ]
    );
    let cb = file(&c, "casebook.yaml");
    let at = offset(&c, cb, "handoff-budget", 0, 0);
    assert_eq!(symbol_at(&c, cb, at).unwrap().0.kind, SymbolKind::Rule);
    assert_eq!(definition(&c, cb, at), []);
}

#[test]
fn steps_are_scoped_to_their_use_case() {
    let cat = Cat::small();
    let c = cat.check();
    let d = file(&c, DISPUTE_FILE);
    // `done` in dispute is not `done` in refund.
    let at = offset(&c, d, "to: done", 0, 4);
    assert_eq!(
        show(&c, &references(&c, d, at, true)),
        [
            format!("{DISPUTE_FILE}:28:done"),
            format!("{DISPUTE_FILE}:30:done")
        ]
    );
}

/// Applies the edits of every file and writes the files back.
fn apply_all(cat: &Cat, checked: &Checked, edits: &[TextEdit]) {
    let mut files: Vec<FileId> = edits.iter().map(|e| e.span.file).collect();
    files.sort();
    files.dedup();
    for f in files {
        let source = checked.report.sources.get(f);
        cat.write(&source.rel_path, &apply_edits(&source.text, f, edits));
    }
}

#[test]
fn rename_changes_every_occurrence_and_the_catalogue_stays_clean() {
    let cat = Cat::small();
    let c = cat.check();
    let before: Vec<&str> = c.report.diagnostics.iter().map(|d| d.rule).collect();
    let d = file(&c, DISPUTE_FILE);
    let at = offset(&c, d, "owner: billing", 0, 8);
    assert_eq!(
        show(&c, &[prepare_rename(&c, d, at).unwrap()]),
        [format!("{DISPUTE_FILE}:4:billing")]
    );
    let edits = rename(&c, d, at, "accounts").unwrap();
    assert_eq!(edits.len(), 3);
    apply_all(&cat, &c, &edits);
    assert!(cat.read("organisation.yaml").contains("- id: accounts\n"));
    assert!(cat.read(DISPUTE_FILE).contains("owner: accounts\n"));
    assert!(cat.read(DISPUTE_FILE).contains("actor: accounts\n"));
    let after = cat.check();
    let rules: Vec<&str> = after.report.diagnostics.iter().map(|d| d.rule).collect();
    assert_eq!(rules, before, "the rename changes no finding");

    // A step: its definition, `next` and `to` references, and nothing in the other use case.
    let c = after;
    let d = file(&c, DISPUTE_FILE);
    let at = offset(&c, d, "id: done", 0, 5);
    let edits = rename(&c, d, at, "closed").unwrap();
    assert_eq!(edits.len(), 2);
    assert!(edits.iter().all(|e| e.span.file == d));
    apply_all(&cat, &c, &edits);
    assert!(cat.read(REFUND_FILE).contains("next: done"));
    let rules: Vec<&str> = cat.check().report.diagnostics.iter().map(|d| d.rule).collect();
    assert_eq!(rules, before);
}

#[test]
fn rename_of_a_use_case_an_item_and_a_system() {
    let cat = Cat::small();
    let c = cat.check();
    let before: Vec<&str> = c.report.diagnostics.iter().map(|d| d.rule).collect();
    let r = file(&c, REFUND_FILE);
    let edits = rename(&c, r, offset(&c, r, "calls: dispute", 0, 8), "invoice-dispute").unwrap();
    assert_eq!(
        show(&c, &edits.iter().map(|e| e.span).collect::<Vec<_>>()).len(),
        2
    );
    apply_all(&cat, &c, &edits);
    assert!(cat.read(DISPUTE_FILE).starts_with("id: invoice-dispute\n"));
    assert!(cat.read(REFUND_FILE).contains("calls: invoice-dispute\n"));
    let c = cat.check();
    let d = file(&c, DISPUTE_FILE);
    let edits = rename(
        &c,
        d,
        offset(&c, d, "needs: [invoice-number]", 1, 9),
        "invoice-ref",
    )
    .unwrap();
    // information.yaml, gives, needs twice.
    assert_eq!(edits.len(), 4);
    apply_all(&cat, &c, &edits);
    let c = cat.check();
    let info = file(&c, "information.yaml");
    let edits = rename(&c, info, offset(&c, info, "stored_in: crm", 0, 11), "client-db").unwrap();
    // organisation.yaml, information.yaml, the step's system.
    assert_eq!(edits.len(), 3);
    apply_all(&cat, &c, &edits);
    let after: Vec<&str> = cat.check().report.diagnostics.iter().map(|d| d.rule).collect();
    assert_eq!(after, before);
    assert!(
        cat.read("information.yaml")
            .contains("  - id: invoice-ref\n    name: Invoice number\n    stored_in: client-db\n")
    );
}

#[test]
fn rename_refuses_collisions_invalid_names_and_fixed_ids() {
    let cat = Cat::small();
    let c = cat.check();
    let d = file(&c, DISPUTE_FILE);
    let team = offset(&c, d, "actor: billing", 0, 7);
    assert_eq!(
        rename(&c, d, team, "contact-centre"),
        Err(RenameError::Taken("contact-centre".into(), "team"))
    );
    // The same name as a step or an item is no collision: another kind.
    assert!(rename(&c, d, team, "invoice-number").is_ok());
    assert!(matches!(
        rename(&c, d, team, "customer"),
        Err(RenameError::Taken(..))
    ));
    for bad in ["Billing", "", "-x", "a b", "façade", &"x".repeat(65)] {
        assert_eq!(
            rename(&c, d, team, bad),
            Err(RenameError::InvalidId(bad.to_owned())),
            "{bad}"
        );
    }
    // Steps collide within their use case only.
    let step = offset(&c, d, "id: log", 0, 4);
    assert_eq!(
        rename(&c, d, step, "call"),
        Err(RenameError::Taken("call".into(), "step"))
    );
    assert!(
        rename(&c, d, step, "ask").is_ok(),
        "`ask` is a step of another use case"
    );
    // `customer`, rule ids and keys cannot be renamed.
    let customer = offset(&c, d, "actor: customer", 0, 8);
    assert_eq!(prepare_rename(&c, d, customer), None);
    assert_eq!(rename(&c, d, customer, "client"), Err(RenameError::NothingHere));
    let cb = file(&c, "casebook.yaml");
    let rule = offset(&c, cb, "handoff-budget", 0, 2);
    assert_eq!(prepare_rename(&c, cb, rule), None);
    assert_eq!(rename(&c, d, 0, "x"), Err(RenameError::NothingHere));
    // Renaming to the same name changes nothing.
    assert_eq!(rename(&c, d, team, "billing"), Ok(Vec::new()));
}

fn labels(items: &[Completion]) -> Vec<&str> {
    items.iter().map(|c| c.label.as_str()).collect()
}

/// A use case being typed, with `|` for the cursor: the file on disk holds it without the bar.
fn typing(cat: &Cat, rel: &str, with_cursor: &str) -> (Checked, FileId, u32) {
    let at = with_cursor.find('|').unwrap();
    cat.write(rel, &with_cursor.replacen('|', "", 1));
    let c = cat.check();
    let f = file(&c, rel);
    (c, f, at as u32)
}

#[test]
fn completion_of_ids_in_half_typed_yaml() {
    let cat = Cat::small();
    let rel = "use-cases/billing/new.yaml";
    // Not valid YAML (an unclosed list), and the cursor after non-ASCII text on the line above.
    let head = "id: new\ntitle: Un client dépose une réclamation ✉️\nsteps:\n  - id: first\n    title: Première étape\n";
    let (c, f, at) = typing(&cat, rel, &format!("{head}    actor: bi|\n    needs: [inv\n"));
    assert!(c.report.diagnostics.iter().any(|d| d.rule == "yaml-syntax"));
    let items = completions(&c, f, at);
    assert_eq!(labels(&items), ["customer", "contact-centre", "billing"]);
    let billing = &items[2];
    assert_eq!(billing.kind, CompletionKind::Id(SymbolKind::Team));
    assert_eq!(billing.detail.as_deref(), Some("Billing"));
    let doc = billing.documentation.as_deref().unwrap();
    assert!(doc.contains("organisation.yaml:11"), "{doc}");
    assert!(doc.contains("Finance"), "{doc}");
    // The partial word is what the completion replaces, in bytes after the accents.
    let text = &c.report.sources.get(f).text;
    assert_eq!(
        &text[billing.replace.start as usize..billing.replace.end as usize],
        "bi"
    );

    // Inside an inline list.
    let (c, f, at) = typing(&cat, rel, &format!("{head}    needs: [credit-note, inv|\n"));
    let items = completions(&c, f, at);
    assert_eq!(labels(&items), ["invoice-number", "credit-note"]);
    assert!(items[0].documentation.as_deref().unwrap().contains("Stored in"));
    // Multi-byte text before the cursor on the same line.
    let (c, f, at) = typing(&cat, rel, &format!("{head}    needs: [\"été ✓\", inv|\n"));
    let items = completions(&c, f, at);
    assert_eq!(labels(&items), ["invoice-number", "credit-note"]);
    let text = &c.report.sources.get(f).text;
    assert_eq!(
        &text[items[0].replace.start as usize..items[0].replace.end as usize],
        "inv"
    );
    // The owner is a team: not the customer.
    let (c, f, at) = typing(&cat, rel, "id: new\nowner: |\n");
    assert_eq!(labels(&completions(&c, f, at)), ["contact-centre", "billing"]);
    // A block list item, and a `next` entry's `to` and `carries`.
    let (c, f, at) = typing(&cat, rel, &format!("{head}    gives:\n      - |\n"));
    assert_eq!(labels(&completions(&c, f, at)), ["invoice-number", "credit-note"]);
    let body = "    next:\n      - to: |\n        carries: []\n  - id: second\n    title: Deuxième\n  - id: third\n    end: done\n";
    let (c, f, at) = typing(&cat, rel, &format!("{head}{body}"));
    let items = completions(&c, f, at);
    assert_eq!(labels(&items), ["first", "second", "third"]);
    assert_eq!(items[1].detail.as_deref(), Some("Deuxième"));
    let (c, f, at) = typing(
        &cat,
        rel,
        &format!(
            "{head}{}",
            body.replace("to: |", "to: second").replace("[]", "[|]")
        ),
    );
    assert_eq!(labels(&completions(&c, f, at)), ["invoice-number", "credit-note"]);
    // Channels, systems, use cases, the start step, rule ids.
    for (line, expected) in [
        ("    channel: |", vec!["phone", "email"]),
        ("    system: |", vec!["crm"]),
        ("    calls: d|", vec!["dispute", "refund"]),
        ("    recovery: |", vec!["first"]),
        ("    next: |", vec!["first"]),
    ] {
        let (c, f, at) = typing(&cat, rel, &format!("{head}{line}\n"));
        assert_eq!(labels(&completions(&c, f, at)), expected, "{line}");
    }
    let (c, f, at) = typing(&cat, rel, &format!("{head}    allow: [silo|\n"));
    let items = completions(&c, f, at);
    assert!(labels(&items).contains(&"silo-break"));
    assert_eq!(items.len(), crate::rules::ids().count());
    let (c, f, at) = typing(&cat, rel, &format!("start: fi|\n{head}"));
    assert_eq!(labels(&completions(&c, f, at)), ["first"]);
}

#[test]
fn completion_of_fields_and_values_from_the_schemas() {
    let cat = Cat::small();
    let rel = "use-cases/billing/new.yaml";
    let (c, f, at) = typing(&cat, rel, "id: new\nsteps:\n  - id: a\n    title: A\n    ac|\n");
    let items = completions(&c, f, at);
    let names = labels(&items);
    assert!(
        names.contains(&"actor") && names.contains(&"fail_point"),
        "{names:?}"
    );
    assert!(
        !names.contains(&"id") && !names.contains(&"title"),
        "written fields are not offered"
    );
    let actor = items.iter().find(|i| i.label == "actor").unwrap();
    assert_eq!(actor.kind, CompletionKind::Field);
    assert!(actor.documentation.as_deref().unwrap().contains("a team id"));
    // Top-level fields.
    let (c, f, at) = typing(&cat, rel, "id: new\nst|\n");
    let names = labels(&completions(&c, f, at)).join(" ");
    assert!(names.contains("status") && names.contains("steps") && !names.contains("actor"));
    // Enum values.
    let (c, f, at) = typing(&cat, rel, "id: new\nstatus: |\n");
    assert_eq!(
        labels(&completions(&c, f, at)),
        ["draft", "in-review", "reviewed", "retired"]
    );
    let (c, f, at) = typing(&cat, rel, "steps:\n  - id: a\n    lane: |\n");
    assert_eq!(
        labels(&completions(&c, f, at)),
        ["customer", "frontstage", "backstage", "support"]
    );
    let (c, f, at) = typing(&cat, rel, "steps:\n  - id: a\n    fail_point: |\n");
    assert_eq!(labels(&completions(&c, f, at)), ["true", "false"]);
    // An inline mapping.
    let (c, f, at) = typing(
        &cat,
        rel,
        "steps:\n  - id: a\n    satisfaction: { staff: 2, | }\n",
    );
    assert_eq!(labels(&completions(&c, f, at)), ["customer", "management"]);
    // A new `next` entry: its fields (a bare id there is a schema error).
    let (c, f, at) = typing(&cat, rel, "steps:\n  - id: a\n    next:\n      - |\n");
    assert_eq!(
        labels(&completions(&c, f, at)),
        ["carries", "default", "message", "to", "when"]
    );
    // A new step: the fields of a step, the parallel split and join among them.
    let (c, f, at) = typing(&cat, rel, "id: new\nsteps:\n  - id: a\n  - |\n");
    let items = completions(&c, f, at);
    let names = labels(&items);
    assert!(
        names.contains(&"recovery") && names.contains(&"parallel") && names.contains(&"join"),
        "{names:?}"
    );
    let (c, f, at) = typing(&cat, rel, "steps:\n  - id: a\n    join: |\n");
    assert_eq!(labels(&completions(&c, f, at)), ["any", "all"]);
    // casebook.yaml: rule ids under `rules:`, severities as their values.
    cat.write(rel, DISPUTE);
    let (c, f, at) = typing(
        &cat,
        "casebook.yaml",
        "name: Test\nrules:\n  handoff-budget: warning\n  sil|\n",
    );
    let items = completions(&c, f, at);
    let names = labels(&items);
    assert!(
        names.contains(&"silo-break") && !names.contains(&"handoff-budget"),
        "{names:?}"
    );
    let (c, f, at) = typing(&cat, "casebook.yaml", "name: Test\nrules:\n  silo-break: |\n");
    assert_eq!(
        labels(&completions(&c, f, at)),
        ["off", "info", "warning", "error"]
    );
    let (c, f, at) = typing(
        &cat,
        "casebook.yaml",
        "name: Test\nrules:\n  handoff-budget: { max: 3, severity: | }\n",
    );
    assert_eq!(
        labels(&completions(&c, f, at)),
        ["off", "info", "warning", "error"]
    );
    let (c, f, at) = typing(
        &cat,
        "casebook.yaml",
        "name: Test\nrules:\n  handoff-budget: { max: 3, | }\n",
    );
    assert_eq!(labels(&completions(&c, f, at)), ["severity"]);
    let (c, f, at) = typing(&cat, "casebook.yaml", "name: Test\nlanguage: |\n");
    assert_eq!(labels(&completions(&c, f, at)), ["en", "fr"]);
    // organisation.yaml: teams for `access`, the customer excluded.
    let org = ORGANISATION.replace("access: [contact-centre]", "access: [contact-centre, |]");
    let (c, f, at) = typing(&cat, "organisation.yaml", &org);
    assert_eq!(labels(&completions(&c, f, at)), ["contact-centre", "billing"]);
}

#[test]
fn completion_on_the_sample_catalogue() {
    let cat = Cat::sample();
    let c = cat.check();
    let (f, source) = c
        .report
        .sources
        .iter()
        .find(|(_, s)| s.rel_path.starts_with("use-cases/") && s.text.contains("    actor: "))
        .unwrap();
    let at = source.text.find("    actor: ").unwrap() + 11;
    let items = completions(&c, f, at as u32);
    assert_eq!(items.len(), c.catalogue.teams.len() + 1);
    assert!(
        items
            .iter()
            .all(|i| i.detail.is_some() && i.documentation.is_some())
    );
}

#[test]
fn hover_says_what_an_id_or_a_field_is() {
    let cat = Cat::small();
    let c = cat.check();
    let d = file(&c, DISPUTE_FILE);
    let h = hover(&c, d, offset(&c, d, "actor: billing", 0, 9)).unwrap();
    assert!(h.markdown.contains("**Billing**"), "{}", h.markdown);
    assert!(
        h.markdown.contains("Department: Finance · lane: backstage"),
        "{}",
        h.markdown
    );
    assert_eq!(show(&c, &[h.span]), [format!("{DISPUTE_FILE}:24:billing")]);
    let h = hover(&c, d, offset(&c, d, "needs: [invoice-number]", 0, 9)).unwrap();
    assert!(h.markdown.contains("**Invoice number**"), "{}", h.markdown);
    assert!(
        h.markdown
            .contains("Stored in: Customer relationship management (`crm`)"),
        "{}",
        h.markdown
    );
    let h = hover(&c, d, offset(&c, d, "channel: phone", 0, 9)).unwrap();
    assert!(h.markdown.contains("Kind: voice, synchronous"), "{}", h.markdown);
    let h = hover(&c, d, offset(&c, d, "next: log", 0, 6)).unwrap();
    assert!(
        h.markdown.contains("**Agent logs the dispute**"),
        "{}",
        h.markdown
    );
    assert!(
        h.markdown.contains("Actor: `contact-centre` (Contact centre)"),
        "{}",
        h.markdown
    );
    let r = file(&c, REFUND_FILE);
    let h = hover(&c, r, offset(&c, r, "calls: dispute", 0, 8)).unwrap();
    assert!(
        h.markdown.contains("**A client disputes an invoice**"),
        "{}",
        h.markdown
    );
    let h = hover(&c, d, offset(&c, d, "actor: customer", 0, 9)).unwrap();
    assert!(
        h.markdown.starts_with("**The customer** (actor `customer`)"),
        "{}",
        h.markdown
    );
    assert!(h.markdown.contains("no file defines it"), "{}", h.markdown);
    // A rule id: its documentation.
    let cb = file(&c, "casebook.yaml");
    let h = hover(&c, cb, offset(&c, cb, "handoff-budget", 0, 3)).unwrap();
    assert!(h.markdown.contains("## What it does"), "{}", h.markdown);
    // A key: the schema's description.
    let h = hover(&c, d, offset(&c, d, "trigger:", 0, 2)).unwrap();
    assert!(h.markdown.contains("What starts the use case."), "{}", h.markdown);
    assert_eq!(show(&c, &[h.span]), [format!("{DISPUTE_FILE}:6:trigger")]);
    let h = hover(&c, d, offset(&c, d, "    system: crm", 0, 5)).unwrap();
    assert!(h.markdown.contains("is recorded"), "{}", h.markdown);
    let h = hover(&c, d, offset(&c, d, "status: draft", 0, 1)).unwrap();
    assert!(
        h.markdown.contains("Values: draft, in-review, reviewed, retired"),
        "{}",
        h.markdown
    );
    // Nothing on a title's text.
    assert_eq!(hover(&c, d, offset(&c, d, "Client calls", 0, 2)), None);
}

/// Applies `action`, re-checks, and asserts that the finding it fixes is gone, and that the files
/// it touched have no new yaml-syntax, schema or unused-allow finding.
fn apply_and_recheck(cat: &Cat, c: &Checked, action: &CodeAction) -> Checked {
    let fixed = &c.report.diagnostics[action.fixes.expect("fixes a finding")];
    apply_all(cat, c, &action.edits);
    let after = cat.check();
    let touched: Vec<String> = action
        .edits
        .iter()
        .map(|e| c.report.sources.get(e.span.file).rel_path.clone())
        .collect();
    let was_there = |d: &Diagnostic| {
        c.report
            .diagnostics
            .iter()
            .any(|b| b.rule == d.rule && b.message == d.message)
    };
    for d in &after.report.diagnostics {
        let path = &after.report.sources.get(d.span.file).rel_path;
        if touched.contains(path) && !was_there(d) {
            assert!(
                !["yaml-syntax", "schema", "unused-allow"].contains(&d.rule),
                "{}: {} {}\n{}",
                action.title,
                d.rule,
                d.message,
                cat.read(path)
            );
        }
        assert!(
            !(d.rule == fixed.rule && d.message == fixed.message),
            "{}: the finding is still there: {}\n{}",
            action.title,
            d.message,
            cat.read(path)
        );
    }
    after
}

/// The code actions for the first finding of `rule`.
fn actions_for(c: &Checked, rule: &str) -> Vec<CodeAction> {
    let d = c
        .report
        .diagnostics
        .iter()
        .find(|d| d.rule == rule)
        .unwrap_or_else(|| panic!("no {rule}"));
    code_actions(c, d.span.file, d.span)
}

#[test]
fn did_you_mean_fixes_an_unknown_reference() {
    let cat = Cat::new(&[
        ("billing/dispute.yaml", DISPUTE),
        (
            "billing/refund.yaml",
            &REFUND.replace("actor: contact-centre", "actor: \"contact-center\""),
        ),
    ]);
    let c = cat.check();
    let actions = actions_for(&c, "unknown-reference");
    assert_eq!(actions.len(), 1, "a format finding has no allow: {actions:?}");
    assert_eq!(actions[0].title, "Replace `contact-center` with `contact-centre`");
    assert!(actions[0].preferred);
    apply_and_recheck(&cat, &c, &actions[0]);
    assert!(cat.read(REFUND_FILE).contains("actor: \"contact-centre\"\n"));
    // An unknown reference with no close id has no fix.
    cat.write(
        REFUND_FILE,
        &REFUND.replace("channel: email\n    calls", "channel: carrier-pigeon\n    calls"),
    );
    let c = cat.check();
    assert_eq!(actions_for(&c, "unknown-reference"), []);
}

#[test]
fn did_you_mean_fixes_a_misspelt_field_or_value() {
    let dispute = DISPUTE
        .replace("    actor: billing\n", "    actr: billing\n")
        .replace("status: draft", "status: 'drafts'");
    let cat = Cat::new(&[("billing/dispute.yaml", &dispute)]);
    let c = cat.check();
    let schema: Vec<(usize, &Diagnostic)> = c
        .report
        .diagnostics
        .iter()
        .enumerate()
        .filter(|(_, d)| d.rule == "schema")
        .collect();
    // The two misspellings, and the `actor` that the step misses (fixed with `actr`).
    assert_eq!(schema.len(), 3, "{schema:?}");
    let mut titles = Vec::new();
    for (i, d) in &schema {
        for a in code_actions(&c, d.span.file, d.span) {
            if a.fixes == Some(*i) {
                assert!(a.preferred);
                titles.push(a.title.clone());
                // Each fix alone, on a copy.
                let copy = Cat {
                    dir: tempfile::tempdir().unwrap(),
                }
                .with(&cat);
                apply_and_recheck(&copy, &c, &a);
            }
        }
    }
    titles.sort();
    assert_eq!(
        titles,
        ["Replace `actr` with `actor`", "Replace `drafts` with `draft`"]
    );
    // Both: a clean file.
    let all: Vec<TextEdit> = schema
        .iter()
        .flat_map(|(_, d)| code_actions(&c, d.span.file, d.span))
        .filter(|a| a.preferred)
        .flat_map(|a| a.edits)
        .collect();
    apply_all(&cat, &c, &all);
    let after = cat.check();
    assert!(!after.report.diagnostics.iter().any(|d| d.rule == "schema"));
    assert!(cat.read(DISPUTE_FILE).contains("status: 'draft'\n"));
}

#[test]
fn carries_fixes_a_silo_break_in_every_shape_of_next() {
    let log_next = "    next: investigate\n  - id: investigate";
    let variants = [
        // `next: investigate`: the step that hands over carries it.
        (log_next.to_owned(), "    system: crm\n    needs: [invoice-number]\n    next: investigate\n"),
        // A `next` entry without carries.
        (
            "    next:\n      - to: investigate\n        when: always\n  - id: investigate".to_owned(),
            "      - to: investigate\n        carries: [invoice-number]\n        when: always\n",
        ),
        // A `next` entry carrying something else already, inline and as a block.
        (
            "    next:\n      - to: investigate\n        carries: [credit-note]\n  - id: investigate".to_owned(),
            "carries: [credit-note, invoice-number]\n",
        ),
        (
            "    next:\n      - to: investigate\n        carries:\n          - credit-note\n  - id: investigate".to_owned(),
            "        carries:\n          - credit-note\n          - invoice-number\n",
        ),
        // The step carries something already.
        (
            "    carries: [credit-note]\n    next: investigate\n  - id: investigate".to_owned(),
            "    carries: [credit-note, invoice-number]\n",
        ),
    ];
    for (next, expected) in variants {
        let dispute = DISPUTE.replace(log_next, &next);
        let cat = Cat::new(&[("billing/dispute.yaml", &dispute)]);
        let c = cat.check();
        let actions = actions_for(&c, "silo-break");
        let carry = actions.iter().find(|a| a.preferred).expect("a preferred fix");
        assert!(
            carry
                .title
                .starts_with("Carry `invoice-number` over to `investigate`"),
            "{}",
            carry.title
        );
        assert_eq!(actions.iter().filter(|a| a.preferred).count(), 1);
        apply_and_recheck(&cat, &c, carry);
        let text = cat.read(DISPUTE_FILE);
        let expected = if expected.starts_with("    system") {
            "    system: crm\n    needs: [invoice-number]\n    next: investigate\n"
        } else {
            expected
        };
        if next == log_next {
            assert!(
                text.contains("  - id: log\n    carries: [invoice-number]\n"),
                "{text}"
            );
        } else {
            assert!(text.contains(expected), "{text}");
        }
    }
}

#[test]
fn allow_with_a_reason_in_every_shape_of_allow() {
    let investigate = "  - id: investigate\n";
    let variants = [
        // No allow: both keys are added after the step's id.
        (
            "",
            "  - id: investigate\n    allow: [handoff-without-duration]\n    reason: \"TODO",
        ),
        // An inline allow with a reason: the rule is added, the reason kept.
        (
            "    allow: [close-the-loop]\n    reason: the outcome is in the portal\n",
            "    allow: [close-the-loop, handoff-without-duration]\n    reason: the outcome is in the portal\n",
        ),
        // A block allow.
        (
            "    allow:\n      - close-the-loop\n    reason: the outcome is in the portal\n",
            "      - close-the-loop\n      - handoff-without-duration\n",
        ),
        // An empty allow.
        (
            "    allow: []\n    reason: later\n",
            "    allow: [handoff-without-duration]\n",
        ),
    ];
    for (allow, expected) in variants {
        let dispute = DISPUTE.replace(investigate, &format!("{investigate}{allow}"));
        let cat = Cat::new(&[("billing/dispute.yaml", &dispute)]);
        let c = cat.check();
        let actions = actions_for(&c, "handoff-without-duration");
        assert_eq!(actions.len(), 1, "{allow} {actions:?}");
        let action = &actions[0];
        assert_eq!(
            action.title,
            "Allow `handoff-without-duration` on step `investigate` (write the reason)"
        );
        assert!(!action.preferred);
        apply_and_recheck(&cat, &c, action);
        let text = cat.read(DISPUTE_FILE);
        assert!(text.contains(expected), "{text}");
    }
    // A silo-break: both the hand-over note (preferred) and the allow are offered.
    let cat = Cat::small();
    let c = cat.check();
    let actions = actions_for(&c, "silo-break");
    assert_eq!(actions.len(), 2);
    let allow = actions.iter().find(|a| !a.preferred).unwrap();
    apply_and_recheck(&cat, &c, allow);
}

#[test]
fn allow_fixes_one_finding_of_every_rule_of_the_sample() {
    let cat = Cat::sample();
    let mut c = cat.check();
    let mut done: Vec<&str> = Vec::new();
    loop {
        let next = c.report.diagnostics.iter().enumerate().find_map(|(i, d)| {
            if done.contains(&d.rule) {
                return None;
            }
            code_actions(&c, d.span.file, d.span)
                .into_iter()
                .find(|a| a.fixes == Some(i) && a.title.starts_with("Allow"))
                .map(|a| (d.rule, a))
        });
        let Some((rule, action)) = next else { break };
        done.push(rule);
        c = apply_and_recheck(&cat, &c, &action);
    }
    assert!(done.len() >= 10, "{done:?}");
    // Format findings get no allow.
    assert!(
        !done
            .iter()
            .any(|r| crate::rules::find(r).unwrap().group == crate::rules::Group::Format)
    );
}

#[test]
fn no_action_outside_the_range() {
    let cat = Cat::small();
    let c = cat.check();
    let d = file(&c, DISPUTE_FILE);
    let top = Span {
        file: d,
        start: 0,
        end: 10,
    };
    assert_eq!(code_actions(&c, d, top), []);
}

#[test]
fn outline_and_inlay_hints() {
    let cat = Cat::small();
    let c = cat.check();
    let d = file(&c, DISPUTE_FILE);
    let symbols = document_symbols(&c, d);
    assert_eq!(symbols.len(), 1);
    let uc = &symbols[0];
    assert_eq!(
        (uc.name.as_str(), uc.kind),
        ("dispute", DocumentSymbolKind::UseCase)
    );
    assert_eq!(uc.detail.as_deref(), Some("A client disputes an invoice"));
    let steps: Vec<(&str, Option<&str>)> = uc
        .children
        .iter()
        .map(|s| (s.name.as_str(), s.detail.as_deref()))
        .collect();
    assert_eq!(
        steps,
        [
            ("call", Some("Client calls")),
            ("log", Some("Agent logs the dispute")),
            ("investigate", Some("Billing vérifie la facture ✓")),
            ("done", Some("end: resolved")),
        ]
    );
    for s in &uc.children {
        assert!(s.span.start <= s.selection.start && s.selection.end <= s.span.end);
        assert!(uc.span.start <= s.span.start && s.span.end <= uc.span.end);
    }
    let org = file(&c, "organisation.yaml");
    let symbols = document_symbols(&c, org);
    let names: Vec<(&str, usize)> = symbols
        .iter()
        .map(|s| (s.name.as_str(), s.children.len()))
        .collect();
    assert_eq!(names, [("customer-service", 1), ("finance", 1), ("crm", 0)]);
    assert_eq!(symbols[1].children[0].name, "billing");
    // Each entry spans its whole `- id:` item, the department its teams.
    let text = &c.report.sources.get(org).text;
    let finance = &text[symbols[1].span.start as usize..symbols[1].span.end as usize];
    assert!(
        finance.starts_with("- id: finance\n") && finance.ends_with("lane: backstage"),
        "{finance}"
    );
    let billing = &symbols[1].children[0];
    assert_eq!(
        &text[billing.span.start as usize..billing.span.end as usize],
        "- id: billing\n        name: Billing\n        lane: backstage"
    );
    assert_eq!(
        &text[billing.selection.start as usize..billing.selection.end as usize],
        "billing"
    );
    let info = file(&c, "information.yaml");
    assert_eq!(document_symbols(&c, info).len(), 2);
    let channels = file(&c, "channels.yaml");
    assert_eq!(document_symbols(&c, channels)[0].detail.as_deref(), Some("Phone"));

    let all = Span {
        file: d,
        start: 0,
        end: c.report.sources.get(d).text.len() as u32,
    };
    let hints = inlay_hints(&c, d, all);
    let text = &c.report.sources.get(d).text;
    let shown: Vec<String> = hints
        .iter()
        .map(|h| {
            format!(
                "{}|{}",
                &text[text[..h.offset as usize].rfind(' ').unwrap() + 1..h.offset as usize],
                h.label
            )
        })
        .collect();
    assert_eq!(
        shown,
        [
            "contact-centre|Contact centre · Customer Service",
            "billing|Billing · Finance"
        ]
    );
    // Only the steps in the range.
    let first = Span {
        file: d,
        start: 0,
        end: offset(&c, d, "- id: investigate", 0, 0),
    };
    assert_eq!(inlay_hints(&c, d, first).len(), 1);
}

#[test]
fn a_use_case_that_does_not_parse_still_has_an_outline() {
    let cat = Cat::small();
    cat.write(
        DISPUTE_FILE,
        &DISPUTE.replace("gives: [credit-note]", "gives: [credit-note"),
    );
    let c = cat.check();
    let d = file(&c, DISPUTE_FILE);
    let names: Vec<String> = document_symbols(&c, d).into_iter().map(|s| s.name).collect();
    assert_eq!(names, ["call", "log", "investigate", "done"]);
}

#[test]
fn a_file_that_does_not_parse_still_has_definitions_and_hover() {
    let cat = Cat::small();
    // An unclosed list: the file is not YAML, the model has nothing of it.
    cat.write(
        DISPUTE_FILE,
        &DISPUTE.replace("gives: [credit-note]", "gives: [credit-note"),
    );
    let c = cat.check();
    let d = file(&c, DISPUTE_FILE);
    assert!(c.catalogue.use_cases.iter().all(|u| u.file != d));
    let at = offset(&c, d, "actor: billing", 0, 9);
    assert_eq!(show(&c, &definition(&c, d, at)), ["organisation.yaml:11:billing"]);
    assert!(hover(&c, d, at).unwrap().markdown.contains("Department: Finance"));
    let at = offset(&c, d, "next: log", 0, 7);
    assert_eq!(
        symbol_at(&c, d, at).unwrap().0.use_case.as_deref(),
        Some("dispute")
    );
    assert_eq!(
        show(&c, &definition(&c, d, at)),
        [format!("{DISPUTE_FILE}:15:log")]
    );
    // No rename where not every occurrence can be found.
    assert_eq!(prepare_rename(&c, d, at), None);
    // References from the rest of the catalogue are still found.
    let at = offset(&c, d, "actor: contact-centre", 0, 9);
    assert_eq!(
        show(&c, &references(&c, d, at, true)),
        [
            "organisation.yaml:5:contact-centre".to_owned(),
            "organisation.yaml:17:contact-centre".to_owned(),
            format!("{REFUND_FILE}:4:contact-centre"),
            format!("{REFUND_FILE}:16:contact-centre")
        ]
    );
}

/// Nothing panics, whatever the text and wherever the cursor: every function at every offset
/// of files that are not YAML, half-typed, or full of multi-byte characters.
#[test]
fn every_function_answers_at_every_offset_of_bad_text() {
    let texts = [
        "id: x\nsteps:\n  - id: a\n    actor: \"bil\n    needs: [a, \n    - - -\n\t: :\n",
        "é✉️: [\n  - {a: b, c\n'quoted key': \"v\"\n---\n- -\n-\n:\n\"\n",
        "steps:\n- id: ä\n  next:\n  - to: \n    carries: [ü, 😀\n  - id\n",
        "",
        "\n\n   \n",
        "id: y\r\nsteps:\r\n  - id: a\r\n    actor: bi\r\n",
    ];
    let cat = Cat::small();
    for (n, text) in texts.iter().enumerate() {
        let rel = format!("use-cases/bad/{n}.yaml");
        cat.write(&rel, text);
        let c = cat.check();
        let f = file(&c, &rel);
        for at in 0..=text.len() as u32 + 2 {
            let _ = symbol_at(&c, f, at);
            let _ = definition(&c, f, at);
            let _ = references(&c, f, at, true);
            let _ = prepare_rename(&c, f, at);
            let _ = rename(&c, f, at, "new-name");
            let _ = completions(&c, f, at);
            let _ = hover(&c, f, at);
            let range = Span {
                file: f,
                start: at,
                end: at + 3,
            };
            let _ = code_actions(&c, f, range);
            let _ = inlay_hints(&c, f, range);
        }
        let _ = document_symbols(&c, f);
        std::fs::remove_file(cat.dir.path().join(&rel)).unwrap();
    }
    // A file id the catalogue does not have.
    let c = cat.check();
    let none = FileId(999);
    assert_eq!(completions(&c, none, 0), []);
    assert_eq!(hover(&c, none, 0), None);
    assert_eq!(document_symbols(&c, none), []);
    assert_eq!(rename(&c, none, 0, "x"), Err(RenameError::NothingHere));
}

#[test]
fn an_unused_allow_entry_is_removed_in_every_shape() {
    let investigate = "  - id: investigate\n";
    let title = "    title: Billing vérifie la facture ✓\n";
    let variants = [
        // One of two inline entries: the list keeps the other.
        (
            "    allow: [ping-pong, close-the-loop]\n    reason: the outcome is in the portal\n",
            "    allow: [close-the-loop]\n    reason: the outcome is in the portal\n",
        ),
        (
            "    allow: [close-the-loop, ping-pong]\n    reason: the outcome is in the portal\n",
            "    allow: [close-the-loop]\n    reason: the outcome is in the portal\n",
        ),
        // One of two block entries.
        (
            "    allow:\n      - ping-pong\n      - close-the-loop\n    reason: portal\n",
            "    allow:\n      - close-the-loop\n    reason: portal\n",
        ),
        // The only entry: `allow:` and its `reason:` go, whatever their shape.
        ("    allow: [ping-pong]\n    reason: no reason\n", ""),
        (
            "    allow:\n    - ping-pong\n    reason: |\n      Two lines\n      of reason.\n",
            "",
        ),
    ];
    for (allow, expected) in variants {
        let dispute = DISPUTE.replace(
            &format!("{investigate}{title}"),
            &format!("{investigate}{allow}{title}"),
        );
        let cat = Cat::new(&[("billing/dispute.yaml", &dispute)]);
        let c = cat.check();
        let actions = actions_for(&c, "unused-allow");
        assert_eq!(actions.len(), 1, "{allow} {actions:?}");
        assert_eq!(actions[0].title, "Remove `ping-pong` from `allow:`");
        assert!(actions[0].preferred);
        apply_and_recheck(&cat, &c, &actions[0]);
        let text = cat.read(DISPUTE_FILE);
        assert!(
            text.contains(&format!("{investigate}{expected}{title}")),
            "{allow}\n{text}"
        );
    }
    // At the use case's level, with the step list after it.
    let dispute = DISPUTE.replace("steps:\n", "allow: [ping-pong]\nreason: why not\n\nsteps:\n");
    let cat = Cat::new(&[("billing/dispute.yaml", &dispute)]);
    let c = cat.check();
    let actions = actions_for(&c, "unused-allow");
    apply_and_recheck(&cat, &c, &actions[0]);
    assert!(
        cat.read(DISPUTE_FILE)
            .contains("outcome: The invoice is corrected.\n\nsteps:\n")
    );
}
