//! `casebook diff` on a real git repository built here: a small catalogue (tests/fixtures/base
//! and tests/fixtures/diff) committed, then changed commit by commit (a handoff added, a
//! transfer removed, a step renamed, a step moved to another team, a finding added). The binary
//! is run as a reviewer or a CI job would run it; the markdown, JSON and human outputs are
//! snapshots. Skipped, with a notice, when `git` is not installed.

use crate::support::{casebook, copy_tree, fixtures};
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Command;

/// The date every check of these tests runs on (review-overdue depends on it).
const TODAY: &str = "2026-11-22";

fn git_available() -> bool {
    let ok = Command::new("git")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !ok {
        eprintln!("skipped: `git` is not installed, so `casebook diff` on revisions cannot be tested");
    }
    ok
}

/// The environment that makes git ignore the user's configuration and gives fixed commit ids.
const GIT_ENV: &[(&str, &str)] = &[
    ("GIT_CONFIG_GLOBAL", "/dev/null"),
    ("GIT_CONFIG_NOSYSTEM", "1"),
    ("GIT_AUTHOR_NAME", "Test"),
    ("GIT_AUTHOR_EMAIL", "test@example.com"),
    ("GIT_COMMITTER_NAME", "Test"),
    ("GIT_COMMITTER_EMAIL", "test@example.com"),
    ("GIT_AUTHOR_DATE", "2026-11-01T12:00:00Z"),
    ("GIT_COMMITTER_DATE", "2026-11-01T12:00:00Z"),
];

/// Variables of an outer git (a hook running the tests) that would point git elsewhere.
const GIT_UNSET: &[&str] = &["GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE"];

macro_rules! isolate {
    ($cmd:expr) => {{
        for (k, v) in GIT_ENV {
            $cmd.env(k, v);
        }
        for k in GIT_UNSET {
            $cmd.env_remove(k);
        }
    }};
}

/// A temporary git repository holding a catalogue in `catalogue/`, committed version by
/// version and tagged `v0` (no catalogue yet) to `v6`, and a private TMPDIR for casebook.
struct Repo {
    dir: tempfile::TempDir,
    tmp: tempfile::TempDir,
}

impl Repo {
    fn root(&self) -> &Path {
        self.dir.path()
    }

    fn catalogue(&self) -> PathBuf {
        self.root().join("catalogue")
    }

    fn git(&self, args: &[&str]) -> String {
        let mut cmd = Command::new("git");
        cmd.current_dir(self.root()).args(args);
        isolate!(cmd);
        let out = cmd.output().expect("git runs");
        assert!(
            out.status.success(),
            "git {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).expect("UTF-8")
    }

    fn commit(&self, message: &str, tag: &str) {
        self.git(&["add", "-A"]);
        self.git(&["commit", "-q", "--allow-empty", "-m", message]);
        self.git(&["tag", tag]);
    }

    /// Replaces `from` (which must occur exactly once) with `to` in a catalogue file.
    fn edit(&self, rel: &str, from: &str, to: &str) {
        let path = self.catalogue().join(rel);
        let text = std::fs::read_to_string(&path).expect("readable");
        assert_eq!(text.matches(from).count(), 1, "{rel} holds {from:?} once");
        std::fs::write(&path, text.replace(from, to)).expect("writable");
    }

    /// Runs casebook in `cwd` with the given arguments: (status, stdout, stderr). TMPDIR is the
    /// repository's private one, so the tests can see that diff leaves nothing there.
    fn run_in(&self, cwd: &Path, args: &[&str]) -> (i32, String, String) {
        let mut cmd = casebook();
        cmd.current_dir(cwd).args(args).env("TMPDIR", self.tmp.path());
        isolate!(cmd);
        let out = cmd.output().expect("the binary runs");
        let left: Vec<_> = std::fs::read_dir(self.tmp.path()).expect("tmp").collect();
        assert!(left.is_empty(), "casebook left {left:?} in its temporary folder");
        (
            out.status.code().expect("an exit status"),
            String::from_utf8(out.stdout).expect("UTF-8 stdout"),
            String::from_utf8(out.stderr).expect("UTF-8 stderr"),
        )
    }

    /// Runs casebook at the repository's root.
    fn run(&self, args: &[&str]) -> (i32, String, String) {
        self.run_in(self.root(), args)
    }

    /// `casebook diff ARGS --format json --today TODAY` at the root, parsed; exit status 0 or 1.
    fn json(&self, args: &[&str]) -> Value {
        let mut all = vec!["diff"];
        all.extend_from_slice(args);
        all.extend_from_slice(&["--format", "json", "--today", TODAY, "--fail-on-new", "never"]);
        let (code, out, err) = self.run(&all);
        assert_eq!(code, 0, "{err}");
        serde_json::from_str(&out).expect("JSON")
    }
}

/// The repository, or `None` (after a notice) without git.
fn repo() -> Option<Repo> {
    if !git_available() {
        return None;
    }
    let repo = Repo {
        dir: tempfile::tempdir().expect("temp dir"),
        tmp: tempfile::tempdir().expect("temp dir"),
    };
    repo.git(&["init", "-q"]);
    repo.git(&["checkout", "-q", "-b", "main"]);
    std::fs::write(
        repo.root().join("README.md"),
        "A repository that will hold a catalogue.\n",
    )
    .expect("write");
    repo.commit("Nothing yet", "v0");

    let cat = repo.catalogue();
    std::fs::create_dir_all(&cat).expect("mkdir");
    copy_tree(&fixtures().join("base"), &cat);
    copy_tree(&fixtures().join("diff"), &cat);
    repo.commit("The first catalogue", "v1");

    let dispute = "use-cases/billing/invoice-dispute.yaml";
    let question = "use-cases/billing/invoice-question.yaml";
    repo.edit(
        dispute,
        "    duration: 2d\n    next: inform\n",
        "    duration: 2d\n    next: visit\n  - id: visit\n    title: A technician reads the meter on site\n    actor: field-service\n    duration: 1d\n    next: inform\n",
    );
    repo.commit("Add a handoff: billing sends a technician", "v2");

    repo.edit(question, "    next: identify\n", "    next: explain\n");
    repo.edit(
        question,
        "  - id: identify\n    title: The voice assistant finds the invoice\n    actor: chatbot\n    channel: phone\n    system: crm\n    needs: [invoice-number]\n    duration: 1m\n    next: explain\n",
        "",
    );
    repo.commit("Remove the transfer from the voice assistant", "v3");

    repo.edit(dispute, "  - id: log\n", "  - id: record\n");
    repo.edit(dispute, "    next: log\n", "    next: record\n");
    repo.edit(
        dispute,
        "Agent emails the answer",
        "Agent emails the answer and the credit note",
    );
    repo.commit("Rename a step", "v4");

    repo.edit(
        dispute,
        "    actor: contact-centre\n    channel: email\n",
        "    actor: chatbot\n    channel: portal\n",
    );
    repo.commit("Move the answer to the virtual assistant on the portal", "v5");

    repo.edit(
        dispute,
        "    duration: 1d\n    next: inform\n",
        "    duration: 1d\n    next:\n      - { to: inform, when: the meter confirms the invoice }\n      - { to: escalate, when: the meter is broken }\n  - id: escalate\n    title: The technician reports a broken meter\n    actor: field-service\n    duration: 1h\n",
    );
    repo.edit(
        dispute,
        "  - id: done\n    end: answered\n",
        "  - id: done\n    end: answered\n  - id: withdrawn\n    end: the client withdraws the dispute\n",
    );
    repo.edit(
        dispute,
        "    duration: 10m\n    next: investigate\n",
        "    duration: 10m\n    next:\n      - { to: investigate, default: true }\n      - { to: withdrawn, when: the client withdraws the dispute }\n",
    );
    repo.commit("Add a step that leads nowhere", "v6");
    Some(repo)
}

fn strings(v: &Value) -> Vec<String> {
    v.as_array()
        .expect("an array")
        .iter()
        .map(|s| s.as_str().expect("a string").to_owned())
        .collect()
}

fn use_case<'a>(doc: &'a Value, id: &str) -> &'a Value {
    doc["use_cases"]
        .as_array()
        .expect("use_cases")
        .iter()
        .find(|u| u["id"] == id)
        .unwrap_or_else(|| panic!("{id} in {doc:#}"))
}

#[test]
fn each_commit_says_what_it_changed() {
    let Some(repo) = repo() else { return };

    // v1 -> v2: a handoff billing -> field-service (across departments), and one from
    // field-service back to the contact centre, instead of billing -> contact centre.
    let d = repo.json(&["v1", "v2"]);
    let u = use_case(&d, "invoice-dispute");
    assert_eq!(u["change"], "changed");
    let pair = |h: &Value| {
        format!(
            "{} -> {}",
            h["from_team"].as_str().unwrap(),
            h["to_team"].as_str().unwrap()
        )
    };
    let added: Vec<String> = u["handoffs"]["added"]
        .as_array()
        .unwrap()
        .iter()
        .map(pair)
        .collect();
    let removed: Vec<String> = u["handoffs"]["removed"]
        .as_array()
        .unwrap()
        .iter()
        .map(pair)
        .collect();
    assert_eq!(
        added,
        ["billing -> field-service", "field-service -> contact-centre"]
    );
    assert_eq!(removed, ["billing -> contact-centre"]);
    assert_eq!(u["handoffs"]["added"][0]["cross_department"], true);
    assert_eq!(u["handoffs"]["added"][0]["to_department"], "operations");
    assert_eq!(strings(&u["teams_joined"]), ["field-service"]);
    assert_eq!(u["steps"]["added"][0]["id"], "visit");
    assert_eq!(u["before"]["worst_path_handoffs"], 2);
    assert_eq!(u["after"]["worst_path_handoffs"], 3);
    assert_eq!(d["summary"]["handoffs_added"], 2);
    assert_eq!(d["summary"]["cross_department_handoffs_added"], 2);

    // v2 -> v3: the transfer and its warning are gone.
    let d = repo.json(&["v2", "v3"]);
    let u = use_case(&d, "invoice-question");
    assert_eq!(u["steps"]["removed"][0]["id"], "identify");
    assert_eq!(u["handoffs"]["removed"][0]["from_team"], "chatbot");
    assert_eq!(strings(&u["teams_left"]), ["chatbot"]);
    let fixed = d["findings"]["fixed"].as_array().unwrap();
    assert_eq!(fixed.len(), 1, "{d:#}");
    assert_eq!(fixed[0]["rule"], "customer-transfer");
    assert!(d["findings"]["introduced"].as_array().unwrap().is_empty());

    // v3 -> v4: a renamed step is a rename, not a removal and an addition; no handoff moves.
    let d = repo.json(&["v3", "v4"]);
    let u = use_case(&d, "invoice-dispute");
    assert_eq!(u["steps"]["renamed"][0]["from"], "log");
    assert_eq!(u["steps"]["renamed"][0]["to"], "record");
    assert!(u["steps"]["added"].as_array().unwrap().is_empty());
    assert!(u["steps"]["removed"].as_array().unwrap().is_empty());
    assert_eq!(d["summary"]["handoffs_added"], 0);
    assert_eq!(d["summary"]["handoffs_removed"], 0);
    assert_eq!(
        u["steps"]["changed"][0]["title_change"]["after"],
        "Agent emails the answer and the credit note"
    );

    // v4 -> v5: a step moved to another team and another channel.
    let d = repo.json(&["v4", "v5"]);
    let u = use_case(&d, "invoice-dispute");
    let step = &u["steps"]["changed"][0];
    assert_eq!(step["id"], "inform");
    assert_eq!(step["actor"]["before"], "contact-centre");
    assert_eq!(step["actor"]["after"], "chatbot");
    assert_eq!(step["channel"]["after"], "portal");
    let teams: Vec<&str> = d["teams"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["id"].as_str().unwrap())
        .collect();
    assert!(
        teams.contains(&"chatbot") && teams.contains(&"contact-centre"),
        "{teams:?}"
    );

    // v5 -> v6: a dead end, an error introduced in invoice-dispute, whose owner is billing.
    let d = repo.json(&["v5", "v6"]);
    let introduced = d["findings"]["introduced"].as_array().unwrap();
    assert!(
        introduced
            .iter()
            .any(|f| f["rule"] == "dead-end" && f["severity"] == "error"),
        "{d:#}"
    );
    assert_eq!(d["summary"]["findings_introduced"]["errors"], 1);
    let u = use_case(&d, "invoice-dispute");
    let ends: Vec<&Value> = u["steps"]["added"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| !s["end"].is_null())
        .collect();
    assert_eq!(ends.len(), 1, "a new end is a new outcome: {u:#}");
    assert_eq!(ends[0]["end"], "the client withdraws the dispute");
    assert_eq!(d["owners"][0]["team"], "billing");
    assert_eq!(strings(&d["owners"][0]["use_cases"]), ["invoice-dispute"]);
}

#[test]
fn markdown_json_and_human_snapshots() {
    let Some(repo) = repo() else { return };
    for (name, format) in [("markdown", "markdown"), ("json", "json"), ("human", "human")] {
        let (code, out, err) = repo.run(&["diff", "v1", "v6", "--format", format, "--today", TODAY]);
        assert_eq!(code, 1, "v6 introduces an error: {err}");
        insta::assert_snapshot!(format!("v1_to_v6_{name}"), out);
        if format == "markdown" {
            // The README shows the start of this comment: it must stay what diff prints.
            let readme = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md"))
                .expect("README.md");
            let start = readme
                .find("```markdown\n")
                .expect("a markdown example in the README")
                + 12;
            let shown = &readme[start..start + readme[start..].find("```").expect("its end")];
            assert!(
                out.contains(shown),
                "README's example is not what diff prints:\n{shown}"
            );
        }
    }
}

#[test]
fn fail_on_new_counts_only_what_the_change_introduces() {
    let Some(repo) = repo() else { return };
    let status = |args: &[&str]| {
        let mut all = vec!["diff"];
        all.extend_from_slice(args);
        all.extend_from_slice(&["--today", TODAY]);
        repo.run(&all).0
    };
    // v5 -> v6 introduces an error.
    assert_eq!(status(&["v5", "v6"]), 1);
    assert_eq!(status(&["v5", "v6", "--fail-on-new", "error"]), 1);
    assert_eq!(status(&["v5", "v6", "--fail-on-new", "never"]), 0);
    // v2 -> v3 fixes a warning and introduces nothing, though v3 itself still has findings
    // to fail `check` at `--fail-on info`.
    assert_eq!(status(&["v2", "v3", "--fail-on-new", "info"]), 0);
    // The other way round, the warning comes back: a warning, not an error.
    assert_eq!(status(&["v3", "v2", "--fail-on-new", "warning"]), 1);
    assert_eq!(status(&["v3", "v2", "--fail-on-new", "error"]), 0);
    // A change to the working tree counts too.
    assert_eq!(status(&["v6", "--fail-on-new", "info"]), 0);
    assert_eq!(status(&["v5", "--fail-on-new", "error"]), 1);
}

#[test]
fn head_defaults_to_the_working_tree_inside_and_outside_the_repository() {
    let Some(repo) = repo() else { return };
    repo.edit(
        "use-cases/billing/invoice-question.yaml",
        "title: A client calls about an invoice",
        "title: A client calls about a line of an invoice",
    );
    let inside = repo.json(&["v6"]);
    assert_eq!(inside["head"]["kind"], "working-tree");
    assert_eq!(inside["base"]["commit"], repo.git(&["rev-parse", "v6"]).trim());
    let u = use_case(&inside, "invoice-question");
    assert_eq!(
        u["title_change"]["after"],
        "A client calls about a line of an invoice"
    );

    // From a folder of the repository, with --catalogue pointing back at the catalogue.
    let sub = repo.root().join("docs");
    std::fs::create_dir(&sub).expect("mkdir");
    let (code, out, err) = repo.run_in(
        &sub,
        &[
            "--catalogue",
            "../catalogue",
            "diff",
            "v6",
            "--format",
            "json",
            "--today",
            TODAY,
        ],
    );
    assert_eq!(code, 0, "{err}");
    let from_sub: Value = serde_json::from_str(&out).expect("JSON");
    assert_eq!(from_sub, inside);

    // From outside the repository, with an absolute --catalogue.
    let outside = tempfile::tempdir().expect("temp dir");
    let catalogue = repo.catalogue();
    let (code, out, err) = repo.run_in(
        outside.path(),
        &[
            "--catalogue",
            catalogue.to_str().unwrap(),
            "diff",
            "v6",
            "--format",
            "json",
            "--today",
            TODAY,
        ],
    );
    assert_eq!(code, 0, "{err}");
    let from_outside: Value = serde_json::from_str(&out).expect("JSON");
    assert_eq!(from_outside, inside);

    // Two revisions from outside.
    let (code, out, _) = repo.run_in(
        outside.path(),
        &[
            "--catalogue",
            catalogue.to_str().unwrap(),
            "diff",
            "v3",
            "v4",
            "--format",
            "json",
            "--today",
            TODAY,
        ],
    );
    assert_eq!(code, 0);
    let d: Value = serde_json::from_str(&out).expect("JSON");
    assert_eq!(d["use_cases"], repo.json(&["v3", "v4"])["use_cases"]);
}

#[test]
fn two_folders_compare_like_two_revisions() {
    let Some(repo) = repo() else { return };
    let work = tempfile::tempdir().expect("temp dir");
    for (tag, name) in [("v1", "old"), ("v6", "new")] {
        let folder = work.path().join(name);
        std::fs::create_dir(&folder).expect("mkdir");
        // `git archive` writes the revision's catalogue as plain files.
        let archive = repo.git(&[
            "archive",
            "--format=tar",
            "-o",
            work.path().join(format!("{name}.tar")).to_str().unwrap(),
            tag,
            "catalogue",
        ]);
        assert!(archive.is_empty());
        let status = Command::new("tar")
            .args(["-xf", &format!("{name}.tar"), "--strip-components=1", "-C", name])
            .current_dir(work.path())
            .status()
            .expect("tar runs");
        assert!(status.success());
    }
    let (code, out, err) = repo.run_in(
        work.path(),
        &["diff", "old", "new", "--format", "json", "--today", TODAY],
    );
    assert_eq!(code, 1, "{err}");
    let folders: Value = serde_json::from_str(&out).expect("JSON");
    assert_eq!(folders["base"]["kind"], "folder");
    assert_eq!(folders["base"]["label"], "old");
    assert_eq!(folders["head"]["label"], "new");
    let revisions = repo.json(&["v1", "v6"]);
    for key in ["summary", "use_cases", "findings", "teams", "owners"] {
        assert_eq!(folders[key], revisions[key], "{key}");
    }
    // No git needed for two folders: the same with an empty PATH.
    let mut cmd = casebook();
    cmd.current_dir(work.path())
        .args(["diff", "old", "new", "--format", "json", "--today", TODAY])
        .env("PATH", work.path().join("no-such-bin"));
    let out = cmd.output().expect("runs");
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        serde_json::from_slice::<Value>(&out.stdout).expect("JSON"),
        folders
    );
}

#[test]
fn what_cannot_be_read_is_a_clear_error() {
    let Some(repo) = repo() else { return };
    let expect_2 = |args: &[&str], words: &str| {
        let (code, out, err) = repo.run(args);
        assert_eq!(code, 2, "{args:?}: {out}{err}");
        assert!(out.is_empty());
        assert!(err.contains(words), "{args:?}: {err}");
    };
    expect_2(&["diff", "no-such-branch"], "no revision `no-such-branch`");
    expect_2(&["diff", "v1", "no-such-branch"], "no revision `no-such-branch`");
    expect_2(&["diff", "--", "--output=x"], "cannot be empty or start with `-`");
    expect_2(&["diff", "v0"], "revision `v0` has no catalogue at `catalogue`");
    expect_2(
        &["diff", "old-catalogue/", "v1"],
        "old-catalogue/ is not a casebook catalogue",
    );
    expect_2(
        &["--catalogue", "elsewhere", "diff", "v1"],
        "revision `v1` has no catalogue at `elsewhere`",
    );

    // Not a git repository: a copy of the catalogue outside it (git may not look above).
    let plain = tempfile::tempdir().expect("temp dir");
    copy_tree(&repo.catalogue(), plain.path());
    let mut cmd = casebook();
    cmd.current_dir(plain.path())
        .args(["--catalogue", ".", "diff", "v1"])
        .env("GIT_CEILING_DIRECTORIES", plain.path().parent().unwrap());
    isolate!(cmd);
    let out = cmd.output().expect("runs");
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("is not inside a git repository"), "{err}");

    // git not installed: an empty PATH.
    let mut cmd = casebook();
    cmd.current_dir(repo.root())
        .args(["diff", "v1"])
        .env("PATH", plain.path().join("no-such-bin"));
    let out = cmd.output().expect("runs");
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("cannot run `git`"), "{err}");
}

#[cfg(unix)]
#[test]
fn a_committed_link_is_skipped_and_never_followed() {
    let Some(repo) = repo() else { return };
    // A use case outside the catalogue, and links to it and to a system file committed inside.
    let outside = repo.root().join("secret.yaml");
    let text = std::fs::read_to_string(repo.catalogue().join("use-cases/billing/invoice-question.yaml"))
        .unwrap()
        .replace("id: invoice-question", "id: secret-use-case");
    std::fs::write(&outside, text).unwrap();
    let billing = repo.catalogue().join("use-cases/billing");
    std::os::unix::fs::symlink("../../../secret.yaml", billing.join("secret.yaml")).unwrap();
    std::os::unix::fs::symlink("/etc/passwd", billing.join("passwd.yaml")).unwrap();
    std::os::unix::fs::symlink(
        "../../../secret.yaml",
        repo.catalogue().join("information.yaml.link"),
    )
    .unwrap();
    repo.commit("Links", "v7");

    let d = repo.json(&["v6", "v7"]);
    let skipped: Vec<(String, String)> = d["head"]["skipped"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (
                s["path"].as_str().unwrap().to_owned(),
                s["why"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    assert_eq!(
        skipped,
        [
            ("information.yaml.link".to_owned(), "a symbolic link".to_owned()),
            (
                "use-cases/billing/passwd.yaml".to_owned(),
                "a symbolic link".to_owned()
            ),
            (
                "use-cases/billing/secret.yaml".to_owned(),
                "a symbolic link".to_owned()
            ),
        ]
    );
    assert!(
        d["use_cases"].as_array().unwrap().is_empty(),
        "nothing was read through a link: {d:#}"
    );
    let (_, md, _) = repo.run(&["diff", "v6", "v7", "--format", "markdown", "--today", TODAY]);
    assert!(
        md.contains("use\\-cases/billing/secret\\.yaml is a symbolic link, not read"),
        "{md}"
    );

    // On disk, `check` reports the links; a revision skips them. Against the working tree
    // holding the same links, no finding is new.
    let (_, out, _) = repo.run(&["check", "--today", TODAY, "--format", "json"]);
    let check: Value = serde_json::from_str(&out).expect("JSON");
    let on_disk = check["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["rule"] == "stray-file")
        .count();
    assert_eq!(on_disk, 2, "{check:#}");
    let d = repo.json(&["v7"]);
    assert!(d["use_cases"].as_array().unwrap().is_empty(), "{d:#}");
    assert_eq!(
        d["findings"],
        serde_json::json!({"introduced": [], "fixed": []}),
        "{d:#}"
    );
    assert_eq!(
        repo.run(&["diff", "v7", "--today", TODAY, "--fail-on-new", "info"])
            .0,
        0
    );

    // A casebook.yaml that is a link is no catalogue.
    std::fs::rename(
        repo.catalogue().join("casebook.yaml"),
        repo.root().join("casebook.yaml"),
    )
    .unwrap();
    std::os::unix::fs::symlink("../casebook.yaml", repo.catalogue().join("casebook.yaml")).unwrap();
    repo.commit("casebook.yaml as a link", "v8");
    // (Named: from the repository's root, the casebook.yaml moved there would be found first.)
    let (code, _, err) = repo.run(&["diff", "v8", "v7", "--catalogue", "catalogue"]);
    assert_eq!(code, 2);
    assert!(err.contains("casebook.yaml is a symbolic link"), "{err}");
}

#[test]
fn yaml_text_cannot_inject_markdown_or_html() {
    let Some(repo) = repo() else { return };
    repo.edit(
        "use-cases/billing/invoice-dispute.yaml",
        "title: Billing checks the amount",
        "title: \"<img src=x onerror=alert(1)> [click](javascript:alert(1)) | </details>\"",
    );
    let (_, md, _) = repo.run(&["diff", "v1", "--format", "markdown", "--today", TODAY]);
    assert!(md.contains("&lt;img src\\=x onerror\\=alert\\(1\\)&gt; \\[click\\]\\(javascript\\:alert\\(1\\)\\) \\| &lt;/details&gt;"), "{md}");
    assert!(!md.contains("<img") && !md.contains("](javascript"), "{md}");
    assert_eq!(md.matches("<details>").count(), md.matches("</details>").count());
}

#[test]
fn moved_lines_and_new_words_change_no_finding() {
    let Some(repo) = repo() else { return };
    repo.git(&["checkout", "-q", "v2"]);
    // Comment lines above the transfer move its warning down; the trigger is reworded.
    repo.edit(
        "use-cases/billing/invoice-question.yaml",
        "id: invoice-question\n",
        "# Reviewed with the contact centre.\n# The transfer is known.\nid: invoice-question\n",
    );
    repo.edit(
        "use-cases/billing/invoice-question.yaml",
        "trigger: The client does not understand a line of the invoice.",
        "trigger: A line of the invoice makes no sense to the client.",
    );
    let d = repo.json(&["v2"]);
    assert_eq!(
        d["summary"]["findings_introduced"],
        serde_json::json!({"errors": 0, "warnings": 0, "infos": 0})
    );
    assert_eq!(
        d["summary"]["findings_fixed"],
        serde_json::json!({"errors": 0, "warnings": 0, "infos": 0})
    );
    let u = use_case(&d, "invoice-question");
    assert_eq!(u["wording_only"], true);
    assert_eq!(u["before"], u["after"]);
    let (code, human, _) = repo.run(&["diff", "v2", "--today", TODAY, "--output", "diff.txt"]);
    assert_eq!((code, human.as_str()), (0, ""));
    let written = std::fs::read_to_string(repo.root().join("diff.txt")).expect("--output wrote the file");
    assert!(written.contains("reworded invoice-question"), "{written}");
    // Nothing changed at all.
    let (_, md, _) = repo.run(&["diff", "v2", "v2", "--format", "markdown", "--today", TODAY]);
    assert!(
        md.contains("**No change to use cases, handoffs or findings**"),
        "{md}"
    );
    assert!(!md.contains("<details>"), "{md}");
}

#[test]
fn a_shallow_clone_reads_the_base_once_it_is_fetched() {
    let Some(repo) = repo() else { return };
    // What a CI checkout looks like: one commit of the branch, nothing else.
    let ci = tempfile::tempdir().expect("temp dir");
    let url = format!("file://{}", repo.root().display());
    let clone = |args: &[&str]| {
        let mut cmd = Command::new("git");
        cmd.current_dir(ci.path()).args(args);
        isolate!(cmd);
        let out = cmd.output().expect("git runs");
        assert!(
            out.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    };
    clone(&["clone", "-q", "--depth=1", "--branch", "v6", &url, "work"]);
    let work = ci.path().join("work");
    let (code, _, err) = repo.run_in(&work, &["diff", "v1"]);
    assert_eq!(code, 2);
    assert!(
        err.contains("no revision `v1`") && err.contains("git fetch --depth=1"),
        "{err}"
    );
    clone(&["-C", "work", "fetch", "-q", "--depth=1", "origin", "tag", "v1"]);
    let (code, out, err) = repo.run_in(
        &work,
        &[
            "diff",
            "v1",
            "--format",
            "json",
            "--today",
            TODAY,
            "--fail-on-new",
            "never",
        ],
    );
    assert_eq!(code, 0, "{err}");
    let shallow: Value = serde_json::from_str(&out).expect("JSON");
    let full = repo.json(&["v1", "v6"]);
    assert_eq!(shallow["use_cases"], full["use_cases"]);
    assert_eq!(shallow["findings"], full["findings"]);
}

#[test]
fn a_large_change_fits_in_one_pull_request_comment() {
    // The sample catalogue against itself with one use case: 143 use cases added, hundreds of
    // handoffs and findings. Two folders, so no git is needed.
    let work = tempfile::tempdir().expect("temp dir");
    let sample = Path::new(env!("CARGO_MANIFEST_DIR")).join("catalogue");
    let small = work.path().join("small");
    std::fs::create_dir(&small).expect("mkdir");
    copy_tree(&sample, &small);
    let domains = small.join("use-cases");
    std::fs::remove_dir_all(&domains).expect("rm");
    std::fs::create_dir_all(domains.join("billing")).expect("mkdir");
    let one = std::fs::read_dir(sample.join("use-cases/invoicing-payment"))
        .expect("a domain")
        .map(|e| e.expect("entry").path())
        .min()
        .expect("a use case");
    std::fs::copy(&one, domains.join("billing/one.yaml")).expect("copy");
    let out = casebook()
        .args([
            "diff",
            "--format",
            "markdown",
            "--today",
            TODAY,
            "--fail-on-new",
            "never",
        ])
        .arg(format!("{}/", small.display()))
        .arg(format!("{}/", sample.display()))
        .output()
        .expect("runs");
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let md = String::from_utf8(out.stdout).expect("UTF-8");
    assert!(md.contains("143 added"), "{}", &md[..500]);
    // GitHub refuses a comment above 65,536 characters.
    assert!(md.chars().count() < 65_536, "{} characters", md.chars().count());
    assert!(md.contains("more (`--format json` lists them all)"));
    assert_eq!(md.matches("<details>").count(), md.matches("</details>").count());
    for section in ["Metrics", "Handoffs", "Findings", "Teams affected"] {
        assert!(md.contains(&format!("<details><summary>{section}")), "{section}");
    }
}

#[test]
fn the_catalogue_can_be_the_repository_itself() {
    if !git_available() {
        return;
    }
    let dir = tempfile::tempdir().expect("temp dir");
    let root = dir.path();
    copy_tree(&fixtures().join("base"), root);
    copy_tree(&fixtures().join("diff"), root);
    let git = |args: &[&str]| {
        let mut cmd = Command::new("git");
        cmd.current_dir(root).args(args);
        isolate!(cmd);
        assert!(cmd.status().expect("git runs").success(), "{args:?}");
    };
    git(&["init", "-q"]);
    git(&["add", "-A"]);
    git(&["commit", "-q", "-m", "catalogue"]);
    let file = root.join("use-cases/billing/invoice-dispute.yaml");
    let text = std::fs::read_to_string(&file).expect("read");
    std::fs::write(&file, text.replace("actor: billing", "actor: it-support")).expect("write");
    let out = casebook()
        .current_dir(root)
        .args([
            "--catalogue",
            ".",
            "diff",
            "HEAD",
            "--format",
            "json",
            "--today",
            TODAY,
            "--fail-on-new",
            "never",
        ])
        .output()
        .expect("runs");
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let d: Value = serde_json::from_slice(&out.stdout).expect("JSON");
    let step = &use_case(&d, "invoice-dispute")["steps"]["changed"][0];
    assert_eq!(
        step["actor"],
        serde_json::json!({"before": "billing", "after": "it-support"})
    );
}

#[test]
fn a_git_hook_environment_does_not_mislead_it() {
    let Some(repo) = repo() else { return };
    // Git runs hooks at the repository's root with GIT_DIR (often relative) and GIT_INDEX_FILE
    // set; diff finds the repository from the catalogue folder all the same.
    let mut cmd = casebook();
    cmd.current_dir(repo.root())
        .args([
            "diff",
            "v1",
            "v6",
            "--format",
            "json",
            "--today",
            TODAY,
            "--fail-on-new",
            "never",
        ])
        .env("TMPDIR", repo.tmp.path());
    isolate!(cmd);
    cmd.env("GIT_DIR", ".git")
        .env("GIT_INDEX_FILE", ".git/index")
        .env("GIT_WORK_TREE", ".");
    let out = cmd.output().expect("runs");
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let d: Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(d["use_cases"], repo.json(&["v1", "v6"])["use_cases"]);
}

#[test]
fn a_team_moved_to_another_department_changes_metrics_not_handoffs() {
    let Some(repo) = repo() else { return };
    repo.git(&["checkout", "-q", "v1"]);
    // Billing joins Customer Service: its handoffs with the contact centre stay between the
    // same steps and teams, and are no longer between departments.
    repo.edit(
        "organisation.yaml",
        "      - id: billing\n        name: Billing\n        lane: backstage\n",
        "",
    );
    repo.edit(
        "organisation.yaml",
        "        automated: true\n",
        "        automated: true\n      - id: billing\n        name: Billing\n        lane: backstage\n",
    );
    let d = repo.json(&["v1"]);
    let u = use_case(&d, "invoice-dispute");
    assert_eq!(
        u["handoffs"],
        serde_json::json!({"added": [], "removed": []}),
        "{u:#}"
    );
    assert_eq!(u["before"]["cross_department_handoffs"], 2);
    assert_eq!(u["after"]["cross_department_handoffs"], 0);
}
