//! Rebuilds in the large form (more than [`handbook::LARGE_ABOVE`] use cases), where the use
//! case pages, the continuation parts of long pages and the search index are not mdBook's main
//! book but [`handbook::large`]'s. A full render there costs about 35 s at 10,000 use cases, so
//! after the first build a save never takes it while the catalogue's settings stay the same and
//! nothing is removed. Instead:
//!
//! - **quick pass**: the pages of the use cases whose YAML file changed are made in memory and
//!   rendered, each between its neighbours, and served at once (the saved page);
//! - **full pass**: everything else, compared in memory with what is served: the main book
//!   (through the small form's quick pass, [`Rebuilder::quick_pass`]), every use case page by
//!   its key ([`large::Layout::key`]: its Markdown, pictures, name and neighbours), the parts
//!   of long pages whose source changed, and the search index, written whole and served file by
//!   file where the bytes changed. Only what changed is rendered; what it writes is what a whole
//!   build writes, byte for byte (a test holds it).
//!
//! When a change is waiting after the quick pass, after the main book, or after a thousand use
//! case pages, the full pass stops there (what it served is right) and the next rebuild, which
//! compares against what is served, catches up: a save waits for at most one of those steps
//! (about 6 s at 10,000 use cases, the main book's pages), not the whole pass.

use super::{
    ChapterKey, Errors, Outcome, Publish, Rebuilder, build_line, chapter_keys, failed, serve_config,
    toc_items,
};
use crate::engine::Checked;
use crate::handbook::large::{self, Layout, PageKeys, PageMaker, Renderer, UseCasePage};
use crate::handbook::shards::SearchIndex;
use crate::handbook::{self, BuildError, BuildOptions};
use rayon::prelude::*;
use std::collections::{BTreeMap, HashMap};
use std::path::Path;
use std::time::Instant;

/// At most this many use cases whose file changed are served by the quick pass; more (a branch
/// checked out) wait for the full pass, which renders them all the same.
const QUICK_MAX: usize = 20;

/// Use case pages made in memory at a time by the full pass: bounds its memory.
const CHUNK: usize = 1000;

/// Where a rebuild announces what it served, whether another change waits, and when it began.
#[derive(Clone, Copy)]
pub(super) struct Signals<'a> {
    pub publish: &'a dyn Publish,
    pub pending: &'a dyn Fn() -> bool,
    pub start: Instant,
}

/// What the large form remembers of the last build that reached `site/`.
pub(super) struct State {
    /// The key of every use case page served, by id.
    keys: PageKeys,
    /// The hash of every use case's YAML file then, by id.
    yaml: HashMap<String, u64>,
    /// The catalogue's name and language (the mdBook configuration depends on nothing else).
    settings: String,
}

impl State {
    /// The state after a whole build.
    pub(super) fn new(checked: &Checked, keys: PageKeys) -> Self {
        State {
            keys,
            yaml: yaml_hashes(checked),
            settings: settings(checked),
        }
    }

    /// True when a rebuild of `checked` may go without a full render: the same settings, and
    /// every use case served still there.
    pub(super) fn applies(&self, checked: &Checked) -> bool {
        let ids: std::collections::HashSet<&str> = checked
            .catalogue
            .use_cases
            .iter()
            .map(|uc| uc.id.value.as_str())
            .collect();
        self.settings == settings(checked) && self.keys.keys().all(|id| ids.contains(id.as_str()))
    }
}

fn settings(checked: &Checked) -> String {
    let s = &checked.catalogue.settings;
    format!("{:?}\u{1f}{:?}", s.name, s.language)
}

/// The hash of each use case's file (its path and text), by id.
fn yaml_hashes(checked: &Checked) -> HashMap<String, u64> {
    use std::hash::{Hash, Hasher};
    let sources = &checked.report.sources;
    checked
        .catalogue
        .use_cases
        .iter()
        .map(|uc| {
            let file = sources.get(uc.file);
            let mut h = std::hash::DefaultHasher::new();
            // A packed text (never in `serve`, which does not pack) counts as changed.
            (&file.rel_path, &file.text, file.is_packed()).hash(&mut h);
            (uc.id.value.to_string(), h.finish())
        })
        .collect()
}

/// The main book's chapters as [`Layout`] takes them: (source path, name).
fn main_chapters(chapters: &[ChapterKey]) -> Vec<(String, String)> {
    chapters
        .iter()
        .map(|c| (c.path.clone(), c.name.clone()))
        .collect()
}

impl Rebuilder {
    /// The quick and full passes of the large form (see the module's documentation), on a
    /// workspace whose `site/` holds a whole build and whose `state` [`State::applies`]. Returns
    /// false when the book's settings or style changed or a file of its source is gone: then
    /// only a whole render will do (what the quick pass wrote stays correct).
    pub(super) fn large_passes(
        &mut self,
        checked: &Checked,
        options: &BuildOptions,
        state: &mut State,
        signals: &Signals<'_>,
        outcome: &mut Outcome,
    ) -> Result<bool, Errors> {
        let Signals {
            publish,
            pending,
            start,
        } = *signals;
        let language = checked.catalogue.settings.language;
        let fail = |e: BuildError| failed(language, build_line(e));
        let config = serve_config(checked).map_err(fail)?;
        let next = self.work.join("next");
        let maker = PageMaker::new(checked, options).map_err(fail)?;
        let work = self.work.clone();
        let renderer = || {
            let toc = large::toc_script(&work.join("site"))?;
            let folder = work.join("batches");
            super::remove_own_folder(&folder).map_err(|source| BuildError::Io {
                what: "clear",
                path: folder.clone(),
                source,
            })?;
            Renderer::new(&next, &config, folder, toc)
        };
        let mut lap = Instant::now();

        // The quick pass: the use cases whose file changed, between the neighbours of the last
        // main book (if the main book changed, the full pass renders them again).
        let yaml = yaml_hashes(checked);
        let saved: Vec<usize> = (0..checked.catalogue.use_cases.len())
            .filter(|&i| {
                let id = checked.catalogue.use_cases[i].id.value.as_str();
                state.yaml.get(id) != yaml.get(id)
            })
            .collect();
        if !saved.is_empty() && saved.len() <= QUICK_MAX {
            let layout = Layout::new(checked, &main_chapters(&self.chapters));
            let made = maker.make(&saved).map_err(fail)?;
            let renderer = renderer().map_err(fail)?;
            outcome.quick = self
                .render_use_cases(&renderer, &layout, state, made)
                .map_err(fail)?;
            renderer.remove().map_err(fail)?;
            for i in saved {
                let id = checked.catalogue.use_cases[i].id.value.to_string();
                let hash = yaml[&id];
                state.yaml.insert(id, hash);
            }
            publish.publish(&outcome.quick, None);
            outcome.first_published = start.elapsed();
            publish.pass_done("quick", &outcome.quick, outcome.first_published);
            outcome.phases.push(("quick", lap.elapsed()));
            lap = Instant::now();
            if pending() {
                outcome.full_skipped = true;
                return Ok(true);
            }
        }

        // The full pass. The main book: its source in memory, written where it changed, and its
        // changed pages rendered as in the small form.
        let source: BTreeMap<String, Vec<u8>> = handbook::source_files(checked, options, true)
            .map_err(fail)?
            .files
            .into_iter()
            .collect();
        if !self.quick_applies(&source) {
            return Ok(false);
        }
        self.sync_source(&next, &source, false).map_err(fail)?;
        let book = mdbook_driver::MDBook::load_with_config(&next, config.clone())
            .map_err(|e| fail(BuildError::MdBook(format!("{e:#}"))))?;
        let chapters = chapter_keys(&book.book);
        let toc = toc_items(&book.book);
        let mut written = self.quick_pass(book, &chapters, &toc, &source).map_err(fail)?;
        let changed: Vec<&str> = source
            .iter()
            .filter(|(k, v)| self.source.get(*k) != Some(*v))
            .filter_map(|(k, _)| k.strip_prefix("src/"))
            .collect();
        self.chapters = chapters;
        self.toc = toc;
        // A save waiting: what is served is right so far, and the next rebuild compares again.
        let stop = |outcome: &mut Outcome, written: Vec<String>| {
            publish.publish(&written, None);
            outcome.full = written;
            outcome.full_skipped = true;
            Ok(true)
        };
        if pending() {
            return stop(outcome, written);
        }
        let renderer = renderer().map_err(fail)?;
        // The continuation parts of a page whose source or first part changed.
        let md: Vec<&str> = source.keys().filter_map(|k| k.strip_prefix("src/")).collect();
        let read = |rel: &str| {
            source
                .get(&format!("src/{rel}"))
                .map(|b| String::from_utf8_lossy(b).into_owned())
                .ok_or_else(|| BuildError::Template(format!("no page {rel}")))
        };
        for (b, files) in large::group_parts(md.iter().copied()).iter().enumerate() {
            let page = large::part_of(&files[0]).unwrap_or_default();
            if changed.iter().any(|c| *c == page || files.iter().any(|f| f == c)) {
                for (rel, bytes) in renderer
                    .parts(&format!("parts-{b}"), files, &read)
                    .map_err(fail)?
                {
                    if self.put(&rel, &bytes).map_err(fail)? {
                        written.push(rel);
                    }
                }
            }
        }
        // Every use case page, a chunk at a time, by its key; and the search's documents.
        let layout = Layout::new(checked, &main_chapters(&self.chapters));
        let mut index = SearchIndex::default();
        // The main book's pages first, in path order, as the whole build reads them back.
        index.add_book_pages(source.iter().filter_map(|(k, v)| {
            let rel = k.strip_prefix("src/").filter(|r| r.ends_with(".md"))?;
            Some((rel, std::str::from_utf8(v).ok()?))
        }));
        for chunk in layout.order().chunks(CHUNK) {
            let made = maker.make(chunk).map_err(fail)?;
            let docs: Vec<_> = made
                .par_iter()
                .map(|page| large::doc(&checked.catalogue.use_cases[page.index], &page.markdown))
                .collect();
            for doc in docs {
                index.add(doc);
            }
            written.extend(
                self.render_use_cases(&renderer, &layout, state, made)
                    .map_err(fail)?,
            );
            if pending() {
                renderer.remove().map_err(fail)?;
                return stop(outcome, written);
            }
        }
        renderer.remove().map_err(fail)?;
        written.extend(self.sync_search(&index).map_err(fail)?);
        state.yaml = yaml;
        self.source = source;
        outcome.full = written;
        outcome.phases.push(("compare", lap.elapsed()));
        publish.publish(&outcome.full, None);
        publish.pass_done("full", &outcome.full, start.elapsed());
        if outcome.quick.is_empty() {
            outcome.first_published = start.elapsed();
        }
        Ok(true)
    }

    /// Renders the pages of `made` whose key differs from the one served (or that were never
    /// served), each between its neighbours in `layout`, and writes them and their changed
    /// pictures into `site/`; records their keys in `state`. Returns what it wrote.
    fn render_use_cases(
        &self,
        renderer: &Renderer,
        layout: &Layout<'_>,
        state: &mut State,
        made: Vec<UseCasePage>,
    ) -> Result<Vec<String>, BuildError> {
        let position: HashMap<usize, usize> =
            layout.order().iter().enumerate().map(|(k, &i)| (i, k)).collect();
        let mut wanted: Vec<(usize, UseCasePage, u64)> = made
            .into_iter()
            .filter_map(|page| {
                let k = position[&page.index];
                let key = layout.key(k, &page);
                (state.keys.get(layout.id(page.index)) != Some(&key)).then_some((k, page, key))
            })
            .collect();
        wanted.sort_by_key(|(k, _, _)| *k);
        let positions: Vec<usize> = wanted.iter().map(|(k, _, _)| *k).collect();
        let mut written = Vec::new();
        let mut at = 0;
        let runs = large::runs(&positions);
        let mut books = Vec::with_capacity(runs.len());
        for run in runs {
            let pages: Vec<UseCasePage> = wanted[at..at + run.len()]
                .iter()
                .map(|(_, p, _)| p.clone())
                .collect();
            at += run.len();
            books.push((run, pages));
        }
        let rendered: Vec<Result<large::Files, BuildError>> = books
            .par_iter()
            .map(|(run, pages)| renderer.use_cases(&format!("uc-{}", run.start), layout, run.clone(), pages))
            .collect();
        for html in rendered {
            for (rel, bytes) in html? {
                if self.put(&rel, &bytes)? {
                    written.push(rel);
                }
            }
        }
        for (_, page, key) in wanted {
            for (rel, svg) in &page.pictures {
                if self.put(rel, svg.as_bytes())? {
                    written.push(rel.clone());
                }
            }
            state.keys.insert(layout.id(page.index).to_owned(), key);
        }
        Ok(written)
    }

    /// Writes the search index into `search-next/` of the workspace, then serves each of its
    /// files whose bytes changed and removes from `site/search/` the files it no longer has.
    fn sync_search(&self, index: &SearchIndex) -> Result<Vec<String>, BuildError> {
        let dir = self.work.join("search-next");
        let io = |what, path: &Path| {
            let path = path.to_owned();
            move |source| BuildError::Io { what, path, source }
        };
        super::remove_own_folder(&dir).map_err(io("clear", &dir))?;
        large::write_index(index, &dir)?;
        let new = super::list_files(&dir).map_err(io("read", &dir))?;
        let site = self.work.join("site/search");
        let old = super::list_files(&site).map_err(io("read", &site))?;
        let mut written = Vec::new();
        for rel in &new {
            let bytes = std::fs::read(dir.join(rel)).map_err(io("read", &dir.join(rel)))?;
            let served = format!("search/{rel}");
            if self.put(&served, &bytes)? {
                written.push(served);
            }
        }
        for rel in old.difference(&new) {
            std::fs::remove_file(site.join(rel)).map_err(io("remove", &site.join(rel)))?;
            written.push(format!("search/{rel}"));
        }
        super::remove_own_folder(&dir).map_err(io("clear", &dir))?;
        Ok(written)
    }
}
