//! Ports and slots: where each edge leaves and enters its boxes, and which slot of a gap each
//! vertical segment takes.
//!
//! The middle of a box's side is kept for the one straight edge along its sub-lane; other edges
//! enter in the upper half and leave from the lower half (edges going up from the upper half when
//! no edge enters the next box there), so no two edges ever run on top of each other. In a gap,
//! vertical segments that overlap (with a margin) take different slots: departures from the
//! left, arrivals from the right.

use super::StepBox;
use super::place::Rows;
use super::route::Route;
use crate::graph::flow::Edge;

/// The y of each edge's ports.
#[derive(Clone, Debug, PartialEq)]
pub(super) struct Ports {
    /// Per edge, where it leaves its source's right side.
    pub out_y: Vec<f64>,
    /// Per edge, where it enters its target's left side.
    pub in_y: Vec<f64>,
}

/// Where each edge leaves its source and enters its target (the y of its ports on the boxes'
/// right and left sides; vertical edges have none).
pub(super) fn ports(
    boxes: &[StepBox],
    edges: &[Edge],
    routes: &[Route],
    sub_of: &[usize],
    col: &[usize],
) -> Ports {
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
    Ports { out_y, in_y }
}

/// A vertical segment waiting for a slot in its gap.
pub(super) struct VSeg {
    /// The gap it runs in.
    pub gap: usize,
    /// Its top.
    pub lo: f64,
    /// Its bottom.
    pub hi: f64,
    /// Arrivals take slots from the right of the gap, the rest from the left.
    pub arrival: bool,
    /// The edge it belongs to.
    pub edge: usize,
}

/// The vertical segments of the edges, their slots, and the y of the band tracks.
pub(super) struct Verticals {
    /// The segments, in edge order.
    pub segs: Vec<VSeg>,
    /// Per segment, its slot in its gap (counted from the gap's left for departures, from its
    /// right for arrivals).
    pub slot: Vec<usize>,
    /// Per gap, the slots used by departures and by arrivals.
    pub slots_used: Vec<[usize; 2]>,
    /// Per edge routed through a band, the y of its track.
    pub band_y: Vec<f64>,
}

/// The vertical segments of every edge and their slots in the `ncols + 1` gaps.
pub(super) fn verticals(
    edges: &[Edge],
    routes: &[Route],
    col: &[usize],
    ports: &Ports,
    rows: &Rows,
    ncols: usize,
) -> Verticals {
    let (out_y, in_y) = (&ports.out_y, &ports.in_y);
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
                band_y[e] = rows.track_y(band, track);
                vsegs.push(seg(cu + 1, out_y[e], band_y[e], false));
                vsegs.push(seg(cv, band_y[e], in_y[e], true));
            }
            Route::Vertical => {}
        }
    }
    let (slot, slots_used) = slots(&vsegs, ncols);
    Verticals {
        segs: vsegs,
        slot,
        slots_used,
        band_y,
    }
}

/// First fit, gap by gap: each segment, by its top, takes the first slot where it keeps 4 units
/// from every other segment.
fn slots(vsegs: &[VSeg], ncols: usize) -> (Vec<usize>, Vec<[usize; 2]>) {
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
    (slot, slots_used)
}
