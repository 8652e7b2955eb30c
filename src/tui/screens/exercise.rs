//! An exercise on screen: a question of any kind, or a flashcard. Which answer keys it takes, the
//! commands it offers, how they answer it, and how it is drawn, with the verdict, the feedback and the
//! explanation after an answer. Shared by the player and the review screen through `Answering`.

use std::collections::BTreeSet;
use std::ops::Range;

use ratatui::style::Style;
use ratatui::text::{Line, Span};

use super::{Next, bold, dim};
use crate::learn::grade::{self, Response, Shown, Stated, Verdict};
use crate::learn::journal::Rating;
use crate::learn::session::{ExerciseState, Session};
use crate::learn::sitting::Reviewing;
use crate::pack::{Card, Choice, Exercise, Question, QuestionKind};
use crate::render;
use crate::store::{Store, StoreError};
use crate::text::sanitize;
use crate::tui::command::{Binding, Command, Input};
use crate::tui::context::Context;
use crate::tui::keymap::Action;

/// What answers the exercise on screen: the playing session, or a review sitting. Each keeps its records in the
/// store before the move takes effect.
pub(crate) trait Answering {
    fn exercise(&self) -> Option<(&Exercise, &ExerciseState)>;
    /// Whether this is a retry of a missed question (the label says so).
    fn in_retry(&self) -> bool;
    fn answer(
        &mut self,
        response: &Response,
        store: &mut Store,
    ) -> Result<Option<Verdict>, StoreError>;
    fn skip(&mut self, store: &mut Store) -> Result<bool, StoreError>;
    fn hint(&mut self) -> Option<String>;
    fn try_again(&mut self) -> bool;
    fn reveal(&mut self) -> bool;
    fn rate(&mut self, rating: Rating, store: &mut Store) -> Result<bool, StoreError>;
}

impl Answering for Session {
    fn exercise(&self) -> Option<(&Exercise, &ExerciseState)> {
        Session::exercise(self)
    }
    fn in_retry(&self) -> bool {
        Session::in_retry(self)
    }
    fn answer(&mut self, r: &Response, store: &mut Store) -> Result<Option<Verdict>, StoreError> {
        Session::answer(self, r, store)
    }
    fn skip(&mut self, store: &mut Store) -> Result<bool, StoreError> {
        Session::skip(self, store)
    }
    fn hint(&mut self) -> Option<String> {
        Session::hint(self)
    }
    fn try_again(&mut self) -> bool {
        Session::try_again(self)
    }
    fn reveal(&mut self) -> bool {
        Session::reveal(self)
    }
    fn rate(&mut self, rating: Rating, store: &mut Store) -> Result<bool, StoreError> {
        Session::rate(self, rating, store)
    }
}

impl Answering for Reviewing {
    fn exercise(&self) -> Option<(&Exercise, &ExerciseState)> {
        Reviewing::exercise(self)
    }
    fn in_retry(&self) -> bool {
        false
    }
    fn answer(&mut self, r: &Response, store: &mut Store) -> Result<Option<Verdict>, StoreError> {
        Reviewing::answer(self, r, store)
    }
    fn skip(&mut self, store: &mut Store) -> Result<bool, StoreError> {
        Reviewing::skip(self, store)
    }
    fn hint(&mut self) -> Option<String> {
        Reviewing::hint(self)
    }
    fn try_again(&mut self) -> bool {
        Reviewing::try_again(self)
    }
    fn reveal(&mut self) -> bool {
        Reviewing::reveal(self)
    }
    fn rate(&mut self, rating: Rating, store: &mut Store) -> Result<bool, StoreError> {
        Reviewing::rate(self, rating, store)
    }
}

/// What the learner is entering for the exercise on screen.
#[derive(Debug, Default)]
pub(crate) struct AnswerInput {
    /// What is typed for a text or order answer.
    pub(crate) input: String,
    /// The learner left the answer field with Esc: keys are actions (s, i, ?, q…) until Enter goes back into it.
    pub(crate) input_left: bool,
    /// Shown numbers (1-based) picked for a choice question.
    pub(crate) picked: BTreeSet<usize>,
    /// The hint, once asked for.
    pub(crate) hint: Option<String>,
    /// A one-line message about the last key ("answer first", an input error…).
    pub(crate) notice: Option<String>,
    /// Preview: the answer and the explanation show before an answer is given.
    pub(crate) reveal_answers: bool,
}

impl AnswerInput {
    /// Forgets what was typed, picked or hinted for the exercise that was showing.
    pub(crate) fn clear(&mut self) {
        self.picked.clear();
        self.input.clear();
        self.input_left = false;
        self.hint = None;
    }
}

/// A text or order question waiting for its answer: it takes typed text.
pub(crate) fn takes_text(a: &dyn Answering) -> bool {
    matches!(
        a.exercise(),
        Some((Exercise::Question(q), state))
            if state.verdict.is_none() && matches!(q.kind, QuestionKind::Text { .. } | QuestionKind::Order { .. })
    )
}

/// The answer keys the exercise takes now (text fields are the player's: see `Player::input`).
pub(crate) fn input(a: &dyn Answering) -> Input {
    match a.exercise() {
        Some((Exercise::Question(q), state)) if state.verdict.is_none() => match q.kind {
            QuestionKind::Choice { .. } => Input::Choices,
            QuestionKind::TrueFalse { .. } => Input::TrueFalse,
            _ => Input::Keys,
        },
        Some((Exercise::Card(_), state)) if state.revealed && state.verdict.is_none() => {
            Input::Ratings
        }
        _ => Input::Keys,
    }
}

pub(crate) fn commands(
    a: &dyn Answering,
    ans: &AnswerInput,
    typing: bool,
    ctx: &Context,
) -> Vec<Binding> {
    let keymap = &ctx.keymap;
    let mut c = Vec::new();
    let Some((exercise, state)) = a.exercise() else {
        return c;
    };
    match (exercise, &state.verdict) {
        (Exercise::Question(q), None) => {
            match &q.kind {
                QuestionKind::Choice { choices, .. } => {
                    let n = choices.len().min(9);
                    let pick_all = q.kind.picks_several();
                    c.push(
                        Binding::fixed(
                            Command::Pick(1),
                            &format!("1-{n}"),
                            if pick_all { "toggle" } else { "pick" },
                        )
                        .described(if pick_all {
                            "pick or unpick a choice: all that apply"
                        } else {
                            "pick a choice"
                        }),
                    );
                    c.push(Binding::action(keymap, Action::Next, "submit"));
                }
                QuestionKind::TrueFalse { .. } => {
                    c.push(Binding::fixed(Command::TrueFalse(true), "t/f", "answer"));
                    // Next says what it needs instead of doing nothing.
                    c.push(Binding::action(keymap, Action::Next, "answer first").help_only());
                }
                QuestionKind::Text { .. } | QuestionKind::Order { .. } if typing => {
                    c.push(Binding::fixed(Command::Type('a'), "type", "the answer").help_only());
                    c.push(Binding::fixed(Command::Erase, "Backspace", "erase").help_only());
                    c.push(Binding::fixed(Command::Submit, "Enter", "submit"));
                    c.push(Binding::fixed(Command::Leave, "Esc", "more keys"));
                    if q.hint.is_some() && ans.hint.is_none() {
                        c.push(Binding::fixed(Command::Action(Action::Hint), "Tab", "hint"));
                    }
                    return c;
                }
                QuestionKind::Text { .. } | QuestionKind::Order { .. } => {
                    c.push(Binding::action(keymap, Action::Next, "type the answer"));
                }
            }
            if q.hint.is_some() && ans.hint.is_none() {
                c.push(Binding::action(keymap, Action::Hint, "hint"));
            }
            c.push(
                Binding::action(keymap, Action::Skip, "skip")
                    .described("skip the question (recorded as not right)"),
            );
            c.push(Binding::action(keymap, Action::Back, "back to the text").help_only());
        }
        (Exercise::Question(_), Some(verdict)) => {
            if !verdict.correct {
                c.push(Binding::action(keymap, Action::Retry, "try again"));
            }
            c.push(Binding::action(keymap, Action::Next, "next"));
            c.push(Binding::action(keymap, Action::Back, "back to the text").help_only());
        }
        (Exercise::Card(_), None) if !state.revealed => {
            c.push(Binding::action(keymap, Action::Next, "show the back"));
            c.push(Binding::action(keymap, Action::Skip, "skip"));
        }
        (Exercise::Card(_), None) => {
            c.push(Binding::action(keymap, Action::Next, "rate first").help_only());
            c.push(
                Binding::fixed(Command::Rate(Rating::Good), "1-4", "rate")
                    .described("rate your recall: 1 again, 2 hard, 3 good, 4 easy"),
            );
            c.push(Binding::action(keymap, Action::Skip, "skip"));
        }
        (Exercise::Card(_), Some(_)) => {
            c.push(Binding::action(keymap, Action::Next, "next"));
            c.push(Binding::action(keymap, Action::Back, "back to the text").help_only());
        }
    }
    c
}

pub(crate) fn update(
    a: &mut dyn Answering,
    ans: &mut AnswerInput,
    command: Command,
    ctx: &mut Context,
) -> Next {
    match command {
        Command::Type(c) => ans.input.push(c),
        Command::Erase => {
            ans.input.pop();
        }
        Command::Submit => submit_typed(a, ans, ctx),
        Command::Pick(n) => pick(a, ans, n),
        Command::TrueFalse(value) => {
            let result = a.answer(&Response::Bool(value), &mut ctx.store);
            ctx.saved(result);
        }
        Command::Rate(rating) => {
            let result = a.rate(rating, &mut ctx.store);
            ctx.saved(result);
        }
        Command::Action(Action::Hint) => {
            let waiting =
                matches!(a.exercise(), Some((Exercise::Question(_), s)) if s.verdict.is_none());
            ans.hint = a.hint();
            if ans.hint.is_none() && waiting {
                ans.notice = Some("no hint for this one".into());
            }
        }
        Command::Action(Action::Skip) => {
            let result = a.skip(&mut ctx.store);
            if let Some(false) = ctx.saved(result) {
                ans.notice = Some("nothing to skip here".into());
            }
        }
        Command::Action(Action::Retry) if a.try_again() => ans.clear(),
        _ => {}
    }
    Next::Stay
}

fn pick(a: &dyn Answering, ans: &mut AnswerInput, n: usize) {
    let Some((Exercise::Question(q), _)) = a.exercise() else {
        return;
    };
    let QuestionKind::Choice { choices, .. } = &q.kind else {
        return;
    };
    if n > choices.len() {
        ans.notice = Some(format!("type a number from 1 to {}", choices.len()));
        return;
    }
    if !q.kind.picks_several() {
        ans.picked.clear();
    }
    if !ans.picked.remove(&n) {
        ans.picked.insert(n);
    }
}

fn submit_typed(a: &mut dyn Answering, ans: &mut AnswerInput, ctx: &mut Context) {
    let Some((Exercise::Question(q), state)) = a.exercise() else {
        return;
    };
    match grade::parse_input(&q.kind, &state.shown, &ans.input) {
        Ok(response) => {
            let result = a.answer(&response, &mut ctx.store);
            ctx.saved(result);
        }
        Err(e) => ans.notice = Some(e.to_string()),
    }
}

/// Next on an exercise that waits: submit the picked choices, show a card's back, or go back into the field.
pub(crate) fn next(a: &mut dyn Answering, ans: &mut AnswerInput, ctx: &mut Context) -> Next {
    let Some((exercise, state)) = a.exercise() else {
        return Next::Stay;
    };
    match exercise {
        Exercise::Question(q) => match q.kind {
            QuestionKind::Choice { .. } if ans.picked.is_empty() => {
                ans.notice = Some("pick a number first (s skips)".into());
            }
            QuestionKind::Choice { .. } => {
                let picked: Vec<usize> = ans.picked.iter().map(|n| state.shown[n - 1]).collect();
                let result = a.answer(&Response::Choices(picked), &mut ctx.store);
                ctx.saved(result);
            }
            QuestionKind::TrueFalse { .. } => ans.notice = Some("press t or f (s skips)".into()),
            _ => ans.input_left = false,
        },
        Exercise::Card(_) if !state.revealed => {
            a.reveal();
        }
        Exercise::Card(_) => ans.notice = Some("rate it 1 to 4 (s skips)".into()),
    }
    Next::Stay
}

/// An exercise's lines, and what of them must stay in view when they do not all fit.
#[derive(Default)]
pub(crate) struct View {
    pub(crate) lines: Vec<Line<'static>>,
    /// The rows that take the answer (what is typed and the hint, `t`/`f`, a card's rating keys): pinned under
    /// the rest, which scrolls, so that the learner never types blind.
    pub(crate) pinned: Option<Range<usize>>,
    /// The verdict's first line: an answer scrolls the view down to it.
    pub(crate) verdict: Option<usize>,
}

/// The exercise on screen as lines at `width`, with the rows to keep in view.
pub(crate) fn view(
    a: &dyn Answering,
    ans: &AnswerInput,
    state: &ExerciseState,
    ctx: &Context,
    width: u16,
) -> View {
    let mut view = View::default();
    let Some((exercise, _)) = a.exercise() else {
        return view;
    };
    match exercise {
        Exercise::Question(q) => {
            let label = if a.in_retry() { "Retry" } else { "Question" };
            question_lines(&mut view, q, ans, state, ctx, width, label);
        }
        Exercise::Card(card) => card_lines(&mut view, card, state, ctx, width),
    }
    view
}

fn question_lines(
    view: &mut View,
    q: &Question,
    ans: &AnswerInput,
    state: &ExerciseState,
    ctx: &Context,
    width: u16,
    label: &str,
) {
    let styles = &ctx.styles;
    let lines = &mut view.lines;
    lines.push(Line::styled(label.to_string(), dim()));
    lines.extend(render::inline(&q.prompt, width, styles));
    if !(matches!(q.kind, QuestionKind::TrueFalse { .. }) && state.verdict.is_some()) {
        lines.push(Line::default());
    }
    let mut pinned_from = None;
    match &q.kind {
        QuestionKind::Choice { choices, .. } => {
            choice_lines(lines, q, choices, ans, state, ctx, width);
        }
        QuestionKind::TrueFalse { .. } => {
            if state.verdict.is_none() {
                pinned_from = Some(lines.len());
                lines.push(Line::raw("t  true      f  false"));
            }
        }
        QuestionKind::Text { .. } => {
            pinned_from = Some(lines.len());
            lines.push(input_line(ans, state, "Your answer: "));
        }
        QuestionKind::Order { items } => {
            wrapped(
                lines,
                "Put these in order: type their numbers, e.g. 3 1 2.",
                dim(),
                width,
                ctx,
            );
            for (n, &index) in state.shown.iter().enumerate() {
                numbered(
                    lines,
                    &format!("{}. ", n + 1),
                    &items[index],
                    Style::new(),
                    width,
                    ctx,
                );
            }
            lines.push(Line::default());
            pinned_from = Some(lines.len());
            lines.push(input_line(ans, state, "Your order: "));
        }
    }
    if let Some(hint) = &ans.hint
        && state.verdict.is_none()
    {
        lines.push(Line::default());
        numbered(lines, "Hint: ", hint, dim(), width, ctx);
    }
    if state.verdict.is_none() {
        view.pinned = pinned_from.map(|from| from..lines.len());
    }
    if ans.reveal_answers && state.verdict.is_none() {
        lines.push(Line::default());
        lines.push(Line::styled("Answer (preview)", dim()));
        match &q.kind {
            // Every accepted answer: the author checks them all; and what a pattern graded by examples must do.
            QuestionKind::Text {
                answers, examples, ..
            } if answers.len() > 1 || examples.is_some() => {
                let all: Vec<String> = answers
                    .iter()
                    .map(|a| format!("`{}`", a.replace('`', "")))
                    .collect();
                numbered(
                    lines,
                    "Accepted answers: ",
                    &all.join(", "),
                    dim(),
                    width,
                    ctx,
                );
                if let Some(examples) = examples {
                    let note = format!("and {}.", grade::examples_note(examples));
                    numbered(lines, "", &note, dim(), width, ctx);
                }
            }
            _ => stated_lines(lines, &grade::skipped(&q.kind, &state.shown), width, ctx),
        }
        if let Some(explain) = &q.explain {
            lines.extend(render::markdown(explain, width, styles));
        }
    }
    if let Some(verdict) = &state.verdict {
        lines.push(Line::default());
        view.verdict = Some(lines.len());
        verdict_lines(lines, q, verdict, ctx, width);
    }
}

/// The verdict on an answer: right or not, the right answer when it was not, the feedback and the explanation.
fn verdict_lines(
    lines: &mut Vec<Line<'static>>,
    q: &Question,
    verdict: &Verdict,
    ctx: &Context,
    width: u16,
) {
    let styles = &ctx.styles;
    let (text, style) = if verdict.skipped {
        ("Skipped.", dim())
    } else if verdict.correct {
        ("✓ Right.", styles.strong)
    } else {
        ("✗ Not quite.", styles.strong)
    };
    lines.push(Line::styled(text, style));
    if !verdict.correct {
        stated_lines(lines, verdict, width, ctx);
    }
    if let Some(why) = &verdict.why {
        numbered(lines, "", why, dim(), width, ctx);
    }
    for feedback in &verdict.feedback {
        let lead = format!("{}: ", feedback.choice.number);
        numbered(lines, &lead, &feedback.text, dim(), width, ctx);
    }
    if let Some(explain) = &q.explain {
        lines.push(Line::default());
        lines.extend(render::markdown(explain, width, styles));
    }
}

/// A choice question's choices, marked as picked, and after an answer (or in a preview) as right or wrong.
fn choice_lines(
    lines: &mut Vec<Line<'static>>,
    q: &Question,
    choices: &[Choice],
    ans: &AnswerInput,
    state: &ExerciseState,
    ctx: &Context,
    width: u16,
) {
    let styles = &ctx.styles;
    let pick_all = q.kind.picks_several();
    if let Some(note) = q.pick_all_note()
        && state.verdict.is_none()
    {
        wrapped(lines, note, dim(), width, ctx);
    }
    let revealed = (ans.reveal_answers && state.verdict.is_none())
        .then(|| grade::skipped(&q.kind, &state.shown));
    let right = right_choices(state.verdict.as_ref().or(revealed.as_ref()));
    for (n, &index) in state.shown.iter().enumerate() {
        let picked = ans.picked.contains(&(n + 1));
        let mark = match (pick_all, picked) {
            (true, true) => "[x]",
            (true, false) => "[ ]",
            (false, true) => "(•)",
            (false, false) => "( )",
        };
        // After an answer, the right choices are marked, and a wrong pick too.
        let verdict_mark = match (
            state.verdict.as_ref().or(revealed.as_ref()),
            right.contains(&index),
            picked,
        ) {
            (None, _, _) => "",
            (Some(_), true, _) => "  ✓",
            (Some(_), false, true) => "  ✗",
            (Some(_), false, false) => "",
        };
        let style = if picked { styles.strong } else { Style::new() };
        let text = format!("{}{verdict_mark}", choices[index].text);
        numbered(
            lines,
            &format!("{} {mark} ", n + 1),
            &text,
            style,
            width,
            ctx,
        );
    }
}

fn card_lines(view: &mut View, card: &Card, state: &ExerciseState, ctx: &Context, width: u16) {
    let styles = &ctx.styles;
    let lines = &mut view.lines;
    lines.push(Line::styled("Card", dim()));
    lines.extend(render::markdown(&card.front, width, styles));
    lines.push(Line::default());
    if state.revealed {
        lines.push(Line::styled("─".repeat(width.min(20) as usize), dim()));
        lines.extend(render::markdown(&card.back, width, styles));
        lines.push(Line::default());
    }
    match (&state.verdict, state.revealed) {
        (Some(verdict), _) => lines.push(Line::styled(
            if verdict.skipped {
                "Skipped."
            } else {
                "Rated."
            },
            dim(),
        )),
        (None, true) => {
            view.pinned = Some(lines.len()..lines.len() + 2);
            lines.push(Line::raw("How well did you remember?"));
            lines.push(Line::raw("1 Again  2 Hard  3 Good  4 Easy"));
        }
        (None, false) => {}
    }
}

/// The author's indices of the right choices, once a verdict states them.
fn right_choices(verdict: Option<&Verdict>) -> Vec<usize> {
    match verdict.and_then(|v| v.right.as_ref()) {
        Some(Stated::Choices(right)) => right.iter().map(|c| c.index).collect(),
        _ => Vec::new(),
    }
}

/// After a wrong answer or a skip, what the right answer is (the choices are marked in place instead), and the
/// learner's own answer where the screen no longer shows it.
fn stated_lines(lines: &mut Vec<Line<'static>>, verdict: &Verdict, width: u16, ctx: &Context) {
    let numbers = |items: &[Shown]| {
        items
            .iter()
            .map(|i| i.number.to_string())
            .collect::<Vec<_>>()
            .join(" ")
    };
    match (&verdict.given, &verdict.right) {
        (_, Some(Stated::Choices(right))) => {
            let list = |shown: &[Shown]| {
                shown
                    .iter()
                    .map(|c| c.number.to_string())
                    .collect::<Vec<_>>()
                    .join(", ")
            };
            let line = match right.len() {
                1 => format!("The right answer is {}, marked ✓.", list(right)),
                _ if verdict.skipped || verdict.missed.is_empty() => {
                    format!("The right answers are {}, marked ✓.", list(right))
                }
                _ => format!("Missed: {}, marked ✓.", list(&verdict.missed)),
            };
            wrapped(lines, &line, dim(), width, ctx);
        }
        (given, Some(Stated::Bool(right))) => {
            let line = match given {
                Some(Stated::Bool(b)) => format!("You answered {b}; it is {right}."),
                _ => format!("The right answer is {right}."),
            };
            wrapped(lines, &line, Style::new(), width, ctx);
        }
        (_, Some(Stated::Text(right))) => {
            numbered(
                lines,
                "An accepted answer: ",
                &format!("`{}`", right.replace('`', "")),
                dim(),
                width,
                ctx,
            );
        }
        (_, Some(Stated::Order(right))) => {
            let line = format!("The right order: {}", numbers(right));
            wrapped(lines, &line, Style::new(), width, ctx);
            for (i, item) in right.iter().enumerate() {
                numbered(
                    lines,
                    &format!("  {}. ", i + 1),
                    &item.text,
                    dim(),
                    width,
                    ctx,
                );
            }
        }
        _ => {}
    }
}

/// Text of morsel's own (not Markdown) wrapped at `width` in `style`: every line of the body is one row, so that
/// scrolling and the rows kept in view count right.
fn wrapped(lines: &mut Vec<Line<'static>>, text: &str, style: Style, width: u16, ctx: &Context) {
    lines.extend(
        super::plain_text(text, width, ctx)
            .into_iter()
            .map(|line| line.style(style)),
    );
}

/// `lead` then `text` (inline Markdown) wrapped at `width`, its continuation lines indented under the text.
fn numbered(
    lines: &mut Vec<Line<'static>>,
    lead: &str,
    text: &str,
    style: Style,
    width: u16,
    ctx: &Context,
) {
    let lead_width = crate::text::width(lead);
    let indent = " ".repeat(lead_width);
    for (i, line) in render::inline(text, width.saturating_sub(lead_width as u16), &ctx.styles)
        .into_iter()
        .enumerate()
    {
        let first = if i == 0 {
            lead.to_string()
        } else {
            indent.clone()
        };
        let mut spans = vec![Span::styled(first, style)];
        spans.extend(line.spans);
        lines.push(Line::from(spans));
    }
}

fn input_line(ans: &AnswerInput, state: &ExerciseState, label: &str) -> Line<'static> {
    let cursor = if state.verdict.is_none() && !ans.input_left {
        "▏"
    } else {
        ""
    };
    Line::from(vec![
        Span::styled(label.to_string(), dim()),
        Span::styled(sanitize(&ans.input).into_owned(), bold()),
        Span::raw(cursor),
    ])
}
