//! `morsel print`: every line within the width, labelled lines wrapped under their text, the highlighting limit.

use std::path::{Path, PathBuf};

use crate::morsel;

fn printed(pack: &Path, args: &[&str]) -> String {
    let output = morsel().arg("print").args(args).arg(pack).output().unwrap();
    assert!(output.status.success(), "{output:?}");
    String::from_utf8(output.stdout).unwrap()
}

fn bundled_courses() -> Vec<PathBuf> {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("courses");
    let mut courses: Vec<PathBuf> = std::fs::read_dir(root)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.join("course.toml").is_file())
        .collect();
    courses.sort();
    courses
}

#[test]
fn every_line_of_every_bundled_course_fits_the_width() {
    let courses = bundled_courses();
    assert!(courses.len() >= 3, "{courses:?}");
    for course in &courses {
        for width in [40, 60] {
            let text = printed(course, &["--answers", "--width", &width.to_string()]);
            assert!(text.contains("Question ("), "{}", course.display());
            let over: Vec<&str> = text
                .lines()
                .filter(|l| morsel::text::width(l) > width)
                .collect();
            assert!(
                over.is_empty(),
                "{} at {width}: {} lines too wide: {over:#?}",
                course.display(),
                over.len()
            );
        }
    }
}

/// A pack of one lesson holding `body`.
fn pack_with_lesson(dir: &Path, body: &str) {
    std::fs::write(
        dir.join("course.toml"),
        "format = 1\nid = \"print\"\ntitle = \"Printing\"\n",
    )
    .unwrap();
    std::fs::write(dir.join("a.md"), body).unwrap();
}

#[test]
fn labelled_lines_wrap_under_their_text() {
    let dir = tempfile::tempdir().unwrap();
    pack_with_lesson(
        dir.path(),
        r#"+++
id = "long"
title = "A lesson whose title is far too long for one forty-column line"
+++
Intro.

```quiz
kind = "choice"
prompt = "Which of these sentences is long enough to wrap at forty columns?"
choices = [
  { text = "The first choice, which is long enough to wrap as well", correct = true },
  { text = "Short" },
]
explain = "Every line keeps its indent when it wraps, and none is wider than forty columns."
```

```card
front = "A card whose front wraps at forty columns too"
back = "And a back that wraps, under the word after its label."
```
"#,
    );
    let text = printed(dir.path(), &["--answers", "--width", "40"]);
    let expected = "\
Printing

── A lesson whose title is far too long
   for one forty-column line (long)

── bite 1/1 ────────────────────────────

Intro.

Question (choice): Which of these
                   sentences is long
                   enough to wrap at
                   forty columns?
  1. The first choice, which is long
     enough to wrap as well ✓
  2. Short
  Why: Every line keeps its indent when
       it wraps, and none is wider than
       forty columns.

Card: A card whose front wraps at forty
      columns too
  Back: And a back that wraps, under the
        word after its label.
";
    assert_eq!(text, expected);
}

#[test]
fn a_code_block_of_any_size_prints_coloured_to_its_last_line() {
    let dir = tempfile::tempdir().unwrap();
    let block = |lines: usize| -> String {
        let body: String = (0..lines).map(|i| format!("let x{i} = {i};\n")).collect();
        format!("```rust\n{body}```\n")
    };
    pack_with_lesson(
        dir.path(),
        &format!("Small:\n\n{}\n---\n\nLarge:\n\n{}", block(3), block(1_001)),
    );
    let text = printed(dir.path(), &["--color", "always", "--width", "60"]);
    let (small, large) = text.split_once("Large:").unwrap();
    // syntect's colours are 24-bit (38;2;…); the code style alone is yellow (33).
    assert!(small.contains("38;2;"), "{small}");
    let last = large.lines().find(|l| l.contains("x1000")).unwrap();
    assert!(last.contains("38;2;"), "{last}");
    assert!(!large.contains("\x1b[33mlet x"), "{large}");
}
