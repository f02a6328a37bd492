//! Drawing: writes a computed [`Layout`] out as SVG. No geometry is decided here beyond the
//! fixed shapes (markers, stars, warning triangles, the legend's rows).

use super::{
    ARROW, CAPTION_FONT, CAPTION_LINE, CHANNEL_FONT, CHANNEL_LINE, HEADER_W, HEADING_FONT, HEADING_LINE,
    HandoffKind, LABEL_FONT, LABEL_LINE, LEGEND_ROW, LaneLabels, Layout, MARGIN, PAD, RoutedEdge, StepBox,
    TITLE_FONT, TITLE_LINE, layout_with, text_width,
};
use crate::graph::{EdgeKind, FlowGraph};
use crate::model::{Catalogue, Lane, UseCase};
use std::fmt::Write;

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
    if e.kind.is_message() {
        c.push_str(" cb-message");
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
    } else if e.kind.is_message() {
        // As BPMN draws a message flow: dashed, from a small open circle (`message-start`).
        let colour = if e.handoff == Some(HandoffKind::CrossDepartment) {
            CROSS
        } else {
            INK
        };
        let marker = if colour == CROSS { "cross" } else { "arrow" };
        (colour, width, Some("5 4"), marker)
    } else if e.handoff == Some(HandoffKind::CrossDepartment) {
        (CROSS, width, Some("9 5"), "cross")
    } else {
        (INK, width, None, "arrow")
    }
}

/// Items of the legend, wrapped into rows that fit `width`: (row, x offset, item).
pub(super) fn legend_rows(labels: &LaneLabels, width: f64) -> Vec<Vec<(f64, usize)>> {
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

/// How the diagram is drawn besides its geometry.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct SvgOptions {
    /// Each step's box links to the step in the page around it (`#step-<id>`, for a step id
    /// that is a slug): for the handbook, where the SVG sits inline above the numbered steps.
    pub step_links: bool,
}

/// Renders the swimlane diagram of `uc` as a self-contained SVG document.
pub fn render_svg(cat: &Catalogue, uc: &UseCase, flow: &FlowGraph, labels: &LaneLabels) -> String {
    render_svg_with(cat, uc, flow, labels, SvgOptions::default())
}

/// [`render_svg`], with the handbook's options.
pub fn render_svg_with(
    cat: &Catalogue,
    uc: &UseCase,
    flow: &FlowGraph,
    labels: &LaneLabels,
    options: SvgOptions,
) -> String {
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
    // Only where a message is drawn, so that diagrams without one keep their bytes.
    if l.edges.iter().any(|e| e.kind.is_message()) {
        let _ = writeln!(
            out,
            "<marker id=\"{pre}-message-start\" viewBox=\"0 0 8 8\" refX=\"4\" refY=\"4\" markerWidth=\"8\" markerHeight=\"8\" markerUnits=\"userSpaceOnUse\"><circle cx=\"4\" cy=\"4\" r=\"3\" fill=\"#ffffff\" stroke=\"{INK}\" stroke-width=\"1.2\"/></marker>"
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
    if l.omitted > 0 {
        simplified_note(&mut out, &l, labels);
    }
    lanes(&mut out, &l, labels);
    blueprint_lines(&mut out, &l, labels);
    edges(&mut out, &l, uc, &pre);
    boxes(&mut out, &l, uc, labels, options);
    conditions(&mut out, &l);
    legend(&mut out, &l, labels, &pre);
    out.push_str("</svg>\n");
    out
}

/// The note on a simplified diagram, between the heading and the lanes.
fn simplified_note(out: &mut String, l: &Layout, labels: &LaneLabels) {
    let top = l.lanes.first().map_or(l.lanes_bottom, |f| f.y);
    let _ = writeln!(
        out,
        "<text class=\"cb-simplified\" x=\"{}\" y=\"{}\" font-size=\"11\" font-weight=\"bold\" fill=\"{CROSS}\">{}</text>",
        num(MARGIN),
        num(top - 6.0),
        escape(&labels.simplified(l.omitted))
    );
}

/// The lanes, the sub-lanes and their captions, and the frame around them.
fn lanes(out: &mut String, l: &Layout, labels: &LaneLabels) {
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
            out,
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
}

/// The lines of the blueprint between lanes, with their names.
fn blueprint_lines(out: &mut String, l: &Layout, labels: &LaneLabels) {
    let right = l.width - MARGIN;
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
}

/// The edges, each a path with its arrow head and a tooltip naming its two steps.
fn edges(out: &mut String, l: &Layout, uc: &UseCase, pre: &str) {
    let step_id = |i: usize| uc.steps[i].id.value.as_str();
    for e in &l.edges {
        let (colour, width, dash, marker) = edge_style(e);
        let mut dash = dash
            .map(|d| format!(" stroke-dasharray=\"{d}\""))
            .unwrap_or_default();
        if e.kind.is_message() {
            let _ = write!(dash, " marker-start=\"url(#{pre}-message-start)\"");
        }
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
}

/// The boxes of the steps, with their numbers (their place in the use case, as in the handbook's
/// numbered list), their marks and, for the handbook, a link to the step.
fn boxes(out: &mut String, l: &Layout, uc: &UseCase, labels: &LaneLabels, options: SvgOptions) {
    for b in &l.boxes {
        let s = &uc.steps[b.step];
        let mut tip = s.id.value.to_string();
        if let Some(t) = &s.title {
            tip = format!("{tip}: {}", t.value);
        }
        if let Some(a) = &s.actor {
            // The customer in the catalogue's words; a team by its id.
            let actor = if a.value == crate::model::CUSTOMER {
                labels.customer
            } else {
                a.value.as_str()
            };
            tip = format!("{tip} ({actor})");
        }
        if let Some(d) = &s.description {
            tip = format!("{tip}\n{d}");
        }
        let class = if b.end { "cb-step cb-end" } else { "cb-step" };
        let link = options.step_links && crate::scaffold::is_slug(&s.id.value);
        if link {
            let _ = write!(out, "<a href=\"#step-{}\">", escape(&s.id.value));
        }
        let _ = writeln!(
            out,
            "<g class=\"{class}\" data-step=\"{}\"><title>{}</title>",
            b.step + 1,
            escape(&tip)
        );
        if b.end {
            end_pill(out, b);
        } else {
            step_rect(out, b);
        }
        number(out, b);
        out.push_str("</g>\n");
        if link {
            out.push_str("</a>\n");
        }
        if b.moment_of_truth {
            star(out, b.x + b.w - 12.0, b.y, 9.0, labels.moment_of_truth);
        }
        if b.fail_point {
            let cx = b.x + b.w - if b.moment_of_truth { 34.0 } else { 12.0 };
            warning(out, cx, b.y, 8.5, labels.fail_point);
        }
    }
}

/// The step's number in a small dark tag across the top border, at the left (the marks of a
/// moment of truth and a fail point are at the right): above the first line of text, which
/// starts `PAD` below the border.
fn number(out: &mut String, b: &StepBox) {
    let n = (b.step + 1).to_string();
    let w = 10.0 + 7.0 * n.len() as f64;
    let x = b.x + if b.end { 14.0 } else { 6.0 };
    let _ = writeln!(
        out,
        "<g class=\"cb-number\"><rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"16\" rx=\"8\" ry=\"8\" fill=\"#37474f\"/><text x=\"{}\" y=\"{}\" font-size=\"11\" font-weight=\"bold\" text-anchor=\"middle\" fill=\"#ffffff\">{n}</text></g>",
        num(x),
        num(b.y - 8.0),
        num(w),
        num(x + w / 2.0),
        num(b.y + 4.0)
    );
}

/// An end step: a green pill with its label centred.
fn end_pill(out: &mut String, b: &StepBox) {
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
        out,
        b.x + b.w / 2.0,
        first,
        TITLE_LINE,
        &b.lines,
        TITLE_FONT,
        "middle",
        " fill=\"#1b5e20\"",
    );
}

/// An ordinary step: a box with its title, channel and the use case it runs (a double border).
fn step_rect(out: &mut String, b: &StepBox) {
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
        out,
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

/// The branch conditions, over the edges.
fn conditions(out: &mut String, l: &Layout) {
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
            out,
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
}

/// The legend below the lanes.
fn legend(out: &mut String, l: &Layout, labels: &LaneLabels, pre: &str) {
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
                LegendItem::Flow => line(out, INK, 1.4, "", "arrow"),
                LegendItem::Handoff => line(out, INK, 2.8, "", "arrow"),
                LegendItem::Cross => line(out, CROSS, 2.8, " stroke-dasharray=\"9 5\"", "cross"),
                LegendItem::Recovery => line(out, RECOVERY, 1.4, " stroke-dasharray=\"2 4\"", "recovery"),
                LegendItem::Moment => star(out, x + 20.0, mid, 8.0, text),
                LegendItem::Fail => warning(out, x + 20.0, mid, 8.0, text),
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
}

#[cfg(test)]
mod tests {
    use super::*;

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

    #[test]
    fn the_note_on_a_simplified_diagram_counts_in_both_languages() {
        assert_eq!(
            LaneLabels::ENGLISH.simplified(1),
            "simplified: 1 connection not drawn"
        );
        assert_eq!(
            LaneLabels::ENGLISH.simplified(40),
            "simplified: 40 connections not drawn"
        );
        assert_eq!(
            LaneLabels::FRENCH.simplified(2),
            "simplifié : 2 liaisons non dessinées"
        );
    }
}
