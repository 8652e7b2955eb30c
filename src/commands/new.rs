//! `morsel new DIR`: a small pack that passes `check` with no warnings, to start writing from: `course.toml`, two
//! lessons that show every question kind and a card, and a README for the pack's repository.

use std::io::Write;
use std::path::{Path, PathBuf};

use crate::import::toml_string;
use crate::pack::is_valid_id;
use std::process::ExitCode;

/// Why no pack was written.
#[derive(Debug, thiserror::Error)]
pub(crate) enum NewError {
    #[error("`{0}` is not empty: morsel new writes only into a new or empty folder")]
    NotEmpty(String),
    #[error("`{0}` exists and is not a folder")]
    NotAFolder(String),
    #[error(
        "`{0}` is not a valid id: use 1 to 64 characters from a-z, 0-9 and `-`, starting with a letter or digit"
    )]
    BadId(String),
    #[error("the title must not be empty")]
    EmptyTitle,
    #[error("cannot write {path}: {source}")]
    Io {
        path: String,
        source: std::io::Error,
    },
}

/// What was written: the course id and title, and the files, relative to the pack's folder.
#[derive(Debug)]
pub(crate) struct Written {
    pub(crate) id: String,
    pub(crate) title: String,
    pub(crate) files: Vec<&'static str>,
}

/// The folder's name made into a valid id: lower case, every run of other characters than a-z and 0-9 one `-`, at
/// most 64 characters; `course` when nothing is left.
pub(crate) fn id_from_folder(dir: &Path) -> String {
    let name = dir
        .file_name()
        .map(|n| n.to_string_lossy().to_lowercase())
        .unwrap_or_default();
    let mut id = String::new();
    for c in name.chars() {
        if c.is_ascii_lowercase() || c.is_ascii_digit() {
            id.push(c);
        } else if !id.is_empty() && !id.ends_with('-') {
            id.push('-');
        }
    }
    id.truncate(64);
    let id = id.trim_end_matches('-').to_string();
    if id.is_empty() {
        "course".to_string()
    } else {
        id
    }
}

/// An id in words: `my-first-course` is "My first course".
pub(crate) fn title_from_id(id: &str) -> String {
    let words = id
        .split('-')
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ");
    let mut chars = words.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => id.to_string(),
    }
}

/// Writes the pack into `dir` (created when missing; it must be empty if it exists). Nothing is written when the
/// folder is not empty or the id is not valid.
pub(crate) fn write(
    dir: &Path,
    id: Option<&str>,
    title: Option<&str>,
) -> Result<Written, NewError> {
    let shown = || dir.display().to_string();
    let id = id.map_or_else(|| id_from_folder(dir), str::to_string);
    if !is_valid_id(&id) {
        return Err(NewError::BadId(id));
    }
    let title = title.map_or_else(|| title_from_id(&id), str::to_string);
    if title.trim().is_empty() {
        return Err(NewError::EmptyTitle);
    }
    match std::fs::read_dir(dir) {
        Ok(mut entries) => {
            if entries.next().is_some() {
                return Err(NewError::NotEmpty(shown()));
            }
        }
        Err(_) if dir.exists() => return Err(NewError::NotAFolder(shown())),
        Err(_) => {}
    }
    let io = |path: PathBuf| {
        move |source| NewError::Io {
            path: path.display().to_string(),
            source,
        }
    };
    std::fs::create_dir_all(dir.join("lessons")).map_err(io(dir.join("lessons")))?;
    let course = format!(
        "# What the course is; morsel's docs/pack-format.md lists every key.\n\
         format = 1\nid = {}\ntitle = {}\nsummary = \"What a learner gets from this course, in one line.\"\nlanguage = \"en\"\n",
        toml_string(&id),
        toml_string(&title)
    );
    let mut readme = README.replace("{title}", &title).replace("{id}", &id);
    if !readme.ends_with('\n') {
        readme.push('\n');
    }
    let files: [(&'static str, String); 4] = [
        ("course.toml", course),
        ("lessons/01-first-bites.md", LESSON_1.to_string()),
        ("lessons/02-more-kinds.md", LESSON_2.to_string()),
        ("README.md", readme),
    ];
    for (name, text) in &files {
        let path = dir.join(name);
        // `create_new`: a file that appeared meanwhile is never overwritten.
        std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&path)
            .and_then(|mut f| f.write_all(text.as_bytes()))
            .map_err(io(path))?;
    }
    Ok(Written {
        id,
        title,
        files: files.iter().map(|(name, _)| *name).collect(),
    })
}

const LESSON_1: &str = r#"+++
title = "First bites"
+++

# First bites

A lesson is one Markdown file. Its text is cut into **bites** at lines of
`---` with a blank line above them: each bite is one screenful, read in
under two minutes.

Replace this text with your own. Keep each bite to one idea.

---

## A choice question

A question is a fenced `quiz` block of TOML, placed in the bite it tests.
`shuffle = true` shows the choices in a new order each time, so the right
answer does not always sit in the same place.

```quiz
id = "first-choice"
kind = "choice"
prompt = "What cuts a lesson into bites?"
shuffle = true
choices = [
  { text = "A line of `---` with a blank line above it", correct = true },
  { text = "A `##` heading", feedback = "Headings stay inside a bite." },
  { text = "A blank line", feedback = "A blank line only ends a paragraph." },
]
explain = "Only a thematic break at the top level cuts a bite."
```

---

## Pick all, and true or false

When more than one choice is right, the learner picks all that apply.

```quiz
id = "first-pick-all"
kind = "choice"
prompt = "Which of these can a bite hold?"
shuffle = true
choices = [
  { text = "Questions", correct = true },
  { text = "Cards", correct = true },
  { text = "Another lesson", feedback = "Each lesson is its own file." },
]
explain = "A bite holds prose, questions and cards; lessons are files."
```

```quiz
id = "first-true-false"
kind = "truefalse"
prompt = "Every question should have an `explain`."
answer = true
explain = "A learner who gets it wrong learns why from the explanation."
```
"#;

const LESSON_2: &str = r#"+++
title = "More kinds"
+++

# More kinds

A **text** question accepts what the learner types. List every way of
writing the answer in `answers`; case and spacing are ignored.

```quiz
id = "more-text"
kind = "text"
prompt = "Which block holds a flashcard?"
answers = ["card", "a card block", "card block"]
explain = "A fenced block whose info string is `card`."
```

---

## Order and cards

An **order** question lists its items in the right order; the learner
sees them shuffled.

```quiz
id = "more-order"
kind = "order"
prompt = "Put the steps of writing a bite in order."
items = ["Write the prose", "Add a question", "Run morsel check"]
explain = "Write, test what you wrote, then let the checker read it."
```

A **card** has a front and a back, and comes back for review.

```card
id = "more-card"
front = "What does `morsel check` report?"
back = "Every problem in the pack, with its file, line and column."
```
"#;

const README: &str = r#"# {title}

A course for morsel, the terminal micro-course player: a `course.toml` (course id
`{id}`) and Markdown lessons under `lessons/`, cut into bites by `---`, with questions and cards in fenced `quiz` and
`card` blocks.

## Check it

```sh
morsel check .
```

Every problem is reported with its file, line and column; the pack is ready when `check` says `ok`.

## Preview it

```sh
morsel preview .
```

plays the pack as a learner sees it, reloads it on every save, and writes no progress. `morsel play .` plays it for
real.

## Share it

Put this folder on the course path (`morsel paths` shows it), or give its path to `morsel play`.
"#;

#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// The pack's folder: created when missing, and it must be empty.
    #[arg(value_name = "DIR")]
    dir: PathBuf,
    /// The course id (default: the folder's name made into an id).
    #[arg(long)]
    id: Option<String>,
    /// The course title (default: the id in words).
    #[arg(long)]
    title: Option<String>,
}

pub(crate) fn run(args: Args) -> anyhow::Result<ExitCode> {
    let dir = &args.dir;
    let written = write(dir, args.id.as_deref(), args.title.as_deref())?;
    let stdout = std::io::stdout();
    // The folder, id and title come from the command line: outside text like any other.
    let mut out = super::SanitisedLines::new(stdout.lock());
    writeln!(
        out,
        "Wrote the course `{}` ({}) in {}:",
        written.id,
        written.title,
        dir.display()
    )?;
    for file in &written.files {
        writeln!(out, "  {file}")?;
    }
    let shown = dir.display().to_string();
    // A folder with spaces is quoted, so that the commands can be pasted as they are.
    let arg = if shown.contains(char::is_whitespace) {
        format!("'{shown}'")
    } else {
        shown
    };
    writeln!(
        out,
        "Next: `morsel check {arg}` reports problems; `morsel preview {arg}` shows it as a learner sees it."
    )?;
    super::done(out, ExitCode::SUCCESS)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_come_from_folder_names() {
        assert_eq!(id_from_folder(Path::new("/x/My Course_2")), "my-course-2");
        assert_eq!(id_from_folder(Path::new("rust-book")), "rust-book");
        assert_eq!(id_from_folder(Path::new("--Été 2026!--")), "t-2026");
        assert_eq!(id_from_folder(Path::new("日本")), "course");
        assert_eq!(id_from_folder(Path::new("")), "course");
        let long = "a".repeat(70);
        assert_eq!(id_from_folder(Path::new(&long)).len(), 64);
        assert_eq!(
            id_from_folder(Path::new(&format!("{}-b", "a".repeat(63)))),
            "a".repeat(63)
        );
        for name in ["My Course_2", "--Été 2026!--", "日本", "x"] {
            assert!(is_valid_id(&id_from_folder(Path::new(name))), "{name}");
        }
    }

    #[test]
    fn titles_are_ids_in_words() {
        assert_eq!(title_from_id("my-course-2"), "My course 2");
        assert_eq!(title_from_id("rust"), "Rust");
    }

    #[test]
    fn titles_are_written_as_toml_strings() {
        assert_eq!(
            toml_string("say \"hi\" \\ \u{1b}"),
            "\"say \\\"hi\\\" \\\\ \\u001B\""
        );
    }
}
