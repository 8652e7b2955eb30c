//! The open containers — quotes, lists, items, footnotes — and the prefix they put before each line, capped so that
//! nesting of any depth leaves room for the text.

use ratatui::style::Style;

use super::Styles;
use super::wrap::{self, Spans};

/// On screens of at least twice this many columns, nesting leaves at least this many for the text; on narrower
/// ones, half the width.
pub(crate) const MIN_TEXT: usize = 10;

/// Stands for the outer containers left out of a prefix that would be too wide.
pub(crate) const DEEPER: &str = "… ";

/// How wide the prefixes of nested containers may grow at `width` columns.
pub(crate) fn prefix_limit(width: usize) -> usize {
    if width >= 2 * MIN_TEXT {
        width - MIN_TEXT
    } else {
        width / 2
    }
}

/// A block that contains other blocks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Container {
    /// A block quote: `│ ` on every line.
    Quote,
    /// A list: no prefix of its own; its items have. `next` is the next item's number in an ordered list, `depth`
    /// how many lists hold this one (1 for a list at top level), and `loose` whether its items hold paragraphs.
    List {
        next: Option<u64>,
        depth: usize,
        loose: bool,
        items: usize,
    },
    /// A list item (or a definition): the marker on its first line, as many spaces on the others.
    Item { marker: String, indent: String },
    /// A footnote definition: its number (`[1] `) on its first line, an indent on the others.
    Footnote { marker: String, indent: String },
}

impl Container {
    /// The text and style this container puts before a line; `started` once its first line is out.
    fn prefix<'a>(&'a self, started: bool, styles: &Styles) -> Option<(&'a str, Style)> {
        match self {
            Container::Quote => Some(("│ ", styles.quote_bar)),
            Container::List { .. } => None,
            Container::Item { indent, .. } | Container::Footnote { indent, .. } if started => {
                Some((indent, Style::default()))
            }
            Container::Item { marker, .. } => Some((marker, styles.list_marker)),
            Container::Footnote { marker, .. } => Some((marker, styles.footnote)),
        }
    }
}

/// Which line a prefix is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Which {
    /// The next line: containers that have shown nothing yet show their markers.
    Next,
    /// A later line of the same block: every container shows its continuation.
    Later,
    /// A blank line between blocks: only the containers that have started.
    Gap,
}

/// The stack of open containers, innermost last.
#[derive(Debug)]
pub(crate) struct Nesting {
    width: usize,
    stack: Vec<Container>,
    /// Containers below this index have put out a line; those from it up have not.
    first_unstarted: usize,
}

impl Nesting {
    /// No containers open, for lines of `width` columns.
    pub(crate) fn new(width: usize) -> Self {
        Self {
            width,
            stack: Vec::new(),
            first_unstarted: 0,
        }
    }

    pub(crate) fn push(&mut self, container: Container) {
        self.stack.push(container);
    }

    pub(crate) fn pop(&mut self) -> Option<Container> {
        let popped = self.stack.pop();
        self.first_unstarted = self.first_unstarted.min(self.stack.len());
        popped
    }

    pub(crate) fn innermost_mut(&mut self) -> Option<&mut Container> {
        self.stack.last_mut()
    }

    /// Whether the innermost container has put out no line yet.
    pub(crate) fn innermost_unstarted(&self) -> bool {
        self.first_unstarted < self.stack.len()
    }

    /// Records that a line has gone out under every open container.
    pub(crate) fn all_started(&mut self) {
        self.first_unstarted = self.stack.len();
    }

    /// Marks the list around the innermost item loose, when the innermost container is an item.
    pub(crate) fn mark_list_loose(&mut self) {
        if let [.., Container::List { loose, .. }, Container::Item { .. }] =
            self.stack.as_mut_slice()
        {
            *loose = true;
        }
    }

    /// The prefix parts for a line, outermost first, with their widths; within [`prefix_limit`]: when the
    /// containers need more, the innermost that fit are kept behind [`DEEPER`]. Looks at no more containers than
    /// fit, so a line costs the same at any depth.
    fn parts<'a>(&'a self, which: Which, styles: &Styles) -> Vec<(&'a str, Style, usize)> {
        let limit = prefix_limit(self.width);
        let top = if which == Which::Gap {
            self.first_unstarted
        } else {
            self.stack.len()
        };
        let mut parts = Vec::new();
        let mut used = 0;
        let mut cut = false;
        for (i, container) in self.stack[..top].iter().enumerate().rev() {
            let started = which != Which::Next || i < self.first_unstarted;
            let Some((text, style)) = container.prefix(started, styles) else {
                continue;
            };
            let width = crate::text::width(text);
            if used + width > limit {
                cut = true;
                break;
            }
            used += width;
            parts.push((text, style, width));
        }
        if cut {
            let deeper = crate::text::width(DEEPER);
            while used + deeper > limit {
                match parts.pop() {
                    Some((_, _, width)) => used -= width,
                    None => break,
                }
            }
            if used + deeper <= limit {
                parts.push((DEEPER, styles.rule, deeper));
            }
        }
        parts.reverse();
        parts
    }

    /// The width of the prefix for `which` line.
    pub(crate) fn width(&self, which: Which, styles: &Styles) -> usize {
        self.parts(which, styles)
            .iter()
            .map(|&(_, _, width)| width)
            .sum()
    }

    /// The prefix for `which` line, as spans.
    pub(crate) fn spans(&self, which: Which, styles: &Styles) -> Spans {
        let mut line = Vec::new();
        for (text, style, _) in self.parts(which, styles) {
            wrap::push_span(&mut line, style, text);
        }
        line
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn item(marker: &str) -> Container {
        Container::Item {
            marker: marker.to_owned(),
            indent: " ".repeat(crate::text::width(marker)),
        }
    }

    fn text(nesting: &Nesting, which: Which) -> String {
        nesting
            .spans(which, &Styles::dark())
            .iter()
            .map(|s| s.content.as_ref())
            .collect()
    }

    #[test]
    fn markers_show_once_then_indents() {
        let mut nesting = Nesting::new(40);
        nesting.push(Container::Quote);
        nesting.push(Container::List {
            next: None,
            depth: 1,
            loose: false,
            items: 1,
        });
        nesting.push(item("• "));
        assert_eq!(text(&nesting, Which::Next), "│ • ");
        assert_eq!(text(&nesting, Which::Later), "│   ");
        assert_eq!(text(&nesting, Which::Gap), "");
        assert!(nesting.innermost_unstarted());
        nesting.all_started();
        assert!(!nesting.innermost_unstarted());
        assert_eq!(text(&nesting, Which::Next), "│   ");
        assert_eq!(text(&nesting, Which::Gap), "│   ");
        nesting.push(item("2. "));
        assert_eq!(text(&nesting, Which::Next), "│   2. ");
        assert_eq!(text(&nesting, Which::Gap), "│   ");
    }

    #[test]
    fn prefixes_are_styled_by_container() {
        let styles = Styles::dark();
        let mut nesting = Nesting::new(40);
        nesting.push(Container::Quote);
        nesting.push(Container::Footnote {
            marker: "[^1]: ".to_owned(),
            indent: "  ".to_owned(),
        });
        let spans = nesting.spans(Which::Next, &styles);
        assert_eq!(spans[0].style, styles.quote_bar);
        assert_eq!(spans[1].style, styles.footnote);
        assert_eq!(spans[1].content, "[^1]: ");
    }

    #[test]
    fn deep_prefixes_keep_the_innermost_within_the_limit() {
        let mut nesting = Nesting::new(20);
        for _ in 0..100_000 {
            nesting.push(Container::Quote);
        }
        assert_eq!(text(&nesting, Which::Next), format!("… {}", "│ ".repeat(4)));
        assert_eq!(
            nesting.width(Which::Next, &Styles::dark()),
            prefix_limit(20)
        );
        for _ in 0..99_999 {
            nesting.pop();
        }
        assert_eq!(text(&nesting, Which::Next), "│ ");
    }

    #[test]
    fn a_marker_wider_than_the_limit_leaves_only_the_ellipsis() {
        let mut nesting = Nesting::new(12);
        nesting.push(item("123456789. "));
        assert_eq!(text(&nesting, Which::Next), DEEPER);
    }

    #[test]
    fn loose_marks_the_list_of_the_innermost_item() {
        let mut nesting = Nesting::new(40);
        nesting.push(Container::List {
            next: Some(1),
            depth: 1,
            loose: false,
            items: 1,
        });
        nesting.mark_list_loose();
        assert!(matches!(
            nesting.innermost_mut(),
            Some(Container::List { loose: false, .. })
        ));
        nesting.push(item("1. "));
        nesting.mark_list_loose();
        nesting.pop();
        assert!(matches!(
            nesting.innermost_mut(),
            Some(Container::List { loose: true, .. })
        ));
    }

    #[test]
    fn prefixes_are_capped_by_width() {
        assert_eq!(prefix_limit(80), 70);
        assert_eq!(prefix_limit(20), 10);
        assert_eq!(prefix_limit(12), 6);
        assert_eq!(prefix_limit(1), 0);
    }
}
