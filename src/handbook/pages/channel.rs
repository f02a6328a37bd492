//! The channel pages and their index.

use super::{Builder, Page, yes_no};
use crate::scaffold::is_slug;
use serde_json::{Value, json};

impl Builder<'_> {
    pub(super) fn channels(&self) -> Result<Vec<Page>, String> {
        let cat = self.cat;
        let t = self.t;
        let mut pages = Vec::new();
        let mut list = Vec::new();
        for ch in cat.channels.iter().filter(|c| is_slug(&c.id.value)) {
            let id = &ch.id.value;
            let use_cases: Vec<Value> = cat
                .use_cases
                .iter()
                .filter_map(|uc| {
                    let titles: Vec<&str> = uc.steps.iter().filter(|s| s.channel.as_ref().is_some_and(|c| &c.value == id)).filter_map(|s| s.title.as_ref().map(|x| x.value.as_str())).collect();
                    (!titles.is_empty()).then(|| json!({"title": uc.title, "link": self.uc_link(uc, "../"), "steps": titles.join("; ")}))
                })
                .collect();
            let ctx = json!({"name": ch.name, "kind": self.channel_kind(&ch.kind), "synchronous": yes_no(t, ch.synchronous), "use_cases": use_cases});
            pages.push(Page {
                path: format!("channels/{id}.md"),
                content: self.render("channel.md", ctx)?,
            });
            list.push(
                json!({"name": ch.name, "link": format!("{id}.md"), "details": self.channel_kind(&ch.kind)}),
            );
        }
        pages.push(Page {
            path: "channels/index.md".into(),
            content: self.render("list.md", json!({"title": t["channels"], "items": list}))?,
        });
        Ok(pages)
    }
}
