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
    assert!(worst.exact, "no loop: nothing to bound");
    assert_eq!(worst.count, LEVELS);
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
/// component with three simple cycles; the worst path goes through them and round each once
/// (15 against 3); the inner loop bounces between two teams; an item given in the innermost
/// loop (and on the way around) is available after the loops, since every way out passes
/// through it.
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
    // The path outer .. outer-end, after: 5 handoffs (cc → billing → field service → IT
    // support → billing → cc). Round each cycle once: inner, reset (2); middle, inner, reset,
    // middle-end (3); outer .. outer-end (5).
    assert!(worst.exact);
    assert_eq!(worst.count, 5 + 2 + 3 + 5, "the path and each cycle once");
    assert_eq!(worst.handoffs.len(), worst.count);
    assert_eq!(id(worst.handoffs[0].edge.from), "outer");
    assert_walk(uc, g, worst);

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

/// The worst walk is a walk of the flow graph from the start to an end step, and its handoffs
/// are the handoff edges along it, in order.
fn assert_walk(uc: &UseCase, g: &FlowGraph, worst: &casebook::graph::worst::WorstPath) {
    let w = &worst.walk;
    assert_eq!(w.first(), g.start.map(|s| g.graph[s]).as_ref());
    assert!(uc.steps[*w.last().expect("a walk")].is_end());
    let mut along = Vec::new();
    for pair in w.windows(2) {
        let kind = g
            .flow
            .handoffs
            .iter()
            .find(|h| (h.edge.from, h.edge.to) == (pair[0], pair[1]));
        assert!(
            g.succ[pair[0]].iter().any(|&(v, _)| v == pair[1]),
            "{pair:?} is no edge"
        );
        along.extend(kind.map(|h| h.edge));
    }
    let listed: Vec<_> = worst.handoffs.iter().map(|h| h.edge).collect();
    assert_eq!(along, listed);
}

/// 30 loops nested in each other: loop i runs from `h<i>` down to the innermost step and back
/// up to `t<i>`, which goes back to `h<i>` or on to `t<i-1>`. The teams alternate between
/// billing and field service at every level, so each step down and each step up is a handoff.
/// There are exactly 30 simple cycles (one per back edge); loop i has 2 (29 − i) handoffs. The
/// worst path goes down and up once (29 + 29 handoffs, and `t0` → the agent: 1) and round
/// every cycle once (2 · (0 + 1 + ... + 29) = 870): 929, exact, in milliseconds.
#[test]
fn thirty_nested_loops() {
    const DEPTH: usize = 30;
    let team = |i: usize| ["billing", "field-service"][i % 2];
    let mut y = head("thirty-loops");
    y += &step("call", "customer", &[("h0", "")], "");
    for i in 0..DEPTH {
        let down = if i + 1 < DEPTH {
            format!("h{}", i + 1)
        } else {
            format!("t{i}")
        };
        y += &step(&format!("h{i}"), team(i), &[(&down, "")], "    duration: 1h\n");
        let out = if i == 0 {
            "after".to_owned()
        } else {
            format!("t{}", i - 1)
        };
        let back = format!("h{i}");
        y += &step(
            &format!("t{i}"),
            team(i),
            &[(&back, "once more"), (&out, "done at this level")],
            "    duration: 1h\n",
        );
    }
    y += &step("after", "contact-centre", &[("done", "")], "    duration: 1h\n");
    y += "  - id: done\n    end: resolved\n";
    let checked = check_files(&[("use-cases/thirty-loops.yaml", y)]);
    let (uc, g) = flow(&checked, "thirty-loops");
    let worst = g.flow.worst.as_ref().expect("an end is reachable");
    assert!(worst.exact, "30 cycles are well within the search budget");
    let cycles: usize = (0..DEPTH).map(|i| 2 * (DEPTH - 1 - i)).sum();
    assert_eq!(cycles, 870);
    assert_eq!(worst.count, 2 * (DEPTH - 1) + 1 + cycles);
    assert_walk(uc, g, worst);
    assert_eq!(count(&checked, "handoff-budget"), 1);
}

/// The 40 binary choices again, with a way back from the end of the chain to the start: 2^40
/// simple cycles, far more than casebook searches. The worst path is then an upper bound, said
/// to be one, and the analysis still finishes in milliseconds.
#[test]
fn forty_binary_choices_in_a_loop() {
    const LEVELS: usize = 40;
    let mut y = head("forty-in-a-loop");
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
        y += &step(&format!("a{i}"), "contact-centre", &next, "    duration: 1h\n");
        y += &step(&format!("b{i}"), "billing", &next, "    duration: 1h\n");
    }
    y += &step(
        "close",
        "contact-centre",
        &[("done", "the client agrees"), ("call", "the client calls again")],
        "    duration: 1h\n",
    );
    y += "  - id: done\n    end: resolved\n";
    let checked = check_files(&[("use-cases/forty-in-a-loop.yaml", y)]);
    let (_, g) = flow(&checked, "forty-in-a-loop");
    let worst = g.flow.worst.as_ref().expect("an end is reachable");
    assert!(!worst.exact, "2^40 cycles cannot be searched");
    // The alternating path alone has 40 handoffs, and so has each alternating cycle.
    assert!(
        worst.count >= 2 * LEVELS,
        "a bound is never below the truth: {}",
        worst.count
    );
    assert!(worst.walk.is_empty() && worst.tangle.is_some());
    let d = checked
        .report
        .diagnostics
        .iter()
        .find(|d| d.rule == "handoff-budget")
        .expect("over the budget");
    assert!(
        d.message.contains("may have up to") && d.message.contains("upper bound"),
        "{}",
        d.message
    );
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

/// A use case that is a chain of 18,000 steps (about as many as the loader's budget of YAML
/// nodes lets a file hold): the recursive search of strongly connected components went one call
/// deeper per step and overflowed a worker thread's stack, aborting the whole run. Through the
/// binary, since an overflow aborts the process.
#[test]
fn a_chain_of_eighteen_thousand_steps_is_checked() {
    const STEPS: usize = 18_000;
    let mut y = head("endless");
    for i in 0..STEPS {
        let _ = writeln!(
            y,
            "  - {{id: s{i}, title: Step {i}, actor: billing, next: s{}}}",
            i + 1
        );
    }
    let _ = writeln!(y, "  - {{id: s{STEPS}, end: resolved}}");
    let laid = base();
    let path = laid.root().join("use-cases/endless.yaml");
    std::fs::create_dir_all(path.parent().expect("a folder")).expect("create folder");
    std::fs::write(&path, y).expect("write file");
    let out = crate::support::casebook()
        .args([
            "check",
            "--format",
            "json",
            "--fail-on",
            "never",
            "--today",
            "2026-11-22",
        ])
        .arg("--catalogue")
        .arg(laid.root())
        .timeout(std::time::Duration::from_secs(300))
        .output()
        .expect("run casebook");
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).expect("a JSON report");
    assert_eq!(report["summary"]["use_cases"], 1);
}
