//! The service analyses of one use case's flow graph: handoffs, the information available at
//! each step and which teams it reaches, the worst path by handoffs, ping-pong, channel switches,
//! repeat asks and loops left open. Each returns facts (steps, edges, items); the rules of the
//! `flow` and `experience` groups turn them into diagnostics.
//!
//! No analysis enumerates paths (the worst path and ping-pong search simple cycles, within a
//! budget). Complexity, with V steps, E edges, I items, T teams:
//! - availability and team knowledge: forward data-flow to a fixed point (a "must" analysis,
//!   intersection over predecessors), O((V + E) · I · T / 64) per pass, passes bounded by the
//!   loop nesting depth + 2;
//! - repeat asks: the same, as a "may" analysis (union);
//! - worst path: see [`super::worst`] (walks that go round each simple cycle at most once; exact
//!   within a search budget, an upper bound beyond it);
//! - longest duration: dynamic programming over the condensation (SCCs), each component's
//!   durations counted once, O(V + E);
//! - ping-pong: a search over states (step, last two teams, length of the A/B run), O((V + E) · T²),
//!   confirmed on the worst path's walks when there are cycles;
//! - channel switches: a search from each frontstage step through unseen steps, O(V · (V + E)).

use super::{EdgeKind, FlowGraph};
use crate::model::{CUSTOMER, Catalogue, Lane, UseCase};
use std::borrow::Cow;
use std::collections::{HashMap, HashSet, VecDeque};

/// A fixed-size set of small integers.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BitSet {
    words: Vec<u64>,
}

impl BitSet {
    /// An empty set for `n` elements.
    pub fn empty(n: usize) -> Self {
        BitSet {
            words: vec![0; n.div_ceil(64).max(1)],
        }
    }
    /// The full set of `n` elements.
    pub fn full(n: usize) -> Self {
        let mut s = Self::empty(n);
        for i in 0..n {
            s.insert(i);
        }
        s
    }
    /// Adds `i`.
    pub fn insert(&mut self, i: usize) {
        self.words[i / 64] |= 1 << (i % 64);
    }
    /// True when `i` is in the set.
    pub fn contains(&self, i: usize) -> bool {
        self.words[i / 64] & (1 << (i % 64)) != 0
    }
    /// Keeps only what `other` has too.
    pub fn intersect_with(&mut self, other: &BitSet) {
        self.words.iter_mut().zip(&other.words).for_each(|(a, b)| *a &= b);
    }
    /// Adds everything `other` has.
    pub fn union_with(&mut self, other: &BitSet) {
        self.words.iter_mut().zip(&other.words).for_each(|(a, b)| *a |= b);
    }
}

/// An edge of the flow graph: from step, to step, and why.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Edge {
    /// The source step.
    pub from: usize,
    /// The target step.
    pub to: usize,
    /// The `next` entry (or recovery) it comes from.
    pub kind: EdgeKind,
}

/// Who does a step.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Who {
    /// The customer.
    Customer,
    /// A team (index into `Catalogue::teams`).
    Team(usize),
    /// An end step, or an actor that names no team.
    Nobody,
}

/// A handoff: an edge between steps of two different teams.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Handoff {
    /// The edge.
    pub edge: Edge,
    /// The giving team.
    pub from_team: usize,
    /// The receiving team.
    pub to_team: usize,
    /// The teams are in different departments.
    pub cross_department: bool,
}

/// A needed item that is not given on every path to the step.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InformationGap {
    /// The step that needs it.
    pub step: usize,
    /// Index into the step's `needs`.
    pub need: usize,
    /// A path from the start to the step on which nothing gives the item.
    pub witness: Vec<usize>,
}

/// A needed item that is available but does not reach the team across a cross-department handoff.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SiloGap {
    /// The handoff.
    pub handoff: Handoff,
    /// Index into the receiving step's `needs`.
    pub need: usize,
    /// The reachable steps that give the item and lead to the handoff, to name in the message.
    pub givers: Vec<usize>,
}

pub use super::worst::WorstPath;

/// Work bouncing A, B, A, B between two teams.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PingPong {
    /// The edge into the step that completes A, B, A, B: a handoff A -> B, or the edge from a
    /// customer step in between (A, B, A, customer, B).
    pub edge: Edge,
    /// Team A, which had the case first.
    pub first: usize,
    /// Team B.
    pub second: usize,
    /// False when the loops were too tangled to confirm, within the walk search's budget, that
    /// a walk round each loop at most once reads A, B, A, B: the pair is then reported as
    /// possible (never missed), which is a bound, not a finding of the exact definition.
    pub confirmed: bool,
}

/// A frontstage step on one channel followed, with no customer-facing step between, by a
/// customer step on another.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ChannelSwitch {
    /// The frontstage step.
    pub from: usize,
    /// The customer step on the other channel.
    pub to: usize,
}

/// The customer gives an item again.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RepeatAsk {
    /// The customer step asked again.
    pub step: usize,
    /// Index into its `gives`.
    pub give: usize,
    /// A customer step that gave it before on some path.
    pub earlier: usize,
}

/// Every flow fact of one use case.
#[derive(Clone, Debug, Default)]
pub struct FlowFacts {
    /// Who does each step.
    pub who: Vec<Option<Who>>,
    /// Every handoff edge, in step order.
    pub handoffs: Vec<Handoff>,
    /// Needed items not available.
    pub gaps: Vec<InformationGap>,
    /// Needed items that do not reach the receiving team.
    pub silos: Vec<SiloGap>,
    /// The worst path by handoffs ([`super::worst`]), when an end step is reachable.
    pub worst: Option<WorstPath>,
    /// A/B/A/B patterns, one per pair of teams.
    pub ping_pongs: Vec<PingPong>,
    /// Forced channel switches.
    pub switches: Vec<ChannelSwitch>,
    /// Items the customer gives twice on a path.
    pub repeats: Vec<RepeatAsk>,
    /// Edges from a backstage or support step straight to an end step.
    pub open_loops: Vec<Edge>,
    /// Expected duration of the longest start-to-end path, in minutes (each cycle taken once).
    pub longest_minutes: Option<u64>,
    /// The reachable parallel splits with two branches or more, in step order.
    pub parallels: Vec<ParallelSplit>,
    /// The reachable steps that wait for all their branches (`join: all`) though no parallel
    /// split comes before them on every way from the start (none dominates them), in step order.
    pub unmatched_joins: Vec<usize>,
}

/// Where the branches of a parallel split meet: the first step (in the flow's order) that every
/// branch leads to, the split itself left out.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Meeting {
    /// At a step that waits for all of them (`join: all`), or at an end step.
    Joined(usize),
    /// At a step that does not wait for them: it, and what follows, would run once per branch.
    Unsynchronised(usize),
    /// Nowhere: no step is reached from every branch.
    Never,
}

/// A step with `parallel: true`: all its branches run at once.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParallelSplit {
    /// The step.
    pub step: usize,
    /// The steps its control-flow entries lead to, each once, in `next` order.
    pub branches: Vec<usize>,
    /// Where the branches meet.
    pub meeting: Meeting,
}

impl FlowFacts {
    /// The handoffs that count, in step order: one per pair of steps. A second `next` entry to
    /// the same step (reported by `duplicate-branch`) is the same way on, not another handoff;
    /// the per-entry rules (what each entry carries) still read [`FlowFacts::handoffs`].
    pub fn counted_handoffs(&self) -> impl Iterator<Item = &Handoff> + '_ {
        let mut seen = HashSet::new();
        self.handoffs
            .iter()
            .filter(move |h| seen.insert((h.edge.from, h.edge.to)))
    }

    /// The teams acting in the use case (indexes into `Catalogue::teams`), sorted, once each.
    pub fn teams(&self) -> Vec<usize> {
        let mut teams: Vec<usize> = self
            .who
            .iter()
            .filter_map(|w| match w {
                Some(Who::Team(t)) => Some(*t),
                _ => None,
            })
            .collect();
        teams.sort_unstable();
        teams.dedup();
        teams
    }
}

/// Who does step `s`.
pub fn who(cat: &Catalogue, uc: &UseCase, s: usize) -> Who {
    let step = &uc.steps[s];
    match step.actor.as_ref() {
        _ if step.is_end() => Who::Nobody,
        Some(a) if a.value == CUSTOMER => Who::Customer,
        Some(a) => cat
            .index
            .teams
            .get(a.value.as_str())
            .map_or(Who::Nobody, |&t| Who::Team(t)),
        None => Who::Nobody,
    }
}

/// The items mentioned in one use case, numbered locally for bit sets.
struct Items {
    index: HashMap<String, usize>,
    names: Vec<String>,
}

impl Items {
    fn of(uc: &UseCase) -> Items {
        let mut items = Items {
            index: HashMap::new(),
            names: Vec::new(),
        };
        let refs = uc.inputs.iter().chain(uc.steps.iter().flat_map(|s| {
            s.needs
                .iter()
                .chain(&s.gives)
                .chain(&s.carries)
                .chain(s.next.iter().flat_map(|n| &n.carries))
        }));
        for r in refs {
            if !items.index.contains_key(r.value.as_str()) {
                items.index.insert(r.value.to_string(), items.names.len());
                items.names.push(r.value.to_string());
            }
        }
        items
    }
    fn id(&self, name: &str) -> usize {
        self.index[name]
    }
    fn len(&self) -> usize {
        self.names.len()
    }
}

/// The flow graph as FORMAT.md defines it for the service analyses: one edge per `next` entry
/// (a fail point's `recovery` is drawn and counts for reachability, but is not a flow edge).
/// Messages are apart (`msg_succ`, `msg_pred`): they bring information and reach steps, but are
/// not control flow. Without recovery edges and messages it borrows what [`FlowGraph::build`]
/// already computed.
struct View<'g> {
    /// Control flow: the `next` entries that are not messages.
    succ: Cow<'g, [Vec<(usize, EdgeKind)>]>,
    pred: Cow<'g, [Vec<(usize, EdgeKind)>]>,
    /// Messages, per source and per target.
    msg_succ: Vec<Vec<(usize, EdgeKind)>>,
    msg_pred: Vec<Vec<(usize, EdgeKind)>>,
    /// Reached from the start along `next` entries and messages.
    reachable: Cow<'g, [bool]>,
    /// Components of the control flow.
    sccs: Cow<'g, [Vec<usize>]>,
    scc_of: Cow<'g, [usize]>,
}

impl<'g> View<'g> {
    fn of(g: &'g FlowGraph, start: usize) -> View<'g> {
        let n = g.succ.len();
        if !g
            .succ
            .iter()
            .flatten()
            .any(|&(_, k)| k == EdgeKind::Recovery || k.is_message())
        {
            return View {
                succ: Cow::Borrowed(&g.succ),
                pred: Cow::Borrowed(&g.pred),
                msg_succ: vec![Vec::new(); n],
                msg_pred: vec![Vec::new(); n],
                reachable: Cow::Borrowed(&g.reachable),
                sccs: Cow::Borrowed(&g.sccs),
                scc_of: Cow::Borrowed(&g.scc_of),
            };
        }
        let keep = |list: &Vec<(usize, EdgeKind)>, message: bool| -> Vec<(usize, EdgeKind)> {
            list.iter()
                .copied()
                .filter(|&(_, k)| k != EdgeKind::Recovery && k.is_message() == message)
                .collect()
        };
        let succ: Vec<_> = g.succ.iter().map(|l| keep(l, false)).collect();
        let pred: Vec<_> = g.pred.iter().map(|l| keep(l, false)).collect();
        let msg_succ: Vec<_> = g.succ.iter().map(|l| keep(l, true)).collect();
        let msg_pred: Vec<_> = g.pred.iter().map(|l| keep(l, true)).collect();
        let mut reachable = vec![false; n];
        let mut stack = vec![start];
        while let Some(u) = stack.pop() {
            if !std::mem::replace(&mut reachable[u], true) {
                stack.extend(succ[u].iter().chain(&msg_succ[u]).map(|&(v, _)| v));
            }
        }
        let mut graph = petgraph::graph::DiGraph::<(), ()>::with_capacity(n, n);
        let nodes: Vec<_> = (0..n).map(|_| graph.add_node(())).collect();
        for (u, list) in succ.iter().enumerate() {
            for &(v, _) in list {
                graph.add_edge(nodes[u], nodes[v], ());
            }
        }
        let sccs: Vec<Vec<usize>> = super::scc::tarjan_scc(&graph)
            .into_iter()
            .map(|c| {
                let mut c: Vec<usize> = c.into_iter().map(|x| x.index()).collect();
                c.sort_unstable();
                c
            })
            .collect();
        let mut scc_of = vec![0; n];
        for (ci, c) in sccs.iter().enumerate() {
            c.iter().for_each(|&s| scc_of[s] = ci);
        }
        View {
            succ: Cow::Owned(succ),
            pred: Cow::Owned(pred),
            msg_succ,
            msg_pred,
            reachable: Cow::Owned(reachable),
            sccs: Cow::Owned(sccs),
            scc_of: Cow::Owned(scc_of),
        }
    }

    /// The `i`-th edge out of `u`, control flow first, then messages.
    fn out_at(&self, u: usize, i: usize) -> Option<&(usize, EdgeKind)> {
        let control = &self.succ[u];
        control.get(i).or_else(|| self.msg_succ[u].get(i - control.len()))
    }

    /// What reaches step `v` (not the start) from the steps before it, `along` each edge into it
    /// from a reachable step: the meet over its control-flow predecessors (what every one gave:
    /// the intersection; for a step that waits for all of them, `join: all`, what any one gave:
    /// the union), then whatever a message into it brings (a step waits for its messages). A
    /// step reached by messages only has what they bring. `size` is the sets' size.
    fn meet(&self, uc: &UseCase, v: usize, size: usize, along: impl Fn(usize, EdgeKind) -> BitSet) -> BitSet {
        let mut control = self.pred[v]
            .iter()
            .filter(|&&(p, _)| self.reachable[p])
            .peekable();
        let all = uc.steps[v].joins_all();
        let mut acc = if control.peek().is_none() || all {
            BitSet::empty(size)
        } else {
            BitSet::full(size)
        };
        for &(p, kind) in control {
            if all {
                acc.union_with(&along(p, kind));
            } else {
                acc.intersect_with(&along(p, kind));
            }
        }
        for &(p, kind) in self.msg_pred[v].iter().filter(|&&(p, _)| self.reachable[p]) {
            acc.union_with(&along(p, kind));
        }
        acc
    }
}

/// Runs every analysis on one use case.
pub fn analyse(cat: &Catalogue, uc: &UseCase, graph: &FlowGraph) -> FlowFacts {
    let n = uc.steps.len();
    let mut facts = FlowFacts {
        who: (0..n).map(|s| Some(who(cat, uc, s))).collect(),
        ..FlowFacts::default()
    };
    let Some(start) = graph.start.map(|s| graph.graph[s]) else {
        return facts;
    };
    let view = View::of(graph, start);
    let g = &view;
    let who_of = |s: usize| facts.who[s].unwrap_or(Who::Nobody);
    let order = reverse_postorder(g, start);

    for u in 0..n {
        // In `next` order, messages among the other entries.
        for &(v, kind) in graph.succ[u].iter().filter(|&&(_, k)| k != EdgeKind::Recovery) {
            if let (Who::Team(a), Who::Team(b)) = (who_of(u), who_of(v))
                && a != b
            {
                let cross = cat.teams[a].department != cat.teams[b].department;
                let edge = Edge { from: u, to: v, kind };
                facts.handoffs.push(Handoff {
                    edge,
                    from_team: a,
                    to_team: b,
                    cross_department: cross,
                });
            }
        }
    }

    facts.handoffs.shrink_to_fit(); // kept until the report is written

    let items = Items::of(uc);
    let available = availability(uc, g, &items, start, &order);
    facts.gaps = information_gaps(uc, g, &items, start, &available);
    facts.silos = silo_gaps(cat, uc, g, &items, start, &order, &available, &facts);
    facts.parallels = parallel_splits(uc, g, &order);
    facts.unmatched_joins = unmatched_joins(uc, g, start);
    facts.worst = super::worst::worst_path(start, &|s| uc.steps[s].is_end(), &g.succ, &facts.handoffs);
    if let Some(worst) = facts.worst.as_mut()
        && facts
            .parallels
            .iter()
            .any(|p| matches!(p.meeting, Meeting::Joined(_)))
    {
        let mut searches = PARALLEL_SEARCHES;
        add_parallel_branches(uc, g, &facts.parallels, &facts.handoffs, worst, &mut searches);
    }
    facts.longest_minutes = longest_duration(uc, g, start);
    facts.ping_pongs = ping_pongs(uc, g, start, &facts);
    facts.switches = channel_switches(cat, uc, g, &facts);
    facts.repeats = repeat_asks(uc, g, &items, &order, &facts);
    facts.open_loops = open_loops(cat, uc, g);
    facts
}

/// Reachable steps in reverse postorder from the start (a good order for forward analyses).
fn reverse_postorder(g: &View, start: usize) -> Vec<usize> {
    let mut post = Vec::new();
    let mut seen = vec![false; g.succ.len()];
    let mut stack = vec![(start, 0usize)];
    seen[start] = true;
    while let Some((u, i)) = stack.pop() {
        if let Some(&(v, _)) = g.out_at(u, i) {
            stack.push((u, i + 1));
            if !seen[v] {
                seen[v] = true;
                stack.push((v, 0));
            }
        } else {
            post.push(u);
        }
    }
    post.reverse();
    post
}

fn edge_carries(uc: &UseCase, u: usize, kind: EdgeKind) -> impl Iterator<Item = &str> {
    let step = &uc.steps[u];
    let on_edge = match kind {
        EdgeKind::Next(k) | EdgeKind::Message(k) => &*step.next[k].carries,
        EdgeKind::Recovery => &[],
    };
    step.carries.iter().chain(on_edge).map(|r| r.value.as_str())
}

/// Items available along each edge and on entry to each step (a must analysis).
struct Available {
    at: Vec<BitSet>,
}

fn availability(uc: &UseCase, g: &View, items: &Items, start: usize, order: &[usize]) -> Available {
    let n = uc.steps.len();
    let k = items.len();
    let mut at = vec![BitSet::full(k); n];
    let mut inputs = BitSet::empty(k);
    uc.inputs.iter().for_each(|r| inputs.insert(items.id(&r.value)));
    at[start] = inputs;
    let out = |at: &[BitSet], u: usize, kind: EdgeKind| {
        let mut s = at[u].clone();
        uc.steps[u]
            .gives
            .iter()
            .for_each(|r| s.insert(items.id(&r.value)));
        edge_carries(uc, u, kind).for_each(|c| s.insert(items.id(c)));
        s
    };
    let mut changed = true;
    while changed {
        changed = false;
        for &v in order.iter().filter(|&&v| v != start) {
            let acc = g.meet(uc, v, k, |p, kind| out(&at, p, kind));
            if acc != at[v] {
                at[v] = acc;
                changed = true;
            }
        }
    }
    Available { at }
}

fn information_gaps(
    uc: &UseCase,
    g: &View,
    items: &Items,
    start: usize,
    av: &Available,
) -> Vec<InformationGap> {
    let mut gaps = Vec::new();
    for (s, step) in uc.steps.iter().enumerate() {
        if !g.reachable[s] {
            continue;
        }
        for (k, need) in step.needs.iter().enumerate() {
            let item = items.id(&need.value);
            if !av.at[s].contains(item) {
                gaps.push(InformationGap {
                    step: s,
                    need: k,
                    witness: path_without(uc, g, start, s, &need.value),
                });
            }
        }
    }
    gaps
}

/// A shortest path from `start` to `target` on which no step before the target gives or
/// carries `item` (breadth-first search).
fn path_without(uc: &UseCase, g: &View, start: usize, target: usize, item: &str) -> Vec<usize> {
    let given = |u: usize, kind: EdgeKind| {
        uc.steps[u].gives.iter().any(|r| r.value == item) || edge_carries(uc, u, kind).any(|c| c == item)
    };
    let mut prev = vec![usize::MAX; uc.steps.len()];
    let mut queue = VecDeque::from([start]);
    prev[start] = start;
    while let Some(u) = queue.pop_front() {
        if u == target {
            let mut path = vec![u];
            let mut x = u;
            while x != start {
                x = prev[x];
                path.push(x);
            }
            path.reverse();
            return path;
        }
        for &(v, kind) in g.succ[u].iter().chain(&g.msg_succ[u]) {
            if prev[v] == usize::MAX && !given(u, kind) {
                prev[v] = u;
                queue.push_back(v);
            }
        }
    }
    vec![target]
}

/// Which (team, item) pairs are known on every path, and the cross-department handoffs where a
/// needed, available item has not reached the receiving team.
#[allow(clippy::too_many_arguments)]
fn silo_gaps(
    cat: &Catalogue,
    uc: &UseCase,
    g: &View,
    items: &Items,
    start: usize,
    order: &[usize],
    av: &Available,
    facts: &FlowFacts,
) -> Vec<SiloGap> {
    if !facts.handoffs.iter().any(|h| h.cross_department) {
        return Vec::new();
    }
    // Local numbering of the teams acting in this use case.
    let teams = facts.teams();
    let local = |t: usize| teams.binary_search(&t).ok();
    let k = items.len();
    let bit = |team: usize, item: usize| team * k + item;
    let size = teams.len() * k;
    // For each step and item it gives: the local teams that can read where it is recorded.
    let readers = |u: usize, item: &str| -> Vec<usize> {
        let mut systems: Vec<&str> = Vec::new();
        systems.extend(uc.steps[u].system.as_ref().map(|s| s.value.as_str()));
        systems.extend(
            cat.item(item)
                .and_then(|i| i.stored_in.as_ref())
                .map(|s| s.value.as_str()),
        );
        let mut out = Vec::new();
        for sys in systems.into_iter().filter_map(|s| cat.system(s)) {
            out.extend(
                sys.access
                    .iter()
                    .filter_map(|a| cat.index.teams.get(a.value.as_str()))
                    .filter_map(|&t| local(t)),
            );
        }
        out
    };
    let who = |s: usize| facts.who[s].unwrap_or(Who::Nobody);
    let transfer = |known: &[BitSet], u: usize, v: usize, kind: EdgeKind| {
        let mut s = known[u].clone();
        for give in &uc.steps[u].gives {
            let item = items.id(&give.value);
            if let Who::Team(t) = who(u)
                && let Some(t) = local(t)
            {
                s.insert(bit(t, item));
            }
            readers(u, &give.value)
                .into_iter()
                .for_each(|t| s.insert(bit(t, item)));
        }
        if let Who::Team(t) = who(v)
            && let Some(t) = local(t)
        {
            edge_carries(uc, u, kind).for_each(|c| s.insert(bit(t, items.id(c))));
            // The customer tells the team they are in contact with what they give.
            if who(u) == Who::Customer {
                uc.steps[u]
                    .gives
                    .iter()
                    .for_each(|r| s.insert(bit(t, items.id(&r.value))));
            }
        }
        s
    };
    let n = uc.steps.len();
    let mut known = vec![BitSet::full(size); n];
    // What the customer has from the start is on record where the item is stored.
    let mut initial = BitSet::empty(size);
    for input in &uc.inputs {
        let readers = cat
            .item(&input.value)
            .and_then(|i| i.stored_in.as_ref())
            .and_then(|s| cat.system(&s.value));
        for team in readers
            .iter()
            .flat_map(|s| &s.access)
            .filter_map(|a| cat.index.teams.get(a.value.as_str()))
        {
            if let Some(t) = local(*team) {
                initial.insert(bit(t, items.id(&input.value)));
            }
        }
    }
    known[start] = initial;
    let mut changed = true;
    while changed {
        changed = false;
        for &v in order.iter().filter(|&&v| v != start) {
            let acc = g.meet(uc, v, size, |p, kind| transfer(&known, p, v, kind));
            if acc != known[v] {
                known[v] = acc;
                changed = true;
            }
        }
    }
    let mut gaps = Vec::new();
    for h in facts
        .handoffs
        .iter()
        .filter(|h| h.cross_department && g.reachable[h.edge.from])
    {
        let (u, v) = (h.edge.from, h.edge.to);
        let Some(t) = local(h.to_team) else { continue };
        // Along the edge; but a step that waits for a message or for all its branches gets
        // what every one of them brings, so what reaches it counts.
        let along = if h.edge.kind.is_message() || uc.steps[v].joins_all() {
            known[v].clone()
        } else {
            transfer(&known, u, v, h.edge.kind)
        };
        let mut avail = av.at[u].clone();
        uc.steps[u]
            .gives
            .iter()
            .for_each(|r| avail.insert(items.id(&r.value)));
        edge_carries(uc, u, h.edge.kind).for_each(|c| avail.insert(items.id(c)));
        for (k, need) in uc.steps[v].needs.iter().enumerate() {
            let item = items.id(&need.value);
            if avail.contains(item) && !along.contains(bit(t, item)) {
                let givers = (0..n)
                    .filter(|&s| {
                        g.reachable[s]
                            && uc.steps[s].gives.iter().any(|r| r.value == need.value)
                            && (s == u || leads_to(g, s, u))
                    })
                    .collect();
                gaps.push(SiloGap {
                    handoff: *h,
                    need: k,
                    givers,
                });
            }
        }
    }
    gaps
}

/// True when some path leads from step `from` to step `to` (one edge or more, messages too).
fn leads_to(g: &View, from: usize, to: usize) -> bool {
    let mut seen = vec![false; g.succ.len()];
    let mut stack: Vec<usize> = g.succ[from]
        .iter()
        .chain(&g.msg_succ[from])
        .map(|&(v, _)| v)
        .collect();
    while let Some(w) = stack.pop() {
        if w == to {
            return true;
        }
        if !std::mem::replace(&mut seen[w], true) {
            stack.extend(g.succ[w].iter().chain(&g.msg_succ[w]).map(|&(v, _)| v));
        }
    }
    false
}

/// The longest expected duration from the start to an end step, each cycle taken once.
fn longest_duration(uc: &UseCase, g: &View, start: usize) -> Option<u64> {
    let comps = g.sccs.len();
    let weight: Vec<u64> = g
        .sccs
        .iter()
        .map(|c| {
            c.iter()
                .map(|&s| uc.steps[s].duration.as_ref().map_or(0, |d| d.value.minutes))
                .fold(0, u64::saturating_add)
        })
        .collect();
    if weight.iter().all(|&w| w == 0) {
        return None;
    }
    let mut best: Vec<Option<u64>> = vec![None; comps];
    best[g.scc_of[start]] = Some(weight[g.scc_of[start]]);
    for c in (0..comps).rev() {
        let Some(here) = best[c] else { continue };
        for &u in &g.sccs[c] {
            for &(v, _) in &g.succ[u] {
                let d = g.scc_of[v];
                // Durations are bounded when read; saturating keeps any sum total all the same.
                let through = here.saturating_add(weight[d]);
                if d != c && best[d].is_none_or(|b| through > b) {
                    best[d] = Some(through);
                }
            }
        }
    }
    (0..uc.steps.len())
        .filter(|&s| uc.steps[s].is_end())
        .filter_map(|s| best[g.scc_of[s]])
        .max()
}

/// The state of the search for A, B, A, B: previous team, current team, length of the
/// alternating run (customer and end steps leave it unchanged).
type Alternation = (Option<usize>, Option<usize>, u8);

/// Ping-pong on the worst-path walks ([`super::worst`]: from the start to an end, round each
/// simple cycle at most once). A search over the states (step, [`Alternation`]) finds the pairs
/// of teams that alternate on some walk from the start that can still reach an end; without a
/// cycle every walk is a simple path and that is exact. With cycles, each pair is confirmed by
/// a search of the worst-path walks themselves, which also gives the handoff reported; where
/// that search runs out of budget, the pair found by the first search is kept (it may need a
/// loop taken twice: a sound over-approximation, never a miss).
fn ping_pongs(uc: &UseCase, g: &View, start: usize, facts: &FlowFacts) -> Vec<PingPong> {
    type State = (usize, Alternation);
    let who = |s: usize| facts.who[s].unwrap_or(Who::Nobody);
    let step_into = |(a, b, k): Alternation, v: usize| -> Alternation {
        match who(v) {
            Who::Team(t) if Some(t) == b => (a, b, k),
            Who::Team(t) if Some(t) == a && k >= 2 => (b, Some(t), (k + 1).min(4)),
            Who::Team(t) => (b, Some(t), if b.is_some() { 2 } else { 1 }),
            _ => (a, b, k),
        }
    };
    // The steps from which an end can be reached along `next` entries.
    let n = uc.steps.len();
    let mut can_end = vec![false; n];
    let mut stack: Vec<usize> = (0..n).filter(|&s| uc.steps[s].is_end()).collect();
    while let Some(v) = stack.pop() {
        if !std::mem::replace(&mut can_end[v], true) {
            stack.extend(
                g.pred[v]
                    .iter()
                    .map(|&(p, _)| p)
                    .filter(|&p| !uc.steps[p].is_end()),
            );
        }
    }
    if !can_end[start] {
        return Vec::new();
    }
    let first: State = (start, step_into((None, None, 0), start));
    let mut seen: HashSet<State> = HashSet::from([first]);
    let mut queue = VecDeque::from([first]);
    let mut found: Vec<PingPong> = Vec::new();
    let mut pairs: HashSet<(usize, usize)> = HashSet::new();
    while let Some(state) = queue.pop_front() {
        let u = state.0;
        if uc.steps[u].is_end() {
            continue;
        }
        for &(v, kind) in g.succ[u].iter().filter(|&&(v, _)| can_end[v]) {
            let next = (v, step_into(state.1, v));
            // The run completes on entering a step of B, whether straight from A's step (a
            // handoff) or from a customer step in between.
            if next.1.2 == 4
                && state.1.2 == 3
                && let (Some(a), Some(b)) = (next.1.0, next.1.1)
                && pairs.insert((a.min(b), a.max(b)))
            {
                found.push(PingPong {
                    edge: Edge { from: u, to: v, kind },
                    first: a,
                    second: b,
                    // Without loops every walk is a simple path, and the search above is exact.
                    confirmed: true,
                });
            }
            if seen.insert(next) {
                queue.push_back(next);
            }
        }
    }
    if !found.is_empty() {
        let mut budget = super::worst::WALK_SEARCH_BUDGET;
        let is_end = |s: usize| uc.steps[s].is_end();
        let walks = super::worst::Walks::new(start, &is_end, &g.succ, &mut budget);
        if walks.is_none() {
            // Too many simple cycles to search the walks: every pair stays, as possible.
            found.iter_mut().for_each(|p| p.confirmed = false);
        }
        if let Some(walks) = walks
            && !walks.acyclic()
        {
            found.retain_mut(|p| {
                let pair = (p.first.min(p.second), p.first.max(p.second));
                let done = |&(a, b, k): &Alternation| {
                    k == 4 && a.zip(b).is_some_and(|(a, b)| (a.min(b), a.max(b)) == pair)
                };
                match walks.find(
                    (None, None, 0),
                    &|&s: &Alternation, v| step_into(s, v),
                    &done,
                    &mut budget,
                ) {
                    Some(Some((edge, (Some(a), Some(b), _)))) => {
                        *p = PingPong {
                            edge,
                            first: a,
                            second: b,
                            confirmed: true,
                        };
                        true
                    }
                    Some(_) => false,
                    None => {
                        p.confirmed = false;
                        true
                    }
                }
            });
        }
    }
    found.sort_by_key(|p| (p.edge.from, p.edge.to));
    found
}

fn customer_facing(cat: &Catalogue, uc: &UseCase, s: usize) -> bool {
    !uc.steps[s].is_end() && cat.is_customer_facing(&uc.steps[s])
}

/// From each frontstage step with a channel, the customer steps on another channel reached
/// through unseen steps only.
fn channel_switches(cat: &Catalogue, uc: &UseCase, g: &View, facts: &FlowFacts) -> Vec<ChannelSwitch> {
    let mut out = Vec::new();
    for u in (0..uc.steps.len()).filter(|&u| g.reachable[u]) {
        let step = &uc.steps[u];
        let (Some(Who::Team(_)), Some(Lane::Frontstage), Some(a)) =
            (facts.who[u], cat.lane_of(step), &step.channel)
        else {
            continue;
        };
        let mut seen = vec![false; uc.steps.len()];
        let mut stack: Vec<usize> = g.succ[u].iter().map(|&(v, _)| v).collect();
        while let Some(w) = stack.pop() {
            if std::mem::replace(&mut seen[w], true) {
                continue;
            }
            if customer_facing(cat, uc, w) {
                if facts.who[w] == Some(Who::Customer)
                    && let Some(b) = &uc.steps[w].channel
                    && b.value != a.value
                {
                    out.push(ChannelSwitch { from: u, to: w });
                }
                continue;
            }
            if !uc.steps[w].is_end() {
                stack.extend(g.succ[w].iter().map(|&(v, _)| v));
            }
        }
    }
    out.sort_by_key(|s| (s.to, s.from));
    out.dedup_by_key(|s| s.to);
    out
}

/// Items a customer step gives that the customer gave before on some path (a may analysis).
fn repeat_asks(uc: &UseCase, g: &View, items: &Items, order: &[usize], facts: &FlowFacts) -> Vec<RepeatAsk> {
    let n = uc.steps.len();
    let k = items.len();
    let is_customer = |s: usize| facts.who[s] == Some(Who::Customer);
    let out_of = |given: &[BitSet], u: usize| {
        let mut s = given[u].clone();
        if is_customer(u) {
            uc.steps[u]
                .gives
                .iter()
                .for_each(|r| s.insert(items.id(&r.value)));
        }
        s
    };
    let mut given = vec![BitSet::empty(k); n];
    let mut changed = true;
    while changed {
        changed = false;
        for &v in order {
            let mut acc = BitSet::empty(k);
            for &(p, _) in g.pred[v]
                .iter()
                .chain(&g.msg_pred[v])
                .filter(|&&(p, _)| g.reachable[p])
            {
                acc.union_with(&out_of(&given, p));
            }
            if acc != given[v] {
                given[v] = acc;
                changed = true;
            }
        }
    }
    let mut out = Vec::new();
    for v in (0..n).filter(|&v| g.reachable[v] && is_customer(v)) {
        for (gi, r) in uc.steps[v].gives.iter().enumerate() {
            if given[v].contains(items.id(&r.value)) {
                // The nearest earlier customer step that gives it (backwards search through
                // the steps the start reaches: an unreachable step gave nothing).
                let mut seen = vec![false; n];
                let mut queue: VecDeque<usize> =
                    g.pred[v].iter().chain(&g.msg_pred[v]).map(|&(p, _)| p).collect();
                let mut earlier = v;
                while let Some(p) = queue.pop_front() {
                    if std::mem::replace(&mut seen[p], true) || !g.reachable[p] {
                        continue;
                    }
                    if is_customer(p) && uc.steps[p].gives.iter().any(|x| x.value == r.value) {
                        earlier = p;
                        break;
                    }
                    queue.extend(g.pred[p].iter().chain(&g.msg_pred[p]).map(|&(q, _)| q));
                }
                out.push(RepeatAsk {
                    step: v,
                    give: gi,
                    earlier,
                });
            }
        }
    }
    out
}

/// Edges from a reachable backstage or support step straight to an end step: the path ends
/// with nobody telling the customer.
fn open_loops(cat: &Catalogue, uc: &UseCase, g: &View) -> Vec<Edge> {
    let mut out = Vec::new();
    for u in (0..uc.steps.len()).filter(|&u| g.reachable[u] && !uc.steps[u].is_end()) {
        if !matches!(cat.lane_of(&uc.steps[u]), Some(Lane::Backstage | Lane::Support)) {
            continue;
        }
        for &(v, kind) in &g.succ[u] {
            if uc.steps[v].is_end() {
                out.push(Edge { from: u, to: v, kind });
            }
        }
    }
    out
}

/// How many steps the searches for where parallel branches meet may visit in one use case
/// (each split searches from each branch, so thousands of splits in one use case would take
/// quadratic time); the splits left when it runs out are not listed in
/// [`FlowFacts::parallels`] (no finding, no branches added to the worst path).
const PARALLEL_VISITS: usize = 1 << 22;

/// The reachable parallel splits with two branches or more, and where their branches meet.
fn parallel_splits(uc: &UseCase, g: &View, order: &[usize]) -> Vec<ParallelSplit> {
    let n = uc.steps.len();
    let mut rank = vec![usize::MAX; n];
    order.iter().enumerate().for_each(|(i, &s)| rank[s] = i);
    let mut visits = PARALLEL_VISITS;
    // Per step: the search that last saw it, and (split, how many of its branches reach it).
    let mut seen_by = vec![0u32; n];
    let mut search = 0u32;
    let mut hits = vec![(0u32, 0usize); n];
    let mut out = Vec::new();
    for (k, s) in (0..n)
        .filter(|&s| g.reachable[s] && uc.steps[s].is_parallel())
        .enumerate()
    {
        let split = k as u32 + 1;
        let mut branches: Vec<usize> = Vec::new();
        for &(v, _) in &g.succ[s] {
            if v != s && !branches.contains(&v) {
                branches.push(v);
            }
        }
        if branches.len() < 2 {
            continue;
        }
        // The steps every branch leads to, without going back through the split: those the
        // first branch reaches that every search reaches.
        let mut first_reach: Vec<usize> = Vec::new();
        for (b, &h) in branches.iter().enumerate() {
            search += 1;
            let mut stack = vec![h];
            while let Some(u) = stack.pop() {
                if u == s || seen_by[u] == search {
                    continue;
                }
                let Some(left) = visits.checked_sub(1) else {
                    return out;
                };
                visits = left;
                seen_by[u] = search;
                if hits[u].0 != split {
                    hits[u] = (split, 0);
                }
                hits[u].1 += 1;
                if b == 0 {
                    first_reach.push(u);
                }
                stack.extend(g.succ[u].iter().map(|&(v, _)| v));
            }
        }
        let all = (split, branches.len());
        let first = first_reach
            .into_iter()
            .filter(|&x| hits[x] == all)
            .min_by_key(|&x| (rank[x], x));
        let meeting = match first {
            Some(x) if uc.steps[x].joins_all() || uc.steps[x].is_end() => Meeting::Joined(x),
            Some(x) => Meeting::Unsynchronised(x),
            None => Meeting::Never,
        };
        out.push(ParallelSplit {
            step: s,
            branches,
            meeting,
        });
    }
    out
}

/// The steps with `join: all` that the start reaches by control flow with no parallel split
/// among their dominators (the steps on every way from the start to them).
fn unmatched_joins(uc: &UseCase, g: &View, start: usize) -> Vec<usize> {
    let n = uc.steps.len();
    if !uc.steps.iter().any(|s| s.joins_all()) {
        return Vec::new();
    }
    let mut graph = petgraph::graph::DiGraph::<(), ()>::with_capacity(n, n);
    let nodes: Vec<_> = (0..n).map(|_| graph.add_node(())).collect();
    for (u, list) in g.succ.iter().enumerate() {
        for &(v, _) in list {
            graph.add_edge(nodes[u], nodes[v], ());
        }
    }
    let doms = petgraph::algo::dominators::simple_fast(&graph, nodes[start]);
    let idom = |v: usize| doms.immediate_dominator(nodes[v]).map(|d| d.index());
    // Per step: whether a parallel split strictly dominates it, each step's answer found once
    // by walking up the dominator tree to a step already answered.
    let mut split_above: Vec<Option<bool>> = vec![None; n];
    split_above[start] = Some(false);
    let mut chain = Vec::new();
    for v in 0..n {
        let mut x = v;
        while split_above[x].is_none() {
            chain.push(x);
            match idom(x) {
                Some(d) if uc.steps[d].is_parallel() => {
                    split_above[x] = Some(true);
                    chain.pop();
                }
                Some(d) => x = d,
                // Not reached from the start by control flow: nothing to say.
                None => {
                    split_above[x] = Some(false);
                    chain.pop();
                }
            }
        }
        let answer = split_above[x];
        for y in chain.drain(..) {
            split_above[y] = answer;
        }
    }
    (0..n)
        .filter(|&j| uc.steps[j].joins_all() && j != start)
        .filter(|&j| idom(j).is_some() && split_above[j] == Some(false))
        .collect()
}

/// How many searches of parallel branches one use case's worst path may take; past them every
/// handoff edge of the use case is added once, as a bound, and the worst path is no longer exact.
const PARALLEL_SEARCHES: usize = 256;

/// The worst path through parallel blocks: the walk takes one branch of a parallel split like
/// any branch, but every branch runs, so for each split on the walk whose branches meet at a
/// `join: all` (or end) step the walk passes later, the most handoffs of each other branch from
/// the split to that step are added, with their handoffs listed after the split's. When the
/// count is already a bound, every such block of the use case adds all its branches.
fn add_parallel_branches(
    uc: &UseCase,
    g: &View,
    parallels: &[ParallelSplit],
    handoffs: &[Handoff],
    worst: &mut WorstPath,
    searches: &mut usize,
) {
    let n = uc.steps.len();
    // Per step: the parallel split it is, when its branches meet, and where.
    let mut block: Vec<Option<(&ParallelSplit, usize)>> = vec![None; n];
    for p in parallels {
        if let Meeting::Joined(j) = p.meeting {
            block[p.step] = Some((p, j));
        }
    }
    // When the searches run out: every handoff of the control flow once more, a bound.
    let bound = || handoffs.iter().filter(|h| !h.edge.kind.is_message()).count();
    if !worst.exact {
        for (p, j) in block.iter().flatten() {
            for &h in &p.branches {
                if *searches == 0 {
                    worst.count = worst.count.saturating_add(bound());
                    return;
                }
                let b = branch_worst(uc, g, parallels, handoffs, p.step, h, *j, searches);
                worst.count = worst.count.saturating_add(b.count);
            }
        }
        return;
    }
    let mut last = vec![usize::MAX; n];
    worst.walk.iter().enumerate().for_each(|(t, &s)| last[s] = t);
    let mut listed = worst.handoffs.iter().peekable();
    let mut out: Vec<Handoff> = Vec::new();
    let mut exhausted = false;
    for t in 0..worst.walk.len().saturating_sub(1) {
        let (a, b) = (worst.walk[t], worst.walk[t + 1]);
        if let Some((p, j)) = block[a]
            && last[j] != usize::MAX
            && last[j] > t
            && !exhausted
        {
            for &h in p.branches.iter().filter(|&&h| h != b) {
                if *searches == 0 {
                    worst.count = worst.count.saturating_add(bound());
                    worst.exact = false;
                    exhausted = true;
                    break;
                }
                let branch = branch_worst(uc, g, parallels, handoffs, a, h, j, searches);
                worst.count = worst.count.saturating_add(branch.count);
                worst.exact &= branch.exact;
                out.extend(branch.handoffs);
            }
        }
        if let Some(h) = listed.next_if(|h| h.edge.from == a && h.edge.to == b) {
            out.push(*h);
        }
    }
    if worst.exact {
        worst.handoffs = out;
    } else {
        // A bound has no walk to show.
        worst.walk.clear();
        worst.handoffs.clear();
        worst.tangle = Some(worst.tangle.unwrap_or(0));
    }
}

/// The most handoffs of one branch of a parallel split: the edge from the split to `head`, then
/// the worst walk from `head` to the step where the branches meet, inside the steps between
/// (nested parallel blocks included).
#[allow(clippy::too_many_arguments)]
fn branch_worst(
    uc: &UseCase,
    g: &View,
    parallels: &[ParallelSplit],
    handoffs: &[Handoff],
    split: usize,
    head: usize,
    join: usize,
    searches: &mut usize,
) -> WorstPath {
    let n = uc.steps.len();
    let into = handoffs
        .iter()
        .find(|h| h.edge.from == split && h.edge.to == head && !h.edge.kind.is_message())
        .copied();
    // The steps between: reached from the head without passing the split or the join.
    let mut inside = vec![false; n];
    let mut stack = vec![head];
    while let Some(u) = stack.pop() {
        if u != split && !std::mem::replace(&mut inside[u], true) && u != join {
            stack.extend(g.succ[u].iter().map(|&(v, _)| v));
        }
    }
    let succ: Vec<Vec<(usize, EdgeKind)>> = (0..n)
        .map(|u| {
            if !inside[u] || u == join {
                return Vec::new();
            }
            g.succ[u].iter().copied().filter(|&(v, _)| inside[v]).collect()
        })
        .collect();
    // The caller checks that a search is left.
    *searches = searches.saturating_sub(1);
    let mut branch = if head == join {
        Some(WorstPath {
            count: 0,
            exact: true,
            walk: vec![head],
            handoffs: Vec::new(),
            tangle: None,
        })
    } else {
        super::worst::worst_path_within(
            head,
            &|s| s == join,
            &succ,
            handoffs,
            super::worst::SEARCH_BUDGET / 8,
        )
    };
    let mut branch = match branch.take() {
        Some(mut b) => {
            let nested = parallels.iter().any(|p| p.step != split && inside[p.step]);
            if nested {
                let sub = View {
                    succ: Cow::Borrowed(&succ),
                    pred: Cow::Borrowed(&g.pred),
                    msg_succ: Vec::new(),
                    msg_pred: Vec::new(),
                    reachable: Cow::Borrowed(&inside),
                    sccs: Cow::Borrowed(&[]),
                    scc_of: Cow::Borrowed(&[]),
                };
                add_parallel_branches(uc, &sub, parallels, handoffs, &mut b, searches);
            }
            b
        }
        None => {
            // No walk to the join within the steps between (their loops have no way out):
            // every handoff edge between counts once, as a bound.
            let count = handoffs
                .iter()
                .filter(|h| inside[h.edge.from] && inside[h.edge.to] && h.edge.from != join)
                .filter(|h| !h.edge.kind.is_message())
                .count();
            WorstPath {
                count,
                exact: false,
                walk: Vec::new(),
                handoffs: Vec::new(),
                tangle: Some(head),
            }
        }
    };
    if let Some(h) = into {
        branch.count += 1;
        branch.handoffs.insert(0, h);
    }
    branch
}
