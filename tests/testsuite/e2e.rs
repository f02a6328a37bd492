//! The handbook in a real browser: headless Chromium (Debian's `chromium` package) opens a built
//! handbook served from loopback and checks that a use case page shows its diagram, that its
//! viewer zooms, pans and goes full screen (at desktop and phone widths, with the draft banner),
//! that the search finds a use case by a word of its title, and that a hostile use case runs no
//! script.
//!
//! # How it works
//!
//! - A handbook is built from the base fixture, the hostile overlay (`tests/fixtures/handbook/hostile`,
//!   whose texts try `<script>`, `<img onerror>`, `javascript:` links, `{{ }}`) and an ordinary use
//!   case (`tests/fixtures/handbook/ordinary`, titled with the distinctive word [`WORD`]).
//! - [`Server`] serves that folder over HTTP/1.1 on `127.0.0.1:0` from a background thread: GET
//!   only, the right `Content-Type` with `nosniff`, nothing outside the folder. It stops when the
//!   test drops it, and logs every request so a test can tell a missing asset.
//! - No WebDriver: each test writes a *harness page* (test scaffolding, not part of the product)
//!   into the served folder and runs `chromium --headless --dump-dom --virtual-time-budget=…` on it.
//!   The harness `fetch()`es the page under test and loads it into a same-origin `iframe.srcdoc`,
//!   with two things inserted at the very start of its `<head>`: a *guard* script and a
//!   `<base href>` pointing at the page's real address, so its relative links, scripts, styles,
//!   pictures and search index load as usual.
//! - The guard runs before anything of the page. It replaces `alert`, `confirm`, `prompt` and
//!   `print` in the page's window with functions that record the call (kind, message, page) in the
//!   harness (`parent.__casebook.dialogs`) instead of showing a dialog; it records uncaught
//!   errors, failed loads of scripts, styles and pictures, unhandled rejections and
//!   `console.error` calls the same way. (It also makes `history.pushState`/`replaceState` swallow
//!   their `SecurityError`: an `about:srcdoc` document cannot take the `?search=` address mdBook's
//!   searcher sets, a limit of the harness, not of the handbook.) The harness page stubs its own
//!   dialogs as well, in case a page reaches for `parent.alert`.
//! - The scenario (JavaScript, per test) drives the page: waits are bounded polls on virtual time,
//!   never timing assertions. It ends by writing its outcome as percent-encoded JSON into
//!   `<pre id="result">`, which `--dump-dom` prints; the test decodes it and asserts in Rust.
//! - `harness_detects_a_dialog_and_a_title_change` proves the harness can fail: a page crafted to
//!   call `alert()`, `confirm()` and set `document.title` is caught by the same checks.
//!
//! Without Chromium the browser tests are ignored, with the reason, and counted as ignored in
//! `cargo test`'s summary: build.rs sets the cfg `no_chromium` when it finds no `chromium` on the
//! PATH or at `/usr/bin/chromium` and `CI` is not set, and every test that calls [`chromium`]
//! carries `#[cfg_attr(no_chromium, ignore = "...")]` (a test in `sweep.rs` holds every such
//! test to it). With `CI` set they run, and fail without Chromium, as `.ci/run` installs it. A
//! Chromium gone since the build is told on standard error, and the test returns.
//!
//! Other modules drive the same harness: [`Site::of`] serves any built handbook, and
//! [`Site::run_at`] opens the harness in a window of a given width (`open(path, width)` in a
//! scenario gives the page's frame that width too).

use crate::support::{copy_tree, fixtures};
use casebook::CheckOptions;
use casebook::handbook::{BuildOptions, build};
use casebook::model::Date;
use serde_json::Value;
use std::ffi::OsStr;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Component, Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// The distinctive word of the ordinary use case's title.
const WORD: &str = "kaleidoscope";
/// The ordinary use case's page.
const ORDINARY: &str = "use-cases/meter-reading-dispute.html";
/// The hostile use case's page.
const HOSTILE: &str = "use-cases/hostile.html";

/// The flags a headless Chromium needs on these machines (no sandbox as root, no GPU, and no
/// background connections to Google's hosts, which the closed network refuses).
const CHROMIUM_FLAGS: &[&str] = &[
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
];
/// The window's width in pixels when a test does not choose one (`--window-size`).
const WINDOW_WIDTH: u32 = 1400;
/// The window's height in pixels (`--window-size`).
const WINDOW_HEIGHT: u32 = 1000;
/// Virtual milliseconds Chromium gives the harness; every wait in the harness gives up well before.
const VIRTUAL_TIME_BUDGET: u32 = 60_000;
/// Real time after which a Chromium that did not exit is killed.
const CHROMIUM_DEADLINE: Duration = Duration::from_secs(90);

// ---------------------------------------------------------------------------------------------
// Chromium

/// Chromium, found on PATH or at `/usr/bin/chromium`; `None` (after saying so) when missing on a
/// developer's machine; a failure when missing on CI.
pub(crate) fn chromium() -> Option<PathBuf> {
    let found = find_chromium(
        std::env::var_os("PATH").as_deref(),
        Path::new("/usr/bin/chromium"),
    );
    if found.is_none() {
        no_chromium(std::env::var_os("CI").is_some());
    }
    found
}

/// The first executable `chromium` in the folders of `path`, else `fallback` if executable.
fn find_chromium(path: Option<&OsStr>, fallback: &Path) -> Option<PathBuf> {
    let on_path = path
        .map(|p| {
            std::env::split_paths(p)
                // An empty entry means the current folder: not a place to take a browser from.
                .filter(|d| !d.as_os_str().is_empty())
                .map(|d| d.join("chromium"))
                .collect::<Vec<_>>()
        })
        .unwrap_or_default();
    on_path
        .into_iter()
        .chain([fallback.to_owned()])
        .find(|p| executable(p))
}

#[cfg(unix)]
fn executable(path: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
}

#[cfg(not(unix))]
fn executable(path: &Path) -> bool {
    path.is_file()
}

/// What to do without Chromium: fail on CI, say the test was skipped elsewhere.
fn no_chromium(ci: bool) {
    assert!(
        !ci,
        "no chromium on PATH or at /usr/bin/chromium, and CI is set: .ci/run installs it (Debian's chromium package)"
    );
    eprintln!("skipped: no chromium (install Debian's chromium package)");
}

/// Runs Chromium on `url` in a window `width` pixels wide and returns the DOM it dumps.
fn dump_dom(chromium: &Path, url: &str, width: u32) -> String {
    let scratch = tempfile::tempdir().unwrap();
    let profile = scratch.path().join("profile");
    std::fs::create_dir(&profile).unwrap();
    let (out, err) = (scratch.path().join("stdout"), scratch.path().join("stderr"));
    let mut child = Command::new(chromium)
        .args(CHROMIUM_FLAGS)
        .arg(format!("--window-size={width},{WINDOW_HEIGHT}"))
        .arg(format!("--user-data-dir={}", profile.display()))
        .arg(format!("--virtual-time-budget={VIRTUAL_TIME_BUDGET}"))
        .arg("--dump-dom")
        .arg(url)
        .stdin(Stdio::null())
        .stdout(std::fs::File::create(&out).unwrap())
        .stderr(std::fs::File::create(&err).unwrap())
        .spawn()
        .expect("chromium starts");
    let start = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if start.elapsed() > CHROMIUM_DEADLINE {
            let _ = child.kill();
            let _ = child.wait();
            panic!(
                "chromium did not exit within {CHROMIUM_DEADLINE:?}\n{}",
                stderr_tail(&err)
            );
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    let dom = std::fs::read_to_string(&out).unwrap_or_default();
    assert!(
        status.success() && !dom.is_empty(),
        "chromium failed ({status}) on {url}\n{}",
        stderr_tail(&err)
    );
    dom
}

/// The end of Chromium's stderr, without the D-Bus noise of a machine with no session bus.
fn stderr_tail(path: &Path) -> String {
    let text = std::fs::read_to_string(path).unwrap_or_default();
    let lines: Vec<&str> = text.lines().filter(|l| !l.contains("dbus")).collect();
    lines[lines.len().saturating_sub(30)..].join("\n")
}

// ---------------------------------------------------------------------------------------------
// The handbook under test

/// A built handbook and its static server: by default the base fixture with the hostile and
/// ordinary overlays.
pub(crate) struct Site {
    _catalogue: tempfile::TempDir,
    _out: tempfile::TempDir,
    /// The handbook's folder.
    pub(crate) root: PathBuf,
    server: Server,
}

impl Site {
    /// The handbook of the catalogue in `catalogue`, built for `today`, served.
    pub(crate) fn of(catalogue: tempfile::TempDir, today: &str) -> Site {
        let today = Date::parse(today).unwrap();
        let checked = casebook::check(catalogue.path(), CheckOptions { today }).unwrap();
        let out = tempfile::tempdir().unwrap();
        let root = out.path().join("book");
        build(
            &checked,
            &BuildOptions {
                out: root.clone(),
                force: false,
                today,
                progress: false,
                templates: None,
            },
        )
        .unwrap();
        let server = Server::start(&root);
        Site {
            _catalogue: catalogue,
            _out: out,
            root,
            server,
        }
    }

    fn new() -> Site {
        Site::with_copies(0)
    }

    /// The same site with `copies` more use cases, copies of the ordinary one under other ids
    /// and titles (without its distinctive word): enough of them make the handbook's large form.
    fn with_copies(copies: usize) -> Site {
        let catalogue = tempfile::tempdir().unwrap();
        copy_tree(&fixtures().join("base"), catalogue.path());
        for overlay in ["handbook/hostile", "handbook/ordinary"] {
            copy_tree(&fixtures().join(overlay), catalogue.path());
        }
        let ordinary = std::fs::read_to_string(
            catalogue
                .path()
                .join("use-cases/billing/meter-reading-dispute.yaml"),
        )
        .unwrap();
        for k in 0..copies {
            let copy = ordinary
                .replace("id: meter-reading-dispute", &format!("id: copy-{k}"))
                .replace("a kaleidoscope of", &format!("copy {k} of"));
            std::fs::write(
                catalogue.path().join(format!("use-cases/billing/copy-{k}.yaml")),
                copy,
            )
            .unwrap();
        }
        let site = Site::of(catalogue, "2026-11-22");
        assert!(site.root.join(ORDINARY).is_file() && site.root.join(HOSTILE).is_file());
        site
    }

    /// Writes a harness page running `scenario` (the body of an async JavaScript function whose
    /// return value is the outcome), opens it in Chromium and returns the outcome. A scenario that
    /// throws fails the test with its message.
    fn run(&self, chromium: &Path, name: &str, scenario: &str) -> Outcome {
        self.run_at(chromium, name, scenario, WINDOW_WIDTH)
    }

    /// [`Site::run`] in a window `width` pixels wide.
    pub(crate) fn run_at(&self, chromium: &Path, name: &str, scenario: &str, width: u32) -> Outcome {
        let file = format!("__harness-{name}.html");
        let page = HARNESS
            .replace("/*SCENARIO*/", scenario)
            .replace("/*BUDGET*/", "200");
        std::fs::write(self.root.join(&file), page).unwrap();
        let dom = dump_dom(chromium, &self.server.url(&file), width);
        let start = dom
            .find(r#"<pre id="result">"#)
            .unwrap_or_else(|| panic!("the harness page has no result:\n{dom}"));
        let rest = &dom[start + r#"<pre id="result">"#.len()..];
        let text = &rest[..rest.find("</pre>").expect("the result ends")];
        assert!(
            text != "pending",
            "the harness did not finish within Chromium's virtual time budget"
        );
        let json = percent_decode(text).expect("the result is percent-encoded");
        let value: Value = serde_json::from_str(&json).unwrap_or_else(|e| panic!("{e}: {json}"));
        if let Some(error) = value.get("harness_error") {
            panic!(
                "the scenario failed: {}\n{}",
                error.as_str().unwrap_or_default(),
                serde_json::to_string_pretty(&value).unwrap()
            );
        }
        Outcome {
            value,
            requests: self.server.requests(),
        }
    }
}

/// What a harness run saw: the scenario's outcome (with `dialogs` and `errors`) and the requests
/// the server answered.
pub(crate) struct Outcome {
    value: Value,
    requests: Vec<Request>,
}

impl Outcome {
    pub(crate) fn get(&self, key: &str) -> &Value {
        &self.value[key]
    }

    /// The whole outcome, for failure messages.
    pub(crate) fn dump(&self) -> String {
        serde_json::to_string_pretty(&self.value).unwrap()
    }

    /// Everything that went wrong that no page should ever do: dialogs, script errors, failed
    /// loads, and requests the server could not answer.
    pub(crate) fn problems(&self) -> Vec<String> {
        let mut out = Vec::new();
        for d in self.get("dialogs").as_array().into_iter().flatten() {
            out.push(format!(
                "{} opened a dialog: {}({:?})",
                d["page"].as_str().unwrap_or("?"),
                d["kind"].as_str().unwrap_or("?"),
                d["message"].as_str().unwrap_or_default()
            ));
        }
        for e in self.get("errors").as_array().into_iter().flatten() {
            out.push(format!(
                "{}: {}",
                e["page"].as_str().unwrap_or("?"),
                e["error"].as_str().unwrap_or("?")
            ));
        }
        for r in self.requests.iter().filter(|r| r.status != 200) {
            out.push(format!("the server answered {} to GET {}", r.status, r.target));
        }
        out
    }
}

/// What must hold of a page that runs no script: no problem at all, and its title as the server
/// wrote it. Returns what is wrong.
fn runs_no_script(outcome: &Outcome, page: &Value) -> Vec<String> {
    let mut wrong = outcome.problems();
    if page["title"] != page["servedTitle"] {
        wrong.push(format!(
            "{} changed its title from {} to {}",
            page["page"], page["servedTitle"], page["title"]
        ));
    }
    for key in ["scripts", "handlers", "javascriptLinks", "frames"] {
        if page[key] != 0 {
            wrong.push(format!("{} has {} {key} in its content", page["page"], page[key]));
        }
    }
    wrong
}

// ---------------------------------------------------------------------------------------------
// The harness page

/// The harness page. `/*SCENARIO*/` becomes the body of `async function scenario()`.
const HARNESS: &str = r#"<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<link rel="icon" href="data:,">
<title>casebook e2e harness</title>
</head>
<body>
<pre id="result">pending</pre>
<script>
'use strict';
// The record every page under test writes into.
const casebook = { dialogs: [], errors: [] };
window.__casebook = casebook;
for (const kind of ['alert', 'confirm', 'prompt', 'print']) {
  window[kind] = (message) => {
    casebook.dialogs.push({ kind, message: String(message), page: '(harness)' });
    return kind === 'confirm' ? false : null;
  };
}

// Inserted at the very start of the page's <head>: runs before anything of the page.
const guard = (page) => `<script>(function () {
  var record = parent.__casebook, page = ${JSON.stringify(page)};
  ['alert', 'confirm', 'prompt', 'print'].forEach(function (kind) {
    window[kind] = function (message) {
      record.dialogs.push({ kind: kind, message: String(message), page: page });
      return kind === 'confirm' ? false : null;
    };
  });
  var note = function (text) { record.errors.push({ page: page, error: text }); };
  window.addEventListener('error', function (e) {
    if (e.target === window) { note('uncaught: ' + e.message); }
    else { note('failed to load ' + (e.target.src || e.target.href || e.target.tagName)); }
  }, true);
  window.addEventListener('unhandledrejection', function (e) { note('unhandled rejection: ' + e.reason); });
  var consoleError = console.error;
  console.error = function () {
    note('console.error: ' + Array.prototype.map.call(arguments, String).join(' '));
    return consoleError.apply(console, arguments);
  };
  ['pushState', 'replaceState'].forEach(function (name) {
    var original = history[name];
    history[name] = function () {
      try { return original.apply(history, arguments); } catch (e) { /* about:srcdoc */ }
    };
  });
})();<\/script>`;

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

// Polls `predicate` every 50 ms (virtual time) until it returns something truthy; gives up
// after /*BUDGET*/ polls with an error naming `what`.
async function until(what, predicate) {
  for (let i = 0; i < /*BUDGET*/; i++) {
    const value = predicate();
    if (value) return value;
    await sleep(50);
  }
  throw new Error('gave up waiting for ' + what);
}

// Opens `path` (relative to the handbook's root) in a guarded same-origin iframe `width` pixels
// wide (1280 when not given); resolves once it has loaded.
async function open(path, width) {
  const response = await fetch(path);
  if (!response.ok) throw new Error(path + ': HTTP ' + response.status);
  const html = await response.text();
  const served = new DOMParser().parseFromString(html, 'text/html');
  const head = /<head(\s[^>]*)?>/i;
  if (!head.test(html)) throw new Error(path + ' has no <head>');
  const base = new URL(path, location.href).href;
  const frame = document.createElement('iframe');
  frame.style.width = (width || 1280) + 'px';
  frame.style.border = '0';
  frame.style.height = '900px';
  const loaded = new Promise((resolve) => frame.addEventListener('load', resolve, { once: true }));
  frame.srcdoc = html.replace(head, (tag) => tag + guard(path) + '<base href="' + base + '">');
  document.body.appendChild(frame);
  await loaded;
  return { path, frame, win: frame.contentWindow, doc: frame.contentDocument, servedTitle: served.title };
}

// What a page holds that could run: scripts, event handler attributes, javascript: links and
// frames inside its content (mdBook's own scripts are outside <main>).
function inert(page) {
  const main = page.doc.querySelector('main') || page.doc.body;
  const all = [...main.querySelectorAll('*')];
  return {
    page: page.path,
    title: page.doc.title,
    servedTitle: page.servedTitle,
    scripts: main.querySelectorAll('script').length,
    handlers: all.filter((e) => [...e.attributes].some((a) => a.name.toLowerCase().startsWith('on'))).length,
    javascriptLinks: all.filter((e) => /^\s*javascript:/i.test(e.getAttribute('href') || '')).length,
    frames: main.querySelectorAll('iframe, object, embed').length,
  };
}

// Opens the search of `page`, types `word` and resolves with the result list once it shows.
async function search(page, word) {
  const bar = page.doc.getElementById('mdbook-searchbar');
  const outer = page.doc.getElementById('mdbook-searchbar-outer');
  const results = page.doc.getElementById('mdbook-searchresults');
  const header = page.doc.getElementById('mdbook-searchresults-header');
  if (page.doc.getElementById('mdbook-search-wrapper').classList.contains('hidden')) {
    page.doc.getElementById('mdbook-search-toggle').click();
  }
  // The toggle loads the search index; the searcher clears `searching` once it is ready.
  await until('the search index', () => page.doc.getElementById('mdbook-search-index') && !outer.classList.contains('searching'));
  bar.value = word;
  bar.dispatchEvent(new KeyboardEvent('keyup', { key: word.slice(-1), bubbles: true }));
  await until('the results for ' + word, () => header.textContent.includes(word));
  return results;
}

async function scenario() {
/*SCENARIO*/
}

(async () => {
  let outcome;
  try {
    outcome = await scenario();
  } catch (e) {
    outcome = { harness_error: String((e && e.stack) || e) };
  }
  outcome.dialogs = casebook.dialogs;
  outcome.errors = casebook.errors;
  document.getElementById('result').textContent = encodeURIComponent(JSON.stringify(outcome));
  for (const frame of document.querySelectorAll('iframe')) frame.remove();
})();
</script>
</body>
</html>
"#;

// ---------------------------------------------------------------------------------------------
// The tests

#[test]
#[cfg_attr(
    no_chromium,
    ignore = "no chromium on PATH or at /usr/bin/chromium: install Debian's chromium package"
)]
fn a_use_case_page_shows_its_diagram() {
    let Some(chromium) = chromium() else { return };
    let site = Site::new();
    let outcome = site.run(
        &chromium,
        "diagram",
        &format!(
            r#"
  const page = await open('{ORDINARY}');
  const svg = await until('the diagram', () => page.doc.querySelector('.casebook-viewer-pane > svg'));
  const box = svg.getBoundingClientRect();
  return {{ width: box.width, height: box.height, boxes: svg.querySelectorAll('.cb-step').length }};
"#
        ),
    );
    let v = |k: &str| outcome.get(k).as_f64().unwrap_or(0.0);
    assert!(
        v("width") > 0.0 && v("height") > 0.0 && v("boxes") == 5.0,
        "the diagram takes no room on the page: {}",
        outcome.dump()
    );
    let problems = outcome.problems();
    assert!(problems.is_empty(), "{problems:#?}");
}

/// The scenario's helpers for the diagram viewer: its frame, pane and SVG, the zoom it tells
/// (`data-scale`) and the SVG's displayed width.
const VIEWER: &str = r#"
  const viewer = (page) => {
    const frame = page.doc.querySelector('.casebook-viewer');
    const pane = frame.querySelector('.casebook-viewer-pane');
    const svg = pane.querySelector('svg');
    return { frame, pane, svg, scale: () => Number(frame.getAttribute('data-scale')),
             width: () => svg.getBoundingClientRect().width,
             button: (what) => frame.querySelector('button[data-zoom="' + what + '"]') };
  };
"#;

#[test]
#[cfg_attr(
    no_chromium,
    ignore = "no chromium on PATH or at /usr/bin/chromium: install Debian's chromium package"
)]
fn the_diagram_viewer_zooms_pans_and_goes_full_screen() {
    let Some(chromium) = chromium() else { return };
    let site = Site::new();
    let outcome = site.run(
        &chromium,
        "viewer",
        &format!(
            r##"{VIEWER}
  const page = await open('{ORDINARY}');
  const v = viewer(page);
  await until('the viewer to start', () => v.frame.getAttribute('data-scale'));
  const natural = v.svg.viewBox.baseVal.width;
  const out = {{ toolsShown: !v.frame.querySelector('.casebook-viewer-tools').hidden,
                 start: v.scale(), startWidth: v.width(), natural }};
  v.button('in').click();
  out.afterIn = v.scale(); out.afterInWidth = v.width();
  const r = v.pane.getBoundingClientRect();
  v.pane.dispatchEvent(new page.win.WheelEvent('wheel', {{ deltaY: -200, ctrlKey: true, bubbles: true, cancelable: true,
                                                          clientX: r.left + 100, clientY: r.top + 100 }}));
  out.afterWheel = v.scale();
  v.pane.dispatchEvent(new page.win.WheelEvent('wheel', {{ deltaY: 200, bubbles: true, cancelable: true }}));
  out.afterPlainWheel = v.scale();
  const key = (k) => v.pane.dispatchEvent(new page.win.KeyboardEvent('keydown', {{ key: k, bubbles: true, cancelable: true }}));
  key('-'); out.afterMinus = v.scale();
  key('0'); out.afterZero = v.scale();
  // Zoomed in far enough to have somewhere to pan to.
  for (let i = 0; i < 4; i++) v.button('in').click();
  v.pane.scrollLeft = 0;
  key('ArrowRight'); out.afterArrow = v.pane.scrollLeft;
  // A drag with the mouse pans.
  const pointer = (type, x) => v.pane.dispatchEvent(new page.win.PointerEvent(type, {{ pointerType: 'mouse', pointerId: 1,
      button: 0, buttons: 1, clientX: x, clientY: r.top + 50, bubbles: true }}));
  const before = v.pane.scrollLeft;
  pointer('pointerdown', r.left + 200); pointer('pointermove', r.left + 150); pointer('pointermove', r.left + 100); pointer('pointerup', r.left + 100);
  out.dragged = v.pane.scrollLeft - before;
  // Two fingers pinch apart: zoom in.
  {{
    const touch = (id, x) => new page.win.Touch({{ identifier: id, target: v.pane, clientX: x, clientY: r.top + 80 }});
    const fire = (type, touches) => v.pane.dispatchEvent(new page.win.TouchEvent(type, {{ touches, changedTouches: touches, bubbles: true, cancelable: true }}));
    const pinchStart = v.scale();
    fire('touchstart', [touch(1, r.left + 150), touch(2, r.left + 250)]);
    fire('touchmove', [touch(1, r.left + 100), touch(2, r.left + 300)]);
    fire('touchend', []);
    out.pinch = v.scale() / pinchStart;
  }}
  // Full screen: the frame covers the window; Escape leaves.
  v.button('full').click();
  await sleep(100);
  const full = v.frame.getBoundingClientRect();
  out.full = {{ cls: v.frame.classList.contains('casebook-viewer-full'), width: full.width, height: full.height,
               winWidth: page.win.innerWidth, winHeight: page.win.innerHeight, label: v.button('full').textContent }};
  key('Escape');
  out.afterEscape = v.frame.classList.contains('casebook-viewer-full');
  // A box links to its step in the numbered list.
  const link = v.svg.querySelector('a[href="#step-correct"]');
  const items = [...page.doc.querySelectorAll('main ol > li')];
  out.link = {{ number: link && link.querySelector('.cb-number').textContent,
               item: items.findIndex((li) => li.querySelector(':scope > a#step-correct')) + 1 }};
  return out;
"##
        ),
    );
    let num = |k: &str| outcome.get(k).as_f64().unwrap_or(f64::NAN);
    let dump = outcome.dump();
    assert_eq!(outcome.get("toolsShown"), true, "{dump}");
    assert!(
        num("start") >= 11.0 / 12.0 - 0.001 && num("start") <= 1.0,
        "legible start: {dump}"
    );
    assert!(
        (num("startWidth") - num("natural") * num("start")).abs() < 2.0,
        "the zoom is the SVG's size: {dump}"
    );
    assert!(
        num("afterIn") > num("start") && num("afterInWidth") > num("startWidth"),
        "+ zooms in: {dump}"
    );
    assert!(
        num("afterWheel") > num("afterIn"),
        "Ctrl + wheel zooms in: {dump}"
    );
    assert_eq!(
        num("afterPlainWheel"),
        num("afterWheel"),
        "a plain wheel scrolls, it does not zoom: {dump}"
    );
    assert!(num("afterMinus") < num("afterWheel"), "- zooms out: {dump}");
    assert_eq!(num("afterZero"), num("start"), "0 goes back: {dump}");
    assert!(num("afterArrow") > 0.0, "the right arrow pans: {dump}");
    assert!(num("dragged") >= 99.0, "a drag pans: {dump}");
    assert!(num("pinch") > 1.5, "spreading two fingers zooms in: {dump}");
    let full = outcome.get("full");
    assert_eq!(full["cls"], true, "{dump}");
    assert_eq!(
        full["width"], full["winWidth"],
        "full screen covers the window: {dump}"
    );
    assert_eq!(
        full["height"], full["winHeight"],
        "full screen covers the window: {dump}"
    );
    assert_eq!(full["label"], "Exit full screen", "{dump}");
    assert_eq!(
        outcome.get("afterEscape"),
        false,
        "Escape leaves full screen: {dump}"
    );
    assert_eq!(outcome.get("link")["number"], "3", "{dump}");
    assert_eq!(
        outcome.get("link")["item"],
        3,
        "the box numbered 3 leads to step 3: {dump}"
    );
    let problems = outcome.problems();
    assert!(problems.is_empty(), "{problems:#?}");
}

#[test]
#[cfg_attr(
    no_chromium,
    ignore = "no chromium on PATH or at /usr/bin/chromium: install Debian's chromium package"
)]
fn on_a_phone_the_diagram_fills_the_width_at_a_readable_zoom_and_a_draft_says_so() {
    let Some(chromium) = chromium() else { return };
    let site = Site::new();
    let outcome = site.run(
        &chromium,
        "phone",
        &format!(
            r#"{VIEWER}
  // Opened 400 px wide, as a phone would (mdBook decides on its sidebar as the page loads).
  const opened = await open('{ORDINARY}');
  const html = opened.frame.srcdoc;
  opened.frame.remove();
  const frameEl = document.createElement('iframe');
  frameEl.style.width = '400px';
  frameEl.style.height = '800px';
  const loaded = new Promise((resolve) => frameEl.addEventListener('load', resolve, {{ once: true }}));
  frameEl.srcdoc = html;
  document.body.appendChild(frameEl);
  await loaded;
  const page = {{ path: opened.path, frame: frameEl, win: frameEl.contentWindow, doc: frameEl.contentDocument }};
  const v = viewer(page);
  await until('the viewer to start', () => v.frame.getAttribute('data-scale'));
  await sleep(200);
  const frame = v.frame.getBoundingClientRect();
  const banner = page.doc.querySelector('.casebook-banner.casebook-banner-draft');
  const b = banner && banner.getBoundingClientRect();
  return {{ frameLeft: frame.left, frameWidth: frame.width, client: page.doc.documentElement.clientWidth,
           scroll: page.doc.documentElement.scrollWidth, scale: v.scale(),
           pans: v.pane.scrollWidth > v.pane.clientWidth,
           banner: b && {{ top: b.top, height: b.height, text: banner.textContent.trim(),
                          aboveDiagram: b.bottom < frame.top }} }};
"#
        ),
    );
    let num = |k: &str| outcome.get(k).as_f64().unwrap_or(f64::NAN);
    let dump = outcome.dump();
    assert!(
        num("frameLeft").abs() < 1.0 && (num("frameWidth") - num("client")).abs() < 1.0,
        "the viewer fills the phone's width: {dump}"
    );
    assert!(
        num("scroll") <= num("client"),
        "nothing overflows the page: {dump}"
    );
    assert!(
        num("scale") >= 11.0 / 12.0 - 0.001,
        "a readable zoom, not a thumbnail: {dump}"
    );
    assert_eq!(
        outcome.get("pans"),
        true,
        "the rest of the diagram is a pan away: {dump}"
    );
    let banner = outcome.get("banner");
    assert!(
        banner["height"].as_f64().unwrap_or(0.0) > 20.0,
        "the draft banner shows: {dump}"
    );
    assert_eq!(banner["aboveDiagram"], true, "{dump}");
    assert!(
        banner["text"].as_str().unwrap_or_default().starts_with("Draft."),
        "{dump}"
    );
    let problems = outcome.problems();
    assert!(problems.is_empty(), "{problems:#?}");
}

#[test]
#[cfg_attr(
    no_chromium,
    ignore = "no chromium on PATH or at /usr/bin/chromium: install Debian's chromium package"
)]
fn without_javascript_the_diagram_shows_at_full_size_and_scrolls() {
    let Some(chromium) = chromium() else { return };
    let site = Site::new();
    let outcome = site.run(
        &chromium,
        "no-script",
        &format!(
            r#"
  // The page in a frame that may not run script (sandbox without allow-scripts).
  const html = await (await fetch('{ORDINARY}')).text();
  const frame = document.createElement('iframe');
  frame.sandbox = 'allow-same-origin';
  frame.style.width = '800px';
  frame.style.height = '900px';
  const loaded = new Promise((resolve) => frame.addEventListener('load', resolve, {{ once: true }}));
  const base = new URL('{ORDINARY}', location.href).href;
  frame.srcdoc = html.replace(/<head(\s[^>]*)?>/i, (tag) => tag + '<base href="' + base + '">');
  document.body.appendChild(frame);
  await loaded;
  await sleep(200);
  const doc = frame.contentDocument;
  const viewer = doc.querySelector('.casebook-viewer');
  const pane = viewer.querySelector('.casebook-viewer-pane');
  const svg = pane.querySelector('svg');
  const tools = viewer.querySelector('.casebook-viewer-tools');
  return {{ ran: viewer.hasAttribute('data-scale'), toolsShown: tools.getBoundingClientRect().height > 0,
           width: svg.getBoundingClientRect().width, natural: svg.viewBox.baseVal.width,
           scrolls: pane.scrollWidth > pane.clientWidth && getComputedStyle(pane).overflowX === 'auto',
           docScroll: doc.documentElement.scrollWidth, docClient: doc.documentElement.clientWidth }};
"#
        ),
    );
    let dump = outcome.dump();
    assert_eq!(outcome.get("ran"), false, "the frame ran no script: {dump}");
    assert_eq!(
        outcome.get("toolsShown"),
        false,
        "buttons that cannot work are hidden: {dump}"
    );
    assert_eq!(outcome.get("width"), outcome.get("natural"), "full size: {dump}");
    assert_eq!(outcome.get("scrolls"), true, "the frame scrolls: {dump}");
    assert!(
        outcome.get("docScroll").as_f64() <= outcome.get("docClient").as_f64(),
        "the page itself does not: {dump}"
    );
}

#[test]
#[cfg_attr(
    no_chromium,
    ignore = "no chromium on PATH or at /usr/bin/chromium: install Debian's chromium package"
)]
fn search_finds_a_use_case_by_a_word_of_its_title_and_shows_hostile_titles_as_text() {
    let Some(chromium) = chromium() else { return };
    search_finds_the_ordinary_and_the_hostile_use_case(&chromium, &Site::new());
}

/// The same search in the large form of the handbook (casebook's sharded index and script in
/// place of mdBook's): each search loads the manifest, the shards of its words and the docs
/// files of its results, each a small file.
#[test]
#[cfg_attr(
    no_chromium,
    ignore = "no chromium on PATH or at /usr/bin/chromium: install Debian's chromium package"
)]
fn the_search_of_a_large_handbook_finds_a_use_case_by_a_word_of_its_title_and_shows_hostile_titles_as_text() {
    let Some(chromium) = chromium() else { return };
    let site = Site::with_copies(casebook::handbook::LARGE_ABOVE);
    assert!(site.root.join("search/index.js").is_file(), "the large form");
    let requests = search_finds_the_ordinary_and_the_hostile_use_case(&chromium, &site);
    let search: Vec<&str> = requests
        .iter()
        .filter(|r| r.target.contains("/search/"))
        .map(|r| r.target.as_str())
        .collect();
    assert!(
        search.iter().any(|t| t.ends_with("/search/index.js")),
        "{search:?}"
    );
    assert!(search.iter().any(|t| t.contains("/search/docs-")), "{search:?}");
    // "kaleidoscope" and "onerror": the shards of their first letters (or deeper), not all.
    let shards = search
        .iter()
        .filter(|t| !t.contains("docs-") && !t.ends_with("index.js"))
        .count();
    assert!((2..=10).contains(&shards), "{search:?}");
    for target in &search {
        let size = std::fs::metadata(site.root.join(target.trim_start_matches('/')))
            .unwrap()
            .len();
        assert!(size < 5 << 20, "{target}: {size} bytes");
    }
}

/// Searches `WORD` and `onerror` on the home page of `site`; returns the requests the server saw.
fn search_finds_the_ordinary_and_the_hostile_use_case(chromium: &Path, site: &Site) -> Vec<Request> {
    let outcome = site.run(
        chromium,
        "search",
        &format!(
            r#"
  const page = await open('index.html');
  const results = await search(page, '{WORD}');
  const links = [...results.querySelectorAll('a')].map((a) => new URL(a.href).pathname);
  // A word of the hostile title: its breadcrumbs (`<img src=x onerror=…>`) land in innerHTML.
  const hostile = await search(page, 'onerror');
  await sleep(1000);
  return {{ links, hostileLinks: [...hostile.querySelectorAll('a')].map((a) => new URL(a.href).pathname),
           hostileText: hostile.textContent, hostileImages: hostile.querySelectorAll('img, script, iframe, svg').length,
           page: inert(page) }};
"#
        ),
    );
    // First what matters most: nothing ran, not even while the hostile breadcrumbs were shown.
    let wrong = runs_no_script(&outcome, outcome.get("page"));
    assert!(wrong.is_empty(), "{wrong:#?}\n{}", outcome.dump());
    let paths = |key: &str| -> Vec<String> {
        outcome
            .get(key)
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|l| l.as_str().map(str::to_owned))
            .collect()
    };
    assert!(
        paths("links").contains(&format!("/{ORDINARY}")),
        "searching {WORD:?} does not lead to {ORDINARY}: {}",
        outcome.dump()
    );
    assert!(
        paths("hostileLinks").contains(&format!("/{HOSTILE}")),
        "searching `onerror` does not find the hostile use case: {}",
        outcome.dump()
    );
    let text = outcome.get("hostileText").as_str().unwrap_or_default();
    assert!(
        text.contains("<img src=x onerror=alert(2)>"),
        "the hostile breadcrumbs are shown as text: {text}"
    );
    assert_eq!(
        outcome.get("hostileImages"),
        0,
        "the results hold markup: {}",
        outcome.dump()
    );
    outcome.requests
}

/// The scenario of [`the_hostile_page_runs_no_script`], for any page.
fn no_script_scenario(page: &str) -> String {
    format!(
        r#"
  const page = await open('{page}');
  // Give timers, failing pictures and their onerror a chance to run.
  await sleep(1000);
  return {{ page: inert(page) }};
"#
    )
}

#[test]
#[cfg_attr(
    no_chromium,
    ignore = "no chromium on PATH or at /usr/bin/chromium: install Debian's chromium package"
)]
fn the_hostile_page_runs_no_script() {
    let Some(chromium) = chromium() else { return };
    let site = Site::new();
    let outcome = site.run(&chromium, "hostile", &no_script_scenario(HOSTILE));
    let page = outcome.get("page");
    let wrong = runs_no_script(&outcome, page);
    assert!(wrong.is_empty(), "{wrong:#?}\n{}", outcome.dump());
    assert!(
        page["servedTitle"]
            .as_str()
            .unwrap_or_default()
            .starts_with("<script>document.title="),
        "the hostile title is the page's title, as text: {}",
        outcome.dump()
    );
}

#[test]
#[cfg_attr(
    no_chromium,
    ignore = "no chromium on PATH or at /usr/bin/chromium: install Debian's chromium package"
)]
fn harness_detects_a_dialog_and_a_title_change() {
    let Some(chromium) = chromium() else { return };
    let site = Site::new();
    std::fs::write(
        site.root.join("__evil.html"),
        r#"<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>Before</title></head>
<body><main><p>A page that runs script.</p>
<img src="data:," onerror="confirm('from onerror')">
<a href="javascript:void 0">link</a>
<script>alert('from a script'); setTimeout(function () { document.title = 'pwned'; }, 100);</script>
</main></body></html>
"#,
    )
    .unwrap();
    let outcome = site.run(&chromium, "evil", &no_script_scenario("__evil.html"));
    let wrong = runs_no_script(&outcome, outcome.get("page"));
    let all = wrong.join("\n");
    for expected in [
        r#"__evil.html opened a dialog: alert("from a script")"#,
        r#"__evil.html opened a dialog: confirm("from onerror")"#,
        r#"changed its title from "Before" to "pwned""#,
        "has 1 scripts",
        "has 1 handlers",
        "has 1 javascriptLinks",
    ] {
        assert!(
            all.contains(expected),
            "the harness missed `{expected}`:\n{all}\n{}",
            outcome.dump()
        );
    }
}

#[test]
fn the_static_server_answers_get_only_and_nothing_outside_its_folder() {
    let site = Site::new();
    let get = |request: &str| -> (u16, String) {
        let mut stream = TcpStream::connect(site.server.addr).unwrap();
        stream.write_all(request.as_bytes()).unwrap();
        let mut response = String::new();
        let _ = stream.read_to_string(&mut response);
        let status = response
            .split(' ')
            .nth(1)
            .and_then(|s| s.parse().ok())
            .unwrap_or(0);
        (status, response)
    };
    std::fs::write(
        site.root.join("__picture.svg"),
        "<svg xmlns=\"http://www.w3.org/2000/svg\"/>",
    )
    .unwrap();
    let (status, response) = get("GET /__picture.svg HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    assert_eq!(status, 200, "{response}");
    assert!(response.contains("Content-Type: image/svg+xml\r\n"), "{response}");
    let (status, response) = get("GET /?q=1 HTTP/1.0\r\n\r\n");
    assert_eq!(status, 200);
    assert!(response.contains("Content-Type: text/html; charset=utf-8\r\n"));
    for target in [
        "/../Cargo.toml",
        "/%2e%2e/Cargo.toml",
        "/use-cases/..%2f..%2fCargo.toml",
        "/..\\Cargo.toml",
        "//etc/passwd",
        "/%00",
        "relative.html",
    ] {
        let (status, response) = get(&format!("GET {target} HTTP/1.1\r\n\r\n"));
        assert!(
            status == 400 || status == 403 || status == 404,
            "{target}: {response}"
        );
    }
    assert_eq!(get("POST /index.html HTTP/1.1\r\n\r\n").0, 405);
    assert_eq!(get("nonsense\r\n\r\n").0, 400);
}

#[test]
fn chromium_is_looked_for_on_path_then_at_its_debian_place() {
    let dir = tempfile::tempdir().unwrap();
    let (bin, other) = (dir.path().join("bin"), dir.path().join("other"));
    std::fs::create_dir_all(&bin).unwrap();
    std::fs::create_dir_all(&other).unwrap();
    let fallback = dir.path().join("usr-bin-chromium");
    let path = std::env::join_paths([&other, &bin]).unwrap();
    assert_eq!(find_chromium(Some(&path), &fallback), None, "nothing there");
    std::fs::write(bin.join("chromium"), "#!/bin/sh\n").unwrap();
    #[cfg(unix)]
    {
        assert_eq!(find_chromium(Some(&path), &fallback), None, "not executable");
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(bin.join("chromium"), std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    assert_eq!(find_chromium(Some(&path), &fallback), Some(bin.join("chromium")));
    std::fs::copy(bin.join("chromium"), &fallback).unwrap();
    assert_eq!(find_chromium(None, &fallback), Some(fallback.clone()));
    assert_eq!(find_chromium(Some(OsStr::new("")), &fallback), Some(fallback));
}

#[test]
fn without_chromium_a_developer_is_told_the_test_was_skipped() {
    no_chromium(false);
}

#[test]
#[should_panic(expected = ".ci/run installs it")]
fn without_chromium_ci_fails() {
    no_chromium(true);
}

// ---------------------------------------------------------------------------------------------
// The static server

/// A request the server answered.
#[derive(Debug, Clone)]
struct Request {
    target: String,
    status: u16,
}

/// A static HTTP/1.1 server for one folder on `127.0.0.1`, stopped when dropped.
struct Server {
    addr: SocketAddr,
    stop: Arc<AtomicBool>,
    log: Arc<Mutex<Vec<Request>>>,
    thread: Option<JoinHandle<()>>,
}

impl Server {
    fn start(root: &Path) -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        let root = root.canonicalize().unwrap();
        let stop = Arc::new(AtomicBool::new(false));
        let log = Arc::new(Mutex::new(Vec::new()));
        let thread = {
            let (stop, log) = (stop.clone(), log.clone());
            std::thread::spawn(move || {
                for stream in listener.incoming() {
                    if stop.load(Ordering::SeqCst) {
                        break;
                    }
                    let Ok(stream) = stream else { continue };
                    let (root, log) = (root.clone(), log.clone());
                    // One thread a connection: Chromium opens several at once, some idle.
                    std::thread::spawn(move || serve(stream, &root, &log));
                }
            })
        };
        Server {
            addr,
            stop,
            log,
            thread: Some(thread),
        }
    }

    fn url(&self, path: &str) -> String {
        format!("http://{}/{path}", self.addr)
    }

    fn requests(&self) -> Vec<Request> {
        self.log.lock().unwrap().clone()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        // Wake the accepting thread so it sees `stop`.
        let _ = TcpStream::connect(self.addr);
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// Answers the requests of one connection (keep-alive) until the client closes it or goes quiet.
fn serve(stream: TcpStream, root: &Path, log: &Mutex<Vec<Request>>) {
    let _ = stream.set_read_timeout(Some(Duration::from_secs(5)));
    let _ = stream.set_write_timeout(Some(Duration::from_secs(5)));
    let Ok(mut writer) = stream.try_clone() else {
        return;
    };
    let mut reader = BufReader::new(stream);
    loop {
        let mut head = Vec::new();
        // The request line and headers, at most 64 lines.
        for _ in 0..64 {
            let mut line = String::new();
            match (&mut reader).take(8192).read_line(&mut line) {
                Ok(0) | Err(_) => return,
                Ok(_) => {}
            }
            let end = line.trim_end().is_empty();
            head.push(line);
            if end {
                break;
            }
        }
        let request_line = head.first().map(|l| l.trim_end().to_owned()).unwrap_or_default();
        let parts: Vec<&str> = request_line.split(' ').collect();
        let (status, content_type, body) = match parts.as_slice() {
            [method, target, version] if version.starts_with("HTTP/1.") => {
                if *method != "GET" {
                    (405, "text/plain; charset=utf-8", b"GET only\n".to_vec())
                } else {
                    respond(root, target)
                }
            }
            _ => (400, "text/plain; charset=utf-8", b"bad request\n".to_vec()),
        };
        let target = parts.get(1).copied().unwrap_or_default().to_owned();
        log.lock().unwrap().push(Request { target, status });
        let reason = match status {
            200 => "OK",
            400 => "Bad Request",
            403 => "Forbidden",
            404 => "Not Found",
            _ => "Method Not Allowed",
        };
        let close_asked = version_is_1_0(&request_line)
            || head.iter().any(|h| {
                let h = h.to_ascii_lowercase();
                h.starts_with("connection:") && h.contains("close")
            });
        let keep_alive = status == 200 && !close_asked;
        let header = format!(
            "HTTP/1.1 {status} {reason}\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\nX-Content-Type-Options: nosniff\r\nCache-Control: no-store\r\nConnection: {}\r\n\r\n",
            body.len(),
            if keep_alive { "keep-alive" } else { "close" }
        );
        if writer.write_all(header.as_bytes()).is_err() || writer.write_all(&body).is_err() || !keep_alive {
            return;
        }
    }
}

/// Whether a request line asks for HTTP/1.0, whose connections close after one response.
fn version_is_1_0(request_line: &str) -> bool {
    request_line.ends_with(" HTTP/1.0")
}

/// The status, content type and body for a GET of `target`.
fn respond(root: &Path, target: &str) -> (u16, &'static str, Vec<u8>) {
    let not_found = (404, "text/plain; charset=utf-8", b"not found\n".to_vec());
    let forbidden = (403, "text/plain; charset=utf-8", b"forbidden\n".to_vec());
    let path = target.split(['?', '#']).next().unwrap_or_default();
    if !path.starts_with('/') {
        return (400, "text/plain; charset=utf-8", b"bad request\n".to_vec());
    }
    let Some(path) = percent_decode(path) else {
        return forbidden;
    };
    // Only plain names below the root: no `..`, no `.`, no backslash, no NUL, no absolute part.
    let mut file = root.to_owned();
    for segment in path.split('/').filter(|s| !s.is_empty()) {
        let plain = Path::new(segment).components().count() == 1
            && matches!(Path::new(segment).components().next(), Some(Component::Normal(_)));
        if !plain || segment.contains(['\\', '\0']) {
            return forbidden;
        }
        file.push(segment);
    }
    if path.ends_with('/') || file == root {
        file.push("index.html");
    }
    // Symbolic links must not lead out either.
    let Ok(real) = file.canonicalize() else {
        return not_found;
    };
    if !real.starts_with(root) {
        return forbidden;
    }
    if !real.is_file() {
        return not_found;
    }
    let content_type = match real.extension().and_then(|e| e.to_str()).unwrap_or_default() {
        "html" => "text/html; charset=utf-8",
        "js" => "text/javascript; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "json" => "application/json",
        "woff2" => "font/woff2",
        "woff" => "font/woff",
        "ttf" => "font/ttf",
        "ico" => "image/x-icon",
        "txt" => "text/plain; charset=utf-8",
        _ => "application/octet-stream",
    };
    match std::fs::read(&real) {
        Ok(body) => (200, content_type, body),
        Err(_) => not_found,
    }
}

/// `%XX` decoded (no `+`), as UTF-8; `None` when malformed.
fn percent_decode(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = std::str::from_utf8(bytes.get(i + 1..i + 3)?).ok()?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}
