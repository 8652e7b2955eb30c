//! Limits of `morsel import`: a source too large for one lesson file is cut into lessons (so the pack passes its
//! own check), a file to copy larger than a pack's files may be is left out and said so, and a FIFO given as the
//! source is refused at once.

use std::path::Path;

use crate::morsel;

/// `pack::source::MAX_FILE_BYTES`: 8 MiB, the largest file of a pack.
const MAX_FILE_BYTES: u64 = 8 << 20;

/// `morsel import KIND SOURCE -o DIR`: whether it succeeded, and its stdout and stderr.
fn import(kind: &str, source: &Path, dir: &Path) -> (bool, String, String) {
    let output = morsel()
        .args(["import", kind])
        .arg(source)
        .arg("-o")
        .arg(dir)
        .output()
        .unwrap();
    (
        output.status.success(),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

#[test]
fn a_hundred_thousand_gift_questions_become_lessons_that_pass_check() {
    let temp = tempfile::tempdir().unwrap();
    let source = temp.path().join("bank.gift");
    let questions: String = (0..100_000)
        .map(|i| {
            format!(
                "Is {i} an even number? {{{}}}\n\n",
                if i % 2 == 0 { "T" } else { "F" }
            )
        })
        .collect();
    std::fs::write(&source, questions).unwrap();
    let out = temp.path().join("pack");
    let (ok, stdout, stderr) = import("gift", &source, &out);
    assert!(ok, "{stdout}\n{stderr}");
    assert!(
        stdout.contains("imported 100000 questions in 100 lessons"),
        "{stdout}"
    );
    assert!(stdout.contains("check: 0 errors"), "{stdout}");
    let mut files = 0;
    for entry in std::fs::read_dir(out.join("lessons")).unwrap() {
        let len = entry.unwrap().metadata().unwrap().len();
        assert!(len <= MAX_FILE_BYTES, "{len} bytes");
        files += 1;
    }
    assert_eq!(files, 100);
    let course = std::fs::read_to_string(out.join("course.toml")).unwrap();
    assert!(course.contains("\"lessons/bank.md\""), "{course}");
    assert!(course.contains("\"lessons/bank-100.md\""), "{course}");
    let second = std::fs::read_to_string(out.join("lessons/bank-2.md")).unwrap();
    assert!(second.contains("title = \"bank (2)\""), "{second}");
    assert!(
        second.contains("Is 1000 an even number?"),
        "the 1,001st question starts the second lesson"
    );
}

/// A sparse file of `len` bytes.
fn sparse(path: &Path, len: u64) {
    std::fs::File::create(path).unwrap().set_len(len).unwrap();
}

#[test]
fn an_image_larger_than_a_pack_file_may_be_is_not_copied_and_said_so() {
    let temp = tempfile::tempdir().unwrap();
    let book = temp.path().join("book");
    std::fs::create_dir_all(book.join("src")).unwrap();
    std::fs::write(book.join("book.toml"), "[book]\ntitle = \"Big\"\n").unwrap();
    std::fs::write(
        book.join("src/SUMMARY.md"),
        "# Summary\n\n- [One](one.md)\n",
    )
    .unwrap();
    std::fs::write(
        book.join("src/one.md"),
        "# One\n\nSmall: ![s](small.png)\n\nBig: ![b](big.png)\n",
    )
    .unwrap();
    std::fs::write(book.join("src/small.png"), "png").unwrap();
    sparse(&book.join("src/big.png"), MAX_FILE_BYTES + 1);
    let out = temp.path().join("pack");
    let (ok, stdout, stderr) = import("mdbook", &book, &out);
    assert!(ok, "{stdout}\n{stderr}");
    assert!(
        stdout.contains(&format!(
            "{}: skipped the copy `assets/big.png`: it is larger than the limit of 8 MiB for a file of a pack",
            book.join("src/big.png").display()
        )),
        "{stdout}"
    );
    assert!(stdout.contains("check: 0 errors, 1 warning"), "{stdout}");
    assert!(out.join("assets/small.png").exists());
    assert!(!out.join("assets/big.png").exists());
}

#[test]
fn a_fifo_as_the_source_is_refused_at_once() {
    let temp = tempfile::tempdir().unwrap();
    let fifo = temp.path().join("source.txt");
    crate::mkfifo(&fifo);
    for kind in ["gift", "anki"] {
        let out = temp.path().join(kind);
        // The hang guard of `morsel()` fails this test if the FIFO is opened and waited on.
        let (ok, _, stderr) = import(kind, &fifo, &out);
        assert!(!ok);
        assert!(stderr.contains("not a regular file"), "{kind}: {stderr}");
        assert!(!out.exists(), "{kind}: nothing written");
    }
}
