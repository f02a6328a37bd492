//! mdBook's SUMMARY.md: the sidebar. Folded (book.toml's `output.html.fold`): the home page and
//! the reading guide first, then the way in for staff (teams, channels, departments, glossary),
//! the use cases under their domains, and the Review part for process owners last.

use super::{Builder, domain_title};
use crate::scaffold::is_slug;
use serde_json::{Value, json};

impl Builder<'_> {
    pub(super) fn summary(&self) -> Result<String, String> {
        let cat = self.cat;
        let domains: Vec<Value> = self
            .domain_groups()
            .into_iter()
            .map(|(d, list)| {
                // In a large catalogue the sidebar lists domains only: a chapter per use case
                // would make mdBook's rendering quadratic (it clones the list of all chapters
                // for each page) and the sidebar's script megabytes long.
                let ucs: Vec<Value> = if self.large {
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
        // Teams by name, so that staff find theirs at a glance; the home page groups them by
        // department.
        let mut by_name: Vec<&crate::model::Team> =
            cat.teams.iter().filter(|d| is_slug(&d.id.value)).collect();
        by_name.sort_by(|a, b| a.name.cmp(&b.name).then(a.id.value.cmp(&b.id.value)));
        let teams: Vec<Value> = by_name
            .into_iter()
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
