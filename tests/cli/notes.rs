//! Notes and ratings per bite end to end: typed in the player (saved at every key, surviving `kill -9`), rated with
//! `f`, printed by `morsel notes`, and exported for the author by `export feedback` and `export answers`.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::rc::Rc;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use morsel::app::config::Config;
use morsel::app::paths::Paths;
use morsel::learn::clock::ManualClock;
use morsel::learn::session::OpenOptions;
use morsel::render::Styles;
use morsel::store::Store;
use morsel::tui::app::{App, Event, Settings, Start};
use morsel::tui::keymap::Keymap;

use crate::bound::{Guarded, Stream};
use crate::morsel;
use crate::player::{Player, player, press, press_until, screen};

const T0: i64 = 1_795_000_000_000;

const LESSON: &str = r#"+++
id = "basics"
title = "Basics"
+++
A commit is a snapshot.

```quiz
id = "q-snap"
kind = "truefalse"
prompt = "Commits are snapshots."
answer = true
```

---

Branches are pointers.

```quiz
id = "q-branch"
kind = "truefalse"
prompt = "A branch copies files."
answer = false
```
"#;

/// A pack of one lesson, two bites with a true/false question each, in `dir/fb`.
fn pack(dir: &Path) -> PathBuf {
    let root = dir.join("fb");
    std::fs::create_dir_all(&root).unwrap();
    std::fs::write(
        root.join("course.toml"),
        "id = \"fb\"\ntitle = \"Feedback\"\nlessons = [\"basics.md\"]\n",
    )
    .unwrap();
    std::fs::write(root.join("basics.md"), LESSON).unwrap();
    root
}

fn open(root: &Path, size: (u16, u16)) -> Player {
    let start = Start::Course {
        target: root.display().to_string(),
        options: OpenOptions::default(),
    };
    player(start, root.parent().unwrap(), size)
}

fn ctrl_s(app: &mut App) {
    let _ = app.handle(Event::Key(KeyEvent::new(
        KeyCode::Char('s'),
        KeyModifiers::CONTROL,
    )));
}

/// The history of the export tests: a question noted and a rating with a comment on bite 1, whose question is
/// answered false with `f` (wrong); bite 2 rated clear without a comment and its question answered right.
fn history(dir: &Path) -> Player {
    let root = pack(dir);
    let mut p = open(&root, (80, 24));
    press(&mut p.app, "n?Why snapshots<Enter>not diffs");
    ctrl_s(&mut p.app);
    press(&mut p.app, "futoo terse<Enter>");
    press_until(&mut p.app, "<Right>", "Commits are snapshots.");
    // `f` answers false while a true/false question waits.
    press(&mut p.app, "f");
    assert!(screen(&p.app).contains("Not quite"), "{}", screen(&p.app));
    press_until(&mut p.app, "<Right>", "Branches are pointers.");
    press(&mut p.app, "fc<Esc>");
    press_until(&mut p.app, "<Right>", "A branch copies files.");
    press(&mut p.app, "f");
    p
}

fn run(db: &Path, args: &[&str]) -> String {
    let out = morsel().arg("--db").arg(db).args(args).output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn a_note_is_typed_shown_in_the_header_and_reopened() {
    let dir = tempfile::tempdir().unwrap();
    let mut p = open(&pack(dir.path()), (80, 24));
    assert!(!screen(&p.app).contains('✎'));
    press(&mut p.app, "nfirst line<Enter>second");
    let text = screen(&p.app);
    assert!(
        text.contains("first line") && text.contains("second"),
        "{text}"
    );
    press(&mut p.app, "<Esc>");
    let text = screen(&p.app);
    assert!(text.contains("✎ bite 1/2"), "{text}");
    assert!(text.contains("Note saved."), "{text}");
    // Reopened with n, it holds the text; an edit is saved too.
    press(&mut p.app, "n<Backspace><Backspace><Backspace>");
    assert!(screen(&p.app).contains("sec"), "{}", screen(&p.app));
    ctrl_s(&mut p.app);
    let store = Store::open(&p.db).unwrap();
    let notes = store.progress("fb").unwrap().notes;
    assert_eq!(
        notes.get(&("basics".to_string(), 1)),
        Some(&("first line\nsec".to_string(), false))
    );
}

#[test]
fn the_note_editor_moves_its_cursor_and_edits_there() {
    let dir = tempfile::tempdir().unwrap();
    let mut p = open(&pack(dir.path()), (80, 24));
    press(&mut p.app, "nhelo wrld<Enter>two");
    press(&mut p.app, "<Left><Left><Left><Left><Left>");
    press(&mut p.app, "<Home>");
    // On the first line now: Home is its start, End its end.
    press(&mut p.app, "Why: <End>?<Left><Left><Left><Left>o");
    press(&mut p.app, "<Left><Left><Left><Left>l");
    press(&mut p.app, "<End><Right><Delete><Delete><Delete>2");
    let text = screen(&p.app);
    assert!(text.contains("Why: hello world?"), "{text}");
    assert!(
        text.contains("2▏"),
        "the cursor where the next key lands: {text}"
    );
    ctrl_s(&mut p.app);
    let store = Store::open(&p.db).unwrap();
    let notes = store.progress("fb").unwrap().notes;
    assert_eq!(
        notes.get(&("basics".to_string(), 1)),
        Some(&("Why: hello world?\n2".to_string(), false))
    );
}

#[test]
fn notes_print_in_course_order_with_their_bite() {
    let dir = tempfile::tempdir().unwrap();
    let root = pack(dir.path());
    let mut p = open(&root, (80, 24));
    press_until(&mut p.app, "<Right>", "Commits are snapshots.");
    press(&mut p.app, "t");
    press_until(&mut p.app, "<Right>", "Branches are pointers.");
    press(&mut p.app, "nSecond bite note<Esc>");
    press_until(&mut p.app, "<Left>", "A commit is a snapshot.");
    press(&mut p.app, "n?Why a snapshot<Esc>");
    assert!(screen(&p.app).contains("✎? bite 1/2"), "{}", screen(&p.app));
    let md = run(&p.db, &["notes"]);
    assert_eq!(
        md,
        "# Feedback (fb)\n\n## Basics, bite 1: A commit is a snapshot.\n\n**Question for the author**\n\n\
         ?Why a snapshot\n\n## Basics, bite 2: Branches are pointers.\n\nSecond bite note\n"
    );
    let json: serde_json::Value =
        serde_json::from_str(&run(&p.db, &["notes", "fb", "--format", "json"])).unwrap();
    let notes = json["notes"].as_array().unwrap();
    assert_eq!(notes.len(), 2);
    assert_eq!(notes[0]["bite"], 1);
    assert_eq!(notes[0]["question"], true);
    assert_eq!(notes[1]["lesson_title"], "Basics");
    assert_eq!(notes[1]["text"], "Second bite note");
}

#[test]
fn export_feedback_gives_the_author_each_bite_s_ratings_questions_and_misses() {
    let dir = tempfile::tempdir().unwrap();
    let p = history(dir.path());
    assert_eq!(
        run(&p.db, &["export", "feedback", "--format", "csv"]),
        "course_id,lesson_id,lesson_title,bite,first_line,clear,unclear,comments,questions,first_tries,missed_first_try\n\
         fb,basics,Basics,1,A commit is a snapshot.,0,1,too terse,\"?Why snapshots\nnot diffs\",1,1\n\
         fb,basics,Basics,2,Branches are pointers.,1,0,,,1,0\n"
    );
    let json: serde_json::Value = serde_json::from_str(&run(
        &p.db,
        &["export", "feedback", "fb", "--format", "json"],
    ))
    .unwrap();
    assert_eq!(json["bites"][0]["comments"][0], "too terse");
    assert_eq!(json["bites"][1]["clear"], 1);
}

#[test]
fn export_answers_has_every_attempt_and_review() {
    let dir = tempfile::tempdir().unwrap();
    let p = history(dir.path());
    let csv = run(&p.db, &["export", "answers"]);
    insta::assert_snapshot!("export-answers", csv);
    let json: serde_json::Value =
        serde_json::from_str(&run(&p.db, &["export", "answers", "--format", "json"])).unwrap();
    let rows = json["answers"].as_array().unwrap();
    assert_eq!(rows.len(), csv.lines().count() - 1);
    assert_eq!(rows[0]["question_id"], "q-snap");
    assert_eq!(rows[0]["correct"], false);
}

#[test]
fn an_unknown_course_is_named() {
    let dir = tempfile::tempdir().unwrap();
    let p = history(dir.path());
    let out = morsel()
        .arg("--db")
        .arg(&p.db)
        .args(["export", "feedback", "nope"])
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("no progress saved for course `nope`"));
}

#[test]
fn the_note_editor_and_the_rating_prompt_at_80_by_24_and_40_by_12() {
    for size in [(80, 24), (40, 12)] {
        let dir = tempfile::tempdir().unwrap();
        let mut p = open(&pack(dir.path()), size);
        press(&mut p.app, "n?Is a commit<Enter>a diff?");
        insta::assert_snapshot!(format!("{}x{}-note-editor", size.0, size.1), screen(&p.app));
        press(&mut p.app, "<Esc>f");
        insta::assert_snapshot!(format!("{}x{}-rating", size.0, size.1), screen(&p.app));
        press(&mut p.app, "uwhy?");
        insta::assert_snapshot!(
            format!("{}x{}-rating-comment", size.0, size.1),
            screen(&p.app)
        );
    }
}

/// The player on the database `db`, at the course of `root`, 80×24.
fn app_on(db: &Path, root: &Path) -> App {
    let paths = Paths::resolve(
        Some(db.to_path_buf()),
        Some(db.with_extension("toml")),
        vec![root.parent().unwrap().to_path_buf()],
    )
    .unwrap();
    let settings = Settings {
        config: Config::default(),
        keymap: Keymap::default(),
        styles: Styles::dark().without_color(),
        paths,
    };
    let start = Start::Course {
        target: root.display().to_string(),
        options: OpenOptions::default(),
    };
    let clock = ManualClock::at(T0);
    App::new(
        start,
        settings,
        Store::open(db).unwrap(),
        Rc::new(clock),
        (80, 24),
    )
}

/// The files of notes' drafts beside the database `db`.
fn drafts(db: &Path) -> Vec<PathBuf> {
    let prefix = format!("{}-note-", db.file_name().unwrap().to_string_lossy());
    std::fs::read_dir(db.parent().unwrap())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| {
            p.file_name()
                .unwrap()
                .to_string_lossy()
                .starts_with(&prefix)
        })
        .collect()
}

/// The child of `a_note_survives_kill_9_mid_typing`: opens the course in the player on MORSEL_NOTE_DB and types a
/// note one key for each line on stdin, reporting each key once `handle` returned (its change is committed by then).
#[test]
#[ignore = "run as a child process by a_note_survives_kill_9_mid_typing"]
fn note_crash_child() {
    let db = PathBuf::from(std::env::var_os("MORSEL_NOTE_DB").expect("set by the crash test"));
    let root = PathBuf::from(std::env::var_os("MORSEL_NOTE_PACK").expect("and the pack"));
    let mut app = app_on(&db, &root);
    press(&mut app, "n");
    let report = |n: usize| {
        // Flushed at once: the parent acts on each line.
        let mut out = std::io::stdout().lock();
        writeln!(out, "typed {n}").unwrap();
        out.flush().unwrap();
    };
    report(0);
    // One key for each line the parent sends, so it knows how many keys were handled when it kills.
    let mut go = String::new();
    for (i, c) in typed().chars().enumerate() {
        go.clear();
        if std::io::stdin().read_line(&mut go).unwrap() == 0 {
            return;
        }
        press(&mut app, &c.to_string());
        report(i + 1);
    }
}

fn typed() -> String {
    "the quick brown fox jumps over the lazy dog ".repeat(20)
}

#[test]
fn a_note_survives_kill_9_mid_typing() {
    let dir = tempfile::tempdir().unwrap();
    let root = pack(dir.path());
    let typed: Vec<char> = typed().chars().collect();
    let mut rng = fastrand::Rng::with_seed(0x6e6f7465);
    for round in 0..8 {
        let db = dir.path().join(format!("crash-{round}.db"));
        let mut child = Guarded::spawn(
            Command::new(std::env::current_exe().unwrap())
                .args([
                    "--ignored",
                    "--exact",
                    "notes::note_crash_child",
                    "--nocapture",
                    "--test-threads=1",
                ])
                .env("MORSEL_NOTE_DB", &db)
                .env("MORSEL_NOTE_PACK", &root)
                .stdin(Stdio::piped())
                .stdout(Stdio::piped())
                .stderr(Stdio::null()),
        );
        // Let `stop_after` keys be handled and reported, then send one more and kill at once: the kill lands
        // while that key is being handled (or just before or after).
        let stop_after = rng.usize(1..200);
        let mut stdin = child.stdin.take().unwrap();
        let mut reported = 0;
        let mut lines = Stream::read(child.stdout.take().unwrap());
        while let Some(line) = lines.next_line(&format!("round {round}: the note child's reports"))
        {
            // The first report follows libtest's `test … ... ` on the same line.
            if let Some((_, n)) = line.rsplit_once("typed ") {
                reported = n.parse().unwrap();
                stdin.write_all(b"\n").unwrap();
                stdin.flush().unwrap();
                if reported >= stop_after {
                    break;
                }
            }
        }
        child.kill().unwrap(); // SIGKILL on Unix
        child.wait().unwrap();
        assert!(reported > 0, "round {round}: the child reported nothing");
        let store = Store::open(&db).unwrap();
        let saved = store
            .progress("fb")
            .unwrap()
            .notes
            .get(&("basics".to_string(), 1))
            .map(|(t, _)| t.clone())
            .unwrap_or_default();
        // Every reported key is saved; at most the key being pressed at the kill is beyond them.
        let n = saved.chars().count();
        assert!(
            n == reported || n == reported + 1,
            "round {round}: {reported} keys reported, {n} saved"
        );
        assert_eq!(
            saved,
            typed[..n].iter().collect::<String>(),
            "round {round}"
        );
        // `morsel notes` reads the same, before any player has opened the course again.
        let json: serde_json::Value =
            serde_json::from_str(&run(&db, &["notes", "--format", "json"])).unwrap();
        assert_eq!(json["notes"][0]["text"], saved.as_str(), "round {round}");
        if round == 0 {
            // The next player to open the course saves the draft into the note and removes it.
            assert_eq!(drafts(&db).len(), 1, "the killed player's draft");
            drop(store);
            let mut app = app_on(&db, &root);
            assert!(drafts(&db).is_empty(), "folded when the course opened");
            press(&mut app, "nmore<Esc>q");
            let store = Store::open(&db).unwrap();
            let notes = store.progress("fb").unwrap().notes;
            assert_eq!(notes[&("basics".to_string(), 1)].0, format!("{saved}more"));
            assert!(drafts(&db).is_empty(), "none left once the note is closed");
        }
    }
}

#[test]
fn control_characters_in_a_note_are_shown_inert_on_screen_and_in_every_output() {
    let dir = tempfile::tempdir().unwrap();
    let mut p = open(&pack(dir.path()), (80, 24));
    press(&mut p.app, "n?a");
    for c in ['\u{9b}', '\u{7}'] {
        let _ = p.app.handle(Event::Key(KeyEvent::new(
            KeyCode::Char(c),
            KeyModifiers::NONE,
        )));
    }
    let text = screen(&p.app);
    assert!(crate::hostile::no_controls(&text), "{text:?}");
    press(&mut p.app, "<Esc>");
    let md = run(&p.db, &["notes"]);
    assert!(md.contains("?a\u{FFFD}␇"), "{md:?}");
    let csv = run(&p.db, &["export", "feedback"]);
    assert!(csv.contains("?a\u{FFFD}␇"), "{csv:?}");
    let json = run(&p.db, &["notes", "--format", "json"]);
    assert!(json.contains("?a\\u009b\\u0007"), "{json:?}");
}

#[test]
fn export_answers_marks_a_skip_as_skipped_in_the_lesson_and_in_reviews() {
    const T0: i64 = 1_795_000_000_000;
    let dir = tempfile::tempdir().unwrap();
    let pack = dir.path().join("pack");
    std::fs::create_dir_all(pack.join("lessons")).unwrap();
    std::fs::write(pack.join("course.toml"), "id = \"sk\"\ntitle = \"Sk\"\n").unwrap();
    std::fs::write(
        pack.join("lessons/a.md"),
        "+++\nid = \"a\"\ntitle = \"A\"\n+++\nSome facts.\n\n\
         ```quiz\nid = \"sky\"\nkind = \"truefalse\"\nprompt = \"The sky is blue.\"\nanswer = true\n```\n",
    )
    .unwrap();
    let db = dir.path().join("p.db");
    let at = |now: i64, args: &[&str], stdin: &str| {
        morsel()
            .arg("--db")
            .arg(&db)
            .arg("--config")
            .arg(dir.path().join("none.toml"))
            .env("MORSEL_NOW_MS", now.to_string())
            .args(args)
            .write_stdin(stdin)
            .assert()
            .success();
    };
    // Skipped in the lesson, answered (wrong) in a review the next day, skipped in the one after.
    at(
        T0,
        &["play", "--plain", pack.to_str().unwrap()],
        "next\n:skip\nnext\nquit\n",
    );
    at(T0 + 86_400_000, &["review", "--plain"], "false\nnext\n");
    at(T0 + 2 * 86_400_000, &["review", "--plain"], ":skip\nnext\n");
    let json: serde_json::Value =
        serde_json::from_str(&run(&db, &["export", "answers", "--format", "json"])).unwrap();
    let rows: Vec<_> = json["answers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["source"].as_str().unwrap().to_string(),
                r["response"].as_str().unwrap().to_string(),
                r["skipped"].as_bool().unwrap(),
            )
        })
        .collect();
    let row =
        |source: &str, response: &str, skipped| (source.to_string(), response.to_string(), skipped);
    assert_eq!(
        rows,
        [
            row("lesson", "", true),
            row("review", "", true),
            row("review", "false", false),
            row("review", "", true),
        ]
    );
}

#[test]
fn a_key_in_a_note_writes_a_few_bytes_not_the_whole_note() {
    let dir = tempfile::tempdir().unwrap();
    let mut p = open(&pack(dir.path()), (80, 24));
    press(&mut p.app, "n");
    let size = |path: &Path| std::fs::metadata(path).map_or(0, |m| m.len());
    let written = |db: &Path| {
        size(&db.with_extension("db-wal")) + drafts(db).iter().map(|d| size(d)).sum::<u64>()
    };
    let before = written(&p.db);
    let typed = "the quick brown fox jumps over the lazy dog ".repeat(10);
    press(&mut p.app, &typed);
    // 440 keys: each one a record of a few dozen bytes in the note's draft, nothing in the database until it closes
    // (every key rewrote the whole note in its own transaction before: 3.5 MB of WAL).
    let grown = written(&p.db) - before;
    assert!(grown < 100 * 440, "{grown} bytes for 440 keys");
    press(&mut p.app, "<Esc>");
    assert!(drafts(&p.db).is_empty());
    let notes = Store::open(&p.db).unwrap().progress("fb").unwrap().notes;
    assert_eq!(notes[&("basics".to_string(), 1)].0, typed);
}
