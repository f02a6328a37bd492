//! `casebook lsp`: the language server, a thin layer over the engine and [`crate::ide`].
//!
//! One thread runs the loop below; two more move messages between standard input and output
//! ([`transport`]). The session holds the open [`documents`] and, per catalogue (the nearest
//! folder above a document that holds casebook.yaml), the last [`Checked`] result of the whole
//! catalogue with the open documents in place of their files ([`crate::load::Overlay`]) and the
//! diagnostics last published for each of its files.
//!
//! A change marks its catalogue stale; nothing is checked while more messages are waiting, so a
//! burst of keystrokes costs one check. When the queue is empty, every stale catalogue is checked
//! and the files whose findings changed are published ([`diagnostics`]). A request checks its
//! catalogue first if it is stale, so it always sees the text sent before it.
//!
//! The server never crashes on input: every message is handled under `catch_unwind` (a panic in
//! a handler is an `InternalError` response, a panic in a check a diagnostic on casebook.yaml),
//! a document outside any catalogue or a file the catalogue does not read gets empty answers,
//! and malformed messages are answered by the transport.

// `lsp_types::Uri` hashes and compares by its text, which never changes; clippy cannot see that
// through its cached parts (rust-analyzer allows the lint for the same reason).
#![allow(clippy::mutable_key_type)]

pub mod convert;
pub mod diagnostics;
pub mod documents;
mod handlers;
pub mod transport;

use crate::engine::{CheckOptions, Checked, check_with};
use crate::load::{LoadCache, Overlay};
use crate::model::Date;
use crate::source::{FileId, Span, relative_path};
use convert::{Encoding, LineIndex, path_of, uri_of};
use documents::Documents;
use lsp_server::{Connection, ErrorCode, Message, Notification, Request, RequestId, Response, ResponseError};
use lsp_types::notification::Notification as _;
use lsp_types::request::Request as _;
use lsp_types::{Location, Position, Range, Uri};
use std::cell::RefCell;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};
use std::rc::Rc;

/// Runs the language server on standard input and output until the client sends `exit` or
/// closes the input. Returns the exit status: 0 after `shutdown` then `exit`, 1 otherwise.
pub fn run_stdio() -> u8 {
    let (connection, io) = transport::stdio();
    let status = Server::new(connection).serve();
    io.join();
    status
}

/// What the server knows of one catalogue.
#[derive(Default)]
struct CatalogueState {
    /// The last check; None when a change since has made it stale. An error says why the
    /// catalogue could not be checked.
    checked: Option<Result<Checked, String>>,
    /// The diagnostics last published, by file.
    published: HashMap<Uri, Vec<lsp_types::Diagnostic>>,
    /// Checked since the diagnostics were last published.
    unpublished: bool,
    /// The files of the last check, reused for those that did not change.
    cache: LoadCache,
}

/// The session.
struct Server {
    connection: Connection,
    encoding: Encoding,
    documents: Documents,
    /// By catalogue folder.
    catalogues: BTreeMap<PathBuf, CatalogueState>,
    /// Documents changed since their diagnostics were last published: they are published after
    /// the next check even when their findings are the same, so the editor knows that version
    /// was checked.
    edited: HashSet<Uri>,
    /// Documents outside every catalogue that were told so (see `publish_outside`).
    outside: HashSet<Uri>,
    initialized: bool,
    shutdown: bool,
    /// The client can be asked to watch files.
    can_watch: bool,
}

impl Server {
    fn new(connection: Connection) -> Self {
        Server {
            connection,
            encoding: Encoding::Utf16,
            documents: Documents::default(),
            catalogues: BTreeMap::new(),
            edited: HashSet::new(),
            outside: HashSet::new(),
            initialized: false,
            shutdown: false,
            can_watch: false,
        }
    }

    fn serve(mut self) -> u8 {
        loop {
            if self.connection.receiver.is_empty() {
                // Nothing waiting: the burst of changes is over, check and publish.
                if let Err(why) = catch_unwind(AssertUnwindSafe(|| self.flush())) {
                    eprintln!(
                        "casebook lsp: internal error while checking: {}",
                        panic_text(&why)
                    );
                }
            }
            let Ok(message) = self.connection.receiver.recv() else {
                return 1; // The client went away without `exit`.
            };
            match message {
                Message::Notification(n) if n.method == lsp_types::notification::Exit::METHOD => {
                    return if self.shutdown { 0 } else { 1 };
                }
                Message::Notification(n) => {
                    let method = n.method.clone();
                    if let Err(why) = catch_unwind(AssertUnwindSafe(|| self.on_notification(n))) {
                        eprintln!("casebook lsp: internal error in {method}: {}", panic_text(&why));
                    }
                }
                Message::Request(request) => self.on_request(request),
                Message::Response(_) => {} // To our registration request: nothing to do.
            }
        }
    }

    fn send(&self, message: impl Into<Message>) {
        // Fails only when the writer is gone, i.e. the client: the loop ends at the next recv.
        let _ = self.connection.sender.send(message.into());
    }

    fn on_request(&mut self, request: Request) {
        let id = request.id.clone();
        let method = request.method.clone();
        let result = if method == lsp_types::request::Initialize::METHOD {
            if self.initialized {
                Err(error(
                    ErrorCode::InvalidRequest,
                    "the server is already initialized",
                ))
            } else {
                self.initialize(request.params)
            }
        } else if !self.initialized {
            Err(error(
                ErrorCode::ServerNotInitialized,
                "the server is not initialized yet",
            ))
        } else if self.shutdown {
            Err(error(ErrorCode::InvalidRequest, "the server is shutting down"))
        } else if method == lsp_types::request::Shutdown::METHOD {
            self.shutdown = true;
            Ok(serde_json::Value::Null)
        } else {
            catch_unwind(AssertUnwindSafe(|| {
                handlers::dispatch(self, &method, request.params)
            }))
            .unwrap_or_else(|why| {
                Err(error(
                    ErrorCode::InternalError,
                    &format!("casebook lsp: internal error in {method}: {}", panic_text(&why)),
                ))
            })
        };
        self.send(Response {
            id,
            response_result: result,
        });
    }

    fn initialize(&mut self, params: serde_json::Value) -> Result<serde_json::Value, ResponseError> {
        let params: lsp_types::InitializeParams =
            serde_json::from_value(params).map_err(|e| error(ErrorCode::InvalidParams, &e.to_string()))?;
        self.encoding = Encoding::negotiate(
            params
                .capabilities
                .general
                .as_ref()
                .and_then(|g| g.position_encodings.as_deref()),
        );
        self.can_watch = params
            .capabilities
            .workspace
            .as_ref()
            .and_then(|w| w.did_change_watched_files.as_ref())
            .and_then(|d| d.dynamic_registration)
            .unwrap_or(false);
        self.initialized = true;
        let result = lsp_types::InitializeResult {
            capabilities: handlers::capabilities(self.encoding),
            server_info: Some(lsp_types::ServerInfo {
                name: "casebook".to_owned(),
                version: Some(env!("CARGO_PKG_VERSION").to_owned()),
            }),
        };
        Ok(serde_json::to_value(result).expect("serialisable"))
    }

    fn on_notification(&mut self, n: Notification) {
        use lsp_types::notification::*;
        if !self.initialized {
            return;
        }
        let params = n.params;
        match n.method.as_str() {
            Initialized::METHOD => self.register_watchers(),
            DidOpenTextDocument::METHOD => {
                if let Ok(p) = serde_json::from_value::<lsp_types::DidOpenTextDocumentParams>(params) {
                    let doc = p.text_document;
                    self.documents.open(doc.uri.clone(), doc.version, doc.text);
                    self.changed(&doc.uri);
                }
            }
            DidChangeTextDocument::METHOD => {
                if let Ok(p) = serde_json::from_value::<lsp_types::DidChangeTextDocumentParams>(params) {
                    let uri = p.text_document.uri;
                    if self
                        .documents
                        .change(&uri, p.text_document.version, p.content_changes, self.encoding)
                        .is_some()
                    {
                        self.changed(&uri);
                    }
                }
            }
            DidSaveTextDocument::METHOD => {
                if let Ok(p) = serde_json::from_value::<lsp_types::DidSaveTextDocumentParams>(params) {
                    self.changed(&p.text_document.uri);
                }
            }
            DidCloseTextDocument::METHOD => {
                if let Ok(p) = serde_json::from_value::<lsp_types::DidCloseTextDocumentParams>(params) {
                    let uri = p.text_document.uri;
                    // The file on disk (or nothing, for a new file never saved) takes its place.
                    self.changed(&uri);
                    self.documents.close(&uri);
                }
            }
            DidChangeWatchedFiles::METHOD => {
                if let Ok(p) = serde_json::from_value::<lsp_types::DidChangeWatchedFilesParams>(params) {
                    for change in p.changes {
                        let Some(path) = path_of(&change.uri) else {
                            continue;
                        };
                        for (root, state) in &mut self.catalogues {
                            if path.starts_with(root) {
                                state.checked = None;
                            }
                        }
                    }
                }
            }
            _ => {} // $/cancelRequest (every request is answered in turn), $/setTrace, willSave...
        }
    }

    /// Asks the client to tell about YAML files changed on disk (a `git checkout`), when it can.
    fn register_watchers(&mut self) {
        if !self.can_watch {
            return;
        }
        let options = lsp_types::DidChangeWatchedFilesRegistrationOptions {
            watchers: vec![lsp_types::FileSystemWatcher {
                glob_pattern: lsp_types::GlobPattern::String("**/*.{yaml,yml}".to_owned()),
                kind: None,
            }],
        };
        let params = lsp_types::RegistrationParams {
            registrations: vec![lsp_types::Registration {
                id: "casebook-watch-yaml".to_owned(),
                method: lsp_types::notification::DidChangeWatchedFiles::METHOD.to_owned(),
                register_options: Some(serde_json::to_value(options).expect("serialisable")),
            }],
        };
        self.send(Request::new(
            RequestId::from("casebook-register-1".to_owned()),
            lsp_types::request::RegisterCapability::METHOD.to_owned(),
            params,
        ));
    }

    /// A document was opened, edited, saved or closed: its catalogue is stale.
    fn changed(&mut self, uri: &Uri) {
        self.edited.insert(uri.clone());
        if let Some(root) = path_of(uri).and_then(|p| self.root_of(&p)) {
            self.catalogues.entry(root).or_default().checked = None;
        }
    }

    /// The catalogue of a file: the nearest folder above it holding casebook.yaml, on disk or
    /// open in the editor.
    fn root_of(&self, path: &Path) -> Option<PathBuf> {
        path.ancestors()
            .skip(1)
            .find(|dir| {
                let config = dir.join("casebook.yaml");
                config.symlink_metadata().is_ok() || self.documents.by_path(&config).is_some()
            })
            .map(Path::to_path_buf)
    }

    /// The open documents of the catalogue in `root`, by path relative to it.
    fn overlay(&self, root: &Path) -> Overlay {
        let mut overlay = Overlay::new();
        for doc in self.documents.under(root) {
            let path = doc.path.as_deref().expect("documents under a folder have a path");
            if self.root_of(path).as_deref() == Some(root) {
                overlay.insert(relative_path(root, path), doc.text.clone());
            }
        }
        overlay
    }

    /// Checks the catalogue in `root` if it is stale (or never checked).
    fn ensure_checked(&mut self, root: &Path) {
        if self.catalogues.get(root).is_some_and(|s| s.checked.is_some()) {
            return;
        }
        let overlay = self.overlay(root);
        let options = CheckOptions { today: Date::today() };
        let state = self.catalogues.entry(root.to_path_buf()).or_default();
        let cache = &mut state.cache;
        let result = match catch_unwind(AssertUnwindSafe(|| {
            check_with(root, &overlay, Some(cache), options)
        })) {
            Ok(Ok(checked)) => Ok(checked),
            Ok(Err(e)) => Err(error_chain(&e)),
            Err(why) => {
                state.cache = LoadCache::new();
                Err(format!(
                    "casebook could not check this catalogue (an internal error: {}); please report it",
                    panic_text(&why)
                ))
            }
        };
        state.checked = Some(result);
        state.unpublished = true;
    }

    /// Checks every stale catalogue and publishes what changed.
    fn flush(&mut self) {
        let stale: Vec<PathBuf> = self
            .catalogues
            .iter()
            .filter(|(_, s)| s.checked.is_none())
            .map(|(r, _)| r.clone())
            .collect();
        for root in &stale {
            self.ensure_checked(root);
        }
        let roots: Vec<PathBuf> = self
            .catalogues
            .iter()
            .filter(|(_, s)| s.unpublished)
            .map(|(r, _)| r.clone())
            .collect();
        for root in roots {
            self.publish(&root);
        }
        // What is left are documents outside every catalogue.
        let outside: Vec<Uri> = self.edited.drain().collect();
        for uri in outside {
            self.publish_outside(uri);
        }
    }

    /// A use case written outside any catalogue is not checked: say so once on the file, and
    /// clear it when the file is closed or a casebook.yaml appears above it.
    fn publish_outside(&mut self, uri: Uri) {
        let path = path_of(&uri);
        let has_root = path.as_deref().and_then(|p| self.root_of(p)).is_some();
        let open = self.documents.get(&uri).map(|d| d.version);
        let looks_like_a_use_case = path.as_deref().is_some_and(|p| {
            p.extension().is_some_and(|e| e == "yaml" || e == "yml")
                && p.ancestors()
                    .any(|a| a.file_name().is_some_and(|n| n == "use-cases"))
        });
        let diagnostics = match open {
            Some(_) if !has_root && looks_like_a_use_case => vec![lsp_types::Diagnostic {
                range: Range::default(),
                severity: Some(lsp_types::DiagnosticSeverity::INFORMATION),
                source: Some(diagnostics::SOURCE.to_owned()),
                message: "casebook does not check this file: no folder above it holds a casebook.yaml\nhelp: a catalogue is a folder with casebook.yaml, organisation.yaml, channels.yaml and use-cases/; open this file from inside one".to_owned(),
                ..Default::default()
            }],
            _ if self.outside.remove(&uri) && !has_root => Vec::new(),
            _ => return,
        };
        if !diagnostics.is_empty() {
            self.outside.insert(uri.clone());
        }
        self.send(Notification::new(
            lsp_types::notification::PublishDiagnostics::METHOD.to_owned(),
            lsp_types::PublishDiagnosticsParams {
                uri,
                diagnostics,
                version: open,
            },
        ));
    }

    /// Publishes the diagnostics of the catalogue in `root` that changed since last time.
    fn publish(&mut self, root: &Path) {
        let Some(state) = self.catalogues.get(root) else {
            return;
        };
        let after = match &state.checked {
            Some(Ok(checked)) => {
                diagnostics::by_file(&Snapshot::new(checked, root, &self.documents, self.encoding))
            }
            Some(Err(why)) => {
                // Said once, at the start of casebook.yaml.
                let config = root.join("casebook.yaml");
                let uri = self
                    .documents
                    .by_path(&config)
                    .map(|d| d.uri.clone())
                    .or_else(|| uri_of(&config));
                uri.map(|uri| {
                    let d = lsp_types::Diagnostic {
                        range: Range::default(),
                        severity: Some(lsp_types::DiagnosticSeverity::ERROR),
                        source: Some(diagnostics::SOURCE.to_owned()),
                        message: why.clone(),
                        ..Default::default()
                    };
                    (uri, vec![d])
                })
                .into_iter()
                .collect()
            }
            None => return,
        };
        let always: Vec<Uri> = self
            .edited
            .iter()
            .filter(|uri| path_of(uri).is_some_and(|p| self.root_of(&p).as_deref() == Some(root)))
            .cloned()
            .collect();
        for (uri, diagnostics) in diagnostics::changes(&state.published, &after, &always) {
            let version = self.documents.get(&uri).map(|d| d.version);
            self.send(Notification::new(
                lsp_types::notification::PublishDiagnostics::METHOD.to_owned(),
                lsp_types::PublishDiagnosticsParams {
                    uri,
                    diagnostics,
                    version,
                },
            ));
        }
        for uri in &always {
            self.edited.remove(uri);
            self.outside.remove(uri);
        }
        let state = self.catalogues.get_mut(root).expect("looked up above");
        state.published = after;
        state.unpublished = false;
    }
}

/// The catalogue as checked, with what is needed to turn its spans into LSP ranges and URIs.
pub struct Snapshot<'a> {
    /// The checked catalogue.
    pub checked: &'a Checked,
    /// Its folder.
    pub root: &'a Path,
    documents: &'a Documents,
    /// The position encoding agreed with the client.
    pub encoding: Encoding,
    lines: RefCell<HashMap<FileId, Rc<LineIndex>>>,
    uris: RefCell<HashMap<FileId, Option<Uri>>>,
}

impl<'a> Snapshot<'a> {
    fn new(checked: &'a Checked, root: &'a Path, documents: &'a Documents, encoding: Encoding) -> Self {
        Snapshot {
            checked,
            root,
            documents,
            encoding,
            lines: RefCell::default(),
            uris: RefCell::default(),
        }
    }

    fn text(&self, file: FileId) -> &'a str {
        &self.checked.report.sources.get(file).text
    }

    fn line_index(&self, file: FileId) -> Rc<LineIndex> {
        self.lines
            .borrow_mut()
            .entry(file)
            .or_insert_with(|| Rc::new(LineIndex::new(self.text(file))))
            .clone()
    }

    /// The file of the catalogue behind a URI (None for a file it does not read).
    pub fn file_of(&self, uri: &Uri) -> Option<FileId> {
        let path = path_of(uri)?;
        path.strip_prefix(self.root).ok()?;
        let rel = relative_path(self.root, &path);
        self.checked
            .report
            .sources
            .iter()
            .find(|(_, f)| !f.stray && f.rel_path == rel)
            .map(|(id, _)| id)
    }

    /// The byte offset of an LSP position in a file (clamped).
    pub fn offset(&self, file: FileId, pos: Position) -> u32 {
        self.line_index(file).offset(self.text(file), pos, self.encoding)
    }

    /// The LSP position of a byte offset.
    pub fn position(&self, file: FileId, offset: u32) -> Position {
        self.line_index(file)
            .position(self.text(file), offset, self.encoding)
    }

    /// The LSP range of a span.
    pub fn range(&self, span: Span) -> Range {
        self.line_index(span.file)
            .range(self.text(span.file), span.start, span.end, self.encoding)
    }

    /// The span of an LSP range in a file.
    pub fn span(&self, file: FileId, range: Range) -> Span {
        let (a, b) = (self.offset(file, range.start), self.offset(file, range.end));
        Span {
            file,
            start: a.min(b),
            end: a.max(b),
        }
    }

    /// The URI of a file: the open document's, as the client spelled it, or the file's own.
    pub fn uri(&self, file: FileId) -> Option<Uri> {
        self.uris
            .borrow_mut()
            .entry(file)
            .or_insert_with(|| {
                let path = self.root.join(&self.checked.report.sources.get(file).rel_path);
                self.documents
                    .by_path(&path)
                    .map(|d| d.uri.clone())
                    .or_else(|| uri_of(&path))
            })
            .clone()
    }

    /// The LSP location of a span.
    pub fn location(&self, span: Span) -> Option<Location> {
        Some(Location {
            uri: self.uri(span.file)?,
            range: self.range(span),
        })
    }
}

fn error(code: ErrorCode, message: &str) -> ResponseError {
    ResponseError {
        code: code as i32,
        message: message.to_owned(),
        data: None,
    }
}

/// An error and its sources, as one line.
fn error_chain(e: &dyn std::error::Error) -> String {
    let mut text = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        text.push_str(": ");
        text.push_str(&s.to_string());
        source = s.source();
    }
    text
}

/// The message of a panic.
fn panic_text(payload: &Box<dyn std::any::Any + Send>) -> String {
    payload
        .downcast_ref::<&str>()
        .map(|s| (*s).to_owned())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "a panic".to_owned())
}
