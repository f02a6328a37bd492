//! The mapping from a read BPMN file ([`xml::Bpmn`]) to use case drafts, and the teams,
//! departments, items and systems they need. Every decision is documented in the handbook's
//! chapter "Writing use cases", section "Importing BPMN".

use super::xml::{Bpmn, Endpoint, Ext, Gateway, Kind, ext_get};
use super::{Draft, NextDraft, Registry, StepDraft, TeamRef};
use std::collections::{HashMap, HashSet};

/// How many gateway paths one step's branches may expand to before the import gives up on
/// that step's gateways (a chain of diamonds doubles the paths at each one).
pub const PATH_BUDGET: usize = 4096;

/// The length past which a branch's condition, merged from several gateway paths, counts the
/// other paths instead of spelling them out.
pub const MAX_WHEN: usize = 200;

/// Words that make a pool or lane the customer when no `--customer` is given (whole words,
/// any case).
pub const CUSTOMER_WORDS: &[&str] = &[
    "customer",
    "customers",
    "client",
    "clients",
    "citizen",
    "citizens",
    "patient",
    "patients",
    "applicant",
    "applicants",
    "consumer",
    "consumers",
    "buyer",
    "buyers",
    "guest",
    "guests",
    "passenger",
    "passengers",
    "caller",
    "requester",
    "requestor",
    "usager",
    "usagers",
    "demandeur",
    "kunde",
    "kunden",
];

/// Folds the Latin letters with diacritics that names commonly hold to ASCII.
fn fold(c: char) -> &'static str {
    match c {
        'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' | 'À' | 'Á' | 'Â' | 'Ã' | 'Ä' | 'Å' | 'ā' => "a",
        'æ' | 'Æ' => "ae",
        'ç' | 'Ç' | 'č' | 'ć' => "c",
        'è' | 'é' | 'ê' | 'ë' | 'È' | 'É' | 'Ê' | 'Ë' | 'ē' | 'ę' | 'ě' => "e",
        'ì' | 'í' | 'î' | 'ï' | 'Ì' | 'Í' | 'Î' | 'Ï' => "i",
        'ñ' | 'Ñ' | 'ń' | 'ň' => "n",
        'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'ø' | 'Ò' | 'Ó' | 'Ô' | 'Õ' | 'Ö' | 'Ø' | 'ő' => "o",
        'œ' | 'Œ' => "oe",
        'ß' => "ss",
        'ù' | 'ú' | 'û' | 'ü' | 'Ù' | 'Ú' | 'Û' | 'Ü' | 'ű' | 'ů' => "u",
        'ý' | 'ÿ' | 'Ý' => "y",
        'ž' | 'ź' | 'ż' | 'Ž' => "z",
        'š' | 'ś' | 'Š' => "s",
        'ř' => "r",
        'ł' | 'Ł' => "l",
        _ => "",
    }
}

/// A slug (`scaffold::is_slug`) made from `text`: lowercase ASCII letters and digits, every
/// other run of characters one dash, at most `max` (≤ 64) characters; empty when nothing is
/// left.
pub fn slugify(text: &str, max: usize) -> String {
    let mut out = String::new();
    let mut dash = false;
    let mut push = |c: char, out: &mut String| {
        if c.is_ascii_alphanumeric() {
            if dash && !out.is_empty() {
                out.push('-');
            }
            dash = false;
            out.push(c.to_ascii_lowercase());
        } else {
            dash = true;
        }
    };
    let mut previous = ' ';
    for c in text.chars() {
        // camelCase element names read as words: `userTask` -> `user-task`.
        if c.is_ascii_uppercase() && previous.is_ascii_lowercase() {
            push(' ', &mut out);
        }
        previous = c;
        match fold(c) {
            "" => push(c, &mut out),
            folded => folded.chars().for_each(|f| push(f, &mut out)),
        }
    }
    out.truncate(max.min(64));
    while out.ends_with('-') {
        out.pop();
    }
    out
}

/// Makes `base` unique among `taken` by adding `-2`, `-3`... (shortening it to keep 64
/// characters), and takes it.
pub fn unique(base: &str, taken: &mut HashSet<String>) -> String {
    let base = if base.is_empty() { "x" } else { base };
    if taken.insert(base.to_owned()) {
        return base.to_owned();
    }
    for n in 2.. {
        let suffix = format!("-{n}");
        let mut stem = base.to_owned();
        stem.truncate(64 - suffix.len());
        while stem.ends_with('-') {
            stem.pop();
        }
        let id = stem + &suffix;
        if taken.insert(id.clone()) {
            return id;
        }
    }
    unreachable!("some suffix is free")
}

/// Words that make a name an organisation's unit even with a customer word in it
/// (`Customer service`, `Client relations`).
pub const UNIT_WORDS: &[&str] = &[
    "service",
    "services",
    "care",
    "support",
    "relations",
    "relationship",
    "desk",
    "centre",
    "center",
    "management",
    "manager",
    "managers",
    "department",
    "team",
    "office",
    "account",
    "accounts",
    "success",
    "experience",
    "advisor",
    "advisors",
    "agent",
    "agents",
    "portal",
    "onboarding",
];

/// Whether `name` holds one of [`CUSTOMER_WORDS`] as a word, and none of [`UNIT_WORDS`].
pub fn sounds_like_customer(name: &str) -> bool {
    let words: Vec<String> = name
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect();
    words.iter().any(|w| CUSTOMER_WORDS.contains(&w.as_str()))
        && !words.iter().any(|w| UNIT_WORDS.contains(&w.as_str()))
}

/// Maps a BPMN duration with one unit (`PT30M`, `PT2H`, `P3D`, `P1W`) to casebook's.
fn duration(iso: &str) -> Option<String> {
    let text = iso.strip_prefix("timeDuration ")?.trim().to_ascii_uppercase();
    let (number, unit) = if let Some(t) = text.strip_prefix("PT") {
        let unit = match t.chars().last()? {
            'M' => 'm',
            'H' => 'h',
            _ => return None,
        };
        (&t[..t.len() - 1], unit)
    } else {
        let t = text.strip_prefix('P')?;
        let unit = match t.chars().last()? {
            'D' => 'd',
            'W' => 'w',
            _ => return None,
        };
        (&t[..t.len() - 1], unit)
    };
    (!number.is_empty() && number.len() <= 6 && number.bytes().all(|b| b.is_ascii_digit()))
        .then(|| format!("{}{unit}", number.trim_start_matches('0').max("0")))
        .filter(|d| !d.starts_with('0'))
}

/// What the import of one file produced and said.
#[derive(Debug, Default)]
pub struct FileMapping {
    /// The use cases, in order.
    pub drafts: Vec<Draft>,
    /// What was guessed.
    pub guessed: Vec<String>,
    /// What was left out or kept only as a note.
    pub left_out: Vec<String>,
}

/// One use case to build: a collaboration, a lone process, or an expanded sub-process.
enum Unit {
    Collaboration(usize),
    Process(usize),
    SubProcess(usize),
}

/// The mapping of one file.
pub struct Mapper<'a> {
    bpmn: &'a Bpmn,
    file: &'a str,
    stem: String,
    registry: &'a mut Registry,
    out: FileMapping,
    /// The use case id of each container (process or sub-process).
    container_uc: HashMap<usize, String>,
    /// The pool of each top-level process.
    pool_of: HashMap<usize, usize>,
    /// Processes without a pool that a collaboration's message flows reach.
    extra: HashMap<usize, Vec<usize>>,
    /// casebook's extension elements of every process: `(element, id)` -> attributes.
    defs: HashMap<(String, String), &'a Ext>,
}

/// The ids in a space-separated list that are slugs; the others are reported in `bad`.
fn id_list(text: &str, bad: &mut Vec<String>) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for id in text.split_whitespace() {
        if !crate::scaffold::is_slug(id) {
            bad.push(id.to_owned());
        } else if !out.iter().any(|o| o == id) {
            out.push(id.to_owned());
        }
    }
    out
}

/// `customer:3 staff:2` -> `{ customer: 3, staff: 2 }`, or `None` when any part is not a
/// rater and a score of 1 to 5.
fn satisfaction(text: &str) -> Option<String> {
    let mut parts = Vec::new();
    for part in text.split_whitespace() {
        let (who, score) = part.split_once(':')?;
        let score: i64 = score.parse().ok()?;
        if !matches!(who, "customer" | "staff" | "management")
            || !crate::model::Satisfaction::SCORES.contains(&score)
            || parts.iter().any(|p: &String| p.starts_with(&format!("{who}:")))
        {
            return None;
        }
        parts.push(format!("{who}: {score}"));
    }
    (!parts.is_empty()).then(|| format!("{{ {} }}", parts.join(", ")))
}

/// Where a step of a node lives: its use case's draft index and its step id.
#[derive(Clone)]
struct StepAt {
    id: String,
}

impl<'a> Mapper<'a> {
    /// A mapper for `bpmn`, read from `file` (as the user named it).
    pub fn new(bpmn: &'a Bpmn, file: &'a str, registry: &'a mut Registry) -> Self {
        let stem = std::path::Path::new(file)
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        let mut pool_of = HashMap::new();
        for (p, participant) in bpmn.participants.iter().enumerate() {
            if let Some(c) = participant.process {
                pool_of.entry(c).or_insert(p);
            }
        }
        Mapper {
            bpmn,
            file,
            stem,
            registry,
            out: FileMapping::default(),
            container_uc: HashMap::new(),
            pool_of,
            extra: HashMap::new(),
            defs: bpmn
                .containers
                .iter()
                .flat_map(|c| &c.definitions)
                .filter_map(|(element, attrs)| {
                    let id = ext_get(attrs, "id")?;
                    Some(((element.clone(), id.to_owned()), attrs))
                })
                .collect(),
        }
    }

    /// Whether the file is casebook's own export (`exporter="casebook"`), whose element ids
    /// carry casebook's ids (`Step_ID`, `Lane_LANE_TEAM`, `Data_ITEM`, `Process_USE-CASE`).
    fn casebook(&self) -> bool {
        self.bpmn.exporter.as_deref() == Some("casebook")
    }

    /// The casebook id in a BPMN id of casebook's export (`Step_call` -> `call`).
    /// A pool after the first has its lanes' and data objects' ids suffixed (`_2`), which is
    /// not part of the casebook id.
    fn carried<'i>(&self, id: &'i str, prefix: &str) -> Option<&'i str> {
        id.strip_prefix(prefix)
            .map(without_pool)
            .filter(|s| self.casebook() && crate::scaffold::is_slug(s))
    }

    /// A node casebook's export adds around the steps: the start event, message start and end
    /// events, failure boundary events. They are read back into `start`, nothing, and
    /// `fail_point` with `recovery`.
    fn helper(&self, n: usize) -> bool {
        let id = self.bpmn.nodes[n].id.as_str();
        self.casebook()
            && (id == "Start"
                || ["MessageStart_", "MessageEnd_", "Failure_"]
                    .iter()
                    .any(|p| id.starts_with(p)))
    }

    /// The blueprint lane and team of a lane of casebook's export (`Lane_backstage_billing`).
    fn casebook_lane(&self, lane: usize) -> Option<(&'static str, String)> {
        let rest = self.bpmn.lanes[lane]
            .id
            .strip_prefix("Lane_")
            .filter(|_| self.casebook())?;
        let (blueprint, team) = without_pool(rest).split_once('_')?;
        let blueprint = crate::model::Lane::parse(blueprint)?.as_str();
        crate::scaffold::is_slug(team).then(|| (blueprint, team.to_owned()))
    }

    /// The leaf lane a node acts in: its own, its boundary activity's, its sub-process's.
    fn lane_of(&self, node: usize) -> Option<usize> {
        let b = self.bpmn;
        let mut n = node;
        for _ in 0..=super::xml::MAX_DEPTH * 2 {
            let here = &b.nodes[n];
            if here.lane.is_some() {
                return here.lane;
            }
            if let Some(a) = here.attached_to {
                n = a;
                continue;
            }
            match b.containers[here.container].parent {
                Some(p) => n = p,
                None => return None,
            }
        }
        None
    }

    /// The top-level process of a container.
    fn top(&self, mut c: usize) -> usize {
        while let Some(node) = self.bpmn.containers[c].parent {
            c = self.bpmn.nodes[node].container;
        }
        c
    }

    /// Maps the file.
    pub fn run(mut self) -> FileMapping {
        let b = self.bpmn;
        // The units: each collaboration with at least one pool, each process that no pool
        // holds, each expanded sub-process.
        let mut units = Vec::new();
        let mut in_pool = HashSet::new();
        for (i, collaboration) in b.collaborations.iter().enumerate() {
            if collaboration.participants.is_empty() {
                continue;
            }
            units.push(Unit::Collaboration(i));
            for &p in &collaboration.participants {
                if let Some(c) = b.participants[p].process {
                    in_pool.insert(c);
                }
            }
        }
        // A process that no pool holds but whose nodes a collaboration's message flows touch
        // is drawn as a pool of that collaboration (some modelers leave its participant out).
        for (i, collaboration) in b.collaborations.iter().enumerate() {
            for &m in &collaboration.message_flows {
                for end in [b.message_flows[m].source, b.message_flows[m].target] {
                    if let Endpoint::Node(n) = end {
                        let c = self.top(b.nodes[n].container);
                        if !in_pool.contains(&c) && !collaboration.participants.is_empty() {
                            in_pool.insert(c);
                            self.extra.entry(i).or_default().push(c);
                        }
                    }
                }
            }
        }
        for (c, container) in b.containers.iter().enumerate() {
            match container.parent {
                None if !in_pool.contains(&c) => units.push(Unit::Process(c)),
                Some(_) => units.push(Unit::SubProcess(c)),
                None => {}
            }
        }
        // Use case ids first, so that `calls:` can name a use case made later.
        let mut ids = Vec::new();
        for unit in &units {
            let (base, containers) = match *unit {
                Unit::Collaboration(i) => {
                    let collaboration = &b.collaborations[i];
                    let containers = self.containers_of(i);
                    let name = collaboration
                        .name
                        .clone()
                        .or_else(|| b.name.clone())
                        .or_else(|| containers.iter().find_map(|&c| b.containers[c].name.clone()))
                        .unwrap_or_else(|| self.stem.clone());
                    (name, containers)
                }
                Unit::Process(c) => (
                    b.containers[c]
                        .name
                        .clone()
                        .or_else(|| b.name.clone())
                        .unwrap_or_else(|| self.stem.clone()),
                    vec![c],
                ),
                Unit::SubProcess(c) => {
                    let parent = b.nodes[b.containers[c].parent.expect("a sub-process")].container;
                    let parent_id = self.container_uc.get(&parent).cloned().unwrap_or_default();
                    let own = b.containers[c]
                        .name
                        .clone()
                        .unwrap_or_else(|| b.containers[c].id.clone());
                    (format!("{parent_id} {own}"), vec![c])
                }
            };
            let carried = match *unit {
                Unit::Collaboration(_) | Unit::Process(_) => containers
                    .first()
                    .and_then(|&c| self.carried(&b.containers[c].id, "Process_"))
                    .map(str::to_owned),
                Unit::SubProcess(_) => None,
            };
            let mut slug = carried.unwrap_or_else(|| slugify(&base, 60));
            if slug.is_empty() {
                slug = slugify(&self.stem, 60);
            }
            if slug.is_empty() {
                slug = "process".into();
            }
            let id = unique(&slug, &mut self.registry.use_case_ids);
            for c in containers {
                self.container_uc.insert(c, id.clone());
            }
            ids.push((id, base));
        }
        for (unit, (id, title)) in units.iter().zip(ids) {
            self.unit(unit, id, title);
        }
        for (line, what) in &b.left_out {
            self.out.left_out.push(format!("line {line}: {what}"));
        }
        self.out
    }

    /// The team (or the customer) that does `node`'s work.
    fn actor(&mut self, node: usize) -> TeamRef {
        let b = self.bpmn;
        // A boundary event acts in its activity's lane; a node of a sub-process without a
        // lane in the sub-process's.
        let lane = self.lane_of(node);
        let process = self.top(b.nodes[node].container);
        let pool = self.pool_of.get(&process).copied();
        if let Some((blueprint, team)) = lane.and_then(|l| self.casebook_lane(l)) {
            if team == "customer" {
                return TeamRef::Customer;
            }
            let department = self.department_name(process, pool);
            let name = lane
                .and_then(|l| b.lanes[l].name.clone())
                .unwrap_or_else(|| team.clone());
            if let Some(t) = self.team_def(&team) {
                return t;
            }
            return self.registry.team_by_id(&team, &name, &department, blueprint);
        }
        self.team_for(process, pool, lane)
    }

    /// The team `id` as casebook's extension elements define it (its name, lane, department),
    /// when they do.
    fn team_def(&mut self, id: &str) -> Option<TeamRef> {
        let def = *self.defs.get(&("team".to_owned(), id.to_owned()))?;
        let name = ext_get(def, "name").unwrap_or(id);
        let lane = crate::model::Lane::parse(ext_get(def, "lane").unwrap_or_default())
            .filter(|l| *l != crate::model::Lane::Customer)
            .map_or("backstage", |l| l.as_str());
        let department_id = ext_get(def, "department").filter(|d| crate::scaffold::is_slug(d));
        let department_name = ext_get(def, "departmentName").or(department_id).unwrap_or(id);
        let automated = ext_get(def, "automated") == Some("true");
        Some(
            self.registry
                .team_by_id_in(id, name, (department_id, department_name), lane, automated),
        )
    }

    /// The system `id`, made from its definition when the catalogue lacks it.
    fn system_def(&mut self, id: &str) -> String {
        let def = self.defs.get(&("system".to_owned(), id.to_owned())).copied();
        let name = def.and_then(|d| ext_get(d, "name")).unwrap_or(id).to_owned();
        let mut bad = Vec::new();
        let access = def
            .and_then(|d| ext_get(d, "access"))
            .map(|a| id_list(a, &mut bad))
            .unwrap_or_default();
        self.registry.system_with_id(id, &name, &access)
    }

    /// The item `id`, made from its definition (name, `stored_in`) when the catalogue lacks it.
    fn item_def(&mut self, id: &str, fallback_name: &str) -> String {
        let def = self.defs.get(&("item".to_owned(), id.to_owned())).copied();
        let name = def
            .and_then(|d| ext_get(d, "name"))
            .unwrap_or(fallback_name)
            .to_owned();
        let item = self.registry.item_with_id(id, &name);
        if let Some(system) = def
            .and_then(|d| ext_get(d, "storedIn"))
            .filter(|s| crate::scaffold::is_slug(s))
        {
            let system = self.system_def(system);
            self.registry.store_item(&item, &system);
        }
        item
    }

    /// Item ids of an extension attribute (`carries`, `inputs`), each made when missing.
    fn items_of(&mut self, ext: &Ext, name: &str, what: &str) -> Vec<String> {
        let Some(text) = ext_get(ext, name) else {
            return Vec::new();
        };
        let mut bad = Vec::new();
        let ids = id_list(text, &mut bad);
        for b in bad {
            self.out.left_out.push(format!(
                "{what}: `casebook:{name}` names `{b}`, not an id: left out"
            ));
        }
        ids.into_iter().map(|i| self.item_def(&i, &i)).collect()
    }

    /// A step's fields from casebook's extension attributes (`node`'s).
    fn step_ext(&mut self, n: usize, step: &mut StepDraft) {
        let b = self.bpmn;
        let ext = &b.nodes[n].ext;
        if ext.is_empty() {
            return;
        }
        let what = format!("line {}: step `{}`", b.nodes[n].line, step.id);
        let bad = |this: &mut Self, attr: &str, value: &str| this.invalid(&what, attr, value);
        let slug = |v: &str| crate::scaffold::is_slug(v);
        if let Some(c) = ext_get(ext, "channel") {
            if slug(c) {
                let def = self.defs.get(&("channel".to_owned(), c.to_owned())).map(|d| {
                    (
                        ext_get(d, "name").unwrap_or(c),
                        ext_get(d, "kind").unwrap_or("web"),
                        ext_get(d, "synchronous") == Some("true"),
                    )
                });
                step.channel = Some(self.registry.channel(c, def));
            } else {
                bad(self, "channel", c);
            }
        }
        if let Some(sys) = ext_get(ext, "system") {
            if slug(sys) {
                let id = self.system_def(sys);
                step.system = Some(id);
            } else {
                bad(self, "system", sys);
            }
        }
        if let Some(d) = ext_get(ext, "duration") {
            if crate::model::Duration::parse(d).is_some() {
                step.duration = Some(d.to_owned());
            } else {
                bad(self, "duration", d);
            }
        }
        if let Some(sat) = ext_get(ext, "satisfaction") {
            match satisfaction(sat) {
                Some(s) => step.satisfaction = Some(s),
                None => bad(self, "satisfaction", sat),
            }
        }
        step.moment_of_truth |= ext_get(ext, "momentOfTruth") == Some("true");
        step.fail_point |= ext_get(ext, "failPoint") == Some("true");
        step.carries = self.items_of(ext, "carries", &what);
        let (allow, reason) = self.allow_and_reason(ext, &what);
        if let Some(allow) = allow {
            step.allow = allow;
        }
        step.reason = reason;
    }

    /// Names an invalid value of one of casebook's attributes in the import report.
    fn invalid(&mut self, what: &str, attr: &str, value: &str) {
        self.out.left_out.push(format!(
            "{what}: `casebook:{attr}=\"{value}\"` is not valid: left out"
        ));
    }

    /// `casebook:allow` (its ids; the others are named as invalid), if given, and
    /// `casebook:reason`: a step's and a use case's alike.
    fn allow_and_reason(&mut self, ext: &Ext, what: &str) -> (Option<Vec<String>>, Option<String>) {
        let allow = ext_get(ext, "allow").map(|a| {
            let mut wrong = Vec::new();
            let ids = id_list(a, &mut wrong);
            for w in wrong {
                self.invalid(what, "allow", &w);
            }
            ids
        });
        (allow, ext_get(ext, "reason").map(str::to_owned))
    }

    /// A use case's fields from casebook's extension attributes (its first process's).
    fn use_case_ext(&mut self, draft: &mut Draft, ext: &Ext) {
        if ext.is_empty() {
            return;
        }
        let what = format!("use case `{}`", draft.id);
        let bad = |this: &mut Self, attr: &str, value: &str| this.invalid(&what, attr, value);
        if let Some(o) = ext_get(ext, "owner") {
            if crate::scaffold::is_slug(o) && o != crate::model::CUSTOMER {
                if self.registry.has_team(o) || self.team_def(o).is_some() {
                    draft.owner = Some(o.to_owned());
                }
            } else {
                bad(self, "owner", o);
            }
        }
        if let Some(st) = ext_get(ext, "status") {
            match crate::model::Status::parse(st) {
                Some(s) => draft.status = Some(s.as_str().to_owned()),
                None => bad(self, "status", st),
            }
        }
        if let Some(r) = ext_get(ext, "reviewed") {
            match crate::model::Date::parse(r) {
                Some(_) => draft.reviewed = Some(r.to_owned()),
                None => bad(self, "reviewed", r),
            }
        }
        if let Some(m) = ext_get(ext, "reviewEveryMonths") {
            match m.parse::<u32>() {
                Ok(m) if m >= 1 => draft.review_every_months = Some(m),
                _ => bad(self, "reviewEveryMonths", m),
            }
        }
        if let Some(o) = ext_get(ext, "outcome").filter(|o| !o.trim().is_empty()) {
            draft.outcome = o.to_owned();
        }
        if ext_get(ext, "inputs").is_some() {
            draft.inputs = self.items_of(ext, "inputs", &what);
        }
        if let Some(t) = ext_get(ext, "tags") {
            draft.tags = t
                .lines()
                .map(str::trim)
                .filter(|t| !t.is_empty())
                .map(str::to_owned)
                .collect();
        }
        let (allow, reason) = self.allow_and_reason(ext, &what);
        if let Some(allow) = allow {
            draft.allow = allow;
        }
        draft.reason = reason;
    }

    /// The department of a pool or lone process: its name.
    fn department_name(&self, process: usize, pool: Option<usize>) -> String {
        let b = self.bpmn;
        pool.and_then(|p| b.participants[p].name.clone())
            .or_else(|| b.containers[process].name.clone())
            .or_else(|| b.name.clone())
            .or_else(|| pool.map(|p| b.participants[p].id.clone()))
            .unwrap_or_else(|| b.containers[process].id.clone())
    }

    fn team_for(&mut self, process: usize, pool: Option<usize>, lane: Option<usize>) -> TeamRef {
        let b = self.bpmn;
        let department = self.department_name(process, pool);
        let pool_names: Vec<String> = pool
            .map(|p| {
                vec![
                    b.participants[p].id.clone(),
                    b.participants[p].name.clone().unwrap_or_default(),
                ]
            })
            .unwrap_or_default();
        let lane_names: Vec<String> = lane
            .map(|l| {
                let mut v = vec![b.lanes[l].id.clone(), b.lanes[l].name.clone().unwrap_or_default()];
                v.extend(b.lanes[l].parents.iter().cloned());
                v
            })
            .unwrap_or_default();
        let pool_label = pool.map(|p| {
            b.participants[p]
                .name
                .clone()
                .unwrap_or_else(|| b.participants[p].id.clone())
        });
        if self
            .registry
            .is_customer(&pool_names, &department, pool_label.as_deref())
        {
            return TeamRef::Customer;
        }
        // An unnamed lane is its pool's team.
        if let Some(l) = lane.filter(|&l| b.lanes[l].name.is_some()) {
            let lane_label = b.lanes[l].name.clone().unwrap_or_else(|| b.lanes[l].id.clone());
            if self
                .registry
                .is_customer(&lane_names, &lane_label, Some(&lane_label))
            {
                return TeamRef::Customer;
            }
            let mut description = None;
            if !b.lanes[l].parents.is_empty() {
                description = Some(format!(
                    "Lane {} within {} in the BPMN model.",
                    lane_label,
                    b.lanes[l].parents.join(" / ")
                ));
            }
            return self.registry.team(&department, &lane_label, description);
        }
        // A pool without lanes (or a node outside every lane) is one team named after it.
        let has_lanes = lane.is_none() && b.lanes.iter().any(|l| l.process == process);
        if has_lanes {
            self.out.guessed.push(format!(
                "a flow node of `{department}` is in no lane: it is done by the team `{}` named after the pool",
                slugify(&department, 64)
            ));
        }
        self.registry.team(&department, &department, None)
    }

    /// The processes of collaboration `i`: its pools' and those without a pool that its message
    /// flows reach.
    fn containers_of(&self, i: usize) -> Vec<usize> {
        let b = self.bpmn;
        b.collaborations[i]
            .participants
            .iter()
            .filter_map(|&p| b.participants[p].process)
            .chain(self.extra.get(&i).into_iter().flatten().copied())
            .collect()
    }

    /// Builds one use case.
    fn unit(&mut self, unit: &Unit, id: String, title: String) {
        let b = self.bpmn;
        let (containers, black_boxes, message_flows, source) = match *unit {
            Unit::Collaboration(i) => {
                let collaboration = &b.collaborations[i];
                let containers = self.containers_of(i);
                let black: Vec<usize> = collaboration
                    .participants
                    .iter()
                    .copied()
                    .filter(|&p| b.participants[p].process.is_none())
                    .collect();
                (
                    containers,
                    black,
                    collaboration.message_flows.clone(),
                    format!("collaboration `{}`", collaboration.id),
                )
            }
            Unit::Process(c) => (
                vec![c],
                Vec::new(),
                Vec::new(),
                format!("process `{}`", b.containers[c].id),
            ),
            Unit::SubProcess(c) => (
                vec![c],
                Vec::new(),
                Vec::new(),
                format!("sub-process `{}`", b.containers[c].id),
            ),
        };
        let mut draft = Draft {
            id: id.clone(),
            title: title.clone(),
            file: self.file.to_owned(),
            source: source.clone(),
            ..Draft::default()
        };
        // Steps: every non-gateway node, in document order.
        let mut taken = HashSet::new();
        let mut step_of: HashMap<usize, StepAt> = HashMap::new();
        let nodes: Vec<usize> = containers
            .iter()
            .flat_map(|&c| b.containers[c].nodes.iter().copied())
            .collect();
        for &n in &nodes {
            let node = &b.nodes[n];
            if matches!(node.kind, Kind::Gateway(_)) || self.helper(n) {
                continue;
            }
            if let Some(id) = self.carried(&node.id, "Step_") {
                let step_id = unique(id, &mut taken);
                step_of.insert(n, StepAt { id: step_id });
                continue;
            }
            let base = node
                .name
                .as_deref()
                .map(|s| slugify(s, 56))
                .filter(|s| !s.is_empty());
            let base = base.unwrap_or_else(|| slugify(&node.element, 56));
            let step_id = unique(&base, &mut taken);
            step_of.insert(n, StepAt { id: step_id });
        }
        if step_of.is_empty() && black_boxes.is_empty() {
            self.out.left_out.push(format!(
                "{source} has no task, sub-process or event: no use case `{id}` made"
            ));
            return;
        }
        for &n in &nodes {
            let Some(at) = step_of.get(&n).cloned() else {
                continue;
            };
            let step = self.step(n, at.id.clone(), &step_of, &id);
            draft.steps.push(step);
        }
        // Black-box pools: one step each, which sends and receives their messages.
        let mut pool_step: HashMap<usize, String> = HashMap::new();
        for &p in &black_boxes {
            let participant = &b.participants[p];
            let name = participant.name.clone().unwrap_or_else(|| participant.id.clone());
            let slug = slugify(&name, 56);
            let step_id = unique(if slug.is_empty() { "pool" } else { &slug }, &mut taken);
            let process_less = self.registry.team_or_customer_for_pool(participant, &name);
            self.out.guessed.push(format!(
                "pool `{name}` has no process (a black box): one step `{step_id}` stands for it, sending and receiving its messages"
            ));
            pool_step.insert(p, step_id.clone());
            draft.steps.push(StepDraft {
                id: step_id,
                title: name,
                actor: process_less,
                notes: vec!["BPMN: a pool without a process (black box); this step stands for it".into()],
                ..StepDraft::default()
            });
        }
        // Message flows: `next` entries with `message: true`.
        let step_index: HashMap<String, usize> = draft
            .steps
            .iter()
            .enumerate()
            .map(|(i, s)| (s.id.clone(), i))
            .collect();
        let mut end_messages: Vec<(usize, NextDraft)> = Vec::new();
        for &m in &message_flows {
            let flow = &b.message_flows[m];
            let resolve = |e: Endpoint| -> Result<String, String> {
                match e {
                    Endpoint::Pool(p) => pool_step.get(&p).cloned().ok_or_else(|| {
                        format!(
                            "the border of pool `{}` (a pool with a process: connect the message to one of its tasks or events)",
                            b.participants[p].name.clone().unwrap_or_else(|| b.participants[p].id.clone())
                        )
                    }),
                    Endpoint::Node(n) => match step_of.get(&n) {
                        Some(at) => Ok(at.id.clone()),
                        None if matches!(b.nodes[n].kind, Kind::Gateway(_)) => {
                            Err(format!("the gateway `{}`", b.nodes[n].id))
                        }
                        None => Err(format!(
                            "`{}`, in the use case `{}` (a message cannot cross use cases)",
                            b.nodes[n].name.clone().unwrap_or_else(|| b.nodes[n].id.clone()),
                            self.container_uc.get(&b.nodes[n].container).cloned().unwrap_or_default()
                        )),
                    },
                }
            };
            let label = flow.name.clone().unwrap_or_else(|| flow.id.clone());
            let (from, to) = match (resolve(flow.source), resolve(flow.target)) {
                (Ok(f), Ok(t)) => (f, t),
                (Err(e), _) | (_, Err(e)) => {
                    self.out.left_out.push(format!(
                        "line {}: message flow `{label}`: left out, it touches {e}",
                        flow.line
                    ));
                    continue;
                }
            };
            // casebook's export names a message by its `when:` and says what it carries in
            // `casebook:carries`; another tool's message carries the item it names.
            let own = self.casebook() || ext_get(&flow.ext, "carries").is_some();
            let carries = if own {
                let what = format!("line {}: message flow `{label}`", flow.line);
                self.items_of(&flow.ext, "carries", &what)
            } else {
                flow.message
                    .clone()
                    .or_else(|| flow.name.clone())
                    .map(|name| vec![self.registry.item(&name)])
                    .unwrap_or_default()
            };
            let entry = NextDraft {
                to,
                message: true,
                carries,
                when: flow.name.clone().filter(|_| self.casebook()),
                ..NextDraft::default()
            };
            let i = step_index[&from];
            if draft.steps[i].end.is_some() {
                end_messages.push((i, entry));
            } else {
                draft.steps[i].next.push(entry);
            }
        }
        // An end step has no `next`: an end event that sends a message becomes a step that
        // sends it, followed by an end step.
        let mut ends_split: Vec<usize> = end_messages.iter().map(|(i, _)| *i).collect();
        ends_split.dedup();
        for i in ends_split {
            let end_id = unique(&format!("{}-end", draft.steps[i].id), &mut taken);
            let label = draft.steps[i].end.take().unwrap_or_default();
            let step = &mut draft.steps[i];
            step.next.push(NextDraft {
                to: end_id.clone(),
                ..NextDraft::default()
            });
            step.notes.push(format!(
                "BPMN: an end event that sends a message; the end itself is the step `{end_id}`"
            ));
            self.out.guessed.push(format!(
                "end event `{}` sends a message: it is a step followed by the end step `{end_id}`",
                draft.steps[i].id
            ));
            let actor = draft.steps[i].actor.clone();
            let end_step = StepDraft {
                id: end_id,
                end: Some(label),
                actor,
                ..StepDraft::default()
            };
            let at = i + 1;
            draft.steps.insert(at, end_step);
            // Indexes after `at` moved by one.
            for (j, _) in end_messages.iter_mut() {
                if *j >= at {
                    *j += 1;
                }
            }
        }
        for (i, entry) in end_messages {
            draft.steps[i].next.push(entry);
        }
        self.finish(&mut draft, &nodes, &step_of, &pool_step);
        if let Some(&first) = containers.first()
            && b.containers[first].parent.is_none()
        {
            self.use_case_ext(&mut draft, &b.containers[first].ext);
        }
        self.out.drafts.push(draft);
    }

    /// The step of one node, with its `next` entries from sequence flows through gateways.
    fn step(&mut self, n: usize, id: String, step_of: &HashMap<usize, StepAt>, use_case: &str) -> StepDraft {
        let b = self.bpmn;
        let node = &b.nodes[n];
        let actor = self.actor(n);
        let mut step = StepDraft {
            id,
            actor,
            ..StepDraft::default()
        };
        let kind_title = match node.kind {
            Kind::Start => "Start",
            Kind::End => "End",
            Kind::Boundary => "Boundary event",
            Kind::Catch | Kind::Throw => "Intermediate event",
            _ => "",
        };
        let fallback = if kind_title.is_empty() {
            words(&node.element)
        } else {
            match node.events.first() {
                Some(e) => format!("{kind_title} ({e})"),
                None => kind_title.to_owned(),
            }
        };
        step.title = node.name.clone().unwrap_or(fallback);
        if node.kind == Kind::End {
            step.end = Some(node.name.clone().unwrap_or_else(|| "end".into()));
        }
        // What casebook cannot express is kept as a note.
        let mut notes = Vec::new();
        for event in &node.events {
            match event.as_str() {
                "message" => {}
                "timer" => {
                    let what = node.timer.clone().unwrap_or_else(|| "no time given".into());
                    match duration(&what) {
                        Some(d) if matches!(node.kind, Kind::Catch) => {
                            step.duration = Some(d.clone());
                            notes.push(format!("BPMN: timer event ({what}), imported as `duration: {d}`"));
                        }
                        _ => notes.push(format!("BPMN: timer event ({what})")),
                    }
                }
                other => notes.push(format!("BPMN: {other} event")),
            }
        }
        if node.kind == Kind::Boundary {
            notes.push(format!(
                "BPMN: {} boundary event of `{}`",
                if node.interrupting {
                    "interrupting"
                } else {
                    "non-interrupting"
                },
                node.attached_to
                    .map(|a| b.nodes[a].name.clone().unwrap_or_else(|| b.nodes[a].id.clone()))
                    .unwrap_or_default()
            ));
        }
        if let Some(looping) = node.looping {
            notes.push(format!("BPMN: {looping}"));
        }
        if node.compensation {
            notes.push("BPMN: a compensation activity (run to undo another)".into());
        }
        match node.element.as_str() {
            "transaction" => notes.push("BPMN: a transaction sub-process".into()),
            "adHocSubProcess" => {
                notes.push("BPMN: an ad hoc sub-process (its activities in any order)".into())
            }
            _ => {}
        }
        // casebook's export: a step drawn in another blueprint lane than its team's default
        // had a `lane:` of its own.
        if let (Some((blueprint, _)), TeamRef::Team(team)) =
            (self.lane_of(n).and_then(|l| self.casebook_lane(l)), &step.actor)
            && self.registry.team_lane(team) != Some(blueprint)
        {
            step.lane = Some(blueprint.to_owned());
        }
        // Sub-processes and call activities: `calls:`.
        if let Some(child) = node.child {
            if let Some(uc) = self.container_uc.get(&child) {
                step.calls = Some(uc.clone());
            }
            if b.containers[child].triggered_by_event {
                notes.push("BPMN: an event sub-process (it starts on an event, not in sequence)".into());
                step.calls = None;
                self.out.left_out.push(format!(
                    "event sub-process `{}`: its own use case, called by no step (it starts on an event)",
                    step.title
                ));
            }
        }
        let exported_call = node
            .called
            .as_deref()
            .and_then(|c| self.carried(c, "Process_"))
            .map(str::to_owned);
        if let (Kind::CallActivity, Some(uc)) = (node.kind, exported_call) {
            // casebook's export names the called use case's process, in its own file.
            step.calls = Some(uc);
        } else if node.kind == Kind::CallActivity {
            let called = node.called.clone().unwrap_or_default();
            match b
                .containers
                .iter()
                .position(|c| c.parent.is_none() && c.id == called)
                .and_then(|c| self.container_uc.get(&c))
            {
                Some(uc) if uc != use_case => step.calls = Some(uc.clone()),
                Some(_) => notes.push(format!("BPMN: calls its own process `{called}`")),
                None => {
                    notes.push(format!(
                        "BPMN: calls `{called}`, which is not a process of this file"
                    ));
                    self.out.left_out.push(format!(
                        "line {}: call activity `{}` calls `{called}`, not a process of this file: import that file and add `calls:`",
                        node.line, step.title
                    ));
                }
            }
        }
        // Data: needs, gives, the system.
        for &d in &node.reads {
            let data = &b.data[d];
            let name = data.name.clone().unwrap_or_else(|| data.id.clone());
            if data.store {
                let system = self.registry.system(&name);
                if let TeamRef::Team(team) = &step.actor {
                    self.registry.grant(&system, team);
                }
            } else {
                let item = match self.carried(&data.id, "Data_") {
                    Some(id) => self.item_def(id, &name),
                    None => self.registry.item(&name),
                };
                if !step.needs.contains(&item) {
                    step.needs.push(item);
                }
            }
        }
        for &d in &node.writes {
            let data = &b.data[d];
            let name = data.name.clone().unwrap_or_else(|| data.id.clone());
            if data.store {
                let system = self.registry.system(&name);
                match &step.system {
                    None => step.system = Some(system),
                    Some(first) if *first != system => {
                        notes.push(format!("BPMN: also writes to the data store `{name}`"))
                    }
                    Some(_) => {}
                }
            } else {
                let item = match self.carried(&data.id, "Data_") {
                    Some(id) => self.item_def(id, &name),
                    None => self.registry.item(&name),
                };
                if !step.gives.contains(&item) {
                    step.gives.push(item);
                }
            }
        }
        self.step_ext(n, &mut step);
        if node.kind != Kind::End {
            self.branches(n, &mut step, step_of, &mut notes);
        }
        for note in &notes {
            self.out.left_out.push(format!(
                "line {}: step `{}`: {}",
                node.line,
                step.id,
                note.trim_start_matches("BPMN: ")
            ));
        }
        step.notes.extend(notes);
        step
    }

    /// The `next` entries of a node: its outgoing sequence flows followed through any number
    /// of gateways to the activities and events they reach.
    fn branches(
        &mut self,
        n: usize,
        step: &mut StepDraft,
        step_of: &HashMap<usize, StepAt>,
        notes: &mut Vec<String>,
    ) {
        let b = self.bpmn;
        struct Path {
            target: usize,
            parts: Vec<String>,
            default: bool,
            splits: Vec<Gateway>,
            join_all: bool,
            carries: Vec<String>,
        }
        let node = &b.nodes[n];
        // Several unconditional flows out of an activity all run (BPMN's implicit parallel
        // split); conditional ones behave as an inclusive gateway.
        let implicit = (node.outgoing.len() > 1).then(|| {
            if node
                .outgoing
                .iter()
                .all(|&f| b.flows[f].condition.is_none() && Some(f) != node.default_flow)
            {
                Gateway::Parallel
            } else {
                Gateway::Inclusive
            }
        });
        let mut paths: Vec<Path> = Vec::new();
        // (flow, labels so far, default, gateway splits passed, through a parallel join,
        // gateways visited).
        type Walk = (
            usize,
            Vec<String>,
            bool,
            Vec<Gateway>,
            bool,
            Vec<usize>,
            Vec<String>,
        );
        let mut work: Vec<Walk> = node
            .outgoing
            .iter()
            .rev()
            .map(|&f| {
                (
                    f,
                    Vec::new(),
                    false,
                    implicit.into_iter().collect(),
                    false,
                    Vec::new(),
                    Vec::new(),
                )
            })
            .collect();
        let mut budget = PATH_BUDGET;
        let mut kinds_seen: HashSet<&'static str> = HashSet::new();
        while let Some((f, mut parts, mut default, mut splits, mut join_all, mut visited, mut carries)) =
            work.pop()
        {
            if budget == 0 {
                notes.push(format!(
                    "BPMN: the gateways after this step make more than {PATH_BUDGET} paths; the rest are left out"
                ));
                break;
            }
            budget -= 1;
            let flow = &b.flows[f];
            if let Some(text) = ext_get(&flow.ext, "carries") {
                let mut bad = Vec::new();
                for item in id_list(text, &mut bad) {
                    if !carries.contains(&item) {
                        carries.push(item);
                    }
                }
            }
            let source = &b.nodes[flow.source];
            let is_default = source.default_flow == Some(f);
            if let Some(label) = flow.name.clone().or_else(|| flow.condition.clone()) {
                parts.push(label);
            } else if is_default && !parts.is_empty() {
                parts.push("otherwise".into());
            }
            // The branch is the default when its first choice is a default flow.
            let first_choice = splits.len() <= 1 && (source.outgoing.len() > 1 || flow.source == n);
            if is_default
                && first_choice
                && !parts
                    .iter()
                    .any(|p| p != "otherwise" && flow.name.as_deref() != Some(p))
            {
                default = true;
            }
            let target = flow.target;
            match b.nodes[target].kind {
                Kind::Gateway(g) => {
                    if visited.contains(&target) {
                        kinds_seen.insert("loop");
                        continue;
                    }
                    visited.push(target);
                    let gateway = &b.nodes[target];
                    if g == Gateway::Parallel && gateway.incoming.len() > 1 {
                        join_all = true;
                    }
                    if g == Gateway::Inclusive && gateway.incoming.len() > 1 {
                        kinds_seen.insert("inclusive-join");
                    }
                    if gateway.outgoing.len() > 1 {
                        splits.push(g);
                        match g {
                            Gateway::Inclusive => kinds_seen.insert("inclusive"),
                            Gateway::EventBased => kinds_seen.insert("event-based"),
                            Gateway::Complex => kinds_seen.insert("complex"),
                            _ => false,
                        };
                    }
                    if g == Gateway::EventBased {
                        // The event that happens first decides: its name is the condition.
                        for &out in gateway.outgoing.iter().rev() {
                            let mut parts = parts.clone();
                            let event = &b.nodes[b.flows[out].target];
                            if b.flows[out].name.is_none() {
                                parts.push(event.name.clone().unwrap_or_else(|| "the event happens".into()));
                            }
                            work.push((
                                out,
                                parts,
                                default,
                                splits.clone(),
                                join_all,
                                visited.clone(),
                                carries.clone(),
                            ));
                        }
                    } else {
                        for &out in gateway.outgoing.iter().rev() {
                            work.push((
                                out,
                                parts.clone(),
                                default,
                                splits.clone(),
                                join_all,
                                visited.clone(),
                                carries.clone(),
                            ));
                        }
                    }
                    if gateway.outgoing.is_empty() {
                        notes.push(format!("BPMN: the gateway `{}` leads nowhere", gateway.id));
                    }
                }
                _ => paths.push(Path {
                    target,
                    parts,
                    default,
                    splits,
                    join_all,
                    carries,
                }),
            }
        }
        let any_parallel = paths.iter().any(|p| p.splits.contains(&Gateway::Parallel));
        let all_parallel = paths.len() > 1
            && paths
                .iter()
                .all(|p| !p.splits.is_empty() && p.splits.iter().all(|g| *g == Gateway::Parallel));
        if all_parallel {
            step.parallel = true;
            if paths.iter().any(|p| !p.parts.is_empty()) {
                notes.push(
                    "BPMN: names on parallel branches (kept out of `when:`: parallel branches are all taken)"
                        .into(),
                );
            }
        } else if any_parallel {
            notes.push(
                "BPMN: parallel and exclusive gateways mixed after this step: imported as exclusive branches, those that run together in BPMN say `in parallel`".into(),
            );
        }
        for kind in ["inclusive", "event-based", "complex", "inclusive-join", "loop"] {
            if kinds_seen.contains(kind) {
                notes.push(match kind {
                    "inclusive" => "BPMN: an inclusive gateway: BPMN may take several of these branches at once, casebook takes one".into(),
                    "event-based" => "BPMN: an event-based gateway: the first event to happen decides the branch".into(),
                    "complex" => "BPMN: a complex gateway: its rule is not imported".into(),
                    "inclusive-join" => "BPMN: an inclusive join after this step (it waits for the branches that were taken)".into(),
                    _ => "BPMN: a loop of gateways with no activity in it".into(),
                });
            }
        }
        for path in paths {
            let Some(at) = step_of.get(&path.target) else {
                continue;
            };
            let mut parts = path.parts;
            if !all_parallel && path.splits.contains(&Gateway::Parallel) {
                parts.push("in parallel".into());
            }
            let when = (!all_parallel && !parts.is_empty()).then(|| parts.join("; "));
            let entry = NextDraft {
                to: at.id.clone(),
                when,
                default: path.default && !all_parallel,
                join_all: path.join_all,
                carries: path.carries.iter().map(|i| self.item_def(i, i)).collect(),
                ..NextDraft::default()
            };
            // Two paths to one step are one branch whose condition is either path's.
            match step.next.iter_mut().find(|e| e.to == entry.to) {
                Some(e) => {
                    let group = |w: &str| {
                        if w.contains(';') {
                            format!("({w})")
                        } else {
                            w.to_owned()
                        }
                    };
                    e.when = match (e.when.take(), entry.when) {
                        // A condition stays readable: past `MAX_WHEN` characters the other
                        // paths are counted, not spelt out.
                        (Some(a), Some(_)) if a.ends_with(" other paths") || a.len() > MAX_WHEN => {
                            let (first, n) = match a.rsplit_once(" or ") {
                                Some((first, count)) if count.ends_with(" other paths") => {
                                    let n: usize =
                                        count.split(' ').next().and_then(|n| n.parse().ok()).unwrap_or(1);
                                    (first.to_owned(), n + 1)
                                }
                                _ => (group(&a), 1),
                            };
                            Some(format!("{first} or {n} other paths"))
                        }
                        (Some(a), Some(b)) if a != b => Some(format!("{} or {}", group(&a), group(&b))),
                        (a, b) => a.or(b),
                    };
                    e.default |= entry.default;
                    e.join_all |= entry.join_all;
                    for c in entry.carries {
                        if !e.carries.contains(&c) {
                            e.carries.push(c);
                        }
                    }
                }
                None => step.next.push(entry),
            }
        }
        if !all_parallel && step.next.len() > 1 && step.next.iter().any(|e| e.when.is_none() && !e.default) {
            notes.push(
                "BPMN: branches without a name or condition (unlabelled-branch asks for a `when:`)".into(),
            );
        }
    }

    /// Boundary events, `join: all`, the start, the owner, inputs and the texts of a draft.
    fn finish(
        &mut self,
        draft: &mut Draft,
        nodes: &[usize],
        step_of: &HashMap<usize, StepAt>,
        pool_step: &HashMap<usize, String>,
    ) {
        let b = self.bpmn;
        let index: HashMap<String, usize> = draft
            .steps
            .iter()
            .enumerate()
            .map(|(i, s)| (s.id.clone(), i))
            .collect();
        // casebook's export: a failure event leads to the recovery step.
        for &n in nodes.iter().filter(|&&n| self.helper(n)) {
            let node = &b.nodes[n];
            let (Some(a), Some(&f)) = (node.attached_to, node.outgoing.first()) else {
                continue;
            };
            // The export may put a merge gateway before the recovery step (where other flows
            // meet it too): follow gateways with one way out to the step.
            let mut target = b.flows[f].target;
            let mut hops = 0;
            while let (Kind::Gateway(_), [out]) = (&b.nodes[target].kind, b.nodes[target].outgoing.as_slice())
            {
                target = b.flows[*out].target;
                hops += 1;
                if hops > b.nodes.len() {
                    break;
                }
            }
            if let (Some(activity), Some(recovery)) = (step_of.get(&a), step_of.get(&target)) {
                let step = &mut draft.steps[index[&activity.id]];
                step.fail_point = true;
                step.recovery = Some(recovery.id.clone());
            }
        }
        // Boundary events: the activity is a fail point, the first event its recovery.
        for &n in nodes {
            let node = &b.nodes[n];
            let (Some(a), Some(at)) = (node.attached_to, step_of.get(&n)) else {
                continue;
            };
            let Some(activity) = step_of.get(&a) else { continue };
            let i = index[&activity.id];
            let step = &mut draft.steps[i];
            if step.recovery.is_none() {
                step.fail_point = true;
                step.recovery = Some(at.id.clone());
            } else {
                step.notes.push(format!(
                    "BPMN: the boundary event `{}` too; casebook names one recovery per step",
                    at.id
                ));
                self.out.left_out.push(format!(
                    "line {}: boundary event `{}` is not the recovery of `{}` (one recovery per step): nothing leads to it",
                    node.line, at.id, activity.id
                ));
            }
        }
        // `join: all` on the steps reached through a parallel join.
        let joins: Vec<String> = draft
            .steps
            .iter()
            .flat_map(|s| s.next.iter().filter(|e| e.join_all).map(|e| e.to.clone()))
            .collect();
        for to in joins {
            if let Some(&i) = index.get(&to) {
                draft.steps[i].join_all = true;
            }
        }
        // The start: the first start event that no message starts, else a black-box pool that
        // sends first, else the first start event, else the first node nothing leads to.
        let messaged: HashSet<&str> = draft
            .steps
            .iter()
            .flat_map(|s| s.next.iter().filter(|e| e.message).map(|e| e.to.as_str()))
            .collect();
        let starts: Vec<(usize, &str)> = nodes
            .iter()
            .filter(|&&n| b.nodes[n].kind == Kind::Start)
            .filter_map(|&n| step_of.get(&n).map(|at| (n, at.id.as_str())))
            .collect();
        let plain: Vec<&str> = starts
            .iter()
            .map(|(_, s)| *s)
            .filter(|s| !messaged.contains(s))
            .collect();
        let sending_pool = pool_step
            .values()
            .filter(|s| !messaged.contains(s.as_str()))
            .min()
            .map(String::as_str);
        let untriggered = || {
            nodes
                .iter()
                .filter(|&&n| {
                    let node = &b.nodes[n];
                    node.incoming.is_empty() && node.attached_to.is_none() && !node.compensation
                })
                .find_map(|n| step_of.get(n).map(|at| at.id.as_str()))
        };
        // casebook's export: its start event leads to the start step and is named by the trigger.
        let exported_start = nodes
            .iter()
            .find(|&&n| self.helper(n) && b.nodes[n].id == "Start")
            .and_then(|&n| b.nodes[n].outgoing.first())
            .and_then(|&f| step_of.get(&b.flows[f].target))
            .map(|at| at.id.as_str());
        let start = exported_start
            .or(plain.first().copied())
            .or(sending_pool)
            .or_else(|| starts.first().map(|(_, s)| *s))
            .or_else(untriggered)
            .or_else(|| draft.steps.first().map(|s| s.id.as_str()))
            .map(str::to_owned);
        if plain.len() > 1 {
            self.out.guessed.push(format!(
                "use case `{}` has {} start events: `{}` is the start; {} begin other paths (unreachable-step will point at them: split the use case or join the starts)",
                draft.id,
                plain.len(),
                plain[0],
                plain[1..].iter().map(|s| format!("`{s}`")).collect::<Vec<_>>().join(", ")
            ));
        }
        draft.start = start;
        // The owner: the start's team, else the first team acting.
        let team_of = |s: &StepDraft| match &s.actor {
            TeamRef::Team(t) => Some(t.clone()),
            TeamRef::Customer => None,
        };
        let start_team = draft
            .start
            .as_ref()
            .and_then(|s| index.get(s))
            .and_then(|&i| team_of(&draft.steps[i]));
        draft.owner = start_team
            .or_else(|| draft.steps.iter().find(|s| s.end.is_none()).and_then(team_of))
            .or_else(|| draft.steps.iter().find_map(team_of));
        if draft.owner.is_none() {
            // Only the customer acts: a team must still own the use case.
            let name = format!("{} owner", draft.title);
            let team = self.registry.team(&draft.title, &name, None);
            self.out.guessed.push(format!(
                "only the customer acts in `{}`: the new team `{}` owns it",
                draft.id,
                match &team {
                    TeamRef::Team(t) => t.as_str(),
                    TeamRef::Customer => "",
                }
            ));
            draft.owner = team_of(&StepDraft {
                actor: team,
                ..StepDraft::default()
            });
        }
        // The customer's name is the persona.
        draft.persona = b
            .participants
            .iter()
            .filter_map(|p| p.name.clone())
            .chain(b.lanes.iter().filter_map(|l| l.name.clone()))
            .find(|name| self.registry.customer_name(name));
        // Inputs: what a step needs that no step of the use case gives.
        let given: HashSet<&str> = draft
            .steps
            .iter()
            .flat_map(|s| s.gives.iter().chain(s.next.iter().flat_map(|e| e.carries.iter())))
            .map(String::as_str)
            .collect();
        let mut inputs: Vec<String> = Vec::new();
        for s in &draft.steps {
            for item in &s.needs {
                if !given.contains(item.as_str()) && !inputs.contains(item) {
                    inputs.push(item.clone());
                }
            }
        }
        if !inputs.is_empty() {
            self.out.guessed.push(format!(
                "use case `{}`: {} needed but given by no step, so taken as inputs (known at the start)",
                draft.id,
                inputs
                    .iter()
                    .map(|i| format!("`{i}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
        }
        draft.inputs = inputs;
        let start_title = draft
            .start
            .as_ref()
            .and_then(|s| index.get(s))
            .map(|&i| draft.steps[i].title.clone());
        draft.trigger = match start_title {
            Some(t) => format!("{t} (the start of the BPMN model)"),
            None => "The start of the BPMN model.".into(),
        };
        // casebook's export: the start event is named by the trigger, the customer's lane by
        // the persona.
        if let Some(&n) = nodes
            .iter()
            .find(|&&n| self.helper(n) && b.nodes[n].id == "Start")
            && let Some(name) = &b.nodes[n].name
        {
            draft.trigger = name.clone();
        }
        if let Some(l) =
            (0..b.lanes.len()).find(|&l| self.casebook_lane(l).is_some_and(|(_, t)| t == "customer"))
        {
            draft.persona = b.lanes[l].name.clone();
        }
        let ends: Vec<String> = draft.steps.iter().filter_map(|s| s.end.clone()).collect();
        draft.outcome = if ends.is_empty() {
            "The BPMN model names no end.".into()
        } else {
            let mut ends = ends;
            ends.dedup();
            format!("It ends: {}.", ends.join("; "))
        };
    }
}

/// An id of casebook's export without the suffix of a pool after the first (`_2`).
fn without_pool(id: &str) -> &str {
    match id.rsplit_once('_') {
        Some((head, n)) if !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()) => head,
        _ => id,
    }
}

/// `userTask` -> `User task`.
fn words(element: &str) -> String {
    let mut out = String::new();
    for (i, c) in element.chars().enumerate() {
        if c.is_ascii_uppercase() {
            out.push(' ');
            out.push(c.to_ascii_lowercase());
        } else if i == 0 {
            out.push(c.to_ascii_uppercase());
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_are_valid_and_readable() {
        assert_eq!(slugify("Task 1", 64), "task-1");
        assert_eq!(slugify("Prüfung der Rechnung", 64), "prufung-der-rechnung");
        assert_eq!(slugify("userTask", 64), "user-task");
        assert_eq!(slugify("  --  ", 64), "");
        assert_eq!(slugify("Message\nFlow 2", 64), "message-flow-2");
        for text in ["Élément ÉTÉ", "a/b\\c", "日本語 x", &"long ".repeat(40)] {
            let s = slugify(text, 64);
            assert!(s.is_empty() || crate::scaffold::is_slug(&s), "{s}");
        }
    }

    #[test]
    fn unique_ids_stay_slugs() {
        let mut taken = HashSet::new();
        let long = "a".repeat(64);
        assert_eq!(unique(&long, &mut taken), long);
        let second = unique(&long, &mut taken);
        assert!(
            crate::scaffold::is_slug(&second) && second.ends_with("-2"),
            "{second}"
        );
    }

    #[test]
    fn durations_with_one_unit() {
        assert_eq!(duration("timeDuration PT2H").as_deref(), Some("2h"));
        assert_eq!(duration("timeDuration P3D").as_deref(), Some("3d"));
        assert_eq!(duration("timeDuration PT30M").as_deref(), Some("30m"));
        assert_eq!(duration("timeDuration P1DT2H"), None);
        assert_eq!(duration("timeDate 2026-01-01"), None);
        assert_eq!(duration("timeDuration PT0H"), None);
    }

    #[test]
    fn satisfaction_scores_from_the_extension_attribute() {
        assert_eq!(
            satisfaction("customer:3 management:4").as_deref(),
            Some("{ customer: 3, management: 4 }")
        );
        assert_eq!(satisfaction("customer:7"), None);
        assert_eq!(satisfaction("boss:3"), None);
        assert_eq!(satisfaction("staff:2 staff:3"), None);
        assert_eq!(satisfaction(""), None);
        let mut bad = Vec::new();
        assert_eq!(id_list("crm a_b crm web", &mut bad), ["crm", "web"]);
        assert_eq!(bad, ["a_b"]);
    }

    #[test]
    fn customer_words() {
        assert!(sounds_like_customer("Customer"));
        assert!(sounds_like_customer("The client"));
        assert!(!sounds_like_customer("Customer service"));
        assert!(!sounds_like_customer("Client relations team"));
        assert!(!sounds_like_customer("Clientele desk"));
        assert!(!sounds_like_customer("Sales"));
    }
}
