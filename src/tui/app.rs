//! The player's state and how keys change it: `App::handle(Event) -> Effect`. Drawing reads this state and never
//! changes it (see `draw`). No terminal here: tests drive an `App` with synthetic key events.

use std::collections::BTreeSet;
use std::path::PathBuf;
use std::rc::Rc;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::keymap::{Action, Keymap};
use crate::clock::Clock;
use crate::config::Config;
use crate::grade::{self, Response};
use crate::overview::CourseOverview;
use crate::pack::{Exercise, Pack, QuestionKind};
use crate::paths::Paths;
use crate::render::{self, Styles};
use crate::session::{Advance, OpenOptions, Rating, Session, Stage};
use crate::store::{Store, StoreError};

/// Everything the loop feeds the app.
#[derive(Debug, Clone)]
pub enum Event {
    Key(KeyEvent),
    Resize(u16, u16),
    /// Once a second: the idle pause.
    Tick,
    /// SIGTERM or SIGHUP: save and go.
    Terminate,
}

/// What the loop must do after an event.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[must_use]
pub enum Effect {
    Redraw,
    Quit,
}

/// How the player was started.
#[derive(Debug, Clone)]
pub enum Start {
    Library,
    /// A pack directory or a course id on the course path.
    Course {
        target: String,
        options: OpenOptions,
    },
}

pub enum Screen {
    Library(Library),
    Player(Box<Player>),
    /// A pack that does not load: its problems, and the way back.
    Broken(Broken),
}

pub struct Library {
    pub courses: Vec<CourseOverview>,
    /// Index into `visible()`.
    pub selected: usize,
    pub filter: String,
    /// The filter is being typed.
    pub filtering: bool,
}

impl Library {
    /// The courses matching the filter (title or id, ignoring case).
    pub fn visible(&self) -> Vec<&CourseOverview> {
        let needle = self.filter.to_lowercase();
        self.courses
            .iter()
            .filter(|c| {
                needle.is_empty()
                    || c.title.to_lowercase().contains(&needle)
                    || c.id.contains(&needle)
            })
            .collect()
    }
}

pub struct Player {
    pub session: Session,
    /// What is typed for a text or order answer.
    pub input: String,
    /// The learner left the answer field with Esc: keys are actions (s, i, ?, q…) until Enter goes back into it.
    pub input_left: bool,
    /// How far an exercise or a summary is scrolled (a bite's own scroll is saved by the session).
    pub view_scroll: u16,
    /// Shown numbers (1-based) picked for a choice question.
    pub picked: BTreeSet<usize>,
    /// The hint, once asked for.
    pub hint: Option<String>,
    /// A one-line message about the last key ("answer first", an input error…).
    pub notice: Option<String>,
    pub from_library: bool,
}

pub struct Broken {
    pub title: String,
    pub path: PathBuf,
    pub problems: Vec<String>,
    pub from_library: bool,
}

/// What the app is set up with, from the command line and the config file.
pub struct Settings {
    pub config: Config,
    pub keymap: Keymap,
    pub styles: Styles,
    pub paths: Paths,
}

pub struct App {
    pub screen: Screen,
    pub keymap: Keymap,
    pub styles: Styles,
    pub config: Config,
    pub paths: Paths,
    pub store: Store,
    pub clock: Rc<dyn Clock>,
    /// Terminal size in columns and rows.
    pub size: (u16, u16),
    pub help: bool,
    /// A problem saving progress: shown until the next key. The move that could not be saved did not happen, so the
    /// learner can try it again.
    pub error: Option<String>,
}

/// Lesson, bite, stage and exercise (with whether it is answered and revealed): a change is a new view.
type Place = (
    usize,
    usize,
    std::mem::Discriminant<Stage>,
    Option<(usize, usize, bool, bool)>,
);

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
        let mut app = Self {
            screen: Screen::Library(Library {
                courses: Vec::new(),
                selected: 0,
                filter: String::new(),
                filtering: false,
            }),
            keymap,
            styles,
            config,
            paths,
            store,
            clock,
            size,
            help: false,
            error: None,
        };
        match start {
            Start::Library => app.show_library(),
            Start::Course { target, options } => {
                let path = crate::overview::find_course(&app.paths, &target);
                app.open_course(path, &options, false);
            }
        }
        app
    }

    /// The width the bite's text is drawn at: the terminal's, less a margin, at most the configured maximum.
    pub fn text_width(&self) -> u16 {
        self.size
            .0
            .saturating_sub(4)
            .clamp(10, self.config.max_width.max(20))
    }

    /// Rows for the bite's text: all but the header (2), the footer (2) and the margins.
    pub fn text_height(&self) -> u16 {
        self.size.1.saturating_sub(4).max(1)
    }

    pub fn show_library(&mut self) {
        let now = self.clock.now_ms();
        let mut courses = crate::overview::on_course_path(&self.paths, Some(&self.store), now)
            .unwrap_or_default();
        // The most recently played first; then the course path's order.
        courses.sort_by_key(|c| {
            std::cmp::Reverse(c.played.as_ref().map_or(i64::MIN, |p| p.last_played_at))
        });
        self.screen = Screen::Library(Library {
            courses,
            selected: 0,
            filter: String::new(),
            filtering: false,
        });
    }

    fn open_course(&mut self, path: PathBuf, options: &OpenOptions, from_library: bool) {
        let report = crate::pack::load(&path);
        let title = report
            .course
            .as_ref()
            .map_or_else(|| path.display().to_string(), |c| c.title.clone());
        match report.into_pack() {
            Ok(pack) => self.start_session(pack, options, from_library),
            Err(report) => {
                self.screen = Screen::Broken(Broken {
                    title,
                    path: path.clone(),
                    problems: report
                        .errors()
                        .map(|d| format!("{}: {}", path.join(&d.site.file).display(), d.message()))
                        .collect(),
                    from_library,
                });
            }
        }
    }

    fn start_session(&mut self, pack: Pack, options: &OpenOptions, from_library: bool) {
        let title = pack.course.title.clone();
        let path = pack.root.clone();
        let progress = match self.store.progress(&pack.course.id) {
            Ok(p) => p,
            Err(e) => return self.fail(e),
        };
        match Session::open(pack, progress, self.clock.clone(), options, &mut self.store) {
            Ok(session) => {
                self.screen = Screen::Player(Box::new(Player {
                    session,
                    input: String::new(),
                    input_left: false,
                    view_scroll: 0,
                    picked: BTreeSet::new(),
                    hint: None,
                    notice: None,
                    from_library,
                }))
            }
            Err(e) => {
                self.screen = Screen::Broken(Broken {
                    title,
                    path,
                    problems: vec![e.to_string()],
                    from_library,
                })
            }
        }
    }

    fn fail(&mut self, e: StoreError) {
        self.error = Some(format!("progress could not be saved: {e}"));
    }

    pub fn handle(&mut self, event: Event) -> Effect {
        match event {
            Event::Resize(w, h) => {
                self.size = (w, h);
                self.clamp_scroll();
                Effect::Redraw
            }
            Event::Tick => {
                self.idle_pause();
                Effect::Redraw
            }
            Event::Terminate => self.quit(),
            Event::Key(key) => self.key(key),
        }
    }

    fn key(&mut self, key: KeyEvent) -> Effect {
        if key.kind == crossterm::event::KeyEventKind::Release {
            return Effect::Redraw;
        }
        let ctrl_c =
            key.code == KeyCode::Char('c') && key.modifiers.contains(KeyModifiers::CONTROL);
        if ctrl_c {
            return self.quit();
        }
        self.error = None;
        if self.help {
            // Any key closes the help; quit still quits.
            self.help = false;
            return match self.keymap.action(&key) {
                Some(Action::Quit) => self.quit(),
                _ => Effect::Redraw,
            };
        }
        match &self.screen {
            Screen::Library(_) => self.library_key(key),
            Screen::Broken(_) => self.broken_key(key),
            Screen::Player(_) => self.player_key(key),
        }
    }

    /// Saves the end of the active time and quits. Every move was saved as it happened.
    fn quit(&mut self) -> Effect {
        if let Screen::Player(player) = &mut self.screen
            && let Err(e) = player.session.close(&mut self.store)
        {
            self.fail(e);
        }
        Effect::Quit
    }

    fn library_key(&mut self, key: KeyEvent) -> Effect {
        let Screen::Library(lib) = &mut self.screen else {
            return Effect::Redraw;
        };
        if lib.filtering {
            match key.code {
                KeyCode::Esc => {
                    lib.filtering = false;
                    lib.filter.clear();
                }
                KeyCode::Enter | KeyCode::Down | KeyCode::Up => lib.filtering = false,
                KeyCode::Backspace => {
                    lib.filter.pop();
                }
                KeyCode::Char(c) if !key.modifiers.contains(KeyModifiers::CONTROL) => {
                    lib.filter.push(c)
                }
                _ => {}
            }
            lib.selected = 0;
            if key.code != KeyCode::Enter {
                return Effect::Redraw;
            }
        }
        let count = lib.visible().len();
        match self.keymap.action(&key) {
            Some(Action::Quit) => return self.quit(),
            Some(Action::Help) => self.help = true,
            Some(Action::Filter) => lib.filtering = true,
            Some(Action::Down) => lib.selected = (lib.selected + 1).min(count.saturating_sub(1)),
            Some(Action::Up) => lib.selected = lib.selected.saturating_sub(1),
            Some(Action::PageDown) => {
                lib.selected = (lib.selected + 10).min(count.saturating_sub(1))
            }
            Some(Action::PageUp) => lib.selected = lib.selected.saturating_sub(10),
            Some(Action::Next) => {
                if let Some(course) = lib.visible().get(lib.selected) {
                    let path = course.path.clone();
                    self.open_course(path, &OpenOptions::default(), true);
                }
            }
            _ if key.code == KeyCode::Esc => lib.filter.clear(),
            _ => {}
        }
        Effect::Redraw
    }

    fn broken_key(&mut self, key: KeyEvent) -> Effect {
        let Screen::Broken(broken) = &self.screen else {
            return Effect::Redraw;
        };
        match self.keymap.action(&key) {
            Some(Action::Quit) => self.quit(),
            Some(Action::Back) | Some(Action::Next) if broken.from_library => {
                self.show_library();
                Effect::Redraw
            }
            _ if key.code == KeyCode::Esc && broken.from_library => {
                self.show_library();
                Effect::Redraw
            }
            Some(Action::Help) => {
                self.help = true;
                Effect::Redraw
            }
            _ => Effect::Redraw,
        }
    }

    /// Whether keys go to an answer being typed: a text or order question waiting for its answer.
    pub fn typing(&self) -> bool {
        let Screen::Player(p) = &self.screen else {
            return false;
        };
        if p.input_left || p.session.is_paused() {
            return false;
        }
        matches!(
            p.session.exercise(),
            Some((Exercise::Question(q), state))
                if state.verdict.is_none() && matches!(q.kind, QuestionKind::Text { .. } | QuestionKind::Order { .. })
        )
    }

    fn player_key(&mut self, key: KeyEvent) -> Effect {
        let before = self.place();
        let effect = self.player_key_inner(key);
        if self.place() != before
            && let Screen::Player(p) = &mut self.screen
        {
            p.view_scroll = 0;
        }
        effect
    }

    /// What is on screen, coarsely: a change means a new view, scrolled to its top.
    fn place(&self) -> Option<Place> {
        let Screen::Player(p) = &self.screen else {
            return None;
        };
        let s = &p.session;
        let exercise = match s.stage() {
            Stage::Exercise(e) => Some((e.bite, e.index, e.verdict.is_some(), e.revealed)),
            _ => None,
        };
        Some((
            s.lesson_index(),
            s.bite().number,
            std::mem::discriminant(s.stage()),
            exercise,
        ))
    }

    fn player_key_inner(&mut self, key: KeyEvent) -> Effect {
        let typing = self.typing();
        let action = self.keymap.action(&key);
        let Screen::Player(p) = &mut self.screen else {
            return Effect::Redraw;
        };
        p.notice = None;
        // Every key counts as activity, typed letters included, for the idle pause and time on task.
        if !p.session.is_paused() {
            p.session.note_activity();
        }

        // Paused: only pause (to resume) and quit do anything; the screen stays hidden until then.
        if p.session.is_paused() {
            return match action {
                Some(Action::Pause) => {
                    let result = p.session.resume(&mut self.store);
                    self.after(result)
                }
                Some(Action::Quit) => self.quit(),
                _ => Effect::Redraw,
            };
        }

        if typing {
            match key.code {
                KeyCode::Enter => return self.submit_typed(),
                KeyCode::Backspace => {
                    p.input.pop();
                }
                KeyCode::Esc => p.input_left = true,
                KeyCode::Tab => p.hint = p.session.hint(),
                KeyCode::Char(c)
                    if !key
                        .modifiers
                        .intersects(KeyModifiers::CONTROL | KeyModifiers::ALT) =>
                {
                    p.input.push(c)
                }
                _ => return self.player_action(action),
            }
            return Effect::Redraw;
        }

        // Keys an answer needs come before actions: digits for choices and ratings, t/f for true or false.
        if let KeyCode::Char(c) = key.code
            && !key
                .modifiers
                .intersects(KeyModifiers::CONTROL | KeyModifiers::ALT)
            && self.answer_key(c)
        {
            return Effect::Redraw;
        }
        if key.code == KeyCode::Esc {
            return self.escape();
        }
        self.player_action(action)
    }

    /// Esc leaves a question for its text; elsewhere it goes back to the library the course came from.
    fn escape(&mut self) -> Effect {
        let Screen::Player(p) = &mut self.screen else {
            return Effect::Redraw;
        };
        if matches!(p.session.stage(), Stage::Exercise(_)) {
            return self.player_action(Some(Action::Back));
        }
        if p.from_library {
            let result = p.session.close(&mut self.store);
            let _ = self.after(result);
            self.show_library();
        }
        Effect::Redraw
    }

    /// Handles a character that answers the exercise on screen; `false` if it does not.
    fn answer_key(&mut self, c: char) -> bool {
        let Screen::Player(p) = &mut self.screen else {
            return false;
        };
        let Some((exercise, state)) = p.session.exercise() else {
            return false;
        };
        if state.verdict.is_some() {
            return false;
        }
        match exercise {
            Exercise::Question(q) => match (&q.kind, c) {
                (QuestionKind::Choice { choices, .. }, '1'..='9') => {
                    let n = c as usize - '0' as usize;
                    if n > choices.len() {
                        p.notice = Some(format!("type a number from 1 to {}", choices.len()));
                        return true;
                    }
                    if q.kind.picks_several() {
                        if !p.picked.remove(&n) {
                            p.picked.insert(n);
                        }
                    } else {
                        p.picked = BTreeSet::from([n]);
                    }
                    true
                }
                (QuestionKind::TrueFalse { .. }, 't' | 'f') => {
                    let response = Response::Bool(c == 't');
                    let result = p.session.answer(&response, &mut self.store);
                    let _ = self.after(result);
                    true
                }
                _ => false,
            },
            Exercise::Card(_) if state.revealed => match c {
                '1'..='4' => {
                    let rating = Rating::ALL[usize::from(c as u8 - b'1')];
                    let result = p.session.rate(rating, &mut self.store);
                    let _ = self.after(result);
                    true
                }
                _ => false,
            },
            Exercise::Card(_) => false,
        }
    }

    fn submit_typed(&mut self) -> Effect {
        let Screen::Player(p) = &mut self.screen else {
            return Effect::Redraw;
        };
        let Some((Exercise::Question(q), state)) = p.session.exercise() else {
            return Effect::Redraw;
        };
        match grade::parse_input(&q.kind, &state.shown, &p.input) {
            Ok(response) => {
                let result = p.session.answer(&response, &mut self.store);
                self.after(result)
            }
            Err(e) => {
                p.notice = Some(e.to_string());
                Effect::Redraw
            }
        }
    }

    fn player_action(&mut self, action: Option<Action>) -> Effect {
        let page = self.text_height().saturating_sub(2).max(1);
        let max_scroll = self.max_scroll();
        let Screen::Player(p) = &mut self.screen else {
            return Effect::Redraw;
        };
        let Some(action) = action else {
            return Effect::Redraw;
        };
        match action {
            Action::Quit => return self.quit(),
            Action::Help => self.help = true,
            Action::Pause => {
                let result = p.session.pause(&mut self.store);
                return self.after(result);
            }
            Action::Next => return self.next(),
            Action::Back => {
                p.input_left = false;
                let result = p.session.back(&mut self.store).map(|_| ());
                p.picked.clear();
                p.input.clear();
                p.hint = None;
                return self.after(result);
            }
            Action::Down | Action::Up | Action::PageDown | Action::PageUp
                if !matches!(p.session.stage(), Stage::Reading) =>
            {
                // Exercises and summaries scroll on screen only; draw keeps the offset within the text.
                p.view_scroll = match action {
                    Action::Down => p.view_scroll.saturating_add(1),
                    Action::Up => p.view_scroll.saturating_sub(1),
                    Action::PageDown => p.view_scroll.saturating_add(page),
                    _ => p.view_scroll.saturating_sub(page),
                }
                .min(1000);
            }
            Action::Down | Action::Up | Action::PageDown | Action::PageUp => {
                let now = p.session.scroll();
                let to = match action {
                    Action::Down => now.saturating_add(1),
                    Action::Up => now.saturating_sub(1),
                    Action::PageDown => now.saturating_add(page),
                    _ => now.saturating_sub(page),
                }
                .min(max_scroll);
                if matches!(p.session.stage(), Stage::Reading) {
                    let result = p.session.scroll_to(to, &mut self.store);
                    return self.after(result);
                }
            }
            Action::Hint => {
                let waiting = matches!(p.session.exercise(), Some((Exercise::Question(_), s)) if s.verdict.is_none());
                p.hint = p.session.hint();
                if p.hint.is_none() && waiting {
                    p.notice = Some("no hint for this one".into());
                }
            }
            Action::Skip => {
                let result = p.session.skip(&mut self.store);
                if let Ok(false) = result {
                    p.notice = Some("nothing to skip here".into());
                }
                return self.after(result.map(|_| ()));
            }
            Action::Retry => {
                if p.session.try_again() {
                    p.input.clear();
                    p.picked.clear();
                    p.input_left = false;
                } else if matches!(p.session.stage(), Stage::Summary(_)) {
                    let result = p.session.retry_missed(&mut self.store);
                    if let Ok(false) = result {
                        p.notice = Some("nothing to retry: all were right".into());
                    }
                    return self.after(result.map(|_| ()));
                }
            }
            Action::Filter => {}
        }
        Effect::Redraw
    }

    /// Next: submit a picked choice, reveal a card, or move on.
    fn next(&mut self) -> Effect {
        let Screen::Player(p) = &mut self.screen else {
            return Effect::Redraw;
        };
        if let Some((exercise, state)) = p.session.exercise()
            && state.verdict.is_none()
        {
            match exercise {
                Exercise::Question(q) if matches!(q.kind, QuestionKind::Choice { .. }) => {
                    if p.picked.is_empty() {
                        p.notice = Some("pick a number first (s skips)".into());
                        return Effect::Redraw;
                    }
                    let picked: Vec<usize> = p.picked.iter().map(|n| state.shown[n - 1]).collect();
                    let result = p
                        .session
                        .answer(&Response::Choices(picked), &mut self.store);
                    return self.after(result);
                }
                Exercise::Question(q) if matches!(q.kind, QuestionKind::TrueFalse { .. }) => {
                    p.notice = Some("press t or f (s skips)".into());
                    return Effect::Redraw;
                }
                Exercise::Question(_) => {
                    p.input_left = false;
                    return Effect::Redraw;
                }
                Exercise::Card(_) if !state.revealed => {
                    p.session.reveal();
                    return Effect::Redraw;
                }
                Exercise::Card(_) => {
                    p.notice = Some("rate it 1 to 4 (s skips)".into());
                    return Effect::Redraw;
                }
            }
        }
        if matches!(p.session.stage(), Stage::CourseDone) {
            if p.from_library {
                self.show_library();
                return Effect::Redraw;
            }
            return self.quit();
        }
        let result = p.session.advance(&mut self.store);
        p.picked.clear();
        p.input.clear();
        p.input_left = false;
        p.hint = None;
        if let Ok(Advance::NeedsAnswer) = result {
            p.notice = Some("answer first (s skips)".into());
        }
        self.after(result.map(|_| ()))
    }

    fn after<T>(&mut self, result: Result<T, StoreError>) -> Effect {
        if let Err(e) = result {
            self.fail(e);
        }
        Effect::Redraw
    }

    fn idle_pause(&mut self) {
        let minutes = i64::from(self.config.idle_pause_minutes);
        let now = self.clock.now_ms();
        if let Screen::Player(p) = &mut self.screen
            && minutes > 0
            && !p.session.is_paused()
            && now - p.session.last_activity() >= minutes * 60_000
        {
            let result = p.session.pause_idle(&mut self.store);
            let _ = self.after(result);
        }
    }

    /// The bite's rendered lines at the current width.
    pub fn bite_lines(&self) -> Vec<ratatui::text::Line<'static>> {
        match &self.screen {
            Screen::Player(p) => {
                render::markdown(&p.session.bite().markdown, self.text_width(), &self.styles)
            }
            _ => Vec::new(),
        }
    }

    fn max_scroll(&self) -> u16 {
        let lines = self.bite_lines().len() as u16;
        lines.saturating_sub(self.text_height())
    }

    /// Keeps the scroll offset on the page after a resize.
    fn clamp_scroll(&mut self) {
        let max = self.max_scroll();
        if let Screen::Player(p) = &mut self.screen
            && p.session.scroll() > max
            && matches!(p.session.stage(), Stage::Reading)
        {
            let result = p.session.scroll_to(max, &mut self.store);
            let _ = self.after(result);
        }
    }
}
