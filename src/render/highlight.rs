//! Syntax highlighting of fenced code with syntect, loaded once and only when a known language first appears; a
//! block is highlighted line by line, only as far as asked, its state kept so that asking for more goes on from there.

use std::cell::RefCell;
use std::collections::VecDeque;
use std::ops::Range;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicBool, Ordering};

use ratatui::style::{Color, Modifier, Style};
use syntect::easy::HighlightLines;
use syntect::highlighting::{FontStyle, ThemeSet};
use syntect::parsing::{SyntaxDefinition, SyntaxSet, SyntaxSetBuilder};

use super::wrap::Run;

/// A language that can be highlighted, and which syntax set holds it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Language {
    /// One of syntect's bundled syntaxes, by name.
    Bundled(&'static str),
    /// TOML, which syntect does not bundle: a small syntax of our own.
    Toml,
}

/// Info-string words (compared without case) and the bundled syntax each names.
const ALIASES: &[(&str, &str)] = &[
    ("rust", "Rust"),
    ("rs", "Rust"),
    ("python", "Python"),
    ("py", "Python"),
    ("python3", "Python"),
    ("sh", "Bourne Again Shell (bash)"),
    ("bash", "Bourne Again Shell (bash)"),
    ("shell", "Bourne Again Shell (bash)"),
    ("zsh", "Bourne Again Shell (bash)"),
    ("json", "JSON"),
    ("sql", "SQL"),
    ("js", "JavaScript"),
    ("javascript", "JavaScript"),
    ("mjs", "JavaScript"),
    ("c", "C"),
    ("h", "C"),
    ("cpp", "C++"),
    ("c++", "C++"),
    ("cc", "C++"),
    ("hpp", "C++"),
    ("cs", "C#"),
    ("csharp", "C#"),
    ("go", "Go"),
    ("golang", "Go"),
    ("java", "Java"),
    ("ruby", "Ruby"),
    ("rb", "Ruby"),
    ("yaml", "YAML"),
    ("yml", "YAML"),
    ("html", "HTML"),
    ("xml", "XML"),
    ("css", "CSS"),
    ("diff", "Diff"),
    ("patch", "Diff"),
    ("make", "Makefile"),
    ("makefile", "Makefile"),
    ("lua", "Lua"),
    ("perl", "Perl"),
    ("php", "PHP"),
    ("haskell", "Haskell"),
    ("hs", "Haskell"),
    ("markdown", "Markdown"),
    ("md", "Markdown"),
    ("r", "R"),
    ("scala", "Scala"),
    ("clojure", "Clojure"),
    ("erlang", "Erlang"),
    ("ocaml", "OCaml"),
    ("latex", "LaTeX"),
    ("tex", "LaTeX"),
];

/// The language a code block's info string names by its first word (`rust`, `rust,ignore`, `{.python}`), if it is
/// one we highlight. Loads nothing.
pub(crate) fn language(info: &str) -> Option<Language> {
    let word = info
        .split(|c: char| c.is_whitespace() || matches!(c, ',' | '{' | '}'))
        .map(|w| w.trim_start_matches('.'))
        .find(|w| !w.is_empty())?;
    if word.eq_ignore_ascii_case("toml") {
        return Some(Language::Toml);
    }
    ALIASES
        .iter()
        .find(|(alias, _)| alias.eq_ignore_ascii_case(word))
        .map(|&(_, name)| Language::Bundled(name))
}

static BUNDLED: OnceLock<SyntaxSet> = OnceLock::new();
/// Set by `defer_loading`: until `preload` has finished, code is shown plain rather than loaded in the frame.
static DEFERRED: AtomicBool = AtomicBool::new(false);
static READY: AtomicBool = AtomicBool::new(false);

/// From now on a frame never waits for syntect to load (tens of milliseconds): code is shown plain until `preload`,
/// run on another thread, has loaded it. For the interactive player; `print` and tests keep highlighting at once.
pub(crate) fn defer_loading() {
    DEFERRED.store(true, Ordering::Release);
}

/// Loads the syntaxes and themes, so that the next highlight finds them ready.
pub(crate) fn preload() {
    THEMES.get_or_init(ThemeSet::load_defaults);
    BUNDLED.get_or_init(SyntaxSet::load_defaults_newlines);
    TOML.get_or_init(toml_set);
    READY.store(true, Ordering::Release);
}
static TOML: OnceLock<Option<SyntaxSet>> = OnceLock::new();
static THEMES: OnceLock<ThemeSet> = OnceLock::new();

/// A small TOML syntax: comments, table headers, keys, strings, numbers, dates and booleans.
const TOML_SYNTAX: &str = r##"%YAML 1.2
---
name: TOML
file_extensions: [toml]
scope: source.toml
contexts:
  main:
    - match: '#.*'
      scope: comment.line.number-sign.toml
    - match: '^\s*(\[\[?)([^\]#]*)(\]\]?)'
      captures:
        1: punctuation.section.brackets.toml
        2: entity.name.section.toml
        3: punctuation.section.brackets.toml
    - match: '((?:[A-Za-z0-9_-]+|"[^"\n]*"|''[^''\n]*'')(?:\s*\.\s*(?:[A-Za-z0-9_-]+|"[^"\n]*"|''[^''\n]*''))*)\s*(=)'
      captures:
        1: entity.name.tag.toml
        2: keyword.operator.assignment.toml
    - match: '"""'
      push: multiline_basic
    - match: "'''"
      push: multiline_literal
    - match: '"'
      push: basic
    - match: "'"
      push: literal
    - match: '\b(?:true|false)\b'
      scope: constant.language.toml
    - match: '\b\d{4}-\d{2}-\d{2}(?:[Tt ]\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:[Zz]|[+-]\d{2}:\d{2})?)?'
      scope: constant.other.date.toml
    - match: '[+-]?\b(?:0x[0-9A-Fa-f_]+|0o[0-7_]+|0b[01_]+|\d[\d_]*(?:\.\d[\d_]*)?(?:[eE][+-]?\d[\d_]*)?|inf|nan)\b'
      scope: constant.numeric.toml
  basic:
    - meta_scope: string.quoted.double.toml
    - match: '\\(?:[btnfr"\\]|u[0-9A-Fa-f]{4}|U[0-9A-Fa-f]{8})'
      scope: constant.character.escape.toml
    - match: '"'
      pop: true
    - match: '\n'
      pop: true
  literal:
    - meta_scope: string.quoted.single.toml
    - match: "'"
      pop: true
    - match: '\n'
      pop: true
  multiline_basic:
    - meta_scope: string.quoted.triple.toml
    - match: '\\(?:[btnfr"\\]|u[0-9A-Fa-f]{4}|U[0-9A-Fa-f]{8})'
      scope: constant.character.escape.toml
    - match: '"""'
      pop: true
  multiline_literal:
    - meta_scope: string.quoted.triple.toml
    - match: "'''"
      pop: true
"##;

fn toml_set() -> Option<SyntaxSet> {
    let definition = SyntaxDefinition::load_from_str(TOML_SYNTAX, true, None).ok()?;
    let mut builder = SyntaxSetBuilder::new();
    builder.add(definition);
    Some(builder.build())
}

/// Converts syntect's style for a token to ours, on top of `base`: the foreground colour and the font style; the
/// theme's background is left to the terminal.
fn token_style(token: syntect::highlighting::Style, base: Style) -> Style {
    let mut style = base;
    let fg = token.foreground;
    if fg.a > 0 {
        style = style.fg(Color::Rgb(fg.r, fg.g, fg.b));
    }
    for (font, modifier) in [
        (FontStyle::BOLD, Modifier::BOLD),
        (FontStyle::ITALIC, Modifier::ITALIC),
        (FontStyle::UNDERLINE, Modifier::UNDERLINED),
    ] {
        if token.font_style.contains(font) {
            style = style.add_modifier(modifier);
        }
    }
    style
}

/// Whether any of syntect's syntaxes or themes has been loaded in this process.
#[cfg(test)]
pub(crate) fn loaded() -> bool {
    BUNDLED.get().is_some() || TOML.get().is_some() || THEMES.get().is_some()
}

#[cfg(test)]
thread_local! {
    /// Lines handed to syntect on this thread, so that tests can bound the work a rendering does.
    pub(crate) static LINES_HIGHLIGHTED: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
}

/// One block's highlighting, line after line: syntect's parse and highlight state after the last line given, so
/// that going on from there costs only the lines added.
pub(crate) struct LineHighlighter {
    lines: HighlightLines<'static>,
    set: &'static SyntaxSet,
}

impl LineHighlighter {
    /// A highlighter for `language` in the syntect theme named `theme`; `None` when the theme is unknown, or while
    /// loading is deferred and not done (the code is then shown plain). The first one for a language loads its
    /// syntax set (tens of milliseconds).
    pub(crate) fn new(language: Language, theme: &str) -> Option<Self> {
        if DEFERRED.load(Ordering::Acquire) && !READY.load(Ordering::Acquire) {
            return None;
        }
        let theme = THEMES
            .get_or_init(ThemeSet::load_defaults)
            .themes
            .get(theme)?;
        let (set, syntax) = match language {
            Language::Bundled(name) => {
                let set = BUNDLED.get_or_init(SyntaxSet::load_defaults_newlines);
                (set, set.find_syntax_by_name(name)?)
            }
            Language::Toml => {
                let set = TOML.get_or_init(toml_set).as_ref()?;
                (set, set.find_syntax_by_name("TOML")?)
            }
        };
        Some(Self {
            lines: HighlightLines::new(syntax, theme),
            set,
        })
    }

    /// The next line of the block, with its line ending if it has one, as runs on top of `base` without the
    /// ending and not yet sanitised; `None` when syntect fails.
    pub(crate) fn line(&mut self, line: &str, base: Style) -> Option<Vec<Run>> {
        let body = line.strip_suffix('\n').unwrap_or(line);
        let body = body.strip_suffix('\r').unwrap_or(body);
        let mut left = body.len();
        let mut runs = Vec::new();
        #[cfg(test)]
        LINES_HIGHLIGHTED.with(|n| n.set(n.get() + 1));
        for (token, text) in self.lines.highlight_line(line, self.set).ok()? {
            let kept = &text[..text.len().min(left)];
            left -= kept.len();
            if !kept.is_empty() {
                runs.push((token_style(token, base), kept.to_owned()));
            }
        }
        Some(runs)
    }
}

/// How many blocks are kept, highlighted as far as they were drawn, so that drawing the same bite again (a redraw,
/// a resize, scrolling back) skips syntect and scrolling on goes on from where it stopped.
const CACHE_SIZE: usize = 32;

/// A block highlighted up to some line, with everything it was highlighted from.
struct Cached {
    language: Language,
    theme: String,
    base: Style,
    code: String,
    /// The runs of the lines highlighted so far, from the first.
    lines: Vec<Vec<Run>>,
    /// Where to go on: the highlighter's state after the last of `lines`, and the byte offset of the next line;
    /// `None` once the block is done.
    next: Option<(LineHighlighter, usize)>,
}

thread_local! {
    /// Per thread, since syntect's parse state on Oniguruma cannot move between threads; rendering for the screen
    /// happens on the one thread that draws.
    static CACHE: RefCell<VecDeque<Cached>> = const { RefCell::new(VecDeque::new()) };
}

/// The lines `range` of `code` (counted from 0; the end may lie past the last line) highlighted as `language` with
/// the syntect theme named `theme`, each token styled on top of `base`.
///
/// Returns one list of runs per line, without line endings and not yet sanitised; `None` when the theme is unknown,
/// loading is deferred and not done, or syntect fails, so that the caller shows the code plain. Lines go through
/// syntect once, in order, and only as far as `range` asks: the block's state is kept with the lines already
/// highlighted (for the last few blocks), so that asking for the next lines goes on from there.
pub(crate) fn highlight_lines(
    code: &str,
    language: Language,
    theme: &str,
    base: Style,
    range: Range<usize>,
) -> Option<Vec<Vec<Run>>> {
    CACHE.with_borrow_mut(|cache| lines_of(cache, code, language, theme, base, range))
}

fn lines_of(
    cache: &mut VecDeque<Cached>,
    code: &str,
    language: Language,
    theme: &str,
    base: Style,
    range: Range<usize>,
) -> Option<Vec<Vec<Run>>> {
    let same =
        |c: &Cached| c.language == language && c.theme == theme && c.base == base && c.code == code;
    let at = match cache.iter().position(same) {
        Some(at) => at,
        None => {
            let highlighter = LineHighlighter::new(language, theme)?;
            if cache.len() >= CACHE_SIZE {
                cache.pop_front();
            }
            cache.push_back(Cached {
                language,
                theme: theme.to_owned(),
                base,
                code: code.to_owned(),
                lines: Vec::new(),
                next: Some((highlighter, 0)),
            });
            cache.len() - 1
        }
    };
    let entry = &mut cache[at];
    while entry.lines.len() < range.end {
        let Some((highlighter, offset)) = &mut entry.next else {
            break;
        };
        let rest = &code[*offset..];
        if rest.is_empty() {
            entry.next = None;
            break;
        }
        let line = &rest[..rest.find('\n').map_or(rest.len(), |i| i + 1)];
        let Some(runs) = highlighter.line(line, base) else {
            cache.remove(at);
            return None;
        };
        *offset += line.len();
        entry.lines.push(runs);
    }
    let end = range.end.min(entry.lines.len());
    Some(entry.lines[range.start.min(end)..end].to_vec())
}

/// Highlights the whole of `code`: [`highlight_lines`] over every line.
#[cfg(test)]
pub(crate) fn highlight(
    code: &str,
    language: Language,
    theme: &str,
    base: Style,
) -> Option<Vec<Vec<Run>>> {
    highlight_lines(code, language, theme, base, 0..usize::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn joined(lines: &[Vec<Run>]) -> Vec<String> {
        lines
            .iter()
            .map(|l| l.iter().map(|(_, t)| t.as_str()).collect())
            .collect()
    }

    #[test]
    fn info_strings_name_languages_by_their_first_word() {
        assert_eq!(language("rust"), Some(Language::Bundled("Rust")));
        assert_eq!(language("Rust,ignore"), Some(Language::Bundled("Rust")));
        assert_eq!(
            language("  py title=\"x\""),
            Some(Language::Bundled("Python"))
        );
        assert_eq!(
            language("{.bash}"),
            Some(Language::Bundled("Bourne Again Shell (bash)"))
        );
        assert_eq!(language("toml"), Some(Language::Toml));
        assert_eq!(language("brainfuck"), None);
        assert_eq!(language(""), None);
    }

    #[test]
    fn every_alias_names_a_bundled_syntax() {
        let set = BUNDLED.get_or_init(SyntaxSet::load_defaults_newlines);
        for (alias, name) in ALIASES {
            assert!(set.find_syntax_by_name(name).is_some(), "{alias} → {name}");
        }
    }

    #[test]
    fn the_toml_syntax_loads_and_tells_keys_from_values() {
        let lines = highlight(
            "[package]\nname = \"morsel\" # the name\nversion = 1\n",
            Language::Toml,
            "base16-ocean.dark",
            Style::default(),
        );
        let lines = lines.expect("TOML highlights");
        assert_eq!(
            joined(&lines),
            ["[package]", "name = \"morsel\" # the name", "version = 1"]
        );
        let style_of = |line: usize, text: &str| {
            lines[line]
                .iter()
                .find(|(_, t)| t.contains(text))
                .map(|(s, _)| s.fg)
        };
        assert_ne!(style_of(1, "name"), style_of(1, "\"morsel\""));
        assert_ne!(style_of(1, "\"morsel\""), style_of(1, "# the name"));
    }

    #[test]
    fn rust_is_coloured_and_line_endings_dropped() {
        let lines = highlight(
            "fn main() {}\r\n",
            Language::Bundled("Rust"),
            "InspiredGitHub",
            Style::default(),
        )
        .expect("Rust highlights");
        assert_eq!(joined(&lines), ["fn main() {}"]);
        assert!(
            lines[0]
                .iter()
                .all(|(s, _)| matches!(s.fg, Some(Color::Rgb(..))))
        );
        assert!(lines[0].len() > 1, "{:?}", lines[0]);
    }

    #[test]
    fn a_block_highlighted_again_comes_from_the_cache() {
        let code = "def cached(): return 42  # only in this test\n";
        let first = highlight(
            code,
            Language::Bundled("Python"),
            "base16-ocean.dark",
            Style::default(),
        );
        let in_cache = |cache: &VecDeque<Cached>| cache.iter().any(|c| c.code == code);
        assert!(CACHE.with_borrow(in_cache));
        let again = highlight(
            code,
            Language::Bundled("Python"),
            "base16-ocean.dark",
            Style::default(),
        );
        assert_eq!(first, again);
        let other = highlight(
            code,
            Language::Bundled("Python"),
            "InspiredGitHub",
            Style::default(),
        );
        assert_ne!(first, other);
    }

    #[test]
    fn an_unknown_theme_gives_up() {
        assert_eq!(
            highlight(
                "x = 1",
                Language::Bundled("Python"),
                "no such theme",
                Style::default()
            ),
            None
        );
    }
}
