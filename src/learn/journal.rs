//! What the session asks to be saved. The session hands each event to a `Journal` and continues only once the
//! journal has kept it; the SQLite store is the real journal, `MemoryJournal` the one tests read back.

/// One thing a learner did, or where they are. Times are UTC milliseconds.
#[derive(Debug, Clone, PartialEq)]
pub enum Record {
    /// The learner opened a course.
    CourseOpened {
        /// Id of the course, from its course.toml.
        course_id: String,
        /// The course's title, as shown in the library.
        title: String,
        /// Where the pack was opened from.
        pack_path: String,
        /// The pack's `version` from course.toml, if it sets one.
        version: Option<String>,
        /// When it was opened.
        at: i64,
    },
    /// The learner is at this bite and scroll offset; the bite counts as seen.
    Position {
        /// Id of the course.
        course_id: String,
        /// Id of the lesson the bite is in.
        lesson_id: String,
        /// The bite, 1-based within its lesson.
        bite: usize,
        /// Lines scrolled down within the bite.
        scroll: u16,
        /// When the learner got there.
        at: i64,
    },
    /// What the saved bite shows: one of its exercises (a question or card id), or its text (`None`), so that
    /// the learner comes back to it. A `Position` shows the bite's text.
    Showing {
        /// Id of the course.
        course_id: String,
        /// The question or card id shown, or `None` for the bite's text.
        exercise: Option<String>,
        /// When it was shown.
        at: i64,
    },
    /// An answer to a question, or a skip.
    Answer(AnswerRecord),
    /// A card rated in a lesson.
    CardRated {
        /// Id of the course.
        course_id: String,
        /// Id of the lesson the card is in.
        lesson_id: String,
        /// Id of the card.
        card_id: String,
        /// How well the learner recalled it.
        rating: Rating,
        /// When it was rated.
        at: i64,
        /// Time from showing the card to rating it.
        duration_ms: i64,
    },
    /// Time on task, from `started_at` to `ended_at`; a later record with the same start extends it.
    Active {
        /// Id of the course.
        course_id: String,
        /// Id of the lesson being played.
        lesson_id: String,
        /// When the stretch of activity began.
        started_at: i64,
        /// When it last saw activity.
        ended_at: i64,
    },
    /// The learner reached the end of the course.
    CourseFinished {
        /// Id of the course.
        course_id: String,
        /// When it was finished.
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
    /// Id of the course.
    pub course_id: String,
    /// Id of the lesson the item is in.
    pub lesson_id: String,
    /// Id of the card or question reviewed.
    pub item_id: String,
    /// Card or question.
    pub kind: ItemKind,
    /// How well the learner recalled it.
    pub rating: Rating,
    /// A question's answer as given (empty for a skip or a card).
    pub response: String,
    /// Learn, scheduled, early or practice.
    pub review_kind: ReviewKind,
    /// When the review was made.
    pub at: i64,
    /// The learner's offset from UTC at `at`, in minutes.
    pub utc_offset_min: i32,
    /// Time from showing the item to the rating.
    pub duration_ms: i64,
    /// Hash of the item's content when reviewed, to tell an edited item.
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
    /// Id of the course.
    pub course_id: String,
    /// Id of the lesson the question is in.
    pub lesson_id: String,
    /// Id of the question.
    pub question_id: String,
    /// The question's kind, as written in the pack (`choice`, `truefalse`, `text`, `order`).
    pub kind: &'static str,
    /// The response as given, in the author's words (empty for a skip).
    pub response: String,
    /// Whether the answer was right.
    pub correct: bool,
    /// Whether the learner skipped the question.
    pub skipped: bool,
    /// 1 for the first pass, +1 for each retry of missed questions.
    pub round: u32,
    /// 1-based attempt within the round.
    pub attempt: u32,
    /// Whether the learner asked for the hint first.
    pub hint_used: bool,
    /// When the question was shown.
    pub shown_at: i64,
    /// When it was answered or skipped.
    pub answered_at: i64,
}

/// Keeps records durably. `record` returns only once all of `records` are kept, together or not at all.
pub trait Journal {
    /// Why keeping records failed.
    type Error;
    /// Keeps all of `records`, or none of them.
    fn record(&mut self, records: &[Record]) -> Result<(), Self::Error>;
}

/// A journal in memory, for tests and dry runs.
#[derive(Debug, Default)]
pub struct MemoryJournal {
    /// Every record kept, in order.
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
    /// The answer records kept, in order.
    pub fn answers(&self) -> impl Iterator<Item = &AnswerRecord> {
        self.records.iter().filter_map(|r| match r {
            Record::Answer(a) => Some(a),
            _ => None,
        })
    }
}
