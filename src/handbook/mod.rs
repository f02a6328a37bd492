//! The staff handbook (`casebook build`): Markdown pages from Tera templates and SVG pictures,
//! built to static HTML with mdBook (search included).
//!
//! The build reads only a checked model. It writes everything into a staging folder beside the
//! output and swaps it in only when complete, so a failed build leaves the previous handbook in
//! place; it writes into an existing folder only when that folder carries its marker file (or
//! with `--force`).

pub mod charts;
pub mod escape;
pub mod pages;
pub mod search;
pub mod templates;

use crate::diagnostic::Severity;
use crate::engine::Checked;
use crate::labels;
use crate::model::Date;
use crate::rules::{self, Group};
use std::path::{Path, PathBuf};
use std::str::FromStr;

/// The file that marks a folder as a handbook casebook wrote.
pub const MARKER: &str = ".casebook-handbook";

/// Why the handbook was not built.
#[derive(Debug, thiserror::Error)]
pub enum BuildError {
    /// The catalogue has format errors: the model cannot be trusted.
    #[error("the catalogue has {0} format errors; fix them first (`casebook check`)")]
    Untrustworthy(usize),
    /// The output folder exists, is not empty, and casebook did not create it.
    #[error("{0} is not empty and was not created by casebook; choose another --out or use --force")]
    NotOurs(PathBuf),
    /// Reading or writing a file failed.
    #[error("{path}: {source}")]
    Io {
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
        path: path.to_owned(),
        source,
    }
}

/// How to build.
#[derive(Debug, Clone)]
pub struct BuildOptions {
    /// The output folder.
    pub out: PathBuf,
    /// Write into a non-empty folder casebook did not create.
    pub force: bool,
    /// The date for "due for review".
    pub today: Date,
    /// Show a progress bar (on a terminal).
    pub progress: bool,
    /// A folder of templates overriding the embedded ones.
    pub templates: Option<PathBuf>,
}

/// Hand-written chapters shipped with casebook, copied into every handbook.
const CHAPTERS: &[(&str, &str)] = &[(
    "writing-use-cases.md",
    include_str!("../../book/src/writing-use-cases.md"),
)];

/// Above this many use cases, each use case is a section of its domain's page rather than a page
/// of its own: mdBook clones the list of all chapters for every page it renders, so its time
/// grows with the square of the number of chapters (13 s for 1,000 use-case pages, 56 s for
/// 2,000 on this machine); with sections, a 10,000-use-case handbook has a few dozen chapters.
pub const SECTIONS_ABOVE: usize = 1000;

/// True when the catalogue is large enough for use cases to be sections of domain pages.
pub fn uses_sections(checked: &Checked) -> bool {
    checked.catalogue.use_cases.len() > SECTIONS_ABOVE
}

/// Writes the book source (book.toml, pages, pictures, chapters) into `dir`.
pub fn write_source(checked: &Checked, dir: &Path, options: &BuildOptions) -> Result<usize, BuildError> {
    write_source_with(checked, dir, options, uses_sections(checked))
}

/// [`write_source`], choosing whether use cases are sections of their domain's page.
pub fn write_source_with(
    checked: &Checked,
    dir: &Path,
    options: &BuildOptions,
    sections: bool,
) -> Result<usize, BuildError> {
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
    let diagram =
        |i: usize| crate::swimlane::render_svg(cat, &cat.use_cases[i], &checked.facts.flows[i], lanes);
    let progress = || bar.inc(1);
    let page_options = pages::PageOptions {
        today: options.today,
        sections,
        diagram: &diagram,
        progress: &progress,
    };
    let pages =
        pages::build_pages(checked, &metrics, &tera, &t, &page_options).map_err(BuildError::Template)?;
    bar.finish_and_clear();
    let src = dir.join("src");
    for page in pages
        .iter()
        .map(|p| (p.path.as_str(), p.content.as_str()))
        .chain(CHAPTERS.iter().copied())
    {
        let path = src.join(page.0);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(io(parent))?;
        }
        std::fs::write(&path, page.1).map_err(io(&path))?;
    }
    std::fs::write(dir.join("casebook.css"), include_str!("../../book/casebook.css")).map_err(io(dir))?;
    std::fs::write(dir.join("book.toml"), include_str!("../../book/book.toml")).map_err(io(dir))?;
    Ok(pages.len())
}

/// Runs mdBook on the source in `dir`; the HTML lands in `dir/html`.
pub fn run_mdbook(checked: &Checked, dir: &Path) -> Result<PathBuf, BuildError> {
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
    if uses_sections(checked) {
        // The print page would repeat every use case in one file of hundreds of megabytes.
        config
            .set("output.html.print.enable", false)
            .map_err(|e| BuildError::MdBook(e.to_string()))?;
    }
    let book = mdbook_driver::MDBook::load_with_config(dir, config)
        .map_err(|e| BuildError::MdBook(format!("{e:#}")))?;
    book.build().map_err(|e| BuildError::MdBook(format!("{e:#}")))?;
    let html = dir.join("html");
    search::neutralise_index(&html).map_err(BuildError::MdBook)?;
    Ok(html)
}

/// Builds the handbook of a checked catalogue into `options.out`; returns the path of its index.
pub fn build(checked: &Checked, options: &BuildOptions) -> Result<PathBuf, BuildError> {
    let format_errors = checked
        .report
        .diagnostics
        .iter()
        .filter(|d| {
            d.severity == Severity::Error && rules::find(d.rule).is_some_and(|m| m.group == Group::Format)
        })
        .count();
    if format_errors > 0 {
        return Err(BuildError::Untrustworthy(format_errors));
    }
    let out = &options.out;
    let ours = out.join(MARKER).is_file();
    if out.exists() {
        let empty = out.is_dir() && std::fs::read_dir(out).map_err(io(out))?.next().is_none();
        if !(ours || empty || options.force) || !out.is_dir() {
            return Err(BuildError::NotOurs(out.clone()));
        }
    }
    let parent = match out.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_owned(),
        _ => PathBuf::from("."),
    };
    std::fs::create_dir_all(&parent).map_err(io(&parent))?;
    let name = out
        .file_name()
        .map_or_else(|| "book".into(), |n| n.to_string_lossy().into_owned());
    let staging = parent.join(format!(".{name}.casebook-staging-{}", std::process::id()));
    if staging.exists() {
        std::fs::remove_dir_all(&staging).map_err(io(&staging))?;
    }
    std::fs::create_dir_all(&staging).map_err(io(&staging))?;
    let result = write_source(checked, &staging, options).and_then(|_| {
        let spinner = if options.progress {
            let s = indicatif::ProgressBar::new_spinner();
            s.set_message("mdBook: HTML pages and search index");
            s.enable_steady_tick(std::time::Duration::from_millis(120));
            s
        } else {
            indicatif::ProgressBar::hidden()
        };
        let html = run_mdbook(checked, &staging);
        spinner.finish_and_clear();
        html
    });
    let html = match result {
        Ok(html) => html,
        Err(e) => {
            let _ = std::fs::remove_dir_all(&staging);
            return Err(e);
        }
    };
    std::fs::write(
        html.join(MARKER),
        "This folder was generated by `casebook build`; it is replaced by the next build.\n",
    )
    .map_err(io(&html))?;
    let old = parent.join(format!(".{name}.casebook-old-{}", std::process::id()));
    if out.exists() {
        std::fs::rename(out, &old).map_err(io(out))?;
    }
    std::fs::rename(&html, out).map_err(io(out))?;
    let _ = std::fs::remove_dir_all(&staging);
    if old.exists() {
        let _ = std::fs::remove_dir_all(&old);
    }
    Ok(out.join("index.html"))
}
