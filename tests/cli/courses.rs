//! The bundled courses teach what is true: questions accept the answers their prompts allow and still refuse wrong
//! ones.

use std::path::{Path, PathBuf};

use morsel::grade::{Response, is_correct};
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

fn pack(id: &str) -> Pack {
    load(&courses().join(id))
}

fn question(pack: &Pack, id: &str) -> Question {
    pack.lessons
        .iter()
        .flat_map(|l| l.questions())
        .find(|q| q.id == id)
        .unwrap_or_else(|| panic!("{}: no question `{id}`", pack.course.id))
        .clone()
}

/// Asserts how typed answers to a text question are graded.
fn assert_text(pack: &str, id: &str, right: &[&str], wrong: &[&str]) {
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
        ],
        // `colou*r` also matches `colouur`, which the prompt rules out.
        &["colou*r", "colour", "colou+r", "color|colour"],
    );
}

#[test]
fn escaped_dot_question_accepts_anchored_answers() {
    assert_text(
        "regex-in-bites",
        "escape-pi",
        &["3\\.14", "^3\\.14$", "3[.]14", "^3[.]14$"],
        &["3.14", "^3.14$", "3x14"],
    );
}

#[test]
fn only_matching_question_accepts_the_option_with_grep_before_it() {
    assert_text(
        "regex-in-bites",
        "grep-only-matching",
        &["-o", "grep -o", "--only-matching", "grep --only-matching"],
        &["-v", "grep -v", "-O"],
    );
}

#[test]
fn backreference_question_accepts_the_group_number() {
    assert_text(
        "regex-in-bites",
        "backref-number",
        &["\\2", "2"],
        &["\\1", "1", "\\3"],
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

