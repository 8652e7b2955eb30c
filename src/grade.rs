//! Grading answers against the pack format's rules. Pure functions: no state, no clock, no terminal.

use std::collections::BTreeSet;

use unicase::UniCase;

use crate::pack::QuestionKind;

/// A learner's answer, in the author's terms: indices are into the question's `choices` or `items` as written in
/// the pack, whatever order they were shown in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Response {
    /// The picked choices.
    Choices(Vec<usize>),
    Bool(bool),
    Text(String),
    /// The items, in the order the learner put them.
    Order(Vec<usize>),
}

impl Response {
    /// The response as the learner gave it, in words, for the answer history.
    pub fn describe(&self, kind: &QuestionKind) -> String {
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
///   with full Unicode case folding (`STRASSE` = `straße`) unless `case_sensitive`;
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
            },
            Response::Text(given),
        ) => {
            let given = fold_space(given);
            !given.is_empty()
                && answers.iter().any(|accepted| {
                    let accepted = fold_space(accepted);
                    if *case_sensitive {
                        accepted == given
                    } else {
                        UniCase::new(accepted.as_str()) == UniCase::new(given.as_str())
                    }
                })
        }
        (QuestionKind::Order { items }, Response::Order(order)) => {
            order.len() == items.len() && order.iter().enumerate().all(|(i, &item)| i == item)
        }
        _ => false,
    }
}

/// Trims and folds every run of white space to one space.
fn fold_space(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Why typed input could not be read as an answer.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InputError {
    #[error("type the number of a choice, from 1 to {0}")]
    ChoiceOutOfRange(usize),
    #[error("pick one choice: this question has a single right answer")]
    OneChoiceOnly,
    #[error("type t for true or f for false")]
    NotTrueFalse,
    #[error("type each item's number once, in order, e.g. {0}")]
    BadOrder(String),
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
        QuestionKind::Choice { choices, .. } => {
            let numbers =
                numbers(input, shown.len()).ok_or(InputError::ChoiceOutOfRange(shown.len()))?;
            if numbers.is_empty() {
                return Err(InputError::Empty);
            }
            let single = choices.iter().filter(|c| c.correct).count() == 1;
            let picked: BTreeSet<usize> = numbers.iter().map(|&n| shown[n - 1]).collect();
            if single && picked.len() > 1 {
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
