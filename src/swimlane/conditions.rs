//! Branch conditions: each placed greedily at the free spot nearest to its edge's source, among
//! a few spots along every segment of the route (and, when none of those is free, spots slid
//! along every segment); a spot is free when it covers no box and no other condition, and
//! better when it crosses fewer other edges. Where no spot is free, the caller widens the gap
//! and lays the columns out again.

use super::text::{text_width, wrap_capped};
use super::{
    EdgeLabel, LABEL_CHARS, LABEL_FONT, LABEL_LINE, LABEL_MAX_LINES, LaneLabels, Rect, RoutedEdge, StepBox,
};
use crate::graph::EdgeKind;
use crate::graph::flow::Edge;
use crate::model::UseCase;
use std::collections::{BTreeMap, HashMap};

/// The text of an edge's label, if any.
pub(super) fn condition(uc: &UseCase, e: &Edge, labels: &LaneLabels) -> Option<String> {
    match e.kind {
        EdgeKind::Next(k) | EdgeKind::Message(k) => {
            let n = uc.steps[e.from].next.get(k)?;
            n.when
                .as_ref()
                .map(|w| w.value.clone())
                .or_else(|| n.default.then(|| labels.otherwise.to_owned()))
        }
        EdgeKind::Recovery => Some(labels.on_failure.to_owned()),
    }
}

/// Places the condition of every edge that has one inside `area` (left, top, right, bottom):
/// first those of the edges marked in `first`, then the others, each in edge order; returns the
/// edges whose condition found no free spot. The caller widens the gaps after their sources
/// and marks them to go first in the next round: placed after, a condition would find its spots
/// held again by the conditions that took them this round, whatever room widening made.
pub(super) fn place(
    uc: &UseCase,
    labels: &LaneLabels,
    edges: &[Edge],
    routed: &mut [RoutedEdge],
    boxes: &[StepBox],
    area: (f64, f64, f64, f64),
    first: &[bool],
) -> Vec<usize> {
    let mut scene = Scene::new(routed, boxes);
    let mut crowded: Vec<usize> = Vec::new();
    let order: Vec<usize> = (0..routed.len())
        .filter(|&e| first[e])
        .chain((0..routed.len()).filter(|&e| !first[e]))
        .collect();
    for e in order {
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
        let (cost, r) = best_label_spot(&routed[e].points, e, w, h, &mut scene, area);
        if cost >= 1000.0 {
            crowded.push(e);
        }
        scene.add_label(r);
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
    crowded
}

/// Tries spots along the edge's route and keeps the one that covers no box or other label,
/// crosses the fewest other edges and lies nearest to the source; slides spots along the route
/// only when none of the first ones is free.
fn best_label_spot(
    pts: &[(f64, f64)],
    e: usize,
    w: f64,
    h: f64,
    scene: &mut Scene,
    area: (f64, f64, f64, f64),
) -> (f64, Rect) {
    let (left, top, _, _) = area;
    let mut best: Option<(f64, Rect)> = None;
    for slide in [false, true] {
        if slide && best.is_some_and(|(c, _)| c < 1000.0) {
            break;
        }
        let mut along = 0.0;
        for (i, seg) in pts.windows(2).enumerate() {
            let (a, b) = (seg[0], seg[1]);
            let len = (b.0 - a.0).abs() + (b.1 - a.1).abs();
            let tried = if slide {
                sliding_spots(a, b, w, h)
            } else {
                spots(a, b, w, h)
            };
            for (r, base) in tried {
                let cost = scene.penalised(base + along * 0.02 + i as f64, r, e, area);
                if best.is_none_or(|(c, _)| cost < c) {
                    best = Some((cost, r));
                }
            }
            along += len;
        }
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

/// How far apart the spots slid along a segment are.
const SLIDE: f64 = 8.0;

/// The spots tried along the segment from `a` to `b` when none of [`spots`] on the whole route
/// is free: beside the segment every [`SLIDE`] from its start, above (or right of) it first, at
/// base costs above those of [`spots`]. [`spots`] has three places per segment, fixed by its
/// ends; where another condition holds the one in the source's gap, the room that widening the
/// gap makes lies between them, and only sliding reaches it.
fn sliding_spots(a: (f64, f64), b: (f64, f64), w: f64, h: f64) -> Vec<(Rect, f64)> {
    let horizontal = (a.1 - b.1).abs() < 0.01;
    let (lo, hi, forward) = if horizontal {
        (a.0.min(b.0) + 6.0, a.0.max(b.0) - w - 12.0, b.0 >= a.0)
    } else {
        (a.1.min(b.1) + 4.0, a.1.max(b.1) - h - 4.0, b.1 >= a.1)
    };
    let at = |x: f64, y: f64| Rect { x, y, w, h };
    let mut spots = Vec::new();
    let mut k = 0.0;
    while lo + k * SLIDE <= hi {
        let t = if forward { lo + k * SLIDE } else { hi - k * SLIDE };
        if horizontal {
            spots.push((at(t, a.1 - h - 3.0), 50.0));
            spots.push((at(t, a.1 + 3.0), 52.0));
        } else {
            spots.push((at(a.0 + 4.0, t), 50.0));
            spots.push((at(a.0 - w - 4.0, t), 54.0));
        }
        k += 1.0;
    }
    spots
}

/// A point of a route.
type Point = (f64, f64);

/// What a condition must not cover or cross, indexed by place: the boxes (grown by 1), the
/// conditions placed so far and the segments of every route. Looking up what lies under a spot
/// costs what lies near it, not what the whole diagram holds.
struct Scene {
    boxes: Grid,
    box_rects: Vec<Rect>,
    labels: Grid,
    label_rects: Vec<Rect>,
    segments: Segments,
    /// Each segment: its edge and its two ends.
    segment_ends: Vec<(usize, Point, Point)>,
    /// Query scratch: the items found, and per item the last query that found it.
    found: Vec<usize>,
    seen: Vec<u32>,
    query: u32,
}

impl Scene {
    fn new(routed: &[RoutedEdge], boxes: &[StepBox]) -> Scene {
        let mut scene = Scene {
            boxes: Grid::default(),
            box_rects: Vec::with_capacity(boxes.len()),
            labels: Grid::default(),
            label_rects: Vec::new(),
            segments: Segments::default(),
            segment_ends: Vec::new(),
            found: Vec::new(),
            seen: Vec::new(),
            query: 0,
        };
        for b in boxes {
            let r = b.rect().grow(1.0);
            scene.boxes.insert(scene.box_rects.len(), r);
            scene.box_rects.push(r);
        }
        for (k, edge) in routed.iter().enumerate() {
            for s in edge.points.windows(2) {
                let (a, b) = (s[0], s[1]);
                scene.segments.insert(scene.segment_ends.len(), a, b);
                scene.segment_ends.push((k, a, b));
            }
        }
        scene.segments.finish();
        let most = scene.box_rects.len().max(scene.segment_ends.len());
        scene.seen = vec![0; most];
        scene
    }

    fn add_label(&mut self, r: Rect) {
        self.labels.insert(self.label_rects.len(), r);
        self.label_rects.push(r);
        self.seen.push(0);
    }

    /// Collects into `found` every item of `grid` in the cells `r` touches, each once.
    fn near(&mut self, which: Which, r: Rect) {
        self.query = self.query.wrapping_add(1);
        if self.query == 0 {
            self.seen.iter_mut().for_each(|s| *s = 0);
            self.query = 1;
        }
        self.found.clear();
        let ids: Box<dyn Iterator<Item = usize> + '_> = match which {
            Which::Boxes => Box::new(self.boxes.near(r)),
            Which::Labels => Box::new(self.labels.near(r)),
            Which::Segments => Box::new(self.segments.near(r)),
        };
        for id in ids {
            if self.seen[id] != self.query {
                self.seen[id] = self.query;
                self.found.push(id);
            }
        }
    }

    /// `cost` plus the penalties of putting edge `e`'s condition at `r`: 1000 for leaving
    /// `area` and for each box or other condition it covers, 30 for each segment of another
    /// edge it crosses (added edge by edge, in edge order, as a scan over every edge would).
    fn penalised(
        &mut self,
        mut cost: f64,
        r: Rect,
        e: usize,
        (left, top, right, bottom): (f64, f64, f64, f64),
    ) -> f64 {
        if r.x < left || r.x + r.w > right || r.y < top || r.y + r.h > bottom {
            cost += 1000.0;
        }
        let g = r.grow(2.0);
        self.near(Which::Boxes, g);
        let covered = self
            .found
            .iter()
            .filter(|&&b| self.box_rects[b].overlaps(&g))
            .count();
        cost += 1000.0 * covered as f64;
        self.near(Which::Labels, g);
        let covered = self
            .found
            .iter()
            .filter(|&&l| self.label_rects[l].overlaps(&g))
            .count();
        cost += 1000.0 * covered as f64;
        self.near(Which::Segments, r);
        let mut crossed: Vec<usize> = self
            .found
            .iter()
            .map(|&s| self.segment_ends[s])
            .filter(|&(k, a, b)| k != e && r.crossed_by(a, b))
            .map(|(k, _, _)| k)
            .collect();
        crossed.sort_unstable();
        for run in crossed.chunk_by(|a, b| a == b) {
            cost += 30.0 * run.len() as f64;
        }
        cost
    }
}

#[derive(Clone, Copy)]
enum Which {
    Boxes,
    Labels,
    Segments,
}

/// A uniform grid of square cells, each listing the items whose extent touches it.
#[derive(Default)]
struct Grid {
    cells: HashMap<(i64, i64), Vec<usize>>,
}

/// The side of a cell, about a box's height.
const CELL: f64 = 128.0;

impl Grid {
    /// The cells that `r` touches, its edges included.
    fn span(r: Rect) -> (std::ops::RangeInclusive<i64>, std::ops::RangeInclusive<i64>) {
        let cell = |v: f64| (v / CELL).floor() as i64;
        (cell(r.x)..=cell(r.x + r.w), cell(r.y)..=cell(r.y + r.h))
    }

    fn insert(&mut self, id: usize, r: Rect) {
        let (xs, ys) = Grid::span(r);
        for cx in xs {
            for cy in ys.clone() {
                self.cells.entry((cx, cy)).or_default().push(id);
            }
        }
    }

    /// The items of the cells `r` touches (an item may come more than once).
    fn near(&self, r: Rect) -> impl Iterator<Item = usize> + '_ {
        let (xs, ys) = Grid::span(r);
        xs.flat_map(move |cx| ys.clone().map(move |cy| (cx, cy)))
            .filter_map(|c| self.cells.get(&c))
            .flatten()
            .copied()
    }
}

/// The segments of the routes, by the line they run on: a horizontal segment by its y, a
/// vertical one by its x (anything else is always a candidate). On a line, segments are sorted
/// by where they start, with the furthest end reached so far, so the ones reaching into a range
/// are found by a binary search and a short walk back.
#[derive(Default)]
struct Segments {
    horizontal: BTreeMap<Key, Line>,
    vertical: BTreeMap<Key, Line>,
    other: Vec<usize>,
}

#[derive(Default)]
struct Line {
    /// (start, end, segment), by start.
    spans: Vec<(f64, f64, usize)>,
    /// Per span, the largest end among it and those before it.
    reach: Vec<f64>,
}

/// A coordinate, ordered (coordinates are finite).
#[derive(Clone, Copy, Debug, PartialEq)]
struct Key(f64);

impl Eq for Key {}

impl PartialOrd for Key {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Key {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.0.total_cmp(&other.0)
    }
}

/// How far a segment may be from its line and still count as on it; `Rect::crossed_by` treats
/// a segment as at least this wide.
const THIN: f64 = 0.01;

impl Segments {
    fn insert(&mut self, id: usize, a: (f64, f64), b: (f64, f64)) {
        let (x0, x1) = (a.0.min(b.0), a.0.max(b.0));
        let (y0, y1) = (a.1.min(b.1), a.1.max(b.1));
        // The extent `Rect::crossed_by` tests along the line.
        if y1 - y0 < THIN {
            let line = self.horizontal.entry(Key(y0)).or_default();
            line.spans.push((x0, x1.max(x0 + THIN), id));
        } else if x1 - x0 < THIN {
            let line = self.vertical.entry(Key(x0)).or_default();
            line.spans.push((y0, y1.max(y0 + THIN), id));
        } else {
            self.other.push(id);
        }
    }

    fn finish(&mut self) {
        for line in self.horizontal.values_mut().chain(self.vertical.values_mut()) {
            line.spans.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.2.cmp(&b.2)));
            let mut reach = f64::NEG_INFINITY;
            line.reach = line
                .spans
                .iter()
                .map(|s| {
                    reach = reach.max(s.1);
                    reach
                })
                .collect();
        }
    }

    /// A superset of the segments that `r` may be crossed by.
    fn near(&self, r: Rect) -> impl Iterator<Item = usize> + '_ {
        // A segment on line `c` spans at most [c, c + 2 * THIN] across the line.
        let across = |lo: f64, hi: f64| Key((lo - 2.0 * THIN).min(hi))..=Key(hi);
        let horizontal = self
            .horizontal
            .range(across(r.y, r.y + r.h))
            .flat_map(move |(_, line)| line.reaching(r.x, r.x + r.w));
        let vertical = self
            .vertical
            .range(across(r.x, r.x + r.w))
            .flat_map(move |(_, line)| line.reaching(r.y, r.y + r.h));
        horizontal.chain(vertical).chain(self.other.iter().copied())
    }
}

impl Line {
    /// The segments whose span meets the open range (lo, hi), or touches it.
    fn reaching(&self, lo: f64, hi: f64) -> impl Iterator<Item = usize> + '_ {
        let end = self.spans.partition_point(|s| s.0 <= hi);
        (0..end)
            .rev()
            .take_while(move |&j| self.reach[j] >= lo)
            .filter(move |&j| self.spans[j].1 >= lo)
            .map(move |j| self.spans[j].2)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A small deterministic generator of coordinates.
    fn coordinates(seed: u64) -> impl FnMut(f64) -> f64 {
        let mut x = seed;
        move |scale| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            (x % 10_000) as f64 / 10_000.0 * scale
        }
    }

    #[test]
    fn the_segment_index_finds_every_segment_a_spot_crosses() {
        let mut next = coordinates(0x2545_F491_4F6C_DD1D);
        let mut index = Segments::default();
        let mut ends = Vec::new();
        for id in 0..400 {
            let a = ((next(400.0)).round(), (next(400.0)).round());
            let len = next(200.0);
            let b = match id % 3 {
                0 => (a.0 + len, a.1),
                1 => (a.0, a.1 - len),
                _ => (a.0 + 0.005, a.1 + len),
            };
            index.insert(id, a, b);
            ends.push((a, b));
        }
        index.finish();
        for _ in 0..400 {
            let r = Rect {
                x: next(420.0) - 10.0,
                y: next(420.0) - 10.0,
                w: next(120.0),
                h: next(60.0),
            };
            let near: Vec<usize> = index.near(r).collect();
            for (id, &(a, b)) in ends.iter().enumerate() {
                if r.crossed_by(a, b) {
                    assert!(near.contains(&id), "segment {id} {a:?}-{b:?} crosses {r:?}");
                }
            }
        }
    }

    #[test]
    fn the_grid_finds_every_rectangle_a_spot_overlaps() {
        let mut next = coordinates(0x9E37_79B9_7F4A_7C15);
        let mut grid = Grid::default();
        let rects: Vec<Rect> = (0..300)
            .map(|_| Rect {
                x: next(2000.0),
                y: next(800.0),
                w: next(300.0),
                h: next(90.0),
            })
            .collect();
        for (id, &r) in rects.iter().enumerate() {
            grid.insert(id, r);
        }
        for _ in 0..300 {
            let q = Rect {
                x: next(2000.0),
                y: next(800.0),
                w: next(150.0),
                h: next(60.0),
            };
            let near: Vec<usize> = grid.near(q).collect();
            for (id, r) in rects.iter().enumerate() {
                if r.overlaps(&q) {
                    assert!(near.contains(&id));
                }
            }
        }
    }

    #[test]
    fn slid_spots_start_at_the_source_end_of_a_segment() {
        let leftwards = sliding_spots((300.0, 50.0), (0.0, 50.0), 80.0, 20.0);
        assert_eq!(leftwards.len(), 2 * 26, "every 8 from 6 to 208");
        assert_eq!(leftwards[0].0.x, 208.0, "nearest the source first");
        assert_eq!(leftwards[2].0.x, 200.0);
        assert!(sliding_spots((0.0, 0.0), (0.0, 20.0), 80.0, 20.0).is_empty());
    }

    #[test]
    fn seven_spots_are_tried_along_each_segment_above_or_right_first() {
        let horizontal = spots((0.0, 50.0), (300.0, 50.0), 80.0, 20.0);
        assert_eq!(horizontal.len(), 7);
        assert_eq!(horizontal[0].0.y, 27.0, "above the line");
        assert_eq!(horizontal[0].1, 0.0);
        let vertical = spots((100.0, 0.0), (100.0, 200.0), 80.0, 20.0);
        assert_eq!(vertical.len(), 7);
        assert_eq!(vertical[0].0.x, 104.0, "right of the line");
    }
}
