//! The block renderer: pulldown-cmark's flat event stream walked with explicit stacks (no recursion, so nesting depth
//! costs no stack), each block laid out under the prefixes of the containers around it.

use std::collections::HashMap;
use std::mem;

use pulldown_cmark::{
    BlockQuoteKind, CodeBlockKind, Event, HeadingLevel, LinkType, Parser, Tag, TagEnd,
};
use ratatui::style::Style;
use ratatui::text::{Line, Span};

use super::Styles;
use super::highlight::{self, Language, LineHighlighter};
use super::lazy::LazyCode;
use super::nesting::{Container, MIN_TEXT, Nesting, Which};
use super::table::{Table, TableStyles};
use super::wrap::{self, Run, Spans};
use crate::pack;
use crate::text::depth::beyond;
use crate::text::sanitize::{self, Piece};

/// How much of the Markdown's block structure is drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Mode {
    /// A whole bite: headings styled, blocks one blank line apart.
    Document,
    /// A prompt, a choice or a title: no blank lines between blocks and no heading styles.
    Inline,
}

/// Bullets of unordered lists, by nesting depth.
const BULLETS: [&str; 3] = ["• ", "◦ ", "▪ "];

/// Starts each continuation of a code line too long for the screen.
pub(crate) const CONTINUATION: &str = "↪ ";

/// Indents code blocks when the width allows.
const CODE_INDENT: &str = "  ";

/// The block being gathered, for blocks rendered whole at their end.
#[derive(Debug, Default)]
enum Leaf {
    #[default]
    None,
    Code {
        language: Option<Language>,
        text: String,
    },
    Html(String),
    Table(Table),
}

/// Where a link or image began in the inline runs: the number of runs and the length of the last.
type Mark = (usize, usize);

/// The state of one rendering: every stack is explicit, so no Markdown nests the Rust stack.
struct Renderer<'s> {
    styles: &'s Styles,
    width: usize,
    mode: Mode,
    /// The lines put out so far.
    out: Vec<Line<'static>>,
    /// The open quotes, lists, items and footnotes.
    nesting: Nesting,
    /// Whether a blank line is owed before the next block.
    pending_gap: bool,
    /// How many quotes are open: their text takes the quote style.
    quote_depth: usize,
    /// How many lists are open: it picks the bullet.
    list_depth: usize,
    /// How many quotes and lists are open, the depth rule's levels (`text::depth`): those past the limit open no
    /// container, their content flattened into the last level.
    levels: usize,
    /// The inline text of the paragraph, heading, item or table cell being gathered.
    inline: Vec<Run>,
    /// The inline style at each open span (emphasis, link, heading…), each on top of the one before.
    style_stack: Vec<Style>,
    /// Open links: where their text began, their destination and kind.
    links: Vec<(Mark, String, LinkType)>,
    /// Open images: where their alt text began, and their path.
    images: Vec<(Mark, String)>,
    leaf: Leaf,
    /// Footnote labels and their numbers, given in order of first appearance (a reference or a definition).
    footnote_numbers: HashMap<String, usize>,
    /// Open footnote definitions: their number, where their lines begin in `out`, and the gap owed before them.
    open_notes: Vec<(usize, usize, bool)>,
    /// Footnote definitions rendered so far, with their numbers: they are put out at the end.
    notes: Vec<(usize, Vec<Line<'static>>)>,
    /// When rendering for the screen: code blocks put out plain, to be highlighted as they are scrolled to.
    lazy: Option<Vec<LazyCode>>,
}

/// Renders `text` to lines no wider than `width` (at least 1), its code highlighted in full.
pub(crate) fn render(text: &str, width: usize, styles: &Styles, mode: Mode) -> Vec<Line<'static>> {
    render_with(text, width, styles, mode, false).0
}

/// Renders `text` to lines no wider than `width` (at least 1), every code block that would be highlighted put out
/// plain and described by a [`LazyCode`], so that it can be highlighted later, as far as it is drawn.
pub(crate) fn render_lazy(
    text: &str,
    width: usize,
    styles: &Styles,
    mode: Mode,
) -> (Vec<Line<'static>>, Vec<LazyCode>) {
    render_with(text, width, styles, mode, true)
}

fn render_with(
    text: &str,
    width: usize,
    styles: &Styles,
    mode: Mode,
    lazy: bool,
) -> (Vec<Line<'static>>, Vec<LazyCode>) {
    let mut renderer = Renderer {
        styles,
        width: width.max(1),
        mode,
        out: Vec::new(),
        nesting: Nesting::new(width.max(1)),
        pending_gap: false,
        quote_depth: 0,
        list_depth: 0,
        levels: 0,
        inline: Vec::new(),
        style_stack: Vec::new(),
        links: Vec::new(),
        images: Vec::new(),
        leaf: Leaf::None,
        footnote_numbers: HashMap::new(),
        open_notes: Vec::new(),
        notes: Vec::new(),
        lazy: lazy.then(Vec::new),
    };
    for event in Parser::new_ext(text, pack::markdown_options()) {
        renderer.event(event);
    }
    renderer.flush_inline();
    renderer.put_notes();
    (renderer.out, renderer.lazy.unwrap_or_default())
}

/// Separates the footnotes at the end from the text above them.
const NOTES_RULE: usize = 8;

/// Appends `text` to `runs`, into the last run when the style is the same.
fn push_run(runs: &mut Vec<Run>, style: Style, text: &str) {
    match runs.last_mut() {
        Some((last, run)) if *last == style => run.push_str(text),
        _ => runs.push((style, text.to_owned())),
    }
}

/// Sanitises `text` onto `runs`: control pictures in `control` style, tabs as spaces. Returns the column after it.
fn push_sanitized(
    runs: &mut Vec<Run>,
    text: &str,
    column: usize,
    style: Style,
    control: Style,
) -> usize {
    sanitize::visit(text, column, |piece| match piece {
        Piece::Text(t) => push_run(runs, style, t),
        Piece::Control(c) => push_run(runs, control, c.encode_utf8(&mut [0; 4])),
        Piece::Spaces(n) => push_run(runs, style, &" ".repeat(n)),
    })
}

/// `text` sanitised into runs: itself in `style`, control pictures in `control`.
pub(crate) fn sanitized_runs(text: &str, style: Style, control: Style) -> Vec<Run> {
    let mut runs = Vec::new();
    push_sanitized(&mut runs, text, 0, style, control);
    runs
}

/// The lines of literal text, without their line endings, each as one run.
fn plain_lines(text: &str, style: Style) -> Vec<Vec<Run>> {
    text.split_inclusive('\n')
        .map(|line| vec![(style, without_ending(line).to_owned())])
        .collect()
}

/// `line` without its `\n` or `\r\n`.
fn without_ending(line: &str) -> &str {
    let line = line.strip_suffix('\n').unwrap_or(line);
    line.strip_suffix('\r').unwrap_or(line)
}

/// Blocks of more lines than this are highlighted line by line as they are put out, and not kept in the
/// highlighting cache (`print` writes them once).
const CACHED_LINES: usize = 1_000;

/// The rows of one line of code (or HTML) at `width`: sanitised, hard-wrapped with a continuation marker, each
/// after `indent`.
pub(crate) fn code_rows(raw: &[Run], width: usize, indent: &str, styles: &Styles) -> Vec<Spans> {
    let mut runs = Vec::with_capacity(raw.len());
    let mut column = 0;
    for (style, text) in raw {
        column = push_sanitized(&mut runs, text, column, *style, style.patch(styles.control));
    }
    wrap::wrap_code(&runs, width, CONTINUATION, styles.continuation)
        .into_iter()
        .map(|piece| {
            let mut line = Vec::with_capacity(piece.len() + 1);
            if !indent.is_empty() {
                line.push(Span::raw(indent.to_owned()));
            }
            line.extend(piece);
            line
        })
        .collect()
}

/// Whether a link's destination is a URL (`https:`, `mailto:`, `//host`) rather than a path inside the pack, which
/// a learner at a terminal cannot open. The same rule as the pack loader's link check: a scheme is letters, digits,
/// `+`, `-` or `.` before the first `:`.
fn is_url(dest: &str) -> bool {
    if dest.starts_with("//") {
        return true;
    }
    dest.split_once(':').is_some_and(|(scheme, _)| {
        !scheme.is_empty()
            && scheme
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
    })
}

/// The lesson a pack path names, by its file name without `.md`: `02-branches.md#merging` → `02-branches`.
fn lesson_name(path: &str) -> Option<&str> {
    let path = path.split(['#', '?']).next().unwrap_or_default();
    let file = path.rsplit(['/', '\\']).next().unwrap_or_default();
    let dot = file.rfind('.')?;
    let (stem, extension) = (&file[..dot], &file[dot + 1..]);
    let markdown =
        extension.eq_ignore_ascii_case("md") || extension.eq_ignore_ascii_case("markdown");
    (markdown && !stem.is_empty()).then_some(stem)
}

fn quote_label(kind: BlockQuoteKind) -> &'static str {
    match kind {
        BlockQuoteKind::Note => "Note",
        BlockQuoteKind::Tip => "Tip",
        BlockQuoteKind::Important => "Important",
        BlockQuoteKind::Warning => "Warning",
        BlockQuoteKind::Caution => "Caution",
    }
}

impl Renderer<'_> {
    fn event(&mut self, event: Event<'_>) {
        match event {
            Event::Start(tag) => self.start(tag),
            Event::End(tag) => self.end(tag),
            Event::Text(text) => match &mut self.leaf {
                Leaf::Code { text: code, .. } => code.push_str(&text),
                Leaf::Html(html) => html.push_str(&text),
                _ => self.push_text(&text, self.style()),
            },
            Event::Code(code) => self.push_text(&code, self.style().patch(self.styles.code_inline)),
            Event::InlineMath(math) | Event::DisplayMath(math) => {
                self.push_text(&math, self.style().patch(self.styles.code_inline));
            }
            Event::Html(html) => match &mut self.leaf {
                Leaf::Html(block) => block.push_str(&html),
                _ => self.push_text(&html, self.style().patch(self.styles.html)),
            },
            Event::InlineHtml(html) => self.push_text(&html, self.style().patch(self.styles.html)),
            Event::FootnoteReference(label) => {
                let number = self.footnote_number(&label);
                let style = self.style().patch(self.styles.footnote);
                push_run(&mut self.inline, style, &format!("[{number}]"));
            }
            Event::SoftBreak => {
                let style = self.style();
                push_run(&mut self.inline, style, " ");
            }
            Event::HardBreak => {
                let style = self.style();
                push_run(&mut self.inline, style, "\n");
            }
            Event::Rule => {
                self.start_block();
                let rule = "─".repeat(self.block_width());
                self.emit(vec![Span::styled(rule, self.styles.rule)]);
                self.pending_gap = true;
            }
            Event::TaskListMarker(done) => {
                let mark = if done { "☑ " } else { "☐ " };
                let style = self.style().patch(self.styles.list_marker);
                push_run(&mut self.inline, style, mark);
            }
        }
    }

    fn start(&mut self, tag: Tag<'_>) {
        match tag {
            Tag::Paragraph => {
                self.nesting.mark_list_loose();
                self.start_block();
            }
            Tag::Heading { level, .. } => self.start_heading(level),
            Tag::BlockQuote(kind) => self.start_quote(kind),
            Tag::CodeBlock(kind) => {
                let language = match kind {
                    CodeBlockKind::Fenced(info) => highlight::language(&info),
                    CodeBlockKind::Indented => None,
                };
                self.start_leaf(Leaf::Code {
                    language,
                    text: String::new(),
                });
            }
            Tag::MetadataBlock(_) => self.start_leaf(Leaf::Code {
                language: None,
                text: String::new(),
            }),
            Tag::HtmlBlock => self.start_leaf(Leaf::Html(String::new())),
            Tag::List(start) => self.start_list(start),
            Tag::Item => self.start_item(),
            Tag::FootnoteDefinition(label) => self.start_footnote(&label),
            Tag::DefinitionList => self.start_block(),
            Tag::DefinitionListTitle => {
                self.start_block();
                self.push_style(self.styles.strong);
            }
            Tag::DefinitionListDefinition => {
                self.start_block();
                self.push_container(Container::Item {
                    marker: ": ".to_owned(),
                    indent: "  ".to_owned(),
                });
            }
            Tag::Table(alignments) => self.start_leaf(Leaf::Table(Table::new(alignments))),
            Tag::TableHead => {
                if let Leaf::Table(table) = &mut self.leaf {
                    table.start_head();
                }
                self.push_style(self.styles.table_header);
            }
            Tag::TableRow => {
                if let Leaf::Table(table) = &mut self.leaf {
                    table.start_row();
                }
            }
            Tag::TableCell => self.inline.clear(),
            Tag::Emphasis => self.push_style(self.styles.emphasis),
            Tag::Strong => self.push_style(self.styles.strong),
            Tag::Strikethrough => self.push_style(self.styles.strike),
            Tag::Superscript | Tag::Subscript => self.push_style(Style::default()),
            Tag::Link {
                link_type,
                dest_url,
                ..
            } => {
                self.links
                    .push((self.mark(), dest_url.into_string(), link_type));
                self.push_style(self.styles.link);
            }
            Tag::Image { dest_url, .. } => {
                self.images.push((self.mark(), dest_url.into_string()));
                self.push_style(self.styles.link);
            }
        }
    }

    fn start_heading(&mut self, level: HeadingLevel) {
        self.start_block();
        let style = match (self.mode, level) {
            (Mode::Inline, _) => Style::default(),
            (_, HeadingLevel::H1) => self.styles.heading[0],
            (_, HeadingLevel::H2) => self.styles.heading[1],
            _ => self.styles.heading[2],
        };
        self.push_style(style);
    }

    /// A block quote; an alert's label (`Note`, `Warning`…) on its first line in a document.
    fn start_quote(&mut self, kind: Option<BlockQuoteKind>) {
        if self.enter_flattened() {
            return;
        }
        self.start_block();
        self.push_container(Container::Quote);
        self.quote_depth += 1;
        if let Some(kind) = kind.filter(|_| self.mode == Mode::Document) {
            let style = self.styles.quote.patch(self.styles.strong);
            self.emit(vec![Span::styled(quote_label(kind), style)]);
        }
    }

    /// A block whose content is gathered whole (code, HTML, a table) and put out at its end.
    fn start_leaf(&mut self, leaf: Leaf) {
        self.start_block();
        self.leaf = leaf;
    }

    /// A list, numbered from `start` or with bullets.
    fn start_list(&mut self, start: Option<u64>) {
        if self.enter_flattened() {
            return;
        }
        self.start_block();
        self.list_depth += 1;
        let depth = self.list_depth;
        self.push_container(Container::List {
            next: start,
            depth,
            loose: false,
            items: 0,
        });
    }

    /// A footnote's definition: rendered in place, then moved to the end of the bite.
    fn start_footnote(&mut self, label: &str) {
        self.flush_inline();
        let number = self.footnote_number(label);
        let gap = mem::take(&mut self.pending_gap);
        self.open_notes.push((number, self.out.len(), gap));
        let marker = format!("[{number}] ");
        let indent = " ".repeat(crate::text::width(&marker));
        self.push_container(Container::Footnote { marker, indent });
    }

    fn end(&mut self, tag: TagEnd) {
        match tag {
            TagEnd::Paragraph => {
                self.flush_inline();
                self.pending_gap = true;
            }
            TagEnd::Heading(_) | TagEnd::DefinitionListTitle => {
                self.flush_inline();
                self.style_stack.pop();
                self.pending_gap = tag != TagEnd::DefinitionListTitle;
            }
            TagEnd::BlockQuote(_) if self.leave_level() => {
                self.flush_inline();
                self.pending_gap = true;
            }
            TagEnd::BlockQuote(_) => {
                self.end_container();
                self.quote_depth = self.quote_depth.saturating_sub(1);
                self.pending_gap = true;
            }
            TagEnd::CodeBlock | TagEnd::MetadataBlock(_) => {
                if let Leaf::Code { language, text } = mem::take(&mut self.leaf) {
                    self.code_block(&text, language);
                }
                self.pending_gap = true;
            }
            TagEnd::HtmlBlock => {
                if let Leaf::Html(html) = mem::take(&mut self.leaf) {
                    let lines = plain_lines(&html, self.styles.html);
                    self.literal_lines(lines, "");
                }
                self.pending_gap = true;
            }
            TagEnd::List(_) if self.leave_level() => {
                self.flush_inline();
                self.pending_gap = true;
            }
            TagEnd::List(_) => {
                self.flush_inline();
                self.pop_container();
                self.list_depth = self.list_depth.saturating_sub(1);
                self.pending_gap = true;
            }
            TagEnd::Item if beyond(self.levels) => self.flush_inline(),
            TagEnd::Item => self.end_container(),
            TagEnd::FootnoteDefinition => {
                self.end_container();
                if let Some((number, start, gap)) = self.open_notes.pop() {
                    let lines = self.out.split_off(start.min(self.out.len()));
                    self.notes.push((number, lines));
                    self.pending_gap = gap;
                }
            }
            TagEnd::DefinitionListDefinition => {
                self.end_container();
                self.pending_gap = true;
            }
            TagEnd::DefinitionList => self.pending_gap = true,
            TagEnd::Table => {
                if let Leaf::Table(table) = mem::take(&mut self.leaf) {
                    let styles = TableStyles {
                        border: self.styles.table_border,
                        header: self.base().patch(self.styles.table_header),
                    };
                    for line in table.render(self.block_width(), styles) {
                        self.emit(line);
                    }
                }
                self.pending_gap = true;
            }
            TagEnd::TableHead => {
                if let Leaf::Table(table) = &mut self.leaf {
                    table.end_head();
                }
                self.style_stack.pop();
            }
            TagEnd::TableRow => {}
            TagEnd::TableCell => {
                let cell = mem::take(&mut self.inline);
                if let Leaf::Table(table) = &mut self.leaf {
                    table.push_cell(cell);
                }
            }
            TagEnd::Emphasis
            | TagEnd::Strong
            | TagEnd::Strikethrough
            | TagEnd::Superscript
            | TagEnd::Subscript => {
                self.style_stack.pop();
            }
            TagEnd::Link => self.end_link(),
            TagEnd::Image => self.end_image(),
        }
    }

    /// Opens a quote or a list: whether it is past the limit, so that it opens no container and its blocks stand
    /// at the last level.
    fn enter_flattened(&mut self) -> bool {
        self.levels += 1;
        if !beyond(self.levels) {
            return false;
        }
        self.start_block();
        true
    }

    /// Closes a quote or a list: whether it was past the limit, so that it opened no container.
    fn leave_level(&mut self) -> bool {
        let flattened = beyond(self.levels);
        self.levels = self.levels.saturating_sub(1);
        flattened
    }

    /// An item of a list past the limit: its marker starts its text, at the last level.
    fn start_item(&mut self) {
        if beyond(self.levels) {
            // An item of a list past the limit: a block of its own at the last level, with no marker.
            return self.start_block();
        }
        let mut tight_follower = false;
        let marker = match self.nesting.innermost_mut() {
            Some(Container::List {
                next,
                depth,
                loose,
                items,
            }) => {
                tight_follower = *items > 0 && !*loose;
                *items += 1;
                match next {
                    Some(n) => {
                        let marker = format!("{n}. ");
                        *n = n.saturating_add(1);
                        marker
                    }
                    None => BULLETS[depth.saturating_sub(1) % BULLETS.len()].to_owned(),
                }
            }
            _ => BULLETS[0].to_owned(),
        };
        if tight_follower {
            // Items of a tight list follow each other without blank lines, whatever they hold.
            self.pending_gap = false;
        }
        let indent = " ".repeat(crate::text::width(&marker));
        self.push_container(Container::Item { marker, indent });
    }

    // ---- inline content ----

    fn base(&self) -> Style {
        if self.quote_depth > 0 {
            self.styles.quote
        } else {
            Style::default()
        }
    }

    fn style(&self) -> Style {
        self.style_stack
            .last()
            .copied()
            .unwrap_or_else(|| self.base())
    }

    fn push_style(&mut self, style: Style) {
        let style = self.style().patch(style);
        self.style_stack.push(style);
    }

    fn push_text(&mut self, text: &str, style: Style) {
        let control = style.patch(self.styles.control);
        push_sanitized(&mut self.inline, text, 0, style, control);
    }

    fn mark(&self) -> Mark {
        (
            self.inline.len(),
            self.inline.last().map_or(0, |(_, text)| text.len()),
        )
    }

    /// The inline text put out since `mark`.
    fn text_since(&self, (runs, len): Mark) -> String {
        let mut text = String::new();
        if let Some((_, run)) = runs.checked_sub(1).and_then(|last| self.inline.get(last)) {
            text.push_str(run.get(len..).unwrap_or_default());
        }
        for (_, run) in self.inline.iter().skip(runs) {
            text.push_str(run);
        }
        text
    }

    fn end_link(&mut self) {
        self.style_stack.pop();
        let Some((mark, url, link_type)) = self.links.pop() else {
            return;
        };
        if !is_url(&url) {
            // A path inside the pack: its text alone, and which lesson it leads to.
            if let Some(lesson) = lesson_name(&url) {
                let style = self.style();
                push_run(&mut self.inline, style, " ");
                self.push_text(
                    &format!("(lesson {lesson})"),
                    style.patch(self.styles.link_url),
                );
            }
            return;
        }
        let text = self.text_since(mark);
        let url = sanitize::sanitize(&url);
        let shown = text == *url || url.strip_prefix("mailto:") == Some(text.as_str());
        if url.is_empty() || shown || matches!(link_type, LinkType::Autolink | LinkType::Email) {
            return;
        }
        let style = self.style();
        push_run(&mut self.inline, style, " ");
        self.push_text(&format!("⟨{url}⟩"), style.patch(self.styles.link_url));
    }

    fn end_image(&mut self) {
        self.style_stack.pop();
        let Some(((runs, len), url)) = self.images.pop() else {
            return;
        };
        let alt = self.text_since((runs, len));
        self.inline.truncate(runs);
        if let Some((_, last)) = runs
            .checked_sub(1)
            .and_then(|last| self.inline.get_mut(last))
        {
            last.truncate(len);
        }
        let style = self.style();
        let label = if alt.trim().is_empty() {
            "[image]".to_owned()
        } else {
            format!("[image: {alt}]")
        };
        push_run(&mut self.inline, style.patch(self.styles.link), &label);
        if is_url(&url) {
            push_run(&mut self.inline, style, " ");
            self.push_text(&format!("({url})"), style.patch(self.styles.link_url));
        }
    }

    // ---- footnotes ----

    /// The number of the footnote `label`: the next one when it is new.
    fn footnote_number(&mut self, label: &str) -> usize {
        let next = self.footnote_numbers.len() + 1;
        *self
            .footnote_numbers
            .entry(label.to_owned())
            .or_insert(next)
    }

    /// Puts out the footnote definitions, in the order of their numbers, under a short rule.
    fn put_notes(&mut self) {
        if self.notes.is_empty() {
            return;
        }
        let mut notes = mem::take(&mut self.notes);
        notes.sort_by_key(|&(number, _)| number);
        self.pending_gap = true;
        self.emit_gap();
        let rule = "─".repeat(NOTES_RULE.min(self.width));
        self.out
            .push(Line::from(Span::styled(rule, self.styles.rule)));
        for (_, lines) in notes {
            if self.mode == Mode::Document {
                self.out.push(Line::default());
            }
            self.out.extend(lines);
        }
    }

    // ---- blocks and containers ----

    fn push_container(&mut self, container: Container) {
        self.nesting.push(container);
    }

    fn pop_container(&mut self) {
        self.nesting.pop();
    }

    /// Closes the innermost container, showing its marker alone if nothing inside it has.
    fn end_container(&mut self) {
        self.flush_inline();
        if self.nesting.innermost_unstarted() {
            self.emit(Vec::new());
        }
        self.pop_container();
    }

    /// Before a block: puts out inline text gathered so far (a tight list item's), then the blank line owed.
    fn start_block(&mut self) {
        self.flush_inline();
        self.emit_gap();
    }

    fn emit_gap(&mut self) {
        if !mem::take(&mut self.pending_gap) || self.mode == Mode::Inline || self.out.is_empty() {
            return;
        }
        let mut line = self.nesting.spans(Which::Gap, self.styles);
        wrap::trim_end(&mut line);
        self.out.push(Line::from(line));
    }

    fn flush_inline(&mut self) {
        if self.inline.is_empty() {
            return;
        }
        self.emit_gap();
        let runs = mem::take(&mut self.inline);
        let first = self.width.saturating_sub(self.prefix_width(Which::Next));
        let rest = self.width.saturating_sub(self.prefix_width(Which::Later));
        for line in wrap::wrap(&runs, first, rest) {
            self.emit(line);
        }
        self.inline = runs;
        self.inline.clear();
    }

    fn code_block(&mut self, code: &str, language: Option<Language>) {
        let base = self.styles.code_block;
        let indent = if self.block_width() >= 3 * MIN_TEXT / 2 {
            CODE_INDENT
        } else {
            ""
        };
        let Some(language) = language.filter(|_| self.styles.color) else {
            return self.literal_lines(plain_lines(code, base), indent);
        };
        let theme = self.styles.syntax_theme;
        // Footnotes move to the end of the bite, so only code outside them is highlighted later, by its rows.
        if self.lazy.is_some() && self.open_notes.is_empty() {
            let width = self.literal_width(indent);
            let mut rows = Vec::new();
            let mut prefixes = Vec::new();
            for line in code.split_inclusive('\n') {
                rows.push(self.out.len());
                for row in code_rows(
                    &[(base, without_ending(line).to_owned())],
                    width,
                    indent,
                    self.styles,
                ) {
                    prefixes.push(self.emit(row));
                }
            }
            rows.push(self.out.len());
            let lazy = LazyCode::new(code, language, theme, base, indent, width, rows, prefixes);
            self.lazy.get_or_insert_default().push(lazy);
            return;
        }
        if code.split_inclusive('\n').count() <= CACHED_LINES {
            let highlighted =
                highlight::highlight_lines(code, language, theme, base, 0..usize::MAX);
            return self.literal_lines(
                highlighted.unwrap_or_else(|| plain_lines(code, base)),
                indent,
            );
        }
        // A block too big to keep: highlighted one line at a time, as it is put out; plain from a line syntect fails on.
        let mut highlighter = LineHighlighter::new(language, theme);
        let width = self.literal_width(indent);
        for line in code.split_inclusive('\n') {
            let runs = highlighter.as_mut().and_then(|h| h.line(line, base));
            if runs.is_none() {
                highlighter = None;
            }
            let runs = runs.unwrap_or_else(|| vec![(base, without_ending(line).to_owned())]);
            for row in code_rows(&runs, width, indent, self.styles) {
                self.emit(row);
            }
        }
    }

    /// The width lines of code or HTML are wrapped at, after `indent`.
    fn literal_width(&self, indent: &str) -> usize {
        self.block_width()
            .saturating_sub(crate::text::width(indent))
            .max(1)
    }

    /// Puts out lines of code or HTML as they are, sanitised, each hard-wrapped with a continuation marker.
    fn literal_lines(&mut self, lines: Vec<Vec<Run>>, indent: &str) {
        let width = self.literal_width(indent);
        for raw in lines {
            for row in code_rows(&raw, width, indent, self.styles) {
                self.emit(row);
            }
        }
    }

    // ---- prefixes and lines ----

    /// The width left for a block drawn whole (code, a table, a rule) on every one of its lines.
    fn block_width(&self) -> usize {
        let prefix = self
            .prefix_width(Which::Next)
            .max(self.prefix_width(Which::Later));
        self.width.saturating_sub(prefix).max(1)
    }

    fn prefix_width(&self, which: Which) -> usize {
        self.nesting.width(which, self.styles)
    }

    /// Puts out one line of content under the current prefix; every open container has then started. Returns how
    /// many spans the prefix took.
    fn emit(&mut self, content: Spans) -> usize {
        let mut line = self.nesting.spans(Which::Next, self.styles);
        let prefix = line.len();
        line.extend(content);
        wrap::trim_end(&mut line);
        self.out.push(Line::from(line));
        self.nesting.all_started();
        prefix
    }
}

#[cfg(test)]
mod tests;
