//! mdBook's directives, expanded as mdBook's `links` preprocessor does, in the text before Markdown is parsed:
//! `{{#include PATH}}` and `{{#rustdoc_include PATH}}` with a line range (`:5`, `:5:10`, `::10`, `:5:`) or an
//! anchor (`:name`, the lines between `ANCHOR: name` and `ANCHOR_END: name`), `{{#playground PATH}}`, and
//! `{{#title …}}` (dropped). Paths are relative to the file holding the directive; included text is expanded in its
//! turn. `\{{#…}}` is an escape and stays as written, without its backslash. What cannot be resolved is left out and
//! reported with its file and line. Files are read only inside the book (`inside`). The text is counted as it is
//! included, before it is expanded, so that an include bomb stops as soon as it crosses a limit (a chapter's text,
//! the book's, or what their includes read): that include is left out and reported, and the rest goes on.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::rc::Rc;

use super::super::book::Skipped;
use super::inside::{self, Refused};
use super::summary::line_of;
use crate::pack::source::MAX_FILE_BYTES;

/// How deep included files may include others, as in mdBook.
const MAX_DEPTH: usize = 10;

/// The most text one chapter may grow to with what it includes: half the pack's limit for a lesson file
/// (`MAX_FILE_BYTES`), so that the lesson written from it, with its links made longer and its bites separated,
/// stays within that limit. Included text counts as read, its own directives included.
pub(crate) const MAX_CHAPTER_BYTES: usize = (MAX_FILE_BYTES / 2) as usize;

/// The most text the whole book may grow to, chapters and what they include: eight lesson files at the limit.
pub(crate) const MAX_BOOK_BYTES: usize = 8 * MAX_FILE_BYTES as usize;

/// How much text the includes of one chapter may read in all, counting what was read for an include left out for
/// crossing a limit: four chapters at the limit. It bounds the time a chapter of many includes that each cross a
/// limit can take.
pub(crate) const MAX_CHAPTER_READ: usize = 4 * MAX_CHAPTER_BYTES;

/// How much text the includes of the whole book may read in all: four books at the limit.
pub(crate) const MAX_BOOK_READ: usize = 4 * MAX_BOOK_BYTES;

/// How much of the included files is kept to be included again without reading them again.
const MAX_CACHED_BYTES: usize = MAX_FILE_BYTES as usize;

/// A limit on the text of a chapter or of the book, or on what their includes read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Limit {
    Chapter,
    Book,
    ChapterRead,
    BookRead,
}

impl std::fmt::Display for Limit {
    /// What crossing the limit means, as a clause: "the chapter's text would pass the limit of 4 MiB".
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Limit::Chapter => write!(
                f,
                "the chapter's text would pass the limit of {} MiB for a chapter",
                MAX_CHAPTER_BYTES >> 20
            ),
            Limit::Book => write!(
                f,
                "the book's text would pass the limit of {} MiB for a book",
                MAX_BOOK_BYTES >> 20
            ),
            Limit::ChapterRead => write!(
                f,
                "the chapter's includes would read more than the limit of {} MiB",
                MAX_CHAPTER_READ >> 20
            ),
            Limit::BookRead => write!(
                f,
                "the book's includes would read more than the limit of {} MiB",
                MAX_BOOK_READ >> 20
            ),
        }
    }
}

/// Where the text of a chapter crossed a limit: the include that crossed it.
struct Overflow {
    limit: Limit,
    /// The file holding the directive, relative to the book.
    file: PathBuf,
    line: usize,
    depth: usize,
}

/// A file's text with its directives expanded, and a map from offsets in it back to the file's own.
pub(crate) struct Expanded {
    pub(crate) text: String,
    /// `(offset in text, offset in the source, whether the piece is the source's own text)`, in order.
    pieces: Vec<(usize, usize, bool)>,
}

impl Expanded {
    /// The offset in the source file that produced `offset` of the expanded text: the directive's own offset for
    /// included text.
    pub(crate) fn source_offset(&self, offset: usize) -> usize {
        let i = self.pieces.partition_point(|&(at, _, _)| at <= offset);
        match i.checked_sub(1).map(|i| self.pieces[i]) {
            Some((at, origin, true)) => origin + (offset - at),
            Some((_, origin, false)) => origin,
            None => offset,
        }
    }
}

/// Text counted against the limits so far: the text kept (`chapter`, `book`), and all the text read for includes
/// (`chapter_read`, `book_read`), which is never taken back.
#[derive(Debug, Clone, Copy, Default)]
struct Used {
    chapter: usize,
    book: usize,
    chapter_read: usize,
    book_read: usize,
}

/// A file read for an include: its real path and its text, or why it cannot be read.
type Read = Result<(PathBuf, Rc<str>), String>;

/// What the expansion needs to know: the book's real root (nothing outside it is read), where to report, and the
/// text counted so far against the limits.
pub(crate) struct Context<'a> {
    pub(crate) root: &'a Path,
    pub(crate) skipped: &'a mut Vec<Skipped>,
    used: Used,
    /// Included files by the path their directive gives, so that a file included many times is read once.
    cache: HashMap<PathBuf, Read>,
    cached_bytes: usize,
    /// The reports made so far, each made once: a file included a thousand times has its problem told once.
    told: HashSet<(PathBuf, usize, String)>,
}

impl<'a> Context<'a> {
    pub(crate) fn new(root: &'a Path, skipped: &'a mut Vec<Skipped>) -> Self {
        Self {
            root,
            skipped,
            used: Used::default(),
            cache: HashMap::new(),
            cached_bytes: 0,
            told: HashSet::new(),
        }
    }
}

impl Context<'_> {
    fn skip(&mut self, file: &Path, line: usize, why: String) {
        let file = file.strip_prefix(self.root).unwrap_or(file).to_path_buf();
        if self.told.insert((file.clone(), line, why.clone())) {
            self.skipped.push(Skipped { file, line, why });
        }
    }

    /// Takes back the reports made after the first `len`: those about text that is left out after all.
    fn untell(&mut self, len: usize) {
        for taken in self.skipped.drain(len.min(self.skipped.len())..) {
            self.told.remove(&(taken.file, taken.line, taken.why));
        }
    }

    /// Reads a file of the book as text, refusing one outside the book (without looking at it), one that is not a
    /// regular file and one over the pack's limit for a file.
    pub(crate) fn read(&self, path: &Path) -> Result<(PathBuf, String), Refused> {
        inside::read(self.root, path)
    }

    /// [`Context::read`] for an include, from the cache when the file was included before.
    fn read_included(&mut self, path: &Path) -> Read {
        if let Some(read) = self.cache.get(path) {
            return read.clone();
        }
        let read: Read = self
            .read(path)
            .map(|(real, text)| (real, Rc::from(text)))
            .map_err(|why| why.to_string());
        let size = read.as_ref().map_or(0, |(_, text)| text.len());
        if self.cached_bytes + size <= MAX_CACHED_BYTES {
            self.cached_bytes += size;
            self.cache.insert(path.to_path_buf(), read.clone());
        }
        read
    }

    /// Counts `len` bytes more of the chapter's text; which limit they would cross, if any (then nothing is counted).
    fn charge(&mut self, len: usize) -> Result<(), Limit> {
        let used = &mut self.used;
        let over = [
            (used.chapter_read, MAX_CHAPTER_READ, Limit::ChapterRead),
            (used.book_read, MAX_BOOK_READ, Limit::BookRead),
            (used.chapter, MAX_CHAPTER_BYTES, Limit::Chapter),
            (used.book, MAX_BOOK_BYTES, Limit::Book),
        ]
        .into_iter()
        .find(|&(used, max, _)| used + len > max);
        if let Some((_, _, limit)) = over {
            return Err(limit);
        }
        used.chapter += len;
        used.book += len;
        used.chapter_read += len;
        used.book_read += len;
        Ok(())
    }

    /// Takes back the text counted since `before` but the reading of it: its text was left out.
    fn refund(&mut self, before: Used) {
        self.used.chapter = before.chapter;
        self.used.book = before.book;
    }
}

/// Expands the directives of `text`, the contents of the chapter `file` (an absolute path inside the book), as
/// the text of a new chapter. An include whose text would take the chapter or the book over its limit is left out
/// and reported, and the rest expanded; the limit `text` itself would cross, if it is too large to import.
pub(crate) fn expand(text: &str, file: &Path, cx: &mut Context) -> Result<Expanded, Limit> {
    cx.used.chapter = 0;
    cx.used.chapter_read = 0;
    cx.charge(text.len())?;
    // An overflow below the chapter's own text is caught at its directive, so this is the chapter's own text.
    expand_at(text, file, cx, 0).map_err(|over| over.limit)
}

/// The text of a directive (at `line` of `file`) that overflowed a limit, left out, with the count of text and the
/// reports back to what they were before it.
fn overflowed(
    cx: &mut Context,
    at: (&Path, usize),
    shown: &str,
    over: &Overflow,
    before: (Used, usize),
) {
    cx.refund(before.0);
    cx.untell(before.1);
    let file = at.0.strip_prefix(cx.root).unwrap_or(at.0);
    let crossed = if over.file == file && over.line == at.1 {
        String::new()
    } else {
        format!(
            " (crossed by the include at {}:{}, {} includes deep)",
            over.file.display(),
            over.line,
            over.depth
        )
    };
    cx.skip(
        at.0,
        at.1,
        format!(
            "`{shown}` is left out: with what it includes, {}{crossed}; the rest of the chapter is imported",
            over.limit
        ),
    );
}

fn expand_at(
    text: &str,
    file: &Path,
    cx: &mut Context,
    depth: usize,
) -> Result<Expanded, Overflow> {
    let mut out = Expanded {
        text: String::with_capacity(text.len()),
        pieces: vec![(0, 0, true)],
    };
    let mut copied = 0;
    let mut search = 0;
    while let Some(found) = text[search..].find("{{") {
        let start = search + found;
        search = start + 2;
        let escaped = start > 0 && text.as_bytes()[start - 1] == b'\\';
        let Some(directive) = Directive::parse(&text[start..]) else {
            continue;
        };
        let end = start + directive.len;
        if escaped {
            // `\{{#…}}` is shown as written, without the backslash.
            out.text.push_str(&text[copied..start - 1]);
            out.pieces.push((out.text.len(), start, true));
            out.text.push_str(&text[start..end]);
            copied = end;
            search = end;
            continue;
        }
        out.text.push_str(&text[copied..start]);
        out.pieces.push((out.text.len(), start, false));
        let line = line_of(text, start);
        let dir = file.parent().unwrap_or(Path::new(""));
        let before = (cx.used, cx.skipped.len());
        match directive.resolve(dir, file, line, cx, depth) {
            Ok(Some(included)) => out.text.push_str(&included),
            Ok(None) => {}
            Err(over) if depth == 0 => {
                overflowed(cx, (file, line), &directive.shown(), &over, before);
            }
            Err(over) => return Err(over),
        }
        out.pieces.push((out.text.len(), end, true));
        copied = end;
        search = end;
    }
    out.text.push_str(&text[copied..]);
    Ok(out)
}

/// `{{#name args}}` as found in the text.
struct Directive<'t> {
    name: &'t str,
    args: &'t str,
    /// Its length in the text, braces included.
    len: usize,
}

impl<'t> Directive<'t> {
    /// Reads a directive at the start of `text` (which starts with `{{`), as mdBook's pattern does:
    /// `{{`, spaces, `#name`, spaces, anything but `}`, `}}`.
    fn parse(text: &'t str) -> Option<Self> {
        let rest = text.strip_prefix("{{")?;
        let trimmed = rest.trim_start();
        let rest_at = text.len() - trimmed.len();
        let after_hash = trimmed.strip_prefix('#')?;
        let name_len = after_hash
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .unwrap_or(after_hash.len());
        if name_len == 0 {
            return None;
        }
        let name = &after_hash[..name_len];
        let after_name = &after_hash[name_len..];
        let close = after_name.find('}')?;
        if !after_name[close..].starts_with("}}") {
            return None;
        }
        let args = &after_name[..close];
        if !args.is_empty() && !args.starts_with(char::is_whitespace) {
            return None;
        }
        Some(Directive {
            name,
            args: args.trim(),
            len: rest_at + 1 + name_len + close + 2,
        })
    }

    /// The directive as shown in messages.
    fn shown(&self) -> String {
        format!("{{{{#{} {}}}}}", self.name, self.args)
    }

    /// The text the directive stands for; `None` (and a report) when it cannot be resolved; where a limit was
    /// crossed, when the text it includes would cross one.
    fn resolve(
        &self,
        dir: &Path,
        file: &Path,
        line: usize,
        cx: &mut Context,
        depth: usize,
    ) -> Result<Option<String>, Overflow> {
        let shown = self.shown();
        let rustdoc = match self.name {
            "include" => false,
            "rustdoc_include" | "playground" | "playpen" => true,
            "title" => return Ok(Some(String::new())),
            _ => {
                cx.skip(
                    file,
                    line,
                    format!("`{shown}` is not a directive the import knows; left out"),
                );
                return Ok(None);
            }
        };
        let mut words = self.args.split_whitespace();
        let Some((real, lines)) = self.included(words.next(), rustdoc, dir, (file, line), cx)
        else {
            return Ok(None);
        };
        if let Err(limit) = cx.charge(lines.len()) {
            return Err(Overflow {
                limit,
                file: file.strip_prefix(cx.root).unwrap_or(file).to_path_buf(),
                line,
                depth: depth + 1,
            });
        }
        let lines = if depth < MAX_DEPTH {
            expand_at(&lines, &real, cx, depth + 1)?.text
        } else {
            cx.skip(
                file,
                line,
                format!("`{shown}`: includes nested more than {MAX_DEPTH} deep are not expanded"),
            );
            lines
        };
        if matches!(self.name, "playground" | "playpen") {
            let attrs: String = words.map(|w| format!(",{w}")).collect();
            return Ok(Some(format!("```rust{attrs}\n{lines}\n```\n")));
        }
        Ok(Some(lines))
    }

    /// The file `spec` names (with its part, `path:part`) and the lines of it to include, before their own
    /// directives are expanded; `None` (and a report, at `at`) when there is none.
    fn included(
        &self,
        spec: Option<&str>,
        rustdoc: bool,
        dir: &Path,
        at: (&Path, usize),
        cx: &mut Context,
    ) -> Option<(PathBuf, String)> {
        let (file, line) = at;
        let shown = self.shown();
        let Some(spec) = spec else {
            cx.skip(file, line, format!("`{shown}` names no file; left out"));
            return None;
        };
        let (path, part) = match spec.split_once(':') {
            Some((path, part)) => (path, Some(part)),
            None => (spec, None),
        };
        let part = match Part::parse(part) {
            Ok(part) => part,
            Err(why) => {
                cx.skip(file, line, format!("`{shown}`: {why}; left out"));
                return None;
            }
        };
        let (real, contents) = match cx.read_included(&dir.join(path)) {
            Ok(read) => read,
            Err(why) => {
                cx.skip(
                    file,
                    line,
                    format!("`{shown}` cannot be included: {why}; left out"),
                );
                return None;
            }
        };
        let Some(lines) = part.take(&contents, rustdoc) else {
            let Part::Anchor(name) = &part else {
                unreachable!("only an anchor can be missing")
            };
            cx.skip(
                file,
                line,
                format!("`{shown}`: no line `ANCHOR: {name}` in {path}; left out"),
            );
            return None;
        };
        if lines.trim().is_empty() && !contents.trim().is_empty() {
            cx.skip(
                file,
                line,
                format!("`{shown}` includes no text (the file has fewer lines?)"),
            );
        }
        Some((real, lines))
    }
}

/// Which lines of a file to include.
#[derive(Debug, PartialEq)]
enum Part {
    All,
    /// 1-based, both ends included.
    Lines(Option<usize>, Option<usize>),
    Anchor(String),
}

impl Part {
    fn parse(spec: Option<&str>) -> Result<Self, String> {
        let Some(spec) = spec.filter(|s| !s.is_empty()) else {
            return Ok(Part::All);
        };
        let number = |s: &str| -> Result<Option<usize>, String> {
            if s.is_empty() {
                Ok(None)
            } else {
                s.parse()
                    .map(Some)
                    .map_err(|_| format!("`{s}` is not a line number"))
            }
        };
        match spec.split_once(':') {
            Some((from, to)) => Ok(Part::Lines(number(from)?, number(to)?)),
            None => match spec.parse::<usize>() {
                Ok(n) => Ok(Part::Lines(Some(n), Some(n))),
                Err(_) if is_anchor_name(spec) => Ok(Part::Anchor(spec.to_string())),
                Err(_) => Err(format!("`{spec}` is neither a line range nor an anchor")),
            },
        }
    }

    /// The included lines, joined by `\n`; `None` when the anchor is not in the file. A `rustdoc_include` shows
    /// only its range (mdBook hides the other lines), and no anchor line ever shows.
    fn take(&self, contents: &str, rustdoc: bool) -> Option<String> {
        let lines = contents.lines();
        let kept: Vec<&str> = match self {
            Part::All if rustdoc => lines.filter(|l| anchor(l).is_none()).collect(),
            Part::All => lines.collect(),
            Part::Lines(from, to) => {
                let from = from.unwrap_or(1).max(1);
                let to = to.unwrap_or(usize::MAX);
                lines
                    .enumerate()
                    .filter(|(i, _)| (from..=to).contains(&(i + 1)))
                    .map(|(_, l)| l)
                    .filter(|l| !rustdoc || anchor(l).is_none())
                    .collect()
            }
            Part::Anchor(name) => {
                let mut lines = lines.skip_while(|l| anchor(l) != Some(Anchor::Start(name)));
                lines.next()?;
                lines
                    .take_while(|l| anchor(l) != Some(Anchor::End(name)))
                    .filter(|l| anchor(l).is_none())
                    .collect()
            }
        };
        Some(kept.join("\n"))
    }
}

fn is_anchor_name(s: &str) -> bool {
    !s.is_empty()
        && s.chars()
            .all(|c| c.is_alphanumeric() || c == '_' || c == '-')
}

#[derive(Debug, PartialEq)]
enum Anchor<'a> {
    Start(&'a str),
    End(&'a str),
}

/// An anchor line: one holding `ANCHOR: name` or `ANCHOR_END: name`, in any comment.
fn anchor(line: &str) -> Option<Anchor<'_>> {
    let name_after = |marker: &str| -> Option<&str> {
        let at = line.find(marker)? + marker.len();
        let rest = line[at..].trim_start();
        let len = rest
            .find(|c: char| !(c.is_alphanumeric() || c == '_' || c == '-'))
            .unwrap_or(rest.len());
        (len > 0).then(|| &rest[..len])
    };
    name_after("ANCHOR_END:")
        .map(Anchor::End)
        .or_else(|| name_after("ANCHOR:").map(Anchor::Start))
}

#[cfg(test)]
mod tests {
    use super::*;

    const FILE: &str = "// ANCHOR: all\nfn main() {\n    // ANCHOR: body\n    let x = 1;\n    // ANCHOR_END: body\n}\n// ANCHOR_END: all\n";

    #[test]
    fn ranges_and_anchors() {
        let take = |spec: &str, rustdoc| Part::parse(Some(spec)).unwrap().take(FILE, rustdoc);
        assert_eq!(take("2", false).unwrap(), "fn main() {");
        assert_eq!(
            take("2:4", false).unwrap(),
            "fn main() {\n    // ANCHOR: body\n    let x = 1;"
        );
        assert_eq!(take("2:4", true).unwrap(), "fn main() {\n    let x = 1;");
        assert_eq!(take(":2", false).unwrap(), "// ANCHOR: all\nfn main() {");
        assert_eq!(take("6:", false).unwrap(), "}\n// ANCHOR_END: all");
        assert_eq!(take("body", false).unwrap(), "    let x = 1;");
        assert_eq!(
            take("all", false).unwrap(),
            "fn main() {\n    let x = 1;\n}"
        );
        assert_eq!(take("nope", false), None);
        assert_eq!(Part::parse(Some("")).unwrap(), Part::All);
        assert!(Part::parse(Some("a:b")).is_err());
    }

    #[test]
    fn directives_are_read_as_mdbook_reads_them() {
        let d = Directive::parse("{{#include a.rs:2:3}} after").unwrap();
        assert_eq!((d.name, d.args, d.len), ("include", "a.rs:2:3", 21));
        let d = Directive::parse("{{ #rustdoc_include  b.rs }}").unwrap();
        assert_eq!((d.name, d.args), ("rustdoc_include", "b.rs"));
        assert!(Directive::parse("{{ not one }}").is_none());
        assert!(Directive::parse("{{#include a.rs").is_none());
    }

    #[test]
    fn an_offset_in_included_text_maps_to_its_directive() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().canonicalize().unwrap();
        std::fs::write(root.join("a.txt"), "one\ntwo\n").unwrap();
        let mut skipped = Vec::new();
        let mut cx = Context::new(&root, &mut skipped);
        let text = "x\n{{#include a.txt}}\ny \\{{#include a.txt}} {{#include gone.txt}}\nz";
        let out = expand(text, &root.join("ch.md"), &mut cx).unwrap();
        assert_eq!(out.text, "x\none\ntwo\ny {{#include a.txt}} \nz");
        assert_eq!(out.source_offset(out.text.find("two").unwrap()), 2);
        assert_eq!(
            out.source_offset(out.text.find('z').unwrap()),
            text.find('z').unwrap()
        );
        assert_eq!(skipped.len(), 1);
        assert_eq!(skipped[0].line, 3);
        assert!(skipped[0].why.contains("gone.txt"), "{}", skipped[0].why);
    }

    #[test]
    fn an_include_that_would_pass_the_book_limit_is_left_out_and_the_rest_kept() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().canonicalize().unwrap();
        std::fs::write(root.join("a.txt"), "x".repeat(100)).unwrap();
        let mut skipped = Vec::new();
        let mut cx = Context::new(&root, &mut skipped);
        let text = "before\n{{#include a.txt}}\nafter";
        cx.used.book = MAX_BOOK_BYTES - text.len() - 50;
        let out = expand(text, &root.join("ch.md"), &mut cx).unwrap();
        assert_eq!(out.text, "before\n\nafter");
        // The next chapter may still use what is left.
        assert!(matches!(
            expand(&"y".repeat(51), &root.join("next.md"), &mut cx),
            Err(Limit::Book)
        ));
        assert_eq!(
            expand("z", &root.join("last.md"), &mut cx).unwrap().text,
            "z"
        );
        assert_eq!(skipped.len(), 1);
        assert_eq!(
            (skipped[0].file.to_str(), skipped[0].line),
            (Some("ch.md"), 2)
        );
        assert_eq!(
            skipped[0].why,
            "`{{#include a.txt}}` is left out: with what it includes, the book's text would pass the limit of 64 MiB for a book; the rest of the chapter is imported"
        );
    }
}
