//! The department pages and their index.

use super::{Builder, Page, lane_label};
use crate::scaffold::is_slug;
use serde_json::{Value, json};

impl Builder<'_> {
    pub(super) fn departments(&self) -> Result<Vec<Page>, String> {
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
                    json!({"name": x.name, "link": is_slug(&x.id.value).then(|| format!("../teams/{}.md", x.id.value)), "lane": lane_label(t, Some(x.lane)), "use_cases": n})
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
                    json!({"name": dept.name, "description": dept.description, "teams": teams, "handoffs": handoffs}),
                )?,
            });
            list.push(json!({"name": dept.name, "link": format!("{id}.md"), "details": dept.description.clone().unwrap_or_else(|| format!("{} {}", teams.len(), t["teams"].to_lowercase()))}));
        }
        pages.push(Page {
            path: "departments/index.md".into(),
            content: self.render(
                "list.md",
                json!({"title": t["departments"], "groups": [{"items": list}]}),
            )?,
        });
        Ok(pages)
    }
}
