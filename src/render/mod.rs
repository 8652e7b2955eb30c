//! Rendering pack Markdown for the terminal: styled, wrapped lines, with every control character made visible.
//!
//! [`markdown`] renders a bite, [`inline`] a prompt, a choice or a title, [`plain`] text that is not Markdown; all
//! return ratatui lines no wider than the width asked for. [`page`] renders a bite for the screen, its code
//! highlighted only as far as it is drawn. [`to_terminal_text`] turns lines into text for stdout.
//! Nothing a pack holds reaches the terminal as a control sequence: all of it goes through [`sanitize`].
//!
//! The files: `blocks` walks the Markdown events, `nesting` keeps the open quotes and lists and their line prefixes,
//! `wrap` breaks text into lines, `table` lays out tables, `highlight` colours code, `page` keeps a bite's lines
//! and colours its code as it is scrolled to, `sanitize` neutralises control characters and `ansi` writes SGR
//! sequences.

mod ansi;
mod blocks;
mod highlight;
mod lazy;
mod nesting;
mod page;

mod table;
mod wrap;

use ratatui::style::{Color, Modifier, Style};
use ratatui::text::Line;

pub(crate) use ansi::to_terminal_text;
pub(crate) use highlight::{defer_loading as defer_highlighting, preload as preload_highlighting};
pub(crate) use page::{Page, page};

/// Styles of each Markdown element.
///
/// With `color` false (for `NO_COLOR`) the styles hold no colours but keep their modifiers (bold, italic,
/// underline, reversed), and code is not highlighted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Styles {
    /// Headings of level 1, level 2, and levels 3 to 6.
    pub(crate) heading: [Style; 3],
    pub(crate) emphasis: Style,
    pub(crate) strong: Style,
    pub(crate) strike: Style,
    pub(crate) code_inline: Style,
    /// Code blocks, and the base under highlighted code.
    pub(crate) code_block: Style,
    /// A link's text, and an image's `[image: …]` label.
    pub(crate) link: Style,
    /// A link's `⟨url⟩` and an image's `(path)`.
    pub(crate) link_url: Style,
    /// Text inside block quotes.
    pub(crate) quote: Style,
    /// The `│` bar of each quote level.
    pub(crate) quote_bar: Style,
    /// List bullets, numbers and task boxes.
    pub(crate) list_marker: Style,
    pub(crate) table_border: Style,
    pub(crate) table_header: Style,
    /// Thematic breaks, and the `…` that stands for nesting too deep to draw.
    pub(crate) rule: Style,
    /// Footnote references and definition labels.
    pub(crate) footnote: Style,
    /// Raw HTML, shown as literal text.
    pub(crate) html: Style,
    /// The visible stand-ins for control characters (`␛`, `␇`, `�`), patched over the text's style.
    pub(crate) control: Style,
    /// The `↪` starting each continuation of a code line too long for the screen.
    pub(crate) continuation: Style,
    /// A syntect theme name, for highlighting code: one of syntect's bundled themes.
    pub(crate) syntax_theme: &'static str,
    /// Whether the screens may draw secondary text (hints, footers, counts) dim; high contrast never dims.
    pub(crate) dim_secondary: bool,
    /// Whether the styles hold colours.
    pub(crate) color: bool,
}

const fn fg(color: Color) -> Style {
    Style::new().fg(color)
}

const fn with(modifier: Modifier) -> Style {
    Style::new().add_modifier(modifier)
}

/// The style without its colours.
fn uncoloured(style: Style) -> Style {
    Style::new()
        .add_modifier(style.add_modifier)
        .remove_modifier(style.sub_modifier)
}

impl Styles {
    /// For a dark terminal background.
    pub fn dark() -> Self {
        Self {
            heading: [
                fg(Color::Cyan).add_modifier(Modifier::BOLD.union(Modifier::UNDERLINED)),
                fg(Color::Cyan).add_modifier(Modifier::BOLD),
                fg(Color::LightBlue).add_modifier(Modifier::BOLD.union(Modifier::ITALIC)),
            ],
            emphasis: with(Modifier::ITALIC),
            strong: with(Modifier::BOLD),
            strike: with(Modifier::CROSSED_OUT),
            code_inline: fg(Color::Yellow),
            code_block: fg(Color::Yellow),
            link: fg(Color::LightBlue).add_modifier(Modifier::UNDERLINED),
            link_url: fg(Color::DarkGray),
            quote: fg(Color::Gray).add_modifier(Modifier::ITALIC),
            quote_bar: fg(Color::DarkGray),
            list_marker: fg(Color::Cyan),
            table_border: fg(Color::DarkGray),
            table_header: with(Modifier::BOLD),
            rule: fg(Color::DarkGray),
            footnote: fg(Color::Magenta),
            html: fg(Color::DarkGray),
            control: fg(Color::LightRed).add_modifier(Modifier::BOLD),
            continuation: fg(Color::DarkGray),
            syntax_theme: "base16-ocean.dark",
            dim_secondary: true,
            color: true,
        }
    }

    /// For a light terminal background.
    pub fn light() -> Self {
        Self {
            heading: [
                fg(Color::Blue).add_modifier(Modifier::BOLD.union(Modifier::UNDERLINED)),
                fg(Color::Blue).add_modifier(Modifier::BOLD),
                fg(Color::Magenta).add_modifier(Modifier::BOLD.union(Modifier::ITALIC)),
            ],
            emphasis: with(Modifier::ITALIC),
            strong: with(Modifier::BOLD),
            strike: with(Modifier::CROSSED_OUT),
            code_inline: fg(Color::Red),
            code_block: fg(Color::Magenta),
            link: fg(Color::Blue).add_modifier(Modifier::UNDERLINED),
            link_url: fg(Color::DarkGray),
            quote: fg(Color::DarkGray).add_modifier(Modifier::ITALIC),
            quote_bar: fg(Color::DarkGray),
            list_marker: fg(Color::Blue),
            table_border: fg(Color::DarkGray),
            table_header: with(Modifier::BOLD),
            rule: fg(Color::DarkGray),
            footnote: fg(Color::Magenta),
            html: fg(Color::DarkGray),
            control: fg(Color::Red).add_modifier(Modifier::BOLD),
            continuation: fg(Color::DarkGray),
            syntax_theme: "InspiredGitHub",
            dim_secondary: true,
            color: true,
        }
    }

    /// Bright colours and heavier modifiers, for low vision or a washed-out screen.
    pub fn high_contrast() -> Self {
        Self {
            heading: [
                fg(Color::LightYellow).add_modifier(Modifier::BOLD.union(Modifier::UNDERLINED)),
                fg(Color::LightYellow).add_modifier(Modifier::BOLD),
                fg(Color::White).add_modifier(Modifier::BOLD.union(Modifier::ITALIC)),
            ],
            emphasis: with(Modifier::ITALIC),
            strong: with(Modifier::BOLD),
            strike: with(Modifier::CROSSED_OUT),
            code_inline: fg(Color::LightGreen),
            code_block: fg(Color::LightGreen),
            link: fg(Color::LightCyan).add_modifier(Modifier::UNDERLINED),
            link_url: fg(Color::White),
            quote: fg(Color::White).add_modifier(Modifier::ITALIC),
            quote_bar: fg(Color::White),
            list_marker: fg(Color::LightYellow).add_modifier(Modifier::BOLD),
            table_border: fg(Color::White),
            table_header: fg(Color::White).add_modifier(Modifier::BOLD),
            rule: fg(Color::White),
            footnote: fg(Color::LightMagenta),
            html: fg(Color::White),
            control: fg(Color::White).bg(Color::Red).add_modifier(Modifier::BOLD),
            continuation: fg(Color::White),
            syntax_theme: "base16-eighties.dark",
            dim_secondary: false,
            color: true,
        }
    }

    /// The same styles without any colour (for `NO_COLOR`): modifiers stay, and inline code, which colour alone set
    /// apart, is shown reversed when it has no modifier of its own.
    #[must_use]
    pub fn without_color(self) -> Self {
        let code_inline = if self.code_inline.add_modifier.is_empty() {
            self.code_inline.add_modifier(Modifier::REVERSED)
        } else {
            self.code_inline
        };
        Self {
            heading: self.heading.map(uncoloured),
            emphasis: uncoloured(self.emphasis),
            strong: uncoloured(self.strong),
            strike: uncoloured(self.strike),
            code_inline: uncoloured(code_inline),
            code_block: uncoloured(self.code_block),
            link: uncoloured(self.link),
            link_url: uncoloured(self.link_url),
            quote: uncoloured(self.quote),
            quote_bar: uncoloured(self.quote_bar),
            list_marker: uncoloured(self.list_marker),
            table_border: uncoloured(self.table_border),
            table_header: uncoloured(self.table_header),
            rule: uncoloured(self.rule),
            footnote: uncoloured(self.footnote),
            html: uncoloured(self.html),
            control: uncoloured(self.control),
            continuation: uncoloured(self.continuation),
            syntax_theme: self.syntax_theme,
            dim_secondary: self.dim_secondary,
            color: false,
        }
    }
}

impl Default for Styles {
    fn default() -> Self {
        Self::dark()
    }
}

/// Renders one bite's Markdown to lines no wider than `width` display columns (none at all for width 0).
///
/// Blocks are one blank line apart; quotes and lists nest to any depth, their prefixes capped so that at least 10
/// columns (half the width on screens under 20) are left for the text; code is highlighted when its language is
/// known and `styles.color` is set, and hard-wrapped with `↪` rather than exceed the width.
pub fn markdown(text: &str, width: u16, styles: &Styles) -> Vec<Line<'static>> {
    if width == 0 {
        return Vec::new();
    }
    blocks::render(text, usize::from(width), styles, blocks::Mode::Document)
}

/// Plain text, not Markdown (a title, an accepted answer), wrapped at spaces to lines no wider than `width`;
/// control characters are shown as visible symbols in `styles.control`, and '\n' breaks a line.
pub fn plain(text: &str, width: u16, styles: &Styles) -> Vec<Line<'static>> {
    if width == 0 {
        return Vec::new();
    }
    let runs = blocks::sanitized_runs(text, Style::default(), styles.control);
    let width = usize::from(width);
    wrap::wrap(&runs, width, width)
        .into_iter()
        .map(Line::from)
        .collect()
}

/// Plain inline Markdown (a prompt, a choice, a title) rendered as wrapped lines at `width`: inline styles only, no
/// heading styles and no blank lines between blocks; list markers and quote bars are kept, as they carry meaning.
pub fn inline(text: &str, width: u16, styles: &Styles) -> Vec<Line<'static>> {
    if width == 0 {
        return Vec::new();
    }
    blocks::render(text, usize::from(width), styles, blocks::Mode::Inline)
}

#[cfg(test)]
mod tests;
