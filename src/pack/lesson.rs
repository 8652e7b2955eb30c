//! One lesson file: its front matter, its body cut into bites at top-level thematic breaks, and the `quiz` and `card`
//! blocks in each bite.

use std::ops::Range;

use pulldown_cmark::{CodeBlockKind, Event, HeadingLevel, Parser, Tag, TagEnd};
use toml::Spanned;

use super::diagnostic::{Problem, Sink, Site};
use super::fields::{self, Fields, Origin};
use super::links::{LinkTarget, is_local, markdown_options};
use super::question::{self, Block, BlockKind};
use super::{
    Bite, Exercise, Lesson, MAX_BITE_MINUTES, MAX_LESSON_MINUTES, QuestionKind, is_valid_id,
};
use crate::text::depth::beyond;

const FRONT_MATTER_KEYS: &[&str] = &["id", "title", "minutes"];

/// Where an id stands, so that a duplicate can name both places.
pub(crate) struct IdSite {
    pub(crate) what: &'static str,
    pub(crate) id: String,
    pub(crate) site: Site,
}

pub(crate) struct ParsedLesson {
    pub(crate) lesson: Lesson,
    /// The lesson's own id first, then each question's and card's.
    pub(crate) ids: Vec<IdSite>,
    /// Choice questions with one right answer and no `shuffle`: the right choice's index, the number of choices and
    /// the question's fence, for the pack-wide position-bias check.
    pub(crate) right_positions: Vec<(usize, usize, Site)>,
}

/// Parses a lesson; `None` when its front matter is unusable. Problems go to `sink`; relative link targets to `links`.
pub(crate) fn parse(sink: &mut Sink, links: &mut Vec<LinkTarget>) -> Option<ParsedLesson> {
    let text = &*sink.source.text;
    let yaml_end = yaml_front_matter(text);
    if yaml_end.is_some() {
        sink.error(0..3, Problem::YamlFrontMatter);
    }
    let (front, body_start) = front_matter(text, sink)?;
    // The file's stem names the lesson only when the front matter does not.
    let source = sink.source;
    let file_stem = || {
        source
            .path
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default()
    };

    let (id, id_span) = match front.id {
        Some(id) => {
            let span = id.span();
            (id.into_inner(), span)
        }
        None => {
            let stem = file_stem().to_lowercase();
            if !is_valid_id(&stem) {
                sink.error(0..0, Problem::BadDefaultId(stem));
                return None;
            }
            (stem, 0..0)
        }
    };

    let mut body = cut(text, body_start, &id, sink, links, yaml_end);
    // A pack of thousands of lessons is held whole while it plays: no spare capacity.
    body.bites.shrink_to_fit();
    if body.bites.is_empty() {
        sink.error(body_start..body_start, Problem::EmptyLesson);
    }
    // One estimate at one pace: the lesson's minutes, the long-lesson warning and the planner's bites agree.
    let seconds: u32 = body
        .bites
        .iter()
        .map(|b| super::default_bite_seconds(b.words, b.questions().count(), b.cards().count()))
        .sum();
    let planned = f64::from(seconds) / 60.0;
    let minutes = front.minutes.unwrap_or(planned);
    if planned > MAX_LESSON_MINUTES {
        // Said in whole minutes rounded up, as every reading time is (`check`'s summary, the library).
        sink.warn(
            0..0,
            Problem::LongLesson {
                minutes: planned.ceil(),
            },
        );
    }

    let mut ids = vec![IdSite {
        what: "lesson",
        id: id.clone(),
        site: sink.site(id_span),
    }];
    ids.extend(body.ids);
    Some(ParsedLesson {
        lesson: Lesson {
            id,
            title: front.title.or(body.first_heading).unwrap_or_else(file_stem),
            file: sink.source.path.clone(),
            minutes,
            bites: body.bites,
        },
        ids,
        right_positions: body.right_positions,
    })
}

#[derive(Default)]
struct FrontMatter {
    id: Option<Spanned<String>>,
    title: Option<String>,
    minutes: Option<f64>,
}

/// Reads the front matter, if any, and returns it with the offset where the body starts.
fn front_matter(text: &str, sink: &mut Sink) -> Option<(FrontMatter, usize)> {
    let first_line_end = text.find('\n').map_or(text.len(), |i| i + 1);
    if text[..first_line_end].trim_end_matches(['\n', '\r']) != "+++" {
        return Some((FrontMatter::default(), 0));
    }
    let mut offset = first_line_end;
    let close = loop {
        if offset >= text.len() {
            sink.error(0..3, Problem::UnclosedFrontMatter);
            return None;
        }
        let end = text[offset..]
            .find('\n')
            .map_or(text.len(), |i| offset + i + 1);
        if text[offset..end].trim_end_matches(['\n', '\r']) == "+++" {
            break offset..end;
        }
        offset = end;
    };
    let toml = &text[first_line_end..close.start];
    let origin = Origin::at(first_line_end);
    let table = fields::parse(toml, &origin, sink)?;
    let mut f = Fields::new(table.get_ref(), &origin, 0..3, "the front matter");
    let id = f.string(sink, "id");
    let title = f.string(sink, "title");
    let minutes = f.number(sink, "minutes");
    f.finish(sink, FRONT_MATTER_KEYS);

    let mut ok = true;
    if let Some(id) = &id
        && !is_valid_id(id.get_ref())
    {
        sink.error(id.span(), Problem::BadId(id.get_ref().clone()));
        ok = false;
    }
    if let Some(title) = &title
        && title.get_ref().trim().is_empty()
    {
        sink.error(title.span(), Problem::Empty("title"));
    }
    let minutes = match minutes {
        Some(m) if !(m.get_ref().is_finite() && *m.get_ref() > 0.0) => {
            sink.error(m.span(), Problem::BadMinutes(*m.get_ref()));
            None
        }
        m => m.map(Spanned::into_inner),
    };
    ok.then_some((
        FrontMatter {
            id,
            title: title
                .map(Spanned::into_inner)
                .filter(|t| !t.trim().is_empty()),
            minutes,
        },
        close.end,
    ))
}

struct Body {
    bites: Vec<Bite>,
    ids: Vec<IdSite>,
    first_heading: Option<String>,
    right_positions: Vec<(usize, usize, Site)>,
}

/// A bite being gathered between two cuts.
#[derive(Default)]
struct Draft {
    /// Offset of the first event of the bite; `None` while the bite is still empty.
    start: Option<usize>,
    end: usize,
    words: usize,
    /// Spans of the `quiz` and `card` blocks, left out of the bite's Markdown.
    blocks: Vec<Range<usize>>,
    exercises: Vec<Exercise>,
}

/// A `quiz` or `card` block being read.
struct OpenBlock {
    kind: BlockKind,
    span: Range<usize>,
    toml: String,
    pieces: Vec<(usize, usize)>,
}

/// How deep the walk is: in every element (a `---` cuts a bite only outside all of them), and in block quotes and
/// lists, the depth rule's levels, with whether the limit was crossed since they were last within it: each crossing
/// is warned of once, where it happens.
#[derive(Default)]
struct Nesting {
    depth: usize,
    open: usize,
    warned: bool,
}

impl Nesting {
    /// Follows what `event` (at `range`) opens or closes, warning where quotes and lists cross the limit.
    fn see(&mut self, event: &Event<'_>, range: Range<usize>, sink: &mut Sink) {
        match event {
            Event::Start(tag) => {
                self.depth += 1;
                if !matches!(tag, Tag::BlockQuote(_) | Tag::List(_)) {
                    return;
                }
                self.open += 1;
                if beyond(self.open) && !self.warned {
                    self.warned = true;
                    sink.warn(range.start..range.start + 1, Problem::TooDeep);
                }
            }
            Event::End(tag) => {
                self.depth = self.depth.saturating_sub(1);
                if matches!(tag, TagEnd::BlockQuote(_) | TagEnd::List(_)) {
                    self.open = self.open.saturating_sub(1);
                    self.warned &= beyond(self.open);
                }
            }
            _ => {}
        }
    }
}

/// Cuts the body (from `body_start`) into bites and reads their blocks. Works on pulldown-cmark's flat event stream
/// with a depth counter, so that nesting of any depth costs no recursion.
fn cut(
    text: &str,
    body_start: usize,
    lesson_id: &str,
    sink: &mut Sink,
    links: &mut Vec<LinkTarget>,
    yaml_end: Option<usize>,
) -> Body {
    let mut body = Body {
        bites: Vec::new(),
        ids: Vec::new(),
        first_heading: None,
        right_positions: Vec::new(),
    };
    let mut draft = Draft::default();
    let mut nesting = Nesting::default();
    let mut block: Option<OpenBlock> = None;
    let mut heading: Option<String> = None;

    let parser = Parser::new_ext(&text[body_start..], markdown_options()).into_offset_iter();
    for (event, range) in parser {
        let range = range.start + body_start..range.end + body_start;
        if let Some(open) = &mut block {
            match event {
                Event::Text(t) => {
                    open.pieces.push((open.toml.len(), range.start));
                    open.toml.push_str(&t);
                }
                Event::End(TagEnd::CodeBlock) => {
                    nesting.depth -= 1;
                    if let Some(open) = block.take() {
                        finish_block(open, lesson_id, sink, &mut draft, &mut body, links);
                    }
                }
                _ => {}
            }
            continue;
        }
        match &event {
            Event::Rule if nesting.depth == 0 => {
                close_bite(&mut draft, text, &mut body.bites, sink);
                continue;
            }
            Event::Start(tag) => {
                if nesting.depth == 0
                    && let Tag::Heading {
                        level: HeadingLevel::H2,
                        ..
                    } = tag
                {
                    setext_rule(text, range.clone(), yaml_end, sink);
                }
                match tag {
                    Tag::CodeBlock(CodeBlockKind::Fenced(info)) => {
                        block = open_block(text, info, range.clone(), sink);
                    }
                    Tag::Heading {
                        level: HeadingLevel::H1,
                        ..
                    } if body.first_heading.is_none() => {
                        heading = Some(String::new());
                    }
                    Tag::Link { dest_url, .. } | Tag::Image { dest_url, .. }
                        if is_local(dest_url) =>
                    {
                        links.push(LinkTarget {
                            target: dest_url.to_string(),
                            site: sink.site(range.clone()),
                        });
                    }
                    _ => {}
                }
            }
            Event::End(tag) => {
                if matches!(tag, TagEnd::Heading(HeadingLevel::H1))
                    && let Some(h) = heading.take()
                {
                    body.first_heading = Some(h.trim().to_string());
                }
            }
            Event::Text(t) | Event::Code(t) => {
                draft.words += count_words(t);
                if let Some(h) = &mut heading {
                    h.push_str(t);
                }
            }
            _ => {}
        }
        nesting.see(&event, range.clone(), sink);
        draft.start.get_or_insert(range.start);
        draft.end = draft.end.max(range.end);
    }
    if let Some(open) = block.take() {
        finish_block(open, lesson_id, sink, &mut draft, &mut body, links);
    }
    close_bite(&mut draft, text, &mut body.bites, sink);
    body
}

/// A `quiz` or `card` block starting at `block`, to be filled with its TOML; `None` for any other fenced block
/// (warned when it was meant as one).
fn open_block(text: &str, info: &str, block: Range<usize>, sink: &mut Sink) -> Option<OpenBlock> {
    let Some(kind) = BlockKind::from_info(info) else {
        if let Some(kind) = BlockKind::meant(info) {
            misfenced(text, block, info, kind, sink);
        }
        return None;
    };
    Some(OpenBlock {
        kind,
        // The block's TOML is shorter than the block: one allocation.
        toml: String::with_capacity(block.len()),
        span: block,
        pieces: Vec::new(),
    })
}

/// A fenced block meant as a question or card whose info string morsel does not read (`Quiz`, `toml quiz`): it
/// would be shown as code. Warned at its opening fence.
fn misfenced(text: &str, block: Range<usize>, info: &str, kind: BlockKind, sink: &mut Sink) {
    let fence_end = text[block.clone()]
        .find('\n')
        .map_or(block.end, |n| block.start + n);
    let (kind, what) = match kind {
        BlockKind::Quiz => ("quiz", "question"),
        BlockKind::Card => ("card", "card"),
    };
    sink.warn(
        block.start..fence_end,
        Problem::MisfencedBlock {
            info: info.trim().to_string(),
            kind,
            what,
        },
    );
}

/// The number of words in `text`, as `split_whitespace` counts them: runs of characters that are not white space.
/// ASCII text, nearly all of a lesson's prose, is counted over its bytes; other text through `char`s.
fn count_words(text: &str) -> usize {
    /// The ASCII characters of Unicode's White_Space: tab, line feed, vertical tab, form feed, return, space.
    fn space(byte: u8) -> bool {
        (byte == b' ') | (byte.wrapping_sub(b'\t') < 5)
    }
    let bytes = text.as_bytes();
    let Some(&first) = bytes.first() else {
        return 0;
    };
    // A word starts at the first byte if it is not white space, and at each byte that is not and follows one that
    // is. The pairs of bytes are taken 32 at a time, counted into a byte and with no branch, which the compiler
    // runs on vectors; any byte from 0x80 up sends the text to the char path.
    let mut words = usize::from(!space(first));
    let mut high = first;
    let (before, after) = (&bytes[..bytes.len() - 1], &bytes[1..]);
    let mut blocks = before.chunks_exact(32).zip(after.chunks_exact(32));
    for (b, a) in &mut blocks {
        let mut starts = 0u8;
        for k in 0..32 {
            starts += u8::from(space(b[k]) & !space(a[k]));
            high |= a[k];
        }
        words += usize::from(starts);
    }
    let done = before.len() - before.len() % 32;
    for (&b, &a) in before[done..].iter().zip(&after[done..]) {
        words += usize::from(space(b) & !space(a));
        high |= a;
    }
    if high >= 0x80 {
        return text.split_whitespace().count();
    }
    words
}

/// Warns when a level-2 heading at `range` is a paragraph underlined with `---` (three dashes or more, shorter
/// than the line above): an author who writes a bite break right under a paragraph gets a heading instead. An
/// underline as long as its text is a heading written on purpose. The closing line of YAML front matter, already an
/// error, is not reported again.
fn setext_rule(text: &str, range: Range<usize>, yaml_end: Option<usize>, sink: &mut Sink) {
    let heading = text[range.clone()].trim_end_matches(['\n', '\r']);
    let Some(newline) = heading.rfind('\n') else {
        return;
    };
    let underline = &heading[newline + 1..];
    let dashes = underline.trim();
    let above = heading[..newline].lines().last().unwrap_or("").trim();
    if dashes.len() < 3
        || !dashes.bytes().all(|b| b == b'-')
        || dashes.len() >= above.chars().count()
    {
        return;
    }
    let start = range.start + newline + 1;
    let at = start + (underline.len() - underline.trim_start().len());
    if yaml_end.is_some_and(|end| at < end) {
        return;
    }
    sink.warn(at..at + dashes.len(), Problem::SetextRule);
}

/// The end of YAML-style front matter at the top of a lesson, if there is one: `---`, then lines of `key: value`
/// (list items and comments allowed, no blank line), then `---` or `...`.
fn yaml_front_matter(text: &str) -> Option<usize> {
    let mut lines = text.split_inclusive('\n');
    if lines.next()?.trim_end() != "---" {
        return None;
    }
    let mut offset = text.find('\n')? + 1;
    let mut keys = 0;
    for line in lines {
        offset += line.len();
        let line = line.trim_end();
        if line == "---" || line == "..." {
            return (keys > 0).then_some(offset);
        }
        let key = line.split(':').next().unwrap_or("");
        if line.contains(':')
            && !key.is_empty()
            && key
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
        {
            keys += 1;
        } else if line.is_empty() || !line.starts_with([' ', '-', '#']) {
            // A blank line or prose: a lesson that opens with a bite break, not front matter.
            return None;
        }
    }
    None
}

fn finish_block(
    open: OpenBlock,
    lesson_id: &str,
    sink: &mut Sink,
    draft: &mut Draft,
    body: &mut Body,
    links: &mut Vec<LinkTarget>,
) {
    draft.start.get_or_insert(open.span.start);
    draft.end = draft.end.max(open.span.end);
    draft.blocks.push(open.span.clone());
    let block = Block {
        kind: open.kind,
        toml: &open.toml,
        origin: Origin::from_pieces(open.pieces),
        line: sink.source.position(open.span.start).line,
        span: open.span,
    };
    if let Some(parsed) = question::parse(&block, lesson_id, sink) {
        let (what, id) = match &parsed.exercise {
            Exercise::Question(q) => ("question", q.id.clone()),
            Exercise::Card(c) => ("card", c.id.clone()),
        };
        if let Exercise::Question(q) = &parsed.exercise
            && let QuestionKind::Choice {
                choices,
                shuffle: false,
            } = &q.kind
            && let [right] = choices
                .iter()
                .enumerate()
                .filter(|(_, c)| c.correct)
                .map(|(i, _)| i)
                .collect::<Vec<_>>()[..]
        {
            let fence = block.span.start..block.span.start + 3;
            body.right_positions
                .push((right, choices.len(), sink.site(fence)));
        }
        links.extend(parsed.links);
        // Questions and cards share one namespace: progress is keyed by these ids.
        body.ids.push(IdSite {
            what,
            id,
            site: sink.site(parsed.id_span),
        });
        draft.exercises.push(parsed.exercise);
    }
}

fn close_bite(draft: &mut Draft, text: &str, bites: &mut Vec<Bite>, sink: &mut Sink) {
    let done = std::mem::take(draft);
    let Some(start) = done.start else {
        return;
    };
    let mut markdown = String::with_capacity(done.end - start);
    let mut at = start;
    for block in &done.blocks {
        markdown.push_str(&text[at..block.start]);
        at = block.end;
    }
    markdown.push_str(&text[at..done.end]);
    // Bites are judged at the planner's reading speed, the one the time box and the player's estimates use.
    let minutes = done.words as f64 / super::WORDS_PER_MINUTE;
    if minutes > MAX_BITE_MINUTES {
        sink.warn(
            start..start,
            Problem::LongBite {
                minutes,
                words: done.words,
            },
        );
    }
    // Trimmed in place: the bite's text is copied once.
    markdown.truncate(markdown.trim_end().len());
    let leading = markdown.len() - markdown.trim_start().len();
    markdown.drain(..leading);
    markdown.shrink_to_fit();
    bites.push(Bite {
        number: bites.len() + 1,
        markdown,
        line: sink.source.position(start).line,
        words: done.words,
        exercises: {
            let mut exercises = done.exercises;
            exercises.shrink_to_fit();
            exercises
        },
    });
}

#[cfg(test)]
mod tests;
