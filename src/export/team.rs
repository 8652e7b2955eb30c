//! `morsel team`'s analysis, pure: a course's xAPI statements from every learner in, a report out (learners,
//! lessons, key results, retention, and item analysis for the author). It knows no terminal, no database and no
//! network; `commands::team` reads the statements and prints the report.

mod items;
pub(crate) mod parse;
mod stats;

use std::collections::{BTreeMap, HashMap, HashSet};

use serde::Serialize;
use serde_json::Value;

pub(crate) use items::{Card, Question};
use parse::Event;
use stats::median;

const DAY_MS: i64 = 86_400_000;
const ADL: &str = "http://adlnet.gov/expapi/verbs/";

/// What the course's pack names, when it is on the course path: lessons in order with their titles, and the
/// prompts of questions, fronts of cards and texts of key results, by activity IRI.
#[derive(Debug, Default)]
pub(crate) struct Names {
    /// (lesson IRI, title), in the pack's order.
    pub(crate) lessons: Vec<(String, String)>,
    pub(crate) by_iri: HashMap<String, String>,
    /// Each question's place in the pack, by IRI.
    pub(crate) order: HashMap<String, usize>,
    /// The activity definitions the statements gave (the first for each activity), by IRI.
    pub(crate) definitions: HashMap<String, Value>,
}

impl Names {
    /// The names `pack` gives, its activities under `iri` (the course's activity id).
    pub(crate) fn from_pack(pack: &crate::pack::Pack, iri: &str) -> Self {
        let segment = crate::text::percent::segment;
        let mut names = Self::default();
        for lesson in &pack.lessons {
            let lesson_iri = format!("{iri}/lesson/{}", segment(&lesson.id));
            names.lessons.push((lesson_iri, lesson.title.clone()));
            for q in lesson.questions() {
                let at = format!("{iri}/question/{}", segment(&q.id));
                names.order.insert(at.clone(), names.order.len());
                names.by_iri.insert(at, q.prompt.clone());
            }
        }
        for kr in &pack.course.key_results {
            let at = format!("{iri}/key-result/{}", segment(&kr.id));
            names.by_iri.insert(at, kr.text.clone());
        }
        names
    }

    /// The pack's name of `iri`, else its definition's (`name`, in whichever language comes first).
    fn of(&self, iri: &str) -> Option<String> {
        self.by_iri
            .get(iri)
            .cloned()
            .or_else(|| first_language(self.definition(iri).get("name")))
    }

    /// The definition the statements gave `iri`, or `null`.
    fn definition(&self, iri: &str) -> &Value {
        self.definitions.get(iri).unwrap_or(&Value::Null)
    }
}

/// The text of a language map in its first language.
pub(crate) fn first_language(map: Option<&Value>) -> Option<String> {
    map?.as_object()?
        .values()
        .find_map(Value::as_str)
        .map(str::to_string)
}

/// The team's report on one course: `morsel team --format json` prints it as it is. Fields are added, never
/// renamed.
#[derive(Debug, Serialize)]
pub(crate) struct Report {
    /// The course's activity IRI.
    pub(crate) course: String,
    /// The time the report is as of, UTC ms.
    pub(crate) now_ms: i64,
    /// Statements read about the course (after `--since`).
    pub(crate) statements: usize,
    pub(crate) learners: Learners,
    pub(crate) lessons: Vec<Lesson>,
    pub(crate) key_results: Vec<KeyResult>,
    pub(crate) retention: Retention,
    /// Flagged questions first, then in course order.
    pub(crate) questions: Vec<Question>,
    pub(crate) cards: Vec<Card>,
    pub(crate) bites: Vec<Bite>,
}

/// How many learners, how active.
#[derive(Debug, Serialize)]
pub(crate) struct Learners {
    pub(crate) count: usize,
    /// Learners with a statement in the last 7 days.
    pub(crate) active_7_days: usize,
    pub(crate) active_30_days: usize,
    /// The median over learners of their active minutes (`terminated`'s `active-minutes`) in the last 28 days,
    /// divided by 4.
    pub(crate) median_active_minutes_a_week: f64,
}

/// One lesson's outcomes across the team; shares are of every learner.
#[derive(Debug, Serialize)]
pub(crate) struct Lesson {
    pub(crate) id: String,
    pub(crate) title: Option<String>,
    /// Learners with a `completed`.
    pub(crate) completed: usize,
    /// Learners whose first outcome (at completion) was `passed`.
    pub(crate) passed: usize,
    /// Learners whose latest outcome is `passed`: they meet the pass mark now.
    pub(crate) mastered: usize,
    pub(crate) completed_share: f64,
    pub(crate) passed_share: f64,
    pub(crate) mastered_share: f64,
}

/// One key result across the team, from each learner's latest `progressed`/`satisfied`.
#[derive(Debug, Serialize)]
pub(crate) struct KeyResult {
    pub(crate) id: String,
    pub(crate) name: Option<String>,
    pub(crate) measure: Option<String>,
    pub(crate) target: Option<f64>,
    /// Learners with a value.
    pub(crate) learners: usize,
    /// Learners who met it (a `satisfied`, or a latest value meeting it).
    pub(crate) met: usize,
    pub(crate) median_value: Option<f64>,
}

/// Spaced reviews (`review-kind` `scheduled` or `early`) in the last 30 days, and the share recalled (rating 2+).
#[derive(Debug, Serialize)]
pub(crate) struct Retention {
    pub(crate) reviews: usize,
    pub(crate) recalled: usize,
    pub(crate) share: Option<f64>,
    pub(crate) lessons: Vec<LessonRetention>,
}

/// One lesson's spaced reviews in the last 30 days.
#[derive(Debug, Serialize)]
pub(crate) struct LessonRetention {
    pub(crate) lesson: String,
    pub(crate) reviews: usize,
    pub(crate) recalled: usize,
    pub(crate) share: Option<f64>,
}

/// One bite's ratings and questions for the author.
#[derive(Debug, Serialize)]
pub(crate) struct Bite {
    pub(crate) id: String,
    pub(crate) clear: usize,
    pub(crate) unclear: usize,
    /// Notes that are comments (not ratings).
    pub(crate) comments: usize,
    /// The questions asked (`asked`), oldest first.
    pub(crate) questions: Vec<String>,
}

/// The report on `read`'s statements about the course `course` (its activity IRI), as of `now` (UTC ms).
pub(crate) fn analyse(mut events: Vec<Event>, course: &str, names: &Names, now: i64) -> Report {
    // One sort by time; everything after is one pass or a pass per group.
    events.sort_by_key(|e| e.at);
    let lesson_prefix = format!("{course}/lesson/");
    Report {
        course: course.to_string(),
        now_ms: now,
        statements: events.len(),
        learners: learners(&events, now),
        lessons: lessons(&events, names, &lesson_prefix),
        key_results: key_results(&events, names),
        retention: retention(&events, now, &lesson_prefix),
        questions: items::questions(&events, names, &lesson_prefix),
        cards: items::cards(&events, names),
        bites: bites(&events),
    }
}

fn verb(e: &Event, name: &str) -> bool {
    e.verb.strip_prefix(ADL) == Some(name)
}

fn learners(events: &[Event], now: i64) -> Learners {
    let mut last: HashMap<&str, i64> = HashMap::new();
    let mut minutes: HashMap<&str, f64> = HashMap::new();
    for e in events {
        last.insert(&e.learner, e.at);
        let spent = minutes.entry(&e.learner).or_default();
        if verb(e, "terminated") && e.at >= now - 28 * DAY_MS {
            *spent += e
                .extension("active-minutes")
                .and_then(Value::as_f64)
                .unwrap_or(0.0);
        }
    }
    let active = |days: i64| {
        last.values()
            .filter(|&&at| at >= now - days * DAY_MS)
            .count()
    };
    let mut weekly: Vec<f64> = minutes.values().map(|m| m / 4.0).collect();
    Learners {
        count: last.len(),
        active_7_days: active(7),
        active_30_days: active(30),
        median_active_minutes_a_week: round(median(&mut weekly).unwrap_or(0.0)),
    }
}

/// A lesson's learners who completed it, and each learner's (first, latest) outcome: passed or not.
type Outcomes<'a> = (HashSet<&'a str>, HashMap<&'a str, (bool, bool)>);

fn lessons(events: &[Event], names: &Names, prefix: &str) -> Vec<Lesson> {
    let everyone = events
        .iter()
        .map(|e| &e.learner)
        .collect::<HashSet<_>>()
        .len();
    // Per lesson IRI: learners completed; per learner (first outcome, latest outcome).
    let mut seen: BTreeMap<&str, Outcomes<'_>> = BTreeMap::new();
    let is_lesson = |e: &&Event| {
        e.object
            .strip_prefix(prefix)
            .is_some_and(|id| !id.contains('/'))
    };
    for e in events.iter().filter(is_lesson) {
        let (completed, outcomes) = seen.entry(&e.object).or_default();
        if verb(e, "completed") {
            completed.insert(&e.learner);
        } else if verb(e, "passed") || verb(e, "failed") {
            let passed = verb(e, "passed");
            outcomes
                .entry(&e.learner)
                .and_modify(|(_, latest)| *latest = passed)
                .or_insert((passed, passed));
        }
    }
    let share = |n: usize| {
        if everyone == 0 {
            0.0
        } else {
            round(n as f64 / everyone as f64)
        }
    };
    let row = |iri: &str, title: Option<String>| {
        let (completed, outcomes) = seen.get(iri).cloned().unwrap_or_default();
        let passed = outcomes.values().filter(|o| o.0).count();
        let mastered = outcomes.values().filter(|o| o.1).count();
        Lesson {
            id: iri.strip_prefix(prefix).unwrap_or(iri).to_string(),
            title,
            completed: completed.len(),
            passed,
            mastered,
            completed_share: share(completed.len()),
            passed_share: share(passed),
            mastered_share: share(mastered),
        }
    };
    let mut rows: Vec<Lesson> = names
        .lessons
        .iter()
        .map(|(iri, t)| row(iri, Some(t.clone())))
        .collect();
    let named: HashSet<&str> = names.lessons.iter().map(|(iri, _)| iri.as_str()).collect();
    rows.extend(
        seen.keys()
            .filter(|iri| !named.contains(*iri))
            .map(|iri| row(iri, None)),
    );
    rows
}

fn key_results(events: &[Event], names: &Names) -> Vec<KeyResult> {
    struct Latest<'a> {
        event: &'a Event,
        met: bool,
    }
    let mut per: BTreeMap<&str, HashMap<&str, Latest<'_>>> = BTreeMap::new();
    let satisfied = "https://w3id.org/xapi/adl/verbs/satisfied";
    for e in events
        .iter()
        .filter(|e| verb(e, "progressed") || e.verb == satisfied)
    {
        let met = e.verb == satisfied || e.success() == Some(true);
        per.entry(&e.object)
            .or_default()
            .entry(&e.learner)
            .and_modify(|l| {
                l.met |= met;
                l.event = e;
            })
            .or_insert(Latest { event: e, met });
    }
    per.into_iter()
        .map(|(iri, learners)| {
            let value = |l: &Latest<'_>| l.event.extension("value").and_then(Value::as_f64);
            let mut values: Vec<f64> = learners.values().filter_map(value).collect();
            let any = learners.values().last().map(|l| l.event);
            KeyResult {
                id: iri.rsplit('/').next().unwrap_or(iri).to_string(),
                name: names.of(iri),
                measure: any
                    .and_then(|e| e.extension("measure"))
                    .and_then(Value::as_str)
                    .map(str::to_string),
                target: any
                    .and_then(|e| e.extension("target"))
                    .and_then(Value::as_f64),
                learners: learners.len(),
                met: learners.values().filter(|l| l.met).count(),
                median_value: median(&mut values).map(round),
            }
        })
        .collect()
}

/// Whether `e` is a graded spaced review (`scheduled` or `early`), and if so whether it was recalled.
pub(crate) fn spaced_review(e: &Event) -> Option<bool> {
    let kind = e.extension("review-kind").and_then(Value::as_str)?;
    if kind != "scheduled" && kind != "early" {
        return None;
    }
    let rating = e.extension("rating").and_then(Value::as_i64);
    Some(rating.map_or_else(|| e.success() == Some(true), |r| r >= 2))
}

fn retention(events: &[Event], now: i64, prefix: &str) -> Retention {
    let mut per: BTreeMap<String, (usize, usize)> = BTreeMap::new();
    for e in events.iter().filter(|e| e.at >= now - 30 * DAY_MS) {
        if let Some(recalled) = spaced_review(e) {
            let lesson = e.parent.as_deref().unwrap_or("");
            let lesson = lesson.strip_prefix(prefix).unwrap_or(lesson).to_string();
            let counts = per.entry(lesson).or_default();
            counts.0 += 1;
            counts.1 += usize::from(recalled);
        }
    }
    let share = |(n, r): (usize, usize)| (n > 0).then(|| round(r as f64 / n as f64));
    let (reviews, recalled) = per.values().fold((0, 0), |(n, r), c| (n + c.0, r + c.1));
    Retention {
        reviews,
        recalled,
        share: share((reviews, recalled)),
        lessons: per
            .into_iter()
            .map(|(lesson, c)| LessonRetention {
                lesson,
                reviews: c.0,
                recalled: c.1,
                share: share(c),
            })
            .collect(),
    }
}

fn bites(events: &[Event]) -> Vec<Bite> {
    let mut per: BTreeMap<&str, Bite> = BTreeMap::new();
    for e in events.iter().filter(|e| e.object.contains("/bite/")) {
        let asked = verb(e, "asked");
        if !asked && !verb(e, "commented") {
            continue;
        }
        let bite = per.entry(&e.object).or_insert_with(|| Bite {
            id: e.object.clone(),
            clear: 0,
            unclear: 0,
            comments: 0,
            questions: Vec::new(),
        });
        let response = e
            .result
            .get("response")
            .and_then(Value::as_str)
            .unwrap_or("");
        let rating = response.split_once(": ").map_or(response, |(r, _)| r);
        match (asked, rating) {
            (true, _) => bite.questions.push(response.to_string()),
            (false, "clear") => bite.clear += 1,
            (false, "unclear") => bite.unclear += 1,
            _ => bite.comments += 1,
        }
    }
    per.into_values().collect()
}

/// Rounded to 4 decimals, as the report shows shares and values.
pub(crate) fn round(x: f64) -> f64 {
    (x * 10_000.0).round() / 10_000.0
}

#[cfg(test)]
mod tests;
