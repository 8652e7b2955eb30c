//! Fuzzing on stable Rust: packs generated from a grammar of the pack format (course.toml, front matter, prose of
//! every kind, bites cut by thematic breaks, `quiz` and `card` blocks of every kind with valid and invalid fields,
//! unicode, control characters, very long lines), then their bytes mutated (flips, insertions, deletions,
//! truncations, splices between files). Each case is loaded, checked (text, colour and JSON), every bite and exercise
//! rendered at random widths, printed (plain and colour), and played: a `Session` driven by random moves against a
//! `MemoryJournal`, reopened from its own records, and `play --plain` fed random lines.
//!
//! Invariants: no panic; at most 50 diagnostics shown per file (and one "and N more"); nothing written holds a
//! control byte (only '\n', and in colour only well-formed SGR sequences); rendered lines fit their width; the work
//! is linear in the input (lines and records bounded by counts, never by time); a reopened session resumes where the
//! last one stood.
//!
//! `cargo test --test fuzz` runs a few hundred cases from a fixed seed; `scripts/fuzz.sh` runs many more from a
//! printed seed (`PROPTEST_CASES`, `PROPTEST_RNG_SEED`). A failing case is written to
//! `target/tmp/fuzz-failures/last/` (pack and `case.txt`); copied under `tests/fixtures/fuzz/NAME/`, it is
//! replayed by `fixtures_replay`.

#![allow(clippy::unwrap_used)] // Tests: a panic is the failure report.

use std::fmt::Write as _;
use std::io::Cursor;
use std::path::{Path, PathBuf};
use std::rc::Rc;
use std::sync::atomic::{AtomicUsize, Ordering};

use morsel::commands::{check, print};
use morsel::learn::clock::ManualClock;
use morsel::learn::grade::{self, Response};
use morsel::learn::journal::{MemoryJournal, Rating, Record};
use morsel::learn::progress::Progress;
use morsel::learn::session::{OpenOptions, Session, Stage};
use morsel::pack::{self, Exercise, LoadReport, Pack, QuestionKind, diagnostic::MAX_PER_FILE};
use morsel::render::{self, Styles};
use proptest::prelude::*;
use proptest::sample::Index;
use proptest::test_runner::{Config, RngSeed, TestRunner};
use ratatui::text::Line;

/// Cases run by `cargo test` when `PROPTEST_CASES` is not set.
const DEFAULT_CASES: u32 = 300;
/// The seed of `cargo test` when `PROPTEST_RNG_SEED` is not set, so that CI runs the same cases every time.
const DEFAULT_SEED: u64 = 0x6d6f_7273_656c;

/// Rendered lines of a bite, at any width, per byte of its Markdown, plus a constant: the linear bound.
const LINES_PER_BYTE: usize = 8;
const LINES_CONST: usize = 64;

// ---------------------------------------------------------------------------------------------------------------
// The case: files of a pack, and what to do with them.

/// One mutation of the bytes of one file.
#[derive(Debug, Clone)]
enum Mutation {
    Flip(Index, Index, u8),
    Insert(Index, Index, Vec<u8>),
    Delete(Index, Index, usize),
    Truncate(Index, Index),
    /// Bytes of one file put into another (or the same) at some place.
    Splice(Index, Index, usize, Index, Index),
}

/// A move of the session driver.
#[derive(Debug, Clone, PartialEq)]
enum Move {
    Advance,
    Back,
    AnswerRight,
    AnswerTyped(String),
    Skip,
    TryAgain,
    Hint,
    Reveal,
    Rate(u8),
    RetryMissed,
    Scroll(u16),
    Note(String),
    RateBite(bool),
    Pause,
    PauseIdle,
    Resume,
    Close,
    Tick(u16),
    /// Open the course again from the records kept so far, as after a crash.
    Reopen,
}

#[derive(Debug, Clone)]
struct Case {
    /// Relative path and bytes of each file of the pack.
    files: Vec<(String, Vec<u8>)>,
    /// Widths to render every bite at.
    widths: Vec<u16>,
    styles: u8,
    print_width: u16,
    answers: bool,
    moves: Vec<Move>,
    /// Lines fed to `play --plain`.
    plain: Vec<String>,
    seed: u64,
}

impl Move {
    fn to_line(&self) -> String {
        match self {
            Move::Advance => "advance".into(),
            Move::Back => "back".into(),
            Move::AnswerRight => "answer-right".into(),
            Move::AnswerTyped(t) => format!("answer {}", escape(t)),
            Move::Skip => "skip".into(),
            Move::TryAgain => "try-again".into(),
            Move::Hint => "hint".into(),
            Move::Reveal => "reveal".into(),
            Move::Rate(n) => format!("rate {n}"),
            Move::RetryMissed => "retry-missed".into(),
            Move::Scroll(n) => format!("scroll {n}"),
            Move::Note(t) => format!("note {}", escape(t)),
            Move::RateBite(clear) => format!("rate-bite {clear}"),
            Move::Pause => "pause".into(),
            Move::PauseIdle => "pause-idle".into(),
            Move::Resume => "resume".into(),
            Move::Close => "close".into(),
            Move::Tick(s) => format!("tick {s}"),
            Move::Reopen => "reopen".into(),
        }
    }

    fn parse(line: &str) -> Move {
        let (verb, rest) = line.split_once(' ').unwrap_or((line, ""));
        match verb {
            "advance" => Move::Advance,
            "back" => Move::Back,
            "answer-right" => Move::AnswerRight,
            "answer" => Move::AnswerTyped(unescape(rest)),
            "skip" => Move::Skip,
            "try-again" => Move::TryAgain,
            "hint" => Move::Hint,
            "reveal" => Move::Reveal,
            "rate" => Move::Rate(rest.parse().unwrap()),
            "retry-missed" => Move::RetryMissed,
            "scroll" => Move::Scroll(rest.parse().unwrap()),
            "note" => Move::Note(unescape(rest)),
            "rate-bite" => Move::RateBite(rest == "true"),
            "pause" => Move::Pause,
            "pause-idle" => Move::PauseIdle,
            "resume" => Move::Resume,
            "close" => Move::Close,
            "tick" => Move::Tick(rest.parse().unwrap()),
            "reopen" => Move::Reopen,
            other => panic!("unknown move `{other}` in a fuzz fixture"),
        }
    }
}

/// A line of `case.txt` holds no newline: `\` and '\n' are escaped.
fn escape(text: &str) -> String {
    text.replace('\\', "\\\\").replace('\n', "\\n")
}

fn unescape(text: &str) -> String {
    let mut out = String::new();
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        match (c, c == '\\') {
            (_, true) => match chars.next() {
                Some('n') => out.push('\n'),
                Some(other) => out.push(other),
                None => out.push('\\'),
            },
            (c, false) => out.push(c),
        }
    }
    out
}

impl Case {
    /// Everything but the files, as lines: `widths 1 80`, `styles 3`, `print 40 true`, `seed 7`, `move …`,
    /// `plain …`.
    fn to_text(&self) -> String {
        let mut out = String::new();
        let widths: Vec<String> = self.widths.iter().map(u16::to_string).collect();
        let _ = writeln!(out, "widths {}", widths.join(" "));
        let _ = writeln!(out, "styles {}", self.styles);
        let _ = writeln!(out, "print {} {}", self.print_width, self.answers);
        let _ = writeln!(out, "seed {}", self.seed);
        for m in &self.moves {
            let _ = writeln!(out, "move {}", m.to_line());
        }
        for line in &self.plain {
            let _ = writeln!(out, "plain {}", escape(line));
        }
        out
    }

    fn from_text(files: Vec<(String, Vec<u8>)>, text: &str) -> Case {
        let mut case = Case {
            files,
            widths: vec![80],
            styles: 0,
            print_width: 80,
            answers: false,
            moves: Vec::new(),
            plain: Vec::new(),
            seed: 0,
        };
        for line in text.lines() {
            let (key, rest) = line.split_once(' ').unwrap_or((line, ""));
            match key {
                "widths" => case.widths = rest.split(' ').map(|w| w.parse().unwrap()).collect(),
                "styles" => case.styles = rest.parse().unwrap(),
                "print" => {
                    let (w, a) = rest.split_once(' ').unwrap();
                    case.print_width = w.parse().unwrap();
                    case.answers = a == "true";
                }
                "seed" => case.seed = rest.parse().unwrap(),
                "move" => case.moves.push(Move::parse(rest)),
                "plain" => case.plain.push(unescape(rest)),
                _ => {}
            }
        }
        case
    }

    fn write_pack(&self, dir: &Path) {
        for (name, bytes) in &self.files {
            let path = dir.join(name);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, bytes).unwrap();
        }
    }

    fn input_bytes(&self) -> usize {
        self.files.iter().map(|(_, b)| b.len()).sum()
    }
}

// ---------------------------------------------------------------------------------------------------------------
// The grammar.

/// Text that is hard on a renderer: wide, combining, zero-width, right-to-left, emoji sequences (variation
/// selectors, keycaps, skin tones, ZWJ sequences).
const UNICODE: &[&str] = &[
    "漢字",
    "é",
    "e\u{301}",
    "👩‍👩‍👧",
    "*\u{fe0f}",
    "#\u{fe0f}\u{20e3}",
    "❤\u{fe0f}",
    "❤\u{fe0e}",
    "👨\u{200d}💻",
    "🏳\u{fe0f}\u{200d}🌈",
    "👍🏽",
    "\u{200d}",
    "\u{fe0e}",
    "ｶﾞ",
    "لا",
    "\u{200b}",
    "שלום",
    "Ａｂ",
    "🇩🇪",
    "\u{fe0f}",
    "ﷺ",
    "a\u{0338}",
    "Ⅻ",
    "ß",
    "\u{feff}",
    "\u{2028}",
    "\u{a0}",
    "𝔘",
];

/// Control characters as a pack may hold them raw.
const CONTROLS: &[&str] = &[
    "\u{1b}[31m",
    "\u{1b}]8;;http://x\u{7}",
    "\u{7}",
    "\u{9b}2J",
    "\u{85}",
    "\t",
    "\r",
    "\u{7f}",
    "\u{8}",
    "\u{0}",
    "\u{c}",
    "\u{b}",
    "\u{1b}",
];

fn pick(list: &'static [&'static str]) -> BoxedStrategy<String> {
    proptest::sample::select(list)
        .prop_map(str::to_owned)
        .boxed()
}

/// A word: mostly ASCII, sometimes unicode, control characters, or a run without spaces.
fn word() -> BoxedStrategy<String> {
    prop_oneof![
        12 => "[a-z]{1,9}",
        2 => "[A-Za-z0-9_*`#>|\\[\\]()!<&;:.,'\"~=+-]{1,6}",
        2 => pick(UNICODE),
        1 => pick(CONTROLS),
        1 => (10usize..100, "[a-z漢é]").prop_map(|(n, c)| c.repeat(n)),
    ]
    .boxed()
}

/// A very long line without spaces, in prose or code.
fn long_line() -> BoxedStrategy<String> {
    (
        200usize..6000,
        "[a-z漢é]",
        prop_oneof![Just(""), Just("    "), Just("> "), Just("- ")],
    )
        .prop_map(|(n, c, lead)| format!("{lead}{}", c.repeat(n)))
        .boxed()
}

fn words(max: usize) -> BoxedStrategy<String> {
    proptest::collection::vec(word(), 1..max)
        .prop_map(|w| w.join(" "))
        .boxed()
}

const URLS: &[&str] = &[
    "https://example.org/x",
    "../assets/x.png",
    "assets/x.png",
    "a.md",
    "lessons/01-intro.md",
    "#frag",
    "",
    "javascript:alert(1)",
    "/etc/passwd",
    "../../out.md",
    "http://[::1",
    "x y",
    "\u{1b}[2J",
];

/// Emoji bases inside markup, each to be followed outside it by what continues its cluster: the cluster is then cut
/// between two styles (`*` in code, U+FE0F in prose), and must still be measured whole.
const MARKED_BASES: &[&str] = &[
    "`*`",
    "**#**",
    "*❤*",
    "[👩](a.md)",
    "~~1~~",
    "`e`",
    "<b>👍</b>",
];

/// What continues a cluster: variation selectors, a keycap, a ZWJ and the emoji it joins, a mark, a skin tone.
const CLUSTER_TAILS: &[&str] = &[
    "\u{fe0f}",
    "\u{fe0e}",
    "\u{fe0f}\u{20e3}",
    "\u{200d}💻",
    "\u{fe0f}\u{200d}🌈",
    "\u{301}",
    "\u{1f3fd}",
];

/// Inline Markdown: emphasis, code, links, images, footnote references, autolinks, HTML.
fn inline() -> BoxedStrategy<String> {
    let url = pick(URLS);
    prop_oneof![
        8 => words(8),
        1 => words(4).prop_map(|w| format!("*{w}*")),
        1 => words(4).prop_map(|w| format!("**{w}**")),
        1 => words(4).prop_map(|w| format!("~~{w}~~")),
        1 => words(3).prop_map(|w| format!("`{w}`")),
        1 => (words(3), url.clone()).prop_map(|(w, u)| format!("[{w}]({u})")),
        1 => (words(3), url).prop_map(|(w, u)| format!("![{w}]({u})")),
        1 => Just("<https://example.org>".to_owned()),
        1 => (1u8..4).prop_map(|n| format!("[^{n}]")),
        1 => words(2).prop_map(|w| format!("<b>{w}</b>")),
        1 => Just("\\*not\\* &amp; &#27; &#x9b;".to_owned()),
        1 => (pick(MARKED_BASES), pick(CLUSTER_TAILS)).prop_map(|(base, tail)| format!("{base}{tail}")),
    ]
    .boxed()
}

fn paragraph() -> BoxedStrategy<String> {
    proptest::collection::vec(inline(), 1..6)
        .prop_map(|parts| parts.join(" "))
        .boxed()
}

const LANGS: &[&str] = &[
    "rust",
    "python",
    "js",
    "sh",
    "toml",
    "",
    "no-such-lang",
    "c",
    "html",
    "diff",
    "markdown",
];

/// A string as a TOML basic string: control characters escaped, so they reach the value.
fn toml_string(text: &str) -> String {
    let mut out = String::from("\"");
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            c if c.is_control() => {
                let _ = write!(out, "\\u{:04X}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A value for a key of a TOML table: `good`, or (when `bad`) sometimes of the wrong type or malformed.
fn toml_value(good: BoxedStrategy<String>, bad: bool) -> BoxedStrategy<String> {
    if !bad {
        return good;
    }
    prop_oneof![
        10 => good,
        1 => Just("42".to_owned()),
        1 => Just("true".to_owned()),
        1 => Just("[1, \"x\"]".to_owned()),
        1 => Just("{ a = 1 }".to_owned()),
        1 => Just("\"unterminated".to_owned()),
        1 => Just("".to_owned()),
    ]
    .boxed()
}

/// `Some` of `strategy` with probability `p` (0 and 1 included).
fn maybe<S>(p: f64, strategy: S) -> BoxedStrategy<Option<S::Value>>
where
    S: Strategy + 'static,
    S::Value: Clone + 'static,
{
    if p <= 0.0 {
        Just(None).boxed()
    } else if p >= 1.0 {
        strategy.prop_map(Some).boxed()
    } else {
        proptest::option::weighted(p, strategy).boxed()
    }
}

fn text_value() -> BoxedStrategy<String> {
    paragraph().prop_map(|t| toml_string(&t)).boxed()
}

/// An id: when `bad`, from a small set (so that some repeat) or invalid; else one that hardly ever repeats.
fn id_value(bad: bool) -> BoxedStrategy<String> {
    if !bad {
        return "[a-z][a-z0-9-]{8,20}".prop_map(|s| toml_string(&s)).boxed();
    }
    prop_oneof![
        6 => "q[0-9]".prop_map(|s| toml_string(&s)),
        3 => "[a-z0-9][a-z0-9-]{0,20}".prop_map(|s| toml_string(&s)),
        1 => Just(toml_string("Bad_Id")),
        1 => Just(toml_string(&"a".repeat(65))),
        1 => Just(toml_string("")),
        1 => pick(CONTROLS).prop_map(|c| toml_string(&format!("id{c}"))),
    ]
    .boxed()
}

fn bool_value(bad: bool) -> BoxedStrategy<String> {
    toml_value(any::<bool>().prop_map(|b| b.to_string()).boxed(), bad)
}

fn text_array(min: usize, max: usize, bad: bool) -> BoxedStrategy<String> {
    let item = if bad {
        prop_oneof![4 => words(4), 1 => Just(" ".to_owned())].boxed()
    } else {
        "[a-z]{1,6}( [a-z]{1,6}){0,2}".boxed()
    };
    let min = if bad { 0 } else { min };
    proptest::collection::vec(item, min..max)
        .prop_map(|v| {
            let items: Vec<String> = v.iter().map(|s| toml_string(s)).collect();
            format!("[{}]", items.join(", "))
        })
        .boxed()
}

fn choice(bad: bool, correct: Option<bool>) -> BoxedStrategy<String> {
    let correct = match correct {
        Some(c) => Just(Some(c.to_string())).boxed(),
        None => maybe(0.5, bool_value(bad)).boxed(),
    };
    (
        text_value(),
        correct,
        maybe(0.3, text_value()),
        maybe(
            if bad { 0.05 } else { 0.0 },
            Just("corect = true".to_owned()),
        ),
    )
        .prop_map(|(text, correct, feedback, extra)| {
            let mut parts = vec![format!("text = {text}")];
            parts.extend(correct.map(|c| format!("correct = {c}")));
            parts.extend(feedback.map(|f| format!("feedback = {f}")));
            parts.extend(extra);
            format!("  {{ {} }},", parts.join(", "))
        })
        .boxed()
}

/// Lines of a quiz block of the given kind. When `bad`, each field may be missing, of the wrong type or unknown;
/// else the block is valid.
fn quiz_fields(kind: &'static str, bad: bool) -> BoxedStrategy<Vec<String>> {
    let (p_id, p_prompt, p_extra) = if bad {
        (0.9, 0.95, 0.05)
    } else {
        (0.7, 1.0, 0.0)
    };
    let common = (
        maybe(p_id, id_value(bad)),
        maybe(p_prompt, toml_value(text_value(), bad)),
        maybe(0.7, toml_value(text_value(), bad)),
        maybe(0.3, toml_value(text_value(), bad)),
        maybe(
            p_extra,
            prop_oneof![
                "[a-z_]{1,12} = 1".boxed(),
                pick(CONTROLS)
                    .prop_map(|c| format!("{} = 1", toml_string(&format!("key{c}"))))
                    .boxed(),
            ],
        ),
    );
    let specific: BoxedStrategy<Vec<String>> = match kind {
        "choice" => {
            let choices = if bad {
                proptest::collection::vec(choice(true, None), 0..11).boxed()
            } else {
                (
                    choice(false, Some(true)),
                    proptest::collection::vec(choice(false, None), 1..8),
                )
                    .prop_map(|(right, mut rest)| {
                        rest.push(right);
                        rest
                    })
                    .prop_shuffle()
                    .boxed()
            };
            (choices, maybe(0.3, bool_value(bad)))
                .prop_map(|(choices, shuffle)| {
                    let mut lines = vec![format!("choices = [\n{}\n]", choices.join("\n"))];
                    lines.extend(shuffle.map(|s| format!("shuffle = {s}")));
                    lines
                })
                .boxed()
        }
        "truefalse" => bool_value(bad)
            .prop_map(|b| vec![format!("answer = {b}")])
            .boxed(),
        "text" => (
            toml_value(text_array(1, 4, bad), bad),
            maybe(0.3, bool_value(bad)),
        )
            .prop_map(|(answers, case)| {
                let mut lines = vec![format!("answers = {answers}")];
                lines.extend(case.map(|c| format!("case_sensitive = {c}")));
                lines
            })
            .boxed(),
        "order" => toml_value(text_array(3, 7, bad), bad)
            .prop_map(|items| vec![format!("items = {items}")])
            .boxed(),
        _ => Just(vec!["items = [\"a\"]".to_owned()]).boxed(),
    };
    (common, specific)
        .prop_map(move |((id, prompt, explain, hint, extra), specific)| {
            let mut lines = Vec::new();
            lines.extend(id.map(|v| format!("id = {v}")));
            lines.push(format!("kind = \"{kind}\""));
            lines.extend(prompt.map(|v| format!("prompt = {v}")));
            lines.extend(specific);
            lines.extend(explain.map(|v| format!("explain = {v}")));
            lines.extend(hint.map(|v| format!("hint = {v}")));
            lines.extend(extra);
            lines
        })
        .boxed()
}

fn quiz(bad: bool) -> BoxedStrategy<String> {
    prop_oneof![
        3 => quiz_fields("choice", bad),
        2 => quiz_fields("truefalse", bad),
        2 => quiz_fields("text", bad),
        2 => quiz_fields("order", bad),
        1 => quiz_fields(if bad { "bogus" } else { "order" }, bad),
    ]
    .prop_map(|lines| format!("```quiz\n{}\n```", lines.join("\n")))
    .boxed()
}

fn card(bad: bool) -> BoxedStrategy<String> {
    let (p_field, p_extra) = if bad { (0.95, 0.05) } else { (1.0, 0.0) };
    (
        maybe(0.9, id_value(bad)),
        maybe(p_field, toml_value(text_value(), bad)),
        maybe(p_field, toml_value(text_value(), bad)),
        maybe(p_extra, Just("frnt = \"x\"".to_owned())),
    )
        .prop_map(|(id, front, back, extra)| {
            let mut lines = Vec::new();
            lines.extend(id.map(|v| format!("id = {v}")));
            lines.extend(front.map(|v| format!("front = {v}")));
            lines.extend(back.map(|v| format!("back = {v}")));
            lines.extend(extra);
            format!("```card\n{}\n```", lines.join("\n"))
        })
        .boxed()
}

fn list() -> BoxedStrategy<String> {
    proptest::collection::vec(
        (
            0usize..5,
            prop_oneof![
                Just("- "),
                Just("* "),
                Just("1. "),
                Just("- [ ] "),
                Just("- [x] ")
            ],
            paragraph(),
        ),
        1..8,
    )
    .prop_map(|items| {
        items
            .into_iter()
            .map(|(depth, marker, text)| format!("{}{marker}{text}", "  ".repeat(depth)))
            .collect::<Vec<_>>()
            .join("\n")
    })
    .boxed()
}

fn table() -> BoxedStrategy<String> {
    (
        1usize..6,
        proptest::collection::vec(proptest::collection::vec(inline(), 0..7), 0..6),
    )
        .prop_map(|(columns, rows)| {
            let head: Vec<String> = (0..columns).map(|i| format!("h{i}")).collect();
            let mut out = format!("| {} |\n|{}\n", head.join(" | "), ":--|".repeat(columns));
            for row in rows {
                let _ = writeln!(out, "| {} |", row.join(" | "));
            }
            out
        })
        .boxed()
}

fn code() -> BoxedStrategy<String> {
    (
        pick(LANGS),
        proptest::collection::vec(prop_oneof![4 => words(10), 1 => Just(String::new())], 0..12),
        prop_oneof![Just("```"), Just("~~~"), Just("````")],
        proptest::bool::weighted(0.9),
    )
        .prop_map(|(lang, lines, fence, closed)| {
            let close = if closed { fence } else { "" };
            format!("{fence}{lang}\n{}\n{close}", lines.join("\n"))
        })
        .boxed()
}

/// Nesting far deeper than a screen can show: quotes, lists, or both.
fn deep() -> BoxedStrategy<String> {
    (
        1usize..3000,
        prop_oneof![Just("> "), Just("- "), Just("> - "), Just("1. ")],
        words(3),
    )
        .prop_map(|(depth, lead, text)| {
            if lead.ends_with("- ") || lead == "1. " {
                // Each list item indented under the one before.
                let indent = " ".repeat(lead.len());
                (0..depth.min(400))
                    .map(|i| format!("{}{lead}{text}", indent.repeat(i)))
                    .collect::<Vec<_>>()
                    .join("\n")
            } else {
                format!("{}{text}", lead.repeat(depth))
            }
        })
        .boxed()
}

/// A quiz block with more problems than a file shows (unknown keys, each an error).
fn many_problems() -> BoxedStrategy<String> {
    (40usize..200)
        .prop_map(|n| {
            let keys: Vec<String> = (0..n).map(|i| format!("bogus{i} = {i}")).collect();
            format!(
                "```quiz\nkind = \"truefalse\"\nprompt = \"p\"\nanswer = true\n{}\n```",
                keys.join("\n")
            )
        })
        .boxed()
}

/// One top-level block of a bite.
fn block(bad: bool) -> BoxedStrategy<String> {
    prop_oneof![
        10 => paragraph(),
        3 => (1usize..8, paragraph()).prop_map(|(n, t)| format!("{} {t}", "#".repeat(n))),
        1 => paragraph().prop_map(|t| format!("{t}\n===")),
        1 => paragraph().prop_map(|t| format!("{t}\n---")),
        3 => list(),
        2 => (1usize..40, paragraph()).prop_map(|(n, t)| format!("{} {t}", ">".repeat(n))),
        2 => table(),
        3 => code(),
        1 => words(6).prop_map(|w| format!("    {w}\n    {w}")),
        1 => words(4).prop_map(|w| format!("<div>\n{w}\n</div>")),
        1 => (1u8..4, paragraph()).prop_map(|(n, t)| format!("[^{n}]: {t}")),
        4 => quiz(bad),
        2 => card(bad),
        1 => ".{0,60}",
        1 => long_line(),
        1 => deep(),
        1 => if bad { many_problems() } else { paragraph() },
    ]
    .boxed()
}

/// What stands between two bites: a break that cuts, or one that does not.
fn separator() -> BoxedStrategy<String> {
    prop_oneof![
        8 => Just("\n\n---\n\n"),
        1 => Just("\n\n***\n\n"),
        1 => Just("\n\n___\n\n"),
        1 => Just("\n\n- - -\n\n"),
        1 => Just("\n---\n"),
        1 => Just("\n\n    ---\n\n"),
        1 => Just("\n\n> ---\n\n"),
        1 => Just("\r\n\r\n---\r\n\r\n"),
    ]
    .prop_map(str::to_owned)
    .boxed()
}

fn front_matter(bad: bool) -> BoxedStrategy<String> {
    let p = if bad {
        (0.5, 0.05, 0.95)
    } else {
        (0.0, 0.0, 1.0)
    };
    let minutes = if bad {
        prop_oneof![
            Just("3"),
            Just("0"),
            Just("-1"),
            Just("nan"),
            Just("1e400"),
            Just("\"5\"")
        ]
        .boxed()
    } else {
        prop_oneof![Just("3"), Just("0.5"), Just("1e300")].boxed()
    };
    let toml = (
        maybe(p.0, id_value(bad)),
        maybe(0.5, toml_value(text_value(), bad)),
        maybe(0.3, minutes),
        maybe(p.1, Just("titel = \"x\"".to_owned())),
        proptest::bool::weighted(p.2),
    )
        .prop_map(|(id, title, minutes, extra, closed)| {
            let mut lines = vec!["+++".to_owned()];
            lines.extend(id.map(|v| format!("id = {v}")));
            lines.extend(title.map(|v| format!("title = {v}")));
            lines.extend(minutes.map(|v| format!("minutes = {v}")));
            lines.extend(extra);
            if closed {
                lines.push("+++".to_owned());
            }
            lines.join("\n") + "\n"
        });
    let yaml = if bad { "---\ntitle: YAML\n---\n" } else { "" };
    prop_oneof![
        4 => Just(String::new()),
        6 => toml,
        1 => Just(yaml.to_owned()),
        1 => Just("\u{feff}+++\ntitle = \"BOM\"\n+++\n".to_owned()),
    ]
    .boxed()
}

fn bite(bad: bool) -> BoxedStrategy<String> {
    proptest::collection::vec(block(bad), if bad { 0..6 } else { 1..6 })
        .prop_map(|blocks| blocks.join("\n\n"))
        .boxed()
}

fn lesson_text(bad: bool) -> BoxedStrategy<String> {
    (
        front_matter(bad),
        proptest::collection::vec((bite(bad), separator()), 1..6),
    )
        .prop_map(|(front, bites)| {
            let mut out = front;
            for (i, (bite, sep)) in bites.into_iter().enumerate() {
                if i > 0 {
                    out.push_str(&sep);
                }
                out.push_str(&bite);
            }
            out.push('\n');
            out
        })
        .boxed()
}

/// Lesson files: the first ones have stems that are valid ids.
const LESSON_NAMES: &[&str] = &[
    "a.md",
    "b.md",
    "lessons/01-intro.md",
    "lessons/02-Two.md",
    "lessons/03-three.md",
    "lessons/x.MD",
    "My Lesson.md",
    "README.md",
    "lessons/ü.md",
    "lessons/e\u{1b}[31m\u{9b}.md",
];
const VALID_NAMES: usize = 6;

fn course_toml(names: Vec<String>, bad: bool) -> BoxedStrategy<String> {
    let listed = names.clone();
    let format = if bad {
        prop_oneof![Just("1"), Just("2"), Just("0"), Just("\"1\"")].boxed()
    } else {
        Just("1").boxed()
    };
    let pass_mark = if bad {
        prop_oneof![
            Just("0.8"),
            Just("0.5"),
            Just("0"),
            Just("1.5"),
            Just("1"),
            Just("\"x\"")
        ]
        .boxed()
    } else {
        prop_oneof![Just("0.8"), Just("1"), Just("0.6")].boxed()
    };
    let homepage = if bad {
        prop_oneof![Just("\"https://example.org/c\""), Just("\"not an iri\"")].boxed()
    } else {
        Just("\"https://example.org/c\"").boxed()
    };
    let lessons = if bad {
        proptest::sample::subsequence(listed.clone(), 0..=listed.len())
            .prop_map(|mut l| {
                l.push("../x.md".to_owned());
                l.push("lessons/\u{1b}]0;title\u{7}.md".to_owned());
                l
            })
            .boxed()
    } else {
        Just(listed).prop_shuffle().boxed()
    };
    let p_required = if bad { 0.95 } else { 1.0 };
    (
        maybe(0.2, format),
        (
            maybe(p_required, id_value(bad)),
            maybe(p_required, toml_value(text_value(), bad)),
        ),
        maybe(0.2, text_value()),
        maybe(0.2, text_array(0, 3, bad)),
        maybe(0.2, pass_mark),
        maybe(0.1, homepage),
        maybe(0.3, lessons),
        maybe(
            if bad { 0.05 } else { 0.0 },
            Just("pass_mak = 0.7".to_owned()),
        ),
        maybe(if bad { 0.1 } else { 0.0 }, objectives()),
    )
        .prop_map(
            |(
                format,
                (id, title),
                summary,
                authors,
                pass,
                homepage,
                lessons,
                extra,
                objectives,
            )| {
                let mut lines = Vec::new();
                lines.extend(format.map(|v| format!("format = {v}")));
                lines.extend(id.map(|v| format!("id = {v}")));
                lines.extend(title.map(|v| format!("title = {v}")));
                lines.extend(summary.map(|v| format!("summary = {v}")));
                lines.extend(authors.map(|v| format!("authors = {v}")));
                lines.extend(pass.map(|v| format!("pass_mark = {v}")));
                lines.extend(homepage.map(|v| format!("homepage = {v}")));
                if let Some(lessons) = lessons {
                    let items: Vec<String> = lessons.iter().map(|l| toml_string(l)).collect();
                    lines.push(format!("lessons = [{}]", items.join(", ")));
                }
                lines.extend(extra);
                lines.extend(objectives);
                lines.join("\n") + "\n"
            },
        )
        .boxed()
}

fn objectives() -> BoxedStrategy<String> {
    (
        "[a-z]{1,6}",
        proptest::sample::select(
            &[
                "mastery",
                "retention",
                "practice_minutes",
                "reviews_on_time",
                "mastry",
            ][..],
        ),
        prop_oneof![Just("1"), Just("0.9"), Just("30"), Just("0")],
    )
        .prop_map(|(lesson, measure, target)| {
            format!(
                "[[objectives]]\nid = \"o1\"\ntext = \"Objective\"\nlessons = [\"{lesson}\", \"a\"]\n\n\
                 [[key_results]]\nid = \"k1\"\nobjective = \"o1\"\ntext = \"Measured\"\nmeasure = \"{measure}\"\n\
                 target = {target}\n"
            )
        })
        .boxed()
}

/// The files of a pack, before mutation: valid ones when `bad` is false.
fn pack_files(bad: bool) -> BoxedStrategy<Vec<(String, Vec<u8>)>> {
    let names = if bad {
        LESSON_NAMES
    } else {
        &LESSON_NAMES[..VALID_NAMES]
    };
    proptest::sample::subsequence(names, 1..4)
        .prop_flat_map(move |names| {
            let names: Vec<String> = names.into_iter().map(str::to_owned).collect();
            let count = names.len();
            (
                Just(names.clone()),
                course_toml(names, bad),
                proptest::collection::vec(lesson_text(bad), count),
            )
        })
        .prop_map(|(names, course, lessons)| {
            let mut files = vec![("course.toml".to_owned(), course.into_bytes())];
            files.extend(
                names
                    .into_iter()
                    .zip(lessons.into_iter().map(String::into_bytes)),
            );
            files
        })
        .boxed()
}

fn mutation() -> BoxedStrategy<Mutation> {
    prop_oneof![
        3 => (any::<Index>(), any::<Index>(), 0u8..8).prop_map(|(f, p, b)| Mutation::Flip(f, p, b)),
        3 => (
            any::<Index>(),
            any::<Index>(),
            prop_oneof![
                proptest::collection::vec(any::<u8>(), 1..8),
                pick(&["---", "\n---\n", "```", "```quiz\n", "+++\n", "\"", "[", "\u{1b}", "\u{9b}", "\r", "\t", "\\u0007", "\\"])
                    .prop_map(String::into_bytes),
            ]
        )
            .prop_map(|(f, p, b)| Mutation::Insert(f, p, b)),
        2 => (any::<Index>(), any::<Index>(), 1usize..64).prop_map(|(f, p, n)| Mutation::Delete(f, p, n)),
        1 => (any::<Index>(), any::<Index>()).prop_map(|(f, p)| Mutation::Truncate(f, p)),
        2 => (any::<Index>(), any::<Index>(), 1usize..200, any::<Index>(), any::<Index>())
            .prop_map(|(f, p, n, g, q)| Mutation::Splice(f, p, n, g, q)),
    ]
    .boxed()
}

fn apply(files: &mut [(String, Vec<u8>)], m: &Mutation) {
    let n = files.len();
    let at = |bytes: &Vec<u8>, p: &Index| p.index(bytes.len() + 1);
    match m {
        Mutation::Flip(f, p, bit) => {
            let bytes = &mut files[f.index(n)].1;
            if !bytes.is_empty() {
                let i = p.index(bytes.len());
                bytes[i] ^= 1 << bit;
            }
        }
        Mutation::Insert(f, p, new) => {
            let bytes = &mut files[f.index(n)].1;
            let i = at(bytes, p);
            bytes.splice(i..i, new.iter().copied());
        }
        Mutation::Delete(f, p, len) => {
            let bytes = &mut files[f.index(n)].1;
            let i = at(bytes, p);
            let end = (i + len).min(bytes.len());
            bytes.drain(i..end);
        }
        Mutation::Truncate(f, p) => {
            let bytes = &mut files[f.index(n)].1;
            let i = at(bytes, p);
            bytes.truncate(i);
        }
        Mutation::Splice(f, p, len, g, q) => {
            let from = &files[f.index(n)].1;
            let i = at(from, p);
            let piece: Vec<u8> = from[i..(i + len).min(from.len())].to_vec();
            let to = &mut files[g.index(n)].1;
            let j = at(to, q);
            to.splice(j..j, piece);
        }
    }
}

const TYPED: &[&str] = &[
    "1",
    "2",
    "1 2",
    "3 1 2",
    "true",
    "false",
    "t",
    "yes",
    "",
    "0",
    "99",
    "1,2",
    "-1",
    "x",
    "main",
    "   ",
    "1 1",
    "🙂",
    "\u{1b}[2J",
];

fn moves() -> BoxedStrategy<Vec<Move>> {
    let one = prop_oneof![
        8 => Just(Move::Advance),
        2 => Just(Move::Back),
        4 => Just(Move::AnswerRight),
        4 => prop_oneof![pick(TYPED), "[0-9 a-z]{0,8}"].prop_map(Move::AnswerTyped),
        2 => Just(Move::Skip),
        2 => Just(Move::TryAgain),
        1 => Just(Move::Hint),
        3 => Just(Move::Reveal),
        3 => (1u8..5).prop_map(Move::Rate),
        2 => Just(Move::RetryMissed),
        1 => any::<u16>().prop_map(Move::Scroll),
        1 => prop_oneof![words(3), Just("? why".to_owned()), Just(String::new())].prop_map(Move::Note),
        1 => any::<bool>().prop_map(Move::RateBite),
        1 => Just(Move::Pause),
        1 => Just(Move::PauseIdle),
        1 => Just(Move::Resume),
        1 => Just(Move::Close),
        2 => any::<u16>().prop_map(Move::Tick),
        2 => Just(Move::Reopen),
    ];
    proptest::collection::vec(one, 0..60).boxed()
}

const PLAIN_LINES: &[&str] = &[
    "",
    "next",
    "n",
    "back",
    "hint",
    "skip",
    ":skip",
    "retry",
    "pause",
    "resume",
    "help",
    "1",
    "2",
    "1 2",
    "true",
    "false",
    "3",
    "good",
    "again",
    "4",
    "::wq",
    ":next",
    "bogus",
    "\u{1b}[2J",
    "\t",
    "quit",
];

fn case() -> impl Strategy<Value = Case> {
    (
        prop_oneof![
            pack_files(false).prop_map(|f| (f, Vec::new())),
            (
                pack_files(true),
                proptest::collection::vec(mutation(), 0..5)
            ),
        ],
        proptest::collection::vec(1u16..=200, 1..4),
        any::<u8>(),
        (1u16..=200, any::<bool>()),
        moves(),
        proptest::collection::vec(
            prop_oneof![4 => pick(PLAIN_LINES), 1 => "[ -~]{0,10}"],
            0..40,
        ),
        any::<u64>(),
    )
        .prop_map(
            |(
                (mut files, mutations),
                widths,
                styles,
                (print_width, answers),
                moves,
                plain,
                seed,
            )| {
                for m in &mutations {
                    apply(&mut files, m);
                }
                Case {
                    files,
                    widths,
                    styles,
                    print_width,
                    answers,
                    moves,
                    plain,
                    seed,
                }
            },
        )
}

// ---------------------------------------------------------------------------------------------------------------
// The invariants.

/// What a run saw, for the summary of a long run.
#[derive(Default)]
struct Seen {
    cases: AtomicUsize,
    playable: AtomicUsize,
    moves: AtomicUsize,
}

static SEEN: Seen = Seen {
    cases: AtomicUsize::new(0),
    playable: AtomicUsize::new(0),
    moves: AtomicUsize::new(0),
};

/// `text` holds no control character but '\n': no C0 byte, no DEL, no C1 control.
fn assert_clean(text: &str, what: &str) {
    if let Some((i, c)) = text
        .char_indices()
        .find(|&(_, c)| c != '\n' && c.is_control())
    {
        let from = text[..i].char_indices().rev().nth(20).map_or(0, |(j, _)| j);
        panic!(
            "{what}: control character {:?} at byte {i}, after {:?}",
            c,
            &text[from..i]
        );
    }
}

/// `text` with its SGR sequences (`ESC [ digits and ; m`) removed; any other escape is left, for `assert_clean`.
fn without_sgr(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find('\u{1b}') {
        out.push_str(&rest[..at]);
        let after = &rest[at + 1..];
        let params = after.strip_prefix('[').map(|p| {
            p.len()
                - p.trim_start_matches(|c: char| c.is_ascii_digit() || c == ';')
                    .len()
        });
        match params {
            Some(n) if after[1 + n..].starts_with('m') => rest = &after[n + 2..],
            _ => {
                out.push('\u{1b}');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

fn assert_lines(lines: &[Line], width: u16, what: &str) {
    for line in lines {
        // Measured whole, by morsel's one rule: a cluster cut between two spans counts as the terminal shows it.
        let shown = morsel::text::width(&line.to_string());
        assert!(
            shown <= usize::from(width),
            "{what}: a line of width {shown} at width {width}: {line:?}"
        );
        for span in &line.spans {
            assert!(
                !span.content.chars().any(char::is_control),
                "{what}: a span holds a control character: {:?}",
                span.content
            );
        }
    }
}

fn styles(n: u8) -> Styles {
    let base = match n % 3 {
        0 => Styles::dark(),
        1 => Styles::light(),
        _ => Styles::high_contrast(),
    };
    if n & 4 != 0 {
        if n & 4 != 0 {
            base.without_color()
        } else {
            base
        }
    } else {
        base
    }
}

/// Diagnostics: at most `MAX_PER_FILE` and one note per file, so at most that many per file the pack has (and one
/// for the pack as a whole); each one line clean; `check`'s text, colour and JSON output clean.
fn check_diagnostics(report: &LoadReport, files: usize) {
    let mut per_file: std::collections::HashMap<&Path, usize> = Default::default();
    for d in &report.diagnostics {
        *per_file.entry(d.site.file.as_path()).or_default() += 1;
        assert!(
            d.site.position.line >= 1 && d.site.position.column >= 1,
            "{d:?}"
        );
        assert_clean(&d.one_line(&report.root), "a diagnostic's one line");
    }
    for (file, n) in &per_file {
        assert!(
            *n <= MAX_PER_FILE + 1,
            "{n} diagnostics shown for {}",
            file.display()
        );
    }
    assert!(
        report.diagnostics.len() <= (files + 1) * (MAX_PER_FILE + 1),
        "{} diagnostics for {files} files",
        report.diagnostics.len()
    );
    let reports = std::slice::from_ref(report);
    let mut text = Vec::new();
    check::write_text(reports, false, &mut text).unwrap();
    assert_clean(&String::from_utf8(text).unwrap(), "check's text");
    let mut color = Vec::new();
    check::write_text(reports, true, &mut color).unwrap();
    assert_clean(
        &without_sgr(&String::from_utf8(color).unwrap()),
        "check's colour text",
    );
    let mut json = Vec::new();
    check::write_json(reports, &mut json).unwrap();
    let json = String::from_utf8(json).unwrap();
    assert_clean(&json, "check's JSON");
    serde_json::from_str::<serde_json::Value>(&json).unwrap();
}

/// Every bite and exercise of every lesson that loaded, rendered at each width as the player and the exercise
/// screen render them.
fn check_render(report: &LoadReport, case: &Case) {
    let styles = styles(case.styles);
    for lesson in &report.lessons {
        for bite in &lesson.bites {
            for &width in &case.widths {
                let lines = render::markdown(&bite.markdown, width, &styles);
                assert_lines(&lines, width, "a bite");
                assert!(
                    lines.len() <= LINES_PER_BYTE * bite.markdown.len() + LINES_CONST,
                    "{} lines for a bite of {} bytes at width {width}",
                    lines.len(),
                    bite.markdown.len()
                );
                for exercise in &bite.exercises {
                    let mut texts: Vec<(&str, bool)> = Vec::new();
                    match exercise {
                        Exercise::Question(q) => {
                            texts.push((&q.prompt, true));
                            texts.extend(q.explain.as_deref().map(|e| (e, false)));
                            texts.extend(q.hint.as_deref().map(|h| (h, true)));
                            match &q.kind {
                                QuestionKind::Choice { choices, .. } => {
                                    for c in choices {
                                        texts.push((&c.text, true));
                                        texts.extend(c.feedback.as_deref().map(|f| (f, false)));
                                    }
                                }
                                QuestionKind::Order { items } => {
                                    texts.extend(items.iter().map(|i| (i.as_str(), true)));
                                }
                                QuestionKind::Text { answers, .. } => {
                                    for a in answers {
                                        assert_lines(
                                            &render::plain(a, width, &styles),
                                            width,
                                            "an answer",
                                        );
                                    }
                                }
                                QuestionKind::TrueFalse { .. } => {}
                            }
                        }
                        Exercise::Card(card) => {
                            texts.push((&card.front, false));
                            texts.push((&card.back, false));
                        }
                    }
                    for (text, is_inline) in texts {
                        let lines = if is_inline {
                            render::inline(text, width, &styles)
                        } else {
                            render::markdown(text, width, &styles)
                        };
                        assert_lines(&lines, width, "an exercise's text");
                        assert!(lines.len() <= LINES_PER_BYTE * text.len() + LINES_CONST);
                    }
                }
            }
        }
        for &width in &case.widths {
            assert_lines(
                &render::plain(&lesson.title, width, &styles),
                width,
                "a title",
            );
        }
    }
}

/// `print`, plain and in colour: clean, every line within the width, and linear in the pack's size.
fn check_print(pack: &Pack, case: &Case) {
    let lessons: Vec<_> = pack.lessons.iter().collect();
    for ansi in [false, true] {
        let options = print::Options {
            width: case.print_width,
            answers: case.answers,
            ansi,
        };
        let mut out = Vec::new();
        print::write(pack, &lessons, &options, &mut out).unwrap();
        let out = String::from_utf8(out).unwrap();
        let plain = if ansi { without_sgr(&out) } else { out.clone() };
        assert_clean(&plain, if ansi { "print in colour" } else { "print" });
        let width = usize::from(case.print_width.max(print::MIN_WIDTH));
        for line in plain.lines() {
            assert!(
                morsel::text::width(line) <= width,
                "print: a line wider than {width}: {line:?}"
            );
        }
        let lines = plain.lines().count();
        assert!(
            lines <= LINES_PER_BYTE * case.input_bytes() + LINES_CONST * (1 + pack.lessons.len()),
            "print: {lines} lines for {} bytes",
            case.input_bytes()
        );
    }
}

/// The response that is right for `kind`, in the author's order.
fn right_response(kind: &QuestionKind) -> Response {
    match kind {
        QuestionKind::Choice { choices, .. } => Response::Choices(
            choices
                .iter()
                .enumerate()
                .filter(|(_, c)| c.correct)
                .map(|(i, _)| i)
                .collect(),
        ),
        QuestionKind::TrueFalse { answer } => Response::Bool(*answer),
        QuestionKind::Text { answers, .. } => Response::Text(answers[0].clone()),
        QuestionKind::Order { items } => Response::Order((0..items.len()).collect()),
    }
}

const T0: i64 = 1_700_000_000_000;

fn open(
    pack: &Pack,
    progress: Progress,
    clock: &ManualClock,
    journal: &mut MemoryJournal,
    seed: u64,
) -> Session {
    let mut session = Session::open(
        pack.clone(),
        progress,
        Rc::new(clock.clone()),
        &OpenOptions::default(),
        journal,
    )
    .unwrap();
    session.seed(seed);
    session
}

/// Where the session stands: lesson index and bite number.
fn place(session: &Session) -> (usize, usize) {
    (session.lesson_index(), session.bite().number)
}

/// The session driven by the case's moves; each move keeps a bounded number of records, and a session opened
/// again from the records resumes at the bite where the last one stood.
fn check_session(pack: &Pack, case: &Case) {
    let clock = ManualClock::at(T0);
    let mut journal = MemoryJournal::default();
    let mut session = open(pack, Progress::default(), &clock, &mut journal, case.seed);
    for m in &case.moves {
        let before = journal.records.len();
        match m {
            Move::Advance => {
                let _ = session.advance(&mut journal).unwrap();
            }
            Move::Back => {
                let _ = session.back(&mut journal).unwrap();
            }
            Move::AnswerRight => {
                let response = match session.exercise() {
                    Some((Exercise::Question(q), _)) => right_response(&q.kind),
                    _ => Response::Bool(true),
                };
                let verdict = session.answer(&response, &mut journal).unwrap();
                if let Some(v) = verdict {
                    assert!(
                        v.correct,
                        "the right answer graded wrong: {response:?} {v:?}"
                    );
                }
            }
            Move::AnswerTyped(text) => {
                if let Some((Exercise::Question(q), state)) = session.exercise()
                    && let Ok(response) = grade::parse_input(&q.kind, &state.shown, text)
                {
                    {
                        let _ = session.answer(&response, &mut journal).unwrap();
                    };
                }
            }
            Move::Skip => {
                let _ = session.skip(&mut journal).unwrap();
            }
            Move::TryAgain => {
                let _ = session.try_again();
            }
            Move::Hint => {
                let _ = session.hint();
            }
            Move::Reveal => {
                let _ = session.reveal();
            }
            Move::Rate(n) => {
                let rating = Rating::from_number(*n).unwrap_or(Rating::Good);
                {
                    let _ = session.rate(rating, &mut journal).unwrap();
                };
            }
            Move::RetryMissed => {
                let _ = session.retry_missed(&mut journal).unwrap();
            }
            Move::Scroll(n) => session.scroll_to(*n, &mut journal).unwrap(),
            Move::Note(text) => session.note(text, &mut journal).unwrap(),
            Move::RateBite(clear) => {
                let _ = session.rate_bite(*clear, "", None, &mut journal).unwrap();
            }
            Move::Pause => session.pause(&mut journal).unwrap(),
            Move::PauseIdle => session.pause_idle(&mut journal).unwrap(),
            Move::Resume => session.resume(&mut journal).unwrap(),
            Move::Close => session.close(&mut journal).unwrap(),
            Move::Tick(secs) => clock.advance_secs(i64::from(*secs)),
            Move::Reopen => {
                let was = place(&session);
                // A bite with no text of its own and nothing left to do is passed over on resume; a retry of
                // missed questions is not a place (the position stays at the lesson's end).
                let prose = !session.bite().markdown.trim().is_empty();
                let retry = session.in_retry();
                let stage = session.stage().clone();
                let mut progress = Progress::default();
                for r in &journal.records {
                    progress.apply(r);
                }
                let finished = progress.finished;
                session = open(pack, progress, &clock, &mut journal, case.seed);
                if matches!(stage, Stage::Reading | Stage::Exercise(_)) && !finished && !retry {
                    let now = place(&session);
                    assert!(
                        now == was || (!prose && now > was),
                        "a reopened session resumes at {now:?}, not where it stood ({was:?})"
                    );
                }
            }
        }
        let kept = journal.records.len() - before;
        assert!(kept <= 8, "one move {m:?} kept {kept} records");
        // Whatever the stage, the place is in the pack.
        let _ = (session.lesson(), session.bite(), session.exercise());
    }
    session.close(&mut journal).unwrap();
    let answers = journal.answers().count();
    let records = journal
        .records
        .iter()
        .filter(|r| matches!(r, Record::Answer(_)))
        .count();
    assert_eq!(answers, records);
}

/// `play --plain` over the pack, fed the case's lines: its output is clean.
fn check_plain(pack: &Pack, case: &Case) {
    let clock = ManualClock::at(T0);
    let mut journal = MemoryJournal::default();
    let mut session = open(pack, Progress::default(), &clock, &mut journal, case.seed);
    let input = case.plain.join("\n");
    let mut out = Vec::new();
    morsel::plain::run(
        &mut session,
        &mut journal,
        &mut Cursor::new(input),
        &mut out,
    )
    .unwrap();
    let out = String::from_utf8(out).unwrap();
    assert_clean(&out, "play --plain");
    let bound = LINES_PER_BYTE * case.input_bytes() + LINES_CONST * (case.plain.len() + 1);
    assert!(
        out.lines().count() <= bound,
        "play --plain wrote {} lines",
        out.lines().count()
    );
}

/// Everything the invariants ask of one case whose pack is in `dir`.
fn check_case(case: &Case, dir: &Path) {
    let report = pack::load(dir);
    check_diagnostics(&report, case.files.len());
    check_render(&report, case);
    if let Ok(pack) = report.into_pack() {
        SEEN.playable.fetch_add(1, Ordering::Relaxed);
        SEEN.moves.fetch_add(case.moves.len(), Ordering::Relaxed);
        check_print(&pack, case);
        if !pack.lessons.is_empty() {
            check_session(&pack, case);
            check_plain(&pack, case);
        }
    }
}

/// Where a failing case is written: its pack under `pack/` and the rest in `case.txt`.
fn failure_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("fuzz-failures/last")
}

fn save(case: &Case, to: &Path) {
    let _ = std::fs::remove_dir_all(to);
    std::fs::create_dir_all(to.join("pack")).unwrap();
    case.write_pack(&to.join("pack"));
    std::fs::write(to.join("case.txt"), case.to_text()).unwrap();
}

fn run_case(case: &Case) -> Result<(), TestCaseError> {
    SEEN.cases.fetch_add(1, Ordering::Relaxed);
    let dir = tempfile::tempdir().unwrap();
    case.write_pack(dir.path());
    let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        check_case(case, dir.path())
    }));
    if let Err(panic) = outcome {
        // Shrinking ends on the simplest failing case, so the last one written is the one reported.
        save(case, &failure_dir());
        let message = panic
            .downcast_ref::<String>()
            .cloned()
            .or_else(|| panic.downcast_ref::<&str>().map(|s| (*s).to_owned()))
            .unwrap_or_default();
        return Err(TestCaseError::fail(format!(
            "{message}\n(case written to {})",
            failure_dir().display()
        )));
    }
    Ok(())
}

fn config() -> Config {
    let mut config = Config::default();
    if std::env::var_os("PROPTEST_CASES").is_none() {
        config.cases = DEFAULT_CASES;
    }
    if std::env::var_os("PROPTEST_RNG_SEED").is_none() {
        config.rng_seed = RngSeed::Fixed(DEFAULT_SEED);
    }
    if std::env::var_os("PROPTEST_MAX_SHRINK_TIME").is_none() {
        config.max_shrink_time = 120_000;
    }
    config.failure_persistence = None;
    config
}

#[test]
fn generated_packs_keep_the_invariants() {
    let config = config();
    eprintln!("fuzz: {} cases, seed {:?}", config.cases, config.rng_seed);
    let mut runner = TestRunner::new(config);
    let result = runner.run(&case(), |case| run_case(&case));
    eprintln!(
        "fuzz: {} cases run ({} playable, {} session moves)",
        SEEN.cases.load(Ordering::Relaxed),
        SEEN.playable.load(Ordering::Relaxed),
        SEEN.moves.load(Ordering::Relaxed)
    );
    if let Err(e) = result {
        panic!("{e}");
    }
}

/// Every failure the fuzzer found, replayed: `tests/fixtures/fuzz/NAME/` holds the pack (`pack/`) and the case.
#[test]
fn fixtures_replay() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/fuzz");
    let mut names: Vec<PathBuf> = std::fs::read_dir(&root)
        .map(|d| {
            d.map(|e| e.unwrap().path())
                .filter(|p| p.join("pack").is_dir())
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    for dir in names {
        let pack = dir.join("pack");
        let mut files = Vec::new();
        collect(&pack, &pack, &mut files);
        let text = std::fs::read_to_string(dir.join("case.txt")).unwrap_or_default();
        let case = Case::from_text(files, &text);
        eprintln!("replaying {}", dir.display());
        check_case(&case, &pack);
    }
}

/// `play --plain` over `pack` (under tests/fixtures/fuzz), fed `lines`: its output.
fn play_plain(pack: &str, lines: &[&str]) -> String {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/fuzz")
        .join(pack);
    let pack = pack::load(&root).into_pack().unwrap();
    let clock = ManualClock::at(T0);
    let mut journal = MemoryJournal::default();
    let mut session = open(&pack, Progress::default(), &clock, &mut journal, 1);
    let mut out = Vec::new();
    let input = lines.join("\n");
    morsel::plain::run(
        &mut session,
        &mut journal,
        &mut Cursor::new(input),
        &mut out,
    )
    .unwrap();
    String::from_utf8(out).unwrap()
}

/// Found by the soak: after a pause, a question already answered was shown again as waiting ("Type true or
/// false."), and the answer typed then was refused as an unknown command; a card whose back was showing asked for
/// `next` to see the back, and `next` then said to answer first.
#[test]
fn resuming_shows_an_answered_question_and_a_revealed_card_as_they_stand() {
    let out = play_plain(
        "soak-resume-answered",
        &[
            "next", "true", "pause", "go on", "next", "next", "pause", "go on", "3",
        ],
    );
    let resumed: Vec<&str> = out.split("Resumed.").collect();
    assert_eq!(resumed.len(), 3, "{out}");
    let after_answer = resumed[1].split("> ").next().unwrap();
    assert!(
        after_answer.contains("Question: Is this true?"),
        "{after_answer}"
    );
    assert!(
        after_answer.contains("Your answer: true."),
        "{after_answer}"
    );
    assert!(
        !after_answer.contains("Type true or false."),
        "{after_answer}"
    );
    let after_reveal = resumed[2].split("> ").next().unwrap();
    assert!(
        after_reveal.contains("Back: Back of the card"),
        "{after_reveal}"
    );
    assert!(
        !after_reveal.contains("Type next to see the back."),
        "{after_reveal}"
    );
    assert!(resumed[2].contains("Rated."), "{out}");
    assert!(!out.contains("Answer first"), "{out}");
}

fn collect(root: &Path, dir: &Path, out: &mut Vec<(String, Vec<u8>)>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            collect(root, &path, out);
        } else {
            let name = path
                .strip_prefix(root)
                .unwrap()
                .to_string_lossy()
                .into_owned();
            out.push((name, std::fs::read(&path).unwrap()));
        }
    }
}

/// Makes the case in `FUZZ_CASE` (a folder as `fixtures_replay` reads) smaller while it still fails: drops moves
/// and `--plain` lines one at a time, then writes it back. `cargo test --test fuzz minimize -- --ignored`.
#[test]
#[ignore]
fn minimize() {
    let Some(dir) = std::env::var_os("FUZZ_CASE").map(PathBuf::from) else {
        return;
    };
    let pack_dir = dir.join("pack");
    let mut files = Vec::new();
    collect(&pack_dir, &pack_dir, &mut files);
    let text = std::fs::read_to_string(dir.join("case.txt")).unwrap();
    let mut case = Case::from_text(files, &text);
    let fails = |case: &Case| {
        let tmp = tempfile::tempdir().unwrap();
        case.write_pack(tmp.path());
        std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            check_case(case, tmp.path())
        }))
        .is_err()
    };
    assert!(fails(&case), "the case does not fail");
    let mut i = 0;
    while i < case.moves.len() {
        let mut smaller = case.clone();
        smaller.moves.remove(i);
        if fails(&smaller) {
            case = smaller;
        } else {
            i += 1;
        }
    }
    let mut i = 0;
    while i < case.plain.len() {
        let mut smaller = case.clone();
        smaller.plain.remove(i);
        if fails(&smaller) {
            case = smaller;
        } else {
            i += 1;
        }
    }
    std::fs::write(dir.join("case.txt"), case.to_text()).unwrap();
}
