//! `morsel plan --minutes N [COURSE]`: the time-boxed session `play --minutes N` would hold (`app::plan::gather`),
//! printed without playing it, as text or JSON.

use std::io::{self, Write};

use serde::Serialize;

use super::plural;
pub(crate) use crate::app::plan::{Report, gather};
use crate::learn::plan::Step;
use crate::learn::schedule::ItemKind;
use crate::text::sanitize;
use crate::text::words::duration;
use std::process::ExitCode;

use super::{Format, Global, SanitisedLines};

pub(crate) fn write_text(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    let plan = &report.plan;
    for p in &plan.items {
        let (what, place) = match &p.step {
            Step::Review(i) => (
                format!("review {}", i.kind.as_str()),
                format!("{} {} {}", i.course, i.lesson, i.item),
            ),
            Step::Missed(i) => (
                format!("missed {}", i.kind.as_str()),
                format!("{} {} {}", i.course, i.lesson, i.item),
            ),
            Step::Bite(b) => (
                "bite".to_string(),
                format!("{} {} bite {}", b.course, b.lesson, b.bite),
            ),
        };
        writeln!(
            out,
            "{what:<15}  {:>9}  {}",
            duration(p.estimate_seconds),
            sanitize(&place)
        )?;
    }
    if plan.items.is_empty() {
        write_why_empty(report, out)?;
    }
    write_total(report, out)?;
    if report.unplayable > 0 {
        writeln!(
            out,
            "{} due left out: their course's pack is not on the course path, or no longer has them",
            plural(report.unplayable, "item")
        )?;
    }
    write_pace(report, out)
}

/// Why an empty plan is empty: nothing to do, or nothing that fits in the box.
fn write_why_empty(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    let plan = &report.plan;
    let (due, missed, bites) = report.candidates;
    if due + missed + bites == 0 {
        let course = report.course.as_ref().map_or_else(
            || "there is no course on the course path".to_string(),
            |(id, _)| format!("`{}` has no bite left to read", sanitize(id)),
        );
        writeln!(out, "Nothing to plan: nothing is due, and {course}.")?;
    } else if due + missed > 0 {
        let shortest = report
            .pace
            .item_seconds(ItemKind::Card)
            .min(report.pace.item_seconds(ItemKind::Question));
        writeln!(
            out,
            "Nothing fits in {}: the shortest review takes {}.",
            duration(plan.box_seconds()),
            duration(shortest)
        )?;
    } else if let Some(seconds) = report.next_bite_seconds {
        writeln!(
            out,
            "Nothing fits in {}: the next bite takes {}.",
            duration(plan.box_seconds()),
            duration(seconds)
        )?;
    }
    Ok(())
}

/// The total line: the plan's time against the box, and what it holds.
fn write_total(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    let plan = &report.plan;
    let (reviews, missed, bites) = plan.counts();
    let mut parts = Vec::new();
    if reviews > 0 {
        parts.push(plural(reviews, "review"));
    }
    if missed > 0 {
        parts.push(plural(missed, "missed question"));
    }
    if bites > 0 {
        let of = report
            .course
            .as_ref()
            .map(|(id, _)| format!(" of {}", sanitize(id)))
            .unwrap_or_default();
        parts.push(format!("{}{of}", plural(bites, "bite")));
    }
    writeln!(
        out,
        "{:<15}  {:>9} of {}{}{}",
        "total",
        duration(plan.estimate_seconds),
        duration(plan.box_seconds()),
        if parts.is_empty() { "" } else { ": " },
        parts.join(", ")
    )
}

/// The pace the estimates use, and what each figure rests on: the learner's medians or the defaults.
fn write_pace(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    let pace = &report.pace;
    let basis = |n: usize, what: &str| {
        if n == 0 {
            "default".to_string()
        } else {
            format!("median of {}", plural(n, what))
        }
    };
    writeln!(
        out,
        "pace: {:.0} words a minute ({}), {} a card ({}), {} a question ({})",
        pace.words_per_minute,
        basis(pace.basis.reading, "bite"),
        duration(pace.item_seconds(ItemKind::Card)),
        basis(pace.basis.cards, "card"),
        duration(pace.item_seconds(ItemKind::Question)),
        basis(pace.basis.questions, "answer"),
    )
}

#[derive(Serialize)]
struct JsonPlan<'a> {
    minutes: u32,
    /// The course whose bites are planned.
    course: Option<&'a str>,
    items: Vec<JsonItem<'a>>,
    estimate_seconds: u32,
    pace: JsonPace,
}

#[derive(Serialize)]
struct JsonItem<'a> {
    /// "review" (a due review or a missed question) or "bite".
    kind: &'static str,
    course: &'a str,
    lesson: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    bite: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    item: Option<&'a str>,
    /// A review's item: "card" or "question".
    #[serde(skip_serializing_if = "Option::is_none")]
    item_kind: Option<&'static str>,
    /// A review's reason: "due", or "missed" (a question missed in a lesson, not yet due).
    #[serde(skip_serializing_if = "Option::is_none")]
    reason: Option<&'static str>,
    estimate_seconds: u32,
}

#[derive(Serialize)]
struct JsonPace {
    words_per_minute: f64,
    seconds_per_card: f64,
    seconds_per_question: f64,
    /// How many samples each is the median of; 0 for a default.
    samples: JsonBasis,
}

#[derive(Serialize)]
struct JsonBasis {
    reading: usize,
    cards: usize,
    questions: usize,
}

pub(crate) fn write_json(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    let items = report
        .plan
        .items
        .iter()
        .map(|p| match &p.step {
            Step::Review(i) | Step::Missed(i) => JsonItem {
                kind: "review",
                course: &i.course,
                lesson: &i.lesson,
                bite: None,
                item: Some(&i.item),
                item_kind: Some(i.kind.as_str()),
                reason: Some(if matches!(p.step, Step::Review(_)) {
                    "due"
                } else {
                    "missed"
                }),
                estimate_seconds: p.estimate_seconds,
            },
            Step::Bite(b) => JsonItem {
                kind: "bite",
                course: &b.course,
                lesson: &b.lesson,
                bite: Some(b.bite),
                item: None,
                item_kind: None,
                reason: None,
                estimate_seconds: p.estimate_seconds,
            },
        })
        .collect();
    let pace = &report.pace;
    let doc = JsonPlan {
        minutes: report.plan.minutes,
        course: report.course.as_ref().map(|(id, _)| id.as_str()),
        items,
        estimate_seconds: report.plan.estimate_seconds,
        pace: JsonPace {
            words_per_minute: (pace.words_per_minute * 10.0).round() / 10.0,
            seconds_per_card: (pace.seconds_per_card * 10.0).round() / 10.0,
            seconds_per_question: (pace.seconds_per_question * 10.0).round() / 10.0,
            samples: JsonBasis {
                reading: pace.basis.reading,
                cards: pace.basis.cards,
                questions: pace.basis.questions,
            },
        },
    };
    super::write_json(&doc, out)
}

#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// The box, in minutes.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=1440))]
    minutes: u32,
    /// Review this course only and read its bites: a pack directory or a course id [default: reviews of every
    /// course, bites of the course played last]
    #[arg(value_name = "PATH|COURSE_ID")]
    course: Option<String>,
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
}

pub(crate) fn run(args: Args, global: &Global) -> anyhow::Result<ExitCode> {
    let now = super::now();
    let paths = global.paths()?;
    let current = match &args.course {
        Some(target) => {
            let path = crate::app::overview::find_course(&paths, target)?;
            Some(super::playable(crate::pack::load(&path))?)
        }
        None => None,
    };
    let store = crate::store::Store::open_read_only(&paths.db)?;
    let report = gather(&paths, store.as_ref(), current, args.minutes, now)?;
    let stdout = io::stdout();
    let mut out = stdout.lock();
    match args.format {
        Format::Text => {
            let mut lines = SanitisedLines::new(&mut out);
            write_text(&report, &mut lines)?;
            lines.flush()?;
        }
        Format::Json => write_json(&report, &mut out)?,
    }
    super::done(out, ExitCode::SUCCESS)
}
