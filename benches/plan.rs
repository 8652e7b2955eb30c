//! Planning benchmarks, run by `cargo bench --bench plan` (plain timing, no framework), with 100,000 due items and
//! a 10,000-lesson synthetic pack resumed halfway:
//! - `plan::plan` given the due queue, the missed questions and the bites from the resume point (target: median
//!   under 10 ms);
//! - ordering the 100,000 due items by retrievability (`plan::by_retrievability`);
//! - everything `morsel plan` does after loading the packs: pace samples and the due items the box can hold read
//!   from a database with a year of daily history, ordered, planned (target: under 10 ms); checked to give the same
//!   plan as the whole queue in memory.

#![allow(clippy::unwrap_used)] // A benchmark: a panic is the failure report.

mod common;

use common::{median, ms, time, verdict};

use std::time::Instant;

use morsel::learn::journal::{AnswerRecord, Journal, Rating, Record};
use morsel::learn::plan::{self, DueItem, HISTORY_SAMPLES, Pace};
use morsel::learn::progress::{Progress, SavedPosition};
use morsel::learn::schedule::{DAY_MS, ItemKind, ItemState};
use morsel::pack::synth::{self, Shape};
use morsel::store::Store;

const NOW: i64 = 1_795_000_000_000;
const DUE: usize = 100_000;

/// `DUE` items of 50 courses, due over the last 30 days, with stabilities from a few hours to a year.
fn due_items(rng: &mut fastrand::Rng) -> Vec<(DueItem, ItemState)> {
    (0..DUE)
        .map(|i| {
            let kind = if i.is_multiple_of(3) {
                ItemKind::Card
            } else {
                ItemKind::Question
            };
            let stability = 0.2 + rng.f32() * 365.0;
            let last = NOW - rng.i64(1..400) * DAY_MS;
            (
                DueItem {
                    course: format!("course-{:02}", i % 50),
                    item: format!("item-{i:06}"),
                    kind,
                    lesson: format!("lesson-{:05}", i % 10_000 + 1),
                },
                ItemState {
                    stability,
                    difficulty: 1.0 + rng.f32() * 9.0,
                    due_at: NOW - rng.i64(0..30 * DAY_MS),
                    last_review_at: last,
                    reps: rng.u32(1..20),
                    lapses: rng.u32(0..3),
                    last_rating: morsel::learn::journal::Rating::Good,
                },
            )
        })
        .collect()
}

/// A database with the due items and a year of daily use of one course: 10 bites read, 10 questions answered
/// and 5 cards rated a day, in one active span.
fn database(path: &std::path::Path, items: &[(DueItem, ItemState)]) -> Store {
    let mut store = Store::open(path).unwrap();
    let mut records = Vec::new();
    for c in 0..50 {
        records.push(Record::CourseOpened {
            course_id: format!("course-{c:02}"),
            title: "Synthetic".into(),
            pack_path: "/nowhere".into(),
            version: None,
            at: NOW - 400 * DAY_MS,
        });
    }
    let course = "course-00".to_string();
    for day in 0..365 {
        let start = NOW - (365 - day) * DAY_MS;
        let mut t = start;
        for b in 0..10usize {
            let lesson = format!("lesson-{:05}", day * 2 + b as i64 / 5 + 1);
            records.push(Record::Position {
                course_id: course.clone(),
                lesson_id: lesson.clone(),
                bite: b % 5 + 1,
                scroll: 0,
                at: t,
            });
            t += 40_000;
            records.push(Record::Answer(AnswerRecord {
                course_id: course.clone(),
                lesson_id: lesson.clone(),
                question_id: format!("q-{day}-{b}"),
                kind: "choice",
                response: "1".into(),
                correct: b % 4 != 0,
                skipped: false,
                round: 1,
                attempt: 1,
                hint_used: false,
                shown_at: t,
                answered_at: t + 12_000,
            }));
            t += 12_000;
            if b.is_multiple_of(2) {
                t += 6_000;
                records.push(Record::CardRated {
                    course_id: course.clone(),
                    lesson_id: lesson,
                    card_id: format!("k-{day}-{b}"),
                    rating: Rating::Good,
                    at: t,
                    duration_ms: 6_000,
                });
            }
        }
        records.push(Record::Active {
            course_id: course.clone(),
            lesson_id: "lesson-00001".into(),
            started_at: start,
            ended_at: t,
        });
    }
    store.record(&records).unwrap();
    drop(store);
    let mut conn = rusqlite::Connection::open(path).unwrap();
    let tx = conn.transaction().unwrap();
    {
        let mut insert = tx
            .prepare(
                "INSERT INTO review_items (course_id, item_id, kind, lesson_id, stability, difficulty, due_at,
                     last_review_at, reps, lapses, content_hash) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, 'h')",
            )
            .unwrap();
        for (item, s) in items {
            insert
                .execute(rusqlite::params![
                    item.course,
                    item.item,
                    item.kind.as_str(),
                    item.lesson,
                    f64::from(s.stability),
                    f64::from(s.difficulty),
                    s.due_at,
                    s.last_review_at,
                    s.reps,
                    s.lapses
                ])
                .unwrap();
        }
    }
    tx.commit().unwrap();
    drop(conn);
    Store::open(path).unwrap()
}

fn main() {
    let bench = Bench::new();
    bench_planner(&bench);
    bench_ordering(&bench);
    bench_from_database(&bench);
}

/// What every measurement reads: the temporary folder, a 10,000-lesson pack resumed halfway, the due items, their
/// queue and the missed questions.
struct Bench {
    dir: tempfile::TempDir,
    pack: morsel::pack::Pack,
    progress: Progress,
    items: Vec<(DueItem, ItemState)>,
    queue: Vec<DueItem>,
    missed: Vec<DueItem>,
}

impl Bench {
    fn new() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let mut rng = fastrand::Rng::with_seed(9);

        let pack_dir = dir.path().join("pack");
        synth::write_pack(
            &pack_dir,
            Shape {
                lessons: 10_000,
                ..Shape::default()
            },
        )
        .unwrap();
        let pack = morsel::pack::load(&pack_dir)
            .into_pack()
            .map_err(|r| r.diagnostics.len())
            .unwrap();
        let progress = resumed_halfway(&pack);
        let items = due_items(&mut rng);
        let queue = plan::by_retrievability(items.clone(), NOW);
        let missed = plan::missed_questions(&pack, &progress);
        Self {
            dir,
            pack,
            progress,
            items,
            queue,
            missed,
        }
    }
}

/// Resumed halfway, with a few questions missed on the way.
fn resumed_halfway(pack: &morsel::pack::Pack) -> Progress {
    let mut progress = Progress {
        position: Some(SavedPosition {
            lesson: pack.lessons[5000].id.clone(),
            bite: 3,
            scroll: 0,
            exercise: None,
        }),
        ..Progress::default()
    };
    for lesson in pack.lessons.iter().take(5000).step_by(50) {
        for q in lesson.questions() {
            progress.questions.insert(
                q.id.clone(),
                morsel::learn::progress::QuestionProgress {
                    round: 1,
                    first_try_right: false,
                    first_try: false,
                    attempts: 1,
                    known: false,
                },
            );
        }
    }
    progress
}

/// 1. The planner, given the queue; then new bites only; then finding the missed questions.
fn bench_planner(bench: &Bench) {
    let Bench {
        pack,
        progress,
        queue,
        missed,
        ..
    } = bench;
    let pace = Pace::DEFAULT;
    for minutes in [10, 25, 120] {
        let mut planned = 0;
        let t = time(200, || {
            let p = plan::plan(
                minutes,
                queue,
                missed,
                plan::new_bites(pack, progress),
                &pace,
            );
            planned = p.items.len();
            std::hint::black_box(p);
        });
        println!(
            "plan {minutes} min from {DUE} due items, {} missed, a 10,000-lesson pack: median {:.3} ms \
             ({planned} items)  [target: < 10 ms] {}",
            missed.len(),
            ms(t),
            verdict(t, 10)
        );
    }
    // Only bites: the planner walks the pack from the resume point and stops at the first bite that does not fit.
    let t = time(200, || {
        std::hint::black_box(plan::plan(
            25,
            &[],
            &[],
            plan::new_bites(pack, progress),
            &pace,
        ));
    });
    println!(
        "plan 25 min of new bites only, 10,000-lesson pack: median {:.3} ms  [target: < 10 ms] {}",
        ms(t),
        verdict(t, 10)
    );
    let missed_time = time(50, || {
        std::hint::black_box(plan::missed_questions(pack, progress));
    });
    println!(
        "missed questions of a 10,000-lesson pack: median {:.3} ms",
        ms(missed_time)
    );
}

/// 2. Ordering the due items.
fn bench_ordering(bench: &Bench) {
    let t = median(
        (0..20)
            .map(|_| {
                let copy = bench.items.clone();
                let start = Instant::now();
                std::hint::black_box(plan::by_retrievability(copy, NOW));
                start.elapsed()
            })
            .collect(),
    );
    println!(
        "order {DUE} due items by retrievability: median {:.3} ms",
        ms(t)
    );
}

/// 3. From the database, as `morsel plan` does once the packs are loaded.
fn bench_from_database(bench: &Bench) {
    let store = database(&bench.dir.path().join("plan.db"), &bench.items);
    let read = time(20, || {
        std::hint::black_box(store.due_with_state(NOW, None).unwrap());
    });
    let samples = time(20, || {
        std::hint::black_box(store.pace_samples(HISTORY_SAMPLES).unwrap());
    });
    check_plan_from_store(bench, &store);
    let page = time(20, || {
        std::hint::black_box(
            store
                .due_page(NOW, None, ItemKind::Question, 0, 75)
                .unwrap(),
        );
    });
    let whole = time(20, || {
        std::hint::black_box(plan_from_store(bench, &store, 25));
    });
    println!(
        "read all {DUE} due items from the database: median {:.3} ms; the 75 least retrievable questions \
         (Store::due_page): median {:.3} ms; pace samples from a year of daily use: median {:.3} ms",
        ms(read),
        ms(page),
        ms(samples)
    );
    println!(
        "plan 25 min from the database as `morsel plan` does (pace samples, due pages, plan; packs loaded): median \
         {:.3} ms  [target: < 10 ms] {}",
        ms(whole),
        verdict(whole, 10)
    );
}

/// The pace from the store's samples, each bite taken as 120 seconds.
fn pace_from_store(store: &Store) -> Pace {
    let history = store
        .pace_samples(HISTORY_SAMPLES)
        .unwrap()
        .into_history(|_, _, _| Some(120));
    Pace::from_history(&history)
}

/// As `morsel plan` reads the queue (`Store::due_for_box`): per kind only as many as the box can hold.
fn plan_from_store(bench: &Bench, store: &Store, minutes: u32) -> plan::Plan {
    let pace = pace_from_store(store);
    let (queue, _) = store
        .due_for_box(NOW, None, minutes * 60, &pace, Some)
        .unwrap();
    plan::plan(
        minutes,
        &queue,
        &bench.missed,
        plan::new_bites(&bench.pack, &bench.progress),
        &pace,
    )
}

/// The same plan from the store as from the whole queue in memory.
fn check_plan_from_store(bench: &Bench, store: &Store) {
    let whole_queue = plan::by_retrievability(store.due_with_state(NOW, None).unwrap(), NOW);
    let pace = pace_from_store(store);
    assert_eq!(
        plan_from_store(bench, store, 25),
        plan::plan(
            25,
            &whole_queue,
            &bench.missed,
            plan::new_bites(&bench.pack, &bench.progress),
            &pace
        )
    );
}
