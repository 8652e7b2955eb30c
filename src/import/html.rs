//! HTML of an imported text (an Anki field, a GIFT `[html]` text) to Markdown through `htmd`, under the one depth
//! rule (`text::depth`): html5ever builds the tree without recursion, the tree is flattened below the limit, and
//! only then does `htmd`, which walks it recursively, turn it into Markdown. 10,000 nested `<div>` are one `<div>`
//! deep at the limit holding their text, not a stack overflow. Before html5ever sees the text, the tags nested too
//! deep by a count that is never below the depth html5ever will build are taken out (`prune`), since its tree
//! builder looks through the open elements at most tags and would take quadratic time over a million nested ones.

use std::borrow::Cow;
use std::rc::Rc;

use htmd::{HtmlToMarkdown, Node};

use crate::text::depth::beyond;

/// Markdown from `html`, and whether its elements nested deeper than the limit (so that they were flattened).
pub(crate) fn to_markdown(html: &str) -> (String, bool) {
    let converter = HtmlToMarkdown::new();
    let pruned = prune(html);
    let pruned_any = matches!(pruned, Cow::Owned(_));
    let Ok(tree) = converter.html_to_tree(&pruned) else {
        return (html.trim().to_string(), pruned_any);
    };
    let flattened = flatten(&tree);
    let markdown = converter.tree_to_markdown(&tree).trim().to_string();
    (markdown, pruned_any || flattened)
}

/// Elements that never hold others.
const VOID: &[&str] = &[
    "area", "base", "basefont", "bgsound", "br", "col", "embed", "frame", "hr", "img", "input",
    "keygen", "link", "meta", "param", "source", "track", "wbr",
];

/// Elements whose text html5ever may read as text, not tags: inside them start tags still count (in `svg` they are
/// tags), and only their own end tag closes anything.
const RAW: &[&str] = &[
    "iframe",
    "noembed",
    "noframes",
    "noscript",
    "plaintext",
    "script",
    "style",
    "textarea",
    "title",
    "xmp",
];

/// The elements open on top that a start tag closes: `<li>a<li>b` are siblings, as `<tr><td>a<tr>` are rows.
fn closes(new: &str, top: &str) -> bool {
    let cells = ["td", "th"];
    match new {
        "li" | "p" | "option" => top == new,
        "dd" | "dt" => ["dd", "dt"].contains(&top),
        "td" | "th" => cells.contains(&top),
        "tr" => cells.contains(&top) || top == "tr",
        "tbody" | "thead" | "tfoot" => {
            cells.contains(&top) || ["tr", "tbody", "thead", "tfoot"].contains(&top)
        }
        _ => false,
    }
}

/// The parts of a table, whose end tags look for their element through everything but a table.
const TABLE_PARTS: &[&str] = &[
    "caption", "colgroup", "table", "tbody", "td", "tfoot", "th", "thead", "tr",
];

/// Elements an end tag does not look through for its own (html5ever's scope): behind one of these it is ignored.
const BOUNDARIES: &[&str] = &[
    "annotation-xml",
    "applet",
    "button",
    "caption",
    "desc",
    "foreignobject",
    "html",
    "marquee",
    "math",
    "mi",
    "mn",
    "mo",
    "ms",
    "mtext",
    "object",
    "svg",
    "table",
    "td",
    "template",
    "th",
];

/// The document's own levels above the first element of a text: `html` and `body`.
const DOCUMENT_LEVELS: usize = 2;

/// `html` without the start and end tags nested deeper than the limit by a count that is never lower than the
/// depth html5ever will build: an end tag closes the innermost open element of its name only where html5ever would
/// (not through a table, a cell, `svg`…), a void element opens nothing, and inside a raw text element (`script`,
/// `style`…) start tags still count while only its own end tag closes anything. One pass, and each tag looks at no
/// more than the limit's number of open elements. Borrowed when nothing was taken out.
fn prune(html: &str) -> Cow<'_, str> {
    let mut out = String::new();
    let mut copied = 0;
    let mut pruner = Pruner::default();
    let mut at = 0;
    while let Some(found) = html[at..].find('<') {
        let start = at + found;
        let Some(tag) = Tag::at(&html[start..]) else {
            at = start + 1;
            continue;
        };
        let end = start + tag.len;
        at = end;
        let keep = if tag.closing {
            pruner.close(&tag.name)
        } else {
            pruner.open(tag.name)
        };
        if !keep {
            out.push_str(&html[copied..start]);
            copied = end;
        }
    }
    if copied == 0 {
        return Cow::Borrowed(html);
    }
    out.push_str(&html[copied..]);
    Cow::Owned(out)
}

/// The count `prune` keeps: the elements open, how many more were taken out, and the raw text element open.
#[derive(Default)]
struct Pruner {
    open: Vec<String>,
    excess: usize,
    raw: Option<String>,
}

impl Pruner {
    /// A start tag: whether it is kept.
    fn open(&mut self, name: String) -> bool {
        if VOID.contains(&name.as_str()) {
            return true;
        }
        if self.raw.is_none() && RAW.contains(&name.as_str()) {
            self.raw = Some(name.clone());
        }
        while self.excess == 0
            && let Some(top) = self.open.last()
            && closes(&name, top)
        {
            self.open.pop();
        }
        if beyond(self.open.len() + self.excess + 1 + DOCUMENT_LEVELS) {
            self.excess += 1;
            return false;
        }
        self.open.push(name);
        true
    }

    /// An end tag: whether it is kept.
    fn close(&mut self, name: &str) -> bool {
        match &self.raw {
            Some(raw) if raw != name => return true,
            Some(_) => self.raw = None,
            None => {}
        }
        if self.excess > 0 {
            self.excess -= 1;
            return false;
        }
        let table_part = TABLE_PARTS.contains(&name);
        for i in (0..self.open.len()).rev() {
            let element = self.open[i].as_str();
            if element == name {
                self.open.truncate(i);
                break;
            }
            let boundary = if table_part {
                ["html", "table", "template"].contains(&element)
            } else {
                BOUNDARIES.contains(&element)
            };
            if boundary {
                break;
            }
        }
        true
    }
}

/// A start or end tag at the start of a text: its name in lower case and its length up to its `>`.
struct Tag {
    name: String,
    closing: bool,
    len: usize,
}

impl Tag {
    fn at(text: &str) -> Option<Tag> {
        let rest = text.strip_prefix('<')?;
        let (closing, rest) = match rest.strip_prefix('/') {
            Some(rest) => (true, rest),
            None => (false, rest),
        };
        if !rest.starts_with(|c: char| c.is_ascii_alphabetic()) {
            return None;
        }
        let name_len = rest
            .find(|c: char| c.is_ascii_whitespace() || c == '/' || c == '>')
            .unwrap_or(rest.len());
        let mut quote = None;
        let close = rest[name_len..].char_indices().find_map(|(i, c)| {
            match (quote, c) {
                (None, '"' | '\'') => quote = Some(c),
                (Some(q), c) if q == c => quote = None,
                (None, '>') => return Some(i),
                _ => {}
            }
            None
        })?;
        Some(Tag {
            name: rest[..name_len].to_ascii_lowercase(),
            closing,
            len: text.len() - rest.len() + name_len + close + 1,
        })
    }
}

/// Every node whose children would be beyond the limit gets, in their place, the leaves under it (text, `<br>`,
/// `<img>`…) in document order. Walks with explicit stacks. Returns whether anything was flattened.
fn flatten(root: &Rc<Node>) -> bool {
    let mut flattened = false;
    let mut open = vec![(Rc::clone(root), 0usize)];
    while let Some((node, depth)) = open.pop() {
        if !beyond(depth + 1) {
            for child in node.children.borrow().iter() {
                open.push((Rc::clone(child), depth + 1));
            }
            continue;
        }
        let under = std::mem::take(&mut *node.children.borrow_mut());
        if under.iter().all(|child| child.children.borrow().is_empty()) {
            *node.children.borrow_mut() = under;
            continue;
        }
        flattened = true;
        let leaves = leaves(under);
        for leaf in &leaves {
            leaf.parent.set(Some(Rc::downgrade(&node)));
        }
        *node.children.borrow_mut() = leaves;
    }
    flattened
}

/// The nodes without children under `nodes`, in document order.
fn leaves(nodes: Vec<Rc<Node>>) -> Vec<Rc<Node>> {
    let mut out = Vec::new();
    let mut todo: Vec<Rc<Node>> = nodes.into_iter().rev().collect();
    while let Some(node) = todo.pop() {
        let children = std::mem::take(&mut *node.children.borrow_mut());
        if children.is_empty() {
            out.push(node);
        } else {
            todo.extend(children.into_iter().rev());
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::depth::MAX_DEPTH;

    #[test]
    fn shallow_html_is_converted_as_htmd_converts_it() {
        let html = "<p>Is <b>this</b> bold?</p><ul><li>one</li><li>two</li></ul>";
        assert_eq!(
            to_markdown(html),
            (htmd::convert(html).unwrap().trim().to_string(), false)
        );
    }

    #[test]
    fn ten_thousand_nested_divs_keep_their_text() {
        let html = format!("{}deep{}", "<div>".repeat(10_000), "</div>".repeat(10_000));
        let (markdown, flattened) = to_markdown(&html);
        assert!(flattened);
        assert_eq!(markdown, "deep");
    }

    #[test]
    fn a_million_nested_divs_are_pruned_in_one_pass() {
        let html = format!(
            "{}deep{}",
            "<div>".repeat(1_000_000),
            "</div>".repeat(1_000_000)
        );
        let pruned = prune(&html);
        assert_eq!(pruned.matches("<div>").count(), MAX_DEPTH - DOCUMENT_LEVELS);
        assert_eq!(
            pruned.matches("</div>").count(),
            MAX_DEPTH - DOCUMENT_LEVELS
        );
    }

    #[test]
    fn siblings_void_elements_and_rows_without_end_tags_are_not_pruned() {
        let items = "<li>item<br>".repeat(500);
        let rows = "<tr><td>a<td>b".repeat(500);
        let html = format!("<ul>{items}</ul><table>{rows}</table><p>one<p>two");
        assert!(matches!(prune(&html), Cow::Borrowed(_)));
        let (markdown, flattened) = to_markdown(&format!("<ul>{items}</ul>"));
        assert!(!flattened);
        assert_eq!(markdown.lines().filter(|l| l.starts_with('*')).count(), 500);
    }

    #[test]
    fn end_tags_html5ever_ignores_close_nothing_in_the_count() {
        // Inside `script`, `</div>` is text; behind a table, `</div>` is ignored: both nest divs in html5ever.
        for unit in ["<div><script></div></script>", "<div><table></div>"] {
            let html = unit.repeat(500);
            assert!(matches!(prune(&html), Cow::Owned(_)), "{unit}");
            let (_, flattened) = to_markdown(&html);
            assert!(flattened, "{unit}");
        }
        // Inside `svg`, `style` is no raw text: its divs are counted all the same.
        let html = format!("<svg><style>{}", "<div>".repeat(500));
        assert!(matches!(prune(&html), Cow::Owned(_)));
    }

    #[test]
    fn nesting_up_to_the_limit_is_not_flattened() {
        // The document's `html` and `body` are two of the levels.
        let n = MAX_DEPTH - 2;
        let html = format!("{}deep{}", "<div>".repeat(n), "</div>".repeat(n));
        assert_eq!(to_markdown(&html), ("deep".to_string(), false));
        let html = format!("{}deep{}", "<div>".repeat(n + 1), "</div>".repeat(n + 1));
        assert_eq!(to_markdown(&html), ("deep".to_string(), true));
    }
}
