//! `SUMMARY.md`: the book's chapters in reading order, as mdBook reads them: every link of the file, in document
//! order (prefix chapters, the nested list of numbered chapters, suffix chapters). Part titles (`# Part`) and
//! separators (`---`) carry no content and make no chapter; a link without a target (`[Title]()`) is a draft.

use pulldown_cmark::{Event, Parser, Tag, TagEnd};

/// One link of `SUMMARY.md`.
#[derive(Debug, PartialEq)]
pub(crate) struct Entry {
    /// The link's text, without its formatting.
    pub(crate) title: String,
    /// The chapter's file relative to the book's source folder; `None` for a draft chapter.
    pub(crate) path: Option<String>,
    /// 1-based line of the link in `SUMMARY.md`.
    pub(crate) line: usize,
}

pub(crate) fn parse(text: &str) -> Vec<Entry> {
    let mut entries = Vec::new();
    let mut open: Option<(String, String, usize)> = None;
    for (event, range) in Parser::new(text).into_offset_iter() {
        match event {
            Event::Start(Tag::Link { dest_url, .. }) => {
                open = Some((dest_url.to_string(), String::new(), range.start));
            }
            Event::Text(t) | Event::Code(t) => {
                if let Some((_, title, _)) = &mut open {
                    title.push_str(&t);
                }
            }
            Event::SoftBreak | Event::HardBreak => {
                if let Some((_, title, _)) = &mut open {
                    title.push(' ');
                }
            }
            Event::End(TagEnd::Link) => {
                if let Some((dest, title, start)) = open.take() {
                    let dest = dest.trim();
                    entries.push(Entry {
                        title: title.split_whitespace().collect::<Vec<_>>().join(" "),
                        path: (!dest.is_empty()).then(|| dest.to_string()),
                        line: line_of(text, start),
                    });
                }
            }
            _ => {}
        }
    }
    entries
}

/// The 1-based line of a byte offset.
pub(crate) fn line_of(text: &str, offset: usize) -> usize {
    text.as_bytes()[..offset.min(text.len())]
        .iter()
        .filter(|&&b| b == b'\n')
        .count()
        + 1
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chapters_in_order_with_parts_separators_and_drafts() {
        let text = "# Summary\n\n[Preface](preface.md)\n\n# Part one\n\n- [Intro](intro.md)\n  - [The `main` fn](a/main.md)\n- [Later]()\n\n---\n\n[Thanks](thanks.md)\n";
        let entries = parse(text);
        let got: Vec<_> = entries
            .iter()
            .map(|e| (e.title.as_str(), e.path.as_deref(), e.line))
            .collect();
        assert_eq!(
            got,
            [
                ("Preface", Some("preface.md"), 3),
                ("Intro", Some("intro.md"), 7),
                ("The main fn", Some("a/main.md"), 8),
                ("Later", None, 9),
                ("Thanks", Some("thanks.md"), 13),
            ]
        );
    }
}
