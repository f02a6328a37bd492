//! The domain pages.

use super::{Builder, Page, domain_title};
use serde_json::{Value, json};

impl Builder<'_> {
    /// A page per domain: the table of its use cases.
    pub(super) fn domains(&self) -> Result<Vec<Page>, String> {
        self.domain_groups()
            .into_iter()
            .map(|(d, list)| {
                let rows: Vec<Value> = list.iter().map(|&i| self.use_case_row(i, "../")).collect();
                let content =
                    self.render("domain.md", json!({"name": domain_title(d), "use_cases": rows}))?;
                Ok(Page {
                    path: format!("domains/{d}.md"),
                    content,
                })
            })
            .collect()
    }
}
