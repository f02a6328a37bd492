//! `casebook serve` as a process: it prints its address, serves the handbook over HTTP on
//! 127.0.0.1, rebuilds after a save, shows a broken catalogue's errors in the page and recovers,
//! serves nothing outside its folder, and stops on SIGTERM or SIGINT leaving nothing behind.

use crate::support::{copy_tree, fixtures};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// Generous: debug builds on a busy machine. A passing run takes a fraction of it.
const PATIENCE: Duration = Duration::from_secs(90);

const PAGE: &str = "/use-cases/hostile.html";
const YAML: &str = "use-cases/hostile/hostile.yaml";

struct Served {
    child: Child,
    port: u16,
    /// The TMPDIR of the process: its private folder is made there.
    tmp: tempfile::TempDir,
    cat: tempfile::TempDir,
}

impl Served {
    /// Starts `casebook serve --port 0` on a copy of the base fixture with one hostile use case.
    fn start() -> Served {
        let cat = tempfile::tempdir().unwrap();
        copy_tree(&fixtures().join("base"), cat.path());
        copy_tree(&fixtures().join("handbook/hostile"), cat.path());
        Served::start_in(cat)
    }

    fn start_in(cat: tempfile::TempDir) -> Served {
        Served::spawn(cat, None)
    }

    /// [`Served::start`] with `SERVE_LOG=1`: the lines of its standard error come through the
    /// channel returned.
    fn start_logged() -> (Served, std::sync::mpsc::Receiver<String>) {
        let cat = tempfile::tempdir().unwrap();
        copy_tree(&fixtures().join("base"), cat.path());
        copy_tree(&fixtures().join("handbook/hostile"), cat.path());
        let (send, lines) = std::sync::mpsc::channel();
        (Served::spawn(cat, Some(send)), lines)
    }

    fn spawn(cat: tempfile::TempDir, log: Option<std::sync::mpsc::Sender<String>>) -> Served {
        let tmp = tempfile::tempdir().unwrap();
        let mut child = Command::new(assert_cmd::cargo::cargo_bin("casebook"))
            .args(["serve", "--port", "0", "--today", "2026-11-22", "--catalogue"])
            .arg(cat.path())
            .env("TMPDIR", tmp.path())
            .env("SERVE_LOG", if log.is_some() { "1" } else { "" })
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(if log.is_some() {
                Stdio::piped()
            } else {
                Stdio::null()
            })
            .spawn()
            .unwrap();
        if let Some(log) = log {
            let stderr = BufReader::new(child.stderr.take().unwrap());
            std::thread::spawn(move || {
                for line in stderr.lines().map_while(Result::ok) {
                    let _ = log.send(line);
                }
            });
        }
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let port = line
            .trim()
            .strip_prefix("http://127.0.0.1:")
            .and_then(|rest| rest.strip_suffix('/'))
            .unwrap_or_else(|| panic!("the first line is the address: {line:?}"))
            .parse()
            .unwrap();
        Served {
            child,
            port,
            tmp,
            cat,
        }
    }

    /// Sends a raw request target (as written, not normalised by a client).
    fn get(&self, target: &str) -> (u16, String, String) {
        self.get_from(target, "127.0.0.1")
    }

    /// [`Served::get`] with the given Host header.
    fn get_from(&self, target: &str, host: &str) -> (u16, String, String) {
        let mut stream = TcpStream::connect(("127.0.0.1", self.port)).unwrap();
        stream.set_read_timeout(Some(PATIENCE)).unwrap();
        write!(
            stream,
            "GET {target} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n"
        )
        .unwrap();
        let mut raw = Vec::new();
        stream.read_to_end(&mut raw).unwrap();
        let raw = String::from_utf8_lossy(&raw).into_owned();
        let (head, body) = raw.split_once("\r\n\r\n").unwrap_or((&raw, ""));
        let status = head.split(' ').nth(1).and_then(|s| s.parse().ok()).unwrap_or(0);
        let content_type = head
            .lines()
            .find_map(|l| {
                l.split_once(':')
                    .filter(|(k, _)| k.eq_ignore_ascii_case("content-type"))
                    .map(|(_, v)| v.trim().to_owned())
            })
            .unwrap_or_default();
        (status, content_type, body.to_owned())
    }

    /// Fetches `target` until `wanted` holds for its body; panics with the last body after
    /// [`PATIENCE`].
    fn until(&self, target: &str, what: &str, wanted: impl Fn(u16, &str) -> bool) -> String {
        let start = Instant::now();
        loop {
            let (status, _, body) = self.get(target);
            if wanted(status, &body) {
                return body;
            }
            assert!(
                start.elapsed() < PATIENCE,
                "{target} never showed {what}; last answer {status}:\n{body}"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    fn yaml(&self) -> PathBuf {
        self.cat.path().join(YAML)
    }

    /// The private folder casebook serve made in its TMPDIR.
    fn private_folder(&self) -> PathBuf {
        let entries: Vec<_> = std::fs::read_dir(self.tmp.path())
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        assert_eq!(entries.len(), 1, "one private folder: {entries:?}");
        entries[0].clone()
    }

    /// Sends a signal and waits for the process to end; returns whether it exited with 0.
    fn signal(&mut self, name: &str) -> bool {
        let status = Command::new("kill")
            .args(["-s", name, &self.child.id().to_string()])
            .status()
            .unwrap();
        assert!(status.success());
        let start = Instant::now();
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                return status.success();
            }
            assert!(
                start.elapsed() < PATIENCE,
                "casebook serve did not stop on {name}"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn edit(path: &Path, from: &str, to: &str) {
    let text = std::fs::read_to_string(path).unwrap();
    assert!(text.contains(from), "{from} in {}", path.display());
    std::fs::write(path, text.replacen(from, to, 1)).unwrap();
}

#[test]
fn serve_rebuilds_after_a_save_and_shows_errors_until_they_are_fixed() {
    let mut served = Served::start();
    let page = served.until(PAGE, "the use case page", |s, _| s == 200);
    assert!(page.contains("agent answers"), "{page}");
    assert!(
        page.contains("/__casebook/wait?page="),
        "the reload script is in the served page"
    );
    let (_, content_type, _) = served.get(PAGE);
    assert_eq!(content_type, "text/html; charset=utf-8");

    // A save: the new text is served.
    edit(&served.yaml(), "agent answers", "agent answers at once");
    served.until(PAGE, "the edited step", |_, b| {
        b.contains("agent answers at once")
    });
    served.until("/", "the home page", |s, _| s == 200);

    // A broken file: the last handbook stays, with the located errors above it, escaped.
    edit(
        &served.yaml(),
        "persona:",
        "<img src=x onerror=alert(8)>: 1\npersona:",
    );
    let broken = served.until(PAGE, "the errors banner", |_, b| {
        b.contains("casebook-serve-errors")
    });
    let banner = broken
        .split("id=\"casebook-serve-errors\"")
        .nth(1)
        .and_then(|rest| rest.split("</div>").next())
        .unwrap();
    assert!(banner.contains("use-cases/hostile/hostile.yaml:"), "{banner}");
    assert!(banner.contains("&lt;img src=x"), "escaped: {banner}");
    assert!(!banner.contains("<img"), "escaped: {banner}");
    assert!(
        broken.contains("agent answers at once"),
        "the last handbook stays"
    );
    // Every page says so, not only the one edited.
    let home = served.until("/", "the banner on the home page", |_, b| {
        b.contains("casebook-serve-errors")
    });
    assert!(home.contains("hostile.yaml:"), "{home}");

    // Fixed: the banner goes, and the change made meanwhile is there.
    edit(&served.yaml(), "<img src=x onerror=alert(8)>: 1\n", "");
    edit(
        &served.yaml(),
        "agent answers at once",
        "agent answers within the hour",
    );
    let fixed = served.until(PAGE, "the page without errors", |_, b| {
        !b.contains("casebook-serve-errors") && b.contains("agent answers within the hour")
    });
    assert!(!fixed.contains("agent answers at once"));

    assert!(served.signal("TERM"), "exit status 0 after SIGTERM");
    let left: Vec<_> = std::fs::read_dir(served.tmp.path()).unwrap().collect();
    assert!(left.is_empty(), "nothing left behind: {left:?}");
}

/// The next line of `SERVE_LOG` that announces a pass (`casebook: PASS pass published at N ms:
/// FILES`): the pass and its files.
fn next_pass(lines: &std::sync::mpsc::Receiver<String>) -> (String, Vec<String>) {
    loop {
        let line = lines
            .recv_timeout(PATIENCE)
            .expect("a pass announced on standard error");
        if let Some(rest) = line.strip_prefix("casebook: ")
            && let Some((pass, rest)) = rest.split_once(" pass published at ")
        {
            let files = rest.split_once(": ").map(|(_, f)| f).unwrap_or_default();
            return (pass.to_owned(), files.split(' ').map(str::to_owned).collect());
        }
    }
}

/// A title edit changes the table of contents (SUMMARY.md), and with it the sidebar of every
/// page (mdBook's `toc.js`, and `toc.html` without JavaScript). The quick pass serves the page
/// and the sidebar with the new title: the server announces them, and when the announcement is
/// read they are served with the new title; the full pass that follows rewrites neither (the
/// quick pass's bytes were the whole build's), only what the quick pass leaves (search index,
/// print page).
#[test]
fn a_title_edit_is_served_with_the_new_sidebar_before_the_full_pass() {
    let (served, lines) = Served::start_logged();
    let (pass, _) = next_pass(&lines);
    assert_eq!(pass, "full", "the first build is a full pass");
    let page = served.until(PAGE, "the use case page", |s, _| s == 200);
    assert!(!page.contains("Quartz lantern"));
    let (_, _, toc) = served.get("/toc.js");
    assert!(
        toc.contains("hostile.html") && !toc.contains("Quartz lantern"),
        "{toc}"
    );

    edit(
        &served.yaml(),
        "title: \"<script>",
        "title: \"Quartz lantern <script>",
    );
    let (pass, quick) = next_pass(&lines);
    assert_eq!(pass, "quick", "a title edit takes the quick pass first");
    for file in ["use-cases/hostile.html", "toc.js", "toc.html"] {
        assert!(quick.iter().any(|f| f == file), "{file} in {quick:?}");
    }
    for target in [PAGE, "/toc.js", "/toc.html"] {
        let (status, _, body) = served.get(target);
        assert!(
            status == 200 && body.contains("Quartz lantern"),
            "{target} has the new title once the quick pass announced it: {status}\n{body}"
        );
    }
    let (pass, full) = next_pass(&lines);
    assert_eq!(pass, "full");
    assert!(full.iter().any(|f| f == "searchindex.js"), "{full:?}");
    for file in &quick {
        assert!(!full.contains(file), "the full pass rewrote {file}: {full:?}");
    }
    let (_, _, search) = served.get("/searchindex.js");
    assert!(search.contains("Quartz lantern"));
}

#[test]
fn serve_sends_only_files_of_the_handbook() {
    let mut served = Served::start();
    let home = served.until("/", "the home page", |s, _| s == 200);
    // The private folder holds the site; a link planted in it is not followed.
    let site = served.private_folder().join("site");
    assert!(site.join("index.html").is_file());
    std::os::unix::fs::symlink("/etc/passwd", site.join("planted.html")).unwrap();
    std::os::unix::fs::symlink("/etc", site.join("planted")).unwrap();
    std::fs::write(served.cat.path().join("secret.txt"), "root:catalogue secret").unwrap();
    for target in [
        "/../../../../etc/passwd",
        "/%2e%2e/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
        "/%2E%2E%2F%2E%2E%2F%2E%2E%2Fetc%2Fpasswd",
        "/use-cases/..%2f..%2f..%2fsecret.txt",
        "/./index.html",
        "//etc/passwd",
        "/etc/passwd",
        "/..\\..\\etc\\passwd",
        "/%00index.html",
        "/%ff%fe",
        "/planted.html",
        "/planted/passwd",
        "http://127.0.0.1/../etc/passwd",
        "/nonexistent.html",
    ] {
        let (status, _, body) = served.get(target);
        assert!(status == 400 || status == 404, "{target}: {status}\n{body}");
        assert!(!body.contains("root:"), "{target} served a file outside: {body}");
    }
    // A page of another site resolved to 127.0.0.1 (DNS rebinding) is refused.
    let port = served.port;
    assert_eq!(served.get_from("/", &format!("evil.example:{port}")).0, 403);
    assert_eq!(served.get_from("/", "127.0.0.1.evil.example").0, 403);
    assert_eq!(served.get_from("/", &format!("localhost:{port}")).0, 200);

    // The 404 page is a page of its own, with a way home.
    let (status, content_type, body) = served.get("/nonexistent.html");
    assert_eq!((status, content_type.as_str()), (404, "text/html; charset=utf-8"));
    assert!(body.contains("There is no page at this address"), "{body}");
    assert!(body.contains("href=\"/\""), "{body}");

    // Content types, from the files the home page itself links to.
    let linked = |ext: &str| {
        home.split(['"', '\''])
            .find(|s| s.ends_with(ext) && !s.contains("//"))
            .unwrap_or_else(|| panic!("the home page links a {ext} file"))
            .to_owned()
    };
    for (ext, wanted) in [
        (".css", "text/css; charset=utf-8"),
        (".js", "text/javascript; charset=utf-8"),
        (".png", "image/png"),
    ] {
        let (status, content_type, _) = served.get(&format!("/{}", linked(ext)));
        assert_eq!((status, content_type.as_str()), (200, wanted), "{ext}");
    }
    let page = served.until(PAGE, "the use case page", |s, _| s == 200);
    assert!(
        page.contains("class=\"casebook-viewer\"") && page.contains("<svg"),
        "the use case page shows its diagram"
    );
    let (status, content_type, _) = served.get(&format!("/{}", linked(".svg")));
    assert_eq!((status, content_type.as_str()), (200, "image/svg+xml"), "svg");

    assert!(served.signal("INT"), "exit status 0 after Ctrl-C");
    assert!(
        std::fs::read_dir(served.tmp.path()).unwrap().next().is_none(),
        "nothing left behind"
    );
}

#[test]
fn a_catalogue_broken_from_the_start_shows_its_errors_then_the_handbook() {
    let cat = tempfile::tempdir().unwrap();
    copy_tree(&fixtures().join("base"), cat.path());
    copy_tree(&fixtures().join("handbook/hostile"), cat.path());
    edit(&cat.path().join(YAML), "steps:", "owner: [\nsteps:");
    let served = Served::start_in(cat);
    let page = served.until("/", "the errors", |s, b| {
        s == 503 && b.contains("casebook-serve-errors")
    });
    assert!(page.contains("hostile.yaml:"), "{page}");
    assert!(page.contains("/__casebook/wait"), "it reloads when fixed: {page}");
    edit(&served.yaml(), "owner: [\nsteps:", "steps:");
    served.until("/", "the handbook", |s, b| {
        s == 200 && !b.contains("casebook-serve-errors")
    });
    served.until(PAGE, "the use case page", |s, _| s == 200);
}

#[test]
fn a_port_in_use_is_refused_with_a_way_out() {
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port().to_string();
    let cat = tempfile::tempdir().unwrap();
    copy_tree(&fixtures().join("base"), cat.path());
    copy_tree(&fixtures().join("handbook/hostile"), cat.path());
    let out = crate::support::casebook()
        .args(["serve", "--port", &port, "--catalogue"])
        .arg(cat.path())
        .timeout(PATIENCE)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains(&format!("cannot listen on 127.0.0.1:{port}")),
        "{stderr}"
    );
    assert!(stderr.contains("--port (0 picks a free one)"), "{stderr}");
}

/// Records what a rebuild announces.
#[derive(Default)]
struct Recorder(std::sync::Mutex<Vec<Vec<String>>>);

impl casebook::serve::rebuild::Publish for Recorder {
    fn publish(&self, changed: &[String], _errors: Option<&casebook::serve::rebuild::Errors>) {
        if !changed.is_empty() {
            self.0.lock().unwrap().push(changed.to_vec());
        }
    }
}

/// Every file below `dir`, by `/`-separated relative path, with its bytes.
fn files(dir: &Path) -> std::collections::BTreeMap<String, Vec<u8>> {
    let mut out = std::collections::BTreeMap::new();
    let mut stack = vec![dir.to_owned()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else {
                let rel = p.strip_prefix(dir).unwrap().to_string_lossy().replace('\\', "/");
                out.insert(rel, std::fs::read(&p).unwrap());
            }
        }
    }
    out
}

/// What a first build of the catalogue by a new rebuilder serves.
fn from_scratch(cat: &Path, today: casebook::model::Date) -> std::collections::BTreeMap<String, Vec<u8>> {
    use casebook::serve::rebuild::{Rebuilder, Workspace};
    let workspace = Workspace::create().unwrap();
    let outcome =
        Rebuilder::new(cat.to_owned(), Some(today), &workspace).rebuild(&Recorder::default(), &|| false);
    assert!(outcome.errors.is_none());
    let files = files(&workspace.site());
    workspace.remove().unwrap();
    files
}

/// The quick pass (the changed page rendered in a book of itself and its neighbours, or, when
/// the table of contents changed, in the whole list of chapters with the others emptied) gives
/// the bytes of a whole build, the full pass then rewrites none of its pages, and the served folder
/// is byte for byte what a build from scratch serves. The reload script is not in the files.
#[test]
fn the_quick_pass_writes_the_bytes_of_a_whole_build() {
    use casebook::serve::rebuild::{Rebuilder, Workspace};
    let today = casebook::model::Date::parse("2026-11-22").unwrap();
    let cat = tempfile::tempdir().unwrap();
    copy_tree(Path::new("catalogue"), cat.path());
    let workspace = Workspace::create().unwrap();
    let mut rebuilder = Rebuilder::new(cat.path().to_owned(), Some(today), &workspace);
    let recorder = Recorder::default();
    let first = rebuilder.rebuild(&recorder, &|| false);
    assert!(first.errors.is_none() && first.quick.is_empty() && !first.full.is_empty());
    let index = std::fs::read_to_string(workspace.site().join("index.html")).unwrap();
    assert!(
        !index.contains("__casebook"),
        "the script is added when a page is sent"
    );

    let yaml = cat
        .path()
        .join("use-cases/account-management/account-manager-hands-over-portfolio.yaml");
    edit(
        &yaml,
        "writes the handover note",
        "writes and signs the handover note",
    );
    let page = "use-cases/account-manager-hands-over-portfolio.html".to_owned();
    let second = rebuilder.rebuild(&recorder, &|| false);
    assert!(second.errors.is_none(), "{:?}", second.errors);
    assert!(second.quick.contains(&page), "{:?}", second.quick);
    let pages_again: Vec<_> = second
        .full
        .iter()
        .filter(|f| f.ends_with(".html") && *f != "print.html")
        .collect();
    assert!(pages_again.is_empty(), "the full pass rewrote {pages_again:?}");
    assert!(
        second.full.iter().any(|f| f.starts_with("searchindex")),
        "{:?}",
        second.full
    );
    assert_eq!(files(&workspace.site()), from_scratch(cat.path(), today));

    // Another change already waiting: the full pass is left to the next rebuild, which does it
    // even when that change turns out to change nothing.
    edit(
        &yaml,
        "writes and signs the handover note",
        "writes the handover note",
    );
    let third = rebuilder.rebuild(&recorder, &|| true);
    assert!(third.full_skipped && third.quick.contains(&page) && third.full.is_empty());
    let fourth = rebuilder.rebuild(&recorder, &|| false);
    assert!(
        fourth.full.iter().any(|f| f.starts_with("searchindex")),
        "{:?}",
        fourth.full
    );
    assert_eq!(files(&workspace.site()), from_scratch(cat.path(), today));

    // Nothing changed: nothing written or announced.
    let announced = recorder.0.lock().unwrap().len();
    let fifth = rebuilder.rebuild(&recorder, &|| false);
    assert!(fifth.quick.is_empty() && fifth.full.is_empty());
    assert_eq!(recorder.0.lock().unwrap().len(), announced);

    // A title edit changes the table of contents, and moves the page in it (use cases are
    // listed by title): the quick pass writes the page, the pages whose previous or next
    // chapter changed, the others that list the title, and the sidebar; the full pass rewrites
    // none of them, and the served folder is again a build from scratch.
    edit(
        &yaml,
        "title: An account manager moves on",
        "title: Zoe, an account manager, moves on",
    );
    let sixth = rebuilder.rebuild(&recorder, &|| false);
    assert!(sixth.errors.is_none(), "{:?}", sixth.errors);
    for file in [page.as_str(), "toc.js", "toc.html"] {
        assert!(
            sixth.quick.iter().any(|f| f == file),
            "{file} in {:?}",
            sixth.quick
        );
    }
    let site = workspace.site();
    for file in [page.as_str(), "toc.js", "toc.html"] {
        let text = std::fs::read_to_string(site.join(file)).unwrap();
        assert!(text.contains("Zoe, an account manager"), "{file}");
    }
    let pages_again: Vec<_> = sixth
        .full
        .iter()
        .filter(|f| (f.ends_with(".html") && *f != "print.html") || f.starts_with("toc"))
        .collect();
    assert!(pages_again.is_empty(), "the full pass rewrote {pages_again:?}");
    assert_eq!(files(&site), from_scratch(cat.path(), today));
    workspace.remove().unwrap();
}

/// The use case files below `dir`, in path order.
fn use_case_files(dir: &Path) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = files(dir)
        .into_keys()
        .filter(|f| f.starts_with("use-cases/") && f.ends_with(".yaml"))
        .map(|f| dir.join(f))
        .collect();
    out.sort();
    out
}

/// The page of the use case in `yaml`.
fn page_of(yaml: &Path) -> String {
    let text = std::fs::read_to_string(yaml).unwrap();
    let id = text.lines().find_map(|l| l.strip_prefix("id: ")).unwrap().trim();
    format!("use-cases/{id}.html")
}

/// Adds `word` to the end of the line of `yaml` after the first `after`.
fn append_to_line(yaml: &Path, after: &str, word: &str) {
    let text = std::fs::read_to_string(yaml).unwrap();
    let at = text.find(after).unwrap() + after.len();
    let end = at + text[at..].find('\n').unwrap();
    std::fs::write(yaml, format!("{} {word}{}", &text[..end], &text[end..])).unwrap();
}

/// In the large form (more than `LARGE_ABOVE` use cases) mdBook renders the whole book once.
/// After that, a step edit, a title edit (the page moves among its neighbours), a team renamed
/// (in many pages) and a new use case each render only what changed: no use case page is
/// rendered twice, no whole render, and the served folder is byte for byte what a whole build
/// serves, search index included, also after a full pass stopped by a waiting save. A use case
/// removed takes the whole render.
#[test]
fn in_the_large_form_a_save_renders_only_what_changed_and_gives_the_bytes_of_a_whole_build() {
    use crate::handbook_scale::{gen_catalogue, generated_catalogue};
    use casebook::serve::rebuild::{Rebuilder, Workspace};
    let today = casebook::model::Date::parse(gen_catalogue::TODAY).unwrap();
    let (cat, _) = generated_catalogue(casebook::handbook::LARGE_ABOVE + 10);
    let workspace = Workspace::create().unwrap();
    let site = workspace.site();
    let mut rebuilder = Rebuilder::new(cat.path().to_owned(), Some(today), &workspace);
    let recorder = Recorder::default();
    let first = rebuilder.rebuild(&recorder, &|| false);
    assert!(first.errors.is_none() && first.whole, "{:?}", first.errors);
    assert!(site.join("search/index.js").is_file(), "the large form");
    let yamls = use_case_files(cat.path());
    let (yaml, page) = (&yamls[0], page_of(&yamls[0]));
    let use_case_pages = |written: &[String]| -> Vec<String> {
        written
            .iter()
            .filter(|f| f.starts_with("use-cases/") && f.ends_with(".html"))
            .cloned()
            .collect()
    };

    // A step's title: the quick pass serves the page; the full pass no use case page, but the
    // team's and channel's pages and the search index, which has the new word.
    append_to_line(yaml, "\n    title: ", "Quillwort");
    let step = rebuilder.rebuild(&recorder, &|| false);
    assert!(step.errors.is_none() && !step.whole, "{step:?}");
    assert_eq!(use_case_pages(&step.quick), [page.as_str()], "{:?}", step.quick);
    assert!(use_case_pages(&step.full).is_empty(), "{:?}", step.full);
    assert!(
        step.full.iter().any(|f| f.starts_with("teams/")),
        "{:?}",
        step.full
    );
    assert!(
        step.full.iter().any(|f| f.starts_with("search/")),
        "{:?}",
        step.full
    );
    assert!(
        std::fs::read_to_string(site.join(&page))
            .unwrap()
            .contains("Quillwort")
    );
    assert_eq!(files(&site), from_scratch(cat.path(), today), "after a step edit");

    // The title: the page moves to the end of its domain, so its old and new neighbours'
    // previous and next links change.
    append_to_line(yaml, "\ntitle: ", "zz");
    let title = rebuilder.rebuild(&recorder, &|| false);
    assert!(title.errors.is_none() && !title.whole, "{title:?}");
    assert_eq!(use_case_pages(&title.quick), [page.as_str()], "{:?}", title.quick);
    let neighbours = use_case_pages(&title.full);
    assert!(
        (2..=4).contains(&neighbours.len()) && !neighbours.contains(&page),
        "{neighbours:?}"
    );
    assert_eq!(
        files(&site),
        from_scratch(cat.path(), today),
        "after a title edit"
    );

    // A team renamed: every page that names it, use cases included, none of their files saved.
    let organisation = cat.path().join("organisation.yaml");
    edit(&organisation, "name: Digital care", "name: Digital care desk");
    let team = rebuilder.rebuild(&recorder, &|| false);
    assert!(
        team.errors.is_none() && !team.whole && team.quick.is_empty(),
        "{team:?}"
    );
    assert!(use_case_pages(&team.full).len() > 20, "{:?}", team.full);
    assert_eq!(
        files(&site),
        from_scratch(cat.path(), today),
        "after a team renamed"
    );

    // A save waiting when the main book is done (the second look): the full pass stops there,
    // the saved page served, and the next rebuild catches up.
    append_to_line(yaml, "\n    title: ", "Bramble");
    let looks = std::cell::Cell::new(0);
    let stopped = rebuilder.rebuild(&recorder, &|| {
        looks.set(looks.get() + 1);
        looks.get() >= 2
    });
    assert!(
        stopped.errors.is_none() && !stopped.whole && stopped.full_skipped,
        "{stopped:?}"
    );
    assert_eq!(use_case_pages(&stopped.quick), [page.as_str()]);
    assert!(
        !stopped.full.iter().any(|f| f.starts_with("search/")),
        "{:?}",
        stopped.full
    );
    let caught_up = rebuilder.rebuild(&recorder, &|| false);
    assert!(
        caught_up.full.iter().any(|f| f.starts_with("search/")),
        "{caught_up:?}"
    );
    assert_eq!(
        files(&site),
        from_scratch(cat.path(), today),
        "after a stopped full pass"
    );

    // A new use case; then, a change waiting, the full pass is left to the next rebuild.
    let text = std::fs::read_to_string(yaml).unwrap();
    let id = page.trim_start_matches("use-cases/").trim_end_matches(".html");
    let new_yaml = yaml.with_file_name("a-new-one.yaml");
    std::fs::write(&new_yaml, text.replace(&format!("id: {id}"), "id: a-new-one")).unwrap();
    let new = rebuilder.rebuild(&recorder, &|| true);
    assert!(new.errors.is_none() && !new.whole && new.full_skipped, "{new:?}");
    assert_eq!(use_case_pages(&new.quick), ["use-cases/a-new-one.html"]);
    let caught_up = rebuilder.rebuild(&recorder, &|| false);
    assert!(caught_up.errors.is_none() && !caught_up.whole, "{caught_up:?}");
    assert_eq!(
        files(&site),
        from_scratch(cat.path(), today),
        "after a new use case"
    );

    // Removed: the whole render, which removes its page.
    std::fs::remove_file(&new_yaml).unwrap();
    let removed = rebuilder.rebuild(&recorder, &|| false);
    assert!(removed.errors.is_none() && removed.whole, "{removed:?}");
    assert!(!site.join("use-cases/a-new-one.html").exists());
    assert_eq!(
        files(&site),
        from_scratch(cat.path(), today),
        "after a use case removed"
    );
    workspace.remove().unwrap();
}

/// The large form as a process: after the first whole build, a save is served by the quick pass
/// (the saved page alone), then the full pass follows without rendering that page again and
/// with the new word in casebook's search index; the server's log names no whole render.
#[test]
fn a_large_catalogue_is_served_and_a_save_renders_the_saved_page_first() {
    let (cat, _) = crate::handbook_scale::generated_catalogue(casebook::handbook::LARGE_ABOVE + 1);
    let yaml = use_case_files(cat.path()).remove(0);
    let page = page_of(&yaml);
    let (send, lines) = std::sync::mpsc::channel();
    let served = Served::spawn(cat, Some(send));
    let (pass, _) = next_pass(&lines);
    assert_eq!(pass, "full", "the first build");
    let before = served.until(&format!("/{page}"), "the use case page", |s, _| s == 200);
    assert!(!before.contains("Quillwort"));
    let (status, _, _) = served.get("/search/index.js");
    assert_eq!(status, 200, "the large form's search");

    append_to_line(&yaml, "\n    title: ", "Quillwort");
    let (pass, quick) = next_pass(&lines);
    assert_eq!(pass, "quick");
    assert!(quick.contains(&page), "{quick:?}");
    let (status, _, body) = served.get(&format!("/{page}"));
    assert!(status == 200 && body.contains("Quillwort"), "{status}");
    let (pass, full) = next_pass(&lines);
    assert_eq!(pass, "full");
    assert!(!full.contains(&page), "{full:?}");
    assert!(full.iter().any(|f| f.starts_with("search/")), "{full:?}");
    // The rebuild's summary line follows its passes: the phases of a rebuild without a whole
    // render.
    let summary = loop {
        let line = lines.recv_timeout(PATIENCE).expect("the rebuild's summary");
        if line.contains("changed pages and pictures served") {
            break line;
        }
    };
    assert!(
        summary.contains("compare ") && !summary.contains("render "),
        "{summary}"
    );
}
