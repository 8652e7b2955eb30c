//! Rendered lines as text for stdout: ANSI SGR styling or plain, and no escape sequence but the ones written here.

use std::borrow::Cow;
use std::fmt::Write as _;

use ratatui::style::{Color, Modifier, Style};
use ratatui::text::Line;

use crate::text::sanitize;

/// SGR codes of the modifiers, in the order they are written.
const MODIFIER_CODES: [(Modifier, u8); 9] = [
    (Modifier::BOLD, 1),
    (Modifier::DIM, 2),
    (Modifier::ITALIC, 3),
    (Modifier::UNDERLINED, 4),
    (Modifier::SLOW_BLINK, 5),
    (Modifier::RAPID_BLINK, 6),
    (Modifier::REVERSED, 7),
    (Modifier::HIDDEN, 8),
    (Modifier::CROSSED_OUT, 9),
];

/// Writes the SGR parameters of `color` as a foreground (`base` 30) or background (`base` 40) colour.
fn color_codes(out: &mut String, color: Color, base: u8) {
    let basic = |n: u8| base + n;
    let bright = |n: u8| base + 60 + n;
    let code = match color {
        Color::Reset => basic(9),
        Color::Black => basic(0),
        Color::Red => basic(1),
        Color::Green => basic(2),
        Color::Yellow => basic(3),
        Color::Blue => basic(4),
        Color::Magenta => basic(5),
        Color::Cyan => basic(6),
        Color::Gray => basic(7),
        Color::DarkGray => bright(0),
        Color::LightRed => bright(1),
        Color::LightGreen => bright(2),
        Color::LightYellow => bright(3),
        Color::LightBlue => bright(4),
        Color::LightMagenta => bright(5),
        Color::LightCyan => bright(6),
        Color::White => bright(7),
        Color::Indexed(i) => {
            let _ = write!(out, ";{};5;{i}", base + 8);
            return;
        }
        Color::Rgb(r, g, b) => {
            let _ = write!(out, ";{};2;{r};{g};{b}", base + 8);
            return;
        }
    };
    let _ = write!(out, ";{code}");
}

/// Writes the SGR sequence that sets `style` from a reset, or nothing for the default style. Returns whether it
/// wrote one.
fn sgr(out: &mut String, style: Style) -> bool {
    let start = out.len();
    out.push_str("\x1b[");
    let params = out.len();
    for (modifier, code) in MODIFIER_CODES {
        if style.add_modifier.contains(modifier) {
            let _ = write!(out, ";{code}");
        }
    }
    if let Some(fg) = style.fg {
        color_codes(out, fg, 30);
    }
    if let Some(bg) = style.bg {
        color_codes(out, bg, 40);
    }
    if out.len() == params {
        out.truncate(start);
        return false;
    }
    // The parameters were each written after a ';': the first one's goes.
    out.remove(params);
    out.push('m');
    true
}

/// Lines as text for stdout (`morsel print`): with ANSI SGR styling when `ansi` is true, else plain; each line
/// right-trimmed and ending in '\n'.
///
/// Every span's text is sanitised again, so the output holds no escape character but the `ESC [ … m` sequences
/// written here, whatever the lines hold.
pub(crate) fn to_terminal_text(lines: &[Line], ansi: bool) -> String {
    let mut out = String::new();
    let mut spans: Vec<(Style, Cow<'_, str>)> = Vec::new();
    for line in lines {
        spans.clear();
        spans.extend(line.spans.iter().map(|span| {
            let text = match sanitize(&span.content) {
                Cow::Borrowed(text) if text.contains('\n') => Cow::Owned(text.replace('\n', " ")),
                Cow::Owned(text) if text.contains('\n') => Cow::Owned(text.replace('\n', " ")),
                text => text,
            };
            (line.style.patch(span.style), text)
        }));
        while let Some((_, last)) = spans.last_mut() {
            let kept = last.trim_end().len();
            if kept > 0 {
                if kept < last.len() {
                    last.to_mut().truncate(kept);
                }
                break;
            }
            spans.pop();
        }
        for (style, text) in &spans {
            if ansi && sgr(&mut out, *style) {
                out.push_str(text);
                out.push_str("\x1b[0m");
            } else {
                out.push_str(text);
            }
        }
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use ratatui::text::Span;

    #[test]
    fn plain_text_is_trimmed_lines() {
        let lines = vec![
            Line::from(vec![
                Span::raw("│ "),
                Span::styled("quote  ", Style::new().bold()),
                Span::raw("  "),
            ]),
            Line::from(""),
        ];
        assert_eq!(to_terminal_text(&lines, false), "│ quote\n\n");
    }

    #[test]
    fn styles_become_sgr_sequences() {
        let lines = vec![Line::from(vec![
            Span::styled("bold", Style::new().bold().fg(Color::Cyan)),
            Span::raw(" plain "),
            Span::styled(
                "rgb",
                Style::new()
                    .fg(Color::Rgb(1, 2, 3))
                    .bg(Color::Indexed(236))
                    .italic(),
            ),
            Span::styled("grey", Style::new().fg(Color::DarkGray).crossed_out()),
        ])];
        assert_eq!(
            to_terminal_text(&lines, true),
            "\x1b[1;36mbold\x1b[0m plain \x1b[3;38;2;1;2;3;48;5;236mrgb\x1b[0m\x1b[9;90mgrey\x1b[0m\n"
        );
    }

    #[test]
    fn the_line_style_applies_under_its_spans() {
        let line = Line::from(Span::styled("x", Style::new().fg(Color::Red)))
            .style(Style::new().underlined());
        assert_eq!(to_terminal_text(&[line], true), "\x1b[4;31mx\x1b[0m\n");
    }

    #[test]
    fn escapes_in_spans_never_reach_the_output() {
        let lines = vec![Line::from(vec![
            Span::styled(
                "\x1b[31mred\x1b]52;c;QUJD\x07\u{9b}2J",
                Style::new().fg(Color::Red),
            ),
            Span::raw("a\nb"),
        ])];
        let text = to_terminal_text(&lines, true);
        assert_eq!(text, "\x1b[31m␛[31mred␛]52;c;QUJD␇\u{FFFD}2J\x1b[0ma b\n");
        let plain = to_terminal_text(&lines, false);
        assert!(!plain.contains('\x1b'));
        assert_eq!(plain.lines().count(), 1);
    }
}
