//! Imports from other formats into a new pack: the shared outcome (`Import`: lessons to write, what was skipped and
//! why, files to copy), ids made from titles (`Ids`), and `write_pack`, which writes `course.toml` and one
//! `lessons/ID.md` a lesson with its `quiz` and `card` blocks, into a new or empty folder only.

pub(crate) mod anki;
pub mod book;
pub(crate) mod gift;
mod html;
pub mod mdbook;

use std::collections::HashSet;
use std::fmt;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use thiserror::Error;

use crate::pack::is_valid_id;
use crate::pack::source::{MAX_FILE_BYTES, ReadError, read_regular};
use crate::text::depth::MAX_DEPTH;

/// What an importer made of its source: the lessons to write and everything it left out, never silently.
#[derive(Debug, Default)]
pub(crate) struct Import {
    /// The source's own title (a book's), for the course when `--title` is not given.
    pub title: Option<String>,
    pub lessons: Vec<Lesson>,
    pub skipped: Vec<Skipped>,
    /// Files to copy into the pack: (from, to relative to the pack's folder), such as a book's images.
    pub(crate) assets: Vec<(PathBuf, PathBuf)>,
    /// How many of the cards are the reverse of a note (Anki's "Basic (and reversed card)").
    pub(crate) reversed: usize,
}

impl Import {
    pub(crate) fn questions(&self) -> usize {
        self.items().filter(|i| matches!(i, Item::Quiz(_))).count()
    }

    pub(crate) fn cards(&self) -> usize {
        self.items().filter(|i| matches!(i, Item::Card(_))).count()
    }

    fn items(&self) -> impl Iterator<Item = &Item> {
        self.lessons
            .iter()
            .flat_map(|l| &l.bites)
            .flat_map(|b| &b.items)
    }
}

/// Something of the source that is not in the pack, or not all of it: where it is and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Skipped {
    pub file: PathBuf,
    pub line: usize,
    /// What was left out: "numerical question `Q5`", "the feedback of answer `4`".
    pub(crate) what: String,
    pub why: String,
}

impl fmt::Display for Skipped {
    /// `FILE:LINE: skipped WHAT: WHY`; without `:LINE` when the whole file is meant (line 0), without `skipped
    /// WHAT` when nothing is left out but something is changed.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file.display())?;
        if self.line > 0 {
            write!(f, ":{}", self.line)?;
        }
        if self.what.is_empty() {
            return write!(f, ": {}", self.why);
        }
        write!(f, ": skipped {}: {}", self.what, self.why)
    }
}

/// What is said of a text whose HTML nested deeper than the depth rule allows: where, and that its text is kept.
pub(crate) fn too_deep(file: &Path, line: usize, what: &str) -> Skipped {
    Skipped {
        file: file.to_path_buf(),
        line,
        what: String::new(),
        why: format!(
            "the HTML of {what} nests deeper than {MAX_DEPTH} levels: the elements below that are left out, their \
             text is kept"
        ),
    }
}

impl Import {
    /// A book as the mdBook importer reads it: each lesson's bites (separated by `---` lines), its files to copy
    /// and what it left out. Lessons keep their ids as file names (`lessons/ID.md`), which their links rely on.
    pub(crate) fn from_book(book: book::Import) -> Self {
        Self {
            title: Some(book.title),
            lessons: book
                .lessons
                .into_iter()
                .map(|l| Lesson {
                    id: l.id,
                    title: l.title,
                    bites: l
                        .markdown
                        .split("\n\n---\n\n")
                        .map(|markdown| Bite {
                            markdown: markdown.trim().to_string(),
                            items: Vec::new(),
                        })
                        .collect(),
                })
                .collect(),
            skipped: book
                .skipped
                .into_iter()
                .map(|s| Skipped {
                    file: s.file,
                    line: s.line,
                    what: String::new(),
                    why: s.why,
                })
                .collect(),
            assets: book
                .files
                .into_iter()
                .map(|f| (f.from, PathBuf::from(f.to)))
                .collect(),
            reversed: 0,
        }
        .without_unfit_assets()
    }

    /// Leaves out the files to copy that are not regular files or are larger than a pack's files may be
    /// ([`MAX_FILE_BYTES`]), each reported; a lesson's link to one is then a warning of `check` at the link.
    fn without_unfit_assets(mut self) -> Self {
        let mut kept = Vec::with_capacity(self.assets.len());
        for (from, to) in std::mem::take(&mut self.assets) {
            let why = match fs::metadata(&from) {
                Ok(m) if !m.is_file() => "it is not a regular file".to_string(),
                Ok(m) if m.len() > MAX_FILE_BYTES => format!(
                    "it is larger than the limit of {} MiB for a file of a pack",
                    MAX_FILE_BYTES >> 20
                ),
                Ok(_) => {
                    kept.push((from, to));
                    continue;
                }
                Err(e) => format!("it cannot be read: {e}"),
            };
            self.skipped.push(Skipped {
                file: from,
                line: 0,
                what: format!("the copy `{}`", to.display()),
                why: format!(
                    "{why}; the links to it are left dangling (`morsel check` shows where)"
                ),
            });
        }
        self.assets = kept;
        self
    }
}

impl Import {
    /// Cuts lessons longer than [`MAX_LESSON_BITES`] or larger than [`MAX_FILE_BYTES`] written out (see
    /// [`split_long`]), with new lesson ids from `ids`; a single question or card too large for a lesson file is
    /// reported as skipped from `file`.
    pub(crate) fn split_long_lessons(&mut self, ids: &mut Ids, file: &Path) {
        let lessons = std::mem::take(&mut self.lessons);
        let max_bytes = usize::try_from(MAX_FILE_BYTES).unwrap_or(usize::MAX);
        let (lessons, too_large) = split_long(lessons, ids, MAX_LESSON_BITES, max_bytes);
        self.lessons = lessons;
        for item in too_large.iter().flat_map(|b| &b.items) {
            let what = match item {
                Item::Quiz(quiz) => format!("question `{}`", quiz.id),
                Item::Card(card) => format!("card `{}`", card.id),
            };
            self.skipped.push(Skipped {
                file: file.to_path_buf(),
                line: 0,
                what,
                why: format!(
                    "written out it is larger than the limit of {} MiB for a lesson file",
                    MAX_FILE_BYTES >> 20
                ),
            });
        }
    }
}

/// The most bites an imported lesson holds: a longer GIFT category or Anki deck goes on in a next lesson.
pub(crate) const MAX_LESSON_BITES: usize = 1_000;

/// `lessons` with each one longer than `max_bites` bites, or whose file would be larger than `max_bytes`, cut into
/// lessons that are not: `Verbs`, `Verbs (2)`, `Verbs (3)`… with ids from `ids`. A bite larger than `max_bytes` on
/// its own cannot be written as a lesson: it is left out, and named in what is returned.
pub(crate) fn split_long(
    lessons: Vec<Lesson>,
    ids: &mut Ids,
    max_bites: usize,
    max_bytes: usize,
) -> (Vec<Lesson>, Vec<Bite>) {
    let mut out = Vec::with_capacity(lessons.len());
    let mut too_large = Vec::new();
    for lesson in lessons {
        let Lesson { id, title, bites } = lesson;
        let head = front_matter(&id, &title).len() + " (999999)".len() + 64;
        let mut part = Lesson {
            id: id.clone(),
            title: title.clone(),
            bites: Vec::new(),
        };
        let mut bytes = head;
        let mut number = 1;
        for bite in bites {
            let size = bite_text(&bite).len() + BITE_BREAK.len();
            if head + size > max_bytes {
                too_large.push(bite);
                continue;
            }
            if part.bites.len() == max_bites || bytes + size > max_bytes {
                number += 1;
                let next = Lesson {
                    id: ids.unique(&format!("{id} {number}"), "questions"),
                    title: format!("{title} ({number})"),
                    bites: Vec::new(),
                };
                out.push(std::mem::replace(&mut part, next));
                bytes = head;
            }
            bytes += size;
            part.bites.push(bite);
        }
        if !part.bites.is_empty() {
            out.push(part);
        }
    }
    (out, too_large)
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Lesson {
    /// A valid pack id, unique among the import's lessons.
    pub id: String,
    pub title: String,
    pub bites: Vec<Bite>,
}

/// One bite: Markdown prose, then its questions and cards.
#[derive(Debug, Clone, PartialEq, Default)]
pub(crate) struct Bite {
    pub markdown: String,
    pub(crate) items: Vec<Item>,
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Item {
    Quiz(Quiz),
    Card(Card),
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Quiz {
    /// A valid pack id, unique among the import's questions and cards.
    pub(crate) id: String,
    pub(crate) prompt: String,
    pub(crate) kind: QuizKind,
    pub(crate) explain: Option<String>,
    /// A choice question's choices are shuffled each time they are shown (`shuffle = true`).
    pub(crate) shuffle: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) enum QuizKind {
    Choice(Vec<Choice>),
    TrueFalse(bool),
    Text(Vec<String>),
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Choice {
    pub text: String,
    pub correct: bool,
    pub feedback: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Card {
    /// A valid pack id, unique among the import's questions and cards.
    pub id: String,
    pub front: String,
    pub back: String,
}

/// Unique valid ids made from titles and text: `Kanji Origins` → `kanji-origins`, then `kanji-origins-2`.
#[derive(Debug, Default)]
pub(crate) struct Ids {
    used: HashSet<String>,
}

impl Ids {
    /// A valid id from `text` (or `fallback` when `text` has no ASCII letter or digit), not given out before.
    pub(crate) fn unique(&mut self, text: &str, fallback: &str) -> String {
        let mut base = slug(text);
        if base.is_empty() {
            base = slug(fallback);
        }
        if base.is_empty() {
            base = "item".to_string();
        }
        let mut id = base.clone();
        let mut n = 1;
        while self.used.contains(&id) {
            n += 1;
            let suffix = format!("-{n}");
            let mut stem = base.clone();
            stem.truncate(64 - suffix.len());
            id = format!("{}{suffix}", stem.trim_end_matches('-'));
        }
        debug_assert!(is_valid_id(&id), "{id}");
        self.used.insert(id.clone());
        id
    }
}

/// Lower-case ASCII letters and digits of `text`, runs of anything else as one `-`, at most 6 words and 48 bytes,
/// no `-` at either end: "What's between orange and green?" → `what-s-between-orange-and-green`.
pub(crate) fn slug(text: &str) -> String {
    let mut out = String::new();
    let mut words = 0;
    let mut gap = true;
    for c in text.chars() {
        if c.is_ascii_alphanumeric() {
            if gap {
                if words == 6 {
                    break;
                }
                if !out.is_empty() {
                    out.push('-');
                }
                words += 1;
                gap = false;
            }
            out.push(c.to_ascii_lowercase());
        } else {
            gap = true;
        }
        if out.len() >= 48 {
            break;
        }
    }
    out.truncate(48);
    out.trim_end_matches('-').to_string()
}

#[derive(Debug, Error)]
pub(crate) enum WriteError {
    #[error("{0} is not empty; import writes a new pack into a new or empty folder")]
    NotEmpty(String),
    #[error("{0} is not a folder")]
    NotAFolder(String),
    #[error("cannot write {path}: {error}")]
    Io { path: String, error: io::Error },
    #[error("cannot copy {path}: {error}")]
    Copy { path: String, error: ReadError },
    #[error("`{0}` is not a valid course id: use a-z, 0-9 and -, 64 at most (set one with --id)")]
    BadCourseId(String),
}

fn io_error(path: &Path) -> impl FnOnce(io::Error) -> WriteError + '_ {
    move |error| WriteError::Io {
        path: path.display().to_string(),
        error,
    }
}

/// Writes a pack into `dir` (created if missing, refused unless empty): `course.toml` with `course_id`, `title` and
/// the lessons in order, then `lessons/ID.md` a lesson (named by its id, which links between lessons rely on), each
/// with `id` and `title` in its front matter and its bites separated by `---`. Returns the files written.
pub(crate) fn write_pack(
    dir: &Path,
    course_id: &str,
    title: &str,
    lessons: &[Lesson],
) -> Result<Vec<PathBuf>, WriteError> {
    if !is_valid_id(course_id) {
        return Err(WriteError::BadCourseId(course_id.to_string()));
    }
    match fs::read_dir(dir) {
        Ok(mut entries) => {
            if entries.next().is_some() {
                return Err(WriteError::NotEmpty(dir.display().to_string()));
            }
        }
        Err(e) if e.kind() == io::ErrorKind::NotFound => {
            fs::create_dir_all(dir).map_err(io_error(dir))?
        }
        Err(_) if dir.exists() && !dir.is_dir() => {
            return Err(WriteError::NotAFolder(dir.display().to_string()));
        }
        Err(e) => return Err(io_error(dir)(e)),
    }
    let mut written = Vec::new();
    let course = dir.join("course.toml");
    let listed: Vec<String> = lessons
        .iter()
        .map(|l| format!("  {},\n", toml_string(&format!("lessons/{}.md", l.id))))
        .collect();
    let text = format!(
        "id = {}\ntitle = {}\nlessons = [\n{}]\n",
        toml_string(course_id),
        toml_string(title),
        listed.concat()
    );
    fs::write(&course, text).map_err(io_error(&course))?;
    written.push(course);
    let folder = dir.join("lessons");
    fs::create_dir_all(&folder).map_err(io_error(&folder))?;
    for lesson in lessons {
        let path = folder.join(format!("{}.md", lesson.id));
        fs::write(&path, lesson_text(lesson)).map_err(io_error(&path))?;
        written.push(path);
    }
    Ok(written)
}

/// Copies each asset into `dir`, making its folders. Each is read as a pack's files are (a regular file of at most
/// [`MAX_FILE_BYTES`]), so that one swapped for a FIFO or grown since it was listed is refused, not copied.
pub(crate) fn copy_assets(dir: &Path, assets: &[(PathBuf, PathBuf)]) -> Result<(), WriteError> {
    for (from, to) in assets {
        let bytes = read_regular(from).map_err(|error| WriteError::Copy {
            path: from.display().to_string(),
            error,
        })?;
        let target = dir.join(to);
        if let Some(parent) = target.parent() {
            fs::create_dir_all(parent).map_err(io_error(parent))?;
        }
        fs::write(&target, bytes).map_err(io_error(&target))?;
    }
    Ok(())
}

/// What separates two bites in a lesson file.
const BITE_BREAK: &str = "\n---\n";

fn front_matter(id: &str, title: &str) -> String {
    format!(
        "+++\nid = {}\ntitle = {}\n+++\n",
        toml_string(id),
        toml_string(title)
    )
}

/// A lesson file: front matter, then the bites separated by thematic breaks with blank lines around them.
pub(crate) fn lesson_text(lesson: &Lesson) -> String {
    let mut out = front_matter(&lesson.id, &lesson.title);
    for (n, bite) in lesson.bites.iter().enumerate() {
        if n > 0 {
            out.push_str(BITE_BREAK);
        }
        out.push_str(&bite_text(bite));
    }
    out
}

/// A bite as a lesson file holds it: its Markdown, then its `quiz` and `card` blocks.
fn bite_text(bite: &Bite) -> String {
    let mut out = String::new();
    let markdown = bite.markdown.trim();
    if !markdown.is_empty() {
        out.push('\n');
        out.push_str(markdown);
        out.push('\n');
    }
    for item in &bite.items {
        out.push('\n');
        out.push_str(&block(item));
    }
    out
}

/// A fenced `quiz` or `card` block, its fence longer than any run of backticks inside it.
pub(crate) fn block(item: &Item) -> String {
    let (word, body) = match item {
        Item::Quiz(quiz) => ("quiz", quiz_toml(quiz)),
        Item::Card(card) => (
            "card",
            format!(
                "id = {}\nfront = {}\nback = {}\n",
                toml_string(&card.id),
                toml_string(&card.front),
                toml_string(&card.back)
            ),
        ),
    };
    let longest = body
        .split(|c| c != '`')
        .map(str::len)
        .max()
        .unwrap_or_default();
    let fence = "`".repeat(longest.max(2) + 1);
    format!("{fence}{word}\n{body}{fence}\n")
}

fn quiz_toml(quiz: &Quiz) -> String {
    let mut out = format!("id = {}\n", toml_string(&quiz.id));
    let kind = match quiz.kind {
        QuizKind::Choice(_) => "choice",
        QuizKind::TrueFalse(_) => "truefalse",
        QuizKind::Text(_) => "text",
    };
    out.push_str(&format!(
        "kind = \"{kind}\"\nprompt = {}\n",
        toml_string(&quiz.prompt)
    ));
    match &quiz.kind {
        QuizKind::Choice(choices) => {
            out.push_str("choices = [\n");
            for choice in choices {
                out.push_str(&format!("  {{ text = {}", toml_string(&choice.text)));
                if choice.correct {
                    out.push_str(", correct = true");
                }
                if let Some(feedback) = &choice.feedback {
                    out.push_str(&format!(", feedback = {}", toml_string(feedback)));
                }
                out.push_str(" },\n");
            }
            out.push_str("]\n");
            if quiz.shuffle {
                out.push_str("shuffle = true\n");
            }
        }
        QuizKind::TrueFalse(answer) => out.push_str(&format!("answer = {answer}\n")),
        QuizKind::Text(answers) => {
            let list: Vec<String> = answers.iter().map(|a| toml_string(a)).collect();
            out.push_str(&format!("answers = [{}]\n", list.join(", ")));
        }
    }
    if let Some(explain) = &quiz.explain {
        out.push_str(&format!("explain = {}\n", toml_string(explain)));
    }
    out
}

/// A TOML basic string on one line, written by `toml_writer` (the `toml` crate's own writer): one line, so that no
/// line of it can be read as the end of a front matter or a block.
pub(crate) fn toml_string(text: &str) -> String {
    use toml_writer::ToTomlValue as _;
    toml_writer::TomlStringBuilder::new(text)
        .as_basic()
        .to_toml_value()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    #[test]
    fn ids_are_valid_and_unique() {
        let mut ids = Ids::default();
        assert_eq!(ids.unique("Kanji Origins", "q"), "kanji-origins");
        assert_eq!(ids.unique("Kanji origins!", "q"), "kanji-origins-2");
        assert_eq!(ids.unique("日本", "question"), "question");
        assert_eq!(ids.unique("", ""), "item");
        let long = ids.unique(&"x".repeat(100), "q");
        assert_eq!(long.len(), 48);
        for _ in 0..12 {
            let id = ids.unique(&"x".repeat(100), "q");
            assert!(is_valid_id(&id), "{id}");
        }
        assert_eq!(
            slug("What's between orange and green in the spectrum?"),
            "what-s-between-orange-and-green"
        );
    }

    #[test]
    fn a_fence_is_longer_than_the_backticks_inside() {
        let card = Item::Card(Card {
            id: "c".into(),
            front: "```\ncode\n```".into(),
            back: "b".into(),
        });
        let text = block(&card);
        assert!(text.starts_with("````card\n"), "{text}");
        assert!(text.ends_with("\n````\n"), "{text}");
    }

    #[test]
    fn titles_of_any_text_come_back_from_the_written_pack_exactly() {
        let dir = tempfile::tempdir().unwrap();
        let hostile = "Say \"hi\" \\ 'o' '''\"\"\"\n+++\n```\ttab\r\u{1b}\u{7f} Été 日本 🦀";
        let lesson = Lesson {
            id: "a".to_string(),
            title: format!("Lesson: {hostile}"),
            bites: vec![Bite {
                markdown: "Text.".to_string(),
                items: Vec::new(),
            }],
        };
        write_pack(dir.path(), "c", &format!("Course: {hostile}"), &[lesson]).unwrap();
        let report = crate::pack::load(dir.path());
        let course = report.course.as_ref().unwrap();
        assert_eq!(course.title, format!("Course: {hostile}"));
        assert_eq!(report.lessons.len(), 1, "{:?}", report.diagnostics);
        assert_eq!(report.lessons[0].title, format!("Lesson: {hostile}"));
    }

    fn card_bite(id: &str, back: &str) -> Bite {
        Bite {
            markdown: String::new(),
            items: vec![Item::Card(Card {
                id: id.into(),
                front: "F".into(),
                back: back.into(),
            })],
        }
    }

    #[test]
    fn long_lessons_are_cut_by_bites_and_by_bytes_and_an_oversized_bite_is_left_out() {
        let lesson = Lesson {
            id: "verbs".into(),
            title: "Verbs".into(),
            bites: (0..7).map(|i| card_bite(&format!("c{i}"), "b")).collect(),
        };
        let mut ids = Ids::default();
        ids.unique("verbs", "x");
        let (lessons, too_large) = split_long(vec![lesson.clone()], &mut ids, 3, 100_000);
        let shape: Vec<_> = lessons
            .iter()
            .map(|l| (l.id.as_str(), l.title.as_str(), l.bites.len()))
            .collect();
        assert_eq!(
            shape,
            [
                ("verbs", "Verbs", 3),
                ("verbs-2", "Verbs (2)", 3),
                ("verbs-3", "Verbs (3)", 1)
            ]
        );
        assert!(too_large.is_empty());

        let mut lesson = lesson;
        lesson.bites[1] = card_bite("huge", &"x".repeat(5_000));
        let max_bytes = 300;
        let (lessons, too_large) = split_long(vec![lesson], &mut Ids::default(), 100, max_bytes);
        assert_eq!(too_large.len(), 1);
        assert!(lessons.len() > 1, "cut by bytes: {lessons:?}");
        assert_eq!(lessons.iter().map(|l| l.bites.len()).sum::<usize>(), 6);
        for lesson in &lessons {
            assert!(lesson_text(lesson).len() <= max_bytes, "{}", lesson.id);
        }
    }

    #[test]
    fn refuses_a_folder_that_is_not_empty() {
        let dir = tempfile::tempdir().unwrap();
        fs::write(dir.path().join("notes.txt"), "mine").unwrap();
        let err = write_pack(dir.path(), "c", "C", &[]).unwrap_err();
        assert!(err.to_string().contains("is not empty"), "{err}");
        assert_eq!(
            fs::read_to_string(dir.path().join("notes.txt")).unwrap(),
            "mine"
        );
        assert!(!dir.path().join("course.toml").exists());
    }
}
