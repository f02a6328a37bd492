//! Large catalogues (more than [`LARGE_ABOVE`](super::LARGE_ABOVE) use cases): a page per use
//! case, rendered by mdBook's own HTML renderer a batch at a time, and a sharded search index.
//!
//! Why: mdBook's renderer clones its whole render context, which holds the list of every chapter,
//! for each page it renders (`HtmlHandlebars::render`: `data.clone()`, then handlebars serializes
//! it again), keeps every chapter's parsed tree in memory until the end, and writes one search
//! index of every chapter. At 10,000 use case pages that is 10^8 chapter entries copied (25 min),
//! 4 GiB resident and a 110 MB `searchindex.js`. None of it is configurable. So in a large
//! catalogue the main book (home, domains, organisation, review) lists the domains, not the use
//! cases, and the use case pages are rendered here by the same renderer, with the same theme and
//! configuration, as small books of [`BATCH`] chapters each: the page shell, the Markdown to HTML
//! conversion, the links and the look are mdBook's own, byte for byte, and the cost is linear.
//! Each batch is made, rendered, moved into the handbook and dropped before the next, so memory
//! is bounded by a few batches. The sidebar (the main book's `toc.js`) is shared by every page.
//!
//! The search is casebook's own ([`shards`](super::shards)): mdBook's search bar and result list
//! stay, driven by `book/casebook-search.js`, which loads a small manifest and then only the
//! shards of the words typed.

use super::pages::{self, Labels, Page, PageOptions};
use super::shards::{Doc, SearchIndex};
use super::{BuildError, BuildOptions, io};
use crate::engine::Checked;
use crate::labels;
use mdbook_driver::MDBook;
use mdbook_driver::book::{Book, BookItem, Chapter};
use mdbook_driver::config::Config;
use rayon::prelude::*;
use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// Use case pages rendered by one run of mdBook's renderer: its cost grows with the square of
/// this (the context clone), and its fixed cost (theme files written) with the number of batches.
pub const BATCH: usize = 50;

/// The script of casebook's search, for large handbooks.
pub const SEARCH_JS: &str = include_str!("../../book/casebook-search.js");
/// Where it is, relative to the book's root and to the handbook's. It lives in the book's
/// `src/` because the staging folder may hold nothing else than the book source, mdBook's
/// output and the marker (`output.rs`); mdBook then shows it at the same place in the handbook.
pub const SEARCH_JS_PATH: &str = "src/casebook-search.js";
/// The batches' source and output folders, inside the book's `src/` for the same reason (made
/// after mdBook has copied `src/` into the handbook, and removed once the pages are in place).
const BATCHES: &str = "src/.batches";

/// The configuration changes of a large handbook, for the main book and the batches alike: no
/// print page (it would hold every page in one file), and mdBook's search interface without its
/// index or script, replaced by casebook's.
pub fn configure(config: &mut Config) -> Result<(), String> {
    let set = |config: &mut Config, key: &str, value: serde_json::Value| {
        config.set(key, value).map_err(|e| e.to_string())
    };
    set(config, "output.html.print.enable", false.into())?;
    set(config, "output.html.search.copy-js", false.into())?;
    let mut js: Vec<String> = config
        .get("output.html.additional-js")
        .map_err(|e| e.to_string())?
        .unwrap_or_default();
    if !js.iter().any(|j| j == SEARCH_JS_PATH) {
        js.push(SEARCH_JS_PATH.to_owned());
    }
    set(config, "output.html.additional-js", js.into())?;
    Ok(())
}

/// The use cases in the order of the sidebar: by domain, then by title (as `SUMMARY.md` lists
/// them in a small catalogue), each with the chapter before and after it in that order (a
/// domain's page, or a use case).
fn reading_order(checked: &Checked) -> Vec<usize> {
    let ucs = &checked.catalogue.use_cases;
    let mut order: Vec<usize> = (0..ucs.len()).collect();
    order.sort_by(|&a, &b| (&ucs[a].domain, &ucs[a].title).cmp(&(&ucs[b].domain, &ucs[b].title)));
    order
}

/// A chapter as the main book would have it; `content` empty for a neighbour that is only there
/// to give its neighbours their "previous" and "next" links.
fn chapter(name: &str, path: String, content: String) -> BookItem {
    BookItem::Chapter(Chapter::new(name, content, PathBuf::from(path), Vec::new()))
}

/// Renders the use case pages of a large catalogue into `html` (the main book's output, already
/// rendered), writes their pictures beside them and the search index of the whole handbook.
/// `dir` is the book's source folder (with `src/` and `casebook.css`); `config` the main book's
/// configuration, after [`configure`]; `chapters` its chapters in order (source path, name).
pub fn render_use_cases(
    checked: &Checked,
    dir: &Path,
    html: &Path,
    config: &Config,
    chapters: &[(String, String)],
    options: &BuildOptions,
) -> Result<(), BuildError> {
    // The main book's chapter after each of its chapters: after a domain's last use case comes
    // what follows the domain's page in the sidebar.
    let after: HashMap<&str, &(String, String)> =
        chapters.windows(2).map(|w| (w[0].0.as_str(), &w[1])).collect();
    // Batch pages name the sidebar's script by the hash of their own (`hash-files`): they must
    // load the main book's.
    let toc = toc_script(html)?;
    let cat = &checked.catalogue;
    let tera = super::templates::load(options.templates.as_deref()).map_err(BuildError::Template)?;
    let t = labels::table(cat.settings.language);
    let metrics = crate::metrics::compute(cat, &checked.facts);
    let lanes = crate::swimlane::LaneLabels::for_catalogue(cat);
    let diagram = |i: usize| super::page_diagram(checked, lanes, i);
    let page_options = PageOptions {
        today: options.today,
        large: true,
        diagram: &diagram,
        progress: &|| {},
    };
    // An empty source folder and summary: the batches' chapters are given in memory, and mdBook
    // copies every other file of its source folder into its output, which must stay empty.
    // mdBook copied the script from the source folder too: one copy is enough.
    let copied = html.join("casebook-search.js");
    std::fs::remove_file(&copied).map_err(io(&copied))?;
    let batches = dir.join(BATCHES);
    let batch_src = batches.join("src");
    std::fs::create_dir_all(&batch_src).map_err(io(&batch_src))?;
    std::fs::write(batch_src.join("SUMMARY.md"), "# Summary\n").map_err(io(&batch_src))?;
    let mut batch_config = config.clone();
    batch_config.book.src = PathBuf::from(BATCHES).join("src");
    let no_index = serde_json::json!({"": {"enable": false}});
    batch_config
        .set("output.html.search.chapter", no_index)
        .and_then(|()| batch_config.set("output.html.input-404", ""))
        .map_err(|e| BuildError::MdBook(e.to_string()))?;
    let uc_dir = html.join("use-cases");
    std::fs::create_dir_all(&uc_dir).map_err(io(&uc_dir))?;

    let order = reading_order(checked);
    let name = |k: usize| cat.use_cases[order[k]].title.as_str();
    let uc_path = |k: usize| format!("use-cases/{}.md", cat.use_cases[order[k]].id.value);
    let domain_path = |d: &str| format!("domains/{d}.md");
    let domain_name = |d: &str| pages::domain_title(d);
    let ranges: Vec<std::ops::Range<usize>> = (0..order.len())
        .step_by(BATCH)
        .map(|s| s..(s + BATCH).min(order.len()))
        .collect();
    let docs: Vec<Result<Vec<Doc>, BuildError>> = ranges
        .par_iter()
        .enumerate()
        .map(|(b, range)| {
            let indexes: Vec<usize> = range.clone().map(|k| order[k]).collect();
            let made = pages::use_case_pages(checked, &metrics, &tera, &t, &page_options, &indexes)
                .map_err(BuildError::Template)?;
            let mut items = Vec::with_capacity(range.len() + 4);
            // The chapter before the first: the use case before it in its domain, else the
            // domain's page.
            let first = &cat.use_cases[order[range.start]];
            if range.start > 0 && cat.use_cases[order[range.start - 1]].domain == first.domain {
                items.push(chapter(
                    name(range.start - 1),
                    uc_path(range.start - 1),
                    String::new(),
                ));
            } else {
                items.push(chapter(
                    &domain_name(&first.domain),
                    domain_path(&first.domain),
                    String::new(),
                ));
            }
            let mut docs = Vec::with_capacity(range.len());
            let mut made: HashMap<String, String> = made.into_iter().map(|p| (p.path, p.content)).collect();
            for k in range.clone() {
                let uc = &cat.use_cases[order[k]];
                let id = &uc.id.value;
                // The diagram, and the satisfaction map when the use case has scores.
                for picture in [
                    format!("use-cases/{id}.svg"),
                    format!("use-cases/{id}-satisfaction.svg"),
                ] {
                    if let Some(content) = made.remove(&picture) {
                        let to = html.join(&picture);
                        std::fs::write(&to, content).map_err(io(&to))?;
                    }
                }
                // Within a batch, a new domain starts with its page, as in the sidebar.
                if k > range.start && cat.use_cases[order[k - 1]].domain != uc.domain {
                    items.push(chapter(
                        &domain_name(&uc.domain),
                        domain_path(&uc.domain),
                        String::new(),
                    ));
                }
                let markdown = made
                    .remove(&uc_path(k))
                    .ok_or_else(|| BuildError::Template(format!("no page for use case {id}")))?;
                docs.push(Doc::from_markdown(
                    format!("use-cases/{id}.html"),
                    Some(uc.title.clone()),
                    domain_name(&uc.domain),
                    &markdown,
                ));
                items.push(chapter(name(k), uc_path(k), markdown));
            }
            // The chapter after the last: the next use case of its domain, else what follows
            // the domain's page in the main book.
            let last = &cat.use_cases[order[range.end - 1]];
            if range.end < order.len() && cat.use_cases[order[range.end]].domain == last.domain {
                items.push(chapter(name(range.end), uc_path(range.end), String::new()));
            } else if let Some((path, name)) = after.get(domain_path(&last.domain).as_str()) {
                items.push(chapter(name, path.clone(), String::new()));
            }
            let out = batches.join(format!("out-{b}"));
            render_batch(dir, &batch_config, &out, items)?;
            let rels: Vec<String> = range
                .clone()
                .map(|k| format!("use-cases/{}.html", cat.use_cases[order[k]].id.value))
                .collect();
            move_pages(&out, html, &rels, &toc)?;
            Ok(docs)
        })
        .collect();
    // The continuation parts of long pages, a batch per page.
    let src = dir.join("src");
    let parts: Vec<Result<(), BuildError>> = parts_of(&src)?
        .par_iter()
        .enumerate()
        .map(|(b, files)| {
            let first = files[0]
                .split_once(PART)
                .map(|(p, _)| format!("{p}.md"))
                .unwrap_or_default();
            let heading = |md: &str| {
                md.lines()
                    .find_map(|l| l.strip_prefix("# "))
                    .unwrap_or_default()
                    .trim()
                    .to_owned()
            };
            let read = |rel: &str| {
                let path = src.join(rel);
                std::fs::read_to_string(&path).map_err(|source| BuildError::Io {
                    what: "read",
                    path,
                    source,
                })
            };
            let mut items = vec![chapter(&heading(&read(&first)?), first.clone(), String::new())];
            for file in files {
                let md = read(file)?;
                items.push(chapter(&heading(&md), file.clone(), md));
            }
            let out = batches.join(format!("parts-{b}"));
            render_batch(dir, &batch_config, &out, items)?;
            let rels: Vec<String> = files
                .iter()
                .map(|f| format!("{}.html", f.strip_suffix(".md").unwrap_or(f)))
                .collect();
            move_pages(&out, html, &rels, &toc)
        })
        .collect();
    parts.into_iter().collect::<Result<(), _>>()?;
    std::fs::remove_dir_all(&batches).map_err(io(&batches))?;
    let mut index = SearchIndex::default();
    // The main book's pages first (read back from its source), then the use cases in order.
    index.add_book_source(&dir.join("src"))?;
    for batch in docs {
        for doc in batch? {
            index.add(doc);
        }
    }
    index.write(&html.join("search")).map_err(|e| BuildError::Io {
        what: "write",
        path: html.join("search"),
        source: e,
    })?;
    Ok(())
}

/// The file name of the sidebar's script in `dir` (`toc.js`, or `toc-HASH.js` with hashed names).
fn toc_script(dir: &Path) -> Result<String, BuildError> {
    let entries = std::fs::read_dir(dir).map_err(|source| BuildError::Io {
        what: "read",
        path: dir.to_owned(),
        source,
    })?;
    entries
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .filter(|n| n.starts_with("toc") && n.ends_with(".js"))
        .min()
        .ok_or_else(|| BuildError::MdBook(format!("no toc.js in {}", dir.display())))
}

/// Moves the pages `rels` of a batch rendered into `out` into the handbook `html`, naming the
/// main book's sidebar script `toc` instead of the batch's own; then removes `out`.
fn move_pages(out: &Path, html: &Path, rels: &[String], toc: &str) -> Result<(), BuildError> {
    let own = toc_script(out)?;
    let (from_src, to_src) = (format!("{own}\""), format!("{toc}\""));
    for rel in rels {
        let (from, to) = (out.join(rel), html.join(rel));
        let page = std::fs::read_to_string(&from).map_err(|source| BuildError::Io {
            what: "read",
            path: from.clone(),
            source,
        })?;
        if !page.contains(&from_src) {
            return Err(BuildError::MdBook(format!("{rel} does not load {own}")));
        }
        std::fs::write(&to, page.replace(&from_src, &to_src)).map_err(io(&to))?;
    }
    std::fs::remove_dir_all(out).map_err(io(out))
}

/// Renders `items` with mdBook's HTML renderer into `out`.
fn render_batch(root: &Path, config: &Config, out: &Path, items: Vec<BookItem>) -> Result<(), BuildError> {
    let mut config = config.clone();
    config.build.build_dir = out.to_owned();
    let mut book =
        MDBook::load_with_config(root, config).map_err(|e| BuildError::MdBook(format!("{e:#}")))?;
    book.book = Book::new_with_items(items);
    book.build().map_err(|e| BuildError::MdBook(format!("{e:#}")))
}

/// A page of the main book whose Markdown is longer than this is cut into parts (a team's or a
/// channel's page lists thousands of use cases at 10,000): its HTML stays under 1 MB.
pub const PART_BYTES: usize = 256 * 1024;

/// The infix of a part's file name: `teams/x.md` continues in `teams/x.part-2.md`. A slug has
/// no dot, so no page of an id can be named so.
const PART: &str = ".part-";

/// Cuts every page over `limit` bytes of Markdown into parts (see [`split_markdown`]): the first
/// keeps the page's path (and its place in the sidebar), the others are `NAME.part-K.md` beside
/// it, rendered with the use cases. Each part ends with a link to the next one, each but the
/// first begins with the page's title, its number and a link to the previous one.
pub fn split_pages(pages: Vec<Page>, t: &Labels, limit: usize) -> Vec<Page> {
    let mut out = Vec::with_capacity(pages.len());
    for page in pages {
        let Some(stem) = page
            .path
            .strip_suffix(".md")
            .filter(|_| page.content.len() > limit && page.path != "SUMMARY.md")
        else {
            out.push(page);
            continue;
        };
        let name = stem.rsplit('/').next().unwrap_or(stem).to_owned();
        let file = |k: usize| match k {
            1 => format!("{name}.md"),
            _ => format!("{name}{PART}{k}.md"),
        };
        let parts = split_markdown(&page.content, limit);
        let m = parts.len();
        let title = page
            .content
            .lines()
            .find_map(|l| l.strip_prefix("# "))
            .unwrap_or_default()
            .trim()
            .to_owned();
        for (k, mut body) in parts.into_iter().enumerate().map(|(k, b)| (k + 1, b)) {
            if k > 1 {
                let of = t["part_n_of_m"]
                    .replace("{n}", &k.to_string())
                    .replace("{m}", &m.to_string());
                body = format!(
                    "# {title} ({of})\n\n[{}]({})\n\n{body}",
                    t["part_previous"],
                    file(k - 1)
                );
            }
            if k < m {
                if !body.ends_with('\n') {
                    body.push('\n');
                }
                body.push_str(&format!("\n[{}]({})\n", t["part_next"], file(k + 1)));
            }
            let path = match k {
                1 => page.path.clone(),
                _ => format!("{stem}{PART}{k}.md"),
            };
            out.push(Page { path, content: body });
        }
    }
    out
}

/// Cuts Markdown into pieces of about `limit` bytes at places that keep its blocks whole: before
/// a blank line, a heading, a list item or a table row, never inside a fenced code block, an
/// indented block or an HTML block. A table cut in two has its header repeated in the next piece.
pub fn split_markdown(markdown: &str, limit: usize) -> Vec<String> {
    let lines: Vec<&str> = markdown.split_inclusive('\n').collect();
    let mut parts = vec![String::new()];
    let mut fence = false;
    let mut html = false;
    let mut header: Option<(usize, usize)> = None; // the table's header and separator lines
    for (i, line) in lines.iter().enumerate() {
        let trimmed = line.trim_end();
        let separator = |l: &str| {
            let l = l.trim();
            l.starts_with('|') && l.contains('-') && l.chars().all(|c| matches!(c, '|' | '-' | ':' | ' '))
        };
        let row = trimmed.starts_with('|');
        if row && header.is_none() && lines.get(i + 1).is_some_and(|n| separator(n)) {
            header = Some((i, i + 1));
        } else if !row {
            header = None;
        }
        let in_table_body = header.is_some_and(|(_, s)| i > s);
        let boundary = !fence
            && !html
            && (trimmed.is_empty()
                || trimmed.starts_with('#')
                || trimmed.starts_with("- ")
                || trimmed.starts_with("* ")
                || in_table_body
                || trimmed
                    .split_once(". ")
                    .is_some_and(|(n, _)| !n.is_empty() && n.chars().all(|c| c.is_ascii_digit())));
        let current = parts.last().expect("a part");
        if boundary && current.len() + line.len() > limit && !current.trim().is_empty() {
            let mut next = String::new();
            if let (true, Some((h, s))) = (in_table_body, header) {
                next.push_str(lines[h]);
                next.push_str(lines[s]);
            }
            parts.push(next);
        }
        if trimmed.starts_with("```") || trimmed.starts_with("~~~") {
            fence = !fence;
        }
        // An HTML block runs to the next blank line (CommonMark's blocks of types 6 and 7).
        if !fence && trimmed.starts_with('<') {
            html = true;
        } else if trimmed.is_empty() {
            html = false;
        }
        parts.last_mut().expect("a part").push_str(line);
    }
    parts
}

/// The continuation parts written beside the main book's pages (`NAME.part-K.md`), in path
/// order, grouped by page in order of K.
fn parts_of(src: &Path) -> Result<Vec<Vec<String>>, BuildError> {
    let mut files = Vec::new();
    super::shards::collect_markdown(src, src, &mut files)?;
    let mut parts: Vec<(String, usize, String)> = files
        .into_iter()
        .filter_map(|f| {
            let stem = f.strip_suffix(".md")?;
            let (page, k) = stem.rsplit_once(PART)?;
            Some((page.to_owned(), k.parse().ok()?, f.clone()))
        })
        .collect();
    parts.sort();
    let mut grouped: Vec<Vec<String>> = Vec::new();
    let mut last: Option<String> = None;
    for (page, _, file) in parts {
        if last.as_deref() != Some(page.as_str()) {
            grouped.push(Vec::new());
            last = Some(page);
        }
        grouped.last_mut().expect("a group").push(file);
    }
    Ok(grouped)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markdown_is_cut_between_blocks_and_a_table_keeps_its_header() {
        let mut md = String::from("# Team\n\nIntro.\n\n| A | B |\n|---|---|\n");
        for i in 0..40 {
            md.push_str(&format!("| row {i} | x |\n"));
        }
        md.push_str("\n```\ncode\n\ncode\n```\n\n- item\n  more\n- item\n");
        let parts = split_markdown(&md, 200);
        assert!(parts.len() > 3, "{parts:#?}");
        assert_eq!(parts.concat().matches("| row ").count(), 40, "every row once");
        for part in &parts[1..] {
            if part.contains("| row ") {
                assert!(part.starts_with("| A | B |\n|---|---|\n"), "{part}");
            }
            assert!(part.len() <= 200 + 40, "{part}");
        }
        assert!(
            parts.iter().any(|p| p.contains("```\ncode\n\ncode\n```")),
            "the fence stays whole"
        );
        assert!(
            parts.iter().any(|p| p.contains("- item\n  more\n")),
            "the item stays whole"
        );
        assert_eq!(split_markdown("# x\n", 200), ["# x\n"]);
    }

    #[test]
    fn a_long_page_becomes_linked_parts_and_a_short_one_stays() {
        let t = crate::labels::table(crate::config::Language::En);
        let mut content = String::from("# Contact centre\n\n");
        for i in 0..100 {
            content.push_str(&format!("- use case {i}\n"));
        }
        let pages = vec![
            Page {
                path: "teams/contact-centre.md".into(),
                content,
            },
            Page {
                path: "teams/small.md".into(),
                content: "# Small\n".into(),
            },
        ];
        let out = split_pages(pages, &t, 500);
        let paths: Vec<&str> = out.iter().map(|p| p.path.as_str()).collect();
        assert_eq!(paths[0], "teams/contact-centre.md");
        assert_eq!(paths[1], "teams/contact-centre.part-2.md");
        assert_eq!(*paths.last().unwrap(), "teams/small.md");
        let m = out.len() - 1;
        assert!(
            out[0]
                .content
                .ends_with("\n[Next part](contact-centre.part-2.md)\n"),
            "{}",
            out[0].content
        );
        assert!(out[1].content.starts_with(&format!(
            "# Contact centre (part 2 of {m})\n\n[Previous part](contact-centre.md)\n\n"
        )));
        assert!(!out[m - 1].content.contains("Next part"));
        let all: String = out.iter().map(|p| p.content.as_str()).collect();
        for i in 0..100 {
            assert_eq!(all.matches(&format!("- use case {i}\n")).count(), 1);
        }
    }
}
