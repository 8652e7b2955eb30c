//! `morsel play --plain`: the same session as plain lines on stdout, driven by lines on stdin, for screen readers
//! (which cannot follow a full-screen TUI) and for scripts and tests.
//!
//! When a question waits for an answer, a line is the answer; otherwise it is a command. A command can always be
//! written with a leading `:` (`:skip`, `:quit`), which is how to give one while a question waits; an answer that
//! itself starts with `:` is written with two (`::wq` answers `:wq`).
//!
//! A lesson's end and the course's summary also list the course's key results (`outcomes`, `summary`): at a lesson's
//! end those its objectives hold and it moved, from when the lesson was first shown; at the course's end every one,
//! from when the course was opened. `run_with` asks the store for what progress does not hold (active minutes, the
//! review log); `run` measures from progress alone.

use std::io::{BufRead, Write};

use crate::app::summary::{self, CourseSummary, LessonSummary};
use crate::learn::clock::{Clock, SystemClock};
use crate::learn::grade::{self, Shown, Stated, Verdict};
use crate::learn::journal::{Journal, Rating};
use crate::learn::outcomes::{self, History, Inputs, Snapshot};
use crate::learn::session::{Advance, Back, Session, Stage};
use crate::pack::{Exercise, Question, QuestionKind};
use crate::render::{self, Styles};

const WIDTH: u16 = 80;

pub(crate) mod review;
pub(crate) mod takeover;
pub mod timebox;

const HELP: &str = "Commands: next (or an empty line), back, hint, skip, retry, pause, resume, help, quit. \
While a question waits, type the answer; prefix a command with a colon, as in :skip.";

/// Plays until `quit` or the end of input. Every move is saved as it happens. Key results are measured from
/// progress alone (no active minutes, no review log): for a journal that is not the store.
pub fn run<J: Journal>(
    session: &mut Session,
    journal: &mut J,
    input: &mut dyn BufRead,
    out: &mut dyn Write,
) -> anyhow::Result<()>
where
    J::Error: std::error::Error + Send + Sync + 'static,
{
    let history = |_: &J, _: &Session| {
        Ok(History {
            now: SystemClock.now_ms(),
            ..History::default()
        })
    };
    run_with(session, journal, input, out, &history)
}

/// What key results need beyond progress, asked of the journal (the store: `Store::outcome_history`) when needed.
pub(crate) type HistoryOf<'a, J> = &'a dyn Fn(&J, &Session) -> anyhow::Result<History>;

/// [`run`], with the key results' history from `history`.
pub(crate) fn run_with<J: Journal>(
    session: &mut Session,
    journal: &mut J,
    input: &mut dyn BufRead,
    out: &mut dyn Write,
    history: HistoryOf<'_, J>,
) -> anyhow::Result<()>
where
    J::Error: std::error::Error + Send + Sync + 'static,
{
    play(session, journal, input, out, history, &mut |_, _| Ok(false))?;
    session.close(journal)?;
    writeln!(out, "Saved. Bye.")?;
    Ok(())
}

/// What a time box asks after each line the learner gives: whether the box is over (`plain::timebox`).
pub(crate) type AfterLine<'a> = &'a mut dyn FnMut(&Session, &mut dyn Write) -> anyhow::Result<bool>;

/// Plays until `quit`, the end of input, or `after` says to stop; the session is left open.
pub(crate) fn play<J: Journal>(
    session: &mut Session,
    journal: &mut J,
    input: &mut dyn BufRead,
    out: &mut dyn Write,
    history: HistoryOf<'_, J>,
    after: AfterLine<'_>,
) -> anyhow::Result<()>
where
    J::Error: std::error::Error + Send + Sync + 'static,
{
    let styles = Styles::dark().without_color();
    let mut key_results = KeyResults::open(session, journal, history)?;
    let kr = &mut key_results;
    show(session, journal, kr, true, &styles, out)?;
    let mut line = String::new();
    loop {
        write!(out, "> ")?;
        out.flush()?;
        line.clear();
        if input.read_line(&mut line)? == 0 {
            break;
        }
        let line_text = line.trim_end_matches(['\n', '\r']);
        let (command, text) = split_line(line_text, waiting_for_answer(session));
        if session.is_paused()
            && command.as_deref() != Some("quit")
            && command.as_deref() != Some("q")
        {
            session.resume(journal)?;
            writeln!(out, "Resumed.")?;
            show(session, journal, kr, true, &styles, out)?;
        } else if let Flow::Quit =
            obey(session, journal, kr, command.as_deref(), text, &styles, out)?
        {
            break;
        }
        if after(session, out)? {
            break;
        }
    }
    Ok(())
}

/// A line as a command (lowercased) or an answer (`None`), and its text. `::x` is the answer `:x`; `:x` is the
/// command x; while a question waits, anything else is the answer.
fn split_line(line_text: &str, waiting: bool) -> (Option<String>, &str) {
    match line_text.strip_prefix(':') {
        Some(rest) if rest.starts_with(':') => (None, rest),
        Some(command) => (Some(command.trim().to_lowercase()), line_text),
        None if waiting && !line_text.trim().is_empty() => (None, line_text),
        None => (Some(line_text.trim().to_lowercase()), line_text),
    }
}

/// Whether the learner goes on or quits after a line.
#[must_use]
enum Flow {
    Go,
    Quit,
}

/// Does what one line says: answers with `text` (`command` is `None`) or carries out the command.
fn obey<J: Journal>(
    session: &mut Session,
    journal: &mut J,
    kr: &mut KeyResults<J>,
    command: Option<&str>,
    text: &str,
    styles: &Styles,
    out: &mut dyn Write,
) -> anyhow::Result<Flow>
where
    J::Error: std::error::Error + Send + Sync + 'static,
{
    match command {
        None => answer(session, journal, text, styles, out)?,
        Some("quit" | "q" | "exit") => return Ok(Flow::Quit),
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
            Back::ToText => show(session, journal, kr, false, styles, out)?,
            Back::PreviousBite | Back::PreviousLesson => {
                show(session, journal, kr, true, styles, out)?
            }
        },
        Some("hint") => match session.hint() {
            Some(hint) => writeln!(out, "{}", labelled("Hint: ", &hint, styles))?,
            None => writeln!(out, "No hint here.")?,
        },
        Some("skip" | "s") => skip(session, journal, styles, out)?,
        Some("retry" | "r") => retry(session, journal, kr, styles, out)?,
        Some("" | "next" | "n") => step(session, journal, kr, styles, out)?,
        Some(word) if rating(word).is_some() => {
            let rating = rating(word).unwrap_or(Rating::Good);
            if session.rate(rating, journal)? {
                writeln!(out, "Rated.")?;
                step(session, journal, kr, styles, out)?;
            } else {
                writeln!(out, "There is no card to rate. {HELP}")?;
            }
        }
        Some(other) => writeln!(
            out,
            "Unknown command `{}`. {HELP}",
            crate::text::sanitize(other)
        )?,
    }
    Ok(Flow::Go)
}

/// Skip: the question's verdict (what was right), or just that the exercise was skipped.
fn skip<J: Journal>(
    session: &mut Session,
    journal: &mut J,
    styles: &Styles,
    out: &mut dyn Write,
) -> anyhow::Result<()>
where
    J::Error: std::error::Error + Send + Sync + 'static,
{
    if session.skip(journal)? {
        if let Some((Exercise::Question(q), state)) = session.exercise()
            && let Some(verdict) = &state.verdict
        {
            verdict_lines(q, verdict, styles, out)?;
        } else {
            writeln!(out, "Skipped.")?;
        }
        writeln!(out, "Type next to go on.")?;
    } else {
        writeln!(out, "Nothing to skip here.")?;
    }
    Ok(())
}

/// Retry: this question again, or else the lesson's missed questions.
fn retry<J: Journal>(
    session: &mut Session,
    journal: &mut J,
    kr: &mut KeyResults<J>,
    styles: &Styles,
    out: &mut dyn Write,
) -> anyhow::Result<()>
where
    J::Error: std::error::Error + Send + Sync + 'static,
{
    if session.try_again() {
        show(session, journal, kr, false, styles, out)?;
    } else if session.retry_missed(journal)? {
        writeln!(out, "Retrying the missed questions.")?;
        show(session, journal, kr, false, styles, out)?;
    } else {
        writeln!(out, "Nothing to retry.")?;
    }
    Ok(())
}

/// A rating as typed: its number or its name.
pub(crate) fn rating(word: &str) -> Option<Rating> {
    Rating::ALL
        .into_iter()
        .find(|r| word == r.number().to_string() || word.eq_ignore_ascii_case(r.name()))
}

fn waiting_for_answer(session: &Session) -> bool {
    matches!(session.exercise(), Some((Exercise::Question(_), s)) if s.verdict.is_none())
}

pub(crate) fn plain(markdown: &str, styles: &Styles) -> String {
    render::to_terminal_text(&render::markdown(markdown, WIDTH, styles), false)
        .trim_end()
        .to_string()
}

/// `label` then pack Markdown, wrapped within the width, its continuation lines under the text: `Question: …`.
pub(crate) fn labelled(label: &str, markdown: &str, styles: &Styles) -> String {
    let indent = crate::text::width(label);
    let width = WIDTH.saturating_sub(indent as u16).max(20);
    let text = render::to_terminal_text(&render::markdown(markdown, width, styles), false);
    let mut out = String::new();
    for (i, line) in text.trim_end().lines().enumerate() {
        if i == 0 {
            out.push_str(label);
        } else {
            out.push('\n');
            if !line.is_empty() {
                out.push_str(&" ".repeat(indent));
            }
        }
        out.push_str(line);
    }
    out
}

/// Next: reveal a card's back, or move on and show what comes.
fn step<J: Journal>(
    session: &mut Session,
    journal: &mut J,
    kr: &mut KeyResults<J>,
    styles: &Styles,
    out: &mut dyn Write,
) -> anyhow::Result<()>
where
    J::Error: std::error::Error + Send + Sync + 'static,
{
    if let Some((Exercise::Card(card), state)) = session.exercise()
        && !state.revealed
    {
        let back = labelled("Back: ", &card.back, styles);
        session.reveal();
        writeln!(out, "{back}")?;
        writeln!(
            out,
            "How well did you remember? 1 again, 2 hard, 3 good, 4 easy."
        )?;
        return Ok(());
    }
    match session.advance(journal)? {
        Advance::NeedsAnswer => writeln!(out, "{}", first(session.exercise()))?,
        Advance::NextBite | Advance::NextLesson => show(session, journal, kr, true, styles, out)?,
        Advance::Exercise | Advance::LessonDone(_) | Advance::CourseDone => {
            show(session, journal, kr, false, styles, out)?
        }
    }
    Ok(())
}

/// What next waits for: an answer to the question, or a card's rating.
pub(crate) fn first(
    exercise: Option<(&Exercise, &crate::learn::session::ExerciseState)>,
) -> &'static str {
    match exercise {
        Some((Exercise::Card(_), _)) => {
            "Rate it first: 1 again, 2 hard, 3 good, 4 easy; or type skip."
        }
        _ => "Answer first, or type :skip.",
    }
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
    let Some(response) = typed(q, &state.shown, text, out)? else {
        return Ok(());
    };
    let question = q.clone();
    let Some(verdict) = session.answer(&response, journal)? else {
        return Ok(());
    };
    verdict_lines(&question, &verdict, styles, out)?;
    if !verdict.correct {
        writeln!(out, "Type retry to try again, or next to go on.")?;
    }
    Ok(())
}

/// A typed answer to `question` shown in the order `shown`, or `None` after saying why it could not be read.
pub(crate) fn typed(
    question: &Question,
    shown: &[usize],
    text: &str,
    out: &mut dyn Write,
) -> anyhow::Result<Option<grade::Response>> {
    match grade::parse_input(&question.kind, shown, text) {
        Ok(response) => Ok(Some(response)),
        Err(e) => {
            writeln!(out, "{e}.")?;
            Ok(None)
        }
    }
}

/// A verdict in words: right or not; after a wrong answer or a skip, the learner's answer and the right one (and
/// for a pick-all question the right choices missed); the feedback of each picked choice, named; the explanation.
pub(crate) fn verdict_lines(
    question: &Question,
    verdict: &Verdict,
    styles: &Styles,
    out: &mut dyn Write,
) -> anyhow::Result<()> {
    let head = if verdict.correct {
        "Right."
    } else if verdict.skipped {
        "Skipped."
    } else {
        "Not quite."
    };
    writeln!(out, "{head}")?;
    if !verdict.correct {
        if let Some(given) = &verdict.given {
            writeln!(out, "{}", stated("Your answer", "Your order", given))?;
        }
        if let Some(right) = &verdict.right {
            writeln!(
                out,
                "{}",
                stated("The right answer", "The right order", right)
            )?;
        }
        if question.kind.picks_several() && !verdict.skipped && !verdict.missed.is_empty() {
            writeln!(out, "Missed: {}.", choices(&verdict.missed))?;
        }
    }
    if let Some(why) = &verdict.why {
        writeln!(out, "{}", plain(why, styles))?;
    }
    for feedback in &verdict.feedback {
        writeln!(
            out,
            "{}: {}",
            choices(std::slice::from_ref(&feedback.choice)),
            plain(&feedback.text, styles)
        )?;
    }
    if let Some(explain) = &question.explain {
        writeln!(out, "{}", plain(explain, styles))?;
    }
    Ok(())
}

/// An answer in one line: `Your answer: 2. text`, `The right order: 3 1 2 (first; second; third)`.
pub(crate) fn stated(answer: &str, order: &str, stated: &Stated) -> String {
    match stated {
        Stated::Choices(picked) if picked.is_empty() => format!("{answer}: none."),
        Stated::Choices(picked) => format!("{answer}: {}.", choices(picked)),
        Stated::Bool(b) => format!("{answer}: {b}."),
        Stated::Text(t) => format!("{answer}: {}", crate::text::sanitize(t)),
        Stated::Order(items) => {
            let numbers: Vec<String> = items.iter().map(|i| i.number.to_string()).collect();
            let texts: Vec<String> = items.iter().map(|i| inline(&i.text)).collect();
            format!("{order}: {} ({}).", numbers.join(" "), texts.join("; "))
        }
    }
}

/// Choices by number and text: `1. text; 3. text`.
pub(crate) fn choices(shown: &[Shown]) -> String {
    shown
        .iter()
        .map(|c| format!("{}. {}", c.number, inline(&c.text)))
        .collect::<Vec<_>>()
        .join("; ")
}

/// Inline pack Markdown as one line of plain text.
pub(crate) fn inline(markdown: &str) -> String {
    let styles = Styles::dark().without_color();
    render::to_terminal_text(&render::inline(markdown, 1000, &styles), false)
        .lines()
        .map(str::trim_end)
        .collect::<Vec<_>>()
        .join(" ")
}

/// An exercise as plain lines: a question's prompt and how to answer it, with its choices or items in the order
/// `shown`; a card's front.
pub(crate) fn exercise_lines(
    exercise: &Exercise,
    shown: &[usize],
    styles: &Styles,
    out: &mut dyn Write,
) -> anyhow::Result<()> {
    match exercise {
        Exercise::Question(q) => {
            writeln!(out, "\n{}", labelled("Question: ", &q.prompt, styles))?;
            match &q.kind {
                QuestionKind::Choice { choices, .. } => {
                    if let Some(note) = q.pick_all_note() {
                        writeln!(out, "{note}")?;
                    }
                    if q.kind.picks_several() {
                        writeln!(out, "Type the numbers of your choices, as in 1 3.")?;
                    } else {
                        writeln!(out, "Type the number of your choice.")?;
                    }
                    for (n, &i) in shown.iter().enumerate() {
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
                    for (n, &i) in shown.iter().enumerate() {
                        writeln!(out, "{}. {}", n + 1, plain(&items[i], styles))?;
                    }
                }
            }
        }
        Exercise::Card(card) => {
            writeln!(out, "\n{}", labelled("Card: ", &card.front, styles))?;
            writeln!(out, "Type next to see the back.")?;
        }
    }
    Ok(())
}

/// Prints what is on screen now; `arrived` when the learner has just come to this bite, so that a bite opening at
/// its exercise (it has no text) still says where it is.
fn show<J>(
    session: &Session,
    journal: &J,
    kr: &mut KeyResults<J>,
    arrived: bool,
    styles: &Styles,
    out: &mut dyn Write,
) -> anyhow::Result<()> {
    let lesson = session.lesson();
    let place = || {
        format!(
            "\n{}, lesson {} of {}: {}. Bite {} of {}.",
            crate::text::sanitize(&session.pack().course.title),
            session.lesson_index() + 1,
            session.pack().lessons.len(),
            crate::text::sanitize(&lesson.title),
            session.bite().number,
            lesson.bites.len()
        )
    };
    match session.stage() {
        Stage::Reading => {
            kr.lesson_shown(session, journal)?;
            writeln!(out, "{}\n", place())?;
            writeln!(out, "{}", plain(&session.bite().markdown, styles))?;
            if session.exercises_wait() {
                writeln!(out, "\n(next: the questions of this bite)")?;
            }
        }
        Stage::Exercise(_) => {
            kr.lesson_shown(session, journal)?;
            if arrived {
                writeln!(out, "{}", place())?;
            }
            // As it stands: an answered question with its verdict, a card with its back showing (after a pause).
            match session.exercise() {
                Some((Exercise::Question(q), state)) if state.verdict.is_some() => {
                    writeln!(out, "\n{}", labelled("Question: ", &q.prompt, styles))?;
                    if let Some(verdict) = &state.verdict {
                        verdict_lines(q, verdict, styles, out)?;
                        if !verdict.correct {
                            writeln!(out, "Type retry to try again, or next to go on.")?;
                        }
                    }
                }
                Some((Exercise::Card(card), state))
                    if state.revealed && state.verdict.is_none() =>
                {
                    writeln!(out, "\n{}", labelled("Card: ", &card.front, styles))?;
                    writeln!(out, "{}", labelled("Back: ", &card.back, styles))?;
                    writeln!(
                        out,
                        "How well did you remember? 1 again, 2 hard, 3 good, 4 easy."
                    )?;
                }
                Some((exercise, state)) => exercise_lines(exercise, &state.shown, styles, out)?,
                None => {}
            }
        }
        Stage::Summary(status) => {
            let summary = LessonSummary::new(lesson, status, session.pack().course.pass_mark);
            writeln!(out)?;
            for line in summary.lines() {
                writeln!(out, "{line}")?;
            }
            for line in kr.lesson_end(session, journal)? {
                writeln!(out, "{line}")?;
            }
            if !summary.missed.is_empty() {
                writeln!(out, "Type retry to try them again, or next to go on.")?;
            }
        }
        Stage::CourseDone => {
            let summary = CourseSummary::new(session.pack(), session.course_standing());
            writeln!(out)?;
            for line in summary.lines() {
                writeln!(out, "{line}")?;
            }
            for line in kr.course_end(session, journal)? {
                writeln!(out, "{line}")?;
            }
            writeln!(out, "Type quit to leave.")?;
        }
    }
    Ok(())
}

/// The snapshots of the course's key results that the summaries compare with: at the course's opening, and when the
/// lesson being played was first shown.
struct KeyResults<'a, J> {
    history: HistoryOf<'a, J>,
    course_start: Snapshot,
    /// The lesson's index, and its snapshot.
    lesson: Option<(usize, Snapshot)>,
}

impl<'a, J> KeyResults<'a, J> {
    fn open(session: &Session, journal: &J, history: HistoryOf<'a, J>) -> anyhow::Result<Self> {
        let mut kr = Self {
            history,
            course_start: Snapshot::default(),
            lesson: None,
        };
        kr.course_start = kr.snapshot(session, journal)?;
        Ok(kr)
    }

    /// The key results now; nothing is asked of the store for a course that declares none.
    fn snapshot(&self, session: &Session, journal: &J) -> anyhow::Result<Snapshot> {
        let pack = session.pack();
        if pack.course.key_results.is_empty() {
            return Ok(Snapshot::default());
        }
        let history = (self.history)(journal, session)?;
        Ok(Snapshot::take(
            pack,
            &Inputs {
                progress: session.progress(),
                scheduler: session.scheduler(),
                history: &history,
            },
        ))
    }

    fn lesson_shown(&mut self, session: &Session, journal: &J) -> anyhow::Result<()> {
        let index = session.lesson_index();
        if self.lesson.as_ref().is_none_or(|(i, _)| *i != index) {
            self.lesson = Some((index, self.snapshot(session, journal)?));
        }
        Ok(())
    }

    fn lesson_end(&mut self, session: &Session, journal: &J) -> anyhow::Result<Vec<String>> {
        let pack = session.pack();
        if pack.course.key_results.is_empty() {
            return Ok(Vec::new());
        }
        let now = self.snapshot(session, journal)?;
        let before = match &self.lesson {
            Some((i, before)) if *i == session.lesson_index() => before,
            _ => &self.course_start,
        };
        Ok(summary::lesson_key_results(&outcomes::moved_by_lesson(
            pack,
            &session.lesson().id,
            before,
            &now,
        )))
    }

    fn course_end(&mut self, session: &Session, journal: &J) -> anyhow::Result<Vec<String>> {
        let pack = session.pack();
        if pack.course.key_results.is_empty() {
            return Ok(Vec::new());
        }
        let now = self.snapshot(session, journal)?;
        Ok(summary::course_key_results(&outcomes::standing(
            pack,
            &self.course_start,
            &now,
        )))
    }
}
