//! Statements in: a JSON array, NDJSON, several arrays one after another (exports concatenated) or an LRS's
//! `{"statements": [...]}` answer, each statement read into the few fields `team` counts. A statement about
//! another course is left out; one without an actor, verb, object or timestamp is counted as skipped.

use std::collections::HashMap;

use serde::de::{Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::Value;

/// Where the input is not JSON.
#[derive(Debug, thiserror::Error)]
#[error("line {line}, column {column}: not a JSON statement, array or NDJSON line: {message}")]
pub(crate) struct InputError {
    line: usize,
    column: usize,
    message: String,
}

/// One statement, as `team` reads it.
#[derive(Debug, Clone)]
pub(crate) struct Event {
    /// Who: `mbox:ADDRESS`, `account:HOMEPAGE|NAME`, `sha1:…` or `openid:…`.
    pub(crate) learner: String,
    /// The verb's IRI.
    pub(crate) verb: String,
    pub(crate) object: String,
    /// The first `context.contextActivities.grouping` activity's id (morsel's course).
    pub(crate) grouping: Option<String>,
    /// The first `parent` activity's id (a bite's, question's or card's lesson).
    pub(crate) parent: Option<String>,
    /// UTC milliseconds.
    pub(crate) at: i64,
    pub(crate) result: Value,
}

impl Event {
    /// A `result.extensions` value under morsel's profile, e.g. `rating`.
    pub(crate) fn extension(&self, name: &str) -> Option<&Value> {
        self.result
            .get("extensions")?
            .get(format!("{}extension:{name}", crate::export::xapi::PROFILE))
    }

    /// `result.success`.
    pub(crate) fn success(&self) -> Option<bool> {
        self.result.get("success").and_then(Value::as_bool)
    }
}

/// What was read: the course's statements, how many were left out (unreadable, or about other courses), and the
/// definition first given for each activity.
#[derive(Debug, Default)]
pub(crate) struct Read {
    pub(crate) events: Vec<Event>,
    pub(crate) skipped: usize,
    pub(crate) other_courses: usize,
    pub(crate) definitions: HashMap<String, Value>,
}

/// The statements of one JSON value of the input (an array, a statement result, or one statement), read one by one
/// as they are parsed: a large array is never held whole.
#[derive(Default)]
struct Batch(Read);

impl<'de> Deserialize<'de> for Batch {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(BatchVisitor)
    }
}

struct BatchVisitor;

impl<'de> Visitor<'de> for BatchVisitor {
    type Value = Batch;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a statement, an array of statements or a statement result")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Batch, A::Error> {
        let mut batch = Batch::default();
        while let Some(statement) = seq.next_element::<Value>()? {
            batch.0.add(&statement);
        }
        Ok(batch)
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Batch, A::Error> {
        let value = Value::deserialize(serde::de::value::MapAccessDeserializer::new(map))?;
        let mut batch = Batch::default();
        match value.get("statements").and_then(Value::as_array) {
            Some(items) => items.iter().for_each(|s| batch.0.add(s)),
            None => batch.0.add(&value),
        }
        Ok(batch)
    }
}

fn input_error(e: &serde_json::Error) -> InputError {
    InputError {
        line: e.line(),
        column: e.column(),
        message: e.to_string(),
    }
}

/// Reads every statement in `text` about the course whose activity IRI is `course` (its own statements, and any
/// with it in `context.contextActivities.grouping`), from `since` (UTC ms) on.
pub(crate) fn read(text: &str, course: &str, since: Option<i64>) -> Result<Read, InputError> {
    let mut read = Read::default();
    for batch in serde_json::Deserializer::from_str(text).into_iter::<Batch>() {
        read.merge(batch.map_err(|e| input_error(&e))?.0, course, since);
    }
    Ok(read)
}

/// Reads one page of an LRS's answer: its statements about `course`, and its `more` link (empty or absent at the
/// end).
pub(crate) fn read_page(
    text: &str,
    course: &str,
    since: Option<i64>,
    into: &mut Read,
) -> Result<Option<String>, InputError> {
    let page: Value = serde_json::from_str(text).map_err(|e| input_error(&e))?;
    let mut batch = Read::default();
    if let Some(items) = page.get("statements").and_then(Value::as_array) {
        items.iter().for_each(|s| batch.add(s));
    } else {
        return Err(InputError {
            line: 1,
            column: 1,
            message: "no `statements` array".to_string(),
        });
    }
    into.merge(batch, course, since);
    Ok(page
        .get("more")
        .and_then(Value::as_str)
        .filter(|m| !m.is_empty())
        .map(str::to_string))
}

impl Read {
    /// Adds a statement, whatever its course (`merge` keeps the course's).
    fn add(&mut self, statement: &Value) {
        let Some(event) = event(statement) else {
            self.skipped += 1;
            return;
        };
        if let Some(definition) = statement.pointer("/object/definition")
            && !self.definitions.contains_key(&event.object)
        {
            self.definitions
                .insert(event.object.clone(), definition.clone());
        }
        self.events.push(event);
    }

    /// Takes `other`'s statements about `course` from `since` on.
    fn merge(&mut self, other: Read, course: &str, since: Option<i64>) {
        self.skipped += other.skipped;
        self.other_courses += other.other_courses;
        for event in other.events {
            if !about(&event, course) {
                self.other_courses += 1;
            } else if since.is_none_or(|s| event.at >= s) {
                self.events.push(event);
            }
        }
        for (id, definition) in other.definitions {
            self.definitions.entry(id).or_insert(definition);
        }
    }
}

/// Whether the statement is about `course`: the course itself, an activity under it, or with it as grouping.
fn about(event: &Event, course: &str) -> bool {
    let object = event.object.as_str();
    object == course
        || object
            .strip_prefix(course)
            .is_some_and(|r| r.starts_with('/'))
        || event.grouping.as_deref() == Some(course)
}

fn event(s: &Value) -> Option<Event> {
    let text = |p: &str| s.pointer(p).and_then(Value::as_str);
    let at = jiff::Timestamp::from_str_lenient(text("/timestamp")?)?;
    Some(Event {
        learner: learner(s.get("actor")?)?,
        verb: text("/verb/id")?.to_string(),
        object: text("/object/id")?.to_string(),
        grouping: text("/context/contextActivities/grouping/0/id").map(str::to_string),
        parent: text("/context/contextActivities/parent/0/id").map(str::to_string),
        at,
        result: s.get("result").cloned().unwrap_or(Value::Null),
    })
}

/// A stable key for the actor's inverse functional identifier.
fn learner(actor: &Value) -> Option<String> {
    let text = |k: &str| actor.get(k).and_then(Value::as_str);
    if let Some(mbox) = text("mbox") {
        return Some(format!("mbox:{}", mbox.trim_start_matches("mailto:")));
    }
    if let Some(account) = actor.get("account") {
        let part = |k: &str| account.get(k).and_then(Value::as_str).unwrap_or("");
        return Some(format!("account:{}|{}", part("homePage"), part("name")));
    }
    text("mbox_sha1sum")
        .map(|h| format!("sha1:{h}"))
        .or_else(|| text("openid").map(|o| format!("openid:{o}")))
}

/// A timestamp in any form xAPI allows (RFC 3339 with an offset, or none meaning UTC), in UTC milliseconds.
trait Lenient {
    fn from_str_lenient(text: &str) -> Option<i64>;
}

impl Lenient for jiff::Timestamp {
    fn from_str_lenient(text: &str) -> Option<i64> {
        if let Ok(t) = text.parse::<jiff::Timestamp>() {
            return Some(t.as_millisecond());
        }
        let civil: jiff::civil::DateTime = text.parse().ok()?;
        civil
            .to_zoned_datetime(jiff::tz::TimeZone::UTC)
            .ok()
            .map(|z| z.timestamp().as_millisecond())
    }
}

/// A date (`2026-11-18`, midnight UTC) or a timestamp, in UTC milliseconds.
pub(crate) fn since(text: &str) -> Option<i64> {
    if let Ok(date) = text.parse::<jiff::civil::Date>() {
        return date
            .to_zoned_datetime(jiff::tz::TimeZone::UTC)
            .ok()
            .map(|z| z.timestamp().as_millisecond());
    }
    jiff::Timestamp::from_str_lenient(text)
}

/// An xAPI duration (`PT4.25S`, `PT1M3S`, `PT1H`, `P1DT2H`) in seconds.
pub(crate) fn seconds(duration: &str) -> Option<f64> {
    let rest = duration.strip_prefix('P')?;
    let (days, time) = match rest.split_once('T') {
        Some((d, t)) => (d, t),
        None => (rest, ""),
    };
    let mut total = 0.0;
    for (part, units) in [
        (days, &[('W', 604_800.0), ('D', 86_400.0)][..]),
        (time, &[('H', 3_600.0), ('M', 60.0), ('S', 1.0)][..]),
    ] {
        let mut number = String::new();
        for c in part.chars() {
            if c.is_ascii_digit() || c == '.' {
                number.push(c);
            } else {
                let unit = units.iter().find(|(u, _)| *u == c)?.1;
                total += number.parse::<f64>().ok()? * unit;
                number.clear();
            }
        }
        if !number.is_empty() {
            return None;
        }
    }
    Some(total)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_in_every_unit() {
        assert_eq!(seconds("PT4.25S"), Some(4.25));
        assert_eq!(seconds("PT1M3S"), Some(63.0));
        assert_eq!(seconds("P1DT1H"), Some(90_000.0));
        assert_eq!(seconds("4 s"), None);
    }

    #[test]
    fn arrays_ndjson_and_concatenated_exports_all_read() {
        let one = r#"{"actor":{"mbox":"mailto:a@x"},"verb":{"id":"v"},"object":{"id":"urn:morsel:c/lesson/l"},"timestamp":"2026-01-01T00:00:00Z"}"#;
        let text = format!("[{one}]\n[{one},{one}]\n{one}\n");
        let read = read(&text, "urn:morsel:c", None).unwrap();
        assert_eq!(read.events.len(), 4);
        assert_eq!(read.events[0].learner, "mbox:a@x");
        let other = read_other(one);
        assert_eq!(other.other_courses, 1);
    }

    fn read_other(one: &str) -> Read {
        read(one, "urn:morsel:d", None).unwrap()
    }

    #[test]
    fn bad_json_names_its_line_and_column() {
        let err = read("[]\n{oops", "urn:morsel:c", None).unwrap_err();
        assert!(err.to_string().starts_with("line 2, column 2"), "{err}");
    }
}
