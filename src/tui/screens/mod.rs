//! The screens of the player, each with its state, the commands it offers now, how a command changes it, and how
//! it is drawn; and the pieces of drawing they share (layout, footer, notices). A new screen is one new file here.

pub(crate) mod broken;
pub(crate) mod dashboard;
pub(crate) mod exercise;
pub(crate) mod help;
pub(crate) mod library;
pub(crate) mod player;
pub(crate) mod review;
pub(crate) mod takeover;
pub(crate) mod timebox;

use std::ops::Range;
use std::path::PathBuf;

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::command::{Binding, Command};
use super::context::Context;
use super::keymap::Action;
use crate::text::sanitize;

/// Where a command leads beyond its own screen.
#[derive(Debug, Clone, PartialEq, Eq)]
#[must_use]
pub(crate) enum Next {
    Stay,
    Quit,
    /// Back to the library (the session, if any, is closed first).
    Library,
    /// Open the pack at this path.
    Open(PathBuf),
    /// Review what is due, of every course.
    Review,
    /// A time-boxed session of this many minutes: of this course's bites too, or reviews only.
    TimeBox {
        minutes: u32,
        course: Option<PathBuf>,
    },
}

pub(crate) fn dim() -> Style {
    Style::new().add_modifier(Modifier::DIM)
}

pub(crate) fn bold() -> Style {
    Style::new().add_modifier(Modifier::BOLD)
}

/// A centred column `width` wide inside `area`.
pub(crate) fn column(area: Rect, width: u16) -> Rect {
    let width = width.min(area.width);
    Rect {
        x: area.x + (area.width - width) / 2,
        width,
        ..area
    }
}

/// Header, body, notice and footer rows of a screen.
pub(crate) fn frame_rows(area: Rect) -> [Rect; 4] {
    Layout::vertical([
        Constraint::Length(2),
        Constraint::Min(1),
        Constraint::Length(1),
        Constraint::Length(1),
    ])
    .areas(area)
}

/// A header row: `title` on the left, cut to what `right` leaves of `area`, and `right` against the right edge.
pub(crate) fn header_row(
    ctx: &Context,
    frame: &mut Frame,
    area: Rect,
    title: &str,
    right: Line<'static>,
) {
    let right_width = (crate::text::width(&right.to_string()) + 1) as u16;
    let [left, right_area] =
        Layout::horizontal([Constraint::Fill(1), Constraint::Length(right_width)])
            .areas(Rect { height: 1, ..area });
    frame.render_widget(
        Paragraph::new(Line::styled(
            truncate(title, left.width.saturating_sub(1) as usize),
            ctx.styles.heading[0],
        )),
        left,
    );
    frame.render_widget(
        Paragraph::new(right).alignment(ratatui::layout::Alignment::Right),
        right_area,
    );
}

/// The footer's bindings fitted to `width`: in full; else without minor ones, the first dropped first and help
/// last, as many as it takes (help lists them); else keys alone.
pub(crate) fn footer(bindings: &[Binding], width: u16) -> Line<'static> {
    let render = |keys: &[&Binding], words: bool| {
        let mut spans = Vec::new();
        for (i, b) in keys.iter().enumerate() {
            if i > 0 {
                spans.push(Span::styled(if words { "  " } else { " " }, dim()));
            }
            spans.push(Span::styled(b.keys.clone(), bold()));
            if words {
                spans.push(Span::styled(format!(" {}", b.what), dim()));
            }
        }
        Line::from(spans)
    };
    let all: Vec<&Binding> = bindings.iter().filter(|b| b.footer).collect();
    let full = render(&all, true);
    if crate::text::width(&full.to_string()) <= width as usize {
        return full;
    }
    let mut kept = all.clone();
    // Help goes last: it lists whatever the footer leaves out.
    let help = Command::Action(Action::Help);
    let next_minor = |kept: &[&Binding]| {
        kept.iter()
            .position(|b| !b.essential && b.command != help)
            .or_else(|| kept.iter().position(|b| !b.essential))
    };
    while let Some(minor) = next_minor(&kept) {
        kept.remove(minor);
        let fewer = render(&kept, true);
        if crate::text::width(&fewer.to_string()) <= width as usize {
            return fewer;
        }
    }
    render(&all, false)
}

/// The notice row of a screen that reads or answers: the screen's own notice first, else the time box's 80% note,
/// else the cues (`cues`, then in a time box how much of it is used, as every screen says it, then "↓ more below"
/// when there is more below).
pub(crate) fn draw_notice(
    frame: &mut Frame,
    ctx: &Context,
    (area, width): (Rect, u16),
    own: Option<&str>,
    mut cues: Vec<String>,
    below: bool,
) {
    if let Some(timebox) = &ctx.timebox {
        cues.push(timebox.cue());
    }
    if below {
        cues.push("↓ more below".to_string());
    }
    let cue = cues.join("  ·  ");
    let cue = (!cue.is_empty()).then_some(cue.as_str());
    let box_note = ctx.box_note();
    frame.render_widget(
        Paragraph::new(notice_line(ctx, own.or(box_note.as_deref()).or(cue))),
        column(area, width),
    );
}

/// The notice row: a problem saving progress first, else the screen's own notice.
pub(crate) fn notice_line(ctx: &Context, notice: Option<&str>) -> Line<'static> {
    match (&ctx.error, notice) {
        (Some(error), _) => Line::styled(
            sanitize(error).into_owned(),
            bold().add_modifier(Modifier::REVERSED),
        ),
        (None, Some(notice)) => Line::styled(sanitize(notice).into_owned(), ctx.styles.strong),
        (None, None) => Line::default(),
    }
}

/// `text` cut to `width` display columns, with `…` when something was cut.
pub(crate) fn truncate(text: &str, width: usize) -> String {
    if crate::text::width(text) <= width {
        return text.to_string();
    }
    format!("{}…", crate::text::fit(text, width.saturating_sub(1)))
}

/// Text that is not Markdown (a path, a message) wrapped at `width`, sanitised like pack text: every ASCII
/// punctuation character is escaped, so that nothing in it is read as Markdown.
pub(crate) fn plain_text(text: &str, width: u16, ctx: &Context) -> Vec<Line<'static>> {
    let mut escaped = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if c.is_ascii_punctuation() {
            escaped.push('\\');
        }
        escaped.push(c);
    }
    crate::render::inline(&escaped, width, &ctx.styles)
}

/// How far a view of `len` lines in `height` rows can scroll.
pub(crate) fn max_scroll(len: usize, height: u16) -> u16 {
    u16::try_from(len)
        .unwrap_or(u16::MAX)
        .saturating_sub(height)
}

/// Draws `lines` in `area` from `scroll` down; when they do not all fit, the `pinned` rows (an answer field) stay
/// at the bottom of `area` and the rest scrolls above them. Whether there is more below.
pub(crate) fn draw_body(
    frame: &mut Frame,
    area: Rect,
    mut lines: Vec<Line<'static>>,
    scroll: u16,
    pinned: Option<Range<usize>>,
) -> bool {
    let fits = lines.len() <= usize::from(area.height);
    let pinned = pinned.filter(|r| !fits && r.end <= lines.len() && !r.is_empty());
    let mut text_area = area;
    if let Some(range) = pinned {
        let rows = u16::try_from(range.len())
            .unwrap_or(u16::MAX)
            .min((area.height / 2).max(1));
        let kept: Vec<Line<'static>> = lines.drain(range).collect();
        let [above, below] =
            Layout::vertical([Constraint::Min(0), Constraint::Length(rows)]).areas(area);
        frame.render_widget(Paragraph::new(kept), below);
        text_area = above;
    }
    let scroll = scroll.min(max_scroll(lines.len(), text_area.height));
    let more = lines.len() > usize::from(text_area.height) + usize::from(scroll);
    frame.render_widget(
        Paragraph::new(lines)
            .wrap(ratatui::widgets::Wrap { trim: false })
            .scroll((scroll, 0)),
        text_area,
    );
    more
}

/// The offset that shows an exercise's verdict as it comes: as much of what leads to it as fits with all of it, or
/// the verdict at the top when it is longer than `height`.
pub(crate) fn verdict_scroll(view: &exercise::View, height: u16) -> u16 {
    view.verdict.map_or(0, |at| {
        u16::try_from(at)
            .unwrap_or(u16::MAX)
            .min(max_scroll(view.lines.len(), height))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(line: &Line) -> String {
        line.spans.iter().map(|s| s.content.as_ref()).collect()
    }

    #[test]
    fn a_footer_too_wide_drops_minor_keys_one_at_a_time_and_help_last() {
        let keymap = crate::tui::keymap::Keymap::default();
        // A pick-all question of a review opened from the library: 80 columns wide in full.
        let bindings = [
            Binding::fixed(Command::Pick(1), "1-3", "toggle"),
            Binding::action(&keymap, Action::Next, "submit"),
            Binding::action(&keymap, Action::Skip, "skip"),
            Binding::action(&keymap, Action::Pause, "pause").minor(),
            Binding::action(&keymap, Action::Back, "its bite"),
            Binding::fixed(Command::Leave, "Esc", "library").minor(),
            Binding::action(&keymap, Action::Help, "help").minor(),
            Binding::action(&keymap, Action::Quit, "quit").minor(),
        ];
        assert_eq!(
            text(&footer(&bindings, 76)),
            "1-3 toggle  → submit  s skip  ← its bite  Esc library  ? help  q quit"
        );
        assert_eq!(
            text(&footer(&bindings, 50)),
            "1-3 toggle  → submit  s skip  ← its bite  ? help"
        );
    }

    #[test]
    fn truncate_counts_display_width_not_characters() {
        assert_eq!(truncate("日本語のタイトル", 7), "日本語…");
        assert_eq!(truncate("short", 10), "short");
        assert!(crate::text::width(&truncate("日本語のタイトル", 8)) <= 8);
    }
}
