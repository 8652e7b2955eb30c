//! "I have N minutes" in the player: a planned session (`commands::plan::gather`: due reviews, then missed
//! questions, then the bites of the current course that fit), the active time it has used (pauses and idle gaps do
//! not count), a notice at 80% of the box, and at the end what was done against what was planned.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::{Paragraph, Wrap};

use std::path::{Path, PathBuf};

use super::{Next, column, dim, footer, frame_rows, notice_line};
use crate::commands::plan::duration;
use crate::pack::Pack;
use crate::paths::Paths;
use crate::plan::{Plan, Step};
use crate::progress::Progress;
use crate::review::Scheduler;
use crate::reviewing::{ReviewItem, comes_back};
use crate::store::{Store, StoreError};
use crate::tui::app::Context;
use crate::tui::command::{Binding, Command};
use crate::tui::keymap::Action;

/// The choices of the library's `t`: minutes, by the digit that picks them.
pub const CHOICES: [u32; 4] = [5, 10, 15, 25];

/// A time-boxed session under way.
#[derive(Debug, Clone)]
pub struct Timebox {
    pub plan: Plan,
    /// Review and missed-question steps, as (course id, item id), in plan order.
    pub reviews: Vec<(String, String)>,
    /// The course whose bites are planned, and the last planned bite (lesson id, bite number).
    pub last_bite: Option<(String, String, usize)>,
    /// Active time used, in ms.
    pub used_ms: i64,
    /// The last key counted, while the clock runs.
    last_key: Option<i64>,
    /// What was done: reviews answered or rated, bites read.
    pub reviewed: usize,
    pub bites_read: usize,
    /// Where the player was at the last key (lesson index, bite number): a box whose time is up ends at the next
    /// bite rather than in the middle of one.
    pub place: Option<(usize, usize)>,
}

impl Timebox {
    pub fn new(plan: Plan, now: i64) -> Self {
        let reviews = plan
            .items
            .iter()
            .filter_map(|p| match &p.step {
                Step::Review(i) | Step::Missed(i) => Some((i.course.clone(), i.item.clone())),
                Step::Bite(_) => None,
            })
            .collect();
        let last_bite = plan.items.iter().rev().find_map(|p| match &p.step {
            Step::Bite(b) => Some((b.course.clone(), b.lesson.clone(), b.bite)),
            _ => None,
        });
        Self {
            plan,
            reviews,
            last_bite,
            used_ms: 0,
            last_key: Some(now),
            reviewed: 0,
            bites_read: 0,
            place: None,
        }
    }

    /// A key at `now`: the time since the last key counts as active if the clock was running and the gap is
    /// shorter than `idle_ms` (the learner was not away). `running`: whether the clock runs after this key (false
    /// once paused); a stopped clock starts again at the next key that finds it running.
    pub fn key(&mut self, now: i64, running: bool, idle_ms: i64) {
        if let Some(last) = self.last_key {
            let gap = (now - last).max(0);
            if idle_ms <= 0 || gap < idle_ms {
                self.used_ms += gap;
            }
        }
        self.last_key = running.then_some(now);
    }

    pub fn box_ms(&self) -> i64 {
        i64::from(self.plan.box_seconds()) * 1000
    }

    /// At 80% of the box or more.
    pub fn nearly_done(&self) -> bool {
        self.used_ms * 5 >= self.box_ms() * 4
    }

    /// The notice at 80%: how much is used, and that the next stop is the end.
    pub fn note(&self) -> Option<String> {
        self.nearly_done().then(|| {
            format!(
                "{} of {} min used: this is the last of the box",
                self.used_ms / 60_000,
                self.plan.minutes
            )
        })
    }
}

/// A time box planned: the box, and the course whose bites it reads (when it plans any).
pub struct Planned {
    pub timebox: Timebox,
    pub course: Option<PathBuf>,
}

/// Plans a time box of `minutes` at `now` (`commands::plan::gather`: due reviews, then missed questions, then the
/// bites of `course`, or of the course played last, that fit), for every front end. `reviews_only` leaves the
/// bites out. An error says why nothing can be planned.
pub fn plan(
    paths: &Paths,
    store: &Store,
    course: Option<&Path>,
    minutes: u32,
    reviews_only: bool,
    now: i64,
) -> anyhow::Result<Planned> {
    let current = course.and_then(|path| crate::pack::load(path).into_pack().ok());
    let report = crate::commands::plan::gather(paths, Some(store), current, minutes, now)
        .map_err(|e| anyhow::anyhow!("the session could not be planned: {e:#}"))?;
    let mut plan = report.plan;
    if reviews_only {
        plan.items.retain(|p| !matches!(p.step, Step::Bite(_)));
        plan.estimate_seconds = plan.items.iter().map(|p| p.estimate_seconds).sum();
    }
    if plan.items.is_empty() {
        anyhow::bail!("nothing to do fits in {minutes} minutes");
    }
    let timebox = Timebox::new(plan, now);
    let course = report
        .course
        .as_ref()
        .and_then(|(id, _)| {
            crate::overview::find_course(paths, id)
                .ok()
                .or_else(|| course.map(Path::to_path_buf))
        })
        .filter(|_| timebox.last_bite.is_some());
    Ok(Planned { timebox, course })
}

/// The box's reviews as a review queue, in the plan's order (due reviews first, then missed questions).
pub fn planned_reviews(
    paths: &Paths,
    store: &Store,
    reviews: &[(String, String)],
    retention: f32,
    now: i64,
) -> Result<(Scheduler, Vec<ReviewItem>), StoreError> {
    let scheduled: Vec<_> = store
        .scheduled(None, None)?
        .into_iter()
        .filter(|s| reviews.contains(&(s.course_id.clone(), s.item_id.clone())))
        .collect();
    let mut ids: Vec<&str> = scheduled.iter().map(|s| s.course_id.as_str()).collect();
    ids.sort_unstable();
    ids.dedup();
    let packs = crate::overview::packs_of(paths, store, &ids)?;
    let scheduler = store.scheduler(retention)?;
    let mut items = crate::reviewing::queue(scheduled, &packs, &scheduler, now, false, None);
    items.sort_by_key(|i| {
        let id = crate::review::item_of(&i.exercise).0;
        reviews
            .iter()
            .position(|(c, r)| c == &i.course_id && r == id)
            .unwrap_or(usize::MAX)
    });
    Ok((scheduler, items))
}

impl Timebox {
    /// The "N of M min" cue, shown while the box runs.
    pub fn cue(&self) -> String {
        format!("{} of {} min", self.used_ms / 60_000, self.plan.minutes)
    }

    /// Counts the planned bites the learner has seen, from the course's progress.
    pub fn count_bites_read(&mut self, progress: &Progress) {
        self.bites_read = self
            .plan
            .items
            .iter()
            .filter(|i| matches!(&i.step, Step::Bite(b) if progress.bites_seen.contains(&(b.lesson.clone(), b.bite))))
            .count();
    }

    /// Whether a box reading bites is over with the learner at `here` (lesson index, bite number) of `pack`: past
    /// its last planned bite, or its time up and a new bite begun (never in the middle of one).
    pub fn over_at(&mut self, pack: &Pack, here: (usize, usize), course_done: bool) -> bool {
        let Some((_, lesson, bite)) = &self.last_bite else {
            return false;
        };
        let planned = pack.lessons.iter().position(|l| &l.id == lesson);
        let past = course_done || planned.is_some_and(|l| here > (l, *bite));
        let moved = self.place.is_some_and(|before| before != here);
        let time_up = self.used_ms >= self.box_ms() && moved;
        self.place = Some(here);
        past || time_up
    }

    /// The heading of the box's end: `10 minutes: done`.
    pub fn done_heading(&self) -> String {
        format!(
            "{} minute{}: done",
            self.plan.minutes,
            if self.plan.minutes == 1 { "" } else { "s" }
        )
    }

    /// The box's end in words: time used against the box and the plan, and what was done.
    pub fn done_lines(&self) -> [String; 2] {
        [
            format!(
                "Time used: {} of {} min (planned {}).",
                (self.used_ms + 30_000) / 60_000,
                self.plan.minutes,
                duration(self.plan.estimate_seconds)
            ),
            format!(
                "Done: {} review{}, {} bite{} read.",
                self.reviewed,
                if self.reviewed == 1 { "" } else { "s" },
                self.bites_read,
                if self.bites_read == 1 { "" } else { "s" }
            ),
        ]
    }
}

/// When the next review is due, after a box's end.
pub fn next_due_line(next_due: Option<i64>, now: i64) -> String {
    match next_due {
        Some(due) => format!(
            "Next review due {}.",
            comes_back(due, now).trim_start_matches("again ")
        ),
        None => "Nothing is scheduled for review yet.".to_string(),
    }
}

/// The end of a time box: what was done, time used against time planned, what is due next.
pub struct TimeboxDone {
    pub timebox: Timebox,
    pub next_due: Option<i64>,
    pub now: i64,
    pub from_library: bool,
}

impl TimeboxDone {
    pub fn commands(&self, ctx: &Context) -> Vec<Binding> {
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

    pub fn update(&mut self, command: Command) -> Next {
        match command {
            Command::Action(Action::Next) | Command::Leave if self.from_library => Next::Library,
            Command::Action(Action::Next) => Next::Quit,
            _ => Next::Stay,
        }
    }

    pub fn draw(&self, ctx: &Context, commands: &[Binding], frame: &mut Frame, area: Rect) {
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

#[cfg(test)]
mod tests {
    use super::*;

    fn plan(minutes: u32) -> Plan {
        Plan {
            minutes,
            items: Vec::new(),
            estimate_seconds: 0,
        }
    }

    #[test]
    fn paused_and_idle_time_never_count_against_the_box() {
        let mut tb = Timebox::new(plan(10), 0);
        tb.key(30_000, true, 300_000);
        assert_eq!(tb.used_ms, 30_000);
        // The key that pauses ends active time: the gap up to it counts, the pause does not.
        tb.key(60_000, false, 300_000);
        assert_eq!(tb.used_ms, 60_000);
        tb.key(600_000, true, 300_000);
        assert_eq!(tb.used_ms, 60_000);
        tb.key(620_000, true, 300_000);
        assert_eq!(tb.used_ms, 80_000);
        // Idle longer than the idle pause: not counted.
        tb.key(1_000_000, true, 300_000);
        assert_eq!(tb.used_ms, 80_000);
    }

    #[test]
    fn the_note_comes_at_eighty_percent() {
        let mut tb = Timebox::new(plan(10), 0);
        tb.key(7 * 60_000, true, 0);
        assert_eq!(tb.note(), None);
        tb.key(8 * 60_000, true, 0);
        assert_eq!(
            tb.note().as_deref(),
            Some("8 of 10 min used: this is the last of the box")
        );
    }
}
