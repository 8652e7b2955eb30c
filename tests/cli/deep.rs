//! The one depth rule (`morsel::text::depth::MAX_DEPTH`) on every path that reads nested markup: HTML imported from
//! Anki and GIFT, and Markdown through `check`, `print`, `play --plain`, the player and preview. Deep input is
//! flattened below the limit and reported where it crosses it, never a crash. Each run is a child process, so that
//! a stack overflow fails its test instead of killing the test binary.

use std::path::Path;
use std::process::Command;

use morsel::text::depth::MAX_DEPTH;

use crate::morsel;

/// 10,000 nested `<div>` and 5,000 nested `<ul><li>`, each around the word `deep`.
fn deep_html() -> [(&'static str, String); 2] {
    [
        (
            "div",
            format!("{}deep{}", "<div>".repeat(10_000), "</div>".repeat(10_000)),
        ),
        (
            "ul",
            format!(
                "{}deep{}",
                "<ul><li>".repeat(5_000),
                "</li></ul>".repeat(5_000)
            ),
        ),
    ]
}

/// `morsel import KIND SOURCE -o DIR`: it succeeds, its pack checks without errors, and its output is returned.
fn import(kind: &str, source: &Path, dir: &Path) -> String {
    let output = morsel()
        .args(["import", kind])
        .arg(source)
        .arg("-o")
        .arg(dir)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    assert!(
        output.status.success(),
        "{kind} {}: {:?}\n{stdout}\n{}",
        source.display(),
        output.status,
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(stdout.contains("check: 0 errors"), "{stdout}");
    stdout
}

fn lesson_texts(dir: &Path) -> String {
    let mut all = String::new();
    for entry in std::fs::read_dir(dir.join("lessons")).unwrap() {
        all.push_str(&std::fs::read_to_string(entry.unwrap().path()).unwrap());
    }
    all
}

#[test]
fn deep_html_in_a_gift_question_is_flattened_and_reported_at_its_line() {
    for (name, html) in deep_html() {
        let temp = tempfile::tempdir().unwrap();
        let source = temp.path().join(format!("{name}.gift"));
        std::fs::write(&source, format!("Shallow? {{T}}\n\n[html]{html} {{T}}\n")).unwrap();
        let out = temp.path().join("pack");
        let stdout = import("gift", &source, &out);
        let expected = format!("{}:3: the HTML of question `", source.display());
        assert!(
            stdout.contains(&expected),
            "{name}: {expected}\nnot in\n{stdout}"
        );
        assert!(
            stdout.contains(&format!("nests deeper than {MAX_DEPTH} levels")),
            "{stdout}"
        );
        assert!(stdout.contains("imported 2 questions"), "{stdout}");
        assert!(
            lesson_texts(&out).contains("deep"),
            "{name}: the text is kept"
        );
    }
}

#[test]
fn deep_html_in_an_anki_field_is_flattened_and_reported_at_its_line() {
    for (name, html) in deep_html() {
        let temp = tempfile::tempdir().unwrap();
        let source = temp.path().join(format!("{name}.txt"));
        std::fs::write(
            &source,
            format!("#separator:tab\n#html:true\nfront\tback\n{html}\tthe back\n"),
        )
        .unwrap();
        let out = temp.path().join("pack");
        let stdout = import("anki", &source, &out);
        let expected = format!("{}:4: the HTML of note `", source.display());
        assert!(
            stdout.contains(&expected),
            "{name}: {expected}\nnot in\n{stdout}"
        );
        assert!(stdout.contains("imported 2 cards"), "{stdout}");
        assert!(
            lesson_texts(&out).contains("deep"),
            "{name}: the text is kept"
        );
    }
}

#[test]
fn html_nested_where_html5ever_keeps_elements_open_imports_too() {
    // `</div>` behind a table and inside `script` closes nothing in html5ever, and `div` breaks out of `svg`: a
    // plain count of tags would miss that these nest 100,000 deep (and html5ever would take hours over them).
    for (name, html) in [
        ("table", "<div><table></div>".repeat(100_000)),
        ("script", "<div><script></div></script>".repeat(100_000)),
        ("svg", format!("<svg><style>{}", "<div>".repeat(200_000))),
    ] {
        let temp = tempfile::tempdir().unwrap();
        let source = temp.path().join(format!("{name}.txt"));
        std::fs::write(
            &source,
            format!("#separator:tab\n#html:true\nfront\tback\nfront {html}\tthe back\n"),
        )
        .unwrap();
        let stdout = import("anki", &source, &temp.path().join("pack"));
        let expected = format!("{}:4: the HTML of note `front", source.display());
        assert!(
            stdout.contains(&expected),
            "{name}: {expected}\nnot in\n{stdout}"
        );
    }
}

#[test]
fn deep_html_in_an_mdbook_chapter_is_kept_as_html_text() {
    // mdBook's HTML goes through the mdBook importer's own flat scan (images, wrappers), not htmd; in the lesson it
    // is an HTML block, shown as its text. The 10,000 quotes after it are check's warning, at their line.
    let temp = tempfile::tempdir().unwrap();
    let book = temp.path().join("book");
    std::fs::create_dir_all(book.join("src")).unwrap();
    std::fs::write(book.join("book.toml"), "[book]\ntitle = \"Deep\"\n").unwrap();
    std::fs::write(
        book.join("src/SUMMARY.md"),
        "# Summary\n\n- [One](one.md)\n",
    )
    .unwrap();
    let [(_, divs), (_, lists)] = deep_html();
    std::fs::write(
        book.join("src/one.md"),
        format!(
            "# One\n\n{divs}\n\nText {lists}\n\n{} quote\n",
            ">".repeat(10_000)
        ),
    )
    .unwrap();
    let out = temp.path().join("pack");
    let stdout = import("mdbook", &book, &out);
    assert!(stdout.contains("check: 0 errors, 1 warning"), "{stdout}");
    assert!(lesson_texts(&out).contains("deep"));
}

/// A pack whose one lesson has a shallow bite, then 10,000 nested quotes (line 7), then 5,000 nested lists
/// (line 11) and 3,000 quotes each holding a list (line 15), each in its own bite.
fn deep_markdown_pack(dir: &Path) {
    std::fs::write(dir.join("course.toml"), "id = \"deep\"\ntitle = \"Deep\"\n").unwrap();
    let body = format!(
        "+++\nid = \"a\"\ntitle = \"A\"\n+++\nShallow.\n\n{} deep quote\n\n---\n\n{}deep item\n\n---\n\n{}deep mix\n",
        ">".repeat(10_000),
        "- ".repeat(5_000),
        "> - ".repeat(3_000),
    );
    std::fs::write(dir.join("a.md"), body).unwrap();
}

#[test]
fn check_warns_where_markdown_nests_deeper_than_the_limit() {
    let dir = tempfile::tempdir().unwrap();
    deep_markdown_pack(dir.path());
    let (code, doc) = crate::check_json(&[dir.path().to_path_buf()]);
    assert_eq!(code, Some(0), "warnings only: {doc}");
    let diagnostics = doc["packs"][0]["diagnostics"].as_array().unwrap();
    let deep: Vec<_> = diagnostics
        .iter()
        .filter(|d| {
            d["message"]
                .as_str()
                .unwrap()
                .contains("nested deeper than")
        })
        .map(|d| {
            (
                d["severity"].as_str().unwrap(),
                d["line"].as_u64().unwrap(),
                d["column"].as_u64().unwrap(),
            )
        })
        .collect();
    // The 101st quote, list or quote-and-list, in characters from the line's start.
    let limit = MAX_DEPTH as u64;
    assert_eq!(
        deep,
        [
            ("warning", 7, limit + 1),
            ("warning", 11, 2 * limit + 1),
            ("warning", 15, 2 * limit + 1),
        ],
        "{doc}"
    );
    let text = morsel().arg("check").arg(dir.path()).output().unwrap();
    let text = String::from_utf8(text.stdout).unwrap();
    assert!(text.contains(&format!("a.md:7:{}", limit + 1)), "{text}");
    assert!(
        text.contains(&format!(
            "block quotes and lists nested deeper than {MAX_DEPTH} levels"
        )),
        "{text}"
    );
}

#[test]
fn print_and_plain_play_show_deep_markdown_within_the_width() {
    let dir = tempfile::tempdir().unwrap();
    deep_markdown_pack(dir.path());
    let output = morsel()
        .args(["print", "--width", "60"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert!(output.status.success(), "{:?}", output.status);
    let text = String::from_utf8(output.stdout).unwrap();
    for word in ["deep quote", "deep item", "deep mix"] {
        assert!(text.contains(word), "{word}: {text}");
    }
    assert!(text.lines().all(|l| morsel::text::width(l) <= 60));
    let (ok, stdout, stderr) = crate::at(
        dir.path(),
        1_795_000_000_000,
        &["play", "--plain", dir.path().to_str().unwrap()],
        "next\nnext\nnext\nnext\n",
    );
    assert!(ok, "{stderr}");
    for word in ["deep quote", "deep item", "deep mix"] {
        assert!(stdout.contains(word), "{word}: {stdout}");
    }
}

/// Runs the test `name` of this binary again in a child process with `MORSEL_DEEP_CHILD` set: a stack overflow
/// there is this test's failure, not the end of every test.
fn in_child(name: &str) {
    let output = Command::new(std::env::current_exe().unwrap())
        .args([name, "--exact", "--nocapture", "--test-threads", "1"])
        .env("MORSEL_DEEP_CHILD", "1")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success() && stdout.contains("1 passed"),
        "{name} in a child: {:?}\n{stdout}\n{}",
        output.status,
        String::from_utf8_lossy(&output.stderr)
    );
}

#[test]
fn the_player_and_preview_draw_deep_markdown() {
    if std::env::var_os("MORSEL_DEEP_CHILD").is_none() {
        return in_child("deep::the_player_and_preview_draw_deep_markdown");
    }
    use morsel::learn::session::OpenOptions;
    use morsel::tui::app::Start;
    let dir = tempfile::tempdir().unwrap();
    let pack = dir.path().join("deep");
    std::fs::create_dir(&pack).unwrap();
    deep_markdown_pack(&pack);
    let starts = [
        Start::Course {
            target: pack.display().to_string(),
            options: OpenOptions::default(),
        },
        Start::Preview {
            path: pack.clone(),
            options: OpenOptions::default(),
        },
    ];
    for start in starts {
        let mut p = crate::player::player(start, dir.path(), (80, 24));
        let mut seen = String::new();
        for _ in 0..6 {
            seen.push_str(&crate::player::screen(&p.app));
            crate::player::press(&mut p.app, "<Right>");
        }
        for word in ["deep quote", "deep item", "deep mix"] {
            assert!(seen.contains(word), "{word}: {seen}");
        }
    }
}
