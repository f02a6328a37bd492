//! The staff handbook (`casebook build`): Markdown pages from Tera templates and SVG pictures,
//! built to static HTML with mdBook (search included).
//!
//! The build reads only a checked model. It writes everything into a staging folder beside the
//! output and swaps it in only when complete, so a failed build leaves the previous handbook in
//! place. What it may replace, and how, is [`output`]'s business: never a file it did not write.

pub mod charts;
pub mod escape;
pub mod large;
pub mod output;
pub mod pages;
pub mod search;
pub mod shards;
pub mod templates;

use crate::engine::Checked;
use crate::labels;
use crate::model::Date;
pub use output::{MARKER, Notice};
use rayon::prelude::*;
use std::path::{Path, PathBuf};
use std::str::FromStr;

/// Why the handbook was not built.
#[derive(Debug, thiserror::Error)]
pub enum BuildError {
    /// The catalogue has format errors: the model cannot be trusted.
    #[error("the catalogue has {0} format errors; fix them first (`casebook check`)")]
    Untrustworthy(usize),
    /// `--out` names a folder a handbook must never replace.
    #[error(
        "refusing --out {}: it is {what}; give the handbook a folder of its own (new, empty, or a handbook casebook built)",
        out.display()
    )]
    Protected {
        /// `--out` as given.
        out: PathBuf,
        /// What the folder is, e.g. "the current folder".
        what: String,
    },
    /// `--out` is not a folder.
    #[error("--out {} is {}; --out must be a folder (it is made if missing)", .0.display(), .1)]
    NotAFolder(PathBuf, &'static str),
    /// The output folder exists, is not empty, and casebook did not create it.
    #[error(
        "{} is not empty and is not a handbook casebook built (it has no {MARKER} file); casebook never replaces such a folder, even with --force: choose a new or empty folder for --out",
        .0.display()
    )]
    NotOurs(PathBuf),
    /// The output folder's marker has no manifest (an older casebook, or written by hand).
    #[error(
        "{} was built by an earlier casebook, which did not record the files it wrote, so your files cannot be told from its own; delete the folder yourself (keep what you added) and build again",
        .0.display()
    )]
    NoManifest(PathBuf),
    /// The previous handbook holds files casebook did not write, and `--force` was not given.
    #[error(
        "{} holds files the previous build did not write: {}; move them away, or use --force to move them into the new handbook",
        out.display(), output::name_some(entries)
    )]
    Foreign {
        /// `--out` as given.
        out: PathBuf,
        /// The foreign entries, relative to it.
        entries: Vec<String>,
    },
    /// A file casebook did not write is where the new handbook puts one of its own.
    #[error(
        "{entry} in {} was not written by casebook, and the new handbook has a file of that name; move it away and build again",
        out.display()
    )]
    Collision {
        /// `--out` as given.
        out: PathBuf,
        /// The entry, relative to it.
        entry: String,
    },
    /// Moving a file casebook did not write into the new handbook failed.
    #[error(
        "the new handbook is in place, but {entry} could not be moved into it; it is still in {}",
        kept.display()
    )]
    CarryFailed {
        /// The entry, relative to the handbook.
        entry: String,
        /// Where it is.
        kept: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// Reading or writing a file failed.
    #[error("cannot {what} {}", path.display())]
    Io {
        /// What was being done, e.g. "write".
        what: &'static str,
        /// The file or folder.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// A template failed.
    #[error("{0}")]
    Template(String),
    /// mdBook failed.
    #[error("mdBook: {0}")]
    MdBook(String),
}

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> BuildError + '_ {
    move |source| BuildError::Io {
        what: "write",
        path: path.to_owned(),
        source,
    }
}

/// How to build.
#[derive(Debug, Clone)]
pub struct BuildOptions {
    /// The output folder.
    pub out: PathBuf,
    /// Move files that casebook did not write from the previous handbook into the new one,
    /// instead of refusing. Never deletes anything, and never replaces a folder without the marker.
    pub force: bool,
    /// The date for "due for review".
    pub today: Date,
    /// Show a progress bar (on a terminal).
    pub progress: bool,
    /// A folder of templates overriding the embedded ones.
    pub templates: Option<PathBuf>,
}

/// The files book.toml names beside the book's source (`additional-css`, `additional-js`): the
/// stylesheet, and the diagram viewer's pan, zoom and full screen. `casebook serve`'s small books
/// need them too.
pub const ASSETS: &[(&str, &str)] = &[
    ("casebook.css", include_str!("../../book/casebook.css")),
    ("casebook.js", include_str!("../../book/casebook.js")),
];

/// Hand-written chapters shipped with casebook, copied into every handbook, in English.
const CHAPTERS_EN: &[(&str, &str)] = &[(
    "writing-use-cases.md",
    include_str!("../../book/src/writing-use-cases.md"),
)];

/// The same chapters in French (`language: fr`), under the same page names. Each is a
/// translation of its English chapter: a change to one is made to the other.
const CHAPTERS_FR: &[(&str, &str)] = &[(
    "writing-use-cases.md",
    include_str!("../../book/src/writing-use-cases.fr.md"),
)];

/// The hand-written chapters in a catalogue's language.
pub fn chapters(language: crate::config::Language) -> &'static [(&'static str, &'static str)] {
    match language {
        crate::config::Language::En => CHAPTERS_EN,
        crate::config::Language::Fr => CHAPTERS_FR,
    }
}

/// Above this many use cases the handbook takes its large form ([`large`]): the sidebar lists
/// domains, not use cases; the use case pages are rendered by mdBook's renderer in batches
/// outside the main book (whose rendering time grows with the square of its chapters: 13 s for
/// 1,000 use case pages, 25 minutes for 10,000); and the search is casebook's sharded index
/// instead of mdBook's single file (110 MB at 10,000 use cases).
pub const LARGE_ABOVE: usize = 500;

/// The diagram of use case `i` as its page shows it (in both forms of the handbook): inline in
/// the viewer, each box linking to its step in the numbered list.
pub(crate) fn page_diagram(checked: &Checked, lanes: &crate::swimlane::LaneLabels, i: usize) -> String {
    let cat = &checked.catalogue;
    crate::swimlane::render_svg_with(
        cat,
        &cat.use_cases[i],
        &checked.facts.flows[i],
        lanes,
        crate::swimlane::SvgOptions { step_links: true },
    )
}

/// True when the catalogue is large enough for the large form of the handbook.
pub fn is_large(checked: &Checked) -> bool {
    checked.catalogue.use_cases.len() > LARGE_ABOVE
}

/// Writes the book source (book.toml, pages, pictures, chapters) into `dir`. In a large
/// catalogue, the use case pages are not part of it: [`render_html`] makes them.
pub fn write_source(checked: &Checked, dir: &Path, options: &BuildOptions) -> Result<usize, BuildError> {
    write_source_with(checked, dir, options, is_large(checked))
}

/// [`write_source`], choosing the large form or not (whatever the catalogue's size).
pub fn write_source_with(
    checked: &Checked,
    dir: &Path,
    options: &BuildOptions,
    large: bool,
) -> Result<usize, BuildError> {
    let source = source_files(checked, options, large)?;
    write_files(dir, &source.files)?;
    Ok(source.pages)
}

/// The book source of a handbook, in memory: what [`write_source`] writes.
pub struct Source {
    /// Every file, by its path relative to the book's folder (`/`-separated: `book.toml`,
    /// `casebook.css`, `src/teams/billing.md`), in a fixed order.
    pub files: Vec<(String, Vec<u8>)>,
    /// How many of them are casebook's pages (the rest: chapters shipped with casebook, the
    /// style sheet and scripts, `book.toml`).
    pub pages: usize,
}

/// Renders the book source of a handbook (pages, pictures, the chapters shipped with casebook,
/// the style sheet and scripts, `book.toml`) without writing it: `casebook serve` compares it
/// with the previous build's and writes only what changed.
pub fn source_files(checked: &Checked, options: &BuildOptions, large: bool) -> Result<Source, BuildError> {
    let cat = &checked.catalogue;
    let tera = templates::load(options.templates.as_deref()).map_err(BuildError::Template)?;
    let t = labels::table(cat.settings.language);
    let metrics = crate::metrics::compute(cat, &checked.facts);
    let bar = if options.progress {
        indicatif::ProgressBar::new(cat.use_cases.len() as u64)
    } else {
        indicatif::ProgressBar::hidden()
    };
    bar.set_message("pages");
    let lanes = crate::swimlane::LaneLabels::for_catalogue(cat);
    let diagram = |i: usize| page_diagram(checked, lanes, i);
    let progress = || bar.inc(1);
    let page_options = pages::PageOptions {
        today: options.today,
        large,
        diagram: &diagram,
        progress: &progress,
    };
    let pages =
        pages::build_pages(checked, &metrics, &tera, &t, &page_options).map_err(BuildError::Template)?;
    bar.finish_and_clear();
    // In the large form, a page too long for one HTML file (a team's, a channel's) is cut.
    let pages = if large {
        large::split_pages(pages, &t, large::PART_BYTES)
    } else {
        pages
    };
    let count = pages.len();
    let mut files: Vec<(String, Vec<u8>)> = pages
        .into_iter()
        .map(|p| (format!("src/{}", p.path), p.content.into_bytes()))
        .collect();
    for (rel, content) in chapters(cat.settings.language) {
        files.push((format!("src/{rel}"), content.as_bytes().to_vec()));
    }
    for (name, content) in ASSETS {
        files.push(((*name).to_owned(), content.as_bytes().to_vec()));
    }
    files.push((
        "book.toml".to_owned(),
        include_bytes!("../../book/book.toml").to_vec(),
    ));
    if large {
        files.push((
            large::SEARCH_JS_PATH.to_owned(),
            large::SEARCH_JS.as_bytes().to_vec(),
        ));
    }
    Ok(Source { files, pages: count })
}

/// Writes `files` (paths relative to `dir`, `/`-separated) into `dir`, making their folders.
pub fn write_files(dir: &Path, files: &[(String, Vec<u8>)]) -> Result<(), BuildError> {
    // Written on rayon's pool (thousands of small files: the time is in system calls). The
    // folders first, serially, so that no two threads race to make one; the first error in
    // the files' order is the one reported.
    let folders: std::collections::BTreeSet<PathBuf> = files
        .iter()
        .filter_map(|(rel, _)| dir.join(rel).parent().map(Path::to_owned))
        .collect();
    for folder in &folders {
        std::fs::create_dir_all(folder).map_err(io(folder))?;
    }
    files
        .par_iter()
        .map(|(rel, content)| {
            let path = dir.join(rel);
            std::fs::write(&path, content).map_err(io(&path))
        })
        .collect::<Vec<_>>()
        .into_iter()
        .collect::<Result<(), _>>()
}

/// The main book's mdBook configuration: book/book.toml with the catalogue's title and
/// language (`casebook serve` changes it a little, see [`render_html_in`]).
pub fn mdbook_config(checked: &Checked, large: bool) -> Result<mdbook_driver::config::Config, BuildError> {
    let settings = &checked.catalogue.settings;
    let mut config = mdbook_driver::config::Config::from_str(include_str!("../../book/book.toml"))
        .map_err(|e| BuildError::MdBook(e.to_string()))?;
    let title = if settings.name.is_empty() {
        "casebook"
    } else {
        settings.name.as_str()
    };
    config.book.title = Some(title.to_owned());
    config.book.language = Some(match settings.language {
        crate::config::Language::En => "en".to_owned(),
        crate::config::Language::Fr => "fr".to_owned(),
    });
    if large {
        large::configure(&mut config).map_err(BuildError::MdBook)?;
    }
    Ok(config)
}

/// Runs mdBook on the source in `dir` (as [`write_source`] wrote it); the HTML lands in
/// `dir/html`. In a large catalogue this is the main book only: see [`render_html`].
pub fn run_mdbook(checked: &Checked, dir: &Path) -> Result<PathBuf, BuildError> {
    run_mdbook_with(checked, dir, is_large(checked)).map(|(html, _)| html)
}

/// What the main book's run gives the large form: its configuration and its chapters in order
/// (path of the source, name).
struct MainBook {
    config: mdbook_driver::config::Config,
    chapters: Vec<(String, String)>,
}

fn run_mdbook_with(checked: &Checked, dir: &Path, large: bool) -> Result<(PathBuf, MainBook), BuildError> {
    run_mdbook_in(dir, mdbook_config(checked, large)?, large)
}

fn run_mdbook_in(
    dir: &Path,
    config: mdbook_driver::config::Config,
    large: bool,
) -> Result<(PathBuf, MainBook), BuildError> {
    let book = mdbook_driver::MDBook::load_with_config(dir, config.clone())
        .map_err(|e| BuildError::MdBook(format!("{e:#}")))?;
    book.build().map_err(|e| BuildError::MdBook(format!("{e:#}")))?;
    let chapters = book
        .iter()
        .filter_map(|item| match item {
            mdbook_driver::book::BookItem::Chapter(ch) => ch
                .path
                .as_ref()
                .map(|p| (p.to_string_lossy().replace('\\', "/"), ch.name.clone())),
            _ => None,
        })
        .collect();
    let html = dir.join("html");
    if !large {
        search::neutralise_index(&html).map_err(BuildError::MdBook)?;
    }
    Ok((html, MainBook { config, chapters }))
}

/// The whole HTML handbook from the source in `dir`: mdBook on the main book, then, in a large
/// catalogue, the use case pages in batches and the sharded search index ([`large`]).
pub fn render_html(checked: &Checked, dir: &Path, options: &BuildOptions) -> Result<PathBuf, BuildError> {
    render_html_with(checked, dir, options, is_large(checked))
}

/// [`render_html`], choosing the large form or not (as given to [`write_source_with`]).
pub fn render_html_with(
    checked: &Checked,
    dir: &Path,
    options: &BuildOptions,
    large: bool,
) -> Result<PathBuf, BuildError> {
    render_html_in(checked, dir, options, large, mdbook_config(checked, large)?).map(|(html, _)| html)
}

/// [`render_html_with`] with a given mdBook configuration (made by [`mdbook_config`]): `casebook
/// serve` turns off the hashes in file names, so that one change does not rename the search index
/// that every page names. Returns the HTML's folder and, in the large form, the key of each use
/// case page ([`large::Layout::key`]), for `casebook serve`'s later comparisons.
pub fn render_html_in(
    checked: &Checked,
    dir: &Path,
    options: &BuildOptions,
    large: bool,
    config: mdbook_driver::config::Config,
) -> Result<(PathBuf, large::PageKeys), BuildError> {
    let (html, main) = run_mdbook_in(dir, config, large)?;
    let keys = if large {
        large::render_use_cases(checked, dir, &html, &main.config, &main.chapters, options)?
    } else {
        large::PageKeys::new()
    };
    Ok((html, keys))
}

/// Builds the handbook of a checked catalogue into `options.out`; returns the path of its index.
pub fn build(checked: &Checked, options: &BuildOptions) -> Result<PathBuf, BuildError> {
    build_with_notices(checked, options, &mut |_| {})
}

/// [`build`], telling `notice` what the user should know: a wait for another build, files carried
/// over, staging folders of killed builds removed or kept.
pub fn build_with_notices(
    checked: &Checked,
    options: &BuildOptions,
    notice: &mut dyn FnMut(Notice),
) -> Result<PathBuf, BuildError> {
    let format_errors = checked.format_errors().count();
    if format_errors > 0 {
        return Err(BuildError::Untrustworthy(format_errors));
    }
    let target = output::target(&options.out, catalogue_folder(checked).as_deref())?;
    // Refuse before taking the lock or making anything, then look again under the lock.
    output::inspect(&target, false)?;
    std::fs::create_dir_all(&target.parent).map_err(|source| BuildError::Io {
        what: "create",
        path: target.parent.clone(),
        source,
    })?;
    let lock = output::lock(&target, notice)?;
    // Without a lock another build may be writing its staging folder: leave them all.
    if lock.held() {
        output::remove_leftovers(&target, notice)?;
    }
    if let output::State::Handbook { foreign } = output::inspect(&target, true)?
        && !foreign.is_empty()
        && !options.force
    {
        return Err(BuildError::Foreign {
            out: options.out.clone(),
            entries: foreign,
        });
    }
    let staging = output::Staging::create(&target)?;
    write_source(checked, &staging.path, options)?;
    let spinner = if options.progress {
        let s = indicatif::ProgressBar::new_spinner();
        s.set_message("mdBook: HTML pages and search index");
        s.enable_steady_tick(std::time::Duration::from_millis(120));
        s
    } else {
        indicatif::ProgressBar::hidden()
    };
    let html = render_html(checked, &staging.path, options);
    spinner.finish_and_clear();
    let html = html?;
    let state = output::inspect(&target, true)?;
    let carried = output::swap(&target, &staging, &html, &state, options.force)?;
    if !carried.is_empty() {
        notice(Notice::Carried(carried));
    }
    staging.finish(notice)?;
    Ok(options.out.join("index.html"))
}

/// The catalogue's folder: where its casebook.yaml was read.
fn catalogue_folder(checked: &Checked) -> Option<PathBuf> {
    checked
        .report
        .sources
        .iter()
        .find(|(_, f)| f.rel_path == "casebook.yaml")
        .and_then(|(_, f)| f.disk_path.parent())
        .map(|p| match p.as_os_str().is_empty() {
            true => PathBuf::from("."),
            false => p.to_owned(),
        })
}
