//! After an answer the player states the right one, keeps the learner's own in view, and names each choice's
//! feedback; an idle pause says it was automatic.

use morsel::tui::app::Event;

use crate::player::{every_construct, press, press_until, screen, through_intro};

/// The shown number of the line ending in `text` (`2 ( ) A branch` → 2).
fn number_of(screen: &str, text: &str) -> usize {
    screen
        .lines()
        .find(|l| l.trim_end().ends_with(text))
        .and_then(|l| l.split_whitespace().next())
        .and_then(|n| n.trim_end_matches('.').parse().ok())
        .unwrap_or_else(|| panic!("{text} not shown:\n{screen}"))
}

#[test]
fn a_wrong_choice_is_marked_and_the_right_one_too_with_each_feedback_labelled() {
    let mut p = every_construct((80, 24));
    through_intro(&mut p.app);
    press_until(&mut p.app, "<Right>", "Which is a pointer?");
    let clone = number_of(&screen(&p.app), "A clone");
    let branch = number_of(&screen(&p.app), "A branch");
    press(&mut p.app, &format!("{clone}<Enter>"));
    let text = screen(&p.app);
    assert!(text.contains("✗ Not quite."), "{text}");
    assert!(
        text.contains("A clone  ✗"),
        "the learner's pick stays, marked:\n{text}"
    );
    assert!(
        text.contains("A branch  ✓"),
        "the right one is marked:\n{text}"
    );
    assert!(
        text.contains(&format!("{clone}: A clone is a whole repository.")),
        "feedback names its choice:\n{text}"
    );
    assert!(
        !text.contains(&format!("{branch}: Yes")),
        "no feedback of an unpicked choice:\n{text}"
    );
}

#[test]
fn wrong_true_false_text_and_order_answers_state_the_right_one() {
    let mut p = every_construct((80, 30));
    through_intro(&mut p.app);
    press_until(&mut p.app, "<Right>", "Which is a pointer?");
    press(&mut p.app, "s");
    press_until(&mut p.app, "<Right>", "Which are even?");
    press(&mut p.app, "s<Right>f");
    let tf = screen(&p.app);
    assert!(tf.contains("You answered false; it is true."), "{tf}");

    press_until(&mut p.app, "<Right>", "Name the command");
    press(&mut p.app, "git commit<Enter>");
    press_until(&mut p.app, "<Right>", "exactly.");
    press(&mut p.app, "head<Enter>");
    let text = screen(&p.app);
    assert!(
        text.contains("Your answer: head"),
        "the answer stays visible:\n{text}"
    );
    assert!(text.contains("An accepted answer: HEAD"), "{text}");

    press_until(&mut p.app, "<Right>", "Order the steps.");
    let order = screen(&p.app);
    let (edit, add, commit) = (
        number_of(&order, ". edit"),
        number_of(&order, ". add"),
        number_of(&order, ". commit"),
    );
    press(&mut p.app, &format!("{commit} {add} {edit}<Enter>"));
    let wrong = screen(&p.app);
    assert!(wrong.contains("✗ Not quite."), "{wrong}");
    assert!(
        wrong.contains(&format!("The right order: {edit} {add} {commit}")),
        "{wrong}"
    );
    assert!(
        wrong.contains("1. edit") && wrong.contains("3. commit"),
        "{wrong}"
    );
}

#[test]
fn an_idle_pause_says_it_paused_by_itself() {
    let mut p = every_construct((80, 24));
    p.clock.advance_secs(5 * 60 + 1);
    let _ = p.app.handle(Event::Tick);
    let text = screen(&p.app);
    assert!(
        text.contains("Paused by itself after 5 minutes without a key"),
        "{text}"
    );
    press(&mut p.app, "p");
    press(&mut p.app, "p");
    assert!(
        screen(&p.app).contains("The clock is stopped."),
        "a pause asked for"
    );
}

#[test]
fn next_on_a_question_waiting_for_t_or_f_says_what_it_needs() {
    let mut p = every_construct((80, 24));
    through_intro(&mut p.app);
    press_until(&mut p.app, "<Right>", "Which is a pointer?");
    press(&mut p.app, "s");
    press_until(&mut p.app, "<Right>", "Which are even?");
    press(&mut p.app, "s<Right><Right>");
    let text = screen(&p.app);
    assert!(text.contains("The earth is round."), "{text}");
    assert!(text.contains("press t or f (s skips)"), "{text}");
}
