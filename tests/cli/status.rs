//! `morsel status` end to end: nothing without a database, the line and the JSON for a database with active time
//! and due items, read in the learner's local day (from MORSEL_UTC_OFFSET or the time zone), with the clock fixed
//! by MORSEL_NOW_MS (for tests only).

use std::path::{Path, PathBuf};

use morsel::learn::journal::{Journal, Record};
use morsel::store::Store;

use crate::morsel;

const MINUTE_MS: i64 = 60_000;
const HOUR_MS: i64 = 3_600_000;
const DAY_MS: i64 = 86_400_000;
/// 2026-11-23 12:00 UTC: 02:00 on the 23rd in UTC-10.
const NOW: i64 = 1_795_392_000_000 + 12 * HOUR_MS;
/// Local midnight that began the 23rd in UTC-10: 10:00 UTC.
const LOCAL_MIDNIGHT: i64 = 1_795_392_000_000 + 10 * HOUR_MS;

/// `morsel status` on `db` at NOW, with no config file and neither offset nor zone from the machine running the test.
fn status(db: &Path) -> assert_cmd::Command {
    let mut cmd = morsel();
    cmd.arg("--db")
        .arg(db)
        .arg("--config")
        .arg("/nonexistent/config.toml")
        .arg("status")
        .env("MORSEL_NOW_MS", NOW.to_string())
        .env_remove("MORSEL_UTC_OFFSET")
        .env("TZ", "UTC");
    cmd
}

fn files_in(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

/// A database in UTC-10's terms: 7 minutes today (from 23:55 yesterday to 00:07 today, local), 10 yesterday (5 at
/// noon and those 5 before midnight), 10 on each of the two days before; and 3 review items, 2 of them due at NOW.
fn played(dir: &Path) -> PathBuf {
    let db = dir.join("progress.db");
    let mut store = Store::open(&db).unwrap();
    let mut records = vec![Record::CourseOpened {
        course_id: "c".into(),
        title: "C".into(),
        pack_path: "/nowhere".into(),
        version: None,
        at: 1,
    }];
    let noon = LOCAL_MIDNIGHT - 12 * HOUR_MS;
    for (started_at, minutes) in [
        (LOCAL_MIDNIGHT - 5 * MINUTE_MS, 12),
        (noon, 5),
        (noon - DAY_MS, 10),
        (noon - 2 * DAY_MS, 10),
    ] {
        records.push(Record::Active {
            course_id: "c".into(),
            lesson_id: "l".into(),
            started_at,
            ended_at: started_at + minutes * MINUTE_MS,
        });
    }
    store.record(&records).unwrap();
    drop(store);
    let conn = rusqlite::Connection::open(&db).unwrap();
    for (item, due_at) in [("q1", NOW - DAY_MS), ("q2", NOW), ("c1", NOW + 1)] {
        conn.execute(
            "INSERT INTO review_items (course_id, item_id, kind, lesson_id, stability, difficulty, due_at,
                 last_review_at, reps, lapses, content_hash)
             VALUES ('c', ?1, 'question', 'l', 1.0, 5.0, ?2, 0, 1, 0, 'h')",
            rusqlite::params![item, due_at],
        )
        .unwrap();
    }
    db
}

fn stdout(cmd: &mut assert_cmd::Command) -> String {
    let output = cmd.output().unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert_eq!(String::from_utf8_lossy(&output.stderr), "");
    String::from_utf8(output.stdout).unwrap()
}

#[test]
fn without_a_database_status_prints_nothing_and_creates_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("data/progress.db");
    for format in ["text", "json"] {
        status(&db)
            .args(["--format", format])
            .assert()
            .success()
            .stdout("")
            .stderr("");
    }
    assert!(files_in(dir.path()).is_empty());
}

#[test]
fn status_counts_the_local_day_of_the_learner_offset() {
    let dir = tempfile::tempdir().unwrap();
    let db = played(dir.path());
    // UTC-10: 7 minutes today, and the three days before met the goal.
    let line = stdout(status(&db).env("MORSEL_UTC_OFFSET", "-600"));
    assert_eq!(line, "morsel: 2 due · 7 today/10 min · streak 3\n");
    // In UTC the same spans make 12 minutes today (10:00 is not midnight there), a goal met, but only 5 yesterday.
    let line = stdout(status(&db).env("MORSEL_UTC_OFFSET", "0"));
    assert_eq!(line, "morsel: 2 due · 12 today/10 min · streak 1\n");
    // Nothing written beside the database.
    assert_eq!(files_in(dir.path()), ["progress.db"]);
}

#[test]
fn status_reads_the_time_zone_when_no_offset_is_given() {
    let dir = tempfile::tempdir().unwrap();
    let db = played(dir.path());
    // POSIX TZ: "HST10" is 10 hours behind UTC.
    let line = stdout(status(&db).env("TZ", "HST10"));
    assert_eq!(line, "morsel: 2 due · 7 today/10 min · streak 3\n");
}

#[test]
fn a_streak_and_daily_minutes_hold_across_a_daylight_saving_change() {
    // 25 minutes from 23:30 Berlin time on each evening from the 26th to the 31st of March 2026. The clocks went
    // forward at 02:00 on the 29th: 23:30 is 22:30 UTC before the change and 21:30 UTC after it.
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("progress.db");
    let mut store = Store::open(&db).unwrap();
    let mut records = vec![Record::CourseOpened {
        course_id: "c".into(),
        title: "C".into(),
        pack_path: "/nowhere".into(),
        version: None,
        at: 1,
    }];
    let mut last_end = 0;
    for day in 26..=31 {
        let started_at = jiff::civil::date(2026, 3, day)
            .at(23, 30, 0, 0)
            .in_tz("Europe/Berlin")
            .unwrap()
            .timestamp()
            .as_millisecond();
        last_end = started_at + 25 * MINUTE_MS;
        records.push(Record::Active {
            course_id: "c".into(),
            lesson_id: "l".into(),
            started_at,
            ended_at: last_end,
        });
    }
    store.record(&records).unwrap();
    drop(store);
    // The 31st at 23:58: 25 minutes today, and six evenings in a row, each on its own day.
    let line = stdout(
        status(&db)
            .env("MORSEL_NOW_MS", (last_end + 3 * MINUTE_MS).to_string())
            .env("TZ", "Europe/Berlin"),
    );
    assert_eq!(line, "morsel: 25 today/10 min · streak 6\n");
}

#[test]
fn status_as_json_has_every_field_even_when_zero() {
    let dir = tempfile::tempdir().unwrap();
    let db = played(dir.path());
    let text = stdout(
        status(&db)
            .env("MORSEL_UTC_OFFSET", "-600")
            .args(["--format", "json"]),
    );
    let doc: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(
        doc,
        serde_json::json!({"due": 2, "today_minutes": 7, "goal_minutes": 10, "streak": 3, "to_sync": 0})
    );
    // A week later nothing is met any more, and every item is due.
    let text = stdout(
        status(&db)
            .env("MORSEL_NOW_MS", (NOW + 7 * DAY_MS).to_string())
            .env("MORSEL_UTC_OFFSET", "-600")
            .args(["--format", "json"]),
    );
    let doc: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(
        doc,
        serde_json::json!({"due": 3, "today_minutes": 0, "goal_minutes": 10, "streak": 0, "to_sync": 0})
    );
}

#[test]
fn status_follows_daily_minutes_from_the_config() {
    let dir = tempfile::tempdir().unwrap();
    let db = played(dir.path());
    let config = dir.path().join("config.toml");
    // A 5-minute goal: today's 7 minutes meet it, so the streak runs through today.
    std::fs::write(&config, "daily_minutes = 5\n").unwrap();
    let line = stdout(
        status(&db)
            .arg("--config")
            .arg(&config)
            .env("MORSEL_UTC_OFFSET", "-600"),
    );
    assert_eq!(line, "morsel: 2 due · 7 today/5 min · streak 4\n");
    // The goal off: minutes alone, no streak.
    std::fs::write(&config, "daily_minutes = 0\n").unwrap();
    let line = stdout(
        status(&db)
            .arg("--config")
            .arg(&config)
            .env("MORSEL_UTC_OFFSET", "-600"),
    );
    assert_eq!(line, "morsel: 2 due · 7 min today\n");
}

#[test]
fn a_bad_offset_or_goal_is_an_error_that_names_it() {
    let dir = tempfile::tempdir().unwrap();
    let db = played(dir.path());
    status(&db)
        .env("MORSEL_UTC_OFFSET", "+5:30")
        .assert()
        .code(2)
        .stdout("")
        .stderr(
            "morsel: MORSEL_UTC_OFFSET=+5:30: expected minutes east of UTC, a whole number from -1080 to 1080 \
             (60 for UTC+1, -300 for UTC-5)\n",
        );
    let config = dir.path().join("config.toml");
    std::fs::write(&config, "theme = \"dark\"\ndaily_minutes = 2000\n").unwrap();
    let output = status(&db).arg("--config").arg(&config).output().unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert_eq!(
        String::from_utf8_lossy(&output.stderr),
        format!(
            "morsel: {}:2:17: daily_minutes must be whole minutes from 0 (no goal) to 1440, not 2000\n",
            config.display()
        )
    );
}

#[test]
fn status_and_stats_count_the_same_minutes() {
    for (seconds, minutes) in [(878, 14), (30, 0)] {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("progress.db");
        let mut store = Store::open(&db).unwrap();
        let started_at = NOW - seconds * 1000;
        store
            .record(&[
                Record::CourseOpened {
                    course_id: "c".into(),
                    title: "C".into(),
                    pack_path: "/nowhere".into(),
                    version: None,
                    at: started_at,
                },
                Record::Active {
                    course_id: "c".into(),
                    lesson_id: "l".into(),
                    started_at,
                    ended_at: NOW,
                },
            ])
            .unwrap();
        drop(store);
        let line = stdout(status(&db).env("MORSEL_UTC_OFFSET", "0"));
        assert!(line.contains(&format!("{minutes} today/10 min")), "{line}");
        let stats = stdout(
            morsel()
                .arg("--db")
                .arg(&db)
                .args(["--config", "/nonexistent/config.toml", "--courses"])
                .arg(dir.path())
                .arg("stats")
                .env("MORSEL_NOW_MS", NOW.to_string())
                .env("MORSEL_UTC_OFFSET", "0"),
        );
        assert!(
            stats.contains(&format!("time      {minutes} min in all, {minutes} today")),
            "{seconds} s:\n{stats}"
        );
    }
}
