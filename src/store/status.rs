//! Read-only queries for `morsel status` and the library header: items due, the spans of active time, and the
//! day's standing they make (`Store::daily_status`); and the learner's offset from UTC (`local_offset_minutes`),
//! asked of SQLite's `localtime`, the rule `stats` already uses for "today".

use rusqlite::{Connection, params};

use super::{Store, StoreError};
use crate::learn::streak::{self, Daily, Span};

/// Overrides the learner's offset from UTC, in minutes east of UTC (`60` for UTC+1, `-300` for UTC-5): for a machine
/// whose time zone is not the learner's, and for tests.
pub(crate) const UTC_OFFSET_OVERRIDE: &str = "MORSEL_UTC_OFFSET";

/// The farthest an offset may be from UTC, in minutes: 18 hours, as ISO 8601 and the tz database allow.
const MAX_OFFSET_MINUTES: i32 = 18 * 60;

/// Where the learner stands today: items due, today's active minutes against the goal, and the streak.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct DailyStatus {
    /// Review items of every course due now (`due_at` at or before now).
    pub(crate) due: u64,
    pub(crate) day: Daily,
}

#[derive(Debug, thiserror::Error)]
pub(crate) enum OffsetError {
    #[error(
        "{UTC_OFFSET_OVERRIDE}={value}: expected minutes east of UTC, a whole number from -{MAX_OFFSET_MINUTES} to {MAX_OFFSET_MINUTES} (60 for UTC+1, -300 for UTC-5)"
    )]
    Invalid { value: String },
}

/// The learner's offset from UTC at `now_ms`, in minutes east of UTC: `MORSEL_UTC_OFFSET` when set, else the local
/// time zone (`TZ`, or `/etc/localtime`) as SQLite's `localtime` reads it, the same rule by which `stats` counts
/// "today"; 0 (UTC) if SQLite cannot say. For the daily goal, the streak and the review log's `utc_offset_min`.
pub(crate) fn local_offset_minutes(now_ms: i64) -> Result<i32, OffsetError> {
    if let Some(value) = std::env::var_os(UTC_OFFSET_OVERRIDE) {
        let value = value.to_string_lossy().into_owned();
        return value
            .trim()
            .parse::<i32>()
            .ok()
            .filter(|m| m.abs() <= MAX_OFFSET_MINUTES)
            .ok_or(OffsetError::Invalid { value });
    }
    Ok(zone_offset_minutes(now_ms).unwrap_or(0))
}

/// The local time zone's offset at `now_ms`, from SQLite (which asks the C library's `localtime_r`): no unsafe code
/// here and no time-zone crate, and the same answer as the `localtime` of every other query.
fn zone_offset_minutes(now_ms: i64) -> rusqlite::Result<i32> {
    let conn = Connection::open_in_memory()?;
    let seconds: i64 = conn.query_row(
        "SELECT CAST(strftime('%s', ?1, 'unixepoch', 'localtime') AS INTEGER) - ?1",
        [now_ms.div_euclid(1000)],
        |r| r.get(0),
    )?;
    let minutes = seconds.div_euclid(60);
    Ok(minutes.clamp(
        -i64::from(MAX_OFFSET_MINUTES),
        i64::from(MAX_OFFSET_MINUTES),
    ) as i32)
}

impl Store {
    /// How many review items, of every course, are due at `now_ms`.
    pub(crate) fn due_count(&self, now_ms: i64) -> Result<u64, StoreError> {
        self.conn
            .prepare_cached("SELECT count(*) FROM review_items WHERE due_at <= ?1")
            .and_then(|mut stmt| stmt.query_row([now_ms], |r| r.get::<_, i64>(0)))
            .map(|n| n.max(0) as u64)
            .map_err(|e| self.error(e))
    }

    /// Every span of active time, of every course, that started before `now_ms`.
    pub(crate) fn active_spans(&self, now_ms: i64) -> Result<Vec<Span>, StoreError> {
        let run = || -> rusqlite::Result<Vec<Span>> {
            self.conn
                .prepare_cached(
                    "SELECT started_at, ended_at FROM active_spans WHERE started_at < ?1",
                )?
                .query_map(params![now_ms], |r| {
                    Ok(Span {
                        started_at: r.get(0)?,
                        ended_at: r.get(1)?,
                    })
                })?
                .collect()
        };
        run().map_err(|e| self.error(e))
    }

    /// Items due, today's active minutes against `goal_minutes`, and the streak, as of `now_ms` in the learner's
    /// local day (`utc_offset_min`, from [`local_offset_minutes`]): `morsel status` and the library header. Past
    /// days are read in today's offset, so after a daylight-saving change a span within an hour of midnight may
    /// count toward the neighbouring day.
    pub(crate) fn daily_status(
        &self,
        now_ms: i64,
        utc_offset_min: i32,
        goal_minutes: u32,
    ) -> Result<DailyStatus, StoreError> {
        let spans = self.active_spans(now_ms)?;
        Ok(DailyStatus {
            due: self.due_count(now_ms)?,
            day: streak::daily(&spans, now_ms, utc_offset_min, goal_minutes),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::learn::journal::{Journal, Record};

    const DAY_MS: i64 = 86_400_000;
    /// 2026-11-23 00:00 UTC.
    const MIDNIGHT_UTC: i64 = 1_795_392_000_000;

    fn store() -> (tempfile::TempDir, Store) {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("progress.db")).unwrap();
        (dir, store)
    }

    #[test]
    fn daily_status_counts_items_due_across_courses_and_spans_of_every_course() {
        let (_dir, mut store) = store();
        let now = MIDNIGHT_UTC + 12 * 3_600_000;
        let mut records = Vec::new();
        for course in ["a", "b"] {
            records.push(Record::CourseOpened {
                course_id: course.into(),
                title: course.into(),
                pack_path: "/nowhere".into(),
                version: None,
                at: 1,
            });
        }
        // Six minutes in course a and six in b today (12 in all), ten in a yesterday.
        for (course, started_at, minutes) in [
            ("a", now - 3_600_000, 6),
            ("b", now - 600_000, 6),
            ("a", now - DAY_MS, 10),
        ] {
            records.push(Record::Active {
                course_id: course.into(),
                lesson_id: "l".into(),
                started_at,
                ended_at: started_at + minutes * 60_000,
            });
        }
        store.record(&records).unwrap();
        // Due: two at or before now (one in each course), one a second later.
        for (course, item, due_at) in [
            ("a", "q1", now - DAY_MS),
            ("b", "c1", now),
            ("a", "q2", now + 1000),
        ] {
            store
                .conn
                .execute(
                    "INSERT INTO review_items (course_id, item_id, kind, lesson_id, stability, difficulty, due_at,
                         last_review_at, reps, lapses, content_hash)
                     VALUES (?1, ?2, 'card', 'l', 1.0, 5.0, ?3, 0, 1, 0, 'h')",
                    params![course, item, due_at],
                )
                .unwrap();
        }
        let status = store.daily_status(now, 0, 10).unwrap();
        assert_eq!(
            status,
            DailyStatus {
                due: 2,
                day: Daily {
                    today_minutes: 12,
                    goal_minutes: 10,
                    streak: 2
                }
            }
        );
        assert_eq!(store.daily_status(now + 1000, 0, 10).unwrap().due, 3);
    }

    #[test]
    fn an_empty_database_has_nothing_due_and_no_streak() {
        let (_dir, store) = store();
        let status = store.daily_status(MIDNIGHT_UTC, 60, 10).unwrap();
        assert_eq!(
            status,
            DailyStatus {
                due: 0,
                day: Daily {
                    today_minutes: 0,
                    goal_minutes: 10,
                    streak: 0
                }
            }
        );
    }
}
