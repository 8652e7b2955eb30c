//! `morsel sync`'s second half: this learner's own statements, made on any machine, read back from the LRS
//! (`GET /statements?agent=…`, from the last pull's `since`, following `more` links on the endpoint's origin) and
//! turned into the records this database would have made ([`Incoming`]) for `store::merge`. Only morsel's statements
//! (`context.platform` `morsel`) about a course named `urn:morsel:ID` are read; the rest are counted and left alone.

use std::collections::HashSet;
use std::time::Duration;

use serde_json::Value;

use super::read::{Lrs, LrsError};
use crate::export::xapi::{Actor, PROFILE};
use crate::learn::journal::Rating;
use crate::learn::schedule::{ItemKind, ReviewKind};
use crate::store::{Graded, Incoming, What};
use crate::text::percent::segment as component;

/// What a pull read.
#[derive(Debug, Default)]
pub(crate) struct Pulled {
    /// Every statement of the learner the LRS gave, in its order.
    pub(crate) statements: Vec<Value>,
    /// The latest `stored` time among them less a second: where the next pull starts (`since` is exclusive, and a
    /// statement stored in the same instant after this page was read must not be missed; one read twice changes
    /// nothing).
    pub(crate) stored: Option<String>,
}

/// The learner's statements stored since `since` (the LRS's own clock), page after page.
pub(crate) fn pull(lrs: &Lrs, actor: &Actor, since: Option<&str>) -> Result<Pulled, LrsError> {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .max_redirects(0)
        .max_redirects_will_error(false)
        .timeout_global(Some(Duration::from_secs(120)))
        .build()
        .into();
    let mut who = actor.json();
    if let Some(who) = who.as_object_mut() {
        who.remove("name");
    }
    let mut params = format!("agent={}&ascending=true", component(&who.to_string()));
    if let Some(since) = since {
        params.push_str(&format!("&since={}", component(since)));
    }
    let mut url = lrs.query(&params);
    let mut pulled = Pulled::default();
    let mut seen = HashSet::new();
    while seen.insert(url.clone()) {
        let body = lrs.get(&agent, &url)?;
        let page: Value = serde_json::from_str(&body).map_err(|e| LrsError::NotStatements {
            url: lrs.0.key(),
            reason: e.to_string(),
        })?;
        let Some(statements) = page["statements"].as_array() else {
            return Err(LrsError::NotStatements {
                url: lrs.0.key(),
                reason: "no `statements` array".to_string(),
            });
        };
        for s in statements {
            if let Some(stored) = s["stored"].as_str()
                && pulled.stored.as_deref().is_none_or(|p| later(stored, p))
            {
                pulled.stored = Some(stored.to_string());
            }
            pulled.statements.push(s.clone());
        }
        match page["more"].as_str().filter(|m| !m.is_empty()) {
            Some(more) if !statements.is_empty() => url = lrs.follow(more)?,
            _ => break,
        }
    }
    pulled.stored = pulled
        .stored
        .map(|s| millis(&s).map_or(s, |ms| crate::export::xapi::timestamp(ms - 1000)));
    Ok(pulled)
}

/// `a` is a later time than `b` (ISO 8601; compared as instants when both parse).
fn later(a: &str, b: &str) -> bool {
    match (millis(a), millis(b)) {
        (Some(a), Some(b)) => a > b,
        _ => a > b,
    }
}

fn millis(at: &str) -> Option<i64> {
    at.parse::<jiff::Timestamp>()
        .ok()
        .map(jiff::Timestamp::as_millisecond)
}

/// The records of the statements morsel made about `actor`; the others (another tool's, another learner's, a
/// course not named `urn:morsel:ID`) are left out.
pub(crate) fn incoming(statements: &[Value], actor: &Actor) -> Vec<Incoming> {
    let me = actor.json();
    statements
        .iter()
        .filter(|s| same_agent(&s["actor"], &me))
        .filter_map(record)
        .collect()
}

/// The ids of every statement about `actor` (read back or not: the LRS holds them, so none is sent again).
pub(crate) fn ids<'a>(statements: &'a [Value], actor: &Actor) -> Vec<&'a str> {
    let me = actor.json();
    statements
        .iter()
        .filter(|s| same_agent(&s["actor"], &me))
        .filter_map(|s| s["id"].as_str())
        .collect()
}

fn same_agent(a: &Value, b: &Value) -> bool {
    let mbox = |v: &Value| v["mbox"].as_str().map(str::to_ascii_lowercase);
    match (mbox(a), mbox(b)) {
        (Some(a), Some(b)) => a == b,
        _ => {
            !a["account"].is_null()
                && a["account"]["homePage"] == b["account"]["homePage"]
                && a["account"]["name"] == b["account"]["name"]
        }
    }
}

/// One statement as a record, if morsel made it and can read it back.
fn record(s: &Value) -> Option<Incoming> {
    if s["context"]["platform"].as_str() != Some("morsel") {
        return None;
    }
    let course_iri = s["context"]["contextActivities"]["grouping"][0]["id"].as_str()?;
    let course = decode(course_iri.strip_prefix("urn:morsel:")?)?;
    let title = s["context"]["contextActivities"]["grouping"][0]["definition"]["name"]
        .as_object()
        .and_then(|names| names.values().next())
        .and_then(Value::as_str)
        .unwrap_or(&course)
        .to_string();
    let lesson_iri = s["context"]["contextActivities"]["parent"][0]["id"].as_str()?;
    let lesson = decode(lesson_iri.strip_prefix(&format!("{course_iri}/lesson/"))?)?;
    let object = s["object"]["id"].as_str()?.strip_prefix(course_iri)?;
    let at = millis(s["timestamp"].as_str()?)?;
    let verb = s["verb"]["id"].as_str()?;
    let verb = verb.rsplit(['/', ':']).next()?;
    let result = &s["result"];
    let response = result["response"].as_str().unwrap_or_default();
    let bite = || -> Option<usize> { object.rsplit_once("/bite/")?.1.parse().ok() };
    let what = match verb {
        "experienced" => What::Seen { bite: bite()? },
        "answered" => answered(s, object)?,
        "reviewed" => What::Card {
            card: decode(object.strip_prefix("/card/")?)?,
            duration_ms: duration_ms(result["duration"].as_str()),
            review: graded(&result["extensions"])?,
        },
        "asked" => What::Note {
            bite: bite()?,
            text: response.to_string(),
            question: true,
        },
        "commented" => rated(bite()?, response),
        _ => return None,
    };
    Some(Incoming {
        id: s["id"].as_str()?.to_string(),
        course,
        title,
        lesson,
        at,
        what,
    })
}

/// `commented`: a rating (`clear` or `unclear`, then `: COMMENT`) or a note.
fn rated(bite: usize, response: &str) -> What {
    let (rating, comment) = response.split_once(": ").unwrap_or((response, ""));
    match rating {
        "clear" | "unclear" => What::Rated {
            bite,
            clear: rating == "clear",
            comment: comment.to_string(),
        },
        _ => What::Note {
            bite,
            text: response.to_string(),
            question: false,
        },
    }
}

/// `answered`: the question, its kind, the response (choices and orders as a JSON array, as the store keeps them),
/// success, the time taken and the review it was.
fn answered(s: &Value, object: &str) -> Option<What> {
    let question = decode(object.strip_prefix("/question/")?)?;
    let result = &s["result"];
    let kind = match s["object"]["definition"]["interactionType"].as_str() {
        Some("choice") => "choice",
        Some("true-false") => "truefalse",
        Some("sequencing") => "order",
        _ => "text",
    };
    let response = result["response"].as_str().unwrap_or_default();
    let response = match kind {
        "choice" | "order" => {
            let parts: Vec<&str> = response.split("[,]").filter(|p| !p.is_empty()).collect();
            serde_json::to_string(&parts).unwrap_or_default()
        }
        _ => response.to_string(),
    };
    Some(What::Answer {
        question,
        kind,
        response,
        correct: result["success"].as_bool().unwrap_or(false),
        duration_ms: duration_ms(result["duration"].as_str()),
        review: graded(&result["extensions"]),
    })
}

/// The review a statement's extensions describe, if they do.
fn graded(extensions: &Value) -> Option<Graded> {
    let ext = |name: &str| &extensions[format!("{PROFILE}extension:{name}")];
    let kind = match ext("item-kind").as_str()? {
        "card" => ItemKind::Card,
        _ => ItemKind::Question,
    };
    Some(Graded {
        kind,
        rating: Rating::from_number(u8::try_from(ext("rating").as_u64()?).ok()?)?,
        review_kind: ReviewKind::parse(ext("review-kind").as_str()?)?,
        content_hash: ext("content-hash").as_str().unwrap_or_default().to_string(),
        state_before: u8::try_from(ext("state-before").as_u64().unwrap_or(0)).unwrap_or(0),
        utc_offset_min: i32::try_from(ext("utc-offset-minutes").as_i64().unwrap_or(0)).unwrap_or(0),
    })
}

/// `PT12.34S` (as morsel writes durations) in milliseconds; 0 when it is not that.
fn duration_ms(duration: Option<&str>) -> i64 {
    duration
        .and_then(|d| d.strip_prefix("PT")?.strip_suffix('S')?.parse::<f64>().ok())
        .map_or(0, |s| (s * 1000.0).round() as i64)
}

/// A percent-encoded segment decoded; `None` when it is not UTF-8.
fn decode(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok())
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        match (bytes[i], hex) {
            (b'%', Some(b)) => {
                out.push(b);
                i += 3;
            }
            (b, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8(out).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn segments_decode_as_they_were_encoded() {
        for id in ["intro", "a b/ç", "100%"] {
            assert_eq!(decode(&component(id)).as_deref(), Some(id));
        }
    }

    #[test]
    fn durations_read_back_to_the_hundredth() {
        assert_eq!(duration_ms(Some("PT12.34S")), 12_340);
        assert_eq!(duration_ms(Some("P1D")), 0);
    }

    #[test]
    fn a_rating_and_a_note_are_told_apart() {
        assert!(matches!(
            rated(1, "unclear: too fast"),
            What::Rated { clear: false, ref comment, .. } if comment == "too fast"
        ));
        assert!(matches!(rated(1, "my note"), What::Note { .. }));
    }
}
