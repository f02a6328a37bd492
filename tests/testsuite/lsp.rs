//! `casebook lsp` driven as an editor drives it: the real binary as a process, JSON-RPC over its
//! standard input and output with `Content-Length` framing, on a temporary copy of the sample
//! catalogue. Every read has a deadline, so a server that hangs fails the test instead of
//! hanging it.

use crate::support::copy_tree;
use serde_json::{Value, json};
use std::collections::VecDeque;
use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, ExitStatus, Stdio};
use std::sync::mpsc::{Receiver, RecvTimeoutError, channel};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// How long any one answer may take (generous: debug build, a shared machine, tests in parallel).
const DEADLINE: Duration = Duration::from_secs(60);

/// The use case most tests edit.
const HOSPITAL: &str = "use-cases/client-onboarding/public-hospital-purchase-order-invoicing-setup.yaml";

/// A language client: the server process, its input, and the messages it sent.
struct Client {
    child: Child,
    stdin: ChildStdin,
    inbox: Receiver<Value>,
    /// Messages read while waiting for something else, in order.
    seen: VecDeque<Value>,
    stderr: Arc<Mutex<String>>,
    next_id: i64,
}

impl Client {
    /// Starts `casebook lsp` in `dir`.
    fn start(dir: &Path) -> Client {
        let mut child = Command::new(env!("CARGO_BIN_EXE_casebook"))
            .arg("lsp")
            .current_dir(dir)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("the binary starts");
        let stdout = child.stdout.take().expect("piped");
        let (tx, inbox) = channel();
        std::thread::spawn(move || {
            let mut out = BufReader::new(stdout);
            while let Some(message) = read_message(&mut out) {
                if tx.send(message).is_err() {
                    break;
                }
            }
        });
        let stderr = Arc::new(Mutex::new(String::new()));
        let mut err = child.stderr.take().expect("piped");
        let sink = stderr.clone();
        std::thread::spawn(move || {
            let mut buf = [0u8; 4096];
            while let Ok(n) = err.read(&mut buf) {
                if n == 0 {
                    break;
                }
                sink.lock().unwrap().push_str(&String::from_utf8_lossy(&buf[..n]));
            }
        });
        let stdin = child.stdin.take().expect("piped");
        Client {
            child,
            stdin,
            inbox,
            seen: VecDeque::new(),
            stderr,
            next_id: 1,
        }
    }

    fn stderr(&self) -> String {
        self.stderr.lock().unwrap().clone()
    }

    /// Writes raw bytes as one framed message.
    fn send_raw(&mut self, body: &[u8]) {
        let mut framed = format!("Content-Length: {}\r\n\r\n", body.len()).into_bytes();
        framed.extend_from_slice(body);
        self.stdin.write_all(&framed).expect("the server reads its input");
        self.stdin.flush().unwrap();
    }

    fn send(&mut self, message: Value) {
        self.send_raw(message.to_string().as_bytes());
    }

    fn notify(&mut self, method: &str, params: Value) {
        self.send(json!({"jsonrpc": "2.0", "method": method, "params": params}));
    }

    /// Sends a request and returns the whole response (`result` or `error`).
    fn request(&mut self, method: &str, params: Value) -> Value {
        let id = self.next_id;
        self.next_id += 1;
        self.send(json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}));
        self.response(json!(id))
    }

    /// The response to the request `id`.
    fn response(&mut self, id: Value) -> Value {
        self.wait_for(&format!("the response to request {id}"), |m| {
            m.get("method").is_none() && m["id"] == id
        })
    }

    /// The result of a request that must succeed.
    fn ok(&mut self, method: &str, params: Value) -> Value {
        let response = self.request(method, params);
        assert!(response.get("error").is_none(), "{method} failed: {response}");
        response["result"].clone()
    }

    /// The first message (already seen, or to come) that `want` accepts; it is taken out.
    fn wait_for(&mut self, what: &str, want: impl Fn(&Value) -> bool) -> Value {
        if let Some(i) = self.seen.iter().position(&want) {
            return self.seen.remove(i).unwrap();
        }
        let end = Instant::now() + DEADLINE;
        loop {
            let left = end.saturating_duration_since(Instant::now());
            match self.inbox.recv_timeout(left) {
                Ok(m) if want(&m) => return m,
                Ok(m) => self.seen.push_back(m),
                Err(RecvTimeoutError::Timeout) => {
                    panic!("no {what} within {DEADLINE:?}; stderr:\n{}", self.stderr())
                }
                Err(RecvTimeoutError::Disconnected) => {
                    panic!(
                        "the server closed its output while waiting for {what}; stderr:\n{}",
                        self.stderr()
                    )
                }
            }
        }
    }

    /// The next diagnostics published for `uri` that `want` accepts (earlier ones are dropped).
    fn diagnostics(&mut self, uri: &str, want: impl Fn(&Value) -> bool) -> Value {
        let what = format!("diagnostics for {uri} as expected");
        let is_for =
            |m: &Value| m["method"] == "textDocument/publishDiagnostics" && m["params"]["uri"] == uri;
        // Earlier publications for the same file that do not match are stale: drop them.
        self.seen.retain(|m| !is_for(m) || want(&m["params"]));
        self.wait_for(&what, |m| is_for(m) && want(&m["params"]))["params"].clone()
    }

    /// The diagnostics published for `uri` at `version` of its document.
    fn diagnostics_at(&mut self, uri: &str, version: i64) -> Vec<Value> {
        let params = self.diagnostics(uri, |p| p["version"] == version);
        params["diagnostics"].as_array().unwrap().clone()
    }

    fn initialize(&mut self, capabilities: Value) -> Value {
        let result = self.ok("initialize", json!({"capabilities": capabilities}));
        self.notify("initialized", json!({}));
        result
    }

    fn open(&mut self, uri: &str, text: &str) {
        self.notify(
            "textDocument/didOpen",
            json!({"textDocument": {"uri": uri, "languageId": "yaml", "version": 1, "text": text}}),
        );
    }

    /// Replaces the whole text of a document.
    fn replace(&mut self, uri: &str, version: i64, text: &str) {
        self.notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": uri, "version": version}, "contentChanges": [{"text": text}]}),
        );
    }

    /// Sends shutdown and exit, and returns the exit status.
    fn shutdown(mut self) -> ExitStatus {
        let result = self.request("shutdown", Value::Null);
        assert_eq!(result["result"], Value::Null, "{result}");
        assert!(result.get("error").is_none(), "{result}");
        self.notify("exit", Value::Null);
        let end = Instant::now() + DEADLINE;
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                return status;
            }
            assert!(
                Instant::now() < end,
                "the server did not exit; stderr:\n{}",
                self.stderr()
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for Client {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Reads one framed message; None at the end of the output.
fn read_message(out: &mut impl BufRead) -> Option<Value> {
    let mut length = None;
    loop {
        let mut line = String::new();
        if out.read_line(&mut line).ok()? == 0 {
            return None;
        }
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        if let Some(n) = line.strip_prefix("Content-Length: ") {
            length = Some(n.parse::<usize>().expect("a length"));
        }
    }
    let mut body = vec![0; length.expect("a Content-Length header")];
    out.read_exact(&mut body).ok()?;
    Some(serde_json::from_slice(&body).expect("a JSON message"))
}

/// A temporary copy of the sample catalogue, in `catalogue/` of a temporary folder.
struct Sample {
    dir: tempfile::TempDir,
}

impl Sample {
    fn new() -> Sample {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("catalogue");
        std::fs::create_dir(&root).unwrap();
        copy_tree(&Path::new(env!("CARGO_MANIFEST_DIR")).join("catalogue"), &root);
        Sample { dir }
    }

    /// The absolute, canonical path of a file of the catalogue.
    fn path(&self, rel: &str) -> PathBuf {
        self.dir
            .path()
            .canonicalize()
            .unwrap()
            .join("catalogue")
            .join(rel)
    }

    fn uri(&self, rel: &str) -> String {
        file_uri(&self.path(rel))
    }

    fn text(&self, rel: &str) -> String {
        std::fs::read_to_string(self.path(rel)).unwrap()
    }
}

fn file_uri(path: &Path) -> String {
    let mut uri = "file://".to_owned();
    for b in path.to_str().unwrap().bytes() {
        if b.is_ascii_alphanumeric() || b"-._~/".contains(&b) {
            uri.push(b as char);
        } else {
            uri.push_str(&format!("%{b:02X}"));
        }
    }
    uri
}

fn codes(diagnostics: &[Value]) -> Vec<String> {
    diagnostics
        .iter()
        .map(|d| d["code"].as_str().unwrap_or("").to_owned())
        .collect()
}

/// The UTF-16 position of byte `offset` in `text`, counted independently of the server.
fn utf16_position(text: &str, offset: usize) -> (u64, u64) {
    let line = text[..offset].matches('\n').count();
    let start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
    (line as u64, text[start..offset].encode_utf16().count() as u64)
}

/// Whether a `publishDiagnostics` notification's params hold a finding of rule `code`.
fn has_code(params: &Value, code: &str) -> bool {
    params["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .any(|d| d["code"] == code)
}

#[test]
fn initialize_advertises_exactly_what_is_handled_and_shutdown_exits_0() {
    let sample = Sample::new();
    let mut client = Client::start(sample.dir.path());
    let result = client.initialize(json!({}));
    let caps = &result["capabilities"];
    let mut names: Vec<&str> = caps.as_object().unwrap().keys().map(String::as_str).collect();
    names.sort();
    assert_eq!(
        names,
        [
            "codeActionProvider",
            "completionProvider",
            "definitionProvider",
            "documentSymbolProvider",
            "hoverProvider",
            "inlayHintProvider",
            "positionEncoding",
            "referencesProvider",
            "renameProvider",
            "textDocumentSync",
        ]
    );
    assert_eq!(caps["positionEncoding"], "utf-16");
    assert_eq!(caps["renameProvider"]["prepareProvider"], true);
    assert_eq!(caps["textDocumentSync"]["change"], 2, "incremental");
    assert_eq!(result["serverInfo"]["name"], "casebook");
    let status = client.shutdown();
    assert_eq!(status.code(), Some(0));
}

#[test]
fn exit_without_shutdown_is_status_1() {
    let sample = Sample::new();
    let mut client = Client::start(sample.dir.path());
    client.initialize(json!({}));
    client.notify("exit", Value::Null);
    let end = Instant::now() + DEADLINE;
    let status = loop {
        if let Some(status) = client.child.try_wait().unwrap() {
            break status;
        }
        assert!(Instant::now() < end, "the server did not exit");
        std::thread::sleep(Duration::from_millis(20));
    };
    assert_eq!(status.code(), Some(1));
}

#[test]
fn diagnostics_follow_the_unsaved_text_as_you_type() {
    let sample = Sample::new();
    let uri = sample.uri(HOSPITAL);
    let text = sample.text(HOSPITAL);
    let mut client = Client::start(sample.dir.path());
    client.initialize(json!({}));
    client.open(&uri, &text);
    let first = client.diagnostics_at(&uri, 1);
    assert!(
        !codes(&first).contains(&"unknown-reference".to_owned()),
        "{first:?}"
    );

    // Introduce a finding: an unknown team, by an incremental change of one line.
    let at = text.find("    actor: billing\n").unwrap() + "    actor: ".len();
    let (line, character) = utf16_position(&text, at);
    client.notify(
        "textDocument/didChange",
        json!({
            "textDocument": {"uri": uri, "version": 2},
            "contentChanges": [{
                "range": {"start": {"line": line, "character": character},
                          "end": {"line": line, "character": character + "billing".len() as u64}},
                "text": "biling"
            }]
        }),
    );
    let second = client.diagnostics_at(&uri, 2);
    let unknown: Vec<&Value> = second
        .iter()
        .filter(|d| d["code"] == "unknown-reference")
        .collect();
    assert_eq!(unknown.len(), 1, "{second:?}");
    let d = unknown[0];
    assert_eq!(d["source"], "casebook");
    assert_eq!(d["severity"], 1, "an error");
    assert_eq!(
        d["range"],
        json!({"start": {"line": line, "character": character},
               "end": {"line": line, "character": character + "biling".len() as u64}})
    );
    let message = d["message"].as_str().unwrap();
    assert!(message.contains("`biling`"), "{message}");
    assert!(
        message.contains("billing"),
        "the did-you-mean names the team: {message}"
    );
    assert!(
        message.contains("\nhelp: "),
        "the help follows the message: {message}"
    );
    // The file on disk is unchanged: only the editor's text has the finding.
    assert_eq!(sample.text(HOSPITAL), text);

    // Fix it again: the finding is gone from the next publication.
    client.replace(&uri, 3, &text);
    let third = client.diagnostics_at(&uri, 3);
    assert_eq!(codes(&third), codes(&first));

    // A request right after a change sees the new text: the document's outline is asked
    // about a step that exists only in the unsaved text.
    let renamed = text
        .replace("id: send-test-invoice", "id: send-trial-invoice")
        .replace("next: send-test-invoice", "next: send-trial-invoice");
    client.replace(&uri, 4, &renamed);
    let symbols = client.ok(
        "textDocument/documentSymbol",
        json!({"textDocument": {"uri": uri}}),
    );
    assert!(
        symbols.to_string().contains("\"send-trial-invoice\""),
        "{symbols}"
    );
    assert!(
        !symbols.to_string().contains("\"send-test-invoice\""),
        "{symbols}"
    );
    assert_eq!(client.shutdown().code(), Some(0));
}

#[test]
fn a_team_renamed_in_organisation_yaml_gives_diagnostics_in_use_cases_elsewhere() {
    let sample = Sample::new();
    let org_uri = sample.uri("organisation.yaml");
    let org = sample.text("organisation.yaml");
    let hospital = sample.uri(HOSPITAL);
    let mut client = Client::start(sample.dir.path());
    client.initialize(json!({}));
    client.open(&org_uri, &org);
    client.diagnostics_at(&org_uri, 1);

    let renamed = org.replacen("      - id: billing\n", "      - id: invoicing\n", 1);
    assert_ne!(renamed, org);
    client.replace(&org_uri, 2, &renamed);
    // The use case is not open: its diagnostics come from the check of the whole catalogue.
    let broken = client.diagnostics(&hospital, |p| has_code(p, "unknown-reference"));
    let hospital_text = sample.text(HOSPITAL);
    let unknown: Vec<&Value> = broken["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["code"] == "unknown-reference")
        .collect();
    // `owner: billing` and every `actor: billing`.
    assert_eq!(
        unknown.len(),
        hospital_text.matches(": billing\n").count(),
        "{unknown:?}"
    );
    assert!(broken["version"].is_null(), "the file is not open: {broken}");

    // Renamed back: the findings in the other file are cleared.
    client.replace(&org_uri, 3, &org);
    client.diagnostics(&hospital, |p| !has_code(p, "unknown-reference"));
    assert_eq!(client.shutdown().code(), Some(0));
}

#[test]
fn a_new_file_not_yet_on_disk_is_part_of_the_catalogue_until_closed() {
    let sample = Sample::new();
    let hospital = sample.uri(HOSPITAL);
    // In a folder that sorts first, so the use case on disk is the second definition.
    let copy_rel = "use-cases/a-new-domain/copy-of-hospital.yaml";
    let copy = sample.uri(copy_rel);
    assert!(!sample.path(copy_rel).exists());
    let mut client = Client::start(sample.dir.path());
    client.initialize(json!({}));
    // The same use case id twice: one on disk, one only in the editor.
    client.open(&copy, &sample.text(HOSPITAL));
    client.diagnostics_at(&copy, 1);
    let duplicate = client.diagnostics(&hospital, |p| has_code(p, "duplicate-id"));
    let d = duplicate["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["code"] == "duplicate-id")
        .unwrap();
    // The label "first defined here" is related information, in the new file.
    let related = &d["relatedInformation"][0];
    assert_eq!(related["location"]["uri"], copy.as_str(), "{d}");
    assert_eq!(related["message"], "first defined here");
    assert_eq!(
        related["location"]["range"]["start"]["line"], 1,
        "the `id:` line: {d}"
    );
    // Closed without saving: it is gone, and so are the findings it caused.
    client.notify("textDocument/didClose", json!({"textDocument": {"uri": copy}}));
    let cleared = client.diagnostics(&copy, |p| p["diagnostics"] == json!([]));
    assert!(cleared["version"].is_null());
    client.diagnostics(&hospital, |p| !has_code(p, "duplicate-id"));
    assert_eq!(client.shutdown().code(), Some(0));
}

/// A step written as one flow mapping, with accents and an emoji before an unknown team.
fn with_emoji_step(text: &str) -> (String, usize) {
    let step = "  - { id: réclamation-step, title: \"Réclamation 😀 reçue, élevée\", actor: nobody-here, channel: phone }\n";
    let mut out = text.to_owned();
    if !out.ends_with('\n') {
        out.push('\n');
    }
    out.push_str(step);
    let at = out.rfind("nobody-here").unwrap();
    (out, at)
}

#[test]
fn positions_are_utf16_with_accents_and_an_emoji_on_the_line() {
    let sample = Sample::new();
    let uri = sample.uri(HOSPITAL);
    let (text, at) = with_emoji_step(&sample.text(HOSPITAL));
    let mut client = Client::start(sample.dir.path());
    client.initialize(json!({"general": {"positionEncodings": ["utf-16"]}}));
    client.open(&uri, &text);
    let diagnostics = client.diagnostics_at(&uri, 1);
    let d = diagnostics
        .iter()
        .find(|d| d["code"] == "unknown-reference" && d["message"].as_str().unwrap().contains("nobody-here"))
        .unwrap_or_else(|| panic!("{diagnostics:?}"));
    let (line, character) = utf16_position(&text, at);
    let (_, end) = utf16_position(&text, at + "nobody-here".len());
    // Bytes, characters and UTF-16 units all differ on this line.
    let line_start = text[..at].rfind('\n').unwrap() + 1;
    assert_ne!(character as usize, at - line_start);
    assert_ne!(character as usize, text[line_start..at].chars().count());
    assert_eq!(
        d["range"],
        json!({"start": {"line": line, "character": character}, "end": {"line": line, "character": end}})
    );

    // An edit placed in UTF-16 units after the emoji lands where it should.
    client.notify(
        "textDocument/didChange",
        json!({
            "textDocument": {"uri": uri, "version": 2},
            "contentChanges": [{
                "range": {"start": {"line": line, "character": character},
                          "end": {"line": line, "character": end}},
                "text": "billing"
            }]
        }),
    );
    let fixed = client.diagnostics_at(&uri, 2);
    assert!(
        !fixed
            .iter()
            .any(|d| d["code"] == "unknown-reference" && d["message"].as_str().unwrap().contains("nobody")),
        "{fixed:?}"
    );
    // A request placed after the emoji finds the id there: `billing`, defined in organisation.yaml.
    let definition = client.ok(
        "textDocument/definition",
        json!({"textDocument": {"uri": uri}, "position": {"line": line, "character": character + 3}}),
    );
    assert_eq!(
        definition[0]["uri"],
        sample.uri("organisation.yaml").as_str(),
        "{definition}"
    );
    let hover = client.ok(
        "textDocument/hover",
        json!({"textDocument": {"uri": uri}, "position": {"line": line, "character": character + 3}}),
    );
    let edited = text.replacen("nobody-here", "billing", 1);
    assert_eq!(covered(&edited, &hover["range"]), "billing", "{hover}");
    assert_eq!(hover["range"]["start"]["character"], character);
    assert_eq!(client.shutdown().code(), Some(0));
}

#[test]
fn a_client_offering_utf8_gets_byte_positions() {
    let sample = Sample::new();
    let uri = sample.uri(HOSPITAL);
    let (text, at) = with_emoji_step(&sample.text(HOSPITAL));
    let mut client = Client::start(sample.dir.path());
    let result = client.initialize(json!({"general": {"positionEncodings": ["utf-8", "utf-16"]}}));
    assert_eq!(result["capabilities"]["positionEncoding"], "utf-8");
    client.open(&uri, &text);
    let diagnostics = client.diagnostics_at(&uri, 1);
    let d = diagnostics
        .iter()
        .find(|d| d["message"].as_str().unwrap().contains("nobody-here"))
        .unwrap_or_else(|| panic!("{diagnostics:?}"));
    let line_start = text[..at].rfind('\n').unwrap() + 1;
    assert_eq!(d["range"]["start"]["character"], (at - line_start) as u64);
    // Requests count bytes too: the team after the emoji, by its byte column.
    let fixed = text.replacen("nobody-here", "billing", 1);
    client.replace(&uri, 2, &fixed);
    let line = text[..at].matches('\n').count();
    let hover = client.ok(
        "textDocument/hover",
        json!({"textDocument": {"uri": uri}, "position": {"line": line, "character": at - line_start + 2}}),
    );
    assert_eq!(
        hover["range"],
        json!({"start": {"line": line, "character": at - line_start},
               "end": {"line": line, "character": at - line_start + "billing".len()}})
    );
    assert_eq!(client.shutdown().code(), Some(0));
}

#[test]
fn bad_input_is_answered_and_the_server_stays_up() {
    let sample = Sample::new();
    let root = sample.path("");
    let mut client = Client::start(sample.dir.path());

    // Before initialize: an error, not a crash.
    let early = client.request("textDocument/hover", json!({}));
    assert_eq!(early["error"]["code"], -32002, "{early}");
    client.initialize(json!({}));

    // Half-typed YAML: a yaml-syntax diagnostic, and every request answers.
    let uri = sample.uri(HOSPITAL);
    let half = format!(
        "{}  - id: new-step\n    actor: [bill\n    next: {{",
        sample.text(HOSPITAL)
    );
    client.open(&uri, &half);
    let diagnostics = client.diagnostics_at(&uri, 1);
    assert!(
        codes(&diagnostics).contains(&"yaml-syntax".to_owned()),
        "{diagnostics:?}"
    );
    let end = json!({"line": half.lines().count() as u64, "character": 3});
    let position = json!({"textDocument": {"uri": uri}, "position": end});
    for method in [
        "textDocument/completion",
        "textDocument/hover",
        "textDocument/definition",
        "textDocument/prepareRename",
    ] {
        client.ok(method, position.clone());
    }
    client.ok(
        "textDocument/references",
        json!({"textDocument": {"uri": uri}, "position": end, "context": {"includeDeclaration": true}}),
    );
    client.ok(
        "textDocument/documentSymbol",
        json!({"textDocument": {"uri": uri}}),
    );
    client.ok(
        "textDocument/inlayHint",
        json!({"textDocument": {"uri": uri}, "range": {"start": {"line": 0, "character": 0}, "end": end}}),
    );
    client.ok(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": uri}, "range": {"start": {"line": 0, "character": 0}, "end": end},
               "context": {"diagnostics": []}}),
    );
    // Positions far past the end of the text are clamped, not refused.
    let far = json!({"textDocument": {"uri": uri}, "position": {"line": 99999, "character": 99999}});
    client.ok("textDocument/completion", far.clone());
    client.ok("textDocument/hover", far);

    // A file that is not YAML, in use-cases/: the catalogue says it is not read.
    let notes = "use-cases/client-onboarding/notes.txt";
    std::fs::write(sample.path(notes), "Not a use case: ask Sam 😀\n").unwrap();
    let notes_uri = sample.uri(notes);
    client.open(&notes_uri, "Not a use case: ask Sam 😀\n");
    let stray = client.diagnostics(&notes_uri, |p| !p["diagnostics"].as_array().unwrap().is_empty());
    assert_eq!(codes(stray["diagnostics"].as_array().unwrap()), ["stray-file"]);
    let hover = client.ok(
        "textDocument/hover",
        json!({"textDocument": {"uri": notes_uri}, "position": {"line": 0, "character": 2}}),
    );
    assert_eq!(hover, Value::Null);

    // A file outside any catalogue, and a folder that has use cases but no casebook.yaml.
    let outside = sample.dir.path().canonicalize().unwrap().join("outside.yaml");
    std::fs::write(&outside, "id: x\n").unwrap();
    let no_config = sample
        .dir
        .path()
        .canonicalize()
        .unwrap()
        .join("no-config/use-cases/a.yaml");
    std::fs::create_dir_all(no_config.parent().unwrap()).unwrap();
    std::fs::write(&no_config, "id: a\nsteps: []\n").unwrap();
    for path in [&outside, &no_config] {
        let u = file_uri(path);
        client.open(&u, &std::fs::read_to_string(path).unwrap());
        if path == &no_config {
            // A use case outside any catalogue: told once that it is not checked.
            let told = client.diagnostics(&u, |p| p["version"] == 1);
            let told = told["diagnostics"].as_array().unwrap();
            assert_eq!(told.len(), 1, "{told:?}");
            assert_eq!(told[0]["severity"], 3, "information");
            assert!(
                told[0]["message"]
                    .as_str()
                    .unwrap()
                    .contains("no folder above it holds a casebook.yaml")
            );
        }
        let position = json!({"textDocument": {"uri": u}, "position": {"line": 0, "character": 1}});
        assert_eq!(
            client.ok("textDocument/completion", position.clone()),
            Value::Null
        );
        assert_eq!(client.ok("textDocument/definition", position), Value::Null);
        assert_eq!(
            client.ok("textDocument/documentSymbol", json!({"textDocument": {"uri": u}})),
            Value::Null
        );
    }
    // Closed, the note goes with it.
    let no_config_uri = file_uri(&no_config);
    client.notify(
        "textDocument/didClose",
        json!({"textDocument": {"uri": no_config_uri}}),
    );
    client.diagnostics(&no_config_uri, |p| p["diagnostics"] == json!([]));
    // A URI that is not a file.
    let untitled =
        json!({"textDocument": {"uri": "untitled:Untitled-1"}, "position": {"line": 0, "character": 0}});
    assert_eq!(client.ok("textDocument/hover", untitled), Value::Null);

    // An unknown method, bad parameters, a request whose method is not a string, a body that is
    // not JSON, a frame without a length.
    let unknown = client.request("casebook/doesNotExist", json!({}));
    assert_eq!(unknown["error"]["code"], -32601, "{unknown}");
    let bad_params = client.request("textDocument/hover", json!({"textDocument": 5}));
    assert_eq!(bad_params["error"]["code"], -32602, "{bad_params}");
    client.send(json!({"jsonrpc": "2.0", "id": 777, "method": 5}));
    let invalid = client.response(json!(777));
    assert_eq!(invalid["error"]["code"], -32600, "{invalid}");
    client.send_raw(b"{this is not json");
    client.stdin.write_all(b"X-Nonsense: 1\r\n\r\n").unwrap();
    client.notify("textDocument/didChange", json!({"nonsense": true}));
    client.notify("casebook/unknownNotification", json!([1, 2]));

    // Still up, and still right: the catalogue's own diagnostics for the half-typed file.
    client.replace(&uri, 2, &sample.text(HOSPITAL));
    let back = client.diagnostics_at(&uri, 2);
    assert!(!codes(&back).contains(&"yaml-syntax".to_owned()), "{back:?}");
    assert!(root.join("casebook.yaml").exists());
    assert_eq!(client.shutdown().code(), Some(0));
}

/// The byte offset of a UTF-16 position in `text`, counted independently of the server.
fn utf16_offset(text: &str, line: u64, character: u64) -> usize {
    let start: usize = text.split_inclusive('\n').take(line as usize).map(str::len).sum();
    let mut units = 0;
    for (i, c) in text[start..].char_indices() {
        if units >= character || c == '\n' {
            return start + i;
        }
        units += c.len_utf16() as u64;
    }
    text.len()
}

/// The text an LSP range covers.
fn covered<'t>(text: &'t str, range: &Value) -> &'t str {
    let at = |p: &Value| {
        utf16_offset(
            text,
            p["line"].as_u64().unwrap(),
            p["character"].as_u64().unwrap(),
        )
    };
    &text[at(&range["start"])..at(&range["end"])]
}

/// Applies LSP text edits (UTF-16 ranges) to `text`.
fn apply(text: &str, edits: &[Value]) -> String {
    let at = |p: &Value| {
        utf16_offset(
            text,
            p["line"].as_u64().unwrap(),
            p["character"].as_u64().unwrap(),
        )
    };
    let mut spans: Vec<(usize, usize, &str)> = edits
        .iter()
        .map(|e| {
            (
                at(&e["range"]["start"]),
                at(&e["range"]["end"]),
                e["newText"].as_str().unwrap(),
            )
        })
        .collect();
    spans.sort_by_key(|s| std::cmp::Reverse(s.0));
    let mut out = text.to_owned();
    for (start, end, new) in spans {
        out.replace_range(start..end, new);
    }
    out
}

/// The position of the byte `delta` into the first occurrence of `needle` in `text`.
fn at(text: &str, needle: &str, delta: usize) -> Value {
    let offset = text
        .find(needle)
        .unwrap_or_else(|| panic!("`{needle}` is in the text"))
        + delta;
    let (line, character) = utf16_position(text, offset);
    json!({"line": line, "character": character})
}

#[test]
fn completion_hover_definition_and_references_work_across_files() {
    let sample = Sample::new();
    let uri = sample.uri(HOSPITAL);
    let text = sample.text(HOSPITAL);
    let org = sample.text("organisation.yaml");
    let org_uri = sample.uri("organisation.yaml");
    let mut client = Client::start(sample.dir.path());
    client.initialize(json!({}));

    // Completion after `actor: `, typed in the editor and not saved.
    let typing = text.replacen("    actor: billing\n", "    actor: \n", 1);
    client.open(&uri, &typing);
    let position = at(&typing, "    actor: \n", "    actor: ".len());
    let result = client.ok(
        "textDocument/completion",
        json!({"textDocument": {"uri": uri}, "position": position}),
    );
    let items = result["items"].as_array().expect("a completion list");
    let billing = items
        .iter()
        .find(|i| i["label"] == "billing")
        .unwrap_or_else(|| panic!("billing is offered: {result}"));
    assert_eq!(billing["detail"], "Billing", "{billing}");
    assert_eq!(billing["textEdit"]["newText"], "billing");
    assert_eq!(billing["textEdit"]["range"]["start"], position);
    assert!(items.iter().any(|i| i["label"] == "customer"), "{result}");
    assert!(items.iter().any(|i| i["label"] == "contact-centre"), "{result}");
    // Only teams (and the customer): no channel, item or field.
    assert!(
        !items
            .iter()
            .any(|i| i["label"] == "video-call" || i["label"] == "title"),
        "{result}"
    );

    client.replace(&uri, 2, &text);
    let on_billing = at(&text, "    actor: billing", "    actor: bi".len());
    let doc_position = json!({"textDocument": {"uri": uri}, "position": on_billing});

    let hover = client.ok("textDocument/hover", doc_position.clone());
    let markdown = hover["contents"]["value"].as_str().unwrap();
    assert_eq!(hover["contents"]["kind"], "markdown");
    assert!(
        markdown.contains("**Billing**") && markdown.contains("Finance"),
        "{markdown}"
    );
    assert_eq!(covered(&text, &hover["range"]), "billing");

    let definition = client.ok("textDocument/definition", doc_position.clone());
    let targets = definition.as_array().unwrap();
    assert_eq!(targets.len(), 1, "{definition}");
    assert_eq!(targets[0]["uri"], org_uri.as_str());
    assert_eq!(covered(&org, &targets[0]["range"]), "billing");
    assert_eq!(
        targets[0]["range"]["start"],
        at(&org, "      - id: billing\n", "      - id: ".len())
    );

    let references = client.ok(
        "textDocument/references",
        json!({"textDocument": {"uri": uri}, "position": on_billing, "context": {"includeDeclaration": true}}),
    );
    let references = references.as_array().unwrap();
    let mut files = std::collections::BTreeSet::new();
    for r in references {
        let path = Path::new(r["uri"].as_str().unwrap().strip_prefix("file://").unwrap()).to_owned();
        let text = std::fs::read_to_string(&path).unwrap();
        assert_eq!(covered(&text, &r["range"]), "billing", "{r}");
        files.insert(path);
    }
    assert!(
        references.iter().any(|r| r["uri"] == org_uri.as_str()),
        "the definition is included"
    );
    let in_hospital = references.iter().filter(|r| r["uri"] == uri.as_str()).count();
    assert_eq!(in_hospital, text.matches(": billing\n").count());
    assert!(
        files.len() > 10,
        "billing is used across the catalogue: {files:?}"
    );
    let without = client.ok(
        "textDocument/references",
        json!({"textDocument": {"uri": uri}, "position": on_billing, "context": {"includeDeclaration": false}}),
    );
    assert_eq!(without.as_array().unwrap().len(), references.len() - 1);
    assert_eq!(client.shutdown().code(), Some(0));
}

#[test]
fn rename_edits_every_file_and_leaves_the_catalogue_clean() {
    let sample = Sample::new();
    let uri = sample.uri(HOSPITAL);
    let text = sample.text(HOSPITAL);
    let mut client = Client::start(sample.dir.path());
    client.initialize(json!({}));
    client.open(&uri, &text);
    let on_billing = at(&text, "    actor: billing", "    actor: b".len());
    let prepared = client.ok(
        "textDocument/prepareRename",
        json!({"textDocument": {"uri": uri}, "position": on_billing}),
    );
    assert_eq!(covered(&text, &prepared), "billing", "{prepared}");
    // `customer` is built in: nothing to rename.
    let on_customer = at(&text, "actor: customer", "actor: cu".len());
    let nothing = client.ok(
        "textDocument/prepareRename",
        json!({"textDocument": {"uri": uri}, "position": on_customer}),
    );
    assert_eq!(nothing, Value::Null);
    let refused = client.request(
        "textDocument/rename",
        json!({"textDocument": {"uri": uri}, "position": on_billing, "newName": "Not A Slug"}),
    );
    assert!(
        refused["error"]["message"]
            .as_str()
            .unwrap()
            .contains("not a valid id"),
        "{refused}"
    );

    let edit = client.ok(
        "textDocument/rename",
        json!({"textDocument": {"uri": uri}, "position": on_billing, "newName": "invoicing"}),
    );
    let changes = edit["changes"].as_object().unwrap();
    assert!(
        changes.contains_key(sample.uri("organisation.yaml").as_str()),
        "{edit}"
    );
    assert!(
        changes.len() > 10,
        "every file that uses billing: {}",
        changes.len()
    );
    let before = std::process::Command::new(env!("CARGO_BIN_EXE_casebook"))
        .args([
            "check",
            "--format",
            "json",
            "--today",
            "2026-11-30",
            "--catalogue",
        ])
        .arg(sample.path(""))
        .output()
        .unwrap();
    for (file, edits) in changes {
        let path = PathBuf::from(file.strip_prefix("file://").unwrap());
        let old = std::fs::read_to_string(&path).unwrap();
        std::fs::write(&path, apply(&old, edits.as_array().unwrap())).unwrap();
    }
    let after = std::process::Command::new(env!("CARGO_BIN_EXE_casebook"))
        .args([
            "check",
            "--format",
            "json",
            "--today",
            "2026-11-30",
            "--catalogue",
        ])
        .arg(sample.path(""))
        .output()
        .unwrap();
    // The same findings as before the rename (no unknown reference, nothing new), billing gone.
    let findings = |out: &std::process::Output| {
        let report: Value = serde_json::from_slice(&out.stdout).unwrap();
        let mut rules: Vec<String> = report["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| format!("{} {}", d["rule"], d["file"]))
            .collect();
        rules.sort();
        rules
    };
    assert_eq!(findings(&after), findings(&before));
    assert!(!sample.text(HOSPITAL).contains(": billing\n"));
    assert!(
        sample
            .text("organisation.yaml")
            .contains("      - id: invoicing\n")
    );
    assert_eq!(client.shutdown().code(), Some(0));
}

#[test]
fn a_quick_fix_repairs_an_unknown_team_and_the_outline_and_hints_follow_the_text() {
    let sample = Sample::new();
    let uri = sample.uri(HOSPITAL);
    let text = sample
        .text(HOSPITAL)
        .replacen("    actor: billing\n", "    actor: biling\n", 1);
    let mut client = Client::start(sample.dir.path());
    client.initialize(json!({}));
    client.open(&uri, &text);
    let diagnostics = client.diagnostics_at(&uri, 1);
    let unknown = diagnostics
        .iter()
        .find(|d| d["code"] == "unknown-reference")
        .unwrap_or_else(|| panic!("{diagnostics:?}"))
        .clone();
    let actions = client.ok(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": uri}, "range": unknown["range"],
               "context": {"diagnostics": [unknown]}}),
    );
    let actions = actions.as_array().unwrap();
    let fix = actions
        .iter()
        .find(|a| a["isPreferred"] == true)
        .unwrap_or_else(|| panic!("a preferred fix: {actions:?}"));
    assert_eq!(fix["kind"], "quickfix");
    assert!(fix["title"].as_str().unwrap().contains("billing"), "{fix}");
    assert_eq!(fix["diagnostics"][0]["code"], "unknown-reference");
    assert_eq!(fix["diagnostics"][0]["range"], unknown["range"]);
    let edits = fix["edit"]["changes"][uri.as_str()].as_array().unwrap();
    let fixed = apply(&text, edits);
    assert_eq!(fixed, sample.text(HOSPITAL));
    // Only other kinds asked for: none.
    let none = client.ok(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": uri}, "range": unknown["range"],
               "context": {"diagnostics": [], "only": ["refactor"]}}),
    );
    assert_eq!(none, json!([]));

    // The outline is the use case and its steps, as typed.
    client.replace(
        &uri,
        2,
        &fixed.replace("id: send-test-invoice", "id: send-trial-invoice"),
    );
    let symbols = client.ok(
        "textDocument/documentSymbol",
        json!({"textDocument": {"uri": uri}}),
    );
    let top = &symbols.as_array().unwrap()[0];
    assert_eq!(top["name"], "public-hospital-purchase-order-invoicing-setup");
    let steps: Vec<&str> = top["children"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        &steps[..5],
        [
            "billing-set-up-call",
            "explain-purchase-order-rules",
            "read-back-rules",
            "set-up-billing-profile",
            "send-trial-invoice",
        ]
    );
    let hints = client.ok(
        "textDocument/inlayHint",
        json!({"textDocument": {"uri": uri}, "range": {"start": {"line": 0, "character": 0}, "end": {"line": 10000, "character": 0}}}),
    );
    let hints = hints.as_array().unwrap();
    assert!(
        hints
            .iter()
            .any(|h| h["label"].as_str().unwrap().contains("Finance")),
        "{hints:?}"
    );
    assert_eq!(client.shutdown().code(), Some(0));
}

#[test]
fn files_changed_on_disk_are_checked_again_when_the_client_says_so() {
    let sample = Sample::new();
    let uri = sample.uri(HOSPITAL);
    let text = sample.text(HOSPITAL);
    let org_uri = sample.uri("organisation.yaml");
    let mut client = Client::start(sample.dir.path());
    client.initialize(json!({"workspace": {"didChangeWatchedFiles": {"dynamicRegistration": true}}}));
    // The server asks to be told about YAML files; the client says yes.
    let register = client.wait_for("a registration request", |m| {
        m["method"] == "client/registerCapability"
    });
    let registration = &register["params"]["registrations"][0];
    assert_eq!(registration["method"], "workspace/didChangeWatchedFiles");
    assert_eq!(
        registration["registerOptions"]["watchers"][0]["globPattern"],
        "**/*.{yaml,yml}"
    );
    client.send(json!({"jsonrpc": "2.0", "id": register["id"], "result": null}));
    client.open(&uri, &text);
    client.diagnostics_at(&uri, 1);

    // organisation.yaml changes on disk (a `git checkout`), not in the editor.
    let org = sample.text("organisation.yaml");
    std::fs::write(
        sample.path("organisation.yaml"),
        org.replacen("      - id: billing\n", "      - id: invoicing\n", 1),
    )
    .unwrap();
    client.notify(
        "workspace/didChangeWatchedFiles",
        json!({"changes": [{"uri": org_uri, "type": 2}]}),
    );
    client.diagnostics(&uri, |p| has_code(p, "unknown-reference"));
    // Saved back: didSave checks again too.
    std::fs::write(sample.path("organisation.yaml"), &org).unwrap();
    client.notify("textDocument/didSave", json!({"textDocument": {"uri": uri}}));
    client.diagnostics(&uri, |p| !has_code(p, "unknown-reference"));
    assert_eq!(client.shutdown().code(), Some(0));
}

#[test]
fn a_burst_of_keystrokes_costs_a_few_checks_and_the_last_one_is_published() {
    let sample = Sample::new();
    let uri = sample.uri(HOSPITAL);
    let text = sample.text(HOSPITAL);
    let mut client = Client::start(sample.dir.path());
    client.initialize(json!({}));
    client.open(&uri, &text);
    client.diagnostics_at(&uri, 1);
    // Fifty keystrokes in one write, typing a team id over `billing`, letter by letter: only
    // the last text is clean.
    let start = text.find("    actor: billing\n").unwrap() + "    actor: ".len();
    let (line, character) = utf16_position(&text, start);
    let typed = "accounts-payable-typo-xx-accounts-payable-typo-xx";
    let mut burst = Vec::new();
    for (i, c) in typed.chars().enumerate() {
        let at = json!({"line": line, "character": character + i as u64});
        let change = json!({"jsonrpc": "2.0", "method": "textDocument/didChange", "params": {
            "textDocument": {"uri": uri, "version": i + 2},
            "contentChanges": [{"range": {"start": at, "end": at}, "text": c.to_string()}]}})
        .to_string();
        burst.extend_from_slice(format!("Content-Length: {}\r\n\r\n{change}", change.len()).as_bytes());
    }
    client.stdin.write_all(&burst).unwrap();
    client.stdin.flush().unwrap();
    let last = typed.chars().count() as i64 + 1;
    // Waited for without dropping the publications before it, which are counted below.
    let published = client.wait_for("the diagnostics of the last keystroke", |m| {
        m["method"] == "textDocument/publishDiagnostics"
            && m["params"]["uri"] == uri.as_str()
            && m["params"]["version"] == last
    });
    let diagnostics = published["params"]["diagnostics"].as_array().unwrap();
    // The final text: `actor: accounts-payable-...billing`, an unknown team.
    assert!(
        diagnostics.iter().any(|d| d["code"] == "unknown-reference"
            && d["message"]
                .as_str()
                .unwrap()
                .contains(&format!("{typed}billing"))),
        "{diagnostics:?}"
    );
    let earlier = client
        .seen
        .iter()
        .filter(|m| m["method"] == "textDocument/publishDiagnostics" && m["params"]["uri"] == uri.as_str())
        .count();
    assert!(
        earlier < 10,
        "{earlier} publications before the last of 50 keystrokes: changes are not coalesced"
    );
    assert_eq!(client.shutdown().code(), Some(0));
}
