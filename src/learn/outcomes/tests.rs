use std::path::Path;

use super::*;
use crate::learn::progress::QuestionProgress;

const NOW: i64 = 1_700_000_000_000;
const HOUR: i64 = 3_600_000;

fn write(dir: &Path, name: &str, text: &str) {
    std::fs::write(dir.join(name), text).unwrap();
}

const COURSE: &str = r#"id = "t"
title = "T"

[[objectives]]
id = "all"
text = "Everything"
lessons = ["a", "b"]

[[objectives]]
id = "first"
text = "The first lesson"
lessons = ["a"]

[[key_results]]
id = "all-mastered"
objective = "all"
text = "Both lessons mastered"
measure = "mastery"
target = 1

[[key_results]]
id = "first-time"
objective = "first"
text = "Time on the first lesson"
measure = "practice_minutes"
target = 10

[[key_results]]
id = "first-kept"
objective = "first"
text = "The first lesson remembered"
measure = "retention"
target = 0.9
"#;

/// Lesson `a`: two bites, q1 and card c1, then q2. Lesson `b`: one bite with q3.
fn pack() -> Pack {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "course.toml", COURSE);
    let tf = |id: &str| {
        format!(
            "```quiz\nid = \"{id}\"\nkind = \"truefalse\"\nprompt = \"True?\"\nanswer = true\nexplain = \"Yes.\"\n```\n"
        )
    };
    let card = "```card\nid = \"c1\"\nfront = \"F\"\nback = \"B\"\n```\n";
    write(
        dir.path(),
        "a.md",
        &format!(
            "+++\nid = \"a\"\n+++\nOne.\n\n{}\n{card}\n---\n\nTwo.\n\n{}",
            tf("q1"),
            tf("q2")
        ),
    );
    write(
        dir.path(),
        "b.md",
        &format!("+++\nid = \"b\"\n+++\nThree.\n\n{}", tf("q3")),
    );
    crate::pack::load(dir.path())
        .into_pack()
        .map_err(|r| r.diagnostics)
        .unwrap()
}

fn objective<'p>(pack: &'p Pack, id: &str) -> &'p Objective {
    pack.course.objectives.iter().find(|o| o.id == id).unwrap()
}

fn known() -> QuestionProgress {
    QuestionProgress {
        round: 1,
        first_try_right: true,
        first_try: true,
        attempts: 1,
        known: true,
    }
}

/// Lesson `b` done and its question known; lesson `a` only begun.
fn b_mastered() -> Progress {
    let mut progress = Progress::default();
    progress.bites_seen.insert(("b".into(), 1));
    progress.bites_seen.insert(("a".into(), 1));
    progress.questions.insert("q3".into(), known());
    progress
}

fn state(stability: f32, last_review_at: i64) -> ItemState {
    ItemState {
        stability,
        difficulty: 5.0,
        due_at: last_review_at + 10 * DAY_MS,
        last_review_at,
        reps: 1,
        lapses: 0,
        last_rating: Rating::Good,
    }
}

fn scheduler() -> Scheduler {
    Scheduler::new(None, 0.9).unwrap()
}

#[test]
fn mastery_is_the_share_of_lessons_mastered() {
    let pack = pack();
    let all = objective(&pack, "all");
    assert_eq!(mastery(&pack, all, &Progress::default()), Some(0.0));
    assert_eq!(mastery(&pack, all, &b_mastered()), Some(0.5));
    assert_eq!(
        mastery(&pack, objective(&pack, "first"), &b_mastered()),
        Some(0.0)
    );
}

#[test]
fn retention_averages_recall_over_the_items_met() {
    let pack = pack();
    let first = objective(&pack, "first");
    let mut progress = Progress::default();
    assert_eq!(retention(&pack, first, &progress, &scheduler(), NOW), None);
    // Reviewed just now: recall 1. Stability 10 days, reviewed 10 days ago: recall 0.9, by FSRS's definition of
    // stability. q3 belongs to lesson b, outside the objective: not counted.
    progress.items.insert("c1".into(), state(10.0, NOW));
    progress
        .items
        .insert("q1".into(), state(10.0, NOW - 10 * DAY_MS));
    progress
        .items
        .insert("q3".into(), state(0.1, NOW - 100 * DAY_MS));
    let r = retention(&pack, first, &progress, &scheduler(), NOW).unwrap();
    assert!((r - 0.95).abs() < 1e-3, "{r}");
}

#[test]
fn practice_minutes_sum_the_objective_lessons() {
    let pack = pack();
    let minutes: HashMap<String, f64> = [("a".into(), 5.0), ("b".into(), 2.5), ("z".into(), 100.0)]
        .into_iter()
        .collect();
    assert_eq!(practice_minutes(objective(&pack, "all"), &minutes), 7.5);
    assert_eq!(practice_minutes(objective(&pack, "first"), &minutes), 5.0);
    // Not -0.0, which an empty `sum()` of floats gives and which shows as `-0 min`.
    let none = practice_minutes(objective(&pack, "first"), &HashMap::new());
    assert!(none == 0.0 && none.is_sign_positive(), "{none}");
}

#[test]
fn reviews_on_time_counts_due_times_a_day_old_or_done() {
    let pack = pack();
    let due = |item: &str, due_at: i64, done_at: Option<i64>| DueReview {
        item_id: item.into(),
        due_at,
        done_at,
    };
    let first = objective(&pack, "first");
    let history = [
        // On time: two hours after falling due.
        due("q1", NOW - 20 * DAY_MS, Some(NOW - 20 * DAY_MS + 2 * HOUR)),
        // Late: three days after.
        due("q1", NOW - 10 * DAY_MS, Some(NOW - 7 * DAY_MS)),
        // Late: due two days ago, not done.
        due("q2", NOW - 2 * DAY_MS, None),
        // Due an hour ago: not counted yet.
        due("c1", NOW - HOUR, None),
        // Lesson b: outside the objective.
        due("q3", NOW - 5 * DAY_MS, Some(NOW - 5 * DAY_MS)),
    ];
    let share = reviews_on_time(&pack, first, &history, NOW).unwrap();
    assert!((share - 1.0 / 3.0).abs() < 1e-9, "{share}");
    assert_eq!(reviews_on_time(&pack, first, &history[3..4], NOW), None);
    // Exactly a day late is still on time.
    let edge = [due("q1", NOW - DAY_MS, Some(NOW))];
    assert_eq!(reviews_on_time(&pack, first, &edge, NOW), Some(1.0));
}

#[test]
fn due_reviews_replay_the_log() {
    let s = scheduler();
    let first = s.next(None, Rating::Good, NOW);
    let second_at = first.due_at + HOUR;
    let second = s.next(Some(&first), Rating::Good, second_at);
    let graded = [
        GradedReview {
            item_id: "q1".into(),
            rating: Rating::Good,
            reviewed_at: NOW,
        },
        // An early review of another item: its first due time is not met by it.
        GradedReview {
            item_id: "q2".into(),
            rating: Rating::Good,
            reviewed_at: NOW,
        },
        GradedReview {
            item_id: "q1".into(),
            rating: Rating::Good,
            reviewed_at: second_at,
        },
        GradedReview {
            item_id: "q2".into(),
            rating: Rating::Good,
            reviewed_at: NOW + HOUR,
        },
    ];
    let due = due_reviews(&graded, &s);
    let q2_state = s.next(
        Some(&s.next(None, Rating::Good, NOW)),
        Rating::Good,
        NOW + HOUR,
    );
    assert_eq!(
        due,
        vec![
            DueReview {
                item_id: "q1".into(),
                due_at: first.due_at,
                done_at: Some(second_at),
            },
            DueReview {
                item_id: "q1".into(),
                due_at: second.due_at,
                done_at: None,
            },
            DueReview {
                item_id: "q2".into(),
                due_at: q2_state.due_at,
                done_at: None,
            },
        ]
    );
}

#[test]
fn a_lesson_moves_only_the_key_results_of_its_objectives_that_changed() {
    let pack = pack();
    let s = scheduler();
    let history = History {
        now: NOW,
        ..History::default()
    };
    let before_progress = Progress::default();
    let before = Snapshot::take(
        &pack,
        &Inputs {
            progress: &before_progress,
            scheduler: &s,
            history: &history,
        },
    );
    let after_progress = b_mastered();
    let after = Snapshot::take(
        &pack,
        &Inputs {
            progress: &after_progress,
            scheduler: &s,
            history: &history,
        },
    );
    let moved = moved_by_lesson(&pack, "b", &before, &after);
    assert_eq!(moved.len(), 1, "{moved:?}");
    assert_eq!(moved[0].key_result.id, "all-mastered");
    assert_eq!((moved[0].before, moved[0].now), (Some(0.0), Some(0.5)));
    assert!(!moved[0].met());
    // Lesson a is of both objectives: of its key results, only the one that changed; a lesson of no objective moves
    // none. The course's standing lists every key result.
    let by_a: Vec<_> = moved_by_lesson(&pack, "a", &before, &after)
        .into_iter()
        .map(|c| c.key_result.id)
        .collect();
    assert_eq!(by_a, ["all-mastered"]);
    assert!(moved_by_lesson(&pack, "z", &before, &after).is_empty());
    // A value that fell (retention decays between sittings) is not one the lesson moved.
    assert!(moved_by_lesson(&pack, "b", &after, &before).is_empty());
    let all = standing(&pack, &before, &after);
    let ids: Vec<_> = all.iter().map(|c| c.key_result.id.as_str()).collect();
    assert_eq!(ids, ["all-mastered", "first-time", "first-kept"]);
    assert_eq!(all[2].now, None);
}
