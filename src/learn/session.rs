//! The playing session: where the learner is in a course, what is left to answer in the current bite, pausing and
//! the clock, and what each move leads to. Pure domain: every outcome is returned as a value.
//!
//! Every move goes through one path, `commit`: the move builds the records it makes and the place it leads to, the
//! `Journal` keeps the records, `Progress::apply` applies them, and only then does the session move. A move whose
//! records cannot be kept changes nothing. A bite with no text of its own opens at its first exercise that waits
//! (on advance, on back and on resume); one with nothing left to do is passed over.

use std::collections::HashSet;
use std::rc::Rc;

use crate::learn::clock::Clock;
pub(crate) use crate::learn::grade::Verdict;
use crate::learn::grade::{self, Response};
pub(crate) use crate::learn::journal::Rating;
use crate::learn::journal::{
    AnswerRecord, FeedbackRecord, Journal, NoteRecord, Record, ReviewRecord,
};
use crate::learn::progress::{LessonStatus, Progress};
use crate::learn::schedule::{self, ItemState, ReviewKind, Scheduler};
use crate::pack::{Bite, Exercise, Lesson, Pack, Question, QuestionKind};

/// How to open a course.
#[derive(Debug, Clone, Default)]
pub struct OpenOptions {
    /// Start at the first bite of this lesson.
    pub lesson: Option<String>,
    /// Start at the first bite of the course (or of `lesson`), whatever was saved, and do it again: questions and
    /// cards done before are asked again, as practice (a new round, never a first try; the schedule does not move).
    pub restart: bool,
    /// With `lesson`: start at this bite of it (1-based; clamped to the lesson).
    pub bite: Option<usize>,
}

/// Why a course cannot be opened.
#[derive(Debug, thiserror::Error)]
pub enum OpenError<E> {
    /// No lesson has this id.
    #[error("this course has no lesson `{0}`")]
    NoSuchLesson(String),
    /// The course has no lessons.
    #[error("this course has no lessons")]
    Empty,
    /// The journal could not be read.
    #[error(transparent)]
    Journal(E),
}

/// What moving forward led to.
#[derive(Debug, Clone, PartialEq)]
#[must_use]
pub enum Advance {
    /// The next bite is showing: its text, or for a bite with no text its first exercise.
    NextBite,
    /// An exercise of this bite (or of the retry) is showing.
    Exercise,
    /// The current exercise needs an answer, a rating or a skip first.
    NeedsAnswer,
    /// The last bite of the lesson is done; the lesson summary is showing.
    LessonDone(LessonStatus),
    /// The next lesson's first bite is showing (its text, or its first exercise).
    NextLesson,
    /// The course summary is showing.
    CourseDone,
}

/// What moving back led to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[must_use]
pub enum Back {
    /// From an exercise or a summary back to the bite's text (for a bite with no text, from a summary to its
    /// exercise still waiting).
    ToText,
    /// Back to the previous bite.
    PreviousBite,
    /// Back to the last bite of the previous lesson.
    PreviousLesson,
    /// Already at the first bite of the course: nothing moved.
    AtStart,
}

/// What is on screen, as far as the domain cares.
#[derive(Debug, Clone, PartialEq)]
pub enum Stage {
    /// Reading the bite's text.
    Reading,
    /// Doing an exercise.
    Exercise(ExerciseState),
    /// The lesson's summary.
    Summary(LessonStatus),
    /// Past the last lesson: the course's summary.
    CourseDone,
}

/// The exercise being shown.
#[derive(Debug, Clone, PartialEq)]
pub struct ExerciseState {
    /// Index of the bite in the lesson, and of the exercise in the bite.
    pub(crate) bite: usize,
    pub(crate) index: usize,
    /// The order choices or items are shown in: `shown[n]` is the author's index shown as number `n + 1`.
    pub shown: Vec<usize>,
    pub(crate) shown_at: i64,
    pub(crate) hint_used: bool,
    pub(crate) attempt: u32,
    pub(crate) round: u32,
    /// How the last answer was graded, once there is one.
    pub verdict: Option<Verdict>,
    /// For a card: the back is showing.
    pub(crate) revealed: bool,
}

/// Why the clock is stopped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Pause {
    /// The learner paused, or the session was closed.
    Asked,
    /// The learner was idle: the player paused itself, as of the last key ("Paused after 5 minutes without a key").
    Idle,
}

/// The clock of time on task.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Timer {
    /// Counting since `since`.
    Running {
        since: i64,
    },
    Paused(Pause),
}

/// Missed questions being asked again, in a shuffled order.
#[derive(Debug, Clone, PartialEq)]
struct Retry {
    queue: Vec<(usize, usize)>,
    at: usize,
}

/// Everything a move changes: the place, what is on screen, the retry and the clock. A move builds the `At` it
/// leads to and hands it to `commit` with its records.
#[derive(Debug, Clone, PartialEq)]
struct At {
    lesson: usize,
    bite: usize,
    scroll: u16,
    stage: Stage,
    retry: Option<Retry>,
    timer: Timer,
}

/// A course being played: where the learner is, what they did, and the clock.
pub struct Session {
    pack: Pack,
    progress: Progress,
    clock: Rc<dyn Clock>,
    rng: fastrand::Rng,
    at: At,
    last_activity: i64,
    /// `(complete, mastered)` of every lesson, kept current as events happen, so that showing the course's progress
    /// costs nothing however many lessons the pack has.
    standing: Vec<(bool, bool)>,
    /// FSRS with the learner's parameters and desired retention.
    scheduler: Scheduler,
    /// Items graded in this sitting: a later attempt at one is practice.
    graded: HashSet<String>,
    /// With `restart`: questions and cards done before this sitting and not yet done again in it. They wait again,
    /// and doing them is practice.
    again: HashSet<String>,
}

impl Session {
    /// Opens a course where the learner left it: the saved lesson, bite and scroll offset; a finished course at its
    /// first unmastered lesson; `options` can ask for a lesson or a restart instead. A bite with no text opens at
    /// its first exercise that waits.
    pub fn open<J: Journal>(
        pack: Pack,
        progress: Progress,
        clock: Rc<dyn Clock>,
        options: &OpenOptions,
        journal: &mut J,
    ) -> Result<Self, OpenError<J::Error>> {
        if pack.lessons.is_empty() {
            return Err(OpenError::Empty);
        }
        let (lesson, bite, scroll) = start_point(&pack, &progress, options)?;
        let now = clock.now_ms();
        let mut session = Self {
            rng: fastrand::Rng::with_seed(now as u64),
            pack,
            progress,
            clock,
            at: At {
                lesson,
                bite,
                scroll,
                stage: Stage::Reading,
                retry: None,
                timer: Timer::Running { since: now },
            },
            last_activity: now,
            standing: Vec::new(),
            scheduler: Scheduler::default(),
            graded: HashSet::new(),
            again: HashSet::new(),
        };
        if options.restart {
            let progress = &session.progress;
            session.again = progress
                .questions
                .keys()
                .chain(&progress.cards_rated)
                .cloned()
                .collect();
        }
        session.standing = (0..session.pack.lessons.len())
            .map(|i| session.standing_of(i))
            .collect();
        let mut to = session.at.clone();
        let mut records = vec![
            Record::CourseOpened {
                course_id: session.pack.course.id.clone(),
                title: session.pack.course.title.clone(),
                pack_path: session.pack.root.display().to_string(),
                version: session.pack.course.version.clone(),
                at: now,
            },
            session.position_record(&to, now),
        ];
        session.land_forward(&mut to, &mut records, now);
        if let Some(index) = session.resumed_exercise(&to, options) {
            to.stage = session.show(to.lesson, to.bite, index, false, now);
        }
        records.push(session.active_record(&to, now));
        session
            .commit(records, to, Some(now), journal)
            .map_err(OpenError::Journal)?;
        Ok(session)
    }

    /// Opening where the learner left off, on an exercise of the saved bite: that exercise if it still waits,
    /// else the next of the bite that does (`None`: the bite opens as it would anyway).
    fn resumed_exercise(&self, to: &At, options: &OpenOptions) -> Option<usize> {
        let opening = matches!(to.stage, Stage::Reading | Stage::Exercise(_));
        if options.lesson.is_some() || options.restart || !opening {
            return None;
        }
        let saved = self.progress.position.as_ref()?;
        let lesson = &self.pack.lessons[to.lesson];
        if lesson.id != saved.lesson || to.bite + 1 != saved.bite {
            return None;
        }
        let id = saved.exercise.as_deref()?;
        let index = lesson.bites[to.bite]
            .exercises
            .iter()
            .position(|e| schedule::item_of(e).0 == id)?;
        self.next_pending(to.lesson, to.bite, index)
    }

    /// The exercise `at` shows in its own bite, outside a retry: what a resume comes back to.
    fn showing(&self, at: &At) -> Option<String> {
        match &at.stage {
            Stage::Exercise(state) if at.retry.is_none() && state.bite == at.bite => {
                let exercise = &self.pack.lessons[at.lesson].bites[at.bite].exercises[state.index];
                Some(schedule::item_of(exercise).0.to_string())
            }
            _ => None,
        }
    }

    /// Seeds the shuffling of choices and items, for tests.
    pub fn seed(&mut self, seed: u64) {
        self.rng = fastrand::Rng::with_seed(seed);
    }

    /// Schedules reviews with these FSRS parameters and retention instead of the defaults.
    pub(crate) fn set_scheduler(&mut self, scheduler: Scheduler) {
        self.scheduler = scheduler;
    }

    pub(crate) fn scheduler(&self) -> &Scheduler {
        &self.scheduler
    }

    /// The course being played.
    pub fn pack(&self) -> &Pack {
        &self.pack
    }

    pub(crate) fn progress(&self) -> &Progress {
        &self.progress
    }

    /// The lesson on screen.
    pub fn lesson(&self) -> &Lesson {
        &self.pack.lessons[self.at.lesson]
    }

    /// The index of the lesson on screen in the pack.
    pub fn lesson_index(&self) -> usize {
        self.at.lesson
    }

    /// The bite on screen (during a retry, the bite of the question being retried).
    pub fn bite(&self) -> &Bite {
        let index = match &self.at.stage {
            Stage::Exercise(state) => state.bite,
            _ => self.at.bite,
        };
        &self.lesson().bites[index]
    }

    pub(crate) fn scroll(&self) -> u16 {
        self.at.scroll
    }

    /// What is on screen in the bite.
    pub fn stage(&self) -> &Stage {
        &self.at.stage
    }

    pub(crate) fn is_paused(&self) -> bool {
        matches!(self.at.timer, Timer::Paused(_))
    }

    /// Why the clock is stopped, if it is: asked for, or after the learner was idle.
    pub(crate) fn paused(&self) -> Option<Pause> {
        match self.at.timer {
            Timer::Paused(why) => Some(why),
            Timer::Running { .. } => None,
        }
    }

    /// The learner is retrying the questions they missed.
    pub fn in_retry(&self) -> bool {
        self.at.retry.is_some()
    }

    /// The exercise on screen with its state.
    pub fn exercise(&self) -> Option<(&Exercise, &ExerciseState)> {
        match &self.at.stage {
            Stage::Exercise(state) => Some((
                &self.lesson().bites[state.bite].exercises[state.index],
                state,
            )),
            _ => None,
        }
    }

    /// How many lessons are complete, and how many mastered.
    pub(crate) fn course_standing(&self) -> (usize, usize) {
        let complete = self.standing.iter().filter(|s| s.0).count();
        let mastered = self.standing.iter().filter(|s| s.1).count();
        (complete, mastered)
    }

    fn standing_of(&self, lesson: usize) -> (bool, bool) {
        let status = self
            .progress
            .lesson_status(&self.pack.lessons[lesson], self.pack.course.pass_mark);
        (status.complete, status.mastered)
    }

    /// Notes a key that changes nothing in the session (a typed letter, a picked choice), so that the idle pause
    /// and time on task count it.
    pub(crate) fn note_activity(&mut self) {
        let now = self.clock.now_ms();
        self.settle(self.resumed(now), now);
    }

    /// The time of the learner's last action, for the idle auto-pause.
    pub(crate) fn last_activity(&self) -> i64 {
        self.last_activity
    }

    /// Moves forward: from a bite's text to its exercises, from one exercise to the next, from bite to bite, and at
    /// the end of a lesson to its summary. An unanswered question holds the learner until answered or skipped.
    pub fn advance<J: Journal>(&mut self, journal: &mut J) -> Result<Advance, J::Error> {
        let now = self.clock.now_ms();
        let mut to = self.resumed(now);
        let mut records = Vec::new();
        let outcome = match &self.at.stage {
            Stage::Reading => match self.next_pending(to.lesson, to.bite, 0) {
                Some(index) => {
                    to.stage = self.show(to.lesson, to.bite, index, false, now);
                    Advance::Exercise
                }
                None => self.next_bite(&mut to, &mut records, now),
            },
            Stage::Exercise(state) => {
                if state.verdict.is_none() {
                    self.settle(to, now);
                    return Ok(Advance::NeedsAnswer);
                }
                let (bite, index) = (state.bite, state.index);
                if let Some(retry) = &mut to.retry {
                    retry.at += 1;
                    match retry.queue.get(retry.at).copied() {
                        Some((bite, index)) => {
                            to.stage = self.show(to.lesson, bite, index, true, now);
                            Advance::Exercise
                        }
                        None => {
                            to.retry = None;
                            to.stage = self.summary(to.lesson);
                            Advance::LessonDone(self.status(to.lesson))
                        }
                    }
                } else {
                    match self.next_pending(to.lesson, bite, index + 1) {
                        Some(next) => {
                            to.stage = self.show(to.lesson, bite, next, false, now);
                            Advance::Exercise
                        }
                        None => self.next_bite(&mut to, &mut records, now),
                    }
                }
            }
            Stage::Summary(_) => {
                if to.lesson + 1 < self.pack.lessons.len() {
                    let next = to.lesson + 1;
                    self.move_to(&mut to, &mut records, next, 0, 0, now);
                    self.land_forward(&mut to, &mut records, now);
                    Advance::NextLesson
                } else {
                    records.push(Record::CourseFinished {
                        course_id: self.pack.course.id.clone(),
                        at: now,
                    });
                    to.stage = Stage::CourseDone;
                    Advance::CourseDone
                }
            }
            Stage::CourseDone => {
                self.settle(to, now);
                return Ok(Advance::CourseDone);
            }
        };
        records.push(self.active_record(&to, now));
        self.commit(records, to, Some(now), journal)?;
        Ok(match (outcome, &self.at.stage) {
            // The summary as committed, with every record of the move applied.
            (Advance::LessonDone(_), Stage::Summary(status)) => Advance::LessonDone(status.clone()),
            (outcome, _) => outcome,
        })
    }

    /// Whether `advance` (`forward`) or `back` from here would show another bite or lesson, rather than more of
    /// this bite or its lesson's summary: a time box that has run out ends before such a move, so that a bite it
    /// never shows is not recorded as seen.
    pub(crate) fn leaves_bite(&self, forward: bool) -> bool {
        let (lesson, bite) = (self.at.lesson, self.at.bite);
        let bites = self.pack.lessons[lesson].bites.len();
        let prose = has_prose(&self.pack.lessons[lesson].bites[bite]);
        match (&self.at.stage, forward) {
            (Stage::Reading, true) => {
                self.next_pending(lesson, bite, 0).is_none() && bite + 1 < bites
            }
            (Stage::Exercise(state), true) => {
                state.verdict.is_some()
                    && self.at.retry.is_none()
                    && self
                        .next_pending(lesson, state.bite, state.index + 1)
                        .is_none()
                    && bite + 1 < bites
            }
            (Stage::Summary(_), true) => lesson + 1 < self.pack.lessons.len(),
            (Stage::CourseDone, true) => false,
            (Stage::Reading, false) => true,
            (Stage::Summary(_) | Stage::CourseDone, false) => {
                !prose && self.next_pending(lesson, bite, 0).is_none()
            }
            (Stage::Exercise(_), false) => !prose,
        }
    }

    /// Moves back: from an exercise or a summary to the bite's text, from a bite to the one before. Bites with no
    /// text and nothing waiting are passed over.
    pub fn back<J: Journal>(&mut self, journal: &mut J) -> Result<Back, J::Error> {
        let now = self.clock.now_ms();
        let mut to = self.resumed(now);
        to.retry = None;
        let mut records = Vec::new();
        let here = (self.at.lesson, self.at.bite);
        let prose = has_prose(&self.pack.lessons[here.0].bites[here.1]);
        let outcome = match &self.at.stage {
            Stage::Exercise(_) | Stage::Summary(_) | Stage::CourseDone if prose => {
                to.stage = Stage::Reading;
                Some(Back::ToText)
            }
            Stage::Summary(_) | Stage::CourseDone => match self.next_pending(here.0, here.1, 0) {
                Some(index) => {
                    to.stage = self.show(here.0, here.1, index, false, now);
                    Some(Back::ToText)
                }
                None => self.land_back(&mut to, &mut records, here, now),
            },
            Stage::Exercise(_) | Stage::Reading => self.land_back(&mut to, &mut records, here, now),
        };
        let Some(outcome) = outcome else {
            self.settle(self.resumed(now), now);
            return Ok(Back::AtStart);
        };
        records.push(self.active_record(&to, now));
        self.commit(records, to, Some(now), journal)?;
        Ok(outcome)
    }

    /// Grades an answer to the question on screen and records it. `None` when no question is waiting for one.
    pub fn answer<J: Journal>(
        &mut self,
        response: &Response,
        journal: &mut J,
    ) -> Result<Option<Verdict>, J::Error> {
        let Some((question, state)) = self.waiting_question() else {
            return Ok(None);
        };
        let verdict = grade::verdict(&question.kind, &state.shown, response);
        let described = response.describe(&question.kind);
        let question = question.clone();
        self.record_answer(&question, described, verdict, journal)
            .map(Some)
    }

    /// Skips the question on screen (recorded, and counted as not right), or a card without rating it.
    pub fn skip<J: Journal>(&mut self, journal: &mut J) -> Result<bool, J::Error> {
        if let Some((question, state)) = self.waiting_question() {
            let verdict = grade::skipped(&question.kind, &state.shown);
            let question = question.clone();
            self.record_answer(&question, String::new(), verdict, journal)?;
            return Ok(true);
        }
        let now = self.clock.now_ms();
        let mut to = self.resumed(now);
        let is_card = matches!(self.exercise(), Some((Exercise::Card(_), _)));
        let skipped = match &mut to.stage {
            Stage::Exercise(state) if is_card && state.verdict.is_none() => {
                state.verdict = Some(Verdict::bare(false, true));
                true
            }
            _ => false,
        };
        self.settle(to, now);
        Ok(skipped)
    }

    /// After a wrong answer, asks the same question again, its shuffled choices or items in a new order. Only the
    /// first attempt counts toward mastery.
    pub fn try_again(&mut self) -> bool {
        let now = self.clock.now_ms();
        let mut to = self.resumed(now);
        let kind = match self.exercise() {
            Some((Exercise::Question(q), _)) => q.kind.clone(),
            _ => return false,
        };
        let Stage::Exercise(state) = &mut to.stage else {
            return false;
        };
        if state.verdict.as_ref().is_none_or(|v| v.correct) {
            return false;
        }
        state.verdict = None;
        state.attempt += 1;
        state.shown_at = now;
        state.shown = shown_order(&kind, &mut self.rng, Some(&state.shown));
        self.settle(to, now);
        true
    }

    /// The hint of the question waiting for an answer; asking for it is recorded with the answer.
    pub fn hint(&mut self) -> Option<String> {
        let now = self.clock.now_ms();
        let mut to = self.resumed(now);
        let hint = self.waiting_question().and_then(|(q, _)| q.hint.clone());
        if hint.is_some()
            && let Stage::Exercise(state) = &mut to.stage
        {
            state.hint_used = true;
        }
        self.settle(to, now);
        hint
    }

    /// Shows the back of the card on screen.
    pub fn reveal(&mut self) -> bool {
        let now = self.clock.now_ms();
        let mut to = self.resumed(now);
        let is_card = matches!(self.exercise(), Some((Exercise::Card(_), _)));
        let revealed = match &mut to.stage {
            Stage::Exercise(state) if is_card => {
                state.revealed = true;
                true
            }
            _ => false,
        };
        self.settle(to, now);
        revealed
    }

    /// Rates recall of the card on screen, once its back is showing. `false` when no card waits for a rating.
    pub fn rate<J: Journal>(&mut self, rating: Rating, journal: &mut J) -> Result<bool, J::Error> {
        let now = self.clock.now_ms();
        let mut to = self.resumed(now);
        let card = match self.exercise() {
            Some((Exercise::Card(card), state)) if state.revealed && state.verdict.is_none() => {
                card.clone()
            }
            _ => {
                self.settle(to, now);
                return Ok(false);
            }
        };
        let Stage::Exercise(state) = &mut to.stage else {
            return Ok(false);
        };
        let record = Record::CardRated {
            course_id: self.pack.course.id.clone(),
            lesson_id: self.lesson().id.clone(),
            card_id: card.id.clone(),
            rating,
            at: now,
            duration_ms: now - state.shown_at,
        };
        let shown_at = state.shown_at;
        state.verdict = Some(Verdict::bare(rating.remembered(), false));
        let was_graded = self.graded.contains(&card.id);
        let review = self.review_record(
            &Exercise::Card(card.clone()),
            rating,
            String::new(),
            shown_at,
            now,
        );
        let active = self.active_record(&to, now);
        if let Err(e) = self.commit(vec![record, review, active], to, Some(now), journal) {
            if !was_graded {
                self.graded.remove(&card.id);
            }
            return Err(e);
        }
        self.done_again(&card.id);
        Ok(true)
    }

    /// At a lesson summary, asks the missed questions again, shuffled. `false` when nothing was missed.
    pub fn retry_missed<J: Journal>(&mut self, journal: &mut J) -> Result<bool, J::Error> {
        let now = self.clock.now_ms();
        let mut to = self.resumed(now);
        let mut queue: Vec<(usize, usize)> = match &self.at.stage {
            Stage::Summary(status) => status
                .missed
                .iter()
                .filter_map(|id| self.find_question(id))
                .collect(),
            _ => Vec::new(),
        };
        if queue.is_empty() {
            self.settle(to, now);
            return Ok(false);
        }
        self.rng.shuffle(&mut queue);
        let (bite, index) = queue[0];
        to.retry = Some(Retry { queue, at: 0 });
        to.stage = self.show(to.lesson, bite, index, true, now);
        let active = self.active_record(&to, now);
        self.commit(vec![active], to, Some(now), journal)?;
        Ok(true)
    }

    /// Saves a new scroll offset of the bite's text.
    pub fn scroll_to<J: Journal>(&mut self, scroll: u16, journal: &mut J) -> Result<(), J::Error> {
        let now = self.clock.now_ms();
        let mut to = self.resumed(now);
        if scroll == to.scroll {
            self.settle(to, now);
            return Ok(());
        }
        to.scroll = scroll;
        let records = vec![self.position_record(&to, now), self.active_record(&to, now)];
        self.commit(records, to, Some(now), journal)
    }

    /// Saves the learner's note on the bite on screen as it stands now (empty: no note); a note starting with `?`
    /// is a question for the author. The session stays where it is.
    pub fn note<J: Journal>(&mut self, text: &str, journal: &mut J) -> Result<(), J::Error> {
        let now = self.clock.now_ms();
        let to = self.resumed(now);
        let record = Record::Note(NoteRecord {
            course_id: self.pack.course.id.clone(),
            lesson_id: self.lesson().id.clone(),
            bite: self.bite().number,
            text: text.to_string(),
            question: NoteRecord::is_question(text),
            at: now,
        });
        let records = vec![record, self.active_record(&to, now)];
        self.commit(records, to, Some(now), journal)
    }

    /// Rates the bite on screen clear or unclear; `rated_at` of an earlier rating gives that rating its comment.
    /// Returns the rating's time, which names it.
    pub fn rate_bite<J: Journal>(
        &mut self,
        clear: bool,
        comment: &str,
        rated_at: Option<i64>,
        journal: &mut J,
    ) -> Result<i64, J::Error> {
        let now = self.clock.now_ms();
        let to = self.resumed(now);
        let rated_at = rated_at.unwrap_or(now);
        let record = Record::Feedback(FeedbackRecord {
            course_id: self.pack.course.id.clone(),
            lesson_id: self.lesson().id.clone(),
            bite: self.bite().number,
            clear,
            comment: comment.to_string(),
            rated_at,
        });
        let records = vec![record, self.active_record(&to, now)];
        self.commit(records, to, Some(now), journal)?;
        Ok(rated_at)
    }

    /// Stops the clock: time paused is not time on task.
    pub fn pause<J: Journal>(&mut self, journal: &mut J) -> Result<(), J::Error> {
        let now = self.clock.now_ms();
        self.stop_clock(now, Pause::Asked, journal)
    }

    /// Pauses as of the last action, after the learner has been idle: the idle minutes are not time on task, and
    /// `paused()` says the pause was not asked for.
    pub fn pause_idle<J: Journal>(&mut self, journal: &mut J) -> Result<(), J::Error> {
        self.stop_clock(self.last_activity, Pause::Idle, journal)
    }

    /// Starts the clock again.
    pub fn resume<J: Journal>(&mut self, journal: &mut J) -> Result<(), J::Error> {
        let now = self.clock.now_ms();
        let to = self.resumed(now);
        let records = if self.is_paused() {
            vec![self.active_record(&to, now)]
        } else {
            Vec::new()
        };
        self.commit(records, to, Some(now), journal)
    }

    /// Saves the end of the current span of active time, before quitting.
    pub fn close<J: Journal>(&mut self, journal: &mut J) -> Result<(), J::Error> {
        let now = self.clock.now_ms();
        self.stop_clock(now, Pause::Asked, journal)
    }

    fn stop_clock<J: Journal>(
        &mut self,
        end: i64,
        why: Pause,
        journal: &mut J,
    ) -> Result<(), J::Error> {
        let Timer::Running { since } = self.at.timer else {
            return Ok(());
        };
        let record = Record::Active {
            course_id: self.pack.course.id.clone(),
            lesson_id: self.lesson().id.clone(),
            started_at: since,
            ended_at: end.max(since),
        };
        let mut to = self.at.clone();
        to.timer = Timer::Paused(why);
        self.commit(vec![record], to, None, journal)
    }

    /// The one way a move happens: the journal keeps `records` (all or none), progress applies them, and only then
    /// does the session stand at `to`. `activity` is the time of the learner's action, if the move is one.
    fn commit<J: Journal>(
        &mut self,
        mut records: Vec<Record>,
        mut to: At,
        activity: Option<i64>,
        journal: &mut J,
    ) -> Result<(), J::Error> {
        // What the saved bite shows follows the move (a move with nothing to record never changes it).
        let moved = records.iter().any(|r| matches!(r, Record::Position { .. }));
        let saved = match &self.progress.position {
            Some(p) if !moved => p.exercise.clone(),
            _ => None,
        };
        let showing = self.showing(&to);
        if !records.is_empty() && showing != saved {
            records.push(Record::Showing {
                course_id: self.pack.course.id.clone(),
                exercise: showing,
                at: activity.unwrap_or_else(|| self.clock.now_ms()),
            });
        }
        if !records.is_empty() {
            journal.record(&records)?;
        }
        for record in &records {
            self.progress.apply(record);
        }
        if let Stage::Summary(status) = &mut to.stage {
            *status = self.status(to.lesson);
        }
        let before = self.at.lesson;
        self.at = to;
        if !records.is_empty() {
            self.restand(before);
            self.restand(self.at.lesson);
        }
        if let Some(now) = activity {
            self.last_activity = now;
        }
        Ok(())
    }

    /// A move with nothing to record (a hint, a card's back, a retry of the same question): `commit` with no
    /// records, which cannot fail.
    fn settle(&mut self, to: At, now: i64) {
        let Ok(()) = self.commit(Vec::new(), to, Some(now), &mut NothingToKeep);
    }

    /// Where the session stands for a move made at `now`: as now, with a paused clock started again (the move's
    /// records carry the new span).
    fn resumed(&self, now: i64) -> At {
        let mut at = self.at.clone();
        if let Timer::Paused(_) = at.timer {
            at.timer = Timer::Running { since: now };
        }
        at
    }

    /// Brings a lesson's standing up to date after an event.
    fn restand(&mut self, lesson: usize) {
        let standing = self.standing_of(lesson);
        if let Some(slot) = self.standing.get_mut(lesson) {
            *slot = standing;
        }
    }

    fn status(&self, lesson: usize) -> LessonStatus {
        self.progress
            .lesson_status(&self.pack.lessons[lesson], self.pack.course.pass_mark)
    }

    /// The summary of `lesson`; `commit` brings its status up to date once the move's records are applied.
    fn summary(&self, lesson: usize) -> Stage {
        Stage::Summary(self.status(lesson))
    }

    fn active_record(&self, at: &At, now: i64) -> Record {
        let start = match at.timer {
            Timer::Running { since } => since,
            Timer::Paused(_) => now,
        };
        Record::Active {
            course_id: self.pack.course.id.clone(),
            lesson_id: self.pack.lessons[at.lesson].id.clone(),
            started_at: start,
            ended_at: now.max(start),
        }
    }

    fn position_record(&self, at: &At, now: i64) -> Record {
        Record::Position {
            course_id: self.pack.course.id.clone(),
            lesson_id: self.pack.lessons[at.lesson].id.clone(),
            bite: at.bite + 1,
            scroll: at.scroll,
            at: now,
        }
    }

    /// Moves `to` to a bite's text and records the position; a new lesson closes the span of active time of the
    /// one before and starts its own.
    fn move_to(
        &self,
        to: &mut At,
        records: &mut Vec<Record>,
        lesson: usize,
        bite: usize,
        scroll: u16,
        now: i64,
    ) {
        if lesson != to.lesson {
            records.push(self.active_record(to, now));
            to.timer = Timer::Running { since: now };
            to.lesson = lesson;
        }
        to.bite = bite;
        to.scroll = scroll;
        to.stage = Stage::Reading;
        to.retry = None;
        records.push(self.position_record(to, now));
    }

    /// After arriving at `to`'s bite going forward: a bite with text shows it; one without shows its first exercise
    /// that waits, or is passed over to the next bite, or at the lesson's end to its summary. `false` when it ends
    /// at the summary.
    fn land_forward(&mut self, to: &mut At, records: &mut Vec<Record>, now: i64) -> bool {
        loop {
            let bites = &self.pack.lessons[to.lesson].bites;
            if has_prose(&bites[to.bite]) {
                return true;
            }
            if let Some(index) = self.next_pending(to.lesson, to.bite, 0) {
                to.stage = self.show(to.lesson, to.bite, index, false, now);
                return true;
            }
            if to.bite + 1 < bites.len() {
                let (lesson, bite) = (to.lesson, to.bite + 1);
                self.move_to(to, records, lesson, bite, 0, now);
            } else {
                to.stage = self.summary(to.lesson);
                return false;
            }
        }
    }

    /// Going back from `from`: the nearest bite before it with text, or with an exercise that waits (shown at
    /// once). `None` when there is none: already at the start.
    fn land_back(
        &mut self,
        to: &mut At,
        records: &mut Vec<Record>,
        from: (usize, usize),
        now: i64,
    ) -> Option<Back> {
        let (mut lesson, mut bite) = from;
        loop {
            if bite > 0 {
                bite -= 1;
            } else if lesson > 0 {
                lesson -= 1;
                bite = self.pack.lessons[lesson].bites.len().checked_sub(1)?;
            } else {
                return None;
            }
            let pending = self.next_pending(lesson, bite, 0);
            if has_prose(&self.pack.lessons[lesson].bites[bite]) || pending.is_some() {
                self.move_to(to, records, lesson, bite, 0, now);
                if !has_prose(&self.pack.lessons[lesson].bites[bite])
                    && let Some(index) = pending
                {
                    to.stage = self.show(lesson, bite, index, false, now);
                }
                return Some(if lesson == from.0 {
                    Back::PreviousBite
                } else {
                    Back::PreviousLesson
                });
            }
        }
    }

    fn next_bite(&mut self, to: &mut At, records: &mut Vec<Record>, now: i64) -> Advance {
        let bites = self.pack.lessons[to.lesson].bites.len();
        if to.bite + 1 < bites {
            let (lesson, bite) = (to.lesson, to.bite + 1);
            self.move_to(to, records, lesson, bite, 0, now);
            if self.land_forward(to, records, now) {
                return Advance::NextBite;
            }
        } else {
            to.stage = self.summary(to.lesson);
        }
        Advance::LessonDone(self.status(to.lesson))
    }

    /// The first exercise of a bite from `from` on that still waits: a question never answered or skipped, or a
    /// card never rated.
    fn next_pending(&self, lesson: usize, bite: usize, from: usize) -> Option<usize> {
        let exercises = &self.pack.lessons[lesson].bites[bite].exercises;
        (from..exercises.len()).find(|&i| match &exercises[i] {
            Exercise::Question(q) => {
                !self.progress.questions.contains_key(&q.id) || self.again.contains(&q.id)
            }
            Exercise::Card(c) => {
                !self.progress.cards_rated.contains(&c.id) || self.again.contains(&c.id)
            }
        })
    }

    /// An item done again after a restart waits no more; later attempts at it in this sitting are practice too.
    fn done_again(&mut self, id: &str) {
        if self.again.remove(id) {
            self.graded.insert(id.to_string());
        }
    }

    /// Whether the bite on screen still has a question or card waiting: what "next" leads to from its text.
    pub(crate) fn exercises_wait(&self) -> bool {
        self.next_pending(self.at.lesson, self.at.bite, 0).is_some()
    }

    fn find_question(&self, id: &str) -> Option<(usize, usize)> {
        self.lesson()
            .bites
            .iter()
            .enumerate()
            .find_map(|(b, bite)| {
                bite.exercises
                    .iter()
                    .position(|e| matches!(e, Exercise::Question(q) if q.id == id))
                    .map(|i| (b, i))
            })
    }

    /// The stage showing an exercise, its choices or items in a fresh order. A question's round comes from
    /// progress: its latest round in the lesson's flow, the one after in a retry.
    fn show(&mut self, lesson: usize, bite: usize, index: usize, retry: bool, now: i64) -> Stage {
        let (shown, round) = match &self.pack.lessons[lesson].bites[bite].exercises[index] {
            Exercise::Question(q) => (
                shown_order(&q.kind, &mut self.rng, None),
                if retry || self.again.contains(&q.id) {
                    self.progress.next_round(&q.id)
                } else {
                    self.progress.round(&q.id)
                },
            ),
            Exercise::Card(_) => (Vec::new(), 1),
        };
        Stage::Exercise(ExerciseState {
            bite,
            index,
            shown,
            shown_at: now,
            hint_used: false,
            attempt: 1,
            round,
            verdict: None,
            revealed: false,
        })
    }

    fn waiting_question(&self) -> Option<(&Question, &ExerciseState)> {
        match self.exercise() {
            Some((Exercise::Question(q), state)) if state.verdict.is_none() => Some((q, state)),
            _ => None,
        }
    }

    /// The review of the exercise on screen: graded when it is the item's first in this sitting (its schedule
    /// moves), practice otherwise. Marks the item graded.
    fn review_record(
        &mut self,
        exercise: &Exercise,
        rating: Rating,
        response: String,
        shown_at: i64,
        now: i64,
    ) -> Record {
        let (id, kind) = schedule::item_of(exercise);
        let previous = self.progress.items.get(id);
        // Done again after a restart: practice, as a retry is.
        let first = !self.again.contains(id) && self.graded.insert(id.to_string());
        let (review_kind, state) = if first {
            (
                ReviewKind::of(previous, now),
                Some(self.scheduler.next(previous, rating, now)),
            )
        } else {
            (ReviewKind::Practice, None)
        };
        Record::Reviewed(ReviewRecord {
            course_id: self.pack.course.id.clone(),
            lesson_id: self.lesson().id.clone(),
            item_id: id.to_string(),
            kind,
            rating,
            response,
            review_kind,
            at: now,
            utc_offset_min: self.clock.utc_offset_min(now),
            duration_ms: (now - shown_at).max(0),
            content_hash: schedule::item_hash(exercise),
            state_before: ItemState::optimizer_state(previous),
            state,
        })
    }

    fn record_answer<J: Journal>(
        &mut self,
        question: &Question,
        response: String,
        verdict: Verdict,
        journal: &mut J,
    ) -> Result<Verdict, J::Error> {
        let now = self.clock.now_ms();
        let mut to = self.resumed(now);
        let Stage::Exercise(state) = &mut to.stage else {
            return Ok(verdict);
        };
        let given = response.clone();
        let record = Record::Answer(AnswerRecord {
            course_id: self.pack.course.id.clone(),
            lesson_id: self.lesson().id.clone(),
            question_id: question.id.clone(),
            kind: question.kind.name(),
            response,
            correct: verdict.correct,
            skipped: verdict.skipped,
            round: state.round,
            attempt: state.attempt,
            hint_used: state.hint_used,
            shown_at: state.shown_at,
            answered_at: now,
        });
        let grade = schedule::question_grade(verdict.correct, verdict.skipped, state.hint_used);
        let shown_at = state.shown_at;
        state.verdict = Some(verdict.clone());
        let was_graded = self.graded.contains(&question.id);
        let review = self.review_record(
            &Exercise::Question(question.clone()),
            grade,
            given,
            shown_at,
            now,
        );
        let active = self.active_record(&to, now);
        if let Err(e) = self.commit(vec![record, review, active], to, Some(now), journal) {
            if !was_graded {
                self.graded.remove(&question.id);
            }
            return Err(e);
        }
        self.done_again(&question.id);
        Ok(verdict)
    }
}

/// The journal of moves with nothing to record: it is never asked to keep anything.
struct NothingToKeep;

impl Journal for NothingToKeep {
    type Error = std::convert::Infallible;
    fn record(&mut self, _: &[Record]) -> Result<(), Self::Error> {
        Ok(())
    }
}

/// Whether a bite has text of its own to read, besides its questions and cards.
fn has_prose(bite: &Bite) -> bool {
    !bite.markdown.trim().is_empty()
}

/// Where to start: an asked-for lesson, a restart, the saved position (clamped to the pack as it is now), or for
/// a finished course its first unmastered lesson.
pub(crate) fn start_point<E>(
    pack: &Pack,
    progress: &Progress,
    options: &OpenOptions,
) -> Result<(usize, usize, u16), OpenError<E>> {
    if let Some(id) = &options.lesson {
        let index = pack
            .lessons
            .iter()
            .position(|l| &l.id == id)
            .ok_or_else(|| OpenError::NoSuchLesson(id.clone()))?;
        let bites = pack.lessons[index].bites.len();
        let bite = options.bite.map_or(0, |b| b.clamp(1, bites.max(1)) - 1);
        return Ok((index, bite, 0));
    }
    if options.restart {
        return Ok((0, 0, 0));
    }
    let Some(saved) = &progress.position else {
        return Ok((0, 0, 0));
    };
    // A course finished and left at its end starts again at its first lesson not mastered; once the learner has
    // moved from the end, the saved place wins as always.
    let last = pack.lessons.last();
    let at_end = last.is_some_and(|l| l.id == saved.lesson && saved.bite >= l.bites.len());
    if progress.finished && at_end {
        let unmastered = pack
            .lessons
            .iter()
            .position(|l| !progress.lesson_status(l, pack.course.pass_mark).mastered);
        return Ok((unmastered.unwrap_or(0), 0, 0));
    }
    match pack.lessons.iter().position(|l| l.id == saved.lesson) {
        Some(index) => {
            let bites = pack.lessons[index].bites.len().max(1);
            let bite = saved.bite.clamp(1, bites) - 1;
            let scroll = if bite + 1 == saved.bite {
                saved.scroll
            } else {
                0
            };
            Ok((index, bite, scroll))
        }
        // The saved lesson is gone from the pack: the first lesson not yet complete.
        None => {
            let index = pack
                .lessons
                .iter()
                .position(|l| !progress.lesson_status(l, pack.course.pass_mark).complete)
                .unwrap_or(0);
            Ok((index, 0, 0))
        }
    }
}

/// The order to show a question's choices or items in: choices shuffled when the author asks; order items always
/// shuffled, and never shown already in the right order. With `before` (a retry of the same question), a shuffled
/// order differs from the one shown before whenever it can.
pub(crate) fn shown_order(
    kind: &QuestionKind,
    rng: &mut fastrand::Rng,
    before: Option<&[usize]>,
) -> Vec<usize> {
    let (len, shuffled) = match kind {
        QuestionKind::Choice { choices, shuffle } => (choices.len(), *shuffle),
        QuestionKind::Order { items } => (items.len(), true),
        QuestionKind::TrueFalse { .. } | QuestionKind::Text { .. } => return Vec::new(),
    };
    let mut order: Vec<usize> = (0..len).collect();
    if !shuffled || len < 2 {
        return order;
    }
    let is_order = matches!(kind, QuestionKind::Order { .. });
    // Two items have one order that is neither the right one nor the same as before: keep it.
    let bad = |order: &[usize]| {
        let in_place = order.iter().enumerate().all(|(i, &o)| i == o);
        let same = before == Some(order) && !(is_order && len == 2);
        (is_order && in_place) || same
    };
    rng.shuffle(&mut order);
    while bad(&order) {
        rng.shuffle(&mut order);
    }
    order
}

#[cfg(test)]
mod tests;
