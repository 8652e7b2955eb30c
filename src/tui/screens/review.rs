//! The review screen: due cards and questions one at a time, a question's prompt alone with `←` to show the bite
//! it came from, when each comes back once answered, and at the end what was done and when the next is due.

use ratatui::Frame;
use ratatui::layout::{Alignment, Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::exercise::{self, AnswerInput};
use super::{Next, column, dim, draw_body, footer, frame_rows, verdict_scroll};
use crate::learn::sitting::{Reviewing, comes_back};
use crate::render;
use crate::text::sanitize;
use crate::tui::command::{Binding, Command, Input, scroll_bindings};
use crate::tui::context::Context;
use crate::tui::keymap::Action;

pub struct ReviewScreen {
    pub(crate) reviewing: Reviewing,
    pub(crate) ans: AnswerInput,
    /// How far the item (or its bite) is scrolled.
    pub(crate) view_scroll: u16,
    /// The bite the item comes from is showing instead of the item.
    pub(crate) showing_bite: bool,
    pub(crate) from_library: bool,
    /// At the end: when the next item falls due, read from the store as the sitting ended.
    pub(crate) next_due: Option<i64>,
    /// Paused: the item is hidden and a time box's clock stops.
    pub(crate) paused: bool,
}

impl ReviewScreen {
    pub(crate) fn new(reviewing: Reviewing, from_library: bool) -> Self {
        Self {
            reviewing,
            ans: AnswerInput::default(),
            view_scroll: 0,
            showing_bite: false,
            from_library,
            next_due: None,
            paused: false,
        }
    }

    fn typing(&self) -> bool {
        !self.showing_bite && !self.ans.input_left && exercise::takes_text(&self.reviewing)
    }

    pub(crate) fn input(&self) -> Input {
        if self.reviewing.is_done() || self.showing_bite || self.paused {
            Input::Keys
        } else if self.typing() {
            Input::Field
        } else {
            exercise::input(&self.reviewing)
        }
    }

    pub(crate) fn commands(&self, ctx: &Context) -> Vec<Binding> {
        let keymap = &ctx.keymap;
        let leave = if self.from_library {
            "library"
        } else {
            "finish"
        };
        if self.reviewing.is_done() {
            return vec![Binding::action(keymap, Action::Next, leave)];
        }
        if self.paused {
            return vec![Binding::action(keymap, Action::Pause, "continue")];
        }
        if self.showing_bite {
            let mut c = vec![Binding::action(keymap, Action::Next, "back to the item")];
            c.extend(scroll_bindings(keymap));
            return c;
        }
        let mut c = exercise::commands(&self.reviewing, &self.ans, self.typing(), ctx);
        // Back in a review shows where the item comes from (in the player it goes back to the bite's text).
        c.retain(|b| b.command != Command::Action(Action::Back));
        if !self.typing() {
            c.push(
                Binding::action(keymap, Action::Pause, "pause")
                    .described("pause: hide the item and stop the clock")
                    .minor(),
            );
            c.push(
                Binding::action(keymap, Action::Back, "its bite")
                    .described("show the bite this item comes from"),
            );
            if self.from_library {
                c.push(
                    Binding::fixed(Command::Leave, "Esc", "library")
                        .described("back to the library (every review is saved)")
                        .minor(),
                );
            }
        }
        c.extend(scroll_bindings(keymap).into_iter().map(Binding::help_only));
        c
    }

    pub(crate) fn update(&mut self, command: Command, ctx: &mut Context) -> Next {
        self.ans.notice = None;
        let before = self.place();
        let next = self.apply(command, ctx);
        if self.place() != before {
            // A new view opens at its top; an answer scrolls down to its verdict.
            self.view_scroll = if self.showing_bite {
                0
            } else {
                verdict_scroll(&self.view(ctx, ctx.text_width()), ctx.text_height())
            };
        }
        next
    }

    /// The item, whether its bite shows, and whether it is answered: a change is a new view.
    fn place(&self) -> ((usize, usize), bool, bool) {
        let answered = self
            .reviewing
            .exercise()
            .is_some_and(|(_, s)| s.verdict.is_some());
        (self.reviewing.position(), self.showing_bite, answered)
    }

    fn apply(&mut self, command: Command, ctx: &mut Context) -> Next {
        let leave = if self.from_library {
            Next::Library
        } else {
            Next::Quit
        };
        if command == Command::Action(Action::Pause) {
            self.paused = !self.paused;
            return Next::Stay;
        }
        match command {
            Command::Action(
                a @ (Action::Down | Action::Up | Action::PageDown | Action::PageUp),
            ) => {
                let page = ctx.text_height().saturating_sub(2).max(1);
                self.view_scroll = match a {
                    Action::Down => self.view_scroll.saturating_add(1),
                    Action::Up => self.view_scroll.saturating_sub(1),
                    Action::PageDown => self.view_scroll.saturating_add(page),
                    _ => self.view_scroll.saturating_sub(page),
                }
                .min(1000);
                Next::Stay
            }
            _ if self.reviewing.is_done() => leave,
            Command::Action(Action::Next) | Command::Leave if self.showing_bite => {
                self.showing_bite = false;
                Next::Stay
            }
            Command::Action(Action::Back) => {
                self.showing_bite = true;
                Next::Stay
            }
            Command::Leave if !self.typing() => leave,
            Command::Leave => {
                self.ans.input_left = true;
                Next::Stay
            }
            Command::Action(Action::Next) => {
                let waiting = self
                    .reviewing
                    .exercise()
                    .is_some_and(|(_, s)| s.verdict.is_none());
                if waiting {
                    return exercise::next(&mut self.reviewing, &mut self.ans, ctx);
                }
                if self.reviewing.advance() {
                    self.ans.clear();
                    if self.reviewing.is_done() {
                        let now = self.reviewing.now();
                        let result = ctx.store.next_due_after(None, now);
                        self.next_due = ctx.saved(result).flatten();
                    }
                }
                Next::Stay
            }
            command => exercise::update(&mut self.reviewing, &mut self.ans, command, ctx),
        }
    }

    pub(crate) fn draw(&self, ctx: &Context, commands: &[Binding], frame: &mut Frame, area: Rect) {
        let [head, body, notice, foot] = frame_rows(area);
        if self.paused {
            let rows = Layout::vertical([
                Constraint::Fill(1),
                Constraint::Length(3),
                Constraint::Fill(1),
            ])
            .areas::<3>(body);
            frame.render_widget(
                Paragraph::new(vec![
                    Line::styled("Paused", super::bold()),
                    Line::default(),
                    Line::styled("The clock is stopped.", dim()),
                ])
                .alignment(Alignment::Center),
                rows[1],
            );
            frame.render_widget(
                Paragraph::new(footer(commands, ctx.text_width())),
                column(foot, ctx.text_width()),
            );
            let _ = (head, notice);
            return;
        }
        let width = ctx.text_width();
        let head_col = column(head, head.width.saturating_sub(4).max(10));
        let (n, of) = self.reviewing.position();
        let place = if self.reviewing.is_done() {
            "done".to_string()
        } else {
            format!("{n} of {of}")
        };
        let title = match self.reviewing.item() {
            Some(item) if head_col.width >= 60 => format!(
                "Review › {} › {}",
                sanitize(&item.course_title),
                sanitize(&item.lesson_title)
            ),
            Some(item) => format!("Review › {}", sanitize(&item.course_title)),
            None => "Review".to_string(),
        };
        super::header_row(ctx, frame, head_col, &title, Line::styled(place, dim()));

        let body_col = column(body, width);
        let view = self.view(ctx, width);
        let below = draw_body(frame, body_col, view.lines, self.view_scroll, view.pinned);
        let own = self.ans.notice.as_deref();
        super::draw_notice(frame, ctx, (notice, width), own, Vec::new(), below);
        frame.render_widget(Paragraph::new(footer(commands, width)), column(foot, width));
    }

    /// What the body shows: the summary, the item's bite, or the item with the rows to keep in view.
    fn view(&self, ctx: &Context, width: u16) -> exercise::View {
        let plain = |lines| exercise::View {
            lines,
            ..exercise::View::default()
        };
        if self.reviewing.is_done() {
            return plain(self.summary(ctx));
        }
        if self.showing_bite
            && let Some(item) = self.reviewing.item()
        {
            let mut lines = vec![Line::styled("From the bite:", dim()), Line::default()];
            lines.extend(render::markdown(&item.bite_markdown, width, &ctx.styles));
            return plain(lines);
        }
        let Some((_, state)) = self.reviewing.exercise() else {
            return exercise::View::default();
        };
        let mut view = exercise::view(&self.reviewing, &self.ans, state, ctx, width);
        if state.verdict.is_some()
            && let Some(due) = self.reviewing.next_due()
        {
            let lines = &mut view.lines;
            lines.push(Line::default());
            lines.push(Line::from(vec![
                Span::styled("Comes back ", dim()),
                Span::styled(
                    comes_back(due, self.reviewing.now())
                        .trim_start_matches("again ")
                        .to_string(),
                    ctx.styles.strong,
                ),
                Span::styled(".", dim()),
            ]));
        }
        view
    }

    fn summary(&self, ctx: &Context) -> Vec<Line<'static>> {
        let tally = self.reviewing.tally();
        let mut lines = vec![
            Line::styled("Review done", ctx.styles.heading[0]),
            Line::default(),
            Line::raw(format!(
                "Reviewed {}: {} remembered.",
                tally.reviewed, tally.remembered
            )),
        ];
        lines.push(Line::styled(
            match self.next_due {
                Some(due) => format!(
                    "The next item comes back {}.",
                    comes_back(due, self.reviewing.now()).trim_start_matches("again ")
                ),
                None => "Nothing else is scheduled yet.".to_string(),
            },
            dim(),
        ));
        lines
    }
}
