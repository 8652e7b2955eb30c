//! A chapter's Markdown made to stand as a lesson, by edits at pulldown-cmark's offsets: links to other chapters
//! point at their lessons, images and linked files at their copies in the pack (HTML `<img>` becomes a Markdown
//! image), reference links become inline (a bite is rendered on its own), rustdoc's hidden lines (`# `) leave
//! `rust` code blocks as mdBook hides them, and a `quiz` or `card` fence is shown as code, not asked.

use std::collections::HashMap;
use std::ops::Range;
use std::path::Path;

use pulldown_cmark::{CodeBlockKind, CowStr, Event, LinkType, Parser, Tag, TagEnd};

use super::{Files, inside, normalise};
use crate::pack::markdown_options;

/// What resolving a link needs.
pub(crate) struct Links<'a> {
    pub(crate) src: &'a Path,
    pub(crate) root: &'a Path,
    /// The chapter's path relative to the source folder.
    pub(crate) chapter: &'a str,
    /// Chapter path (relative to the source folder) → lesson id.
    pub(crate) lesson_of: &'a HashMap<String, String>,
    pub(crate) files: &'a mut Files,
}

/// Where a link goes in the pack.
enum Target {
    /// Outside the pack (a URL) or within the page (`#…`): as written.
    Keep,
    To(String),
    /// Nowhere: the link is kept as text, and this says why.
    Gone(String),
}

struct OpenLink<'t> {
    range: Range<usize>,
    dest: CowStr<'t>,
    link_type: LinkType,
    image: bool,
    inner_end: Option<usize>,
}

/// The chapter's Markdown with its links, images and code made right for the pack, and what could not be, each
/// at its offset in `text`.
pub(crate) fn transform(text: &str, links: &mut Links) -> (String, Vec<(usize, String)>) {
    let mut editor = Editor {
        text,
        links,
        edits: Vec::new(),
        problems: Vec::new(),
        open: Vec::new(),
        rust_block: false,
        html_block: None,
        listings: Vec::new(),
    };
    for (event, range) in Parser::new_ext(text, markdown_options()).into_offset_iter() {
        editor.event(event, range);
    }
    (apply(text, editor.edits), editor.problems)
}

/// The edits to make to a chapter's text, and what could not be made right, gathered event by event.
struct Editor<'t, 'l, 'a> {
    text: &'t str,
    links: &'l mut Links<'a>,
    edits: Vec<(Range<usize>, String)>,
    problems: Vec<(usize, String)>,
    /// Links and images whose end has not come yet, innermost last.
    open: Vec<OpenLink<'t>>,
    /// Inside a `rust` code block.
    rust_block: bool,
    /// Where the HTML block being read starts.
    html_block: Option<usize>,
    listings: Vec<String>,
}

impl<'t> Editor<'t, '_, '_> {
    fn event(&mut self, event: Event<'t>, range: Range<usize>) {
        let closes_link = matches!(event, Event::End(TagEnd::Link | TagEnd::Image));
        if !closes_link {
            for link in &mut self.open {
                link.inner_end = Some(link.inner_end.unwrap_or(0).max(range.end));
            }
        }
        match event {
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                ..
            }) => self.open_link(range, dest_url, link_type, false),
            Event::Start(Tag::Image {
                link_type,
                dest_url,
                ..
            }) => self.open_link(range, dest_url, link_type, true),
            Event::End(TagEnd::Link | TagEnd::Image) => {
                if let Some(link) = self.open.pop() {
                    edit_link(
                        self.text,
                        &link,
                        self.links,
                        &mut self.edits,
                        &mut self.problems,
                    );
                }
            }
            Event::Start(Tag::HtmlBlock) => self.html_block = Some(range.start),
            Event::End(TagEnd::HtmlBlock) => {
                if let Some(start) = self.html_block.take() {
                    self.html_block_end(start..range.end);
                }
            }
            Event::InlineHtml(html) => self.inline_html(&html, range),
            Event::Start(Tag::CodeBlock(CodeBlockKind::Fenced(info))) => {
                self.fenced_code_start(&info, range);
            }
            Event::End(TagEnd::CodeBlock) => self.rust_block = false,
            Event::Text(code)
                if self.rust_block && self.text.get(range.clone()) == Some(&*code) =>
            {
                hide_lines(&code, range.start, &mut self.edits);
            }
            _ => {}
        }
    }

    fn open_link(
        &mut self,
        range: Range<usize>,
        dest: CowStr<'t>,
        link_type: LinkType,
        image: bool,
    ) {
        self.open.push(OpenLink {
            range,
            dest,
            link_type,
            image,
            inner_end: None,
        });
    }

    /// An HTML block (at `range`): a listing as code, nothing for comments only, images as Markdown images.
    fn html_block_end(&mut self, range: Range<usize>) {
        let start = range.start;
        let block = &self.text[range];
        let whole = start..start + block.trim_end().len();
        if let Some(replacement) = listing(block.trim(), &mut self.listings) {
            self.edits.push((whole, replacement));
        } else if without_comments(block).trim().is_empty() {
            self.edits.push((whole, String::new()));
        } else if let Some(images) = only_images(block, self.links, start, &mut self.problems) {
            self.edits.push((whole, images));
        } else if block.contains("<img") {
            self.problems.push((
                start,
                "an `<img>` inside other HTML is left as HTML, so the image does not show"
                    .to_string(),
            ));
        }
    }

    /// Inline HTML: images as Markdown images, `<sup>` as `^(…)`, wrapper tags and comments gone.
    fn inline_html(&mut self, html: &str, range: Range<usize>) {
        if let Some(images) = only_images(html, self.links, range.start, &mut self.problems) {
            self.edits.push((range, images));
        } else if html.eq_ignore_ascii_case("<sup>") {
            self.edits.push((range, "^(".to_string()));
        } else if html.eq_ignore_ascii_case("</sup>") {
            self.edits.push((range, ")".to_string()));
        } else if is_wrapper_tag(html) || without_comments(html).trim().is_empty() {
            self.edits.push((range, String::new()));
        }
    }

    /// A fenced code block opening: whether it is `rust`; a `quiz` or `card` fence becomes `toml`, shown, not asked.
    fn fenced_code_start(&mut self, info: &str, range: Range<usize>) {
        let lang = info
            .split(|c: char| c == ',' || c.is_whitespace())
            .next()
            .unwrap_or("");
        self.rust_block = lang == "rust";
        if matches!(info.split_whitespace().next(), Some("quiz" | "card")) {
            let text = self.text;
            let line_end = text[range.start..]
                .find('\n')
                .map_or(range.end, |i| range.start + i);
            if let Some(at) = text[range.start..line_end].find(info) {
                let at = range.start + at;
                self.edits.push((at..at + info.len(), "toml".to_string()));
            }
        }
    }
}

/// `text` with `edits` made; of overlapping edits, the first one.
fn apply(text: &str, mut edits: Vec<(Range<usize>, String)>) -> String {
    edits.sort_by_key(|(range, _)| (range.start, range.end));
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    for (range, replacement) in edits {
        if range.start < at {
            continue; // overlapping edits cannot both apply; the first one wins
        }
        out.push_str(&text[at..range.start]);
        out.push_str(&replacement);
        at = range.end;
    }
    out.push_str(&text[at..]);
    out
}

fn edit_link(
    text: &str,
    link: &OpenLink,
    links: &mut Links,
    edits: &mut Vec<(Range<usize>, String)>,
    problems: &mut Vec<(usize, String)>,
) {
    if matches!(link.link_type, LinkType::Autolink | LinkType::Email) {
        return;
    }
    let opener = if link.image { 2 } else { 1 };
    let inner_end = link.inner_end.unwrap_or(link.range.start + opener);
    // `](dest)`, `][label]`, `][]` or `]` follows the link's text.
    if text.as_bytes().get(inner_end) != Some(&b']') || inner_end >= link.range.end {
        return;
    }
    let reference = !matches!(link.link_type, LinkType::Inline);
    let dest = match links.resolve(&link.dest, link.image) {
        Target::Keep if reference => link.dest.to_string(),
        Target::Keep => return,
        Target::To(dest) => dest,
        Target::Gone(why) => {
            edits.push((link.range.start..link.range.start + opener, String::new()));
            edits.push((inner_end..link.range.end, String::new()));
            problems.push((link.range.start, why));
            return;
        }
    };
    edits.push((
        inner_end..link.range.end,
        format!("]({})", crate::text::percent::link_target(&dest)),
    ));
}

impl Links<'_> {
    fn resolve(&mut self, dest: &str, image: bool) -> Target {
        if !crate::pack::is_local(dest) {
            return Target::Keep;
        }
        let path = dest.split(['#', '?']).next().unwrap_or(dest);
        let decoded = crate::pack::percent_decoded(path);
        let src_rel = self.src.strip_prefix(self.root).unwrap_or(Path::new(""));
        let chapter_dir = Path::new(self.chapter).parent().unwrap_or(Path::new(""));
        let base = if decoded.starts_with('/') {
            src_rel.to_path_buf()
        } else {
            src_rel.join(chapter_dir)
        };
        let Some(in_book) = normalise(&base, decoded.trim_start_matches('/')) else {
            return Target::Gone(format!("`{dest}` leaves the book's folder; kept as text"));
        };
        let src_prefix = src_rel.to_str().unwrap_or("");
        let in_src = if src_prefix.is_empty() {
            Some(in_book.as_str())
        } else {
            in_book
                .strip_prefix(src_prefix)
                .and_then(|r| r.strip_prefix('/'))
        };
        if !image && in_src.is_none() && in_book.ends_with(".html") {
            return Target::Gone(format!(
                "link to `{dest}` names a page outside the book; kept as text"
            ));
        }
        if !image && let Some(key) = in_src {
            let page = key.strip_suffix(".html").map(|k| format!("{k}.md"));
            let chapter = page.as_deref().unwrap_or(key);
            let readme = chapter
                .strip_suffix("index.md")
                .filter(|d| d.is_empty() || d.ends_with('/'))
                .map(|d| format!("{d}README.md"));
            let id = self
                .lesson_of
                .get(chapter)
                .or_else(|| readme.and_then(|r| self.lesson_of.get(&r)));
            if let Some(id) = id {
                return Target::To(format!("{id}.md"));
            }
            if page.is_some() {
                return Target::Gone(format!(
                    "link to `{dest}` names no chapter of the book; kept as text"
                ));
            }
        }
        let what = if image { "image" } else { "link target" };
        let real = match inside::resolve(self.root, &self.root.join(&in_book)) {
            Ok(real) => real,
            Err(why) => return Target::Gone(format!("{what} `{dest}`: {why}; kept as text")),
        };
        if let Some(kind) = inside::not_a_file(&real) {
            return Target::Gone(format!(
                "{what} `{dest}` is {kind}, not a file; kept as text"
            ));
        }
        let to = self.files.place(real, in_src.unwrap_or(&in_book));
        Target::To(format!("../{to}"))
    }
}

/// An HTML block or inline tag made only of `<img>` tags, as Markdown images (the pack's own way of showing one).
fn only_images(
    html: &str,
    links: &mut Links,
    at: usize,
    problems: &mut Vec<(usize, String)>,
) -> Option<String> {
    let mut rest = html.trim();
    let mut images = Vec::new();
    while !rest.is_empty() {
        if !rest.get(..4)?.eq_ignore_ascii_case("<img") {
            return None;
        }
        let end = rest.find('>')?;
        let tag = &rest[..=end];
        rest = rest[end + 1..].trim_start();
        let alt = attribute(tag, "alt").unwrap_or_default();
        let alt = alt.split_whitespace().collect::<Vec<_>>().join(" ");
        let alt = alt
            .replace('\\', "\\\\")
            .replace('[', "\\[")
            .replace(']', "\\]");
        let src = attribute(tag, "src")?;
        match links.resolve(&src, true) {
            Target::Keep => images.push(format!(
                "![{alt}]({})",
                crate::text::percent::link_target(&src)
            )),
            Target::To(dest) => images.push(format!(
                "![{alt}]({})",
                crate::text::percent::link_target(&dest)
            )),
            Target::Gone(why) => {
                problems.push((at, why));
                images.push(alt);
            }
        }
    }
    (!images.is_empty()).then(|| images.join("\n\n"))
}

/// The Rust book's `<Listing number="N" file-name="F" caption="C">` … `</Listing>` (its `trpl-listing`
/// preprocessor), as it shows them: `Filename: F` above, `Listing N: C` below.
fn listing(block: &str, open: &mut Vec<String>) -> Option<String> {
    if block.eq_ignore_ascii_case("</Listing>") {
        return Some(open.pop().unwrap_or_default());
    }
    let tag = block.strip_prefix("<Listing")?.strip_suffix('>')?;
    if tag.contains('>') || !tag.starts_with(char::is_whitespace) && !tag.is_empty() {
        return None;
    }
    let tag = format!("<Listing{tag}>");
    let caption = match (attribute(&tag, "number"), attribute(&tag, "caption")) {
        (Some(n), Some(c)) => format!("Listing {n}: {c}"),
        (Some(n), None) => format!("Listing {n}"),
        (None, Some(c)) => c,
        (None, None) => String::new(),
    };
    open.push(caption);
    Some(attribute(&tag, "file-name").map_or_else(String::new, |f| format!("Filename: {f}")))
}

/// HTML with its comments (`<!-- … -->`) taken out; an unclosed one runs to the end.
fn without_comments(html: &str) -> String {
    let mut out = String::new();
    let mut rest = html;
    while let Some(start) = rest.find("<!--") {
        out.push_str(&rest[..start]);
        rest = rest[start + 4..]
            .find("-->")
            .map_or("", |end| &rest[start + 4 + end + 3..]);
    }
    out.push_str(rest);
    out
}

/// An inline tag that only styles or anchors its text (`<span …>`, `</a>`, `<kbd>`…): mdBook's HTML shows the text,
/// and so does the pack once the tag is gone (`<sup>n</sup>` is written `^(n)`). Anything else, such as `<T>` written outside code, stays.
fn is_wrapper_tag(html: &str) -> bool {
    let Some(inner) = html.strip_prefix('<').and_then(|h| h.strip_suffix('>')) else {
        return false;
    };
    let inner = inner.strip_prefix('/').unwrap_or(inner);
    let name_end = inner
        .find(|c: char| c.is_whitespace() || c == '/')
        .unwrap_or(inner.len());
    matches!(
        &inner[..name_end],
        "span" | "a" | "kbd" | "em" | "strong" | "code" | "i" | "b" | "small" | "abbr"
    )
}

/// An attribute's value in an HTML tag, its entities decoded.
fn attribute(tag: &str, name: &str) -> Option<String> {
    let lower = tag.to_ascii_lowercase();
    let mut from = 0;
    while let Some(i) = lower[from..].find(name) {
        let at = from + i;
        from = at + name.len();
        let before = lower[..at].chars().next_back();
        if !before.is_some_and(char::is_whitespace) {
            continue;
        }
        let rest = tag[at + name.len()..].trim_start();
        let Some(rest) = rest.strip_prefix('=') else {
            continue;
        };
        let rest = rest.trim_start();
        let quote = rest.chars().next()?;
        let value = if quote == '"' || quote == '\'' {
            let body = &rest[1..];
            &body[..body.find(quote)?]
        } else {
            &rest[..rest
                .find(|c: char| c.is_whitespace() || c == '>' || c == '/')
                .unwrap_or(rest.len())]
        };
        return Some(
            value
                .replace("&quot;", "\"")
                .replace("&#39;", "'")
                .replace("&lt;", "<")
                .replace("&gt;", ">")
                .replace("&amp;", "&"),
        );
    }
    None
}

/// Rustdoc's hidden lines in a `rust` block, as mdBook hides them: a line that is `#` or starts with `# ` (after
/// indentation) goes; `##` at its start stands for a literal `#`.
fn hide_lines(code: &str, offset: usize, edits: &mut Vec<(Range<usize>, String)>) {
    let mut at = offset;
    for line in code.split_inclusive('\n') {
        let body = line.trim_start();
        let indent = line.len() - body.len();
        let content = body.trim_end_matches(['\n', '\r']);
        if content == "#" || content.starts_with("# ") {
            edits.push((at..at + line.len(), String::new()));
        } else if content.starts_with("##") {
            edits.push((at + indent..at + indent + 1, String::new()));
        }
        at += line.len();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hidden_lines_leave_rust_blocks_only() {
        let text = "```rust\n# fn main() {\nlet x = 1;\n    #[derive(Debug)]\n## not hidden\n#\n# }\n```\n\n```text\n# kept\n```\n";
        let mut files = Files::default();
        let lesson_of = HashMap::new();
        let mut links = Links {
            src: Path::new("/b/src"),
            root: Path::new("/b"),
            chapter: "c.md",
            lesson_of: &lesson_of,
            files: &mut files,
        };
        let (out, problems) = transform(text, &mut links);
        assert_eq!(
            out,
            "```rust\nlet x = 1;\n    #[derive(Debug)]\n# not hidden\n```\n\n```text\n# kept\n```\n"
        );
        assert!(problems.is_empty());
    }

    #[test]
    fn attributes_of_img() {
        let tag = r#"<img alt="Two &quot;tables&quot;" src='img/a b.svg' class="center" />"#;
        assert_eq!(attribute(tag, "alt").unwrap(), "Two \"tables\"");
        assert_eq!(attribute(tag, "src").unwrap(), "img/a b.svg");
        assert_eq!(
            crate::text::percent::link_target("../assets/img/a b.svg"),
            "../assets/img/a%20b.svg"
        );
    }

    #[test]
    fn html_mdbook_shows_as_text_becomes_text() {
        let text = "<!-- a note\nfor authors -->\n\n<span class=\"filename\">Filename: a.rs</span>\n\n<Listing number=\"1-2\" file-name=\"src/main.rs\" caption=\"The `main` fn\">\n\n```text\nx\n```\n\n</Listing>\n\n2<sup>n</sup> and <kbd>ctrl</kbd>, but Vec<T> stays.\n";
        let mut files = Files::default();
        let lesson_of = HashMap::new();
        let mut links = Links {
            src: Path::new("/b/src"),
            root: Path::new("/b"),
            chapter: "c.md",
            lesson_of: &lesson_of,
            files: &mut files,
        };
        let (out, _) = transform(text, &mut links);
        assert_eq!(
            out,
            "\n\nFilename: a.rs\n\nFilename: src/main.rs\n\n```text\nx\n```\n\nListing 1-2: The `main` fn\n\n2^(n) and ctrl, but Vec<T> stays.\n"
        );
    }
}
