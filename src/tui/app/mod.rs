//! The app: the screen showing, the context every screen works in (keys, styles, config, paths, the store, the
//! clock, the terminal's size), and the one way state changes: a key is resolved once into a `Command`
//! (`command::resolve`), checked against the commands the screen offers now, and applied with
//! `App::update(Command) -> Effect`. `draw(&App, &mut Frame)` reads this state and never changes it. No terminal
//! here: tests drive an `App` with synthetic events.

mod claim;

use std::path::PathBuf;
use std::rc::Rc;

use crossterm::event::{KeyEvent, KeyEventKind};
use ratatui::Frame;
use ratatui::layout::Alignment;
use ratatui::style::Modifier;
use ratatui::widgets::{Paragraph, Wrap};

use super::command::{self, Binding, Command, Input};
pub use super::context::{Context, Effect, Event, Settings};
use super::keymap::Action;
use super::screens::dashboard::Dashboard;
use super::screens::takeover::TakeOver;
use super::screens::timebox::TimeboxDone;
use super::screens::{
    Next, broken::Broken, help, library::Library, player::Player, review::ReviewScreen,
};
use crate::learn::clock::Clock;
use crate::learn::session::{OpenOptions, Session, Stage};
use crate::learn::sitting::Reviewing;
use crate::pack::{LoadReport, Pack};
use crate::store::Store;

/// How the player was started.
#[derive(Debug)]
pub enum Start {
    /// The library of courses.
    Library,
    /// A pack directory or a course id on the course path.
    Course {
        /// The pack folder or course id.
        target: String,
        /// How to open it.
        options: OpenOptions,
    },
    /// The pack in this folder.
    Pack {
        /// The pack's folder.
        path: PathBuf,
        /// How to open it.
        options: OpenOptions,
    },
    /// A pack the command line has loaded already (and checked the lesson asked for).
    Loaded {
        /// The loaded pack.
        report: Box<LoadReport>,
        /// How to open it.
        options: OpenOptions,
    },
    /// A review sitting the command line has built.
    Review(Box<Reviewing>),
    /// Preview of the pack at `path`: nothing saved, reloaded on every save.
    Preview {
        /// The pack's folder.
        path: PathBuf,
        /// How to open it.
        options: OpenOptions,
    },
    /// A time box of `minutes`: reviews, then the bites of `course` (the one played last when `None`) that fit;
    /// reviews only with `reviews_only`.
    TimeBox {
        /// The length of the box.
        minutes: u32,
        /// The course to go on to after the reviews.
        course: Option<PathBuf>,
        /// Reviews only.
        reviews_only: bool,
    },
}

/// What is on screen.
pub enum Screen {
    /// The list of courses.
    Library(Library),
    /// A course being played.
    Player(Box<Player>),
    /// A pack that does not load: its problems, and the way back.
    Broken(Broken),
    /// A review sitting.
    Review(Box<ReviewScreen>),
    /// The end of a time box.
    TimeboxDone(Box<TimeboxDone>),
    /// The dashboard, over the screen it was opened from.
    Dashboard(Box<Dashboard>, Box<Screen>),
    /// Another terminal plays the course being opened: take it over, or leave it (`screens::takeover`).
    TakeOver(Box<TakeOver>),
}

/// The app: the screen on show and what every screen works with.
pub struct App {
    /// The screen on show.
    pub screen: Screen,
    /// What every screen works with.
    pub ctx: Context,
    /// The help overlay is open, scrolled this far.
    pub(crate) help: Option<u16>,
    /// The course a time box goes on to after its reviews.
    timebox_course: Option<PathBuf>,
    /// Preview: the pack's folder, reloaded on every save.
    preview_root: Option<PathBuf>,
    /// A large pack shown at its first lesson while the rest of it is read (`Event::PackLoaded`).
    loading: Option<Loading>,
}

/// A course open at a glance (`pack::glance`): the player shows the lesson it opens at, saving nothing, until the
/// whole pack is read; then the real session opens at the same place and the keys pressed meanwhile apply in order.
struct Loading {
    root: PathBuf,
    options: OpenOptions,
    from_library: bool,
    keys: Vec<KeyEvent>,
    /// Preview: a file was saved while the pack was being read, so the worker may have read it as it was.
    saved_meanwhile: bool,
}

/// Below this the player says the terminal is too small instead of drawing.
pub(crate) const MIN_SIZE: (u16, u16) = (40, 10);

impl App {
    /// The app on its first screen, every pack read in full before it shows.
    pub fn new(
        start: Start,
        settings: Settings,
        store: Store,
        clock: Rc<dyn Clock>,
        size: (u16, u16),
    ) -> Self {
        Self::with_events(start, settings, store, clock, size, None)
    }

    /// The app on its first screen; with `events`, a large pack shows before it is read in full.
    pub fn with_events(
        start: Start,
        settings: Settings,
        store: Store,
        clock: Rc<dyn Clock>,
        size: (u16, u16),
        events: Option<std::sync::mpsc::Sender<Event>>,
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
            timebox: None,
            events,
        };
        let mut app = Self {
            screen: Screen::Library(Library::default()),
            ctx,
            help: None,
            timebox_course: None,
            preview_root: None,
            loading: None,
        };
        match start {
            Start::Library => {}
            Start::Course { target, options } => {
                match crate::app::overview::find_course(&app.ctx.paths, &target) {
                    Ok(path) => app.open_course(path, &options, false),
                    Err(e) => app.ctx.error = Some(e.to_string()),
                }
            }
            Start::Pack { path, options } => app.open_course(path, &options, false),
            Start::Loaded { report, options } => {
                app.remember_index(&report);
                app.open_report(*report, &options, false)
            }
            Start::Review(reviewing) => {
                app.screen = Screen::Review(Box::new(ReviewScreen::new(*reviewing, false)))
            }
            Start::TimeBox {
                minutes,
                course,
                reviews_only,
            } => app.start_timebox(minutes, course, reviews_only, false),
            Start::Preview { path, options } => {
                app.preview_root = Some(path.clone());
                app.open_preview(&path, &options);
            }
        }
        // The library is read only when it is what shows (a course that cannot open shows its error over it).
        if matches!(app.screen, Screen::Library(_)) {
            app.screen = Screen::Library(Library::load(&app.ctx));
        }
        app
    }

    /// Applies `event` and says what the loop must do next.
    pub fn handle(&mut self, event: Event) -> Effect {
        match event {
            Event::Resize(w, h) => {
                self.ctx.size = (w, h);
                if let Screen::Player(p) = &mut self.screen {
                    if self.loading.is_some() {
                        // Nothing is saved before the real session opens.
                        p.refresh(&self.ctx);
                    } else {
                        p.resized(&mut self.ctx);
                    }
                }
                Effect::Redraw
            }
            Event::Tick if self.loading.is_some() => Effect::Unchanged,
            Event::Tick => {
                if let Screen::Player(p) = &mut self.screen {
                    crate::tui::screens::player::note::tick(p, &mut self.ctx);
                }
                match self.beat() {
                    Effect::Unchanged => self.idle_pause(),
                    lost => lost,
                }
            }
            Event::HighlightingReady => {
                if let Screen::Player(p) = &mut self.screen {
                    p.refresh_with(&self.ctx, true);
                }
                Effect::Redraw
            }
            // The pack is being read in full already: it is read again once that is done.
            Event::PackChanged if self.loading.is_some() => {
                if let Some(loading) = &mut self.loading {
                    loading.saved_meanwhile = true;
                }
                Effect::Unchanged
            }
            Event::PackChanged => {
                match &mut self.screen {
                    Screen::Player(p) if p.preview.is_some() => {
                        crate::tui::screens::player::preview::reload(p, &mut self.ctx)
                    }
                    Screen::Broken(_) => {
                        if let Some(root) = self.preview_root.clone() {
                            self.open_preview(&root, &OpenOptions::default());
                        }
                    }
                    _ => {}
                }
                Effect::Redraw
            }
            Event::Terminate => self.update(Command::Action(Action::Quit)),
            Event::PackLoaded(report) => self.pack_loaded(*report),
            Event::Key(key) if key.kind == KeyEventKind::Release => Effect::Unchanged,
            Event::Key(key) if self.loading.is_some() => {
                // Quit goes at once (nothing was saved yet); any other key waits for the whole pack.
                if command::resolve(&key, self.input(), &self.ctx.keymap)
                    == Some(Command::Action(Action::Quit))
                {
                    return self.quit();
                }
                if let Some(loading) = &mut self.loading {
                    loading.keys.push(key);
                }
                Effect::Unchanged
            }
            Event::Key(key) => {
                self.ctx.error = None;
                let command = command::resolve(&key, self.input(), &self.ctx.keymap);
                if let Some(scroll) = self.help {
                    return self.help_key(scroll, command);
                }
                let effect = match command {
                    Some(command) => self.update(command),
                    None => Effect::Redraw,
                };
                self.check_claim();
                if effect != Effect::Quit {
                    self.follow_timebox();
                }
                effect
            }
        }
    }

    /// A key on the help: the scroll keys scroll it when it does not fit; any other key closes it, and quit still
    /// quits.
    fn help_key(&mut self, scroll: u16, command: Option<Command>) -> Effect {
        let size = self.ctx.size;
        let area = ratatui::layout::Rect::new(0, 0, size.0, size.1);
        let max = help::max_scroll(&self.ctx, &self.commands(), area);
        let page = size.1.saturating_sub(4).max(1);
        let to = match command {
            Some(Command::Action(Action::Quit)) => {
                return self.update(Command::Action(Action::Quit));
            }
            _ if max == 0 => None,
            Some(Command::Action(Action::Down)) => Some(scroll.saturating_add(1)),
            Some(Command::Action(Action::Up)) => Some(scroll.saturating_sub(1)),
            Some(Command::Action(Action::PageDown)) => Some(scroll.saturating_add(page)),
            Some(Command::Action(Action::PageUp)) => Some(scroll.saturating_sub(page)),
            _ => None,
        };
        self.help = to.map(|to| to.min(max));
        Effect::Redraw
    }

    /// How the screen reads keys now.
    pub(crate) fn input(&self) -> Input {
        match &self.screen {
            Screen::Library(lib) => lib.input(),
            Screen::Player(p) => p.input(),
            Screen::Broken(b) => b.input(),
            Screen::Review(r) => r.input(),
            Screen::TimeboxDone(_) | Screen::Dashboard(..) => Input::Keys,
            Screen::TakeOver(t) => t.input(),
        }
    }

    /// The commands available now, in footer order: the screen's, then help and quit.
    pub(crate) fn commands(&self) -> Vec<Binding> {
        let ctx = &self.ctx;
        let mut commands = match &self.screen {
            Screen::Library(lib) => lib.commands(ctx),
            Screen::Player(p) => p.commands(ctx),
            Screen::Broken(b) => b.commands(ctx),
            Screen::Review(r) => r.commands(ctx),
            Screen::TimeboxDone(t) => t.commands(ctx),
            Screen::Dashboard(d, _) => d.commands(ctx),
            Screen::TakeOver(t) => t.commands(ctx),
        };
        if matches!(self.input(), Input::Field | Input::Editor) {
            commands
                .push(Binding::fixed(Command::Action(Action::Quit), "Ctrl-C", "quit").help_only());
        } else {
            let paused = match &self.screen {
                Screen::Player(p) => p.session.is_paused(),
                Screen::Review(r) => r.paused,
                _ => false,
            };
            let over = matches!(&self.screen, Screen::Dashboard(..));
            if !paused && !over {
                commands.push(
                    Binding::action(&ctx.keymap, Action::Dashboard, "dashboard")
                        .described("your learning: study days, minutes, forecast, lessons")
                        .help_only(),
                );
            }
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
    pub(crate) fn update(&mut self, command: Command) -> Effect {
        if command == Command::Action(Action::Quit) {
            return self.quit();
        }
        if !self.commands().iter().any(|b| b.covers(&command)) {
            return Effect::Redraw;
        }
        if command == Command::Action(Action::Help) {
            self.help = Some(0);
            return Effect::Redraw;
        }
        if command == Command::Action(Action::Dashboard)
            && !matches!(self.screen, Screen::Dashboard(..))
        {
            self.open_dashboard();
            return Effect::Redraw;
        }
        let next = match &mut self.screen {
            Screen::Library(lib) => lib.update(command),
            Screen::Player(p) => p.update(command, &mut self.ctx),
            Screen::Broken(b) => b.update(command, &self.ctx),
            Screen::Review(r) => r.update(command, &mut self.ctx),
            Screen::TimeboxDone(t) => t.update(command),
            Screen::TakeOver(t) => t.update(command),
            Screen::Dashboard(d, _) => match d.update(command, &self.ctx) {
                // Back to the screen it was opened from.
                Next::Library => {
                    let placeholder = Screen::Library(Library::default());
                    if let Screen::Dashboard(_, previous) =
                        std::mem::replace(&mut self.screen, placeholder)
                    {
                        self.screen = *previous;
                    }
                    Next::Stay
                }
                other => other,
            },
        };
        if matches!(&self.screen, Screen::TakeOver(t) if t.taking()) {
            self.take_over();
        }
        match next {
            Next::Stay => {}
            Next::Quit => return self.quit(),
            Next::Library => self.show_library(),
            Next::Open(path) => self.open_course(path, &OpenOptions::default(), true),
            Next::Review => self.start_review(),
            Next::TimeBox { minutes, course } => {
                let reviews_only = course.is_none();
                self.start_timebox(minutes, course, reviews_only, true)
            }
        }
        Effect::Redraw
    }

    /// Saves the end of the active time and quits. Every move was saved as it happened.
    fn quit(&mut self) -> Effect {
        self.close_session();
        Effect::Quit
    }

    fn close_session(&mut self) {
        // A course still loading has no session in the store to close.
        if self.loading.take().is_some() {
            return;
        }
        if let Screen::Player(p) = &mut self.screen {
            crate::tui::screens::player::note::close(p, &mut self.ctx);
            let result = p.session.close(&mut self.ctx.store);
            self.ctx.saved(result);
        }
        // The course is free for another terminal (`screens::takeover`).
        let result = self.ctx.store.release();
        self.ctx.saved(result);
    }

    /// Closes the course and shows the library.
    pub fn show_library(&mut self) {
        self.close_session();
        self.screen = Screen::Library(Library::load(&self.ctx));
    }

    fn open_course(&mut self, path: PathBuf, options: &OpenOptions, from_library: bool) {
        self.loading = None;
        if self.glance_course(&path, options, from_library) {
            return;
        }
        let report = crate::pack::load(&path);
        self.remember_index(&report);
        self.open_report(report, options, from_library);
    }

    /// Keeps the lesson index of a large pack, for the next glance at it.
    fn remember_index(&self, report: &LoadReport) {
        crate::pack::glance::remember(&self.ctx.paths.cache_dir, report);
    }

    /// Opens a large pack at the lesson it shows first, read alone through the lesson index, and reads the rest on
    /// a worker thread (`Event::PackLoaded`). False, with nothing changed, when a glance cannot settle where the
    /// course opens (no index, no worker channel, a finished course, the lesson not where the index says, any
    /// error): the pack is then read in full first, as a small one is.
    fn glance_course(
        &mut self,
        path: &std::path::Path,
        options: &OpenOptions,
        from_library: bool,
    ) -> bool {
        use crate::pack::glance;
        let Some(events) = self.ctx.events.clone() else {
            return false;
        };
        let Some(course) = glance::course(path) else {
            return false;
        };
        let Ok(progress) = self.ctx.store.progress(&course.id) else {
            return false;
        };
        let id = match (&options.lesson, &progress.position) {
            (Some(id), _) => Some(id.as_str()),
            (None, _) if options.restart => None,
            (None, None) => None,
            // Where a finished course opens again depends on every lesson's standing.
            (None, Some(_)) if progress.finished => return false,
            (None, Some(saved)) => Some(saved.lesson.as_str()),
        };
        let cache = &self.ctx.paths.cache_dir;
        let Some(lesson) = glance::indexed_file(cache, path, id)
            .and_then(|(file, id)| glance::lesson(path, &file).filter(|lesson| lesson.id == id))
        else {
            return false;
        };
        let partial = Pack {
            root: path.to_path_buf(),
            course,
            lessons: vec![lesson],
        };
        // A session over that one lesson that saves nothing: the real one opens on the whole pack.
        let clock = self.ctx.clock.clone();
        let mut nowhere = crate::learn::journal::MemoryJournal::default();
        let Ok(session) = Session::open(partial, progress, clock, options, &mut nowhere) else {
            return false;
        };
        let mut player = Player::new(session, from_library, &self.ctx);
        player.loading = true;
        self.screen = Screen::Player(Box::new(player));
        let root = path.to_path_buf();
        self.loading = Some(Loading {
            root: root.clone(),
            options: options.clone(),
            from_library,
            keys: Vec::new(),
            saved_meanwhile: false,
        });
        std::thread::spawn(move || {
            let report = crate::pack::load(&root);
            let _ = events.send(Event::PackLoaded(Box::new(report)));
        });
        true
    }

    /// A pack read in full in the background: the course waiting for it opens for real, at the place it shows, and
    /// the keys pressed meanwhile apply in order; or the library counts its lessons.
    fn pack_loaded(&mut self, report: LoadReport) -> Effect {
        self.remember_index(&report);
        if let Screen::Library(library) = &mut self.screen {
            return if library.loaded(report, &self.ctx) {
                Effect::Redraw
            } else {
                Effect::Unchanged
            };
        }
        let Some(loading) = self.loading.take_if(|l| l.root == report.root) else {
            return Effect::Unchanged;
        };
        self.open_report(report, &loading.options, loading.from_library);
        if let (Some(root), Screen::Player(p)) = (&self.preview_root, &mut self.screen) {
            p.preview = Some(crate::tui::screens::player::preview::Preview {
                root: root.clone(),
                ..Default::default()
            });
        }
        if loading.saved_meanwhile {
            let _ = self.handle(Event::PackChanged);
        }
        let mut effect = Effect::Redraw;
        for key in loading.keys {
            if self.handle(Event::Key(key)) == Effect::Quit {
                effect = Effect::Quit;
                break;
            }
        }
        effect
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

    pub(crate) fn start_session(
        &mut self,
        mut pack: Pack,
        options: &OpenOptions,
        from_library: bool,
    ) {
        // The learner's own objectives and key results (objectives.toml beside the config), as --plain adds them.
        let own = crate::app::open::add_own_objectives(&mut pack, &self.ctx.paths.config);
        if let Some(error) = own.error_line() {
            self.ctx.error = Some(error);
            return;
        }
        // Another terminal playing this course is asked about first (`screens::takeover`).
        let Some(pack) = self.claim_course(pack, options, from_library) else {
            return;
        };
        let clock = self.ctx.clock.clone();
        let retention = self.ctx.config.desired_retention;
        match crate::app::open::session(pack, &mut self.ctx.store, clock, options, retention) {
            Ok(session) => {
                self.screen =
                    Screen::Player(Box::new(Player::new(session, from_library, &self.ctx)))
            }
            Err(e) => self.ctx.error = Some(format!("the course could not be opened: {e}")),
        }
    }

    /// Opens the pack at `root` for preview: as a learner sees it, against the in-memory store, with the author's
    /// keys. A pack that does not load shows its problems until a save fixes it.
    fn open_preview(&mut self, root: &std::path::Path, options: &OpenOptions) {
        self.open_course(root.to_path_buf(), options, false);
        if let Screen::Player(p) = &mut self.screen {
            p.preview = Some(crate::tui::screens::player::preview::Preview {
                root: root.to_path_buf(),
                ..Default::default()
            });
        }
    }

    /// The dashboard over the screen on show, from the store and the packs of the played courses.
    fn open_dashboard(&mut self) {
        let now = self.ctx.clock.now_ms();
        let zone = self.ctx.clock.zone();
        let result = self.ctx.store.active_spans(now).and_then(|spans| {
            let stats = crate::app::stats::gather(
                &self.ctx.paths,
                Some(&self.ctx.store),
                None,
                self.ctx.config.desired_retention,
                now,
            )?;
            let mut dashboard =
                Dashboard::new(&spans, &stats, now, &zone, self.ctx.config.daily_minutes);
            dashboard.key_results = stats
                .courses
                .iter()
                .flat_map(|c| c.key_results.iter().map(|k| (k.line.clone(), k.ratio)))
                .collect();
            Ok(dashboard)
        });
        if let Some(dashboard) = self.ctx.saved(result) {
            let previous = std::mem::replace(&mut self.screen, Screen::Library(Library::default()));
            self.screen = Screen::Dashboard(Box::new(dashboard), Box::new(previous));
        }
    }

    /// A review of everything due, from the library.
    fn start_review(&mut self) {
        let now = self.ctx.clock.now_ms();
        let result = crate::app::overview::review_queue(
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
            // Due items whose packs are not at hand (moved, or off the course path) cannot be shown.
            self.ctx.error = Some(
                "nothing due can be reviewed now: the packs of the items due were not found".into(),
            );
            return;
        }
        let reviewing = Reviewing::new(items, scheduler, self.ctx.clock.clone());
        self.screen = Screen::Review(Box::new(ReviewScreen::new(reviewing, true)));
    }

    /// Plans a time box of `minutes` (`app::plan::plan`) and starts it: its reviews first, then the course at its
    /// resume point for the planned bites.
    fn start_timebox(
        &mut self,
        minutes: u32,
        course: Option<PathBuf>,
        reviews_only: bool,
        from_library: bool,
    ) {
        let now = self.ctx.clock.now_ms();
        let (paths, store) = (&self.ctx.paths, &mut self.ctx.store);
        let planned =
            crate::app::plan::plan(paths, store, course.as_deref(), minutes, reviews_only, now);
        let crate::app::plan::Planned {
            timebox,
            course: course_path,
        } = match planned {
            Ok(planned) => planned,
            Err(e) => {
                self.ctx.error = Some(format!("{e:#}"));
                return;
            }
        };
        let reviews = timebox.reviews.clone();
        self.ctx.timebox = Some(timebox);
        if !reviews.is_empty() {
            let retention = self.ctx.config.desired_retention;
            let result = crate::app::plan::planned_reviews(
                &self.ctx.paths,
                &self.ctx.store,
                &reviews,
                retention,
                now,
            );
            if let Some((scheduler, items)) = self.ctx.saved(result)
                && !items.is_empty()
            {
                let reviewing = Reviewing::new(items, scheduler, self.ctx.clock.clone());
                self.screen = Screen::Review(Box::new(ReviewScreen::new(reviewing, from_library)));
                self.timebox_course = course_path;
                return;
            }
        }
        match course_path {
            Some(path) => self.open_course(path, &OpenOptions::default(), from_library),
            None => self.finish_timebox(from_library),
        }
    }

    /// After each key in a time box: count the active time, go on from the reviews to the bites, and end the box
    /// once its last planned bite is behind the learner.
    fn follow_timebox(&mut self) {
        let now = self.ctx.clock.now_ms();
        let idle_ms = i64::from(self.ctx.config.idle_pause_minutes) * 60_000;
        let paused = match &self.screen {
            Screen::Player(p) => p.session.is_paused(),
            Screen::Review(r) => r.paused,
            _ => false,
        };
        let Some(timebox) = &mut self.ctx.timebox else {
            return;
        };
        timebox.key(now, !paused, idle_ms);
        match &self.screen {
            Screen::Review(r) if r.reviewing.is_done() => {
                timebox.reviewed = r.reviewing.tally().reviewed;
                let from_library = r.from_library;
                match self.timebox_course.take() {
                    Some(path) => self.open_course(path, &OpenOptions::default(), from_library),
                    None => self.finish_timebox(from_library),
                }
            }
            Screen::Player(p) => {
                let s = &p.session;
                let here = (s.lesson_index(), s.bite().number);
                let done = matches!(s.stage(), Stage::CourseDone);
                if timebox.over_at(s.pack(), here, done) {
                    let from_library = p.from_library;
                    self.finish_timebox(from_library);
                } else {
                    timebox.shown.insert(here);
                }
            }
            _ => {}
        }
    }

    /// The time box's end: the session is closed (its time saved) and the summary shows.
    fn finish_timebox(&mut self, from_library: bool) {
        let Some(mut timebox) = self.ctx.timebox.take() else {
            return;
        };
        timebox.bites_read = timebox.shown.len();
        self.close_session();
        let now = self.ctx.clock.now_ms();
        let result = self.ctx.store.next_due_after(None, now);
        let next_due = self.ctx.saved(result).flatten();
        self.screen = Screen::TimeboxDone(Box::new(TimeboxDone {
            timebox,
            next_due,
            now,
            from_library,
        }));
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
        Screen::TimeboxDone(t) => t.draw(&app.ctx, &commands, frame, area),
        Screen::Dashboard(d, _) => d.draw(&app.ctx, &commands, frame, area),
        Screen::TakeOver(t) => t.draw(&app.ctx, &commands, frame, area),
    }
    if let Some(scroll) = app.help {
        help::draw(&app.ctx, &commands, scroll, frame, area);
    }
    if !app.ctx.styles.dim_secondary {
        // SGR 2 (faint) is what low vision cannot read: a theme that never dims takes it off every cell drawn.
        for cell in &mut frame.buffer_mut().content {
            cell.modifier.remove(Modifier::DIM);
        }
    }
}
