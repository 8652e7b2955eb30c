//! Lesson packs, parsed once into typed values: `Pack → Lesson → Bite → Exercise (Question | Card)`.
//!
//! This module knows no terminal and no database. `load` reads a pack directory and returns everything it could make
//! of it together with every problem found, each with its file, line and column.

mod course;
pub mod diagnostic;
mod discover;
mod fields;
pub mod glance;
mod lesson;
mod links;
mod load;
mod objectives;
mod question;
pub(crate) mod source;
/// Synthetic packs of any size, for benchmarks, tests and examples: behind the `synth` feature, not part of the player.
#[cfg(any(test, feature = "synth"))]
pub mod synth;

use std::path::PathBuf;

pub(crate) use diagnostic::Problem;
pub use diagnostic::{Diagnostic, Severity, Site};
pub use fields::closest as closest_key;
pub use links::{is_local, markdown_options, percent_decoded};
pub use load::{LoadReport, load, load_outline};
pub(crate) use objectives::Personal;

/// The newest pack format this morsel understands.
pub(crate) const FORMAT_VERSION: i64 = 1;
/// The default share of a lesson's questions that must be right on the first try.
pub(crate) const DEFAULT_PASS_MARK: f64 = 0.8;
/// The one reading speed of every estimate, in words per minute: a lesson's minutes, `check`'s warnings, the
/// importers' cuts and the planner's default pace (`plan::Pace::DEFAULT`).
pub const WORDS_PER_MINUTE: f64 = 230.0;
/// Seconds of every estimate for a question, and for a card (the planner's defaults).
pub(crate) const SECONDS_PER_QUESTION: f64 = 20.0;
pub(crate) const SECONDS_PER_CARD: f64 = 10.0;

/// Seconds to read `words` words and do `questions` questions and `cards` cards at the default pace: whole seconds,
/// rounded up, at least one (what `learn::plan::Pace::bite_seconds` gives for the default pace).
pub(crate) fn default_bite_seconds(words: usize, questions: usize, cards: usize) -> u32 {
    let seconds = words as f64 * 60.0 / WORDS_PER_MINUTE
        + questions as f64 * SECONDS_PER_QUESTION
        + cards as f64 * SECONDS_PER_CARD;
    (seconds.ceil() as u32).max(1)
}
/// A bite that takes longer than this to read (at the planner's default reading speed) gets a warning.
pub const MAX_BITE_MINUTES: f64 = 2.0;
/// A lesson that takes longer than this (at the planner's default pace) gets a warning.
pub(crate) const MAX_LESSON_MINUTES: f64 = 15.0;

/// A pack with no errors, ready to play.
#[derive(Debug, Clone)]
pub struct Pack {
    /// The pack's directory, as given.
    pub root: PathBuf,
    /// What `course.toml` says about the course.
    pub course: Course,
    /// The lessons, in playing order.
    pub lessons: Vec<Lesson>,
}

/// What `course.toml` says about the course.
#[derive(Debug, Clone, PartialEq)]
pub struct Course {
    pub(crate) format: i64,
    /// The course's id: progress is kept under it.
    pub id: String,
    /// The course's title.
    pub title: String,
    pub(crate) version: Option<String>,
    pub(crate) summary: Option<String>,
    /// Where the course lives on the web (`homepage`), and the base of its xAPI activity ids (`iri_base`, else the
    /// homepage, else `urn:morsel:ID`).
    pub(crate) homepage: Option<String>,
    /// Base of the course's xAPI activity ids, if `course.toml` sets `iri_base`.
    pub iri_base: Option<String>,
    pub(crate) authors: Vec<String>,
    pub(crate) language: String,
    pub(crate) tags: Vec<String>,
    /// The share of a lesson's questions to get right to master it, above 0 and at most 1.
    pub pass_mark: f64,
    /// What the course means to lead to (`[[objectives]]`), in the order written.
    pub objectives: Vec<Objective>,
    /// How progress toward the objectives is measured (`[[key_results]]`), in the order written.
    pub key_results: Vec<KeyResult>,
}

/// An objective: what a group of lessons is for.
#[derive(Debug, Clone, PartialEq)]
pub struct Objective {
    pub(crate) id: String,
    pub(crate) text: String,
    /// Lesson ids, each a lesson of the pack.
    pub(crate) lessons: Vec<String>,
}

/// A key result: one measure of an objective, with the value that meets it.
#[derive(Debug, Clone, PartialEq)]
pub struct KeyResult {
    pub(crate) id: String,
    /// The id of its objective.
    pub(crate) objective: String,
    pub(crate) text: String,
    /// What it measures.
    pub measure: Measure,
    /// A share from 0 to 1, or minutes for [`Measure::PracticeMinutes`].
    pub(crate) target: f64,
}

/// What a key result measures over its objective's lessons.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Measure {
    /// The share of the lessons mastered.
    Mastery,
    /// FSRS recall probability now, averaged over the lessons' review items met so far.
    Retention,
    /// Active minutes on the lessons.
    PracticeMinutes,
    /// The share of due reviews done within a day of falling due.
    ReviewsOnTime,
}

impl Measure {
    pub(crate) const ALL: [Measure; 4] = [
        Measure::Mastery,
        Measure::Retention,
        Measure::PracticeMinutes,
        Measure::ReviewsOnTime,
    ];
    /// The names as `course.toml` writes them.
    pub(crate) const NAMES: [&'static str; 4] = [
        "mastery",
        "retention",
        "practice_minutes",
        "reviews_on_time",
    ];

    /// The name as `course.toml` writes it.
    pub fn name(self) -> &'static str {
        match self {
            Measure::Mastery => "mastery",
            Measure::Retention => "retention",
            Measure::PracticeMinutes => "practice_minutes",
            Measure::ReviewsOnTime => "reviews_on_time",
        }
    }

    pub(crate) fn parse(name: &str) -> Option<Self> {
        Measure::ALL.into_iter().find(|m| m.name() == name)
    }

    /// Whether the measure is a share (0 to 1) rather than minutes.
    pub(crate) fn is_share(self) -> bool {
        self != Measure::PracticeMinutes
    }

    /// The measure in words, for a key result's line: `mastery`, `retention`, `practice`, `reviews on time`.
    pub(crate) fn label(self) -> &'static str {
        match self {
            Measure::Mastery => "mastery",
            Measure::Retention => "retention",
            Measure::PracticeMinutes => "practice",
            Measure::ReviewsOnTime => "reviews on time",
        }
    }
}

/// One lesson file of a pack: its bites in order.
#[derive(Debug, Clone, PartialEq)]
pub struct Lesson {
    /// The lesson's id, unique in the pack: from the front matter, else the file stem.
    pub id: String,
    /// The lesson's title.
    pub title: String,
    /// Path relative to the pack's root.
    pub(crate) file: PathBuf,
    /// Estimated minutes: given in the front matter, or computed from reading time and questions.
    pub minutes: f64,
    /// The bites, in order.
    pub bites: Vec<Bite>,
}

impl Lesson {
    /// The lesson's questions, bite by bite.
    pub fn questions(&self) -> impl Iterator<Item = &Question> {
        self.bites.iter().flat_map(Bite::questions)
    }

    /// The lesson's cards, bite by bite.
    pub fn cards(&self) -> impl Iterator<Item = &Card> {
        self.bites.iter().flat_map(Bite::cards)
    }
}

/// One screenful of learning: the Markdown between two top-level thematic breaks, and the exercises in it.
#[derive(Debug, Clone, PartialEq)]
pub struct Bite {
    /// 1-based; a bite is addressed `LESSON_ID#NUMBER`.
    pub number: usize,
    /// The bite's Markdown, without its `quiz` and `card` blocks (empty in a pack loaded for `check`, `load_outline`).
    pub markdown: String,
    /// The line in the lesson file where the bite starts.
    pub(crate) line: usize,
    /// Words in the bite, for its reading time.
    pub words: usize,
    /// Questions and cards in the order they stand in the bite.
    pub exercises: Vec<Exercise>,
}

impl Bite {
    /// The bite's questions, in order.
    pub fn questions(&self) -> impl Iterator<Item = &Question> {
        self.exercises.iter().filter_map(|e| match e {
            Exercise::Question(q) => Some(q),
            Exercise::Card(_) => None,
        })
    }

    /// The bite's cards, in order.
    pub fn cards(&self) -> impl Iterator<Item = &Card> {
        self.exercises.iter().filter_map(|e| match e {
            Exercise::Card(c) => Some(c),
            Exercise::Question(_) => None,
        })
    }
}

/// A question or a card in a bite.
#[derive(Debug, Clone, PartialEq)]
pub enum Exercise {
    /// A question, graded on its answer (a `quiz` block).
    Question(Question),
    /// A card, rated by the learner on recall (a `card` block).
    Card(Card),
}

/// A question from a `quiz` block.
#[derive(Debug, Clone, PartialEq)]
pub struct Question {
    /// Stable id, unique in the pack: given by the author, or derived from the lesson id and the prompt.
    pub id: String,
    /// The question as asked, in Markdown.
    pub prompt: String,
    /// What kind of answer it takes, and the right one.
    pub kind: QuestionKind,
    /// Why the answer is right, shown after answering.
    pub explain: Option<String>,
    /// A hint the learner can ask for before answering.
    pub hint: Option<String>,
    /// The line of the block's opening fence in the lesson file.
    pub(crate) line: usize,
}

/// How a question is answered, with its right answer.
#[derive(Debug, Clone, PartialEq)]
pub enum QuestionKind {
    /// Pick one, or, when more than one choice is correct, pick all that apply.
    Choice {
        /// The choices, in the order written.
        choices: Vec<Choice>,
        /// Whether the choices are shown in a random order.
        shuffle: bool,
    },
    /// True or false.
    TrueFalse {
        /// The right answer.
        answer: bool,
    },
    /// A typed answer.
    Text {
        /// The accepted answers.
        answers: Vec<String>,
        /// Whether an answer must match the case of an accepted one.
        case_sensitive: bool,
        /// Example lines that grade the answer as a regular expression, by what it does; `None` to grade by text.
        examples: Option<Examples>,
    },
    /// Items in their right order; shown shuffled.
    Order {
        /// The items, in their right order.
        items: Vec<String>,
    },
}

impl QuestionKind {
    /// The kind as a pack writes it: `choice`, `truefalse`, `text` or `order`.
    pub fn name(&self) -> &'static str {
        match self {
            QuestionKind::Choice { .. } => "choice",
            QuestionKind::TrueFalse { .. } => "truefalse",
            QuestionKind::Text { .. } => "text",
            QuestionKind::Order { .. } => "order",
        }
    }
}

/// The example lines of a text question graded by behaviour: a typed pattern in `flavour` (quotes around it
/// dropped) is right when it matches somewhere in every line of `matches` and nowhere in any line of `rejects`.
#[derive(Debug, Clone, PartialEq)]
pub struct Examples {
    /// The regular-expression dialect the answer is written in.
    pub flavour: crate::text::pattern::Flavour,
    /// Lines a right pattern matches.
    pub matches: Vec<String>,
    /// Lines a right pattern does not match.
    pub rejects: Vec<String>,
}

/// One choice of a choice question.
#[derive(Debug, Clone, PartialEq)]
pub struct Choice {
    /// The choice as shown, in Markdown.
    pub text: String,
    /// Whether picking it is right.
    pub correct: bool,
    /// Feedback on this choice, shown after answering.
    pub feedback: Option<String>,
}

/// A flashcard from a `card` block.
#[derive(Debug, Clone, PartialEq)]
pub struct Card {
    /// Stable id, unique in the pack, like a question's.
    pub id: String,
    /// The front: the prompt to recall from.
    pub front: String,
    /// The back: what to recall.
    pub back: String,
    pub(crate) line: usize,
}

/// Whether `id` is a valid course, lesson, question or card id: `[a-z0-9][a-z0-9-]{0,63}`.
pub(crate) fn is_valid_id(id: &str) -> bool {
    let bytes = id.as_bytes();
    (1..=64).contains(&bytes.len())
        && (bytes[0].is_ascii_lowercase() || bytes[0].is_ascii_digit())
        && bytes
            .iter()
            .all(|&b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

#[cfg(test)]
mod tests {
    use super::is_valid_id;

    #[test]
    fn id_syntax() {
        assert!(is_valid_id("git-in-bites"));
        assert!(is_valid_id("01-why"));
        assert!(is_valid_id(&"a".repeat(64)));
        assert!(!is_valid_id(&"a".repeat(65)));
        assert!(!is_valid_id(""));
        assert!(!is_valid_id("-lead"));
        assert!(!is_valid_id("Upper"));
        assert!(!is_valid_id("under_score"));
        assert!(!is_valid_id("é"));
    }
}
