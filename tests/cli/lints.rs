//! The checks that catch what authors get wrong: each fixture under `tests/fixtures/invalid/lints/` and every
//! diagnostic it must give, with its file, line and column; `morsel new`'s pack; two packs with one course id.

use std::path::PathBuf;

use predicates::prelude::*;

use crate::{check_json, fixture, morsel};

/// Each fixture, the exit code of `check`, and every diagnostic: severity, file, line, column, part of the message.
type Expected = (
    &'static str,
    i32,
    &'static [(&'static str, &'static str, u64, u64, &'static str)],
);

const LINTS: &[Expected] = &[
    (
        "above-choice",
        0,
        &[(
            "warning",
            "a.md",
            12,
            12,
            "the choice `None of the above.` leans on the other choices",
        )],
    ),
    (
        "lesson-slips",
        0,
        &[
            (
                "warning",
                "lessons/b.markdown",
                1,
                1,
                "`lessons/b.markdown` is never played: lessons are read from `.md` files only; rename it to `lessons/b.md`",
            ),
            (
                "warning",
                "lessons/part-two",
                1,
                1,
                "`lessons/part-two/` holds 1 lesson file that morsel never plays",
            ),
        ],
    ),
    (
        "long-bite",
        0,
        &[(
            "warning",
            "a.md",
            7,
            1,
            "this bite takes about 2.2 minutes to read (500 words)",
        )],
    ),
    (
        "long-lesson",
        0,
        &[(
            "warning",
            "a.md",
            1,
            1,
            "this lesson takes about 16 minutes (its words at 230 a minute",
        )],
    ),
    (
        "misfenced-block",
        0,
        &[
            (
                "warning",
                "a.md",
                5,
                1,
                "this block is fenced `Quiz`, so learners see its TOML as code; morsel reads a question only from a block fenced ```quiz",
            ),
            ("warning", "a.md", 13, 1, "this block is fenced `toml quiz`"),
        ],
    ),
    (
        "one-choice",
        1,
        &[(
            "error",
            "a.md",
            3,
            1,
            "a choice question needs at least 2 choices, this one has 1",
        )],
    ),
    (
        "one-text-answer",
        0,
        &[
            (
                "warning",
                "a.md",
                8,
                12,
                "`3` is the only accepted answer, but numbers can be written another way",
            ),
            (
                "warning",
                "a.md",
                15,
                12,
                "`git commit -a -m` is the only accepted answer, but flags can be written another way",
            ),
        ],
    ),
    (
        "position-bias",
        0,
        &[(
            "warning",
            "a.md",
            5,
            1,
            "the right answer is choice 1 in 3 of the 4 choice questions with one right answer and no `shuffle`",
        )],
    ),
    (
        "quiz-links",
        0,
        &[
            (
                "warning",
                "a.md",
                7,
                16,
                "link target `missing.md` does not exist in the pack",
            ),
            (
                "warning",
                "a.md",
                9,
                16,
                "link target `gone.png` does not exist in the pack",
            ),
            (
                "warning",
                "a.md",
                14,
                34,
                "link target `nothing.md` does not exist in the pack",
            ),
        ],
    ),
    (
        "redundant-answer",
        0,
        &[
            (
                "warning",
                "a.md",
                8,
                26,
                "accepted answer `Git Status` differs from `git status` only by letter case",
            ),
            (
                "warning",
                "a.md",
                8,
                40,
                "accepted answer `git  status` differs from `git status` only by spacing",
            ),
        ],
    ),
    (
        "setext-rule",
        0,
        &[(
            "warning",
            "a.md",
            4,
            1,
            "this `---` directly under a paragraph turns that paragraph into a heading",
        )],
    ),
    (
        "two-item-order",
        0,
        &[(
            "warning",
            "a.md",
            8,
            9,
            "an order question with 2 items is a coin toss",
        )],
    ),
    (
        "yaml-front-matter",
        1,
        &[(
            "error",
            "a.md",
            1,
            1,
            "this is YAML front matter, which morsel does not read",
        )],
    ),
];

#[test]
fn each_lint_fixture_gives_its_diagnostics_at_file_line_column() {
    let dir = fixture("invalid/lints");
    let mut on_disk: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| name != "duplicate-course-id")
        .collect();
    on_disk.sort();
    let listed: Vec<_> = LINTS.iter().map(|c| c.0).collect();
    assert_eq!(on_disk, listed, "every lint fixture has an expectation");

    for &(name, code, expected) in LINTS {
        let (status, doc) = check_json(&[dir.join(name)]);
        assert_eq!(status, Some(code), "{name}");
        let found = doc["packs"][0]["diagnostics"].as_array().unwrap();
        assert_eq!(found.len(), expected.len(), "{name}: {found:?}");
        for (d, &(severity, file, line, column, message)) in found.iter().zip(expected) {
            assert_eq!(
                (
                    d["severity"].as_str().unwrap(),
                    d["file"].as_str().unwrap(),
                    d["line"].as_u64().unwrap(),
                    d["column"].as_u64().unwrap()
                ),
                (severity, file, line, column),
                "{name}: {d}"
            );
            let text = d["message"].as_str().unwrap();
            assert!(text.contains(message), "{name}: {text:?} lacks {message:?}");
        }
    }
}

#[test]
fn every_new_warning_says_how_to_fix_it_on_one_line() {
    for &(name, _, _) in LINTS {
        let output = morsel()
            .arg("check")
            .arg(fixture("invalid/lints").join(name))
            .output()
            .unwrap();
        let text = String::from_utf8(output.stdout).unwrap();
        let first = text.lines().next().unwrap_or_default();
        assert!(
            first.starts_with("warning: ") || first.starts_with("error: "),
            "{name}: {text}"
        );
        // The fix follows the problem in the same message: after a `;` or a `:`, an instruction to the author.
        assert!(
            ["; ", ": "].iter().any(|sep| first.contains(sep)),
            "{name}: {first}"
        );
    }
}

#[test]
fn two_packs_with_one_course_id_checked_together_warn_at_the_second_id() {
    let dir = fixture("invalid/lints/duplicate-course-id");
    let (first, second) = (dir.join("first"), dir.join("second"));
    let (code, doc) = check_json(&[first.clone(), second.clone()]);
    assert_eq!(code, Some(0), "a warning");
    assert_eq!(doc["packs"][0]["diagnostics"].as_array().unwrap().len(), 0);
    let d = &doc["packs"][1]["diagnostics"][0];
    assert_eq!(
        (
            d["file"].as_str().unwrap(),
            d["line"].as_u64().unwrap(),
            d["column"].as_u64().unwrap()
        ),
        ("course.toml", 1, 6)
    );
    assert_eq!(
        d["message"].as_str().unwrap(),
        format!(
            "course id `same-course` is also the id of the pack at {}; progress is kept by course id, so the two would share it: give one of them another `id`",
            first.display()
        )
    );
    // Each alone, or one pack given twice, is clean.
    let (_, doc) = check_json(std::slice::from_ref(&second));
    assert_eq!(doc["packs"][0]["diagnostics"].as_array().unwrap().len(), 0);
    let (_, doc) = check_json(&[second.clone(), second]);
    assert_eq!(doc["packs"][1]["diagnostics"].as_array().unwrap().len(), 0);
}

#[test]
fn list_marks_a_second_pack_with_the_same_course_id() {
    let db = tempfile::tempdir().unwrap();
    let dir = fixture("invalid/lints/duplicate-course-id");
    let output = morsel()
        .arg("--db")
        .arg(db.path().join("p.db"))
        .arg("--courses")
        .arg(&dir)
        .arg("list")
        .output()
        .unwrap();
    let stdout = String::from_utf8(output.stdout).unwrap();
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines.len(), 2, "{stdout}");
    assert!(!lines[0].contains("same id as"), "{stdout}");
    assert!(
        lines[1].contains(&format!(
            "! same id as {}: progress is shared",
            dir.join("first").display()
        )),
        "{stdout}"
    );
    let json = morsel()
        .arg("--db")
        .arg(db.path().join("p.db"))
        .arg("--courses")
        .arg(&dir)
        .args(["list", "--format", "json"])
        .output()
        .unwrap();
    let doc: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    assert_eq!(doc["courses"][0]["duplicate_of"], serde_json::Value::Null);
    assert_eq!(
        doc["courses"][1]["duplicate_of"],
        dir.join("first").display().to_string()
    );
}

/// A fresh `morsel new` pack in a temporary folder.
fn new_pack(args: &[&str]) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let pack = dir.path().join("My Course_2");
    morsel().arg("new").arg(&pack).args(args).assert().success();
    (dir, pack)
}

#[test]
fn new_writes_a_pack_that_checks_clean_with_every_kind() {
    let (_dir, pack) = new_pack(&[]);
    let (code, doc) = check_json(std::slice::from_ref(&pack));
    assert_eq!(code, Some(0));
    let p = &doc["packs"][0];
    assert_eq!(p["diagnostics"].as_array().unwrap().len(), 0, "{p}");
    assert_eq!(p["course"]["id"], "my-course-2");
    assert_eq!(p["course"]["title"], "My course 2");
    let lessons = p["lessons"].as_array().unwrap();
    assert_eq!(lessons.len(), 2);
    assert!(
        lessons
            .iter()
            .map(|l| l["cards"].as_u64().unwrap())
            .sum::<u64>()
            >= 1
    );
    assert!(pack.join("README.md").is_file());
    let readme = std::fs::read_to_string(pack.join("README.md")).unwrap();
    assert!(readme.contains("morsel check") && readme.contains("morsel preview"));
    // Every question kind is shown: choice, pick-all, true/false, text, order.
    let printed = morsel()
        .args(["print", "--answers"])
        .arg(&pack)
        .output()
        .unwrap();
    let text = String::from_utf8(printed.stdout).unwrap();
    // The pick-all question has two right choices.
    assert!(text.contains("1. Questions ✓\n  2. Cards ✓\n"), "{text}");
    for kind in [
        "Question (choice)",
        "Question (truefalse)",
        "Question (text)",
        "Question (order)",
        "Card",
    ] {
        assert!(text.contains(kind), "{kind} missing from:\n{text}");
    }
}

#[test]
fn new_takes_the_id_and_title_given() {
    let (_dir, pack) = new_pack(&["--id", "rust-1", "--title", "Rust, first steps"]);
    let (_, doc) = check_json(&[pack]);
    assert_eq!(doc["packs"][0]["course"]["id"], "rust-1");
    assert_eq!(doc["packs"][0]["course"]["title"], "Rust, first steps");
}

#[test]
fn new_refuses_a_non_empty_folder_and_a_bad_id() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("notes.txt"), "mine").unwrap();
    morsel()
        .arg("new")
        .arg(dir.path())
        .assert()
        .code(2)
        .stderr(predicate::str::contains("is not empty"));
    assert_eq!(
        std::fs::read_dir(dir.path()).unwrap().count(),
        1,
        "nothing is written"
    );
    assert_eq!(
        std::fs::read_to_string(dir.path().join("notes.txt")).unwrap(),
        "mine"
    );
    morsel()
        .arg("new")
        .arg(dir.path().join("fresh"))
        .args(["--id", "Not Valid"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("`Not Valid` is not a valid id"));
    assert!(!dir.path().join("fresh").exists());
    // An empty folder that exists is fine.
    let empty = dir.path().join("empty");
    std::fs::create_dir(&empty).unwrap();
    morsel().arg("new").arg(&empty).assert().success();
    assert!(empty.join("course.toml").is_file());
}

#[cfg(unix)]
#[test]
fn a_fifo_in_lessons_is_a_warning_and_is_never_opened() {
    let temp = tempfile::tempdir().unwrap();
    let pack = temp.path().join("pack");
    std::fs::create_dir_all(pack.join("lessons")).unwrap();
    std::fs::write(
        pack.join("course.toml"),
        "id = \"fifo\"\ntitle = \"Fifo\"\n",
    )
    .unwrap();
    std::fs::write(pack.join("lessons/a.md"), "# A\n\nText.\n").unwrap();
    let fifo = pack.join("lessons/b.md");
    crate::mkfifo(&fifo);
    // A FIFO opened for reading would wait for a writer forever: `check` returning at all shows it was not opened.
    let (status, doc) = check_json(&[pack]);
    assert_eq!(status, Some(0), "{doc}");
    let found = doc["packs"][0]["diagnostics"].as_array().unwrap();
    assert_eq!(found.len(), 1, "{doc}");
    assert_eq!(found[0]["file"], "lessons/b.md");
    assert_eq!(
        found[0]["message"],
        "`lessons/b.md` is a FIFO (named pipe), not a regular file, so it is never read as a lesson; put a lesson \
         file in its place, or move it elsewhere"
    );
}
