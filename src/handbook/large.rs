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
//! Three parts do it, and `casebook serve` uses them to render only the pages that changed:
//! [`PageMaker`] (a page's Markdown and pictures in memory), [`Layout`] (the reading order, each
//! page's neighbours, and [`Layout::key`]) and [`Renderer`] (a small book of any run of pages).
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
/// them in a small catalogue).
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

/// A chapter as its neighbours' links see it: its name and its source path.
type Link = (String, String);

/// Files made in memory: (path in the handbook, bytes).
pub type Files = Vec<(String, Vec<u8>)>;

/// A use case page made in memory, before mdBook: its Markdown and its pictures.
#[derive(Debug, Clone)]
pub struct UseCasePage {
    /// The use case's index in the catalogue.
    pub index: usize,
    /// The page's Markdown.
    pub markdown: String,
    /// The diagram, and the satisfaction map when the use case has scores: (path in the
    /// handbook, SVG).
    pub pictures: Vec<(String, String)>,
}

/// Makes use case pages in memory: the templates, words and metrics loaded once.
pub struct PageMaker<'a> {
    checked: &'a Checked,
    tera: tera::Tera,
    t: Labels,
    metrics: crate::metrics::Metrics,
    today: crate::model::Date,
}

impl<'a> PageMaker<'a> {
    /// Loads the templates (`options.templates` or the embedded ones) and computes the metrics.
    pub fn new(checked: &'a Checked, options: &BuildOptions) -> Result<Self, BuildError> {
        let cat = &checked.catalogue;
        Ok(PageMaker {
            checked,
            tera: super::templates::load(options.templates.as_deref()).map_err(BuildError::Template)?,
            t: labels::table(cat.settings.language),
            metrics: crate::metrics::compute(cat, &checked.facts),
            today: options.today,
        })
    }

    /// The pages of the use cases `indexes` (into the catalogue's list), in that order, made
    /// on rayon's pool.
    pub fn make(&self, indexes: &[usize]) -> Result<Vec<UseCasePage>, BuildError> {
        let cat = &self.checked.catalogue;
        let lanes = crate::swimlane::LaneLabels::for_catalogue(cat);
        let diagram = |i: usize| super::page_diagram(self.checked, lanes, i);
        let page_options = PageOptions {
            today: self.today,
            large: true,
            diagram: &diagram,
            progress: &|| {},
        };
        let made = pages::use_case_pages(
            self.checked,
            &self.metrics,
            &self.tera,
            &self.t,
            &page_options,
            indexes,
        )
        .map_err(BuildError::Template)?;
        let mut made: HashMap<String, String> = made.into_iter().map(|p| (p.path, p.content)).collect();
        indexes
            .iter()
            .map(|&i| {
                let id = &cat.use_cases[i].id.value;
                let markdown = made
                    .remove(&format!("use-cases/{id}.md"))
                    .ok_or_else(|| BuildError::Template(format!("no page for use case {id}")))?;
                let pictures = [
                    format!("use-cases/{id}.svg"),
                    format!("use-cases/{id}-satisfaction.svg"),
                ]
                .into_iter()
                .filter_map(|path| made.remove(&path).map(|svg| (path, svg)))
                .collect();
                Ok(UseCasePage {
                    index: i,
                    markdown,
                    pictures,
                })
            })
            .collect()
    }
}

/// Where each use case page sits among the handbook's chapters: the use cases in the order of
/// the sidebar (by domain, then title), each with the chapter before and after it in that order
/// (a use case of its domain, its domain's page, or the main book's chapter after that page).
pub struct Layout<'a> {
    checked: &'a Checked,
    /// Catalogue indexes in reading order.
    order: Vec<usize>,
    /// The main book's chapter after each of its chapters, by source path.
    after: HashMap<String, Link>,
}

impl<'a> Layout<'a> {
    /// The layout of a catalogue whose main book has `chapters` in order (source path, name).
    pub fn new(checked: &'a Checked, chapters: &[(String, String)]) -> Self {
        let after = chapters
            .windows(2)
            .map(|w| (w[0].0.clone(), (w[1].1.clone(), w[1].0.clone())))
            .collect();
        Layout {
            checked,
            order: reading_order(checked),
            after,
        }
    }

    /// Catalogue indexes in reading order.
    pub fn order(&self) -> &[usize] {
        &self.order
    }

    /// The id of the use case of catalogue index `i`.
    pub fn id(&self, i: usize) -> &str {
        self.checked.catalogue.use_cases[i].id.value.as_str()
    }

    fn use_case(&self, k: usize) -> &crate::model::UseCase {
        &self.checked.catalogue.use_cases[self.order[k]]
    }

    /// The use case at position `k`, as a link.
    fn link(&self, k: usize) -> Link {
        let uc = self.use_case(k);
        (uc.title.clone(), format!("use-cases/{}.md", uc.id.value))
    }

    fn domain(d: &str) -> Link {
        (pages::domain_title(d), format!("domains/{d}.md"))
    }

    /// The chapter before position `k`: the use case before it in its domain, else the
    /// domain's page.
    fn previous(&self, k: usize) -> Link {
        let domain = &self.use_case(k).domain;
        if k > 0 && &self.use_case(k - 1).domain == domain {
            self.link(k - 1)
        } else {
            Self::domain(domain)
        }
    }

    /// The chapter after position `k`: the next use case of its domain, else what follows the
    /// domain's page in the main book.
    fn next(&self, k: usize) -> Option<Link> {
        let domain = &self.use_case(k).domain;
        if k + 1 < self.order.len() && &self.use_case(k + 1).domain == domain {
            Some(self.link(k + 1))
        } else {
            self.after.get(&format!("domains/{domain}.md")).cloned()
        }
    }

    /// What the bytes of the use case page at position `k` depend on, hashed: its Markdown and
    /// pictures, its name and path, and its neighbours' (the page shell and the theme are the
    /// same for every page of one configuration). Two equal keys in one process mean the same
    /// page.
    pub fn key(&self, k: usize, page: &UseCasePage) -> u64 {
        use std::hash::{Hash, Hasher};
        let mut h = std::hash::DefaultHasher::new();
        (
            &page.markdown,
            &page.pictures,
            self.link(k),
            self.previous(k),
            self.next(k),
        )
            .hash(&mut h);
        h.finish()
    }

    /// The book of the use case pages at the positions `range`, `pages` in the same order: each
    /// page between the same neighbours as in the whole handbook ([`Self::previous`],
    /// [`Self::next`]), which are in the book without content, only for their links.
    fn items(&self, range: std::ops::Range<usize>, pages: &[UseCasePage]) -> Vec<BookItem> {
        let mut items = Vec::with_capacity(range.len() + 4);
        let empty = |(name, path): Link| chapter(&name, path, String::new());
        items.push(empty(self.previous(range.start)));
        for (k, page) in range.clone().zip(pages) {
            if k > range.start {
                // Where the domain changes, the last page's next chapter, then the first
                // page's previous one (its domain's page), unless they are one.
                let (next, previous) = (self.next(k - 1), self.previous(k));
                if next.as_ref() != Some(&self.link(k)) {
                    if let Some(next) = next.filter(|n| *n != previous) {
                        items.push(empty(next));
                    }
                    items.push(empty(previous));
                }
            }
            let (name, path) = self.link(k);
            items.push(chapter(&name, path, page.markdown.clone()));
        }
        if let Some(next) = self.next(range.end - 1) {
            items.push(empty(next));
        }
        items
    }
}

/// Renders pages outside the main book with mdBook's renderer, with the main book's
/// configuration and theme: use case pages, and the continuation parts of long pages. Each
/// rendering is a small book in a folder of its own, made, read back and removed.
pub struct Renderer {
    root: PathBuf,
    config: Config,
    folder: PathBuf,
    toc: String,
}

impl Renderer {
    /// A renderer of books with the style sheet and scripts of the book in `root`, the main
    /// book's configuration `config` (after [`configure`]) and its sidebar script `toc` (the file
    /// name of `toc.js` in its output, which every page loads), in the folder `folder` (made
    /// here, removed by [`Self::remove`]; mdBook copies every file of its source folder into
    /// the output, so the books' source folder holds only an empty summary).
    pub fn new(root: &Path, config: &Config, folder: PathBuf, toc: String) -> Result<Self, BuildError> {
        let src = folder.join("src");
        std::fs::create_dir_all(&src).map_err(io(&src))?;
        std::fs::write(src.join("SUMMARY.md"), "# Summary\n").map_err(io(&src))?;
        let mut config = config.clone();
        // mdBook reads the source folder relative to the root.
        config.book.src = src.strip_prefix(root).map(Path::to_owned).unwrap_or(src);
        let no_index = serde_json::json!({"": {"enable": false}});
        config
            .set("output.html.search.chapter", no_index)
            .and_then(|()| config.set("output.html.input-404", ""))
            .map_err(|e| BuildError::MdBook(e.to_string()))?;
        Ok(Renderer {
            root: root.to_owned(),
            config,
            folder,
            toc,
        })
    }

    /// The use case pages at positions `range` of `layout`'s order, whose pages in memory are
    /// `pages` (in the same order), rendered as the book `name`: each HTML page (its path in
    /// the handbook, its bytes). Their pictures are not included.
    pub fn use_cases(
        &self,
        name: &str,
        layout: &Layout<'_>,
        range: std::ops::Range<usize>,
        pages: &[UseCasePage],
    ) -> Result<Files, BuildError> {
        let rels: Vec<String> = range
            .clone()
            .map(|k| format!("use-cases/{}.html", layout.use_case(k).id.value))
            .collect();
        self.render(name, layout.items(range, pages), &rels)
    }

    /// The continuation parts `files` of one page (`NAME.part-K.md`, source paths in order),
    /// rendered as the book `name` after their page, whose Markdown and theirs `read` gives.
    pub fn parts(
        &self,
        name: &str,
        files: &[String],
        read: &dyn Fn(&str) -> Result<String, BuildError>,
    ) -> Result<Files, BuildError> {
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
        let mut items = vec![chapter(&heading(&read(&first)?), first.clone(), String::new())];
        for file in files {
            let md = read(file)?;
            items.push(chapter(&heading(&md), file.clone(), md));
        }
        let rels: Vec<String> = files
            .iter()
            .map(|f| format!("{}.html", f.strip_suffix(".md").unwrap_or(f)))
            .collect();
        self.render(name, items, &rels)
    }

    /// Renders `items` into the folder `name` and reads back the pages `rels`, naming the main
    /// book's sidebar script instead of the book's own; then removes the folder.
    fn render(&self, name: &str, items: Vec<BookItem>, rels: &[String]) -> Result<Files, BuildError> {
        let out = self.folder.join(format!("out-{name}"));
        let mut config = self.config.clone();
        config.build.build_dir = out.clone();
        let mut book =
            MDBook::load_with_config(&self.root, config).map_err(|e| BuildError::MdBook(format!("{e:#}")))?;
        book.book = Book::new_with_items(items);
        book.build().map_err(|e| BuildError::MdBook(format!("{e:#}")))?;
        let own = toc_script(&out)?;
        let (from_src, to_src) = (format!("{own}\""), format!("{}\"", self.toc));
        let mut pages = Vec::with_capacity(rels.len());
        for rel in rels {
            let from = out.join(rel);
            let page = std::fs::read_to_string(&from).map_err(|source| BuildError::Io {
                what: "read",
                path: from.clone(),
                source,
            })?;
            if !page.contains(&from_src) {
                return Err(BuildError::MdBook(format!("{rel} does not load {own}")));
            }
            pages.push((rel.clone(), page.replace(&from_src, &to_src).into_bytes()));
        }
        std::fs::remove_dir_all(&out).map_err(io(&out))?;
        Ok(pages)
    }

    /// Removes the renderer's folder.
    pub fn remove(self) -> Result<(), BuildError> {
        std::fs::remove_dir_all(&self.folder).map_err(io(&self.folder))
    }
}

/// The positions `wanted` (ascending) cut into runs of consecutive positions of at most
/// [`BATCH`] each: the books to render.
pub fn runs(wanted: &[usize]) -> Vec<std::ops::Range<usize>> {
    let mut runs: Vec<std::ops::Range<usize>> = Vec::new();
    for &k in wanted {
        match runs.last_mut() {
            Some(run) if run.end == k && run.len() < BATCH => run.end = k + 1,
            _ => runs.push(k..k + 1),
        }
    }
    runs
}

/// The key of each use case page of a handbook (by id): what [`Layout::key`] gives.
pub type PageKeys = HashMap<String, u64>;

/// Renders the use case pages of a large catalogue into `html` (the main book's output, already
/// rendered), writes their pictures beside them, renders the continuation parts of long pages
/// and writes the search index of the whole handbook. `dir` is the book's source folder (with
/// `src/` and `casebook.css`); `config` the main book's configuration, after [`configure`];
/// `chapters` its chapters in order (source path, name). Returns the key of every use case
/// page, for `casebook serve`'s later comparisons.
pub fn render_use_cases(
    checked: &Checked,
    dir: &Path,
    html: &Path,
    config: &Config,
    chapters: &[(String, String)],
    options: &BuildOptions,
) -> Result<PageKeys, BuildError> {
    // mdBook copied the search script from the source folder: one copy is enough.
    let copied = html.join("casebook-search.js");
    std::fs::remove_file(&copied).map_err(io(&copied))?;
    let renderer = Renderer::new(dir, config, dir.join(BATCHES), toc_script(html)?)?;
    let uc_dir = html.join("use-cases");
    std::fs::create_dir_all(&uc_dir).map_err(io(&uc_dir))?;
    let maker = PageMaker::new(checked, options)?;
    let layout = Layout::new(checked, chapters);
    let order = layout.order();
    let ranges: Vec<std::ops::Range<usize>> = (0..order.len())
        .step_by(BATCH)
        .map(|s| s..(s + BATCH).min(order.len()))
        .collect();
    let write = |files: &[(String, Vec<u8>)]| -> Result<(), BuildError> {
        for (rel, bytes) in files {
            let to = html.join(rel);
            std::fs::write(&to, bytes).map_err(io(&to))?;
        }
        Ok(())
    };
    /// A batch's search documents and page keys.
    type Done = (Vec<Doc>, Vec<(String, u64)>);
    let done: Vec<Result<Done, BuildError>> = ranges
        .par_iter()
        .enumerate()
        .map(|(b, range)| {
            let made = maker.make(&order[range.clone()])?;
            let mut docs = Vec::with_capacity(range.len());
            let mut keys = Vec::with_capacity(range.len());
            for (k, page) in range.clone().zip(&made) {
                let uc = &checked.catalogue.use_cases[page.index];
                let pictures: Files = page
                    .pictures
                    .iter()
                    .map(|(p, svg)| (p.clone(), svg.clone().into_bytes()))
                    .collect();
                write(&pictures)?;
                docs.push(doc(uc, &page.markdown));
                keys.push((uc.id.value.to_string(), layout.key(k, page)));
            }
            write(&renderer.use_cases(&b.to_string(), &layout, range.clone(), &made)?)?;
            Ok((docs, keys))
        })
        .collect();
    // The continuation parts of long pages, a book per page.
    let src = dir.join("src");
    let read = |rel: &str| {
        let path = src.join(rel);
        std::fs::read_to_string(&path).map_err(|source| BuildError::Io {
            what: "read",
            path,
            source,
        })
    };
    parts_of(&src)?
        .par_iter()
        .enumerate()
        .map(|(b, files)| write(&renderer.parts(&format!("parts-{b}"), files, &read)?))
        .collect::<Vec<_>>()
        .into_iter()
        .collect::<Result<(), _>>()?;
    renderer.remove()?;
    let mut index = SearchIndex::default();
    // The main book's pages first (read back from its source), then the use cases in order.
    index.add_book_source(&src)?;
    let mut keys = PageKeys::with_capacity(order.len());
    for batch in done {
        let (docs, batch_keys) = batch?;
        for doc in docs {
            index.add(doc);
        }
        keys.extend(batch_keys);
    }
    write_index(&index, &html.join("search"))?;
    Ok(keys)
}

/// The search's document of a use case page.
pub fn doc(uc: &crate::model::UseCase, markdown: &str) -> Doc {
    Doc::from_markdown(
        format!("use-cases/{}.html", uc.id.value),
        Some(uc.title.clone()),
        pages::domain_title(&uc.domain),
        markdown,
    )
}

/// Writes `index` into `dir`.
pub fn write_index(index: &SearchIndex, dir: &Path) -> Result<(), BuildError> {
    index.write(dir).map_err(|source| BuildError::Io {
        what: "write",
        path: dir.to_owned(),
        source,
    })
}

/// The file name of the sidebar's script in `dir` (`toc.js`, or `toc-HASH.js` with hashed names).
pub fn toc_script(dir: &Path) -> Result<String, BuildError> {
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
    Ok(group_parts(files.iter().map(String::as_str)))
}

/// The continuation parts among the source paths `files` (relative to `src/`), grouped by page,
/// the pages in path order and each page's parts in order of K.
pub fn group_parts<'f>(files: impl Iterator<Item = &'f str>) -> Vec<Vec<String>> {
    let mut parts: Vec<(String, usize, String)> = files
        .filter_map(|f| {
            let stem = f.strip_suffix(".md")?;
            let (page, k) = stem.rsplit_once(PART)?;
            Some((page.to_owned(), k.parse().ok()?, f.to_owned()))
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
    grouped
}

/// The page a continuation part belongs to (`teams/x.part-2.md` to `teams/x.md`), if `file` is
/// one.
pub fn part_of(file: &str) -> Option<String> {
    let (page, k) = file.strip_suffix(".md")?.rsplit_once(PART)?;
    k.parse::<usize>().ok().map(|_| format!("{page}.md"))
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
