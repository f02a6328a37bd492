//! Catalogue settings from casebook.yaml: name, language, review period, and per-rule severity
//! and options.

use crate::diagnostic::Severity;
use crate::model::Located;
use crate::source::Span;
use std::collections::BTreeMap;
use std::ops::RangeInclusive;

/// The handbook's language.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Language {
    /// English.
    #[default]
    En,
    /// French.
    Fr,
}

/// A numeric option of a rule, with the values casebook.yaml's schema allows.
#[derive(Clone, Debug)]
pub struct RuleOption {
    /// The rule id.
    pub rule: &'static str,
    /// The option's name.
    pub name: &'static str,
    /// The values allowed (the schema's `minimum` and `maximum`).
    pub range: RangeInclusive<i64>,
}

/// Every numeric option a rule reads. The loader keeps an option only when it is listed here
/// and in range: anything else the schema has reported, and no rule ever sees it.
pub const RULE_OPTIONS: &[RuleOption] = &[
    RuleOption {
        rule: "handoff-budget",
        name: "max",
        range: 0..=1000,
    },
    RuleOption {
        rule: "satisfaction-gap",
        name: "min_gap",
        range: 1..=4,
    },
];

/// The review periods allowed, in months, in casebook.yaml and on a use case (as in the schemas).
pub const REVIEW_MONTHS: RangeInclusive<i64> = 1..=120;

/// One entry of `rules:`.
#[derive(Clone, Debug)]
pub struct RuleSetting {
    /// The rule id as written.
    pub id: crate::model::Ref,
    /// The severity, when set.
    pub severity: Option<Severity>,
    /// Numeric options (`max`, `min_gap`), each within its [`RULE_OPTIONS`] range.
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
    /// Default review period in months, within [`REVIEW_MONTHS`].
    pub review_every_months: Option<u32>,
    /// A folder of templates overriding the handbook's, relative to the catalogue.
    pub templates: Option<Located<String>>,
    /// Where the catalogue's repository is on the web, for links to its files.
    pub repository: Option<Repository>,
    /// Rule settings, by rule id.
    pub rules: BTreeMap<String, RuleSetting>,
    /// Where casebook.yaml is.
    pub span: Option<Span>,
}

/// `repository:` of casebook.yaml: the web address of the repository the catalogue lives in, so
/// that reports can link to a file and line (SARIF `helpUri`; the handbook's findings later).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Repository {
    /// The repository's web address, without a trailing `/`, e.g. `https://github.com/o/r`.
    pub url: String,
    /// The branch, tag or commit that links point at: `HEAD` (the default branch) when not set.
    pub branch: String,
    /// The catalogue folder within the repository, `/`-separated, without a leading or trailing
    /// `/` (empty for the repository root). `None`: not set, so the caller's guess applies (the
    /// same as `--path-prefix`).
    pub path: Option<String>,
}

impl Repository {
    /// Whether `url` is a web address that links can be built on: `http(s)://`, a host, and no
    /// space, quote, angle bracket, query or fragment (as the schema's pattern).
    pub fn is_web_address(url: &str) -> bool {
        let rest = url
            .strip_prefix("https://")
            .or_else(|| url.strip_prefix("http://"));
        rest.is_some_and(|r| {
            !r.is_empty()
                && !r.starts_with('/')
                && r.chars().all(|c| {
                    !c.is_whitespace()
                        && !c.is_control()
                        && !matches!(
                            c,
                            '"' | '<' | '>' | '\\' | '^' | '`' | '{' | '|' | '}' | '#' | '?'
                        )
                })
        })
    }

    /// The web address of a catalogue file (`file` relative to the catalogue), at `line` when
    /// given: `URL/blob/BRANCH/PATH/FILE#LLINE`, the form of GitHub (GitLab and Gitea redirect
    /// it). `prefix` is the catalogue's folder in the repository (`catalogue/`) used when
    /// `path` is not set.
    pub fn file_url(&self, prefix: &str, file: &str, line: Option<u32>) -> String {
        let folder = match &self.path {
            Some(p) if p.is_empty() => String::new(),
            Some(p) => format!("{p}/"),
            None => prefix.to_owned(),
        };
        let mut url = format!(
            "{}/blob/{}/{}",
            self.url,
            crate::markup::encode_uri_path(&self.branch),
            crate::markup::encode_uri_path(&format!("{folder}{file}"))
        );
        if let Some(line) = line {
            url.push_str(&format!("#L{line}"));
        }
        url
    }
}

impl Settings {
    /// The review period that applies when a use case sets none.
    pub fn default_review_months(&self) -> u32 {
        self.review_every_months.unwrap_or(12)
    }

    /// A numeric option of a rule, or its default. Only options of [`RULE_OPTIONS`] are ever
    /// read from casebook.yaml: a rule that asks for another always gets its default.
    pub fn option(&self, rule: &str, name: &str, default: i64) -> i64 {
        debug_assert!(
            RULE_OPTIONS
                .iter()
                .any(|o| o.rule == rule && o.name == name && o.range.contains(&default)),
            "`{rule}: {{ {name}: {default} }}` is not in RULE_OPTIONS"
        );
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

#[cfg(test)]
mod tests {
    use super::Repository;

    #[test]
    fn links_name_the_file_and_line_in_the_repository() {
        let mut repo = Repository {
            url: "https://github.com/o/r".into(),
            branch: "HEAD".into(),
            path: None,
        };
        assert_eq!(
            repo.file_url("catalogue/", "use-cases/a b.yaml", Some(7)),
            "https://github.com/o/r/blob/HEAD/catalogue/use-cases/a%20b.yaml#L7"
        );
        repo.path = Some("services/cat".into());
        repo.branch = "release/2026".into();
        assert_eq!(
            repo.file_url("ignored/", "casebook.yaml", None),
            "https://github.com/o/r/blob/release/2026/services/cat/casebook.yaml"
        );
        repo.path = Some(String::new());
        assert_eq!(
            repo.file_url("ignored/", "casebook.yaml", None),
            "https://github.com/o/r/blob/release/2026/casebook.yaml"
        );
    }

    #[test]
    fn only_plain_web_addresses_are_kept() {
        for good in ["https://github.com/o/r", "http://git.example.com:8080/o/r"] {
            assert!(Repository::is_web_address(good), "{good}");
        }
        for bad in [
            "git@github.com:o/r.git",
            "https://",
            "https:///path",
            "https://github.com/o/r?tab=1",
            "https://github.com/o/r#x",
            "https://github.com/o r",
            "javascript:alert(1)",
            "https://a\u{1}b",
        ] {
            assert!(!Repository::is_web_address(bad), "{bad}");
        }
    }
}
