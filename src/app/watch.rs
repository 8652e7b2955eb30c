//! Watching pack folders for saves. The operating system tells of each change (`notify`: inotify, FSEvents,
//! kqueue, ReadDirectoryChangesW), so a watch costs nothing while nobody saves, whatever the pack's size. Where it
//! cannot (inotify's watch limit, a file system without events, or `MORSEL_WATCH=poll` for a network share whose
//! remote saves raise none), every file's size and modification time is polled instead, as before. Either way an
//! editor's save is seen however it is made: written in place, saved by rename (vim, VS Code), deleted then
//! recreated. Hidden files (an editor's swap file) and `target` folders are not part of a pack.

use std::path::{Path, PathBuf};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::time::{Duration, Instant, SystemTime};

use notify::{EventKind, RecursiveMode, Watcher};

/// Every file under a folder with its size and modification time, sorted by path.
pub(crate) type Fingerprint = Vec<(PathBuf, u64, Option<SystemTime>)>;

/// Files at most this deep, and at most this many, so that a pack pointed at a huge folder stays cheap.
const MAX_DEPTH: usize = 8;
const MAX_FILES: usize = 20_000;

/// Whether a file or folder of this name is left out of a pack.
fn left_out(name: &str) -> bool {
    name.starts_with('.') || name == "target"
}

/// The fingerprint of the files under `root` now.
pub(crate) fn fingerprint(root: &Path) -> Fingerprint {
    let mut files = Vec::new();
    let mut stack = vec![(root.to_path_buf(), 0)];
    while let Some((dir, depth)) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries.flatten() {
            if left_out(&entry.file_name().to_string_lossy()) {
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

/// Pack folders polled: what they looked like when last asked.
pub struct PackWatcher {
    roots: Vec<PathBuf>,
    last: Vec<Fingerprint>,
}

impl PackWatcher {
    /// Watches the pack folder `root`.
    pub fn new(root: &Path) -> Self {
        Self::of(&[root.to_path_buf()])
    }

    /// Several folders at once: a change in any is a change.
    pub(crate) fn of(roots: &[PathBuf]) -> Self {
        Self {
            roots: roots.to_vec(),
            last: roots.iter().map(|r| fingerprint(r)).collect(),
        }
    }

    /// Whether any file was added, removed or saved since the last call.
    pub(crate) fn changed(&mut self) -> bool {
        let now: Vec<Fingerprint> = self.roots.iter().map(|r| fingerprint(r)).collect();
        let changed = now != self.last;
        self.last = now;
        changed
    }

    /// Polls every `interval`, calling `on_change` after each save once the folders have been quiet for one more
    /// interval (an editor's save is often several writes). Returns when `on_change` returns false.
    fn poll(mut self, interval: Duration, mut on_change: impl FnMut() -> bool) {
        loop {
            std::thread::sleep(interval);
            if self.changed() {
                std::thread::sleep(interval);
                while self.changed() {
                    std::thread::sleep(interval);
                }
                if !on_change() {
                    return;
                }
            }
        }
    }
}

/// How a watch learns of saves.
#[derive(Debug, Clone, PartialEq, Eq)]
#[must_use]
pub enum Watching {
    /// From the operating system's file events: nothing to do until something changes.
    Events,
    /// By polling, and why, in a sentence to show the user once.
    Polling(String),
}

/// Watches `roots` on a thread of its own, calling `on_change` after each save once the folders have been quiet for
/// `quiet` (an editor's save is often several writes), until `on_change` returns false. Says how it watches.
pub fn spawn(
    roots: &[PathBuf],
    quiet: Duration,
    on_change: impl FnMut() -> bool + Send + 'static,
) -> Watching {
    let poller = PackWatcher::of(roots);
    let events = if std::env::var("MORSEL_WATCH").is_ok_and(|v| v == "poll") {
        Err("MORSEL_WATCH=poll".to_string())
    } else {
        subscribe(roots)
    };
    let polling = |why: String| {
        format!(
            "{why}: checking the pack's files for changes every {} ms instead",
            quiet.as_millis()
        )
    };
    match events {
        Ok((watcher, rx)) => {
            let roots = roots.to_vec();
            std::thread::spawn(move || {
                // The watcher lives as long as the thread that reads its events.
                let _watcher = watcher;
                follow(&rx, &roots, quiet, poller, on_change);
            });
            Watching::Events
        }
        Err(why) => {
            std::thread::spawn(move || poller.poll(quiet, on_change));
            Watching::Polling(polling(why))
        }
    }
}

type Events = Receiver<notify::Result<notify::Event>>;

/// A watcher of every folder under `roots`, and the channel its events arrive on; or why there is none.
fn subscribe(roots: &[PathBuf]) -> Result<(notify::RecommendedWatcher, Events), String> {
    let (tx, rx) = mpsc::channel();
    let mut watcher = notify::recommended_watcher(tx)
        .map_err(|e| format!("cannot watch for file events ({e})"))?;
    for root in roots {
        watcher
            .watch(root, RecursiveMode::Recursive)
            .map_err(|e| format!("cannot watch {} for file events ({e})", root.display()))?;
    }
    Ok((watcher, rx))
}

/// Calls `on_change` after each burst of events that touch a pack's files, once `quiet` has passed without another.
/// When the events stop coming (the system's watch limit reached by a new folder), polls instead.
fn follow(
    rx: &Events,
    roots: &[PathBuf],
    quiet: Duration,
    mut poller: PackWatcher,
    mut on_change: impl FnMut() -> bool,
) {
    loop {
        let Ok(first) = rx.recv() else {
            return;
        };
        match counts(first, roots, &mut poller) {
            Ok(false) => continue,
            Ok(true) => {}
            Err(()) => return poller.poll(quiet, on_change),
        }
        let mut until = Instant::now() + quiet;
        loop {
            match rx.recv_timeout(until.saturating_duration_since(Instant::now())) {
                Ok(event) => match counts(event, roots, &mut poller) {
                    Ok(true) => until = Instant::now() + quiet,
                    Ok(false) => {}
                    Err(()) => return poller.poll(quiet, on_change),
                },
                Err(RecvTimeoutError::Timeout) => break,
                Err(RecvTimeoutError::Disconnected) => return,
            }
        }
        // The poller's picture is kept current, for when events were lost (below) or polling takes over.
        let _ = poller.changed();
        if !on_change() {
            return;
        }
    }
}

/// Whether an event is a change to a pack's files; `Err` when events can no longer be trusted to come.
///
/// Opening or reading a file is not a change (checking the pack opens every file). When the system dropped events
/// (its queue overflowed), the files are compared with what they were.
fn counts(
    event: notify::Result<notify::Event>,
    roots: &[PathBuf],
    poller: &mut PackWatcher,
) -> Result<bool, ()> {
    let event = match event {
        Ok(event) => event,
        Err(e) if matches!(e.kind, notify::ErrorKind::MaxFilesWatch) => return Err(()),
        // A folder gone before it could be watched, and the like: look for yourself.
        Err(_) => return Ok(poller.changed()),
    };
    if event.need_rescan() {
        return Ok(poller.changed());
    }
    if matches!(event.kind, EventKind::Access(_)) {
        return Ok(false);
    }
    Ok(event.paths.iter().any(|p| in_pack(p, roots)))
}

/// Whether `path` is one of a pack's files (not hidden, not under `target`), as far as its path tells.
fn in_pack(path: &Path, roots: &[PathBuf]) -> bool {
    let Some(inside) = roots.iter().find_map(|r| path.strip_prefix(r).ok()) else {
        // Not under a root as given (a symbolic link followed): count it rather than miss a save.
        return true;
    };
    !inside
        .components()
        .any(|c| left_out(&c.as_os_str().to_string_lossy()))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Modification times can be coarse: make each save visibly later.
    fn later() {
        std::thread::sleep(Duration::from_millis(20));
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

    /// Starts a watch of a folder holding `lessons/a.md`; returns the folder and the channel its saves arrive on.
    fn watched() -> (tempfile::TempDir, Receiver<()>, Watching) {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("lessons")).unwrap();
        std::fs::write(dir.path().join("lessons/a.md"), "one").unwrap();
        let (tx, rx) = mpsc::channel();
        let how = spawn(
            &[dir.path().to_path_buf()],
            Duration::from_millis(30),
            move || tx.send(()).is_ok(),
        );
        (dir, rx, how)
    }

    /// Waits for one report of a save; then for quiet, so that a save's several events made one report.
    fn saved(rx: &Receiver<()>) -> bool {
        let got = rx.recv_timeout(Duration::from_secs(10)).is_ok();
        got && rx.recv_timeout(Duration::from_millis(300)).is_err()
    }

    fn nothing(rx: &Receiver<()>) -> bool {
        rx.recv_timeout(Duration::from_millis(300)).is_err()
    }

    #[test]
    fn file_events_report_every_kind_of_save_once_and_nothing_else() {
        let (dir, rx, how) = watched();
        assert_eq!(how, Watching::Events, "this system has file events");
        let lesson = dir.path().join("lessons/a.md");
        std::fs::write(&lesson, "two, longer").unwrap();
        assert!(saved(&rx), "saved in place");
        let tmp = dir.path().join("lessons/.a.md.swp");
        std::fs::write(&tmp, "three").unwrap();
        std::fs::rename(&tmp, &lesson).unwrap();
        assert!(saved(&rx), "saved by rename");
        std::fs::remove_file(&lesson).unwrap();
        std::fs::write(&lesson, "four").unwrap();
        assert!(saved(&rx), "deleted and recreated");
        std::fs::create_dir(dir.path().join("lessons/more")).unwrap();
        assert!(saved(&rx), "a new folder");
        std::fs::write(dir.path().join("lessons/more/b.md"), "b").unwrap();
        assert!(saved(&rx), "a file in the new folder");
        // Reading the pack, as a check does, is no save; nor are hidden files or a `target` folder.
        let _ = std::fs::read_to_string(&lesson).unwrap();
        std::fs::write(dir.path().join("lessons/.a.md.swp"), "x").unwrap();
        std::fs::create_dir(dir.path().join("target")).unwrap();
        std::fs::write(dir.path().join("target/x"), "x").unwrap();
        assert!(nothing(&rx), "nothing reported");
    }

    #[test]
    fn polling_reports_a_save_once_the_folder_is_quiet() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("a.md"), "one").unwrap();
        let (tx, rx) = mpsc::channel();
        std::thread::spawn({
            let w = PackWatcher::new(dir.path());
            move || w.poll(Duration::from_millis(20), move || tx.send(()).is_ok())
        });
        later();
        std::fs::write(dir.path().join("a.md"), "two, longer").unwrap();
        assert!(saved(&rx), "the save was reported");
    }

    #[test]
    fn only_a_packs_own_files_count() {
        let roots = [PathBuf::from("/p")];
        assert!(in_pack(Path::new("/p/lessons/a.md"), &roots));
        assert!(in_pack(Path::new("/p"), &roots));
        assert!(!in_pack(Path::new("/p/lessons/.a.md.swp"), &roots));
        assert!(!in_pack(Path::new("/p/.git/index"), &roots));
        assert!(!in_pack(Path::new("/p/target/x"), &roots));
        assert!(in_pack(Path::new("/elsewhere/a.md"), &roots));
    }
}
