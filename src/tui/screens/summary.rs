//! The end of a lesson (score against the pass mark, what was missed, retry) and the end of the course.

use ratatui::text::{Line, Span};

use super::player::Player;
use super::{Next, dim};
use crate::progress::LessonStatus;
use crate::render::{self, sanitize};
use crate::session::Stage;
use crate::tui::app::Context;
use crate::tui::command::{Binding, Command};
use crate::tui::keymap::Action;

pub fn commands(p: &Player, ctx: &Context) -> Vec<Binding> {
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

pub fn update(p: &mut Player, command: Command, ctx: &mut Context) -> Next {
    if command == Command::Action(Action::Retry) && matches!(p.session.stage(), Stage::Summary(_)) {
        let result = p.session.retry_missed(&mut ctx.store);
        if let Some(false) = ctx.saved(result) {
            p.notice = Some("nothing to retry: all were right".into());
        }
    }
    Next::Stay
}

pub fn lesson(p: &Player, status: &LessonStatus, ctx: &Context, width: u16) -> Vec<Line<'static>> {
    let session = &p.session;
    let lesson = session.lesson();
    let mut lines = vec![
        Line::styled(
            format!("End of “{}”", sanitize(&lesson.title)),
            ctx.styles.heading[0],
        ),
        Line::default(),
    ];
    let mark = session.pack().course.pass_mark;
    if status.questions > 0 {
        lines.push(Line::raw(format!(
            "Right on the first try: {} of {} ({:.0}%). Pass mark: {:.0}%.",
            status.first_try_right,
            status.questions,
            status.score() * 100.0,
            mark * 100.0
        )));
    }
    lines.push(Line::styled(
        if status.mastered {
            "Mastered.".to_string()
        } else if status.complete {
            "Not mastered yet: retry the missed questions, now or another time.".to_string()
        } else {
            "Not complete yet: some bites or questions were left out.".to_string()
        },
        ctx.styles.strong,
    ));
    if !status.missed.is_empty() {
        lines.push(Line::default());
        lines.push(Line::styled("Missed:", dim()));
        for id in &status.missed {
            let prompt = lesson
                .questions()
                .find(|q| &q.id == id)
                .map_or_else(|| id.clone(), |q| q.prompt.clone());
            for (i, line) in render::inline(&prompt, width.saturating_sub(2), &ctx.styles)
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

pub fn course(p: &Player, ctx: &Context) -> Vec<Line<'static>> {
    let session = &p.session;
    let lessons = session.pack().lessons.len();
    let (complete, mastered) = session.course_standing();
    vec![
        Line::styled(
            format!("{} — done", sanitize(&session.pack().course.title)),
            ctx.styles.heading[0],
        ),
        Line::default(),
        Line::raw(format!(
            "Lessons complete: {complete} of {lessons}. Mastered: {mastered} of {lessons}."
        )),
        Line::default(),
        Line::styled(
            if mastered < lessons {
                "Next time, morsel opens this course at its first lesson not yet mastered."
            } else {
                "Every lesson mastered. Well done."
            },
            dim(),
        ),
    ]
}
