//! `course.toml`: what the course is, how it is assessed, and which lessons it plays.

use toml::Spanned;

use super::diagnostic::{Problem, Sink, Site};
use super::fields::{self, Fields, Origin};
use super::objectives::{self, LessonRef};
use super::{Course, DEFAULT_PASS_MARK, FORMAT_VERSION, is_valid_id};

const KEYS: &[&str] = &[
    "format",
    "id",
    "title",
    "version",
    "summary",
    "homepage",
    "iri_base",
    "authors",
    "language",
    "tags",
    "pass_mark",
    "lessons",
    "objectives",
    "key_results",
];

/// What was read from `course.toml`: the course, if its required keys were there, and the lesson list, if given.
pub(crate) struct CourseFile {
    pub(crate) course: Option<Course>,
    pub(crate) lessons: Option<Vec<Spanned<String>>>,
    /// The pack is of a newer format: nothing more of it should be read.
    pub(crate) too_new: bool,
    /// Where the course id is written.
    pub(crate) id_site: Option<Site>,
    /// Lessons named by objectives, to check once the lessons are read.
    pub(crate) lesson_refs: Vec<LessonRef>,
}

pub(crate) fn parse(sink: &mut Sink) -> CourseFile {
    let text = &*sink.source.text;
    let origin = Origin::at(0);
    let Some(table) = fields::parse(text, &origin, sink) else {
        return CourseFile::nothing(false);
    };
    let mut f = Fields::new(table.get_ref(), &origin, 0..0, "course.toml");

    let Ok(format) = read_format(&mut f, sink) else {
        return CourseFile::nothing(true);
    };
    let id = read_id(&mut f, sink);
    let id_site = id.as_ref().map(|id| sink.site(id.span()));
    let title = read_title(&mut f, sink);
    let version = f.string(sink, "version");
    let summary = f.string(sink, "summary");
    let homepage = read_iri(&mut f, sink, "homepage");
    let iri_base = read_iri(&mut f, sink, "iri_base");
    let authors = f.strings(sink, "authors");
    let language = f.string(sink, "language");
    let tags = f.strings(sink, "tags");
    let pass_mark = read_pass_mark(&mut f, sink);
    let lessons = f.strings(sink, "lessons").map(Spanned::into_inner);
    let outcomes = objectives::read(&mut f, sink);
    f.finish(sink, KEYS);

    let course = match (id, title) {
        (Some(id), Some(title)) => Some(Course {
            format: format.map_or(FORMAT_VERSION, Spanned::into_inner),
            id: id.into_inner(),
            title: title.into_inner(),
            version: version.map(Spanned::into_inner),
            summary: summary.map(Spanned::into_inner),
            homepage,
            iri_base,
            authors: plain_strings(authors),
            language: language.map_or_else(|| "en".to_string(), Spanned::into_inner),
            tags: plain_strings(tags),
            pass_mark: pass_mark
                .map(Spanned::into_inner)
                .filter(|m| *m > 0.0 && *m <= 1.0)
                .unwrap_or(DEFAULT_PASS_MARK),
            objectives: outcomes.objectives,
            key_results: outcomes.key_results,
        }),
        _ => None,
    };
    CourseFile {
        course,
        lessons,
        too_new: false,
        id_site,
        lesson_refs: outcomes.lesson_refs,
    }
}

impl CourseFile {
    /// Nothing read: the file is not TOML, or (`too_new`) of a newer format.
    fn nothing(too_new: bool) -> Self {
        Self {
            course: None,
            lessons: None,
            too_new,
            id_site: None,
            lesson_refs: Vec::new(),
        }
    }
}

/// The format is newer than this morsel's: nothing more of the file should be read.
struct TooNew;

/// `format`, if given; an error (and nothing more read) for a format newer than [`FORMAT_VERSION`].
fn read_format(f: &mut Fields, sink: &mut Sink) -> Result<Option<Spanned<i64>>, TooNew> {
    let format = f.integer(sink, "format");
    if let Some(format) = &format {
        let found = *format.get_ref();
        if found > FORMAT_VERSION {
            // A newer format may have keys and rules this morsel does not know: say only what matters.
            sink.error(
                format.span(),
                Problem::FormatTooNew {
                    found,
                    supported: FORMAT_VERSION,
                },
            );
            return Err(TooNew);
        }
        if found < 1 {
            sink.error(format.span(), Problem::FormatTooOld(found));
        }
    }
    Ok(format)
}

/// The required `id`; an error for one that is not a valid id, which is still returned.
fn read_id(f: &mut Fields, sink: &mut Sink) -> Option<Spanned<String>> {
    let id = f.required_string(sink, "id");
    if let Some(id) = &id
        && !is_valid_id(id.get_ref())
    {
        sink.error(id.span(), Problem::BadId(id.get_ref().clone()));
    }
    id
}

/// The required `title`; an error for a blank one, which is still returned.
fn read_title(f: &mut Fields, sink: &mut Sink) -> Option<Spanned<String>> {
    let title = f.required_string(sink, "title");
    if let Some(title) = &title
        && title.get_ref().trim().is_empty()
    {
        sink.error(title.span(), Problem::Empty("title"));
    }
    title
}

/// An absolute IRI (a scheme, then `:`), or the statements it names would not be valid xAPI.
fn read_iri(f: &mut Fields, sink: &mut Sink, key: &'static str) -> Option<String> {
    let value = f.string(sink, key)?;
    let text = value.get_ref();
    let scheme = text.split_once(':').map(|(s, _)| s).unwrap_or("");
    let valid = !scheme.is_empty()
        && scheme.starts_with(|c: char| c.is_ascii_alphabetic())
        && scheme
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
        && !text.contains(char::is_whitespace);
    if valid {
        Some(value.into_inner())
    } else {
        sink.error(
            value.span(),
            Problem::NotAnIri {
                key,
                value: text.clone(),
            },
        );
        None
    }
}

/// `pass_mark`, if given: an error outside (0, 1], a warning below 0.6.
fn read_pass_mark(f: &mut Fields, sink: &mut Sink) -> Option<Spanned<f64>> {
    let pass_mark = f.number(sink, "pass_mark");
    if let Some(mark) = &pass_mark {
        let value = *mark.get_ref();
        if !(value > 0.0 && value <= 1.0) {
            sink.error(mark.span(), Problem::PassMarkOutOfRange(value));
        } else if value < 0.6 {
            sink.warn(mark.span(), Problem::LowPassMark(value));
        }
    }
    pass_mark
}

/// A list of strings without their positions; empty if not given.
fn plain_strings(list: Option<Spanned<Vec<Spanned<String>>>>) -> Vec<String> {
    list.map(|l| {
        l.into_inner()
            .into_iter()
            .map(Spanned::into_inner)
            .collect()
    })
    .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use super::*;
    use crate::pack::diagnostic::Diagnostic;
    use crate::pack::source::SourceFile;

    fn read(text: &str) -> (CourseFile, Vec<Diagnostic>) {
        let source = SourceFile::new(PathBuf::from("course.toml"), text.to_string());
        let mut out = Vec::new();
        let file = parse(&mut Sink {
            source: &source,
            out: &mut out,
        });
        (file, out)
    }

    #[test]
    fn defaults_apply() {
        let (file, diags) = read("id = \"x\"\ntitle = \"X\"\n");
        assert!(diags.is_empty(), "{diags:?}");
        let course = file.course.expect("course");
        assert_eq!(course.pass_mark, 0.8);
        assert_eq!(course.language, "en");
        assert_eq!(course.format, 1);
        assert!(file.lessons.is_none());
    }

    #[test]
    fn unknown_key_names_line_and_closest_key() {
        let (_, diags) = read("id = \"x\"\ntitle = \"X\"\npass_mak = 0.7\n");
        assert_eq!(diags.len(), 1);
        let d = &diags[0];
        assert_eq!((d.site.position.line, d.site.position.column), (3, 1));
        assert_eq!(
            d.message(),
            "unknown key `pass_mak` in course.toml; did you mean `pass_mark`?"
        );
    }

    #[test]
    fn every_problem_is_reported_in_one_pass() {
        let (file, diags) = read("id = \"Bad Id\"\npass_mark = 1.5\ncolour = 1\n");
        let messages: Vec<_> = diags.iter().map(|d| d.message()).collect();
        assert_eq!(diags.len(), 4, "{messages:?}");
        assert!(messages[0].contains("`Bad Id` is not a valid id"));
        assert!(messages[1].contains("missing key `title`"));
        assert!(messages[2].contains("`pass_mark` must be above 0 and at most 1"));
        assert!(messages[3].contains("unknown key `colour`"));
        assert!(file.course.is_none());
    }

    #[test]
    fn newer_format_is_refused_alone() {
        let (file, diags) = read("format = 2\nid = \"x\"\ntitle = \"X\"\nnew_key = true\n");
        assert_eq!(diags.len(), 1);
        assert!(diags[0].message().contains("pack format 2 is newer"));
        assert!(file.course.is_none());
    }

    #[test]
    fn low_pass_mark_warns() {
        let (file, diags) = read("id = \"x\"\ntitle = \"X\"\npass_mark = 0.5\n");
        assert_eq!(diags.len(), 1);
        assert!(!diags[0].is_error());
        assert_eq!(file.course.map(|c| c.pass_mark), Some(0.5));
    }

    #[test]
    fn toml_syntax_error_has_position() {
        let (file, diags) = read("id = \"x\"\ntitle = \n");
        assert!(file.course.is_none());
        assert!(diags[0].is_error());
        assert_eq!(diags[0].site.position.line, 2);
    }
}
