//! Planning and writing an import: the new files and the changed catalogue files are
//! rendered and checked in memory (the loader's overlay) before anything is written, and the
//! writing itself never replaces a file it did not read, nor goes through a link.

use super::{FileReport, ImportError, Options, Registry, render};
use crate::engine::{CheckOptions, check_with};
use crate::load::{FileKind, Overlay, yaml};
use crate::model::Date;
use crate::rules::{self, Group};
use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};

/// Why writing failed (after a successful plan).
pub type WriteError = ImportError;

/// Everything an import will write, checked.
#[derive(Debug)]
pub struct Plan {
    /// The catalogue folder.
    pub root: PathBuf,
    /// A new catalogue (written to a staging folder and renamed into place).
    pub fresh: bool,
    /// New files: path relative to the catalogue, text.
    pub new_files: Vec<(String, String)>,
    /// Changed files: path, the text read, the new text.
    pub changed: Vec<(String, String, String)>,
    /// One report per BPMN file.
    pub reports: Vec<FileReport>,
    /// Guesses that concern the whole import (the lanes of new teams).
    pub guessed: Vec<String>,
    /// For a new catalogue: the staging folder, written and checked, that `commit` renames
    /// into place (removed when the plan is dropped uncommitted).
    staging: Option<PathBuf>,
}

impl Drop for Plan {
    fn drop(&mut self) {
        if let Some(staging) = self.staging.take() {
            remove_staging(&staging, &self.new_files);
        }
    }
}

fn general(message: String) -> ImportError {
    ImportError {
        file: String::new(),
        message,
    }
}

fn is_link(path: &Path) -> bool {
    std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink())
}

/// Reads a catalogue file the import may extend (regular, no link, within the loader's cap).
fn read_config(root: &Path, name: &str) -> Result<Option<String>, ImportError> {
    match crate::source::read_regular_file(&root.join(name), yaml::MAX_FILE_BYTES) {
        Ok(bytes) => String::from_utf8(bytes).map(Some).map_err(|_| ImportError {
            file: name.into(),
            message: "not UTF-8: fix it before importing".into(),
        }),
        Err(crate::source::ReadError::Missing) => Ok(None),
        Err(e) => Err(ImportError {
            file: root.join(name).display().to_string(),
            message: format!("cannot read it: {e}"),
        }),
    }
}

/// Where to insert entries after the last item of the block sequence `seq` (its items'
/// indentation, and the byte offset after the line of its last item), or why not.
fn append_point(text: &str, seq: &yaml::Node, what: &str) -> Result<(String, usize), String> {
    let items = seq.as_seq().ok_or_else(|| format!("`{what}` is not a list"))?;
    let first = items
        .first()
        .ok_or_else(|| format!("`{what}` is an empty list"))?;
    let line_start = text[..first.start as usize].rfind('\n').map_or(0, |i| i + 1);
    let before = &text[line_start..first.start as usize];
    let dash = before
        .find('-')
        .filter(|&i| before[..i].chars().all(|c| c == ' '));
    let Some(dash) = dash else {
        return Err(format!("`{what}` is not a block list (`- ` items, one per line)"));
    };
    let last = items.last().expect("not empty");
    let end = last.end as usize;
    let after = text[end..].find('\n').map_or(text.len(), |i| end + i + 1);
    Ok((" ".repeat(dash), after))
}

/// Inserts `(offset, text)` pieces into `text` (offsets in the original).
fn insert_all(text: &str, mut pieces: Vec<(usize, String)>) -> String {
    pieces.sort_by_key(|(at, _)| *at);
    let mut out = String::with_capacity(text.len() + pieces.iter().map(|(_, t)| t.len()).sum::<usize>());
    let mut from = 0;
    for (at, piece) in pieces {
        out.push_str(&text[from..at]);
        if !out.is_empty() && !out.ends_with('\n') {
            out.push('\n');
        }
        out.push_str(&piece);
        from = at;
    }
    out.push_str(&text[from..]);
    out
}

/// The new organisation.yaml text: new departments after the last one, new teams of existing
/// departments after that department's last team, new systems after the last system.
fn extend_organisation(text: &str, reg: &Registry) -> Result<String, String> {
    let root =
        yaml::parse(text).map_err(|e| format!("cannot be read as YAML ({}): fix it first", e.message))?;
    let mut pieces = Vec::new();
    let departments = root.get("departments").ok_or("it has no `departments:` list")?;
    let new_ids: HashSet<&str> = reg.departments.iter().map(|d| d.id.as_str()).collect();
    if !reg.departments.is_empty() {
        let (indent, at) = append_point(text, departments, "departments")?;
        let mut piece = String::new();
        for d in &reg.departments {
            let teams: Vec<_> = reg.teams.iter().filter(|t| t.department == d.id).collect();
            piece += &render::department(d, &teams, &indent);
        }
        pieces.push((at, piece));
    }
    // Teams of departments the catalogue has.
    let mut by_department: BTreeMap<&str, Vec<&super::NewTeam>> = BTreeMap::new();
    for t in reg
        .teams
        .iter()
        .filter(|t| !new_ids.contains(t.department.as_str()))
    {
        by_department.entry(t.department.as_str()).or_default().push(t);
    }
    for (department, teams) in by_department {
        let node = departments
            .as_seq()
            .unwrap_or_default()
            .iter()
            .find(|d| d.get("id").and_then(yaml::Node::as_str) == Some(department))
            .ok_or_else(|| format!("department `{department}` is not found"))?;
        let list = node
            .get("teams")
            .ok_or_else(|| format!("department `{department}` has no `teams:` list"))?;
        let (indent, at) = append_point(text, list, &format!("teams of {department}"))?;
        pieces.push((at, teams.iter().map(|t| render::team(t, &indent)).collect()));
    }
    if !reg.systems.is_empty() {
        match root
            .get("systems")
            .filter(|s| s.as_seq().is_some_and(|s| !s.is_empty()))
        {
            Some(list) => {
                let (indent, at) = append_point(text, list, "systems")?;
                pieces.push((
                    at,
                    reg.systems.iter().map(|s| render::system(s, &indent)).collect(),
                ));
            }
            None if root.get("systems").is_none() => {
                let piece = "systems:\n".to_owned()
                    + &reg
                        .systems
                        .iter()
                        .map(|s| render::system(s, "  "))
                        .collect::<String>();
                pieces.push((text.len(), piece));
            }
            None => {
                return Err(
                    "`systems:` is there but not a list with items: write the systems as a block list".into(),
                );
            }
        }
    }
    Ok(insert_all(text, pieces))
}

/// The new information.yaml text (or a new file's).
fn extend_information(text: Option<&str>, reg: &Registry) -> Result<Option<String>, String> {
    if reg.items.is_empty() {
        return Ok(None);
    }
    extend_list(
        text,
        "information",
        "The information that steps need and give.",
        &|indent| reg.items.iter().map(|i| render::item(i, indent)).collect(),
    )
}

/// The new channels.yaml text (or a new file's), with the channels casebook's extension
/// attributes name and the catalogue lacks.
fn extend_channels(text: Option<&str>, reg: &Registry) -> Result<Option<String>, String> {
    if reg.channels.is_empty() {
        return Ok(None);
    }
    extend_list(text, "channels", "Contact channels.", &|indent| {
        reg.channels.iter().map(|c| render::channel(c, indent)).collect()
    })
}

/// `text` (or a new file's, headed by `comment`) with the entries `entries(indent)` renders
/// added at the end of its top-level list `key`: after its last entry, at that entry's indent,
/// or in place of an empty `[]`.
fn extend_list(
    text: Option<&str>,
    key: &str,
    comment: &str,
    entries: &dyn Fn(&str) -> String,
) -> Result<Option<String>, String> {
    let Some(text) = text else {
        return Ok(Some(format!("# {comment}\n{key}:\n{}", entries("  "))));
    };
    let root =
        yaml::parse(text).map_err(|e| format!("cannot be read as YAML ({}): fix it first", e.message))?;
    let list = root.get(key).ok_or_else(|| format!("it has no `{key}:` list"))?;
    if list.as_seq().is_some_and(<[yaml::Node]>::is_empty) {
        // `key: []`: the empty flow list becomes the block list of the new entries.
        let (start, end) = (list.start as usize, list.end as usize);
        if text.get(start..end).map(str::trim) == Some("[]") {
            return Ok(Some(format!(
                "{}\n{}{}",
                &text[..start].trim_end_matches(' '),
                entries("  "),
                &text[end..]
            )));
        }
        return Err(format!("`{key}:` is empty but not written `[]`"));
    }
    let (indent, at) = append_point(text, list, key)?;
    Ok(Some(insert_all(text, vec![(at, entries(&indent))])))
}

/// The texts of a new catalogue's own files.
fn fresh_files(root: &Path, reg: &Registry) -> Vec<(String, String)> {
    let name = root
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .filter(|n| !n.is_empty())
        .unwrap_or_else(|| "Imported processes".into());
    let mut files = vec![
        (
            "casebook.yaml".to_owned(),
            format!(
                "# A catalogue made by `casebook import bpmn`.\nname: {}\nlanguage: en\n",
                render::scalar(&name)
            ),
        ),
        (
            "channels.yaml".to_owned(),
            match extend_channels(None, reg) {
                Ok(Some(text)) => text,
                _ => {
                    "# BPMN names no contact channel: add the ones customer-facing steps use.\nchannels: []\n"
                        .to_owned()
                }
            },
        ),
    ];
    let mut org =
        String::from("# Departments (BPMN pools) and teams (lanes), imported from BPMN.\ndepartments:\n");
    for d in &reg.departments {
        let teams: Vec<_> = reg.teams.iter().filter(|t| t.department == d.id).collect();
        org += &render::department(d, &teams, "  ");
    }
    if !reg.systems.is_empty() {
        org += "systems:\n";
        org += &reg
            .systems
            .iter()
            .map(|s| render::system(s, "  "))
            .collect::<String>();
    }
    files.push(("organisation.yaml".into(), org));
    if let Ok(Some(info)) = extend_information(None, reg) {
        files.push(("information.yaml".into(), info));
    }
    files
}

/// Reads, maps and renders the import of `files` into `options.into`, and checks the result
/// in memory: format findings in what the import writes stop it. Nothing is written.
pub fn plan(options: &Options, paths: &[PathBuf]) -> Result<Plan, ImportError> {
    let root = options.into.clone();
    if !crate::scaffold::is_slug(&options.domain) {
        return Err(general(format!(
            "`{}` is not a valid domain: use a slug",
            options.domain
        )));
    }
    // Every file is read before anything is mapped: one bad file stops the import.
    let mut files = Vec::new();
    for path in paths {
        files.push((path.display().to_string(), super::read_file(path)?));
    }
    let fresh = match std::fs::symlink_metadata(root.join("casebook.yaml")) {
        Ok(_) => false,
        Err(_) => match std::fs::read_dir(&root).map(|mut entries| entries.next().is_none()) {
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => true,
            Ok(true) if !is_link(&root) => true,
            _ => {
                return Err(general(format!(
                    "{} holds no casebook.yaml and is not empty: name a catalogue or a new folder with --into",
                    root.display()
                )));
            }
        },
    };
    let loaded = if fresh {
        None
    } else {
        Some(crate::load::load(&root).map_err(|e| general(e.to_string()))?)
    };
    let mut registry = Registry::new(loaded.as_ref().map(|l| &l.catalogue), &options.customers);
    // File names in the domain's folder are taken too, whatever use case they hold.
    let dir = root.join("use-cases").join(&options.domain);
    if let Ok(entries) = std::fs::read_dir(&dir) {
        for entry in entries.flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            if let Some(stem) = name.strip_suffix(".yaml") {
                registry.use_case_ids.insert(stem.to_owned());
            }
        }
    }
    let (drafts, mut reports) = super::map_files(&files, &mut registry);
    drop(files);
    registry.prune_access();
    let guessed = registry.settle_lanes(&drafts);
    if drafts.is_empty() {
        return Err(general(
            "the files hold no process with a task, sub-process or event: nothing to import".into(),
        ));
    }
    let schema_line = if fresh {
        None
    } else {
        std::env::current_dir()
            .ok()
            .and_then(|cwd| crate::init::schema_line_path(&cwd, &root, &dir, FileKind::UseCase).ok())
    };
    let mut new_files = Vec::new();
    let mut paths_of = std::collections::HashMap::new();
    for d in &drafts {
        let rel = format!("use-cases/{}/{}.yaml", options.domain, d.id);
        paths_of.insert(d.id.clone(), rel.clone());
        new_files.push((rel, render::use_case(d, &options.domain, schema_line.as_deref())));
    }
    for report in &mut reports {
        for uc in &mut report.use_cases {
            uc.path = paths_of.get(&uc.id).cloned().unwrap_or_default();
        }
    }
    let mut changed = Vec::new();
    if fresh {
        new_files.extend(fresh_files(&root, &registry));
    } else {
        let fail = |file: &str, message: String| ImportError {
            file: root.join(file).display().to_string(),
            message,
        };
        if !registry.departments.is_empty() || !registry.teams.is_empty() || !registry.systems.is_empty() {
            let text = read_config(&root, "organisation.yaml")?
                .ok_or_else(|| fail("organisation.yaml", "missing".into()))?;
            let new = extend_organisation(&text, &registry)
                .map_err(|m| fail("organisation.yaml", format!("cannot add the new teams: {m}")))?;
            changed.push(("organisation.yaml".to_owned(), text, new));
        }
        // The new channels and items: added to their file, or a new file when there is none.
        type Extend = fn(Option<&str>, &Registry) -> Result<Option<String>, String>;
        let lists: [(&str, Extend, &str); 2] = [
            ("channels.yaml", extend_channels, "channels"),
            ("information.yaml", extend_information, "items"),
        ];
        for (file, extend, what) in lists {
            let text = read_config(&root, file)?;
            if let Some(new) = extend(text.as_deref(), &registry)
                .map_err(|m| fail(file, format!("cannot add the new {what}: {m}")))?
            {
                match text {
                    Some(text) => changed.push((file.to_owned(), text, new)),
                    None => new_files.push((file.to_owned(), new)),
                }
            }
        }
    }
    let mut plan = Plan {
        root,
        fresh,
        new_files,
        changed,
        reports,
        guessed,
        staging: None,
    };
    if fresh {
        stage(&mut plan)?;
    } else {
        verify(&plan)?;
    }
    Ok(plan)
}

/// The format findings (rule, file, line, message) of a catalogue with an overlay.
fn format_findings(root: &Path, overlay: &Overlay) -> Result<Vec<(String, String)>, ImportError> {
    let checked = check_with(root, overlay, None, CheckOptions { today: Date::today() })
        .map_err(|e| general(e.to_string()))?;
    let report = &checked.report;
    Ok(report
        .diagnostics
        .iter()
        .filter(|d| rules::find(d.rule).is_some_and(|m| m.group == Group::Format))
        .map(|d| {
            let file = report.sources.get(d.span.file);
            let at = file.line_col(d.span.start);
            (
                file.rel_path.clone(),
                format!(
                    "{}:{}:{}: {}[{}]: {}",
                    file.rel_path,
                    at.line,
                    at.column,
                    d.severity.as_str(),
                    d.rule,
                    d.message
                ),
            )
        })
        .collect())
}

/// Checks the catalogue as it will be: no format finding in a new file, and no more in a
/// changed file than it had.
fn verify(plan: &Plan) -> Result<(), ImportError> {
    let touched: HashSet<&str> = plan
        .new_files
        .iter()
        .map(|(p, _)| p.as_str())
        .chain(plan.changed.iter().map(|(p, _, _)| p.as_str()))
        .collect();
    let before = if plan.changed.is_empty() {
        Vec::new()
    } else {
        format_findings(&plan.root, &Overlay::new())?
    };
    let mut overlay = Overlay::new();
    for (path, text) in &plan.new_files {
        overlay.insert(path.clone(), text.clone());
    }
    for (path, _, text) in &plan.changed {
        overlay.insert(path.clone(), text.clone());
    }
    let after = format_findings(&plan.root, &overlay)?;
    let count = |list: &[(String, String)], file: &str| list.iter().filter(|(f, _)| f == file).count();
    let new: Vec<&str> = after
        .iter()
        .filter(|(f, _)| touched.contains(f.as_str()) && count(&after, f) > count(&before, f))
        .map(|(_, m)| m.as_str())
        .collect();
    if new.is_empty() {
        Ok(())
    } else {
        Err(general(format!(
            "the import would give format errors, so nothing was written (a defect of casebook's import: please report it with the BPMN file):\n  {}",
            new.iter().take(10).copied().collect::<Vec<_>>().join("\n  ")
        )))
    }
}

/// Writes `text` to a new file `path` (never over an existing one). `durable`: flushed to the
/// disk before returning, for a file about to replace one of the user's (a crash between the
/// rename and the write-back must not leave an empty organisation.yaml); new files need not be.
fn create(path: &Path, text: &str, durable: bool) -> std::io::Result<()> {
    use std::io::Write as _;
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)?;
    file.write_all(text.as_bytes())?;
    if durable {
        file.sync_all()?;
    }
    Ok(())
}

/// Writes a planned import. Returns the paths written, relative to the catalogue.
pub fn commit(plan: &mut Plan) -> Result<Vec<String>, WriteError> {
    let mut written: Vec<String> = plan.new_files.iter().map(|(p, _)| p.clone()).collect();
    written.extend(plan.changed.iter().map(|(p, _, _)| p.clone()));
    written.sort();
    if plan.fresh {
        commit_fresh(plan)?;
    } else {
        commit_existing(plan)?;
    }
    Ok(written)
}

/// A new catalogue: written in a staging folder beside it and checked there.
fn stage(plan: &mut Plan) -> Result<(), ImportError> {
    let root = &plan.root;
    let parent = match root.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    std::fs::create_dir_all(&parent)
        .map_err(|e| general(format!("cannot create {}: {e}", parent.display())))?;
    let name = root
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let staging = parent.join(format!(".{name}.casebook-import-{}", std::process::id()));
    std::fs::create_dir(&staging)
        .map_err(|e| general(format!("cannot create {}: {e}", staging.display())))?;
    // From here the plan owns the folder: dropping it removes what was written there.
    plan.staging = Some(staging.clone());
    for (rel, text) in &plan.new_files {
        let path = staging.join(rel);
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir)
                .map_err(|e| general(format!("cannot create {}: {e}", dir.display())))?;
        }
        create(&path, text, false).map_err(|e| general(format!("cannot write {}: {e}", path.display())))?;
    }
    let findings = format_findings(&staging, &Overlay::new())?;
    if !findings.is_empty() {
        return Err(general(format!(
            "the import would give format errors, so nothing was written (a defect of casebook's import: please report it with the BPMN file):\n  {}",
            findings
                .iter()
                .take(10)
                .map(|(_, m)| m.as_str())
                .collect::<Vec<_>>()
                .join("\n  ")
        )));
    }
    Ok(())
}

/// Moves a staged new catalogue into place.
fn commit_fresh(plan: &mut Plan) -> Result<(), WriteError> {
    let root = plan.root.clone();
    let staging = plan.staging.clone().expect("a new catalogue is staged");
    // An empty folder in the way is replaced; anything else was refused by `plan`.
    if root.exists() {
        std::fs::remove_dir(&root)
            .map_err(|e| general(format!("cannot replace the empty folder {}: {e}", root.display())))?;
    }
    std::fs::rename(&staging, &root).map_err(|e| {
        general(format!(
            "cannot move the new catalogue to {}: {e}",
            root.display()
        ))
    })?;
    plan.staging = None;
    Ok(())
}

/// Removes what the import wrote in its staging folder, file by file, and the folders it made.
fn remove_staging(staging: &Path, files: &[(String, String)]) {
    let mut dirs = HashSet::new();
    for (rel, _) in files {
        let path = staging.join(rel);
        let _ = std::fs::remove_file(&path);
        let mut dir = path.parent().map(Path::to_path_buf);
        while let Some(d) = dir {
            if d == staging || !d.starts_with(staging) {
                break;
            }
            dirs.insert(d.clone());
            dir = d.parent().map(Path::to_path_buf);
        }
    }
    let mut dirs: Vec<_> = dirs.into_iter().collect();
    dirs.sort_by_key(|d| std::cmp::Reverse(d.components().count()));
    for d in dirs {
        let _ = std::fs::remove_dir(d);
    }
    let _ = std::fs::remove_dir(staging);
}

/// An existing catalogue: temporary copies of the changed files first, then the new files
/// (`create_new`), then each changed file renamed over the original once it is seen unchanged.
fn commit_existing(plan: &Plan) -> Result<(), WriteError> {
    let root = &plan.root;
    for (rel, _) in &plan.new_files {
        // No folder on the way may be a link (the loader would not read through it either).
        let mut at = root.clone();
        for part in Path::new(rel).parent().into_iter().flat_map(Path::components) {
            at.push(part);
            if is_link(&at) {
                return Err(general(format!(
                    "{} is a symbolic link, which casebook does not follow; nothing was written",
                    at.display()
                )));
            }
        }
    }
    let mut temporaries = Vec::new();
    let mut created: Vec<PathBuf> = Vec::new();
    let mut made_dirs: Vec<PathBuf> = Vec::new();
    let undo = |temporaries: &[PathBuf], created: &[PathBuf], made_dirs: &[PathBuf]| {
        for p in temporaries.iter().chain(created) {
            let _ = std::fs::remove_file(p);
        }
        for d in made_dirs.iter().rev() {
            let _ = std::fs::remove_dir(d);
        }
    };
    let result = (|| -> Result<(), WriteError> {
        for (rel, _, text) in &plan.changed {
            let tmp = root.join(format!("{rel}.casebook-import-{}", std::process::id()));
            create(&tmp, text, true).map_err(|e| general(format!("cannot write {}: {e}", tmp.display())))?;
            temporaries.push(tmp);
        }
        for (rel, text) in &plan.new_files {
            let path = root.join(rel);
            let mut missing = Vec::new();
            let mut dir = path.parent();
            while let Some(d) = dir {
                if d.exists() {
                    break;
                }
                missing.push(d.to_path_buf());
                dir = d.parent();
            }
            for d in missing.into_iter().rev() {
                std::fs::create_dir(&d)
                    .map_err(|e| general(format!("cannot create {}: {e}", d.display())))?;
                made_dirs.push(d);
            }
            create(&path, text, false).map_err(|e| {
                general(format!(
                    "will not write {}: {e} (nothing was written)",
                    path.display()
                ))
            })?;
            created.push(path);
        }
        for (rel, before, _) in &plan.changed {
            let now = read_config(root, rel)?;
            if now.as_deref() != Some(before.as_str()) {
                return Err(general(format!(
                    "{} changed while importing; nothing was written",
                    root.join(rel).display()
                )));
            }
        }
        Ok(())
    })();
    if let Err(e) = result {
        undo(&temporaries, &created, &made_dirs);
        return Err(e);
    }
    for ((rel, _, _), tmp) in plan.changed.iter().zip(&temporaries) {
        std::fs::rename(tmp, root.join(rel))
            .map_err(|e| general(format!("cannot replace {}: {e}", root.join(rel).display())))?;
    }
    Ok(())
}
