//! What a learner has done in a course, as the store saves it, and what follows from it: which lessons are complete
//! and mastered, and where each review item stands in its schedule. Pure data and rules; the store fills it, the session and `stats` read it. `apply` is the one
//! statement of what each record does to progress (the round/attempt rule of answers included): the session applies
//! its own records with it, and the store's SQL is tested against it.

use std::collections::{HashMap, HashSet};

use crate::learn::journal::{Rating, Record};
use crate::learn::schedule::{ItemKind, ItemState, ReviewKind};
use crate::pack::{Exercise, Lesson};

/// The place to come back to: lesson, bite (1-based), scroll offset in lines, and the exercise on screen (a
/// question or card id; `None` for the bite's text).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SavedPosition {
    /// The lesson's id.
    pub lesson: String,
    /// The bite's number in the lesson.
    pub bite: usize,
    /// How far the bite's text is scrolled, in lines.
    pub scroll: u16,
    /// The exercise that was showing, if one was.
    pub exercise: Option<String>,
}

/// Where a question stands: its latest round (1 for the first pass, +1 for each retry), how that round went, and
/// whether the learner knows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct QuestionProgress {
    /// The latest round: 1 for the first pass, +1 for each retry.
    pub round: u32,
    /// The first attempt of the latest round was right (a skip is not).
    pub first_try_right: bool,
    /// The very first attempt (round 1, attempt 1) was right: right on the first try, whatever came after.
    pub first_try: bool,
    /// Attempts in the latest round.
    pub attempts: u32,
    /// Counts toward mastery: the first attempt ever was right, or a scheduled review (due, so at least a day after
    /// the miss) got it right. A retry in the same sitting, after the explanation, never sets it.
    pub known: bool,
}

/// Everything saved about one course.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Progress {
    /// Where the learner was last.
    pub position: Option<SavedPosition>,
    /// `(lesson id, bite number)` of every bite reached.
    pub bites_seen: HashSet<(String, usize)>,
    /// By question id (unique in a pack).
    pub questions: HashMap<String, QuestionProgress>,
    /// Card ids that have been rated at least once.
    pub cards_rated: HashSet<String>,
    /// Where each review item (card or question, by id) stands in the schedule.
    pub items: HashMap<String, ItemState>,
    /// The course was played to its end at least once.
    pub finished: bool,
    /// The learner's notes by `(lesson id, bite number)`: the text and whether it is a question for the author.
    pub notes: HashMap<(String, usize), (String, bool)>,
}

/// A lesson's state, as `stats` and the lesson summary show it.
#[derive(Debug, Clone, PartialEq)]
pub struct LessonStatus {
    pub(crate) bites: usize,
    pub(crate) bites_seen: usize,
    pub(crate) questions: usize,
    /// Questions answered or skipped.
    pub(crate) answered: usize,
    /// Questions right on the first try: their very first attempt was right (`QuestionProgress::first_try`).
    pub first_try_right: usize,
    /// Questions known, what mastery counts: right on the first try, or later in a scheduled review
    /// (`QuestionProgress::known`).
    pub(crate) known_count: usize,
    /// Questions not right on the first try but right on the first attempt of a later round (a retry): practice,
    /// shown as such.
    pub right_on_retry: usize,
    /// Flashcards in the lesson, those rated at least once, and those recalled (rated Hard, Good or Easy) at their
    /// last graded rating, in the lesson or a review.
    pub(crate) cards: usize,
    pub(crate) cards_rated: usize,
    pub(crate) cards_recalled: usize,
    /// Every bite seen, every question answered or skipped, and every card rated.
    pub complete: bool,
    /// Complete, the share of questions known at least the pass mark, and every card recalled at its last rating.
    pub mastered: bool,
    /// Ids of the questions not right on the first try of their latest round (or not answered), in lesson order.
    pub(crate) missed: Vec<String>,
    /// Every question's id, in lesson order, with whether it is known (counts toward mastery).
    pub(crate) known: Vec<(String, bool)>,
}

impl LessonStatus {
    /// The share of questions known (1 for a lesson without questions).
    pub(crate) fn score(&self) -> f64 {
        if self.questions == 0 {
            1.0
        } else {
            self.known_count as f64 / self.questions as f64
        }
    }
}

impl Progress {
    /// The round an answer to question `id` belongs to when it is asked in the lesson's flow: its latest round,
    /// or 1 for a question never answered.
    pub(crate) fn round(&self, id: &str) -> u32 {
        self.questions.get(id).map_or(1, |p| p.round)
    }

    /// The round of a retry of question `id`: one after its latest, or 1 for a question never answered.
    pub(crate) fn next_round(&self, id: &str) -> u32 {
        self.questions.get(id).map_or(1, |p| p.round + 1)
    }

    /// What a record means for progress: the store keeps the same facts in SQL, and its tests check that loading
    /// gives what applying the records gives.
    pub fn apply(&mut self, record: &Record) {
        match record {
            Record::Position {
                lesson_id,
                bite,
                scroll,
                ..
            } => {
                self.position = Some(SavedPosition {
                    lesson: lesson_id.clone(),
                    bite: *bite,
                    scroll: *scroll,
                    exercise: None,
                });
                self.bites_seen.insert((lesson_id.clone(), *bite));
            }
            Record::Showing { exercise, .. } => {
                if let Some(position) = &mut self.position {
                    position.exercise.clone_from(exercise);
                }
            }
            Record::Answer(a) => {
                let right = a.correct && !a.skipped;
                let entry =
                    self.questions
                        .entry(a.question_id.clone())
                        .or_insert(QuestionProgress {
                            round: a.round,
                            first_try_right: right,
                            first_try: false,
                            attempts: 0,
                            known: false,
                        });
                if a.round > entry.round || (a.round == entry.round && a.attempt == 1) {
                    *entry = QuestionProgress {
                        round: a.round,
                        first_try_right: right,
                        first_try: entry.first_try,
                        attempts: 0,
                        known: entry.known,
                    };
                }
                if a.round == entry.round {
                    entry.attempts = entry.attempts.max(a.attempt);
                }
                if a.round == 1 && a.attempt == 1 && right {
                    entry.first_try = true;
                    entry.known = true;
                }
            }
            Record::Reviewed(r) => {
                if let Some(state) = r.state {
                    self.items.insert(r.item_id.clone(), state);
                }
                if r.kind == ItemKind::Question
                    && r.review_kind == ReviewKind::Scheduled
                    && r.rating >= Rating::Hard
                    && let Some(q) = self.questions.get_mut(&r.item_id)
                {
                    q.known = true;
                }
            }
            Record::CardRated { card_id, .. } => {
                self.cards_rated.insert(card_id.clone());
            }
            Record::CourseFinished { .. } => self.finished = true,
            Record::Note(n) => {
                let key = (n.lesson_id.clone(), n.bite);
                if n.text.is_empty() {
                    self.notes.remove(&key);
                } else {
                    self.notes.insert(key, (n.text.clone(), n.question));
                }
            }
            Record::CourseOpened { .. } | Record::Active { .. } | Record::Feedback(_) => {}
        }
    }

    /// How far `lesson` is done, with `pass_mark` the share of questions to get right.
    pub fn lesson_status(&self, lesson: &Lesson, pass_mark: f64) -> LessonStatus {
        let numbers: Vec<usize> = lesson.bites.iter().map(|b| b.number).collect();
        let exercises = lesson.bites.iter().flat_map(|b| &b.exercises);
        let questions = exercises.clone().filter_map(|e| match e {
            Exercise::Question(q) => Some(q.id.as_str()),
            Exercise::Card(_) => None,
        });
        let cards = exercises.filter_map(|e| match e {
            Exercise::Card(c) => Some(c.id.as_str()),
            Exercise::Question(_) => None,
        });
        self.status_of(&lesson.id, &numbers, questions, cards, pass_mark)
    }

    /// The status of a lesson known by its outline only: its id, its bites' numbers, its questions' and its cards'
    /// ids in order (a lesson index gives these without reading the lesson, `pack::glance`).
    pub(crate) fn status_of<'q>(
        &self,
        lesson_id: &str,
        bites: &[usize],
        questions: impl Iterator<Item = &'q str>,
        cards: impl Iterator<Item = &'q str>,
        pass_mark: f64,
    ) -> LessonStatus {
        let bites_seen = bites
            .iter()
            .filter(|&&n| self.bites_seen.contains(&(lesson_id.to_string(), n)))
            .count();
        let mut status = LessonStatus {
            bites: bites.len(),
            bites_seen,
            questions: 0,
            answered: 0,
            first_try_right: 0,
            known_count: 0,
            right_on_retry: 0,
            cards: 0,
            cards_rated: 0,
            cards_recalled: 0,
            complete: false,
            mastered: false,
            missed: Vec::new(),
            known: Vec::new(),
        };
        for id in cards {
            status.cards += 1;
            if self.cards_rated.contains(id) {
                status.cards_rated += 1;
            }
            if self
                .items
                .get(id)
                .is_some_and(|s| s.last_rating >= Rating::Hard)
            {
                status.cards_recalled += 1;
            }
        }
        for id in questions {
            status.questions += 1;
            status.known.push((
                id.to_string(),
                self.questions.get(id).is_some_and(|p| p.known),
            ));
            match self.questions.get(id) {
                Some(p) => {
                    status.answered += 1;
                    if p.first_try {
                        status.first_try_right += 1;
                    } else if p.first_try_right && p.round > 1 {
                        status.right_on_retry += 1;
                    }
                    if p.known {
                        status.known_count += 1;
                    }
                    if !p.first_try_right {
                        status.missed.push(id.to_string());
                    }
                }
                None => status.missed.push(id.to_string()),
            }
        }
        status.complete = status.bites_seen == status.bites
            && status.answered == status.questions
            && status.cards_rated == status.cards;
        // A small tolerance, so that 4 of 5 meets a pass mark of 0.8 despite floating point.
        status.mastered = status.complete
            && status.score() + 1e-9 >= pass_mark
            && status.cards_recalled == status.cards;
        status
    }
}
