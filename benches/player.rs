//! Player benchmarks, run by `cargo bench --bench player` (plain timing, no framework):
//! - rendering one typical bite and drawing it to an 80×24 buffer (target: median under 1 ms), with a 3-lesson and
//!   a 10,000-lesson pack (the cost must not grow with the number of lessons);
//! - the time from process start to the first frame of a bundled course (target: under 50 ms), as the real binary
//!   in a pseudo-terminal made by `script`, and in-process without the terminal;
//! - peak memory of the real binary with a 10,000-lesson pack loaded and playing (target: under 60 MB RSS; Linux).

#![allow(clippy::unwrap_used)] // A benchmark: a panic is the failure report.

use std::path::{Path, PathBuf};
use std::rc::Rc;
use std::time::{Duration, Instant};

use morsel::clock::SystemClock;
use morsel::config::Config;
use morsel::paths::Paths;
use morsel::render::Styles;
use morsel::session::OpenOptions;
use morsel::store::Store;
use morsel::synth::{self, Shape};
use morsel::tui::app::{App, Settings, Start};
use morsel::tui::draw;
use morsel::tui::keymap::Keymap;
use ratatui::Terminal;
use ratatui::backend::TestBackend;

fn median(mut times: Vec<Duration>) -> Duration {
    times.sort();
    times[times.len() / 2]
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

fn app(pack: &Path, courses: &Path, db: &Path) -> App {
    let paths = Paths::resolve(
        Some(db.to_path_buf()),
        Some(db.with_extension("toml")),
        vec![courses.to_path_buf()],
    )
    .unwrap();
    let settings = Settings {
        config: Config::default(),
        keymap: Keymap::default(),
        styles: Styles::dark(),
        paths,
    };
    let start = Start::Course {
        target: pack.display().to_string(),
        options: OpenOptions::default(),
    };
    App::new(
        start,
        settings,
        Store::open(db).unwrap(),
        Rc::new(SystemClock),
        (80, 24),
    )
}

fn frame_time(app: &App) -> Duration {
    let mut terminal = Terminal::new(TestBackend::new(80, 24)).unwrap();
    terminal.draw(|f| draw(app, f)).unwrap(); // warm
    median(
        (0..1000)
            .map(|_| {
                let start = Instant::now();
                terminal.draw(|f| draw(app, f)).unwrap();
                start.elapsed()
            })
            .collect(),
    )
}

fn main() {
    let dir = tempfile::tempdir().unwrap();
    let repo = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let courses = repo.join("courses");
    let git = courses.join("git-in-bites");

    // 1. One typical bite (prose, a code block, a list) rendered and drawn at 80×24.
    let small = app(&git, &courses, &dir.path().join("small.db"));
    let morsel::tui::app::Screen::Player(player) = &small.screen else {
        panic!("git-in-bites opens in the player")
    };
    let markdown = player.session.bite().markdown.clone();
    let bite = median(
        (0..1000)
            .map(|_| {
                let start = Instant::now();
                let lines =
                    morsel::render::markdown(&markdown, small.ctx.text_width(), &small.ctx.styles);
                std::hint::black_box(lines);
                start.elapsed()
            })
            .collect(),
    );
    let frame_small = frame_time(&small);
    println!(
        "render one bite (git-in-bites 1#1) at width 76: median {:.3} ms",
        ms(bite)
    );
    println!(
        "draw a full 80×24 frame, 7-lesson pack: median {:.3} ms  [target: < 1 ms] {}",
        ms(frame_small),
        if frame_small < Duration::from_millis(1) {
            "ok"
        } else {
            "OVER TARGET"
        }
    );

    // The same frame with a 10,000-lesson pack: no cost may grow with the lessons.
    let big_pack = dir.path().join("big/pack");
    synth::write_pack(
        &big_pack,
        Shape {
            lessons: 10_000,
            ..Shape::default()
        },
    )
    .unwrap();
    let big = app(
        &big_pack,
        &dir.path().join("big"),
        &dir.path().join("big.db"),
    );
    let frame_big = frame_time(&big);
    println!(
        "draw a full 80×24 frame, 10,000-lesson pack: median {:.3} ms ({:.2}× the 7-lesson pack)",
        ms(frame_big),
        frame_big.as_secs_f64() / frame_small.as_secs_f64()
    );
    drop(big);

    // 2. Peak memory of the real binary playing the 10,000-lesson pack (plain mode, waiting at its prompt).
    if let Some(peak) = peak_rss_playing(&big_pack, &dir.path().join("rss.db")) {
        println!(
            "peak RSS of `morsel play --plain` with the 10,000-lesson pack loaded: {:.1} MB  [target: < 60 MB] {}",
            peak as f64 / 1024.0,
            if peak < 60 * 1024 {
                "ok"
            } else {
                "OVER TARGET"
            }
        );
    }

    // 3. Start to first frame, in-process: paths, store, pack, session, one draw.
    let first_frame = median(
        (0..20)
            .map(|i| {
                let start = Instant::now();
                let app = app(&git, &courses, &dir.path().join(format!("start{i}.db")));
                let mut terminal = Terminal::new(TestBackend::new(80, 24)).unwrap();
                terminal.draw(|f| draw(&app, f)).unwrap();
                start.elapsed()
            })
            .collect(),
    );
    println!(
        "start to first frame in-process (fresh database each time): median {:.1} ms",
        ms(first_frame)
    );

    // And as the real binary in a pseudo-terminal of 80×24 made by `script`: the time until the first frame shows
    // the lesson's title.
    let binary = env!("CARGO_BIN_EXE_morsel");
    if std::process::Command::new("script")
        .arg("--version")
        .output()
        .is_ok()
    {
        let db = dir.path().join("pty.db");
        let mut times = Vec::new();
        for _ in 0..10 {
            let command = format!(
                "stty rows 24 cols 80; exec {binary} --db {} --courses {} play git-in-bites",
                db.display(),
                courses.display()
            );
            let start = Instant::now();
            if let Some(shown) = until_output(
                std::process::Command::new("script")
                    .args(["-qfec", &command, "/dev/null"])
                    .env("TERM", "xterm-256color"),
                "three areas",
            ) {
                times.push(shown.saturating_duration_since(start));
            }
        }
        if times.is_empty() {
            println!(
                "process start to first frame in a pty: the frame never showed (is `script` working here?)"
            );
        } else {
            let first = median(times);
            println!(
                "process start to first frame in a pty (`script`, 80×24), git-in-bites: median {:.1} ms  [target: < 50 ms] {}",
                ms(first),
                if first < Duration::from_millis(50) {
                    "ok"
                } else {
                    "OVER TARGET"
                }
            );
        }
    }
}

/// Runs `command` until its output contains `needle` (or 10 s pass), then kills it; the instant it showed.
fn until_output(command: &mut std::process::Command, needle: &str) -> Option<Instant> {
    use std::io::Read;
    let mut child = command
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .ok()?;
    let mut out = child.stdout.take()?;
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let mut buf = [0u8; 8192];
        while let Ok(n) = out.read(&mut buf) {
            if n == 0 || tx.send(buf[..n].to_vec()).is_err() {
                break;
            }
        }
    });
    let deadline = Instant::now() + Duration::from_secs(10);
    let mut seen = Vec::new();
    let mut shown = None;
    while let Ok(chunk) = rx.recv_timeout(deadline.saturating_duration_since(Instant::now())) {
        seen.extend_from_slice(&chunk);
        if String::from_utf8_lossy(&seen).contains(needle) {
            shown = Some(Instant::now());
            break;
        }
    }
    let _ = child.kill();
    let _ = child.wait();
    shown
}

/// The peak RSS in kB of `morsel play --plain PACK`, read from /proc while it waits at its prompt (Linux only).
fn peak_rss_playing(pack: &Path, db: &Path) -> Option<u64> {
    use std::io::{Read, Write};
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_morsel"))
        .arg("--db")
        .arg(db)
        .args(["play", "--plain"])
        .arg(pack)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .ok()?;
    let mut stdin = child.stdin.take()?;
    let mut stdout = child.stdout.take()?;
    writeln!(stdin, "next").ok()?;
    let mut seen = String::new();
    let mut buf = [0u8; 4096];
    while seen.matches("> ").count() < 2 {
        let n = stdout.read(&mut buf).ok()?;
        if n == 0 {
            break;
        }
        seen.push_str(&String::from_utf8_lossy(&buf[..n]));
    }
    let status = std::fs::read_to_string(format!("/proc/{}/status", child.id())).ok();
    writeln!(stdin, "quit").ok()?;
    drop(stdin);
    let _ = child.wait();
    status?
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
}
