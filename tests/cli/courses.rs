//! The bundled courses teach what is true: questions accept the answers their prompts allow and still refuse wrong
//! ones, choice questions do not give their answer away by its position, and what a course says about scoring is
//! what the player does.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use morsel::learn::grade::{Response, is_correct};
use morsel::learn::journal::{AnswerRecord, Record};
use morsel::learn::progress::Progress;
use morsel::pack::{Pack, Question, QuestionKind};

fn courses() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("courses")
}

fn load(dir: &Path) -> Pack {
    morsel::pack::load(dir)
        .into_pack()
        .map_err(|r| r.diagnostics)
        .unwrap()
}

pub(crate) fn pack(id: &str) -> Pack {
    load(&courses().join(id))
}

pub(crate) fn bundled() -> Vec<Pack> {
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(courses())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .collect();
    dirs.sort();
    dirs.iter().map(|d| load(d)).collect()
}

pub(crate) fn question(pack: &Pack, id: &str) -> Question {
    pack.lessons
        .iter()
        .flat_map(|l| l.questions())
        .find(|q| q.id == id)
        .unwrap_or_else(|| panic!("{}: no question `{id}`", pack.course.id))
        .clone()
}

/// Asserts how typed answers to a text question are graded.
pub(crate) fn assert_text(pack: &str, id: &str, right: &[&str], wrong: &[&str]) {
    let q = question(&self::pack(pack), id);
    assert_eq!(q.kind.name(), "text", "{id}");
    for answer in right {
        assert!(
            is_correct(&q.kind, &Response::Text(answer.to_string())),
            "{pack}/{id}: `{answer}` answers the prompt but is graded wrong"
        );
    }
    for answer in wrong {
        assert!(
            !is_correct(&q.kind, &Response::Text(answer.to_string())),
            "{pack}/{id}: `{answer}` is wrong but is graded right"
        );
    }
}

#[test]
fn quantifier_question_accepts_anchored_and_grouped_answers() {
    assert_text(
        "regex-in-bites",
        "quantifier-colour",
        &[
            "colou?r",
            "^colou?r$",
            "colo(u)?r",
            "colou{0,1}r",
            "^colo(u){0,1}r$",
            // Issue 22, item 6: graded by what they match.
            "colo[u]?r",
            "colo(u?)r",
            "colou{,1}r",
            "^colou?r",
            "\\bcolou?r\\b",
            "'colou?r'",
        ],
        // `colou*r` also matches `colouur`, which the prompt rules out.
        &["colou*r", "colour", "colou+r", "colou{1,}r", "colo(u?r"],
    );
}

#[test]
fn escaped_dot_question_accepts_anchored_answers() {
    assert_text(
        "regex-in-bites",
        "escape-pi",
        &[
            "3\\.14",
            "^3\\.14$",
            "3[.]14",
            "^3[.]14$",
            // Issue 22, item 5: graded by what they match, quotes dropped.
            "^3\\.14",
            "3\\.14$",
            "\\b3\\.14\\b",
            "'3\\.14'",
        ],
        // Patterns that find 3.14 but do not ask for it: the example lines rule them out.
        &["3.14", "^3.14$", "3x14", "'3.14'", "\\.", "3\\.1", "\\.14"],
    );
}

/// The texts of a choice question's right choices, and the feedback of each wrong one by its text.
fn choices(pack: &str, id: &str) -> (Vec<String>, BTreeMap<String, String>) {
    let q = question(&self::pack(pack), id);
    let QuestionKind::Choice { choices, .. } = &q.kind else {
        panic!("{pack}/{id} is a choice question");
    };
    let right = choices
        .iter()
        .filter(|c| c.correct)
        .map(|c| c.text.clone())
        .collect();
    let feedback = choices
        .iter()
        .filter(|c| !c.correct)
        .map(|c| (c.text.clone(), c.feedback.clone().unwrap_or_default()))
        .collect();
    (right, feedback)
}

#[test]
fn extracting_versions_is_answered_by_only_matching() {
    let (right, wrong) = choices("regex-in-bites", "grep-extract-versions");
    assert_eq!(right, ["Add `-o`"]);
    assert!(wrong.contains_key("Add `-w`"), "{wrong:?}");
}

#[test]
fn backreference_question_is_the_group_number_and_explains_dollar_two() {
    let (right, wrong) = choices("regex-in-bites", "backref-number");
    assert_eq!(right, ["`\\2`"]);
    let dollar = &wrong["`$2`"];
    assert!(
        dollar.contains("replacement") && dollar.contains("end-of-line"),
        "`$2` gets feedback on where it does work: {dollar}"
    );
}

/// The learner's steps as item indices: each step is the index of the item that mentions it. A step that falls in
/// the same item as the step before adds nothing (an item may name two steps that can come in either order).
fn steps(items: &[String], steps: &[&str]) -> Vec<usize> {
    let mut order: Vec<usize> = Vec::new();
    for step in steps {
        let index = items
            .iter()
            .position(|item| item.contains(step))
            .unwrap_or_else(|| panic!("no item mentions `{step}` in {items:?}"));
        if order.last() != Some(&index) {
            order.push(index);
        }
    }
    order
}

#[test]
fn bisect_question_accepts_good_before_bad() {
    let q = question(&pack("git-in-bites"), "find-bisect-order");
    let QuestionKind::Order { items } = &q.kind else {
        panic!("find-bisect-order is an order question");
    };
    let graded = |order: &[&str]| is_correct(&q.kind, &Response::Order(steps(items, order)));
    let (start, bad, good) = ("bisect start", "bisect bad", "bisect good");
    let (test, reset) = ("Test each commit", "bisect reset");
    assert!(graded(&[start, bad, good, test, reset]), "bad, then good");
    assert!(
        graded(&[start, good, bad, test, reset]),
        "good, then bad: git accepts the marks in either order"
    );
    assert!(!graded(&[reset, start, bad, good, test]), "reset first");
    assert!(
        !graded(&[start, test, bad, good, reset]),
        "testing before any commit is marked"
    );
}

#[test]
fn unshuffled_choices_do_not_give_the_answer_away_by_position() {
    let mut total = 0;
    let mut overall: BTreeMap<usize, Vec<String>> = BTreeMap::new();
    for pack in bundled() {
        let mut questions = 0;
        let mut by_position: BTreeMap<usize, Vec<String>> = BTreeMap::new();
        for q in pack.lessons.iter().flat_map(|l| l.questions()) {
            let QuestionKind::Choice {
                choices,
                shuffle: false,
            } = &q.kind
            else {
                continue;
            };
            questions += 1;
            for (position, _) in choices.iter().enumerate().filter(|(_, c)| c.correct) {
                by_position
                    .entry(position + 1)
                    .or_default()
                    .push(q.id.clone());
            }
        }
        for (position, ids) in &by_position {
            assert!(
                ids.len() * 2 <= questions,
                "{}: choice {position} is right in {} of {questions} unshuffled choice questions: {ids:?}",
                pack.course.id,
                ids.len()
            );
            overall.entry(*position).or_default().extend(ids.clone());
        }
        total += questions;
    }
    assert!(
        total > 0,
        "the bundled courses have unshuffled choice questions"
    );
    for (position, ids) in &overall {
        assert!(
            ids.len() * 2 <= total,
            "choice {position} is right in {} of {total} unshuffled choice questions: {ids:?}",
            ids.len()
        );
    }
}

fn answer(question: &str, round: u32, attempt: u32, correct: bool) -> Record {
    Record::Answer(AnswerRecord {
        course_id: "writing-packs".into(),
        lesson_id: "what-is-a-pack".into(),
        question_id: question.into(),
        kind: "choice",
        response: String::new(),
        correct,
        skipped: false,
        round,
        attempt,
        hint_used: false,
        shown_at: 0,
        answered_at: 0,
    })
}

/// writing-packs teaches the mastery rule; it must be the rule the player applies: a try again straight after a
/// miss is practice, a retry of the missed questions from the summary too, and a scheduled review right counts.
#[test]
fn writing_packs_states_the_mastery_rule_the_player_applies() {
    let pack = pack("writing-packs");
    let lesson = pack
        .lessons
        .iter()
        .find(|l| l.id == "what-is-a-pack")
        .unwrap();
    let pass_mark = pack.course.pass_mark;
    let mut progress = Progress::default();
    for bite in &lesson.bites {
        progress.apply(&Record::Position {
            course_id: "writing-packs".into(),
            lesson_id: lesson.id.clone(),
            bite: bite.number,
            scroll: 0,
            at: 0,
        });
    }
    // Its flashcard recalled: mastery then hangs on the questions alone.
    for card in lesson.cards() {
        let recalled = morsel::learn::schedule::Scheduler::default().next(
            None,
            morsel::learn::journal::Rating::Good,
            0,
        );
        progress.apply(&Record::CardRated {
            course_id: "writing-packs".into(),
            lesson_id: lesson.id.clone(),
            card_id: card.id.clone(),
            rating: morsel::learn::journal::Rating::Good,
            at: 0,
            duration_ms: 1000,
        });
        progress.items.insert(card.id.clone(), recalled);
    }
    let ids: Vec<String> = lesson.questions().map(|q| q.id.clone()).collect();
    assert!(ids.len() >= 2);
    for id in &ids {
        progress.apply(&answer(id, 1, 1, false));
        progress.apply(&answer(id, 1, 2, true));
    }
    let status = progress.lesson_status(lesson, pass_mark);
    assert!(status.complete);
    assert_eq!(
        status.first_try_right, 0,
        "a try again after a miss is practice"
    );
    assert!(!status.mastered);
    for id in &ids {
        progress.apply(&answer(id, 2, 1, true));
    }
    let status = progress.lesson_status(lesson, pass_mark);
    assert!(
        !status.mastered && status.right_on_retry == ids.len(),
        "a retry round from the summary is practice too"
    );
    let scheduler = morsel::learn::schedule::Scheduler::default();
    for id in &ids {
        let state = scheduler.next(None, morsel::learn::journal::Rating::Again, 0);
        progress.apply(&Record::Reviewed(morsel::learn::journal::ReviewRecord {
            course_id: "writing-packs".into(),
            lesson_id: lesson.id.clone(),
            item_id: id.clone(),
            kind: morsel::learn::schedule::ItemKind::Question,
            rating: morsel::learn::journal::Rating::Good,
            response: String::new(),
            review_kind: morsel::learn::schedule::ReviewKind::Scheduled,
            at: state.due_at,
            utc_offset_min: 0,
            duration_ms: 1000,
            content_hash: String::new(),
            state_before: 3,
            state: Some(scheduler.next(
                Some(&state),
                morsel::learn::journal::Rating::Good,
                state.due_at,
            )),
        }));
    }
    assert!(
        progress.lesson_status(lesson, pass_mark).mastered,
        "a scheduled review answered right counts"
    );

    let text: String = lesson
        .bites
        .iter()
        .map(|b| b.markdown.as_str())
        .collect::<Vec<_>>()
        .join("\n");
    assert!(
        text.contains("`r`") && text.contains("practice") && text.contains("`morsel review`"),
        "the pass-mark bite says that retries are practice and that a spaced review counts"
    );
    let q = question(&pack, "pass-mark-meaning");
    let QuestionKind::Choice { choices, .. } = &q.kind else {
        panic!("pass-mark-meaning is a choice question");
    };
    for choice in choices {
        let feedback = choice.feedback.as_deref().unwrap_or_default();
        assert!(
            !feedback.contains("only first tries"),
            "feedback `{feedback}` claims that only first tries ever count"
        );
    }
}
