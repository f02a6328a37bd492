//! Hostile shapes: use cases whose paths cannot be enumerated (2^40 of them), loops nested three
//! deep, and long chains of team changes with more items than one machine word. The analyses
//! never enumerate paths; these tests check that their results are still right on such shapes.
//! (No timing assertions: each runs in milliseconds.)

use crate::rules::{base, check_at};
use casebook::Checked;
use casebook::graph::FlowGraph;
use casebook::model::UseCase;
use std::fmt::Write;

/// The head of a use case, up to `steps:`.
fn head(id: &str) -> String {
    format!(
        "id: {id}\ntitle: A hostile shape\ndomain: test\nowner: billing\nstatus: draft\n\
         trigger: Anything.\noutcome: Something.\nsteps:\n"
    )
}

/// One step; `next` lists (target, when) entries, `extra` is added as is.
fn step(id: &str, actor: &str, next: &[(&str, &str)], extra: &str) -> String {
    let mut y = format!("  - id: {id}\n    title: Step {id}\n    actor: {actor}\n    channel: phone\n");
    y += extra;
    y += "    next:\n";
    for (to, when) in next {
        let _ = writeln!(y, "      - to: {to}");
        if next.len() > 1 {
            let _ = writeln!(y, "        when: {when}");
        }
    }
    y
}

/// Lays `files` (path, text) over the base catalogue and checks it.
fn check_files(files: &[(&str, String)]) -> Checked {
    let laid = base();
    for (path, text) in files {
        let to = laid.root().join(path);
        std::fs::create_dir_all(to.parent().expect("a folder")).expect("create folder");
        std::fs::write(to, text).expect("write file");
    }
    check_at(laid.root())
}

/// The use case `id` and its flow graph.
fn flow<'a>(checked: &'a Checked, id: &str) -> (&'a UseCase, &'a FlowGraph) {
    let i = checked
        .catalogue
        .use_cases
        .iter()
        .position(|u| u.id.value == id)
        .expect("the use case is loaded");
    (&checked.catalogue.use_cases[i], &checked.facts.flows[i])
}

fn team_id(checked: &Checked, t: usize) -> &str {
    &checked.catalogue.teams[t].id.value
}

/// The rules that fired, with their counts, in the report.
fn count(checked: &Checked, rule: &str) -> usize {
    checked
        .report
        .diagnostics
        .iter()
        .filter(|d| d.rule == rule)
        .count()
}

/// 40 levels, each a choice between a step of the contact centre and a step of billing: 2^40
/// paths. The worst path alternates at every level (39 handoffs), and the alternation is a
/// ping-pong. An item given on only one side of the first choice is a gap at the end; one given
/// on both sides is not.
#[test]
fn forty_binary_choices_in_sequence() {
    const LEVELS: usize = 40;
    let mut y = head("forty-choices");
    y += &step(
        "call",
        "customer",
        &[("a0", "the usual case"), ("b0", "a billing question")],
        "",
    );
    for i in 0..LEVELS {
        let next: Vec<(String, &str)> = if i + 1 < LEVELS {
            vec![
                (format!("a{}", i + 1), "the agent can go on"),
                (format!("b{}", i + 1), "billing must look"),
            ]
        } else {
            vec![("close".to_owned(), "always")]
        };
        let next: Vec<(&str, &str)> = next.iter().map(|(t, w)| (t.as_str(), *w)).collect();
        let (extra_a, extra_b) = match i {
            0 => (
                "    gives: [credit-note]\n",
                "    gives: [credit-note, justification]\n    duration: 1h\n",
            ),
            _ => ("    duration: 1h\n", "    duration: 1h\n"),
        };
        y += &step(&format!("a{i}"), "contact-centre", &next, extra_a);
        y += &step(&format!("b{i}"), "billing", &next, extra_b);
    }
    y += &step(
        "close",
        "contact-centre",
        &[("done", "")],
        "    needs: [credit-note, justification]\n    duration: 1h\n",
    );
    y += "  - id: done\n    end: resolved\n";
    let checked = check_files(&[("use-cases/forty-choices.yaml", y)]);
    let (uc, g) = flow(&checked, "forty-choices");
    assert_eq!(uc.steps.len(), 2 * LEVELS + 3);

    // b_i -> a_{i+1} and a_i -> b_{i+1} on every level, plus b39 -> close.
    assert_eq!(g.flow.handoffs.len(), 2 * (LEVELS - 1) + 1);
    let worst = g.flow.worst.as_ref().expect("an end is reachable");
    assert_eq!(worst.handoffs.len(), LEVELS, "39 alternations and b39 -> close");
    // The alternating path: every edge after `call` is a handoff, each starting where the
    // previous one ended.
    assert!(worst.handoffs.windows(2).all(|w| w[0].edge.to == w[1].edge.from));

    let pairs: Vec<(&str, &str)> = g
        .flow
        .ping_pongs
        .iter()
        .map(|p| (team_id(&checked, p.first), team_id(&checked, p.second)))
        .collect();
    assert_eq!(pairs.len(), 1, "{pairs:?}");
    let (a, b) = pairs[0];
    assert!(matches!(
        (a, b),
        ("contact-centre", "billing") | ("billing", "contact-centre")
    ));

    // `justification` is given by b0 only: a gap at `close`, found along a0.
    let gaps: Vec<(&str, &str)> = g
        .flow
        .gaps
        .iter()
        .map(|x| {
            (
                uc.steps[x.step].id.value.as_str(),
                uc.steps[x.step].needs[x.need].value.as_str(),
            )
        })
        .collect();
    assert_eq!(gaps, [("close", "justification")]);
    let witness = &g.flow.gaps[0].witness;
    assert_eq!(uc.steps[witness[1]].id.value, "a0");
    assert_eq!(witness.len(), LEVELS + 2, "call, one step per level, close");

    assert_eq!(count(&checked, "handoff-budget"), 1);
    assert_eq!(count(&checked, "information-gap"), 1);
    assert_eq!(count(&checked, "ping-pong"), 1);
}

/// Three loops nested in each other: field service and IT support inside billing's loop
/// inside the contact centre's, and a way around them. All steps of the loops form one
/// component; its handoffs count once, which makes it the worst path (6 against 3); the inner
/// loop bounces between two teams; an item given in the innermost loop (and on the way around)
/// is available after the loops, since every way out passes through it.
#[test]
fn three_nested_loops() {
    let mut y = head("nested-loops");
    y += &step(
        "call",
        "customer",
        &[("outer", "a dispute"), ("quick", "a simple question")],
        "",
    );
    // A way around the loops with 3 handoffs: fewer than the loops' 6.
    y += &step("quick", "billing", &[("q-check", "")], "    duration: 1d\n");
    y += &step(
        "q-check",
        "field-service",
        &[("q-read", "")],
        "    duration: 1d\n",
    );
    y += &step(
        "q-read",
        "it-support",
        &[("q-tell", "")],
        "    gives: [meter-reading]\n",
    );
    y += &step("q-tell", "contact-centre", &[("after", "")], "    duration: 1h\n");
    y += &step("outer", "contact-centre", &[("middle", "")], "");
    y += &step("middle", "billing", &[("inner", "")], "    duration: 1d\n");
    y += &step("inner", "field-service", &[("reset", "")], "    duration: 1d\n");
    y += &step(
        "reset",
        "it-support",
        &[
            ("inner", "the meter is still silent"),
            ("middle-end", "the meter answers"),
        ],
        "    gives: [meter-reading]\n",
    );
    y += &step(
        "middle-end",
        "billing",
        &[
            ("middle", "the reading is implausible"),
            ("outer-end", "the reading is fine"),
        ],
        "    duration: 1d\n",
    );
    y += &step(
        "outer-end",
        "contact-centre",
        &[
            ("outer", "the client disputes again"),
            ("after", "the client agrees"),
        ],
        "    duration: 1h\n",
    );
    y += &step(
        "after",
        "contact-centre",
        &[("done", "")],
        "    needs: [meter-reading]\n",
    );
    y += "  - id: done\n    end: resolved\n";
    let checked = check_files(&[("use-cases/nested-loops.yaml", y)]);
    let (uc, g) = flow(&checked, "nested-loops");
    let id = |s: usize| uc.steps[s].id.value.as_str();

    let cycles: Vec<Vec<&str>> = g
        .sccs
        .iter()
        .filter(|c| g.is_cycle(c))
        .map(|c| c.iter().map(|&s| id(s)).collect())
        .collect();
    assert_eq!(
        cycles,
        [["outer", "middle", "inner", "reset", "middle-end", "outer-end"]]
    );
    // Handoff edges: outer->middle, middle->inner, inner->reset, reset->inner,
    // reset->middle-end, middle-end->outer-end; middle-end->middle, outer-end->outer and
    // outer-end->after stay within one team.
    assert_eq!(g.flow.handoffs.len(), 6 + 3);
    let worst = g.flow.worst.as_ref().expect("an end is reachable");
    assert_eq!(worst.handoffs.len(), 6, "each handoff of the loops once");
    assert_eq!(id(worst.handoffs[0].edge.from), "outer");

    let pairs: Vec<(&str, &str)> = g
        .flow
        .ping_pongs
        .iter()
        .map(|p| (team_id(&checked, p.first), team_id(&checked, p.second)))
        .collect();
    assert_eq!(pairs, [("field-service", "it-support")]);
    assert!(g.flow.gaps.is_empty(), "{:?}", g.flow.gaps);
    assert_eq!(count(&checked, "information-gap"), 0);
}

/// 200 steps in a chain, each by the next team of a rotation of five (no two teams alternate),
/// each giving its own item from a catalogue of 200 items (more than a machine word), and a
/// final A, B, A, B. The last step needs every item but one that nothing gives.
#[test]
fn a_long_chain_of_team_changes_and_many_items() {
    const STEPS: usize = 200;
    const TEAMS: [&str; 5] = [
        "contact-centre",
        "billing",
        "field-service",
        "it-support",
        "chatbot",
    ];
    let mut info = String::from("information:\n");
    for i in 0..=STEPS {
        let _ = writeln!(info, "  - id: item-{i}\n    name: Item {i}");
    }
    let mut y = head("long-chain");
    y += &step("call", "customer", &[("c0", "")], "");
    for i in 0..STEPS {
        let next = if i + 1 < STEPS {
            format!("c{}", i + 1)
        } else {
            "p0".to_owned()
        };
        y += &step(
            &format!("c{i}"),
            TEAMS[i % TEAMS.len()],
            &[(&next, "")],
            &format!("    gives: [item-{i}]\n    duration: 1h\n"),
        );
    }
    // c199 is chatbot (199 % 5 == 4); then billing, chatbot, billing: chatbot, billing, chatbot,
    // billing is a ping-pong.
    y += &step("p0", "billing", &[("p1", "")], "    duration: 1h\n");
    y += &step("p1", "chatbot", &[("p2", "")], "    duration: 1h\n");
    let needs: Vec<String> = (0..=STEPS).map(|i| format!("item-{i}")).collect();
    y += &step(
        "p2",
        "billing",
        &[("tell", "")],
        &format!("    needs: [{}]\n    duration: 1h\n", needs.join(", ")),
    );
    y += &step("tell", "contact-centre", &[("done", "")], "    duration: 1h\n");
    y += "  - id: done\n    end: resolved\n";
    let checked = check_files(&[("information.yaml", info), ("use-cases/long-chain.yaml", y)]);
    let (uc, g) = flow(&checked, "long-chain");

    // c0 .. c199 change team every step (199), then c199 -> p0 -> p1 -> p2 -> tell (4).
    let worst = g.flow.worst.as_ref().expect("an end is reachable");
    assert_eq!(worst.handoffs.len(), STEPS - 1 + 4);
    assert_eq!(g.flow.handoffs.len(), STEPS - 1 + 4);

    let pairs: Vec<(&str, &str)> = g
        .flow
        .ping_pongs
        .iter()
        .map(|p| (team_id(&checked, p.first), team_id(&checked, p.second)))
        .collect();
    assert_eq!(pairs, [("chatbot", "billing")]);
    assert_eq!(uc.steps[g.flow.ping_pongs[0].edge.to].id.value, "p2");

    let missing: Vec<&str> = g
        .flow
        .gaps
        .iter()
        .map(|x| uc.steps[x.step].needs[x.need].value.as_str())
        .collect();
    assert_eq!(missing, [format!("item-{STEPS}")]);
    // The items are recorded nowhere and carried by nobody: at the handoff chatbot -> billing,
    // only the items billing gave itself reach it.
    let silos: Vec<&str> = g
        .flow
        .silos
        .iter()
        .map(|s| uc.steps[s.handoff.edge.to].needs[s.need].value.as_str())
        .collect();
    let given_elsewhere = (0..STEPS).filter(|i| TEAMS[i % TEAMS.len()] != "billing").count();
    assert_eq!(silos.len(), given_elsewhere, "{silos:?}");
}
