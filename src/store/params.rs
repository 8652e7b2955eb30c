//! The review log as `export` and the optimizer read it, and the personal FSRS parameters `review --optimize`
//! fits from it (table `fsrs_parameters`: one row, or none for FSRS-6's defaults).

use rusqlite::{OptionalExtension, params};

use super::{FileState, Store, StoreError};
use crate::learn::schedule::{ItemKind, ReviewKind};

/// One row of `review_log`, every column.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct LogRow {
    pub(crate) id: i64,
    pub(crate) course_id: String,
    pub(crate) item_id: String,
    pub(crate) kind: ItemKind,
    pub(crate) lesson_id: String,
    /// 1 Again, 2 Hard, 3 Good, 4 Easy.
    pub(crate) rating: u8,
    /// UTC milliseconds.
    pub(crate) reviewed_at: i64,
    pub(crate) utc_offset_min: i64,
    pub(crate) duration_ms: i64,
    pub(crate) review_kind: ReviewKind,
    pub(crate) content_hash: String,
    /// FSRS state before the review: 0 new, 1 learning, 2 review, 3 relearning.
    pub(crate) state_before: u8,
}

/// Personal FSRS-6 parameters, as fitted.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct FittedParameters {
    pub(crate) parameters: Vec<f32>,
    /// How many graded reviews they were fitted on.
    pub(crate) reviews: u64,
    /// When, in UTC milliseconds.
    pub(crate) fitted_at: i64,
    /// `fitted_at` as a local date, `YYYY-MM-DD`.
    pub(crate) fitted_on: String,
}

impl Store {
    /// The review log (of every course, or of one), oldest first; practice rows included.
    pub(crate) fn review_log(&self, course: Option<&str>) -> Result<Vec<LogRow>, StoreError> {
        let run = || -> rusqlite::Result<Vec<LogRow>> {
            let mut stmt = self.conn.prepare_cached(
                "SELECT id, course_id, item_id, kind, lesson_id, rating, reviewed_at, utc_offset_min, duration_ms,
                        review_kind, content_hash, state_before
                 FROM review_log WHERE ?1 IS NULL OR course_id = ?1 ORDER BY reviewed_at, id",
            )?;
            stmt.query_map([course], |r| {
                let kind: String = r.get(3)?;
                let review_kind: String = r.get(9)?;
                Ok(LogRow {
                    id: r.get(0)?,
                    course_id: r.get(1)?,
                    item_id: r.get(2)?,
                    kind: ItemKind::parse(&kind).ok_or_else(|| unknown(3, &kind))?,
                    lesson_id: r.get(4)?,
                    rating: r.get(5)?,
                    reviewed_at: r.get(6)?,
                    utc_offset_min: r.get(7)?,
                    duration_ms: r.get(8)?,
                    review_kind: ReviewKind::parse(&review_kind)
                        .ok_or_else(|| unknown(9, &review_kind))?,
                    content_hash: r.get(10)?,
                    state_before: r.get(11)?,
                })
            })?
            .collect()
        };
        run().map_err(|e| self.error(e))
    }

    /// The personal parameters in use, or `None` for FSRS-6's defaults.
    pub(crate) fn parameters(&self) -> Result<Option<FittedParameters>, StoreError> {
        let row = self
            .conn
            .prepare_cached(
                "SELECT parameters, reviews, fitted_at FROM fsrs_parameters WHERE id = 1",
            )
            .and_then(|mut stmt| {
                stmt.query_row([], |r| {
                    Ok((
                        r.get::<_, String>(0)?,
                        r.get::<_, i64>(1)?,
                        r.get::<_, i64>(2)?,
                    ))
                })
                .optional()
            })
            .map_err(|e| self.error(e))?;
        let Some((json, reviews, fitted_at)) = row else {
            return Ok(None);
        };
        // The learner's local date (an invalid MORSEL_UTC_OFFSET, refused by the commands that read it, aside).
        let zone = crate::learn::clock::Zone::learner()
            .unwrap_or_else(|_| crate::learn::clock::Zone::system());
        let fitted_on = zone.date(fitted_at);
        let parameters: Vec<f32> = serde_json::from_str(&json)
            .ok()
            .filter(|p: &Vec<f32>| !p.is_empty() && p.iter().all(|w| w.is_finite()))
            .ok_or_else(|| StoreError::Damaged {
                path: self.path.clone(),
                detail: "its FSRS parameters are not a list of numbers".to_string(),
                state: FileState::InUse,
            })?;
        Ok(Some(FittedParameters {
            parameters,
            reviews: reviews.max(0) as u64,
            fitted_at,
            fitted_on,
        }))
    }

    /// Keeps `parameters` as the learner's own, fitted at `at` on `reviews` graded reviews; they replace any before.
    pub fn save_parameters(
        &mut self,
        parameters: &[f32],
        reviews: u64,
        at: i64,
    ) -> Result<(), StoreError> {
        let json = serde_json::to_string(parameters).unwrap_or_else(|_| "[]".to_string());
        self.conn
            .prepare_cached(
                "INSERT INTO fsrs_parameters (id, parameters, reviews, fitted_at) VALUES (1, ?1, ?2, ?3)
                 ON CONFLICT (id) DO UPDATE SET parameters = excluded.parameters, reviews = excluded.reviews,
                     fitted_at = excluded.fitted_at",
            )
            .and_then(|mut stmt| stmt.execute(params![json, reviews as i64, at]))
            .map(drop)
            .map_err(|e| self.error(e))
    }
}

/// A column holding a value the schema's CHECK does not allow.
fn unknown(column: usize, value: &str) -> rusqlite::Error {
    rusqlite::Error::FromSqlConversionFailure(
        column,
        rusqlite::types::Type::Text,
        format!("unknown value {value:?}").into(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::commands::history::{self, Review};

    #[test]
    fn parameters_are_none_until_saved_then_the_last_saved() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open(&dir.path().join("p.db")).unwrap();
        assert_eq!(store.parameters().unwrap(), None);
        store.save_parameters(&[0.5, 1.25], 10, 1_000).unwrap();
        store
            .save_parameters(&fsrs::DEFAULT_PARAMETERS, 64, 86_400_000)
            .unwrap();
        let saved = store.parameters().unwrap().unwrap();
        assert_eq!(saved.parameters, fsrs::DEFAULT_PARAMETERS.to_vec());
        assert_eq!((saved.reviews, saved.fitted_at), (64, 86_400_000));
        assert_eq!(saved.fitted_on.len(), "1970-01-02".len());
        let rows: i64 = store
            .conn
            .query_row("SELECT count(*) FROM fsrs_parameters", [], |r| r.get(0))
            .unwrap();
        assert_eq!(rows, 1);
    }

    #[test]
    fn unreadable_parameters_are_said_to_be_damaged() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("p.db")).unwrap();
        store
            .conn
            .execute(
                "INSERT INTO fsrs_parameters (id, parameters, reviews, fitted_at) VALUES (1, 'oops', 1, 1)",
                [],
            )
            .unwrap();
        let e = store.parameters().unwrap_err().to_string();
        assert!(
            e.contains("damaged (its FSRS parameters are not a list of numbers)"),
            "{e}"
        );
    }

    #[test]
    fn the_log_reads_oldest_first_every_column_one_course_or_all() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("p.db");
        let store = Store::open(&path).unwrap();
        let conn = history::connect(&path);
        history::add_course(&conn, "a", 1);
        history::add_course(&conn, "b", 1);
        history::add_review(&conn, &Review::new("b", "q1", 3, 2_000));
        history::add_review(
            &conn,
            &Review {
                kind: "card",
                review_kind: "practice",
                state_before: 3,
                duration_ms: 4_500,
                offset_min: -300,
                ..Review::new("a", "c1", 1, 1_000)
            },
        );
        let all = store.review_log(None).unwrap();
        assert_eq!(all.len(), 2);
        assert_eq!(
            all[0],
            LogRow {
                id: 2,
                course_id: "a".into(),
                item_id: "c1".into(),
                kind: ItemKind::Card,
                lesson_id: "l1".into(),
                rating: 1,
                reviewed_at: 1_000,
                utc_offset_min: -300,
                duration_ms: 4_500,
                review_kind: ReviewKind::Practice,
                content_hash: "0000000000000000".into(),
                state_before: 3,
            }
        );
        let b = store.review_log(Some("b")).unwrap();
        assert_eq!(b.len(), 1);
        assert_eq!((b[0].item_id.as_str(), b[0].rating), ("q1", 3));
    }
}
