//! The bundled courses grade commands as the real tools would run them (issue 22, items 4 and 7-10): a command that
//! works is right, one that fails or does something else is wrong, and no wrong choice's feedback says it works.
//! Each answer here was checked against git 2.47 in a scratch repository.

use morsel::pack::QuestionKind;

use crate::courses::{assert_text, bundled, pack, question};

#[test]
fn create_and_switch_accepts_every_working_spelling_and_refuses_force_create() {
    assert_text(
        "git-in-bites",
        "branches-create-and-switch",
        &[
            "git switch -c feature",
            "git switch --create=feature",
            "git switch -c feature HEAD",
            "git checkout -b feature",
        ],
        // `-B` force-creates: it resets an existing `feature` to HEAD. `-C` does the same for switch.
        &[
            "git checkout -B feature",
            "git switch -C feature",
            "git switch feature",
        ],
    );
}

#[test]
fn unstage_accepts_a_double_dash_and_refuses_the_source_option() {
    assert_text(
        "git-in-bites",
        "undo-unstage",
        &[
            "git restore --staged notes.txt",
            "git restore --staged -- notes.txt",
            "git restore -S -- notes.txt",
            "git reset HEAD notes.txt",
        ],
        // `-s` is `--source`: git takes `notes.txt` as a commit and fails.
        &["git restore -s notes.txt", "git restore notes.txt"],
    );
}

#[test]
fn first_push_accepts_head_and_a_refspec_and_refuses_a_capital_u() {
    assert_text(
        "git-in-bites",
        "remotes-first-push",
        &[
            "git push -u origin feature",
            "git push -u origin HEAD",
            "git push -u origin feature:feature",
            "git push --set-upstream origin feature",
        ],
        // git push has no `-U`; without `-u` no upstream is set.
        &["git push -U origin feature", "git push origin feature"],
    );
}

/// A wrong choice whose feedback concedes that it works teaches the learner that the grading is arbitrary.
#[test]
fn no_wrong_choice_is_told_that_it_works() {
    let concessions = ["that works", "also works", "also right", "is defensible"];
    for pack in bundled() {
        for q in pack.lessons.iter().flat_map(|l| l.questions()) {
            let QuestionKind::Choice { choices, .. } = &q.kind else {
                continue;
            };
            for choice in choices.iter().filter(|c| !c.correct) {
                let feedback = choice
                    .feedback
                    .as_deref()
                    .unwrap_or_default()
                    .to_lowercase();
                for words in concessions {
                    assert!(
                        !feedback.contains(words),
                        "{}/{}: the wrong choice `{}` is told `{words}`",
                        pack.course.id,
                        q.id,
                        choice.text
                    );
                }
            }
        }
    }
}

#[test]
fn fetch_without_changing_anything_has_no_working_distractor() {
    let q = question(&pack("git-in-bites"), "remotes-fetch-vs-pull");
    let QuestionKind::Choice { choices, .. } = &q.kind else {
        panic!("remotes-fetch-vs-pull is a choice question");
    };
    assert!(
        choices.iter().all(|c| !c.text.contains("git clone")),
        "a fresh clone also shows the new commits without changing a branch, so it cannot be graded wrong"
    );
}

/// writing-packs teaches that a miss counts once a spaced review gets it right (issue 22, item 11): its pass-mark
/// question must not grade that rule wrong, and its right choice must not leave it out.
#[test]
fn pass_mark_question_grades_the_spaced_review_rule_the_bite_teaches() {
    let q = question(&pack("writing-packs"), "pass-mark-meaning");
    let QuestionKind::Choice { choices, .. } = &q.kind else {
        panic!("pass-mark-meaning is a choice question");
    };
    for choice in choices {
        let text = choice.text.to_lowercase();
        if choice.correct {
            assert!(text.contains("review"), "{}", choice.text);
        } else {
            assert!(
                !text.contains("eventually"),
                "`{}` is right under the spaced-review rule",
                choice.text
            );
        }
    }
}
