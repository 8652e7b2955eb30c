//! Item analysis for the author: per question, attempts, difficulty (share right on the first try),
//! discrimination (point-biserial against the rest of the lesson), distractors' pick rates, the median time to
//! answer and leeches; per card, graded reviews and leeches. Flagged questions sort first.

use std::collections::{BTreeMap, HashMap};

use serde::Serialize;
use serde_json::Value;

use super::parse::{Event, seconds};
use super::stats::{median, point_biserial};
use super::{Names, first_language, round, spaced_review};

/// Missed in this many graded spaced reviews, an item is a leech for that learner.
pub(crate) const LEECH_LAPSES: usize = 3;
/// A question more learners than this get right on the first try is too easy.
pub(crate) const TOO_EASY: f64 = 0.95;
/// A question fewer learners than this get right on the first try is too hard.
pub(crate) const TOO_HARD: f64 = 0.30;
/// A question whose discrimination is below this separates strong and weak learners too little.
pub(crate) const LOW_DISCRIMINATION: f64 = 0.1;

const ANSWERED: &str = "http://adlnet.gov/expapi/verbs/answered";
const REVIEWED: &str = "urn:morsel:xapi:verb:reviewed";

/// One question across the team.
#[derive(Debug, Serialize)]
pub(crate) struct Question {
    pub(crate) id: String,
    pub(crate) lesson: String,
    pub(crate) prompt: Option<String>,
    /// The `interactionType`.
    pub(crate) kind: Option<String>,
    /// Every `answered`, first tries, retries and reviews.
    pub(crate) attempts: usize,
    /// Learners who answered it.
    pub(crate) learners: usize,
    /// The share of learners right on their first try (difficulty: high is easy).
    pub(crate) first_try_right: Option<f64>,
    /// Point-biserial of the first try against the learner's first-try share on the lesson's other questions.
    pub(crate) discrimination: Option<f64>,
    /// The learners that discrimination rests on (those who answered another question of the lesson too).
    pub(crate) discrimination_count: usize,
    /// Each wrong choice (choice questions) and how often first tries picked it.
    pub(crate) distractors: Vec<Distractor>,
    /// The median seconds from showing the question to the first answer.
    pub(crate) median_seconds: Option<f64>,
    /// Learners who missed it in [`LEECH_LAPSES`] or more spaced reviews.
    pub(crate) leeches: usize,
    /// `too easy`, `too hard`, `low discrimination`, `distractor never picked: ID`.
    pub(crate) flags: Vec<String>,
}

/// A wrong choice and its pick rate among first tries.
#[derive(Debug, Serialize)]
pub(crate) struct Distractor {
    pub(crate) id: String,
    pub(crate) text: Option<String>,
    pub(crate) picks: usize,
    pub(crate) pick_rate: f64,
}

/// One card across the team.
#[derive(Debug, Serialize)]
pub(crate) struct Card {
    pub(crate) id: String,
    pub(crate) name: Option<String>,
    /// Graded spaced reviews.
    pub(crate) reviews: usize,
    pub(crate) recalled_share: Option<f64>,
    pub(crate) leeches: usize,
}

/// A question's statements gathered in one pass.
#[derive(Default)]
struct Gathered<'a> {
    lesson: String,
    attempts: usize,
    /// Per learner: their first try.
    first: HashMap<&'a str, &'a Event>,
    lapses: HashMap<&'a str, usize>,
}

/// Every question answered, flagged first, then in the pack's order (else the order they were first answered).
pub(crate) fn questions(events: &[Event], names: &Names, prefix: &str) -> Vec<Question> {
    let mut order: Vec<&str> = Vec::new();
    let mut per: HashMap<&str, Gathered<'_>> = HashMap::new();
    for e in events.iter().filter(|e| e.verb == ANSWERED) {
        let g = per.entry(&e.object).or_insert_with(|| {
            order.push(&e.object);
            let lesson = e.parent.as_deref().unwrap_or("");
            Gathered {
                lesson: lesson.strip_prefix(prefix).unwrap_or(lesson).to_string(),
                ..Gathered::default()
            }
        });
        g.attempts += 1;
        g.first.entry(&e.learner).or_insert(e);
        if spaced_review(e) == Some(false) {
            *g.lapses.entry(&e.learner).or_default() += 1;
        }
    }
    // Per (learner, lesson): the first tries' right answers and count, for the rest-of-lesson score.
    let mut lesson_totals: HashMap<(&str, &str), (usize, usize)> = HashMap::new();
    for g in per.values() {
        for (learner, e) in &g.first {
            let t = lesson_totals
                .entry((learner, g.lesson.as_str()))
                .or_default();
            t.0 += usize::from(e.success() == Some(true));
            t.1 += 1;
        }
    }
    let place = |iri: &str| names.order.get(iri).copied().unwrap_or(usize::MAX);
    order.sort_by_key(|iri| place(iri));
    let mut rows: Vec<Question> = order
        .iter()
        .map(|iri| question(iri, &per[iri], &lesson_totals, names))
        .collect();
    // Flagged first; a stable sort keeps the course order within each group.
    rows.sort_by_key(|q| q.flags.is_empty());
    rows
}

fn question(
    iri: &str,
    g: &Gathered<'_>,
    lesson_totals: &HashMap<(&str, &str), (usize, usize)>,
    names: &Names,
) -> Question {
    let learners = g.first.len();
    let right = g
        .first
        .values()
        .filter(|e| e.success() == Some(true))
        .count();
    let first_try_right = (learners > 0).then(|| round(right as f64 / learners as f64));
    let pairs: Vec<(bool, f64)> = g
        .first
        .iter()
        .filter_map(|(learner, e)| {
            let is_right = e.success() == Some(true);
            let (r, n) = lesson_totals.get(&(*learner, g.lesson.as_str()))?;
            let (rest_right, rest) = (r - usize::from(is_right), n - 1);
            (rest > 0).then(|| (is_right, rest_right as f64 / rest as f64))
        })
        .collect();
    let discrimination = point_biserial(&pairs).map(round);
    let mut times: Vec<f64> = g
        .first
        .values()
        .filter_map(|e| {
            e.result
                .get("duration")
                .and_then(Value::as_str)
                .and_then(seconds)
        })
        .collect();
    let definition = names.definition(iri);
    let distractors = distractors(definition, g);
    let mut flags = Vec::new();
    if first_try_right.is_some_and(|d| d > super::items::TOO_EASY) {
        flags.push("too easy".to_string());
    }
    if first_try_right.is_some_and(|d| d < TOO_HARD) {
        flags.push("too hard".to_string());
    }
    if discrimination.is_some_and(|d| d < LOW_DISCRIMINATION) {
        flags.push("low discrimination".to_string());
    }
    for d in distractors.iter().filter(|d| d.picks == 0) {
        flags.push(format!("distractor never picked: {}", d.id));
    }
    Question {
        id: iri.rsplit('/').next().unwrap_or(iri).to_string(),
        lesson: g.lesson.clone(),
        prompt: names.of(iri),
        kind: definition
            .get("interactionType")
            .and_then(Value::as_str)
            .map(str::to_string),
        attempts: g.attempts,
        learners,
        first_try_right,
        discrimination,
        discrimination_count: pairs.len(),
        distractors,
        median_seconds: median(&mut times).map(round),
        leeches: g.lapses.values().filter(|&&n| n >= LEECH_LAPSES).count(),
        flags,
    }
}

/// The wrong choices of a `choice` question, with how many first tries picked each.
fn distractors(definition: &Value, g: &Gathered<'_>) -> Vec<Distractor> {
    if definition.get("interactionType").and_then(Value::as_str) != Some("choice") {
        return Vec::new();
    }
    let right: Vec<&str> = definition
        .pointer("/correctResponsesPattern/0")
        .and_then(Value::as_str)
        .map(|p| p.split("[,]").collect())
        .unwrap_or_default();
    let mut picks: HashMap<&str, usize> = HashMap::new();
    for e in g.first.values() {
        let response = e
            .result
            .get("response")
            .and_then(Value::as_str)
            .unwrap_or("");
        for id in response.split("[,]").filter(|id| !id.is_empty()) {
            *picks.entry(id).or_default() += 1;
        }
    }
    let tries = g.first.len().max(1) as f64;
    definition
        .get("choices")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|c| {
            let id = c.get("id").and_then(Value::as_str)?;
            let n = picks.get(id).copied().unwrap_or(0);
            (!right.contains(&id)).then(|| Distractor {
                id: id.to_string(),
                text: first_language(c.get("description")),
                picks: n,
                pick_rate: round(n as f64 / tries),
            })
        })
        .collect()
}

/// A card's graded spaced reviews, how many were recalled, and each learner's lapses.
type Reviews<'a> = (usize, usize, HashMap<&'a str, usize>);

/// Every card reviewed, in id order.
pub(crate) fn cards(events: &[Event], names: &Names) -> Vec<Card> {
    let mut per: BTreeMap<&str, Reviews<'_>> = BTreeMap::new();
    for e in events.iter().filter(|e| e.verb == REVIEWED) {
        let c = per.entry(&e.object).or_default();
        if let Some(recalled) = spaced_review(e) {
            c.0 += 1;
            c.1 += usize::from(recalled);
            if !recalled {
                *c.2.entry(&e.learner).or_default() += 1;
            }
        }
    }
    per.into_iter()
        .map(|(iri, (reviews, recalled, lapses))| Card {
            id: iri.rsplit('/').next().unwrap_or(iri).to_string(),
            name: names.of(iri),
            reviews,
            recalled_share: (reviews > 0).then(|| round(recalled as f64 / reviews as f64)),
            leeches: lapses.values().filter(|&&n| n >= LEECH_LAPSES).count(),
        })
        .collect()
}
