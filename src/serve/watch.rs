//! Watching the catalogue folder (and so the `templates:` folder, which is inside it) for
//! saves with notify. Reads are not changes: inotify reports every open, including the
//! rebuild's own. The burst of events one save makes (write, rename, chmod) is merged by the
//! rebuild loop, which waits for [`QUIET`] without events before it rebuilds.

use notify::event::{AccessKind, AccessMode, EventKind};
use notify::{RecommendedWatcher, RecursiveMode, Watcher};
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, mpsc};
use std::time::Duration;

/// How long the catalogue must be quiet before a rebuild starts: an editor writes a file in a
/// few steps within milliseconds.
pub const QUIET: Duration = Duration::from_millis(50);

/// Watches `catalogue` recursively. Each relevant change sets `dirty` and sends on `wake`;
/// watcher errors go to `error`. The watch lasts as long as the returned value.
pub fn watch(
    catalogue: &Path,
    dirty: Arc<AtomicBool>,
    wake: mpsc::Sender<()>,
    error: impl Fn(String) + Send + 'static,
) -> Result<RecommendedWatcher, String> {
    let root = catalogue.canonicalize().unwrap_or_else(|_| catalogue.to_owned());
    let base = root.clone();
    let mut watcher =
        notify::recommended_watcher(move |result: notify::Result<notify::Event>| match result {
            Ok(event) => {
                if changes(&event.kind) && event.paths.iter().any(|p| relevant(&base, p)) {
                    dirty.store(true, Ordering::SeqCst);
                    let _ = wake.send(());
                }
            }
            Err(e) => error(e.to_string()),
        })
        .map_err(|e| e.to_string())?;
    watcher
        .watch(&root, RecursiveMode::Recursive)
        .map_err(|e| format!("cannot watch {}: {e}", root.display()))?;
    Ok(watcher)
}

/// True for an event that may change what is read: anything but an open, a read, or closing a
/// file that was only read.
fn changes(kind: &EventKind) -> bool {
    match kind {
        EventKind::Access(AccessKind::Close(AccessMode::Write)) => true,
        EventKind::Access(_) => false,
        _ => true,
    }
}

/// False for what editors and tools leave beside the files (hidden names such as `.file.swp`
/// or `.git/`, backups ending in `~`): a change there needs no rebuild.
pub fn relevant(root: &Path, path: &Path) -> bool {
    let rel = path.strip_prefix(root).unwrap_or(path);
    !rel.components().any(|c| {
        let name = c.as_os_str().to_string_lossy();
        name.starts_with('.') && name != "." && name != ".." || name.ends_with('~')
    })
}

#[cfg(test)]
mod tests {
    use super::{changes, relevant};
    use notify::event::{AccessKind, AccessMode, CreateKind, EventKind, ModifyKind};
    use std::path::Path;

    #[test]
    fn editor_droppings_are_not_changes() {
        let root = Path::new("/c");
        assert!(relevant(root, Path::new("/c/use-cases/a/b.yaml")));
        assert!(relevant(root, Path::new("/c/templates/use-case.md")));
        assert!(!relevant(root, Path::new("/c/use-cases/a/.b.yaml.swp")));
        assert!(!relevant(root, Path::new("/c/use-cases/a/b.yaml~")));
        assert!(!relevant(root, Path::new("/c/.git/index")));
    }

    #[test]
    fn reading_is_not_a_change() {
        assert!(!changes(&EventKind::Access(AccessKind::Open(AccessMode::Any))));
        assert!(!changes(&EventKind::Access(AccessKind::Close(AccessMode::Read))));
        assert!(changes(&EventKind::Access(AccessKind::Close(AccessMode::Write))));
        assert!(changes(&EventKind::Modify(ModifyKind::Any)));
        assert!(changes(&EventKind::Create(CreateKind::File)));
    }
}
