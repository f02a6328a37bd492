//! A use case: its steps, diagram, handoffs, findings and satisfaction map.

use super::super::charts;
use super::{Builder, Page, domain_title, handoff_items};
use crate::metrics::format_minutes;
use crate::scaffold::is_slug;
use serde_json::{Value, json};
use std::collections::BTreeMap;

impl Builder<'_> {
    pub(super) fn use_case(&self, i: usize, diagram: &dyn Fn(usize) -> String) -> Result<Vec<Page>, String> {
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
            "diagram": format!("{id}.svg"),
            "steps": steps, "handoffs": handoffs, "findings": findings,
            "satisfaction": has_satisfaction.then(|| format!("{id}-satisfaction.svg")),
        });
        let markdown = self.render("use-case.md", ctx)?;
        let mut out = vec![Page {
            path: format!("use-cases/{id}.svg"),
            content: diagram(i),
        }];
        out.push(Page {
            path: format!("use-cases/{id}.md"),
            content: markdown,
        });
        if has_satisfaction {
            let min_gap = cat.settings.option("satisfaction-gap", "min_gap", 2);
            out.push(Page {
                path: format!("use-cases/{id}-satisfaction.svg"),
                content: charts::satisfaction_map(uc, t, min_gap),
            });
        }
        Ok(out)
    }
}
