//! The domain pages (and, in large catalogues, the use cases as their sections).

use super::{Builder, Page, domain_title};
use serde_json::{Value, json};
use std::collections::BTreeMap;

impl Builder<'_> {
    /// A page per domain; with `sections`, each use case follows as a section of it.
    pub(super) fn domains(&self, sections: &BTreeMap<String, String>) -> Result<Vec<Page>, String> {
        self.domain_groups()
            .into_iter()
            .map(|(d, list)| {
                let rows: Vec<Value> = list.iter().map(|&i| self.use_case_row(i, "../")).collect();
                let mut content =
                    self.render("domain.md", json!({"name": domain_title(d), "use_cases": rows}))?;
                if let Some(body) = sections.get(d) {
                    content.push('\n');
                    content.push_str(body);
                }
                Ok(Page {
                    path: format!("domains/{d}.md"),
                    content,
                })
            })
            .collect()
    }
}
