//! The help overlay: every command available on the screen under it, with all its keys, from the same list the
//! footer is drawn from. Any key closes it.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph};

use super::{bold, dim, truncate};
use crate::tui::command::Binding;
use crate::tui::context::Context;

pub fn draw(ctx: &Context, commands: &[Binding], frame: &mut Frame, area: Rect) {
    let wide = area.width >= 70;
    let width = 84.min(area.width);
    let inner = usize::from(width.saturating_sub(2));
    let keys_width = commands
        .iter()
        .map(|b| unicode_width::UnicodeWidthStr::width(b.all_keys.as_str()))
        .max()
        .unwrap_or(0)
        .min(if wide { 24 } else { 12 });
    let mut lines = vec![Line::styled("Keys here", ctx.styles.heading[0])];
    if wide {
        lines.push(Line::default());
    }
    for b in commands {
        let keys = truncate(&b.all_keys, keys_width);
        let pad = keys_width - unicode_width::UnicodeWidthStr::width(keys.as_str());
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
    let room = usize::from(area.height.saturating_sub(2));
    if lines.len() > room {
        lines.truncate(room.saturating_sub(1));
        lines.push(Line::styled("… a taller window shows every key", dim()));
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
