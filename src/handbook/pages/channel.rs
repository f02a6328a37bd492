//! The channel pages (every step on the channel, as a table) and their index.

use super::{Builder, Page, yes_no};
use crate::scaffold::is_slug;
use rayon::prelude::*;
use serde_json::{Value, json};

impl Builder<'_> {
    pub(super) fn channels(&self) -> Result<Vec<Page>, String> {
        let cat = self.cat;
        let t = self.t;
        let channels: Vec<&crate::model::Channel> =
            cat.channels.iter().filter(|c| is_slug(&c.id.value)).collect();
        // A channel at a time on rayon's pool (each goes through every use case); the pages, and
        // the first error, in the channels' order.
        let made: Vec<Result<Page, String>> = channels.par_iter().map(|ch| {
            let id = &ch.id.value;
            // One row per step on the channel, in the use cases' order then the steps' order.
            let mut steps: Vec<Value> = Vec::new();
            let mut use_cases = 0;
            for uc in &cat.use_cases {
                let before = steps.len();
                for (s, step) in uc.steps.iter().enumerate() {
                    if step.channel.as_ref().is_none_or(|c| &c.value != id) {
                        continue;
                    }
                    let actor = step.actor.as_ref().map_or("", |a| a.value.as_str());
                    steps.push(json!({
                        "use_case": uc.title, "link": self.uc_link(uc, "../"),
                        "n": s + 1,
                        "step": step.title.as_ref().map_or_else(|| step.id.value.to_string(), |x| x.value.clone()),
                        "step_link": self.step_link(uc, s),
                        "team": self.actor_name(actor), "team_link": self.team_link(actor, true),
                        "first": steps.len() == before,
                    }));
                }
                use_cases += usize::from(steps.len() > before);
            }
            let ctx = json!({
                "name": ch.name, "description": ch.description, "kind": self.channel_kind(&ch.kind),
                "synchronous": yes_no(t, ch.synchronous), "steps": steps, "use_cases": use_cases,
            });
            Ok(Page {
                path: format!("channels/{id}.md"),
                content: self.render("channel.md", ctx)?,
            })
        }).collect();
        let mut pages = made.into_iter().collect::<Result<Vec<Page>, String>>()?;
        let list: Vec<Value> = channels
            .iter()
            .map(|ch| json!({"name": ch.name, "link": format!("{}.md", ch.id.value), "details": ch.description.clone().unwrap_or_else(|| self.channel_kind(&ch.kind))}))
            .collect();
        pages.push(Page {
            path: "channels/index.md".into(),
            content: self.render(
                "list.md",
                json!({"title": t["channels"], "groups": [{"items": list}]}),
            )?,
        });
        Ok(pages)
    }
}
