//! Read-only queries for `stats` and `list`: the courses a learner has played, their time on task, and where their
//! review items stand (content hashes, due days in local time). Local days and times are the learner's time zone
//! (`Zone::learner`), each instant in its own offset.

use rusqlite::params;

use super::{Store, StoreError};
use crate::learn::clock::Zone;

/// The learner's time zone for the local days of these queries; an invalid `MORSEL_UTC_OFFSET` (which the commands
/// that read it refuse at start) falls back to the system's.
fn learner_zone() -> Zone {
    Zone::learner().unwrap_or_else(|_| Zone::system())
}

/// A course as the store knows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct CourseRow {
    pub(crate) id: String,
    pub(crate) title: String,
    pub(crate) pack_path: String,
    pub(crate) first_played_at: i64,
    pub(crate) last_played_at: i64,
    /// `last_played_at` as local time, `YYYY-MM-DD HH:MM`.
    pub(crate) last_played_local: String,
    pub(crate) finished: bool,
}

/// Active time in seconds: in all, since local midnight, and in the last 7 days (168 hours).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct ActiveTime {
    pub(crate) total: i64,
    pub(crate) today: i64,
    pub(crate) last_7_days: i64,
}

/// A review item as `stats` needs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct DueItem {
    pub(crate) item_id: String,
    /// Its content hash at its last review.
    pub(crate) content_hash: String,
    /// Local days from today to the day it is due: 0 today, 1 tomorrow, negative when overdue.
    pub(crate) due_day: i64,
}

impl Store {
    /// A course's review items, with the local day each is due on counted from `now`'s local day.
    pub(crate) fn due_items(&self, course_id: &str, now: i64) -> Result<Vec<DueItem>, StoreError> {
        let zone = learner_zone();
        let today = zone.day(now);
        let run = || -> rusqlite::Result<Vec<DueItem>> {
            let mut stmt = self.conn.prepare_cached(
                "SELECT item_id, content_hash, due_at
                 FROM review_items WHERE course_id = ?1 ORDER BY item_id",
            )?;
            stmt.query_map(params![course_id], |r| {
                Ok(DueItem {
                    item_id: r.get(0)?,
                    content_hash: r.get(1)?,
                    due_day: zone.day(r.get(2)?) - today,
                })
            })?
            .collect()
        };
        run().map_err(|e| self.error(e))
    }

    /// The local dates (`YYYY-MM-DD`) of `days` days from `now`'s, today first.
    pub(crate) fn local_dates(&self, now: i64, days: usize) -> Result<Vec<String>, StoreError> {
        let today = learner_zone().day(now);
        Ok((today..).take(days).map(Zone::date_of_day).collect())
    }

    /// Every course played, most recently played first.
    pub(crate) fn courses(&self) -> Result<Vec<CourseRow>, StoreError> {
        self.course_rows(None)
    }

    /// One course, if it was ever played.
    pub(crate) fn course(&self, id: &str) -> Result<Option<CourseRow>, StoreError> {
        Ok(self.course_rows(Some(id))?.pop())
    }

    /// Every course, or the one with this id.
    fn course_rows(&self, id: Option<&str>) -> Result<Vec<CourseRow>, StoreError> {
        let zone = learner_zone();
        let run = || -> rusqlite::Result<Vec<CourseRow>> {
            let mut stmt = self.conn.prepare_cached(
                "SELECT id, title, pack_path, first_played_at, last_played_at, finished_at IS NOT NULL
                 FROM courses WHERE ?1 IS NULL OR id = ?1 ORDER BY last_played_at DESC, id",
            )?;
            stmt.query_map([id], |r| {
                let last_played_at = r.get(4)?;
                Ok(CourseRow {
                    id: r.get(0)?,
                    title: r.get(1)?,
                    pack_path: r.get(2)?,
                    first_played_at: r.get(3)?,
                    last_played_at,
                    finished: r.get(5)?,
                    last_played_local: zone.date_time(last_played_at),
                })
            })?
            .collect()
        };
        run().map_err(|e| self.error(e))
    }

    /// Time on task in a course, as of `now` (UTC ms). "Today" starts at local midnight: spans that started
    /// between today's midnight and tomorrow's, in the learner's time zone.
    pub(crate) fn active_time(&self, course_id: &str, now: i64) -> Result<ActiveTime, StoreError> {
        let zone = learner_zone();
        let today = zone.day(now);
        let (midnight, next) = (zone.day_start(today), zone.day_start(today + 1));
        let run = || -> rusqlite::Result<ActiveTime> {
            self.conn
                .prepare_cached(
                    "SELECT coalesce(sum(ended_at - started_at), 0),
                            coalesce(sum(CASE WHEN started_at >= ?3 AND started_at < ?4
                                         THEN ended_at - started_at END), 0),
                            coalesce(sum(CASE WHEN started_at >= ?2 - 7 * 86400000
                                         THEN ended_at - started_at END), 0)
                     FROM active_spans WHERE course_id = ?1",
                )?
                .query_row(params![course_id, now, midnight, next], |r| {
                    Ok(ActiveTime {
                        total: r.get::<_, i64>(0)? / 1000,
                        today: r.get::<_, i64>(1)? / 1000,
                        last_7_days: r.get::<_, i64>(2)? / 1000,
                    })
                })
        };
        run().map_err(|e| self.error(e))
    }
}
