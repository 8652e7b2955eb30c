//! Text questions graded by what a pattern does (`flavour`, `matches`, `rejects`) end to end: `check` places the
//! author's mistakes, `print --answers` says what any right pattern does, and `--plain` grades a working pattern
//! right and names the line a wrong one fails.

use std::path::Path;

const QUIZ: &str = r#"```quiz
id = "colour"
kind = "text"
prompt = "Match `color` and `colour` but not `colouur`."
answers = ['colou?r', "ANSWER"]
flavour = "FLAVOUR"
matches = ["color", "colour"]
rejects = ["colouur"]
explain = "`u?` makes the u optional."
```
"#;

/// A pack of one lesson whose question has the given second answer and flavour.
fn pack(dir: &Path, answer: &str, flavour: &str) {
    std::fs::create_dir_all(dir.join("lessons")).unwrap();
    std::fs::write(
        dir.join("course.toml"),
        "id = \"pp\"\ntitle = \"Patterns\"\n",
    )
    .unwrap();
    let quiz = QUIZ.replace("ANSWER", answer).replace("FLAVOUR", flavour);
    std::fs::write(
        dir.join("lessons/01-one.md"),
        format!("+++\ntitle = \"One\"\n+++\n\n# One\n\nSpelling.\n\n{quiz}"),
    )
    .unwrap();
}

#[test]
fn check_places_an_answer_that_fails_the_lines_and_an_unknown_flavour() {
    let dir = tempfile::tempdir().unwrap();
    pack(dir.path(), "colou*r", "grep -E");
    let out = crate::morsel()
        .arg("check")
        .arg(dir.path())
        .output()
        .unwrap();
    let text =
        String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "{text}");
    assert!(
        text.contains(
            "error: accepted answer `colou*r` matches `colouur`, which is in `rejects`; fix the answer or the example lines\n  --> "
        ) && text.contains("lessons/01-one.md:13:23\n"),
        "{text}"
    );
    pack(dir.path(), "colo(u?r", "egrep");
    let out = crate::morsel()
        .arg("check")
        .arg(dir.path())
        .output()
        .unwrap();
    let text =
        String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr);
    assert!(
        text.contains("error: unknown regex flavour `egrep`; expected \"grep -E\" or \"rg\"")
            && text.contains("lessons/01-one.md:14:11\n"),
        "{text}"
    );
    pack(dir.path(), "colo(u?r", "rg");
    let out = crate::morsel()
        .arg("check")
        .arg(dir.path())
        .output()
        .unwrap();
    let text =
        String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr);
    assert!(
        text.contains("error: `colo(u?r` is not a valid rg pattern: ")
            && text.contains("lessons/01-one.md:13:23\n"),
        "{text}"
    );
}

#[test]
fn print_answers_and_plain_play_grade_by_behaviour() {
    let dir = tempfile::tempdir().unwrap();
    let course = dir.path().join("pp");
    pack(&course, "colo(u)?r", "grep -E");
    let out = crate::morsel()
        .args(["print", "--answers"])
        .arg(&course)
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{text}");
    assert!(text.contains("  Accepted: colou?r | colo(u)?r"), "{text}");
    assert!(
        text.contains("  and any grep -E pattern that matches color and colour, and not colouur."),
        "{text}"
    );
    let (ok, out, err) = crate::at(
        dir.path(),
        1_800_000_000_000,
        &["play", "--plain", course.to_str().unwrap()],
        "\ncolour\nretry\n'colou{,1}r'\nquit\n",
    );
    assert!(ok, "{err}");
    assert!(
        out.contains("Not quite.\nYour answer: colour\n")
            && out.contains("Your pattern does not match color, which it must."),
        "{out}"
    );
    assert!(
        out.contains("> Right."),
        "a GNU interval in quotes is right: {out}"
    );
}

#[test]
fn preview_answers_say_what_any_right_pattern_does() {
    use morsel::app::config::Config;
    use morsel::app::paths::Paths;
    use morsel::learn::clock::ManualClock;
    use morsel::learn::session::OpenOptions;
    use morsel::render::Styles;
    use morsel::store::Store;
    use morsel::tui::app::{App, Settings, Start};
    use morsel::tui::keymap::Keymap;

    let dir = tempfile::tempdir().unwrap();
    pack(dir.path(), "colo(u)?r", "grep -E");
    let settings = Settings {
        config: Config::default(),
        keymap: Keymap::default(),
        styles: Styles::dark().without_color(),
        paths: Paths::resolve(
            Some(dir.path().join("never.db")),
            Some(dir.path().join("none.toml")),
            vec![],
        )
        .unwrap(),
    };
    let mut app = App::new(
        Start::Preview {
            path: dir.path().to_path_buf(),
            options: OpenOptions::default(),
        },
        settings,
        Store::in_memory().unwrap(),
        std::rc::Rc::new(ManualClock::at(1_795_000_000_000)),
        (80, 24),
    );
    crate::player::press(&mut app, "a");
    crate::player::press_until(&mut app, "<Right>", "Match color");
    let text = crate::player::screen(&app);
    assert!(
        text.contains("Accepted answers: colou?r, colo(u)?r")
            && text.contains("and any grep -E pattern that matches color and colour, and not")
            && text.contains("colouur."),
        "{text}"
    );
}
