//! `morsel stats [COURSE_ID]`: per course, lessons complete and mastered, first-try accuracy, reading and active
//! minutes, where `play` resumes and when it was last played, then a table of its lessons.

use std::io::{self, Write};

use serde::Serialize;
use unicode_width::UnicodeWidthStr;

use super::{minutes, plural};
use crate::overview::{self, CourseOverview, Loaded};
use crate::paths::Paths;
use crate::render::sanitize;
use crate::store::{Store, StoreError};

/// Overviews of the played courses (or only `course`), most recently played first. A pack is looked for on the
/// course path by id, then where it was last played from.
pub fn gather(
    paths: &Paths,
    store: &Store,
    course: Option<&str>,
    now: i64,
) -> Result<Vec<CourseOverview>, StoreError> {
    let rows: Vec<_> = store
        .courses()?
        .into_iter()
        .filter(|row| course.is_none_or(|c| c == row.id))
        .collect();
    // Each pack on the course path is loaded once, however many courses are reported.
    let mut on_path: Vec<(std::path::PathBuf, Loaded)> = if rows.is_empty() {
        Vec::new()
    } else {
        paths
            .packs()
            .into_iter()
            .map(|p| {
                let loaded = overview::load_pack(&p);
                (p, loaded)
            })
            .collect()
    };
    let mut out = Vec::new();
    for row in rows {
        let found = on_path
            .iter()
            .position(|(_, l)| matches!(l, Loaded::Pack(p) if p.course.id == row.id));
        let (path, loaded) = match found {
            Some(index) => on_path.swap_remove(index),
            None => {
                let path = std::path::PathBuf::from(&row.pack_path);
                let loaded = overview::load_pack(&path);
                (path, loaded)
            }
        };
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
        }
        out.push(o);
    }
    Ok(out)
}

pub fn write_text(courses: &[CourseOverview], out: &mut dyn Write) -> io::Result<()> {
    if courses.is_empty() {
        writeln!(
            out,
            "No course played yet. `morsel list` shows the courses on the course path."
        )?;
    }
    for (i, c) in courses.iter().enumerate() {
        if i > 0 {
            writeln!(out)?;
        }
        writeln!(out, "{} ({})", sanitize(&c.title), sanitize(&c.id))?;
        if let Some(error) = &c.error {
            writeln!(out, "  pack      {}", sanitize(error))?;
        }
        if !c.lessons.is_empty() {
            writeln!(
                out,
                "  lessons   {} total, {} complete, {} mastered; about {} min of reading",
                c.lessons.len(),
                c.complete(),
                c.mastered(),
                c.reading_minutes()
            )?;
        }
        match c.accuracy() {
            Some((right, answered)) => writeln!(
                out,
                "  accuracy  {}% right on the first try ({right} of {})",
                right * 100 / answered,
                plural(answered, "question")
            )?,
            None => writeln!(out, "  accuracy  no question answered yet")?,
        }
        writeln!(
            out,
            "  time      {} min in all, {} today, {} in the last 7 days",
            minutes(c.active.total),
            minutes(c.active.today),
            minutes(c.active.last_7_days)
        )?;
        match (&c.next, &c.position) {
            (Some(next), _) => {
                let of = c
                    .lessons
                    .iter()
                    .find(|l| l.id == next.lesson)
                    .map(|l| format!(" of {}", l.status.bites))
                    .unwrap_or_default();
                writeln!(
                    out,
                    "  resume    {}, bite {}{of}",
                    sanitize(&next.lesson),
                    next.bite
                )?;
            }
            // The pack cannot be loaded: the saved place, as it was written.
            (None, Some(p)) => writeln!(
                out,
                "  position  {}, bite {} (saved)",
                sanitize(&p.lesson),
                p.bite
            )?,
            (None, None) => {}
        }
        if let Some(played) = &c.played {
            writeln!(out, "  last      {}", played.last_played_local)?;
        }
        if !c.lessons.is_empty() {
            writeln!(out)?;
            lesson_table(c, out)?;
        }
    }
    Ok(())
}

/// One row per lesson: bites seen, questions answered, the score as the lesson summary rounds it, reading minutes,
/// and where it stands; `▶` marks the lesson `play` resumes in.
fn lesson_table(c: &CourseOverview, out: &mut dyn Write) -> io::Result<()> {
    let ids: Vec<String> = c
        .lessons
        .iter()
        .map(|l| sanitize(&l.id).into_owned())
        .collect();
    let id_width = ids
        .iter()
        .map(|id| id.width())
        .max()
        .unwrap_or(0)
        .max("lesson".len());
    writeln!(
        out,
        "    {:<id_width$}  {:>5}  {:>9}  {:>5}  {:>7}",
        "lesson", "bites", "questions", "score", "reading"
    )?;
    for (l, id) in c.lessons.iter().zip(&ids) {
        let s = &l.status;
        let score = if s.questions == 0 || s.answered == 0 {
            "-".to_string()
        } else {
            format!("{}%", overview::score_percent(s))
        };
        let state = if s.mastered {
            "mastered"
        } else if s.complete {
            "complete"
        } else if s.bites_seen > 0 || s.answered > 0 {
            "started"
        } else {
            ""
        };
        let here = c.next.as_ref().is_some_and(|n| n.lesson == l.id);
        let line = format!(
            "  {} {id}{:pad$}  {:>5}  {:>9}  {score:>5}  {:>3} min  {state}",
            if here { "▶" } else { " " },
            "",
            format!("{}/{}", s.bites_seen, s.bites),
            format!("{}/{}", s.answered, s.questions),
            overview::reading_minutes(l.minutes),
            pad = id_width - id.width(),
        );
        writeln!(out, "{}", line.trim_end())?;
    }
    Ok(())
}

#[derive(Serialize)]
struct JsonStats<'a> {
    courses: Vec<JsonCourse<'a>>,
}

#[derive(Serialize)]
struct JsonCourse<'a> {
    id: &'a str,
    title: &'a str,
    path: String,
    error: Option<&'a str>,
    lessons: Vec<JsonLesson<'a>>,
    position: Option<JsonPosition<'a>>,
    /// Where `play` resumes: the saved position clamped to the pack as it is now.
    next: Option<JsonPosition<'a>>,
    reading_minutes: u64,
    active_seconds: i64,
    active_seconds_today: i64,
    active_seconds_7_days: i64,
    first_played: Option<i64>,
    last_played: Option<i64>,
    finished: bool,
}

#[derive(Serialize)]
struct JsonLesson<'a> {
    id: &'a str,
    title: &'a str,
    reading_minutes: u64,
    /// As the lesson summary shows it; `None` before any answer, or without questions.
    score_percent: Option<usize>,
    bites: usize,
    bites_seen: usize,
    questions: usize,
    answered: usize,
    first_try_right: usize,
    complete: bool,
    mastered: bool,
}

#[derive(Serialize)]
struct JsonPosition<'a> {
    lesson: &'a str,
    bite: usize,
}

/// The stable JSON shape documented in the README.
pub fn write_json(courses: &[CourseOverview], out: &mut dyn Write) -> io::Result<()> {
    let doc = JsonStats {
        courses: courses
            .iter()
            .map(|c| JsonCourse {
                id: &c.id,
                title: &c.title,
                path: c.path.display().to_string(),
                error: c.error.as_deref(),
                lessons: c
                    .lessons
                    .iter()
                    .map(|l| (l, &l.status))
                    .map(|(l, s)| JsonLesson {
                        id: &l.id,
                        title: &l.title,
                        reading_minutes: overview::reading_minutes(l.minutes),
                        score_percent: (s.questions > 0 && s.answered > 0)
                            .then(|| overview::score_percent(s)),
                        bites: s.bites,
                        bites_seen: s.bites_seen,
                        questions: s.questions,
                        answered: s.answered,
                        first_try_right: s.first_try_right,
                        complete: s.complete,
                        mastered: s.mastered,
                    })
                    .collect(),
                position: c.position.as_ref().map(|p| JsonPosition {
                    lesson: &p.lesson,
                    bite: p.bite,
                }),
                next: c.next.as_ref().map(|p| JsonPosition {
                    lesson: &p.lesson,
                    bite: p.bite,
                }),
                reading_minutes: c.reading_minutes(),
                active_seconds: c.active.total,
                active_seconds_today: c.active.today,
                active_seconds_7_days: c.active.last_7_days,
                first_played: c.played.as_ref().map(|p| p.first_played_at),
                last_played: c.played.as_ref().map(|p| p.last_played_at),
                finished: c.played.as_ref().is_some_and(|p| p.finished),
            })
            .collect(),
    };
    super::write_json(&doc, out)
}
