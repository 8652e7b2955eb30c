//! Watching a pack folder for saves, by polling: every file under it (hidden folders and `target` left out) with
//! its size and modification time. Polling sees what editors really do: write in place, save by rename (vim, VS
//! Code), delete then recreate; a well-kept watcher crate would report the same through several event kinds, and
//! polling a pack of a few hundred files costs well under a millisecond.

use std::path::{Path, PathBuf};
use std::time::SystemTime;

/// Every file under a folder with its size and modification time, sorted by path.
pub(crate) type Fingerprint = Vec<(PathBuf, u64, Option<SystemTime>)>;

/// Files at most this deep, and at most this many, so that a pack pointed at a huge folder stays cheap.
const MAX_DEPTH: usize = 8;
const MAX_FILES: usize = 20_000;

/// The fingerprint of the files under `root` now.
pub(crate) fn fingerprint(root: &Path) -> Fingerprint {
    let mut files = Vec::new();
    let mut stack = vec![(root.to_path_buf(), 0)];
    while let Some((dir, depth)) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries.flatten() {
            let name = entry.file_name();
            let name = name.to_string_lossy();
            if name.starts_with('.') || name == "target" {
                continue;
            }
            let Ok(meta) = entry.metadata() else {
                continue;
            };
            if meta.is_dir() {
                if depth < MAX_DEPTH {
                    stack.push((entry.path(), depth + 1));
                }
            } else if files.len() < MAX_FILES {
                files.push((entry.path(), meta.len(), meta.modified().ok()));
            }
        }
    }
    files.sort();
    files
}

/// A pack folder and what it looked like when last asked.
pub struct PackWatcher {
    root: PathBuf,
    last: Fingerprint,
}

impl PackWatcher {
    pub fn new(root: &Path) -> Self {
        Self {
            root: root.to_path_buf(),
            last: fingerprint(root),
        }
    }

    /// Whether any file was added, removed or saved since the last call.
    pub(crate) fn changed(&mut self) -> bool {
        let now = fingerprint(&self.root);
        let changed = now != self.last;
        self.last = now;
        changed
    }

    /// Polls every `interval` on a thread of its own, calling `on_change` after each save, once the folder has been
    /// quiet for one more interval (an editor's save is often several writes). Stops when `on_change` returns false.
    pub fn spawn(
        mut self,
        interval: std::time::Duration,
        mut on_change: impl FnMut() -> bool + Send + 'static,
    ) {
        std::thread::spawn(move || {
            loop {
                std::thread::sleep(interval);
                if self.changed() {
                    std::thread::sleep(interval);
                    while self.changed() {
                        std::thread::sleep(interval);
                    }
                    if !on_change() {
                        break;
                    }
                }
            }
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Modification times can be coarse: make each save visibly later.
    fn later() {
        std::thread::sleep(std::time::Duration::from_millis(20));
    }

    #[test]
    fn a_save_in_place_by_rename_or_by_delete_and_recreate_is_seen() {
        let dir = tempfile::tempdir().unwrap();
        let lesson = dir.path().join("a.md");
        std::fs::write(&lesson, "one").unwrap();
        let mut w = PackWatcher::new(dir.path());
        assert!(!w.changed(), "nothing yet");
        later();
        std::fs::write(&lesson, "two").unwrap();
        assert!(w.changed(), "saved in place");
        assert!(!w.changed(), "and only once");
        // vim and VS Code: write a new file, rename it over the old one.
        later();
        let tmp = dir.path().join(".a.md.swp");
        std::fs::write(&tmp, "three!").unwrap();
        std::fs::rename(&tmp, &lesson).unwrap();
        assert!(w.changed(), "saved by rename");
        later();
        std::fs::remove_file(&lesson).unwrap();
        assert!(w.changed(), "deleted");
        std::fs::write(&lesson, "four").unwrap();
        assert!(w.changed(), "recreated");
        // Hidden files (an editor's swap file) are not part of the pack.
        std::fs::write(dir.path().join(".a.md.swp"), "x").unwrap();
        assert!(!w.changed());
    }

    #[test]
    fn the_thread_reports_a_save_once_the_folder_is_quiet() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("a.md"), "one").unwrap();
        let (tx, rx) = std::sync::mpsc::channel();
        PackWatcher::new(dir.path()).spawn(std::time::Duration::from_millis(20), move || {
            tx.send(()).is_ok()
        });
        later();
        std::fs::write(dir.path().join("a.md"), "two, longer").unwrap();
        assert!(
            rx.recv_timeout(std::time::Duration::from_secs(10)).is_ok(),
            "the save was reported"
        );
    }
}
