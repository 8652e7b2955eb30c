//! What can go wrong with the progress database, in words a learner can act on. Each message names the file
//! (through `text::sanitize`), says its cause once (no `#[source]` chain that `{:#}` would print a second time,
//! and never SQL text), and claims the file was left untouched only when it was.

use std::fmt;
use std::path::{Path, PathBuf};

use rusqlite::ErrorCode;

use super::SCHEMA_VERSION;
use crate::text::sanitize;

/// What became of a file that was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileState {
    /// Its size and modification time are what they were before morsel opened it, and no file was left beside it.
    Untouched,
    /// Something changed it while morsel tried (another program, or SQLite finishing an earlier interrupted write).
    Changed,
    /// It did not exist, and still does not: nothing was left behind.
    NotCreated,
    /// The error came while recording, after the file was in use: nothing is claimed about it.
    InUse,
}

impl fmt::Display for FileState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FileState::Untouched => f.write_str("; it was left untouched"),
            FileState::Changed => f.write_str("; it changed while morsel opened it"),
            FileState::NotCreated => f.write_str("; nothing was created"),
            FileState::InUse => Ok(()),
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error(
        "{}: not a morsel progress database (it is not SQLite, or it belongs to another program){state}. Move it aside, or choose another file with --db",
        shown(path)
    )]
    NotADatabase { path: PathBuf, state: FileState },
    #[error(
        "{}: the progress database is damaged ({detail}){state}. Move it aside (or restore a copy), or choose another file with --db",
        shown(path)
    )]
    Damaged {
        path: PathBuf,
        detail: String,
        state: FileState,
    },
    #[error(
        "{}: written by a newer morsel (schema {found}; this morsel knows up to {SCHEMA_VERSION}){state}. Update morsel to use it",
        shown(path)
    )]
    TooNew {
        path: PathBuf,
        found: i64,
        state: FileState,
    },
    #[error(
        "{}: unknown schema version {found} (this morsel expects 0 to {SCHEMA_VERSION}){state}. Move it aside, or choose another file with --db",
        shown(path)
    )]
    UnknownVersion {
        path: PathBuf,
        found: i64,
        state: FileState,
    },
    #[error(
        "{}: written by an older morsel (schema {found}, this morsel uses {SCHEMA_VERSION}); `morsel play` upgrades it, read-only commands do not",
        shown(path)
    )]
    TooOld { path: PathBuf, found: i64 },
    #[error(
        "{}: disk full: no space left on the device to write the progress database{state}. Free some space, or choose another file with --db",
        shown(path)
    )]
    DiskFull { path: PathBuf, state: FileState },
    #[error(
        "{}: cannot write the progress database: {}{state}. Make it writable, or choose another file with --db",
        shown(path),
        blocking(path, blocker)
    )]
    ReadOnly {
        path: PathBuf,
        /// What refuses writes: the database, a `-wal` or `-shm` beside it, or its folder.
        blocker: PathBuf,
        state: FileState,
    },
    #[error("{}: cannot create its folder: {cause}", shown(path))]
    CreateDir {
        path: PathBuf,
        cause: std::io::Error,
    },
    /// Another player took over the course this one held: nothing more is written by this one.
    #[error(
        "{} was taken over in another terminal ({}); your progress up to here is saved, and this one saves nothing more",
        sanitize(course),
        sanitize(by)
    )]
    TakenOver { course: String, by: String },
    /// The database path, or a folder above it, is a symbolic link that leads nowhere (to a drive not mounted yet,
    /// say): refused before anything is made, and the link is kept.
    #[error(
        "{}: {} points at {}, {why}; nothing was created or removed",
        shown(path),
        link_named(path, link),
        shown(target)
    )]
    DanglingLink {
        path: PathBuf,
        /// The link: the path itself, or one of its folders.
        link: PathBuf,
        /// Where the link (or the last of a chain of links) points.
        target: PathBuf,
        /// "which does not exist; …", or why it cannot be reached.
        why: String,
    },
    /// The database path, or a `-wal`, `-shm` or `-journal` beside it, is not a regular file (a folder, a FIFO, a
    /// device, a socket): refused before it is opened, which for a FIFO would wait forever.
    #[error(
        "{}: {} {kind}, not a regular file; --db names the database file (or where to make one). Nothing was opened",
        shown(path),
        what_named(path, what)
    )]
    NotAFile {
        path: PathBuf,
        /// The path, or the file beside it that is not a regular file.
        what: PathBuf,
        /// "a folder", "a named pipe (FIFO)", "a device", "a socket".
        kind: &'static str,
    },
    #[error("{}: {detail}{state}", shown(path))]
    Sqlite {
        path: PathBuf,
        detail: String,
        state: FileState,
    },
}

fn shown(path: &Path) -> String {
    sanitize(&path.display().to_string()).into_owned()
}

/// "the link", or "its folder X, a link,".
fn link_named(path: &Path, link: &Path) -> String {
    if link == path {
        "the link".to_string()
    } else {
        format!("its folder {}, a link,", shown(link))
    }
}

/// "it is", or "X beside it is".
fn what_named(path: &Path, what: &Path) -> String {
    if what == path {
        "it is".to_string()
    } else {
        format!("{} beside it is", shown(what))
    }
}

/// `the file is read-only`, or the file beside it or the folder that is.
fn blocking(path: &Path, blocker: &Path) -> String {
    if blocker == path {
        "the file is read-only".to_string()
    } else if Some(blocker) == path.parent() || blocker == Path::new(".") {
        format!("its folder {} is read-only", shown(blocker))
    } else {
        format!("{} beside it is read-only", shown(blocker))
    }
}

/// The refusal of a database that cannot be written, naming what blocks it: the first of the file, its `-wal` and
/// its `-shm` that this process cannot open for writing, else its folder (where SQLite creates those two).
pub(super) fn read_only(path: &Path, state: FileState) -> StoreError {
    StoreError::ReadOnly {
        path: path.to_path_buf(),
        blocker: blocker(path).unwrap_or_else(|| folder(path).to_path_buf()),
        state,
    }
}

fn folder(path: &Path) -> &Path {
    path.parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."))
}

/// The file of the database (or beside it) that this process may not write, if any; opening it for writing, which
/// changes nothing, is the test that holds for every user (permissions, owners, a read-only mount). A folder is
/// named when its permissions say it refuses writes.
fn blocker(path: &Path) -> Option<PathBuf> {
    let refuses = |p: &Path| {
        std::fs::OpenOptions::new()
            .write(true)
            .open(p)
            .is_err_and(|e| e.kind() != std::io::ErrorKind::NotFound)
    };
    let beside = |suffix: &str| {
        let mut name = path.as_os_str().to_owned();
        name.push(suffix);
        PathBuf::from(name)
    };
    [path.to_path_buf(), beside("-wal"), beside("-shm")]
        .into_iter()
        .find(|p| refuses(p))
        .or_else(|| {
            let dir = folder(path);
            std::fs::metadata(dir)
                .is_ok_and(|m| m.permissions().readonly())
                .then(|| dir.to_path_buf())
        })
}

/// SQLite's own words for an error, once, without the SQL it was running.
pub(super) fn describe(e: &rusqlite::Error) -> String {
    match e {
        rusqlite::Error::SqliteFailure(_, Some(msg))
        | rusqlite::Error::SqlInputError { msg, .. } => msg.clone(),
        rusqlite::Error::SqliteFailure(err, None) => err.to_string(),
        other => other.to_string(),
    }
}

/// Names the errors a learner can act on; the rest keep SQLite's own words, with the path.
pub(super) fn classify(path: &Path, state: FileState, e: &rusqlite::Error) -> StoreError {
    let path = path.to_path_buf();
    let Some(code) = e.sqlite_error_code() else {
        return StoreError::Sqlite {
            path,
            detail: describe(e),
            state,
        };
    };
    // SQLITE_IOERR_SHMSIZE: the shared-memory index beside the database could not grow, which on Linux means the
    // file system is full (SQLite reports a full disk there as an I/O error).
    let shm_size = matches!(e, rusqlite::Error::SqliteFailure(err, _)
        if err.extended_code == rusqlite::ffi::SQLITE_IOERR_SHMSIZE);
    match code {
        ErrorCode::NotADatabase => StoreError::NotADatabase { path, state },
        ErrorCode::DatabaseCorrupt => StoreError::Damaged {
            path,
            detail: describe(e),
            state,
        },
        ErrorCode::DiskFull => StoreError::DiskFull { path, state },
        ErrorCode::SystemIoFailure if shm_size => StoreError::DiskFull { path, state },
        ErrorCode::ReadOnly => read_only(&path, state),
        ErrorCode::CannotOpen if path.is_dir() => StoreError::Sqlite {
            path,
            detail: "it is a folder; --db names the database file".to_string(),
            state,
        },
        ErrorCode::CannotOpen if blocker(&path).is_some() => read_only(&path, state),
        _ => StoreError::Sqlite {
            path,
            detail: describe(e),
            state,
        },
    }
}
