//! Editor intelligence over a checked catalogue, with no protocol in it (as rust-analyzer's
//! `ide` crate is to its `lsp` layer): what id is under the cursor, where it is defined and used,
//! what may be typed here, what a finding's fix is. Positions are byte offsets into
//! [`crate::source::SourceFile::text`]; turning them into LSP's UTF-16 positions is the job of
//! `casebook lsp`, not of this module.
//!
//! Every function works on a [`Checked`] catalogue built from the editor's unsaved texts plus the
//! files on disk. A file being typed is often not valid YAML: the functions that help while
//! typing (completion above all) read the text around the cursor, not only the model.
//!
//! The modules: `index` (every definition and reference, from the model), `text` (the YAML
//! context around the cursor, read from the text), `schema` (fields and values of the JSON
//! Schemas), `complete`, `hover`, `actions` (quick fixes), `outline` (document symbols and inlay
//! hints), `edit` (applying [`TextEdit`]s, for tests and callers). This file is the public face:
//! the types and signatures are the contract between `src/ide` and `src/lsp` (issue 9).

mod actions;
mod complete;
mod edit;
mod hover;
mod index;
mod outline;
mod schema;
#[cfg(test)]
mod tests;
mod text;

pub use edit::apply_edits;
pub use index::{Index, Occurrence, file_kind};

use crate::Checked;
use crate::model::CUSTOMER;
use crate::source::{FileId, Span};

/// The kinds of id a catalogue defines and refers to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum SymbolKind {
    /// A department of organisation.yaml.
    Department,
    /// A team of organisation.yaml (and the built-in `customer`, which has no definition).
    Team,
    /// A system of organisation.yaml.
    System,
    /// A channel of channels.yaml.
    Channel,
    /// An information item of information.yaml.
    Item,
    /// A use case (its `id:`).
    UseCase,
    /// A step of one use case (its `id:`), scoped to that use case.
    Step,
    /// A rule id (in `allow:` and in casebook.yaml's `rules:`); defined by casebook itself.
    Rule,
}

/// One id, with what it is and where it is scoped.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Symbol {
    /// What kind of id.
    pub kind: SymbolKind,
    /// The id.
    pub id: String,
    /// For a step: the id of its use case.
    pub use_case: Option<String>,
}

/// A replacement of the text in `span` by `new_text`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TextEdit {
    /// The text replaced (an empty span inserts).
    pub span: Span,
    /// The new text.
    pub new_text: String,
}

/// What a completion offers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CompletionKind {
    /// An id of this kind.
    Id(SymbolKind),
    /// A field name of the file's schema.
    Field,
    /// An enum value of the file's schema.
    Value,
}

/// One completion item.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Completion {
    /// The text shown and inserted.
    pub label: String,
    /// What it is.
    pub kind: CompletionKind,
    /// One line: the name of what the id stands for, or a field's type.
    pub detail: Option<String>,
    /// Markdown: where it is defined, a field's description.
    pub documentation: Option<String>,
    /// The text the completion replaces (the partial word under the cursor).
    pub replace: Span,
}

/// Hover text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Hover {
    /// Markdown.
    pub markdown: String,
    /// The text hovered (the id or key).
    pub span: Span,
}

/// Why a rename cannot be done.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum RenameError {
    /// Nothing renameable under the cursor (a rule id, a field name, `customer`).
    #[error("there is no id to rename here")]
    NothingHere,
    /// The new name is not a valid id (the schemas' slug pattern).
    #[error("`{0}` is not a valid id: use lowercase letters, digits and hyphens")]
    InvalidId(String),
    /// Another id of the same kind (and scope) already has that name.
    #[error("`{0}` is already used by another {1}")]
    Taken(String, &'static str),
}

/// A quick fix or other code action.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CodeAction {
    /// The title shown in the editor's menu.
    pub title: String,
    /// The edits, possibly in several files.
    pub edits: Vec<TextEdit>,
    /// The index, in `checked.report.diagnostics`, of the finding it fixes.
    pub fixes: Option<usize>,
    /// The editor may apply it with one keystroke (the one obvious fix).
    pub preferred: bool,
}

/// The kind of a document symbol.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DocumentSymbolKind {
    /// The use case of a use-case file.
    UseCase,
    /// A step.
    Step,
    /// A team, channel, item... in a definition file.
    Definition(SymbolKind),
}

/// An outline entry.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DocumentSymbol {
    /// The id.
    pub name: String,
    /// The title or name.
    pub detail: Option<String>,
    /// What it is.
    pub kind: DocumentSymbolKind,
    /// The whole entry.
    pub span: Span,
    /// The id itself.
    pub selection: Span,
    /// Nested entries (the steps of a use case).
    pub children: Vec<DocumentSymbol>,
}

/// A hint shown after the text at `offset`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InlayHint {
    /// Where (byte offset, end of the hinted text).
    pub offset: u32,
    /// The hint, e.g. "Billing · Finance".
    pub label: String,
}

impl SymbolKind {
    /// What an id of this kind is, for messages: "team", "information item"...
    pub fn noun(self) -> &'static str {
        match self {
            SymbolKind::Department => "department",
            SymbolKind::Team => "team",
            SymbolKind::System => "system",
            SymbolKind::Channel => "channel",
            SymbolKind::Item => "information item",
            SymbolKind::UseCase => "use case",
            SymbolKind::Step => "step",
            SymbolKind::Rule => "rule",
        }
    }
}

/// True when `file` is a file of the checked catalogue (a stale id from a caller gives nothing
/// rather than a panic).
fn known(checked: &Checked, file: FileId) -> bool {
    (file.0 as usize) < checked.report.sources.len()
}

/// The id under the cursor from the index, or else from the text of a file the model lacks;
/// `true` when it came from the text.
fn lookup(checked: &Checked, index: &Index, file: FileId, offset: u32) -> Option<(Symbol, Span, bool)> {
    if !known(checked, file) {
        return None;
    }
    if let Some(o) = index.at(file, offset) {
        return Some((o.symbol.clone(), o.span, false));
    }
    // Only where the model has nothing of the file: elsewhere the index is complete.
    let modelled = checked.catalogue.use_cases.iter().any(|u| u.file == file);
    if modelled {
        return None;
    }
    index::textual(checked, file, offset).map(|(s, span)| (s, span, true))
}

/// The id under the cursor, with the span of its text.
pub fn symbol_at(checked: &Checked, file: FileId, offset: u32) -> Option<(Symbol, Span)> {
    let index = Index::build(checked);
    lookup(checked, &index, file, offset).map(|(s, span, _)| (s, span))
}

/// Where the id under the cursor is defined (empty for `customer` and rule ids).
pub fn definition(checked: &Checked, file: FileId, offset: u32) -> Vec<Span> {
    let index = Index::build(checked);
    let Some((symbol, _, textual)) = lookup(checked, &index, file, offset) else {
        return Vec::new();
    };
    let mut spans: Vec<Span> = index.definitions(&symbol).map(|o| o.span).collect();
    if textual && spans.is_empty() && symbol.kind == SymbolKind::Step {
        spans = index::textual_step_definitions(checked, file, &symbol.id);
    }
    spans
}

/// Every use of the id under the cursor, across the catalogue, sorted by file and offset.
pub fn references(checked: &Checked, file: FileId, offset: u32, include_definition: bool) -> Vec<Span> {
    let index = Index::build(checked);
    let Some((symbol, _, _)) = lookup(checked, &index, file, offset) else {
        return Vec::new();
    };
    index
        .of_symbol(&symbol)
        .filter(|o| include_definition || !o.definition)
        .map(|o| o.span)
        .collect()
}

/// True for the ids a rename may change: not a rule id (casebook defines those), not `customer`.
fn renameable(symbol: &Symbol) -> bool {
    symbol.kind != SymbolKind::Rule && !Index::is_customer(symbol)
}

/// The span that a rename at the cursor would replace, if there is an id to rename. Only ids
/// the model holds: in a file that does not parse, a rename could not find every occurrence.
pub fn prepare_rename(checked: &Checked, file: FileId, offset: u32) -> Option<Span> {
    if !known(checked, file) {
        return None;
    }
    let index = Index::build(checked);
    let at = index.at(file, offset)?;
    renameable(&at.symbol).then_some(at.span)
}

/// The edits renaming the id under the cursor (definition and every reference) to `new_name`.
///
/// The new name must be a slug (the schemas' pattern), must not be the id of another
/// definition of the same kind (for a step: of the same use case), and a team may not be named
/// `customer`. Renaming an id to itself gives no edit.
pub fn rename(
    checked: &Checked,
    file: FileId,
    offset: u32,
    new_name: &str,
) -> Result<Vec<TextEdit>, RenameError> {
    if !known(checked, file) {
        return Err(RenameError::NothingHere);
    }
    let index = Index::build(checked);
    let at = index.at(file, offset).ok_or(RenameError::NothingHere)?;
    let symbol = &at.symbol;
    if !renameable(symbol) {
        return Err(RenameError::NothingHere);
    }
    if !crate::scaffold::is_slug(new_name) {
        return Err(RenameError::InvalidId(new_name.to_owned()));
    }
    if new_name == symbol.id {
        return Ok(Vec::new());
    }
    if symbol.kind == SymbolKind::Team && new_name == CUSTOMER {
        return Err(RenameError::Taken(new_name.to_owned(), "actor (the customer)"));
    }
    let target = Symbol {
        id: new_name.to_owned(),
        ..symbol.clone()
    };
    if index.definitions(&target).next().is_some() {
        return Err(RenameError::Taken(new_name.to_owned(), symbol.kind.noun()));
    }
    Ok(index
        .of_symbol(symbol)
        .map(|o| TextEdit {
            span: o.span,
            new_text: new_name.to_owned(),
        })
        .collect())
}

/// What may be typed at the cursor.
pub fn completions(checked: &Checked, file: FileId, offset: u32) -> Vec<Completion> {
    if !known(checked, file) {
        return Vec::new();
    }
    complete::completions(checked, file, offset)
}

/// What the id or field under the cursor is.
pub fn hover(checked: &Checked, file: FileId, offset: u32) -> Option<Hover> {
    if !known(checked, file) {
        return None;
    }
    hover::hover(checked, file, offset)
}

/// The fixes for the findings that overlap `range` in `file`.
pub fn code_actions(checked: &Checked, file: FileId, range: Span) -> Vec<CodeAction> {
    if !known(checked, file) {
        return Vec::new();
    }
    actions::code_actions(checked, file, range)
}

/// The outline of a file.
pub fn document_symbols(checked: &Checked, file: FileId) -> Vec<DocumentSymbol> {
    if !known(checked, file) {
        return Vec::new();
    }
    outline::document_symbols(checked, file)
}

/// Each step's team and department, after its `actor:` value, for the steps inside `range`.
pub fn inlay_hints(checked: &Checked, file: FileId, range: Span) -> Vec<InlayHint> {
    if !known(checked, file) {
        return Vec::new();
    }
    outline::inlay_hints(checked, file, range)
}
