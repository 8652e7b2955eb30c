//! `morsel import mdbook` on hostile books: an include bomb stops at the limits on a chapter's text and the rest is
//! imported; `book.toml`, includes, chapters and images are read only inside the book, as lesson files are (a regular
//! file of at most 8 MiB), and a message never tells whether a path outside the book exists; what is named like a
//! chapter but is no file (a FIFO, a folder) is reported.

use crate::mkfifo;
use std::path::Path;

use super::morsel;

/// Writes `files` (path relative to `dir`, text) under `dir`.
fn write(dir: &Path, files: &[(&str, &str)]) {
    for (path, text) in files {
        let path = dir.join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
}

/// `morsel import mdbook BOOK -o OUT`: whether it succeeded, its stdout and its stderr (killed after the hang guard).
fn import(book: &Path, out: &Path) -> (bool, String, String) {
    let output = morsel()
        .args(["import", "mdbook"])
        .arg(book)
        .arg("-o")
        .arg(out)
        .output()
        .unwrap();
    (
        output.status.success(),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

/// Every file under `dir`, in bytes.
fn size(dir: &Path) -> u64 {
    std::fs::read_dir(dir)
        .unwrap()
        .flatten()
        .map(|e| {
            let m = e.metadata().unwrap();
            if m.is_dir() { size(&e.path()) } else { m.len() }
        })
        .sum()
}

const A_MD: &str = "Some words to grow on, again and again.\n{{#include a.md}}\n{{#include a.md}}\n{{#include a.md}}\n{{#include a.md}}\n";

#[test]
fn an_include_bomb_is_left_out_at_the_chapter_limit_and_the_rest_is_imported() {
    let dir = tempfile::tempdir().unwrap();
    let book = dir.path().join("book");
    // The 113-byte chapter that includes a file four times, which includes itself four times: 4^10 copies.
    let chapter = "# Bomb\n\nA chapter that grows.\n\n{{#include a.md}}\n{{#include a.md}}\n{{#include a.md}}\n{{#include a.md}}\n\nThe end.\n";
    assert_eq!(chapter.len(), 113);
    write(
        &book,
        &[
            ("book.toml", "[book]\ntitle = \"Bomb\"\n"),
            (
                "src/SUMMARY.md",
                "# Summary\n\n- [Bomb](bomb.md)\n- [Bombs](bombs.md)\n- [Calm](calm.md)\n",
            ),
            ("src/bomb.md", chapter),
            ("src/a.md", A_MD),
            // Many bombs in one chapter: what their includes read is bounded too, not only what is kept.
            (
                "src/bombs.md",
                &format!("# Bombs\n\n{}", "{{#include a.md}}\n".repeat(300)),
            ),
            ("src/calm.md", "# Calm\n\nNothing to see.\n"),
        ],
    );
    let out = dir.path().join("pack");
    let (ok, stdout, stderr) = import(&book, &out);
    assert!(ok, "{stdout}{stderr}");
    for line in 5..=8 {
        let told = format!(
            "src/bomb.md:{line}: `{{{{#include a.md}}}}` is left out: with what it includes, the chapter's text would pass the limit of 4 MiB for a chapter (crossed by the include at src/a.md:"
        );
        assert!(stdout.contains(&told), "{told}\n{stdout}");
    }
    assert!(
        stdout.contains("src/bombs.md:302: `{{#include a.md}}` is left out: with what it includes, the chapter's includes would read more than the limit of 16 MiB; the rest of the chapter is imported"),
        "{stdout}"
    );
    // One report for each include left out, none from inside what was left out.
    assert_eq!(stdout.matches("is left out").count(), 4 + 300, "{stdout}");
    assert!(stdout.contains("into"), "{stdout}");
    assert!(stdout.contains("check: 0 errors"), "{stdout}");
    let bomb = std::fs::read_to_string(out.join("lessons/bomb.md")).unwrap();
    assert!(
        bomb.contains("A chapter that grows.") && bomb.contains("The end."),
        "{bomb}"
    );
    assert!(out.join("lessons/calm.md").exists());
    assert!(size(&out) < 64 * 1024, "{} bytes", size(&out));
}

#[test]
fn a_chapter_larger_than_the_limit_is_not_imported_and_the_others_are() {
    let dir = tempfile::tempdir().unwrap();
    let book = dir.path().join("book");
    let big = format!(
        "# Big\n\n{}",
        "Words on a line of their own.\n".repeat(160_000)
    );
    write(
        &book,
        &[
            ("src/SUMMARY.md", "- [Big](big.md)\n- [Small](small.md)\n"),
            ("src/big.md", &big),
            ("src/small.md", "# Small\n\nHello.\n"),
        ],
    );
    let out = dir.path().join("pack");
    let (ok, stdout, stderr) = import(&book, &out);
    assert!(ok, "{stdout}{stderr}");
    assert!(
        stdout.contains(
            "src/SUMMARY.md:1: chapter `big.md` is not imported: at 4.6 MiB, the chapter's text would pass the limit of 4 MiB for a chapter"
        ),
        "{stdout}"
    );
    assert!(stdout.contains("1 lesson"), "{stdout}");
}

#[cfg(unix)]
#[test]
fn book_toml_is_read_only_as_a_regular_file_inside_the_book() {
    use std::os::unix::fs::symlink;

    let dir = tempfile::tempdir().unwrap();
    let secret = dir.path().join("secret.toml");
    std::fs::write(&secret, "[book]\ntitle = \"SECRET LINE\" oops\n").unwrap();
    let book = dir.path().join("book");
    write(
        &book,
        &[
            ("src/SUMMARY.md", "- [A](a.md)\n"),
            ("src/a.md", "# A\n\nHi.\n"),
        ],
    );
    let toml = book.join("book.toml");
    let refused = |what: &str, why: &str| {
        let out = dir.path().join(format!("pack-{what}"));
        let (ok, stdout, stderr) = import(&book, &out);
        assert!(!ok, "{what}: {stdout}");
        assert!(
            stderr.contains(&format!("book.toml cannot be read: {why}")),
            "{what}: {stderr}"
        );
        assert!(!stderr.contains("SECRET"), "{what}: {stderr}");
        assert!(!out.exists(), "{what}");
    };

    // Outside, whether or not it exists: the same words, and none of its lines.
    symlink(&secret, &toml).unwrap();
    refused("outside", "it is outside the book");
    std::fs::remove_file(&toml).unwrap();
    symlink(dir.path().join("absent.toml"), &toml).unwrap();
    refused("absent outside", "it is outside the book");
    std::fs::remove_file(&toml).unwrap();
    symlink("../secret.toml", &toml).unwrap();
    refused("relative outside", "it is outside the book");
    std::fs::remove_file(&toml).unwrap();
    symlink("/dev/zero", &toml).unwrap();
    refused("/dev/zero", "it is outside the book");
    std::fs::remove_file(&toml).unwrap();

    // A FIFO is refused at once, not opened (which would wait for a writer).
    mkfifo(&toml);
    refused("fifo", "it is a FIFO, not a file, so it is not read");
    std::fs::remove_file(&toml).unwrap();
    std::fs::create_dir(&toml).unwrap();
    refused("folder", "it is a folder, not a file, so it is not read");
    std::fs::remove_dir(&toml).unwrap();

    // Inside the book, a link is followed; a bad one is quoted, as it is the book's own.
    write(&book, &[("conf/real.toml", "[book]\ntitle = \"Linked\"\n")]);
    symlink("conf/real.toml", &toml).unwrap();
    let (ok, stdout, stderr) = import(&book, &dir.path().join("pack"));
    assert!(ok, "{stdout}{stderr}");
    let course = std::fs::read_to_string(dir.path().join("pack/course.toml")).unwrap();
    assert!(course.contains("Linked"), "{course}");
}

#[cfg(unix)]
#[test]
fn includes_chapters_and_images_outside_the_book_get_the_same_words_present_or_absent() {
    use std::os::unix::fs::symlink;

    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("secret.md"), "SECRET LINE\n").unwrap();
    std::fs::write(dir.path().join("secret.png"), "PNG").unwrap();
    let book = dir.path().join("book");
    write(
        &book,
        &[
            (
                "src/SUMMARY.md",
                "- [A](a.md)\n- [Out](out.md)\n- [Gone](gone.md)\n",
            ),
            (
                "src/a.md",
                "# A\n\n{{#include ../../secret.md}}\n{{#include ../../absent.md}}\n{{#include out.md}}\n{{#include gone.md}}\n\n![one](../../secret.png)\n![two](out.png)\n![three](gone.png)\n",
            ),
        ],
    );
    symlink("../../secret.md", book.join("src/out.md")).unwrap();
    symlink("../../absent.md", book.join("src/gone.md")).unwrap();
    symlink(dir.path().join("secret.png"), book.join("src/out.png")).unwrap();
    symlink(dir.path().join("absent.png"), book.join("src/gone.png")).unwrap();
    let out = dir.path().join("pack");
    let (ok, stdout, stderr) = import(&book, &out);
    assert!(ok, "{stdout}{stderr}");
    assert!(!stdout.contains("SECRET"), "{stdout}");
    for (line, path) in [
        (3, "../../secret.md"),
        (4, "../../absent.md"),
        (5, "out.md"),
        (6, "gone.md"),
    ] {
        let told = format!(
            "src/a.md:{line}: `{{{{#include {path}}}}}` cannot be included: it is outside the book; left out"
        );
        assert!(stdout.contains(&told), "{told}\n{stdout}");
    }
    for (line, chapter) in [(2, "out.md"), (3, "gone.md")] {
        let told = format!(
            "src/SUMMARY.md:{line}: chapter `{chapter}` cannot be read: it is outside the book; not imported"
        );
        assert!(stdout.contains(&told), "{told}\n{stdout}");
    }
    for (line, image) in [(9, "out.png"), (10, "gone.png")] {
        let told =
            format!("src/a.md:{line}: image `{image}`: it is outside the book; kept as text");
        assert!(stdout.contains(&told), "{told}\n{stdout}");
    }
    assert!(
        stdout.contains("src/a.md:8: `../../secret.png` leaves the book's folder; kept as text"),
        "{stdout}"
    );
    assert!(!out.join("assets").exists());
}

#[cfg(unix)]
#[test]
fn a_fifo_or_a_folder_named_like_a_chapter_is_reported_listed_or_found() {
    let dir = tempfile::tempdir().unwrap();
    let book = dir.path().join("book");
    write(
        &book,
        &[
            (
                "src/SUMMARY.md",
                "- [A](a.md)\n- [Pipe](pipe.md)\n- [Folder](folder.md)\n- [Inside](notes.md/inside.md)\n",
            ),
            ("src/a.md", "# A\n\nHi. {{#include pipe.md}}\n"),
            (
                "src/notes.md/inside.md",
                "# Inside\n\nIn a folder named like a chapter, and listed.\n",
            ),
            (
                "src/unlisted.md",
                "# Not listed, a file: mdBook leaves it out too.\n",
            ),
        ],
    );
    mkfifo(&book.join("src/pipe.md"));
    std::fs::create_dir_all(book.join("src/sub")).unwrap();
    mkfifo(&book.join("src/sub/deep.md"));
    std::fs::create_dir_all(book.join("src/folder.md")).unwrap();
    std::fs::create_dir_all(book.join("src/empty.md")).unwrap();
    let out = dir.path().join("pack");
    let (ok, stdout, stderr) = import(&book, &out);
    assert!(ok, "{stdout}{stderr}");
    for told in [
        "src/SUMMARY.md:2: chapter `pipe.md` cannot be read: it is a FIFO, not a file, so it is not read; not imported",
        "src/SUMMARY.md:3: chapter `folder.md` cannot be read: it is a folder, not a file, so it is not read; not imported",
        "src/a.md:3: `{{#include pipe.md}}` cannot be included: it is a FIFO, not a file, so it is not read; left out",
        "src/empty.md:1: `empty.md` is a folder named like a chapter; SUMMARY.md lists nothing in it, so nothing of it is imported",
        "src/sub/deep.md:1: `sub/deep.md` is a FIFO, not a chapter file; it is not read",
    ] {
        assert!(stdout.contains(told), "{told}\n{stdout}");
    }
    // Each once, and nothing about what is used or is a file.
    assert_eq!(stdout.matches("pipe.md").count(), 2, "{stdout}");
    assert_eq!(stdout.matches("folder.md").count(), 1, "{stdout}");
    assert!(!stdout.contains("notes.md"), "{stdout}");
    assert!(!stdout.contains("unlisted.md"), "{stdout}");
    assert!(out.join("lessons/inside.md").exists());
}
