//! `morsel stats [COURSE_ID]`: per course, lessons complete and mastered, first-try accuracy, reading and active
//! minutes, its review items (due today, edited in the pack since their last review, gone from the pack), where
//! `play` resumes and when it was last played, then a table of its lessons; then spaced review as a whole: the FSRS
//! parameters in use, the desired retention and a 14-day due forecast.

use std::io::{self, Write};

use serde::Serialize;

use super::{minutes, plural};
use crate::app::overview::{self, CourseOverview};
pub(crate) use crate::app::stats::{CourseReview, ReviewSummary, Stats, gather};
use crate::text::{self, sanitize};
use std::process::ExitCode;

use super::{Format, Global, SanitisedLines};

pub(crate) fn write_text(stats: &Stats, out: &mut dyn Write) -> io::Result<()> {
    if stats.courses.is_empty() {
        writeln!(
            out,
            "No course played yet. `morsel list` shows the courses on the course path."
        )?;
        return Ok(());
    }
    for (i, cs) in stats.courses.iter().enumerate() {
        let c = &cs.overview;
        if i > 0 {
            writeln!(out)?;
        }
        writeln!(out, "{} ({})", sanitize(&c.title), sanitize(&c.id))?;
        if let Some(error) = &c.error {
            writeln!(out, "  pack      {}", sanitize(error))?;
        }
        if !c.lessons.is_empty() {
            writeln!(
                out,
                "  lessons   {} total, {} complete, {} mastered; about {} min of reading",
                c.lessons.len(),
                c.complete(),
                c.mastered(),
                c.reading_minutes()
            )?;
        }
        match c.accuracy() {
            Some((right, answered)) => writeln!(
                out,
                "  accuracy  {}% right on the first try ({right} of {}); {} known",
                crate::app::summary::percent(right, answered),
                plural(answered, "question"),
                c.known()
            )?,
            None => writeln!(out, "  accuracy  no question answered yet")?,
        }
        writeln!(
            out,
            "  time      {} min in all, {} today, {} in the last 7 days",
            minutes(c.active.total),
            minutes(c.active.today),
            minutes(c.active.last_7_days)
        )?;
        review_line(&cs.review, out)?;
        match (&c.next, &c.position) {
            (Some(next), _) => {
                let of = c
                    .lessons
                    .iter()
                    .find(|l| l.id == next.lesson)
                    .map(|l| format!(" of {}", l.status.bites))
                    .unwrap_or_default();
                writeln!(
                    out,
                    "  resume    {}, bite {}{of}",
                    sanitize(&next.lesson),
                    next.bite
                )?;
            }
            // The pack cannot be loaded: the saved place, as it was written.
            (None, Some(p)) => writeln!(
                out,
                "  position  {}, bite {} (saved)",
                sanitize(&p.lesson),
                p.bite
            )?,
            (None, None) => {}
        }
        if let Some(played) = &c.played {
            writeln!(out, "  last      {}", played.last_played_local)?;
        }
        if !c.lessons.is_empty() {
            writeln!(out)?;
            lesson_table(c, out)?;
        }
    }
    writeln!(out)?;
    review_summary(&stats.review, out)
}

/// "review    12 items, 3 due today; 1 edited since its last review; 2 no longer in the pack".
fn review_line(r: &CourseReview, out: &mut dyn Write) -> io::Result<()> {
    if r.items == 0 {
        return writeln!(
            out,
            "  review    no item yet: cards and questions enter review when met in a lesson"
        );
    }
    let mut line = format!(
        "  review    {}, {} due today",
        plural(r.items, "item"),
        r.forecast[0]
    );
    if let Some(edited) = r.edited.filter(|&n| n > 0) {
        line.push_str(&format!("; {edited} edited since last reviewed"));
    }
    if let Some(left) = r.left.filter(|&n| n > 0) {
        line.push_str(&format!("; {left} no longer in the pack"));
    }
    writeln!(out, "{line}")
}

/// The parameters in use, the desired retention, and the forecast as two weeks of columns.
fn review_summary(r: &ReviewSummary, out: &mut dyn Write) -> io::Result<()> {
    writeln!(out, "Spaced review")?;
    match &r.parameters {
        Some(p) => writeln!(
            out,
            "  parameters  personal: fitted on {} on {}",
            plural(p.reviews as usize, "review"),
            p.fitted_on
        )?,
        None => writeln!(
            out,
            "  parameters  FSRS-6 defaults (`morsel review --optimize` fits your own)"
        )?,
    }
    writeln!(
        out,
        "  retention   {} desired (config desired_retention)",
        r.desired_retention
    )?;
    for (week, (dates, counts)) in r.dates.chunks(7).zip(r.forecast.chunks(7)).enumerate() {
        let days: Vec<String> = dates
            .iter()
            .enumerate()
            .map(|(i, d)| {
                if week == 0 && i == 0 {
                    "today".to_string()
                } else {
                    d.get(5..).unwrap_or(d).to_string()
                }
            })
            .map(|d| format!("{d:>5}"))
            .collect();
        let due: Vec<String> = counts.iter().map(|n| format!("{n:>5}")).collect();
        let label = if week == 0 { "due" } else { "" };
        writeln!(out, "  {label:<10}  {}", days.join("  "))?;
        writeln!(out, "  {:<10}  {}", "", due.join("  "))?;
    }
    Ok(())
}

/// One row per lesson: bites seen, questions answered, the score as the lesson summary rounds it, reading minutes,
/// and where it stands; `▶` marks the lesson `play` resumes in.
fn lesson_table(c: &CourseOverview, out: &mut dyn Write) -> io::Result<()> {
    let ids: Vec<String> = c
        .lessons
        .iter()
        .map(|l| sanitize(&l.id).into_owned())
        .collect();
    let id_width = ids
        .iter()
        .map(|id| text::width(id))
        .max()
        .unwrap_or(0)
        .max("lesson".len());
    writeln!(
        out,
        "    {:<id_width$}  {:>5}  {:>9}  {:>5}  {:>5}  {:>7}",
        "lesson", "bites", "questions", "score", "known", "reading"
    )?;
    for (l, id) in c.lessons.iter().zip(&ids) {
        let s = &l.status;
        let score = if s.questions == 0 || s.answered == 0 {
            "-".to_string()
        } else {
            format!("{}%", overview::score_percent(s))
        };
        let state = if s.mastered {
            "mastered"
        } else if s.complete {
            "complete"
        } else if s.bites_seen > 0 || s.answered > 0 {
            "started"
        } else {
            ""
        };
        let here = c.next.as_ref().is_some_and(|n| n.lesson == l.id);
        let known = if s.questions == 0 {
            "-".to_string()
        } else {
            format!("{}/{}", s.known_count, s.questions)
        };
        let line = format!(
            "  {} {id}{:pad$}  {:>5}  {:>9}  {score:>5}  {known:>5}  {:>3} min  {state}",
            if here { "▶" } else { " " },
            "",
            format!("{}/{}", s.bites_seen, s.bites),
            format!("{}/{}", s.answered, s.questions),
            overview::reading_minutes(l.minutes),
            pad = id_width - text::width(id),
        );
        writeln!(out, "{}", line.trim_end())?;
    }
    Ok(())
}

#[derive(Serialize)]
struct JsonStats<'a> {
    courses: Vec<JsonCourse<'a>>,
    review: JsonReviewSummary<'a>,
}

#[derive(Serialize)]
struct JsonReviewSummary<'a> {
    /// "default" (FSRS-6's) or "personal".
    parameters: &'static str,
    /// The 21 weights in use.
    weights: Vec<f32>,
    fitted_reviews: Option<u64>,
    fitted_at: Option<i64>,
    desired_retention: f32,
    forecast: Vec<JsonDay<'a>>,
}

#[derive(Serialize)]
struct JsonDay<'a> {
    date: &'a str,
    due: usize,
}

#[derive(Serialize)]
struct JsonCourseReview {
    items: usize,
    due_today: usize,
    edited: Option<usize>,
    left: Option<usize>,
}

#[derive(Serialize)]
struct JsonCourse<'a> {
    id: &'a str,
    title: &'a str,
    path: String,
    error: Option<&'a str>,
    lessons: Vec<JsonLesson<'a>>,
    position: Option<JsonPosition<'a>>,
    /// Where `play` resumes: the saved position clamped to the pack as it is now.
    next: Option<JsonPosition<'a>>,
    reading_minutes: u64,
    active_seconds: i64,
    active_seconds_today: i64,
    active_seconds_7_days: i64,
    first_played: Option<i64>,
    last_played: Option<i64>,
    finished: bool,
    review: JsonCourseReview,
    key_results: Vec<JsonKeyResult<'a>>,
}

#[derive(Serialize)]
struct JsonKeyResult<'a> {
    id: &'a str,
    text: &'a str,
    measure: &'static str,
    value: Option<f64>,
    target: f64,
    met: bool,
    own: bool,
}

#[derive(Serialize)]
struct JsonLesson<'a> {
    id: &'a str,
    title: &'a str,
    reading_minutes: u64,
    /// As the lesson summary shows it; `None` before any answer, or without questions.
    score_percent: Option<usize>,
    bites: usize,
    bites_seen: usize,
    questions: usize,
    answered: usize,
    /// Questions whose very first attempt was right.
    first_try_right: usize,
    /// Questions that count toward mastery: right on the first try, or in a scheduled review on a later day.
    known: usize,
    /// Right only on a retry in the same sitting: practice.
    right_on_retry: usize,
    /// Flashcards; those rated at least once; those recalled (Hard, Good or Easy) at their last rating.
    cards: usize,
    cards_rated: usize,
    cards_recalled: usize,
    complete: bool,
    mastered: bool,
    /// Each question in lesson order, and whether it is known (counts toward mastery).
    question_list: Vec<JsonQuestion<'a>>,
}

#[derive(Serialize)]
struct JsonQuestion<'a> {
    id: &'a str,
    known: bool,
}

#[derive(Serialize)]
struct JsonPosition<'a> {
    lesson: &'a str,
    bite: usize,
}

/// The text dashboard after the courses: study days of the last 26 weeks, active minutes of the last 30 days, and
/// every key result against its target.
pub(crate) fn write_learning(
    spans: &[crate::learn::streak::Span],
    key_results: &[(String, f64)],
    now: i64,
    zone: &crate::learn::clock::Zone,
    goal_minutes: u32,
    out: &mut dyn Write,
) -> io::Result<()> {
    let minutes: std::collections::BTreeMap<i64, i64> =
        crate::learn::streak::active_ms_per_day(spans, now, zone)
            .into_iter()
            .map(|(day, ms)| (day, crate::learn::streak::whole_minutes(ms)))
            .collect();
    let today = crate::learn::streak::local_day(now, zone);
    writeln!(
        out,
        "\nStudy days, last 26 weeks (· none, ░ some, ▒ half the goal, █ the goal)"
    )?;
    let names = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
    for (name, row) in names.iter().zip(crate::learn::streak::heatmap(
        &minutes,
        today,
        26,
        goal_minutes,
    )) {
        writeln!(out, "  {name} {row}")?;
    }
    let total: i64 = (today - 29..=today)
        .map(|d| minutes.get(&d).copied().unwrap_or(0))
        .sum();
    writeln!(
        out,
        "Active minutes, last 30 days: {total}\n  |{}|",
        crate::learn::streak::sparkline(&minutes, today, 30)
    )?;
    if !key_results.is_empty() {
        writeln!(out, "Key results")?;
        for (line, ratio) in key_results {
            let filled = (ratio.clamp(0.0, 1.0) * 10.0).round() as usize;
            writeln!(
                out,
                "  {}{} {line}",
                "█".repeat(filled),
                "░".repeat(10 - filled)
            )?;
        }
    }
    Ok(())
}

/// The stable JSON shape documented in the README.
pub(crate) fn write_json(stats: &Stats, out: &mut dyn Write) -> io::Result<()> {
    let r = &stats.review;
    let doc = JsonStats {
        courses: stats
            .courses
            .iter()
            .map(|cs| (&cs.overview, &cs.review, &cs.key_results))
            .map(|(c, review, key_results)| JsonCourse {
                id: &c.id,
                title: &c.title,
                path: c.path.display().to_string(),
                error: c.error.as_deref(),
                lessons: c
                    .lessons
                    .iter()
                    .map(|l| (l, &l.status))
                    .map(|(l, s)| JsonLesson {
                        id: &l.id,
                        title: &l.title,
                        reading_minutes: overview::reading_minutes(l.minutes),
                        score_percent: (s.questions > 0 && s.answered > 0)
                            .then(|| overview::score_percent(s)),
                        bites: s.bites,
                        bites_seen: s.bites_seen,
                        questions: s.questions,
                        answered: s.answered,
                        first_try_right: s.first_try_right,
                        known: s.known_count,
                        right_on_retry: s.right_on_retry,
                        cards: s.cards,
                        cards_rated: s.cards_rated,
                        cards_recalled: s.cards_recalled,
                        complete: s.complete,
                        mastered: s.mastered,
                        question_list: s
                            .known
                            .iter()
                            .map(|(id, known)| JsonQuestion { id, known: *known })
                            .collect(),
                    })
                    .collect(),
                position: c.position.as_ref().map(|p| JsonPosition {
                    lesson: &p.lesson,
                    bite: p.bite,
                }),
                next: c.next.as_ref().map(|p| JsonPosition {
                    lesson: &p.lesson,
                    bite: p.bite,
                }),
                reading_minutes: c.reading_minutes(),
                active_seconds: c.active.total,
                active_seconds_today: c.active.today,
                active_seconds_7_days: c.active.last_7_days,
                first_played: c.played.as_ref().map(|p| p.first_played_at),
                last_played: c.played.as_ref().map(|p| p.last_played_at),
                finished: c.played.as_ref().is_some_and(|p| p.finished),
                review: JsonCourseReview {
                    items: review.items,
                    due_today: review.forecast[0],
                    edited: review.edited,
                    left: review.left,
                },
                key_results: key_results
                    .iter()
                    .map(|k| JsonKeyResult {
                        id: &k.id,
                        text: &k.text,
                        measure: k.measure.name(),
                        value: k.value,
                        target: k.target,
                        met: k.met,
                        own: k.own,
                    })
                    .collect(),
            })
            .collect(),
        review: JsonReviewSummary {
            parameters: if r.parameters.is_some() {
                "personal"
            } else {
                "default"
            },
            weights: r.parameters.as_ref().map_or_else(
                || fsrs::DEFAULT_PARAMETERS.to_vec(),
                |p| p.parameters.clone(),
            ),
            fitted_reviews: r.parameters.as_ref().map(|p| p.reviews),
            fitted_at: r.parameters.as_ref().map(|p| p.fitted_at),
            desired_retention: r.desired_retention,
            forecast: r
                .dates
                .iter()
                .zip(r.forecast)
                .map(|(date, due)| JsonDay { date, due })
                .collect(),
        },
    };
    super::write_json(&doc, out)
}

#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// Only this course.
    #[arg(value_name = "COURSE_ID")]
    course: Option<String>,
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
}

pub(crate) fn run(args: Args, global: &Global) -> anyhow::Result<ExitCode> {
    let now = super::now();
    let paths = global.paths()?;
    let config = crate::app::config::Config::load(&paths.config)?;
    let retention = config.desired_retention;
    let store = crate::store::Store::open_read_only(&paths.db)?;
    let stats = gather(
        &paths,
        store.as_ref(),
        args.course.as_deref(),
        retention,
        now,
    )?;
    if let Some(id) = &args.course
        && stats.courses.is_empty()
    {
        return Err(super::no_progress_saved(id, &paths.db));
    }
    let stdout = io::stdout();
    let mut out = stdout.lock();
    if args.format == Format::Json {
        write_json(&stats, &mut out)?;
        return super::done(out, ExitCode::SUCCESS);
    }
    let mut lines = SanitisedLines::new(&mut out);
    write_text(&stats, &mut lines)?;
    if let Some(store) = &store
        && !stats.courses.is_empty()
    {
        let zone = crate::learn::clock::Zone::learner()?;
        let spans = store.active_spans(now)?;
        let ids: Vec<&str> = stats
            .courses
            .iter()
            .map(|c| c.overview.id.as_str())
            .collect();
        let key_results = overview::key_results(&paths, store, &ids, retention, now)?;
        write_learning(
            &spans,
            &key_results,
            now,
            &zone,
            config.daily_minutes,
            &mut lines,
        )?;
    }
    super::done(lines, ExitCode::SUCCESS)
}

#[cfg(test)]
mod tests {
    use std::path::{Path, PathBuf};

    use super::*;
    use crate::app::paths::Paths;
    use crate::app::stats::FORECAST_DAYS;
    use crate::app::stats::course_review;
    use crate::commands::history::{self, Item};
    use crate::learn::schedule::{DAY_MS, item_hash};
    use crate::pack::Exercise;
    use crate::store::Store;

    /// 2026-06-10 12:00 UTC: no daylight-saving change anywhere in the next two weeks, so whole days from now are
    /// whole local days in every time zone.
    const NOW: i64 = 1_781_092_800_000;

    fn fixture() -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/valid/every-construct")
    }

    /// The fixture course with five items: one due three days ago, one edited in the pack since it was reviewed
    /// (due in 2 days), one due in 13 days, one in 14 (past the forecast), and one whose id left the pack.
    fn played() -> (tempfile::TempDir, Paths, Store) {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("p.db");
        let store = Store::open(&db).unwrap();
        let conn = history::connect(&db);
        let pack = crate::pack::load(&fixture()).into_pack().unwrap();
        let hash = |id: &str| {
            pack.lessons
                .iter()
                .flat_map(|l| &l.bites)
                .flat_map(|b| &b.exercises)
                .find(|e| {
                    matches!(e, Exercise::Card(c) if c.id == id)
                        || matches!(e, Exercise::Question(q) if q.id == id)
                })
                .map(item_hash)
                .unwrap()
        };
        history::add_course_at(
            &conn,
            "every-construct",
            &fixture().display().to_string(),
            1,
        );
        let (tf, text, card) = (hash("q-tf"), hash("q-text"), hash("card-head"));
        for item in [
            Item {
                hash: &tf,
                ..Item::new("every-construct", "q-tf", NOW - 3 * DAY_MS)
            },
            Item {
                hash: "0123456789abcdef",
                ..Item::new("every-construct", "q-choice", NOW + 2 * DAY_MS)
            },
            Item {
                hash: &text,
                ..Item::new("every-construct", "q-text", NOW + 13 * DAY_MS)
            },
            Item {
                hash: &card,
                kind: "card",
                ..Item::new("every-construct", "card-head", NOW + 14 * DAY_MS)
            },
            Item::new("every-construct", "q-gone", NOW),
        ] {
            history::set_item(&conn, &item);
        }
        let paths = Paths::resolve(Some(db), Some(dir.path().join("none.toml")), vec![]).unwrap();
        (dir, paths, store)
    }

    #[test]
    fn items_are_counted_against_the_pack_as_it_is_now() {
        let (_dir, paths, store) = played();
        let stats = gather(&paths, Some(&store), None, 0.9, NOW).unwrap();
        let review = &stats.courses[0].review;
        let mut forecast = [0; FORECAST_DAYS];
        forecast[0] = 1; // three days overdue: today
        forecast[2] = 1;
        forecast[13] = 1; // the one due in 14 days is past the forecast; the one gone from the pack is not counted
        assert_eq!(
            *review,
            CourseReview {
                items: 5,
                edited: Some(1),
                left: Some(1),
                forecast,
            }
        );
        assert_eq!(stats.review.forecast, forecast);
        assert_eq!(stats.review.dates.len(), FORECAST_DAYS);
        // Without the pack, edits and departures are unknown, and every item is counted.
        let items = store.due_items("every-construct", NOW).unwrap();
        let blind = course_review(&items, None);
        assert_eq!((blind.edited, blind.left), (None, None));
        assert_eq!(blind.forecast[0], 2);
    }

    #[test]
    fn text_and_json_show_the_parameters_in_use_the_retention_and_the_forecast() {
        let (_dir, paths, mut store) = played();
        let stats = gather(&paths, Some(&store), None, 0.85, NOW).unwrap();
        let mut out = Vec::new();
        write_text(&stats, &mut out).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert!(
            text.contains("\n  review    5 items, 1 due today; 1 edited since last reviewed; 1 no longer in the pack\n"),
            "{text}"
        );
        let d = |i: usize| stats.review.dates[i][5..].to_string();
        let summary = format!(
            "\nSpaced review\n\
             \x20 parameters  FSRS-6 defaults (`morsel review --optimize` fits your own)\n\
             \x20 retention   0.85 desired (config desired_retention)\n\
             \x20 due         today  {}  {}  {}  {}  {}  {}\n\
             \x20                 1      0      1      0      0      0      0\n\
             \x20             {}  {}  {}  {}  {}  {}  {}\n\
             \x20                 0      0      0      0      0      0      1\n",
            d(1),
            d(2),
            d(3),
            d(4),
            d(5),
            d(6),
            d(7),
            d(8),
            d(9),
            d(10),
            d(11),
            d(12),
            d(13)
        );
        assert!(text.ends_with(&summary), "{text}");

        store.save_parameters(&[0.5; 21], 80, NOW - DAY_MS).unwrap();
        let stats = gather(&paths, Some(&store), None, 0.9, NOW).unwrap();
        let fitted_on = stats.review.parameters.as_ref().unwrap().fitted_on.clone();
        let mut out = Vec::new();
        write_text(&stats, &mut out).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert!(
            text.contains(&format!(
                "\n  parameters  personal: fitted on 80 reviews on {fitted_on}\n  retention   0.9 desired"
            )),
            "{text}"
        );
        let mut out = Vec::new();
        write_json(&stats, &mut out).unwrap();
        let doc: serde_json::Value = serde_json::from_slice(&out).unwrap();
        assert_eq!(
            doc["courses"][0]["review"],
            serde_json::json!({"items": 5, "due_today": 1, "edited": 1, "left": 1})
        );
        let review = &doc["review"];
        assert_eq!(review["parameters"], "personal");
        assert_eq!(review["weights"], serde_json::json!(vec![0.5; 21]));
        assert_eq!(review["fitted_reviews"], 80);
        assert_eq!(review["fitted_at"], NOW - DAY_MS);
        assert_eq!(review["desired_retention"], 0.9);
        let forecast = review["forecast"].as_array().unwrap();
        assert_eq!(forecast.len(), 14);
        assert_eq!(
            forecast[0],
            serde_json::json!({"date": stats.review.dates[0], "due": 1})
        );
        assert_eq!(forecast[2]["due"], 1);
        assert_eq!(forecast[13]["due"], 1);
    }
}
