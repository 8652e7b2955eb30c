//! The SQLite store: one file per learner holding progress, every answer, card ratings and time on task. Each
//! `record` call is one short transaction, committed (and synced) before it returns. The schema comes from ordered
//! migrations embedded in the binary, tracked with `PRAGMA user_version`.

mod stats;

use std::path::{Path, PathBuf};
use std::time::Duration;

use rusqlite::{Connection, ErrorCode, OpenFlags, TransactionBehavior, params};

use crate::journal::{Journal, Record};
use crate::progress::{Progress, QuestionProgress, SavedPosition};

pub use stats::{ActiveTime, CourseRow};

/// The migrations, in order: migration `n` (1-based) takes the schema from version `n - 1` to `n`.
const MIGRATIONS: &[&str] = &[include_str!("migrations/0001_initial.sql")];

/// The schema version this morsel writes.
pub const SCHEMA_VERSION: i64 = MIGRATIONS.len() as i64;

/// How long to wait for another morsel that holds the write lock.
const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("{}: not a morsel progress database (it is not SQLite, or it is damaged); it was left untouched. Move it aside, or choose another file with --db", path.display())]
    NotADatabase { path: PathBuf },
    #[error("{}: written by a newer morsel (schema {found}; this morsel knows up to {SCHEMA_VERSION}); it was left untouched. Update morsel to use it", path.display())]
    TooNew { path: PathBuf, found: i64 },
    #[error("{}: cannot create its folder: {source}", path.display())]
    CreateDir {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{}: {source}", path.display())]
    Sqlite {
        path: PathBuf,
        source: rusqlite::Error,
    },
}

pub struct Store {
    conn: Connection,
    path: PathBuf,
}

impl Store {
    /// Opens (or creates) the database at `path` and brings its schema up to date. A file that is not a morsel
    /// database, or is from a newer morsel, is refused before anything is written to it.
    pub fn open(path: &Path) -> Result<Self, StoreError> {
        if let Some(parent) = path
            .parent()
            .filter(|p| !p.as_os_str().is_empty() && !p.exists())
        {
            std::fs::create_dir_all(parent).map_err(|source| StoreError::CreateDir {
                path: path.to_path_buf(),
                source,
            })?;
        }
        let flags = OpenFlags::SQLITE_OPEN_READ_WRITE
            | OpenFlags::SQLITE_OPEN_CREATE
            | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let conn = Connection::open_with_flags(path, flags).map_err(|e| classify(path, e))?;
        let store = Self {
            conn,
            path: path.to_path_buf(),
        };
        store
            .conn
            .busy_timeout(BUSY_TIMEOUT)
            .map_err(|e| store.error(e))?;
        // Read before writing anything: this is where a file that is not SQLite is found out.
        let version = store.user_version()?;
        // The schema page too: a file whose header survived but whose first page did not is damaged.
        let tables: i64 = store
            .conn
            .query_row("SELECT count(*) FROM sqlite_master", [], |r| r.get(0))
            .map_err(|e| store.error(e))?;
        // Another program's SQLite database (tables, but no morsel schema version) is not ours to change.
        if version == 0 && tables > 0 {
            return Err(StoreError::NotADatabase {
                path: store.path.clone(),
            });
        }
        if version > SCHEMA_VERSION {
            return Err(StoreError::TooNew {
                path: store.path.clone(),
                found: version,
            });
        }
        // WAL lets a second terminal read while one writes; synchronous=FULL syncs every commit, so that a
        // power cut loses nothing that was committed.
        store
            .conn
            .execute_batch(
                "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON;",
            )
            .map_err(|e| store.error(e))?;
        store.migrate()?;
        Ok(store)
    }

    /// Opens the database if the file exists; `None` if it does not, so that read-only commands create nothing.
    pub fn open_existing(path: &Path) -> Result<Option<Self>, StoreError> {
        if path.exists() {
            Self::open(path).map(Some)
        } else {
            Ok(None)
        }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    fn error(&self, e: rusqlite::Error) -> StoreError {
        classify(&self.path, e)
    }

    fn user_version(&self) -> Result<i64, StoreError> {
        self.conn
            .query_row("PRAGMA user_version", [], |row| row.get(0))
            .map_err(|e| self.error(e))
    }

    /// Applies the migrations the file lacks, each in the same transaction as its version bump. The version is read
    /// again inside the transaction, so two morsels starting at once migrate once.
    fn migrate(&self) -> Result<(), StoreError> {
        let run = || -> rusqlite::Result<()> {
            let tx =
                rusqlite::Transaction::new_unchecked(&self.conn, TransactionBehavior::Immediate)?;
            let current: i64 = tx.query_row("PRAGMA user_version", [], |row| row.get(0))?;
            for (index, sql) in MIGRATIONS.iter().enumerate().skip(current.max(0) as usize) {
                tx.execute_batch(sql)?;
                tx.pragma_update(None, "user_version", index as i64 + 1)?;
            }
            tx.commit()
        };
        run().map_err(|e| self.error(e))
    }

    /// Everything saved about a course, for the session to start from.
    pub fn progress(&self, course_id: &str) -> Result<Progress, StoreError> {
        self.load_progress(course_id).map_err(|e| self.error(e))
    }

    fn load_progress(&self, course_id: &str) -> rusqlite::Result<Progress> {
        let mut progress = Progress::default();
        let mut stmt = self
            .conn
            .prepare_cached("SELECT lesson_id, bite, scroll FROM positions WHERE course_id = ?1")?;
        let mut rows = stmt.query([course_id])?;
        if let Some(row) = rows.next()? {
            progress.position = Some(SavedPosition {
                lesson: row.get(0)?,
                bite: row.get::<_, i64>(1)?.max(1) as usize,
                scroll: row.get::<_, i64>(2)?.clamp(0, i64::from(u16::MAX)) as u16,
            });
        }
        let mut stmt = self
            .conn
            .prepare_cached("SELECT lesson_id, bite FROM bites_seen WHERE course_id = ?1")?;
        for row in stmt.query_map([course_id], |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?))
        })? {
            let (lesson, bite) = row?;
            progress.bites_seen.insert((lesson, bite.max(1) as usize));
        }
        let mut stmt = self.conn.prepare_cached(
            "SELECT question_id, round, first_try_right, attempts FROM question_progress WHERE course_id = ?1",
        )?;
        for row in stmt.query_map([course_id], |r| {
            Ok((
                r.get::<_, String>(0)?,
                QuestionProgress {
                    round: r.get(1)?,
                    first_try_right: r.get(2)?,
                    attempts: r.get(3)?,
                },
            ))
        })? {
            let (id, q) = row?;
            progress.questions.insert(id, q);
        }
        let mut stmt = self
            .conn
            .prepare_cached("SELECT DISTINCT card_id FROM card_ratings WHERE course_id = ?1")?;
        for row in stmt.query_map([course_id], |r| r.get::<_, String>(0))? {
            progress.cards_rated.insert(row?);
        }
        progress.finished = self
            .conn
            .prepare_cached("SELECT finished_at IS NOT NULL FROM courses WHERE id = ?1")?
            .query_row([course_id], |r| r.get(0))
            .or_else(|e| match e {
                rusqlite::Error::QueryReturnedNoRows => Ok(false),
                e => Err(e),
            })?;
        Ok(progress)
    }

    fn write(&mut self, records: &[Record]) -> rusqlite::Result<()> {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        for record in records {
            write_one(&tx, record)?;
        }
        tx.commit()
    }
}

impl Journal for Store {
    type Error = StoreError;

    fn record(&mut self, records: &[Record]) -> Result<(), StoreError> {
        self.write(records).map_err(|e| classify(&self.path, e))
    }
}

fn write_one(tx: &rusqlite::Transaction, record: &Record) -> rusqlite::Result<()> {
    match record {
        Record::CourseOpened {
            course_id,
            title,
            pack_path,
            version,
            at,
        } => {
            tx.prepare_cached(
                "INSERT INTO courses (id, title, pack_path, version, first_played_at, last_played_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?5)
                 ON CONFLICT (id) DO UPDATE SET title = excluded.title, pack_path = excluded.pack_path,
                     version = excluded.version, last_played_at = excluded.last_played_at",
            )?
            .execute(params![course_id, title, pack_path, version, at])?;
        }
        Record::Position {
            course_id,
            lesson_id,
            bite,
            scroll,
            at,
        } => {
            tx.prepare_cached(
                "INSERT INTO positions (course_id, lesson_id, bite, scroll, updated_at) VALUES (?1, ?2, ?3, ?4, ?5)
                 ON CONFLICT (course_id) DO UPDATE SET lesson_id = excluded.lesson_id, bite = excluded.bite,
                     scroll = excluded.scroll, updated_at = excluded.updated_at",
            )?
            .execute(params![course_id, lesson_id, *bite as i64, scroll, at])?;
            tx.prepare_cached(
                "INSERT OR IGNORE INTO bites_seen (course_id, lesson_id, bite, first_seen_at) VALUES (?1, ?2, ?3, ?4)",
            )?
            .execute(params![course_id, lesson_id, *bite as i64, at])?;
            touch_course(tx, course_id, *at)?;
        }
        Record::Answer(a) => {
            tx.prepare_cached(
                "INSERT INTO answers (course_id, lesson_id, question_id, kind, response, correct, skipped, round,
                     attempt, hint_used, shown_at, answered_at, duration_ms)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
            )?
            .execute(params![
                a.course_id,
                a.lesson_id,
                a.question_id,
                a.kind,
                a.response,
                a.correct,
                a.skipped,
                a.round,
                a.attempt,
                a.hint_used,
                a.shown_at,
                a.answered_at,
                (a.answered_at - a.shown_at).max(0),
            ])?;
            // The same rule as `Progress::apply`: a later round, or a first attempt, starts the question's state.
            tx.prepare_cached(
                "INSERT INTO question_progress (course_id, question_id, lesson_id, round, first_try_right, attempts,
                     updated_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
                 ON CONFLICT (course_id, question_id) DO UPDATE SET
                     first_try_right = CASE WHEN excluded.round > round
                         OR (excluded.round = round AND excluded.attempts = 1)
                         THEN excluded.first_try_right ELSE first_try_right END,
                     attempts = CASE WHEN excluded.round > round
                         OR (excluded.round = round AND excluded.attempts = 1) THEN excluded.attempts
                         WHEN excluded.round = round THEN max(attempts, excluded.attempts) ELSE attempts END,
                     round = max(round, excluded.round),
                     lesson_id = excluded.lesson_id,
                     updated_at = excluded.updated_at",
            )?
            .execute(params![
                a.course_id,
                a.question_id,
                a.lesson_id,
                a.round,
                a.correct,
                a.attempt,
                a.answered_at
            ])?;
            touch_course(tx, &a.course_id, a.answered_at)?;
        }
        Record::CardRated {
            course_id,
            lesson_id,
            card_id,
            rating,
            at,
            duration_ms,
        } => {
            tx.prepare_cached(
                "INSERT INTO card_ratings (course_id, lesson_id, card_id, rating, rated_at, duration_ms)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            )?
            .execute(params![course_id, lesson_id, card_id, rating.number(), at, duration_ms])?;
            touch_course(tx, course_id, *at)?;
        }
        Record::Active {
            course_id,
            lesson_id,
            started_at,
            ended_at,
        } => {
            tx.prepare_cached(
                "INSERT INTO active_spans (course_id, started_at, lesson_id, ended_at) VALUES (?1, ?2, ?3, ?4)
                 ON CONFLICT (course_id, started_at) DO UPDATE SET ended_at = max(ended_at, excluded.ended_at)",
            )?
            .execute(params![course_id, started_at, lesson_id, ended_at])?;
        }
        Record::CourseFinished { course_id, at } => {
            tx.prepare_cached(
                "UPDATE courses SET finished_at = coalesce(finished_at, ?2) WHERE id = ?1",
            )?
            .execute(params![course_id, at])?;
        }
    }
    Ok(())
}

fn touch_course(tx: &rusqlite::Transaction, course_id: &str, at: i64) -> rusqlite::Result<()> {
    tx.prepare_cached("UPDATE courses SET last_played_at = max(last_played_at, ?2) WHERE id = ?1")?
        .execute(params![course_id, at])?;
    Ok(())
}

/// Names the errors a learner can act on; the rest keep SQLite's own words, with the path.
fn classify(path: &Path, e: rusqlite::Error) -> StoreError {
    let path = path.to_path_buf();
    match e.sqlite_error_code() {
        Some(ErrorCode::NotADatabase | ErrorCode::DatabaseCorrupt) => {
            StoreError::NotADatabase { path }
        }
        _ => StoreError::Sqlite { path, source: e },
    }
}

#[cfg(test)]
mod tests;
