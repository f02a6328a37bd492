//! The handbook build: byte-identical rebuilds, hostile catalogue text kept inert, and the output
//! folder rules (marker file, --force, atomic replacement, refusal on format errors).

use crate::support::{casebook, copy_tree, fixtures};
use casebook::CheckOptions;
use casebook::handbook::{BuildError, BuildOptions, MARKER, build};
use casebook::model::Date;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

fn today() -> Date {
    Date::parse("2026-11-22").unwrap()
}

/// A temporary catalogue: the base fixture plus the given overlay folders.
fn catalogue(overlays: &[&str]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_tree(&fixtures().join("base"), dir.path());
    for overlay in overlays {
        copy_tree(&fixtures().join(overlay), dir.path());
    }
    dir
}

fn options(out: &Path) -> BuildOptions {
    BuildOptions {
        out: out.to_owned(),
        force: false,
        today: today(),
        progress: false,
        templates: None,
    }
}

fn build_into(cat: &Path, out: &Path) -> Result<PathBuf, BuildError> {
    let checked = casebook::check(cat, CheckOptions { today: today() }).unwrap();
    build(&checked, &options(out))
}

/// Every file below `dir`, by relative path, with its bytes.
fn files(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut out = BTreeMap::new();
    let mut stack = vec![dir.to_owned()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else {
                out.insert(
                    p.strip_prefix(dir).unwrap().display().to_string(),
                    std::fs::read(&p).unwrap(),
                );
            }
        }
    }
    out
}

#[test]
fn two_builds_are_byte_identical() {
    let cat = catalogue(&["handbook/hostile"]);
    let out = tempfile::tempdir().unwrap();
    let (a, b) = (out.path().join("a"), out.path().join("b"));
    build_into(cat.path(), &a).unwrap();
    build_into(cat.path(), &b).unwrap();
    let (fa, fb) = (files(&a), files(&b));
    assert!(
        fa.len() > 20,
        "a handbook has pages, styles and scripts: {}",
        fa.len()
    );
    assert_eq!(fa.keys().collect::<Vec<_>>(), fb.keys().collect::<Vec<_>>());
    for (path, bytes) in &fa {
        assert!(bytes == &fb[path], "{path} differs between two builds");
    }
}

#[test]
fn the_sample_catalogue_builds_with_every_kind_of_page() {
    let out = tempfile::tempdir().unwrap();
    let index = build_into(Path::new("catalogue"), &out.path().join("book")).unwrap();
    assert!(index.is_file());
    let book = out.path().join("book");
    for page in [
        "index.html",
        "analytics.html",
        "glossary.html",
        "rules.html",
        "writing-use-cases.html",
        "teams/index.html",
        "channels/index.html",
        "departments/index.html",
    ] {
        assert!(book.join(page).is_file(), "{page} is missing");
    }
    let search_index = std::fs::read_dir(&book).unwrap().any(|e| {
        e.unwrap()
            .file_name()
            .to_string_lossy()
            .starts_with("searchindex")
    });
    assert!(search_index, "the handbook has a search index");
    let rules = std::fs::read_to_string(book.join("rules.html")).unwrap();
    for rule in casebook::rules::ids() {
        assert!(
            rules.contains(&format!("id=\"{rule}\"")),
            "the rules reference has no section for {rule}"
        );
    }
    let uc = std::fs::read_to_string(book.join("use-cases/lost-card-block-and-replace.html")).unwrap();
    assert!(
        uc.contains("<div class=\"casebook-viewer\"")
            && uc.contains("<title id=\"cb-lost-card-block-and-replace-title\">"),
        "the use case page shows its diagram inline, in the viewer"
    );
}

#[test]
fn hostile_text_is_shown_and_never_runs() {
    let cat = catalogue(&["handbook/hostile"]);
    let out = tempfile::tempdir().unwrap();
    let book = out.path().join("book");
    build_into(cat.path(), &book).unwrap();
    let page = std::fs::read_to_string(book.join("use-cases/hostile.html")).unwrap();
    // Nothing the author wrote becomes markup.
    for raw in [
        "<script>document.title",
        "<img src=x",
        "<iframe src=\"https://example.invalid",
        "<b onmouseover",
        "<svg onload",
        "href=\"javascript:",
    ] {
        assert!(!page.contains(raw), "the page contains `{raw}`");
    }
    let all = files(&book);
    for file in all
        .keys()
        .filter(|f| f.ends_with(".html") || f.ends_with(".svg") || f.ends_with(".js"))
    {
        let text = String::from_utf8_lossy(&all[file]).into_owned();
        if file.starts_with("searchindex") {
            // The searcher escapes `body` itself but shows `breadcrumbs` as HTML: those must be escaped.
            for field in ["\"breadcrumbs\":\"", "\"title\":\""] {
                for value in text.split(field).skip(1) {
                    // The JSON string ends at the first quote that is not escaped.
                    let end = value
                        .char_indices()
                        .find(|&(i, c)| c == '"' && !value[..i].ends_with('\\'))
                        .map_or(value.len(), |(i, _)| i);
                    let value = &value[..end];
                    assert!(!value.contains('<'), "{file}: {field}{value} is shown as HTML");
                }
            }
            continue;
        }
        assert!(
            !text.contains("alert(1)</script>"),
            "{file} carries the author's script"
        );
        assert!(
            !text.contains("href=\"javascript:"),
            "{file} carries a javascript: link"
        );
        assert!(!text.contains("<img src=x"), "{file} carries the author's image");
    }
    // ... and all of it is shown as text.
    assert!(
        page.contains("&lt;script&gt;document.title="),
        "the title is shown escaped"
    );
    assert!(page.contains("{{ 7*7 }}"), "template syntax appears literally");
    assert!(page.contains("{% raw %}"), "template tags appear literally");
    assert!(
        page.contains("{{#include /etc/passwd}}"),
        "mdBook's include syntax is not expanded"
    );
    assert!(
        page.contains("&amp;lt;b&amp;gt;entities stay text"),
        "entities written by the author stay text"
    );
    assert!(
        page.contains("Line one line two | with a pipe # not a heading"),
        "line breaks and pipes stay in their cell"
    );
    let svg = &page[page.find("<svg xmlns").expect("the diagram is inline")..];
    let svg = &svg[..svg.find("</svg>").expect("the diagram ends")];
    assert!(!svg.contains("<script"), "the diagram has no script");
}

#[test]
fn a_foreign_non_empty_folder_is_refused_even_when_forced() {
    let cat = catalogue(&["handbook/hostile"]);
    let out = tempfile::tempdir().unwrap();
    let target = out.path().join("docs");
    std::fs::create_dir_all(&target).unwrap();
    std::fs::write(target.join("notes.txt"), "mine").unwrap();
    let err = build_into(cat.path(), &target).unwrap_err();
    assert!(matches!(err, BuildError::NotOurs(_)), "{err}");
    assert_eq!(
        std::fs::read_to_string(target.join("notes.txt")).unwrap(),
        "mine",
        "nothing was touched"
    );
    let checked = casebook::check(cat.path(), CheckOptions { today: today() }).unwrap();
    let err = build(
        &checked,
        &BuildOptions {
            force: true,
            ..options(&target)
        },
    )
    .unwrap_err();
    assert!(matches!(err, BuildError::NotOurs(_)), "{err}");
    assert_eq!(std::fs::read_to_string(target.join("notes.txt")).unwrap(), "mine");
    // Once the user has moved the file away, the empty folder is built into.
    std::fs::remove_file(target.join("notes.txt")).unwrap();
    build_into(cat.path(), &target).unwrap();
    assert!(target.join(MARKER).is_file() && target.join("index.html").is_file());
    // A folder with the marker is rebuilt without --force.
    build_into(cat.path(), &target).unwrap();
    // Nothing is left beside the output.
    let beside: Vec<_> = std::fs::read_dir(out.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(beside, vec![std::ffi::OsString::from("docs")]);
}

#[test]
fn a_failed_build_leaves_the_previous_handbook_untouched() {
    let cat = catalogue(&["handbook/hostile"]);
    let out = tempfile::tempdir().unwrap();
    let book = out.path().join("book");
    build_into(cat.path(), &book).unwrap();
    let before = files(&book);
    // A broken template override makes the next build fail half-way.
    let templates = cat.path().join("templates");
    std::fs::create_dir_all(&templates).unwrap();
    std::fs::write(templates.join("team.md"), "{% for x in %}broken").unwrap();
    let checked = casebook::check(cat.path(), CheckOptions { today: today() }).unwrap();
    let err = build(
        &checked,
        &BuildOptions {
            templates: Some(templates),
            ..options(&book)
        },
    )
    .unwrap_err();
    assert!(matches!(err, BuildError::Template(_)), "{err}");
    assert_eq!(files(&book), before, "the previous handbook is intact");
    let beside: Vec<_> = std::fs::read_dir(out.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(beside.len(), 1, "no staging folder is left behind: {beside:?}");
}

#[test]
fn templates_can_be_overridden_from_casebook_yaml() {
    let cat = catalogue(&["handbook/hostile"]);
    let settings = std::fs::read_to_string(cat.path().join("casebook.yaml")).unwrap();
    std::fs::write(
        cat.path().join("casebook.yaml"),
        format!("{settings}\ntemplates: my-templates\n"),
    )
    .unwrap();
    std::fs::create_dir_all(cat.path().join("my-templates")).unwrap();
    std::fs::write(
        cat.path().join("my-templates/glossary.md"),
        "# Our own glossary\n\n{{ t.glossary }}\n",
    )
    .unwrap();
    let out = tempfile::tempdir().unwrap();
    casebook()
        .args(["build", "--today", "2026-11-22", "--catalogue"])
        .arg(cat.path())
        .arg("--out")
        .arg(out.path().join("b"))
        .assert()
        .success();
    let glossary = std::fs::read_to_string(out.path().join("b/glossary.html")).unwrap();
    assert!(glossary.contains("Our own glossary"));
}

#[test]
fn format_errors_refuse_the_build_and_print_the_diagnostics() {
    let cat = catalogue(&[]);
    let uc = cat.path().join("use-cases");
    std::fs::create_dir_all(&uc).unwrap();
    std::fs::write(uc.join("broken.yaml"), "id: [unclosed\n").unwrap();
    let out = tempfile::tempdir().unwrap();
    let target = out.path().join("book");
    let assert = casebook()
        .args(["build", "--catalogue"])
        .arg(cat.path())
        .arg("--out")
        .arg(&target)
        .assert()
        .code(1);
    let stdout = String::from_utf8_lossy(&assert.get_output().stdout).into_owned();
    assert!(stdout.contains("yaml-syntax"), "{stdout}");
    assert!(!target.exists(), "nothing was written");
}

#[test]
fn french_labels_come_from_the_french_table() {
    let cat = catalogue(&["handbook/hostile"]);
    let settings = std::fs::read_to_string(cat.path().join("casebook.yaml")).unwrap();
    std::fs::write(
        cat.path().join("casebook.yaml"),
        settings.replace("language: en", "language: fr"),
    )
    .unwrap();
    let out = tempfile::tempdir().unwrap();
    build_into(cat.path(), &out.path().join("b")).unwrap();
    let page = std::fs::read_to_string(out.path().join("b/use-cases/hostile.html")).unwrap();
    assert!(
        page.contains("Déclencheur") && page.contains("Étapes"),
        "French labels"
    );
    assert!(page.contains("lang=\"fr\""));
}

/// Pages and pictures are rendered and written on rayon's pool: the book source must not depend
/// on how many threads there are or which finishes first, in the small form and in the large
/// one (use case pages left to the batches, long pages cut into parts).
#[test]
fn the_book_source_is_the_same_on_one_thread_and_on_many() {
    let sample = Path::new(env!("CARGO_MANIFEST_DIR")).join("catalogue");
    let checked = casebook::check(&sample, CheckOptions { today: today() }).unwrap();
    assert!(checked.catalogue.use_cases.len() > 100, "the sample catalogue");
    for large in [false, true] {
        let source = |threads: usize| {
            let dir = tempfile::tempdir().unwrap();
            let pool = rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .build()
                .unwrap();
            let written = pool.install(|| {
                casebook::handbook::write_source_with(
                    &checked,
                    dir.path(),
                    &options(&dir.path().join("unused")),
                    large,
                )
                .unwrap()
            });
            (written, files(dir.path()))
        };
        let (one, many) = (source(1), source(8));
        assert!(one.0 > 50, "a page per team, channel, domain...: {}", one.0);
        assert_eq!(one.0, many.0, "as many pages (large: {large})");
        assert_eq!(
            one.1.keys().collect::<Vec<_>>(),
            many.1.keys().collect::<Vec<_>>(),
            "the same files (large: {large})"
        );
        for (path, bytes) in &one.1 {
            assert!(bytes == &many.1[path], "{path} differs (large: {large})");
        }
    }
}
