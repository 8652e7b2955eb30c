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
        return CourseFile {
            course: None,
            lessons: None,
            too_new: false,
            id_site: None,
            lesson_refs: Vec::new(),
        };
    };
    let mut f = Fields::new(table.get_ref(), &origin, 0..0, "course.toml");

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
            return CourseFile {
                course: None,
                lessons: None,
                too_new: true,
                id_site: None,
                lesson_refs: Vec::new(),
            };
        }
        if found < 1 {
            sink.error(format.span(), Problem::FormatTooOld(found));
        }
    }

    let id = f.required_string(sink, "id");
    let id_site = id.as_ref().map(|id| sink.site(id.span()));
    if let Some(id) = &id
        && !is_valid_id(id.get_ref())
    {
        sink.error(id.span(), Problem::BadId(id.get_ref().clone()));
    }
    let title = f.required_string(sink, "title");
    if let Some(title) = &title
        && title.get_ref().trim().is_empty()
    {
        sink.error(title.span(), Problem::Empty("title"));
    }
    let version = f.string(sink, "version");
    let summary = f.string(sink, "summary");
    // Absolute IRIs (a scheme, then `:`), or the statements they name would not be valid xAPI.
    let mut iri = |key: &'static str| {
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
    };
    let homepage = iri("homepage");
    let iri_base = iri("iri_base");
    let authors = f.strings(sink, "authors");
    let language = f.string(sink, "language");
    let tags = f.strings(sink, "tags");
    let pass_mark = f.number(sink, "pass_mark");
    if let Some(mark) = &pass_mark {
        let value = *mark.get_ref();
        if !(value > 0.0 && value <= 1.0) {
            sink.error(mark.span(), Problem::PassMarkOutOfRange(value));
        } else if value < 0.6 {
            sink.warn(mark.span(), Problem::LowPassMark(value));
        }
    }
    let lessons = f.strings(sink, "lessons").map(Spanned::into_inner);
    let outcomes = objectives::read(&mut f, sink);
    f.finish(sink, KEYS);

    let strings = |list: Option<Spanned<Vec<Spanned<String>>>>| {
        list.map(|l| {
            l.into_inner()
                .into_iter()
                .map(Spanned::into_inner)
                .collect()
        })
        .unwrap_or_default()
    };
    let course = match (id, title) {
        (Some(id), Some(title)) => Some(Course {
            format: format.map_or(FORMAT_VERSION, Spanned::into_inner),
            id: id.into_inner(),
            title: title.into_inner(),
            version: version.map(Spanned::into_inner),
            summary: summary.map(Spanned::into_inner),
            homepage,
            iri_base,
            authors: strings(authors),
            language: language.map_or_else(|| "en".to_string(), Spanned::into_inner),
            tags: strings(tags),
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
