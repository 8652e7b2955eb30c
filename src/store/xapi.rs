//! What xAPI statements are made of, read from the records (`bites_seen`, `answers`, `review_log`), and which
//! statements each LRS accepted (`xapi_sent`).

use std::collections::HashSet;

use rusqlite::params;

use super::{Store, StoreError};

/// One thing the store recorded, as a statement needs it. Times are UTC milliseconds.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Fact {
    BiteSeen {
        lesson: String,
        bite: usize,
        at: i64,
    },
    Answer {
        /// What makes this answer unique in the store (`answer:ROWID`, `review:ROWID`).
        key: String,
        lesson: String,
        question: String,
        /// The store's kind: choice, truefalse, text, order.
        kind: String,
        /// As the store keeps it: choices and orders as a JSON array of texts.
        response: String,
        correct: bool,
        duration_ms: i64,
        at: i64,
    },
    /// A note on a bite: a question for the author is `asked`, any other note `commented`.
    Note {
        lesson: String,
        bite: usize,
        text: String,
        question: bool,
        at: i64,
    },
    /// A bite rated clear or unclear, with an optional comment: `commented`.
    Rated {
        lesson: String,
        bite: usize,
        clear: bool,
        comment: String,
        at: i64,
    },
    /// Active time stopped (a pause, or leaving): `suspended`.
    Suspended { lesson: String, at: i64 },
    /// Active time started again: `resumed`.
    Resumed { lesson: String, at: i64 },
    /// Every bite seen and every question answered; `known` of `questions` known then, against the pass mark.
    LessonDone {
        lesson: String,
        known: usize,
        questions: usize,
        pass_mark: f64,
        at: i64,
    },
    /// A done lesson's score changed later (a question became known in a review): `passed` or `failed` again, a
    /// statement of its own; the earlier ones stand as they were made.
    LessonScored {
        lesson: String,
        known: usize,
        questions: usize,
        pass_mark: f64,
        at: i64,
    },
}

impl Fact {
    /// When it happened, UTC milliseconds.
    pub(crate) fn at(&self) -> i64 {
        match self {
            Fact::BiteSeen { at, .. }
            | Fact::Answer { at, .. }
            | Fact::Note { at, .. }
            | Fact::Rated { at, .. }
            | Fact::Suspended { at, .. }
            | Fact::Resumed { at, .. }
            | Fact::LessonDone { at, .. }
            | Fact::LessonScored { at, .. } => *at,
        }
    }
}

/// When a lesson was done, and when each of its questions became known (`None`: not known yet).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct LessonTimes {
    pub(crate) done_at: i64,
    /// In the order of the questions asked about.
    pub(crate) known_at: Vec<Option<i64>>,
}

impl Store {
    /// A course's bites seen and questions answered, oldest first: every answer given in a lesson (skips left out:
    /// no response was given) and every question answered in a review sitting (a lesson's answer is also in the
    /// review log at the same moment; it is stated once).
    pub(crate) fn xapi_facts(&self, course_id: &str) -> Result<Vec<Fact>, StoreError> {
        self.read_xapi_facts(course_id).map_err(|e| self.error(e))
    }

    fn read_xapi_facts(&self, course_id: &str) -> rusqlite::Result<Vec<Fact>> {
        let mut facts = self.bites_seen_facts(course_id)?;
        facts.extend(self.answer_facts(course_id)?);
        facts.extend(self.note_facts(course_id)?);
        facts.extend(self.pause_facts(course_id)?);
        facts.sort_by_key(Fact::at);
        Ok(facts)
    }

    /// The facts one query gives, row by row, for a course (`?1`).
    fn query_facts(
        &self,
        sql: &str,
        course_id: &str,
        fact: impl FnMut(&rusqlite::Row) -> rusqlite::Result<Fact>,
    ) -> rusqlite::Result<Vec<Fact>> {
        let mut stmt = self.conn.prepare(sql)?;
        stmt.query_map([course_id], fact)?.collect()
    }

    fn bites_seen_facts(&self, course_id: &str) -> rusqlite::Result<Vec<Fact>> {
        self.query_facts(
            "SELECT lesson_id, bite, first_seen_at FROM bites_seen WHERE course_id = ?1
             ORDER BY first_seen_at, lesson_id, bite",
            course_id,
            |r| {
                Ok(Fact::BiteSeen {
                    lesson: r.get(0)?,
                    bite: r.get::<_, i64>(1)?.max(1) as usize,
                    at: r.get(2)?,
                })
            },
        )
    }

    /// Every answer given in a lesson (skips left out), and every question answered in a review sitting that is not
    /// also a lesson's answer at the same moment.
    fn answer_facts(&self, course_id: &str) -> rusqlite::Result<Vec<Fact>> {
        self.query_facts(
            "SELECT 'answer:' || id, lesson_id, question_id, kind, response, correct, duration_ms, answered_at
             FROM answers WHERE course_id = ?1 AND skipped = 0
             UNION ALL
             SELECT 'review:' || id, lesson_id, item_id, coalesce((SELECT a.kind FROM answers a
                     WHERE a.course_id = l.course_id AND a.question_id = l.item_id LIMIT 1), 'text'),
                 response, rating >= 2, duration_ms, reviewed_at
             FROM review_log l WHERE course_id = ?1 AND kind = 'question' AND response != ''
                 AND NOT EXISTS (SELECT 1 FROM answers a WHERE a.course_id = l.course_id
                     AND a.question_id = l.item_id AND a.answered_at = l.reviewed_at)
             ORDER BY 8, 1",
            course_id,
            |r| {
                Ok(Fact::Answer {
                    key: r.get(0)?,
                    lesson: r.get(1)?,
                    question: r.get(2)?,
                    kind: r.get(3)?,
                    response: r.get(4)?,
                    correct: r.get(5)?,
                    duration_ms: r.get(6)?,
                    at: r.get(7)?,
                })
            },
        )
    }

    /// Notes (a question for the author is asked, any other note commented), then ratings of bites.
    fn note_facts(&self, course_id: &str) -> rusqlite::Result<Vec<Fact>> {
        let mut facts = self.query_facts(
            "SELECT lesson_id, bite, text, question, updated_at FROM notes WHERE course_id = ?1",
            course_id,
            |r| {
                Ok(Fact::Note {
                    lesson: r.get(0)?,
                    bite: r.get::<_, i64>(1)?.max(1) as usize,
                    text: r.get(2)?,
                    question: r.get(3)?,
                    at: r.get(4)?,
                })
            },
        )?;
        facts.extend(self.query_facts(
            "SELECT lesson_id, bite, clear, comment, rated_at FROM feedback WHERE course_id = ?1",
            course_id,
            |r| {
                Ok(Fact::Rated {
                    lesson: r.get(0)?,
                    bite: r.get::<_, i64>(1)?.max(1) as usize,
                    clear: r.get(2)?,
                    comment: r.get(3)?,
                    at: r.get(4)?,
                })
            },
        )?);
        Ok(facts)
    }

    /// Time on task comes in spans with pauses (or a quit) between them: each gap is a suspend and a resume.
    fn pause_facts(&self, course_id: &str) -> rusqlite::Result<Vec<Fact>> {
        let mut stmt = self.conn.prepare(
            "SELECT lesson_id, started_at, ended_at FROM active_spans WHERE course_id = ?1 ORDER BY started_at",
        )?;
        let spans: Vec<(String, i64, i64)> = stmt
            .query_map([course_id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
            .collect::<rusqlite::Result<_>>()?;
        let mut facts = Vec::new();
        for pair in spans.windows(2) {
            let ((lesson, _, ended), (next_lesson, started, _)) = (&pair[0], &pair[1]);
            if started > ended {
                facts.push(Fact::Suspended {
                    lesson: lesson.clone(),
                    at: *ended,
                });
                facts.push(Fact::Resumed {
                    lesson: next_lesson.clone(),
                    at: *started,
                });
            }
        }
        Ok(facts)
    }

    /// When a lesson was done and when each of its questions became known, from its records: done at the latest of
    /// each bite's first sight and each question's first answer; a question known at its right first attempt or its
    /// first scheduled review answered right (nothing unmakes either). Records are only ever added, so a moment
    /// once passed keeps what it held: the same history always gives the same times. `None` when nothing of the
    /// lesson was recorded.
    pub(crate) fn xapi_lesson_times(
        &self,
        course_id: &str,
        lesson_id: &str,
        bites: &[usize],
        questions: &[&str],
    ) -> Result<Option<LessonTimes>, StoreError> {
        let read = || -> rusqlite::Result<Option<LessonTimes>> {
            let mut latest: Option<i64> = None;
            let mut bump = |t: Option<i64>| {
                if let Some(t) = t {
                    latest = Some(latest.map_or(t, |l| l.max(t)));
                }
            };
            let mut bite = self.conn.prepare_cached(
                "SELECT first_seen_at FROM bites_seen WHERE course_id = ?1 AND lesson_id = ?2 AND bite = ?3",
            )?;
            for b in bites {
                bump(
                    bite.query_row(params![course_id, lesson_id, *b as i64], |r| r.get(0))
                        .ok(),
                );
            }
            let mut first = self.conn.prepare_cached(
                "SELECT min(answered_at) FROM answers WHERE course_id = ?1 AND question_id = ?2",
            )?;
            for q in questions {
                bump(first.query_row(params![course_id, q], |r| r.get(0))?);
            }
            let mut known_at = self.conn.prepare_cached(
                "SELECT min(t) FROM (
                     SELECT min(answered_at) AS t FROM answers WHERE course_id = ?1 AND question_id = ?2
                         AND round = 1 AND attempt = 1 AND correct = 1 AND skipped = 0
                     UNION ALL
                     SELECT min(reviewed_at) FROM review_log WHERE course_id = ?1 AND item_id = ?2
                         AND kind = 'question' AND review_kind = 'scheduled' AND rating >= 2)",
            )?;
            let known_at = questions
                .iter()
                .map(|q| known_at.query_row(params![course_id, q], |r| r.get(0)))
                .collect::<rusqlite::Result<Vec<Option<i64>>>>()?;
            Ok(latest.map(|done_at| LessonTimes { done_at, known_at }))
        };
        read().map_err(|e| self.error(e))
    }

    /// The ids of the statements `lrs` accepted.
    pub(crate) fn xapi_sent(&self, lrs: &str) -> Result<HashSet<String>, StoreError> {
        let read = || -> rusqlite::Result<HashSet<String>> {
            let mut stmt = self
                .conn
                .prepare("SELECT statement_id FROM xapi_sent WHERE lrs = ?1")?;
            stmt.query_map([lrs], |r| r.get(0))?.collect()
        };
        read().map_err(|e| self.error(e))
    }

    /// Remembers that `lrs` accepted these statements: one transaction, committed before it returns.
    pub(crate) fn mark_xapi_sent(
        &mut self,
        lrs: &str,
        ids: &[&str],
        at: i64,
    ) -> Result<(), StoreError> {
        let mut write = || -> rusqlite::Result<()> {
            let tx = self.conn.transaction()?;
            {
                let mut stmt = tx.prepare_cached(
                    "INSERT OR IGNORE INTO xapi_sent (lrs, statement_id, sent_at) VALUES (?1, ?2, ?3)",
                )?;
                for id in ids {
                    stmt.execute(params![lrs, id, at])?;
                }
            }
            tx.commit()
        };
        write().map_err(|e| classify_here(&self.path, e))
    }
}

fn classify_here(path: &std::path::Path, e: rusqlite::Error) -> StoreError {
    super::error::classify(path, super::error::FileState::InUse, &e)
}
