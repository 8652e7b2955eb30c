//! Store benchmarks, run by `cargo bench --bench store` (plain timing, no framework):
//! - the cost of recording one answer, each in its own committed transaction (target: median under 1 ms);
//! - `morsel stats` over a database holding 1,000,000 answer rows (target: under 200 ms), run as the real binary.

#![allow(clippy::unwrap_used)] // A benchmark: a panic is the failure report.

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use morsel::learn::journal::{AnswerRecord, Journal, Record};
use morsel::pack::synth::{self, Shape};
use morsel::store::Store;

fn answer(course: &str, lesson: usize, question: &str, round: u32, at: i64) -> Record {
    Record::Answer(AnswerRecord {
        course_id: course.into(),
        lesson_id: format!("lesson-{lesson:05}"),
        question_id: question.into(),
        kind: "choice",
        response: "[\"bite\"]".into(),
        correct: at % 4 != 0,
        skipped: false,
        round,
        attempt: 1,
        hint_used: false,
        shown_at: at - 4000,
        answered_at: at,
    })
}

fn opened(course: &str, pack: &Path) -> Record {
    Record::CourseOpened {
        course_id: course.into(),
        title: "Synthetic".into(),
        pack_path: pack.display().to_string(),
        version: None,
        at: 1,
    }
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    sorted[((sorted.len() - 1) as f64 * p).round() as usize]
}

fn record_one_answer(dir: &Path) {
    let mut store = Store::open(&dir.join("record.db")).unwrap();
    store.record(&[opened("bench", dir)]).unwrap();
    let mut times = Vec::with_capacity(2000);
    for i in 0..2000i64 {
        let record = answer(
            "bench",
            1,
            &format!("q{}", i % 50),
            (i / 50) as u32 + 1,
            1_000_000 + i,
        );
        let start = Instant::now();
        store.record(&[record]).unwrap();
        times.push(start.elapsed());
    }
    times.sort();
    let median = percentile(&times, 0.5);
    println!(
        "record one answer (WAL, synchronous=FULL), 2000 commits: median {:.3} ms, p90 {:.3} ms, p99 {:.3} ms  [target: median < 1 ms] {}",
        median.as_secs_f64() * 1e3,
        percentile(&times, 0.9).as_secs_f64() * 1e3,
        percentile(&times, 0.99).as_secs_f64() * 1e3,
        if median < Duration::from_millis(1) {
            "ok"
        } else {
            "OVER TARGET"
        }
    );
}

fn stats_over_a_million_answers(dir: &Path) {
    let shape = Shape {
        lessons: 200,
        questions_per_lesson: 5,
        ..Shape::default()
    };
    let pack = dir.join("courses/synthetic");
    synth::write_pack(&pack, shape).unwrap();
    let course = format!("synthetic-{}", shape.lessons);
    let db = dir.join("million.db");
    let mut store = Store::open(&db).unwrap();
    store.record(&[opened(&course, &pack)]).unwrap();

    let build = Instant::now();
    let total = 1_000_000usize;
    let questions = shape.lessons * shape.questions_per_lesson;
    let mut batch = Vec::with_capacity(10_000);
    for i in 0..total {
        let q = i % questions;
        let (lesson, k) = (
            q / shape.questions_per_lesson + 1,
            q % shape.questions_per_lesson,
        );
        let id = synth::question_id(lesson, shape, k);
        batch.push(answer(
            &course,
            lesson,
            &id,
            (i / questions) as u32 + 1,
            1_700_000_000_000 + i as i64 * 1000,
        ));
        if batch.len() == 10_000 {
            store.record(&batch).unwrap();
            batch.clear();
        }
    }
    let span = Record::Active {
        course_id: course.clone(),
        lesson_id: "lesson-00001".into(),
        started_at: 1_700_000_000_000,
        ended_at: 1_700_000_600_000,
    };
    store.record(&[span]).unwrap();
    drop(store);
    println!(
        "built a database of {total} answer rows in {:.1} s",
        build.elapsed().as_secs_f64()
    );

    let binary = env!("CARGO_BIN_EXE_morsel");
    let run = || {
        let start = Instant::now();
        let output = Command::new(binary)
            .args([
                "--db",
                db.to_str().unwrap(),
                "--courses",
                dir.join("courses").to_str().unwrap(),
                "stats",
                "--format",
                "json",
            ])
            .output()
            .unwrap();
        assert!(
            output.status.success(),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
        let doc: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
        assert_eq!(
            doc["courses"][0]["lessons"].as_array().unwrap().len(),
            shape.lessons
        );
        assert_eq!(
            doc["courses"][0]["lessons"][0]["answered"], shape.questions_per_lesson,
            "the pack's ids match the rows"
        );
        start.elapsed()
    };
    run(); // warm the page cache
    let mut times: Vec<Duration> = (0..10).map(|_| run()).collect();
    times.sort();
    let median = percentile(&times, 0.5);
    println!(
        "morsel stats over {total} answer rows ({}-lesson pack), 10 runs: median {:.1} ms, max {:.1} ms  [target: < 200 ms] {}",
        shape.lessons,
        median.as_secs_f64() * 1e3,
        times[times.len() - 1].as_secs_f64() * 1e3,
        if median < Duration::from_millis(200) {
            "ok"
        } else {
            "OVER TARGET"
        }
    );
}

fn main() {
    // `cargo bench` passes --bench; a filter argument selects one benchmark.
    let filter = std::env::args().skip(1).find(|a| !a.starts_with("--"));
    let dir = tempfile::tempdir().unwrap();
    if filter.as_deref().is_none_or(|f| "record".contains(f)) {
        record_one_answer(dir.path());
    }
    if filter.as_deref().is_none_or(|f| "stats".contains(f)) {
        stats_over_a_million_answers(dir.path());
    }
}
