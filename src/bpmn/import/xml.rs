//! Reading one BPMN 2.0 file into a small model of what the import maps: processes and
//! expanded sub-processes, their flow nodes, sequence flows, lanes, pools, message flows and
//! data. Every reference is resolved here; one that names nothing is an error, so the mapping
//! never meets a dangling id.

use std::collections::HashMap;

/// The BPMN 2.0 model namespace.
pub const BPMN_NS: &str = "http://www.omg.org/spec/BPMN/20100524/MODEL";

/// The largest file the import reads (16 MiB): the largest reference model of the BPMN MIWG
/// suite is 240 KB, and every byte becomes a node in memory.
pub const MAX_BYTES: u64 = 16 * 1024 * 1024;

/// Sub-processes nested deeper than this are refused (each level becomes a use case).
pub const MAX_DEPTH: usize = 64;

/// A BPMN file's content, as the mapping needs it.
#[derive(Debug, Default)]
pub struct Bpmn {
    /// The `name` of `definitions`.
    pub name: Option<String>,
    /// The `exporter` of `definitions` (`casebook` for casebook's own exports).
    pub exporter: Option<String>,
    /// Processes and expanded sub-processes, in document order.
    pub containers: Vec<Container>,
    /// Every flow node (activities, events, gateways) of every container.
    pub nodes: Vec<FlowNode>,
    /// Sequence flows.
    pub flows: Vec<SeqFlow>,
    /// Pools.
    pub participants: Vec<Participant>,
    /// Collaborations.
    pub collaborations: Vec<Collaboration>,
    /// Message flows.
    pub message_flows: Vec<MessageFlow>,
    /// Lanes (leaf and enclosing).
    pub lanes: Vec<Lane>,
    /// Data objects, data inputs and outputs (items) and data stores (systems).
    pub data: Vec<Data>,
    /// What the file holds that the import leaves out as a whole (text annotations, groups...):
    /// `(line, what)`.
    pub left_out: Vec<(u32, String)>,
}

/// casebook's extension attributes of an element (namespace [`crate::bpmn::NS`]), by local
/// name, in document order: what casebook's export carries that BPMN lacks.
pub type Ext = Vec<(String, String)>;

/// The value of the extension attribute `name`.
pub fn ext_get<'e>(ext: &'e Ext, name: &str) -> Option<&'e str> {
    ext.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
}

/// The extension attributes of `node`.
fn ext_of(node: &roxmltree::Node) -> Ext {
    node.attributes()
        .filter(|a| a.namespace() == Some(crate::bpmn::NS))
        .map(|a| (a.name().to_owned(), a.value().to_owned()))
        .collect()
}

/// A process or an expanded sub-process: a set of flow nodes.
#[derive(Debug)]
pub struct Container {
    /// The BPMN id.
    pub id: String,
    /// The name.
    pub name: Option<String>,
    /// The sub-process's flow node, for a sub-process.
    pub parent: Option<usize>,
    /// Its flow nodes, in document order.
    pub nodes: Vec<usize>,
    /// An event sub-process (`triggeredByEvent`).
    pub triggered_by_event: bool,
    /// Its line.
    pub line: u32,
    /// casebook's extension attributes (the use case's fields).
    pub ext: Ext,
    /// casebook's extension elements (`(element, attributes)`: the teams, channels, systems
    /// and items the use case names, as the exporting catalogue defines them).
    pub definitions: Vec<(String, Ext)>,
}

/// The kinds of gateway.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Gateway {
    /// Exclusive (XOR).
    Exclusive,
    /// Inclusive (OR).
    Inclusive,
    /// Parallel (AND).
    Parallel,
    /// Event-based.
    EventBased,
    /// Complex.
    Complex,
}

/// What a flow node is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// A task of any type (`task`, `userTask`, `serviceTask`...).
    Task,
    /// A sub-process (expanded when it has a child container).
    SubProcess,
    /// A call activity.
    CallActivity,
    /// A start event.
    Start,
    /// An end event.
    End,
    /// An intermediate catch event.
    Catch,
    /// An intermediate throw event.
    Throw,
    /// A boundary event.
    Boundary,
    /// A gateway.
    Gateway(Gateway),
}

/// A flow node.
#[derive(Debug)]
pub struct FlowNode {
    /// The BPMN id.
    pub id: String,
    /// The name.
    pub name: Option<String>,
    /// The element's local name (`userTask`, `exclusiveGateway`...).
    pub element: String,
    /// What it is.
    pub kind: Kind,
    /// The container it is in.
    pub container: usize,
    /// Its leaf lane.
    pub lane: Option<usize>,
    /// For a boundary event, the activity it is attached to.
    pub attached_to: Option<usize>,
    /// For a boundary event: `cancelActivity` (default true).
    pub interrupting: bool,
    /// Event definitions: `timer`, `message`, `error`...
    pub events: Vec<String>,
    /// The text of a timer's duration, date or cycle.
    pub timer: Option<String>,
    /// `multi-instance (parallel)`, `multi-instance (sequential)` or `loop`.
    pub looping: Option<&'static str>,
    /// `isForCompensation`.
    pub compensation: bool,
    /// A call activity's `calledElement`.
    pub called: Option<String>,
    /// The default outgoing flow.
    pub default_flow: Option<usize>,
    /// Incoming sequence flows.
    pub incoming: Vec<usize>,
    /// Outgoing sequence flows.
    pub outgoing: Vec<usize>,
    /// Data it reads (indexes into `Bpmn::data`).
    pub reads: Vec<usize>,
    /// Data it writes.
    pub writes: Vec<usize>,
    /// The container of an expanded sub-process.
    pub child: Option<usize>,
    /// Its line.
    pub line: u32,
    /// casebook's extension attributes (the step's fields).
    pub ext: Ext,
}

/// A sequence flow.
#[derive(Debug)]
pub struct SeqFlow {
    /// The BPMN id.
    pub id: String,
    /// The name.
    pub name: Option<String>,
    /// The text of its condition expression.
    pub condition: Option<String>,
    /// Source node.
    pub source: usize,
    /// Target node.
    pub target: usize,
    /// casebook's extension attributes (the `next` entry's `carries`).
    pub ext: Ext,
}

/// A pool.
#[derive(Debug)]
pub struct Participant {
    /// The BPMN id.
    pub id: String,
    /// The name.
    pub name: Option<String>,
    /// Its process, if any (none: a black-box pool).
    pub process: Option<usize>,
    /// Its line.
    pub line: u32,
}

/// A collaboration.
#[derive(Debug)]
pub struct Collaboration {
    /// The BPMN id.
    pub id: String,
    /// The name.
    pub name: Option<String>,
    /// Its pools.
    pub participants: Vec<usize>,
    /// Its message flows.
    pub message_flows: Vec<usize>,
}

/// One end of a message flow.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Endpoint {
    /// A flow node.
    Node(usize),
    /// A pool's border.
    Pool(usize),
}

/// A message flow.
#[derive(Debug)]
pub struct MessageFlow {
    /// The BPMN id.
    pub id: String,
    /// The name.
    pub name: Option<String>,
    /// The name of its message (`messageRef`).
    pub message: Option<String>,
    /// Where it starts.
    pub source: Endpoint,
    /// Where it ends.
    pub target: Endpoint,
    /// Its line.
    pub line: u32,
    /// casebook's extension attributes (the `next` entry's `carries`).
    pub ext: Ext,
}

/// A lane.
#[derive(Debug)]
pub struct Lane {
    /// The BPMN id.
    pub id: String,
    /// The name.
    pub name: Option<String>,
    /// The process whose lane set holds it.
    pub process: usize,
    /// The names of the lanes around it, outermost first.
    pub parents: Vec<String>,
    /// Whether it holds no lane of its own.
    pub leaf: bool,
}

/// A data object, input or output (an information item), or a data store (a system).
#[derive(Debug)]
pub struct Data {
    /// The BPMN id.
    pub id: String,
    /// The name.
    pub name: Option<String>,
    /// A data store.
    pub store: bool,
}

/// Why a file could not be read as BPMN.
pub type Error = String;

/// Decodes the bytes of an XML file: UTF-8 (with or without a byte order mark), or ISO-8859-1
/// / Latin-1 / windows-1252 when the XML declaration says so (several modelers write it).
pub fn decode(bytes: &[u8]) -> Result<String, Error> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    if bytes.starts_with(b"\xFF\xFE") || bytes.starts_with(b"\xFE\xFF") {
        return Err("the file is UTF-16; save it as UTF-8".into());
    }
    let head = &bytes[..bytes.len().min(200)];
    let head = String::from_utf8_lossy(head).to_ascii_lowercase();
    let declared = head
        .strip_prefix("<?xml")
        .and_then(|rest| rest.split("?>").next())
        .and_then(|decl| decl.split("encoding").nth(1))
        .and_then(|rest| rest.split(['"', '\'']).nth(1))
        .map(str::to_owned);
    match declared.as_deref() {
        None | Some("utf-8" | "utf8" | "us-ascii" | "ascii") => match std::str::from_utf8(bytes) {
            Ok(text) => Ok(text.to_owned()),
            Err(e) => Err(format!(
                "not UTF-8 text (byte {} is not valid UTF-8): not an XML file?",
                e.valid_up_to() + 1
            )),
        },
        // Latin-1 maps each byte to the code point of the same value.
        Some("iso-8859-1" | "latin1" | "latin-1" | "iso8859-1" | "windows-1252" | "cp1252") => {
            Ok(bytes.iter().map(|&b| b as char).collect())
        }
        Some(other) => Err(format!(
            "the XML declaration names the encoding `{other}`; casebook reads UTF-8 and ISO-8859-1"
        )),
    }
}

/// Collapses every run of whitespace into one space and trims; `None` for an empty text.
/// Characters YAML cannot hold (controls, the byte order mark, non-characters) become spaces.
pub fn clean(text: &str) -> Option<String> {
    let printable: String = text
        .chars()
        .map(|c| {
            if c.is_control() || matches!(c, '\u{FEFF}' | '\u{FFFE}' | '\u{FFFF}') {
                ' '
            } else {
                c
            }
        })
        .collect();
    let joined = printable.split_whitespace().collect::<Vec<_>>().join(" ");
    (!joined.is_empty()).then_some(joined)
}

/// Parses the text of a BPMN file.
pub fn parse(text: &str) -> Result<Bpmn, Error> {
    let options = roxmltree::ParsingOptions {
        allow_dtd: false,
        nodes_limit: 4_000_000,
        ..Default::default()
    };
    let doc = roxmltree::Document::parse_with_options(text, options).map_err(|e| match e {
        roxmltree::Error::DtdDetected => {
            "the file has a DTD (`<!DOCTYPE`), which BPMN files do not need; casebook refuses DTDs so that no entity can expand (billion laughs)".to_owned()
        }
        e => format!("not well-formed XML: {e}"),
    })?;
    let root = doc.root_element();
    if root.tag_name().name() != "definitions" || root.tag_name().namespace() != Some(BPMN_NS) {
        return Err(format!(
            "not a BPMN 2.0 file: the root element is `{}`{}, not `definitions` in the namespace {BPMN_NS}",
            root.tag_name().name(),
            root.tag_name()
                .namespace()
                .map(|ns| format!(" in the namespace {ns}"))
                .unwrap_or_default()
        ));
    }
    Reader::new(&doc).read(root)
}

/// References recorded during the walk, resolved at its end.
#[derive(Default)]
struct Pending {
    /// (flow index, source id, target id, line).
    flows: Vec<(usize, String, String, u32)>,
    /// (lane, node id, line).
    lane_nodes: Vec<(usize, String, u32)>,
    /// (node, attachedToRef, line).
    attached: Vec<(usize, String, u32)>,
    /// (node, default flow id, line).
    defaults: Vec<(usize, String, u32)>,
    /// (node, data id, writes, line).
    data: Vec<(usize, String, bool, u32)>,
    /// (data index, referenced data object or store id).
    data_refs: Vec<(usize, String)>,
    /// (participant, processRef, line).
    processes: Vec<(usize, String, u32)>,
    /// (message flow, source id, target id, messageRef).
    messages: Vec<(usize, String, String, Option<String>)>,
    /// Message flows read from associations marked `casebook:message` (a message between two
    /// steps of one pool in casebook's export), added to their pool's collaboration.
    links: Vec<usize>,
}

struct Reader<'a, 'input> {
    doc: &'a roxmltree::Document<'input>,
    out: Bpmn,
    pending: Pending,
    node_ids: HashMap<String, usize>,
    flow_ids: HashMap<String, usize>,
    data_ids: HashMap<String, usize>,
    process_ids: HashMap<String, usize>,
    participant_ids: HashMap<String, usize>,
    message_names: HashMap<String, Option<String>>,
    /// Every id seen, to refuse duplicates.
    seen: HashMap<String, u32>,
}

fn is_bpmn(node: &roxmltree::Node) -> bool {
    node.is_element() && node.tag_name().namespace() == Some(BPMN_NS)
}

fn local(node: &roxmltree::Node) -> String {
    node.tag_name().name().to_owned()
}

fn name_of(node: &roxmltree::Node) -> Option<String> {
    node.attribute("name").and_then(clean)
}

/// The text of a child element, e.g. `<incoming>` or `<conditionExpression>`.
fn child_text(node: &roxmltree::Node, name: &str) -> Option<String> {
    node.children()
        .find(|c| is_bpmn(c) && c.tag_name().name() == name)
        .and_then(|c| {
            clean(
                &c.descendants()
                    .filter(|d| d.is_text())
                    .filter_map(|d| d.text())
                    .collect::<String>(),
            )
        })
}

impl<'a, 'input> Reader<'a, 'input> {
    fn new(doc: &'a roxmltree::Document<'input>) -> Self {
        Reader {
            doc,
            out: Bpmn::default(),
            pending: Pending::default(),
            node_ids: HashMap::new(),
            flow_ids: HashMap::new(),
            data_ids: HashMap::new(),
            process_ids: HashMap::new(),
            participant_ids: HashMap::new(),
            message_names: HashMap::new(),
            seen: HashMap::new(),
        }
    }

    fn line(&self, node: &roxmltree::Node) -> u32 {
        self.doc.text_pos_at(node.range().start).row
    }

    /// The element's `id`, which every element the import maps must have, once.
    fn id(&mut self, node: &roxmltree::Node) -> Result<String, Error> {
        let line = self.line(node);
        let Some(id) = node.attribute("id").map(str::trim).filter(|s| !s.is_empty()) else {
            return Err(format!("line {line}: a `{}` without an `id`", local(node)));
        };
        if let Some(first) = self.seen.insert(id.to_owned(), line) {
            return Err(format!(
                "line {line}: the id `{id}` is used twice (first on line {first})"
            ));
        }
        Ok(id.to_owned())
    }

    fn read(mut self, root: roxmltree::Node<'a, 'input>) -> Result<Bpmn, Error> {
        self.out.name = name_of(&root);
        self.out.exporter = root.attribute("exporter").map(str::to_owned);
        // Messages, global data stores and processes first, then collaborations, which
        // refer to them.
        for child in root.children().filter(is_bpmn) {
            match child.tag_name().name() {
                "message" => {
                    let id = self.id(&child)?;
                    self.message_names.insert(id, name_of(&child));
                }
                "dataStore" => {
                    let id = self.id(&child)?;
                    self.add_data(id, name_of(&child), true);
                }
                _ => {}
            }
        }
        for child in root.children().filter(is_bpmn) {
            if child.tag_name().name() == "process" {
                self.container(child, None)?;
            }
        }
        for child in root.children().filter(is_bpmn) {
            match child.tag_name().name() {
                "process" | "message" | "dataStore" => {}
                "collaboration" => self.collaboration(child)?,
                // Definitions that carry no flow: nothing to map, nothing lost.
                "itemDefinition"
                | "error"
                | "escalation"
                | "signal"
                | "interface"
                | "resource"
                | "category"
                | "extension"
                | "import"
                | "eventDefinition"
                | "globalTask"
                | "globalUserTask"
                | "globalManualTask"
                | "globalScriptTask"
                | "globalBusinessRuleTask"
                | "relationship"
                | "correlationProperty"
                | "partnerRole"
                | "partnerEntity"
                | "endPoint"
                | "operation" => {}
                other => {
                    let line = self.line(&child);
                    self.out.left_out.push((line, format!("`{other}` (not mapped)")));
                }
            }
        }
        self.resolve()?;
        Ok(self.out)
    }

    fn add_data(&mut self, id: String, name: Option<String>, store: bool) -> usize {
        let i = self.out.data.len();
        self.data_ids.insert(id.clone(), i);
        self.out.data.push(Data { id, name, store });
        i
    }

    /// Reads a process or an expanded sub-process, and the sub-processes inside it, with a work
    /// list (no recursion per level).
    fn container(
        &mut self,
        process: roxmltree::Node<'a, 'input>,
        parent: Option<usize>,
    ) -> Result<(), Error> {
        let mut work = vec![(process, parent, 0usize)];
        while let Some((element, parent, depth)) = work.pop() {
            if depth > MAX_DEPTH {
                return Err(format!(
                    "line {}: sub-processes nested more than {MAX_DEPTH} deep",
                    self.line(&element)
                ));
            }
            let c = self.out.containers.len();
            let (id, name) = match parent {
                // A sub-process's id belongs to its flow node.
                Some(node) => (self.out.nodes[node].id.clone(), self.out.nodes[node].name.clone()),
                None => (self.id(&element)?, name_of(&element)),
            };
            if parent.is_none() {
                self.process_ids.insert(id.clone(), c);
            }
            self.out.containers.push(Container {
                id,
                name,
                parent,
                nodes: Vec::new(),
                triggered_by_event: element.attribute("triggeredByEvent") == Some("true"),
                line: self.line(&element),
                ext: ext_of(&element),
                definitions: element
                    .children()
                    .filter(|e| is_bpmn(e) && e.tag_name().name() == "extensionElements")
                    .flat_map(|e| e.children())
                    .filter(|d| d.tag_name().namespace() == Some(crate::bpmn::NS))
                    .map(|d| {
                        let attrs = d
                            .attributes()
                            .filter(|a| a.namespace().is_none())
                            .map(|a| (a.name().to_owned(), a.value().to_owned()))
                            .collect();
                        (d.tag_name().name().to_owned(), attrs)
                    })
                    .collect(),
            });
            if let Some(node) = parent {
                self.out.nodes[node].child = Some(c);
            }
            let mut children = Vec::new();
            for child in element.children().filter(is_bpmn) {
                if let Some(sub) = self.element(child, c)? {
                    children.push((sub, child));
                }
            }
            // Pushed in reverse so that sub-processes are read in document order.
            for (node, child) in children.into_iter().rev() {
                work.push((child, Some(node), depth + 1));
            }
        }
        Ok(())
    }

    /// Reads one child of a process or sub-process; returns the flow node of an expanded
    /// sub-process, whose own children are read next.
    fn element(&mut self, child: roxmltree::Node<'a, 'input>, c: usize) -> Result<Option<usize>, Error> {
        let tag = child.tag_name().name();
        let line = self.line(&child);
        let kind = match tag {
            "task" | "userTask" | "manualTask" | "serviceTask" | "scriptTask" | "businessRuleTask"
            | "sendTask" | "receiveTask" => Kind::Task,
            "subProcess" | "transaction" | "adHocSubProcess" => Kind::SubProcess,
            "callActivity" => Kind::CallActivity,
            "startEvent" => Kind::Start,
            "endEvent" => Kind::End,
            "intermediateCatchEvent" => Kind::Catch,
            "intermediateThrowEvent" => Kind::Throw,
            "boundaryEvent" => Kind::Boundary,
            "exclusiveGateway" => Kind::Gateway(Gateway::Exclusive),
            "inclusiveGateway" => Kind::Gateway(Gateway::Inclusive),
            "parallelGateway" => Kind::Gateway(Gateway::Parallel),
            "eventBasedGateway" => Kind::Gateway(Gateway::EventBased),
            "complexGateway" => Kind::Gateway(Gateway::Complex),
            "sequenceFlow" => {
                let id = self.id(&child)?;
                let f = self.out.flows.len();
                self.flow_ids.insert(id.clone(), f);
                let source = child.attribute("sourceRef").unwrap_or_default().trim().to_owned();
                let target = child.attribute("targetRef").unwrap_or_default().trim().to_owned();
                self.pending.flows.push((f, source, target, line));
                self.out.flows.push(SeqFlow {
                    id,
                    name: name_of(&child),
                    condition: child_text(&child, "conditionExpression"),
                    source: 0,
                    target: 0,
                    ext: ext_of(&child),
                });
                return Ok(None);
            }
            "laneSet" => {
                self.lanes(child, c)?;
                return Ok(None);
            }
            "dataObject" | "dataInput" | "dataOutput" => {
                let id = self.id(&child)?;
                self.add_data(id, name_of(&child), false);
                return Ok(None);
            }
            "ioSpecification" => {
                for io in child.children().filter(is_bpmn) {
                    if matches!(io.tag_name().name(), "dataInput" | "dataOutput") {
                        let id = self.id(&io)?;
                        self.add_data(id, name_of(&io), false);
                    }
                }
                return Ok(None);
            }
            "dataObjectReference" | "dataStoreReference" => {
                let store = tag == "dataStoreReference";
                let id = self.id(&child)?;
                let d = self.add_data(id, name_of(&child), store);
                let target = child.attribute(if store { "dataStoreRef" } else { "dataObjectRef" });
                if let Some(target) = target {
                    self.pending.data_refs.push((d, target.trim().to_owned()));
                }
                return Ok(None);
            }
            "textAnnotation" => {
                let text = child_text(&child, "text").unwrap_or_default();
                self.out.left_out.push((line, format!("text annotation \"{text}\"")));
                return Ok(None);
            }
            "association" if ext_get(&ext_of(&child), "message") == Some("true") => {
                let ext = ext_of(&child);
                let id = self.id(&child)?;
                let m = self.out.message_flows.len();
                self.pending.messages.push((
                    m,
                    child.attribute("sourceRef").unwrap_or_default().trim().to_owned(),
                    child.attribute("targetRef").unwrap_or_default().trim().to_owned(),
                    None,
                ));
                self.pending.links.push(m);
                self.out.message_flows.push(MessageFlow {
                    id,
                    name: ext_get(&ext, "when").and_then(clean),
                    message: None,
                    source: Endpoint::Pool(0),
                    target: Endpoint::Pool(0),
                    line,
                    ext,
                });
                return Ok(None);
            }
            // What needs no mapping: documentation, extensions, the ids of in/out flows
            // (sequence flows give them), associations (annotations are listed above),
            // properties and monitoring.
            "documentation" | "extensionElements" | "association" | "property" | "auditing"
            | "monitoring" | "incoming" | "outgoing" | "supportedInterfaceRef"
            | "resourceRole" | "performer" | "humanPerformer" | "potentialOwner"
            // A sub-process's own parts, read with its flow node.
            | "multiInstanceLoopCharacteristics" | "standardLoopCharacteristics"
            | "dataInputAssociation" | "dataOutputAssociation" => {
                return Ok(None);
            }
            other => {
                self.out.left_out.push((line, format!("`{other}` (not mapped)")));
                return Ok(None);
            }
        };
        let id = self.id(&child)?;
        let n = self.out.nodes.len();
        self.node_ids.insert(id.clone(), n);
        let mut node = FlowNode {
            id,
            name: name_of(&child),
            element: tag.to_owned(),
            kind,
            container: c,
            lane: None,
            attached_to: None,
            interrupting: child.attribute("cancelActivity") != Some("false"),
            events: Vec::new(),
            timer: None,
            looping: None,
            compensation: child.attribute("isForCompensation") == Some("true"),
            called: child.attribute("calledElement").map(|s| s.trim().to_owned()),
            default_flow: None,
            incoming: Vec::new(),
            outgoing: Vec::new(),
            reads: Vec::new(),
            writes: Vec::new(),
            child: None,
            line,
            ext: ext_of(&child),
        };
        if let Some(target) = child.attribute("attachedToRef") {
            self.pending.attached.push((n, target.trim().to_owned(), line));
        }
        if let Some(flow) = child.attribute("default") {
            self.pending.defaults.push((n, flow.trim().to_owned(), line));
        }
        let mut has_flow_elements = false;
        for part in child.children().filter(is_bpmn) {
            let name = part.tag_name().name();
            let part_line = self.line(&part);
            if let Some(event) = name.strip_suffix("EventDefinition") {
                node.events.push(event.to_owned());
                if event == "timer" {
                    node.timer = ["timeDuration", "timeDate", "timeCycle"]
                        .iter()
                        .find_map(|t| child_text(&part, t).map(|v| format!("{t} {v}")));
                }
            } else if name == "eventDefinitionRef" {
                node.events.push("referenced".into());
            } else if name == "multiInstanceLoopCharacteristics" {
                node.looping = Some(if part.attribute("isSequential") == Some("true") {
                    "multi-instance (sequential)"
                } else {
                    "multi-instance (parallel)"
                });
            } else if name == "standardLoopCharacteristics" {
                node.looping = Some("loop");
            } else if name == "dataInputAssociation" || name == "dataOutputAssociation" {
                let writes = name == "dataOutputAssociation";
                let end = if writes { "targetRef" } else { "sourceRef" };
                for r in part
                    .children()
                    .filter(|r| is_bpmn(r) && r.tag_name().name() == end)
                {
                    if let Some(id) = r.text().and_then(clean) {
                        self.pending.data.push((n, id, writes, part_line));
                    }
                }
            } else if kind == Kind::SubProcess
                && !matches!(
                    name,
                    "incoming"
                        | "outgoing"
                        | "documentation"
                        | "extensionElements"
                        | "ioSpecification"
                        | "property"
                        | "dataInputAssociation"
                        | "dataOutputAssociation"
                )
            {
                has_flow_elements = true;
            }
        }
        self.out.nodes.push(node);
        self.out.containers[c].nodes.push(n);
        Ok(has_flow_elements.then_some(n))
    }

    /// Reads a lane set and its nested lane sets (a work list, bounded in depth).
    fn lanes(&mut self, set: roxmltree::Node, process: usize) -> Result<(), Error> {
        let mut work = vec![(set, Vec::<String>::new())];
        while let Some((set, parents)) = work.pop() {
            if parents.len() > MAX_DEPTH {
                return Err(format!(
                    "line {}: lanes nested more than {MAX_DEPTH} deep",
                    self.line(&set)
                ));
            }
            for lane in set
                .children()
                .filter(|l| is_bpmn(l) && l.tag_name().name() == "lane")
            {
                let id = self.id(&lane)?;
                let l = self.out.lanes.len();
                let name = name_of(&lane);
                let inner = lane
                    .children()
                    .find(|s| is_bpmn(s) && s.tag_name().name() == "childLaneSet");
                let leaf =
                    inner.is_none_or(|s| !s.children().any(|l| is_bpmn(&l) && l.tag_name().name() == "lane"));
                self.out.lanes.push(Lane {
                    id,
                    name: name.clone(),
                    process,
                    parents: parents.clone(),
                    leaf,
                });
                for r in lane
                    .children()
                    .filter(|r| is_bpmn(r) && r.tag_name().name() == "flowNodeRef")
                {
                    if let Some(id) = r.text().and_then(clean) {
                        let line = self.line(&r);
                        self.pending.lane_nodes.push((l, id, line));
                    }
                }
                if let Some(inner) = inner {
                    let mut p = parents.clone();
                    p.push(name.unwrap_or_else(|| self.out.lanes[l].id.clone()));
                    work.push((inner, p));
                }
            }
        }
        Ok(())
    }

    fn collaboration(&mut self, element: roxmltree::Node) -> Result<(), Error> {
        let id = self.id(&element)?;
        let mut collaboration = Collaboration {
            id,
            name: name_of(&element),
            participants: Vec::new(),
            message_flows: Vec::new(),
        };
        for child in element.children().filter(is_bpmn) {
            let line = self.line(&child);
            match child.tag_name().name() {
                "participant" => {
                    let id = self.id(&child)?;
                    let p = self.out.participants.len();
                    self.participant_ids.insert(id.clone(), p);
                    if let Some(process) = child.attribute("processRef") {
                        self.pending.processes.push((p, process.trim().to_owned(), line));
                    }
                    self.out.participants.push(Participant {
                        id,
                        name: name_of(&child),
                        process: None,
                        line,
                    });
                    collaboration.participants.push(p);
                }
                "messageFlow" => {
                    let id = self.id(&child)?;
                    let m = self.out.message_flows.len();
                    self.pending.messages.push((
                        m,
                        child.attribute("sourceRef").unwrap_or_default().trim().to_owned(),
                        child.attribute("targetRef").unwrap_or_default().trim().to_owned(),
                        child.attribute("messageRef").map(|s| s.trim().to_owned()),
                    ));
                    self.out.message_flows.push(MessageFlow {
                        id,
                        name: name_of(&child),
                        message: None,
                        source: Endpoint::Pool(0),
                        target: Endpoint::Pool(0),
                        line,
                        ext: ext_of(&child),
                    });
                    collaboration.message_flows.push(m);
                }
                "textAnnotation" => {
                    let text = child_text(&child, "text").unwrap_or_default();
                    self.out
                        .left_out
                        .push((line, format!("text annotation \"{text}\"")));
                }
                "documentation" | "extensionElements" | "association" => {}
                other => self.out.left_out.push((line, format!("`{other}` (not mapped)"))),
            }
        }
        self.out.collaborations.push(collaboration);
        Ok(())
    }

    /// Resolves every reference recorded during the walk; the first that names nothing is the
    /// error.
    fn resolve(&mut self) -> Result<(), Error> {
        let dangling = |line: u32, what: &str, id: &str| {
            format!("line {line}: {what} `{id}`, which is not in the file (a dangling reference)")
        };
        let pending = std::mem::take(&mut self.pending);
        for (f, source, target, line) in pending.flows {
            let s = *self
                .node_ids
                .get(&source)
                .ok_or_else(|| dangling(line, "a sequence flow starts at", &source))?;
            let t = *self
                .node_ids
                .get(&target)
                .ok_or_else(|| dangling(line, "a sequence flow ends at", &target))?;
            self.out.flows[f].source = s;
            self.out.flows[f].target = t;
            self.out.nodes[s].outgoing.push(f);
            self.out.nodes[t].incoming.push(f);
        }
        for (l, id, line) in pending.lane_nodes {
            let n = *self
                .node_ids
                .get(&id)
                .ok_or_else(|| dangling(line, "a lane holds", &id))?;
            // The innermost lane wins (nested lanes list their nodes again).
            if self.out.lanes[l].leaf || self.out.nodes[n].lane.is_none() {
                self.out.nodes[n].lane = Some(l);
            }
        }
        for (n, id, line) in pending.attached {
            let a = *self
                .node_ids
                .get(&id)
                .ok_or_else(|| dangling(line, "a boundary event is attached to", &id))?;
            self.out.nodes[n].attached_to = Some(a);
        }
        for (n, id, line) in pending.defaults {
            let f = *self
                .flow_ids
                .get(&id)
                .ok_or_else(|| dangling(line, "the default flow is", &id))?;
            self.out.nodes[n].default_flow = Some(f);
        }
        for (d, id) in pending.data_refs {
            if let Some(&target) = self.data_ids.get(&id)
                && self.out.data[d].name.is_none()
            {
                self.out.data[d].name = self.out.data[target].name.clone();
            }
        }
        for (n, id, writes, line) in pending.data {
            let d = *self
                .data_ids
                .get(&id)
                .ok_or_else(|| dangling(line, "a data association names", &id))?;
            let node = &mut self.out.nodes[n];
            if writes {
                node.writes.push(d)
            } else {
                node.reads.push(d)
            }
        }
        for (p, id, line) in pending.processes {
            let c = *self
                .process_ids
                .get(&id)
                .ok_or_else(|| dangling(line, "a pool's process is", &id))?;
            self.out.participants[p].process = Some(c);
        }
        for (m, source, target, message) in pending.messages {
            let line = self.out.message_flows[m].line;
            let endpoint = |id: &str, what: &str| -> Result<Endpoint, Error> {
                if let Some(&n) = self.node_ids.get(id) {
                    Ok(Endpoint::Node(n))
                } else if let Some(&p) = self.participant_ids.get(id) {
                    Ok(Endpoint::Pool(p))
                } else {
                    Err(dangling(line, what, id))
                }
            };
            let s = endpoint(&source, "a message flow starts at")?;
            let t = endpoint(&target, "a message flow ends at")?;
            let name = match message {
                Some(id) => Some(
                    self.message_names
                        .get(&id)
                        .ok_or_else(|| dangling(line, "a message flow carries the message", &id))?
                        .clone(),
                ),
                None => None,
            };
            let flow = &mut self.out.message_flows[m];
            flow.source = s;
            flow.target = t;
            flow.message = name.flatten();
        }
        for m in pending.links {
            let Endpoint::Node(n) = self.out.message_flows[m].source else {
                continue;
            };
            let process = self.out.nodes[n].container;
            let collaboration = self.out.collaborations.iter().position(|c| {
                c.participants
                    .iter()
                    .any(|&p| self.out.participants[p].process == Some(process))
            });
            match collaboration {
                Some(c) => self.out.collaborations[c].message_flows.push(m),
                None => self.out.left_out.push((
                    self.out.message_flows[m].line,
                    "a message (association) in a process without a pool".into(),
                )),
            }
        }
        Ok(())
    }
}
