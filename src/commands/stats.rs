//! `morsel stats [COURSE_ID]`: per course, lessons complete and mastered, first-try accuracy, time on task, the
//! saved position and when it was last played.

use std::io::{self, Write};

use serde::Serialize;

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
                "  lessons   {} total, {} complete, {} mastered",
                c.lessons.len(),
                c.complete(),
                c.mastered()
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
        if let Some(p) = &c.position {
            let of = c
                .lessons
                .iter()
                .find(|(id, _)| *id == p.lesson)
                .map(|(_, s)| format!(" of {}", s.bites))
                .unwrap_or_default();
            writeln!(
                out,
                "  position  {}, bite {}{of}",
                sanitize(&p.lesson),
                p.bite
            )?;
        }
        if let Some(played) = &c.played {
            writeln!(out, "  last      {}", played.last_played_local)?;
        }
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
                    .map(|(id, s)| JsonLesson {
                        id,
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
