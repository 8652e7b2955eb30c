//! Player benchmarks, run by `cargo bench --bench player` (plain timing, no framework):
//! - rendering one typical bite and drawing it to an 80×24 buffer (target: median under 1 ms), with a 3-lesson and
//!   a 10,000-lesson pack (the cost must not grow with the number of lessons);
//! - the time from process start to the first frame, as the real binary in an 80×24 pseudo-terminal made by
//!   `script` (minimum and median of 25 starts, since one start swings with the machine's load): a bundled course
//!   (target: median under 50 ms); the same synthetic pack at 1 and at 10,000 lessons (target: 10,000 within 2× of
//!   1, from the second start on, once the lesson index exists; the first start ever is reported too); a first bite
//!   with code, until it shows and until it shows highlighted; and in-process, without the terminal;
//! - peak memory of the real binary with a 10,000-lesson pack loaded and playing (target: under 60 MB RSS; Linux).

#![allow(clippy::unwrap_used)] // A benchmark: a panic is the failure report.

mod common;

use common::{median, ms};

use std::path::{Path, PathBuf};
use std::rc::Rc;
use std::time::{Duration, Instant};

use morsel::app::config::Config;
use morsel::app::paths::Paths;
use morsel::learn::clock::SystemClock;
use morsel::learn::session::OpenOptions;
use morsel::pack::synth::{self, Shape};
use morsel::render::Styles;
use morsel::store::Store;
use morsel::tui::app::{App, Settings, Start};
use morsel::tui::draw;
use morsel::tui::keymap::Keymap;
use ratatui::Terminal;
use ratatui::backend::TestBackend;

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
    let frame_small = bench_small_frame(&small);
    // The same frame with a 10,000-lesson pack: no cost may grow with the lessons.
    let big_pack = bench_big_frame(dir.path(), frame_small);

    // 2. Peak memory of the real binary playing the 10,000-lesson pack (plain mode, waiting at its prompt).
    report_peak_rss(&big_pack, &dir.path().join("rss.db"));

    // 3. Start to first frame, in-process: paths, store, pack, session, one draw.
    bench_first_frame_in_process(dir.path(), &courses, &git);

    // And as the real binary in a pseudo-terminal of 80×24 made by `script`: from process start until the first
    // frame shows, as the minimum and the median of many runs (one run swings with the machine's load).
    if std::process::Command::new("script")
        .arg("--version")
        .output()
        .is_err()
    {
        println!(
            "process start to first frame in a pty: skipped (`script` is missing; it is in util-linux)"
        );
        return;
    }
    let cache = dir.path().join("cache");
    bench_pty_bundled(dir.path(), &courses, &cache);
    bench_pty_by_size(dir.path(), &cache);
    bench_pty_code(dir.path(), &cache);
}

/// Rendering the first bite of git-in-bites and drawing its frame; returns the frame's median.
fn bench_small_frame(small: &App) -> Duration {
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
    let frame_small = frame_time(small);
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
    frame_small
}

/// Drawing the frame of a 10,000-lesson pack, against `frame_small`; returns the pack's folder.
fn bench_big_frame(dir: &Path, frame_small: Duration) -> PathBuf {
    let big_pack = dir.join("big/pack");
    synth::write_pack(
        &big_pack,
        Shape {
            lessons: 10_000,
            ..Shape::default()
        },
    )
    .unwrap();
    let big = app(&big_pack, &dir.join("big"), &dir.join("big.db"));
    let frame_big = frame_time(&big);
    println!(
        "draw a full 80×24 frame, 10,000-lesson pack: median {:.3} ms ({:.2}× the 7-lesson pack)",
        ms(frame_big),
        frame_big.as_secs_f64() / frame_small.as_secs_f64()
    );
    big_pack
}

fn report_peak_rss(pack: &Path, db: &Path) {
    if let Some(peak) = peak_rss_playing(pack, db) {
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
}

fn bench_first_frame_in_process(dir: &Path, courses: &Path, git: &Path) {
    let first_frame = median(
        (0..20)
            .map(|i| {
                let start = Instant::now();
                let app = app(git, courses, &dir.join(format!("start{i}.db")));
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
}

/// The bundled course git-in-bites in a pty.
fn bench_pty_bundled(dir: &Path, courses: &Path, cache: &Path) {
    let git_frames = pty_first_frames(
        courses,
        "git-in-bites",
        &dir.join("pty.db"),
        cache,
        "three areas",
    );
    report_frames("git-in-bites (89 bites)", &git_frames, Some(50.0));
}

/// The same shape of pack at 1 and at 10,000 lessons. The large one is opened once first, so that its lesson
/// index exists (as it does from the second start on): the first frame then waits for one lesson, not 10,000.
fn bench_pty_by_size(dir: &Path, cache: &Path) {
    let one = dir.join("one");
    synth::write_pack(
        &one.join("pack"),
        Shape {
            lessons: 1,
            ..Shape::default()
        },
    )
    .unwrap();
    let one_frames = pty_first_frames(&one, "synthetic-1", &dir.join("one.db"), cache, "Lesson 1");
    let big_db = dir.join("big-pty.db");
    let cold = pty_first_frames_n(
        1,
        &dir.join("big"),
        "synthetic-10000",
        &big_db,
        cache,
        "Lesson 1",
    );
    let big_frames = pty_first_frames(
        &dir.join("big"),
        "synthetic-10000",
        &big_db,
        cache,
        "Lesson 1",
    );
    report_frames("1-lesson pack", &one_frames, None);
    if let Some(first) = cold.first() {
        println!(
            "  10,000-lesson pack, first start ever (no lesson index yet): {:.1} ms",
            ms(*first)
        );
    }
    report_frames("10,000-lesson pack", &big_frames, None);
    if let (Some(one), Some(big)) = (median_of(&one_frames), median_of(&big_frames)) {
        let ratio = big.as_secs_f64() / one.as_secs_f64();
        println!(
            "  10,000 lessons vs 1 lesson, medians: {ratio:.2}×  [target: ≤ 2×] {}",
            if ratio <= 2.0 { "ok" } else { "OVER TARGET" }
        );
    }
}

/// A first bite with code: the frame shows it plain at once, then in colour once the highlighter has loaded on
/// its thread (syntect's colours are the only 24-bit ones morsel writes).
fn bench_pty_code(dir: &Path, cache: &Path) {
    let code = dir.join("code");
    write_code_pack(&code.join("pack"));
    let db = dir.join("code.db");
    let plain = pty_first_frames(&code, "code-first", &db, cache, "Code first");
    let coloured = pty_first_frames(&code, "code-first", &db, cache, "\x1b[38;2;");
    report_frames("first bite with a code block, shown", &plain, None);
    report_frames("first bite with a code block, highlighted", &coloured, None);
}

/// The median, if there are any timings (a frame that never showed leaves none).
fn median_of(times: &[Duration]) -> Option<Duration> {
    (!times.is_empty()).then(|| median(times.to_vec()))
}

fn report_frames(what: &str, times: &[Duration], target_ms: Option<f64>) {
    let (Some(min), Some(median)) = (times.iter().min(), median_of(times)) else {
        println!(
            "process start to first frame, {what}: the frame never showed (is `script` working here?)"
        );
        return;
    };
    let verdict = target_ms.map_or(String::new(), |t| {
        format!(
            "  [target: median < {t} ms] {}",
            if ms(median) < t { "ok" } else { "OVER TARGET" }
        )
    });
    println!(
        "process start to first frame in a pty (80×24), {what}: min {:.1} ms, median {:.1} ms over {} runs{verdict}",
        ms(*min),
        ms(median),
        times.len()
    );
}

/// Runs of the first frame, enough for a stable minimum and median.
const FRAME_RUNS: usize = 25;

fn pty_first_frames(
    courses: &Path,
    course: &str,
    db: &Path,
    cache: &Path,
    needle: &str,
) -> Vec<Duration> {
    pty_first_frames_n(FRAME_RUNS, courses, course, db, cache, needle)
}

/// The time from start to the first output containing `needle`, of `runs` starts of
/// `morsel play COURSE` in an 80×24 pty.
fn pty_first_frames_n(
    runs: usize,
    courses: &Path,
    course: &str,
    db: &Path,
    cache: &Path,
    needle: &str,
) -> Vec<Duration> {
    let binary = env!("CARGO_BIN_EXE_morsel");
    (0..runs)
        .filter_map(|_| {
            let command = format!(
                "stty rows 24 cols 80; exec {binary} --db {} --courses {} play {course}",
                db.display(),
                courses.display()
            );
            let start = Instant::now();
            let shown = until_output(
                std::process::Command::new("script")
                    .args(["-qfec", &command, "/dev/null"])
                    .env("TERM", "xterm-256color")
                    .env("XDG_CACHE_HOME", cache),
                needle,
            )?;
            Some(shown.saturating_duration_since(start))
        })
        .collect()
}

/// A one-lesson pack whose first bite is a Rust code block.
fn write_code_pack(dir: &Path) {
    std::fs::create_dir_all(dir.join("lessons")).unwrap();
    std::fs::write(
        dir.join("course.toml"),
        "format = 1\nid = \"code-first\"\ntitle = \"Code first\"\n",
    )
    .unwrap();
    let mut code = String::from("```rust\nfn main() {\n");
    for i in 0..15 {
        code.push_str(&format!(
            "    let v{i}: Vec<u32> = (0..{i}).map(|x| x * 2).collect(); // {i}\n"
        ));
    }
    code.push_str("}\n```\n");
    std::fs::write(
        dir.join("lessons/01.md"),
        format!("+++\nid = \"code\"\ntitle = \"Code\"\n+++\n\n{code}"),
    )
    .unwrap();
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
    // Quit as a learner does, so that the course is released before the next start (a killed player's claim
    // would make the next one ask whether to take over); kill only a player that does not quit.
    if let Some(stdin) = child.stdin.as_mut() {
        use std::io::Write;
        let _ = stdin.write_all(b"q");
        let _ = stdin.flush();
    }
    let quit_by = Instant::now() + Duration::from_secs(3);
    while Instant::now() < quit_by && matches!(child.try_wait(), Ok(None)) {
        std::thread::sleep(Duration::from_millis(5));
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
