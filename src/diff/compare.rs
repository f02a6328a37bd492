//! The comparison of two checked catalogues: use cases and steps matched by id, handoffs
//! matched by their steps and teams, metrics before and after, findings matched by fingerprint.
//! It knows nothing of where the catalogues came from (git, folders): see [`super::git`].

use crate::Checked;
use crate::diagnostic::{Severity, fingerprint};
use crate::graph::flow::Who;
use crate::model::{Catalogue, UseCase};
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// Everything that differs between two catalogues.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct Changes {
    /// Counts, for the first lines of a report.
    pub summary: Summary,
    /// Use cases added, removed or changed, sorted by id.
    pub use_cases: Vec<UseCaseChange>,
    /// Findings introduced and fixed.
    pub findings: FindingChanges,
    /// The teams the change touches, sorted by id.
    pub teams: Vec<TeamAffected>,
    /// The owners of the use cases in `use_cases`, sorted by team.
    pub owners: Vec<Owner>,
}

/// Counts of a comparison.
#[derive(Clone, Copy, Debug, Default, Serialize, PartialEq, Eq)]
pub struct Summary {
    /// Use cases only in the newer catalogue.
    pub use_cases_added: usize,
    /// Use cases only in the older catalogue.
    pub use_cases_removed: usize,
    /// Use cases in both that differ (`wording_only` ones included).
    pub use_cases_changed: usize,
    /// Handoffs added, in every use case (those of added use cases included).
    pub handoffs_added: usize,
    /// Handoffs removed, in every use case (those of removed use cases included).
    pub handoffs_removed: usize,
    /// Of the handoffs added, those between departments.
    pub cross_department_handoffs_added: usize,
    /// Of the handoffs removed, those between departments.
    pub cross_department_handoffs_removed: usize,
    /// Findings in the newer catalogue only, by severity.
    pub findings_introduced: Counts,
    /// Findings in the older catalogue only, by severity.
    pub findings_fixed: Counts,
}

/// Findings by severity.
#[derive(Clone, Copy, Debug, Default, Serialize, PartialEq, Eq)]
pub struct Counts {
    /// Errors.
    pub errors: usize,
    /// Warnings.
    pub warnings: usize,
    /// Infos.
    pub infos: usize,
}

impl Counts {
    /// All of them.
    pub fn total(&self) -> usize {
        self.errors + self.warnings + self.infos
    }

    fn count(&mut self, s: Severity) {
        match s {
            Severity::Error => self.errors += 1,
            Severity::Warning => self.warnings += 1,
            Severity::Info => self.infos += 1,
            Severity::Off => {}
        }
    }
}

/// What happened to a use case.
#[derive(Clone, Copy, Debug, Serialize, PartialEq, Eq, PartialOrd, Ord)]
#[serde(rename_all = "lowercase")]
pub enum Change {
    /// Only in the newer catalogue.
    Added,
    /// Only in the older catalogue.
    Removed,
    /// In both, and different.
    Changed,
}

impl Change {
    /// `added`, `removed` or `changed`.
    pub fn as_str(self) -> &'static str {
        match self {
            Change::Added => "added",
            Change::Removed => "removed",
            Change::Changed => "changed",
        }
    }
}

/// A value before and after.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct Moved {
    /// Before (`null` when there was none).
    pub before: Option<String>,
    /// After.
    pub after: Option<String>,
}

/// One use case that differs.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct UseCaseChange {
    /// The id.
    pub id: String,
    /// Added, removed or changed.
    pub change: Change,
    /// The title (the older one for a removed use case).
    pub title: String,
    /// The owning team (the older one for a removed use case).
    pub owner: Option<String>,
    /// The file, relative to the catalogue (the older one for a removed use case).
    pub file: String,
    /// The title, when it changed.
    pub title_change: Option<Moved>,
    /// The owner, when it changed.
    pub owner_change: Option<Moved>,
    /// True when the file differs but nothing below does: no step, handoff, metric or finding.
    pub wording_only: bool,
    /// Steps added, removed, renamed and re-assigned (empty for added and removed use cases).
    pub steps: StepChanges,
    /// Handoffs added and removed (all of them for added and removed use cases).
    pub handoffs: HandoffChanges,
    /// Teams acting in it now that did not before, sorted.
    pub teams_joined: Vec<String>,
    /// Teams that acted in it before and no longer do, sorted.
    pub teams_left: Vec<String>,
    /// The metrics before (`null` for an added use case).
    pub before: Option<Metrics>,
    /// The metrics after (`null` for a removed use case).
    pub after: Option<Metrics>,
    /// Findings introduced in it.
    pub findings_introduced: usize,
    /// Findings fixed in it.
    pub findings_fixed: usize,
}

/// The step changes of a use case.
#[derive(Clone, Debug, Default, Serialize, PartialEq, Eq)]
pub struct StepChanges {
    /// New step ids.
    pub added: Vec<Step>,
    /// Step ids gone.
    pub removed: Vec<Step>,
    /// Steps whose id changed (same title and actor), older id first.
    pub renamed: Vec<Renamed>,
    /// Steps whose actor, channel or title changed.
    pub changed: Vec<StepChange>,
}

impl StepChanges {
    fn is_empty(&self) -> bool {
        self.added.is_empty() && self.removed.is_empty() && self.renamed.is_empty() && self.changed.is_empty()
    }
}

/// A step, as listed.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct Step {
    /// The id.
    pub id: String,
    /// The title.
    pub title: Option<String>,
    /// The actor: a team id or `customer`.
    pub actor: Option<String>,
    /// The channel id.
    pub channel: Option<String>,
    /// For an end step, its outcome.
    pub end: Option<String>,
}

/// A step whose id changed.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct Renamed {
    /// The older id.
    pub from: String,
    /// The newer id.
    pub to: String,
}

/// A step in both catalogues whose actor, channel or title differ.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct StepChange {
    /// The (newer) id.
    pub id: String,
    /// Its title now.
    pub title: Option<String>,
    /// The actor, when it changed (a step re-assigned to another team).
    pub actor: Option<Moved>,
    /// The channel, when it changed.
    pub channel: Option<Moved>,
    /// The title, when it changed.
    pub title_change: Option<Moved>,
}

/// The handoff changes of a use case.
#[derive(Clone, Debug, Default, Serialize, PartialEq, Eq)]
pub struct HandoffChanges {
    /// Handoffs only in the newer use case.
    pub added: Vec<Handoff>,
    /// Handoffs only in the older use case.
    pub removed: Vec<Handoff>,
}

/// A handoff: one step of a team leads to a step of another team (counted once per pair of steps).
#[derive(Clone, Debug, Serialize, PartialEq, Eq, PartialOrd, Ord)]
pub struct Handoff {
    /// The giving step.
    pub from_step: String,
    /// The receiving step.
    pub to_step: String,
    /// The giving team.
    pub from_team: String,
    /// The receiving team.
    pub to_team: String,
    /// The giving team's department.
    pub from_department: String,
    /// The receiving team's department.
    pub to_department: String,
    /// The departments differ.
    pub cross_department: bool,
}

/// The metrics of one use case that a review compares (see `crate::metrics`).
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct Metrics {
    /// Handoffs on the worst path; `null` when no end can be reached.
    pub worst_path_handoffs: Option<usize>,
    /// False when `worst_path_handoffs` is an upper bound.
    pub worst_path_exact: bool,
    /// Handoff edges.
    pub handoffs: usize,
    /// Handoff edges between departments.
    pub cross_department_handoffs: usize,
    /// Forced channel switches.
    pub channel_switches: usize,
    /// Steps done by the customer or frontstage.
    pub customer_facing_steps: usize,
    /// Teams acting in it, sorted.
    pub teams: Vec<String>,
}

/// Findings introduced and fixed.
#[derive(Clone, Debug, Default, Serialize, PartialEq, Eq)]
pub struct FindingChanges {
    /// In the newer catalogue only; located there. Errors first, then by file and line.
    pub introduced: Vec<Finding>,
    /// In the older catalogue only; located there. Same order.
    pub fixed: Vec<Finding>,
}

/// One finding, as the check JSON gives it, with its fingerprint.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct Finding {
    /// The fingerprint that matched it (`casebook::diagnostic::fingerprint`).
    pub fingerprint: String,
    /// The rule id.
    pub rule: String,
    /// `error`, `warning` or `info`.
    pub severity: Severity,
    /// The message.
    pub message: String,
    /// The file, relative to the catalogue.
    pub file: String,
    /// Line, from 1.
    pub line: u32,
    /// Column, from 1.
    pub column: u32,
    /// The line where the finding's text ends.
    pub end_line: u32,
    /// The column where it ends.
    pub end_column: u32,
    /// The use case, if any.
    pub use_case: Option<String>,
    /// The step, if any.
    pub step: Option<String>,
    /// What to do.
    pub help: Option<String>,
}

/// A team the change touches.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct TeamAffected {
    /// The team id.
    pub id: String,
    /// Its name (from the newer catalogue, else the older), when it is a known team.
    pub name: Option<String>,
    /// Its department id, likewise.
    pub department: Option<String>,
    /// The use cases where its steps or handoffs changed, sorted.
    pub use_cases: Vec<String>,
}

/// A team owning use cases the change touches.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct Owner {
    /// The owning team.
    pub team: String,
    /// The use cases it owns among those changed, added or removed, sorted.
    pub use_cases: Vec<String>,
}

/// One side of the comparison, indexed once.
struct View<'a> {
    checked: &'a Checked,
    metrics: Vec<crate::metrics::UseCaseMetrics>,
}

impl<'a> View<'a> {
    fn new(checked: &'a Checked) -> Self {
        let metrics = crate::metrics::compute(&checked.catalogue, &checked.facts).use_cases;
        View { checked, metrics }
    }

    fn cat(&self) -> &'a Catalogue {
        &self.checked.catalogue
    }

    fn use_case(&self, id: &str) -> Option<usize> {
        self.cat().index.use_cases.get(id).copied()
    }

    fn file_text(&self, uc: &UseCase) -> &'a str {
        &self.checked.report.sources.get(uc.file).text
    }

    fn rel_path(&self, uc: &UseCase) -> String {
        self.checked.report.sources.get(uc.file).rel_path.clone()
    }

    fn metrics(&self, i: usize) -> Metrics {
        let m = &self.metrics[i];
        Metrics {
            worst_path_handoffs: m.worst_path_handoffs,
            worst_path_exact: m.worst_path_exact,
            handoffs: m.handoffs,
            cross_department_handoffs: m.cross_department_handoffs,
            channel_switches: m.channel_switches,
            customer_facing_steps: m.customer_facing_steps,
            teams: m.teams.clone(),
        }
    }

    /// The steps of use case `i` by id (the first of a repeated id), in file order, end steps
    /// included (a new end is a new outcome).
    fn steps(&self, i: usize) -> Vec<(usize, Step)> {
        let uc = &self.cat().use_cases[i];
        uc.steps
            .iter()
            .enumerate()
            .filter(|(s, st)| uc.step(&st.id.value) == Some(*s))
            .map(|(s, st)| {
                (
                    s,
                    Step {
                        id: st.id.value.to_string(),
                        title: st.title.as_ref().map(|t| t.value.clone()),
                        actor: st.actor.as_ref().map(|a| a.value.to_string()),
                        channel: st.channel.as_ref().map(|c| c.value.to_string()),
                        end: st.end.as_ref().map(|e| e.value.clone()),
                    },
                )
            })
            .collect()
    }

    /// The counted handoffs of use case `i`, step ids mapped through `rename`.
    fn handoffs(&self, i: usize, rename: &HashMap<String, String>) -> BTreeSet<Handoff> {
        let cat = self.cat();
        let uc = &cat.use_cases[i];
        let step = |s: usize| {
            let id = uc.steps[s].id.value.as_str();
            rename.get(id).map_or(id, String::as_str).to_owned()
        };
        self.checked.facts.flows[i]
            .flow
            .counted_handoffs()
            .map(|h| {
                let (ft, tt) = (&cat.teams[h.from_team], &cat.teams[h.to_team]);
                Handoff {
                    from_step: step(h.edge.from),
                    to_step: step(h.edge.to),
                    from_team: ft.id.value.to_string(),
                    to_team: tt.id.value.to_string(),
                    from_department: cat.departments[ft.department].id.value.to_string(),
                    to_department: cat.departments[tt.department].id.value.to_string(),
                    cross_department: h.cross_department,
                }
            })
            .collect()
    }

    /// The team id doing step `s` of use case `i`, when it is a known team.
    fn team_of(&self, i: usize, s: usize) -> Option<String> {
        match self.checked.facts.flows[i].flow.who.get(s).copied().flatten() {
            Some(Who::Team(t)) => Some(self.cat().teams[t].id.value.to_string()),
            _ => None,
        }
    }

    /// Every finding with its fingerprint.
    fn findings(&self) -> Vec<Finding> {
        let report = &self.checked.report;
        fingerprint::of_report(report)
            .into_iter()
            .zip(&report.diagnostics)
            .map(|(fingerprint, d)| {
                let (start, end) = report.sources.range(d.span);
                Finding {
                    fingerprint,
                    rule: d.rule.to_owned(),
                    severity: d.severity,
                    message: d.message.clone(),
                    file: report.sources.get(d.span.file).rel_path.clone(),
                    line: start.line,
                    column: start.column,
                    end_line: end.line,
                    end_column: end.column,
                    use_case: d.use_case.clone(),
                    step: d.step.clone(),
                    help: d.help.clone(),
                }
            })
            .collect()
    }
}

/// Compares the older catalogue `base` with the newer `head`. Findings in the files of `unread`
/// (paths relative to the catalogue that one side could not read, such as links skipped in a
/// revision) are not compared: on disk the same link is a finding, in a revision it is not read.
pub fn compare(base: &Checked, head: &Checked, unread: &BTreeSet<String>) -> Changes {
    let (old, new) = (View::new(base), View::new(head));
    let findings = compare_findings(&old, &new, unread);
    let mut ids: BTreeSet<&str> = old.cat().index.use_cases.keys().map(String::as_str).collect();
    ids.extend(new.cat().index.use_cases.keys().map(String::as_str));

    let mut use_cases = Vec::new();
    let mut touched: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for id in ids {
        let change = match (old.use_case(id), new.use_case(id)) {
            (Some(o), Some(n)) => changed(&old, o, &new, n, &mut touched),
            (None, Some(n)) => whole(&new, n, Change::Added, &mut touched),
            (Some(o), None) => whole(&old, o, Change::Removed, &mut touched),
            (None, None) => None,
        };
        let Some(mut change) = change else { continue };
        let count = |list: &[Finding]| list.iter().filter(|f| f.use_case.as_deref() == Some(id)).count();
        change.findings_introduced = count(&findings.introduced);
        change.findings_fixed = count(&findings.fixed);
        if change.change == Change::Changed {
            let file_differs = old.file_text(&old.cat().use_cases[old.use_case(id).expect("in both")])
                != new.file_text(&new.cat().use_cases[new.use_case(id).expect("in both")]);
            let flow_differs = change.title_change.is_some()
                || change.owner_change.is_some()
                || !change.steps.is_empty()
                || !change.handoffs.added.is_empty()
                || !change.handoffs.removed.is_empty()
                || change.before != change.after;
            let findings_differ = change.findings_introduced + change.findings_fixed > 0;
            if !(flow_differs || findings_differ || file_differs) {
                continue;
            }
            change.wording_only = !flow_differs && !findings_differ;
        }
        use_cases.push(change);
    }

    let mut summary = Summary::default();
    for u in &use_cases {
        match u.change {
            Change::Added => summary.use_cases_added += 1,
            Change::Removed => summary.use_cases_removed += 1,
            Change::Changed => summary.use_cases_changed += 1,
        }
        summary.handoffs_added += u.handoffs.added.len();
        summary.handoffs_removed += u.handoffs.removed.len();
        summary.cross_department_handoffs_added +=
            u.handoffs.added.iter().filter(|h| h.cross_department).count();
        summary.cross_department_handoffs_removed +=
            u.handoffs.removed.iter().filter(|h| h.cross_department).count();
    }
    for f in &findings.introduced {
        summary.findings_introduced.count(f.severity);
    }
    for f in &findings.fixed {
        summary.findings_fixed.count(f.severity);
    }

    let teams = touched
        .into_iter()
        .map(|(id, use_cases)| {
            let known = new
                .cat()
                .team(&id)
                .map(|t| (new.cat(), t))
                .or_else(|| old.cat().team(&id).map(|t| (old.cat(), t)));
            TeamAffected {
                name: known.map(|(_, t)| t.name.clone()),
                department: known.map(|(c, t)| c.departments[t.department].id.value.to_string()),
                id,
                use_cases: use_cases.into_iter().collect(),
            }
        })
        .collect();
    let mut owned: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for u in &use_cases {
        if let Some(owner) = &u.owner {
            owned.entry(owner.clone()).or_default().push(u.id.clone());
        }
        if let Some(Moved {
            before: Some(before), ..
        }) = &u.owner_change
        {
            owned.entry(before.clone()).or_default().push(u.id.clone());
        }
    }
    let owners = owned
        .into_iter()
        .map(|(team, use_cases)| Owner { team, use_cases })
        .collect();
    Changes {
        summary,
        use_cases,
        findings,
        teams,
        owners,
    }
}

fn touch(touched: &mut BTreeMap<String, BTreeSet<String>>, team: Option<&String>, use_case: &str) {
    if let Some(team) = team {
        touched
            .entry(team.clone())
            .or_default()
            .insert(use_case.to_owned());
    }
}

/// An added or removed use case: all its handoffs, its metrics on its side.
fn whole(
    side: &View,
    i: usize,
    change: Change,
    touched: &mut BTreeMap<String, BTreeSet<String>>,
) -> Option<UseCaseChange> {
    let uc = &side.cat().use_cases[i];
    let id = uc.id.value.to_string();
    let metrics = side.metrics(i);
    for team in &metrics.teams {
        touch(touched, Some(team), &id);
    }
    let handoffs: Vec<Handoff> = side.handoffs(i, &HashMap::new()).into_iter().collect();
    let (added, removed, before, after, joined, left) = match change {
        Change::Added => (
            handoffs,
            Vec::new(),
            None,
            Some(metrics.clone()),
            metrics.teams,
            Vec::new(),
        ),
        _ => (
            Vec::new(),
            handoffs,
            Some(metrics.clone()),
            None,
            Vec::new(),
            metrics.teams,
        ),
    };
    Some(UseCaseChange {
        title: uc.title.clone(),
        owner: uc.owner.as_ref().map(|o| o.value.to_string()),
        file: side.rel_path(uc),
        id,
        change,
        title_change: None,
        owner_change: None,
        wording_only: false,
        steps: StepChanges::default(),
        handoffs: HandoffChanges { added, removed },
        teams_joined: joined,
        teams_left: left,
        before,
        after,
        findings_introduced: 0,
        findings_fixed: 0,
    })
}

/// The handoffs of `these` that `those` lacks, matched by their steps and teams only: a team
/// that moved to another department changes the metrics, not the handoffs.
fn only_in(these: &BTreeSet<Handoff>, those: &BTreeSet<Handoff>) -> Vec<Handoff> {
    let key = |h: &Handoff| {
        (
            h.from_step.clone(),
            h.to_step.clone(),
            h.from_team.clone(),
            h.to_team.clone(),
        )
    };
    let known: BTreeSet<_> = those.iter().map(key).collect();
    these
        .iter()
        .filter(|h| !known.contains(&key(h)))
        .cloned()
        .collect()
}

fn moved<T: PartialEq + Clone>(before: &Option<T>, after: &Option<T>) -> Option<(Option<T>, Option<T>)> {
    (before != after).then(|| (before.clone(), after.clone()))
}

fn moved_str(before: Option<String>, after: Option<String>) -> Option<Moved> {
    moved(&before, &after).map(|(before, after)| Moved { before, after })
}

/// A use case in both catalogues: what differs (the caller drops it when nothing does).
fn changed(
    old: &View,
    o: usize,
    new: &View,
    n: usize,
    touched: &mut BTreeMap<String, BTreeSet<String>>,
) -> Option<UseCaseChange> {
    let (ou, nu) = (&old.cat().use_cases[o], &new.cat().use_cases[n]);
    let id = nu.id.value.to_string();
    let old_steps = old.steps(o);
    let new_steps = new.steps(n);
    let new_ids: HashMap<&str, usize> = new_steps
        .iter()
        .enumerate()
        .map(|(k, (_, s))| (s.id.as_str(), k))
        .collect();
    let old_ids: HashMap<&str, usize> = old_steps
        .iter()
        .enumerate()
        .map(|(k, (_, s))| (s.id.as_str(), k))
        .collect();

    let mut removed: Vec<usize> = (0..old_steps.len())
        .filter(|&k| !new_ids.contains_key(old_steps[k].1.id.as_str()))
        .collect();
    let mut added: Vec<usize> = (0..new_steps.len())
        .filter(|&k| !old_ids.contains_key(new_steps[k].1.id.as_str()))
        .collect();
    // A removed and an added step with the same title and actor: the same step, renamed.
    let mut pairs: Vec<(usize, usize)> = Vec::new();
    removed.retain(|&r| {
        let rs = &old_steps[r].1;
        let found = rs.title.as_ref().filter(|t| !t.trim().is_empty()).and_then(|_| {
            added.iter().position(|&a| {
                let s = &new_steps[a].1;
                s.title == rs.title && s.actor == rs.actor
            })
        });
        match found {
            Some(p) => {
                pairs.push((r, added.remove(p)));
                false
            }
            None => true,
        }
    });
    let rename: HashMap<String, String> = pairs
        .iter()
        .map(|&(r, a)| (old_steps[r].1.id.clone(), new_steps[a].1.id.clone()))
        .collect();

    let mut steps = StepChanges::default();
    for &r in &removed {
        let (s, step) = &old_steps[r];
        touch(touched, old.team_of(o, *s).as_ref(), &id);
        steps.removed.push(step.clone());
    }
    for &a in &added {
        let (s, step) = &new_steps[a];
        touch(touched, new.team_of(n, *s).as_ref(), &id);
        steps.added.push(step.clone());
    }
    let mut same: Vec<(usize, usize)> = new_steps
        .iter()
        .enumerate()
        .filter_map(|(k, (_, s))| old_ids.get(s.id.as_str()).map(|&r| (r, k)))
        .collect();
    for &(r, a) in &pairs {
        steps.renamed.push(Renamed {
            from: old_steps[r].1.id.clone(),
            to: new_steps[a].1.id.clone(),
        });
    }
    same.extend(pairs.iter().copied());
    same.sort_by_key(|&(_, a)| a);
    for (r, a) in same {
        let ((os, before), (ns, after)) = (&old_steps[r], &new_steps[a]);
        let change = StepChange {
            id: after.id.clone(),
            title: after.title.clone(),
            actor: moved_str(before.actor.clone(), after.actor.clone()),
            channel: moved_str(before.channel.clone(), after.channel.clone()),
            title_change: moved_str(before.title.clone(), after.title.clone()),
        };
        if change.actor.is_some() {
            touch(touched, old.team_of(o, *os).as_ref(), &id);
            touch(touched, new.team_of(n, *ns).as_ref(), &id);
        }
        if change.actor.is_some() || change.channel.is_some() || change.title_change.is_some() {
            steps.changed.push(change);
        }
    }
    steps.renamed.sort_by(|a, b| a.to.cmp(&b.to));

    let (before_h, after_h) = (old.handoffs(o, &rename), new.handoffs(n, &HashMap::new()));
    let handoffs = HandoffChanges {
        added: only_in(&after_h, &before_h),
        removed: only_in(&before_h, &after_h),
    };
    for h in handoffs.added.iter().chain(&handoffs.removed) {
        touch(touched, Some(&h.from_team), &id);
        touch(touched, Some(&h.to_team), &id);
    }
    let (before, after) = (old.metrics(o), new.metrics(n));
    let joined: Vec<String> = after
        .teams
        .iter()
        .filter(|t| !before.teams.contains(t))
        .cloned()
        .collect();
    let left: Vec<String> = before
        .teams
        .iter()
        .filter(|t| !after.teams.contains(t))
        .cloned()
        .collect();
    for t in joined.iter().chain(&left) {
        touch(touched, Some(t), &id);
    }
    let owner = |u: &UseCase| u.owner.as_ref().map(|o| o.value.to_string());
    Some(UseCaseChange {
        id,
        change: Change::Changed,
        title: nu.title.clone(),
        owner: owner(nu),
        file: new.rel_path(nu),
        title_change: moved_str(Some(ou.title.clone()), Some(nu.title.clone())),
        owner_change: moved_str(owner(ou), owner(nu)),
        wording_only: false,
        steps,
        handoffs,
        teams_joined: joined,
        teams_left: left,
        before: Some(before),
        after: Some(after),
        findings_introduced: 0,
        findings_fixed: 0,
    })
}

/// Findings matched by fingerprint: introduced (only in `new`) and fixed (only in `old`).
fn compare_findings(old: &View, new: &View, unread: &BTreeSet<String>) -> FindingChanges {
    let compared = |mut list: Vec<Finding>| {
        list.retain(|f| !unread.contains(&f.file));
        list
    };
    let (before, after) = (compared(old.findings()), compared(new.findings()));
    let before_set: BTreeSet<&str> = before.iter().map(|f| f.fingerprint.as_str()).collect();
    let after_set: BTreeSet<&str> = after.iter().map(|f| f.fingerprint.as_str()).collect();
    let order = |a: &Finding, b: &Finding| {
        (
            std::cmp::Reverse(a.severity),
            &a.file,
            a.line,
            a.column,
            &a.rule,
            &a.fingerprint,
        )
            .cmp(&(
                std::cmp::Reverse(b.severity),
                &b.file,
                b.line,
                b.column,
                &b.rule,
                &b.fingerprint,
            ))
    };
    let mut introduced: Vec<Finding> = after
        .iter()
        .filter(|f| !before_set.contains(f.fingerprint.as_str()))
        .cloned()
        .collect();
    let mut fixed: Vec<Finding> = before
        .iter()
        .filter(|f| !after_set.contains(f.fingerprint.as_str()))
        .cloned()
        .collect();
    introduced.sort_by(order);
    fixed.sort_by(order);
    FindingChanges { introduced, fixed }
}
