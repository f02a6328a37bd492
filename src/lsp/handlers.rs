//! One handler per request: LSP parameters to byte offsets, a call into [`crate::ide`], the
//! result back to LSP types. The capabilities advertised are exactly the requests handled here.

use super::diagnostics::to_lsp;
use super::{Server, Snapshot, error, panic_text};
use crate::ide;
use crate::source::FileId;
use lsp_server::{ErrorCode, ResponseError};
use lsp_types::request::{
    CodeActionRequest, Completion, DocumentSymbolRequest, GotoDefinition, HoverRequest, InlayHintRequest,
    PrepareRenameRequest, References, Rename, Request,
};
use lsp_types::{
    CodeActionKind, CodeActionOrCommand, CompletionItem, CompletionItemKind, CompletionTextEdit,
    Documentation, GotoDefinitionResponse, HoverContents, InlayHintLabel, MarkupContent, MarkupKind,
    PrepareRenameResponse, ServerCapabilities, SymbolKind, TextEdit, Uri, WorkspaceEdit,
};
use std::collections::HashMap;
use std::panic::{AssertUnwindSafe, catch_unwind};

/// What the server can do: the requests [`dispatch`] handles, and incremental document sync.
pub fn capabilities(encoding: super::Encoding) -> ServerCapabilities {
    use lsp_types::*;
    ServerCapabilities {
        position_encoding: Some(encoding.kind()),
        text_document_sync: Some(TextDocumentSyncCapability::Options(TextDocumentSyncOptions {
            open_close: Some(true),
            change: Some(TextDocumentSyncKind::INCREMENTAL),
            save: Some(TextDocumentSyncSaveOptions::Supported(true)),
            ..Default::default()
        })),
        completion_provider: Some(CompletionOptions {
            // After `actor: `, in a flow list `[a, `, after a list's `- `.
            trigger_characters: Some([":", " ", "[", ",", "-"].map(str::to_owned).to_vec()),
            ..Default::default()
        }),
        hover_provider: Some(HoverProviderCapability::Simple(true)),
        definition_provider: Some(OneOf::Left(true)),
        references_provider: Some(OneOf::Left(true)),
        rename_provider: Some(OneOf::Right(RenameOptions {
            prepare_provider: Some(true),
            work_done_progress_options: Default::default(),
        })),
        code_action_provider: Some(CodeActionProviderCapability::Options(CodeActionOptions {
            code_action_kinds: Some(vec![CodeActionKind::QUICKFIX]),
            ..Default::default()
        })),
        document_symbol_provider: Some(OneOf::Left(true)),
        inlay_hint_provider: Some(OneOf::Left(true)),
        ..Default::default()
    }
}

/// Answers one request (other than initialize and shutdown).
pub fn dispatch(
    server: &mut Server,
    method: &str,
    params: serde_json::Value,
) -> Result<serde_json::Value, ResponseError> {
    match method {
        Completion::METHOD => on::<Completion>(server, params, completion),
        HoverRequest::METHOD => on::<HoverRequest>(server, params, hover),
        GotoDefinition::METHOD => on::<GotoDefinition>(server, params, definition),
        References::METHOD => on::<References>(server, params, references),
        PrepareRenameRequest::METHOD => on::<PrepareRenameRequest>(server, params, prepare_rename),
        Rename::METHOD => on::<Rename>(server, params, rename),
        CodeActionRequest::METHOD => on::<CodeActionRequest>(server, params, code_action),
        DocumentSymbolRequest::METHOD => on::<DocumentSymbolRequest>(server, params, document_symbol),
        InlayHintRequest::METHOD => on::<InlayHintRequest>(server, params, inlay_hint),
        _ => Err(error(
            ErrorCode::MethodNotFound,
            &format!("casebook lsp does not handle `{method}`"),
        )),
    }
}

/// The parameters of a request about one document.
trait DocumentParams {
    fn uri(&self) -> &Uri;
}

macro_rules! document_params {
    ($($t:ty => |$p:ident| $e:expr;)*) => {$(
        impl DocumentParams for $t {
            fn uri(&self) -> &Uri {
                let $p = self;
                &$e.uri
            }
        }
    )*};
}

document_params! {
    lsp_types::CompletionParams => |p| p.text_document_position.text_document;
    lsp_types::HoverParams => |p| p.text_document_position_params.text_document;
    lsp_types::GotoDefinitionParams => |p| p.text_document_position_params.text_document;
    lsp_types::ReferenceParams => |p| p.text_document_position.text_document;
    lsp_types::TextDocumentPositionParams => |p| p.text_document;
    lsp_types::RenameParams => |p| p.text_document_position.text_document;
    lsp_types::CodeActionParams => |p| p.text_document;
    lsp_types::DocumentSymbolParams => |p| p.text_document;
    lsp_types::InlayHintParams => |p| p.text_document;
}

type Handler<R> =
    fn(&Snapshot<'_>, FileId, <R as Request>::Params) -> Result<<R as Request>::Result, ResponseError>;

/// Parses the parameters, brings the document's catalogue up to date, and runs the handler
/// under `catch_unwind`. A document the server knows nothing about (outside every catalogue, a
/// file the catalogue does not read, a catalogue that could not be checked) gets the empty
/// answer (`null`).
fn on<R>(
    server: &mut Server,
    params: serde_json::Value,
    handler: Handler<R>,
) -> Result<serde_json::Value, ResponseError>
where
    R: Request,
    R::Params: DocumentParams,
    R::Result: Default,
{
    let params: R::Params = serde_json::from_value(params).map_err(|e| {
        error(
            ErrorCode::InvalidParams,
            &format!("invalid parameters for {}: {e}", R::METHOD),
        )
    })?;
    let empty = || Ok(serde_json::to_value(R::Result::default()).expect("serialisable"));
    let Some(root) = super::path_of(params.uri()).and_then(|p| server.root_of(&p)) else {
        return empty();
    };
    server.ensure_checked(&root);
    let Some(Some(Ok(checked))) = server.catalogues.get(&root).map(|s| s.checked.as_ref()) else {
        return empty();
    };
    let snap = Snapshot::new(checked, &root, &server.documents, server.encoding);
    let Some(file) = snap.file_of(params.uri()) else {
        return empty();
    };
    match catch_unwind(AssertUnwindSafe(|| handler(&snap, file, params))) {
        Ok(Ok(result)) => Ok(serde_json::to_value(result).expect("serialisable")),
        Ok(Err(e)) => Err(e),
        Err(why) => Err(error(
            ErrorCode::InternalError,
            &format!(
                "casebook lsp: internal error in {}: {}",
                R::METHOD,
                panic_text(&why)
            ),
        )),
    }
}

fn markdown(value: String) -> MarkupContent {
    MarkupContent {
        kind: MarkupKind::Markdown,
        value,
    }
}

/// Edits in any files, grouped by file, each file's in order.
fn workspace_edit(snap: &Snapshot<'_>, edits: &[ide::TextEdit]) -> WorkspaceEdit {
    let mut changes: HashMap<Uri, Vec<TextEdit>> = HashMap::new();
    for e in edits {
        if let Some(uri) = snap.uri(e.span.file) {
            changes.entry(uri).or_default().push(TextEdit {
                range: snap.range(e.span),
                new_text: e.new_text.clone(),
            });
        }
    }
    WorkspaceEdit {
        changes: Some(changes),
        ..Default::default()
    }
}

fn completion_kind(kind: ide::CompletionKind) -> CompletionItemKind {
    use ide::SymbolKind as K;
    match kind {
        ide::CompletionKind::Field => CompletionItemKind::PROPERTY,
        ide::CompletionKind::Value => CompletionItemKind::ENUM_MEMBER,
        ide::CompletionKind::Id(k) => match k {
            K::Department => CompletionItemKind::MODULE,
            K::Team => CompletionItemKind::CLASS,
            K::System => CompletionItemKind::INTERFACE,
            K::Channel => CompletionItemKind::ENUM,
            K::Item => CompletionItemKind::FIELD,
            K::UseCase => CompletionItemKind::FILE,
            K::Step => CompletionItemKind::FUNCTION,
            K::Rule => CompletionItemKind::CONSTANT,
        },
    }
}

fn symbol_kind(kind: ide::DocumentSymbolKind) -> SymbolKind {
    use ide::SymbolKind as K;
    match kind {
        ide::DocumentSymbolKind::UseCase => SymbolKind::MODULE,
        ide::DocumentSymbolKind::Step => SymbolKind::FUNCTION,
        ide::DocumentSymbolKind::Definition(k) => match k {
            K::Department => SymbolKind::NAMESPACE,
            K::Team => SymbolKind::CLASS,
            K::System => SymbolKind::INTERFACE,
            K::Channel => SymbolKind::ENUM,
            K::Item => SymbolKind::FIELD,
            K::UseCase => SymbolKind::MODULE,
            K::Step => SymbolKind::FUNCTION,
            K::Rule => SymbolKind::CONSTANT,
        },
    }
}

fn completion(
    snap: &Snapshot<'_>,
    file: FileId,
    p: lsp_types::CompletionParams,
) -> Result<Option<lsp_types::CompletionResponse>, ResponseError> {
    let offset = snap.offset(file, p.text_document_position.position);
    let items = ide::completions(snap.checked, file, offset)
        .into_iter()
        .enumerate()
        .map(|(i, c)| CompletionItem {
            kind: Some(completion_kind(c.kind)),
            detail: c.detail,
            documentation: c.documentation.map(|d| Documentation::MarkupContent(markdown(d))),
            // The order of `ide`, which puts the likeliest first.
            sort_text: Some(format!("{i:05}")),
            text_edit: Some(CompletionTextEdit::Edit(TextEdit {
                range: snap.range(c.replace),
                new_text: c.label.clone(),
            })),
            label: c.label,
            ..Default::default()
        })
        .collect();
    Ok(Some(lsp_types::CompletionResponse::List(
        lsp_types::CompletionList {
            is_incomplete: false,
            items,
        },
    )))
}

fn hover(
    snap: &Snapshot<'_>,
    file: FileId,
    p: lsp_types::HoverParams,
) -> Result<Option<lsp_types::Hover>, ResponseError> {
    let offset = snap.offset(file, p.text_document_position_params.position);
    Ok(ide::hover(snap.checked, file, offset).map(|h| lsp_types::Hover {
        contents: HoverContents::Markup(markdown(h.markdown)),
        range: Some(snap.range(h.span)),
    }))
}

fn definition(
    snap: &Snapshot<'_>,
    file: FileId,
    p: lsp_types::GotoDefinitionParams,
) -> Result<Option<GotoDefinitionResponse>, ResponseError> {
    let offset = snap.offset(file, p.text_document_position_params.position);
    let locations: Vec<_> = ide::definition(snap.checked, file, offset)
        .into_iter()
        .filter_map(|s| snap.location(s))
        .collect();
    Ok((!locations.is_empty()).then_some(GotoDefinitionResponse::Array(locations)))
}

fn references(
    snap: &Snapshot<'_>,
    file: FileId,
    p: lsp_types::ReferenceParams,
) -> Result<Option<Vec<lsp_types::Location>>, ResponseError> {
    let offset = snap.offset(file, p.text_document_position.position);
    let spans = ide::references(snap.checked, file, offset, p.context.include_declaration);
    Ok(Some(spans.into_iter().filter_map(|s| snap.location(s)).collect()))
}

fn prepare_rename(
    snap: &Snapshot<'_>,
    file: FileId,
    p: lsp_types::TextDocumentPositionParams,
) -> Result<Option<PrepareRenameResponse>, ResponseError> {
    let offset = snap.offset(file, p.position);
    Ok(ide::prepare_rename(snap.checked, file, offset).map(|s| PrepareRenameResponse::Range(snap.range(s))))
}

fn rename(
    snap: &Snapshot<'_>,
    file: FileId,
    p: lsp_types::RenameParams,
) -> Result<Option<WorkspaceEdit>, ResponseError> {
    let offset = snap.offset(file, p.text_document_position.position);
    match ide::rename(snap.checked, file, offset, &p.new_name) {
        Ok(edits) => Ok(Some(workspace_edit(snap, &edits))),
        Err(e) => Err(error(ErrorCode::RequestFailed, &e.to_string())),
    }
}

fn code_action(
    snap: &Snapshot<'_>,
    file: FileId,
    p: lsp_types::CodeActionParams,
) -> Result<Option<lsp_types::CodeActionResponse>, ResponseError> {
    // Every action is a quick fix: none when the client asks only for other kinds.
    if let Some(only) = &p.context.only {
        let quickfix = CodeActionKind::QUICKFIX;
        let quickfix = quickfix.as_str();
        let wanted = |k: &CodeActionKind| {
            let k = k.as_str();
            k.is_empty() || quickfix == k || quickfix.starts_with(&format!("{k}."))
        };
        if !only.iter().any(wanted) {
            return Ok(Some(Vec::new()));
        }
    }
    let span = snap.span(file, p.range);
    let diagnostics = &snap.checked.report.diagnostics;
    let actions = ide::code_actions(snap.checked, file, span)
        .into_iter()
        .map(|a| {
            CodeActionOrCommand::CodeAction(lsp_types::CodeAction {
                title: a.title,
                kind: Some(CodeActionKind::QUICKFIX),
                diagnostics: a
                    .fixes
                    .and_then(|i| diagnostics.get(i))
                    .map(|d| vec![to_lsp(snap, d)]),
                edit: Some(workspace_edit(snap, &a.edits)),
                is_preferred: a.preferred.then_some(true),
                ..Default::default()
            })
        })
        .collect();
    Ok(Some(actions))
}

#[allow(deprecated)] // `DocumentSymbol::deprecated` must be given, as None.
fn to_document_symbol(snap: &Snapshot<'_>, s: ide::DocumentSymbol) -> lsp_types::DocumentSymbol {
    let selection = snap.range(s.selection);
    let mut range = snap.range(s.span);
    // Clients refuse a selection outside the symbol's range.
    range.start = range.start.min(selection.start);
    range.end = range.end.max(selection.end);
    let children: Vec<_> = s
        .children
        .into_iter()
        .map(|c| to_document_symbol(snap, c))
        .collect();
    lsp_types::DocumentSymbol {
        name: if s.name.is_empty() { "?".to_owned() } else { s.name },
        detail: s.detail,
        kind: symbol_kind(s.kind),
        tags: None,
        deprecated: None,
        range,
        selection_range: selection,
        children: (!children.is_empty()).then_some(children),
    }
}

fn document_symbol(
    snap: &Snapshot<'_>,
    file: FileId,
    _: lsp_types::DocumentSymbolParams,
) -> Result<Option<lsp_types::DocumentSymbolResponse>, ResponseError> {
    let symbols = ide::document_symbols(snap.checked, file)
        .into_iter()
        .map(|s| to_document_symbol(snap, s))
        .collect();
    Ok(Some(lsp_types::DocumentSymbolResponse::Nested(symbols)))
}

fn inlay_hint(
    snap: &Snapshot<'_>,
    file: FileId,
    p: lsp_types::InlayHintParams,
) -> Result<Option<Vec<lsp_types::InlayHint>>, ResponseError> {
    let span = snap.span(file, p.range);
    let hints = ide::inlay_hints(snap.checked, file, span)
        .into_iter()
        .map(|h| lsp_types::InlayHint {
            position: snap.position(file, h.offset),
            label: InlayHintLabel::String(h.label),
            kind: None,
            text_edits: None,
            tooltip: None,
            padding_left: Some(true),
            padding_right: None,
            data: None,
        })
        .collect();
    Ok(Some(hints))
}

#[cfg(test)]
mod tests {
    use super::*;
    use lsp_server::Connection;

    #[test]
    fn a_panic_in_a_handler_is_an_error_response() {
        let (connection, _client) = Connection::memory();
        let mut server = Server::new(connection);
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("catalogue");
        let file = root.join("organisation.yaml");
        let params = serde_json::json!({
            "textDocument": {"uri": super::super::uri_of(&file).unwrap()},
            "position": {"line": 0, "character": 0},
        });
        let answer = on::<HoverRequest>(&mut server, params.clone(), |_, _, _| panic!("boom"));
        let e = answer.unwrap_err();
        assert_eq!(e.code, ErrorCode::InternalError as i32);
        assert!(
            e.message.contains("textDocument/hover") && e.message.contains("boom"),
            "{}",
            e.message
        );
        // The server is still usable, and the catalogue was checked once.
        let answer = on::<HoverRequest>(&mut server, params, |_, _, _| Ok(None));
        assert_eq!(answer.unwrap(), serde_json::Value::Null);
        assert!(matches!(server.catalogues[&root].checked, Some(Ok(_))));
    }
}
