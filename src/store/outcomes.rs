//! Read-only queries for key results: active minutes per lesson of a course, and its graded reviews per item, gathered
//! into `outcomes::History` (`Store::outcome_history`).

use std::collections::HashMap;

use rusqlite::params;

use super::{Store, StoreError};
use crate::learn::journal::Rating;
use crate::learn::outcomes::{self, GradedReview, History};
use crate::learn::schedule::Scheduler;

impl Store {
    /// Active minutes per lesson of `course`, from the spans that started before `now_ms` (a span still open is
    /// counted up to its last extension).
    pub(crate) fn active_minutes_by_lesson(
        &self,
        course: &str,
        now_ms: i64,
    ) -> Result<HashMap<String, f64>, StoreError> {
        let run = || -> rusqlite::Result<HashMap<String, f64>> {
            self.conn
                .prepare_cached(
                    "SELECT lesson_id, sum(ended_at - started_at) FROM active_spans
                     WHERE course_id = ?1 AND started_at < ?2 GROUP BY lesson_id",
                )?
                .query_map(params![course, now_ms], |r| {
                    Ok((
                        r.get::<_, String>(0)?,
                        r.get::<_, i64>(1)? as f64 / 60_000.0,
                    ))
                })?
                .collect()
        };
        run().map_err(|e| self.error(e))
    }

    /// The graded reviews of `course` (practice left out), oldest first.
    pub(crate) fn graded_reviews(&self, course: &str) -> Result<Vec<GradedReview>, StoreError> {
        let run = || -> rusqlite::Result<Vec<GradedReview>> {
            self.conn
                .prepare_cached(
                    "SELECT item_id, rating, reviewed_at FROM review_log
                     WHERE course_id = ?1 AND review_kind <> 'practice' ORDER BY reviewed_at, id",
                )?
                .query_map([course], |r| {
                    Ok((
                        r.get::<_, String>(0)?,
                        r.get::<_, u8>(1)?,
                        r.get::<_, i64>(2)?,
                    ))
                })?
                .filter_map(|row| match row {
                    Ok((item_id, rating, reviewed_at)) => {
                        Rating::from_number(rating).map(|rating| {
                            Ok(GradedReview {
                                item_id,
                                rating,
                                reviewed_at,
                            })
                        })
                    }
                    Err(e) => Some(Err(e)),
                })
                .collect()
        };
        run().map_err(|e| self.error(e))
    }

    /// What the key results of `course` need from the store, as of `now_ms`; due times replayed with `scheduler`.
    pub(crate) fn outcome_history(
        &self,
        course: &str,
        now_ms: i64,
        scheduler: &Scheduler,
    ) -> Result<History, StoreError> {
        Ok(History {
            now: now_ms,
            minutes_by_lesson: self.active_minutes_by_lesson(course, now_ms)?,
            due_reviews: outcomes::due_reviews(&self.graded_reviews(course)?, scheduler),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::learn::journal::{Journal, Record, ReviewRecord};
    use crate::learn::outcomes::DueReview;
    use crate::learn::schedule::{ItemKind, ItemState, ReviewKind};

    fn reviewed(kind: ReviewKind, rating: Rating, at: i64, state: Option<ItemState>) -> Record {
        Record::Reviewed(ReviewRecord {
            course_id: "c".into(),
            lesson_id: "a".into(),
            item_id: "q1".into(),
            kind: ItemKind::Question,
            rating,
            response: String::new(),
            review_kind: kind,
            at,
            utc_offset_min: 0,
            duration_ms: 1500,
            content_hash: "h".into(),
            state_before: 0,
            state,
        })
    }

    #[test]
    fn history_gathers_minutes_by_lesson_and_due_times_of_graded_reviews() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open(&dir.path().join("p.db")).unwrap();
        let s = Scheduler::default();
        let now = 1_700_000_000_000;
        let span = |course: &str, lesson: &str, start: i64, end: i64| Record::Active {
            course_id: course.into(),
            lesson_id: lesson.into(),
            started_at: start,
            ended_at: end,
        };
        let first = s.next(None, Rating::Good, now - 30 * 86_400_000);
        let second = s.next(Some(&first), Rating::Good, first.due_at + 1_000);
        let opened = |course: &str| Record::CourseOpened {
            course_id: course.into(),
            title: "T".into(),
            pack_path: "/p".into(),
            version: None,
            at: 0,
        };
        store.record(&[opened("c"), opened("other")]).unwrap();
        for record in [
            span("c", "a", now - 600_000, now - 480_000),
            span("c", "a", now - 600_000, now - 420_000), // the same span, extended: 3 minutes
            span("c", "b", now - 60_000, now - 30_000),
            span("other", "a", now - 300_000, now),
            reviewed(
                ReviewKind::Learn,
                Rating::Good,
                now - 30 * 86_400_000,
                Some(first),
            ),
            reviewed(
                ReviewKind::Practice,
                Rating::Again,
                now - 30 * 86_400_000 + 5,
                None,
            ),
            reviewed(
                ReviewKind::Scheduled,
                Rating::Good,
                first.due_at + 1_000,
                Some(second),
            ),
        ] {
            store.record(&[record]).unwrap();
        }
        let history = store.outcome_history("c", now, &s).unwrap();
        assert_eq!(history.now, now);
        let mut minutes: Vec<_> = history.minutes_by_lesson.into_iter().collect();
        minutes.sort_by(|a, b| a.0.cmp(&b.0));
        assert_eq!(minutes, [("a".to_string(), 3.0), ("b".to_string(), 0.5)]);
        assert_eq!(
            history.due_reviews,
            [
                DueReview {
                    item_id: "q1".into(),
                    due_at: first.due_at,
                    done_at: Some(first.due_at + 1_000),
                },
                DueReview {
                    item_id: "q1".into(),
                    due_at: second.due_at,
                    done_at: None,
                },
            ]
        );
    }
}
