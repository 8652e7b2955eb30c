//! Player benchmarks, run by `cargo bench --bench player` (plain timing, no framework):
//! - rendering one typical bite and drawing it to an 80×24 buffer (target: median under 1 ms), with a 3-lesson and
//!   a 10,000-lesson pack (the cost must not grow with the number of lessons);
//! - the time from process start to the first frame of a bundled course (target: under 50 ms), as the real binary
//!   in a pseudo-terminal made by `script`, and in-process without the terminal;
//! - peak memory with a 10,000-lesson pack loaded and playing (target: under 60 MB RSS; Linux only).

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
use morsel::tui::draw::draw;
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

fn rss_kb(field: &str) -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    status
        .lines()
        .find_map(|l| l.strip_prefix(field))
        .and_then(|v| v.trim().trim_end_matches(" kB").trim().parse().ok())
}

fn main() {
    let dir = tempfile::tempdir().unwrap();
    let repo = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let courses = repo.join("courses");
    let git = courses.join("git-in-bites");

    // 1. One typical bite (prose, a code block, a list) rendered and drawn at 80×24.
    let small = app(&git, &courses, &dir.path().join("small.db"));
    let bite = median(
        (0..1000)
            .map(|_| {
                let start = Instant::now();
                let lines = small.bite_lines();
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
    let before = rss_kb("VmRSS:");
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
    if let (Some(peak), Some(before)) = (rss_kb("VmHWM:"), before) {
        println!(
            "peak RSS of this process with the 10,000-lesson pack loaded and playing: {:.1} MB (before loading it: {:.1} MB)  [target: < 60 MB] {}",
            peak as f64 / 1024.0,
            before as f64 / 1024.0,
            if peak < 60 * 1024 {
                "ok"
            } else {
                "OVER TARGET"
            }
        );
    }
    drop(big);

    // 2. Start to first frame, in-process: paths, store, pack, session, one draw.
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

    // And as the real binary in a pseudo-terminal: `script` runs it; the time is until its first frame is written.
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
                "{binary} --db {} --courses {} play git-in-bites",
                db.display(),
                courses.display()
            );
            let start = Instant::now();
            let mut child = std::process::Command::new("script")
                .args(["-qfec", &command, "/dev/null"])
                .env("TERM", "xterm-256color")
                .stdin(std::process::Stdio::piped())
                .stdout(std::process::Stdio::piped())
                .spawn()
                .unwrap();
            let mut out = child.stdout.take().unwrap();
            let mut seen = Vec::new();
            let mut buf = [0u8; 8192];
            use std::io::Read;
            while let Ok(n) = out.read(&mut buf) {
                if n == 0 {
                    break;
                }
                seen.extend_from_slice(&buf[..n]);
                if String::from_utf8_lossy(&seen).contains("Commits and the three areas") {
                    break;
                }
            }
            times.push(start.elapsed());
            let _ = child.kill();
            let _ = child.wait();
        }
        let first = median(times);
        println!(
            "process start to first frame in a pty (`script`), git-in-bites: median {:.1} ms  [target: < 50 ms] {}",
            ms(first),
            if first < Duration::from_millis(50) {
                "ok"
            } else {
                "OVER TARGET"
            }
        );
    }
}
