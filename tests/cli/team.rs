//! `morsel team`: statements made by real `morsel export xapi` from several learners' databases, read across the
//! team.

use std::path::Path;

use serde_json::Value;

pub const T0: i64 = 1_790_000_000_000;
pub const HOUR: i64 = 3_600_000;

const LESSON: &str = r#"+++
id = "a"
title = "Facts"
+++
Some facts.

```quiz
id = "sky"
kind = "truefalse"
prompt = "The sky is blue."
explain = "It is."
answer = true
```

```quiz
id = "fire"
kind = "truefalse"
prompt = "Fire is cold."
explain = "It is not."
answer = false
```

```quiz
id = "pick"
kind = "choice"
prompt = "Which is a colour?"
explain = "Red is."
choices = [{ text = "red", correct = true }, { text = "dog" }, { text = "seven" }]
```
"#;

const COURSE: &str = r#"id = "tf"
title = "Truths"
pass_mark = 0.6

[[objectives]]
id = "know"
text = "Know the facts"
lessons = ["a"]

[[key_results]]
id = "mastered"
objective = "know"
text = "All mastered"
measure = "mastery"
target = 1.0
"#;

/// A course path holding the `tf` pack.
pub fn course_path(dir: &Path) -> std::path::PathBuf {
    let courses = dir.join("courses");
    std::fs::create_dir_all(courses.join("tf/lessons")).unwrap();
    std::fs::write(courses.join("tf/course.toml"), COURSE).unwrap();
    std::fs::write(courses.join("tf/lessons/a.md"), LESSON).unwrap();
    courses
}

/// morsel at `now` with the database and config of `dir`.
fn as_learner(dir: &Path, now: i64, args: &[&str], stdin: &str) -> String {
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

/// One learner plays the lesson with these answers (sky, fire, the choice's number), then exports.
fn learner(root: &Path, name: &str, answers: [&str; 3]) -> String {
    let dir = root.join(name);
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("config.toml"),
        format!("mbox = \"{name}@example.org\"\n"),
    )
    .unwrap();
    let pack = root.join("courses/tf");
    let [sky, fire, pick] = answers;
    let stdin = format!("next\n{sky}\nnext\n{fire}\nnext\n{pick}\nnext\nquit\n");
    as_learner(
        &dir,
        T0,
        &["play", "--plain", pack.to_str().unwrap()],
        &stdin,
    );
    as_learner(&dir, T0 + HOUR, &["export", "xapi"], "")
}

/// Four learners' exports, concatenated as they come (three arrays and one as NDJSON).
pub fn team_input(root: &Path) -> std::path::PathBuf {
    let mut text = String::new();
    text += &learner(root, "l1", ["true", "false", "1"]);
    text += &learner(root, "l2", ["true", "false", "2"]);
    text += &learner(root, "l3", ["true", "true", "2"]);
    let l4: Vec<Value> =
        serde_json::from_str(&learner(root, "l4", ["false", "true", "2"])).unwrap();
    for s in l4 {
        text += &format!("{s}\n");
    }
    let input = root.join("team.json");
    std::fs::write(&input, text).unwrap();
    input
}

fn team(root: &Path, courses: Option<&Path>, args: &[&str]) -> (bool, String, String) {
    let mut cmd = crate::morsel();
    cmd.env("MORSEL_NOW_MS", (T0 + HOUR).to_string())
        .env("MORSEL_DB", root.join("lead.db"))
        .env("MORSEL_CONFIG", root.join("none.toml"))
        .env("MORSEL_COURSES", courses.unwrap_or(&root.join("nowhere")))
        .arg("team")
        .args(args);
    let output = cmd.output().unwrap();
    (
        output.status.success(),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

fn question<'a>(doc: &'a Value, id: &str) -> &'a Value {
    doc["questions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|q| q["id"] == id)
        .unwrap_or_else(|| panic!("no question {id}: {doc}"))
}

fn near(value: &Value, expected: f64) -> bool {
    value.as_f64().is_some_and(|v| (v - expected).abs() < 1e-3)
}

#[test]
fn team_reads_four_learners_exports_into_outcomes_and_item_analysis() {
    let root = tempfile::tempdir().unwrap();
    let courses = course_path(root.path());
    let input = team_input(root.path());
    let (ok, out, err) = team(
        root.path(),
        Some(&courses),
        &["tf", "--input", input.to_str().unwrap(), "--format", "json"],
    );
    assert!(ok, "{err}");
    let doc: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(doc["course"], "urn:morsel:tf");
    assert_eq!(doc["learners"]["count"], 4, "{doc}");
    assert_eq!(doc["learners"]["active_7_days"], 4);
    // Passed with 2 of 3 or more (pass mark 0.6): l1 and l2.
    let lesson = &doc["lessons"][0];
    assert_eq!(lesson["id"], "a");
    assert_eq!(lesson["title"], "Facts");
    assert_eq!(lesson["completed"], 4);
    assert_eq!(lesson["passed"], 2);
    assert_eq!(lesson["mastered"], 2);
    assert!(near(&lesson["passed_share"], 0.5));
    assert_eq!(
        doc["lessons"].as_array().unwrap().len(),
        1,
        "bites are not lessons"
    );
    let kr = &doc["key_results"][0];
    assert_eq!(kr["id"], "mastered");
    assert_eq!(kr["name"], "All mastered");
    assert_eq!(
        (kr["met"].as_u64(), kr["learners"].as_u64()),
        (Some(2), Some(4))
    );
    // sky: 3 of 4 right; against the rest of the lesson (1, 0.5, 0 right; 0 wrong) r = 0.5222 over 4 learners.
    let sky = question(&doc, "sky");
    assert_eq!(sky["prompt"], "The sky is blue.");
    assert!(near(&sky["first_try_right"], 0.75), "{sky}");
    assert!(near(&sky["discrimination"], 0.5222), "{sky}");
    assert_eq!(sky["discrimination_count"], 4);
    assert_eq!(sky["flags"], serde_json::json!([]));
    // fire: 2 of 4; rest 1, 0.5 right and 0.5, 0 wrong: r = 0.7071.
    assert!(near(
        &question(&doc, "fire")["discrimination"],
        std::f64::consts::FRAC_1_SQRT_2
    ));
    // pick: 1 of 4 right (too hard), `dog` picked by 3, `seven` by none.
    let pick = question(&doc, "pick");
    assert!(near(&pick["first_try_right"], 0.25));
    assert_eq!(pick["distractors"][0]["text"], "dog");
    assert!(near(&pick["distractors"][0]["pick_rate"], 0.75));
    assert_eq!(pick["distractors"][1]["picks"], 0);
    assert_eq!(
        pick["flags"],
        serde_json::json!(["too hard", "distractor never picked: choice-3"])
    );
    // Flagged questions come first.
    assert_eq!(doc["questions"][0]["id"], "pick");
    // The text says the same.
    let (ok, text, _) = team(
        root.path(),
        Some(&courses),
        &["tf", "--input", input.to_str().unwrap()],
    );
    assert!(ok);
    assert!(
        text.contains("Learners: 4, 4 active in the last 7 days"),
        "{text}"
    );
    assert!(
        text.contains("  a Facts: 4 (100%), 2 (50%), 2 (50%)"),
        "{text}"
    );
    assert!(
        text.contains("flagged: too hard; distractor never picked: choice-3"),
        "{text}"
    );
    let pick_at = text.find("pick [a]").unwrap();
    assert!(pick_at < text.find("sky [a]").unwrap(), "{text}");
}

#[test]
fn without_the_pack_the_activity_definitions_name_the_prompts() {
    let root = tempfile::tempdir().unwrap();
    course_path(root.path());
    let input = team_input(root.path());
    std::fs::remove_dir_all(root.path().join("courses")).unwrap();
    let (ok, out, err) = team(
        root.path(),
        None,
        &["tf", "--input", input.to_str().unwrap(), "--format", "json"],
    );
    assert!(ok, "{err}");
    let doc: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(question(&doc, "fire")["prompt"], "Fire is cold.");
    assert_eq!(doc["lessons"][0]["title"], Value::Null);
    assert_eq!(doc["lessons"][0]["passed"], 2);
}

#[test]
fn since_leaves_out_what_came_before_and_bad_input_says_where() {
    let root = tempfile::tempdir().unwrap();
    let courses = course_path(root.path());
    let input = team_input(root.path());
    let (ok, out, _) = team(
        root.path(),
        Some(&courses),
        &[
            "tf",
            "--input",
            input.to_str().unwrap(),
            "--since",
            "2030-01-01",
            "--format",
            "json",
        ],
    );
    assert!(ok);
    let doc: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(doc["learners"]["count"], 0);
    let bad = root.path().join("bad.json");
    std::fs::write(&bad, "[]\n{\"actor\": oops}\n").unwrap();
    let (ok, _, err) = team(
        root.path(),
        Some(&courses),
        &["tf", "--input", bad.to_str().unwrap()],
    );
    assert!(!ok);
    assert!(err.contains("bad.json: line 2, column 11"), "{err}");
    let (ok, _, err) = team(
        root.path(),
        Some(&courses),
        &[
            "tf",
            "--input",
            input.to_str().unwrap(),
            "--since",
            "last week",
        ],
    );
    assert!(!ok);
    assert!(
        err.contains("--since last week: expected a date such as 2026-11-18"),
        "{err}"
    );
}
