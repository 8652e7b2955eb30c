//! The end of a lesson (score against the pass mark, what was missed, retry) and the end of the course.

use ratatui::text::{Line, Span};

use super::Player;
use crate::app::summary::{CourseSummary, LessonSummary};
use crate::learn::progress::LessonStatus;
use crate::learn::session::Stage;
use crate::render;
use crate::tui::command::{Binding, Command};
use crate::tui::context::Context;
use crate::tui::keymap::Action;
use crate::tui::screens::{Next, dim};

pub(crate) fn commands(p: &Player, ctx: &Context) -> Vec<Binding> {
    let keymap = &ctx.keymap;
    let mut c = Vec::new();
    match p.session.stage() {
        Stage::Summary(status) => {
            if !status.missed.is_empty() {
                c.push(Binding::action(keymap, Action::Retry, "retry missed"));
            }
            let last = p.session.lesson_index() + 1 == p.session.pack().lessons.len();
            c.push(Binding::action(
                keymap,
                Action::Next,
                if last { "finish" } else { "next lesson" },
            ));
            c.push(Binding::action(keymap, Action::Back, "back to the text").help_only());
        }
        Stage::CourseDone => {
            c.push(Binding::action(
                keymap,
                Action::Next,
                if p.from_library { "library" } else { "quit" },
            ));
        }
        _ => {}
    }
    c
}

pub(crate) fn update(p: &mut Player, command: Command, ctx: &mut Context) -> Next {
    if command == Command::Action(Action::Retry) && matches!(p.session.stage(), Stage::Summary(_)) {
        let result = p.session.retry_missed(&mut ctx.store);
        if let Some(false) = ctx.saved(result) {
            p.ans.notice = Some("nothing to retry: all were right".into());
        }
    }
    Next::Stay
}

/// The lesson's summary, in the words `--plain` uses (`crate::app::summary`), with the missed questions rendered.
pub(crate) fn lesson(
    p: &Player,
    status: &LessonStatus,
    ctx: &Context,
    width: u16,
) -> Vec<Line<'static>> {
    let session = &p.session;
    let summary = LessonSummary::new(session.lesson(), status, session.pack().course.pass_mark);
    let mut lines = vec![
        Line::styled(summary.heading(), ctx.styles.heading[0]),
        Line::default(),
    ];
    key_results(p, &mut lines);
    lines.extend(summary.score_line().map(Line::raw));
    lines.extend(summary.known_line().map(Line::raw));
    lines.extend(summary.retry_line().map(Line::raw));
    lines.extend(summary.cards_line().map(Line::raw));
    lines.push(Line::styled(summary.standing_line(), ctx.styles.strong));
    if let Some(heading) = summary.missed_heading() {
        lines.push(Line::default());
        lines.push(Line::styled(heading, dim()));
        for missed in &summary.missed {
            for (i, line) in render::inline(&missed.prompt, width.saturating_sub(2), &ctx.styles)
                .into_iter()
                .enumerate()
            {
                let mut spans = vec![Span::raw(if i == 0 { "• " } else { "  " })];
                spans.extend(line.spans);
                lines.push(Line::from(spans));
            }
        }
    }
    lines
}

/// The course's end, in the words `--plain` uses.
pub(crate) fn course(p: &Player, ctx: &Context) -> Vec<Line<'static>> {
    let session = &p.session;
    let summary = CourseSummary::new(session.pack(), session.course_standing());
    let mut lines = Vec::new();
    for (i, line) in summary.lines().into_iter().enumerate() {
        lines.push(match i {
            0 => Line::styled(line, ctx.styles.heading[0]),
            2 => Line::styled(line, dim()),
            _ => Line::raw(line),
        });
        lines.push(Line::default());
    }
    key_results(p, &mut lines);
    lines
}

/// The key results this lesson moved (or, at the course's end, every one), as `--plain` prints them.
fn key_results(p: &Player, lines: &mut Vec<Line<'static>>) {
    let shown = p.key_result_lines();
    if shown.is_empty() {
        return;
    }
    for (i, line) in shown.iter().enumerate() {
        lines.push(if i == 0 {
            Line::styled(line.clone(), dim())
        } else {
            Line::raw(format!("  {line}"))
        });
    }
    lines.push(Line::default());
}
