//! What `--db` may name: a regular file, or (for the commands that create one) a path where none is yet. A symbolic
//! link to nothing (a drive not mounted yet) and anything that is not a regular file (a FIFO, a folder, a device)
//! are refused at once, by every command, and nothing is created, removed or waited for.

use crate::mkfifo;
use std::path::Path;

use crate::{fixture, morsel};

/// `morsel --db DB ARGS` with no config and no course path from the environment, bounded by the hang guard: whether
/// it succeeded, and its stderr.
fn run_with_db(db: &Path, args: &[&str]) -> (bool, String) {
    let (ok, _, stderr) = run_with_db_out(db, args);
    (ok, stderr)
}

/// `run_with_db`, with its stdout.
fn run_with_db_out(db: &Path, args: &[&str]) -> (bool, String, String) {
    let config = tempfile::tempdir().unwrap();
    let output = morsel()
        .arg("--db")
        .arg(db)
        .env("MORSEL_CONFIG", config.path().join("none.toml"))
        .env_remove("MORSEL_COURSES")
        .env_remove("MORSEL_DB")
        .args(args)
        .write_stdin("quit\n")
        .output()
        .unwrap();
    (
        output.status.success(),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

fn names_in(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

/// Every command that opens the database, the ones that read and the ones that write.
fn every_command(pack: &str) -> Vec<Vec<String>> {
    [
        vec!["status"],
        vec!["stats"],
        vec!["list"],
        vec!["export", "answers"],
        vec!["notes"],
        vec!["review", "--plain"],
        vec!["play", "--plain", pack],
    ]
    .into_iter()
    .map(|args| args.into_iter().map(str::to_string).collect())
    .collect()
}

#[cfg(unix)]
#[test]
fn a_dangling_symlink_as_the_database_is_refused_and_kept() {
    let dir = tempfile::tempdir().unwrap();
    let link = dir.path().join("dl");
    // A drive not mounted yet.
    let target = dir.path().join("usb/morsel/progress.db");
    std::os::unix::fs::symlink(&target, &link).unwrap();
    let pack = fixture("valid/every-construct");
    for args in every_command(pack.to_str().unwrap()) {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let (ok, stderr) = run_with_db(&link, &args);
        assert!(!ok, "{args:?} refuses a dangling link: {stderr}");
        assert!(
            stderr.contains(&format!(
                "points at {}, which does not exist; mount it or fix the link",
                target.display()
            )),
            "{args:?}: {stderr}"
        );
        // The link is still there, still pointing at the drive, and nothing was made beside it or at its target.
        assert_eq!(std::fs::read_link(&link).unwrap(), target, "{args:?}");
        assert_eq!(names_in(dir.path()), ["dl"], "{args:?}");
    }

    // A link to a file not made yet in a folder that exists is refused too: an empty mount point looks like that,
    // and a new database there would split the learner's progress from the one on the drive.
    let folder = target.parent().unwrap();
    std::fs::create_dir_all(folder).unwrap();
    let play = ["play", "--plain", pack.to_str().unwrap()];
    let (ok, stderr) = run_with_db(&link, &play);
    assert!(!ok && stderr.contains("which does not exist"), "{stderr}");
    assert!(names_in(folder).is_empty());

    // Once the database is there, the link is followed: its answers go to the file it points at.
    let (ok, stderr) = run_with_db(&target, &play);
    assert!(ok, "{stderr}");
    let (ok, stdout, stderr) = run_with_db_out(&link, &["stats"]);
    assert!(
        ok && stdout.starts_with("Every construct (every-construct)"),
        "{stdout}{stderr}"
    );
    let (ok, stderr) = run_with_db(&link, &play);
    assert!(ok, "{stderr}");
    assert_eq!(std::fs::read_link(&link).unwrap(), target);
    assert_eq!(names_in(folder), ["progress.db"]);
    assert_eq!(names_in(dir.path()), ["dl", "usb"]);
}

#[cfg(unix)]
#[test]
fn a_folder_of_the_database_that_is_a_dangling_symlink_is_named() {
    let dir = tempfile::tempdir().unwrap();
    let mount = dir.path().join("usb");
    let target = dir.path().join("media/usb");
    std::os::unix::fs::symlink(&target, &mount).unwrap();
    let db = mount.join("progress.db");
    let pack = fixture("valid/every-construct");
    let (ok, stderr) = run_with_db(&db, &["play", "--plain", pack.to_str().unwrap()]);
    assert!(!ok);
    assert!(
        stderr.contains(&format!(
            "points at {}, which does not exist; mount it or fix the link",
            target.display()
        )),
        "{stderr}"
    );
    assert_eq!(names_in(dir.path()), ["usb"]);
    assert!(mount.is_symlink());
}

#[cfg(unix)]
#[test]
fn a_fifo_as_the_database_is_refused_at_once_by_every_command() {
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("progress.db");
    mkfifo(&fifo);
    let pack = fixture("valid/every-construct");
    // Opening a FIFO waits for a writer: each command returning within the hang guard shows it was never opened.
    for args in every_command(pack.to_str().unwrap()) {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let (ok, stderr) = run_with_db(&fifo, &args);
        assert!(!ok, "{args:?} refuses a FIFO: {stderr}");
        assert!(
            stderr.contains("progress.db: it is a named pipe (FIFO), not a regular file;"),
            "{args:?}: {stderr}"
        );
        assert_eq!(names_in(dir.path()), ["progress.db"], "{args:?}");
    }
}

#[cfg(unix)]
#[test]
fn a_fifo_beside_the_database_is_refused_at_once() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("progress.db");
    let pack = fixture("valid/every-construct");
    let (ok, stderr) = run_with_db(&db, &["play", "--plain", pack.to_str().unwrap()]);
    assert!(ok, "{stderr}");
    mkfifo(&dir.path().join("progress.db-wal"));
    for args in every_command(pack.to_str().unwrap()) {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let (ok, stderr) = run_with_db(&db, &args);
        assert!(!ok, "{args:?} refuses a FIFO: {stderr}");
        assert!(
            stderr
                .contains("progress.db-wal beside it is a named pipe (FIFO), not a regular file;"),
            "{args:?}: {stderr}"
        );
    }
}

#[cfg(unix)]
#[test]
fn a_device_or_a_folder_as_the_database_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    for (db, kind) in [
        (Path::new("/dev/null"), "a device"),
        (dir.path(), "a folder"),
    ] {
        for args in [["stats"], ["status"]] {
            let (ok, stderr) = run_with_db(db, &args);
            assert!(!ok, "{db:?} {args:?}: {stderr}");
            assert!(
                stderr.contains(&format!("it is {kind}, not a regular file;")),
                "{db:?} {args:?}: {stderr}"
            );
        }
    }
}
