//! The help overlay: every command available on the screen under it, with all its keys, from the same list the
//! footer is drawn from. Any key closes it, but the scroll keys scroll it when it does not fit.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph};

use super::{bold, dim, truncate};
use crate::tui::command::{Binding, scroll_bindings};
use crate::tui::context::Context;

/// The help's lines for `commands` in an overlay `width` wide.
fn lines(ctx: &Context, commands: &[Binding], width: u16, wide: bool) -> Vec<Line<'static>> {
    let inner = usize::from(width.saturating_sub(2));
    let keys_width = commands
        .iter()
        .map(|b| crate::text::width(b.all_keys.as_str()))
        .max()
        .unwrap_or(0)
        .min(if wide { 24 } else { 12 });
    let mut lines = vec![Line::styled("Keys here", ctx.styles.heading[0])];
    if wide {
        lines.push(Line::default());
    }
    for b in commands {
        let keys = truncate(&b.all_keys, keys_width);
        let pad = keys_width - crate::text::width(keys.as_str());
        let what = truncate(&b.help, inner.saturating_sub(keys_width + 1));
        lines.push(Line::from(vec![
            Span::styled(format!("{keys}{} ", " ".repeat(pad)), bold()),
            Span::raw(what),
        ]));
    }
    if wide {
        lines.push(Line::default());
        lines.push(Line::styled(
            "Any key closes this help. Keys can be changed in config.toml (morsel paths).",
            dim(),
        ));
    }
    lines
}

/// How far the help can scroll in `area`: 0 when it fits.
pub(crate) fn max_scroll(ctx: &Context, commands: &[Binding], area: Rect) -> u16 {
    let width = 84.min(area.width);
    let len = lines(ctx, commands, width, area.width >= 70).len();
    // The last row inside the border says how to scroll.
    let room = area.height.saturating_sub(3);
    if len <= usize::from(area.height.saturating_sub(2)) {
        0
    } else {
        super::max_scroll(len, room)
    }
}

/// The help over `area`, from `scroll` down when it does not fit (its last row then says how to scroll).
pub(crate) fn draw(
    ctx: &Context,
    commands: &[Binding],
    scroll: u16,
    frame: &mut Frame,
    area: Rect,
) {
    let width = 84.min(area.width);
    let mut lines = lines(ctx, commands, width, area.width >= 70);
    let room = usize::from(area.height.saturating_sub(2));
    if lines.len() > room {
        let scroll = usize::from(scroll.min(max_scroll(ctx, commands, area)));
        let shown = room.saturating_sub(1);
        let more = lines.len() > scroll + shown;
        lines = lines.into_iter().skip(scroll).take(shown).collect();
        let keys = scroll_bindings(&ctx.keymap)
            .first()
            .map_or_else(String::new, |b| b.keys.clone());
        let mark = if more { "↓ more" } else { "↑ more" };
        lines.push(Line::styled(
            format!("{mark} · {keys} scroll · other keys close"),
            dim(),
        ));
    }
    let height = lines.len() as u16 + 2;
    let rect = Rect {
        x: area.x + (area.width - width) / 2,
        y: area.y + (area.height - height) / 2,
        width,
        height,
    };
    frame.render_widget(Clear, rect);
    frame.render_widget(
        Paragraph::new(lines).block(Block::bordered().border_style(dim())),
        rect,
    );
}
