//! Measures how long `casebook lsp` takes from a keystroke to the diagnostics of that keystroke.
//!
//! ```text
//! cargo build --release
//! cargo run --release --example lsp-latency -- [--edits 100] [--catalogue catalogue] [--file REL] [--binary target/release/casebook]
//! ```
//!
//! It starts the server as an editor does, opens one use case, then types into its first
//! `title:` one character at a time (an incremental `didChange` per keystroke), waiting each
//! time for the `publishDiagnostics` of that version. Every keystroke is a re-check of the whole
//! catalogue. It reports the median, 90th percentile and maximum, in milliseconds.

use clap::Parser;
use serde_json::{Value, json};
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{ChildStdin, Command, ExitCode, Stdio};
use std::sync::mpsc::{Receiver, channel};
use std::time::{Duration, Instant};

/// Drives `casebook lsp` and times its diagnostics after each keystroke.
#[derive(Parser, Debug)]
#[command(name = "lsp-latency")]
struct Args {
    /// Number of keystrokes.
    #[arg(long, default_value_t = 100)]
    edits: usize,
    /// The catalogue folder.
    #[arg(long, default_value = "catalogue", value_name = "DIR")]
    catalogue: PathBuf,
    /// The use case typed into, relative to the catalogue (default: its first use case).
    #[arg(long, value_name = "REL")]
    file: Option<String>,
    /// The casebook binary.
    #[arg(long, default_value = "target/release/casebook", value_name = "PATH")]
    binary: PathBuf,
}

fn main() -> ExitCode {
    let args = Args::parse();
    match run(&args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("lsp-latency: {e}");
            ExitCode::from(2)
        }
    }
}

fn first_use_case(dir: &Path) -> Option<PathBuf> {
    let mut entries: Vec<_> = std::fs::read_dir(dir).ok()?.filter_map(Result::ok).collect();
    entries.sort_by_key(|e| e.file_name());
    for e in entries {
        let path = e.path();
        if path.is_dir() {
            if let Some(found) = first_use_case(&path) {
                return Some(found);
            }
        } else if path.extension().is_some_and(|x| x == "yaml") {
            return Some(path);
        }
    }
    None
}

fn run(args: &Args) -> Result<(), String> {
    let root = args
        .catalogue
        .canonicalize()
        .map_err(|e| format!("{}: {e}", args.catalogue.display()))?;
    let path = match &args.file {
        Some(rel) => root.join(rel),
        None => first_use_case(&root.join("use-cases")).ok_or("no use case in the catalogue")?,
    };
    let text = std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
    let uri = format!("file://{}", path.display()).replace(' ', "%20");
    let title = text
        .find("\ntitle: ")
        .ok_or("the use case has no top-level `title:`")?
        + 1;
    let line = text[..title].matches('\n').count();
    let line_end = text[title..].find('\n').map_or(text.len(), |i| title + i);
    let mut character = text[title..line_end].encode_utf16().count();

    let mut child = Command::new(&args.binary)
        .arg("lsp")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .map_err(|e| format!("cannot start {}: {e}", args.binary.display()))?;
    let mut stdin = child.stdin.take().expect("piped");
    let stdout = child.stdout.take().expect("piped");
    let (tx, inbox) = channel();
    std::thread::spawn(move || {
        let mut out = BufReader::new(stdout);
        while let Some(m) = read_message(&mut out) {
            if tx.send(m).is_err() {
                break;
            }
        }
    });

    send(
        &mut stdin,
        json!({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {"capabilities": {}}}),
    );
    wait(&inbox, |m| m["id"] == 1)?;
    send(
        &mut stdin,
        json!({"jsonrpc": "2.0", "method": "initialized", "params": {}}),
    );
    let start = Instant::now();
    send(
        &mut stdin,
        json!({"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": {
            "textDocument": {"uri": uri, "languageId": "yaml", "version": 1, "text": text}}}),
    );
    wait(&inbox, |m| is_published(m, &uri, 1))?;
    let open = start.elapsed();

    let typed = " (typed)";
    let mut times = Vec::with_capacity(args.edits);
    for i in 0..args.edits {
        let c = typed.chars().nth(i % typed.chars().count()).unwrap_or('x');
        let version = i as i64 + 2;
        let at = json!({"line": line, "character": character});
        let start = Instant::now();
        send(
            &mut stdin,
            json!({"jsonrpc": "2.0", "method": "textDocument/didChange", "params": {
                "textDocument": {"uri": uri, "version": version},
                "contentChanges": [{"range": {"start": at, "end": at}, "text": c.to_string()}]}}),
        );
        wait(&inbox, |m| is_published(m, &uri, version))?;
        times.push(start.elapsed());
        character += c.len_utf16();
    }
    send(
        &mut stdin,
        json!({"jsonrpc": "2.0", "id": 2, "method": "shutdown"}),
    );
    wait(&inbox, |m| m["id"] == 2)?;
    send(&mut stdin, json!({"jsonrpc": "2.0", "method": "exit"}));
    let status = child.wait().map_err(|e| e.to_string())?;

    times.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    let at = |q: f64| times[((times.len() - 1) as f64 * q).round() as usize];
    let rel = path.strip_prefix(&root).unwrap_or(&path).display();
    println!(
        "{} keystrokes in {rel}: keystroke to publishDiagnostics median {:.1} ms, p90 {:.1} ms, max {:.1} ms (first open {:.1} ms; server exit status {})",
        times.len(),
        ms(at(0.5)),
        ms(at(0.9)),
        ms(*times.last().ok_or("no edit made (--edits 0)")?),
        ms(open),
        status.code().unwrap_or(-1),
    );
    Ok(())
}

fn is_published(m: &Value, uri: &str, version: i64) -> bool {
    m["method"] == "textDocument/publishDiagnostics"
        && m["params"]["uri"] == uri
        && m["params"]["version"] == version
}

fn send(stdin: &mut ChildStdin, message: Value) {
    let body = message.to_string();
    let _ = write!(stdin, "Content-Length: {}\r\n\r\n{body}", body.len());
    let _ = stdin.flush();
}

fn wait(inbox: &Receiver<Value>, want: impl Fn(&Value) -> bool) -> Result<Value, String> {
    let end = Instant::now() + Duration::from_secs(60);
    loop {
        let left = end.saturating_duration_since(Instant::now());
        match inbox.recv_timeout(left) {
            Ok(m) if want(&m) => return Ok(m),
            Ok(_) => {}
            Err(_) => return Err("the server did not answer within 60 s".to_owned()),
        }
    }
}

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
            length = n.parse::<usize>().ok();
        }
    }
    let mut body = vec![0; length?];
    out.read_exact(&mut body).ok()?;
    serde_json::from_slice(&body).ok()
}
