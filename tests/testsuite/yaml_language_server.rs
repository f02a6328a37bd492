//! What `casebook init` sets up, read by the real YAML language server (Red Hat's
//! `yaml-language-server`, which VS Code's YAML extension, Neovim's yamlls, Helix and Zed run):
//! with the `yaml.schemas` of `.vscode/settings.json` as the editor sends them, a use case two
//! folders deeper than `casebook new` writes, with no schema line, gets its schema's errors and
//! hover, rendered from `markdownDescription`. Runs the server installed in tests/editor-tools
//! (`npm ci` there; .ci/run does it), else one on the PATH (`npm install -g
//! yaml-language-server`); says it skipped otherwise, and fails on CI.

use crate::support::casebook;
use serde_json::{Value, json};
use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::{Receiver, channel};
use std::time::{Duration, Instant};

const DEADLINE: Duration = Duration::from_secs(30);

fn on_path(name: &str) -> Option<PathBuf> {
    std::env::split_paths(&std::env::var_os("PATH")?)
        .filter(|d| !d.as_os_str().is_empty())
        .map(|d| d.join(name))
        .find(|p| p.is_file())
}

/// A language server process and the messages it sends, read on a thread.
struct Server {
    child: Child,
    messages: Receiver<Value>,
    next_id: i64,
}

impl Server {
    fn start(program: &Path) -> Server {
        let mut child = Command::new(program)
            .arg("--stdio")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("yaml-language-server starts");
        let mut out = BufReader::new(child.stdout.take().unwrap());
        let (send, messages) = channel();
        std::thread::spawn(move || {
            loop {
                let mut length = None;
                loop {
                    let mut line = String::new();
                    if out.read_line(&mut line).unwrap_or(0) == 0 {
                        return;
                    }
                    let line = line.trim_end();
                    if line.is_empty() {
                        break;
                    }
                    if let Some(n) = line.strip_prefix("Content-Length: ") {
                        length = n.parse::<usize>().ok();
                    }
                }
                let mut body = vec![0; length.expect("a Content-Length header")];
                if out.read_exact(&mut body).is_err() {
                    return;
                }
                if send.send(serde_json::from_slice(&body).expect("JSON")).is_err() {
                    return;
                }
            }
        });
        Server {
            child,
            messages,
            next_id: 0,
        }
    }

    fn send(&mut self, message: Value) {
        let text = message.to_string();
        let stdin = self.child.stdin.as_mut().unwrap();
        write!(stdin, "Content-Length: {}\r\n\r\n{text}", text.len()).unwrap();
        stdin.flush().unwrap();
    }

    fn notify(&mut self, method: &str, params: Value) {
        self.send(json!({"jsonrpc": "2.0", "method": method, "params": params}));
    }

    /// Sends a request; returns its id.
    fn request(&mut self, method: &str, params: Value) -> i64 {
        self.next_id += 1;
        let id = self.next_id;
        self.send(json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}));
        id
    }

    /// Reads messages until `wanted` returns a value, answering the server's own requests:
    /// `workspace/configuration` with `yaml`, anything else with null.
    fn until<T>(&mut self, yaml: &Value, mut wanted: impl FnMut(&Value) -> Option<T>) -> T {
        let start = Instant::now();
        loop {
            let left = DEADLINE
                .checked_sub(start.elapsed())
                .expect("the server answers in time");
            let message = self
                .messages
                .recv_timeout(left)
                .expect("the server answers in time");
            if let (Some(id), Some(method)) = (message.get("id"), message["method"].as_str()) {
                let result = if method == "workspace/configuration" {
                    let items = message["params"]["items"].as_array().cloned().unwrap_or_default();
                    Value::Array(
                        items
                            .iter()
                            .map(|i| {
                                if i["section"] == "yaml" {
                                    yaml.clone()
                                } else {
                                    json!({})
                                }
                            })
                            .collect(),
                    )
                } else {
                    Value::Null
                };
                self.send(json!({"jsonrpc": "2.0", "id": id, "result": result}));
                continue;
            }
            if let Some(found) = wanted(&message) {
                return found;
            }
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn uri(path: &Path) -> String {
    format!("file://{}", path.display())
}

#[cfg(unix)]
#[test]
fn the_yaml_language_server_gives_every_file_its_schema_from_the_settings_init_wrote() {
    let installed = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/editor-tools/node_modules/.bin/yaml-language-server");
    let found = Some(installed)
        .filter(|p| p.is_file() && on_path("node").is_some())
        .or_else(|| on_path("yaml-language-server"));
    let Some(program) = found else {
        assert!(
            std::env::var_os("CI").is_none(),
            "no yaml-language-server, and CI is set: .ci/run runs `npm ci` in tests/editor-tools"
        );
        // Straight to standard error: the test harness captures `eprintln!`.
        let _ = writeln!(
            std::io::stderr(),
            "yaml_language_server: skipped: no yaml-language-server (run `npm ci` in tests/editor-tools)"
        );
        return;
    };
    // Not tempfile's usual `.tmpXXXX`: the server's `**` matches no folder whose name starts with
    // a dot, so a repository inside one gets no schema by glob (schema lines still work there).
    let repo = tempfile::Builder::new().prefix("casebook-").tempdir().unwrap();
    let root = repo.path().canonicalize().unwrap();
    std::fs::create_dir(root.join(".git")).unwrap();
    let out = casebook().current_dir(&root).arg("init").output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let settings: Value =
        serde_json::from_str(&std::fs::read_to_string(root.join(".vscode/settings.json")).unwrap()).unwrap();
    let yaml = json!({
        "schemas": settings["yaml.schemas"],
        "validate": true, "hover": true, "completion": true,
        "schemaStore": {"enable": false},
    });
    let deep = root.join("catalogue/use-cases/billing/2026/refund.yaml");
    std::fs::create_dir_all(deep.parent().unwrap()).unwrap();
    let text = "id: refund\ntitle: Refund\ndomain: billing\nowner: front-desk\ncolour: red\nstatus: draft\ntrigger: t\noutcome: o\nsteps:\n  - id: done\n    end: refunded\n";
    std::fs::write(&deep, text).unwrap();

    let mut server = Server::start(&program);
    let root_uri = uri(&root);
    let init = server.request(
        "initialize",
        json!({
            "processId": std::process::id(),
            "rootUri": root_uri,
            "workspaceFolders": [{"uri": root_uri, "name": "repo"}],
            "capabilities": {
                "workspace": {"configuration": true},
                "textDocument": {"hover": {"contentFormat": ["markdown", "plaintext"]}},
            },
        }),
    );
    server.until(&yaml, |m| (m["id"] == init).then_some(()));
    server.notify("initialized", json!({}));
    server.notify("workspace/didChangeConfiguration", json!({"settings": null}));
    let file = uri(&deep);
    server.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": file, "languageId": "yaml", "version": 1, "text": text}}),
    );
    // The server validates as soon as the file opens, maybe before it has the settings: an empty
    // report is followed by an edit (the same text), which has it validate again.
    let mut version = 1;
    let start = Instant::now();
    let messages = loop {
        assert!(start.elapsed() < DEADLINE, "no schema finding on {file}");
        let found: Vec<String> = server.until(&yaml, |m| {
            (m["method"] == "textDocument/publishDiagnostics" && m["params"]["uri"] == file.as_str()).then(
                || {
                    m["params"]["diagnostics"]
                        .as_array()
                        .into_iter()
                        .flatten()
                        .map(|d| d["message"].as_str().unwrap_or_default().to_owned())
                        .collect()
                },
            )
        });
        if !found.is_empty() {
            break found;
        }
        version += 1;
        server.notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": file, "version": version}, "contentChanges": [{"text": text}]}),
        );
    };
    assert!(
        messages.iter().any(|m| m.contains("colour")),
        "the use case schema reports the unknown field: {messages:?}"
    );
    let hover = server.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": file}, "position": {"line": 2, "character": 2}}),
    );
    let shown = server.until(&yaml, |m| {
        (m["id"] == hover).then(|| {
            m["result"]["contents"]["value"]
                .as_str()
                .unwrap_or_default()
                .to_owned()
        })
    });
    assert!(
        shown.contains("e.g. `billing`"),
        "the description of `domain`, its Markdown rendered (not `\\`billing\\``): {shown}"
    );
}
