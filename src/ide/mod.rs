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
//! SKELETON: the types and signatures below are the contract between `src/ide` and `src/lsp`
//! (issue 9). Every `todo!()` is replaced by the implementation before the branch is merged.

use crate::Checked;
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

/// The id under the cursor, with the span of its text.
pub fn symbol_at(checked: &Checked, file: FileId, offset: u32) -> Option<(Symbol, Span)> {
    let _ = (checked, file, offset);
    todo!()
}

/// Where the id under the cursor is defined (empty for `customer` and rule ids).
pub fn definition(checked: &Checked, file: FileId, offset: u32) -> Vec<Span> {
    let _ = (checked, file, offset);
    todo!()
}

/// Every use of the id under the cursor, across the catalogue, sorted by file and offset.
pub fn references(checked: &Checked, file: FileId, offset: u32, include_definition: bool) -> Vec<Span> {
    let _ = (checked, file, offset, include_definition);
    todo!()
}

/// The span that a rename at the cursor would replace, if there is an id to rename.
pub fn prepare_rename(checked: &Checked, file: FileId, offset: u32) -> Option<Span> {
    let _ = (checked, file, offset);
    todo!()
}

/// The edits renaming the id under the cursor (definition and every reference) to `new_name`.
pub fn rename(
    checked: &Checked,
    file: FileId,
    offset: u32,
    new_name: &str,
) -> Result<Vec<TextEdit>, RenameError> {
    let _ = (checked, file, offset, new_name);
    todo!()
}

/// What may be typed at the cursor.
pub fn completions(checked: &Checked, file: FileId, offset: u32) -> Vec<Completion> {
    let _ = (checked, file, offset);
    todo!()
}

/// What the id or field under the cursor is.
pub fn hover(checked: &Checked, file: FileId, offset: u32) -> Option<Hover> {
    let _ = (checked, file, offset);
    todo!()
}

/// The fixes for the findings that overlap `range` in `file`.
pub fn code_actions(checked: &Checked, file: FileId, range: Span) -> Vec<CodeAction> {
    let _ = (checked, file, range);
    todo!()
}

/// The outline of a file.
pub fn document_symbols(checked: &Checked, file: FileId) -> Vec<DocumentSymbol> {
    let _ = (checked, file);
    todo!()
}

/// Each step's team and department, after its `actor:` value, for the steps inside `range`.
pub fn inlay_hints(checked: &Checked, file: FileId, range: Span) -> Vec<InlayHint> {
    let _ = (checked, file, range);
    todo!()
}
