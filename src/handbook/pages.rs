//! Builds every page of the handbook: the template contexts from the checked catalogue, rendered
//! with Tera into Markdown, plus the SVG pictures. Paths are built only from ids that passed
//! `is_slug`.

use super::charts;
use super::escape::html_escape;
use crate::diagnostic::{Diagnostic, Report, Severity};
use crate::engine::Checked;
use crate::graph::flow::Handoff;
use crate::metrics::{Metrics, format_minutes};
use crate::model::{Catalogue, Date, Lane, Status, UseCase};
use crate::rules::REGISTRY;
use crate::scaffold::is_slug;
use rayon::prelude::*;
use serde_json::{Value, json};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use tera::{Context, Tera};

/// One output file of the book source, relative to `src/`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Page {
    /// Path with `/` separators.
    pub path: String,
    /// Content.
    pub content: String,
}

type Labels = BTreeMap<&'static str, &'static str>;

struct Builder<'a> {
    cat: &'a Catalogue,
    checked: &'a Checked,
    metrics: &'a Metrics,
    tera: &'a Tera,
    t: &'a Labels,
    today: Date,
    /// The findings of each use case, by use case id (grouped once: pages look them up).
    findings: HashMap<&'a str, Vec<&'a Diagnostic>>,
    /// Use cases are sections of their domain's page instead of pages of their own.
    sections: bool,
}

fn lane_label(t: &Labels, lane: Option<Lane>) -> String {
    lane.map_or_else(String::new, |l| t[l.as_str()].to_owned())
}

fn yes_no(t: &Labels, b: bool) -> &'static str {
    if b { t["yes"] } else { t["no"] }
}

impl Builder<'_> {
    fn render(&self, template: &str, ctx: Value) -> Result<String, String> {
        let mut context = Context::from_serialize(&ctx).map_err(|e| e.to_string())?;
        context.insert("t", self.t);
        self.tera
            .render(template, &context)
            .map_err(|e| format!("template {template}: {e}"))
    }

    fn team_name(&self, id: &str) -> String {
        self.cat
            .team(id)
            .map_or_else(|| id.to_owned(), |t| t.name.clone())
    }

    fn team_link(&self, id: &str, from_sub: bool) -> Option<String> {
        (self.cat.team(id).is_some() && is_slug(id))
            .then(|| format!("{}teams/{id}.md", if from_sub { "../" } else { "" }))
    }

    /// The link to a use case from a page `prefix` away from the book's root (`""` or `"../"`):
    /// its own page, or its section of the domain page when use cases are sections.
    fn uc_link(&self, uc: &UseCase, prefix: &str) -> String {
        if self.sections {
            format!("{prefix}domains/{}.md#uc-{}", uc.domain, uc.id.value)
        } else {
            format!("{prefix}use-cases/{}.md", uc.id.value)
        }
    }

    fn actor_name(&self, id: &str) -> String {
        if id == crate::model::CUSTOMER {
            self.t["customer"].to_owned()
        } else {
            self.team_name(id)
        }
    }

    fn item_names(&self, ids: impl IntoIterator<Item = String>) -> String {
        let names: Vec<String> = ids
            .into_iter()
            .map(|i| self.cat.item(&i).map_or(i.clone(), |it| it.name.clone()))
            .collect();
        names.join(", ")
    }

    fn status(&self, uc: &UseCase) -> String {
        uc.status.map_or_else(String::new, |s| s.as_str().to_owned())
    }

    fn due(&self, uc: &UseCase) -> Option<Date> {
        let months = uc
            .review_every_months
            .unwrap_or_else(|| self.cat.settings.default_review_months());
        uc.reviewed.as_ref().map(|r| r.value.add_months(months))
    }

    fn severity(&self, s: Severity) -> &'static str {
        self.t[s.as_str()]
    }
}

/// What travels on a handoff: what is carried on the edge and what the receiving step needs.
fn handoff_items(uc: &UseCase, h: &Handoff) -> Vec<String> {
    let from = &uc.steps[h.edge.from];
    let mut items: BTreeSet<String> = from.carries.iter().map(|r| r.value.clone()).collect();
    if let crate::graph::EdgeKind::Next(k) = h.edge.kind {
        items.extend(from.next[k].carries.iter().map(|r| r.value.clone()));
    }
    items.extend(uc.steps[h.edge.to].needs.iter().map(|r| r.value.clone()));
    items.into_iter().collect()
}

/// How pages are made, besides the catalogue.
pub struct PageOptions<'a> {
    /// The date for "due for review".
    pub today: Date,
    /// Use cases are sections of their domain's page (large catalogues).
    pub sections: bool,
    /// Draws a use case's swimlane SVG (called from several threads at once).
    pub diagram: &'a (dyn Fn(usize) -> String + Sync),
    /// Called once per use case done (from several threads at once).
    pub progress: &'a (dyn Fn() + Sync),
}

/// Renders every page, on rayon's pool: the use cases (their Markdown and pictures) in parallel
/// with each other and with the other pages (home, teams, departments, channels, glossary,
/// analytics, rules, summary). The output does not depend on the order in which they finish:
/// results are collected in the use cases' order, domain sections are joined in that order, and
/// the pages are sorted by path. On failure the error is the one the serial order would meet
/// first.
pub fn build_pages(
    checked: &Checked,
    metrics: &Metrics,
    tera: &Tera,
    t: &Labels,
    options: &PageOptions<'_>,
) -> Result<Vec<Page>, String> {
    let PageOptions {
        today,
        sections,
        diagram,
        progress,
    } = *options;
    let cat = &checked.catalogue;
    let mut findings: HashMap<&str, Vec<&Diagnostic>> = HashMap::new();
    for d in &checked.report.diagnostics {
        if let Some(u) = d.use_case.as_deref() {
            findings.entry(u).or_default().push(d);
        }
    }
    let b = Builder {
        cat,
        checked,
        metrics,
        tera,
        t,
        today,
        findings,
        sections,
    };
    let mut pages = Vec::new();
    for uc in &cat.use_cases {
        if !is_slug(&uc.id.value) || !is_slug(&uc.domain) {
            return Err(format!(
                "use case id `{}` or its domain is not a slug",
                uc.id.value
            ));
        }
    }
    type Job<'j> = &'j (dyn Fn() -> Result<Vec<Page>, String> + Sync);
    let one = |path: &str, content: Result<String, String>| {
        content.map(|content| {
            vec![Page {
                path: path.to_owned(),
                content,
            }]
        })
    };
    let (home, teams, departments, channels) = (
        || one("index.md", b.home()),
        || b.teams(),
        || b.departments(),
        || b.channels(),
    );
    let (glossary, analytics, rules, summary) = (
        || one("glossary.md", b.glossary()),
        || one("analytics.md", b.analytics()),
        || one("rules.md", b.rules()),
        || one("SUMMARY.md", b.summary()),
    );
    let others: [Job<'_>; 8] = [
        &home,
        &teams,
        &departments,
        &channels,
        &glossary,
        &analytics,
        &rules,
        &summary,
    ];
    let (use_cases, others) = rayon::join(
        || {
            (0..cat.use_cases.len())
                .into_par_iter()
                .map(|i| {
                    let made = b.use_case(i, diagram);
                    progress();
                    made
                })
                .collect::<Vec<_>>()
        },
        || others.par_iter().map(|job| job()).collect::<Vec<_>>(),
    );
    let mut sections: BTreeMap<String, String> = BTreeMap::new();
    for made in use_cases {
        for page in made? {
            match page.path.strip_prefix("sections/") {
                Some(rest) => {
                    let domain = rest.split('/').next().unwrap_or_default().to_owned();
                    sections.entry(domain).or_default().push_str(&page.content);
                }
                None => pages.push(page),
            }
        }
    }
    // The serial order was: home, domains, teams, departments, ...; domains need the sections.
    let mut others = others.into_iter();
    pages.extend(others.next().expect("home")?);
    pages.extend(b.domains(&sections)?);
    for made in others {
        pages.extend(made?);
    }
    pages.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(pages)
}

fn findings_by_rule(report: &Report, t: &Labels, prefix: &str) -> Vec<Value> {
    let mut by: BTreeMap<&str, (Severity, usize)> = BTreeMap::new();
    for d in &report.diagnostics {
        by.entry(d.rule).or_insert((d.severity, 0)).1 += 1;
    }
    let mut rows: Vec<_> = by.into_iter().collect();
    rows.sort_by(|a, b| b.1.0.cmp(&a.1.0).then(b.1.1.cmp(&a.1.1)).then(a.0.cmp(b.0)));
    rows.into_iter()
        .map(|(rule, (sev, count))| json!({"rule": rule, "severity": t[sev.as_str()], "count": count, "link": format!("{prefix}rules.md#{rule}")}))
        .collect()
}

impl Builder<'_> {
    fn use_case(&self, i: usize, diagram: &dyn Fn(usize) -> String) -> Result<Vec<Page>, String> {
        let cat = self.cat;
        let uc = &cat.use_cases[i];
        let flow = &self.checked.facts.flows[i];
        let id = &uc.id.value;
        let t = self.t;
        let number: BTreeMap<usize, usize> = (0..uc.steps.len()).map(|s| (s, s + 1)).collect();
        let steps: Vec<Value> = uc
            .steps
            .iter()
            .enumerate()
            .map(|(s, step)| {
                let actor = step.actor.as_ref().map(|a| a.value.clone()).unwrap_or_default();
                let next: Vec<Value> = step
                    .next
                    .iter()
                    .filter_map(|n| {
                        let target = uc.step(&n.to.value)?;
                        let when = n.when.as_ref().map(|w| w.value.clone()).or_else(|| n.default.then(|| t["otherwise"].to_owned()));
                        Some(json!({
                            "target": format!("{} ({})", number[&target], uc.steps[target].title.as_ref().map_or_else(|| uc.steps[target].id.value.clone(), |x| x.value.clone())),
                            "when": when,
                            "carries": self.item_names(n.carries.iter().map(|r| r.value.clone())),
                        }))
                    })
                    .collect();
                json!({
                    "n": s + 1,
                    "title": step.title.as_ref().map(|x| x.value.clone()),
                    "end": step.end.as_ref().map(|x| x.value.clone()),
                    "actor": self.actor_name(&actor),
                    "actor_link": self.team_link(&actor, true),
                    "channel": step.channel.as_ref().map(|c| cat.channel(&c.value).map_or(c.value.clone(), |ch| ch.name.clone())),
                    "channel_link": step.channel.as_ref().filter(|c| is_slug(&c.value)).map(|c| format!("../channels/{}.md", c.value)),
                    "duration": step.duration.as_ref().map(|d| format_minutes(d.value.minutes)),
                    "moment_of_truth": step.moment_of_truth.is_some(),
                    "fail_point": step.fail_point.is_some(),
                    "needs": self.item_names(step.needs.iter().map(|r| r.value.clone())),
                    "gives": self.item_names(step.gives.iter().chain(&step.carries).map(|r| r.value.clone())),
                    "system": step.system.as_ref().map(|s| cat.system(&s.value).map_or(s.value.clone(), |x| x.name.clone())),
                    "calls": step.calls.as_ref().and_then(|c| cat.use_case(&c.value)).map(|c| c.title.clone()),
                    "calls_link": step.calls.as_ref().and_then(|c| cat.use_case(&c.value)).filter(|c| is_slug(&c.id.value)).map(|c| self.uc_link(c, "../")),
                    "next": next,
                    "recovery": step.recovery.as_ref().and_then(|r| uc.step(&r.value)).map(|r| format!("{} ({})", number[&r], uc.steps[r].title.as_ref().map_or_else(|| uc.steps[r].id.value.clone(), |x| x.value.clone()))),
                })
            })
            .collect();
        let handoffs: Vec<Value> = flow
            .flow
            .handoffs
            .iter()
            .map(|h| {
                json!({
                    "from": cat.teams[h.from_team].name,
                    "to": cat.teams[h.to_team].name,
                    "kind": if h.cross_department { t["cross"] } else { t["internal"] },
                    "items": self.item_names(handoff_items(uc, h)),
                    "duration": uc.steps[h.edge.to].duration.as_ref().map_or_else(String::new, |d| format_minutes(d.value.minutes)),
                })
            })
            .collect();
        let report = &self.checked.report;
        let findings: Vec<Value> = self
            .findings
            .get(id.as_str())
            .into_iter()
            .flatten()
            .map(|d| {
                json!({
                    "severity": self.severity(d.severity),
                    "rule": d.rule,
                    "rule_link": format!("../rules.md#{}", d.rule),
                    "line": report.sources.range(d.span).0.line,
                    "message": d.message,
                    "help": d.help,
                })
            })
            .collect();
        let has_satisfaction = uc.steps.iter().any(|s| s.satisfaction.is_some());
        let owner = uc.owner.as_ref().map(|o| o.value.clone()).unwrap_or_default();
        let ctx = json!({
            "title": uc.title, "id": id, "trigger": uc.trigger, "persona": uc.persona, "outcome": uc.outcome,
            "description": uc.description,
            "owner": self.team_name(&owner), "owner_link": self.team_link(&owner, true),
            "status": self.status(uc),
            "reviewed": uc.reviewed.as_ref().map(|r| r.value.to_string()),
            "due": self.due(uc).map(|d| d.to_string()),
            "domain": domain_title(&uc.domain), "domain_link": format!("../domains/{}.md", uc.domain),
            "diagram": format!("{}{id}.svg", if self.sections { "../use-cases/" } else { "" }),
            "steps": steps, "handoffs": handoffs, "findings": findings,
            "satisfaction": has_satisfaction.then(|| format!("{}{id}-satisfaction.svg", if self.sections { "../use-cases/" } else { "" })),
        });
        let markdown = self.render("use-case.md", ctx)?;
        let mut out = vec![Page {
            path: format!("use-cases/{id}.svg"),
            content: diagram(i),
        }];
        if self.sections {
            // A section of the domain page: an anchor to link to, and headings one level down.
            let mut section = format!("<a id=\"uc-{id}\"></a>\n\n");
            for line in markdown.lines() {
                if line.starts_with('#') {
                    section.push('#');
                }
                section.push_str(line);
                section.push('\n');
            }
            out.push(Page {
                path: format!("sections/{}/{id}.md", uc.domain),
                content: section,
            });
        } else {
            out.push(Page {
                path: format!("use-cases/{id}.md"),
                content: markdown,
            });
        }
        if has_satisfaction {
            let min_gap = cat.settings.option("satisfaction-gap", "min_gap", 2);
            out.push(Page {
                path: format!("use-cases/{id}-satisfaction.svg"),
                content: charts::satisfaction_map(uc, t, min_gap),
            });
        }
        Ok(out)
    }

    fn use_case_row(&self, i: usize, prefix: &str) -> Value {
        let uc = &self.cat.use_cases[i];
        let m = &self.metrics.use_cases[i];
        let owner = uc
            .owner
            .as_ref()
            .map(|o| self.team_name(&o.value))
            .unwrap_or_default();
        let channels: Vec<String> = m
            .channels
            .iter()
            .map(|c| self.cat.channel(c).map_or(c.clone(), |x| x.name.clone()))
            .collect();
        json!({
            "title": uc.title, "id": uc.id.value, "link": self.uc_link(uc, prefix),
            "status": self.status(uc), "owner": owner, "handoffs": m.handoffs,
            "cross": m.cross_department_handoffs, "worst": crate::metrics::worst_cell(m), "teams": m.teams.len(),
            "channels": channels.join(", "),
        })
    }

    fn domain_groups(&self) -> BTreeMap<&str, Vec<usize>> {
        let mut groups: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
        for (i, uc) in self.cat.use_cases.iter().enumerate() {
            groups.entry(uc.domain.as_str()).or_default().push(i);
        }
        for list in groups.values_mut() {
            list.sort_by(|&a, &b| self.cat.use_cases[a].title.cmp(&self.cat.use_cases[b].title));
        }
        groups
    }

    fn home(&self) -> Result<String, String> {
        let cat = self.cat;
        let report = &self.checked.report;
        let domains: Vec<Value> = self
            .domain_groups()
            .into_iter()
            .map(|(d, list)| {
                let reviewed = list.iter().filter(|&&i| cat.use_cases[i].status == Some(Status::Reviewed)).count();
                let findings: usize = list.iter().map(|&i| self.findings.get(cat.use_cases[i].id.value.as_str()).map_or(0, Vec::len)).sum();
                json!({"name": domain_title(d), "link": format!("domains/{d}.md"), "count": list.len(), "reviewed": reviewed, "findings": findings})
            })
            .collect();
        let mut due: Vec<(Date, usize)> = cat
            .use_cases
            .iter()
            .enumerate()
            .filter(|(_, u)| u.status != Some(Status::Retired))
            .filter_map(|(i, u)| self.due(u).filter(|d| *d < self.today).map(|d| (d, i)))
            .collect();
        due.sort();
        let due: Vec<Value> = due
            .into_iter()
            .map(|(d, i)| {
                let uc = &cat.use_cases[i];
                json!({"title": uc.title, "link": self.uc_link(uc, ""), "due": d.to_string(), "owner": uc.owner.as_ref().map(|o| self.team_name(&o.value))})
            })
            .collect();
        let s = report.summary;
        self.render("index.md", json!({
            "name": cat.settings.name, "description": cat.settings.description,
            "counts": {"use_cases": cat.use_cases.len(), "domains": domains.len(), "departments": cat.departments.len(), "teams": cat.teams.len(), "channels": cat.channels.len()},
            "findings": {"errors": s.errors, "warnings": s.warnings, "infos": s.infos},
            "domains": domains, "due": due, "by_rule": findings_by_rule(report, self.t, ""),
        }))
    }

    /// A page per domain; with `sections`, each use case follows as a section of it.
    fn domains(&self, sections: &BTreeMap<String, String>) -> Result<Vec<Page>, String> {
        self.domain_groups()
            .into_iter()
            .map(|(d, list)| {
                let rows: Vec<Value> = list.iter().map(|&i| self.use_case_row(i, "../")).collect();
                let mut content =
                    self.render("domain.md", json!({"name": domain_title(d), "use_cases": rows}))?;
                if let Some(body) = sections.get(d) {
                    content.push('\n');
                    content.push_str(body);
                }
                Ok(Page {
                    path: format!("domains/{d}.md"),
                    content,
                })
            })
            .collect()
    }

    fn teams(&self) -> Result<Vec<Page>, String> {
        let cat = self.cat;
        let t = self.t;
        let mut pages = Vec::new();
        let mut list = Vec::new();
        for team in cat.teams.iter().filter(|x| is_slug(&x.id.value)) {
            let id = &team.id.value;
            let ti = cat.index.teams[id.as_str()];
            let mut use_cases = Vec::new();
            let (mut receives, mut hands_on) = (Vec::new(), Vec::new());
            let mut records: BTreeSet<String> = BTreeSet::new();
            for (i, uc) in cat.use_cases.iter().enumerate() {
                let steps = uc
                    .steps
                    .iter()
                    .filter(|s| s.actor.as_ref().is_some_and(|a| &a.value == id))
                    .count();
                let owns = uc.owner.as_ref().is_some_and(|o| &o.value == id);
                records.extend(
                    uc.steps
                        .iter()
                        .filter(|s| s.actor.as_ref().is_some_and(|a| &a.value == id))
                        .filter_map(|s| s.system.as_ref())
                        .map(|s| s.value.clone()),
                );
                if steps > 0 || owns {
                    let role = match (steps > 0, owns) {
                        (true, true) => t["acts_and_owns"],
                        (true, false) => t["acts"],
                        _ => t["owns"],
                    };
                    use_cases.push(json!({"title": uc.title, "link": self.uc_link(uc, "../"), "role": role, "steps": steps}));
                }
                for h in &self.checked.facts.flows[i].flow.handoffs {
                    let row = |other: usize| {
                        json!({
                            "team": cat.teams[other].name, "team_link": format!("{}.md", cat.teams[other].id.value),
                            "use_case": uc.title, "link": self.uc_link(uc, "../"),
                            "items": self.item_names(handoff_items(uc, h)),
                        })
                    };
                    if h.to_team == ti {
                        receives.push(row(h.from_team));
                    }
                    if h.from_team == ti {
                        hands_on.push(row(h.to_team));
                    }
                }
            }
            let mut systems: Vec<Value> = Vec::new();
            for sys in &cat.systems {
                let reads = sys.access.iter().any(|a| &a.value == id);
                let writes = records.contains(&sys.id.value);
                if reads || writes {
                    let how: Vec<&str> = [(writes, t["records_in"]), (reads, t["reads"])]
                        .into_iter()
                        .filter(|x| x.0)
                        .map(|x| x.1)
                        .collect();
                    systems.push(json!({"name": sys.name, "how": how.join(", ")}));
                }
            }
            let dept = &cat.departments[team.department];
            let ctx = json!({
                "name": team.name, "department": dept.name, "department_link": format!("../departments/{}.md", dept.id.value),
                "lane": lane_label(t, Some(team.lane)), "automated": yes_no(t, team.automated),
                "use_cases": use_cases, "receives": receives, "hands_on": hands_on, "systems": systems,
            });
            pages.push(Page {
                path: format!("teams/{id}.md"),
                content: self.render("team.md", ctx)?,
            });
            list.push(json!({"name": team.name, "link": format!("{id}.md"), "details": format!("{}, {}", dept.name, lane_label(t, Some(team.lane)))}));
        }
        pages.push(Page {
            path: "teams/index.md".into(),
            content: self.render("list.md", json!({"title": t["teams"], "items": list}))?,
        });
        Ok(pages)
    }

    fn departments(&self) -> Result<Vec<Page>, String> {
        let cat = self.cat;
        let t = self.t;
        let m = &self.metrics.catalogue.department_handoffs;
        let mut pages = Vec::new();
        let mut list = Vec::new();
        for (di, dept) in cat
            .departments
            .iter()
            .enumerate()
            .filter(|(_, d)| is_slug(&d.id.value))
        {
            let teams: Vec<Value> = cat
                .teams
                .iter()
                .filter(|x| x.department == di)
                .map(|x| {
                    let n = self.metrics.catalogue.teams_by_use_cases.iter().find(|r| r.id == x.id.value).map_or(0, |r| r.use_cases);
                    json!({"name": x.name, "link": format!("../teams/{}.md", x.id.value), "lane": lane_label(t, Some(x.lane)), "use_cases": n})
                })
                .collect();
            let mut handoffs = Vec::new();
            for (oi, other) in cat.departments.iter().enumerate() {
                let (out, inn) = (
                    m.counts.get(di).and_then(|r| r.get(oi)).copied().unwrap_or(0),
                    m.counts.get(oi).and_then(|r| r.get(di)).copied().unwrap_or(0),
                );
                if out > 0 {
                    handoffs.push(json!({"direction": t["in"], "department": other.name, "count": out}));
                }
                if inn > 0 {
                    handoffs.push(json!({"direction": t["out"], "department": other.name, "count": inn}));
                }
            }
            let id = &dept.id.value;
            pages.push(Page {
                path: format!("departments/{id}.md"),
                content: self.render(
                    "department.md",
                    json!({"name": dept.name, "teams": teams, "handoffs": handoffs}),
                )?,
            });
            list.push(json!({"name": dept.name, "link": format!("{id}.md"), "details": format!("{} {}", teams.len(), t["teams"].to_lowercase())}));
        }
        pages.push(Page {
            path: "departments/index.md".into(),
            content: self.render("list.md", json!({"title": t["departments"], "items": list}))?,
        });
        Ok(pages)
    }

    fn channels(&self) -> Result<Vec<Page>, String> {
        let cat = self.cat;
        let t = self.t;
        let mut pages = Vec::new();
        let mut list = Vec::new();
        for ch in cat.channels.iter().filter(|c| is_slug(&c.id.value)) {
            let id = &ch.id.value;
            let use_cases: Vec<Value> = cat
                .use_cases
                .iter()
                .filter_map(|uc| {
                    let titles: Vec<&str> = uc.steps.iter().filter(|s| s.channel.as_ref().is_some_and(|c| &c.value == id)).filter_map(|s| s.title.as_ref().map(|x| x.value.as_str())).collect();
                    (!titles.is_empty()).then(|| json!({"title": uc.title, "link": self.uc_link(uc, "../"), "steps": titles.join("; ")}))
                })
                .collect();
            let ctx = json!({"name": ch.name, "kind": ch.kind, "synchronous": yes_no(t, ch.synchronous), "use_cases": use_cases});
            pages.push(Page {
                path: format!("channels/{id}.md"),
                content: self.render("channel.md", ctx)?,
            });
            list.push(json!({"name": ch.name, "link": format!("{id}.md"), "details": ch.kind}));
        }
        pages.push(Page {
            path: "channels/index.md".into(),
            content: self.render("list.md", json!({"title": t["channels"], "items": list}))?,
        });
        Ok(pages)
    }

    fn glossary(&self) -> Result<String, String> {
        let cat = self.cat;
        let t = self.t;
        let used_in = |pred: &dyn Fn(&UseCase) -> bool| -> (Vec<Value>, usize) {
            let all: Vec<Value> = cat
                .use_cases
                .iter()
                .filter(|u| pred(u))
                .map(|u| json!({"title": u.title, "link": self.uc_link(u, "")}))
                .collect();
            let more = all.len().saturating_sub(8);
            (all.into_iter().take(8).collect(), more)
        };
        let entry = |name: &str, id: &str, link: Option<String>, (used, more): (Vec<Value>, usize)| json!({"name": name, "id": id, "link": link, "used_in": used, "more": more});
        let teams: Vec<Value> = cat
            .teams
            .iter()
            .map(|x| {
                let id = x.id.value.as_str();
                entry(
                    &x.name,
                    id,
                    is_slug(id).then(|| format!("teams/{id}.md")),
                    used_in(&|u| {
                        u.steps
                            .iter()
                            .any(|s| s.actor.as_ref().is_some_and(|a| a.value == id))
                            || u.owner.as_ref().is_some_and(|o| o.value == id)
                    }),
                )
            })
            .collect();
        let channels: Vec<Value> = cat
            .channels
            .iter()
            .map(|x| {
                let id = x.id.value.as_str();
                entry(
                    &x.name,
                    id,
                    is_slug(id).then(|| format!("channels/{id}.md")),
                    used_in(&|u| {
                        u.steps
                            .iter()
                            .any(|s| s.channel.as_ref().is_some_and(|a| a.value == id))
                    }),
                )
            })
            .collect();
        let systems: Vec<Value> = cat
            .systems
            .iter()
            .map(|x| {
                let id = x.id.value.as_str();
                entry(
                    &x.name,
                    id,
                    None,
                    used_in(&|u| {
                        u.steps
                            .iter()
                            .any(|s| s.system.as_ref().is_some_and(|a| a.value == id))
                    }),
                )
            })
            .collect();
        let items: Vec<Value> = cat
            .items
            .iter()
            .map(|x| {
                let id = x.id.value.as_str();
                let mentions = |u: &UseCase| {
                    u.inputs.iter().any(|r| r.value == id)
                        || u.steps.iter().any(|s| {
                            s.needs
                                .iter()
                                .chain(&s.gives)
                                .chain(&s.carries)
                                .any(|r| r.value == id)
                        })
                };
                entry(&x.name, id, None, used_in(&mentions))
            })
            .collect();
        let sections = json!([
            {"title": t["teams"], "entries": teams},
            {"title": t["channels"], "entries": channels},
            {"title": t["systems"], "entries": systems},
            {"title": t["items"], "entries": items},
        ]);
        self.render("glossary.md", json!({"sections": sections}))
    }

    fn analytics(&self) -> Result<String, String> {
        let c = &self.metrics.catalogue;
        let team_names: Vec<String> = self.cat.teams.iter().map(|x| x.name.clone()).collect();
        let dept_names: Vec<String> = self.cat.departments.iter().map(|x| x.name.clone()).collect();
        let mut ranked: Vec<usize> = (0..self.cat.use_cases.len()).collect();
        let m = &self.metrics.use_cases;
        ranked.sort_by(|&a, &b| {
            (m[b].worst_path_handoffs, m[b].handoffs)
                .cmp(&(m[a].worst_path_handoffs, m[a].handoffs))
                .then(m[a].id.cmp(&m[b].id))
        });
        let ranked: Vec<Value> = ranked
            .into_iter()
            .take(30)
            .map(|i| self.use_case_row(i, ""))
            .collect();
        self.render(
            "analytics.md",
            json!({
                "team_heatmap": heatmap(&team_names, &c.team_handoffs.counts),
                "department_matrix": heatmap(&dept_names, &c.department_handoffs.counts),
                "ranked": ranked,
                "by_rule": findings_by_rule(&self.checked.report, self.t, ""),
            }),
        )
    }

    fn rules(&self) -> Result<String, String> {
        let rules: Vec<Value> = REGISTRY
            .iter()
            .map(|r| {
                let m = r.meta();
                let doc = m.documentation().replace("## ", "### ");
                json!({"id": m.id, "group": m.group.as_str(), "severity": self.severity(m.default_severity), "doc": doc})
            })
            .collect();
        self.render("rules.md", json!({"rules": rules}))
    }

    fn summary(&self) -> Result<String, String> {
        let cat = self.cat;
        let domains: Vec<Value> = self
            .domain_groups()
            .into_iter()
            .map(|(d, list)| {
                // With sections, the sidebar lists domains only: a chapter per use case would make
                // mdBook's rendering quadratic (it clones the list of all chapters for each page).
                let ucs: Vec<Value> = if self.sections {
                    Vec::new()
                } else {
                    list.iter().map(|&i| json!({"title": cat.use_cases[i].title, "link": self.uc_link(&cat.use_cases[i], "")})).collect()
                };
                json!({"name": domain_title(d), "link": format!("domains/{d}.md"), "use_cases": ucs})
            })
            .collect();
        let link = |kind: &str, id: &str| format!("{kind}/{id}.md");
        let departments: Vec<Value> = cat
            .departments
            .iter()
            .filter(|d| is_slug(&d.id.value))
            .map(|d| json!({"name": d.name, "link": link("departments", &d.id.value)}))
            .collect();
        let teams: Vec<Value> = cat
            .teams
            .iter()
            .filter(|d| is_slug(&d.id.value))
            .map(|d| json!({"name": d.name, "link": link("teams", &d.id.value)}))
            .collect();
        let channels: Vec<Value> = cat
            .channels
            .iter()
            .filter(|d| is_slug(&d.id.value))
            .map(|d| json!({"name": d.name, "link": link("channels", &d.id.value)}))
            .collect();
        self.render(
            "SUMMARY.md",
            json!({"domains": domains, "departments": departments, "teams": teams, "channels": channels}),
        )
    }
}

/// A domain slug as a heading: `benefit-cards` -> "Benefit cards".
fn domain_title(slug: &str) -> String {
    let words = slug.replace('-', " ");
    let mut chars = words.chars();
    chars
        .next()
        .map_or_else(String::new, |c| c.to_uppercase().chain(chars).collect())
}

/// A matrix as an HTML table whose cells darken with their count; only rows and columns with a
/// handoff are shown. Names are HTML-escaped (this is a raw HTML block, Markdown does not apply).
fn heatmap(names: &[String], counts: &[Vec<usize>]) -> String {
    let used: Vec<usize> = (0..names.len())
        .filter(|&i| counts[i].iter().any(|&n| n > 0) || counts.iter().any(|r| r[i] > 0))
        .collect();
    let max = counts.iter().flatten().copied().max().unwrap_or(0).max(1);
    let mut html = String::from(
        "<div class=\"casebook-scroll\"><table class=\"casebook-heatmap\">\n<thead><tr><th></th>",
    );
    for &j in &used {
        html.push_str(&format!("<th><span>{}</span></th>", html_escape(&names[j])));
    }
    html.push_str("</tr></thead>\n<tbody>\n");
    for &i in &used {
        html.push_str(&format!("<tr><th>{}</th>", html_escape(&names[i])));
        for &j in &used {
            let n = counts[i][j];
            if n == 0 {
                html.push_str("<td></td>");
            } else {
                let alpha = 0.15 + 0.85 * (n as f64 / max as f64);
                let ink = if alpha > 0.55 { "#fff" } else { "#000" };
                html.push_str(&format!(
                    "<td style=\"background:rgba(178,34,34,{alpha:.2});color:{ink}\">{n}</td>"
                ));
            }
        }
        html.push_str("</tr>\n");
    }
    html.push_str("</tbody>\n</table></div>");
    html
}
