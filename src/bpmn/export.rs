//! `casebook export bpmn`: one use case as a BPMN 2.0 collaboration, with its diagram
//! (BPMNDI) laid out from the swimlane diagram's geometry, so that it opens laid out in bpmn.io
//! and Camunda Modeler.
//!
//! The mapping (the handbook's chapter "Writing use cases", section "BPMN", says why):
//!
//! - The use case is a pool (participant and process, named by its title) per part of its flow
//!   (the nodes that sequence flows connect; a step only messages reach starts a part, as in
//!   ARCHITECTURE.md "Graph semantics"), the start's first, stacked without overlap. Messages
//!   between parts are message flows between pools. A message between two steps of one part has
//!   no BPMN construct (message flows join pools): it is an association (a dotted arrow) with
//!   `casebook:message="true"` and `casebook:when`, which the import reads back. Lanes and data
//!   objects of the second pool and after get `_2`, `_3`... so that ids stay unique.
//! - Each pool holds a lane per
//!   lane of the service blueprint that it uses (customer, frontstage, backstage, support), each
//!   with a child lane per team (the swimlane diagram's sub-lanes; the customer lane has one, for
//!   the persona). Every ordinary `next` is control flow, and BPMN forbids sequence flows
//!   between pools: a pool per department, or for the customer, would turn every handoff across
//!   them into a message flow, cut the process into pieces with start and end events of their
//!   own, and lose the difference the format makes between a handoff and a message.
//! - A step is a task (a call activity when it `calls:` a use case, whose process it names); an
//!   end step an end event named by its outcome. A blank start event, named by the trigger,
//!   leads to the start step.
//! - A step with several `next` entries leads to an exclusive gateway: `when:` names the flow
//!   and is its condition, `default: true` makes it the gateway's default flow.
//! - Information items are data objects (one reference per item, in a row below the pool), with
//!   data input associations from `needs` and output associations to `gives`.
//! - A fail point with a `recovery` gets an error boundary event on its task, from which a
//!   sequence flow leads to the recovery step.
//!
//! - What casebook has and BPMN lacks travels as extension attributes in the namespace
//!   [`super::NS`] (`casebook:channel`, `casebook:system`, `casebook:duration`,
//!   `casebook:satisfaction`, `casebook:momentOfTruth`, `casebook:failPoint`, `casebook:carries`,
//!   `casebook:allow`, `casebook:reason` on a step's node; `casebook:carries` on a flow; the use
//!   case's `owner`, `status`, `reviewed`, `reviewEveryMonths`, `outcome`, `inputs`, `tags`,
//!   `allow`, `reason` on its process), and the teams, channels, systems and items it names as
//!   `casebook:team`, `casebook:channel`, `casebook:system`, `casebook:item` elements in the
//!   process's `extensionElements`, so that `import` gives back the same findings and can make
//!   them in a catalogue that lacks them.
//!
//! Element ids are NCNames made from the casebook ids: `Step_<step>`, `Flow_<step>_<k>` (the
//! k-th `next` entry), `Split_<step>`, `Failure_<step>`, `Lane_<lane>_<team>`,
//! `Data_<item>` and so on. Slugs have no `_`, so the parts never run together, and a byte a
//! slug may not hold (only in a use case with format errors, which `export` refuses anyway) is
//! written `.HH`. Elements casebook adds (start event, gateways, boundary events, the flows
//! around them) have prefixes of their own, so an importer can tell them from steps.
//!
//! Every text is escaped by [`crate::markup::xml_escape`] (characters XML 1.0 forbids become
//! U+FFFD), numbers are written with at most one decimal, and the same use case always gives the
//! same bytes.

use crate::graph::{EdgeKind, FlowGraph};
use crate::labels::{EN, FR, label};
use crate::markup::xml_escape;
use crate::model::{Allow, CUSTOMER, Catalogue, Duration, Join, Lane, Ref, Step, UseCase};
use crate::swimlane::{self, LaneLabels, Layout, Rect, RoutedEdge};
use std::collections::HashMap;
use std::fmt::Write as _;

/// Width and height of an event or gateway shape.
const SMALL: f64 = 36.0;
/// Room a gateway or event takes inside a step's box: its shape and a short flow.
const SLOT: f64 = SMALL + 8.0;
/// Width of a pool's and a lane's name column in bpmn.io.
const HEADER: f64 = 30.0;
/// The margin of the swimlane picture, right of the lanes.
const MARGIN: f64 = 16.0;
/// Width of an external label (events, data objects).
const LABEL_W: f64 = 100.0;

/// The words the export writes, in the catalogue's language.
#[derive(Clone, Copy, Debug)]
struct Words {
    lanes: &'static LaneLabels,
    decision: &'static str,
    start: &'static str,
    message_received: &'static str,
    message_sent: &'static str,
}

impl Words {
    fn for_catalogue(cat: &Catalogue) -> Words {
        let table = match cat.settings.language {
            crate::config::Language::En => EN,
            crate::config::Language::Fr => FR,
        };
        Words {
            lanes: LaneLabels::for_catalogue(cat),
            decision: label(table, "bpmn_decision"),
            start: label(table, "bpmn_start"),
            message_received: label(table, "bpmn_message_received"),
            message_sent: label(table, "bpmn_message_sent"),
        }
    }

    fn lane(&self, lane: Lane) -> &'static str {
        match lane {
            Lane::Customer => self.lanes.customer,
            Lane::Frontstage => self.lanes.frontstage,
            Lane::Backstage => self.lanes.backstage,
            Lane::Support => self.lanes.support,
        }
    }
}

/// The BPMN 2.0 XML of `uc` (whose flow graph is `flow`), with its diagram.
pub fn export(cat: &Catalogue, uc: &UseCase, flow: &FlowGraph) -> String {
    let words = Words::for_catalogue(cat);
    let layout = swimlane::layout_with(cat, uc, flow, words.lanes);
    let plan = Plan::new(cat, uc, flow, &layout, words);
    plan.write(uc, &definitions(cat, uc))
}

/// An id part for an NCName: a slug as it is; any other byte as `.HH`.
fn push_part(out: &mut String, part: &str) {
    for b in part.bytes() {
        if b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' {
            out.push(b as char);
        } else {
            let _ = write!(out, ".{b:02X}");
        }
    }
}

/// `prefix_part1_part2...`, an NCName whatever the parts hold.
fn ncname(prefix: &str, parts: &[&str]) -> String {
    let mut s = prefix.to_owned();
    for p in parts {
        s.push('_');
        push_part(&mut s, p);
    }
    s
}

type Point = (f64, f64);

/// What kind of BPMN flow node.
#[derive(Clone, Debug, PartialEq)]
enum Kind {
    Start,
    End,
    /// A start event triggered by a message: a step only messages lead to.
    MessageStart,
    /// An end event that sends a message: a step whose only ways out are messages.
    MessageEnd,
    Task,
    /// Runs the process with this id.
    Call(String),
    Exclusive,
    Parallel,
    /// An error boundary event on the node with this id.
    Boundary(String),
}

/// A flow node, with its place.
#[derive(Clone, Debug)]
struct Node {
    id: String,
    kind: Kind,
    name: Option<String>,
    documentation: Option<String>,
    bounds: Rect,
    /// The external label's place (events).
    label: Option<Rect>,
    /// Index into the swimlane's sub-lanes.
    sub_lane: usize,
    incoming: Vec<String>,
    outgoing: Vec<String>,
    /// The default flow of an exclusive gateway.
    default: Option<String>,
    /// Items read and written (data object reference ids), tasks only.
    needs: Vec<String>,
    gives: Vec<String>,
    /// casebook's extension attributes (` casebook:name="value"`...), for a step's node.
    ext: String,
}

/// A sequence flow.
#[derive(Clone, Debug)]
struct Flow {
    id: String,
    source: String,
    target: String,
    name: Option<String>,
    condition: Option<String>,
    points: Vec<Point>,
    label: Option<Rect>,
    /// casebook's extension attributes (`carries` of the `next` entry).
    ext: String,
}

/// A lane and its child lanes.
#[derive(Clone, Debug)]
struct LaneOut {
    id: String,
    name: String,
    bounds: Rect,
    nodes: Vec<String>,
    children: Vec<LaneOut>,
}

/// A data object (one reference per information item).
#[derive(Clone, Debug)]
struct Data {
    item: String,
    name: String,
    bounds: Rect,
    /// Its pool (part of the flow), and the suffix of its ids there.
    part: usize,
    suffix: String,
}

/// A data association, drawn between a task and a data object.
#[derive(Clone, Debug)]
struct Association {
    id: String,
    points: Vec<Point>,
    part: usize,
}

/// Everything the file holds, decided before a byte is written.
struct Plan {
    uc_key: String,
    title: String,
    nodes: Vec<Node>,
    flows: Vec<Flow>,
    /// Message flows (`message: true` entries).
    messages: Vec<Flow>,
    lanes: Vec<LaneOut>,
    pool: Rect,
    data: Vec<Data>,
    associations: Vec<Association>,
    /// The part (pool) of each node, parallel to `nodes`.
    part_of: Vec<usize>,
    /// Per part: its lanes (ids suffixed) and its pool's rectangle.
    pools: Vec<(Vec<LaneOut>, Rect)>,
    /// Messages between steps of one part: associations (see the module doc).
    links: Vec<Flow>,
}

/// Where the flows of one step start and end, and what sits in its box besides the task.
#[derive(Clone, Debug)]
struct StepPlace {
    /// The node flows into the step go to (the step, or its join gateway).
    entry: String,
    /// The node flows out of the step leave from (the step, or its split gateway).
    exit: String,
    /// Where a flow into the step ends, when not at the task's left side.
    entry_point: Option<Point>,
    /// Where a flow out of the step starts, when not at the task's right side.
    exit_point: Option<Point>,
    /// The task's (or end event's) left side, for flows that end there.
    task_left: f64,
    /// The task's right side, where its messages leave.
    task_right: f64,
    /// The middle of the step's box, vertically.
    cy: f64,
    /// A parallel split: its flows carry no condition.
    parallel: bool,
    /// The boundary event's bottom centre, when the step has one.
    failure: Option<(String, Point)>,
}

impl Plan {
    fn new(cat: &Catalogue, uc: &UseCase, flow: &FlowGraph, layout: &Layout, words: Words) -> Plan {
        let n = uc.steps.len();
        let uc_key = ncname("", &[&uc.id.value])[1..].to_owned();
        // A step id defined twice (a duplicate-id finding) keeps its first definition's id.
        let step_key: Vec<String> = (0..n)
            .map(|i| {
                let id = &uc.steps[i].id.value;
                let mut key = String::new();
                push_part(&mut key, id);
                if uc.step(id) != Some(i) {
                    let _ = write!(key, ".dup{i}");
                }
                key
            })
            .collect();
        let boxes: Vec<&swimlane::StepBox> = {
            let mut b: Vec<Option<&swimlane::StepBox>> = vec![None; n];
            for sb in &layout.boxes {
                b[sb.step] = Some(sb);
            }
            b.into_iter()
                .map(|b| b.expect("the swimlane has a box per step"))
                .collect()
        };
        let routed: HashMap<(usize, EdgeKind), &RoutedEdge> =
            layout.edges.iter().map(|e| ((e.from, e.kind), e)).collect();
        let start = flow.start.map(|s| flow.graph[s]);

        let recovery_of = |i: usize| -> Option<usize> {
            flow.succ[i]
                .iter()
                .find_map(|&(j, kind)| (kind == EdgeKind::Recovery).then_some(j))
        };
        // Per step, its control-flow successors (`next` entries that are not messages) and its
        // messages, in `next` order: read from the model, so that they do not depend on how the
        // flow graph keeps messages. An entry to no step has no flow (unknown-reference).
        let nexts_of = |i: usize, message: bool| -> Vec<(usize, usize)> {
            uc.steps[i]
                .next
                .iter()
                .enumerate()
                .filter(|(_, e)| e.message == message)
                .filter_map(|(k, e)| uc.step(&e.to.value).map(|j| (k, j)))
                .collect()
        };
        let next_of = |i: usize| nexts_of(i, false);
        // Per step, how many sequence flows (`next` entries and recoveries) and messages come in.
        let (mut flows_in, mut messages_in) = (vec![0usize; n], vec![0usize; n]);
        for i in 0..n {
            for (_, j) in next_of(i) {
                flows_in[j] += 1;
            }
            for (_, j) in nexts_of(i, true) {
                messages_in[j] += 1;
            }
            if let Some(j) = uc.steps[i].fail_point.and(recovery_of(i)) {
                flows_in[j] += 1;
            }
        }

        let mut nodes: Vec<Node> = Vec::new();
        let mut flows: Vec<Flow> = Vec::new();
        let mut messages: Vec<Flow> = Vec::new();
        let mut places: Vec<StepPlace> = Vec::with_capacity(n);
        let node = |id: String, kind: Kind, bounds: Rect, sub_lane: usize| Node {
            id,
            kind,
            name: None,
            documentation: None,
            bounds,
            label: None,
            sub_lane,
            incoming: Vec::new(),
            outgoing: Vec::new(),
            default: None,
            needs: Vec::new(),
            gives: Vec::new(),
            ext: String::new(),
        };
        let below = |r: &Rect| Rect {
            x: r.x + r.w / 2.0 - LABEL_W / 2.0,
            y: r.y + r.h + 4.0,
            w: LABEL_W,
            h: 27.0,
        };

        // Nodes: per step, the start event, the task or end event, its split gateway and its
        // boundary event, each inside the step's box in the swimlane diagram.
        for (i, step) in uc.steps.iter().enumerate() {
            let b = boxes[i];
            let cy = b.y + b.h / 2.0;
            let small = |x: f64| Rect {
                x,
                y: cy - SMALL / 2.0,
                w: SMALL,
                h: SMALL,
            };
            let key = &step_key[i];
            let step_id = format!("Step_{key}");
            if step.is_end() {
                // Several flows into an end step meet at an exclusive merge first.
                let merge = flows_in[i] >= 2;
                let x = if merge { b.x + SLOT } else { b.x };
                let bounds = small(x);
                let mut entry = step_id.clone();
                if merge {
                    let gw_id = format!("Merge_{key}");
                    nodes.push(node(gw_id.clone(), Kind::Exclusive, small(b.x), b.sub_lane));
                    flows.push(Flow {
                        id: format!("Flow_{key}_join"),
                        source: gw_id.clone(),
                        target: step_id.clone(),
                        name: None,
                        condition: None,
                        points: vec![(b.x + SMALL, cy), (x, cy)],
                        label: None,
                        ext: String::new(),
                    });
                    entry = gw_id;
                }
                let mut end = node(step_id.clone(), Kind::End, bounds, b.sub_lane);
                end.name = step.end.as_ref().map(|e| e.value.clone());
                end.ext = step_ext(step);
                end.label = Some(below(&bounds));
                nodes.push(end);
                places.push(StepPlace {
                    entry,
                    exit: step_id,
                    entry_point: Some((b.x, cy)),
                    exit_point: Some((x + SMALL, cy)),
                    task_left: x,
                    task_right: x + SMALL,
                    cy,
                    failure: None,
                    parallel: false,
                });
                continue;
            }
            let mut task = Rect {
                x: b.x,
                y: b.y,
                w: b.w,
                h: b.h,
            };
            // The left of the box: a parallel join, a start event (outside the box when both).
            // Where several flows meet: a parallel join for `join: all`, else an exclusive merge
            // (bpmnlint's fake-join: a task that several flows enter is an implicit merge).
            let meeting = flows_in[i] + usize::from(start == Some(i)) >= 2;
            let parallel_join = step.join.as_ref().is_some_and(|j| j.value == Join::All);
            let join = meeting;
            let message_start = start != Some(i) && flows_in[i] == 0 && messages_in[i] > 0;
            let mut entry = step_id.clone();
            let mut entry_point = None;
            if join {
                let gw = small(b.x);
                let (gw_id, kind) = if parallel_join {
                    (format!("Join_{key}"), Kind::Parallel)
                } else {
                    (format!("Merge_{key}"), Kind::Exclusive)
                };
                task.x += SLOT;
                task.w -= SLOT;
                nodes.push(node(gw_id.clone(), kind, gw, b.sub_lane));
                flows.push(Flow {
                    id: format!("Flow_{key}_join"),
                    source: gw_id.clone(),
                    target: step_id.clone(),
                    name: None,
                    condition: None,
                    points: vec![(gw.x + SMALL, cy), (task.x, cy)],
                    label: None,
                    ext: String::new(),
                });
                entry = gw_id;
                entry_point = Some((b.x, cy));
            }
            let start_x = if join { b.x - SLOT } else { b.x };
            if message_start {
                let bounds = small(start_x);
                if !join {
                    task.x += SLOT;
                    task.w -= SLOT;
                }
                let id = format!("MessageStart_{key}");
                let mut s = node(id.clone(), Kind::MessageStart, bounds, b.sub_lane);
                s.name = Some(words.message_received.to_owned());
                s.label = Some(below(&bounds));
                nodes.push(s);
                flows.push(Flow {
                    id: format!("Flow_{key}_message_start"),
                    source: id,
                    target: step_id.clone(),
                    name: None,
                    condition: None,
                    points: vec![(bounds.x + SMALL, cy), (task.x, cy)],
                    label: None,
                    ext: String::new(),
                });
            }
            if start == Some(i) {
                let bounds = small(start_x);
                if !join {
                    task.x += SLOT;
                    task.w -= SLOT;
                }
                let mut s = node("Start".to_owned(), Kind::Start, bounds, b.sub_lane);
                s.name = Some(
                    uc.trigger
                        .clone()
                        .filter(|t| !t.trim().is_empty())
                        .unwrap_or_else(|| words.start.to_owned()),
                );
                s.label = Some(below(&bounds));
                nodes.push(s);
                flows.push(Flow {
                    id: "Flow_start".to_owned(),
                    source: "Start".to_owned(),
                    target: entry.clone(),
                    name: None,
                    condition: None,
                    points: vec![(bounds.x + SMALL, cy), (if join { b.x } else { task.x }, cy)],
                    label: None,
                    ext: String::new(),
                });
            }
            let nexts = next_of(i);
            let split = nexts.len() >= 2;
            // A step whose only ways out are messages ends its part of the flow by sending them.
            let message_end = nexts.is_empty() && !nexts_of(i, true).is_empty();
            if split || message_end {
                task.w -= SLOT;
            }
            let kind = match step.calls.as_ref() {
                Some(c) => Kind::Call(ncname("Process", &[&c.value])),
                None => Kind::Task,
            };
            let mut t = node(step_id.clone(), kind, task, b.sub_lane);
            t.name = Some(
                step.title
                    .as_ref()
                    .map_or_else(|| step.id.value.to_string(), |t| t.value.clone()),
            );
            t.documentation = step.description.clone().filter(|d| !d.trim().is_empty());
            let items = |list: &[crate::model::Ref]| {
                let mut ids: Vec<String> = Vec::new();
                for r in list {
                    let id = ncname("Data", &[&r.value]);
                    if !ids.contains(&id) {
                        ids.push(id);
                    }
                }
                ids
            };
            t.ext = step_ext(step);
            t.needs = items(&step.needs);
            t.gives = items(&step.gives);
            nodes.push(t);
            let mut exit = step_id.clone();
            let mut exit_point = None;
            if message_end {
                let bounds = small(b.x + b.w - SMALL);
                let id = format!("MessageEnd_{key}");
                let mut e = node(id.clone(), Kind::MessageEnd, bounds, b.sub_lane);
                e.name = Some(words.message_sent.to_owned());
                e.label = Some(below(&bounds));
                nodes.push(e);
                flows.push(Flow {
                    id: format!("Flow_{key}_message_end"),
                    source: step_id.clone(),
                    target: id,
                    name: None,
                    condition: None,
                    points: vec![(task.x + task.w, cy), (bounds.x, cy)],
                    label: None,
                    ext: String::new(),
                });
            }
            if split {
                let gw = small(b.x + b.w - SMALL);
                let gw_id = format!("Split_{key}");
                let parallel = step.parallel.is_some();
                let mut g = node(
                    gw_id.clone(),
                    if parallel { Kind::Parallel } else { Kind::Exclusive },
                    gw,
                    b.sub_lane,
                );
                if !parallel {
                    g.name = Some(words.decision.to_owned());
                }
                nodes.push(g);
                flows.push(Flow {
                    id: format!("Flow_{key}_split"),
                    source: step_id.clone(),
                    target: gw_id.clone(),
                    name: None,
                    condition: None,
                    points: vec![(task.x + task.w, cy), (gw.x, cy)],
                    label: None,
                    ext: String::new(),
                });
                exit = gw_id;
                exit_point = Some((gw.x + SMALL, cy));
            }
            let mut failure = None;
            if step.fail_point.is_some() && recovery_of(i).is_some() {
                let bounds = Rect {
                    x: task.x + task.w - SMALL - 8.0,
                    y: b.y + b.h - SMALL / 2.0,
                    w: SMALL,
                    h: SMALL,
                };
                let id = format!("Failure_{key}");
                let mut f = node(id.clone(), Kind::Boundary(step_id.clone()), bounds, b.sub_lane);
                f.name = Some(words.lanes.on_failure.to_owned());
                f.label = Some(Rect {
                    x: bounds.x + SMALL + 2.0,
                    y: bounds.y + SMALL - 6.0,
                    w: LABEL_W,
                    h: 14.0,
                });
                nodes.push(f);
                failure = Some((id, (bounds.x + SMALL / 2.0, bounds.y + SMALL)));
            }
            places.push(StepPlace {
                entry,
                exit,
                entry_point,
                exit_point,
                task_left: task.x,
                task_right: task.x + task.w,
                cy,
                failure,
                parallel: step.parallel.is_some(),
            });
        }

        // Sequence flows: one per `next` entry and per recovery, on the swimlane's routes.
        for (i, step) in uc.steps.iter().enumerate() {
            let key = &step_key[i];
            let nexts = next_of(i);
            let split = nexts.len() >= 2;
            for &(k, j) in &nexts {
                let entry = &step.next[k];
                let id = format!("Flow_{key}_{k}");
                let when = entry.when.as_ref().map(|w| w.value.clone());
                let route = routed.get(&(i, EdgeKind::Next(k))).copied();
                let mut points = points_of(route, boxes[i], boxes[j]);
                if let Some(p) = places[i].exit_point {
                    retarget_start(&mut points, p);
                }
                end_at(&mut points, &places[j]);
                let exclusive = split && !places[i].parallel;
                if exclusive && entry.default && entry.when.is_none() {
                    let gw = nodes
                        .iter_mut()
                        .find(|n| n.id == places[i].exit)
                        .expect("the split gateway exists");
                    if gw.default.is_none() {
                        gw.default = Some(id.clone());
                    }
                }
                flows.push(Flow {
                    id,
                    source: places[i].exit.clone(),
                    target: places[j].entry.clone(),
                    condition: when.clone().filter(|_| exclusive),
                    name: when,
                    points,
                    label: route.and_then(|r| r.label.as_ref()).map(|l| l.rect()),
                    ext: carries_ext(&entry.carries),
                });
            }
            // Messages: message flows from the step's task to the target's, not control flow.
            for (k, j) in nexts_of(i, true) {
                let route = routed.get(&(i, EdgeKind::Message(k))).copied();
                let mut points = points_of(route, boxes[i], boxes[j]);
                retarget_start(&mut points, (places[i].task_right, places[i].cy));
                retarget_end(&mut points, (places[j].task_left, places[j].cy));
                messages.push(Flow {
                    id: format!("Message_{key}_{k}"),
                    source: format!("Step_{key}"),
                    target: format!("Step_{}", step_key[j]),
                    name: step.next[k].when.as_ref().map(|w| w.value.clone()),
                    condition: None,
                    points,
                    label: route.and_then(|r| r.label.as_ref()).map(|l| l.rect()),
                    ext: carries_ext(&step.next[k].carries),
                });
            }
            if let (Some((failure, from)), Some(j)) = (&places[i].failure, recovery_of(i)) {
                let route = routed.get(&(i, EdgeKind::Recovery)).copied();
                let mut points = points_of(route, boxes[i], boxes[j]);
                retarget_start(&mut points, *from);
                end_at(&mut points, &places[j]);
                flows.push(Flow {
                    id: format!("Flow_{key}_recovery"),
                    source: failure.clone(),
                    target: places[j].entry.clone(),
                    name: None,
                    condition: None,
                    points,
                    label: None,
                    ext: String::new(),
                });
            }
        }
        {
            let index: HashMap<String, usize> =
                nodes.iter().enumerate().map(|(k, n)| (n.id.clone(), k)).collect();
            for f in &flows {
                nodes[index[&f.source]].outgoing.push(f.id.clone());
                nodes[index[&f.target]].incoming.push(f.id.clone());
            }
        }

        // The pool and its lanes, from the swimlane's lanes and sub-lanes.
        let top = layout.lanes.first().map_or(layout.lanes_bottom, |l| l.y);
        let bottom = layout.legend_y - 24.0;
        // Data objects go in a row at the bottom of the pool (in its last lane, which grows):
        // bpmnlint warns about elements outside their pool.
        let row_y = bottom + 40.0;
        let has_data = uc
            .steps
            .iter()
            .any(|s| !s.needs.is_empty() || !s.gives.is_empty());
        let pool_bottom = if has_data {
            row_y + 50.0 + 27.0 + 12.0
        } else {
            bottom
        };
        let left = layout.content_x - 100.0;
        let right = layout.width - MARGIN;
        // Data objects in a row below the lanes, each under the first step that mentions it.
        let mut data: Vec<Data> = Vec::new();
        let mut data_x: HashMap<String, f64> = HashMap::new();
        let mut next_free = left;
        for (i, step) in uc.steps.iter().enumerate() {
            for r in step.needs.iter().chain(&step.gives) {
                let id = ncname("Data", &[&r.value]);
                if data_x.contains_key(&id) {
                    continue;
                }
                let want = boxes[i].x + boxes[i].w / 2.0 - SMALL / 2.0;
                let x = want.max(next_free);
                next_free = x + LABEL_W + 30.0;
                data_x.insert(id, x);
                data.push(Data {
                    part: 0,
                    suffix: String::new(),
                    item: r.value.to_string(),
                    name: cat
                        .item(&r.value)
                        .map_or_else(|| r.value.to_string(), |it| it.name.clone()),
                    bounds: Rect {
                        x,
                        y: row_y,
                        w: SMALL,
                        h: 50.0,
                    },
                });
            }
        }
        let right = data
            .iter()
            .map(|d| d.bounds.x + d.bounds.w / 2.0 + LABEL_W / 2.0 + 8.0)
            .fold(right, f64::max);
        let pool = Rect {
            x: left,
            y: top,
            w: right - left,
            h: pool_bottom - top,
        };
        let mut lanes = Vec::new();
        for (li, band) in layout.lanes.iter().enumerate() {
            let band_top = band.y;
            let band_bottom = layout.lanes.get(li + 1).map_or(pool_bottom, |l| l.y);
            let subs: Vec<usize> = (0..layout.sub_lanes.len())
                .filter(|&s| layout.sub_lanes[s].lane == band.lane)
                .collect();
            let mut children = Vec::new();
            for (k, &s) in subs.iter().enumerate() {
                let y0 = if k == 0 { band_top } else { layout.sub_lanes[s].y };
                let y1 = subs.get(k + 1).map_or(band_bottom, |&t| layout.sub_lanes[t].y);
                let actor = (0..n)
                    .find(|&i| boxes[i].sub_lane == s && !uc.steps[i].is_end())
                    .and_then(|i| uc.steps[i].actor.as_ref())
                    .map_or(CUSTOMER, |a| a.value.as_str());
                let (who, name) = if band.lane == Lane::Customer {
                    let persona = uc.persona.clone().filter(|p| !p.trim().is_empty());
                    (
                        CUSTOMER,
                        persona.unwrap_or_else(|| words.lanes.customer.to_owned()),
                    )
                } else if actor == CUSTOMER {
                    (CUSTOMER, words.lanes.customer.to_owned())
                } else {
                    let name = cat
                        .team(actor)
                        .map_or_else(|| actor.to_owned(), |t| t.name.clone());
                    (actor, name)
                };
                children.push(LaneOut {
                    id: ncname("Lane", &[band.lane.as_str(), who]),
                    name,
                    bounds: Rect {
                        x: left + 2.0 * HEADER,
                        y: y0,
                        w: pool.w - 2.0 * HEADER,
                        h: y1 - y0,
                    },
                    nodes: nodes
                        .iter()
                        .filter(|nd| nd.sub_lane == s)
                        .map(|nd| nd.id.clone())
                        .collect(),
                    children: Vec::new(),
                });
            }
            lanes.push(LaneOut {
                id: ncname("Lane", &[band.lane.as_str()]),
                name: words.lane(band.lane).to_owned(),
                bounds: Rect {
                    x: left + HEADER,
                    y: band_top,
                    w: pool.w - HEADER,
                    h: band_bottom - band_top,
                },
                nodes: nodes
                    .iter()
                    .filter(|nd| subs.contains(&nd.sub_lane))
                    .map(|nd| nd.id.clone())
                    .collect(),
                children,
            });
        }

        let mut associations = Vec::new();
        for nd in &nodes {
            let m = nd.needs.len() + nd.gives.len();
            let b = nd.bounds;
            for (k, (data_id, input)) in nd
                .needs
                .iter()
                .map(|d| (d, true))
                .chain(nd.gives.iter().map(|d| (d, false)))
                .enumerate()
            {
                let offset = (k as f64 - (m as f64 - 1.0) / 2.0) * 8.0;
                let tx = (b.x + b.w / 2.0 + offset).clamp(b.x + 4.0, b.x + b.w - 4.0);
                let dx = data_x[data_id] + SMALL / 2.0;
                let run = bottom + 20.0;
                let mut points = vec![(tx, b.y + b.h), (tx, run), (dx, run), (dx, row_y)];
                let item = &data_id["Data_".len()..];
                let step = &nd.id["Step_".len()..];
                let id = if input {
                    points.reverse();
                    format!("DataIn_{step}_{item}")
                } else {
                    format!("DataOut_{step}_{item}")
                };
                associations.push(Association { id, points, part: 0 });
            }
        }

        let mut plan = Plan {
            uc_key,
            title: uc.title.clone(),
            part_of: vec![0; nodes.len()],
            nodes,
            flows,
            messages,
            pools: vec![(lanes.clone(), pool)],
            lanes,
            pool,
            data,
            associations,
            links: Vec::new(),
        };
        plan.split_into_pools();
        plan
    }

    /// A pool per part of the flow: the nodes that sequence flows connect (a step only messages
    /// reach starts its own part) are one process, in a pool of their own, stacked below the
    /// first; messages between parts are message flows between pools, and a message within a
    /// part (BPMN has no construct for it) an association marked `casebook:message`.
    fn split_into_pools(&mut self) {
        let n = self.nodes.len();
        let index: HashMap<String, usize> = self
            .nodes
            .iter()
            .enumerate()
            .map(|(k, nd)| (nd.id.clone(), k))
            .collect();
        // Union-find over sequence flows and boundary events.
        let mut parent: Vec<usize> = (0..n).collect();
        fn root(parent: &mut [usize], mut a: usize) -> usize {
            while parent[a] != a {
                parent[a] = parent[parent[a]];
                a = parent[a];
            }
            a
        }
        let mut join = |a: usize, b: usize| {
            let (ra, rb) = (root(&mut parent, a), root(&mut parent, b));
            if ra != rb {
                parent[ra.max(rb)] = ra.min(rb);
            }
        };
        for f in &self.flows {
            join(index[f.source.as_str()], index[f.target.as_str()]);
        }
        for (k, nd) in self.nodes.iter().enumerate() {
            if let Kind::Boundary(on) = &nd.kind {
                join(k, index[on.as_str()]);
            }
        }
        // Parts numbered in node order, the start's first.
        let roots: Vec<usize> = (0..n).map(|k| root(&mut parent, k)).collect();
        let mut order: Vec<usize> = Vec::new();
        if let Some(&s) = index.get("Start") {
            order.push(roots[s]);
        }
        for &r in &roots {
            if !order.contains(&r) {
                order.push(r);
            }
        }
        if order.len() <= 1 {
            return;
        }
        let part_of: Vec<usize> = roots
            .iter()
            .map(|r| order.iter().position(|o| o == r).expect("a part"))
            .collect();
        let suffix = |p: usize| {
            if p == 0 {
                String::new()
            } else {
                format!("_{}", p + 1)
            }
        };
        let gap = 30.0;
        let offset = |p: usize| p as f64 * (self.pool.h + gap);
        let shift = |points: &mut Vec<Point>, dy: f64| {
            for pt in points.iter_mut() {
                pt.1 += dy;
            }
        };
        let shift_rect = |r: &mut Rect, dy: f64| r.y += dy;
        for (k, nd) in self.nodes.iter_mut().enumerate() {
            let dy = offset(part_of[k]);
            shift_rect(&mut nd.bounds, dy);
            if let Some(l) = &mut nd.label {
                shift_rect(l, dy);
            }
            if part_of[k] > 0 {
                for d in nd.needs.iter_mut().chain(nd.gives.iter_mut()) {
                    d.push_str(&suffix(part_of[k]));
                }
            }
        }
        for f in &mut self.flows {
            let dy = offset(part_of[index[f.source.as_str()]]);
            shift(&mut f.points, dy);
            if let Some(l) = &mut f.label {
                shift_rect(l, dy);
            }
        }
        // Messages: between parts, message flows between the pools; within one, links.
        let mut messages = Vec::new();
        for mut m in std::mem::take(&mut self.messages) {
            let (s, t) = (index[m.source.as_str()], index[m.target.as_str()]);
            if part_of[s] == part_of[t] {
                shift(&mut m.points, offset(part_of[s]));
                if let Some(l) = &mut m.label {
                    shift_rect(l, offset(part_of[s]));
                }
                self.links.push(m);
                continue;
            }
            let (a, b) = (self.nodes[s].bounds, self.nodes[t].bounds);
            let (sx, tx) = (a.x + a.w / 2.0, b.x + b.w / 2.0);
            let (sy, ty) = if a.y < b.y {
                (a.y + a.h, b.y)
            } else {
                (a.y, b.y + b.h)
            };
            let mid = (sy + ty) / 2.0;
            m.points = vec![(sx, sy), (sx, mid), (tx, mid), (tx, ty)];
            m.label = m.label.map(|l| Rect {
                x: sx + 4.0,
                y: mid + 2.0,
                ..l
            });
            messages.push(m);
        }
        self.messages = messages;
        // Lanes, data objects and associations per part.
        fn lanes_for(lanes: &[LaneOut], keep: &dyn Fn(&str) -> bool, suffix: &str, dy: f64) -> Vec<LaneOut> {
            lanes
                .iter()
                .map(|l| LaneOut {
                    id: format!("{}{suffix}", l.id),
                    name: l.name.clone(),
                    bounds: Rect {
                        y: l.bounds.y + dy,
                        ..l.bounds
                    },
                    nodes: l.nodes.iter().filter(|id| keep(id)).cloned().collect(),
                    children: lanes_for(&l.children, keep, suffix, dy),
                })
                .collect()
        }
        let parts = order.len();
        self.pools = (0..parts)
            .map(|p| {
                let keep = |id: &str| part_of[index[id]] == p;
                let lanes = lanes_for(&self.lanes, &keep, &suffix(p), offset(p));
                (
                    lanes,
                    Rect {
                        y: self.pool.y + offset(p),
                        ..self.pool
                    },
                )
            })
            .collect();
        let mut data = Vec::new();
        for p in 0..parts {
            let used = |d: &Data| {
                let id = ncname("Data", &[&d.item]) + &suffix(p);
                self.nodes
                    .iter()
                    .enumerate()
                    .any(|(k, nd)| part_of[k] == p && (nd.needs.contains(&id) || nd.gives.contains(&id)))
            };
            for d in self.data.iter().filter(|d| used(d)) {
                data.push(Data {
                    part: p,
                    suffix: suffix(p),
                    bounds: Rect {
                        y: d.bounds.y + offset(p),
                        ..d.bounds
                    },
                    ..d.clone()
                });
            }
        }
        self.data = data;
        for a in &mut self.associations {
            let step = a.id.split('_').nth(1).unwrap_or_default();
            let p = index.get(&format!("Step_{step}")).map_or(0, |&k| part_of[k]);
            a.part = p;
            shift(&mut a.points, offset(p));
        }
        self.part_of = part_of;
    }

    /// The XML text.
    fn write(&self, uc: &UseCase, defs: &str) -> String {
        let k = &self.uc_key;
        let mut x = String::with_capacity(4096 + 1024 * self.nodes.len());
        x.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
        let _ = writeln!(
            x,
            "<bpmn:definitions xmlns:bpmn=\"http://www.omg.org/spec/BPMN/20100524/MODEL\" \
             xmlns:bpmndi=\"http://www.omg.org/spec/BPMN/20100524/DI\" \
             xmlns:dc=\"http://www.omg.org/spec/DD/20100524/DC\" \
             xmlns:di=\"http://www.omg.org/spec/DD/20100524/DI\" \
             xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" \
             xmlns:casebook=\"{}\" \
             id=\"Definitions_{k}\" targetNamespace=\"urn:casebook:use-case:{k}\" \
             exporter=\"casebook\" exporterVersion=\"{}\">",
            super::NS,
            env!("CARGO_PKG_VERSION")
        );
        let suffix = |p: usize| {
            if p == 0 {
                String::new()
            } else {
                format!("_{}", p + 1)
            }
        };
        let _ = writeln!(x, "  <bpmn:collaboration id=\"Collaboration_{k}\">");
        for p in 0..self.pools.len() {
            let sfx = suffix(p);
            let _ = writeln!(
                x,
                "    <bpmn:participant id=\"Participant_{k}{sfx}\" name=\"{}\" processRef=\"Process_{k}{sfx}\" />",
                attr(&self.title)
            );
        }
        for m in &self.messages {
            let name = name_attr(m.name.as_deref());
            let _ = writeln!(
                x,
                "    <bpmn:messageFlow id=\"{}\"{name} sourceRef=\"{}\" targetRef=\"{}\"{} />",
                m.id, m.source, m.target, m.ext
            );
        }
        x.push_str("  </bpmn:collaboration>\n");
        let index: HashMap<&str, usize> = self
            .nodes
            .iter()
            .enumerate()
            .map(|(i, nd)| (nd.id.as_str(), i))
            .collect();
        let part = |id: &str| self.part_of[index[id]];
        for (p, (lanes, _)) in self.pools.iter().enumerate() {
            let sfx = suffix(p);
            let _ = writeln!(
                x,
                "  <bpmn:process id=\"Process_{k}{sfx}\" name=\"{}\" isExecutable=\"false\"{}>",
                attr(&self.title),
                if p == 0 { use_case_ext(uc) } else { String::new() }
            );
            if p == 0 {
                if let Some(d) = uc.description.as_ref().filter(|d| !d.trim().is_empty()) {
                    let _ = writeln!(x, "    <bpmn:documentation>{}</bpmn:documentation>", text(d));
                }
                if !defs.is_empty() {
                    let _ = write!(
                        x,
                        "    <bpmn:extensionElements>\n{defs}    </bpmn:extensionElements>\n"
                    );
                }
            }
            let _ = writeln!(x, "    <bpmn:laneSet id=\"LaneSet_{k}{sfx}\">");
            for lane in lanes {
                write_lane(&mut x, lane, 3);
            }
            x.push_str("    </bpmn:laneSet>\n");
            for (i, nd) in self.nodes.iter().enumerate() {
                if self.part_of[i] == p {
                    write_node(&mut x, nd);
                }
            }
            for f in self.flows.iter().filter(|f| part(&f.source) == p) {
                let name = name_attr(f.name.as_deref());
                let head = format!(
                    "    <bpmn:sequenceFlow id=\"{}\"{name} sourceRef=\"{}\" targetRef=\"{}\"{}",
                    f.id, f.source, f.target, f.ext
                );
                match &f.condition {
                    Some(c) => {
                        let _ = writeln!(
                            x,
                            "{head}>\n      <bpmn:conditionExpression xsi:type=\"bpmn:tFormalExpression\">{}</bpmn:conditionExpression>\n    </bpmn:sequenceFlow>",
                            text(c)
                        );
                    }
                    None => {
                        let _ = writeln!(x, "{head} />");
                    }
                }
            }
            for d in self.data.iter().filter(|d| d.part == p) {
                let item = ncname("", &[&d.item]) + &d.suffix;
                let _ = writeln!(
                    x,
                    "    <bpmn:dataObject id=\"DataObject{item}\" name=\"{}\" />",
                    attr(&d.name)
                );
                let _ = writeln!(
                    x,
                    "    <bpmn:dataObjectReference id=\"Data{item}\" name=\"{}\" dataObjectRef=\"DataObject{item}\" />",
                    attr(&d.name)
                );
            }
            // A message within one part: an association (BPMN allows message flows only
            // between pools), marked as casebook's message, its `when:` an attribute.
            for l in self.links.iter().filter(|l| part(&l.source) == p) {
                let mut ext = String::new();
                ext_attr(&mut ext, "message", "true");
                if let Some(w) = &l.name {
                    ext_attr(&mut ext, "when", w);
                }
                let _ = writeln!(
                    x,
                    "    <bpmn:association id=\"{}\" associationDirection=\"One\" sourceRef=\"{}\" targetRef=\"{}\"{ext}{} />",
                    l.id, l.source, l.target, l.ext
                );
            }
            x.push_str("  </bpmn:process>\n");
        }

        // The diagram.
        let _ = writeln!(x, "  <bpmndi:BPMNDiagram id=\"Diagram_{k}\">");
        let _ = writeln!(
            x,
            "    <bpmndi:BPMNPlane id=\"Plane_{k}\" bpmnElement=\"Collaboration_{k}\">"
        );
        for (p, (lanes, pool)) in self.pools.iter().enumerate() {
            shape(
                &mut x,
                &format!("Participant_{k}{}", suffix(p)),
                *pool,
                " isHorizontal=\"true\"",
                None,
            );
            for lane in lanes {
                shape(&mut x, &lane.id, lane.bounds, " isHorizontal=\"true\"", None);
                for child in &lane.children {
                    shape(&mut x, &child.id, child.bounds, " isHorizontal=\"true\"", None);
                }
            }
        }
        for nd in &self.nodes {
            let extra = if nd.kind == Kind::Exclusive {
                " isMarkerVisible=\"true\""
            } else {
                ""
            };
            shape(&mut x, &nd.id, nd.bounds, extra, nd.label);
        }
        for f in self.flows.iter().chain(&self.messages).chain(&self.links) {
            edge(&mut x, &f.id, &f.points, f.label);
        }
        for d in &self.data {
            let id = ncname("Data", &[&d.item]) + &d.suffix;
            let label = Rect {
                x: d.bounds.x + SMALL / 2.0 - LABEL_W / 2.0,
                y: d.bounds.y + d.bounds.h + 4.0,
                w: LABEL_W,
                h: 27.0,
            };
            shape(&mut x, &id, d.bounds, "", Some(label));
        }
        for a in &self.associations {
            edge(&mut x, &a.id, &a.points, None);
        }
        x.push_str("    </bpmndi:BPMNPlane>\n  </bpmndi:BPMNDiagram>\n</bpmn:definitions>\n");
        x
    }
}

/// The route of an edge, or a straight line from box to box when the swimlane left it out
/// (a diagram simplified above [`swimlane::MAX_EDGES`]).
fn points_of(route: Option<&RoutedEdge>, from: &swimlane::StepBox, to: &swimlane::StepBox) -> Vec<Point> {
    match route {
        Some(r) if r.points.len() >= 2 => r.points.clone(),
        _ => vec![
            (from.x + from.w, from.y + from.h / 2.0),
            (to.x, to.y + to.h / 2.0),
        ],
    }
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 0.01
}

/// Moves the first point of an orthogonal polyline to `p`, keeping it orthogonal where the
/// route leaves horizontally and then turns.
fn retarget_start(points: &mut Vec<Point>, p: Point) {
    let n = points.len();
    if n >= 3 && close(points[0].1, points[1].1) && close(points[1].0, points[2].0) {
        points[1].1 = p.1;
    } else if n == 2 && close(points[0].1, points[1].1) && !close(p.1, points[1].1) {
        let mid = (p.0 + points[1].0) / 2.0;
        let y = points[1].1;
        points.splice(1..1, [(mid, p.1), (mid, y)]);
    }
    points[0] = p;
}

/// Moves the last point of an orthogonal polyline to `p`, as [`retarget_start`] does.
fn retarget_end(points: &mut Vec<Point>, p: Point) {
    points.reverse();
    retarget_start(points, p);
    points.reverse();
}

/// Ends a flow where the step's entry is: its join gateway or end event, or the task's left
/// side (which a start event may have moved).
fn end_at(points: &mut Vec<Point>, place: &StepPlace) {
    match place.entry_point {
        Some(p) => retarget_end(points, p),
        None => {
            let n = points.len();
            if n >= 2 && close(points[n - 1].1, points[n - 2].1) && points[n - 2].0 <= place.task_left {
                points[n - 1].0 = place.task_left;
            }
        }
    }
}

/// Appends ` casebook:NAME="VALUE"`.
fn ext_attr(out: &mut String, name: &str, value: &str) {
    let _ = write!(out, " casebook:{name}=\"{}\"", attr(value));
}

/// Ids separated by spaces (an XML list).
fn id_list(list: &[Ref]) -> String {
    list.iter()
        .map(|r| r.value.as_str())
        .collect::<Vec<_>>()
        .join(" ")
}

/// A duration in its largest whole unit (`480` minutes: `1d`), as the format writes it.
fn duration_text(d: Duration) -> String {
    let m = d.minutes;
    for (unit, per) in [('w', 5 * 8 * 60), ('d', 8 * 60), ('h', 60)] {
        if m > 0 && m.is_multiple_of(per) {
            return format!("{}{unit}", m / per);
        }
    }
    format!("{m}m")
}

/// `casebook:allow` and `casebook:reason`.
fn allow_ext(out: &mut String, allow: &Allow) {
    if !allow.rules.is_empty() {
        ext_attr(out, "allow", &id_list(&allow.rules));
    }
    if let Some(r) = &allow.reason {
        ext_attr(out, "reason", r);
    }
}

/// The extension attributes of a step: what casebook has and BPMN lacks.
fn step_ext(step: &Step) -> String {
    let mut s = String::new();
    if let Some(c) = &step.channel {
        ext_attr(&mut s, "channel", &c.value);
    }
    if let Some(c) = &step.system {
        ext_attr(&mut s, "system", &c.value);
    }
    if let Some(d) = &step.duration {
        ext_attr(&mut s, "duration", &duration_text(d.value));
    }
    if let Some(sat) = &step.satisfaction {
        let scores: Vec<String> = [
            ("customer", sat.value.customer),
            ("staff", sat.value.staff),
            ("management", sat.value.management),
        ]
        .into_iter()
        .filter_map(|(who, v)| v.map(|v| format!("{who}:{v}")))
        .collect();
        ext_attr(&mut s, "satisfaction", &scores.join(" "));
    }
    if step.moment_of_truth.is_some() {
        ext_attr(&mut s, "momentOfTruth", "true");
    }
    if step.fail_point.is_some() {
        ext_attr(&mut s, "failPoint", "true");
    }
    if !step.carries.is_empty() {
        ext_attr(&mut s, "carries", &id_list(&step.carries));
    }
    allow_ext(&mut s, &step.allow);
    s
}

/// `casebook:carries` of a `next` entry.
fn carries_ext(carries: &[Ref]) -> String {
    let mut s = String::new();
    if !carries.is_empty() {
        ext_attr(&mut s, "carries", &id_list(carries));
    }
    s
}

/// The extension attributes of a use case, on its (first) process.
fn use_case_ext(uc: &UseCase) -> String {
    let mut s = String::new();
    if let Some(o) = &uc.owner {
        ext_attr(&mut s, "owner", &o.value);
    }
    if let Some(st) = uc.status {
        ext_attr(&mut s, "status", st.as_str());
    }
    if let Some(r) = &uc.reviewed {
        ext_attr(&mut s, "reviewed", &r.value.to_string());
    }
    if let Some(m) = uc.review_every_months {
        ext_attr(&mut s, "reviewEveryMonths", &m.to_string());
    }
    if let Some(o) = uc.outcome.as_ref().filter(|o| !o.trim().is_empty()) {
        ext_attr(&mut s, "outcome", o);
    }
    if !uc.inputs.is_empty() {
        ext_attr(&mut s, "inputs", &id_list(&uc.inputs));
    }
    if !uc.tags.is_empty() {
        // Tags are free text: one per line.
        ext_attr(&mut s, "tags", &uc.tags.join("\n"));
    }
    allow_ext(&mut s, &uc.allow);
    s
}

/// The catalogue's definitions that the use case names (teams, channels, systems, items), as
/// extension elements of its process: an import into a catalogue that lacks them makes them.
fn definitions(cat: &Catalogue, uc: &UseCase) -> String {
    let mut teams: Vec<&str> = Vec::new();
    let mut channels: Vec<&str> = Vec::new();
    let mut systems: Vec<&str> = Vec::new();
    let mut items: Vec<&str> = Vec::new();
    fn push<'a>(list: &mut Vec<&'a str>, id: &'a str) {
        if !list.contains(&id) {
            list.push(id);
        }
    }
    if let Some(o) = &uc.owner {
        push(&mut teams, &o.value);
    }
    for r in &uc.inputs {
        push(&mut items, &r.value);
    }
    for st in &uc.steps {
        if let Some(a) = &st.actor {
            push(&mut teams, &a.value);
        }
        if let Some(c) = &st.channel {
            push(&mut channels, &c.value);
        }
        if let Some(c) = &st.system {
            push(&mut systems, &c.value);
        }
        for r in st
            .needs
            .iter()
            .chain(&st.gives)
            .chain(&st.carries)
            .chain(st.next.iter().flat_map(|n| &n.carries))
        {
            push(&mut items, &r.value);
        }
    }
    for i in &items {
        if let Some(s) = cat.item(i).and_then(|it| it.stored_in.as_ref()) {
            push(&mut systems, &s.value);
        }
    }
    let mut x = String::new();
    for t in &teams {
        let Some(team) = cat.team(t) else { continue };
        let Some(d) = cat.departments.get(team.department) else {
            continue;
        };
        let _ = write!(
            x,
            "      <casebook:team id=\"{}\" name=\"{}\" lane=\"{}\" department=\"{}\" departmentName=\"{}\"",
            attr(t),
            attr(&team.name),
            team.lane.as_str(),
            attr(&d.id.value),
            attr(&d.name)
        );
        if team.automated {
            x.push_str(" automated=\"true\"");
        }
        x.push_str(" />\n");
    }
    for c in &channels {
        let Some(ch) = cat.channel(c) else { continue };
        let _ = writeln!(
            x,
            "      <casebook:channel id=\"{}\" name=\"{}\" kind=\"{}\" synchronous=\"{}\" />",
            attr(c),
            attr(&ch.name),
            attr(&ch.kind),
            ch.synchronous
        );
    }
    for s in &systems {
        let Some(sy) = cat.system(s) else { continue };
        // Access for the teams of this use case: what its findings depend on.
        let access: Vec<&str> = sy
            .access
            .iter()
            .map(|r| r.value.as_str())
            .filter(|t| teams.contains(t))
            .collect();
        let _ = writeln!(
            x,
            "      <casebook:system id=\"{}\" name=\"{}\" access=\"{}\" />",
            attr(s),
            attr(&sy.name),
            attr(&access.join(" "))
        );
    }
    for i in &items {
        let Some(it) = cat.item(i) else { continue };
        let _ = write!(
            x,
            "      <casebook:item id=\"{}\" name=\"{}\"",
            attr(i),
            attr(&it.name)
        );
        if let Some(s) = &it.stored_in {
            let _ = write!(x, " storedIn=\"{}\"", attr(&s.value));
        }
        x.push_str(" />\n");
    }
    x
}

fn attr(s: &str) -> String {
    xml_escape(s, true)
}

/// ` name="..."` when there is a name, else nothing.
fn name_attr(name: Option<&str>) -> String {
    name.map(|n| format!(" name=\"{}\"", attr(n))).unwrap_or_default()
}

fn text(s: &str) -> String {
    xml_escape(s, false)
}

fn num(v: f64) -> String {
    let r = (v * 10.0).round() / 10.0;
    if r == 0.0 { "0".to_owned() } else { format!("{r}") }
}

fn write_lane(x: &mut String, lane: &LaneOut, depth: usize) {
    let pad = "  ".repeat(depth);
    let _ = writeln!(
        x,
        "{pad}<bpmn:lane id=\"{}\" name=\"{}\">",
        lane.id,
        attr(&lane.name)
    );
    for n in &lane.nodes {
        let _ = writeln!(x, "{pad}  <bpmn:flowNodeRef>{n}</bpmn:flowNodeRef>");
    }
    if !lane.children.is_empty() {
        let _ = writeln!(
            x,
            "{pad}  <bpmn:childLaneSet id=\"LaneSet_{}\">",
            &lane.id["Lane_".len()..]
        );
        for c in &lane.children {
            write_lane(x, c, depth + 2);
        }
        let _ = writeln!(x, "{pad}  </bpmn:childLaneSet>");
    }
    let _ = writeln!(x, "{pad}</bpmn:lane>");
}

fn write_node(x: &mut String, nd: &Node) {
    let (tag, mut attrs) = match &nd.kind {
        Kind::Start | Kind::MessageStart => ("startEvent", String::new()),
        Kind::End | Kind::MessageEnd => ("endEvent", String::new()),
        Kind::Task => ("task", String::new()),
        Kind::Call(p) => ("callActivity", format!(" calledElement=\"{p}\"")),
        Kind::Exclusive => ("exclusiveGateway", String::new()),
        Kind::Parallel => ("parallelGateway", String::new()),
        Kind::Boundary(on) => ("boundaryEvent", format!(" attachedToRef=\"{on}\"")),
    };
    if let Some(d) = &nd.default {
        let _ = write!(attrs, " default=\"{d}\"");
    }
    let name = name_attr(nd.name.as_deref());
    let _ = writeln!(x, "    <bpmn:{tag} id=\"{}\"{name}{attrs}{}>", nd.id, nd.ext);
    if let Some(d) = &nd.documentation {
        let _ = writeln!(x, "      <bpmn:documentation>{}</bpmn:documentation>", text(d));
    }
    for f in &nd.incoming {
        let _ = writeln!(x, "      <bpmn:incoming>{f}</bpmn:incoming>");
    }
    for f in &nd.outgoing {
        let _ = writeln!(x, "      <bpmn:outgoing>{f}</bpmn:outgoing>");
    }
    if !nd.needs.is_empty() {
        let step = &nd.id["Step_".len()..];
        let _ = writeln!(
            x,
            "      <bpmn:property id=\"Property_{step}\" name=\"__targetRef_placeholder\" />"
        );
        for d in &nd.needs {
            // The item's key, without the suffix of a pool after the first (`_2`).
            let item = d["Data_".len()..].split('_').next().unwrap_or_default();
            let _ = writeln!(
                x,
                "      <bpmn:dataInputAssociation id=\"DataIn_{step}_{item}\">\n        <bpmn:sourceRef>{d}</bpmn:sourceRef>\n        <bpmn:targetRef>Property_{step}</bpmn:targetRef>\n      </bpmn:dataInputAssociation>"
            );
        }
    }
    for d in &nd.gives {
        let step = &nd.id["Step_".len()..];
        let item = d["Data_".len()..].split('_').next().unwrap_or_default();
        let _ = writeln!(
            x,
            "      <bpmn:dataOutputAssociation id=\"DataOut_{step}_{item}\">\n        <bpmn:targetRef>{d}</bpmn:targetRef>\n      </bpmn:dataOutputAssociation>"
        );
    }
    if matches!(nd.kind, Kind::MessageStart | Kind::MessageEnd) {
        let _ = writeln!(
            x,
            "      <bpmn:messageEventDefinition id=\"{}_message\" />",
            nd.id
        );
    }
    if let Kind::Boundary(_) = nd.kind {
        let _ = writeln!(x, "      <bpmn:errorEventDefinition id=\"{}_error\" />", nd.id);
    }
    let _ = writeln!(x, "    </bpmn:{tag}>");
}

fn bounds(x: &mut String, r: Rect, indent: &str) {
    let _ = writeln!(
        x,
        "{indent}<dc:Bounds x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" />",
        num(r.x),
        num(r.y),
        num(r.w),
        num(r.h)
    );
}

fn shape(x: &mut String, id: &str, r: Rect, extra: &str, label: Option<Rect>) {
    let _ = writeln!(
        x,
        "      <bpmndi:BPMNShape id=\"{id}_di\" bpmnElement=\"{id}\"{extra}>"
    );
    bounds(x, r, "        ");
    if let Some(l) = label {
        x.push_str("        <bpmndi:BPMNLabel>\n");
        bounds(x, l, "          ");
        x.push_str("        </bpmndi:BPMNLabel>\n");
    }
    x.push_str("      </bpmndi:BPMNShape>\n");
}

fn edge(x: &mut String, id: &str, points: &[Point], label: Option<Rect>) {
    let _ = writeln!(x, "      <bpmndi:BPMNEdge id=\"{id}_di\" bpmnElement=\"{id}\">");
    for p in points {
        let _ = writeln!(x, "        <di:waypoint x=\"{}\" y=\"{}\" />", num(p.0), num(p.1));
    }
    if let Some(l) = label {
        x.push_str("        <bpmndi:BPMNLabel>\n");
        bounds(x, l, "          ");
        x.push_str("        </bpmndi:BPMNLabel>\n");
    }
    x.push_str("      </bpmndi:BPMNEdge>\n");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_ncnames_and_parts_never_run_together() {
        assert_eq!(ncname("Step", &["call-back"]), "Step_call-back");
        assert_eq!(ncname("Flow", &["a", "0"]), "Flow_a_0");
        // Only a use case with format errors has such ids; they still make NCNames, and
        // different ids different names.
        assert_eq!(ncname("Step", &["a_b"]), "Step_a.5Fb");
        assert_eq!(ncname("Step", &["a b<é"]), "Step_a.20b.3C.C3.A9");
        assert_ne!(ncname("Step", &["a_b"]), ncname("Step", &["a", "b"]));
    }

    #[test]
    fn moving_the_ends_of_a_route_keeps_it_orthogonal() {
        let orthogonal = |p: &[Point]| {
            p.windows(2)
                .all(|w| close(w[0].0, w[1].0) || close(w[0].1, w[1].1))
        };
        // Right, down, right: the first horizontal run moves to the new height.
        let mut route = vec![(100.0, 50.0), (130.0, 50.0), (130.0, 200.0), (180.0, 200.0)];
        retarget_start(&mut route, (110.0, 60.0));
        assert_eq!(
            route,
            [(110.0, 60.0), (130.0, 60.0), (130.0, 200.0), (180.0, 200.0)]
        );
        retarget_end(&mut route, (180.0, 210.0));
        assert_eq!(
            route,
            [(110.0, 60.0), (130.0, 60.0), (130.0, 210.0), (180.0, 210.0)]
        );
        // A straight run gets a step in the middle.
        let mut straight = vec![(0.0, 10.0), (100.0, 10.0)];
        retarget_start(&mut straight, (20.0, 30.0));
        assert!(orthogonal(&straight), "{straight:?}");
        assert_eq!(
            (straight[0], straight[straight.len() - 1]),
            ((20.0, 30.0), (100.0, 10.0))
        );
    }

    #[test]
    fn durations_are_written_in_their_largest_whole_unit() {
        let d = |minutes| duration_text(Duration { minutes });
        assert_eq!(d(30), "30m");
        assert_eq!(d(120), "2h");
        assert_eq!(d(480), "1d");
        assert_eq!(d(2400), "1w");
        assert_eq!(d(90), "90m");
        assert_eq!(d(0), "0m");
    }

    #[test]
    fn numbers_have_at_most_one_decimal_and_no_negative_zero() {
        assert_eq!(num(190.0), "190");
        assert_eq!(num(12.345), "12.3");
        assert_eq!(num(-0.01), "0");
    }
}
