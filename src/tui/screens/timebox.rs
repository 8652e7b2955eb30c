//! "I have N minutes" in the player: a planned session (`app::plan::plan`: due reviews, then missed
//! questions, then the bites of the current course that fit), the active time it has used (pauses and idle gaps do
//! not count), a notice at 80% of the box, and at the end what was done against what was planned.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::{Paragraph, Wrap};

use super::{Next, column, dim, footer, frame_rows, notice_line};
use crate::learn::timebox::{Timebox, next_due_line};
use crate::tui::command::{Binding, Command};
use crate::tui::context::Context;
use crate::tui::keymap::Action;

/// The choices of the library's `t`: minutes, by the digit that picks them.
pub(crate) const CHOICES: [u32; 4] = [5, 10, 15, 25];

/// The end of a time box: what was done, time used against time planned, what is due next.
pub struct TimeboxDone {
    pub(crate) timebox: Timebox,
    pub(crate) next_due: Option<i64>,
    pub(crate) now: i64,
    pub(crate) from_library: bool,
}

impl TimeboxDone {
    pub(crate) fn commands(&self, ctx: &Context) -> Vec<Binding> {
        vec![Binding::action(
            &ctx.keymap,
            Action::Next,
            if self.from_library {
                "library"
            } else {
                "finish"
            },
        )]
    }

    pub(crate) fn update(&mut self, command: Command) -> Next {
        match command {
            Command::Action(Action::Next) | Command::Leave if self.from_library => Next::Library,
            Command::Action(Action::Next) => Next::Quit,
            _ => Next::Stay,
        }
    }

    pub(crate) fn draw(&self, ctx: &Context, commands: &[Binding], frame: &mut Frame, area: Rect) {
        let [head, body, notice, foot] = frame_rows(area);
        let width = ctx.text_width();
        let tb = &self.timebox;
        frame.render_widget(
            Paragraph::new(Line::styled(tb.done_heading(), ctx.styles.heading[0])),
            column(head, width),
        );
        let mut lines: Vec<Line> = tb.done_lines().into_iter().map(Line::raw).collect();
        lines.push(Line::default());
        lines.push(Line::styled(next_due_line(self.next_due, self.now), dim()));
        frame.render_widget(
            Paragraph::new(lines).wrap(Wrap { trim: false }),
            column(body, width),
        );
        frame.render_widget(
            Paragraph::new(notice_line(ctx, None)),
            column(notice, width),
        );
        frame.render_widget(Paragraph::new(footer(commands, width)), column(foot, width));
    }
}
