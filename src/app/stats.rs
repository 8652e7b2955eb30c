//! Where a learner stands in the played courses, for `morsel stats` and the dashboard: per course its overview and
//! review items (due today, edited in the pack since their last review, gone from the pack), then spaced review as
//! a whole (the FSRS parameters in use, the desired retention, a due forecast).

use std::collections::HashMap;

use crate::app::overview::{self, CourseOverview, Loaded};
use crate::app::paths::Paths;
use crate::learn::schedule::item_hash;
use crate::pack::{Exercise, Pack};
use crate::store::{DueItem, FittedParameters, Store, StoreError};

/// Days in the due forecast, today first.
pub(crate) const FORECAST_DAYS: usize = 14;

/// What `stats` reports: the played courses (or one), and spaced review over them.
#[derive(Debug, Clone)]
pub(crate) struct Stats {
    pub(crate) courses: Vec<CourseStats>,
    pub(crate) review: ReviewSummary,
}

#[derive(Debug, Clone)]
pub(crate) struct CourseStats {
    pub(crate) overview: CourseOverview,
    pub(crate) review: CourseReview,
    /// Every key result against its target, the course's and the learner's own (none when the pack is not at hand).
    pub(crate) key_results: Vec<overview::KeyResultStanding>,
}

/// A course's review items.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct CourseReview {
    /// Cards and questions in review, gone from the pack or not.
    pub(crate) items: usize,
    /// Items whose content in the pack differs from what was last reviewed; `None` when the pack is not loaded.
    pub(crate) edited: Option<usize>,
    /// Items whose id is no longer in the pack: out of the queue, their history kept; `None` likewise.
    pub(crate) left: Option<usize>,
    /// Items due on each of the next days, today first (overdue ones today); items gone from the pack left out.
    pub(crate) forecast: [usize; FORECAST_DAYS],
}

/// Spaced review over the reported courses.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct ReviewSummary {
    /// The learner's fitted parameters, or `None`: FSRS-6's defaults.
    pub(crate) parameters: Option<FittedParameters>,
    pub(crate) desired_retention: f32,
    /// The local date of each forecast day, `YYYY-MM-DD`.
    pub(crate) dates: Vec<String>,
    /// The courses' forecasts added up.
    pub(crate) forecast: [usize; FORECAST_DAYS],
}

/// Where a course's review items stand against its pack as it is now (`None`: the pack could not be loaded).
pub(crate) fn course_review(items: &[DueItem], pack: Option<&Pack>) -> CourseReview {
    let hashes: Option<HashMap<&str, String>> = pack.map(|p| {
        p.lessons
            .iter()
            .flat_map(|l| &l.bites)
            .flat_map(|b| &b.exercises)
            .map(|e| match e {
                Exercise::Card(c) => (c.id.as_str(), item_hash(e)),
                Exercise::Question(q) => (q.id.as_str(), item_hash(e)),
            })
            .collect()
    });
    let mut review = CourseReview {
        items: items.len(),
        edited: hashes.as_ref().map(|_| 0),
        left: hashes.as_ref().map(|_| 0),
        forecast: [0; FORECAST_DAYS],
    };
    for item in items {
        if let Some(hashes) = &hashes {
            match hashes.get(item.item_id.as_str()) {
                None => {
                    review.left = review.left.map(|n| n + 1);
                    continue;
                }
                Some(hash) if *hash != item.content_hash => {
                    review.edited = review.edited.map(|n| n + 1);
                }
                Some(_) => {}
            }
        }
        if let Some(day) = usize::try_from(item.due_day.max(0))
            .ok()
            .filter(|&d| d < FORECAST_DAYS)
        {
            review.forecast[day] += 1;
        }
    }
    review
}

/// The played courses (or only `course`), most recently played first, and spaced review over them, as of `now`.
/// A pack is looked for on the course path by id, then where it was last played from.
pub(crate) fn gather(
    paths: &Paths,
    store: Option<&Store>,
    course: Option<&str>,
    desired_retention: f32,
    now: i64,
) -> Result<Stats, StoreError> {
    let mut review = ReviewSummary {
        parameters: None,
        desired_retention,
        dates: Vec::new(),
        forecast: [0; FORECAST_DAYS],
    };
    let Some(store) = store else {
        return Ok(Stats {
            courses: Vec::new(),
            review,
        });
    };
    review.parameters = store.parameters()?;
    review.dates = store.local_dates(now, FORECAST_DAYS)?;
    let personal = overview::personal_objectives(paths);
    let scheduler = store.scheduler(desired_retention)?;
    let courses = overviews(paths, store, course, now)?
        .into_iter()
        .map(|(overview, pack)| {
            let items = store.due_items(&overview.id, now)?;
            let course = course_review(&items, pack.as_deref());
            for (sum, n) in review.forecast.iter_mut().zip(course.forecast) {
                *sum += n;
            }
            let key_results = match pack.as_deref() {
                Some(pack) => {
                    overview::key_result_standing(pack, &personal, store, &scheduler, now)?
                }
                None => Vec::new(),
            };
            Ok(CourseStats {
                overview,
                review: course,
                key_results,
            })
        })
        .collect::<Result<_, StoreError>>()?;
    Ok(Stats { courses, review })
}

/// A course's overview, with its pack when it loaded and holds that course.
type Played = (CourseOverview, Option<Box<Pack>>);

/// Overviews of the played courses, each with its pack when it loaded and holds that course.
fn overviews(
    paths: &Paths,
    store: &Store,
    course: Option<&str>,
    now: i64,
) -> Result<Vec<Played>, StoreError> {
    let rows: Vec<_> = store
        .courses()?
        .into_iter()
        .filter(|row| course.is_none_or(|c| c == row.id))
        .collect();
    // Only each course.toml on the course path is read to find the played courses; only their packs are loaded.
    let mut on_path: Vec<(std::path::PathBuf, Option<String>)> = if rows.is_empty() {
        Vec::new()
    } else {
        paths
            .packs()
            .into_iter()
            .map(|p| {
                let id = crate::pack::glance::course(&p).map(|c| c.id);
                (p, id)
            })
            .collect()
    };
    let mut out = Vec::new();
    for row in rows {
        let found = on_path
            .iter()
            .position(|(_, id)| id.as_deref() == Some(row.id.as_str()));
        let path = match found {
            Some(index) => on_path.swap_remove(index).0,
            None => std::path::PathBuf::from(&row.pack_path),
        };
        let loaded = overview::load_pack(&path);
        let mut o = overview::overview(&loaded, &path, Some(store), now)?;
        if o.id.is_empty() || o.id != row.id {
            // The pack moved, or now holds another course: report what the store knows.
            o = overview::overview(
                &Loaded::Broken {
                    id: Some(row.id.clone()),
                    title: Some(row.title.clone()),
                    error: format!(
                        "pack not found on the course path, nor at {}",
                        row.pack_path
                    ),
                },
                &path,
                Some(store),
                now,
            )?;
            out.push((o, None));
        } else {
            let pack = match loaded {
                Loaded::Pack(pack) => Some(pack),
                Loaded::Broken { .. } | Loaded::Pending(_) | Loaded::Indexed(..) => None,
            };
            out.push((o, pack));
        }
    }
    Ok(out)
}
