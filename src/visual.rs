//! Pictures of one use case's flow graph: Graphviz DOT and Mermaid (one cluster per actor), and
//! the swimlane diagram as SVG ([`crate::swimlane`]). Every label from YAML is escaped for the
//! target language.

use crate::graph::{EdgeKind, FlowGraph};
use crate::model::{Catalogue, UseCase};
use std::fmt::Write;

/// The formats of `casebook graph`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum GraphFormat {
    /// Graphviz DOT.
    Dot,
    /// Mermaid flowchart.
    Mermaid,
    /// The swimlane diagram as a self-contained SVG (the handbook's picture).
    Svg,
}

/// Renders the flow graph of `uc` in `format`.
pub fn render(cat: &Catalogue, uc: &UseCase, flow: &FlowGraph, format: GraphFormat) -> String {
    match format {
        GraphFormat::Dot => dot(cat, uc, flow),
        GraphFormat::Mermaid => mermaid(cat, uc, flow),
        GraphFormat::Svg => {
            crate::swimlane::render_svg(cat, uc, flow, crate::swimlane::LaneLabels::for_catalogue(cat))
        }
    }
}

fn label(uc: &UseCase, i: usize) -> String {
    let s = &uc.steps[i];
    match (&s.title, &s.end) {
        (Some(t), _) => t.value.clone(),
        (None, Some(e)) => format!("end: {}", e.value),
        (None, None) => s.id.value.clone(),
    }
}

/// The actors in order of first appearance, with their step indexes.
fn lanes(uc: &UseCase) -> Vec<(String, Vec<usize>)> {
    let mut lanes: Vec<(String, Vec<usize>)> = Vec::new();
    for (i, s) in uc.steps.iter().enumerate() {
        let actor = s.actor.as_ref().map_or_else(String::new, |a| a.value.clone());
        match lanes.iter_mut().find(|(a, _)| *a == actor) {
            Some((_, v)) => v.push(i),
            None => lanes.push((actor, vec![i])),
        }
    }
    lanes
}

fn edge_label(uc: &UseCase, from: usize, kind: EdgeKind) -> Option<String> {
    match kind {
        EdgeKind::Next(k) | EdgeKind::Message(k) => {
            let n = &uc.steps[from].next[k];
            n.when
                .as_ref()
                .map(|w| w.value.clone())
                .or_else(|| n.default.then(|| "otherwise".to_owned()))
        }
        EdgeKind::Recovery => Some("on failure".to_owned()),
    }
}

fn dot_escape(s: &str) -> String {
    s.chars()
        .flat_map(|c| match c {
            '"' => vec!['\\', '"'],
            '\\' => vec!['\\', '\\'],
            '\n' | '\r' => vec![' '],
            c => vec![c],
        })
        .collect()
}

fn dot(cat: &Catalogue, uc: &UseCase, flow: &FlowGraph) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "digraph \"{}\" {{", dot_escape(&uc.id.value));
    let _ = writeln!(
        out,
        "  label=\"{}\";\n  labelloc=t;\n  rankdir=LR;\n  node [shape=box, style=rounded];",
        dot_escape(&uc.title)
    );
    for (n, (actor, steps)) in lanes(uc).iter().enumerate() {
        let name = if actor.is_empty() {
            "end".to_owned()
        } else {
            cat.team(actor).map_or_else(|| actor.clone(), |t| t.name.clone())
        };
        let _ = writeln!(
            out,
            "  subgraph cluster_{n} {{\n    label=\"{}\";",
            dot_escape(&name)
        );
        for &i in steps {
            let s = &uc.steps[i];
            let shape = if s.is_end() { ", shape=doublecircle" } else { "" };
            let _ = writeln!(
                out,
                "    \"{}\" [label=\"{}\"{shape}];",
                dot_escape(&s.id.value),
                dot_escape(&label(uc, i))
            );
        }
        let _ = writeln!(out, "  }}");
    }
    for i in 0..uc.steps.len() {
        for (t, kind) in flow.successors(i) {
            let mut attrs = Vec::new();
            if let Some(l) = edge_label(uc, i, kind) {
                attrs.push(format!("label=\"{}\"", dot_escape(&l)));
            }
            if kind == EdgeKind::Recovery {
                attrs.push("style=dashed".to_owned());
            }
            if kind.is_message() {
                attrs.push("style=dotted".to_owned());
            }
            let attrs = if attrs.is_empty() {
                String::new()
            } else {
                format!(" [{}]", attrs.join(", "))
            };
            let _ = writeln!(
                out,
                "  \"{}\" -> \"{}\"{attrs};",
                dot_escape(&uc.steps[i].id.value),
                dot_escape(&uc.steps[t].id.value)
            );
        }
    }
    out.push_str("}\n");
    out
}

fn mermaid_escape(s: &str) -> String {
    let mut out = String::new();
    for c in s.chars() {
        match c {
            '"' => out.push_str("#quot;"),
            '<' => out.push_str("#lt;"),
            '>' => out.push_str("#gt;"),
            '&' => out.push_str("#amp;"),
            '#' => out.push_str("#35;"),
            '|' => out.push_str("#124;"),
            '\n' | '\r' => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

fn mermaid(cat: &Catalogue, uc: &UseCase, flow: &FlowGraph) -> String {
    let mut out = String::from("flowchart LR\n");
    for (n, (actor, steps)) in lanes(uc).iter().enumerate() {
        let name = if actor.is_empty() {
            "end".to_owned()
        } else {
            cat.team(actor).map_or_else(|| actor.clone(), |t| t.name.clone())
        };
        let _ = writeln!(out, "  subgraph lane{n}[\"{}\"]", mermaid_escape(&name));
        for &i in steps {
            let (open, close) = if uc.steps[i].is_end() {
                ("([", "])")
            } else {
                ("[", "]")
            };
            let _ = writeln!(out, "    s{i}{open}\"{}\"{close}", mermaid_escape(&label(uc, i)));
        }
        let _ = writeln!(out, "  end");
    }
    for i in 0..uc.steps.len() {
        for (t, kind) in flow.successors(i) {
            // Mermaid has one dotted arrow: a message is drawn like a recovery, with its own
            // label (or none).
            let arrow = if kind == EdgeKind::Recovery || kind.is_message() {
                "-.->"
            } else {
                "-->"
            };
            match edge_label(uc, i, kind) {
                Some(l) => {
                    let _ = writeln!(out, "  s{i} {arrow}|\"{}\"| s{t}", mermaid_escape(&l));
                }
                None => {
                    let _ = writeln!(out, "  s{i} {arrow} s{t}");
                }
            }
        }
    }
    out
}
