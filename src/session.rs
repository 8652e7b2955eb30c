//! The playing session: where the learner is in a course, what is left to answer in the current bite, pausing and
//! the clock, and what each move leads to. Pure domain: every event goes to a `Journal` before the move completes,
//! and every outcome is returned as a value.

use crate::clock::Clock;
use crate::grade::{self, Response};
use crate::journal::{AnswerRecord, Journal, Record};
use crate::pack::{Bite, Card, Exercise, Lesson, Pack, Question, QuestionKind};
use crate::progress::{LessonStatus, Progress, QuestionProgress};

/// How to open a course.
#[derive(Debug, Clone, Default)]
pub struct OpenOptions {
    /// Start at the first bite of this lesson.
    pub lesson: Option<String>,
    /// Start at the first bite of the course, whatever was saved.
    pub restart: bool,
}

#[derive(Debug, thiserror::Error)]
pub enum OpenError<E> {
    #[error("this course has no lesson `{0}`")]
    NoSuchLesson(String),
    #[error("this course has no lessons")]
    Empty,
    #[error(transparent)]
    Journal(E),
}

/// What moving forward led to.
#[derive(Debug, Clone, PartialEq)]
#[must_use]
pub enum Advance {
    /// The next bite's text is showing.
    NextBite,
    /// An exercise of this bite (or of the retry) is showing.
    Exercise,
    /// The current exercise needs an answer, a rating or a skip first.
    NeedsAnswer,
    /// The last bite of the lesson is done; the lesson summary is showing.
    LessonDone(LessonStatus),
    /// The first bite of the next lesson is showing.
    NextLesson,
    /// The course summary is showing.
    CourseDone,
}

/// What moving back led to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[must_use]
pub enum Back {
    /// From an exercise or a summary back to the bite's text.
    ToText,
    PreviousBite,
    PreviousLesson,
    /// Already at the first bite of the course.
    AtStart,
}

/// The result of an answer, a skip or a rating.
#[derive(Debug, Clone, PartialEq)]
pub struct Verdict {
    pub correct: bool,
    pub skipped: bool,
    /// The feedback of each chosen choice that has one.
    pub feedback: Vec<String>,
}

/// What is on screen, as far as the domain cares.
#[derive(Debug, Clone, PartialEq)]
pub enum Stage {
    Reading,
    Exercise(ExerciseState),
    Summary(LessonStatus),
    CourseDone,
}

/// The exercise being shown.
#[derive(Debug, Clone, PartialEq)]
pub struct ExerciseState {
    /// Index of the bite in the lesson, and of the exercise in the bite.
    pub bite: usize,
    pub index: usize,
    /// The order choices or items are shown in: `shown[n]` is the author's index shown as number `n + 1`.
    pub shown: Vec<usize>,
    pub shown_at: i64,
    pub hint_used: bool,
    pub attempt: u32,
    pub round: u32,
    pub verdict: Option<Verdict>,
    /// For a card: the back is showing.
    pub revealed: bool,
}

/// Missed questions being asked again, in a shuffled order.
#[derive(Debug, Clone, PartialEq)]
struct Retry {
    queue: Vec<(usize, usize)>,
    at: usize,
}

pub struct Session {
    pack: Pack,
    progress: Progress,
    clock: std::rc::Rc<dyn Clock>,
    rng: fastrand::Rng,
    lesson: usize,
    bite: usize,
    scroll: u16,
    stage: Stage,
    retry: Option<Retry>,
    paused: bool,
    /// Start of the current span of active time, if the clock is running.
    active_since: Option<i64>,
    last_activity: i64,
    /// `(complete, mastered)` of every lesson, kept current as events happen, so that showing the course's progress
    /// costs nothing however many lessons the pack has.
    standing: Vec<(bool, bool)>,
}

impl Session {
    /// Opens a course where the learner left it: the saved lesson, bite and scroll offset; a finished course at its
    /// first unmastered lesson; `options` can ask for a lesson or a restart instead.
    pub fn open<J: Journal>(
        pack: Pack,
        progress: Progress,
        clock: std::rc::Rc<dyn Clock>,
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
            lesson,
            bite,
            scroll,
            stage: Stage::Reading,
            retry: None,
            paused: false,
            active_since: Some(now),
            last_activity: now,
            standing: Vec::new(),
        };
        let opened = Record::CourseOpened {
            course_id: session.pack.course.id.clone(),
            title: session.pack.course.title.clone(),
            pack_path: session.pack.root.display().to_string(),
            version: session.pack.course.version.clone(),
            at: now,
        };
        let position = session.position_record(now);
        session.mark_seen();
        session.standing = (0..session.pack.lessons.len())
            .map(|i| session.standing_of(i))
            .collect();
        journal
            .record(&[opened, position, session.active_record(now)])
            .map_err(OpenError::Journal)?;
        Ok(session)
    }

    /// Seeds the shuffling of choices and items, for tests.
    pub fn seed(&mut self, seed: u64) {
        self.rng = fastrand::Rng::with_seed(seed);
    }

    pub fn pack(&self) -> &Pack {
        &self.pack
    }

    pub fn progress(&self) -> &Progress {
        &self.progress
    }

    pub fn lesson(&self) -> &Lesson {
        &self.pack.lessons[self.lesson]
    }

    pub fn lesson_index(&self) -> usize {
        self.lesson
    }

    /// The bite on screen (during a retry, the bite of the question being retried).
    pub fn bite(&self) -> &Bite {
        let index = match &self.stage {
            Stage::Exercise(state) => state.bite,
            _ => self.bite,
        };
        &self.lesson().bites[index]
    }

    pub fn scroll(&self) -> u16 {
        self.scroll
    }

    pub fn stage(&self) -> &Stage {
        &self.stage
    }

    pub fn is_paused(&self) -> bool {
        self.paused
    }

    pub fn in_retry(&self) -> bool {
        self.retry.is_some()
    }

    /// The exercise on screen with its state.
    pub fn exercise(&self) -> Option<(&Exercise, &ExerciseState)> {
        match &self.stage {
            Stage::Exercise(state) => Some((
                &self.lesson().bites[state.bite].exercises[state.index],
                state,
            )),
            _ => None,
        }
    }

    /// How many lessons are complete, and how many mastered.
    pub fn course_standing(&self) -> (usize, usize) {
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

    /// Brings the current lesson's standing up to date after an event.
    fn restand(&mut self) {
        let standing = self.standing_of(self.lesson);
        if let Some(slot) = self.standing.get_mut(self.lesson) {
            *slot = standing;
        }
    }

    /// Notes a key that changes nothing in the session (a typed letter, a picked choice), so that the idle pause
    /// and time on task count it.
    pub fn note_activity(&mut self) {
        self.touch();
    }

    /// The time of the learner's last action, for the idle auto-pause.
    pub fn last_activity(&self) -> i64 {
        self.last_activity
    }

    /// Moves forward: from a bite's text to its exercises, from one exercise to the next, from bite to bite, and at
    /// the end of a lesson to its summary. An unanswered question holds the learner until answered or skipped.
    pub fn advance<J: Journal>(&mut self, journal: &mut J) -> Result<Advance, J::Error> {
        let now = self.touch();
        match &self.stage {
            Stage::Reading => match self.next_pending(self.bite, 0) {
                Some(index) => {
                    self.show_exercise(self.bite, index, None, now);
                    self.heartbeat(journal, now)?;
                    Ok(Advance::Exercise)
                }
                None => self.next_bite(journal, now),
            },
            Stage::Exercise(state) => {
                if state.verdict.is_none() {
                    return Ok(Advance::NeedsAnswer);
                }
                let (bite, index) = (state.bite, state.index);
                if let Some(retry) = &mut self.retry {
                    retry.at += 1;
                    if let Some(&(bite, index)) = retry.queue.get(retry.at) {
                        let round = self.retry_round(bite, index);
                        self.show_exercise(bite, index, Some(round), now);
                        self.heartbeat(journal, now)?;
                        return Ok(Advance::Exercise);
                    }
                    self.retry = None;
                    return self.lesson_done(journal, now);
                }
                match self.next_pending(bite, index + 1) {
                    Some(next) => {
                        self.show_exercise(bite, next, None, now);
                        self.heartbeat(journal, now)?;
                        Ok(Advance::Exercise)
                    }
                    None => self.next_bite(journal, now),
                }
            }
            Stage::Summary(_) => {
                if self.lesson + 1 < self.pack.lessons.len() {
                    self.go_to(self.lesson + 1, 0, journal, now)?;
                    Ok(Advance::NextLesson)
                } else {
                    let finished = Record::CourseFinished {
                        course_id: self.pack.course.id.clone(),
                        at: now,
                    };
                    journal.record(&[finished, self.active_record(now)])?;
                    self.stage = Stage::CourseDone;
                    self.progress.finished = true;
                    Ok(Advance::CourseDone)
                }
            }
            Stage::CourseDone => Ok(Advance::CourseDone),
        }
    }

    /// Moves back: from an exercise or a summary to the bite's text, from a bite to the one before.
    pub fn back<J: Journal>(&mut self, journal: &mut J) -> Result<Back, J::Error> {
        let now = self.touch();
        self.retry = None;
        match self.stage {
            Stage::Exercise(_) | Stage::Summary(_) | Stage::CourseDone => {
                self.stage = Stage::Reading;
                Ok(Back::ToText)
            }
            Stage::Reading if self.bite > 0 => {
                self.go_to(self.lesson, self.bite - 1, journal, now)?;
                Ok(Back::PreviousBite)
            }
            Stage::Reading if self.lesson > 0 => {
                let last = self.pack.lessons[self.lesson - 1]
                    .bites
                    .len()
                    .saturating_sub(1);
                self.go_to(self.lesson - 1, last, journal, now)?;
                Ok(Back::PreviousLesson)
            }
            Stage::Reading => Ok(Back::AtStart),
        }
    }

    /// Grades an answer to the question on screen and records it. `None` when no question is waiting for one.
    pub fn answer<J: Journal>(
        &mut self,
        response: &Response,
        journal: &mut J,
    ) -> Result<Option<Verdict>, J::Error> {
        let Some(question) = self.waiting_question().cloned() else {
            return Ok(None);
        };
        let correct = grade::is_correct(&question.kind, response);
        let feedback = match (&question.kind, response) {
            (QuestionKind::Choice { choices, .. }, Response::Choices(picked)) => picked
                .iter()
                .filter_map(|&i| choices.get(i).and_then(|c| c.feedback.clone()))
                .collect(),
            _ => Vec::new(),
        };
        let verdict = Verdict {
            correct,
            skipped: false,
            feedback,
        };
        self.record_answer(
            &question,
            response.describe(&question.kind),
            verdict,
            journal,
        )
        .map(Some)
    }

    /// Skips the question on screen (recorded, and counted as not right), or a card without rating it.
    pub fn skip<J: Journal>(&mut self, journal: &mut J) -> Result<bool, J::Error> {
        if let Some(question) = self.waiting_question().cloned() {
            let verdict = Verdict {
                correct: false,
                skipped: true,
                feedback: Vec::new(),
            };
            self.record_answer(&question, String::new(), verdict, journal)?;
            return Ok(true);
        }
        self.touch();
        if let Some((Exercise::Card(_), _)) = self.exercise()
            && let Stage::Exercise(state) = &mut self.stage
            && state.verdict.is_none()
        {
            state.verdict = Some(Verdict {
                correct: false,
                skipped: true,
                feedback: Vec::new(),
            });
            return Ok(true);
        }
        Ok(false)
    }

    /// After a wrong answer, asks the same question again. Only the first attempt counts toward mastery.
    pub fn try_again(&mut self) -> bool {
        let now = self.touch();
        let is_question = matches!(self.exercise(), Some((Exercise::Question(_), _)));
        match &mut self.stage {
            Stage::Exercise(state)
                if is_question && state.verdict.as_ref().is_some_and(|v| !v.correct) =>
            {
                state.verdict = None;
                state.attempt += 1;
                state.shown_at = now;
                true
            }
            _ => false,
        }
    }

    /// The hint of the question waiting for an answer; asking for it is recorded with the answer.
    pub fn hint(&mut self) -> Option<String> {
        self.touch();
        let hint = self.waiting_question()?.hint.clone()?;
        if let Stage::Exercise(state) = &mut self.stage {
            state.hint_used = true;
        }
        Some(hint)
    }

    /// Shows the back of the card on screen.
    pub fn reveal(&mut self) -> bool {
        self.touch();
        let is_card = matches!(self.exercise(), Some((Exercise::Card(_), _)));
        match &mut self.stage {
            Stage::Exercise(state) if is_card => {
                state.revealed = true;
                true
            }
            _ => false,
        }
    }

    /// Rates recall of the card on screen, 1 (Again) to 4 (Easy), once its back is showing.
    pub fn rate<J: Journal>(&mut self, rating: u8, journal: &mut J) -> Result<bool, J::Error> {
        let now = self.touch();
        let card: Option<Card> = match self.exercise() {
            Some((Exercise::Card(card), state)) if state.revealed && state.verdict.is_none() => {
                Some(card.clone())
            }
            _ => None,
        };
        let (Some(card), true) = (card, (1..=4).contains(&rating)) else {
            return Ok(false);
        };
        let Stage::Exercise(state) = &self.stage else {
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
        journal.record(&[record, self.active_record(now)])?;
        self.progress.cards_rated.insert(card.id);
        self.restand();
        if let Stage::Exercise(state) = &mut self.stage {
            state.verdict = Some(Verdict {
                correct: rating >= 3,
                skipped: false,
                feedback: Vec::new(),
            });
        }
        Ok(true)
    }

    /// At a lesson summary, asks the missed questions again, shuffled. `false` when nothing was missed.
    pub fn retry_missed<J: Journal>(&mut self, journal: &mut J) -> Result<bool, J::Error> {
        let now = self.touch();
        let Stage::Summary(status) = &self.stage else {
            return Ok(false);
        };
        let mut queue: Vec<(usize, usize)> = status
            .missed
            .iter()
            .filter_map(|id| self.find_question(id))
            .collect();
        if queue.is_empty() {
            return Ok(false);
        }
        self.rng.shuffle(&mut queue);
        let (bite, index) = queue[0];
        self.retry = Some(Retry { queue, at: 0 });
        let round = self.retry_round(bite, index);
        self.show_exercise(bite, index, Some(round), now);
        self.heartbeat(journal, now)?;
        Ok(true)
    }

    /// Saves a new scroll offset of the bite's text.
    pub fn scroll_to<J: Journal>(&mut self, scroll: u16, journal: &mut J) -> Result<(), J::Error> {
        let now = self.touch();
        if scroll != self.scroll {
            let before = std::mem::replace(&mut self.scroll, scroll);
            if let Err(e) = journal.record(&[self.position_record(now), self.active_record(now)]) {
                // Not saved, so not moved.
                self.scroll = before;
                return Err(e);
            }
        }
        Ok(())
    }

    /// Stops the clock: time paused is not time on task.
    pub fn pause<J: Journal>(&mut self, journal: &mut J) -> Result<(), J::Error> {
        let now = self.clock.now_ms();
        self.stop_clock(now, journal)
    }

    /// Pauses as of the last action, after the learner has been idle: the idle minutes are not time on task.
    pub fn pause_idle<J: Journal>(&mut self, journal: &mut J) -> Result<(), J::Error> {
        self.stop_clock(self.last_activity, journal)
    }

    /// Starts the clock again.
    pub fn resume<J: Journal>(&mut self, journal: &mut J) -> Result<(), J::Error> {
        let now = self.touch();
        if self.paused {
            self.paused = false;
            self.active_since = Some(now);
            journal.record(&[self.active_record(now)])?;
        }
        Ok(())
    }

    /// Saves the end of the current span of active time, before quitting.
    pub fn close<J: Journal>(&mut self, journal: &mut J) -> Result<(), J::Error> {
        let now = self.clock.now_ms();
        self.stop_clock(now, journal)
    }

    fn stop_clock<J: Journal>(&mut self, end: i64, journal: &mut J) -> Result<(), J::Error> {
        if let Some(start) = self.active_since {
            let record = Record::Active {
                course_id: self.pack.course.id.clone(),
                lesson_id: self.lesson().id.clone(),
                started_at: start,
                ended_at: end.max(start),
            };
            journal.record(&[record])?;
        }
        self.paused = true;
        self.active_since = None;
        Ok(())
    }

    /// Notes an action: it resumes a paused clock silently (the next record carries the span).
    fn touch(&mut self) -> i64 {
        let now = self.clock.now_ms();
        self.last_activity = now;
        if self.paused {
            self.paused = false;
            self.active_since = Some(now);
        }
        now
    }

    fn heartbeat<J: Journal>(&self, journal: &mut J, now: i64) -> Result<(), J::Error> {
        journal.record(&[self.active_record(now)])
    }

    fn active_record(&self, now: i64) -> Record {
        let start = self.active_since.unwrap_or(now);
        Record::Active {
            course_id: self.pack.course.id.clone(),
            lesson_id: self.lesson().id.clone(),
            started_at: start,
            ended_at: now.max(start),
        }
    }

    fn position_record(&self, now: i64) -> Record {
        Record::Position {
            course_id: self.pack.course.id.clone(),
            lesson_id: self.lesson().id.clone(),
            bite: self.bite + 1,
            scroll: self.scroll,
            at: now,
        }
    }

    fn mark_seen(&mut self) {
        let key = (self.lesson().id.clone(), self.bite + 1);
        if self.progress.bites_seen.insert(key) {
            self.restand();
        }
    }

    /// Shows a bite's text and records the position, moving the span of active time to the new lesson if needed.
    fn go_to<J: Journal>(
        &mut self,
        lesson: usize,
        bite: usize,
        journal: &mut J,
        now: i64,
    ) -> Result<(), J::Error> {
        // The records first, from the new place; the state changes only once they are committed.
        let course_id = self.pack.course.id.clone();
        let lesson_id = self.pack.lessons[lesson].id.clone();
        let mut records = Vec::with_capacity(3);
        let mut since = self.active_since.unwrap_or(now);
        if lesson != self.lesson {
            records.push(self.active_record(now));
            since = now;
        }
        records.push(Record::Position {
            course_id: course_id.clone(),
            lesson_id: lesson_id.clone(),
            bite: bite + 1,
            scroll: 0,
            at: now,
        });
        records.push(Record::Active {
            course_id,
            lesson_id,
            started_at: since,
            ended_at: now.max(since),
        });
        journal.record(&records)?;
        self.active_since = Some(since);
        self.lesson = lesson;
        self.bite = bite;
        self.scroll = 0;
        self.stage = Stage::Reading;
        self.retry = None;
        self.mark_seen();
        Ok(())
    }

    fn next_bite<J: Journal>(&mut self, journal: &mut J, now: i64) -> Result<Advance, J::Error> {
        if self.bite + 1 < self.lesson().bites.len() {
            self.go_to(self.lesson, self.bite + 1, journal, now)?;
            Ok(Advance::NextBite)
        } else {
            self.lesson_done(journal, now)
        }
    }

    fn lesson_done<J: Journal>(&mut self, journal: &mut J, now: i64) -> Result<Advance, J::Error> {
        let status = self
            .progress
            .lesson_status(self.lesson(), self.pack.course.pass_mark);
        self.stage = Stage::Summary(status.clone());
        self.heartbeat(journal, now)?;
        Ok(Advance::LessonDone(status))
    }

    /// The first exercise of bite `bite` from `from` on that still waits: a question never answered or skipped, or a
    /// card never rated.
    fn next_pending(&self, bite: usize, from: usize) -> Option<usize> {
        let exercises = &self.lesson().bites[bite].exercises;
        (from..exercises.len()).find(|&i| match &exercises[i] {
            Exercise::Question(q) => !self.progress.questions.contains_key(&q.id),
            Exercise::Card(c) => !self.progress.cards_rated.contains(&c.id),
        })
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

    fn retry_round(&self, bite: usize, index: usize) -> u32 {
        match &self.lesson().bites[bite].exercises[index] {
            Exercise::Question(q) => self
                .progress
                .questions
                .get(&q.id)
                .map_or(1, |p| p.round + 1),
            Exercise::Card(_) => 1,
        }
    }

    fn show_exercise(&mut self, bite: usize, index: usize, round: Option<u32>, now: i64) {
        let exercise = &self.pack.lessons[self.lesson].bites[bite].exercises[index];
        let shown = match exercise {
            Exercise::Question(q) => shown_order(&q.kind, &mut self.rng),
            Exercise::Card(_) => Vec::new(),
        };
        let round = round.unwrap_or_else(|| match exercise {
            Exercise::Question(q) => self.progress.questions.get(&q.id).map_or(1, |p| p.round),
            Exercise::Card(_) => 1,
        });
        self.stage = Stage::Exercise(ExerciseState {
            bite,
            index,
            shown,
            shown_at: now,
            hint_used: false,
            attempt: 1,
            round,
            verdict: None,
            revealed: false,
        });
    }

    fn waiting_question(&self) -> Option<&Question> {
        match self.exercise() {
            Some((Exercise::Question(q), state)) if state.verdict.is_none() => Some(q),
            _ => None,
        }
    }

    fn record_answer<J: Journal>(
        &mut self,
        question: &Question,
        response: String,
        verdict: Verdict,
        journal: &mut J,
    ) -> Result<Verdict, J::Error> {
        let now = self.touch();
        let Stage::Exercise(state) = &self.stage else {
            return Ok(verdict);
        };
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
        let (round, attempt) = (state.round, state.attempt);
        journal.record(&[record, self.active_record(now)])?;
        let entry = self.progress.questions.entry(question.id.clone());
        let progress = entry.or_insert(QuestionProgress {
            round,
            first_try_right: verdict.correct,
            attempts: 0,
        });
        if progress.round != round {
            *progress = QuestionProgress {
                round,
                first_try_right: verdict.correct,
                attempts: 0,
            };
        }
        progress.attempts = progress.attempts.max(attempt);
        self.restand();
        if let Stage::Exercise(state) = &mut self.stage {
            state.verdict = Some(verdict.clone());
        }
        Ok(verdict)
    }
}

/// Where to start: an asked-for lesson, a restart, the saved position (clamped to the pack as it is now), or for
/// a finished course its first unmastered lesson.
pub fn start_point<E>(
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
        return Ok((index, 0, 0));
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
/// shuffled, and never shown already in the right order.
fn shown_order(kind: &QuestionKind, rng: &mut fastrand::Rng) -> Vec<usize> {
    match kind {
        QuestionKind::Choice { choices, shuffle } => {
            let mut order: Vec<usize> = (0..choices.len()).collect();
            if *shuffle {
                rng.shuffle(&mut order);
            }
            order
        }
        QuestionKind::Order { items } => {
            let mut order: Vec<usize> = (0..items.len()).collect();
            if items.len() > 1 {
                while order.iter().enumerate().all(|(i, &o)| i == o) {
                    rng.shuffle(&mut order);
                }
            }
            order
        }
        QuestionKind::TrueFalse { .. } | QuestionKind::Text { .. } => Vec::new(),
    }
}

#[cfg(test)]
mod tests;
