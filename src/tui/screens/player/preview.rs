//! Preview, the author's player: the pack exactly as a learner sees it, against a database in memory (nothing is
//! saved), reloaded on every save. A save that breaks the pack shows its problems over the last good version, which
//! stays playable; the next good save clears them. `a` shows answers and explanations inline, `o` an outline of
//! lessons and bites to jump to; the header says how long the bite and the lesson are.

use std::path::PathBuf;

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph};

use super::Player;
use crate::learn::progress::Progress;
use crate::learn::session::{OpenOptions, Session, Stage};
use crate::pack::{Diagnostic, Exercise, Pack};
use crate::text::sanitize;
use crate::text::words::plural;
use crate::tui::command::{Binding, Command};
use crate::tui::context::Context;
use crate::tui::keymap::Action;
use crate::tui::screens::{bold, dim, truncate};

/// What preview adds to the player.
#[derive(Debug, Default)]
pub(crate) struct Preview {
    /// The pack's folder, watched and reloaded.
    pub(crate) root: PathBuf,
    /// Answers and explanations show inline.
    pub(crate) answers: bool,
    /// The outline is open, with this row selected.
    pub(crate) outline: Option<usize>,
    /// The problems of the last save, when it broke the pack.
    pub(crate) problems: Vec<Diagnostic>,
    pub(crate) problems_scroll: usize,
}

/// The outline's rows: each lesson (its first bite), then each of its bites.
fn outline_rows(pack: &Pack) -> Vec<(usize, usize)> {
    pack.lessons
        .iter()
        .enumerate()
        .flat_map(|(l, lesson)| {
            std::iter::once((l, 0)).chain(lesson.bites.iter().map(move |b| (l, b.number)))
        })
        .collect()
}

/// The commands preview adds, before the player's.
pub(crate) fn commands(p: &Player, ctx: &Context) -> Vec<Binding> {
    let keymap = &ctx.keymap;
    let Some(preview) = &p.preview else {
        return Vec::new();
    };
    if preview.outline.is_some() {
        return vec![
            Binding::pair(keymap, Action::Down, Action::Up, "select"),
            Binding::action(keymap, Action::Up, "select the one above").help_only(),
            Binding::action(keymap, Action::Next, "go there"),
            Binding::action(keymap, Action::Outline, "close"),
            Binding::fixed(Command::Leave, "Esc", "close").help_only(),
        ];
    }
    let mut c = vec![
        Binding::action(
            keymap,
            Action::Answers,
            if preview.answers {
                "hide answers"
            } else {
                "answers"
            },
        )
        .described("show or hide the answers and explanations inline"),
        Binding::action(keymap, Action::Outline, "outline")
            .described("the lessons and bites, to jump to any"),
    ];
    if !preview.problems.is_empty() {
        c.push(
            Binding::pair(keymap, Action::PageDown, Action::PageUp, "problems")
                .described("scroll the problems of the last save"),
        );
    }
    c
}

/// Applies a preview command; `false` when the command is the player's to apply.
pub(crate) fn update(p: &mut Player, command: Command, ctx: &mut Context) -> bool {
    let Some(preview) = &mut p.preview else {
        return false;
    };
    if let Some(selected) = preview.outline {
        let rows = outline_rows(p.session.pack());
        match command {
            Command::Action(Action::Down) => {
                preview.outline = Some((selected + 1).min(rows.len().saturating_sub(1)));
            }
            Command::Action(Action::Up) => preview.outline = Some(selected.saturating_sub(1)),
            Command::Action(Action::Next) => {
                preview.outline = None;
                if let Some(&(lesson, bite)) = rows.get(selected) {
                    let pack = p.session.pack().clone();
                    jump(p, pack, lesson, bite.max(1), ctx);
                }
            }
            _ => preview.outline = None,
        }
        return true;
    }
    match command {
        Command::Action(Action::Answers) => {
            preview.answers = !preview.answers;
            p.ans.reveal_answers = preview.answers;
            true
        }
        Command::Action(Action::Outline) => {
            let here = (p.session.lesson_index(), p.session.bite().number);
            let rows = outline_rows(p.session.pack());
            preview.outline = Some(rows.iter().position(|r| *r == here).unwrap_or(0));
            true
        }
        Command::Action(Action::PageDown) if !preview.problems.is_empty() => {
            // Lines, not problems: a long message wraps over several.
            preview.problems_scroll = (preview.problems_scroll + 1).min(preview.problems.len() * 8);
            true
        }
        Command::Action(Action::PageUp) if !preview.problems.is_empty() => {
            preview.problems_scroll = preview.problems_scroll.saturating_sub(1);
            true
        }
        _ => false,
    }
}

/// Opens `pack` anew at this lesson and bite, nothing saved.
fn jump(p: &mut Player, pack: Pack, lesson: usize, bite: usize, ctx: &mut Context) {
    jump_with(p, pack, lesson, bite, Progress::default(), ctx);
}

/// Opens `pack` anew at this lesson and bite with `progress`, nothing saved.
fn jump_with(
    p: &mut Player,
    pack: Pack,
    lesson: usize,
    bite: usize,
    progress: Progress,
    ctx: &mut Context,
) {
    let options = OpenOptions {
        lesson: pack.lessons.get(lesson).map(|l| l.id.clone()),
        restart: false,
        bite: Some(bite),
    };
    match Session::open(pack, progress, ctx.clock.clone(), &options, &mut ctx.store) {
        Ok(session) => {
            p.session = session;
            p.clear_answer();
            p.view_scroll = 0;
            p.refresh_with(ctx, true);
        }
        Err(e) => ctx.error = Some(e.to_string()),
    }
}

/// After a save: the pack again, on the same lesson and bite (and the same question or card, while the bite still
/// has one of its id), or on the first bite that changed when the change is elsewhere. A pack that no longer loads
/// keeps the last good version playing and lists its problems.
pub(crate) fn reload(p: &mut Player, ctx: &mut Context) {
    let Some(preview) = &mut p.preview else {
        return;
    };
    let report = crate::pack::load(&preview.root);
    let new = match report.into_pack() {
        Ok(pack) => pack,
        Err(report) => {
            preview.problems = report.errors().cloned().collect();
            preview.problems_scroll = 0;
            return;
        }
    };
    preview.problems.clear();
    let old = p.session.pack();
    let here = (p.session.lesson().id.clone(), p.session.bite().number);
    let changed = first_changed(old, &new, &here);
    let shown = match (&changed, p.session.exercise()) {
        (None, Some((exercise, _))) => Some(exercise_id(exercise).to_string()),
        _ => None,
    };
    let (lesson_id, bite) = changed.unwrap_or(here);
    let lesson = new
        .lessons
        .iter()
        .position(|l| l.id == lesson_id)
        .unwrap_or(0);
    let target = shown.and_then(|id| {
        let exercises = &new
            .lessons
            .get(lesson)?
            .bites
            .get(bite.checked_sub(1)?)?
            .exercises;
        exercises.iter().position(|e| exercise_id(e) == id)
    });
    let Some(target) = target else {
        return jump(p, new, lesson, bite, ctx);
    };
    // The exercises before it keep what the author did with them, so that the session passes over them.
    let before: Vec<String> = new.lessons[lesson].bites[bite - 1].exercises[..target]
        .iter()
        .map(|e| exercise_id(e).to_string())
        .collect();
    let old = p.session.progress();
    let mut progress = Progress::default();
    for id in &before {
        if let Some(q) = old.questions.get(id) {
            progress.questions.insert(id.clone(), *q);
        }
        if old.cards_rated.contains(id) {
            progress.cards_rated.insert(id.clone());
        }
    }
    jump_with(p, new, lesson, bite, progress, ctx);
    to_exercise(p, target, ctx);
}

fn exercise_id(exercise: &Exercise) -> &str {
    match exercise {
        Exercise::Question(q) => &q.id,
        Exercise::Card(c) => &c.id,
    }
}

/// From the bite's start on to its exercise `target`, skipping any before it still waiting (nothing is saved).
fn to_exercise(p: &mut Player, target: usize, ctx: &mut Context) {
    let bite = p.session.bite().number;
    for _ in 0..=target + 1 {
        let at = match p.session.stage() {
            Stage::Exercise(state) => Some(state.index),
            _ => None,
        };
        if at.is_some_and(|at| at >= target) || p.session.bite().number != bite {
            break;
        }
        if at.is_some() {
            let skipped = p.session.skip(&mut ctx.store);
            ctx.saved(skipped);
        }
        let advanced = p.session.advance(&mut ctx.store);
        ctx.saved(advanced);
    }
    p.clear_answer();
    p.refresh_with(ctx, true);
}

/// The first bite of `new` that differs from `old`, when the bite at `here` did not change; `None` to stay.
fn first_changed(old: &Pack, new: &Pack, here: &(String, usize)) -> Option<(String, usize)> {
    let bite_of = |pack: &Pack, lesson: &str, n: usize| {
        pack.lessons
            .iter()
            .find(|l| l.id == lesson)
            .and_then(|l| l.bites.iter().find(|b| b.number == n))
            .map(|b| (b.markdown.clone(), b.exercises.clone()))
    };
    if bite_of(old, &here.0, here.1) != bite_of(new, &here.0, here.1) {
        return None;
    }
    new.lessons.iter().find_map(|lesson| {
        lesson.bites.iter().find_map(|b| {
            (bite_of(old, &lesson.id, b.number) != Some((b.markdown.clone(), b.exercises.clone())))
                .then(|| (lesson.id.clone(), b.number))
        })
    })
}

/// The header's right side in preview: the bite's and the lesson's length (the bite's alone when narrow).
pub(crate) fn place(p: &Player, wide: bool) -> String {
    let s = &p.session;
    let lesson = s.lesson();
    let words: usize = lesson.bites.iter().map(|b| b.words).sum();
    if !wide {
        return format!(
            "{}/{} · {}",
            s.bite().number,
            lesson.bites.len(),
            plural(s.bite().words, "word")
        );
    }
    format!(
        "preview {}/{} · {} · lesson {}, {} min ",
        s.bite().number,
        lesson.bites.len(),
        plural(s.bite().words, "word"),
        plural(words, "word"),
        crate::app::overview::reading_minutes(lesson.minutes).max(1)
    )
}

/// Problems of a broken save, over the top of the body; the outline over everything.
pub(crate) fn draw_over(p: &Player, ctx: &Context, frame: &mut Frame, body: Rect) {
    let Some(preview) = &p.preview else {
        return;
    };
    let width = usize::from(body.width.saturating_sub(2));
    if !preview.problems.is_empty() {
        let count = preview.problems.len();
        // Each problem in full, wrapped; PgDn/PgUp scroll them a line at a time.
        let lines: Vec<Line> = preview
            .problems
            .iter()
            .flat_map(|d| {
                crate::tui::screens::plain_text(
                    &d.one_line(std::path::Path::new("")),
                    width as u16,
                    ctx,
                )
            })
            .skip(preview.problems_scroll)
            .collect();
        let height = (lines.len() as u16 + 2).min(body.height / 2).max(3);
        // At the foot of the body, so that the top of the bite stays in view.
        let rect = Rect {
            y: body.y + body.height.saturating_sub(height),
            height,
            ..body
        };
        frame.render_widget(Clear, rect);
        frame.render_widget(
            Paragraph::new(lines).block(
                Block::bordered()
                    .title(format!(
                        " the last save has {count} problem{}; playing the version before ",
                        if count == 1 { "" } else { "s" }
                    ))
                    .border_style(ctx.styles.strong),
            ),
            rect,
        );
    }
    if let Some(selected) = preview.outline {
        let pack = p.session.pack();
        let rows = outline_rows(pack);
        let height = body.height;
        let first = selected.saturating_sub(usize::from(height.saturating_sub(3)));
        let lines: Vec<Line> = rows
            .iter()
            .enumerate()
            .skip(first)
            .map(|(i, &(l, b))| {
                let lesson = &pack.lessons[l];
                let text = if b == 0 {
                    format!("{} {}", l + 1, sanitize(&lesson.title))
                } else {
                    let first_line = lesson.bites[b - 1]
                        .markdown
                        .lines()
                        .find(|x| !x.trim().is_empty())
                        .unwrap_or("")
                        .trim_start_matches('#')
                        .trim()
                        .to_string();
                    format!("   {}.{b} {}", l + 1, sanitize(&first_line))
                };
                let text = truncate(&text, width.saturating_sub(2));
                if i == selected {
                    Line::from(vec![Span::styled("▸ ", bold()), Span::styled(text, bold())])
                } else {
                    Line::from(vec![
                        Span::raw("  "),
                        Span::styled(text, if b == 0 { bold() } else { dim() }),
                    ])
                }
            })
            .collect();
        frame.render_widget(Clear, body);
        frame.render_widget(
            Paragraph::new(lines).block(Block::bordered().title(" outline ").border_style(dim())),
            body,
        );
    }
}
