//! Spaced review: every card and every question is a review item, scheduled with FSRS-6 through the `fsrs` crate
//! (the reference implementation, not a copy of its formulas). Pure domain: a grade and the item's previous state in,
//! its next state out; no clock of its own, no database.
//!
//! - A card's rating is its grade. A question's first attempt in a sitting is graded by [`question_grade`]: right
//!   without the hint → Good, right after the hint → Hard, wrong or skipped → Again. Later attempts in the same
//!   sitting are practice: logged, never graded.
//! - [`Scheduler::next`] gives the state after a graded review; [`Scheduler::retrievability`] the probability of
//!   recall now, which orders the due queue (lowest first).
//! - [`content_hash`] names an item's content, so that an edited item keeps its history and is counted as edited;
//!   [`item_hash`] is that hash of a card or question as the pack has it.

use crate::pack::{Exercise, QuestionKind};

/// How well a card's back was remembered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Rating {
    /// Forgotten.
    Again,
    /// Remembered, with effort.
    Hard,
    /// Remembered.
    Good,
    /// Remembered at once.
    Easy,
}

impl Rating {
    /// Every rating, from the weakest recall to the strongest.
    pub(crate) const ALL: [Rating; 4] = [Rating::Again, Rating::Hard, Rating::Good, Rating::Easy];

    /// 1 Again, 2 Hard, 3 Good, 4 Easy: the key that gives it and the number the store keeps.
    pub(crate) fn number(self) -> u8 {
        match self {
            Rating::Again => 1,
            Rating::Hard => 2,
            Rating::Good => 3,
            Rating::Easy => 4,
        }
    }

    /// The rating numbered `n` (1 to 4), if any.
    pub fn from_number(n: u8) -> Option<Rating> {
        Rating::ALL.get(usize::from(n).checked_sub(1)?).copied()
    }

    /// The rating's name, as the keys and `--plain` give it: `Again`, `Hard`, `Good`, `Easy`.
    pub(crate) fn name(self) -> &'static str {
        match self {
            Rating::Again => "Again",
            Rating::Hard => "Hard",
            Rating::Good => "Good",
            Rating::Easy => "Easy",
        }
    }

    /// Recall good enough to count as remembered: Good or Easy.
    pub(crate) fn remembered(self) -> bool {
        self >= Rating::Good
    }
}

/// A day in milliseconds.
pub const DAY_MS: i64 = 86_400_000;

/// Desired retention when the config does not say.
pub(crate) const DEFAULT_RETENTION: f32 = 0.9;

/// What an item is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ItemKind {
    /// A flashcard.
    Card,
    /// A question.
    Question,
}

impl ItemKind {
    /// As the store and the JSON outputs write it.
    pub fn as_str(self) -> &'static str {
        match self {
            ItemKind::Card => "card",
            ItemKind::Question => "question",
        }
    }

    pub(crate) fn parse(text: &str) -> Option<Self> {
        match text {
            "card" => Some(ItemKind::Card),
            "question" => Some(ItemKind::Question),
            _ => None,
        }
    }
}

/// Why a review happened.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ReviewKind {
    /// First met in a lesson: the item enters the schedule.
    Learn,
    /// Due (or overdue).
    Scheduled,
    /// Before it was due: studying ahead, or meeting it again in a lesson.
    Early,
    /// A later attempt in the same sitting: recorded, not graded.
    Practice,
}

impl ReviewKind {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            ReviewKind::Learn => "learn",
            ReviewKind::Scheduled => "scheduled",
            ReviewKind::Early => "early",
            ReviewKind::Practice => "practice",
        }
    }

    pub(crate) fn parse(text: &str) -> Option<Self> {
        match text {
            "learn" => Some(ReviewKind::Learn),
            "scheduled" => Some(ReviewKind::Scheduled),
            "early" => Some(ReviewKind::Early),
            "practice" => Some(ReviewKind::Practice),
            _ => None,
        }
    }

    /// Of a graded review of an item in `previous` state at `now`: learn, scheduled or early.
    pub(crate) fn of(previous: Option<&ItemState>, now: i64) -> Self {
        match previous {
            None => ReviewKind::Learn,
            Some(state) if state.due_at <= now => ReviewKind::Scheduled,
            Some(_) => ReviewKind::Early,
        }
    }
}

/// Where an item stands in the schedule.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ItemState {
    /// Days until the chance of recall falls to 90% (FSRS stability).
    pub stability: f32,
    /// How hard the item is, from 1 to 10 (FSRS difficulty).
    pub difficulty: f32,
    /// When the next review is due, in milliseconds since the Unix epoch.
    pub due_at: i64,
    /// When it was last reviewed, in milliseconds since the Unix epoch.
    pub last_review_at: i64,
    /// Graded reviews so far.
    pub reps: u32,
    /// Graded reviews rated Again after the first.
    pub lapses: u32,
    /// The grade of the last graded review.
    pub last_rating: Rating,
}

impl ItemState {
    /// The optimizer's `review_state` before a review of an item in `previous` state: 0 new, 2 review, 3
    /// relearning (its last grade was Again). morsel has no learning steps, so 1 (learning) is never written.
    pub(crate) fn optimizer_state(previous: Option<&ItemState>) -> u8 {
        match previous {
            None => 0,
            Some(s) if s.last_rating == Rating::Again => 3,
            Some(_) => 2,
        }
    }
}

/// The grade of a question's first attempt in a sitting.
pub(crate) fn question_grade(correct: bool, skipped: bool, hint_used: bool) -> Rating {
    match (correct && !skipped, hint_used) {
        (true, false) => Rating::Good,
        (true, true) => Rating::Hard,
        (false, _) => Rating::Again,
    }
}

/// A stable name for an item's content (FNV-1a, 64 bits, of its parts separated by NUL): the same text gives the
/// same hash on every machine and every version of morsel.
pub(crate) fn content_hash(parts: &[&str]) -> String {
    let mut hash = crate::text::hash::Fnv64::default();
    for (i, part) in parts.iter().enumerate() {
        if i > 0 {
            hash.write(&[0]);
        }
        hash.write(part.as_bytes());
    }
    hash.hex()
}

/// The content hash of a card (its front and back) or a question (its kind, prompt and what makes an answer right:
/// the choices and which are right, the true/false answer, the accepted texts and their case rule, the items in
/// order). Explanations, hints and feedback are not part of it: rewording them is not an edit of what is asked.
pub fn item_hash(exercise: &Exercise) -> String {
    match exercise {
        Exercise::Card(card) => content_hash(&["card", &card.front, &card.back]),
        Exercise::Question(q) => {
            let mut parts = vec!["question", q.kind.name(), &q.prompt];
            match &q.kind {
                QuestionKind::Choice { choices, .. } => {
                    for choice in choices {
                        parts.push(if choice.correct { "right" } else { "wrong" });
                        parts.push(&choice.text);
                    }
                }
                QuestionKind::TrueFalse { answer } => {
                    parts.push(if *answer { "true" } else { "false" })
                }
                QuestionKind::Text {
                    answers,
                    case_sensitive,
                    examples,
                } => {
                    parts.push(if *case_sensitive {
                        "case-sensitive"
                    } else {
                        "any-case"
                    });
                    parts.extend(answers.iter().map(String::as_str));
                    // Only a question graded by examples hashes them, so the others keep their hash.
                    if let Some(examples) = examples {
                        parts.push(examples.flavour.name());
                        parts.push("matches");
                        parts.extend(examples.matches.iter().map(String::as_str));
                        parts.push("rejects");
                        parts.extend(examples.rejects.iter().map(String::as_str));
                    }
                }
                QuestionKind::Order { items } => parts.extend(items.iter().map(String::as_str)),
            }
            content_hash(&parts)
        }
    }
}

/// The id and kind of an exercise as a review item.
pub fn item_of(exercise: &Exercise) -> (&str, ItemKind) {
    match exercise {
        Exercise::Card(card) => (&card.id, ItemKind::Card),
        Exercise::Question(q) => (&q.id, ItemKind::Question),
    }
}

/// A problem with a set of FSRS parameters.
#[derive(Debug, thiserror::Error)]
#[error("FSRS parameters are not usable: {0}")]
pub(crate) struct BadParameters(String);

/// FSRS-6 with the learner's parameters (or the defaults) and desired retention.
pub struct Scheduler {
    fsrs: fsrs::FSRS,
    parameters: Vec<f32>,
    retention: f32,
}

impl std::fmt::Debug for Scheduler {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Scheduler")
            .field("parameters", &self.parameters)
            .field("retention", &self.retention)
            .finish()
    }
}

impl Default for Scheduler {
    fn default() -> Self {
        Self::new(None, DEFAULT_RETENTION)
            .unwrap_or_else(|_| unreachable!("FSRS-6's default parameters are valid (tested)"))
    }
}

impl Scheduler {
    /// `parameters`: personal FSRS-6 weights, or `None` for the defaults. `retention` is clamped to 0.7-0.99.
    pub(crate) fn new(parameters: Option<&[f32]>, retention: f32) -> Result<Self, BadParameters> {
        let parameters = parameters.unwrap_or(&fsrs::DEFAULT_PARAMETERS).to_vec();
        let fsrs = fsrs::FSRS::new(&parameters).map_err(|e| BadParameters(e.to_string()))?;
        Ok(Self {
            fsrs,
            parameters,
            retention: retention.clamp(0.7, 0.99),
        })
    }

    /// The weights in use.
    #[cfg(test)]
    pub(crate) fn parameters(&self) -> &[f32] {
        &self.parameters
    }

    /// Whether these are FSRS-6's defaults.
    #[cfg(test)]
    pub(crate) fn is_default(&self) -> bool {
        self.parameters == fsrs::DEFAULT_PARAMETERS
    }

    fn decay(&self) -> f32 {
        self.parameters
            .get(20)
            .copied()
            .unwrap_or(fsrs::FSRS6_DEFAULT_DECAY)
    }

    /// The state after a graded review at `now` of an item in `previous` state (`None`: first met).
    pub fn next(&self, previous: Option<&ItemState>, rating: Rating, now: i64) -> ItemState {
        let memory = previous.map(|s| fsrs::MemoryState {
            stability: s.stability,
            difficulty: s.difficulty,
        });
        let elapsed = previous.map_or(0, |s| {
            u32::try_from((now - s.last_review_at).max(0) / DAY_MS).unwrap_or(u32::MAX)
        });
        let fallback = fsrs::ItemState {
            memory: memory.unwrap_or(fsrs::MemoryState {
                stability: 1.0,
                difficulty: 5.0,
            }),
            interval: 1.0,
        };
        let next = self
            .fsrs
            .next_states(memory, self.retention, elapsed)
            .map(|states| match rating {
                Rating::Again => states.again,
                Rating::Hard => states.hard,
                Rating::Good => states.good,
                Rating::Easy => states.easy,
            })
            .unwrap_or(fallback);
        // Whole days, at least one: a review never comes back the same day it was graded.
        let days = next.interval.round().max(1.0) as i64;
        let lapse = previous.is_some() && rating == Rating::Again;
        ItemState {
            stability: next.memory.stability.max(0.01),
            difficulty: next.memory.difficulty,
            due_at: now + days * DAY_MS,
            last_review_at: now,
            reps: previous.map_or(0, |s| s.reps) + 1,
            lapses: previous.map_or(0, |s| s.lapses) + u32::from(lapse),
            last_rating: rating,
        }
    }

    /// Days since the last review over stability: retrievability falls as this grows (one decay for every item), so
    /// it orders a queue exactly as retrievability does, without a `powf` per item.
    pub(crate) fn forgetting(&self, state: &ItemState, now: i64) -> f64 {
        let days = (now - state.last_review_at).max(0) as f64 / DAY_MS as f64;
        days / f64::from(state.stability.max(f32::MIN_POSITIVE))
    }

    /// The probability of recalling the item at `now` (1 right after a review, falling with time).
    pub fn retrievability(&self, state: &ItemState, now: i64) -> f32 {
        let days = (now - state.last_review_at).max(0) as f32 / DAY_MS as f32;
        fsrs::current_retrievability(
            fsrs::MemoryState {
                stability: state.stability,
                difficulty: state.difficulty,
            },
            days,
            self.decay(),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const T0: i64 = 1_795_000_000_000;

    #[test]
    fn a_question_s_first_attempt_maps_to_a_grade() {
        assert_eq!(question_grade(true, false, false), Rating::Good);
        assert_eq!(question_grade(true, false, true), Rating::Hard);
        assert_eq!(question_grade(false, false, false), Rating::Again);
        assert_eq!(question_grade(false, true, false), Rating::Again);
        assert_eq!(question_grade(false, false, true), Rating::Again);
    }

    #[test]
    fn the_default_parameters_are_valid() {
        let scheduler = Scheduler::default();
        assert!(scheduler.is_default());
        assert_eq!(scheduler.parameters().len(), 21);
    }

    #[test]
    fn a_known_history_gives_the_crate_s_due_dates() {
        // FSRS-6 defaults, retention 0.9: a new item rated Good has stability 2.3065 days (the crate's own
        // documented example), so it comes back in 2 days.
        let s = Scheduler::default();
        let first = s.next(None, Rating::Good, T0);
        assert!((first.stability - 2.3065).abs() < 1e-3, "{first:?}");
        assert_eq!(first.due_at, T0 + 2 * DAY_MS);
        assert_eq!((first.reps, first.lapses), (1, 0));
        // Again on a new item: back the next day (never the same day).
        assert_eq!(s.next(None, Rating::Again, T0).due_at, T0 + DAY_MS);
        // Easy: 8.2956 days of stability, back in 8 days.
        assert_eq!(s.next(None, Rating::Easy, T0).due_at, T0 + 8 * DAY_MS);
        // Good again when due: the interval grows; Again: a lapse, and it shrinks.
        let second = s.next(Some(&first), Rating::Good, first.due_at);
        assert!(second.due_at - first.due_at > 2 * DAY_MS, "{second:?}");
        let lapsed = s.next(Some(&second), Rating::Again, second.due_at);
        assert_eq!(lapsed.lapses, 1);
        assert!(lapsed.stability < second.stability);
    }

    #[test]
    fn retrievability_falls_with_time_and_is_the_target_when_due() {
        let s = Scheduler::default();
        let state = s.next(None, Rating::Good, T0);
        let fresh = s.retrievability(&state, T0);
        let later = s.retrievability(&state, T0 + 10 * DAY_MS);
        assert!((fresh - 1.0).abs() < 1e-6);
        assert!(later < 0.9 && later > 0.0);
        let at_stability = s.retrievability(&state, T0 + (state.stability * DAY_MS as f32) as i64);
        assert!((at_stability - 0.9).abs() < 0.01, "{at_stability}");
    }

    #[test]
    fn forgetting_orders_items_as_retrievability_does() {
        let s = Scheduler::default();
        let mut rng = fastrand::Rng::with_seed(9);
        let states: Vec<ItemState> = (0..500)
            .map(|_| ItemState {
                stability: 0.1 + rng.f32() * 100.0,
                difficulty: 5.0,
                due_at: T0,
                last_review_at: T0 - rng.i64(0..200 * DAY_MS),
                reps: 1,
                lapses: 0,
                last_rating: Rating::Good,
            })
            .collect();
        for pair in states.windows(2) {
            let (a, b) = (&pair[0], &pair[1]);
            let by_r = s.retrievability(a, T0).total_cmp(&s.retrievability(b, T0));
            let by_f = s.forgetting(b, T0).total_cmp(&s.forgetting(a, T0));
            if (s.retrievability(a, T0) - s.retrievability(b, T0)).abs() > 1e-6 {
                assert_eq!(by_r, by_f, "{a:?} {b:?}");
            }
        }
    }

    #[test]
    fn the_kind_of_a_review_follows_the_due_date() {
        let s = Scheduler::default();
        let state = s.next(None, Rating::Good, T0);
        assert_eq!(ReviewKind::of(None, T0), ReviewKind::Learn);
        assert_eq!(ReviewKind::of(Some(&state), T0 + DAY_MS), ReviewKind::Early);
        assert_eq!(
            ReviewKind::of(Some(&state), state.due_at),
            ReviewKind::Scheduled
        );
    }

    #[test]
    fn the_optimizer_state_before_a_review() {
        let s = Scheduler::default();
        let good = s.next(None, Rating::Good, T0);
        let again = s.next(Some(&good), Rating::Again, good.due_at);
        assert_eq!(ItemState::optimizer_state(None), 0);
        assert_eq!(ItemState::optimizer_state(Some(&good)), 2);
        assert_eq!(ItemState::optimizer_state(Some(&again)), 3);
    }

    #[test]
    fn content_hashes_are_stable_and_tell_parts_apart() {
        assert_eq!(content_hash(&["a"]), content_hash(&["a"]));
        assert_ne!(content_hash(&["ab", "c"]), content_hash(&["a", "bc"]));
        // FNV-1a of "a", a fixed value on every machine.
        assert_eq!(content_hash(&["a"]), "af63dc4c8601ec8c");
    }

    #[test]
    fn an_item_s_hash_changes_with_what_is_asked_not_with_its_explanation() {
        use crate::pack::{Card, Choice, Question};
        let card = |front: &str, back: &str| {
            Exercise::Card(Card {
                id: "c".into(),
                front: front.into(),
                back: back.into(),
                line: 1,
            })
        };
        assert_eq!(
            item_hash(&card("f", "b")),
            content_hash(&["card", "f", "b"])
        );
        assert_ne!(item_hash(&card("f", "b")), item_hash(&card("f", "b2")));
        let question = |right: usize, explain: &str| {
            Exercise::Question(Question {
                id: "q".into(),
                prompt: "Which?".into(),
                kind: QuestionKind::Choice {
                    choices: (0..3)
                        .map(|i| Choice {
                            text: format!("c{i}"),
                            correct: i == right,
                            feedback: None,
                        })
                        .collect(),
                    shuffle: true,
                },
                explain: Some(explain.into()),
                hint: None,
                line: 7,
            })
        };
        assert_eq!(item_hash(&question(0, "a")), item_hash(&question(0, "b")));
        assert_ne!(item_hash(&question(0, "a")), item_hash(&question(1, "a")));
    }
}
