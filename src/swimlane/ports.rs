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
use std::cmp::Reverse;
use std::collections::{BTreeSet, BinaryHeap, HashMap};

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
    let mut ins_of: Vec<Vec<usize>> = vec![Vec::new(); n];
    let mut outs_of: Vec<Vec<usize>> = vec![Vec::new(); n];
    for (e, edge) in edges.iter().enumerate() {
        if routes[e] != Route::Vertical {
            ins_of[edge.to].push(e);
            outs_of[edge.from].push(e);
        }
    }
    let straight = straight_edges(n, edges, routes, sub_of);
    let ends = Ends {
        edges,
        routes,
        sub_of,
        col,
        straight: &straight,
    };
    let in_y = in_ports(boxes, &mut ins_of, &ends);
    let out_y = out_ports(boxes, &mut outs_of, &ends, &in_y);
    Ports { out_y, in_y }
}

/// What the placement of ports reads about the edges.
struct Ends<'a> {
    edges: &'a [Edge],
    routes: &'a [Route],
    sub_of: &'a [usize],
    col: &'a [usize],
    straight: &'a [bool],
}

/// Where each edge enters its target: spread over the upper half of the left side in the order
/// of where the edges come from, top to bottom; the straight edge in the middle.
fn in_ports(boxes: &[StepBox], ins_of: &mut [Vec<usize>], ends: &Ends) -> Vec<f64> {
    let Ends {
        edges,
        routes,
        sub_of,
        col,
        straight,
    } = *ends;
    let mut in_y = vec![0.0; edges.len()];
    for (b, ins) in boxes.iter().zip(ins_of.iter_mut()) {
        // Spread the edges over a box's side in the order of where they come from, top to bottom.
        let rank_in = |e: usize| -> usize {
            let (u, v) = (edges[e].from, edges[e].to);
            match routes[e] {
                Route::Adjacent | Route::SourceRow => 2 * sub_of[u] + 1,
                Route::TargetRow | Route::Vertical => 2 * sub_of[v] + 1,
                Route::Band { band, .. } => 2 * band,
            }
        };
        ins.sort_by_key(|&e| (rank_in(e), std::cmp::Reverse(col[edges[e].from]), e));
        let cy = b.y + b.h / 2.0;
        let mut k = 0;
        let m = ins.iter().filter(|&&e| !straight[e]).count();
        for &e in ins.iter() {
            if straight[e] {
                in_y[e] = cy;
            } else {
                in_y[e] = spread(b.y + 4.0, cy - 4.0, k, m);
                k += 1;
            }
        }
    }
    in_y
}

/// Where each edge leaves its source: spread over the lower half of the right side in the
/// order of where the edges go; edges going up from the upper half when nothing enters the gap
/// after the box at the same height; the straight edge in the middle.
fn out_ports(boxes: &[StepBox], outs_of: &mut [Vec<usize>], ends: &Ends, in_y: &[f64]) -> Vec<f64> {
    let Ends {
        edges,
        routes,
        sub_of,
        col,
        straight,
    } = *ends;
    let entering = Entering::new(boxes, edges, routes, sub_of, col);
    let mut out_y = vec![0.0; edges.len()];
    for (i, b) in boxes.iter().enumerate() {
        let rank_out = |e: usize| -> usize {
            let (u, v) = (edges[e].from, edges[e].to);
            match routes[e] {
                Route::Adjacent | Route::TargetRow => 2 * sub_of[v] + 1,
                Route::SourceRow | Route::Vertical => 2 * sub_of[u] + 1,
                Route::Band { band, .. } => 2 * band,
            }
        };
        let outs = &mut outs_of[i];
        outs.sort_by_key(|&e| (rank_out(e), col[edges[e].to], e));
        let own = 2 * sub_of[i] + 1;
        let (ups, downs): (Vec<usize>, Vec<usize>) = outs
            .iter()
            .filter(|&&e| !straight[e])
            .partition(|&&e| rank_out(e) < own);
        // Edges going up leave from the upper half when nothing enters the gap after this box
        // at the same height; otherwise every edge but the straight one leaves from the lower half.
        let cy = b.y + b.h / 2.0;
        let upper: Vec<f64> = ups
            .iter()
            .enumerate()
            .map(|(k, _)| spread(b.y + 4.0, cy - 4.0, k, ups.len()))
            .collect();
        let clash = upper
            .iter()
            .any(|y| entering.after(i).any(|e| (y - in_y[e]).abs() < 2.0));
        let use_upper = !clash && !ups.is_empty();
        let lower_count = if use_upper {
            downs.len()
        } else {
            ups.len() + downs.len()
        };
        let mut k = 0;
        let mut up = 0;
        for &e in outs.iter() {
            if straight[e] {
                out_y[e] = cy;
            } else if use_upper && ups.get(up) == Some(&e) {
                out_y[e] = upper[up];
                up += 1;
            } else {
                out_y[e] = spread(cy + 4.0, b.y + b.h - 4.0, k, lower_count);
                k += 1;
            }
        }
    }
    out_y
}

/// The `k`-th of `m` points spread evenly between `lo` and `hi`.
fn spread(lo: f64, hi: f64, k: usize, m: usize) -> f64 {
    lo + (hi - lo) * (k as f64 + 0.5) / m as f64
}

/// The edges that keep the centre of a box's side: one straight edge along its sub-lane each
/// way; the other edges leave from the lower half and enter in the upper half. So an edge
/// leaving a box never runs on top of one entering the next box of the sub-lane.
fn straight_edges(n: usize, edges: &[Edge], routes: &[Route], sub_of: &[usize]) -> Vec<bool> {
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
    straight
}

/// The edges that enter the gap after a box at the height of its sub-lane: every edge into a
/// box of the same sub-lane in the next column, and the edges routed along the sub-lane from
/// a source in the box's column.
struct Entering<'a> {
    sub_of: &'a [usize],
    col: &'a [usize],
    /// Per (sub-lane, column), the edges into its boxes.
    into_cell: HashMap<(usize, usize), Vec<usize>>,
    /// Per (target's sub-lane, source's column), the edges routed along the target's sub-lane.
    along: HashMap<(usize, usize), Vec<usize>>,
}

impl<'a> Entering<'a> {
    fn new(
        boxes: &[StepBox],
        edges: &[Edge],
        routes: &[Route],
        sub_of: &'a [usize],
        col: &'a [usize],
    ) -> Entering<'a> {
        let mut into_cell: HashMap<(usize, usize), Vec<usize>> = HashMap::new();
        let mut along: HashMap<(usize, usize), Vec<usize>> = HashMap::new();
        debug_assert_eq!(boxes.len(), sub_of.len());
        for (e, edge) in edges.iter().enumerate() {
            let v = edge.to;
            into_cell.entry((sub_of[v], col[v])).or_default().push(e);
            if routes[e] == Route::TargetRow {
                along.entry((sub_of[v], col[edge.from])).or_default().push(e);
            }
        }
        Entering {
            sub_of,
            col,
            into_cell,
            along,
        }
    }

    /// The edges entering the gap after box `i` at its sub-lane's height (some twice).
    fn after(&self, i: usize) -> impl Iterator<Item = usize> + '_ {
        let (s, c) = (self.sub_of[i], self.col[i]);
        let next = self.into_cell.get(&(s, c + 1)).into_iter().flatten();
        let along = self.along.get(&(s, c)).into_iter().flatten();
        next.chain(along).copied()
    }
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
/// from every other segment. Segments come by their top, so a slot is free for a segment once
/// the bottom of its last segment is 4 units above the top; a heap of the slots in use by their
/// bottom hands them back in that order, and the free slot with the smallest number is taken.
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
    // Slots in use, by the bottom of their last segment (smallest first).
    let mut busy: BinaryHeap<Reverse<(Bottom, usize)>> = BinaryHeap::new();
    let mut free: BTreeSet<usize> = BTreeSet::new();
    let mut count = 0;
    let mut current = (usize::MAX, false);
    for &i in &by_gap {
        let s = &vsegs[i];
        if s.hi - s.lo < 0.5 {
            continue;
        }
        if (s.gap, s.arrival) != current {
            current = (s.gap, s.arrival);
            busy.clear();
            free.clear();
            count = 0;
        }
        while let Some(&Reverse((Bottom(b), k))) = busy.peek() {
            if b + 4.0 < s.lo {
                busy.pop();
                free.insert(k);
            } else {
                break;
            }
        }
        let k = free.pop_first().unwrap_or_else(|| {
            count += 1;
            count - 1
        });
        busy.push(Reverse((Bottom(s.hi), k)));
        slot[i] = k;
        let used = &mut slots_used[s.gap][usize::from(s.arrival)];
        *used = (*used).max(k + 1);
    }
    (slot, slots_used)
}

/// The bottom of a segment, ordered (the coordinates are finite).
#[derive(Clone, Copy, Debug, PartialEq)]
struct Bottom(f64);

impl Eq for Bottom {}

impl PartialOrd for Bottom {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Bottom {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.0.total_cmp(&other.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn seg(gap: usize, lo: f64, hi: f64, arrival: bool, edge: usize) -> VSeg {
        VSeg {
            gap,
            lo,
            hi,
            arrival,
            edge,
        }
    }

    #[test]
    fn segments_that_keep_their_distance_share_a_slot() {
        let segs = [
            seg(0, 0.0, 10.0, false, 0),
            seg(0, 5.0, 20.0, false, 1),
            seg(0, 15.0, 30.0, false, 2), // 5 below the first: its slot again
            seg(0, 16.0, 40.0, true, 3),  // arrivals count from the other side
            seg(1, 0.0, 0.2, false, 4),   // too short to need a slot
            seg(1, 0.0, 50.0, false, 5),
        ];
        let (slot, used) = slots(&segs, 1);
        assert_eq!(slot, vec![0, 1, 0, 0, 0, 0]);
        assert_eq!(used, vec![[2, 1], [1, 0]]);
    }

    #[test]
    fn a_slot_is_free_again_only_four_units_below_its_last_segment() {
        let segs = [
            seg(0, 0.0, 10.0, false, 0),
            seg(0, 14.0, 20.0, false, 1),
            seg(0, 14.5, 20.0, false, 2),
        ];
        assert_eq!(slots(&segs, 0).0, vec![0, 1, 0]);
    }
}
