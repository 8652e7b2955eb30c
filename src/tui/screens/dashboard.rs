//! The dashboard (`S` in the library and the player): study days of the last 26 weeks as a heatmap, active minutes
//! of the last 30 days, the 14-day review forecast, every key result against its target (the course's and the
//! learner's own), and each lesson's first-try accuracy and mastery. Drawn with
//! ratatui's own widgets (Sparkline, BarChart) and shade characters, so it reads the same without colour.

use std::collections::BTreeMap;

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Bar, BarChart, BarGroup, Block, Paragraph, Sparkline};

use super::{Next, column, dim, footer, frame_rows, notice_line, truncate};
use crate::app::stats::{FORECAST_DAYS, Stats};
use crate::learn::streak::{Span as ActiveSpan, active_ms_per_day, local_day};
use crate::text::sanitize;
use crate::text::words::{bar, plural};
use crate::tui::command::{Binding, Command};
use crate::tui::context::Context;
use crate::tui::keymap::Action;

/// Weeks in the heatmap.
const WEEKS: i64 = 26;

/// One lesson's row: course, lesson, first-try right of answered, mastered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct LessonRow {
    pub(crate) course: String,
    pub(crate) lesson: String,
    pub(crate) right: usize,
    pub(crate) answered: usize,
    pub(crate) mastered: bool,
}

/// What the dashboard shows, gathered once as it opens.
#[derive(Debug, Clone, Default)]
pub struct Dashboard {
    /// Active minutes per local day (days since the epoch).
    pub(crate) minutes: BTreeMap<i64, i64>,
    /// Today, as a local day.
    pub(crate) today: i64,
    pub(crate) goal_minutes: u32,
    /// Items due each of the next days, today first.
    pub(crate) forecast: Vec<u64>,
    pub(crate) lessons: Vec<LessonRow>,
    /// Key results against their targets: the line (`Branching fluency: mastery 60% (target 80%)`) and how far
    /// along, 0 to 1.
    pub(crate) key_results: Vec<(String, f64)>,
    pub(crate) scroll: usize,
}

impl Dashboard {
    /// From the active spans and `stats` (played courses and their forecast) at `now`.
    pub(crate) fn new(
        spans: &[ActiveSpan],
        stats: &Stats,
        now: i64,
        zone: &crate::learn::clock::Zone,
        goal_minutes: u32,
    ) -> Self {
        let minutes = active_ms_per_day(spans, now, zone)
            .into_iter()
            .map(|(day, ms)| (day, crate::learn::streak::whole_minutes(ms)))
            .collect();
        let lessons = stats
            .courses
            .iter()
            .flat_map(|c| {
                c.overview.lessons.iter().map(|l| LessonRow {
                    course: c.overview.title.clone(),
                    lesson: l.title.clone(),
                    right: l.status.first_try_right,
                    answered: l.status.answered,
                    mastered: l.status.mastered,
                })
            })
            .collect();
        Self {
            minutes,
            today: local_day(now, zone),
            goal_minutes,
            forecast: stats.review.forecast.iter().map(|&n| n as u64).collect(),
            lessons,
            key_results: Vec::new(),
            scroll: 0,
        }
    }

    pub(crate) fn commands(&self, ctx: &Context) -> Vec<Binding> {
        vec![
            Binding::action(&ctx.keymap, Action::Back, "back"),
            Binding::fixed(Command::Leave, "Esc", "back").help_only(),
            Binding::pair(&ctx.keymap, Action::Down, Action::Up, "scroll")
                .described("scroll the key results and lessons down"),
            Binding::action(&ctx.keymap, Action::Up, "scroll them up").help_only(),
        ]
    }

    /// `Next::Library` stands for "back to where the dashboard was opened from" (the app keeps that screen).
    pub(crate) fn update(&mut self, command: Command, ctx: &Context) -> Next {
        match command {
            Command::Action(Action::Down) => {
                // As far as the list scrolls in the area draw gives it.
                // The body: all but the header (2 rows), the notice and the footer.
                let area = Rect::new(0, 0, ctx.size.0, ctx.size.1.saturating_sub(4));
                let [_, _, list] = areas(column(area, area.width.saturating_sub(4).max(10)));
                let len = self.list(usize::from(list.width), ctx).len();
                let max = usize::from(super::max_scroll(len, list.height));
                self.scroll = (self.scroll + 1).min(max);
                Next::Stay
            }
            Command::Action(Action::Up) => {
                self.scroll = self.scroll.saturating_sub(1);
                Next::Stay
            }
            Command::Action(Action::Back | Action::Dashboard) | Command::Leave => Next::Library,
            _ => Next::Stay,
        }
    }

    /// The heatmap and, when there is room, the forecast as bars.
    fn draw_top(&self, ctx: &Context, frame: &mut Frame, top: Rect, weeks: i64, narrow: bool) {
        let [left, right] = Layout::horizontal([
            Constraint::Length(weeks as u16 + 6),
            Constraint::Min(if narrow { 0 } else { 20 }),
        ])
        .areas(top);
        let names = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
        let mut heat: Vec<Line> = vec![Line::styled(format!("Study days, {weeks} weeks"), dim())];
        for (name, row) in names.iter().zip(self.heatmap(weeks)) {
            heat.push(Line::from(vec![
                Span::styled(format!("{name} "), dim()),
                Span::styled(row, ctx.styles.strong),
            ]));
        }
        frame.render_widget(Paragraph::new(heat), left);
        if right.width >= 20 {
            let bars: Vec<Bar> = self
                .forecast
                .iter()
                .take(FORECAST_DAYS)
                .enumerate()
                .map(|(i, &n)| {
                    Bar::default().value(n).label(Line::raw(match i {
                        0 => "t",
                        7 => "7",
                        _ => " ",
                    }))
                })
                .collect();
            frame.render_widget(
                BarChart::default()
                    .block(Block::default().title(Line::styled("Due, next 14 days", dim())))
                    .data(BarGroup::default().bars(&bars))
                    .bar_width(1)
                    .bar_gap(1),
                right,
            );
        }
    }

    /// The heatmap as text (`streak::heatmap`).
    pub(crate) fn heatmap(&self, weeks: i64) -> Vec<String> {
        crate::learn::streak::heatmap(&self.minutes, self.today, weeks, self.goal_minutes)
    }

    pub(crate) fn draw(&self, ctx: &Context, commands: &[Binding], frame: &mut Frame, area: Rect) {
        let [head, body, notice, foot] = frame_rows(area);
        let width = area.width.saturating_sub(4).max(10);
        let col = column(body, width);
        frame.render_widget(
            Paragraph::new(Line::styled("Your learning", ctx.styles.heading[0])),
            column(head, width),
        );
        let (narrow, short) = (col.width < 60, col.height < 16);
        let weeks = if narrow { 13 } else { WEEKS };
        let [top, middle, bottom] = areas(col);
        let last_30: Vec<u64> = (self.today - 29..=self.today)
            .map(|d| self.minutes.get(&d).copied().unwrap_or(0).max(0) as u64)
            .collect();
        let total: u64 = last_30.iter().sum();
        if short {
            let days = last_30.iter().filter(|&&m| m > 0).count();
            let due: u64 = self.forecast.iter().take(7).sum();
            frame.render_widget(
                Paragraph::new(vec![
                    Line::raw(format!(
                        "{total} min on {} of the last 30",
                        plural(days, "day")
                    )),
                    Line::raw(format!(
                        "{} due today, {due} this week",
                        self.forecast.first().copied().unwrap_or(0)
                    )),
                ]),
                top,
            );
        } else {
            self.draw_top(ctx, frame, top, weeks, narrow);
        }
        if middle.height > 0 {
            frame.render_widget(
                Sparkline::default()
                    .block(Block::default().title(Line::styled(
                        format!("Active minutes, last 30 days: {total}"),
                        dim(),
                    )))
                    .data(&last_30),
                middle,
            );
        }
        // Key results, then the lessons: one list that scrolls.
        let lines = self.list(usize::from(bottom.width), ctx);
        let scroll = self
            .scroll
            .min(usize::from(super::max_scroll(lines.len(), bottom.height)));
        let below = lines.len() > scroll + usize::from(bottom.height);
        frame.render_widget(Paragraph::new(lines).scroll((scroll as u16, 0)), bottom);
        let cue = below.then_some("↓ more below");
        frame.render_widget(Paragraph::new(notice_line(ctx, cue)), column(notice, width));
        frame.render_widget(Paragraph::new(footer(commands, width)), column(foot, width));
    }

    /// Every key result as `stats` draws it (a bar of ten cells against its target, then its line), then each
    /// lesson's first-try accuracy and whether it is mastered; cut to `width`.
    fn list(&self, width: usize, ctx: &Context) -> Vec<Line<'static>> {
        let mut lines = Vec::new();
        if !self.key_results.is_empty() {
            lines.push(Line::styled("Key results against their targets", dim()));
            for (line, ratio) in &self.key_results {
                let done = (ratio.clamp(0.0, 1.0) * 1000.0).round() as usize;
                // Wrapped under its text when narrow: the figures are the point.
                let text = super::plain_text(line, width.saturating_sub(11) as u16, ctx);
                for (i, row) in text.into_iter().enumerate() {
                    let lead = if i == 0 {
                        format!("{} ", bar(done, 1000, 10))
                    } else {
                        " ".repeat(11)
                    };
                    let mut spans = vec![Span::raw(lead)];
                    spans.extend(row.spans);
                    lines.push(Line::from(spans));
                }
            }
            lines.push(Line::default());
        }
        lines.push(Line::styled("Lessons: first try, ✓ mastered", dim()));
        for row in &self.lessons {
            let accuracy = if row.answered == 0 {
                "  —".to_string()
            } else {
                format!(
                    "{:3}%",
                    crate::app::summary::percent(row.right, row.answered)
                )
            };
            let mark = if row.mastered { "✓" } else { " " };
            let name = format!("{} › {}", sanitize(&row.course), sanitize(&row.lesson));
            let name = truncate(&name, width.saturating_sub(7));
            lines.push(Line::raw(format!("{accuracy} {mark} {name}")));
        }
        lines
    }
}

/// The figures, the sparkline and the list of a dashboard body: a short screen keeps the figures in one line and
/// gives the rest to the list; a narrow one leaves the sparkline out.
fn areas(col: Rect) -> [Rect; 3] {
    let (narrow, short) = (col.width < 60, col.height < 16);
    Layout::vertical([
        Constraint::Length(if short { 2 } else { 9 }),
        Constraint::Length(if narrow || short { 0 } else { 4 }),
        Constraint::Min(1),
    ])
    .areas(col)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_heatmap_puts_each_day_on_its_weekday_and_shades_by_the_goal() {
        // 2026-11-23 is a Monday: days since the epoch.
        let monday = 20_780;
        let mut d = Dashboard {
            today: monday,
            goal_minutes: 10,
            ..Default::default()
        };
        d.minutes.insert(monday, 12);
        d.minutes.insert(monday - 1, 6);
        d.minutes.insert(monday - 2, 1);
        let rows = d.heatmap(2);
        assert!(rows[0].ends_with('█'), "Monday, goal met: {rows:?}");
        assert!(rows[6].ends_with('▒'), "Sunday, half the goal: {rows:?}");
        assert!(rows[5].ends_with('░'), "Saturday, some time: {rows:?}");
        assert!(rows[1].ends_with('·'), "last Tuesday, nothing: {rows:?}");
    }
}
