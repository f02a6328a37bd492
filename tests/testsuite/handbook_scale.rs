//! The large form of the handbook (above `handbook::LARGE_ABOVE` use cases), built by the binary
//! from a catalogue of the benchmarks' generator: a page per use case, every file small, every
//! link resolving, and the sharded search index complete. (Its search in a browser is in
//! `e2e.rs`; its time and memory in `benches/README.md`, "The handbook at scale".)

#[path = "../../examples/gen_catalogue/mod.rs"]
pub(crate) mod gen_catalogue;

use crate::support::casebook;
use casebook::handbook::LARGE_ABOVE;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

const MB: u64 = 1 << 20;

/// Every file below `dir`, relative to it, with `/`.
fn files(dir: &Path) -> BTreeSet<String> {
    fn walk(root: &Path, dir: &Path, out: &mut BTreeSet<String>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                walk(root, &path, out);
            } else {
                out.insert(
                    path.strip_prefix(root)
                        .unwrap()
                        .to_string_lossy()
                        .replace('\\', "/"),
                );
            }
        }
    }
    let mut out = BTreeSet::new();
    walk(dir, dir, &mut out);
    out
}

/// The local targets of the `href` and `src` attributes of an HTML page, without their fragment
/// or query (links to other sites and to the page itself left out).
fn local_links(html: &str) -> Vec<String> {
    let mut out = Vec::new();
    for attr in ["href=\"", "src=\""] {
        let mut rest = html;
        while let Some(at) = rest.find(attr) {
            rest = &rest[at + attr.len()..];
            let end = rest.find('"').unwrap_or(rest.len());
            let link = &rest[..end];
            let link = link.split(['#', '?']).next().unwrap_or_default();
            if !link.is_empty() && !link.contains(':') && !link.starts_with("//") {
                out.push(link.to_owned());
            }
        }
    }
    out
}

/// `link` from the page `page` (both relative to the handbook's root), resolved; `None` when it
/// leaves the handbook.
fn resolve(page: &str, link: &str) -> Option<String> {
    let mut parts: Vec<&str> = page.split('/').collect();
    parts.pop();
    for part in link.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            p => parts.push(p),
        }
    }
    Some(parts.join("/"))
}

/// A catalogue of `n` use cases from the benchmarks' generator (its default seed), written into a
/// new temporary folder, with the generator's files.
pub(crate) fn generated_catalogue(n: usize) -> (tempfile::TempDir, Vec<gen_catalogue::File>) {
    let catalogue = tempfile::tempdir().unwrap();
    let generated = gen_catalogue::generate(&gen_catalogue::Config {
        use_cases: n,
        seed: gen_catalogue::DEFAULT_SEED,
        hostile: false,
    });
    gen_catalogue::write(catalogue.path(), &generated, false).unwrap();
    (catalogue, generated)
}

#[test]
fn a_large_catalogue_gets_a_page_per_use_case_small_files_links_that_resolve_and_a_sharded_search() {
    let n = LARGE_ABOVE + 100;
    let (catalogue, generated) = generated_catalogue(n);
    let out = tempfile::tempdir().unwrap();
    let book: PathBuf = out.path().join("book");
    casebook()
        .args(["build", "--today", "2026-11-22", "--catalogue"])
        .arg(catalogue.path())
        .arg("--out")
        .arg(&book)
        .assert()
        .success();
    let all = files(&book);
    let ids: Vec<String> = generated
        .iter()
        .filter_map(|(path, _)| {
            let p = path.replace('\\', "/");
            p.starts_with("use-cases/")
                .then(|| Path::new(&p).file_stem().unwrap().to_string_lossy().into_owned())
        })
        .collect();
    assert_eq!(ids.len(), n);
    for id in &ids {
        assert!(all.contains(&format!("use-cases/{id}.html")), "no page for {id}");
        let page = std::fs::read_to_string(book.join(format!("use-cases/{id}.html"))).unwrap();
        assert!(
            page.contains("class=\"casebook-viewer\"") && page.contains("<svg"),
            "no diagram in the page of {id}"
        );
    }
    // No print page (it would hold every page), no index of mdBook's (it would hold every word).
    assert!(
        !all.iter()
            .any(|f| f == "print.html" || f.starts_with("searchindex")),
        "{all:?}"
    );
    for f in &all {
        let size = std::fs::metadata(book.join(f)).unwrap().len();
        assert!(size <= MB, "{f} is {size} bytes, over 1 MB");
        if f.starts_with("search/") {
            assert!(size <= 5 * MB, "{f} is {size} bytes, over 5 MB");
        }
    }
    // The sidebar lists the domains, not the use cases.
    let toc = all
        .iter()
        .find(|f| f.starts_with("toc") && f.ends_with(".js"))
        .unwrap();
    let toc = std::fs::read_to_string(book.join(toc)).unwrap();
    assert!(toc.contains("domains/") && !toc.contains("use-cases/"));
    // Every link of every page leads to a file of the handbook.
    let mut checked = 0;
    // (404.html is the exception: it is served at any address, so its links start from the root.)
    for page in all.iter().filter(|f| f.ends_with(".html") && *f != "404.html") {
        let html = std::fs::read_to_string(book.join(page)).unwrap();
        for link in local_links(&html) {
            let target = resolve(page, &link).unwrap_or_else(|| panic!("{page}: {link} leaves the handbook"));
            assert!(
                all.contains(&target) || all.contains(&format!("{target}/index.html")),
                "{page}: {link} leads nowhere"
            );
            checked += 1;
        }
    }
    assert!(checked > 20 * n, "{checked} links");
    // A use case page reaches the search: the script, and the manifest naming shards that exist.
    let page = std::fs::read_to_string(book.join(format!("use-cases/{}.html", ids[0]))).unwrap();
    assert!(page.contains("casebook-search") && page.contains("mdbook-searchbar"));
    let manifest = std::fs::read_to_string(book.join("search/index.js")).unwrap();
    let json = manifest
        .strip_prefix("casebookSearch.index(")
        .and_then(|m| m.trim_end().strip_suffix(");"))
        .unwrap();
    let manifest: serde_json::Value = serde_json::from_str(json).unwrap();
    let docs = manifest["docs"].as_u64().unwrap() as usize;
    assert!(docs > n, "every use case and every other page: {docs}");
    let keys = manifest["shards"].as_array().unwrap();
    assert!(keys.len() > 50, "{} shards", keys.len());
    for key in keys {
        let hex: String = key
            .as_str()
            .unwrap()
            .bytes()
            .map(|b| format!("{b:02x}"))
            .collect();
        assert!(all.contains(&format!("search/{hex}.js")), "no shard {key}");
    }
    // Deterministic, whatever the threads: a second build on one thread gives the same bytes.
    let again = out.path().join("again");
    casebook()
        .env("RAYON_NUM_THREADS", "1")
        .args(["build", "--today", "2026-11-22", "--catalogue"])
        .arg(catalogue.path())
        .arg("--out")
        .arg(&again)
        .assert()
        .success();
    assert_eq!(files(&again), all);
    for f in &all {
        let (a, b) = (
            std::fs::read(book.join(f)).unwrap(),
            std::fs::read(again.join(f)).unwrap(),
        );
        assert!(a == b, "{f} differs between two builds");
    }
    for k in 0..docs.div_ceil(casebook::handbook::shards::DOCS_PER_FILE) {
        assert!(all.contains(&format!("search/docs-{k}.js")));
    }
    // Every use case is a document of the index, by its page.
    let docs_text: String = all
        .iter()
        .filter(|f| f.starts_with("search/docs-"))
        .map(|f| std::fs::read_to_string(book.join(f)).unwrap())
        .collect();
    for id in &ids {
        assert!(
            docs_text.contains(&format!("\"use-cases/{id}.html\"")),
            "{id} is not in the search"
        );
    }
}

/// In the large form, a use case page is mdBook's own rendering of the same Markdown, in the same
/// page shell, as in the small form: the two differ only by what the large form configures (no
/// print page, casebook's search script instead of mdBook's) and by the sidebar's script.
#[test]
fn a_use_case_page_of_the_large_form_is_the_page_of_the_small_form() {
    let sample = Path::new(env!("CARGO_MANIFEST_DIR")).join("catalogue");
    let out = tempfile::tempdir().unwrap();
    let (small, large) = (out.path().join("small"), out.path().join("large"));
    casebook()
        .args(["build", "--today", "2026-11-22", "--catalogue"])
        .arg(&sample)
        .arg("--out")
        .arg(&small)
        .assert()
        .success();
    let today = casebook::model::Date::parse("2026-11-22").unwrap();
    let checked = casebook::check(&sample, casebook::CheckOptions { today }).unwrap();
    assert!(!casebook::handbook::is_large(&checked));
    let options = casebook::handbook::BuildOptions {
        out: out.path().join("unused"),
        force: false,
        today,
        progress: false,
        templates: None,
    };
    casebook::handbook::write_source_with(&checked, &large, &options, true).unwrap();
    let html = casebook::handbook::render_html_with(&checked, &large, &options, true).unwrap();
    // What the configuration changes, line by line.
    let configured = |line: &str| {
        [
            "print",
            "searchindex",
            "searcher",
            "elasticlunr",
            "mark-",
            "casebook-search",
            "toc-",
        ]
        .iter()
        .any(|w| line.contains(w))
            || line.trim() == "</a>"
    };
    let mut compared = 0;
    for uc in &checked.catalogue.use_cases {
        let rel = format!("use-cases/{}.html", uc.id.value);
        let a = std::fs::read_to_string(small.join(&rel)).unwrap();
        let b = std::fs::read_to_string(html.join(&rel)).unwrap();
        let kept = |s: &str| {
            s.lines()
                .filter(|l| !configured(l))
                .map(str::to_owned)
                .collect::<Vec<_>>()
        };
        assert!(b.contains("casebook-search") && !b.contains("searcher"), "{rel}");
        let (a, b) = (kept(&a), kept(&b));
        let first = a.iter().zip(&b).position(|(x, y)| x != y);
        assert!(
            first.is_none() && a.len() == b.len(),
            "{rel} differs first at line {first:?}: {:?}",
            first.map(|i| (&a[i], &b[i]))
        );
        compared += 1;
    }
    assert_eq!(compared, 144);
}
