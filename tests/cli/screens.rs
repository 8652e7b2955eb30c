//! Snapshots of every screen at 80×24 and at a narrow 40×12, drawn to ratatui's `TestBackend` from a pack that
//! uses every construct. Review changes with `cargo insta review`, or `INSTA_UPDATE=always cargo test` and git diff.

use std::path::PathBuf;

use morsel::learn::session::OpenOptions;
use morsel::tui::app::{Event, Start};

use crate::fixture;
use crate::player::{Player, every_construct, player, press, press_until, screen, through_intro};

/// The screen with this checkout's path replaced, so that snapshots hold on every machine.
fn shot(p: &Player) -> String {
    screen(&p.app).replace(env!("CARGO_MANIFEST_DIR"), "[repo]")
}

/// Every screen of the player, in the order a learner meets them, at one size.
fn screens(size: (u16, u16)) -> Vec<(&'static str, String)> {
    let mut out = Vec::new();
    let courses = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("courses");
    let library = player(Start::Library, &courses, size);
    out.push(("library", shot(&library)));

    let mut p = every_construct(size);
    out.push(("bite-markdown", shot(&p)));
    press(&mut p.app, "<PgDn>");
    out.push(("bite-scrolled", shot(&p)));
    press_until(&mut p.app, "<Right>", "A quote with a break");
    out.push(("bite-quote-list-and-table", shot(&p)));
    press_until(&mut p.app, "<Right>", "Unicode:");
    out.push(("bite-unicode", shot(&p)));
    through_intro(&mut p.app);
    out.push(("lesson-summary-no-questions", shot(&p)));
    press_until(&mut p.app, "<Right>", "Which is a pointer?");
    out.push(("question-choice", shot(&p)));
    press(&mut p.app, "i");
    out.push(("question-choice-hint", shot(&p)));
    press(&mut p.app, "2<Enter>");
    out.push(("question-choice-answered", shot(&p)));
    press_until(&mut p.app, "<Right>", "Which are even?");
    press(&mut p.app, "1");
    out.push(("question-pick-all-toggled", shot(&p)));
    press(&mut p.app, "<Enter>");
    out.push(("question-pick-all-wrong", shot(&p)));
    press(&mut p.app, "<Right>");
    out.push(("question-true-false", shot(&p)));
    press(&mut p.app, "t");
    press_until(&mut p.app, "<Right>", "Name the command");
    out.push(("question-text", shot(&p)));
    press(&mut p.app, "git comm");
    out.push(("question-text-typing", shot(&p)));
    press(&mut p.app, "it<Enter><Right>HEAD<Enter>");
    press_until(&mut p.app, "<Right>", "Order the steps.");
    out.push(("question-order", shot(&p)));
    press(&mut p.app, "<Esc>");
    out.push(("question-order-more-keys", shot(&p)));
    press(&mut p.app, "<Enter>3 1 2");
    out.push(("question-order-typed", shot(&p)));
    press(&mut p.app, "<Enter>");
    out.push(("question-order-answered", shot(&p)));
    press_until(&mut p.app, "<Right>", "Derived ids work.");
    press(&mut p.app, "s");
    press_until(&mut p.app, "<Right>", "End of lesson: Questions");
    out.push(("lesson-summary", shot(&p)));
    press_until(&mut p.app, "<Right>", "What is HEAD?");
    out.push(("card-front", shot(&p)));
    press(&mut p.app, "<Space>");
    out.push(("card-back", shot(&p)));
    press(&mut p.app, "3<Right><Space>4");
    press_until(&mut p.app, "<Right>", "End of lesson: Cards.");
    out.push(("lesson-summary-last", shot(&p)));
    press(&mut p.app, "<Right>");
    out.push(("course-summary", shot(&p)));
    press(&mut p.app, "?");
    out.push(("help", shot(&p)));
    press(&mut p.app, "<Esc>p");
    out.push(("pause", shot(&p)));

    let broken = player(
        Start::Course {
            // Relative (tests run in the package's root), so that the screen is the same in every checkout.
            target: "tests/fixtures/invalid/bad-questions".to_string(),
            options: OpenOptions::default(),
        },
        &fixture("invalid"),
        size,
    );
    out.push(("broken-pack", shot(&broken)));
    out
}

#[test]
fn every_screen_at_80_by_24() {
    for (name, text) in screens((80, 24)) {
        insta::assert_snapshot!(format!("80x24-{name}"), text);
    }
}

#[test]
fn every_screen_at_40_by_12() {
    for (name, text) in screens((40, 12)) {
        insta::assert_snapshot!(format!("40x12-{name}"), text);
    }
}

#[test]
fn help_scrolls_when_it_does_not_fit() {
    let mut p = every_construct((40, 12));
    press(&mut p.app, "?");
    let top = shot(&p);
    assert!(top.contains("↓ more"), "{top}");
    press(
        &mut p.app,
        "<Down><Down><Down><Down><Down><Down><Down><Down><Down><Down>",
    );
    let bottom = shot(&p);
    assert!(bottom.contains("↑ more"), "{bottom}");
    assert!(bottom.contains("quit"), "{bottom}");
    insta::assert_snapshot!("40x12-help-scrolled", bottom);
    // Any other key closes it.
    press(&mut p.app, "x");
    assert!(!shot(&p).contains("Keys here"), "{}", shot(&p));
}

#[test]
fn a_terminal_too_small_to_use() {
    let mut p = every_construct((80, 24));
    let _ = p.app.handle(Event::Resize(30, 8));
    insta::assert_snapshot!("30x8-too-small", shot(&p));
}

#[test]
fn hostile_text_is_visible_and_inert_on_every_screen() {
    let start = Start::Course {
        target: fixture("valid/hostile").display().to_string(),
        options: OpenOptions::default(),
    };
    let mut p = player(start, &fixture("valid"), (100, 40));
    let mut seen = String::new();
    for keys in [
        "", "<Right>", "i", "1<Enter>", "<Right>", "<Space>", "3<Right>",
    ] {
        press(&mut p.app, keys);
        let text = screen(&p.app);
        assert!(crate::hostile::no_controls(&text), "{text:?}");
        seen.push_str(&text);
    }
    crate::hostile::assert_shown(
        &seen,
        &[
            "Evil ␛]0;pwned",
            "␛[2J",
            "␛]52;c;",
            "Prompt ␛[7m",
            "Hint ␛c",
            "Feedback ␇",
            "Front ␛[31m",
            "Back ␇",
        ],
    );
}
