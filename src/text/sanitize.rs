//! Control characters made visible and inert, so that nothing in a pack reaches the terminal as a control sequence.

use std::borrow::Cow;

use super::width::width;

/// Tab stops are this many columns apart.
pub(crate) const TAB_STOP: usize = 4;

/// What a C1 control (U+0080..=U+009F) is shown as: these have no control pictures of their own.
pub(crate) const C1_REPLACEMENT: char = '\u{FFFD}';

/// One stretch of sanitised text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Piece<'a> {
    /// Text to show as it is: no control character in it other than '\n'.
    Text(&'a str),
    /// The visible stand-in for one control character.
    Control(char),
    /// A tab, as this many spaces.
    Spaces(usize),
}

/// The visible stand-in for `c` when it is a control character to replace (every `char::is_control` but '\n',
/// and not TAB, which becomes spaces).
pub(crate) fn picture(c: char) -> Option<char> {
    match u32::from(c) {
        0x0A | 0x09 => None,
        code @ 0x00..=0x1F => char::from_u32(0x2400 + code),
        0x7F => Some('\u{2421}'),
        0x80..=0x9F => Some(C1_REPLACEMENT),
        _ => None,
    }
}

/// Whether `c` needs any change: a control character other than '\n'.
fn needs_change(c: char) -> bool {
    c != '\n' && c.is_control()
}

/// Splits `text` into [`Piece`]s, calling `f` for each in order. `column` is the display column at which `text`
/// starts (for tab stops); the column after the last line of `text` is returned.
pub(crate) fn visit<'a>(text: &'a str, column: usize, mut f: impl FnMut(Piece<'a>)) -> usize {
    let mut column = column;
    let mut start = 0;
    for (i, c) in text.char_indices() {
        if !needs_change(c) {
            continue;
        }
        let before = &text[start..i];
        if !before.is_empty() {
            column = advance(column, before);
            f(Piece::Text(before));
        }
        if c == '\t' {
            let spaces = TAB_STOP - column % TAB_STOP;
            column += spaces;
            f(Piece::Spaces(spaces));
        } else if let Some(shown) = picture(c) {
            column += 1;
            f(Piece::Control(shown));
        }
        start = i + c.len_utf8();
    }
    let rest = &text[start..];
    if !rest.is_empty() {
        column = advance(column, rest);
        f(Piece::Text(rest));
    }
    column
}

/// The column after `text` (free of control characters but '\n') when it starts at `column`.
fn advance(column: usize, text: &str) -> usize {
    match text.rfind('\n') {
        Some(at) => width(&text[at + 1..]),
        None => column + width(text),
    }
}

/// Makes every control character visible and inert.
///
/// - C0 controls other than '\n' become the Unicode control pictures U+2400..=U+241F (ESC → '␛', BEL → '␇',
///   CR → '␍'), and DEL becomes '␡'.
/// - C1 controls U+0080..=U+009F (which some terminals obey like ESC sequences: U+009B is CSI) become U+FFFD '�'.
/// - TAB becomes spaces up to the next multiple of 4 columns, counted from the start of `text` or its last '\n'.
///
/// The text is borrowed when nothing changes.
pub fn sanitize(text: &str) -> Cow<'_, str> {
    if !text.chars().any(needs_change) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    visit(text, 0, |piece| match piece {
        Piece::Text(t) => out.push_str(t),
        Piece::Control(c) => out.push(c),
        Piece::Spaces(n) => out.extend(std::iter::repeat_n(' ', n)),
    });
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clean_text_is_borrowed() {
        let text = "plain text, 漢字, e\u{301}, and\na newline";
        assert!(matches!(sanitize(text), Cow::Borrowed(t) if t == text));
    }

    #[test]
    fn c0_controls_become_control_pictures() {
        assert_eq!(sanitize("a\x1b[31mred\x07"), "a␛[31mred␇");
        assert_eq!(sanitize("\0\r\x08\x1f"), "␀␍␈␟");
        assert_eq!(sanitize("del\x7f"), "del␡");
    }

    #[test]
    fn osc_sequences_are_inert() {
        assert_eq!(sanitize("\x1b]52;c;QUJD\x07"), "␛]52;c;QUJD␇");
        assert_eq!(
            sanitize("\x1b]8;;https://evil.example\x1b\\click\x1b]8;;\x1b\\"),
            "␛]8;;https://evil.example␛\\click␛]8;;␛\\"
        );
    }

    #[test]
    fn c1_controls_become_replacement_characters() {
        assert_eq!(sanitize("\u{9b}31m and \u{85}"), "\u{FFFD}31m and \u{FFFD}");
    }

    #[test]
    fn newlines_stay() {
        assert_eq!(sanitize("a\nb\x1b"), "a\nb␛");
    }

    #[test]
    fn tabs_expand_to_the_next_stop() {
        assert_eq!(sanitize("\tx"), "    x");
        assert_eq!(sanitize("ab\tc"), "ab  c");
        assert_eq!(sanitize("abcd\te"), "abcd    e");
        // Columns count display width and start again after a newline.
        assert_eq!(sanitize("漢\tx\nab\tc"), "漢  x\nab  c");
        assert_eq!(sanitize("a\x1b\tb"), "a␛  b");
    }

    #[test]
    fn visit_continues_from_a_column() {
        let mut pieces = Vec::new();
        let end = visit("x\ty", 2, |p| pieces.push(p));
        assert_eq!(
            pieces,
            vec![Piece::Text("x"), Piece::Spaces(1), Piece::Text("y")]
        );
        assert_eq!(end, 5);
    }

    #[test]
    fn nothing_sanitised_is_a_control_character() {
        let all: String = (0u32..0x100).filter_map(char::from_u32).collect();
        let clean = sanitize(&all);
        assert!(
            clean.chars().all(|c| c == '\n' || !c.is_control()),
            "{clean:?}"
        );
        assert_eq!(clean.matches('\n').count(), 1);
    }
}
