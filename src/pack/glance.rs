//! What can be read of a pack without reading all of it, so that the first frame of a large pack does not wait for
//! its last lesson: `course.toml` alone, one lesson file alone, and the lesson index, a cache of which file holds
//! which lesson id.
//!
//! A glance is only ever a shortcut to what a full [`load`](super::load) gives: anything that a glance cannot
//! settle (an error anywhere, an index that names the wrong file) returns `None`, and the caller loads the pack in
//! full as before. The index is a hint, never trusted: the lesson it points to is parsed, and its id must be the one
//! asked for.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use super::course::{self, CourseFile};
use super::diagnostic::{Diagnostic, Sink};
use super::load::read_source;
use super::{Course, Lesson, discover, lesson, objectives};

/// Packs with fewer lessons than this load in full in a few milliseconds: no index is kept for them.
pub(crate) const INDEX_MIN_LESSONS: usize = 100;

/// The first line of an index file, before the pack's real root.
const INDEX_HEADER: &str = "morsel lesson index 3";

/// The course of the pack in `root`, from its `course.toml` alone; `None` when it is missing, has any error, or is
/// of a newer format.
pub(crate) fn course(root: &Path) -> Option<Course> {
    let real_root = root.canonicalize().ok()?;
    let mut out: Vec<Diagnostic> = Vec::new();
    let source = read_source(
        &real_root.join("course.toml"),
        Path::new("course.toml"),
        &mut out,
    )?;
    let CourseFile {
        course, too_new, ..
    } = course::parse(&mut Sink {
        source: &source,
        out: &mut out,
    });
    if too_new || out.iter().any(Diagnostic::is_error) {
        return None;
    }
    course
}

/// The lesson in the file `relative` to the pack's `root`, parsed alone: `None` when the file leaves the pack,
/// cannot be read, or has any error. The checks that need the whole pack (unique ids, links) are not made here;
/// the full load that follows makes them.
pub(crate) fn lesson(root: &Path, relative: &Path) -> Option<Lesson> {
    let real_root = root.canonicalize().ok()?;
    let real = real_root.join(relative).canonicalize().ok()?;
    if !real.starts_with(&real_root) {
        return None;
    }
    let mut out = Vec::new();
    let mut links = Vec::new();
    let source = read_source(&real, relative, &mut out)?;
    let parsed = lesson::parse(
        &mut Sink {
            source: &source,
            out: &mut out,
        },
        &mut links,
    )?;
    (!out.iter().any(Diagnostic::is_error)).then_some(parsed.lesson)
}

/// What a load of a pack reads, found without reading a lesson: for a watch that polls rather than walk the folder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Sources {
    /// `course.toml` and the lesson files, those listed in `course.toml` whether they exist yet or not.
    pub(crate) files: Vec<PathBuf>,
    /// The folders whose listing decides which files those are: a lesson added, removed or renamed changes one.
    pub(crate) folders: Vec<PathBuf>,
}

/// The [`Sources`] of the pack in `root`, as a load would find them now.
pub(crate) fn sources(root: &Path) -> Sources {
    let real_root = root.canonicalize().unwrap_or_else(|_| root.to_path_buf());
    let course_path = real_root.join("course.toml");
    let mut out: Vec<Diagnostic> = Vec::new();
    let listed = read_source(&course_path, Path::new("course.toml"), &mut out).and_then(|source| {
        course::parse(&mut Sink {
            source: &source,
            out: &mut out,
        })
        .lessons
    });
    let mut sources = Sources {
        files: vec![course_path],
        folders: vec![real_root.clone()],
    };
    match listed {
        Some(entries) => {
            for entry in entries {
                // Only looked at, never read: a name that leaves the pack is the load's to refuse.
                let file = real_root.join(entry.get_ref());
                if let Some(folder) = file.parent() {
                    sources.folders.push(folder.to_path_buf());
                }
                sources.files.push(file);
            }
        }
        None => {
            sources.folders.push(real_root.join("lessons"));
            let found = discover::discovered(&real_root, &mut out);
            sources.files.extend(found.into_iter().map(|f| f.real));
        }
    }
    sources.folders.sort();
    sources.folders.dedup();
    sources
}

/// Each lesson of a pack as its last full load found it, in the pack's order: which file holds it, and its outline.
#[derive(Debug, Clone, PartialEq)]
pub struct LessonIndex {
    pub(crate) lessons: Vec<IndexedLesson>,
}

/// A lesson as the index keeps it: enough for the library and `list` without reading its file.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct IndexedLesson {
    /// Relative to the pack's root.
    pub(crate) file: PathBuf,
    pub(crate) id: String,
    pub(crate) title: String,
    pub(crate) minutes: f64,
    /// Its bites' numbers.
    pub(crate) bites: Vec<usize>,
    /// Its questions' ids, in order.
    pub(crate) questions: Vec<String>,
    /// Its cards' ids, in order.
    pub(crate) cards: Vec<String>,
    /// The file's size and modification time (ns since the epoch) when it was read.
    size: u64,
    modified: u128,
}

/// The index file of the pack at `root` in `cache_dir`: one file per pack, named by a hash of its real path.
fn index_path(cache_dir: &Path, real_root: &Path) -> PathBuf {
    // FNV-1a: stable across builds and platforms, unlike the standard library's hasher.
    let hash = crate::text::hash::Fnv64::default()
        .write(real_root.as_os_str().as_encoded_bytes())
        .hex();
    cache_dir.join("lessons").join(format!("{hash}.tsv"))
}

/// A file's size and modification time in ns since the epoch.
fn stamp(path: &Path) -> Option<(u64, u128)> {
    let meta = std::fs::metadata(path).ok()?;
    let modified = meta.modified().ok()?.duration_since(UNIX_EPOCH).ok()?;
    Some((meta.len(), modified.as_nanos()))
}

/// The text of the index file of the pack at `root`, if one was written for it (and for this very folder).
fn index_text(cache_dir: &Path, root: &Path) -> Option<String> {
    let real_root = root.canonicalize().ok()?;
    let text = std::fs::read_to_string(index_path(cache_dir, &real_root)).ok()?;
    let (header, written_for) = text.lines().next()?.split_once('\t')?;
    (header == INDEX_HEADER && Path::new(written_for) == real_root).then_some(text)
}

/// The lesson lines of an index's text: every line after the header.
fn index_lines(text: &str) -> impl Iterator<Item = &str> {
    text.lines().skip(1)
}

/// The index of the pack at `root`, if one was written for it (and for this very folder). It may be stale: see
/// [`summary`] for one known to hold.
pub fn read_index(cache_dir: &Path, root: &Path) -> Option<LessonIndex> {
    let text = index_text(cache_dir, root)?;
    let lessons = index_lines(&text)
        .map(|line| {
            let mut fields = line.splitn(9, '\t');
            let mut next = || fields.next();
            let file = PathBuf::from(next()?);
            let id = next()?.to_string();
            let size = next()?.parse().ok()?;
            let modified = next()?.parse().ok()?;
            let bites = (1..=next()?.parse::<usize>().ok()?).collect();
            let minutes = next()?.parse().ok()?;
            let mut ids = || -> Option<Vec<String>> {
                Some(
                    next()?
                        .split(' ')
                        .filter(|q| !q.is_empty())
                        .map(str::to_string)
                        .collect(),
                )
            };
            let questions = ids()?;
            let cards = ids()?;
            let title = next()?.to_string();
            Some(IndexedLesson {
                file,
                id,
                title,
                minutes,
                bites,
                questions,
                cards,
                size,
                modified,
            })
        })
        .collect::<Option<Vec<_>>>()?;
    (!lessons.is_empty()).then_some(LessonIndex { lessons })
}

/// The file said to hold the lesson `id` (the first lesson's with `None`) in the index of the pack at `root`, and
/// that lesson's id: found without building the whole index, so that opening a large pack at a glance costs a scan
/// of one file.
pub(crate) fn indexed_file(
    cache_dir: &Path,
    root: &Path,
    id: Option<&str>,
) -> Option<(PathBuf, String)> {
    let text = index_text(cache_dir, root)?;
    index_lines(&text).find_map(|line| {
        let (file, rest) = line.split_once('\t')?;
        let (lesson, _) = rest.split_once('\t')?;
        id.is_none_or(|id| id == lesson)
            .then(|| (PathBuf::from(file), lesson.to_string()))
    })
}

/// The course and the lessons of the pack at `root` from its index, when the index still holds: `course.toml` is
/// read (and must have no error), the lesson files it names or discovery finds now are the indexed ones in the same
/// order, and each has the size and modification time it had when read. Otherwise read the pack.
pub(crate) fn summary(cache_dir: &Path, root: &Path) -> Summary {
    match read_index(cache_dir, root) {
        None => Summary::NoIndex,
        Some(index) => match holding(index, root) {
            Some((course, lessons)) => Summary::Holds(Box::new(course), lessons),
            None => Summary::Stale,
        },
    }
}

/// What the lesson index says of a pack ([`summary`]).
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Summary {
    /// The course and its lessons, as the pack is now.
    Holds(Box<Course>, Vec<IndexedLesson>),
    /// The pack is large (it has an index), but something changed since: read it.
    Stale,
    /// No index: the pack is small, or was never read in full.
    NoIndex,
}

/// The course and the index's lessons, if the index is still true of the pack at `root`.
fn holding(index: LessonIndex, root: &Path) -> Option<(Course, Vec<IndexedLesson>)> {
    let real_root = root.canonicalize().ok()?;
    let mut out: Vec<Diagnostic> = Vec::new();
    let source = read_source(
        &real_root.join("course.toml"),
        Path::new("course.toml"),
        &mut out,
    )?;
    let mut sink = Sink {
        source: &source,
        out: &mut out,
    };
    let CourseFile {
        course,
        lessons,
        too_new,
        lesson_refs,
        ..
    } = course::parse(&mut sink);
    if too_new {
        return None;
    }
    let files = match &lessons {
        Some(entries) => discover::listed(&real_root, entries, &mut sink),
        None => discover::discovered(&real_root, sink.out),
    };
    out.extend(objectives::check_lessons(
        &lesson_refs,
        index.lessons.iter().map(|l| l.id.as_str()),
    ));
    if out.iter().any(Diagnostic::is_error) || files.len() != index.lessons.len() {
        return None;
    }
    let holds = files.iter().zip(&index.lessons).all(|(file, lesson)| {
        file.relative == lesson.file && stamp(&file.real) == Some((lesson.size, lesson.modified))
    });
    Some((course?, index.lessons)).filter(|_| holds)
}

/// Writes the index of the pack at `root` with these lessons, if there are at least [`INDEX_MIN_LESSONS`], whole
/// or not at all (a temporary file renamed into place). `read_from` is when the load that made `lessons` began: a
/// file changed since (or within the clock's coarsest step before) may have been read as it was before, so then no
/// index is written. Neither is one for a pack whose paths, ids or titles cannot be written as lines: the index is
/// only a shortcut.
pub(crate) fn write_index(
    cache_dir: &Path,
    root: &Path,
    lessons: &[Lesson],
    read_from: SystemTime,
) -> std::io::Result<()> {
    if lessons.len() < INDEX_MIN_LESSONS {
        return Ok(());
    }
    let real_root = root.canonicalize()?;
    let Some(root) = real_root.to_str() else {
        return Ok(());
    };
    let settled = read_from
        .checked_sub(Duration::from_secs(2))
        .and_then(|t| t.duration_since(UNIX_EPOCH).ok())
        .map_or(0, |d| d.as_nanos());
    let mut text = format!("{INDEX_HEADER}\t{root}\n");
    for lesson in lessons {
        let Some(file) = lesson.file.to_str() else {
            return Ok(());
        };
        let Some((size, modified)) = stamp(&real_root.join(&lesson.file)) else {
            return Ok(());
        };
        let questions: Vec<&str> = lesson.questions().map(|q| q.id.as_str()).collect();
        let cards: Vec<&str> = lesson.cards().map(|c| c.id.as_str()).collect();
        let numbered = lesson
            .bites
            .iter()
            .enumerate()
            .all(|(i, b)| b.number == i + 1);
        let unwritable = [file, root, &lesson.id, &lesson.title]
            .iter()
            .chain(&questions)
            .chain(&cards)
            .any(|s| s.contains(['\t', '\n', '\r']))
            || questions.iter().chain(&cards).any(|q| q.contains(' '));
        if modified >= settled || !numbered || unwritable {
            return Ok(());
        }
        text.push_str(&format!(
            "{file}\t{}\t{size}\t{modified}\t{}\t{}\t{}\t{}\t{}\n",
            lesson.id,
            lesson.bites.len(),
            lesson.minutes,
            questions.join(" "),
            cards.join(" "),
            lesson.title,
        ));
    }
    let path = index_path(cache_dir, &real_root);
    let dir = path.parent().unwrap_or(cache_dir);
    std::fs::create_dir_all(dir)?;
    let mut temp = tempfile_in(dir)?;
    temp.1.write_all(text.as_bytes())?;
    temp.1.sync_all().ok();
    std::fs::rename(&temp.0, &path).inspect_err(|_| {
        let _ = std::fs::remove_file(&temp.0);
    })
}

/// Keeps the lesson index of a pack that loaded without errors (if it is large), for the next glance at it. Only a
/// cache: a folder that cannot be written costs the next start its shortcut, nothing more.
pub(crate) fn remember(cache_dir: &Path, report: &super::LoadReport) {
    if !report.has_errors() {
        let _ = write_index(cache_dir, &report.root, &report.lessons, report.read_from);
    }
}

/// A new file in `dir` with a name no other writer uses.
fn tempfile_in(dir: &Path) -> std::io::Result<(PathBuf, std::fs::File)> {
    let path = dir.join(format!(
        ".{}-{:016x}.tmp",
        std::process::id(),
        fastrand::u64(..)
    ));
    let file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&path)?;
    Ok((path, file))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pack::Pack;

    /// A load begun well after the files were written.
    fn later() -> SystemTime {
        SystemTime::now() + Duration::from_secs(5)
    }

    fn pack_of(dir: &Path, lessons: usize) -> Pack {
        crate::pack::synth::write_pack(
            dir,
            crate::pack::synth::Shape {
                lessons,
                ..crate::pack::synth::Shape::default()
            },
        )
        .unwrap();
        super::super::load(dir).into_pack().unwrap()
    }

    #[test]
    fn the_index_names_each_lessons_file_and_one_lesson_parses_alone() {
        let dir = tempfile::tempdir().unwrap();
        let cache = dir.path().join("cache");
        let root = dir.path().join("pack");
        let pack = pack_of(&root, INDEX_MIN_LESSONS);
        assert_eq!(read_index(&cache, &root), None);
        write_index(&cache, &pack.root, &pack.lessons, later()).unwrap();
        let index = read_index(&cache, &root).expect("the index was written");
        assert_eq!(index.lessons.len(), pack.lessons.len());
        let last = pack.lessons.last().unwrap();
        let (file, id) =
            indexed_file(&cache, &root, Some(&last.id)).expect("the last lesson is indexed");
        assert_eq!((&file, &id), (&last.file, &last.id));
        let first = indexed_file(&cache, &root, None).expect("the first lesson is indexed");
        assert_eq!(
            first,
            (pack.lessons[0].file.clone(), pack.lessons[0].id.clone())
        );
        assert_eq!(indexed_file(&cache, &root, Some("no-such-lesson")), None);
        let file = file.as_path();
        // Parsed alone, the lesson is the one the full load made.
        assert_eq!(lesson(&root, file).as_ref(), Some(last));
        assert_eq!(course(&root), Some(pack.course.clone()));
        // The index of a small pack is not worth keeping.
        let small = pack_of(&dir.path().join("small"), 3);
        write_index(&cache, &small.root, &small.lessons, later()).unwrap();
        assert_eq!(read_index(&cache, &small.root), None);
    }

    #[test]
    fn a_glance_never_settles_what_has_an_error() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("pack");
        let pack = pack_of(&root, 2);
        let file = root.join(&pack.lessons[0].file);
        let text = std::fs::read_to_string(&file).unwrap();
        std::fs::write(
            &file,
            format!("{text}\n```quiz\nkind = \"nonsense\"\n```\n"),
        )
        .unwrap();
        assert_eq!(lesson(&root, &pack.lessons[0].file), None);
        // Nor a file outside the pack.
        std::fs::write(dir.path().join("outside.md"), "+++\nid = \"x\"\n+++\n# X\n").unwrap();
        assert_eq!(lesson(&root, Path::new("../outside.md")), None);
        // Nor a course.toml with an error.
        std::fs::write(root.join("course.toml"), "id = 3\n").unwrap();
        assert_eq!(course(&root), None);
    }

    #[test]
    fn the_summary_holds_only_while_no_lesson_file_has_changed() {
        let dir = tempfile::tempdir().unwrap();
        let cache = dir.path().join("cache");
        let root = dir.path().join("pack");
        let pack = pack_of(&root, INDEX_MIN_LESSONS);
        write_index(&cache, &pack.root, &pack.lessons, later()).unwrap();
        let Summary::Holds(course, lessons) = summary(&cache, &root) else {
            panic!("nothing changed")
        };
        assert_eq!(*course, pack.course);
        let last = (lessons.last().unwrap(), pack.lessons.last().unwrap());
        assert_eq!((&last.0.id, &last.0.title), (&last.1.id, &last.1.title));
        assert_eq!(last.0.minutes, last.1.minutes);
        assert_eq!(last.0.bites.len(), last.1.bites.len());
        let questions: Vec<&str> = last.1.questions().map(|q| q.id.as_str()).collect();
        assert_eq!(last.0.questions, questions);

        // The same bytes saved again: a new modification time is enough.
        let file = root.join(&pack.lessons[3].file);
        std::fs::write(&file, std::fs::read(&file).unwrap()).unwrap();
        assert_eq!(summary(&cache, &root), Summary::Stale);
        write_index(&cache, &pack.root, &pack.lessons, later()).unwrap();
        assert!(matches!(summary(&cache, &root), Summary::Holds(..)));
        // A lesson more.
        std::fs::copy(&file, root.join("lessons/99999.md")).unwrap();
        assert_eq!(summary(&cache, &root), Summary::Stale);
        std::fs::remove_file(root.join("lessons/99999.md")).unwrap();
        assert!(matches!(summary(&cache, &root), Summary::Holds(..)));
        // course.toml with an error.
        std::fs::write(root.join("course.toml"), "id = 3\n").unwrap();
        assert_eq!(summary(&cache, &root), Summary::Stale);
    }

    #[test]
    fn no_index_is_kept_of_files_that_changed_as_they_were_read() {
        let dir = tempfile::tempdir().unwrap();
        let cache = dir.path().join("cache");
        let root = dir.path().join("pack");
        let pack = pack_of(&root, INDEX_MIN_LESSONS);
        let file = root.join(&pack.lessons[0].file);
        std::fs::write(&file, std::fs::read(&file).unwrap()).unwrap();
        // A load that began just before that save may have read the file as it was.
        write_index(&cache, &pack.root, &pack.lessons, SystemTime::now()).unwrap();
        assert_eq!(read_index(&cache, &root), None);
    }

    #[test]
    fn an_index_written_for_another_folder_is_not_read() {
        let dir = tempfile::tempdir().unwrap();
        let cache = dir.path().join("cache");
        let root = dir.path().join("pack");
        let pack = pack_of(&root, INDEX_MIN_LESSONS);
        write_index(&cache, &pack.root, &pack.lessons, later()).unwrap();
        let path = index_path(&cache, &root.canonicalize().unwrap());
        let text = std::fs::read_to_string(&path).unwrap();
        let elsewhere = text.replacen(
            root.canonicalize().unwrap().to_str().unwrap(),
            "/elsewhere",
            1,
        );
        std::fs::write(&path, elsewhere).unwrap();
        assert_eq!(read_index(&cache, &root), None);
    }
}
