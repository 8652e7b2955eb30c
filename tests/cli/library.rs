//! The library as a returning learner sees it: today's minutes against the goal, what is due, the streak, a
//! "Review N due" row that opens the review, and each course's due count.

use morsel::tui::app::{Screen, Start};

use crate::player::{every_construct, press, press_until, reopen, screen, through_intro};

/// Plays the questions lesson of the fixture with two misses, then comes back two days later to the library.
fn two_days_after_misses(size: (u16, u16)) -> crate::player::Player {
    let mut p = every_construct(size);
    through_intro(&mut p.app);
    press_until(&mut p.app, "<Right>", "Which is a pointer?");
    press(&mut p.app, "s");
    press_until(&mut p.app, "<Right>", "Which are even?");
    press(&mut p.app, "s<Right>t");
    press(&mut p.app, "q");
    p.clock.advance_secs(2 * 86_400);
    p.app = reopen(&p, Start::Library);
    p
}

#[test]
fn the_library_offers_the_review_of_what_is_due_and_says_where_the_day_stands() {
    let mut p = two_days_after_misses((80, 24));
    let text = screen(&p.app);
    assert!(text.contains("▸ Review 3 due"), "{text}");
    assert!(text.contains("3 due"), "header and course: {text}");
    assert!(
        text.lines()
            .next()
            .unwrap_or_default()
            .contains("min today"),
        "{text}"
    );
    assert!(text.contains("Enter review"), "{text}");
    insta::assert_snapshot!("library-with-due-80x24", text);
    press(&mut p.app, "<Enter>");
    assert!(
        matches!(p.app.screen, Screen::Review(_)),
        "{}",
        screen(&p.app)
    );
    assert!(screen(&p.app).contains("1 of 3"), "{}", screen(&p.app));
}

#[test]
fn the_library_header_fits_a_narrow_terminal() {
    let p = two_days_after_misses((40, 12));
    let text = screen(&p.app);
    insta::assert_snapshot!("library-with-due-40x12", text);
    assert!(text.contains("Review 3 due"), "{text}");
}

#[test]
fn the_library_says_when_two_packs_share_a_course_id() {
    let p = crate::player::player(
        Start::Library,
        &crate::fixture("invalid/lints/duplicate-course-id"),
        (100, 30),
    );
    let text = screen(&p.app);
    assert!(
        text.contains("! same id as another pack, so they share progress"),
        "{text}"
    );
}

#[test]
fn the_dashboard_opens_with_s_and_goes_back_where_it_was() {
    for size in [(80, 24), (40, 12)] {
        let mut p = two_days_after_misses(size);
        press(&mut p.app, "S");
        let text = screen(&p.app);
        assert!(matches!(p.app.screen, Screen::Dashboard(..)), "{text}");
        assert!(
            text.contains("Study days") || (size.1 < 16 && text.contains("days of the last 30")),
            "{text}"
        );
        assert!(text.contains("33%   Every construct › Question"), "{text}");
        insta::assert_snapshot!(format!("dashboard-{}x{}", size.0, size.1), text);
        press(&mut p.app, "<Esc>");
        assert!(matches!(p.app.screen, Screen::Library(_)));
    }
}

#[test]
fn one_study_day_is_one_day_not_one_days() {
    let mut p = every_construct((40, 12));
    for _ in 0..3 {
        p.clock.advance_secs(40);
        press(&mut p.app, "<Right>");
    }
    press(&mut p.app, "q");
    p.app = reopen(&p, Start::Library);
    press(&mut p.app, "S");
    let text = screen(&p.app);
    assert!(text.contains("min on 1 day of the last 30"), "{text}");
}
