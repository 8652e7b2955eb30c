//! `morsel export xapi` and `morsel sync`: statements checked against xAPI 1.0.3's required fields, and a round trip
//! through a real LRS (Ralph, started by `scripts/ralph.sh`; skipped with a message when `MORSEL_RALPH_URL` is unset).

use std::path::{Path, PathBuf};

use morsel::learn::journal::{AnswerRecord, Journal, Rating, Record, ReviewRecord};
use morsel::learn::schedule::{ItemKind, ReviewKind};
use morsel::store::Store;
use serde_json::Value;

pub const T0: i64 = 1_795_000_000_000;

/// A pack of one lesson: two bites, a question of each kind.
const LESSON: &str = r#"# Basics

Read this.

---

```quiz
id = "q-choice"
kind = "choice"
prompt = "Pick the pointer."
choices = [{ text = "branch", correct = true }, { text = "clone" }]
```

```quiz
id = "q-tf"
kind = "truefalse"
prompt = "Commits are snapshots."
answer = true
```

```quiz
id = "q-text"
kind = "text"
prompt = "The command that records?"
answers = ["commit"]
```

```quiz
id = "q-order"
kind = "order"
prompt = "In order."
items = ["add", "commit"]
```
"#;

pub struct Learner {
    pub dir: tempfile::TempDir,
    pub db: PathBuf,
    pub config: PathBuf,
}

impl Learner {
    /// A pack, a config naming the learner `mbox`, and a database with a lesson played: both bites seen, the choice
    /// missed then right on retry, the others right first time; then a review sitting's answer.
    pub fn new(mbox: &str) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let pack = dir.path().join("pack");
        std::fs::create_dir_all(&pack).unwrap();
        std::fs::write(
            pack.join("course.toml"),
            "id = \"xgit\"\ntitle = \"X Git\"\npass_mark = 0.8\n",
        )
        .unwrap();
        std::fs::write(pack.join("basics.md"), LESSON).unwrap();
        let config = dir.path().join("config.toml");
        std::fs::write(&config, format!("name = \"Ada\"\nmbox = \"{mbox}\"\n")).unwrap();
        let db = dir.path().join("p.db");
        let mut store = Store::open(&db).unwrap();
        let mut records = vec![
            Record::CourseOpened {
                course_id: "xgit".into(),
                title: "X Git".into(),
                pack_path: pack.display().to_string(),
                version: None,
                at: T0,
            },
            position(1, T0 + 1_000),
            position(2, T0 + 20_000),
        ];
        let answers = [
            ("q-choice", "choice", r#"["clone"]"#, false, 1, 1),
            ("q-choice", "choice", r#"["branch"]"#, true, 2, 1),
            ("q-tf", "truefalse", "true", true, 1, 1),
            ("q-text", "text", "commit", true, 1, 1),
            ("q-order", "order", r#"["add","commit"]"#, true, 1, 1),
        ];
        for (i, (question, kind, response, correct, round, attempt)) in answers.iter().enumerate() {
            let at = T0 + 30_000 + i as i64 * 10_000;
            records.push(Record::Answer(AnswerRecord {
                course_id: "xgit".into(),
                lesson_id: "basics".into(),
                question_id: (*question).into(),
                kind,
                response: (*response).into(),
                correct: *correct,
                skipped: false,
                round: *round,
                attempt: *attempt,
                hint_used: false,
                shown_at: at - 4_250,
                answered_at: at,
            }));
        }
        store.record(&records).unwrap();
        store
            .record(&[review("q-choice", T0 + 86_400_000)])
            .unwrap();
        Self { dir, db, config }
    }

    /// morsel with this learner's database and config, no credentials from the environment, and a sync that
    /// backs off for 50 ms (not 1 s; so it gives up after 3 s, not a minute) and waits 1 s (not 20 s) for an answer.
    pub fn morsel(&self) -> assert_cmd::Command {
        let mut cmd = crate::morsel();
        cmd.args(["--db", self.db.to_str().unwrap()])
            .args(["--config", self.config.to_str().unwrap()])
            .env_remove("MORSEL_LRS_USER")
            .env_remove("MORSEL_LRS_PASSWORD")
            .env("MORSEL_SYNC_BACKOFF_MS", "50")
            .env("MORSEL_SYNC_TIMEOUT_MS", "1000")
            .current_dir(self.dir.path());
        cmd
    }

    pub fn export(&self) -> Vec<Value> {
        let output = self.morsel().args(["export", "xapi"]).output().unwrap();
        assert!(output.status.success(), "{output:?}");
        serde_json::from_slice::<Vec<Value>>(&output.stdout).unwrap()
    }

    pub fn sync(&self, url: &str, user: &str, password: &str) -> std::process::Output {
        self.morsel()
            .args(["sync", "--lrs", url, "--batch", "3"])
            .env("MORSEL_LRS_USER", user)
            .env("MORSEL_LRS_PASSWORD", password)
            .output()
            .unwrap()
    }

    pub fn sent_count(&self) -> i64 {
        rusqlite::Connection::open(&self.db)
            .unwrap()
            .query_row("SELECT count(*) FROM xapi_sent", [], |r| r.get(0))
            .unwrap()
    }

    /// One more answer, as a later review sitting gives it.
    pub fn review_again(&self, at: i64) {
        let mut store = Store::open(&self.db).unwrap();
        store.record(&[review("q-text", at)]).unwrap();
    }
}

fn position(bite: usize, at: i64) -> Record {
    Record::Position {
        course_id: "xgit".into(),
        lesson_id: "basics".into(),
        bite,
        scroll: 0,
        at,
    }
}

fn review(question: &str, at: i64) -> Record {
    Record::Reviewed(ReviewRecord {
        course_id: "xgit".into(),
        lesson_id: "basics".into(),
        item_id: question.into(),
        kind: ItemKind::Question,
        rating: Rating::Good,
        response: if question == "q-choice" {
            r#"["branch"]"#.into()
        } else {
            "commit".into()
        },
        review_kind: ReviewKind::Scheduled,
        at,
        utc_offset_min: 0,
        duration_ms: 3_000,
        content_hash: "0".into(),
        state_before: 2,
        state: None,
    })
}

/// xAPI 1.0.3's required fields and the forms of the ones morsel writes; panics naming the statement.
fn validate(s: &Value) {
    let id = s["id"].as_str().unwrap_or_else(|| panic!("no id: {s}"));
    let uuid = uuid::Uuid::parse_str(id).unwrap_or_else(|_| panic!("id not a UUID: {s}"));
    assert_eq!(uuid.to_string(), id, "id not in lower-case hyphenated form");
    let actor = &s["actor"];
    let ifis = ["mbox", "mbox_sha1sum", "openid", "account"]
        .iter()
        .filter(|k| actor.get(**k).is_some())
        .count();
    assert_eq!(ifis, 1, "the actor must have exactly one IFI: {s}");
    if let Some(mbox) = actor["mbox"].as_str() {
        assert!(mbox.starts_with("mailto:") && mbox.contains('@'), "{s}");
    }
    let verb = &s["verb"];
    assert!(is_iri(&verb["id"]), "verb id: {s}");
    let display = verb["display"]
        .as_object()
        .unwrap_or_else(|| panic!("verb display: {s}"));
    assert!(
        !display.is_empty() && display.values().all(|v| v.is_string()),
        "{s}"
    );
    assert!(is_iri(&s["object"]["id"]), "object id: {s}");
    let t = s["timestamp"]
        .as_str()
        .unwrap_or_else(|| panic!("timestamp: {s}"));
    let digits = |r: std::ops::Range<usize>| t[r].bytes().all(|b| b.is_ascii_digit());
    assert!(
        t.len() == 24
            && digits(0..4)
            && &t[4..5] == "-"
            && digits(5..7)
            && &t[7..8] == "-"
            && digits(8..10)
            && &t[10..11] == "T"
            && digits(11..13)
            && digits(14..16)
            && digits(17..19)
            && &t[19..20] == "."
            && digits(20..23)
            && t.ends_with('Z'),
        "timestamp not ISO 8601: {t}"
    );
    for parent in ["parent", "grouping"] {
        if let Some(list) = s["context"]["contextActivities"].get(parent) {
            assert!(
                list.as_array().unwrap().iter().all(|a| is_iri(&a["id"])),
                "{s}"
            );
        }
    }
    if let Some(result) = s.get("result") {
        if let Some(success) = result.get("success") {
            assert!(success.is_boolean(), "{s}");
        }
        if let Some(d) = result.get("duration") {
            let d = d.as_str().unwrap();
            let secs = d
                .strip_prefix("PT")
                .and_then(|d| d.strip_suffix('S'))
                .unwrap();
            assert!(secs.parse::<f64>().is_ok(), "duration not ISO 8601: {d}");
        }
        if let Some(score) = result.get("score") {
            let scaled = score["scaled"].as_f64().unwrap();
            assert!((-1.0..=1.0).contains(&scaled), "{s}");
            let (min, raw, max) = (
                score["min"].as_f64(),
                score["raw"].as_f64(),
                score["max"].as_f64(),
            );
            assert!(min <= raw && raw <= max, "{s}");
        }
    }
    if s["verb"]["id"] == "http://adlnet.gov/expapi/verbs/answered" {
        let definition = &s["object"]["definition"];
        assert_eq!(
            definition["type"],
            "http://adlnet.gov/expapi/activities/cmi.interaction"
        );
        assert!(
            ["choice", "true-false", "fill-in", "sequencing"]
                .contains(&definition["interactionType"].as_str().unwrap()),
            "{s}"
        );
        assert!(s["result"]["response"].is_string(), "{s}");
    }
}

fn is_iri(v: &Value) -> bool {
    v.as_str().is_some_and(|s| {
        s.split_once(':').is_some_and(|(scheme, rest)| {
            !rest.is_empty()
                && scheme.starts_with(|c: char| c.is_ascii_alphabetic())
                && scheme
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
        }) && !s.contains(char::is_whitespace)
    })
}

fn verbs(statements: &[Value]) -> Vec<String> {
    statements
        .iter()
        .map(|s| s["verb"]["display"]["en-US"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn export_xapi_states_what_was_recorded_in_valid_statements() {
    let learner = Learner::new("ada@example.org");
    let statements = learner.export();
    for s in &statements {
        validate(s);
    }
    let mut counted = verbs(&statements);
    counted.sort();
    // 2 bites, 5 answers in the lesson and 1 in a review, the lesson completed and failed (3 of 4 known: the
    // choice missed first), then passed (4 of 4, the choice right in a scheduled review).
    assert_eq!(
        counted,
        [
            "answered",
            "answered",
            "answered",
            "answered",
            "answered",
            "answered",
            "completed",
            "experienced",
            "experienced",
            "failed",
            "passed"
        ]
    );
    let first = statements
        .iter()
        .find(|s| s["verb"]["display"]["en-US"] == "answered")
        .unwrap();
    assert_eq!(first["object"]["id"], "urn:morsel:xgit/question/q-choice");
    // Responses are choice ids (issue 18): "clone" is the second choice.
    assert_eq!(first["result"]["response"], "choice-2");
    assert_eq!(first["result"]["success"], false);
    assert_eq!(first["result"]["duration"], "PT4.25S");
    assert_eq!(first["timestamp"], "2026-11-18T11:07:10.000Z");
    assert_eq!(first["actor"]["mbox"], "mailto:ada@example.org");
    assert_eq!(first["actor"]["name"], "Ada");
    assert_eq!(
        first["context"]["contextActivities"]["grouping"][0]["id"],
        "urn:morsel:xgit"
    );
    let order = statements
        .iter()
        .find(|s| s["object"]["id"] == "urn:morsel:xgit/question/q-order")
        .unwrap();
    assert_eq!(
        order["object"]["definition"]["interactionType"],
        "sequencing"
    );
    assert_eq!(order["result"]["response"], "item-1[,]item-2");
    let passed = statements
        .iter()
        .find(|s| s["verb"]["display"]["en-US"] == "passed")
        .unwrap();
    assert_eq!(passed["object"]["id"], "urn:morsel:xgit/lesson/basics");
    assert_eq!(passed["result"]["score"]["scaled"], 1.0);
    // The lesson was passed when the review made the last question known.
    assert_eq!(passed["timestamp"], "2026-11-19T11:06:40.000Z");
    // Ids are unique and the same on every export.
    let ids: std::collections::BTreeSet<_> =
        statements.iter().map(|s| s["id"].to_string()).collect();
    assert_eq!(ids.len(), statements.len());
    let again: Vec<_> = learner.export().iter().map(|s| s["id"].clone()).collect();
    assert_eq!(
        again,
        statements
            .iter()
            .map(|s| s["id"].clone())
            .collect::<Vec<_>>()
    );
}

#[test]
fn export_xapi_without_an_identity_says_what_to_set() {
    let learner = Learner::new("ada@example.org");
    std::fs::write(&learner.config, "name = \"Ada\"\n").unwrap();
    let output = learner.morsel().args(["export", "xapi"]).output().unwrap();
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("set `mbox = \"you@example.org\"` (or an `account`)"),
        "{stderr}"
    );
    assert!(stderr.contains("config.toml"), "{stderr}");
    assert!(output.stdout.is_empty());
}

#[test]
fn sync_to_an_unreachable_lrs_says_so_and_marks_nothing_sent() {
    let learner = Learner::new("ada@example.org");
    // A port that was just free: nothing listens there.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let url = format!("http://127.0.0.1:{port}/xAPI");
    let output = learner.sync(&url, "u", "p");
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains(&format!("cannot reach the LRS at {url}/statements")),
        "{stderr}"
    );
    assert!(
        stderr.contains("0 statements sent, 11 waiting for the next sync"),
        "{stderr}"
    );
    assert_eq!(learner.sent_count(), 0);
}

#[test]
fn sync_without_an_lrs_says_how_to_give_one() {
    let learner = Learner::new("ada@example.org");
    let output = learner.morsel().arg("sync").output().unwrap();
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("no LRS to sync with: give `--lrs URL`"),
        "{stderr}"
    );
}

/// Ralph, as `scripts/ralph.sh start` announced it; `None` (and a message) when it was not started.
fn ralph() -> Option<(String, String, String)> {
    let Ok(url) = std::env::var("MORSEL_RALPH_URL") else {
        eprintln!(
            "skipped: MORSEL_RALPH_URL is unset; run `scripts/ralph.sh start` and export the lines it prints (.ci/run \
             does) to test against a real LRS"
        );
        return None;
    };
    let user = std::env::var("MORSEL_RALPH_USER").unwrap_or_default();
    let password = std::env::var("MORSEL_RALPH_PASSWORD").unwrap_or_default();
    Some((url, user, password))
}

fn ralph_script(action: &str) {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("scripts/ralph.sh");
    let output = crate::bound::run_within(
        std::process::Command::new("bash")
            .arg(script)
            .arg(action)
            .stdin(std::process::Stdio::null()),
        &format!("ralph.sh {action}"),
    );
    assert!(output.status.success(), "ralph.sh {action}: {output:?}");
}

/// The statements about `mbox` that the LRS holds, following `more` links.
fn statements_in_lrs(url: &str, user: &str, password: &str, mbox: &str) -> Vec<Value> {
    let agent = serde_json::json!({ "mbox": format!("mailto:{mbox}") }).to_string();
    let auth = format!(
        "Basic {}",
        base64_of(format!("{user}:{password}").as_bytes())
    );
    let mut all = Vec::new();
    let mut next = format!("{url}/statements?limit=100&agent={}", percent(&agent));
    let origin = url.split("/xAPI").next().unwrap().to_string();
    for _ in 0..50 {
        let mut response = ureq::get(&next)
            .header("X-Experience-API-Version", "1.0.3")
            .header("Authorization", &auth)
            .call()
            .unwrap();
        let page: Value =
            serde_json::from_str(&response.body_mut().read_to_string().unwrap()).unwrap();
        all.extend(page["statements"].as_array().unwrap().iter().cloned());
        match page["more"].as_str() {
            Some(more) if !more.is_empty() => next = format!("{origin}{more}"),
            _ => return all,
        }
    }
    panic!("more than 50 pages of statements");
}

fn percent(text: &str) -> String {
    text.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

fn base64_of(bytes: &[u8]) -> String {
    const TABLE: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    bytes
        .chunks(3)
        .flat_map(|c| {
            let n = (u32::from(c[0]) << 16)
                | (u32::from(*c.get(1).unwrap_or(&0)) << 8)
                | u32::from(*c.get(2).unwrap_or(&0));
            (0..4).map(move |i| {
                if i <= c.len() {
                    TABLE[(n >> (18 - 6 * i) & 63) as usize] as char
                } else {
                    '='
                }
            })
        })
        .collect()
}

/// What the LRS keeps of a statement that morsel wrote: the LRS adds `stored`, `authority` and may add `version`.
fn comparable(s: &Value) -> Value {
    let mut s = s.clone();
    for key in ["stored", "authority", "version"] {
        s.as_object_mut().unwrap().remove(key);
    }
    s
}

/// One test, since it stops and starts the one LRS: the round trip, a retry after the LRS stopped, a 401, and a
/// rejected statement.
#[test]
fn sync_round_trip_through_ralph_with_a_retry_after_it_stopped() {
    let Some((url, user, password)) = ralph() else {
        return;
    };
    let _ralph = crate::ralph_lock();
    // A learner of its own for each run, so that runs against the same LRS do not meet.
    let stamp = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos();
    let mbox = format!("learner-{}-{stamp}@example.org", std::process::id());
    let learner = Learner::new(&mbox);

    // Wrong credentials: a 401, said as such, nothing marked.
    let output = learner.sync(&url, &user, "not-the-password");
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("refused the credentials (HTTP 401)"),
        "{stderr}"
    );
    assert_eq!(learner.sent_count(), 0);

    // Everything goes, in batches of 3, and the LRS holds exactly what was exported.
    let output = learner.sync(&url, &user, &password);
    assert!(output.status.success(), "{output:?}");
    let exported = learner.export();
    assert_eq!(
        String::from_utf8_lossy(&output.stdout),
        format!(
            "sent {} statements to {url} (0 sent before)\n",
            exported.len()
        )
    );
    let mut held: Vec<Value> = statements_in_lrs(&url, &user, &password, &mbox)
        .iter()
        .map(comparable)
        .collect();
    let mut expected: Vec<Value> = exported.iter().map(comparable).collect();
    let by_id = |a: &Value, b: &Value| a["id"].as_str().cmp(&b["id"].as_str());
    held.sort_by(by_id);
    expected.sort_by(by_id);
    assert_eq!(held, expected);

    // A new answer while the LRS is down: the sync fails, saying so, and marks nothing more.
    learner.review_again(T0 + 2 * 86_400_000);
    let before = learner.sent_count();
    ralph_script("stop");
    let output = learner.sync(&url, &user, &password);
    ralph_script("start");
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("cannot reach the LRS at"), "{stderr}");
    assert_eq!(learner.sent_count(), before);

    // Back up: only the new statement goes, and the LRS holds each statement once.
    let output = learner.sync(&url, &user, &password);
    assert!(output.status.success(), "{output:?}");
    assert_eq!(
        String::from_utf8_lossy(&output.stdout),
        format!("sent 1 statement to {url} ({before} sent before)\n")
    );
    let held = statements_in_lrs(&url, &user, &password, &mbox);
    let exported = learner.export();
    assert_eq!(held.len(), exported.len());
    let ids: std::collections::BTreeSet<_> = held.iter().map(|s| s["id"].to_string()).collect();
    assert_eq!(ids.len(), held.len(), "a statement stored twice");
    // Nothing left: a third sync sends nothing.
    let output = learner.sync(&url, &user, &password);
    assert_eq!(
        String::from_utf8_lossy(&output.stdout),
        format!(
            "nothing new to send to {url}: all {} statements were sent before\n",
            exported.len()
        )
    );

    // A sync killed after the LRS stored its batches but before it marked them: the next sync sends them again
    // under the same ids; Ralph drops what it holds (answering 204, or leaving the ids out), the sync finds them
    // there by `statementId`, marks them, and the LRS still holds each statement once.
    rusqlite::Connection::open(&learner.db)
        .unwrap()
        .execute("DELETE FROM xapi_sent", [])
        .unwrap();
    let output = learner.sync(&url, &user, &password);
    assert!(output.status.success(), "{output:?}");
    assert_eq!(learner.sent_count(), exported.len() as i64);
    let held = statements_in_lrs(&url, &user, &password, &mbox);
    assert_eq!(held.len(), exported.len());

    // A statement the LRS rejects (another one with its id is already there): set aside with the LRS's message,
    // said once, every other statement sent.
    let other = Learner::new(&format!("other-{mbox}"));
    let statements = other.export();
    let mut clash = statements[4].clone();
    clash["verb"]["display"]["en-US"] = "experienced twice".into();
    let auth = format!(
        "Basic {}",
        base64_of(format!("{user}:{password}").as_bytes())
    );
    ureq::post(&format!("{url}/statements"))
        .header("X-Experience-API-Version", "1.0.3")
        .header("Authorization", &auth)
        .header("Content-Type", "application/json")
        .send(serde_json::to_string(&[&clash]).unwrap())
        .unwrap();
    let output = other.sync(&url, &user, &password);
    assert!(output.status.success(), "{output:?}");
    let stderr = String::from_utf8_lossy(&output.stderr);
    let id = clash["id"].as_str().unwrap();
    assert!(
        stderr.contains(&format!("the LRS rejected statement {id} (HTTP 409)")),
        "{stderr}"
    );
    assert!(
        stderr.contains("already exist with the same ID"),
        "{stderr}"
    );
    assert_eq!(other.sent_count(), statements.len() as i64 - 1);
    let output = other.sync(&url, &user, &password);
    assert!(output.status.success(), "{output:?}");
    assert!(output.stderr.is_empty(), "said again: {output:?}");
    let output = other
        .morsel()
        .args(["sync", "--status", "--lrs", &url])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(stdout.contains("waiting: 0 statements"), "{stdout}");
    assert!(stdout.contains(&format!("  {id} (HTTP 409, ")), "{stdout}");
}

#[test]
fn iri_base_and_homepage_must_be_absolute_iris_and_name_the_activities() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("course.toml"),
        "id = \"c\"\ntitle = \"C\"\nhomepage = \"https://example.org/c\"\niri_base = \"no scheme here\"\n",
    )
    .unwrap();
    std::fs::write(dir.path().join("a.md"), "+++\nid = \"a\"\n+++\nText.\n").unwrap();
    let report = morsel::pack::load(dir.path());
    let errors: Vec<String> = report
        .errors()
        .map(|d| d.one_line(std::path::Path::new("")))
        .collect();
    assert_eq!(
        errors,
        [
            "course.toml:4:12: error: `iri_base` must be an absolute IRI such as `https://example.org/courses/git`, not `no scheme here`"
        ]
    );
    std::fs::write(
        dir.path().join("course.toml"),
        "id = \"c\"\ntitle = \"C\"\niri_base = \"https://example.org/c/\"\n",
    )
    .unwrap();
    let pack = morsel::pack::load(dir.path())
        .into_pack()
        .map_err(|r| r.diagnostics)
        .unwrap();
    assert_eq!(
        pack.course.iri_base.as_deref(),
        Some("https://example.org/c/")
    );
}

/// morsel at a fixed time (`MORSEL_NOW_MS`), with the database and config of `dir`.
fn xapi_learner_at(dir: &Path, now: i64, args: &[&str], stdin: &str) -> String {
    let output = crate::morsel()
        .env("MORSEL_DB", dir.join("progress.db"))
        .env("MORSEL_CONFIG", dir.join("config.toml"))
        .env("MORSEL_NOW_MS", now.to_string())
        .env("MORSEL_UTC_OFFSET", "0")
        .env_remove("MORSEL_COURSES")
        .args(args)
        .write_stdin(stdin)
        .output()
        .unwrap();
    assert!(output.status.success(), "{args:?}: {output:?}");
    String::from_utf8(output.stdout).unwrap()
}

#[test]
fn a_later_pass_is_a_new_statement_and_every_earlier_one_stays_byte_identical() {
    const DAY: i64 = 86_400_000;
    let dir = tempfile::tempdir().unwrap();
    let pack = dir.path().join("pack");
    std::fs::create_dir_all(pack.join("lessons")).unwrap();
    std::fs::write(
        pack.join("course.toml"),
        "id = \"tf\"\ntitle = \"Truths\"\n",
    )
    .unwrap();
    std::fs::write(
        pack.join("lessons/a.md"),
        "+++\nid = \"a\"\ntitle = \"Truths\"\n+++\nSome facts.\n\n\
         ```quiz\nid = \"sky\"\nkind = \"truefalse\"\nprompt = \"The sky is blue.\"\nanswer = true\n```\n\n\
         ```quiz\nid = \"fire\"\nkind = \"truefalse\"\nprompt = \"Fire is cold.\"\nanswer = false\n```\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("config.toml"),
        "mbox = \"ada@example.org\"\n",
    )
    .unwrap();
    // Day 0: `sky` missed, `fire` right: the lesson is done and failed, 1 of 2.
    let play = ["play", "--plain", pack.to_str().unwrap()];
    xapi_learner_at(
        dir.path(),
        T0,
        &play,
        "next\nfalse\nnext\nfalse\nnext\nquit\n",
    );
    let export = |now| -> Vec<Value> {
        serde_json::from_str(&xapi_learner_at(dir.path(), now, &["export", "xapi"], "")).unwrap()
    };
    let before = export(T0);
    let lesson = |statements: &[Value]| -> Vec<(String, String)> {
        statements
            .iter()
            .filter(|s| s["object"]["id"] == "urn:morsel:tf/lesson/a")
            .map(|s| {
                let verb = s["verb"]["display"]["en-US"].as_str().unwrap().to_string();
                (verb, s["timestamp"].as_str().unwrap().to_string())
            })
            .filter(|(verb, _)| ["completed", "passed", "failed"].contains(&verb.as_str()))
            .collect()
    };
    let day0 = timestamp_of(&before, "completed");
    assert_eq!(
        lesson(&before),
        [
            ("completed".to_string(), day0.clone()),
            ("failed".to_string(), day0.clone())
        ]
    );
    // Day 1: `sky` right in its review: the lesson is passed now, a new statement at day 1's time.
    let out = xapi_learner_at(dir.path(), T0 + DAY, &["review", "--plain"], "true\nnext\n");
    assert!(out.contains("Reviewed 1: 1 remembered."), "{out}");
    let after = export(T0 + DAY);
    let byte_text = |s: &Value| serde_json::to_string(s).unwrap();
    for s in &before {
        assert!(
            after.iter().any(|a| byte_text(a) == byte_text(s)),
            "an earlier statement changed or vanished: {s}"
        );
    }
    let passed = lesson(&after);
    assert_eq!(passed.len(), 3, "{passed:?}");
    assert_eq!(passed[2].0, "passed");
    assert!(passed[2].1.as_str() > day0.as_str(), "{passed:?}");
}

/// The timestamp of the first statement with this verb.
fn timestamp_of(statements: &[Value], verb: &str) -> String {
    statements
        .iter()
        .find(|s| s["verb"]["display"]["en-US"] == verb)
        .unwrap()["timestamp"]
        .as_str()
        .unwrap()
        .to_string()
}
