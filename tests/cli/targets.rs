//! A course or lesson asked for by a name that does not exist is said to be missing, with the names there are, in
//! `play` (full screen and `--plain`) and `print`, which take a folder or a course id alike.

use std::path::PathBuf;

use predicates::prelude::*;

use crate::morsel;

fn courses() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("courses")
}

fn in_tempdir() -> (tempfile::TempDir, assert_cmd::Command) {
    let dir = tempfile::tempdir().unwrap();
    let mut cmd = morsel();
    cmd.current_dir(dir.path())
        .env("MORSEL_DB", dir.path().join("progress.db"))
        .env("MORSEL_CONFIG", dir.path().join("config.toml"))
        .env("XDG_DATA_HOME", dir.path().join("data"))
        .env_remove("MORSEL_COURSES");
    (dir, cmd)
}

#[test]
fn a_mistyped_course_id_is_named_with_the_ids_there_are() {
    for args in [
        vec!["play", "git-bites", "--plain"],
        vec!["play", "git-bites"],
        vec!["print", "git-bites"],
    ] {
        let (_dir, mut cmd) = in_tempdir();
        cmd.arg("--courses")
            .arg(courses())
            .args(&args)
            .write_stdin("quit\n")
            .assert()
            .code(2)
            .stderr(
                predicate::str::contains("no course `git-bites`")
                    .and(predicate::str::contains(
                        "git-in-bites, regex-in-bites, writing-packs",
                    ))
                    .and(predicate::str::contains("problems").not()),
            );
    }
}

#[test]
fn a_bundled_id_outside_the_repository_plays_the_bundled_course() {
    let (_dir, mut cmd) = in_tempdir();
    cmd.args(["play", "git-in-bites", "--plain"])
        .write_stdin("quit\n")
        .assert()
        .success()
        .stdout(predicate::str::contains("Git in bites, lesson 1 of 7"));
}

#[test]
fn an_id_on_an_empty_course_path_says_where_it_looked_and_how_to_add_a_folder() {
    let (dir, mut cmd) = in_tempdir();
    cmd.arg("--courses")
        .arg(dir.path())
        .args(["play", "git-in-bites", "--plain"])
        .write_stdin("quit\n")
        .assert()
        .code(2)
        .stderr(
            predicate::str::contains("no course `git-in-bites`")
                .and(predicate::str::contains("--courses DIR")),
        );
}

#[test]
fn a_mistyped_lesson_id_is_named_with_the_lessons_there_are() {
    for args in [
        vec![
            "play",
            "writing-packs",
            "--plain",
            "--lesson",
            "01-what-is-a-pack",
        ],
        vec!["play", "writing-packs", "--lesson", "01-what-is-a-pack"],
        vec!["print", "writing-packs", "--lesson", "01-what-is-a-pack"],
    ] {
        let (_dir, mut cmd) = in_tempdir();
        cmd.arg("--courses")
            .arg(courses())
            .args(&args)
            .write_stdin("quit\n")
            .assert()
            .code(2)
            .stderr(
                predicate::str::contains(
                    "course `writing-packs` has no lesson `01-what-is-a-pack`",
                )
                .and(predicate::str::contains(
                    "its lessons are: what-is-a-pack, lessons-and-front-matter",
                ))
                .and(predicate::str::contains("problems").not()),
            );
    }
}

#[test]
fn print_takes_a_course_id_as_play_does() {
    let (_dir, mut cmd) = in_tempdir();
    cmd.arg("--courses")
        .arg(courses())
        .args([
            "print",
            "regex-in-bites",
            "--lesson",
            "01-literals-and-the-dot",
        ])
        .assert()
        .success()
        .stdout(predicate::str::starts_with("Regular expressions in bites"));
}

#[test]
fn ids_in_these_messages_reach_the_terminal_inert() {
    let (_dir, mut cmd) = in_tempdir();
    cmd.arg("--courses")
        .arg(courses())
        .args(["print", "evil\u{1b}]0;pwned\u{7}"])
        .assert()
        .code(2)
        .stderr(
            predicate::str::contains("\u{1b}")
                .not()
                .and(predicate::str::contains("␛]0;pwned")),
        );
}
