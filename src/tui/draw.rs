//! Drawing: `draw(&App, &mut Frame)` turns the app's state into a screen and changes nothing. Every string that
//! comes from a pack goes through `render::sanitize` (or `render::inline`/`markdown`, which sanitise).

use ratatui::Frame;
use ratatui::layout::{Alignment, Constraint, Layout, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span, Text};
use ratatui::widgets::{Clear, Paragraph, Wrap};

use super::app::{App, Broken, Library, MIN_SIZE, Player, Screen};
use super::keymap::{Action, display};
use crate::commands::{list::bar, minutes};
use crate::pack::{Exercise, QuestionKind};
use crate::render::{self, sanitize};
use crate::session::{ExerciseState, Stage};

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
    match &app.screen {
        Screen::Library(lib) => library(app, lib, frame, area),
        Screen::Broken(broken) => broken_pack(app, broken, frame, area),
        Screen::Player(p) if p.session.is_paused() => paused(app, frame, area),
        Screen::Player(p) => player(app, p, frame, area),
    }
    if app.help {
        help(app, frame, area);
    }
}

fn dim() -> Style {
    Style::new().add_modifier(Modifier::DIM)
}

fn bold() -> Style {
    Style::new().add_modifier(Modifier::BOLD)
}

/// A centred column `width` wide inside `area`.
fn column(area: Rect, width: u16) -> Rect {
    let width = width.min(area.width);
    Rect {
        x: area.x + (area.width - width) / 2,
        width,
        ..area
    }
}

/// Header, body and footer rows of a screen.
fn frame_rows(area: Rect) -> [Rect; 4] {
    Layout::vertical([
        Constraint::Length(2),
        Constraint::Min(1),
        Constraint::Length(1),
        Constraint::Length(1),
    ])
    .areas(area)
}

/// The keys that apply now, fitted to `width`: in full; else without pause and quit (help lists them); else keys
/// alone.
fn footer(keys: &[(String, &str)], width: u16) -> Line<'static> {
    let render = |keys: &[&(String, &str)], words: bool| {
        let mut spans = Vec::new();
        for (i, (key, what)) in keys.iter().enumerate() {
            if i > 0 {
                spans.push(Span::styled(if words { "  " } else { " " }, dim()));
            }
            spans.push(Span::styled(key.clone(), bold()));
            if words {
                spans.push(Span::styled(format!(" {what}"), dim()));
            }
        }
        Line::from(spans)
    };
    let all: Vec<&(String, &str)> = keys.iter().collect();
    let full = render(&all, true);
    if full.width() <= width as usize {
        return full;
    }
    let essential: Vec<&(String, &str)> = keys
        .iter()
        .filter(|(_, what)| !matches!(*what, "pause" | "quit"))
        .collect();
    let fewer = render(&essential, true);
    if fewer.width() <= width as usize {
        return fewer;
    }
    render(&all, false)
}

fn notice_line(app: &App, notice: Option<&str>) -> Line<'static> {
    match (&app.error, notice) {
        (Some(error), _) => Line::styled(
            sanitize(error).into_owned(),
            bold().add_modifier(Modifier::REVERSED),
        ),
        (None, Some(notice)) => Line::styled(sanitize(notice).into_owned(), app.styles.strong),
        (None, None) => Line::default(),
    }
}

fn key(app: &App, action: Action) -> String {
    app.keymap.label(action)
}

fn library(app: &App, lib: &Library, frame: &mut Frame, area: Rect) {
    let [head, body, notice, foot] = frame_rows(area);
    let col = column(area, 100.min(area.width.saturating_sub(2)));
    let title = if lib.filtering || !lib.filter.is_empty() {
        Line::from(vec![
            Span::styled("morsel  ", app.styles.heading[0]),
            Span::styled("filter: ", dim()),
            Span::raw(sanitize(&lib.filter).into_owned()),
            Span::styled(if lib.filtering { "▏" } else { "" }, dim()),
        ])
    } else {
        Line::from(vec![
            Span::styled("morsel  ", app.styles.heading[0]),
            Span::styled("your courses", dim()),
        ])
    };
    frame.render_widget(
        Paragraph::new(title),
        Rect {
            height: 1,
            ..column(head, col.width)
        },
    );

    let visible = lib.visible();
    let mut lines: Vec<Line> = Vec::new();
    if visible.is_empty() {
        let looked: Vec<String> = app
            .paths
            .courses
            .iter()
            .map(|p| p.display().to_string())
            .collect();
        lines.push(Line::raw(if lib.filter.is_empty() {
            format!("No courses found in {}.", looked.join(", "))
        } else {
            "No course matches the filter.".to_string()
        }));
        lines.push(Line::styled(
            "Add a pack there, or start morsel with --courses DIR.",
            dim(),
        ));
    }
    let bar_width = 10;
    for (i, c) in visible.iter().enumerate() {
        let selected = i == lib.selected;
        let marker = if selected { "▸ " } else { "  " };
        let title_style = if selected {
            app.styles.heading[0]
        } else {
            Style::new()
        };
        let mut spans = vec![
            Span::styled(marker, app.styles.heading[0]),
            Span::styled(sanitize(&c.title).into_owned(), title_style),
        ];
        lines.push(Line::from(std::mem::take(&mut spans)));
        let detail = match &c.error {
            Some(error) => Line::styled(format!("    ! {}", sanitize(error)), app.styles.strong),
            None => {
                let total = c.lessons.len();
                let last = c.played.as_ref().map_or_else(
                    || "not started".to_string(),
                    |p| format!("last {}", p.last_played_local),
                );
                let detail = if col.width >= 70 {
                    format!(
                        "  {}/{total} complete · {} mastered · {} min · {last}",
                        c.complete(),
                        c.mastered(),
                        minutes(c.active.total)
                    )
                } else {
                    format!(
                        "  {}/{total} · {} min",
                        c.complete(),
                        minutes(c.active.total)
                    )
                };
                Line::from(vec![
                    Span::raw("    "),
                    Span::styled(bar(c.complete(), total, bar_width), app.styles.heading[0]),
                    Span::styled(detail, dim()),
                ])
            }
        };
        lines.push(detail);
    }
    // Keep the selection on screen: two lines a course.
    let rows = body.height as usize;
    let first = (lib.selected * 2 + 2).saturating_sub(rows);
    let shown: Vec<Line> = lines.into_iter().skip(first).collect();
    frame.render_widget(Paragraph::new(shown), column(body, col.width));
    frame.render_widget(
        Paragraph::new(notice_line(app, None)),
        column(notice, col.width),
    );
    let keys = if lib.filtering {
        vec![("Enter".to_string(), "done"), ("Esc".to_string(), "clear")]
    } else {
        vec![
            (format!("{}{}", display("Up"), display("Down")), "select"),
            ("Enter".to_string(), "open"),
            (key(app, Action::Filter), "filter"),
            (key(app, Action::Help), "help"),
            (key(app, Action::Quit), "quit"),
        ]
    };
    frame.render_widget(
        Paragraph::new(footer(&keys, col.width)),
        column(foot, col.width),
    );
}

fn broken_pack(app: &App, broken: &Broken, frame: &mut Frame, area: Rect) {
    let [head, body, notice, foot] = frame_rows(area);
    let width = app.text_width();
    frame.render_widget(
        Paragraph::new(Line::styled(
            format!("{}: this pack has problems", sanitize(&broken.title)),
            app.styles.heading[0],
        )),
        column(head, width),
    );
    let mut lines = vec![
        Line::raw(format!(
            "{} cannot be played until these are fixed:",
            sanitize(&broken.path.display().to_string())
        )),
        Line::default(),
    ];
    for problem in &broken.problems {
        lines.push(Line::raw(format!("• {}", sanitize(problem))));
    }
    lines.push(Line::default());
    lines.push(Line::styled(
        format!(
            "`morsel check {}` shows each with its source line.",
            sanitize(&broken.path.display().to_string())
        ),
        dim(),
    ));
    frame.render_widget(
        Paragraph::new(lines).wrap(Wrap { trim: false }),
        column(body, width),
    );
    frame.render_widget(
        Paragraph::new(notice_line(app, None)),
        column(notice, width),
    );
    let mut keys = Vec::new();
    if broken.from_library {
        keys.push(("Esc".to_string(), "back to the library"));
    }
    keys.push((key(app, Action::Quit), "quit"));
    frame.render_widget(Paragraph::new(footer(&keys, width)), column(foot, width));
}

fn paused(app: &App, frame: &mut Frame, area: Rect) {
    let text = Text::from(vec![
        Line::styled("Paused", bold()),
        Line::default(),
        Line::styled(
            format!(
                "{} to continue  ·  {} to quit",
                key(app, Action::Pause),
                key(app, Action::Quit)
            ),
            dim(),
        ),
    ]);
    let rows = Layout::vertical([
        Constraint::Fill(1),
        Constraint::Length(3),
        Constraint::Fill(1),
    ])
    .areas::<3>(area);
    frame.render_widget(Paragraph::new(text).alignment(Alignment::Center), rows[1]);
}

fn player(app: &App, p: &Player, frame: &mut Frame, area: Rect) {
    let [head, body, notice, foot] = frame_rows(area);
    let width = app.text_width();
    let session = &p.session;
    let lesson = session.lesson();
    let lessons = session.pack().lessons.len();
    let (complete, mastered) = session.course_standing();

    // Header: where the learner is, and how far along the course. Narrow screens get the bite count alone.
    let head_col = column(head, width);
    let wide = head_col.width >= 60;
    let place = if wide {
        format!(
            "bite {}/{} · lesson {}/{} ",
            session.bite().number,
            lesson.bites.len(),
            session.lesson_index() + 1,
            lessons
        )
    } else {
        format!("{}/{}", session.bite().number, lesson.bites.len())
    };
    let bar_width = if wide { 10 } else { 0 };
    let right_width = (place.chars().count() + bar_width + 1) as u16;
    let [left, right] = Layout::horizontal([Constraint::Fill(1), Constraint::Length(right_width)])
        .areas(Rect {
            height: 1,
            ..head_col
        });
    let title = if wide {
        format!(
            "{} › {}",
            sanitize(&session.pack().course.title),
            sanitize(&lesson.title)
        )
    } else {
        sanitize(&lesson.title).into_owned()
    };
    let title = truncate(&title, left.width.saturating_sub(1) as usize);
    frame.render_widget(
        Paragraph::new(Line::styled(title, app.styles.heading[0])),
        left,
    );
    frame.render_widget(
        Paragraph::new(Line::from(vec![
            Span::styled(place, dim()),
            Span::styled(bar(complete, lessons, bar_width), app.styles.heading[0]),
        ]))
        .alignment(Alignment::Right),
        right,
    );

    let body_col = column(body, width);
    let (lines, scroll, keys) = match session.stage() {
        Stage::Reading => {
            let lines = app.bite_lines();
            let more = lines.len() as u16 > body_col.height + session.scroll();
            let mut keys = vec![
                (key(app, Action::Next), "next"),
                (key(app, Action::Back), "back"),
            ];
            if lines.len() as u16 > body_col.height {
                keys.push((
                    format!("{}{}", display("Down"), display("Up")),
                    if more {
                        "scroll (more below)"
                    } else {
                        "scroll"
                    },
                ));
            }
            (lines, session.scroll(), keys)
        }
        Stage::Exercise(state) => exercise(app, p, state, width),
        Stage::Summary(status) => {
            let mut lines = vec![
                Line::styled(
                    format!("End of “{}”", sanitize(&lesson.title)),
                    app.styles.heading[0],
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
                app.styles.strong,
            ));
            if !status.missed.is_empty() {
                lines.push(Line::default());
                lines.push(Line::styled("Missed:", dim()));
                for id in &status.missed {
                    let prompt = lesson
                        .questions()
                        .find(|q| &q.id == id)
                        .map_or_else(|| id.clone(), |q| q.prompt.clone());
                    for (i, line) in render::inline(&prompt, width.saturating_sub(2), &app.styles)
                        .into_iter()
                        .enumerate()
                    {
                        let mut spans = vec![Span::raw(if i == 0 { "• " } else { "  " })];
                        spans.extend(line.spans);
                        lines.push(Line::from(spans));
                    }
                }
            }
            let mut keys = Vec::new();
            if !status.missed.is_empty() {
                keys.push((key(app, Action::Retry), "retry missed"));
            }
            let last = session.lesson_index() + 1 == lessons;
            keys.push((
                key(app, Action::Next),
                if last { "finish" } else { "next lesson" },
            ));
            (lines, 0, keys)
        }
        Stage::CourseDone => {
            let lines = vec![
                Line::styled(
                    format!("{} — done", sanitize(&session.pack().course.title)),
                    app.styles.heading[0],
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
            ];
            let done = if p.from_library { "library" } else { "quit" };
            (lines, 0, vec![("Enter".to_string(), done)])
        }
    };
    let scroll = if matches!(session.stage(), Stage::Reading) {
        scroll
    } else {
        // Exercises and summaries: the learner's offset, kept within the text.
        p.view_scroll
            .min((lines.len() as u16).saturating_sub(body_col.height))
    };
    frame.render_widget(
        Paragraph::new(lines)
            .wrap(Wrap { trim: false })
            .scroll((scroll, 0)),
        body_col,
    );
    frame.render_widget(
        Paragraph::new(notice_line(app, p.notice.as_deref())),
        column(notice, width),
    );
    let mut keys = keys;
    if !app.typing() && !matches!(session.stage(), Stage::CourseDone) {
        keys.push((key(app, Action::Pause), "pause"));
        keys.push((key(app, Action::Help), "help"));
        keys.push((key(app, Action::Quit), "quit"));
    }
    frame.render_widget(Paragraph::new(footer(&keys, width)), column(foot, width));
}

fn truncate(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        text.to_string()
    } else {
        let mut t: String = text.chars().take(max.saturating_sub(1)).collect();
        t.push('…');
        t
    }
}

type Body = (Vec<Line<'static>>, u16, Vec<(String, &'static str)>);

fn exercise(app: &App, p: &Player, state: &ExerciseState, width: u16) -> Body {
    let session = &p.session;
    let styles = &app.styles;
    let mut lines: Vec<Line<'static>> = Vec::new();
    let mut keys: Vec<(String, &'static str)> = Vec::new();
    let Some((exercise, _)) = session.exercise() else {
        return (lines, 0, keys);
    };
    let label = if session.in_retry() {
        "Retry"
    } else {
        "Question"
    };
    match exercise {
        Exercise::Question(q) => {
            lines.push(Line::styled(label, dim()));
            lines.extend(render::inline(&q.prompt, width, styles));
            if !(matches!(q.kind, QuestionKind::TrueFalse { .. }) && state.verdict.is_some()) {
                lines.push(Line::default());
            }
            match &q.kind {
                QuestionKind::Choice { choices, .. } => {
                    let pick_all = q.kind.picks_several();
                    if let Some(note) = q.pick_all_note()
                        && state.verdict.is_none()
                    {
                        lines.push(Line::styled(note, dim()));
                    }
                    for (n, &index) in state.shown.iter().enumerate() {
                        let picked = p.picked.contains(&(n + 1));
                        let mark = match (pick_all, picked) {
                            (true, true) => "[x]",
                            (true, false) => "[ ]",
                            (false, true) => "(•)",
                            (false, false) => "( )",
                        };
                        let prefix = format!("{} {mark} ", n + 1);
                        let indent = " ".repeat(prefix.chars().count());
                        let text_lines = render::inline(
                            &choices[index].text,
                            width.saturating_sub(prefix.len() as u16),
                            styles,
                        );
                        for (i, line) in text_lines.into_iter().enumerate() {
                            let lead = if i == 0 {
                                prefix.clone()
                            } else {
                                indent.clone()
                            };
                            let style = if picked { styles.strong } else { Style::new() };
                            let mut spans = vec![Span::styled(lead, style)];
                            spans.extend(line.spans);
                            lines.push(Line::from(spans));
                        }
                    }
                    if state.verdict.is_none() {
                        keys.push((
                            format!("1-{}", choices.len().min(9)),
                            if pick_all { "toggle" } else { "pick" },
                        ));
                        keys.push(("Enter".to_string(), "submit"));
                    }
                }
                QuestionKind::TrueFalse { .. } => {
                    if state.verdict.is_none() {
                        lines.push(Line::raw("t  true      f  false"));
                        keys.push(("t/f".to_string(), "answer"));
                    }
                }
                QuestionKind::Text { .. } => {
                    lines.push(input_line(p, state, "Your answer: "));
                    if app.typing() {
                        keys.push(("Enter".to_string(), "submit"));
                    }
                }
                QuestionKind::Order { items } => {
                    lines.push(Line::styled(
                        "Put these in order: type their numbers, e.g. 3 1 2.",
                        dim(),
                    ));
                    for (n, &index) in state.shown.iter().enumerate() {
                        let prefix = format!("{}. ", n + 1);
                        for (i, line) in render::inline(
                            &items[index],
                            width.saturating_sub(prefix.len() as u16),
                            styles,
                        )
                        .into_iter()
                        .enumerate()
                        {
                            let mut spans = vec![Span::raw(if i == 0 {
                                prefix.clone()
                            } else {
                                " ".repeat(prefix.len())
                            })];
                            spans.extend(line.spans);
                            lines.push(Line::from(spans));
                        }
                    }
                    lines.push(Line::default());
                    lines.push(input_line(p, state, "Your order: "));
                    if app.typing() {
                        keys.push(("Enter".to_string(), "submit"));
                    }
                }
            }
            if let Some(hint) = &p.hint
                && state.verdict.is_none()
            {
                lines.push(Line::default());
                let mut hint_lines =
                    render::inline(hint, width.saturating_sub(6), styles).into_iter();
                if let Some(first) = hint_lines.next() {
                    let mut spans = vec![Span::styled("Hint: ", dim())];
                    spans.extend(first.spans);
                    lines.push(Line::from(spans));
                }
                lines.extend(hint_lines);
            }
            match &state.verdict {
                None => {
                    if app.typing() {
                        keys.push(("Esc".to_string(), "more keys"));
                        if q.hint.is_some() {
                            keys.push(("Tab".to_string(), "hint"));
                        }
                    } else {
                        if q.hint.is_some() && p.hint.is_none() {
                            keys.push((key(app, Action::Hint), "hint"));
                        }
                        keys.push((key(app, Action::Skip), "skip"));
                        if matches!(
                            q.kind,
                            QuestionKind::Text { .. } | QuestionKind::Order { .. }
                        ) {
                            keys.push(("Enter".to_string(), "type the answer"));
                        }
                    }
                }
                Some(verdict) => {
                    lines.push(Line::default());
                    let (text, style) = if verdict.skipped {
                        ("Skipped.".to_string(), dim())
                    } else if verdict.correct {
                        ("✓ Right.".to_string(), styles.strong)
                    } else {
                        ("✗ Not quite.".to_string(), styles.strong)
                    };
                    lines.push(Line::styled(text, style));
                    for feedback in &verdict.feedback {
                        lines.extend(render::inline(&feedback.text, width, styles));
                    }
                    if let Some(explain) = &q.explain {
                        lines.push(Line::default());
                        lines.extend(render::markdown(explain, width, styles));
                    }
                    if !verdict.correct {
                        keys.push((key(app, Action::Retry), "try again"));
                    }
                    keys.push((key(app, Action::Next), "next"));
                }
            }
        }
        Exercise::Card(card) => {
            lines.push(Line::styled("Card", dim()));
            lines.extend(render::markdown(&card.front, width, styles));
            lines.push(Line::default());
            if state.revealed {
                lines.push(Line::styled("─".repeat(width.min(20) as usize), dim()));
                lines.extend(render::markdown(&card.back, width, styles));
                lines.push(Line::default());
            }
            match (&state.verdict, state.revealed) {
                (Some(verdict), _) => {
                    lines.push(Line::styled(
                        if verdict.skipped {
                            "Skipped."
                        } else {
                            "Rated."
                        },
                        dim(),
                    ));
                    keys.push((key(app, Action::Next), "next"));
                }
                (None, true) => {
                    lines.push(Line::raw("How well did you remember?"));
                    lines.push(Line::raw("1 Again  2 Hard  3 Good  4 Easy"));
                    keys.push(("1-4".to_string(), "rate"));
                    keys.push((key(app, Action::Skip), "skip"));
                }
                (None, false) => {
                    keys.push((display("Space"), "show the back"));
                    keys.push((key(app, Action::Skip), "skip"));
                }
            }
        }
    }
    (lines, 0, keys)
}

fn input_line(p: &Player, state: &ExerciseState, label: &str) -> Line<'static> {
    let cursor = if state.verdict.is_none() && !p.input_left {
        "▏"
    } else {
        ""
    };
    Line::from(vec![
        Span::styled(label.to_string(), dim()),
        Span::styled(sanitize(&p.input).into_owned(), bold()),
        Span::raw(cursor),
    ])
}

fn help(app: &App, frame: &mut Frame, area: Rect) {
    let wide = area.width >= 70;
    let keys_width = if wide { 16 } else { 9 };
    let mut lines = vec![Line::styled("Keys", app.styles.heading[0])];
    if wide {
        lines.push(Line::default());
    }
    let row = |keys: String, what: &str| {
        Line::from(vec![
            Span::styled(format!("{keys:<keys_width$} "), bold()),
            Span::raw(what.to_string()),
        ])
    };
    for action in Action::ALL {
        let keys: Vec<String> = app
            .keymap
            .keys_of(action)
            .iter()
            .map(|k| display(k))
            .collect();
        lines.push(row(
            keys.join(" "),
            if wide {
                action.describe()
            } else {
                action.name()
            },
        ));
    }
    if wide {
        lines.push(Line::default());
    }
    for (keys, long, short) in [
        (
            "1-9",
            "pick a choice (toggle, when several are right)",
            "pick",
        ),
        ("t  f", "answer true or false", "true/false"),
        (
            "Enter",
            "submit a typed answer (Esc leaves the field, Tab: hint)",
            "submit",
        ),
        ("Space", "show a card's back; then 1-4 rate it", "card back"),
    ] {
        lines.push(row(keys.to_string(), if wide { long } else { short }));
    }
    if wide {
        lines.push(Line::default());
        lines.push(Line::styled(
            "Any key closes this help. Keys can be changed: see `morsel paths`.",
            dim(),
        ));
    }
    let room = area.height.saturating_sub(2) as usize;
    if lines.len() > room {
        lines.truncate(room.saturating_sub(1));
        lines.push(Line::styled("… a taller window shows every key", dim()));
    }
    let height = lines.len() as u16 + 2;
    let width = 84.min(area.width);
    let rect = Rect {
        x: area.x + (area.width - width) / 2,
        y: area.y + (area.height - height) / 2,
        width,
        height,
    };
    frame.render_widget(Clear, rect);
    frame.render_widget(
        Paragraph::new(lines).block(ratatui::widgets::Block::bordered().border_style(dim())),
        rect,
    );
}
