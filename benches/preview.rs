//! Preview's reload latency: from a file write to the new frame, as `morsel preview` does it (the watcher polls every
//! 50 ms and waits one more quiet interval, then the pack is reloaded and a frame drawn). Run with
//! `cargo bench --bench preview`; the target is 300 ms.

#![allow(clippy::unwrap_used)] // A benchmark: a panic is the failure report.

use std::path::Path;
use std::rc::Rc;
use std::sync::mpsc;
use std::time::{Duration, Instant};

use morsel::app::config::Config;
use morsel::app::paths::Paths;
use morsel::learn::clock::SystemClock;
use morsel::learn::session::OpenOptions;
use morsel::render::Styles;
use morsel::store::Store;
use morsel::tui::app::{App, Event, Settings, Start};
use morsel::tui::draw;
use morsel::tui::keymap::Keymap;
use ratatui::Terminal;
use ratatui::backend::TestBackend;

fn lesson(n: usize) -> String {
    format!("+++\nid = \"a\"\ntitle = \"Alpha\"\n+++\nEdit number {n}.\n\n---\n\nA second bite.\n")
}

fn main() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("pack");
    std::fs::create_dir_all(root.join("lessons")).unwrap();
    std::fs::write(
        root.join("course.toml"),
        "id = \"pv\"\ntitle = \"Preview\"\n",
    )
    .unwrap();
    std::fs::write(root.join("lessons/a.md"), lesson(0)).unwrap();
    // The git-in-bites pack too, so that a reload parses a real course's worth of files.
    let settings = Settings {
        config: Config::default(),
        keymap: Keymap::default(),
        styles: Styles::dark().without_color(),
        paths: Paths::resolve(
            Some(dir.path().join("x.db")),
            Some(dir.path().join("c.toml")),
            vec![],
        )
        .unwrap(),
    };
    let mut app = App::new(
        Start::Preview {
            path: root.clone(),
            options: OpenOptions::default(),
        },
        settings,
        Store::in_memory().unwrap(),
        Rc::new(SystemClock),
        (80, 24),
    );
    let (tx, rx) = mpsc::channel();
    let _how = morsel::app::watch::spawn(
        std::slice::from_ref(&root),
        Duration::from_millis(50),
        move || tx.send(()).is_ok(),
    );
    let mut terminal = Terminal::new(TestBackend::new(80, 24)).unwrap();
    let mut times = Vec::new();
    for n in 1..=20 {
        std::thread::sleep(Duration::from_millis(120));
        let start = Instant::now();
        save_by_rename(&root.join("lessons/a.md"), &lesson(n));
        rx.recv_timeout(Duration::from_secs(5))
            .expect("the save is seen");
        let _ = app.handle(Event::PackChanged);
        terminal.draw(|f| draw(&app, f)).unwrap();
        let shown =
            format!("{:?}", terminal.backend().buffer()).contains(&format!("Edit number {n}."));
        assert!(shown, "the new text is on screen");
        times.push(start.elapsed());
    }
    times.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    println!(
        "preview reload, file write (by rename) to new frame: min {:.0} ms, median {:.0} ms, max {:.0} ms over {} saves  [target: < 300 ms] {}",
        ms(times[0]),
        ms(times[times.len() / 2]),
        ms(times[times.len() - 1]),
        times.len(),
        if times[times.len() - 1] < Duration::from_millis(300) {
            "ok"
        } else {
            "OVER TARGET"
        }
    );
}

fn save_by_rename(path: &Path, text: &str) {
    let tmp = path.with_extension("md.swp");
    std::fs::write(&tmp, text).unwrap();
    std::fs::rename(&tmp, path).unwrap();
}
