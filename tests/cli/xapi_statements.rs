//! Statements that tell the whole story (issue 18): ids that are facts, the same on every database; graded reviews
//! with what a scheduler needs; sittings; activity definitions in the pack's language with choice ids.

use std::path::PathBuf;

use morsel::learn::journal::{AnswerRecord, Journal, Rating, Record, ReviewRecord};
use morsel::learn::schedule::{ItemKind, ReviewKind};
use morsel::store::Store;
use serde_json::Value;

const T0: i64 = 1_795_000_000_000;
const MIN: i64 = 60_000;

const LESSON: &str = r#"# Basics

Read this.

```quiz
id = "q-choice"
kind = "choice"
prompt = "Quel pointeur ?"
choices = [{ text = "branch", correct = true }, { text = "clone" }, { text = "tag", correct = true }]
```

```quiz
id = "q-order"
kind = "order"
prompt = "Dans l'ordre."
items = ["add", "commit"]
```

```quiz
id = "q-pattern"
kind = "text"
prompt = "Match `color` and `colour`."
answers = ['colou?r']
flavour = "grep -E"
matches = ["color", "colour"]
rejects = ["colouur"]
```

```card
id = "c-head"
front = "HEAD"
back = "The current commit."
```
"#;

/// A learner's folder: a pack (in French), a config, and a database.
struct Learner {
    dir: tempfile::TempDir,
}

impl Learner {
    fn new() -> Self {
        Self::with_mbox("ada@example.org")
    }

    fn with_mbox(mbox: &str) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let pack = dir.path().join("pack");
        std::fs::create_dir_all(&pack).unwrap();
        std::fs::write(
            pack.join("course.toml"),
            "id = \"xs\"\ntitle = \"Statements\"\nlanguage = \"fr\"\n",
        )
        .unwrap();
        std::fs::write(pack.join("basics.md"), LESSON).unwrap();
        std::fs::write(
            dir.path().join("config.toml"),
            format!("name = \"Ada\"\nmbox = \"{mbox}\"\n"),
        )
        .unwrap();
        Self { dir }
    }

    fn db(&self) -> PathBuf {
        self.dir.path().join("p.db")
    }

    fn record(&self, records: &[Record]) {
        Store::open(&self.db()).unwrap().record(records).unwrap();
    }

    fn opened(&self, course: &str, at: i64) -> Record {
        Record::CourseOpened {
            course_id: course.into(),
            title: if course == "xs" { "Statements" } else { course }.into(),
            pack_path: self.dir.path().join("pack").display().to_string(),
            version: None,
            at,
        }
    }

    /// `morsel` on this learner's database and config.
    fn morsel(&self) -> assert_cmd::Command {
        let mut cmd = crate::morsel();
        cmd.args(["--db", self.db().to_str().unwrap()]).args([
            "--config",
            self.dir.path().join("config.toml").to_str().unwrap(),
        ]);
        cmd
    }

    /// `export xapi xs` at `now`.
    fn export(&self, now: i64) -> Vec<Value> {
        self.export_of(now, &["xs"])
    }

    /// `export xapi` of `courses` (all of them: none) at `now`.
    fn export_of(&self, now: i64, courses: &[&str]) -> Vec<Value> {
        let output = crate::morsel()
            .args(["--db", self.db().to_str().unwrap()])
            .args([
                "--config",
                self.dir.path().join("config.toml").to_str().unwrap(),
            ])
            .env("MORSEL_NOW_MS", now.to_string())
            .args(["export", "xapi"])
            .args(courses)
            .output()
            .unwrap();
        assert!(output.status.success(), "{output:?}");
        serde_json::from_slice(&output.stdout).unwrap()
    }
}

fn answer(course: &str, question: &str, kind: &'static str, response: &str, at: i64) -> Record {
    Record::Answer(AnswerRecord {
        course_id: course.into(),
        lesson_id: "basics".into(),
        question_id: question.into(),
        kind,
        response: response.into(),
        correct: true,
        skipped: false,
        round: 1,
        attempt: 1,
        hint_used: false,
        shown_at: at - 2_000,
        answered_at: at,
    })
}

fn reviewed(
    item: &str,
    kind: ItemKind,
    rating: Rating,
    review_kind: ReviewKind,
    at: i64,
) -> Record {
    Record::Reviewed(ReviewRecord {
        course_id: "xs".into(),
        lesson_id: "basics".into(),
        item_id: item.into(),
        kind,
        rating,
        response: if kind == ItemKind::Question {
            r#"["tag","branch"]"#.into()
        } else {
            String::new()
        },
        review_kind,
        at,
        utc_offset_min: 60,
        duration_ms: 3_500,
        content_hash: "abc123".into(),
        state_before: 2,
        state: None,
    })
}

fn span(start: i64, end: i64) -> Record {
    Record::Active {
        course_id: "xs".into(),
        lesson_id: "basics".into(),
        started_at: start,
        ended_at: end,
    }
}

/// The same plays of course `xs`, as any machine records them.
fn plays(learner: &Learner) -> Vec<Record> {
    vec![
        learner.opened("xs", T0),
        Record::Position {
            course_id: "xs".into(),
            lesson_id: "basics".into(),
            bite: 1,
            scroll: 0,
            at: T0 + 1_000,
        },
        answer(
            "xs",
            "q-choice",
            "choice",
            r#"["branch","tag"]"#,
            T0 + 10_000,
        ),
        answer("xs", "q-order", "order", r#"["add","commit"]"#, T0 + 20_000),
        span(T0, T0 + 30_000),
    ]
}

fn ids(statements: &[Value]) -> Vec<String> {
    let mut ids: Vec<String> = statements
        .iter()
        .map(|s| s["id"].as_str().unwrap().to_string())
        .collect();
    ids.sort();
    ids
}

fn by_verb<'a>(statements: &'a [Value], verb: &str) -> Vec<&'a Value> {
    statements
        .iter()
        .filter(|s| s["verb"]["display"]["en-US"] == verb)
        .collect()
}

#[test]
fn the_same_plays_on_two_databases_give_the_same_ids() {
    let (a, b) = (Learner::new(), Learner::new());
    a.record(&plays(&a));
    // The second database played another course first: its row ids are not the first one's.
    b.record(&[
        b.opened("other", T0 - 5_000),
        answer("other", "q-x", "text", "x", T0 - 4_000),
        answer("other", "q-y", "text", "y", T0 - 3_000),
    ]);
    b.record(&plays(&b));
    let now = T0 + 60 * MIN;
    let (from_a, from_b) = (a.export(now), b.export(now));
    assert_eq!(by_verb(&from_a, "answered").len(), 2);
    assert_eq!(ids(&from_a), ids(&from_b));
    // And a restored backup of the first gives them again.
    std::fs::copy(a.db(), b.db()).unwrap();
    assert_eq!(ids(&b.export(now)), ids(&from_a));
}

#[test]
fn different_answers_at_the_same_moment_on_two_databases_never_share_an_id() {
    let (a, b) = (Learner::new(), Learner::new());
    a.record(&[
        a.opened("xs", T0),
        answer("xs", "q-choice", "choice", r#"["branch"]"#, T0 + 5_000),
    ]);
    b.record(&[
        b.opened("xs", T0),
        answer("xs", "q-choice", "choice", r#"["clone"]"#, T0 + 5_000),
    ]);
    let (from_a, from_b) = (a.export(T0 + MIN), b.export(T0 + MIN));
    let (x, y) = (by_verb(&from_a, "answered"), by_verb(&from_b, "answered"));
    assert_eq!((x.len(), y.len()), (1, 1));
    assert_eq!(x[0]["timestamp"], y[0]["timestamp"]);
    assert_ne!(x[0]["id"], y[0]["id"]);
}

#[test]
fn every_graded_review_says_what_a_scheduler_needs_to_replay_it() {
    let learner = Learner::new();
    let day = 86_400_000;
    learner.record(&[learner.opened("xs", T0)]);
    learner.record(&[
        reviewed(
            "q-choice",
            ItemKind::Question,
            Rating::Good,
            ReviewKind::Scheduled,
            T0 + day,
        ),
        reviewed(
            "c-head",
            ItemKind::Card,
            Rating::Hard,
            ReviewKind::Early,
            T0 + day + 10_000,
        ),
        reviewed(
            "c-head",
            ItemKind::Card,
            Rating::Again,
            ReviewKind::Practice,
            T0 + day + 20_000,
        ),
    ]);
    let statements = learner.export(T0 + 2 * day);
    let ext = |s: &Value, name: &str| {
        s["result"]["extensions"][format!("urn:morsel:xapi:extension:{name}")].clone()
    };
    let answered = by_verb(&statements, "answered");
    assert_eq!(answered.len(), 1);
    let q = answered[0];
    assert_eq!(q["object"]["id"], "urn:morsel:xs/question/q-choice");
    assert_eq!(ext(q, "item-kind"), "question");
    assert_eq!(ext(q, "rating"), 3);
    assert_eq!(ext(q, "review-kind"), "scheduled");
    assert_eq!(ext(q, "content-hash"), "abc123");
    assert_eq!(ext(q, "state-before"), 2);
    assert_eq!(ext(q, "utc-offset-minutes"), 60);
    assert_eq!(q["result"]["duration"], "PT3.50S");
    assert_eq!(q["result"]["response"], "choice-3[,]choice-1");
    // The card's graded review is `reviewed`; its practice attempt moved no schedule and is no statement.
    let cards = by_verb(&statements, "reviewed");
    assert_eq!(cards.len(), 1, "{cards:?}");
    let c = cards[0];
    assert_eq!(c["verb"]["id"], "urn:morsel:xapi:verb:reviewed");
    assert_eq!(c["object"]["id"], "urn:morsel:xs/card/c-head");
    assert_eq!(c["object"]["definition"]["name"]["fr"], "HEAD");
    assert_eq!(ext(c, "item-kind"), "card");
    assert_eq!(ext(c, "rating"), 2);
    assert_eq!(ext(c, "review-kind"), "early");
    assert_eq!(c["result"]["success"], true);
}

#[test]
fn questions_are_defined_in_the_packs_language_with_choice_ids_and_the_right_pattern() {
    let learner = Learner::new();
    learner.record(&plays(&learner));
    learner.record(&[answer("xs", "q-pattern", "text", "colou?r", T0 + 25_000)]);
    let statements = learner.export(T0 + MIN);
    let object = |q: &str| {
        statements
            .iter()
            .find(|s| s["object"]["id"] == format!("urn:morsel:xs/question/{q}"))
            .unwrap_or_else(|| panic!("no statement about {q}"))
            .clone()
    };
    let choice = object("q-choice");
    let definition = &choice["object"]["definition"];
    assert_eq!(definition["name"]["fr"], "Quel pointeur ?");
    assert_eq!(definition["description"]["fr"], "Quel pointeur ?");
    assert!(definition["name"].get("und").is_none());
    assert_eq!(definition["choices"][1]["id"], "choice-2");
    assert_eq!(definition["choices"][1]["description"]["fr"], "clone");
    assert_eq!(
        definition["correctResponsesPattern"],
        serde_json::json!(["choice-1[,]choice-3"])
    );
    assert_eq!(choice["result"]["response"], "choice-1[,]choice-3");
    assert_eq!(choice["context"]["language"], "fr");
    let order = object("q-order");
    assert_eq!(
        order["object"]["definition"]["interactionType"],
        "sequencing"
    );
    assert_eq!(order["object"]["definition"]["choices"][0]["id"], "item-1");
    assert_eq!(
        order["object"]["definition"]["correctResponsesPattern"],
        serde_json::json!(["item-1[,]item-2"])
    );
    assert_eq!(order["result"]["response"], "item-1[,]item-2");
    // Graded by behaviour: the pattern is the author's answers.
    let pattern = object("q-pattern");
    assert_eq!(
        pattern["object"]["definition"]["correctResponsesPattern"],
        serde_json::json!(["{case_matters=false}colou?r"])
    );
    // The course's own name is in its language too.
    assert_eq!(
        choice["context"]["contextActivities"]["grouping"][0]["definition"]["name"]["fr"],
        "Statements"
    );
}

#[test]
fn a_sitting_is_initialized_and_terminated_and_its_statements_share_a_registration() {
    let learner = Learner::new();
    let mut records = plays(&learner);
    // A pause of five minutes inside the sitting, then more work; an hour later a review sitting.
    records.push(span(T0 + 5 * MIN, T0 + 10 * MIN));
    learner.record(&records);
    learner.record(&[
        reviewed(
            "q-choice",
            ItemKind::Question,
            Rating::Good,
            ReviewKind::Scheduled,
            T0 + 120 * MIN,
        ),
        span(T0 + 120 * MIN - 3_500, T0 + 120 * MIN),
    ]);
    // Just after: both sittings begun, only the first ended.
    let soon = learner.export(T0 + 121 * MIN);
    assert_eq!(by_verb(&soon, "initialized").len(), 2);
    assert_eq!(by_verb(&soon, "terminated").len(), 1);
    let later = learner.export(T0 + 300 * MIN);
    for s in &soon {
        assert!(later.contains(s), "a statement changed or vanished: {s}");
    }
    let ended = by_verb(&later, "terminated");
    assert_eq!(ended.len(), 2);
    let ext = |s: &Value, name: &str| {
        s["result"]["extensions"][format!("urn:morsel:xapi:extension:{name}")].clone()
    };
    assert_eq!(ext(ended[0], "sitting-kind"), "play");
    assert_eq!(ext(ended[0], "active-minutes"), 5.5);
    assert_eq!(ended[0]["result"]["duration"], "PT330.00S");
    assert_eq!(ext(ended[1], "sitting-kind"), "review");
    assert_eq!(by_verb(&later, "suspended").len(), 1);
    assert_eq!(by_verb(&later, "resumed").len(), 1);
    let registration = |s: &Value| s["context"]["registration"].as_str().unwrap().to_string();
    let first = registration(by_verb(&later, "initialized")[0]);
    for s in by_verb(&later, "answered").iter().take(2) {
        assert_eq!(registration(s), first);
    }
    assert_eq!(registration(ended[0]), first);
    assert_ne!(registration(ended[1]), first);
    assert_eq!(
        registration(by_verb(&later, "answered")[2]),
        registration(ended[1])
    );
}

#[test]
fn a_key_result_is_progressed_when_its_value_changes_and_satisfied_when_met() {
    let learner = Learner::new();
    std::fs::write(
        learner.dir.path().join("pack/course.toml"),
        "id = \"xs\"\ntitle = \"Statements\"\nlanguage = \"fr\"\n\n\
         [[objectives]]\nid = \"all\"\ntext = \"Tout\"\nlessons = [\"basics\"]\n\n\
         [[key_results]]\nid = \"time\"\nobjective = \"all\"\ntext = \"Cinq minutes\"\nmeasure = \"practice_minutes\"\ntarget = 5\n\n\
         [[key_results]]\nid = \"mastered\"\nobjective = \"all\"\ntext = \"Maîtrisé\"\nmeasure = \"mastery\"\ntarget = 1\n",
    )
    .unwrap();
    learner.record(&[
        learner.opened("xs", T0),
        span(T0, T0 + 3 * MIN),
        span(T0 + 60 * MIN, T0 + 63 * MIN),
    ]);
    let statements = learner.export(T0 + 200 * MIN);
    let said: Vec<(String, String, Value, String)> = statements
        .iter()
        .filter(|s| s["object"]["id"].as_str().unwrap().contains("/key-result/"))
        .map(|s| {
            (
                s["verb"]["display"]["en-US"].as_str().unwrap().to_string(),
                s["object"]["id"].as_str().unwrap().to_string(),
                s["result"]["score"]["raw"].clone(),
                s["timestamp"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let (time, mastered) = (
        "urn:morsel:xs/key-result/time",
        "urn:morsel:xs/key-result/mastered",
    );
    let first = by_verb(&statements, "terminated")[0]["timestamp"]
        .as_str()
        .unwrap()
        .to_string();
    let second = by_verb(&statements, "terminated")[1]["timestamp"]
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(
        said,
        [
            (
                "progressed".into(),
                time.into(),
                serde_json::json!(3.0),
                first.clone()
            ),
            (
                "progressed".into(),
                mastered.into(),
                serde_json::json!(0.0),
                first
            ),
            (
                "progressed".into(),
                time.into(),
                serde_json::json!(6.0),
                second.clone()
            ),
            (
                "satisfied".into(),
                time.into(),
                serde_json::json!(6.0),
                second
            ),
        ]
    );
    let satisfied = by_verb(&statements, "satisfied")[0];
    assert_eq!(
        satisfied["verb"]["id"],
        "https://w3id.org/xapi/adl/verbs/satisfied"
    );
    assert_eq!(
        satisfied["object"]["definition"]["name"]["fr"],
        "Cinq minutes"
    );
    assert_eq!(
        satisfied["context"]["contextActivities"]["parent"][0]["id"],
        "urn:morsel:xs/objective/all"
    );
}

/// Issue 18's "pauses that did not happen": a `play` and a `review` of one course at once. The review's item falls
/// in what looks like a pause of the play's span, until the play's next key extends its span over it. Every
/// statement of the first export is in the second, byte for byte.
#[test]
fn playing_and_reviewing_at_once_makes_no_pause_that_later_vanishes() {
    let learner = Learner::new();
    learner.record(&[learner.opened("xs", T0), span(T0, T0 + 3 * MIN)]);
    learner.record(&[
        reviewed(
            "q-choice",
            ItemKind::Question,
            Rating::Good,
            ReviewKind::Scheduled,
            T0 + 4 * MIN,
        ),
        span(T0 + 3 * MIN + 15_000, T0 + 4 * MIN),
    ]);
    let first = learner.export(T0 + 4 * MIN);
    // The play's next key, at 6 minutes: its span (same start) now ends there.
    learner.record(&[span(T0, T0 + 6 * MIN)]);
    let then = learner.export(T0 + 6 * MIN);
    let later = learner.export(T0 + 100 * MIN);
    for s in &first {
        assert!(
            then.contains(s) && later.contains(s),
            "a statement vanished: {s}"
        );
    }
    for s in &then {
        assert!(later.contains(s), "a statement vanished: {s}");
    }
    assert!(by_verb(&later, "suspended").is_empty());
    assert_eq!(by_verb(&later, "terminated").len(), 1);
}

/// Issue 18's "one learner on two databases can never sync again", against the real Ralph (skipped without
/// `MORSEL_RALPH_URL`): two machines of one learner, each with its own answers at the same moments and its own row
/// ids, both sync; neither is refused, and the LRS holds every statement of both, each once.
#[test]
fn one_learner_on_two_databases_syncs_both_to_ralph() {
    let Ok(url) = std::env::var("MORSEL_RALPH_URL") else {
        eprintln!("skipped: MORSEL_RALPH_URL is unset (scripts/ralph.sh start prints it)");
        return;
    };
    let _ralph = crate::ralph_lock();
    let user = std::env::var("MORSEL_RALPH_USER").unwrap_or_default();
    let password = std::env::var("MORSEL_RALPH_PASSWORD").unwrap_or_default();
    let stamp = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos();
    let mbox = format!("two-machines-{stamp}@example.org");
    let (a, b) = (Learner::with_mbox(&mbox), Learner::with_mbox(&mbox));
    a.record(&plays(&a));
    b.record(&[
        b.opened("other", T0 - 5_000),
        answer("other", "q-x", "text", "x", T0 - 4_000),
    ]);
    let mut on_b = plays(&b);
    on_b[2] = answer("xs", "q-choice", "choice", r#"["clone"]"#, T0 + 10_000);
    b.record(&on_b);
    let mut all: Vec<String> = ids(&a.export_of(T0 + 60 * MIN, &[]));
    all.extend(ids(&b.export_of(T0 + 60 * MIN, &[])));
    all.sort();
    all.dedup();
    for learner in [&a, &b] {
        // Another test stops and restarts the shared Ralph for a moment: an unreachable LRS is tried again, for
        // up to a minute; a refusal is not.
        let mut tries = 0;
        let output = loop {
            let output = learner
                .morsel()
                .env("MORSEL_NOW_MS", (T0 + 60 * MIN).to_string())
                .env("MORSEL_LRS_USER", &user)
                .env("MORSEL_LRS_PASSWORD", &password)
                .args(["sync", "--lrs", &url])
                .output()
                .unwrap();
            let unreachable = String::from_utf8_lossy(&output.stderr).contains("cannot reach");
            tries += 1;
            if output.status.success() || !unreachable || tries == 120 {
                break output;
            }
            std::thread::sleep(std::time::Duration::from_millis(500));
        };
        assert!(output.status.success(), "{output:?}");
    }
    let auth = format!("{user}:{password}");
    let agent = serde_json::json!({ "mbox": format!("mailto:{mbox}") }).to_string();
    let query: String = agent
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect();
    let mut response = ureq::get(&format!("{url}/statements?limit=500&agent={query}"))
        .header("X-Experience-API-Version", "1.0.3")
        .header(
            "Authorization",
            &format!("Basic {}", base64(auth.as_bytes())),
        )
        .call()
        .unwrap();
    let page: Value = serde_json::from_str(&response.body_mut().read_to_string().unwrap()).unwrap();
    let mut stored = ids(page["statements"].as_array().unwrap());
    stored.dedup();
    assert_eq!(stored, all);
}

fn base64(bytes: &[u8]) -> String {
    const TABLE: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            out.push(if i <= chunk.len() {
                TABLE[(n >> (18 - 6 * i) & 63) as usize] as char
            } else {
                '='
            });
        }
    }
    out
}
