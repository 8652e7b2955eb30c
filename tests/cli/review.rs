//! Spaced review end to end: play a lesson with a miss, move the clock (`MORSEL_NOW_MS`, for tests only), and
//! `morsel review` brings back exactly the items due; answering them moves their due dates, and `stats` reads
//! mastery by the new rule.

use std::path::{Path, PathBuf};

use crate::at;

const T0: i64 = 1_795_000_000_000;
const DAY: i64 = 86_400_000;

/// A pack of two true/false questions and a card, in a temporary folder.
fn pack(dir: &Path) -> PathBuf {
    let root = dir.join("pack");
    std::fs::create_dir_all(root.join("lessons")).unwrap();
    std::fs::write(
        root.join("course.toml"),
        "id = \"rp\"\ntitle = \"Review pack\"\n",
    )
    .unwrap();
    std::fs::write(
        root.join("lessons/a.md"),
        "+++\nid = \"a\"\ntitle = \"Truths\"\n+++\nSome facts.\n\n\
         ```quiz\nid = \"sky\"\nkind = \"truefalse\"\nprompt = \"The sky is blue.\"\nanswer = true\n```\n\n\
         ```quiz\nid = \"fire\"\nkind = \"truefalse\"\nprompt = \"Fire is cold.\"\nanswer = false\n```\n\n\
         ```card\nid = \"water\"\nfront = \"Water boils at?\"\nback = \"100 °C at sea level.\"\n```\n",
    )
    .unwrap();
    root
}

fn due_dates(dir: &Path) -> Vec<(String, i64)> {
    let conn = rusqlite::Connection::open(dir.join("progress.db")).unwrap();
    let mut stmt = conn
        .prepare("SELECT item_id, due_at FROM review_items ORDER BY item_id")
        .unwrap();
    stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect()
}

#[test]
fn a_missed_question_comes_back_when_due_and_a_right_review_counts_toward_mastery() {
    let dir = tempfile::tempdir().unwrap();
    let pack = pack(dir.path());
    let pack_arg = pack.to_str().unwrap();
    // Miss `sky`, get `fire` right, rate the card Good.
    let (ok, out, err) = at(
        dir.path(),
        T0,
        &["play", "--plain", pack_arg],
        "next\nfalse\nnext\nfalse\nnext\nnext\ngood\nquit\n",
    );
    assert!(ok, "{err}");
    assert!(
        out.contains("Right on the first try: 1 of 2 (50%)"),
        "{out}"
    );
    // Every item entered the schedule as it was met: Again tomorrow, Good in two days.
    assert_eq!(
        due_dates(dir.path()),
        [
            ("fire".to_string(), T0 + 2 * DAY),
            ("sky".to_string(), T0 + DAY),
            ("water".to_string(), T0 + 2 * DAY),
        ]
    );

    // The same day: nothing is due, and it says when something is.
    let (ok, out, _) = at(dir.path(), T0, &["review", "--plain"], "");
    assert!(ok);
    assert!(
        out.contains("Nothing due now; the next item comes back tomorrow."),
        "{out}"
    );

    // A day later: exactly the missed question.
    let (ok, out, err) = at(dir.path(), T0 + DAY, &["review", "--plain"], "true\nnext\n");
    assert!(ok, "{err}");
    assert!(
        out.contains("Review 1 of 1: Review pack › Truths."),
        "{out}"
    );
    assert!(out.contains("Question: The sky is blue."), "{out}");
    assert!(
        !out.contains("Fire is cold") && !out.contains("Water boils"),
        "{out}"
    );
    assert!(out.contains("Right.\nComes back in "), "{out}");
    assert!(out.contains("Reviewed 1: 1 remembered."), "{out}");
    let sky = due_dates(dir.path())
        .into_iter()
        .find(|(id, _)| id == "sky")
        .unwrap()
        .1;
    assert!(sky > T0 + 2 * DAY, "recalled: its interval grew ({sky})");

    // stats reads mastery by the new rule: a scheduled review right makes `sky` known, so 2 of 2.
    let (ok, out, err) = at(
        dir.path(),
        T0 + DAY,
        &[
            "stats",
            "rp",
            "--format",
            "json",
            "--courses",
            dir.path().to_str().unwrap(),
        ],
        "",
    );
    assert!(ok, "{err}");
    let doc: serde_json::Value = serde_json::from_str(&out).unwrap();
    let lesson = &doc["courses"][0]["lessons"][0];
    assert_eq!(lesson["mastered"], true, "{doc}");
    assert_eq!(
        lesson["question_list"],
        serde_json::json!([{"id": "sky", "known": true}, {"id": "fire", "known": true}])
    );
}

#[test]
fn a_retry_in_the_same_sitting_is_practice_and_leaves_the_lesson_unmastered() {
    let dir = tempfile::tempdir().unwrap();
    let pack = pack(dir.path());
    let (ok, out, err) = at(
        dir.path(),
        T0,
        &["play", "--plain", pack.to_str().unwrap()],
        "next\nfalse\nretry\ntrue\nnext\nfalse\nnext\nnext\ngood\nretry\ntrue\nnext\nquit\n",
    );
    assert!(ok, "{err}");
    assert!(out.contains("Right on retry: 1 of 2"), "{out}");
    let (_, out, _) = at(
        dir.path(),
        T0,
        &[
            "stats",
            "rp",
            "--format",
            "json",
            "--courses",
            dir.path().to_str().unwrap(),
        ],
        "",
    );
    let doc: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(doc["courses"][0]["lessons"][0]["mastered"], false, "{doc}");
    // The retries were logged as practice and did not move the schedule: `sky` is due tomorrow.
    assert!(due_dates(dir.path()).contains(&("sky".to_string(), T0 + DAY)));
}

#[test]
fn studying_ahead_reviews_what_is_not_due_yet_as_early() {
    let dir = tempfile::tempdir().unwrap();
    let pack = pack(dir.path());
    let _ = at(
        dir.path(),
        T0,
        &["play", "--plain", pack.to_str().unwrap()],
        "next\ntrue\nnext\nfalse\nnext\nnext\ngood\nquit\n",
    );
    let (ok, out, err) = at(
        dir.path(),
        T0,
        &["review", "--plain", "--ahead", "--limit", "1"],
        "true\nnext\n",
    );
    assert!(ok, "{err}");
    assert!(out.contains("Review 1 of 1"), "{out}");
    let conn = rusqlite::Connection::open(dir.path().join("progress.db")).unwrap();
    let early: i64 = conn
        .query_row(
            "SELECT count(*) FROM review_log WHERE review_kind = 'early'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(early, 1);
}

#[test]
fn optimize_says_how_many_reviews_there_are_and_how_many_it_needs() {
    let dir = tempfile::tempdir().unwrap();
    let pack = pack(dir.path());
    let _ = at(
        dir.path(),
        T0,
        &["play", "--plain", pack.to_str().unwrap()],
        "next\nfalse\nnext\nfalse\nnext\nnext\ngood\nquit\n",
    );
    let (ok, out, err) = at(dir.path(), T0, &["review", "--optimize"], "");
    assert!(ok, "{err}");
    assert!(
        out.contains("3 graded reviews so far") && out.contains("needs at least 64"),
        "{out}"
    );
    let conn = rusqlite::Connection::open(dir.path().join("progress.db")).unwrap();
    let stored: i64 = conn
        .query_row("SELECT count(*) FROM fsrs_parameters", [], |r| r.get(0))
        .unwrap();
    assert_eq!(stored, 0, "nothing fitted, nothing stored");
}

#[test]
fn first_try_means_the_first_try_and_known_is_its_own_figure() {
    let dir = tempfile::tempdir().unwrap();
    let pack = pack(dir.path());
    let pack_arg = pack.to_str().unwrap();
    let courses = dir.path().to_str().unwrap();
    // Skip `sky`, get `fire` right; a day later `sky` is right in its review.
    let _ = at(
        dir.path(),
        T0,
        &["play", "--plain", pack_arg],
        "next\n:skip\nnext\nfalse\nnext\nnext\ngood\nquit\n",
    );
    let (ok, _, err) = at(dir.path(), T0 + DAY, &["review", "--plain"], "true\nnext\n");
    assert!(ok, "{err}");
    // Replaying the lesson: one right the first time, two known, and the summary says both without contradiction.
    let (ok, out, err) = at(
        dir.path(),
        T0 + DAY,
        &["play", "--plain", pack_arg, "--lesson", "a"],
        "next\nquit\n",
    );
    assert!(ok, "{err}");
    assert!(
        out.contains("Right on the first try: 1 of 2 (50%).\n"),
        "{out}"
    );
    assert!(
        out.contains("Known: 2 of 2 (100%), right the first time or in a review on a later day. Pass mark: 80%.\nCards recalled: 1 of 1.\nMastered.\nMissed 1:\n- The sky is blue."),
        "{out}"
    );
    let (ok, out, err) = at(
        dir.path(),
        T0 + DAY,
        &["stats", "rp", "--courses", courses],
        "",
    );
    assert!(ok, "{err}");
    assert!(
        out.contains("accuracy  50% right on the first try (1 of 2 questions); 2 known"),
        "{out}"
    );
    assert!(
        out.contains("▶ a         1/1        2/2    50%    2/2    1 min  mastered"),
        "{out}"
    );
    let (_, out, _) = at(
        dir.path(),
        T0 + DAY,
        &["stats", "rp", "--format", "json", "--courses", courses],
        "",
    );
    let doc: serde_json::Value = serde_json::from_str(&out).unwrap();
    let lesson = &doc["courses"][0]["lessons"][0];
    assert_eq!(lesson["first_try_right"], 1, "{doc}");
    assert_eq!(lesson["known"], 2, "{doc}");
    assert_eq!(lesson["score_percent"], 50, "{doc}");
    assert_eq!(lesson["mastered"], true, "{doc}");
}

/// A lesson of two flashcards only, as an Anki import makes.
fn cards_pack(dir: &Path) -> PathBuf {
    let root = dir.join("cards");
    std::fs::create_dir_all(root.join("lessons")).unwrap();
    std::fs::write(root.join("course.toml"), "id = \"cp\"\ntitle = \"Cards\"\n").unwrap();
    std::fs::write(
        root.join("lessons/deck.md"),
        "+++\nid = \"deck\"\ntitle = \"Deck\"\n+++\n\
         ```card\nid = \"one\"\nfront = \"One?\"\nback = \"1\"\n```\n\n\
         ```card\nid = \"two\"\nfront = \"Two?\"\nback = \"2\"\n```\n",
    )
    .unwrap();
    root
}

fn lesson_json(dir: &Path, now: i64) -> serde_json::Value {
    let (ok, out, err) = at(
        dir,
        now,
        &[
            "stats",
            "cp",
            "--format",
            "json",
            "--courses",
            dir.to_str().unwrap(),
        ],
        "",
    );
    assert!(ok, "{err}");
    let doc: serde_json::Value = serde_json::from_str(&out).unwrap();
    doc["courses"][0]["lessons"][0].clone()
}

#[test]
fn a_lesson_of_cards_is_mastered_once_every_card_is_recalled_at_its_last_rating() {
    let dir = tempfile::tempdir().unwrap();
    let pack = cards_pack(dir.path());
    let pack_arg = pack.to_str().unwrap();
    // Both cards rated Again: complete, not mastered.
    let (ok, out, err) = at(
        dir.path(),
        T0,
        &["play", "--plain", pack_arg],
        "next\nagain\nnext\nagain\nnext\nquit\n",
    );
    assert!(ok, "{err}");
    assert!(out.contains("Cards recalled: 0 of 2."), "{out}");
    assert!(!out.contains("Mastered."), "{out}");
    assert!(out.contains("Not mastered yet"), "{out}");
    let lesson = lesson_json(dir.path(), T0);
    assert_eq!(
        (&lesson["complete"], &lesson["mastered"]),
        (&true.into(), &false.into()),
        "{lesson}"
    );
    assert_eq!(lesson["cards_recalled"], 0, "{lesson}");
    // A day later both come back; recalled, the lesson is mastered.
    let (ok, _, err) = at(
        dir.path(),
        T0 + DAY,
        &["review", "--plain"],
        "next\ngood\nnext\nnext\ngood\nnext\n",
    );
    assert!(ok, "{err}");
    let lesson = lesson_json(dir.path(), T0 + DAY);
    assert_eq!(lesson["mastered"], true, "{lesson}");
    assert_eq!(lesson["cards_recalled"], 2, "{lesson}");
}

#[test]
fn a_lesson_whose_cards_were_all_skipped_is_not_complete() {
    let dir = tempfile::tempdir().unwrap();
    let pack = cards_pack(dir.path());
    let (ok, out, err) = at(
        dir.path(),
        T0,
        &["play", "--plain", pack.to_str().unwrap()],
        "next\n:skip\nnext\n:skip\nnext\nquit\n",
    );
    assert!(ok, "{err}");
    assert!(!out.contains("Mastered."), "{out}");
    let lesson = lesson_json(dir.path(), T0);
    assert_eq!(
        (&lesson["complete"], &lesson["mastered"]),
        (&false.into(), &false.into()),
        "{lesson}"
    );
}

#[test]
fn restart_asks_the_questions_again_as_practice_and_promises_only_what_comes() {
    let dir = tempfile::tempdir().unwrap();
    let pack = pack(dir.path());
    let pack_arg = pack.to_str().unwrap();
    let _ = at(
        dir.path(),
        T0,
        &["play", "--plain", pack_arg],
        "next\nfalse\nnext\nfalse\nnext\nnext\ngood\nquit\n",
    );
    let before = due_dates(dir.path());
    // Done again: every question and the card are asked, the miss now right.
    let (ok, out, err) = at(
        dir.path(),
        T0 + 60_000,
        &["play", "--plain", pack_arg, "--restart"],
        "next\ntrue\nnext\nfalse\nnext\nnext\ngood\nquit\n",
    );
    assert!(ok, "{err}");
    assert!(out.contains("(next: the questions of this bite)"), "{out}");
    assert!(
        out.contains("Question: The sky is blue.") && out.contains("Card: Water boils at?"),
        "{out}"
    );
    // Practice: the first try stays a miss, the schedule does not move.
    assert!(
        out.contains("Right on the first try: 1 of 2 (50%)"),
        "{out}"
    );
    assert!(out.contains("Right on retry: 1 of 2"), "{out}");
    assert_eq!(due_dates(dir.path()), before);
    // Played to its end once more, nothing is left to ask: no promise of questions.
    let (ok, out, err) = at(
        dir.path(),
        T0 + 120_000,
        &["play", "--plain", pack_arg, "--lesson", "a"],
        "next\nquit\n",
    );
    assert!(ok, "{err}");
    assert!(!out.contains("(next: the questions of this bite)"), "{out}");
    assert!(out.contains("End of lesson: Truths."), "{out}");
}

#[test]
fn restart_of_a_lesson_of_questions_only_asks_them_again() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("gift");
    std::fs::create_dir_all(root.join("lessons")).unwrap();
    std::fs::write(root.join("course.toml"), "id = \"g\"\ntitle = \"Gift\"\n").unwrap();
    std::fs::write(
        root.join("lessons/q.md"),
        "+++\nid = \"q\"\ntitle = \"Quiz\"\n+++\n\
         ```quiz\nid = \"sky\"\nkind = \"truefalse\"\nprompt = \"The sky is blue.\"\nanswer = true\n```\n",
    )
    .unwrap();
    let root_arg = root.to_str().unwrap();
    let _ = at(
        dir.path(),
        T0,
        &["play", "--plain", root_arg],
        "true\nnext\nquit\n",
    );
    let (ok, out, err) = at(
        dir.path(),
        T0 + 60_000,
        &["play", "--plain", root_arg, "--restart"],
        "true\nnext\nquit\n",
    );
    assert!(ok, "{err}");
    assert!(out.contains("Question: The sky is blue."), "{out}");
    assert!(
        out.contains("Right on the first try: 1 of 1 (100%)"),
        "{out}"
    );
}

#[test]
fn next_at_a_cards_rating_asks_for_the_rating_not_an_answer() {
    let dir = tempfile::tempdir().unwrap();
    let pack = pack(dir.path());
    let (ok, out, err) = at(
        dir.path(),
        T0,
        &["play", "--plain", pack.to_str().unwrap()],
        "next\ntrue\nnext\nfalse\nnext\nnext\nnext\ngood\nquit\n",
    );
    assert!(ok, "{err}");
    assert!(
        out.contains("> Rate it first: 1 again, 2 hard, 3 good, 4 easy; or type skip.\n"),
        "{out}"
    );
    assert!(!out.contains("Answer first"), "{out}");
}

#[test]
fn plain_lines_of_a_long_question_wrap_within_80_columns_under_their_label() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("long");
    std::fs::create_dir_all(root.join("lessons")).unwrap();
    std::fs::write(
        root.join("course.toml"),
        "id = \"long\"\ntitle = \"Long\"\n",
    )
    .unwrap();
    let prompt = "Is this a rather long question, long enough that its one line would run past the eighty columns of a terminal and of a braille display?";
    std::fs::write(
        root.join("lessons/a.md"),
        format!(
            "+++\nid = \"a\"\ntitle = \"A\"\n+++\nText.\n\n```quiz\nid = \"q\"\nkind = \"truefalse\"\nprompt = \"{prompt}\"\nanswer = true\n```\n"
        ),
    )
    .unwrap();
    let (ok, out, err) = at(
        dir.path(),
        T0,
        &["play", "--plain", root.to_str().unwrap()],
        "next\nquit\n",
    );
    assert!(ok, "{err}");
    for line in out.lines() {
        assert!(
            morsel::text::width(line) <= 80,
            "{line:?} is wider than 80 columns:\n{out}"
        );
    }
    assert!(
        out.contains("\nQuestion: Is this a rather long question,") && out.contains("\n          "),
        "continuation lines under the text:\n{out}"
    );
}
