//! A code block laid out plain, with what it takes to highlight its rows later, as far as they are drawn: made by
//! `blocks`, highlighted by `page`.

use ratatui::style::Style;

use super::highlight::Language;

/// One code block put out plain, and what it takes to highlight its rows in place: highlighting changes styles
/// only, never where a line wraps, so each source line keeps the rows it was given.
#[derive(Debug)]
pub(crate) struct LazyCode {
    pub(super) code: String,
    pub(super) language: Language,
    pub(super) theme: &'static str,
    pub(super) base: Style,
    pub(super) indent: &'static str,
    /// The width the lines were wrapped at, after the indent.
    pub(super) width: usize,
    /// The first row of each source line, and after them the row after the block.
    pub(super) rows: Vec<usize>,
    /// For each row of the block, how many spans its prefix (quote bars, list indents) takes.
    pub(super) prefixes: Vec<usize>,
    /// How many source lines are highlighted so far.
    pub(super) done: usize,
}

impl LazyCode {
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn new(
        code: &str,
        language: Language,
        theme: &'static str,
        base: Style,
        indent: &'static str,
        width: usize,
        rows: Vec<usize>,
        prefixes: Vec<usize>,
    ) -> Self {
        Self {
            code: code.to_owned(),
            language,
            theme,
            base,
            indent,
            width,
            rows,
            prefixes,
            done: 0,
        }
    }

    /// The number of source lines that start above row `end`.
    pub(super) fn lines_before(&self, end: usize) -> usize {
        let lines = self.rows.len().saturating_sub(1);
        self.rows[..lines].partition_point(|&row| row < end)
    }
}
