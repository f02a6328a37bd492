//! The worst path by handoffs: one definition, read by handoff-budget, `casebook stats` and the
//! handbook, and the one set of walks ping-pong looks at.
//!
//! # Definition
//!
//! The flow graph here has one edge per pair of steps: a second `next` entry to the same step
//! (reported by `duplicate-branch`) is the same way on and adds no handoff. The walk stops at
//! the first end step it reaches.
//!
//! A **worst-path walk** is a walk from the start step to an end step whose edges, counted with
//! their multiplicity, are those of one simple path from the start to that end plus a set of
//! *distinct* simple cycles. This is what "goes round each simple cycle at most once" means: the
//! walk may go round every loop there is, each way round once, but never round the same way
//! twice. `write`, `check`, `write`, `check`, `done` is one (the path `write`, `check`, `done`
//! and the cycle `write`, `check`, `write`), and has 3 handoffs when `write` and `check` are two
//! teams; `write`, `check`, `write`, `check`, `write`, `check`, `done` is not (the cycle twice).
//! The worst path is such a walk with the most handoffs; where no end can be reached there is
//! none (`None`, `null` in `casebook stats`), which is not the same as 0.
//!
//! Why this formalisation rather than "no contiguous occurrence of a cycle twice": the edges of
//! `write`, `check`, `write`, `check` hold the cycle twice as a contiguous closed sub-walk
//! (once from `write`, once from `check`) though the walk goes round once; counting occurrences
//! depends on where the walk enters the loop, counting edges does not. It is the same as
//! inserting, into a simple path, distinct simple cycles each at a step the walk already visits:
//! a path plus cycles whose union is connected has an Euler trail from the start to the end
//! (in and out degrees balance everywhere but at the two ends), and every such trail is a walk
//! of this kind. Handoffs are a property of edges, so a walk's count depends only on its edges.
//!
//! # Computation
//!
//! A simple path enters each strongly connected component at most once, in topological order;
//! a cycle lies inside one component, and all the simple cycles of a component together cover
//! all its edges, so they are connected to any path that touches it. Hence
//!
//! > worst = max over simple paths P from the start to an end of
//! > handoffs(P) + Σ over the components X that P touches of H(X),
//! > H(X) = the sum of the handoffs of the simple cycles of X,
//!
//! a dynamic programme over the condensation whose states are the steps where a path enters a
//! component, with, inside each component, the longest simple path from each entry to each exit
//! (by handoffs). Both H(X) and those longest paths are exponential in general (a component
//! can have 2^40 simple cycles), so they are searched with one budget of [`SEARCH_BUDGET`] steps
//! per use case. Within the budget the result is exact and comes with a walk. Beyond it,
//! the component is replaced by a sound upper bound, and the result says it is one:
//! - H(X) ≤ h(X) · Π outdeg(w) over the steps w of X, with h(X) its handoff edges: a simple
//!   cycle through the handoff edge u → v is that edge plus a simple path from v to u, and a
//!   simple path is determined by the way it leaves each step it visits;
//! - the longest simple path inside X ≤ min(h(X), |X| − 1).
//!
//! A component without a handoff edge needs no search (it adds nothing), so loops within one
//! team never cost any budget. Cost: O(V + E) plus the searches, at most [`SEARCH_BUDGET`].
//!
//! The flow graph here is the control flow: messages (`message: true`) are no way on and are
//! not in it. Parallel blocks are added afterwards by `flow::add_parallel_branches`, each other
//! branch of a split on the walk being the worst walk of this definition from the branch's
//! first step to the step where the branches meet, within the steps between.

use super::EdgeKind;
use super::flow::{Edge, Handoff};
use std::collections::HashMap;

/// The steps the searches of one use case may take before falling back to an upper bound.
pub const SEARCH_BUDGET: usize = 1 << 17;

/// The budget of the search of the walks for ping-pong (in states, a state of a use case of
/// V steps costing 1 + V/32), past which a pair found on any walk is kept unconfirmed.
pub const WALK_SEARCH_BUDGET: usize = 1 << 12;

/// The worst path of a use case (see the module documentation).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WorstPath {
    /// Handoffs on the worst walk, exact or an upper bound (see `exact`).
    pub count: usize,
    /// False when `count` is an upper bound: some loops were too tangled to search.
    pub exact: bool,
    /// When exact: the steps of one worst walk, from the start to an end step.
    pub walk: Vec<usize>,
    /// When exact: the handoffs along `walk`, in walk order (`count` of them); the handoffs of
    /// the other branches of a parallel block the walk passes are listed where it leaves the
    /// split (`flow::add_parallel_branches`).
    pub handoffs: Vec<Handoff>,
    /// When an upper bound: a step of the first loop on the way whose count is a bound.
    pub tangle: Option<usize>,
}

/// The flow graph with one edge per pair of steps, without the edges out of end steps.
struct Graph {
    /// (from, to, the first `next` entry between them, is a handoff).
    edges: Vec<(usize, usize, EdgeKind, bool)>,
    out: Vec<Vec<usize>>,
}

impl Graph {
    fn edge(&self, e: usize) -> Edge {
        let (from, to, kind, _) = self.edges[e];
        Edge { from, to, kind }
    }
    fn weight(&self, e: usize) -> usize {
        usize::from(self.edges[e].3)
    }
}

/// A value of the dynamic programme: handoffs, and whether they are exact. A larger count wins;
/// between equal counts an exact one, so that an exact optimum is recognised as such.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Value {
    count: usize,
    exact: bool,
}

impl Value {
    fn plus(self, other: Value) -> Value {
        Value {
            count: self.count.saturating_add(other.count),
            exact: self.exact && other.exact,
        }
    }
    fn beats(self, other: Option<Value>) -> bool {
        other.is_none_or(|o| (self.count, self.exact) > (o.count, o.exact))
    }
}

/// One strongly connected component and what the searches found in it.
struct Component {
    steps: Vec<usize>,
    /// Handoff edges inside.
    handoffs: usize,
    /// H(X): the handoffs of all its simple cycles.
    cycles_value: Value,
    /// Its simple cycles (edge ids), when it has handoffs and the search finished.
    cycles: Vec<Vec<usize>>,
}

/// Computes the worst path. `succ` is the flow graph (one entry per `next` entry, in order),
/// `handoffs` its handoff edges.
pub(crate) fn worst_path(
    start: usize,
    is_end: &dyn Fn(usize) -> bool,
    succ: &[Vec<(usize, EdgeKind)>],
    handoffs: &[Handoff],
) -> Option<WorstPath> {
    worst_path_within(start, is_end, succ, handoffs, SEARCH_BUDGET)
}

/// [`worst_path`] with the searches limited to `budget` steps.
pub(crate) fn worst_path_within(
    start: usize,
    is_end: &dyn Fn(usize) -> bool,
    succ: &[Vec<(usize, EdgeKind)>],
    handoffs: &[Handoff],
    budget: usize,
) -> Option<WorstPath> {
    let n = succ.len();
    let by_edge: HashMap<Edge, Handoff> = handoffs.iter().map(|h| (h.edge, *h)).collect();

    // One edge per pair of steps: the first `next` entry to each target.
    let mut g = Graph {
        edges: Vec::new(),
        out: vec![Vec::new(); n],
    };
    let mut seen_from = vec![usize::MAX; n];
    for u in (0..n).filter(|&u| !is_end(u)) {
        for &(v, kind) in &succ[u] {
            if std::mem::replace(&mut seen_from[v], u) != u {
                let edge = Edge { from: u, to: v, kind };
                g.out[u].push(g.edges.len());
                g.edges.push((u, v, kind, by_edge.contains_key(&edge)));
            }
        }
    }

    let useful = on_some_walk(n, start, is_end, |u| g.out[u].iter().map(|&e| g.edges[e].1));
    if !useful[start] {
        return None;
    }
    g.out
        .iter_mut()
        .enumerate()
        .for_each(|(u, list)| list.retain(|&e| useful[u] && useful[g.edges[e].1]));

    // Components, in topological order (a component before those it leads to).
    let mut pg = petgraph::graph::DiGraph::<(), ()>::with_capacity(n, g.edges.len());
    let nodes: Vec<_> = (0..n).map(|_| pg.add_node(())).collect();
    for (u, list) in g.out.iter().enumerate() {
        for &e in list {
            pg.add_edge(nodes[u], nodes[g.edges[e].1], ());
        }
    }
    let mut comps: Vec<Component> = super::scc::tarjan_scc(&pg)
        .into_iter()
        .rev()
        .map(|c| {
            let mut steps: Vec<usize> = c.into_iter().map(|x| x.index()).collect();
            steps.sort_unstable();
            Component {
                steps,
                handoffs: 0,
                cycles_value: Value {
                    count: 0,
                    exact: true,
                },
                cycles: Vec::new(),
            }
        })
        .collect();
    let mut comp_of = vec![0; n];
    for (ci, c) in comps.iter().enumerate() {
        c.steps.iter().for_each(|&s| comp_of[s] = ci);
    }
    for (u, list) in g.out.iter().enumerate() {
        for &e in list {
            if g.edges[e].3 && comp_of[g.edges[e].1] == comp_of[u] {
                comps[comp_of[u]].handoffs += 1;
            }
        }
    }

    let mut budget = budget;
    let mut search = Search {
        g: &g,
        comp_of: &comp_of,
        on_path: vec![false; n],
    };
    for (ci, c) in comps.iter_mut().enumerate() {
        if c.handoffs == 0 || !useful[c.steps[0]] {
            continue;
        }
        match search.cycles(ci, &c.steps, &mut budget) {
            Some(cycles) => {
                let count = cycles.iter().flatten().map(|&e| g.weight(e)).sum();
                c.cycles_value = Value { count, exact: true };
                c.cycles = cycles;
            }
            None => {
                let paths = c.steps.iter().fold(1usize, |acc, &w| {
                    let inside = g.out[w].iter().filter(|&&e| comp_of[g.edges[e].1] == ci);
                    acc.saturating_mul(inside.count().max(1))
                });
                c.cycles_value = Value {
                    count: c.handoffs.saturating_mul(paths),
                    exact: false,
                };
            }
        }
    }

    // The dynamic programme: `entry[v]` the best value of a walk prefix that enters v's
    // component at v (its cycles included), `exit[x]` the best that leaves it at x.
    let mut entry: Vec<Option<Value>> = vec![None; n];
    let mut entry_by: Vec<Option<usize>> = vec![None; n]; // the edge into it
    let mut exit: Vec<Option<Value>> = vec![None; n];
    let mut exit_from: Vec<usize> = vec![usize::MAX; n]; // the entry it came from
    entry[start] = Some(comps[comp_of[start]].cycles_value);
    for (ci, c) in comps.iter().enumerate() {
        let entries: Vec<usize> = c.steps.iter().copied().filter(|&s| entry[s].is_some()).collect();
        if entries.is_empty() {
            continue;
        }
        let exits: Vec<usize> = c
            .steps
            .iter()
            .copied()
            .filter(|&s| is_end(s) || g.out[s].iter().any(|&e| comp_of[g.edges[e].1] != ci))
            .collect();
        for &u in &entries {
            let here = entry[u].expect("an entry");
            let inner = search.longest(ci, c, u, &exits, &mut budget);
            for (&x, l) in exits.iter().zip(inner) {
                let cand = here.plus(l);
                if cand.beats(exit[x]) {
                    exit[x] = Some(cand);
                    exit_from[x] = u;
                }
            }
        }
        for &x in &exits {
            let Some(here) = exit[x] else { continue };
            for &e in &g.out[x] {
                let y = g.edges[e].1;
                if comp_of[y] == ci {
                    continue;
                }
                let step = Value {
                    count: g.weight(e),
                    exact: true,
                };
                let cand = here.plus(step).plus(comps[comp_of[y]].cycles_value);
                if cand.beats(entry[y]) {
                    entry[y] = Some(cand);
                    entry_by[y] = Some(e);
                }
            }
        }
    }
    let (best, _, end) = (0..n)
        .filter(|&s| is_end(s))
        .filter_map(|s| exit[s].map(|v| (v.count, v.exact, std::cmp::Reverse(s))))
        .max()?;
    let end = end.0;
    let value = exit[end].expect("the best end");

    // Back from the end: the components the simple path goes through, entered at `u` and
    // left at `x`, and the edges between them.
    let mut segments: Vec<(usize, usize, Option<usize>)> = Vec::new(); // (u, x, edge into u)
    let mut x = end;
    loop {
        let u = exit_from[x];
        segments.push((u, x, entry_by[u]));
        match entry_by[u] {
            Some(e) => x = g.edges[e].0,
            None => break,
        }
    }
    segments.reverse();
    if !value.exact {
        // Exactness only ever drops along the way: the first component left with a bound.
        let tangle = segments
            .iter()
            .find(|&&(_, x, _)| exit[x].is_some_and(|v| !v.exact))
            .map_or(start, |&(_, x, _)| comps[comp_of[x]].steps[0]);
        return Some(WorstPath {
            count: best,
            exact: false,
            walk: Vec::new(),
            handoffs: Vec::new(),
            tangle: Some(tangle),
        });
    }
    let mut route: Vec<usize> = Vec::new(); // edge ids
    for &(u, x, into) in &segments {
        route.extend(into);
        let ci = comp_of[x];
        route.extend(
            search
                .path(ci, &comps[ci], u, x)
                .expect("searched within the budget before"),
        );
    }
    let touched: Vec<usize> = segments.iter().map(|&(_, x, _)| comp_of[x]).collect();

    // The walk: an Euler trail of the path and the cycles of the components it touches.
    let mut adj: Vec<Vec<usize>> = vec![Vec::new(); n];
    for &e in &route {
        adj[g.edges[e].0].push(e);
    }
    for &ci in &touched {
        for cycle in &comps[ci].cycles {
            for &e in cycle {
                adj[g.edges[e].0].push(e);
            }
        }
    }
    // Popped from the back: at each step, the loops first and the way on last.
    let mut stack: Vec<(usize, Option<usize>)> = vec![(start, None)];
    let mut trail: Vec<(usize, Option<usize>)> = Vec::new();
    while let Some(&(v, _)) = stack.last() {
        match adj[v].pop() {
            Some(e) => stack.push((g.edges[e].1, Some(e))),
            None => trail.push(stack.pop().expect("not empty")),
        }
    }
    trail.reverse();
    let walk: Vec<usize> = trail.iter().map(|&(v, _)| v).collect();
    let handoffs: Vec<Handoff> = trail
        .iter()
        .filter_map(|&(_, e)| e)
        .filter(|&e| g.edges[e].3)
        .map(|e| by_edge[&g.edge(e)])
        .collect();
    debug_assert_eq!(handoffs.len(), best);
    debug_assert_eq!(walk.last(), Some(&end));
    Some(WorstPath {
        count: best,
        exact: true,
        walk,
        handoffs,
        tangle: None,
    })
}

/// The steps some walk from `start` to an end step can visit: reachable from the start along
/// `targets`, and able to reach an end from there (the edges out of end steps left out).
fn on_some_walk<I: Iterator<Item = usize>>(
    n: usize,
    start: usize,
    is_end: &dyn Fn(usize) -> bool,
    targets: impl Fn(usize) -> I,
) -> Vec<bool> {
    let mut forward = vec![false; n];
    let mut back: Vec<Vec<usize>> = vec![Vec::new(); n];
    let mut stack = vec![start];
    while let Some(u) = stack.pop() {
        if !std::mem::replace(&mut forward[u], true) {
            for v in targets(u) {
                back[v].push(u);
                stack.push(v);
            }
        }
    }
    let mut useful = vec![false; n];
    let mut stack: Vec<usize> = (0..n).filter(|&s| forward[s] && is_end(s)).collect();
    while let Some(v) = stack.pop() {
        if !std::mem::replace(&mut useful[v], true) {
            stack.extend(back[v].iter().copied());
        }
    }
    useful
}

/// The budgeted searches inside one component.
struct Search<'a> {
    g: &'a Graph,
    comp_of: &'a [usize],
    on_path: Vec<bool>,
}

impl Search<'_> {
    /// The `k`-th edge out of `u` when it stays in component `ci`: `Some(None)` when it leaves,
    /// `None` past the last.
    fn edge_at(&self, ci: usize, u: usize, k: usize) -> Option<Option<usize>> {
        let &e = self.g.out[u].get(k)?;
        Some((self.comp_of[self.g.edges[e].1] == ci).then_some(e))
    }

    /// Every simple cycle of the component (self-loops left out: they never hold a handoff),
    /// each once, as edge ids; `None` when the budget runs out.
    fn cycles(&mut self, ci: usize, steps: &[usize], budget: &mut usize) -> Option<Vec<Vec<usize>>> {
        let mut out = Vec::new();
        // Cycles through `root` and steps after it only: each cycle is found from its first step.
        for (i, &root) in steps.iter().enumerate() {
            let allowed = &steps[i..];
            let mut path: Vec<usize> = Vec::new(); // edge ids
            let mut stack: Vec<(usize, usize)> = vec![(root, 0)];
            self.on_path[root] = true;
            let mut exhausted = false;
            while let Some(&mut (u, ref mut k)) = stack.last_mut() {
                let at = if exhausted { None } else { self.edge_at(ci, u, *k) };
                *k += 1;
                let Some(next) = at else {
                    self.on_path[u] = false;
                    stack.pop();
                    path.pop();
                    continue;
                };
                let Some(e) = next else { continue };
                let v = self.g.edges[e].1;
                if v == root {
                    if u != root {
                        match budget.checked_sub(path.len() + 1) {
                            Some(left) => *budget = left,
                            None => {
                                exhausted = true;
                                continue;
                            }
                        }
                        let mut cycle = path.clone();
                        cycle.push(e);
                        out.push(cycle);
                    }
                } else if !self.on_path[v] && allowed.binary_search(&v).is_ok() {
                    match budget.checked_sub(1) {
                        Some(left) => *budget = left,
                        None => {
                            exhausted = true;
                            continue;
                        }
                    }
                    self.on_path[v] = true;
                    path.push(e);
                    stack.push((v, 0));
                }
            }
            if exhausted {
                return None;
            }
        }
        Some(out)
    }

    /// The most handoffs on a simple path inside the component from `u` to each of `exits`:
    /// exact, or the bound min(h, |X| − 1) when the budget runs out.
    fn longest(
        &mut self,
        ci: usize,
        c: &Component,
        u: usize,
        exits: &[usize],
        budget: &mut usize,
    ) -> Vec<Value> {
        if c.handoffs == 0 {
            return vec![
                Value {
                    count: 0,
                    exact: true
                };
                exits.len()
            ];
        }
        let mut best: HashMap<usize, usize> = HashMap::new();
        let finished = self.simple_paths(ci, u, budget, &mut |v, w, _| {
            let b = best.entry(v).or_insert(0);
            *b = (*b).max(w);
            false
        });
        exits
            .iter()
            .map(|x| match finished {
                true => Value {
                    count: best[x],
                    exact: true,
                },
                false => Value {
                    count: c.handoffs.min(c.steps.len() - 1),
                    exact: false,
                },
            })
            .collect()
    }

    /// A simple path inside the component from `u` to `x` with the most handoffs (edge ids),
    /// when the search finishes within the budget.
    fn path(&mut self, ci: usize, c: &Component, u: usize, x: usize) -> Option<Vec<usize>> {
        let mut budget = SEARCH_BUDGET;
        let mut best: Option<(usize, Vec<usize>)> = None;
        let want_any = c.handoffs == 0;
        let finished = self.simple_paths(ci, u, &mut budget, &mut |v, w, path| {
            if v == x && best.as_ref().is_none_or(|(b, _)| w > *b) {
                best = Some((w, path.to_vec()));
                return want_any;
            }
            false
        });
        best.filter(|_| finished || want_any).map(|(_, p)| p)
    }

    /// Calls `visit(step, handoffs, edges)` on every simple path inside the component from `u`
    /// (including the empty one); stops early when `visit` returns true. False when the budget
    /// ran out first.
    fn simple_paths(
        &mut self,
        ci: usize,
        u: usize,
        budget: &mut usize,
        visit: &mut dyn FnMut(usize, usize, &[usize]) -> bool,
    ) -> bool {
        let mut path: Vec<usize> = Vec::new();
        let mut weight = 0;
        let mut stack: Vec<(usize, usize)> = vec![(u, 0)];
        self.on_path[u] = true;
        let mut stop = visit(u, 0, &path);
        let mut finished = true;
        while let Some(&mut (v, ref mut k)) = stack.last_mut() {
            let at = if stop { None } else { self.edge_at(ci, v, *k) };
            *k += 1;
            let Some(next) = at else {
                self.on_path[v] = false;
                stack.pop();
                if let Some(e) = path.pop() {
                    weight -= self.g.weight(e);
                }
                continue;
            };
            let Some(e) = next else { continue };
            let w = self.g.edges[e].1;
            if self.on_path[w] {
                continue;
            }
            let Some(left) = budget.checked_sub(1) else {
                finished = false;
                stop = true;
                continue;
            };
            *budget = left;
            self.on_path[w] = true;
            path.push(e);
            weight += self.g.weight(e);
            stack.push((w, 0));
            stop = visit(w, weight, &path);
        }
        finished
    }
}

/// The worst-path walks of a use case, generated step by step for the searches that look at
/// the order of the steps (ping-pong): a walk follows a simple path from the start to an end,
/// and wherever it is it may go round a simple cycle through that step that it has not gone
/// round yet (inside another cycle too), coming back to where it left. These are exactly the
/// walks of the module documentation (a simple path with distinct simple cycles inserted).
pub(crate) struct Walks {
    start: usize,
    ends: Vec<bool>,
    /// (target, the first `next` entry to it), steps that can reach an end only.
    out: Vec<Vec<(usize, EdgeKind)>>,
    /// The simple cycles (steps from their least one), self-loops left out.
    cycles: Vec<Vec<usize>>,
    /// Per step: the cycles through it.
    cycles_at: Vec<Vec<usize>>,
}

/// Where the walk is: the step, the cycles it is going round (innermost last: cycle, position
/// where it was entered, edges gone), the cycles used, the steps of the simple path.
#[derive(Clone, PartialEq, Eq, Hash)]
struct WalkState<S> {
    at: usize,
    rounds: Vec<(usize, usize, usize)>,
    used: u64,
    path: Vec<bool>,
    pattern: S,
}

/// A state still to search, with where the pattern was completed on the way, if it was.
type Pending<S> = (WalkState<S>, Option<(Edge, S)>);

impl Walks {
    /// Prepares the walks, or `None` when the graph has too many simple cycles (over 64, or
    /// more than the budget finds) to search them one by one.
    pub(crate) fn new(
        start: usize,
        is_end: &dyn Fn(usize) -> bool,
        succ: &[Vec<(usize, EdgeKind)>],
        budget: &mut usize,
    ) -> Option<Walks> {
        let n = succ.len();
        let ends: Vec<bool> = (0..n).map(is_end).collect();
        let mut out: Vec<Vec<(usize, EdgeKind)>> = vec![Vec::new(); n];
        let mut seen_from = vec![usize::MAX; n];
        for u in (0..n).filter(|&u| !ends[u]) {
            for &(v, kind) in &succ[u] {
                if std::mem::replace(&mut seen_from[v], u) != u {
                    out[u].push((v, kind));
                }
            }
        }
        let useful = on_some_walk(n, start, &|s| ends[s], |u| out[u].iter().map(|&(v, _)| v));
        for (u, list) in out.iter_mut().enumerate() {
            list.retain(|&(v, _)| useful[u] && useful[v]);
        }
        // Every simple cycle, from its least step, by a budgeted search.
        let mut cycles: Vec<Vec<usize>> = Vec::new();
        let mut on_path = vec![false; n];
        for root in (0..n).filter(|&r| useful[r]) {
            let mut path = vec![root];
            let mut stack: Vec<usize> = vec![0];
            on_path[root] = true;
            while let Some(k) = stack.last_mut() {
                let u = *path.last().expect("as long as the stack");
                let next = out[u].get(*k).map(|&(v, _)| v);
                *k += 1;
                match next {
                    None => {
                        on_path[u] = false;
                        path.pop();
                        stack.pop();
                    }
                    Some(v) if v == root => {
                        if u != root {
                            if cycles.len() == 64 {
                                return None;
                            }
                            cycles.push(path.clone());
                        }
                    }
                    Some(v) if v > root && !on_path[v] => {
                        *budget = budget.checked_sub(1)?;
                        on_path[v] = true;
                        path.push(v);
                        stack.push(0);
                    }
                    Some(_) => {}
                }
            }
        }
        let mut cycles_at = vec![Vec::new(); n];
        for (c, cycle) in cycles.iter().enumerate() {
            cycle.iter().for_each(|&s| cycles_at[s].push(c));
        }
        Some(Walks {
            start,
            ends,
            out,
            cycles,
            cycles_at,
        })
    }

    /// True when the graph has no cycle: every walk is then a simple path, and a search over
    /// all walks (a search over states) is exact.
    pub(crate) fn acyclic(&self) -> bool {
        self.cycles.is_empty()
    }

    /// Searches the walks for one along which `advance` reaches a state it calls `done`
    /// (`advance(state, step)` on entering each step, the start included), returning the edge
    /// on which it got there and that state. `Some(None)`: no walk does; `None`: the budget ran
    /// out.
    pub(crate) fn find<S: Clone + Eq + std::hash::Hash>(
        &self,
        initial: S,
        advance: &dyn Fn(&S, usize) -> S,
        done: &dyn Fn(&S) -> bool,
        budget: &mut usize,
    ) -> Option<Option<(Edge, S)>> {
        if self.out[self.start].is_empty() && !self.ends[self.start] {
            return Some(None);
        }
        let n = self.out.len();
        // A state costs in proportion to its size (it is cloned and hashed).
        let cost = 1 + n / 32;
        let mut path = vec![false; n];
        path[self.start] = true;
        let first = WalkState {
            at: self.start,
            rounds: Vec::new(),
            used: 0,
            path,
            pattern: advance(&initial, self.start),
        };
        // Where the pattern was completed travels with the state; whether a walk can go on to an
        // end does not depend on where.
        let mut seen: std::collections::HashSet<(WalkState<S>, bool)> = std::collections::HashSet::new();
        let mut stack: Vec<Pending<S>> = vec![(first, None)];
        while let Some((state, found)) = stack.pop() {
            if !seen.insert((state.clone(), found.is_some())) {
                continue;
            }
            *budget = budget.checked_sub(cost)?;
            let v = state.at;
            if state.rounds.is_empty() && self.ends[v] {
                if found.is_some() {
                    return Some(found);
                }
                continue;
            }
            let mut moves: Vec<Pending<S>> = Vec::new();
            let step = |state: &WalkState<S>, to: usize, kind: EdgeKind| {
                let mut next = state.clone();
                next.at = to;
                next.pattern = advance(&state.pattern, to);
                let edge = Edge {
                    from: state.at,
                    to,
                    kind,
                };
                let now = found
                    .clone()
                    .or_else(|| done(&next.pattern).then(|| (edge, next.pattern.clone())));
                (next, now)
            };
            match state.rounds.last() {
                Some(&(c, at, gone)) => {
                    let cycle = &self.cycles[c];
                    let to = cycle[(at + gone + 1) % cycle.len()];
                    let kind = self.out[v]
                        .iter()
                        .find(|&&(w, _)| w == to)
                        .expect("a cycle edge")
                        .1;
                    let (mut next, now) = step(&state, to, kind);
                    if gone + 1 == cycle.len() {
                        next.rounds.pop();
                    } else {
                        next.rounds.last_mut().expect("a round").2 += 1;
                    }
                    moves.push((next, now));
                }
                None => {
                    for &(to, kind) in &self.out[v] {
                        if !state.path[to] {
                            let (mut next, now) = step(&state, to, kind);
                            next.path[to] = true;
                            moves.push((next, now));
                        }
                    }
                }
            }
            // Go round a cycle through this step not gone round yet: tried after going on, and
            // only until the pattern is found (an end reached with a cycle is reached without).
            for &c in self.cycles_at[v].iter().filter(|_| found.is_none()) {
                if state.used & (1 << c) == 0 {
                    let mut next = state.clone();
                    let at = self.cycles[c].iter().position(|&s| s == v).expect("on the cycle");
                    next.rounds.push((c, at, 0));
                    next.used |= 1 << c;
                    moves.push((next, found.clone()));
                }
            }
            stack.extend(moves.into_iter().rev());
        }
        Some(None)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// A random flow graph of up to 8 steps (the last ones ends), with the team of each step
    /// (`None`: the customer) and its handoff edges.
    /// Successors, the team of each step, the number of steps that are not ends.
    type Random = (Vec<Vec<(usize, EdgeKind)>>, Vec<Option<usize>>, usize);

    fn graph() -> impl Strategy<Value = Random> {
        (2..=8usize, 1..=2usize).prop_flat_map(|(n, ends)| {
            let total = n + ends;
            (
                prop::collection::vec(prop::collection::vec(0..total, 1..=3), n),
                prop::collection::vec(prop::option::weighted(0.85, 0..3usize), n),
                Just(ends),
            )
                .prop_map(move |(next, teams, ends)| {
                    let mut succ: Vec<Vec<(usize, EdgeKind)>> = next
                        .into_iter()
                        .map(|list| {
                            list.into_iter()
                                .enumerate()
                                .map(|(k, v)| (v, EdgeKind::Next(k)))
                                .collect()
                        })
                        .collect();
                    succ.extend((0..ends).map(|_| Vec::new()));
                    let mut teams = teams;
                    teams.extend((0..ends).map(|_| None));
                    (succ, teams, total - ends)
                })
        })
    }

    fn handoffs(succ: &[Vec<(usize, EdgeKind)>], teams: &[Option<usize>]) -> Vec<Handoff> {
        let mut out = Vec::new();
        for (u, list) in succ.iter().enumerate() {
            for &(v, kind) in list {
                if let (Some(a), Some(b)) = (teams[u], teams[v])
                    && a != b
                {
                    out.push(Handoff {
                        edge: Edge { from: u, to: v, kind },
                        from_team: a,
                        to_team: b,
                        cross_department: false,
                    });
                }
            }
        }
        out
    }

    proptest! {
        /// With any budget, however small, the result is never below the exact value, and when
        /// it says it is exact it is.
        #[test]
        fn a_bound_is_never_below_the_exact_value((succ, teams, steps) in graph()) {
            let hs = handoffs(&succ, &teams);
            let is_end = |s: usize| s >= steps;
            let exact = worst_path(0, &is_end, &succ, &hs);
            if let Some(e) = &exact {
                prop_assert!(e.exact);
                prop_assert_eq!(e.handoffs.len(), e.count);
            }
            for budget in [0, 1, 2, 3, 5, 8, 13, 21, 34, 55] {
                let within = worst_path_within(0, &is_end, &succ, &hs, budget);
                prop_assert_eq!(within.is_some(), exact.is_some());
                if let (Some(w), Some(e)) = (&within, &exact) {
                    prop_assert!(w.count >= e.count, "budget {}: {} < {}", budget, w.count, e.count);
                    if w.exact {
                        // Two walks may tie for the most handoffs; a smaller budget may find the
                        // other one first. Both must be real walks with that many handoffs.
                        prop_assert_eq!(w.count, e.count);
                        prop_assert_eq!(w.handoffs.len(), w.count);
                        prop_assert_eq!(w.walk.first(), Some(&0));
                        prop_assert!(w.walk.last().is_some_and(|&s| is_end(s)));
                        for pair in w.walk.windows(2) {
                            prop_assert!(succ[pair[0]].iter().any(|&(v, _)| v == pair[1]), "{:?}", w.walk);
                        }
                    } else {
                        prop_assert!(w.walk.is_empty() && w.tangle.is_some());
                    }
                }
            }
        }
    }
}
