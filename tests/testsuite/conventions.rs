//! The conventions of the tools users already run (cargo, ruff, Spectral), as the binary is
//! used: the catalogue found from the current folder, `-q`, `--statistics`, `--color` and the
//! colour variables, `-f`/`-o` and `--output -`, shell completions, the man page, `--version`,
//! and `build` in a binary without the handbook.

use crate::rules::lay;
use crate::support::{casebook, copy_tree, fixtures};
use std::collections::BTreeMap;
use std::path::Path;

/// (status, stdout, stderr) of `cmd`, with no colour variable from the test's environment.
fn output(cmd: &mut assert_cmd::Command) -> (i32, String, String) {
    let out = cmd
        .env_remove("NO_COLOR")
        .env_remove("CLICOLOR")
        .env_remove("CLICOLOR_FORCE")
        .output()
        .expect("the binary runs");
    (
        out.status.code().expect("an exit status"),
        String::from_utf8(out.stdout).expect("UTF-8 stdout"),
        String::from_utf8(out.stderr).expect("UTF-8 stderr"),
    )
}

/// `casebook ARGS` run in `dir`, without --catalogue.
fn run_in(dir: &Path, args: &[&str]) -> (i32, String, String) {
    output(casebook().current_dir(dir).args(args))
}

/// `casebook --catalogue ROOT ARGS`.
fn run_on(root: &Path, args: &[&str]) -> (i32, String, String) {
    output(casebook().arg("--catalogue").arg(root).args(args))
}

fn rule_fixture(rel: &str) -> std::path::PathBuf {
    fixtures().join("rules").join(rel)
}

/// A project folder: `catalogue/` (the base with two dead ends: errors), `docs/deep/`, and
/// nothing above that holds a catalogue (the temporary folder's parents).
fn project() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let catalogue = dir.path().join("catalogue");
    std::fs::create_dir_all(&catalogue).unwrap();
    copy_tree(&fixtures().join("base"), &catalogue);
    std::fs::create_dir_all(catalogue.join("use-cases/billing")).unwrap();
    std::fs::copy(
        rule_fixture("dead-end/invalid-two-dead-ends.yaml"),
        catalogue.join("use-cases/billing/two-dead-ends.yaml"),
    )
    .unwrap();
    std::fs::create_dir_all(dir.path().join("docs/deep")).unwrap();
    dir
}

const JSON: [&str; 3] = ["check", "--format", "json"];

#[test]
fn the_catalogue_is_found_from_every_folder_of_a_project() {
    let project = project();
    let root = project.path();
    // The JSON report's `file` is relative to the catalogue whatever the current folder: the
    // same report means the same catalogue was found.
    let (code, expected, _) = run_on(&root.join("catalogue"), &JSON);
    assert_eq!(code, 1, "{expected}");
    assert!(expected.contains("\"rule\": \"dead-end\""), "{expected}");
    for from in [
        "",
        "catalogue",
        "catalogue/use-cases",
        "catalogue/use-cases/billing",
        "docs",
        "docs/deep",
    ] {
        let (code, stdout, stderr) = run_in(&root.join(from), &JSON);
        assert_eq!(code, 1, "from {from:?}: {stderr}");
        // `path` names the file from the current folder, so it differs by folder: it must
        // open from there; everything else must be the same report.
        let (mut got, mut want): (serde_json::Value, serde_json::Value) = (
            serde_json::from_str(&stdout).expect("JSON"),
            serde_json::from_str(&expected).expect("JSON"),
        );
        for d in got["diagnostics"].as_array_mut().unwrap() {
            let path = d.as_object_mut().unwrap().remove("path").expect("a path");
            let path = path.as_str().unwrap();
            assert!(root.join(from).join(path).is_file(), "from {from:?}: {path}");
        }
        for d in want["diagnostics"].as_array_mut().unwrap() {
            d.as_object_mut().unwrap().remove("path");
        }
        assert_eq!(got, want, "from {from:?}");
    }
}

#[test]
fn the_current_folder_wins_over_its_catalogue_folder_and_the_nearest_over_the_farther() {
    let project = project();
    let root = project.path();
    // A second catalogue at the project's root itself, clean (one use case without finding).
    copy_tree(&fixtures().join("base"), root);
    std::fs::create_dir_all(root.join("use-cases")).unwrap();
    std::fs::copy(
        rule_fixture("dead-end/valid-end-step.yaml"),
        root.join("use-cases/clean.yaml"),
    )
    .unwrap();
    // From the root: the root's own catalogue (clean), not catalogue/ (errors).
    let (code, stdout, stderr) = run_in(root, &["check"]);
    assert_eq!(code, 0, "{stdout}{stderr}");
    assert!(stdout.contains("1 use case: 0 errors"), "{stdout}");
    // From docs/deep: the nearest is the root (its parent's parent) again.
    assert_eq!(run_in(&root.join("docs/deep"), &["check"]).1, stdout);
    // From inside catalogue/: that catalogue.
    let (code, stdout, _) = run_in(&root.join("catalogue/use-cases"), &["check"]);
    assert_eq!(code, 1);
    assert!(stdout.contains("error[dead-end]"), "{stdout}");
}

#[test]
fn an_explicit_catalogue_is_used_as_given() {
    let project = project();
    // A clean catalogue elsewhere, given relative to the current folder.
    let clean = lay(&rule_fixture("dead-end/valid-end-step.yaml"));
    let rel = pathdiff(clean.root(), project.path());
    let (code, stdout, stderr) = run_in(project.path(), &["--catalogue", rel.to_str().unwrap(), "check"]);
    assert_eq!(code, 0, "{stdout}{stderr}");
    // A folder that does not exist is not replaced by the one found.
    let (code, stdout, stderr) = run_in(project.path(), &["--catalogue", "no-such-folder", "check"]);
    assert_eq!(code, 2, "{stdout}");
    assert!(stderr.contains("no-such-folder"), "{stderr}");
}

/// `to` relative to `from` (both absolute), with `..` parts.
fn pathdiff(to: &Path, from: &Path) -> std::path::PathBuf {
    let to: Vec<_> = to.components().collect();
    let from: Vec<_> = from.components().collect();
    let common = to.iter().zip(&from).take_while(|(a, b)| a == b).count();
    let mut rel = std::path::PathBuf::new();
    for _ in common..from.len() {
        rel.push("..");
    }
    for c in &to[common..] {
        rel.push(c);
    }
    rel
}

#[test]
fn without_a_catalogue_anywhere_the_error_says_where_it_looked() {
    let empty = tempfile::tempdir().unwrap();
    let here = empty.path().join("a/b");
    std::fs::create_dir_all(&here).unwrap();
    // A `catalogue` folder without casebook.yaml is not a catalogue.
    std::fs::create_dir_all(here.join("catalogue/use-cases")).unwrap();
    for args in [
        &["check"][..],
        &["stats"],
        &["graph", "x"],
        &["new", "x"],
        &["codeowners"],
    ] {
        let (code, stdout, stderr) = run_in(&here, args);
        assert_eq!(code, 2, "{args:?}: {stdout}");
        assert!(stdout.is_empty(), "{args:?}: {stdout}");
        assert!(
            stderr.contains("no catalogue found")
                && stderr.contains(&here.display().to_string())
                && stderr.contains("catalogue/")
                && stderr.contains("--catalogue"),
            "{args:?}: {stderr}"
        );
    }
    // Commands that need no catalogue still work there.
    for args in [
        &["explain"][..],
        &["schema", "use-case"],
        &["completions", "bash"],
        &["man"],
    ] {
        let (code, _, stderr) = run_in(&here, args);
        assert_eq!(code, 0, "{args:?}: {stderr}");
    }
}

#[cfg(feature = "handbook")]
#[test]
fn build_from_inside_use_cases_is_still_refused_and_writes_nothing() {
    // `--out` stays `book/build` relative to the current folder: from inside use-cases/, that
    // is inside the catalogue's use-cases/, which output.rs refuses.
    let project = project();
    let inside = project.path().join("catalogue/use-cases/billing");
    std::fs::remove_file(inside.join("two-dead-ends.yaml")).unwrap();
    std::fs::copy(
        rule_fixture("dead-end/valid-end-step.yaml"),
        inside.join("clean.yaml"),
    )
    .unwrap();
    let (code, stdout, stderr) = run_in(&inside, &["build", "--today", "2026-11-22"]);
    assert_eq!(code, 2, "{stdout}{stderr}");
    assert!(stderr.contains("refusing --out book/build"), "{stderr}");
    assert!(!inside.join("book").exists(), "nothing is written");
}

#[test]
fn quiet_prints_only_the_findings_and_nothing_when_clean() {
    let clean = lay(&rule_fixture("dead-end/valid-end-step.yaml"));
    let (code, stdout, stderr) = run_on(clean.root(), &["check", "-q"]);
    assert_eq!((code, stdout.as_str(), stderr.as_str()), (0, "", ""));
    assert_eq!(run_on(clean.root(), &["check", "--quiet"]).1, "");

    let findings = lay(&rule_fixture("dead-end/invalid-two-dead-ends.yaml"));
    let (_, full, _) = run_on(findings.root(), &["check"]);
    let (code, quiet, _) = run_on(findings.root(), &["check", "--quiet"]);
    assert_eq!(code, 1, "--quiet keeps the exit status");
    let summary = full.lines().last().unwrap();
    assert!(summary.starts_with("casebook: "), "{full}");
    assert!(!quiet.contains("casebook: "), "{quiet}");
    assert_eq!(quiet, full.strip_suffix(&format!("{summary}\n")).unwrap());
    assert_eq!(quiet.matches("error[dead-end]").count(), 2, "{quiet}");
    // The machine formats are whole documents: --quiet changes nothing there.
    assert_eq!(
        run_on(findings.root(), &["check", "-q", "-f", "json"]).1,
        run_on(findings.root(), &["check", "-f", "json"]).1
    );
}

#[test]
fn statistics_count_the_findings_of_each_rule() {
    // The sample catalogue: many findings of many rules.
    let sample = Path::new(env!("CARGO_MANIFEST_DIR")).join("catalogue");
    let date = ["--today", "2026-11-22", "--fail-on", "never"];
    let (_, report, _) = run_on(&sample, &[&JSON[..], &date].concat());
    let report: serde_json::Value = serde_json::from_str(&report).unwrap();
    let mut expected: BTreeMap<(String, String), usize> = BTreeMap::new();
    for d in report["diagnostics"].as_array().unwrap() {
        let key = (
            d["rule"].as_str().unwrap().to_owned(),
            d["severity"].as_str().unwrap().to_owned(),
        );
        *expected.entry(key).or_default() += 1;
    }
    assert!(expected.len() > 3, "{expected:?}");

    let (code, table, _) = run_on(&sample, &[&["check", "--statistics"][..], &date].concat());
    assert_eq!(code, 0);
    let mut lines: Vec<&str> = table.lines().collect();
    let summary = lines.pop().unwrap();
    assert!(summary.starts_with("casebook: "), "{table}");
    let mut seen = BTreeMap::new();
    let mut previous = usize::MAX;
    for line in &lines {
        let fields: Vec<&str> = line.split_whitespace().collect();
        let count: usize = fields[0].parse().unwrap();
        assert!(count <= previous, "most frequent first: {table}");
        previous = count;
        seen.insert((fields[2].to_owned(), fields[1].to_owned()), count);
        let meta = casebook::rules::find(fields[2]).unwrap();
        assert!(line.ends_with(meta.summary), "{line}");
    }
    assert_eq!(seen, expected);

    let (_, quiet, _) = run_on(&sample, &[&["check", "--statistics", "-q"][..], &date].concat());
    assert_eq!(quiet, format!("{}\n", lines.join("\n")));

    let (_, json, _) = run_on(
        &sample,
        &[&["check", "--statistics", "-f", "json"][..], &date].concat(),
    );
    let json: serde_json::Value = serde_json::from_str(&json).unwrap();
    let from_json: BTreeMap<(String, String), usize> = json["statistics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (
                (
                    s["rule"].as_str().unwrap().to_owned(),
                    s["severity"].as_str().unwrap().to_owned(),
                ),
                s["count"].as_u64().unwrap() as usize,
            )
        })
        .collect();
    assert_eq!(from_json, expected);
    assert_eq!(json["summary"], report["summary"]);

    for format in ["github", "sarif", "junit"] {
        let (code, stdout, stderr) = run_on(&sample, &["check", "--statistics", "-f", format]);
        assert_eq!(code, 2, "{format}");
        assert!(stdout.is_empty());
        assert!(stderr.contains("--statistics"), "{stderr}");
    }
}

#[test]
fn a_clean_catalogue_has_no_statistics_rows() {
    let clean = lay(&rule_fixture("dead-end/valid-end-step.yaml"));
    let (code, stdout, _) = run_on(clean.root(), &["check", "--statistics"]);
    assert_eq!(code, 0);
    assert_eq!(
        stdout,
        "casebook: 5 files, 1 use case: 0 errors, 0 warnings, 0 infos\n"
    );
    assert_eq!(run_on(clean.root(), &["check", "--statistics", "-q"]).1, "");
}

#[test]
fn colour_follows_the_flag_then_the_environment() {
    let laid = lay(&rule_fixture("dead-end/invalid-no-next.yaml"));
    let coloured = |extra: &[&str], env: &[(&str, &str)]| {
        let mut cmd = casebook();
        cmd.arg("--catalogue").arg(laid.root()).arg("check").args(extra);
        cmd.env_remove("NO_COLOR")
            .env_remove("CLICOLOR")
            .env_remove("CLICOLOR_FORCE");
        for (k, v) in env {
            cmd.env(k, v);
        }
        let out = cmd.output().unwrap();
        assert_eq!(out.status.code(), Some(1), "{extra:?} {env:?}");
        out.stdout.contains(&0x1b)
    };
    // Piped: no colour unless asked.
    assert!(!coloured(&[], &[]));
    assert!(coloured(&["--color", "always"], &[]));
    assert!(
        coloured(&["--color", "always"], &[("NO_COLOR", "1")]),
        "the flag wins"
    );
    assert!(
        !coloured(&["--color", "never"], &[("CLICOLOR_FORCE", "1")]),
        "the flag wins"
    );
    assert!(coloured(&[], &[("CLICOLOR_FORCE", "1")]));
    assert!(coloured(&["--color", "auto"], &[("CLICOLOR_FORCE", "1")]));
    assert!(
        !coloured(&[], &[("CLICOLOR_FORCE", "1"), ("NO_COLOR", "1")]),
        "NO_COLOR first"
    );
    assert!(
        !coloured(&[], &[("CLICOLOR", "1")]),
        "CLICOLOR=1 only colours a terminal"
    );
    // Only the human format has colour.
    assert!(!coloured(&["--color", "always", "-f", "json"], &[]));
    // A file: colour only when asked for.
    let file = laid.root().join("report.txt");
    let f = file.to_str().unwrap();
    assert!(!coloured(&["-o", f], &[("CLICOLOR_FORCE", "1")]));
    assert!(!std::fs::read(&file).unwrap().contains(&0x1b));
    assert!(!coloured(&["-o", f, "--color", "always"], &[]));
    assert!(std::fs::read(&file).unwrap().contains(&0x1b));
    // A bad value is a bad argument.
    assert_eq!(run_on(laid.root(), &["check", "--color", "sometimes"]).0, 2);
}

#[test]
fn short_flags_and_output_dash() {
    let laid = lay(&rule_fixture("dead-end/invalid-no-next.yaml"));
    let (_, long, _) = run_on(laid.root(), &["check", "--format", "json"]);
    let (code, short, _) = run_on(laid.root(), &["check", "-f", "json"]);
    assert_eq!(code, 1);
    assert_eq!(short, long);
    let file = laid.root().join("r.json");
    let (_, stdout, _) = run_on(
        laid.root(),
        &["check", "-f", "json", "-o", file.to_str().unwrap()],
    );
    assert_eq!(stdout, "");
    assert_eq!(std::fs::read_to_string(&file).unwrap(), long);
    // `-o -` and `--output -` are standard output; no file named `-` appears.
    let here = tempfile::tempdir().unwrap();
    for dash in [&["-o", "-"][..], &["--output", "-"]] {
        let args = [
            &[
                "--catalogue",
                laid.root().to_str().unwrap(),
                "check",
                "-f",
                "json",
            ][..],
            dash,
        ]
        .concat();
        let (code, stdout, _) = run_in(here.path(), &args);
        assert_eq!(code, 1);
        assert_eq!(stdout, long);
        assert!(!here.path().join("-").exists());
    }
    // stats and graph take -f too.
    let (code, stats, _) = run_on(laid.root(), &["stats", "-f", "json"]);
    assert_eq!(code, 0);
    assert!(
        serde_json::from_str::<serde_json::Value>(&stats).is_ok(),
        "{stats}"
    );
}

/// The commands `casebook --help` lists.
fn commands() -> Vec<String> {
    let (code, help, _) = output(casebook().arg("--help"));
    assert_eq!(code, 0);
    let list = help
        .split("Commands:\n")
        .nth(1)
        .expect("a Commands section")
        .split("\n\n")
        .next()
        .unwrap();
    let names: Vec<String> = list
        .lines()
        .filter_map(|l| l.split_whitespace().next())
        .map(str::to_owned)
        .collect();
    assert!(names.len() >= 10, "{help}");
    names
}

#[test]
fn completions_offer_every_command() {
    let commands = commands();
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let (code, script, stderr) = output(casebook().args(["completions", shell]));
        assert_eq!(code, 0, "{shell}: {stderr}");
        for command in &commands {
            assert!(script.contains(command.as_str()), "{shell} lacks `{command}`");
        }
        // The global option, which fish spells `-l catalogue`.
        assert!(script.contains("catalogue"), "{shell}");
    }
    // bash reads the script without a syntax error, and then completes commands.
    let (_, script, _) = output(casebook().args(["completions", "bash"]));
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("casebook.bash");
    std::fs::write(&path, &script).unwrap();
    if let Ok(out) = std::process::Command::new("bash")
        .arg("-c")
        .arg(format!(
            "source {} && COMP_WORDS=(casebook co) COMP_CWORD=1 COMP_LINE='casebook co' COMP_POINT=11 && _casebook casebook co casebook && printf '%s\\n' \"${{COMPREPLY[@]}}\"",
            path.display()
        ))
        .output()
    {
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        let offered = String::from_utf8(out.stdout).unwrap();
        let mut offered: Vec<&str> = offered.lines().collect();
        offered.sort_unstable();
        let mut expected: Vec<&str> = commands
            .iter()
            .map(String::as_str)
            .filter(|c| c.starts_with("co"))
            .collect();
        expected.sort_unstable();
        assert_eq!(offered, expected);
    }
    assert_eq!(output(casebook().args(["completions", "tcsh"])).0, 2);
}

#[test]
fn the_man_page_is_roff_that_man_renders() {
    let (code, page, _) = output(casebook().arg("man"));
    assert_eq!(code, 0);
    assert!(page.contains(".TH casebook 1"), "{page}");
    for command in commands().iter().filter(|c| *c != "help") {
        assert!(
            page.contains(&format!("casebook\\-{}", command.replace('-', "\\-"))),
            "{command}"
        );
    }
    let (code, check, _) = output(casebook().args(["man", "check"]));
    assert_eq!(code, 0);
    assert!(check.contains(".TH casebook-check 1"), "{check}");
    assert!(check.contains("statistics"), "{check}");
    let (code, _, stderr) = output(casebook().args(["man", "frobnicate"]));
    assert_eq!(code, 2);
    assert!(stderr.contains("no command `frobnicate`"), "{stderr}");
    // Rendered by man itself when it is installed.
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("casebook-check.1");
    std::fs::write(&file, &check).unwrap();
    match std::process::Command::new("man")
        .arg("-l")
        .arg(&file)
        .env("MANPAGER", "cat")
        .env("PAGER", "cat")
        .env("MANWIDTH", "100")
        .output()
    {
        Ok(out) if out.status.success() => {
            let text = String::from_utf8_lossy(&out.stdout);
            assert!(text.contains("NAME"), "{text}");
            assert!(text.contains("casebook-check - Load, validate"), "{text}");
            assert!(text.contains("--statistics"), "{text}");
        }
        other => eprintln!("man -l not available here ({other:?}): checked the roff only"),
    }
}

#[test]
fn version_names_the_commit_but_reports_keep_the_crate_version() {
    let (code, version, _) = output(casebook().arg("--version"));
    assert_eq!(code, 0);
    let plain = env!("CARGO_PKG_VERSION");
    assert!(version.starts_with(&format!("casebook {plain}")), "{version}");
    // Built from this git checkout (when git can say so): the commit it was built from.
    let head = std::process::Command::new("git")
        .args(["rev-parse", "--short=7", "HEAD"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output();
    match head {
        Ok(out) if out.status.success() => {
            let hash = String::from_utf8(out.stdout).unwrap();
            assert!(version.contains(&format!("({}", hash.trim())), "{version}");
        }
        _ => assert_eq!(version, format!("casebook {plain}\n")),
    }
    // What casebook writes for others stays the same whatever the commit.
    let laid = lay(&rule_fixture("dead-end/invalid-no-next.yaml"));
    let (_, sarif, _) = run_on(laid.root(), &["check", "-f", "sarif"]);
    let sarif: serde_json::Value = serde_json::from_str(&sarif).unwrap();
    assert_eq!(sarif["runs"][0]["tool"]["driver"]["version"], plain);
}

#[cfg(feature = "handbook")]
#[test]
fn build_is_a_command_of_the_full_binary() {
    assert!(commands().iter().any(|c| c == "build"));
}

#[cfg(not(feature = "handbook"))]
#[test]
fn a_binary_without_the_handbook_says_what_build_needs() {
    assert!(
        !commands().iter().any(|c| c == "build" || c == "serve"),
        "hidden from --help"
    );
    let laid = crate::rules::base();
    for command in ["build", "serve"] {
        let (code, stdout, stderr) = run_on(laid.root(), &[command]);
        assert_eq!(code, 2);
        assert!(stdout.is_empty());
        assert!(
            stderr.contains("without the handbook")
                && stderr.contains(&format!("for `casebook {command}`"))
                && stderr.contains("cargo install --locked"),
            "{stderr}"
        );
    }
}

#[derive(serde::Deserialize)]
struct Hook {
    id: String,
    entry: String,
    language: String,
    pass_filenames: bool,
}

#[test]
fn both_pre_commit_hooks_check_the_catalogue_found_from_the_repository_root() {
    let text = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(".pre-commit-hooks.yaml"))
        .unwrap();
    let hooks: Vec<Hook> = serde_saphyr::from_str(&text).unwrap();
    let ids: Vec<(&str, &str)> = hooks
        .iter()
        .map(|h| (h.id.as_str(), h.language.as_str()))
        .collect();
    assert_eq!(
        ids,
        [("casebook-check", "rust"), ("casebook-check-system", "system")]
    );
    // pre-commit runs the entry from the repository root, without file names.
    let project = project();
    for hook in &hooks {
        assert!(!hook.pass_filenames, "{}", hook.id);
        let mut words = hook.entry.split_whitespace();
        assert_eq!(words.next(), Some("casebook"), "{}", hook.id);
        let args: Vec<&str> = words.collect();
        let (code, stdout, _) = run_in(project.path(), &args);
        assert_eq!(code, 1, "{}: the dead ends fail the commit", hook.id);
        assert!(stdout.contains("error[dead-end]"), "{stdout}");
    }
}
