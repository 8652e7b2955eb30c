//! HTML of an imported text (an Anki field, a GIFT `[html]` text) to Markdown through `htmd`, under the one depth
//! rule (`text::depth`): html5ever builds the tree without recursion, the tree is flattened below the limit, and
//! only then does `htmd`, which walks it recursively, turn it into Markdown. 10,000 nested `<div>` are one `<div>`
//! deep at the limit holding their text, not a stack overflow. Before html5ever sees the text, the tags nested too
//! deep by a plain count are taken out (`prune`), since its tree builder looks through the open elements at most
//! tags and would take quadratic time over a million nested ones.

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

/// Elements whose text is not read as tags: inside them only their own end tag counts.
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

/// Elements that a start tag of the same name closes (`<li>a<li>b` are siblings).
const SIBLINGS: &[&str] = &["dd", "dt", "li", "option", "p", "td", "th", "tr"];

/// The document's own levels above the first element of a text: `html` and `body`.
const DOCUMENT_LEVELS: usize = 2;

/// `html` without the start and end tags nested deeper than the limit by a plain count of open elements (an end tag
/// closes the innermost open one of its name, a void element opens nothing). One pass, and each tag looks at no
/// more than the limit's number of open elements. Borrowed when nothing was taken out.
fn prune(html: &str) -> Cow<'_, str> {
    let mut out = String::new();
    let mut copied = 0;
    let mut open: Vec<String> = Vec::new();
    let mut excess = 0usize;
    let mut at = 0;
    while let Some(found) = html[at..].find('<') {
        let start = at + found;
        let Some(tag) = Tag::at(&html[start..]) else {
            at = start + 1;
            continue;
        };
        let end = start + tag.len;
        at = end;
        let keep = match (tag.closing, open.last()) {
            (true, _) if excess > 0 => {
                excess -= 1;
                false
            }
            // Inside a raw text element, only its own end tag is a tag.
            (_, Some(raw)) if RAW.contains(&raw.as_str()) && !(tag.closing && *raw == tag.name) => {
                true
            }
            (true, _) => {
                if let Some(i) = open.iter().rposition(|name| *name == tag.name) {
                    open.truncate(i);
                }
                true
            }
            (false, _) if VOID.contains(&tag.name.as_str()) => true,
            (false, last) => {
                if SIBLINGS.contains(&tag.name.as_str()) && last == Some(&tag.name) {
                    open.pop();
                }
                if beyond(open.len() + 1 + DOCUMENT_LEVELS) {
                    excess += 1;
                    false
                } else {
                    open.push(tag.name);
                    true
                }
            }
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
    fn pruning_keeps_siblings_void_elements_and_raw_text() {
        let many = "<li>item<br>".repeat(500);
        let html = format!("<ul>{many}</ul><script>{}</script>", "<div>".repeat(500));
        assert!(matches!(prune(&html), Cow::Borrowed(_)));
        let (markdown, flattened) = to_markdown(&format!("<ul>{many}</ul>"));
        assert!(!flattened);
        assert_eq!(
            markdown.lines().filter(|l| l.starts_with("*")).count(),
            500,
            "{markdown}"
        );
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
