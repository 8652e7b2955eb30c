//! What is at the database path, looked at (`lstat`, `stat`, `readlink`) before SQLite opens anything: opening a
//! FIFO waits for a writer forever, and SQLite opening a symbolic link to nothing would create a file where the link
//! points, or fail in a way that cleanup cannot tell from a file it made. So a path is a regular file (through any
//! links), or absent; a link to nothing, or anything else (a folder, a FIFO, a device, a socket), is refused here,
//! with nothing created, removed or opened. The same holds for the `-wal`, `-shm` and `-journal` beside it.

use std::fs::FileType;
use std::io::ErrorKind;
use std::path::{Path, PathBuf};

use super::StoreError;

/// `path` with `suffix` appended to its file name: `progress.db-wal`.
pub(super) fn sibling(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(suffix);
    PathBuf::from(name)
}

/// The files SQLite keeps beside a database.
pub(super) const SIDECARS: [&str; 3] = ["-wal", "-shm", "-journal"];

/// A database path that may be opened.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Place {
    /// Nothing is there (and no link to nothing leads there): the commands that create may create it.
    Absent,
    /// A regular file. `real` is the file itself, through any links: SQLite keeps its `-wal`, `-shm` and `-journal`
    /// beside the file a link points at, so they are looked for there.
    File { real: PathBuf },
}

/// Looks at `path` without opening it: `Absent`, a regular file, or the refusal that names what is wrong.
pub(super) fn look(path: &Path) -> Result<Place, StoreError> {
    let own = match std::fs::symlink_metadata(path) {
        Ok(meta) => meta,
        Err(e) if e.kind() == ErrorKind::NotFound => {
            dangling_folder(path)?;
            return Ok(Place::Absent);
        }
        // Not to be told here (a folder that may not be read, a file where a folder should be): SQLite, or the
        // making of the folder, says what it finds.
        Err(_) => return Ok(Place::Absent),
    };
    let real = if own.file_type().is_symlink() {
        match std::fs::metadata(path) {
            Ok(_) => path.canonicalize().unwrap_or_else(|_| path.to_path_buf()),
            Err(e) => return Err(dangling(path, path, &e)),
        }
    } else {
        path.to_path_buf()
    };
    check_kind(path, &real, path)?;
    for suffix in SIDECARS {
        let beside = sibling(&real, suffix);
        if std::fs::symlink_metadata(&beside).is_ok() {
            check_kind(path, &beside, &beside)?;
        }
    }
    Ok(Place::File { real })
}

/// Refuses `file` (the database at `path`, or a file beside it) unless it is a regular file through any links.
fn check_kind(path: &Path, file: &Path, named: &Path) -> Result<(), StoreError> {
    let Ok(meta) = std::fs::metadata(file) else {
        // A link beside the database to nothing: SQLite would create the file it points at, which is harmless.
        return Ok(());
    };
    match kind(&meta.file_type()) {
        None => Ok(()),
        Some(kind) => Err(StoreError::NotAFile {
            path: path.to_path_buf(),
            what: named.to_path_buf(),
            kind,
        }),
    }
}

/// What a file that is not a regular file is, in words: `None` for a regular file.
fn kind(file_type: &FileType) -> Option<&'static str> {
    if file_type.is_file() {
        return None;
    }
    if file_type.is_dir() {
        return Some("a folder");
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if file_type.is_fifo() {
            return Some("a named pipe (FIFO)");
        }
        if file_type.is_socket() {
            return Some("a socket");
        }
        if file_type.is_block_device() || file_type.is_char_device() {
            return Some("a device");
        }
    }
    Some("not a file")
}

/// Refuses `path` when one of the folders above it is a link to nothing (a drive not mounted yet): making the
/// folders would fail on it, or worse, make them where the drive should be.
fn dangling_folder(path: &Path) -> Result<(), StoreError> {
    for folder in path.ancestors().skip(1) {
        if folder.as_os_str().is_empty() {
            break;
        }
        match std::fs::symlink_metadata(folder) {
            Ok(meta) if meta.file_type().is_symlink() => {
                return match std::fs::metadata(folder) {
                    Ok(_) => Ok(()),
                    Err(e) => Err(dangling(path, folder, &e)),
                };
            }
            // The nearest folder that exists decides: the ones above it are reached through it.
            Ok(_) => return Ok(()),
            Err(_) => {}
        }
    }
    Ok(())
}

/// The refusal of a link that leads nowhere: to nothing (`NotFound`), or round in a loop.
fn dangling(path: &Path, link: &Path, error: &std::io::Error) -> StoreError {
    let why = if error.kind() == ErrorKind::NotFound {
        "which does not exist; mount it or fix the link".to_string()
    } else {
        format!("which cannot be reached ({error}); fix the link")
    };
    StoreError::DanglingLink {
        path: path.to_path_buf(),
        link: link.to_path_buf(),
        target: last_target(link),
        why,
    }
}

/// Where a chain of links starting at `link` ends: the target of its last link, as that link says it (joined to the
/// link's folder when it is not the first, so that it reads from here).
fn last_target(link: &Path) -> PathBuf {
    let mut current = link.to_path_buf();
    let mut shown = PathBuf::new();
    // Linux follows at most 40 links in a path; a longer chain is a loop.
    for hop in 0..40 {
        let Ok(next) = std::fs::read_link(&current) else {
            break;
        };
        let full = current
            .parent()
            .map_or_else(|| next.clone(), |p| p.join(&next));
        shown = if hop == 0 { next } else { full.clone() };
        if !std::fs::symlink_metadata(&full).is_ok_and(|m| m.file_type().is_symlink()) {
            break;
        }
        current = full;
    }
    shown
}
