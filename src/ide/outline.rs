//! The outline of a file (document symbols) and the inlay hints of a use case.

use super::index::id_span;
use super::text;
use super::{DocumentSymbol, DocumentSymbolKind, InlayHint, SymbolKind};
use crate::Checked;
use crate::model::Ref;
use crate::source::{FileId, Span};

/// The outline of a file: a use case with its steps; the definitions of a definition file.
pub fn document_symbols(checked: &Checked, file: FileId) -> Vec<DocumentSymbol> {
    let cat = &checked.catalogue;
    let sources = &checked.report.sources;
    let here = |r: &Ref| r.span.file == file;
    let leaf = |r: &Ref, detail: Option<String>, kind: DocumentSymbolKind| {
        let selection = id_span(sources, r.span, &r.value);
        // The whole `- id: ...` entry, as its text shows it.
        let text = &sources.get(r.span.file).text;
        let span = text::item_range(text, r.span.start as usize).map_or(selection, |(start, end)| {
            cover(
                Span {
                    file: r.span.file,
                    start: start as u32,
                    end: end as u32,
                },
                selection,
            )
        });
        DocumentSymbol {
            name: r.value.to_string(),
            detail,
            kind,
            span,
            selection,
            children: Vec::new(),
        }
    };
    let def = DocumentSymbolKind::Definition;
    let mut out = Vec::new();
    if let Some(uc) = cat.use_cases.iter().find(|u| u.file == file) {
        let children = uc
            .steps
            .iter()
            .map(|s| {
                let detail = match (&s.title, &s.end) {
                    (Some(t), _) => Some(t.value.clone()),
                    (None, Some(e)) => Some(format!("end: {}", e.value)),
                    (None, None) => None,
                };
                let mut sym = leaf(&s.id, detail, DocumentSymbolKind::Step);
                sym.span = cover(s.span, sym.selection);
                sym
            })
            .collect();
        let mut sym = leaf(&uc.id, Some(uc.title.clone()), DocumentSymbolKind::UseCase);
        sym.span = cover(
            Span {
                file,
                start: 0,
                end: sources.get(file).text.len() as u32,
            },
            sym.selection,
        );
        sym.children = children;
        out.push(sym);
        return out;
    }
    for (d, dept) in cat.departments.iter().enumerate().filter(|(_, d)| here(&d.id)) {
        let mut sym = leaf(&dept.id, Some(dept.name.clone()), def(SymbolKind::Department));
        for team in cat.teams.iter().filter(|t| t.department == d && here(&t.id)) {
            let child = leaf(&team.id, Some(team.name.clone()), def(SymbolKind::Team));
            sym.span = cover(sym.span, child.span);
            sym.children.push(child);
        }
        out.push(sym);
    }
    for s in cat.systems.iter().filter(|s| here(&s.id)) {
        out.push(leaf(&s.id, Some(s.name.clone()), def(SymbolKind::System)));
    }
    for c in cat.channels.iter().filter(|c| here(&c.id)) {
        out.push(leaf(&c.id, Some(c.name.clone()), def(SymbolKind::Channel)));
    }
    for i in cat.items.iter().filter(|i| here(&i.id)) {
        out.push(leaf(&i.id, Some(i.name.clone()), def(SymbolKind::Item)));
    }
    for r in cat.settings.rules.values().filter(|r| here(&r.id)) {
        let detail = r.severity.map(|s| s.as_str().to_owned());
        out.push(leaf(&r.id, detail, def(SymbolKind::Rule)));
    }
    if out.is_empty() && super::index::file_kind(checked, file) == Some(crate::load::FileKind::UseCase) {
        // A use case that does not parse: its steps as the text shows them.
        out.extend(text_outline(checked, file));
    }
    out
}

/// The steps of a use case read from its text, when the model has none for the file.
fn text_outline(checked: &Checked, file: FileId) -> Vec<DocumentSymbol> {
    let text = &checked.report.sources.get(file).text;
    text::nested_ids(text)
        .into_iter()
        .map(|(id, title, at)| {
            let selection = Span {
                file,
                start: at as u32,
                end: (at + id.len()) as u32,
            };
            DocumentSymbol {
                name: id,
                detail: title,
                kind: DocumentSymbolKind::Step,
                span: selection,
                selection,
                children: Vec::new(),
            }
        })
        .collect()
}

/// The smallest span holding both.
fn cover(a: Span, b: Span) -> Span {
    Span {
        file: a.file,
        start: a.start.min(b.start),
        end: a.end.max(b.end),
    }
}

/// Each step's team and department, after its `actor:` value, for the steps inside `range`.
pub fn inlay_hints(checked: &Checked, file: FileId, range: Span) -> Vec<InlayHint> {
    let cat = &checked.catalogue;
    let Some(uc) = cat.use_cases.iter().find(|u| u.file == file) else {
        return Vec::new();
    };
    uc.steps
        .iter()
        .filter_map(|s| s.actor.as_ref())
        .filter(|a| a.span.start <= range.end && range.start <= a.span.end)
        .filter_map(|a| {
            let team = cat.team(&a.value)?;
            let dept = cat.departments.get(team.department)?;
            Some(InlayHint {
                // After the closing quote of a quoted id.
                offset: a.span.end,
                label: format!("{} · {}", team.name, dept.name),
            })
        })
        .collect()
}
