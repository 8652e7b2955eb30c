//! Watching pack folders for saves. The operating system tells of each change (`notify`: inotify, FSEvents,
//! kqueue, ReadDirectoryChangesW), so a watch costs nothing while nobody saves, whatever the pack's size. Where it
//! cannot (inotify's watch limit, a file system without events, or `MORSEL_WATCH=poll` for a network share whose
//! remote saves raise none), the size and modification time of each file a load reads (`course.toml`, the lessons,
//! and the folders whose listing says which lessons there are) is polled instead, never the rest of the folder, at
//! most a fiftieth of a core's time however many lessons there are. Either way an editor's save is seen however it
//! is made: written in place, saved by rename (vim, VS Code), deleted then recreated. Hidden files (an editor's swap file) and `target` folders are not part of a pack.

use std::path::{Path, PathBuf};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::time::{Duration, Instant, SystemTime};

use notify::{EventKind, RecursiveMode, Watcher};

use crate::pack::glance::{self, Sources};

/// A file's or folder's size and modification time; `None` when it is missing.
type Stamp = Option<(u64, Option<SystemTime>)>;

fn stamp(path: &Path) -> Stamp {
    let meta = std::fs::metadata(path).ok()?;
    Some((meta.len(), meta.modified().ok()))
}

/// Polling takes about one part in this many of a core at most: after each look, the next waits this many times as
/// long as the look took (and never less than the interval asked for).
const POLL_SHARE: u32 = 50;

/// Whether a file or folder of this name is left out of a pack.
fn left_out(name: &str) -> bool {
    name.starts_with('.') || name == "target"
}

/// One pack folder polled: the files a load of it reads ([`glance::sources`]), not everything under it, so that a
/// pack that shares its folder with any number of other files is polled at the cost of its own.
struct Polled {
    root: PathBuf,
    sources: Sources,
    /// The stamps of `sources.folders` when the sources were found.
    folders: Vec<Stamp>,
    /// The stamps of `sources.files` at the last look.
    files: Vec<Stamp>,
}

impl Polled {
    fn new(root: &Path) -> Self {
        let mut polled = Self {
            root: root.to_path_buf(),
            sources: Sources {
                files: Vec::new(),
                folders: Vec::new(),
            },
            folders: Vec::new(),
            files: Vec::new(),
        };
        polled.find_sources();
        polled.files = polled.sources.files.iter().map(|f| stamp(f)).collect();
        polled
    }

    /// Finds the pack's files again. The folders are stamped first, so that a change made meanwhile is seen next.
    fn find_sources(&mut self) {
        let before: Vec<Stamp> = self.sources.folders.iter().map(|f| stamp(f)).collect();
        let sources = glance::sources(&self.root);
        self.folders = if sources.folders == self.sources.folders {
            before
        } else {
            sources.folders.iter().map(|f| stamp(f)).collect()
        };
        self.sources = sources;
    }

    /// Whether a file of the pack was saved, added or removed since the last look.
    fn changed(&mut self) -> bool {
        let folders: Vec<Stamp> = self.sources.folders.iter().map(|f| stamp(f)).collect();
        // `course.toml` (always the first file) says which lessons there are; a folder's listing may too.
        let course = self.sources.files.first().map(|f| stamp(f));
        if folders != self.folders || course != self.files.first().copied() || fresh(&folders) {
            let was = std::mem::take(&mut self.sources.files);
            self.find_sources();
            let files: Vec<Stamp> = self.sources.files.iter().map(|f| stamp(f)).collect();
            let changed = was != self.sources.files || files != self.files;
            self.files = files;
            return changed;
        }
        let files: Vec<Stamp> = self.sources.files.iter().map(|f| stamp(f)).collect();
        let changed = files != self.files;
        self.files = files;
        changed
    }
}

/// A folder's clock may be coarse (two seconds on FAT): one changed this recently may change again without its
/// modification time moving, so its listing is read again at every look until then.
const COARSE_CLOCK: Duration = Duration::from_secs(2);

/// Whether any of these folders changed within [`COARSE_CLOCK`] of now (or, by a skewed clock, after now).
fn fresh(folders: &[Stamp]) -> bool {
    let now = SystemTime::now();
    folders.iter().flatten().any(|(_, modified)| {
        modified.is_some_and(|m| now.duration_since(m).map_or(true, |age| age < COARSE_CLOCK))
    })
}

/// Pack folders polled: what their files looked like when last asked.
pub struct PackWatcher {
    packs: Vec<Polled>,
}

impl PackWatcher {
    /// Watches the pack folder `root`.
    pub fn new(root: &Path) -> Self {
        Self::of(&[root.to_path_buf()])
    }

    /// Several folders at once: a change in any is a change.
    pub(crate) fn of(roots: &[PathBuf]) -> Self {
        Self {
            packs: roots.iter().map(|r| Polled::new(r)).collect(),
        }
    }

    /// Whether any file a pack reads was added, removed or saved since the last call.
    pub(crate) fn changed(&mut self) -> bool {
        // Every pack is looked at, so that each one's picture is current.
        let mut changed = false;
        for pack in &mut self.packs {
            changed |= pack.changed();
        }
        changed
    }

    /// Polls every `interval` (or less often, when a look takes longer than a [`POLL_SHARE`]th of it), calling
    /// `on_change` after each save once the files have been quiet for one more wait (an editor's save is often
    /// several writes). Returns when `on_change` returns false.
    fn poll(mut self, interval: Duration, mut on_change: impl FnMut() -> bool) {
        let mut wait = interval;
        let look = |watcher: &mut Self, wait: &mut Duration| {
            let started = Instant::now();
            let changed = watcher.changed();
            *wait = interval.max(started.elapsed() * POLL_SHARE);
            changed
        };
        loop {
            std::thread::sleep(wait);
            if look(&mut self, &mut wait) {
                std::thread::sleep(wait);
                while look(&mut self, &mut wait) {
                    std::thread::sleep(wait);
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
            "{why}: checking the pack's own files for changes every {} ms instead (less often in a large pack)",
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

    #[test]
    fn polling_looks_at_the_files_the_pack_reads_and_nothing_else() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::create_dir_all(root.join("lessons")).unwrap();
        std::fs::write(root.join("course.toml"), "id = \"p\"\ntitle = \"P\"\n").unwrap();
        std::fs::write(root.join("lessons/a.md"), "a").unwrap();
        let mut w = PackWatcher::new(root);
        // Files the pack never reads come and go unseen, in its folder and in lessons/.
        later();
        std::fs::write(root.join("data.json"), "{}").unwrap();
        std::fs::write(root.join("lessons/notes.txt"), "x").unwrap();
        std::fs::create_dir(root.join("assets")).unwrap();
        std::fs::write(root.join("assets/big.bin"), "x").unwrap();
        assert!(!w.changed(), "no file of the pack changed");
        // A new lesson found by discovery, then a save of it.
        std::fs::write(root.join("lessons/b.md"), "b").unwrap();
        assert!(w.changed(), "a lesson added");
        later();
        std::fs::write(root.join("lessons/b.md"), "b, longer").unwrap();
        assert!(w.changed(), "the new lesson saved");
        // course.toml now lists lessons elsewhere: those are the pack's files, even before they exist.
        std::fs::write(
            root.join("course.toml"),
            "id = \"p\"\ntitle = \"P\"\nlessons = [\"chapters/one.md\"]\n",
        )
        .unwrap();
        assert!(w.changed(), "course.toml saved");
        std::fs::write(root.join("lessons/a.md"), "a, no longer played").unwrap();
        assert!(!w.changed(), "a lesson no longer listed");
        std::fs::create_dir(root.join("chapters")).unwrap();
        std::fs::write(root.join("chapters/one.md"), "one").unwrap();
        assert!(w.changed(), "the listed lesson created");
        std::fs::write(root.join("chapters/two.md"), "two").unwrap();
        assert!(!w.changed(), "a file beside it that is not listed");
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
