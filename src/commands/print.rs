//! `morsel print PATH`: lessons rendered to stdout as the player shows them, bites separated visibly, questions
//! with their choices (answers only with `--answers`). Every line fits the width asked for: a labelled line
//! (`Question (choice): `, `  Why: `, `  1. `) wraps under its text, not under its label.

use std::io::{self, Write};

use ratatui::text::{Line, Span};

use crate::pack::{Exercise, Lesson, Pack, QuestionKind};
use crate::render::{self, Styles};
use crate::text;
use std::process::ExitCode;

use super::{ColorChoice, Global};

/// The narrowest width printed at: a narrower `--width` is taken as this.
pub const MIN_WIDTH: u16 = 20;

/// A label keeps its text beside it only when that leaves the text this many columns; else the text goes below.
const MIN_BESIDE: usize = 12;

/// The indent of text put below its label.
const BELOW: &str = "  ";

/// How the lessons are printed.
pub struct Options {
    /// The widest a line may be, in columns.
    pub width: u16,
    /// Show each question's answer (`--answers`).
    pub answers: bool,
    /// Style the text with ANSI escapes.
    pub ansi: bool,
}

/// Lines for one lesson, built at one width in one set of styles.
struct Printer {
    width: u16,
    styles: Styles,
}

impl Printer {
    /// A bite's or a prompt's Markdown at `width`.
    fn markdown(&self, text: &str, width: u16) -> Vec<Line<'static>> {
        render::markdown(text, width, &self.styles)
    }

    /// Plain text (an accepted answer, a title) wrapped at `width`.
    fn plain(&self, text: &str, width: u16) -> Vec<Line<'static>> {
        render::plain(text, width, &self.styles)
    }

    /// `label` before the first line of `body`, which is rendered at the width the label leaves, its later lines
    /// indented under its first; when the label leaves too little, the label stands alone and the body goes below
    /// it, indented two more than the label.
    fn labelled(
        &self,
        label: &str,
        body: impl Fn(u16) -> Vec<Line<'static>>,
    ) -> Vec<Line<'static>> {
        let width = usize::from(self.width);
        let label_width = text::width(label);
        if label_width + MIN_BESIDE <= width {
            let lines = body(narrower(self.width, label_width));
            if lines.is_empty() {
                return vec![Line::from(label.trim_end().to_owned())];
            }
            let indent = " ".repeat(label_width);
            return lines
                .into_iter()
                .enumerate()
                .map(|(i, line)| {
                    let lead = if i == 0 {
                        label.to_owned()
                    } else {
                        indent.clone()
                    };
                    prefixed(lead, line)
                })
                .collect();
        }
        let text = label.trim_start();
        let lead = &label[..label.len() - text.len()];
        let mut lines: Vec<Line<'static>> = self
            .plain(text.trim_end(), narrower(self.width, text::width(lead)))
            .into_iter()
            .map(|l| prefixed(lead.to_owned(), l))
            .collect();
        let indent = format!("{lead}{BELOW}");
        let below = body(narrower(self.width, text::width(&indent)));
        lines.extend(below.into_iter().map(|l| prefixed(indent.clone(), l)));
        lines
    }

    /// A rule with `label` in it: `── label ─────`, the label wrapped under itself when it is too long.
    fn rule(&self, label: &str) -> Vec<Line<'static>> {
        let width = usize::from(self.width);
        let mut lines = self.labelled("── ", |w| self.plain(label, w.saturating_sub(1).max(1)));
        if let [line] = lines.as_mut_slice() {
            let fill = width.saturating_sub(text::width(&line.to_string()) + 1);
            if fill > 0 {
                line.spans.push(Span::raw(format!(" {}", "─".repeat(fill))));
            }
        }
        lines
    }
}

/// `width` less `by` columns, never under 1.
fn narrower(width: u16, by: usize) -> u16 {
    let by = u16::try_from(by).unwrap_or(u16::MAX);
    width.saturating_sub(by).max(1)
}

/// `line` with `lead` before it.
fn prefixed(lead: String, line: Line<'static>) -> Line<'static> {
    let mut spans = vec![Span::raw(lead)];
    spans.extend(line.spans);
    Line::from(spans)
}

/// `lines` with `mark` after the last, or `lines` alone when there are none.
fn marked(mut lines: Vec<Line<'static>>, mark: &str) -> Vec<Line<'static>> {
    // Trailing blank lines of a rendered block are dropped, so that the mark follows the text.
    while lines
        .last()
        .is_some_and(|l| text::width(&l.to_string()) == 0)
    {
        lines.pop();
    }
    if let Some(last) = lines.last_mut() {
        last.spans.push(Span::raw(mark.to_owned()));
    }
    lines
}

/// Prints `lessons` of `pack` to `out` as plain (or ANSI-styled) text.
pub fn write(
    pack: &Pack,
    lessons: &[&Lesson],
    options: &Options,
    out: &mut dyn Write,
) -> io::Result<()> {
    let styles = if options.ansi {
        Styles::dark()
    } else {
        Styles::dark().without_color()
    };
    let printer = Printer {
        width: options.width.max(MIN_WIDTH),
        styles,
    };
    let width = printer.width;
    // Stdout is line-buffered: one buffer for the whole print instead of a write per line.
    let mut out = io::BufWriter::with_capacity(64 * 1024, out);
    let mut put = |lines: Vec<Line<'static>>| -> io::Result<()> {
        out.write_all(render::to_terminal_text(&lines, options.ansi).as_bytes())
    };
    put(printer.plain(&pack.course.title, width))?;
    for lesson in lessons {
        put(vec![Line::default()])?;
        put(printer.rule(&format!("{} ({})", lesson.title, lesson.id)))?;
        for bite in &lesson.bites {
            put(vec![Line::default()])?;
            put(printer.rule(&format!("bite {}/{}", bite.number, lesson.bites.len())))?;
            put(vec![Line::default()])?;
            put(printer.markdown(&bite.markdown, width))?;
            for exercise in &bite.exercises {
                put(vec![Line::default()])?;
                match exercise {
                    Exercise::Question(q) => {
                        let label = format!("Question ({}): ", q.kind.name());
                        put(printer.labelled(&label, |w| printer.markdown(&q.prompt, w)))?;
                        put(question_body(&printer, &q.kind, options.answers))?;
                        if options.answers
                            && let Some(explain) = &q.explain
                        {
                            put(printer.labelled("  Why: ", |w| printer.markdown(explain, w)))?;
                        }
                    }
                    Exercise::Card(card) => {
                        put(printer.labelled("Card: ", |w| printer.markdown(&card.front, w)))?;
                        if options.answers {
                            put(printer.labelled("  Back: ", |w| printer.markdown(&card.back, w)))?;
                        }
                    }
                }
            }
        }
    }
    out.flush()
}

/// A question's choices or items, and with `answers` its answer.
fn question_body(printer: &Printer, kind: &QuestionKind, answers: bool) -> Vec<Line<'static>> {
    let mut lines = Vec::new();
    let mut numbered = |n: usize, text: &str, mark: &str| {
        let label = format!("  {}. ", n + 1);
        lines.extend(printer.labelled(&label, |w| {
            marked(printer.markdown(text, narrower(w, text::width(mark))), mark)
        }));
    };
    match kind {
        QuestionKind::Choice { choices, .. } => {
            for (n, c) in choices.iter().enumerate() {
                let mark = if answers && c.correct { " ✓" } else { "" };
                numbered(n, &c.text, mark);
            }
        }
        QuestionKind::Order { items } => {
            // Shown in the author's order only with --answers; otherwise sorted, so as not to tell.
            let mut shown: Vec<&String> = items.iter().collect();
            if !answers {
                shown.sort();
            }
            for (n, item) in shown.iter().enumerate() {
                numbered(n, item, "");
            }
        }
        QuestionKind::TrueFalse { answer } if answers => {
            lines.extend(printer.labelled("  Answer: ", |w| printer.plain(&answer.to_string(), w)));
        }
        QuestionKind::Text {
            answers: accepted,
            examples,
            ..
        } if answers => {
            let list = accepted.join(" | ");
            lines.extend(printer.labelled("  Accepted: ", |w| printer.plain(&list, w)));
            if let Some(examples) = examples {
                let note = format!("and {}.", crate::learn::grade::examples_note(examples));
                lines.extend(printer.labelled("  ", |w| printer.markdown(&note, w)));
            }
        }
        _ => {}
    }
    lines
}

#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// A pack directory, or the id of a course on the course path.
    #[arg(value_name = "PATH|COURSE_ID")]
    pub(crate) target: String,
    /// Only this lesson.
    #[arg(long, value_name = "ID")]
    lesson: Option<String>,
    /// Text width in columns.
    #[arg(long, default_value_t = 80, value_parser = clap::value_parser!(u16).range(20..=400))]
    width: u16,
    /// Show the answers, the explanations and the backs of cards.
    #[arg(long)]
    answers: bool,
    /// When to style the output.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    color: ColorChoice,
}

pub(crate) fn run(args: Args, global: &Global) -> anyhow::Result<ExitCode> {
    let path = crate::app::overview::find_course(&global.paths()?, &args.target)?;
    let pack = super::playable(crate::pack::load(&path))?;
    crate::app::overview::require_lesson(&pack.course.id, &pack.lessons, args.lesson.as_deref())?;
    let lessons: Vec<_> = pack
        .lessons
        .iter()
        .filter(|l| args.lesson.as_ref().is_none_or(|id| &l.id == id))
        .collect();
    let options = Options {
        width: args.width,
        answers: args.answers,
        ansi: args.color.enabled(&io::stdout()),
    };
    let stdout = io::stdout();
    let mut out = stdout.lock();
    write(&pack, &lessons, &options, &mut out)?;
    super::done(out, ExitCode::SUCCESS)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `morsel print --color always` of a pack whose one bite is a code block of `lines` lines.
    fn printed_block(lines: usize) -> String {
        let dir = tempfile::tempdir().expect("a temporary folder");
        let code: String = (0..lines)
            .map(|i| format!("    let value_{i} = compute({i}); // line {i}\n"))
            .collect();
        std::fs::create_dir(dir.path().join("lessons")).expect("lessons folder");
        std::fs::write(
            dir.path().join("course.toml"),
            "format = 1\nid = \"huge\"\ntitle = \"Huge\"\nlessons = [\"lessons/code.md\"]\n",
        )
        .expect("course.toml");
        std::fs::write(
            dir.path().join("lessons/code.md"),
            format!("# Code\n\n```rust\nfn main() {{\n{code}}}\n```\n"),
        )
        .expect("lesson");
        let pack = crate::pack::load(dir.path())
            .into_pack()
            .unwrap_or_else(|r| panic!("{:?}", r.diagnostics));
        let lessons: Vec<&Lesson> = pack.lessons.iter().collect();
        let options = Options {
            width: 80,
            answers: false,
            ansi: true,
        };
        let mut out = Vec::new();
        write(&pack, &lessons, &options, &mut out).expect("printed");
        String::from_utf8(out).expect("UTF-8")
    }

    #[test]
    fn a_huge_code_block_is_printed_in_colour_from_its_top_to_its_bottom() {
        let text = printed_block(16_000);
        let line = |needle: &str| {
            text.lines()
                .find(|l| l.contains(needle))
                .unwrap_or_else(|| panic!("no line with {needle}"))
        };
        // syntect's colours are 24-bit: ESC [ 38;2;R;G;B m before the token.
        for needle in ["fn\x1b[0m", "value_0", "value_15999"] {
            assert!(line(needle).contains("\x1b[38;2;"), "{:?}", line(needle));
        }
        assert_eq!(
            text.lines().filter(|l| l.contains("compute")).count(),
            16_000
        );
    }
}
