//! Which files are the lessons of a pack: the `lessons` list of `course.toml`, or discovery. Nothing outside the
//! pack's directory is ever taken as a lesson, whether named by `..`, an absolute path or a symlink.

use std::collections::HashSet;
use std::path::{Component, Path, PathBuf};

use toml::Spanned;

use super::diagnostic::{Diagnostic, Problem, Sink, Site};

/// A lesson file: its path relative to the pack (for messages) and its real path (to read).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct LessonFile {
    pub(crate) relative: PathBuf,
    pub(crate) real: PathBuf,
}

/// The files named by `lessons`, in order; each bad entry is reported at its place in `course.toml`.
pub(crate) fn listed(root: &Path, entries: &[Spanned<String>], sink: &mut Sink) -> Vec<LessonFile> {
    let mut seen = HashSet::new();
    let mut files = Vec::with_capacity(entries.len());
    for entry in entries {
        let name = entry.get_ref();
        let Some(relative) = normalised(Path::new(name)) else {
            sink.error(entry.span(), Problem::LessonOutsidePack(name.clone()));
            continue;
        };
        match contained(root, &relative) {
            Ok((real, is_file)) if is_file => {
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
pub(crate) fn discovered(root: &Path, out: &mut Vec<Diagnostic>) -> Vec<LessonFile> {
    let mut files = markdown_in(root, root, Path::new(""), out);
    let lessons = Path::new("lessons");
    if root.join(lessons).is_dir() {
        match contained(root, lessons) {
            Ok((real, _)) => files.extend(markdown_in(root, &real, lessons, out)),
            Err(problem) => out.push(Diagnostic::error(Site::whole_file(lessons), problem)),
        }
    }
    files
}

/// Other extensions Markdown is saved under: a file with one of them was meant as a lesson.
const OTHER_MARKDOWN: [&str; 5] = ["markdown", "mdown", "mkd", "mkdn", "mdwn"];

/// The lesson files in the folder `dir` of the pack, whose real path is `real_dir` (inside `root`). The folder's
/// entries say which are regular files: only a symlink among them needs resolving. What looks meant as a lesson but
/// is never played (another Markdown extension; in lessons/, a folder of lessons or a file that is not a regular
/// file) is a warning.
fn markdown_in(
    root: &Path,
    real_dir: &Path,
    dir: &Path,
    out: &mut Vec<Diagnostic>,
) -> Vec<LessonFile> {
    let Ok(entries) = std::fs::read_dir(real_dir) else {
        return Vec::new();
    };
    let in_lessons = !dir.as_os_str().is_empty();
    let mut names = Vec::new();
    let mut slips = Vec::new();
    for entry in entries.filter_map(Result::ok) {
        let name = entry.file_name();
        let path = Path::new(&name);
        if path
            .file_stem()
            .is_some_and(|s| s.eq_ignore_ascii_case("readme"))
        {
            continue;
        }
        let extension = path.extension();
        if extension.is_some_and(|e| e.eq_ignore_ascii_case("md")) {
            names.push((name, entry.file_type().ok()));
        } else if extension
            .is_some_and(|e| OTHER_MARKDOWN.iter().any(|m| e.eq_ignore_ascii_case(m)))
        {
            slips.push((name, None));
        } else if in_lessons {
            slips.push((name, entry.file_type().ok()));
        }
    }
    names.sort_unstable_by(|a, b| a.0.cmp(&b.0));
    let mut files = Vec::with_capacity(names.len());
    for (name, kind) in names {
        let relative = dir.join(&name);
        match kind {
            // A regular file in a real folder inside the pack: its path is already its real path.
            Some(kind) if kind.is_file() => files.push(LessonFile {
                real: real_dir.join(&name),
                relative,
            }),
            Some(kind) if kind.is_dir() => {}
            Some(kind) if !kind.is_symlink() => {
                out.push(special_file(&relative, kind));
            }
            _ => match contained(root, &relative) {
                Ok((real, is_file)) if is_file => files.push(LessonFile { relative, real }),
                Ok(_) => {}
                Err(problem) => out.push(Diagnostic::error(Site::whole_file(relative), problem)),
            },
        }
    }
    slips.sort_unstable_by(|a, b| a.0.cmp(&b.0));
    for (name, kind) in slips {
        out.extend(slip(real_dir, &dir.join(&name), kind));
    }
    files
}

/// The warning for an entry that is not a `.md` lesson: `kind` is `None` for a file of another Markdown extension.
fn slip(real_dir: &Path, relative: &Path, kind: Option<std::fs::FileType>) -> Option<Diagnostic> {
    let shown = relative.display().to_string();
    match kind {
        None => Some(Diagnostic::warning(
            Site::whole_file(relative),
            Problem::NotMdExtension {
                file: shown,
                renamed: relative.with_extension("md").display().to_string(),
            },
        )),
        Some(kind) if kind.is_dir() => {
            let name = relative.file_name()?;
            if name.to_string_lossy().starts_with('.') {
                return None;
            }
            let count = lessons_below(&real_dir.join(name), 8);
            (count > 0).then(|| {
                Diagnostic::warning(
                    Site::whole_file(relative),
                    Problem::LessonsInSubfolder {
                        folder: format!("{shown}/"),
                        count,
                    },
                )
            })
        }
        Some(kind) if kind.is_file() || kind.is_symlink() => None,
        Some(kind) => Some(special_file(relative, kind)),
    }
}

/// A FIFO, socket or device where a lesson would be: never opened (reading a FIFO would wait forever).
fn special_file(relative: &Path, kind: std::fs::FileType) -> Diagnostic {
    #[cfg(unix)]
    let what = {
        use std::os::unix::fs::FileTypeExt;
        if kind.is_fifo() {
            "FIFO (named pipe)"
        } else if kind.is_socket() {
            "socket"
        } else if kind.is_block_device() || kind.is_char_device() {
            "device"
        } else {
            "special file"
        }
    };
    #[cfg(not(unix))]
    let what = {
        let _ = kind;
        "special file"
    };
    Diagnostic::warning(
        Site::whole_file(relative),
        Problem::SpecialFileInLessons {
            file: relative.display().to_string(),
            what,
        },
    )
}

/// How many Markdown files (of any Markdown extension, README left out) are in `dir` and the folders below it,
/// `depth` levels down at most; symlinks and hidden folders are not followed.
fn lessons_below(dir: &Path, depth: usize) -> usize {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return 0;
    };
    let mut count = 0;
    for entry in entries.filter_map(Result::ok) {
        let name = entry.file_name();
        let path = Path::new(&name);
        match entry.file_type() {
            Ok(kind) if kind.is_dir() && depth > 0 && !name.to_string_lossy().starts_with('.') => {
                count += lessons_below(&entry.path(), depth - 1);
            }
            Ok(kind) if kind.is_file() => {
                let markdown = path.extension().is_some_and(|e| {
                    e.eq_ignore_ascii_case("md")
                        || OTHER_MARKDOWN.iter().any(|m| e.eq_ignore_ascii_case(m))
                });
                let readme = path
                    .file_stem()
                    .is_some_and(|s| s.eq_ignore_ascii_case("readme"));
                count += usize::from(markdown && !readme);
            }
            _ => {}
        }
    }
    count
}

/// The real path of `relative` (free of `.` and `..`, as [`normalised`] gives) under the canonical `root`, and
/// whether it is a regular file, if it exists and stays inside `root` once symlinks are resolved. Each component is
/// looked at without following it; only a path through a symlink is resolved whole, so that the common case costs
/// one `lstat` per component instead of a `canonicalize`.
pub(super) fn contained(root: &Path, relative: &Path) -> Result<(PathBuf, bool), Problem> {
    let display = || relative.display().to_string();
    let mut path = root.to_path_buf();
    let mut is_file = false;
    for component in relative.components() {
        let Component::Normal(part) = component else {
            // Not a path `normalised` gives: resolve it whole.
            return resolved(root, relative);
        };
        path.push(part);
        match std::fs::symlink_metadata(&path) {
            Ok(metadata) if metadata.file_type().is_symlink() => return resolved(root, relative),
            Ok(metadata) => is_file = metadata.is_file(),
            Err(_) => return Err(Problem::LessonNotFound(display())),
        }
    }
    if relative.as_os_str().is_empty() {
        is_file = false;
    }
    Ok((path, is_file))
}

/// [`contained`] for a path through a symlink: resolved whole, then checked to be inside `root`.
fn resolved(root: &Path, relative: &Path) -> Result<(PathBuf, bool), Problem> {
    let display = relative.display().to_string();
    match root.join(relative).canonicalize() {
        Ok(real) if real.starts_with(root) => {
            let is_file = real.is_file();
            Ok((real, is_file))
        }
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

    #[cfg(unix)]
    #[test]
    fn a_path_is_contained_only_if_its_symlinks_stay_inside() {
        use std::os::unix::fs::symlink;
        let dir = tempfile::tempdir().expect("a temporary folder");
        let root = dir.path().join("pack");
        std::fs::create_dir_all(root.join("lessons/deep")).expect("folders");
        std::fs::write(root.join("lessons/a.md"), "a").expect("a file");
        std::fs::write(dir.path().join("outside.md"), "secret").expect("a file");
        symlink(root.join("lessons/a.md"), root.join("inside.md")).expect("a symlink");
        symlink(dir.path().join("outside.md"), root.join("lessons/out.md")).expect("a symlink");
        symlink(dir.path(), root.join("up")).expect("a symlink");
        symlink(root.join("lessons"), root.join("alias")).expect("a symlink");
        symlink(root.join("gone.md"), root.join("dangling.md")).expect("a symlink");
        let root = root.canonicalize().expect("the pack's real path");
        let contained = |relative: &str| contained(&root, Path::new(relative));

        // Plain paths are their own real paths.
        assert_eq!(
            contained("lessons/a.md"),
            Ok((root.join("lessons/a.md"), true))
        );
        assert_eq!(
            contained("lessons/deep"),
            Ok((root.join("lessons/deep"), false))
        );
        assert_eq!(contained(""), Ok((root.clone(), false)));
        // A symlink is followed to where it leads, which must be inside.
        assert_eq!(
            contained("inside.md"),
            Ok((root.join("lessons/a.md"), true))
        );
        assert_eq!(
            contained("alias/a.md"),
            Ok((root.join("lessons/a.md"), true))
        );
        assert_eq!(
            contained("up/pack/lessons/a.md"),
            Ok((root.join("lessons/a.md"), true))
        );
        for outside in ["lessons/out.md", "up/outside.md", "up"] {
            assert_eq!(
                contained(outside),
                Err(Problem::LessonOutsidePack(outside.to_string())),
                "{outside}"
            );
        }
        for missing in [
            "dangling.md",
            "lessons/none.md",
            "lessons/a.md/x",
            "alias/none.md",
        ] {
            assert_eq!(
                contained(missing),
                Err(Problem::LessonNotFound(missing.to_string())),
                "{missing}"
            );
        }
    }

    #[cfg(unix)]
    #[test]
    fn discovery_takes_regular_files_and_symlinks_that_stay_inside() {
        use std::os::unix::fs::symlink;
        let dir = tempfile::tempdir().expect("a temporary folder");
        let root = dir.path().join("pack");
        std::fs::create_dir_all(root.join("lessons/folder.md")).expect("folders");
        std::fs::create_dir_all(dir.path().join("real-lessons")).expect("a folder");
        for name in ["b.md", "README.md", "notes.txt", "lessons/a.md"] {
            std::fs::write(root.join(name), "text").expect("a file");
        }
        std::fs::write(dir.path().join("outside.md"), "secret").expect("a file");
        symlink(root.join("lessons/a.md"), root.join("a-again.md")).expect("a symlink");
        symlink(dir.path().join("outside.md"), root.join("lessons/z-out.md")).expect("a symlink");
        let root = root.canonicalize().expect("the pack's real path");

        let mut out = Vec::new();
        let files = discovered(&root, &mut out);
        let found: Vec<_> = files
            .iter()
            .map(|f| (f.relative.clone(), f.real.clone()))
            .collect();
        assert_eq!(
            found,
            [
                (PathBuf::from("a-again.md"), root.join("lessons/a.md")),
                (PathBuf::from("b.md"), root.join("b.md")),
                (PathBuf::from("lessons/a.md"), root.join("lessons/a.md")),
            ]
        );
        let problems: Vec<_> = out
            .iter()
            .map(|d| (d.site.file.clone(), d.problem.clone()))
            .collect();
        assert_eq!(
            problems,
            [(
                PathBuf::from("lessons/z-out.md"),
                Problem::LessonOutsidePack("lessons/z-out.md".to_string())
            )]
        );

        // A `lessons` folder that is a symlink out of the pack is refused whole; a symlink into the old one now
        // dangles, and is named as missing.
        std::fs::remove_dir_all(root.join("lessons")).expect("removed");
        symlink(dir.path().join("real-lessons"), root.join("lessons")).expect("a symlink");
        let mut out = Vec::new();
        discovered(&root, &mut out);
        assert_eq!(
            out.iter().map(|d| d.problem.clone()).collect::<Vec<_>>(),
            [
                Problem::LessonNotFound("a-again.md".to_string()),
                Problem::LessonOutsidePack("lessons".to_string())
            ]
        );
    }
}
