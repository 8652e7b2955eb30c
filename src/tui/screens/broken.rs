//! A pack that does not load: its problems as `file:line:col` with their messages, scrollable, and the way back to
//! the library (presenterm's `Failure` state). The player never crashes on a broken pack.

use std::path::PathBuf;

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

use super::{
    Next, bold, column, dim, footer, frame_rows, max_scroll, notice_line, plain_text, truncate,
};
use crate::pack::Diagnostic;
use crate::text::sanitize;
use crate::tui::command::{Binding, Command, Input, scroll_bindings};
use crate::tui::context::Context;
use crate::tui::keymap::Action;

pub struct Broken {
    pub(crate) title: String,
    pub(crate) path: PathBuf,
    /// The pack's errors, in the order `check` reports them.
    pub(crate) problems: Vec<Diagnostic>,
    pub(crate) scroll: u16,
    pub(crate) from_library: bool,
}

impl Broken {
    pub(crate) fn input(&self) -> Input {
        Input::Keys
    }

    pub(crate) fn commands(&self, ctx: &Context) -> Vec<Binding> {
        let mut commands = scroll_bindings(&ctx.keymap);
        if self.from_library {
            commands.push(Binding::fixed(Command::Leave, "Esc", "back to the library"));
            commands.push(
                Binding::action(&ctx.keymap, Action::Back, "back to the library").help_only(),
            );
        }
        commands
    }

    pub(crate) fn update(&mut self, command: Command, ctx: &Context) -> Next {
        let page = ctx.text_height().saturating_sub(2).max(1);
        let max = max_scroll(self.lines(ctx).len(), ctx.text_height());
        match command {
            Command::Leave | Command::Action(Action::Back) if self.from_library => {
                return Next::Library;
            }
            Command::Action(Action::Down) => self.scroll = self.scroll.saturating_add(1),
            Command::Action(Action::Up) => self.scroll = self.scroll.saturating_sub(1),
            Command::Action(Action::PageDown) => self.scroll = self.scroll.saturating_add(page),
            Command::Action(Action::PageUp) => self.scroll = self.scroll.saturating_sub(page),
            _ => {}
        }
        self.scroll = self.scroll.min(max);
        Next::Stay
    }

    /// The body: each problem as its place, then its message; then where to see them in full.
    fn lines(&self, ctx: &Context) -> Vec<Line<'static>> {
        let width = ctx.text_width();
        let root = sanitize(&self.path.display().to_string()).into_owned();
        let mut lines = vec![Line::raw(format!(
            "{root} cannot be played until these are fixed:"
        ))];
        for d in &self.problems {
            lines.push(Line::default());
            // The one-line form every command prints, with the place in bold.
            let line = d.one_line(&self.path);
            let split = line.find(": ").map_or(0, |i| i + 1);
            let (place, message) = line.split_at(split);
            for (i, l) in plain_text(&line, width, ctx).into_iter().enumerate() {
                lines.push(if i == 0 && !place.is_empty() && !message.is_empty() {
                    let text: String = l.spans.iter().map(|s| s.content.as_ref()).collect();
                    match text.strip_prefix(place) {
                        Some(rest) => Line::from(vec![
                            Span::styled(place.to_string(), bold()),
                            Span::raw(rest.to_string()),
                        ]),
                        None => l,
                    }
                } else {
                    l
                });
            }
        }
        lines.push(Line::default());
        lines.push(Line::styled(
            format!("morsel check {root} shows each with its source line."),
            dim(),
        ));
        lines
    }

    pub(crate) fn draw(&self, ctx: &Context, commands: &[Binding], frame: &mut Frame, area: Rect) {
        let [head, body, notice, foot] = frame_rows(area);
        let width = ctx.text_width();
        let count = self.problems.len();
        let title = format!(
            "{}: this pack has {count} problem{}",
            sanitize(&self.title),
            if count == 1 { "" } else { "s" }
        );
        frame.render_widget(
            Paragraph::new(Line::styled(
                truncate(&title, width as usize),
                ctx.styles.heading[0],
            )),
            column(head, width),
        );
        let lines = self.lines(ctx);
        let below = lines.len() > body.height as usize + self.scroll as usize;
        frame.render_widget(
            Paragraph::new(lines)
                .wrap(Wrap { trim: false })
                .scroll((self.scroll, 0)),
            column(body, width),
        );
        let cue = below.then_some("↓ more below");
        frame.render_widget(Paragraph::new(notice_line(ctx, cue)), column(notice, width));
        frame.render_widget(Paragraph::new(footer(commands, width)), column(foot, width));
    }
}
