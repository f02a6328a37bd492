//! The VS Code extension of `editors/vscode/`: its manifest names files that exist, and its own
//! tests (`node --test`, with VS Code and the language client replaced by fakes) pass. Without
//! `node` on the PATH those are skipped, and the test says so.

use serde_json::Value;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;

fn extension() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("editors/vscode")
}

fn manifest() -> Value {
    let text = std::fs::read_to_string(extension().join("package.json")).expect("package.json");
    serde_json::from_str(&text).expect("package.json is JSON")
}

#[test]
fn the_manifest_is_valid_and_names_files_that_exist() {
    let m = manifest();
    let main = m["main"].as_str().expect("a main entry");
    assert!(extension().join(main).is_file(), "main {main} is missing");
    assert_eq!(
        format!(
            "{}.{}",
            m["publisher"].as_str().unwrap(),
            m["name"].as_str().unwrap()
        ),
        casebook::init::EXTENSION_ID
    );
    assert_eq!(m["version"], env!("CARGO_PKG_VERSION"), "released with casebook");
    let properties = &m["contributes"]["configuration"]["properties"];
    assert_eq!(properties["casebook.path"]["default"], "casebook");
    assert!(properties["casebook.trace.server"].is_object());
    assert!(m["dependencies"]["vscode-languageclient"].is_string());
    // The README tells how to install it from this folder.
    let readme = std::fs::read_to_string(extension().join("README.md")).expect("README.md");
    for step in [
        "npm install",
        "npx @vscode/vsce package",
        "Install from VSIX",
        "casebook.path",
    ] {
        assert!(readme.contains(step), "the README does not say `{step}`");
    }
    // npm's folder is never committed.
    let ignore = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(".gitignore"))
        .expect(".gitignore");
    assert!(
        ignore.lines().any(|l| l == "/editors/vscode/node_modules"),
        "{ignore}"
    );
}

#[test]
fn the_extensions_own_tests_pass_under_node() {
    let node = std::env::var_os("PATH").and_then(|path| {
        std::env::split_paths(&path)
            .filter(|d| !d.as_os_str().is_empty())
            .map(|d| d.join("node"))
            .find(|p| p.is_file())
    });
    let Some(node) = node else {
        // Straight to standard error, not `eprintln!`, which the test harness captures: the
        // notice shows in `cargo test`'s output.
        let _ = writeln!(
            std::io::stderr(),
            "vscode_extension: skipped: no node on the PATH to run editors/vscode/test/extension.test.js (Node 20 or later)"
        );
        return;
    };
    let out = Command::new(&node)
        .arg("--test")
        .arg("test/extension.test.js")
        .current_dir(extension())
        .env("NODE_NO_WARNINGS", "1")
        .output()
        .expect("node runs");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "node --test failed:\n{stdout}\n{stderr}");
    let passed = stdout
        .lines()
        .find_map(|l| l.strip_prefix("# pass "))
        .and_then(|n| n.trim().parse::<u32>().ok());
    assert!(
        passed.is_some_and(|n| n >= 7),
        "expected the 7 tests to pass:\n{stdout}"
    );
}
