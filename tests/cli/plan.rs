//! `morsel plan --minutes N [COURSE]` end to end: a history written through the store at known times, review items
//! due at known dates, and the clock fixed with `MORSEL_NOW_MS` (the test-only override of `SystemClock`).

use std::path::{Path, PathBuf};

use morsel::learn::journal::{AnswerRecord, Journal, Rating, Record};
use morsel::pack::{Exercise, Pack};
use morsel::store::Store;
use serde_json::Value;

use crate::morsel;

const DAY: i64 = 86_400_000;
const T0: i64 = 1_795_000_000_000;
const READ_MS: i64 = 60_000;
const ANSWER_MS: i64 = 8_000;
const CARD_MS: i64 = 4_000;

fn courses() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("courses")
}

fn pack(id: &str) -> Pack {
    morsel::pack::load(&courses().join(id))
        .into_pack()
        .map_err(|r| r.diagnostics)
        .unwrap()
}

/// Runs `morsel plan` at `now` and returns its stdout.
fn plan_output(db: &Path, now: i64, args: &[&str]) -> String {
    let output = morsel()
        .env("MORSEL_NOW_MS", now.to_string())
        .arg("--db")
        .arg(db)
        .arg("--courses")
        .arg(courses())
        .arg("plan")
        .args(args)
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).unwrap()
}

fn plan_json(db: &Path, now: i64, args: &[&str]) -> Value {
    let mut args = args.to_vec();
    args.extend(["--format", "json"]);
    serde_json::from_str(&plan_output(db, now, &args)).unwrap()
}

/// (kind, lesson, item or bite) of each planned item.
fn steps(doc: &Value) -> Vec<(String, String, String)> {
    doc["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| {
            let what = if i["kind"] == "bite" {
                i["bite"].to_string()
            } else {
                i["item"].as_str().unwrap().to_string()
            };
            (
                format!(
                    "{}{}",
                    i["kind"].as_str().unwrap(),
                    i["reason"]
                        .as_str()
                        .map(|r| format!(" {r}"))
                        .unwrap_or_default()
                ),
                i["lesson"].as_str().unwrap().to_string(),
                what,
            )
        })
        .collect()
}

fn total_fits(doc: &Value) {
    let minutes = doc["minutes"].as_u64().unwrap();
    let total = doc["estimate_seconds"].as_u64().unwrap();
    let sum: u64 = doc["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["estimate_seconds"].as_u64().unwrap())
        .sum();
    assert_eq!(sum, total);
    assert!(total <= minutes * 60, "{total} s planned in {minutes} min");
}

/// The estimate of a bite at the default pace: 230 words a minute, 20 s a question, 10 s a card, rounded up.
fn default_estimate(pack: &Pack, lesson: usize, bite: usize) -> u64 {
    let b = &pack.lessons[lesson].bites[bite];
    let seconds = b.words as f64 * 60.0 / 230.0
        + 20.0 * b.questions().count() as f64
        + 10.0 * b.cards().count() as f64;
    seconds.ceil() as u64
}

fn opened(course: &Pack, at: i64) -> Record {
    Record::CourseOpened {
        course_id: course.course.id.clone(),
        title: course.course.title.clone(),
        pack_path: course.root.display().to_string(),
        version: None,
        at,
    }
}

/// The learner reads the first two lessons of `pack` from `t0` in one active span: each bite's text takes
/// `READ_MS`, each question `ANSWER_MS` (the first one answered wrong), each card `CARD_MS`, and they rate the
/// first card again until five ratings are kept; then they reach lesson 3. Returns when they stopped.
fn play_two_lessons(store: &mut Store, pack: &Pack, t0: i64) -> i64 {
    play_two_lessons_reading(store, pack, t0, READ_MS)
}

/// As `play_two_lessons`, each bite's text taking `read_ms`.
fn play_two_lessons_reading(store: &mut Store, pack: &Pack, t0: i64, read_ms: i64) -> i64 {
    let course = &pack.course.id;
    let mut records = vec![opened(pack, t0)];
    let mut t = t0;
    let mut first = true;
    let mut ratings = 0;
    let rate = |records: &mut Vec<Record>, t: &mut i64, lesson: &str, card: &str| {
        *t += CARD_MS;
        records.push(Record::CardRated {
            course_id: course.clone(),
            lesson_id: lesson.to_string(),
            card_id: card.to_string(),
            rating: Rating::Good,
            at: *t,
            duration_ms: CARD_MS,
        });
    };
    for lesson in &pack.lessons[..2] {
        for b in &lesson.bites {
            records.push(Record::Position {
                course_id: course.clone(),
                lesson_id: lesson.id.clone(),
                bite: b.number,
                scroll: 0,
                at: t,
            });
            t += read_ms;
            for e in &b.exercises {
                match e {
                    Exercise::Question(q) => {
                        records.push(Record::Answer(AnswerRecord {
                            course_id: course.clone(),
                            lesson_id: lesson.id.clone(),
                            question_id: q.id.clone(),
                            kind: q.kind.name(),
                            response: "x".into(),
                            correct: !first,
                            skipped: false,
                            round: 1,
                            attempt: 1,
                            hint_used: false,
                            shown_at: t,
                            answered_at: t + ANSWER_MS,
                        }));
                        first = false;
                        t += ANSWER_MS;
                    }
                    Exercise::Card(c) => {
                        rate(&mut records, &mut t, &lesson.id, &c.id);
                        ratings += 1;
                    }
                }
            }
        }
    }
    let (lesson, card) = first_card(pack);
    for _ in ratings..5 {
        rate(&mut records, &mut t, &lesson, &card);
    }
    records.push(Record::Position {
        course_id: course.clone(),
        lesson_id: pack.lessons[2].id.clone(),
        bite: 1,
        scroll: 0,
        at: t,
    });
    records.push(Record::Active {
        course_id: course.clone(),
        lesson_id: pack.lessons[0].id.clone(),
        started_at: t0,
        ended_at: t,
    });
    store.record(&records).unwrap();
    t
}

/// The reading speed `play_two_lessons` shows: the median of the words a minute of each bite followed by the next
/// bite of its lesson (each read in `READ_MS`), those of at least 20 words.
fn reading_speed(pack: &Pack) -> f64 {
    let mut rates: Vec<f64> = pack.lessons[..2]
        .iter()
        .flat_map(|l| &l.bites[..l.bites.len() - 1])
        .filter(|b| b.words >= 20)
        .map(|b| b.words as f64 * 60_000.0 / READ_MS as f64)
        .collect();
    assert!(rates.len() >= 5, "enough samples to replace the default");
    rates.sort_by(f64::total_cmp);
    let mid = rates.len() / 2;
    if rates.len().is_multiple_of(2) {
        (rates[mid - 1] + rates[mid]) / 2.0
    } else {
        rates[mid]
    }
}

/// Puts an item in the schedule as the review session would: last reviewed at `last`, due at `due`.
fn schedule(db: &Path, course: &str, item: &str, kind: &str, stability: f64, last: i64, due: i64) {
    let conn = rusqlite::Connection::open(db).unwrap();
    conn.execute(
        "INSERT INTO review_items (course_id, item_id, kind, lesson_id, stability, difficulty, due_at,
             last_review_at, reps, lapses, content_hash)
         VALUES (?1, ?2, ?3, 'stored-lesson', ?4, 5.0, ?5, ?6, 1, 0, 'h')",
        rusqlite::params![course, item, kind, stability, due, last],
    )
    .unwrap();
}

fn first_card(pack: &Pack) -> (String, String) {
    pack.lessons
        .iter()
        .find_map(|l| l.cards().next().map(|c| (l.id.clone(), c.id.clone())))
        .unwrap()
}

#[test]
fn without_a_database_the_plan_is_new_bites_from_the_start_and_creates_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("progress.db");
    let git = pack("git-in-bites");
    let doc = plan_json(&db, T0, &["--minutes", "2", "git-in-bites"]);
    total_fits(&doc);
    assert_eq!(doc["minutes"], 2);
    let items = doc["items"].as_array().unwrap();
    assert!(!items.is_empty());
    // Bites in course order from the first, each at the default pace, until the next would not fit.
    let mut total = 0;
    for (i, item) in items.iter().enumerate() {
        assert_eq!(item["kind"], "bite");
        assert_eq!(item["lesson"], git.lessons[0].id.as_str());
        assert_eq!(item["bite"], i + 1);
        assert_eq!(item["estimate_seconds"], default_estimate(&git, 0, i));
        total += default_estimate(&git, 0, i);
    }
    assert!(total + default_estimate(&git, 0, items.len()) > 120);
    assert_eq!(doc["pace"]["words_per_minute"], 230.0);
    assert!(!db.exists(), "plan only reads");
}

#[test]
fn due_reviews_come_first_then_missed_questions_then_bites_at_the_learner_s_pace() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("progress.db");
    let git = pack("git-in-bites");
    let mut store = Store::open(&db).unwrap();
    // Reading takes 60 s a bite, answering 8 s, a card 4 s: the learner's pace, not the defaults.
    let end = play_two_lessons(&mut store, &git, T0);
    drop(store);
    let questions: Vec<String> = git.lessons[0].questions().map(|q| q.id.clone()).collect();
    let missed = &questions[0];
    let (card_lesson, card) = first_card(&git);
    // Two items due tomorrow, the card less stable (less likely recalled); one due only next week.
    schedule(
        &db,
        "git-in-bites",
        &questions[1],
        "question",
        5.0,
        end,
        end + DAY,
    );
    schedule(&db, "git-in-bites", &card, "card", 1.0, end, end + DAY);
    schedule(
        &db,
        "git-in-bites",
        &questions[2],
        "question",
        9.0,
        end,
        end + 7 * DAY,
    );
    // An item whose id the pack no longer has leaves the queue.
    schedule(
        &db,
        "git-in-bites",
        "gone-from-the-pack",
        "question",
        1.0,
        end,
        end,
    );

    let now = end + 2 * DAY;
    let doc = plan_json(&db, now, &["--minutes", "2"]);
    total_fits(&doc);
    let pace = &doc["pace"];
    assert_eq!(pace["seconds_per_question"], 8.0);
    assert_eq!(pace["seconds_per_card"], 4.0);
    let answered = git.lessons[..2].iter().flat_map(|l| l.questions()).count();
    assert_eq!(
        pace["samples"]["questions"].as_u64().unwrap(),
        answered as u64
    );
    let wpm = pace["words_per_minute"].as_f64().unwrap();
    assert!((wpm - reading_speed(&git)).abs() < 0.06, "{wpm}");

    let got = steps(&doc);
    let reviews: Vec<&(String, String, String)> =
        got.iter().filter(|s| s.0 == "review due").collect();
    // Exactly the two due, the least retrievable first, each in its lesson as the pack has it now.
    assert_eq!(
        reviews,
        [
            &("review due".to_string(), card_lesson, card.clone()),
            &(
                "review due".to_string(),
                git.lessons[0].id.clone(),
                questions[1].clone()
            ),
        ]
    );
    assert_eq!(got[0].2, card);
    assert_eq!(doc["items"][0]["item_kind"], "card");
    assert_eq!(doc["items"][0]["estimate_seconds"], 4);
    assert_eq!(doc["items"][1]["estimate_seconds"], 8);
    // Then the question missed in the lesson, then bites from where play resumes (lesson 3, bite 1).
    assert_eq!(
        got[2],
        (
            "review missed".to_string(),
            git.lessons[0].id.clone(),
            missed.clone()
        )
    );
    let bites: Vec<&(String, String, String)> = got.iter().skip(3).collect();
    assert!(!bites.is_empty());
    assert!(
        bites
            .iter()
            .all(|b| b.0 == "bite" && b.1 == git.lessons[2].id)
    );
    assert_eq!(bites[0].2, "1");

    // A day earlier nothing is due yet: the plan starts with the missed question.
    let before = plan_json(&db, end + DAY / 2, &["--minutes", "2"]);
    assert_eq!(steps(&before)[0].0, "review missed");
    assert!(steps(&before).iter().all(|s| s.0 != "review due"));
}

#[test]
fn the_text_plan_lists_one_line_per_item_and_a_total() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("progress.db");
    let git = pack("git-in-bites");
    let mut store = Store::open(&db).unwrap();
    let end = play_two_lessons(&mut store, &git, T0);
    drop(store);
    let (card_lesson, card) = first_card(&git);
    schedule(&db, "git-in-bites", &card, "card", 1.0, end, end + DAY);
    let before = std::fs::metadata(&db).unwrap();
    let text = plan_output(&db, end + 2 * DAY, &["--minutes", "5", "git-in-bites"]);
    let lines: Vec<&str> = text.lines().collect();
    assert!(lines[0].starts_with("review card"), "{text}");
    assert!(
        lines[0].ends_with(&format!("git-in-bites {card_lesson} {card}")),
        "{text}"
    );
    assert!(lines[1].starts_with("missed question"), "{text}");
    let total = lines.iter().position(|l| l.starts_with("total")).unwrap();
    assert!(
        lines[2..total].iter().all(|l| l.starts_with("bite ")),
        "{text}"
    );
    assert!(
        lines[total].contains("of 5 min: 1 review, 1 missed question,"),
        "{text}"
    );
    assert!(lines[total + 1].starts_with("pace: "), "{text}");
    // Read-only: the database is as it was, with nothing made beside it.
    let after = std::fs::metadata(&db).unwrap();
    assert_eq!(
        (before.len(), before.modified().unwrap()),
        (after.len(), after.modified().unwrap())
    );
    assert!(!dir.path().join("progress.db-wal").exists());
}

#[test]
fn without_a_course_it_reviews_every_course_and_reads_the_one_played_last() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("progress.db");
    let git = pack("git-in-bites");
    let regex = pack("regex-in-bites");
    let mut store = Store::open(&db).unwrap();
    let end = play_two_lessons(&mut store, &git, T0);
    // regex-in-bites opened later: it is the course played last.
    store.record(&[opened(&regex, end + 1000)]).unwrap();
    drop(store);
    let (_, git_card) = first_card(&git);
    let (_, regex_card) = first_card(&regex);
    schedule(&db, "git-in-bites", &git_card, "card", 1.0, end, end + DAY);
    schedule(
        &db,
        "regex-in-bites",
        &regex_card,
        "card",
        3.0,
        end,
        end + DAY,
    );
    let now = end + 2 * DAY;

    let doc = plan_json(&db, now, &["--minutes", "4"]);
    total_fits(&doc);
    assert_eq!(doc["course"], "regex-in-bites");
    let items = doc["items"].as_array().unwrap();
    let courses: Vec<(&str, &str)> = items
        .iter()
        .map(|i| (i["kind"].as_str().unwrap(), i["course"].as_str().unwrap()))
        .collect();
    assert_eq!(
        courses[..2],
        [("review", "git-in-bites"), ("review", "regex-in-bites")]
    );
    // No missed question of regex-in-bites (none answered there); its bites from the start.
    assert!(
        courses[2..]
            .iter()
            .all(|c| *c == ("bite", "regex-in-bites"))
    );
    assert_eq!(items[2]["lesson"], regex.lessons[0].id.as_str());
    assert_eq!(items[2]["bite"], 1);

    // Naming a course reviews only that course.
    let only = plan_json(&db, now, &["--minutes", "4", "git-in-bites"]);
    let reviewed: Vec<&str> = only["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| i["reason"] == "due")
        .map(|i| i["item"].as_str().unwrap())
        .collect();
    assert_eq!(reviewed, [git_card.as_str()]);
}

#[test]
fn flipping_pages_is_not_reading_and_the_speed_stays_human() {
    let git = pack("git-in-bites");
    let pace_line = |read_ms: i64| {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("progress.db");
        let mut store = Store::open(&db).unwrap();
        let end = play_two_lessons_reading(&mut store, &git, T0, read_ms);
        drop(store);
        let text = plan_output(&db, end + DAY, &["--minutes", "10", "git-in-bites"]);
        text.lines()
            .find(|l| l.starts_with("pace: "))
            .unwrap()
            .to_string()
    };
    // A second a bite: paging through, not reading; the default speed stands.
    let flipped = pace_line(1_000);
    assert!(
        flipped.starts_with("pace: 230 words a minute (default)"),
        "{flipped}"
    );
    // Six seconds a bite of 50 words or more is beyond a human reader: held to the fastest there is.
    let fast = pace_line(6_000);
    assert!(fast.starts_with("pace: 500 words a minute"), "{fast}");
}

#[test]
fn check_and_the_planner_read_at_one_speed_and_say_one_figure() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("long");
    std::fs::create_dir_all(root.join("lessons")).unwrap();
    std::fs::write(
        root.join("course.toml"),
        "id = \"long\"\ntitle = \"Long\"\n",
    )
    .unwrap();
    // 20 bites of 180 words and a question each: at 230 words a minute and 20 s a question, 67 s a bite, 22 min 20 s.
    let bite = |i: usize| {
        format!(
            "{}\n\n```quiz\nid = \"q{i}\"\nkind = \"truefalse\"\nprompt = \"T?\"\nanswer = true\nexplain = \"E.\"\n```\n",
            vec!["word"; 180].join(" ")
        )
    };
    let body: Vec<String> = (0..20).map(bite).collect();
    std::fs::write(
        root.join("lessons/l.md"),
        format!(
            "+++\nid = \"l\"\ntitle = \"L\"\n+++\n{}",
            body.join("\n---\n\n")
        ),
    )
    .unwrap();
    let output = morsel().arg("check").arg(&root).output().unwrap();
    let text = String::from_utf8_lossy(&output.stdout).into_owned()
        + &String::from_utf8_lossy(&output.stderr);
    assert!(
        text.contains("this lesson takes about 23 minutes (its words at 230 a minute"),
        "{text}"
    );
    assert!(
        text.contains("20 questions, 0 cards, about 23 min"),
        "{text}"
    );
}
