//! The HTTP side of `casebook serve`: files of the served folder only, with their content
//! types; HTML pages get the live-reload script (and, while the catalogue has errors, a banner
//! listing them) added as they are sent, so nothing of it is ever written to disk or to a
//! `casebook build`.
//!
//! A request path is percent-decoded, then refused (400) if it has a `.` or `..` segment, a
//! backslash, a NUL or is not valid UTF-8; every part of the path is looked at without following
//! links, and only a regular file (or a folder's index.html) inside the served folder is sent;
//! anything else is the 404 page.
//!
//! Live reload: each page carries its own version (when its file last changed, when the style
//! sheets, scripts or table of contents changed, or when the errors changed). Its script asks
//! `/__casebook/wait?page=P&since=V`, which answers as soon as the page's version is no longer V
//! (or after 25 s), and reloads the page when it changed.

use super::rebuild::{Errors, Publish};
use crate::config::Language;
use crate::labels;
use std::collections::HashMap;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::{Condvar, Mutex};
use std::time::{Duration, Instant};

/// How long a `wait` request is held before it answers an unchanged version.
const WAIT: Duration = Duration::from_secs(25);

/// At most this many findings in the banner; the rest are counted.
const BANNER_LINES: usize = 50;

/// What the pages need to know of the rebuilds, shared between the rebuild thread and requests.
pub struct Shared {
    state: Mutex<State>,
    changed: Condvar,
}

#[derive(Default)]
struct State {
    generation: u64,
    /// When each page (a site path) last changed.
    pages: HashMap<String, u64>,
    /// When something every page uses (a style sheet, a script, the table of contents) changed.
    common: u64,
    errors: Option<Errors>,
    errors_changed: u64,
    language: Language,
    stopping: bool,
}

impl State {
    fn version(&self, page: &str) -> u64 {
        let own = self.pages.get(page).copied().unwrap_or(0);
        own.max(self.common).max(self.errors_changed)
    }
}

impl Default for Shared {
    fn default() -> Self {
        Shared {
            state: Mutex::new(State::default()),
            changed: Condvar::new(),
        }
    }
}

impl Shared {
    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Wakes every waiting request; they answer at once from now on.
    pub fn stop(&self) {
        self.lock().stopping = true;
        self.changed.notify_all();
    }

    /// The version of a page now.
    pub fn version(&self, page: &str) -> u64 {
        self.lock().version(page)
    }

    /// Waits until the page's version is not `since` (or [`WAIT`] passed); returns it.
    fn wait(&self, page: &str, since: u64) -> u64 {
        let deadline = Instant::now() + WAIT;
        let mut state = self.lock();
        loop {
            let v = state.version(page);
            let now = Instant::now();
            if v != since || state.stopping || now >= deadline {
                return v;
            }
            state = self
                .changed
                .wait_timeout(state, deadline - now)
                .unwrap_or_else(|e| e.into_inner())
                .0;
        }
    }
}

impl Publish for Shared {
    fn language(&self, language: Language) {
        self.lock().language = language;
    }

    fn publish(&self, changed: &[String], errors: Option<&Errors>) {
        let mut state = self.lock();
        let errors_differ = state.errors.as_ref() != errors;
        if changed.is_empty() && !errors_differ {
            return;
        }
        state.generation += 1;
        let g = state.generation;
        if errors_differ {
            state.errors = errors.cloned();
            state.errors_changed = g;
        }
        let mut pages = false;
        let mut common = false;
        let mut pictures = false;
        for rel in changed {
            if rel.ends_with(".html") {
                state.pages.insert(rel.clone(), g);
                pages = true;
            } else if rel.starts_with("searchindex") {
                // Read by the search box when it opens; no page shows it.
            } else if rel.ends_with(".css") || rel.ends_with(".js") {
                common = true;
            } else {
                pictures = true;
            }
        }
        // A picture changes with its page; alone (a diagram drawn differently), every page
        // reloads, as the one that shows it is not known here.
        if common || (pictures && !pages) {
            state.common = g;
        }
        drop(state);
        self.changed.notify_all();
    }
}

/// Where a request path leads.
#[derive(Debug, PartialEq, Eq)]
pub enum Resolved {
    /// A regular file: its path on disk and its path in the site (`/`-separated).
    File(PathBuf, String),
    /// Nothing there: the site path asked for.
    NotFound(String),
    /// Not a path casebook serves (`..`, a backslash, bad encoding).
    Bad,
}

/// Resolves a request target (path and query) in `site` without following any link.
pub fn resolve(site: &Path, target: &str) -> Resolved {
    let path = target.split(['?', '#']).next().unwrap_or("");
    if !path.starts_with('/') {
        return Resolved::Bad;
    }
    let Ok(decoded) = percent_encoding::percent_decode_str(path).decode_utf8() else {
        return Resolved::Bad;
    };
    if decoded.contains(['\\', '\0']) {
        return Resolved::Bad;
    }
    let mut parts = Vec::new();
    for segment in decoded.split('/') {
        match segment {
            "" => {}
            "." | ".." => return Resolved::Bad,
            s => parts.push(s),
        }
    }
    let mut rel = parts.join("/");
    let mut full = site.to_owned();
    for part in &parts {
        full.push(part);
        match full.symlink_metadata() {
            Ok(m) if !m.file_type().is_symlink() => {}
            _ => return Resolved::NotFound(rel),
        }
    }
    let Ok(meta) = full.symlink_metadata() else {
        return Resolved::NotFound(rel);
    };
    if meta.is_dir() {
        full.push("index.html");
        rel = if rel.is_empty() {
            "index.html".to_owned()
        } else {
            format!("{rel}/index.html")
        };
        match full.symlink_metadata() {
            Ok(m) if m.file_type().is_file() => {}
            _ => return Resolved::NotFound(rel),
        }
    } else if !meta.file_type().is_file() {
        return Resolved::NotFound(rel);
    }
    Resolved::File(full, rel)
}

/// The content type of a file, by its extension.
pub fn content_type(rel: &str) -> &'static str {
    let ext = rel
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default();
    match ext.as_str() {
        "html" | "htm" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "json" | "map" => "application/json",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "ico" => "image/x-icon",
        "webp" => "image/webp",
        "woff" => "font/woff",
        "woff2" => "font/woff2",
        "ttf" => "font/ttf",
        "otf" => "font/otf",
        "eot" => "application/vnd.ms-fontobject",
        "txt" | "md" => "text/plain; charset=utf-8",
        "xml" => "application/xml",
        _ => "application/octet-stream",
    }
}

/// A response: status, content type, body.
pub struct Reply {
    /// The HTTP status.
    pub status: u16,
    /// The Content-Type header.
    pub content_type: &'static str,
    /// The body.
    pub body: Vec<u8>,
}

/// Answers a GET (or HEAD) of `target` from `site`.
pub fn answer(site: &Path, shared: &Shared, target: &str) -> Reply {
    if let Some(query) = target.strip_prefix("/__casebook/wait?") {
        let (page, since) = page_query(query);
        let v = shared.wait(&page, since.unwrap_or(0));
        return text(200, v.to_string());
    }
    if let Some(query) = target.strip_prefix("/__casebook/version?") {
        let (page, _) = page_query(query);
        return text(200, shared.version(&page).to_string());
    }
    match resolve(site, target) {
        Resolved::Bad => text(400, "casebook serve: not a path in the handbook\n".to_owned()),
        Resolved::File(path, rel) => match read_file(&path) {
            Ok(bytes) if rel.ends_with(".html") => Reply {
                status: 200,
                content_type: content_type(&rel),
                body: inject(bytes, &rel, shared),
            },
            Ok(bytes) => Reply {
                status: 200,
                content_type: content_type(&rel),
                body: bytes,
            },
            Err(_) => own_page(shared, &rel, false),
        },
        Resolved::NotFound(rel) => {
            let built = site.join("index.html").is_file();
            own_page(shared, &rel, built)
        }
    }
}

fn read_file(path: &Path) -> std::io::Result<Vec<u8>> {
    let mut bytes = Vec::new();
    std::fs::File::open(path)?.read_to_end(&mut bytes)?;
    Ok(bytes)
}

fn text(status: u16, body: String) -> Reply {
    Reply {
        status,
        content_type: "text/plain; charset=utf-8",
        body: body.into_bytes(),
    }
}

/// `page=P&since=V` of a query string.
fn page_query(query: &str) -> (String, Option<u64>) {
    let mut page = String::new();
    let mut since = None;
    for pair in query.split('&') {
        let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
        let value = percent_encoding::percent_decode_str(value).decode_utf8_lossy();
        match key {
            "page" => page = value.into_owned(),
            "since" => since = value.parse().ok(),
            _ => {}
        }
    }
    (page, since)
}

/// A page casebook makes itself: 404 when the handbook is built, else "building" or the errors
/// (503), with the reload script, so it turns into the page once there is one.
fn own_page(shared: &Shared, rel: &str, built: bool) -> Reply {
    let (language, has_errors) = {
        let state = shared.lock();
        (state.language, state.errors.is_some())
    };
    let t = labels::table(language);
    let (status, message) = match (built, has_errors) {
        (true, _) => (404, t["serve_not_found"]),
        (false, true) => (503, t["serve_not_built"]),
        (false, false) => (503, t["serve_building"]),
    };
    let lang = match language {
        Language::En => "en",
        Language::Fr => "fr",
    };
    let page = format!(
        "<!DOCTYPE html>\n<html lang=\"{lang}\"><head><meta charset=\"utf-8\"><title>{title}</title></head>\n<body style=\"font-family: sans-serif; margin: 2em\"><h1>{title}</h1>\n<p>{message}</p>\n<p><a href=\"/\">{home}</a></p>\n</body></html>\n",
        title = escape(if status == 404 {
            t["serve_not_found_title"]
        } else {
            "casebook"
        }),
        message = escape(message),
        home = escape(t["home"]),
    );
    Reply {
        status,
        content_type: "text/html; charset=utf-8",
        body: inject(page.into_bytes(), rel, shared),
    }
}

/// Adds the reload script, and the errors banner while there are errors, before `</body>`.
fn inject(mut html: Vec<u8>, rel: &str, shared: &Shared) -> Vec<u8> {
    let (version, banner) = {
        let state = shared.lock();
        let banner = state.errors.as_ref().map(banner);
        (state.version(rel), banner)
    };
    // JSON in a script: `<` escaped so that no page name can close the element.
    let page = serde_json::to_string(rel)
        .unwrap_or_default()
        .replace('<', "\\u003c");
    let script = format!(
        "<script>/* casebook serve: live reload */(function(){{var page={page},v={version};\
function poll(){{fetch('/__casebook/wait?page='+encodeURIComponent(page)+'&since='+v,{{cache:'no-store'}})\
.then(function(r){{return r.text()}}).then(function(t){{if(t.trim()!==String(v)){{location.reload()}}else{{poll()}}}})\
.catch(function(){{setTimeout(poll,1000)}})}}poll()}})();</script>\n"
    );
    let addition = format!("{}{script}", banner.unwrap_or_default());
    let at = find_last(&html, b"</body>").unwrap_or(html.len());
    html.splice(at..at, addition.into_bytes());
    html
}

fn find_last(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).rposition(|w| w == needle)
}

/// The banner listing why the handbook shown is not the catalogue's current one.
fn banner(errors: &Errors) -> String {
    let t = labels::table(errors.language);
    let mut items = String::new();
    for line in errors.lines.iter().take(BANNER_LINES) {
        items.push_str("<li><code>");
        items.push_str(&escape(line));
        items.push_str("</code></li>");
    }
    if errors.lines.len() > BANNER_LINES {
        items.push_str(&format!(
            "<li>{} {} {}</li>",
            t["and_more_before"],
            errors.lines.len() - BANNER_LINES,
            t["and_more_after"]
        ));
    }
    format!(
        "<div id=\"casebook-serve-errors\" role=\"alert\" style=\"position:fixed;top:0;left:0;right:0;z-index:10000;max-height:50vh;overflow:auto;background:#fdecea;color:#611a15;border-bottom:3px solid #b3261e;padding:0.8em 1.2em;font:14px/1.4 sans-serif\"><strong>{}</strong><ul style=\"margin:0.4em 0 0 1.2em;padding:0\">{items}</ul></div>\n",
        escape(t["serve_errors"])
    )
}

fn escape(text: &str) -> String {
    crate::handbook::escape::html_escape(text)
}

/// True for a Host header naming this machine by its loopback address or `localhost`: a page of
/// another site whose name was made to resolve to 127.0.0.1 (DNS rebinding) cannot read the
/// handbook through the browser. No Host (HTTP/1.0) is local.
pub fn local_host(host: Option<&str>) -> bool {
    let Some(host) = host else { return true };
    let name = match host.rsplit_once(':') {
        Some((name, port)) if !port.is_empty() && port.bytes().all(|b| b.is_ascii_digit()) => name,
        _ => host,
    };
    matches!(
        name.to_ascii_lowercase().as_str(),
        "127.0.0.1" | "localhost" | "[::1]"
    )
}

/// Serves requests until the server is unblocked: one thread per request (a page's reload
/// script holds one open).
pub fn serve(server: &tiny_http::Server, site: &Path, shared: &std::sync::Arc<Shared>) {
    for request in server.incoming_requests() {
        let site = site.to_owned();
        let shared = shared.clone();
        std::thread::spawn(move || respond(request, &site, &shared));
    }
}

fn respond(request: tiny_http::Request, site: &Path, shared: &Shared) {
    let host = request
        .headers()
        .iter()
        .find(|h| h.field.equiv("Host"))
        .map(|h| h.value.as_str().to_owned());
    let reply = match request.method() {
        _ if !local_host(host.as_deref()) => text(
            403,
            "casebook serve: open it as 127.0.0.1 or localhost\n".to_owned(),
        ),
        tiny_http::Method::Get | tiny_http::Method::Head => answer(site, shared, request.url()),
        _ => text(405, "casebook serve: GET only\n".to_owned()),
    };
    let header = |name: &str, value: &str| {
        tiny_http::Header::from_bytes(name.as_bytes(), value.as_bytes()).expect("valid header")
    };
    let response = tiny_http::Response::from_data(reply.body)
        .with_status_code(reply.status)
        .with_header(header("Content-Type", reply.content_type))
        .with_header(header("Cache-Control", "no-store"))
        .with_header(header("X-Content-Type-Options", "nosniff"));
    let _ = request.respond(response);
}
