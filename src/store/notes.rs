//! Notes and feedback per bite (tables `notes` and `feedback`): their writes, loading notes into `Progress`, and the
//! read-only queries of `morsel notes`, `export feedback` and `export answers` (every attempt from `answers`, every
//! review from `review_log`). A note being typed is saved by its draft (`draft`), folded into `notes` when it
//! closes; readers here see a draft not folded yet.

mod draft;

use rusqlite::{Connection, Transaction, params};

use super::{Store, StoreError};
use crate::learn::journal::{FeedbackRecord, NoteRecord};
use crate::learn::progress::Progress;
pub(crate) use draft::{NOTE_MAX_BYTES, NoteDraft, NoteKey, Splice};

/// One saved note.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct NoteRow {
    pub(crate) course_id: String,
    pub(crate) lesson_id: String,
    pub(crate) bite: usize,
    pub(crate) text: String,
    pub(crate) question: bool,
    pub(crate) created_at: i64,
    pub(crate) updated_at: i64,
}

/// One rating of a bite.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct FeedbackRow {
    pub(crate) course_id: String,
    pub(crate) lesson_id: String,
    pub(crate) bite: usize,
    pub(crate) clear: bool,
    pub(crate) comment: String,
    pub(crate) rated_at: i64,
}

/// One attempt at a question: from `answers` (`source` "lesson") or from `review_log` (`source` "review", with the
/// review's rating; `round` and `attempt` 0 there).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct AnswerRow {
    pub(crate) source: &'static str,
    pub(crate) course_id: String,
    pub(crate) lesson_id: String,
    pub(crate) question_id: String,
    pub(crate) kind: String,
    pub(crate) response: String,
    pub(crate) correct: bool,
    pub(crate) skipped: bool,
    pub(crate) round: u32,
    pub(crate) attempt: u32,
    pub(crate) hint_used: bool,
    /// Review only: 1 Again … 4 Easy.
    pub(crate) rating: Option<u8>,
    /// Review only: learn, scheduled, early or practice.
    pub(crate) review_kind: Option<String>,
    pub(crate) answered_at: i64,
    pub(crate) duration_ms: i64,
}

pub(super) fn write_note(tx: &Transaction, n: &NoteRecord) -> rusqlite::Result<()> {
    if n.text.is_empty() {
        tx.prepare_cached(
            "DELETE FROM notes WHERE course_id = ?1 AND lesson_id = ?2 AND bite = ?3",
        )?
        .execute(params![n.course_id, n.lesson_id, n.bite as i64])?;
        return Ok(());
    }
    tx.prepare_cached(
        "INSERT INTO notes (course_id, lesson_id, bite, text, question, created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6)
         ON CONFLICT (course_id, lesson_id, bite) DO UPDATE SET text = excluded.text,
             question = excluded.question, updated_at = excluded.updated_at",
    )?
    .execute(params![
        n.course_id,
        n.lesson_id,
        n.bite as i64,
        n.text,
        n.question,
        n.at
    ])?;
    Ok(())
}

pub(super) fn write_feedback(tx: &Transaction, f: &FeedbackRecord) -> rusqlite::Result<()> {
    tx.prepare_cached(
        "INSERT INTO feedback (course_id, lesson_id, bite, rated_at, clear, comment) VALUES (?1, ?2, ?3, ?4, ?5, ?6)
         ON CONFLICT (course_id, lesson_id, bite, rated_at) DO UPDATE SET clear = excluded.clear,
             comment = excluded.comment",
    )?
    .execute(params![
        f.course_id,
        f.lesson_id,
        f.bite as i64,
        f.rated_at,
        f.clear,
        f.comment
    ])?;
    Ok(())
}

/// A course's notes into `progress`, as `Progress::apply` keeps them.
pub(super) fn load(
    conn: &Connection,
    course_id: &str,
    progress: &mut Progress,
) -> rusqlite::Result<()> {
    let mut stmt = conn
        .prepare_cached("SELECT lesson_id, bite, text, question FROM notes WHERE course_id = ?1")?;
    for row in stmt.query_map([course_id], |r| {
        Ok((
            r.get::<_, String>(0)?,
            r.get::<_, i64>(1)?,
            r.get::<_, String>(2)?,
            r.get::<_, bool>(3)?,
        ))
    })? {
        let (lesson, bite, text, question) = row?;
        progress
            .notes
            .insert((lesson, bite.max(1) as usize), (text, question));
    }
    if let Some(db) = draft::database_file(conn) {
        overlay(&db, course_id, progress);
    }
    Ok(())
}

/// The notes of `course_id` with the drafts beside the database at `db` replayed over them (a player killed while
/// typing one), as `load` keeps them.
fn overlay(db: &std::path::Path, course_id: &str, progress: &mut Progress) {
    for (_, d) in draft::drafts_beside(db, Some(course_id)) {
        let key = (d.key.lesson_id.clone(), d.key.bite);
        let saved = progress.notes.get(&key).map_or("", |(t, _)| t.as_str());
        match d.replay(saved) {
            Some((text, _)) if text.is_empty() => {
                progress.notes.remove(&key);
            }
            Some((text, _)) => {
                let question = NoteRecord::is_question(&text);
                progress.notes.insert(key, (text, question));
            }
            None => {}
        }
    }
}

/// `rows` (sorted by course, lesson and bite) with the drafts beside the database at `db` replayed over them.
fn overlay_rows(db: &std::path::Path, course: Option<&str>, rows: &mut Vec<NoteRow>) {
    for (_, d) in draft::drafts_beside(db, course) {
        let k = &d.key;
        let found = rows.binary_search_by(|r| {
            (r.course_id.as_str(), r.lesson_id.as_str(), r.bite).cmp(&(
                k.course_id.as_str(),
                k.lesson_id.as_str(),
                k.bite,
            ))
        });
        let saved = found.map_or("", |i| rows[i].text.as_str());
        let Some((text, at)) = d.replay(saved) else {
            continue;
        };
        match found {
            Ok(i) if text.is_empty() => {
                rows.remove(i);
            }
            Ok(i) => {
                rows[i].question = NoteRecord::is_question(&text);
                rows[i].text = text;
                rows[i].updated_at = at;
            }
            Err(_) if text.is_empty() => {}
            Err(i) => rows.insert(
                i,
                NoteRow {
                    course_id: k.course_id.clone(),
                    lesson_id: k.lesson_id.clone(),
                    bite: k.bite,
                    question: NoteRecord::is_question(&text),
                    text,
                    created_at: at,
                    updated_at: at,
                },
            ),
        }
    }
}

impl Store {
    /// The notes (of every course, or of one), by course, lesson id and bite.
    pub(crate) fn notes(&self, course: Option<&str>) -> Result<Vec<NoteRow>, StoreError> {
        let run = || -> rusqlite::Result<Vec<NoteRow>> {
            self.conn
                .prepare_cached(
                    "SELECT course_id, lesson_id, bite, text, question, created_at, updated_at FROM notes
                     WHERE ?1 IS NULL OR course_id = ?1 ORDER BY course_id, lesson_id, bite",
                )?
                .query_map([course], |r| {
                    Ok(NoteRow {
                        course_id: r.get(0)?,
                        lesson_id: r.get(1)?,
                        bite: r.get::<_, i64>(2)?.max(1) as usize,
                        text: r.get(3)?,
                        question: r.get(4)?,
                        created_at: r.get(5)?,
                        updated_at: r.get(6)?,
                    })
                })?
                .collect()
        };
        let mut rows = run().map_err(|e| self.error(e))?;
        if let Some(db) = draft::database_file(&self.conn) {
            overlay_rows(&db, course, &mut rows);
        }
        Ok(rows)
    }

    /// Every rating of a bite (of every course, or of one), oldest first.
    pub(crate) fn feedback(&self, course: Option<&str>) -> Result<Vec<FeedbackRow>, StoreError> {
        let run = || -> rusqlite::Result<Vec<FeedbackRow>> {
            self.conn
                .prepare_cached(
                    "SELECT course_id, lesson_id, bite, clear, comment, rated_at FROM feedback
                     WHERE ?1 IS NULL OR course_id = ?1 ORDER BY rated_at, course_id, lesson_id, bite",
                )?
                .query_map([course], |r| {
                    Ok(FeedbackRow {
                        course_id: r.get(0)?,
                        lesson_id: r.get(1)?,
                        bite: r.get::<_, i64>(2)?.max(1) as usize,
                        clear: r.get(3)?,
                        comment: r.get(4)?,
                        rated_at: r.get(5)?,
                    })
                })?
                .collect()
        };
        run().map_err(|e| self.error(e))
    }

    /// Every attempt (of every course, or of one): the lessons' answers, then the reviews of questions and cards,
    /// each oldest first.
    pub(crate) fn attempts(&self, course: Option<&str>) -> Result<Vec<AnswerRow>, StoreError> {
        let run = || -> rusqlite::Result<Vec<AnswerRow>> {
            let mut rows: Vec<AnswerRow> = self
                .conn
                .prepare_cached(
                    "SELECT course_id, lesson_id, question_id, kind, response, correct, skipped, round, attempt,
                            hint_used, answered_at, duration_ms
                     FROM answers WHERE ?1 IS NULL OR course_id = ?1 ORDER BY answered_at, id",
                )?
                .query_map([course], |r| {
                    Ok(AnswerRow {
                        source: "lesson",
                        course_id: r.get(0)?,
                        lesson_id: r.get(1)?,
                        question_id: r.get(2)?,
                        kind: r.get(3)?,
                        response: r.get(4)?,
                        correct: r.get(5)?,
                        skipped: r.get(6)?,
                        round: r.get(7)?,
                        attempt: r.get(8)?,
                        hint_used: r.get(9)?,
                        rating: None,
                        review_kind: None,
                        answered_at: r.get(10)?,
                        duration_ms: r.get(11)?,
                    })
                })?
                .collect::<rusqlite::Result<_>>()?;
            let reviews = self
                .conn
                .prepare_cached(
                    "SELECT course_id, lesson_id, item_id, kind, response, rating, review_kind, reviewed_at,
                            duration_ms
                     FROM review_log WHERE ?1 IS NULL OR course_id = ?1 ORDER BY reviewed_at, id",
                )?
                .query_map([course], |r| {
                    let rating: u8 = r.get(5)?;
                    let kind: String = r.get(3)?;
                    let response: String = r.get(4)?;
                    Ok(AnswerRow {
                        source: "review",
                        course_id: r.get(0)?,
                        lesson_id: r.get(1)?,
                        question_id: r.get(2)?,
                        // A question reviewed with no response was skipped (a card never has one).
                        skipped: kind == "question" && response.is_empty(),
                        kind,
                        response,
                        correct: rating >= 2,
                        round: 0,
                        attempt: 0,
                        hint_used: false,
                        rating: Some(rating),
                        review_kind: Some(r.get(6)?),
                        answered_at: r.get(7)?,
                        duration_ms: r.get(8)?,
                    })
                })?
                .collect::<rusqlite::Result<Vec<_>>>()?;
            rows.extend(reviews);
            Ok(rows)
        };
        run().map_err(|e| self.error(e))
    }
}
