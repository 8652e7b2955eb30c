//! Progress follows the learner: machine A plays part of a course and reviews, and syncs; machine B (a fresh
//! database, the same identity) syncs, and then sees what A sees: `stats`, the review due dates, the bite `play`
//! opens. Merging twice changes nothing, and A's own statements coming back change nothing. Against the fake LRS
//! (`fake_lrs`), which answers `GET statements?agent=…` from what it stores, two statements a page.
//!
//! What the statements cannot rebuild exactly, and so this test does not compare: a lesson answer's round, attempt
//! and hint (merged as the next attempt of round 1, no hint), a skip in a lesson (not stated), a choice's response
//! (stated as choice ids when the pack described the question; kept so), active time (`active_spans`: `stats`'
//! active seconds, 0 here on both), a course finished, the exercise and scroll inside the resume bite, and the pack's
//! path (B opens the course once, or finds it on the course path). The resume point is the latest bite first seen on
//! any machine, not a bite gone back to. The schedule is replayed with this machine's FSRS parameters (fitted ones
//! are not stated); with the defaults on both, as here, it is the same.

use std::path::{Path, PathBuf};

use crate::at;
use crate::fake_lrs::FakeLrs;

const T0: i64 = 1_795_000_000_000;
const DAY: i64 = 86_400_000;

/// A pack of two lessons: true/false questions, a card, a second bite; in `dir/pack`.
fn pack(dir: &Path) -> PathBuf {
    let root = dir.join("pack");
    std::fs::create_dir_all(root.join("lessons")).unwrap();
    std::fs::write(
        root.join("course.toml"),
        "id = \"fp\"\ntitle = \"Follow pack\"\n",
    )
    .unwrap();
    std::fs::write(
        root.join("lessons/a.md"),
        "+++\nid = \"a\"\ntitle = \"Truths\"\n+++\nSome facts.\n\n\
         ```quiz\nid = \"sky\"\nkind = \"truefalse\"\nprompt = \"The sky is blue.\"\nanswer = true\n```\n\n\
         ```quiz\nid = \"fire\"\nkind = \"truefalse\"\nprompt = \"Fire is cold.\"\nanswer = false\n```\n\n\
         ```card\nid = \"water\"\nfront = \"Water boils at?\"\nback = \"100 °C at sea level.\"\n```\n",
    )
    .unwrap();
    std::fs::write(
        root.join("lessons/b.md"),
        "+++\nid = \"b\"\ntitle = \"More\"\n+++\nFirst bite of b.\n\n---\n\nSecond bite of b.\n\n\
         ```quiz\nid = \"snow\"\nkind = \"truefalse\"\nprompt = \"Snow is white.\"\nanswer = true\n```\n",
    )
    .unwrap();
    root
}

/// A machine: its own folder and database, the learner's identity in its config (`at` reads `none.toml`).
fn machine() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("none.toml"),
        "name = \"Ada\"\nmbox = \"ada@example.org\"\n",
    )
    .unwrap();
    dir
}

fn rows(dir: &Path, sql: &str) -> Vec<String> {
    let conn = rusqlite::Connection::open(dir.join("progress.db")).unwrap();
    let mut stmt = conn.prepare(sql).unwrap();
    let n = stmt.column_count();
    stmt.query_map([], |r| {
        Ok((0..n)
            .map(|i| format!("{:?}", r.get_ref(i).unwrap()))
            .collect::<Vec<_>>()
            .join("|"))
    })
    .unwrap()
    .map(Result::unwrap)
    .collect()
}

/// What a learner would check of their progress, read from the database: the schedule, bites seen, answers'
/// outcomes, notes and ratings, the resume point.
fn progress(dir: &Path) -> Vec<Vec<String>> {
    [
        "SELECT course_id, item_id, kind, due_at, reps, lapses, last_rating FROM review_items ORDER BY 1, 2",
        "SELECT course_id, lesson_id, bite, first_seen_at FROM bites_seen ORDER BY 1, 2, 3",
        "SELECT course_id, question_id, correct, answered_at FROM answers ORDER BY answered_at, question_id",
        "SELECT course_id, question_id, known, first_try FROM question_progress ORDER BY 1, 2",
        "SELECT course_id, item_id, rating, review_kind, reviewed_at FROM review_log ORDER BY reviewed_at, item_id",
        "SELECT course_id, card_id, rating, rated_at FROM card_ratings ORDER BY rated_at",
        "SELECT course_id, lesson_id, bite, text FROM notes ORDER BY 1, 2, 3",
        "SELECT course_id, lesson_id, bite, clear, comment FROM feedback ORDER BY 1, 2, 3",
        "SELECT course_id, lesson_id, bite FROM positions ORDER BY 1",
    ]
    .iter()
    .map(|sql| rows(dir, sql))
    .collect()
}

fn sync(dir: &Path, now: i64, url: &str) -> String {
    let (ok, out, err) = at(dir, now, &["sync", "--lrs", url], "");
    assert!(ok, "{out}{err}");
    out
}

/// The first screen `play --plain` shows, up to its first prompt.
fn opening(dir: &Path, now: i64, pack: &str) -> String {
    let (ok, out, err) = at(dir, now, &["play", "--plain", pack], "quit\n");
    assert!(ok, "{err}");
    out.split("\n> ").next().unwrap().to_string()
}

/// A question for the author and a note, and a bite rated unclear with a comment, as the player records them.
fn note_and_rate(dir: &Path, at: i64) {
    let conn = rusqlite::Connection::open(dir.join("progress.db")).unwrap();
    conn.execute_batch(&format!(
        "INSERT INTO notes VALUES ('fp', 'a', 1, '?why is it blue', 1, {at}, {at});
         INSERT INTO notes VALUES ('fp', 'b', 1, 'read again', 0, {at}, {at});
         INSERT INTO feedback VALUES ('fp', 'a', 1, {at}, 0, 'too fast');"
    ))
    .unwrap();
}

#[test]
fn send_only_brings_nothing_in() {
    let lrs = FakeLrs::start();
    let shared = tempfile::tempdir().unwrap();
    let pack = pack(shared.path());
    let (a, b) = (machine(), machine());
    let (ok, _, err) = at(
        a.path(),
        T0,
        &["play", "--plain", pack.to_str().unwrap()],
        "next\nquit\n",
    );
    assert!(ok, "{err}");
    sync(a.path(), T0 + 60_000, &lrs.url);
    let before = lrs.with(|s| s.requests.len());
    let (ok, out, err) = at(
        b.path(),
        T0 + 120_000,
        &["sync", "--lrs", &lrs.url, "--send-only"],
        "",
    );
    assert!(ok, "{err}");
    assert!(!out.contains("brought in"), "{out}");
    assert!(lrs.with(|s| {
        !s.requests[before..]
            .iter()
            .any(|r| r.target.contains("agent="))
    }));
    assert!(rows(b.path(), "SELECT * FROM bites_seen").is_empty());
    // Without it, B has A's bites.
    sync(b.path(), T0 + 180_000, &lrs.url);
    assert_eq!(
        rows(b.path(), "SELECT * FROM bites_seen"),
        rows(a.path(), "SELECT * FROM bites_seen")
    );
}

#[test]
fn a_second_machine_sees_the_progress_made_on_the_first() {
    let lrs = FakeLrs::start();
    lrs.with(|s| s.page = Some(2));
    let shared = tempfile::tempdir().unwrap();
    let pack = pack(shared.path());
    let pack_arg = pack.to_str().unwrap();
    let (a, b) = (machine(), machine());

    // A: miss `sky`, get `fire` right, rate the card Good, read the first bite of lesson b; a day later review.
    let (ok, _, err) = at(
        a.path(),
        T0,
        &["play", "--plain", pack_arg],
        "next\nfalse\nnext\nfalse\nnext\nnext\ngood\nnext\nquit\n",
    );
    assert!(ok, "{err}");
    let (ok, _, err) = at(a.path(), T0 + DAY, &["review", "--plain"], "true\nnext\n");
    assert!(ok, "{err}");
    note_and_rate(a.path(), T0 + DAY + 10_000);
    let out = sync(a.path(), T0 + DAY + 60_000, &lrs.url);
    assert!(!out.contains("brought in"), "{out}");
    let stored = lrs.stored_ids().len();
    assert!(stored > 5, "{stored}");

    // B, a fresh database: the same schedule, bites, answers and resume point.
    let out = sync(b.path(), T0 + DAY + 120_000, &lrs.url);
    assert!(out.contains("made on other machines"), "{out}");
    assert_eq!(progress(b.path()), progress(a.path()));
    // B opens the course where A left it (the pack's path is this machine's own: statements do not carry it, so
    // `stats` finds the pack once `play` has opened it here, or on the course path).
    let now = T0 + DAY + 180_000;
    assert_eq!(
        opening(b.path(), now, pack_arg),
        opening(a.path(), now, pack_arg)
    );
    assert!(opening(b.path(), now, pack_arg).contains("First bite of b."));
    let stats = |dir: &Path| at(dir, now, &["stats", "--format", "json"], "").1;
    assert_eq!(stats(b.path()), stats(a.path()));

    // Merging twice changes nothing, and nothing merged is sent back; A's own statements coming back change nothing.
    let before = progress(b.path());
    let out = sync(b.path(), now + 60_000, &lrs.url);
    assert!(!out.contains("brought in"), "{out}");
    assert_eq!(progress(b.path()), before);
    let before = progress(a.path());
    let out = sync(a.path(), now + 120_000, &lrs.url);
    assert!(!out.contains("brought in"), "{out}");
    assert_eq!(progress(a.path()), before);
    // Nothing merged was sent back: every statement arrived once.
    assert!(lrs.with(|s| s.arrivals.values().all(|&n| n == 1)));
}
