//! Keys become commands in one place: what the footer and the help overlay offer is what the keys do, on every
//! screen, with the keymap's own keys.

use std::path::PathBuf;

use morsel::learn::session::OpenOptions;
use morsel::tui::Effect;
use morsel::tui::app::{Event, Screen, Start};
use morsel::tui::keymap::Keymap;

use crate::fixture;
use crate::player::{
    every_construct, player, player_with_keys, press, press_until, screen, through_intro,
};

fn courses() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("courses")
}

fn footer(text: &str) -> &str {
    text.lines().last().unwrap_or_default()
}

#[test]
fn a_rebound_next_key_is_what_the_library_footer_shows_and_what_opens() {
    // `n` is the note's key by default: moved, so that next can have it.
    let overrides = [
        ("next".to_string(), vec!["n".to_string()]),
        ("note".to_string(), vec!["N".to_string()]),
    ]
    .into();
    let keymap = Keymap::new(&overrides).unwrap();
    let mut p = player_with_keys(Start::Library, &courses(), (80, 24), keymap);
    let library = screen(&p.app);
    assert!(footer(&library).contains("n open"), "{library}");
    assert!(!library.contains("Enter"), "{library}");
    press(&mut p.app, "<Enter>");
    assert!(
        matches!(p.app.screen, Screen::Library(_)),
        "Enter is not bound"
    );
    press(&mut p.app, "n");
    assert!(matches!(p.app.screen, Screen::Player(_)), "n opens");
}

#[test]
fn enter_finishes_the_library_filter_and_only_then_opens() {
    let mut p = player(Start::Library, &courses(), (80, 24));
    press(&mut p.app, "/regex");
    assert!(footer(&screen(&p.app)).contains("Enter done"));
    press(&mut p.app, "<Enter>");
    assert!(
        matches!(p.app.screen, Screen::Library(_)),
        "Enter ends the filter"
    );
    assert!(screen(&p.app).contains("filter: regex"));
    assert!(footer(&screen(&p.app)).contains("Enter open"));
    press(&mut p.app, "<Enter>");
    assert!(screen(&p.app).contains("Regular expressions in bites ›"));
}

#[test]
fn no_match_for_the_filter_says_how_to_clear_it_not_how_to_add_packs() {
    let mut p = player(Start::Library, &courses(), (80, 24));
    press(&mut p.app, "/zzz<Enter>");
    let text = screen(&p.app);
    assert!(text.contains("No course matches the filter."), "{text}");
    assert!(!text.contains("Add a pack"), "{text}");
    press(&mut p.app, "<Esc>");
    assert!(screen(&p.app).contains("Git in bites"));
}

#[test]
fn each_screen_helps_with_its_own_keys() {
    let mut p = player(Start::Library, &courses(), (100, 40));
    press(&mut p.app, "?");
    let help = screen(&p.app);
    assert!(help.contains("filter by title or id"), "{help}");
    for player_key in ["pause", "skip", "1-9", "hint"] {
        assert!(!help.contains(player_key), "{player_key}:\n{help}");
    }
    press(&mut p.app, "x<Enter>?");
    let help = screen(&p.app);
    assert!(help.contains("pause: hide the lesson"), "{help}");
    assert!(!help.contains("filter"), "{help}");
}

#[test]
fn next_reads_on_through_a_long_bite_before_it_moves_on() {
    let mut p = every_construct((40, 10));
    let first = screen(&p.app);
    assert!(first.contains("↓ more below"), "{first}");
    assert!(footer(&first).contains("→ read on"), "{first}");
    press(&mut p.app, "<Right>");
    let second = screen(&p.app);
    assert!(second.contains("1/3"), "still the first bite:\n{second}");
    assert_ne!(first, second, "the bite scrolled");
    press_until(&mut p.app, "<Right>", "→ next");
    assert!(!screen(&p.app).contains("↓ more below"));
    press(&mut p.app, "<Right>");
    assert!(screen(&p.app).contains("2/3"), "{}", screen(&p.app));
}

#[test]
fn esc_after_a_typed_answer_stays_on_the_question() {
    let mut p = every_construct((80, 24));
    through_intro(&mut p.app);
    press_until(&mut p.app, "<Right>", "Which is a pointer?");
    press(&mut p.app, "1<Enter>");
    press_until(&mut p.app, "<Right>", "Which are even?");
    press(&mut p.app, "13<Enter><Right>t");
    press_until(&mut p.app, "<Right>", "Name the command");
    press(&mut p.app, "git commit<Enter>");
    let answered = screen(&p.app);
    assert!(answered.contains("✓ Right."), "{answered}");
    press(&mut p.app, "<Esc>");
    assert_eq!(screen(&p.app), answered, "Esc does not leave the question");
    press(&mut p.app, "<Right>");
    assert!(
        screen(&p.app).contains("Type HEAD exactly."),
        "next goes to the next question:\n{}",
        screen(&p.app)
    );
}

#[test]
fn a_quiet_tick_draws_nothing_and_the_header_uses_a_wide_terminal() {
    let mut p = every_construct((160, 24));
    assert_eq!(p.app.handle(Event::Tick), Effect::Unchanged);
    let head = screen(&p.app)
        .lines()
        .next()
        .unwrap_or_default()
        .to_string();
    assert!(
        head.contains("Every construct › Markdown, all of it") && head.contains("3 min"),
        "{head}"
    );
}

#[test]
fn a_broken_pack_shows_every_problem_with_its_line_and_column_and_scrolls() {
    let mut p = player(
        Start::Course {
            target: fixture("invalid/bad-questions").display().to_string(),
            options: OpenOptions::default(),
        },
        &fixture("invalid"),
        (40, 12),
    );
    let first = screen(&p.app);
    assert!(first.contains("this pack"), "{first}");
    assert!(first.contains("↓ more below"), "{first}");
    let mut seen = first.clone();
    for _ in 0..30 {
        press(&mut p.app, "<Down>");
        seen.push_str(&screen(&p.app));
    }
    for place in ["a.md:3:1", "a.md:11:8", "a.md:15:1"] {
        assert!(seen.contains(place), "{place}:\n{seen}");
    }
    assert!(
        !screen(&p.app).contains("↓ more below"),
        "scrolled to the end"
    );
}

#[test]
fn a_store_that_cannot_be_read_is_said_in_the_library_which_still_lists_the_courses() {
    let mut p = player(Start::Library, &courses(), (80, 24));
    rusqlite::Connection::open(&p.db)
        .unwrap()
        .execute_batch("ALTER TABLE courses RENAME TO courses_elsewhere")
        .unwrap();
    p.app.show_library();
    let text = screen(&p.app);
    assert!(text.contains("progress could not be read"), "{text}");
    assert!(text.contains("Git in bites"), "{text}");
    assert!(!text.contains("No courses found"), "{text}");
}

#[test]
fn the_first_bite_of_a_lesson_says_how_long_the_lesson_takes() {
    let mut p = every_construct((80, 24));
    let first = screen(&p.app);
    assert!(first.contains("This lesson: about 3 min"), "{first}");
    press_until(&mut p.app, "<Right>", "2/3");
    assert!(
        !screen(&p.app).contains("This lesson:"),
        "only at its start"
    );
}
