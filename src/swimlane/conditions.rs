//! Branch conditions: each placed greedily at the free spot nearest to its edge's source, among
//! a few spots along every segment of the route; a spot is free when it covers no box and no
//! other condition, and better when it crosses fewer other edges. Where no spot is free, the
//! caller widens the gap and lays the columns out again.

use super::text::{text_width, wrap_capped};
use super::{
    EdgeLabel, LABEL_CHARS, LABEL_FONT, LABEL_LINE, LABEL_MAX_LINES, LaneLabels, Rect, RoutedEdge, StepBox,
};
use crate::graph::EdgeKind;
use crate::graph::flow::Edge;
use crate::model::UseCase;

/// The text of an edge's label, if any.
pub(super) fn condition(uc: &UseCase, e: &Edge, labels: &LaneLabels) -> Option<String> {
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

/// Places the condition of every edge that has one, in edge order, inside `area` (left, top,
/// right, bottom); returns the gaps (after each crowded edge's source column) where some
/// condition found no free spot.
pub(super) fn place(
    uc: &UseCase,
    labels: &LaneLabels,
    edges: &[Edge],
    col: &[usize],
    routed: &mut [RoutedEdge],
    boxes: &[StepBox],
    area: (f64, f64, f64, f64),
) -> Vec<usize> {
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
        let (cost, r) = best_label_spot(routed, e, w, h, boxes, &placed_labels, area);
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
    crowded.sort_unstable();
    crowded.dedup();
    crowded
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
    area: (f64, f64, f64, f64),
) -> (f64, Rect) {
    let (left, top, _, _) = area;
    let pts = &edges[e].points;
    let mut best: Option<(f64, Rect)> = None;
    let mut along = 0.0;
    for (i, seg) in pts.windows(2).enumerate() {
        let (a, b) = (seg[0], seg[1]);
        let len = (b.0 - a.0).abs() + (b.1 - a.1).abs();
        for (r, base) in spots(a, b, w, h) {
            let cost = penalised(base + along * 0.02 + i as f64, r, e, edges, boxes, labels, area);
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

/// The spots tried along the segment from `a` to `b` for a condition of size `w` by `h`, each
/// with its base cost: beside the segment, preferably above (or right of) it, over it last.
fn spots(a: (f64, f64), b: (f64, f64), w: f64, h: f64) -> Vec<(Rect, f64)> {
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
    spots
}

/// `cost` plus the penalties of putting edge `e`'s condition at `r`: 1000 for leaving `area`
/// and for each box or other condition it covers, 30 for each segment of another edge it crosses.
fn penalised(
    mut cost: f64,
    r: Rect,
    e: usize,
    edges: &[RoutedEdge],
    boxes: &[StepBox],
    labels: &[Rect],
    (left, top, right, bottom): (f64, f64, f64, f64),
) -> f64 {
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
    cost
}
