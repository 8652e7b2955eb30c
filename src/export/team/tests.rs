//! The analysis on statements written by hand: what exports of a lesson alone do not show (reviews, ratings,
//! questions asked, sittings' minutes).

use serde_json::{Value, json};

use super::{Names, analyse, parse};

const DAY: i64 = 86_400_000;
const NOW: i64 = 1_790_000_000_000;
const C: &str = "urn:morsel:c";

fn at(ms: i64) -> String {
    jiff::Timestamp::from_millisecond(ms).unwrap().to_string()
}

fn statement(learner: &str, verb: &str, object: &str, ms: i64, result: Value) -> Value {
    json!({
        "actor": { "mbox": format!("mailto:{learner}@x") },
        "verb": { "id": verb },
        "object": { "id": format!("{C}/{object}") },
        "context": { "contextActivities": {
            "grouping": [{ "id": C }],
            "parent": [{ "id": format!("{C}/lesson/l") }],
        } },
        "timestamp": at(ms),
        "result": result,
    })
}

fn review(learner: &str, card: &str, ms: i64, rating: u8) -> Value {
    statement(
        learner,
        "urn:morsel:xapi:verb:reviewed",
        &format!("card/{card}"),
        ms,
        json!({ "extensions": {
            "urn:morsel:xapi:extension:review-kind": "scheduled",
            "urn:morsel:xapi:extension:rating": rating,
        } }),
    )
}

fn report(statements: &[Value]) -> super::Report {
    let text = Value::Array(statements.to_vec()).to_string();
    let read = parse::read(&text, C, None).unwrap();
    let names = Names {
        definitions: read.definitions,
        ..Names::default()
    };
    analyse(read.events, C, &names, NOW)
}

#[test]
fn retention_counts_spaced_reviews_of_the_last_30_days_and_leeches_need_three_lapses() {
    let mut s = vec![review("a", "k", NOW - 40 * DAY, 1)];
    for (i, rating) in [1, 3, 1, 1, 4].iter().enumerate() {
        s.push(review("a", "k", NOW - (10 - i as i64) * DAY, *rating));
    }
    s.push(review("b", "k", NOW - DAY, 1));
    s.push(review("b", "k", NOW - DAY / 2, 2));
    let r = report(&s);
    // In 30 days: a's 5 (2 recalled) and b's 2 (1 recalled); the one 40 days ago is left out.
    assert_eq!((r.retention.reviews, r.retention.recalled), (7, 3));
    assert_eq!(r.retention.lessons[0].lesson, "l");
    assert_eq!(r.retention.share, Some(0.4286));
    // a missed `k` 4 times in all (3 in 30 days and one before): a leech; b once.
    assert_eq!(r.cards[0].leeches, 1);
    assert_eq!(r.cards[0].reviews, 8);
}

#[test]
fn bites_count_ratings_comments_and_questions() {
    let commented = "http://adlnet.gov/expapi/verbs/commented";
    let asked = "http://adlnet.gov/expapi/verbs/asked";
    let s = [
        statement(
            "a",
            commented,
            "lesson/l/bite/1",
            NOW,
            json!({ "response": "clear" }),
        ),
        statement(
            "b",
            commented,
            "lesson/l/bite/1",
            NOW,
            json!({ "response": "unclear: too terse" }),
        ),
        statement(
            "c",
            commented,
            "lesson/l/bite/1",
            NOW,
            json!({ "response": "HEAD moves" }),
        ),
        statement(
            "c",
            asked,
            "lesson/l/bite/1",
            NOW,
            json!({ "response": "?why a pointer" }),
        ),
    ];
    let r = report(&s);
    let bite = &r.bites[0];
    assert_eq!((bite.clear, bite.unclear, bite.comments), (1, 1, 1));
    assert_eq!(bite.questions, ["?why a pointer"]);
}

#[test]
fn learners_active_and_their_median_minutes_a_week() {
    let terminated = "http://adlnet.gov/expapi/verbs/terminated";
    let minutes =
        |m: f64| json!({ "extensions": { "urn:morsel:xapi:extension:active-minutes": m } });
    let s = [
        statement("a", terminated, "", NOW - DAY, minutes(20.0)),
        statement("a", terminated, "", NOW - 20 * DAY, minutes(20.0)),
        statement("b", terminated, "", NOW - 10 * DAY, minutes(8.0)),
        statement("c", terminated, "", NOW - 60 * DAY, minutes(100.0)),
    ];
    let r = report(&s);
    assert_eq!(r.learners.count, 3);
    assert_eq!(
        (r.learners.active_7_days, r.learners.active_30_days),
        (1, 2)
    );
    // Per week over 28 days: a 10, b 2, c 0 (its minutes are older): the median is 2.
    assert_eq!(r.learners.median_active_minutes_a_week, 2.0);
}

#[test]
fn key_results_take_each_learners_latest_value() {
    let progressed = "http://adlnet.gov/expapi/verbs/progressed";
    let satisfied = "https://w3id.org/xapi/adl/verbs/satisfied";
    let value = |v: f64, met: bool| {
        json!({ "success": met, "extensions": {
            "urn:morsel:xapi:extension:measure": "mastery",
            "urn:morsel:xapi:extension:value": v,
            "urn:morsel:xapi:extension:target": 1.0,
        } })
    };
    let s = [
        statement(
            "a",
            progressed,
            "key-result/k",
            NOW - 2 * DAY,
            value(0.5, false),
        ),
        statement("a", satisfied, "key-result/k", NOW - DAY, value(1.0, true)),
        statement(
            "b",
            progressed,
            "key-result/k",
            NOW - DAY,
            value(0.5, false),
        ),
        statement(
            "c",
            progressed,
            "key-result/k",
            NOW - DAY,
            value(0.0, false),
        ),
    ];
    let r = report(&s);
    let kr = &r.key_results[0];
    assert_eq!((kr.id.as_str(), kr.met, kr.learners), ("k", 1, 3));
    assert_eq!(kr.median_value, Some(0.5));
    assert_eq!(kr.measure.as_deref(), Some("mastery"));
}
