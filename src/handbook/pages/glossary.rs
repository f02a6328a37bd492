//! The glossary.

use super::Builder;
use crate::model::UseCase;
use crate::scaffold::is_slug;
use serde_json::{Value, json};

impl Builder<'_> {
    pub(super) fn glossary(&self) -> Result<String, String> {
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
}
