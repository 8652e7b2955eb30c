use super::*;
use crate::pack::Examples;
use crate::pack::{Choice, Question};
use crate::text::pattern::Flavour;

fn choice(correct: &[bool]) -> QuestionKind {
    QuestionKind::Choice {
        choices: correct
            .iter()
            .enumerate()
            .map(|(i, &correct)| Choice {
                text: format!("c{i}"),
                correct,
                feedback: None,
            })
            .collect(),
        shuffle: false,
    }
}

fn text(answers: &[&str], case_sensitive: bool) -> QuestionKind {
    QuestionKind::Text {
        answers: answers.iter().map(|a| a.to_string()).collect(),
        case_sensitive,
        examples: None,
    }
}

fn pattern(answers: &[&str], flavour: Flavour, matches: &[&str], rejects: &[&str]) -> QuestionKind {
    let lines = |l: &[&str]| l.iter().map(|s| s.to_string()).collect();
    QuestionKind::Text {
        answers: answers.iter().map(|a| a.to_string()).collect(),
        case_sensitive: false,
        examples: Some(Examples {
            flavour,
            matches: lines(matches),
            rejects: lines(rejects),
        }),
    }
}

fn graded(kind: &QuestionKind, answer: &str) -> bool {
    is_correct(kind, &Response::Text(answer.into()))
}

#[test]
fn a_pattern_is_right_by_what_it_matches() {
    // Issue 22, items 5 and 6: working patterns were graded wrong.
    let pi = pattern(&["3\\.14"], Flavour::GrepE, &["3.14"], &["3x14"]);
    for right in [
        "3\\.14",
        "^3\\.14",
        "3\\.14$",
        "\\b3\\.14\\b",
        "'3\\.14'",
        "\"3[.]14\"",
    ] {
        assert!(graded(&pi, right), "{right}");
    }
    for wrong in ["3.14", "3x14", "'3.14'", "3\\.15", "", "3\\.14("] {
        assert!(!graded(&pi, wrong), "{wrong}");
    }
    let colour = pattern(
        &["colou?r"],
        Flavour::GrepE,
        &["color", "colour"],
        &["colouur"],
    );
    for right in [
        "colo[u]?r",
        "colo(u?)r",
        "colou{,1}r",
        "^colou?r",
        "\\bcolou?r\\b",
        "colou{0,1}r",
    ] {
        assert!(graded(&colour, right), "{right}");
    }
    for wrong in ["colou*r", "colour", "colou+r", "COLOU?R", "colou{1,}r"] {
        assert!(!graded(&colour, wrong), "{wrong}");
    }
}

#[test]
fn a_pattern_is_read_in_the_questions_flavour() {
    let digits = |flavour| pattern(&["[0-9]+"], flavour, &["a1"], &["ab"]);
    // `\d` is a digit in rg, the letter d in grep -E.
    assert!(graded(&digits(Flavour::Rg), "\\d"));
    assert!(!graded(&digits(Flavour::GrepE), "\\d"));
    assert!(graded(&digits(Flavour::GrepE), "[[:digit:]]"));
}

#[test]
fn a_back_reference_is_right_only_as_written() {
    let twice = pattern(&["(a)\\1"], Flavour::GrepE, &["aa"], &["a"]);
    assert!(graded(&twice, "'(a)\\1'"));
    assert!(!graded(&twice, "(b)\\1"));
}

fn order(n: usize) -> QuestionKind {
    QuestionKind::Order {
        items: (0..n).map(|i| format!("item {i}")).collect(),
    }
}

#[test]
fn single_choice() {
    let q = choice(&[false, true, false]);
    assert!(is_correct(&q, &Response::Choices(vec![1])));
    assert!(!is_correct(&q, &Response::Choices(vec![0])));
    assert!(!is_correct(&q, &Response::Choices(vec![])));
    assert!(!is_correct(&q, &Response::Choices(vec![0, 1])));
}

#[test]
fn pick_all_needs_exactly_the_correct_set() {
    let q = choice(&[true, false, true]);
    assert!(is_correct(&q, &Response::Choices(vec![2, 0])));
    assert!(
        is_correct(&q, &Response::Choices(vec![0, 2, 2])),
        "a repeated pick is one pick"
    );
    assert!(
        !is_correct(&q, &Response::Choices(vec![0])),
        "a subset is wrong"
    );
    assert!(
        !is_correct(&q, &Response::Choices(vec![0, 1, 2])),
        "a superset is wrong"
    );
}

#[test]
fn true_false() {
    let q = QuestionKind::TrueFalse { answer: false };
    assert!(is_correct(&q, &Response::Bool(false)));
    assert!(!is_correct(&q, &Response::Bool(true)));
}

#[test]
fn text_folds_space_and_case() {
    let q = text(&["git  commit", "commit"], false);
    assert!(is_correct(&q, &Response::Text("  Git\tCOMMIT \n".into())));
    assert!(is_correct(&q, &Response::Text("commit".into())));
    assert!(!is_correct(&q, &Response::Text("git commits".into())));
    assert!(!is_correct(&q, &Response::Text("".into())));
    assert!(!is_correct(&q, &Response::Text("   ".into())));
}

#[test]
fn text_uses_full_unicode_case_folding() {
    assert!(is_correct(
        &text(&["straße"], false),
        &Response::Text("STRASSE".into())
    ));
    assert!(is_correct(
        &text(&["σίσυφος"], false),
        &Response::Text("ΣΊΣΥΦΟΣ".into())
    ));
    assert!(is_correct(
        &text(&["ÉCOLE"], false),
        &Response::Text("école".into())
    ));
}

#[test]
fn case_sensitive_text() {
    let q = text(&["HEAD"], true);
    assert!(is_correct(&q, &Response::Text(" HEAD ".into())));
    assert!(!is_correct(&q, &Response::Text("head".into())));
}

#[test]
fn order_is_exact() {
    let q = order(3);
    assert!(is_correct(&q, &Response::Order(vec![0, 1, 2])));
    assert!(!is_correct(&q, &Response::Order(vec![1, 0, 2])));
    assert!(!is_correct(&q, &Response::Order(vec![0, 1])));
}

#[test]
fn a_response_of_another_kind_is_wrong() {
    assert!(!is_correct(&order(2), &Response::Choices(vec![0, 1])));
    assert!(!is_correct(
        &QuestionKind::TrueFalse { answer: true },
        &Response::Text("true".into())
    ));
}

#[test]
fn typed_choices_map_through_the_shown_order() {
    let q = choice(&[true, false, true]);
    // Shown as: 1 → c2, 2 → c0, 3 → c1.
    let shown = [2, 0, 1];
    assert_eq!(
        parse_input(&q, &shown, "1 2"),
        Ok(Response::Choices(vec![0, 2]))
    );
    assert_eq!(
        parse_input(&q, &shown, "12"),
        Ok(Response::Choices(vec![0, 2]))
    );
    assert_eq!(
        parse_input(&q, &shown, "1,3"),
        Ok(Response::Choices(vec![1, 2]))
    );
    assert_eq!(
        parse_input(&q, &shown, "4"),
        Err(InputError::ChoiceOutOfRange(3))
    );
    assert_eq!(parse_input(&q, &shown, " "), Err(InputError::Empty));
    let single = choice(&[true, false]);
    assert_eq!(
        parse_input(&single, &[0, 1], "1 2"),
        Err(InputError::OneChoiceOnly)
    );
}

#[test]
fn typed_order_and_true_false() {
    let q = order(3);
    let shown = [2, 0, 1];
    // The learner typed the shown numbers in the right order: item 0 is shown 2nd, item 1 3rd, item 2 1st.
    assert_eq!(
        parse_input(&q, &shown, "2 3 1"),
        Ok(Response::Order(vec![0, 1, 2]))
    );
    assert!(matches!(
        parse_input(&q, &shown, "2 2 1"),
        Err(InputError::BadOrder(_))
    ));
    assert!(matches!(
        parse_input(&q, &shown, "2 3"),
        Err(InputError::BadOrder(_))
    ));
    let tf = QuestionKind::TrueFalse { answer: true };
    assert_eq!(parse_input(&tf, &[], "T"), Ok(Response::Bool(true)));
    assert_eq!(parse_input(&tf, &[], "no"), Ok(Response::Bool(false)));
    assert_eq!(
        parse_input(&tf, &[], "maybe"),
        Err(InputError::NotTrueFalse)
    );
}

#[test]
fn responses_are_described_in_the_authors_words() {
    let q = choice(&[true, false, true]);
    assert_eq!(Response::Choices(vec![0, 2]).describe(&q), r#"["c0","c2"]"#);
    assert_eq!(
        Response::Order(vec![1, 0]).describe(&order(2)),
        r#"["item 1","item 0"]"#
    );
    assert_eq!(
        Response::Text(" As typed ".into()).describe(&text(&["x"], false)),
        " As typed "
    );
}

fn question(prompt: &str, kind: QuestionKind) -> Question {
    Question {
        id: "q".into(),
        prompt: prompt.into(),
        kind,
        explain: None,
        hint: None,
        line: 1,
    }
}

#[test]
fn one_rule_says_whether_several_choices_may_be_picked() {
    assert!(choice(&[true, false, true]).picks_several());
    assert!(!choice(&[true, false, false]).picks_several());
    assert!(!QuestionKind::TrueFalse { answer: true }.picks_several());
    assert_eq!(
        parse_input(&choice(&[true, false, false]), &[0, 1, 2], "1 2"),
        Err(InputError::OneChoiceOnly)
    );
    assert_eq!(
        parse_input(&choice(&[true, false, true]), &[0, 1, 2], "1 3"),
        Ok(Response::Choices(vec![0, 2]))
    );
}

#[test]
fn pick_all_that_apply_is_said_once() {
    let q = question("Which are even?", choice(&[true, false, true]));
    assert_eq!(q.pick_all_note(), Some(PICK_ALL));
    let q = question(
        "Which are even? Pick all that apply.",
        choice(&[true, false, true]),
    );
    assert_eq!(q.pick_all_note(), None, "the prompt says it already");
    let q = question("Which is even?", choice(&[true, false, false]));
    assert_eq!(q.pick_all_note(), None);
}

fn shown(number: usize, index: usize, text: &str) -> Shown {
    Shown {
        number,
        index,
        text: text.into(),
    }
}

#[test]
fn a_wrong_answer_states_the_right_one_by_what_was_shown() {
    // c1 is right, shown first; c0 shown second; c2 third.
    let kind = choice(&[false, true, false]);
    let v = verdict(&kind, &[1, 0, 2], &Response::Choices(vec![2]));
    assert!(!v.correct && !v.skipped);
    assert_eq!(v.given, Some(Stated::Choices(vec![shown(3, 2, "c2")])));
    assert_eq!(v.right, Some(Stated::Choices(vec![shown(1, 1, "c1")])));
    assert_eq!(v.missed, [shown(1, 1, "c1")]);

    let v = verdict(
        &QuestionKind::TrueFalse { answer: true },
        &[],
        &Response::Bool(false),
    );
    assert_eq!(
        (v.given, v.right),
        (Some(Stated::Bool(false)), Some(Stated::Bool(true)))
    );

    let v = verdict(
        &text(&["git commit", "commit"], false),
        &[],
        &Response::Text("git add".into()),
    );
    assert_eq!(
        (v.given, v.right),
        (
            Some(Stated::Text("git add".into())),
            Some(Stated::Text("git commit".into()))
        )
    );

    // Items shown as 2 0 1: the right order 0 1 2 is typed 2 3 1.
    let v = verdict(&order(3), &[2, 0, 1], &Response::Order(vec![2, 0, 1]));
    assert_eq!(
        v.right,
        Some(Stated::Order(vec![
            shown(2, 0, "item 0"),
            shown(3, 1, "item 1"),
            shown(1, 2, "item 2")
        ]))
    );
    assert_eq!(
        v.given,
        Some(Stated::Order(vec![
            shown(1, 2, "item 2"),
            shown(2, 0, "item 0"),
            shown(3, 1, "item 1")
        ]))
    );
}

#[test]
fn a_skip_states_the_right_answer_and_nothing_given() {
    let v = skipped(&choice(&[true, false]), &[1, 0]);
    assert!(v.skipped && !v.correct);
    assert_eq!(v.given, None);
    assert_eq!(v.right, Some(Stated::Choices(vec![shown(2, 0, "c0")])));
}

#[test]
fn a_wrong_pattern_is_told_the_line_it_fails() {
    let colour = pattern(
        &["colou?r"],
        Flavour::GrepE,
        &["color", "colour"],
        &["colouur"],
    );
    let why = |answer: &str| verdict(&colour, &[], &Response::Text(answer.into())).why;
    assert_eq!(
        why("colour").as_deref(),
        Some("Your pattern does not match `color`, which it must.")
    );
    assert_eq!(
        why("'colou*r'").as_deref(),
        Some("Your pattern also matches `colouur`, which it must not.")
    );
    assert!(why("colo(u?r").is_some_and(|w| w.starts_with("grep -E would refuse that pattern: ")));
    assert_eq!(why("colou?r"), None);
    assert_eq!(
        skipped(&colour, &[]).why.as_deref(),
        Some("Right: any grep -E pattern that matches `color` and `colour`, and not `colouur`.")
    );
}
