//! `morsel review --optimize`: personal FSRS-6 parameters fitted from the learner's own review log with the `fsrs`
//! crate's optimizer, stored for every later review, and what changed printed.
//!
//! The log becomes the crate's training set as its documentation builds one: for each item, its graded reviews in
//! time order (practice rows are not graded), each review with the whole days since the item's previous one
//! (`delta_t`, 0 for the first); one `FSRSItem` per review that came a day or more after an earlier one, holding the
//! item's history up to it. The crate sets aside rare first intervals as outliers (`fsrs::filter_outlier`) and only
//! trains the model on 64 or more reviews left after that ([`MIN_REVIEWS`]); below, it would return the defaults or
//! fit the first four weights only, so morsel says how many there are and keeps what it has.

use std::collections::BTreeMap;
use std::io::Write;

use fsrs::{ComputeParametersInput, FSRSItem, FSRSReview};

use super::export::card_id;
use crate::learn::schedule::{DAY_MS, ReviewKind, Scheduler};
use crate::store::{LogRow, Store};

/// The fewest usable reviews the crate trains the model on (`compute_parameters` in fsrs 6.6: fewer than 8 give the
/// defaults back, fewer than 64 only the first four weights, estimated from first reviews).
pub(crate) const MIN_REVIEWS: usize = 64;

/// What each of FSRS-6's 21 weights does.
const MEANINGS: [&str; 21] = [
    "first stability after Again (days)",
    "first stability after Hard (days)",
    "first stability after Good (days)",
    "first stability after Easy (days)",
    "first difficulty",
    "first difficulty: rating slope",
    "difficulty change per rating",
    "difficulty mean reversion",
    "stability growth on recall",
    "  its stability damping",
    "  its retrievability factor",
    "stability after a lapse",
    "  its difficulty exponent",
    "  its stability exponent",
    "  its retrievability factor",
    "Hard penalty",
    "Easy bonus",
    "same-day review: stability change",
    "same-day review: rating offset",
    "same-day review: stability damping",
    "forgetting curve decay",
];

/// What `optimize` did.
#[must_use]
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Optimized {
    /// New parameters were fitted and stored.
    Fitted {
        parameters: Vec<f32>,
        graded: usize,
        usable: usize,
    },
    /// Too few usable reviews: nothing changed.
    TooFew { graded: usize, usable: usize },
}

/// The optimizer's training set from a review log.
#[derive(Debug, Default)]
pub(crate) struct TrainingSet {
    pub(crate) items: Vec<FSRSItem>,
    /// Each item's `card_id` (as `export reviews` writes it), aligned with `items`.
    pub(crate) card_ids: Vec<i64>,
    /// Graded reviews in the log.
    pub(crate) graded: usize,
    /// Reviews the crate keeps for training, after setting outliers aside.
    pub(crate) usable: usize,
}

/// Whole days from one review to the next, as `Scheduler::next` counts elapsed days.
fn days_between(from: i64, to: i64) -> u32 {
    u32::try_from((to - from).max(0) / DAY_MS).unwrap_or(u32::MAX)
}

/// Builds the training set from the log (in any order; each item's reviews are put in time order).
pub(crate) fn training_set(log: &[LogRow]) -> TrainingSet {
    let mut by_item: BTreeMap<(&str, &str), Vec<&LogRow>> = BTreeMap::new();
    for row in log.iter().filter(|r| r.review_kind != ReviewKind::Practice) {
        by_item
            .entry((&row.course_id, &row.item_id))
            .or_default()
            .push(row);
    }
    let mut set = TrainingSet::default();
    for ((course, item), mut rows) in by_item {
        rows.sort_by_key(|r| (r.reviewed_at, r.id));
        set.graded += rows.len();
        let id = card_id(course, item);
        let mut reviews = Vec::with_capacity(rows.len());
        let mut previous = None;
        for row in rows {
            let delta_t = previous.map_or(0, |at| days_between(at, row.reviewed_at));
            previous = Some(row.reviewed_at);
            reviews.push(FSRSReview {
                rating: u32::from(row.rating.clamp(1, 4)),
                delta_t,
            });
            if reviews.len() > 1 && delta_t > 0 {
                set.items.push(FSRSItem {
                    reviews: reviews.clone(),
                });
                set.card_ids.push(id);
            }
        }
    }
    let first_intervals = set
        .items
        .iter()
        .filter(|i| i.long_term_review_cnt() == 1)
        .cloned()
        .collect();
    set.usable = fsrs::filter_outlier(first_intervals, set.items.clone())
        .1
        .len();
    set
}

/// Fits personal parameters from the whole review log once it holds [`MIN_REVIEWS`] usable reviews, stores them
/// (fitted at `now`), and writes what changed to `out`; with fewer, says how many there are and changes nothing.
pub(crate) fn optimize(
    store: &mut Store,
    now: i64,
    out: &mut dyn Write,
) -> anyhow::Result<Optimized> {
    let set = training_set(&store.review_log(None)?);
    let (graded, usable) = (set.graded, set.usable);
    if usable < MIN_REVIEWS {
        writeln!(
            out,
            "{} so far, {usable} of them usable; the optimizer needs at least {MIN_REVIEWS} \
             usable reviews. A review is usable when it comes a day or more after an earlier review of the same \
             item (and its first interval is not a rare one). The parameters in use stay as they are.",
            super::plural(graded, "graded review")
        )?;
        return Ok(Optimized::TooFew { graded, usable });
    }
    let fitted = fsrs::compute_parameters(ComputeParametersInput {
        train_set: set.items,
        card_ids: Some(set.card_ids),
        ..ComputeParametersInput::default()
    })
    .map_err(|e| anyhow::anyhow!("the FSRS optimizer failed on {usable} usable reviews: {e}"))?;
    Scheduler::new(Some(&fitted), crate::learn::schedule::DEFAULT_RETENTION).map_err(|e| {
        anyhow::anyhow!("the FSRS optimizer gave parameters that cannot schedule: {e}")
    })?;
    let before = store.parameters()?;
    store.save_parameters(&fitted, graded as u64, now)?;
    let (before_weights, was) = match &before {
        Some(p) => (
            p.parameters.clone(),
            format!("your parameters fitted on {}", p.fitted_on),
        ),
        None => (
            fsrs::DEFAULT_PARAMETERS.to_vec(),
            "FSRS-6's defaults".to_string(),
        ),
    };
    writeln!(
        out,
        "Fitted personal FSRS-6 parameters on {graded} graded reviews ({usable} usable); they replace {was} from \
         the next review on."
    )?;
    write_changes(&before_weights, &fitted, out)?;
    Ok(Optimized::Fitted {
        parameters: fitted,
        graded,
        usable,
    })
}

/// The weights that changed (at four decimals), before and after, with what each does.
fn write_changes(before: &[f32], after: &[f32], out: &mut dyn Write) -> std::io::Result<()> {
    let shown = |w: Option<&f32>| w.map_or("-".to_string(), |w| format!("{w:.4}"));
    let changed: Vec<usize> = (0..before.len().max(after.len()))
        .filter(|&i| shown(before.get(i)) != shown(after.get(i)))
        .collect();
    if changed.is_empty() {
        return writeln!(out, "No weight changed.");
    }
    writeln!(out)?;
    writeln!(
        out,
        "  weight  {:<36}  {:>9}  {:>9}",
        "what it does", "before", "after"
    )?;
    for &i in &changed {
        writeln!(
            out,
            "  w{i:<5}  {:<36}  {:>9}  {:>9}",
            MEANINGS.get(i).copied().unwrap_or(""),
            shown(before.get(i)),
            shown(after.get(i))
        )?;
    }
    let same = after.len().saturating_sub(changed.len());
    if same > 0 {
        writeln!(out, "  ({same} of {} weights unchanged)", after.len())?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::commands::history::{self, Review};
    use crate::learn::journal::Rating;
    use crate::learn::schedule::ItemState;

    const T0: i64 = 1_795_000_000_000;

    fn store() -> (tempfile::TempDir, Store, rusqlite::Connection) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("p.db");
        let store = Store::open(&path).unwrap();
        let conn = history::connect(&path);
        history::add_course(&conn, "c", 1);
        (dir, store, conn)
    }

    /// A learner whose memory follows `truth` (FSRS-6 with stabilities three times the defaults' and a slower
    /// decay), scheduled by morsel with the defaults: `items` items learnt over the first days, each reviewed when
    /// due (a few hours late at most) until `days` have passed. Recall is drawn from the true retrievability with
    /// a seeded generator, so the log is the same on every run.
    fn simulate_learner(conn: &rusqlite::Connection, items: usize, days: i64) -> usize {
        let mut weights = fsrs::DEFAULT_PARAMETERS.to_vec();
        for w in &mut weights[0..4] {
            *w *= 3.0;
        }
        weights[20] = 0.3;
        let truth = Scheduler::new(Some(&weights), 0.9).unwrap();
        let morsel = Scheduler::default();
        let mut rng = fastrand::Rng::with_seed(7);
        let mut written = 0;
        for n in 0..items {
            let id = format!("q{n}");
            let learnt = T0 + (n as i64 / 4) * DAY_MS + rng.i64(0..8 * 3_600_000);
            history::add_review(
                conn,
                &Review {
                    review_kind: "learn",
                    state_before: 0,
                    ..Review::new("c", &id, 3, learnt)
                },
            );
            written += 1;
            let mut shown: ItemState = morsel.next(None, Rating::Good, learnt);
            let mut real: ItemState = truth.next(None, Rating::Good, learnt);
            loop {
                let at = shown.due_at + rng.i64(0..6 * 3_600_000);
                if at > T0 + days * DAY_MS {
                    break;
                }
                let recalled = rng.f32() < truth.retrievability(&real, at);
                let rating = match (recalled, rng.u8(0..10)) {
                    (false, _) => Rating::Again,
                    (true, 0) => Rating::Hard,
                    (true, 1) => Rating::Easy,
                    (true, _) => Rating::Good,
                };
                history::add_review(
                    conn,
                    &Review {
                        state_before: ItemState::optimizer_state(Some(&shown)),
                        ..Review::new("c", &id, rating.number(), at)
                    },
                );
                written += 1;
                shown = morsel.next(Some(&shown), rating, at);
                real = truth.next(Some(&real), rating, at);
            }
        }
        written
    }

    #[test]
    fn the_training_set_follows_each_item_s_graded_reviews_in_whole_days() {
        let (_dir, store, conn) = store();
        let review = |item, rating, at, kind| {
            history::add_review(
                &conn,
                &Review {
                    review_kind: kind,
                    ..Review::new("c", item, rating, at)
                },
            )
        };
        review("a", 3, T0, "learn");
        review("b", 1, T0 + 1_000, "learn");
        review("a", 1, T0 + 3_600_000, "practice"); // not graded: left out
        review("a", 2, T0 + 2 * DAY_MS + 5_000, "scheduled");
        review("a", 3, T0 + 2 * DAY_MS + 9_000, "early"); // the same day: history, not an item of its own
        review("a", 4, T0 + 5 * DAY_MS - 1, "scheduled"); // 2.99… days after the last: 2 whole days
        let set = training_set(&store.review_log(None).unwrap());
        assert_eq!(set.graded, 5);
        let r = |rating, delta_t| FSRSReview { rating, delta_t };
        assert_eq!(
            set.items,
            vec![
                FSRSItem {
                    reviews: vec![r(3, 0), r(2, 2)]
                },
                FSRSItem {
                    reviews: vec![r(3, 0), r(2, 2), r(3, 0), r(4, 2)]
                },
            ]
        );
        assert_eq!(set.card_ids, vec![card_id("c", "a"); 2]);
        // Only 1 review comes first after a Good learn: fewer than 20 in the group, the crate sets them aside.
        assert_eq!(set.usable, 0);
    }

    #[test]
    fn under_the_minimum_it_says_how_many_reviews_there_are_and_changes_nothing() {
        let (_dir, mut store, conn) = store();
        for n in 0..30 {
            let id = format!("q{n}");
            history::add_review(&conn, &Review::new("c", &id, 3, T0 + n));
            history::add_review(&conn, &Review::new("c", &id, 3, T0 + 2 * DAY_MS + n));
        }
        let mut out = Vec::new();
        let outcome = optimize(&mut store, T0 + 3 * DAY_MS, &mut out).unwrap();
        assert_eq!(
            outcome,
            Optimized::TooFew {
                graded: 60,
                usable: 30
            }
        );
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "60 graded reviews so far, 30 of them usable; the optimizer needs at least 64 usable reviews. A \
             review is usable when it comes a day or more after an earlier review of the same item (and its first \
             interval is not a rare one). The parameters in use stay as they are.\n"
        );
        assert_eq!(store.parameters().unwrap(), None);
    }

    #[test]
    fn enough_reviews_of_a_simulated_learner_give_personal_parameters_that_are_stored() {
        let (_dir, mut store, conn) = store();
        let written = simulate_learner(&conn, 40, 60);
        let set = training_set(&store.review_log(None).unwrap());
        assert_eq!(set.graded, written);
        assert!(set.usable >= MIN_REVIEWS, "{} usable", set.usable);
        let now = T0 + 61 * DAY_MS;
        let mut out = Vec::new();
        let Optimized::Fitted {
            parameters,
            graded,
            usable,
        } = optimize(&mut store, now, &mut out).unwrap()
        else {
            panic!("fitted: {}", String::from_utf8_lossy(&out))
        };
        assert_eq!((graded, usable), (set.graded, set.usable));
        assert_eq!(parameters.len(), 21);
        // The model was trained, not only its first stabilities estimated.
        assert_ne!(parameters[4..], fsrs::DEFAULT_PARAMETERS[4..]);
        let saved = store.parameters().unwrap().unwrap();
        assert_eq!(saved.parameters, parameters);
        assert_eq!((saved.reviews, saved.fitted_at), (graded as u64, now));
        let text = String::from_utf8(out).unwrap();
        assert!(
            text.starts_with(&format!(
                "Fitted personal FSRS-6 parameters on {graded} graded reviews ({usable} usable); they replace \
                 FSRS-6's defaults from the next review on.\n\n  weight  what it does"
            )),
            "{text}"
        );
        // Each changed weight on its own line, with what it does, before and after.
        let w2 = text.lines().find(|l| l.starts_with("  w2 "));
        if parameters[2] == fsrs::DEFAULT_PARAMETERS[2] {
            assert_eq!(w2, None, "{text}");
        } else {
            let words: Vec<&str> = w2.unwrap().split_whitespace().collect();
            let (before, after) = (
                format!("{:.4}", fsrs::DEFAULT_PARAMETERS[2]),
                format!("{:.4}", parameters[2]),
            );
            assert_eq!(
                words,
                [
                    "w2",
                    "first",
                    "stability",
                    "after",
                    "Good",
                    "(days)",
                    &before,
                    &after
                ]
            );
        }
        // Fitting again on the same log replaces the row and compares with the learner's own parameters.
        let mut out = Vec::new();
        let again = optimize(&mut store, now + 1, &mut out).unwrap();
        assert!(matches!(again, Optimized::Fitted { .. }));
        let text = String::from_utf8(out).unwrap();
        assert!(
            text.contains("they replace your parameters fitted on "),
            "{text}"
        );
        assert_eq!(store.parameters().unwrap().unwrap().fitted_at, now + 1);
    }
}
