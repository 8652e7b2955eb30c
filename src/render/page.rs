//! A bite rendered for the screen: its lines laid out at once with code plain, and code highlighted only as far as
//! it is drawn, so that no frame waits for syntect to go through a block it does not show.

use ratatui::text::Line;

use super::Styles;
use super::blocks::{self, Mode, code_rows};
use super::highlight;
use super::lazy::LazyCode;
use super::wrap;

/// A bite's lines at one width, their code highlighted as far as [`Page::highlight_to`] was asked.
#[derive(Debug, Default)]
pub(crate) struct Page {
    lines: Vec<Line<'static>>,
    code: Vec<LazyCode>,
    styles: Option<Styles>,
}

/// Renders one bite's Markdown as [`super::markdown`] does, but with its code not highlighted yet: call
/// [`Page::highlight_to`] with the rows about to be drawn.
pub(crate) fn page(text: &str, width: u16, styles: &Styles) -> Page {
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
    pub(crate) fn lines(&self) -> &[Line<'static>] {
        &self.lines
    }

    /// Highlights the code of every row above row `end` that is not highlighted yet. Each block goes on from where
    /// it stopped (syntect's state is kept with the lines it highlighted), so scrolling down costs only the lines
    /// it brings into view. Returns whether any row changed. While highlighting is still loading, nothing changes.
    pub(crate) fn highlight_to(&mut self, end: usize) -> bool {
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
