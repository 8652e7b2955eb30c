//! Sittings and pauses from the spans of active time, pure. The database records spans (a player's stretch of
//! activity between pauses, each review of an item), not sittings, so a sitting is derived: spans of one course
//! whose starts fall within [`SITTING_GAP_MS`] of every earlier span's end belong to one sitting; a longer gap
//! starts a new one. Inside a sitting, a gap between the end of every earlier span and the next start is a pause
//! (`suspended`, `resumed`).
//!
//! Two players of one course at once (a `play` and a `review`) write interleaved spans, and a live span's end
//! moves on as its player acts: a pause seen between them may be covered a moment later. So a statement is only
//! made from what can no longer change: a span's end once it is [`SETTLED_MS`] old (a player pauses itself after
//! 5 minutes without a key, and a span is only extended by activity), and a span's start, which never changes.
//! A sitting's start (and so its registration) is known at once; its pauses and its end once settled.

use crate::store::{BoxStarted, Fact, Span};

/// A gap of at least this long between spans (30 minutes) ends a sitting.
pub(crate) const SITTING_GAP_MS: i64 = 30 * 60_000;

/// A span whose end is this old (30 minutes, six times the players' idle pause) can no longer be extended.
pub(crate) const SETTLED_MS: i64 = 30 * 60_000;

/// What a moment of a sitting holds, for its kind: lesson work, or a due (or early) review.
#[derive(Clone, Copy, PartialEq)]
enum Work {
    Lesson,
    Due,
}

/// The work of each fact that tells a sitting's kind, by time.
fn works(facts: &[Fact]) -> Vec<(i64, Work)> {
    let mut works: Vec<(i64, Work)> = facts
        .iter()
        .filter_map(|fact| {
            let review = match fact {
                Fact::Answer { review, .. } => review.as_ref(),
                Fact::CardReviewed { review, .. } => Some(review),
                Fact::BiteSeen { at, .. } => return Some((*at, Work::Lesson)),
                _ => return None,
            };
            match review.map(|r| r.review_kind.as_str()) {
                Some("scheduled" | "early") => Some((fact.at(), Work::Due)),
                Some("practice") => None,
                _ => Some((fact.at(), Work::Lesson)),
            }
        })
        .collect();
    works.sort_by_key(|w| w.0);
    works
}

/// What a sitting was, from what happened in it: `review` (due or early reviews only), `timebox` (due or early
/// reviews and lesson work: only a time box mixes them; or a time box was started in it), else `play`.
fn kind(works: &[(i64, Work)], from: i64, to: i64) -> &'static str {
    let first = works.partition_point(|w| w.0 < from);
    let last = works.partition_point(|w| w.0 <= to);
    let inside = &works[first..last.max(first)];
    let due = inside.iter().any(|w| w.1 == Work::Due);
    let lesson = inside.iter().any(|w| w.1 == Work::Lesson);
    match (due, lesson) {
        (true, false) => "review",
        (true, true) => "timebox",
        _ => "play",
    }
}

/// The sittings' starts and ends and the pauses inside them, as of `now`, from `spans` (any order), the course's
/// other `facts` (to tell a sitting's kind) and the time boxes started on the course (`boxes`, any order: a box
/// belongs to the sitting it was started in, or to the one its first span starts, and its planned minutes are
/// stated at that sitting's end).
pub(crate) fn sitting_facts(
    spans: &[Span],
    facts: &[Fact],
    boxes: &[BoxStarted],
    now: i64,
) -> Vec<Fact> {
    let works = works(facts);
    let ended = |after: i64, started: i64, at: i64, active_ms: i64| {
        let planned = boxes
            .iter()
            .filter(|b| after < b.at && b.at <= at && started - b.at < SITTING_GAP_MS)
            .map(|b| b.minutes)
            .reduce(u32::saturating_add);
        let kind = match planned {
            Some(_) => "timebox",
            None => kind(&works, started, at),
        };
        Fact::SittingEnded {
            started,
            kind,
            active_ms,
            planned_minutes: planned,
            at,
        }
    };
    // The end of the last sitting closed: a box started before it belongs to that one or an earlier one.
    let mut closed = i64::MIN;
    let mut spans: Vec<&Span> = spans.iter().collect();
    spans.sort_by_key(|s| s.start);
    let mut out = Vec::new();
    // The sitting open so far: its start, the latest end of its spans (and that span's lesson), its active time
    // (the union of its spans), and where that union was counted up to.
    let mut open: Option<(i64, i64, &str, i64, i64)> = None;
    for span in spans {
        let end = span.end.max(span.start);
        match open {
            Some((started, latest, lesson, active, counted))
                if span.start - latest < SITTING_GAP_MS =>
            {
                if span.start > latest && latest + SETTLED_MS <= now {
                    out.push(Fact::Suspended {
                        lesson: lesson.to_string(),
                        at: latest,
                    });
                    out.push(Fact::Resumed {
                        lesson: span.lesson.clone(),
                        at: span.start,
                    });
                }
                let active = active + (end - span.start.max(counted)).max(0);
                let (latest, lesson) = if end > latest {
                    (end, span.lesson.as_str())
                } else {
                    (latest, lesson)
                };
                open = Some((started, latest, lesson, active, counted.max(end)));
            }
            _ => {
                if let Some((started, latest, _, active, _)) = open {
                    out.push(ended(closed, started, latest, active));
                    closed = latest;
                }
                out.push(Fact::SittingStarted { at: span.start });
                open = Some((span.start, end, &span.lesson, end - span.start, end));
            }
        }
    }
    if let Some((started, latest, _, active, _)) = open
        && latest + SITTING_GAP_MS.max(SETTLED_MS) <= now
    {
        out.push(ended(closed, started, latest, active));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const MIN: i64 = 60_000;

    fn span(lesson: &str, start: i64, end: i64) -> Span {
        Span {
            lesson: lesson.into(),
            start,
            end,
        }
    }

    fn names(facts: &[Fact]) -> Vec<(String, i64)> {
        facts
            .iter()
            .map(|f| {
                let name = match f {
                    Fact::SittingStarted { .. } => "started".to_string(),
                    Fact::SittingEnded {
                        kind, active_ms, ..
                    } => format!("ended {kind} {}", active_ms / MIN),
                    Fact::Suspended { .. } => "suspended".to_string(),
                    Fact::Resumed { .. } => "resumed".to_string(),
                    _ => "other".to_string(),
                };
                (name, f.at())
            })
            .collect()
    }

    #[test]
    fn a_sitting_starts_at_once_and_its_pauses_and_end_once_settled() {
        let spans = [span("a", 0, 10 * MIN), span("a", 15 * MIN, 20 * MIN)];
        assert_eq!(
            names(&sitting_facts(&spans, &[], &[], 21 * MIN)),
            [("started".to_string(), 0)]
        );
        let later = sitting_facts(&spans, &[], &[], 20 * MIN + SETTLED_MS);
        assert_eq!(
            names(&later),
            [
                ("started".to_string(), 0),
                ("suspended".to_string(), 10 * MIN),
                ("resumed".to_string(), 15 * MIN),
                ("ended play 15".to_string(), 20 * MIN),
            ]
        );
        // An hour later another sitting.
        let mut spans = spans.to_vec();
        spans.push(span("b", 90 * MIN, 95 * MIN));
        let names = names(&sitting_facts(&spans, &[], &[], 96 * MIN));
        assert_eq!(names[3], ("ended play 15".to_string(), 20 * MIN));
        assert_eq!(names[4], ("started".to_string(), 90 * MIN));
        assert_eq!(names.len(), 5);
    }

    /// The fault of issue 18: a `play` and a `review` of one course at once. The review's spans fall in what looks
    /// like a pause of the play's live span, which then grows over them: a pause stated from that look vanished
    /// from later exports. Now every statement made once is made again, the same, at every later moment.
    #[test]
    fn interleaved_players_never_unmake_a_statement() {
        // The play's span as seen at each moment (its end moves on at each key, every 3 minutes), the review's
        // spans, each written when its item is rated.
        let play_end = |now: i64| (now.min(40 * MIN) / (3 * MIN) * 3 * MIN).max(MIN);
        let review = [
            span("a", 3 * MIN + MIN / 4, 4 * MIN),
            span("a", 6 * MIN + MIN / 2, 7 * MIN),
        ];
        let mut made: Vec<(String, i64)> = Vec::new();
        for now in (MIN..=200 * MIN).step_by(MIN as usize / 4) {
            let mut spans = vec![span("a", 0, play_end(now))];
            spans.extend(review.iter().filter(|s| s.end <= now).cloned());
            let facts = names(&sitting_facts(&spans, &[], &[], now));
            for earlier in &made {
                assert!(facts.contains(earlier), "{earlier:?} vanished at {now}");
            }
            made = facts;
        }
        assert_eq!(
            made,
            [
                ("started".to_string(), 0),
                ("ended play 39".to_string(), 39 * MIN)
            ]
        );
    }

    #[test]
    fn a_time_box_states_its_planned_minutes_at_its_sittings_end() {
        let spans = [span("a", MIN, 8 * MIN), span("a", 90 * MIN, 95 * MIN)];
        let boxes = [BoxStarted { at: 0, minutes: 10 }];
        let facts = sitting_facts(&spans, &[], &boxes, 200 * MIN);
        let ends: Vec<_> = facts
            .iter()
            .filter_map(|f| match f {
                Fact::SittingEnded {
                    kind,
                    planned_minutes,
                    active_ms,
                    ..
                } => Some((*kind, *planned_minutes, active_ms / MIN)),
                _ => None,
            })
            .collect();
        assert_eq!(ends, [("timebox", Some(10), 7), ("play", None, 5)]);
    }
}
