//! Key results over time, pure: each key result's value as of the end of each sitting, replayed from the facts
//! themselves (lessons' scores, graded reviews, spans), so that a value stated once is stated the same at every
//! later export. A value that changed since the previous sitting's end is `progressed`; the first time it meets its
//! target, `satisfied`.
//!
//! The replay, measure by measure (`learn::outcomes` computes the live values):
//! - `mastery`: the share of the objective's lessons whose latest score by then met the pass mark (a lesson
//!   without questions: done by then). Cards' recall, which the live value also asks, is not replayed.
//! - `retention`: the recall probability by then, averaged over the objective's items reviewed by then, each
//!   item's state replayed from its graded reviews.
//! - `practice_minutes`: active minutes on the objective's lessons by then.
//! - `reviews_on_time`: as `learn::outcomes::reviews_on_time`, from the graded reviews by then.
//!
//! Retention and reviews on time are replayed with the scheduler's parameters in use at export.

use std::collections::{HashMap, HashSet};

use crate::learn::journal::Rating;
use crate::learn::outcomes::{self, GradedReview};
use crate::learn::schedule::{ItemState, Scheduler, item_of};
use crate::pack::{Measure, Objective, Pack};
use crate::store::{Fact, Span};

/// What the replay reads besides the pack.
pub(crate) struct Replay<'a> {
    pub(crate) facts: &'a [Fact],
    pub(crate) spans: &'a [Span],
    pub(crate) scheduler: &'a Scheduler,
}

/// The `progressed` and `satisfied` facts of `pack`'s key results, at each sitting's end among `facts`. One walk
/// forward in time: each graded review is replayed once, whatever the number of sittings.
pub(crate) fn key_result_facts(pack: &Pack, replay: &Replay) -> Vec<Fact> {
    let mut ends: Vec<i64> = replay
        .facts
        .iter()
        .filter_map(|f| match f {
            Fact::SittingEnded { at, .. } => Some(*at),
            _ => None,
        })
        .collect();
    ends.sort_unstable();
    let mut walk = Walk::new(replay);
    let mut out = Vec::new();
    let mut last: HashMap<&str, f64> = HashMap::new();
    let mut met: HashSet<&str> = HashSet::new();
    for at in ends {
        walk.advance(replay.scheduler, at);
        for kr in &pack.course.key_results {
            let Some(objective) = pack.course.objectives.iter().find(|o| o.id == kr.objective)
            else {
                continue;
            };
            let Some(value) = walk.value(pack, objective, kr.measure, replay, at) else {
                continue;
            };
            // Rounded to what a report shows, so that a float's noise is no progress.
            let value = (value * 10_000.0).round() / 10_000.0;
            let fact = |met_now: bool| Fact::KeyResult {
                objective: objective.id.clone(),
                key_result: kr.id.clone(),
                text: kr.text.clone(),
                measure: kr.measure.name(),
                value,
                target: kr.target,
                met: met_now,
                at,
            };
            if last.get(kr.id.as_str()) != Some(&value) {
                last.insert(&kr.id, value);
                out.push(fact(false));
            }
            if value + 1e-9 >= kr.target && met.insert(&kr.id) {
                out.push(fact(true));
            }
        }
    }
    out
}

/// One graded review replayed: when, the item's due time it set, and the item's next review (if any).
struct Step {
    item: String,
    at: i64,
    due_at: i64,
    next_at: Option<i64>,
}

/// The replay so far: each item's state after its graded reviews up to the last moment advanced to, and which
/// lessons' latest scores passed by then.
struct Walk<'a> {
    graded: Vec<GradedReview>,
    steps: Vec<Step>,
    done: usize,
    states: HashMap<String, ItemState>,
    scores: Vec<(i64, &'a str, bool)>,
    scored: usize,
    passed: HashMap<&'a str, bool>,
}

impl<'a> Walk<'a> {
    fn new(replay: &Replay<'a>) -> Self {
        let graded = graded(replay.facts);
        let steps = steps(&graded, replay.scheduler);
        let mut scores: Vec<(i64, &str, bool)> = replay.facts.iter().filter_map(score).collect();
        scores.sort_by_key(|s| s.0);
        Self {
            graded,
            steps,
            done: 0,
            states: HashMap::new(),
            scores,
            scored: 0,
            passed: HashMap::new(),
        }
    }

    /// Replays what happened up to `at` (inclusive) that was not replayed yet.
    fn advance(&mut self, scheduler: &Scheduler, at: i64) {
        while let Some(g) = self.graded.get(self.done).filter(|g| g.reviewed_at <= at) {
            let next = scheduler.next(self.states.get(&g.item_id), g.rating, g.reviewed_at);
            self.states.insert(g.item_id.clone(), next);
            self.done += 1;
        }
        while let Some(&(_, lesson, ok)) = self.scores.get(self.scored).filter(|s| s.0 <= at) {
            self.passed.insert(lesson, ok);
            self.scored += 1;
        }
    }

    fn value(
        &self,
        pack: &Pack,
        objective: &Objective,
        measure: Measure,
        replay: &Replay,
        at: i64,
    ) -> Option<f64> {
        match measure {
            Measure::Mastery => {
                let lessons = &objective.lessons;
                let mastered = lessons
                    .iter()
                    .filter(|l| self.passed.get(l.as_str()) == Some(&true))
                    .count();
                (!lessons.is_empty()).then(|| mastered as f64 / lessons.len() as f64)
            }
            Measure::PracticeMinutes => {
                // As `outcomes::practice_minutes`: the active minutes of the objective's lessons.
                let ms: i64 = replay
                    .spans
                    .iter()
                    .filter(|s| s.start <= at && objective.lessons.contains(&s.lesson))
                    .map(|s| (s.end.min(at) - s.start).max(0))
                    .sum();
                Some(ms as f64 / 60_000.0)
            }
            Measure::ReviewsOnTime => on_time(&self.steps, &items(pack, objective), at),
            Measure::Retention => {
                let items = items(pack, objective);
                let recall: Vec<f64> = self
                    .states
                    .iter()
                    .filter(|(id, _)| items.contains(id.as_str()))
                    .map(|(_, s)| f64::from(replay.scheduler.retrievability(s, at)))
                    .collect();
                (!recall.is_empty()).then(|| recall.iter().sum::<f64>() / recall.len() as f64)
            }
        }
    }
}

/// As `outcomes::reviews_on_time` of [`due_by`], without building the due times: of the due times of `items` that
/// count by `at`, the share met within `outcomes::ON_TIME_MS`; `None` when none counts yet.
fn on_time(steps: &[Step], items: &HashSet<&str>, at: i64) -> Option<f64> {
    let (mut counted, mut in_time) = (0usize, 0usize);
    for s in steps.iter().take_while(|s| s.at <= at) {
        if !items.contains(s.item.as_str()) {
            continue;
        }
        let deadline = s.due_at.saturating_add(outcomes::ON_TIME_MS);
        match s.next_at.filter(|&n| n <= at) {
            Some(next) if next < s.due_at => {}
            Some(next) => {
                counted += 1;
                in_time += usize::from(next <= deadline);
            }
            None if at > deadline => counted += 1,
            None => {}
        }
    }
    (counted > 0).then(|| in_time as f64 / counted as f64)
}

#[cfg(test)]
/// The due times of `items` as `outcomes::due_reviews` gives them from the graded reviews up to `at`: each
/// review's due time, met by the item's next review by then if that came at or after it, else still open.
fn due_by(steps: &[Step], items: &HashSet<&str>, at: i64) -> Vec<outcomes::DueReview> {
    steps
        .iter()
        .take_while(|s| s.at <= at)
        .filter(|s| items.contains(s.item.as_str()))
        .filter_map(|s| {
            match s.next_at.filter(|&n| n <= at) {
                Some(next) if next >= s.due_at => Some(Some(next)),
                Some(_) => None,
                None => Some(None),
            }
            .map(|done_at| outcomes::DueReview {
                item_id: s.item.clone(),
                due_at: s.due_at,
                done_at,
            })
        })
        .collect()
}

/// Every graded review replayed once through `scheduler`, in time order.
fn steps(graded: &[GradedReview], scheduler: &Scheduler) -> Vec<Step> {
    let mut states: HashMap<&str, ItemState> = HashMap::new();
    let mut steps: Vec<Step> = graded
        .iter()
        .map(|g| {
            let next = scheduler.next(states.get(g.item_id.as_str()), g.rating, g.reviewed_at);
            let due_at = next.due_at;
            states.insert(&g.item_id, next);
            Step {
                item: g.item_id.clone(),
                at: g.reviewed_at,
                due_at,
                next_at: None,
            }
        })
        .collect();
    let mut later: HashMap<&str, i64> = HashMap::new();
    for (step, g) in steps.iter_mut().zip(graded).rev() {
        step.next_at = later.insert(&g.item_id, g.reviewed_at);
    }
    steps
}

/// A lesson's score fact as (when, lesson, whether it met the pass mark); a lesson without questions passes.
fn score(fact: &Fact) -> Option<(i64, &str, bool)> {
    match fact {
        Fact::LessonDone {
            lesson,
            known,
            questions,
            pass_mark,
            at,
        }
        | Fact::LessonScored {
            lesson,
            known,
            questions,
            pass_mark,
            at,
        } => Some((
            *at,
            lesson.as_str(),
            *questions == 0 || *known as f64 / *questions as f64 + 1e-9 >= *pass_mark,
        )),
        _ => None,
    }
}

/// The graded reviews among the facts (practice left out), oldest first.
fn graded(facts: &[Fact]) -> Vec<GradedReview> {
    let mut graded: Vec<GradedReview> = facts
        .iter()
        .filter_map(|f| {
            let (item, review, at) = match f {
                Fact::Answer {
                    question,
                    review: Some(review),
                    at,
                    ..
                } => (question, review, *at),
                Fact::CardReviewed {
                    card, review, at, ..
                } => (card, review, *at),
                _ => return None,
            };
            (review.review_kind != "practice").then_some(())?;
            Some(GradedReview {
                item_id: item.clone(),
                rating: Rating::from_number(review.rating)?,
                reviewed_at: at,
            })
        })
        .collect();
    graded.sort_by_key(|g| g.reviewed_at);
    graded
}

/// The review items (question and card ids) of the objective's lessons.
fn items<'p>(pack: &'p Pack, objective: &Objective) -> HashSet<&'p str> {
    pack.lessons
        .iter()
        .filter(|l| objective.lessons.contains(&l.id))
        .flat_map(|l| l.bites.iter().flat_map(|b| &b.exercises))
        .map(|e| item_of(e).0)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `outcomes::reviews_on_time`'s count over due times (every item of the objective).
    fn expected_on_time(due: &[outcomes::DueReview], now: i64) -> Option<f64> {
        let (mut counted, mut on_time) = (0, 0);
        for review in due {
            let deadline = review.due_at + outcomes::ON_TIME_MS;
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
        (counted > 0).then(|| f64::from(on_time) / f64::from(counted))
    }

    /// The walk's due times, as of any moment, are what `outcomes::due_reviews` gives from the reviews up to then.
    #[test]
    fn due_times_replayed_once_match_a_replay_up_to_each_moment() {
        let scheduler = Scheduler::default();
        let day = 86_400_000;
        let ratings = [3, 1, 3, 4, 2, 3, 3, 1, 3, 4];
        let graded: Vec<GradedReview> = (0..40)
            .map(|i: i64| GradedReview {
                item_id: format!("q{}", i % 3),
                rating: Rating::from_number(ratings[i as usize % ratings.len()]).unwrap(),
                reviewed_at: i * day / 2 + (i % 5) * day,
            })
            .collect();
        let mut graded = graded;
        graded.sort_by_key(|g| g.reviewed_at);
        let steps = steps(&graded, &scheduler);
        let items: HashSet<&str> = ["q0", "q1", "q2"].into_iter().collect();
        for t in (0..40).map(|i| i * day / 2 + day / 4) {
            let upto: Vec<GradedReview> = graded
                .iter()
                .filter(|g| g.reviewed_at <= t)
                .cloned()
                .collect();
            let mut want = outcomes::due_reviews(&upto, &scheduler);
            let mut got = due_by(&steps, &items, t);
            let key = |d: &outcomes::DueReview| (d.item_id.clone(), d.due_at);
            want.sort_by_key(key);
            got.sort_by_key(key);
            assert_eq!(got, want, "at {t}");
            assert_eq!(
                on_time(&steps, &items, t),
                expected_on_time(&want, t),
                "at {t}"
            );
        }
    }
}
