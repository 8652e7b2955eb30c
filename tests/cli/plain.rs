//! `morsel play --plain` end to end: a course played to its end through stdin and stdout, as a screen reader user
//! or a script would, then checked with `morsel stats`.

use std::io::{Read, Write};
use std::process::{ChildStdin, Command, Stdio};
use std::sync::mpsc::{self, Receiver};
use std::time::Duration;

use crate::bound::{Guarded, wait_within};
use crate::fixture;

struct Plain {
    child: Guarded,
    stdin: ChildStdin,
    output: Receiver<String>,
    transcript: String,
}

impl Plain {
    fn start(args: &[&str]) -> Self {
        let mut child = Guarded::spawn(
            Command::new(assert_cmd::cargo::cargo_bin("morsel"))
                .args(args)
                .stdin(Stdio::piped())
                .stdout(Stdio::piped())
                .stderr(Stdio::inherit()),
        );
        let mut stdout = child.stdout.take().unwrap();
        let (tx, output) = mpsc::channel();
        std::thread::spawn(move || {
            let mut buf = [0u8; 4096];
            while let Ok(n) = stdout.read(&mut buf) {
                if n == 0
                    || tx
                        .send(String::from_utf8_lossy(&buf[..n]).into_owned())
                        .is_err()
                {
                    break;
                }
            }
        });
        let stdin = child.stdin.take().unwrap();
        Self {
            child,
            stdin,
            output,
            transcript: String::new(),
        }
    }

    /// Output up to the next prompt.
    fn screen(&mut self) -> String {
        let mut text = String::new();
        while !(text.ends_with("\n> ") || text == "> ") {
            match self.output.recv_timeout(Duration::from_secs(20)) {
                Ok(chunk) => text.push_str(&chunk),
                Err(_) => panic!("no prompt; transcript so far:\n{}{text}", self.transcript),
            }
        }
        self.transcript.push_str(&text);
        text
    }

    fn send(&mut self, line: &str) -> String {
        writeln!(self.stdin, "{line}").unwrap();
        self.transcript.push_str(line);
        self.transcript.push('\n');
        self.screen()
    }
}

/// The number a choice or item was shown with: lines like `2. text`.
fn shown_number(screen: &str, text: &str) -> String {
    screen
        .lines()
        .find_map(|l| {
            l.strip_suffix(text)
                .and_then(|n| n.strip_suffix(". "))
                .map(str::to_string)
        })
        .unwrap_or_else(|| panic!("`{text}` not shown in:\n{screen}"))
}

#[test]
fn a_course_played_to_its_end_with_plain_lines() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("plain.db");
    let pack = fixture("valid/every-construct");
    let args = [
        "--db",
        db.to_str().unwrap(),
        "play",
        "--plain",
        pack.to_str().unwrap(),
    ];
    let mut p = Plain::start(&args);

    let first = p.screen();
    assert!(
        first.contains("Every construct, lesson 1 of 3: Markdown, all of it. Bite 1 of 3."),
        "{first}"
    );
    assert!(first.contains("Heading one"));
    assert!(
        !first.contains('\u{1b}'),
        "plain output has no escape sequences"
    );
    p.send("");
    p.send("");
    // After the last bite, `next` shows the lesson summary; one more opens the next lesson.
    let summary = p.send("next");
    assert!(
        summary.contains("End of lesson: Markdown, all of it."),
        "{summary}"
    );
    let next_lesson = p.send("next");
    assert!(
        next_lesson.contains("lesson 2 of 3: Questions of every kind"),
        "{next_lesson}"
    );

    let q = p.send("next");
    assert!(q.contains("Question: Which is a pointer?"), "{q}");
    let hint = p.send(":hint");
    assert!(hint.contains("Hint: Cheap to create."), "{hint}");
    let n = shown_number(&q, "A branch");
    let verdict = p.send(&n);
    assert!(
        verdict.contains("Right.") && verdict.contains("Branches are pointers."),
        "{verdict}"
    );
    p.send("next");
    let all = p.send("next");
    assert_eq!(all.matches("Pick all that apply").count(), 1, "{all}");
    // A wrong answer states the learner's answer, the right one and the right choice missed, by number and text.
    let wrong = p.send("1");
    assert!(wrong.contains("Not quite."), "{wrong}");
    assert!(wrong.contains("Your answer: 1. 2."), "{wrong}");
    assert!(wrong.contains("The right answer: 1. 2; 3. 4."), "{wrong}");
    assert!(wrong.contains("Missed: 3. 4."), "{wrong}");
    let again = p.send("retry");
    assert!(again.contains("Which are even?"), "{again}");
    assert!(p.send("1 3").contains("Right."));
    p.send("next");
    assert!(p.send("true").contains("Right."));
    p.send("next");
    let text = p.send("next");
    assert!(
        text.contains("Name the command that records a snapshot."),
        "{text}"
    );
    assert!(
        p.send("Git  Commit").contains("Right."),
        "folded white space and case"
    );
    p.send("next");
    assert!(p.send("HEAD").contains("Right."));
    let order = p.send("next");
    let typed = format!(
        "{} {} {}",
        shown_number(&order, "edit"),
        shown_number(&order, "add"),
        shown_number(&order, "commit")
    );
    assert!(p.send(&typed).contains("Right."), "{}", p.transcript);
    p.send("next");
    let skipped = p.send(":skip");
    assert!(
        skipped.contains("Skipped.") && skipped.contains("The right answer: true."),
        "{skipped}"
    );
    let summary = p.send("next");
    assert!(
        summary.contains("Right on the first try: 5 of 7 (71%). Pass mark: 75%."),
        "{summary}"
    );
    // The missed questions are listed, by their prompts.
    assert!(
        summary.contains("Not mastered yet: missed questions come back for review")
            && summary.contains("Missed 2:\n- Which are even?\n- Derived ids work.\n"),
        "{summary}"
    );

    // Retry the two missed questions, in whatever order they come: practice, which does not master the lesson.
    let mut question = p.send("retry");
    assert!(
        question.contains("Retrying the missed questions."),
        "{question}"
    );
    for _ in 0..2 {
        let answer = if question.contains("Which are even?") {
            "1 3"
        } else {
            "true"
        };
        assert!(
            question.contains("Which are even?") || question.contains("Derived ids work."),
            "{question}"
        );
        assert!(p.send(answer).contains("Right."), "{}", p.transcript);
        question = p.send("next");
    }
    let summary = question;
    assert!(
        summary.contains("Right on the first try: 5 of 7 (71%).")
            && summary.contains("Right on retry: 2 of 7"),
        "{summary}"
    );
    assert!(summary.contains("Not mastered yet"), "{summary}");

    let cards = p.send("next");
    assert!(cards.contains("lesson 3 of 3: Cards"), "{cards}");
    let card = p.send("next");
    assert!(card.contains("Card: What is HEAD?"), "{card}");
    assert!(p.send("next").contains("Back: The current branch"));
    let rated = p.send("good");
    assert!(
        rated.contains("Rated.") && rated.contains("Card: A card with a derived id"),
        "{rated}"
    );
    assert!(
        p.send("next").contains("Back: Its id comes from"),
        "{}",
        p.transcript
    );
    p.send("3");
    let done = p.send("next");
    assert!(
        done.contains(
            "Course complete: Every construct.\nLessons complete: 3 of 3. Mastered: 2 of 3."
        ),
        "{}",
        p.transcript
    );
    writeln!(p.stdin, "quit").unwrap();
    assert!(wait_within(&mut p.child, "play --plain after quit").success());

    let output = crate::morsel()
        .args([
            "--db",
            db.to_str().unwrap(),
            "stats",
            "every-construct",
            "--format",
            "json",
        ])
        .env("MORSEL_COURSES", fixture("valid").to_str().unwrap())
        .output()
        .unwrap();
    let doc: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let lessons = doc["courses"][0]["lessons"].as_array().unwrap();
    let mastered: Vec<bool> = lessons.iter().map(|l| l["mastered"] == true).collect();
    assert_eq!(mastered, [true, false, true], "a retry is practice: {doc}");
    assert!(lessons.iter().all(|l| l["complete"] == true), "{doc}");
    assert_eq!(doc["courses"][0]["finished"], true);
}

fn plain_once(args: &[&str], input: &str) -> (Option<i32>, String, String) {
    let output = crate::morsel()
        .args(args)
        .write_stdin(input)
        .output()
        .unwrap();
    (
        output.status.code(),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

#[test]
fn play_options_choose_where_to_start() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("p.db");
    let valid = fixture("valid");
    let base = [
        "--db",
        db.to_str().unwrap(),
        "--courses",
        valid.to_str().unwrap(),
        "play",
        "--plain",
    ];
    let play = |extra: &[&str], input: &str| plain_once(&[&base[..], extra].concat(), input);

    // By course id on the course path, starting at a lesson.
    let (code, out, _) = play(&["every-construct", "--lesson", "cards"], "quit\n");
    assert_eq!(code, Some(0));
    assert!(out.contains("lesson 3 of 3: Cards. Bite 1 of 1."), "{out}");
    // Moving on saves the place; the next start resumes there; --restart starts over.
    let (_, out, _) = play(&["every-construct"], "next\nquit\n");
    assert!(
        out.contains("lesson 3 of 3: Cards"),
        "resumed where the last run left: {out}"
    );
    let (_, out, _) = play(&["every-construct", "--restart"], "quit\n");
    assert!(
        out.contains("lesson 1 of 3: Markdown, all of it. Bite 1 of 3."),
        "{out}"
    );
    // Mistakes are named.
    let (code, _, err) = play(&["every-construct", "--lesson", "nope"], "");
    assert_eq!(code, Some(2));
    assert!(
        err.contains("course `every-construct` has no lesson `nope`; its lessons are: intro, questions, cards"),
        "{err}"
    );
    let (code, _, err) = play(&[fixture("invalid/unknown-key").to_str().unwrap()], "");
    assert_eq!(code, Some(2));
    assert!(
        err.contains("unknown key `pass_mak`") && err.contains("has errors"),
        "{err}"
    );
}

#[test]
fn plain_commands_back_pause_and_help() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("p.db");
    let pack = fixture("valid/every-construct");
    let (code, out, _) = plain_once(
        &[
            "--db",
            db.to_str().unwrap(),
            "play",
            "--plain",
            pack.to_str().unwrap(),
        ],
        "help\nnext\nback\nback\npause\nanything\nquit\n",
    );
    assert_eq!(code, Some(0));
    assert!(
        out.contains("Commands: next (or an empty line), back"),
        "{out}"
    );
    assert!(
        out.contains("Bite 2 of 3.") && out.matches("Bite 1 of 3.").count() == 3,
        "{out}"
    );
    assert!(out.contains("This is the first bite."), "{out}");
    assert!(
        out.contains("Paused; the clock is stopped.") && out.contains("Resumed."),
        "{out}"
    );
    assert!(out.trim_end().ends_with("Saved. Bye."), "{out}");
}

#[test]
fn a_bad_config_file_is_named_with_its_line() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("config.toml");
    std::fs::write(&config, "theme = \"dark\"\nidle_pause = 3\n").unwrap();
    let (code, _, err) = plain_once(
        &[
            "--db",
            dir.path().join("p.db").to_str().unwrap(),
            "--config",
            config.to_str().unwrap(),
            "play",
            "--plain",
            fixture("valid/minimal").to_str().unwrap(),
        ],
        "",
    );
    assert_eq!(code, Some(2));
    assert!(
        err.contains(&format!(
            "{}:2:1: unknown field `idle_pause`",
            config.display()
        )),
        "{err}"
    );
    std::fs::write(&config, "[keys]\nnext = [\"1\"]\n").unwrap();
    let (code, _, err) = plain_once(
        &[
            "--config",
            config.to_str().unwrap(),
            "--db",
            dir.path().join("p.db").to_str().unwrap(),
            "play",
            "--plain",
            "x",
        ],
        "",
    );
    assert_eq!(code, Some(2));
    assert!(
        err.contains("kept for answers") && err.contains(&config.display().to_string()),
        "{err}"
    );
    // An action bound to no key at all could never be done.
    std::fs::write(&config, "[keys]\nquit = []\n").unwrap();
    let (code, _, err) = plain_once(
        &[
            "--config",
            config.to_str().unwrap(),
            "--db",
            dir.path().join("p.db").to_str().unwrap(),
            "play",
            "--plain",
            "x",
        ],
        "",
    );
    assert_eq!(code, Some(2));
    assert!(
        err.contains("[keys] quit: an action needs a key")
            && err.contains(&config.display().to_string()),
        "{err}"
    );
}

#[test]
fn a_bite_with_only_a_question_opens_at_the_question() {
    let dir = tempfile::tempdir().unwrap();
    let pack = dir.path().join("pack");
    std::fs::create_dir_all(&pack).unwrap();
    std::fs::write(pack.join("course.toml"), "id = \"q\"\ntitle = \"Q\"\n").unwrap();
    std::fs::write(
        pack.join("one.md"),
        "+++\nid = \"one\"\ntitle = \"One\"\n+++\nSome text.\n\n---\n\n```quiz\nid = \"tf\"\nkind = \"truefalse\"\nprompt = \"Is this the only question?\"\nanswer = true\n```\n",
    )
    .unwrap();
    let db = dir.path().join("p.db");
    let args = [
        "--db",
        db.to_str().unwrap(),
        "play",
        "--plain",
        pack.to_str().unwrap(),
    ];
    let (code, out, _) = plain_once(&args, "next\nfalse\n");
    assert_eq!(code, Some(0));
    let second = out.split("> ").nth(1).unwrap_or_else(|| panic!("{out}"));
    assert!(
        second.starts_with(
            "\nQ, lesson 1 of 1: One. Bite 2 of 2.\n\nQuestion: Is this the only question?"
        ),
        "where the learner is, then the question, with no empty page between: {second:?}"
    );
    assert!(
        out.contains("Not quite.\nYour answer: false.\nThe right answer: true.\n"),
        "{out}"
    );
    // The next start is saved on that bite; with its question answered there is nothing on it left to show, so it
    // opens at what comes next: the lesson's summary, not an empty page.
    let (_, out, _) = plain_once(&args, "quit\n");
    assert!(
        out.starts_with("\nEnd of lesson: One.") && !out.contains("Question:"),
        "{out}"
    );
}

#[test]
fn pick_all_that_apply_is_said_once_when_the_prompt_says_it() {
    let dir = tempfile::tempdir().unwrap();
    let pack = dir.path().join("pack");
    std::fs::create_dir_all(&pack).unwrap();
    std::fs::write(pack.join("course.toml"), "id = \"k\"\ntitle = \"K\"\n").unwrap();
    std::fs::write(
        pack.join("one.md"),
        "+++\nid = \"one\"\n+++\nNumbers.\n\n```quiz\nid = \"even\"\nkind = \"choice\"\nprompt = \"Which are even? Pick all that apply.\"\nchoices = [\n  { text = \"two\", correct = true },\n  { text = \"three\", feedback = \"Odd.\" },\n  { text = \"four\", correct = true },\n]\n```\n",
    )
    .unwrap();
    let db = dir.path().join("p.db");
    let (code, out, _) = plain_once(
        &[
            "--db",
            db.to_str().unwrap(),
            "play",
            "--plain",
            pack.to_str().unwrap(),
        ],
        "next\n1 2\n",
    );
    assert_eq!(code, Some(0));
    assert_eq!(
        out.to_lowercase().matches("all that apply").count(),
        1,
        "{out}"
    );
    assert!(
        out.contains("Your answer: 1. two; 2. three.\nThe right answer: 1. two; 3. four.\nMissed: 3. four.\n2. three: Odd.\n"),
        "{out}"
    );
}
