//! `morsel play --plain`: the same session as plain lines on stdout, driven by lines on stdin, for screen readers
//! (which cannot follow a full-screen TUI) and for scripts and tests.
//!
//! When a question waits for an answer, a line is the answer; otherwise it is a command. A command can always be
//! written with a leading `:` (`:skip`, `:quit`), which is how to give one while a question waits; an answer that
//! itself starts with `:` is written with two (`::wq` answers `:wq`).

use std::io::{BufRead, Write};

use crate::grade;
use crate::journal::Journal;
use crate::pack::{Exercise, QuestionKind};
use crate::render::{self, Styles};
use crate::session::{Advance, Back, Session, Stage};

const WIDTH: u16 = 80;

const HELP: &str = "Commands: next (or an empty line), back, hint, skip, retry, pause, resume, help, quit. \
While a question waits, type the answer; prefix a command with a colon, as in :skip.";

/// Plays until `quit` or the end of input. Every move is saved as it happens.
pub fn run<J: Journal>(
    session: &mut Session,
    journal: &mut J,
    input: &mut dyn BufRead,
    out: &mut dyn Write,
) -> anyhow::Result<()>
where
    J::Error: std::error::Error + Send + Sync + 'static,
{
    let styles = Styles::dark().without_color();
    show(session, &styles, out)?;
    let mut line = String::new();
    loop {
        write!(out, "> ")?;
        out.flush()?;
        line.clear();
        if input.read_line(&mut line)? == 0 {
            break;
        }
        let line_text = line.trim_end_matches(['\n', '\r']);
        let waiting = waiting_for_answer(session);
        // `::x` is the answer `:x`; `:x` is the command x; while a question waits, anything else is the answer.
        let (command, text) = match line_text.strip_prefix(':') {
            Some(rest) if rest.starts_with(':') => (None, rest),
            Some(command) => (Some(command.trim().to_lowercase()), line_text),
            None if waiting && !line_text.trim().is_empty() => (None, line_text),
            None => (Some(line_text.trim().to_lowercase()), line_text),
        };
        if session.is_paused()
            && command.as_deref() != Some("quit")
            && command.as_deref() != Some("q")
        {
            session.resume(journal)?;
            writeln!(out, "Resumed.")?;
            show(session, &styles, out)?;
            continue;
        }
        match command.as_deref() {
            None => answer(session, journal, text, &styles, out)?,
            Some("quit" | "q" | "exit") => break,
            Some("help" | "?") => writeln!(out, "{HELP}")?,
            Some("pause") => {
                session.pause(journal)?;
                writeln!(
                    out,
                    "Paused; the clock is stopped. Type resume, or anything, to continue."
                )?;
            }
            Some("resume") => writeln!(out, "Not paused.")?,
            Some("back" | "b") => match session.back(journal)? {
                Back::AtStart => writeln!(out, "This is the first bite.")?,
                _ => show(session, &styles, out)?,
            },
            Some("hint") => match session.hint() {
                Some(hint) => writeln!(out, "Hint: {}", plain(&hint, &styles))?,
                None => writeln!(out, "No hint here.")?,
            },
            Some("skip" | "s") => {
                if session.skip(journal)? {
                    writeln!(out, "Skipped. Type next to go on.")?;
                } else {
                    writeln!(out, "Nothing to skip here.")?;
                }
            }
            Some("retry" | "r") => {
                if session.try_again() {
                    show(session, &styles, out)?;
                } else if session.retry_missed(journal)? {
                    writeln!(out, "Retrying the missed questions.")?;
                    show(session, &styles, out)?;
                } else {
                    writeln!(out, "Nothing to retry.")?;
                }
            }
            Some("" | "next" | "n") => step(session, journal, &styles, out)?,
            Some(rating @ ("1" | "2" | "3" | "4" | "again" | "hard" | "good" | "easy")) => {
                let n = match rating {
                    "1" | "again" => 1,
                    "2" | "hard" => 2,
                    "3" | "good" => 3,
                    _ => 4,
                };
                if session.rate(n, journal)? {
                    writeln!(out, "Rated.")?;
                    step(session, journal, &styles, out)?;
                } else {
                    writeln!(out, "There is no card to rate. {HELP}")?;
                }
            }
            Some(other) => writeln!(out, "Unknown command `{}`. {HELP}", render::sanitize(other))?,
        }
    }
    session.close(journal)?;
    writeln!(out, "Saved. Bye.")?;
    Ok(())
}

fn waiting_for_answer(session: &Session) -> bool {
    matches!(session.exercise(), Some((Exercise::Question(_), s)) if s.verdict.is_none())
}

fn plain(markdown: &str, styles: &Styles) -> String {
    render::to_terminal_text(&render::markdown(markdown, WIDTH, styles), false)
        .trim_end()
        .to_string()
}

/// Next: reveal a card's back, or move on and show what comes.
fn step<J: Journal>(
    session: &mut Session,
    journal: &mut J,
    styles: &Styles,
    out: &mut dyn Write,
) -> anyhow::Result<()>
where
    J::Error: std::error::Error + Send + Sync + 'static,
{
    if let Some((Exercise::Card(card), state)) = session.exercise()
        && !state.revealed
    {
        let back = plain(&card.back, styles);
        session.reveal();
        writeln!(out, "Back: {back}")?;
        writeln!(
            out,
            "How well did you remember? 1 again, 2 hard, 3 good, 4 easy."
        )?;
        return Ok(());
    }
    match session.advance(journal)? {
        Advance::NeedsAnswer => writeln!(out, "Answer first, or type :skip.")?,
        _ => show(session, styles, out)?,
    }
    Ok(())
}

fn answer<J: Journal>(
    session: &mut Session,
    journal: &mut J,
    text: &str,
    styles: &Styles,
    out: &mut dyn Write,
) -> anyhow::Result<()>
where
    J::Error: std::error::Error + Send + Sync + 'static,
{
    let Some((Exercise::Question(q), state)) = session.exercise() else {
        return Ok(());
    };
    let response = match grade::parse_input(&q.kind, &state.shown, text) {
        Ok(response) => response,
        Err(e) => {
            writeln!(out, "{e}.")?;
            return Ok(());
        }
    };
    let explain = q.explain.clone();
    let Some(verdict) = session.answer(&response, journal)? else {
        return Ok(());
    };
    writeln!(
        out,
        "{}",
        if verdict.correct {
            "Right."
        } else {
            "Not quite."
        }
    )?;
    for feedback in &verdict.feedback {
        writeln!(out, "{}", plain(feedback, styles))?;
    }
    if let Some(explain) = explain {
        writeln!(out, "{}", plain(&explain, styles))?;
    }
    if !verdict.correct {
        writeln!(out, "Type retry to try again, or next to go on.")?;
    }
    Ok(())
}

/// Prints what is on screen now.
fn show(session: &Session, styles: &Styles, out: &mut dyn Write) -> anyhow::Result<()> {
    let lesson = session.lesson();
    match session.stage() {
        Stage::Reading => {
            writeln!(
                out,
                "\n{}, lesson {} of {}: {}. Bite {} of {}.\n",
                render::sanitize(&session.pack().course.title),
                session.lesson_index() + 1,
                session.pack().lessons.len(),
                render::sanitize(&lesson.title),
                session.bite().number,
                lesson.bites.len()
            )?;
            writeln!(out, "{}", plain(&session.bite().markdown, styles))?;
            let left = session.bite().exercises.len();
            if left > 0 {
                writeln!(out, "\n(next: the questions of this bite)")?;
            }
        }
        Stage::Exercise(state) => match session.exercise() {
            Some((Exercise::Question(q), _)) => {
                writeln!(out, "\nQuestion: {}", plain(&q.prompt, styles))?;
                match &q.kind {
                    QuestionKind::Choice { choices, .. } => {
                        if choices.iter().filter(|c| c.correct).count() > 1 {
                            writeln!(out, "Pick all that apply: type their numbers, as in 1 3.")?;
                        } else {
                            writeln!(out, "Type the number of your choice.")?;
                        }
                        for (n, &i) in state.shown.iter().enumerate() {
                            writeln!(out, "{}. {}", n + 1, plain(&choices[i].text, styles))?;
                        }
                    }
                    QuestionKind::TrueFalse { .. } => writeln!(out, "Type true or false.")?,
                    QuestionKind::Text { .. } => writeln!(out, "Type your answer.")?,
                    QuestionKind::Order { items } => {
                        writeln!(
                            out,
                            "Put these in order: type their numbers in the right order, as in 3 1 2."
                        )?;
                        for (n, &i) in state.shown.iter().enumerate() {
                            writeln!(out, "{}. {}", n + 1, plain(&items[i], styles))?;
                        }
                    }
                }
            }
            Some((Exercise::Card(card), _)) => {
                writeln!(out, "\nCard: {}", plain(&card.front, styles))?;
                writeln!(out, "Type next to see the back.")?;
            }
            None => {}
        },
        Stage::Summary(status) => {
            writeln!(out, "\nEnd of lesson: {}.", render::sanitize(&lesson.title))?;
            if status.questions > 0 {
                writeln!(
                    out,
                    "Right on the first try: {} of {}. Pass mark: {:.0} percent.",
                    status.first_try_right,
                    status.questions,
                    session.pack().course.pass_mark * 100.0
                )?;
            }
            writeln!(
                out,
                "{}",
                if status.mastered {
                    "Mastered."
                } else {
                    "Not mastered yet."
                }
            )?;
            if !status.missed.is_empty() {
                writeln!(
                    out,
                    "Missed {}. Type retry to try them again, or next to go on.",
                    status.missed.len()
                )?;
            }
        }
        Stage::CourseDone => {
            let (_, mastered) = session.course_standing();
            writeln!(
                out,
                "\nCourse complete: {}. Lessons mastered: {} of {}. Type quit to leave.",
                render::sanitize(&session.pack().course.title),
                mastered,
                session.pack().lessons.len()
            )?;
        }
    }
    Ok(())
}
