//! A review sitting: the due items of one or all courses, one at a time, lowest retrievability first. A question
//! shows its prompt alone (its bite on request); a card its front, then its back to rate. Pure domain like the
//! playing session: every answer or rating goes to a `Journal` before the move takes effect.
//!
//! The first attempt at an item in the sitting is graded through the `Scheduler` (`schedule::question_grade` for a
//! question, the rating for a card) and moves the item's schedule; trying again after a miss is practice. Each
//! graded review also keeps its time on task.

use std::collections::HashMap;
use std::rc::Rc;

use crate::learn::clock::Clock;
use crate::learn::grade::{self, Response, Verdict};
use crate::learn::journal::{Journal, Rating, Record, ReviewRecord};
use crate::learn::schedule::{self, ItemKind, ItemState, ReviewKind, Scheduler};
use crate::learn::session::{ExerciseState, shown_order};
use crate::pack::{Bite, Exercise, Lesson, Pack, QuestionKind};

/// One item to review, with what is needed to show it.
#[derive(Debug, Clone, PartialEq)]
pub struct ReviewItem {
    /// The id of the item's course.
    pub course_id: String,
    pub(crate) course_title: String,
    pub(crate) lesson_id: String,
    pub(crate) lesson_title: String,
    /// The bite the item comes from, to show on request.
    pub(crate) bite_markdown: String,
    /// The card or question.
    pub exercise: Exercise,
    pub(crate) state: ItemState,
}

/// An item of the schedule as the store keeps it, before it is matched with its pack.
#[derive(Debug, Clone, PartialEq)]
pub struct Scheduled {
    /// The course's id.
    pub course_id: String,
    /// The item's id.
    pub item_id: String,
    /// A card or a question.
    pub kind: ItemKind,
    /// Where it stands in the schedule.
    pub state: ItemState,
}

/// The review queue: `scheduled` items found in their `packs` (by course id; an item whose id has left its pack
/// leaves the queue), ordered lowest retrievability at `now` first, or for studying ahead soonest due first (ties
/// in the order given); at most `limit`. With a limit only as many items as it needs are ordered (a partial
/// selection, topped up when some have left their packs) and looked for in the packs, so that a queue of 20 from
/// 100,000 neither sorts nor indexes them all; only the items kept are built.
pub fn queue(
    scheduled: Vec<Scheduled>,
    packs: &HashMap<String, Pack>,
    scheduler: &Scheduler,
    now: i64,
    ahead: bool,
    limit: Option<usize>,
) -> Vec<ReviewItem> {
    let limit = limit.unwrap_or(usize::MAX);
    // f64 keys: a due time in milliseconds is exact in an f64 (an f32 would round it to about two minutes).
    let mut keyed: Vec<(f64, usize)> = scheduled
        .iter()
        .enumerate()
        .filter(|(_, s)| packs.contains_key(&s.course_id))
        .map(|(i, s)| {
            let key = if ahead {
                s.state.due_at as f64
            } else {
                -scheduler.forgetting(&s.state, now)
            };
            (key, i)
        })
        .collect();
    let order = |a: &(f64, usize), b: &(f64, usize)| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1));
    let mut items = Vec::new();
    let mut start = 0;
    // When items of a batch have left their packs the next batch is at least twice as large: a few rounds at most.
    let mut at_least = 0;
    while items.len() < limit && start < keyed.len() {
        let rest = &mut keyed[start..];
        let n = (limit - items.len()).max(at_least).min(rest.len());
        if n < rest.len() {
            rest.select_nth_unstable_by(n - 1, order);
        }
        let batch = &mut rest[..n];
        batch.sort_unstable_by(order);
        items.extend(
            places(batch, &scheduled, packs)
                .into_iter()
                .zip(batch.iter())
                .filter_map(|(place, &(_, i))| {
                    let (lesson, bite, exercise) = place?;
                    let s = &scheduled[i];
                    Some(ReviewItem {
                        course_id: s.course_id.clone(),
                        course_title: packs[&s.course_id].course.title.clone(),
                        lesson_id: lesson.id.clone(),
                        lesson_title: lesson.title.clone(),
                        bite_markdown: bite.markdown.clone(),
                        exercise: exercise.clone(),
                        state: s.state,
                    })
                }),
        );
        start += n;
        at_least = n.saturating_mul(2);
    }
    items.truncate(limit);
    items
}

type Place<'a> = (&'a Lesson, &'a Bite, &'a Exercise);

/// Where each item of `batch` (indices into `scheduled`) is in its pack, if it still is: one walk over the packs
/// of the batch's courses, looking each exercise up among the items wanted.
fn places<'a>(
    batch: &[(f64, usize)],
    scheduled: &[Scheduled],
    packs: &'a HashMap<String, Pack>,
) -> Vec<Option<Place<'a>>> {
    let wanted: HashMap<(&str, &str, ItemKind), usize> = batch
        .iter()
        .enumerate()
        .map(|(at, &(_, i))| {
            let s = &scheduled[i];
            ((s.course_id.as_str(), s.item_id.as_str(), s.kind), at)
        })
        .collect();
    let mut courses: Vec<&str> = wanted.keys().map(|k| k.0).collect();
    courses.sort_unstable();
    courses.dedup();
    let mut found = vec![None; batch.len()];
    for course in courses {
        let Some(pack) = packs.get(course) else {
            continue;
        };
        for lesson in &pack.lessons {
            for bite in &lesson.bites {
                for exercise in &bite.exercises {
                    let (id, kind) = schedule::item_of(exercise);
                    if let Some(&at) = wanted.get(&(course, id, kind)) {
                        found[at] = Some((lesson, bite, exercise));
                    }
                }
            }
        }
    }
    found
}

/// The item to review first: the lowest retrievability at `now` (what the queue's first item is, without ordering
/// the rest), each item's retrievability computed once.
pub fn most_urgent<'a>(
    scheduled: &'a [Scheduled],
    scheduler: &Scheduler,
    now: i64,
) -> Option<&'a Scheduled> {
    scheduled
        .iter()
        .map(|s| (scheduler.forgetting(&s.state, now), s))
        // The first of the most forgotten, as a queue would order them.
        .min_by(|a, b| b.0.total_cmp(&a.0))
        .map(|(_, s)| s)
}

/// What a review sitting has done so far.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Tally {
    pub(crate) reviewed: usize,
    /// Graded as remembered: Good or Easy for a card, right (with or without the hint) for a question.
    pub(crate) remembered: usize,
}

/// A review sitting: the due items in turn, each graded and rescheduled.
pub struct Reviewing {
    items: Vec<ReviewItem>,
    at: usize,
    state: Option<ExerciseState>,
    scheduler: Scheduler,
    clock: Rc<dyn Clock>,
    rng: fastrand::Rng,
    /// When the current item comes back, once graded.
    next_due: Option<i64>,
    tally: Tally,
}

impl std::fmt::Debug for Reviewing {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Reviewing")
            .field("items", &self.items.len())
            .field("at", &self.at)
            .field("tally", &self.tally)
            .finish()
    }
}

impl Reviewing {
    /// A sitting over `items`, rescheduled by `scheduler` at `clock`'s time.
    pub fn new(items: Vec<ReviewItem>, scheduler: Scheduler, clock: Rc<dyn Clock>) -> Self {
        let now = clock.now_ms();
        let mut reviewing = Self {
            items,
            at: 0,
            state: None,
            scheduler,
            clock,
            rng: fastrand::Rng::with_seed(now as u64),
            next_due: None,
            tally: Tally::default(),
        };
        reviewing.show(now);
        reviewing
    }

    fn show(&mut self, now: i64) {
        self.next_due = None;
        self.state = self.items.get(self.at).map(|item| ExerciseState {
            bite: 0,
            index: 0,
            shown: match &item.exercise {
                Exercise::Question(q) => shown_order(&q.kind, &mut self.rng, None),
                Exercise::Card(_) => Vec::new(),
            },
            shown_at: now,
            hint_used: false,
            attempt: 1,
            round: 0,
            verdict: None,
            revealed: false,
        });
    }

    /// The item on screen, if any are left.
    pub(crate) fn item(&self) -> Option<&ReviewItem> {
        self.items.get(self.at)
    }

    pub(crate) fn exercise(&self) -> Option<(&Exercise, &ExerciseState)> {
        Some((&self.item()?.exercise, self.state.as_ref()?))
    }

    /// `(number of the item on screen, from 1; items in the sitting)`.
    pub(crate) fn position(&self) -> (usize, usize) {
        ((self.at + 1).min(self.items.len()), self.items.len())
    }

    pub(crate) fn is_done(&self) -> bool {
        self.at >= self.items.len()
    }

    pub(crate) fn tally(&self) -> Tally {
        self.tally
    }

    /// When the item just graded comes back.
    pub(crate) fn next_due(&self) -> Option<i64> {
        self.next_due
    }

    pub(crate) fn now(&self) -> i64 {
        self.clock.now_ms()
    }

    /// Grades an answer to the question on screen; `None` when no question waits for one.
    pub(crate) fn answer<J: Journal>(
        &mut self,
        response: &Response,
        journal: &mut J,
    ) -> Result<Option<Verdict>, J::Error> {
        let Some((Exercise::Question(q), state)) = self.exercise() else {
            return Ok(None);
        };
        if state.verdict.is_some() {
            return Ok(None);
        }
        let verdict = grade::verdict(&q.kind, &state.shown, response);
        let given = response.describe(&q.kind);
        let rating = schedule::question_grade(verdict.correct, false, state.hint_used);
        self.record(rating, given, verdict.clone(), journal)?;
        Ok(Some(verdict))
    }

    /// Skips the question on screen (graded Again), or passes a card without rating it (nothing recorded).
    pub(crate) fn skip<J: Journal>(&mut self, journal: &mut J) -> Result<bool, J::Error> {
        match self.exercise() {
            Some((Exercise::Question(q), state)) if state.verdict.is_none() => {
                let verdict = grade::skipped(&q.kind, &state.shown);
                self.record(Rating::Again, String::new(), verdict, journal)?;
                Ok(true)
            }
            Some((Exercise::Card(_), state)) if state.verdict.is_none() => {
                if let Some(state) = &mut self.state {
                    state.verdict = Some(Verdict::bare(false, true));
                }
                Ok(true)
            }
            _ => Ok(false),
        }
    }

    /// Rates the card on screen once its back shows.
    pub(crate) fn rate<J: Journal>(
        &mut self,
        rating: Rating,
        journal: &mut J,
    ) -> Result<bool, J::Error> {
        match self.exercise() {
            Some((Exercise::Card(_), state)) if state.revealed && state.verdict.is_none() => {
                self.record(
                    rating,
                    String::new(),
                    Verdict::bare(rating.remembered(), false),
                    journal,
                )?;
                Ok(true)
            }
            _ => Ok(false),
        }
    }

    /// Keeps a review: graded on the first attempt (the item's schedule moves, and the verdict shows), practice
    /// after a try again. Nothing changes unless the journal kept it.
    fn record<J: Journal>(
        &mut self,
        rating: Rating,
        response: String,
        verdict: Verdict,
        journal: &mut J,
    ) -> Result<(), J::Error> {
        let now = self.clock.now_ms();
        let (Some(item), Some(state)) = (self.items.get(self.at), self.state.as_ref()) else {
            return Ok(());
        };
        let graded = state.attempt == 1;
        let next = graded.then(|| self.scheduler.next(Some(&item.state), rating, now));
        let (id, kind) = schedule::item_of(&item.exercise);
        let records = [
            Record::Reviewed(ReviewRecord {
                course_id: item.course_id.clone(),
                lesson_id: item.lesson_id.clone(),
                item_id: id.to_string(),
                kind,
                rating,
                response,
                review_kind: if graded {
                    ReviewKind::of(Some(&item.state), now)
                } else {
                    ReviewKind::Practice
                },
                at: now,
                utc_offset_min: self.clock.utc_offset_min(now),
                duration_ms: (now - state.shown_at).max(0),
                content_hash: schedule::item_hash(&item.exercise),
                state_before: ItemState::optimizer_state(Some(&item.state)),
                state: next,
            }),
            Record::Active {
                course_id: item.course_id.clone(),
                lesson_id: item.lesson_id.clone(),
                started_at: state.shown_at,
                ended_at: now.max(state.shown_at),
            },
        ];
        journal.record(&records)?;
        if let Some(next) = next {
            self.next_due = Some(next.due_at);
            self.tally.reviewed += 1;
            if rating >= Rating::Hard && (kind == ItemKind::Question || rating.remembered()) {
                self.tally.remembered += 1;
            }
            if let Some(item) = self.items.get_mut(self.at) {
                item.state = next;
            }
        }
        if let Some(state) = &mut self.state {
            state.verdict = Some(verdict);
        }
        Ok(())
    }

    /// The hint of the question waiting for an answer; a right answer after it is graded Hard.
    pub(crate) fn hint(&mut self) -> Option<String> {
        let hint = match self.exercise() {
            Some((Exercise::Question(q), state)) if state.verdict.is_none() => q.hint.clone(),
            _ => None,
        };
        if hint.is_some()
            && let Some(state) = &mut self.state
        {
            state.hint_used = true;
        }
        hint
    }

    /// After a wrong answer, the same question again (practice), shuffled anew.
    pub(crate) fn try_again(&mut self) -> bool {
        let now = self.clock.now_ms();
        let kind: Option<QuestionKind> = match self.exercise() {
            Some((Exercise::Question(q), state))
                if state.verdict.as_ref().is_some_and(|v| !v.correct) =>
            {
                Some(q.kind.clone())
            }
            _ => None,
        };
        let (Some(kind), Some(state)) = (kind, self.state.as_mut()) else {
            return false;
        };
        state.verdict = None;
        state.attempt += 1;
        state.shown_at = now;
        state.shown = shown_order(&kind, &mut self.rng, Some(&state.shown));
        true
    }

    /// Shows the back of the card on screen.
    pub(crate) fn reveal(&mut self) -> bool {
        let card = matches!(self.exercise(), Some((Exercise::Card(_), _)));
        match &mut self.state {
            Some(state) if card => {
                state.revealed = true;
                true
            }
            _ => false,
        }
    }

    /// On to the next item once this one is answered, rated or passed; `false` while it still waits.
    pub(crate) fn advance(&mut self) -> bool {
        if self.state.as_ref().is_some_and(|s| s.verdict.is_none()) {
            return false;
        }
        self.at += 1;
        let now = self.clock.now_ms();
        self.show(now);
        true
    }
}

/// "again in 4 days": when an item comes back, from `now`, in words.
pub(crate) fn comes_back(due_at: i64, now: i64) -> String {
    let days = ((due_at - now) as f64 / schedule::DAY_MS as f64).round() as i64;
    match days {
        ..=0 => "again today".to_string(),
        1 => "again tomorrow".to_string(),
        2..=59 => format!("again in {days} days"),
        _ => format!(
            "again in about {} months",
            (days as f64 / 30.0).round() as i64
        ),
    }
}

#[cfg(test)]
mod tests;
