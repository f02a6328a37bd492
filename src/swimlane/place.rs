//! Placement: the size of every step's box, the heights of sub-lanes and lanes (which hold the
//! tracks routing asked for), the widths of the gaps between columns (which hold the vertical
//! slots and the conditions), and from them every coordinate.

use super::text::{shorten, wrap, wrap_capped};
use super::{
    BAND_PAD, BOX_W, BoundaryLine, CAPTION_CHARS, CAPTION_LINE, CHANNEL_CHARS, CHANNEL_LINE, END_CHARS,
    END_W, GAP_MIN, LABEL_ROOM, LANE_BOTTOM, LaneBand, LaneLabels, LineKind, MIN_BOX_H, PAD, SLOT,
    SLOT_MARGIN, StepBox, SubLane, TITLE_CHARS, TITLE_LINE, TRACK,
};
use crate::model::{Catalogue, Lane, UseCase};

/// The box of step `i`: its wrapped text and size (placed later), tall enough for `ports`
/// edges on a side.
#[allow(clippy::too_many_arguments)]
pub(super) fn step_box(
    cat: &Catalogue,
    uc: &UseCase,
    labels: &LaneLabels,
    i: usize,
    sub_lane: usize,
    column: usize,
    ports: usize,
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

/// The vertical geometry: sub-lanes and lanes, top to bottom.
#[derive(Clone, Debug)]
pub(super) struct Rows {
    /// The sub-lanes, placed.
    pub sub_lanes: Vec<SubLane>,
    /// The lanes, placed.
    pub lanes: Vec<LaneBand>,
    /// Tracks per band (band `b` is above sub-lane `b`, the last one below all lanes).
    pub tracks: Vec<usize>,
    /// The bottom of the last lane.
    pub lanes_bottom: f64,
    /// The height of the band below all lanes.
    pub bottom_band: f64,
}

impl Rows {
    /// The y of track `track` of band `band`.
    pub fn track_y(&self, band: usize, track: usize) -> f64 {
        let top = if band < self.sub_lanes.len() {
            self.sub_lanes[band].y
        } else {
            self.lanes_bottom
        };
        top + 8.0 + track as f64 * TRACK
    }

    /// The middle of the box area of sub-lane `s` (below its tracks).
    pub fn center_y(&self, s: usize) -> f64 {
        let sub = &self.sub_lanes[s];
        let top = sub.y + BAND_PAD + self.tracks[s] as f64 * TRACK;
        let bottom = sub.y + sub.height - LANE_BOTTOM;
        (top + bottom) / 2.0
    }
}

/// Heights of the sub-lanes (their tracks, tallest box and caption) and of the lanes (their
/// names, written upwards), from `top` down; centres the boxes in their sub-lanes.
pub(super) fn rows(
    subs: &[(Lane, String)],
    boxes: &mut [StepBox],
    tracks: Vec<usize>,
    labels: &LaneLabels,
    top: f64,
) -> Rows {
    let ns = subs.len();
    let captions: Vec<Vec<String>> = subs
        .iter()
        .map(|(_, c)| wrap_capped(c, CAPTION_CHARS, 6))
        .collect();
    let mut sub_h = vec![0.0; ns];
    for s in 0..ns {
        let tallest = boxes
            .iter()
            .filter(|b| b.sub_lane == s)
            .map(|b| b.h)
            .fold(MIN_BOX_H, f64::max);
        let band = BAND_PAD + tracks[s] as f64 * TRACK;
        let caption = captions[s].len() as f64 * CAPTION_LINE + 16.0;
        sub_h[s] = (band + tallest + LANE_BOTTOM).max(caption);
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
    let mut y = top;
    for (s, caption) in captions.into_iter().enumerate() {
        sub_lanes.push(SubLane {
            lane: subs[s].0,
            caption,
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
    let bottom_band = if tracks[ns] == 0 {
        0.0
    } else {
        8.0 + tracks[ns] as f64 * TRACK + 6.0
    };
    let rows = Rows {
        sub_lanes,
        lanes,
        tracks,
        lanes_bottom,
        bottom_band,
    };
    for b in boxes.iter_mut() {
        b.y = rows.center_y(b.sub_lane) - b.h / 2.0;
    }
    rows
}

/// The width of each gap between columns (gap `g` is left of column `g`): its vertical slots on
/// both sides, and room for a condition when an edge with one leaves into it.
pub(super) fn gap_widths(slots_used: &[[usize; 2]], label_in_gap: &[bool]) -> Vec<f64> {
    let mut gap_w = vec![GAP_MIN; slots_used.len()];
    for (g, w) in gap_w.iter_mut().enumerate() {
        let room = if label_in_gap[g] { LABEL_ROOM } else { 8.0 };
        let [l, r] = slots_used[g];
        *w = w.max(2.0 * SLOT_MARGIN + (l + r) as f64 * SLOT + room);
    }
    gap_w
}

/// Where each gap and each column starts, from `left`; and the right end of the last gap.
pub(super) fn columns_x(gap_w: &[f64], left: f64) -> (Vec<f64>, Vec<f64>, f64) {
    let ncols = gap_w.len() - 1;
    let mut gap_x = vec![0.0; ncols + 1];
    let mut col_x = vec![0.0; ncols];
    let mut x = left;
    for g in 0..=ncols {
        gap_x[g] = x;
        x += gap_w[g];
        if g < ncols {
            col_x[g] = x;
            x += BOX_W;
        }
    }
    (gap_x, col_x, x)
}

/// The lines of the blueprint between consecutive lanes.
pub(super) fn boundary_lines(lanes: &[LaneBand]) -> Vec<BoundaryLine> {
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
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gaps_hold_their_slots_and_room_for_a_condition() {
        let w = gap_widths(&[[0, 0], [3, 2], [1, 0]], &[false, false, true]);
        assert_eq!(w[0], GAP_MIN);
        assert_eq!(w[1], 2.0 * SLOT_MARGIN + 5.0 * SLOT + 8.0);
        assert_eq!(w[2], 2.0 * SLOT_MARGIN + SLOT + LABEL_ROOM);
    }

    #[test]
    fn columns_follow_their_gaps_from_the_left() {
        let (gap_x, col_x, right) = columns_x(&[10.0, 20.0, 30.0], 100.0);
        assert_eq!(gap_x, vec![100.0, 110.0 + BOX_W, 130.0 + 2.0 * BOX_W]);
        assert_eq!(col_x, vec![110.0, 130.0 + BOX_W]);
        assert_eq!(right, 160.0 + 2.0 * BOX_W);
    }
}
