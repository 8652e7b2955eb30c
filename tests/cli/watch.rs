//! Watching a pack that shares its folder with many other files: a lesson save is seen whatever else is there, by
//! file events and by the polling fallback (`MORSEL_WATCH=poll`) alike.

use std::path::Path;
use std::time::Duration;

use crate::bound::{Guarded, Stream};

const LESSON: &str = "+++\nid = \"a\"\ntitle = \"Alpha\"\n+++\nOnly bite.\n\n```quiz\nid = \"q1\"\nkind = \"choice\"\nprompt = \"Pick the vowel.\"\nchoices = [{ text = \"b\" }, { text = \"e\", correct = true }]\nexplain = \"E is a vowel.\"\n```\n";

/// A one-lesson pack whose folder also holds `extra` files that are no part of it (data, images, a build's output).
fn crowded_pack(dir: &Path, extra: usize) {
    std::fs::create_dir_all(dir.join("lessons")).unwrap();
    std::fs::write(dir.join("course.toml"), "id = \"w\"\ntitle = \"W\"\n").unwrap();
    std::fs::write(dir.join("lessons/a.md"), LESSON).unwrap();
    for i in 0..extra {
        std::fs::write(dir.join(format!("data-{i:05}.json")), "{}").unwrap();
    }
}

/// `check --watch` on `dir`, with `MORSEL_WATCH` set to `how` when given: the first report is out, then a save of
/// the lesson that breaks it must be checked again.
fn a_save_is_checked_again(dir: &Path, how: Option<&str>) {
    let mut command = std::process::Command::new(assert_cmd::cargo::cargo_bin("morsel"));
    command
        .args(["check", "--watch"])
        .arg(dir)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null());
    match how {
        Some(how) => command.env("MORSEL_WATCH", how),
        None => command.env_remove("MORSEL_WATCH"),
    };
    let mut child = Guarded::spawn(&mut command);
    let mut output = Stream::read(child.stdout.take().unwrap());
    let first = output.wait_for(": ok", "the first check").to_string();
    assert!(first.contains("1 question"), "the first check: {first}");
    // The watch begins once the first report is out: let it take its first look.
    std::thread::sleep(Duration::from_millis(500));
    std::fs::write(
        dir.join("lessons/a.md"),
        LESSON.replace("correct = true", "correct = \"yes\""),
    )
    .unwrap();
    let after = output
        .wait_for("a.md:", &format!("the check after a save ({how:?})"))
        .to_string();
    drop(child);
    assert!(after.contains("── saved; checking again ──"), "{after}");
    assert!(after.contains("error"), "{after}");
    std::fs::write(dir.join("lessons/a.md"), LESSON).unwrap();
}

#[test]
fn a_lesson_save_is_seen_beside_25000_other_files() {
    let dir = tempfile::tempdir().unwrap();
    crowded_pack(dir.path(), 25_000);
    a_save_is_checked_again(dir.path(), None);
    a_save_is_checked_again(dir.path(), Some("poll"));
}
