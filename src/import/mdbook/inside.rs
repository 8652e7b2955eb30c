//! Paths of the book resolved without ever looking outside it. Symbolic links are followed here, one component at a
//! time, rather than by `canonicalize`: a path or a link that leads outside the book is refused by what it says,
//! before anything outside is looked at, so that a message never tells whether a file outside the book exists.
//! What is inside is then read as lesson files are read (`pack::source::read_regular`: a regular file of at most
//! 8 MiB, a FIFO or a device refused before it is opened).

use std::collections::VecDeque;
use std::ffi::OsString;
use std::fs::FileType;
use std::path::{Component, Path, PathBuf};

use crate::pack::source::{ReadError, read_regular};

/// How many symbolic links one path may go through, as Linux allows.
const MAX_LINKS: usize = 40;

/// Why a path of the book cannot be used.
#[derive(Debug, thiserror::Error)]
pub(crate) enum Refused {
    /// The path, or a link on its way, leads outside the book: whether anything is there is not looked at.
    #[error("it is outside the book")]
    Outside,
    #[error("it does not exist")]
    Absent,
    #[error("it goes through more than {MAX_LINKS} symbolic links")]
    Links,
    /// Something other than a regular file: what it is.
    #[error("it is {0}, not a file, so it is not read")]
    NotAFile(&'static str),
    #[error("it is larger than the limit of {} MiB, so it is not read", crate::pack::source::MAX_FILE_BYTES >> 20)]
    TooLarge,
    #[error("it is not UTF-8 text")]
    NotText,
    #[error("it cannot be read: {0}")]
    Io(std::io::Error),
}

/// The real path of what `path` names, `root` being the book's real (canonical) folder: every symbolic link on the
/// way is followed, and must lead to a path inside `root` by its own words. Nothing outside `root` is looked at.
pub(crate) fn resolve(root: &Path, path: &Path) -> Result<PathBuf, Refused> {
    let rest = path.strip_prefix(root).map_err(|_| Refused::Outside)?;
    let mut todo: VecDeque<OsString> = VecDeque::new();
    push_front(&mut todo, rest)?;
    let mut real = root.to_path_buf();
    let mut links = 0;
    while let Some(part) = todo.pop_front() {
        if part == ".." {
            // `real` has no link in it, so its parent is the real one; the root's parent is outside.
            if real == root {
                return Err(Refused::Outside);
            }
            real.pop();
            continue;
        }
        let next = real.join(&part);
        let metadata = match std::fs::symlink_metadata(&next) {
            Ok(metadata) => metadata,
            // Absent, or a component before it is a file.
            Err(e)
                if matches!(
                    e.kind(),
                    std::io::ErrorKind::NotFound | std::io::ErrorKind::NotADirectory
                ) =>
            {
                return Err(Refused::Absent);
            }
            Err(e) => return Err(Refused::Io(e)),
        };
        if !metadata.file_type().is_symlink() {
            real = next;
            continue;
        }
        links += 1;
        if links > MAX_LINKS {
            return Err(Refused::Links);
        }
        let target = std::fs::read_link(&next).map_err(Refused::Io)?;
        if target.is_absolute() {
            let inside = target.strip_prefix(root).map_err(|_| Refused::Outside)?;
            push_front(&mut todo, inside)?;
            real = root.to_path_buf();
        } else {
            push_front(&mut todo, &target)?;
        }
    }
    Ok(real)
}

/// Puts the components of the relative path `path` before those still to follow.
fn push_front(todo: &mut VecDeque<OsString>, path: &Path) -> Result<(), Refused> {
    let mut parts = Vec::new();
    for component in path.components() {
        match component {
            Component::Normal(name) => parts.push(name.to_os_string()),
            Component::ParentDir => parts.push(OsString::from("..")),
            Component::CurDir => {}
            Component::RootDir | Component::Prefix(_) => return Err(Refused::Outside),
        }
    }
    for part in parts.into_iter().rev() {
        todo.push_front(part);
    }
    Ok(())
}

/// Reads the file `path` names as text, refusing one outside the book (`root`, real), one that is not a regular
/// file, and one over the pack's limit for a file: its real path and its text.
pub(crate) fn read(root: &Path, path: &Path) -> Result<(PathBuf, String), Refused> {
    let real = resolve(root, path)?;
    let bytes = read_regular(&real).map_err(|e| match e {
        ReadError::NotAFile => Refused::NotAFile(kind_at(&real)),
        ReadError::TooLarge => Refused::TooLarge,
        ReadError::Io(e) => Refused::Io(e),
    })?;
    let text = String::from_utf8(bytes).map_err(|_| Refused::NotText)?;
    Ok((real, text))
}

/// What the real path `real` (inside the book) holds, in words: "a folder", "a FIFO"…
fn kind_at(real: &Path) -> &'static str {
    std::fs::symlink_metadata(real).map_or("not readable", |m| kind(m.file_type()))
}

/// What the real path `real` (inside the book) holds, in words, when it is not a regular file.
pub(crate) fn not_a_file(real: &Path) -> Option<&'static str> {
    match std::fs::symlink_metadata(real) {
        Ok(metadata) if metadata.is_file() => None,
        Ok(metadata) => Some(kind(metadata.file_type())),
        Err(_) => Some("not readable"),
    }
}

/// A file type in words.
pub(crate) fn kind(file_type: FileType) -> &'static str {
    if file_type.is_dir() {
        return "a folder";
    }
    if file_type.is_symlink() {
        return "a symbolic link";
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt as _;
        if file_type.is_fifo() {
            return "a FIFO";
        }
        if file_type.is_socket() {
            return "a socket";
        }
        if file_type.is_block_device() || file_type.is_char_device() {
            return "a device";
        }
    }
    if file_type.is_file() {
        "a file"
    } else {
        "not a regular file"
    }
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use std::os::unix::fs::symlink;

    #[test]
    fn links_are_followed_inside_and_refused_outside_without_looking() {
        let dir = tempfile::tempdir().unwrap();
        let top = dir.path().canonicalize().unwrap();
        let root = top.join("book");
        std::fs::create_dir_all(root.join("src/sub")).unwrap();
        std::fs::write(root.join("src/a.md"), "a").unwrap();
        std::fs::write(top.join("secret"), "s").unwrap();
        symlink("../a.md", root.join("src/sub/rel")).unwrap();
        symlink(root.join("src"), root.join("abs")).unwrap();
        symlink("../../secret", root.join("src/out")).unwrap();
        symlink("../../nothing", root.join("src/gone")).unwrap();
        symlink(top.join("secret"), root.join("src/abs-out")).unwrap();
        symlink("loop", root.join("loop")).unwrap();

        let real = root.join("src/a.md");
        assert_eq!(resolve(&root, &root.join("src/sub/rel")).unwrap(), real);
        assert_eq!(resolve(&root, &root.join("abs/sub/../a.md")).unwrap(), real);
        assert_eq!(
            resolve(&root, &root.join("src/sub/rel/../a.md")).unwrap(),
            real
        );
        // Outside, present or absent: the same answer.
        for path in [
            "src/out",
            "src/gone",
            "src/abs-out",
            "../secret",
            "../nothing",
        ] {
            let got = resolve(&root, &root.join(path));
            assert!(matches!(got, Err(Refused::Outside)), "{path}: {got:?}");
        }
        assert!(matches!(
            resolve(&root, Path::new("/etc/passwd")),
            Err(Refused::Outside)
        ));
        assert!(matches!(
            resolve(&root, &root.join("src/b.md")),
            Err(Refused::Absent)
        ));
        assert!(matches!(
            resolve(&root, &root.join("src/a.md/x")),
            Err(Refused::Absent)
        ));
        assert!(matches!(
            resolve(&root, &root.join("loop")),
            Err(Refused::Links)
        ));
    }
}
