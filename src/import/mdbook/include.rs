//! mdBook's directives, expanded as mdBook's `links` preprocessor does, in the text before Markdown is parsed:
//! `{{#include PATH}}` and `{{#rustdoc_include PATH}}` with a line range (`:5`, `:5:10`, `::10`, `:5:`) or an
//! anchor (`:name`, the lines between `ANCHOR: name` and `ANCHOR_END: name`), `{{#playground PATH}}`, and
//! `{{#title …}}` (dropped). Paths are relative to the file holding the directive; included text is expanded in its
//! turn. `\{{#…}}` is an escape and stays as written, without its backslash. What cannot be resolved is left out and
//! reported with its file and line.

use std::path::{Path, PathBuf};

use super::super::book::Skipped;
use super::summary::line_of;
use crate::pack::source::read_regular;

/// How deep included files may include others, as in mdBook.
const MAX_DEPTH: usize = 10;

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

/// What the expansion needs to know: the book's real root (nothing outside it is read) and where to report.
pub(crate) struct Context<'a> {
    pub(crate) root: &'a Path,
    pub(crate) skipped: &'a mut Vec<Skipped>,
}

impl Context<'_> {
    fn skip(&mut self, file: &Path, line: usize, why: String) {
        let file = file.strip_prefix(self.root).unwrap_or(file).to_path_buf();
        self.skipped.push(Skipped { file, line, why });
    }

    /// Reads a file of the book as text, refusing one outside the book.
    pub(crate) fn read(&self, path: &Path) -> Result<(PathBuf, String), String> {
        let real = path
            .canonicalize()
            .map_err(|_| "it does not exist".to_string())?;
        if !real.starts_with(self.root) {
            return Err("it is outside the book's folder".to_string());
        }
        let bytes = read_regular(&real).map_err(|e| format!("it is {e}"))?;
        let text = String::from_utf8(bytes).map_err(|_| "it is not UTF-8 text".to_string())?;
        Ok((real, text))
    }
}

/// Expands the directives of `text`, the contents of the file `file` (an absolute path inside the book).
pub(crate) fn expand(text: &str, file: &Path, cx: &mut Context) -> Expanded {
    expand_at(text, file, cx, 0)
}

fn expand_at(text: &str, file: &Path, cx: &mut Context, depth: usize) -> Expanded {
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
        if let Some(included) = directive.resolve(dir, file, line, cx, depth) {
            out.text.push_str(&included);
        }
        out.pieces.push((out.text.len(), end, true));
        copied = end;
        search = end;
    }
    out.text.push_str(&text[copied..]);
    out
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

    /// The text the directive stands for; `None` (and a report) when it cannot be resolved.
    fn resolve(
        &self,
        dir: &Path,
        file: &Path,
        line: usize,
        cx: &mut Context,
        depth: usize,
    ) -> Option<String> {
        let shown = format!("{{{{#{} {}}}}}", self.name, self.args);
        let rustdoc = match self.name {
            "include" => false,
            "rustdoc_include" | "playground" | "playpen" => true,
            "title" => return Some(String::new()),
            _ => {
                cx.skip(
                    file,
                    line,
                    format!("`{shown}` is not a directive the import knows; left out"),
                );
                return None;
            }
        };
        let mut words = self.args.split_whitespace();
        let Some(spec) = words.next() else {
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
        let (real, contents) = match cx.read(&dir.join(path)) {
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
        let lines = if depth < MAX_DEPTH {
            expand_at(&lines, &real, cx, depth + 1).text
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
            return Some(format!("```rust{attrs}\n{lines}\n```\n"));
        }
        Some(lines)
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
        let mut cx = Context {
            root: &root,
            skipped: &mut skipped,
        };
        let text = "x\n{{#include a.txt}}\ny \\{{#include a.txt}} {{#include gone.txt}}\nz";
        let out = expand(text, &root.join("ch.md"), &mut cx);
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
}
