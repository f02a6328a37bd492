//! `casebook codeowners` in a real git repository: the section it prints, a fresh CODEOWNERS, an
//! update that keeps every hand-written line, `--check`, broken sections, paths from the
//! repository root, teams without a handle, and file names that must not become patterns.

use crate::support::{casebook, copy_tree, fixtures};
use casebook::codeowners::{BEGIN, END};
use std::path::{Path, PathBuf};
use std::process::Command;

/// A git repository with the catalogue in `catalogue/`: the base organisation, `billing` with
/// the handle `@acme/billing`, `field-service` with `ops@example.com`, `contact-centre` without.
struct Repo {
    dir: tempfile::TempDir,
}

impl Repo {
    fn new() -> Repo {
        let dir = tempfile::tempdir().unwrap();
        let status = Command::new("git")
            .args(["init", "-q"])
            .current_dir(dir.path())
            .status()
            .expect("git runs");
        assert!(status.success());
        let repo = Repo { dir };
        std::fs::create_dir_all(repo.catalogue()).unwrap();
        copy_tree(&fixtures().join("base"), &repo.catalogue());
        let org = repo.catalogue().join("organisation.yaml");
        let text = std::fs::read_to_string(&org)
            .unwrap()
            .replace(
                "      - id: billing\n        name: Billing\n",
                "      - id: billing\n        name: Billing\n        handle: \"@acme/billing\"\n",
            )
            .replace(
                "      - id: field-service\n        name: Field service technicians\n",
                "      - id: field-service\n        name: Field service technicians\n        handle: ops@example.com\n",
            );
        assert_eq!(text.matches("handle:").count(), 2, "{text}");
        std::fs::write(&org, text).unwrap();
        repo.use_case("billing/invoice-dispute.yaml", "invoice-dispute", "billing");
        repo.use_case("field/boiler-repair.yaml", "boiler-repair", "field-service");
        repo.use_case("care/callback.yaml", "callback", "contact-centre");
        repo.use_case("billing/refund.yaml", "refund", "billing");
        repo
    }

    fn root(&self) -> &Path {
        self.dir.path()
    }

    fn catalogue(&self) -> PathBuf {
        self.dir.path().join("catalogue")
    }

    /// A valid use case `id` owned by `owner`, at `use-cases/REL`.
    fn use_case(&self, rel: &str, id: &str, owner: &str) {
        let text = std::fs::read_to_string(fixtures().join("rules/dead-end/valid-end-step.yaml"))
            .unwrap()
            .replace("id: invoice-dispute", &format!("id: {id}"))
            .replace("owner: billing", &format!("owner: {owner}"));
        let path = self.catalogue().join("use-cases").join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }

    /// `casebook codeowners ARGS` run from `dir` (relative to the repository), without
    /// --catalogue: the catalogue is found.
    fn run(&self, dir: &str, args: &[&str]) -> (i32, String, String) {
        let out = casebook()
            .current_dir(self.root().join(dir))
            .arg("codeowners")
            .args(args)
            .output()
            .unwrap();
        (
            out.status.code().unwrap(),
            String::from_utf8(out.stdout).unwrap(),
            String::from_utf8(out.stderr).unwrap(),
        )
    }
}

/// The section the repository above should give, written out by hand.
fn expected_section() -> String {
    [
        BEGIN,
        "# Written by `casebook codeowners` from each use case's `owner` and that team's `handle`",
        "# in organisation.yaml: change those, not these lines, which the next run replaces.",
        "/catalogue/use-cases/billing/invoice-dispute.yaml @acme/billing",
        "/catalogue/use-cases/billing/refund.yaml @acme/billing",
        "# no owner for /catalogue/use-cases/care/callback.yaml: team `contact-centre` has no `handle:` in organisation.yaml",
        "/catalogue/use-cases/field/boiler-repair.yaml ops@example.com",
        END,
        "",
    ]
    .join("\n")
}

#[test]
fn prints_the_section_with_paths_from_the_repository_root() {
    let repo = Repo::new();
    let (code, stdout, stderr) = repo.run("", &[]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(stdout, expected_section());
    assert_eq!(
        stderr,
        "casebook: warning: team `contact-centre` has no `handle:` in organisation.yaml; its use case gets no code owner\n"
    );
    // The same from inside the catalogue, and byte for byte on every run.
    assert_eq!(repo.run("catalogue/use-cases/billing", &[]).1, stdout);
    assert_eq!(repo.run("", &[]).1, stdout);
}

#[test]
fn writes_a_fresh_file_and_then_leaves_it_alone() {
    let repo = Repo::new();
    let (code, stdout, stderr) = repo.run("", &["--write", ".github/CODEOWNERS"]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(stdout, "wrote 3 owner lines to .github/CODEOWNERS\n");
    let file = repo.root().join(".github/CODEOWNERS");
    assert_eq!(std::fs::read_to_string(&file).unwrap(), expected_section());
    let (code, stdout, _) = repo.run("", &["--write", ".github/CODEOWNERS"]);
    assert_eq!(code, 0);
    assert_eq!(stdout, ".github/CODEOWNERS is up to date (3 owner lines)\n");
    assert_eq!(std::fs::read_to_string(&file).unwrap(), expected_section());
    // No temporary file is left beside it.
    let names: Vec<_> = std::fs::read_dir(repo.root().join(".github"))
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(names, ["CODEOWNERS"]);
}

#[test]
fn an_update_keeps_every_hand_written_line() {
    let repo = Repo::new();
    let before = "# Hand-written: the platform team owns everything by default.\n*       @acme/platform\n/docs/  @acme/writers\n\n";
    let after = "\n# Below casebook's section, and kept: the schemas.\n/schemas/ @acme/platform\n";
    let stale = format!("{BEGIN}\n/catalogue/use-cases/gone.yaml @acme/old\n{END}\n");
    let file = repo.root().join("CODEOWNERS");
    std::fs::write(&file, format!("{before}{stale}{after}")).unwrap();
    let (code, stdout, stderr) = repo.run("catalogue", &["--write", "../CODEOWNERS"]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(stdout, "wrote 3 owner lines to ../CODEOWNERS\n");
    assert_eq!(
        std::fs::read_to_string(&file).unwrap(),
        format!("{before}{}{after}", expected_section())
    );
    // A file without a section gets it at the end, after a blank line.
    std::fs::write(&file, "* @acme/platform").unwrap();
    repo.run("", &["--write", "CODEOWNERS"]);
    assert_eq!(
        std::fs::read_to_string(&file).unwrap(),
        format!("* @acme/platform\n\n{}", expected_section())
    );
}

#[test]
fn check_says_whether_the_file_is_up_to_date_and_changes_nothing() {
    let repo = Repo::new();
    let file = repo.root().join("CODEOWNERS");
    let stale = format!("* @acme/platform\n{BEGIN}\n/old @x\n{END}\n");
    std::fs::write(&file, &stale).unwrap();
    let (code, stdout, stderr) = repo.run("", &["--write", "CODEOWNERS", "--check"]);
    assert_eq!(code, 1, "{stdout}");
    assert!(stderr.contains("CODEOWNERS is not up to date"), "{stderr}");
    assert_eq!(std::fs::read_to_string(&file).unwrap(), stale);
    repo.run("", &["--write", "CODEOWNERS"]);
    let (code, stdout, _) = repo.run("", &["--write", "CODEOWNERS", "--check"]);
    assert_eq!((code, stdout.as_str()), (0, ""));
    // A new use case makes it stale again.
    repo.use_case("billing/credit-note.yaml", "credit-note", "billing");
    assert_eq!(repo.run("", &["--write", "CODEOWNERS", "--check"]).0, 1);
    // --check needs --write.
    assert_eq!(repo.run("", &["--check"]).0, 2);
}

#[test]
fn a_broken_section_is_refused_and_the_file_kept() {
    let repo = Repo::new();
    let file = repo.root().join("CODEOWNERS");
    for broken in [
        format!("* @a\n{BEGIN}\n/x @b\n"),
        format!("{END}\n* @a\n"),
        format!("{BEGIN}\n{END}\n{BEGIN}\n{END}\n"),
    ] {
        std::fs::write(&file, &broken).unwrap();
        let (code, stdout, stderr) = repo.run("", &["--write", "CODEOWNERS"]);
        assert_eq!(code, 2, "{broken}: {stdout}");
        assert!(stderr.contains("CODEOWNERS was left as it is"), "{stderr}");
        assert_eq!(std::fs::read_to_string(&file).unwrap(), broken);
    }
}

#[test]
fn outside_git_the_prefix_must_be_given() {
    let dir = tempfile::tempdir().unwrap();
    copy_tree(&fixtures().join("base"), dir.path());
    std::fs::create_dir_all(dir.path().join("use-cases")).unwrap();
    std::fs::copy(
        fixtures().join("rules/dead-end/valid-end-step.yaml"),
        dir.path().join("use-cases/invoice-dispute.yaml"),
    )
    .unwrap();
    let run = |args: &[&str]| {
        let out = casebook()
            .arg("--catalogue")
            .arg(dir.path())
            .arg("codeowners")
            .args(args)
            .output()
            .unwrap();
        (
            out.status.code().unwrap(),
            String::from_utf8(out.stdout).unwrap(),
            String::from_utf8(out.stderr).unwrap(),
        )
    };
    let (code, stdout, stderr) = run(&[]);
    assert_eq!(code, 2, "{stdout}");
    assert!(
        stderr.contains("not in a git repository") && stderr.contains("--path-prefix"),
        "{stderr}"
    );
    let (code, stdout, stderr) = run(&["--path-prefix", "./process/catalogue"]);
    assert_eq!(code, 0, "{stderr}");
    assert!(
        stdout.contains("# no owner for /process/catalogue/use-cases/invoice-dispute.yaml: team `billing` has no `handle:`"),
        "{stdout}"
    );
}

#[test]
fn format_errors_write_nothing() {
    let repo = Repo::new();
    // A handle that would smuggle a line of its own is refused by the schema.
    let org = repo.catalogue().join("organisation.yaml");
    let text = std::fs::read_to_string(&org)
        .unwrap()
        .replace("handle: ops@example.com", "handle: \"@ops\\n* @evil\"");
    std::fs::write(&org, text).unwrap();
    let (code, stdout, stderr) = repo.run("", &["--write", "CODEOWNERS"]);
    assert_eq!(code, 1, "{stdout}");
    assert!(stderr.contains("format errors"), "{stderr}");
    assert!(!repo.root().join("CODEOWNERS").exists());
}

#[cfg(unix)]
#[test]
fn file_names_that_cannot_be_patterns_get_a_comment_not_a_line() {
    let repo = Repo::new();
    repo.use_case("billing/with space.yaml", "with-space", "billing");
    repo.use_case("billing/evil\n* @attacker.yaml", "evil", "billing");
    let (code, stdout, stderr) = repo.run("", &[]);
    assert_eq!(code, 0, "{stderr}");
    for line in stdout.lines() {
        assert!(line.starts_with('#') || line.starts_with('/'), "{line:?}");
        assert!(!line.contains("@attacker") || line.starts_with('#'), "{line:?}");
    }
    assert!(
        stdout
            .contains("# no owner for /catalogue/use-cases/billing/evil\\n* @attacker.yaml: its path holds"),
        "{stdout}"
    );
    assert!(
        stdout.contains("# no owner for /catalogue/use-cases/billing/with space.yaml: its path holds"),
        "{stdout}"
    );
    assert!(stderr.contains("cannot be a CODEOWNERS pattern"), "{stderr}");
}

#[test]
fn the_handle_pattern_of_the_schema_and_the_model_agree() {
    let schema: serde_json::Value =
        serde_json::from_str(casebook::load::FileKind::Organisation.schema_text()).unwrap();
    let validator = jsonschema::draft202012::new(&schema).unwrap();
    for handle in [
        "@acme/billing",
        "@octocat",
        "@gl/group/sub.group",
        "@_x",
        "ops@example.com",
        "first.last+tag@mail.example.org",
        "",
        "@",
        "acme",
        "@acme/",
        "@-x",
        "@a b",
        "@a\n* @evil",
        "a@b.c",
        "a@b.c1",
        "@a//b",
        "x@y",
        "@é",
        &format!("@{}", "a".repeat(99)),
        &format!("@{}", "a".repeat(100)),
    ] {
        let doc = serde_json::json!({
            "departments": [{"id": "d", "name": "D", "teams": [
                {"id": "t", "name": "T", "lane": "backstage", "handle": handle}
            ]}]
        });
        assert_eq!(
            validator.is_valid(&doc),
            casebook::model::is_handle(handle),
            "{handle:?}"
        );
    }
}

#[test]
fn every_use_case_of_the_sample_has_an_owner_line() {
    // The sample catalogue gives every team a handle, and runs from this repository's root.
    let out = casebook()
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .arg("codeowners")
        .output()
        .unwrap();
    let (stdout, stderr) = (
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    );
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert_eq!(stderr, "", "no team without a handle");
    let summary = casebook()
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(["check", "-f", "json", "--fail-on", "never"])
        .output()
        .unwrap();
    let report: serde_json::Value = serde_json::from_slice(&summary.stdout).unwrap();
    let lines: Vec<&str> = stdout.lines().filter(|l| l.starts_with('/')).collect();
    assert_eq!(
        lines.len() as u64,
        report["summary"]["use_cases"].as_u64().unwrap()
    );
    assert!(
        lines
            .iter()
            .all(|l| l.starts_with("/catalogue/use-cases/") && l.contains(".yaml @brightside/"))
    );
    let mut sorted = lines.clone();
    sorted.sort_unstable();
    assert_eq!(lines, sorted, "in path order");
}
