//! Every definition and every reference of every id kind, with its span, built from the model.
//!
//! The index is a flat list of occurrences sorted by file and offset: finding the id under the
//! cursor is a binary search, finding every use of an id a filter. It is built per request from
//! the [`Checked`] catalogue (a few milliseconds on the 144-case sample), so it can never be
//! out of date with the model the diagnostics came from.

use super::{Symbol, SymbolKind, text};
use crate::Checked;
use crate::load::FileKind;
use crate::model::{CUSTOMER, Catalogue, Ref};
use crate::source::{FileId, SourceDb, Span};
use std::collections::HashMap;

/// One id written in the catalogue.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Occurrence {
    /// Which id.
    pub symbol: Symbol,
    /// The id's text (inside the quotes, when quoted).
    pub span: Span,
    /// True where the id is defined (`id:` of a team, step...), false where it is referred to.
    pub definition: bool,
}

/// The occurrences of a catalogue, sorted by file and offset.
#[derive(Debug, Default)]
pub struct Index {
    /// Every occurrence.
    pub occurrences: Vec<Occurrence>,
    /// Symbol -> positions in `occurrences`, in order.
    by_symbol: HashMap<Symbol, Vec<usize>>,
}

/// The kind of a file, from its path relative to the catalogue (None for a stray file).
pub fn file_kind(checked: &Checked, file: FileId) -> Option<FileKind> {
    let f = checked.report.sources.get(file);
    if f.stray {
        return None;
    }
    match f.rel_path.as_str() {
        "casebook.yaml" => Some(FileKind::Casebook),
        "organisation.yaml" => Some(FileKind::Organisation),
        "channels.yaml" => Some(FileKind::Channels),
        "information.yaml" => Some(FileKind::Information),
        p if p.starts_with("use-cases/") && (p.ends_with(".yaml") || p.ends_with(".yml")) => {
            Some(FileKind::UseCase)
        }
        _ => None,
    }
}

/// The span of the id itself: a quoted scalar's span may hold its quotes, which are not part of
/// the id (nor of what a rename replaces).
pub fn id_span(sources: &SourceDb, span: Span, value: &str) -> Span {
    let text = &sources.get(span.file).text;
    let (s, e) = (span.start as usize, span.end as usize);
    match text.get(s..e) {
        Some(t) if t == value => span,
        Some(t) => match t.find(value) {
            Some(i) if !value.is_empty() => Span {
                file: span.file,
                start: span.start + i as u32,
                end: span.start + (i + value.len()) as u32,
            },
            _ => span,
        },
        None => span,
    }
}

struct Builder<'a> {
    sources: &'a SourceDb,
    out: Vec<Occurrence>,
}

impl Builder<'_> {
    fn add(&mut self, kind: SymbolKind, r: &Ref, use_case: Option<&str>, definition: bool) {
        self.out.push(Occurrence {
            symbol: Symbol {
                kind,
                id: r.value.to_string(),
                use_case: use_case.map(str::to_owned),
            },
            span: id_span(self.sources, r.span, &r.value),
            definition,
        });
    }

    fn refs<'r>(&mut self, kind: SymbolKind, refs: impl IntoIterator<Item = &'r Ref>) {
        for r in refs {
            self.add(kind, r, None, false);
        }
    }
}

impl Index {
    /// Builds the index of a checked catalogue.
    pub fn build(checked: &Checked) -> Index {
        Index::of(&checked.catalogue, &checked.report.sources)
    }

    /// Builds the index of a model whose spans point into `sources`.
    pub fn of(cat: &Catalogue, sources: &SourceDb) -> Index {
        use SymbolKind::*;
        let mut b = Builder {
            sources,
            out: Vec::new(),
        };
        for d in &cat.departments {
            b.add(Department, &d.id, None, true);
        }
        for t in &cat.teams {
            b.add(Team, &t.id, None, true);
        }
        for s in &cat.systems {
            b.add(System, &s.id, None, true);
            b.refs(Team, &s.access);
        }
        for c in &cat.channels {
            b.add(Channel, &c.id, None, true);
        }
        for i in &cat.items {
            b.add(Item, &i.id, None, true);
            b.refs(System, &i.stored_in);
        }
        for setting in cat.settings.rules.values() {
            b.add(Rule, &setting.id, None, false);
        }
        for uc in &cat.use_cases {
            let scope = Some(uc.id.value.as_str());
            b.add(UseCase, &uc.id, None, true);
            b.refs(Team, &uc.owner);
            b.refs(Item, &uc.inputs);
            b.refs(Rule, &uc.allow.rules);
            if let Some(start) = &uc.start {
                b.add(Step, start, scope, false);
            }
            for step in &uc.steps {
                b.add(Step, &step.id, scope, true);
                b.refs(Team, &step.actor);
                b.refs(Channel, &step.channel);
                b.refs(System, &step.system);
                b.refs(Item, step.needs.iter().chain(&step.gives).chain(&step.carries));
                for n in &step.next {
                    b.add(Step, &n.to, scope, false);
                    b.refs(Item, &n.carries);
                }
                b.refs(UseCase, step.calls.as_deref());
                if let Some(r) = &step.recovery {
                    b.add(Step, r, scope, false);
                }
                b.refs(Rule, &step.allow.rules);
            }
        }
        let mut occurrences = b.out;
        occurrences.sort_by_key(|o| (o.span.file, o.span.start, o.span.end));
        let mut by_symbol: HashMap<Symbol, Vec<usize>> = HashMap::new();
        for (i, o) in occurrences.iter().enumerate() {
            by_symbol.entry(o.symbol.clone()).or_default().push(i);
        }
        Index {
            occurrences,
            by_symbol,
        }
    }

    /// The occurrence under the cursor: the one whose span holds `offset` (its end included, so
    /// a cursor just after an id finds it).
    pub fn at(&self, file: FileId, offset: u32) -> Option<&Occurrence> {
        let from = self
            .occurrences
            .partition_point(|o| (o.span.file, o.span.end) < (file, offset));
        self.occurrences[from..]
            .iter()
            .take_while(|o| o.span.file == file && o.span.start <= offset)
            .find(|o| o.span.start <= offset && offset <= o.span.end)
    }

    /// Every occurrence of `symbol`, in file and offset order.
    pub fn of_symbol<'a>(&'a self, symbol: &Symbol) -> impl Iterator<Item = &'a Occurrence> + 'a {
        self.by_symbol
            .get(symbol)
            .map_or(&[][..], Vec::as_slice)
            .iter()
            .map(|&i| &self.occurrences[i])
    }

    /// The definitions of `symbol`.
    pub fn definitions<'a>(&'a self, symbol: &Symbol) -> impl Iterator<Item = &'a Occurrence> + 'a {
        self.of_symbol(symbol).filter(|o| o.definition)
    }

    /// True when the symbol is the built-in customer, which no file defines.
    pub fn is_customer(symbol: &Symbol) -> bool {
        symbol.kind == SymbolKind::Team && symbol.id == CUSTOMER
    }
}

/// The id under the cursor read from the text, for a file the model does not hold (a use case
/// that does not parse while it is typed): the value of a key that holds ids (`actor:`,
/// `needs: [...]`...), scoped, for a step, by the file's own `id:`.
pub fn textual(checked: &Checked, file: FileId, offset: u32) -> Option<(Symbol, Span)> {
    let kind = file_kind(checked, file)?;
    let text = &checked.report.sources.get(file).text;
    let offset = text::floor_char(text, offset as usize);
    let (start, end) = text::word_at(text, offset);
    let id = &text[start..end];
    if !crate::scaffold::is_slug(id) {
        return None;
    }
    let key = match text::context(text, offset) {
        text::Context::Value { path, .. } | text::Context::Item { path } => match path.last() {
            Some(text::Seg::Key(k)) => k.clone(),
            _ => return None,
        },
        text::Context::Key { .. } => return None,
    };
    let (symbol_kind, _) = super::complete::id_kind(kind, &key)?;
    let use_case = (symbol_kind == SymbolKind::Step)
        .then(|| {
            checked
                .catalogue
                .use_cases
                .iter()
                .find(|u| u.file == file)
                .map(|u| u.id.value.to_string())
                .or_else(|| text::root_id(text))
        })
        .flatten();
    Some((
        Symbol {
            kind: symbol_kind,
            id: id.to_owned(),
            use_case,
        },
        Span {
            file,
            start: start as u32,
            end: end as u32,
        },
    ))
}

/// The definitions of a step read from the text of its file (for a file the model lacks).
pub fn textual_step_definitions(checked: &Checked, file: FileId, id: &str) -> Vec<Span> {
    text::nested_ids(&checked.report.sources.get(file).text)
        .into_iter()
        .filter(|(i, _, _)| i == id)
        .map(|(i, _, at)| Span {
            file,
            start: at as u32,
            end: (at + i.len()) as u32,
        })
        .collect()
}
