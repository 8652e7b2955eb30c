//! Read-only queries for planning a time-boxed session (`plan`): the items due now with their schedule, and
//! samples of the learner's pace.
//!
//! Reading speed is measured from `bites_seen`: a bite reached at `t0` whose next bite in the same lesson is the next
//! one reached (at `t1`) was read from `t0` until `t1`, or until its first exercise was shown if that came sooner
//! (`answers.shown_at`, or a card's `rated_at - duration_ms`), so that answering is not counted as reading. A sample
//! counts only when one active span holds it whole: a pause (asked or idle) in between ends the span, and such a
//! sample is dropped rather than counted with the time away.

use std::collections::HashMap;

use rusqlite::params;

use super::{Store, StoreError};
use crate::learn::plan::{BiteTime, DueItem, Pace, Samples, by_retrievability};
use crate::learn::schedule::{ItemKind, ItemState};

/// A row of `review_items` as selected by `due_with_state` and `due_page`.
fn due_row(r: &rusqlite::Row) -> rusqlite::Result<(DueItem, ItemState)> {
    let kind: String = r.get(2)?;
    Ok((
        DueItem {
            course: r.get(0)?,
            item: r.get(1)?,
            // The schema allows only these two.
            kind: ItemKind::parse(&kind).unwrap_or(ItemKind::Question),
            lesson: r.get(3)?,
        },
        super::item_state(r, 4)?,
    ))
}

impl Store {
    /// Items of every course (or of `course`) due at `now` (`due_at <= now`), with their schedule, in no order.
    pub fn due_with_state(
        &self,
        now: i64,
        course: Option<&str>,
    ) -> Result<Vec<(DueItem, ItemState)>, StoreError> {
        let run = || -> rusqlite::Result<Vec<(DueItem, ItemState)>> {
            let mut stmt = self.conn.prepare_cached(
                "SELECT course_id, item_id, kind, lesson_id, stability, difficulty, due_at, last_review_at, reps,
                        lapses, last_rating
                 FROM review_items WHERE due_at <= ?1 AND (?2 IS NULL OR course_id = ?2)",
            )?;
            stmt.query_map(params![now, course], due_row)?.collect()
        };
        run().map_err(|e| self.error(e))
    }

    /// Due items of one kind at `now` (of every course, or of `course`), least retrievable first, skipping the
    /// first `skip`: at most `limit`. FSRS retrievability falls as `elapsed / stability` grows, with one decay for
    /// every item, so ordering by that ratio in SQL is ordering by retrievability; ties by due date, course and id,
    /// as `plan::by_retrievability` orders them. A planner needs only the first few of each kind (a box of N
    /// minutes holds at most N × 60 / (seconds per item) of them), so 100,000 due items cost one scan, not 100,000
    /// rows in memory.
    pub fn due_page(
        &self,
        now: i64,
        course: Option<&str>,
        kind: ItemKind,
        skip: usize,
        limit: usize,
    ) -> Result<Vec<(DueItem, ItemState)>, StoreError> {
        let run = || -> rusqlite::Result<Vec<(DueItem, ItemState)>> {
            // `+due_at`: a scan of the table beats a seek per row through the due index when most items are due.
            let mut stmt = self.conn.prepare_cached(
                "SELECT course_id, item_id, kind, lesson_id, stability, difficulty, due_at, last_review_at, reps,
                        lapses, last_rating
                 FROM review_items WHERE +due_at <= ?1 AND kind = ?2 AND (?3 IS NULL OR course_id = ?3)
                 ORDER BY (?1 - last_review_at) / stability DESC, due_at, course_id, item_id
                 LIMIT ?4 OFFSET ?5",
            )?;
            let limit = i64::try_from(limit).unwrap_or(i64::MAX);
            let skip = i64::try_from(skip).unwrap_or(i64::MAX);
            stmt.query_map(params![now, kind.as_str(), course, limit, skip], due_row)?
                .collect()
        };
        run().map_err(|e| self.error(e))
    }

    /// The due queue as far as a box of `box_seconds` at `pace` can use it, least retrievable first: of each kind
    /// only a prefix of the queue can be planned (a card that does not fit is followed by no card that does), at
    /// most `box_seconds / seconds per item` long, so that many items of each kind that `keep` accepts are read, a
    /// page at a time, and merged into one queue, which `plan::plan` plans exactly as it would the whole queue.
    /// `keep` returns the item to plan (it may set its lesson as the pack has it now), or `None` to pass it over
    /// (its pack is not at hand, or no longer has it). Returns the queue and how many items were passed over.
    pub fn due_for_box(
        &self,
        now: i64,
        course: Option<&str>,
        box_seconds: u32,
        pace: &Pace,
        mut keep: impl FnMut(DueItem) -> Option<DueItem>,
    ) -> Result<(Vec<DueItem>, usize), StoreError> {
        let mut passed_over = 0;
        let mut kept = Vec::new();
        for kind in [ItemKind::Card, ItemKind::Question] {
            let need = (box_seconds / pace.item_seconds(kind).max(1)) as usize;
            let (mut found, mut skip) = (0, 0);
            while found < need {
                let page = self.due_page(now, course, kind, skip, need - found)?;
                if page.is_empty() {
                    break;
                }
                skip += page.len();
                for (item, state) in page {
                    match keep(item) {
                        Some(item) => {
                            found += 1;
                            kept.push((item, state));
                        }
                        None => passed_over += 1,
                    }
                }
            }
        }
        Ok((by_retrievability(kept, now), passed_over))
    }

    /// The learner's most recent samples of each kind, at most `limit` of each, over every course: bites read
    /// (see the module's documentation), durations of card ratings, and of first attempts at questions that were
    /// answered (a skip says nothing of the time a question takes).
    pub fn pace_samples(&self, limit: usize) -> Result<Samples, StoreError> {
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        let run = || -> rusqlite::Result<Samples> {
            let card_ms = self
                .conn
                .prepare_cached(
                    "SELECT duration_ms FROM card_ratings WHERE duration_ms > 0 ORDER BY id DESC LIMIT ?1",
                )?
                .query_map([limit], |r| r.get(0))?
                .collect::<rusqlite::Result<_>>()?;
            let question_ms = self
                .conn
                .prepare_cached(
                    "SELECT duration_ms FROM answers WHERE attempt = 1 AND skipped = 0 AND duration_ms > 0
                     ORDER BY id DESC LIMIT ?1",
                )?
                .query_map([limit], |r| r.get(0))?
                .collect::<rusqlite::Result<_>>()?;
            Ok(Samples {
                bites: self.bite_times(limit)?,
                card_ms,
                question_ms,
            })
        };
        run().map_err(|e| self.error(e))
    }

    /// Reading times of the `limit` most recent bites that were followed by the next bite of their lesson, each
    /// held whole by one active span.
    fn bite_times(&self, limit: i64) -> rusqlite::Result<Vec<BiteTime>> {
        // (course, lesson, bite, reached, next reached), most recent first.
        let pairs: Vec<(String, String, i64, i64, i64)> = self
            .conn
            .prepare_cached(
                "SELECT course_id, lesson_id, bite, first_seen_at, next_at FROM (
                     SELECT course_id, lesson_id, bite, first_seen_at,
                            lead(lesson_id) OVER w AS next_lesson, lead(bite) OVER w AS next_bite,
                            lead(first_seen_at) OVER w AS next_at
                     FROM bites_seen WINDOW w AS (PARTITION BY course_id ORDER BY first_seen_at, lesson_id, bite))
                 WHERE next_lesson = lesson_id AND next_bite = bite + 1 AND next_at > first_seen_at
                 ORDER BY first_seen_at DESC LIMIT ?1",
            )?
            .query_map([limit], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
            })?
            .collect::<rusqlite::Result<_>>()?;
        let Some(since) = pairs.iter().map(|p| p.3).min() else {
            return Ok(Vec::new());
        };
        // Per course, since the oldest pair: when exercises were shown, and the active spans, both sorted.
        let mut shown: HashMap<String, Vec<i64>> = HashMap::new();
        let mut stmt = self.conn.prepare_cached(
            "SELECT course_id, shown_at FROM answers WHERE shown_at >= ?1
             UNION ALL
             SELECT course_id, rated_at - duration_ms FROM card_ratings WHERE rated_at >= ?1",
        )?;
        for row in stmt.query_map([since], |r| Ok((r.get::<_, String>(0)?, r.get(1)?)))? {
            let (course, at) = row?;
            shown.entry(course).or_default().push(at);
        }
        shown.values_mut().for_each(|v| v.sort_unstable());
        let mut spans: HashMap<String, Vec<(i64, i64)>> = HashMap::new();
        let mut stmt = self.conn.prepare_cached(
            "SELECT course_id, started_at, ended_at FROM active_spans WHERE ended_at >= ?1
             ORDER BY course_id, started_at",
        )?;
        for row in stmt.query_map([since], |r| {
            Ok((r.get::<_, String>(0)?, r.get(1)?, r.get(2)?))
        })? {
            let (course, start, end) = row?;
            spans.entry(course).or_default().push((start, end));
        }
        let mut out = Vec::with_capacity(pairs.len());
        for (course, lesson, bite, t0, t1) in pairs {
            let first_exercise = shown.get(&course).and_then(|times| {
                let i = times.partition_point(|&t| t < t0);
                times.get(i).copied().filter(|&t| t < t1)
            });
            let end = first_exercise.unwrap_or(t1);
            let held = spans.get(&course).is_some_and(|spans| {
                let i = spans.partition_point(|&(start, _)| start <= t0);
                i > 0 && spans[i - 1].1 >= end
            });
            if held && end > t0 {
                out.push(BiteTime {
                    course,
                    lesson,
                    bite: bite.max(1) as usize,
                    ms: end - t0,
                });
            }
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::learn::journal::{AnswerRecord, Journal, Rating, Record};

    const T0: i64 = 1_795_000_000_000;

    fn store() -> (tempfile::TempDir, Store) {
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open(&dir.path().join("p.db")).unwrap();
        store
            .record(&[Record::CourseOpened {
                course_id: "c".into(),
                title: "C".into(),
                pack_path: "/nowhere".into(),
                version: None,
                at: T0,
            }])
            .unwrap();
        (dir, store)
    }

    fn reach(lesson: &str, bite: usize, at: i64) -> Record {
        Record::Position {
            course_id: "c".into(),
            lesson_id: lesson.into(),
            bite,
            scroll: 0,
            at,
        }
    }

    fn active(started_at: i64, ended_at: i64) -> Record {
        Record::Active {
            course_id: "c".into(),
            lesson_id: "l".into(),
            started_at,
            ended_at,
        }
    }

    fn answer(shown_at: i64, answered_at: i64, attempt: u32, skipped: bool) -> Record {
        Record::Answer(AnswerRecord {
            course_id: "c".into(),
            lesson_id: "l".into(),
            question_id: format!("q{shown_at}"),
            kind: "choice",
            response: "1".into(),
            correct: true,
            skipped,
            round: 1,
            attempt,
            hint_used: false,
            shown_at,
            answered_at,
        })
    }

    #[test]
    fn reading_time_runs_from_a_bite_to_the_next_or_to_its_first_exercise() {
        let (_dir, mut store) = store();
        let s = 1000;
        store
            .record(&[
                active(T0, T0 + 200 * s),
                reach("l", 1, T0),
                // Bite 1 is read for 30 s, then its question takes 15 s; bite 2 is reached at 50 s.
                answer(T0 + 30 * s, T0 + 45 * s, 1, false),
                reach("l", 2, T0 + 50 * s),
                // Bite 2 is read for 40 s, then bite 3.
                reach("l", 3, T0 + 90 * s),
                // Bite 3 was left for another lesson: no sample.
                reach("m", 1, T0 + 100 * s),
                // A pause between m#1 and m#2: the spans do not hold it, no sample.
                active(T0 + 300 * s, T0 + 400 * s),
                reach("m", 2, T0 + 320 * s),
                // A card in m#2 shown at 330 s and rated 8 s later; m#3 reached at 350 s.
                Record::CardRated {
                    course_id: "c".into(),
                    lesson_id: "m".into(),
                    card_id: "k".into(),
                    rating: Rating::Good,
                    at: T0 + 338 * s,
                    duration_ms: 8 * s,
                },
                reach("m", 3, T0 + 350 * s),
            ])
            .unwrap();
        let samples = store.pace_samples(100).unwrap();
        let mut times: Vec<(String, usize, i64)> = samples
            .bites
            .iter()
            .map(|t| (t.lesson.clone(), t.bite, t.ms / s))
            .collect();
        times.sort();
        assert_eq!(
            times,
            [
                ("l".into(), 1, 30),
                ("l".into(), 2, 40),
                ("m".into(), 2, 10)
            ]
        );
        assert_eq!(samples.card_ms, [8 * s]);
        assert_eq!(samples.question_ms, [15 * s]);
        // The limit keeps the most recent.
        let recent = store.pace_samples(1).unwrap();
        assert_eq!(recent.bites.len(), 1);
        assert_eq!(
            (recent.bites[0].lesson.as_str(), recent.bites[0].bite),
            ("m", 2)
        );
    }

    #[test]
    fn only_answered_first_attempts_are_question_samples() {
        let (_dir, mut store) = store();
        store
            .record(&[
                answer(T0, T0 + 9000, 1, false),
                answer(T0 + 10_000, T0 + 12_000, 2, false),
                answer(T0 + 20_000, T0 + 21_000, 1, true),
            ])
            .unwrap();
        assert_eq!(store.pace_samples(10).unwrap().question_ms, [9000]);
    }

    #[test]
    fn due_items_are_those_due_by_now() {
        let (_dir, store) = store();
        for (id, kind, due) in [
            ("q1", "question", T0),
            ("k1", "card", T0 + 10),
            ("q2", "question", T0 + 99),
        ] {
            store
                .conn
                .execute(
                    "INSERT INTO review_items (course_id, item_id, kind, lesson_id, stability, difficulty, due_at,
                         last_review_at, reps, lapses, content_hash)
                     VALUES ('c', ?1, ?2, 'l', 2.5, 5.0, ?3, ?4, 1, 0, 'h')",
                    params![id, kind, due, T0 - 86_400_000],
                )
                .unwrap();
        }
        let mut due = store.due_with_state(T0 + 10, None).unwrap();
        due.sort_by(|a, b| a.0.item.cmp(&b.0.item));
        let got: Vec<(&str, ItemKind)> =
            due.iter().map(|(d, _)| (d.item.as_str(), d.kind)).collect();
        assert_eq!(got, [("k1", ItemKind::Card), ("q1", ItemKind::Question)]);
        assert_eq!(due[0].1.stability, 2.5);
        assert!(
            store
                .due_with_state(T0 + 10, Some("other"))
                .unwrap()
                .is_empty()
        );
        // One kind at a time, least retrievable first: 3 days since review at stability 2.5 (q1, q2: the earlier
        // due first), then 1 day at 2.5 (q4), then 3 days at 9 (q3).
        for (id, stability, last) in [("q3", 9.0, T0 - 86_400_000), ("q4", 2.5, T0 + 86_400_000)] {
            store
                .conn
                .execute(
                    "INSERT INTO review_items (course_id, item_id, kind, lesson_id, stability, difficulty, due_at,
                         last_review_at, reps, lapses, content_hash)
                     VALUES ('c', ?1, 'question', 'l', ?2, 5.0, ?3, ?4, 1, 0, 'h')",
                    params![id, stability, T0, last],
                )
                .unwrap();
        }
        let page = |skip, limit| -> Vec<String> {
            store
                .due_page(T0 + 2 * 86_400_000, None, ItemKind::Question, skip, limit)
                .unwrap()
                .into_iter()
                .map(|(d, _)| d.item)
                .collect()
        };
        assert_eq!(page(0, 10), ["q1", "q2", "q4", "q3"]);
        assert_eq!(page(1, 2), ["q2", "q4"]);
        // The same order as plan::by_retrievability.
        let now = T0 + 2 * 86_400_000;
        let all = store.due_with_state(now, None).unwrap();
        let ordered: Vec<String> = crate::learn::plan::by_retrievability(all, now)
            .into_iter()
            .filter(|d| d.kind == ItemKind::Question)
            .map(|d| d.item)
            .collect();
        assert_eq!(ordered, page(0, 10));
        // A box of 45 s holds two questions of 20 s: the first two kept, passing over one refused; and the card
        // (tied with q1, due later).
        let (queue, passed_over) = store
            .due_for_box(now, None, 45, &Pace::DEFAULT, |d| {
                (d.item != "q2").then_some(d)
            })
            .unwrap();
        let ids: Vec<&str> = queue.iter().map(|d| d.item.as_str()).collect();
        assert_eq!((ids, passed_over), (vec!["q1", "k1", "q4"], 1));
    }
}
