//! `[[objectives]]` and `[[key_results]]` of `course.toml` (and of a learner's `objectives.toml`, where each entry
//! also names its `course`): read key by key with positions; ids unique, key results naming a declared objective,
//! measures known, targets in range. Whether an objective's lessons exist is checked once the lessons are read
//! ([`check_lessons`]; for `objectives.toml`, [`Personal::apply`] against the pack being played).

use std::collections::HashMap;

use toml::Spanned;

use super::diagnostic::{Diagnostic, Problem, Sink, Site};
use super::fields::{self, Fields};
use super::{KeyResult, Measure, Objective, is_valid_id};

const OBJECTIVE_KEYS: &[&str] = &["id", "text", "lessons"];
const KEY_RESULT_KEYS: &[&str] = &["id", "objective", "text", "measure", "target"];
const PERSONAL_OBJECTIVE_KEYS: &[&str] = &["course", "id", "text", "lessons"];
const PERSONAL_KEY_RESULT_KEYS: &[&str] =
    &["course", "id", "objective", "text", "measure", "target"];

/// A lesson named by an objective, with where it is named, to be checked against the pack's lessons.
#[derive(Debug, Clone)]
pub(crate) struct LessonRef {
    pub(crate) objective: String,
    pub(crate) lesson: String,
    pub(crate) site: Site,
}

/// What was read of the objectives and key results, and the lesson names still to check.
#[derive(Debug, Clone, Default)]
pub(crate) struct Read {
    pub(crate) objectives: Vec<Objective>,
    pub(crate) key_results: Vec<KeyResult>,
    pub(crate) lesson_refs: Vec<LessonRef>,
    /// In a learner's file: the `course` of each objective and each key result, in the same order.
    pub(crate) objective_courses: Vec<String>,
    pub(crate) key_result_courses: Vec<String>,
}

/// Reads `objectives` and `key_results` from the table `f` reads (the caller reports its unknown keys, these two
/// among the known).
pub(crate) fn read(f: &mut Fields, sink: &mut Sink) -> Read {
    read_entries(f, sink, false)
}

/// As [`read`]; `personal`: each entry also has a required `course` (a learner's `objectives.toml`).
fn read_entries(f: &mut Fields, sink: &mut Sink, personal: bool) -> Read {
    let mut read = Read::default();
    let mut ids = Ids::default();
    let origin = f.origin();
    for (table, span) in f.tables(sink, "objectives").unwrap_or_default() {
        let o = Fields::new(table, origin, span, "an objective");
        if let Some(entry) = read_objective(o, sink, personal)
            && ids.unique(sink, "objective", &entry.id)
        {
            read.add_objective(sink, entry);
        }
    }
    for (table, span) in f.tables(sink, "key_results").unwrap_or_default() {
        let k = Fields::new(table, origin, span, "a key result");
        if let Some(entry) = read_key_result(k, sink, personal, &read.objectives)
            && ids.unique(sink, "key result", &entry.id)
        {
            read.add_key_result(entry);
        }
    }
    read
}

/// The ids taken so far, per kind of entry, with where each was first declared.
#[derive(Default)]
struct Ids {
    seen: HashMap<(&'static str, String), Site>,
}

impl Ids {
    /// Whether `id` is the first of its kind (`what`); an error at it if not.
    fn unique(&mut self, sink: &mut Sink, what: &'static str, id: &Spanned<String>) -> bool {
        let site = sink.site(id.span());
        match self.seen.get(&(what, id.get_ref().clone())) {
            Some(first) => {
                sink.error(
                    id.span(),
                    Problem::DuplicateOutcomeId {
                        what,
                        id: id.get_ref().clone(),
                        other: first.to_string(),
                    },
                );
                false
            }
            None => {
                self.seen.insert((what, id.get_ref().clone()), site);
                true
            }
        }
    }
}

/// An objective with every key valid, its id not yet known to be unique.
struct ObjectiveEntry {
    course: String,
    id: Spanned<String>,
    text: String,
    lessons: Vec<Spanned<String>>,
}

/// A key result with every key valid and a declared objective, its id not yet known to be unique.
struct KeyResultEntry {
    course: String,
    id: Spanned<String>,
    objective: String,
    text: String,
    measure: Measure,
    target: f64,
}

impl Read {
    fn add_objective(&mut self, sink: &Sink, entry: ObjectiveEntry) {
        for lesson in &entry.lessons {
            self.lesson_refs.push(LessonRef {
                objective: entry.id.get_ref().clone(),
                lesson: lesson.get_ref().clone(),
                site: sink.site(lesson.span()),
            });
        }
        self.objective_courses.push(entry.course);
        self.objectives.push(Objective {
            id: entry.id.into_inner(),
            text: entry.text,
            lessons: entry.lessons.into_iter().map(Spanned::into_inner).collect(),
        });
    }

    fn add_key_result(&mut self, entry: KeyResultEntry) {
        self.key_result_courses.push(entry.course);
        self.key_results.push(KeyResult {
            id: entry.id.into_inner(),
            objective: entry.objective,
            text: entry.text,
            measure: entry.measure,
            target: entry.target,
        });
    }
}

/// Reads one `[[objectives]]` table; `None` when a key it needs is missing or wrong (each reported).
fn read_objective(mut o: Fields, sink: &mut Sink, personal: bool) -> Option<ObjectiveEntry> {
    let course = read_course(&mut o, sink, personal);
    let id = checked_id(&mut o, sink);
    let text = non_empty(&mut o, sink, "text");
    let lessons = o.strings(sink, "lessons");
    o.finish(
        sink,
        if personal {
            PERSONAL_OBJECTIVE_KEYS
        } else {
            OBJECTIVE_KEYS
        },
    );
    Some(ObjectiveEntry {
        course: course?,
        id: id?,
        text: text?.into_inner(),
        lessons: lessons.map(Spanned::into_inner).unwrap_or_default(),
    })
}

/// Reads one `[[key_results]]` table, whose objective must be among `objectives`; `None` when a key it needs is
/// missing or wrong (each reported).
fn read_key_result(
    mut k: Fields,
    sink: &mut Sink,
    personal: bool,
    objectives: &[Objective],
) -> Option<KeyResultEntry> {
    let course = read_course(&mut k, sink, personal);
    let id = checked_id(&mut k, sink);
    let objective = k.required_string(sink, "objective");
    let text = non_empty(&mut k, sink, "text");
    let measure = read_measure(&mut k, sink);
    let target = if k.has("target") {
        k.number(sink, "target")
    } else {
        k.required_string(sink, "target");
        None
    };
    k.finish(
        sink,
        if personal {
            PERSONAL_KEY_RESULT_KEYS
        } else {
            KEY_RESULT_KEYS
        },
    );
    let target = match (measure, target) {
        (Some(measure), Some(target)) => checked_target(sink, measure, &target),
        _ => None,
    };
    if let (Some(id), Some(objective)) = (&id, &objective)
        && !objectives.iter().any(|o| &o.id == objective.get_ref())
    {
        let known: Vec<&str> = objectives.iter().map(|o| o.id.as_str()).collect();
        sink.error(
            objective.span(),
            Problem::UnknownObjective {
                id: id.get_ref().clone(),
                objective: objective.get_ref().clone(),
                suggestion: closest_of(objective.get_ref(), &known),
            },
        );
        return None;
    }
    let (Some(id), Some(objective), Some(text), Some(measure), Some(target), Some(course)) =
        (id, objective, text, measure, target, course)
    else {
        return None;
    };
    Some(KeyResultEntry {
        course,
        id,
        objective: objective.into_inner(),
        text: text.into_inner(),
        measure,
        target,
    })
}

/// An entry's `course`: required in a learner's file, empty (and not read) in a course's own.
fn read_course(f: &mut Fields, sink: &mut Sink, personal: bool) -> Option<String> {
    if personal {
        f.required_string(sink, "course").map(Spanned::into_inner)
    } else {
        Some(String::new())
    }
}

/// A key result's `measure`, one of [`Measure::NAMES`].
fn read_measure(k: &mut Fields, sink: &mut Sink) -> Option<Measure> {
    let m = k.required_string(sink, "measure")?;
    let parsed = Measure::parse(m.get_ref());
    if parsed.is_none() {
        sink.error(
            m.span(),
            Problem::UnknownMeasure {
                measure: m.get_ref().clone(),
                suggestion: fields::closest(m.get_ref(), &Measure::NAMES),
            },
        );
    }
    parsed
}

/// `target` if it is in range for `measure`: a share in (0, 1], anything else positive and finite.
fn checked_target(sink: &mut Sink, measure: Measure, target: &Spanned<f64>) -> Option<f64> {
    let value = *target.get_ref();
    let problem = if measure.is_share() && !(value > 0.0 && value <= 1.0) {
        Some(Problem::ShareTargetOutOfRange {
            measure: measure.name(),
            target: value,
        })
    } else if !(value > 0.0 && value.is_finite()) {
        Some(Problem::MinutesTargetOutOfRange(value))
    } else {
        None
    };
    match problem {
        Some(problem) => {
            sink.error(target.span(), problem);
            None
        }
        None => Some(value),
    }
}

/// A learner's own objectives and key results (`objectives.toml` next to the config), for every course.
#[derive(Debug, Clone, Default)]
pub(crate) struct Personal {
    read: Read,
}

/// The keys of `objectives.toml`.
const PERSONAL_KEYS: &[&str] = &["objectives", "key_results"];

impl Personal {
    /// Reads the learner's file at `path`: nothing for a file that does not exist; its problems, each at its place
    /// (the site's file is `objectives.toml`: show them with `Diagnostic::one_line(folder of path)`).
    pub(crate) fn load(path: &std::path::Path) -> (Self, Vec<Diagnostic>) {
        let mut out = Vec::new();
        if !path.exists() {
            return (Self::default(), out);
        }
        let name = std::path::Path::new(path.file_name().unwrap_or_default());
        let text = match super::source::read_regular(path) {
            Ok(bytes) => String::from_utf8(bytes).map_err(|_| Problem::NotUtf8),
            Err(super::source::ReadError::NotAFile) => Err(Problem::NotARegularFile),
            Err(super::source::ReadError::TooLarge) => Err(Problem::TooLarge),
            Err(super::source::ReadError::Io(e)) => Err(Problem::Unreadable(e.to_string())),
        };
        let text = match text {
            Ok(text) => text,
            Err(problem) => {
                out.push(Diagnostic::error(Site::whole_file(name), problem));
                return (Self::default(), out);
            }
        };
        let source = super::source::SourceFile::new(name.to_path_buf(), text);
        let personal = Self::parse(&mut Sink {
            source: &source,
            out: &mut out,
        });
        (personal, out)
    }

    /// Reads a learner's `objectives.toml` (its text in `sink`). Key results name objectives of the same file.
    pub(crate) fn parse(sink: &mut Sink) -> Self {
        let origin = fields::Origin::at(0);
        let text = &*sink.source.text;
        let Some(table) = fields::parse(text, &origin, sink) else {
            return Self::default();
        };
        let mut f = Fields::new(table.get_ref(), &origin, 0..0, "objectives.toml");
        let read = read_entries(&mut f, sink, true);
        f.finish(sink, PERSONAL_KEYS);
        Self { read }
    }

    /// Adds the entries for `pack`'s course to it; an error for each lesson they name that it does not have, and for
    /// an id the course already uses (those entries are left out).
    pub(crate) fn apply(&self, pack: &mut super::Pack) -> Vec<Diagnostic> {
        let course = pack.course.id.clone();
        let mut out = Vec::new();
        let lesson_ids: Vec<String> = pack.lessons.iter().map(|l| l.id.clone()).collect();
        let mut added = Vec::new();
        for (objective, c) in self
            .read
            .objectives
            .iter()
            .zip(&self.read.objective_courses)
        {
            if c != &course {
                continue;
            }
            let refs: Vec<LessonRef> = self
                .read
                .lesson_refs
                .iter()
                .filter(|r| r.objective == objective.id)
                .cloned()
                .collect();
            let problems = check_lessons(&refs, lesson_ids.iter().map(String::as_str));
            let taken = pack.course.objectives.iter().any(|o| o.id == objective.id);
            if taken {
                out.push(Diagnostic::error(
                    refs.first()
                        .map_or_else(|| Site::whole_file("objectives.toml"), |r| r.site.clone()),
                    Problem::DuplicateOutcomeId {
                        what: "objective",
                        id: objective.id.clone(),
                        other: format!("course `{course}`"),
                    },
                ));
            }
            if problems.is_empty() && !taken {
                added.push(objective.clone());
            }
            out.extend(problems);
        }
        let ids: Vec<String> = added.iter().map(|o| o.id.clone()).collect();
        pack.course.objectives.extend(added);
        for (kr, c) in self
            .read
            .key_results
            .iter()
            .zip(&self.read.key_result_courses)
        {
            if c == &course
                && ids.contains(&kr.objective)
                && !pack.course.key_results.iter().any(|k| k.id == kr.id)
            {
                pack.course.key_results.push(kr.clone());
            }
        }
        out
    }
}

/// An error at each lesson an objective names that is not among `lessons` (the pack's lesson ids).
pub(crate) fn check_lessons<'a>(
    refs: &[LessonRef],
    lessons: impl Iterator<Item = &'a str> + Clone,
) -> Vec<Diagnostic> {
    let known: Vec<&str> = lessons.collect();
    refs.iter()
        .filter(|r| !known.contains(&r.lesson.as_str()))
        .map(|r| {
            Diagnostic::error(
                r.site.clone(),
                Problem::UnknownObjectiveLesson {
                    id: r.objective.clone(),
                    lesson: r.lesson.clone(),
                    suggestion: closest_of(&r.lesson, &known),
                },
            )
        })
        .collect()
}

/// The closest of `known` to `name`, by the rule of unknown keys.
fn closest_of(name: &str, known: &[&str]) -> Option<String> {
    known
        .iter()
        .map(|candidate| (strsim::damerau_levenshtein(name, candidate), *candidate))
        .filter(|&(distance, candidate)| distance <= 2.max(candidate.len() / 3))
        .min_by_key(|&(distance, _)| distance)
        .map(|(_, candidate)| candidate.to_string())
}

fn checked_id(f: &mut Fields, sink: &mut Sink) -> Option<Spanned<String>> {
    let id = f.required_string(sink, "id")?;
    if !is_valid_id(id.get_ref()) {
        sink.error(id.span(), Problem::BadId(id.get_ref().clone()));
        return None;
    }
    Some(id)
}

fn non_empty(f: &mut Fields, sink: &mut Sink, key: &'static str) -> Option<Spanned<String>> {
    let value = f.required_string(sink, key)?;
    if value.get_ref().trim().is_empty() {
        sink.error(value.span(), Problem::Empty(key));
        return None;
    }
    Some(value)
}
