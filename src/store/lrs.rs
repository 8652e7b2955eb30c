//! The sync's own bookkeeping per LRS endpoint, beside `xapi_sent` (in `xapi`): statements set aside as rejected
//! with the LRS's message (`xapi_rejected`), when a sync last ran and last left nothing waiting (`xapi_syncs`),
//! moving rows of an endpoint's older spelling to its normalised one, and the records waiting for a sync.

use std::collections::HashSet;

use rusqlite::{OptionalExtension, params};

use super::{Store, StoreError};

/// A statement the LRS refused for itself (not for the batch it came in): it is not sent again.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Rejected {
    pub(crate) id: String,
    pub(crate) status: u16,
    pub(crate) message: String,
    pub(crate) at: i64,
}

/// When a sync with one endpoint last ran, and last left nothing waiting.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) struct LastSync {
    pub(crate) last_at: Option<i64>,
    pub(crate) complete_at: Option<i64>,
}

/// The tables keyed by an LRS endpoint.
const TABLES: [&str; 3] = ["xapi_sent", "xapi_rejected", "xapi_syncs"];

impl Store {
    /// Every endpoint spelling any sync table holds.
    pub(crate) fn lrs_keys(&self) -> Result<Vec<String>, StoreError> {
        let read = || -> rusqlite::Result<Vec<String>> {
            let mut keys = Vec::new();
            for table in TABLES {
                let mut stmt = self
                    .conn
                    .prepare(&format!("SELECT DISTINCT lrs FROM {table}"))?;
                for key in stmt.query_map([], |r| r.get::<_, String>(0))? {
                    let key = key?;
                    if !keys.contains(&key) {
                        keys.push(key);
                    }
                }
            }
            Ok(keys)
        };
        read().map_err(|e| self.error(e))
    }

    /// Moves every row of the endpoint spelled `old` to `new` (a row `new` already has wins), in one transaction:
    /// what was sent keys on the normalised endpoint, and no password in an old spelling stays stored.
    pub(crate) fn rekey_lrs(&mut self, old: &str, new: &str) -> Result<(), StoreError> {
        let mut write = || -> rusqlite::Result<()> {
            let tx = self.conn.transaction()?;
            for table in TABLES {
                tx.execute(
                    &format!("UPDATE OR IGNORE {table} SET lrs = ?2 WHERE lrs = ?1"),
                    params![old, new],
                )?;
                tx.execute(&format!("DELETE FROM {table} WHERE lrs = ?1"), [old])?;
            }
            tx.commit()
        };
        write().map_err(|e| self.error(e))
    }

    /// Sets a statement aside as rejected by `lrs`, with the LRS's status and message; committed before it returns.
    pub(crate) fn reject_xapi(&mut self, lrs: &str, rejected: &Rejected) -> Result<(), StoreError> {
        self.conn
            .execute(
                "INSERT OR REPLACE INTO xapi_rejected (lrs, statement_id, status, message, rejected_at)
                 VALUES (?1, ?2, ?3, ?4, ?5)",
                params![
                    lrs,
                    rejected.id,
                    rejected.status,
                    rejected.message,
                    rejected.at
                ],
            )
            .map(|_| ())
            .map_err(|e| self.error(e))
    }

    /// The statements `lrs` rejected, oldest first.
    pub(crate) fn xapi_rejected(&self, lrs: &str) -> Result<Vec<Rejected>, StoreError> {
        let read = || -> rusqlite::Result<Vec<Rejected>> {
            let mut stmt = self.conn.prepare(
                "SELECT statement_id, status, message, rejected_at FROM xapi_rejected WHERE lrs = ?1
                 ORDER BY rejected_at, statement_id",
            )?;
            stmt.query_map([lrs], |r| {
                Ok(Rejected {
                    id: r.get(0)?,
                    status: r.get(1)?,
                    message: r.get(2)?,
                    at: r.get(3)?,
                })
            })?
            .collect()
        };
        read().map_err(|e| self.error(e))
    }

    /// The ids of the statements `lrs` rejected.
    pub(crate) fn xapi_rejected_ids(&self, lrs: &str) -> Result<HashSet<String>, StoreError> {
        Ok(self.xapi_rejected(lrs)?.into_iter().map(|r| r.id).collect())
    }

    /// Remembers that a sync with `lrs` ran at `at`, and whether it left nothing waiting.
    pub(crate) fn xapi_synced(
        &mut self,
        lrs: &str,
        at: i64,
        complete: bool,
    ) -> Result<(), StoreError> {
        self.conn
            .execute(
                "INSERT INTO xapi_syncs (lrs, last_at, complete_at) VALUES (?1, ?2, CASE WHEN ?3 THEN ?2 END)
                 ON CONFLICT (lrs) DO UPDATE SET last_at = ?2,
                     complete_at = CASE WHEN ?3 THEN ?2 ELSE complete_at END",
                params![lrs, at, complete],
            )
            .map(|_| ())
            .map_err(|e| self.error(e))
    }

    /// When a sync with `lrs` last ran and last left nothing waiting.
    pub(crate) fn xapi_last_sync(&self, lrs: &str) -> Result<LastSync, StoreError> {
        self.conn
            .query_row(
                "SELECT last_at, complete_at FROM xapi_syncs WHERE lrs = ?1",
                [lrs],
                |r| {
                    Ok(LastSync {
                        last_at: r.get(0)?,
                        complete_at: r.get(1)?,
                    })
                },
            )
            .optional()
            .map(Option::unwrap_or_default)
            .map_err(|e| self.error(e))
    }

    /// How many records (bites seen, answers, reviews, notes, ratings) were made after `after` and before
    /// `before`: those a sync that left nothing waiting at `after` has not sent, and that have waited since
    /// `before`. A count of records, each of which is one statement or more; cheap enough for `morsel status`.
    pub(crate) fn records_between(&self, after: i64, before: i64) -> Result<u64, StoreError> {
        self.conn
            .query_row(
                "SELECT (SELECT count(*) FROM bites_seen WHERE first_seen_at > ?1 AND first_seen_at < ?2)
                      + (SELECT count(*) FROM answers WHERE answered_at > ?1 AND answered_at < ?2 AND skipped = 0)
                      + (SELECT count(*) FROM review_log WHERE reviewed_at > ?1 AND reviewed_at < ?2)
                      + (SELECT count(*) FROM notes WHERE updated_at > ?1 AND updated_at < ?2)
                      + (SELECT count(*) FROM feedback WHERE rated_at > ?1 AND rated_at < ?2)",
                params![after, before],
                |r| r.get::<_, i64>(0),
            )
            .map(|n| n.max(0) as u64)
            .map_err(|e| self.error(e))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_rejection_and_a_sync_are_kept_and_an_old_spelling_moves_to_the_new() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open(&dir.path().join("p.db")).unwrap();
        let old = "HTTP://u:secret@Host:80/xAPI/";
        store.mark_xapi_sent(old, &["a", "b"], 1).unwrap();
        store.mark_xapi_sent("http://host/xAPI", &["b"], 2).unwrap();
        let rejected = Rejected {
            id: "c".into(),
            status: 409,
            message: "clash".into(),
            at: 3,
        };
        store.reject_xapi(old, &rejected).unwrap();
        store.xapi_synced(old, 4, false).unwrap();
        store.rekey_lrs(old, "http://host/xAPI").unwrap();
        assert_eq!(store.lrs_keys().unwrap(), ["http://host/xAPI"]);
        let sent = store.xapi_sent("http://host/xAPI").unwrap();
        assert_eq!(sent.len(), 2);
        assert_eq!(store.xapi_rejected("http://host/xAPI").unwrap(), [rejected]);
        assert_eq!(
            store.xapi_last_sync("http://host/xAPI").unwrap(),
            LastSync {
                last_at: Some(4),
                complete_at: None
            }
        );
        store.xapi_synced("http://host/xAPI", 5, true).unwrap();
        store.xapi_synced("http://host/xAPI", 6, false).unwrap();
        assert_eq!(
            store.xapi_last_sync("http://host/xAPI").unwrap(),
            LastSync {
                last_at: Some(6),
                complete_at: Some(5)
            }
        );
    }
}
