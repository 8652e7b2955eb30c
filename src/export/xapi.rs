//! xAPI 1.0.3 statements from what the store recorded, pure: `experienced` a bite, `answered` a question (a
//! `cmi.interaction` with its type, response, success and duration), `completed` and `passed`/`failed` a lesson
//! (`result.score.scaled` against the pass mark). Each statement's id is a UUID v5 of the actor and the record's
//! identity, so the same record always gives the same statement and a retried sync never duplicates one.

use serde_json::{Value, json};
use uuid::Uuid;

use crate::store::Fact;

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
    fn json(&self) -> Value {
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
}

impl Course {
    pub(crate) fn new(id: &str, title: &str) -> Self {
        Self {
            id: id.to_string(),
            title: title.to_string(),
            iri: format!("urn:morsel:{}", crate::text::percent::segment(id)),
        }
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
                "name": { "und": self.title },
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
}

const ADL: &str = "http://adlnet.gov/expapi/verbs/";

fn verb(name: &str) -> Value {
    json!({ "id": format!("{ADL}{name}"), "display": { "en-US": name } })
}

/// The statements of a course's facts, in the order given. A lesson done gives `completed`, and, when it has
/// questions, `passed` or `failed` with the score; a later score (`LessonScored`) a new `passed` or `failed`.
pub(crate) fn statements(actor: &Actor, course: &Course, facts: &[Fact]) -> Vec<Statement> {
    let maker = Maker { actor, course };
    facts.iter().flat_map(|fact| maker.of(fact)).collect()
}

/// Makes the statements of one actor in one course.
struct Maker<'a> {
    actor: &'a Actor,
    course: &'a Course,
}

impl Maker<'_> {
    /// The statements of one fact: none, one, or (a lesson done) two.
    fn of(&self, fact: &Fact) -> Vec<Statement> {
        match fact {
            Fact::BiteSeen { lesson, bite, at } => vec![self.make(
                format!("bite|{lesson}|{bite}"),
                "experienced",
                self.bite_activity(lesson, *bite),
                Some(self.lesson_activity(lesson)),
                *at,
            )],
            Fact::Answer { .. } => self.answer(fact),
            Fact::Note {
                lesson,
                bite,
                text,
                question,
                at,
            } => {
                let mut statement = self.make(
                    format!("note|{lesson}|{bite}|{at}"),
                    if *question { "asked" } else { "commented" },
                    self.bite_activity(lesson, *bite),
                    Some(self.lesson_activity(lesson)),
                    *at,
                );
                statement.json["result"] = json!({ "response": text });
                vec![statement]
            }
            Fact::Rated { .. } => self.rated(fact),
            Fact::Suspended { lesson, at } | Fact::Resumed { lesson, at } => {
                let name = if matches!(fact, Fact::Suspended { .. }) {
                    "suspended"
                } else {
                    "resumed"
                };
                vec![self.make(
                    format!("{name}|{lesson}|{at}"),
                    name,
                    self.lesson_activity(lesson),
                    None,
                    *at,
                )]
            }
            Fact::LessonDone { .. } | Fact::LessonScored { .. } => self.lesson(fact),
        }
    }

    /// A statement: its id a UUID v5 of the actor, the course and the record's `identity`.
    fn make(
        &self,
        identity: String,
        verb_name: &str,
        object: Value,
        parent: Option<Value>,
        at: i64,
    ) -> Statement {
        let (actor, course) = (self.actor, self.course);
        let id = Uuid::new_v5(
            &namespace(),
            format!("{}|{}|{identity}", actor.key(), course.id).as_bytes(),
        )
        .to_string();
        let mut activities = json!({ "grouping": [course.activity()] });
        if let Some(parent) = parent {
            activities["parent"] = json!([parent]);
        }
        let json = json!({
            "id": id,
            "actor": actor.json(),
            "verb": verb(verb_name),
            "object": object,
            "context": { "contextActivities": activities, "platform": "morsel" },
            "timestamp": timestamp(at),
            "version": VERSION,
        });
        Statement { id, json }
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

    /// `answered` a question: a `cmi.interaction` with its type, the response, success and duration.
    fn answer(&self, fact: &Fact) -> Vec<Statement> {
        let Fact::Answer {
            key,
            lesson,
            question,
            kind,
            response,
            correct,
            duration_ms,
            at,
        } = fact
        else {
            return Vec::new();
        };
        let object = json!({
            "objectType": "Activity",
            "id": format!("{}/question/{}", self.course.iri, crate::text::percent::segment(question)),
            "definition": {
                "type": "http://adlnet.gov/expapi/activities/cmi.interaction",
                "interactionType": interaction_type(kind),
            },
        });
        let mut s = self.make(
            key.clone(),
            "answered",
            object,
            Some(self.lesson_activity(lesson)),
            *at,
        );
        s.json["result"] = json!({
            "response": interaction_response(kind, response),
            "success": correct,
            "duration": duration(*duration_ms),
        });
        vec![s]
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
        let mut statement = self.make(
            format!("rated|{lesson}|{bite}|{at}|{comment}"),
            "commented",
            self.bite_activity(lesson, *bite),
            Some(self.lesson_activity(lesson)),
            *at,
        );
        statement.json["result"] = json!({ "response": response });
        vec![statement]
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
            out.push(self.make(
                format!("completed|{lesson}"),
                "completed",
                self.lesson_activity(lesson),
                None,
                *at,
            ));
        }
        if let Some((identity, verb_name, result)) = score(lesson, *known, *questions, *pass_mark) {
            let mut s = self.make(identity, verb_name, self.lesson_activity(lesson), None, *at);
            s.json["result"] = result;
            out.push(s);
        }
        out
    }
}

/// A lesson's `passed` or `failed`: its identity (the verdict and the score, so the same score stated again is the
/// same statement), its verb and its result; `None` for a lesson without questions.
fn score(
    lesson: &str,
    known: usize,
    questions: usize,
    pass_mark: f64,
) -> Option<(String, &'static str, Value)> {
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
    Some((
        format!("{verb_name}|{lesson}|{known}/{questions}"),
        verb_name,
        result,
    ))
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

/// The response in xAPI's form: several choices or items joined by `[,]`, true-false as `true`/`false`.
fn interaction_response(kind: &str, response: &str) -> String {
    match kind {
        "choice" | "order" => match serde_json::from_str::<Vec<String>>(response) {
            Ok(items) => items.join("[,]"),
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
