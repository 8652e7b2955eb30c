//! Objectives and key results, measured. Pure: the caller gathers the inputs (the learner's `Progress` and the
//! scheduler from the session; active minutes per lesson and the review log from the store, through
//! `Store::outcome_history`) and this module computes each key result's value.
//!
//! The measures, each over the lessons of the key result's objective:
//!
//! - `mastery`: the share of the lessons mastered (`Progress::lesson_status`), 0 to 1.
//! - `retention`: FSRS recall probability at `now` (`Scheduler::retrievability`), averaged over the lessons' review
//!   items met so far; `None` before any item is met.
//! - `practice_minutes`: active minutes on the lessons (the `active_spans` rows, by lesson).
//! - `reviews_on_time`: of the times one of the lessons' items fell due, the share reviewed within a day of it
//!   ([`ON_TIME_MS`]); a due time not yet a day old and not yet reviewed is not counted yet; `None` before any.
//!
//! API for the player (the TUI draws the same as `--plain` prints):
//!
//! 1. When a lesson starts, and when the course is opened: `let before = Snapshot::take(&pack, &inputs)` with
//!    [`Inputs`] built from `session.progress()`, `session.scheduler()` and the [`History`] the store gives now.
//! 2. At the lesson's summary: `moved_by_lesson(&pack, lesson_id, &before, &Snapshot::take(&pack, &inputs_now))`,
//!    the key results whose objective holds the lesson and whose value moved; at the course's summary
//!    `standing(&pack, &course_before, &now)`, every key result of the course.
//! 3. Each [`Change`] to a line with `summary::KeyResultLine::from(&change)`, and `summary::key_result_lines`
//!    for the heading and the lines (`Branching fluency: mastery 40% → 60% (target 80%)`).

use std::collections::{HashMap, HashSet};

use crate::learn::journal::Rating;
use crate::learn::progress::Progress;
use crate::learn::schedule::{DAY_MS, ItemState, Scheduler, item_of};
use crate::pack::{KeyResult, Measure, Objective, Pack};

/// A due review done within this long after the item fell due is on time.
pub(crate) const ON_TIME_MS: i64 = DAY_MS;

/// A graded review as the review log keeps it (practice rows left out: they do not move the schedule).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct GradedReview {
    pub(crate) item_id: String,
    pub(crate) rating: Rating,
    /// UTC milliseconds.
    pub(crate) reviewed_at: i64,
}

/// One time an item fell due, and when it was next reviewed (`None`: not yet).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct DueReview {
    pub(crate) item_id: String,
    pub(crate) due_at: i64,
    pub(crate) done_at: Option<i64>,
}

/// What the store knows that progress does not: active minutes per lesson, and when items fell due and were
/// reviewed; as of `now` (UTC milliseconds).
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct History {
    pub(crate) now: i64,
    /// Active minutes by lesson id.
    pub(crate) minutes_by_lesson: HashMap<String, f64>,
    pub(crate) due_reviews: Vec<DueReview>,
}

/// Every input of the measures.
pub(crate) struct Inputs<'a> {
    pub(crate) progress: &'a Progress,
    pub(crate) scheduler: &'a Scheduler,
    pub(crate) history: &'a History,
}

/// The times each item fell due, from its graded reviews (in time order per item) replayed through `scheduler`:
/// each review sets the next due time, met by the item's next review or still open. The log keeps no due times, so
/// they are replayed with the parameters in use now; a review before its due time is no due time met.
pub(crate) fn due_reviews(graded: &[GradedReview], scheduler: &Scheduler) -> Vec<DueReview> {
    let mut by_item: HashMap<&str, Vec<&GradedReview>> = HashMap::new();
    let mut order = Vec::new();
    for review in graded {
        by_item
            .entry(&review.item_id)
            .or_insert_with(|| {
                order.push(review.item_id.as_str());
                Vec::new()
            })
            .push(review);
    }
    let mut out = Vec::new();
    for item in order {
        let mut reviews = by_item.remove(item).unwrap_or_default();
        reviews.sort_by_key(|r| r.reviewed_at);
        let mut state: Option<ItemState> = None;
        for review in reviews {
            if let Some(s) = &state
                && review.reviewed_at >= s.due_at
            {
                out.push(DueReview {
                    item_id: item.to_string(),
                    due_at: s.due_at,
                    done_at: Some(review.reviewed_at),
                });
            }
            state = Some(scheduler.next(state.as_ref(), review.rating, review.reviewed_at));
        }
        if let Some(s) = state {
            out.push(DueReview {
                item_id: item.to_string(),
                due_at: s.due_at,
                done_at: None,
            });
        }
    }
    out
}

/// The lessons of `objective` that the pack has.
fn lessons<'p>(pack: &'p Pack, objective: &Objective) -> Vec<&'p crate::pack::Lesson> {
    pack.lessons
        .iter()
        .filter(|l| objective.lessons.contains(&l.id))
        .collect()
}

/// The review items (question and card ids) of `objective`'s lessons.
fn items<'p>(pack: &'p Pack, objective: &Objective) -> HashSet<&'p str> {
    lessons(pack, objective)
        .into_iter()
        .flat_map(|l| l.bites.iter().flat_map(|b| &b.exercises))
        .map(|e| item_of(e).0)
        .collect()
}

/// The share of `objective`'s lessons mastered; `None` for an objective without lessons in the pack.
pub(crate) fn mastery(pack: &Pack, objective: &Objective, progress: &Progress) -> Option<f64> {
    let lessons = lessons(pack, objective);
    if lessons.is_empty() {
        return None;
    }
    let mastered = lessons
        .iter()
        .filter(|l| progress.lesson_status(l, pack.course.pass_mark).mastered)
        .count();
    Some(mastered as f64 / lessons.len() as f64)
}

/// Recall probability at `now`, averaged over the objective's items that have a schedule; `None` when none has.
pub(crate) fn retention(
    pack: &Pack,
    objective: &Objective,
    progress: &Progress,
    scheduler: &Scheduler,
    now: i64,
) -> Option<f64> {
    let recall: Vec<f64> = items(pack, objective)
        .into_iter()
        .filter_map(|id| progress.items.get(id))
        .map(|state| f64::from(scheduler.retrievability(state, now)))
        .collect();
    (!recall.is_empty()).then(|| recall.iter().sum::<f64>() / recall.len() as f64)
}

/// Active minutes on the objective's lessons.
pub(crate) fn practice_minutes(
    objective: &Objective,
    minutes_by_lesson: &HashMap<String, f64>,
) -> f64 {
    objective
        .lessons
        .iter()
        .filter_map(|l| minutes_by_lesson.get(l))
        .fold(0.0, |sum, m| sum + m) // not `sum()`, whose empty sum is -0.0
}

/// Of the due times of the objective's items that count by `now`, the share reviewed within [`ON_TIME_MS`]; `None`
/// when none counts yet.
pub(crate) fn reviews_on_time(
    pack: &Pack,
    objective: &Objective,
    due: &[DueReview],
    now: i64,
) -> Option<f64> {
    let items = items(pack, objective);
    let (mut counted, mut on_time) = (0usize, 0usize);
    for review in due.iter().filter(|r| items.contains(r.item_id.as_str())) {
        let deadline = review.due_at.saturating_add(ON_TIME_MS);
        match review.done_at {
            Some(done) if done <= deadline => {
                counted += 1;
                on_time += 1;
            }
            Some(_) => counted += 1,
            None if now > deadline => counted += 1,
            None => {}
        }
    }
    (counted > 0).then(|| on_time as f64 / counted as f64)
}

/// The value of `key_result` (of `objective`), or `None` while there is nothing to measure.
pub(crate) fn value(
    pack: &Pack,
    objective: &Objective,
    key_result: &KeyResult,
    inputs: &Inputs,
) -> Option<f64> {
    match key_result.measure {
        Measure::Mastery => mastery(pack, objective, inputs.progress),
        Measure::Retention => retention(
            pack,
            objective,
            inputs.progress,
            inputs.scheduler,
            inputs.history.now,
        ),
        Measure::PracticeMinutes => Some(practice_minutes(
            objective,
            &inputs.history.minutes_by_lesson,
        )),
        Measure::ReviewsOnTime => reviews_on_time(
            pack,
            objective,
            &inputs.history.due_reviews,
            inputs.history.now,
        ),
    }
}

/// The value of every key result of the course at one moment, by key result id.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct Snapshot {
    values: HashMap<String, Option<f64>>,
}

impl Snapshot {
    pub(crate) fn take(pack: &Pack, inputs: &Inputs) -> Self {
        let values = pack
            .course
            .key_results
            .iter()
            .filter_map(|kr| {
                let objective = pack
                    .course
                    .objectives
                    .iter()
                    .find(|o| o.id == kr.objective)?;
                Some((kr.id.clone(), value(pack, objective, kr, inputs)))
            })
            .collect();
        Self { values }
    }

    pub(crate) fn get(&self, key_result: &str) -> Option<f64> {
        self.values.get(key_result).copied().flatten()
    }
}

/// A key result's value at two moments.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Change {
    pub(crate) key_result: KeyResult,
    pub(crate) before: Option<f64>,
    pub(crate) now: Option<f64>,
}

impl Change {
    /// The value went up, or was measured for the first time.
    pub(crate) fn rose(&self) -> bool {
        match (self.before, self.now) {
            (Some(a), Some(b)) => b > a + 1e-9,
            (before, now) => before.is_none() && now.is_some(),
        }
    }

    /// The value now reaches the target.
    pub(crate) fn met(&self) -> bool {
        self.now.is_some_and(|v| v + 1e-9 >= self.key_result.target)
    }
}

/// The key results whose objective holds `lesson` and whose value rose between `before` and `now`, in the order
/// course.toml gives them. A value that fell (retention decays between sittings) is not something the lesson did.
pub(crate) fn moved_by_lesson(
    pack: &Pack,
    lesson: &str,
    before: &Snapshot,
    now: &Snapshot,
) -> Vec<Change> {
    standing(pack, before, now)
        .into_iter()
        .filter(|c| {
            c.rose()
                && pack.course.objectives.iter().any(|o| {
                    o.id == c.key_result.objective && o.lessons.iter().any(|l| l == lesson)
                })
        })
        .collect()
}

/// Every key result of the course, with its value at `before` and at `now`, in the order course.toml gives them.
pub(crate) fn standing(pack: &Pack, before: &Snapshot, now: &Snapshot) -> Vec<Change> {
    pack.course
        .key_results
        .iter()
        .map(|kr| Change {
            key_result: kr.clone(),
            before: before.get(&kr.id),
            now: now.get(&kr.id),
        })
        .collect()
}

#[cfg(test)]
mod tests;
