//! Finding the course a command is about: by folder, by id on the course path, by id of a course played from a
//! folder elsewhere, the one played last when none is named; and an unknown id said before anything is created.

use std::path::Path;

use crate::{fixture, morsel};

/// `morsel ARGS` with its own database and config in `dir`, an empty course path, and `stdin`.
fn run(dir: &Path, args: &[&str], stdin: &str) -> (bool, String, String) {
    let empty = dir.join("no-courses");
    std::fs::create_dir_all(&empty).unwrap();
    let output = morsel()
        .env("MORSEL_DB", dir.join("progress.db"))
        .env("MORSEL_CONFIG", dir.join("none.toml"))
        .env("MORSEL_COURSES", &empty)
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

#[test]
fn a_course_played_from_a_folder_is_found_by_its_id_and_played_last_with_no_course_named() {
    let dir = tempfile::tempdir().unwrap();
    let pack = fixture("valid/every-construct");
    let (ok, _, err) = run(
        dir.path(),
        &["play", "--plain", pack.to_str().unwrap()],
        "quit\n",
    );
    assert!(ok, "{err}");
    // Its folder is not on the course path: its id still finds it, where it was played from.
    let (ok, out, err) = run(
        dir.path(),
        &["play", "--plain", "every-construct"],
        "quit\n",
    );
    assert!(ok, "{err}");
    assert!(out.contains("Every construct, lesson 1 of 3"), "{out}");
    // No course named: the one played last.
    let (ok, out, err) = run(dir.path(), &["play", "--plain"], "quit\n");
    assert!(ok, "{err}");
    assert!(out.contains("Every construct, lesson 1 of 3"), "{out}");
}

#[test]
fn play_with_no_course_before_any_was_played_says_how_to_choose_one() {
    let dir = tempfile::tempdir().unwrap();
    let (ok, _, err) = run(dir.path(), &["play", "--plain"], "");
    assert!(!ok);
    assert!(err.contains("no course played yet"), "{err}");
    assert!(err.contains("morsel list"), "{err}");
}

#[test]
fn review_of_an_unknown_course_names_the_courses_there_are_and_creates_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let output = morsel()
        .env("MORSEL_DB", dir.path().join("progress.db"))
        .env("MORSEL_CONFIG", dir.path().join("none.toml"))
        .env("MORSEL_COURSES", fixture("valid"))
        .args(["review", "no-such-course"])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{err}");
    assert!(err.contains("no-such-course"), "{err}");
    assert!(
        err.contains("every-construct"),
        "the courses there are: {err}"
    );
    assert!(
        !dir.path().join("progress.db").exists(),
        "nothing was created"
    );
}

#[test]
fn a_usage_error_shows_only_what_was_typed_not_the_environment() {
    let dir = tempfile::tempdir().unwrap();
    let (ok, _, err) = run(
        dir.path(),
        &["play", "--minutes", "5", "--lesson", "a", "x"],
        "",
    );
    assert!(!ok);
    assert!(err.contains("cannot be used with"), "{err}");
    assert!(!err.contains("--db"), "MORSEL_DB was not typed: {err}");
}

#[test]
fn a_course_played_from_a_folder_off_the_course_path_stays_in_the_list() {
    let dir = tempfile::tempdir().unwrap();
    let pack = fixture("valid/every-construct");
    let (_, out, _) = run(dir.path(), &["list"], "");
    assert!(
        !out.contains("Every construct"),
        "not played yet, not listed:\n{out}"
    );
    let (ok, _, err) = run(
        dir.path(),
        &["play", "--plain", pack.to_str().unwrap()],
        "quit\n",
    );
    assert!(ok, "{err}");
    let (ok, out, err) = run(dir.path(), &["list"], "");
    assert!(ok, "{err}");
    assert!(out.contains("Every construct"), "{out}");
}
