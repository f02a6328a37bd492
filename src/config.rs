//! Catalogue settings from casebook.yaml: name, language, review period, and per-rule severity
//! and options.

use crate::diagnostic::Severity;
use crate::model::Located;
use crate::source::Span;
use std::collections::BTreeMap;

/// The handbook's language.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Language {
    /// English.
    #[default]
    En,
    /// French.
    Fr,
}

/// One entry of `rules:`.
#[derive(Clone, Debug)]
pub struct RuleSetting {
    /// The rule id as written.
    pub id: Located<String>,
    /// The severity, when set.
    pub severity: Option<Severity>,
    /// Numeric options (`max`, `min_gap`).
    pub options: BTreeMap<String, i64>,
}

/// Settings of the catalogue.
#[derive(Clone, Debug, Default)]
pub struct Settings {
    /// The catalogue's name.
    pub name: String,
    /// A sentence about the catalogue.
    pub description: Option<String>,
    /// Language of the handbook's labels.
    pub language: Language,
    /// Default review period in months.
    pub review_every_months: Option<u32>,
    /// A folder of templates overriding the handbook's, relative to the catalogue.
    pub templates: Option<Located<String>>,
    /// Rule settings, by rule id.
    pub rules: BTreeMap<String, RuleSetting>,
    /// Where casebook.yaml is.
    pub span: Option<Span>,
}

impl Settings {
    /// The review period that applies when a use case sets none.
    pub fn default_review_months(&self) -> u32 {
        self.review_every_months.unwrap_or(12)
    }

    /// A numeric option of a rule, or its default.
    pub fn option(&self, rule: &str, name: &str, default: i64) -> i64 {
        self.rules
            .get(rule)
            .and_then(|r| r.options.get(name))
            .copied()
            .unwrap_or(default)
    }

    /// The severity configured for a rule, if any.
    pub fn severity(&self, rule: &str) -> Option<Severity> {
        self.rules.get(rule).and_then(|r| r.severity)
    }
}
