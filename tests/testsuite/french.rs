//! A `language: fr` catalogue gives a French handbook: the sample catalogue, switched to French,
//! is built by the binary, and no English word casebook writes may be left in what a reader
//! sees (page text, picture text and tooltips), outside what the French handbook keeps in
//! English on purpose.
//!
//! What is not casebook's to translate is taken out first: the catalogue's own texts (every YAML
//! string but the values casebook translates: `kind`, `status`, `lane`), ids, domain names made
//! from their slugs, finding messages and their help, rule ids, code, and the rules reference
//! page (the rule documentation stays English, as README.md says). A text that is wholly a
//! catalogue text goes; a longer one loses every catalogue text of two words or more inside it.
//!
//! The test keeps itself honest: the same procedure on the same catalogue in English must find
//! every word of [`ENGLISH`] (so each is a word casebook really writes, and the procedure does not
//! strip it away), and the French handbook must show French words where those were.

use crate::support::{casebook, copy_tree, yaml_files};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// English words casebook writes in an English handbook of the sample: labels, status values,
/// channel kinds, branch words, lane names and legends of the diagrams, words of the
/// satisfaction chart, and the "Writing use cases" chapter.
const ENGLISH: &[&str] = &[
    // Status values.
    "draft",
    "in-review",
    "reviewed",
    // Channel kinds the sample uses (`email`, `web`, `sms` and `social` are also ids there).
    "voice",
    "chat",
    "app",
    "in-person",
    "video",
    // Branch words.
    "if",
    "otherwise",
    "continue with",
    // Lanes and lines of the diagrams, and their legend.
    "Customer",
    "Frontstage",
    "Backstage",
    "support",
    "line of interaction",
    "line of visibility",
    "Legend",
    "handoff",
    "recovery after a failure",
    "moment of truth",
    "fail point",
    // The satisfaction chart.
    "Staff",
    "Management",
    // Labels of the pages.
    "Trigger",
    "Outcome",
    "Owner",
    "Status",
    "Steps",
    "Handoffs",
    "Findings",
    "Glossary",
    "Teams",
    "Channels",
    "Synchronous",
    "Use cases",
    // The chapter "Writing use cases".
    "Writing use cases",
    "This chapter is for process owners",
    "In your editor",
];

/// English terms a French table must not use either, though English never shows them: the
/// lanes were once "Front office" and "Back office" in French while pages said "avant-scène".
const ANGLICISMS: &[&str] = &["Front office", "Back office"];

/// Words that must be in the French handbook where the English ones were.
const FRENCH: &[&str] = &[
    "brouillon",
    "en revue",
    "revu",
    "voix",
    "sinon",
    "continuer avec",
    "AVANT-SCÈNE",
    "ARRIÈRE-SCÈNE",
    "Légende",
    "Encadrement",
    "Personnel",
    "Écrire des cas d'usage",
    "Dans votre éditeur",
];

/// The sample catalogue in `language`, its handbook, and its findings.
struct Built {
    _dir: tempfile::TempDir,
    catalogue: PathBuf,
    book: PathBuf,
    report: Value,
}

fn build_sample(language: &str) -> Built {
    let dir = tempfile::tempdir().unwrap();
    let catalogue = dir.path().join("catalogue");
    std::fs::create_dir_all(&catalogue).unwrap();
    copy_tree(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("catalogue"),
        &catalogue,
    );
    let settings = catalogue.join("casebook.yaml");
    let text = std::fs::read_to_string(&settings).unwrap();
    assert!(text.contains("\nlanguage: en\n"), "the sample is in English");
    std::fs::write(
        &settings,
        text.replace("\nlanguage: en\n", &format!("\nlanguage: {language}\n")),
    )
    .unwrap();
    let book = dir.path().join("book");
    casebook()
        .args(["build", "--today", "2026-11-30", "--catalogue"])
        .arg(&catalogue)
        .arg("--out")
        .arg(&book)
        .assert()
        .success();
    let out = casebook()
        .args([
            "check",
            "--today",
            "2026-11-30",
            "-f",
            "json",
            "--fail-on",
            "never",
            "--catalogue",
        ])
        .arg(&catalogue)
        .output()
        .unwrap();
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    Built {
        _dir: dir,
        catalogue,
        book,
        report,
    }
}

/// The same characters as the HTML mdBook writes: it turns quotes, dashes and dots into their
/// typographic forms. Whitespace runs become one space.
fn normalise(text: &str) -> String {
    let text = text
        .replace(['\u{2019}', '\u{2018}'], "'")
        .replace(['\u{201c}', '\u{201d}'], "\"")
        .replace('\u{2026}', "...")
        .replace('\u{2014}', "---")
        .replace('\u{2013}', "--");
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// What is not casebook's to translate.
struct UserText {
    /// Texts removed when they are all of a text.
    whole: BTreeSet<String>,
    /// Texts of two words or more (or with a dash), removed wherever they are, longest first.
    inner: Vec<String>,
}

impl UserText {
    fn of(built: &Built) -> UserText {
        let mut all = BTreeSet::new();
        for file in yaml_files(&built.catalogue) {
            let text = std::fs::read_to_string(&file).unwrap();
            let value: Value =
                serde_saphyr::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
            strings(&value, None, &mut all);
        }
        // Domain names are made from the `domain:` slug ("benefit-cards" is "Benefit cards").
        for domain in all.clone().iter().filter(|s| s.contains('-') && !s.contains(' ')) {
            let words = domain.replace('-', " ");
            let mut chars = words.chars();
            if let Some(c) = chars.next() {
                all.insert(c.to_uppercase().chain(chars).collect());
            }
        }
        for d in built.report["diagnostics"].as_array().unwrap() {
            for key in ["message", "help", "rule"] {
                if let Some(s) = d[key].as_str() {
                    all.insert(normalise(s));
                }
            }
        }
        all.remove("");
        // A catalogue text that is one of the words looked for would hide it: never removed
        // (at worst the test reports a word that was the catalogue's, never the reverse).
        let looked_for = |s: &str| {
            ENGLISH
                .iter()
                .chain(ANGLICISMS)
                .any(|w| w.eq_ignore_ascii_case(s))
        };
        let whole: BTreeSet<String> = all.into_iter().filter(|s| !looked_for(s)).collect();
        let mut inner: Vec<String> = whole.iter().filter(|s| s.contains([' ', '-'])).cloned().collect();
        inner.sort_by_key(|s| std::cmp::Reverse(s.len()));
        UserText { whole, inner }
    }

    /// What is left of `text` once the catalogue's texts are taken out.
    fn strip(&self, text: &str) -> String {
        let text = normalise(text);
        let cut_short = |t: &str| {
            t.strip_suffix("...")
                .map(str::trim_end)
                .is_some_and(|cut| !cut.is_empty() && self.whole.iter().any(|s| s.starts_with(cut)))
        };
        if self.whole.contains(&text) || cut_short(&text) {
            return String::new();
        }
        let mut text = text;
        for s in &self.inner {
            if text.contains(s.as_str()) {
                text = text.replace(s.as_str(), " ");
            }
        }
        // Lists of names ("Email, Phone") and a picture's text cut short ("Agent checks th...").
        let parts: Vec<&str> = text
            .split([',', ';', '(', ')'])
            .map(str::trim)
            .filter(|p| !self.whole.contains(*p) && !cut_short(p))
            .collect();
        parts.join(" | ")
    }
}

/// Every string of a YAML value, but those of the fields whose values casebook translates.
fn strings(value: &Value, key: Option<&str>, out: &mut BTreeSet<String>) {
    match value {
        Value::String(s) if !matches!(key, Some("kind" | "status" | "lane" | "language")) => {
            out.insert(normalise(s));
        }
        Value::Array(list) => list.iter().for_each(|v| strings(v, key, out)),
        Value::Object(map) => map.iter().for_each(|(k, v)| strings(v, Some(k), out)),
        _ => {}
    }
}

/// What a reader sees of each page and picture of the handbook, as `(file, text)` pairs: the text
/// of the pages' `<main>` with their `alt` and `title` attributes, outside `<code>` and `<pre>`;
/// the `<text>` and `<title>` of the SVG pictures. The rules reference (English on purpose) and
/// mdBook's own pages (print, 404, table of contents) are left out.
fn reader_texts(book: &Path) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut files = Vec::new();
    collect(book, &mut files);
    files.sort();
    for file in files {
        let rel = file
            .strip_prefix(book)
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        let ext = file.extension().and_then(|e| e.to_str()).unwrap_or_default();
        if ext == "html" && !["print.html", "404.html", "toc.html", "rules.html"].contains(&rel.as_str()) {
            let mut html = std::fs::read_to_string(&file).unwrap();
            // The diagram is in the page (the viewer): read it as a picture, wrapped lines
            // joined, and the rest of the page as HTML.
            while let Some(start) = html.find("<svg") {
                let end = html[start..]
                    .find("</svg>")
                    .map_or(html.len(), |e| start + e + "</svg>".len());
                for text in svg_texts(&rel, &html[start..end]) {
                    out.push((rel.clone(), text));
                }
                html.replace_range(start..end, "");
            }
            for text in html_texts(&html) {
                out.push((rel.clone(), text));
            }
        } else if ext == "svg" {
            let svg = std::fs::read_to_string(&file).unwrap();
            for text in svg_texts(&rel, &svg) {
                out.push((rel.clone(), text));
            }
        }
    }
    out
}

/// The `<text>` and `<title>` of a picture, a wrapped text's lines (`tspan`) joined.
fn svg_texts(rel: &str, svg: &str) -> Vec<String> {
    let doc = roxmltree::Document::parse(svg).unwrap_or_else(|e| panic!("{rel}: {e}"));
    doc.descendants()
        .filter(|n| n.has_tag_name("text") || n.has_tag_name("title"))
        .map(|node| {
            // A `title` inside a text is its tooltip, not one of its lines.
            let lines: Vec<&str> = node
                .descendants()
                .filter(|d| d.is_text() && d.parent().is_some_and(|p| p == node || p.has_tag_name("tspan")))
                .filter_map(|d| d.text())
                .collect();
            lines.join(" ")
        })
        .collect()
}

fn collect(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            collect(&path, out);
        } else {
            out.push(path);
        }
    }
}

/// The text nodes of an HTML page's `<main>` (entities decoded), and its `alt` and `title`
/// attributes, without what is inside `<code>`, `<pre>`, `<script>` and `<style>`, nor the
/// findings' own messages and help (`<span class="casebook-finding-text">`: they may stay English),
/// whose severity, rule and links around them are still read.
fn html_texts(html: &str) -> Vec<String> {
    let start = html.find("<main>").expect("mdBook pages have a <main>");
    let end = html.rfind("</main>").expect("and its end");
    let mut main = &html[start..end];
    let mut texts = Vec::new();
    let mut skip: Option<&str> = None;
    // Inside a finding's text: how many `<span>` are open.
    let mut finding = 0usize;
    while let Some(open) = main.find('<') {
        if skip.is_none() && finding == 0 {
            texts.push(decode(&main[..open]));
        }
        let close = main[open..].find('>').map_or(main.len(), |c| open + c);
        let tag = &main[open + 1..close];
        let name: String = tag
            .trim_start_matches('/')
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric())
            .collect::<String>()
            .to_ascii_lowercase();
        if name == "span" && (finding > 0 || tag.contains("casebook-finding-text")) {
            if tag.starts_with('/') {
                finding -= 1;
            } else {
                finding += 1;
            }
            main = &main[(close + 1).min(main.len())..];
            continue;
        }
        if finding > 0 {
            main = &main[(close + 1).min(main.len())..];
            continue;
        }
        match skip {
            Some(s) if tag.starts_with('/') && name == s => skip = None,
            Some(_) => {}
            None => {
                if let Some(s) = ["code", "pre", "script", "style"]
                    .into_iter()
                    .find(|s| *s == name)
                    && !tag.starts_with('/')
                {
                    skip = Some(s);
                }
                // `data-label`: the label a table's cell shows on a phone (its cards).
                for attribute in ["alt=\"", "title=\"", "data-label=\""] {
                    if let Some(at) = tag.find(attribute) {
                        let value = &tag[at + attribute.len()..];
                        texts.push(decode(&value[..value.find('"').unwrap_or(value.len())]));
                    }
                }
            }
        }
        main = &main[(close + 1).min(main.len())..];
    }
    texts.retain(|t| !t.trim().is_empty());
    texts
}

/// HTML entities decoded: the named ones mdBook writes and numeric ones.
fn decode(text: &str) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        rest = &rest[amp..];
        let Some(semi) = rest.find(';').filter(|&s| s < 12) else {
            out.push('&');
            rest = &rest[1..];
            continue;
        };
        let entity = &rest[1..semi];
        let decoded = match entity {
            "amp" => Some('&'),
            "lt" => Some('<'),
            "gt" => Some('>'),
            "quot" => Some('"'),
            "apos" => Some('\''),
            "nbsp" => Some(' '),
            _ => entity
                .strip_prefix("#x")
                .and_then(|h| u32::from_str_radix(h, 16).ok())
                .or_else(|| entity.strip_prefix('#').and_then(|d| d.parse().ok()))
                .and_then(char::from_u32),
        };
        match decoded {
            Some(c) => {
                out.push(c);
                rest = &rest[semi + 1..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// Whether `text` holds `word` (any case) between characters that are not letters, digits or
/// dashes.
fn holds(text: &str, word: &str) -> bool {
    let (text, word) = (text.to_lowercase(), word.to_lowercase());
    let part = |c: char| c.is_alphanumeric() || c == '-';
    text.match_indices(&word).any(|(at, _)| {
        !text[..at].chars().next_back().is_some_and(part)
            && !text[at + word.len()..].chars().next().is_some_and(part)
    })
}

/// Where each word of `words` is, in the texts casebook wrote: word → up to three `file: text`.
fn find(built: &Built, words: &[&str]) -> BTreeMap<String, Vec<String>> {
    let user = UserText::of(built);
    let mut found: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (file, text) in reader_texts(&built.book) {
        let own = user.strip(&text);
        for word in words.iter().filter(|w| holds(&own, w)) {
            let places = found.entry((*word).to_owned()).or_default();
            if places.len() < 3 {
                places.push(format!("{file}: {own:?} (from {text:?})"));
            }
        }
    }
    found
}

#[test]
fn a_french_catalogue_gives_a_handbook_without_english_words() {
    let english = build_sample("en");
    let seen = find(&english, ENGLISH);
    let unseen: Vec<&&str> = ENGLISH.iter().filter(|w| !seen.contains_key(**w)).collect();
    assert!(
        unseen.is_empty(),
        "the English handbook should show these words as casebook's own, but the test does not see them: {unseen:?}"
    );
    drop(english);

    let french = build_sample("fr");
    let left = find(&french, &[ENGLISH, ANGLICISMS].concat());
    assert!(left.is_empty(), "English left in the French handbook:\n{left:#?}");
    let french_seen = find(&french, FRENCH);
    let missing: Vec<&&str> = FRENCH.iter().filter(|w| !french_seen.contains_key(**w)).collect();
    assert!(
        missing.is_empty(),
        "French words missing from the French handbook: {missing:?}"
    );
}

#[test]
fn the_word_finder_sees_words_and_not_parts_of_words() {
    assert!(holds("Statut : draft", "draft"));
    assert!(!holds("si the amount: continue", "if"));
    assert!(holds("si otherwise: x", "otherwise"));
    assert!(!holds("drafts and draftsmen", "draft"));
    assert!(!holds("in-reviewed", "in-review"));
    assert!(holds("FRONTSTAGE", "Frontstage"));
    assert_eq!(
        html_texts("<main><p>a &amp; b <code>draft</code></p><img alt=\"Légende\"><pre>if</pre></main>"),
        ["a & b ", "Légende"]
    );
    assert_eq!(
        html_texts("<main><td><span data-label=\"Vient de\"></span>x</td></main>"),
        ["Vient de", "x"]
    );
    assert_eq!(
        html_texts(
            "<main><li><strong>avertissement</strong> <span class=\"casebook-finding-text\">the <span>step</span> is late</span> (voir)</li></main>"
        ),
        ["avertissement", " (voir)"]
    );
}
