//! Tables: box-drawn grids whose columns shrink to fit, or one `header: value` line per cell when they cannot.

use pulldown_cmark::Alignment;
use ratatui::style::Style;
use ratatui::text::Span;

use super::wrap::{self, Run, Spans};
use crate::text;

/// A column is not shrunk below this many columns (or its natural width, if less).
pub(crate) const MIN_COLUMN: usize = 6;

/// A table's cells as styled runs, gathered from the event stream.
#[derive(Debug, Default)]
pub(crate) struct Table {
    alignments: Vec<Alignment>,
    header: Vec<Vec<Run>>,
    rows: Vec<Vec<Vec<Run>>>,
    in_head: bool,
}

/// The box-drawing pieces and styles a table is drawn with.
#[derive(Debug, Clone, Copy)]
pub(crate) struct TableStyles {
    pub(crate) border: Style,
    pub(crate) header: Style,
}

impl Table {
    pub(crate) fn new(alignments: Vec<Alignment>) -> Self {
        Self {
            alignments,
            ..Self::default()
        }
    }

    pub(crate) fn start_head(&mut self) {
        self.in_head = true;
    }

    pub(crate) fn end_head(&mut self) {
        self.in_head = false;
    }

    pub(crate) fn start_row(&mut self) {
        self.rows.push(Vec::new());
    }

    pub(crate) fn push_cell(&mut self, cell: Vec<Run>) {
        match self.rows.last_mut() {
            Some(row) if !self.in_head => row.push(cell),
            _ => self.header.push(cell),
        }
    }

    fn columns(&self) -> usize {
        self.rows
            .iter()
            .map(Vec::len)
            .chain([self.header.len(), self.alignments.len()])
            .max()
            .unwrap_or(0)
    }

    /// The table as lines no wider than `width`: a grid when its columns fit, else records.
    pub(crate) fn render(&self, width: usize, styles: TableStyles) -> Vec<Spans> {
        match self.column_widths(width) {
            Some(widths) => self.grid(&widths, styles),
            None => self.records(width, styles),
        }
    }

    /// The header cell and body cells of column `i`.
    fn column_cells(&self, i: usize) -> impl Iterator<Item = &Vec<Run>> {
        self.header
            .get(i)
            .into_iter()
            .chain(self.rows.iter().filter_map(move |r| r.get(i)))
    }

    /// Each column's width inside its borders, or `None` when even the narrowest columns do not fit.
    fn column_widths(&self, width: usize) -> Option<Vec<usize>> {
        let n = self.columns();
        if n == 0 {
            return None;
        }
        let natural: Vec<usize> = (0..n)
            .map(|i| {
                self.column_cells(i)
                    .map(|c| wrap::measure(c))
                    .max()
                    .unwrap_or(0)
                    .max(1)
            })
            .collect();
        let budget = width.checked_sub(3 * n + 1)?;
        if natural.iter().sum::<usize>() <= budget {
            return Some(natural);
        }
        let least: Vec<usize> = natural.iter().map(|&w| w.min(MIN_COLUMN)).collect();
        // Each column keeps its longest word whole when the table fits that way; only then are words broken.
        let whole_words: Vec<usize> = (0..n)
            .map(|i| {
                let longest = self
                    .column_cells(i)
                    .map(|c| wrap::longest_word(c))
                    .max()
                    .unwrap_or(0);
                least[i].max(longest)
            })
            .collect();
        if let Some(extra) = budget.checked_sub(whole_words.iter().sum()) {
            return Some(shrink(&natural, &whole_words, extra));
        }
        let extra = budget.checked_sub(least.iter().sum())?;
        Some(shrink(&natural, &least, extra))
    }

    fn grid(&self, widths: &[usize], styles: TableStyles) -> Vec<Spans> {
        let rule = |left: &str, mid: &str, right: &str| {
            let mut text = String::from(left);
            for (i, w) in widths.iter().enumerate() {
                if i > 0 {
                    text.push_str(mid);
                }
                text.extend(std::iter::repeat_n('─', w + 2));
            }
            text.push_str(right);
            vec![Span::styled(text, styles.border)]
        };
        let mut lines = vec![rule("┌", "┬", "┐")];
        self.grid_row(&self.header, widths, styles.border, &mut lines);
        if !self.rows.is_empty() {
            lines.push(rule("├", "┼", "┤"));
        }
        for row in &self.rows {
            self.grid_row(row, widths, styles.border, &mut lines);
        }
        lines.push(rule("└", "┴", "┘"));
        lines
    }

    fn grid_row(&self, row: &[Vec<Run>], widths: &[usize], border: Style, lines: &mut Vec<Spans>) {
        let cells: Vec<Vec<Spans>> = widths
            .iter()
            .enumerate()
            .map(|(i, &w)| {
                row.get(i)
                    .map(|cell| wrap::wrap(cell, w, w))
                    .unwrap_or_default()
            })
            .collect();
        let height = cells.iter().map(Vec::len).max().unwrap_or(0).max(1);
        for k in 0..height {
            let mut line = vec![Span::styled("│ ", border)];
            for (i, (&w, cell)) in widths.iter().zip(&cells).enumerate() {
                if i > 0 {
                    line.push(Span::styled(" │ ", border));
                }
                let content = cell.get(k).cloned().unwrap_or_default();
                let used: usize = content.iter().map(|s| text::width(&s.content)).sum();
                let pad = w.saturating_sub(used);
                let (before, after) = match self.alignments.get(i) {
                    Some(Alignment::Right) => (pad, 0),
                    Some(Alignment::Center) => (pad / 2, pad - pad / 2),
                    _ => (0, pad),
                };
                if before > 0 {
                    line.push(Span::raw(" ".repeat(before)));
                }
                line.extend(content);
                if after > 0 {
                    line.push(Span::raw(" ".repeat(after)));
                }
            }
            line.push(Span::styled(" │", border));
            lines.push(line);
        }
    }

    /// The fallback for a narrow screen: each body row as `header: value` lines, rows apart by a blank line.
    fn records(&self, width: usize, styles: TableStyles) -> Vec<Spans> {
        let label = |i: usize| -> String {
            self.header
                .get(i)
                .map(|c| c.iter().map(|(_, t)| t.as_str()).collect())
                .unwrap_or_default()
        };
        let mut lines = Vec::new();
        if self.rows.is_empty() {
            for i in 0..self.columns() {
                lines.extend(wrap::wrap(&[(styles.header, label(i))], width, width));
            }
            return lines;
        }
        for (r, row) in self.rows.iter().enumerate() {
            if r > 0 {
                lines.push(Vec::new());
            }
            for i in 0..self.columns() {
                let mut runs = vec![(styles.header, format!("{}:", label(i)))];
                if let Some(cell) = row.get(i).filter(|c| !c.is_empty()) {
                    runs.push((Style::default(), " ".to_owned()));
                    runs.extend(cell.iter().cloned());
                }
                lines.extend(wrap::wrap(&runs, width, width));
            }
        }
        lines
    }
}

/// Column widths between `least` and `natural` that add up to `least`'s sum plus `extra`, each column given a share
/// of `extra` in proportion to how much it was shrunk.
fn shrink(natural: &[usize], least: &[usize], extra: usize) -> Vec<usize> {
    let wants: Vec<usize> = natural.iter().zip(least).map(|(n, l)| n - l).collect();
    let total: usize = wants.iter().sum();
    if total == 0 {
        return least.to_vec();
    }
    let mut widths: Vec<usize> = least
        .iter()
        .zip(&wants)
        .map(|(l, w)| l + w * extra / total)
        .collect();
    let mut left = (least.iter().sum::<usize>() + extra).saturating_sub(widths.iter().sum());
    let mut order: Vec<usize> = (0..natural.len()).collect();
    order.sort_by_key(|&i| std::cmp::Reverse(wants[i] * extra % total));
    for i in order.into_iter().cycle().take(natural.len() * 2) {
        if left == 0 {
            break;
        }
        if widths[i] < natural[i] {
            widths[i] += 1;
            left -= 1;
        }
    }
    widths
}

#[cfg(test)]
mod tests {
    use super::*;
    use ratatui::style::Modifier;

    fn cell(text: &str) -> Vec<Run> {
        vec![(Style::default(), text.to_owned())]
    }

    fn table(alignments: Vec<Alignment>, header: &[&str], rows: &[&[&str]]) -> Table {
        let mut table = Table::new(alignments);
        table.start_head();
        for h in header {
            table.push_cell(cell(h));
        }
        table.end_head();
        for row in rows {
            table.start_row();
            for c in *row {
                table.push_cell(cell(c));
            }
        }
        table
    }

    fn styles() -> TableStyles {
        TableStyles {
            border: Style::default(),
            header: Style::default().add_modifier(Modifier::BOLD),
        }
    }

    fn texts(lines: &[Spans]) -> Vec<String> {
        lines
            .iter()
            .map(|l| l.iter().map(|s| s.content.as_ref()).collect())
            .collect()
    }

    #[test]
    fn a_small_table_is_boxed() {
        let t = table(
            vec![Alignment::None, Alignment::None],
            &["a", "b"],
            &[&["1", "22"]],
        );
        assert_eq!(
            texts(&t.render(80, styles())),
            [
                "┌───┬────┐",
                "│ a │ b  │",
                "├───┼────┤",
                "│ 1 │ 22 │",
                "└───┴────┘"
            ]
        );
    }

    #[test]
    fn an_emoji_split_between_styles_is_measured_whole() {
        // `*` in code, then U+FE0F in prose: one emoji, two columns wide, as the fuzzer found.
        let code = Style::default().add_modifier(Modifier::ITALIC);
        let mut t = Table::new(vec![Alignment::None, Alignment::None]);
        t.start_head();
        t.push_cell(cell("h0"));
        t.push_cell(cell("h1"));
        t.end_head();
        t.start_row();
        t.push_cell(vec![
            (code, "*".to_owned()),
            (Style::default(), "\u{FE0F}".to_owned()),
        ]);
        t.push_cell(cell("b"));
        let lines = texts(&t.render(63, styles()));
        assert_eq!(lines[3], "│ *\u{FE0F} │ b  │");
        for line in &lines {
            assert_eq!(text::width(line), text::width(&lines[0]), "{lines:#?}");
        }
    }

    #[test]
    fn columns_are_aligned() {
        let t = table(
            vec![Alignment::Left, Alignment::Center, Alignment::Right],
            &["left", "centre", "right"],
            &[&["a", "b", "c"]],
        );
        let lines = texts(&t.render(80, styles()));
        assert_eq!(lines[3], "│ a    │   b    │     c │");
    }

    #[test]
    fn wide_tables_shrink_and_wrap_within_their_columns() {
        let t = table(
            vec![Alignment::None; 2],
            &["term", "meaning"],
            &[&[
                "borrow",
                "a reference that does not own the value it points to",
            ]],
        );
        let lines = t.render(30, styles());
        assert!(
            lines
                .iter()
                .all(|l| l.iter().map(|s| text::width(&s.content)).sum::<usize>() <= 30)
        );
        assert_eq!(
            texts(&lines),
            [
                "┌────────┬───────────────────┐",
                "│ term   │ meaning           │",
                "├────────┼───────────────────┤",
                "│ borrow │ a reference that  │",
                "│        │ does not own the  │",
                "│        │ value it points   │",
                "│        │ to                │",
                "└────────┴───────────────────┘",
            ]
        );
    }

    #[test]
    fn columns_keep_their_longest_word_whole_when_the_table_fits_that_way() {
        // writing-packs 01-what-is-a-pack: "discovery" came out as "discover" / "y" at 80 columns while the last
        // column had room to spare.
        let t = table(
            vec![Alignment::None; 4],
            &["key", "type", "default", "meaning"],
            &[
                &["format", "integer", "1", "pack format version"],
                &[
                    "id",
                    "string",
                    "required",
                    "the course's id; progress is keyed by it",
                ],
                &["authors", "array of strings", "none", ""],
                &[
                    "language",
                    "string",
                    "\"en\"",
                    "a BCP 47 tag such as \"de\" or \"pt-BR\"",
                ],
                &[
                    "pass_mark",
                    "float in (0, 1]",
                    "0.8",
                    "explained two bites on",
                ],
                &[
                    "lessons",
                    "array of paths",
                    "discovery",
                    "lesson files in playing order",
                ],
            ],
        );
        for width in [60, 70, 80] {
            let lines = texts(&t.render(width, styles()));
            assert!(
                lines.iter().all(|l| l.chars().count() <= width),
                "{lines:#?}"
            );
            assert!(
                lines.iter().any(|l| l.contains("│ discovery ")),
                "{width}: {lines:#?}"
            );
            for word in ["pass_mark", "language", "explained", "playing"] {
                assert!(
                    lines.iter().any(|l| l.contains(word)),
                    "{width}: {lines:#?}"
                );
            }
        }
        // Too narrow for whole words: words are broken rather than the grid given up.
        let lines = texts(&t.render(40, styles()));
        assert!(lines[0].starts_with('┌'), "{lines:#?}");
        assert!(lines.iter().all(|l| l.chars().count() <= 40), "{lines:#?}");
    }

    #[test]
    fn too_narrow_for_a_grid_gives_records() {
        let t = table(
            vec![Alignment::None; 3],
            &["name", "type", "default"],
            &[&["width", "u16", "80"], &["color", "bool", ""]],
        );
        let lines = t.render(20, styles());
        assert_eq!(
            texts(&lines),
            [
                "name: width",
                "type: u16",
                "default: 80",
                "",
                "name: color",
                "type: bool",
                "default:"
            ]
        );
        assert_eq!(lines[0][0].style, styles().header);
    }

    #[test]
    fn shrinking_shares_the_room_in_proportion() {
        assert_eq!(shrink(&[10, 30], &[6, 6], 14), vec![8, 18]);
        assert_eq!(shrink(&[3, 40], &[3, 6], 10), vec![3, 16]);
        let widths = shrink(&[7, 7, 7], &[6, 6, 6], 2);
        assert_eq!(widths.iter().sum::<usize>(), 20);
    }
}
