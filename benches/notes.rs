//! Note benchmark, run by `cargo bench --bench notes` (plain counting, no framework; the figures are bytes, so the
//! debug build gives the same ones: `cargo test --bench notes`):
//! - typing 20,000 characters into one note through the real player (`App::handle` with key events, the real
//!   store on a database in a temporary folder), with the one-second tick after every 5 keys (typing at 5 keys a
//!   second), then `Esc`: the bytes the process wrote (`/proc/self/io`: `wchar`, handed to `write`, and
//!   `write_bytes`, sent towards the disk), and the database's size after (target: under 50 MB written; Linux).
//!   Also the time a key takes at the end, with the note at 20,000 characters (ticks not counted): it must not grow
//!   with the note.

#![allow(clippy::unwrap_used)] // A benchmark: a panic is the failure report.

use std::path::Path;
use std::rc::Rc;
use std::time::Instant;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use morsel::app::config::Config;
use morsel::app::paths::Paths;
use morsel::learn::clock::ManualClock;
use morsel::learn::session::OpenOptions;
use morsel::render::Styles;
use morsel::store::Store;
use morsel::tui::app::{App, Event, Settings, Start};
use morsel::tui::keymap::Keymap;

const KEYS: usize = 20_000;
const KEYS_A_TICK: usize = 5;
const TARGET_MB: f64 = 50.0;

/// `wchar` and `write_bytes` of this process so far.
fn written() -> (u64, u64) {
    let io = std::fs::read_to_string("/proc/self/io").unwrap_or_default();
    let field = |name: &str| {
        io.lines()
            .find_map(|l| l.strip_prefix(name))
            .and_then(|v| v.trim().parse().ok())
            .unwrap_or(0)
    };
    (field("wchar:"), field("write_bytes:"))
}

fn app(root: &Path, db: &Path) -> App {
    let paths = Paths::resolve(
        Some(db.to_path_buf()),
        Some(db.with_extension("toml")),
        vec![root.parent().unwrap().to_path_buf()],
    )
    .unwrap();
    let settings = Settings {
        config: Config::default(),
        keymap: Keymap::default(),
        styles: Styles::dark().without_color(),
        paths,
    };
    let start = Start::Course {
        target: root.display().to_string(),
        options: OpenOptions::default(),
    };
    App::new(
        start,
        settings,
        Store::open(db).unwrap(),
        Rc::new(ManualClock::at(1_795_000_000_000)),
        (80, 24),
    )
}

fn key(app: &mut App, code: KeyCode) {
    let _ = app.handle(Event::Key(KeyEvent::new(code, KeyModifiers::NONE)));
}

fn size(path: &Path) -> u64 {
    std::fs::metadata(path).map_or(0, |m| m.len())
}

fn main() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("courses/notes");
    std::fs::create_dir_all(&root).unwrap();
    std::fs::write(
        root.join("course.toml"),
        "id = \"notes\"\ntitle = \"Notes\"\nlessons = [\"one.md\"]\n",
    )
    .unwrap();
    std::fs::write(
        root.join("one.md"),
        "+++\nid = \"one\"\ntitle = \"One\"\n+++\nA bite to note.\n",
    )
    .unwrap();
    let db = dir.path().join("progress.db");
    let mut app = app(&root, &db);
    key(&mut app, KeyCode::Char('n'));
    let text: Vec<char> = "the quick brown fox jumps over the lazy dog "
        .chars()
        .cycle()
        .take(KEYS)
        .collect();
    let (wchar0, bytes0) = written();
    let start = Instant::now();
    let mut last_keys = std::time::Duration::ZERO;
    for (i, c) in text.iter().enumerate() {
        let key_start = Instant::now();
        key(&mut app, KeyCode::Char(*c));
        if i + 100 >= KEYS {
            last_keys += key_start.elapsed();
        }
        if i % KEYS_A_TICK == KEYS_A_TICK - 1 {
            let _ = app.handle(Event::Tick);
        }
    }
    key(&mut app, KeyCode::Esc);
    let elapsed = start.elapsed();
    let (wchar1, bytes1) = written();
    let wal = size(&db.with_extension("db-wal"));
    drop(app);
    let saved = Store::open(&db)
        .unwrap()
        .progress("notes")
        .unwrap()
        .notes
        .get(&("one".to_string(), 1))
        .map_or(0, |(t, _)| t.chars().count());
    assert_eq!(saved, KEYS, "the whole note is saved");
    let mb = |b: u64| b as f64 / 1e6;
    let worst = mb(wchar1 - wchar0).max(mb(bytes1 - bytes0));
    println!(
        "typing {KEYS} characters into a note (a tick every {KEYS_A_TICK} keys), then Esc: {:.1} MB handed to write \
         (wchar), {:.1} MB towards the disk (write_bytes), in {:.1} s; the last 100 keys {:.3} ms a key (ticks not counted); database \
         {:.2} MB, its WAL {:.2} MB at the end  [target: under {TARGET_MB} MB written] {}",
        mb(wchar1 - wchar0),
        mb(bytes1 - bytes0),
        elapsed.as_secs_f64(),
        last_keys.as_secs_f64() * 1e3 / 100.0,
        mb(size(&db)),
        mb(wal),
        if worst < TARGET_MB {
            "ok"
        } else {
            "OVER TARGET"
        }
    );
}
