//! `quiz` and `card` blocks: the TOML inside a fenced block, read into a `Question` or a `Card`.

use std::ops::Range;

use toml::Spanned;
use toml::de::DeTable;

use super::diagnostic::{Problem, Sink};
use super::fields::{self, Fields, Origin};
use super::links::{self, LinkTarget};
use super::{Card, Choice, Exercise, Question, QuestionKind, is_valid_id};

mod examples;

const COMMON_KEYS: &[&str] = &["kind", "prompt", "id", "explain", "hint"];
const KIND_KEYS: &[(&str, &[&str])] = &[
    ("choice", &["choices", "shuffle"]),
    ("truefalse", &["answer"]),
    (
        "text",
        &["answers", "case_sensitive", "flavour", "matches", "rejects"],
    ),
    ("order", &["items"]),
];
const ALL_QUESTION_KEYS: &[&str] = &[
    "kind",
    "prompt",
    "id",
    "explain",
    "hint",
    "choices",
    "shuffle",
    "answer",
    "answers",
    "case_sensitive",
    "flavour",
    "matches",
    "rejects",
    "items",
];
const CHOICE_KEYS: &[&str] = &["text", "correct", "feedback"];
const CARD_KEYS: &[&str] = &["id", "front", "back"];

/// Which kind of block a fenced code block is, by the first word of its info string.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum BlockKind {
    Quiz,
    Card,
}

impl BlockKind {
    pub(crate) fn from_info(info: &str) -> Option<Self> {
        match info.split_whitespace().next() {
            Some("quiz") => Some(BlockKind::Quiz),
            Some("card") => Some(BlockKind::Card),
            _ => None,
        }
    }

    /// The block an info string that [`from_info`](Self::from_info) does not take was meant to be: `Quiz`,
    /// `toml quiz`, `{.card}` (a word `quiz` or `card` in any case, anywhere in it).
    pub(crate) fn meant(info: &str) -> Option<Self> {
        info.split(|c: char| c.is_whitespace() || "{}.,;:=\"'".contains(c))
            .find_map(|word| {
                if word.eq_ignore_ascii_case("quiz") {
                    Some(BlockKind::Quiz)
                } else if word.eq_ignore_ascii_case("card") {
                    Some(BlockKind::Card)
                } else {
                    None
                }
            })
    }
}

/// A `quiz` or `card` block as found in a lesson.
pub(crate) struct Block<'a> {
    pub(crate) kind: BlockKind,
    pub(crate) toml: &'a str,
    pub(crate) origin: Origin,
    /// The whole block, fences included, in the lesson file.
    pub(crate) span: Range<usize>,
    pub(crate) line: usize,
}

/// An exercise read from a block, with the span of its id (or of its block, when the id is derived), and the links
/// and images to pack files in its text (prompt, choices, feedback, explanation, hint, a card's sides).
pub(crate) struct Parsed {
    pub(crate) exercise: Exercise,
    pub(crate) id_span: Range<usize>,
    pub(crate) links: Vec<LinkTarget>,
}

pub(crate) fn parse(block: &Block, lesson_id: &str, sink: &mut Sink) -> Option<Parsed> {
    let table = fields::parse(block.toml, &block.origin, sink)?;
    let fence = block.span.start..block.span.start + 3;
    match block.kind {
        BlockKind::Quiz => parse_question(table.get_ref(), block, fence, lesson_id, sink),
        BlockKind::Card => parse_card(table.get_ref(), block, fence, lesson_id, sink),
    }
}

fn parse_question(
    table: &DeTable,
    block: &Block,
    fence: Range<usize>,
    lesson_id: &str,
    sink: &mut Sink,
) -> Option<Parsed> {
    let mut f = Fields::new(table, &block.origin, fence.clone(), "a quiz block");
    let kind_name = f.required_string(sink, "kind");
    let prompt = f.required_string(sink, "prompt");
    let id = f.string(sink, "id");
    let explain = f.string(sink, "explain");
    let hint = f.string(sink, "hint");
    non_empty(&prompt, "prompt", sink);
    let mut links = Vec::new();
    for text in [&prompt, &explain, &hint].into_iter().flatten() {
        links_in(text, sink, &mut links);
    }

    let kind_name = kind_name?;
    let Some(&(kind_str, kind_keys)) = KIND_KEYS.iter().find(|(k, _)| *k == kind_name.get_ref())
    else {
        sink.error(
            kind_name.span(),
            Problem::UnknownKind(kind_name.into_inner()),
        );
        return None;
    };
    let kind = match kind_str {
        "choice" => parse_choices(&mut f, sink, fence.clone(), &mut links),
        "truefalse" => f
            .required_boolean(sink, "answer")
            .map(|a| QuestionKind::TrueFalse {
                answer: a.into_inner(),
            }),
        "text" => parse_text(&mut f, sink, fence.clone()),
        _ => parse_order(&mut f, sink, fence.clone()),
    };

    for (key, span) in f.leftovers() {
        if ALL_QUESTION_KEYS.contains(&key.as_str()) {
            sink.error(
                span,
                Problem::KeyNotForKind {
                    key,
                    kind: kind_str,
                },
            );
        } else {
            let known: Vec<&'static str> = COMMON_KEYS.iter().chain(kind_keys).copied().collect();
            sink.error(
                span,
                Problem::UnknownKey {
                    suggestion: fields::closest(&key, &known),
                    key,
                    table: "a quiz block",
                },
            );
        }
    }
    if explain.is_none() {
        sink.warn(fence, Problem::NoExplain);
    }

    let prompt = prompt?;
    let (id, id_span) = resolve_id(id, lesson_id, prompt.get_ref(), &block.span, sink)?;
    Some(Parsed {
        exercise: Exercise::Question(Question {
            id,
            prompt: prompt.into_inner(),
            kind: kind?,
            explain: explain.map(Spanned::into_inner),
            hint: hint.map(Spanned::into_inner),
            line: block.line,
        }),
        id_span,
        links,
    })
}

fn parse_choices(
    f: &mut Fields,
    sink: &mut Sink,
    fence: Range<usize>,
    links: &mut Vec<LinkTarget>,
) -> Option<QuestionKind> {
    let shuffle = f.boolean(sink, "shuffle").is_some_and(Spanned::into_inner);
    if !f.has("choices") {
        sink.error(
            fence,
            Problem::MissingKey {
                key: "choices",
                table: "a choice question",
            },
        );
        return None;
    }
    let tables = f.tables(sink, "choices")?;
    let mut choices = Vec::with_capacity(tables.len());
    let mut ok = true;
    for (table, span) in &tables {
        let mut c = Fields::new(table, f.origin(), span.clone(), "a choice");
        let text = c.required_string(sink, "text");
        let correct = c.boolean(sink, "correct").is_some_and(Spanned::into_inner);
        let feedback = c.string(sink, "feedback");
        c.finish(sink, CHOICE_KEYS);
        for text in [&text, &feedback].into_iter().flatten() {
            links_in(text, sink, links);
        }
        if let Some(text) = &text
            && leans_on_the_others(text.get_ref())
        {
            sink.warn(
                text.span(),
                Problem::AboveChoice(text.get_ref().trim().to_string()),
            );
        }
        match text {
            Some(text) => choices.push(Choice {
                text: text.into_inner(),
                correct,
                feedback: feedback.map(Spanned::into_inner),
            }),
            None => ok = false,
        }
    }
    if !ok {
        return None;
    }
    if choices.len() < 2 {
        sink.error(fence, Problem::TooFewChoices(choices.len()));
        return None;
    }
    if choices.len() > 9 {
        sink.error(fence, Problem::TooManyChoices(choices.len()));
        return None;
    }
    if !choices.iter().any(|c| c.correct) {
        sink.error(fence, Problem::NoCorrectChoice);
        return None;
    }
    Some(QuestionKind::Choice { choices, shuffle })
}

fn parse_text(f: &mut Fields, sink: &mut Sink, fence: Range<usize>) -> Option<QuestionKind> {
    let case_sensitive = f
        .boolean(sink, "case_sensitive")
        .is_some_and(Spanned::into_inner);
    let examples = examples::parse(f, sink, fence.clone());
    if !f.has("answers") {
        sink.error(fence, Problem::NoAnswers);
        return None;
    }
    let answers = f.strings(sink, "answers")?;
    let span = answers.span();
    let answers: Vec<Spanned<String>> = answers
        .into_inner()
        .into_iter()
        .filter(|a| !a.get_ref().trim().is_empty())
        .collect();
    if answers.is_empty() {
        sink.error(span, Problem::NoAnswers);
        return None;
    }
    let examples = examples.ok()?;
    match &examples {
        // Spellings are graded by what they do: variants need not be listed, and are not redundant.
        Some(examples) => examples::check_answers(&answers, examples, sink),
        None => check_answers(&answers, case_sensitive, sink),
    }
    let answers = answers.into_iter().map(Spanned::into_inner).collect();
    Some(QuestionKind::Text {
        answers,
        case_sensitive,
        examples,
    })
}

fn parse_order(f: &mut Fields, sink: &mut Sink, fence: Range<usize>) -> Option<QuestionKind> {
    if !f.has("items") {
        sink.error(
            fence,
            Problem::MissingKey {
                key: "items",
                table: "an order question",
            },
        );
        return None;
    }
    let items = f.strings(sink, "items")?;
    let span = items.span();
    let items: Vec<String> = items
        .into_inner()
        .into_iter()
        .map(Spanned::into_inner)
        .collect();
    if items.len() < 2 {
        sink.error(span, Problem::TooFewItems(items.len()));
        return None;
    }
    if items.len() == 2 {
        sink.warn(span, Problem::TwoItemOrder);
    }
    Some(QuestionKind::Order { items })
}

fn parse_card(
    table: &DeTable,
    block: &Block,
    fence: Range<usize>,
    lesson_id: &str,
    sink: &mut Sink,
) -> Option<Parsed> {
    let mut f = Fields::new(table, &block.origin, fence, "a card block");
    let id = f.string(sink, "id");
    let front = f.required_string(sink, "front");
    let back = f.required_string(sink, "back");
    non_empty(&front, "front", sink);
    non_empty(&back, "back", sink);
    f.finish(sink, CARD_KEYS);
    let mut links = Vec::new();
    for text in [&front, &back].into_iter().flatten() {
        links_in(text, sink, &mut links);
    }
    let (front, back) = (front?, back?);
    let card_prefix = format!("{lesson_id}-card");
    let (id, id_span) = resolve_id(id, &card_prefix, front.get_ref(), &block.span, sink)?;
    Some(Parsed {
        exercise: Exercise::Card(Card {
            id,
            front: front.into_inner(),
            back: back.into_inner(),
            line: block.line,
        }),
        id_span,
        links,
    })
}

/// Choices that lean on the others ("all of the above", "none of these"): they read wrong once shuffled and let a
/// learner answer by elimination.
fn leans_on_the_others(text: &str) -> bool {
    let lead = ["all", "none", "both", "neither", "any"];
    // Most choices start with no lead word at all: they are told apart without normalising (allocating) the text.
    let start = text.trim().trim_start_matches(['*', '_']).as_bytes();
    if !lead.iter().any(|l| {
        start
            .get(..l.len())
            .is_some_and(|s| s.eq_ignore_ascii_case(l.as_bytes()))
    }) {
        return false;
    }
    let text = text
        .trim()
        .trim_end_matches(['.', '!', '?'])
        .to_lowercase()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    let text = text.trim_matches(['*', '_']);
    let tail = [
        "of the above",
        "the above",
        "above",
        "of these",
        "of the others",
        "of the options",
        "of the choices",
    ];
    lead.iter().any(|l| {
        text.strip_prefix(l)
            .is_some_and(|rest| tail.iter().any(|t| rest.trim() == *t))
    })
}

/// The only accepted answer, when learners are likely to write it another way: a number (`2`, `two`, `2.0`) or
/// command-line flags (`-am` or `-a -m`, `--message`, any order). Repeated answers that grading treats as the same
/// (letter case unless `case_sensitive`, spacing) are named too.
fn check_answers(answers: &[Spanned<String>], case_sensitive: bool, sink: &mut Sink) {
    if let [only] = answers {
        let text = only.get_ref();
        let words: Vec<&str> = text.split_whitespace().collect();
        let why = if words.iter().any(|w| is_number(w)) {
            Some("numbers can be written another way (`2`, `two`, `2.0`)")
        } else if words.iter().skip(1).any(|w| is_flag(w)) {
            Some("flags can be written another way (`-am` or `-a -m`, long names, another order)")
        } else {
            None
        };
        if let Some(why) = why {
            sink.warn(
                only.span(),
                Problem::OneAnswerInvitesVariants {
                    answer: text.trim().to_string(),
                    why,
                },
            );
        }
    }
    for (i, answer) in answers.iter().enumerate() {
        let Some(same_as) = answers[..i]
            .iter()
            .find(|a| crate::text::same_text(a.get_ref(), answer.get_ref(), case_sensitive))
        else {
            continue;
        };
        let (a, b) = (same_as.get_ref(), answer.get_ref());
        let how = if crate::text::same_text(a, b, true) {
            "spacing"
        } else if a.trim() == a && b.trim() == b && a.split(' ').count() == b.split(' ').count() {
            "letter case"
        } else {
            "letter case and spacing"
        };
        sink.warn(
            answer.span(),
            Problem::RedundantAnswer {
                answer: b.to_string(),
                same_as: a.to_string(),
                how,
            },
        );
    }
}

/// A word that is a number: digits (with `.` or `,` inside), or a number written out up to twelve.
fn is_number(word: &str) -> bool {
    let word = word.trim_matches(|c: char| !c.is_alphanumeric());
    let digits = !word.is_empty()
        && word.starts_with(|c: char| c.is_ascii_digit())
        && word
            .chars()
            .all(|c| c.is_ascii_digit() || c == '.' || c == ',');
    let spelt = [
        "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
        "eleven", "twelve",
    ];
    digits || spelt.contains(&word.to_lowercase().as_str())
}

/// A command-line flag: `-x`, `-am`, `--long`, `--long=value`.
fn is_flag(word: &str) -> bool {
    let name = word
        .strip_prefix("--")
        .or_else(|| word.strip_prefix('-'))
        .unwrap_or("");
    name.starts_with(|c: char| c.is_ascii_alphabetic())
}

/// The links and images to pack files in a text of a quiz or card block, to be checked like those in prose. Each
/// is placed where it stands in the file when the string is written there as it reads (no escapes), else at the
/// string's start.
fn links_in(text: &Spanned<String>, sink: &Sink, links: &mut Vec<LinkTarget>) {
    use pulldown_cmark::{Event, Parser, Tag};
    let value = text.get_ref();
    if !value.contains("](") && !value.contains("]:") {
        return;
    }
    let span = text.span();
    let raw = sink.source.text.get(span.clone()).unwrap_or("");
    let quote = if raw.starts_with("\"\"\"") || raw.starts_with("'''") {
        3
    } else {
        1
    };
    let mut body = span.start + quote.min(raw.len());
    if quote == 3 {
        let rest = &raw[quote.min(raw.len())..];
        body += rest.len() - rest.trim_start_matches(['\r', '\n']).len().min(rest.len());
        body = body.min(span.end);
    }
    let verbatim = sink
        .source
        .text
        .get(body..)
        .is_some_and(|t| t.starts_with(value.as_str()));
    let parser = Parser::new_ext(value, links::markdown_options()).into_offset_iter();
    for (event, range) in parser {
        if let Event::Start(Tag::Link { dest_url, .. } | Tag::Image { dest_url, .. }) = event
            && links::is_local(&dest_url)
        {
            let at = if verbatim {
                body + range.start..body + range.end
            } else {
                span.clone()
            };
            links.push(LinkTarget {
                target: dest_url.to_string(),
                site: sink.site(at),
            });
        }
    }
}

fn non_empty(value: &Option<Spanned<String>>, key: &'static str, sink: &mut Sink) {
    if let Some(v) = value
        && v.get_ref().trim().is_empty()
    {
        sink.error(v.span(), Problem::Empty(key));
    }
}

/// The author's id if valid, else an id derived from the lesson id and the text, stable across runs and machines.
fn resolve_id(
    id: Option<Spanned<String>>,
    lesson_id: &str,
    text: &str,
    block: &Range<usize>,
    sink: &mut Sink,
) -> Option<(String, Range<usize>)> {
    match id {
        Some(id) if is_valid_id(id.get_ref()) => {
            let span = id.span();
            Some((id.into_inner(), span))
        }
        Some(id) => {
            sink.error(id.span(), Problem::BadId(id.into_inner()));
            None
        }
        None => Some((derived_id(lesson_id, text), block.start..block.start + 3)),
    }
}

/// `LESSON_ID-XXXXXXXX`, the hex digits a 32-bit FNV-1a hash of the text: a fixed function, so that ids stay the same
/// across morsel versions and machines (the standard library's hasher promises neither).
pub(crate) fn derived_id(lesson_id: &str, text: &str) -> String {
    let hash = crate::text::hash::fnv32(text.trim().as_bytes());
    let mut id = format!("{lesson_id}-{hash:08x}");
    if id.len() > 64 {
        id.replace_range(..id.len() - 64, "");
        id = id.trim_start_matches('-').to_string();
    }
    id
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use super::*;
    use crate::pack::diagnostic::Diagnostic;
    use crate::pack::source::SourceFile;

    fn parse_block(kind: BlockKind, toml: &str) -> (Option<Exercise>, Vec<Diagnostic>) {
        // The block stands in a file whose first line is the fence.
        let text = format!("```x\n{toml}```\n");
        let source = SourceFile::new(PathBuf::from("l.md"), text.clone());
        let block = Block {
            kind,
            toml: &source.text[5..5 + toml.len()],
            origin: Origin::at(5),
            span: 0..text.len() - 1,
            line: 1,
        };
        let mut out = Vec::new();
        let parsed = parse(
            &block,
            "l",
            &mut Sink {
                source: &source,
                out: &mut out,
            },
        );
        (parsed.map(|p| p.exercise), out)
    }

    fn question(toml: &str) -> Question {
        match parse_block(BlockKind::Quiz, toml) {
            (Some(Exercise::Question(q)), d) if d.is_empty() => q,
            other => panic!("expected a clean question, got {:?}", other.1),
        }
    }

    fn errors(kind: BlockKind, toml: &str) -> Vec<(usize, String)> {
        parse_block(kind, toml)
            .1
            .into_iter()
            .filter(Diagnostic::is_error)
            .map(|d| (d.site.position.line, d.message()))
            .collect()
    }

    #[test]
    fn choice_with_feedback_and_pick_all() {
        let q = question(
            "kind = \"choice\"\nprompt = \"P\"\nexplain = \"E\"\nchoices = [\n  { text = \"a\", correct = true },\n  { text = \"b\", feedback = \"no\" },\n  { text = \"c\", correct = true },\n]\n",
        );
        let QuestionKind::Choice { choices, shuffle } = q.kind else {
            panic!("not a choice")
        };
        assert!(!shuffle);
        assert_eq!(choices.iter().filter(|c| c.correct).count(), 2);
        assert_eq!(choices[1].feedback.as_deref(), Some("no"));
    }

    #[test]
    fn every_kind_parses() {
        let tf =
            question("kind = \"truefalse\"\nprompt = \"P\"\nanswer = false\nexplain = \"E\"\n");
        assert_eq!(tf.kind, QuestionKind::TrueFalse { answer: false });
        let text = question(
            "kind = \"text\"\nprompt = \"P\"\nanswers = [\"a\", \"b\"]\ncase_sensitive = true\nexplain = \"E\"\n",
        );
        assert_eq!(
            text.kind,
            QuestionKind::Text {
                answers: vec!["a".into(), "b".into()],
                case_sensitive: true,
                examples: None,
            }
        );
        let order = question(
            "kind = \"order\"\nprompt = \"P\"\nitems = [\"1\", \"2\", \"3\"]\nexplain = \"E\"\nhint = \"H\"\n",
        );
        assert_eq!(
            order.kind,
            QuestionKind::Order {
                items: vec!["1".into(), "2".into(), "3".into()]
            }
        );
        assert_eq!(order.hint.as_deref(), Some("H"));
    }

    #[test]
    fn derived_ids_are_stable_and_explicit_ids_win() {
        let q =
            question("kind = \"truefalse\"\nprompt = \"Is it?\"\nanswer = true\nexplain = \"E\"\n");
        assert_eq!(q.id, derived_id("l", "Is it?"));
        // FNV-1a 32 of "Is it?" is 0xfeb21cd7 (checked against an independent implementation). A change here would
        // orphan every learner's saved answers.
        assert_eq!(derived_id("l", "Is it?"), "l-feb21cd7");
        let q = question(
            "id = \"mine\"\nkind = \"truefalse\"\nprompt = \"Is it?\"\nanswer = true\nexplain = \"E\"\n",
        );
        assert_eq!(q.id, "mine");
        let (card, _) = parse_block(BlockKind::Card, "front = \"Is it?\"\nback = \"B\"\n");
        let Some(Exercise::Card(card)) = card else {
            panic!("a card")
        };
        assert_eq!(
            card.id, "l-card-feb21cd7",
            "a card never takes the id of a question with the same text"
        );
    }

    #[test]
    fn errors_point_at_the_line_in_the_markdown_file() {
        // Line 1 is the fence, so the TOML's line 2 is the file's line 3.
        let e = errors(
            BlockKind::Quiz,
            "kind = \"choice\"\nprompt = \"P\"\nchoices = 3\nexplain = \"E\"\n",
        );
        assert_eq!(
            e,
            vec![(
                4,
                "`choices` must be an array of tables, not integer".to_string()
            )]
        );
        let e = errors(
            BlockKind::Quiz,
            "kind = \"choice\"\nprompt = \"P\"\nexplain = \"E\"\nchoices = [{ text = \"a\" }, { text = \"b\" }]\n",
        );
        assert_eq!(
            e,
            vec![(
                1,
                "no choice is marked `correct = true`; at least one must be".to_string()
            )]
        );
        let e = errors(BlockKind::Quiz, "kind = \"essay\"\nprompt = \"P\"\n");
        assert_eq!(e[0].0, 2);
        assert!(e[0].1.contains("unknown question kind `essay`"));
    }

    #[test]
    fn keys_of_another_kind_and_typos_are_named() {
        let e = errors(
            BlockKind::Quiz,
            "kind = \"truefalse\"\nprompt = \"P\"\nanswer = true\nexplain = \"E\"\nchoices = []\nexplian = \"x\"\n",
        );
        assert_eq!(
            e,
            vec![
                (
                    6,
                    "`choices` does not apply to truefalse questions".to_string()
                ),
                (
                    7,
                    "unknown key `explian` in a quiz block; did you mean `explain`?".to_string()
                ),
            ]
        );
    }

    #[test]
    fn missing_pieces_are_errors() {
        assert!(
            errors(
                BlockKind::Quiz,
                "kind = \"text\"\nprompt = \"P\"\nexplain = \"E\"\n"
            )[0]
            .1
            .contains("at least one accepted answer")
        );
        assert!(
            errors(
                BlockKind::Quiz,
                "kind = \"order\"\nprompt = \"P\"\nitems = [\"x\"]\nexplain = \"E\"\n"
            )[0]
            .1
            .contains("at least 2 items")
        );
        assert!(errors(BlockKind::Quiz, "kind = \"choice\"\nprompt = \"P\"\nchoices = [{ text = \"a\", correct = true }]\nexplain = \"E\"\n")[0].1.contains("at least 2 choices"));
        assert!(
            errors(BlockKind::Card, "front = \"F\"\n")[0]
                .1
                .contains("missing key `back`")
        );
    }

    #[test]
    fn ten_choices_are_too_many_to_pick_with_one_key() {
        let choices: Vec<String> = (0..10)
            .map(|i| format!("{{ text = \"c{i}\", correct = {} }}", i == 0))
            .collect();
        let toml = format!(
            "kind = \"choice\"\nprompt = \"P\"\nexplain = \"E\"\nchoices = [{}]\n",
            choices.join(", ")
        );
        let e = errors(BlockKind::Quiz, &toml);
        assert_eq!(e.len(), 1);
        assert!(e[0].1.contains("at most 9 choices"), "{e:?}");
    }

    #[test]
    fn a_question_without_explain_warns() {
        let (q, d) = parse_block(
            BlockKind::Quiz,
            "kind = \"truefalse\"\nprompt = \"P\"\nanswer = true\n",
        );
        assert!(q.is_some());
        assert_eq!(d.len(), 1);
        assert!(!d[0].is_error());
        assert!(d[0].message().contains("no `explain`"));
    }

    fn warnings(toml: &str) -> Vec<String> {
        parse_block(BlockKind::Quiz, toml)
            .1
            .into_iter()
            .filter(|d| !d.is_error())
            .map(|d| d.message())
            .collect()
    }

    #[test]
    fn choices_that_lean_on_the_others_are_named_in_their_common_forms() {
        for text in [
            "All of the above",
            "none of the above.",
            "**Both of the above**",
            "Neither of these",
            "ALL  THE ABOVE!",
            "  _none of these_ ",
        ] {
            assert!(leans_on_the_others(text), "{text}");
        }
        for text in [
            "Above the fold",
            "All commits",
            "None",
            "Nothing above 10",
            "* all of the above",
        ] {
            assert!(!leans_on_the_others(text), "{text}");
        }
    }

    #[test]
    fn one_text_answer_warns_only_for_numbers_and_flags() {
        let text = |answer: &str| {
            warnings(&format!(
                "kind = \"text\"\nprompt = \"P\"\nanswers = [{answer:?}]\nexplain = \"E\"\n"
            ))
        };
        for answer in ["3", "three commits", "1.5", "git log -p", "ls --all"] {
            assert_eq!(text(answer).len(), 1, "{answer}");
        }
        // Digits inside a name, a regex or a revision, a lone flag, a dash in prose: one way to write them.
        for answer in [
            "HEAD~2",
            "07-rebase",
            "\\d{3}",
            "-o",
            "git switch -",
            "well-known",
        ] {
            assert_eq!(text(answer), Vec::<String>::new(), "{answer}");
        }
        // Two accepted answers: the author has thought of variants.
        assert!(
            warnings(
                "kind = \"text\"\nprompt = \"P\"\nanswers = [\"3\", \"three\"]\nexplain = \"E\"\n"
            )
            .is_empty()
        );
    }

    #[test]
    fn case_variants_are_redundant_only_when_case_is_ignored() {
        let toml = |sensitive: bool| {
            format!(
                "kind = \"text\"\nprompt = \"P\"\nanswers = [\"Straße\", \"STRASSE\", \" Straße \"]\ncase_sensitive = {sensitive}\nexplain = \"E\"\n"
            )
        };
        let ignored = warnings(&toml(false));
        assert_eq!(ignored.len(), 2, "{ignored:?}");
        assert!(ignored[0].contains("`STRASSE` differs from `Straße` only by letter case"));
        assert!(ignored[1].contains("` Straße ` differs from `Straße` only by spacing"));
        let kept = warnings(&toml(true));
        assert_eq!(kept.len(), 1, "{kept:?}");
        assert!(kept[0].contains("only by spacing"));
    }

    #[test]
    fn links_in_escaped_strings_are_placed_at_the_string() {
        let text = "```x\nfront = \"see \\\"[x](a.md)\"\nback = \"[y](b.md)\"\n```\n";
        let source = SourceFile::new(PathBuf::from("l.md"), text.to_string());
        let toml = &source.text[5..text.len() - 4];
        let block = Block {
            kind: BlockKind::Card,
            toml,
            origin: Origin::at(5),
            span: 0..text.len() - 1,
            line: 1,
        };
        let mut out = Vec::new();
        let parsed = parse(
            &block,
            "l",
            &mut Sink {
                source: &source,
                out: &mut out,
            },
        )
        .expect("a card");
        let places: Vec<_> = parsed
            .links
            .iter()
            .map(|l| {
                (
                    l.target.as_str(),
                    l.site.position.line,
                    l.site.position.column,
                )
            })
            .collect();
        // The escaped quote moves the text, so the first is placed at its string; the second at its `[`.
        assert_eq!(places, [("a.md", 2, 9), ("b.md", 3, 9)]);
    }

    #[test]
    fn example_lines_grade_a_text_question_by_behaviour() {
        let q = question(
            "kind = \"text\"\nprompt = \"P\"\nanswers = ['colou?r']\nflavour = \"grep -E\"\nmatches = [\"color\", \"colour\"]\nrejects = [\"colouur\"]\nexplain = \"E\"\n",
        );
        let QuestionKind::Text {
            examples: Some(examples),
            ..
        } = q.kind
        else {
            panic!("examples")
        };
        assert_eq!(examples.flavour, crate::text::pattern::Flavour::GrepE);
        assert_eq!(examples.matches, ["color", "colour"]);
        assert_eq!(examples.rejects, ["colouur"]);
    }

    /// Errors of the example keys, each as `(line, column, message)`, the fence on line 1.
    fn example_errors(keys: &str) -> Vec<(usize, usize, String)> {
        let toml = format!("kind = \"text\"\nprompt = \"P\"\nexplain = \"E\"\n{keys}");
        parse_block(BlockKind::Quiz, &toml)
            .1
            .into_iter()
            .filter(Diagnostic::is_error)
            .map(|d| (d.site.position.line, d.site.position.column, d.message()))
            .collect()
    }

    #[test]
    fn example_mistakes_are_placed_where_they_are_written() {
        let e = example_errors(
            "answers = ['colou?r', 'colour']\nflavour = 'grep -E'\nmatches = ['color', 'colour']\nrejects = ['colouur']\n",
        );
        assert_eq!(
            e,
            [(
                5,
                23,
                "accepted answer `colour` does not match the example line `color`; fix the answer or the example lines"
                    .to_string()
            )]
        );
        let e = example_errors(
            "answers = ['colo(u?r']\nflavour = 'grep -E'\nmatches = ['color']\nrejects = ['colouur']\n",
        );
        assert_eq!((e[0].0, e[0].1), (5, 12), "{e:?}");
        assert!(
            e[0].2
                .starts_with("`colo(u?r` is not a valid grep -E pattern: "),
            "{e:?}"
        );
        let e = example_errors("answers = ['a']\nflavour = 'grep'\nmatches = ['a']\n");
        assert_eq!(
            e,
            [(
                6,
                11,
                "unknown regex flavour `grep`; expected \"grep -E\" or \"rg\"".to_string()
            )]
        );
        let e = example_errors("answers = ['a']\nmatches = ['a']\nrejects = ['b', 'a']\n");
        assert_eq!(e.len(), 2, "{e:?}");
        assert_eq!((e[0].0, e[0].1), (7, 17), "{e:?}");
        assert!(e[0].2.contains("in both `matches` and `rejects`"), "{e:?}");
        assert!(e[1].2.contains("missing key `flavour`"), "{e:?}");
        let e = example_errors("answers = ['a']\nflavour = 'rg'\nrejects = ['b']\n");
        assert!(e[0].2.contains("missing key `matches`"), "{e:?}");
        let e = example_errors("answers = ['a']\nflavour = 'rg'\nmatches = [\"a\\nb\"]\n");
        assert!(e[0].2.contains("holds a line break"), "{e:?}");
    }

    #[test]
    fn example_lines_without_rejects_warn() {
        let w = warnings(
            "kind = \"text\"\nprompt = \"P\"\nexplain = \"E\"\nanswers = ['3']\nflavour = 'rg'\nmatches = ['3']\n",
        );
        assert_eq!(w.len(), 1, "{w:?}");
        assert!(w[0].starts_with("no `rejects`"), "{w:?}");
    }

    #[test]
    fn toml_syntax_errors_are_placed_in_the_markdown_file() {
        let e = errors(BlockKind::Card, "front = \"F\"\nback = \"unterminated\n");
        assert_eq!(e[0].0, 3);
        assert!(e[0].1.starts_with("invalid TOML"));
    }
}
