//! casebook's search index for large handbooks: terms sharded by their first letters, loaded on
//! demand by `book/casebook-search.js`, so that no file a search loads is large.
//!
//! Layout, under `search/` in the handbook (all files are scripts, so that the handbook works
//! from `file://` as well as from a server):
//!
//! - `index.js`: `casebookSearch.index({"docs": N, "per": P, "shards": [KEY, ...]})`, the
//!   number of documents, how many a docs file holds, and the key of every shard.
//! - `docs-K.js`: `casebookSearch.docs(K, [[URL, TITLE, BREADCRUMBS, TEASER], ...])`, documents
//!   `K * P` to `K * P + P - 1`. URLs are relative to the handbook's root, made from ids that
//!   passed `is_slug`; texts are shown with `textContent`, never as markup.
//! - `<hex of KEY's UTF-8>.js`: `casebookSearch.shard(KEY, {TERM: [DOC, WEIGHT, DOC, WEIGHT,
//!   ...]})`, the postings of every term that starts with KEY (document numbers as the
//!   difference from the previous one, ascending). A key is a term's first two characters; a
//!   shard that would exceed [`SHARD_BYTES`] is split by one more character, and so on. A term
//!   belongs to the longest key that is a prefix of it.
//!
//! Terms: the runs of alphanumeric characters (Unicode `Alphabetic` or numeric, as Rust's
//! `char::is_alphanumeric` and the script's `[\p{Alphabetic}\p{Nd}\p{Nl}\p{No}]`), lower-cased,
//! of at least two characters. A term's weight in a document: 10 per occurrence in its title
//! plus its occurrences in the text, at most 99.

use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;

/// A shard above this many bytes is split by one more character of its terms (when it can be).
pub const SHARD_BYTES: usize = 512 * 1024;
/// Documents per docs file.
pub const DOCS_PER_FILE: usize = 1000;
/// Characters of a teaser.
const TEASER: usize = 160;

/// One page of the handbook, as the search sees it.
#[derive(Debug, Clone)]
pub struct Doc {
    /// Its address, relative to the handbook's root.
    pub url: String,
    /// Its title.
    pub title: String,
    /// Where it is (a use case's domain).
    pub breadcrumbs: String,
    /// The start of its text.
    pub teaser: String,
    /// Its terms with their weights, sorted by term.
    pub terms: Vec<(String, u8)>,
}

/// The terms of `text`, in order, repeated as they occur.
pub fn terms(text: &str) -> impl Iterator<Item = String> + '_ {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .filter(|w| w.chars().count() >= 2)
}

impl Doc {
    /// A page from its Markdown: the title is `title`, else its first heading; the text is every
    /// text of the page except raw HTML (pictures, anchors).
    pub fn from_markdown(url: String, title: Option<String>, breadcrumbs: String, markdown: &str) -> Doc {
        let mut heading: Option<String> = None;
        let (mut in_heading, mut in_paragraph) = (false, false);
        let mut first_heading_done = false;
        let mut text = String::new();
        let mut teaser = String::new();
        for event in Parser::new_ext(markdown, Options::ENABLE_TABLES) {
            match event {
                Event::Start(Tag::Heading { .. }) => in_heading = !first_heading_done,
                Event::End(TagEnd::Heading(_)) => {
                    first_heading_done |= in_heading;
                    in_heading = false;
                }
                Event::Start(Tag::Paragraph) => in_paragraph = true,
                Event::End(TagEnd::Paragraph) => {
                    in_paragraph = false;
                    if !teaser.is_empty() && !teaser.ends_with(' ') {
                        teaser.push(' ');
                    }
                }
                Event::Text(s) | Event::Code(s) => {
                    if in_heading {
                        heading.get_or_insert_with(String::new).push_str(&s);
                    } else if in_paragraph && teaser.chars().count() < TEASER {
                        teaser.push_str(&s);
                    }
                    text.push_str(&s);
                    text.push(' ');
                }
                Event::SoftBreak | Event::HardBreak => {
                    text.push(' ');
                    if in_paragraph {
                        teaser.push(' ');
                    }
                }
                _ => text.push(' '),
            }
        }
        let title = title.or(heading).unwrap_or_else(|| url.clone());
        let mut weights: BTreeMap<String, u32> = BTreeMap::new();
        for term in terms(&title) {
            *weights.entry(term).or_default() += 10;
        }
        for term in terms(&text) {
            *weights.entry(term).or_default() += 1;
        }
        let mut teaser: String = teaser.split_whitespace().collect::<Vec<_>>().join(" ");
        if teaser.chars().count() > TEASER {
            teaser = teaser.chars().take(TEASER).collect::<String>() + "…";
        }
        Doc {
            url,
            title,
            breadcrumbs,
            teaser,
            terms: weights.into_iter().map(|(t, w)| (t, w.min(99) as u8)).collect(),
        }
    }
}

/// The documents and postings of a handbook, in the order added.
#[derive(Debug, Default)]
pub struct SearchIndex {
    docs: Vec<(String, String, String, String)>,
    postings: BTreeMap<String, Vec<(u32, u8)>>,
}

impl SearchIndex {
    /// Adds a document.
    pub fn add(&mut self, doc: Doc) {
        let n = self.docs.len() as u32;
        for (term, weight) in doc.terms {
            self.postings.entry(term).or_default().push((n, weight));
        }
        self.docs.push((doc.url, doc.title, doc.breadcrumbs, doc.teaser));
    }

    /// Adds every page of a book's source folder (`*.md` but `SUMMARY.md`, in path order), by its
    /// first heading.
    pub fn add_book_source(&mut self, src: &Path) -> Result<(), super::BuildError> {
        let mut files = Vec::new();
        collect_markdown(src, src, &mut files)?;
        files.sort();
        let mut pages = Vec::with_capacity(files.len());
        for rel in files {
            let path = src.join(&rel);
            let markdown = std::fs::read_to_string(&path).map_err(|source| super::BuildError::Io {
                what: "read",
                path: path.clone(),
                source,
            })?;
            pages.push((rel, markdown));
        }
        self.add_book_pages(pages.iter().map(|(rel, md)| (rel.as_str(), md.as_str())));
        Ok(())
    }

    /// Adds the pages `pages` of a book's source (path relative to `src/`, Markdown; in path
    /// order), but `SUMMARY.md`, by their first heading: [`Self::add_book_source`] from memory.
    pub fn add_book_pages<'p>(&mut self, pages: impl Iterator<Item = (&'p str, &'p str)>) {
        for (rel, markdown) in pages {
            if rel == "SUMMARY.md" {
                continue;
            }
            let url = format!("{}.html", rel.strip_suffix(".md").unwrap_or(rel));
            self.add(Doc::from_markdown(url, None, String::new(), markdown));
        }
    }

    /// Number of documents.
    pub fn len(&self) -> usize {
        self.docs.len()
    }

    /// True when it has no document.
    pub fn is_empty(&self) -> bool {
        self.docs.is_empty()
    }

    /// Writes the index into `dir` (made if missing).
    pub fn write(&self, dir: &Path) -> std::io::Result<()> {
        std::fs::create_dir_all(dir)?;
        let mut keys = Vec::new();
        let terms: Vec<(&String, &Vec<(u32, u8)>)> = self.postings.iter().collect();
        shard(&terms, 2, SHARD_BYTES, &mut |key, body| {
            keys.push(key.to_owned());
            let file = dir.join(format!("{}.js", hex(key)));
            std::fs::write(file, body)
        })?;
        for (k, chunk) in self.docs.chunks(DOCS_PER_FILE).enumerate() {
            let rows: Vec<[&str; 4]> = chunk
                .iter()
                .map(|(u, t, b, s)| [u.as_str(), t.as_str(), b.as_str(), s.as_str()])
                .collect();
            let json = serde_json::to_string(&rows).map_err(std::io::Error::other)?;
            std::fs::write(
                dir.join(format!("docs-{k}.js")),
                format!("casebookSearch.docs({k},{json});\n"),
            )?;
        }
        let manifest = serde_json::json!({"docs": self.docs.len(), "per": DOCS_PER_FILE, "shards": keys});
        std::fs::write(
            dir.join("index.js"),
            format!("casebookSearch.index({manifest});\n"),
        )
    }
}

/// The `*.md` files below `dir`, relative to `root`, with `/`.
pub(crate) fn collect_markdown(
    root: &Path,
    dir: &Path,
    out: &mut Vec<String>,
) -> Result<(), super::BuildError> {
    let err = |source| super::BuildError::Io {
        what: "read",
        path: dir.to_owned(),
        source,
    };
    for entry in std::fs::read_dir(dir).map_err(err)? {
        let path = entry.map_err(err)?.path();
        if path.is_dir() {
            collect_markdown(root, &path, out)?;
        } else if path.extension().is_some_and(|e| e == "md")
            && let Ok(rel) = path.strip_prefix(root)
        {
            out.push(rel.to_string_lossy().replace('\\', "/"));
        }
    }
    Ok(())
}

/// The first `n` characters of `term`.
fn key(term: &str, n: usize) -> &str {
    term.char_indices().nth(n).map_or(term, |(i, _)| &term[..i])
}

/// The script of a shard.
fn shard_body(key: &str, terms: &[(&String, &Vec<(u32, u8)>)]) -> String {
    let mut body = format!("casebookSearch.shard({},{{", serde_json::Value::from(key));
    for (i, (term, postings)) in terms.iter().enumerate() {
        if i > 0 {
            body.push(',');
        }
        let _ = write!(body, "{}:[", serde_json::Value::from(term.as_str()));
        let mut last = 0;
        for (j, (doc, weight)) in postings.iter().enumerate() {
            if j > 0 {
                body.push(',');
            }
            let _ = write!(body, "{},{weight}", doc - last);
            last = *doc;
        }
        body.push(']');
    }
    body.push_str("});\n");
    body
}

/// Groups the sorted `terms` by their first `n` characters and writes each group as a shard, or
/// splits it by one more character when it is over `limit` bytes and its terms are longer.
fn shard(
    terms: &[(&String, &Vec<(u32, u8)>)],
    n: usize,
    limit: usize,
    write: &mut dyn FnMut(&str, String) -> std::io::Result<()>,
) -> std::io::Result<()> {
    let mut start = 0;
    while start < terms.len() {
        let k = key(terms[start].0, n);
        let mut end = start + 1;
        while end < terms.len() && key(terms[end].0, n) == k {
            end += 1;
        }
        let group = &terms[start..end];
        let body = shard_body(k, group);
        let splittable = group.iter().any(|(t, _)| t.chars().count() > n);
        if body.len() > limit && splittable {
            // The terms exactly `k` stay in the shard `k`; the longer ones go one level down.
            let (short, long): (Vec<_>, Vec<_>) = group.iter().partition(|(t, _)| t.chars().count() <= n);
            if !short.is_empty() {
                write(k, shard_body(k, &short))?;
            }
            shard(&long, n + 1, limit, write)?;
        } else {
            write(k, body)?;
        }
        start = end;
    }
    Ok(())
}

/// `key`'s UTF-8 bytes in hexadecimal: a file name that any key gives safely.
pub fn hex(key: &str) -> String {
    key.bytes().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn terms_are_lower_cased_alphanumeric_runs_of_two_characters_or_more() {
        let t: Vec<String> = terms("Le client d'Écran-2 a 3 cartes; x").collect();
        assert_eq!(t, ["le", "client", "écran", "cartes"]);
    }

    #[test]
    fn a_large_shard_is_split_by_one_more_character_and_a_short_term_stays_in_its_key() {
        let mut index = SearchIndex::default();
        for i in 0..3000 {
            let text = format!("# T{i}\n\ncustomer custard cu cub zz{}\n", i % 7);
            index.add(Doc::from_markdown(
                format!("p{i}.html"),
                None,
                String::new(),
                &text,
            ));
        }
        let terms: Vec<_> = index.postings.iter().collect();
        let shards = |limit: usize| {
            let mut written: BTreeMap<String, String> = BTreeMap::new();
            shard(&terms, 2, limit, &mut |k: &str, body: String| {
                written.insert(k.to_owned(), body);
                Ok(())
            })
            .unwrap();
            written
        };
        // Under the limit, a shard per two first characters...
        let whole = shards(SHARD_BYTES);
        assert_eq!(
            whole.keys().collect::<Vec<_>>(),
            [
                "cu", "t0", "t1", "t2", "t3", "t4", "t5", "t6", "t7", "t8", "t9", "zz"
            ]
        );
        assert!(
            whole["cu"].starts_with("casebookSearch.shard(\"cu\",{\"cu\":[0,1,1,1,1,1"),
            "{}",
            &whole["cu"][..80]
        );
        assert!(whole["zz"].contains("\"zz0\":[0,1,7,1,7,1") && !whole["zz"].contains("custard"));
        // ...over it, split by a third character; the term `cu` itself stays in `cu`.
        let split = shards(40_000);
        assert!(split["cu"].contains("\"cu\":") && !split["cu"].contains("cub"));
        assert!(
            split["cub"].contains("\"cub\":")
                && split["cus"].contains("\"custard\":")
                && split["cus"].contains("\"customer\":")
        );
        assert_eq!(hex("é1"), "c3a931");
    }

    #[test]
    fn a_page_is_indexed_by_its_title_and_text_but_not_its_raw_html() {
        let doc = Doc::from_markdown(
            "use-cases/x.html".into(),
            Some("Lost card".into()),
            "Cards".into(),
            "# Lost card\n\nThe customer calls.\n\n<div class=\"casebook-viewer\">\n<svg><text>hidden</text></svg>\n</div>\n\n| a | b |\n|---|---|\n| cell | two |\n",
        );
        let w: BTreeMap<_, _> = doc.terms.iter().cloned().collect();
        assert_eq!(w["lost"], 11, "title 10, heading text 1");
        assert_eq!(w["customer"], 1);
        assert!(w.contains_key("cell"));
        assert!(!w.contains_key("hidden") && !w.contains_key("svg"));
        assert_eq!(doc.teaser, "The customer calls.");
    }
}
