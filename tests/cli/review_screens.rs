//! Snapshots of the review screen at 80×24 and 40×12: a sitting built from the every-construct fixture with
//! `sitting::queue` over hand-made schedule rows and a fixed clock, started with `Start::Review` and driven by
//! keys as a learner does: a question waiting, answered wrong, the bite it came from, a card's front and back, and
//! the end summary.

use std::collections::HashMap;
use std::rc::Rc;

use morsel::learn::clock::ManualClock;
use morsel::learn::journal::{Journal, Rating, Record};
use morsel::learn::schedule::{DAY_MS, ItemKind, ItemState, Scheduler};
use morsel::learn::sitting::{self, Reviewing, Scheduled};
use morsel::store::Store;
use morsel::tui::app::Start;

use crate::fixture;
use crate::player::{Player, player, press, screen};

const T0: i64 = 1_795_000_000_000;
const COURSE: &str = "every-construct";

/// A schedule row of the fixture's course, last reviewed `days_ago` with this stability.
fn scheduled(item: &str, kind: ItemKind, stability: f32, days_ago: i64) -> Scheduled {
    Scheduled {
        course_id: COURSE.to_string(),
        item_id: item.to_string(),
        kind,
        state: ItemState {
            stability,
            difficulty: 5.0,
            due_at: T0 - DAY_MS,
            last_review_at: T0 - days_ago * DAY_MS,
            reps: 2,
            lapses: 0,
            last_rating: Rating::Good,
        },
    }
}

/// A review sitting of the true/false question `q-tf` (the weaker: first) and the card `card-head`, plus a row
/// whose id has left the pack, on a fresh database where the course is known.
fn review(size: (u16, u16)) -> Player {
    let pack = morsel::pack::load(&fixture("valid/every-construct"))
        .into_pack()
        .map_err(|r| r.diagnostics.len())
        .unwrap();
    let packs = HashMap::from([(COURSE.to_string(), pack)]);
    let rows = vec![
        scheduled("card-head", ItemKind::Card, 10.0, 12),
        scheduled("gone-from-the-pack", ItemKind::Question, 1.0, 30),
        scheduled("q-tf", ItemKind::Question, 2.0, 5),
    ];
    let scheduler = Scheduler::default();
    let items = sitting::queue(rows, &packs, &scheduler, T0, false, None);
    let clock = ManualClock::at(T0);
    let sitting = Reviewing::new(items, scheduler, Rc::new(clock));
    let p = player(Start::Review(Box::new(sitting)), &fixture("valid"), size);
    // Reviews belong to a course the store knows, as `morsel review` finds it.
    Store::open(&p.db)
        .unwrap()
        .record(&[Record::CourseOpened {
            course_id: COURSE.to_string(),
            title: "Every construct".to_string(),
            pack_path: "tests/fixtures/valid/every-construct".to_string(),
            version: None,
            at: T0 - 30 * DAY_MS,
        }])
        .unwrap();
    p
}

/// The review screens in the order a learner meets them, with checks of what they read on each.
fn screens(size: (u16, u16)) -> Vec<(&'static str, String)> {
    let mut out = Vec::new();
    let mut p = review(size);

    let waiting = screen(&p.app);
    assert!(waiting.contains("The earth is round."), "{waiting}");
    assert!(
        waiting.contains("1 of 2"),
        "the item gone from the pack left the queue:\n{waiting}"
    );
    assert!(
        !waiting.contains("Pick all."),
        "the prompt alone, not its bite:\n{waiting}"
    );
    assert!(waiting.contains("← its bite"), "{waiting}");
    out.push(("review-question", waiting));

    press(&mut p.app, "f");
    let wrong = screen(&p.app);
    assert!(wrong.contains("You answered false; it is true."), "{wrong}");
    let fits = wrong.contains("Comes back tomorrow.");
    out.push(("review-question-wrong", wrong));
    if !fits {
        // A small terminal: the verdict says there is more, and scrolling shows when the question comes back.
        assert!(out[1].1.contains("↓ more below"), "{}", out[1].1);
        press(&mut p.app, "<PgDn>");
        let scrolled = screen(&p.app);
        assert!(scrolled.contains("Comes back tomorrow."), "{scrolled}");
        out.push(("review-question-wrong-scrolled", scrolled));
    }

    press(&mut p.app, "<Left>");
    let bite = screen(&p.app);
    assert!(bite.contains("From the bite:"), "{bite}");
    assert!(bite.contains("Pick all."), "{bite}");
    out.push(("review-question-bite", bite));

    press(&mut p.app, "<Right>");
    let again = screen(&p.app);
    assert!(
        again.contains("You answered false; it is true."),
        "back to the item, answered:\n{again}"
    );
    press(&mut p.app, "<Right>");
    let front = screen(&p.app);
    assert!(
        front.contains("2 of 2") && front.contains("HEAD"),
        "{front}"
    );
    assert!(!front.contains("The current branch"), "{front}");
    out.push(("review-card-front", front));

    press(&mut p.app, "<Space>");
    let back = screen(&p.app);
    assert!(back.contains("The current branch"), "{back}");
    out.push(("review-card-back", back));

    press(&mut p.app, "3<Right>");
    let summary = screen(&p.app);
    assert!(summary.contains("Review done"), "{summary}");
    assert!(summary.contains("Reviewed 2: 1 remembered."), "{summary}");
    assert!(
        summary.contains("The next item comes back tomorrow."),
        "{summary}"
    );
    out.push(("review-summary", summary));
    out
}

#[test]
fn review_screens_at_80_by_24() {
    for (name, text) in screens((80, 24)) {
        insta::assert_snapshot!(format!("80x24-{name}"), text);
    }
}

#[test]
fn review_screens_at_40_by_12() {
    for (name, text) in screens((40, 12)) {
        insta::assert_snapshot!(format!("40x12-{name}"), text);
    }
}

#[test]
fn a_review_sitting_by_keys_moves_the_schedule_in_the_store() {
    let mut p = review((80, 24));
    press(&mut p.app, "f<Right><Space>3<Right>");
    assert!(screen(&p.app).contains("Reviewed 2: 1 remembered."));
    let conn = rusqlite::Connection::open(&p.db).unwrap();
    let mut stmt = conn
        .prepare("SELECT item_id, due_at FROM review_items ORDER BY item_id")
        .unwrap();
    let due: Vec<(String, i64)> = stmt
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert_eq!(due.len(), 2, "{due:?}");
    assert_eq!(
        due[1],
        ("q-tf".to_string(), T0 + DAY_MS),
        "missed: tomorrow"
    );
    assert_eq!(due[0].0, "card-head");
    assert!(due[0].1 > T0 + 2 * DAY_MS, "rated Good: {due:?}");
    let kinds: Vec<String> = conn
        .prepare("SELECT review_kind FROM review_log ORDER BY id")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert_eq!(kinds, ["scheduled", "scheduled"]);
}
