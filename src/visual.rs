//! Pictures of one use case's flow graph: Graphviz DOT and Mermaid (one cluster per actor), and
//! the swimlane diagram as SVG ([`crate::swimlane`]). Every label from YAML is escaped for the
//! target language.

use crate::graph::{EdgeKind, FlowGraph};
use crate::model::{Catalogue, UseCase};
use crate::swimlane::LaneLabels;
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

/// The words of the catalogue's language (`end`, `otherwise`, `on failure`).
fn words(cat: &Catalogue) -> &'static LaneLabels {
    LaneLabels::for_catalogue(cat)
}

fn label(uc: &UseCase, i: usize, words: &LaneLabels) -> String {
    let s = &uc.steps[i];
    match (&s.title, &s.end) {
        (Some(t), _) => t.value.clone(),
        (None, Some(e)) => format!("{}: {}", words.end, e.value),
        (None, None) => s.id.value.to_string(),
    }
}

/// The actors in order of first appearance, with their step indexes.
fn lanes(uc: &UseCase) -> Vec<(String, Vec<usize>)> {
    let mut lanes: Vec<(String, Vec<usize>)> = Vec::new();
    for (i, s) in uc.steps.iter().enumerate() {
        let actor = s.actor.as_ref().map_or_else(String::new, |a| a.value.to_string());
        match lanes.iter_mut().find(|(a, _)| *a == actor) {
            Some((_, v)) => v.push(i),
            None => lanes.push((actor, vec![i])),
        }
    }
    lanes
}

fn edge_label(uc: &UseCase, from: usize, kind: EdgeKind, words: &LaneLabels) -> Option<String> {
    match kind {
        EdgeKind::Next(k) | EdgeKind::Message(k) => {
            let n = &uc.steps[from].next[k];
            n.when
                .as_ref()
                .map(|w| w.value.clone())
                .or_else(|| n.default.then(|| words.otherwise.to_owned()))
        }
        EdgeKind::Recovery => Some(words.on_failure.to_owned()),
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

/// The longest line of a node's label in the DOT picture, in characters: Graphviz sizes a node
/// to its label, so an unwrapped step title made boxes over a thousand pixels wide.
pub const DOT_LINE: usize = 24;

/// A label wrapped at word boundaries into lines of at most [`DOT_LINE`] characters, escaped for
/// DOT, the lines joined by `\n` (Graphviz's centred line break).
fn dot_wrapped(text: &str) -> String {
    crate::swimlane::wrap(text, DOT_LINE)
        .iter()
        .map(|l| dot_escape(l))
        .collect::<Vec<_>>()
        .join("\\n")
}

fn dot(cat: &Catalogue, uc: &UseCase, flow: &FlowGraph) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "digraph \"{}\" {{", dot_escape(&uc.id.value));
    // Boxes sized to their wrapped labels (Graphviz's default minimum is 0.75 x 0.5 inch); end
    // steps are boxes with a double border, never circles, which grow with the square of their
    // label.
    let _ = writeln!(
        out,
        "  label=\"{}\";\n  labelloc=t;\n  rankdir=LR;\n  fontname=\"sans-serif\";\n  node [shape=box, style=rounded, fontname=\"sans-serif\", fontsize=11, width=0, height=0, margin=\"0.12,0.06\"];\n  edge [fontname=\"sans-serif\", fontsize=10];",
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
            let shape = if s.is_end() { ", peripheries=2" } else { "" };
            let _ = writeln!(
                out,
                "    \"{}\" [label=\"{}\"{shape}];",
                dot_escape(&s.id.value),
                dot_wrapped(&label(uc, i, words(cat)))
            );
        }
        let _ = writeln!(out, "  }}");
    }
    for i in 0..uc.steps.len() {
        for (t, kind) in flow.successors(i) {
            let mut attrs = Vec::new();
            if let Some(l) = edge_label(uc, i, kind, words(cat)) {
                attrs.push(format!("label=\"{}\"", dot_wrapped(&l)));
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
            let _ = writeln!(
                out,
                "    s{i}{open}\"{}\"{close}",
                mermaid_escape(&label(uc, i, words(cat)))
            );
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
            match edge_label(uc, i, kind, words(cat)) {
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
