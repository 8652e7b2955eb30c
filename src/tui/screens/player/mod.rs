//! The player: a course's bites one at a time, with the header (where the learner is), the bite's text (rendered
//! once per bite and width, scrolled by the session so that resume lands on the same line), and the stage's own
//! view: an exercise (`exercise`), a lesson or course summary (`summary`), or the pause screen. Its parts are its
//! own modules, each working on the `Player`: a note or rating on the bite (`note`), preview's author keys
//! (`preview`), the summaries (`summary`).

use ratatui::Frame;
use ratatui::layout::{Alignment, Constraint, Layout, Rect};
use ratatui::text::{Line, Span, Text};
use ratatui::widgets::{Paragraph, Wrap};

pub(crate) mod note;
pub(crate) mod preview;
pub(crate) mod summary;

use note::Remark;
use preview::Preview;

use super::exercise::AnswerInput;
use super::{
    Next, bold, column, dim, draw_body, exercise, footer, frame_rows, header_row, max_scroll,
    verdict_scroll,
};
use crate::app::summary::{course_key_results, lesson_key_results};
use crate::learn::outcomes::{self, Inputs, Snapshot};
use crate::learn::session::{Advance, Pause, Session, Stage};
use crate::render;
use crate::text::words::bar;
use crate::tui::command::{Binding, Command, Input, scroll_bindings};
use crate::tui::context::Context;
use crate::tui::keymap::Action;

pub struct Player {
    pub session: Session,
    /// What the learner is entering for the exercise on screen, and the notice about the last key.
    pub(crate) ans: AnswerInput,
    /// How far an exercise or a summary is scrolled (a bite's own scroll is saved by the session).
    pub(crate) view_scroll: u16,
    pub(crate) from_library: bool,
    /// Preview: nothing saved, reloaded on every save, the author's keys.
    pub(crate) preview: Option<Preview>,
    /// Key results: as the course opened, as the current lesson began, and the lines a summary shows.
    key_results: KeyResults,
    /// A note or a rating being made on the bite on screen (`note`).
    pub(crate) remark: Option<Remark>,
    /// The current bite's lines, rendered for `(lesson, bite, width)`; code highlighted as far as shown.
    rendered: ((usize, usize, u16), render::Page),
    /// The session holds only the lesson on screen while the rest of a large pack is read (`App::glance_course`):
    /// the course's counts are not known yet, and the header says so.
    pub(crate) loading: bool,
}

/// Key results as the course opened and as the current lesson began, and the lines on the summary showing.
#[derive(Default)]
struct KeyResults {
    course_start: Snapshot,
    lesson: Option<(usize, Snapshot)>,
    lines: Vec<String>,
    /// The lesson whose summary `lines` are for (`usize::MAX`: the course's end).
    shown_for: Option<usize>,
}

/// Lesson, bite, stage and exercise (with whether it is answered and revealed): a change is a new view.
type Place = (
    usize,
    usize,
    std::mem::Discriminant<Stage>,
    Option<(usize, usize, bool, bool)>,
);

impl Player {
    pub(crate) fn new(session: Session, from_library: bool, ctx: &Context) -> Self {
        let mut player = Self {
            session,
            ans: AnswerInput::default(),
            view_scroll: 0,
            from_library,
            preview: None,
            key_results: KeyResults::default(),
            remark: None,
            rendered: ((usize::MAX, 0, 0), render::Page::default()),
            loading: false,
        };
        player.refresh(ctx);
        player.key_results.course_start = player.snapshot(ctx);
        player.follow_key_results(ctx);
        player
    }

    /// The key results now (nothing is asked of the store for a course that declares none).
    fn snapshot(&self, ctx: &Context) -> Snapshot {
        let pack = self.session.pack();
        if pack.course.key_results.is_empty() {
            return Snapshot::default();
        }
        let now = ctx.clock.now_ms();
        let history = ctx
            .store
            .outcome_history(&pack.course.id, now, self.session.scheduler())
            .unwrap_or_default();
        Snapshot::take(
            pack,
            &Inputs {
                progress: self.session.progress(),
                scheduler: self.session.scheduler(),
                history: &history,
            },
        )
    }

    /// Keeps the key results' snapshots and lines current: a snapshot as each lesson begins, the lines of what a
    /// lesson moved at its summary, and every key result at the course's end (computed here, never in `draw`).
    fn follow_key_results(&mut self, ctx: &Context) {
        if self.session.pack().course.key_results.is_empty() {
            return;
        }
        let index = self.session.lesson_index();
        match self.session.stage() {
            Stage::Reading | Stage::Exercise(_) => {
                if self
                    .key_results
                    .lesson
                    .as_ref()
                    .is_none_or(|(i, _)| *i != index)
                {
                    self.key_results.lesson = Some((index, self.snapshot(ctx)));
                }
                self.key_results.lines.clear();
                self.key_results.shown_for = None;
            }
            Stage::Summary(_) if self.key_results.shown_for != Some(index) => {
                let now = self.snapshot(ctx);
                let before = match &self.key_results.lesson {
                    Some((i, before)) if *i == index => before,
                    _ => &self.key_results.course_start,
                };
                self.key_results.lines = lesson_key_results(&outcomes::moved_by_lesson(
                    self.session.pack(),
                    &self.session.lesson().id,
                    before,
                    &now,
                ));
                self.key_results.shown_for = Some(index);
            }
            Stage::CourseDone if self.key_results.shown_for != Some(usize::MAX) => {
                let now = self.snapshot(ctx);
                self.key_results.lines = course_key_results(&outcomes::standing(
                    self.session.pack(),
                    &self.key_results.course_start,
                    &now,
                ));
                self.key_results.shown_for = Some(usize::MAX);
            }
            _ => {}
        }
    }

    /// The key-result lines the summary on screen shows.
    pub(crate) fn key_result_lines(&self) -> &[String] {
        &self.key_results.lines
    }

    /// Renders the bite if the bite or the width changed since it was last rendered; `force` renders it anyway
    /// (code highlighting became available).
    pub(crate) fn refresh_with(&mut self, ctx: &Context, force: bool) {
        let key = (
            self.session.lesson_index(),
            self.session.bite().number,
            ctx.text_width(),
        );
        if force || self.rendered.0 != key {
            let page = render::page(&self.session.bite().markdown, key.2, &ctx.styles);
            self.rendered = (key, page);
        }
        // Code is highlighted down to a screen below the one shown, so that a frame never waits for a whole block.
        let height = usize::from(ctx.text_height());
        let shown = usize::from(self.session.scroll()) + 2 * height;
        self.rendered.1.highlight_to(shown);
    }

    pub(crate) fn refresh(&mut self, ctx: &Context) {
        self.refresh_with(ctx, false);
    }

    /// The bite's rendered lines at the current width.
    pub(crate) fn bite_lines(&self) -> &[Line<'static>] {
        self.rendered.1.lines()
    }

    fn max_scroll(&self, ctx: &Context) -> u16 {
        max_scroll(self.rendered.1.lines().len(), ctx.text_height())
    }

    /// Whether keys go to an answer being typed: a text or order question waiting for its answer.
    pub(crate) fn typing(&self) -> bool {
        !self.ans.input_left && !self.session.is_paused() && exercise::takes_text(&self.session)
    }

    pub(crate) fn input(&self) -> Input {
        if self.session.is_paused() {
            Input::Keys
        } else if matches!(self.remark, Some(note::Remark::Note { .. })) {
            Input::Editor
        } else if self.typing() || self.remark.is_some() {
            Input::Field
        } else {
            exercise::input(&self.session)
        }
    }

    /// The commands of this moment, in footer order (the app adds help and quit).
    pub(crate) fn commands(&self, ctx: &Context) -> Vec<Binding> {
        let keymap = &ctx.keymap;
        if self.preview.as_ref().is_some_and(|p| p.outline.is_some()) {
            return preview::commands(self, ctx);
        }
        if self.session.is_paused() {
            return vec![Binding::action(keymap, Action::Pause, "continue")];
        }
        if let Some(remark) = &self.remark {
            return note::commands(remark);
        }
        let mut commands = match self.session.stage() {
            Stage::Reading => {
                let more = self.session.scroll() < self.max_scroll(ctx);
                let mut c = vec![
                    Binding::action(keymap, Action::Next, if more { "read on" } else { "next" })
                        .described(if more {
                            "read on: the rest of this bite, a page at a time"
                        } else {
                            "next: the bite's questions, or the next bite"
                        }),
                    Binding::action(keymap, Action::Back, "back").described("the previous bite"),
                ];
                let mut scroll = scroll_bindings(keymap);
                if self.max_scroll(ctx) == 0 {
                    scroll = scroll.into_iter().map(Binding::help_only).collect();
                }
                c.extend(scroll);
                c
            }
            Stage::Exercise(_) => exercise::commands(&self.session, &self.ans, self.typing(), ctx),
            Stage::Summary(_) | Stage::CourseDone => summary::commands(self, ctx),
        };
        if !matches!(self.session.stage(), Stage::Reading) {
            // Exercises and summaries scroll when they do not fit; the notice row says when there is more.
            commands.extend(scroll_bindings(keymap).into_iter().map(Binding::help_only));
        }
        if !matches!(self.session.stage(), Stage::Exercise(_)) && self.from_library {
            commands.push(
                Binding::fixed(Command::Leave, "Esc", "library")
                    .described("back to the library")
                    .minor(),
            );
        }
        if !self.typing() {
            // On a bite (reading it or its exercise): a summary is not a bite to note.
            if self.preview.is_none()
                && matches!(self.session.stage(), Stage::Reading | Stage::Exercise(_))
            {
                commands.push(
                    Binding::action(keymap, Action::Note, "note")
                        .described("a note on this bite (start it with ? to ask the author)")
                        .help_only(),
                );
                commands.push(
                    Binding::action(keymap, Action::Feedback, "rate")
                        .described("rate this bite: clear or unclear, and a comment if you like")
                        .help_only(),
                );
            }
            commands.extend(preview::commands(self, ctx));
            commands.push(
                Binding::action(keymap, Action::Pause, "pause")
                    .described("pause: hide the lesson and stop the clock")
                    .minor(),
            );
        }
        commands
    }

    pub(crate) fn update(&mut self, command: Command, ctx: &mut Context) -> Next {
        if !self.session.is_paused() {
            // Every key counts as activity, typed letters included, for the idle pause and time on task.
            self.session.note_activity();
        }
        self.ans.notice = None;
        if let Some(timebox) = &mut ctx.timebox
            && !self.session.is_paused()
        {
            // The bite on screen as the key came: read in this box.
            let here = (self.session.lesson_index(), self.session.bite().number);
            timebox.shown.insert(here);
        }
        let before = self.place();
        let next = self.apply(command, ctx);
        if self.place() != before {
            self.view_scroll = self.opening_scroll(ctx);
        }
        self.refresh(ctx);
        self.follow_key_results(ctx);
        next
    }

    fn apply(&mut self, command: Command, ctx: &mut Context) -> Next {
        if preview::update(self, command, ctx) {
            return Next::Stay;
        }
        if self.session.is_paused() {
            if command == Command::Action(Action::Pause) {
                let result = self.session.resume(&mut ctx.store);
                ctx.saved(result);
            }
            return Next::Stay;
        }
        if self.remark.is_some() {
            return note::update(self, command, ctx);
        }
        match command {
            Command::Action(action @ (Action::Note | Action::Feedback)) => {
                self.remark = note::open(self, action, ctx);
                Next::Stay
            }
            Command::Action(Action::Pause) => {
                let result = self.session.pause(&mut ctx.store);
                ctx.saved(result);
                Next::Stay
            }
            Command::Action(Action::Next) => self.next(ctx),
            Command::Action(Action::Back) => {
                if self.timebox_ends(false, ctx) {
                    return Next::Stay;
                }
                let result = self.session.back(&mut ctx.store);
                if ctx.saved(result).is_some() {
                    self.clear_answer();
                }
                Next::Stay
            }
            Command::Action(
                action @ (Action::Down | Action::Up | Action::PageDown | Action::PageUp),
            ) => {
                self.scroll(action, ctx);
                Next::Stay
            }
            Command::Leave if matches!(self.session.stage(), Stage::Exercise(_)) => {
                // Esc in an exercise only ever leaves the answer field: never a jump away from the question.
                self.ans.input_left = true;
                Next::Stay
            }
            Command::Leave if self.from_library => Next::Library,
            _ if matches!(self.session.stage(), Stage::Exercise(_)) => {
                exercise::update(&mut self.session, &mut self.ans, command, ctx)
            }
            _ => summary::update(self, command, ctx),
        }
    }

    /// Where a new view opens: at its top, or an answered exercise at its verdict.
    fn opening_scroll(&self, ctx: &Context) -> u16 {
        match self.session.stage() {
            Stage::Exercise(state) if state.verdict.is_some() => {
                let view = exercise::view(&self.session, &self.ans, state, ctx, ctx.text_width());
                verdict_scroll(&view, ctx.text_height())
            }
            _ => 0,
        }
    }

    /// Forgets what was typed, picked or hinted for the exercise that was showing.
    pub(crate) fn clear_answer(&mut self) {
        self.ans.clear();
    }

    fn scroll(&mut self, action: Action, ctx: &mut Context) {
        let page = ctx.text_height().saturating_sub(2).max(1);
        let step = |now: u16| match action {
            Action::Down => now.saturating_add(1),
            Action::Up => now.saturating_sub(1),
            Action::PageDown => now.saturating_add(page),
            _ => now.saturating_sub(page),
        };
        if matches!(self.session.stage(), Stage::Reading) {
            let to = step(self.session.scroll()).min(self.max_scroll(ctx));
            if to != self.session.scroll() {
                let result = self.session.scroll_to(to, &mut ctx.store);
                ctx.saved(result);
            }
        } else {
            // Exercises and summaries scroll on screen only; draw keeps the offset within the text.
            self.view_scroll = step(self.view_scroll).min(1000);
        }
    }

    /// Next: on a long bite, read on as a pager does; then submit, reveal, or move on.
    fn next(&mut self, ctx: &mut Context) -> Next {
        match self.session.stage() {
            Stage::Reading if self.session.scroll() < self.max_scroll(ctx) => {
                self.scroll(Action::PageDown, ctx);
                return Next::Stay;
            }
            Stage::Exercise(state) if state.verdict.is_none() => {
                return exercise::next(&mut self.session, &mut self.ans, ctx);
            }
            Stage::CourseDone => {
                return if self.from_library {
                    Next::Library
                } else {
                    Next::Quit
                };
            }
            _ => {}
        }
        if self.timebox_ends(true, ctx) {
            return Next::Stay;
        }
        let result = self.session.advance(&mut ctx.store);
        if let Some(advance) = ctx.saved(result) {
            self.clear_answer();
            if advance == Advance::NeedsAnswer {
                self.ans.notice = Some("answer first (s skips)".into());
            }
        }
        Next::Stay
    }

    /// In a time box that is over, a move to another bite ends the box instead (`Timebox::ends_before`): `true`
    /// when it does; the app then shows the box's summary.
    fn timebox_ends(&self, forward: bool, ctx: &mut Context) -> bool {
        let now = ctx.clock.now_ms();
        let idle_ms = i64::from(ctx.config.idle_pause_minutes) * 60_000;
        let Some(timebox) = &mut ctx.timebox else {
            return false;
        };
        timebox.ended = timebox.ends_before(&self.session, forward, now, idle_ms);
        timebox.ended
    }

    /// Keeps the scroll offset on the page after a resize.
    pub(crate) fn resized(&mut self, ctx: &mut Context) {
        self.refresh(ctx);
        let max = self.max_scroll(ctx);
        if self.session.scroll() > max && matches!(self.session.stage(), Stage::Reading) {
            let result = self.session.scroll_to(max, &mut ctx.store);
            ctx.saved(result);
        }
    }

    /// What is on screen, coarsely: a change means a new view, scrolled to its top.
    fn place(&self) -> Place {
        let s = &self.session;
        let exercise = match s.stage() {
            Stage::Exercise(e) => Some((e.bite, e.index, e.verdict.is_some(), e.revealed)),
            _ => None,
        };
        (
            s.lesson_index(),
            s.bite().number,
            std::mem::discriminant(s.stage()),
            exercise,
        )
    }

    pub(crate) fn draw(&self, ctx: &Context, commands: &[Binding], frame: &mut Frame, area: Rect) {
        if self.session.is_paused() {
            return paused(self, ctx, commands, frame, area);
        }
        let [head, body, notice, foot] = frame_rows(area);
        let width = ctx.text_width();
        header(self, ctx, frame, head);

        let body_col = column(body, width);
        let (lines, scroll, pinned) = match self.session.stage() {
            Stage::Reading => (self.bite_lines().to_vec(), self.session.scroll(), None),
            Stage::Exercise(state) => {
                let view = exercise::view(&self.session, &self.ans, state, ctx, width);
                (view.lines, self.view_scroll, view.pinned)
            }
            Stage::Summary(status) => (
                summary::lesson(self, status, ctx, width),
                self.view_scroll,
                None,
            ),
            Stage::CourseDone => (summary::course(self, ctx), self.view_scroll, None),
        };
        // Exercises and summaries: the learner's offset, kept within the text; an answer field stays in view.
        let below = draw_body(frame, body_col, lines, scroll, pinned);
        preview::draw_over(self, ctx, frame, body_col);
        let mut cues = Vec::new();
        if matches!(self.session.stage(), Stage::Reading)
            && self.session.bite().number == 1
            && scroll == 0
        {
            // At a lesson's start, how long it takes.
            let time = reading_time(self.session.lesson().minutes);
            cues.push(if width >= 50 {
                format!("This lesson: {time}")
            } else {
                time
            });
        }
        let own = self.ans.notice.as_deref();
        super::draw_notice(frame, ctx, (notice, width), own, cues, below);
        note::draw(self, ctx, frame, body_col, column(notice, width));
        frame.render_widget(Paragraph::new(footer(commands, width)), column(foot, width));
    }
}

/// Where the learner is: course and lesson on the left, bite, lesson, reading time and the course's progress on
/// the right. It uses the terminal's whole width (less a margin), not just the text's.
fn header(p: &Player, ctx: &Context, frame: &mut Frame, head: Rect) {
    let session = &p.session;
    let lesson = session.lesson();
    let lessons = session.pack().lessons.len();
    let (complete, _) = session.course_standing();
    let head_col = column(head, head.width.saturating_sub(4).max(10));
    let wide = head_col.width >= 60;
    let title = if wide && p.preview.is_none() {
        format!(
            "{} › {}",
            crate::text::sanitize(&session.pack().course.title),
            crate::text::sanitize(&lesson.title)
        )
    } else {
        crate::text::sanitize(&lesson.title).into_owned()
    };
    let bar_width = if wide { 10 } else { 0 };
    let width = |s: &str| crate::text::width(s);
    let place = if p.preview.is_some() {
        preview::place(p, wide)
    } else if wide {
        let of = if p.loading {
            "lessons counting…".to_string()
        } else {
            format!("lesson {}/{lessons}", session.lesson_index() + 1)
        };
        let counts = format!(
            "{}bite {}/{} · {of}",
            note::mark(p),
            session.bite().number,
            lesson.bites.len(),
        );
        // The lesson's reading time when the title still fits beside it.
        let timed = format!("{counts} · {} ", reading_time(lesson.minutes));
        if width(&title) + width(&timed) + bar_width + 2 <= usize::from(head_col.width) {
            timed
        } else {
            format!("{counts} ")
        }
    } else {
        format!(
            "{}{}/{}",
            note::mark(p),
            session.bite().number,
            lesson.bites.len()
        )
    };
    let right = Line::from(vec![
        Span::styled(place, dim()),
        // While the pack is read the bar's place stays, empty, so that the title does not jump when it comes.
        Span::styled(
            if p.loading {
                " ".repeat(bar_width)
            } else {
                bar(complete, lessons, bar_width)
            },
            ctx.styles.heading[0],
        ),
    ]);
    header_row(ctx, frame, head_col, &title, right);
}

/// A reading time as the library and the header show it: `about 4 min`, rounded up as `check` and `list` do.
pub(crate) fn reading_time(minutes: f64) -> String {
    format!(
        "about {} min",
        crate::app::overview::reading_minutes(minutes).max(1)
    )
}

fn paused(p: &Player, ctx: &Context, commands: &[Binding], frame: &mut Frame, area: Rect) {
    let resume = commands
        .iter()
        .find(|b| b.command == Command::Action(Action::Pause))
        .map_or_else(String::new, |b| b.keys.clone());
    let why = match p.session.paused() {
        Some(Pause::Idle) => format!(
            "Paused by itself after {} without a key: the clock stopped at the last key.",
            crate::text::words::plural(ctx.config.idle_pause_minutes as usize, "minute")
        ),
        _ => "The clock is stopped.".to_string(),
    };
    let text = Text::from(vec![
        Line::styled("Paused", bold()),
        Line::default(),
        Line::styled(why, dim()),
        Line::default(),
        Line::styled(
            format!(
                "{resume} to continue  ·  {} to quit",
                ctx.keymap.label(Action::Quit)
            ),
            dim(),
        ),
    ]);
    let rows = Layout::vertical([
        Constraint::Fill(1),
        Constraint::Length(6),
        Constraint::Fill(1),
    ])
    .areas::<3>(area);
    frame.render_widget(
        Paragraph::new(text)
            .alignment(Alignment::Center)
            .wrap(Wrap { trim: true }),
        column(rows[1], area.width.saturating_sub(4)),
    );
}
