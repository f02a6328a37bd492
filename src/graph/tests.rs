//! The graph facts of messages and parallel blocks, on small use cases over the fixtures' base
//! organisation (teams contact-centre and chatbot in customer-service, billing in finance,
//! field-service and it-support in operations).

use super::flow::{Meeting, Who};
use super::{EdgeKind, FlowGraph};
use crate::model::Catalogue;
use std::path::Path;

/// The base organisation with one use case of these `steps:` (YAML list items), and its graph.
fn use_case(steps: &str) -> (Catalogue, FlowGraph) {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let base = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/base");
    for e in std::fs::read_dir(&base).expect("the base") {
        let e = e.expect("an entry");
        std::fs::copy(e.path(), dir.path().join(e.file_name())).expect("copy the base");
    }
    std::fs::create_dir(dir.path().join("use-cases")).expect("use-cases");
    let yaml = format!(
        "id: t\ntitle: T\ndomain: billing\nowner: billing\nstatus: draft\ntrigger: X.\noutcome: Y.\nsteps:\n{steps}"
    );
    std::fs::write(dir.path().join("use-cases/t.yaml"), yaml).expect("write");
    let loaded = crate::load::load(dir.path()).expect("loads");
    assert_eq!(loaded.diagnostics.len(), 0, "{:?}", loaded.diagnostics);
    let cat = loaded.catalogue;
    let flow = FlowGraph::build(&cat, &cat.use_cases[0]);
    (cat, flow)
}

/// The index of step `id`.
fn at(cat: &Catalogue, id: &str) -> usize {
    cat.use_cases[0].step(id).expect("the step")
}

/// A step: `- id: ID` with `actor:` and the rest of its fields, one per line.
fn step(id: &str, actor: &str, rest: &[&str]) -> String {
    let mut s = format!("  - id: {id}\n    title: {id}\n    actor: {actor}\n    channel: phone\n");
    for line in rest {
        s += &format!("    {line}\n");
    }
    s
}

fn end(id: &str) -> String {
    format!("  - id: {id}\n    end: done\n")
}

#[test]
fn a_message_reaches_its_step_but_is_no_way_on() {
    let steps = [
        step(
            "a",
            "contact-centre",
            &["next:", "  - to: b", "  - to: x", "    message: true"],
        ),
        step("b", "contact-centre", &["next: done"]),
        // Only a message leads into x; x's only way out is a message back to a.
        step("x", "billing", &["next:", "  - to: a", "    message: true"]),
        end("done"),
    ]
    .concat();
    let (cat, g) = use_case(&steps);
    let (a, x) = (at(&cat, "a"), at(&cat, "x"));
    assert!(g.succ[a].contains(&(x, EdgeKind::Message(1))));
    assert!(g.reachable[x], "a message start is reached");
    assert!(!g.reaches_end[x], "a message is no way to the end");
    // a -> x -> a by messages is no loop of the flow.
    assert_ne!(g.scc_of[a], g.scc_of[x]);
    assert!(!g.is_cycle(&g.sccs[g.scc_of[a]]));
    // Both messages are handoffs (contact-centre and billing), neither is on the worst path.
    let kinds: Vec<EdgeKind> = g.flow.handoffs.iter().map(|h| h.edge.kind).collect();
    assert_eq!(kinds, vec![EdgeKind::Message(1), EdgeKind::Message(0)]);
    assert!(g.flow.handoffs.iter().all(|h| h.cross_department));
    let worst = g.flow.worst.as_ref().expect("an end is reached");
    assert_eq!((worst.count, worst.exact), (0, true));
    assert_eq!(g.flow.who[x], Some(Who::Team(cat.index.teams["billing"])));
}

#[test]
fn a_step_waiting_for_a_message_has_what_the_message_brings() {
    let steps = [
        step(
            "a",
            "contact-centre",
            &["next:", "  - to: b", "  - to: x", "    message: true"],
        ),
        step(
            "x",
            "billing",
            &[
                "gives: [credit-note]",
                "next:",
                "  - to: b",
                "    message: true",
                "    carries: [credit-note]",
            ],
        ),
        step("b", "contact-centre", &["needs: [credit-note]", "next: done"]),
        // Reached only by a message that brings nothing: what it needs is missing.
        step(
            "y",
            "it-support",
            &[
                "needs: [justification]",
                "next:",
                "  - to: b",
                "    message: true",
            ],
        ),
        step(
            "z",
            "contact-centre",
            &["next:", "  - to: y", "    message: true"],
        ),
        end("done"),
    ]
    .concat();
    let (cat, g) = use_case(&steps);
    let gaps: Vec<usize> = g.flow.gaps.iter().map(|gap| gap.step).collect();
    // b has the credit note from x's message; z is unreachable, so y is too and says nothing.
    assert!(!g.reachable[at(&cat, "y")]);
    assert_eq!(gaps, Vec::<usize>::new());
    assert!(
        g.flow.silos.is_empty(),
        "the message carried the note: {:?}",
        g.flow.silos
    );
}

#[test]
fn a_message_start_needs_what_its_messages_do_not_bring() {
    let steps = [
        step(
            "a",
            "contact-centre",
            &[
                "gives: [invoice-number]",
                "next:",
                "  - to: done",
                "  - to: x",
                "    message: true",
            ],
        ),
        step(
            "x",
            "billing",
            &["needs: [invoice-number, justification]", "next: done"],
        ),
        end("done"),
    ]
    .concat();
    let (cat, g) = use_case(&steps);
    let x = at(&cat, "x");
    let gaps: Vec<(usize, usize)> = g.flow.gaps.iter().map(|gap| (gap.step, gap.need)).collect();
    // The invoice number was given before the message; the justification never was.
    assert_eq!(gaps, vec![(x, 1)]);
    // The invoice number is in the CRM, which billing reads: no silo; nothing carried it.
    assert!(g.flow.silos.is_empty());
}

/// A parallel split `open` into two branches of `team` that meet at `repair` (`join`), each
/// giving an item repair needs.
fn block(team: &str, join: &str) -> String {
    [
        step(
            "open",
            "contact-centre",
            &["parallel: true", "next:", "  - to: parts", "  - to: visit"],
        ),
        step("parts", team, &["gives: [work-order]", "next: repair"]),
        step(
            "visit",
            "field-service",
            &["gives: [visit-report]", "next: repair"],
        ),
        step(
            "repair",
            "field-service",
            &[join, "needs: [work-order, visit-report]", "next: report"],
        ),
        step("report", "contact-centre", &["next: done"]),
        end("done"),
    ]
    .concat()
}

#[test]
fn after_a_join_all_what_every_branch_gave_is_available() {
    let (cat, g) = use_case(&block("field-service", "join: all"));
    assert_eq!(g.flow.gaps, vec![]);
    assert_eq!(g.flow.parallels.len(), 1);
    assert_eq!(g.flow.parallels[0].meeting, Meeting::Joined(at(&cat, "repair")));
    assert!(g.flow.unmatched_joins.is_empty());
    // Without the join, each branch alone is a way in: both items are missing.
    let (cat, g) = use_case(&block("field-service", "join: any"));
    assert_eq!(g.flow.gaps.len(), 2);
    assert_eq!(
        g.flow.parallels[0].meeting,
        Meeting::Unsynchronised(at(&cat, "repair"))
    );
}

#[test]
fn the_worst_path_counts_every_branch_of_a_parallel_block() {
    // open -> parts (billing) -> repair: 2 handoffs; open -> visit -> repair: 1; repair ->
    // report: 1. One branch alone gives 3; both give 4.
    let (cat, g) = use_case(&block("billing", "join: all"));
    let worst = g.flow.worst.as_ref().expect("a worst path");
    assert!(worst.exact);
    assert_eq!(worst.count, 4);
    assert_eq!(worst.handoffs.len(), 4);
    let pairs: Vec<(usize, usize)> = worst.handoffs.iter().map(|h| (h.edge.from, h.edge.to)).collect();
    let id = |s: usize| cat.use_cases[0].steps[s].id.value.as_str();
    let named: Vec<(&str, &str)> = pairs.iter().map(|&(u, v)| (id(u), id(v))).collect();
    assert!(named.contains(&("open", "parts")) && named.contains(&("parts", "repair")));
    assert!(named.contains(&("open", "visit")) && named.contains(&("repair", "report")));
    // An exclusive decision in its place counts the worse branch only.
    let plain = block("billing", "join: any")
        .replace("    parallel: true\n", "")
        .replace("      - to: parts\n", "      - to: parts\n        when: parts\n")
        .replace(
            "      - to: visit\n",
            "      - to: visit\n        default: true\n",
        );
    let (_, g) = use_case(&plain);
    assert_eq!(g.flow.worst.as_ref().map(|w| w.count), Some(3));
}

#[test]
fn nested_parallel_blocks_add_up_inside_out() {
    // The outer block: open splits to inner (which splits again to a and b, joined at j) and
    // to c; everything meets at k. Handoffs: open->inner (to billing), inner->a, inner->b,
    // b->j, j->k (it-support to field-service), open->c, k->report; a->j and c->k stay in a team.
    let steps = [
        step(
            "open",
            "contact-centre",
            &["parallel: true", "next:", "  - to: inner", "  - to: c"],
        ),
        step(
            "inner",
            "billing",
            &["parallel: true", "next:", "  - to: a", "  - to: b"],
        ),
        step("a", "it-support", &["next: j"]),
        step("b", "field-service", &["next: j"]),
        step("j", "it-support", &["join: all", "next: k"]),
        step("c", "field-service", &["next: k"]),
        step("k", "field-service", &["join: all", "next: report"]),
        step("report", "contact-centre", &["next: done"]),
        end("done"),
    ]
    .concat();
    let (cat, g) = use_case(&steps);
    let meetings: Vec<Meeting> = g.flow.parallels.iter().map(|p| p.meeting).collect();
    assert_eq!(
        meetings,
        vec![Meeting::Joined(at(&cat, "k")), Meeting::Joined(at(&cat, "j"))]
    );
    let worst = g.flow.worst.as_ref().expect("a worst path");
    assert!(worst.exact);
    assert_eq!(worst.count, 7, "{:?}", worst.handoffs);
    assert_eq!(worst.handoffs.len(), 7);
}

#[test]
fn a_join_all_without_a_parallel_split_before_it_is_a_fact() {
    let steps = [
        step(
            "open",
            "contact-centre",
            &[
                "next:",
                "  - to: a",
                "    when: x",
                "  - to: b",
                "    default: true",
            ],
        ),
        step("a", "billing", &["next: j"]),
        step("b", "billing", &["next: j"]),
        step("j", "billing", &["join: all", "next: done"]),
        end("done"),
    ]
    .concat();
    let (cat, g) = use_case(&steps);
    assert_eq!(g.flow.unmatched_joins, vec![at(&cat, "j")]);
    // Branches that end apart never meet.
    let steps = [
        step(
            "open",
            "contact-centre",
            &["parallel: true", "next:", "  - to: a", "  - to: b"],
        ),
        step("a", "billing", &["next: one"]),
        step("b", "billing", &["next: two"]),
        end("one"),
        end("two"),
    ]
    .concat();
    let (_, g) = use_case(&steps);
    assert_eq!(g.flow.parallels[0].meeting, Meeting::Never);
}

mod random {
    use super::*;
    use proptest::prelude::*;

    const ACTORS: [&str; 5] = [
        "customer",
        "contact-centre",
        "billing",
        "field-service",
        "it-support",
    ];

    /// A step: its actor, `parallel`, `join: all`, and its entries (target, message).
    type StepSpec = (usize, bool, bool, Vec<(usize, bool)>);

    fn spec() -> impl Strategy<Value = Vec<StepSpec>> {
        (3..=9usize).prop_flat_map(|n| {
            prop::collection::vec(
                (
                    0..ACTORS.len(),
                    prop::bool::weighted(0.3),
                    prop::bool::weighted(0.3),
                    prop::collection::vec((0..n + 2, prop::bool::weighted(0.25)), 1..=3),
                ),
                n,
            )
        })
    }

    /// The YAML of the steps, with two end steps after them.
    fn yaml(steps: &[StepSpec], parallel: bool) -> String {
        let n = steps.len();
        let id = |i: usize| {
            if i < n {
                format!("s{i}")
            } else {
                format!("e{}", i - n)
            }
        };
        let mut y = String::new();
        for (i, (actor, par, join, next)) in steps.iter().enumerate() {
            y += &format!(
                "  - id: s{i}\n    title: S{i}\n    actor: {}\n    channel: phone\n",
                ACTORS[*actor]
            );
            if *par && parallel {
                y += "    parallel: true\n";
            }
            if *join && parallel {
                y += "    join: all\n";
            }
            y += "    next:\n";
            for (to, message) in next {
                y += &format!("      - to: {}\n", id(*to));
                if *message {
                    y += "        message: true\n";
                }
            }
        }
        y + "  - id: e0\n    end: done\n  - id: e1\n    end: done\n"
    }

    /// The steps reached from `from` along the edges `keep` accepts.
    fn reached(g: &FlowGraph, from: usize, keep: impl Fn(EdgeKind) -> bool) -> Vec<bool> {
        let mut seen = vec![false; g.succ.len()];
        let mut stack = vec![from];
        while let Some(u) = stack.pop() {
            if !std::mem::replace(&mut seen[u], true) {
                stack.extend(g.succ[u].iter().filter(|&&(_, k)| keep(k)).map(|&(v, _)| v));
            }
        }
        seen
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

        #[test]
        fn messages_and_parallel_blocks_keep_the_facts_consistent(steps in spec()) {
            let (cat, g) = use_case(&yaml(&steps, true));
            let n = g.succ.len();
            // Reachable along every edge; an end reached along the control flow only.
            prop_assert_eq!(&g.reachable, &reached(&g, 0, |_| true));
            for s in 0..n {
                let ends = reached(&g, s, |k| !k.is_message());
                let is_end = |x: usize| cat.use_cases[0].steps[x].is_end();
                prop_assert_eq!(g.reaches_end[s], (0..n).any(|x| ends[x] && is_end(x)));
            }
            // Handoffs listed by the worst path are control edges, and as many as it counts.
            if let Some(w) = g.flow.worst.as_ref().filter(|w| w.exact) {
                prop_assert_eq!(w.handoffs.len(), w.count);
                prop_assert!(w.handoffs.iter().all(|h| !h.edge.kind.is_message()));
                // Without `parallel` and `join`, the same walk search and no branch added.
                let (_, plain) = use_case(&yaml(&steps, false));
                if let Some(p) = plain.flow.worst.as_ref().filter(|p| p.exact) {
                    prop_assert!(w.count >= p.count, "{} < {}", w.count, p.count);
                }
            }
            // Every message between two teams is a handoff.
            for (u, list) in g.succ.iter().enumerate() {
                for &(v, k) in list.iter().filter(|(_, k)| k.is_message()) {
                    let teams = matches!((g.flow.who[u], g.flow.who[v]),
                        (Some(Who::Team(a)), Some(Who::Team(b))) if a != b);
                    let listed = g.flow.handoffs.iter().any(|h| h.edge.from == u && h.edge.to == v && h.edge.kind == k);
                    prop_assert_eq!(teams, listed);
                }
            }
        }
    }
}
