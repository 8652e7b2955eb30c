use std::path::Path;

use super::*;
use crate::learn::journal::AnswerRecord;
use crate::learn::schedule::{ItemKind, ItemState, ReviewKind};

/// How long a wait of these tests may take before the test fails: a hang guard, not a timing assertion, generous
/// so that a slow machine passes.
pub(super) const HANG_GUARD: Duration = Duration::from_secs(60);

/// Waits until `done` holds; fails the test, naming `what`, if it does not within `HANG_GUARD`.
pub(super) fn wait_until(what: &str, mut done: impl FnMut() -> bool) {
    let deadline = std::time::Instant::now() + HANG_GUARD;
    while !done() {
        assert!(
            std::time::Instant::now() < deadline,
            "{what}: not within {HANG_GUARD:?}"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// Joins `thread` once it has ended; fails the test, naming `what`, if it has not within `HANG_GUARD` (the thread
/// is left to the end of the test run). A panic in the thread is the test's.
pub(super) fn join_within<T>(thread: std::thread::JoinHandle<T>, what: &str) -> T {
    wait_until(what, || thread.is_finished());
    thread
        .join()
        .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
}

fn temp_db() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("sub/dir/progress.db");
    (dir, path)
}

fn opened(course: &str, at: i64) -> Record {
    Record::CourseOpened {
        course_id: course.into(),
        title: "T".into(),
        pack_path: "/packs/t".into(),
        version: Some("1.0".into()),
        at,
    }
}

fn answer(
    course: &str,
    question: &str,
    round: u32,
    attempt: u32,
    correct: bool,
    at: i64,
) -> Record {
    Record::Answer(AnswerRecord {
        course_id: course.into(),
        lesson_id: "l1".into(),
        question_id: question.into(),
        kind: "truefalse",
        response: correct.to_string(),
        correct,
        skipped: false,
        round,
        attempt,
        hint_used: false,
        shown_at: at - 1500,
        answered_at: at,
    })
}

fn count(store: &Store, sql: &str) -> i64 {
    store.conn.query_row(sql, [], |r| r.get(0)).unwrap()
}

#[test]
fn a_new_file_gets_the_whole_schema_in_wal_mode() {
    let (_dir, path) = temp_db();
    let store = Store::open(&path).unwrap();
    assert_eq!(count(&store, "PRAGMA user_version"), SCHEMA_VERSION);
    let mode: String = store
        .conn
        .query_row("PRAGMA journal_mode", [], |r| r.get(0))
        .unwrap();
    assert_eq!(mode, "wal");
    let fk: i64 = store
        .conn
        .query_row("PRAGMA foreign_keys", [], |r| r.get(0))
        .unwrap();
    assert_eq!(fk, 1);
    for table in [
        "courses",
        "positions",
        "bites_seen",
        "answers",
        "question_progress",
        "card_ratings",
        "active_spans",
    ] {
        let n = count(
            &store,
            &format!(
                "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = '{table}'"
            ),
        );
        assert_eq!(n, 1, "table {table}");
    }
    drop(store);
    // Opening again migrates nothing and keeps the data.
    let mut store = Store::open(&path).unwrap();
    store.record(&[opened("c", 1)]).unwrap();
    drop(store);
    let store = Store::open(&path).unwrap();
    assert_eq!(store.courses().unwrap().len(), 1);
}

#[test]
fn a_database_from_a_newer_morsel_is_refused_untouched() {
    let (_dir, path) = temp_db();
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    {
        let conn = Connection::open(&path).unwrap();
        conn.execute_batch("CREATE TABLE future (x); PRAGMA user_version = 99;")
            .unwrap();
    }
    let before = std::fs::read(&path).unwrap();
    let err = Store::open(&path).err().expect("refused");
    assert!(matches!(err, StoreError::TooNew { found: 99, .. }), "{err}");
    assert!(err.to_string().contains(&path.display().to_string()));
    assert_eq!(
        std::fs::read(&path).unwrap(),
        before,
        "not one byte changed"
    );
    assert!(
        !path.with_extension("db-wal").exists(),
        "no WAL file was created"
    );
}

#[test]
fn a_file_that_is_not_a_database_is_refused_untouched() {
    let (_dir, path) = temp_db();
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    let text = "These are my notes, not a database.\n".repeat(200);
    std::fs::write(&path, &text).unwrap();
    let err = Store::open(&path).err().expect("refused");
    assert!(matches!(err, StoreError::NotADatabase { .. }), "{err}");
    let message = err.to_string();
    assert!(
        message.contains(&path.display().to_string()) && message.contains("left untouched"),
        "{message}"
    );
    assert_eq!(std::fs::read_to_string(&path).unwrap(), text);
}

#[test]
fn another_programs_sqlite_database_is_refused_untouched() {
    let (_dir, path) = temp_db();
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    {
        let conn = Connection::open(&path).unwrap();
        conn.execute_batch("CREATE TABLE bookmarks (url TEXT); INSERT INTO bookmarks VALUES ('https://example.com');")
            .unwrap();
    }
    let before = std::fs::read(&path).unwrap();
    let err = Store::open(&path).err().expect("refused");
    assert!(matches!(err, StoreError::NotADatabase { .. }), "{err}");
    assert_eq!(std::fs::read(&path).unwrap(), before);
    assert!(!path.with_extension("db-wal").exists());
}

#[test]
fn a_damaged_database_is_refused_untouched() {
    let (_dir, path) = temp_db();
    Store::open(&path)
        .unwrap()
        .record(&[opened("c", 1)])
        .unwrap();
    // Fold the WAL back into the file, then damage the first page after its 100-byte header.
    Connection::open(&path)
        .unwrap()
        .execute_batch("PRAGMA wal_checkpoint(TRUNCATE); PRAGMA journal_mode = DELETE;")
        .unwrap();
    let mut bytes = std::fs::read(&path).unwrap();
    for b in &mut bytes[100..1024] {
        *b = 0xA5;
    }
    std::fs::write(&path, &bytes).unwrap();
    let err = Store::open(&path).err().expect("refused");
    assert!(matches!(err, StoreError::Damaged { .. }), "{err}");
    assert!(err.to_string().contains("left untouched"), "{err}");
    assert_eq!(std::fs::read(&path).unwrap(), bytes);
}

#[test]
fn progress_loaded_from_the_store_equals_progress_from_the_records() {
    let (_dir, path) = temp_db();
    let mut store = Store::open(&path).unwrap();
    let records = vec![
        opened("c", 1),
        Record::Position {
            course_id: "c".into(),
            lesson_id: "l1".into(),
            bite: 1,
            scroll: 0,
            at: 2,
        },
        Record::Position {
            course_id: "c".into(),
            lesson_id: "l1".into(),
            bite: 2,
            scroll: 7,
            at: 3,
        },
        Record::Showing {
            course_id: "c".into(),
            exercise: Some("q1".into()),
            at: 4,
        },
        answer("c", "q1", 1, 1, false, 10),
        answer("c", "q1", 1, 2, true, 11),
        answer("c", "q2", 1, 1, true, 12),
        answer("c", "q1", 2, 1, true, 20),
        answer("c", "q3", 1, 1, false, 21),
        answer("c", "q3", 2, 1, false, 22),
        answer("c", "q3", 2, 2, true, 23),
        Record::CardRated {
            course_id: "c".into(),
            lesson_id: "l1".into(),
            card_id: "k1".into(),
            rating: crate::learn::journal::Rating::Good,
            at: 30,
            duration_ms: 900,
        },
        Record::CourseFinished {
            course_id: "c".into(),
            at: 40,
        },
        // Another course's records stay apart.
        opened("other", 50),
        answer("other", "q1", 1, 1, true, 51),
    ];
    let mut expected = Progress::default();
    for record in &records {
        store.record(std::slice::from_ref(record)).unwrap();
        if !matches!(record, Record::CourseOpened { course_id, .. } | Record::Answer(AnswerRecord { course_id, .. }) if course_id == "other")
        {
            expected.apply(record);
        }
    }
    let loaded = store.progress("c").unwrap();
    assert_eq!(loaded, expected);
    assert_eq!(
        loaded.questions["q1"],
        QuestionProgress {
            round: 2,
            first_try_right: true,
            first_try: false,
            attempts: 1,
            known: false,
        }
    );
    assert_eq!(
        loaded.questions["q3"],
        QuestionProgress {
            round: 2,
            first_try_right: false,
            first_try: false,
            attempts: 2,
            known: false,
        }
    );
    assert_eq!(
        loaded.position,
        Some(SavedPosition {
            lesson: "l1".into(),
            bite: 2,
            scroll: 7,
            exercise: Some("q1".into()),
        })
    );
    assert!(loaded.finished);
    assert_eq!(
        count(&store, "SELECT count(*) FROM answers WHERE course_id = 'c'"),
        7,
        "every attempt is kept"
    );
    assert_eq!(store.progress("never-played").unwrap(), Progress::default());
}

#[test]
fn a_failed_transaction_keeps_nothing_of_it() {
    let (_dir, path) = temp_db();
    let mut store = Store::open(&path).unwrap();
    store.record(&[opened("c", 1)]).unwrap();
    // The answer is fine, the span ending before it starts breaks a CHECK: neither may stay.
    let bad = Record::Active {
        course_id: "c".into(),
        lesson_id: "l".into(),
        started_at: 5,
        ended_at: 4,
    };
    assert!(
        store
            .record(&[answer("c", "q1", 1, 1, true, 4), bad])
            .is_err()
    );
    assert_eq!(count(&store, "SELECT count(*) FROM answers"), 0);
}

#[test]
fn active_time_sums_spans_and_extensions_count_once() {
    let (_dir, path) = temp_db();
    let mut store = Store::open(&path).unwrap();
    let day = 86_400_000;
    // 12:30 UTC: the same local day as half a minute before, in every time zone.
    let now = 100 * day + 12 * 3_600_000 + 30 * 60_000;
    let span = |start: i64, end: i64| Record::Active {
        course_id: "c".into(),
        lesson_id: "l".into(),
        started_at: start,
        ended_at: end,
    };
    store.record(&[opened("c", 1)]).unwrap();
    store.record(&[span(now - 60_000, now - 50_000)]).unwrap();
    store.record(&[span(now - 60_000, now - 30_000)]).unwrap(); // the same span, extended: 30 s
    store
        .record(&[span(now - 3 * day, now - 3 * day + 20_000)])
        .unwrap(); // 20 s, three days ago
    store
        .record(&[span(now - 30 * day, now - 30 * day + 100_000)])
        .unwrap(); // 100 s, a month ago
    let t = store.active_time("c", now).unwrap();
    assert_eq!((t.total, t.last_7_days), (150, 50));
    assert!(t.today == 30, "today: {}", t.today);
}

#[test]
fn two_connections_can_write_at_once() {
    let (_dir, path) = temp_db();
    Store::open(&path)
        .unwrap()
        .record(&[opened("c", 1)])
        .unwrap();
    let writers: Vec<_> = (0..2)
        .map(|w| {
            let path = path.clone();
            std::thread::spawn(move || {
                let mut store = Store::open(&path).unwrap();
                for i in 0..200 {
                    store
                        .record(&[answer("c", &format!("w{w}-q{i}"), 1, 1, true, 10 + i)])
                        .unwrap();
                }
            })
        })
        .collect();
    for (i, w) in writers.into_iter().enumerate() {
        join_within(w, &format!("writer {i}"));
    }
    let store = Store::open(&path).unwrap();
    assert_eq!(count(&store, "SELECT count(*) FROM answers"), 400);
    assert_eq!(count(&store, "SELECT count(*) FROM question_progress"), 400);
    let check: String = store
        .conn
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .unwrap();
    assert_eq!(check, "ok");
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

/// A database with one course in it, its WAL folded back in, as a morsel that closed leaves it.
fn closed_database(path: &Path) {
    let mut store = Store::open(path).unwrap();
    store
        .record(&[opened("c", 1), answer("c", "q1", 1, 1, true, 2)])
        .unwrap();
    drop(store);
    assert!(!place::sibling(path, "-wal").exists());
}

#[test]
fn a_new_database_leaves_only_itself_in_its_folder() {
    let (dir, path) = temp_db();
    closed_database(&path);
    assert_eq!(files_in(path.parent().unwrap()), ["progress.db"]);
    drop(dir);
}

#[test]
fn a_damaged_table_page_is_refused_before_anything_is_written() {
    let (_dir, path) = temp_db();
    closed_database(&path);
    let (root, page_size): (i64, i64) = {
        let conn = Connection::open(&path).unwrap();
        let root = conn
            .query_row(
                "SELECT rootpage FROM sqlite_master WHERE name = 'answers'",
                [],
                |r| r.get(0),
            )
            .unwrap();
        (
            root,
            conn.query_row("PRAGMA page_size", [], |r| r.get(0))
                .unwrap(),
        )
    };
    // The answers table is read by nothing at open, so only the check finds the damage.
    let mut bytes = std::fs::read(&path).unwrap();
    let start = ((root - 1) * page_size) as usize;
    bytes[start..start + 12].fill(0x5A);
    std::fs::write(&path, &bytes).unwrap();
    let err = Store::open(&path).err().expect("refused");
    assert!(matches!(err, StoreError::Damaged { .. }), "{err}");
    let message = err.to_string();
    assert!(
        message.contains("damaged")
            && message.contains("integrity check")
            && message.contains("left untouched"),
        "{message}"
    );
    assert_eq!(std::fs::read(&path).unwrap(), bytes, "not one byte changed");
    assert_eq!(files_in(path.parent().unwrap()), ["progress.db"]);
}

#[test]
fn an_unknown_schema_version_is_named_without_sql() {
    let (_dir, path) = temp_db();
    closed_database(&path);
    Connection::open(&path)
        .unwrap()
        .execute_batch("PRAGMA user_version = -5")
        .unwrap();
    let before = std::fs::read(&path).unwrap();
    let message = Store::open(&path).err().expect("refused").to_string();
    assert!(
        message.contains("schema version -5")
            && message.contains(&format!("expects 0 to {SCHEMA_VERSION}")),
        "{message}"
    );
    assert!(
        !message.contains("CREATE") && !message.contains("TABLE"),
        "{message}"
    );
    assert!(message.contains("left untouched"), "{message}");
    assert_eq!(std::fs::read(&path).unwrap(), before);
}

#[test]
fn a_full_disk_when_creating_says_so_and_leaves_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("sub/new.db");
    let full = |conn: &Connection| conn.execute_batch("PRAGMA max_page_count = 1");
    let err = Store::open_with(&path, &full).err().expect("refused");
    assert!(matches!(err, StoreError::DiskFull { .. }), "{err}");
    let message = err.to_string();
    assert!(
        message.contains("disk full") && message.contains(&path.display().to_string()),
        "{message}"
    );
    assert!(message.contains("nothing was created"), "{message}");
    assert!(
        files_in(dir.path()).is_empty(),
        "{:?}",
        files_in(dir.path())
    );
}

#[test]
fn a_full_disk_while_recording_says_so_and_claims_nothing() {
    let (_dir, path) = temp_db();
    closed_database(&path);
    let pages: i64 = Connection::open(&path)
        .unwrap()
        .query_row("PRAGMA page_count", [], |r| r.get(0))
        .unwrap();
    let full =
        move |conn: &Connection| conn.execute_batch(&format!("PRAGMA max_page_count = {pages}"));
    let mut store = Store::open_with(&path, &full).unwrap();
    let long = "x".repeat(2000);
    let err = (0..100)
        .find_map(|i| {
            let mut a = answer("c", &format!("q{i}-{long}"), 1, 1, true, 10 + i);
            if let Record::Answer(a) = &mut a {
                a.response = long.clone();
            }
            store.record(&[a]).err()
        })
        .expect("the file filled up");
    let message = err.to_string();
    assert!(
        message.contains("disk full") && message.contains(&path.display().to_string()),
        "{message}"
    );
    assert!(!message.contains("untouched"), "{message}");
}

#[test]
fn read_only_opening_writes_nothing_and_leaves_nothing() {
    let (_dir, path) = temp_db();
    closed_database(&path);
    let before = std::fs::read(&path).unwrap();
    let store = Store::open_read_only(&path).unwrap().expect("a database");
    assert!(store.conn.is_readonly(rusqlite::MAIN_DB).unwrap());
    assert_eq!(store.courses().unwrap().len(), 1);
    assert_eq!(store.progress("c").unwrap().questions.len(), 1);
    drop(store);
    assert_eq!(std::fs::read(&path).unwrap(), before);
    assert_eq!(files_in(path.parent().unwrap()), ["progress.db"]);
    // While another morsel has it open, it reads through that morsel's WAL and sees its latest commit.
    let mut writer = Store::open(&path).unwrap();
    writer.record(&[answer("c", "q2", 1, 1, true, 3)]).unwrap();
    let store = Store::open_read_only(&path).unwrap().expect("a database");
    assert!(store.conn.is_readonly(rusqlite::MAIN_DB).unwrap());
    assert_eq!(store.progress("c").unwrap().questions.len(), 2);
    // An empty file holds nothing yet.
    let empty = path.with_file_name("empty.db");
    std::fs::write(&empty, "").unwrap();
    assert!(Store::open_read_only(&empty).unwrap().is_none());
    assert!(
        Store::open_read_only(&path.with_file_name("absent.db"))
            .unwrap()
            .is_none()
    );
}

#[test]
fn the_pack_path_is_stored_canonical() {
    let (dir, path) = temp_db();
    let pack = dir.path().join("packs/one");
    std::fs::create_dir_all(&pack).unwrap();
    let mut store = Store::open(&path).unwrap();
    let relative = pack.join("../one");
    store
        .record(&[Record::CourseOpened {
            course_id: "c".into(),
            title: "T".into(),
            pack_path: relative.display().to_string(),
            version: None,
            at: 1,
        }])
        .unwrap();
    let stored = store.course("c").unwrap().unwrap().pack_path;
    assert_eq!(PathBuf::from(stored), pack.canonicalize().unwrap());
}

#[test]
fn errors_say_their_cause_once() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("file");
    std::fs::write(&file, "x").unwrap();
    let err = anyhow::Error::from(
        Store::open(&file.join("sub/new.db"))
            .err()
            .expect("refused"),
    );
    let message = format!("{err:#}");
    assert_eq!(message.matches("os error").count(), 1, "{message}");
    let path = dir.path().join("bad\x1b[31m.db");
    std::fs::write(&path, "not a database, not at all ".repeat(100)).unwrap();
    let message = Store::open(&path).err().expect("refused").to_string();
    assert!(
        !message.contains('\x1b') && message.contains("bad␛[31m.db"),
        "{message}"
    );
}

#[test]
fn a_full_disk_when_migrating_an_empty_file_leaves_it_as_it_was() {
    let (_dir, path) = temp_db();
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(&path, "").unwrap();
    let full = |conn: &Connection| conn.execute_batch("PRAGMA max_page_count = 1");
    let message = Store::open_with(&path, &full)
        .err()
        .expect("refused")
        .to_string();
    assert!(
        message.contains("disk full") && message.contains("left untouched"),
        "{message}"
    );
    assert_eq!(std::fs::read(&path).unwrap(), b"");
    assert_eq!(files_in(path.parent().unwrap()), ["progress.db"]);
}

fn reviewed(
    item: &str,
    kind: ReviewKind,
    rating: Rating,
    at: i64,
    state: Option<ItemState>,
) -> Record {
    Record::Reviewed(ReviewRecord {
        course_id: "c".into(),
        lesson_id: "l1".into(),
        item_id: item.into(),
        kind: ItemKind::Question,
        rating,
        response: String::new(),
        review_kind: kind,
        at,
        utc_offset_min: 60,
        duration_ms: 1500,
        content_hash: "h".into(),
        state_before: 0,
        state,
    })
}

#[test]
fn reviews_are_logged_and_schedule_items_as_applying_them_does() {
    let (_dir, path) = temp_db();
    let mut store = Store::open(&path).unwrap();
    let s = crate::learn::schedule::Scheduler::default();
    let first = s.next(None, Rating::Again, 1_000);
    let second = s.next(Some(&first), Rating::Good, first.due_at);
    let records = [
        opened("c", 0),
        answer("c", "q1", 1, 1, false, 1_000),
        reviewed("q1", ReviewKind::Learn, Rating::Again, 1_000, Some(first)),
        answer("c", "q1", 2, 1, true, 2_000),
        reviewed("q1", ReviewKind::Practice, Rating::Good, 2_000, None),
        reviewed(
            "q1",
            ReviewKind::Scheduled,
            Rating::Good,
            first.due_at,
            Some(second),
        ),
    ];
    let mut expected = Progress::default();
    for record in &records {
        store.record(std::slice::from_ref(record)).unwrap();
        expected.apply(record);
    }
    let loaded = store.progress("c").unwrap();
    assert_eq!(loaded, expected);
    assert_eq!(loaded.items["q1"], second);
    assert!(
        loaded.questions["q1"].known,
        "a scheduled review got it right"
    );
    assert_eq!(count(&store, "SELECT count(*) FROM review_log"), 3);
    assert_eq!(
        count(
            &store,
            "SELECT count(*) FROM review_log WHERE review_kind = 'practice'"
        ),
        1
    );
}

#[test]
fn a_schema_1_database_is_migrated_and_past_rounds_read_by_the_new_mastery_rule() {
    let (_dir, path) = temp_db();
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    {
        let conn = Connection::open(&path).unwrap();
        conn.execute_batch(MIGRATIONS[0]).unwrap();
        conn.execute_batch(
            "PRAGMA user_version = 1;
             INSERT INTO courses VALUES ('c', 'T', '/p', NULL, 0, 0, NULL);
             INSERT INTO answers (course_id, lesson_id, question_id, kind, response, correct, skipped, round,
                 attempt, hint_used, shown_at, answered_at, duration_ms) VALUES
               ('c', 'l1', 'right', 'truefalse', 'true', 1, 0, 1, 1, 0, 0, 1, 1),
               ('c', 'l1', 'retried', 'truefalse', 'false', 0, 0, 1, 1, 0, 0, 1, 1),
               ('c', 'l1', 'retried', 'truefalse', 'true', 1, 0, 2, 1, 0, 0, 2, 1);
             INSERT INTO question_progress VALUES ('c', 'right', 'l1', 1, 1, 1, 1), ('c', 'retried', 'l1', 2, 1, 1, 2);",
        )
        .unwrap();
    }
    let store = Store::open(&path).unwrap();
    assert_eq!(count(&store, "PRAGMA user_version"), SCHEMA_VERSION);
    let progress = store.progress("c").unwrap();
    assert!(progress.questions["right"].known);
    assert!(
        !progress.questions["retried"].known,
        "right only on a retry round: not known"
    );
    assert!(progress.questions["retried"].first_try_right);
    assert!(
        progress.questions["right"].first_try,
        "schema 6 reads it from the answers"
    );
    assert!(!progress.questions["retried"].first_try);
}

fn note(lesson: &str, bite: usize, text: &str, at: i64) -> Record {
    Record::Note(crate::learn::journal::NoteRecord {
        course_id: "c".into(),
        lesson_id: lesson.into(),
        bite,
        text: text.into(),
        question: crate::learn::journal::NoteRecord::is_question(text),
        at,
    })
}

#[test]
fn notes_load_as_applying_them_does_and_a_comment_joins_its_rating() {
    let (_dir, path) = temp_db();
    let mut store = Store::open(&path).unwrap();
    let rating = |clear: bool, comment: &str, rated_at: i64| {
        Record::Feedback(crate::learn::journal::FeedbackRecord {
            course_id: "c".into(),
            lesson_id: "l1".into(),
            bite: 2,
            clear,
            comment: comment.into(),
            rated_at,
        })
    };
    let records = vec![
        opened("c", 1),
        note("l1", 1, "a", 2),
        note("l1", 1, "ab", 3),
        note("l1", 2, "?why", 4),
        note("l2", 1, "gone", 5),
        note("l2", 1, "", 6),
        rating(false, "", 7),
        rating(false, "too terse", 7),
        rating(true, "", 8),
    ];
    let mut expected = Progress::default();
    for record in &records {
        store.record(std::slice::from_ref(record)).unwrap();
        expected.apply(record);
    }
    let loaded = store.progress("c").unwrap();
    assert_eq!(loaded, expected);
    assert_eq!(loaded.notes.len(), 2, "an emptied note is gone");
    assert_eq!(
        loaded.notes[&("l1".to_string(), 2)],
        ("?why".to_string(), true)
    );
    let notes = store.notes(Some("c")).unwrap();
    assert_eq!(notes[0].created_at, 2);
    assert_eq!(notes[0].updated_at, 3);
    let feedback = store.feedback(None).unwrap();
    assert_eq!(
        feedback
            .iter()
            .map(|f| (f.clear, f.comment.as_str(), f.rated_at))
            .collect::<Vec<_>>(),
        [(false, "too terse", 7), (true, "", 8)]
    );
}

#[cfg(unix)]
#[test]
fn a_link_to_nothing_is_refused_and_kept_and_nothing_is_made() {
    let dir = tempfile::tempdir().unwrap();
    let link = dir.path().join("dl");
    let target = dir.path().join("usb/progress.db");
    std::os::unix::fs::symlink(&target, &link).unwrap();
    for _ in 0..2 {
        let err = Store::open(&link).err().expect("refused");
        assert!(matches!(err, StoreError::DanglingLink { .. }), "{err}");
        assert_eq!(
            err.to_string(),
            format!(
                "{}: the link points at {}, which does not exist; mount it or fix the link; nothing was created or \
                 removed",
                link.display(),
                target.display()
            )
        );
        let err = Store::open_read_only(&link).err().expect("refused");
        assert!(matches!(err, StoreError::DanglingLink { .. }), "{err}");
        assert_eq!(std::fs::read_link(&link).unwrap(), target);
        assert_eq!(files_in(dir.path()), ["dl"]);
    }
}

#[cfg(unix)]
#[test]
fn a_chain_of_links_names_its_last_target_and_a_loop_is_kept() {
    let dir = tempfile::tempdir().unwrap();
    let (first, second) = (dir.path().join("first"), dir.path().join("second"));
    std::os::unix::fs::symlink("second", &first).unwrap();
    std::os::unix::fs::symlink("/no/such/drive/progress.db", &second).unwrap();
    let message = Store::open(&first).err().expect("refused").to_string();
    assert!(
        message.contains("the link points at /no/such/drive/progress.db, which does not exist"),
        "{message}"
    );

    let looped = dir.path().join("loop");
    std::os::unix::fs::symlink("loop", &looped).unwrap();
    let message = Store::open(&looped).err().expect("refused").to_string();
    assert!(
        message.contains("which cannot be reached (") && message.contains("fix the link"),
        "{message}"
    );
    assert_eq!(std::fs::read_link(&looped).unwrap(), Path::new("loop"));
    assert_eq!(files_in(dir.path()), ["first", "loop", "second"]);
}

#[cfg(unix)]
#[test]
fn through_a_link_a_reader_sees_what_a_running_morsel_has_committed() {
    let (dir, path) = temp_db();
    closed_database(&path);
    let link = dir.path().join("link.db");
    std::os::unix::fs::symlink(&path, &link).unwrap();
    // A morsel playing through the real path keeps its latest answers in the WAL beside the real file.
    let mut writer = Store::open(&path).unwrap();
    writer.record(&[answer("c", "q2", 1, 1, true, 3)]).unwrap();
    let reader = Store::open_read_only(&link).unwrap().expect("a database");
    assert_eq!(reader.progress("c").unwrap().questions.len(), 2);
    drop((reader, writer));
    // Played through the link, the database and its WAL are beside the real file, and the link stays a link.
    let mut player = Store::open(&link).unwrap();
    player.record(&[answer("c", "q3", 1, 1, true, 4)]).unwrap();
    assert!(place::sibling(&path, "-wal").exists());
    drop(player);
    assert!(link.is_symlink());
    assert_eq!(files_in(dir.path()), ["link.db", "sub"]);
    assert_eq!(files_in(path.parent().unwrap()), ["progress.db"]);
}

#[cfg(unix)]
#[test]
fn a_fifo_or_a_folder_is_refused_without_being_opened() {
    let (_dir, path) = temp_db();
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    let made = std::process::Command::new("mkfifo")
        .arg(&path)
        .status()
        .unwrap();
    assert!(made.success());
    // Opening it would wait for a writer: returning at all shows it was not opened.
    for err in [
        Store::open(&path).err().expect("refused"),
        Store::open_read_only(&path).err().expect("refused"),
    ] {
        assert!(
            matches!(
                err,
                StoreError::NotAFile {
                    kind: "a named pipe (FIFO)",
                    ..
                }
            ),
            "{err}"
        );
    }
    let folder = path.parent().unwrap();
    let message = Store::open(folder).err().expect("refused").to_string();
    assert!(
        message.ends_with(
            "dir: it is a folder, not a regular file; --db names the database file (or where to make one). \
             Nothing was opened"
        ),
        "{message}"
    );
}
