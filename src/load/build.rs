//! Builds the typed model from parsed YAML trees.
//!
//! Building is lenient: the schema check has already reported every shape problem, so here a
//! field of the wrong type is simply left out, and the rest of the file still counts.

use super::yaml::{Node, NodeKind};
use crate::config::{Language, REVIEW_MONTHS, RULE_OPTIONS, Repository, RuleSetting, Settings};
use crate::diagnostic::{Diagnostic, Severity};
use crate::model::*;
use crate::source::{FileId, Span};
use std::ops::RangeInclusive;

/// The value of a whole number, as JSON Schema counts them: `3` and `3.0` are both 3. Larger
/// numbers than `i64` holds come from the YAML as floats and are refused here.
fn whole(node: &Node) -> Option<i64> {
    match node.kind {
        NodeKind::Int(i) => Some(i),
        // 2^63 is exactly representable; every integral float below it fits an i64.
        NodeKind::Float(f) if f.fract() == 0.0 && f.abs() < 9_223_372_036_854_775_808.0 => Some(f as i64),
        _ => None,
    }
}

/// `repository:` of casebook.yaml, when its `url` is a web address (as the schema's pattern);
/// a `branch` or `path` the schema refuses is left out.
fn repository(node: &Node) -> Option<Repository> {
    let url = node.get("url")?.as_str()?;
    if !Repository::is_web_address(url) {
        return None;
    }
    let clean = |s: &str| {
        !s.is_empty()
            && !s
                .chars()
                .any(|c| c.is_whitespace() || c.is_control() || matches!(c, '?' | '#' | '\\'))
    };
    let branch = node
        .get("branch")
        .and_then(Node::as_str)
        .filter(|b| clean(b) && !b.starts_with('/'))
        .unwrap_or("HEAD");
    let path = node
        .get("path")
        .and_then(Node::as_str)
        .filter(|p| p.is_empty() || (clean(p) && !p.starts_with('/')))
        .map(|p| p.trim_end_matches('/').to_owned());
    Some(Repository {
        url: url.trim_end_matches('/').to_owned(),
        branch: branch.to_owned(),
        path,
    })
}

/// Turns nodes into model values for one file, remembering the file id.
pub struct Builder {
    file: FileId,
    /// Problems the schema cannot see (impossible dates).
    pub diagnostics: Vec<Diagnostic>,
}

/// Collected lists without the spare room of a growing vector.
///
/// The model lives until the report is written, so every list is kept at its length: a list
/// collected through `filter_map` starts at 4 entries and doubles (a `Vec<Step>` of 23 steps
/// holds 32), which was half of the model's memory. See benches/README.md, "Memory".
trait Exact {
    fn exact(self) -> Self;
}

impl<T> Exact for Vec<T> {
    fn exact(mut self) -> Self {
        self.shrink_to_fit();
        self
    }
}

impl Builder {
    /// A builder for one file.
    pub fn new(file: FileId) -> Self {
        Builder {
            file,
            diagnostics: Vec::new(),
        }
    }

    fn span(&self, node: &Node) -> Span {
        Span {
            file: self.file,
            start: node.start,
            end: node.end.max(node.start),
        }
    }

    fn string(&self, node: &Node, key: &str) -> Option<Located<String>> {
        let v = node.get(key)?;
        v.as_str().map(|s| Located::new(s.to_owned(), self.span(v)))
    }

    /// An id at `key`, interned.
    fn id(&self, node: &Node, key: &str) -> Option<Ref> {
        let v = node.get(key)?;
        v.as_str().map(|s| Located::new(Id::from(s), self.span(v)))
    }

    fn text(&self, node: &Node, key: &str) -> Option<String> {
        node.get(key)?.as_str().map(str::to_owned)
    }

    fn refs(&self, node: &Node, key: &str) -> Vec<Ref> {
        node.get(key)
            .and_then(Node::as_seq)
            .unwrap_or_default()
            .iter()
            .filter_map(|n| n.as_str().map(|s| Located::new(Id::from(s), self.span(n))))
            .collect::<Vec<_>>()
            .exact()
    }

    /// [`Builder::refs`] as a boxed slice (a step's lists: 8 bytes less each than a `Vec`).
    fn ref_slice(&self, node: &Node, key: &str) -> Box<[Ref]> {
        self.refs(node, key).into_boxed_slice()
    }

    fn flag(&self, node: &Node, key: &str) -> Option<Span> {
        let v = node.get(key)?;
        (v.kind == NodeKind::Bool(true)).then(|| self.span(v))
    }

    /// The whole number at `key` when it lies in `range`, the schema's `minimum` and `maximum`:
    /// a number outside is left out, as a value of the wrong type is, so no rule computes with it.
    fn bounded(&self, node: &Node, key: &str, range: RangeInclusive<i64>) -> Option<i64> {
        whole(node.get(key)?).filter(|i| range.contains(i))
    }

    fn review_months(&self, node: &Node) -> Option<u32> {
        self.bounded(node, "review_every_months", REVIEW_MONTHS)
            .and_then(|i| u32::try_from(i).ok())
    }

    fn allow(&self, node: &Node) -> Allow {
        Allow {
            rules: self.refs(node, "allow"),
            reason: self.text(node, "reason"),
            span: node.get("allow").map(|v| self.span(v)),
        }
    }

    fn items<'n>(&self, node: &'n Node, key: &str) -> &'n [Node] {
        node.get(key).and_then(Node::as_seq).unwrap_or_default()
    }

    /// casebook.yaml.
    pub fn settings(&mut self, node: &Node) -> Settings {
        let mut settings = Settings {
            name: self.text(node, "name").unwrap_or_default(),
            description: self.text(node, "description"),
            language: match node.get("language").and_then(Node::as_str) {
                Some("fr") => Language::Fr,
                _ => Language::En,
            },
            review_every_months: self.review_months(node),
            span: Some(self.span(node)),
            templates: self.string(node, "templates"),
            repository: node.get("repository").and_then(repository),
            ..Settings::default()
        };
        if let Some(NodeKind::Map(entries)) = node.get("rules").map(|n| &n.kind) {
            for (key, value) in entries {
                let id = Located::new(
                    Id::from(key.name.as_str()),
                    Span {
                        file: self.file,
                        start: key.start,
                        end: key.end,
                    },
                );
                let mut setting = RuleSetting {
                    id,
                    severity: None,
                    options: Default::default(),
                };
                match &value.kind {
                    NodeKind::Str(s) => setting.severity = Severity::parse(s),
                    NodeKind::Map(opts) => {
                        for (k, v) in opts {
                            if let (NodeKind::Str(s), "severity") = (&v.kind, k.name.as_str()) {
                                setting.severity = Severity::parse(s);
                            } else if let Some(i) = whole(v).filter(|i| {
                                RULE_OPTIONS
                                    .iter()
                                    .any(|o| o.rule == key.name && o.name == k.name && o.range.contains(i))
                            }) {
                                setting.options.insert(k.name.clone(), i);
                            }
                        }
                    }
                    _ => {}
                }
                settings.rules.insert(key.name.clone(), setting);
            }
        }
        settings
    }

    /// organisation.yaml: departments, teams and systems.
    pub fn organisation(&mut self, node: &Node, cat: &mut Catalogue) {
        for dept in self.items(node, "departments") {
            let Some(id) = self.id(dept, "id") else {
                continue;
            };
            let department = cat.departments.len();
            cat.departments.push(Department {
                name: self.text(dept, "name").unwrap_or_else(|| id.value.to_string()),
                description: self.text(dept, "description"),
                id,
            });
            for team in self.items(dept, "teams") {
                let Some(id) = self.id(team, "id") else {
                    continue;
                };
                cat.teams.push(Team {
                    name: self.text(team, "name").unwrap_or_else(|| id.value.to_string()),
                    description: self.text(team, "description"),
                    id,
                    department,
                    lane: team
                        .get("lane")
                        .and_then(Node::as_str)
                        .and_then(Lane::parse)
                        .unwrap_or(Lane::Backstage),
                    automated: self.flag(team, "automated").is_some(),
                    // A handle the schema rejected is left out: it would reach CODEOWNERS.
                    handle: self.text(team, "handle").filter(|h| crate::model::is_handle(h)),
                });
            }
        }
        for sys in self.items(node, "systems") {
            let Some(id) = self.id(sys, "id") else {
                continue;
            };
            cat.systems.push(System {
                name: self.text(sys, "name").unwrap_or_else(|| id.value.to_string()),
                description: self.text(sys, "description"),
                id,
                access: self.refs(sys, "access"),
            });
        }
    }

    /// channels.yaml.
    pub fn channels(&mut self, node: &Node, cat: &mut Catalogue) {
        for ch in self.items(node, "channels") {
            let Some(id) = self.id(ch, "id") else { continue };
            cat.channels.push(Channel {
                name: self.text(ch, "name").unwrap_or_else(|| id.value.to_string()),
                description: self.text(ch, "description"),
                id,
                kind: self.text(ch, "kind").unwrap_or_default(),
                synchronous: self.flag(ch, "synchronous").is_some(),
            });
        }
    }

    /// information.yaml.
    pub fn information(&mut self, node: &Node, cat: &mut Catalogue) {
        for it in self.items(node, "information") {
            let Some(id) = self.id(it, "id") else { continue };
            cat.items.push(Item {
                name: self.text(it, "name").unwrap_or_else(|| id.value.to_string()),
                description: self.text(it, "description"),
                id,
                stored_in: self.id(it, "stored_in"),
            });
        }
    }

    /// One use case file; `None` when it has no usable id (the schema check reported why).
    pub fn use_case(&mut self, node: &Node) -> Option<UseCase> {
        let id = self.id(node, "id")?;
        let reviewed = self
            .string(node, "reviewed")
            .and_then(|s| match Date::read(&s.value) {
                Ok(d) => Some(Located::new(d, s.span)),
                Err(DateError::Day) => {
                    // The schema checked the form and the year; this is an impossible date such as 2023-02-30.
                    self.diagnostics.push(
                        Diagnostic::new("schema", s.span, format!("`{}` is not a real date", s.value))
                            .in_use_case(id.value)
                            .with_help("check the month and the day"),
                    );
                    None
                }
                // The schema's pattern has reported it.
                Err(DateError::Form | DateError::Year) => None,
            });
        let steps = self
            .items(node, "steps")
            .iter()
            .filter_map(|s| self.step(s))
            .collect::<Vec<_>>()
            .exact();
        Some(UseCase {
            file: self.file,
            title: self.text(node, "title").unwrap_or_default(),
            description: self.text(node, "description"),
            domain: self.text(node, "domain").unwrap_or_default(),
            owner: self.id(node, "owner"),
            status: node.get("status").and_then(Node::as_str).and_then(Status::parse),
            reviewed,
            review_every_months: self.review_months(node),
            persona: self.text(node, "persona"),
            trigger: self.text(node, "trigger"),
            outcome: self.text(node, "outcome"),
            inputs: self.refs(node, "inputs"),
            tags: self
                .refs(node, "tags")
                .into_iter()
                .map(|r| r.value.to_string())
                .collect(),
            start: self.id(node, "start"),
            steps,
            allow: self.allow(node),
            step_index: Default::default(),
            id,
        })
    }

    fn step(&mut self, node: &Node) -> Option<Step> {
        let id = self.id(node, "id")?;
        let next_node = node.entry("next");
        let next: Box<[Next]> = match next_node.map(|(_, v)| v) {
            Some(
                n @ Node {
                    kind: NodeKind::Str(s),
                    ..
                },
            ) => Box::new([Next {
                to: Located::new(Id::from(s.as_str()), self.span(n)),
                when: None,
                default: false,
                carries: Box::default(),
                message: false,
                span: self.span(n),
            }]),
            Some(Node {
                kind: NodeKind::Seq(entries),
                ..
            }) => entries
                .iter()
                .filter_map(|e| match &e.kind {
                    // A bare id inside the list is accepted leniently (the schema reports it).
                    NodeKind::Str(s) => Some(Next {
                        to: Located::new(Id::from(s.as_str()), self.span(e)),
                        when: None,
                        default: false,
                        carries: Box::default(),
                        message: false,
                        span: self.span(e),
                    }),
                    NodeKind::Map(_) => Some(Next {
                        to: self.id(e, "to")?,
                        when: self.string(e, "when").map(Box::new),
                        default: self.flag(e, "default").is_some(),
                        carries: self.ref_slice(e, "carries"),
                        message: self.flag(e, "message").is_some(),
                        span: self.span(e),
                    }),
                    _ => None,
                })
                .collect(),
            _ => Box::default(),
        };
        let satisfaction = node.get("satisfaction").map(|n| {
            let score = |k| {
                self.bounded(n, k, Satisfaction::SCORES)
                    .and_then(|i| u8::try_from(i).ok())
            };
            Box::new(Located::new(
                Satisfaction {
                    customer: score("customer"),
                    staff: score("staff"),
                    management: score("management"),
                },
                self.span(n),
            ))
        });
        Some(Step {
            title: self.string(node, "title"),
            description: self.text(node, "description"),
            actor: self.id(node, "actor"),
            lane: self
                .string(node, "lane")
                .and_then(|l| Lane::parse(&l.value).map(|v| Located::new(v, l.span))),
            channel: self.id(node, "channel"),
            system: self.id(node, "system"),
            needs: self.ref_slice(node, "needs"),
            gives: self.ref_slice(node, "gives"),
            carries: self.ref_slice(node, "carries"),
            next,
            next_key: next_node.map(|(k, _)| Span {
                file: self.file,
                start: k.start,
                end: k.end,
            }),
            parallel: self.flag(node, "parallel"),
            join: self
                .string(node, "join")
                .and_then(|j| Join::parse(&j.value).map(|v| Located::new(v, j.span))),
            end: self.string(node, "end").map(Box::new),
            calls: self.id(node, "calls").map(Box::new),
            fail_point: self.flag(node, "fail_point"),
            recovery: self.id(node, "recovery").map(Box::new),
            moment_of_truth: self.flag(node, "moment_of_truth"),
            satisfaction,
            duration: self
                .string(node, "duration")
                .and_then(|d| Duration::parse(&d.value).map(|v| Box::new(Located::new(v, d.span)))),
            allow: StepAllow::new(self.allow(node)),
            span: self.span(node),
            id,
        })
    }
}
