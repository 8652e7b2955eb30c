//! The schedule as review reads it: items with their FSRS state, due by a time or all of them, and when the next
//! one falls due.

use rusqlite::params;

use super::{Store, StoreError, item_state};
use crate::learn::schedule::{ItemKind, Scheduler};
use crate::learn::sitting::Scheduled;

impl Store {
    /// FSRS with the learner's fitted parameters (FSRS-6's defaults until `review --optimize` has fitted some) and
    /// this desired retention.
    pub(crate) fn scheduler(&self, retention: f32) -> Result<Scheduler, StoreError> {
        let fitted = self.parameters()?;
        Ok(fitted
            .and_then(|f| Scheduler::new(Some(&f.parameters), retention).ok())
            .unwrap_or_else(|| {
                Scheduler::new(None, retention).unwrap_or_else(|_| Scheduler::default())
            }))
    }

    /// The scheduled items of one course or all, due by `due_by` (every item when `None`, for studying ahead).
    pub fn scheduled(
        &self,
        course: Option<&str>,
        due_by: Option<i64>,
    ) -> Result<Vec<Scheduled>, StoreError> {
        let read = || -> rusqlite::Result<Vec<Scheduled>> {
            let mut stmt = self.conn.prepare_cached(
                "SELECT course_id, item_id, kind, stability, difficulty, due_at, last_review_at, reps, lapses,
                        last_rating
                 FROM review_items
                 WHERE (?1 IS NULL OR course_id = ?1) AND (?2 IS NULL OR due_at <= ?2)",
            )?;
            stmt.query_map(params![course, due_by], |r| {
                Ok(Scheduled {
                    course_id: r.get(0)?,
                    item_id: r.get(1)?,
                    kind: ItemKind::parse(&r.get::<_, String>(2)?).unwrap_or(ItemKind::Question),
                    state: item_state(r, 3)?,
                })
            })?
            .collect()
        };
        read().map_err(|e| self.error(e))
    }

    /// When the next item of one course or all falls due after `now`, if any is scheduled.
    pub(crate) fn next_due_after(
        &self,
        course: Option<&str>,
        now: i64,
    ) -> Result<Option<i64>, StoreError> {
        self.conn
            .prepare_cached(
                "SELECT min(due_at) FROM review_items WHERE (?1 IS NULL OR course_id = ?1) AND due_at > ?2",
            )
            .and_then(|mut s| s.query_row(params![course, now], |r| r.get(0)))
            .map_err(|e| self.error(e))
    }

    /// Items due by `now`, per course id.
    pub(crate) fn due_per_course(&self, now: i64) -> Result<Vec<(String, usize)>, StoreError> {
        let read = || -> rusqlite::Result<Vec<(String, usize)>> {
            let mut stmt = self.conn.prepare_cached(
                "SELECT course_id, count(*) FROM review_items WHERE due_at <= ?1 GROUP BY course_id",
            )?;
            stmt.query_map([now], |r| Ok((r.get(0)?, r.get::<_, i64>(1)? as usize)))?
                .collect()
        };
        read().map_err(|e| self.error(e))
    }
}
