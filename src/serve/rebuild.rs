//! Rebuilding the served handbook after a change: reload the catalogue (unchanged files from the
//! loader's cache), check it, render casebook's pages in memory, compare them with the previous
//! build's, and turn only the pages that changed into HTML before the rest of the book follows.
//!
//! Everything happens inside the private folder ([`Workspace`]):
//! - `next/`: the book source of this rebuild (`src/`, book.toml, casebook.css), and mdBook's
//!   full render of it in `next/html`. The source is rendered in memory and compared with the
//!   previous build's; only the files that changed are written (or removed) there;
//! - `mini/`: the root of the small books that re-render single pages (an empty `src/`);
//! - `site/`: what the server serves. Files there are replaced whole (written in `tmp/`, then
//!   renamed), and only when their bytes change.
//!
//! A rebuild has two passes. The quick pass applies when the book's settings and style sheet
//! are unchanged and no file was removed. A page's bytes depend on its chapter and on the
//! chapters before and after it (its previous/next links); the sidebar (mdBook 0.5 writes it
//! once per book, in `toc.js`, and `toc.html` for readers without JavaScript; pages only load
//! it) on the list of chapters alone. When the table of contents (SUMMARY.md) is unchanged, each
//! changed chapter is rendered by mdBook in a book made of it and its two neighbours. When it
//! changed (a use case's title, id or domain), mdBook renders the whole list of chapters with
//! every other chapter's text emptied: the sidebar is then the whole book's, and so are the
//! pages that changed or whose neighbours, name or number changed, which are the ones copied,
//! with `toc.js` and `toc.html`. Either way only those pages, with the pictures that changed,
//! go into `site/`, and the server announces them at once. The full pass then renders the whole
//! book as `casebook build` does and copies whatever else changed (the search index, the print
//! page), removing pages that are gone; a test holds that it rewrites none of the quick pass's
//! pages. It is skipped when another change is already waiting: the next rebuild does it.
//!
//! In the large form (more than [`handbook::LARGE_ABOVE`] use cases) the use case pages, the
//! parts of long pages and the search index are not mdBook's main book: after the first whole
//! build, the passes are `rebuild/large.rs`'s, which render only what changed there too.

mod large;

use crate::engine::{self, CheckOptions, Checked};
use crate::handbook::{self, BuildError, BuildOptions};
use crate::load::{LoadCache, Overlay};
use crate::model::Date;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// The private folder: a fresh folder in the system's temporary folder (mode 0700), removed
/// with everything in it when the workspace is dropped. Only casebook writes there.
pub struct Workspace {
    dir: tempfile::TempDir,
}

impl Workspace {
    /// Makes the folder and its parts.
    pub fn create() -> std::io::Result<Self> {
        let mut builder = tempfile::Builder::new();
        builder.prefix("casebook-serve-");
        #[cfg(unix)]
        builder.permissions(std::os::unix::fs::PermissionsExt::from_mode(0o700));
        let dir = builder.tempdir()?;
        for part in ["site", "tmp", "mini/src"] {
            std::fs::create_dir_all(dir.path().join(part))?;
        }
        for (name, content) in handbook::ASSETS {
            std::fs::write(dir.path().join("mini").join(name), content)?;
        }
        // The large form's book names the search script too (`additional-js`).
        let search = dir.path().join("mini").join(handbook::large::SEARCH_JS_PATH);
        std::fs::write(search, handbook::large::SEARCH_JS)?;
        Ok(Workspace { dir })
    }

    /// The folder.
    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// The served folder.
    pub fn site(&self) -> PathBuf {
        self.dir.path().join("site")
    }

    /// Removes the folder and everything in it (all written by this process).
    pub fn remove(self) -> std::io::Result<()> {
        self.dir.close()
    }
}

/// Why the handbook could not be rebuilt, for the page: one line per finding or failure.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Errors {
    /// The catalogue's language (for the banner's words).
    pub language: crate::config::Language,
    /// `file:line:column: error[rule]: message`, or a failure in words.
    pub lines: Vec<String>,
}

/// What one rebuild did.
#[derive(Debug, Default)]
pub struct Outcome {
    /// Files of `site/` written or removed by the quick pass, relative to it (`/`-separated).
    pub quick: Vec<String>,
    /// Files of `site/` written or removed by the full pass.
    pub full: Vec<String>,
    /// The errors shown instead of a new handbook, if any.
    pub errors: Option<Errors>,
    /// The number of use cases checked.
    pub use_cases: usize,
    /// Time from the start of the rebuild to the end of the quick pass (or of the full pass).
    pub first_published: Duration,
    /// True when the full pass was left for the next rebuild.
    pub full_skipped: bool,
    /// How long each phase took: `check`, `pages` (casebook's pages and pictures, written and
    /// read back), `quick` (the quick pass), `render` (the full pass as a whole render by
    /// mdBook), or, in the large form after the first build, `check`, `quick` and `compare` (its
    /// full pass, which renders only what changed).
    pub phases: Vec<(&'static str, Duration)>,
    /// True when the full pass rendered the whole book (the first build; in the large form,
    /// also after a change of the catalogue's name or language, or when a page or use case is
    /// gone).
    pub whole: bool,
}

/// Where changes are announced while a rebuild runs (the server's state).
pub trait Publish {
    /// The files of `site/` that changed (written or removed), or, with `errors`, why nothing
    /// was built; `None` clears earlier errors.
    fn publish(&self, changed: &[String], errors: Option<&Errors>);

    /// The catalogue's language, known once it is loaded.
    fn language(&self, _language: crate::config::Language) {}

    /// A pass is over and what it wrote is announced: `pass` is `quick` or `full`, `written`
    /// the files of `site/` it wrote or removed, `elapsed` the time since the rebuild started.
    fn pass_done(&self, _pass: &'static str, _written: &[String], _elapsed: Duration) {}
}

/// Rebuilds the handbook of one catalogue into a [`Workspace`].
pub struct Rebuilder {
    catalogue: PathBuf,
    today: Option<Date>,
    work: PathBuf,
    cache: LoadCache,
    /// The book source of the last build that reached `site/` (relative to `next/`).
    source: BTreeMap<String, Vec<u8>>,
    /// The main book's chapters in that build, in the order of the sidebar.
    chapters: Vec<ChapterKey>,
    /// What the sidebar showed in that build ([`toc_items`]).
    toc: Vec<String>,
    /// What `next/` holds of the book source (relative to it), when known.
    on_disk: Option<BTreeMap<String, Vec<u8>>>,
    /// True once `site/` holds a whole handbook.
    built: bool,
    /// True when the last quick pass was not followed by a full pass.
    full_pending: bool,
    /// In the large form, what its rebuilds compare with ([`large::State`]); `None` until a
    /// whole build of the large form reached `site/`, and after a failed rebuild.
    large: Option<large::State>,
}

impl Rebuilder {
    /// A rebuilder of the catalogue in `catalogue` into `workspace`; `today` fixed, or the
    /// system's date at each rebuild.
    pub fn new(catalogue: PathBuf, today: Option<Date>, workspace: &Workspace) -> Self {
        Rebuilder {
            catalogue,
            today,
            work: workspace.path().to_owned(),
            cache: LoadCache::new(),
            source: BTreeMap::new(),
            chapters: Vec::new(),
            toc: Vec::new(),
            on_disk: None,
            built: false,
            full_pending: false,
            large: None,
        }
    }

    /// True once a whole handbook was built.
    pub fn built(&self) -> bool {
        self.built
    }

    /// Rebuilds: announces to `publish` what changed as soon as it is in `site/`; `pending`
    /// says whether another change is already waiting (then the full pass is left to it).
    pub fn rebuild(&mut self, publish: &dyn Publish, pending: &dyn Fn() -> bool) -> Outcome {
        let start = Instant::now();
        let mut outcome = Outcome::default();
        match self.passes(publish, pending, start, &mut outcome) {
            Ok(()) => {}
            Err(errors) => {
                publish.publish(&[], Some(&errors));
                outcome.first_published = start.elapsed();
                outcome.errors = Some(errors);
            }
        }
        outcome
    }

    fn passes(
        &mut self,
        publish: &dyn Publish,
        pending: &dyn Fn() -> bool,
        start: Instant,
        outcome: &mut Outcome,
    ) -> Result<(), Errors> {
        let today = self.today.unwrap_or_else(Date::today);
        let en = crate::config::Language::En;
        let mut lap = Instant::now();
        let mut phase = |outcome: &mut Outcome, name| {
            outcome.phases.push((name, lap.elapsed()));
            lap = Instant::now();
        };
        let checked = engine::check_with(
            &self.catalogue,
            &Overlay::new(),
            Some(&mut self.cache),
            CheckOptions { today },
        )
        .map_err(|e| failed(en, e.to_string()))?;
        outcome.use_cases = checked.catalogue.use_cases.len();
        phase(outcome, "check");
        let language = checked.catalogue.settings.language;
        publish.language(language);
        let format_errors = format_errors(&checked);
        if !format_errors.is_empty() {
            return Err(Errors {
                language,
                lines: format_errors,
            });
        }
        let options = BuildOptions {
            out: self.work.join("unused"),
            force: false,
            today,
            progress: false,
            templates: templates_folder(&self.catalogue, &checked).map_err(|e| failed(language, e))?,
        };
        let next = self.work.join("next");
        let large = handbook::is_large(&checked);
        // In the large form, after a whole build, while nothing forces a whole render.
        let signals = large::Signals {
            publish,
            pending,
            start,
        };
        if let Some(mut state) = self
            .large
            .take()
            .filter(|s| large && self.built && s.applies(&checked))
            && self.large_passes(&checked, &options, &mut state, &signals, outcome)?
        {
            self.large = Some(state);
            return Ok(());
        }
        // Else the whole render, which in the large form leaves more than the source and its
        // output in `next/`: it starts from an empty folder.
        let source: BTreeMap<String, Vec<u8>> = handbook::source_files(&checked, &options, large)
            .map_err(|e| failed(language, build_line(e)))?
            .files
            .into_iter()
            .collect();
        self.sync_source(&next, &source, large)
            .map_err(|e| failed(language, build_line(e)))?;
        phase(outcome, "pages");
        if !large && self.built && !self.full_pending && source == self.source {
            // Nothing to render; earlier errors, if any, are gone.
            publish.publish(&[], None);
            outcome.first_published = start.elapsed();
            return Ok(());
        }
        // The main book as mdBook loads it (without rendering): its chapters in order.
        let book = serve_config(&checked)
            .and_then(|config| {
                mdbook_driver::MDBook::load_with_config(&next, config)
                    .map_err(|e| BuildError::MdBook(format!("{e:#}")))
            })
            .map_err(|e| failed(language, build_line(e)))?;
        let chapters = chapter_keys(&book.book);
        let toc = toc_items(&book.book);
        if !large && self.built && self.quick_applies(&source) {
            outcome.quick = self
                .quick_pass(book, &chapters, &toc, &source)
                .map_err(|e| failed(language, build_line(e)))?;
            publish.publish(&outcome.quick, None);
            outcome.first_published = start.elapsed();
            publish.pass_done("quick", &outcome.quick, outcome.first_published);
            phase(outcome, "quick");
            self.source = source;
            self.chapters = chapters;
            self.toc = toc;
            if pending() {
                outcome.full_skipped = true;
                self.full_pending = true;
                return Ok(());
            }
        } else {
            self.source = source;
            self.chapters = chapters;
            self.toc = toc;
        }
        let (html, keys) =
            full_render(&checked, &next, &options).map_err(|e| failed(language, build_line(e)))?;
        outcome.full = self
            .sync(&html)
            .map_err(|e| failed(language, io_line("write", &self.work.join("site"), &e)))?;
        // Only once `site/` holds these pages may a later rebuild compare with their keys.
        self.large = large.then(|| large::State::new(&checked, keys));
        outcome.whole = true;
        phase(outcome, "render");
        self.built = true;
        self.full_pending = false;
        publish.publish(&outcome.full, None);
        publish.pass_done("full", &outcome.full, start.elapsed());
        if outcome.quick.is_empty() {
            outcome.first_published = start.elapsed();
        }
        Ok(())
    }

    /// Makes `next/` hold `source` (and mdBook's output of an earlier render, which the next
    /// render replaces): writes the files whose bytes differ from what is there and removes the
    /// files that are gone, instead of writing the whole source at each save. With `clear`
    /// (before a whole render of the large form, which leaves more than the source and its
    /// output in `next/`), and after a failed write, the folder is made again from nothing.
    fn sync_source(
        &mut self,
        next: &Path,
        source: &BTreeMap<String, Vec<u8>>,
        clear: bool,
    ) -> Result<(), BuildError> {
        let io = |what: &'static str, path: &Path| {
            let path = path.to_owned();
            move |source| BuildError::Io { what, path, source }
        };
        if clear || self.on_disk.is_none() {
            remove_own_folder(next).map_err(io("clear", next))?;
            self.on_disk = Some(BTreeMap::new());
        }
        let on_disk = self.on_disk.take().unwrap_or_default();
        for rel in on_disk.keys().filter(|rel| !source.contains_key(*rel)) {
            let path = next.join(rel);
            std::fs::remove_file(&path).map_err(io("remove", &path))?;
        }
        let changed: Vec<(String, Vec<u8>)> = source
            .iter()
            .filter(|(rel, bytes)| on_disk.get(*rel) != Some(*bytes))
            .map(|(rel, bytes)| (rel.clone(), bytes.clone()))
            .collect();
        // On an error `on_disk` stays `None`: the next rebuild starts from an empty folder.
        handbook::write_files(next, &changed)?;
        self.on_disk = Some(source.clone());
        Ok(())
    }

    /// The quick pass applies when chapters, pictures and the table of contents changed: the
    /// same settings, style sheet and scripts, and no file removed.
    fn quick_applies(&self, source: &BTreeMap<String, Vec<u8>>) -> bool {
        let same = |rel: &str| source.get(rel) == self.source.get(rel);
        same("book.toml")
            && handbook::ASSETS.iter().all(|(name, _)| same(name))
            && self.source.keys().all(|k| source.contains_key(k))
    }

    /// Renders the pages that changed and copies them, the changed pictures and, when the table
    /// of contents changed, the sidebar (`toc.js`, `toc.html`) into `site/`; returns what it
    /// wrote.
    ///
    /// A page's bytes depend on its chapter (content, name, number) and on the chapters before
    /// and after it (its previous/next links); the sidebar on the list of chapters alone. When
    /// that list is the previous build's, each changed chapter is rendered in a book of itself
    /// and its two neighbours. When it changed, mdBook renders the whole list with every other
    /// chapter emptied: its sidebar is the whole book's, and the pages that changed or whose
    /// neighbours changed are rendered in full, for a fraction of the full render's time.
    fn quick_pass(
        &self,
        mut book: mdbook_driver::MDBook,
        chapters: &[ChapterKey],
        toc: &[String],
        source: &BTreeMap<String, Vec<u8>>,
    ) -> Result<Vec<String>, BuildError> {
        let changed: Vec<&String> = source
            .iter()
            .filter(|(k, v)| self.source.get(*k) != Some(*v))
            .map(|(k, _)| k)
            .collect();
        let same_list = toc == self.toc.as_slice();
        let wanted = pages_to_render(&self.chapters, chapters, &changed);
        let mut pages: Vec<String> = Vec::new();
        for &i in &wanted {
            pages.push(html_path(Path::new(&chapters[i].path)));
            if i == 0 {
                pages.push("index.html".to_owned());
            }
        }
        if same_list && !wanted.is_empty() {
            let all: Vec<&mdbook_driver::book::Chapter> = book.book.chapters().collect();
            let mut keep = std::collections::BTreeSet::new();
            for &i in &wanted {
                keep.extend(i.saturating_sub(1)..=(i + 1).min(all.len() - 1));
            }
            let mut mini = mdbook_driver::book::Book::new();
            for &i in &keep {
                let mut ch = all[i].clone();
                ch.sub_items.clear();
                mini.push_item(ch);
            }
            book.book = mini;
        } else if !same_list {
            let render: std::collections::BTreeSet<&str> =
                wanted.iter().map(|&i| chapters[i].path.as_str()).collect();
            book.book.for_each_chapter_mut(|ch| {
                let path = ch.path.as_deref().map(chapter_path).unwrap_or_default();
                if !render.contains(path.as_str()) {
                    ch.content.clear();
                }
            });
            pages.push("toc.js".to_owned());
            pages.push("toc.html".to_owned());
        }
        if !same_list || !wanted.is_empty() {
            book.root = self.work.join("mini");
            book.build().map_err(|e| BuildError::MdBook(format!("{e:#}")))?;
        }
        let mini_html = self.work.join("mini/html");
        let mut written = Vec::new();
        for page in &pages {
            let bytes = std::fs::read(mini_html.join(page)).map_err(|source| BuildError::Io {
                what: "read",
                path: mini_html.join(page),
                source,
            })?;
            if self.put(page, &bytes)? {
                written.push(page.clone());
            }
        }
        // Pictures and other files of the source go to the same place in the HTML.
        for rel in changed {
            if let Some(asset) = rel.strip_prefix("src/")
                && !asset.ends_with(".md")
                && self.put(asset, &source[rel])?
            {
                written.push(asset.to_owned());
            }
        }
        Ok(written)
    }

    /// Writes `bytes` to `site/rel` unless they are already there; true when written.
    fn put(&self, rel: &str, bytes: &[u8]) -> Result<bool, BuildError> {
        let target = self.work.join("site").join(rel);
        if std::fs::read(&target).is_ok_and(|old| old == bytes) {
            return Ok(false);
        }
        let io = |source| BuildError::Io {
            what: "write",
            path: target.clone(),
            source,
        };
        if let Some(parent) = target.parent() {
            std::fs::create_dir_all(parent).map_err(io)?;
        }
        // Whole or not at all: a request never reads half a page.
        let mut tmp = tempfile::NamedTempFile::new_in(self.work.join("tmp")).map_err(io)?;
        std::io::Write::write_all(&mut tmp, bytes).map_err(io)?;
        tmp.persist(&target).map_err(|e| io(e.error))?;
        Ok(true)
    }

    /// Makes `site/` hold exactly the files of `html`, writing only those that changed; returns
    /// what it wrote or removed.
    fn sync(&self, html: &Path) -> std::io::Result<Vec<String>> {
        let new = list_files(html)?;
        let site = self.work.join("site");
        let old = list_files(&site)?;
        let mut changed = Vec::new();
        for rel in &new {
            let bytes = std::fs::read(html.join(rel))?;
            if self
                .put(rel, &bytes)
                .map_err(|e| std::io::Error::other(e.to_string()))?
            {
                changed.push(rel.clone());
            }
        }
        for rel in old.difference(&new) {
            std::fs::remove_file(site.join(rel))?;
            changed.push(rel.clone());
        }
        Ok(changed)
    }
}

/// The handbook's mdBook configuration, without hashes in the names of mdBook's own files
/// (`hash-files`): with them, every page names the search index by the hash of its content, so
/// any change anywhere would change every page. Served with `Cache-Control: no-store`, the
/// pages need no cache-busting names.
fn serve_config(checked: &Checked) -> Result<mdbook_driver::config::Config, BuildError> {
    let mut config = handbook::mdbook_config(checked, handbook::is_large(checked))?;
    config
        .set("output.html.hash-files", false)
        .map_err(|e| BuildError::MdBook(e.to_string()))?;
    Ok(config)
}

/// The whole handbook from the source in `dir`, as [`handbook::render_html`] (both forms) with
/// [`serve_config`]; the HTML lands in `dir/html`.
fn full_render(
    checked: &Checked,
    dir: &Path,
    options: &BuildOptions,
) -> Result<(PathBuf, handbook::large::PageKeys), BuildError> {
    let large = handbook::is_large(checked);
    handbook::render_html_in(checked, dir, options, large, serve_config(checked)?)
}

/// What a chapter gives its own page and its neighbours' pages: its path (`/`-separated, as in
/// SUMMARY.md), its name and its section number.
#[derive(Clone, Debug, PartialEq, Eq)]
struct ChapterKey {
    path: String,
    name: String,
    number: Option<String>,
}

/// The chapters of a book in the order mdBook renders them (depth first, without drafts).
fn chapter_keys(book: &mdbook_driver::book::Book) -> Vec<ChapterKey> {
    book.chapters()
        .filter_map(|ch| {
            Some(ChapterKey {
                path: chapter_path(ch.path.as_deref()?),
                name: ch.name.clone(),
                number: ch.number.as_ref().map(|n| n.to_string()),
            })
        })
        .collect()
}

/// Everything of a book that its sidebar shows, item by item: parts, separators, and each
/// chapter's number, name, path and whether it has sub-chapters (what mdBook's `toc.js` and
/// `toc.html` are made of). Two books with the same items have the same sidebar.
fn toc_items(book: &mdbook_driver::book::Book) -> Vec<String> {
    use mdbook_driver::book::BookItem;
    book.iter()
        .map(|item| match item {
            BookItem::Chapter(ch) => format!(
                "chapter\u{1f}{}\u{1f}{}\u{1f}{}\u{1f}{}",
                ch.number.as_ref().map(|n| n.to_string()).unwrap_or_default(),
                ch.name,
                ch.path.as_deref().map(chapter_path).unwrap_or_default(),
                ch.sub_items.is_empty()
            ),
            BookItem::PartTitle(title) => format!("part\u{1f}{title}"),
            BookItem::Separator => "separator".to_owned(),
        })
        .collect()
}

/// A chapter's path, `/`-separated.
fn chapter_path(path: &Path) -> String {
    path.components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect::<Vec<_>>()
        .join("/")
}

/// The indexes in `new` of the chapters whose page may differ from the one built from `old`:
/// those whose source changed (`changed`, paths relative to the book's folder), and those that
/// are new, renamed, renumbered, or have another chapter before or after them.
fn pages_to_render(old: &[ChapterKey], new: &[ChapterKey], changed: &[&String]) -> Vec<usize> {
    let changed: std::collections::BTreeSet<&str> =
        changed.iter().filter_map(|c| c.strip_prefix("src/")).collect();
    let around = |list: &[ChapterKey], i: usize| {
        (
            i.checked_sub(1).map(|p| list[p].clone()),
            list[i].clone(),
            list.get(i + 1).cloned(),
        )
    };
    let before: std::collections::HashMap<&str, usize> = old
        .iter()
        .enumerate()
        .map(|(i, k)| (k.path.as_str(), i))
        .collect();
    (0..new.len())
        .filter(|&i| {
            changed.contains(new[i].path.as_str())
                || before
                    .get(new[i].path.as_str())
                    .is_none_or(|&j| around(old, j) != around(new, i))
        })
        .collect()
}

/// The HTML page of a chapter's Markdown path.
fn html_path(md: &Path) -> String {
    chapter_path(&md.with_extension("html"))
}

/// The format errors of a check (what stops a build), located, one line each.
pub fn format_errors(checked: &Checked) -> Vec<String> {
    let sources = &checked.report.sources;
    checked
        .format_errors()
        .map(|d| {
            let (start, _) = sources.range(d.span);
            format!(
                "{}:{}:{}: error[{}]: {}",
                sources.get(d.span.file).rel_path,
                start.line,
                start.column,
                d.rule,
                d.message
            )
        })
        .collect()
}

/// The `templates:` folder of casebook.yaml, which must be inside the catalogue (as for `build`).
pub fn templates_folder(root: &Path, checked: &Checked) -> Result<Option<PathBuf>, String> {
    match &checked.catalogue.settings.templates {
        Some(dir) => {
            let rel = Path::new(&dir.value);
            if rel.is_absolute()
                || rel
                    .components()
                    .any(|c| matches!(c, std::path::Component::ParentDir))
            {
                return Err(format!(
                    "`templates: {}` in casebook.yaml must be a folder inside the catalogue",
                    dir.value
                ));
            }
            Ok(Some(root.join(rel)))
        }
        None => Ok(None),
    }
}

/// Errors of one line.
fn failed(language: crate::config::Language, line: String) -> Errors {
    Errors {
        language,
        lines: vec![line],
    }
}

fn build_line(e: BuildError) -> String {
    match e {
        BuildError::Io { what, path, source } => io_line(what, &path, &source),
        e => e.to_string(),
    }
}

fn io_line(what: &str, path: &Path, e: &std::io::Error) -> String {
    format!("cannot {what} {}: {e}", path.display())
}

/// Removes a folder of the private workspace (made by this process) if it is there.
fn remove_own_folder(dir: &Path) -> std::io::Result<()> {
    match std::fs::remove_dir_all(dir) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        r => r,
    }
}

/// Every regular file below `dir`, relative and `/`-separated; links are not followed.
fn list_files(dir: &Path) -> std::io::Result<std::collections::BTreeSet<String>> {
    let mut out = std::collections::BTreeSet::new();
    let mut stack = vec![(dir.to_owned(), String::new())];
    while let Some((folder, prefix)) = stack.pop() {
        for entry in std::fs::read_dir(&folder)? {
            let entry = entry?;
            let name = entry.file_name().to_string_lossy().into_owned();
            let rel = if prefix.is_empty() {
                name
            } else {
                format!("{prefix}/{name}")
            };
            let kind = entry.file_type()?;
            if kind.is_dir() {
                stack.push((entry.path(), rel));
            } else if kind.is_file() {
                out.insert(rel);
            }
        }
    }
    Ok(out)
}
