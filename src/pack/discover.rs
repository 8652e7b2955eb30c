//! Which files are the lessons of a pack: the `lessons` list of `course.toml`, or discovery. Nothing outside the
//! pack's directory is ever taken as a lesson, whether named by `..`, an absolute path or a symlink.

use std::collections::HashSet;
use std::path::{Component, Path, PathBuf};

use toml::Spanned;

use super::diagnostic::{Diagnostic, Problem, Sink, Site};

/// A lesson file: its path relative to the pack (for messages) and its real path (to read).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LessonFile {
    pub relative: PathBuf,
    pub real: PathBuf,
}

/// The files named by `lessons`, in order; each bad entry is reported at its place in `course.toml`.
pub fn listed(root: &Path, entries: &[Spanned<String>], sink: &mut Sink) -> Vec<LessonFile> {
    let mut seen = HashSet::new();
    let mut files = Vec::with_capacity(entries.len());
    for entry in entries {
        let name = entry.get_ref();
        let Some(relative) = normalised(Path::new(name)) else {
            sink.error(entry.span(), Problem::LessonOutsidePack(name.clone()));
            continue;
        };
        match contained(root, &relative) {
            Ok(real) if real.is_file() => {
                if seen.insert(real.clone()) {
                    files.push(LessonFile { relative, real });
                } else {
                    sink.error(entry.span(), Problem::LessonListedTwice(name.clone()));
                }
            }
            Ok(_) => sink.error(entry.span(), Problem::LessonNotAFile(name.clone())),
            Err(problem) => sink.error(entry.span(), problem),
        }
    }
    files
}

/// Every `*.md` in the pack's root, then every `*.md` in `lessons/`, each group sorted by file name, `README.md`
/// left out. A file or folder that is a symlink leading outside the pack is an error, and is not read.
pub fn discovered(root: &Path, out: &mut Vec<Diagnostic>) -> Vec<LessonFile> {
    let mut files = markdown_in(root, Path::new(""), out);
    let lessons = Path::new("lessons");
    if root.join(lessons).is_dir() {
        match contained(root, lessons) {
            Ok(_) => files.extend(markdown_in(root, lessons, out)),
            Err(problem) => out.push(Diagnostic::error(Site::whole_file(lessons), problem)),
        }
    }
    files
}

fn markdown_in(root: &Path, dir: &Path, out: &mut Vec<Diagnostic>) -> Vec<LessonFile> {
    let Ok(entries) = std::fs::read_dir(root.join(dir)) else {
        return Vec::new();
    };
    let mut names: Vec<_> = entries
        .filter_map(Result::ok)
        .map(|e| e.file_name())
        .filter(|name| {
            let path = Path::new(name);
            path.extension()
                .is_some_and(|e| e.eq_ignore_ascii_case("md"))
                && !path
                    .file_stem()
                    .is_some_and(|s| s.eq_ignore_ascii_case("readme"))
        })
        .collect();
    names.sort();
    let mut files = Vec::with_capacity(names.len());
    for name in names {
        let relative = dir.join(&name);
        match contained(root, &relative) {
            Ok(real) if real.is_file() => files.push(LessonFile { relative, real }),
            Ok(_) => {}
            Err(problem) => out.push(Diagnostic::error(Site::whole_file(relative), problem)),
        }
    }
    files
}

/// The real path of `relative` under the (canonical) `root`, if it stays inside it once symlinks are resolved.
fn contained(root: &Path, relative: &Path) -> Result<PathBuf, Problem> {
    let path = root.join(relative);
    let display = relative.display().to_string();
    match path.canonicalize() {
        Ok(real) if real.starts_with(root) => Ok(real),
        Ok(_) => Err(Problem::LessonOutsidePack(display)),
        // A dangling symlink is named as missing; nothing is read through it either way.
        Err(_) => Err(Problem::LessonNotFound(display)),
    }
}

/// `relative` with `.` and `..` resolved lexically; `None` if it is absolute, empty, or climbs out of the pack.
fn normalised(relative: &Path) -> Option<PathBuf> {
    let mut out = PathBuf::new();
    for component in relative.components() {
        match component {
            Component::Normal(part) => out.push(part),
            Component::CurDir => {}
            Component::ParentDir => {
                if !out.pop() {
                    return None;
                }
            }
            Component::RootDir | Component::Prefix(_) => return None,
        }
    }
    (!out.as_os_str().is_empty()).then_some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn listed_paths_are_normalised_or_refused() {
        assert_eq!(
            normalised(Path::new("./a/../b.md")),
            Some(PathBuf::from("b.md"))
        );
        assert_eq!(
            normalised(Path::new("lessons/x.md")),
            Some(PathBuf::from("lessons/x.md"))
        );
        assert_eq!(normalised(Path::new("../x.md")), None);
        assert_eq!(normalised(Path::new("a/../../x.md")), None);
        assert_eq!(normalised(Path::new("/etc/passwd")), None);
        assert_eq!(normalised(Path::new("")), None);
    }
}
