//! Problems found in a pack, each with the file, line and column where it was found.

use crate::text::words::plural;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::source::{Position, SourceFile};

/// How bad a problem is: an error stops the pack from being played; a warning does not.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    /// Worth fixing; the pack still plays.
    Warning,
    /// The pack cannot be played until it is fixed.
    Error,
}

impl Severity {
    /// The word for it in a message: `warning` or `error`.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

/// What is wrong. Each message says what was expected; the position says where.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub(crate) enum Problem {
    #[error("`{0}` is not a directory holding a pack")]
    NotADirectory(String),
    #[error("no course.toml: a pack is a directory holding course.toml and its lessons")]
    MissingCourseToml,
    #[error("cannot read this file: {0}")]
    Unreadable(String),
    #[error("this file is not valid UTF-8 (first bad byte here); save it as UTF-8")]
    NotUtf8,
    #[error("invalid TOML: {0}")]
    Toml(String),
    #[error("unknown key `{key}` in {table}{}", suggestion.as_ref().map(|s| format!("; did you mean `{s}`?")).unwrap_or_default())]
    UnknownKey {
        key: String,
        table: &'static str,
        suggestion: Option<&'static str>,
    },
    #[error("missing key `{key}` in {table}")]
    MissingKey {
        key: &'static str,
        table: &'static str,
    },
    #[error("`{key}` must be {expected}, not {found}")]
    WrongType {
        key: String,
        expected: &'static str,
        found: &'static str,
    },
    #[error(
        "`{0}` is not a valid id: use 1 to 64 characters from a-z, 0-9 and `-`, starting with a letter or digit"
    )]
    BadId(String),
    #[error(
        "pack format {found} is newer than this morsel understands (up to {supported}); update morsel to play it"
    )]
    FormatTooNew { found: i64, supported: i64 },
    #[error("`format` must be 1 or more, not {0}")]
    FormatTooOld(i64),
    #[error("`pass_mark` must be above 0 and at most 1, not {0}")]
    PassMarkOutOfRange(f64),
    #[error(
        "`{key}` must be an absolute IRI such as `https://example.org/courses/git`, not `{value}`"
    )]
    NotAnIri { key: &'static str, value: String },
    #[error("objective `{id}` names lesson `{lesson}`, which is not a lesson of this pack{}", suggestion.as_ref().map(|s| format!("; did you mean `{s}`?")).unwrap_or_default())]
    UnknownObjectiveLesson {
        id: String,
        lesson: String,
        suggestion: Option<String>,
    },
    #[error("key result `{id}` belongs to objective `{objective}`, which is not declared in [[objectives]]{}", suggestion.as_ref().map(|s| format!("; did you mean `{s}`?")).unwrap_or_default())]
    UnknownObjective {
        id: String,
        objective: String,
        suggestion: Option<String>,
    },
    #[error(
        "unknown measure `{measure}`{}; expected \"mastery\", \"retention\", \"practice_minutes\" or \"reviews_on_time\"",
        suggestion.map(|s| format!(" (did you mean `{s}`?)")).unwrap_or_default()
    )]
    UnknownMeasure {
        measure: String,
        suggestion: Option<&'static str>,
    },
    #[error(
        "the `target` of a `{measure}` key result is a share: above 0 and at most 1, not {target}"
    )]
    ShareTargetOutOfRange { measure: &'static str, target: f64 },
    #[error(
        "the `target` of a `practice_minutes` key result is minutes: a number above 0, not {0}"
    )]
    MinutesTargetOutOfRange(f64),
    #[error("{what} id `{id}` is used again; it is already the id of the {what} at {other}")]
    DuplicateOutcomeId {
        what: &'static str,
        id: String,
        other: String,
    },
    #[error("`minutes` must be a positive number, not {0}")]
    BadMinutes(f64),
    #[error("lesson path `{0}` leaves the pack directory; lessons must live inside the pack")]
    LessonOutsidePack(String),
    #[error("lesson file `{0}` does not exist")]
    LessonNotFound(String),
    #[error("lesson path `{0}` is not a file")]
    LessonNotAFile(String),
    #[error("lesson file `{0}` is listed twice")]
    LessonListedTwice(String),
    #[error(
        "this pack has no lessons: list them in `lessons`, or put *.md files in the pack or in lessons/"
    )]
    NoLessons,
    #[error(
        "front matter opened by `+++` on line 1 is never closed by a line that is exactly `+++`"
    )]
    UnclosedFrontMatter,
    #[error("the file stem `{0}` is not a valid lesson id; set `id` in the front matter")]
    BadDefaultId(String),
    #[error("lesson id `{id}` is used again; it is already the id of {other}")]
    DuplicateLessonId { id: String, other: String },
    #[error("{what} id `{id}` is used again; it is already the id of the {other_what} at {other}")]
    DuplicateId {
        what: &'static str,
        id: String,
        other_what: &'static str,
        other: String,
    },
    #[error(
        "unknown question kind `{0}`; expected \"choice\", \"truefalse\", \"text\" or \"order\""
    )]
    UnknownKind(String),
    #[error("`{key}` does not apply to {kind} questions")]
    KeyNotForKind { key: String, kind: &'static str },
    #[error("a choice question needs at least 2 choices, this one has {0}")]
    TooFewChoices(usize),
    #[error(
        "a choice question has at most 9 choices (they are picked with the keys 1 to 9), this one has {0}"
    )]
    TooManyChoices(usize),
    #[error("no choice is marked `correct = true`; at least one must be")]
    NoCorrectChoice,
    #[error("an order question needs at least 2 items, this one has {0}")]
    TooFewItems(usize),
    #[error("a text question needs at least one accepted answer in `answers`")]
    NoAnswers,
    #[error("`{0}` must not be empty")]
    Empty(&'static str),
    #[error("unknown regex flavour `{0}`; expected \"grep -E\" or \"rg\"")]
    UnknownFlavour(String),
    #[error(
        "example line `{0}` holds a line break; each example is one line, as the tool reads it"
    )]
    ExampleNotOneLine(String),
    #[error("example line `{0}` is in both `matches` and `rejects`; no pattern can be right")]
    ExampleBothWays(String),
    #[error("{0}")]
    BadAnswerPattern(String),
    #[error("accepted answer `{answer}` {why}; fix the answer or the example lines")]
    AnswerFailsExample { answer: String, why: String },
    #[error(
        "no `rejects`: any pattern that matches the `matches` lines is right, even `.*`; add lines a right pattern must not match"
    )]
    NoRejects,
    #[error("this lesson has no content: a lesson needs at least one bite")]
    EmptyLesson,
    #[error("link target `{0}` does not exist in the pack")]
    BrokenLink(String),
    #[error(
        "link target `{0}` points outside the pack, so it will be missing when the pack is shared"
    )]
    LinkOutsidePack(String),
    #[error(
        "this bite takes about {minutes:.1} minutes to read ({words} words); bites should take under 2 minutes, so cut it with `---`"
    )]
    LongBite { minutes: f64, words: usize },
    #[error(
        "this lesson takes about {minutes:.0} minutes (its words at {} a minute, {} s a question, {} s a card); lessons should take at most {}, so split it into two lesson files",
        super::WORDS_PER_MINUTE,
        super::SECONDS_PER_QUESTION,
        super::SECONDS_PER_CARD,
        super::MAX_LESSON_MINUTES
    )]
    LongLesson { minutes: f64 },
    #[error(
        "this is YAML front matter, which morsel does not read: its `---` lines become bite breaks and headings; write TOML between `+++` lines instead (`+++`, `title = \"…\"`, `+++`)"
    )]
    YamlFrontMatter,
    #[error(
        "this `---` directly under a paragraph turns that paragraph into a heading instead of cutting a bite; put a blank line above it to cut a bite"
    )]
    SetextRule,
    #[error(
        "block quotes and lists nested deeper than {} levels start here: what lies deeper is shown at that level, flattened",
        crate::text::depth::MAX_DEPTH
    )]
    TooDeep,
    #[error(
        "the right answer is choice {position} in {count} of the {of} choice questions with one right answer and no `shuffle`; learners pick up the pattern: vary its place or set `shuffle = true`"
    )]
    PositionBias {
        position: usize,
        count: usize,
        of: usize,
    },
    #[error(
        "the choice `{0}` leans on the other choices and reads wrong when they are shuffled; make it a pick-all question (several `correct = true`) or write a real choice"
    )]
    AboveChoice(String),
    #[error(
        "an order question with 2 items is a coin toss; add a third item, or ask it as a choice or true/false question"
    )]
    TwoItemOrder,
    #[error("`{answer}` is the only accepted answer, but {why}; add the other ways to `answers`")]
    OneAnswerInvitesVariants { answer: String, why: &'static str },
    #[error(
        "accepted answer `{answer}` differs from `{same_as}` only by {how}, which grading already ignores; remove it"
    )]
    RedundantAnswer {
        answer: String,
        same_as: String,
        how: &'static str,
    },
    #[error(
        "course id `{id}` is also the id of the pack at {other}; progress is kept by course id, so the two would share it: give one of them another `id`"
    )]
    DuplicateCourseId { id: String, other: String },
    #[error("this question has no `explain`; a learner who gets it wrong will not learn why")]
    NoExplain,
    #[error("`pass_mark` {0} is below 0.6: passing then says little about what was learned")]
    LowPassMark(f64),
    #[error("this file is larger than the limit of {} MiB for pack files", super::source::MAX_FILE_BYTES >> 20)]
    TooLarge,
    #[error("this path is not a regular file")]
    NotARegularFile,
    #[error(
        "`{file}` is never played: lessons are read from `.md` files only; rename it to `{renamed}`"
    )]
    NotMdExtension { file: String, renamed: String },
    #[error(
        "`{folder}` holds {} that morsel never plays: lessons are read from lessons/ itself, not from folders inside it; move {} up into lessons/, or list {} in `lessons` in course.toml",
        plural(*count, "lesson file"),
        if *count == 1 { "it" } else { "them" },
        if *count == 1 { "it" } else { "them" }
    )]
    LessonsInSubfolder { folder: String, count: usize },
    #[error(
        "`{file}` is a {what}, not a regular file, so it is never read as a lesson; put a lesson file in its place, or move it elsewhere"
    )]
    SpecialFileInLessons { file: String, what: &'static str },
    #[error(
        "this block is fenced `{info}`, so learners see its TOML as code; morsel reads a {what} only from a block fenced ```{kind}: write ```{kind} on its first line"
    )]
    MisfencedBlock {
        info: String,
        kind: &'static str,
        what: &'static str,
    },
    #[error(
        "and {} more in this file ({}, {}), not shown: fix the ones above first",
        errors + warnings,
        plural(*errors, "error"),
        plural(*warnings, "warning")
    )]
    MoreProblems { errors: usize, warnings: usize },
}

/// A place in a file of a pack: where a problem is, or where something it refers to is.
#[derive(Debug, Clone, PartialEq)]
pub struct Site {
    /// Path relative to the pack's root.
    pub file: PathBuf,
    /// Line and column in the file, 1-based.
    pub position: Position,
    /// The source line and the part of it to point at; `None` for a problem with a file as a whole.
    pub(crate) excerpt: Option<Excerpt>,
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Excerpt {
    /// The source line, shared with the other excerpts of it (`SourceFile::line_text`): a thousand problems on one
    /// long line cost one copy, and a pack's kept sites hold their lines, not their files.
    line: Arc<str>,
    /// Byte range within the line.
    pub(crate) highlight: Range<usize>,
}

impl Excerpt {
    /// The source line, without its line ending.
    pub(crate) fn line(&self) -> &str {
        &self.line
    }
}

impl Site {
    /// The start of a file, for a problem with the file as a whole.
    pub(crate) fn whole_file(file: impl Into<PathBuf>) -> Self {
        Self {
            file: file.into(),
            position: Position { line: 1, column: 1 },
            excerpt: None,
        }
    }

    /// A byte range of a source file; a range running past the end of its first line is cut there.
    pub(crate) fn at(source: &SourceFile, span: Range<usize>) -> Self {
        let line = source.line_range(span.start);
        let start = span.start.clamp(line.start, line.end);
        let end = span.end.clamp(start, line.end);
        Self {
            file: source.path.clone(),
            position: source.position(start),
            excerpt: Some(Excerpt {
                highlight: start - line.start..end - line.start,
                line: source.line_text(line),
            }),
        }
    }
}

impl std::fmt::Display for Site {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{}:{}:{}",
            self.file.display(),
            self.position.line,
            self.position.column
        )
    }
}

/// One problem at one place in one file of a pack.
#[derive(Debug, Clone, PartialEq)]
pub struct Diagnostic {
    /// Whether it is an error or a warning.
    pub severity: Severity,
    /// Where it was found.
    pub site: Site,
    pub(crate) problem: Problem,
}

impl Diagnostic {
    pub(crate) fn error(site: Site, problem: Problem) -> Self {
        Self {
            severity: Severity::Error,
            site,
            problem,
        }
    }

    pub(crate) fn warning(site: Site, problem: Problem) -> Self {
        Self {
            severity: Severity::Warning,
            site,
            problem,
        }
    }

    pub(crate) fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// What is wrong, in words, without where.
    pub fn message(&self) -> String {
        self.problem.to_string()
    }

    /// The diagnostic as one line, sanitised and ready for a terminal: `PATH:LINE:COL: error: MESSAGE`, or
    /// `PATH: error: MESSAGE` for a problem with a file as a whole. `PATH` is the file under `root` (the pack's
    /// folder as given; an empty `root` keeps it relative to the pack). What `play` and `print` write on stderr,
    /// the library and `list` show for a broken pack, and the broken-pack screen draws.
    pub fn one_line(&self, root: &Path) -> String {
        let file = if self.site.file.as_os_str().is_empty() {
            root.to_path_buf()
        } else {
            root.join(&self.site.file)
        };
        let mut line = file.display().to_string();
        if self.site.excerpt.is_some() {
            line.push_str(&format!(
                ":{}:{}",
                self.site.position.line, self.site.position.column
            ));
        }
        if !line.is_empty() {
            line.push_str(": ");
        }
        line.push_str(&format!("{}: {}", self.severity.as_str(), self.problem));
        crate::text::sanitize(&line).into_owned()
    }

    /// How many errors and warnings this diagnostic stands for: one, or those a [`Problem::MoreProblems`] hides.
    pub(crate) fn counts(&self) -> (usize, usize) {
        match (&self.problem, self.severity) {
            (Problem::MoreProblems { errors, warnings }, _) => (*errors, *warnings),
            (_, Severity::Error) => (1, 0),
            (_, Severity::Warning) => (0, 1),
        }
    }
}

/// The most diagnostics shown for one file; the rest are counted in one [`Problem::MoreProblems`].
pub const MAX_PER_FILE: usize = 50;

/// Keeps the first [`MAX_PER_FILE`] diagnostics of each file, in order, and puts after the last one kept a note of
/// how many errors and warnings of that file are not shown (an error if any of them is).
pub(crate) fn cap_per_file(diagnostics: Vec<Diagnostic>) -> Vec<Diagnostic> {
    use std::collections::HashMap;
    // Per file: diagnostics seen, then hidden errors and warnings.
    let mut seen: HashMap<&std::path::Path, usize> = HashMap::new();
    let mut hidden: HashMap<&std::path::Path, (usize, usize)> = HashMap::new();
    for d in &diagnostics {
        let n = seen.entry(&d.site.file).or_default();
        *n += 1;
        if *n > MAX_PER_FILE {
            let (e, w) = hidden.entry(&d.site.file).or_default();
            let (de, dw) = d.counts();
            *e += de;
            *w += dw;
        }
    }
    if hidden.is_empty() {
        return diagnostics;
    }
    let hidden: HashMap<PathBuf, (usize, usize)> = hidden
        .into_iter()
        .map(|(file, counts)| (file.to_path_buf(), counts))
        .collect();
    let mut kept: HashMap<PathBuf, usize> = HashMap::new();
    let mut out = Vec::with_capacity(diagnostics.len().min(MAX_PER_FILE * (hidden.len() + 1)));
    for d in diagnostics {
        let n = kept.entry(d.site.file.clone()).or_default();
        *n += 1;
        if *n > MAX_PER_FILE {
            continue;
        }
        let note = (*n == MAX_PER_FILE)
            .then(|| hidden.get(&d.site.file))
            .flatten()
            .map(|&(errors, warnings)| Diagnostic {
                severity: if errors > 0 {
                    Severity::Error
                } else {
                    Severity::Warning
                },
                site: Site::whole_file(d.site.file.clone()),
                problem: Problem::MoreProblems { errors, warnings },
            });
        out.push(d);
        out.extend(note);
    }
    out
}

/// Collects the diagnostics of one source file.
pub(crate) struct Sink<'a> {
    pub(crate) source: &'a SourceFile,
    pub(crate) out: &'a mut Vec<Diagnostic>,
}

impl Sink<'_> {
    pub(crate) fn site(&self, span: Range<usize>) -> Site {
        Site::at(self.source, span)
    }

    pub(crate) fn error(&mut self, span: Range<usize>, problem: Problem) {
        self.out.push(Diagnostic::error(self.site(span), problem));
    }

    pub(crate) fn warn(&mut self, span: Range<usize>, problem: Problem) {
        self.out.push(Diagnostic::warning(self.site(span), problem));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_line_names_file_line_and_column_and_is_sanitised() {
        let source = SourceFile::new(
            PathBuf::from("lessons/a.md"),
            "x\n\"bad\u{1b}[2J\" = 1\n".to_string(),
        );
        let d = Diagnostic::error(
            Site::at(&source, 2..12),
            Problem::UnknownKey {
                key: "bad\u{1b}[2J".into(),
                table: "a quiz block",
                suggestion: None,
            },
        );
        assert_eq!(
            d.one_line(Path::new("pack")),
            "pack/lessons/a.md:2:1: error: unknown key `bad␛[2J` in a quiz block"
        );
        assert_eq!(
            d.one_line(Path::new("")),
            "lessons/a.md:2:1: error: unknown key `bad␛[2J` in a quiz block"
        );
        let whole = Diagnostic::warning(Site::whole_file("course.toml"), Problem::NoLessons);
        assert!(
            whole
                .one_line(Path::new("p\u{9b}"))
                .starts_with("p\u{FFFD}/course.toml: warning: this pack has no lessons")
        );
        let nowhere = Diagnostic::error(Site::whole_file(""), Problem::NotADirectory("x".into()));
        assert_eq!(
            nowhere.one_line(Path::new("")),
            "error: `x` is not a directory holding a pack"
        );
    }
}
