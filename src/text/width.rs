//! How many terminal columns text takes: the one rule every layer measures by (wrapping, tables, padding, labels,
//! truncation), so that what is laid out and what is drawn agree.
//!
//! Text is measured a grapheme cluster at a time (UAX #29 extended clusters: a letter with its marks, an emoji with
//! its variation selector or skin tone, a ZWJ sequence, a flag), each cluster as ratatui's buffer lays it out
//! (`CellWidth`): its `unicode-width` (which knows that an emoji presentation sequence such as `*` U+FE0F is two
//! columns wide, and a ZWJ sequence two), plus one for each halfwidth katakana sound mark. Where two readings differ,
//! the wider one is taken, so that a line never spills out of the terminal: `*` U+FE0F is two columns, as most
//! terminals show it (counting its characters one by one gives one, and a line measured so is a column too wide on
//! screen); a string is never narrower than `unicode-width` measures it whole (which shapes the Arabic lam-alef into
//! one column, where a terminal's grid gives each letter its own). A terminal that draws a ZWJ sequence as its
//! separate emoji shows it wider than two: no width fits every terminal there, and two is what ratatui lays out.
//!
//! A cluster must not be cut between two spans or two measurements: measured apart, `*` and U+FE0F are 1 + 0.

use unicode_segmentation::UnicodeSegmentation;
use unicode_width::UnicodeWidthStr;

/// Halfwidth katakana voiced and semi-voiced sound marks: zero-width to `unicode-width`, a cell each on screen.
const SOUND_MARKS: [char; 2] = ['\u{FF9E}', '\u{FF9F}'];

/// The columns one grapheme cluster takes on screen.
#[must_use]
pub fn cluster_width(cluster: &str) -> usize {
    match cluster.as_bytes() {
        [b] if b.is_ascii_graphic() || *b == b' ' => 1,
        _ => cluster.width() + cluster.chars().filter(|c| SOUND_MARKS.contains(c)).count(),
    }
}

/// Whether `text` is printable ASCII: one column a byte.
fn printable_ascii(text: &str) -> bool {
    text.bytes().all(|b| (b' '..=b'~').contains(&b))
}

/// The columns `text` takes on one line: the sum of its grapheme clusters' widths.
#[must_use]
pub fn width(text: &str) -> usize {
    if printable_ascii(text) {
        return text.len();
    }
    text.graphemes(true).map(cluster_width).sum()
}

/// The longest start of `text` that takes at most `width` columns, cut between grapheme clusters.
#[must_use]
pub fn fit(text: &str, width: usize) -> &str {
    let mut used = 0;
    for (at, cluster) in text.grapheme_indices(true) {
        used += cluster_width(cluster);
        if used > width {
            return &text[..at];
        }
    }
    text
}

/// The longest end of `text` that takes at most `width` columns, cut between grapheme clusters.
#[must_use]
pub fn fit_end(text: &str, width: usize) -> &str {
    let mut used = 0;
    for (at, cluster) in text.grapheme_indices(true).rev() {
        used += cluster_width(cluster);
        if used > width {
            return &text[at + cluster.len()..];
        }
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_variation_selector_widens_the_emoji_it_follows() {
        assert_eq!(width("*\u{FE0F}"), 2, "keycap asterisk, emoji style");
        assert_eq!(width("a*\u{FE0F}b"), 4);
        assert_eq!(width("\u{2764}\u{FE0F}"), 2, "red heart");
        assert_eq!(width("\u{2764}\u{FE0E}"), 1, "text style");
        assert_eq!(width("x\u{FE0F}"), 1, "no emoji to widen");
        assert_eq!(width("\u{FE0F}"), 0, "on its own");
    }

    #[test]
    fn zwj_sequences_flags_and_marks_are_one_cluster_each() {
        assert_eq!(width("👩\u{200D}👩\u{200D}👧"), 2);
        assert_eq!(width("🏳\u{FE0F}\u{200D}🌈"), 2);
        assert_eq!(width("👍🏽"), 2);
        assert_eq!(width("🇩🇪"), 2);
        assert_eq!(width("e\u{301}"), 1);
        assert_eq!(width("漢字"), 4);
        assert_eq!(width("\u{200B}"), 0);
    }

    #[test]
    fn text_is_cut_between_clusters_to_fit() {
        assert_eq!(
            fit("a*\u{FE0F}b", 2),
            "a",
            "the emoji does not fit in one column"
        );
        assert_eq!(fit("a*\u{FE0F}b", 3), "a*\u{FE0F}");
        assert_eq!(fit("日本語", 5), "日本");
        assert_eq!(fit("abc", 9), "abc");
        assert_eq!(fit_end("a*\u{FE0F}b", 2), "b");
        assert_eq!(fit_end("a👩\u{200D}💻", 2), "👩\u{200D}💻");
        assert_eq!(fit_end("abc", 0), "");
    }

    #[test]
    fn the_wider_reading_wins() {
        // unicode-width shapes lam-alef into one column; a terminal's grid gives each letter its own.
        assert_eq!(width("\u{644}\u{627}"), 2);
        assert!(width("\u{644}\u{627}") >= "\u{644}\u{627}".width());
        // Halfwidth katakana with a sound mark: ratatui's buffer adds a cell for the mark to unicode-width's two, so
        // three, where a terminal draws two: the line leaves a column free rather than spill one.
        assert_eq!(width("ｶﾞ"), 3);
    }

    #[test]
    fn never_narrower_than_unicode_width_measures_the_whole() {
        let parts = [
            "*",
            "a",
            " ",
            "\u{FE0F}",
            "\u{FE0E}",
            "\u{200D}",
            "👩",
            "💻",
            "🇩",
            "🇪",
            "\u{20E3}",
            "❤",
            "\u{301}",
            "漢",
            "\u{1F3FD}",
            "ᄀ",
            "\u{1161}",
            "\u{11A8}",
            "\u{644}",
            "\u{627}",
            "\u{600}",
            "ﾞ",
        ];
        for a in parts {
            for b in parts {
                for c in parts {
                    let text = format!("{a}{b}{c}");
                    assert!(width(&text) >= text.width(), "{text:?}");
                }
            }
        }
    }
}
