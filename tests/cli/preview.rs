//! Preview, the author's player: nothing saved, every save reloaded (in place, by rename, after a broken save),
//! answers inline, an outline to jump, and `check --watch`.

use std::path::Path;
use std::rc::Rc;

use morsel::clock::ManualClock;
use morsel::config::Config;
use morsel::paths::Paths;
use morsel::render::Styles;
use morsel::session::OpenOptions;
use morsel::store::Store;
use morsel::tui::app::{App, Event, Settings, Start};
use morsel::tui::keymap::Keymap;

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
    assert!(screen(&app).contains("preview · 2/2"), "{}", screen(&app));
    // The bite on screen changes: it stays there, with the new text.
    save_by_rename(
        &dir.path().join("lessons/01-a.md"),
        &LESSON_A.replace("Second bite of alpha.", "Second bite, rewritten."),
    );
    let _ = app.handle(Event::PackChanged);
    let text = screen(&app);
    assert!(
        text.contains("Second bite, rewritten.") && text.contains("preview · 2/2"),
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
    // `script` gives preview the terminal it needs; `q` quits at once.
    let command = format!(
        "{} --db {} --config /nonexistent preview {}",
        assert_cmd::cargo::cargo_bin("morsel").display(),
        db.display(),
        dir.path().join("pack").display()
    );
    let output = std::process::Command::new("script")
        .args(["-qec", &command, "/dev/null"])
        .env("TERM", "xterm")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::null())
        .spawn()
        .and_then(|mut child| {
            use std::io::Write;
            std::thread::sleep(std::time::Duration::from_millis(500));
            child.stdin.as_mut().unwrap().write_all(b"q")?;
            child.wait_with_output()
        })
        .unwrap();
    assert!(output.status.success());
    assert!(
        std::fs::read(&db).unwrap() == before,
        "the database is byte for byte as it was"
    );
    assert_eq!(files(dir.path()), listed, "no -wal, no -shm");
}
