use std::path::Path;

use super::*;
use crate::learn::clock::ManualClock;
use crate::learn::journal::MemoryJournal;
use crate::learn::schedule::DAY_MS;

const T0: i64 = 1_800_000_000_000;

fn write(dir: &Path, name: &str, text: &str) {
    std::fs::write(dir.join(name), text).unwrap();
}

fn pack() -> Pack {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "course.toml", "id = \"c\"\ntitle = \"C\"\n");
    write(
        dir.path(),
        "a.md",
        "+++\nid = \"a\"\n+++\nThe sky.\n\n```quiz\nid = \"q1\"\nkind = \"truefalse\"\nprompt = \"Blue?\"\nanswer = true\nhint = \"Look up.\"\n```\n\n```card\nid = \"k1\"\nfront = \"Front\"\nback = \"Back\"\n```\n\n```quiz\nid = \"q2\"\nkind = \"text\"\nprompt = \"Say hi.\"\nanswers = [\"hi\"]\n```\n",
    );
    crate::pack::load(dir.path())
        .into_pack()
        .map_err(|r| r.diagnostics)
        .unwrap()
}

/// An item last reviewed `days_ago` with this stability, due now.
fn scheduled(id: &str, kind: ItemKind, days_ago: i64, stability: f32) -> Scheduled {
    Scheduled {
        course_id: "c".into(),
        item_id: id.into(),
        kind,
        state: ItemState {
            stability,
            difficulty: 5.0,
            due_at: T0 - DAY_MS,
            last_review_at: T0 - days_ago * DAY_MS,
            reps: 1,
            lapses: 0,
            last_rating: Rating::Good,
        },
    }
}

fn packs() -> HashMap<String, Pack> {
    HashMap::from([("c".to_string(), pack())])
}

fn ids(items: &[ReviewItem]) -> Vec<&str> {
    items
        .iter()
        .map(|i| schedule::item_of(&i.exercise).0)
        .collect()
}

#[test]
fn the_queue_puts_the_lowest_retrievability_first_and_drops_items_gone_from_the_pack() {
    let items = vec![
        scheduled("q1", ItemKind::Question, 3, 10.0),
        scheduled("k1", ItemKind::Card, 20, 2.0),
        scheduled("q2", ItemKind::Question, 5, 5.0),
        scheduled("gone", ItemKind::Question, 50, 1.0),
        // The same id of another kind is another item, not in the pack.
        scheduled("q1", ItemKind::Card, 50, 1.0),
    ];
    let s = Scheduler::default();
    let q = queue(items.clone(), &packs(), &s, T0, false, None);
    assert_eq!(ids(&q), ["k1", "q2", "q1"]);
    assert_eq!(q[0].bite_markdown.trim(), "The sky.");
    assert_eq!(
        ids(&queue(items.clone(), &packs(), &s, T0, false, Some(2))),
        ["k1", "q2"]
    );
    assert_eq!(
        most_urgent(&items, &s, T0).map(|i| i.item_id.as_str()),
        Some("gone"),
        "most_urgent orders what it is given"
    );
}

#[test]
fn a_limited_queue_is_the_head_of_the_whole_queue_when_many_urgent_items_left_their_pack() {
    let mut items: Vec<Scheduled> = (0..50)
        .map(|i| scheduled(&format!("gone-{i}"), ItemKind::Question, 60 + i, 1.0))
        .collect();
    items.push(scheduled("q1", ItemKind::Question, 3, 10.0));
    items.push(scheduled("k1", ItemKind::Card, 20, 2.0));
    items.push(scheduled("q2", ItemKind::Question, 5, 5.0));
    let s = Scheduler::default();
    let whole = queue(items.clone(), &packs(), &s, T0, false, None);
    assert_eq!(ids(&whole), ["k1", "q2", "q1"]);
    for limit in 1..=4 {
        let head = queue(items.clone(), &packs(), &s, T0, false, Some(limit));
        assert_eq!(head[..], whole[..limit.min(3)], "limit {limit}");
    }
    assert!(queue(items, &packs(), &s, T0, false, Some(0)).is_empty());
}

#[test]
fn studying_ahead_orders_by_due_time_to_the_millisecond() {
    // Due a minute apart, given latest first: an f32 key would round both times to the same value.
    let due = |id: &str, kind, at: i64| Scheduled {
        state: ItemState {
            due_at: at,
            ..scheduled(id, kind, 1, 5.0).state
        },
        ..scheduled(id, kind, 1, 5.0)
    };
    let items = vec![
        due("q2", ItemKind::Question, T0 + DAY_MS + 120_000),
        due("k1", ItemKind::Card, T0 + DAY_MS + 60_000),
        due("q1", ItemKind::Question, T0 + DAY_MS),
    ];
    let s = Scheduler::default();
    assert_eq!(
        ids(&queue(items, &packs(), &s, T0, true, None)),
        ["q1", "k1", "q2"]
    );
}

fn sitting(items: Vec<Scheduled>) -> (Reviewing, ManualClock) {
    let clock = ManualClock::at(T0);
    let s = Scheduler::default();
    let q = queue(items, &packs(), &s, T0, false, None);
    (Reviewing::new(q, s, Rc::new(clock.clone())), clock)
}

fn reviewed(journal: &MemoryJournal) -> Vec<&ReviewRecord> {
    journal
        .records
        .iter()
        .filter_map(|r| match r {
            Record::Reviewed(r) => Some(r),
            _ => None,
        })
        .collect()
}

#[test]
fn a_right_answer_is_graded_once_and_says_when_it_comes_back() {
    let (mut r, clock) = sitting(vec![scheduled("q1", ItemKind::Question, 3, 3.0)]);
    let mut journal = MemoryJournal::default();
    clock.advance_secs(4);
    let v = r
        .answer(&Response::Bool(true), &mut journal)
        .unwrap()
        .unwrap();
    assert!(v.correct);
    let logged = reviewed(&journal);
    assert_eq!(logged.len(), 1);
    assert_eq!(
        (
            logged[0].rating,
            logged[0].review_kind,
            logged[0].duration_ms
        ),
        (Rating::Good, ReviewKind::Scheduled, 4000)
    );
    let next = logged[0].state.expect("graded");
    assert_eq!(r.next_due(), Some(next.due_at));
    assert!(
        next.due_at > T0 + 3 * DAY_MS,
        "a longer interval after recall"
    );
    assert_eq!(
        r.tally(),
        Tally {
            reviewed: 1,
            remembered: 1
        }
    );
    assert!(r.advance());
    assert!(r.is_done());
}

#[test]
fn a_miss_is_again_and_trying_again_is_practice() {
    let (mut r, _) = sitting(vec![scheduled("q2", ItemKind::Question, 3, 3.0)]);
    let mut journal = MemoryJournal::default();
    assert!(!r.advance(), "it waits for an answer");
    let v = r
        .answer(&Response::Text("bye".into()), &mut journal)
        .unwrap()
        .unwrap();
    assert!(!v.correct);
    assert!(r.try_again());
    let _ = r
        .answer(&Response::Text("hi".into()), &mut journal)
        .unwrap();
    let logged = reviewed(&journal);
    assert_eq!(
        logged
            .iter()
            .map(|l| (
                l.rating,
                l.review_kind,
                l.state.is_some(),
                l.response.as_str()
            ))
            .collect::<Vec<_>>(),
        [
            (Rating::Again, ReviewKind::Scheduled, true, "bye"),
            (Rating::Good, ReviewKind::Practice, false, "hi"),
        ]
    );
    assert_eq!(
        r.tally(),
        Tally {
            reviewed: 1,
            remembered: 0
        }
    );
    assert_eq!(comes_back(r.next_due().unwrap(), r.now()), "again tomorrow");
}

#[test]
fn the_hint_makes_a_right_answer_hard_and_a_card_is_rated() {
    let (mut r, _) = sitting(vec![
        scheduled("q1", ItemKind::Question, 30, 3.0),
        scheduled("k1", ItemKind::Card, 3, 30.0),
    ]);
    let mut journal = MemoryJournal::default();
    assert_eq!(r.hint().as_deref(), Some("Look up."));
    let _ = r.answer(&Response::Bool(true), &mut journal).unwrap();
    assert!(r.advance());
    assert!(
        !r.rate(Rating::Easy, &mut journal).unwrap(),
        "the back first"
    );
    assert!(r.reveal());
    assert!(r.rate(Rating::Easy, &mut journal).unwrap());
    let ratings: Vec<Rating> = reviewed(&journal).iter().map(|l| l.rating).collect();
    assert_eq!(ratings, [Rating::Hard, Rating::Easy]);
}

/// A journal that keeps nothing.
struct Failing;

impl Journal for Failing {
    type Error = &'static str;
    fn record(&mut self, _: &[Record]) -> Result<(), Self::Error> {
        Err("disk full")
    }
}

#[test]
fn a_review_that_cannot_be_saved_changes_nothing() {
    let (mut r, _) = sitting(vec![scheduled("q1", ItemKind::Question, 3, 3.0)]);
    assert!(r.answer(&Response::Bool(true), &mut Failing).is_err());
    let (_, state) = r.exercise().unwrap();
    assert!(state.verdict.is_none(), "still waiting");
    assert_eq!(r.next_due(), None);
    assert_eq!(r.tally(), Tally::default());
    assert!(r.skip(&mut Failing).is_err());
    assert!(r.exercise().unwrap().1.verdict.is_none());
}

#[test]
fn when_an_item_comes_back_in_words() {
    assert_eq!(comes_back(T0 + 4 * DAY_MS, T0), "again in 4 days");
    assert_eq!(comes_back(T0 + DAY_MS, T0), "again tomorrow");
    assert_eq!(comes_back(T0 + 90 * DAY_MS, T0), "again in about 3 months");
}
