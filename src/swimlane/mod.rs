//! The swimlane diagram (service blueprint) of one use case, drawn by casebook as a
//! self-contained SVG: no script, no web font, no external reference, so it is safe to inline
//! in the handbook, works offline and prints well. `casebook graph ID --format svg` prints the
//! same picture.
//!
//! Layout and drawing are separate: [`layout`] computes the geometry ([`Layout`]), which tests
//! check (no overlapping boxes, boxes inside their sub-lanes, wrapped text), and
//! [`render_svg`] only writes it out.
//!
//! The layout is a pipeline of phases in the manner of a layered (Sugiyama) layout, each its own
//! module with plain data between them:
//!
//! 1. [`lanes`]: rows. The lanes customer, frontstage, backstage and support, top to bottom,
//!    only those used; one sub-lane per team in the order of first appearance.
//! 2. [`layers`]: columns. Cycle breaking (back edges of a depth-first search), longest-path
//!    layering, and each step in the first free cell of its sub-lane after its predecessors; a
//!    plain handoff goes straight above or below its source when it can.
//! 3. [`place`]: the size of every box (wrapped text, ports).
//! 4. [`route`]: how each edge runs (into the next column, along a sub-lane, or on a track of a
//!    band between sub-lanes; loops always on a band).
//! 5. [`place`] again: heights of sub-lanes and lanes, which hold the tracks.
//! 6. [`ports`]: where edges leave and enter boxes, and the slot of each vertical segment in
//!    its gap; the gaps' widths follow.
//! 7. [`route`] again: the polylines, once the columns have their x; then [`conditions`]:
//!    branch conditions placed greedily at the free spot nearest to the edge's source. Where none
//!    is free, the gap is widened and step 7 runs again (at most four rounds), those conditions
//!    placed first.
//! 8. [`draw`]: the SVG.
//!
//! Every use case the loader accepts is drawn in bounded time. The phases cost about linear time
//! in steps and edges, except routing and conditions, which grow with the edges that share a
//! stretch of the diagram; so a use case of more than [`MAX_EDGES`] edges is drawn simplified:
//! its boxes as usual, the shortest edges (forward ones first) up to the budget, and a note
//! "simplified: N connections not drawn" (in the catalogue's language) above the lanes.
//!
//! Text widths are estimated (no font metrics): [`CHAR_EM`] em per character, generous for
//! sans-serif fonts. Known limits: columns follow the flow, so a long linear use case is wide
//! (the picture scrolls, or scales down when printed); sub-lanes keep the order of first
//! appearance (no crossing minimisation); very long conditions are cut after five lines (the
//! whole text is in the tooltip).

mod conditions;
mod draw;
mod lanes;
mod layers;
mod place;
mod ports;
mod route;
mod text;

pub use draw::{SvgOptions, escape, render_svg, render_svg_with};
pub use text::{text_width, wrap};

use crate::graph::flow::Edge;
use crate::graph::{EdgeKind, FlowGraph};
use crate::labels::{EN, FR, label};
use crate::model::{Catalogue, Lane, UseCase};

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
    /// The note on a simplified diagram when one edge is not drawn (`{n}` is the number).
    pub simplified_one: &'static str,
    /// The note on a simplified diagram when several edges are not drawn (`{n}` is the number).
    pub simplified_many: &'static str,
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
            simplified_one: label(t, "diagram_simplified_one"),
            simplified_many: label(t, "diagram_simplified_many"),
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

    /// The note on a diagram that leaves `omitted` edges out.
    pub fn simplified(&self, omitted: usize) -> String {
        let text = if omitted == 1 {
            self.simplified_one
        } else {
            self.simplified_many
        };
        text.replace("{n}", &omitted.to_string())
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
/// The most edges a diagram draws. Beyond it the drawing is simplified: the shortest edges
/// (forward first) are drawn, the others only counted in a note, so that any use case is drawn
/// in bounded time (routing and conditions cost more than linear time in the edges that share
/// a stretch of the diagram). A use case this dense cannot be read edge by edge anyway.
pub const MAX_EDGES: usize = 3_000;
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
    /// How many edges are not drawn: above [`MAX_EDGES`], only the shortest are, and the picture
    /// says how many are missing. 0 for an ordinary diagram.
    pub omitted: usize,
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

/// The layout with English labels.
pub fn layout(cat: &Catalogue, uc: &UseCase, flow: &FlowGraph) -> Layout {
    layout_with(cat, uc, flow, &LaneLabels::ENGLISH)
}

/// Computes the diagram's geometry with the words of `labels`.
pub fn layout_with(cat: &Catalogue, uc: &UseCase, flow: &FlowGraph, labels: &LaneLabels) -> Layout {
    let n = uc.steps.len();
    let subs = lanes::assign(cat, uc, flow, labels);
    let ns = subs.list.len();
    let sub_of = &subs.of;
    let layers::Columns { col, stacked_from } = layers::columns(uc, flow, sub_of, ns);
    let ncols = col.iter().map(|&c| c + 1).max().unwrap_or(1);
    let mut cell = vec![vec![false; ncols]; ns];
    for i in 0..n {
        cell[sub_of[i]][col[i]] = true;
    }
    let (edges, omitted) = route::within_budget(edges_of(flow, n), &col, MAX_EDGES);
    let (mut outs, mut ins) = (vec![0; n], vec![0; n]);
    for e in &edges {
        outs[e.from] += 1;
        ins[e.to] += 1;
    }
    let mut boxes: Vec<StepBox> = (0..n)
        .map(|i| place::step_box(cat, uc, labels, i, sub_of[i], col[i], outs[i].max(ins[i])))
        .collect();
    let route::Routes {
        route: routes,
        tracks,
    } = route::choose(&edges, &col, sub_of, &stacked_from, &cell);
    // The heading is wrapped once the width is known; everything moves down for its extra lines.
    let lanes_top = MARGIN + HEADING_LINE + 20.0;
    let rows = place::rows(&subs.list, &mut boxes, tracks, labels, lanes_top);
    let ports = ports::ports(&boxes, &edges, &routes, sub_of, &col);
    let verticals = ports::verticals(&edges, &routes, &col, &ports, &rows, ncols);
    let mut label_in_gap = vec![false; ncols + 1];
    for edge in &edges {
        if conditions::condition(uc, edge, labels).is_some() {
            label_in_gap[col[edge.from] + 1] = true;
        }
    }
    let mut gap_w = place::gap_widths(&verticals.slots_used, &label_in_gap);
    let content_x = MARGIN + HEADER_W + CAPTION_W;
    // Lay out the columns; widen the gaps where a condition found no free spot and try again.
    let mut rounds = 0;
    let mut crowded_before = vec![false; edges.len()];
    let (routed, diagram_right) = loop {
        rounds += 1;
        let (gap_x, col_x, diagram_right) = place::columns_x(&gap_w, content_x);
        for b in &mut boxes {
            b.x = col_x[b.column] + (BOX_W - b.w) / 2.0;
        }
        let mut routed = route::paths(
            &edges,
            &routes,
            &col,
            &boxes,
            &ports,
            &verticals,
            (&gap_x, &gap_w),
            flow,
        );
        let area = (
            content_x,
            lanes_top,
            diagram_right,
            rows.lanes_bottom + rows.bottom_band,
        );
        let crowded = conditions::place(uc, labels, &edges, &mut routed, &boxes, area, &crowded_before);
        if crowded.is_empty() || rounds == 4 {
            break (routed, diagram_right);
        }
        let mut gaps: Vec<usize> = crowded.iter().map(|&e| col[edges[e].from] + 1).collect();
        gaps.sort_unstable();
        gaps.dedup();
        for g in gaps {
            gap_w[g] += LABEL_ROOM;
        }
        for e in crowded {
            crowded_before[e] = true;
        }
    };
    let mut layout = finish(uc, labels, rows, boxes, routed, content_x, diagram_right);
    layout.omitted = omitted;
    layout
}

/// Every edge of the flow graph, in step order and `next` order within a step.
fn edges_of(flow: &FlowGraph, n: usize) -> Vec<Edge> {
    let mut edges: Vec<Edge> = Vec::new();
    for u in 0..n {
        for &(v, kind) in flow.succ.get(u).map_or(&[][..], |s| &s[..]) {
            edges.push(Edge { from: u, to: v, kind });
        }
    }
    edges
}

/// The whole picture: lines between lanes, heading, legend, size.
fn finish(
    uc: &UseCase,
    labels: &LaneLabels,
    rows: place::Rows,
    boxes: Vec<StepBox>,
    routed: Vec<RoutedEdge>,
    content_x: f64,
    diagram_right: f64,
) -> Layout {
    let lines = place::boundary_lines(&rows.lanes);
    let lanes_bottom = rows.lanes_bottom;
    let legend_y = lanes_bottom + rows.bottom_band + 24.0;
    let width = (diagram_right + MARGIN).max(MIN_WIDTH);
    let heading_chars = ((width - 2.0 * MARGIN) / (HEADING_CHAR_EM * HEADING_FONT)) as usize;
    let heading = wrap(&uc.title, heading_chars);
    let legend_rows = draw::legend_rows(labels, width).len() as f64;
    let height = legend_y + 22.0 + legend_rows * LEGEND_ROW + MARGIN;
    let mut layout = Layout {
        width,
        height,
        heading,
        lanes: rows.lanes,
        sub_lanes: rows.sub_lanes,
        boxes,
        edges: routed,
        lines,
        content_x,
        lanes_bottom,
        legend_y,
        omitted: 0,
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

/// Small use cases for the phases' own tests.
#[cfg(test)]
pub(crate) mod testing {
    use crate::graph::FlowGraph;
    use crate::model::Catalogue;
    use std::path::Path;

    /// The test fixtures' organisation with one use case whose `steps:` are `steps` (YAML at
    /// the indentation of a list item), and its flow graph.
    pub fn use_case(steps: &str) -> (Catalogue, FlowGraph) {
        let dir = tempfile::tempdir().expect("a temporary folder");
        let base = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/base");
        for f in [
            "casebook.yaml",
            "channels.yaml",
            "information.yaml",
            "organisation.yaml",
        ] {
            std::fs::copy(base.join(f), dir.path().join(f)).expect("copy the base");
        }
        std::fs::create_dir(dir.path().join("use-cases")).expect("use-cases");
        let yaml = format!("id: t\ntitle: T\ndomain: billing\nsteps:\n{steps}");
        std::fs::write(dir.path().join("use-cases/t.yaml"), yaml).expect("write");
        let cat = crate::load::load(dir.path()).expect("loads").catalogue;
        assert_eq!(cat.use_cases.len(), 1, "the use case loads");
        let flow = FlowGraph::build(&cat, &cat.use_cases[0]);
        (cat, flow)
    }
}
