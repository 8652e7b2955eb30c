//! The progress database end to end, through the real binary: many players starting together on a new database,
//! a damaged page, read-only databases and folders, what errors say, and `stats` from another folder.

use std::fs::File;
use std::os::unix::fs::PermissionsExt;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use crate::bound::{Guarded, output_within};
use crate::{fixture, morsel};

fn binary() -> PathBuf {
    assert_cmd::cargo::cargo_bin("morsel")
}

/// `morsel --db DB play --plain PACK` with `quit` on stdin, as a process not yet started.
fn play_quit(db: &Path, pack: &Path, stdin: &Path) -> Command {
    let mut cmd = Command::new(binary());
    cmd.arg("--db")
        .arg(db)
        .arg("--config")
        .arg("/nonexistent/config.toml")
        .args(["play", "--plain"])
        .arg(pack)
        .stdin(File::open(stdin).unwrap())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    cmd
}

/// The files in `dir`, sorted by name.
fn files_in(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

/// A progress database as `play` leaves it, in its own folder.
fn played_database() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("progress.db");
    morsel()
        .arg("--db")
        .arg(&db)
        .args(["play", "--plain"])
        .arg(fixture("valid/every-construct"))
        .write_stdin("next\nquit\n")
        .assert()
        .success();
    assert_eq!(files_in(dir.path()), ["progress.db"]);
    (dir, db)
}

#[test]
fn players_starting_together_on_a_new_database_all_start() {
    // Before the fix, about 1 start in 100 was refused ("not a morsel progress database", "database is locked").
    const ROUNDS: usize = 30;
    const PLAYERS: usize = 16;
    let dir = tempfile::tempdir().unwrap();
    let stdin = dir.path().join("stdin");
    std::fs::write(&stdin, "quit\n").unwrap();
    let pack = fixture("valid/minimal");
    let mut refused = Vec::new();
    for round in 0..ROUNDS {
        let db = dir.path().join(format!("round-{round}/progress.db"));
        let mut children: Vec<_> = (0..PLAYERS)
            .map(|_| Guarded::spawn(&mut play_quit(&db, &pack, &stdin)))
            .collect();
        for child in &mut children {
            let output = output_within(child, &format!("round {round}: play then quit"));
            // Players of one course tell each other apart (`store::claim`): one asked about another terminal, or
            // taken over by one, started and was not refused by the store.
            let claimed = String::from_utf8_lossy(&output.stdout)
                .contains("is open in another terminal")
                || String::from_utf8_lossy(&output.stderr).contains("was taken over");
            if !output.status.success() && !claimed {
                refused.push(format!(
                    "round {round}: {}",
                    String::from_utf8_lossy(&output.stderr)
                ));
            }
        }
        let conn = rusqlite::Connection::open(&db).unwrap();
        let check: String = conn
            .query_row("PRAGMA integrity_check", [], |r| r.get(0))
            .unwrap();
        assert_eq!(check, "ok", "round {round}");
        let opened: i64 = conn
            .query_row("SELECT count(*) FROM active_spans", [], |r| r.get(0))
            .unwrap();
        assert!(opened >= 1, "round {round}: the players' starts were saved");
        drop(conn);
        assert_eq!(
            files_in(db.parent().unwrap()),
            ["progress.db"],
            "round {round}"
        );
    }
    assert!(
        refused.is_empty(),
        "{} of {} starts refused:\n{}",
        refused.len(),
        ROUNDS * PLAYERS,
        refused.join("")
    );
}

#[test]
fn a_damaged_table_page_is_refused_and_the_file_left_as_it_was() {
    let (dir, db) = played_database();
    let (root, page_size): (i64, i64) = {
        let conn = rusqlite::Connection::open(&db).unwrap();
        (
            conn.query_row(
                "SELECT rootpage FROM sqlite_master WHERE name = 'answers'",
                [],
                |r| r.get(0),
            )
            .unwrap(),
            conn.query_row("PRAGMA page_size", [], |r| r.get(0))
                .unwrap(),
        )
    };
    assert_eq!(files_in(dir.path()), ["progress.db"]);
    // Overwrite the header and cell pointers of the answers table's b-tree page.
    let mut bytes = std::fs::read(&db).unwrap();
    let start = ((root - 1) * page_size) as usize;
    bytes[start..start + 16].fill(0x5A);
    std::fs::write(&db, &bytes).unwrap();

    let output = morsel()
        .arg("--db")
        .arg(&db)
        .args(["play", "--plain"])
        .arg(fixture("valid/every-construct"))
        .write_stdin("next\nnext\nquit\n")
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains(&db.display().to_string())
            && stderr.contains("damaged")
            && stderr.contains("left untouched"),
        "{stderr}"
    );
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(
        std::fs::read(&db).unwrap() == bytes,
        "the file is byte for byte what it was"
    );
    assert_eq!(files_in(dir.path()), ["progress.db"]);
}

/// Whether this process may write where permissions say it may not (root): then the commands under test run as
/// `nobody`, so that a read-only file or folder means what it says.
fn privileged() -> bool {
    let dir = tempfile::tempdir().unwrap();
    std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o555)).unwrap();
    let wrote = File::create(dir.path().join("probe")).is_ok();
    std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
    wrote
}

/// A copy of a file or folder that every user can read (and run), in a new temporary folder: the checkout may sit
/// where `nobody` cannot reach (a private temporary clone, a home folder).
fn reachable_by_all(src: &Path) -> (tempfile::TempDir, PathBuf) {
    fn copy(src: &Path, to: &Path) {
        if src.is_dir() {
            std::fs::create_dir(to).unwrap();
            for entry in std::fs::read_dir(src).unwrap() {
                let entry = entry.unwrap();
                copy(&entry.path(), &to.join(entry.file_name()));
            }
            std::fs::set_permissions(to, std::fs::Permissions::from_mode(0o755)).unwrap();
        } else {
            std::fs::copy(src, to).unwrap();
            std::fs::set_permissions(to, std::fs::Permissions::from_mode(0o755)).unwrap();
        }
    }
    let dir = tempfile::tempdir().unwrap();
    std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
    let to = dir.path().join(src.file_name().unwrap());
    copy(src, &to);
    (dir, to)
}

/// Runs morsel with `args`, as `nobody` (from a copy of the binary it can run) when this process is privileged.
fn run_unprivileged(args: &[&std::ffi::OsStr]) -> Output {
    run_unprivileged_with_stdin(args, Path::new("/dev/null"))
}

fn read_only_commands_work(folder_mode: u32) {
    let (dir, db) = played_database();
    let before = std::fs::read(&db).unwrap();
    // Others must reach the folder, as the unprivileged user does.
    std::fs::set_permissions(&db, std::fs::Permissions::from_mode(0o444)).unwrap();
    std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(folder_mode)).unwrap();
    let (_keep, courses) = reachable_by_all(&fixture("valid"));
    // `stats` reads the config (desired_retention): not the invoking user's, which `nobody` may not reach.
    let config = dir.path().join("no-config.toml");
    for command in ["stats", "list"] {
        let output = run_unprivileged(&[
            "--config".as_ref(),
            config.as_os_str(),
            "--db".as_ref(),
            db.as_os_str(),
            "--courses".as_ref(),
            courses.as_os_str(),
            command.as_ref(),
            "--format".as_ref(),
            "json".as_ref(),
        ]);
        assert!(
            output.status.success(),
            "{command}: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        let doc: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
        let course = doc["courses"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["id"] == "every-construct")
            .cloned()
            .unwrap_or_default();
        assert!(
            course["last_played"].is_i64(),
            "{command} read the saved course: {doc}"
        );
        assert_eq!(files_in(dir.path()), ["progress.db"], "{command}");
        assert!(std::fs::read(&db).unwrap() == before, "{command}");
    }
    std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
}

#[test]
fn stats_and_list_leave_no_files_beside_a_read_only_database() {
    read_only_commands_work(0o777);
}

#[test]
fn stats_and_list_work_in_a_read_only_folder() {
    read_only_commands_work(0o555);
}

#[test]
fn an_unknown_schema_version_is_named_without_sql() {
    let (_dir, db) = played_database();
    rusqlite::Connection::open(&db)
        .unwrap()
        .execute_batch("PRAGMA user_version = -5")
        .unwrap();
    let before = std::fs::read(&db).unwrap();
    let course = fixture("valid/every-construct").display().to_string();
    for args in [vec!["stats"], vec!["play", "--plain", &course]] {
        let output = morsel().arg("--db").arg(&db).args(&args).output().unwrap();
        assert_eq!(output.status.code(), Some(2));
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(
            stderr.contains("schema version -5")
                && stderr.contains(&format!("expects 0 to {}", morsel::store::SCHEMA_VERSION)),
            "{stderr}"
        );
        assert!(
            !stderr.contains("CREATE") && stderr.lines().count() == 1,
            "{stderr}"
        );
    }
    assert!(std::fs::read(&db).unwrap() == before);
}

#[test]
fn database_errors_say_their_cause_once_with_a_visible_path() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("file");
    std::fs::write(&file, "x").unwrap();
    let output = morsel()
        .arg("--db")
        .arg(file.join("sub/new.db"))
        .args(["play", "--plain"])
        .arg(fixture("valid/every-construct"))
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(stderr.matches("os error").count(), 1, "{stderr}");

    let hostile = dir.path().join("notes\x1b]52;c;QUJD\x07.db");
    std::fs::write(&hostile, "my notes\n".repeat(100)).unwrap();
    for command in ["stats", "list"] {
        let output = morsel()
            .arg("--db")
            .arg(&hostile)
            .arg(command)
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(
            stderr.contains("notes␛]52;c;QUJD␇.db") && !stderr.contains('\x1b'),
            "{stderr}"
        );
    }
    let output = morsel()
        .arg("--db")
        .arg(dir.path())
        .arg("stats")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("it is a folder"), "{stderr}");
    assert_eq!(stderr.matches("unable to open").count(), 0, "{stderr}");
}

#[test]
fn stats_from_another_folder_finds_the_answers() {
    let dir = tempfile::tempdir().unwrap();
    let work = dir.path().join("work");
    let elsewhere = dir.path().join("elsewhere");
    std::fs::create_dir_all(work.join("packs")).unwrap();
    std::fs::create_dir_all(&elsewhere).unwrap();
    copy_dir(&fixture("valid/every-construct"), &work.join("packs/every"));
    let db = dir.path().join("progress.db");
    // Played with a relative pack path, and no course path that holds it.
    morsel()
        .current_dir(&work)
        .arg("--db")
        .arg(&db)
        .arg("--courses")
        .arg(&elsewhere)
        .args(["play", "--plain", "packs/every"])
        .write_stdin("next\nquit\n")
        .assert()
        .success();
    let output = morsel()
        .current_dir(&elsewhere)
        .arg("--db")
        .arg(&db)
        .arg("--courses")
        .arg(&elsewhere)
        .args(["stats", "--format", "json"])
        .output()
        .unwrap();
    let doc: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let course = &doc["courses"][0];
    assert_eq!(course["error"], serde_json::Value::Null, "{doc}");
    assert!(!course["lessons"].as_array().unwrap().is_empty(), "{doc}");
    assert!(
        course["lessons"][0]["bites_seen"].as_u64() >= Some(1),
        "{doc}"
    );
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// `play --plain` of the fixture pack on `db`, as `nobody` when this process is privileged, with `quit` typed.
fn play_unprivileged(db: &Path, courses: &Path) -> Output {
    let stdin = db.with_file_name("quit.txt");
    std::fs::write(&stdin, "quit\n").unwrap();
    let args: Vec<&std::ffi::OsStr> = vec![
        "--config".as_ref(),
        "/nonexistent/config.toml".as_ref(),
        "--db".as_ref(),
        db.as_os_str(),
        "play".as_ref(),
        "--plain".as_ref(),
        courses.as_os_str(),
    ];
    let output = run_unprivileged_with_stdin(&args, &stdin);
    std::fs::remove_file(&stdin).unwrap();
    output
}

/// `run_unprivileged` with stdin read from a file.
fn run_unprivileged_with_stdin(args: &[&std::ffi::OsStr], stdin: &Path) -> Output {
    static COPY: std::sync::OnceLock<(tempfile::TempDir, PathBuf)> = std::sync::OnceLock::new();
    let mut cmd = if privileged() {
        let (_, bin) = COPY.get_or_init(|| reachable_by_all(&binary()));
        let mut cmd = Command::new(bin);
        cmd.uid(65534).gid(65534);
        cmd
    } else {
        Command::new(binary())
    };
    cmd.args(args);
    // A copy just written can be busy for a moment while another test's child still holds it between fork and
    // exec (ETXTBSY): try again then.
    cmd.stdout(Stdio::piped()).stderr(Stdio::piped());
    for _ in 0..50 {
        match cmd.stdin(File::open(stdin).unwrap()).spawn() {
            Err(e) if e.raw_os_error() == Some(26) => {
                std::thread::sleep(std::time::Duration::from_millis(20))
            }
            result => {
                let mut child = Guarded(result.unwrap());
                return output_within(&mut child, &format!("morsel {args:?}"));
            }
        }
    }
    panic!("{} stayed busy", binary().display());
}

#[test]
fn a_start_refused_on_a_read_only_database_leaves_nothing_and_starts_once_it_is_writable() {
    let (dir, db) = played_database();
    let (_keep, pack) = reachable_by_all(&fixture("valid/every-construct"));
    std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o777)).unwrap();
    std::fs::set_permissions(&db, std::fs::Permissions::from_mode(0o444)).unwrap();
    let before = std::fs::read(&db).unwrap();
    let output = play_unprivileged(&db, &pack);
    assert_eq!(output.status.code(), Some(2), "{output:?}");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains(&format!("{}: cannot write", db.display())) && stderr.contains("read-only"),
        "{stderr}"
    );
    assert_eq!(
        files_in(dir.path()),
        ["progress.db"],
        "a refused start leaves nothing beside it"
    );
    assert!(std::fs::read(&db).unwrap() == before);
    // Writable again (by everyone, as `nobody` plays here): it starts.
    std::fs::set_permissions(&db, std::fs::Permissions::from_mode(0o666)).unwrap();
    let output = play_unprivileged(&db, &pack);
    assert!(output.status.success(), "{output:?}");
    std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
}

#[test]
fn a_read_only_file_beside_the_database_is_named_as_what_blocks_it() {
    // What an older morsel left after a refused start: a read-only -shm beside a database that is writable again.
    let (dir, db) = played_database();
    let (_keep, pack) = reachable_by_all(&fixture("valid/every-construct"));
    std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o777)).unwrap();
    std::fs::set_permissions(&db, std::fs::Permissions::from_mode(0o666)).unwrap();
    let shm = dir.path().join("progress.db-shm");
    std::fs::write(&shm, vec![0u8; 32_768]).unwrap();
    std::fs::set_permissions(&shm, std::fs::Permissions::from_mode(0o444)).unwrap();
    let output = play_unprivileged(&db, &pack);
    assert_eq!(output.status.code(), Some(2), "{output:?}");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains(&format!(
            "{}: cannot write the progress database: {} beside it is read-only",
            db.display(),
            shm.display()
        )),
        "{stderr}"
    );
    std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
}
