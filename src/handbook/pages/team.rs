//! The team pages ("what my team does") and their index, grouped by department.
//!
//! A team page lists the team's own steps, use case by use case: the channel, what each step needs
//! and gives, which team hands the case in and which one the case goes to next. A handoff into or
//! out of the team that carries nothing recorded (no `carries`, and the receiving step `needs`
//! nothing) is flagged where it shows: the next team starts without what the previous one knew.

use super::{Builder, Page, handoff_items, lane_label, yes_no};
use crate::graph::flow::Handoff;
use crate::model::UseCase;
use crate::scaffold::is_slug;
use rayon::prelude::*;
use serde_json::{Value, json};
use std::collections::BTreeSet;

impl Builder<'_> {
    /// A link from a team page to another team's page, if it has one.
    fn sibling_team(&self, team: usize) -> Value {
        let x = &self.cat.teams[team];
        json!({"name": x.name, "link": is_slug(&x.id.value).then(|| format!("{}.md", x.id.value))})
    }

    /// The link from a page one folder down to step `s` of `uc`: its anchor on the use case
    /// page (the use case itself when the step's id is not a slug).
    pub(super) fn step_link(&self, uc: &UseCase, s: usize) -> String {
        let page = self.uc_link(uc, "../");
        let id = &uc.steps[s].id.value;
        if !is_slug(id) {
            page
        } else {
            format!("{page}#step-{id}")
        }
    }

    /// Where the case goes after step `s` of use case `i`, seen from team `ti`: a handoff to
    /// another team (flagged when nothing recorded travels with it), the customer, the team's own
    /// next step, or an end.
    fn next_of(&self, i: usize, s: usize, ti: usize) -> Vec<Value> {
        let uc = &self.cat.use_cases[i];
        let t = self.t;
        let handoffs = &self.checked.facts.flows[i].flow.handoffs;
        let mut seen = BTreeSet::new();
        let mut out = Vec::new();
        for n in &uc.steps[s].next {
            let Some(to) = uc.step(&n.to.value) else {
                continue;
            };
            if !seen.insert(to) {
                continue;
            }
            let target = &uc.steps[to];
            let handoff = handoffs.iter().find(|h| h.edge.from == s && h.edge.to == to);
            let when = n
                .when
                .as_ref()
                .map(|w| format!("{} {}", t["if"], w.value))
                .or_else(|| n.default.then(|| t["otherwise"].to_owned()));
            let mut next = match (handoff, &target.end) {
                (Some(h), _) => {
                    let team = self.sibling_team(h.to_team);
                    json!({"name": team["name"], "link": team["link"], "flag": handoff_items(uc, h).is_empty()})
                }
                (None, Some(end)) => json!({"name": format!("{}: {}", t["end"], end.value)}),
                (None, None) => {
                    let actor = target.actor.as_ref().map_or("", |a| a.value.as_str());
                    let own = self.cat.index.teams.get(actor) == Some(&ti);
                    let name = if own {
                        format!("{} {}", t["step"], to + 1)
                    } else {
                        self.actor_name(actor)
                    };
                    json!({"name": name})
                }
            };
            next["when"] = json!(when);
            out.push(next);
        }
        out
    }

    pub(super) fn teams(&self) -> Result<Vec<Page>, String> {
        let cat = self.cat;
        let t = self.t;
        // A team at a time on rayon's pool (each goes through every use case); the pages, and the
        // first error, in the teams' order.
        let teams: Vec<&crate::model::Team> = cat.teams.iter().filter(|x| is_slug(&x.id.value)).collect();
        let made: Vec<Result<Page, String>> = teams.par_iter().map(|team| {
            let id = &team.id.value;
            let ti = cat.index.teams[id.as_str()];
            let mut use_cases = Vec::new();
            let (mut receives, mut hands_on) = (Vec::new(), Vec::new());
            let mut records: BTreeSet<String> = BTreeSet::new();
            for (i, uc) in cat.use_cases.iter().enumerate() {
                let own = |s: &&crate::model::Step| s.actor.as_ref().is_some_and(|a| &a.value == id);
                let owns = uc.owner.as_ref().is_some_and(|o| &o.value == id);
                records.extend(
                    uc.steps
                        .iter()
                        .filter(own)
                        .filter_map(|s| s.system.as_ref())
                        .map(|s| s.value.to_string()),
                );
                let handoffs = &self.checked.facts.flows[i].flow.handoffs;
                // The steps that follow one of the customer's (computed once per use case).
                let after_customer: BTreeSet<usize> = if uc.steps.iter().any(|x| own(&x)) {
                    uc.steps
                        .iter()
                        .filter(|p| {
                            p.actor
                                .as_ref()
                                .is_some_and(|a| a.value == crate::model::CUSTOMER)
                        })
                        .flat_map(|p| p.next.iter().filter_map(|n| uc.step(&n.to.value)))
                        .collect()
                } else {
                    BTreeSet::new()
                };
                let steps: Vec<Value> = uc
                    .steps
                    .iter()
                    .enumerate()
                    .filter(|(_, s)| own(s))
                    .map(|(s, step)| {
                        // The customer first, when the case comes straight from them, then
                        // each team that hands it in.
                        let from_customer = after_customer.contains(&s);
                        let from: Vec<Value> = from_customer
                            .then(|| json!({"name": t["customer"]}))
                            .into_iter()
                            .chain(handoffs.iter().filter(|h| h.edge.to == s && h.to_team == ti).map(|h| {
                                let team = self.sibling_team(h.from_team);
                                json!({"name": team["name"], "link": team["link"], "flag": handoff_items(uc, h).is_empty()})
                            }))
                            .collect();
                        json!({
                            "n": s + 1,
                            "title": step.title.as_ref().map_or_else(|| step.id.value.to_string(), |x| x.value.clone()),
                            "link": self.step_link(uc, s),
                            "channel": step.channel.as_ref().map(|c| cat.channel(&c.value).map_or(c.value.to_string(), |ch| ch.name.clone())),
                            "channel_link": step.channel.as_ref().filter(|c| is_slug(&c.value) && cat.channel(&c.value).is_some()).map(|c| format!("../channels/{}.md", c.value)),
                            "needs": self.item_names(step.needs.iter().map(|r| r.value.to_string())),
                            "gives": self.item_names(step.gives.iter().chain(&step.carries).map(|r| r.value.to_string())),
                            "from": from,
                            "next": self.next_of(i, s, ti),
                        })
                    })
                    .collect();
                if !steps.is_empty() || owns {
                    let role = match (!steps.is_empty(), owns) {
                        (true, true) => t["acts_and_owns"],
                        (true, false) => t["acts"],
                        _ => t["owns"],
                    };
                    use_cases.push(json!({"title": uc.title, "link": self.uc_link(uc, "../"), "role": role, "steps": steps}));
                }
                let row = |h: &Handoff, other: usize| {
                    let team = self.sibling_team(other);
                    let items = handoff_items(uc, h);
                    json!({
                        "team": team["name"], "team_link": team["link"],
                        "use_case": uc.title, "link": self.uc_link(uc, "../"),
                        "items": self.item_names(items.iter().cloned()), "flag": items.is_empty(),
                    })
                };
                for h in handoffs {
                    if h.to_team == ti {
                        receives.push(row(h, h.from_team));
                    }
                    if h.from_team == ti {
                        hands_on.push(row(h, h.to_team));
                    }
                }
            }
            let mut systems: Vec<Value> = Vec::new();
            for sys in &cat.systems {
                let reads = sys.access.iter().any(|a| &a.value == id);
                let writes = records.contains(sys.id.value.as_str());
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
            let flagged = receives.iter().chain(&hands_on).any(|h| h["flag"] == true);
            let ctx = json!({
                "name": team.name, "description": team.description,
                "department": dept.name, "department_link": is_slug(&dept.id.value).then(|| format!("../departments/{}.md", dept.id.value)),
                "lane": lane_label(t, Some(team.lane)), "automated": yes_no(t, team.automated),
                "use_cases": use_cases, "receives": receives, "hands_on": hands_on, "systems": systems,
                "flagged": flagged,
            });
            Ok(Page {
                path: format!("teams/{id}.md"),
                content: self.render("team.md", ctx)?,
            })
        }).collect();
        let mut pages = made.into_iter().collect::<Result<Vec<Page>, String>>()?;
        // The index: teams grouped by department, as on the home page.
        let groups: Vec<Value> = cat
            .departments
            .iter()
            .enumerate()
            .filter_map(|(di, dept)| {
                let items: Vec<Value> = cat
                    .teams
                    .iter()
                    .filter(|x| x.department == di && is_slug(&x.id.value))
                    .map(|x| json!({"name": x.name, "link": format!("{}.md", x.id.value), "details": x.description.clone().unwrap_or_else(|| lane_label(t, Some(x.lane)))}))
                    .collect();
                (!items.is_empty()).then(|| json!({"title": dept.name, "items": items}))
            })
            .collect();
        pages.push(Page {
            path: "teams/index.md".into(),
            content: self.render("list.md", json!({"title": t["teams"], "groups": groups}))?,
        });
        Ok(pages)
    }
}
