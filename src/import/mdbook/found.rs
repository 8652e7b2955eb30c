//! What stands in the book's source folder named like a chapter (`*.md`) but is no file: a FIFO, a device, a
//! socket, or a folder. mdBook reads only the chapters `SUMMARY.md` lists, and so does the import; those it lists are
//! reported as they are read. The others are reported here, so that none is passed over in silence.

use std::collections::HashSet;
use std::path::Path;

use super::super::book::Skipped;
use super::inside;

/// How many entries of the source folder are looked at, at most.
const MAX_ENTRIES: usize = 100_000;

/// Reports each entry named `*.md` under `src` (a real folder inside the book `root`) that is not a regular file,
/// and that `SUMMARY.md` does not list (`listed`, paths relative to `src` with `/`; those it lists are reported as
/// they are read): a folder only when no listed chapter is inside it. Symbolic links are not followed.
pub(crate) fn report_non_files(
    root: &Path,
    src: &Path,
    listed: &HashSet<String>,
    skipped: &mut Vec<Skipped>,
) {
    let mut todo = vec![String::new()];
    let mut seen = 0;
    while let Some(folder) = todo.pop() {
        let Ok(entries) = std::fs::read_dir(src.join(&folder)) else {
            continue;
        };
        let mut entries: Vec<_> = entries
            .flatten()
            .take(MAX_ENTRIES + 1 - seen.min(MAX_ENTRIES))
            .collect();
        entries.sort_by_key(std::fs::DirEntry::file_name);
        let mut folders = Vec::new();
        for entry in entries {
            seen += 1;
            if seen > MAX_ENTRIES {
                skipped.push(Skipped {
                    file: src.strip_prefix(root).unwrap_or(src).to_path_buf(),
                    line: 1,
                    why: format!(
                        "the source folder holds more than {MAX_ENTRIES} entries; the rest were not looked at for chapters that are not files"
                    ),
                });
                return;
            }
            let Ok(file_type) = entry.file_type() else {
                continue;
            };
            let name = entry.file_name().to_string_lossy().into_owned();
            let rel = if folder.is_empty() {
                name.clone()
            } else {
                format!("{folder}/{name}")
            };
            let is_md = name.ends_with(".md");
            let why = if file_type.is_dir() {
                folders.push(rel.clone());
                let prefix = format!("{rel}/");
                let used =
                    listed.contains(&rel) || listed.iter().any(|key| key.starts_with(&prefix));
                (is_md && !used).then(|| {
                    format!("`{rel}` is a folder named like a chapter; SUMMARY.md lists nothing in it, so nothing of it is imported")
                })
            } else if file_type.is_file()
                || file_type.is_symlink()
                || !is_md
                || listed.contains(&rel)
            {
                None
            } else {
                Some(format!(
                    "`{rel}` is {}, not a chapter file; it is not read",
                    inside::kind(file_type)
                ))
            };
            if let Some(why) = why {
                let path = src.join(&rel);
                skipped.push(Skipped {
                    file: path.strip_prefix(root).unwrap_or(&path).to_path_buf(),
                    line: 1,
                    why,
                });
            }
        }
        // Popped in order of their names.
        todo.extend(folders.into_iter().rev());
    }
}
