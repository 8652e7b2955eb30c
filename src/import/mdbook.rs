//! `morsel import mdbook BOOK_DIR`: an mdBook as lessons. Each chapter of `SUMMARY.md` becomes a lesson, in its order
//! and with its title (drafts are reported); mdBook's directives are expanded (`include`); links to other chapters
//! become links to their lessons, images and linked files are copied; each chapter is cut into bites (`bites`).
//! Nothing outside the book is read or looked at (`inside`); a chapter's text is bounded (`include`); what is named
//! like a chapter but is no file is reported (`found`).

mod bites;
mod found;
mod include;
mod inside;
mod summary;
mod transform;

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

use anyhow::{Context as _, bail};

use super::book::{CopiedFile, Import, ImportedLesson, Skipped};
use crate::pack::is_valid_id;
use crate::pack::source::MAX_FILE_BYTES;

/// Reads the book in `book_dir` (holding `book.toml`, or at least `src/SUMMARY.md`) into lessons.
pub fn import(book_dir: &Path) -> anyhow::Result<Import> {
    let root = book_dir
        .canonicalize()
        .with_context(|| format!("cannot open the book folder {}", book_dir.display()))?;
    let book = BookToml::read(&root)?;
    let src = root.join(&book.src);
    let summary_path = src.join("SUMMARY.md");
    let mut skipped = Vec::new();
    let mut cx = include::Context::new(&root, &mut skipped);
    let summary_text = match cx.read(&summary_path) {
        Ok((_, text)) => text,
        Err(why) => bail!(
            "{} is not an mdBook: cannot read {}: {why}",
            book_dir.display(),
            summary_path
                .strip_prefix(&root)
                .unwrap_or(&summary_path)
                .display()
        ),
    };
    let summary_file = rel(&root, &summary_path);

    // Pass 1: every chapter read and expanded, so that links know which chapters became lessons.
    let mut chapters: Vec<Chapter> = Vec::new();
    let mut lesson_of: HashMap<String, String> = HashMap::new();
    let entries = summary::parse(&summary_text);
    let listed: HashSet<String> = entries
        .iter()
        .filter_map(|e| e.path.as_deref())
        .filter_map(|p| normalise(Path::new(""), &crate::pack::percent_decoded(p)))
        .collect();
    for entry in entries {
        match read_chapter(entry, &summary_file, &src, &lesson_of, &mut cx) {
            Ok(chapter) => {
                lesson_of.insert(chapter.key.clone(), chapter.id.clone());
                chapters.push(chapter);
            }
            Err(skip) => cx.skipped.push(skip),
        }
    }

    if let Ok(real_src) = inside::resolve(&root, &src) {
        found::report_non_files(&root, &real_src, &listed, cx.skipped);
    }

    // Pass 2: links, images and code; then bites.
    let mut files = Files::default();
    let mut lessons = Vec::with_capacity(chapters.len());
    for chapter in &chapters {
        let mut links = transform::Links {
            src: &src,
            root: &root,
            chapter: &chapter.key,
            lesson_of: &lesson_of,
            files: &mut files,
        };
        let lesson = chapter_lesson(chapter, &mut links, &mut skipped);
        if lesson.markdown.len() as u64 > MAX_FILE_BYTES {
            // The limits on a chapter's text leave room for this; a pack whose lesson fails its own check is worse.
            skipped.push(Skipped {
                file: rel(&root, &src.join(&chapter.key)),
                line: 1,
                why: format!(
                    "chapter `{}` makes a lesson over the limit of {} MiB for a file; not imported",
                    chapter.title,
                    MAX_FILE_BYTES >> 20
                ),
            });
            continue;
        }
        lessons.push(lesson);
    }
    if lessons.is_empty() {
        bail!(
            "{} lists no chapter that could be imported",
            summary_file.display()
        );
    }
    Ok(Import {
        title: book.title.unwrap_or_else(|| {
            root.file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_else(|| "Imported book".to_string())
        }),
        lessons,
        files: files.copies,
        skipped,
    })
}

/// Reads and expands the chapter `SUMMARY.md` lists at `entry` (its problems with includes in `cx`), with an id
/// unique among the lessons so far (`lesson_of`); why it is not imported when it is a draft, outside the source
/// folder, listed again, unreadable or empty.
fn read_chapter(
    entry: summary::Entry,
    summary_file: &Path,
    src: &Path,
    lesson_of: &HashMap<String, String>,
    cx: &mut include::Context,
) -> Result<Chapter, Skipped> {
    let in_summary = |why: String| Skipped {
        file: summary_file.to_path_buf(),
        line: entry.line,
        why,
    };
    let Some(path) = entry.path else {
        return Err(in_summary(format!(
            "draft chapter `{}` has no file; not imported",
            entry.title
        )));
    };
    let decoded = crate::pack::percent_decoded(&path);
    let Some(key) = normalise(Path::new(""), &decoded) else {
        return Err(in_summary(format!(
            "chapter `{path}` is outside the book's source folder; not imported"
        )));
    };
    if lesson_of.contains_key(&key) {
        return Err(in_summary(format!(
            "chapter `{path}` is listed again; imported once"
        )));
    }
    let file = src.join(&key);
    let text = match cx.read(&file) {
        Ok((_, text)) => text,
        Err(why) => {
            return Err(in_summary(format!(
                "chapter `{path}` cannot be read: {why}; not imported"
            )));
        }
    };
    let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
    let expanded = include::expand(text, &file, cx).map_err(|limit| {
        in_summary(format!(
            "chapter `{path}` is not imported: at {:.1} MiB, {limit}",
            text.len() as f64 / f64::from(1 << 20)
        ))
    })?;
    if expanded.text.trim().is_empty() {
        return Err(Skipped {
            file: rel(cx.root, &file),
            line: 1,
            why: format!("chapter `{}` is empty; not imported", entry.title),
        });
    }
    let id = unique_id(&key, &entry.title, lesson_of);
    Ok(Chapter {
        key,
        id,
        title: entry.title,
        source: text.to_string(),
        expanded,
    })
}

/// The chapter as a lesson: its links, images and code made to work in the pack (what could not be, in `skipped`,
/// at its line in the chapter's file), then cut into bites.
fn chapter_lesson(
    chapter: &Chapter,
    links: &mut transform::Links,
    skipped: &mut Vec<Skipped>,
) -> ImportedLesson {
    let (markdown, problems) = transform::transform(&chapter.expanded.text, links);
    for (offset, why) in problems {
        let at = chapter.expanded.source_offset(offset);
        skipped.push(Skipped {
            file: rel(links.root, &links.src.join(&chapter.key)),
            line: summary::line_of(&chapter.source, at),
            why,
        });
    }
    let mut bites = bites::cut(&markdown);
    if bites.is_empty() {
        // Nothing shows (only comments, say), but other lessons may link here: a lesson of its title.
        bites.push(format!("# {}", chapter.title));
    }
    ImportedLesson {
        id: chapter.id.clone(),
        title: chapter.title.clone(),
        markdown: bites.join("\n\n---\n\n") + "\n",
    }
}

struct Chapter {
    /// Path relative to the source folder, normalised, with `/`.
    key: String,
    id: String,
    title: String,
    /// The file's own text, for lines of problems.
    source: String,
    expanded: include::Expanded,
}

/// The few keys of `book.toml` the import reads.
struct BookToml {
    title: Option<String>,
    src: String,
}

impl BookToml {
    /// Reads `book.toml` as lesson files are read: a regular file inside the book, of at most 8 MiB. None is the
    /// defaults; one that leads outside the book is refused unread.
    fn read(root: &Path) -> anyhow::Result<Self> {
        let path = root.join("book.toml");
        let mut book = BookToml {
            title: None,
            src: "src".to_string(),
        };
        let text = match inside::read(root, &path) {
            Ok((_, text)) => text,
            Err(inside::Refused::Absent) => return Ok(book),
            Err(why) => bail!("book.toml cannot be read: {why}"),
        };
        let table: toml::Table =
            toml::from_str(&text).with_context(|| "book.toml is not valid TOML".to_string())?;
        if let Some(section) = table.get("book").and_then(|b| b.as_table()) {
            book.title = section
                .get("title")
                .and_then(|t| t.as_str())
                .map(str::to_string)
                .filter(|t| !t.trim().is_empty());
            if let Some(src) = section.get("src").and_then(|s| s.as_str()) {
                book.src = src.to_string();
            }
        }
        if normalise(Path::new(""), &book.src).is_none() {
            bail!("book.toml: `src` leaves the book's folder");
        }
        Ok(book)
    }
}

/// Files to copy into the pack, each once.
#[derive(Default)]
pub(crate) struct Files {
    copies: Vec<CopiedFile>,
    /// Real path → where it goes in the pack.
    placed: HashMap<PathBuf, String>,
}

impl Files {
    /// Where the file goes in the pack (`assets/…`), adding it to the copies the first time.
    fn place(&mut self, real: PathBuf, name: &str) -> String {
        if let Some(to) = self.placed.get(&real) {
            return to.clone();
        }
        let mut to = format!("assets/{name}");
        let mut n = 1;
        while self.copies.iter().any(|c| c.to == to) {
            n += 1;
            to = format!("assets/{n}/{name}");
        }
        self.placed.insert(real.clone(), to.clone());
        self.copies.push(CopiedFile {
            from: real,
            to: to.clone(),
        });
        to
    }
}

fn rel(root: &Path, path: &Path) -> PathBuf {
    path.strip_prefix(root).unwrap_or(path).to_path_buf()
}

/// `target` (with `/`) resolved against the folder `base` (relative, with `/`), as a relative path with `/`;
/// `None` when it climbs above the top.
fn normalise(base: &Path, target: &str) -> Option<String> {
    let mut parts: Vec<&str> = Vec::new();
    let base = base.to_str()?;
    let from = if target.starts_with('/') { "" } else { base };
    for part in from.split('/').chain(target.split('/')) {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            part => parts.push(part),
        }
    }
    Some(parts.join("/"))
}

/// A lesson id from the chapter's file name (`ch01-02-hello-world.md` → `ch01-02-hello-world`), else its title,
/// made unique among those given so far.
fn unique_id(key: &str, title: &str, taken: &HashMap<String, String>) -> String {
    let stem = Path::new(key)
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let mut base = slug(&stem);
    if base.is_empty() || matches!(base.as_str(), "readme" | "index") {
        base = slug(title);
    }
    if base.is_empty() {
        base = "chapter".to_string();
    }
    let used = |id: &str| taken.values().any(|t| t == id);
    let mut id = base.clone();
    let mut n = 1;
    while used(&id) {
        n += 1;
        let suffix = format!("-{n}");
        let keep = base.len().min(64 - suffix.len());
        id = format!("{}{suffix}", base[..keep].trim_end_matches('-'));
    }
    debug_assert!(is_valid_id(&id), "{id}");
    id
}

/// Lower-case ASCII letters and digits, runs of anything else as one `-`, at most 64 characters.
fn slug(text: &str) -> String {
    let mut out = String::new();
    for c in text.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.is_empty() && !out.ends_with('-') {
            out.push('-');
        }
    }
    out.truncate(64);
    out.trim_end_matches('-').to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_from_file_names_unique() {
        let mut taken = HashMap::new();
        let a = unique_id("ch01-02-Hello World.md", "Hello", &taken);
        assert_eq!(a, "ch01-02-hello-world");
        taken.insert("x".to_string(), a);
        assert_eq!(
            unique_id("b/ch01-02-hello-world.md", "Hi", &taken),
            "ch01-02-hello-world-2"
        );
        assert_eq!(unique_id("README.md", "The Intro!", &taken), "the-intro");
        assert_eq!(unique_id("été.md", "", &taken), "t");
        assert_eq!(unique_id("__.md", "***", &taken), "chapter");
    }

    #[test]
    fn paths_normalise_within_the_top() {
        assert_eq!(
            normalise(Path::new("a/b"), "../c.md").as_deref(),
            Some("a/c.md")
        );
        assert_eq!(
            normalise(Path::new("a"), "/img/x.png").as_deref(),
            Some("img/x.png")
        );
        assert_eq!(normalise(Path::new("a"), "../../x"), None);
    }
}
