//! Where a learner stands in each course, gathered from the packs and the store: what `stats`, `list` and the
//! library screen show. The rounding of scores and reading minutes lives here, so that every screen agrees.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use crate::app::paths::Paths;
use crate::learn::progress::{LessonStatus, Progress, SavedPosition};
use crate::learn::schedule::Scheduler;
use crate::learn::session::{OpenOptions, start_point};
use crate::learn::sitting::{self, ReviewItem};
use crate::pack::{self, Pack};
use crate::store::{ActiveTime, CourseRow, Store, StoreError};
use crate::text::sanitize;

/// A share of questions right on the first try as a whole percentage, rounded down: a lesson shown at the pass
/// mark's percentage has reached it (4 of 5 is 80%, 79.6% is 79%, never 80%). A lesson without questions is 100%.
/// Every place that prints a score (the lesson summary, `--plain`, `stats`) goes through this.
pub(crate) fn score_percent(status: &LessonStatus) -> usize {
    crate::app::summary::percent(status.first_try_right, status.questions) as usize
}

/// Reading minutes as shown to a learner: the pack's estimate rounded up ("about 3 min", as `check` says).
pub(crate) fn reading_minutes(minutes: f64) -> u64 {
    if minutes.is_finite() && minutes > 0.0 {
        minutes.ceil() as u64
    } else {
        0
    }
}

/// One lesson of a course: its id and title, the pack's reading estimate, and the learner's status in it.
#[derive(Debug, Clone)]
pub(crate) struct LessonOverview {
    pub(crate) id: String,
    pub(crate) title: String,
    /// The pack's estimate in minutes (front matter, or counted from words and questions at load).
    pub(crate) minutes: f64,
    pub(crate) status: LessonStatus,
}

/// Where `play` will open a course: a lesson and a 1-based bite.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct NextPosition {
    pub(crate) lesson: String,
    pub(crate) bite: usize,
}

/// One course: its pack (if it could be loaded), the learner's progress in it, and time on task.
#[derive(Debug, Clone)]
pub(crate) struct CourseOverview {
    pub(crate) id: String,
    pub(crate) title: String,
    /// Where the pack was found, or was last played from.
    pub(crate) path: PathBuf,
    /// The first error of a pack that does not load, as `file:line:col: error: message` (`Diagnostic::one_line`).
    pub(crate) error: Option<String>,
    /// Each lesson's id and status; empty when the pack could not be loaded.
    pub(crate) lessons: Vec<LessonOverview>,
    /// The position saved in the store, as it was written.
    pub(crate) position: Option<SavedPosition>,
    /// Where `play` will really open the course (the saved place clamped to the pack as it is now, or where a
    /// finished course starts again); `None` when the pack could not be loaded.
    pub(crate) next: Option<NextPosition>,
    pub(crate) active: ActiveTime,
    /// What the store knows of the course, if it was ever played.
    pub(crate) played: Option<CourseRow>,
    /// The pack is large and still being read in the background (the library only): its lessons are not counted
    /// yet.
    pub(crate) pending: bool,
}

impl CourseOverview {
    pub(crate) fn complete(&self) -> usize {
        self.lessons.iter().filter(|l| l.status.complete).count()
    }

    pub(crate) fn mastered(&self) -> usize {
        self.lessons.iter().filter(|l| l.status.mastered).count()
    }

    /// Questions known (right on the first try, or in a review on a later day): mastery's count.
    pub(crate) fn known(&self) -> usize {
        self.lessons.iter().map(|l| l.status.known_count).sum()
    }

    /// Questions right on the first try, of those answered.
    pub(crate) fn accuracy(&self) -> Option<(usize, usize)> {
        let answered: usize = self.lessons.iter().map(|l| l.status.answered).sum();
        let right: usize = self.lessons.iter().map(|l| l.status.first_try_right).sum();
        (answered > 0).then_some((right, answered))
    }

    /// The course's reading minutes, rounded up once over the sum (as `check`'s summary line does).
    pub(crate) fn reading_minutes(&self) -> u64 {
        reading_minutes(self.lessons.iter().map(|l| l.minutes).sum())
    }
}

/// The outcome of loading a pack for an overview: the pack, or its first error.
pub(crate) enum Loaded {
    Pack(Box<Pack>),
    Broken {
        id: Option<String>,
        title: Option<String>,
        error: String,
    },
    /// Only its `course.toml` read so far: a large pack whose lessons are read in the background.
    Pending(Box<pack::Course>),
    /// Its `course.toml`, and its lessons from the lesson index, which still holds (`pack::glance::summary`).
    Indexed(Box<pack::Course>, Vec<pack::glance::IndexedLesson>),
}

/// The pack at `path` from its lesson index when that still holds; else read in full ([`load_and_index`]).
pub(crate) fn load_indexed(paths: &Paths, path: &Path) -> Loaded {
    match pack::glance::summary(&paths.cache_dir, path) {
        pack::glance::Summary::Holds(course, lessons) => Loaded::Indexed(course, lessons),
        _ => load_and_index(paths, path),
    }
}

/// The pack at `path` read in full, and the lesson index of a large one written for next time.
pub(crate) fn load_and_index(paths: &Paths, path: &Path) -> Loaded {
    let report = pack::load(path);
    pack::glance::remember(&paths.cache_dir, &report);
    Loaded::from_report(report)
}

pub(crate) fn load_pack(path: &Path) -> Loaded {
    Loaded::from_report(pack::load(path))
}

impl Loaded {
    /// The pack of a load report, or its first error.
    pub(crate) fn from_report(report: pack::LoadReport) -> Self {
        let first_error = report.errors().next().map(|d| d.one_line(Path::new("")));
        let (id, title) = report.course.as_ref().map_or((None, None), |c| {
            (Some(c.id.clone()), Some(c.title.clone()))
        });
        match report.into_pack() {
            Ok(pack) => Loaded::Pack(Box::new(pack)),
            Err(_) => Loaded::Broken {
                id,
                title,
                error: first_error.unwrap_or_else(|| "the pack has errors".to_string()),
            },
        }
    }
}

/// The overview of a course from a loaded pack (or a broken one) and the store.
pub(crate) fn overview(
    loaded: &Loaded,
    path: &Path,
    store: Option<&Store>,
    now: i64,
) -> Result<CourseOverview, StoreError> {
    let (id, title, error) = match loaded {
        Loaded::Pack(p) => (p.course.id.clone(), p.course.title.clone(), None),
        Loaded::Pending(c) | Loaded::Indexed(c, _) => (c.id.clone(), c.title.clone(), None),
        Loaded::Broken { id, title, error } => (
            id.clone().unwrap_or_default(),
            title.clone().unwrap_or_else(|| path.display().to_string()),
            Some(error.clone()),
        ),
    };
    let (progress, active, played) = match store {
        Some(store) if !id.is_empty() => (
            store.progress(&id)?,
            store.active_time(&id, now)?,
            store.course(&id)?,
        ),
        _ => (Progress::default(), ActiveTime::default(), None),
    };
    let (lessons, next) = match loaded {
        Loaded::Pack(p) => {
            let lessons = p
                .lessons
                .iter()
                .map(|l| LessonOverview {
                    id: l.id.clone(),
                    title: l.title.clone(),
                    minutes: l.minutes,
                    status: progress.lesson_status(l, p.course.pass_mark),
                })
                .collect();
            // The session's own rule, so that `stats` names the bite `play` opens.
            let next =
                start_point::<std::convert::Infallible>(p, &progress, &OpenOptions::default())
                    .ok()
                    .and_then(|(lesson, bite, _)| {
                        Some(NextPosition {
                            lesson: p.lessons.get(lesson)?.id.clone(),
                            bite: bite + 1,
                        })
                    });
            (lessons, next)
        }
        // Where play resumes takes the whole pack (`start_point`): not said from an index.
        Loaded::Indexed(course, lessons) => {
            let lessons = lessons
                .iter()
                .map(|l| LessonOverview {
                    id: l.id.clone(),
                    title: l.title.clone(),
                    minutes: l.minutes,
                    status: progress.status_of(
                        &l.id,
                        &l.bites,
                        l.questions.iter().map(String::as_str),
                        l.cards.iter().map(String::as_str),
                        course.pass_mark,
                    ),
                })
                .collect();
            (lessons, None)
        }
        Loaded::Broken { .. } | Loaded::Pending(_) => (Vec::new(), None),
    };
    Ok(CourseOverview {
        id,
        title,
        path: path.to_path_buf(),
        error,
        lessons,
        position: progress.position,
        next,
        active,
        played,
        pending: matches!(loaded, Loaded::Pending(_)),
    })
}

/// Every pack on the course path, in course-path order; a broken pack is listed with its first error.
/// After them, the courses played from a folder off the course path whose folder still holds them: a course
/// played with `morsel play FOLDER` stays in the library and in `list`.
pub(crate) fn on_course_path(
    paths: &Paths,
    store: Option<&Store>,
    now: i64,
) -> Result<Vec<CourseOverview>, StoreError> {
    let mut courses: Vec<CourseOverview> = paths
        .packs()
        .iter()
        .map(|path| overview(&load_indexed(paths, path), path, store, now))
        .collect::<Result<_, _>>()?;
    for path in played_elsewhere(store, &courses)? {
        courses.push(overview(&load_indexed(paths, &path), &path, store, now)?);
    }
    Ok(courses)
}

/// The folders of played courses that no course listed has the id of, where those folders still hold them.
fn played_elsewhere(
    store: Option<&Store>,
    listed: &[CourseOverview],
) -> Result<Vec<PathBuf>, StoreError> {
    let Some(store) = store else {
        return Ok(Vec::new());
    };
    Ok(store
        .courses()?
        .into_iter()
        .filter(|row| !listed.iter().any(|c| c.id == row.id))
        .map(|row| (PathBuf::from(&row.pack_path), row.id))
        .filter(|(path, id)| pack::glance::course(path).is_some_and(|c| &c.id == id))
        .map(|(path, _)| path)
        .collect())
}

/// For each course, the index of an earlier course on the course path with the same id, if there is one: two
/// packs with one course id share their progress, so `list` and the library say so (the second is the one marked;
/// `play ID` opens the first).
pub(crate) fn duplicate_ids(courses: &[CourseOverview]) -> Vec<Option<usize>> {
    let mut first: HashMap<&str, usize> = HashMap::new();
    courses
        .iter()
        .enumerate()
        .map(|(i, c)| {
            if c.id.is_empty() {
                return None;
            }
            match first.get(c.id.as_str()) {
                Some(&earlier) => Some(earlier),
                None => {
                    first.insert(&c.id, i);
                    None
                }
            }
        })
        .collect()
}

/// A course asked for by a name that is neither a folder nor the id of a course on the course path.
#[derive(Debug, thiserror::Error)]
#[error(
    "no course `{}`: it is not a folder, and no course on the course path ({}) has that id; {}",
    sanitize(target),
    sanitize(&searched.iter().map(|p| p.display().to_string()).collect::<Vec<_>>().join(", ")),
    if ids.is_empty() {
        "there are none there (--courses DIR or MORSEL_COURSES adds a folder)".to_string()
    } else {
        listed("the courses there are", ids)
    }
)]
pub(crate) struct NoCourse {
    pub(crate) target: String,
    pub(crate) ids: Vec<String>,
    pub(crate) searched: Vec<PathBuf>,
}

/// A lesson asked for by an id the pack does not have.
#[derive(Debug, thiserror::Error)]
#[error(
    "course `{}` has no lesson `{}`; {}",
    sanitize(course),
    sanitize(lesson),
    listed("its lessons are", ids)
)]
pub(crate) struct NoLesson {
    pub(crate) course: String,
    pub(crate) lesson: String,
    pub(crate) ids: Vec<String>,
}

fn listed(what: &str, ids: &[String]) -> String {
    if ids.is_empty() {
        return "it has none".to_string();
    }
    let ids: Vec<String> = ids.iter().map(|id| sanitize(id).into_owned()).collect();
    format!("{what}: {}", ids.join(", "))
}

/// A pack folder (any folder: a folder that is not a pack is the loader's to explain), or the pack on the course
/// path whose course has this id.
pub(crate) fn find_course(paths: &Paths, target: &str) -> Result<PathBuf, NoCourse> {
    let as_path = PathBuf::from(target);
    if as_path.is_dir() {
        return Ok(as_path);
    }
    // Only each course.toml is read: the pack found is loaded once, by whoever asked.
    let mut ids = Vec::new();
    for path in paths.packs() {
        if let Some(course) = pack::glance::course(&path) {
            if course.id == target {
                return Ok(path);
            }
            ids.push(course.id);
        }
    }
    Err(NoCourse {
        target: target.to_string(),
        ids,
        searched: paths.courses.clone(),
    })
}

/// The packs of these courses, for review: each loaded from where it was last played, else found on the course
/// path by its id. A course whose pack cannot be found or loaded is left out (its items wait until it can).
pub(crate) fn packs_of(
    paths: &Paths,
    store: &Store,
    ids: &[&str],
) -> Result<HashMap<String, Pack>, StoreError> {
    let mut packs = HashMap::new();
    for id in ids {
        if packs.contains_key(*id) {
            continue;
        }
        let saved = store
            .course(id)?
            .map(|row| PathBuf::from(row.pack_path))
            .and_then(|path| match load_pack(&path) {
                Loaded::Pack(pack) if pack.course.id == *id => Some(*pack),
                _ => None,
            });
        let pack = saved.or_else(|| {
            let path = find_course(paths, id).ok()?;
            match load_pack(&path) {
                Loaded::Pack(pack) if pack.course.id == *id => Some(*pack),
                _ => None,
            }
        });
        if let Some(pack) = pack {
            packs.insert(id.to_string(), pack);
        }
    }
    Ok(packs)
}

/// The review queue of one course or all at `now` (every scheduled item when studying `ahead`), its items found in
/// their packs, with the learner's scheduler.
pub(crate) fn review_queue(
    paths: &Paths,
    store: &Store,
    course: Option<&str>,
    now: i64,
    ahead: bool,
    limit: Option<usize>,
    retention: f32,
) -> Result<(Scheduler, Vec<ReviewItem>), StoreError> {
    let scheduler = store.scheduler(retention)?;
    let scheduled = store.scheduled(course, (!ahead).then_some(now))?;
    let mut ids: Vec<&str> = scheduled.iter().map(|s| s.course_id.as_str()).collect();
    ids.sort_unstable();
    ids.dedup();
    let packs = packs_of(paths, store, &ids)?;
    let items = sitting::queue(scheduled, &packs, &scheduler, now, ahead, limit);
    Ok((scheduler, items))
}

/// A key result where it stands: its measure, value and target, whether it is met, and whether it is the learner's
/// own (`objectives.toml`) rather than the course's.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct KeyResultStanding {
    pub(crate) id: String,
    /// The key result's text, as the pack or `objectives.toml` has it.
    pub(crate) text: String,
    pub(crate) measure: pack::Measure,
    /// A share from 0 to 1, or minutes; `None` when nothing is measured yet.
    pub(crate) value: Option<f64>,
    pub(crate) target: f64,
    pub(crate) met: bool,
    pub(crate) own: bool,
    /// As `stats` and the dashboard write it: `Branching fluency: mastery 60% (target 80%)`, `· your own` after the
    /// learner's.
    pub(crate) line: String,
    /// How far along, 0 to 1.
    pub(crate) ratio: f64,
}

/// Every key result of `pack`'s course now, the course's and the learner's own (`personal`, whose problems are
/// `play`'s to report); nothing is asked of the store for a course with none.
pub(crate) fn key_result_standing(
    pack: &Pack,
    personal: &pack::Personal,
    store: &Store,
    scheduler: &crate::learn::schedule::Scheduler,
    now: i64,
) -> Result<Vec<KeyResultStanding>, StoreError> {
    use crate::learn::outcomes::{Inputs, Snapshot};
    let courses: Vec<&str> = pack
        .course
        .key_results
        .iter()
        .map(|k| k.id.as_str())
        .collect();
    let mut pack = pack.clone();
    let _ = personal.apply(&mut pack);
    if pack.course.key_results.is_empty() {
        return Ok(Vec::new());
    }
    let id = &pack.course.id;
    let progress = store.progress(id)?;
    let history = store.outcome_history(id, now, scheduler)?;
    let inputs = Inputs {
        progress: &progress,
        scheduler,
        history: &history,
    };
    let snapshot = Snapshot::take(&pack, &inputs);
    let standing = crate::learn::outcomes::standing(&pack, &snapshot, &snapshot);
    Ok(standing
        .iter()
        .map(|change| {
            let kr = &change.key_result;
            let own = !courses.contains(&kr.id.as_str());
            let mut line = crate::app::summary::KeyResultLine::from(change).line();
            if own {
                line.push_str(" · your own");
            }
            let ratio = change
                .now
                .map_or(0.0, |v| if kr.target > 0.0 { v / kr.target } else { 0.0 });
            KeyResultStanding {
                id: kr.id.clone(),
                text: kr.text.clone(),
                measure: kr.measure,
                value: change.now,
                target: kr.target,
                met: change.met(),
                own,
                line,
                ratio,
            }
        })
        .collect())
}

/// The learner's own objectives and key results (`objectives.toml` beside the config), for every course.
pub(crate) fn personal_objectives(paths: &Paths) -> pack::Personal {
    pack::Personal::load(&crate::app::config::objectives_path(&paths.config)).0
}

/// Every key result of these courses against its target, the course's and the learner's own, as the dashboard and
/// `stats` show them: its line and how far along, 0 to 1 (see [`KeyResultStanding`]).
pub(crate) fn key_results(
    paths: &Paths,
    store: &Store,
    ids: &[&str],
    retention: f32,
    now: i64,
) -> Result<Vec<(String, f64)>, StoreError> {
    let packs = packs_of(paths, store, ids)?;
    let personal = personal_objectives(paths);
    let scheduler = store.scheduler(retention)?;
    let mut gauges = Vec::new();
    for id in ids {
        let Some(pack) = packs.get(*id) else {
            continue;
        };
        for kr in key_result_standing(pack, &personal, store, &scheduler, now)? {
            gauges.push((kr.line, kr.ratio));
        }
    }
    Ok(gauges)
}

/// `Ok` when `lesson` is none or one of the course's lessons.
pub(crate) fn require_lesson(
    course: &str,
    lessons: &[pack::Lesson],
    lesson: Option<&str>,
) -> Result<(), NoLesson> {
    match lesson {
        Some(id) if !lessons.iter().any(|l| l.id == id) => Err(NoLesson {
            course: course.to_string(),
            lesson: id.to_string(),
            ids: lessons.iter().map(|l| l.id.clone()).collect(),
        }),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn status(first_try_right: usize, questions: usize) -> LessonStatus {
        LessonStatus {
            bites: 1,
            bites_seen: 1,
            questions,
            answered: questions,
            first_try_right,
            known_count: first_try_right,
            right_on_retry: 0,
            cards: 0,
            cards_rated: 0,
            cards_recalled: 0,
            complete: true,
            mastered: false,
            missed: Vec::new(),
            known: Vec::new(),
        }
    }

    #[test]
    fn scores_round_down_so_that_the_pass_mark_shown_is_the_pass_mark_met() {
        assert_eq!(score_percent(&status(4, 5)), 80);
        assert_eq!(score_percent(&status(2, 3)), 66);
        assert_eq!(score_percent(&status(39, 49)), 79); // 79.6%: not yet 80
        assert_eq!(score_percent(&status(3, 3)), 100);
        assert_eq!(score_percent(&status(0, 0)), 100);
    }

    #[test]
    fn next_is_where_play_opens_not_only_what_was_saved() {
        use crate::learn::journal::{Journal, Record};
        let dir = tempfile::tempdir().unwrap();
        let path =
            Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/valid/every-construct");
        let loaded = load_pack(&path);
        let Loaded::Pack(pack) = &loaded else {
            panic!("the fixture loads")
        };
        let lesson = &pack.lessons[0];
        let mut store = Store::open(&dir.path().join("p.db")).unwrap();
        // A position saved when the lesson had more bites than it has now.
        store
            .record(&[
                Record::CourseOpened {
                    course_id: pack.course.id.clone(),
                    title: pack.course.title.clone(),
                    pack_path: path.display().to_string(),
                    version: None,
                    at: 1,
                },
                Record::Position {
                    course_id: pack.course.id.clone(),
                    lesson_id: lesson.id.clone(),
                    bite: 99,
                    scroll: 0,
                    at: 2,
                },
            ])
            .unwrap();
        let o = overview(&loaded, &path, Some(&store), 3).unwrap();
        assert_eq!(o.position.as_ref().map(|p| p.bite), Some(99));
        assert_eq!(
            o.next,
            Some(NextPosition {
                lesson: lesson.id.clone(),
                bite: lesson.bites.len()
            })
        );
    }

    #[test]
    fn reading_minutes_round_up() {
        assert_eq!(reading_minutes(2.1), 3);
        assert_eq!(reading_minutes(3.0), 3);
        assert_eq!(reading_minutes(0.0), 0);
        assert_eq!(reading_minutes(f64::NAN), 0);
    }
}
