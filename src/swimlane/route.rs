//! Routing: how each edge runs, then its polyline.
//!
//! Edges are orthogonal and never cross a box: they leave a box on its right side and enter on
//! its left, run vertically only in the gaps between columns (each in its own slot, see
//! [`super::ports`]) and horizontally along a sub-lane only where its cells are empty; otherwise
//! on a track of a band between sub-lanes (loops always go that way, so they are visible).
//! Sub-lanes and gaps grow to hold their tracks and slots.

use super::ports::{Ports, Verticals};
use super::{HandoffKind, RoutedEdge, SLOT, SLOT_MARGIN, StepBox};
use crate::graph::flow::Edge;
use crate::graph::{EdgeKind, FlowGraph};
use std::collections::{BTreeMap, HashMap};

/// How an edge is routed, before coordinates exist.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Route {
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

/// The routes of the edges and, per band, how many tracks they use.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) struct Routes {
    /// Per edge, its route.
    pub route: Vec<Route>,
    /// Per band (band `b` is above sub-lane `b`, the last one below all lanes), its tracks.
    pub tracks: Vec<usize>,
}

/// Disjoint closed intervals (of half-columns), by their start: what a sub-lane or a track of a
/// band already carries. Finding an overlap is a logarithmic look-up instead of a scan.
#[derive(Clone, Debug, Default)]
struct Intervals(BTreeMap<i64, i64>);

impl Intervals {
    /// True when `[lo, hi]` shares a point with an interval of the set. The intervals being
    /// disjoint, only the last one starting at or before `hi` can reach `lo`.
    fn overlaps(&self, (lo, hi): (i64, i64)) -> bool {
        self.0.range(..=hi).next_back().is_some_and(|(_, &b)| lo <= b)
    }

    /// Adds `[lo, hi]`, which overlaps none of the set.
    fn insert(&mut self, (lo, hi): (i64, i64)) {
        self.0.insert(lo, hi);
    }
}

/// Per sub-lane, how many of the columns before each column hold a box: whether a sub-lane is
/// clear between two columns in constant time.
struct Occupancy(Vec<Vec<usize>>);

impl Occupancy {
    fn new(cell: &[Vec<bool>]) -> Occupancy {
        Occupancy(
            cell.iter()
                .map(|row| {
                    let mut before = Vec::with_capacity(row.len() + 1);
                    before.push(0);
                    for &taken in row {
                        before.push(before[before.len() - 1] + usize::from(taken));
                    }
                    before
                })
                .collect(),
        )
    }

    /// True when no box of sub-lane `s` stands in columns `from..to`.
    fn clear(&self, s: usize, from: usize, to: usize) -> bool {
        from >= to || self.0[s][to] == self.0[s][from]
    }
}

/// The edges to draw when there are more than `budget`: the shortest forward ones first (the
/// order in which routes are chosen), loops last, kept in their original order; and how many
/// are left out. Routing and placing conditions cost more than linear time in the number of
/// edges that share a stretch of the diagram, so a dense use case is drawn simplified rather
/// than slowly.
pub(super) fn within_budget(edges: Vec<Edge>, col: &[usize], budget: usize) -> (Vec<Edge>, usize) {
    if edges.len() <= budget {
        return (edges, 0);
    }
    let mut order: Vec<usize> = (0..edges.len()).collect();
    order.sort_by_key(|&e| {
        let (u, v) = (edges[e].from, edges[e].to);
        (col[v] <= col[u], col[v].abs_diff(col[u]), u, v, e)
    });
    let mut keep = vec![false; edges.len()];
    for &e in &order[..budget] {
        keep[e] = true;
    }
    let omitted = edges.len() - budget;
    let kept = edges
        .into_iter()
        .zip(keep)
        .filter(|(_, k)| *k)
        .map(|(e, _)| e)
        .collect();
    (kept, omitted)
}

/// Decides how each edge runs, shortest edges first and loops last.
pub(super) fn choose(
    edges: &[Edge],
    col: &[usize],
    sub_of: &[usize],
    stacked_from: &[Option<usize>],
    cell: &[Vec<bool>],
) -> Routes {
    let ns = cell.len();
    let occupancy = Occupancy::new(cell);
    let mut order: Vec<usize> = (0..edges.len()).collect();
    order.sort_by_key(|&e| {
        let (u, v) = (edges[e].from, edges[e].to);
        (col[v] <= col[u], col[v].abs_diff(col[u]), u, v, e)
    });
    let mut rows: Vec<Intervals> = vec![Intervals::default(); ns];
    let mut bands: Vec<Vec<Intervals>> = vec![Vec::new(); ns + 1];
    let mut routes = vec![Route::Adjacent; edges.len()];
    for &e in &order {
        let (u, v) = (edges[e].from, edges[e].to);
        let (su, sv, cu, cv) = (sub_of[u], sub_of[v], col[u], col[v]);
        let clear = |s: usize| occupancy.clear(s, cu + 1, cv);
        let (cu2, cv2) = (2 * cu as i64, 2 * cv as i64);
        routes[e] = if stacked_from[v] == Some(u) && cv == cu {
            Route::Vertical
        } else if cv == cu + 1 {
            Route::Adjacent
        } else if cv > cu && clear(su) && !rows[su].overlaps((cu2 + 1, cv2)) {
            rows[su].insert((cu2 + 1, cv2));
            Route::SourceRow
        } else if cv > cu && clear(sv) && !rows[sv].overlaps((cu2 + 2, cv2 + 1)) {
            rows[sv].insert((cu2 + 2, cv2 + 1));
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
                        .position(|t| !t.overlaps(span))
                        .unwrap_or(bands[b].len());
                    (b, t)
                })
                .min_by_key(|&(_, t)| t)
                .expect("at least one candidate band");
            if track == bands[band].len() {
                bands[band].push(Intervals::default());
            }
            bands[band][track].insert(span);
            Route::Band { band, track }
        };
    }
    Routes {
        route: routes,
        tracks: bands.iter().map(Vec::len).collect(),
    }
}

/// An edge with its ports and the x of its verticals, before its polyline.
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

/// The polylines of the edges, once the columns have their x: each leaves its source's right
/// side at its port, takes its slots in the gaps and its track, and enters its target's left side.
#[allow(clippy::too_many_arguments)]
pub(super) fn paths(
    edges: &[Edge],
    routes: &[Route],
    col: &[usize],
    boxes: &[StepBox],
    ports: &Ports,
    verticals: &Verticals,
    (gap_x, gap_w): (&[f64], &[f64]),
    flow: &FlowGraph,
) -> Vec<RoutedEdge> {
    let (out_y, in_y) = (&ports.out_y, &ports.in_y);
    let (band_y, slot) = (&verticals.band_y, &verticals.slot);
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
    for (i, s) in verticals.segs.iter().enumerate() {
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

    let handoffs = handoff_kinds(flow);
    placed
        .iter()
        .enumerate()
        .map(|(e, p)| RoutedEdge {
            from: p.from,
            to: p.to,
            kind: p.kind,
            points: simplify(polyline(p, boxes, band_y[e])),
            handoff: handoffs.get(&(p.from, p.to, p.kind)).copied(),
            back: p.back,
            label: None,
        })
        .collect()
}

/// The first handoff listed for each edge, by the edge.
fn handoff_kinds(flow: &FlowGraph) -> HashMap<(usize, usize, EdgeKind), HandoffKind> {
    let mut handoffs = HashMap::new();
    for h in &flow.flow.handoffs {
        let kind = if h.cross_department {
            HandoffKind::CrossDepartment
        } else {
            HandoffKind::Internal
        };
        handoffs
            .entry((h.edge.from, h.edge.to, h.edge.kind))
            .or_insert(kind);
    }
    handoffs
}

/// The corners of an edge's route, from its source's side to its target's (`band_y`: the y of
/// its track when it runs on a band).
fn polyline(p: &Placed, boxes: &[StepBox], band_y: f64) -> Vec<(f64, f64)> {
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
                (p.x_out, band_y),
                (p.x_in, band_y),
                (p.x_in, p.in_y),
            ]);
        }
        _ if (p.out_y - p.in_y).abs() >= 0.5 => {
            pts.extend([(p.x_out, p.out_y), (p.x_in, p.in_y)]);
        }
        _ => {}
    }
    pts.push(end);
    pts
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

#[cfg(test)]
mod tests {
    use super::*;

    fn edge(from: usize, to: usize, k: usize) -> Edge {
        Edge {
            from,
            to,
            kind: EdgeKind::Next(k),
        }
    }

    #[test]
    fn within_budget_keeps_the_shortest_forward_edges_in_their_order() {
        // Columns 0, 1, 2, 3; a chain, a long forward edge and a loop.
        let col = [0, 1, 2, 3];
        let edges = vec![
            edge(0, 1, 0),
            edge(0, 3, 1),
            edge(1, 2, 0),
            edge(2, 3, 0),
            edge(3, 0, 0),
        ];
        let (all, omitted) = within_budget(edges.clone(), &col, 5);
        assert_eq!((all, omitted), (edges.clone(), 0));
        let (kept, omitted) = within_budget(edges.clone(), &col, 3);
        assert_eq!(omitted, 2);
        assert_eq!(kept, vec![edges[0], edges[2], edges[3]]);
    }

    #[test]
    fn intervals_find_overlaps_of_closed_ranges() {
        let mut set = Intervals::default();
        set.insert((2, 4));
        set.insert((8, 9));
        assert!(set.overlaps((4, 6)), "shares the end point");
        assert!(set.overlaps((0, 2)));
        assert!(set.overlaps((0, 20)), "covers both");
        assert!(!set.overlaps((5, 7)));
        assert!(!set.overlaps((10, 12)));
    }

    #[test]
    fn occupancy_tells_whether_a_sub_lane_is_clear_between_columns() {
        let o = Occupancy::new(&[vec![true, false, false, true, false]]);
        assert!(o.clear(0, 1, 3));
        assert!(!o.clear(0, 1, 4));
        assert!(o.clear(0, 4, 4), "an empty range");
    }
}
