//! The swimlane diagram (service blueprint) of one use case, drawn by casebook as a
//! self-contained SVG: no script, no web font, no external reference, so it is safe to inline
//! in the handbook, works offline and prints well. `casebook graph ID --format svg` prints the
//! same picture.
//!
//! Layout and drawing are separate: [`layout`] computes the geometry ([`Layout`]), which tests
//! check (no overlapping boxes, boxes inside their sub-lanes, wrapped text), and
//! [`render_svg`] only writes it out.
//!
//! How the layout works:
//! - Rows: the lanes customer, frontstage, backstage and support, top to bottom, only those used;
//!   one sub-lane per team in the order of first appearance (the customer lane has one). An end
//!   step sits in the sub-lane of its first predecessor.
//! - Columns: a depth-first search from the start finds the back edges (loops); longest-path
//!   layering over the remaining acyclic graph orders the steps (unreachable steps come after).
//!   Taken in that order, each step goes to the first column after its predecessors' that is free
//!   in its sub-lane, so no two boxes share a cell. A step whose only way in is the only,
//!   unconditional way out of a step of another sub-lane goes straight above or below it when the
//!   cells between are free: a short vertical arrow, which keeps back-and-forth flows narrow.
//! - The other edges are orthogonal and never cross a box: they leave a box on its right side and
//!   enter on its left, run vertically only in the gaps between columns (each in its own slot) and
//!   horizontally along a sub-lane only where its cells are empty; otherwise on a track of a
//!   band between sub-lanes (loops always go that way, so they are visible). Sub-lanes and gaps
//!   grow to hold their tracks and slots. The middle of a box's side is kept for the one
//!   straight edge along its sub-lane; other edges enter in the upper half and leave from the
//!   lower half (edges going up from the upper half when no edge enters the next box there), so
//!   no two edges ever run on top of each other.
//! - Branch conditions are placed greedily at the free spot nearest to the edge's source; where
//!   none is free, the gap is widened and the columns laid out again.
//!
//! Text widths are estimated (no font metrics): [`CHAR_EM`] em per character, generous for
//! sans-serif fonts. Known limits: columns follow the flow, so a long linear use case is wide
//! (the picture scrolls, or scales down when printed); sub-lanes keep the order of first
//! appearance (no crossing minimisation); very long conditions are cut after five lines (the
//! whole text is in the tooltip).

use crate::graph::flow::Edge;
use crate::graph::{EdgeKind, FlowGraph};
use crate::labels::{EN, FR, label};
use crate::model::{CUSTOMER, Catalogue, Lane, UseCase};
use std::fmt::Write;

/// The words of the diagram, in one language.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LaneLabels {
    /// The customer lane.
    pub customer: &'static str,
    /// The frontstage lane.
    pub frontstage: &'static str,
    /// The backstage lane.
    pub backstage: &'static str,
    /// The support lane.
    pub support: &'static str,
    /// The line between the customer and frontstage lanes.
    pub line_of_interaction: &'static str,
    /// The line between the frontstage and backstage lanes.
    pub line_of_visibility: &'static str,
    /// The line between the backstage and support lanes.
    pub line_of_internal_interaction: &'static str,
    /// An ordinary edge, in the legend.
    pub flow: &'static str,
    /// An edge between two teams of one department, in the legend.
    pub handoff: &'static str,
    /// An edge between teams of two departments, in the legend.
    pub cross_department_handoff: &'static str,
    /// A recovery edge, in the legend.
    pub recovery: &'static str,
    /// A step that matters most to the customer.
    pub moment_of_truth: &'static str,
    /// A step where things often go wrong.
    pub fail_point: &'static str,
    /// An end step, in the legend.
    pub end: &'static str,
    /// The label of a `default: true` branch.
    pub otherwise: &'static str,
    /// The label of a recovery edge.
    pub on_failure: &'static str,
    /// Before the name of a use case a step runs as a sub-process.
    pub runs: &'static str,
    /// The heading of the legend.
    pub legend: &'static str,
}

impl LaneLabels {
    /// English labels (from the English table of [`crate::labels`]).
    pub const ENGLISH: LaneLabels = LaneLabels::from_table(EN);

    /// French labels (from the French table of [`crate::labels`]).
    pub const FRENCH: LaneLabels = LaneLabels::from_table(FR);

    const fn from_table(t: &[(&'static str, &'static str)]) -> LaneLabels {
        LaneLabels {
            customer: label(t, "lane_customer"),
            frontstage: label(t, "lane_frontstage"),
            backstage: label(t, "lane_backstage"),
            support: label(t, "lane_support"),
            line_of_interaction: label(t, "line_of_interaction"),
            line_of_visibility: label(t, "line_of_visibility"),
            line_of_internal_interaction: label(t, "line_of_internal_interaction"),
            flow: label(t, "legend_flow"),
            handoff: label(t, "legend_handoff"),
            cross_department_handoff: label(t, "legend_cross_department_handoff"),
            recovery: label(t, "legend_recovery"),
            moment_of_truth: label(t, "moment_of_truth"),
            fail_point: label(t, "fail_point"),
            end: label(t, "legend_end"),
            otherwise: label(t, "otherwise"),
            on_failure: label(t, "on_failure_short"),
            runs: label(t, "runs_lower"),
            legend: label(t, "legend"),
        }
    }

    /// The labels for the catalogue's language.
    pub fn for_catalogue(cat: &Catalogue) -> &'static LaneLabels {
        match cat.settings.language {
            crate::config::Language::En => &LaneLabels::ENGLISH,
            crate::config::Language::Fr => &LaneLabels::FRENCH,
        }
    }

    fn lane(&self, lane: Lane) -> &'static str {
        match lane {
            Lane::Customer => self.customer,
            Lane::Frontstage => self.frontstage,
            Lane::Backstage => self.backstage,
            Lane::Support => self.support,
        }
    }

    fn line(&self, line: LineKind) -> &'static str {
        match line {
            LineKind::Interaction => self.line_of_interaction,
            LineKind::Visibility => self.line_of_visibility,
            LineKind::InternalInteraction => self.line_of_internal_interaction,
        }
    }
}

// Geometry, in SVG user units (pixels at 100 %). Text widths are estimated at `CHAR_EM` em per
// character, a generous average for sans-serif fonts, so wrapped text fits its box.
/// The estimated width of a character, in em.
pub const CHAR_EM: f64 = 0.6;
const MARGIN: f64 = 16.0;
const HEADER_W: f64 = 24.0;
const CAPTION_W: f64 = 150.0;
const CAPTION_FONT: f64 = 11.0;
const CAPTION_LINE: f64 = 14.0;
const CAPTION_CHARS: usize = 21;
const BOX_W: f64 = 176.0;
const END_W: f64 = 150.0;
const PAD: f64 = 8.0;
const TITLE_FONT: f64 = 12.0;
const TITLE_LINE: f64 = 15.0;
/// Characters per line of a step title.
pub const TITLE_CHARS: usize = 22;
const END_CHARS: usize = 16;
const CHANNEL_FONT: f64 = 10.0;
const CHANNEL_LINE: f64 = 14.0;
const CHANNEL_CHARS: usize = 26;
const MIN_BOX_H: f64 = 44.0;
const GAP_MIN: f64 = 64.0;
const SLOT: f64 = 8.0;
const SLOT_MARGIN: f64 = 14.0;
const TRACK: f64 = 7.0;
const BAND_PAD: f64 = 16.0;
const LANE_BOTTOM: f64 = 14.0;
const LABEL_FONT: f64 = 10.0;
const LABEL_LINE: f64 = 12.0;
const LABEL_CHARS: usize = 18;
const LABEL_MAX_LINES: usize = 5;
const LABEL_ROOM: f64 = 124.0;
const ARROW: f64 = 9.0;
const HEADING_FONT: f64 = 16.0;
const HEADING_LINE: f64 = 20.0;
const LEGEND_ROW: f64 = 24.0;
const MIN_WIDTH: f64 = 760.0;
const HEADING_CHAR_EM: f64 = 0.65;

/// The estimated width of `s` at font size `font`.
pub fn text_width(s: &str, font: f64) -> f64 {
    s.chars().count() as f64 * CHAR_EM * font
}

/// The computed geometry of one use case's swimlane diagram.
#[derive(Clone, Debug)]
pub struct Layout {
    /// Width of the picture.
    pub width: f64,
    /// Height of the picture.
    pub height: f64,
    /// The use case's title, wrapped.
    pub heading: Vec<String>,
    /// The lanes used, top to bottom.
    pub lanes: Vec<LaneBand>,
    /// The sub-lanes, top to bottom.
    pub sub_lanes: Vec<SubLane>,
    /// One box per step, in step order.
    pub boxes: Vec<StepBox>,
    /// One routed edge per edge of the flow graph.
    pub edges: Vec<RoutedEdge>,
    /// The lines between lanes.
    pub lines: Vec<BoundaryLine>,
    /// Where the columns start (left of it: lane names and sub-lane captions).
    pub content_x: f64,
    /// The bottom of the last lane.
    pub lanes_bottom: f64,
    /// The top of the legend.
    pub legend_y: f64,
}

/// A lane of the diagram.
#[derive(Clone, Debug)]
pub struct LaneBand {
    /// Which lane.
    pub lane: Lane,
    /// Top.
    pub y: f64,
    /// Height.
    pub height: f64,
}

/// A sub-lane: the steps of one team (or all of the customer's) in one lane.
#[derive(Clone, Debug)]
pub struct SubLane {
    /// The lane it is in.
    pub lane: Lane,
    /// The team's name (or the persona), wrapped.
    pub caption: Vec<String>,
    /// Top.
    pub y: f64,
    /// Height.
    pub height: f64,
}

/// The box of one step.
#[derive(Clone, Debug)]
pub struct StepBox {
    /// The step's index.
    pub step: usize,
    /// Index into [`Layout::sub_lanes`].
    pub sub_lane: usize,
    /// Its column.
    pub column: usize,
    /// Left.
    pub x: f64,
    /// Top.
    pub y: f64,
    /// Width.
    pub w: f64,
    /// Height.
    pub h: f64,
    /// The title (or end label), wrapped.
    pub lines: Vec<String>,
    /// The channel's name, shortened to fit.
    pub channel: Option<String>,
    /// The use case it runs, shortened to fit.
    pub calls: Option<String>,
    /// An end step, drawn as a pill.
    pub end: bool,
    /// Marked as a moment of truth.
    pub moment_of_truth: bool,
    /// Marked as a fail point.
    pub fail_point: bool,
}

/// Whether an edge is a handoff, and of which kind.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum HandoffKind {
    /// Between two teams of one department.
    Internal,
    /// Between teams of two departments.
    CrossDepartment,
}

/// An edge with its route.
#[derive(Clone, Debug)]
pub struct RoutedEdge {
    /// The source step.
    pub from: usize,
    /// The target step.
    pub to: usize,
    /// Why the edge exists.
    pub kind: EdgeKind,
    /// The route: an orthogonal polyline from the source's right side to the target's left.
    pub points: Vec<(f64, f64)>,
    /// Whether it is a handoff.
    pub handoff: Option<HandoffKind>,
    /// It goes back to an earlier column (a loop).
    pub back: bool,
    /// Its condition, placed.
    pub label: Option<EdgeLabel>,
}

/// A branch condition placed next to its edge.
#[derive(Clone, Debug)]
pub struct EdgeLabel {
    /// The whole text.
    pub text: String,
    /// The text, wrapped (and shortened with an ellipsis when very long).
    pub lines: Vec<String>,
    /// Left.
    pub x: f64,
    /// Top.
    pub y: f64,
    /// Width.
    pub w: f64,
    /// Height.
    pub h: f64,
}

/// Which line of the service blueprint.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LineKind {
    /// Customer | frontstage.
    Interaction,
    /// Frontstage | backstage.
    Visibility,
    /// Backstage | support.
    InternalInteraction,
}

/// A line between two lanes (one or more lines of the blueprint when a lane is missing).
#[derive(Clone, Debug)]
pub struct BoundaryLine {
    /// Its height.
    pub y: f64,
    /// The lines it stands for.
    pub kinds: Vec<LineKind>,
}

/// Wraps `text` at word boundaries into lines of at most `max` characters, breaking words longer
/// than a line. Control characters and runs of white space become single spaces.
pub fn wrap(text: &str, max: usize) -> Vec<String> {
    let max = max.max(1);
    let mut lines: Vec<String> = Vec::new();
    let mut line = String::new();
    let mut len = 0;
    for word in text.split(|c: char| c.is_whitespace() || c.is_control()) {
        if word.is_empty() {
            continue;
        }
        let mut chars: Vec<char> = word.chars().collect();
        loop {
            let need = if len == 0 {
                chars.len()
            } else {
                len + 1 + chars.len()
            };
            if need <= max {
                if len > 0 {
                    line.push(' ');
                    len += 1;
                }
                line.extend(chars.iter());
                len += chars.len();
                break;
            }
            if len > 0 {
                lines.push(std::mem::take(&mut line));
                len = 0;
                continue;
            }
            // A word longer than a line: break it.
            let rest = chars.split_off(max);
            lines.push(chars.iter().collect());
            chars = rest;
        }
    }
    if len > 0 {
        lines.push(line);
    }
    lines
}

/// `text` on one line of at most `max` characters, shortened with an ellipsis.
fn shorten(text: &str, max: usize) -> String {
    let words = wrap(text, usize::MAX).join(" ");
    if words.chars().count() <= max {
        return words;
    }
    let mut s: String = words.chars().take(max.saturating_sub(1)).collect();
    s.push('…');
    s
}

/// Wraps and keeps at most `max_lines`, the last one ending with an ellipsis when cut.
fn wrap_capped(text: &str, chars: usize, max_lines: usize) -> Vec<String> {
    let mut lines = wrap(text, chars);
    if lines.len() > max_lines {
        lines.truncate(max_lines);
        let last = lines.last_mut().expect("max_lines > 0");
        let mut s: String = last.chars().take(chars.saturating_sub(1)).collect();
        s.push('…');
        *last = s;
    }
    lines
}

/// How an edge is routed, before coordinates exist.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Route {
    /// Into the next column: one vertical in the gap between.
    Adjacent,
    /// Along the source's sub-lane, then a vertical in the gap before the target.
    SourceRow,
    /// A vertical in the gap after the source, then along the target's sub-lane.
    TargetRow,
    /// Out to a track of a band between sub-lanes, along it, and back in.
    Band { band: usize, track: usize },
    /// Straight down or up to a step placed in the same column.
    Vertical,
}

struct Placed {
    from: usize,
    to: usize,
    kind: EdgeKind,
    route: Route,
    back: bool,
    out_y: f64,
    in_y: f64,
    /// The x of the vertical after the source and before the target (equal for one vertical).
    x_out: f64,
    x_in: f64,
}

/// A vertical segment waiting for a slot in its gap.
struct VSeg {
    gap: usize,
    lo: f64,
    hi: f64,
    /// Arrivals take slots from the right of the gap, the rest from the left.
    arrival: bool,
    edge: usize,
}

/// The layout with English labels.
pub fn layout(cat: &Catalogue, uc: &UseCase, flow: &FlowGraph) -> Layout {
    layout_with(cat, uc, flow, &LaneLabels::ENGLISH)
}

/// The text of an edge's label, if any.
fn condition(uc: &UseCase, e: &Edge, labels: &LaneLabels) -> Option<String> {
    match e.kind {
        EdgeKind::Next(k) => {
            let n = uc.steps[e.from].next.get(k)?;
            n.when
                .as_ref()
                .map(|w| w.value.clone())
                .or_else(|| n.default.then(|| labels.otherwise.to_owned()))
        }
        EdgeKind::Recovery => Some(labels.on_failure.to_owned()),
    }
}

/// The sub-lane of every step, and the sub-lanes (lane, caption) sorted by lane.
fn sub_lanes(
    cat: &Catalogue,
    uc: &UseCase,
    flow: &FlowGraph,
    labels: &LaneLabels,
) -> (Vec<usize>, Vec<(Lane, String)>) {
    let n = uc.steps.len();
    let mut keys: Vec<(Lane, String, String)> = Vec::new();
    let mut key_of: Vec<Option<usize>> = vec![None; n];
    for (i, s) in uc.steps.iter().enumerate() {
        if s.is_end() {
            continue;
        }
        let lane = cat.lane_of(s).unwrap_or(Lane::Frontstage);
        let actor = s.actor.as_ref().map_or("", |a| a.value.as_str());
        let (key, caption) = if lane == Lane::Customer {
            let caption = uc.persona.clone().unwrap_or_else(|| labels.customer.to_owned());
            (String::new(), caption)
        } else if actor == CUSTOMER {
            (actor.to_owned(), labels.customer.to_owned())
        } else {
            let caption = cat
                .team(actor)
                .map_or_else(|| actor.to_owned(), |t| t.name.clone());
            (actor.to_owned(), caption)
        };
        let k = match keys.iter().position(|(l, k, _)| *l == lane && *k == key) {
            Some(k) => k,
            None => {
                keys.push((lane, key, caption));
                keys.len() - 1
            }
        };
        key_of[i] = Some(k);
    }
    if keys.is_empty() {
        keys.push((Lane::Customer, String::new(), labels.customer.to_owned()));
    }
    // Sort by lane, keeping the order of first appearance inside a lane.
    let mut order: Vec<usize> = (0..keys.len()).collect();
    order.sort_by_key(|&k| (keys[k].0, k));
    let mut rank = vec![0; keys.len()];
    for (r, &k) in order.iter().enumerate() {
        rank[k] = r;
    }
    let mut sub_of = vec![0; n];
    for i in 0..n {
        sub_of[i] = match key_of[i] {
            Some(k) => rank[k],
            None => flow
                .pred
                .get(i)
                .and_then(|p| p.iter().find_map(|&(u, _)| key_of[u]))
                .map_or(0, |k| rank[k]),
        };
    }
    let subs = order
        .into_iter()
        .map(|k| (keys[k].0, keys[k].2.clone()))
        .collect();
    (sub_of, subs)
}

/// The column of every step (see the module documentation), and for each step placed straight
/// above or below its only predecessor, that predecessor.
fn columns(
    uc: &UseCase,
    flow: &FlowGraph,
    sub_of: &[usize],
    subs: usize,
) -> (Vec<usize>, Vec<Option<usize>>) {
    let n = uc.steps.len();
    let succ = |u: usize| flow.succ.get(u).map_or(&[][..], |s| &s[..]);
    // Depth-first search from the start, then from every step not yet seen.
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
    // Reachable steps first, the rest after.
    let group = |i: usize| usize::from(!flow.reachable.get(i).copied().unwrap_or(false));
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
    let mut ready: std::collections::BTreeSet<usize> = (0..n).filter(|&v| indegree[v] == 0).collect();
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
    // A step whose only way in is the only, unconditional way out of a step of another sub-lane
    // goes straight above or below it when the cells between are free: a handoff drawn as a
    // short vertical arrow, which keeps ping-pong flows narrow.
    let plain_single = |p: usize| match succ(p) {
        [(_, EdgeKind::Next(k))] => uc.steps[p]
            .next
            .get(*k)
            .is_some_and(|x| x.when.is_none() && !x.default),
        _ => false,
    };
    let mut col = vec![0usize; n];
    let mut stacked_from = vec![None; n];
    let mut taken: Vec<Vec<bool>> = vec![Vec::new(); subs];
    let is_taken = |taken: &[Vec<bool>], s: usize, c: usize| taken[s].get(c).copied().unwrap_or(false);
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
        let stack_on = match dag_in[u][..] {
            [p] if sub_of[p] != sub_of[u]
                && plain_single(p)
                && !uc.steps[p].is_end()
                && !uc.steps[u].is_end()
                && stacked_from[p].is_none() =>
            {
                let (lo, hi) = (sub_of[p].min(sub_of[u]), sub_of[p].max(sub_of[u]));
                let free = (lo + 1..hi)
                    .chain([sub_of[u]])
                    .all(|s| !is_taken(&taken, s, col[p]));
                free.then_some(p)
            }
            _ => None,
        };
        if let Some(p) = stack_on {
            c = col[p];
            let (lo, hi) = (sub_of[p].min(sub_of[u]), sub_of[p].max(sub_of[u]));
            for row in &mut taken[lo + 1..hi] {
                if row.len() <= c {
                    row.resize(c + 1, false);
                }
                row[c] = true;
            }
            stacked_from[u] = Some(p);
        } else {
            while is_taken(&taken, sub_of[u], c) {
                c += 1;
            }
        }
        let row = &mut taken[sub_of[u]];
        if row.len() <= c {
            row.resize(c + 1, false);
        }
        row[c] = true;
        col[u] = c;
        for &v in &dag[u] {
            min_col[v] = min_col[v].max(c + 1);
        }
    }
    (col, stacked_from)
}

fn overlaps(list: &[(i64, i64)], (lo, hi): (i64, i64)) -> bool {
    list.iter().any(|&(a, b)| a <= hi && lo <= b)
}

/// The box of step `i`: its wrapped text and size (placed later).
#[allow(clippy::too_many_arguments)]
fn step_box(
    cat: &Catalogue,
    uc: &UseCase,
    flow: &FlowGraph,
    labels: &LaneLabels,
    i: usize,
    sub_lane: usize,
    column: usize,
) -> StepBox {
    let s = &uc.steps[i];
    let end = s.is_end();
    let (lines, channel, calls) = if let Some(e) = &s.end {
        (wrap(&e.value, END_CHARS), None, None)
    } else {
        let title = s.title.as_ref().map_or(s.id.value.as_str(), |t| t.value.as_str());
        let channel = s.channel.as_ref().map(|c| {
            let name = cat
                .channel(&c.value)
                .map_or(c.value.as_str(), |c| c.name.as_str());
            shorten(name, CHANNEL_CHARS)
        });
        let calls = s.calls.as_ref().map(|c| {
            let name = cat
                .use_case(&c.value)
                .map_or(c.value.as_str(), |u| u.title.as_str());
            shorten(&format!("{} {name}", labels.runs), CHANNEL_CHARS)
        });
        (wrap(title, TITLE_CHARS), channel, calls)
    };
    let lines = if lines.is_empty() {
        vec![s.id.value.chars().take(TITLE_CHARS).collect()]
    } else {
        lines
    };
    let (w, h) = if end {
        (END_W, (lines.len() as f64 * TITLE_LINE + 2.0 * PAD).max(34.0))
    } else {
        let extra = [channel.is_some(), calls.is_some()]
            .iter()
            .filter(|&&b| b)
            .count() as f64;
        let h = 2.0 * PAD
            + lines.len() as f64 * TITLE_LINE
            + extra * CHANNEL_LINE
            + if extra > 0.0 { 3.0 } else { 0.0 };
        (BOX_W, h.max(MIN_BOX_H))
    };
    let ports = flow
        .succ
        .get(i)
        .map_or(0, Vec::len)
        .max(flow.pred.get(i).map_or(0, Vec::len));
    let h = h.max(16.0 + 18.0 * ports as f64);
    StepBox {
        step: i,
        sub_lane,
        column,
        x: 0.0,
        y: 0.0,
        w,
        h,
        lines,
        channel,
        calls,
        end,
        moment_of_truth: s.moment_of_truth.is_some(),
        fail_point: s.fail_point.is_some(),
    }
}

/// Decides how each edge runs, shortest edges first and loops last; returns the routes and, per
/// band (band `b` is above sub-lane `b`, the last one below all lanes), its number of tracks.
fn route_edges(
    edges: &[Edge],
    col: &[usize],
    sub_of: &[usize],
    stacked_from: &[Option<usize>],
    cell: &[Vec<bool>],
) -> (Vec<Route>, Vec<usize>) {
    let ns = cell.len();
    let mut order: Vec<usize> = (0..edges.len()).collect();
    order.sort_by_key(|&e| {
        let (u, v) = (edges[e].from, edges[e].to);
        (col[v] <= col[u], col[v].abs_diff(col[u]), u, v, e)
    });
    let mut rows: Vec<Vec<(i64, i64)>> = vec![Vec::new(); ns];
    let mut bands: Vec<Vec<Vec<(i64, i64)>>> = vec![Vec::new(); ns + 1];
    let mut routes = vec![Route::Adjacent; edges.len()];
    for &e in &order {
        let (u, v) = (edges[e].from, edges[e].to);
        let (su, sv, cu, cv) = (sub_of[u], sub_of[v], col[u], col[v]);
        let clear = |s: usize| (cu + 1..cv).all(|c| !cell[s][c]);
        let (cu2, cv2) = (2 * cu as i64, 2 * cv as i64);
        routes[e] = if stacked_from[v] == Some(u) && cv == cu {
            Route::Vertical
        } else if cv == cu + 1 {
            Route::Adjacent
        } else if cv > cu && clear(su) && !overlaps(&rows[su], (cu2 + 1, cv2)) {
            rows[su].push((cu2 + 1, cv2));
            Route::SourceRow
        } else if cv > cu && clear(sv) && !overlaps(&rows[sv], (cu2 + 2, cv2 + 1)) {
            rows[sv].push((cu2 + 2, cv2 + 1));
            Route::TargetRow
        } else {
            let back = cv <= cu;
            let candidates: Vec<usize> = if su < sv {
                (su + 1..=sv).collect()
            } else if su > sv {
                (sv + 1..=su).rev().collect()
            } else if back {
                vec![su + 1, su]
            } else {
                vec![su, su + 1]
            };
            let span = ((cu2 + 2).min(cv2), (cu2 + 2).max(cv2));
            let (band, track) = candidates
                .iter()
                .map(|&b| {
                    let t = bands[b]
                        .iter()
                        .position(|t| !overlaps(t, span))
                        .unwrap_or(bands[b].len());
                    (b, t)
                })
                .min_by_key(|&(_, t)| t)
                .expect("at least one candidate band");
            if track == bands[band].len() {
                bands[band].push(Vec::new());
            }
            bands[band][track].push(span);
            Route::Band { band, track }
        };
    }
    (routes, bands.iter().map(Vec::len).collect())
}

/// Where each edge leaves its source and enters its target (the y of its ports on the boxes'
/// right and left sides; vertical edges have none).
fn ports(
    boxes: &[StepBox],
    edges: &[Edge],
    routes: &[Route],
    sub_of: &[usize],
    col: &[usize],
) -> (Vec<f64>, Vec<f64>) {
    let n = boxes.len();
    // Ports: spread the edges over a box's side in the order of where they go, top to bottom.
    let rank_out = |e: usize| -> usize {
        let (u, v) = (edges[e].from, edges[e].to);
        match routes[e] {
            Route::Adjacent | Route::TargetRow => 2 * sub_of[v] + 1,
            Route::SourceRow | Route::Vertical => 2 * sub_of[u] + 1,
            Route::Band { band, .. } => 2 * band,
        }
    };
    let rank_in = |e: usize| -> usize {
        let (u, v) = (edges[e].from, edges[e].to);
        match routes[e] {
            Route::Adjacent | Route::SourceRow => 2 * sub_of[u] + 1,
            Route::TargetRow | Route::Vertical => 2 * sub_of[v] + 1,
            Route::Band { band, .. } => 2 * band,
        }
    };
    // The centre of a box's sides is kept for one straight edge along its sub-lane each way;
    // the other edges leave from the lower half and enter in the upper half. So an edge leaving
    // a box never runs on top of one entering the next box of the sub-lane.
    let mut straight = vec![false; edges.len()];
    let (mut straight_out, mut straight_in) = (vec![false; n], vec![false; n]);
    for (e, edge) in edges.iter().enumerate() {
        let (u, v) = (edge.from, edge.to);
        if sub_of[u] == sub_of[v]
            && matches!(routes[e], Route::Adjacent | Route::SourceRow)
            && !straight_out[u]
            && !straight_in[v]
        {
            straight[e] = true;
            straight_out[u] = true;
            straight_in[v] = true;
        }
    }
    let spread = |lo: f64, hi: f64, k: usize, m: usize| lo + (hi - lo) * (k as f64 + 0.5) / m as f64;
    let mut out_y = vec![0.0; edges.len()];
    let mut in_y = vec![0.0; edges.len()];
    for (i, b) in boxes.iter().enumerate() {
        let cy = b.y + b.h / 2.0;
        let mut ins: Vec<usize> = (0..edges.len())
            .filter(|&e| edges[e].to == i && routes[e] != Route::Vertical)
            .collect();
        ins.sort_by_key(|&e| (rank_in(e), std::cmp::Reverse(col[edges[e].from]), e));
        let mut k = 0;
        let m = ins.iter().filter(|&&e| !straight[e]).count();
        for &e in &ins {
            if straight[e] {
                in_y[e] = cy;
            } else {
                in_y[e] = spread(b.y + 4.0, cy - 4.0, k, m);
                k += 1;
            }
        }
    }
    for (i, b) in boxes.iter().enumerate() {
        let cy = b.y + b.h / 2.0;
        let mut outs: Vec<usize> = (0..edges.len())
            .filter(|&e| edges[e].from == i && routes[e] != Route::Vertical)
            .collect();
        outs.sort_by_key(|&e| (rank_out(e), col[edges[e].to], e));
        let own = 2 * sub_of[i] + 1;
        let (ups, downs): (Vec<usize>, Vec<usize>) = outs
            .iter()
            .filter(|&&e| !straight[e])
            .partition(|&&e| rank_out(e) < own);
        // Edges going up leave from the upper half when nothing enters the gap after this box
        // at the same height; otherwise every edge but the straight one leaves from the lower half.
        let mut upper: Vec<f64> = ups
            .iter()
            .enumerate()
            .map(|(k, _)| spread(b.y + 4.0, cy - 4.0, k, ups.len()))
            .collect();
        let entering: Vec<f64> = (0..edges.len())
            .filter(|&e| {
                let v = edges[e].to;
                sub_of[v] == sub_of[i]
                    && (col[v] == col[i] + 1
                        || (routes[e] == Route::TargetRow && col[edges[e].from] == col[i]))
            })
            .map(|e| in_y[e])
            .collect();
        let clash = upper.iter().any(|y| entering.iter().any(|z| (y - z).abs() < 2.0));
        let lower_count = if clash || ups.is_empty() {
            upper.clear();
            ups.len() + downs.len()
        } else {
            downs.len()
        };
        let mut k = 0;
        for &e in &outs {
            if straight[e] {
                out_y[e] = cy;
            } else if !upper.is_empty() && ups.contains(&e) {
                out_y[e] = upper[ups.iter().position(|&u| u == e).expect("an up edge")];
            } else {
                out_y[e] = spread(cy + 4.0, b.y + b.h - 4.0, k, lower_count);
                k += 1;
            }
        }
    }
    (out_y, in_y)
}

/// Computes the diagram's geometry with the words of `labels`.
pub fn layout_with(cat: &Catalogue, uc: &UseCase, flow: &FlowGraph, labels: &LaneLabels) -> Layout {
    let n = uc.steps.len();
    let (sub_of, subs) = sub_lanes(cat, uc, flow, labels);
    let ns = subs.len();
    let (col, stacked_from) = columns(uc, flow, &sub_of, ns);
    let ncols = col.iter().map(|&c| c + 1).max().unwrap_or(1);
    let mut cell = vec![vec![false; ncols]; ns];
    for i in 0..n {
        cell[sub_of[i]][col[i]] = true;
    }

    // Box contents and sizes.
    let mut boxes: Vec<StepBox> = (0..n)
        .map(|i| step_box(cat, uc, flow, labels, i, sub_of[i], col[i]))
        .collect();

    // Routes.
    let mut edges: Vec<Edge> = Vec::new();
    for u in 0..n {
        for &(v, kind) in flow.succ.get(u).map_or(&[][..], |s| &s[..]) {
            edges.push(Edge { from: u, to: v, kind });
        }
    }
    let (routes, tracks) = route_edges(&edges, &col, &sub_of, &stacked_from, &cell);

    // Vertical geometry.
    // The heading is wrapped once the width is known; everything moves down for its extra lines.
    let lanes_top = MARGIN + HEADING_LINE + 20.0;
    let captions: Vec<Vec<String>> = subs
        .iter()
        .map(|(_, c)| wrap_capped(c, CAPTION_CHARS, 6))
        .collect();
    let mut sub_h = vec![0.0; ns];
    let mut box_area = vec![0.0; ns];
    for s in 0..ns {
        let tallest = boxes
            .iter()
            .filter(|b| b.sub_lane == s)
            .map(|b| b.h)
            .fold(MIN_BOX_H, f64::max);
        let top = BAND_PAD + tracks[s] as f64 * TRACK;
        box_area[s] = tallest;
        let caption = captions[s].len() as f64 * CAPTION_LINE + 16.0;
        sub_h[s] = (top + tallest + LANE_BOTTOM).max(caption);
    }
    // A lane is tall enough for its name, written upwards.
    let mut lanes: Vec<LaneBand> = Vec::new();
    for s in 0..ns {
        let lane = subs[s].0;
        let last = subs.get(s + 1).is_none_or(|(l, _)| *l != lane);
        if last {
            let first = (0..=s)
                .rev()
                .take_while(|&t| subs[t].0 == lane)
                .last()
                .unwrap_or(s);
            let total: f64 = sub_h[first..=s].iter().sum();
            let need = labels.lane(lane).chars().count() as f64 * (0.75 * 11.0 + 1.0) + 16.0;
            if total < need {
                sub_h[s] += need - total;
            }
            lanes.push(LaneBand {
                lane,
                y: 0.0,
                height: 0.0,
            });
        }
    }
    let mut sub_lanes = Vec::with_capacity(ns);
    let mut y = lanes_top;
    for s in 0..ns {
        sub_lanes.push(SubLane {
            lane: subs[s].0,
            caption: captions[s].clone(),
            y,
            height: sub_h[s],
        });
        y += sub_h[s];
    }
    let lanes_bottom = y;
    for lane in &mut lanes {
        let mine: Vec<&SubLane> = sub_lanes.iter().filter(|s| s.lane == lane.lane).collect();
        lane.y = mine[0].y;
        lane.height = mine.iter().map(|s| s.height).sum();
    }
    let track_y = |band: usize, track: usize| -> f64 {
        let top = if band < ns {
            sub_lanes[band].y
        } else {
            lanes_bottom
        };
        top + 8.0 + track as f64 * TRACK
    };
    let center_y = |s: usize| -> f64 {
        let top = sub_lanes[s].y + BAND_PAD + tracks[s] as f64 * TRACK;
        let bottom = sub_lanes[s].y + sub_lanes[s].height - LANE_BOTTOM;
        (top + bottom) / 2.0
    };
    for b in &mut boxes {
        b.y = center_y(b.sub_lane) - b.h / 2.0;
    }
    let bottom_band = if tracks[ns] == 0 {
        0.0
    } else {
        8.0 + tracks[ns] as f64 * TRACK + 6.0
    };

    let (out_y, in_y) = ports(&boxes, &edges, &routes, &sub_of, &col);

    // Vertical segments and their slots.
    let mut vsegs: Vec<VSeg> = Vec::new();
    let mut band_y = vec![0.0; edges.len()];
    for (e, edge) in edges.iter().enumerate() {
        let (cu, cv) = (col[edge.from], col[edge.to]);
        let seg = |gap, a: f64, b: f64, arrival| VSeg {
            gap,
            lo: a.min(b),
            hi: a.max(b),
            arrival,
            edge: e,
        };
        match routes[e] {
            Route::Adjacent | Route::TargetRow => vsegs.push(seg(cu + 1, out_y[e], in_y[e], false)),
            Route::SourceRow => vsegs.push(seg(cv, out_y[e], in_y[e], true)),
            Route::Band { band, track } => {
                band_y[e] = track_y(band, track);
                vsegs.push(seg(cu + 1, out_y[e], band_y[e], false));
                vsegs.push(seg(cv, band_y[e], in_y[e], true));
            }
            Route::Vertical => {}
        }
    }
    let labelled: Vec<bool> = edges.iter().map(|e| condition(uc, e, labels).is_some()).collect();
    let mut slot = vec![0usize; vsegs.len()];
    let mut slots_used = vec![[0usize; 2]; ncols + 1];
    let mut by_gap: Vec<usize> = (0..vsegs.len()).collect();
    by_gap.sort_by(|&a, &b| {
        let (x, y) = (&vsegs[a], &vsegs[b]);
        (x.gap, x.arrival, x.lo, x.hi, x.edge)
            .partial_cmp(&(y.gap, y.arrival, y.lo, y.hi, y.edge))
            .unwrap_or(std::cmp::Ordering::Equal)
    });
    let mut taken: Vec<Vec<(f64, f64)>> = Vec::new();
    let mut current = (usize::MAX, false);
    for &i in &by_gap {
        let s = &vsegs[i];
        if s.hi - s.lo < 0.5 {
            continue;
        }
        if (s.gap, s.arrival) != current {
            current = (s.gap, s.arrival);
            taken.clear();
        }
        let k = taken
            .iter()
            .position(|t| t.iter().all(|&(a, b)| s.hi + 4.0 < a || b + 4.0 < s.lo))
            .unwrap_or(taken.len());
        if k == taken.len() {
            taken.push(Vec::new());
        }
        taken[k].push((s.lo, s.hi));
        slot[i] = k;
        let used = &mut slots_used[s.gap][usize::from(s.arrival)];
        *used = (*used).max(k + 1);
    }
    let mut gap_w = vec![GAP_MIN; ncols + 1];
    for (g, w) in gap_w.iter_mut().enumerate() {
        let label_here = edges
            .iter()
            .enumerate()
            .any(|(e, edge)| labelled[e] && col[edge.from] + 1 == g);
        let room = if label_here { LABEL_ROOM } else { 8.0 };
        let [l, r] = slots_used[g];
        *w = w.max(2.0 * SLOT_MARGIN + (l + r) as f64 * SLOT + room);
    }
    let content_x = MARGIN + HEADER_W + CAPTION_W;
    // Lay out the columns; widen the gaps where a condition found no free spot and try again.
    let mut rounds = 0;
    let (routed, diagram_right) = loop {
        rounds += 1;
        let mut gap_x = vec![0.0; ncols + 1];
        let mut col_x = vec![0.0; ncols];
        let mut x = content_x;
        for g in 0..=ncols {
            gap_x[g] = x;
            x += gap_w[g];
            if g < ncols {
                col_x[g] = x;
                x += BOX_W;
            }
        }
        let diagram_right = x;
        for b in &mut boxes {
            b.x = col_x[b.column] + (BOX_W - b.w) / 2.0;
        }
        let mut placed: Vec<Placed> = edges
            .iter()
            .enumerate()
            .map(|(e, edge)| Placed {
                from: edge.from,
                to: edge.to,
                kind: edge.kind,
                route: routes[e],
                back: col[edge.to] < col[edge.from]
                    || (col[edge.to] == col[edge.from] && routes[e] != Route::Vertical),
                out_y: out_y[e],
                in_y: in_y[e],
                x_out: f64::NAN,
                x_in: f64::NAN,
            })
            .collect();
        for (i, s) in vsegs.iter().enumerate() {
            let x = if s.arrival {
                gap_x[s.gap] + gap_w[s.gap] - SLOT_MARGIN - slot[i] as f64 * SLOT
            } else {
                gap_x[s.gap] + SLOT_MARGIN + slot[i] as f64 * SLOT
            };
            let p = &mut placed[s.edge];
            match p.route {
                Route::Adjacent | Route::TargetRow | Route::SourceRow => {
                    p.x_out = x;
                    p.x_in = x;
                }
                Route::Band { .. } if s.arrival => p.x_in = x,
                Route::Band { .. } => p.x_out = x,
                Route::Vertical => {}
            }
        }

        // Paths.
        let handoff_of = |e: &Placed| {
            flow.flow
                .handoffs
                .iter()
                .find(|h| h.edge.from == e.from && h.edge.to == e.to && h.edge.kind == e.kind)
                .map(|h| {
                    if h.cross_department {
                        HandoffKind::CrossDepartment
                    } else {
                        HandoffKind::Internal
                    }
                })
        };
        let mut routed: Vec<RoutedEdge> = placed
            .iter()
            .enumerate()
            .map(|(e, p)| {
                let (bu, bv) = (&boxes[p.from], &boxes[p.to]);
                let (start, end) = if p.route == Route::Vertical {
                    let x = bu.x + bu.w / 2.0;
                    if bu.y < bv.y {
                        ((x, bu.y + bu.h), (x, bv.y))
                    } else {
                        ((x, bu.y), (x, bv.y + bv.h))
                    }
                } else {
                    ((bu.x + bu.w, p.out_y), (bv.x, p.in_y))
                };
                let mut pts = vec![start];
                match p.route {
                    Route::Vertical => {}
                    Route::Band { .. } => {
                        pts.extend([
                            (p.x_out, p.out_y),
                            (p.x_out, band_y[e]),
                            (p.x_in, band_y[e]),
                            (p.x_in, p.in_y),
                        ]);
                    }
                    _ if (p.out_y - p.in_y).abs() >= 0.5 => {
                        pts.extend([(p.x_out, p.out_y), (p.x_in, p.in_y)]);
                    }
                    _ => {}
                }
                pts.push(end);
                RoutedEdge {
                    from: p.from,
                    to: p.to,
                    kind: p.kind,
                    points: simplify(pts),
                    handoff: handoff_of(p),
                    back: p.back,
                    label: None,
                }
            })
            .collect();

        // Labels, each at the free spot nearest to its source.
        let area = (content_x, lanes_top, diagram_right, lanes_bottom + bottom_band);
        let mut placed_labels: Vec<Rect> = Vec::new();
        let mut crowded: Vec<usize> = Vec::new();
        for e in 0..routed.len() {
            let Some(text) = condition(uc, &edges[e], labels) else {
                continue;
            };
            let lines = wrap_capped(&text, LABEL_CHARS, LABEL_MAX_LINES);
            let w = lines
                .iter()
                .map(|l| text_width(l, LABEL_FONT))
                .fold(0.0, f64::max)
                + 8.0;
            let h = lines.len() as f64 * LABEL_LINE + 4.0;
            let (cost, r) = best_label_spot(&routed, e, w, h, &boxes, &placed_labels, area);
            if cost >= 1000.0 {
                crowded.push(col[edges[e].from] + 1);
            }
            placed_labels.push(r);
            routed[e].label = Some(EdgeLabel {
                text,
                lines,
                x: r.x,
                y: r.y,
                w,
                h,
            });
        }
        if crowded.is_empty() || rounds == 4 {
            break (routed, diagram_right);
        }
        crowded.sort_unstable();
        crowded.dedup();
        for g in crowded {
            gap_w[g] += LABEL_ROOM;
        }
    };

    // Lines between lanes.
    let mut lines = Vec::new();
    for pair in lanes.windows(2) {
        let (a, b) = (pair[0].lane as usize, pair[1].lane as usize);
        let kinds = (a..b)
            .map(|k| match k {
                0 => LineKind::Interaction,
                1 => LineKind::Visibility,
                _ => LineKind::InternalInteraction,
            })
            .collect();
        lines.push(BoundaryLine { y: pair[1].y, kinds });
    }

    let legend_y = lanes_bottom + bottom_band + 24.0;
    let width = (diagram_right + MARGIN).max(MIN_WIDTH);
    let heading_chars = ((width - 2.0 * MARGIN) / (HEADING_CHAR_EM * HEADING_FONT)) as usize;
    let heading = wrap(&uc.title, heading_chars);
    let rows = legend_rows(labels, width).len() as f64;
    let height = legend_y + 22.0 + rows * LEGEND_ROW + MARGIN;
    let mut layout = Layout {
        width,
        height,
        heading,
        lanes,
        sub_lanes,
        boxes,
        edges: routed,
        lines,
        content_x,
        lanes_bottom,
        legend_y,
    };
    let extra = layout.heading.len().saturating_sub(1) as f64 * HEADING_LINE;
    if extra > 0.0 {
        layout.shift_down(extra);
    }
    layout
}

impl Layout {
    /// Moves everything below the heading down by `dy`.
    fn shift_down(&mut self, dy: f64) {
        self.height += dy;
        self.lanes_bottom += dy;
        self.legend_y += dy;
        self.lanes.iter_mut().for_each(|l| l.y += dy);
        self.sub_lanes.iter_mut().for_each(|s| s.y += dy);
        self.boxes.iter_mut().for_each(|b| b.y += dy);
        self.lines.iter_mut().for_each(|l| l.y += dy);
        for e in &mut self.edges {
            e.points.iter_mut().for_each(|p| p.1 += dy);
            if let Some(l) = &mut e.label {
                l.y += dy;
            }
        }
    }
}

/// Drops repeated and collinear points.
fn simplify(pts: Vec<(f64, f64)>) -> Vec<(f64, f64)> {
    let mut out: Vec<(f64, f64)> = Vec::with_capacity(pts.len());
    for p in pts {
        if out
            .last()
            .is_some_and(|q| (q.0 - p.0).abs() < 0.01 && (q.1 - p.1).abs() < 0.01)
        {
            continue;
        }
        if out.len() >= 2 {
            let (a, b) = (out[out.len() - 2], out[out.len() - 1]);
            let collinear = ((a.0 - b.0).abs() < 0.01 && (b.0 - p.0).abs() < 0.01)
                || ((a.1 - b.1).abs() < 0.01 && (b.1 - p.1).abs() < 0.01);
            if collinear {
                out.pop();
            }
        }
        out.push(p);
    }
    out
}

/// An axis-aligned rectangle.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Rect {
    /// Left.
    pub x: f64,
    /// Top.
    pub y: f64,
    /// Width.
    pub w: f64,
    /// Height.
    pub h: f64,
}

impl Rect {
    /// True when the two rectangles share some area.
    pub fn overlaps(&self, o: &Rect) -> bool {
        self.x < o.x + o.w && o.x < self.x + self.w && self.y < o.y + o.h && o.y < self.y + self.h
    }

    /// True when the segment from `a` to `b` (horizontal or vertical) passes through the rectangle.
    pub fn crossed_by(&self, a: (f64, f64), b: (f64, f64)) -> bool {
        let (x0, x1) = (a.0.min(b.0), a.0.max(b.0));
        let (y0, y1) = (a.1.min(b.1), a.1.max(b.1));
        x0 < self.x + self.w
            && self.x < x1.max(x0 + 0.01)
            && y0 < self.y + self.h
            && self.y < y1.max(y0 + 0.01)
    }

    fn grow(&self, d: f64) -> Rect {
        Rect {
            x: self.x - d,
            y: self.y - d,
            w: self.w + 2.0 * d,
            h: self.h + 2.0 * d,
        }
    }
}

impl StepBox {
    /// The box as a rectangle.
    pub fn rect(&self) -> Rect {
        Rect {
            x: self.x,
            y: self.y,
            w: self.w,
            h: self.h,
        }
    }
}

impl EdgeLabel {
    /// The label as a rectangle.
    pub fn rect(&self) -> Rect {
        Rect {
            x: self.x,
            y: self.y,
            w: self.w,
            h: self.h,
        }
    }
}

/// Tries spots along the edge's route and keeps the one that covers no box or other label,
/// crosses the fewest other edges and lies nearest to the source.
fn best_label_spot(
    edges: &[RoutedEdge],
    e: usize,
    w: f64,
    h: f64,
    boxes: &[StepBox],
    labels: &[Rect],
    (left, top, right, bottom): (f64, f64, f64, f64),
) -> (f64, Rect) {
    let pts = &edges[e].points;
    let mut best: Option<(f64, Rect)> = None;
    let mut along = 0.0;
    for (i, seg) in pts.windows(2).enumerate() {
        let (a, b) = (seg[0], seg[1]);
        let len = (b.0 - a.0).abs() + (b.1 - a.1).abs();
        let mut spots = Vec::new();
        if (a.1 - b.1).abs() < 0.01 {
            let (x0, x1) = (a.0.min(b.0), a.0.max(b.0));
            for x in [x0 + 6.0, (x0 + x1 - w) / 2.0, x1 - w - 12.0] {
                spots.push((
                    Rect {
                        x,
                        y: a.1 - h - 3.0,
                        w,
                        h,
                    },
                    0.0,
                ));
                spots.push((
                    Rect {
                        x,
                        y: a.1 + 3.0,
                        w,
                        h,
                    },
                    2.0,
                ));
            }
            spots.push((
                Rect {
                    x: (x0 + x1 - w) / 2.0,
                    y: a.1 - h / 2.0,
                    w,
                    h,
                },
                40.0,
            ));
        } else {
            let (y0, y1) = (a.1.min(b.1), a.1.max(b.1));
            let ys = if b.1 > a.1 {
                [y0 + 4.0, (y0 + y1 - h) / 2.0, y1 - h - 4.0]
            } else {
                [y1 - h - 4.0, (y0 + y1 - h) / 2.0, y0 + 4.0]
            };
            for y in ys {
                spots.push((
                    Rect {
                        x: a.0 + 4.0,
                        y,
                        w,
                        h,
                    },
                    0.0,
                ));
                spots.push((
                    Rect {
                        x: a.0 - w - 4.0,
                        y,
                        w,
                        h,
                    },
                    4.0,
                ));
            }
            spots.push((
                Rect {
                    x: a.0 - w / 2.0,
                    y: (y0 + y1 - h) / 2.0,
                    w,
                    h,
                },
                40.0,
            ));
        }
        for (r, base) in spots {
            let mut cost = base + along * 0.02 + i as f64;
            if r.x < left || r.x + r.w > right || r.y < top || r.y + r.h > bottom {
                cost += 1000.0;
            }
            let g = r.grow(2.0);
            cost += 1000.0 * boxes.iter().filter(|bx| bx.rect().grow(1.0).overlaps(&g)).count() as f64;
            cost += 1000.0 * labels.iter().filter(|l| l.overlaps(&g)).count() as f64;
            for (k, other) in edges.iter().enumerate() {
                let crossings = other
                    .points
                    .windows(2)
                    .filter(|s| r.crossed_by(s[0], s[1]))
                    .count();
                if k != e {
                    cost += 30.0 * crossings as f64;
                }
            }
            if best.is_none_or(|(c, _)| cost < c) {
                best = Some((cost, r));
            }
        }
        along += len;
    }
    best.unwrap_or((
        f64::INFINITY,
        Rect {
            x: left,
            y: top,
            w,
            h,
        },
    ))
}

/// Escapes text from YAML for the SVG (text and attribute values alike).
pub fn escape(s: &str) -> String {
    crate::markup::xml_escape(s, true)
}

/// A number with at most one decimal, for stable and short output.
fn num(x: f64) -> String {
    let r = (x * 10.0).round() / 10.0;
    if r == r.trunc() {
        format!("{}", r as i64)
    } else {
        format!("{r:.1}")
    }
}

const INK: &str = "#333333";
const CROSS: &str = "#b34700";
const RECOVERY: &str = "#c62828";

fn lane_fill(lane: Lane) -> &'static str {
    match lane {
        Lane::Customer => "#fdf6e3",
        Lane::Frontstage => "#eef4fb",
        Lane::Backstage => "#f3f3f3",
        Lane::Support => "#f4f0f8",
    }
}

/// Class names of an edge, for the handbook's style sheet and for tests.
fn edge_classes(e: &RoutedEdge) -> String {
    let mut c = String::from("cb-edge");
    match e.handoff {
        Some(HandoffKind::Internal) => c.push_str(" cb-handoff"),
        Some(HandoffKind::CrossDepartment) => c.push_str(" cb-handoff cb-cross-department"),
        None => {}
    }
    if e.kind == EdgeKind::Recovery {
        c.push_str(" cb-recovery");
    }
    if e.back {
        c.push_str(" cb-loop");
    }
    c
}

/// Stroke colour, width, dash pattern and marker of an edge.
fn edge_style(e: &RoutedEdge) -> (&'static str, f64, Option<&'static str>, &'static str) {
    let width = if e.handoff.is_some() { 2.8 } else { 1.4 };
    if e.kind == EdgeKind::Recovery {
        (RECOVERY, width, Some("2 4"), "recovery")
    } else if e.handoff == Some(HandoffKind::CrossDepartment) {
        (CROSS, width, Some("9 5"), "cross")
    } else {
        (INK, width, None, "arrow")
    }
}

/// Items of the legend, wrapped into rows that fit `width`: (row, x offset, item).
fn legend_rows(labels: &LaneLabels, width: f64) -> Vec<Vec<(f64, usize)>> {
    let items = legend_items(labels);
    let mut rows: Vec<Vec<(f64, usize)>> = vec![Vec::new()];
    let start = MARGIN + text_width(labels.legend, 11.0) + 16.0;
    let mut x = start;
    for (i, (_, text)) in items.iter().enumerate() {
        let w = 46.0 + text_width(text, 11.0) + 20.0;
        if x + w > width - MARGIN && x > start {
            rows.push(Vec::new());
            x = start;
        }
        rows.last_mut().expect("one row").push((x, i));
        x += w;
    }
    rows
}

#[derive(Clone, Copy)]
enum LegendItem {
    Flow,
    Handoff,
    Cross,
    Recovery,
    Moment,
    Fail,
    End,
}

fn legend_items(labels: &LaneLabels) -> [(LegendItem, &'static str); 7] {
    [
        (LegendItem::Flow, labels.flow),
        (LegendItem::Handoff, labels.handoff),
        (LegendItem::Cross, labels.cross_department_handoff),
        (LegendItem::Recovery, labels.recovery),
        (LegendItem::Moment, labels.moment_of_truth),
        (LegendItem::Fail, labels.fail_point),
        (LegendItem::End, labels.end),
    ]
}

/// A five-pointed star centred on (cx, cy).
fn star(out: &mut String, cx: f64, cy: f64, r: f64, title: &str) {
    // The points of a unit star (outer radius 1, inner 0.45), fixed so output never depends on
    // the platform's trigonometry.
    const UNIT: [(f64, f64); 10] = [
        (0.0, -1.0),
        (0.2645, -0.3641),
        (0.9511, -0.309),
        (0.428, 0.1391),
        (0.5878, 0.809),
        (0.0, 0.45),
        (-0.5878, 0.809),
        (-0.428, 0.1391),
        (-0.9511, -0.309),
        (-0.2645, -0.3641),
    ];
    let points: Vec<String> = UNIT
        .iter()
        .map(|(x, y)| format!("{},{}", num(cx + r * x), num(cy + r * y)))
        .collect();
    let _ = writeln!(
        out,
        "<polygon points=\"{}\" fill=\"#fbc02d\" stroke=\"#7a5c00\" stroke-width=\"1\"><title>{}</title></polygon>",
        points.join(" "),
        escape(title)
    );
}

/// A warning triangle centred on (cx, cy).
fn warning(out: &mut String, cx: f64, cy: f64, r: f64, title: &str) {
    let _ = writeln!(
        out,
        "<g><title>{t}</title><polygon points=\"{},{} {},{} {},{}\" fill=\"#e65100\" stroke=\"#7f2a00\" stroke-width=\"1\" stroke-linejoin=\"round\"/><text x=\"{}\" y=\"{}\" font-size=\"{}\" font-weight=\"bold\" text-anchor=\"middle\" fill=\"#ffffff\">!</text></g>",
        num(cx),
        num(cy - r),
        num(cx + r),
        num(cy + r * 0.8),
        num(cx - r),
        num(cy + r * 0.8),
        num(cx),
        num(cy + r * 0.65),
        num(r * 1.3),
        t = escape(title)
    );
}

/// A path through `pts` with rounded corners, shortened at the end to leave room for the arrow.
fn path_data(pts: &[(f64, f64)]) -> String {
    let mut pts = pts.to_vec();
    let n = pts.len();
    if n >= 2 {
        let (a, b) = (pts[n - 2], pts[n - 1]);
        let len = ((b.0 - a.0).powi(2) + (b.1 - a.1).powi(2)).sqrt();
        if len > ARROW {
            pts[n - 1] = (b.0 - (b.0 - a.0) / len * ARROW, b.1 - (b.1 - a.1) / len * ARROW);
        }
    }
    let mut d = format!("M{} {}", num(pts[0].0), num(pts[0].1));
    for i in 1..pts.len() {
        let p = pts[i];
        if i + 1 < pts.len() {
            let (a, c) = (pts[i - 1], pts[i + 1]);
            let r = 5.0_f64.min(dist(a, p) / 2.0).min(dist(p, c) / 2.0);
            let before = toward(p, a, r);
            let after = toward(p, c, r);
            let _ = write!(
                d,
                " L{} {} Q{} {} {} {}",
                num(before.0),
                num(before.1),
                num(p.0),
                num(p.1),
                num(after.0),
                num(after.1)
            );
        } else {
            let _ = write!(d, " L{} {}", num(p.0), num(p.1));
        }
    }
    d
}

fn dist(a: (f64, f64), b: (f64, f64)) -> f64 {
    ((a.0 - b.0).powi(2) + (a.1 - b.1).powi(2)).sqrt()
}

fn toward(from: (f64, f64), to: (f64, f64), r: f64) -> (f64, f64) {
    let d = dist(from, to);
    if d < 0.001 {
        return from;
    }
    (from.0 + (to.0 - from.0) / d * r, from.1 + (to.1 - from.1) / d * r)
}

/// Lines of text starting with a baseline at `y`, one `tspan` each.
#[allow(clippy::too_many_arguments)]
fn text_block(
    out: &mut String,
    x: f64,
    y: f64,
    line: f64,
    lines: &[String],
    size: f64,
    anchor: &str,
    extra: &str,
) {
    let _ = write!(
        out,
        "<text x=\"{}\" y=\"{}\" font-size=\"{}\" text-anchor=\"{anchor}\"{extra}>",
        num(x),
        num(y),
        num(size)
    );
    for (k, l) in lines.iter().enumerate() {
        if k == 0 {
            let _ = write!(out, "<tspan x=\"{}\">{}</tspan>", num(x), escape(l));
        } else {
            let _ = write!(
                out,
                "<tspan x=\"{}\" dy=\"{}\">{}</tspan>",
                num(x),
                num(line),
                escape(l)
            );
        }
    }
    out.push_str("</text>\n");
}

/// Renders the swimlane diagram of `uc` as a self-contained SVG document.
pub fn render_svg(cat: &Catalogue, uc: &UseCase, flow: &FlowGraph, labels: &LaneLabels) -> String {
    let l = layout_with(cat, uc, flow, labels);
    let id: String = uc
        .id
        .value
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '-')
        .collect();
    let pre = format!("cb-{id}");
    let mut out = String::new();
    let _ = writeln!(
        out,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{w}\" height=\"{h}\" viewBox=\"0 0 {w} {h}\" font-family=\"sans-serif\" role=\"img\" aria-labelledby=\"{pre}-title\">",
        w = num(l.width),
        h = num(l.height)
    );
    let _ = writeln!(out, "<title id=\"{pre}-title\">{}</title>", escape(&uc.title));
    out.push_str("<defs>\n");
    for (name, colour) in [("arrow", INK), ("cross", CROSS), ("recovery", RECOVERY)] {
        let _ = writeln!(
            out,
            "<marker id=\"{pre}-{name}\" viewBox=\"0 0 10 8\" refX=\"0\" refY=\"4\" markerWidth=\"10\" markerHeight=\"8\" markerUnits=\"userSpaceOnUse\" orient=\"auto\"><path d=\"M0 0 L10 4 L0 8 z\" fill=\"{colour}\"/></marker>"
        );
    }
    out.push_str("</defs>\n");
    let _ = writeln!(
        out,
        "<rect x=\"0\" y=\"0\" width=\"{}\" height=\"{}\" fill=\"#ffffff\"/>",
        num(l.width),
        num(l.height)
    );

    // Heading.
    text_block(
        &mut out,
        MARGIN,
        MARGIN + HEADING_FONT,
        HEADING_LINE,
        &l.heading,
        HEADING_FONT,
        "start",
        " font-weight=\"bold\" fill=\"#222222\"",
    );

    // Lanes, sub-lanes and their captions.
    let right = l.width - MARGIN;
    for lane in &l.lanes {
        let _ = writeln!(
            out,
            "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"{}\" stroke=\"none\"/>",
            num(MARGIN),
            num(lane.y),
            num(right - MARGIN),
            num(lane.height),
            lane_fill(lane.lane)
        );
        let (cx, cy) = (MARGIN + HEADER_W / 2.0 + 4.0, lane.y + lane.height / 2.0);
        let _ = writeln!(
            out,
            "<text x=\"{x}\" y=\"{y}\" font-size=\"11\" font-weight=\"bold\" letter-spacing=\"1\" text-anchor=\"middle\" fill=\"#444444\" transform=\"rotate(-90 {x} {y})\">{}</text>",
            escape(&labels.lane(lane.lane).to_uppercase()),
            x = num(cx),
            y = num(cy)
        );
    }
    let _ = writeln!(
        out,
        "<line x1=\"{x}\" y1=\"{}\" x2=\"{x}\" y2=\"{}\" stroke=\"#bbbbbb\" stroke-width=\"1\"/>",
        num(l.lanes.first().map_or(0.0, |f| f.y)),
        num(l.lanes_bottom),
        x = num(MARGIN + HEADER_W)
    );
    for (s, sub) in l.sub_lanes.iter().enumerate() {
        if s > 0 && l.sub_lanes[s - 1].lane == sub.lane {
            let _ = writeln!(
                out,
                "<line x1=\"{}\" y1=\"{y}\" x2=\"{}\" y2=\"{y}\" stroke=\"#cccccc\" stroke-width=\"1\"/>",
                num(MARGIN + HEADER_W),
                num(right),
                y = num(sub.y)
            );
        }
        let first = sub.y + sub.height / 2.0 - (sub.caption.len() as f64 - 1.0) * CAPTION_LINE / 2.0 + 4.0;
        text_block(
            &mut out,
            MARGIN + HEADER_W + 8.0,
            first,
            CAPTION_LINE,
            &sub.caption,
            CAPTION_FONT,
            "start",
            " fill=\"#333333\"",
        );
    }
    let _ = writeln!(
        out,
        "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"none\" stroke=\"#999999\" stroke-width=\"1\"/>",
        num(MARGIN),
        num(l.lanes.first().map_or(0.0, |f| f.y)),
        num(right - MARGIN),
        num(l.lanes_bottom - l.lanes.first().map_or(0.0, |f| f.y))
    );
    // The lines of the blueprint.
    for line in &l.lines {
        let text = line
            .kinds
            .iter()
            .map(|&k| labels.line(k))
            .collect::<Vec<_>>()
            .join(" / ");
        let _ = writeln!(
            out,
            "<line x1=\"{}\" y1=\"{y}\" x2=\"{}\" y2=\"{y}\" stroke=\"#555555\" stroke-width=\"1.5\" stroke-dasharray=\"10 4 2 4\"/>",
            num(MARGIN),
            num(right),
            y = num(line.y)
        );
        let w = text_width(&text, 10.0) + 10.0;
        let x = MARGIN + HEADER_W + 4.0;
        let _ = writeln!(
            out,
            "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"14\" rx=\"3\" fill=\"#ffffff\" stroke=\"#555555\" stroke-width=\"0.8\"/>",
            num(x),
            num(line.y - 7.0),
            num(w)
        );
        let _ = writeln!(
            out,
            "<text x=\"{}\" y=\"{}\" font-size=\"10\" font-style=\"italic\" fill=\"#333333\">{}</text>",
            num(x + 5.0),
            num(line.y + 3.5),
            escape(&text)
        );
    }

    // Edges.
    let step_id = |i: usize| uc.steps[i].id.value.as_str();
    for e in &l.edges {
        let (colour, width, dash, marker) = edge_style(e);
        let dash = dash
            .map(|d| format!(" stroke-dasharray=\"{d}\""))
            .unwrap_or_default();
        let _ = writeln!(
            out,
            "<path class=\"{}\" d=\"{}\" fill=\"none\" stroke=\"{colour}\" stroke-width=\"{}\"{dash} marker-end=\"url(#{pre}-{marker})\"><title>{} → {}</title></path>",
            edge_classes(e),
            path_data(&e.points),
            num(width),
            escape(step_id(e.from)),
            escape(step_id(e.to))
        );
    }

    // Boxes.
    for b in &l.boxes {
        let s = &uc.steps[b.step];
        let mut tip = s.id.value.clone();
        if let Some(t) = &s.title {
            tip = format!("{tip}: {}", t.value);
        }
        if let Some(a) = &s.actor {
            tip = format!("{tip} ({})", a.value);
        }
        if let Some(d) = &s.description {
            tip = format!("{tip}\n{d}");
        }
        let class = if b.end { "cb-step cb-end" } else { "cb-step" };
        let _ = writeln!(out, "<g class=\"{class}\"><title>{}</title>", escape(&tip));
        if b.end {
            let _ = writeln!(
                out,
                "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" rx=\"{r}\" ry=\"{r}\" fill=\"#e8f5e9\" stroke=\"#2e7d32\" stroke-width=\"1.5\"/>",
                num(b.x),
                num(b.y),
                num(b.w),
                num(b.h),
                r = num((b.h / 2.0).min(17.0))
            );
            let first = b.y + PAD + TITLE_FONT - 1.0;
            text_block(
                &mut out,
                b.x + b.w / 2.0,
                first,
                TITLE_LINE,
                &b.lines,
                TITLE_FONT,
                "middle",
                " fill=\"#1b5e20\"",
            );
        } else {
            let _ = writeln!(
                out,
                "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" rx=\"4\" ry=\"4\" fill=\"#ffffff\" stroke=\"#555555\" stroke-width=\"1.2\"/>",
                num(b.x),
                num(b.y),
                num(b.w),
                num(b.h)
            );
            if b.calls.is_some() {
                let _ = writeln!(
                    out,
                    "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" rx=\"2\" ry=\"2\" fill=\"none\" stroke=\"#555555\" stroke-width=\"0.8\"/>",
                    num(b.x + 3.0),
                    num(b.y + 3.0),
                    num(b.w - 6.0),
                    num(b.h - 6.0)
                );
            }
            let first = b.y + PAD + TITLE_FONT - 1.0;
            text_block(
                &mut out,
                b.x + PAD,
                first,
                TITLE_LINE,
                &b.lines,
                TITLE_FONT,
                "start",
                " fill=\"#111111\"",
            );
            let mut y = b.y + PAD + b.lines.len() as f64 * TITLE_LINE + 3.0 + CHANNEL_FONT;
            for extra in [&b.channel, &b.calls].into_iter().flatten() {
                let _ = writeln!(
                    out,
                    "<text x=\"{}\" y=\"{}\" font-size=\"{}\" font-style=\"italic\" fill=\"#555555\">{}</text>",
                    num(b.x + PAD),
                    num(y),
                    num(CHANNEL_FONT),
                    escape(extra)
                );
                y += CHANNEL_LINE;
            }
        }
        out.push_str("</g>\n");
        if b.moment_of_truth {
            star(&mut out, b.x + b.w - 12.0, b.y, 9.0, labels.moment_of_truth);
        }
        if b.fail_point {
            let cx = b.x + b.w - if b.moment_of_truth { 34.0 } else { 12.0 };
            warning(&mut out, cx, b.y, 8.5, labels.fail_point);
        }
    }

    // Branch conditions.
    for e in &l.edges {
        let Some(lb) = &e.label else { continue };
        let _ = writeln!(
            out,
            "<g><title>{}</title><rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" rx=\"2\" fill=\"#ffffff\" fill-opacity=\"0.92\" stroke=\"#bbbbbb\" stroke-width=\"0.6\"/>",
            escape(&lb.text),
            num(lb.x),
            num(lb.y),
            num(lb.w),
            num(lb.h)
        );
        let colour = if e.kind == EdgeKind::Recovery {
            RECOVERY
        } else {
            "#333333"
        };
        text_block(
            &mut out,
            lb.x + 4.0,
            lb.y + LABEL_FONT + 1.0,
            LABEL_LINE,
            &lb.lines,
            LABEL_FONT,
            "start",
            &format!(" fill=\"{colour}\""),
        );
        out.push_str("</g>\n");
    }

    // Legend.
    let items = legend_items(labels);
    let _ = writeln!(
        out,
        "<text x=\"{}\" y=\"{}\" font-size=\"11\" font-weight=\"bold\" fill=\"#333333\">{}</text>",
        num(MARGIN),
        num(l.legend_y + 14.0),
        escape(labels.legend)
    );
    for (r, row) in legend_rows(labels, l.width).iter().enumerate() {
        let y = l.legend_y + 10.0 + r as f64 * LEGEND_ROW;
        for &(x, i) in row {
            let (item, text) = items[i];
            let mid = y;
            let line = |out: &mut String, colour: &str, width: f64, dash: &str, marker: &str| {
                let _ = writeln!(
                    out,
                    "<path d=\"M{} {m} L{} {m}\" fill=\"none\" stroke=\"{colour}\" stroke-width=\"{}\"{dash} marker-end=\"url(#{pre}-{marker})\"/>",
                    num(x),
                    num(x + 40.0 - ARROW),
                    num(width),
                    m = num(mid)
                );
            };
            match item {
                LegendItem::Flow => line(&mut out, INK, 1.4, "", "arrow"),
                LegendItem::Handoff => line(&mut out, INK, 2.8, "", "arrow"),
                LegendItem::Cross => line(&mut out, CROSS, 2.8, " stroke-dasharray=\"9 5\"", "cross"),
                LegendItem::Recovery => {
                    line(&mut out, RECOVERY, 1.4, " stroke-dasharray=\"2 4\"", "recovery")
                }
                LegendItem::Moment => star(&mut out, x + 20.0, mid, 8.0, text),
                LegendItem::Fail => warning(&mut out, x + 20.0, mid, 8.0, text),
                LegendItem::End => {
                    let _ = writeln!(
                        out,
                        "<rect x=\"{}\" y=\"{}\" width=\"40\" height=\"16\" rx=\"8\" ry=\"8\" fill=\"#e8f5e9\" stroke=\"#2e7d32\" stroke-width=\"1.5\"/>",
                        num(x),
                        num(mid - 8.0)
                    );
                }
            }
            let _ = writeln!(
                out,
                "<text x=\"{}\" y=\"{}\" font-size=\"11\" fill=\"#333333\">{}</text>",
                num(x + 46.0),
                num(mid + 4.0),
                escape(text)
            );
        }
    }
    out.push_str("</svg>\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wrap_breaks_at_words_and_splits_long_words() {
        assert_eq!(wrap("a bb ccc", 4), vec!["a bb", "ccc"]);
        assert_eq!(wrap("abcdefghij", 4), vec!["abcd", "efgh", "ij"]);
        assert_eq!(wrap("  x\n\ty  ", 10), vec!["x y"]);
        assert!(wrap("", 5).is_empty());
        assert_eq!(wrap_capped("aa bb cc dd", 5, 1), vec!["aa b…"]);
    }

    #[test]
    fn escape_handles_markup_and_forbidden_characters() {
        assert_eq!(
            escape("<a href='x'>\"&\"</a>\u{1}\u{FFFF}"),
            "&lt;a href=&apos;x&apos;&gt;&quot;&amp;&quot;&lt;/a&gt;\u{fffd}\u{fffd}"
        );
    }

    #[test]
    fn numbers_are_short_and_stable() {
        assert_eq!(num(1.0), "1");
        assert_eq!(num(1.25), "1.3");
        assert_eq!(num(-0.01), "0");
    }
}
