//! Activity definitions of a pack's questions and cards, pure: a question's prompt as `name` and `description` in
//! the pack's declared `language`, its `choices` (a choice question) or `choices` in their right order (an order
//! question, xAPI's `sequencing`) with ids, and `correctResponsesPattern`; and the mapping from a response as the
//! store keeps it (the texts picked) to the ids xAPI wants.

use std::collections::HashMap;

use serde_json::{Value, json};

use crate::pack::{Exercise, Pack, QuestionKind};

/// What the statements say of a question: its definition, and the ids of its choices or items by their text.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Described {
    /// The question's kind as a pack writes it (`choice`, `truefalse`, `text`, `order`).
    pub(crate) kind: &'static str,
    pub(crate) definition: Value,
    ids: HashMap<String, String>,
}

impl Described {
    /// A response as xAPI gives it: picked choices or ordered items as their ids joined by `[,]`; a text not in
    /// the pack (an edited choice) stays as it was given.
    pub(crate) fn response(&self, texts: &[String]) -> String {
        texts
            .iter()
            .map(|t| self.ids.get(t).map_or(t.as_str(), String::as_str))
            .collect::<Vec<_>>()
            .join("[,]")
    }
}

/// Every question of `pack` by id, described in `language`, and every card's front by id.
pub(crate) fn describe(
    pack: &Pack,
    language: &str,
) -> (HashMap<String, Described>, HashMap<String, String>) {
    let mut questions = HashMap::new();
    let mut cards = HashMap::new();
    for exercise in pack
        .lessons
        .iter()
        .flat_map(|l| &l.bites)
        .flat_map(|b| &b.exercises)
    {
        match exercise {
            Exercise::Question(q) => {
                questions.insert(q.id.clone(), question(&q.prompt, &q.kind, language));
            }
            Exercise::Card(c) => {
                cards.insert(c.id.clone(), c.front.trim().to_string());
            }
        }
    }
    (questions, cards)
}

/// One question's definition.
pub(super) fn question(prompt: &str, kind: &QuestionKind, language: &str) -> Described {
    let text = |t: &str| json!({ language: t.trim() });
    let mut definition = json!({
        "type": "http://adlnet.gov/expapi/activities/cmi.interaction",
        "interactionType": super::interaction_type(kind.name()),
        "name": text(prompt),
        "description": text(prompt),
    });
    let mut ids = HashMap::new();
    let mut components = |texts: &[&str], prefix: &str| -> Vec<Value> {
        texts
            .iter()
            .enumerate()
            .map(|(i, t)| {
                let id = format!("{prefix}-{}", i + 1);
                ids.entry(t.to_string()).or_insert_with(|| id.clone());
                json!({ "id": id, "description": text(t) })
            })
            .collect()
    };
    let pattern: Vec<String> = match kind {
        QuestionKind::Choice { choices, .. } => {
            let texts: Vec<&str> = choices.iter().map(|c| c.text.as_str()).collect();
            definition["choices"] = json!(components(&texts, "choice"));
            let right: Vec<String> = (1..=choices.len())
                .filter(|i| choices[i - 1].correct)
                .map(|i| format!("choice-{i}"))
                .collect();
            vec![right.join("[,]")]
        }
        QuestionKind::Order { items } => {
            let texts: Vec<&str> = items.iter().map(String::as_str).collect();
            definition["choices"] = json!(components(&texts, "item"));
            vec![
                (1..=items.len())
                    .map(|i| format!("item-{i}"))
                    .collect::<Vec<_>>()
                    .join("[,]"),
            ]
        }
        QuestionKind::TrueFalse { answer } => vec![answer.to_string()],
        // Graded by text, or by behaviour (`matches`/`rejects`): either way the pattern is the author's answers.
        QuestionKind::Text {
            answers,
            case_sensitive,
            ..
        } => answers
            .iter()
            .map(|a| format!("{{case_matters={case_sensitive}}}{a}"))
            .collect(),
    };
    definition["correctResponsesPattern"] = json!(pattern);
    Described {
        kind: kind.name(),
        definition,
        ids,
    }
}
