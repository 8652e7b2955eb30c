//! Progress end to end: sessions recorded into the SQLite store through the library, then read back by
//! `morsel stats` and `morsel list`, and a store that survives `kill -9` mid-write.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use morsel::learn::clock::SystemClock;
use morsel::learn::grade::Response;
use morsel::learn::journal::{AnswerRecord, Journal, Record};
use morsel::learn::session::{Advance, OpenOptions, Session};
use morsel::pack::{Exercise, Pack, QuestionKind};
use morsel::store::Store;
use serde_json::Value;

use crate::bound::{Guarded, Stream};
use crate::morsel;

fn courses() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("courses")
}

fn git_pack() -> Pack {
    morsel::pack::load(&courses().join("git-in-bites"))
        .into_pack()
        .map_err(|r| r.diagnostics)
        .unwrap()
}

fn right_answer(kind: &QuestionKind) -> Response {
    match kind {
        QuestionKind::Choice { choices, .. } => {
            Response::Choices((0..choices.len()).filter(|&i| choices[i].correct).collect())
        }
        QuestionKind::TrueFalse { answer } => Response::Bool(*answer),
        QuestionKind::Text { answers, .. } => Response::Text(answers[0].clone()),
        QuestionKind::Order { items } => Response::Order((0..items.len()).collect()),
    }
}

/// Plays the first lesson answering everything right, then stops on the next lesson's first bite.
fn play_first_lesson(db: &Path) -> usize {
    let mut store = Store::open(db).unwrap();
    let progress = store.progress("git-in-bites").unwrap();
    let mut session = Session::open(
        git_pack(),
        progress,
        std::rc::Rc::new(SystemClock),
        &OpenOptions::default(),
        &mut store,
    )
    .unwrap();
    let mut answered = 0;
    loop {
        let kind = match session.exercise() {
            Some((Exercise::Question(q), state)) if state.verdict.is_none() => Some(q.kind.clone()),
            _ => None,
        };
        if let Some(kind) = kind {
            assert!(
                session
                    .answer(&right_answer(&kind), &mut store)
                    .unwrap()
                    .unwrap()
                    .correct
            );
            answered += 1;
        }
        if matches!(session.exercise(), Some((Exercise::Card(_), s)) if s.verdict.is_none()) {
            session.reveal();
            assert!(
                session
                    .rate(morsel::learn::journal::Rating::Good, &mut store)
                    .unwrap()
            );
        }
        match session.advance(&mut store).unwrap() {
            Advance::LessonDone(status) => {
                assert!(status.mastered);
                let _ = session.advance(&mut store).unwrap();
                break;
            }
            Advance::NeedsAnswer => panic!("every exercise was answered"),
            _ => {}
        }
    }
    session.close(&mut store).unwrap();
    answered
}

fn stats_json(args: &[&str]) -> Value {
    let output = morsel().args(args).output().unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).unwrap()
}

#[test]
fn stats_and_list_show_a_played_lesson() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("progress.db");
    let answered = play_first_lesson(&db);
    let pack = git_pack();
    let first = &pack.lessons[0];

    let db_arg = db.to_str().unwrap();
    let courses_arg = courses();
    let courses_arg = courses_arg.to_str().unwrap();
    // Global options work after the subcommand too.
    let doc = stats_json(&[
        "stats",
        "--format",
        "json",
        "--db",
        db_arg,
        "--courses",
        courses_arg,
    ]);
    let course = &doc["courses"][0];
    assert_eq!(doc["courses"].as_array().unwrap().len(), 1);
    assert_eq!(course["id"], "git-in-bites");
    assert_eq!(course["title"], "Git in bites");
    let lesson = &course["lessons"][0];
    assert_eq!(lesson["id"], first.id.as_str());
    assert_eq!(lesson["bites"], first.bites.len());
    assert_eq!(lesson["bites_seen"], first.bites.len());
    assert_eq!(lesson["questions"], answered);
    assert_eq!(lesson["answered"], answered);
    assert_eq!(lesson["first_try_right"], answered);
    assert_eq!(
        (lesson["complete"].as_bool(), lesson["mastered"].as_bool()),
        (Some(true), Some(true))
    );
    assert_eq!(course["lessons"][1]["complete"], false);
    assert_eq!(course["position"]["lesson"], pack.lessons[1].id.as_str());
    assert_eq!(course["position"]["bite"], 1);
    assert_eq!(course["next"], course["position"]);
    assert_eq!(lesson["score_percent"], 100);
    assert_eq!(lesson["reading_minutes"], first.minutes.ceil() as u64);
    let reading = pack.lessons.iter().map(|l| l.minutes).sum::<f64>().ceil() as u64;
    assert_eq!(course["reading_minutes"], reading);
    assert_eq!(course["lessons"][1]["score_percent"], Value::Null);
    let conn = rusqlite::Connection::open(&db).unwrap();
    let stored: i64 = conn
        .query_row(
            "SELECT coalesce(sum(ended_at - started_at), 0) / 1000 FROM active_spans",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(
        course["active_seconds"], stored,
        "stats reports the stored time on task"
    );

    // The same through the environment, with the course id as a filter, as text.
    let output = morsel()
        .args(["stats", "git-in-bites"])
        .env("MORSEL_DB", db_arg)
        .env("MORSEL_COURSES", format!("/nonexistent:{courses_arg}"))
        .output()
        .unwrap();
    let text = String::from_utf8(output.stdout).unwrap();
    assert!(text.starts_with("Git in bites (git-in-bites)\n"), "{text}");
    let reading = pack.lessons.iter().map(|l| l.minutes).sum::<f64>().ceil();
    assert!(
        text.contains(&format!(
            "lessons   {} total, 1 complete, 1 mastered; about {reading} min of reading",
            pack.lessons.len()
        )),
        "{text}"
    );
    assert!(
        text.contains(&format!(
            "accuracy  100% right on the first try ({answered} of {answered} questions)"
        )),
        "{text}"
    );
    assert!(
        text.contains(&format!(
            "resume    {}, bite 1 of {}\n",
            pack.lessons[1].id,
            pack.lessons[1].bites.len()
        )),
        "{text}"
    );
    // One row per lesson: the first done and mastered, the second marked as where `play` resumes.
    let rows: Vec<&str> = text
        .lines()
        .skip_while(|l| !l.trim_start().starts_with("lesson "))
        .take_while(|l| !l.is_empty())
        .collect();
    assert_eq!(rows.len(), pack.lessons.len() + 1, "{text}");
    let first_row: Vec<&str> = rows[1].split_whitespace().collect();
    let bites = format!("{0}/{0}", first.bites.len());
    let questions = format!("{answered}/{answered}");
    let minutes = first.minutes.ceil().to_string();
    assert_eq!(
        first_row,
        [
            first.id.as_str(),
            &bites,
            &questions,
            "100%",
            &questions,
            &minutes,
            "min",
            "mastered"
        ],
        "{text}"
    );
    assert!(
        rows[2].starts_with(&format!("  ▶ {} ", pack.lessons[1].id)),
        "{text}"
    );
    assert_eq!(rows.iter().filter(|r| r.contains('▶')).count(), 1, "{text}");

    let list = stats_json(&[
        "--db",
        db_arg,
        "--courses",
        courses_arg,
        "list",
        "--format",
        "json",
    ]);
    let git = list["courses"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == "git-in-bites")
        .unwrap();
    assert_eq!(
        (git["complete"].as_u64(), git["mastered"].as_u64()),
        (Some(1), Some(1))
    );
    assert_eq!(git["reading_minutes"], reading);
    assert_eq!(
        git["lesson_minutes"][0],
        serde_json::json!({"id": first.id, "reading_minutes": first.minutes.ceil() as u64})
    );
    let text = String::from_utf8(
        morsel()
            .args(["--db", db_arg, "--courses", courses_arg, "list"])
            .output()
            .unwrap()
            .stdout,
    )
    .unwrap();
    let git_line = text
        .lines()
        .find(|l| l.starts_with("git-in-bites "))
        .unwrap();
    assert!(
        git_line.contains(&format!("{reading} min reading")),
        "{text}"
    );
    let regex = list["courses"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == "regex-in-bites")
        .unwrap();
    assert_eq!(regex["complete"], 0);
    assert_eq!(regex["last_played"], Value::Null);
}

#[test]
fn read_only_commands_create_no_database() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("nothing-here.db");
    let doc = stats_json(&["--db", db.to_str().unwrap(), "stats", "--format", "json"]);
    assert_eq!(doc["courses"], Value::Array(vec![]));
    morsel()
        .args(["--db", db.to_str().unwrap(), "list"])
        .assert()
        .success();
    assert!(!db.exists());
}

#[test]
fn a_file_that_is_not_a_database_is_named_and_left_alone() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("notes.txt");
    std::fs::write(&db, "my notes\n".repeat(100)).unwrap();
    let output = morsel()
        .args(["--db", db.to_str().unwrap(), "stats"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains(&db.display().to_string())
            && stderr.contains("not a morsel progress database"),
        "{stderr}"
    );
    assert_eq!(
        std::fs::read_to_string(&db).unwrap(),
        "my notes\n".repeat(100)
    );
}

#[test]
fn paths_prints_every_location_and_honours_overrides() {
    let output = morsel()
        .args(["paths", "--db", "/x/p.db", "--config", "/x/c.toml"])
        .env("MORSEL_COURSES", "/a:/b")
        .env_remove("MORSEL_DB")
        .output()
        .unwrap();
    let text = String::from_utf8(output.stdout).unwrap();
    assert!(
        text.contains("database  /x/p.db\n") && text.contains("config    /x/c.toml\n"),
        "{text}"
    );
    assert!(text.contains("courses   /a\n          /b\n"), "{text}");
    let output = morsel()
        .arg("paths")
        .env("XDG_DATA_HOME", "/xdg/data")
        .env("XDG_CONFIG_HOME", "/xdg/config")
        .env_remove("MORSEL_DB")
        .env_remove("MORSEL_CONFIG")
        .env_remove("MORSEL_COURSES")
        .output()
        .unwrap();
    let text = String::from_utf8(output.stdout).unwrap();
    assert!(
        text.contains("database  /xdg/data/morsel/progress.db\n"),
        "{text}"
    );
    assert!(
        text.contains("config    /xdg/config/morsel/config.toml\n"),
        "{text}"
    );
    assert!(
        text.contains("courses   courses\n          /xdg/data/morsel/courses\n"),
        "{text}"
    );
}

/// The child of `answers_committed_before_kill_9_survive`: records answers one transaction at a time and reports
/// each as committed on stdout. Run only by that test (it is ignored otherwise).
#[test]
#[ignore = "run as a child process by answers_committed_before_kill_9_survive"]
fn crash_child() {
    let db = std::env::var_os("MORSEL_CRASH_DB")
        .expect("run by the crash test, which sets MORSEL_CRASH_DB");
    let round = std::env::var("MORSEL_CRASH_ROUND").expect("and MORSEL_CRASH_ROUND");
    let mut store = Store::open(Path::new(&db)).unwrap();
    let course = Record::CourseOpened {
        course_id: "crash".into(),
        title: "Crash".into(),
        pack_path: "/crash".into(),
        version: None,
        at: 1,
    };
    store.record(&[course]).unwrap();
    for i in 0.. {
        let answer = Record::Answer(AnswerRecord {
            course_id: "crash".into(),
            lesson_id: "l".into(),
            question_id: format!("r{round}-q{i}"),
            kind: "text",
            response: format!("answer {i}"),
            correct: i % 3 != 0,
            skipped: false,
            round: 1,
            attempt: 1,
            hint_used: false,
            shown_at: i,
            answered_at: i + 1,
        });
        store.record(&[answer]).unwrap();
        println!("committed {i}");
    }
}

#[test]
fn answers_committed_before_kill_9_survive() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("crash.db");
    let mut rng = fastrand::Rng::with_seed(0x6d6f7273);
    for round in 0..30 {
        let mut child = Guarded::spawn(
            Command::new(std::env::current_exe().unwrap())
                .args([
                    "--ignored",
                    "--exact",
                    "progress::crash_child",
                    "--nocapture",
                    "--test-threads=1",
                ])
                .env("MORSEL_CRASH_DB", &db)
                .env("MORSEL_CRASH_ROUND", round.to_string())
                .stdout(Stdio::piped())
                .stderr(Stdio::null()),
        );
        // Kill it after a random number of reported commits, so the kill lands at a random point of a write.
        let stop_after = rng.usize(1..40);
        let mut reported = Vec::new();
        let mut lines = Stream::read(child.stdout.take().unwrap());
        while let Some(line) = lines.next_line(&format!("round {round}: the crash child's reports"))
        {
            if let Some(n) = line.strip_prefix("committed ") {
                reported.push(n.to_string());
                if reported.len() >= stop_after {
                    break;
                }
            }
        }
        child.kill().unwrap(); // SIGKILL on Unix
        child.wait().unwrap();
        assert!(
            !reported.is_empty(),
            "round {round}: the child reported nothing"
        );

        let store = Store::open(&db).unwrap();
        let conn = rusqlite::Connection::open(&db).unwrap();
        let check: String = conn
            .query_row("PRAGMA integrity_check", [], |r| r.get(0))
            .unwrap();
        assert_eq!(check, "ok", "round {round}");
        let progress = store.progress("crash").unwrap();
        for n in &reported {
            let id = format!("r{round}-q{n}");
            assert!(
                progress.questions.contains_key(&id),
                "{id} was reported committed but is gone"
            );
            let stored: i64 = conn
                .query_row(
                    "SELECT count(*) FROM answers WHERE question_id = ?1",
                    [&id],
                    |r| r.get(0),
                )
                .unwrap();
            assert_eq!(stored, 1, "{id}");
        }
    }
}
