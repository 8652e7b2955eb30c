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

/// The `progressed` and `satisfied` facts of `pack`'s key results, at each sitting's end among `facts`.
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
    let graded = graded(replay.facts);
    let mut out = Vec::new();
    let mut last: HashMap<&str, f64> = HashMap::new();
    let mut met: HashSet<&str> = HashSet::new();
    for at in ends {
        for kr in &pack.course.key_results {
            let Some(objective) = pack.course.objectives.iter().find(|o| o.id == kr.objective)
            else {
                continue;
            };
            let Some(value) = value_at(pack, objective, kr.measure, replay, &graded, at) else {
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

fn value_at(
    pack: &Pack,
    objective: &Objective,
    measure: Measure,
    replay: &Replay,
    graded: &[GradedReview],
    at: i64,
) -> Option<f64> {
    let until = graded.partition_point(|g| g.reviewed_at <= at);
    let graded = &graded[..until];
    match measure {
        Measure::Mastery => mastery(objective, replay.facts, at),
        Measure::PracticeMinutes => {
            let mut minutes: HashMap<String, f64> = HashMap::new();
            for span in replay.spans.iter().filter(|s| s.start <= at) {
                *minutes.entry(span.lesson.clone()).or_default() +=
                    (span.end.min(at) - span.start).max(0) as f64 / 60_000.0;
            }
            Some(outcomes::practice_minutes(objective, &minutes))
        }
        Measure::ReviewsOnTime => outcomes::reviews_on_time(
            pack,
            objective,
            &outcomes::due_reviews(graded, replay.scheduler),
            at,
        ),
        Measure::Retention => retention(pack, objective, graded, replay.scheduler, at),
    }
}

/// The share of the objective's lessons whose latest score by `at` passed (or, without questions, done by then).
fn mastery(objective: &Objective, facts: &[Fact], at: i64) -> Option<f64> {
    if objective.lessons.is_empty() {
        return None;
    }
    let mut passed: HashMap<&str, bool> = HashMap::new();
    for fact in facts.iter().filter(|f| f.at() <= at) {
        if let Fact::LessonDone {
            lesson,
            known,
            questions,
            pass_mark,
            ..
        }
        | Fact::LessonScored {
            lesson,
            known,
            questions,
            pass_mark,
            ..
        } = fact
        {
            let ok = *questions == 0 || *known as f64 / *questions as f64 + 1e-9 >= *pass_mark;
            passed.insert(lesson, ok);
        }
    }
    let mastered = objective
        .lessons
        .iter()
        .filter(|l| passed.get(l.as_str()) == Some(&true))
        .count();
    Some(mastered as f64 / objective.lessons.len() as f64)
}

/// Recall probability at `at`, averaged over the objective's items reviewed by then.
fn retention(
    pack: &Pack,
    objective: &Objective,
    graded: &[GradedReview],
    scheduler: &Scheduler,
    at: i64,
) -> Option<f64> {
    let items: HashSet<&str> = pack
        .lessons
        .iter()
        .filter(|l| objective.lessons.contains(&l.id))
        .flat_map(|l| l.bites.iter().flat_map(|b| &b.exercises))
        .map(|e| item_of(e).0)
        .collect();
    let mut states: HashMap<&str, ItemState> = HashMap::new();
    for g in graded.iter().filter(|g| items.contains(g.item_id.as_str())) {
        let next = scheduler.next(states.get(g.item_id.as_str()), g.rating, g.reviewed_at);
        states.insert(&g.item_id, next);
    }
    let recall: Vec<f64> = states
        .values()
        .map(|s| f64::from(scheduler.retrievability(s, at)))
        .collect();
    (!recall.is_empty()).then(|| recall.iter().sum::<f64>() / recall.len() as f64)
}
