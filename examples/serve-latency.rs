//! How long `casebook serve` takes from saving one use case to serving the new page.
//!
//! ```sh
//! cargo build --release && cargo run --release --example serve-latency -- [CATALOGUE] [SAVES]
//! ```
//!
//! Copies CATALOGUE (default `catalogue`) into a temporary folder, starts the `casebook` binary
//! built beside this example (`serve --port 0`), and saves one use case SAVES times (default 20)
//! in each of two ways:
//!
//! - **step**: a step's title changes (the table of contents does not): the quick pass;
//! - **title**: the use case's title changes, so the table of contents (the sidebar, `toc.js`)
//!   and every page that lists it change: the quick pass renders the list of chapters with the
//!   unchanged ones emptied.
//!
//! For each save it measures, from the write of the file: *announced*, when the page's version
//! changes (`/__casebook/version`: what the reload script of an open page waits for), and
//! *served*, when a GET of the page returns the new text (for a title, and of the sidebar's
//! `toc.js` too, except in the large form, whose sidebar lists domains). Between saves it waits
//! for the search index (mdBook's, or in the large form casebook's sharded one) to have the new
//! text (the full pass is over), so saves do not overlap. Prints the median, minimum and maximum
//! of each, in milliseconds. With `SERVE_LOG=1` the server's own lines (the time of each phase of
//! each rebuild) are shown too.
//!
//! With `--chromium` (Debian's `chromium` on the PATH) it also measures *reloaded*: a headless
//! Chromium has the page open through a small proxy in this program, and the time is taken
//! when the reloaded page's script asks for its next version (`/__casebook/wait?...&since=`
//! with a new version): the page is loaded and its scripts run.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn main() {
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    let chromium = args.iter().any(|a| a == "--chromium");
    args.retain(|a| a != "--chromium");
    let source = PathBuf::from(args.first().map(String::as_str).unwrap_or("catalogue"));
    let saves: usize = args.get(1).and_then(|s| s.parse().ok()).unwrap_or(20);
    let exe = std::env::current_exe().expect("own path");
    let binary = exe
        .parent()
        .and_then(Path::parent)
        .map(|d| d.join("casebook"))
        .expect("target/<profile>/casebook");
    let work = tempfile::tempdir().expect("temporary folder");
    let cat = work.path().join("catalogue");
    copy_tree(&source, &cat);
    let (yaml, page) = pick_use_case(&cat);
    println!("catalogue {}, use case {}", source.display(), page);

    let mut child = Command::new(&binary)
        .args(["serve", "--port", "0", "--catalogue"])
        .arg(&cat)
        .stdout(Stdio::piped())
        .stderr(if std::env::var_os("SERVE_LOG").is_some() {
            Stdio::inherit()
        } else {
            Stdio::null()
        })
        .spawn()
        .unwrap_or_else(|e| panic!("cannot run {}: {e}", binary.display()));
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let port: u16 = line
        .trim()
        .trim_start_matches("http://127.0.0.1:")
        .trim_end_matches('/')
        .parse()
        .expect("the address");
    let path = format!("/{page}");
    wait_for(port, &path, |s, _| s == 200);
    // The large form's search is casebook's sharded index (`search/`), the small form's mdBook's.
    let large = get(port, "/search/index.js").0 == 200;
    // The browser, through the proxy that notes each reloaded page's first wait.
    let reloads = std::sync::Arc::new(std::sync::Mutex::new(Vec::<(Instant, String)>::new()));
    let browser = chromium.then(|| {
        let proxy = proxy(port, reloads.clone());
        let profile = work.path().join("chromium-profile");
        let browser = Command::new("chromium")
            .args([
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--disable-default-apps",
                "--remote-debugging-port=0",
            ])
            .arg(format!("--user-data-dir={}", profile.display()))
            .arg(format!("http://127.0.0.1:{proxy}{path}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("chromium on the PATH");
        let start = Instant::now();
        while reloads.lock().unwrap().is_empty() {
            assert!(
                start.elapsed() < Duration::from_secs(60),
                "chromium never opened the page"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
        browser
    });

    for (kind, pattern) in [("step", "\n    title: "), ("title", "\ntitle: ")] {
        let mut announced = Vec::new();
        let mut served = Vec::new();
        let mut reloaded = Vec::new();
        for i in 0..saves {
            let marker = format!("Mark{kind}{i}z");
            let text = std::fs::read_to_string(&yaml).unwrap();
            let at = text.find(pattern).expect("a title") + pattern.len();
            let end = at + text[at..].find('\n').unwrap();
            let old = &text[at..end];
            let base = old.split(" Mark").next().unwrap();
            let new_text = format!("{}{base} {marker}{}", &text[..at], &text[end..]);
            let version = get(port, &format!("/__casebook/version?page={page}")).1;
            let start = Instant::now();
            std::fs::write(&yaml, new_text).unwrap();
            let mut announced_at = None;
            let mut page_at = None;
            loop {
                if announced_at.is_none()
                    && get(port, &format!("/__casebook/version?page={page}")).1 != version
                {
                    announced_at = Some(start.elapsed());
                }
                if page_at.is_none() && get(port, &path).1.contains(&marker) {
                    page_at = Some(start.elapsed());
                }
                // A title is also in the sidebar: the page is served when both are.
                if let Some(at) = page_at
                    && (kind != "title" || large || get(port, "/toc.js").1.contains(&marker))
                {
                    served.push(if kind == "title" { start.elapsed() } else { at });
                    announced.push(announced_at.unwrap_or_else(|| start.elapsed()));
                    break;
                }
                assert!(start.elapsed() < Duration::from_secs(60), "save {i} never served");
                std::thread::sleep(Duration::from_millis(2));
            }
            if browser.is_some() {
                // The page file is written before its version is announced, so the version
                // read now may still be the old one: any wait for another version is the
                // reloaded page.
                let old = format!("since={}", version.trim());
                loop {
                    let seen = reloads
                        .lock()
                        .unwrap()
                        .iter()
                        .find(|(at, q)| *at > start && !q.ends_with(&old))
                        .map(|(at, _)| *at - start);
                    if let Some(d) = seen {
                        reloaded.push(d);
                        break;
                    }
                    assert!(
                        start.elapsed() < Duration::from_secs(60),
                        "save {i}: no reload seen after {old}: {:?}",
                        reloads.lock().unwrap().iter().map(|(_, q)| q).collect::<Vec<_>>()
                    );
                    std::thread::sleep(Duration::from_millis(2));
                }
            }
            let start_search = Instant::now();
            while !search_has(port, large, &marker) {
                assert!(
                    start_search.elapsed() < Duration::from_secs(120),
                    "the search never had {marker}"
                );
                std::thread::sleep(Duration::from_millis(20));
            }
            // The full pass announces its files once all are written.
            std::thread::sleep(Duration::from_millis(500));
        }
        println!(
            "{kind:>5}: announced median {} ms (min {}, max {}); served median {} ms (min {}, max {}); {saves} saves",
            ms(median(&mut announced)),
            ms(announced[0]),
            ms(*announced.last().unwrap()),
            ms(median(&mut served)),
            ms(served[0]),
            ms(*served.last().unwrap()),
        );
        if !reloaded.is_empty() {
            println!(
                "{kind:>5}: reloaded in Chromium median {} ms (min {}, max {})",
                ms(median(&mut reloaded)),
                ms(reloaded[0]),
                ms(*reloaded.last().unwrap()),
            );
        }
    }
    if let Some(mut browser) = browser {
        let _ = browser.kill();
        let _ = browser.wait();
    }
    let _ = Command::new("kill").arg(child.id().to_string()).status();
    let _ = child.wait();
}

/// A proxy on a free port to `casebook serve` on `port`: notes when each `/__casebook/wait`
/// request arrives, with its query. One connection per request (`Connection: close`).
fn proxy(port: u16, seen: std::sync::Arc<std::sync::Mutex<Vec<(Instant, String)>>>) -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let own = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        for client in listener.incoming().flatten() {
            let seen = seen.clone();
            std::thread::spawn(move || {
                let mut client = client;
                let mut head = Vec::new();
                let mut byte = [0u8];
                while !head.ends_with(b"\r\n\r\n") && client.read(&mut byte).unwrap_or(0) == 1 {
                    head.push(byte[0]);
                }
                let head = String::from_utf8_lossy(&head).into_owned();
                let target = head.split(' ').nth(1).unwrap_or("/").to_owned();
                if target.starts_with("/__casebook/wait") {
                    seen.lock().unwrap().push((Instant::now(), target.clone()));
                }
                let Ok(mut server) = TcpStream::connect(("127.0.0.1", port)) else {
                    return;
                };
                let _ = write!(
                    server,
                    "GET {target} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
                );
                let _ = std::io::copy(&mut server, &mut client);
            });
        }
    });
    own
}

/// The first use case file in sorted order with its page (`use-cases/ID.html`).
fn pick_use_case(cat: &Path) -> (PathBuf, String) {
    let mut files = Vec::new();
    let mut stack = vec![cat.join("use-cases")];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|x| x == "yaml") {
                files.push(p);
            }
        }
    }
    files.sort();
    let yaml = files.into_iter().next().expect("a use case");
    let text = std::fs::read_to_string(&yaml).unwrap();
    let id = text
        .lines()
        .find_map(|l| l.strip_prefix("id: "))
        .expect("an id")
        .trim()
        .to_owned();
    (yaml, format!("use-cases/{id}.html"))
}

fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let target = to.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            copy_tree(&e.path(), &target);
        } else {
            std::fs::copy(e.path(), &target).unwrap();
        }
    }
}

fn get(port: u16, target: &str) -> (u16, String) {
    let Ok(mut s) = TcpStream::connect(("127.0.0.1", port)) else {
        return (0, String::new());
    };
    let _ = write!(
        s,
        "GET {target} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
    );
    let mut raw = Vec::new();
    let _ = s.read_to_end(&mut raw);
    let raw = String::from_utf8_lossy(&raw).into_owned();
    let (head, body) = raw.split_once("\r\n\r\n").unwrap_or((&raw, ""));
    let status = head.split(' ').nth(1).and_then(|s| s.parse().ok()).unwrap_or(0);
    (status, body.to_owned())
}

/// True when the served search index has the word `marker`: mdBook's `searchindex.js`, or in
/// the large form the shard of casebook's index that holds its term (`handbook::shards`).
fn search_has(port: u16, large: bool, marker: &str) -> bool {
    if !large {
        return get(port, "/searchindex.js").1.contains(marker);
    }
    let manifest = get(port, "/search/index.js").1;
    let json = manifest
        .trim()
        .trim_start_matches("casebookSearch.index(")
        .trim_end_matches(");");
    let Ok(manifest) = serde_json::from_str::<serde_json::Value>(json) else {
        return false;
    };
    let term = marker.to_lowercase();
    let key = manifest["shards"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|k| k.as_str())
        .filter(|k| term.starts_with(k))
        .max_by_key(|k| k.len());
    key.is_some_and(|key| {
        let shard = format!("/search/{}.js", casebook::handbook::shards::hex(key));
        get(port, &shard).1.contains(&format!("\"{term}\""))
    })
}

fn wait_for(port: u16, target: &str, ok: impl Fn(u16, &str) -> bool) {
    let start = Instant::now();
    loop {
        let (status, body) = get(port, target);
        if ok(status, &body) {
            return;
        }
        assert!(start.elapsed() < Duration::from_secs(120), "{target} never ready");
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn median(v: &mut [Duration]) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn ms(d: Duration) -> u128 {
    d.as_millis()
}
