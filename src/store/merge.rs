//! Progress that follows the learner: this learner's own records made on another machine (read back from the LRS by
//! `export::lrs::pull`) merged into this database, in one transaction. Bites seen, answers, reviews (the FSRS state
//! of every item touched rebuilt by replaying its review log in time order), notes, ratings and the resume point (the
//! latest bite seen on any machine). Each merged statement id is marked sent to that LRS, so merging it again, or
//! sending it back, does nothing.

use std::collections::{BTreeSet, HashSet};

use rusqlite::{OptionalExtension, params};

use super::{Store, StoreError, write_answer, write_review};
use crate::learn::journal::{AnswerRecord, Rating, ReviewRecord};
use crate::learn::schedule::{ItemKind, ItemState, ReviewKind, Scheduler};

/// One statement of another machine, as this database would have recorded it.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Incoming {
    /// The statement's id.
    pub(crate) id: String,
    pub(crate) course: String,
    /// The course's title as the statement names it (for a course this database has never seen).
    pub(crate) title: String,
    pub(crate) lesson: String,
    /// UTC milliseconds.
    pub(crate) at: i64,
    pub(crate) what: What,
}

/// A review as a statement carries it.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Graded {
    pub(crate) kind: ItemKind,
    pub(crate) rating: Rating,
    pub(crate) review_kind: ReviewKind,
    pub(crate) content_hash: String,
    pub(crate) state_before: u8,
    pub(crate) utc_offset_min: i32,
}

/// What the statement says happened.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum What {
    Seen {
        bite: usize,
    },
    Answer {
        question: String,
        kind: &'static str,
        response: String,
        correct: bool,
        duration_ms: i64,
        review: Option<Graded>,
    },
    Card {
        card: String,
        duration_ms: i64,
        review: Graded,
    },
    Note {
        bite: usize,
        text: String,
        question: bool,
    },
    Rated {
        bite: usize,
        clear: bool,
        comment: String,
    },
}

/// What a merge did.
#[derive(Debug, Default, Clone, PartialEq)]
pub(crate) struct Merged {
    /// Statements that changed something here.
    pub(crate) merged: usize,
    /// Statements already here (merged before, or this database's own).
    pub(crate) known: usize,
}

impl Store {
    /// Merges `incoming` (any order) into this database and marks every id sent to `lrs` at `now`. Ids in
    /// `skip` (this database's own statements) and ids already marked for `lrs` change nothing.
    pub(crate) fn merge(
        &mut self,
        lrs: &str,
        incoming: &[Incoming],
        skip: &HashSet<String>,
        scheduler: &Scheduler,
        now: i64,
    ) -> Result<Merged, StoreError> {
        let known = self.xapi_sent(lrs)?;
        let mut fresh: Vec<&Incoming> = incoming
            .iter()
            .filter(|i| !skip.contains(&i.id) && !known.contains(&i.id))
            .collect();
        fresh.sort_by(|a, b| a.at.cmp(&b.at).then_with(|| a.id.cmp(&b.id)));
        let run = |conn: &mut rusqlite::Connection| -> rusqlite::Result<usize> {
            let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
            let mut items = BTreeSet::new();
            for i in &fresh {
                merge_one(&tx, i, &mut items)?;
            }
            for (course, item) in &items {
                replay(&tx, course, item, scheduler)?;
            }
            let mut mark = tx.prepare_cached(
                "INSERT OR IGNORE INTO xapi_sent (lrs, statement_id, sent_at) VALUES (?1, ?2, ?3)",
            )?;
            for i in incoming {
                mark.execute(params![lrs, i.id, now])?;
            }
            drop(mark);
            tx.commit()?;
            Ok(fresh.len())
        };
        let merged = run(&mut self.conn).map_err(|e| self.error(e))?;
        Ok(Merged {
            merged,
            known: incoming.len() - merged,
        })
    }

    /// Where the next pull from `lrs` starts: the latest `stored` time it gave.
    pub(crate) fn pull_since(&self, lrs: &str) -> Result<Option<String>, StoreError> {
        self.conn
            .query_row("SELECT stored FROM xapi_pulls WHERE lrs = ?1", [lrs], |r| {
                r.get(0)
            })
            .optional()
            .map_err(|e| self.error(e))
    }

    /// Keeps `stored` as where the next pull from `lrs` starts.
    pub(crate) fn set_pull_since(&mut self, lrs: &str, stored: &str) -> Result<(), StoreError> {
        self.conn
            .execute(
                "INSERT INTO xapi_pulls (lrs, stored) VALUES (?1, ?2)
                 ON CONFLICT (lrs) DO UPDATE SET stored = excluded.stored",
                params![lrs, stored],
            )
            .map(|_| ())
            .map_err(|e| self.error(e))
    }
}

/// One statement's record, unless this database holds it already; items reviewed go to `items`.
fn merge_one(
    tx: &rusqlite::Transaction,
    i: &Incoming,
    items: &mut BTreeSet<(String, String)>,
) -> rusqlite::Result<()> {
    tx.prepare_cached(
        "INSERT INTO courses (id, title, pack_path, version, first_played_at, last_played_at)
         VALUES (?1, ?2, '', NULL, ?3, ?3)
         ON CONFLICT (id) DO UPDATE SET first_played_at = min(first_played_at, excluded.first_played_at),
             last_played_at = max(last_played_at, excluded.last_played_at)",
    )?
    .execute(params![i.course, i.title, i.at])?;
    match &i.what {
        What::Seen { bite } => seen(tx, i, *bite),
        What::Answer { .. } => answer(tx, i, items),
        What::Card {
            card,
            duration_ms,
            review,
        } => {
            if review.review_kind == ReviewKind::Learn {
                tx.prepare_cached(
                    "INSERT INTO card_ratings (course_id, lesson_id, card_id, rating, rated_at, duration_ms)
                     SELECT ?1, ?2, ?3, ?4, ?5, ?6 WHERE NOT EXISTS (SELECT 1 FROM card_ratings
                         WHERE course_id = ?1 AND card_id = ?3 AND rated_at = ?5)",
                )?
                .execute(params![i.course, i.lesson, card, review.rating.number(), i.at, duration_ms])?;
            }
            log_review(tx, i, card, "", *duration_ms, review, items)
        }
        What::Note {
            bite,
            text,
            question,
        } => {
            tx.prepare_cached(
                "INSERT INTO notes (course_id, lesson_id, bite, text, question, created_at, updated_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6)
                 ON CONFLICT (course_id, lesson_id, bite) DO UPDATE SET text = excluded.text,
                     question = excluded.question, updated_at = excluded.updated_at
                 WHERE excluded.updated_at > notes.updated_at",
            )?
            .execute(params![i.course, i.lesson, *bite as i64, text, question, i.at])?;
            Ok(())
        }
        What::Rated {
            bite,
            clear,
            comment,
        } => {
            tx.prepare_cached(
                "INSERT OR IGNORE INTO feedback (course_id, lesson_id, bite, rated_at, clear, comment)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            )?
            .execute(params![i.course, i.lesson, *bite as i64, i.at, clear, comment])?;
            Ok(())
        }
    }
}

/// A bite seen: seen here from the earlier of the two times; the resume point moves there when it is the latest
/// place seen on any machine.
fn seen(tx: &rusqlite::Transaction, i: &Incoming, bite: usize) -> rusqlite::Result<()> {
    tx.prepare_cached(
        "INSERT INTO bites_seen (course_id, lesson_id, bite, first_seen_at) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT (course_id, lesson_id, bite) DO UPDATE SET
             first_seen_at = min(first_seen_at, excluded.first_seen_at)",
    )?
    .execute(params![i.course, i.lesson, bite as i64, i.at])?;
    tx.prepare_cached(
        "INSERT INTO positions (course_id, lesson_id, bite, scroll, updated_at) VALUES (?1, ?2, ?3, 0, ?4)
         ON CONFLICT (course_id) DO UPDATE SET lesson_id = excluded.lesson_id, bite = excluded.bite,
             scroll = 0, exercise = NULL, updated_at = excluded.updated_at
         WHERE excluded.updated_at > positions.updated_at",
    )?
    .execute(params![i.course, i.lesson, bite as i64, i.at])?;
    Ok(())
}

/// An answer: a lesson's (no review, or a review first met or practised in a lesson) goes to `answers` as the next
/// attempt of round 1 (statements do not say the round); a review's goes to the review log.
fn answer(
    tx: &rusqlite::Transaction,
    i: &Incoming,
    items: &mut BTreeSet<(String, String)>,
) -> rusqlite::Result<()> {
    let What::Answer {
        question,
        kind,
        response,
        correct,
        duration_ms,
        review,
    } = &i.what
    else {
        return Ok(());
    };
    let in_lesson = review
        .as_ref()
        .is_none_or(|r| matches!(r.review_kind, ReviewKind::Learn | ReviewKind::Practice));
    if in_lesson {
        let (here, before): (bool, u32) = tx
            .prepare_cached(
                "SELECT coalesce(sum(answered_at = ?3), 0) > 0, coalesce(sum(answered_at < ?3), 0)
                 FROM answers WHERE course_id = ?1 AND question_id = ?2",
            )?
            .query_row(params![i.course, question, i.at], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })?;
        if !here {
            write_answer(
                tx,
                &AnswerRecord {
                    course_id: i.course.clone(),
                    lesson_id: i.lesson.clone(),
                    question_id: question.clone(),
                    kind,
                    response: response.clone(),
                    correct: *correct,
                    skipped: false,
                    round: 1,
                    attempt: before + 1,
                    hint_used: false,
                    shown_at: i.at - duration_ms,
                    answered_at: i.at,
                },
            )?;
        }
    }
    match review {
        Some(r) => log_review(tx, i, question, response, *duration_ms, r, items),
        None => Ok(()),
    }
}

/// A review to the log, unless it is there; its item's state is replayed afterwards.
fn log_review(
    tx: &rusqlite::Transaction,
    i: &Incoming,
    item: &str,
    response: &str,
    duration_ms: i64,
    r: &Graded,
    items: &mut BTreeSet<(String, String)>,
) -> rusqlite::Result<()> {
    let here: bool = tx
        .prepare_cached(
            "SELECT EXISTS (SELECT 1 FROM review_log WHERE course_id = ?1 AND item_id = ?2 AND reviewed_at = ?3
                 AND kind = ?4)",
        )?
        .query_row(params![i.course, item, i.at, r.kind.as_str()], |row| {
            row.get(0)
        })?;
    if here {
        return Ok(());
    }
    write_review(
        tx,
        &ReviewRecord {
            course_id: i.course.clone(),
            lesson_id: i.lesson.clone(),
            item_id: item.to_string(),
            kind: r.kind,
            rating: r.rating,
            response: response.to_string(),
            review_kind: r.review_kind,
            at: i.at,
            utc_offset_min: r.utc_offset_min,
            duration_ms,
            content_hash: r.content_hash.clone(),
            state_before: r.state_before,
            state: None,
        },
    )?;
    items.insert((i.course.clone(), item.to_string()));
    Ok(())
}

/// An item's schedule rebuilt from its whole review log, graded reviews in time order.
fn replay(
    tx: &rusqlite::Transaction,
    course: &str,
    item: &str,
    scheduler: &Scheduler,
) -> rusqlite::Result<()> {
    let mut stmt = tx.prepare_cached(
        "SELECT rating, reviewed_at, kind, lesson_id, content_hash FROM review_log
         WHERE course_id = ?1 AND item_id = ?2 AND review_kind != 'practice' ORDER BY reviewed_at, id",
    )?;
    let rows = stmt
        .query_map(params![course, item], |r| {
            Ok((
                r.get::<_, u8>(0)?,
                r.get::<_, i64>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, String>(4)?,
            ))
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    let mut state: Option<ItemState> = None;
    for (rating, at, ..) in &rows {
        let rating = Rating::from_number(*rating).unwrap_or(Rating::Good);
        state = Some(scheduler.next(state.as_ref(), rating, *at));
    }
    let (Some(s), Some((_, _, kind, lesson, hash))) = (state, rows.last()) else {
        return Ok(());
    };
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
        course,
        item,
        kind,
        lesson,
        f64::from(s.stability),
        f64::from(s.difficulty),
        s.due_at,
        s.last_review_at,
        s.reps,
        s.lapses,
        s.last_rating.number(),
        hash,
    ])?;
    Ok(())
}
