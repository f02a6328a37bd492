//! Builds every page of the handbook: the template contexts from the checked catalogue, rendered
//! with Tera into Markdown, plus the SVG pictures. Paths are built only from ids that passed
//! `is_slug`. One module per kind of page; this one holds what they share: the `Builder` (the
//! catalogue, its facts and the words of its language), links, names and the parallel build.

mod analytics;
mod channel;
mod department;
mod domain;
mod glossary;
mod guide;
mod home;
mod rules;
mod summary;
mod team;
mod use_case;

use crate::diagnostic::{Diagnostic, Report, Severity};
use crate::engine::Checked;
use crate::graph::flow::Handoff;
use crate::metrics::Metrics;
use crate::model::{Catalogue, Date, Lane, Status, UseCase};
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

/// The words of the handbook's language (`labels::table`).
pub type Labels = BTreeMap<&'static str, &'static str>;

struct Builder<'a> {
    cat: &'a Catalogue,
    checked: &'a Checked,
    metrics: &'a Metrics,
    tera: &'a Tera,
    t: &'a Labels,
    today: Date,
    /// The findings of each use case, by use case id (grouped once: pages look them up).
    findings: HashMap<&'a str, Vec<&'a Diagnostic>>,
    /// A large catalogue: the sidebar lists domains, not use cases (see `handbook::LARGE_ABOVE`).
    large: bool,
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

    /// The link to a use case's page from a page `prefix` away from the book's root (`""` or
    /// `"../"`).
    fn uc_link(&self, uc: &UseCase, prefix: &str) -> String {
        format!("{prefix}use-cases/{}.md", uc.id.value)
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

    /// The status in the catalogue's language (the YAML value `in-review` is "en revue").
    fn status(&self, uc: &UseCase) -> String {
        uc.status.map_or_else(String::new, |s| {
            self.t[match s {
                Status::Draft => "status_draft",
                Status::InReview => "status_in_review",
                Status::Reviewed => "status_reviewed",
                Status::Retired => "status_retired",
            }]
            .to_owned()
        })
    }

    /// A channel's kind in the catalogue's language; a kind the labels do not know (the schema
    /// rejects it) shows as written.
    fn channel_kind(&self, kind: &str) -> String {
        let key = format!("kind_{}", kind.replace('-', "_"));
        self.t
            .get(key.as_str())
            .map_or_else(|| kind.to_owned(), |k| (*k).to_owned())
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
    let mut items: BTreeSet<String> = from.carries.iter().map(|r| r.value.to_string()).collect();
    if let Some(k) = h.edge.kind.entry() {
        items.extend(from.next[k].carries.iter().map(|r| r.value.to_string()));
    }
    items.extend(uc.steps[h.edge.to].needs.iter().map(|r| r.value.to_string()));
    items.into_iter().collect()
}

/// How pages are made, besides the catalogue.
pub struct PageOptions<'a> {
    /// The date for "due for review".
    pub today: Date,
    /// A large catalogue (more than `handbook::LARGE_ABOVE` use cases): the sidebar lists
    /// domains only, and [`build_pages`] leaves the use cases' pages to [`use_case_pages`], which
    /// the build calls a batch at a time.
    pub large: bool,
    /// Draws a use case's swimlane SVG (called from several threads at once).
    pub diagram: &'a (dyn Fn(usize) -> String + Sync),
    /// Called once per use case done (from several threads at once).
    pub progress: &'a (dyn Fn() + Sync),
}

/// Renders every page, on rayon's pool: the use cases (their Markdown and pictures) in parallel
/// with each other and with the other pages (home, domains, teams, departments, channels,
/// glossary, analytics, rules, summary, review, reading guide). In a large catalogue (`options.large`) the use cases are
/// left out: the build makes them a batch at a time with [`use_case_pages`]. The output does not
/// depend on the order in which they finish: results are collected in the use cases' order and
/// the pages are sorted by path. On failure the error is the one the serial order would meet
/// first.
pub fn build_pages(
    checked: &Checked,
    metrics: &Metrics,
    tera: &Tera,
    t: &Labels,
    options: &PageOptions<'_>,
) -> Result<Vec<Page>, String> {
    let b = Builder::new(checked, metrics, tera, t, options)?;
    let cat = &checked.catalogue;
    type Job<'j> = &'j (dyn Fn() -> Result<Vec<Page>, String> + Sync);
    let one = |path: &str, content: Result<String, String>| {
        content.map(|content| {
            vec![Page {
                path: path.to_owned(),
                content,
            }]
        })
    };
    let (home, domains, teams, departments, channels) = (
        || one("index.md", b.home()),
        || b.domains(),
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
    let (review, guide) = (
        || one("review.md", b.review()),
        || one("how-to-read.md", Ok(b.guide())),
    );
    let others: [Job<'_>; 11] = [
        &home,
        &domains,
        &teams,
        &departments,
        &channels,
        &glossary,
        &analytics,
        &rules,
        &summary,
        &review,
        &guide,
    ];
    let use_cases: Vec<usize> = if options.large {
        Vec::new()
    } else {
        (0..cat.use_cases.len()).collect()
    };
    let (use_cases, others) = rayon::join(
        || b.use_cases(&use_cases, options),
        || others.par_iter().map(|job| job()).collect::<Vec<_>>(),
    );
    let mut pages = use_cases?;
    for made in others {
        pages.extend(made?);
    }
    pages.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(pages)
}

/// The pages and pictures of the use cases `indexes` (in the catalogue's order), made on rayon's
/// pool, in the order of `indexes`.
pub fn use_case_pages(
    checked: &Checked,
    metrics: &Metrics,
    tera: &Tera,
    t: &Labels,
    options: &PageOptions<'_>,
    indexes: &[usize],
) -> Result<Vec<Page>, String> {
    Builder::new(checked, metrics, tera, t, options)?.use_cases(indexes, options)
}

impl<'a> Builder<'a> {
    fn new(
        checked: &'a Checked,
        metrics: &'a Metrics,
        tera: &'a Tera,
        t: &'a Labels,
        options: &PageOptions<'_>,
    ) -> Result<Builder<'a>, String> {
        let cat = &checked.catalogue;
        for uc in &cat.use_cases {
            if !is_slug(&uc.id.value) || !is_slug(&uc.domain) {
                return Err(format!(
                    "use case id `{}` or its domain is not a slug",
                    uc.id.value
                ));
            }
        }
        let mut findings: HashMap<&str, Vec<&Diagnostic>> = HashMap::new();
        for d in &checked.report.diagnostics {
            if let Some(u) = d.use_case.as_deref() {
                findings.entry(u).or_default().push(d);
            }
        }
        Ok(Builder {
            cat,
            checked,
            metrics,
            tera,
            t,
            today: options.today,
            findings,
            large: options.large,
        })
    }

    fn use_cases(&self, indexes: &[usize], options: &PageOptions<'_>) -> Result<Vec<Page>, String> {
        let made: Vec<_> = indexes
            .par_iter()
            .map(|&i| {
                let made = self.use_case(i, options.diagram);
                (options.progress)();
                made
            })
            .collect();
        let mut pages = Vec::new();
        for made in made {
            pages.extend(made?);
        }
        Ok(pages)
    }
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
}

/// A domain slug as a heading: `benefit-cards` -> "Benefit cards".
pub(crate) fn domain_title(slug: &str) -> String {
    let words = slug.replace('-', " ");
    let mut chars = words.chars();
    chars
        .next()
        .map_or_else(String::new, |c| c.to_uppercase().chain(chars).collect())
}
