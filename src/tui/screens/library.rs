//! The library: the courses on the course path with their progress, the most recently played first; a filter; a
//! broken pack listed with its first problem; a problem reading progress shown, not hidden.

use ratatui::Frame;
use std::collections::HashMap;

use ratatui::layout::{Alignment, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::{Next, column, dim, footer, frame_rows, notice_line, timebox};
use crate::text::words::{bar, minutes};
use std::path::PathBuf;

use crate::app::overview::{self, CourseOverview, Loaded};
use crate::pack::{LoadReport, glance};
use crate::store::status::DailyStatus;
use crate::text::sanitize;
use crate::tui::command::{Binding, Command, Input};
use crate::tui::context::Context;
use crate::tui::context::Event;
use crate::tui::keymap::Action;

#[derive(Default)]
pub struct Library {
    pub(crate) courses: Vec<CourseOverview>,
    /// Index into `visible()`.
    pub(crate) selected: usize,
    pub(crate) filter: String,
    /// The filter is being typed.
    pub(crate) filtering: bool,
    /// Progress could not be read: the courses are listed without it, and this says why.
    pub(crate) error: Option<String>,
    /// Today's minutes against the goal, the streak, and the items due of every course.
    pub(crate) today: DailyStatus,
    /// Items due per course id.
    pub(crate) due: HashMap<String, usize>,
    /// After `t`: the minutes of a time box are being chosen.
    pub(crate) choosing_minutes: bool,
    /// Per course: the index of an earlier course with the same id (their progress is shared), if any.
    pub(crate) duplicate_of: Vec<Option<usize>>,
}

impl Library {
    /// The courses on the course path, the most recently played first, then in the course path's order.
    ///
    /// A large pack is counted from its lesson index while that still holds (`pack::glance::summary`). When it no
    /// longer does (a lesson was edited) and there is a worker channel (`Context::events`), the pack is listed from
    /// its `course.toml` alone and read on a worker thread; [`Library::loaded`] counts it when it arrives.
    pub(crate) fn load(ctx: &Context) -> Self {
        let now = ctx.clock.now_ms();
        let packs: Vec<(PathBuf, Loaded)> = ctx
            .paths
            .packs()
            .into_iter()
            .map(|path| {
                // A large pack from its lesson index while that holds; read on a worker when it no longer does.
                let stale = match glance::summary(&ctx.paths.cache_dir, &path) {
                    glance::Summary::Holds(course, lessons) => {
                        return (path, Loaded::Indexed(course, lessons));
                    }
                    glance::Summary::Stale => ctx.events.is_some(),
                    glance::Summary::NoIndex => false,
                };
                let loaded = match stale.then(|| glance::course(&path)).flatten() {
                    Some(course) => Loaded::Pending(Box::new(course)),
                    None => overview::load_and_index(&ctx.paths, &path),
                };
                (path, loaded)
            })
            .collect();
        let pending: Vec<PathBuf> = packs
            .iter()
            .filter(|(_, loaded)| matches!(loaded, Loaded::Pending(_)))
            .map(|(path, _)| path.clone())
            .collect();
        if let (Some(events), false) = (ctx.events.clone(), pending.is_empty()) {
            std::thread::spawn(move || {
                for root in pending {
                    let report = crate::pack::load(&root);
                    if events.send(Event::PackLoaded(Box::new(report))).is_err() {
                        break;
                    }
                }
            });
        }
        let overviews = |store: Option<&crate::store::Store>| {
            packs
                .iter()
                .map(|(path, loaded)| overview::overview(loaded, path, store, now))
                .collect::<Result<Vec<_>, _>>()
        };
        let (mut courses, error) = match overviews(Some(&ctx.store)) {
            Ok(courses) => (courses, None),
            Err(e) => (
                overviews(None).unwrap_or_default(),
                Some(format!("progress could not be read: {e}")),
            ),
        };
        courses.sort_by_key(|c| {
            std::cmp::Reverse(c.played.as_ref().map_or(i64::MIN, |p| p.last_played_at))
        });
        let today = ctx
            .store
            .daily_status(now, &ctx.clock.zone(), ctx.config.daily_minutes)
            .unwrap_or_default();
        let due = ctx
            .store
            .due_per_course(now)
            .map(|d| d.into_iter().collect())
            .unwrap_or_default();
        let duplicate_of = overview::duplicate_ids(&courses);
        Self {
            duplicate_of,
            courses,
            selected: 0,
            filter: String::new(),
            filtering: false,
            error,
            today,
            due,
            choosing_minutes: false,
        }
    }

    /// A large pack read in full in the background: its course counted in place. False when it is not one of the
    /// courses listed.
    pub(crate) fn loaded(&mut self, report: LoadReport, ctx: &Context) -> bool {
        let root = report.root.clone();
        let Some(course) = self
            .courses
            .iter_mut()
            .find(|c| c.pending && c.path == root)
        else {
            return false;
        };
        let now = ctx.clock.now_ms();
        match overview::overview(&Loaded::from_report(report), &root, Some(&ctx.store), now) {
            Ok(overview) => *course = overview,
            Err(e) => {
                course.pending = false;
                self.error = Some(format!("progress could not be read: {e}"));
            }
        }
        self.duplicate_of = overview::duplicate_ids(&self.courses);
        true
    }

    /// Whether the first row is "Review N due": something is due and no filter narrows the list.
    pub(crate) fn review_row(&self) -> bool {
        self.today.due > 0 && self.filter.is_empty() && !self.filtering
    }

    /// The course at row `selected`, if that row is a course.
    fn selected_course(&self) -> Option<&CourseOverview> {
        let skip = usize::from(self.review_row());
        let index = self.selected.checked_sub(skip)?;
        self.visible().get(index).copied()
    }

    fn rows(&self) -> usize {
        self.visible().len() + usize::from(self.review_row())
    }

    /// The courses matching the filter (title or id, ignoring case).
    pub(crate) fn visible(&self) -> Vec<&CourseOverview> {
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

    pub(crate) fn input(&self) -> Input {
        if self.choosing_minutes {
            Input::Choices
        } else if self.filtering {
            Input::Field
        } else {
            Input::Keys
        }
    }

    pub(crate) fn commands(&self, ctx: &Context) -> Vec<Binding> {
        let keymap = &ctx.keymap;
        if self.choosing_minutes {
            // The notice row lists the choices; the footer names the keys.
            return vec![
                Binding::fixed(Command::Pick(1), "1-4", "how long").described(
                    "a time box of 5, 10, 15 or 25 minutes: due reviews first, then bites that fit",
                ),
                Binding::fixed(Command::Leave, "Esc", "cancel"),
            ];
        }
        if self.filtering {
            return vec![
                Binding::fixed(Command::Type(' '), "type", "filter by title or id").help_only(),
                Binding::fixed(Command::Erase, "Backspace", "erase").help_only(),
                Binding::fixed(Command::Submit, "Enter", "done"),
                Binding::fixed(Command::Leave, "Esc", "clear"),
                Binding::pair(keymap, Action::Down, Action::Up, "select"),
                Binding::action(keymap, Action::Up, "select the one above").help_only(),
            ];
        }
        let mut commands = vec![
            Binding::pair(keymap, Action::Down, Action::Up, "select"),
            Binding::action(keymap, Action::Up, "select the one above").help_only(),
            Binding::action(keymap, Action::PageDown, "ten down").help_only(),
            Binding::action(keymap, Action::PageUp, "ten up").help_only(),
        ];
        if self.review_row() && self.selected == 0 {
            commands.push(
                Binding::action(keymap, Action::Next, "review")
                    .preferring(keymap, "Enter")
                    .described("review what is due, the weakest first"),
            );
        } else if !self.visible().is_empty() {
            commands.push(
                Binding::action(keymap, Action::Next, "open")
                    .preferring(keymap, "Enter")
                    .described("open the selected course where you left it"),
            );
        }
        commands.push(
            Binding::action(keymap, Action::Filter, "filter").described("filter by title or id"),
        );
        if !self.visible().is_empty() || self.review_row() {
            commands.push(
                Binding::fixed(Command::TimeBox, "t", "time box")
                    .described("I have N minutes: a session of the selected course that fits")
                    .minor(),
            );
        }
        if !self.filter.is_empty() {
            commands.push(Binding::fixed(Command::Leave, "Esc", "clear the filter"));
        }
        commands
    }

    pub(crate) fn update(&mut self, command: Command) -> Next {
        let last = self.rows().saturating_sub(1);
        if self.choosing_minutes {
            self.choosing_minutes = false;
            if let Command::Pick(n) = command
                && let Some(&minutes) = timebox::CHOICES.get(n.wrapping_sub(1))
            {
                let course = self.selected_course().map(|c| c.path.clone());
                return Next::TimeBox { minutes, course };
            }
            return Next::Stay;
        }
        match command {
            Command::TimeBox => self.choosing_minutes = true,
            Command::Type(c) => {
                self.filter.push(c);
                self.selected = 0;
            }
            Command::Erase => {
                self.filter.pop();
                self.selected = 0;
            }
            Command::Submit => self.filtering = false,
            Command::Leave => {
                self.filtering = false;
                self.filter.clear();
                self.selected = 0;
            }
            Command::Action(action) => {
                self.filtering = false;
                match action {
                    Action::Filter => self.filtering = true,
                    Action::Down => self.selected = (self.selected + 1).min(last),
                    Action::Up => self.selected = self.selected.saturating_sub(1),
                    Action::PageDown => self.selected = (self.selected + 10).min(last),
                    Action::PageUp => self.selected = self.selected.saturating_sub(10),
                    Action::Next if self.review_row() && self.selected == 0 => {
                        return Next::Review;
                    }
                    Action::Next => {
                        if let Some(course) = self.selected_course() {
                            return Next::Open(course.path.clone());
                        }
                    }
                    _ => {}
                }
            }
            _ => {}
        }
        Next::Stay
    }

    pub(crate) fn draw(&self, ctx: &Context, commands: &[Binding], frame: &mut Frame, area: Rect) {
        let [head, body, notice, foot] = frame_rows(area);
        let col = column(area, 100.min(area.width.saturating_sub(2)));
        self.draw_head(ctx, frame, column(head, col.width));
        let lines = self.lines(ctx, col.width);
        // Keep the selection on screen: two lines a course.
        let first = (self.selected * 2 + 2).saturating_sub(body.height as usize);
        let shown: Vec<Line> = lines.into_iter().skip(first).collect();
        frame.render_widget(Paragraph::new(shown), column(body, col.width));
        let choosing = self.choosing_minutes.then(|| time_box_choices(col.width));
        frame.render_widget(
            Paragraph::new(notice_line(
                ctx,
                choosing.as_deref().or(self.error.as_deref()),
            )),
            column(notice, col.width),
        );
        frame.render_widget(
            Paragraph::new(footer(commands, col.width)),
            column(foot, col.width),
        );
    }

    /// The head row: the title (or the filter being typed) on the left, today's standing on the right.
    fn draw_head(&self, ctx: &Context, frame: &mut Frame, head: Rect) {
        let heading = ctx.styles.heading[0];
        let width = head.width;
        let title = if self.filtering || !self.filter.is_empty() {
            Line::from(vec![
                Span::styled("morsel  ", heading),
                Span::styled("filter: ", dim()),
                Span::raw(sanitize(&self.filter).into_owned()),
                Span::styled(if self.filtering { "▏" } else { "" }, dim()),
            ])
        } else {
            Line::from(vec![
                Span::styled("morsel  ", heading),
                Span::styled(if width >= 60 { "your courses" } else { "" }, dim()),
            ])
        };
        let head_row = Rect { height: 1, ..head };
        frame.render_widget(Paragraph::new(title), head_row);
        let label = if self.filtering || !self.filter.is_empty() || width >= 60 {
            24
        } else {
            9
        };
        let standing = today_line(&self.today, width.saturating_sub(label));
        frame.render_widget(
            Paragraph::new(Line::styled(standing, dim())).alignment(Alignment::Right),
            head_row,
        );
    }

    /// The body, two lines a row: what to do when nothing is listed, the review row, then each course.
    fn lines(&self, ctx: &Context, width: u16) -> Vec<Line<'static>> {
        let heading = ctx.styles.heading[0];
        let visible = self.visible();
        let mut lines: Vec<Line> = Vec::new();
        if visible.is_empty() {
            lines.extend(self.nothing_listed(ctx));
        }
        let skip = usize::from(self.review_row());
        if self.review_row() {
            let selected = self.selected == 0;
            lines.push(Line::from(vec![
                Span::styled(if selected { "▸ " } else { "  " }, heading),
                Span::styled(
                    format!("Review {} due", self.today.due),
                    if selected { heading } else { Style::new() },
                ),
            ]));
            lines.push(Line::styled(
                if width >= 64 {
                    "    cards and questions of every course, the weakest first"
                } else {
                    "    the weakest first"
                },
                dim(),
            ));
        }
        for (i, c) in visible.iter().enumerate() {
            let i = i + skip;
            lines.push(Line::from(vec![
                Span::styled(if i == self.selected { "▸ " } else { "  " }, heading),
                Span::styled(
                    sanitize(&c.title).into_owned(),
                    if i == self.selected {
                        heading
                    } else {
                        Style::new()
                    },
                ),
            ]));
            lines.push(self.course_detail(ctx, c, width));
        }
        lines
    }

    /// Why no course is listed, and what to do: where courses were looked for, or that the filter hides them all.
    fn nothing_listed(&self, ctx: &Context) -> [Line<'static>; 2] {
        if self.filter.is_empty() {
            let looked: Vec<String> = ctx
                .paths
                .courses
                .iter()
                .map(|p| sanitize(&p.display().to_string()).into_owned())
                .collect();
            [
                Line::raw(format!("No courses found in {}.", looked.join(", "))),
                Line::styled(
                    "Add a pack there, or start morsel with --courses DIR.",
                    dim(),
                ),
            ]
        } else {
            [
                Line::raw("No course matches the filter."),
                Line::styled("Esc clears it.", dim()),
            ]
        }
    }

    /// A course's second line: its progress, or a warning that it shares its id (and so its progress) with a pack
    /// listed before it.
    fn course_detail(&self, ctx: &Context, c: &CourseOverview, width: u16) -> Line<'static> {
        let twin = self
            .courses
            .iter()
            .position(|x| std::ptr::eq(x, c))
            .and_then(|i| self.duplicate_of.get(i).copied().flatten())
            .and_then(|j| self.courses.get(j));
        match twin {
            Some(first) => Line::styled(
                format!(
                    "    ! same id as another pack, so they share progress: {}",
                    sanitize(&first.path.display().to_string())
                ),
                ctx.styles.strong,
            ),
            None => detail(ctx, c, self.due.get(&c.id).copied().unwrap_or(0), width),
        }
    }
}

/// The time box's choices of minutes, each after its key; the minutes alone when the full line does not fit.
fn time_box_choices(width: u16) -> String {
    let choices: Vec<String> = timebox::CHOICES
        .iter()
        .enumerate()
        .map(|(i, m)| format!("{} {m} min", i + 1))
        .collect();
    let full = format!("Time box: {}", choices.join(" · "));
    if crate::text::width(&full) <= usize::from(width) {
        full
    } else {
        // Narrow: the minutes alone, after their keys.
        let short: Vec<String> = timebox::CHOICES
            .iter()
            .enumerate()
            .map(|(i, m)| format!("{} {m}", i + 1))
            .collect();
        format!("Minutes: {}", short.join(" · "))
    }
}

/// Today against the goal, what is due and the streak, as much as fits in `width`: `4/10 min today · 12 due ·
/// streak 5`.
pub(crate) fn today_line(today: &DailyStatus, width: u16) -> String {
    let day = &today.day;
    let minutes = if day.goal_minutes > 0 {
        format!("{}/{} min today", day.today_minutes, day.goal_minutes)
    } else {
        format!("{} min today", day.today_minutes)
    };
    let streak = (day.streak > 0).then(|| format!("streak {}", day.streak));
    let due = (today.due > 0).then(|| format!("{} due", today.due));
    let all: Vec<&str> = [Some(minutes.as_str()), due.as_deref(), streak.as_deref()]
        .into_iter()
        .flatten()
        .collect();
    (0..all.len())
        .rev()
        .map(|drop| all[..=drop].join(" · "))
        .find(|line| crate::text::width(line.as_str()) <= usize::from(width))
        .unwrap_or_default()
}

/// The line under a course's title: its progress bar and figures, or its first problem.
fn detail(ctx: &Context, c: &CourseOverview, due: usize, width: u16) -> Line<'static> {
    if let Some(error) = &c.error {
        return Line::styled(format!("    ! {}", sanitize(error)), ctx.styles.strong);
    }
    if c.pending {
        return Line::styled("    counting lessons…", dim());
    }
    let total = c.lessons.len();
    let last = c.played.as_ref().map_or_else(
        || "not started".to_string(),
        |p| format!("last {}", p.last_played_local),
    );
    let to_read =
        crate::app::overview::reading_minutes(c.lessons.iter().map(|l| l.minutes).sum()).max(1);
    let reading = format!("{to_read} min to read");
    let complete = format!("{}/{total} complete", c.complete());
    let mastered = format!("{} mastered", c.mastered());
    let studied = format!("{} min studied", minutes(c.active.total));
    let due = format!("{due} due");
    // As much as fits beside the bar, the least needed dropped first.
    let room = usize::from(width).saturating_sub(4 + 10 + 2);
    fn with_due<'a>(mut parts: Vec<&'a String>, due: &'a String) -> Vec<&'a String> {
        if due != "0 due" {
            parts.insert(1, due);
        }
        parts
    }
    let detail = [
        with_due(vec![&complete, &mastered, &reading, &studied, &last], &due),
        with_due(vec![&complete, &mastered, &reading, &last], &due),
        with_due(vec![&complete, &reading, &last], &due),
        with_due(vec![&complete, &reading], &due),
        vec![&complete, &reading],
    ]
    .into_iter()
    .map(|parts| {
        parts
            .into_iter()
            .map(String::as_str)
            .collect::<Vec<_>>()
            .join(" · ")
    })
    .find(|d| crate::text::width(d.as_str()) <= room)
    .unwrap_or_else(|| {
        if due == "0 due" {
            format!("{}/{total} · {to_read} min", c.complete())
        } else {
            format!("{}/{total} · {due}", c.complete())
        }
    });
    let detail = format!("  {detail}");
    Line::from(vec![
        Span::raw("    "),
        Span::styled(bar(c.complete(), total, 10), ctx.styles.heading[0]),
        Span::styled(detail, dim()),
    ])
}
