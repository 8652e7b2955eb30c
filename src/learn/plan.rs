//! "I have N minutes": a time-boxed session planned from what is due and what comes next. Pure domain: no clock of
//! its own, no terminal, no database; the store gathers the inputs (`store::plan`).
//!
//! What a session holds, in order, each item taken only if its estimate fits in what is left of the box:
//!
//! 1. **due reviews**, in the order given: the due queue, lowest retrievability first ([`by_retrievability`] sorts
//!    one). An item that does not fit is passed over; a later, shorter one may still fit.
//! 2. **missed questions** of the current course ([`missed_questions`]: answered, but not right on the first try of
//!    their latest round), in course order, unless already among the due reviews.
//! 3. **new bites** of the current course in course order, from where `play` resumes ([`new_bites`]). A bite that
//!    does not fit is not started, and nothing after it is taken: bites are read in order.
//!
//! The total of the estimates never exceeds the box.
//!
//! Estimates come from a [`Pace`]: reading speed in words per minute, seconds per card and seconds per question.
//! [`Pace::from_history`] takes the medians of the learner's own samples ([`History`]) where there are at least
//! [`MIN_SAMPLES`] of a kind, and [`Pace::DEFAULT`] (230 wpm, 10 s a card, 20 s a question) for the others. A bite is
//! its words at the reading speed plus its questions and cards still waiting at their pace; a review is one card or
//! question. Every estimate is whole seconds, rounded up, at least one.
//!
//! For the player (`play --minutes N`, `review --minutes N`, the library's `t`), with the pack loaded, the
//! learner's `Progress` and the store (`app::plan::gather` does the same for `morsel plan`):
//!
//! ```text
//! let history = store.pace_samples(HISTORY_SAMPLES)?       // bite times, card and answer durations
//!     .into_history(|course, lesson, bite| Some(words of that bite in its pack));
//! let pace = Pace::from_history(&history);
//! let (due, _passed_over) = store.due_for_box(now, course, minutes * 60, &pace, |item| Some(item) if playable);
//! let plan = plan(minutes, &due, &missed_questions(&pack, &progress), new_bites(&pack, &progress), &pace);
//! ```
//!
//! `Store::due_for_box` reads only the due items the box can hold (least retrievable first, a page at a time in
//! SQL), and plans exactly as the whole queue would; a queue already in memory can be passed as it is instead.
//! `plan.items` is the session in order ([`Step`]: a review, a missed question or a bite, each with its estimate);
//! `plan.estimate_seconds` is the time planned, to set against time used; `plan.left()` what is unplanned.

use crate::learn::progress::Progress;
use crate::learn::schedule::{ItemKind, ItemState};
use crate::learn::session::{OpenOptions, start_point};
use crate::pack::{Exercise, Pack};

/// Samples of a kind needed before the learner's own median replaces the default.
pub(crate) const MIN_SAMPLES: usize = 5;

/// How many of the most recent samples of each kind the store hands to [`Pace::from_history`]: the learner's pace
/// now, and a bounded cost however long the history.
pub const HISTORY_SAMPLES: usize = 500;

/// A reading sample shorter than this is not counted: a bite of a few words says little about reading speed.
pub(crate) const MIN_SAMPLE_WORDS: usize = 20;

/// A bite left within this many milliseconds was paged through, not read: not a reading sample.
pub(crate) const MIN_SAMPLE_MS: i64 = 5_000;

/// The reading speeds a person reads at, in words a minute: a measured speed is held within them.
pub(crate) const HUMAN_WORDS_PER_MINUTE: std::ops::RangeInclusive<f64> = 80.0..=500.0;

/// How fast this learner goes.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Pace {
    pub(crate) words_per_minute: f64,
    pub(crate) seconds_per_card: f64,
    pub(crate) seconds_per_question: f64,
    /// How many samples each figure is the median of; 0 for a default.
    pub(crate) basis: Basis,
}

/// How many samples each figure of a [`Pace`] comes from (0: the default).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Basis {
    pub(crate) reading: usize,
    pub(crate) cards: usize,
    pub(crate) questions: usize,
}

impl Default for Pace {
    fn default() -> Self {
        Self::DEFAULT
    }
}

/// One bite read: its words and the time from reaching it to leaving it or meeting its first exercise.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct ReadingSample {
    pub(crate) words: usize,
    pub(crate) ms: i64,
}

/// Where a reading time was measured, before the pack says how many words the bite has.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct BiteTime {
    pub(crate) course: String,
    pub(crate) lesson: String,
    /// 1-based.
    pub(crate) bite: usize,
    pub(crate) ms: i64,
}

/// The learner's own samples: bites read, card ratings' and first answers' durations (ms).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct History {
    pub(crate) reading: Vec<ReadingSample>,
    pub(crate) card_ms: Vec<i64>,
    pub(crate) question_ms: Vec<i64>,
}

/// Samples as the store measures them: bite times not yet matched with their words.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Samples {
    pub(crate) bites: Vec<BiteTime>,
    pub(crate) card_ms: Vec<i64>,
    pub(crate) question_ms: Vec<i64>,
}

impl Samples {
    /// The history, each bite's words from `words(course, lesson, bite)` (`None` when its pack is not at hand or
    /// no longer has that bite: the sample is dropped).
    pub fn into_history(
        self,
        mut words: impl FnMut(&str, &str, usize) -> Option<usize>,
    ) -> History {
        History {
            reading: self
                .bites
                .iter()
                .filter_map(|t| {
                    Some(ReadingSample {
                        words: words(&t.course, &t.lesson, t.bite)?,
                        ms: t.ms,
                    })
                })
                .collect(),
            card_ms: self.card_ms,
            question_ms: self.question_ms,
        }
    }
}

/// The median of `values` (the mean of the middle two for an even count); `None` for none.
fn median(mut values: Vec<f64>) -> Option<f64> {
    values.retain(|v| v.is_finite());
    if values.is_empty() {
        return None;
    }
    values.sort_by(f64::total_cmp);
    let mid = values.len() / 2;
    Some(if values.len().is_multiple_of(2) {
        (values[mid - 1] + values[mid]) / 2.0
    } else {
        values[mid]
    })
}

/// The median of `samples` when there are at least [`MIN_SAMPLES`], with their count.
fn from_samples(samples: Vec<f64>) -> Option<(f64, usize)> {
    let n = samples.len();
    (n >= MIN_SAMPLES).then(|| median(samples).map(|m| (m, n)))?
}

impl Pace {
    /// About 230 words per minute, 10 s a card, 20 s a question.
    pub const DEFAULT: Pace = Pace {
        words_per_minute: crate::pack::WORDS_PER_MINUTE,
        seconds_per_card: crate::pack::SECONDS_PER_CARD,
        seconds_per_question: crate::pack::SECONDS_PER_QUESTION,
        basis: Basis {
            reading: 0,
            cards: 0,
            questions: 0,
        },
    };

    /// The medians of the learner's samples, each kind on its own: with fewer than [`MIN_SAMPLES`] usable samples
    /// of a kind, the default for that kind. Reading samples under [`MIN_SAMPLE_WORDS`] words or
    /// [`MIN_SAMPLE_MS`] (a bite paged through), and samples of zero or negative time, are not usable; the reading
    /// speed is held within [`HUMAN_WORDS_PER_MINUTE`].
    pub fn from_history(history: &History) -> Pace {
        let mut pace = Pace::DEFAULT;
        let rates = history
            .reading
            .iter()
            .filter(|s| s.words >= MIN_SAMPLE_WORDS && s.ms >= MIN_SAMPLE_MS)
            .map(|s| s.words as f64 * 60_000.0 / s.ms as f64)
            .collect();
        if let Some((wpm, n)) = from_samples(rates) {
            let human = &HUMAN_WORDS_PER_MINUTE;
            pace.words_per_minute = wpm.clamp(*human.start(), *human.end());
            pace.basis.reading = n;
        }
        let seconds = |ms: &[i64]| {
            from_samples(
                ms.iter()
                    .filter(|&&ms| ms > 0)
                    .map(|&ms| ms as f64 / 1000.0)
                    .collect(),
            )
        };
        if let Some((s, n)) = seconds(&history.card_ms) {
            pace.seconds_per_card = s;
            pace.basis.cards = n;
        }
        if let Some((s, n)) = seconds(&history.question_ms) {
            pace.seconds_per_question = s;
            pace.basis.questions = n;
        }
        pace
    }

    /// Seconds to read `words` words and do `questions` questions and `cards` cards: whole seconds, rounded up, at
    /// least one.
    pub(crate) fn bite_seconds(&self, words: usize, questions: usize, cards: usize) -> u32 {
        let reading = words as f64 * 60.0 / self.words_per_minute.max(1.0);
        whole_seconds(
            reading
                + questions as f64 * self.seconds_per_question
                + cards as f64 * self.seconds_per_card,
        )
    }

    /// Seconds for one review of an item of this kind.
    pub(crate) fn item_seconds(&self, kind: ItemKind) -> u32 {
        whole_seconds(match kind {
            ItemKind::Card => self.seconds_per_card,
            ItemKind::Question => self.seconds_per_question,
        })
    }
}

fn whole_seconds(seconds: f64) -> u32 {
    if seconds.is_finite() {
        seconds.ceil().clamp(1.0, f64::from(u32::MAX)) as u32
    } else {
        u32::MAX
    }
}

/// A card or question to review.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DueItem {
    /// The course's id.
    pub course: String,
    /// The item's id.
    pub item: String,
    /// A card or a question.
    pub kind: ItemKind,
    /// The id of the lesson it comes from.
    pub lesson: String,
}

/// A bite to read, with the exercises of it that still wait (questions never answered, cards never rated: the
/// session skips the others).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewBite {
    pub(crate) course: String,
    pub(crate) lesson: String,
    /// 1-based.
    pub(crate) bite: usize,
    pub(crate) words: usize,
    pub(crate) questions: usize,
    pub(crate) cards: usize,
}

/// One step of a planned session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Step {
    /// A due review.
    Review(DueItem),
    /// A question missed in a lesson, asked again.
    Missed(DueItem),
    /// A bite to read, with its exercises.
    Bite(NewBite),
}

impl Step {
    #[cfg(test)]
    pub(crate) fn course(&self) -> &str {
        match self {
            Step::Review(i) | Step::Missed(i) => &i.course,
            Step::Bite(b) => &b.course,
        }
    }
}

/// A step and its estimate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Planned {
    pub(crate) step: Step,
    pub(crate) estimate_seconds: u32,
}

/// A time-boxed session: its steps in order and the sum of their estimates, never more than the box.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Plan {
    pub(crate) minutes: u32,
    /// The steps, in the order they are played.
    pub items: Vec<Planned>,
    pub(crate) estimate_seconds: u32,
}

impl Plan {
    /// The box in seconds.
    pub(crate) fn box_seconds(&self) -> u32 {
        self.minutes.saturating_mul(60)
    }

    /// Seconds of the box not yet planned.
    pub(crate) fn left(&self) -> u32 {
        self.box_seconds().saturating_sub(self.estimate_seconds)
    }

    /// Adds `step` if its `seconds` fit in what is left; says whether it did.
    fn take(&mut self, step: Step, seconds: u32) -> bool {
        if seconds > self.left() {
            return false;
        }
        self.estimate_seconds += seconds;
        self.items.push(Planned {
            step,
            estimate_seconds: seconds,
        });
        true
    }

    /// Steps of each kind: (reviews, missed questions, bites).
    pub(crate) fn counts(&self) -> (usize, usize, usize) {
        self.items
            .iter()
            .fold((0, 0, 0), |(r, m, b), p| match p.step {
                Step::Review(_) => (r + 1, m, b),
                Step::Missed(_) => (r, m + 1, b),
                Step::Bite(_) => (r, m, b + 1),
            })
    }
}

/// Plans `minutes` of study: `due` reviews in the order given, then `missed` questions not already due, then
/// `bites` in course order until one does not fit (see the module's documentation).
pub fn plan(
    minutes: u32,
    due: &[DueItem],
    missed: &[DueItem],
    bites: impl IntoIterator<Item = NewBite>,
    pace: &Pace,
) -> Plan {
    let mut plan = Plan {
        minutes,
        items: Vec::new(),
        estimate_seconds: 0,
    };
    let shortest = pace
        .item_seconds(ItemKind::Card)
        .min(pace.item_seconds(ItemKind::Question));
    for item in due {
        if plan.left() < shortest {
            break; // no card or question fits any more
        }
        plan.take(Step::Review(item.clone()), pace.item_seconds(item.kind));
    }
    if !missed.is_empty() && plan.left() >= shortest {
        let due_ids: std::collections::HashSet<(&str, &str)> = due
            .iter()
            .map(|d| (d.course.as_str(), d.item.as_str()))
            .collect();
        for item in missed {
            if !due_ids.contains(&(item.course.as_str(), item.item.as_str())) {
                plan.take(Step::Missed(item.clone()), pace.item_seconds(item.kind));
            }
        }
    }
    for bite in bites {
        let seconds = pace.bite_seconds(bite.words, bite.questions, bite.cards);
        if !plan.take(Step::Bite(bite), seconds) {
            break;
        }
    }
    plan
}

/// Due items with their schedule, lowest retrievability at `now` first (the most likely forgotten). FSRS
/// retrievability falls as `elapsed / stability` grows, with one decay for all of a learner's items whatever their
/// parameters, so items are ordered by that ratio, largest first (exact, and the same order as
/// `Store::due_page` gives in SQL); ties by due date, course and id, so the order is the same on every run.
pub fn by_retrievability(items: Vec<(DueItem, ItemState)>, now: i64) -> Vec<DueItem> {
    let mut keyed: Vec<(f64, i64, DueItem)> = items
        .into_iter()
        .map(|(item, state)| (forgetting(&state, now), state.due_at, item))
        .collect();
    keyed.sort_by(|a, b| {
        b.0.total_cmp(&a.0)
            .then(a.1.cmp(&b.1))
            .then_with(|| a.2.course.cmp(&b.2.course))
            .then_with(|| a.2.item.cmp(&b.2.item))
    });
    keyed.into_iter().map(|(_, _, item)| item).collect()
}

/// Time since the last review (ms) per unit of stability: the larger, the less retrievable.
fn forgetting(state: &ItemState, now: i64) -> f64 {
    (now - state.last_review_at) as f64 / f64::from(state.stability)
}

/// The questions of `pack` answered but not right on the first try of their latest round, in course order.
pub fn missed_questions(pack: &Pack, progress: &Progress) -> Vec<DueItem> {
    let mut out = Vec::new();
    for lesson in &pack.lessons {
        for q in lesson.questions() {
            if progress
                .questions
                .get(&q.id)
                .is_some_and(|p| !p.first_try_right)
            {
                out.push(DueItem {
                    course: pack.course.id.clone(),
                    item: q.id.clone(),
                    kind: ItemKind::Question,
                    lesson: lesson.id.clone(),
                });
            }
        }
    }
    out
}

/// The bites `play` would show from where it resumes (`session::start_point`), in course order, each with the
/// questions and cards of it that still wait. A course played to its end with every lesson mastered has none.
/// Lazy: [`plan`] takes only as many as fit, so a pack of 10,000 lessons costs no more than a small one.
pub fn new_bites<'a>(pack: &'a Pack, progress: &'a Progress) -> impl Iterator<Item = NewBite> + 'a {
    let pass_mark = pack.course.pass_mark;
    let done = progress.finished
        && pack
            .lessons
            .iter()
            .all(|l| progress.lesson_status(l, pass_mark).mastered);
    let start = start_point::<std::convert::Infallible>(pack, progress, &OpenOptions::default())
        .ok()
        .filter(|_| !done);
    let (lesson, bite) = start.map_or((pack.lessons.len(), 0), |(l, b, _)| (l, b));
    pack.lessons
        .iter()
        .enumerate()
        .skip(lesson)
        .flat_map(move |(i, l)| {
            let from = if i == lesson { bite } else { 0 };
            l.bites.iter().skip(from).map(move |b| (l, b))
        })
        .map(move |(l, b)| {
            let (mut questions, mut cards) = (0, 0);
            for e in &b.exercises {
                match e {
                    Exercise::Question(q) if !progress.questions.contains_key(&q.id) => {
                        questions += 1;
                    }
                    Exercise::Card(c) if !progress.cards_rated.contains(&c.id) => cards += 1,
                    _ => {}
                }
            }
            NewBite {
                course: pack.course.id.clone(),
                lesson: l.id.clone(),
                bite: b.number,
                words: b.words,
                questions,
                cards,
            }
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::learn::progress::{QuestionProgress, SavedPosition};

    fn item(course: &str, id: &str, kind: ItemKind) -> DueItem {
        DueItem {
            course: course.to_string(),
            item: id.to_string(),
            kind,
            lesson: "l".to_string(),
        }
    }

    fn bite(n: usize, words: usize, questions: usize, cards: usize) -> NewBite {
        NewBite {
            course: "c".to_string(),
            lesson: "l".to_string(),
            bite: n,
            words,
            questions,
            cards,
        }
    }

    fn git_pack() -> Pack {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("courses/git-in-bites");
        crate::pack::load(&path)
            .into_pack()
            .map_err(|r| r.diagnostics)
            .unwrap()
    }

    #[test]
    fn a_plan_never_exceeds_its_box_and_keeps_the_order() {
        let mut rng = fastrand::Rng::with_seed(0x6d6f_7273);
        for _ in 0..2000 {
            let pace = Pace {
                words_per_minute: rng.f64() * 600.0 + 20.0,
                seconds_per_card: rng.f64() * 60.0,
                seconds_per_question: rng.f64() * 120.0,
                basis: Basis::default(),
            };
            let kind = |rng: &mut fastrand::Rng| {
                if rng.bool() {
                    ItemKind::Card
                } else {
                    ItemKind::Question
                }
            };
            let due: Vec<DueItem> = (0..rng.usize(0..100))
                .map(|i| item("c", &format!("d{i}"), kind(&mut rng)))
                .collect();
            // Some missed questions are also due: those are asked once, as reviews.
            let missed: Vec<DueItem> = (0..rng.usize(0..20))
                .map(|i| item("c", &format!("d{}", i * 7), ItemKind::Question))
                .collect();
            let bites: Vec<NewBite> = (0..rng.usize(0..60))
                .map(|i| bite(i + 1, rng.usize(0..1500), rng.usize(0..4), rng.usize(0..4)))
                .collect();
            let minutes = rng.u32(0..40);
            let plan = plan(minutes, &due, &missed, bites.clone(), &pace);

            let box_seconds = minutes * 60;
            assert!(plan.estimate_seconds <= box_seconds, "{plan:?}");
            let sum: u32 = plan.items.iter().map(|p| p.estimate_seconds).sum();
            assert_eq!(sum, plan.estimate_seconds);
            // Reviews, then missed questions, then bites.
            let rank = |s: &Step| match s {
                Step::Review(_) => 0,
                Step::Missed(_) => 1,
                Step::Bite(_) => 2,
            };
            assert!(
                plan.items
                    .windows(2)
                    .all(|w| rank(&w[0].step) <= rank(&w[1].step))
            );
            // Every due item passed over did not fit in what was left when its turn came.
            let mut used = 0;
            let mut taken = plan.items.iter().peekable();
            for d in &due {
                let seconds = pace.item_seconds(d.kind);
                match taken.peek() {
                    Some(p) if p.step == Step::Review(d.clone()) => {
                        used += p.estimate_seconds;
                        taken.next();
                    }
                    _ => assert!(
                        seconds > box_seconds - used,
                        "{d:?} fitted but was left out"
                    ),
                }
            }
            // A missed question is never planned twice.
            let missed_ids: Vec<&str> = plan
                .items
                .iter()
                .filter_map(|p| match &p.step {
                    Step::Missed(i) => Some(i.item.as_str()),
                    _ => None,
                })
                .collect();
            assert!(
                missed_ids
                    .iter()
                    .all(|id| !due.iter().any(|d| d.item == *id))
            );
            // Bites: a prefix of the course's order, and the first one left out did not fit.
            let planned: Vec<&NewBite> = plan
                .items
                .iter()
                .filter_map(|p| match &p.step {
                    Step::Bite(b) => Some(b),
                    _ => None,
                })
                .collect();
            assert!(planned.iter().zip(&bites).all(|(p, b)| *p == b));
            if let Some(next) = bites.get(planned.len()) {
                let seconds = pace.bite_seconds(next.words, next.questions, next.cards);
                assert!(seconds > box_seconds - plan.estimate_seconds);
            }
        }
    }

    #[test]
    fn due_reviews_come_before_missed_questions_and_bites() {
        let due = vec![
            item("a", "q1", ItemKind::Question),
            item("b", "c1", ItemKind::Card),
        ];
        let missed = vec![item("c", "q9", ItemKind::Question)];
        let plan = plan(1, &due, &missed, vec![bite(1, 23, 0, 0)], &Pace::DEFAULT);
        // 20 + 10 + 20 + 6 (23 words at 230 wpm) = 56 s of a 60 s box.
        let steps: Vec<(&str, u32)> = plan
            .items
            .iter()
            .map(|p| (p.step.course(), p.estimate_seconds))
            .collect();
        assert_eq!(steps, [("a", 20), ("b", 10), ("c", 20), ("c", 6)]);
        assert_eq!(plan.estimate_seconds, 56);
        assert_eq!(plan.counts(), (2, 1, 1));
        // With less time, the reviews take it all, and a card still fits after a question does not.
        let due = vec![
            item("a", "q1", ItemKind::Question),
            item("a", "q2", ItemKind::Question),
            item("a", "q3", ItemKind::Question),
            item("a", "c1", ItemKind::Card),
        ];
        let plan = super::plan(1, &due, &missed, vec![bite(1, 10, 0, 0)], &Pace::DEFAULT);
        let ids: Vec<&str> = plan
            .items
            .iter()
            .map(|p| match &p.step {
                Step::Review(i) => i.item.as_str(),
                other => panic!("only reviews fit: {other:?}"),
            })
            .collect();
        assert_eq!(ids, ["q1", "q2", "q3"]);
        assert_eq!(plan.estimate_seconds, 60);
    }

    #[test]
    fn a_bite_that_does_not_fit_is_not_started_and_stops_the_bites() {
        // 230 words = 60 s; 1,150 words = 300 s; 46 words = 12 s.
        let bites = vec![bite(1, 230, 0, 0), bite(2, 1150, 0, 0), bite(3, 46, 0, 0)];
        let plan = plan(5, &[], &[], bites, &Pace::DEFAULT);
        assert_eq!(plan.items.len(), 1, "{plan:?}");
        assert_eq!(plan.items[0].step, Step::Bite(bite(1, 230, 0, 0)));
        assert_eq!(plan.estimate_seconds, 60);
        // A bite's exercises count: 230 words, a question and a card are 90 s.
        assert_eq!(Pace::DEFAULT.bite_seconds(230, 1, 1), 90);
        // An empty box plans nothing.
        assert!(
            super::plan(0, &[], &[], vec![bite(1, 1, 0, 0)], &Pace::DEFAULT)
                .items
                .is_empty()
        );
    }

    #[test]
    fn defaults_until_there_is_enough_history() {
        assert_eq!(Pace::from_history(&History::default()), Pace::DEFAULT);
        let four = History {
            reading: vec![
                ReadingSample {
                    words: 100,
                    ms: 10_000
                };
                4
            ],
            card_ms: vec![3000; 4],
            question_ms: vec![5000; 4],
        };
        assert_eq!(Pace::from_history(&four), Pace::DEFAULT);
        // Unusable samples do not count toward the five: a bite of 5 words, a zero duration.
        let mut unusable = four.clone();
        unusable.reading.push(ReadingSample { words: 5, ms: 1000 });
        unusable.card_ms.push(0);
        assert_eq!(Pace::from_history(&unusable), Pace::DEFAULT);
        // Five of one kind: that kind is the learner's, the others stay default.
        let mut five_cards = four;
        five_cards.card_ms.push(3000);
        let pace = Pace::from_history(&five_cards);
        assert_eq!(pace.seconds_per_card, 3.0);
        assert_eq!(
            pace.basis,
            Basis {
                reading: 0,
                cards: 5,
                questions: 0
            }
        );
        assert_eq!(pace.words_per_minute, Pace::DEFAULT.words_per_minute);
        assert_eq!(
            pace.seconds_per_question,
            Pace::DEFAULT.seconds_per_question
        );
    }

    #[test]
    fn the_pace_is_the_median_of_the_learner_s_samples() {
        let history = History {
            // 100, 200, 300, 400 and 1000 words per minute: the median is 300, whatever the outlier.
            reading: [60_000, 30_000, 20_000, 15_000, 6000]
                .iter()
                .map(|&ms| ReadingSample { words: 100, ms })
                .collect(),
            card_ms: vec![4000, 2000, 9000, 1000, 3000, 600_000],
            question_ms: vec![12_000, 8000, 30_000, 9000, 11_000],
        };
        let pace = Pace::from_history(&history);
        assert_eq!(pace.words_per_minute, 300.0);
        assert_eq!(pace.seconds_per_card, 3.5); // (3 + 4) / 2
        assert_eq!(pace.seconds_per_question, 11.0);
        assert_eq!(
            pace.basis,
            Basis {
                reading: 5,
                cards: 6,
                questions: 5
            }
        );
        // The plan follows: 300 words are a minute, a card 4 s (3.5 rounded up).
        assert_eq!(pace.bite_seconds(300, 0, 0), 60);
        assert_eq!(pace.item_seconds(ItemKind::Card), 4);
    }

    #[test]
    fn bites_paged_through_are_not_samples_and_the_speed_stays_human() {
        let history = |ms: i64| History {
            reading: vec![ReadingSample { words: 300, ms }; 5],
            ..History::default()
        };
        // Five bites left after 4 s: paged through, so the default speed.
        let paged = Pace::from_history(&history(4_000));
        assert_eq!(paged.words_per_minute, Pace::DEFAULT.words_per_minute);
        assert_eq!(paged.basis.reading, 0);
        // 300 words in 6 s (3000 a minute), or in 10 minutes (30): held to a human range.
        assert_eq!(Pace::from_history(&history(6_000)).words_per_minute, 500.0);
        assert_eq!(Pace::from_history(&history(600_000)).words_per_minute, 80.0);
    }

    #[test]
    fn reading_samples_take_their_words_from_the_pack() {
        let time = |course: &str| BiteTime {
            course: course.into(),
            lesson: "l".into(),
            bite: 1,
            ms: 1000,
        };
        let samples = Samples {
            bites: vec![time("c"), time("gone")],
            card_ms: vec![1],
            question_ms: vec![2],
        };
        let history = samples.into_history(|course, _, bite| (course == "c").then_some(bite * 50));
        assert_eq!(
            history.reading,
            [ReadingSample {
                words: 50,
                ms: 1000
            }]
        );
        assert_eq!((history.card_ms, history.question_ms), (vec![1], vec![2]));
    }

    #[test]
    fn new_bites_start_where_play_resumes_and_count_only_waiting_exercises() {
        let pack = git_pack();
        let fresh = Progress::default();
        let all: Vec<NewBite> = new_bites(&pack, &fresh).collect();
        let total: usize = pack.lessons.iter().map(|l| l.bites.len()).sum();
        assert_eq!(all.len(), total);
        assert_eq!(
            (all[0].lesson.as_str(), all[0].bite),
            (pack.lessons[0].id.as_str(), 1)
        );
        assert_eq!(all[0].words, pack.lessons[0].bites[0].words);

        // Resuming at lesson 2, bite 2, with one of that bite's questions answered.
        let second = &pack.lessons[1];
        let b2 = &second.bites[1];
        let mut progress = Progress {
            position: Some(SavedPosition {
                lesson: second.id.clone(),
                bite: 2,
                scroll: 0,
                exercise: None,
            }),
            ..Progress::default()
        };
        let waiting = b2.questions().count() + b2.cards().count();
        if let Some(q) = b2.questions().next() {
            progress.questions.insert(
                q.id.clone(),
                QuestionProgress {
                    round: 1,
                    first_try_right: false,
                    first_try: false,
                    attempts: 1,
                    known: false,
                },
            );
        }
        let from: Vec<NewBite> = new_bites(&pack, &progress).collect();
        assert_eq!(
            (from[0].lesson.as_str(), from[0].bite),
            (second.id.as_str(), 2)
        );
        assert_eq!(
            from[0].questions + from[0].cards,
            waiting - usize::from(b2.questions().next().is_some())
        );
        assert_eq!(from.len(), total - pack.lessons[0].bites.len() - 1);
        // The question answered wrong is a missed question, in its lesson.
        let missed = missed_questions(&pack, &progress);
        assert_eq!(missed.len(), usize::from(b2.questions().next().is_some()));
        assert!(
            missed
                .iter()
                .all(|m| m.lesson == second.id && m.kind == ItemKind::Question)
        );
    }

    #[test]
    fn a_course_finished_and_mastered_has_no_new_bites() {
        let pack = git_pack();
        let last = pack.lessons.last().unwrap();
        let mut progress = Progress {
            position: Some(SavedPosition {
                lesson: last.id.clone(),
                bite: last.bites.len(),
                scroll: 0,
                exercise: None,
            }),
            finished: true,
            ..Progress::default()
        };
        for l in &pack.lessons {
            for b in &l.bites {
                progress.bites_seen.insert((l.id.clone(), b.number));
            }
            for q in l.questions() {
                progress.questions.insert(
                    q.id.clone(),
                    QuestionProgress {
                        round: 1,
                        first_try_right: true,
                        first_try: true,
                        attempts: 1,
                        known: true,
                    },
                );
            }
            for c in l.cards() {
                let recalled = crate::learn::schedule::Scheduler::default().next(
                    None,
                    crate::learn::journal::Rating::Good,
                    0,
                );
                progress.cards_rated.insert(c.id.clone());
                progress.items.insert(c.id.clone(), recalled);
            }
        }
        assert_eq!(new_bites(&pack, &progress).count(), 0);
        // One question missed (not known): play opens that lesson again, and so does the plan.
        let first_q = pack.lessons[0].questions().next().unwrap().id.clone();
        let q = progress.questions.get_mut(&first_q).unwrap();
        q.first_try_right = false;
        q.first_try = false;
        q.known = false;
        let again: Vec<NewBite> = new_bites(&pack, &progress).collect();
        assert_eq!(
            (again[0].lesson.as_str(), again[0].bite),
            (pack.lessons[0].id.as_str(), 1)
        );
    }

    #[test]
    fn the_least_retrievable_item_comes_first() {
        use crate::learn::journal::Rating;
        let s = crate::learn::schedule::Scheduler::default();
        let t0 = 1_795_000_000_000;
        let weak = s.next(None, Rating::Again, t0);
        let strong = s.next(None, Rating::Easy, t0);
        let now = t0 + 10 * crate::learn::schedule::DAY_MS;
        let order = by_retrievability(
            vec![
                (item("a", "strong", ItemKind::Card), strong),
                (item("a", "weak", ItemKind::Card), weak),
            ],
            now,
        );
        let ids: Vec<&str> = order.iter().map(|i| i.item.as_str()).collect();
        assert_eq!(ids, ["weak", "strong"]);
        assert!(s.retrievability(&weak, now) < s.retrievability(&strong, now));
        // Over many random states, the order is the crate's retrievability, lowest first.
        let mut rng = fastrand::Rng::with_seed(7);
        let states: Vec<(DueItem, ItemState)> = (0..500)
            .map(|i| {
                let mut state = s.next(None, Rating::ALL[rng.usize(0..4)], t0);
                state.stability = 0.1 + rng.f32() * 300.0;
                state.last_review_at = t0 - rng.i64(0..400 * crate::learn::schedule::DAY_MS);
                (item("a", &format!("i{i}"), ItemKind::Card), state)
            })
            .collect();
        let by_id: std::collections::HashMap<String, ItemState> =
            states.iter().map(|(i, s)| (i.item.clone(), *s)).collect();
        let r: Vec<f32> = by_retrievability(states, now)
            .iter()
            .map(|i| s.retrievability(&by_id[&i.item], now))
            .collect();
        assert!(r.windows(2).all(|w| w[0] <= w[1] + 1e-6), "{r:?}");
    }
}
