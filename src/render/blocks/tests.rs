//! Tests of the block renderer: exact lines for each construct, nesting, and the deep and the huge.

use super::*;
use ratatui::style::{Color, Modifier};

fn lines_with(md: &str, width: usize, styles: &Styles) -> Vec<Line<'static>> {
    render(md, width, styles, Mode::Document)
}

fn text(line: &Line) -> String {
    line.spans.iter().map(|s| s.content.as_ref()).collect()
}

fn lines(md: &str, width: usize) -> Vec<String> {
    lines_with(md, width, &Styles::dark())
        .iter()
        .map(text)
        .collect()
}

/// The style of the span holding `needle` on the first line that has one.
fn style_of(rendered: &[Line], needle: &str) -> Option<Style> {
    rendered
        .iter()
        .flat_map(|l| &l.spans)
        .find(|s| s.content.contains(needle))
        .map(|s| s.style)
}

#[test]
fn paragraphs_are_one_blank_line_apart_and_soft_breaks_join() {
    assert_eq!(
        lines("One\ntwo.\n\n\n\nThree.", 40),
        ["One two.", "", "Three."]
    );
}

#[test]
fn headings_lose_their_hashes_and_keep_a_blank_line_after() {
    let styles = Styles::dark();
    let rendered = lines_with("# One\n## Two\n### Three\n#### Four\ntext", 40, &styles);
    assert_eq!(
        rendered.iter().map(text).collect::<Vec<_>>(),
        ["One", "", "Two", "", "Three", "", "Four", "", "text"]
    );
    assert_eq!(style_of(&rendered, "One"), Some(styles.heading[0]));
    assert_eq!(style_of(&rendered, "Two"), Some(styles.heading[1]));
    assert_eq!(style_of(&rendered, "Four"), Some(styles.heading[2]));
    assert_ne!(styles.heading[0], styles.heading[1]);
    assert_ne!(styles.heading[1], styles.heading[2]);
}

#[test]
fn inline_styles_are_applied() {
    let styles = Styles::dark();
    let rendered = lines_with("*em* **strong** ~~gone~~ `code`", 40, &styles);
    assert_eq!(text(&rendered[0]), "em strong gone code");
    assert_eq!(style_of(&rendered, "em"), Some(styles.emphasis));
    assert_eq!(style_of(&rendered, "strong"), Some(styles.strong));
    assert_eq!(style_of(&rendered, "gone"), Some(styles.strike));
    assert_eq!(style_of(&rendered, "code"), Some(styles.code_inline));
}

#[test]
fn nested_lists_indent_under_their_items() {
    let md = "- a\n- b\n  - c\n    - d\n      - e\n- f";
    assert_eq!(
        lines(md, 40),
        ["• a", "• b", "  ◦ c", "    ▪ d", "      • e", "• f"]
    );
}

#[test]
fn ordered_lists_count_from_their_start() {
    assert_eq!(
        lines("3. three\n4. four\n5. five", 40),
        ["3. three", "4. four", "5. five"]
    );
}

#[test]
fn item_text_wraps_under_the_marker() {
    assert_eq!(lines("- alpha beta gamma", 14), ["• alpha beta", "  gamma"]);
    assert_eq!(
        lines("10. alpha beta gamma", 16),
        ["10. alpha beta", "    gamma"]
    );
}

#[test]
fn loose_lists_keep_blank_lines_and_tight_lists_none() {
    assert_eq!(lines("- a\n\n- b", 40), ["• a", "", "• b"]);
    assert_eq!(
        lines("Intro\n\n- a\n  - a1\n- b\n\nAfter", 40),
        ["Intro", "", "• a", "  ◦ a1", "• b", "", "After"]
    );
    assert_eq!(
        lines("1. first\n\n   second para\n2. next", 40),
        ["1. first", "", "   second para", "", "2. next"]
    );
}

#[test]
fn task_lists_show_boxes() {
    let styles = Styles::dark();
    let rendered = lines_with("- [ ] open\n- [x] done", 40, &styles);
    assert_eq!(
        rendered.iter().map(text).collect::<Vec<_>>(),
        ["• ☐ open", "• ☑ done"]
    );
    assert_eq!(style_of(&rendered, "☑"), Some(styles.list_marker));
}

#[test]
fn an_empty_item_shows_its_marker() {
    assert_eq!(lines("- \n- b", 40), ["•", "• b"]);
}

#[test]
fn quotes_get_a_bar_per_level() {
    let md = "> a\n>\n> > b\n>\n> c";
    assert_eq!(lines(md, 40), ["│ a", "│", "│ │ b", "│", "│ c"]);
    assert_eq!(lines("> alpha beta gamma", 14), ["│ alpha beta", "│ gamma"]);
}

#[test]
fn quote_text_and_bars_are_styled() {
    let styles = Styles::dark();
    let rendered = lines_with("> said *softly*", 40, &styles);
    assert_eq!(rendered[0].spans[0].style, styles.quote_bar);
    assert_eq!(style_of(&rendered, "said"), Some(styles.quote));
    assert_eq!(
        style_of(&rendered, "softly"),
        Some(styles.quote.patch(styles.emphasis))
    );
}

#[test]
fn lists_and_quotes_nest_in_each_other() {
    assert_eq!(lines("> - a\n> - b", 40), ["│ • a", "│ • b"]);
    assert_eq!(
        lines("- item\n\n  > quoted", 40),
        ["• item", "", "  │ quoted"]
    );
}

#[test]
fn alerts_name_their_kind() {
    assert_eq!(
        lines("> [!WARNING]\n> Careful.", 40),
        ["│ Warning", "│ Careful."]
    );
}

#[test]
fn rules_fill_the_width_inside_quotes() {
    let styles = Styles::dark();
    let rendered = lines_with("> ---", 12, &styles);
    assert_eq!(
        rendered.iter().map(text).collect::<Vec<_>>(),
        ["│ ──────────"]
    );
    assert_eq!(rendered[0].spans[1].style, styles.rule);
}

#[test]
fn unknown_code_is_plain_and_indented() {
    let styles = Styles::dark();
    let rendered = lines_with(
        "```text\nlet x = 1;\n\n  y\n```\n\n    indented",
        40,
        &styles,
    );
    assert_eq!(
        rendered.iter().map(text).collect::<Vec<_>>(),
        ["  let x = 1;", "", "    y", "", "  indented"]
    );
    assert_eq!(style_of(&rendered, "let x"), Some(styles.code_block));
}

#[test]
fn known_code_is_highlighted_unless_colour_is_off() {
    let md = "```rust\nfn main() { let x = \"s\"; }\n```";
    let coloured = lines_with(md, 40, &Styles::dark());
    assert_eq!(text(&coloured[0]), "  fn main() { let x = \"s\"; }");
    let colours: Vec<_> = coloured[0]
        .spans
        .iter()
        .filter_map(|s| s.style.fg)
        .collect();
    assert!(
        colours
            .iter()
            .filter(|c| matches!(c, Color::Rgb(..)))
            .count()
            >= 2,
        "{colours:?}"
    );

    let plain = lines_with(md, 40, &Styles::dark().without_color());
    assert_eq!(text(&plain[0]), "  fn main() { let x = \"s\"; }");
    assert!(plain[0].spans.iter().all(|s| s.style.fg.is_none()));
}

#[test]
fn long_code_lines_wrap_with_a_marker() {
    let md = format!("```\n{}\n```", "x".repeat(50));
    let rendered = lines(&md, 20);
    assert_eq!(
        rendered,
        [
            "  xxxxxxxxxxxxxxxxxx",
            "  ↪ xxxxxxxxxxxxxxxx",
            "  ↪ xxxxxxxxxxxxxxxx"
        ]
    );
}

#[test]
fn links_show_their_url_once() {
    let styles = Styles::dark();
    let rendered = lines_with("See [the book](https://x.org/b).", 40, &styles);
    assert_eq!(text(&rendered[0]), "See the book ⟨https://x.org/b⟩.");
    assert_eq!(style_of(&rendered, "the book"), Some(styles.link));
    assert_eq!(style_of(&rendered, "⟨https"), Some(styles.link_url));
    assert_eq!(lines("<https://x.org>", 40), ["https://x.org"]);
    assert_eq!(lines("<me@x.org>", 40), ["me@x.org"]);
    assert_eq!(
        lines("[https://x.org](https://x.org)", 40),
        ["https://x.org"]
    );
}

#[test]
fn links_to_pack_files_show_their_text_and_name_a_lesson() {
    let styles = Styles::dark();
    let rendered = lines_with(
        "Read [next lesson](02-branches.md), [merging](../lessons/03-merge.md#rebase) and [the layout](../assets/layout.txt).",
        80,
        &styles,
    );
    assert_eq!(
        rendered.iter().map(text).collect::<Vec<_>>(),
        ["Read next lesson (lesson 02-branches), merging (lesson 03-merge) and the layout."]
    );
    assert_eq!(style_of(&rendered, "next lesson"), Some(styles.link));
    assert_eq!(style_of(&rendered, "(lesson 02"), Some(styles.link_url));
    assert_eq!(
        lines(
            "[above](#moves), [root](/lessons/x.md?v=1) and [C](C:/x.md)",
            80
        ),
        ["above, root (lesson x) and C ⟨C:/x.md⟩"]
    );
    assert_eq!(
        lines(
            "[site](//x.org/a) [mail](mailto:me@x.org) [ftp](ftp://x.org/f.md)",
            80
        ),
        ["site ⟨//x.org/a⟩ mail ⟨mailto:me@x.org⟩ ftp ⟨ftp://x.org/f.md⟩"]
    );
}

#[test]
fn images_show_alt_and_a_url_but_no_pack_path() {
    assert_eq!(
        lines("![a *crab*](../images/ferris.png)", 40),
        ["[image: a crab]"]
    );
    assert_eq!(lines("![](x.png)", 40), ["[image]"]);
    assert_eq!(
        lines("![logo](https://x.org/l.png)", 60),
        ["[image: logo] (https://x.org/l.png)"]
    );
    assert_eq!(
        lines("[![logo](l.png)](https://x.org)", 60),
        ["[image: logo] ⟨https://x.org⟩"]
    );
}

#[test]
fn footnotes_are_numbered_and_their_definitions_put_at_the_end() {
    let styles = Styles::dark();
    let md = "Text[^ext] and more[^b], again[^ext].\n\n[^b]: Second, \n    two paragraphs.\n\n    The second.\n\n\
              [^ext]: The first note.\n\nAfter the notes.";
    let rendered = lines_with(md, 40, &styles);
    assert_eq!(
        rendered.iter().map(text).collect::<Vec<_>>(),
        [
            "Text[1] and more[2], again[1].",
            "",
            "After the notes.",
            "",
            "────────",
            "",
            "[1] The first note.",
            "",
            "[2] Second, two paragraphs.",
            "",
            "    The second.",
        ]
    );
    assert_eq!(style_of(&rendered, "[1]"), Some(styles.footnote));
    assert_eq!(style_of(&rendered, "─"), Some(styles.rule));
    // A definition wraps under its own indent, and none of the raw syntax shows.
    let narrow = lines(
        "A note[^long].\n\n[^long]: words enough to wrap at this width.",
        20,
    );
    assert_eq!(
        narrow,
        [
            "A note[1].",
            "",
            "────────",
            "",
            "[1] words enough to",
            "    wrap at this",
            "    width."
        ]
    );
}

#[test]
fn a_reference_without_a_definition_stays_text() {
    assert_eq!(lines("See [^nothing].", 40), ["See [^nothing]."]);
}

#[test]
fn html_is_literal_text() {
    let styles = Styles::dark();
    assert_eq!(lines("<div>\n*x*\n</div>", 40), ["<div>", "*x*", "</div>"]);
    let rendered = lines_with("a <b>bold</b> c", 40, &styles);
    assert_eq!(text(&rendered[0]), "a <b>bold</b> c");
    assert_eq!(style_of(&rendered, "<b>"), Some(styles.html));
}

#[test]
fn inline_mode_has_no_gaps_and_no_heading_styles() {
    let rendered = render(
        "# Which *one*?\n\nPick:\n\n- a\n- b",
        40,
        &Styles::dark(),
        Mode::Inline,
    );
    assert_eq!(
        rendered.iter().map(text).collect::<Vec<_>>(),
        ["Which one?", "Pick:", "• a", "• b"]
    );
    assert_eq!(style_of(&rendered, "Which"), Some(Style::default()));
    assert_eq!(
        style_of(&rendered, "one"),
        Some(Style::default().add_modifier(Modifier::ITALIC))
    );
}

#[test]
fn deep_quotes_keep_the_innermost_bars_and_room_for_text() {
    let md = format!("{}x", "> ".repeat(20_000));
    let rendered = lines(&md, 40);
    assert_eq!(rendered.len(), 1);
    assert!(rendered[0].starts_with("… │ "), "{}", rendered[0]);
    assert!(rendered[0].ends_with("│ x"), "{}", rendered[0]);
    assert_eq!(crate::text::width(&rendered[0]), 2 + 2 * 14 + 1);
}

#[test]
fn deep_lists_render_on_one_line() {
    let md = format!("{}x", "- ".repeat(20_000));
    let rendered = lines(&md, 40);
    assert_eq!(rendered.len(), 1);
    assert!(rendered[0].starts_with("… "), "{}", rendered[0]);
    assert!(rendered[0].ends_with(" x"), "{}", rendered[0]);
    assert!(crate::text::width(&rendered[0]) <= 40);
    let md = format!("{}x", "1. ".repeat(20_000));
    assert_eq!(lines(&md, 40).len(), 1);
}

#[test]
fn deep_nesting_leaves_ten_columns_for_text() {
    for width in [20, 40, 80] {
        let md = format!("{} {}", ">".repeat(200), "word ".repeat(100));
        for line in lines(&md, width) {
            let bars = line
                .rfind("│ ")
                .map_or(0, |at| crate::text::width(&line[..at]) + 2);
            assert!(bars <= width - MIN_TEXT, "{width}: {line}");
            assert!(crate::text::width(&line) <= width, "{width}: {line}");
        }
    }
    let staircase: String = (0..300)
        .map(|i| format!("{}- item {i}\n", "  ".repeat(i)))
        .collect();
    for line in lines(&staircase, 40) {
        // Up to the item's marker: past the depth limit, the marker is part of the item's text.
        let marker = line.find(['•', '◦', '▪']);
        let indent = marker.map_or(0, |at| crate::text::width(&line[..at]));
        assert!(indent <= 30, "{line}");
    }
}

#[test]
fn nesting_past_the_depth_limit_is_flattened_into_its_last_level() {
    use crate::text::depth::MAX_DEPTH;
    // Wide enough that every level's bar would show: the limit, not the width, stops them.
    let md = format!("{}x", "> ".repeat(MAX_DEPTH + 50));
    let rendered = lines(&md, 1_000);
    assert_eq!(rendered.len(), 1);
    assert_eq!(
        rendered[0].matches('│').count(),
        MAX_DEPTH,
        "{}",
        rendered[0]
    );
    // Lists past the limit: their items stand one under another at the last level, without markers.
    let lists = MAX_DEPTH + 10;
    let md = format!(
        "{}- a\n{}- b",
        "- ".repeat(lists - 1),
        " ".repeat(2 * (lists - 1))
    );
    let rendered = lines(&md, 1_000);
    let markers = |line: &String| line.matches(['•', '◦', '▪']).count();
    assert_eq!(rendered.len(), 2, "{rendered:?}");
    assert_eq!(markers(&rendered[0]), MAX_DEPTH, "{rendered:?}");
    assert!(rendered[0].ends_with(" a"), "{rendered:?}");
    assert_eq!(markers(&rendered[1]), 0, "{rendered:?}");
    assert!(rendered[1].ends_with(" b"), "{rendered:?}");
    assert_eq!(
        crate::text::width(&rendered[0]),
        crate::text::width(&rendered[1]),
        "{rendered:?}"
    );
    // Mixed, and back within the limit afterwards: the text after the deep part is not indented.
    let md = format!("{}deep\n\nafter", "> - ".repeat(MAX_DEPTH));
    let rendered = lines(&md, 1_000);
    assert_eq!(rendered.last().unwrap(), "after", "{rendered:?}");
    assert!(rendered.iter().any(|l| l.ends_with("deep")));
}

#[test]
fn a_megabyte_paragraph_wraps_every_word() {
    let md = "lorem ipsum ".repeat(90_000);
    let rendered = lines(&md, 80);
    assert!(rendered.iter().all(|l| crate::text::width(l) <= 80));
    assert_eq!(rendered.join(" ").split_whitespace().count(), 180_000);
    let word = "x".repeat(1 << 20);
    let rendered = lines(&word, 80);
    assert_eq!(rendered.len(), (1 << 20) / 80 + 1);
    assert!(rendered.iter().all(|l| crate::text::width(l) <= 80));
}
