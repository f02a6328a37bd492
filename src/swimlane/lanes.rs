//! Rows: which sub-lane each step goes to. The lanes customer, frontstage, backstage and
//! support, top to bottom, only those used; one sub-lane per team in the order of first
//! appearance (the customer lane has one). An end step sits in the sub-lane of its first
//! predecessor.

use super::LaneLabels;
use crate::graph::FlowGraph;
use crate::model::{CUSTOMER, Catalogue, Lane, UseCase};
use std::collections::HashMap;

/// The rows of the diagram.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) struct SubLanes {
    /// Per step, its sub-lane.
    pub of: Vec<usize>,
    /// The sub-lanes, top to bottom: lane and caption.
    pub list: Vec<(Lane, String)>,
}

/// The sub-lane of every step, and the sub-lanes (lane, caption) sorted by lane.
pub(super) fn assign(cat: &Catalogue, uc: &UseCase, flow: &FlowGraph, labels: &LaneLabels) -> SubLanes {
    let n = uc.steps.len();
    let mut keys: Vec<(Lane, String, String)> = Vec::new();
    let mut key_of: Vec<Option<usize>> = vec![None; n];
    let mut index: HashMap<(usize, String), usize> = HashMap::new();
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
        let k = *index.entry((lane as usize, key.clone())).or_insert_with(|| {
            keys.push((lane, key, caption));
            keys.len() - 1
        });
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
    SubLanes {
        of: sub_of,
        list: subs,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::swimlane::testing::use_case;

    #[test]
    fn sub_lanes_follow_the_lanes_and_end_steps_their_first_predecessor() {
        let (cat, flow) = use_case(
            "  - id: ask\n    actor: customer\n    channel: phone\n    next: check\n  - id: check\n    actor: billing\n    next: answer\n  - id: answer\n    actor: contact-centre\n    channel: phone\n    next: [end, check]\n  - id: again\n    actor: billing\n    next: end\n  - id: end\n    end: done\n",
        );
        let s = assign(&cat, &cat.use_cases[0], &flow, &LaneLabels::ENGLISH);
        let lanes: Vec<Lane> = s.list.iter().map(|(l, _)| *l).collect();
        assert_eq!(lanes, vec![Lane::Customer, Lane::Frontstage, Lane::Backstage]);
        assert_eq!(s.list[0].1, "Customer");
        // ask, check, answer, again (billing again), end (after answer).
        assert_eq!(s.of, vec![0, 2, 1, 2, 1]);
    }
}
