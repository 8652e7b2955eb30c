//! `morsel notes`: a learner's notes in course order, each with the bite it belongs to (lesson title, bite number
//! and the bite's first line), as Markdown or JSON. `BiteIndex` places a bite or a question in its pack, for
//! `export feedback` too.

use std::collections::HashMap;
use std::io::{self, Write};

use serde::Serialize;

use crate::pack::{Exercise, Pack};
use crate::store::NoteRow;
use crate::text::sanitize;
use std::process::ExitCode;

use super::Global;

/// Where a bite stands in its pack, for showing it to a reader.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct BiteInfo {
    /// Lesson index and bite number: course order.
    pub(crate) order: (usize, usize),
    pub(crate) lesson_title: String,
    pub(crate) first_line: String,
}

/// A pack's bites by `(lesson id, bite number)`, and its questions by id with their bite.
#[derive(Debug, Default)]
pub(crate) struct BiteIndex {
    bites: HashMap<(String, usize), BiteInfo>,
    questions: HashMap<String, (String, usize)>,
}

impl BiteIndex {
    pub(crate) fn new(pack: Option<&Pack>) -> Self {
        let mut index = Self::default();
        for (i, lesson) in pack.iter().flat_map(|p| p.lessons.iter().enumerate()) {
            for bite in &lesson.bites {
                let key = (lesson.id.clone(), bite.number);
                index.bites.insert(
                    key.clone(),
                    BiteInfo {
                        order: (i, bite.number),
                        lesson_title: lesson.title.clone(),
                        first_line: first_line(bite),
                    },
                );
                for e in &bite.exercises {
                    if let Exercise::Question(q) = e {
                        index.questions.insert(q.id.clone(), key.clone());
                    }
                }
            }
        }
        index
    }

    /// The bite, or for one the pack no longer has: after every bite of the pack, its lesson id as the title.
    pub(crate) fn bite(&self, lesson_id: &str, bite: usize) -> BiteInfo {
        self.bites
            .get(&(lesson_id.to_string(), bite))
            .cloned()
            .unwrap_or_else(|| BiteInfo {
                order: (usize::MAX, bite),
                lesson_title: lesson_id.to_string(),
                first_line: String::new(),
            })
    }

    /// The bite a question stands in, if the pack has it.
    pub(crate) fn question(&self, id: &str) -> Option<&(String, usize)> {
        self.questions.get(id)
    }
}

/// A bite's first line of text, without Markdown's heading marks; else its first question's prompt or card's front.
pub(crate) fn first_line(bite: &crate::pack::Bite) -> String {
    let from_text = bite
        .markdown
        .lines()
        .map(str::trim)
        .find(|l| !l.is_empty())
        .map(|l| l.trim_start_matches('#').trim().to_string());
    from_text
        .or_else(|| {
            bite.exercises.first().map(|e| match e {
                Exercise::Question(q) => q.prompt.lines().next().unwrap_or("").trim().to_string(),
                Exercise::Card(c) => c.front.lines().next().unwrap_or("").trim().to_string(),
            })
        })
        .unwrap_or_default()
}

/// A note with its course and bite, in course order.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct PlacedNote {
    pub(crate) course_id: String,
    pub(crate) course_title: String,
    pub(crate) lesson_id: String,
    pub(crate) lesson_title: String,
    pub(crate) bite: usize,
    pub(crate) first_line: String,
    pub(crate) question: bool,
    pub(crate) text: String,
    pub(crate) created_at: i64,
    pub(crate) updated_at: i64,
    #[serde(skip)]
    order: (usize, usize),
}

/// Every note, placed in its course's pack (`packs` by course id) and sorted: by course id, then course order.
pub(crate) fn place(
    notes: Vec<NoteRow>,
    titles: &HashMap<String, String>,
    packs: &HashMap<String, Pack>,
) -> Vec<PlacedNote> {
    let indexes: HashMap<&str, BiteIndex> = packs
        .iter()
        .map(|(id, p)| (id.as_str(), BiteIndex::new(Some(p))))
        .collect();
    let empty = BiteIndex::default();
    let mut placed: Vec<PlacedNote> = notes
        .into_iter()
        .map(|n| {
            let info = indexes
                .get(n.course_id.as_str())
                .unwrap_or(&empty)
                .bite(&n.lesson_id, n.bite);
            PlacedNote {
                course_title: titles.get(&n.course_id).cloned().unwrap_or_default(),
                course_id: n.course_id,
                lesson_id: n.lesson_id,
                lesson_title: info.lesson_title,
                bite: n.bite,
                first_line: info.first_line,
                question: n.question,
                text: n.text,
                created_at: n.created_at,
                updated_at: n.updated_at,
                order: info.order,
            }
        })
        .collect();
    placed.sort_by(|a, b| {
        (&a.course_id, a.order, &a.lesson_id).cmp(&(&b.course_id, b.order, &b.lesson_id))
    });
    placed
}

/// The notes as Markdown: a heading per course, one per bite (lesson title, bite number, first line), the note's
/// text as written; a question for the author says so. Everything from the learner or the pack is sanitised.
pub(crate) fn write_md(notes: &[PlacedNote], out: &mut dyn Write) -> io::Result<()> {
    let mut course = None;
    for (i, n) in notes.iter().enumerate() {
        if course != Some(&n.course_id) {
            if i > 0 {
                writeln!(out)?;
            }
            writeln!(
                out,
                "# {} ({})",
                sanitize(&n.course_title),
                sanitize(&n.course_id)
            )?;
            course = Some(&n.course_id);
        }
        writeln!(out)?;
        let first = if n.first_line.is_empty() {
            String::new()
        } else {
            format!(": {}", sanitize(&n.first_line))
        };
        writeln!(
            out,
            "## {}, bite {}{first}",
            sanitize(&n.lesson_title),
            n.bite
        )?;
        writeln!(out)?;
        if n.question {
            writeln!(out, "**Question for the author**")?;
            writeln!(out)?;
        }
        for line in sanitize(&n.text).lines() {
            writeln!(out, "{line}")?;
        }
    }
    if notes.is_empty() {
        writeln!(out, "No notes yet: press n on a bite to write one.")?;
    }
    Ok(())
}

#[derive(Serialize)]
struct Doc<'a> {
    notes: &'a [PlacedNote],
}

pub(crate) fn write_json(notes: &[PlacedNote], out: &mut dyn Write) -> io::Result<()> {
    super::write_json(&Doc { notes }, out)
}

/// The store read-only and the courses asked for (`course`, or every course played), loading no pack: `None` when
/// there is no database yet. An unknown `course`, or any course without a database, is an error naming the database.
pub(crate) fn open(
    paths: &crate::app::paths::Paths,
    course: Option<&str>,
) -> anyhow::Result<Option<(crate::store::Store, Vec<crate::store::CourseRow>)>> {
    let unknown = |id: &str| super::no_progress_saved(id, &paths.db);
    let Some(store) = crate::store::Store::open_read_only(&paths.db)? else {
        return match course {
            Some(id) => Err(unknown(id)),
            None => Ok(None),
        };
    };
    let rows = match course {
        Some(id) => vec![store.course(id)?.ok_or_else(|| unknown(id))?],
        None => store.courses()?,
    };
    Ok(Some((store, rows)))
}

/// The learner's data for `notes` and `export feedback`/`answers`: the store (none when there is no database yet)
/// and the courses asked for (`course`, or every course played), each with its pack when it still loads. An unknown
/// `course` is an error naming the database.
pub(crate) struct Gathered {
    pub(crate) store: Option<crate::store::Store>,
    pub(crate) titles: HashMap<String, String>,
    pub(crate) packs: HashMap<String, Pack>,
}

pub(crate) fn gather(
    paths: &crate::app::paths::Paths,
    course: Option<&str>,
) -> anyhow::Result<Gathered> {
    let mut gathered = Gathered {
        store: None,
        titles: HashMap::new(),
        packs: HashMap::new(),
    };
    let Some((store, rows)) = open(paths, course)? else {
        return Ok(gathered);
    };
    let ids: Vec<&str> = rows.iter().map(|r| r.id.as_str()).collect();
    gathered.packs = crate::app::overview::packs_of(paths, &store, &ids)?;
    gathered.titles = rows
        .iter()
        .map(|r| (r.id.clone(), r.title.clone()))
        .collect();
    gathered.store = Some(store);
    Ok(gathered)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum NotesFormat {
    Md,
    Json,
}

#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// Only this course.
    #[arg(value_name = "COURSE_ID")]
    course: Option<String>,
    #[arg(long, value_enum, default_value_t = NotesFormat::Md)]
    format: NotesFormat,
}

pub(crate) fn run(args: Args, global: &Global) -> anyhow::Result<ExitCode> {
    let course = args.course.as_deref();
    let g = gather(&global.paths()?, course)?;
    let rows = match &g.store {
        Some(store) => store.notes(course)?,
        None => Vec::new(),
    };
    let placed = place(rows, &g.titles, &g.packs);
    let stdout = io::stdout();
    let mut out = stdout.lock();
    match args.format {
        NotesFormat::Md => write_md(&placed, &mut out)?,
        NotesFormat::Json => write_json(&placed, &mut out)?,
    }
    super::done(out, ExitCode::SUCCESS)
}
