//! What an id or a field is, in Markdown: for hover, and for the details of completions.

use super::index::{Index, file_kind};
use super::text::{self, Seg};
use super::{Hover, Symbol, SymbolKind, schema};
use crate::Checked;
use crate::model::CUSTOMER;
use crate::source::{FileId, Span};

/// `file:line` of a span, relative to the catalogue.
pub fn location(checked: &Checked, span: Span) -> String {
    let f = checked.report.sources.get(span.file);
    format!("{}:{}", f.rel_path, f.line_col(span.start).line)
}

/// Where a symbol is defined, as a Markdown line ("Defined in `organisation.yaml:12`.").
fn defined_at(checked: &Checked, index: &Index, symbol: &Symbol) -> String {
    let places: Vec<String> = index
        .definitions(symbol)
        .map(|o| format!("`{}`", location(checked, o.span)))
        .collect();
    match places.as_slice() {
        [] if Index::is_customer(symbol) => "Built in: no file defines it.".to_owned(),
        [] if symbol.kind == SymbolKind::Rule => {
            format!("A rule of casebook itself (`casebook explain {}`).", symbol.id)
        }
        [] if symbol.kind == SymbolKind::Step => {
            "No step of the use case has this id, or its file does not parse.".to_owned()
        }
        [] => format!("Not defined anywhere: unknown {}.", symbol.kind.noun()),
        [one] => format!("Defined in {one}."),
        many => format!("Defined more than once: {}.", many.join(", ")),
    }
}

/// The one-line name of a symbol (a team's name, a use case's title...), when it has one.
pub fn name(checked: &Checked, symbol: &Symbol) -> Option<String> {
    let cat = &checked.catalogue;
    Some(match symbol.kind {
        SymbolKind::Department => cat
            .departments
            .iter()
            .find(|d| d.id.value == symbol.id)?
            .name
            .clone(),
        SymbolKind::Team if symbol.id == CUSTOMER => "The customer".to_owned(),
        SymbolKind::Team => cat.team(&symbol.id)?.name.clone(),
        SymbolKind::System => cat.system(&symbol.id)?.name.clone(),
        SymbolKind::Channel => cat.channel(&symbol.id)?.name.clone(),
        SymbolKind::Item => cat.item(&symbol.id)?.name.clone(),
        SymbolKind::UseCase => cat.use_case(&symbol.id)?.title.clone(),
        SymbolKind::Step => {
            let uc = cat.use_case(symbol.use_case.as_deref()?)?;
            let step = &uc.steps[uc.step(&symbol.id)?];
            match (&step.title, &step.end) {
                (Some(t), _) => t.value.clone(),
                (None, Some(end)) => format!("End: {}", end.value),
                (None, None) => return None,
            }
        }
        SymbolKind::Rule => crate::rules::find(&symbol.id)?.summary.to_owned(),
    })
}

/// The Markdown that says what a symbol is: its name, its facts, where it is defined.
pub fn describe(checked: &Checked, index: &Index, symbol: &Symbol) -> String {
    let cat = &checked.catalogue;
    let mut lines = Vec::new();
    let noun = if Index::is_customer(symbol) {
        "actor"
    } else {
        symbol.kind.noun()
    };
    match name(checked, symbol) {
        Some(n) if symbol.kind != SymbolKind::Rule => lines.push(format!("**{n}** ({noun} `{}`)", symbol.id)),
        _ => lines.push(format!("{noun} `{}`", symbol.id)),
    }
    match symbol.kind {
        SymbolKind::Team if symbol.id == CUSTOMER => {
            lines.push("The customer's own steps: the `customer` lane.".to_owned());
        }
        SymbolKind::Team => {
            if let Some(t) = cat.team(&symbol.id) {
                let dept = cat.departments.get(t.department).map_or("?", |d| d.name.as_str());
                let bot = if t.automated { " · automated" } else { "" };
                lines.push(format!("Department: {dept} · lane: {}{bot}", t.lane.as_str()));
            }
        }
        SymbolKind::Department => {
            let teams: Vec<String> = cat
                .departments
                .iter()
                .position(|d| d.id.value == symbol.id)
                .map(|i| {
                    cat.teams
                        .iter()
                        .filter(|t| t.department == i)
                        .map(|t| format!("`{}`", t.id.value))
                        .collect()
                })
                .unwrap_or_default();
            if !teams.is_empty() {
                lines.push(format!("Teams: {}", teams.join(", ")));
            }
        }
        SymbolKind::System => {
            if let Some(s) = cat.system(&symbol.id) {
                let access: Vec<String> = s.access.iter().map(|a| format!("`{}`", a.value)).collect();
                lines.push(if access.is_empty() {
                    "Readable by no team.".to_owned()
                } else {
                    format!("Readable by: {}", access.join(", "))
                });
            }
        }
        SymbolKind::Channel => {
            if let Some(c) = cat.channel(&symbol.id) {
                let sync = if c.synchronous { ", synchronous" } else { "" };
                lines.push(format!("Kind: {}{sync}", c.kind));
            }
        }
        SymbolKind::Item => {
            if let Some(i) = cat.item(&symbol.id) {
                lines.push(match &i.stored_in {
                    Some(s) => match cat.system(&s.value) {
                        Some(sys) => format!("Stored in: {} (`{}`)", sys.name, s.value),
                        None => format!("Stored in: `{}`", s.value),
                    },
                    None => "Stored in no system: it reaches another team only when carried.".to_owned(),
                });
            }
        }
        SymbolKind::UseCase => {
            if let Some(uc) = cat.use_case(&symbol.id) {
                if let Some(owner) = &uc.owner {
                    lines.push(format!("Owner: `{}`", owner.value));
                }
                lines.push(format!("{} steps", uc.steps.len()));
            }
        }
        SymbolKind::Step => {
            let step = symbol
                .use_case
                .as_deref()
                .and_then(|u| cat.use_case(u))
                .and_then(|uc| uc.step(&symbol.id).map(|s| &uc.steps[s]));
            if let Some(actor) = step.and_then(|s| s.actor.as_ref()) {
                let who = cat
                    .team(&actor.value)
                    .map_or(String::new(), |t| format!(" ({})", t.name));
                lines.push(format!("Actor: `{}`{who}", actor.value));
            }
        }
        SymbolKind::Rule => {
            if let Some(meta) = crate::rules::find(&symbol.id) {
                lines.push(format!(
                    "{} · {} group · default severity {}",
                    meta.summary,
                    meta.group.as_str(),
                    meta.default_severity.as_str()
                ));
                lines.push(meta.documentation());
            } else {
                lines.push("casebook has no rule of this name (`casebook explain` lists them).".to_owned());
            }
        }
    }
    lines.push(defined_at(checked, index, symbol));
    lines.join("\n\n")
}

/// What the id or field under the cursor is.
pub fn hover(checked: &Checked, file: FileId, offset: u32) -> Option<Hover> {
    let index = Index::build(checked);
    if let Some((symbol, span, _)) = super::lookup(checked, &index, file, offset) {
        return Some(Hover {
            markdown: describe(checked, &index, &symbol),
            span,
        });
    }
    let kind = file_kind(checked, file)?;
    let text = &checked.report.sources.get(file).text;
    let (path, (start, end)) = text::key_at(text, offset as usize)?;
    let mut markdown = Vec::new();
    if kind == crate::load::FileKind::Casebook
        && let [Seg::Key(rules), Seg::Key(rule)] = path.as_slice()
        && rules == "rules"
        && let Some(meta) = crate::rules::find(rule)
    {
        markdown.push(format!("rule `{}`: {}", meta.id, meta.summary));
        markdown.push(meta.documentation());
    } else {
        let node = schema::at(kind, &path)?;
        let Some(Seg::Key(key)) = path.last() else {
            return None;
        };
        markdown.push(match node.title() {
            Some(t) => format!("**{t}** (`{key}`)"),
            None => format!("`{key}`"),
        });
        markdown.extend(node.description().map(str::to_owned));
        if let Some(values) = node.enum_values() {
            markdown.push(format!("Values: {}", values.join(", ")));
        }
    }
    Some(Hover {
        markdown: markdown.join("\n\n"),
        span: Span {
            file,
            start: start as u32,
            end: end as u32,
        },
    })
}
