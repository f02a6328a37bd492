//! Editor set-up in a process owner's own repository: `casebook init` (a new catalogue, or what
//! an existing one lacks, the schemas and the VS Code settings) and the schema line that
//! `casebook new` writes, run as a user runs them, in folders laid out as real repositories are.

use crate::support::{casebook, copy_tree, fixtures};
use casebook::load::FileKind;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Runs `casebook ARGS...` in `cwd` and returns (status, stdout, stderr).
fn run_in(cwd: &Path, args: &[&str]) -> (i32, String, String) {
    let out = casebook()
        .current_dir(cwd)
        .args(args)
        .env("NO_COLOR", "1")
        .output()
        .expect("the binary runs");
    (
        out.status.code().expect("an exit status"),
        String::from_utf8(out.stdout).expect("UTF-8 stdout"),
        String::from_utf8(out.stderr).expect("UTF-8 stderr"),
    )
}

/// A new temporary folder that is the root of a git repository (a `.git` folder is what casebook
/// looks for; `git init` is not needed for that).
fn repository() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temporary folder");
    std::fs::create_dir(dir.path().join(".git")).unwrap();
    dir
}

/// Writes the five schemas of this casebook into `dir`.
fn write_schemas(dir: &Path) {
    std::fs::create_dir_all(dir).unwrap();
    for kind in FileKind::ALL {
        std::fs::write(
            dir.join(format!("{}.schema.json", kind.name())),
            kind.schema_text(),
        )
        .unwrap();
    }
}

/// The file a YAML file's first-line schema comment names, joined to the file's folder as an
/// editor does; `None` when the file has no such line.
fn modeline_target(file: &Path) -> Option<PathBuf> {
    let text = std::fs::read_to_string(file).expect("the file");
    let rel = text
        .lines()
        .next()?
        .strip_prefix("# yaml-language-server: $schema=")?;
    Some(file.parent().unwrap().join(rel))
}

/// Asserts that `file`'s schema comment names an existing file holding the schema of `kind`.
fn assert_modeline_resolves(file: &Path, kind: FileKind) {
    let target = modeline_target(file).unwrap_or_else(|| panic!("{} has no schema line", file.display()));
    let text = std::fs::read_to_string(&target).unwrap_or_else(|e| {
        panic!(
            "the schema line of {} names {}, which cannot be read: {e}",
            file.display(),
            target.display()
        )
    });
    assert_eq!(
        text,
        kind.schema_text(),
        "{} is not the {} schema",
        target.display(),
        kind.name()
    );
}

#[test]
fn new_writes_a_schema_line_that_resolves_for_a_catalogue_at_any_depth_below_the_schemas() {
    for depth in ["catalogue", "docs/catalogue", "docs/services/2026/catalogue"] {
        let repo = repository();
        write_schemas(&repo.path().join("schemas"));
        let catalogue = repo.path().join(depth);
        std::fs::create_dir_all(&catalogue).unwrap();
        copy_tree(&fixtures().join("base"), &catalogue);
        let (code, _, stderr) = run_in(
            repo.path(),
            &["--catalogue", depth, "new", "my-case", "--domain", "billing"],
        );
        assert_eq!(code, 0, "{depth}: {stderr}");
        assert_modeline_resolves(
            &catalogue.join("use-cases/billing/my-case.yaml"),
            FileKind::UseCase,
        );
    }
}

#[test]
fn new_writes_a_schema_line_to_the_catalogues_own_schemas_folder() {
    for depth in [".", "catalogue", "a/b/catalogue"] {
        let repo = repository();
        let catalogue = repo.path().join(depth);
        std::fs::create_dir_all(&catalogue).unwrap();
        copy_tree(&fixtures().join("base"), &catalogue);
        write_schemas(&catalogue.join("schemas"));
        // Run from inside the catalogue too: the path is relative to the new file, not to where
        // casebook runs.
        let (code, _, stderr) = run_in(
            &catalogue,
            &["--catalogue", ".", "new", "my-case", "--domain", "billing"],
        );
        assert_eq!(code, 0, "{depth}: {stderr}");
        assert_modeline_resolves(
            &catalogue.join("use-cases/billing/my-case.yaml"),
            FileKind::UseCase,
        );
    }
}

#[test]
fn new_says_why_it_wrote_no_schema_line_and_what_to_run() {
    let repo = repository();
    let catalogue = repo.path().join("catalogue");
    std::fs::create_dir_all(&catalogue).unwrap();
    copy_tree(&fixtures().join("base"), &catalogue);
    let (code, stdout, stderr) = run_in(
        repo.path(),
        &[
            "--catalogue",
            "catalogue",
            "new",
            "my-case",
            "--domain",
            "billing",
        ],
    );
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.contains("my-case.yaml"), "{stdout}");
    let file = catalogue.join("use-cases/billing/my-case.yaml");
    assert_eq!(modeline_target(&file), None, "no schema on disk, no schema line");
    assert!(
        stderr.contains("no schema line") && stderr.contains("casebook init"),
        "{stderr}"
    );
    // A schemas folder outside the repository is not used: it would not be in the clone of a
    // colleague.
    let outside = tempfile::tempdir().unwrap();
    let nested = outside.path().join("repo");
    std::fs::create_dir_all(nested.join(".git")).unwrap();
    write_schemas(&outside.path().join("schemas"));
    copy_tree(&fixtures().join("base"), &nested);
    let (code, _, stderr) = run_in(
        &nested,
        &["--catalogue", ".", "new", "my-case", "--domain", "billing"],
    );
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(
        modeline_target(&nested.join("use-cases/billing/my-case.yaml")),
        None
    );
    assert!(stderr.contains("casebook init"), "{stderr}");
}

/// Every file below `dir` (links and folders too), with its bytes (a link: its target).
fn snapshot(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut all = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(folder) = stack.pop() {
        for entry in std::fs::read_dir(&folder).unwrap() {
            let path = entry.unwrap().path();
            let meta = path.symlink_metadata().unwrap();
            let rel = path.strip_prefix(dir).unwrap().to_path_buf();
            if meta.file_type().is_symlink() {
                let target = std::fs::read_link(&path).unwrap();
                all.insert(rel, target.to_string_lossy().as_bytes().to_vec());
            } else if meta.is_dir() {
                all.insert(rel, b"<folder>".to_vec());
                stack.push(path);
            } else {
                all.insert(rel, std::fs::read(&path).unwrap());
            }
        }
    }
    all
}

/// Whether `path` matches `glob` as the YAML language server matches a `yaml.schemas` glob: at
/// the end of the file's path (it puts `**/` before the glob), `**` for any folders, `*` within
/// a name.
fn glob_matches(glob: &str, path: &Path) -> bool {
    fn segment(pattern: &str, name: &str) -> bool {
        match pattern.split_once('*') {
            None => pattern == name,
            Some((head, tail)) => {
                name.starts_with(head) && (head.len()..=name.len()).any(|i| segment(tail, &name[i..]))
            }
        }
    }
    fn segments(pattern: &[&str], names: &[&str]) -> bool {
        match (pattern.first(), names.first()) {
            (None, None) => true,
            (Some(&"**"), _) => {
                segments(&pattern[1..], names) || (!names.is_empty() && segments(pattern, &names[1..]))
            }
            (Some(p), Some(n)) => segment(p, n) && segments(&pattern[1..], &names[1..]),
            _ => false,
        }
    }
    let full = format!("**/{glob}");
    let pattern: Vec<&str> = full.split('/').collect();
    let text = path.to_string_lossy().replace('\\', "/");
    let names: Vec<&str> = text.split('/').filter(|n| !n.is_empty()).collect();
    segments(&pattern, &names)
}

#[test]
fn the_glob_matcher_of_these_tests_matches_as_the_yaml_server_does() {
    let p = Path::new("/home/ann/repo/catalogue/use-cases/billing/deep/x.yaml");
    assert!(glob_matches("catalogue/use-cases/**/*.yaml", p));
    assert!(glob_matches("use-cases/**/*.yaml", p));
    assert!(!glob_matches("catalogue/use-cases/**/*.yml", p));
    assert!(!glob_matches("other/use-cases/**/*.yaml", p));
    assert!(glob_matches(
        "catalogue/casebook.yaml",
        Path::new("/r/catalogue/casebook.yaml")
    ));
    assert!(!glob_matches(
        "catalogue/casebook.yaml",
        Path::new("/r/catalogue/use-cases/casebook.yaml")
    ));
}

/// The schema that VS Code's `yaml.schemas` in `workspace` gives `file`, as the YAML extension
/// reads the setting: each key a schema path relative to the workspace, each value globs.
fn mapped_schema(workspace: &Path, file: &Path) -> Option<String> {
    let settings: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(workspace.join(".vscode/settings.json")).unwrap())
            .expect("settings.json is JSON");
    let mapping = settings["yaml.schemas"].as_object()?;
    let matching: Vec<&String> = mapping
        .iter()
        .filter(|(_, globs)| {
            let globs: Vec<&str> = match globs {
                serde_json::Value::String(g) => vec![g.as_str()],
                serde_json::Value::Array(a) => a.iter().filter_map(|g| g.as_str()).collect(),
                _ => vec![],
            };
            globs.iter().any(|g| glob_matches(g, file))
        })
        .map(|(schema, _)| schema)
        .collect();
    assert!(matching.len() <= 1, "{} matches {matching:?}", file.display());
    let schema = workspace.join(matching.first()?);
    Some(
        std::fs::read_to_string(&schema)
            .unwrap_or_else(|e| panic!("the mapped schema {} cannot be read: {e}", schema.display())),
    )
}

/// Every YAML file of the catalogue with the kind of schema it needs.
fn catalogue_files(catalogue: &Path) -> Vec<(PathBuf, FileKind)> {
    let mut files: Vec<(PathBuf, FileKind)> = [
        FileKind::Casebook,
        FileKind::Organisation,
        FileKind::Channels,
        FileKind::Information,
    ]
    .into_iter()
    .map(|k| (catalogue.join(format!("{}.yaml", k.name())), k))
    .filter(|(p, _)| p.exists())
    .collect();
    let mut stack = vec![catalogue.join("use-cases")];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else {
                files.push((path, FileKind::UseCase));
            }
        }
    }
    files
}

#[test]
fn init_in_an_empty_repository_makes_a_catalogue_that_checks_clean_and_editors_find_its_schemas() {
    let repo = repository();
    let (code, stdout, stderr) = run_in(repo.path(), &["init"]);
    assert_eq!(code, 0, "{stdout}{stderr}");
    let catalogue = repo.path().join("catalogue");
    for written in [
        "catalogue/casebook.yaml",
        "catalogue/organisation.yaml",
        "catalogue/channels.yaml",
        "catalogue/information.yaml",
        "catalogue/use-cases/general/customer-asks-a-question.yaml",
        "catalogue/schemas/use-case.schema.json",
        ".vscode/settings.json",
        ".vscode/extensions.json",
    ] {
        assert!(repo.path().join(written).is_file(), "{written} missing");
        assert!(
            stdout.contains(&format!("wrote   {written}")),
            "{written} not reported:\n{stdout}"
        );
    }
    // It checks clean: no finding at all, not even an info.
    let (code, stdout, _) = run_in(
        repo.path(),
        &["--catalogue", "catalogue", "check", "--fail-on", "info"],
    );
    assert_eq!(code, 0, "{stdout}");
    assert!(
        stdout.contains("1 use case: 0 errors, 0 warnings, 0 infos"),
        "{stdout}"
    );

    // Every file's schema line resolves, and VS Code's mapping gives every file its schema.
    let files = catalogue_files(&catalogue);
    assert_eq!(files.len(), 5);
    for (file, kind) in &files {
        assert_modeline_resolves(file, *kind);
        assert_eq!(
            mapped_schema(repo.path(), file).as_deref(),
            Some(kind.schema_text()),
            "{}",
            file.display()
        );
    }
    // ...and a use case one folder deeper than `new` writes, with no schema line.
    let deeper = catalogue.join("use-cases/billing/2026/refund.yaml");
    assert_eq!(
        mapped_schema(repo.path(), &deeper).as_deref(),
        Some(FileKind::UseCase.schema_text())
    );
    assert_eq!(mapped_schema(repo.path(), &repo.path().join("ci.yaml")), None);

    let extensions: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(repo.path().join(".vscode/extensions.json")).unwrap())
            .unwrap();
    assert_eq!(
        extensions["recommendations"],
        serde_json::json!(["redhat.vscode-yaml", "casebook.casebook"])
    );
    // `new` then writes a schema line that resolves.
    let (code, _, stderr) = run_in(repo.path(), &["new", "refund", "--domain", "billing"]);
    assert_eq!(code, 0, "{stderr}");
    assert!(stderr.is_empty(), "{stderr}");
    assert_modeline_resolves(
        &catalogue.join("use-cases/billing/refund.yaml"),
        FileKind::UseCase,
    );

    // A second run writes nothing.
    let before = snapshot(repo.path());
    let (code, stdout, _) = run_in(repo.path(), &["init"]);
    assert_eq!(code, 0);
    assert!(stdout.contains("Nothing to add"), "{stdout}");
    assert!(!stdout.contains("wrote"), "{stdout}");
    assert_eq!(snapshot(repo.path()), before);
}

#[test]
fn init_outside_a_repository_makes_the_catalogue_its_own_workspace() {
    let dir = tempfile::tempdir().unwrap();
    let (code, stdout, stderr) = run_in(dir.path(), &["init", "services"]);
    assert_eq!(code, 0, "{stdout}{stderr}");
    let catalogue = dir.path().join("services");
    assert!(catalogue.join(".vscode/settings.json").is_file());
    assert!(!dir.path().join(".vscode").exists());
    assert!(stdout.contains("no git repository"), "{stdout}");
    for (file, kind) in catalogue_files(&catalogue) {
        assert_modeline_resolves(&file, kind);
        assert_eq!(
            mapped_schema(&catalogue, &file).as_deref(),
            Some(kind.schema_text())
        );
    }
    let (code, stdout, _) = run_in(&catalogue, &["--catalogue", ".", "check"]);
    assert_eq!(code, 0, "{stdout}");
}

#[test]
fn init_with_a_workspace_above_the_catalogue_maps_from_there_and_refuses_one_beside_it() {
    let repo = repository();
    let nested = repo.path().join("teams/service-design");
    std::fs::create_dir_all(&nested).unwrap();
    let (code, stdout, stderr) = run_in(
        repo.path(),
        &["init", "teams/service-design/catalogue", "--workspace", "teams"],
    );
    assert_eq!(code, 0, "{stdout}{stderr}");
    let workspace = repo.path().join("teams");
    assert!(!repo.path().join(".vscode").exists());
    for (file, kind) in catalogue_files(&nested.join("catalogue")) {
        assert_eq!(
            mapped_schema(&workspace, &file).as_deref(),
            Some(kind.schema_text())
        );
    }
    let before = snapshot(repo.path());
    let (code, _, stderr) = run_in(repo.path(), &["init", "other", "--workspace", "teams"]);
    assert_eq!(code, 2);
    assert!(
        stderr.contains("must be the catalogue folder or a folder above it"),
        "{stderr}"
    );
    assert_eq!(snapshot(repo.path()), before, "nothing written");
}

#[test]
fn init_into_an_existing_catalogue_changes_no_existing_byte() {
    // casebook's own layout: the sample catalogue with its schemas beside it, in a repository.
    let repo = repository();
    let here = Path::new(env!("CARGO_MANIFEST_DIR"));
    let catalogue = repo.path().join("catalogue");
    std::fs::create_dir_all(&catalogue).unwrap();
    copy_tree(&here.join("catalogue"), &catalogue);
    write_schemas(&repo.path().join("schemas"));
    let before = snapshot(repo.path());

    let (code, stdout, stderr) = run_in(repo.path(), &["init"]);
    assert_eq!(code, 0, "{stdout}{stderr}");
    let after = snapshot(repo.path());
    for (path, bytes) in &before {
        assert_eq!(after.get(path), Some(bytes), "{} changed", path.display());
    }
    let added: Vec<&PathBuf> = after.keys().filter(|p| !before.contains_key(*p)).collect();
    assert_eq!(
        added,
        vec![
            Path::new(".vscode"),
            Path::new(".vscode/extensions.json"),
            Path::new(".vscode/settings.json"),
        ],
        "only the editor settings are new: the schemas beside the catalogue are used\n{stdout}"
    );
    assert!(
        stdout.contains("kept    catalogue/organisation.yaml (it exists)"),
        "{stdout}"
    );
    assert!(
        stdout.contains("kept    schemas/use-case.schema.json (up to date)"),
        "{stdout}"
    );
    for (file, kind) in catalogue_files(&catalogue) {
        assert_eq!(
            mapped_schema(repo.path(), &file).as_deref(),
            Some(kind.schema_text())
        );
    }

    // A catalogue that lacks information.yaml and use cases gets them, and the rest stays.
    let laid = repository();
    copy_tree(&fixtures().join("base"), laid.path());
    std::fs::remove_file(laid.path().join("information.yaml")).unwrap();
    let stale = "{\"title\": \"an older schema\"}\n";
    write_schemas(&laid.path().join("schemas"));
    std::fs::write(laid.path().join("schemas/channels.schema.json"), stale).unwrap();
    let before = snapshot(laid.path());
    let (code, stdout, stderr) = run_in(laid.path(), &["init", "."]);
    assert_eq!(code, 0, "{stdout}{stderr}");
    let after = snapshot(laid.path());
    for (path, bytes) in &before {
        assert_eq!(after.get(path), Some(bytes), "{} changed", path.display());
    }
    assert!(
        stdout.contains("kept    schemas/channels.schema.json (it differs from the schema of this casebook"),
        "{stdout}"
    );
    assert!(laid.path().join("information.yaml").is_file());
    let starter = laid
        .path()
        .join("use-cases/general/customer-asks-a-question.yaml");
    let text = std::fs::read_to_string(&starter).unwrap();
    assert!(
        text.contains("actor: contact-centre"),
        "the starter uses the catalogue's own teams:\n{text}"
    );
    assert_modeline_resolves(&starter, FileKind::UseCase);
    let (code, stdout, _) = run_in(laid.path(), &["--catalogue", ".", "check"]);
    assert_eq!(code, 0, "{stdout}");

    // A catalogue with neither use cases nor schemas: the starter's schema line names the
    // schemas written in the same run.
    let bare = repository();
    copy_tree(&fixtures().join("base"), bare.path());
    let (code, stdout, stderr) = run_in(bare.path(), &["init", "."]);
    assert_eq!(code, 0, "{stdout}{stderr}");
    assert_modeline_resolves(
        &bare
            .path()
            .join("use-cases/general/customer-asks-a-question.yaml"),
        FileKind::UseCase,
    );
}

#[test]
fn init_merges_the_vscode_files_keeping_every_key_in_its_place() {
    let repo = repository();
    let vscode = repo.path().join(".vscode");
    std::fs::create_dir_all(&vscode).unwrap();
    let settings = "{\n  \"editor.tabSize\": 2,\n  \"yaml.schemas\": {\n    \"https://json.schemastore.org/github-workflow.json\": \".github/workflows/*.yml\"\n  },\n  \"files.exclude\": { \"**/target\": true }\n}\n";
    std::fs::write(vscode.join("settings.json"), settings).unwrap();
    std::fs::write(
        vscode.join("extensions.json"),
        "{\"recommendations\": [\"rust-lang.rust-analyzer\", \"redhat.vscode-yaml\"]}",
    )
    .unwrap();
    let (code, stdout, stderr) = run_in(repo.path(), &["init"]);
    assert_eq!(code, 0, "{stdout}{stderr}");
    assert!(stdout.contains("merged  .vscode/settings.json"), "{stdout}");
    assert!(
        stdout.contains("merged  .vscode/extensions.json: recommends `casebook.casebook`"),
        "{stdout}"
    );

    let merged = std::fs::read_to_string(vscode.join("settings.json")).unwrap();
    let value: serde_json::Value = serde_json::from_str(&merged).unwrap();
    let original: serde_json::Value = serde_json::from_str(settings).unwrap();
    assert_eq!(value["editor.tabSize"], original["editor.tabSize"]);
    assert_eq!(value["files.exclude"], original["files.exclude"]);
    assert_eq!(
        value["yaml.schemas"]["https://json.schemastore.org/github-workflow.json"],
        ".github/workflows/*.yml"
    );
    assert_eq!(value["yaml.schemas"].as_object().unwrap().len(), 6);
    // The keys keep their order: the user's file still reads as they wrote it.
    let at = |k: &str| merged.find(k).unwrap();
    assert!(at("editor.tabSize") < at("yaml.schemas") && at("yaml.schemas") < at("files.exclude"));
    assert!(at("github-workflow") < at("casebook.schema.json"));
    for (file, kind) in catalogue_files(&repo.path().join("catalogue")) {
        assert_eq!(
            mapped_schema(repo.path(), &file).as_deref(),
            Some(kind.schema_text())
        );
    }
    let extensions: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(vscode.join("extensions.json")).unwrap()).unwrap();
    assert_eq!(
        extensions["recommendations"],
        serde_json::json!([
            "rust-lang.rust-analyzer",
            "redhat.vscode-yaml",
            "casebook.casebook"
        ])
    );
}

#[test]
fn init_leaves_a_settings_file_with_comments_alone_and_prints_the_lines_to_add() {
    let repo = repository();
    let vscode = repo.path().join(".vscode");
    std::fs::create_dir_all(&vscode).unwrap();
    let settings = "{\n    // my own\n    \"editor.tabSize\": 2,\n}\n";
    std::fs::write(vscode.join("settings.json"), settings).unwrap();
    let (code, stdout, stderr) = run_in(repo.path(), &["init"]);
    assert_eq!(code, 0, "{stdout}{stderr}");
    assert_eq!(
        std::fs::read_to_string(vscode.join("settings.json")).unwrap(),
        settings
    );
    assert!(
        stdout.contains("kept    .vscode/settings.json (it is not plain JSON"),
        "{stdout}"
    );
    // The lines printed are what a merge would have added: pasted into the object, they map
    // every file.
    let start = stdout
        .find("add this to it yourself:\n")
        .expect("the lines to add");
    let block: Vec<&str> = stdout[start..]
        .lines()
        .skip(1)
        .take_while(|l| l.starts_with("            "))
        .map(|l| &l[12..])
        .collect();
    assert!(block[0].starts_with("\"yaml.schemas\": {"), "{stdout}");
    let pasted = format!("{{\n{}\n}}\n", block.join("\n"));
    std::fs::write(vscode.join("settings.json"), &pasted).unwrap();
    for (file, kind) in catalogue_files(&repo.path().join("catalogue")) {
        assert_eq!(
            mapped_schema(repo.path(), &file).as_deref(),
            Some(kind.schema_text()),
            "{pasted}"
        );
    }
}

/// init writes through no link: wherever a link stands on the way, nothing at all is written.
#[cfg(unix)]
#[test]
fn init_refuses_to_write_through_links() {
    for (link, what) in [
        (".vscode", "folder"),
        (".vscode/settings.json", "file"),
        ("catalogue/schemas", "folder"),
        ("catalogue/use-cases", "folder"),
        ("catalogue/use-cases/general", "folder"),
    ] {
        let repo = repository();
        let elsewhere = tempfile::tempdir().unwrap();
        let target = elsewhere.path().join("target");
        if what == "folder" {
            std::fs::create_dir(&target).unwrap();
        } else if link.ends_with(".json") {
            std::fs::write(&target, "{}\n").unwrap();
        }
        let at = repo.path().join(link);
        std::fs::create_dir_all(at.parent().unwrap()).unwrap();
        std::os::unix::fs::symlink(&target, &at).unwrap();
        let before = snapshot(repo.path());
        let outside = snapshot(elsewhere.path());
        let (code, stdout, stderr) = run_in(repo.path(), &["init"]);
        assert_eq!(code, 2, "{link}: {stdout}{stderr}");
        assert!(
            stderr.contains("symbolic link") && stderr.contains(link),
            "{link}: {stderr}"
        );
        assert_eq!(snapshot(repo.path()), before, "{link}: nothing written");
        assert_eq!(
            snapshot(elsewhere.path()),
            outside,
            "{link}: nothing written through it"
        );
    }
}

/// A link where init has nothing to write is left as it is (the checker reports it); nothing is
/// written through it.
#[cfg(unix)]
#[test]
fn init_leaves_a_link_it_need_not_write_through() {
    let repo = repository();
    let elsewhere = tempfile::tempdir().unwrap();
    let target = elsewhere.path().join("information.yaml");
    std::fs::create_dir_all(repo.path().join("catalogue")).unwrap();
    std::os::unix::fs::symlink(&target, repo.path().join("catalogue/information.yaml")).unwrap();
    let (code, stdout, stderr) = run_in(repo.path(), &["init"]);
    assert_eq!(code, 0, "{stdout}{stderr}");
    assert!(
        stdout.contains("kept    catalogue/information.yaml (it exists)"),
        "{stdout}"
    );
    assert!(!target.exists(), "nothing written through the link");
}
