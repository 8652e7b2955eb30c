//! Read-only queries for `morsel status` and the library header: items due, the spans of active time, and the
//! day's standing they make (`Store::daily_status`), in the learner's time zone (`learn::clock::Zone`).

use rusqlite::params;

use super::{Store, StoreError};
use crate::learn::clock::{OffsetError, Zone};
use crate::learn::streak::{self, Daily, Span};

/// Where the learner stands today: items due, today's active minutes against the goal, and the streak.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct DailyStatus {
    /// Review items of every course due now (`due_at` at or before now).
    pub(crate) due: u64,
    pub(crate) day: Daily,
}

/// The learner's offset from UTC at `now_ms`, in minutes east of UTC: `MORSEL_UTC_OFFSET` when set, else the
/// system's time zone (`TZ`, or `/etc/localtime`) at that instant. For the claim's "since 14:02".
pub(crate) fn local_offset_minutes(now_ms: i64) -> Result<i32, OffsetError> {
    Ok(Zone::learner()?.offset_minutes(now_ms))
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
    /// time zone: `morsel status` and the library header. Each span is read in its own instant's offset, so a
    /// daylight-saving change moves no day's minutes to its neighbour.
    pub(crate) fn daily_status(
        &self,
        now_ms: i64,
        zone: &Zone,
        goal_minutes: u32,
    ) -> Result<DailyStatus, StoreError> {
        let spans = self.active_spans(now_ms)?;
        Ok(DailyStatus {
            due: self.due_count(now_ms)?,
            day: streak::daily(&spans, now_ms, zone, goal_minutes),
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
        let status = store.daily_status(now, &Zone::utc(), 10).unwrap();
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
        assert_eq!(
            store
                .daily_status(now + 1000, &Zone::utc(), 10)
                .unwrap()
                .due,
            3
        );
    }

    #[test]
    fn an_empty_database_has_nothing_due_and_no_streak() {
        let (_dir, store) = store();
        let status = store
            .daily_status(MIDNIGHT_UTC, &Zone::fixed(60), 10)
            .unwrap();
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
