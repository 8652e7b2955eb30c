//! "I have N minutes": a time box plans due reviews first, then the bites that fit; paused time does not count;
//! at 80% the player says so; at the end it shows what was done against what was planned.

use morsel::tui::app::{Event, Screen, Start};

use crate::fixture;
use crate::player::{
    Player, every_construct, player, press, press_until, query, reopen, screen, through_intro,
};

fn timebox(p: &Player, minutes: u32) -> morsel::tui::App {
    reopen(
        p,
        Start::TimeBox {
            minutes,
            course: Some(fixture("valid/every-construct")),
            reviews_only: false,
        },
    )
}

/// Presses next every 20 seconds until the box is done (at most 60 keys).
fn next_until_done(p: &mut Player) {
    for _ in 0..60 {
        if matches!(p.app.screen, Screen::TimeboxDone(_)) {
            return;
        }
        p.clock.advance_secs(20);
        press(&mut p.app, "<Right>");
        if screen(&p.app).contains("Question") {
            press(&mut p.app, "s");
        }
    }
    panic!("the box never ended:\n{}", screen(&p.app));
}

#[test]
fn a_box_reads_the_bites_that_fit_and_ends_with_what_was_done() {
    let mut p = every_construct((80, 24));
    p.app = timebox(&p, 2);
    let first = screen(&p.app);
    assert!(
        first.contains("Markdown, all of it"),
        "no reviews yet: the course's bites:\n{first}"
    );
    next_until_done(&mut p);
    let done = screen(&p.app);
    assert!(done.contains("2 minutes: done"), "{done}");
    assert!(
        done.contains("Time used:") && done.contains("of 2 min"),
        "{done}"
    );
    assert!(done.contains("bites read"), "{done}");
    insta::assert_snapshot!("timebox-done-80x24", done);
}

#[test]
fn the_player_says_so_at_eighty_percent_and_paused_time_does_not_count() {
    let mut p = every_construct((80, 24));
    p.app = timebox(&p, 5);
    // A long pause does not count: the box is still far from its end.
    press(&mut p.app, "p");
    p.clock.advance_secs(30 * 60);
    press(&mut p.app, "p");
    assert!(!screen(&p.app).contains("min used"), "{}", screen(&p.app));
    // Four active minutes, a key every 30 seconds on the same bite (scrolling), reach 80% of 5.
    for _ in 0..8 {
        p.clock.advance_secs(30);
        press(&mut p.app, "<Down>");
    }
    let text = screen(&p.app);
    assert!(text.contains("4 of 5 min used"), "{text}");
}

#[test]
fn due_reviews_come_first_in_a_box() {
    let mut p = every_construct((80, 24));
    through_intro(&mut p.app);
    press_until(&mut p.app, "<Right>", "Which is a pointer?");
    press(&mut p.app, "s");
    press(&mut p.app, "q");
    p.clock.advance_secs(2 * 86_400);
    p.app = timebox(&p, 10);
    let text = screen(&p.app);
    assert!(matches!(p.app.screen, Screen::Review(_)), "{text}");
    assert!(text.contains("Which is a pointer?"), "{text}");
}

#[test]
fn the_library_plans_a_box_with_t() {
    let mut p = player(Start::Library, &fixture("valid/every-construct"), (80, 24));
    press(&mut p.app, "t");
    let choose = screen(&p.app);
    assert!(
        choose.contains("1 5 min · 2 10 min · 3 15 min · 4 25 min"),
        "{choose}"
    );
    press(&mut p.app, "1");
    assert!(
        matches!(p.app.screen, Screen::Player(_)),
        "{}",
        screen(&p.app)
    );
    let _ = p.app.handle(Event::Tick);
}

#[test]
fn the_box_summary_fits_a_narrow_terminal() {
    let mut p = every_construct((40, 12));
    p.app = timebox(&p, 2);
    next_until_done(&mut p);
    insta::assert_snapshot!("timebox-done-40x12", screen(&p.app));
}

#[test]
fn the_player_shows_how_much_of_the_box_is_used() {
    let mut p = every_construct((80, 24));
    p.app = timebox(&p, 5);
    p.clock.advance_secs(70);
    press(&mut p.app, "<Down>");
    assert!(screen(&p.app).contains("1 of 5 min"), "{}", screen(&p.app));
}

#[test]
fn a_review_in_a_box_pauses_and_the_pause_does_not_count() {
    let mut p = every_construct((80, 24));
    through_intro(&mut p.app);
    press_until(&mut p.app, "<Right>", "Which is a pointer?");
    press(&mut p.app, "s");
    press(&mut p.app, "q");
    p.clock.advance_secs(2 * 86_400);
    p.app = timebox(&p, 10);
    assert!(matches!(p.app.screen, Screen::Review(_)));
    p.clock.advance_secs(30);
    press(&mut p.app, "p");
    assert!(screen(&p.app).contains("Paused"), "{}", screen(&p.app));
    p.clock.advance_secs(20 * 60);
    press(&mut p.app, "p");
    let used = p.app.ctx.timebox.as_ref().map(|t| t.used_ms);
    assert_eq!(
        used,
        Some(30_000),
        "the 30 s before the pause, not the 20 min of it"
    );
}

#[test]
fn a_box_that_runs_out_counts_only_the_bites_it_showed() {
    let mut p = every_construct((80, 24));
    p.app = timebox(&p, 2);
    let mut shown = std::collections::BTreeSet::new();
    for _ in 0..60 {
        if let Screen::Player(pl) = &p.app.screen {
            let s = &pl.session;
            shown.insert((s.lesson().id.clone(), s.bite().number.to_string()));
        }
        if matches!(p.app.screen, Screen::TimeboxDone(_)) {
            break;
        }
        p.clock.advance_secs(20);
        press(&mut p.app, "<Right>");
        if screen(&p.app).contains("Question") {
            press(&mut p.app, "s");
        }
    }
    let done = screen(&p.app);
    let read = format!("{} bites read", shown.len());
    assert!(done.contains(&read), "{read} expected:\n{done}");
    let seen: std::collections::BTreeSet<(String, String)> =
        query(&p.db, "SELECT lesson_id, bite FROM bites_seen")
            .into_iter()
            .map(|row| (row[0].clone(), row[1].clone()))
            .collect();
    assert_eq!(seen, shown, "only the bites shown are seen");
}
