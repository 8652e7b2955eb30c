//! The time-boxed session `play --minutes N` holds and `plan --minutes N` prints: the inputs of `learn::plan::plan`
//! gathered from the packs and the store (opened read-only): due reviews of every course (or of one) whose pack is
//! at hand and still has the item, missed questions and the bites from where `play` resumes in the current course,
//! and the learner's pace.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use crate::app::overview::{self, Loaded};
use crate::app::paths::Paths;
use crate::learn::plan::{self, DueItem, HISTORY_SAMPLES, Pace, Plan, Step};
use crate::learn::progress::Progress;
use crate::learn::schedule::{ItemKind, Scheduler};
use crate::learn::sitting::ReviewItem;
use crate::learn::timebox::Timebox;
use crate::pack::{Lesson, Pack};
use crate::store::{Store, StoreError};

/// A plan and what it was made from.
#[derive(Debug)]
pub(crate) struct Report {
    pub(crate) plan: Plan,
    pub(crate) pace: Pace,
    /// The course whose bites the plan reads (COURSE, or the one played last), if there is one.
    pub(crate) course: Option<(String, String)>,
    /// Due items passed over because their course's pack is not at hand or no longer has them.
    pub(crate) unplayable: usize,
    /// Candidates before the box was applied: (due items read, of those the box could hold; missed; bites left).
    pub(crate) candidates: (usize, usize, usize),
    /// The estimate of the first bite left out, if one was.
    pub(crate) next_bite_seconds: Option<u32>,
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
pub(crate) fn gather(
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

/// A time box planned: the box, and the course whose bites it reads (when it plans any).
pub struct Planned {
    pub(crate) timebox: Timebox,
    pub(crate) course: Option<PathBuf>,
}

/// Plans a time box of `minutes` at `now` (`gather`: due reviews, then missed questions, then the
/// bites of `course`, or of the course played last, that fit), for every front end. `reviews_only` leaves the
/// bites out. The box's start and its minutes are recorded for each course it plans work from (the sitting's
/// `terminated` statement states them). An error says why nothing can be planned or the start not saved.
pub(crate) fn plan(
    paths: &Paths,
    store: &mut Store,
    course: Option<&Path>,
    minutes: u32,
    reviews_only: bool,
    now: i64,
) -> Result<Planned, PlanError> {
    let current = course.and_then(|path| crate::pack::load(path).into_pack().ok());
    let report = gather(paths, Some(store), current, minutes, now).map_err(PlanError::Gather)?;
    let mut plan = report.plan;
    if reviews_only {
        plan.items.retain(|p| !matches!(p.step, Step::Bite(_)));
        plan.estimate_seconds = plan.items.iter().map(|p| p.estimate_seconds).sum();
    }
    if plan.items.is_empty() {
        return Err(PlanError::NothingFits { minutes });
    }
    let timebox = Timebox::new(plan, now);
    store
        .record_timebox(&timebox.courses(), now, minutes, reviews_only)
        .map_err(PlanError::Record)?;
    let course = report
        .course
        .as_ref()
        .and_then(|(id, _)| {
            crate::app::overview::find_course(paths, id)
                .ok()
                .or_else(|| course.map(Path::to_path_buf))
        })
        .filter(|_| timebox.last_bite.is_some());
    Ok(Planned { timebox, course })
}

/// Why no time box could be planned.
#[derive(Debug, thiserror::Error)]
pub(crate) enum PlanError {
    /// Nothing due and nothing new fits in the box: not a failure, a thing to say.
    #[error("nothing to do fits in {}", crate::text::words::plural(*minutes as usize, "minute"))]
    NothingFits { minutes: u32 },
    #[error("the session could not be planned: {0:#}")]
    Gather(anyhow::Error),
    #[error("the time box's start could not be saved: {0}")]
    Record(StoreError),
}

/// The box's reviews as a review queue, in the plan's order (due reviews first, then missed questions).
pub(crate) fn planned_reviews(
    paths: &Paths,
    store: &Store,
    reviews: &[(String, String)],
    retention: f32,
    now: i64,
) -> Result<(Scheduler, Vec<ReviewItem>), StoreError> {
    let scheduled: Vec<_> = store
        .scheduled(None, None)?
        .into_iter()
        .filter(|s| reviews.contains(&(s.course_id.clone(), s.item_id.clone())))
        .collect();
    let mut ids: Vec<&str> = scheduled.iter().map(|s| s.course_id.as_str()).collect();
    ids.sort_unstable();
    ids.dedup();
    let packs = crate::app::overview::packs_of(paths, store, &ids)?;
    let scheduler = store.scheduler(retention)?;
    let mut items = crate::learn::sitting::queue(scheduled, &packs, &scheduler, now, false, None);
    items.sort_by_key(|i| {
        let id = crate::learn::schedule::item_of(&i.exercise).0;
        reviews
            .iter()
            .position(|(c, r)| c == &i.course_id && r == id)
            .unwrap_or(usize::MAX)
    });
    Ok((scheduler, items))
}
