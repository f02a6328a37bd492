//! Columns: cycle breaking, layering and the assignment of steps to cells.
//!
//! A depth-first search from the start finds the back edges (loops); longest-path layering over
//! the remaining acyclic graph orders the steps (unreachable steps come after). Taken in that
//! order, each step goes to the first column after its predecessors' that is free in its
//! sub-lane, so no two boxes share a cell. A step whose only way in is the only, unconditional
//! way out of a step of another sub-lane goes straight above or below it when the cells between
//! are free: a short vertical arrow, which keeps back-and-forth flows narrow.

use crate::graph::{EdgeKind, FlowGraph};
use crate::model::UseCase;
use std::collections::BTreeSet;

/// The columns of the steps.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) struct Columns {
    /// Per step, its column.
    pub col: Vec<usize>,
    /// Per step placed straight above or below its only predecessor, that predecessor.
    pub stacked_from: Vec<Option<usize>>,
}

/// The steps in layer order and the acyclic graph that ordered them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) struct Layering {
    /// Every step, by (layer, index); the unreachable steps after the reachable ones.
    pub order: Vec<usize>,
    /// Per step, its successors once the back edges are removed (and edges between the
    /// reachable and the unreachable part).
    pub dag: Vec<Vec<usize>>,
    /// The same edges, per target.
    pub dag_in: Vec<Vec<usize>>,
}

fn successors(flow: &FlowGraph, u: usize) -> &[(usize, EdgeKind)] {
    flow.succ.get(u).map_or(&[][..], |s| &s[..])
}

/// Whether step `i` cannot be reached from the start (drawn after the others).
fn unreachable(flow: &FlowGraph, i: usize) -> usize {
    usize::from(!flow.reachable.get(i).copied().unwrap_or(false))
}

/// Cycle breaking: per step and successor (in `next` order), whether that edge closes a loop in
/// a depth-first search from the start, then from every step not yet seen.
pub(super) fn back_edges(flow: &FlowGraph, n: usize) -> Vec<Vec<bool>> {
    let succ = |u: usize| successors(flow, u);
    let mut state = vec![0u8; n];
    let mut back: Vec<Vec<bool>> = (0..n).map(|u| vec![false; succ(u).len()]).collect();
    let roots = flow.start.map(|s| s.index()).into_iter().chain(0..n);
    for root in roots {
        if root >= n || state[root] != 0 {
            continue;
        }
        let mut stack = vec![(root, 0usize)];
        state[root] = 1;
        while let Some(&mut (u, ref mut k)) = stack.last_mut() {
            if let Some(&(v, _)) = succ(u).get(*k) {
                let at = *k;
                *k += 1;
                match state[v] {
                    0 => {
                        state[v] = 1;
                        stack.push((v, 0));
                    }
                    1 => back[u][at] = true,
                    _ => {}
                }
            } else {
                state[u] = 2;
                stack.pop();
            }
        }
    }
    back
}

/// Layering: longest path over the acyclic graph left by `back`, reachable steps first.
pub(super) fn layering(flow: &FlowGraph, n: usize, back: &[Vec<bool>]) -> Layering {
    let succ = |u: usize| successors(flow, u);
    let group = |i: usize| unreachable(flow, i);
    let mut indegree = vec![0usize; n];
    let mut dag: Vec<Vec<usize>> = vec![Vec::new(); n];
    for (u, is_back) in back.iter().enumerate() {
        for (k, &(v, _)) in succ(u).iter().enumerate() {
            if !is_back[k] && group(u) == group(v) {
                indegree[v] += 1;
                dag[u].push(v);
            }
        }
    }
    let mut ready: BTreeSet<usize> = (0..n).filter(|&v| indegree[v] == 0).collect();
    let mut layer = vec![0usize; n];
    let mut topo = Vec::with_capacity(n);
    while let Some(u) = ready.pop_first() {
        topo.push(u);
        for &v in &dag[u] {
            layer[v] = layer[v].max(layer[u] + 1);
            indegree[v] -= 1;
            if indegree[v] == 0 {
                ready.insert(v);
            }
        }
    }
    let offset = (0..n)
        .filter(|&i| group(i) == 0)
        .map(|i| layer[i] + 1)
        .max()
        .unwrap_or(0);
    for (i, l) in layer.iter_mut().enumerate() {
        if group(i) == 1 {
            *l += offset;
        }
    }
    let mut order = topo;
    order.sort_by_key(|&i| (layer[i], i));
    let mut dag_in: Vec<Vec<usize>> = vec![Vec::new(); n];
    for (u, list) in dag.iter().enumerate() {
        for &v in list {
            dag_in[v].push(u);
        }
    }
    Layering { order, dag, dag_in }
}

/// Which cells of each sub-lane hold a box (or a vertical edge between stacked boxes). Per
/// sub-lane, each cell points towards a free cell at or after it (a disjoint-set forest with
/// path halving), so finding the first free cell after a column does not walk every taken
/// one: a step fanning out to thousands of steps of one team stays linear.
struct Cells(Vec<Vec<usize>>);

impl Cells {
    fn new(subs: usize) -> Cells {
        Cells(vec![Vec::new(); subs])
    }

    /// The first free cell of sub-lane `s` at or after column `c`.
    fn free_from(&mut self, s: usize, mut c: usize) -> usize {
        let next = &mut self.0[s];
        while c < next.len() && next[c] != c {
            let up = next[c];
            if up < next.len() {
                next[c] = next[up];
            }
            c = up;
        }
        c
    }

    fn taken(&self, s: usize, c: usize) -> bool {
        self.0[s].get(c).is_some_and(|&next| next != c)
    }

    fn take(&mut self, s: usize, c: usize) {
        let next = &mut self.0[s];
        if next.len() <= c + 1 {
            let len = next.len();
            next.extend(len..c + 2);
        }
        next[c] = c + 1;
    }
}

/// The column of every step (see the module documentation), and for each step placed straight
/// above or below its only predecessor, that predecessor.
pub(super) fn columns(uc: &UseCase, flow: &FlowGraph, sub_of: &[usize], subs: usize) -> Columns {
    let n = uc.steps.len();
    let back = back_edges(flow, n);
    let Layering { order, dag, dag_in } = layering(flow, n, &back);
    let group = |i: usize| unreachable(flow, i);
    let mut col = vec![0usize; n];
    let mut stacked_from = vec![None; n];
    let mut cells = Cells::new(subs);
    // The layers give the order; the columns only have to come after the predecessors' (the
    // unreachable steps after all the others).
    let mut min_col = vec![0usize; n];
    let mut after_reachable: Option<usize> = None;
    for &u in &order {
        if group(u) == 1 && after_reachable.is_none() {
            after_reachable = Some(
                col.iter()
                    .zip(0..n)
                    .filter(|&(_, i)| group(i) == 0)
                    .map(|(&c, _)| c + 1)
                    .max()
                    .unwrap_or(0),
            );
        }
        let mut c = min_col[u].max(after_reachable.unwrap_or(0));
        if let Some(p) = stack_on(uc, flow, sub_of, &dag_in[u], u, &col, &stacked_from, &cells) {
            c = col[p];
            let (lo, hi) = (sub_of[p].min(sub_of[u]), sub_of[p].max(sub_of[u]));
            for s in lo + 1..hi {
                cells.take(s, c);
            }
            stacked_from[u] = Some(p);
        } else {
            c = cells.free_from(sub_of[u], c);
        }
        cells.take(sub_of[u], c);
        col[u] = c;
        for &v in &dag[u] {
            min_col[v] = min_col[v].max(c + 1);
        }
    }
    Columns { col, stacked_from }
}

/// The predecessor `u` goes straight above or below, if any: its only way in is the only,
/// unconditional way out of a step of another sub-lane, and the cells between are free. A
/// handoff drawn as a short vertical arrow keeps ping-pong flows narrow.
#[allow(clippy::too_many_arguments)]
fn stack_on(
    uc: &UseCase,
    flow: &FlowGraph,
    sub_of: &[usize],
    preds: &[usize],
    u: usize,
    col: &[usize],
    stacked_from: &[Option<usize>],
    cells: &Cells,
) -> Option<usize> {
    let plain_single = |p: usize| match successors(flow, p) {
        [(_, EdgeKind::Next(k))] => uc.steps[p]
            .next
            .get(*k)
            .is_some_and(|x| x.when.is_none() && !x.default),
        _ => false,
    };
    match *preds {
        [p] if sub_of[p] != sub_of[u]
            && plain_single(p)
            && !uc.steps[p].is_end()
            && !uc.steps[u].is_end()
            && stacked_from[p].is_none() =>
        {
            let (lo, hi) = (sub_of[p].min(sub_of[u]), sub_of[p].max(sub_of[u]));
            let free = (lo + 1..hi).chain([sub_of[u]]).all(|s| !cells.taken(s, col[p]));
            free.then_some(p)
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::swimlane::testing::use_case;

    const LOOP: &str = "  - id: a\n    actor: billing\n    next: b\n  - id: b\n    actor: billing\n    next: c\n  - id: c\n    actor: billing\n    next: [a, end]\n  - id: orphan\n    actor: billing\n    next: end\n  - id: end\n    end: done\n";

    #[test]
    fn a_loop_is_broken_at_the_edge_that_closes_it() {
        let (cat, flow) = use_case(LOOP);
        let n = cat.use_cases[0].steps.len();
        let back = back_edges(&flow, n);
        assert_eq!(
            back[2],
            vec![true, false],
            "c -> a closes the loop, c -> end does not"
        );
        assert!(
            back.iter()
                .enumerate()
                .all(|(u, b)| u == 2 || b.iter().all(|x| !x))
        );
        let layering = layering(&flow, n, &back);
        assert_eq!(
            layering.order,
            vec![0, 1, 2, 4, 3],
            "by layer; the unreachable orphan last"
        );
        assert!(layering.dag[2].contains(&4) && !layering.dag[2].contains(&0));
    }

    #[test]
    fn steps_take_the_first_free_cell_after_their_predecessors() {
        let (cat, flow) = use_case(LOOP);
        let uc = &cat.use_cases[0];
        let sub_of = vec![0; uc.steps.len()];
        let c = columns(uc, &flow, &sub_of, 1);
        assert_eq!(
            c.col,
            vec![0, 1, 2, 4, 3],
            "the orphan after every reachable step"
        );
        assert!(c.stacked_from.iter().all(Option::is_none));
    }

    #[test]
    fn a_plain_handoff_goes_straight_below_its_source() {
        let (cat, flow) = use_case(
            "  - id: a\n    actor: contact-centre\n    channel: phone\n    next: b\n  - id: b\n    actor: billing\n    next: end\n  - id: end\n    end: done\n",
        );
        let uc = &cat.use_cases[0];
        let c = columns(uc, &flow, &[0, 1, 1], 2);
        assert_eq!(c.col, vec![0, 0, 1]);
        assert_eq!(c.stacked_from, vec![None, Some(0), None]);
    }

    #[test]
    fn free_cells_are_found_past_a_run_of_taken_ones() {
        let mut cells = Cells::new(2);
        for c in [0, 1, 2, 4] {
            cells.take(0, c);
        }
        assert_eq!(cells.free_from(0, 0), 3);
        assert_eq!(cells.free_from(0, 1), 3);
        assert_eq!(cells.free_from(0, 4), 5);
        assert_eq!(cells.free_from(1, 7), 7);
        assert!(cells.taken(0, 4) && !cells.taken(0, 3) && !cells.taken(0, 99));
    }
}
