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
            .get(&a.value)
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
            if !items.index.contains_key(&r.value) {
                items.index.insert(r.value.clone(), items.names.len());
                items.names.push(r.value.clone());
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
/// Without recovery edges it borrows what [`FlowGraph::build`] already computed.
struct View<'g> {
    succ: Cow<'g, [Vec<(usize, EdgeKind)>]>,
    pred: Cow<'g, [Vec<(usize, EdgeKind)>]>,
    reachable: Cow<'g, [bool]>,
    sccs: Cow<'g, [Vec<usize>]>,
    scc_of: Cow<'g, [usize]>,
}

impl<'g> View<'g> {
    fn of(g: &'g FlowGraph, start: usize) -> View<'g> {
        if !g.succ.iter().flatten().any(|&(_, k)| k == EdgeKind::Recovery) {
            return View {
                succ: Cow::Borrowed(&g.succ),
                pred: Cow::Borrowed(&g.pred),
                reachable: Cow::Borrowed(&g.reachable),
                sccs: Cow::Borrowed(&g.sccs),
                scc_of: Cow::Borrowed(&g.scc_of),
            };
        }
        let keep = |list: &Vec<(usize, EdgeKind)>| -> Vec<(usize, EdgeKind)> {
            list.iter()
                .copied()
                .filter(|&(_, k)| k != EdgeKind::Recovery)
                .collect()
        };
        let succ: Vec<_> = g.succ.iter().map(keep).collect();
        let pred: Vec<_> = g.pred.iter().map(keep).collect();
        let n = succ.len();
        let mut reachable = vec![false; n];
        let mut stack = vec![start];
        while let Some(u) = stack.pop() {
            if !std::mem::replace(&mut reachable[u], true) {
                stack.extend(succ[u].iter().map(|&(v, _)| v));
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
            reachable: Cow::Owned(reachable),
            sccs: Cow::Owned(sccs),
            scc_of: Cow::Owned(scc_of),
        }
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
        for &(v, kind) in &g.succ[u] {
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
    facts.worst = super::worst::worst_path(start, &|s| uc.steps[s].is_end(), &g.succ, &facts.handoffs);
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
        if let Some(&(v, _)) = g.succ[u].get(i) {
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
        EdgeKind::Next(k) => step.next[k].carries.as_slice(),
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
            let mut acc = BitSet::full(k);
            for &(p, kind) in g.pred[v].iter().filter(|&&(p, _)| g.reachable[p]) {
                acc.intersect_with(&out(&at, p, kind));
            }
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
        for &(v, kind) in &g.succ[u] {
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
                    .filter_map(|a| cat.index.teams.get(&a.value))
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
            .filter_map(|a| cat.index.teams.get(&a.value))
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
            let mut acc = BitSet::full(size);
            for &(p, kind) in g.pred[v].iter().filter(|&&(p, _)| g.reachable[p]) {
                acc.intersect_with(&transfer(&known, p, v, kind));
            }
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
        let along = transfer(&known, u, v, h.edge.kind);
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

/// True when some path leads from step `from` to step `to` (one edge or more).
fn leads_to(g: &View, from: usize, to: usize) -> bool {
    let mut seen = vec![false; g.succ.len()];
    let mut stack: Vec<usize> = g.succ[from].iter().map(|&(v, _)| v).collect();
    while let Some(w) = stack.pop() {
        if w == to {
            return true;
        }
        if !std::mem::replace(&mut seen[w], true) {
            stack.extend(g.succ[w].iter().map(|&(v, _)| v));
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
            for &(p, _) in g.pred[v].iter().filter(|&&(p, _)| g.reachable[p]) {
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
                let mut queue: VecDeque<usize> = g.pred[v].iter().map(|&(p, _)| p).collect();
                let mut earlier = v;
                while let Some(p) = queue.pop_front() {
                    if std::mem::replace(&mut seen[p], true) || !g.reachable[p] {
                        continue;
                    }
                    if is_customer(p) && uc.steps[p].gives.iter().any(|x| x.value == r.value) {
                        earlier = p;
                        break;
                    }
                    queue.extend(g.pred[p].iter().map(|&(q, _)| q));
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
