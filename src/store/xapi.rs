//! What xAPI statements are made of, read from the records (`bites_seen`, `answers`, `review_log`, `notes`,
//! `feedback`, `active_spans`), and which statements each LRS accepted (`xapi_sent`).

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
        lesson: String,
        question: String,
        /// The store's kind: choice, truefalse, text, order.
        kind: String,
        /// As the store keeps it: choices and orders as a JSON array of texts.
        response: String,
        correct: bool,
        duration_ms: i64,
        /// The review log's row of the same moment, when the answer was also a review (every answer in a review
        /// sitting; a lesson's answer when it was graded as the item's first review).
        review: Option<Review>,
        /// The row it came from as morsel 0.1 named it (`answer:ID` or `review:ID`), for the id it had then; `None`
        /// for a skip in a review, which morsel 0.1 did not state.
        row: Option<String>,
        at: i64,
    },
    /// A graded review of a card (`reviewed`): what a scheduler needs to replay it.
    CardReviewed {
        lesson: String,
        card: String,
        review: Review,
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
    /// Active time stopped inside a sitting (a pause): `suspended`.
    Suspended { lesson: String, at: i64 },
    /// Active time started again inside a sitting: `resumed`.
    Resumed { lesson: String, at: i64 },
    /// A sitting began (`initialized`): its start names it (`context.registration`).
    SittingStarted { at: i64 },
    /// A sitting ended (`terminated`), once nothing can extend it: its kind and its active time.
    SittingEnded {
        started: i64,
        /// `play`, `review` or `timebox` (see `export::xapi::sittings`).
        kind: &'static str,
        active_ms: i64,
        /// The minutes planned by the time boxes started in the sitting (`None`: no time box).
        planned_minutes: Option<u32>,
        at: i64,
    },
    /// A key result's value as of a sitting's end (`progressed`), or the first time it met its target (`met`:
    /// `satisfied`).
    KeyResult {
        objective: String,
        key_result: String,
        text: String,
        /// `mastery`, `retention`, `practice_minutes` or `reviews_on_time`.
        measure: &'static str,
        value: f64,
        target: f64,
        met: bool,
        at: i64,
    },
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
            | Fact::CardReviewed { at, .. }
            | Fact::SittingStarted { at }
            | Fact::SittingEnded { at, .. }
            | Fact::KeyResult { at, .. }
            | Fact::Note { at, .. }
            | Fact::Rated { at, .. }
            | Fact::Suspended { at, .. }
            | Fact::Resumed { at, .. }
            | Fact::LessonDone { at, .. }
            | Fact::LessonScored { at, .. } => *at,
        }
    }
}

/// A review as the review log keeps it: what a scheduler needs to replay it.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Review {
    /// `card` or `question`.
    pub(crate) item_kind: String,
    /// 1 Again, 2 Hard, 3 Good, 4 Easy.
    pub(crate) rating: u8,
    /// `learn`, `scheduled`, `early` or `practice` (practice: recorded, not graded).
    pub(crate) review_kind: String,
    pub(crate) content_hash: String,
    /// FSRS state before the review: 0 new, 1 learning, 2 review, 3 relearning.
    pub(crate) state_before: u8,
    /// The learner's offset from UTC then, in minutes (their local day).
    pub(crate) utc_offset_min: i32,
}

impl Review {
    /// The review of columns `first..first + 6` (rating, review_kind, content_hash, state_before, utc_offset_min,
    /// item kind); `None` when the rating is NULL (no review at that moment).
    fn read(r: &rusqlite::Row, first: usize) -> rusqlite::Result<Option<Self>> {
        let Some(rating) = r.get::<_, Option<u8>>(first)? else {
            return Ok(None);
        };
        Ok(Some(Self {
            rating,
            review_kind: r.get(first + 1)?,
            content_hash: r.get(first + 2)?,
            state_before: r.get(first + 3)?,
            utc_offset_min: r.get(first + 4)?,
            item_kind: r.get(first + 5)?,
        }))
    }
}

/// A span of active time as `active_spans` keeps it, UTC milliseconds.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Span {
    pub(crate) lesson: String,
    pub(crate) start: i64,
    pub(crate) end: i64,
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
        facts.extend(self.card_review_facts(course_id)?);
        facts.extend(self.note_facts(course_id)?);
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

    /// Every answer given in a lesson (skips left out), with the review log's row of the same moment if any; and
    /// every question answered (or skipped) in a review sitting that is not also a lesson's answer at that moment.
    fn answer_facts(&self, course_id: &str) -> rusqlite::Result<Vec<Fact>> {
        self.query_facts(
            "SELECT a.lesson_id, a.question_id, a.kind, a.response, a.correct, a.duration_ms, a.answered_at,
                 l.rating, l.review_kind, l.content_hash, l.state_before, l.utc_offset_min, l.kind,
                 'answer:' || a.id
             FROM answers a LEFT JOIN review_log l ON l.course_id = a.course_id AND l.item_id = a.question_id
                 AND l.reviewed_at = a.answered_at AND l.kind = 'question'
             WHERE a.course_id = ?1 AND a.skipped = 0
             UNION ALL
             SELECT lesson_id, item_id, coalesce((SELECT a.kind FROM answers a
                     WHERE a.course_id = l.course_id AND a.question_id = l.item_id LIMIT 1), 'text'),
                 response, rating >= 2, duration_ms, reviewed_at,
                 rating, review_kind, content_hash, state_before, utc_offset_min, kind,
                 CASE WHEN response != '' THEN 'review:' || id END
             FROM review_log l WHERE course_id = ?1 AND kind = 'question'
                 AND NOT EXISTS (SELECT 1 FROM answers a WHERE a.course_id = l.course_id
                     AND a.question_id = l.item_id AND a.answered_at = l.reviewed_at AND a.skipped = 0)
             ORDER BY 7, 2, 4",
            course_id,
            |r| {
                Ok(Fact::Answer {
                    lesson: r.get(0)?,
                    question: r.get(1)?,
                    kind: r.get(2)?,
                    response: r.get(3)?,
                    correct: r.get(4)?,
                    duration_ms: r.get(5)?,
                    at: r.get(6)?,
                    review: Review::read(r, 7)?,
                    row: r.get(13)?,
                })
            },
        )
    }

    /// Every graded review of a card (practice left out: it moved no schedule).
    fn card_review_facts(&self, course_id: &str) -> rusqlite::Result<Vec<Fact>> {
        self.query_facts(
            "SELECT lesson_id, item_id, duration_ms, reviewed_at,
                 rating, review_kind, content_hash, state_before, utc_offset_min, kind
             FROM review_log WHERE course_id = ?1 AND kind = 'card' AND review_kind != 'practice'
             ORDER BY reviewed_at, item_id",
            course_id,
            |r| {
                let review = Review::read(r, 4)?.ok_or(rusqlite::Error::InvalidQuery)?;
                Ok(Fact::CardReviewed {
                    lesson: r.get(0)?,
                    card: r.get(1)?,
                    duration_ms: r.get(2)?,
                    at: r.get(3)?,
                    review,
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

    /// A course's spans of active time, by start (sittings and pauses are derived from them by
    /// `export::xapi::sittings`).
    pub(crate) fn xapi_spans(&self, course_id: &str) -> Result<Vec<Span>, StoreError> {
        let read = || -> rusqlite::Result<Vec<Span>> {
            let mut stmt = self.conn.prepare(
                "SELECT lesson_id, started_at, ended_at FROM active_spans WHERE course_id = ?1 ORDER BY started_at",
            )?;
            stmt.query_map([course_id], |r| {
                Ok(Span {
                    lesson: r.get(0)?,
                    start: r.get(1)?,
                    end: r.get(2)?,
                })
            })?
            .collect()
        };
        read().map_err(|e| self.error(e))
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
