//! Where a learner stands in each course, gathered from the packs and the store: what `stats`, `list` and the
//! library screen show.

use std::path::{Path, PathBuf};

use crate::pack::{self, Pack};
use crate::paths::Paths;
use crate::progress::{LessonStatus, Progress, SavedPosition};
use crate::render::sanitize;
use crate::store::{ActiveTime, CourseRow, Store, StoreError};

/// One course: its pack (if it could be loaded), the learner's progress in it, and time on task.
#[derive(Debug, Clone)]
pub struct CourseOverview {
    pub id: String,
    pub title: String,
    /// Where the pack was found, or was last played from.
    pub path: PathBuf,
    /// The first error of a pack that does not load, as `file:line:col: error: message` (`Diagnostic::one_line`).
    pub error: Option<String>,
    /// Each lesson's id and status; empty when the pack could not be loaded.
    pub lessons: Vec<(String, LessonStatus)>,
    pub position: Option<SavedPosition>,
    pub active: ActiveTime,
    /// What the store knows of the course, if it was ever played.
    pub played: Option<CourseRow>,
}

impl CourseOverview {
    pub fn complete(&self) -> usize {
        self.lessons.iter().filter(|(_, s)| s.complete).count()
    }

    pub fn mastered(&self) -> usize {
        self.lessons.iter().filter(|(_, s)| s.mastered).count()
    }

    /// Questions right on the first try, of those answered.
    pub fn accuracy(&self) -> Option<(usize, usize)> {
        let answered: usize = self.lessons.iter().map(|(_, s)| s.answered).sum();
        let right: usize = self.lessons.iter().map(|(_, s)| s.first_try_right).sum();
        (answered > 0).then_some((right, answered))
    }
}

/// The outcome of loading a pack for an overview: the pack, or its first error.
pub enum Loaded {
    Pack(Box<Pack>),
    Broken {
        id: Option<String>,
        title: Option<String>,
        error: String,
    },
}

pub fn load_pack(path: &Path) -> Loaded {
    let report = pack::load(path);
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

/// The overview of a course from a loaded pack (or a broken one) and the store.
pub fn overview(
    loaded: &Loaded,
    path: &Path,
    store: Option<&Store>,
    now: i64,
) -> Result<CourseOverview, StoreError> {
    let (id, title, error) = match loaded {
        Loaded::Pack(p) => (p.course.id.clone(), p.course.title.clone(), None),
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
    let lessons = match loaded {
        Loaded::Pack(p) => p
            .lessons
            .iter()
            .map(|l| (l.id.clone(), progress.lesson_status(l, p.course.pass_mark)))
            .collect(),
        Loaded::Broken { .. } => Vec::new(),
    };
    Ok(CourseOverview {
        id,
        title,
        path: path.to_path_buf(),
        error,
        lessons,
        position: progress.position,
        active,
        played,
    })
}

/// Every pack on the course path, in course-path order; a broken pack is listed with its first error.
pub fn on_course_path(
    paths: &Paths,
    store: Option<&Store>,
    now: i64,
) -> Result<Vec<CourseOverview>, StoreError> {
    paths
        .packs()
        .iter()
        .map(|path| overview(&load_pack(path), path, store, now))
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
pub struct NoCourse {
    pub target: String,
    pub ids: Vec<String>,
    pub searched: Vec<PathBuf>,
}

/// A lesson asked for by an id the pack does not have.
#[derive(Debug, thiserror::Error)]
#[error(
    "course `{}` has no lesson `{}`; {}",
    sanitize(course),
    sanitize(lesson),
    listed("its lessons are", ids)
)]
pub struct NoLesson {
    pub course: String,
    pub lesson: String,
    pub ids: Vec<String>,
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
pub fn find_course(paths: &Paths, target: &str) -> Result<PathBuf, NoCourse> {
    let as_path = PathBuf::from(target);
    if as_path.is_dir() {
        return Ok(as_path);
    }
    let mut ids = Vec::new();
    for path in paths.packs() {
        if let Loaded::Pack(pack) = load_pack(&path) {
            if pack.course.id == target {
                return Ok(path);
            }
            ids.push(pack.course.id);
        }
    }
    Err(NoCourse {
        target: target.to_string(),
        ids,
        searched: paths.courses.clone(),
    })
}

/// `Ok` when `lesson` is none or one of the course's lessons.
pub fn require_lesson(
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
