//! What the session asks to be saved. The session hands each event to a `Journal` and continues only once the
//! journal has kept it; the SQLite store is the real journal, `MemoryJournal` the one tests read back.

/// One thing a learner did, or where they are. Times are UTC milliseconds.
#[derive(Debug, Clone, PartialEq)]
pub enum Record {
    CourseOpened {
        course_id: String,
        title: String,
        pack_path: String,
        version: Option<String>,
        at: i64,
    },
    /// The learner is at this bite and scroll offset; the bite counts as seen.
    Position {
        course_id: String,
        lesson_id: String,
        bite: usize,
        scroll: u16,
        at: i64,
    },
    /// What the saved bite shows: one of its exercises (a question or card id), or its text (`None`), so that
    /// the learner comes back to it. A `Position` shows the bite's text.
    Showing {
        course_id: String,
        exercise: Option<String>,
        at: i64,
    },
    Answer(AnswerRecord),
    CardRated {
        course_id: String,
        lesson_id: String,
        card_id: String,
        rating: Rating,
        at: i64,
        duration_ms: i64,
    },
    /// Time on task, from `started_at` to `ended_at`; a later record with the same start extends it.
    Active {
        course_id: String,
        lesson_id: String,
        started_at: i64,
        ended_at: i64,
    },
    CourseFinished {
        course_id: String,
        at: i64,
    },
    /// A review of a card or a question: graded (the item's schedule moves to `state`) or practice (`state` is
    /// `None`: recorded, the schedule unchanged).
    Reviewed(ReviewRecord),
    /// The learner's note on a bite, as it stands after a keystroke: it replaces the earlier text (empty: no note).
    Note(NoteRecord),
    /// A rating of a bite, clear or unclear; the same record again with a comment adds the comment to it.
    Feedback(FeedbackRecord),
}

/// A note on a bite. A note whose text starts with `?` is a question for the author (`NoteRecord::is_question`).
#[derive(Debug, Clone, PartialEq)]
pub struct NoteRecord {
    pub(crate) course_id: String,
    pub(crate) lesson_id: String,
    /// 1-based, as `Position` numbers bites.
    pub(crate) bite: usize,
    pub(crate) text: String,
    pub(crate) question: bool,
    pub(crate) at: i64,
}

impl NoteRecord {
    /// The one rule of what makes a note a question for the author: its text starts with `?` (after spaces).
    pub(crate) fn is_question(text: &str) -> bool {
        text.trim_start().starts_with('?')
    }
}

/// A rating of a bite. `rated_at` names the rating: a later record with the same `rated_at` gives its comment.
#[derive(Debug, Clone, PartialEq)]
pub struct FeedbackRecord {
    pub(crate) course_id: String,
    pub(crate) lesson_id: String,
    pub(crate) bite: usize,
    pub(crate) clear: bool,
    /// One line, or empty.
    pub(crate) comment: String,
    pub(crate) rated_at: i64,
}

/// One review of an item, as the review log keeps it.
#[derive(Debug, Clone, PartialEq)]
pub struct ReviewRecord {
    pub course_id: String,
    pub lesson_id: String,
    pub item_id: String,
    pub kind: ItemKind,
    pub rating: Rating,
    /// A question's answer as given (empty for a skip or a card).
    pub response: String,
    pub review_kind: ReviewKind,
    pub at: i64,
    /// The learner's offset from UTC at `at`, in minutes.
    pub utc_offset_min: i32,
    pub duration_ms: i64,
    pub content_hash: String,
    /// The optimizer's `review_state` before the review (`ItemState::optimizer_state`).
    pub state_before: u8,
    /// The item's state after a graded review.
    pub state: Option<ItemState>,
}

pub use crate::learn::schedule::Rating;
use crate::learn::schedule::{ItemKind, ItemState, ReviewKind};

/// One answer attempt, or a skip.
#[derive(Debug, Clone, PartialEq)]
pub struct AnswerRecord {
    pub course_id: String,
    pub lesson_id: String,
    pub question_id: String,
    pub kind: &'static str,
    /// The response as given, in the author's words (empty for a skip).
    pub response: String,
    pub correct: bool,
    pub skipped: bool,
    /// 1 for the first pass, +1 for each retry of missed questions.
    pub round: u32,
    /// 1-based attempt within the round.
    pub attempt: u32,
    pub hint_used: bool,
    pub shown_at: i64,
    pub answered_at: i64,
}

/// Keeps records durably. `record` returns only once all of `records` are kept, together or not at all.
pub trait Journal {
    type Error;
    fn record(&mut self, records: &[Record]) -> Result<(), Self::Error>;
}

/// A journal in memory, for tests and dry runs.
#[derive(Debug, Default)]
pub struct MemoryJournal {
    pub records: Vec<Record>,
}

impl Journal for MemoryJournal {
    type Error = std::convert::Infallible;
    fn record(&mut self, records: &[Record]) -> Result<(), Self::Error> {
        self.records.extend_from_slice(records);
        Ok(())
    }
}

impl MemoryJournal {
    pub fn answers(&self) -> impl Iterator<Item = &AnswerRecord> {
        self.records.iter().filter_map(|r| match r {
            Record::Answer(a) => Some(a),
            _ => None,
        })
    }
}
