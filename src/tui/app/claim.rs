//! The app's side of two terminals on one course (`store::claim`): claim a course before its session opens (or ask
//! whether to take it over), take it over, beat the claim on the tick, and stop writing once another terminal has
//! taken the course.

use super::{App, Effect, Screen};
use crate::learn::session::OpenOptions;
use crate::pack::Pack;
use crate::store::claim::{Beat, Claim, Holder};
use crate::tui::screens::library::Library;
use crate::tui::screens::takeover::{Kind, TakeOver};

impl App {
    /// Claims the course of `pack` before its session opens. `Some`: the course is this terminal's, go on;
    /// `None`: the question (or an error) shows instead.
    pub(crate) fn claim_course(
        &mut self,
        pack: Pack,
        options: &OpenOptions,
        from_library: bool,
    ) -> Option<Pack> {
        let now = self.ctx.clock.now_ms();
        match self.ctx.store.claim(&pack.course.id, now, false) {
            Ok(Claim::Held) => {
                self.fold_drafts(&pack.course.id);
                Some(pack)
            }
            Ok(Claim::Busy(holder)) => {
                let prompt = TakeOver {
                    title: pack.course.title.clone(),
                    holder: self.describe(&holder),
                    kind: Kind::Ask {
                        pack: Box::new(pack),
                        options: options.clone(),
                        from_library,
                        take: false,
                    },
                };
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
        let placeholder = Screen::Library(Library::default());
        let Screen::TakeOver(prompt) = std::mem::replace(&mut self.screen, placeholder) else {
            return;
        };
        let Kind::Ask {
            pack,
            options,
            from_library,
            ..
        } = prompt.kind
        else {
            return;
        };
        let now = self.ctx.clock.now_ms();
        if let Err(e) = self.ctx.store.claim(&pack.course.id, now, true) {
            self.screen = Screen::Library(Library::load(&self.ctx));
            self.ctx.error = Some(format!("the course could not be taken over: {e}"));
            return;
        }
        self.start_session(*pack, &options, from_library);
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
    /// claim is let go, and the screen says why until the learner goes back to the library.
    fn lost_course(&mut self) {
        let course = self.ctx.store.lost_claim().unwrap_or_default().to_string();
        let holder = self.ctx.store.holder_of(&course).ok().flatten();
        let _ = self.ctx.store.release();
        let title = match &self.screen {
            Screen::Player(p) => p.session.pack().course.title.clone(),
            Screen::Dashboard(_, under) => match under.as_ref() {
                Screen::Player(p) => p.session.pack().course.title.clone(),
                _ => course,
            },
            _ => course,
        };
        self.ctx.timebox = None;
        self.ctx.error = None;
        self.screen = Screen::TakeOver(Box::new(TakeOver {
            title,
            holder: holder.map(|h| self.describe(&h)).unwrap_or_default(),
            kind: Kind::Lost,
        }));
    }

    /// The course is this player's now: notes a killed player was typing on it are saved in full
    /// (`Store::fold_drafts`). If they cannot be, they still show (the store reads them over the saved notes) and
    /// are tried again at the next start.
    fn fold_drafts(&mut self, course_id: &str) {
        if let Err(e) = self.ctx.store.fold_drafts(course_id) {
            self.ctx.error = Some(format!(
                "a note typed before morsel last stopped could not be saved yet: {e}"
            ));
        }
    }

    fn describe(&self, holder: &Holder) -> String {
        let now = self.ctx.clock.now_ms();
        holder.describe(self.ctx.clock.utc_offset_min(now))
    }
}
