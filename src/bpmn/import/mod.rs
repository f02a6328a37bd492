//! `casebook import bpmn`: BPMN 2.0 XML files into use cases, merged into a catalogue.
//!
//! Three phases, nothing written before the last: `xml` reads each file into a small model
//! with every reference resolved (a dangling one is an error), `map` turns it into use case
//! drafts and the teams, departments, items and systems they need ([`Registry`] keeps ids
//! unique and reuses what the catalogue has), and `write` renders the YAML, merges the new
//! entries into the catalogue's files by inserting text (every existing line is kept), checks
//! the result in memory through the loader's overlay, and only then writes: new files with
//! `create_new`, changed ones by a rename over a file that has not changed since it was read.
//! The mapping decisions are documented in the handbook's "Writing use cases" chapter.

pub mod map;
mod render;
mod write;
pub mod xml;

pub use write::{Plan, WriteError, commit, plan};

use std::collections::{HashMap, HashSet};
use std::path::PathBuf;

/// Options of an import.
#[derive(Clone, Debug, Default)]
pub struct Options {
    /// The catalogue to merge into (created when missing).
    pub into: PathBuf,
    /// Names or ids of pools and lanes that are the customer; empty: guess from the names.
    pub customers: Vec<String>,
    /// The domain of the new use cases (and their folder under `use-cases/`).
    pub domain: String,
}

/// Who does a step.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub enum TeamRef {
    /// A team, by id.
    Team(String),
    /// The customer.
    #[default]
    Customer,
}

/// A `next` entry to write.
#[derive(Clone, Debug, Default)]
pub struct NextDraft {
    /// The target step.
    pub to: String,
    /// The condition.
    pub when: Option<String>,
    /// The default branch.
    pub default: bool,
    /// A message flow (H1's `message: true`).
    pub message: bool,
    /// What the message carries.
    pub carries: Vec<String>,
    /// Reached through a parallel join (the target gets `join: all`).
    pub join_all: bool,
}

/// A step to write.
#[derive(Clone, Debug, Default)]
pub struct StepDraft {
    /// Its id.
    pub id: String,
    /// Its title.
    pub title: String,
    /// Who does it.
    pub actor: TeamRef,
    /// The end label of an end step.
    pub end: Option<String>,
    /// `next` entries.
    pub next: Vec<NextDraft>,
    /// `parallel: true`.
    pub parallel: bool,
    /// `join: all`.
    pub join_all: bool,
    /// `lane:`, when it differs from the team's.
    pub lane: Option<String>,
    /// `calls:`.
    pub calls: Option<String>,
    /// `fail_point: true`.
    pub fail_point: bool,
    /// `recovery:`.
    pub recovery: Option<String>,
    /// `needs:`.
    pub needs: Vec<String>,
    /// `gives:`.
    pub gives: Vec<String>,
    /// `system:`.
    pub system: Option<String>,
    /// `duration:`.
    pub duration: Option<String>,
    /// What BPMN said that casebook cannot: written as comments above the step.
    pub notes: Vec<String>,
    /// `channel:` (casebook's extension attributes, as all the fields below).
    pub channel: Option<String>,
    /// `satisfaction:`, as written (`{ customer: 3 }`).
    pub satisfaction: Option<String>,
    /// `moment_of_truth: true`.
    pub moment_of_truth: bool,
    /// `carries:`.
    pub carries: Vec<String>,
    /// `allow:`.
    pub allow: Vec<String>,
    /// `reason:`.
    pub reason: Option<String>,
}

/// A use case to write.
#[derive(Clone, Debug, Default)]
pub struct Draft {
    /// Its id.
    pub id: String,
    /// Its title.
    pub title: String,
    /// The BPMN file, as named on the command line.
    pub file: String,
    /// What in the file it comes from (`collaboration `C1``).
    pub source: String,
    /// The owner team.
    pub owner: Option<String>,
    /// The customer's name.
    pub persona: Option<String>,
    /// The trigger.
    pub trigger: String,
    /// The outcome.
    pub outcome: String,
    /// Items known at the start.
    pub inputs: Vec<String>,
    /// The start step.
    pub start: Option<String>,
    /// The steps.
    pub steps: Vec<StepDraft>,
    /// `status:` (casebook's extension attributes, as the fields below; else `draft`).
    pub status: Option<String>,
    /// `reviewed:`.
    pub reviewed: Option<String>,
    /// `review_every_months:`.
    pub review_every_months: Option<u32>,
    /// `tags:`.
    pub tags: Vec<String>,
    /// `allow:`.
    pub allow: Vec<String>,
    /// `reason:`.
    pub reason: Option<String>,
}

/// A department to add.
#[derive(Clone, Debug)]
pub struct NewDepartment {
    /// Its id.
    pub id: String,
    /// Its name.
    pub name: String,
}

/// A team to add.
#[derive(Clone, Debug)]
pub struct NewTeam {
    /// Its id.
    pub id: String,
    /// Its name.
    pub name: String,
    /// Its department's id (new or existing).
    pub department: String,
    /// `frontstage` or `backstage`.
    pub lane: &'static str,
    /// Where it came from, for nested lanes.
    pub description: Option<String>,
    /// The lane came from casebook's own export: not guessed.
    pub lane_known: bool,
    /// `automated: true`.
    pub automated: bool,
}

/// An information item or a system to add.
#[derive(Clone, Debug)]
pub struct NewEntry {
    /// Its id.
    pub id: String,
    /// Its name.
    pub name: String,
    /// For a system: the teams that read it.
    pub access: Vec<String>,
    /// For an item: `stored_in`.
    pub stored_in: Option<String>,
}

/// A channel to add (named by casebook's extension attributes).
#[derive(Clone, Debug)]
pub struct NewChannel {
    /// Its id.
    pub id: String,
    /// Its name.
    pub name: String,
    /// Its kind.
    pub kind: String,
    /// `synchronous:`.
    pub synchronous: bool,
}

/// What happened to a team, department, item or system, for the report.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Event {
    /// A new entry.
    Created,
    /// An entry the catalogue already had.
    Reused,
    /// A guess.
    Guessed,
}

/// The ids the catalogue has and those the import adds, across all files of one run.
#[derive(Debug, Default)]
pub struct Registry {
    customers: Vec<String>,
    existing_teams: HashMap<String, String>,
    existing_team_lanes: HashMap<String, &'static str>,
    existing_departments: HashSet<String>,
    existing_systems: HashSet<String>,
    existing_items: HashSet<String>,
    existing_channels: HashSet<String>,
    /// New channels.
    pub channels: Vec<NewChannel>,
    /// Every use case id, the catalogue's and the new ones.
    pub use_case_ids: HashSet<String>,
    /// New departments.
    pub departments: Vec<NewDepartment>,
    department_ids: HashMap<String, String>,
    taken_departments: HashSet<String>,
    /// New teams.
    pub teams: Vec<NewTeam>,
    team_ids: HashMap<(String, String), String>,
    taken_teams: HashSet<String>,
    /// New information items.
    pub items: Vec<NewEntry>,
    item_ids: HashMap<String, String>,
    /// New systems.
    pub systems: Vec<NewEntry>,
    system_ids: HashMap<String, String>,
    guessed_customers: HashSet<String>,
    channel_seen: HashSet<String>,
    /// What happened since the last drain, for the current file's report.
    pub log: Vec<(Event, String)>,
}

impl Registry {
    /// A registry over the ids of an existing catalogue.
    pub fn new(cat: Option<&crate::model::Catalogue>, customers: &[String]) -> Self {
        let mut r = Registry {
            customers: customers.iter().map(|c| c.trim().to_lowercase()).collect(),
            ..Registry::default()
        };
        if let Some(cat) = cat {
            for t in &cat.teams {
                let department = cat
                    .departments
                    .get(t.department)
                    .map(|d| d.id.value.to_string())
                    .unwrap_or_default();
                r.existing_teams.insert(t.id.value.to_string(), department);
                r.existing_team_lanes
                    .insert(t.id.value.to_string(), t.lane.as_str());
            }
            r.existing_departments = cat.departments.iter().map(|d| d.id.value.to_string()).collect();
            r.existing_systems = cat.systems.iter().map(|s| s.id.value.to_string()).collect();
            r.existing_items = cat.items.iter().map(|i| i.id.value.to_string()).collect();
            r.existing_channels = cat.channels.iter().map(|c| c.id.value.to_string()).collect();
            r.use_case_ids = cat.use_cases.iter().map(|u| u.id.value.to_string()).collect();
        }
        r.taken_teams = r.existing_teams.keys().cloned().collect();
        // `customer` is the customer's actor, never a team.
        r.taken_teams.insert("customer".into());
        r.taken_departments = r.existing_departments.clone();
        r
    }

    /// Whether a pool or lane named `names` (its id, name...) is the customer: named by
    /// `--customer`, or else guessed from `label`.
    pub fn is_customer(&mut self, names: &[String], label: &str, shown: Option<&str>) -> bool {
        if !self.customers.is_empty() {
            return names
                .iter()
                .any(|n| self.customers.contains(&n.trim().to_lowercase()));
        }
        let guess = map::sounds_like_customer(label);
        if guess && self.guessed_customers.insert(label.to_owned()) {
            self.log.push((
                Event::Guessed,
                format!(
                    "`{}` is the customer, from its name (say `--customer NAME` to choose)",
                    shown.unwrap_or(label)
                ),
            ));
        }
        guess
    }

    /// Whether a name is the customer's, without a report line.
    pub fn customer_name(&self, name: &str) -> bool {
        if self.customers.is_empty() {
            map::sounds_like_customer(name)
        } else {
            self.customers.contains(&name.trim().to_lowercase())
        }
    }

    /// The actor of a black-box pool.
    pub fn team_or_customer_for_pool(&mut self, pool: &xml::Participant, name: &str) -> TeamRef {
        let names = [pool.id.clone(), name.to_owned()];
        if self.is_customer(&names, name, Some(name)) {
            TeamRef::Customer
        } else {
            self.team(name, name, None)
        }
    }

    fn department(&mut self, name: &str) -> String {
        let mut key = map::slugify(name, 60);
        if key.is_empty() {
            key = "department".into();
        }
        if let Some(id) = self.department_ids.get(&key) {
            return id.clone();
        }
        let id = if self.existing_departments.contains(&key) {
            self.log.push((Event::Reused, format!("department `{key}`")));
            key.clone()
        } else {
            let id = map::unique(&key, &mut self.taken_departments);
            self.log
                .push((Event::Created, format!("department `{id}` ({name})")));
            self.departments.push(NewDepartment {
                id: id.clone(),
                name: name.to_owned(),
            });
            id
        };
        self.department_ids.insert(key, id.clone());
        id
    }

    /// The department with this id (casebook's extension elements name it): the catalogue's,
    /// one made by this import, or a new one.
    fn department_with_id(&mut self, id: &str, name: &str) -> String {
        if let Some(id) = self.department_ids.get(id) {
            return id.clone();
        }
        let made = if self.existing_departments.contains(id) {
            self.log.push((Event::Reused, format!("department `{id}`")));
            id.to_owned()
        } else {
            let made = map::unique(id, &mut self.taken_departments);
            self.log
                .push((Event::Created, format!("department `{made}` ({name})")));
            self.departments.push(NewDepartment {
                id: made.clone(),
                name: name.to_owned(),
            });
            made
        };
        self.department_ids.insert(id.to_owned(), made.clone());
        made
    }

    /// The channel `id`: the catalogue's, or a new one (`def`: its name, kind and
    /// `synchronous` as the exporting catalogue had them; else a guess).
    pub fn channel(&mut self, id: &str, def: Option<(&str, &str, bool)>) -> String {
        if self.existing_channels.contains(id) {
            if self.channel_seen.insert(id.to_owned()) {
                self.log.push((Event::Reused, format!("channel `{id}`")));
            }
            return id.to_owned();
        }
        if self.channels.iter().any(|c| c.id == id) {
            return id.to_owned();
        }
        let (name, kind, synchronous) = match def {
            Some(d) => {
                self.log
                    .push((Event::Created, format!("channel `{id}` ({})", d.0)));
                d
            }
            None => {
                self.log.push((
                    Event::Guessed,
                    format!("channel `{id}` is defined nowhere: made as a web channel named `{id}`"),
                ));
                (id, "web", false)
            }
        };
        self.channels.push(NewChannel {
            id: id.to_owned(),
            name: name.to_owned(),
            kind: kind.to_owned(),
            synchronous,
        });
        id.to_owned()
    }

    /// The system `id` (casebook's extension attributes name it), made with `name` and
    /// `access` when the catalogue lacks it.
    pub fn system_with_id(&mut self, id: &str, name: &str, access: &[String]) -> String {
        let id = self.entry_with(name, true, Some(id));
        if let Some(s) = self.systems.iter_mut().find(|s| s.id == id) {
            for t in access {
                if !s.access.contains(t) {
                    s.access.push(t.clone());
                }
            }
        }
        id
    }

    /// Sets `stored_in` of an item this import creates.
    pub fn store_item(&mut self, item: &str, system: &str) {
        if let Some(i) = self.items.iter_mut().find(|i| i.id == item) {
            i.stored_in.get_or_insert_with(|| system.to_owned());
        }
    }

    /// Keeps in the access lists of new systems only the teams that exist (the catalogue's or
    /// this import's): an exported definition may name teams of its own catalogue.
    pub fn prune_access(&mut self) {
        let known: HashSet<String> = self
            .existing_teams
            .keys()
            .chain(self.teams.iter().map(|t| &t.id))
            .cloned()
            .collect();
        for s in &mut self.systems {
            s.access.retain(|t| known.contains(t));
        }
    }

    /// Whether `id` names a team of the catalogue or of this import.
    pub fn has_team(&self, id: &str) -> bool {
        self.existing_teams.contains_key(id) || self.teams.iter().any(|t| t.id == id)
    }

    /// Whether `id` names a system of the catalogue or of this import.
    pub fn has_system(&self, id: &str) -> bool {
        self.existing_systems.contains(id) || self.systems.iter().any(|s| s.id == id)
    }

    /// The team for lane `name` of the department (pool) `department`: an existing team of
    /// the same id, a team already made by this import, or a new one.
    pub fn team(&mut self, department: &str, name: &str, description: Option<String>) -> TeamRef {
        let department = self.department(department);
        let mut slug = map::slugify(name, 60);
        if slug.is_empty() {
            slug = "team".into();
        }
        let key = (department.clone(), slug.clone());
        if let Some(id) = self.team_ids.get(&key) {
            return TeamRef::Team(id.clone());
        }
        let id = if let Some(of) = self.existing_teams.get(&slug) {
            self.log
                .push((Event::Reused, format!("team `{slug}` (of `{of}`)")));
            slug
        } else {
            // The same lane name in two pools gives two teams: the second takes its pool's name.
            let base = if self.teams.iter().any(|t| t.id == slug) || slug == "customer" {
                map::slugify(&format!("{department} {slug}"), 60)
            } else {
                slug
            };
            let id = map::unique(&base, &mut self.taken_teams);
            self.log
                .push((Event::Created, format!("team `{id}` ({name}) in `{department}`")));
            self.teams.push(NewTeam {
                id: id.clone(),
                name: name.to_owned(),
                department,
                lane: "backstage",
                description,
                lane_known: false,
                automated: false,
            });
            id
        };
        self.team_ids.insert(key, id.clone());
        TeamRef::Team(id)
    }

    /// A team by the id casebook's own export carries: the catalogue's, or a new one in the
    /// department `department` with the default lane `lane`.
    pub fn team_by_id(&mut self, id: &str, name: &str, department: &str, lane: &'static str) -> TeamRef {
        self.team_by_id_in(id, name, (None, department), lane, false)
    }

    /// A team by id, as [`Registry::team_by_id`], in the department `(id, name)` (by its id
    /// when casebook's extension elements name it, else by its name).
    pub fn team_by_id_in(
        &mut self,
        id: &str,
        name: &str,
        department: (Option<&str>, &str),
        lane: &'static str,
        automated: bool,
    ) -> TeamRef {
        if self.existing_teams.contains_key(id) || self.teams.iter().any(|t| t.id == id) {
            if self.existing_teams.contains_key(id)
                && self
                    .team_ids
                    .insert((String::new(), id.to_owned()), id.to_owned())
                    .is_none()
            {
                self.log.push((Event::Reused, format!("team `{id}`")));
            }
            return TeamRef::Team(id.to_owned());
        }
        let department = match department {
            (Some(d), name) => self.department_with_id(d, name),
            (None, name) => self.department(name),
        };
        self.taken_teams.insert(id.to_owned());
        self.log
            .push((Event::Created, format!("team `{id}` ({name}) in `{department}`")));
        self.teams.push(NewTeam {
            id: id.to_owned(),
            name: name.to_owned(),
            department,
            lane,
            description: None,
            lane_known: true,
            automated,
        });
        TeamRef::Team(id.to_owned())
    }

    /// A team's default lane, the catalogue's or the import's.
    pub fn team_lane(&self, id: &str) -> Option<&'static str> {
        self.existing_team_lanes
            .get(id)
            .copied()
            .or_else(|| self.teams.iter().find(|t| t.id == id).map(|t| t.lane))
    }

    /// The information item `id` (casebook's own export names it).
    pub fn item_with_id(&mut self, id: &str, name: &str) -> String {
        self.entry_with(name, false, Some(id))
    }

    fn entry(&mut self, name: &str, system: bool) -> String {
        self.entry_with(name, system, None)
    }

    fn entry_with(&mut self, name: &str, system: bool, id: Option<&str>) -> String {
        let mut key = id.map(str::to_owned).unwrap_or_else(|| map::slugify(name, 60));
        if key.is_empty() {
            key = if system { "system" } else { "item" }.into();
        }
        let (ids, existing, what) = if system {
            (&mut self.system_ids, &self.existing_systems, "system")
        } else {
            (&mut self.item_ids, &self.existing_items, "information item")
        };
        if let Some(id) = ids.get(&key) {
            return id.clone();
        }
        ids.insert(key.clone(), key.clone());
        if existing.contains(&key) {
            self.log.push((Event::Reused, format!("{what} `{key}`")));
        } else {
            self.log
                .push((Event::Created, format!("{what} `{key}` ({name})")));
            let entry = NewEntry {
                id: key.clone(),
                name: name.to_owned(),
                access: Vec::new(),
                stored_in: None,
            };
            if system {
                self.systems.push(entry)
            } else {
                self.items.push(entry)
            }
        }
        key
    }

    /// The information item named `name` (a data object or a message).
    pub fn item(&mut self, name: &str) -> String {
        self.entry(name, false)
    }

    /// The system named `name` (a data store).
    pub fn system(&mut self, name: &str) -> String {
        self.entry(name, true)
    }

    /// Lets `team` read a system this import creates (existing systems are left as they are).
    pub fn grant(&mut self, system: &str, team: &str) {
        if let Some(s) = self.systems.iter_mut().find(|s| s.id == system)
            && !s.access.iter().any(|t| t == team)
        {
            s.access.push(team.to_owned());
        }
    }

    /// New teams whose steps meet the customer's (a `next` entry either way) are frontstage,
    /// the others backstage.
    pub fn settle_lanes(&mut self, drafts: &[Draft]) -> Vec<String> {
        let mut front = HashSet::new();
        for d in drafts {
            let actor: HashMap<&str, &TeamRef> = d.steps.iter().map(|s| (s.id.as_str(), &s.actor)).collect();
            for s in &d.steps {
                for e in &s.next {
                    match (&s.actor, actor.get(e.to.as_str())) {
                        (TeamRef::Customer, Some(TeamRef::Team(t)))
                        | (TeamRef::Team(t), Some(TeamRef::Customer)) => {
                            front.insert(t.clone());
                        }
                        _ => {}
                    }
                }
            }
        }
        let mut said = Vec::new();
        for t in self.teams.iter_mut().filter(|t| !t.lane_known) {
            if front.contains(&t.id) {
                t.lane = "frontstage";
                said.push(format!(
                    "team `{}` is frontstage: it deals with the customer directly",
                    t.id
                ));
            }
        }
        if self.teams.iter().any(|t| t.lane == "backstage" && !t.lane_known) {
            let which = if said.is_empty() {
                "new teams are"
            } else {
                "the other new teams are"
            };
            said.push(format!(
                "{which} backstage: none of their steps meets the customer's"
            ));
        }
        said
    }
}

/// The report of one file.
#[derive(Clone, Debug, Default, serde::Serialize)]
pub struct FileReport {
    /// The file, as named on the command line.
    pub file: String,
    /// The use cases made: id and path in the catalogue.
    pub use_cases: Vec<UseCaseReport>,
    /// Teams, departments, items and systems created.
    pub created: Vec<String>,
    /// What the catalogue had and the import reused.
    pub reused: Vec<String>,
    /// What was guessed.
    pub guessed: Vec<String>,
    /// What was left out, or kept only as a note.
    pub left_out: Vec<String>,
}

/// One use case made.
#[derive(Clone, Debug, Default, serde::Serialize)]
pub struct UseCaseReport {
    /// Its id.
    pub id: String,
    /// Its file, relative to the catalogue.
    pub path: String,
    /// How many steps.
    pub steps: usize,
    /// What in the BPMN file it comes from.
    pub source: String,
}

/// Why an import stopped before writing anything.
#[derive(Debug)]
pub struct ImportError {
    /// The file at fault (a BPMN file or a catalogue file); empty for a general error.
    pub file: String,
    /// What is wrong.
    pub message: String,
}

impl std::fmt::Display for ImportError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.file.is_empty() {
            write!(f, "{}", self.message)
        } else {
            write!(f, "{}: {}", self.file, self.message)
        }
    }
}

impl std::error::Error for ImportError {}

/// Reads and maps one BPMN file.
pub fn read_file(path: &std::path::Path) -> Result<xml::Bpmn, ImportError> {
    let file = path.display().to_string();
    let fail = |message: String| ImportError {
        file: file.clone(),
        message,
    };
    let bytes = crate::source::read_regular_file(path, xml::MAX_BYTES).map_err(|e| match e {
        crate::source::ReadError::TooLarge(size) => fail(format!(
            "the file is {}larger than the {} MiB the import reads; a BPMN model of that size is not one process",
            size.map(|s| format!("{} MiB, ", s / (1024 * 1024))).unwrap_or_default(),
            xml::MAX_BYTES / (1024 * 1024)
        )),
        e => fail(format!("cannot read it: {e}")),
    })?;
    let text = xml::decode(&bytes).map_err(fail)?;
    xml::parse(&text).map_err(fail)
}

/// Maps read files (in order) into drafts and per-file reports.
pub fn map_files(files: &[(String, xml::Bpmn)], registry: &mut Registry) -> (Vec<Draft>, Vec<FileReport>) {
    let mut drafts = Vec::new();
    let mut reports = Vec::new();
    for (file, bpmn) in files {
        let mapping = map::Mapper::new(bpmn, file, registry).run();
        let mut report = FileReport {
            file: file.clone(),
            ..FileReport::default()
        };
        for (event, text) in registry.log.drain(..) {
            match event {
                Event::Created => report.created.push(text),
                Event::Reused => report.reused.push(text),
                Event::Guessed => report.guessed.push(text),
            }
        }
        report.guessed.extend(mapping.guessed);
        report.left_out.extend(mapping.left_out);
        for d in &mapping.drafts {
            report.use_cases.push(UseCaseReport {
                id: d.id.clone(),
                path: String::new(),
                steps: d.steps.len(),
                source: d.source.clone(),
            });
        }
        drafts.extend(mapping.drafts);
        reports.push(report);
    }
    (drafts, reports)
}

impl Plan {
    /// The import report for people: per file, the use cases made, what was created, reused,
    /// guessed and left out. `written` says whether the files were written (else a dry run).
    pub fn to_text(&self, written: bool) -> String {
        use std::fmt::Write as _;
        let mut out = String::new();
        for r in &self.reports {
            let _ = writeln!(out, "{}:", r.file);
            for uc in &r.use_cases {
                let _ = writeln!(
                    out,
                    "  use case `{}` ({} steps, from the {}) -> {}",
                    uc.id, uc.steps, uc.source, uc.path
                );
            }
            for (title, lines) in [
                ("created", &r.created),
                ("reused", &r.reused),
                ("guessed", &r.guessed),
                ("left out or kept as a note", &r.left_out),
            ] {
                if !lines.is_empty() {
                    let _ = writeln!(out, "  {title}:");
                    for line in lines {
                        let _ = writeln!(out, "    - {line}");
                    }
                }
            }
        }
        if !self.guessed.is_empty() {
            out.push_str("all files:\n  guessed:\n");
            for line in &self.guessed {
                let _ = writeln!(out, "    - {line}");
            }
        }
        let use_cases: usize = self.reports.iter().map(|r| r.use_cases.len()).sum();
        let plural = |n: usize, what: &str| format!("{n} {what}{}", if n == 1 { "" } else { "s" });
        let _ = writeln!(
            out,
            "casebook: {} {} from {} into {}{}",
            if written { "imported" } else { "would import" },
            plural(use_cases, "use case"),
            plural(self.reports.len(), "file"),
            self.root.display(),
            if self.changed.is_empty() {
                String::new()
            } else {
                format!(
                    " (added to {})",
                    self.changed
                        .iter()
                        .map(|(p, _, _)| p.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                )
            }
        );
        out
    }

    /// The import report as JSON (`{"version": 1, "catalogue", "files": [...], "guessed"}`).
    pub fn to_json(&self, written: bool) -> String {
        let value = serde_json::json!({
            "version": 1,
            "written": written,
            "catalogue": self.root.display().to_string(),
            "files": self.reports,
            "guessed": self.guessed,
            "changed": self.changed.iter().map(|(p, _, _)| p).collect::<Vec<_>>(),
            "new_files": self.new_files.iter().map(|(p, _)| p).collect::<Vec<_>>(),
        });
        serde_json::to_string_pretty(&value).expect("JSON serialises") + "\n"
    }
}
