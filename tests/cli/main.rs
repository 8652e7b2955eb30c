#![allow(clippy::too_many_lines)] // A test is one scenario read top to bottom; the 100-line limit is for the library.
//! End-to-end tests of the `morsel` binary against fixture packs. One test binary, several modules.

#![allow(clippy::unwrap_used)] // Tests: a panic is the failure report.

mod bound;
mod bundled;
mod check;
mod commands;
mod course_facts;
mod course_gradings;
mod courses;
mod db_path;
mod deep;
mod fake_lrs;
mod finding;
mod follow;
mod history;
mod hostile;
mod import;
mod import_limits;
mod import_limits_mdbook;
mod import_mdbook;
mod install;
mod killed;
mod large;
mod legacy_ids;
mod library;
mod lints;
mod lrs;
mod notes;
mod objectives;
mod paste;
mod patterns;
mod plain;
mod plan;
mod player;
mod preview;
mod print;
mod progress;
mod review;
mod review_screens;
mod reviews;
mod screens;
mod status;
mod store;
mod takeover;
mod targets;
mod team;
mod team_lrs;
mod timebox;
mod timebox_xapi;
mod verdicts;
mod watch;
mod xapi;
mod xapi_statements;

use std::path::PathBuf;
/// Makes a FIFO at `path` (with the `mkfifo` program): reading one would wait for a writer forever, so a command that
/// returns at all did not open it.
#[cfg(unix)]
pub fn mkfifo(path: &std::path::Path) {
    let made = std::process::Command::new("mkfifo")
        .arg(path)
        .status()
        .unwrap();
    assert!(made.success(), "mkfifo {}", path.display());
}

/// Taken by every test that talks to the real Ralph: one of them stops and restarts it, and another test's requests
/// meanwhile would find no LRS.
pub fn ralph_lock() -> std::sync::MutexGuard<'static, ()> {
    static RALPH: std::sync::Mutex<()> = std::sync::Mutex::new(());
    RALPH
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

pub fn morsel() -> assert_cmd::Command {
    let mut cmd = assert_cmd::Command::cargo_bin("morsel").expect("the morsel binary is built");
    // A hang guard: a run that hangs is killed, and its assertion fails, instead of hanging the suite.
    cmd.timeout(bound::HANG_GUARD);
    // The bundled courses are installed into the data folder on first use: into the build's scratch folder, never
    // the learner's home (a test that needs its own data folder sets XDG_DATA_HOME again).
    cmd.env(
        "XDG_DATA_HOME",
        std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("data"),
    );
    // Likewise the lesson index of large packs (`pack::glance`).
    cmd.env(
        "XDG_CACHE_HOME",
        std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("cache"),
    );
    cmd
}

/// `morsel ARGS` at a fixed time (`MORSEL_NOW_MS`, UTC), with its own database in `dir`, no config and no course
/// path from the environment, reading `stdin`: whether it succeeded, its stdout and its stderr.
pub fn at(dir: &std::path::Path, now: i64, args: &[&str], stdin: &str) -> (bool, String, String) {
    let output = morsel()
        .env("MORSEL_DB", dir.join("progress.db"))
        .env("MORSEL_CONFIG", dir.join("none.toml"))
        .env("MORSEL_NOW_MS", now.to_string())
        .env("MORSEL_UTC_OFFSET", "0")
        .env_remove("MORSEL_COURSES")
        .args(args)
        .write_stdin(stdin)
        .output()
        .unwrap();
    (
        output.status.success(),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

pub fn fixture(path: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(path)
}

/// Runs `morsel check --format json` and returns the parsed document.
pub fn check_json(paths: &[PathBuf]) -> (Option<i32>, serde_json::Value) {
    let output = morsel()
        .arg("check")
        .arg("--format")
        .arg("json")
        .args(paths)
        .output()
        .expect("morsel runs");
    let doc = serde_json::from_slice(&output.stdout).expect("stdout is one JSON document");
    (output.status.code(), doc)
}
