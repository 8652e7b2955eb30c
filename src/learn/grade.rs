//! Grading answers against the pack format's rules, and stating the verdict: what the learner gave, what is right,
//! the feedback of each picked choice and the right choices missed. Pure functions: no state, no clock, no terminal.
//!
//! The one "pick all that apply" rule lives here too: [`QuestionKind::picks_several`] says whether several choices
//! may be picked, and [`Question::pick_all_note`] is the line screens show for it.

use std::collections::BTreeSet;

use crate::pack::{Question, QuestionKind};

/// The line that asks for every right choice, shown under a pick-all question's prompt.
pub(crate) const PICK_ALL: &str = "Pick all that apply.";

impl QuestionKind {
    /// Whether several choices may be picked: a choice question with more than one right choice ("pick all that
    /// apply"). Grading, typed input, `--plain` and the TUI all ask this.
    pub(crate) fn picks_several(&self) -> bool {
        matches!(self, QuestionKind::Choice { choices, .. } if choices.iter().filter(|c| c.correct).count() > 1)
    }
}

impl Question {
    /// The line to show under the prompt of a pick-all question ([`PICK_ALL`]); `None` for any other question, and
    /// when the prompt already says it, so that it is never said twice.
    pub(crate) fn pick_all_note(&self) -> Option<&'static str> {
        let said = self.prompt.to_lowercase().contains("all that apply");
        (self.kind.picks_several() && !said).then_some(PICK_ALL)
    }
}

/// A choice or an order item as the learner saw it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Shown {
    /// Its number on screen, from 1.
    pub(crate) number: usize,
    /// Its index among the pack's choices or items, as the author wrote them.
    pub(crate) index: usize,
    /// Its text as the pack has it: Markdown, to render (and so sanitise) before showing.
    pub(crate) text: String,
}

/// An answer, stated: the learner's, or the right one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Stated {
    /// Choices, in the order they were shown.
    Choices(Vec<Shown>),
    Bool(bool),
    /// Text as typed; for the right answer, the first accepted answer.
    Text(String),
    /// Items in the order given (or the right order).
    Order(Vec<Shown>),
}

/// The feedback an author wrote for a choice, with the choice it belongs to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Feedback {
    pub(crate) choice: Shown,
    /// Markdown.
    pub(crate) text: String,
}

/// The result of an answer, a skip or a card's rating, with everything a screen needs to say why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verdict {
    /// The answer was right.
    pub correct: bool,
    pub(crate) skipped: bool,
    /// The learner's answer; `None` for a skip and for a card.
    pub(crate) given: Option<Stated>,
    /// The right answer; `None` for a card.
    pub(crate) right: Option<Stated>,
    /// The feedback of each picked choice that has one, in the order shown.
    pub(crate) feedback: Vec<Feedback>,
    /// The right choices not picked, in the order shown (empty unless the answer was a wrong or partial pick).
    pub(crate) missed: Vec<Shown>,
    /// For a pattern graded by example lines, in Markdown: after a wrong answer, the line it fails (or why the
    /// pattern is invalid); after a skip, what a right pattern does. `None` otherwise.
    pub(crate) why: Option<String>,
}

impl Verdict {
    /// A verdict with nothing to state: a card rated (`correct` when recalled) or passed.
    pub(crate) fn bare(correct: bool, skipped: bool) -> Self {
        Self {
            correct,
            skipped,
            given: None,
            right: None,
            feedback: Vec::new(),
            missed: Vec::new(),
            why: None,
        }
    }
}

/// Grades `response` to a question of this kind shown in the order `shown` (as `ExerciseState::shown`: `shown[n]`
/// is the author's index shown as number `n + 1`) and states the verdict.
pub(crate) fn verdict(kind: &QuestionKind, shown: &[usize], response: &Response) -> Verdict {
    let mut verdict = skipped(kind, shown);
    verdict.skipped = false;
    verdict.correct = is_correct(kind, response);
    match (kind, response) {
        (QuestionKind::Choice { choices, .. }, Response::Choices(picked)) => {
            let picked: BTreeSet<usize> = picked.iter().copied().collect();
            let in_shown_order = |keep: &dyn Fn(usize) -> bool| -> Vec<Shown> {
                display_order(shown, choices.len())
                    .filter(|&(_, i)| keep(i))
                    .map(|(number, index)| Shown {
                        number,
                        index,
                        text: choices[index].text.clone(),
                    })
                    .collect()
            };
            let given = in_shown_order(&|i| picked.contains(&i));
            verdict.feedback = given
                .iter()
                .filter_map(|choice| {
                    let text = choices[choice.index].feedback.clone()?;
                    Some(Feedback {
                        choice: choice.clone(),
                        text,
                    })
                })
                .collect();
            verdict.missed = in_shown_order(&|i| choices[i].correct && !picked.contains(&i));
            verdict.given = Some(Stated::Choices(given));
        }
        (QuestionKind::Order { items }, Response::Order(order)) => {
            verdict.given = Some(Stated::Order(
                order
                    .iter()
                    .filter(|&&i| i < items.len())
                    .map(|&index| Shown {
                        number: number_of(shown, index),
                        index,
                        text: items[index].clone(),
                    })
                    .collect(),
            ));
        }
        (_, Response::Bool(b)) => verdict.given = Some(Stated::Bool(*b)),
        (_, Response::Text(t)) => {
            verdict.why = match kind {
                QuestionKind::Text {
                    examples: Some(examples),
                    ..
                } if !verdict.correct => why_wrong(examples, t),
                _ => None,
            };
            verdict.given = Some(Stated::Text(t.clone()));
        }
        _ => {}
    }
    verdict
}

/// The verdict of a skipped question: not right, nothing given, the right answer stated.
pub(crate) fn skipped(kind: &QuestionKind, shown: &[usize]) -> Verdict {
    let right = match kind {
        QuestionKind::Choice { choices, .. } => Stated::Choices(
            display_order(shown, choices.len())
                .filter(|&(_, i)| choices[i].correct)
                .map(|(number, index)| Shown {
                    number,
                    index,
                    text: choices[index].text.clone(),
                })
                .collect(),
        ),
        QuestionKind::TrueFalse { answer } => Stated::Bool(*answer),
        QuestionKind::Text { answers, .. } => {
            Stated::Text(answers.first().cloned().unwrap_or_default())
        }
        QuestionKind::Order { items } => Stated::Order(
            items
                .iter()
                .enumerate()
                .map(|(index, text)| Shown {
                    number: number_of(shown, index),
                    index,
                    text: text.clone(),
                })
                .collect(),
        ),
    };
    let why = match kind {
        QuestionKind::Text {
            examples: Some(examples),
            ..
        } => Some(format!("Right: {}.", examples_note(examples))),
        _ => None,
    };
    Verdict {
        right: Some(right),
        why,
        ..Verdict::bare(false, true)
    }
}

/// What a right pattern does, in Markdown: "any grep -E pattern that matches `a` and `b`, and not `c`". Shown with
/// the accepted answers (preview, `print --answers`) and after a skip.
pub(crate) fn examples_note(examples: &Examples) -> String {
    let list = |lines: &[String]| {
        let lines: Vec<String> = lines.iter().map(|l| code(l)).collect();
        match lines.as_slice() {
            [] => String::new(),
            [one] => one.clone(),
            [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
        }
    };
    let mut note = format!(
        "any {} pattern that matches {}",
        examples.flavour.name(),
        list(&examples.matches)
    );
    match examples.rejects.as_slice() {
        [] => {}
        [one] => note.push_str(&format!(", and not {}", code(one))),
        _ => {
            let none: Vec<String> = examples.rejects.iter().map(|l| code(l)).collect();
            note.push_str(&format!(", and none of {}", none.join(", ")));
        }
    }
    note
}

/// A line as a Markdown code span, whatever backticks and spaces it holds; an empty line in words.
fn code(line: &str) -> String {
    if line.is_empty() {
        return "an empty line".to_string();
    }
    let mut ticks = "`".to_string();
    while line.contains(ticks.as_str()) {
        ticks.push('`');
    }
    let pad = if line.starts_with('`') || line.ends_with('`') || line.starts_with(' ') {
        " "
    } else {
        ""
    };
    format!("{ticks}{pad}{line}{pad}{ticks}")
}

/// Why a wrong pattern is wrong, in Markdown: the first example line it fails, or why it is not a pattern.
fn why_wrong(examples: &Examples, given: &str) -> Option<String> {
    let pattern = unquote(given);
    match behaviour(
        pattern,
        examples.flavour,
        &examples.matches,
        &examples.rejects,
    ) {
        Ok(Behaviour::Misses(line)) => Some(format!(
            "Your pattern does not match {}, which it must.",
            code(&line)
        )),
        Ok(Behaviour::Takes(line)) => Some(format!(
            "Your pattern also matches {}, which it must not.",
            code(&line)
        )),
        Err(PatternError::Invalid { why, .. }) => Some(format!(
            "{} would refuse that pattern: {why}.",
            examples.flavour.name()
        )),
        Ok(Behaviour::Right) | Err(PatternError::Backreference { .. }) => None,
    }
}

/// `(number on screen, author's index)` of each of `len` choices or items, in the order shown; the author's order
/// when `shown` does not cover them.
fn display_order(shown: &[usize], len: usize) -> impl Iterator<Item = (usize, usize)> + '_ {
    let own = shown.len() != len;
    (0..len).map(move |n| (n + 1, if own { n } else { shown[n] }))
}

/// The number on screen of the author's choice or item `index`.
fn number_of(shown: &[usize], index: usize) -> usize {
    shown.iter().position(|&i| i == index).unwrap_or(index) + 1
}

/// A learner's answer, in the author's terms: indices are into the question's `choices` or `items` as written in
/// the pack, whatever order they were shown in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Response {
    /// The picked choices.
    Choices(Vec<usize>),
    /// True or false.
    Bool(bool),
    /// The typed answer.
    Text(String),
    /// The items, in the order the learner put them.
    Order(Vec<usize>),
}

impl Response {
    /// The response as the learner gave it, in words, for the answer history.
    pub(crate) fn describe(&self, kind: &QuestionKind) -> String {
        match (self, kind) {
            (Response::Choices(picked), QuestionKind::Choice { choices, .. }) => {
                let texts: Vec<&str> = picked
                    .iter()
                    .filter_map(|&i| choices.get(i).map(|c| c.text.as_str()))
                    .collect();
                serde_json::to_string(&texts).unwrap_or_default()
            }
            (Response::Order(order), QuestionKind::Order { items }) => {
                let texts: Vec<&str> = order
                    .iter()
                    .filter_map(|&i| items.get(i).map(String::as_str))
                    .collect();
                serde_json::to_string(&texts).unwrap_or_default()
            }
            (Response::Bool(b), _) => b.to_string(),
            (Response::Text(t), _) => t.clone(),
            (other, _) => format!("{other:?}"),
        }
    }
}

/// Whether `response` is right for a question of this kind.
///
/// - choice: exactly the set of correct choices (one, or all that apply);
/// - truefalse: the answer;
/// - text: equal to an accepted answer once both are trimmed and runs of white space folded to one space, compared
///   with full Unicode case folding (`STRASSE` = `straße`) unless `case_sensitive`; or, for a question with
///   example lines, a pattern that matches every line of `matches` and none of `rejects` (see [`does_right`]);
/// - order: exactly the right sequence.
pub fn is_correct(kind: &QuestionKind, response: &Response) -> bool {
    match (kind, response) {
        (QuestionKind::Choice { choices, .. }, Response::Choices(picked)) => {
            let picked: BTreeSet<usize> = picked.iter().copied().collect();
            let correct: BTreeSet<usize> =
                (0..choices.len()).filter(|&i| choices[i].correct).collect();
            picked == correct
        }
        (QuestionKind::TrueFalse { answer }, Response::Bool(b)) => answer == b,
        (
            QuestionKind::Text {
                answers,
                case_sensitive,
                examples,
            },
            Response::Text(given),
        ) => {
            !fold_space(given).is_empty()
                && match examples {
                    Some(examples) => does_right(examples, answers, given),
                    None => answers
                        .iter()
                        .any(|accepted| same_text(accepted, given, *case_sensitive)),
                }
        }
        (QuestionKind::Order { items }, Response::Order(order)) => {
            order.len() == items.len() && order.iter().enumerate().all(|(i, &item)| i == item)
        }
        _ => false,
    }
}

/// Whether a typed pattern does what a question's example lines ask, in the question's flavour, with the quotes a
/// shell command would put around it dropped. A pattern the examples cannot try (a back-reference, which the
/// `regex` crate lacks) is right only when it is, quotes aside, an accepted answer as written; an invalid pattern,
/// one the tool would refuse, is wrong.
fn does_right(examples: &Examples, answers: &[String], given: &str) -> bool {
    let pattern = unquote(given);
    match behaviour(
        pattern,
        examples.flavour,
        &examples.matches,
        &examples.rejects,
    ) {
        Ok(fares) => fares == Behaviour::Right,
        Err(PatternError::Backreference { .. }) => {
            answers.iter().any(|accepted| unquote(accepted) == pattern)
        }
        Err(PatternError::Invalid { .. }) => false,
    }
}

use crate::pack::Examples;
use crate::text::fold_space;
use crate::text::pattern::{Behaviour, PatternError, behaviour, unquote};
pub(crate) use crate::text::same_text;

/// Why typed input could not be read as an answer.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InputError {
    /// A choice number past the last choice (the number of choices).
    #[error("type the number of a choice, from 1 to {0}")]
    ChoiceOutOfRange(usize),
    /// More than one choice for a single-answer question.
    #[error("pick one choice: this question has a single right answer")]
    OneChoiceOnly,
    /// Neither t nor f.
    #[error("type t for true or f for false")]
    NotTrueFalse,
    /// Not each item's number once (an example of a right order).
    #[error("type each item's number once, in order, e.g. {0}")]
    BadOrder(String),
    /// Nothing typed.
    #[error("type an answer first")]
    Empty,
}

/// Reads typed input as an answer. `shown` maps the numbers the learner saw (1-based position) to the author's
/// indices, so that shuffled choices and items are graded by what was on screen.
pub fn parse_input(
    kind: &QuestionKind,
    shown: &[usize],
    input: &str,
) -> Result<Response, InputError> {
    let input = input.trim();
    match kind {
        QuestionKind::Choice { .. } => {
            let numbers =
                numbers(input, shown.len()).ok_or(InputError::ChoiceOutOfRange(shown.len()))?;
            if numbers.is_empty() {
                return Err(InputError::Empty);
            }
            let picked: BTreeSet<usize> = numbers.iter().map(|&n| shown[n - 1]).collect();
            if !kind.picks_several() && picked.len() > 1 {
                return Err(InputError::OneChoiceOnly);
            }
            Ok(Response::Choices(picked.into_iter().collect()))
        }
        QuestionKind::TrueFalse { .. } => match input.to_lowercase().as_str() {
            "t" | "true" | "y" | "yes" => Ok(Response::Bool(true)),
            "f" | "false" | "n" | "no" => Ok(Response::Bool(false)),
            "" => Err(InputError::Empty),
            _ => Err(InputError::NotTrueFalse),
        },
        QuestionKind::Text { .. } => {
            if input.is_empty() {
                Err(InputError::Empty)
            } else {
                Ok(Response::Text(input.to_string()))
            }
        }
        QuestionKind::Order { .. } => {
            let example = (1..=shown.len())
                .rev()
                .map(|n| n.to_string())
                .collect::<Vec<_>>()
                .join(" ");
            let numbers =
                numbers(input, shown.len()).ok_or_else(|| InputError::BadOrder(example.clone()))?;
            let distinct: BTreeSet<usize> = numbers.iter().copied().collect();
            if numbers.len() != shown.len() || distinct.len() != numbers.len() {
                return Err(InputError::BadOrder(example));
            }
            Ok(Response::Order(
                numbers.iter().map(|&n| shown[n - 1]).collect(),
            ))
        }
    }
}

/// Numbers 1..=max separated by spaces or commas; with at most 9 choices, digits may also run together (`13`).
fn numbers(input: &str, max: usize) -> Option<Vec<usize>> {
    let parts: Vec<&str> = input.split([' ', ',']).filter(|p| !p.is_empty()).collect();
    let parts: Vec<String> =
        if max <= 9 && parts.len() == 1 && parts[0].chars().all(|c| c.is_ascii_digit()) {
            parts[0].chars().map(String::from).collect()
        } else {
            parts.iter().map(|p| p.to_string()).collect()
        };
    parts
        .iter()
        .map(|p| p.parse::<usize>().ok().filter(|n| (1..=max).contains(n)))
        .collect()
}

#[cfg(test)]
mod tests;
