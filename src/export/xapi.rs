//! xAPI 1.0.3 statements from what the store recorded, pure: `experienced` a bite, `answered` a question (a
//! `cmi.interaction` with its type, response, success and duration, and when it was a review what a scheduler
//! needs to replay it), `reviewed` a card, `completed` and `passed`/`failed` a lesson (`result.score.scaled`
//! against the pass mark), `initialized`/`terminated` a sitting, `suspended`/`resumed` inside one. docs/xapi-profile.md
//! says what each verb, activity type and extension means.
//!
//! A statement's id is a UUID v5 of the fact it states: the learner, the verb, the object, the fact's own time and
//! its content. Never of a row id or of anything this database alone knows: the same fact on another machine, or
//! in a restored backup, has the same id, and two different facts never share one.

use std::collections::HashMap;

use serde_json::{Value, json};
use uuid::Uuid;

use crate::store::{Fact, Review};

mod definitions;
pub(crate) mod key_results;
pub(crate) mod sittings;

pub(crate) use definitions::{Described, describe};

/// The namespace of morsel's statement ids (a UUID v5 of the name "morsel" in the URL namespace).
fn namespace() -> Uuid {
    Uuid::new_v5(&Uuid::NAMESPACE_URL, b"urn:morsel")
}

pub(crate) const VERSION: &str = "1.0.3";

/// Who the statements are about: a name and one inverse functional identifier.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Actor {
    pub(crate) name: Option<String>,
    pub(crate) ifi: Ifi,
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Ifi {
    /// `mailto:` added when missing.
    Mbox(String),
    Account {
        home_page: String,
        name: String,
    },
}

impl Actor {
    /// The actor as statements give it.
    pub(crate) fn json(&self) -> Value {
        let mut actor = json!({ "objectType": "Agent" });
        if let Some(name) = &self.name {
            actor["name"] = json!(name);
        }
        match &self.ifi {
            Ifi::Mbox(mbox) => {
                let mbox = if mbox.starts_with("mailto:") {
                    mbox.clone()
                } else {
                    format!("mailto:{mbox}")
                };
                actor["mbox"] = json!(mbox);
            }
            Ifi::Account { home_page, name } => {
                actor["account"] = json!({ "homePage": home_page, "name": name });
            }
        }
        actor
    }

    /// The identifier alone, part of every statement id: two learners never share one.
    fn key(&self) -> String {
        match &self.ifi {
            Ifi::Mbox(m) => format!("mbox:{}", m.trim_start_matches("mailto:")),
            Ifi::Account { home_page, name } => format!("account:{home_page}|{name}"),
        }
    }
}

/// A course as the statements name it: its id, title, and the IRI its activities hang under.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Course {
    pub(crate) id: String,
    pub(crate) title: String,
    /// `urn:morsel:ID` unless the pack gives a base.
    pub(crate) iri: String,
    /// The pack's declared `language`, the key of every name and description (`und` when the pack is not at hand).
    pub(crate) language: String,
    /// The pack's questions by id, described (empty when the pack is not at hand).
    pub(crate) questions: HashMap<String, Described>,
    /// The pack's cards' fronts by id.
    pub(crate) cards: HashMap<String, String>,
}

impl Course {
    pub(crate) fn new(id: &str, title: &str) -> Self {
        Self {
            id: id.to_string(),
            title: title.to_string(),
            iri: format!("urn:morsel:{}", crate::text::percent::segment(id)),
            language: "und".to_string(),
            questions: HashMap::new(),
            cards: HashMap::new(),
        }
    }

    /// The names and definitions of `pack`, the course's own pack, in its declared language.
    pub(crate) fn describe(&mut self, pack: &crate::pack::Pack) {
        self.language = pack.course.language.clone();
        (self.questions, self.cards) = describe(pack, &self.language);
    }

    fn lesson_iri(&self, lesson: &str) -> String {
        format!(
            "{}/lesson/{}",
            self.iri,
            crate::text::percent::segment(lesson)
        )
    }

    fn activity(&self) -> Value {
        json!({
            "objectType": "Activity",
            "id": self.iri,
            "definition": {
                "type": "http://adlnet.gov/expapi/activities/course",
                "name": { self.language.as_str(): self.title },
            },
        })
    }
}

/// A lesson's history as facts: done at `done_at` with the questions known by then, then a new score at each
/// later moment a question became known (`known_at`, one per question, `None` for one not known yet). Each fact
/// depends only on what happened up to its own moment, so a later review adds facts and changes none.
pub(crate) fn lesson_facts(
    lesson: &str,
    done_at: i64,
    known_at: &[Option<i64>],
    pass_mark: f64,
) -> Vec<Fact> {
    let questions = known_at.len();
    let known_by = |t: i64| known_at.iter().flatten().filter(|&&k| k <= t).count();
    let mut facts = vec![Fact::LessonDone {
        lesson: lesson.to_string(),
        known: known_by(done_at),
        questions,
        pass_mark,
        at: done_at,
    }];
    let mut later: Vec<i64> = known_at
        .iter()
        .flatten()
        .copied()
        .filter(|&k| k > done_at)
        .collect();
    later.sort_unstable();
    later.dedup();
    for at in later {
        facts.push(Fact::LessonScored {
            lesson: lesson.to_string(),
            known: known_by(at),
            questions,
            pass_mark,
            at,
        });
    }
    facts
}

/// A statement and its id, ready to send.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Statement {
    pub(crate) id: String,
    pub(crate) json: Value,
    /// The id the same statement had before ids were made from facts (morsel 0.1 made them from the record's row and
    /// its own wording): an LRS that accepted it under that id holds it already, so a sync does not send it again.
    /// `None` for statements morsel did not make then.
    pub(crate) was: Option<String>,
}

const ADL: &str = "http://adlnet.gov/expapi/verbs/";

/// The base of morsel's own IRIs: verbs, activity types and extensions (docs/xapi-profile.md).
pub(crate) const PROFILE: &str = "urn:morsel:xapi:";

/// A verb: ADL's where it has one, else morsel's (`reviewed`).
fn verb(name: &str) -> Value {
    let id = match name {
        "reviewed" => format!("{PROFILE}verb:reviewed"),
        "satisfied" => "https://w3id.org/xapi/adl/verbs/satisfied".to_string(),
        _ => format!("{ADL}{name}"),
    };
    json!({ "id": id, "display": { "en-US": name } })
}

/// An extension's IRI.
fn ext(name: &str) -> String {
    format!("{PROFILE}extension:{name}")
}

/// The statements of a course's facts, in the order given. A lesson done gives `completed`, and, when it has
/// questions, `passed` or `failed` with the score; a later score (`LessonScored`) a new `passed` or `failed`. Every
/// statement of a sitting (from its `SittingStarted` fact on) carries the sitting's registration.
pub(crate) fn statements(actor: &Actor, course: &Course, facts: &[Fact]) -> Vec<Statement> {
    let mut sittings: Vec<i64> = facts
        .iter()
        .filter_map(|f| match f {
            Fact::SittingStarted { at } => Some(*at),
            _ => None,
        })
        .collect();
    sittings.sort_unstable();
    let maker = Maker {
        actor,
        course,
        sittings,
    };
    facts.iter().flat_map(|fact| maker.of(fact)).collect()
}

/// Makes the statements of one actor in one course.
struct Maker<'a> {
    actor: &'a Actor,
    course: &'a Course,
    /// The starts of the course's sittings, in order.
    sittings: Vec<i64>,
}

/// What a statement states: the verb, the object, the parent activity, when, and the result (none, or what the
/// learner did). What the fact is, apart from the learner and the course, is these and `content`.
struct Said {
    verb: &'static str,
    object: Value,
    parent: Option<Value>,
    at: i64,
    result: Option<Value>,
    /// The fact's content as recorded, when the result is rendered from the pack (a choice's id from its text):
    /// the id stays a function of the fact, not of the pack's present wording.
    content: Option<String>,
    /// The statement's identity before ids were made from facts (see [`Statement::was`]).
    was: Option<String>,
}

impl Said {
    fn new(verb: &'static str, object: Value, parent: Option<Value>, at: i64) -> Self {
        Self {
            verb,
            object,
            parent,
            at,
            result: None,
            content: None,
            was: None,
        }
    }

    fn result(mut self, result: Value) -> Self {
        self.result = Some(result);
        self
    }

    fn was(mut self, identity: String) -> Self {
        self.was = Some(identity);
        self
    }
}

impl Maker<'_> {
    /// The statements of one fact: none, one, or (a lesson done) two.
    fn of(&self, fact: &Fact) -> Vec<Statement> {
        let said = match fact {
            Fact::BiteSeen { lesson, bite, at } => Said::new(
                "experienced",
                self.bite_activity(lesson, *bite),
                Some(self.lesson_activity(lesson)),
                *at,
            )
            .was(format!("bite|{lesson}|{bite}")),
            Fact::Answer { .. } => return self.answer(fact),
            Fact::CardReviewed {
                lesson,
                card,
                review,
                duration_ms,
                at,
            } => Said::new(
                "reviewed",
                self.card_activity(card),
                Some(self.lesson_activity(lesson)),
                *at,
            )
            .result(json!({
                "success": review.rating >= 2,
                "duration": duration(*duration_ms),
                "extensions": review_extensions(review),
            })),
            Fact::Note {
                lesson,
                bite,
                text,
                question,
                at,
            } => Said::new(
                if *question { "asked" } else { "commented" },
                self.bite_activity(lesson, *bite),
                Some(self.lesson_activity(lesson)),
                *at,
            )
            .result(json!({ "response": text }))
            .was(format!("note|{lesson}|{bite}|{at}")),
            Fact::Rated { .. } => return self.rated(fact),
            Fact::Suspended { lesson, at } => {
                Said::new("suspended", self.lesson_activity(lesson), None, *at)
                    .was(format!("suspended|{lesson}|{at}"))
            }
            Fact::Resumed { lesson, at } => {
                Said::new("resumed", self.lesson_activity(lesson), None, *at)
                    .was(format!("resumed|{lesson}|{at}"))
            }
            Fact::SittingStarted { at } => {
                Said::new("initialized", self.course.activity(), None, *at)
            }
            Fact::SittingEnded {
                kind,
                active_ms,
                planned_minutes,
                at,
                ..
            } => {
                let mut extensions = json!({
                    ext("sitting-kind"): kind,
                    ext("active-minutes"): (*active_ms as f64 / 600.0).round() / 100.0,
                });
                if let (Some(planned), Some(map)) = (planned_minutes, extensions.as_object_mut()) {
                    map.insert(ext("planned-minutes"), json!(planned));
                }
                Said::new("terminated", self.course.activity(), None, *at).result(json!({
                    "duration": duration(*active_ms),
                    "extensions": extensions,
                }))
            }
            Fact::KeyResult { .. } => return self.key_result(fact),
            Fact::LessonDone { .. } | Fact::LessonScored { .. } => return self.lesson(fact),
        };
        vec![self.make(said)]
    }

    /// The registration of the sitting a moment belongs to: the latest sitting begun by then (a UUID v5 of the
    /// learner, the course and the sitting's start, which never changes).
    fn registration(&self, at: i64) -> Option<String> {
        let i = self.sittings.partition_point(|&s| s <= at);
        let start = self.sittings.get(i.checked_sub(1)?)?;
        let name = format!("{}|{}|sitting|{start}", self.actor.key(), self.course.id);
        Some(Uuid::new_v5(&namespace(), name.as_bytes()).to_string())
    }

    /// A statement, its id a UUID v5 of the fact: the actor, the verb, the object, the time and the content.
    fn make(&self, said: Said) -> Statement {
        let verb = verb(said.verb);
        let content = said.content.clone().unwrap_or_else(|| {
            said.result
                .as_ref()
                .map(Value::to_string)
                .unwrap_or_default()
        });
        let fact = format!(
            "{}\n{}\n{}\n{}\n{content}",
            self.actor.key(),
            verb["id"].as_str().unwrap_or_default(),
            said.object["id"].as_str().unwrap_or_default(),
            said.at,
        );
        let id = Uuid::new_v5(&namespace(), fact.as_bytes()).to_string();
        let mut activities = json!({ "grouping": [self.course.activity()] });
        if let Some(parent) = said.parent {
            activities["parent"] = json!([parent]);
        }
        let mut context = json!({ "contextActivities": activities, "platform": "morsel" });
        if self.course.language != "und" {
            context["language"] = json!(self.course.language);
        }
        if let Some(registration) = self.registration(said.at) {
            context["registration"] = json!(registration);
        }
        let mut json = json!({
            "id": id,
            "actor": self.actor.json(),
            "verb": verb,
            "object": said.object,
            "context": context,
            "timestamp": timestamp(said.at),
            "version": VERSION,
        });
        if let Some(result) = said.result {
            json["result"] = result;
        }
        // As morsel 0.1 made ids: a UUID v5 of the actor, the course and the record's identity.
        let was = said.was.map(|identity| {
            let name = format!("{}|{}|{identity}", self.actor.key(), self.course.id);
            Uuid::new_v5(&namespace(), name.as_bytes()).to_string()
        });
        Statement { id, json, was }
    }

    fn lesson_activity(&self, lesson: &str) -> Value {
        json!({
            "objectType": "Activity",
            "id": self.course.lesson_iri(lesson),
            "definition": { "type": "http://adlnet.gov/expapi/activities/lesson" },
        })
    }

    fn bite_activity(&self, lesson: &str, bite: impl std::fmt::Display) -> Value {
        json!({
            "objectType": "Activity",
            "id": format!("{}/bite/{bite}", self.course.lesson_iri(lesson)),
            "definition": { "type": "http://adlnet.gov/expapi/activities/module" },
        })
    }

    fn card_activity(&self, card: &str) -> Value {
        let mut definition = json!({ "type": format!("{PROFILE}activity:card") });
        if let Some(front) = self.course.cards.get(card) {
            definition["name"] = json!({ self.course.language.as_str(): front });
        }
        json!({
            "objectType": "Activity",
            "id": format!("{}/card/{}", self.course.iri, crate::text::percent::segment(card)),
            "definition": definition,
        })
    }

    /// `answered` a question: a `cmi.interaction` with its type, the response, success and duration; when it was
    /// also a review, what a scheduler needs to replay it.
    fn answer(&self, fact: &Fact) -> Vec<Statement> {
        let Fact::Answer {
            lesson,
            question,
            kind,
            response,
            correct,
            duration_ms,
            review,
            row,
            at,
        } = fact
        else {
            return Vec::new();
        };
        let described = self.course.questions.get(question);
        // The pack knows the kind of a question only ever reviewed (the store guesses `text` for it).
        let kind = described.map_or(kind.as_str(), |d| d.kind);
        let definition = described.map_or_else(
            || {
                json!({
                    "type": "http://adlnet.gov/expapi/activities/cmi.interaction",
                    "interactionType": interaction_type(kind),
                })
            },
            |d| d.definition.clone(),
        );
        let object = json!({
            "objectType": "Activity",
            "id": format!("{}/question/{}", self.course.iri, crate::text::percent::segment(question)),
            "definition": definition,
        });
        let mut result = json!({
            "response": interaction_response(kind, response, described),
            "success": correct,
            "duration": duration(*duration_ms),
        });
        if let Some(review) = review {
            result["extensions"] = review_extensions(review);
        }
        let content = json!({
            "response": response,
            "success": correct,
            "duration_ms": duration_ms,
            "review": result["extensions"],
        });
        let mut said =
            Said::new("answered", object, Some(self.lesson_activity(lesson)), *at).result(result);
        said.content = Some(content.to_string());
        said.was.clone_from(row);
        vec![self.make(said)]
    }

    /// A key result's new value (`progressed`) or its target met (`satisfied`), under its objective.
    fn key_result(&self, fact: &Fact) -> Vec<Statement> {
        let Fact::KeyResult {
            objective,
            key_result,
            text,
            measure,
            value,
            target,
            met,
            at,
        } = fact
        else {
            return Vec::new();
        };
        let iri = |kind: &str, id: &str| {
            format!(
                "{}/{kind}/{}",
                self.course.iri,
                crate::text::percent::segment(id)
            )
        };
        let object = json!({
            "objectType": "Activity",
            "id": iri("key-result", key_result),
            "definition": {
                "type": format!("{PROFILE}activity:key-result"),
                "name": { self.course.language.as_str(): text },
            },
        });
        let parent = json!({
            "objectType": "Activity",
            "id": iri("objective", objective),
            "definition": { "type": "http://adlnet.gov/expapi/activities/objective" },
        });
        let score = if *measure == "practice_minutes" {
            json!({ "raw": value, "min": 0 })
        } else {
            json!({ "scaled": value, "raw": value, "min": 0, "max": 1 })
        };
        let result = json!({
            "score": score,
            "success": value + 1e-9 >= *target,
            "extensions": {
                ext("measure"): measure,
                ext("value"): value,
                ext("target"): target,
            },
        });
        let verb = if *met { "satisfied" } else { "progressed" };
        vec![self.make(Said::new(verb, object, Some(parent), *at).result(result))]
    }

    /// `commented` a bite as clear or unclear, with the learner's comment.
    fn rated(&self, fact: &Fact) -> Vec<Statement> {
        let Fact::Rated {
            lesson,
            bite,
            clear,
            comment,
            at,
        } = fact
        else {
            return Vec::new();
        };
        let rating = if *clear { "clear" } else { "unclear" };
        let response = if comment.is_empty() {
            rating.to_string()
        } else {
            format!("{rating}: {comment}")
        };
        vec![
            self.make(
                Said::new(
                    "commented",
                    self.bite_activity(lesson, *bite),
                    Some(self.lesson_activity(lesson)),
                    *at,
                )
                .result(json!({ "response": response }))
                .was(format!("rated|{lesson}|{bite}|{at}|{comment}")),
            ),
        ]
    }

    /// A lesson done (`completed`, then `passed` or `failed`) or scored again later (`passed` or `failed`).
    fn lesson(&self, fact: &Fact) -> Vec<Statement> {
        let (Fact::LessonDone {
            lesson,
            known,
            questions,
            pass_mark,
            at,
        }
        | Fact::LessonScored {
            lesson,
            known,
            questions,
            pass_mark,
            at,
        }) = fact
        else {
            return Vec::new();
        };
        let mut out = Vec::new();
        if matches!(fact, Fact::LessonDone { .. }) {
            out.push(
                self.make(
                    Said::new("completed", self.lesson_activity(lesson), None, *at)
                        .was(format!("completed|{lesson}")),
                ),
            );
        }
        if let Some((verb_name, result)) = score(*known, *questions, *pass_mark) {
            out.push(
                self.make(
                    Said::new(verb_name, self.lesson_activity(lesson), None, *at)
                        .result(result)
                        .was(format!("{verb_name}|{lesson}|{known}/{questions}")),
                ),
            );
        }
        out
    }
}

/// A review's extensions: the item's kind, the rating, the review's kind, the content hash, the FSRS state before
/// and the learner's UTC offset.
fn review_extensions(review: &Review) -> Value {
    json!({
        ext("item-kind"): review.item_kind,
        ext("rating"): review.rating,
        ext("review-kind"): review.review_kind,
        ext("content-hash"): review.content_hash,
        ext("state-before"): review.state_before,
        ext("utc-offset-minutes"): review.utc_offset_min,
    })
}

/// A lesson's `passed` or `failed`: its verb and its result; `None` for a lesson without questions.
fn score(known: usize, questions: usize, pass_mark: f64) -> Option<(&'static str, Value)> {
    if questions == 0 {
        return None;
    }
    let scaled = known as f64 / questions as f64;
    // The same tolerance as the lesson summary: 4 of 5 meets a pass mark of 0.8.
    let passed = scaled + 1e-9 >= pass_mark;
    let verb_name = if passed { "passed" } else { "failed" };
    let result = json!({
        "score": { "scaled": scaled, "raw": known, "min": 0, "max": questions },
        "success": passed,
        "completion": true,
    });
    Some((verb_name, result))
}

/// xAPI's interaction type of a question kind.
pub(crate) fn interaction_type(kind: &str) -> &'static str {
    match kind {
        "choice" => "choice",
        "truefalse" => "true-false",
        "order" => "sequencing",
        _ => "fill-in",
    }
}

/// The response in xAPI's form: several choices or items joined by `[,]` (their ids when the pack describes the
/// question, else their texts), true-false as `true`/`false`.
fn interaction_response(kind: &str, response: &str, described: Option<&Described>) -> String {
    match kind {
        "choice" | "order" => match serde_json::from_str::<Vec<String>>(response) {
            Ok(items) => match described {
                Some(d) => d.response(&items),
                None => items.join("[,]"),
            },
            Err(_) => response.to_string(),
        },
        _ => response.to_string(),
    }
}

/// An ISO 8601 duration to the hundredth of a second: `PT12.34S`.
pub(crate) fn duration(ms: i64) -> String {
    let cs = ms.max(0) / 10;
    format!("PT{}.{:02}S", cs / 100, cs % 100)
}

/// UTC milliseconds as an ISO 8601 timestamp: `2026-11-23T10:00:00.000Z` (jiff's, to the millisecond; an instant
/// beyond jiff's years -9999 to 9999 is held at the nearest it can say).
pub(crate) fn timestamp(ms: i64) -> String {
    let at = jiff::Timestamp::from_millisecond(ms).unwrap_or(if ms < 0 {
        jiff::Timestamp::MIN
    } else {
        jiff::Timestamp::MAX
    });
    format!("{at:.3}")
}

#[cfg(test)]
mod tests;
