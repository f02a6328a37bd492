//! The team pages and their index.

use super::{Builder, Page, handoff_items, lane_label, yes_no};
use crate::scaffold::is_slug;
use serde_json::{Value, json};
use std::collections::BTreeSet;

impl Builder<'_> {
    pub(super) fn teams(&self) -> Result<Vec<Page>, String> {
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
}
