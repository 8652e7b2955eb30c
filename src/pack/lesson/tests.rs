use std::path::{Path, PathBuf};

use super::*;
use crate::pack::diagnostic::Diagnostic;
use crate::pack::links::resolve_link;
use crate::pack::source::SourceFile;
use crate::pack::{Exercise, QuestionKind};

struct Result {
    lesson: Option<Lesson>,
    diags: Vec<Diagnostic>,
    links: Vec<LinkTarget>,
}

fn parse_at(path: &str, text: &str) -> Result {
    let source = SourceFile::new(PathBuf::from(path), text.to_string());
    let mut diags = Vec::new();
    let mut links = Vec::new();
    let parsed = parse(
        &mut Sink {
            source: &source,
            out: &mut diags,
        },
        &mut links,
    );
    Result {
        lesson: parsed.map(|p| p.lesson),
        diags,
        links,
    }
}

fn lesson(text: &str) -> Lesson {
    let r = parse_at("lessons/01-Intro.md", text);
    assert!(r.diags.is_empty(), "unexpected diagnostics: {:?}", r.diags);
    r.lesson.expect("a lesson")
}

fn bite_texts(text: &str) -> Vec<String> {
    lesson(text).bites.into_iter().map(|b| b.markdown).collect()
}

const QUIZ: &str =
    "```quiz\nkind = \"truefalse\"\nprompt = \"Sure?\"\nanswer = true\nexplain = \"Yes.\"\n```\n";

#[test]
fn top_level_breaks_cut_bites() {
    assert_eq!(
        bite_texts("one\n\n---\n\ntwo\n\n***\n\nthree\n\n___\n"),
        ["one", "two", "three"]
    );
}

#[test]
fn a_dash_line_under_a_paragraph_is_a_setext_heading_not_a_break() {
    let r = parse_at("l.md", "A title\n---\n\nbody\n");
    let bites: Vec<_> = r
        .lesson
        .expect("a lesson")
        .bites
        .into_iter()
        .map(|b| b.markdown)
        .collect();
    assert_eq!(bites, ["A title\n---\n\nbody"]);
    // The author is told, at the dashes, that they made a heading.
    assert_eq!(r.diags.len(), 1);
    assert!(!r.diags[0].is_error());
    assert_eq!(
        (
            r.diags[0].site.position.line,
            r.diags[0].site.position.column
        ),
        (2, 1)
    );
    assert!(
        r.diags[0]
            .message()
            .contains("turns that paragraph into a heading")
    );
    // A short underline, an underline as long as its text, or a heading written with `##`, is not a mistaken break.
    assert!(parse_at("l.md", "Title\n-\n\n## Head\n").diags.is_empty());
    assert!(
        parse_at("l.md", "Heading\n-------\n\nbody\n")
            .diags
            .is_empty()
    );
}

#[test]
fn yaml_front_matter_is_an_error_once() {
    let r = parse_at("l.md", "---\ntitle: Hello\nminutes: 3\n---\n\nBody.\n");
    let found: Vec<_> = r
        .diags
        .iter()
        .map(|d| (d.is_error(), d.site.position.line, d.site.position.column))
        .collect();
    assert_eq!(found, [(true, 1, 1)], "{:?}", r.diags);
    assert!(r.diags[0].message().contains("YAML front matter"));
    // A lesson that starts with a bite break and prose is not front matter.
    assert!(
        parse_at("l.md", "---\n\nJust text: with a colon.\n")
            .diags
            .is_empty()
    );
    assert!(
        parse_at("l.md", "---\n\nNote: a colon.\n\n---\n\nMore.\n")
            .diags
            .is_empty()
    );
    // Lists and comments in YAML are still YAML.
    let r = parse_at("l.md", "---\ntitle: T\ntags:\n  - a\n# note\n---\nBody.\n");
    assert_eq!(r.diags.len(), 1, "{:?}", r.diags);
    assert!(r.diags[0].is_error());
}

#[test]
fn breaks_inside_fences_lists_and_quotes_do_not_cut() {
    let text =
        "```\n---\n```\n\n- item\n\n  ---\n\n  more\n\n> quoted\n>\n> ---\n>\n> still quoted\n";
    assert_eq!(lesson(text).bites.len(), 1);
    let tilde = "~~~md\n***\n~~~\n";
    assert_eq!(lesson(tilde).bites.len(), 1);
}

#[test]
fn empty_bites_are_dropped_and_numbers_stay_contiguous() {
    let l = lesson("---\n\n---\n\nfirst\n\n---\n---\n\n***\n\nsecond\n\n---\n");
    let numbers: Vec<_> = l
        .bites
        .iter()
        .map(|b| (b.number, b.markdown.as_str()))
        .collect();
    assert_eq!(numbers, [(1, "first"), (2, "second")]);
}

#[test]
fn front_matter_sets_id_title_and_minutes() {
    let l = lesson("+++\nid = \"intro\"\ntitle = \"Hello\"\nminutes = 3\n+++\n# Heading\n\ntext\n");
    assert_eq!(
        (l.id.as_str(), l.title.as_str(), l.minutes),
        ("intro", "Hello", 3.0)
    );
    assert_eq!(l.bites[0].line, 6);
}

#[test]
fn defaults_come_from_file_stem_and_first_heading() {
    let l = lesson("Some text.\n\n# The Title\n\nMore.\n");
    assert_eq!(l.id, "01-intro");
    assert_eq!(l.title, "The Title");
    let l = lesson("No heading here.\n");
    assert_eq!(l.title, "01-Intro", "the stem as written");
}

#[test]
fn minutes_default_to_reading_time_plus_questions() {
    let words = "word ".repeat(100);
    let l = lesson(&format!("{words}\n\n{QUIZ}"));
    // 100 words at 230 a minute (26.1 s), plus 20 s for the question (its TOML is not reading): 47 s, the bite's
    // whole seconds rounded up, as the planner estimates it.
    assert_eq!(l.bites[0].words, 100);
    assert!((l.minutes - 47.0 / 60.0).abs() < 1e-9, "{}", l.minutes);
}

#[test]
fn crlf_and_bom_are_handled() {
    let text = "\u{feff}+++\r\nid = \"crlf\"\r\n+++\r\nfirst\r\n\r\n---\r\n\r\n```quiz\r\nkind = \"text\"\r\nprompt = \"Say hi\"\r\nanswers = [\"hi\"]\r\nexplain = \"Hi.\"\r\n```\r\n";
    let l = lesson(text);
    assert_eq!(l.id, "crlf");
    assert_eq!(l.bites.len(), 2);
    assert_eq!(l.bites[0].markdown, "first");
    assert_eq!(l.bites[1].line, 8);
    let Exercise::Question(q) = &l.bites[1].exercises[0] else {
        panic!("no question")
    };
    assert_eq!(
        q.kind,
        QuestionKind::Text {
            answers: vec!["hi".into()],
            case_sensitive: false,
            examples: None,
        }
    );
    assert_eq!(q.line, 8);
}

#[test]
fn crlf_errors_keep_their_line() {
    let r = parse_at(
        "l.md",
        "text\r\n\r\n```quiz\r\nkind = \"text\"\r\nprompt = \"P\"\r\nanswers = 3\r\n```\r\n",
    );
    let e: Vec<_> = r.diags.iter().filter(|d| d.is_error()).collect();
    assert_eq!(e.len(), 1);
    assert_eq!(
        (e[0].site.position.line, e[0].site.position.column),
        (6, 11)
    );
}

#[test]
fn quiz_and_card_blocks_leave_the_text_and_keep_their_order() {
    let card = "```card\nid = \"c\"\nfront = \"F\"\nback = \"B\"\n```\n";
    let l = lesson(&format!("Read this.\n\n{card}\n{QUIZ}\nAfter.\n"));
    let bite = &l.bites[0];
    assert!(matches!(bite.exercises[0], Exercise::Card(_)));
    assert!(matches!(bite.exercises[1], Exercise::Question(_)));
    assert!(!bite.markdown.contains("```"), "{}", bite.markdown);
    assert!(bite.markdown.starts_with("Read this.") && bite.markdown.ends_with("After."));
}

#[test]
fn a_quiz_inside_a_list_is_read_with_positions_behind_the_indent() {
    let r = parse_at(
        "l.md",
        "- item\n\n  ```quiz\n  kind = \"order\"\n  prompt = \"P\"\n  items = 7\n  ```\n",
    );
    let e: Vec<_> = r.diags.iter().filter(|d| d.is_error()).collect();
    assert_eq!(
        (e[0].site.position.line, e[0].site.position.column),
        (6, 11),
        "{e:?}"
    );
}

#[test]
fn an_info_string_must_start_with_quiz_to_count() {
    let l = lesson("````markdown\n```quiz\nnot = toml = at all\n```\n````\n");
    assert!(l.bites[0].exercises.is_empty());
}

#[test]
fn unclosed_front_matter_is_an_error_at_line_one() {
    let r = parse_at("l.md", "+++\nid = \"x\"\n\ntext\n");
    assert!(r.lesson.is_none());
    assert_eq!(r.diags[0].site.position.line, 1);
    assert!(r.diags[0].message().contains("never closed"));
}

#[test]
fn front_matter_typo_is_named_with_suggestion() {
    let r = parse_at("l.md", "+++\ntitel = \"x\"\n+++\ntext\n");
    assert_eq!(r.diags[0].site.position.line, 2);
    assert!(r.diags[0].message().contains("did you mean `title`?"));
}

#[test]
fn a_stem_that_is_no_id_needs_an_explicit_one() {
    let r = parse_at("My Lesson.md", "text\n");
    assert!(
        r.diags[0]
            .message()
            .contains("`my lesson` is not a valid lesson id")
    );
    let l = parse_at("My Lesson.md", "+++\nid = \"mine\"\n+++\ntext\n").lesson;
    assert_eq!(l.map(|l| l.id), Some("mine".to_string()));
}

#[test]
fn a_lesson_without_content_is_an_error() {
    let r = parse_at("l.md", "+++\nid = \"x\"\n+++\n\n---\n\n");
    assert!(r.diags[0].is_error());
    assert!(r.diags[0].message().contains("no content"));
}

#[test]
fn long_bites_warn_at_their_start() {
    // The planner reads 230 words a minute, so 2 minutes are 460 words.
    let fits = "word ".repeat(460);
    assert!(parse_at("l.md", &format!("{fits}\n")).diags.is_empty());
    let long = "word ".repeat(470);
    let r = parse_at("l.md", &format!("short\n\n---\n\n{long}\n"));
    assert_eq!(r.diags.len(), 1);
    assert!(!r.diags[0].is_error());
    assert_eq!(r.diags[0].site.position.line, 5);
    assert!(r.diags[0].message().contains("470 words"));
}

#[test]
fn local_link_targets_are_collected() {
    let r = parse_at(
        "lessons/a.md",
        "[web](https://example.com) [mail](mailto:x@y.z) [here](#top) [file](../assets/x.txt) ![img](pic.png)\n",
    );
    let targets: Vec<_> = r.links.iter().map(|l| l.target.as_str()).collect();
    assert_eq!(targets, ["../assets/x.txt", "pic.png"]);
    // The image starts at the 86th character of the line.
    assert_eq!(r.links[1].site.position.column, 86);
}

#[test]
fn link_resolution_stays_inside_the_pack() {
    let lesson = Path::new("lessons/a.md");
    assert_eq!(
        resolve_link(lesson, "../assets/x.txt#frag"),
        Some(PathBuf::from("assets/x.txt"))
    );
    assert_eq!(
        resolve_link(lesson, "pic.png"),
        Some(PathBuf::from("lessons/pic.png"))
    );
    assert_eq!(
        resolve_link(lesson, "/top.md"),
        Some(PathBuf::from("top.md"))
    );
    assert_eq!(resolve_link(lesson, "../../etc/passwd"), None);
    assert_eq!(
        resolve_link(lesson, "my%20notes.txt"),
        Some(PathBuf::from("lessons/my notes.txt"))
    );
}

#[test]
fn words_are_counted_as_split_whitespace_counts_them() {
    for text in [
        "",
        "   ",
        "one",
        " two  words ",
        "tab\tnew\nline\rreturn\x0bvertical\x0cfeed end",
        // Not white space in Unicode: the ASCII separators 0x1C-0x1F join the words around them.
        "unit\x1fseparator record\x1esep",
        "naïve café, déjà vu",
        "no\u{a0}break\u{2003}em\u{3000}ideographic\u{85}next line",
        "mixed ascii then ünïcödé\u{2028}line  separator",
        "\u{feff}zero-width no-break is not space",
    ] {
        assert_eq!(
            count_words(text),
            text.split_whitespace().count(),
            "{text:?}"
        );
    }
    // Long enough for whole blocks of 32 pairs and a rest, with a non-ASCII character in a block or in the rest.
    let long = "ab  c\td\n".repeat(20);
    for text in [
        long.clone(),
        format!("{long}é"),
        format!("é{long}"),
        format!("{}\u{2003}{}", &long[..40], &long[40..]),
    ] {
        assert_eq!(
            count_words(&text),
            text.split_whitespace().count(),
            "{text:?}"
        );
    }
    // Every ASCII byte between two words: the byte path against the char path, one byte at a time.
    for byte in 0u8..128 {
        let text = format!("a{}b", char::from(byte));
        assert_eq!(
            count_words(&text),
            text.split_whitespace().count(),
            "{byte:#x}"
        );
    }
}
