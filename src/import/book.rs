//! What the mdBook importer makes of a book, before it becomes the shared `Import` (`Import::from_book`): lessons
//! as Markdown with bites separated by `---`, files to copy, and what was left out.

use std::path::PathBuf;

/// What an import made of its source: the lessons to write, the files to copy, and what it left out.
#[derive(Debug, Default)]
pub struct Import {
    /// The title of the course.
    pub title: String,
    /// The lessons, in reading order.
    pub lessons: Vec<ImportedLesson>,
    /// Files to copy into the pack (images and other files the lessons link to).
    pub files: Vec<CopiedFile>,
    /// What was left out.
    pub skipped: Vec<Skipped>,
}

/// One lesson: its body, with bites separated by `---` lines; the writer adds the front matter.
#[derive(Debug)]
pub struct ImportedLesson {
    /// The lesson's id, which also names its file.
    pub id: String,
    /// The lesson's title.
    pub title: String,
    /// The lesson's Markdown body.
    pub markdown: String,
}

/// A file copied from the source into the pack.
#[derive(Debug, PartialEq)]
pub struct CopiedFile {
    /// The file in the source.
    pub from: PathBuf,
    /// Relative to the pack's root, with `/` between folders.
    pub to: String,
}

/// Something the import left out or could not do, with where it stands in the source.
#[derive(Debug)]
pub struct Skipped {
    /// The source file.
    pub file: PathBuf,
    /// The line in that file.
    pub line: usize,
    /// What was left out, and why.
    pub why: String,
}

/// Where a lesson is written, relative to the pack's root; lessons link to each other by this path.
pub fn lesson_file(id: &str) -> String {
    format!("lessons/{id}.md")
}
