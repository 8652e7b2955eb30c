//! A player killed with `kill -9` and not yet reaped by its parent (a zombie) holds nothing: the next start takes
//! its course without asking. Linux only: it reads the process state from `/proc`.
#![cfg(target_os = "linux")]

use std::io::Read;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::bound::{Guarded, HANG_GUARD};
use crate::{fixture, morsel};

/// The state letter of `pid` in `/proc/PID/stat`: `Z` for a zombie.
fn proc_state(pid: u32) -> Option<char> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    stat.rsplit_once(')')?.1.trim_start().chars().next()
}

#[test]
fn restarting_right_after_kill_9_takes_the_course_without_asking() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("progress.db");
    let pack = fixture("valid/every-construct");
    let mut first = Guarded::spawn(
        Command::new(assert_cmd::cargo::cargo_bin("morsel"))
            .arg("--db")
            .arg(&db)
            .args(["play", "--plain"])
            .arg(&pack)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null()),
    );
    // Its first prompt: the course is claimed by then.
    let mut stdout = first.stdout.take().unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let mut text = Vec::new();
        let mut buf = [0u8; 4096];
        while let Ok(n) = stdout.read(&mut buf) {
            if n == 0 {
                break;
            }
            text.extend_from_slice(&buf[..n]);
            if text.ends_with(b"\n> ") {
                let _ = tx.send(());
            }
        }
    });
    rx.recv_timeout(HANG_GUARD)
        .expect("the first player's prompt");

    // SIGKILL, and no wait: the first player stays a zombie, its /proc entry still there, while the second starts.
    first.kill().unwrap();
    let pid = first.id();
    let deadline = Instant::now() + HANG_GUARD;
    while proc_state(pid) != Some('Z') {
        assert!(
            Instant::now() < deadline,
            "the killed player becoming a zombie"
        );
        std::thread::sleep(Duration::from_millis(10));
    }
    let output = morsel()
        .arg("--db")
        .arg(&db)
        .args(["play", "--plain"])
        .arg(&pack)
        .write_stdin("quit\n")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "{stdout}{stderr}");
    assert!(
        !stdout.contains(&format!("pid {pid}")) && !stderr.contains(&format!("pid {pid}")),
        "not asked about the killed player: {stdout}{stderr}"
    );
    assert_eq!(
        proc_state(pid),
        Some('Z'),
        "still not reaped while the second started"
    );
    drop(first); // reaps it
}
