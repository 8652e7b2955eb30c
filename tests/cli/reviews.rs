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

/// Milliseconds since the epoch, now.
fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis() as i64
}

#[test]
fn stats_shows_review_items_parameters_retention_and_the_forecast() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("progress.db");
    let mut store = Store::open(&db).unwrap();
    let conn = history::connect(&db);
    let pack = crate::fixture("valid/every-construct");
    let loaded = morsel::pack::load(&pack).into_pack().unwrap();
    let exercise = loaded
        .lessons
        .iter()
        .flat_map(|l| &l.bites)
        .flat_map(|b| &b.exercises)
        .find(|e| matches!(e, morsel::pack::Exercise::Question(q) if q.id == "q-tf"))
        .unwrap();
    let hash = morsel::learn::schedule::item_hash(exercise);
    history::add_course_at(&conn, "every-construct", &pack.display().to_string(), T0);
    // In UTC, at noon of the day in 3 days (the binary has no clock of its own to set: the days are counted from
    // the real today); another item, gone from the pack, overdue.
    let today = now_ms().div_euclid(DAY);
    let due = (today + 3) * DAY + DAY / 2;
    history::set_item(
        &conn,
        &history::Item {
            hash: &hash,
            ..history::Item::new("every-construct", "q-tf", due)
        },
    );
    history::set_item(&conn, &history::Item::new("every-construct", "gone", T0));
    store.save_parameters(&[0.25; 21], 120, T0).unwrap();
    drop(store);
    let config = dir.path().join("config.toml");
    std::fs::write(&config, "desired_retention = 0.8\n").unwrap();
    let run = |format: &str| {
        let output = morsel()
            .env("TZ", "UTC")
            .args([
                "--db",
                db.to_str().unwrap(),
                "--config",
                config.to_str().unwrap(),
            ])
            .args(["stats", "--format", format])
            .output()
            .unwrap();
        assert!(
            output.status.success(),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
        String::from_utf8(output.stdout).unwrap()
    };
    let text = run("text");
    assert!(
        text.contains("\n  review    2 items, 0 due today; 1 no longer in the pack\n"),
        "{text}"
    );
    let summary = text.split("\nSpaced review\n").nth(1).unwrap();
    // The study days and minutes follow, after a blank line.
    let (summary, learning) = summary
        .split_once("\n\nStudy days")
        .unwrap_or((summary, ""));
    assert!(learning.contains("Active minutes, last 30 days:"), "{text}");
    let lines: Vec<&str> = summary.lines().collect();
    // 1795000000000 ms is 2026-11-18 in UTC.
    assert_eq!(
        lines[0],
        "  parameters  personal: fitted on 120 reviews on 2026-11-18"
    );
    assert_eq!(
        lines[1],
        "  retention   0.8 desired (config desired_retention)"
    );
    assert!(lines[2].starts_with("  due         today  "), "{text}");
    assert_eq!(
        lines[3],
        "                  0      0      0      1      0      0      0"
    );
    assert_eq!(
        lines[5],
        "                  0      0      0      0      0      0      0"
    );
    assert_eq!(lines.len(), 6, "{text}");

    let doc: serde_json::Value = serde_json::from_str(&run("json")).unwrap();
    assert_eq!(
        doc["courses"][0]["review"],
        serde_json::json!({"items": 2, "due_today": 0, "edited": 0, "left": 1})
    );
    assert_eq!(doc["review"]["parameters"], "personal");
    assert_eq!(doc["review"]["fitted_reviews"], 120);
    assert_eq!(doc["review"]["desired_retention"], 0.8);
    let forecast = doc["review"]["forecast"].as_array().unwrap();
    let dues: Vec<i64> = forecast
        .iter()
        .map(|d| d["due"].as_i64().unwrap())
        .collect();
    assert_eq!(dues, [0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
    assert_eq!(
        forecast[3]["date"].as_str().unwrap().len(),
        "2026-11-18".len()
    );
}

#[test]
fn stats_refuses_a_desired_retention_out_of_range_naming_its_line() {
    let dir = tempfile::tempdir().unwrap();
    let db = db_with_log(dir.path());
    let config = dir.path().join("config.toml");
    std::fs::write(&config, "theme = \"dark\"\ndesired_retention = 0.5\n").unwrap();
    morsel()
        .args([
            "--db",
            db.to_str().unwrap(),
            "--config",
            config.to_str().unwrap(),
            "stats",
        ])
        .assert()
        .code(2)
        .stdout("")
        .stderr(format!(
            "morsel: {}:2:21: desired_retention must be from 0.7 to 0.99, not 0.5\n",
            config.display()
        ));
}
