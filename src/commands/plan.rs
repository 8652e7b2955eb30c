//! `morsel plan --minutes N [COURSE]`: the time-boxed session `play --minutes N` would hold, printed without playing
//! it. Gathers the inputs of `plan::plan` from the packs and the store (opened read-only): due reviews of every
//! course (or of COURSE) whose pack is at hand and still has the item, missed questions and the bites from where
//! `play` resumes in the current course, and the learner's pace.

use std::collections::HashMap;
use std::io::{self, Write};
use std::path::PathBuf;

use serde::Serialize;

use super::plural;
use crate::app::overview::{self, Loaded};
use crate::app::paths::Paths;
use crate::learn::plan::{self, DueItem, HISTORY_SAMPLES, Pace, Plan, Step};
use crate::learn::progress::Progress;
use crate::learn::schedule::ItemKind;
use crate::pack::{Lesson, Pack};
use crate::store::Store;
use crate::text::sanitize;

/// A plan and what it was made from.
#[derive(Debug)]
pub struct Report {
    pub plan: Plan,
    pub pace: Pace,
    /// The course whose bites the plan reads (COURSE, or the one played last), if there is one.
    pub course: Option<(String, String)>,
    /// Due items passed over because their course's pack is not at hand or no longer has them.
    pub unplayable: usize,
    /// Candidates before the box was applied: (due items read, of those the box could hold; missed; bites left).
    pub candidates: (usize, usize, usize),
    /// The estimate of the first bite left out, if one was.
    pub next_bite_seconds: Option<u32>,
}

/// The packs a plan may draw on, by course id: `current` (COURSE, if given) first, then the course path, then
/// where the store says each played course was last played from.
struct Packs {
    by_id: HashMap<String, Pack>,
    /// Course ids in course-path order, for the course to read when none was played.
    on_path: Vec<String>,
}

impl Packs {
    fn gather(paths: &Paths, store: Option<&Store>, current: Option<Pack>) -> anyhow::Result<Self> {
        let mut by_id = HashMap::new();
        let mut on_path = Vec::new();
        if let Some(pack) = current {
            by_id.insert(pack.course.id.clone(), pack);
        }
        for path in paths.packs() {
            if let Loaded::Pack(pack) = overview::load_pack(&path) {
                on_path.push(pack.course.id.clone());
                by_id.entry(pack.course.id.clone()).or_insert(*pack);
            }
        }
        for row in store.map(Store::courses).transpose()?.unwrap_or_default() {
            if !by_id.contains_key(&row.id)
                && let Loaded::Pack(pack) = overview::load_pack(&PathBuf::from(&row.pack_path))
                && pack.course.id == row.id
            {
                by_id.insert(row.id, *pack);
            }
        }
        Ok(Self { by_id, on_path })
    }
}

/// Plans `minutes` at `now`. `current`: the pack of COURSE when one was named (then only its items are reviewed);
/// without it, reviews of every course and bites of the course played last (or the first on the course path).
pub fn gather(
    paths: &Paths,
    store: Option<&Store>,
    current: Option<Pack>,
    minutes: u32,
    now: i64,
) -> anyhow::Result<Report> {
    let only = current.as_ref().map(|p| p.course.id.clone());
    let packs = Packs::gather(paths, store, current)?;
    let course_id = match &only {
        Some(id) => Some(id.clone()),
        None => {
            let played = store.map(Store::courses).transpose()?.unwrap_or_default();
            played
                .into_iter()
                .map(|row| row.id)
                .find(|id| packs.by_id.contains_key(id))
                .or_else(|| packs.on_path.first().cloned())
        }
    };
    let pack = course_id.as_ref().and_then(|id| packs.by_id.get(id));
    let progress = match (store, pack) {
        (Some(store), Some(pack)) => store.progress(&pack.course.id)?,
        _ => Progress::default(),
    };

    let missed = pack.map_or_else(Vec::new, |p| plan::missed_questions(p, &progress));
    let history = match store {
        Some(store) => {
            // Lessons by id, per course, built once: a sample's words are its bite's in the pack.
            let mut lessons: HashMap<&str, HashMap<&str, &Lesson>> = HashMap::new();
            store
                .pace_samples(HISTORY_SAMPLES)?
                .into_history(|course, lesson, bite| {
                    let (id, pack) = packs.by_id.get_key_value(course)?;
                    let index = lessons.entry(id.as_str()).or_insert_with(|| {
                        pack.lessons.iter().map(|l| (l.id.as_str(), l)).collect()
                    });
                    Some(index.get(lesson)?.bites.get(bite.checked_sub(1)?)?.words)
                })
        }
        None => plan::History::default(),
    };
    let pace = Pace::from_history(&history);
    let (due, unplayable) = match store {
        Some(store) => due_reviews(
            store,
            &packs,
            only.as_deref(),
            now,
            minutes.saturating_mul(60),
            &pace,
        )?,
        None => (Vec::new(), 0),
    };
    let bites_left = pack.map_or(0, |p| plan::new_bites(p, &progress).count());
    let bites = pack.into_iter().flat_map(|p| plan::new_bites(p, &progress));
    let plan = plan::plan(minutes, &due, &missed, bites, &pace);
    let next_bite_seconds = pack
        .and_then(|p| plan::new_bites(p, &progress).nth(plan.counts().2))
        .map(|b| pace.bite_seconds(b.words, b.questions, b.cards));
    Ok(Report {
        plan,
        pace,
        course: pack.map(|p| (p.course.id.clone(), p.course.title.clone())),
        unplayable,
        candidates: (due.len(), missed.len(), bites_left),
        next_bite_seconds,
    })
}

/// The due items a box of `box_seconds` can hold (`Store::due_for_box`), least retrievable first, each with its
/// lesson as the pack has it now; and how many were passed over because their pack is not at hand or no longer has
/// them.
fn due_reviews(
    store: &Store,
    packs: &Packs,
    only: Option<&str>,
    now: i64,
    box_seconds: u32,
    pace: &Pace,
) -> anyhow::Result<(Vec<DueItem>, usize)> {
    // Per course with items due: each item id of its pack, with its lesson and kind.
    let mut items: HashMap<&str, HashMap<&str, (&str, ItemKind)>> = HashMap::new();
    let playable = |mut item: DueItem| -> Option<DueItem> {
        let (id, pack) = packs.by_id.get_key_value(&item.course)?;
        let index = items.entry(id.as_str()).or_insert_with(|| {
            let mut index = HashMap::new();
            for l in &pack.lessons {
                for q in l.questions() {
                    index.insert(q.id.as_str(), (l.id.as_str(), ItemKind::Question));
                }
                for c in l.cards() {
                    index.insert(c.id.as_str(), (l.id.as_str(), ItemKind::Card));
                }
            }
            index
        });
        let (lesson, kind) = index.get(item.item.as_str())?;
        (*kind == item.kind).then(|| {
            item.lesson = (*lesson).to_string();
            item
        })
    };
    Ok(store.due_for_box(now, only, box_seconds, pace, playable)?)
}

/// "45 s", "3 min", "3 min 20 s".
pub fn duration(seconds: u32) -> String {
    match (seconds / 60, seconds % 60) {
        (0, s) => format!("{s} s"),
        (m, 0) => format!("{m} min"),
        (m, s) => format!("{m} min {s} s"),
    }
}

pub fn write_text(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    let plan = &report.plan;
    let (reviews, missed, bites) = plan.counts();
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
    }
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
    )?;
    if report.unplayable > 0 {
        writeln!(
            out,
            "{} due left out: their course's pack is not on the course path, or no longer has them",
            plural(report.unplayable, "item")
        )?;
    }
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

pub fn write_json(report: &Report, out: &mut dyn Write) -> io::Result<()> {
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
