//! Opening a course, the one way for every front end (the full screen, `--plain`, the time box): the learner's own
//! objectives added to the pack, their progress and review parameters read from the store, and the session placed
//! where they left off (or where the options ask). Each front end then asks its own way when another terminal holds
//! the course (`store::claim`), and shows a problem its own way.

use std::path::{Path, PathBuf};
use std::rc::Rc;

use crate::app::config::objectives_path;
use crate::app::paths::Paths;
use crate::learn::clock::Clock;
use crate::learn::session::{self, OpenOptions, Session};
use crate::pack::{Diagnostic, Pack, Personal};
use crate::store::{Store, StoreError};

/// Why a course's session could not be opened.
#[derive(Debug, thiserror::Error)]
pub(crate) enum OpenError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Session(#[from] session::OpenError<StoreError>),
}

/// The problems of the learner's own `objectives.toml`, found while adding it to a course.
#[derive(Debug, Default)]
pub(crate) struct OwnObjectives {
    /// The file (beside the config).
    pub(crate) path: PathBuf,
    pub(crate) problems: Vec<Diagnostic>,
}

impl OwnObjectives {
    /// The first error, if any: the course was then opened without the learner's objectives.
    pub(crate) fn error(&self) -> Option<&Diagnostic> {
        self.problems.iter().find(|d| d.is_error())
    }

    /// The first error as one line (`objectives.toml:3:1: error: …`).
    pub(crate) fn error_line(&self) -> Option<String> {
        self.error().map(|d| d.one_line(self.folder()))
    }

    /// Each problem as one line, its position relative to the file's folder.
    pub(crate) fn lines(&self) -> impl Iterator<Item = String> + '_ {
        self.problems.iter().map(|d| d.one_line(self.folder()))
    }

    fn folder(&self) -> &Path {
        self.path.parent().unwrap_or(Path::new(""))
    }
}

/// Adds the learner's own objectives and key results for `pack`'s course (`objectives.toml` beside the config at
/// `config`). A file with an error leaves the pack as it was; its problems come back either way.
pub(crate) fn add_own_objectives(pack: &mut Pack, config: &Path) -> OwnObjectives {
    let path = objectives_path(config);
    let (personal, mut problems) = Personal::load(&path);
    if !problems.iter().any(Diagnostic::is_error) {
        problems.extend(personal.apply(pack));
    }
    OwnObjectives { path, problems }
}

/// The session of `pack` with the learner's progress and their review parameters (or FSRS's defaults) at
/// `retention`, at the place `options` ask for, or where the learner left it.
pub(crate) fn session(
    pack: Pack,
    store: &mut Store,
    clock: Rc<dyn Clock>,
    options: &OpenOptions,
    retention: f32,
) -> Result<Session, OpenError> {
    let progress = store.progress(&pack.course.id)?;
    let scheduler = store.scheduler(retention)?;
    let mut session = Session::open(pack, progress, clock, options, store)?;
    session.set_scheduler(scheduler);
    Ok(session)
}

/// Whether the pack at `path` has a lesson index (it is large, and was opened before) that names the lesson asked
/// for, if any: then a front end can show its first frame before the rest of the pack is read.
pub(crate) fn at_a_glance(paths: &Paths, path: &Path, lesson: Option<&str>) -> bool {
    crate::pack::glance::indexed_file(&paths.cache_dir, path, lesson).is_some()
}

/// A pack folder, the pack on the course path with this course id, or else the folder a course with this id was
/// last played from (a course played from a folder off the course path is still found by its id).
pub(crate) fn find_played(
    paths: &Paths,
    store: Option<&Store>,
    target: &str,
) -> Result<PathBuf, FindError> {
    match crate::app::overview::find_course(paths, target) {
        Ok(path) => Ok(path),
        Err(not_found) => {
            let saved = match store {
                Some(store) => saved_pack(store, target)?,
                None => None,
            };
            saved.ok_or(FindError::NoCourse(not_found))
        }
    }
}

/// The folder of the course played last whose pack is still where it was played from, or on the course path.
pub(crate) fn last_played(paths: &Paths, store: &Store) -> Result<Option<PathBuf>, StoreError> {
    for row in store.courses()? {
        if let Ok(path) = find_played(paths, Some(store), &row.id) {
            return Ok(Some(path));
        }
    }
    Ok(None)
}

/// Where the course `id` was last played from, if that folder still holds the course.
fn saved_pack(store: &Store, id: &str) -> Result<Option<PathBuf>, StoreError> {
    Ok(store
        .course(id)?
        .map(|row| PathBuf::from(row.pack_path))
        .filter(|path| crate::pack::glance::course(path).is_some_and(|c| c.id == id)))
}

/// Why no course was found.
#[derive(Debug, thiserror::Error)]
pub(crate) enum FindError {
    #[error(transparent)]
    NoCourse(#[from] crate::app::overview::NoCourse),
    #[error(transparent)]
    Store(#[from] StoreError),
}
