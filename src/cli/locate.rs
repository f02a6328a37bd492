//! Which catalogue a command works on when `--catalogue` is not given, found from the current
//! folder the way cargo finds `Cargo.toml` and ruff its settings: the current folder when it
//! holds `casebook.yaml`, then its `catalogue/` folder, then each folder above and its
//! `catalogue/` folder, nearest first. An explicit `--catalogue` is used as given.

use anyhow::{Result, bail};
use std::path::{Path, PathBuf};

/// The file that marks a catalogue folder.
const MARKER: &str = "casebook.yaml";
/// The folder name looked for beside the current folder and every folder above it.
const CHILD: &str = "catalogue";

/// The catalogue to work on: `given` as it is, or the nearest one found from the current
/// folder. The path found is relative to the current folder (`.`, `catalogue`, `..`,
/// `../catalogue`, ...), exactly what a user would have typed, so every path casebook prints
/// from it reads the same as with `--catalogue`.
pub fn catalogue(given: Option<&Path>) -> Result<PathBuf> {
    if let Some(given) = given {
        return Ok(given.to_path_buf());
    }
    let cwd = std::env::current_dir()
        .map_err(|e| anyhow::anyhow!("cannot tell the current folder ({e}); give --catalogue DIR"))?;
    match find_from(&cwd) {
        Some(found) => Ok(found),
        None => bail!(
            "no catalogue found: no {MARKER} in {} or its {CHILD}/ folder, nor in any folder above it or their {CHILD}/ folders; \
             run casebook inside a catalogue or the folder that holds one, or give --catalogue DIR",
            cwd.display()
        ),
    }
}

/// The nearest catalogue from `start` (an absolute folder), as a path relative to it.
fn find_from(start: &Path) -> Option<PathBuf> {
    let mut up = PathBuf::new();
    for folder in start.ancestors() {
        // A link named casebook.yaml still marks the catalogue: the loader then reports the
        // link, which it never follows, instead of casebook looking further up.
        let holds = |dir: &Path| std::fs::symlink_metadata(dir.join(MARKER)).is_ok();
        if holds(folder) {
            return Some(if up.as_os_str().is_empty() {
                PathBuf::from(".")
            } else {
                up
            });
        }
        if holds(&folder.join(CHILD)) {
            return Some(up.join(CHILD));
        }
        up.push("..");
    }
    None
}

#[cfg(test)]
mod tests {
    use super::find_from;
    use std::path::{Path, PathBuf};

    fn touch(path: &Path) {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, "name: x\n").unwrap();
    }

    #[test]
    fn nearest_first_and_relative_to_the_start() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path().canonicalize().unwrap();
        touch(&root.join("repo/catalogue/casebook.yaml"));
        let deep = root.join("repo/catalogue/use-cases/billing");
        std::fs::create_dir_all(&deep).unwrap();
        std::fs::create_dir_all(root.join("repo/docs")).unwrap();
        let found = |from: &str| find_from(&root.join(from));
        assert_eq!(found("repo"), Some(PathBuf::from("catalogue")));
        assert_eq!(found("repo/catalogue"), Some(PathBuf::from(".")));
        assert_eq!(
            found("repo/catalogue/use-cases/billing"),
            Some(PathBuf::from("../.."))
        );
        assert_eq!(found("repo/docs"), Some(PathBuf::from("../catalogue")));
        // The folder itself wins over its catalogue/ child.
        touch(&root.join("repo/casebook.yaml"));
        assert_eq!(found("repo"), Some(PathBuf::from(".")));
        assert_eq!(found("repo/docs"), Some(PathBuf::from("..")));
    }
}
