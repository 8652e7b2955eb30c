//! `morsel list`: the courses on the course path, with their reading minutes and the learner's progress in each.

use std::io::{self, Write};

use serde::Serialize;

use super::minutes;
use crate::app::overview::{self, CourseOverview};
use crate::app::paths::Paths;
use crate::text::sanitize;
use crate::text::words::bar;
use std::process::ExitCode;

use super::{Format, Global, SanitisedLines};

pub(crate) fn write_text(
    courses: &[CourseOverview],
    paths: &Paths,
    out: &mut dyn Write,
) -> io::Result<()> {
    if courses.is_empty() {
        let looked: Vec<String> = paths
            .courses
            .iter()
            .map(|p| p.display().to_string())
            .collect();
        writeln!(out, "No courses found in {}.", looked.join(", "))?;
        writeln!(
            out,
            "Put a pack there, or point --courses (or MORSEL_COURSES) at a folder of packs."
        )?;
        return Ok(());
    }
    let duplicates = overview::duplicate_ids(courses);
    let id_width = courses
        .iter()
        .map(|c| c.id.chars().count())
        .max()
        .unwrap_or(0);
    for (c, duplicate) in courses.iter().zip(&duplicates) {
        // A second pack with a course id already on the course path shares its progress: said on its row.
        let same_id = duplicate.map_or_else(String::new, |first| {
            let path = courses[first].path.display().to_string();
            format!("  ! same id as {}: progress is shared", sanitize(&path))
        });
        if let Some(error) = &c.error {
            let path = c.path.display().to_string();
            writeln!(
                out,
                "{:id_width$}  {}  ! {}{same_id}",
                sanitize(&c.id),
                sanitize(&path),
                sanitize(error)
            )?;
            continue;
        }
        let total = c.lessons.len();
        let last = c.played.as_ref().map_or_else(
            || "not started".to_string(),
            |p| p.last_played_local.clone(),
        );
        writeln!(
            out,
            "{:id_width$}  {} {:>2}/{total} complete, {:>2} mastered  {:>4} min reading  {:>4} min spent  {last:<16}  {}{same_id}",
            sanitize(&c.id),
            bar(c.complete(), total, 10),
            c.complete(),
            c.mastered(),
            c.reading_minutes(),
            minutes(c.active.total),
            sanitize(&c.title),
        )?;
    }
    Ok(())
}

#[derive(Serialize)]
struct JsonList<'a> {
    courses: Vec<JsonCourse<'a>>,
}

#[derive(Serialize)]
struct JsonCourse<'a> {
    id: &'a str,
    title: &'a str,
    path: String,
    error: Option<&'a str>,
    lessons: usize,
    complete: usize,
    mastered: usize,
    /// The course's reading minutes, and each lesson's.
    reading_minutes: u64,
    lesson_minutes: Vec<JsonLessonMinutes<'a>>,
    active_seconds: i64,
    last_played: Option<i64>,
    /// The path of an earlier pack on the course path with the same course id.
    duplicate_of: Option<String>,
}

#[derive(Serialize)]
struct JsonLessonMinutes<'a> {
    id: &'a str,
    reading_minutes: u64,
}

pub(crate) fn write_json(courses: &[CourseOverview], out: &mut dyn Write) -> io::Result<()> {
    let duplicates = overview::duplicate_ids(courses);
    let doc = JsonList {
        courses: courses
            .iter()
            .zip(&duplicates)
            .map(|(c, duplicate)| JsonCourse {
                id: &c.id,
                title: &c.title,
                path: c.path.display().to_string(),
                error: c.error.as_deref(),
                lessons: c.lessons.len(),
                complete: c.complete(),
                mastered: c.mastered(),
                reading_minutes: c.reading_minutes(),
                lesson_minutes: c
                    .lessons
                    .iter()
                    .map(|l| JsonLessonMinutes {
                        id: &l.id,
                        reading_minutes: overview::reading_minutes(l.minutes),
                    })
                    .collect(),
                active_seconds: c.active.total,
                last_played: c.played.as_ref().map(|p| p.last_played_at),
                duplicate_of: duplicate.map(|first| courses[first].path.display().to_string()),
            })
            .collect(),
    };
    super::write_json(&doc, out)
}

#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
}

pub(crate) fn run(args: Args, global: &Global) -> anyhow::Result<ExitCode> {
    let now = super::now();
    let paths = global.paths()?;
    let store = crate::store::Store::open_read_only(&paths.db)?;
    let courses = overview::on_course_path(&paths, store.as_ref(), now)?;
    let stdout = io::stdout();
    let mut out = stdout.lock();
    match args.format {
        Format::Text => {
            let mut lines = SanitisedLines::new(&mut out);
            write_text(&courses, &paths, &mut lines)?;
            lines.flush()?;
        }
        Format::Json => write_json(&courses, &mut out)?,
    }
    super::done(out, ExitCode::SUCCESS)
}

#[cfg(test)]
mod tests {
    #[test]
    fn bars_fill_in_proportion() {
        assert_eq!(super::bar(0, 7, 10), "░░░░░░░░░░");
        assert_eq!(super::bar(7, 7, 10), "██████████");
        assert_eq!(super::bar(3, 6, 10), "█████░░░░░");
        assert_eq!(super::bar(0, 0, 4), "░░░░");
    }
}
