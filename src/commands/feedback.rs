//! `morsel export feedback` and `morsel export answers`: what a learner's notes, ratings and answers tell an author.
//! `feedback` is one row per bite that has anything to say (ratings, comments, questions for the author, questions
//! answered), in course order; `answers` every attempt, from lessons (`answers`) and from reviews (`review_log`).
//! CSV through the `csv` crate, JSON through `commands::write_json`; text from the learner or the pack sanitised.

use std::collections::{BTreeMap, HashMap};
use std::io::{self, Write};

use serde::Serialize;

use super::notes::BiteIndex;
use crate::pack::Pack;
use crate::store::{AnswerRow, FeedbackRow, NoteRow};
use crate::text::sanitize;

/// What one bite's learners said and did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub(crate) struct BiteFeedback {
    pub(crate) course_id: String,
    pub(crate) lesson_id: String,
    pub(crate) lesson_title: String,
    pub(crate) bite: usize,
    pub(crate) first_line: String,
    pub(crate) clear: u32,
    pub(crate) unclear: u32,
    pub(crate) comments: Vec<String>,
    /// Notes marked as questions for the author.
    pub(crate) questions: Vec<String>,
    /// First attempts at the bite's questions (round 1, attempt 1).
    pub(crate) first_tries: u32,
    /// Of those, wrong or skipped.
    pub(crate) missed_first_try: u32,
}

/// The rows of `export feedback`: every bite with a rating, a question for the author, or an answered question,
/// placed by its course's pack (`packs` by course id; a bite the pack no longer has comes after, under its lesson
/// id). Answers to questions the pack no longer has cannot be placed in a bite and are left out.
pub(crate) fn gather(
    feedback: &[FeedbackRow],
    notes: &[NoteRow],
    answers: &[AnswerRow],
    packs: &HashMap<String, Pack>,
) -> Vec<BiteFeedback> {
    let indexes: HashMap<&str, BiteIndex> = packs
        .iter()
        .map(|(id, p)| (id.as_str(), BiteIndex::new(Some(p))))
        .collect();
    let empty = BiteIndex::default();
    let index = |course: &str| indexes.get(course).unwrap_or(&empty);
    // By (course, order in the pack, lesson id, bite).
    let mut rows = BTreeMap::new();
    type Rows = BTreeMap<(String, (usize, usize), String, usize), BiteFeedback>;
    fn row<'r>(
        rows: &'r mut Rows,
        index: &BiteIndex,
        course: &str,
        lesson: &str,
        bite: usize,
    ) -> &'r mut BiteFeedback {
        let info = index.bite(lesson, bite);
        rows.entry((course.to_string(), info.order, lesson.to_string(), bite))
            .or_insert_with(|| BiteFeedback {
                course_id: course.to_string(),
                lesson_id: lesson.to_string(),
                lesson_title: info.lesson_title,
                bite,
                first_line: info.first_line,
                ..Default::default()
            })
    }
    for f in feedback {
        let r = row(
            &mut rows,
            index(&f.course_id),
            &f.course_id,
            &f.lesson_id,
            f.bite,
        );
        if f.clear {
            r.clear += 1;
        } else {
            r.unclear += 1;
        }
        if !f.comment.is_empty() {
            r.comments.push(f.comment.clone());
        }
    }
    for n in notes.iter().filter(|n| n.question) {
        row(
            &mut rows,
            index(&n.course_id),
            &n.course_id,
            &n.lesson_id,
            n.bite,
        )
        .questions
        .push(n.text.clone());
    }
    for a in answers
        .iter()
        .filter(|a| a.source == "lesson" && a.round == 1 && a.attempt == 1)
    {
        let Some((lesson, bite)) = index(&a.course_id).question(&a.question_id).cloned() else {
            continue;
        };
        let r = row(&mut rows, index(&a.course_id), &a.course_id, &lesson, bite);
        r.first_tries += 1;
        if !a.correct || a.skipped {
            r.missed_first_try += 1;
        }
    }
    rows.into_values().collect()
}

pub(crate) const FEEDBACK_HEADER: [&str; 11] = [
    "course_id",
    "lesson_id",
    "lesson_title",
    "bite",
    "first_line",
    "clear",
    "unclear",
    "comments",
    "questions",
    "first_tries",
    "missed_first_try",
];

fn csv_error(e: csv::Error) -> io::Error {
    match e.into_kind() {
        csv::ErrorKind::Io(e) => e,
        other => io::Error::other(format!("{other:?}")),
    }
}

/// Several texts in one cell, one a line.
fn joined(texts: &[String]) -> String {
    texts
        .iter()
        .map(|t| sanitize(t).into_owned())
        .collect::<Vec<_>>()
        .join("\n")
}

pub(crate) fn write_feedback_csv(rows: &[BiteFeedback], out: &mut dyn Write) -> io::Result<()> {
    let mut w = csv::Writer::from_writer(out);
    w.write_record(FEEDBACK_HEADER).map_err(csv_error)?;
    for r in rows {
        w.write_record([
            sanitize(&r.course_id).into_owned(),
            sanitize(&r.lesson_id).into_owned(),
            sanitize(&r.lesson_title).into_owned(),
            r.bite.to_string(),
            sanitize(&r.first_line).into_owned(),
            r.clear.to_string(),
            r.unclear.to_string(),
            joined(&r.comments),
            joined(&r.questions),
            r.first_tries.to_string(),
            r.missed_first_try.to_string(),
        ])
        .map_err(csv_error)?;
    }
    w.flush()
}

#[derive(Serialize)]
struct FeedbackDoc<'a> {
    bites: &'a [BiteFeedback],
}

pub(crate) fn write_feedback_json(rows: &[BiteFeedback], out: &mut dyn Write) -> io::Result<()> {
    super::write_json(&FeedbackDoc { bites: rows }, out)
}

pub(crate) const ANSWERS_HEADER: [&str; 15] = [
    "source",
    "course_id",
    "lesson_id",
    "question_id",
    "kind",
    "response",
    "correct",
    "skipped",
    "round",
    "attempt",
    "hint_used",
    "rating",
    "review_kind",
    "answered_at",
    "duration_ms",
];

/// Every attempt, one row each: `source` is `lesson` (round and attempt as the lesson counted them) or `review`
/// (the review's rating 1-4 and kind; right when rated Hard or better).
pub(crate) fn write_answers_csv(rows: &[AnswerRow], out: &mut dyn Write) -> io::Result<()> {
    let mut w = csv::Writer::from_writer(out);
    w.write_record(ANSWERS_HEADER).map_err(csv_error)?;
    let flag = |b: bool| if b { "1" } else { "0" }.to_string();
    for r in rows {
        w.write_record([
            r.source.to_string(),
            sanitize(&r.course_id).into_owned(),
            sanitize(&r.lesson_id).into_owned(),
            sanitize(&r.question_id).into_owned(),
            sanitize(&r.kind).into_owned(),
            sanitize(&r.response).into_owned(),
            flag(r.correct),
            flag(r.skipped),
            r.round.to_string(),
            r.attempt.to_string(),
            flag(r.hint_used),
            r.rating.map(|n| n.to_string()).unwrap_or_default(),
            r.review_kind.clone().unwrap_or_default(),
            r.answered_at.to_string(),
            r.duration_ms.to_string(),
        ])
        .map_err(csv_error)?;
    }
    w.flush()
}

#[derive(Serialize)]
struct JsonAnswer<'a> {
    source: &'a str,
    course_id: &'a str,
    lesson_id: &'a str,
    question_id: &'a str,
    kind: &'a str,
    response: &'a str,
    correct: bool,
    skipped: bool,
    round: u32,
    attempt: u32,
    hint_used: bool,
    rating: Option<u8>,
    review_kind: Option<&'a str>,
    answered_at: i64,
    duration_ms: i64,
}

#[derive(Serialize)]
struct AnswersDoc<'a> {
    answers: Vec<JsonAnswer<'a>>,
}

/// The same rows as JSON; `write_json` escapes every control character.
pub(crate) fn write_answers_json(rows: &[AnswerRow], out: &mut dyn Write) -> io::Result<()> {
    let answers = rows
        .iter()
        .map(|r| JsonAnswer {
            source: r.source,
            course_id: &r.course_id,
            lesson_id: &r.lesson_id,
            question_id: &r.question_id,
            kind: &r.kind,
            response: &r.response,
            correct: r.correct,
            skipped: r.skipped,
            round: r.round,
            attempt: r.attempt,
            hint_used: r.hint_used,
            rating: r.rating,
            review_kind: r.review_kind.as_deref(),
            answered_at: r.answered_at,
            duration_ms: r.duration_ms,
        })
        .collect();
    super::write_json(&AnswersDoc { answers }, out)
}
