//! Wrapping styled text by display width: grapheme clusters (unicode-segmentation; printable ASCII a byte a column)
//! kept whole, even where one begins in a run and ends in the next, each measured by [`text::cluster_width`]; prose
//! broken at spaces, code hard-wrapped with a marker.

use std::borrow::Cow;

use ratatui::style::Style;
use ratatui::text::Span;
use unicode_segmentation::UnicodeSegmentation;

use crate::text;

/// A run of sanitised text in one style: what the block renderer hands to the wrapper.
pub(crate) type Run = (Style, String);

/// The spans of one output line.
pub(crate) type Spans = Vec<Span<'static>>;

/// What a cluster wider than a whole line is shown as (a CJK character in a one-column space).
pub(crate) const TOO_WIDE: &str = "\u{FFFD}";

/// The grapheme clusters of `text` (extended, as UAX #29 defines them: a letter with its marks, a Hangul syllable
/// of jamo, an emoji ZWJ sequence, a flag) with their display widths. '\n' is a cluster of its own, of width 0.
pub(crate) fn clusters(text: &str) -> Clusters<'_> {
    if simple(text) {
        Clusters::Ascii(text)
    } else {
        Clusters::Unicode(text.graphemes(true))
    }
}

/// Whether `text` is printable ASCII and '\n' only: then every byte is a cluster of its own, of width 1 ('\n' 0),
/// and segmenting it is skipped.
fn simple(text: &str) -> bool {
    text.bytes()
        .all(|b| b == b'\n' || (b' '..=b'~').contains(&b))
}

/// The iterator of [`clusters`].
pub(crate) enum Clusters<'a> {
    /// Text that [`simple`] holds for, what is left of it.
    Ascii(&'a str),
    Unicode(unicode_segmentation::Graphemes<'a>),
}

impl<'a> Iterator for Clusters<'a> {
    type Item = (&'a str, usize);

    fn next(&mut self) -> Option<Self::Item> {
        match self {
            Self::Ascii(text) => {
                let (cluster, rest) = text.split_at_checked(1)?;
                *text = rest;
                Some((cluster, usize::from(cluster != "\n")))
            }
            Self::Unicode(graphemes) => graphemes.next().map(|cluster| {
                let width = if cluster == "\n" {
                    0
                } else {
                    text::cluster_width(cluster)
                };
                (cluster, width)
            }),
        }
    }
}

/// `runs` with no grapheme cluster cut between two of them: what continues a cluster begun in the run before (a
/// variation selector, a combining mark, a ZWJ and the emoji it joins) moves into that run and its style. Measured
/// apart, `*` in one run and U+FE0F in the next are 1 + 0 columns; on screen the pair is one emoji of 2.
pub(crate) fn whole_clusters(runs: &[Run]) -> Cow<'_, [Run]> {
    // Two printable ASCII characters (controls are made visible before wrapping) always have a cluster boundary
    // between them: only a join with anything else can fall inside a cluster.
    let unsure = |before: &str, after: &str| {
        !before.chars().next_back().is_none_or(|c| c.is_ascii())
            || !after.chars().next().is_none_or(|c| c.is_ascii())
    };
    let texts = runs
        .iter()
        .map(|(_, t)| t.as_str())
        .filter(|t| !t.is_empty());
    if !texts
        .clone()
        .zip(texts.skip(1))
        .any(|(before, after)| unsure(before, after))
    {
        return Cow::Borrowed(runs);
    }
    let all: String = runs.iter().map(|(_, t)| t.as_str()).collect();
    let mut starts = Vec::with_capacity(runs.len());
    let mut at = 0;
    for (_, text) in runs {
        starts.push(at);
        at += text.len();
    }
    let mut out: Vec<Run> = Vec::with_capacity(runs.len());
    let mut run = 0;
    let mut last_run = usize::MAX;
    for (i, cluster) in all.grapheme_indices(true) {
        // The run this cluster begins in (past any empty runs).
        while starts.get(run + 1).is_some_and(|&start| start <= i) {
            run += 1;
        }
        match out.last_mut() {
            Some((_, text)) if last_run == run => text.push_str(cluster),
            _ => out.push((runs[run].0, cluster.to_owned())),
        }
        last_run = run;
    }
    Cow::Owned(out)
}

/// The width of the widest line of `runs` (lines end at '\n').
pub(crate) fn measure(runs: &[Run]) -> usize {
    let runs = whole_clusters(runs);
    let mut widest = 0;
    let mut line = 0;
    for (_, text) in runs.iter() {
        for (cluster, w) in clusters(text) {
            if cluster == "\n" {
                line = 0;
            } else {
                line += w;
                widest = widest.max(line);
            }
        }
    }
    widest
}

/// The width of the widest word of `runs`: the least width at which [`wrap`] breaks no word. Words end at spaces and
/// '\n', and a wide (CJK) character is a word of its own, as lines may break around it.
pub(crate) fn longest_word(runs: &[Run]) -> usize {
    let runs = whole_clusters(runs);
    let mut widest = 0;
    let mut word = 0;
    for (_, text) in runs.iter() {
        for (cluster, w) in clusters(text) {
            if cluster == " " || cluster == "\n" || w >= 2 {
                word = 0;
                widest = widest.max(w);
            } else {
                word += w;
                widest = widest.max(word);
            }
        }
    }
    widest
}

/// Appends `text` to `line`, into its last span when the style is the same.
pub(crate) fn push_span(line: &mut Spans, style: Style, text: &str) {
    if let Some(last) = line.last_mut()
        && last.style == style
    {
        last.content.to_mut().push_str(text);
    } else {
        line.push(Span::styled(text.to_owned(), style));
    }
}

/// Removes the whitespace at the end of `line`, and the spans it leaves empty.
pub(crate) fn trim_end(line: &mut Spans) {
    while let Some(last) = line.last_mut() {
        let kept = last.content.trim_end().len();
        if kept == 0 {
            line.pop();
        } else {
            if kept < last.content.len() {
                last.content.to_mut().truncate(kept);
            }
            return;
        }
    }
}

/// Text gathered for a word or for the spaces before it, in styled runs.
#[derive(Default)]
struct Pending {
    text: String,
    /// Each run's style and the end of its text.
    runs: Vec<(Style, usize)>,
    width: usize,
}

impl Pending {
    fn push(&mut self, style: Style, text: &str, width: usize) {
        self.text.push_str(text);
        match self.runs.last_mut() {
            Some((last, end)) if *last == style => *end = self.text.len(),
            _ => self.runs.push((style, self.text.len())),
        }
        self.width += width;
    }

    fn clear(&mut self) {
        self.text.clear();
        self.runs.clear();
        self.width = 0;
    }

    fn is_empty(&self) -> bool {
        self.runs.is_empty()
    }

    fn pieces(&self) -> impl Iterator<Item = (Style, &str)> {
        let mut start = 0;
        self.runs.iter().map(move |&(style, end)| {
            let piece = &self.text[start..end];
            start = end;
            (style, piece)
        })
    }
}

/// Greedy line filling, one cluster at a time.
struct Wrapper {
    first: usize,
    rest: usize,
    lines: Vec<Spans>,
    line: Spans,
    line_width: usize,
    space: Pending,
    word: Pending,
}

impl Wrapper {
    fn avail(&self) -> usize {
        let avail = if self.lines.is_empty() {
            self.first
        } else {
            self.rest
        };
        avail.max(1)
    }

    fn cluster(&mut self, style: Style, cluster: &str, width: usize) {
        match cluster {
            "\n" => {
                self.place_word();
                self.space.clear();
                self.break_line();
            }
            " " => {
                self.place_word();
                self.space.push(style, cluster, width);
            }
            _ if width >= 2 => {
                // A line may break before and after any wide (CJK) character.
                self.place_word();
                self.word.push(style, cluster, width);
                self.place_word();
            }
            _ => self.word.push(style, cluster, width),
        }
    }

    fn append(&mut self, style: Style, text: &str, width: usize) {
        push_span(&mut self.line, style, text);
        self.line_width += width;
    }

    fn break_line(&mut self) {
        self.lines.push(std::mem::take(&mut self.line));
        self.line_width = 0;
    }

    fn place_word(&mut self) {
        if self.word.is_empty() {
            return;
        }
        let word = std::mem::take(&mut self.word);
        let space = std::mem::take(&mut self.space);
        let mut placed = false;
        if !self.line.is_empty() {
            if self.line_width + space.width + word.width <= self.avail() {
                for (style, text) in space.pieces() {
                    self.append(style, text, 0);
                }
                self.line_width += space.width;
                for (style, text) in word.pieces() {
                    self.append(style, text, 0);
                }
                self.line_width += word.width;
                placed = true;
            } else {
                self.break_line();
            }
        }
        if !placed {
            if word.width <= self.avail() {
                for (style, text) in word.pieces() {
                    self.append(style, text, 0);
                }
                self.line_width += word.width;
            } else {
                for (style, text) in word.pieces() {
                    for (cluster, width) in clusters(text) {
                        self.put_cluster(style, cluster, width);
                    }
                }
            }
        }
        self.word = word;
        self.word.clear();
        self.space = space;
        self.space.clear();
    }

    /// Places one cluster of a word too long for a line, breaking the line before it when it does not fit.
    fn put_cluster(&mut self, style: Style, cluster: &str, width: usize) {
        if self.line_width + width > self.avail() && !self.line.is_empty() {
            self.break_line();
        }
        if width > self.avail() {
            self.append(style, TOO_WIDE, 1);
        } else {
            self.append(style, cluster, width);
        }
    }

    fn finish(mut self) -> Vec<Spans> {
        self.place_word();
        if !self.line.is_empty() {
            self.lines.push(self.line);
        }
        self.lines
    }
}

/// Wraps `runs` into lines of at most `first` columns (the first line) and `rest` columns (the others).
///
/// Lines break at spaces (dropped at the break), before and after wide characters, and at '\n'; a word longer than a
/// line is broken between clusters, and a cluster wider than a whole line is shown as '�'.
pub(crate) fn wrap(runs: &[Run], first: usize, rest: usize) -> Vec<Spans> {
    let runs = whole_clusters(runs);
    let mut wrapper = Wrapper {
        first,
        rest,
        lines: Vec::new(),
        line: Vec::new(),
        line_width: 0,
        space: Pending::default(),
        word: Pending::default(),
    };
    for (style, text) in runs.iter() {
        if !simple(text) {
            for (cluster, width) in clusters(text) {
                wrapper.cluster(*style, cluster, width);
            }
            continue;
        }
        // Printable ASCII: a word at a time, each byte a column.
        let mut rest = text.as_str();
        while !rest.is_empty() {
            let end = rest.find([' ', '\n']).unwrap_or(rest.len()).max(1);
            let (piece, after) = rest.split_at(end);
            if piece == " " || piece == "\n" {
                wrapper.cluster(*style, piece, usize::from(piece == " "));
            } else {
                wrapper.word.push(*style, piece, end);
            }
            rest = after;
        }
    }
    wrapper.finish()
}

/// Whether a code line may break after this cluster.
fn breaks_after(cluster: &str) -> bool {
    matches!(
        cluster,
        " " | "," | ";" | "(" | "[" | "{" | "." | ":" | "=" | "/" | "|" | "&" | ">"
    )
}

/// Hard-wraps one line of code (or of literal HTML) to `width` columns, keeping its spaces.
///
/// A line that is too long breaks after the last space or punctuation that keeps at least a third of it, else
/// between clusters; each continuation line starts with `marker` (such as "↪ ") when `width` leaves room for it,
/// after the line's own indentation when that takes at most half the width.
pub(crate) fn wrap_code(
    runs: &[Run],
    width: usize,
    marker: &str,
    marker_style: Style,
) -> Vec<Spans> {
    let width = width.max(1);
    let runs = whole_clusters(runs);
    // Most lines of code are short and ASCII: one row, the runs as they are.
    if runs
        .iter()
        .all(|(_, text)| !text.contains('\n') && simple(text))
        && runs.iter().map(|(_, text)| text.len()).sum::<usize>() <= width
    {
        let mut line = Vec::with_capacity(runs.len());
        for (style, text) in runs.iter() {
            if !text.is_empty() {
                push_span(&mut line, *style, text);
            }
        }
        return vec![line];
    }
    let cells: Vec<(Style, &str, usize)> = runs
        .iter()
        .flat_map(|(style, text)| clusters(text).map(move |(c, w)| (*style, c, w)))
        .collect();
    let marker_width = width_of_marker(marker, width);
    // Continuations keep the line's indentation when there is room for it.
    let indent = cells.iter().take_while(|&&(_, c, _)| c == " ").count();
    let indent = if marker_width > 0 && indent + marker_width <= width / 2 {
        indent
    } else {
        0
    };
    let mut lines = Vec::new();
    let mut start = 0;
    loop {
        let lead = if lines.is_empty() {
            0
        } else {
            indent + marker_width
        };
        let avail = width - lead;
        let shown = |w: usize| if w > avail { 1 } else { w };
        let mut used = 0;
        let mut end = start;
        while let Some(&(_, _, w)) = cells.get(end) {
            if used + shown(w) > avail {
                break;
            }
            used += shown(w);
            end += 1;
        }
        let cut = if end >= cells.len() {
            cells.len()
        } else {
            let keep = start + (end - start) / 3;
            let after_space = (keep + 1..=end).rev().find(|&b| cells[b - 1].1 == " ");
            let after_punct = || {
                (keep + 1..=end)
                    .rev()
                    .find(|&b| breaks_after(cells[b - 1].1))
            };
            after_space
                .or_else(after_punct)
                .unwrap_or(end)
                .max(start + 1)
        };
        let mut line = Vec::new();
        if lead > 0 {
            if indent > 0 {
                line.push(Span::raw(" ".repeat(indent)));
            }
            line.push(Span::styled(marker.to_owned(), marker_style));
        }
        for &(style, cluster, w) in &cells[start..cut] {
            push_span(&mut line, style, if w > avail { TOO_WIDE } else { cluster });
        }
        lines.push(line);
        start = cut;
        if start >= cells.len() {
            return lines;
        }
    }
}

/// The width given to the continuation marker: none when the line is too narrow to spare it.
fn width_of_marker(marker: &str, width: usize) -> usize {
    let marker_width = text::width(marker);
    if width >= 2 * marker_width + 3 {
        marker_width
    } else {
        0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ratatui::style::Modifier;

    fn plain(text: &str) -> Vec<Run> {
        vec![(Style::default(), text.to_owned())]
    }

    fn texts(lines: &[Spans]) -> Vec<String> {
        lines
            .iter()
            .map(|l| l.iter().map(|s| s.content.as_ref()).collect())
            .collect()
    }

    fn widest(lines: &[Spans]) -> usize {
        lines
            .iter()
            .map(|l| text::width(&l.iter().map(|s| s.content.as_ref()).collect::<String>()))
            .max()
            .unwrap_or(0)
    }

    #[test]
    fn a_cluster_begun_in_one_run_is_finished_in_it() {
        let code = Style::default().add_modifier(Modifier::BOLD);
        let runs = vec![
            (code, "*".to_owned()),
            (Style::default(), "\u{FE0F} b".to_owned()),
        ];
        assert_eq!(
            whole_clusters(&runs).into_owned(),
            vec![
                (code, "*\u{FE0F}".to_owned()),
                (Style::default(), " b".to_owned())
            ]
        );
        // The emoji is two columns wide wherever it is measured, and a line holding it fits.
        assert_eq!(measure(&runs), 4);
        assert_eq!(longest_word(&runs), 2);
        for width in 1..6 {
            let lines = wrap(&runs, width, width);
            assert!(widest(&lines) <= width.max(1), "{width}: {lines:?}");
            let lines = wrap_code(&runs, width, "↪ ", Style::default());
            assert!(widest(&lines) <= width.max(1), "{width}: {lines:?}");
        }
        // A ZWJ sequence cut between runs, and a run that is all continuation.
        let runs = vec![
            (code, "👩\u{200D}".to_owned()),
            (Style::default(), "💻".to_owned()),
            (Style::default(), String::new()),
            (code, "\u{301}x".to_owned()),
        ];
        assert_eq!(
            whole_clusters(&runs).into_owned(),
            vec![
                (code, "👩\u{200D}💻\u{301}".to_owned()),
                (code, "x".to_owned())
            ]
        );
        // Printable ASCII joins are left as they are.
        let ascii = plain("a b");
        assert!(matches!(whole_clusters(&ascii), Cow::Borrowed(_)));
    }

    #[test]
    fn widths_are_those_ratatui_lays_out() {
        use ratatui::buffer::CellWidth;
        for cluster in [
            "a",
            "*\u{FE0F}",
            "❤\u{FE0E}",
            "👩\u{200D}👩\u{200D}👧",
            "🇩🇪",
            "e\u{301}",
            "漢",
            "ｶﾞ",
            "\u{644}",
            "👍🏽",
            "\u{200B}",
        ] {
            assert_eq!(
                text::cluster_width(cluster),
                usize::from(cluster.cell_width()),
                "{cluster:?}"
            );
        }
    }

    #[test]
    fn clusters_keep_combining_marks_and_joined_emoji() {
        let got: Vec<_> = clusters("e\u{301}漢👍🏽👩\u{200D}💻🇫🇷\n").collect();
        assert_eq!(
            got,
            vec![
                ("e\u{301}", 1),
                ("漢", 2),
                ("👍🏽", 2),
                ("👩\u{200D}💻", 2),
                ("🇫🇷", 2),
                ("\n", 0)
            ]
        );
    }

    #[test]
    fn clusters_are_whole_graphemes_where_marks_of_width_one_follow() {
        // A spacing vowel sign (Devanagari, Thai), a Hangul syllable spelt in conjoining jamo, a keycap, and an
        // emoji ZWJ sequence through a presentation selector.
        let hindi = "\u{915}\u{93F}"; // कि
        let thai = "\u{E01}\u{E33}"; // กำ
        let jamo = "\u{1100}\u{1100}\u{1161}"; // ᄀ가
        let keycap = "1\u{FE0F}\u{20E3}";
        let heart = "\u{2764}\u{FE0F}\u{200D}\u{1F525}"; // ❤️‍🔥
        let text = format!("{hindi}{thai}{jamo}{keycap}{heart}");
        let got: Vec<&str> = clusters(&text).map(|(c, _)| c).collect();
        assert_eq!(got, [hindi, thai, jamo, keycap, heart]);
    }

    #[test]
    fn a_long_word_breaks_between_graphemes_only() {
        let hindi = "\u{915}\u{93F}";
        let word = hindi.repeat(5);
        for width in 1..=6 {
            for line in texts(&wrap(&plain(&word), width, width)) {
                assert!(
                    line.is_empty() || line == TOO_WIDE || line.split(hindi).all(str::is_empty),
                    "width {width}: {line:?}"
                );
            }
        }
    }

    #[test]
    fn words_wrap_at_spaces() {
        let lines = wrap(&plain("the quick brown fox jumps over"), 10, 10);
        assert_eq!(texts(&lines), ["the quick", "brown fox", "jumps over"]);
    }

    #[test]
    fn first_line_may_be_narrower() {
        let lines = wrap(&plain("aaa bbb ccc ddd"), 4, 8);
        assert_eq!(texts(&lines), ["aaa", "bbb ccc", "ddd"]);
    }

    #[test]
    fn long_words_are_hard_broken() {
        let lines = wrap(&plain("go abcdefghijkl"), 5, 5);
        assert_eq!(texts(&lines), ["go", "abcde", "fghij", "kl"]);
    }

    #[test]
    fn wide_characters_count_two_and_may_break_anywhere() {
        let lines = wrap(&plain("漢字かな交じり文"), 6, 6);
        assert_eq!(texts(&lines), ["漢字か", "な交じ", "り文"]);
        assert_eq!(widest(&lines), 6);
    }

    #[test]
    fn combining_marks_stay_with_their_base() {
        let word = "e\u{301}".repeat(7);
        let lines = wrap(&plain(&word), 3, 3);
        assert_eq!(
            texts(&lines),
            [
                "e\u{301}".repeat(3),
                "e\u{301}".repeat(3),
                "e\u{301}".to_owned()
            ]
        );
    }

    #[test]
    fn styles_are_kept_across_a_word() {
        let bold = Style::default().add_modifier(Modifier::BOLD);
        let runs = vec![
            (Style::default(), "a fo".to_owned()),
            (bold, "oba".to_owned()),
            (Style::default(), "r b".to_owned()),
        ];
        let lines = wrap(&runs, 6, 6);
        assert_eq!(texts(&lines), ["a", "foobar", "b"]);
        assert_eq!(lines[1][1], Span::styled("oba", bold));
    }

    #[test]
    fn newlines_break_lines() {
        let lines = wrap(&plain("one\n\ntwo"), 10, 10);
        assert_eq!(texts(&lines), ["one", "", "two"]);
    }

    #[test]
    fn a_character_too_wide_for_the_line_is_replaced() {
        let lines = wrap(&plain("漢a"), 1, 1);
        assert_eq!(texts(&lines), [TOO_WIDE, "a"]);
    }

    #[test]
    fn code_breaks_after_a_space_with_a_marker() {
        let lines = wrap_code(
            &plain("let total = first + second;"),
            12,
            "↪ ",
            Style::default(),
        );
        assert_eq!(texts(&lines), ["let total = ", "↪ first + ", "↪ second;"]);
        assert!(widest(&lines) <= 12);
    }

    #[test]
    fn code_continuations_keep_the_indentation() {
        let lines = wrap_code(&plain("    call(alpha, beta)"), 16, "↪ ", Style::default());
        assert_eq!(texts(&lines), ["    call(alpha, ", "    ↪ beta)"]);
    }

    #[test]
    fn code_without_breaks_is_cut_between_clusters() {
        let lines = wrap_code(&plain("abcdefghijklmnop"), 8, "↪ ", Style::default());
        assert_eq!(texts(&lines), ["abcdefgh", "↪ ijklmn", "↪ op"]);
    }

    #[test]
    fn short_code_is_one_line_and_empty_code_an_empty_line() {
        assert_eq!(
            texts(&wrap_code(&plain("    x"), 8, "↪ ", Style::default())),
            ["    x"]
        );
        assert_eq!(
            texts(&wrap_code(&plain(""), 8, "↪ ", Style::default())),
            [""]
        );
    }

    #[test]
    fn wrapped_lines_never_exceed_the_width() {
        let samples = [
            "Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor",
            "漢字とかなの混じった文章です。English words mixed in 中文 text",
            "emoji 👩\u{200D}👩\u{200D}👧 family 🇯🇵 flags ❤\u{FE0F} hearts 👍🏽 thumbs",
            "https://example.com/a/very/long/path/that/does/not/fit/anywhere?query=string",
            "a\u{301}\u{302}b\u{303} c\u{20DD} ลูก ภาษาไทย हिन्दी",
        ];
        for text in samples {
            for width in 1..=40 {
                let lines = wrap(&plain(text), width, width);
                assert!(
                    widest(&lines) <= width,
                    "{text:?} at {width}: {:?}",
                    texts(&lines)
                );
                let code = wrap_code(&plain(text), width, "↪ ", Style::default());
                assert!(
                    widest(&code) <= width,
                    "code {text:?} at {width}: {:?}",
                    texts(&code)
                );
            }
        }
    }

    #[test]
    fn trim_end_crosses_spans() {
        let mut line = vec![Span::raw("a "), Span::raw("  ")];
        trim_end(&mut line);
        assert_eq!(line, vec![Span::raw("a")]);
    }

    #[test]
    fn the_longest_word_is_measured_across_runs_and_around_wide_characters() {
        let runs = vec![
            (Style::default(), "a disc".to_owned()),
            (Style::default(), "overy b\nlonger".to_owned()),
        ];
        assert_eq!(longest_word(&runs), 9);
        assert_eq!(longest_word(&plain("漢字かな ab")), 2);
        assert_eq!(longest_word(&plain("")), 0);
    }

    #[test]
    fn measure_takes_the_widest_line() {
        assert_eq!(measure(&plain("ab\n漢字x\n")), 5);
    }
}
