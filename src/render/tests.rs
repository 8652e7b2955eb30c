//! Tests of the render API as a caller sees it: the width property, sanitisation end to end, styles and stdout text.

use ratatui::style::Style;

use super::*;

fn texts(lines: &[Line]) -> Vec<String> {
    lines
        .iter()
        .map(|l| l.spans.iter().map(|s| s.content.as_ref()).collect())
        .collect()
}

/// A bite with every construct the renderer knows.
const EVERYTHING: &str = r#"# Ownership in Rust

Every value has a *single* **owner**. When the owner goes out of scope, the value is ~~leaked~~ dropped. See
[the book](https://doc.rust-lang.org/book/ch04-01-what-is-ownership.html) or <https://rust-lang.org>.

## Moves

```rust
fn main() {
    let s = String::from("hello");	// a tab
    let t = s; // s moved into t, and this comment is long enough to wrap around the edge
}
```

- first item
- second item with `code` and a verylongwordthatcannotpossiblyfitonanarrowscreen
  - nested one
    1. ordered
    2. ordered two
- [ ] task open
- [x] task done

> A quote with **bold**
>
> > nested quote with 漢字かな交じり文 and emoji 👩‍💻🇫🇷
>
> ---

| Name | Type | Default value of the setting |
|:-----|:----:|--------:|
| width | u16 | 80 |
| color | bool | true, unless NO_COLOR is set in the environment |

![a crab](img/ferris.png) and a footnote[^1].

[^1]: The footnote text, e\u{301}té.

<div class="x">
raw html that goes on and on past the edge of any narrow screen
</div>

    indented code

```toml
[package]
name = "morsel" # a comment
```
"#;

fn samples() -> Vec<String> {
    vec![
        EVERYTHING.to_owned(),
        "漢字とかなの混じった文章です。中文 text 한국어 텍스트 ｆｕｌｌｗｉｄｔｈ".to_owned(),
        "e\u{301}\u{302} a\u{20DD} ลูก हिन्दी 👍🏽 ❤\u{FE0F} 👨‍👩‍👧 🇯🇵🇰🇷".repeat(5),
        format!("- {}\n", "https://example.com/".repeat(10)),
        format!("{}deep", "> - ".repeat(60)),
        "| 漢字 | b |\n|---|---|\n| 中文中文中文中文中文中文 | 👩‍💻👩‍💻👩‍💻👩‍💻 |".to_owned(),
        "```\n\t\tx\t漢字漢字漢字漢字漢字漢字漢字漢字漢字\n```".to_owned(),
        "| a | b | c | d | e | f | g |\n|---|---|---|---|---|---|---|\n| 1 | 2 | 3 | 4 | 5 | 6 | 7 |".to_owned(),
    ]
}

#[test]
fn no_line_is_wider_than_asked() {
    let styles = Styles::dark();
    for sample in samples() {
        for width in (1..=24).chain([30, 40, 41, 60, 80]) {
            for line in markdown(&sample, width, &styles)
                .iter()
                .chain(&inline(&sample, width, &styles))
            {
                assert!(
                    crate::text::width(&line.to_string()) <= usize::from(width),
                    "width {width}: {:?}",
                    texts(std::slice::from_ref(line))
                );
            }
        }
    }
}

/// Pieces of Markdown, of text in many scripts, and of hostile bytes, to put together at random.
const PIECES: &[&str] = &[
    "# ",
    "## ",
    "> ",
    "- ",
    "1. ",
    "  ",
    "    ",
    "\n",
    "\n\n",
    " ",
    "```rust\n",
    "```\n",
    "```toml\n",
    "| a | b |\n|:-|-:|\n| c | d |\n",
    "**",
    "*",
    "~~",
    "`",
    "[link](https://example.com/path)",
    "![alt](p.png)",
    "<https://example.com>",
    "[^1]",
    "[^1]: note\n",
    "---\n",
    "<div>\n",
    "<b>",
    "- [ ] ",
    "- [x] ",
    "\\",
    "word ",
    "another ",
    "supercalifragilisticexpialidocious",
    "漢字かな",
    "中文",
    "👩‍💻",
    "🇫🇷",
    "e\u{301}",
    "\u{20DD}",
    "\x1b[31m",
    "\x1b]52;c;QQ\x07",
    "\u{9b}",
    "\t",
    "\r\n",
    "\x7f",
    "\u{0}",
];

#[test]
fn random_documents_keep_every_line_within_the_width() {
    let mut rng = fastrand::Rng::with_seed(0x6d6f7273656c);
    let styles = Styles::dark();
    for _ in 0..400 {
        let doc: String = (0..rng.usize(1..60))
            .map(|_| PIECES[rng.usize(..PIECES.len())])
            .collect();
        let width = rng.u16(1..90);
        for lines in [markdown(&doc, width, &styles), inline(&doc, width, &styles)] {
            for line in &lines {
                assert!(
                    crate::text::width(&line.to_string()) <= usize::from(width),
                    "{doc:?} at {width}: {:?}",
                    texts(&lines)
                );
            }
            assert_inert(&lines, &doc);
            assert!(only_sgr_escapes(&to_terminal_text(&lines, true)), "{doc:?}");
        }
    }
}

#[test]
fn width_zero_gives_nothing() {
    assert!(markdown("text", 0, &Styles::dark()).is_empty());
    assert!(inline("text", 0, &Styles::dark()).is_empty());
}

#[test]
fn a_bite_prints_as_expected_at_40_columns() {
    let md = "## Moves\n\nA *move* transfers [ownership](https://x.org/own).\n\n\
              > Note\n\n| a | b |\n|---|--:|\n| 1 | 22 |\n\n- one\n  - two";
    let printed = to_terminal_text(&markdown(md, 40, &Styles::dark()), false);
    assert_eq!(
        printed,
        "Moves\n\
         \n\
         A move transfers ownership\n\
         ⟨https://x.org/own⟩.\n\
         \n\
         │ Note\n\
         \n\
         ┌───┬────┐\n\
         │ a │  b │\n\
         ├───┼────┤\n\
         │ 1 │ 22 │\n\
         └───┴────┘\n\
         \n\
         • one\n\
         \x20\x20◦ two\n"
    );
}

#[test]
fn inline_wraps_a_prompt() {
    let lines = inline("What does `Vec::new()` **allocate**?", 16, &Styles::dark());
    assert_eq!(texts(&lines), ["What does", "Vec::new()", "allocate?"]);
}

/// Pack text with terminal control sequences in every place a pack can put text.
const HOSTILE: &[&str] = &[
    "# Title \x1b[31mred\x1b[0m",
    "copy \x1b]52;c;QUJDREVG\x07 now",
    "\x1b]8;;https://evil.example\x1b\\click\x1b]8;;\x1b\\",
    "clear \u{9b}2J and bell \x07 and del \x7f",
    "```rust\nlet a = \"\x1b[2J\";\u{9b}\n```",
    "```\nplain \x1b[2J code\n```",
    "    indented \x1b[2J code",
    "[x](<https://e.example/\x1b[31m>) and [y][r]\n\n[r]: <https://f.example/\x1b]52;c;QQ\x07>",
    "![alt \x1b[1m](<img/\x1b[2J.png>)",
    "| h\x1b[1m |\n|---|\n| \x1b[31mred\x07 |",
    "| a | b | c | d | e | f |\n|---|---|---|---|---|---|\n| \x1b[31m | 2 | 3 | 4 | 5 | 6 |",
    "`\x1b[31m` and <b \x1b[31m>",
    "<div>\x1b[31m\n\x1b]52;c;QQ\x07</div>",
    "text[^\x1b]\n\n[^\x1b]: note \x1b[0m",
    "- item \x1b[31m\n  > quote \x1b[4m",
];

fn assert_inert(lines: &[Line], source: &str) {
    for span in lines.iter().flat_map(|l| &l.spans) {
        assert!(
            !span.content.chars().any(char::is_control),
            "{source:?} → {:?}",
            span.content
        );
    }
}

/// Every ESC in `text` starts one of the SGR sequences `to_terminal_text` writes: `ESC [ digits;… m`.
fn only_sgr_escapes(text: &str) -> bool {
    let mut rest = text;
    while let Some(at) = rest.find('\x1b') {
        let after = &rest[at + 1..];
        let Some(params) = after.strip_prefix('[') else {
            return false;
        };
        let end = params
            .find(|c: char| !c.is_ascii_digit() && c != ';')
            .unwrap_or(params.len());
        if !params[end..].starts_with('m') {
            return false;
        }
        rest = &params[end + 1..];
    }
    true
}

#[test]
fn nothing_from_a_pack_reaches_the_terminal_as_a_control_sequence() {
    for styles in [
        Styles::dark(),
        Styles::light(),
        Styles::high_contrast(),
        Styles::dark().without_color(),
    ] {
        for source in HOSTILE {
            for width in [20, 40, 80] {
                for lines in [
                    markdown(source, width, &styles),
                    inline(source, width, &styles),
                ] {
                    assert_inert(&lines, source);
                    let all: String = texts(&lines).concat();
                    if source.contains('\x1b') {
                        assert!(all.contains('␛'), "{source:?} at {width}: {all:?}");
                    }
                    let ansi = to_terminal_text(&lines, true);
                    assert!(only_sgr_escapes(&ansi), "{source:?}: {ansi:?}");
                    assert!(!to_terminal_text(&lines, false).contains('\x1b'));
                }
            }
        }
    }
}

#[test]
fn control_pictures_are_styled_as_controls() {
    let styles = Styles::dark();
    for source in ["a \x1b[31m b", "```rust\nlet a = \"\x1b\";\n```", "`\x07`"] {
        let lines = markdown(source, 40, &styles);
        let span = lines
            .iter()
            .flat_map(|l| &l.spans)
            .find(|s| s.content.contains(['␛', '␇']));
        let span = span.unwrap_or_else(|| panic!("no control picture in {:?}", texts(&lines)));
        assert_eq!(span.style.fg, styles.control.fg, "{source:?}");
    }
}

#[test]
fn hostile_urls_show_as_pictures() {
    let lines = markdown("[x](<https://e.example/\x1b[31m>)", 80, &Styles::dark());
    assert_eq!(texts(&lines), ["x ⟨https://e.example/␛[31m⟩"]);
    let lines = markdown("# Title \x1b[31mred\x1b[0m", 80, &Styles::dark());
    assert_eq!(texts(&lines), ["Title ␛[31mred␛[0m"]);
}

#[test]
fn styles_without_colour_keep_their_modifiers() {
    for styles in [Styles::dark(), Styles::light(), Styles::high_contrast()] {
        assert!(styles.color);
        let plain = styles.clone().without_color();
        assert!(!plain.color);
        let pairs = [
            (styles.heading[0], plain.heading[0]),
            (styles.heading[1], plain.heading[1]),
            (styles.heading[2], plain.heading[2]),
            (styles.emphasis, plain.emphasis),
            (styles.strong, plain.strong),
            (styles.strike, plain.strike),
            (styles.code_block, plain.code_block),
            (styles.link, plain.link),
            (styles.link_url, plain.link_url),
            (styles.quote, plain.quote),
            (styles.quote_bar, plain.quote_bar),
            (styles.list_marker, plain.list_marker),
            (styles.table_border, plain.table_border),
            (styles.table_header, plain.table_header),
            (styles.rule, plain.rule),
            (styles.footnote, plain.footnote),
            (styles.html, plain.html),
            (styles.control, plain.control),
            (styles.continuation, plain.continuation),
        ];
        for (coloured, uncoloured) in pairs {
            assert_eq!(uncoloured, Style::new().add_modifier(coloured.add_modifier));
        }
        assert!(
            plain
                .code_inline
                .add_modifier
                .contains(ratatui::style::Modifier::REVERSED)
        );
        assert_ne!(plain.heading[0], plain.heading[1]);
        assert_ne!(plain.heading[1], plain.heading[2]);
    }
}

#[test]
fn every_palette_names_a_bundled_theme() {
    for styles in [Styles::dark(), Styles::light(), Styles::high_contrast()] {
        let lines = highlight::highlight(
            "x = 1",
            highlight::Language::Toml,
            styles.syntax_theme,
            Style::new(),
        );
        assert!(lines.is_some(), "{}", styles.syntax_theme);
    }
}

#[test]
fn printed_text_keeps_styles_as_sgr() {
    let lines = markdown("**bold** and `code`", 40, &Styles::dark());
    let ansi = to_terminal_text(&lines, true);
    assert_eq!(ansi, "\x1b[1mbold\x1b[0m and \x1b[33mcode\x1b[0m\n");
}

#[test]
fn light_and_high_contrast_render_the_same_text() {
    let dark = texts(&markdown(EVERYTHING, 60, &Styles::dark()));
    assert_eq!(texts(&markdown(EVERYTHING, 60, &Styles::light())), dark);
    assert_eq!(
        texts(&markdown(EVERYTHING, 60, &Styles::high_contrast())),
        dark
    );
    assert_eq!(
        texts(&markdown(EVERYTHING, 60, &Styles::dark().without_color())),
        dark
    );
}

/// Set for the child process of [`syntect_loads_only_for_a_known_language`].
const LAZY_CHILD: &str = "MORSEL_RENDER_LAZY_CHILD";

#[test]
fn syntect_loads_only_for_a_known_language() {
    // Other tests of this process may have loaded syntect already: look in a process of its own.
    let exe = std::env::current_exe().expect("the test binary");
    let child = std::process::Command::new(exe)
        .args([
            "--exact",
            "render::tests::lazy_loading_in_a_fresh_process",
            "--ignored",
        ])
        .env(LAZY_CHILD, "1")
        .output()
        .expect("the test binary runs");
    let stdout = String::from_utf8_lossy(&child.stdout);
    assert!(child.status.success(), "{stdout}");
    assert!(stdout.contains("1 passed"), "{stdout}");
}

#[test]
#[ignore = "run by syntect_loads_only_for_a_known_language, in a process of its own"]
fn lazy_loading_in_a_fresh_process() {
    if std::env::var_os(LAZY_CHILD).is_none() {
        return;
    }
    assert!(!highlight::loaded());
    let without_code = EVERYTHING
        .replace("```rust", "```")
        .replace("```toml", "```text");
    markdown(&without_code, 80, &Styles::dark());
    assert!(
        !highlight::loaded(),
        "rendering code of no known language loaded syntect"
    );
    markdown(
        "```rust\nfn f() {}\n```",
        80,
        &Styles::dark().without_color(),
    );
    assert!(
        !highlight::loaded(),
        "rendering without colour loaded syntect"
    );
    markdown("```rust\nfn f() {}\n```", 80, &Styles::dark());
    assert!(highlight::loaded());
}

/// Timing of a typical bite, for `cargo test --release --lib render::tests::typical_bite_timing -- --ignored
/// --nocapture`. Prints; asserts nothing about time.
#[test]
#[ignore = "a measurement, not a test"]
fn typical_bite_timing() {
    let bite = format!(
        "## Borrowing\n\n{}\n\n```rust\nfn longest<'a>(x: &'a str, y: &'a str) -> &'a str {{\n    \
         if x.len() > y.len() {{ x }} else {{ y }}\n}}\n\nfn main() {{\n    let a = String::from(\"long\");\n    \
         println!(\"{{}}\", longest(&a, \"short\"));\n}}\n```\n\n{}\n\n- A reference never outlives its value.\n\
         - `&T` is shared, `&mut T` is exclusive.\n- The borrow checker proves both at compile time.\n  \
         - No runtime cost.\n",
        "A *reference* lets you use a value without taking **ownership** of it. ".repeat(8),
        "Lifetimes name how long a reference is valid; see [the book](https://doc.rust-lang.org/book/). ".repeat(6),
    );
    let words = bite.split_whitespace().count();
    let styles = Styles::dark();
    let time = |text: &str, styles: &Styles| {
        let start = std::time::Instant::now();
        std::hint::black_box(markdown(std::hint::black_box(text), 80, styles));
        start.elapsed()
    };
    let runs: u32 = 200;
    let first = time(&bite, &styles);
    let lines = markdown(&bite, 80, &styles).len();
    println!("{words} words, {lines} lines at 80 columns");
    println!("first render, loading syntect: {first:?}");
    let fresh: std::time::Duration = (0..runs)
        .map(|i| time(&bite.replace("\"long\"", &format!("\"{i}\"")), &styles))
        .sum();
    println!("a code block not seen before: {:?} each", fresh / runs);
    let again: std::time::Duration = (0..runs).map(|_| time(&bite, &styles)).sum();
    println!(
        "the same bite again (highlighting cached): {:?} each",
        again / runs
    );
    let plain = bite.replace("```rust", "```");
    let unhighlighted: std::time::Duration = (0..runs).map(|_| time(&plain, &styles)).sum();
    println!("code of no known language: {:?} each", unhighlighted / runs);
    let no_colour = styles.clone().without_color();
    let uncoloured: std::time::Duration = (0..runs).map(|_| time(&bite, &no_colour)).sum();
    println!("without colour: {:?} each", uncoloured / runs);
}

/// Lines handed to syntect on this thread so far.
fn lines_highlighted() -> usize {
    highlight::LINES_HIGHLIGHTED.with(std::cell::Cell::get)
}

/// A fenced Rust block of `lines` lines, unique to `tag` so that no other test's cached highlighting is reused.
fn rust_block(tag: &str, lines: usize) -> String {
    let body: String = (0..lines)
        .map(|i| format!("let {tag}_{i} = compute({i});\n"))
        .collect();
    format!("```rust\n{body}```\n")
}

/// Whether any span of the rendered code carries a colour of syntect's (an RGB one).
fn highlighted(lines: &[Line]) -> bool {
    lines
        .iter()
        .flat_map(|l| &l.spans)
        .any(|s| matches!(s.style.fg, Some(Color::Rgb(..))))
}

#[test]
fn a_code_block_within_the_limits_is_highlighted_once_per_line() {
    let block = rust_block("within", 40);
    let before = lines_highlighted();
    let lines = markdown(&block, 20, &Styles::dark());
    assert!(highlighted(&lines), "{:?}", texts(&lines));
    assert!(lines.len() > 40, "long lines wrap: {}", lines.len());
    assert_eq!(lines_highlighted() - before, 40, "each line once");
    // The same block at another width (a resize) goes to syntect no more.
    let again = markdown(&block, 80, &Styles::dark());
    assert!(highlighted(&again));
    assert_eq!(lines_highlighted() - before, 40);
}

#[test]
fn print_highlights_a_block_of_any_size_each_line_once() {
    let block = rust_block("past_the_cache", 1_500);
    let before = lines_highlighted();
    let lines = markdown(&block, 80, &Styles::dark());
    assert_eq!(lines_highlighted() - before, 1_500, "each line once");
    assert_eq!(lines.len(), 1_500);
    let last = lines.last().expect("lines");
    assert!(highlighted(std::slice::from_ref(last)), "{last:?}");
}

/// Whether row `row` of `lines` holds code coloured by syntect.
fn row_highlighted(lines: &[Line], row: usize) -> bool {
    highlighted(std::slice::from_ref(&lines[row]))
}

#[test]
fn a_huge_block_is_highlighted_only_as_far_as_it_is_drawn() {
    let block = format!("# Huge\n\n{}", rust_block("huge", 16_000));
    let styles = Styles::dark();
    let before = lines_highlighted();
    let mut page = page(&block, 80, &styles);
    assert_eq!(lines_highlighted(), before, "laying out highlights nothing");
    assert_eq!(page.lines().len(), 2 + 16_000);
    assert!(!row_highlighted(page.lines(), 2));

    // The first screen (and a margin): 60 rows, of which the first two are the heading and the gap.
    assert!(page.highlight_to(60));
    assert_eq!(lines_highlighted() - before, 58);
    assert!(row_highlighted(page.lines(), 2));
    assert!(row_highlighted(page.lines(), 59));
    assert!(!row_highlighted(page.lines(), 60));
    assert!(!row_highlighted(page.lines(), 2_000));
    assert!(!row_highlighted(page.lines(), 16_001));

    // Drawing the same screen again highlights nothing more.
    assert!(!page.highlight_to(60));
    assert_eq!(lines_highlighted() - before, 58);

    // Scrolling down goes on from where it stopped: every line still once.
    assert!(page.highlight_to(2_001));
    assert_eq!(lines_highlighted() - before, 1_999);
    assert!(row_highlighted(page.lines(), 2_000));
    assert!(!row_highlighted(page.lines(), 2_001));

    // A resize lays the bite out again; the lines highlighted so far come from the cache.
    let mut wider = super::page(&block, 120, &styles);
    wider.highlight_to(2_001);
    assert_eq!(lines_highlighted() - before, 1_999);
    assert!(row_highlighted(wider.lines(), 2_000));
}

#[test]
fn a_page_highlighted_to_its_end_is_what_print_shows() {
    let nested = "- item\n\n  ```rust\n  fn in_a_list() -> u8 { 1 }   \n\n  let x = \"a long line that wraps around the narrow screen\";\n  ```\n\n> ```python\n> def in_a_quote():\n>     return 'x'\n> ```\n\n[^n]: ```rust\n    let in_a_note = 1;\n    ```\n";
    for text in [EVERYTHING, nested] {
        for width in [12, 30, 80] {
            for styles in [Styles::dark(), Styles::light()] {
                let mut page = page(text, width, &styles);
                page.highlight_to(usize::MAX);
                assert_eq!(
                    page.lines(),
                    markdown(text, width, &styles),
                    "{width} {text}"
                );
            }
        }
    }
}

#[test]
fn a_page_without_colour_is_the_markdown() {
    let styles = Styles::dark().without_color();
    let mut page = page(EVERYTHING, 40, &styles);
    assert!(!page.highlight_to(usize::MAX));
    assert_eq!(page.lines(), markdown(EVERYTHING, 40, &styles));
}
