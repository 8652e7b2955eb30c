//! `import::mdbook` on the small book under `tests/fixtures/import/mdbook/`, which uses each thing the import
//! handles: SUMMARY.md with nesting, parts, a separator and a draft; includes with ranges and anchors, a missing file
//! and a missing anchor; links to chapters by `.html` and `.md`; an image (Markdown and HTML); a chapter cut at its
//! breaks (one inside a code block); a long section without breaks. The written pack must load with no problem.

use std::path::{Path, PathBuf};

use morsel::import::book::{Import, lesson_file};
use morsel::import::mdbook;

use predicates::prelude::*;

use super::{fixture, morsel};

fn book() -> PathBuf {
    fixture("import/mdbook")
}

fn imported() -> Import {
    mdbook::import(&book()).unwrap()
}

/// Writes the import as a pack, as the import command does: course.toml listing the lessons, each lesson with its
/// front matter, the copied files.
fn write_pack(import: &Import, dir: &Path) {
    let lessons: Vec<String> = import
        .lessons
        .iter()
        .map(|l| format!("{:?}", lesson_file(&l.id)))
        .collect();
    std::fs::write(
        dir.join("course.toml"),
        format!(
            "id = \"imported\"\ntitle = {:?}\nlessons = [{}]\n",
            import.title,
            lessons.join(", ")
        ),
    )
    .unwrap();
    for lesson in &import.lessons {
        let path = dir.join(lesson_file(&lesson.id));
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        let front = format!(
            "+++\nid = {:?}\ntitle = {:?}\n+++\n\n",
            lesson.id, lesson.title
        );
        std::fs::write(path, front + &lesson.markdown).unwrap();
    }
    for file in &import.files {
        let to = dir.join(&file.to);
        std::fs::create_dir_all(to.parent().unwrap()).unwrap();
        std::fs::copy(&file.from, to).unwrap();
    }
}

fn lesson<'a>(import: &'a Import, id: &str) -> &'a str {
    &import
        .lessons
        .iter()
        .find(|l| l.id == id)
        .unwrap_or_else(|| panic!("no lesson {id}"))
        .markdown
}

#[test]
fn chapters_become_lessons_in_summary_order_with_its_titles() {
    let import = imported();
    assert_eq!(import.title, "A Tiny Book");
    let got: Vec<_> = import
        .lessons
        .iter()
        .map(|l| (l.id.as_str(), l.title.as_str()))
        .collect();
    assert_eq!(
        got,
        [
            ("preface", "Preface"),
            ("start", "Getting started"),
            ("hello", "Saying hello"),
            ("long", "A long read"),
        ]
    );
}

#[test]
fn drafts_unresolved_includes_and_dead_links_are_reported_where_they_stand() {
    let import = imported();
    let got: Vec<String> = import
        .skipped
        .iter()
        .map(|s| format!("{}:{}: {}", s.file.display(), s.line, s.why))
        .collect();
    let expect = [
        "src/SUMMARY.md:9: draft chapter `Coming soon`",
        "src/basics/hello.md:36: `{{#include ../../listings/missing.rs}}` cannot be included: it does not exist",
        "src/basics/hello.md:37: `{{#include ../../listings/hello.rs:nowhere}}`: no line `ANCHOR: nowhere`",
        "src/preface.md:4: link to `soon.html` names no chapter of the book; kept as text",
    ];
    assert_eq!(got.len(), expect.len(), "{got:#?}");
    for want in expect {
        assert!(
            got.iter().any(|g| g.starts_with(want)),
            "{want} not in {got:#?}"
        );
    }
}

#[test]
fn includes_take_their_ranges_and_anchors_and_hidden_lines_go() {
    let import = imported();
    let hello = lesson(&import, "hello");
    // The anchor `all`, without the anchor lines inside it.
    assert!(
        hello.contains("```rust\nfn main() {\n    println!(\"hello\");\n}\n```"),
        "{hello}"
    );
    // `body`, then 2:4, ::1, 6: and 4.
    assert!(
        hello.contains("```rust\n    println!(\"hello\");\n```"),
        "{hello}"
    );
    assert!(
        hello.contains(
            "fn main() {\n    // ANCHOR: body\n    println!(\"hello\");\n// ANCHOR: all\n}\n// ANCHOR_END: all\n    println!(\"hello\");\n```"
        ),
        "{hello}"
    );
    assert!(!hello.contains("fn hidden"), "{hello}");
    assert!(hello.contains("fn shown() {}"), "{hello}");
    assert!(!hello.contains("missing.rs"), "{hello}");
    assert!(
        hello.contains("Written as text: {{#include ../../listings/hello.rs}}"),
        "{hello}"
    );
}

#[test]
fn links_to_chapters_point_at_their_lessons_and_images_are_copied() {
    let import = imported();
    let preface = lesson(&import, "preface");
    assert!(preface.contains("[Saying hello](hello.md)"), "{preface}");
    assert!(preface.contains("[the long read](long.md)"), "{preface}");
    assert!(
        preface.contains("A draft page is not written yet"),
        "{preface}"
    );
    assert!(
        preface.contains("[the book's site](https://example.org/book/)"),
        "{preface}"
    );
    assert!(
        preface.contains("[the getting started chapter](start.md)"),
        "{preface}"
    );
    assert!(
        preface.contains("![Ferris the crab](../assets/img/ferris.svg)"),
        "{preface}"
    );
    let start = lesson(&import, "start");
    assert!(
        start.contains("![The crab, waving](../assets/img/ferris.svg)"),
        "{start}"
    );
    assert!(start.contains("[preface](preface.md)"), "{start}");
    // Copied once, though two chapters show it.
    assert_eq!(import.files.len(), 1);
    assert_eq!(import.files[0].to, "assets/img/ferris.svg");
}

#[test]
fn the_written_pack_loads_with_no_problem_and_bites_fit_the_reading_limit() {
    let import = imported();
    let dir = tempfile::tempdir().unwrap();
    write_pack(&import, dir.path());
    let report = morsel::pack::load(dir.path());
    let problems: Vec<String> = report
        .diagnostics
        .iter()
        .map(|d| d.one_line(dir.path()))
        .collect();
    assert!(problems.is_empty(), "{problems:#?}");

    let bites = |id: &str| {
        let lesson = report.lessons.iter().find(|l| l.id == id).unwrap();
        lesson.bites.iter().map(|b| b.words).collect::<Vec<_>>()
    };
    // Cut at its two breaks, not at its headings; the break inside the fence stays.
    assert_eq!(bites("start").len(), 3);
    // Cut at `##`, then the long section at paragraphs under the limit.
    let long = bites("long");
    assert!(long.len() >= 4, "{long:?}");
    let limit = (morsel::pack::WORDS_PER_MINUTE * morsel::pack::MAX_BITE_MINUTES) as usize;
    assert!(long.iter().all(|&w| w <= limit), "{long:?}");
    assert_eq!(long.iter().sum::<usize>(), 7 * 120 + 3 + 3 + 3 + 3);

    morsel()
        .arg("check")
        .arg(dir.path())
        .assert()
        .success()
        .stdout(predicates::str::ends_with(": ok\n"));
}

/// Imports the book in `MORSEL_MDBOOK` into `MORSEL_MDBOOK_OUT` and prints what was skipped: for trying the import
/// on a real book (`cargo test --test cli -- --ignored import_a_book`), never run by default.
#[test]
#[ignore]
fn import_a_book_from_the_environment() {
    let book = PathBuf::from(std::env::var("MORSEL_MDBOOK").unwrap());
    let out = PathBuf::from(std::env::var("MORSEL_MDBOOK_OUT").unwrap());
    let import = mdbook::import(&book).unwrap();
    std::fs::create_dir_all(&out).unwrap();
    write_pack(&import, &out);
    for s in &import.skipped {
        println!("skipped: {}:{}: {}", s.file.display(), s.line, s.why);
    }
    println!(
        "{} lessons, {} files copied, {} skipped",
        import.lessons.len(),
        import.files.len(),
        import.skipped.len()
    );
}

#[test]
fn a_folder_without_summary_is_not_taken_for_a_book() {
    let dir = tempfile::tempdir().unwrap();
    let err = mdbook::import(dir.path()).unwrap_err().to_string();
    assert!(
        err.contains("is not an mdBook: cannot read src/SUMMARY.md: it does not exist"),
        "{err}"
    );
}

#[test]
fn the_import_command_writes_a_book_as_a_pack_that_checks() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("pack");
    morsel()
        .args(["import", "mdbook"])
        .arg(book())
        .arg("-o")
        .arg(&out)
        .assert()
        .success()
        .stdout(
            predicates::str::contains("imported 11 bites in 4 lessons")
                .and(predicates::str::contains("check: 0 errors, 0 warnings")),
        );
    let report = morsel::pack::load(&out);
    assert_eq!(report.diagnostics, [], "the written pack loads clean");
}
