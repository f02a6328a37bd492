//! The graphs of the catalogue, built once with petgraph, and the analyses that return facts
//! about them. This layer knows no rule ids: rules, metrics and the handbook read its facts.
//!
//! - [`FlowGraph`]: one per use case; a node per step, an edge per `next` entry, plus an edge
//!   from a fail point to its `recovery` step (the way things go when the step fails). A `next`
//!   entry with `message: true` is an [`EdgeKind::Message`] edge: a way the case reaches a step
//!   (it counts for `reachable`) and a handoff, but not a way the flow goes on, so
//!   `reaches_end`, the components and the flow analyses' control flow leave it out.
//! - [`CallGraph`]: one node per use case, an edge per step that `calls` another use case.
//!
//! Complexity: building is linear in steps + edges; reachability is one DFS each way (linear);
//! strongly connected components use Tarjan's algorithm (linear).

pub mod flow;
pub mod scc;
pub mod worst;

#[cfg(test)]
mod tests;

use crate::model::{Catalogue, UseCase};
use petgraph::stable_graph::{NodeIndex, StableDiGraph};
use petgraph::visit::{
    Dfs, EdgeFiltered, EdgeRef, IntoEdgeReferences, IntoNeighborsDirected, IntoNodeIdentifiers,
    NodeIndexable, Reversed, Visitable,
};
use rayon::prelude::*;
use scc::tarjan_scc;

/// Why an edge exists.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum EdgeKind {
    /// The n-th entry of the source step's `next`.
    Next(usize),
    /// The source step's `recovery`.
    Recovery,
    /// The n-th entry of the source step's `next`, a message (`message: true`): a handoff that
    /// may carry information, not control flow.
    Message(usize),
}

impl EdgeKind {
    /// True for a message edge.
    pub fn is_message(self) -> bool {
        matches!(self, EdgeKind::Message(_))
    }

    /// The index of its `next` entry, for a `next` entry or a message.
    pub fn entry(self) -> Option<usize> {
        match self {
            EdgeKind::Next(k) | EdgeKind::Message(k) => Some(k),
            EdgeKind::Recovery => None,
        }
    }
}

/// The flow graph of one use case and its structural facts.
#[derive(Debug)]
pub struct FlowGraph {
    /// Node weight: the step's index in `UseCase::steps` (node i is step i).
    pub graph: StableDiGraph<usize, EdgeKind>,
    /// The start step, when it exists.
    pub start: Option<NodeIndex>,
    /// Per step: reachable from the start (along `next` entries, messages and `recovery`: a
    /// step that only a message leads into is where a part of the flow starts).
    pub reachable: Vec<bool>,
    /// Per step: some end step can be reached from it (messages left out: they are no way on).
    pub reaches_end: Vec<bool>,
    /// Strongly connected components of the control flow (messages left out), each sorted by
    /// step index, in reverse topological order (a component comes before the components that
    /// lead to it).
    pub sccs: Vec<Vec<usize>>,
    /// Per step: the index of its component in `sccs`.
    pub scc_of: Vec<usize>,
    /// Per step: the steps it leads to, with the kind of edge, in `next` order.
    pub succ: Vec<Vec<(usize, EdgeKind)>>,
    /// Per step: the steps that lead to it, with the kind of edge.
    pub pred: Vec<Vec<(usize, EdgeKind)>>,
    /// The flow analyses (handoffs, information, paths).
    pub flow: flow::FlowFacts,
}

impl FlowGraph {
    /// Builds the graph of `uc` and computes its facts.
    pub fn build(cat: &Catalogue, uc: &UseCase) -> FlowGraph {
        let n = uc.steps.len();
        let mut graph = StableDiGraph::with_capacity(n, n + n / 2);
        let nodes: Vec<NodeIndex> = (0..n).map(|i| graph.add_node(i)).collect();
        for (i, step) in uc.steps.iter().enumerate() {
            for (k, next) in step.next.iter().enumerate() {
                if let Some(j) = uc.step(&next.to.value) {
                    let kind = if next.message {
                        EdgeKind::Message(k)
                    } else {
                        EdgeKind::Next(k)
                    };
                    graph.add_edge(nodes[i], nodes[j], kind);
                }
            }
            if step.fail_point.is_some()
                && let Some(j) = step.recovery.as_ref().and_then(|r| uc.step(&r.value))
            {
                graph.add_edge(nodes[i], nodes[j], EdgeKind::Recovery);
            }
        }
        graph.shrink_to_fit_edges(); // kept until the report is written
        let start = uc.start_step().map(|i| nodes[i]);

        let mut reachable = vec![false; n];
        if let Some(s) = start {
            let mut dfs = Dfs::new(&graph, s);
            while let Some(v) = dfs.next(&graph) {
                reachable[graph[v]] = true;
            }
        }

        // The control flow: without messages. Filtering costs a call per edge, so a use case
        // without messages walks the graph itself.
        let ends = uc
            .steps
            .iter()
            .enumerate()
            .filter(|(_, s)| s.is_end())
            .map(|(i, _)| i);
        let (reaches_end, mut sccs) = if uc.steps.iter().any(|s| s.next.iter().any(|x| x.message)) {
            control_facts(
                &EdgeFiltered::from_fn(&graph, |e| !e.weight().is_message()),
                n,
                ends,
            )
        } else {
            control_facts(&graph, n, ends)
        };
        sccs.shrink_to_fit();
        let mut scc_of = vec![0; n];
        for (ci, c) in sccs.iter().enumerate() {
            for &s in c {
                scc_of[s] = ci;
            }
        }
        let mut succ = vec![Vec::new(); n];
        let mut pred = vec![Vec::new(); n];
        for e in graph.edge_references() {
            let (u, v) = (graph[e.source()], graph[e.target()]);
            succ[u].push((v, *e.weight()));
            pred[v].push((u, *e.weight()));
        }
        for list in succ.iter_mut().chain(pred.iter_mut()) {
            list.sort_by_key(|&(t, k)| (edge_order(k), t));
            // Kept until the report is written: no spare room (a first push makes room for 4).
            list.shrink_to_fit();
        }
        let mut fg = FlowGraph {
            graph,
            start,
            reachable,
            reaches_end,
            sccs,
            scc_of,
            succ,
            pred,
            flow: flow::FlowFacts::default(),
        };
        fg.flow = flow::analyse(cat, uc, &fg);
        fg
    }

    /// The node of step `i`.
    pub fn node(&self, i: usize) -> NodeIndex {
        NodeIndex::new(i)
    }

    /// The steps that step `i` leads to, with the kind of edge, in edge order.
    pub fn successors(&self, i: usize) -> impl Iterator<Item = (usize, EdgeKind)> + '_ {
        let mut out: Vec<_> = self
            .graph
            .edges(self.node(i))
            .map(|e| (self.graph[e.target()], *e.weight()))
            .collect();
        out.reverse(); // petgraph lists the newest edge first
        out.into_iter()
    }

    /// The steps that lead to step `i`.
    pub fn predecessors(&self, i: usize) -> impl Iterator<Item = usize> + '_ {
        self.graph
            .neighbors_directed(self.node(i), petgraph::Direction::Incoming)
            .map(|v| self.graph[v])
    }

    /// The steps reached through a cross-department handoff from a reachable step, each once,
    /// with the first such handoff into it (in step order).
    pub fn cross_department_arrivals(&self) -> impl Iterator<Item = &flow::Handoff> + '_ {
        let mut seen = std::collections::HashSet::new();
        self.flow
            .handoffs
            .iter()
            .filter(move |h| h.cross_department && self.reachable[h.edge.from] && seen.insert(h.edge.to))
    }

    /// The steps that step `i` leads to by control flow (`next` entries that are not messages,
    /// `recovery`), with the kind of edge, in edge order.
    pub fn control_successors(&self, i: usize) -> impl Iterator<Item = (usize, EdgeKind)> + '_ {
        self.successors(i).filter(|(_, k)| !k.is_message())
    }

    /// True when the use case has a message edge.
    pub fn has_messages(&self) -> bool {
        self.succ.iter().flatten().any(|(_, k)| k.is_message())
    }

    /// True when the component is a cycle of the control flow (several steps, or one step that
    /// leads to itself).
    pub fn is_cycle(&self, scc: &[usize]) -> bool {
        scc.len() > 1 || self.control_successors(scc[0]).any(|(t, _)| t == scc[0])
    }
}

/// Which steps reach an end step along the edges of `g`, and its strongly connected components
/// (each sorted, in reverse topological order). Node `i` of `g` is step `i`.
fn control_facts<G>(g: G, n: usize, ends: impl Iterator<Item = usize>) -> (Vec<bool>, Vec<Vec<usize>>)
where
    G: IntoNeighborsDirected + IntoNodeIdentifiers + NodeIndexable + Visitable,
    G::NodeId: Copy + PartialEq,
{
    let mut reaches_end = vec![false; n];
    let reversed = Reversed(g);
    let mut dfs = Dfs::empty(reversed);
    for i in ends {
        dfs.move_to(g.from_index(i));
        while let Some(v) = dfs.next(reversed) {
            reaches_end[g.to_index(v)] = true;
        }
    }
    let sccs = tarjan_scc(g)
        .into_iter()
        .map(|c| {
            let mut c: Vec<usize> = c.into_iter().map(|v| g.to_index(v)).collect();
            c.sort_unstable();
            c
        })
        .collect();
    (reaches_end, sccs)
}

/// Sorts `next` entries by position, recovery edges last.
fn edge_order(k: EdgeKind) -> usize {
    match k {
        EdgeKind::Next(i) | EdgeKind::Message(i) => i,
        EdgeKind::Recovery => usize::MAX,
    }
}

/// The catalogue's `calls` graph.
#[derive(Debug)]
pub struct CallGraph {
    /// Node weight: index into `Catalogue::use_cases`; edge weight: the calling step's index.
    pub graph: StableDiGraph<usize, usize>,
    /// Components of use cases that call each other in a cycle, each sorted.
    pub cycles: Vec<Vec<usize>>,
}

impl CallGraph {
    /// Builds the graph from every step's `calls`.
    pub fn build(cat: &Catalogue) -> CallGraph {
        let mut graph = StableDiGraph::new();
        let nodes: Vec<NodeIndex> = (0..cat.use_cases.len()).map(|i| graph.add_node(i)).collect();
        for (i, uc) in cat.use_cases.iter().enumerate() {
            for (s, step) in uc.steps.iter().enumerate() {
                if let Some(&j) = step
                    .calls
                    .as_ref()
                    .and_then(|c| cat.index.use_cases.get(c.value.as_str()))
                {
                    graph.add_edge(nodes[i], nodes[j], s);
                }
            }
        }
        let mut cycles: Vec<Vec<usize>> = tarjan_scc(&graph)
            .into_iter()
            .filter(|c| c.len() > 1 || graph.contains_edge(c[0], c[0]))
            .map(|c| {
                let mut c: Vec<usize> = c.into_iter().map(|v| graph[v]).collect();
                c.sort_unstable();
                c
            })
            .collect();
        cycles.sort();
        CallGraph { graph, cycles }
    }
}

/// Every graph fact of a catalogue, built once.
#[derive(Debug)]
pub struct Facts {
    /// One flow graph per use case, in the order of `Catalogue::use_cases`.
    pub flows: Vec<FlowGraph>,
    /// The calls graph.
    pub calls: CallGraph,
}

impl Facts {
    /// Builds every graph (flow graphs in parallel).
    pub fn build(cat: &Catalogue) -> Facts {
        Facts {
            flows: cat
                .use_cases
                .par_iter()
                .map(|uc| FlowGraph::build(cat, uc))
                .collect(),
            calls: CallGraph::build(cat),
        }
    }
}
