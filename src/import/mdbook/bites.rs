//! A chapter cut into bites. A chapter with top-level thematic breaks is cut at them (a break in a code block, a
//! list or a quote is not one); one without is cut before each `##` heading. A piece still over the pack's reading
//! limit (`MAX_BITE_MINUTES` at `WORDS_PER_MINUTE`, words counted as the loader counts them) is cut again between
//! top-level blocks (a long block quote between its own blocks, a long table between rows, each piece with the
//! table's head), never just before a code block or after a paragraph
//! ending in `:` when another place will do.

use std::ops::Range;

use pulldown_cmark::{Event, HeadingLevel, Parser, Tag};

use crate::pack::{MAX_BITE_MINUTES, WORDS_PER_MINUTE, markdown_options};

/// The most words a bite may hold without the loader's warning.
pub(crate) fn max_words() -> usize {
    (WORDS_PER_MINUTE * MAX_BITE_MINUTES) as usize
}

#[derive(Debug)]
struct Block {
    range: Range<usize>,
    words: usize,
    kind: Kind,
    /// A paragraph ending in `:`, which introduces the block after it.
    colon: bool,
    /// A block quote's own blocks, or a table's rows.
    children: Vec<Block>,
    /// A table row's table head (with its delimiter row), which every piece of the table repeats.
    head: Option<Range<usize>>,
}

#[derive(Debug, PartialEq)]
enum Kind {
    Rule,
    Heading(HeadingLevel),
    Code,
    Paragraph,
    Quote,
    Table,
    Other,
}

/// The chapter's bites, each trimmed, none empty.
pub(crate) fn cut(markdown: &str) -> Vec<String> {
    let limit = max_words();
    let blocks = top_level_blocks(markdown);
    let mut sections: Vec<Vec<&Block>> = vec![Vec::new()];
    let by_rules = blocks.iter().any(|b| b.kind == Kind::Rule);
    for block in &blocks {
        match block.kind {
            Kind::Rule => sections.push(Vec::new()),
            Kind::Heading(HeadingLevel::H2) if !by_rules => sections.push(vec![block]),
            // A quote too long for one bite is cut between its own blocks.
            Kind::Quote | Kind::Table if block.words > limit && block.children.len() > 1 => {
                if let Some(section) = sections.last_mut() {
                    // A table's head goes with its first rows.
                    let skip = usize::from(block.kind == Kind::Table);
                    section.extend(block.children.iter().skip(skip));
                }
            }
            _ => sections.last_mut().map_or((), |s| s.push(block)),
        }
    }
    // A section of nothing but headings (a title straight above the first `##`) joins the next one.
    let mut merged: Vec<Vec<&Block>> = Vec::new();
    let mut carry: Vec<&Block> = Vec::new();
    for section in sections {
        carry.extend(section);
        if !carry.iter().all(|b| matches!(b.kind, Kind::Heading(_))) {
            merged.push(std::mem::take(&mut carry));
        }
    }
    if !carry.is_empty() {
        merged.push(carry);
    }

    let mut bites = Vec::new();
    for section in merged {
        for piece in split(&section, limit) {
            let (Some(first), Some(last)) = (piece.first(), piece.last()) else {
                continue;
            };
            let text = markdown[first.range.start..last.range.end].trim();
            if let Some(head) = &first.head {
                bites.push(format!("{}\n{text}", markdown[head.clone()].trim()));
            } else if !text.is_empty() {
                bites.push(text.to_string());
            }
        }
    }
    bites
}

/// Cuts a section over `limit` words into pieces of at most `limit` where blocks allow, about even in size.
fn split<'a>(section: &[&'a Block], limit: usize) -> Vec<Vec<&'a Block>> {
    let total: usize = section.iter().map(|b| b.words).sum();
    if total <= limit {
        return vec![section.to_vec()];
    }
    let target = total.div_ceil(total.div_ceil(limit));
    let mut pieces: Vec<Vec<&Block>> = Vec::new();
    let mut piece: Vec<&Block> = Vec::new();
    let mut words = 0;
    for &block in section {
        if !piece.is_empty() && (words + block.words > limit || words >= target) {
            // Cut at the latest good place in this piece: before `block`, or earlier when that is not one.
            let at = (1..=piece.len())
                .rev()
                .find(|&i| {
                    good_cut(
                        piece.get(i - 1).copied(),
                        piece.get(i).copied().or(Some(block)),
                    )
                })
                .filter(|&i| {
                    let kept: usize = piece[..i].iter().map(|b| b.words).sum();
                    kept * 3 >= limit.min(words)
                })
                .unwrap_or(piece.len());
            let rest = piece.split_off(at);
            pieces.push(std::mem::replace(&mut piece, rest));
            words = piece.iter().map(|b| b.words).sum();
        }
        words += block.words;
        piece.push(block);
    }
    if !piece.is_empty() {
        pieces.push(piece);
    }
    pieces
}

/// Whether a bite may end after `before` and the next start at `after`: not right before a code block, nor after a
/// paragraph that introduces what follows (ends in `:`) or a heading.
fn good_cut(before: Option<&Block>, after: Option<&Block>) -> bool {
    let (Some(before), Some(after)) = (before, after) else {
        return true;
    };
    !matches!(after.kind, Kind::Code) && !matches!(before.kind, Kind::Heading(_)) && !before.colon
}

/// The top-level blocks of `markdown`, with the words the loader counts in each (text and inline code); a block
/// quote keeps its own blocks, so that a long one can be cut between them.
fn top_level_blocks(markdown: &str) -> Vec<Block> {
    let mut blocks = Vec::new();
    let mut depth = 0usize;
    let mut current: Option<Block> = None;
    let mut child: Option<Block> = None;
    let block = |range: Range<usize>, kind: Kind| Block {
        range,
        words: 0,
        kind,
        colon: false,
        children: Vec::new(),
        head: None,
    };
    for (event, range) in Parser::new_ext(markdown, markdown_options()).into_offset_iter() {
        let parent = current.as_ref().map(|b| &b.kind);
        let quote = parent == Some(&Kind::Quote);
        let table = parent == Some(&Kind::Table);
        match &event {
            Event::Rule if depth == 0 => blocks.push(block(range, Kind::Rule)),
            Event::Start(tag) => {
                let kind = match tag {
                    Tag::Heading { level, .. } => Kind::Heading(*level),
                    Tag::CodeBlock(_) => Kind::Code,
                    Tag::Paragraph => Kind::Paragraph,
                    Tag::BlockQuote(_) => Kind::Quote,
                    Tag::Table(_) => Kind::Table,
                    _ => Kind::Other,
                };
                if depth == 0 {
                    current = Some(block(range.clone(), kind));
                } else if depth == 1 && quote {
                    // From the start of its line, so that a piece cut here opens with its `>`.
                    let line_start = markdown[..range.start].rfind('\n').map_or(0, |i| i + 1);
                    child = Some(block(line_start..range.end, kind));
                } else if depth == 1 && table {
                    // The head is read as a row too, and every row counts the head's words, since each piece
                    // repeats it.
                    let line_start = markdown[..range.start].rfind('\n').map_or(0, |i| i + 1);
                    let mut row = block(line_start..range.end, Kind::Other);
                    if let Some(table) = &current {
                        let head = table
                            .children
                            .first()
                            .filter(|_| !matches!(tag, Tag::TableHead));
                        // The head and its delimiter row: from the table's start to its first row.
                        row.head = match table.children.get(1) {
                            Some(first_row) => first_row.head.clone(),
                            None => head.map(|_| table.range.start..line_start),
                        };
                        row.words = head.map_or(0, |h| h.words);
                    }
                    child = Some(row);
                }
                depth += 1;
            }
            Event::End(_) => {
                depth = depth.saturating_sub(1);
                if depth == 1
                    && let Some(mut done) = child.take()
                {
                    done.range.end = done.range.end.max(range.end);
                    done.colon = ends_with_colon(markdown, &done);
                    if let Some(parent) = &mut current {
                        parent.children.push(done);
                    }
                }
                if depth == 0
                    && let Some(mut done) = current.take()
                {
                    done.range.end = done.range.end.max(range.end);
                    done.colon = ends_with_colon(markdown, &done);
                    blocks.push(done);
                }
            }
            Event::Text(t) | Event::Code(t) => {
                let words = t.split_whitespace().count();
                if let Some(b) = &mut current {
                    b.words += words;
                }
                if let Some(b) = &mut child {
                    b.words += words;
                }
            }
            _ => {
                if depth == 0 {
                    blocks.push(block(range, Kind::Other));
                }
            }
        }
    }
    blocks
}

fn ends_with_colon(markdown: &str, block: &Block) -> bool {
    block.kind == Kind::Paragraph && markdown[block.range.clone()].trim_end().ends_with(':')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(n: usize, word: &str) -> String {
        vec![word; n].join(" ")
    }

    #[test]
    fn cut_at_level_two_headings_when_there_is_no_break() {
        let text = "# Title\n\n## One\n\nfirst\n\n```text\n---\n```\n\n### Sub\n\nsame\n\n## Two\n\nsecond\n";
        assert_eq!(
            cut(text),
            [
                "# Title\n\n## One\n\nfirst\n\n```text\n---\n```\n\n### Sub\n\nsame",
                "## Two\n\nsecond"
            ]
        );
    }

    #[test]
    fn breaks_win_over_headings() {
        let text = "# T\n\nintro\n\n## A\n\na\n\n---\n\n## B\n\nb\n\n- item\n\n  ---\n";
        assert_eq!(
            cut(text),
            ["# T\n\nintro\n\n## A\n\na", "## B\n\nb\n\n- item\n\n  ---"]
        );
    }

    #[test]
    fn a_long_section_is_cut_between_paragraphs_under_the_limit() {
        let limit = max_words();
        let para = words(limit / 3, "word");
        let text = format!(
            "## Long\n\n{para}\n\n{para}\n\n{para}\n\nSee this:\n\n```text\n{}\n```\n\n{para}\n",
            words(20, "code")
        );
        let bites = cut(&text);
        assert!(bites.len() >= 2, "{bites:?}");
        for bite in &bites {
            let counted: usize = top_level_blocks(bite).iter().map(|b| b.words).sum();
            assert!(counted <= limit, "{counted} words in {bite:?}");
        }
        // The paragraph that introduces the code block stays with it.
        assert!(
            bites.iter().any(|b| b.contains("See this:\n\n```text")),
            "{bites:?}"
        );
        assert_eq!(bites.join(" ").matches("word").count(), 4 * (limit / 3));
    }

    #[test]
    fn a_long_quote_is_cut_between_its_paragraphs_each_piece_a_quote() {
        let para = words(max_words() / 2 + 10, "word");
        let text = format!("> ### Aside\n>\n> {para}\n>\n> {para}\n");
        let bites = cut(&text);
        assert_eq!(bites.len(), 2, "{bites:?}");
        assert!(bites.iter().all(|b| b.starts_with("> ")), "{bites:?}");
        assert!(bites[0].starts_with("> ### Aside\n>\n> word"), "{bites:?}");
    }

    #[test]
    fn a_long_table_is_cut_between_rows_each_piece_with_the_head() {
        let row = format!("| {} | x |\n", words(40, "cell"));
        let text = format!("| Head | More |\n|---|:-:|\n{}", row.repeat(15));
        let bites = cut(&text);
        assert!(bites.len() >= 2, "{bites:?}");
        for bite in &bites {
            assert!(
                bite.starts_with("| Head | More |\n|---|:-:|\n| cell"),
                "{bite:?}"
            );
            let counted: usize = top_level_blocks(bite).iter().map(|b| b.words).sum();
            assert!(counted <= max_words(), "{counted}");
        }
        assert_eq!(bites.join("").matches("| x |").count(), 15);
    }
}
