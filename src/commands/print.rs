//! `morsel print PATH`: lessons rendered to stdout as the player shows them, bites separated visibly, questions
//! with their choices (answers only with `--answers`).

use std::io::{self, Write};

use crate::pack::{Exercise, Lesson, Pack, QuestionKind};
use crate::render::{self, Styles};

pub struct Options {
    pub width: u16,
    pub answers: bool,
    pub ansi: bool,
}

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
    let width = options.width.max(20);
    let text = |markdown: &str| {
        render::to_terminal_text(&render::markdown(markdown, width, &styles), options.ansi)
    };
    let rule = |label: String| {
        let fill = (width as usize).saturating_sub(label.chars().count() + 4);
        format!("── {label} {}\n", "─".repeat(fill))
    };
    writeln!(out, "{}", render::sanitize(&pack.course.title))?;
    for lesson in lessons {
        write!(
            out,
            "\n{}",
            rule(format!(
                "{} ({})",
                render::sanitize(&lesson.title),
                render::sanitize(&lesson.id)
            ))
        )?;
        for bite in &lesson.bites {
            write!(
                out,
                "\n{}",
                rule(format!("bite {}/{}", bite.number, lesson.bites.len()))
            )?;
            write!(out, "\n{}", text(&bite.markdown))?;
            for exercise in &bite.exercises {
                match exercise {
                    Exercise::Question(q) => {
                        write!(out, "\nQuestion ({}): {}", q.kind.name(), text(&q.prompt))?;
                        match &q.kind {
                            QuestionKind::Choice { choices, .. } => {
                                for (n, c) in choices.iter().enumerate() {
                                    let mark = if options.answers && c.correct {
                                        " ✓"
                                    } else {
                                        ""
                                    };
                                    writeln!(
                                        out,
                                        "  {}. {}{mark}",
                                        n + 1,
                                        text(&c.text).trim_end()
                                    )?;
                                }
                            }
                            QuestionKind::TrueFalse { answer } if options.answers => {
                                writeln!(out, "  Answer: {answer}")?;
                            }
                            QuestionKind::Text { answers, .. } if options.answers => {
                                let list: Vec<String> = answers
                                    .iter()
                                    .map(|a| render::sanitize(a).into_owned())
                                    .collect();
                                writeln!(out, "  Accepted: {}", list.join(" | "))?;
                            }
                            QuestionKind::Order { items } => {
                                // Shown in the author's order only with --answers; otherwise sorted, so as not to tell.
                                let mut shown: Vec<&String> = items.iter().collect();
                                if !options.answers {
                                    shown.sort();
                                }
                                for (n, item) in shown.iter().enumerate() {
                                    writeln!(out, "  {}. {}", n + 1, text(item).trim_end())?;
                                }
                            }
                            _ => {}
                        }
                        if options.answers
                            && let Some(explain) = &q.explain
                        {
                            write!(out, "  Why: {}", text(explain))?;
                        }
                    }
                    Exercise::Card(card) => {
                        write!(out, "\nCard: {}", text(&card.front))?;
                        if options.answers {
                            write!(out, "  Back: {}", text(&card.back))?;
                        }
                    }
                }
            }
        }
    }
    Ok(())
}
