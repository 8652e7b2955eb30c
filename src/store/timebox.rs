//! Time boxes started (`timeboxes`): the minutes planned, per course the box plans work from, so that a sitting's
//! `terminated` statement can state the planned minutes beside the used ones.

use rusqlite::params;

use super::{Store, StoreError};

/// A time box started on a course: when, and the minutes planned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct BoxStarted {
    pub(crate) at: i64,
    pub(crate) minutes: u32,
}

impl Store {
    /// Records a time box of `minutes` started at `at` on each of `courses`, in one transaction. A second start
    /// of the same moment on a course keeps the first.
    pub(crate) fn record_timebox(
        &mut self,
        courses: &[&str],
        at: i64,
        minutes: u32,
        reviews_only: bool,
    ) -> Result<(), StoreError> {
        let write = |conn: &mut rusqlite::Connection| -> rusqlite::Result<()> {
            let tx = conn.transaction()?;
            for course in courses {
                tx.execute(
                    "INSERT OR IGNORE INTO timeboxes (course_id, started_at, planned_minutes, reviews_only)
                     VALUES (?1, ?2, ?3, ?4)",
                    params![course, at, minutes, reviews_only],
                )?;
            }
            tx.commit()
        };
        write(&mut self.conn).map_err(|e| self.error(e))
    }

    /// The time boxes started on a course, oldest first.
    pub(crate) fn timeboxes(&self, course_id: &str) -> Result<Vec<BoxStarted>, StoreError> {
        let read = || -> rusqlite::Result<Vec<BoxStarted>> {
            let mut stmt = self.conn.prepare(
                "SELECT started_at, planned_minutes FROM timeboxes WHERE course_id = ?1 ORDER BY started_at",
            )?;
            stmt.query_map([course_id], |r| {
                Ok(BoxStarted {
                    at: r.get(0)?,
                    minutes: r.get(1)?,
                })
            })?
            .collect()
        };
        read().map_err(|e| self.error(e))
    }
}

#[cfg(test)]
mod tests {
    use crate::store::Store;

    #[test]
    fn a_time_box_started_is_kept_per_course() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open(&dir.path().join("db.sqlite")).unwrap();
        store.record_timebox(&["a", "b"], 1_000, 10, false).unwrap();
        store.record_timebox(&["a"], 1_000, 12, false).unwrap();
        store.record_timebox(&["a"], 5_000, 5, true).unwrap();
        let a = store.timeboxes("a").unwrap();
        assert_eq!(
            a.iter().map(|b| (b.at, b.minutes)).collect::<Vec<_>>(),
            [(1_000, 10), (5_000, 5)]
        );
        assert_eq!(store.timeboxes("b").unwrap().len(), 1);
        assert!(store.timeboxes("c").unwrap().is_empty());
    }
}
