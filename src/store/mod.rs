//! The SQLite store: one file per learner holding progress, every answer, card ratings and time on task. Each
//! `record` call is one short transaction, committed (and synced) before it returns. The schema comes from ordered
//! migrations embedded in the binary, tracked with `PRAGMA user_version`; `open` checks a file before writing to it
//! (and opens read-only for the commands that only read), `place` refuses a path that is not a regular file or a
//! link to one, `error` says what went wrong.

pub(crate) mod claim;
mod error;
mod lrs;
mod merge;
mod notes;
mod open;
mod outcomes;
mod params;
mod place;
mod plan;
mod review;
mod stats;
pub(crate) mod status;
mod timebox;
mod xapi;

use std::path::PathBuf;
use std::time::Duration;

use rusqlite::{Connection, TransactionBehavior, params};

use crate::learn::journal::{AnswerRecord, Journal, Rating, Record, ReviewRecord};
use crate::learn::progress::{Progress, QuestionProgress, SavedPosition};
use crate::learn::schedule::{ItemKind, ItemState, ReviewKind};

use error::classify;
pub(crate) use error::{FileState, StoreError};
pub(crate) use lrs::{LastSync, Rejected};
pub(crate) use merge::{Graded, Incoming, Merged, What};
pub(crate) use notes::{
    AnswerRow, FeedbackRow, NOTE_MAX_BYTES, NoteDraft, NoteKey, NoteRow, Splice,
};
pub(crate) use params::{FittedParameters, LogRow};
pub(crate) use stats::{ActiveTime, CourseRow, DueItem};
pub(crate) use timebox::BoxStarted;
pub(crate) use xapi::{Fact, Review, Span};

/// The migrations, in order: migration `n` (1-based) takes the schema from version `n - 1` to `n`. (0008 is
/// another branch's; 0009 depends on no other, so it may stand before or after it.)
const MIGRATIONS: &[&str] = &[
    include_str!("migrations/0001_initial.sql"),
    include_str!("migrations/0002_review.sql"),
    include_str!("migrations/0003_xapi.sql"),
    include_str!("migrations/0004_notes.sql"),
    include_str!("migrations/0005_claims.sql"),
    include_str!("migrations/0006_resume.sql"),
    include_str!("migrations/0007_sync.sql"),
    include_str!("migrations/0008_follow.sql"),
    include_str!("migrations/0009_timebox.sql"),
];

/// The schema version this morsel writes.
pub const SCHEMA_VERSION: i64 = MIGRATIONS.len() as i64;

/// How long to wait for another morsel that holds the write lock.
const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

/// The SQLite database of progress, reviews and journal, and the claim on the course being played.
pub struct Store {
    conn: Connection,
    path: PathBuf,
    /// The course this player holds (`claim`), checked before every write.
    claim: Option<claim::Held>,
}

impl Store {
    fn error(&self, e: rusqlite::Error) -> StoreError {
        classify(&self.path, FileState::InUse, &e)
    }

    /// Everything saved about a course, for the session to start from.
    pub fn progress(&self, course_id: &str) -> Result<Progress, StoreError> {
        self.load_progress(course_id).map_err(|e| self.error(e))
    }

    fn load_progress(&self, course_id: &str) -> rusqlite::Result<Progress> {
        let mut progress = Progress::default();
        let mut stmt = self.conn.prepare_cached(
            "SELECT lesson_id, bite, scroll, exercise FROM positions WHERE course_id = ?1",
        )?;
        let mut rows = stmt.query([course_id])?;
        if let Some(row) = rows.next()? {
            progress.position = Some(SavedPosition {
                lesson: row.get(0)?,
                bite: row.get::<_, i64>(1)?.max(1) as usize,
                scroll: row.get::<_, i64>(2)?.clamp(0, i64::from(u16::MAX)) as u16,
                exercise: row.get(3)?,
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
            "SELECT question_id, round, first_try_right, attempts, known, first_try FROM question_progress
             WHERE course_id = ?1",
        )?;
        for row in stmt.query_map([course_id], |r| {
            Ok((
                r.get::<_, String>(0)?,
                QuestionProgress {
                    round: r.get(1)?,
                    first_try_right: r.get(2)?,
                    attempts: r.get(3)?,
                    known: r.get(4)?,
                    first_try: r.get(5)?,
                },
            ))
        })? {
            let (id, q) = row?;
            progress.questions.insert(id, q);
        }
        let mut stmt = self.conn.prepare_cached(
            "SELECT item_id, stability, difficulty, due_at, last_review_at, reps, lapses, last_rating
             FROM review_items WHERE course_id = ?1",
        )?;
        for row in stmt.query_map([course_id], |r| {
            Ok((r.get::<_, String>(0)?, item_state(r, 1)?))
        })? {
            let (id, state) = row?;
            progress.items.insert(id, state);
        }
        let mut stmt = self
            .conn
            .prepare_cached("SELECT DISTINCT card_id FROM card_ratings WHERE course_id = ?1")?;
        for row in stmt.query_map([course_id], |r| r.get::<_, String>(0))? {
            progress.cards_rated.insert(row?);
        }
        notes::load(&self.conn, course_id, &mut progress)?;
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

    /// `Ok(false)`: another player has taken over the course this one held, and nothing was written.
    fn write(&mut self, records: &[Record]) -> rusqlite::Result<bool> {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        if !claim::still_held(&tx, self.claim.as_ref())? {
            return Ok(false);
        }
        for record in records {
            write_one(&tx, record)?;
        }
        tx.commit().map(|()| true)
    }
}

impl Journal for Store {
    type Error = StoreError;

    fn record(&mut self, records: &[Record]) -> Result<(), StoreError> {
        match self.write(records) {
            Ok(true) => Ok(()),
            Ok(false) => Err(self.taken_over()),
            Err(e) => Err(self.error(e)),
        }
    }
}

/// One record, written in the transaction `write` holds.
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
            .execute(params![course_id, title, canonical(pack_path), version, at])?;
        }
        Record::Position {
            course_id,
            lesson_id,
            bite,
            scroll,
            at,
        } => write_position(tx, course_id, lesson_id, *bite, *scroll, *at)?,
        Record::Showing { .. } => write_showing(tx, record)?,
        Record::Answer(a) => write_answer(tx, a)?,
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
        Record::Reviewed(r) => write_review(tx, r)?,
        Record::Note(n) => notes::write_note(tx, n)?,
        Record::Feedback(f) => notes::write_feedback(tx, f)?,
    }
    Ok(())
}

/// The learner is at this bite and scroll offset (`Record::Position`): the position moves there, back on the
/// bite's text, and the bite counts as seen.
fn write_position(
    tx: &rusqlite::Transaction,
    course_id: &str,
    lesson_id: &str,
    bite: usize,
    scroll: u16,
    at: i64,
) -> rusqlite::Result<()> {
    tx.prepare_cached(
        "INSERT INTO positions (course_id, lesson_id, bite, scroll, updated_at) VALUES (?1, ?2, ?3, ?4, ?5)
         ON CONFLICT (course_id) DO UPDATE SET lesson_id = excluded.lesson_id, bite = excluded.bite,
             scroll = excluded.scroll, exercise = NULL, updated_at = excluded.updated_at",
    )?
    .execute(params![course_id, lesson_id, bite as i64, scroll, at])?;
    tx.prepare_cached(
        "INSERT OR IGNORE INTO bites_seen (course_id, lesson_id, bite, first_seen_at) VALUES (?1, ?2, ?3, ?4)",
    )?
    .execute(params![course_id, lesson_id, bite as i64, at])?;
    touch_course(tx, course_id, at)
}

/// An answer goes to the log and moves the question's progress.
fn write_answer(tx: &rusqlite::Transaction, a: &AnswerRecord) -> rusqlite::Result<()> {
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
    // The same rule as `Progress::apply`: a later round, or a first attempt, starts the question's state;
    // a right first attempt of round 1 makes it known, and nothing unmakes that.
    tx.prepare_cached(
        "INSERT INTO question_progress (course_id, question_id, lesson_id, round, first_try_right, attempts,
             updated_at, known, first_try)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?8)
         ON CONFLICT (course_id, question_id) DO UPDATE SET
             known = max(known, excluded.known),
             first_try = max(first_try, excluded.first_try),
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
        a.correct && !a.skipped,
        a.attempt,
        a.answered_at,
        a.round == 1 && a.attempt == 1 && a.correct && !a.skipped,
    ])?;
    touch_course(tx, &a.course_id, a.answered_at)
}

/// A review goes to the log; a graded one moves the item's schedule, and a scheduled question answered right
/// becomes known (the same rules as `Progress::apply`).
fn write_review(tx: &rusqlite::Transaction, r: &ReviewRecord) -> rusqlite::Result<()> {
    tx.prepare_cached(
        "INSERT INTO review_log (course_id, item_id, kind, lesson_id, rating, reviewed_at, utc_offset_min,
             duration_ms, review_kind, content_hash, state_before, response)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
    )?
    .execute(params![
        r.course_id,
        r.item_id,
        r.kind.as_str(),
        r.lesson_id,
        r.rating.number(),
        r.at,
        r.utc_offset_min,
        r.duration_ms.max(0),
        r.review_kind.as_str(),
        r.content_hash,
        r.state_before,
        r.response,
    ])?;
    if let Some(s) = &r.state {
        tx.prepare_cached(
            "INSERT INTO review_items (course_id, item_id, kind, lesson_id, stability, difficulty, due_at,
                 last_review_at, reps, lapses, last_rating, content_hash)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)
             ON CONFLICT (course_id, item_id) DO UPDATE SET kind = excluded.kind,
                 lesson_id = excluded.lesson_id, stability = excluded.stability,
                 difficulty = excluded.difficulty, due_at = excluded.due_at,
                 last_review_at = excluded.last_review_at, reps = excluded.reps, lapses = excluded.lapses,
                 last_rating = excluded.last_rating, content_hash = excluded.content_hash",
        )?
        .execute(params![
            r.course_id,
            r.item_id,
            r.kind.as_str(),
            r.lesson_id,
            f64::from(s.stability),
            f64::from(s.difficulty),
            s.due_at,
            s.last_review_at,
            s.reps,
            s.lapses,
            s.last_rating.number(),
            r.content_hash,
        ])?;
    }
    if r.kind == ItemKind::Question
        && r.review_kind == ReviewKind::Scheduled
        && r.rating >= Rating::Hard
    {
        tx.prepare_cached(
            "UPDATE question_progress SET known = 1 WHERE course_id = ?1 AND question_id = ?2",
        )?
        .execute(params![r.course_id, r.item_id])?;
    }
    touch_course(tx, &r.course_id, r.at)
}

/// An item's schedule from a `review_items` row whose columns from `first` are stability, difficulty, due_at,
/// last_review_at, reps, lapses, last_rating.
pub(crate) fn item_state(r: &rusqlite::Row, first: usize) -> rusqlite::Result<ItemState> {
    Ok(ItemState {
        stability: r.get::<_, f64>(first)? as f32,
        difficulty: r.get::<_, f64>(first + 1)? as f32,
        due_at: r.get(first + 2)?,
        last_review_at: r.get(first + 3)?,
        reps: r.get(first + 4)?,
        lapses: r.get(first + 5)?,
        last_rating: Rating::from_number(r.get(first + 6)?).unwrap_or(Rating::Good),
    })
}

/// The pack's real path, so that `stats` finds it from any folder; the path as given when it cannot be resolved.
fn canonical(pack_path: &str) -> String {
    std::fs::canonicalize(pack_path)
        .map(|p| p.display().to_string())
        .unwrap_or_else(|_| pack_path.to_string())
}

/// The exercise on screen in the saved bite (`Record::Showing`), kept with the position.
fn write_showing(tx: &rusqlite::Transaction, record: &Record) -> rusqlite::Result<()> {
    if let Record::Showing {
        course_id,
        exercise,
        at,
    } = record
    {
        tx.prepare_cached(
            "UPDATE positions SET exercise = ?2, updated_at = ?3 WHERE course_id = ?1",
        )?
        .execute(params![course_id, exercise, at])?;
    }
    Ok(())
}

fn touch_course(tx: &rusqlite::Transaction, course_id: &str, at: i64) -> rusqlite::Result<()> {
    tx.prepare_cached("UPDATE courses SET last_played_at = max(last_played_at, ?2) WHERE id = ?1")?
        .execute(params![course_id, at])?;
    Ok(())
}

#[cfg(test)]
mod tests;
