//! The app: the screen showing, the context every screen works in (keys, styles, config, paths, the store, the
//! clock, the terminal's size), and the one way state changes: a key is resolved once into a `Command`
//! (`command::resolve`), checked against the commands the screen offers now, and applied with
//! `App::update(Command) -> Effect`. `draw(&App, &mut Frame)` reads this state and never changes it. No terminal
//! here: tests drive an `App` with synthetic events.

use std::path::PathBuf;
use std::rc::Rc;

use crossterm::event::{KeyEvent, KeyEventKind};
use ratatui::Frame;
use ratatui::layout::Alignment;
use ratatui::widgets::{Paragraph, Wrap};

use super::command::{self, Binding, Command, Input};
use super::keymap::{Action, Keymap};
use super::screens::{
    Next, broken::Broken, help, library::Library, player::Player, review::ReviewScreen,
};
use crate::clock::Clock;
use crate::config::Config;
use crate::pack::{LoadReport, Pack};
use crate::paths::Paths;
use crate::render::Styles;
use crate::reviewing::Reviewing;
use crate::session::{OpenOptions, Session};
use crate::store::{Store, StoreError};

/// Everything the loop feeds the app.
#[derive(Debug, Clone)]
pub enum Event {
    Key(KeyEvent),
    Resize(u16, u16),
    /// Once a second: the idle pause.
    Tick,
    /// Code highlighting has loaded: render the bite again, in colour.
    HighlightingReady,
    /// SIGTERM or SIGHUP: save and go.
    Terminate,
}

/// What the loop must do after an event.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[must_use]
pub enum Effect {
    /// Nothing on screen changed.
    Unchanged,
    Redraw,
    Quit,
}

/// How the player was started.
#[derive(Debug)]
pub enum Start {
    Library,
    /// A pack directory or a course id on the course path.
    Course {
        target: String,
        options: OpenOptions,
    },
    /// A pack the command line has loaded already (and checked the lesson asked for).
    Loaded {
        report: Box<LoadReport>,
        options: OpenOptions,
    },
    /// A review sitting the command line has built.
    Review(Box<Reviewing>),
}

pub enum Screen {
    Library(Library),
    Player(Box<Player>),
    /// A pack that does not load: its problems, and the way back.
    Broken(Broken),
    Review(Box<ReviewScreen>),
}

/// What the app is set up with, from the command line and the config file.
pub struct Settings {
    pub config: Config,
    pub keymap: Keymap,
    pub styles: Styles,
    pub paths: Paths,
}

/// What every screen works with.
pub struct Context {
    pub keymap: Keymap,
    pub styles: Styles,
    pub config: Config,
    pub paths: Paths,
    pub store: Store,
    pub clock: Rc<dyn Clock>,
    /// Terminal size in columns and rows.
    pub size: (u16, u16),
    /// A problem saving progress: shown until the next key. The move that could not be saved did not happen, so the
    /// learner can try it again.
    pub error: Option<String>,
}

impl Context {
    /// The width the bite's text is drawn at: the terminal's, less a margin, at most the configured maximum.
    pub fn text_width(&self) -> u16 {
        self.size
            .0
            .saturating_sub(4)
            .clamp(10, self.config.max_width.max(20))
    }

    /// Rows for a screen's body: all but the header (2), the notice and the footer.
    pub fn text_height(&self) -> u16 {
        self.size.1.saturating_sub(4).max(1)
    }

    /// The value of a move that was saved; a move that could not be saved is reported and did not happen.
    pub fn saved<T>(&mut self, result: Result<T, StoreError>) -> Option<T> {
        match result {
            Ok(value) => Some(value),
            Err(e) => {
                self.error = Some(format!("progress could not be saved: {e}"));
                None
            }
        }
    }
}

pub struct App {
    pub screen: Screen,
    pub ctx: Context,
    /// The help overlay is open.
    pub help: bool,
}

/// Below this the player says the terminal is too small instead of drawing.
pub const MIN_SIZE: (u16, u16) = (40, 10);

impl App {
    pub fn new(
        start: Start,
        settings: Settings,
        store: Store,
        clock: Rc<dyn Clock>,
        size: (u16, u16),
    ) -> Self {
        let Settings {
            config,
            keymap,
            styles,
            paths,
        } = settings;
        let ctx = Context {
            keymap,
            styles,
            config,
            paths,
            store,
            clock,
            size,
            error: None,
        };
        let library = Library::load(&ctx);
        let mut app = Self {
            screen: Screen::Library(library),
            ctx,
            help: false,
        };
        match start {
            Start::Library => {}
            Start::Course { target, options } => {
                match crate::overview::find_course(&app.ctx.paths, &target) {
                    Ok(path) => app.open_course(path, &options, false),
                    Err(e) => app.ctx.error = Some(e.to_string()),
                }
            }
            Start::Loaded { report, options } => app.open_report(*report, &options, false),
            Start::Review(reviewing) => {
                app.screen = Screen::Review(Box::new(ReviewScreen::new(*reviewing, false)))
            }
        }
        app
    }

    pub fn handle(&mut self, event: Event) -> Effect {
        match event {
            Event::Resize(w, h) => {
                self.ctx.size = (w, h);
                if let Screen::Player(p) = &mut self.screen {
                    p.resized(&mut self.ctx);
                }
                Effect::Redraw
            }
            Event::Tick => self.idle_pause(),
            Event::HighlightingReady => {
                if let Screen::Player(p) = &mut self.screen {
                    p.refresh_with(&self.ctx, true);
                }
                Effect::Redraw
            }
            Event::Terminate => self.update(Command::Action(Action::Quit)),
            Event::Key(key) if key.kind == KeyEventKind::Release => Effect::Unchanged,
            Event::Key(key) => {
                self.ctx.error = None;
                let command = command::resolve(&key, self.input(), &self.ctx.keymap);
                if self.help {
                    // Any key closes the help; quit still quits.
                    self.help = false;
                    if command == Some(Command::Action(Action::Quit)) {
                        return self.update(Command::Action(Action::Quit));
                    }
                    return Effect::Redraw;
                }
                match command {
                    Some(command) => self.update(command),
                    None => Effect::Redraw,
                }
            }
        }
    }

    /// How the screen reads keys now.
    pub fn input(&self) -> Input {
        match &self.screen {
            Screen::Library(lib) => lib.input(),
            Screen::Player(p) => p.input(),
            Screen::Broken(b) => b.input(),
            Screen::Review(r) => r.input(),
        }
    }

    /// The commands available now, in footer order: the screen's, then help and quit.
    pub fn commands(&self) -> Vec<Binding> {
        let ctx = &self.ctx;
        let mut commands = match &self.screen {
            Screen::Library(lib) => lib.commands(ctx),
            Screen::Player(p) => p.commands(ctx),
            Screen::Broken(b) => b.commands(ctx),
            Screen::Review(r) => r.commands(ctx),
        };
        if self.input() == Input::Field {
            commands
                .push(Binding::fixed(Command::Action(Action::Quit), "Ctrl-C", "quit").help_only());
        } else {
            let paused = matches!(&self.screen, Screen::Player(p) if p.session.is_paused());
            if !paused {
                commands.push(
                    Binding::action(&ctx.keymap, Action::Help, "help")
                        .described("this help")
                        .minor(),
                );
            }
            commands.push(
                Binding::action(&ctx.keymap, Action::Quit, "quit")
                    .described("quit (everything is already saved)")
                    .minor(),
            );
        }
        commands
    }

    /// Applies a command, if the screen offers it now; anything else changes nothing.
    pub fn update(&mut self, command: Command) -> Effect {
        if command == Command::Action(Action::Quit) {
            return self.quit();
        }
        if !self.commands().iter().any(|b| b.covers(&command)) {
            return Effect::Redraw;
        }
        if command == Command::Action(Action::Help) {
            self.help = true;
            return Effect::Redraw;
        }
        let next = match &mut self.screen {
            Screen::Library(lib) => lib.update(command),
            Screen::Player(p) => p.update(command, &mut self.ctx),
            Screen::Broken(b) => b.update(command, &self.ctx),
            Screen::Review(r) => r.update(command, &mut self.ctx),
        };
        match next {
            Next::Stay => {}
            Next::Quit => return self.quit(),
            Next::Library => self.show_library(),
            Next::Open(path) => self.open_course(path, &OpenOptions::default(), true),
            Next::Review => self.start_review(),
        }
        Effect::Redraw
    }

    /// Saves the end of the active time and quits. Every move was saved as it happened.
    fn quit(&mut self) -> Effect {
        self.close_session();
        Effect::Quit
    }

    fn close_session(&mut self) {
        if let Screen::Player(p) = &mut self.screen {
            let result = p.session.close(&mut self.ctx.store);
            self.ctx.saved(result);
        }
    }

    pub fn show_library(&mut self) {
        self.close_session();
        self.screen = Screen::Library(Library::load(&self.ctx));
    }

    fn open_course(&mut self, path: PathBuf, options: &OpenOptions, from_library: bool) {
        self.open_report(crate::pack::load(&path), options, from_library);
    }

    fn open_report(&mut self, report: LoadReport, options: &OpenOptions, from_library: bool) {
        let path = report.root.clone();
        let title = report
            .course
            .as_ref()
            .map_or_else(|| path.display().to_string(), |c| c.title.clone());
        match report.into_pack() {
            Ok(pack) => self.start_session(pack, options, from_library),
            Err(report) => {
                self.screen = Screen::Broken(Broken {
                    title,
                    path,
                    problems: report.errors().cloned().collect(),
                    scroll: 0,
                    from_library,
                });
            }
        }
    }

    fn start_session(&mut self, pack: Pack, options: &OpenOptions, from_library: bool) {
        let result = self.ctx.store.progress(&pack.course.id);
        let Some(progress) = self.ctx.saved(result) else {
            return;
        };
        let clock = self.ctx.clock.clone();
        let retention = self.ctx.config.desired_retention;
        let Some(scheduler) = self.ctx.store.scheduler(retention).ok() else {
            self.ctx.error = Some("the review parameters could not be read".into());
            return;
        };
        match Session::open(pack, progress, clock, options, &mut self.ctx.store) {
            Ok(mut session) => {
                session.set_scheduler(scheduler);
                self.screen =
                    Screen::Player(Box::new(Player::new(session, from_library, &self.ctx)))
            }
            Err(e) => self.ctx.error = Some(e.to_string()),
        }
    }

    /// A review of everything due, from the library.
    fn start_review(&mut self) {
        let now = self.ctx.clock.now_ms();
        let result = crate::overview::review_queue(
            &self.ctx.paths,
            &self.ctx.store,
            None,
            now,
            false,
            None,
            self.ctx.config.desired_retention,
        );
        let Some((scheduler, items)) = self.ctx.saved(result) else {
            return;
        };
        if items.is_empty() {
            self.ctx.error = Some("nothing is due for review now".into());
            return;
        }
        let reviewing = Reviewing::new(items, scheduler, self.ctx.clock.clone());
        self.screen = Screen::Review(Box::new(ReviewScreen::new(reviewing, true)));
    }

    fn idle_pause(&mut self) -> Effect {
        let minutes = i64::from(self.ctx.config.idle_pause_minutes);
        let now = self.ctx.clock.now_ms();
        if let Screen::Player(p) = &mut self.screen
            && minutes > 0
            && !p.session.is_paused()
            && now - p.session.last_activity() >= minutes * 60_000
        {
            let result = p.session.pause_idle(&mut self.ctx.store);
            self.ctx.saved(result);
            return Effect::Redraw;
        }
        Effect::Unchanged
    }
}

/// Draws the app: the screen, and the help overlay over it. Reads state only.
pub fn draw(app: &App, frame: &mut Frame) {
    let area = frame.area();
    if area.width < MIN_SIZE.0 || area.height < MIN_SIZE.1 {
        let text = format!(
            "This terminal is {}×{}.\nmorsel needs at least {}×{}.",
            area.width, area.height, MIN_SIZE.0, MIN_SIZE.1
        );
        frame.render_widget(
            Paragraph::new(text)
                .alignment(Alignment::Center)
                .wrap(Wrap { trim: true }),
            area,
        );
        return;
    }
    let commands = app.commands();
    match &app.screen {
        Screen::Library(lib) => lib.draw(&app.ctx, &commands, frame, area),
        Screen::Broken(broken) => broken.draw(&app.ctx, &commands, frame, area),
        Screen::Player(p) => p.draw(&app.ctx, &commands, frame, area),
        Screen::Review(r) => r.draw(&app.ctx, &commands, frame, area),
    }
    if app.help {
        help::draw(&app.ctx, &commands, frame, area);
    }
}
