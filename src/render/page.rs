//! A bite rendered for the screen: its lines laid out at once with code plain, and code highlighted only as far as
//! it is drawn, so that no frame waits for syntect to go through a block it does not show.

use ratatui::style::Style;
use ratatui::text::Line;

use super::Styles;
use super::blocks::{self, Mode, code_rows};
use super::highlight::{self, Language};
use super::wrap;

/// One code block put out plain, and what it takes to highlight its rows in place: highlighting changes styles
/// only, never where a line wraps, so each source line keeps the rows it was given.
#[derive(Debug)]
pub(crate) struct LazyCode {
    code: String,
    language: Language,
    theme: &'static str,
    base: Style,
    indent: &'static str,
    /// The width the lines were wrapped at, after the indent.
    width: usize,
    /// The first row of each source line, and after them the row after the block.
    rows: Vec<usize>,
    /// For each row of the block, how many spans its prefix (quote bars, list indents) takes.
    prefixes: Vec<usize>,
    /// How many source lines are highlighted so far.
    done: usize,
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
    fn lines_before(&self, end: usize) -> usize {
        let lines = self.rows.len().saturating_sub(1);
        self.rows[..lines].partition_point(|&row| row < end)
    }
}

/// A bite's lines at one width, their code highlighted as far as [`Page::highlight_to`] was asked.
#[derive(Debug, Default)]
pub struct Page {
    lines: Vec<Line<'static>>,
    code: Vec<LazyCode>,
    styles: Option<Styles>,
}

/// Renders one bite's Markdown as [`super::markdown`] does, but with its code not highlighted yet: call
/// [`Page::highlight_to`] with the rows about to be drawn.
pub fn page(text: &str, width: u16, styles: &Styles) -> Page {
    if width == 0 {
        return Page::default();
    }
    let (lines, code) = blocks::render_lazy(text, usize::from(width), styles, Mode::Document);
    Page {
        lines,
        code,
        styles: Some(styles.clone()),
    }
}

impl Page {
    /// The lines, highlighted as far as asked so far.
    pub fn lines(&self) -> &[Line<'static>] {
        &self.lines
    }

    /// Highlights the code of every row above row `end` that is not highlighted yet. Each block goes on from where
    /// it stopped (syntect's state is kept with the lines it highlighted), so scrolling down costs only the lines
    /// it brings into view. Returns whether any row changed. While highlighting is still loading, nothing changes.
    pub fn highlight_to(&mut self, end: usize) -> bool {
        let Some(styles) = &self.styles else {
            return false;
        };
        let mut changed = false;
        for block in &mut self.code {
            let first = block.rows.first().copied().unwrap_or(usize::MAX);
            if first >= end {
                break;
            }
            let want = block.lines_before(end);
            if want <= block.done {
                continue;
            }
            let Some(runs) = highlight::highlight_lines(
                &block.code,
                block.language,
                block.theme,
                block.base,
                block.done..want,
            ) else {
                continue;
            };
            for (line, raw) in (block.done..).zip(runs) {
                let (start, stop) = (block.rows[line], block.rows[line + 1]);
                let rows = code_rows(&raw, block.width, block.indent, styles);
                if rows.len() != stop - start {
                    continue;
                }
                for (row, content) in (start..stop).zip(rows) {
                    let prefix = block.prefixes[row - first];
                    let spans = &mut self.lines[row].spans;
                    // A row whose content was all blank lost it to trimming: it looks the same in colour.
                    if spans.len() <= prefix {
                        continue;
                    }
                    spans.truncate(prefix);
                    spans.extend(content);
                    wrap::trim_end(spans);
                }
                changed = true;
            }
            block.done = want.max(block.done);
        }
        changed
    }
}
