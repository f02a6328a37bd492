//! Writes synthetic BPMN 2.0 files of typical size for the import benchmark
//! (benches/README.md, "Import of BPMN"):
//!
//! ```sh
//! cargo run --release --example gen-bpmn -- --files 700 --out /tmp/bpmn-700
//! casebook import bpmn /tmp/bpmn-700/*.bpmn --into /tmp/imported
//! ```
//!
//! Each file is a collaboration of one to three pools (the first one the customer's half the
//! time, a black box one time in five), one to four lanes per pool, and 15 to 60 flow nodes:
//! tasks in sequence, exclusive choices with named branches that join again, parallel splits
//! and joins, message flows between pools, error boundary events, data objects and stores;
//! the size of the models drawn in practice (the MIWG reference models hold 5 to 40 nodes).
//! The same arguments write the same bytes (a fixed pseudo-random sequence, no dependency).

use std::fmt::Write as _;
use std::path::PathBuf;

/// A small linear congruential generator: enough variety, the same bytes every run.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self, n: usize) -> usize {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        ((self.0 >> 33) % n as u64) as usize
    }
}

const VERBS: &[&str] = &[
    "Check", "Record", "Review", "Approve", "Send", "Prepare", "Confirm", "Plan", "Assess", "Archive",
];
const THINGS: &[&str] = &[
    "the request",
    "the invoice",
    "the order",
    "the claim",
    "the contract",
    "the schedule",
    "the report",
    "the payment",
];
const POOLS: &[&str] = &[
    "Sales",
    "Finance",
    "Logistics",
    "Support",
    "Operations",
    "Legal",
    "Procurement",
];
const LANES: &[&str] = &[
    "Front desk",
    "Back office",
    "Specialists",
    "Managers",
    "Accounting",
    "Dispatch",
];

struct Model {
    text: String,
    nodes: usize,
    flows: usize,
}

impl Model {
    fn node(&mut self, tag: &str, name: &str, body: &str) -> String {
        self.node_with(tag, "", name, body)
    }

    fn node_with(&mut self, tag: &str, attributes: &str, name: &str, body: &str) -> String {
        self.nodes += 1;
        let id = format!("n{}", self.nodes);
        let _ = writeln!(
            self.text,
            "    <{tag} id=\"{id}\"{attributes} name=\"{name}\">{body}</{tag}>"
        );
        id
    }

    fn flow(&mut self, from: &str, to: &str, name: Option<&str>) {
        self.flows += 1;
        let name = name.map(|n| format!(" name=\"{n}\"")).unwrap_or_default();
        let _ = writeln!(
            self.text,
            "    <sequenceFlow id=\"f{}\" sourceRef=\"{from}\" targetRef=\"{to}\"{name}/>",
            self.flows
        );
    }
}

/// One file's text.
fn file(seed: u64) -> String {
    let mut rng = Lcg(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1);
    let pools = 1 + rng.next(3);
    let customer = rng.next(2) == 0;
    let mut m = Model {
        text: String::new(),
        nodes: 0,
        flows: 0,
    };
    let mut participants = String::new();
    let mut messages = String::new();
    let mut processes = String::new();
    let mut senders: Vec<Vec<String>> = Vec::new();
    for p in 0..pools {
        let name = if p == 0 && customer {
            "Customer".to_owned()
        } else {
            POOLS[rng.next(POOLS.len())].to_owned()
        };
        if p > 0 && rng.next(5) == 0 {
            let _ = writeln!(
                participants,
                "    <participant id=\"p{p}\" name=\"{name} partner\"/>"
            );
            senders.push(Vec::new());
            continue;
        }
        let _ = writeln!(
            participants,
            "    <participant id=\"p{p}\" name=\"{name}\" processRef=\"proc{p}\"/>"
        );
        m.text.clear();
        let lanes = 1 + rng.next(4);
        let target = 15 / pools + rng.next(45 / pools);
        let mut lane_of: Vec<(String, usize)> = Vec::new();
        let start = m.node("startEvent", "Start", "");
        lane_of.push((start.clone(), 0));
        let mut last = start;
        let mut tasks = Vec::new();
        let mut data_used = false;
        let task = |m: &mut Model, rng: &mut Lcg| {
            let name = format!(
                "{} {}",
                VERBS[rng.next(VERBS.len())],
                THINGS[rng.next(THINGS.len())]
            );
            m.node("task", &name, "")
        };
        while m.nodes < target + lane_of.len() / 8 && tasks.len() < target {
            match rng.next(6) {
                0 => {
                    // A choice with two or three named branches that join again.
                    let split = m.node("exclusiveGateway", "Which case?", "");
                    let join = m.node("exclusiveGateway", "", "");
                    m.flow(&last, &split, None);
                    for b in 0..2 + rng.next(2) {
                        let t = task(&mut m, &mut rng);
                        lane_of.push((t.clone(), rng.next(lanes)));
                        m.flow(&split, &t, Some(&format!("case {b}")));
                        m.flow(&t, &join, None);
                        tasks.push(t);
                    }
                    lane_of.push((split, 0));
                    lane_of.push((join.clone(), 0));
                    last = join;
                }
                1 => {
                    let split = m.node("parallelGateway", "", "");
                    let join = m.node("parallelGateway", "", "");
                    m.flow(&last, &split, None);
                    for _ in 0..2 {
                        let t = task(&mut m, &mut rng);
                        lane_of.push((t.clone(), rng.next(lanes)));
                        m.flow(&split, &t, None);
                        m.flow(&t, &join, None);
                        tasks.push(t);
                    }
                    lane_of.push((split, 0));
                    lane_of.push((join.clone(), 0));
                    last = join;
                }
                2 if tasks.len() > 1 => {
                    // A task that writes the pool's case file, or reads it once written.
                    let (kind, end) = if data_used {
                        ("dataInputAssociation", "sourceRef")
                    } else {
                        ("dataOutputAssociation", "targetRef")
                    };
                    data_used = true;
                    let body = format!("<{kind} id=\"a{}\"><{end}>d{p}</{end}></{kind}>", m.nodes);
                    let name = format!(
                        "{} {}",
                        VERBS[rng.next(VERBS.len())],
                        THINGS[rng.next(THINGS.len())]
                    );
                    let t = m.node("task", &name, &body);
                    lane_of.push((t.clone(), rng.next(lanes)));
                    m.flow(&last, &t, None);
                    tasks.push(t.clone());
                    last = t;
                }
                _ => {
                    let t = task(&mut m, &mut rng);
                    lane_of.push((t.clone(), rng.next(lanes)));
                    m.flow(&last, &t, None);
                    tasks.push(t.clone());
                    last = t;
                }
            }
        }
        let end = m.node("endEvent", "Done", "");
        lane_of.push((end.clone(), rng.next(lanes)));
        m.flow(&last, &end, None);
        if let Some(t) = tasks.get(rng.next(tasks.len().max(1))).cloned()
            && rng.next(3) == 0
        {
            let attached = format!(" attachedToRef=\"{t}\"");
            let b = m.node_with("boundaryEvent", &attached, "It fails", "<errorEventDefinition/>");
            let fix = task(&mut m, &mut rng);
            m.flow(&b, &fix, None);
            m.flow(&fix, &end, None);
            lane_of.push((fix, 0));
        }
        if data_used {
            let _ = writeln!(
                m.text,
                "    <dataObjectReference id=\"d{p}\" name=\"Case file\"/>"
            );
        }
        let mut lane_xml = format!("    <laneSet id=\"ls{p}\">\n");
        for l in 0..lanes {
            let _ = writeln!(
                lane_xml,
                "      <lane id=\"p{p}l{l}\" name=\"{}\">",
                LANES[(l + p) % LANES.len()]
            );
            for (node, lane) in &lane_of {
                if *lane == l {
                    let _ = writeln!(lane_xml, "        <flowNodeRef>{node}</flowNodeRef>");
                }
            }
            lane_xml.push_str("      </lane>\n");
        }
        lane_xml.push_str("    </laneSet>\n");
        let _ = write!(
            processes,
            "  <process id=\"proc{p}\" name=\"{name} process\">\n{lane_xml}{}  </process>\n",
            m.text
        );
        senders.push(tasks);
    }
    // Message flows from a task of one pool to a task of the next (or to a black box).
    for p in 1..senders.len() {
        let (from, to) = (&senders[p - 1], &senders[p]);
        let (Some(a), b) = (
            from.get(rng.next(from.len().max(1))),
            to.get(rng.next(to.len().max(1))),
        ) else {
            continue;
        };
        let target = b.cloned().unwrap_or_else(|| format!("p{p}"));
        let _ = writeln!(
            messages,
            "    <messageFlow id=\"mf{p}\" name=\"Message {p}\" sourceRef=\"{a}\" targetRef=\"{target}\"/>"
        );
    }
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<definitions xmlns=\"http://www.omg.org/spec/BPMN/20100524/MODEL\" id=\"defs{seed}\" name=\"Process {seed}\" targetNamespace=\"https://casebook.invalid/bench\">\n  <collaboration id=\"c{seed}\" name=\"Process {seed}\">\n{participants}{messages}  </collaboration>\n{processes}</definitions>\n"
    )
}

fn main() {
    let mut files = 700usize;
    let mut out = None;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--files" => files = args.next().and_then(|n| n.parse().ok()).expect("--files N"),
            "--out" => out = args.next().map(PathBuf::from),
            other => panic!("unknown argument {other}: use --files N --out DIR"),
        }
    }
    let out = out.expect("--out DIR");
    std::fs::create_dir_all(&out).expect("create the folder");
    let mut bytes = 0;
    for i in 0..files {
        let text = file(i as u64 + 1);
        bytes += text.len();
        std::fs::write(out.join(format!("process-{:04}.bpmn", i + 1)), text).expect("write");
    }
    println!(
        "wrote {files} BPMN files ({} KB on average) to {}",
        bytes / files.max(1) / 1024,
        out.display()
    );
}
