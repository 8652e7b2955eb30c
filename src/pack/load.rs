//! Loading a pack directory: `course.toml`, the lesson files, and the checks that need the whole pack (unique ids,
//! link targets in prose and in quiz and card text, where the right answers of choice questions stand).

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use super::course::{self, CourseFile};
use super::diagnostic::{self, Diagnostic, Problem, Sink, Site};
use super::discover::{self, LessonFile};
use super::lesson::{self, IdSite, ParsedLesson};
use super::links::LinkTarget;
use super::objectives::{self, LessonRef};
use super::source::{self, ReadError, SourceFile};
use super::{Course, Lesson, Pack};

/// Everything made of a pack directory: the course and lessons that could be read, and every problem found.
#[derive(Debug, Clone)]
pub struct LoadReport {
    /// The pack's directory, as given.
    pub root: PathBuf,
    /// `None` when `course.toml` is missing or unusable.
    pub course: Option<Course>,
    /// The lessons that could be read, in playing order.
    pub lessons: Vec<Lesson>,
    /// Every problem found, errors and warnings.
    pub diagnostics: Vec<Diagnostic>,
    /// Where `course.toml` gives the course id, for a problem with the id as a whole (two packs with one id).
    pub(crate) course_id_site: Option<Site>,
    /// When reading began: a file changed since may have been read as it was before (`glance::write_index`).
    pub(crate) read_from: std::time::SystemTime,
}

impl LoadReport {
    /// Whether any problem is an error, so the pack cannot be played.
    pub fn has_errors(&self) -> bool {
        self.diagnostics.iter().any(Diagnostic::is_error)
    }

    /// The problems that are errors.
    pub fn errors(&self) -> impl Iterator<Item = &Diagnostic> {
        self.diagnostics.iter().filter(|d| d.is_error())
    }

    pub(crate) fn warnings(&self) -> impl Iterator<Item = &Diagnostic> {
        self.diagnostics.iter().filter(|d| !d.is_error())
    }

    /// The number of errors and warnings found, those not shown past the limit per file included.
    pub(crate) fn counts(&self) -> (usize, usize) {
        self.diagnostics
            .iter()
            .map(Diagnostic::counts)
            .fold((0, 0), |(e, w), (de, dw)| (e + de, w + dw))
    }

    /// The pack, if it has no errors; otherwise the report itself, to show.
    pub fn into_pack(self) -> Result<Pack, Box<LoadReport>> {
        match self.course {
            Some(course) if !self.diagnostics.iter().any(Diagnostic::is_error) => Ok(Pack {
                root: self.root,
                course,
                lessons: self.lessons,
            }),
            _ => Err(Box::new(self)),
        }
    }
}

/// Loads the pack in `root`, reporting every problem found rather than stopping at the first.
pub fn load(root: &Path) -> LoadReport {
    load_keeping(root, true)
}

/// As [`load`], but each bite's Markdown is dropped as soon as its lesson has been checked (`Bite::markdown` is
/// empty): for `check`, which reports what the lessons hold but never shows them, so that a large pack is not kept
/// in memory for nothing (15% of check's CPU at 10,000 lessons went to allocating and freeing it).
pub fn load_outline(root: &Path) -> LoadReport {
    load_keeping(root, false)
}

fn load_keeping(root: &Path, markdown: bool) -> LoadReport {
    let mut report = LoadReport {
        root: root.to_path_buf(),
        course: None,
        lessons: Vec::new(),
        diagnostics: Vec::new(),
        course_id_site: None,
        read_from: std::time::SystemTime::now(),
    };
    let real_root = match root.canonicalize() {
        Ok(real) if real.is_dir() => real,
        _ => {
            report.diagnostics.push(Diagnostic::error(
                Site::whole_file(""),
                Problem::NotADirectory(root.display().to_string()),
            ));
            return report;
        }
    };
    let Some((files, lesson_refs)) = read_course(&real_root, &mut report) else {
        // Lessons of a newer format follow rules this morsel does not know: read none of them.
        return report;
    };
    if files.is_empty() && !report.diagnostics.iter().any(|d| d.is_error()) {
        report.diagnostics.push(Diagnostic::error(
            Site::whole_file("course.toml"),
            Problem::NoLessons,
        ));
    }

    let parsed = parse_lessons(&files, markdown);
    let all_read = parsed.iter().all(|(lesson, _, _)| lesson.is_some());
    let right_positions = add_lessons(&real_root, parsed, &mut report);
    report.diagnostics.extend(position_bias(right_positions));
    // A lesson that could not be read has no id to compare with: name no lesson unknown then.
    if all_read {
        report.diagnostics.extend(objectives::check_lessons(
            &lesson_refs,
            report.lessons.iter().map(|l| l.id.as_str()),
        ));
    }
    report.diagnostics = diagnostic::cap_per_file(std::mem::take(&mut report.diagnostics));
    report
}

/// Reads `course.toml` into `report` (its course, where its id is written, its problems) and finds the lesson files
/// it lists, or those in the pack when it lists none or cannot be read; with the lessons its objectives name.
/// `None` when the pack is of a newer format.
fn read_course(
    real_root: &Path,
    report: &mut LoadReport,
) -> Option<(Vec<LessonFile>, Vec<LessonRef>)> {
    let out = &mut report.diagnostics;
    let course_path = real_root.join("course.toml");
    // Anything named course.toml is read, or refused by `read_source` if it is not a regular file.
    if !course_path.exists() {
        out.push(Diagnostic::error(
            Site::whole_file("course.toml"),
            Problem::MissingCourseToml,
        ));
        return Some((discover::discovered(real_root, out), Vec::new()));
    }
    let Some(source) = read_source(&course_path, Path::new("course.toml"), out) else {
        return Some((discover::discovered(real_root, out), Vec::new()));
    };
    let mut sink = Sink {
        source: &source,
        out,
    };
    let CourseFile {
        course,
        lessons,
        too_new,
        id_site,
        lesson_refs,
    } = course::parse(&mut sink);
    report.course = course;
    report.course_id_site = id_site;
    if too_new {
        return None;
    }
    let files = match &lessons {
        Some(entries) => discover::listed(real_root, entries, &mut sink),
        None => discover::discovered(real_root, sink.out),
    };
    Some((files, lesson_refs))
}

/// Adds each lesson read to `report`, with its problems, those of its links, and its ids taken before (each lesson
/// in file order); the right positions of all their choice questions.
fn add_lessons(
    real_root: &Path,
    parsed: Vec<Parsed>,
    report: &mut LoadReport,
) -> Vec<(usize, usize, Site)> {
    let mut ids = FirstIds::default();
    let mut right_positions = Vec::new();
    for (lesson, mut diagnostics, links) in parsed {
        check_links(real_root, &links, &mut diagnostics);
        diagnostics.sort_by_key(|d| (d.site.position.line, d.site.position.column));
        report.diagnostics.extend(diagnostics);
        let Some(ParsedLesson {
            lesson,
            ids: sites,
            right_positions: rights,
        }) = lesson
        else {
            continue;
        };
        right_positions.extend(rights);
        for site in sites {
            report.diagnostics.extend(ids.take(site));
        }
        report.lessons.push(lesson);
    }
    right_positions
}

/// The first place of each id: lesson ids in one namespace, question and card ids together in another. Kept as
/// `file:line:col` only: it is named in a message, never shown with source.
#[derive(Default)]
struct FirstIds(HashMap<(bool, String), (&'static str, String)>);

impl FirstIds {
    /// An error when `site`'s id was taken before in its namespace; otherwise it is taken here.
    fn take(&mut self, site: IdSite) -> Option<Diagnostic> {
        let key = (site.what == "lesson", site.id.clone());
        match self.0.get(&key) {
            Some((first_what, first)) => {
                let problem = if site.what == "lesson" {
                    Problem::DuplicateLessonId {
                        id: site.id,
                        other: first_file(first),
                    }
                } else {
                    Problem::DuplicateId {
                        what: site.what,
                        id: site.id,
                        other_what: first_what,
                        other: first.clone(),
                    }
                };
                Some(Diagnostic::error(site.site, problem))
            }
            None => {
                self.0.insert(key, (site.what, site.site.to_string()));
                None
            }
        }
    }
}

/// The fewest unshuffled single-answer choice questions in which a pattern of right positions is worth a warning.
const BIAS_MIN_QUESTIONS: usize = 4;

/// One warning when the right answer stands at the same place in more than half of the pack's choice questions with
/// one right answer and no `shuffle` (at least [`BIAS_MIN_QUESTIONS`] of them), and at least half as often again as
/// chance would put it there (so that 4 of 7 two-choice questions is not a pattern, 3 of 4 three-choice ones is); at
/// the first question where it does.
fn position_bias(rights: Vec<(usize, usize, Site)>) -> Option<Diagnostic> {
    let of = rights.len();
    if of < BIAS_MIN_QUESTIONS {
        return None;
    }
    let mut counts: HashMap<usize, usize> = HashMap::new();
    for (right, _, _) in &rights {
        *counts.entry(*right).or_default() += 1;
    }
    let (&position, &count) = counts
        .iter()
        .max_by_key(|&(p, c)| (*c, std::cmp::Reverse(*p)))?;
    let by_chance: f64 = rights
        .iter()
        .filter(|(_, choices, _)| *choices > position)
        .map(|(_, choices, _)| 1.0 / *choices as f64)
        .sum();
    if count * 2 <= of || (count as f64) < 1.5 * by_chance {
        return None;
    }
    let (_, _, site) = rights
        .into_iter()
        .find(|(right, _, _)| *right == position)?;
    Some(Diagnostic::warning(
        site,
        Problem::PositionBias {
            position: position + 1,
            count,
            of,
        },
    ))
}

/// The file of a `file:line:col` place.
fn first_file(place: &str) -> String {
    let mut parts = place.rsplitn(3, ':');
    let _column = parts.next();
    let _line = parts.next();
    parts.next().unwrap_or(place).to_string()
}

type Parsed = (Option<ParsedLesson>, Vec<Diagnostic>, Vec<LinkTarget>);

/// Reads and parses lesson files, on as many threads as there are cores: lessons are independent until ids are
/// compared, and a pack of thousands of lessons is mostly reading and Markdown parsing.
fn parse_lessons(files: &[LessonFile], markdown: bool) -> Vec<Parsed> {
    let parse_lesson = |file: &LessonFile| {
        let mut parsed = parse_lesson(file);
        if let (false, Some(lesson)) = (markdown, &mut parsed.0) {
            for bite in &mut lesson.lesson.bites {
                bite.markdown = String::new();
            }
        }
        parsed
    };
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    let chunk = files.len().div_ceil(threads).max(64);
    if files.len() <= chunk {
        return files.iter().map(parse_lesson).collect();
    }
    std::thread::scope(|scope| {
        let handles: Vec<_> = files
            .chunks(chunk)
            .map(|part| scope.spawn(move || part.iter().map(parse_lesson).collect::<Vec<_>>()))
            .collect();
        handles
            .into_iter()
            .flat_map(|h| {
                h.join()
                    .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
            })
            .collect()
    })
}

fn parse_lesson(file: &LessonFile) -> Parsed {
    let mut diagnostics = Vec::new();
    let mut links = Vec::new();
    let lesson = read_source(&file.real, &file.relative, &mut diagnostics).and_then(|source| {
        lesson::parse(
            &mut Sink {
                source: &source,
                out: &mut diagnostics,
            },
            &mut links,
        )
    });
    (lesson, diagnostics, links)
}

/// Reads a regular file of at most `MAX_FILE_BYTES` as UTF-8; a file that is not UTF-8 gets an error at its first bad
/// byte.
pub(super) fn read_source(
    real: &Path,
    relative: &Path,
    out: &mut Vec<Diagnostic>,
) -> Option<SourceFile> {
    let bytes = match source::read_regular(real) {
        Ok(bytes) => bytes,
        Err(e) => {
            let problem = match e {
                ReadError::NotAFile => Problem::NotARegularFile,
                ReadError::TooLarge => Problem::TooLarge,
                ReadError::Io(e) => Problem::Unreadable(e.to_string()),
            };
            out.push(Diagnostic::error(Site::whole_file(relative), problem));
            return None;
        }
    };
    match String::from_utf8(bytes) {
        Ok(text) => Some(SourceFile::new(relative.to_path_buf(), text)),
        Err(e) => {
            // Point at the first bad byte, showing its line with the bad bytes replaced.
            let valid = e.utf8_error().valid_up_to();
            let text = String::from_utf8_lossy(e.as_bytes()).into_owned();
            let bom = if text.starts_with('\u{feff}') {
                '\u{feff}'.len_utf8()
            } else {
                0
            };
            let source = SourceFile::new(relative.to_path_buf(), text);
            let at = valid - bom;
            let bad = source.text[at..].chars().next().map_or(0, char::len_utf8);
            out.push(Diagnostic::error(
                Site::at(&source, at..at + bad),
                Problem::NotUtf8,
            ));
            None
        }
    }
}

fn check_links(root: &Path, links: &[LinkTarget], out: &mut Vec<Diagnostic>) {
    for link in links {
        let problem = match super::links::resolve_link(&link.site.file, &link.target) {
            None => Some(Problem::LinkOutsidePack(link.target.clone())),
            // Resolved as lesson paths are: a symlink on the way is followed, and must stay inside the pack.
            Some(path) => match discover::contained(root, &path) {
                Ok(_) => None,
                Err(Problem::LessonOutsidePack(_)) => {
                    Some(Problem::LinkOutsidePack(link.target.clone()))
                }
                Err(_) => Some(Problem::BrokenLink(link.target.clone())),
            },
        };
        if let Some(problem) = problem {
            out.push(Diagnostic::warning(link.site.clone(), problem));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The position, count and total of the warning, and the file of the question it stands at.
    fn bias(rights: &[(usize, usize)]) -> Option<(usize, usize, usize, String)> {
        let rights = rights
            .iter()
            .enumerate()
            .map(|(i, &(right, choices))| (right, choices, Site::whole_file(format!("{i}.md"))))
            .collect();
        let d = position_bias(rights)?;
        let file = d.site.file.display().to_string();
        match d.problem {
            Problem::PositionBias {
                position,
                count,
                of,
            } => Some((position, count, of, file)),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn an_outline_finds_what_a_full_load_finds_without_the_text() {
        let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
        for root in [
            repo.join("courses/git-in-bites"),
            repo.join("tests/fixtures/invalid/bad-questions"),
            repo.join("tests/fixtures/valid/every-construct"),
        ] {
            let (full, outline) = (load(&root), load_outline(&root));
            assert_eq!(full.diagnostics, outline.diagnostics, "{}", root.display());
            assert_eq!(full.course, outline.course);
            assert_eq!(full.lessons.len(), outline.lessons.len());
            for (f, o) in full.lessons.iter().zip(&outline.lessons) {
                assert_eq!((&f.id, &f.title, f.minutes), (&o.id, &o.title, o.minutes));
                assert_eq!(f.bites.len(), o.bites.len());
                assert_eq!(f.questions().count(), o.questions().count());
                assert_eq!(f.cards().count(), o.cards().count());
                assert!(o.bites.iter().all(|b| b.markdown.is_empty()));
            }
            assert!(
                full.lessons
                    .iter()
                    .flat_map(|l| &l.bites)
                    .any(|b| !b.markdown.is_empty())
            );
        }
    }

    #[test]
    fn position_bias_needs_a_pattern_beyond_chance() {
        // 3 of 4 three-choice questions right at choice 2: a pattern, named at the first of them.
        assert_eq!(
            bias(&[(0, 3), (1, 3), (1, 3), (1, 3)]),
            Some((2, 3, 4, "1.md".to_string()))
        );
        // Fewer than 4 questions: too few to tell.
        assert_eq!(bias(&[(0, 3), (0, 3), (0, 3)]), None);
        // 4 of 7 two-choice questions at one place is what chance gives.
        assert_eq!(
            bias(&[(0, 2), (0, 2), (0, 2), (0, 2), (1, 2), (1, 2), (1, 2)]),
            None
        );
        // Every two-choice question right at choice 1 is a pattern.
        assert_eq!(bias(&[(0, 2); 6]), Some((1, 6, 6, "0.md".to_string())));
        // Half is not more than half.
        assert_eq!(bias(&[(0, 4), (0, 4), (1, 4), (2, 4)]), None);
    }
}
