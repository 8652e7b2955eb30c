//! `morsel check` on valid and invalid fixtures and on the bundled courses.

use std::path::PathBuf;

use predicates::prelude::*;
use serde_json::Value;

use crate::{check_json, fixture, morsel};

fn diagnostics(pack: &Value) -> Vec<(String, String, u64, u64, String)> {
    pack["diagnostics"]
        .as_array()
        .expect("diagnostics is an array")
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

#[test]
fn bundled_courses_have_no_errors_and_no_warnings() {
    let courses = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("courses");
    let mut packs: Vec<PathBuf> = std::fs::read_dir(&courses)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .collect();
    packs.sort();
    assert!(packs.len() >= 3, "at least three bundled courses");
    let (code, doc) = check_json(&packs);
    assert_eq!(code, Some(0));
    for pack in doc["packs"].as_array().unwrap() {
        assert_eq!(diagnostics(pack), vec![], "{}", pack["path"]);
        let lessons = pack["lessons"].as_array().unwrap();
        assert!(
            (4..=8).contains(&lessons.len()),
            "{}: 4 to 8 lessons",
            pack["path"]
        );
        assert!(
            lessons
                .iter()
                .all(|l| l["questions"].as_u64() > Some(0) || l["cards"].as_u64() > Some(0))
        );
    }
}

#[test]
fn every_construct_fixture_counts() {
    let (code, doc) = check_json(&[fixture("valid/every-construct")]);
    assert_eq!(code, Some(0));
    let pack = &doc["packs"][0];
    assert_eq!(pack["course"]["id"], "every-construct");
    assert_eq!(pack["course"]["pass_mark"], 0.75);
    let summary: Vec<_> = pack["lessons"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| {
            (
                l["id"].as_str().unwrap(),
                l["file"].as_str().unwrap(),
                l["bites"].as_u64().unwrap(),
                l["questions"].as_u64().unwrap(),
                l["cards"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        summary,
        [
            ("intro", "lessons/intro.md", 3, 0, 0),
            ("questions", "lessons/questions.md", 3, 7, 0),
            ("cards", "cards.md", 1, 0, 2),
        ]
    );
    assert_eq!(pack["lessons"][0]["minutes"], 3.0);
    assert_eq!(pack["lessons"][0]["title"], "Markdown, all of it");
    assert_eq!(pack["lessons"][1]["title"], "Questions of every kind");
    assert_eq!(pack["diagnostics"], Value::Array(vec![]));
}

#[test]
fn discovery_takes_root_then_lessons_sorted_without_readme() {
    let (code, doc) = check_json(&[fixture("valid/discovered")]);
    assert_eq!(code, Some(0));
    let files: Vec<_> = doc["packs"][0]["lessons"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["file"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(
        files,
        [
            "a-root.md",
            "b-root.md",
            "lessons/1-one.md",
            "lessons/2-two.md"
        ]
    );
}

/// Each invalid fixture, and the file, line, column and message of its (first) error.
const INVALID: &[(&str, &str, u64, u64, &str)] = &[
    (
        "bad-course-id",
        "course.toml",
        1,
        6,
        "`Bad Course` is not a valid id",
    ),
    (
        "bad-questions",
        "a.md",
        3,
        1,
        "no choice is marked `correct = true`",
    ),
    ("bad-quiz-toml", "lessons/01-quiz.md", 7, 19, "invalid TOML"),
    (
        "duplicate-lesson-id",
        "lessons/02-b.md",
        2,
        6,
        "lesson id `same` is used again; it is already the id of lessons/01-a.md",
    ),
    (
        "duplicate-question-id",
        "b.md",
        6,
        6,
        "question id `q1` is used again; it is already the id of the question at a.md:4:6",
    ),
    (
        "format-too-new",
        "course.toml",
        1,
        10,
        "pack format 2 is newer than this morsel understands (up to 1)",
    ),
    (
        "lesson-outside",
        "course.toml",
        3,
        20,
        "lesson path `../outside.md` leaves the pack directory",
    ),
    (
        "missing-lesson",
        "course.toml",
        5,
        3,
        "lesson file `gone.md` does not exist",
    ),
    ("no-course-toml", "course.toml", 1, 1, "no course.toml"),
    ("not-utf8", "lessons/01-latin1.md", 4, 4, "not valid UTF-8"),
    (
        "objectives-duplicate-id",
        "course.toml",
        10,
        6,
        "objective id `fluency` is used again",
    ),
    (
        "objectives-target-range",
        "course.toml",
        14,
        10,
        "the `target` of a `mastery` key result is a share",
    ),
    (
        "objectives-unknown-lesson",
        "course.toml",
        7,
        22,
        "names lesson `basic`, which is not a lesson of this pack",
    ),
    (
        "objectives-unknown-measure",
        "course.toml",
        13,
        11,
        "unknown measure `retension`",
    ),
    (
        "objectives-unknown-objective",
        "course.toml",
        11,
        13,
        "belongs to objective `fluncy`",
    ),
    ("unclosed-front-matter", "a.md", 1, 1, "never closed"),
    (
        "unknown-key",
        "course.toml",
        3,
        1,
        "unknown key `pass_mak` in course.toml; did you mean `pass_mark`?",
    ),
];

#[test]
fn each_invalid_fixture_fails_with_its_error_at_file_line_column() {
    let dir = fixture("invalid");
    let mut on_disk: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        // The fixtures of the authoring checks, warnings mostly, have their own test (`lints.rs`).
        .filter(|name| name != "lints")
        .collect();
    on_disk.sort();
    let listed: Vec<_> = INVALID.iter().map(|c| c.0).collect();
    assert_eq!(on_disk, listed, "every invalid fixture has an expectation");

    for &(name, file, line, column, message) in INVALID {
        let (code, doc) = check_json(&[dir.join(name)]);
        assert_eq!(code, Some(1), "{name} must fail");
        let errors: Vec<_> = diagnostics(&doc["packs"][0])
            .into_iter()
            .filter(|d| d.0 == "error")
            .collect();
        let first = errors.first().unwrap_or_else(|| panic!("{name}: no error"));
        assert_eq!(
            (first.1.as_str(), first.2, first.3),
            (file, line, column),
            "{name}: {}",
            first.4
        );
        assert!(
            first.4.contains(message),
            "{name}: {:?} lacks {message:?}",
            first.4
        );
    }
}

#[test]
fn course_is_null_when_course_toml_cannot_be_read() {
    let (_, doc) = check_json(&[fixture("invalid/no-course-toml")]);
    assert_eq!(doc["packs"][0]["course"], Value::Null);
    assert_eq!(doc["packs"][0]["lessons"].as_array().unwrap().len(), 1);
}

#[test]
fn every_problem_in_a_file_is_reported_in_one_run() {
    let (_, doc) = check_json(&[fixture("invalid/bad-questions")]);
    let found: Vec<_> = diagnostics(&doc["packs"][0])
        .into_iter()
        .map(|d| (d.2, d.3))
        .collect();
    assert_eq!(found, [(3, 1), (11, 8), (15, 1)]);
}

#[test]
fn text_output_shows_path_line_column_source_and_caret() {
    let pack = fixture("invalid/unknown-key");
    let expected = format!(
        "error: unknown key `pass_mak` in course.toml; did you mean `pass_mark`?\n --> {}:3:1\n  |\n3 | pass_mak = 0.7\n  | ^^^^^^^^\n",
        pack.join("course.toml").display()
    );
    morsel()
        .arg("check")
        .arg(&pack)
        .assert()
        .code(1)
        .stdout(predicate::str::starts_with(expected))
        .stdout(predicate::str::contains(
            "1 lesson, 1 bite, 0 questions, 0 cards, about 1 min: 1 error, 0 warnings",
        ));
}

#[test]
fn one_bad_pack_among_good_ones_fails_the_run_and_all_are_reported() {
    let (code, doc) = check_json(&[fixture("valid/minimal"), fixture("invalid/unknown-key")]);
    assert_eq!(code, Some(1));
    assert_eq!(doc["packs"].as_array().unwrap().len(), 2);
}

#[test]
fn warnings_alone_pass() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("course.toml"),
        "id = \"w\"\ntitle = \"W\"\npass_mark = 0.5\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("a.md"),
        "See ![missing](nothing.png).\n\n```quiz\nkind = \"truefalse\"\nprompt = \"P\"\nanswer = true\n```\n",
    )
    .unwrap();
    let (code, doc) = check_json(&[dir.path().to_path_buf()]);
    assert_eq!(code, Some(0));
    let found: Vec<_> = diagnostics(&doc["packs"][0])
        .into_iter()
        .map(|d| (d.0, d.1, d.2, d.3))
        .collect();
    assert_eq!(
        found,
        [
            ("warning".to_string(), "course.toml".to_string(), 3, 13),
            ("warning".to_string(), "a.md".to_string(), 1, 5),
            ("warning".to_string(), "a.md".to_string(), 3, 1),
        ]
    );
}

#[cfg(unix)]
#[test]
fn a_symlink_out_of_the_pack_is_an_error_and_is_not_read() {
    let dir = tempfile::tempdir().unwrap();
    let pack = dir.path().join("pack");
    std::fs::create_dir_all(pack.join("lessons")).unwrap();
    std::fs::write(pack.join("course.toml"), "id = \"s\"\ntitle = \"S\"\n").unwrap();
    std::fs::write(pack.join("lessons/01-ok.md"), "# Fine\n\nText.\n").unwrap();
    std::fs::write(
        dir.path().join("secret.md"),
        "+++\nid = \"secret\"\n+++\n# SECRET TITLE\n",
    )
    .unwrap();
    std::os::unix::fs::symlink(
        dir.path().join("secret.md"),
        pack.join("lessons/02-link.md"),
    )
    .unwrap();

    let (code, doc) = check_json(std::slice::from_ref(&pack));
    assert_eq!(code, Some(1));
    let d = diagnostics(&doc["packs"][0]);
    assert_eq!(d.len(), 1);
    assert_eq!(d[0].1, "lessons/02-link.md");
    assert!(d[0].4.contains("leaves the pack directory"));
    let text = doc.to_string();
    assert!(
        !text.contains("SECRET") && !text.contains("\"secret\""),
        "nothing of the outside file is read"
    );

    // The same file listed by name in `lessons` is refused the same way.
    std::fs::write(
        pack.join("course.toml"),
        "id = \"s\"\ntitle = \"S\"\nlessons = [\"lessons/02-link.md\"]\n",
    )
    .unwrap();
    let (code, doc) = check_json(&[pack]);
    assert_eq!(code, Some(1));
    assert!(!doc.to_string().contains("SECRET"));
}

#[test]
fn a_path_that_is_not_a_pack_is_reported() {
    let (code, doc) = check_json(&[fixture("no/such/dir")]);
    assert_eq!(code, Some(1));
    assert!(
        doc["packs"][0]["diagnostics"][0]["message"]
            .as_str()
            .unwrap()
            .contains("is not a directory")
    );
}

#[test]
fn usage_errors_exit_2() {
    morsel().arg("check").assert().code(2);
    morsel()
        .args(["check", "--format", "yaml", "x"])
        .assert()
        .code(2);
}

#[cfg(unix)]
#[test]
fn a_closed_pipe_is_not_an_error() {
    use crate::bound::{Guarded, output_within, read_exact_within};
    use std::process::{Command, Stdio};
    // Many packs make output larger than a pipe's buffer; the reader stops after a few bytes.
    let packs: Vec<PathBuf> = std::iter::repeat_n(fixture("invalid/bad-questions"), 400).collect();
    let mut child = Guarded::spawn(
        Command::new(assert_cmd::cargo::cargo_bin("morsel"))
            .arg("check")
            .args(&packs)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped()),
    );
    // Reading 16 bytes, then closing our end of stdout.
    read_exact_within(child.stdout.take().unwrap(), 16, "check's first bytes");
    let output = output_within(&mut child, "check into a closed pipe");
    assert_eq!(
        output.status.code(),
        Some(0),
        "a closed pipe is success, not a signal death or an error"
    );
    assert_eq!(
        String::from_utf8_lossy(&output.stderr),
        "",
        "no panic message"
    );
}

#[test]
fn a_newer_format_is_the_only_thing_reported() {
    let (code, doc) = check_json(&[fixture("invalid/format-too-new")]);
    assert_eq!(code, Some(1));
    assert_eq!(
        doc["packs"][0]["lessons"].as_array().unwrap().len(),
        0,
        "no lesson is read by old rules"
    );
    assert_eq!(doc["packs"][0]["diagnostics"].as_array().unwrap().len(), 1);
}

#[test]
fn questions_and_cards_share_one_id_namespace() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("course.toml"),
        "id = \"n\"\ntitle = \"N\"\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("a.md"),
        "```quiz\nid = \"same\"\nkind = \"truefalse\"\nprompt = \"P\"\nanswer = true\nexplain = \"E\"\n```\n\n```card\nid = \"same\"\nfront = \"F\"\nback = \"B\"\n```\n",
    )
    .unwrap();
    let (code, doc) = check_json(&[dir.path().to_path_buf()]);
    assert_eq!(code, Some(1));
    let d = diagnostics(&doc["packs"][0]);
    assert_eq!(d.len(), 1);
    assert_eq!((d[0].2, d[0].3), (10, 6));
    assert_eq!(
        d[0].4,
        "card id `same` is used again; it is already the id of the question at a.md:2:6"
    );
}

#[cfg(unix)]
#[test]
fn print_into_a_closed_pipe_ends_quietly() {
    use crate::bound::{Guarded, output_within, read_exact_within};
    use std::process::{Command, Stdio};
    // A pack whose printout is far larger than a pipe's buffer, so that writing must fail once the reader is gone.
    let dir = tempfile::tempdir().unwrap();
    let shape = morsel::pack::synth::Shape {
        lessons: 400,
        ..Default::default()
    };
    morsel::pack::synth::write_pack(dir.path(), shape).unwrap();
    let mut child = Guarded::spawn(
        Command::new(assert_cmd::cargo::cargo_bin("morsel"))
            .args(["print", "--answers"])
            .arg(dir.path())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped()),
    );
    read_exact_within(child.stdout.take().unwrap(), 64, "print's first bytes");
    let output = output_within(&mut child, "print into a closed pipe");
    assert_eq!(
        output.status.code(),
        Some(0),
        "like `morsel print … | head`"
    );
    assert_eq!(String::from_utf8_lossy(&output.stderr), "");
}

#[test]
fn print_shows_bites_questions_and_hides_answers_unless_asked() {
    let pack = fixture("valid/every-construct");
    let hidden = morsel()
        .args(["print", "--lesson", "questions", "--width", "60"])
        .arg(&pack)
        .output()
        .unwrap();
    let text = String::from_utf8(hidden.stdout).unwrap();
    assert!(text.starts_with("Every construct\n"), "{text}");
    assert!(text.contains("── bite 1/3 ─"), "{text}");
    assert!(
        text.contains("Question (choice): Which is a pointer?"),
        "{text}"
    );
    assert!(text.contains("  1. A branch\n  2. A clone\n"), "{text}");
    assert!(
        !text.contains('✓') && !text.contains("Why:") && !text.contains("Accepted:"),
        "{text}"
    );
    assert!(text.lines().all(|l| l.chars().count() <= 60), "{text}");
    let shown = morsel()
        .args(["print", "--lesson", "questions", "--answers"])
        .arg(&pack)
        .output()
        .unwrap();
    let text = String::from_utf8(shown.stdout).unwrap();
    assert!(text.contains("  1. A branch ✓\n"), "{text}");
    assert!(text.contains("  Accepted: git commit | commit"), "{text}");
    assert!(text.contains("  Why: Branches are pointers."), "{text}");
    morsel()
        .args(["print", "--lesson", "nope"])
        .arg(&pack)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("has no lesson `nope`"));
}

#[test]
fn print_and_list_name_a_broken_pack_s_errors_as_file_line_column() {
    let pack = fixture("invalid/unknown-key");
    let output = morsel().arg("print").arg(&pack).output().unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8(output.stderr).unwrap();
    let line = format!(
        "{}:3:1: error: unknown key `pass_mak` in course.toml; did you mean `pass_mark`?\n",
        pack.join("course.toml").display()
    );
    assert!(stderr.starts_with(&line), "{stderr}");

    let db = tempfile::tempdir().unwrap();
    let output = morsel()
        .arg("--db")
        .arg(db.path().join("p.db"))
        .arg("--courses")
        .arg(&pack)
        .arg("list")
        .output()
        .unwrap();
    let stdout = String::from_utf8(output.stdout).unwrap();
    assert!(
        stdout.contains("! course.toml:3:1: error: unknown key `pass_mak`"),
        "{stdout}"
    );
}

#[test]
fn a_pack_of_cards_only_takes_more_than_no_time() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::create_dir(root.join("lessons")).unwrap();
    std::fs::write(
        root.join("course.toml"),
        "id = \"cards\"\ntitle = \"Cards only\"\n",
    )
    .unwrap();
    let cards: String = (1..=3)
        .map(|n| {
            format!("```card\nid = \"c{n}\"\nfront = \"Front {n}?\"\nback = \"Back {n}.\"\n```\n\n")
        })
        .collect();
    std::fs::write(
        root.join("lessons/a.md"),
        format!("+++\nid = \"a\"\ntitle = \"Deck\"\n+++\n\n{cards}"),
    )
    .unwrap();
    let out = crate::morsel().arg("check").arg(root).output().unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("3 cards, about 1 min: ok"), "{text}");
}
