//! Completion: ids where an id is expected, field names and enum values from the schemas.
//!
//! The context comes from the text around the cursor ([`text::context`]), since the file being
//! typed is rarely valid YAML; the candidates come from the model of the rest of the catalogue,
//! and a use case's own step ids also from its text (its model may be missing or stale).

use super::hover::{describe, location, name};
use super::index::{Index, file_kind};
use super::text::{self, Context, Seg};
use super::{Completion, CompletionKind, Symbol, SymbolKind, schema};
use crate::Checked;
use crate::load::FileKind;
use crate::model::CUSTOMER;
use crate::source::{FileId, Span};
use std::collections::BTreeSet;

/// The kind of id the value of `key` holds in a file of `kind`, and whether `customer` is one.
pub fn id_kind(kind: FileKind, key: &str) -> Option<(SymbolKind, bool)> {
    Some(match (kind, key) {
        (FileKind::UseCase, "actor") => (SymbolKind::Team, true),
        // The accountable team: `customer` is no owner (unknown-reference says so).
        (FileKind::UseCase, "owner") => (SymbolKind::Team, false),
        (FileKind::UseCase, "channel") => (SymbolKind::Channel, false),
        (FileKind::UseCase, "system") => (SymbolKind::System, false),
        (FileKind::UseCase, "needs" | "gives" | "carries" | "inputs") => (SymbolKind::Item, false),
        (FileKind::UseCase, "next" | "to" | "recovery" | "start") => (SymbolKind::Step, false),
        (FileKind::UseCase, "calls") => (SymbolKind::UseCase, false),
        (FileKind::UseCase, "allow") => (SymbolKind::Rule, false),
        (FileKind::Organisation, "access") => (SymbolKind::Team, false),
        (FileKind::Information, "stored_in") => (SymbolKind::System, false),
        _ => return None,
    })
}

/// What may be typed at the cursor.
pub fn completions(checked: &Checked, file: FileId, offset: u32) -> Vec<Completion> {
    let Some(kind) = file_kind(checked, file) else {
        return Vec::new();
    };
    let text = &checked.report.sources.get(file).text;
    let offset = text::floor_char(text, offset as usize);
    let (start, end) = text::word_at(text, offset);
    let replace = Span {
        file,
        start: start as u32,
        end: end as u32,
    };
    let cx = Completer {
        checked,
        file,
        kind,
        replace,
    };
    match text::context(text, offset) {
        Context::Key { path, present } => {
            if kind == FileKind::Casebook && path == [Seg::Key("rules".to_owned())] {
                cx.ids(SymbolKind::Rule, false)
                    .into_iter()
                    .filter(|c| !present.contains(&c.label))
                    .collect()
            } else {
                cx.fields(&path, &present)
            }
        }
        Context::Item { path } => match path.last() {
            // A `next` entry is a mapping (`- to: step`): its fields, then `to:` offers the steps.
            Some(Seg::Key(key)) if kind == FileKind::UseCase && key == "next" => {
                let mut p = path;
                p.push(Seg::Item);
                cx.fields(&p, &[])
            }
            Some(Seg::Key(key)) if id_kind(kind, key).is_some() => {
                let (k, customer) = id_kind(kind, key).unwrap_or((SymbolKind::Team, false));
                cx.ids(k, customer)
            }
            _ if schema::items_are_mappings(kind, &path) => {
                let mut p = path;
                p.push(Seg::Item);
                cx.fields(&p, &[])
            }
            _ => {
                let mut p = path;
                p.push(Seg::Item);
                cx.values(&p)
            }
        },
        Context::Value { path, .. } => match path.last() {
            Some(Seg::Key(key)) if key == "id" => Vec::new(),
            Some(Seg::Key(key)) => match id_kind(kind, key) {
                Some((k, customer)) => cx.ids(k, customer),
                None => cx.values(&path),
            },
            _ => Vec::new(),
        },
    }
}

struct Completer<'a> {
    checked: &'a Checked,
    file: FileId,
    kind: FileKind,
    replace: Span,
}

impl Completer<'_> {
    fn item(
        &self,
        label: String,
        kind: CompletionKind,
        detail: Option<String>,
        doc: Option<String>,
    ) -> Completion {
        Completion {
            label,
            kind,
            detail,
            documentation: doc,
            replace: self.replace,
        }
    }

    /// The ids of one kind, each with its name and where it is defined.
    fn ids(&self, kind: SymbolKind, customer: bool) -> Vec<Completion> {
        let index = Index::build(self.checked);
        let cat = &self.checked.catalogue;
        let mut seen = BTreeSet::new();
        let mut out = Vec::new();
        let mut push = |symbol: Symbol, detail: Option<String>, doc: String| {
            if seen.insert(symbol.id.clone()) {
                out.push(self.item(symbol.id.clone(), CompletionKind::Id(kind), detail, Some(doc)));
            }
        };
        let global = |id: &str| Symbol {
            kind,
            id: id.to_owned(),
            use_case: None,
        };
        let mut one = |id: &str| {
            let s = global(id);
            let detail = name(self.checked, &s);
            let doc = describe(self.checked, &index, &s);
            push(s, detail, doc);
        };
        match kind {
            SymbolKind::Team => {
                if customer {
                    one(CUSTOMER);
                }
                cat.teams.iter().for_each(|t| one(&t.id.value));
            }
            SymbolKind::Department => cat.departments.iter().for_each(|d| one(&d.id.value)),
            SymbolKind::System => cat.systems.iter().for_each(|d| one(&d.id.value)),
            SymbolKind::Channel => cat.channels.iter().for_each(|d| one(&d.id.value)),
            SymbolKind::Item => cat.items.iter().for_each(|d| one(&d.id.value)),
            // Not the use case being written: calling itself is a call cycle.
            SymbolKind::UseCase => cat
                .use_cases
                .iter()
                .filter(|u| u.file != self.file)
                .for_each(|d| one(&d.id.value)),
            SymbolKind::Rule => crate::rules::ids().for_each(&mut one),
            SymbolKind::Step => {
                // The steps of this file: from its text (it may not parse), then from the model.
                let source = self.checked.report.sources.get(self.file);
                let model = cat.use_cases.iter().find(|u| u.file == self.file);
                let use_case = model
                    .map(|u| u.id.value.to_string())
                    .or_else(|| text::root_id(&source.text));
                for (id, title, at) in text::nested_ids(&source.text) {
                    let s = Symbol {
                        kind,
                        id,
                        use_case: use_case.clone(),
                    };
                    let detail = name(self.checked, &s).or(title);
                    let doc = format!(
                        "{}\n\nDefined in `{}:{}`.",
                        detail.as_deref().map_or_else(
                            || format!("step `{}`", s.id),
                            |t| format!("**{t}** (step `{}`)", s.id)
                        ),
                        source.rel_path,
                        source.line_col(at as u32).line
                    );
                    push(s, detail, doc);
                }
                if let Some(uc) = model {
                    for step in &uc.steps {
                        let s = Symbol {
                            kind,
                            id: step.id.value.to_string(),
                            use_case: Some(uc.id.value.to_string()),
                        };
                        let detail = name(self.checked, &s);
                        let doc = format!(
                            "{}\n\nDefined in `{}`.",
                            detail.as_deref().unwrap_or(""),
                            location(self.checked, step.id.span)
                        );
                        push(s, detail, doc);
                    }
                }
            }
        }
        out
    }

    /// The fields of the mapping at `path` not yet written.
    fn fields(&self, path: &[Seg], present: &[String]) -> Vec<Completion> {
        schema::fields(self.kind, path)
            .into_iter()
            .filter(|(name, _)| !present.iter().any(|p| p == name))
            .map(|(name, node)| {
                let detail = match (node.title(), node.type_label()) {
                    (Some(t), Some(ty)) => Some(format!("{t}: {ty}")),
                    (t, ty) => t.map(str::to_owned).or(ty),
                };
                self.item(
                    name.to_owned(),
                    CompletionKind::Field,
                    detail,
                    node.description().map(str::to_owned),
                )
            })
            .collect()
    }

    /// The enum values at `path`.
    fn values(&self, path: &[Seg]) -> Vec<Completion> {
        schema::values(self.kind, path)
            .into_iter()
            .map(|(v, node)| {
                self.item(
                    v,
                    CompletionKind::Value,
                    node.title().map(str::to_owned),
                    node.description().map(str::to_owned),
                )
            })
            .collect()
    }
}
