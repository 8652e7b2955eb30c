//! Review benchmarks, run by `cargo bench --bench review` (plain timing, no framework), with 100,000 scheduled
//! questions of 10 courses (a 1,000-lesson synthetic pack of 10 questions a lesson, under 10 course ids), due over
//! the last 30 days with stabilities from a few hours to a year:
//! - picking the next due item (`sitting::most_urgent`; target: median under 5 ms), and how much of it is the
//!   crate's forgetting curve;
//! - building a queue of 20 (`sitting::queue` with a limit), and the whole queue for comparison;
//! - reading the 100,000 due rows from a database file (`Store::scheduled`), and that read and a queue of 20
//!   together, as `morsel review --limit 20` does once the packs are loaded.

#![allow(clippy::unwrap_used)] // A benchmark: a panic is the failure report.

mod common;

use common::{median, ms, time, verdict};

use std::collections::HashMap;
use std::time::Instant;

use morsel::learn::journal::{Journal, Rating, Record};
use morsel::learn::schedule::{DAY_MS, ItemKind, ItemState, Scheduler};
use morsel::learn::sitting::{self, Scheduled};
use morsel::pack::Pack;
use morsel::pack::synth::{self, Shape};
use morsel::store::Store;

const NOW: i64 = 1_795_000_000_000;
const ITEMS: usize = 100_000;
const COURSES: usize = 10;

fn course(c: usize) -> String {
    format!("course-{c:02}")
}

/// Every question of the pack under each of the `COURSES` course ids, due over the last 30 days.
fn schedule(pack: &Pack, rng: &mut fastrand::Rng) -> Vec<Scheduled> {
    let ids: Vec<&str> = pack
        .lessons
        .iter()
        .flat_map(|l| l.questions().map(|q| q.id.as_str()))
        .collect();
    (0..COURSES)
        .flat_map(|c| ids.iter().map(move |id| (c, *id)))
        .map(|(c, id)| {
            let due_at = NOW - rng.i64(0..30 * DAY_MS);
            Scheduled {
                course_id: course(c),
                item_id: id.to_string(),
                kind: ItemKind::Question,
                state: ItemState {
                    stability: 0.2 + rng.f32() * 365.0,
                    difficulty: 1.0 + rng.f32() * 9.0,
                    due_at,
                    last_review_at: due_at - rng.i64(1..400) * DAY_MS,
                    reps: rng.u32(1..20),
                    lapses: rng.u32(0..3),
                    last_rating: Rating::Good,
                },
            }
        })
        .collect()
}

/// A database file holding the schedule, filled with SQL in one transaction.
fn database(path: &std::path::Path, scheduled: &[Scheduled]) -> Store {
    let mut store = Store::open(path).unwrap();
    let opened: Vec<Record> = (0..COURSES)
        .map(|c| Record::CourseOpened {
            course_id: course(c),
            title: "Synthetic".into(),
            pack_path: "/nowhere".into(),
            version: None,
            at: NOW - 400 * DAY_MS,
        })
        .collect();
    store.record(&opened).unwrap();
    drop(store);
    let mut conn = rusqlite::Connection::open(path).unwrap();
    let tx = conn.transaction().unwrap();
    {
        let mut insert = tx
            .prepare(
                "INSERT INTO review_items (course_id, item_id, kind, lesson_id, stability, difficulty, due_at,
                     last_review_at, reps, lapses, last_rating, content_hash)
                 VALUES (?1, ?2, ?3, 'lesson', ?4, ?5, ?6, ?7, ?8, ?9, 3, 'h')",
            )
            .unwrap();
        for s in scheduled {
            insert
                .execute(rusqlite::params![
                    s.course_id,
                    s.item_id,
                    s.kind.as_str(),
                    f64::from(s.state.stability),
                    f64::from(s.state.difficulty),
                    s.state.due_at,
                    s.state.last_review_at,
                    s.state.reps,
                    s.state.lapses,
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
    let first = bench_next_due(&bench);
    bench_queue(&bench, first);
    bench_database(&bench);
}

/// What every measurement reads: the temporary folder, the pack under each course id, and its schedule.
struct Bench {
    dir: tempfile::TempDir,
    packs: HashMap<String, Pack>,
    scheduled: Vec<Scheduled>,
    scheduler: Scheduler,
}

impl Bench {
    fn new() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let mut rng = fastrand::Rng::with_seed(9);
        let shape = Shape {
            lessons: ITEMS / COURSES / 10,
            questions_per_lesson: 10,
            ..Shape::default()
        };
        let pack_dir = dir.path().join("pack");
        synth::write_pack(&pack_dir, shape).unwrap();
        let pack = morsel::pack::load(&pack_dir)
            .into_pack()
            .map_err(|r| r.diagnostics.len())
            .unwrap();
        let packs: HashMap<String, Pack> =
            (0..COURSES).map(|c| (course(c), pack.clone())).collect();
        let scheduled = schedule(&pack, &mut rng);
        assert_eq!(scheduled.len(), ITEMS);
        Self {
            dir,
            packs,
            scheduled,
            scheduler: Scheduler::default(),
        }
    }
}

/// 1. The next due item, and how much of it is the forgetting curve; returns that item.
fn bench_next_due(bench: &Bench) -> &Scheduled {
    let Bench {
        scheduled,
        scheduler,
        ..
    } = bench;
    let first = sitting::most_urgent(scheduled, scheduler, NOW).unwrap();
    let t = time(50, || {
        std::hint::black_box(sitting::most_urgent(scheduled, scheduler, NOW));
    });
    // Nearly all of it: one call of the crate's forgetting curve (a powf) per item.
    let curve = time(50, || {
        let sum: f32 = scheduled
            .iter()
            .map(|s| scheduler.retrievability(&s.state, NOW))
            .sum();
        std::hint::black_box(sum);
    });
    println!(
        "pick the next due item among {ITEMS} (sitting::most_urgent): median {:.3} ms (of which {ITEMS} \
         retrievabilities, fsrs::current_retrievability: {:.3} ms)  [target: < 5 ms] {}",
        ms(t),
        ms(curve),
        verdict(t, 5)
    );
    first
}

/// 2. The queue: 20 of them, and all of them (checked to start with `first`, the most urgent item).
fn bench_queue(bench: &Bench, first: &Scheduled) {
    check_queue(bench, first);
    let Bench {
        packs,
        scheduled,
        scheduler,
        ..
    } = bench;
    let queue_time = |limit: Option<usize>, ahead: bool, runs: usize| {
        median(
            (0..runs)
                .map(|_| {
                    let copy = scheduled.clone();
                    let start = Instant::now();
                    std::hint::black_box(sitting::queue(copy, packs, scheduler, NOW, ahead, limit));
                    start.elapsed()
                })
                .collect(),
        )
    };
    let limited = queue_time(Some(20), false, 20);
    let ahead = queue_time(Some(20), true, 20);
    let all = queue_time(None, false, 5);
    // Part of the queue's cost: it takes the rows by value and frees their 200,000 strings.
    let dropped = median(
        (0..20)
            .map(|_| {
                let copy = scheduled.clone();
                let start = Instant::now();
                drop(std::hint::black_box(copy));
                start.elapsed()
            })
            .collect(),
    );
    println!(
        "queue of 20 from {ITEMS} scheduled in {COURSES} packs (sitting::queue --limit 20): median {:.3} ms \
         (of which freeing the {ITEMS} rows it is given: {:.3} ms); studying ahead (--ahead --limit 20): median \
         {:.3} ms; the whole queue of {ITEMS}: median {:.3} ms",
        ms(limited),
        ms(dropped),
        ms(ahead),
        ms(all)
    );
}

/// A queue of 20 starts with the most urgent item and is the whole queue's head.
fn check_queue(bench: &Bench, first: &Scheduled) {
    let Bench {
        packs,
        scheduled,
        scheduler,
        ..
    } = bench;
    let twenty = sitting::queue(scheduled.clone(), packs, scheduler, NOW, false, Some(20));
    assert_eq!(twenty.len(), 20);
    assert_eq!(
        (twenty[0].course_id.as_str(), review_id(&twenty[0])),
        (first.course_id.as_str(), first.item_id.as_str()),
        "the queue starts with the most urgent item"
    );
    let whole = sitting::queue(scheduled.clone(), packs, scheduler, NOW, false, None);
    assert_eq!(whole.len(), ITEMS);
    assert_eq!(
        whole[..20],
        twenty[..],
        "a limited queue is the whole queue's head"
    );
}

/// 3. From a database file.
fn bench_database(bench: &Bench) {
    let Bench {
        dir,
        packs,
        scheduled,
        scheduler,
    } = bench;
    let store = database(&dir.path().join("review.db"), scheduled);
    assert_eq!(store.scheduled(None, Some(NOW)).unwrap().len(), ITEMS);
    let read = time(10, || {
        std::hint::black_box(store.scheduled(None, Some(NOW)).unwrap());
    });
    let one = time(10, || {
        std::hint::black_box(store.scheduled(Some("course-03"), Some(NOW)).unwrap());
    });
    let sitting = time(10, || {
        let rows = store.scheduled(None, Some(NOW)).unwrap();
        std::hint::black_box(sitting::queue(rows, packs, scheduler, NOW, false, Some(20)));
    });
    println!(
        "read {ITEMS} due rows from a database file (Store::scheduled): median {:.3} ms; one course's {}: median \
         {:.3} ms; read and queue 20 as `morsel review --limit 20` does once the packs are loaded: median {:.3} ms",
        ms(read),
        ITEMS / COURSES,
        ms(one),
        ms(sitting)
    );
}

fn review_id(item: &sitting::ReviewItem) -> &str {
    morsel::learn::schedule::item_of(&item.exercise).0
}
