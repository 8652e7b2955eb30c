//! Two terminals on one course (`store::claim`): the question when another terminal plays the course being opened
//! (take over here, or leave it there), and what the app does about the claim: beat it on the tick, and once
//! another terminal has taken the course over, stop, say so, and go back to the library without writing again.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::{Paragraph, Wrap};

use super::{Next, column, dim, footer, frame_rows, notice_line, plain_text, truncate};
use crate::pack::Pack;
use crate::plain::takeover::{TAKEN_OVER, question};
use crate::render::sanitize;
use crate::session::OpenOptions;
use crate::store::claim::{Beat, Claim, Holder};
use crate::tui::app::{App, Context, Effect, Screen};
use crate::tui::command::{Binding, Command, Input};
use crate::tui::keymap::Action;
use crate::tui::screens::library::Library;

/// Another terminal plays the course being opened: take it over here, or leave it there.
pub struct TakeOver {
    /// The course, loaded, waiting to be opened if the learner takes it over.
    pub pack: Box<Pack>,
    pub options: OpenOptions,
    pub from_library: bool,
    /// "pid 1234, since 14:02".
    pub holder: String,
    /// The learner chose to take it over: the app opens the course.
    pub take: bool,
}

impl TakeOver {
    pub fn new(
        pack: Pack,
        options: &OpenOptions,
        from_library: bool,
        holder: &Holder,
        ctx: &Context,
    ) -> Self {
        let now = ctx.clock.now_ms();
        Self {
            pack: Box::new(pack),
            options: options.clone(),
            from_library,
            holder: holder.describe(ctx.clock.utc_offset_min(now)),
            take: false,
        }
    }

    pub fn input(&self) -> Input {
        Input::Keys
    }

    pub fn commands(&self, ctx: &Context) -> Vec<Binding> {
        let leave = if self.from_library {
            "leave the course to the other terminal, back to the library"
        } else {
            "leave the course to the other terminal and quit"
        };
        vec![
            Binding::action(&ctx.keymap, Action::Next, "take over")
                .preferring(&ctx.keymap, "Enter")
                .described("play here from where the other terminal is; it stops saving and says why"),
            Binding::fixed(Command::Leave, "Esc", "leave").described(leave),
        ]
    }

    pub fn update(&mut self, command: Command) -> Next {
        match command {
            Command::Action(Action::Next) => {
                self.take = true;
                Next::Stay
            }
            Command::Leave if self.from_library => Next::Library,
            Command::Leave => Next::Quit,
            _ => Next::Stay,
        }
    }

    pub fn draw(&self, ctx: &Context, commands: &[Binding], frame: &mut Frame, area: Rect) {
        let [head, body, notice, foot] = frame_rows(area);
        let width = ctx.text_width();
        frame.render_widget(
            Paragraph::new(Line::styled(
                truncate(&sanitize(&self.pack.course.title), width as usize),
                ctx.styles.heading[0],
            )),
            column(head, width),
        );
        let mut lines = plain_text(
            &question(&self.pack.course.id, &self.holder),
            width,
            ctx,
        );
        lines.push(Line::default());
        lines.push(Line::styled(
            "Everything either terminal saved is kept; only one goes on saving.",
            dim(),
        ));
        frame.render_widget(
            Paragraph::new(lines).wrap(Wrap { trim: false }),
            column(body, width),
        );
        frame.render_widget(Paragraph::new(notice_line(ctx, None)), column(notice, width));
        frame.render_widget(Paragraph::new(footer(commands, width)), column(foot, width));
    }
}

impl App {
    /// Claims the course of `pack` before its session opens. `None`: the course is this terminal's, go on;
    /// otherwise the pack comes back with the screen to show instead (the question, or nothing on an error).
    pub(crate) fn claim_course(
        &mut self,
        pack: Pack,
        options: &OpenOptions,
        from_library: bool,
    ) -> Option<Pack> {
        let now = self.ctx.clock.now_ms();
        match self.ctx.store.claim(&pack.course.id, now, false) {
            Ok(Claim::Held) => Some(pack),
            Ok(Claim::Busy(holder)) => {
                let prompt = TakeOver::new(pack, options, from_library, &holder, &self.ctx);
                self.screen = Screen::TakeOver(Box::new(prompt));
                None
            }
            Err(e) => {
                self.ctx.error = Some(format!("the course could not be opened: {e}"));
                None
            }
        }
    }

    /// After the learner chose to take the course over: the claim moves here and the course opens.
    pub(crate) fn take_over(&mut self) {
        let Screen::TakeOver(prompt) = std::mem::replace(
            &mut self.screen,
            Screen::Library(Library::default()),
        ) else {
            return;
        };
        let now = self.ctx.clock.now_ms();
        if let Err(e) = self.ctx.store.claim(&prompt.pack.course.id, now, true) {
            self.ctx.error = Some(format!("the course could not be taken over: {e}"));
            self.screen = Screen::Library(Library::load(&self.ctx));
            return;
        }
        self.start_session(*prompt.pack, &prompt.options, prompt.from_library);
    }

    /// On the tick: beats the claim when it is time. `Redraw` when the course turned out to be taken over.
    pub(crate) fn beat(&mut self) -> Effect {
        let now = self.ctx.clock.now_ms();
        match self.ctx.store.beat_if_due(now) {
            Ok(Beat::Lost(_)) => {
                self.lost_course();
                Effect::Redraw
            }
            // A beat that cannot be written (a busy disk) is tried again at the next tick; writes check anyway.
            Ok(Beat::Idle | Beat::Kept) | Err(_) => Effect::Unchanged,
        }
    }

    /// After a key: a write refused because another terminal took the course over ends the session here.
    pub(crate) fn check_claim(&mut self) {
        if self.ctx.store.lost_claim().is_some() {
            self.lost_course();
        }
    }

    /// Another terminal has the course now: nothing more is written here (not even the session's time), the
    /// claim is let go, and the library says why.
    fn lost_course(&mut self) {
        let _ = self.ctx.store.release();
        self.ctx.timebox = None;
        self.screen = Screen::Library(Library::load(&self.ctx));
        self.ctx.error = Some(TAKEN_OVER.to_string());
    }
}
