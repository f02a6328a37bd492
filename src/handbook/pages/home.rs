//! The home page.

use super::{Builder, domain_title, findings_by_rule};
use crate::model::{Date, Status};
use serde_json::{Value, json};

impl Builder<'_> {
    pub(super) fn home(&self) -> Result<String, String> {
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
}
