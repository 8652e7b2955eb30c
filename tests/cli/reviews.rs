//! The review log's readers end to end: `morsel export reviews` and the spaced-review part of `morsel stats`, over
//! histories written straight into the store (`history`).

use std::path::{Path, PathBuf};

use morsel::commands::export::card_id;
use morsel::store::Store;

use crate::history::{self, Review};
use crate::morsel;

const DAY: i64 = 86_400_000;
const T0: i64 = 1_795_000_000_000;

fn db_with_log(dir: &Path) -> PathBuf {
    let path = dir.join("progress.db");
    drop(Store::open(&path).unwrap());
    let conn = history::connect(&path);
    history::add_course(&conn, "git", T0);
    history::add_course(&conn, "regex", T0);
    for review in [
        Review {
            review_kind: "learn",
            state_before: 0,
            duration_ms: 12_000,
            ..Review::new("git", "q-one", 1, T0)
        },
        Review {
            review_kind: "practice",
            ..Review::new("git", "q-one", 3, T0 + 30_000)
        },
        Review {
            state_before: 3,
            duration_ms: 8_000,
            ..Review::new("git", "q-one", 3, T0 + DAY)
        },
        Review {
            kind: "card",
            review_kind: "early",
            duration_ms: 1_500,
            ..Review::new("regex", "card-a", 4, T0 + 2 * DAY)
        },
    ] {
        history::add_review(&conn, &review);
    }
    path
}

#[test]
fn export_reviews_writes_the_optimizer_s_csv_without_practice() {
    let dir = tempfile::tempdir().unwrap();
    let db = db_with_log(dir.path());
    let (q, c) = (card_id("git", "q-one"), card_id("regex", "card-a"));
    morsel()
        .args([
            "--db",
            db.to_str().unwrap(),
            "export",
            "reviews",
            "--format",
            "csv",
        ])
        .assert()
        .success()
        .stdout(format!(
            "card_id,review_time,review_rating,review_state,review_duration\n\
             {q},1795000000000,1,0,12000\n\
             {q},1795086400000,3,3,8000\n\
             {c},1795172800000,4,2,1500\n"
        ));
    // One course; csv is the default format.
    morsel()
        .args(["--db", db.to_str().unwrap(), "export", "reviews", "regex"])
        .assert()
        .success()
        .stdout(format!(
            "card_id,review_time,review_rating,review_state,review_duration\n{c},1795172800000,4,2,1500\n"
        ));
}

#[test]
fn export_reviews_as_json_has_every_row_and_column() {
    let dir = tempfile::tempdir().unwrap();
    let db = db_with_log(dir.path());
    let out = morsel()
        .args([
            "--db",
            db.to_str().unwrap(),
            "export",
            "reviews",
            "git",
            "--format",
            "json",
        ])
        .output()
        .unwrap();
    assert!(out.status.success());
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let rows = doc["reviews"].as_array().unwrap();
    assert_eq!(rows.len(), 3, "practice included: {doc}");
    assert_eq!(
        rows[1],
        serde_json::json!({
            "id": 2, "card_id": card_id("git", "q-one"), "course_id": "git", "item_id": "q-one",
            "kind": "question", "lesson_id": "l1", "rating": 3, "reviewed_at": T0 + 30_000,
            "utc_offset_min": 0, "duration_ms": 2000, "review_kind": "practice",
            "content_hash": "0000000000000000", "state_before": 2
        })
    );
}

#[test]
fn export_without_a_database_writes_the_header_and_creates_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("none.db");
    morsel()
        .args(["--db", db.to_str().unwrap(), "export", "reviews"])
        .assert()
        .success()
        .stdout("card_id,review_time,review_rating,review_state,review_duration\n");
    assert!(!db.exists());
    morsel()
        .args([
            "--db",
            db.to_str().unwrap(),
            "export",
            "reviews",
            "--format",
            "json",
        ])
        .assert()
        .success()
        .stdout("{\n  \"reviews\": []\n}\n");
}

#[test]
fn export_of_a_course_never_played_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let db = db_with_log(dir.path());
    morsel()
        .args(["--db", db.to_str().unwrap(), "export", "reviews", "rust"])
        .assert()
        .code(2)
        .stdout("")
        .stderr(format!(
            "morsel: no progress saved for course `rust` in {}\n",
            db.display()
        ));
}
