//! The use case page as built HTML, parsed (html5ever's tokenizer into a small tree): every step
//! of the sample in its own list item with its details, diagram boxes numbered and linked to
//! their steps, status banners, findings in words with links to the YAML line. The same page in
//! a browser (zoom, full screen) is tested in `e2e.rs`.

use crate::support::{copy_tree, fixtures};
use casebook::CheckOptions;
use casebook::engine::Checked;
use casebook::handbook::{BuildOptions, build};
use casebook::model::{Date, Status, UseCase};
use html5ever::tendril::ByteTendril;
use html5ever::tokenizer::states::RawKind;
use html5ever::tokenizer::{
    BufferQueue, TagKind, Token, TokenSink, TokenSinkResult, Tokenizer, TokenizerOpts,
};
use std::cell::RefCell;
use std::path::{Path, PathBuf};

fn today() -> Date {
    Date::parse("2026-11-22").unwrap()
}

// ---------------------------------------------------------------------------------------------
// A small HTML tree

/// An element or a run of text (`name == "#text"`).
#[derive(Debug, Default)]
struct Node {
    name: String,
    attrs: Vec<(String, String)>,
    text: String,
    parent: Option<usize>,
    children: Vec<usize>,
}

/// A parsed page: node 0 is the document.
struct Html {
    nodes: Vec<Node>,
}

#[derive(Default)]
struct Collector {
    tokens: RefCell<Vec<Token>>,
}

impl TokenSink for Collector {
    type Handle = ();

    fn process_token(&self, token: Token, _line: u64) -> TokenSinkResult<()> {
        let raw = match &token {
            Token::TagToken(tag) if tag.kind == TagKind::StartTag && &*tag.name == "script" => {
                Some(RawKind::ScriptData)
            }
            Token::TagToken(tag) if tag.kind == TagKind::StartTag && &*tag.name == "style" => {
                Some(RawKind::Rawtext)
            }
            _ => None,
        };
        self.tokens.borrow_mut().push(token);
        match raw {
            Some(kind) => TokenSinkResult::RawData(kind),
            None => TokenSinkResult::Continue,
        }
    }
}

const VOID: &[&str] = &[
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source", "track",
    "wbr",
];

impl Html {
    fn parse(text: &str) -> Html {
        let tendril: ByteTendril = text.as_bytes().into();
        let queue = BufferQueue::default();
        queue.push_back(tendril.try_reinterpret().unwrap());
        let tokenizer = Tokenizer::new(Collector::default(), TokenizerOpts::default());
        let _ = tokenizer.feed(&queue);
        tokenizer.end();
        let tokens = tokenizer.sink.tokens.take();
        let mut html = Html {
            nodes: vec![Node::default()],
        };
        let mut current = 0;
        for token in tokens {
            match token {
                Token::TagToken(tag) if tag.kind == TagKind::StartTag => {
                    let name = tag.name.to_string();
                    let closed = tag.self_closing || VOID.contains(&name.as_str());
                    let attrs = tag
                        .attrs
                        .iter()
                        .map(|a| (a.name.local.to_string(), a.value.to_string()))
                        .collect();
                    let id = html.add(current, name, attrs, String::new());
                    if !closed {
                        current = id;
                    }
                }
                Token::TagToken(tag) => {
                    // Close the nearest open element of that name (mdBook writes balanced HTML).
                    let mut at = Some(current);
                    while let Some(n) = at {
                        if n != 0 && html.nodes[n].name == *tag.name {
                            current = html.nodes[n].parent.unwrap_or(0);
                            break;
                        }
                        at = html.nodes[n].parent;
                    }
                }
                Token::CharacterTokens(chars) => {
                    html.add(current, "#text".into(), Vec::new(), chars.to_string());
                }
                _ => {}
            }
        }
        html
    }

    fn add(&mut self, parent: usize, name: String, attrs: Vec<(String, String)>, text: String) -> usize {
        let id = self.nodes.len();
        self.nodes.push(Node {
            name,
            attrs,
            text,
            parent: Some(parent),
            children: Vec::new(),
        });
        self.nodes[parent].children.push(id);
        id
    }

    fn attr(&self, n: usize, name: &str) -> Option<&str> {
        self.nodes[n]
            .attrs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    fn has_class(&self, n: usize, class: &str) -> bool {
        self.attr(n, "class")
            .is_some_and(|c| c.split_whitespace().any(|x| x == class))
    }

    /// Every element below `n` (depth first, in document order) for which `pred` holds.
    fn find(&self, n: usize, pred: &dyn Fn(usize) -> bool) -> Vec<usize> {
        let mut out = Vec::new();
        let mut stack: Vec<usize> = self.nodes[n].children.iter().rev().copied().collect();
        while let Some(c) = stack.pop() {
            if pred(c) {
                out.push(c);
            }
            stack.extend(self.nodes[c].children.iter().rev());
        }
        out
    }

    fn elements(&self, n: usize, name: &str) -> Vec<usize> {
        self.find(n, &|c| self.nodes[c].name == name)
    }

    /// The element children of `n`.
    fn kids(&self, n: usize) -> Vec<usize> {
        self.nodes[n]
            .children
            .iter()
            .copied()
            .filter(|&c| self.nodes[c].name != "#text")
            .collect()
    }

    fn text(&self, n: usize) -> String {
        if self.nodes[n].name == "#text" {
            return self.nodes[n].text.clone();
        }
        self.nodes[n].children.iter().map(|&c| self.text(c)).collect()
    }

    fn main(&self) -> usize {
        self.elements(0, "main")[0]
    }

    /// The elements of `main` after the `h2` whose id is `id`, up to the next `h2`.
    fn section(&self, id: &str) -> Vec<usize> {
        let main = self.main();
        let kids = self.kids(main);
        let Some(start) = kids
            .iter()
            .position(|&k| self.nodes[k].name == "h2" && self.attr(k, "id") == Some(id))
        else {
            return Vec::new();
        };
        kids[start + 1..]
            .iter()
            .copied()
            .take_while(|&k| self.nodes[k].name != "h2")
            .collect()
    }
}

// ---------------------------------------------------------------------------------------------
// Handbooks under test

/// The handbook of `catalogue` built into a temporary folder, with its checked catalogue.
struct Built {
    _out: tempfile::TempDir,
    root: PathBuf,
    checked: Checked,
}

impl Built {
    fn of(catalogue: &Path) -> Built {
        let checked = casebook::check(catalogue, CheckOptions { today: today() }).unwrap();
        let out = tempfile::tempdir().unwrap();
        let root = out.path().join("book");
        build(
            &checked,
            &BuildOptions {
                out: root.clone(),
                force: false,
                today: today(),
                progress: false,
                templates: None,
            },
        )
        .unwrap();
        Built {
            _out: out,
            root,
            checked,
        }
    }

    fn page(&self, uc: &UseCase) -> Html {
        let path = self.root.join(format!("use-cases/{}.html", uc.id.value));
        Html::parse(&std::fs::read_to_string(&path).unwrap())
    }
}

/// A catalogue: the base fixture, the given overlays, and `edit` applied to casebook.yaml.
fn catalogue(overlays: &[&str], edit: &dyn Fn(&str) -> String) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_tree(&fixtures().join("base"), dir.path());
    for overlay in overlays {
        copy_tree(&fixtures().join(overlay), dir.path());
    }
    let settings = dir.path().join("casebook.yaml");
    let text = std::fs::read_to_string(&settings).unwrap();
    std::fs::write(&settings, edit(&text)).unwrap();
    dir
}

fn sample() -> Built {
    Built::of(Path::new("catalogue"))
}

// ---------------------------------------------------------------------------------------------
// The tests

/// What the template lists under a step: needs, gives, system, the use case it runs, each next
/// entry, the recovery.
fn details_of(checked: &Checked, uc: &UseCase, s: usize) -> usize {
    let step = &uc.steps[s];
    let cat = &checked.catalogue;
    usize::from(!step.needs.is_empty())
        + usize::from(!step.gives.is_empty() || !step.carries.is_empty())
        + usize::from(step.system.is_some())
        + usize::from(
            step.calls
                .as_ref()
                .is_some_and(|c| cat.use_case(&c.value).is_some()),
        )
        + step
            .next
            .iter()
            .filter(|n| uc.step(&n.to.value).is_some())
            .count()
        + usize::from(
            step.recovery
                .as_ref()
                .is_some_and(|r| uc.step(&r.value).is_some()),
        )
}

#[test]
fn every_step_of_the_sample_sits_in_its_own_list_item_with_its_details() {
    let built = sample();
    let cat = &built.checked.catalogue;
    assert!(
        cat.use_cases.iter().filter(|u| u.steps.len() >= 10).count() > 10,
        "the sample has use cases of ten steps or more, where the list used to break"
    );
    for uc in &cat.use_cases {
        let page = built.page(uc);
        let id = &uc.id.value;
        let section = page.section("steps");
        let names: Vec<&str> = section.iter().map(|&n| page.nodes[n].name.as_str()).collect();
        assert_eq!(
            names,
            ["ol"],
            "{id}: the steps are one numbered list, nothing beside it"
        );
        let ol = section[0];
        assert_eq!(page.attr(ol, "start"), None, "{id}: the numbering never restarts");
        let items = page.kids(ol);
        assert_eq!(items.len(), uc.steps.len(), "{id}: one item per step");
        for (s, (&li, step)) in items.iter().zip(&uc.steps).enumerate() {
            let anchor = format!("step-{}", step.id.value);
            assert_eq!(
                page.kids(li).first().and_then(|&a| page.attr(a, "id")),
                Some(anchor.as_str()),
                "{id}: item {} starts with the anchor of its step",
                s + 1
            );
            let lists: Vec<usize> = page
                .kids(li)
                .into_iter()
                .filter(|&k| page.nodes[k].name == "ul")
                .collect();
            let expected = details_of(&built.checked, uc, s);
            let found = lists.first().map_or(0, |&ul| page.kids(ul).len());
            assert!(
                lists.len() <= 1 && found == expected,
                "{id}: step {} has {expected} details in its own item, found {found} in {} lists",
                s + 1,
                lists.len()
            );
        }
    }
}

#[test]
fn each_box_of_the_diagram_shows_its_step_number_and_links_to_its_step() {
    let built = sample();
    for uc in &built.checked.catalogue.use_cases {
        let page = built.page(uc);
        let id = &uc.id.value;
        let viewers = page.find(page.main(), &|n| page.has_class(n, "casebook-viewer"));
        assert_eq!(viewers.len(), 1, "{id}: one diagram viewer");
        let svgs = page.elements(viewers[0], "svg");
        assert_eq!(svgs.len(), 1, "{id}: the diagram is inline in the viewer");
        let items = page.kids(page.section("steps")[0]);
        let boxes = page.find(svgs[0], &|n| page.has_class(n, "cb-step"));
        assert_eq!(boxes.len(), uc.steps.len(), "{id}: one box per step");
        for g in boxes {
            let number: usize = page.attr(g, "data-step").unwrap().parse().unwrap();
            let shown = page.find(g, &|n| page.has_class(n, "cb-number"));
            assert_eq!(
                page.text(shown[0]),
                number.to_string(),
                "{id}: the box shows its number"
            );
            let link = page.nodes[g].parent.unwrap();
            assert_eq!(page.nodes[link].name, "a", "{id}: box {number} is a link");
            let href = page.attr(link, "href").unwrap();
            let step = &uc.steps[number - 1];
            assert_eq!(href, format!("#step-{}", step.id.value), "{id}: box {number}");
            // The number is the step's place in the numbered list, where its anchor is.
            let li = items[number - 1];
            assert_eq!(
                page.kids(li).first().and_then(|&a| page.attr(a, "id")),
                Some(&href[1..]),
                "{id}: box {number} leads to item {number}"
            );
        }
    }
}

/// The banners of a page: (kind, text), in order.
fn banners(page: &Html) -> Vec<(String, String)> {
    page.find(page.main(), &|n| page.has_class(n, "casebook-banner"))
        .into_iter()
        .map(|n| {
            let class = page.attr(n, "class").unwrap();
            let kind = class
                .split_whitespace()
                .find_map(|c| c.strip_prefix("casebook-banner-"))
                .unwrap()
                .to_owned();
            (kind, page.text(n).trim().to_owned())
        })
        .collect()
}

#[test]
fn drafts_reviews_and_overdue_reviews_carry_a_banner_above_everything_else() {
    let built = sample();
    let mut seen = std::collections::BTreeSet::new();
    for uc in &built.checked.catalogue.use_cases {
        let page = built.page(uc);
        let mut expected = Vec::new();
        match uc.status {
            Some(Status::Draft) => expected.push("draft"),
            Some(Status::InReview) => expected.push("in-review"),
            Some(Status::Retired) => expected.push("retired"),
            _ => {}
        }
        let overdue = built
            .checked
            .report
            .diagnostics
            .iter()
            .any(|d| d.rule == "review-overdue" && d.use_case.as_deref() == Some(uc.id.value.as_str()));
        if overdue {
            expected.push("overdue");
        }
        let found = banners(&page);
        let kinds: Vec<&str> = found.iter().map(|(k, _)| k.as_str()).collect();
        assert_eq!(kinds, expected, "{}", uc.id.value);
        seen.extend(expected);
        if !found.is_empty() {
            // Right under the title, before the table of facts.
            let kids = page.kids(page.main());
            assert_eq!(page.nodes[kids[0]].name, "h1");
            assert!(page.has_class(kids[1], "casebook-banner"), "{}", uc.id.value);
        }
    }
    assert_eq!(
        seen.into_iter().collect::<Vec<_>>(),
        ["draft", "in-review", "overdue"],
        "the sample shows these three (no use case of it is retired)"
    );
}

#[test]
fn a_retired_use_case_has_its_banner_in_french_too() {
    let cat = catalogue(&["handbook/ordinary"], &|s| {
        s.replace("language: en", "language: fr")
    });
    let file = cat.path().join("use-cases/billing/meter-reading-dispute.yaml");
    let text = std::fs::read_to_string(&file).unwrap();
    std::fs::write(&file, text.replace("status: draft", "status: retired")).unwrap();
    let built = Built::of(cat.path());
    assert_eq!(
        built.checked.catalogue.settings.language,
        casebook::config::Language::Fr,
        "the base fixture says `language: en`"
    );
    let page = built.page(&built.checked.catalogue.use_cases[0]);
    let found = banners(&page);
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].0, "retired");
    assert!(
        found[0]
            .1
            .starts_with("Retiré. Cette procédure n'est plus en usage."),
        "{found:?}"
    );
}

#[test]
fn findings_name_steps_teams_and_items_and_show_no_markdown_or_line_numbers() {
    let built = sample();
    let cat = &built.checked.catalogue;
    let mut links_to_steps = 0;
    for uc in &cat.use_cases {
        let page = built.page(uc);
        for n in page.section("findings") {
            for li in page.elements(n, "li") {
                let text = page.text(li);
                assert!(!text.contains('`'), "{}: {text}", uc.id.value);
                assert!(!text.contains("(line "), "{}: {text}", uc.id.value);
                for a in page.elements(li, "a") {
                    let href = page.attr(a, "href").unwrap();
                    if let Some(step) = href.strip_prefix("#step-") {
                        assert!(uc.step(step).is_some(), "{}: {href}", uc.id.value);
                        links_to_steps += 1;
                    }
                }
            }
        }
    }
    assert!(
        links_to_steps > 20,
        "findings link the steps they name: {links_to_steps}"
    );
    // One finding, word for word: ids became names, the step a link, field names code.
    let uc = cat.use_case("lost-card-block-and-replace").unwrap();
    let page = built.page(uc);
    let findings: Vec<usize> = page
        .section("findings")
        .into_iter()
        .flat_map(|n| page.elements(n, "li"))
        .collect();
    let repeat = findings
        .iter()
        .find(|&&li| page.text(li).contains("Mobile phone number"))
        .copied()
        .expect("the repeat-ask finding names the item");
    assert!(page.text(repeat).starts_with(
        "warning repeat-ask: the customer is asked for Mobile phone number again: they already gave it at step Cardholder chooses \"lost or stolen card\" and keys in the mobile number and date of birth"
    ), "{}", page.text(repeat));
    let codes: Vec<String> = page
        .elements(repeat, "code")
        .into_iter()
        .map(|c| page.text(c))
        .collect();
    assert_eq!(codes, ["carries:", "gives"]);
}

#[test]
fn with_a_repository_each_finding_links_to_its_yaml_line() {
    let repository = "repository: { url: \"https://git.example.com/o/r\", branch: main, path: docs/cat }\n";
    let cat = catalogue(&["handbook/ordinary"], &|s| format!("{s}{repository}"));
    // A finding: the call-back step loses its duration (a cross-department handoff needs one).
    let file = cat.path().join("use-cases/billing/meter-reading-dispute.yaml");
    let text = std::fs::read_to_string(&file).unwrap();
    std::fs::write(&file, text.replace("    duration: 2d\n", "")).unwrap();
    let built = Built::of(cat.path());
    let uc = &built.checked.catalogue.use_cases[0];
    let page = built.page(uc);
    let mut links = Vec::new();
    for n in page.section("findings") {
        for a in page.elements(n, "a") {
            if page.text(a) == "see in the repository" {
                links.push(page.attr(a, "href").unwrap().to_owned());
            }
        }
    }
    let line = text.lines().position(|l| l.trim() == "- id: correct").unwrap() + 1;
    assert_eq!(
        links,
        [format!(
            "https://git.example.com/o/r/blob/main/docs/cat/use-cases/billing/meter-reading-dispute.yaml#L{line}"
        )],
        "{:?}",
        built.checked.report.diagnostics
    );
    // Without `repository:`, no such link.
    let plain = catalogue(&["handbook/ordinary"], &|s| s.to_owned());
    let built = Built::of(plain.path());
    let page = std::fs::read_to_string(built.root.join("use-cases/meter-reading-dispute.html")).unwrap();
    assert!(!page.contains("see in the repository"));
}

#[test]
fn a_message_entry_reads_as_a_message_not_as_the_flow_continuing() {
    let dir = catalogue(&[], &|s| s.to_owned());
    let cases = dir.path().join("use-cases");
    std::fs::create_dir_all(&cases).unwrap();
    std::fs::copy(
        fixtures().join("rules/misdirected-message/valid-to-another-actor.yaml"),
        cases.join("meter-dispute.yaml"),
    )
    .unwrap();
    let built = Built::of(dir.path());
    let uc = &built.checked.catalogue.use_cases[0];
    let page = built.page(uc);
    let ol = page.section("steps")[0];
    let log = page.kids(ol)[1];
    let details: Vec<String> = page
        .elements(log, "li")
        .into_iter()
        .map(|li| page.text(li))
        .collect();
    assert!(
        details
            .iter()
            .any(|d| d.starts_with("continue with") && d.contains("tells the client")),
        "the control flow still reads 'continue with': {details:?}"
    );
    assert!(
        details
            .iter()
            .any(|d| d.starts_with("sends a message to") && d.contains("Billing checks")),
        "the message reads 'sends a message to': {details:?}"
    );
}
