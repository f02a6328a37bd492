//! Special files and symbolic links in a catalogue: named pipes, links to devices, links out of
//! the catalogue, and a catalogue with no use case. Each is a located finding, the run finishes
//! (the binary runs under a timeout, so a regression fails instead of hanging), and the other
//! files are still checked: every catalogue here holds `use-cases/zz-other.yaml`, a use case
//! with a known dead end at 22:9, unless the test is about the use-cases folder itself.

use crate::rules::{Laid, base};
use crate::support::{casebook, fixtures};
use std::path::Path;
use std::time::Duration;

/// One finding of the JSON report.
#[derive(Debug, Clone, PartialEq)]
struct Finding {
    rule: String,
    severity: String,
    file: String,
    line: u64,
    column: u64,
    message: String,
    help: String,
}

/// What `casebook check --format json` said, and its exit status.
struct Run {
    status: Option<i32>,
    findings: Vec<Finding>,
    use_cases: u64,
    stderr: String,
}

impl Run {
    /// The findings of `rule` in `file`.
    fn of(&self, rule: &str, file: &str) -> Vec<&Finding> {
        self.findings
            .iter()
            .filter(|f| f.rule == rule && f.file == file)
            .collect()
    }

    /// The one finding of `rule` in `file`.
    fn the(&self, rule: &str, file: &str) -> &Finding {
        let mine = self.of(rule, file);
        let [one] = mine.as_slice() else {
            panic!("expected one `{rule}` in {file}, found: {:#?}", self.findings);
        };
        one
    }

    /// Asserts that the other use case was checked.
    fn checked_the_other_use_case(&self) {
        assert!(
            self.findings.iter().any(|f| f.rule == "dead-end"
                && f.file == "use-cases/zz-other.yaml"
                && (f.line, f.column) == (22, 9)),
            "the other use case was not checked: {:#?}",
            self.findings
        );
    }
}

/// Runs `casebook check --format json` on `root`, failing after 20 seconds instead of hanging.
fn check(root: &Path) -> Run {
    let mut cmd = casebook();
    cmd.arg("--catalogue").arg(root);
    finish(cmd)
}

/// [`check`], with the address space limited to 3 GB (`ulimit -v`): a regression that reads a
/// device without end then fails quickly instead of taking the machine's memory.
#[cfg(unix)]
fn check_with_memory_limit(root: &Path) -> Run {
    let mut cmd = assert_cmd::Command::new("sh");
    cmd.arg("-c")
        .arg("ulimit -v 3000000 && exec \"$0\" \"$@\"")
        .arg(env!("CARGO_BIN_EXE_casebook"))
        .arg("--catalogue")
        .arg(root);
    finish(cmd)
}

fn finish(mut cmd: assert_cmd::Command) -> Run {
    let out = cmd
        .args(["check", "--format", "json", "--today", "2026-11-22"])
        .timeout(Duration::from_secs(20))
        .output()
        .expect("casebook runs");
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(
        out.status.code().is_some(),
        "casebook was killed (a hang past the timeout?): {stderr}"
    );
    let report: serde_json::Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("a JSON report ({e}); stderr: {stderr}"));
    let text = |v: &serde_json::Value, k: &str| v[k].as_str().unwrap_or_default().to_owned();
    let findings = report["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .iter()
        .map(|d| Finding {
            rule: text(d, "rule"),
            severity: text(d, "severity"),
            file: text(d, "file"),
            line: d["line"].as_u64().expect("line"),
            column: d["column"].as_u64().expect("column"),
            message: text(d, "message"),
            help: text(d, "help"),
        })
        .collect();
    Run {
        status: out.status.code(),
        findings,
        use_cases: report["summary"]["use_cases"].as_u64().expect("use_cases"),
        stderr,
    }
}

/// The base catalogue with `use-cases/zz-other.yaml` (a dead end at 22:9).
fn catalogue() -> Laid {
    let laid = base();
    let other = laid.root().join("use-cases/zz-other.yaml");
    std::fs::create_dir_all(other.parent().unwrap()).unwrap();
    std::fs::copy(fixtures().join("rules/dead-end/invalid-no-next.yaml"), &other).unwrap();
    laid
}

#[cfg(unix)]
fn mkfifo(path: &Path) {
    let status = std::process::Command::new("mkfifo")
        .arg(path)
        .status()
        .expect("mkfifo runs");
    assert!(status.success(), "mkfifo {}", path.display());
}

#[cfg(unix)]
fn symlink(target: &Path, link: &Path) {
    std::os::unix::fs::symlink(target, link).expect("symlink");
}

#[cfg(unix)]
#[test]
fn a_named_pipe_as_a_use_case_is_a_stray_file_and_does_not_block() {
    let laid = catalogue();
    mkfifo(&laid.root().join("use-cases/x.yaml"));
    let run = check(laid.root());
    run.checked_the_other_use_case();
    let f = run.the("stray-file", "use-cases/x.yaml");
    assert_eq!((f.line, f.column), (1, 1));
    assert_eq!(
        f.message,
        "`use-cases/x.yaml` is not read: it is a named pipe (FIFO), not a regular file"
    );
}

#[cfg(unix)]
#[test]
fn a_named_pipe_in_place_of_each_catalogue_file_is_located_and_does_not_block() {
    for name in [
        "information.yaml",
        "organisation.yaml",
        "channels.yaml",
        "casebook.yaml",
    ] {
        let laid = catalogue();
        let path = laid.root().join(name);
        std::fs::remove_file(&path).unwrap();
        mkfifo(&path);
        let run = check(laid.root());
        assert_eq!(run.status, Some(1), "{name}: {}", run.stderr);
        run.checked_the_other_use_case();
        let f = run.the("schema", name);
        assert_eq!((f.line, f.column), (1, 1), "{name}");
        assert_eq!(
            f.message,
            format!("`{name}` is not read: it is a named pipe (FIFO), not a regular file")
        );
        assert_eq!(f.severity, "error");
    }
}

#[cfg(unix)]
#[test]
fn a_link_to_dev_zero_is_not_read() {
    // As a use case (found by the folder walk) and as information.yaml (read directly).
    for (name, rule) in [
        ("use-cases/zero.yaml", "stray-file"),
        ("information.yaml", "schema"),
    ] {
        let laid = catalogue();
        let path = laid.root().join(name);
        let _ = std::fs::remove_file(&path);
        symlink(Path::new("/dev/zero"), &path);
        let run = check_with_memory_limit(laid.root());
        run.checked_the_other_use_case();
        let f = run.the(rule, name);
        assert_eq!((f.line, f.column), (1, 1), "{name}");
        assert_eq!(
            f.message,
            format!("`{name}` is not read: it is a symbolic link, which casebook does not follow")
        );
    }
}

/// A folder outside the catalogue with a secret file, a valid organisation file and a use case.
#[cfg(unix)]
fn outside() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("secret.txt"), "TOP-SECRET-TOKEN\n").unwrap();
    std::fs::copy(
        fixtures().join("base/organisation.yaml"),
        dir.path().join("organisation.yaml"),
    )
    .unwrap();
    std::fs::create_dir_all(dir.path().join("use-cases")).unwrap();
    std::fs::copy(
        fixtures().join("rules/dead-end/invalid-no-next.yaml"),
        dir.path().join("use-cases/outside.yaml"),
    )
    .unwrap();
    dir
}

#[cfg(unix)]
#[test]
fn organisation_yaml_linked_to_a_file_outside_is_not_read() {
    let laid = catalogue();
    let out = outside();
    let path = laid.root().join("organisation.yaml");
    std::fs::remove_file(&path).unwrap();
    symlink(&out.path().join("organisation.yaml"), &path);
    let run = check(laid.root());
    run.checked_the_other_use_case();
    let f = run.the("schema", "organisation.yaml");
    assert_eq!((f.line, f.column), (1, 1));
    assert_eq!(
        f.message,
        "`organisation.yaml` is not read: it is a symbolic link, which casebook does not follow"
    );
    assert!(
        f.help.contains("replace the link with the file itself"),
        "{}",
        f.help
    );
}

/// Writes casebook.yaml with `templates: VALUE` on line 4, column 12.
fn with_templates(root: &Path, value: &str) {
    let settings = root.join("casebook.yaml");
    std::fs::write(
        &settings,
        format!(
            "name: Fixture base\nlanguage: en\n# the handbook's templates\ntemplates: {value}\nrules:\n  unused-definition: off\n"
        ),
    )
    .unwrap();
}

/// The one templates finding: on the value of `templates:` (4:12), in the format group.
fn templates_finding(run: &Run) -> &Finding {
    run.checked_the_other_use_case();
    let f = run.the("schema", "casebook.yaml");
    assert_eq!((f.line, f.column), (4, 12), "{f:#?}");
    assert_eq!(f.severity, "error");
    f
}

#[cfg(all(unix, feature = "handbook"))]
#[test]
fn a_template_linked_to_a_file_outside_is_refused_and_never_published() {
    let laid = catalogue();
    let out = outside();
    std::fs::create_dir(laid.root().join("tpl")).unwrap();
    symlink(&out.path().join("secret.txt"), &laid.root().join("tpl/index.md"));
    with_templates(laid.root(), "tpl");
    let run = check(laid.root());
    let f = templates_finding(&run);
    assert_eq!(
        f.message,
        "`templates: tpl`: `tpl/index.md` is a symbolic link, which casebook does not follow"
    );

    // The handbook's own loading refuses the link too (defence in depth), naming it.
    let err =
        casebook::handbook::templates::load(Some(&laid.root().join("tpl"))).expect_err("the link is refused");
    assert!(err.contains("index.md") && err.contains("symbolic link"), "{err}");

    // And `build` publishes nothing of it.
    let book = tempfile::tempdir().unwrap();
    let target = book.path().join("book");
    let built = casebook()
        .arg("--catalogue")
        .arg(laid.root())
        .args(["build", "--today", "2026-11-22", "--out"])
        .arg(&target)
        .timeout(Duration::from_secs(120))
        .output()
        .unwrap();
    assert_ne!(built.status.code(), Some(0));
    for entry in walk(book.path()) {
        let text = std::fs::read(&entry).unwrap_or_default();
        assert!(
            !String::from_utf8_lossy(&text).contains("TOP-SECRET-TOKEN"),
            "{} holds the secret",
            entry.display()
        );
    }
}

/// Every regular file below `dir`.
#[cfg(all(unix, feature = "handbook"))]
fn walk(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let e = e.unwrap();
            let t = e.file_type().unwrap();
            if t.is_dir() {
                stack.push(e.path());
            } else if t.is_file() {
                out.push(e.path());
            }
        }
    }
    out
}

#[cfg(all(unix, feature = "handbook"))]
#[test]
fn a_templates_folder_that_is_a_link_is_refused() {
    let laid = catalogue();
    let out = outside();
    symlink(out.path(), &laid.root().join("tpl"));
    with_templates(laid.root(), "tpl");
    let run = check(laid.root());
    let f = templates_finding(&run);
    assert_eq!(
        f.message,
        "`templates: tpl`: `tpl` is a symbolic link, which casebook does not follow"
    );
    let err =
        casebook::handbook::templates::load(Some(&laid.root().join("tpl"))).expect_err("the link is refused");
    assert!(err.contains("symbolic link"), "{err}");
}

#[test]
fn a_templates_folder_that_does_not_exist_is_reported_by_check() {
    let laid = catalogue();
    with_templates(laid.root(), "nonexistent");
    let run = check(laid.root());
    let f = templates_finding(&run);
    assert_eq!(
        f.message,
        "`templates: nonexistent` names no folder of the catalogue: `nonexistent` does not exist"
    );
}

#[test]
fn a_templates_folder_outside_the_catalogue_is_reported_by_check() {
    for value in ["../../..", "tpl/../../x", "./.."] {
        let laid = catalogue();
        with_templates(laid.root(), value);
        let run = check(laid.root());
        let f = templates_finding(&run);
        assert_eq!(
            f.message,
            format!("`templates: {value}` must name a folder inside the catalogue")
        );
    }
    // An absolute path is refused by the schema, once.
    let laid = catalogue();
    with_templates(laid.root(), "/etc");
    templates_finding(&check(laid.root()));
}

#[test]
fn a_templates_folder_inside_the_catalogue_is_accepted() {
    let laid = catalogue();
    std::fs::create_dir_all(laid.root().join("book/templates")).unwrap();
    std::fs::write(laid.root().join("book/templates/index.md"), "# {{ title }}\n").unwrap();
    with_templates(laid.root(), "book/templates");
    let run = check(laid.root());
    run.checked_the_other_use_case();
    assert!(
        run.of("schema", "casebook.yaml").is_empty(),
        "{:#?}",
        run.findings
    );
}

#[cfg(unix)]
#[test]
fn a_use_cases_folder_that_is_a_link_to_a_folder_outside_is_not_followed() {
    let laid = base();
    let out = outside();
    symlink(&out.path().join("use-cases"), &laid.root().join("use-cases"));
    let run = check(laid.root());
    assert_eq!(run.status, Some(1));
    assert_eq!(run.use_cases, 0, "{:#?}", run.findings);
    assert!(
        run.findings.iter().all(|f| f.file != "use-cases/outside.yaml"),
        "{:#?}",
        run.findings
    );
    let f = run.the("schema", "casebook.yaml");
    assert_eq!((f.line, f.column), (1, 1));
    assert_eq!(
        f.message,
        "`use-cases` is a symbolic link, not a folder, so no use case was checked"
    );
}

#[test]
fn a_catalogue_without_use_cases_folder_is_an_error() {
    let laid = base();
    let run = check(laid.root());
    assert_eq!(run.status, Some(1));
    let f = run.the("schema", "casebook.yaml");
    assert_eq!((f.line, f.column), (1, 1));
    assert_eq!(f.severity, "error");
    assert_eq!(
        f.message,
        "the catalogue has no `use-cases/` folder, so no use case was checked"
    );
}

#[test]
fn a_misnamed_use_cases_folder_is_an_error_that_names_it() {
    for misnamed in ["use-case", "Use-Cases", "use_cases", "usecases"] {
        let laid = catalogue();
        std::fs::rename(laid.root().join("use-cases"), laid.root().join(misnamed)).unwrap();
        let run = check(laid.root());
        assert_eq!(run.status, Some(1), "{misnamed}");
        let f = run.the("schema", "casebook.yaml");
        assert_eq!(
            f.message,
            "the catalogue has no `use-cases/` folder, so no use case was checked"
        );
        assert_eq!(f.help, format!("rename `{misnamed}/` to `use-cases/`"));
    }
}

#[test]
fn a_file_in_place_of_the_use_cases_folder_is_an_error() {
    let laid = base();
    std::fs::write(laid.root().join("use-cases"), "id: x\n").unwrap();
    let run = check(laid.root());
    assert_eq!(run.status, Some(1));
    let f = run.the("schema", "casebook.yaml");
    assert_eq!((f.line, f.column), (1, 1));
    assert_eq!(
        f.message,
        "`use-cases` is a file, not a folder, so no use case was checked"
    );
}

#[test]
fn an_empty_use_cases_folder_is_an_error() {
    let laid = base();
    std::fs::create_dir_all(laid.root().join("use-cases/billing")).unwrap();
    std::fs::write(laid.root().join("use-cases/billing/notes.txt"), "to do\n").unwrap();
    let run = check(laid.root());
    assert_eq!(run.status, Some(1));
    let f = run.the("schema", "casebook.yaml");
    assert_eq!(
        f.message,
        "`use-cases/` holds no use case (no .yaml or .yml file), so nothing was checked"
    );
    // The file that is there is reported as well.
    run.the("stray-file", "use-cases/billing/notes.txt");
}

#[cfg(all(unix, feature = "handbook"))]
#[test]
fn a_named_pipe_in_the_templates_folder_is_refused_and_does_not_block() {
    let laid = catalogue();
    std::fs::create_dir(laid.root().join("tpl")).unwrap();
    mkfifo(&laid.root().join("tpl/index.md"));
    with_templates(laid.root(), "tpl");
    let run = check(laid.root());
    let f = templates_finding(&run);
    assert_eq!(
        f.message,
        "`templates: tpl`: `tpl/index.md` is a named pipe (FIFO), not a regular file"
    );
    let err =
        casebook::handbook::templates::load(Some(&laid.root().join("tpl"))).expect_err("the pipe is refused");
    assert!(err.contains("named pipe"), "{err}");
}

#[cfg(unix)]
#[test]
fn a_dangling_link_as_information_yaml_is_reported_not_skipped() {
    let laid = catalogue();
    let path = laid.root().join("information.yaml");
    std::fs::remove_file(&path).unwrap();
    symlink(&laid.root().join("nowhere.yaml"), &path);
    let run = check(laid.root());
    run.checked_the_other_use_case();
    let f = run.the("schema", "information.yaml");
    assert_eq!((f.line, f.column), (1, 1));
    assert!(f.message.contains("symbolic link"), "{}", f.message);
}
