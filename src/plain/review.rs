//! `morsel review --plain`: a review sitting as plain lines, as `play --plain` does for a course. While a question
//! waits, a line is its answer (`:skip`, `:quit` give commands then); otherwise a line is a command: `next` (or
//! an empty line), `hint`, `skip`, `retry`, `bite` (the bite the item came from), `help`, `quit`, or a card's
//! rating (`1`…`4`, `again`, `hard`, `good`, `easy`).

use std::io::{BufRead, Write};

use super::{exercise_lines, labelled, plain, rating, typed, verdict_lines};
use crate::learn::journal::Journal;
use crate::learn::sitting::{Reviewing, comes_back};
use crate::pack::Exercise;
use crate::render::Styles;

const HELP: &str = "Commands: next (or an empty line), hint, skip, retry, bite (the bite it came from), help, quit. \
While a question waits, type the answer; prefix a command with a colon, as in :skip. A card is rated 1 to 4 \
(again, hard, good, easy).";

/// Reviews until the queue is done, `quit`, or the end of input. Every review is saved as it happens.
pub(crate) fn run<J: Journal>(
    reviewing: &mut Reviewing,
    journal: &mut J,
    input: &mut dyn BufRead,
    out: &mut dyn Write,
) -> anyhow::Result<()>
where
    J::Error: std::error::Error + Send + Sync + 'static,
{
    let _ = review(reviewing, journal, input, out, &mut |_, _| Ok(false))?;
    let tally = reviewing.tally();
    writeln!(
        out,
        "\nReviewed {}: {} remembered. Saved. Bye.",
        tally.reviewed, tally.remembered
    )?;
    Ok(())
}

/// What a time box asks after each line the learner gives: whether the box is over (`plain::timebox`).
pub(crate) type AfterLine<'a> =
    &'a mut dyn FnMut(&Reviewing, &mut dyn Write) -> anyhow::Result<bool>;

/// How a sitting ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[must_use]
pub(crate) enum Ended {
    /// Every item was reviewed.
    Done,
    /// `quit`, the end of input, or `after` said to stop.
    Left,
}

/// Reviews until the queue is done, `quit`, the end of input, or `after` says to stop.
pub(crate) fn review<J: Journal>(
    reviewing: &mut Reviewing,
    journal: &mut J,
    input: &mut dyn BufRead,
    out: &mut dyn Write,
    after_line: AfterLine<'_>,
) -> anyhow::Result<Ended>
where
    J::Error: std::error::Error + Send + Sync + 'static,
{
    let styles = Styles::dark().without_color();
    show(reviewing, &styles, out)?;
    let mut line = String::new();
    while !reviewing.is_done() {
        write!(out, "> ")?;
        out.flush()?;
        line.clear();
        if input.read_line(&mut line)? == 0 {
            return Ok(Ended::Left);
        }
        let text = line.trim_end_matches(['\n', '\r']);
        let waiting =
            matches!(reviewing.exercise(), Some((Exercise::Question(_), s)) if s.verdict.is_none());
        let (command, text) = match text.strip_prefix(':') {
            Some(rest) if rest.starts_with(':') => (None, rest),
            Some(command) => (Some(command.trim().to_lowercase()), text),
            None if waiting && !text.trim().is_empty() => (None, text),
            None => (Some(text.trim().to_lowercase()), text),
        };
        match command.as_deref() {
            None => answer(reviewing, journal, text, &styles, out)?,
            Some("quit" | "q" | "exit") => return Ok(Ended::Left),
            Some("help" | "?") => writeln!(out, "{HELP}")?,
            Some("hint") => match reviewing.hint() {
                Some(hint) => writeln!(out, "{}", labelled("Hint: ", &hint, &styles))?,
                None => writeln!(out, "No hint here.")?,
            },
            Some("bite") => match reviewing.item() {
                Some(item) => writeln!(
                    out,
                    "From {} › {}:\n{}",
                    crate::text::sanitize(&item.course_title),
                    crate::text::sanitize(&item.lesson_title),
                    plain(&item.bite_markdown, &styles)
                )?,
                None => writeln!(out, "Nothing to show.")?,
            },
            Some("skip" | "s") => {
                if reviewing.skip(journal)? {
                    after(reviewing, &styles, out)?;
                } else {
                    writeln!(out, "Nothing to skip here.")?;
                }
            }
            Some("retry" | "r") => {
                if reviewing.try_again() {
                    writeln!(out, "Again (practice: it does not change the schedule).")?;
                    if let Some((exercise, state)) = reviewing.exercise() {
                        exercise_lines(exercise, &state.shown, &styles, out)?;
                    }
                } else {
                    writeln!(out, "Nothing to retry.")?;
                }
            }
            Some("" | "next" | "n") => step(reviewing, &styles, out)?,
            Some(word) if rating(word).is_some() => {
                let rating = rating(word).unwrap_or(crate::learn::journal::Rating::Good);
                if reviewing.rate(rating, journal)? {
                    writeln!(out, "Rated {}.", rating.name())?;
                    when_back(reviewing, out)?;
                } else {
                    writeln!(out, "There is no card to rate now. {HELP}")?;
                }
            }
            Some(other) => writeln!(
                out,
                "Unknown command `{}`. {HELP}",
                crate::text::sanitize(other)
            )?,
        }
        if after_line(reviewing, out)? {
            return Ok(Ended::Left);
        }
    }
    Ok(Ended::Done)
}

/// The item on screen, with where it comes from.
fn show(reviewing: &Reviewing, styles: &Styles, out: &mut dyn Write) -> anyhow::Result<()> {
    let (Some(item), Some((exercise, state))) = (reviewing.item(), reviewing.exercise()) else {
        return Ok(());
    };
    let (n, of) = reviewing.position();
    writeln!(
        out,
        "\nReview {n} of {of}: {} › {}.",
        crate::text::sanitize(&item.course_title),
        crate::text::sanitize(&item.lesson_title)
    )?;
    exercise_lines(exercise, &state.shown, styles, out)
}

/// Next: a card's back, or the next item once this one is done.
fn step(reviewing: &mut Reviewing, styles: &Styles, out: &mut dyn Write) -> anyhow::Result<()> {
    if let Some((Exercise::Card(card), state)) = reviewing.exercise()
        && !state.revealed
    {
        let back = labelled("Back: ", &card.back, styles);
        reviewing.reveal();
        writeln!(out, "{back}")?;
        writeln!(
            out,
            "How well did you remember? 1 again, 2 hard, 3 good, 4 easy."
        )?;
        return Ok(());
    }
    if reviewing.advance() {
        show(reviewing, styles, out)
    } else {
        writeln!(out, "{}", super::first(reviewing.exercise()))?;
        Ok(())
    }
}

fn answer<J: Journal>(
    reviewing: &mut Reviewing,
    journal: &mut J,
    text: &str,
    styles: &Styles,
    out: &mut dyn Write,
) -> anyhow::Result<()>
where
    J::Error: std::error::Error + Send + Sync + 'static,
{
    let Some((Exercise::Question(q), state)) = reviewing.exercise() else {
        return Ok(());
    };
    let Some(response) = typed(q, &state.shown, text, out)? else {
        return Ok(());
    };
    if reviewing.answer(&response, journal)?.is_some() {
        after(reviewing, styles, out)?;
    }
    Ok(())
}

/// After an answer or a skip: the verdict in words, and when the item comes back.
fn after(reviewing: &Reviewing, styles: &Styles, out: &mut dyn Write) -> anyhow::Result<()> {
    if let Some((Exercise::Question(q), state)) = reviewing.exercise()
        && let Some(verdict) = &state.verdict
    {
        verdict_lines(q, verdict, styles, out)?;
        when_back(reviewing, out)?;
        if !verdict.correct {
            writeln!(out, "Type retry to practise it now, or next to go on.")?;
        }
    } else {
        writeln!(out, "Passed.")?;
    }
    Ok(())
}

fn when_back(reviewing: &Reviewing, out: &mut dyn Write) -> anyhow::Result<()> {
    if let Some(due) = reviewing.next_due() {
        writeln!(
            out,
            "Comes back {}.",
            comes_back(due, reviewing.now()).trim_start_matches("again ")
        )?;
    }
    Ok(())
}
