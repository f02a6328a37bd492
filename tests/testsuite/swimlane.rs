//! The swimlane SVG: geometry checks over every use case of the shipped catalogue and a
//! synthetic 30-step use case with branches and loops, wrapped titles, hostile text, a snapshot,
//! determinism, and `casebook graph --format svg`.

use crate::support::{casebook, copy_tree, fixtures};
use casebook::graph::FlowGraph;
use casebook::model::{Catalogue, Date, UseCase};
use casebook::swimlane::{self, LaneLabels, Layout, TITLE_CHARS, text_width};
use casebook::{CheckOptions, Checked, check};
use std::fmt::Write;
use std::path::Path;

fn today() -> Date {
    Date::parse("2026-11-22").expect("a valid date")
}

fn load(root: &Path) -> Checked {
    check(root, CheckOptions { today: today() }).expect("the catalogue loads")
}

/// A temporary catalogue: the base fixture plus the given use cases (file name, YAML).
fn catalogue_with(use_cases: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("a temporary folder");
    copy_tree(&fixtures().join("base"), dir.path());
    let uc = dir.path().join("use-cases");
    std::fs::create_dir_all(&uc).expect("create use-cases");
    for (name, text) in use_cases {
        std::fs::write(uc.join(name), text).expect("write use case");
    }
    dir
}

fn each_use_case(checked: &Checked) -> impl Iterator<Item = (&Catalogue, &UseCase, &FlowGraph)> {
    let cat = &checked.catalogue;
    cat.use_cases
        .iter()
        .zip(&checked.facts.flows)
        .map(move |(uc, flow)| (cat, uc, flow))
}

/// A use case of 30 steps over five teams and the customer, with branches, loops, a fail point
/// with recovery, moments of truth, long titles and a very long word.
fn thirty_steps() -> String {
    let actors = [
        "customer",
        "contact-centre",
        "billing",
        "field-service",
        "it-support",
        "chatbot",
    ];
    let mut y = String::from(
        "id: thirty-steps\ntitle: A long case with branches and loops\ndomain: billing\nowner: billing\n\
         status: draft\nreviewed: 2026-01-01\nsteps:\n",
    );
    let n = 28;
    for i in 0..n {
        let actor = actors[(i * 7 / 3) % actors.len()];
        let _ = writeln!(y, "  - id: s{i}");
        let title = if i % 4 == 0 {
            format!("Step {i} where somebody does a rather long piece of work that needs several lines")
        } else if i == 9 {
            "Supercalifragilisticexpialidocious-verification-of-everything".to_owned()
        } else {
            format!("Step {i}")
        };
        let _ = writeln!(y, "    title: {title}");
        let _ = writeln!(y, "    actor: {actor}");
        if matches!(actor, "customer" | "contact-centre" | "chatbot") {
            let _ = writeln!(y, "    channel: {}", ["phone", "email", "portal"][i % 3]);
        }
        if i % 6 == 1 {
            let _ = writeln!(y, "    moment_of_truth: true");
        }
        if i == 12 {
            let _ = writeln!(y, "    fail_point: true\n    recovery: s3");
        }
        let next = i + 1;
        let last = if next >= n {
            "done-a".to_owned()
        } else {
            format!("s{next}")
        };
        if i % 5 == 2 && i + 3 < n {
            let _ = writeln!(
                y,
                "    next:\n      - to: {last}\n        when: the first condition holds for this case\n      - to: s{}\n        default: true",
                i + 3
            );
        } else if i % 7 == 6 && i >= 4 {
            let _ = writeln!(
                y,
                "    next:\n      - to: {last}\n        when: all is well\n      - to: s{}\n        when: something is missing and the work starts again",
                i - 4
            );
        } else if i == 20 {
            let _ = writeln!(
                y,
                "    next:\n      - to: {last}\n        when: continue\n      - to: done-b\n        when: stop here"
            );
        } else {
            let _ = writeln!(y, "    next: {last}");
        }
    }
    y.push_str("  - id: done-a\n    end: finished normally\n  - id: done-b\n    end: stopped early by the customer\n");
    y
}

/// Writes the picture to `$CASEBOOK_SVG_DUMP/<name>.svg` when that variable is set, to look at it.
fn dump(name: &str, svg: &str) {
    if let Some(dir) = std::env::var_os("CASEBOOK_SVG_DUMP") {
        std::fs::write(Path::new(&dir).join(format!("{name}.svg")), svg).expect("write the picture");
    }
}

/// A point of a route.
type Point = (f64, f64);

/// Every geometric promise of the layout.
fn assert_clean(l: &Layout, what: &str) {
    for (i, a) in l.boxes.iter().enumerate() {
        let sub = &l.sub_lanes[a.sub_lane];
        assert!(
            a.y - 9.0 >= sub.y && a.y + a.h <= sub.y + sub.height,
            "{what}: box {i} ({:?}) is outside its sub-lane {:?}",
            a.rect(),
            (sub.y, sub.height)
        );
        assert!(
            a.x >= l.content_x && a.x + a.w <= l.width,
            "{what}: box {i} is outside the picture"
        );
        for (j, b) in l.boxes.iter().enumerate().skip(i + 1) {
            assert!(!a.rect().overlaps(&b.rect()), "{what}: boxes {i} and {j} overlap");
        }
    }
    for e in &l.edges {
        assert!(
            e.points.len() >= 2,
            "{what}: edge {}->{} has no route",
            e.from,
            e.to
        );
        for s in e.points.windows(2) {
            assert!(
                (s[0].0 - s[1].0).abs() < 0.01 || (s[0].1 - s[1].1).abs() < 0.01,
                "{what}: edge {}->{} has a slanted segment",
                e.from,
                e.to
            );
            for (k, b) in l.boxes.iter().enumerate() {
                if k != e.from && k != e.to {
                    assert!(
                        !b.rect().crossed_by(s[0], s[1]),
                        "{what}: edge {}->{} crosses box {k}",
                        e.from,
                        e.to
                    );
                }
            }
        }
        let (first, last) = (e.points[0], e.points[e.points.len() - 1]);
        let (from, to) = (&l.boxes[e.from], &l.boxes[e.to]);
        if (first.0 - last.0).abs() < 0.01 && e.points.len() == 2 {
            // Straight down or up to a step stacked in the same column.
            assert_eq!(
                from.column, to.column,
                "{what}: a vertical edge stays in its column"
            );
            let (top, bottom) = if from.y < to.y { (from, to) } else { (to, from) };
            assert!(
                (top.y + top.h - first.1.min(last.1)).abs() < 0.01,
                "{what}: vertical edge"
            );
            assert!(
                (bottom.y - first.1.max(last.1)).abs() < 0.01,
                "{what}: vertical edge"
            );
        } else {
            assert!(
                (first.0 - (from.x + from.w)).abs() < 0.01,
                "{what}: edge leaves its box"
            );
            assert!((last.0 - to.x).abs() < 0.01, "{what}: edge enters its box");
        }
    }
    // No two edges run on top of each other.
    let segments: Vec<(usize, Point, Point)> = l
        .edges
        .iter()
        .enumerate()
        .flat_map(|(i, e)| e.points.windows(2).map(move |s| (i, s[0], s[1])))
        .collect();
    for (k, &(i, a0, a1)) in segments.iter().enumerate() {
        for &(j, b0, b1) in &segments[k + 1..] {
            if i == j {
                continue;
            }
            let horizontal = |p: (f64, f64), q: (f64, f64)| (p.1 - q.1).abs() < 0.01;
            let shared = |lo0: f64, hi0: f64, lo1: f64, hi1: f64| lo0.max(lo1) < hi0.min(hi1) - 1.0;
            let (ea, eb) = (&l.edges[i], &l.edges[j]);
            if horizontal(a0, a1) && horizontal(b0, b1) && (a0.1 - b0.1).abs() < 1.0 {
                assert!(
                    !shared(a0.0.min(a1.0), a0.0.max(a1.0), b0.0.min(b1.0), b0.0.max(b1.0)),
                    "{what}: edges {}->{} and {}->{} overlap horizontally",
                    ea.from,
                    ea.to,
                    eb.from,
                    eb.to
                );
            }
            if !horizontal(a0, a1) && !horizontal(b0, b1) && (a0.0 - b0.0).abs() < 1.0 {
                assert!(
                    !shared(a0.1.min(a1.1), a0.1.max(a1.1), b0.1.min(b1.1), b0.1.max(b1.1)),
                    "{what}: edges {}->{} and {}->{} overlap vertically",
                    ea.from,
                    ea.to,
                    eb.from,
                    eb.to
                );
            }
        }
    }
    let labels: Vec<_> = l.edges.iter().filter_map(|e| e.label.as_ref()).collect();
    for (i, a) in labels.iter().enumerate() {
        assert!(
            a.x >= l.content_x && a.x + a.w <= l.width && a.y >= 0.0 && a.y + a.h <= l.legend_y,
            "{what}: label {:?} is outside the diagram",
            a.text
        );
        for b in &l.boxes {
            assert!(
                !a.rect().overlaps(&b.rect()),
                "{what}: label {:?} covers a box",
                a.text
            );
        }
        for b in labels.iter().skip(i + 1) {
            assert!(
                !a.rect().overlaps(&b.rect()),
                "{what}: labels {:?} and {:?} overlap",
                a.text,
                b.text
            );
        }
    }
}

#[test]
fn no_box_overlaps_and_every_box_is_in_its_sub_lane_in_the_shipped_catalogue() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("catalogue");
    let checked = load(&root);
    assert!(!checked.catalogue.use_cases.is_empty());
    for (cat, uc, flow) in each_use_case(&checked) {
        assert_clean(&swimlane::layout(cat, uc, flow), &uc.id.value);
    }
}

#[test]
fn a_thirty_step_use_case_with_branches_and_loops_is_laid_out_cleanly() {
    let yaml = thirty_steps();
    let dir = catalogue_with(&[("thirty-steps.yaml", &yaml)]);
    let checked = load(dir.path());
    let (cat, uc, flow) = each_use_case(&checked).next().expect("one use case");
    assert_eq!(uc.steps.len(), 30);
    let l = swimlane::layout(cat, uc, flow);
    dump(
        "thirty-steps",
        &swimlane::render_svg(cat, uc, flow, &LaneLabels::ENGLISH),
    );
    assert_clean(&l, "thirty-steps");
    assert!(
        l.edges.iter().any(|e| e.back),
        "the loops are drawn as back edges"
    );
    assert!(l.edges.iter().any(|e| e.handoff.is_some()));
    assert_eq!(
        l.lanes.len(),
        4,
        "customer, frontstage, backstage and support are all used"
    );
    assert_eq!(l.lines.len(), 3);
}

#[test]
fn long_titles_wrap_to_the_width_of_the_box() {
    let yaml = thirty_steps();
    let dir = catalogue_with(&[("thirty-steps.yaml", &yaml)]);
    let checked = load(dir.path());
    let (cat, uc, flow) = each_use_case(&checked).next().expect("one use case");
    let l = swimlane::layout(cat, uc, flow);
    let long = &l.boxes[uc.step("s0").expect("s0")];
    assert!(long.lines.len() >= 3, "{:?}", long.lines);
    let word = &l.boxes[uc.step("s9").expect("s9")];
    assert!(
        word.lines.len() >= 3,
        "a very long word is broken: {:?}",
        word.lines
    );
    for b in &l.boxes {
        for line in &b.lines {
            assert!(line.chars().count() <= TITLE_CHARS, "{line:?}");
            assert!(
                text_width(line, 12.0) <= b.w - 16.0,
                "{line:?} is wider than its box"
            );
        }
    }
    // The shipped catalogue too.
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("catalogue");
    let checked = load(&root);
    for (cat, uc, flow) in each_use_case(&checked) {
        for b in &swimlane::layout(cat, uc, flow).boxes {
            for line in &b.lines {
                assert!(text_width(line, 12.0) <= b.w - 16.0, "{}: {line:?}", uc.id.value);
            }
        }
    }
}

const HOSTILE: &str = r#"id: hostile
title: "Hostile <svg> & friends"
domain: billing
owner: billing
status: draft
reviewed: 2026-01-01
persona: "O'Brien <b>bold</b>"
steps:
  - id: call
    title: "<script>alert(1)</script>"
    actor: customer
    channel: phone
    next:
      - to: log
        when: "x < y && \"quoted\""
      - to: done
        default: true
  - id: log
    title: '"a & b"'
    actor: contact-centre
    channel: phone
    next: done
  - id: done
    end: "]]> <!-- -->"
"#;

#[test]
fn hostile_text_is_escaped_and_the_svg_is_well_formed_xml_without_scripts() {
    let dir = catalogue_with(&[("hostile.yaml", HOSTILE)]);
    let checked = load(dir.path());
    let (cat, uc, flow) = each_use_case(&checked).next().expect("one use case");
    let svg = swimlane::render_svg(cat, uc, flow, &LaneLabels::ENGLISH);
    assert!(svg.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    assert!(svg.contains("&quot;a &amp; b&quot;"));
    assert!(!svg.contains("<script"));
    assert!(!svg.contains("<!--"));
    let doc = roxmltree::Document::parse(&svg).expect("the SVG is well-formed XML");
    let root = doc.root_element();
    assert_eq!(root.tag_name().name(), "svg");
    for attr in ["width", "height", "viewBox"] {
        assert!(root.attribute(attr).is_some(), "the root has {attr}");
    }
    for node in doc.descendants() {
        let name = node.tag_name().name();
        assert!(
            !matches!(name, "script" | "image" | "foreignObject" | "style"),
            "no <{name}>"
        );
        for a in node.attributes() {
            assert!(
                !a.name().starts_with("on"),
                "no event handler attribute {}",
                a.name()
            );
            assert!(
                !a.value().contains("http") || a.name() == "xmlns",
                "no external reference: {}",
                a.value()
            );
        }
    }
    let texts: String = doc.descendants().filter_map(|n| n.text()).collect();
    assert!(
        texts.contains("<script>alert(1)</script>"),
        "the title reads as text"
    );
    assert!(texts.contains("\"a & b\""));
    assert!(texts.contains("]]> <!-- -->"));
}

const SMALL: &str = r#"id: invoice-dispute
title: A client disputes an invoice
domain: billing
owner: billing
status: reviewed
reviewed: 2026-03-14
persona: Site manager at a client company
steps:
  - id: call
    title: Client calls about the invoice
    actor: customer
    channel: phone
    gives: [invoice-number]
    next: log
  - id: log
    title: Agent records the dispute
    actor: contact-centre
    channel: phone
    system: crm
    needs: [invoice-number]
    gives: [dispute-ticket]
    moment_of_truth: true
    next: investigate
  - id: investigate
    title: Billing checks the invoice against the contract
    actor: billing
    needs: [dispute-ticket, invoice-number]
    fail_point: true
    recovery: log
    next:
      - to: correct
        when: the invoice is wrong
      - to: confirm
        when: the invoice is right
  - id: correct
    title: Billing issues a credit note
    actor: billing
    next: inform
  - id: confirm
    title: Billing writes down why the amount is right
    actor: billing
    next: inform
  - id: inform
    title: Agent emails the outcome to the client
    actor: contact-centre
    channel: email
    next: done
  - id: done
    end: resolved
"#;

#[test]
fn snapshot_of_a_small_use_case() {
    let dir = catalogue_with(&[("invoice-dispute.yaml", SMALL)]);
    let checked = load(dir.path());
    let (cat, uc, flow) = each_use_case(&checked).next().expect("one use case");
    let svg = swimlane::render_svg(cat, uc, flow, &LaneLabels::ENGLISH);
    dump("invoice-dispute", &svg);
    roxmltree::Document::parse(&svg).expect("well-formed");
    insta::assert_snapshot!("swimlane_invoice_dispute", svg);
}

#[test]
fn rendering_is_deterministic() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("catalogue");
    let (a, b) = (load(&root), load(&root));
    for ((cat, uc, flow), (cat2, uc2, flow2)) in each_use_case(&a).zip(each_use_case(&b)) {
        let first = swimlane::render_svg(cat, uc, flow, &LaneLabels::ENGLISH);
        assert_eq!(first, swimlane::render_svg(cat, uc, flow, &LaneLabels::ENGLISH));
        assert_eq!(
            first,
            swimlane::render_svg(cat2, uc2, flow2, &LaneLabels::ENGLISH),
            "{}",
            uc.id.value
        );
    }
}

#[test]
fn casebook_graph_prints_the_svg_in_the_catalogue_language() {
    let dir = catalogue_with(&[("invoice-dispute.yaml", SMALL)]);
    let out = casebook()
        .args(["graph", "invoice-dispute", "--format", "svg", "--catalogue"])
        .arg(dir.path())
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let text = String::from_utf8(out).expect("UTF-8");
    let checked = load(dir.path());
    let (cat, uc, flow) = each_use_case(&checked).next().expect("one use case");
    assert_eq!(text, swimlane::render_svg(cat, uc, flow, &LaneLabels::ENGLISH));
    assert!(text.contains("line of interaction"));

    let settings = dir.path().join("casebook.yaml");
    let yaml = std::fs::read_to_string(&settings).expect("casebook.yaml");
    std::fs::write(&settings, yaml.replace("language: en", "language: fr")).expect("write");
    let out = casebook()
        .args(["graph", "invoice-dispute", "--format", "svg", "--catalogue"])
        .arg(dir.path())
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let text = String::from_utf8(out).expect("UTF-8");
    assert!(text.contains("ligne d&apos;interaction"), "French labels");
    assert!(text.contains("moment de vérité"));
}

const ODD: &[(&str, &str)] = &[
    (
        "self-loop.yaml",
        "id: self-loop\ntitle: Retries\ndomain: billing\nsteps:\n  - id: a\n    title: Try again and again\n    actor: billing\n    next:\n      - to: a\n        when: it failed\n      - to: b\n        default: true\n  - id: b\n    end: done\n",
    ),
    (
        "unknown-actor.yaml",
        "id: unknown-actor\ntitle: Strangers\ndomain: billing\nsteps:\n  - id: a\n    title: Somebody\n    actor: nobody-we-know\n    next: [missing-step, b]\n  - id: b\n    title: A step with its lane overridden\n    actor: billing\n    lane: support\n    next: c\n  - id: c\n    title: No actor at all\n    next: d\n  - id: orphan\n    title: Nobody comes here\n    actor: customer\n    next: a\n  - id: d\n    end: over\n",
    ),
    (
        "empty.yaml",
        "id: empty\ntitle: Nothing\ndomain: billing\nsteps: []\n",
    ),
    (
        "only-end.yaml",
        "id: only-end\ntitle: Already done\ndomain: billing\nsteps:\n  - id: done\n    end: done\n",
    ),
];

#[test]
fn odd_use_cases_are_drawn_without_panicking() {
    let dir = catalogue_with(ODD);
    let checked = load(dir.path());
    assert_eq!(checked.catalogue.use_cases.len(), ODD.len());
    for (cat, uc, flow) in each_use_case(&checked) {
        let l = swimlane::layout(cat, uc, flow);
        assert_clean(&l, &uc.id.value);
        assert_eq!(l.boxes.len(), uc.steps.len());
        let svg = swimlane::render_svg(cat, uc, flow, &LaneLabels::FRENCH);
        roxmltree::Document::parse(&svg).expect("well-formed");
    }
}

/// A random use case: `spec[i]` = (actor index, targets as offsets from i, fail point).
fn random_use_case(spec: &[(usize, Vec<i8>, bool)]) -> String {
    let actors = [
        "customer",
        "contact-centre",
        "chatbot",
        "billing",
        "field-service",
        "it-support",
    ];
    let n = spec.len();
    let mut y = String::from("id: random\ntitle: Random\ndomain: billing\nsteps:\n");
    for (i, (actor, next, fail)) in spec.iter().enumerate() {
        let _ = writeln!(
            y,
            "  - id: s{i}\n    title: Step {i} with a title of several words\n    actor: {}",
            actors[actor % actors.len()]
        );
        if *fail {
            let _ = writeln!(y, "    fail_point: true\n    recovery: s{}", (i + 1) % n);
        }
        let targets: Vec<String> = next
            .iter()
            .map(|&d| {
                let t = i as i64 + i64::from(d);
                if t < 0 || t >= n as i64 {
                    "end".to_owned()
                } else {
                    format!("s{t}")
                }
            })
            .collect();
        if targets.is_empty() {
            y.push_str("    next: end\n");
        } else {
            y.push_str("    next:\n");
            for (k, t) in targets.iter().enumerate() {
                let _ = writeln!(
                    y,
                    "      - to: {t}\n        when: condition number {k} of step {i}"
                );
            }
        }
    }
    y.push_str("  - id: end\n    end: finished\n");
    y
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig { cases: 40, ..Default::default() })]

    #[test]
    fn random_use_cases_are_laid_out_cleanly(
        spec in proptest::collection::vec(
            (0usize..6, proptest::collection::vec(-6i8..8, 0..3), proptest::bool::weighted(0.1)),
            1..32,
        )
    ) {
        let yaml = random_use_case(&spec);
        let dir = catalogue_with(&[("random.yaml", &yaml)]);
        let checked = load(dir.path());
        let (cat, uc, flow) = each_use_case(&checked).next().expect("one use case");
        assert_clean(&swimlane::layout(cat, uc, flow), &yaml);
    }
}

/// A use case of `n` steps over five teams and the customer whose `next` entries are given by
/// `targets(i)` (step indices; `n` is the end step), each with a condition.
fn dense_use_case(n: usize, targets: impl Fn(usize) -> Vec<usize>) -> String {
    let actors = [
        "customer",
        "contact-centre",
        "billing",
        "field-service",
        "it-support",
    ];
    let mut y = String::from("id: dense\ntitle: A dense use case\ndomain: billing\nsteps:\n");
    for i in 0..n {
        let _ = writeln!(
            y,
            "  - id: s{i}\n    title: Step {i}\n    actor: {}\n    next:",
            actors[i % actors.len()]
        );
        for (k, t) in targets(i).into_iter().enumerate() {
            let to = if t >= n { "end".to_owned() } else { format!("s{t}") };
            let _ = writeln!(y, "      - to: {to}\n        when: case {k}");
        }
    }
    y.push_str("  - id: end\n    end: finished\n");
    y
}

/// Every step leads to every other step (and the last one also to the end).
fn fully_connected(n: usize) -> String {
    dense_use_case(n, |i| {
        let mut t: Vec<usize> = (0..n).filter(|&j| j != i).collect();
        if i + 1 == n {
            t.push(n);
        }
        t
    })
}

/// `n` steps, each leading to the next and to two pseudo-random steps: 3n edges with many loops.
fn sparse_random(n: usize) -> String {
    dense_use_case(n, |i| {
        let mut x = (i as u64 + 1).wrapping_mul(0x9E37_79B9_7F4A_7C15);
        let mut next = || {
            x ^= x >> 29;
            x = x.wrapping_mul(0xBF58_476D_1CE4_E5B9);
            (x >> 32) as usize % n
        };
        vec![i + 1, next(), next()]
    })
}

/// Lays out and renders the only use case of a catalogue holding `yaml` in a thread, failing
/// when that takes longer than `limit`; returns the layout, the English and the French SVG.
fn drawn_within(yaml: &str, limit: std::time::Duration) -> (Layout, String, String, usize) {
    let dir = catalogue_with(&[("dense.yaml", yaml)]);
    let checked = load(dir.path());
    let edges = checked.facts.flows[0].succ.iter().map(Vec::len).sum();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let (cat, uc, flow) = each_use_case(&checked).next().expect("one use case");
        let l = swimlane::layout(cat, uc, flow);
        let en = swimlane::render_svg(cat, uc, flow, &LaneLabels::ENGLISH);
        let fr = swimlane::render_svg(cat, uc, flow, &LaneLabels::FRENCH);
        let _ = tx.send((l, en, fr));
    });
    let (l, en, fr) = rx
        .recv_timeout(limit)
        .unwrap_or_else(|_| panic!("the diagram was not drawn within {limit:?}"));
    (l, en, fr, edges)
}

/// Generous: a debug build is 10 to 50 times slower than the release build the target is for.
fn limit() -> std::time::Duration {
    std::time::Duration::from_secs(if cfg!(debug_assertions) { 60 } else { 5 })
}

#[test]
fn a_fully_connected_use_case_is_drawn_in_bounded_time_and_says_it_is_simplified() {
    let (l, en, fr, edges) = drawn_within(&fully_connected(120), limit());
    assert_eq!(edges, 120 * 119 + 1);
    assert_eq!(l.boxes.len(), 121);
    assert!(l.omitted > 0, "a diagram of 14,281 connections is simplified");
    assert_eq!(
        l.edges.len() + l.omitted,
        edges,
        "every connection is drawn or counted"
    );
    assert_clean(&l, "fully connected");
    let note = format!("simplified: {} connections not drawn", l.omitted);
    assert!(en.contains(&note), "the picture says so: {note}");
    assert!(fr.contains(&format!("simplifié : {} liaisons non dessinées", l.omitted)));
    roxmltree::Document::parse(&en).expect("well-formed");
    dump("fully-connected", &en);
}

#[test]
fn a_thousand_steps_with_three_thousand_connections_are_drawn_in_bounded_time() {
    let (l, en, _, edges) = drawn_within(&sparse_random(1000), limit());
    assert_eq!(edges, 3000);
    assert_eq!(l.boxes.len(), 1001);
    assert_eq!(l.edges.len() + l.omitted, edges);
    assert_clean(&l, "a thousand steps");
    roxmltree::Document::parse(&en).expect("well-formed");
}

#[test]
fn a_message_is_drawn_dashed_from_a_small_circle_and_only_where_there_is_one() {
    let yaml = std::fs::read_to_string(fixtures().join("rules/dead-end/valid-only-a-message-out.yaml"))
        .expect("the fixture");
    let dir = catalogue_with(&[("meter-dispute.yaml", &yaml)]);
    let checked = load(dir.path());
    let (cat, uc, flow) = each_use_case(&checked).next().expect("one use case");
    let l = swimlane::layout(cat, uc, flow);
    assert_clean(&l, "messages");
    let svg = swimlane::render_svg(cat, uc, flow, &LaneLabels::ENGLISH);
    let doc = roxmltree::Document::parse(&svg).expect("well-formed");
    let messages: Vec<_> = doc
        .descendants()
        .filter(|n| {
            n.attribute("class")
                .is_some_and(|c| c.split(' ').any(|c| c == "cb-message"))
        })
        .collect();
    // log -> check and check -> read; the ways on are drawn as before.
    assert_eq!(messages.len(), 2, "{svg}");
    for m in &messages {
        assert!(m.attribute("stroke-dasharray").is_some(), "dashed");
        assert!(
            m.attribute("marker-start")
                .is_some_and(|s| s.ends_with("-message-start)")),
            "from a circle"
        );
    }
    assert!(svg.contains("-message-start\" viewBox"), "the marker is defined");
    let plain = doc
        .descendants()
        .filter(|n| n.attribute("class").is_some_and(|c| c.starts_with("cb-edge")))
        .filter(|n| !n.attribute("class").is_some_and(|c| c.contains("cb-message")));
    assert!(plain.clone().count() >= 4 && plain.into_iter().all(|n| n.attribute("marker-start").is_none()));

    // A diagram without messages has no such marker (its bytes are as before messages existed).
    let dir = catalogue_with(&[("invoice-dispute.yaml", SMALL)]);
    let checked = load(dir.path());
    let (cat, uc, flow) = each_use_case(&checked).next().expect("one use case");
    assert!(!swimlane::render_svg(cat, uc, flow, &LaneLabels::ENGLISH).contains("message-start"));
}
