use super::*;
use crate::learn::journal::{Journal, Record};
use crate::store::tests::wait_until;

const NOW: i64 = 1_800_000_000_000;

fn temp_db() -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("progress.db");
    (dir, path)
}

fn position(bite: usize, at: i64) -> Record {
    Record::Position {
        course_id: "c".into(),
        lesson_id: "l1".into(),
        bite,
        scroll: 0,
        at,
    }
}

fn opened(at: i64) -> Record {
    Record::CourseOpened {
        course_id: "c".into(),
        title: "T".into(),
        pack_path: "/packs/c".into(),
        version: None,
        at,
    }
}

fn saved_bite(store: &Store) -> i64 {
    store
        .conn
        .query_row(
            "SELECT bite FROM positions WHERE course_id = 'c'",
            [],
            |r| r.get(0),
        )
        .unwrap()
}

/// Makes the course's claim look like another process's on this host: pid 1 runs on every Linux system.
fn as_if_another_process(store: &Store, pid: u32, host: &str, beat_at: i64) {
    store
        .conn
        .execute(
            "UPDATE claims SET pid = ?1, host = ?2, beat_at = ?3 WHERE course_id = 'c'",
            params![pid, host, beat_at],
        )
        .unwrap();
}

#[test]
fn a_free_course_is_claimed_and_a_live_claim_is_busy_until_taken_over() {
    let (_dir, path) = temp_db();
    let mut first = Store::open(&path).unwrap();
    let mut second = Store::open(&path).unwrap();
    assert_eq!(first.claim("c", NOW, false).unwrap(), Claim::Held);
    first.record(&[opened(NOW), position(1, NOW)]).unwrap();
    as_if_another_process(&first, 1, &host_name(), NOW);

    let Claim::Busy(holder) = second.claim("c", NOW + 1_000, false).unwrap() else {
        panic!("a live claim of another process is busy");
    };
    assert_eq!((holder.pid, holder.started_at), (1, NOW));
    assert!(
        holder.describe(0).starts_with("pid 1, since "),
        "{}",
        holder.describe(0)
    );
    assert_eq!(second.lost_claim(), None);

    assert_eq!(second.claim("c", NOW + 2_000, true).unwrap(), Claim::Held);
    second.record(&[position(5, NOW + 2_000)]).unwrap();
    assert_eq!(saved_bite(&second), 5);

    // The first player's every write is refused, and the newer position stands.
    for record in [position(2, NOW + 3_000), opened(NOW + 3_000)] {
        let error = first.record(&[record]).unwrap_err();
        assert!(matches!(error, StoreError::TakenOver { .. }), "{error}");
        assert!(
            error
                .to_string()
                .starts_with("c was taken over in another terminal (pid "),
            "{error}"
        );
    }
    assert_eq!(first.lost_claim(), Some("c"));
    assert_eq!(saved_bite(&first), 5);
    assert!(
        matches!(first.beat(NOW + 4_000).unwrap(), Beat::Lost(Some(h)) if h.pid == std::process::id())
    );

    // Releasing a lost claim leaves the new holder's row alone.
    first.release().unwrap();
    let holders: i64 = first
        .conn
        .query_row("SELECT count(*) FROM claims", [], |r| r.get(0))
        .unwrap();
    assert_eq!(holders, 1);
    assert_eq!(second.beat(NOW + 5_000).unwrap(), Beat::Kept);
    second.release().unwrap();
    let holders: i64 = second
        .conn
        .query_row("SELECT count(*) FROM claims", [], |r| r.get(0))
        .unwrap();
    assert_eq!(holders, 0, "a player that closes releases its claim");
}

#[test]
fn a_claim_whose_beat_is_old_is_taken_silently() {
    let (_dir, path) = temp_db();
    let mut first = Store::open(&path).unwrap();
    let mut second = Store::open(&path).unwrap();
    let _ = first.claim("c", NOW, false).unwrap();
    as_if_another_process(&first, 1, &host_name(), NOW);
    assert!(matches!(
        second.claim("c", NOW + STALE_AFTER_MS, false).unwrap(),
        Claim::Busy(_)
    ));
    assert_eq!(
        second.claim("c", NOW + STALE_AFTER_MS + 1, false).unwrap(),
        Claim::Held
    );
}

#[test]
fn a_claim_of_a_process_gone_from_this_host_is_taken_silently_but_another_hosts_is_not() {
    let (_dir, path) = temp_db();
    let mut first = Store::open(&path).unwrap();
    let mut second = Store::open(&path).unwrap();
    let _ = first.claim("c", NOW, false).unwrap();
    // No process has this pid (above Linux's pid_max). NOW is 08:00 UTC.
    as_if_another_process(&first, 4_194_305, &host_name(), NOW);
    assert_eq!(second.claim("c", NOW, false).unwrap(), Claim::Held);

    as_if_another_process(&second, 4_194_305, "elsewhere", NOW);
    let Claim::Busy(holder) = first.claim("c", NOW, false).unwrap() else {
        panic!("another host's live claim is busy");
    };
    assert_eq!(holder.describe(60), "pid 4194305 on elsewhere, since 09:00");
}

#[test]
fn a_beat_moves_the_claims_time_and_a_refused_write_changes_nothing() {
    let (_dir, path) = temp_db();
    let mut first = Store::open(&path).unwrap();
    let _ = first.claim("c", NOW, false).unwrap();
    assert_eq!(first.beat(NOW + 4_000).unwrap(), Beat::Kept);
    let beat_at: i64 = first
        .conn
        .query_row("SELECT beat_at FROM claims", [], |r| r.get(0))
        .unwrap();
    assert_eq!(beat_at, NOW + 4_000);
    assert_eq!(
        first.beat_if_due(NOW + 5_000).unwrap(),
        Beat::Idle,
        "not yet due"
    );

    let mut second = Store::open(&path).unwrap();
    let _ = second.claim("c", NOW + 6_000, true).unwrap();
    let answers = |s: &Store| -> i64 {
        s.conn
            .query_row("SELECT count(*) FROM courses", [], |r| r.get(0))
            .unwrap()
    };
    assert!(first.record(&[opened(NOW + 7_000)]).is_err());
    assert_eq!(answers(&first), 0, "the refused write left nothing");
    assert_eq!(first.beat_if_due(NOW + 8_000).unwrap(), Beat::Lost(None));
}

#[test]
fn the_heartbeat_thread_notices_a_take_over() {
    let (_dir, path) = temp_db();
    let mut first = Store::open(&path).unwrap();
    let _ = first.claim("c", NOW, false).unwrap();
    let heartbeat = first.heartbeat().unwrap();
    assert!(!heartbeat.lost());
    let mut second = Store::open(&path).unwrap();
    let _ = second.claim("c", NOW, true).unwrap();
    // The thread beats every BEAT_EVERY and stops once it finds the claim gone.
    wait_until("the heartbeat thread finding the claim gone", || {
        heartbeat.thread.as_ref().unwrap().is_finished()
    });
    assert!(heartbeat.lost());
}

#[test]
fn an_in_memory_store_claims_nothing() {
    let mut store = Store::in_memory().unwrap();
    assert_eq!(store.claim("c", NOW, false).unwrap(), Claim::Held);
    let rows: i64 = store
        .conn
        .query_row("SELECT count(*) FROM claims", [], |r| r.get(0))
        .unwrap();
    assert_eq!(rows, 0);
    assert!(store.heartbeat().is_none());
}

#[test]
fn a_schema_4_database_gains_the_claims_table() {
    let (_dir, path) = temp_db();
    {
        let conn = Connection::open(&path).unwrap();
        for sql in &super::super::MIGRATIONS[..4] {
            conn.execute_batch(sql).unwrap();
        }
        conn.execute_batch(
            "PRAGMA user_version = 4;
             INSERT INTO courses VALUES ('c', 'T', '/p', NULL, 0, 0, NULL);
             INSERT INTO positions VALUES ('c', 'l1', 3, 0, 0);",
        )
        .unwrap();
    }
    let mut store = Store::open(&path).unwrap();
    let version: i64 = store
        .conn
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .unwrap();
    assert_eq!(version, super::super::SCHEMA_VERSION);
    assert_eq!(saved_bite(&store), 3);
    assert_eq!(store.claim("c", NOW, false).unwrap(), Claim::Held);
}

#[test]
fn claiming_another_course_gives_up_the_one_held() {
    let (_dir, path) = temp_db();
    let mut store = Store::open(&path).unwrap();
    assert_eq!(store.claim("c", NOW, false).unwrap(), Claim::Held);
    assert_eq!(store.claim("d", NOW, false).unwrap(), Claim::Held);
    let held: Vec<String> = store
        .conn
        .prepare("SELECT course_id FROM claims")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert_eq!(held, ["d"]);
}

/// The state letter of `pid` in `/proc/PID/stat`, if it runs.
#[cfg(target_os = "linux")]
fn proc_state(pid: u32) -> Option<char> {
    stat_state(&std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?)
}

#[cfg(target_os = "linux")]
#[test]
fn a_killed_player_not_yet_reaped_counts_as_gone() {
    // A child that has exited, and that this process has not waited for: a zombie, as a player killed with
    // `kill -9` is until its parent reaps it. Its /proc entry is still there.
    let mut child = std::process::Command::new("true").spawn().unwrap();
    let pid = child.id();
    wait_until("the child becoming a zombie", || {
        proc_state(pid) == Some('Z')
    });
    assert!(std::path::Path::new(&format!("/proc/{pid}")).exists());
    assert!(!process_exists(pid), "a zombie is gone");

    let (_dir, path) = temp_db();
    let mut first = Store::open(&path).unwrap();
    let mut second = Store::open(&path).unwrap();
    let _ = first.claim("c", NOW, false).unwrap();
    as_if_another_process(&first, pid, &host_name(), NOW);
    assert_eq!(
        second.claim("c", NOW + 1_000, false).unwrap(),
        Claim::Held,
        "its claim is taken without asking"
    );
    child.wait().unwrap();
    assert!(!process_exists(pid));

    // A process that runs, this test's own, is not gone.
    assert!(process_exists(std::process::id()));
}

#[test]
fn the_state_is_read_after_the_last_parenthesis_of_the_command_name() {
    assert_eq!(stat_state("1234 (morsel) Z 1 1234 1234"), Some('Z'));
    assert_eq!(stat_state("1234 (a) Z b) S 1 1234"), Some('S'));
    assert_eq!(stat_state("1234 (x)"), None);
}
