//! The output folder of `casebook build`, as a user meets it: no flag ever deletes a file casebook
//! did not write, the previous handbook is replaced in one step (a build killed at any moment
//! leaves it complete), two builds to one folder both end well, and OS errors are told once.

use crate::support::{casebook, copy_tree, fixtures};
use std::collections::BTreeMap;
use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const TODAY: &str = "2026-11-22";

/// A temporary catalogue: the base fixture, one ordinary use case (a catalogue without any is a
/// format error, which no build gets past), plus the given overlay folders.
fn catalogue_in(dir: &Path, overlays: &[&str]) {
    std::fs::create_dir_all(dir).unwrap();
    copy_tree(&fixtures().join("base"), dir);
    copy_tree(&fixtures().join("handbook/ordinary"), dir);
    for overlay in overlays {
        copy_tree(&fixtures().join(overlay), dir);
    }
}

/// `casebook build` of `catalogue` into `out`, with a fixed date.
fn build(catalogue: &Path, out: &Path) -> assert_cmd::Command {
    let mut cmd = casebook();
    cmd.args(["build", "--today", TODAY, "--catalogue"])
        .arg(catalogue)
        .arg("--out")
        .arg(out);
    cmd
}

/// Every entry below `dir` (folders with a trailing `/`, links as links) with a hash of its
/// bytes: the listing and content of the whole tree.
fn tree(dir: &Path) -> BTreeMap<String, u64> {
    let mut out = BTreeMap::new();
    let mut stack = vec![dir.to_owned()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let e = e.unwrap();
            let p = e.path();
            let rel = p.strip_prefix(dir).unwrap().display().to_string();
            let kind = e.file_type().unwrap();
            let mut h = std::hash::DefaultHasher::new();
            if kind.is_dir() {
                out.insert(format!("{rel}/"), 0);
                stack.push(p);
            } else if kind.is_symlink() {
                std::fs::read_link(&p).unwrap().hash(&mut h);
                out.insert(format!("{rel} ->"), h.finish());
            } else {
                std::fs::read(&p).unwrap().hash(&mut h);
                out.insert(rel, h.finish());
            }
        }
    }
    out
}

/// The names in `dir`.
fn names(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

fn stderr(output: &std::process::Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// Runs `cmd` with `--force` and asserts that the build refuses its `--out` (exit 2), saying why
/// with `what`.
fn assert_refused_even_forced(mut cmd: assert_cmd::Command, what: &str) {
    let output = cmd.arg("--force").assert().code(2).get_output().clone();
    let err = stderr(&output);
    assert!(
        err.contains("refusing --out") && err.contains(what),
        "{what}: {err}"
    );
}

#[test]
fn force_never_deletes_a_folder_casebook_did_not_create() {
    let root = tempfile::tempdir().unwrap();
    let cat = root.path().join("cat");
    catalogue_in(&cat, &[]);
    let precious = root.path().join("precious");
    std::fs::create_dir_all(precious.join("sub")).unwrap();
    std::fs::write(precious.join("notes.txt"), "mine").unwrap();
    std::fs::write(precious.join("sub/more.txt"), "mine too").unwrap();
    let before = tree(&precious);
    for force in [false, true] {
        let mut cmd = build(&cat, &precious);
        if force {
            cmd.arg("--force");
        }
        let out = cmd.assert().code(2).get_output().clone();
        let err = stderr(&out);
        assert!(
            err.contains("precious") && err.contains("even with --force"),
            "{err}"
        );
        assert_eq!(
            tree(&precious),
            before,
            "the user's files are untouched (force: {force})"
        );
        assert_eq!(names(root.path()), ["cat", "precious"], "nothing written beside");
    }
}

#[test]
fn the_catalogue_its_parents_and_its_use_cases_are_refused_as_out() {
    let root = tempfile::tempdir().unwrap();
    let cat = root.path().join("cat");
    catalogue_in(&cat, &["handbook/ordinary"]);
    let before = tree(root.path());
    let inside = cat.join("use-cases/book");
    for (out, what) in [
        (cat.clone(), "it is the catalogue"),
        (root.path().to_owned(), "a parent of the catalogue"),
        (inside, "use-cases folder"),
    ] {
        assert_refused_even_forced(build(&cat, &out), what);
        assert_eq!(
            tree(root.path()),
            before,
            "nothing changed for --out {}",
            out.display()
        );
    }
}

#[test]
fn the_current_folder_and_its_parents_are_refused_as_out() {
    let root = tempfile::tempdir().unwrap();
    let cat = root.path().join("cat");
    catalogue_in(&cat, &[]);
    let work = root.path().join("work/here");
    std::fs::create_dir_all(&work).unwrap();
    std::fs::write(work.join("draft.txt"), "mine").unwrap();
    let before = tree(root.path());
    for (out, what) in [
        (".", "it is the current folder"),
        ("..", "a parent of the current folder"),
        ("../here/../..", "a parent of the current folder"),
        ("/", "it is the root folder"),
    ] {
        let mut cmd = build(&cat, Path::new(out));
        cmd.current_dir(&work);
        assert_refused_even_forced(cmd, what);
        assert_eq!(tree(root.path()), before, "nothing changed for --out {out}");
    }
}

#[test]
fn the_home_folder_is_refused_as_out() {
    let root = tempfile::tempdir().unwrap();
    let cat = root.path().join("cat");
    catalogue_in(&cat, &[]);
    let home = root.path().join("home/someone");
    std::fs::create_dir_all(&home).unwrap();
    std::fs::write(home.join(".profile"), "mine").unwrap();
    let before = tree(root.path());
    for out in [home.clone(), root.path().join("home")] {
        let mut cmd = build(&cat, &out);
        cmd.env("HOME", &home);
        assert_refused_even_forced(cmd, "home folder");
        assert_eq!(tree(root.path()), before);
    }
}

#[test]
fn an_out_that_is_a_file_is_named_as_such() {
    let root = tempfile::tempdir().unwrap();
    let cat = root.path().join("cat");
    catalogue_in(&cat, &[]);
    let file = root.path().join("report.html");
    std::fs::write(&file, "mine").unwrap();
    for force in [false, true] {
        let mut cmd = build(&cat, &file);
        if force {
            cmd.arg("--force");
        }
        let err = stderr(cmd.assert().code(2).get_output());
        assert!(
            err.contains("is a file") && err.contains("must be a folder"),
            "{err}"
        );
        assert_eq!(std::fs::read_to_string(&file).unwrap(), "mine");
        assert_eq!(names(root.path()), ["cat", "report.html"]);
    }
}

#[test]
fn os_errors_are_told_once() {
    let root = tempfile::tempdir().unwrap();
    let cat = root.path().join("cat");
    catalogue_in(&cat, &[]);
    std::fs::write(root.path().join("a-file"), "mine").unwrap();
    // The parent of --out is a file: the folder cannot be made.
    let err = stderr(
        build(&cat, &root.path().join("a-file/book"))
            .assert()
            .code(2)
            .get_output(),
    );
    assert_eq!(err.matches("(os error").count(), 1, "{err}");
    assert!(err.contains("a-file"), "{err}");
}

#[test]
fn files_added_to_a_handbook_are_never_deleted() {
    let root = tempfile::tempdir().unwrap();
    let cat = root.path().join("cat");
    catalogue_in(&cat, &["handbook/ordinary"]);
    let out = root.path().join("site");
    build(&cat, &out).assert().success();
    assert!(out.join("index.html").is_file());
    std::fs::write(out.join("CNAME"), "handbook.example.org\n").unwrap();
    std::fs::create_dir_all(out.join("notes")).unwrap();
    std::fs::write(out.join("notes/todo.txt"), "ask billing").unwrap();
    std::fs::write(out.join("css/ours.css"), "body { color: teal }").unwrap();
    let before = tree(&out);
    let err = stderr(build(&cat, &out).assert().code(2).get_output());
    assert!(
        err.contains("CNAME")
            && err.contains("notes/")
            && err.contains("css/ours.css")
            && err.contains("--force"),
        "{err}"
    );
    assert_eq!(tree(&out), before, "a refused build changes nothing");

    let output = build(&cat, &out)
        .arg("--force")
        .assert()
        .success()
        .get_output()
        .clone();
    let err = stderr(&output);
    assert!(err.contains("moved 3 entries") && err.contains("CNAME"), "{err}");
    assert_eq!(
        std::fs::read_to_string(out.join("CNAME")).unwrap(),
        "handbook.example.org\n"
    );
    assert_eq!(
        std::fs::read_to_string(out.join("notes/todo.txt")).unwrap(),
        "ask billing"
    );
    assert_eq!(
        std::fs::read_to_string(out.join("css/ours.css")).unwrap(),
        "body { color: teal }"
    );
    assert!(out.join("index.html").is_file());
    assert!(
        names(&out.join("css")).len() > 1,
        "mdBook's style sheets beside ours.css"
    );
    assert_eq!(
        names(root.path()),
        ["cat", "site"],
        "no staging folder or lock is left"
    );
    // They stay foreign: the next build without --force refuses again.
    build(&cat, &out).assert().code(2);
    build(&cat, &out).arg("--force").assert().success();
    assert_eq!(
        std::fs::read_to_string(out.join("CNAME")).unwrap(),
        "handbook.example.org\n"
    );
}

#[test]
fn a_foreign_file_where_the_new_handbook_has_a_page_is_never_replaced() {
    let root = tempfile::tempdir().unwrap();
    let cat = root.path().join("cat");
    // Without the ordinary use case at first: only the hostile one.
    std::fs::create_dir_all(&cat).unwrap();
    copy_tree(&fixtures().join("base"), &cat);
    copy_tree(&fixtures().join("handbook/hostile"), &cat);
    let out = root.path().join("site");
    build(&cat, &out).assert().success();
    // The user writes a page by hand; the catalogue then gains a use case of that name.
    std::fs::write(out.join("use-cases/meter-reading-dispute.html"), "my own page").unwrap();
    copy_tree(&fixtures().join("handbook/ordinary"), &cat);
    let before = tree(&out);
    let err = stderr(build(&cat, &out).arg("--force").assert().code(2).get_output());
    assert!(err.contains("use-cases/meter-reading-dispute.html"), "{err}");
    assert_eq!(
        tree(&out),
        before,
        "the previous handbook and the user's page are intact"
    );
    assert_eq!(names(root.path()), ["cat", "site"]);
}

#[test]
fn a_handbook_without_a_manifest_is_refused_not_replaced() {
    let root = tempfile::tempdir().unwrap();
    let cat = root.path().join("cat");
    catalogue_in(&cat, &[]);
    let out = root.path().join("old-book");
    std::fs::create_dir_all(&out).unwrap();
    // The marker of casebook 0.1, which did not list the files it wrote.
    std::fs::write(
        out.join(".casebook-handbook"),
        "This folder was generated by `casebook build`; it is replaced by the next build.\n",
    )
    .unwrap();
    std::fs::write(out.join("index.html"), "old").unwrap();
    std::fs::write(out.join("my-notes.md"), "mine").unwrap();
    let before = tree(&out);
    let err = stderr(build(&cat, &out).arg("--force").assert().code(2).get_output());
    assert!(err.contains("earlier casebook"), "{err}");
    assert_eq!(tree(&out), before);
}

#[test]
fn staging_folders_of_killed_builds_are_removed_only_when_casebook_made_them() {
    let root = tempfile::tempdir().unwrap();
    let cat = root.path().join("cat");
    catalogue_in(&cat, &[]);
    let out = root.path().join("book");
    let ours = root.path().join(".book.casebook-staging-4000000");
    std::fs::create_dir_all(ours.join("src")).unwrap();
    std::fs::write(ours.join(".casebook-staging"), "").unwrap();
    std::fs::write(ours.join("src/page.md"), "half written").unwrap();
    let empty = root.path().join(".book.casebook-staging-4000001");
    std::fs::create_dir_all(&empty).unwrap();
    // Same name, no staging marker: not provably casebook's, so left alone.
    let unknown = root.path().join(".book.casebook-staging-4000002");
    std::fs::create_dir_all(&unknown).unwrap();
    std::fs::write(unknown.join("keep.txt"), "mine").unwrap();
    // A staging marker, but a file no build writes there.
    let mixed = root.path().join(".book.casebook-staging-4000003");
    std::fs::create_dir_all(&mixed).unwrap();
    std::fs::write(mixed.join(".casebook-staging"), "").unwrap();
    std::fs::write(mixed.join("keep.txt"), "mine").unwrap();
    // The staging folder of another --out, `book.casebook-staging-7`, whose build may be running.
    let other = root.path().join(".book.casebook-staging-7.casebook-staging-123");
    std::fs::create_dir_all(&other).unwrap();
    std::fs::write(other.join(".casebook-staging"), "").unwrap();
    let err = stderr(build(&cat, &out).assert().success().get_output());
    assert!(err.contains("4000000") && err.contains("removed"), "{err}");
    assert!(err.contains("4000003") && err.contains("keep.txt"), "{err}");
    assert_eq!(
        names(root.path()),
        [
            ".book.casebook-staging-4000002",
            ".book.casebook-staging-4000003",
            ".book.casebook-staging-7.casebook-staging-123",
            "book",
            "cat"
        ]
    );
    assert_eq!(std::fs::read_to_string(unknown.join("keep.txt")).unwrap(), "mine");
    assert_eq!(std::fs::read_to_string(mixed.join("keep.txt")).unwrap(), "mine");
}

/// A copy of the sample catalogue (144 use cases: a build takes a second or more) under `name`.
fn sample_catalogue(dir: &Path, name: &str) {
    std::fs::create_dir_all(dir).unwrap();
    copy_tree(&Path::new(env!("CARGO_MANIFEST_DIR")).join("catalogue"), dir);
    let settings = std::fs::read_to_string(dir.join("casebook.yaml")).unwrap();
    let renamed: String = settings
        .lines()
        .map(|l| match l.starts_with("name:") {
            true => format!("name: {name}\n"),
            false => format!("{l}\n"),
        })
        .collect();
    assert_ne!(renamed, settings, "the sample catalogue has a name to change");
    std::fs::write(dir.join("casebook.yaml"), renamed).unwrap();
}

fn spawn_build(catalogue: &Path, out: &Path) -> std::process::Child {
    Command::new(env!("CARGO_BIN_EXE_casebook"))
        .args(["build", "--today", TODAY, "--catalogue"])
        .arg(catalogue)
        .arg("--out")
        .arg(out)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap()
}

#[test]
fn a_build_killed_at_any_moment_leaves_a_complete_handbook() {
    let root = tempfile::tempdir().unwrap();
    // Two catalogues whose handbooks differ on every page (the name is in every title).
    let cats = [root.path().join("cat-a"), root.path().join("cat-b")];
    sample_catalogue(&cats[0], "Handbook A");
    sample_catalogue(&cats[1], "Handbook B");
    let refs = root.path().join("refs");
    std::fs::create_dir_all(&refs).unwrap();
    let mut expected = Vec::new();
    let mut took = Duration::ZERO;
    for (i, cat) in cats.iter().enumerate() {
        let start = Instant::now();
        build(cat, &refs.join(i.to_string())).assert().success();
        took = took.max(start.elapsed());
        expected.push(tree(&refs.join(i.to_string())));
    }
    assert_ne!(expected[0], expected[1]);
    let site = root.path().join("site");
    std::fs::create_dir_all(&site).unwrap();
    let out = site.join("book");
    build(&cats[0], &out).assert().success();
    let mut now = 0;
    let kills = 10;
    for k in 1..=kills {
        // Build the other catalogue, killed at k/11 of a build's duration.
        let next = 1 - now;
        let mut child = spawn_build(&cats[next], &out);
        std::thread::sleep(took * k / (kills + 1));
        let _ = child.kill();
        child.wait().unwrap();
        let found = tree(&out);
        let leftovers = names(&site).len() - 1;
        if found == expected[next] {
            eprintln!("kill {k}: the new handbook, {leftovers} entries beside");
            now = next;
        } else {
            eprintln!("kill {k}: the previous handbook, {leftovers} entries beside");
            assert!(
                found == expected[now],
                "after a kill at {k}/{}: the handbook is neither the previous one nor the new one (missing: {:?}, extra: {:?})",
                kills + 1,
                expected[now]
                    .keys()
                    .filter(|p| !found.contains_key(*p))
                    .take(5)
                    .collect::<Vec<_>>(),
                found
                    .keys()
                    .filter(|p| !expected[now].contains_key(*p))
                    .take(5)
                    .collect::<Vec<_>>(),
            );
        }
    }
    build(&cats[1 - now], &out).assert().success();
    assert_eq!(tree(&out), expected[1 - now]);
    assert_eq!(names(&site), ["book"], "no staging folder or lock is left behind");
}

#[test]
fn a_second_build_to_the_same_out_waits_for_the_first() {
    let root = tempfile::tempdir().unwrap();
    let cat = root.path().join("cat");
    sample_catalogue(&cat, "Waiting");
    build(&cat, &root.path().join("reference")).assert().success();
    let expected = tree(&root.path().join("reference"));
    let site = root.path().join("site");
    std::fs::create_dir_all(&site).unwrap();
    let out = site.join("book");
    // First into a missing folder, then over the handbook of the first round.
    for round in 0..2 {
        let first = spawn_build(&cat, &out);
        // The second starts once the first is writing its staging folder.
        let start = Instant::now();
        while !names(&site)
            .iter()
            .any(|n| n.starts_with(".book.casebook-staging"))
        {
            assert!(
                start.elapsed() < Duration::from_secs(120),
                "the first build never staged"
            );
            std::thread::sleep(Duration::from_millis(5));
        }
        let second = spawn_build(&cat, &out);
        for (which, child) in [("first", first), ("second", second)] {
            let output = child.wait_with_output().unwrap();
            let err = stderr(&output);
            assert!(output.status.success(), "round {round}, {which}: {err}");
            if which == "second" {
                assert!(
                    err.contains("another build is writing to") && err.contains("waiting"),
                    "{err}"
                );
            }
        }
        assert_eq!(tree(&out), expected, "round {round}: a complete handbook");
        assert_eq!(names(&site), ["book"], "round {round}: nothing left beside it");
    }
}

#[test]
fn builds_started_together_all_end_well() {
    let root = tempfile::tempdir().unwrap();
    let cat = root.path().join("cat");
    catalogue_in(&cat, &["handbook/ordinary", "handbook/hostile"]);
    build(&cat, &root.path().join("reference")).assert().success();
    let expected = tree(&root.path().join("reference"));
    let site = root.path().join("site");
    std::fs::create_dir_all(&site).unwrap();
    let out = site.join("book");
    for round in 0..3 {
        let children: Vec<_> = (0..3).map(|_| spawn_build(&cat, &out)).collect();
        for child in children {
            let output = child.wait_with_output().unwrap();
            assert!(output.status.success(), "round {round}: {}", stderr(&output));
        }
        assert_eq!(tree(&out), expected, "round {round}: a complete handbook");
        assert_eq!(names(&site), ["book"], "round {round}: nothing left beside it");
    }
}

#[test]
fn the_sample_catalogue_builds_with_no_arguments() {
    let root = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(root.path().join("catalogue")).unwrap();
    copy_tree(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("catalogue"),
        &root.path().join("catalogue"),
    );
    let twice: PathBuf = root.path().join("book/build/index.html");
    for _ in 0..2 {
        casebook()
            .current_dir(root.path())
            .arg("build")
            .assert()
            .success();
        assert!(twice.is_file());
    }
    assert_eq!(names(&root.path().join("book")), ["build"]);
}
