//! Preview, the author's player: nothing saved, every save reloaded (in place, by rename, after a broken save),
//! answers inline, an outline to jump, and `check --watch`.

use std::path::Path;
use std::rc::Rc;

use morsel::app::config::Config;
use morsel::app::paths::Paths;
use morsel::learn::clock::ManualClock;
use morsel::learn::session::OpenOptions;
use morsel::render::Styles;
use morsel::store::Store;
use morsel::tui::app::{App, Event, Settings, Start};
use morsel::tui::keymap::Keymap;

use crate::bound::{Guarded, Stream, output_within};
use crate::player::{press, screen};

const LESSON_A: &str = "+++\nid = \"a\"\ntitle = \"Alpha\"\n+++\nFirst bite of alpha.\n\n---\n\nSecond bite of alpha.\n\n```quiz\nid = \"q1\"\nkind = \"choice\"\nprompt = \"Pick the vowel.\"\nchoices = [{ text = \"b\" }, { text = \"e\", correct = true }]\nexplain = \"E is a vowel.\"\n```\n";
const LESSON_B: &str = "+++\nid = \"b\"\ntitle = \"Beta\"\n+++\nOnly bite of beta.\n";

fn pack(dir: &Path) {
    std::fs::create_dir_all(dir.join("lessons")).unwrap();
    std::fs::write(
        dir.join("course.toml"),
        "id = \"pv\"\ntitle = \"Preview pack\"\n",
    )
    .unwrap();
    std::fs::write(dir.join("lessons/01-a.md"), LESSON_A).unwrap();
    std::fs::write(dir.join("lessons/02-b.md"), LESSON_B).unwrap();
}

/// Saves `text` to `path` as vim does: a new file renamed over the old one.
fn save_by_rename(path: &Path, text: &str) {
    let tmp = path.with_extension("md.tmp");
    std::fs::write(&tmp, text).unwrap();
    std::fs::rename(&tmp, path).unwrap();
}

fn preview(root: &Path, options: OpenOptions) -> App {
    let settings = Settings {
        config: Config::default(),
        keymap: Keymap::default(),
        styles: Styles::dark().without_color(),
        paths: Paths::resolve(
            Some(root.join("never.db")),
            Some(root.join("none.toml")),
            vec![],
        )
        .unwrap(),
    };
    App::new(
        Start::Preview {
            path: root.to_path_buf(),
            options,
        },
        settings,
        Store::in_memory().unwrap(),
        Rc::new(ManualClock::at(1_795_000_000_000)),
        (80, 24),
    )
}

#[test]
fn a_save_reloads_on_the_same_bite_and_a_change_elsewhere_jumps_to_it() {
    let dir = tempfile::tempdir().unwrap();
    pack(dir.path());
    let mut app = preview(
        dir.path(),
        OpenOptions {
            lesson: Some("a".into()),
            restart: false,
            bite: Some(2),
        },
    );
    assert!(
        screen(&app).contains("Second bite of alpha."),
        "{}",
        screen(&app)
    );
    assert!(screen(&app).contains("preview 2/2"), "{}", screen(&app));
    // The bite on screen changes: it stays there, with the new text.
    save_by_rename(
        &dir.path().join("lessons/01-a.md"),
        &LESSON_A.replace("Second bite of alpha.", "Second bite, rewritten."),
    );
    let _ = app.handle(Event::PackChanged);
    let text = screen(&app);
    assert!(
        text.contains("Second bite, rewritten.") && text.contains("preview 2/2"),
        "{text}"
    );
    // Another lesson changes: the preview jumps to its first changed bite.
    std::fs::write(
        dir.path().join("lessons/02-b.md"),
        LESSON_B.replace("Only bite", "The only bite"),
    )
    .unwrap();
    let _ = app.handle(Event::PackChanged);
    assert!(
        screen(&app).contains("The only bite of beta."),
        "{}",
        screen(&app)
    );
}

#[test]
fn a_save_stays_on_the_question_or_card_shown_while_it_exists() {
    let two = |first: &str| {
        format!(
            "+++\nid = \"a\"\ntitle = \"Alpha\"\n+++\nThe bite's prose.\n\n```quiz\nid = \"q1\"\nkind = \"truefalse\"\nprompt = \"{first}\"\nanswer = true\n```\n\n```quiz\nid = \"q2\"\nkind = \"truefalse\"\nprompt = \"Second question.\"\nanswer = false\n```\n\n```card\nid = \"c1\"\nfront = \"Card front.\"\nback = \"Card back.\"\n```\n"
        )
    };
    let dir = tempfile::tempdir().unwrap();
    pack(dir.path());
    let lesson = dir.path().join("lessons/01-a.md");
    std::fs::write(&lesson, two("First question.")).unwrap();
    let mut app = preview(dir.path(), OpenOptions::default());
    press(&mut app, "<Right>t<Right>");
    assert!(
        screen(&app).contains("Second question."),
        "{}",
        screen(&app)
    );
    // An edit of the question before it: still on the second question, not back at the prose.
    save_by_rename(&lesson, &two("First question, edited."));
    let _ = app.handle(Event::PackChanged);
    let text = screen(&app);
    assert!(
        text.contains("Second question.") && !text.contains("The bite's prose."),
        "{text}"
    );
    // On the card, an edit of the card: its new front.
    press(&mut app, "f<Right>");
    assert!(screen(&app).contains("Card front."), "{}", screen(&app));
    save_by_rename(
        &lesson,
        &two("First question, edited.").replace("Card front.", "Card front, edited."),
    );
    let _ = app.handle(Event::PackChanged);
    assert!(
        screen(&app).contains("Card front, edited."),
        "{}",
        screen(&app)
    );
    // The card gone: back to the bite's prose.
    let without_card = two("First question, edited.");
    let cut = without_card.find("```card").unwrap();
    save_by_rename(&lesson, &without_card[..cut]);
    let _ = app.handle(Event::PackChanged);
    assert!(
        screen(&app).contains("The bite's prose."),
        "{}",
        screen(&app)
    );
}

#[test]
fn a_broken_save_shows_its_problems_over_the_last_good_version_until_fixed() {
    let dir = tempfile::tempdir().unwrap();
    pack(dir.path());
    let mut app = preview(dir.path(), OpenOptions::default());
    std::fs::remove_file(dir.path().join("lessons/01-a.md")).unwrap();
    std::fs::write(
        dir.path().join("lessons/01-a.md"),
        LESSON_A.replace("correct = true", "correct = \"yes\""),
    )
    .unwrap();
    let _ = app.handle(Event::PackChanged);
    let broken = screen(&app);
    assert!(broken.contains("the last save has 2 problems"), "{broken}");
    assert!(broken.contains("01-a.md:"), "file:line:col: {broken}");
    assert!(
        broken.contains("First bite of alpha."),
        "still playable: {broken}"
    );
    press(&mut app, "<Right>");
    assert!(
        screen(&app).contains("Second bite of alpha."),
        "{}",
        screen(&app)
    );
    std::fs::write(dir.path().join("lessons/01-a.md"), LESSON_A).unwrap();
    let _ = app.handle(Event::PackChanged);
    assert!(!screen(&app).contains("problem"), "{}", screen(&app));
}

#[test]
fn answers_show_inline_and_the_outline_jumps() {
    let dir = tempfile::tempdir().unwrap();
    pack(dir.path());
    let mut app = preview(dir.path(), OpenOptions::default());
    press(&mut app, "<Right><Right>");
    assert!(screen(&app).contains("Pick the vowel."), "{}", screen(&app));
    press(&mut app, "a");
    let text = screen(&app);
    assert!(
        text.contains("e  ✓") && text.contains("E is a vowel."),
        "{text}"
    );
    press(&mut app, "o");
    let outline = screen(&app);
    assert!(
        outline.contains("outline") && outline.contains("2 Beta"),
        "{outline}"
    );
    press(&mut app, "<Down><Down><Down><Enter>");
    assert!(
        screen(&app).contains("Only bite of beta."),
        "{}",
        screen(&app)
    );
}

#[test]
fn answers_in_preview_list_every_accepted_text_answer() {
    let mut app = preview(
        &crate::fixture("valid/every-construct"),
        OpenOptions {
            lesson: Some("questions".into()),
            restart: false,
            bite: Some(3),
        },
    );
    press(&mut app, "a");
    crate::player::press_until(&mut app, "<Right>", "Name the command");
    let text = screen(&app);
    assert!(
        text.contains("Accepted answers: git commit, commit"),
        "{text}"
    );
}

#[test]
fn preview_never_opens_the_progress_database() {
    let dir = tempfile::tempdir().unwrap();
    pack(&dir.path().join("pack"));
    let db = dir.path().join("progress.db");
    // A learner's database, played once.
    crate::morsel()
        .arg("--db")
        .arg(&db)
        .args(["play", "--plain"])
        .arg(dir.path().join("pack"))
        .write_stdin("next\nquit\n")
        .assert()
        .success();
    let before = std::fs::read(&db).unwrap();
    let files = |d: &Path| {
        let mut names: Vec<String> = std::fs::read_dir(d)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    };
    let listed = files(dir.path());
    // `script` gives preview the terminal it needs (of no size: nothing is drawn in it); `q` quits at once, once the
    // first frame has hidden the cursor.
    let command = format!(
        "{} --db {} --config /nonexistent preview {}",
        assert_cmd::cargo::cargo_bin("morsel").display(),
        db.display(),
        dir.path().join("pack").display()
    );
    let mut child = Guarded::spawn(
        std::process::Command::new("script")
            .args(["-qec", &command, "/dev/null"])
            .env("TERM", "xterm")
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped()),
    );
    let mut screen = Stream::read(child.stdout.take().unwrap());
    screen.wait_for("\x1b[?25l", "preview's first frame");
    {
        use std::io::Write;
        child.stdin.as_mut().unwrap().write_all(b"q").unwrap();
    }
    let output = output_within(&mut child, "preview after q");
    assert!(output.status.success());
    assert!(
        std::fs::read(&db).unwrap() == before,
        "the database is byte for byte as it was"
    );
    assert_eq!(files(dir.path()), listed, "no -wal, no -shm");
}

#[test]
fn check_watch_checks_again_after_a_save() {
    let dir = tempfile::tempdir().unwrap();
    pack(dir.path());
    let mut child = Guarded::spawn(
        std::process::Command::new(assert_cmd::cargo::cargo_bin("morsel"))
            .args(["check", "--watch"])
            .arg(dir.path())
            .stdout(std::process::Stdio::piped()),
    );
    let mut output = Stream::read(child.stdout.take().unwrap());
    let first = output.wait_for(": ok", "the first check");
    assert!(first.contains("1 question"), "the first check: {first}");
    std::thread::sleep(std::time::Duration::from_millis(150));
    save_by_rename(
        &dir.path().join("lessons/01-a.md"),
        &LESSON_A.replace("correct = true", "correct = \"yes\""),
    );
    let after = output
        .wait_for("error", "the check after a save")
        .to_string();
    drop(child);
    assert!(after.contains("── saved; checking again ──"), "{after}");
    assert!(after.contains("01-a.md:"), "{after}");
}

#[test]
fn preview_screens_at_both_sizes() {
    for size in [(80, 24), (40, 12)] {
        let dir = tempfile::tempdir().unwrap();
        pack(dir.path());
        let mut app = preview(dir.path(), OpenOptions::default());
        let _ = app.handle(Event::Resize(size.0, size.1));
        let name = format!("{}x{}", size.0, size.1);
        let shot = |app: &App| screen(app).replace(&dir.path().display().to_string(), "[pack]");
        insta::assert_snapshot!(format!("preview-bite-{name}"), shot(&app));
        press(&mut app, "<Right><Right>a");
        insta::assert_snapshot!(format!("preview-answers-{name}"), shot(&app));
        press(&mut app, "o");
        insta::assert_snapshot!(format!("preview-outline-{name}"), shot(&app));
        press(&mut app, "<Esc>");
        std::fs::write(
            dir.path().join("lessons/01-a.md"),
            LESSON_A.replace("correct = true", "correct = \"yes\""),
        )
        .unwrap();
        let _ = app.handle(Event::PackChanged);
        insta::assert_snapshot!(format!("preview-broken-save-{name}"), shot(&app));
    }
}

#[test]
fn a_one_word_bite_is_one_word_in_the_header() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("lessons")).unwrap();
    std::fs::write(
        dir.path().join("course.toml"),
        "id = \"w\"\ntitle = \"W\"\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("lessons/a.md"),
        "+++\nid = \"a\"\ntitle = \"A\"\n+++\nHello.\n",
    )
    .unwrap();
    let app = preview(dir.path(), OpenOptions::default());
    let text = screen(&app);
    assert!(
        text.contains("preview 1/1 · 1 word · lesson 1 word,"),
        "{text}"
    );
}
