//! What every screen works in, and what the loop and the screens say to each other: the `Event`s the loop feeds the
//! app, the `Effect` a change has, the `Settings` the app starts with and the `Context` (keys, styles, config,
//! paths, the store, the clock, the terminal's size, the time box under way) every screen reads.

use std::rc::Rc;

use crossterm::event::KeyEvent;

use super::keymap::Keymap;
use crate::app::config::Config;
use crate::app::paths::Paths;
use crate::learn::clock::Clock;
use crate::learn::timebox::Timebox;
use crate::pack::LoadReport;
use crate::render::Styles;
use crate::store::{Store, StoreError};

/// Everything the loop feeds the app.
#[derive(Debug, Clone)]
pub enum Event {
    /// A key pressed.
    Key(KeyEvent),
    /// The terminal's new size, in columns and rows.
    Resize(u16, u16),
    /// Once a second: the idle pause.
    Tick,
    /// Code highlighting has loaded: render the bite again, in colour.
    HighlightingReady,
    /// Preview: a file of the pack was saved.
    PackChanged,
    /// SIGTERM or SIGHUP: save and go.
    Terminate,
    /// A large pack has been read in full, in the background (`Context::events`).
    PackLoaded(Box<LoadReport>),
}

/// What the loop must do after an event.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[must_use]
pub enum Effect {
    /// Nothing on screen changed.
    Unchanged,
    /// Draw the screen again.
    Redraw,
    /// Leave the app.
    Quit,
}

/// What the app is set up with, from the command line and the config file.
pub struct Settings {
    /// The settings from the config file.
    pub config: Config,
    /// Which key does what.
    pub keymap: Keymap,
    /// The colours and styles of the theme.
    pub styles: Styles,
    /// Where the database, config and courses are.
    pub paths: Paths,
}

/// What every screen works with.
pub struct Context {
    pub(crate) keymap: Keymap,
    /// The colours and styles of the theme.
    pub styles: Styles,
    pub(crate) config: Config,
    /// Where the database, config and courses are.
    pub paths: Paths,
    pub(crate) store: Store,
    pub(crate) clock: Rc<dyn Clock>,
    /// Terminal size in columns and rows.
    pub size: (u16, u16),
    /// A problem saving progress: shown until the next key. The move that could not be saved did not happen, so the
    /// learner can try it again.
    pub(crate) error: Option<String>,
    /// A time-boxed session under way.
    pub timebox: Option<Timebox>,
    /// Where background work reports (the loop's channel): large packs are then read in full on a worker thread
    /// after their first frame. `None` in tests that drive the app alone: every pack is read before it shows.
    pub(crate) events: Option<std::sync::mpsc::Sender<Event>>,
}

impl Context {
    /// The time box's notice at 80%, if one is under way.
    pub(crate) fn box_note(&self) -> Option<String> {
        self.timebox.as_ref().and_then(Timebox::note)
    }

    /// The width the bite's text is drawn at: the terminal's, less a margin, at most the configured maximum.
    pub fn text_width(&self) -> u16 {
        self.size
            .0
            .saturating_sub(4)
            .clamp(10, self.config.max_width.max(crate::app::config::MIN_WIDTH))
    }

    /// Rows for a screen's body: all but the header (2), the notice and the footer.
    pub(crate) fn text_height(&self) -> u16 {
        self.size.1.saturating_sub(4).max(1)
    }

    /// The value of a move that was saved; a move that could not be saved is reported and did not happen.
    pub(crate) fn saved<T>(&mut self, result: Result<T, StoreError>) -> Option<T> {
        match result {
            Ok(value) => Some(value),
            Err(e) => {
                self.error = Some(format!("progress could not be saved: {e}"));
                None
            }
        }
    }
}
