//! The glossary: every department, team, channel, system and information item, with its definition (the
//! `description:` of organisation.yaml, channels.yaml and information.yaml, when given), a few
//! facts about it, and the use cases that name it.

use super::{Builder, lane_label};
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
            let more = all.len().saturating_sub(5);
            (all.into_iter().take(5).collect(), more)
        };
        let entry = |name: &str,
                     id: &str,
                     link: Option<String>,
                     definition: &Option<String>,
                     details: String,
                     (used, more): (Vec<Value>, usize)| {
            json!({"name": name, "id": id, "link": link, "definition": definition, "details": details, "used_in": used, "more": more})
        };
        let departments: Vec<Value> = cat
            .departments
            .iter()
            .enumerate()
            .map(|(di, x)| {
                let id = x.id.value.as_str();
                let teams: Vec<&str> = cat
                    .teams
                    .iter()
                    .filter(|team| team.department == di)
                    .map(|team| team.name.as_str())
                    .collect();
                entry(
                    &x.name,
                    id,
                    is_slug(id).then(|| format!("departments/{id}.md")),
                    &x.description,
                    teams.join(", "),
                    used_in(&|u| {
                        u.steps.iter().any(|s| {
                            s.actor
                                .as_ref()
                                .and_then(|a| cat.team(&a.value))
                                .is_some_and(|team| team.department == di)
                        })
                    }),
                )
            })
            .collect();
        let teams: Vec<Value> = cat
            .teams
            .iter()
            .map(|x| {
                let id = x.id.value.as_str();
                entry(
                    &x.name,
                    id,
                    is_slug(id).then(|| format!("teams/{id}.md")),
                    &x.description,
                    format!(
                        "{}, {}",
                        cat.departments[x.department].name,
                        lane_label(t, Some(x.lane))
                    ),
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
                    &x.description,
                    self.channel_kind(&x.kind),
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
                let readers: Vec<String> = x.access.iter().map(|a| self.team_name(&a.value)).collect();
                let details = if readers.is_empty() {
                    String::new()
                } else {
                    format!("{}: {}", t["read_by"], readers.join(", "))
                };
                entry(
                    &x.name,
                    id,
                    None,
                    &x.description,
                    details,
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
                let details = x.stored_in.as_ref().map_or_else(String::new, |s| {
                    let system = cat.system(&s.value).map_or(s.value.as_str(), |y| y.name.as_str());
                    format!("{}: {system}", t["recorded_in"])
                });
                entry(&x.name, id, None, &x.description, details, used_in(&mentions))
            })
            .collect();
        let sections = json!([
            {"title": t["departments"], "entries": departments},
            {"title": t["teams"], "entries": teams},
            {"title": t["channels"], "entries": channels},
            {"title": t["systems"], "entries": systems},
            {"title": t["items"], "entries": items},
        ]);
        self.render("glossary.md", json!({"sections": sections}))
    }
}
