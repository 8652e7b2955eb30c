//! Two terminals on one course (`store::claim`): the question when another terminal plays the course being opened
//! (take over here, or leave it there), what the app does about the claim (beat it on the tick; once another
//! terminal has taken the course over, stop writing and say why, wrapped at any size, until Esc goes back to the
//! library).

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::{Paragraph, Wrap};

use super::{Next, column, dim, footer, frame_rows, notice_line, plain_text, truncate};
use crate::app::takeover::question;
use crate::learn::session::OpenOptions;
use crate::pack::Pack;
use crate::text::sanitize;
use crate::tui::command::{Binding, Command, Input};
use crate::tui::context::Context;
use crate::tui::keymap::Action;

/// The screen: the question before a course opens, or the news that it was taken over.
pub struct TakeOver {
    pub(crate) title: String,
    /// "pid 1234, since 14:02" (empty when the other terminal has closed since).
    pub(crate) holder: String,
    pub(crate) kind: Kind,
}

pub(crate) enum Kind {
    /// Another terminal plays the course being opened.
    Ask {
        /// The course, loaded, waiting to be opened if the learner takes it over.
        pack: Box<Pack>,
        options: OpenOptions,
        from_library: bool,
        /// The learner chose to take it over: the app opens the course.
        take: bool,
    },
    /// Another terminal took over the course this one played: nothing more was written here.
    Lost,
}

impl TakeOver {
    pub(crate) fn input(&self) -> Input {
        Input::Keys
    }

    /// Whether the learner chose to take the course over (the app then opens it).
    pub(crate) fn taking(&self) -> bool {
        matches!(self.kind, Kind::Ask { take: true, .. })
    }

    pub(crate) fn commands(&self, ctx: &Context) -> Vec<Binding> {
        match &self.kind {
            Kind::Ask { from_library, .. } => {
                let leave = if *from_library {
                    "leave the course to the other terminal, back to the library"
                } else {
                    "leave the course to the other terminal and quit"
                };
                vec![
                    Binding::action(&ctx.keymap, Action::Next, "take over")
                        .preferring(&ctx.keymap, "Enter")
                        .described(
                            "play here from where the other terminal is; it stops saving and says why",
                        ),
                    Binding::fixed(Command::Leave, "Esc", "leave").described(leave),
                ]
            }
            // Only Esc: the keys the learner was reading with (→, Enter, Space) must not sweep the news away.
            Kind::Lost => vec![
                Binding::fixed(Command::Leave, "Esc", "back to the library")
                    .described("back to the library"),
            ],
        }
    }

    pub(crate) fn update(&mut self, command: Command) -> Next {
        match (&mut self.kind, command) {
            (Kind::Ask { take, .. }, Command::Action(Action::Next)) => {
                *take = true;
                Next::Stay
            }
            (Kind::Ask { from_library, .. }, Command::Leave) if *from_library => Next::Library,
            (Kind::Ask { .. }, Command::Leave) => Next::Quit,
            (Kind::Lost, Command::Leave) => Next::Library,
            _ => Next::Stay,
        }
    }

    fn lines(&self, ctx: &Context) -> Vec<Line<'static>> {
        let width = ctx.text_width();
        match &self.kind {
            Kind::Ask { pack, .. } => {
                let mut lines = plain_text(&question(&pack.course.id, &self.holder), width, ctx);
                lines.push(Line::default());
                lines.push(Line::styled(
                    "Everything either terminal saved is kept; only one goes on saving.",
                    dim(),
                ));
                lines
            }
            Kind::Lost => {
                let by = if self.holder.is_empty() {
                    String::new()
                } else {
                    format!(" ({})", self.holder)
                };
                let text = format!(
                    "This course was taken over in another terminal{by}; your progress up to here is saved."
                );
                let mut lines = plain_text(&text, width, ctx);
                lines.push(Line::default());
                lines.push(Line::styled(
                    "This terminal saves nothing more for it, so the newer place is kept.",
                    dim(),
                ));
                lines
            }
        }
    }

    pub(crate) fn draw(&self, ctx: &Context, commands: &[Binding], frame: &mut Frame, area: Rect) {
        let [head, body, notice, foot] = frame_rows(area);
        let width = ctx.text_width();
        frame.render_widget(
            Paragraph::new(Line::styled(
                truncate(&sanitize(&self.title), width as usize),
                ctx.styles.heading[0],
            )),
            column(head, width),
        );
        frame.render_widget(
            Paragraph::new(self.lines(ctx)).wrap(Wrap { trim: false }),
            column(body, width),
        );
        frame.render_widget(
            Paragraph::new(notice_line(ctx, None)),
            column(notice, width),
        );
        frame.render_widget(Paragraph::new(footer(commands, width)), column(foot, width));
    }
}
