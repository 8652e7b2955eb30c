//! A large pack shows before it is read in full: the player opens at the saved lesson, read alone through the lesson
//! index, while a worker reads the rest; the library lists a large course at once and counts it when it arrives.
//! Driven like `player.rs`, with the app's worker channel in the test's hands.

use std::path::{Path, PathBuf};
use std::rc::Rc;
use std::sync::mpsc;
use std::time::Duration;

use morsel::app::config::Config;
use morsel::app::paths::Paths;
use morsel::learn::clock::ManualClock;
use morsel::learn::session::OpenOptions;
use morsel::pack::glance;
use morsel::pack::synth::{self, Shape};
use morsel::render::Styles;
use morsel::store::Store;
use morsel::tui::app::{App, Event, Screen, Settings, Start};
use morsel::tui::keymap::Keymap;

use crate::player::{press, screen};

const T0: i64 = 1_795_000_000_000;
const LESSONS: usize = 150;

struct Setup {
    dir: tempfile::TempDir,
    pack: PathBuf,
    clock: ManualClock,
}

impl Setup {
    /// A course path holding a 150-lesson pack and the bundled git-in-bites.
    fn new() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let pack = dir.path().join("courses/big");
        synth::write_pack(
            &pack,
            Shape {
                lessons: LESSONS,
                ..Shape::default()
            },
        )
        .unwrap();
        Self {
            dir,
            pack,
            clock: ManualClock::at(T0),
        }
    }

    fn db(&self) -> PathBuf {
        self.dir.path().join("progress.db")
    }

    fn cache(&self) -> PathBuf {
        self.dir.path().join("cache")
    }

    /// A start of morsel on this course path and database; with `events`, as the terminal runs it.
    fn app(&self, start: Start, size: (u16, u16), events: Option<mpsc::Sender<Event>>) -> App {
        let mut paths = Paths::resolve(
            Some(self.db()),
            Some(self.dir.path().join("config.toml")),
            vec![self.dir.path().join("courses")],
        )
        .unwrap();
        paths.cache_dir = self.cache();
        let settings = Settings {
            config: Config::default(),
            keymap: Keymap::default(),
            styles: Styles::dark().without_color(),
            paths,
        };
        App::with_events(
            start,
            settings,
            Store::open(&self.db()).unwrap(),
            Rc::new(self.clock.clone()),
            size,
            events,
        )
    }

    fn open(&self, options: OpenOptions) -> Start {
        Start::Pack {
            path: self.pack.clone(),
            options,
        }
    }

    /// A first start that reads the whole pack (and so writes its lesson index) and leaves the learner at bite 2
    /// of lesson 42.
    fn played_to_lesson_42(&self) {
        let options = OpenOptions {
            lesson: Some("lesson-00042".into()),
            ..OpenOptions::default()
        };
        let mut app = self.app(self.open(options), (80, 24), None);
        press(&mut app, "<Right>");
        assert!(screen(&app).contains("bite 2/5 · lesson 42/150"));
        press(&mut app, "q");
    }

    /// Every saved row a start could change: where the course resumes, and when it was last played.
    fn saved(&self) -> String {
        let conn = rusqlite::Connection::open(self.db()).unwrap();
        let row: (String, i64, i64) = conn
            .query_row(
                "SELECT p.lesson_id, p.bite, c.last_played_at FROM positions p JOIN courses c ON c.id = p.course_id",
                [],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .unwrap();
        format!("{row:?}")
    }
}

/// The worker's report, handed to the app as the loop would.
fn arrive(app: &mut App, rx: &mpsc::Receiver<Event>) {
    let event = rx
        .recv_timeout(Duration::from_secs(60))
        .expect("the worker reads the pack");
    assert!(matches!(event, Event::PackLoaded(_)));
    let _ = app.handle(event);
}

#[test]
fn a_large_pack_opens_at_its_saved_bite_before_the_rest_is_read() {
    let s = Setup::new();
    s.played_to_lesson_42();
    assert!(glance::read_index(&s.cache(), &s.pack).is_some());
    let before = s.saved();

    let (tx, rx) = mpsc::channel();
    s.clock.advance_secs(60);
    let mut app = s.app(s.open(OpenOptions::default()), (80, 24), Some(tx));
    let first = screen(&app);
    let Screen::Player(p) = &app.screen else {
        panic!("the course opens at once: {first}")
    };
    assert_eq!(p.session.lesson().id, "lesson-00042");
    assert!(first.contains("bite 2/5 · lessons counting…"), "{first}");
    // A key pressed now waits; nothing is saved until the real session opens.
    press(&mut app, "<Right>");
    assert_eq!(screen(&app), first);
    assert_eq!(s.saved(), before);

    arrive(&mut app, &rx);
    let after = screen(&app);
    assert!(after.contains("bite 3/5 · lesson 42/150"), "{after}");
    assert_ne!(s.saved(), before, "the real session saves as it goes");
}

#[test]
fn a_save_while_preview_reads_a_large_pack_is_shown_once_it_is_read() {
    let s = Setup::new();
    s.played_to_lesson_42();
    let (tx, rx) = mpsc::channel();
    let start = Start::Preview {
        path: s.pack.clone(),
        options: OpenOptions::default(),
    };
    let mut app = s.app(start, (80, 24), Some(tx));
    let Screen::Player(p) = &app.screen else {
        panic!("the preview opens at once: {}", screen(&app))
    };
    assert_eq!(
        p.session.pack().lessons.len(),
        1,
        "only the lesson shown is read yet"
    );
    // The worker has read the pack; then, before the app has its report, the author saves bite 2 of lesson 42.
    let report = rx
        .recv_timeout(Duration::from_secs(60))
        .expect("the worker reads the pack");
    let file = s.pack.join("lessons/00042.md");
    let text = std::fs::read_to_string(&file).unwrap();
    let mut bites: Vec<&str> = text.split("\n---\n").collect();
    bites[1] = "\nFreshly saved words.\n";
    std::fs::write(&file, bites.join("\n---\n")).unwrap();
    let _ = app.handle(Event::PackChanged);
    let _ = app.handle(report);
    let shown = screen(&app);
    assert!(shown.contains("Freshly saved words."), "{shown}");
}

#[test]
fn quitting_while_the_pack_is_read_saves_nothing_and_loses_nothing() {
    let s = Setup::new();
    s.played_to_lesson_42();
    let before = s.saved();
    let (tx, _rx) = mpsc::channel();
    s.clock.advance_secs(60);
    let mut app = s.app(s.open(OpenOptions::default()), (80, 24), Some(tx));
    press(&mut app, "<Right><Right>q");
    assert_eq!(s.saved(), before);
}

#[test]
fn an_index_that_names_the_wrong_file_is_not_trusted() {
    let s = Setup::new();
    s.played_to_lesson_42();
    // Lessons 42 and 43 trade files: the index now points at lesson 43 for lesson 42.
    let (a, b) = (
        s.pack.join("lessons/00042.md"),
        s.pack.join("lessons/00043.md"),
    );
    let (ta, tb) = (
        std::fs::read_to_string(&a).unwrap(),
        std::fs::read_to_string(&b).unwrap(),
    );
    std::fs::write(&a, tb).unwrap();
    std::fs::write(&b, ta).unwrap();

    let (tx, _rx) = mpsc::channel();
    let app = s.app(s.open(OpenOptions::default()), (80, 24), Some(tx));
    let shown = screen(&app);
    // Read in full first, as before there was an index: the saved lesson, its place in the pack as it is now.
    let Screen::Player(p) = &app.screen else {
        panic!("the course opens: {shown}")
    };
    assert_eq!(p.session.lesson().id, "lesson-00042");
    assert!(shown.contains("bite 2/5 · lesson 43/150"), "{shown}");
}

#[test]
fn the_library_counts_a_large_course_from_its_index_and_reads_it_again_once_edited() {
    let s = Setup::new();
    s.played_to_lesson_42();
    // A small course beside it is counted at once, as always.
    let git = Path::new(env!("CARGO_MANIFEST_DIR")).join("courses/git-in-bites");
    copy_dir(&git, &s.dir.path().join("courses/git-in-bites"));

    let (tx, rx) = mpsc::channel();
    let app = s.app(Start::Library, (80, 24), Some(tx.clone()));
    let first = screen(&app);
    assert!(first.contains("Synthetic pack of 150 lessons"), "{first}");
    assert!(first.contains("0/150 complete"), "{first}");
    assert!(first.contains("0/7 complete"), "{first}");
    assert!(rx.try_recv().is_err(), "nothing to read in the background");

    // A lesson edited since: the index no longer holds, and the pack is read again in the background.
    let lesson = s.pack.join("lessons/00007.md");
    let text = std::fs::read_to_string(&lesson).unwrap();
    std::fs::write(&lesson, format!("{text}\n---\n\nOne more bite.\n")).unwrap();
    let mut app = s.app(Start::Library, (80, 24), Some(tx));
    let stale = screen(&app);
    assert!(stale.contains("counting lessons…"), "{stale}");
    arrive(&mut app, &rx);
    let after = screen(&app);
    assert!(!after.contains("counting lessons…"), "{after}");
    assert!(after.contains("0/150 complete"), "{after}");
}

#[test]
fn list_reads_a_large_pack_from_its_index_and_sees_every_change() {
    let s = Setup::new();
    let list = || {
        let out = crate::morsel()
            .env("XDG_CACHE_HOME", s.dir.path().join("xdg-cache"))
            .arg("--db")
            .arg(s.db())
            .arg("--courses")
            .arg(s.dir.path().join("courses"))
            .args(["list", "--format", "json"])
            .output()
            .unwrap();
        assert!(out.status.success());
        let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        doc["courses"][0].clone()
    };
    let read = list();
    assert_eq!(read["lessons"], 150);
    let index = s.dir.path().join("xdg-cache/morsel/lessons");
    assert_eq!(
        std::fs::read_dir(&index).unwrap().count(),
        1,
        "the first list keeps an index"
    );
    // From the index, the same figures.
    assert_eq!(list(), read);
    // A lesson gone, and one longer: the index no longer holds, and list says what the pack is now.
    std::fs::remove_file(s.pack.join("lessons/00150.md")).unwrap();
    let lesson = s.pack.join("lessons/00001.md");
    let text = std::fs::read_to_string(&lesson).unwrap();
    std::fs::write(&lesson, format!("{text}\n{}\n", "word ".repeat(2000))).unwrap();
    let now = list();
    assert_eq!(now["lessons"], 149);
    assert_ne!(now["lesson_minutes"][0], read["lesson_minutes"][0]);
}

#[test]
fn the_header_while_a_large_pack_is_read() {
    let s = Setup::new();
    s.played_to_lesson_42();
    for size in [(80, 24), (40, 12)] {
        let (tx, _rx) = mpsc::channel();
        let app = s.app(s.open(OpenOptions::default()), size, Some(tx));
        insta::assert_snapshot!(
            format!("{}x{}-large-pack-loading", size.0, size.1),
            screen(&app)
        );
    }
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}
