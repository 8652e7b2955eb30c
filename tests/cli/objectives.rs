//! Objectives and key results: `check`'s diagnostics for `[[objectives]]` and `[[key_results]]`, each at its place
//! in course.toml; a bundled course that declares them; and the key-result lines of `play --plain`.

use crate::{check_json, fixture};

/// `(severity, file, line, column, message)` of every diagnostic of the one pack checked.
fn problems(name: &str) -> Vec<(String, String, u64, u64, String)> {
    let (code, doc) = check_json(&[fixture(&format!("invalid/{name}"))]);
    assert_eq!(code, Some(1), "{name} has errors");
    doc["packs"][0]["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["severity"].as_str().unwrap().to_string(),
                d["file"].as_str().unwrap().to_string(),
                d["line"].as_u64().unwrap(),
                d["column"].as_u64().unwrap(),
                d["message"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

fn error(line: u64, column: u64, message: &str) -> (String, String, u64, u64, String) {
    (
        "error".into(),
        "course.toml".into(),
        line,
        column,
        message.into(),
    )
}

#[test]
fn unknown_lesson_is_named_where_it_is_listed() {
    assert_eq!(
        problems("objectives-unknown-lesson"),
        vec![error(
            7,
            22,
            "objective `fluency` names lesson `basic`, which is not a lesson of this pack; did you mean `basics`?"
        )]
    );
}

#[test]
fn unknown_objective_of_a_key_result() {
    assert_eq!(
        problems("objectives-unknown-objective"),
        vec![error(
            11,
            13,
            "key result `mastered` belongs to objective `fluncy`, which is not declared in [[objectives]]; did you mean `fluency`?"
        )]
    );
}

#[test]
fn unknown_measure_suggests_the_closest() {
    assert_eq!(
        problems("objectives-unknown-measure"),
        vec![error(
            13,
            11,
            "unknown measure `retension` (did you mean `retention`?); expected \"mastery\", \"retention\", \"practice_minutes\" or \"reviews_on_time\""
        )]
    );
}

#[test]
fn targets_out_of_range_by_measure() {
    assert_eq!(
        problems("objectives-target-range"),
        vec![
            error(
                14,
                10,
                "the `target` of a `mastery` key result is a share: above 0 and at most 1, not 80"
            ),
            error(
                21,
                10,
                "the `target` of a `practice_minutes` key result is minutes: a number above 0, not 0"
            ),
        ]
    );
}

#[test]
fn duplicate_ids_name_the_first() {
    assert_eq!(
        problems("objectives-duplicate-id"),
        vec![
            error(
                10,
                6,
                "objective id `fluency` is used again; it is already the id of the objective at course.toml:5:6"
            ),
            error(
                22,
                6,
                "key result id `mastered` is used again; it is already the id of the key result at course.toml:15:6"
            ),
        ]
    );
}

const COURSE: &str = r#"id = "okr"
title = "OKR"

[[objectives]]
id = "both"
text = "Both lessons"
lessons = ["a", "b"]

[[objectives]]
id = "second"
text = "The second lesson"
lessons = ["b"]

[[key_results]]
id = "both-mastered"
objective = "both"
text = "Both *mastered*"
measure = "mastery"
target = 1

[[key_results]]
id = "both-time"
objective = "both"
text = "Time on both"
measure = "practice_minutes"
target = 5

[[key_results]]
id = "second-kept"
objective = "second"
text = "Second remembered"
measure = "retention"
target = 0.9
"#;

/// A pack of two one-bite lessons `a` and `b`, each with one true/false question, and [`COURSE`]'s key results.
fn okr_pack(dir: &std::path::Path) {
    std::fs::write(dir.join("course.toml"), COURSE).unwrap();
    for l in ["a", "b"] {
        std::fs::write(
            dir.join(format!("{l}.md")),
            format!(
                "+++\nid = \"{l}\"\ntitle = \"Lesson {l}\"\n+++\n\nText {l}.\n\n```quiz\nid = \"q{l}\"\nprompt = \"True?\"\nkind = \"truefalse\"\nanswer = true\nexplain = \"It is.\"\n```\n"
            ),
        )
        .unwrap();
    }
}

#[test]
fn plain_play_shows_the_key_results_each_lesson_moved_and_all_at_the_end() {
    let dir = tempfile::tempdir().unwrap();
    let pack = dir.path().join("pack");
    std::fs::create_dir(&pack).unwrap();
    okr_pack(&pack);
    let db = dir.path().join("p.db");
    let output = crate::morsel()
        .env("MORSEL_NOW_MS", "1700000000000")
        .args([
            "--db",
            db.to_str().unwrap(),
            "play",
            "--plain",
            pack.to_str().unwrap(),
        ])
        .write_stdin("\ntrue\nnext\nnext\n\ntrue\nnext\nnext\nquit\n")
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0));
    let out = String::from_utf8(output.stdout).unwrap();
    let after = |heading: &str| -> Vec<&str> {
        let start = out
            .find(heading)
            .unwrap_or_else(|| panic!("{heading}: {out}"));
        out[start..]
            .lines()
            .skip(1)
            .take_while(|l| l.starts_with("- "))
            .collect()
    };
    let end_a = out.find("End of lesson: Lesson a.").unwrap();
    let end_b = out.find("End of lesson: Lesson b.").unwrap();
    // Lesson a moved the objective it belongs to; practice time (no time passed) and lesson b's retention did not.
    assert_eq!(
        after("Key results this lesson moved:"),
        ["- Both mastered: mastery 0% → 50% (target 100%)"]
    );
    assert!(out[end_a..end_b].contains("Key results this lesson moved:"));
    assert_eq!(
        out[end_b..]
            .lines()
            .skip_while(|l| *l != "Key results this lesson moved:")
            .skip(1)
            .take_while(|l| l.starts_with("- "))
            .collect::<Vec<_>>(),
        [
            "- Both mastered: mastery 50% → 100% (target 100%, met)",
            "- Second remembered: retention none yet → 100% (target 90%, met)",
        ]
    );
    assert_eq!(
        after("Key results:"),
        [
            "- Both mastered: mastery 0% → 100% (target 100%, met)",
            "- Time on both: practice 0 min (target 5 min)",
            "- Second remembered: retention none yet → 100% (target 90%, met)",
        ]
    );
}

#[test]
fn a_course_without_key_results_shows_none() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("p.db");
    let pack = fixture("valid/minimal");
    let output = crate::morsel()
        .args([
            "--db",
            db.to_str().unwrap(),
            "play",
            "--plain",
            pack.to_str().unwrap(),
        ])
        .write_stdin("\n\n\n\n\n\nquit\n")
        .output()
        .unwrap();
    let out = String::from_utf8(output.stdout).unwrap();
    assert!(out.contains("End of lesson"), "{out}");
    assert!(!out.contains("Key results"), "{out}");
}

#[test]
fn the_bundled_git_course_declares_objectives_and_checks_clean() {
    let pack = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("courses/git-in-bites");
    let report = morsel::pack::load(&pack);
    assert!(!report.has_errors(), "{:?}", report.diagnostics);
    let course = report.course.unwrap();
    assert_eq!(course.objectives.len(), 2);
    let measures: Vec<_> = course
        .key_results
        .iter()
        .map(|k| k.measure.name())
        .collect();
    assert_eq!(
        measures,
        [
            "mastery",
            "retention",
            "practice_minutes",
            "reviews_on_time"
        ]
    );
}

const PERSONAL: &str = r#"[[objectives]]
course = "okr"
id = "mine"
text = "My own"
lessons = ["a"]

[[key_results]]
course = "okr"
id = "mine-mastered"
objective = "mine"
text = "First lesson, mine"
measure = "mastery"
target = 1

[[objectives]]
course = "another-course"
id = "elsewhere"
text = "Not this course"
lessons = ["zzz"]
"#;

/// Plays lesson `a` of the OKR pack with `objectives` as the learner's objectives.toml.
fn play_with_personal(objectives: &str) -> (Option<i32>, String, String) {
    let dir = tempfile::tempdir().unwrap();
    let pack = dir.path().join("pack");
    std::fs::create_dir(&pack).unwrap();
    okr_pack(&pack);
    let config = dir.path().join("conf");
    std::fs::create_dir(&config).unwrap();
    std::fs::write(config.join("objectives.toml"), objectives).unwrap();
    let output = crate::morsel()
        .env("MORSEL_NOW_MS", "1700000000000")
        .args([
            "--db",
            dir.path().join("p.db").to_str().unwrap(),
            "--config",
            config.join("config.toml").to_str().unwrap(),
            "play",
            "--plain",
            pack.to_str().unwrap(),
        ])
        .write_stdin("\ntrue\nnext\nquit\n")
        .output()
        .unwrap();
    (
        output.status.code(),
        String::from_utf8(output.stdout).unwrap(),
        String::from_utf8(output.stderr).unwrap(),
    )
}

#[test]
fn a_learners_own_key_results_show_with_the_courses() {
    let (code, out, err) = play_with_personal(PERSONAL);
    assert_eq!(code, Some(0), "{err}");
    assert_eq!(err, "");
    let moved: Vec<&str> = out
        .lines()
        .skip_while(|l| *l != "Key results this lesson moved:")
        .skip(1)
        .take_while(|l| l.starts_with("- "))
        .collect();
    assert_eq!(
        moved,
        [
            "- Both mastered: mastery 0% → 50% (target 100%)",
            "- First lesson, mine: mastery 0% → 100% (target 100%, met)",
        ]
    );
}

#[test]
fn a_learners_unknown_lesson_is_named_in_objectives_toml() {
    let (code, out, err) =
        play_with_personal(&PERSONAL.replace("lessons = [\"a\"]", "lessons = [\"b\", \"aa\"]"));
    assert_eq!(code, Some(2), "{out}");
    assert!(
        err.contains("conf/objectives.toml:5:17: error: objective `mine` names lesson `aa`, which is not a lesson of this pack; did you mean `a`?"),
        "{err}"
    );
    assert!(!out.contains("Text a."), "nothing is played: {out}");
}

#[test]
fn the_player_shows_the_key_results_a_lesson_moved_on_its_summary() {
    let dir = tempfile::tempdir().unwrap();
    let pack = dir.path().join("pack");
    std::fs::create_dir(&pack).unwrap();
    okr_pack(&pack);
    let mut p = crate::player::player(
        morsel::tui::app::Start::Course {
            target: pack.display().to_string(),
            options: morsel::learn::session::OpenOptions::default(),
        },
        dir.path(),
        (80, 24),
    );
    crate::player::press_until(&mut p.app, "<Right>", "True?");
    crate::player::press(&mut p.app, "t");
    crate::player::press_until(&mut p.app, "<Right>", "End of lesson: Lesson a.");
    let text = crate::player::screen(&p.app);
    assert!(
        text.contains("Key results this lesson moved:")
            && text.contains("Both mastered: mastery 0% → 50% (target 100%)"),
        "{text}"
    );
}

#[test]
fn the_dashboard_shows_key_results_against_their_targets() {
    let dir = tempfile::tempdir().unwrap();
    let pack = dir.path().join("pack");
    std::fs::create_dir(&pack).unwrap();
    okr_pack(&pack);
    let mut p = crate::player::player(
        morsel::tui::app::Start::Course {
            target: pack.display().to_string(),
            options: morsel::learn::session::OpenOptions::default(),
        },
        dir.path(),
        (80, 24),
    );
    crate::player::press_until(&mut p.app, "<Right>", "True?");
    crate::player::press(&mut p.app, "t");
    crate::player::press_until(&mut p.app, "<Right>", "End of lesson: Lesson a.");
    crate::player::press(&mut p.app, "S");
    let text = crate::player::screen(&p.app);
    assert!(
        text.contains("Both mastered: mastery 50% (target 100%)"),
        "{text}"
    );
}

#[test]
fn stats_text_shows_study_days_minutes_and_key_results() {
    let dir = tempfile::tempdir().unwrap();
    let pack = dir.path().join("pack");
    std::fs::create_dir(&pack).unwrap();
    okr_pack(&pack);
    let db = dir.path().join("p.db");
    let run = |args: &[&str], stdin: &str| {
        crate::morsel()
            .env("MORSEL_NOW_MS", "1700000000000")
            .env("MORSEL_UTC_OFFSET", "0")
            .env("MORSEL_COURSES", dir.path())
            .arg("--db")
            .arg(&db)
            .args(args)
            .write_stdin(stdin)
            .output()
            .unwrap()
    };
    let _ = run(
        &["play", "--plain", pack.to_str().unwrap()],
        "\ntrue\nnext\nnext\nquit\n",
    );
    let out = String::from_utf8(run(&["stats"], "").stdout).unwrap();
    assert!(out.contains("Study days, last 26 weeks"), "{out}");
    assert!(out.contains("Active minutes, last 30 days:"), "{out}");
    assert!(
        out.contains("Key results") && out.contains("Both mastered: mastery 50% (target 100%)"),
        "{out}"
    );
}

#[test]
fn the_player_adds_the_learners_own_key_results() {
    let dir = tempfile::tempdir().unwrap();
    let pack = dir.path().join("pack");
    std::fs::create_dir(&pack).unwrap();
    okr_pack(&pack);
    // The player helper's config is `config.toml` in the same folder: objectives.toml sits beside it.
    let mut p = crate::player::player(morsel::tui::app::Start::Library, dir.path(), (80, 24));
    let config = p.app.ctx.paths.config.clone();
    std::fs::write(morsel::app::config::objectives_path(&config), PERSONAL).unwrap();
    p.app = crate::player::reopen(
        &p,
        morsel::tui::app::Start::Course {
            target: pack.display().to_string(),
            options: morsel::learn::session::OpenOptions::default(),
        },
    );
    crate::player::press_until(&mut p.app, "<Right>", "True?");
    crate::player::press(&mut p.app, "t");
    crate::player::press_until(&mut p.app, "<Right>", "End of lesson: Lesson a.");
    let text = crate::player::screen(&p.app);
    assert!(
        text.contains("First lesson, mine: mastery 0% → 100%"),
        "{text}"
    );
}

#[test]
fn the_dashboard_shows_every_key_result_the_courses_and_the_learners_own() {
    let dir = tempfile::tempdir().unwrap();
    let pack = dir.path().join("pack");
    std::fs::create_dir(&pack).unwrap();
    okr_pack(&pack);
    let mut p = crate::player::player(morsel::tui::app::Start::Library, dir.path(), (80, 24));
    let config = p.app.ctx.paths.config.clone();
    std::fs::write(morsel::app::config::objectives_path(&config), PERSONAL).unwrap();
    p.app = crate::player::reopen(
        &p,
        morsel::tui::app::Start::Course {
            target: pack.display().to_string(),
            options: morsel::learn::session::OpenOptions::default(),
        },
    );
    crate::player::press_until(&mut p.app, "<Right>", "True?");
    crate::player::press(&mut p.app, "t");
    crate::player::press_until(&mut p.app, "<Right>", "End of lesson: Lesson a.");
    crate::player::press(&mut p.app, "S");
    let text = crate::player::screen(&p.app);
    // Every one, as compact as `stats` draws them; a 0% bar is still a bar.
    for line in [
        "█████░░░░░ Both mastered: mastery 50% (target 100%)",
        "Time on both: practice",
        "░░░░░░░░░░ Second remembered: retention none yet (target 90%)",
        "██████████ First lesson, mine: mastery 100% (target 100%, met) · your own",
    ] {
        assert!(text.contains(line), "{line}:\n{text}");
    }
    insta::assert_snapshot!("dashboard-key-results-80x24", text);
    // In a small terminal they scroll.
    let _ = p.app.handle(morsel::tui::app::Event::Resize(40, 12));
    let top = crate::player::screen(&p.app);
    assert!(top.contains("↓ more below"), "{top}");
    let press = crate::player::press;
    press(&mut p.app, "<Down><Down><Down><Down><Down>");
    let scrolled = crate::player::screen(&p.app);
    assert!(scrolled.contains("First lesson, mine"), "{scrolled}");
    insta::assert_snapshot!("dashboard-key-results-40x12-scrolled", scrolled);
    // Down stops at the end of the list: one Up from there moves it at once.
    press(&mut p.app, &"<Down>".repeat(30));
    let end = crate::player::screen(&p.app);
    assert!(!end.contains("↓ more below"), "{end}");
    press(&mut p.app, "<Up>");
    assert_ne!(crate::player::screen(&p.app), end);
}

#[test]
fn stats_json_gives_each_key_result_its_measure_value_target_and_whether_met() {
    let dir = tempfile::tempdir().unwrap();
    let pack = dir.path().join("pack");
    std::fs::create_dir(&pack).unwrap();
    okr_pack(&pack);
    let config = dir.path().join("conf");
    std::fs::create_dir(&config).unwrap();
    std::fs::write(config.join("objectives.toml"), PERSONAL).unwrap();
    let db = dir.path().join("p.db");
    let run = |args: &[&str], stdin: &str| {
        crate::morsel()
            .env("MORSEL_NOW_MS", "1700000000000")
            .env("MORSEL_UTC_OFFSET", "0")
            .env("MORSEL_COURSES", dir.path())
            .arg("--db")
            .arg(&db)
            .arg("--config")
            .arg(config.join("config.toml"))
            .args(args)
            .write_stdin(stdin)
            .output()
            .unwrap()
    };
    let _ = run(
        &["play", "--plain", pack.to_str().unwrap()],
        "\ntrue\nnext\nquit\n",
    );
    let json: serde_json::Value =
        serde_json::from_slice(&run(&["stats", "--format", "json"], "").stdout).unwrap();
    let krs = json["courses"][0]["key_results"].as_array().unwrap();
    let ids: Vec<&str> = krs.iter().map(|k| k["id"].as_str().unwrap()).collect();
    assert_eq!(
        ids,
        ["both-mastered", "both-time", "second-kept", "mine-mastered"]
    );
    assert_eq!(
        krs[0],
        serde_json::json!({"id": "both-mastered", "text": "Both *mastered*", "measure": "mastery",
                           "value": 0.5, "target": 1.0, "met": false, "own": false})
    );
    assert_eq!(
        krs[2]["value"],
        serde_json::Value::Null,
        "nothing measured yet"
    );
    assert_eq!(
        krs[3],
        serde_json::json!({"id": "mine-mastered", "text": "First lesson, mine", "measure": "mastery",
                           "value": 1.0, "target": 1.0, "met": true, "own": true})
    );
    // The text says the same, the learner's own marked.
    let text = String::from_utf8(run(&["stats"], "").stdout).unwrap();
    assert!(
        text.contains("First lesson, mine: mastery 100% (target 100%, met) · your own"),
        "{text}"
    );
}
