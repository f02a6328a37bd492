//! The rule reference.

use super::Builder;
use crate::rules::REGISTRY;
use serde_json::{Value, json};

impl Builder<'_> {
    pub(super) fn rules(&self) -> Result<String, String> {
        let rules: Vec<Value> = REGISTRY
            .iter()
            .map(|r| {
                let m = r.meta();
                let doc = m.documentation().replace("## ", "### ");
                json!({"id": m.id, "group": m.group.as_str(), "severity": self.severity(m.default_severity), "doc": doc})
            })
            .collect();
        self.render("rules.md", json!({"rules": rules}))
    }
}
