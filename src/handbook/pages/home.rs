//! The home page, which asks staff who they are (their team, their channel, a search), and the
//! review page, which gathers what process owners look for (findings, overdue reviews).

use super::super::escape::html_escape;
use super::{Builder, domain_title, findings_by_rule};
use crate::model::{Date, Status};
use crate::scaffold::is_slug;
use serde_json::{Value, json};

impl Builder<'_> {
    /// The home page: a way in by team (grouped by department), by channel, by search, then the
    /// domains; the review material is one link away, on [`Builder::review`]'s page.
    pub(super) fn home(&self) -> Result<String, String> {
        let cat = self.cat;
        let departments: Vec<Value> = cat
            .departments
            .iter()
            .enumerate()
            .filter_map(|(di, d)| {
                let teams: Vec<Value> = cat
                    .teams
                    .iter()
                    .filter(|x| x.department == di && is_slug(&x.id.value))
                    .map(|x| json!({"name": x.name, "link": format!("teams/{}.md", x.id.value)}))
                    .collect();
                (!teams.is_empty()).then(|| json!({"name": d.name, "teams": teams}))
            })
            .collect();
        let channels: Vec<Value> = cat
            .channels
            .iter()
            .filter(|c| is_slug(&c.id.value))
            .map(|c| json!({"name": c.name, "link": format!("channels/{}.md", c.id.value)}))
            .collect();
        let domains: Vec<Value> = self
            .domain_groups()
            .into_iter()
            .map(|(d, list)| json!({"name": domain_title(d), "link": format!("domains/{d}.md"), "count": list.len()}))
            .collect();
        // A plain form: mdBook's searcher opens with the words of `?search=` on any page, so the
        // home page gets a search box without a script of its own. Our own HTML, escaped here.
        let search_form = format!(
            "<form class=\"casebook-search\" action=\"index.html\" method=\"get\" role=\"search\"><label>{} <input type=\"search\" name=\"search\" required></label> <button type=\"submit\">{}</button></form>",
            html_escape(self.t["search_label"]),
            html_escape(self.t["search_button"]),
        );
        self.render(
            "index.md",
            json!({
                "name": cat.settings.name, "description": cat.settings.description,
                "departments": departments, "channels": channels, "domains": domains,
                "search_form": search_form,
            }),
        )
    }

    /// The review page, for process owners: counts, findings per domain and per rule, use cases
    /// due for review.
    pub(super) fn review(&self) -> Result<String, String> {
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
        self.render("review.md", json!({
            "counts": {"use_cases": cat.use_cases.len(), "domains": domains.len(), "departments": cat.departments.len(), "teams": cat.teams.len(), "channels": cat.channels.len()},
            "findings": {"errors": s.errors, "warnings": s.warnings, "infos": s.infos},
            "domains": domains, "due": due, "by_rule": findings_by_rule(report, self.t, ""),
        }))
    }
}
