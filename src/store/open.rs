//! Opening the database. A new database is built under a private name beside the real one and linked into place
//! whole, so that nothing half-made (an empty file, a `-wal` or `-shm`) is ever seen under the real name or left
//! behind, and many morsels starting at once never see each other's schema half-written. An existing one is checked
//! (`PRAGMA quick_check`) before anything is written to it, then its version is read and its migrations applied in
//! one `BEGIN IMMEDIATE` transaction. Read-only commands open it read-only and create no file beside it. Before any
//! of that, `place` looks at the path: a link to nothing, a folder or a FIFO is refused, and nothing made or removed.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant, SystemTime};

use rusqlite::{Connection, ErrorCode, OpenFlags, TransactionBehavior};

use super::error::{FileState, StoreError, classify, read_only};
use super::place::{self, Place, SIDECARS, sibling};
use super::{BUSY_TIMEOUT, MIGRATIONS, SCHEMA_VERSION, Store};

/// Applied to every connection before it reads or writes; tests use it to make the disk look full.
pub(super) type Tune<'a> = &'a dyn Fn(&Connection) -> rusqlite::Result<()>;

fn no_tuning(_: &Connection) -> rusqlite::Result<()> {
    Ok(())
}

/// Size and modification time: if both are as before, the file was not written.
fn stamp(path: &Path) -> Option<(u64, SystemTime)> {
    let meta = std::fs::metadata(path).ok()?;
    Some((meta.len(), meta.modified().ok()?))
}

impl Store {
    /// Opens (or creates) the database at `path` and brings its schema up to date. A file that is not a morsel
    /// database, is damaged, or is from a newer morsel, is refused before anything is written to it.
    pub fn open(path: &Path) -> Result<Self, StoreError> {
        Self::open_with(path, &no_tuning)
    }

    pub(super) fn open_with(path: &Path, tune: Tune) -> Result<Self, StoreError> {
        // Refused before anything is made: a link to nothing, a folder, a FIFO (which would wait forever).
        let place = place::look(path)?;
        let made = make_parent(path)?;
        let (result, real) = match place {
            Place::Absent => (create(path, tune), path.to_path_buf()),
            Place::File { real } => (Ok(true), real),
        };
        let result = result.and_then(|linked| open_checked(path, &real, !linked, tune));
        if result.is_err() {
            // Folders made for a database that could not be made go again (only while empty).
            for dir in made.iter().rev() {
                let _ = std::fs::remove_dir(dir);
            }
        }
        result
    }

    /// A database in memory, touching no file: what `preview` plays against, so that an author's trying out a
    /// pack never writes to the learner's progress. Everything recorded is gone when it is dropped.
    pub fn in_memory() -> Result<Self, StoreError> {
        let path = PathBuf::from(":memory:");
        let conn = Connection::open_in_memory().map_err(|e| StoreError::Sqlite {
            path: path.clone(),
            detail: e.to_string(),
            state: FileState::InUse,
        })?;
        let store = Self {
            conn,
            path,
            claim: None,
        };
        store
            .conn
            .execute_batch("PRAGMA foreign_keys = ON")
            .and_then(|()| migrate(&store.conn, 0))
            .map_err(|e| store.error(e))?;
        Ok(store)
    }

    /// Opens the database read-only if the file exists; `None` if it does not, or holds no morsel data yet, so
    /// that `stats` and `list` create, change and leave behind nothing, and work in a folder they cannot write.
    pub(crate) fn open_read_only(path: &Path) -> Result<Option<Self>, StoreError> {
        let real = match place::look(path)? {
            Place::Absent => return Ok(None),
            Place::File { real } => real,
        };
        let error = |e: rusqlite::Error| classify(path, FileState::Untouched, &e);
        let flags = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let conn = if SIDECARS.iter().any(|s| sibling(&real, s).exists()) {
            // A morsel is running, or stopped without closing: SQLite reads through the files already there.
            Connection::open_with_flags(path, flags).map_err(error)?
        } else {
            // Everything committed is in the file itself (a morsel that closes folds its WAL back in and removes
            // it). Reading it as immutable takes no lock and creates no -wal or -shm, which a read-only WAL
            // connection would otherwise make and could not remove.
            Connection::open_with_flags(immutable_uri(path), flags | OpenFlags::SQLITE_OPEN_URI)
                .map_err(error)?
        };
        conn.busy_timeout(BUSY_TIMEOUT).map_err(error)?;
        let (version, tables) = version_and_tables(&conn).map_err(error)?;
        match check_version(path, version, tables) {
            Err(e) => Err(e),
            Ok(()) if version == 0 => Ok(None), // an empty file: nothing saved yet
            Ok(()) if version < SCHEMA_VERSION => Err(StoreError::TooOld {
                path: path.to_path_buf(),
                found: version,
            }),
            Ok(()) => Ok(Some(Self {
                conn,
                path: path.to_path_buf(),
                claim: None,
            })),
        }
    }
}

/// Creates the missing folders above `path`; returns the ones it made, outermost first.
fn make_parent(path: &Path) -> Result<Vec<PathBuf>, StoreError> {
    let mut missing = Vec::new();
    let mut dir = path.parent();
    while let Some(d) = dir.filter(|d| !d.as_os_str().is_empty() && !d.exists()) {
        missing.push(d.to_path_buf());
        dir = d.parent();
    }
    missing.reverse();
    if let Some(deepest) = missing.last() {
        std::fs::create_dir_all(deepest).map_err(|cause| StoreError::CreateDir {
            path: path.to_path_buf(),
            cause,
        })?;
    }
    Ok(missing)
}

/// Builds a new database under a private name and links it to `path` unless another morsel got there first. `Ok`
/// says whether `path` now exists: `false` when the file system has no hard links, and the caller creates in place.
fn create(path: &Path, tune: Tune) -> Result<bool, StoreError> {
    static COUNTER: AtomicU32 = AtomicU32::new(0);
    let name = path.file_name().unwrap_or_default().to_string_lossy();
    let private = path.with_file_name(format!(
        ".{name}.{}-{}.new",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed)
    ));
    let built = build(&private, tune).map_err(|e| classify(path, FileState::NotCreated, &e));
    let linked = built.and_then(|()| match std::fs::hard_link(&private, path) {
        Ok(()) => Ok(true),
        // Another morsel created it meanwhile: theirs is complete, use it.
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok(true),
        Err(e) if e.raw_os_error() == Some(28) => Err(StoreError::DiskFull {
            path: path.to_path_buf(),
            state: FileState::NotCreated,
        }),
        Err(_) => Ok(false),
    });
    for file in
        std::iter::once(private.clone()).chain(SIDECARS.iter().map(|s| sibling(&private, s)))
    {
        let _ = std::fs::remove_file(file);
    }
    linked
}

/// A complete, empty database in WAL mode at `path`, closed (so its WAL is folded back in and removed).
fn build(path: &Path, tune: Tune) -> rusqlite::Result<()> {
    let flags = OpenFlags::SQLITE_OPEN_READ_WRITE
        | OpenFlags::SQLITE_OPEN_CREATE
        | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let conn = Connection::open_with_flags(path, flags)?;
    tune(&conn)?;
    conn.execute_batch("PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL;")?;
    let tx = rusqlite::Transaction::new_unchecked(&conn, TransactionBehavior::Immediate)?;
    migrate(&tx, 0)?;
    tx.commit()?;
    conn.close().map_err(|(_, e)| e)
}

/// Opens an existing database read-write: reads the schema version, checks the file and migrates it in one
/// `BEGIN IMMEDIATE` transaction, then turns WAL on if it is not. With `in_place`, the file may be created here.
/// `real` is the file itself, through any links, beside which SQLite keeps its `-wal` and `-shm`: a refused start
/// looks there, and removes only what it made.
fn open_checked(path: &Path, real: &Path, in_place: bool, tune: Tune) -> Result<Store, StoreError> {
    let before = stamp(real);
    let sidecars_before: Vec<bool> = SIDECARS.iter().map(|s| sibling(real, s).exists()).collect();
    let mut flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    if in_place {
        flags |= OpenFlags::SQLITE_OPEN_CREATE;
    }
    let opened = Connection::open_with_flags(path, flags)
        .map_err(|e| classify(path, FileState::Untouched, &e))
        .and_then(|conn| refuse_read_only(path, conn))
        .and_then(|conn| match prepare(path, &conn, tune) {
            Ok(()) => Ok(conn),
            Err(e) => {
                drop(conn);
                Err(e)
            }
        });
    match opened {
        Ok(conn) => Ok(Store {
            conn,
            path: path.to_path_buf(),
            claim: None,
        }),
        Err(mut e) => {
            // The connection is closed, and SQLite has removed the -wal and -shm it made unless it could not (a full
            // disk) or another morsel uses them. Neither existed when this morsel came, so no morsel was using the
            // database then; an empty -wal holds nothing committed, and a -shm without its -wal serves nobody.
            let (wal, shm) = (sibling(real, "-wal"), sibling(real, "-shm"));
            if !sidecars_before[0] && !sidecars_before[1] {
                if std::fs::metadata(&wal).is_ok_and(|m| m.len() == 0) {
                    let _ = std::fs::remove_file(&wal);
                }
                if !wal.exists() {
                    let _ = std::fs::remove_file(&shm);
                }
            }
            let after = stamp(real);
            let state = if before.is_some() && after == before {
                FileState::Untouched
            } else if in_place && before.is_none() && after.is_none_or(|(len, _)| len == 0) {
                // Created in place (no hard links) and refused: an empty file is nobody's data. Only a file this
                // start made goes: never a link, or anything that was there before.
                if std::fs::symlink_metadata(real).is_ok_and(|m| m.file_type().is_file()) {
                    let _ = std::fs::remove_file(real);
                }
                FileState::NotCreated
            } else {
                FileState::Changed
            };
            e.set_state(state);
            Err(e)
        }
    }
}

/// SQLite opens a file it may not write read-only instead, and would then make a `-wal` and `-shm` at the first
/// read that, read-only, it cannot remove, and that would refuse the next start even once the file is writable
/// again. A connection that came out read-only is closed before it reads anything: nothing is left beside the file.
fn refuse_read_only(path: &Path, conn: Connection) -> Result<Connection, StoreError> {
    if conn.is_readonly(rusqlite::MAIN_DB).unwrap_or(false) {
        drop(conn);
        return Err(read_only(path, FileState::Untouched));
    }
    Ok(conn)
}

/// Everything between opening and the first record: settings, checks, migrations, WAL.
fn prepare(path: &Path, conn: &Connection, tune: Tune) -> Result<(), StoreError> {
    let error = |e: rusqlite::Error| classify(path, FileState::Untouched, &e);
    conn.busy_timeout(BUSY_TIMEOUT).map_err(error)?;
    tune(conn).map_err(error)?;
    // WAL lets a second terminal read while one writes; synchronous=FULL syncs every commit, so that a power cut
    // loses nothing that was committed. Neither writes to the file.
    conn.execute_batch("PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON;")
        .map_err(error)?;
    // Before the first write, in a read transaction that holds no other morsel up (it reads every page: 0.7 s for
    // a million answers): a file that is not ours, or a damaged page, is refused with the file as it was.
    {
        let tx = rusqlite::Transaction::new_unchecked(conn, TransactionBehavior::Deferred)
            .map_err(error)?;
        let (version, tables) = version_and_tables(&tx).map_err(error)?;
        check_version(path, version, tables)?;
        if let Some(first) = quick_check(&tx).map_err(error)? {
            return Err(StoreError::Damaged {
                path: path.to_path_buf(),
                detail: format!("integrity check: {first}"),
                state: FileState::Untouched,
            });
        }
    }
    // One transaction from reading the version to the last migration, holding the write lock: another morsel
    // starting at the same moment waits, then finds the schema complete.
    let tx = rusqlite::Transaction::new_unchecked(conn, TransactionBehavior::Immediate)
        .map_err(error)?;
    let (version, tables) = version_and_tables(&tx).map_err(error)?;
    check_version(path, version, tables)?;
    migrate(&tx, version).map_err(error)?;
    tx.commit().map_err(error)?;
    let mode: String = conn
        .query_row("PRAGMA journal_mode", [], |r| r.get(0))
        .map_err(error)?;
    if !mode.eq_ignore_ascii_case("wal") {
        to_wal(conn).map_err(error)?;
    }
    Ok(())
}

/// `PRAGMA user_version` and the number of entries in the schema, which reads the schema page: a file whose
/// header survived but whose first page did not is found out here.
fn version_and_tables(conn: &Connection) -> rusqlite::Result<(i64, i64)> {
    let version = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    let tables = conn.query_row("SELECT count(*) FROM sqlite_master", [], |r| r.get(0))?;
    Ok((version, tables))
}

fn check_version(path: &Path, version: i64, tables: i64) -> Result<(), StoreError> {
    let path = path.to_path_buf();
    let state = FileState::Untouched;
    if version == 0 && tables > 0 {
        // Another program's SQLite database (tables, but no morsel schema version) is not ours to change.
        Err(StoreError::NotADatabase { path, state })
    } else if version < 0 {
        Err(StoreError::UnknownVersion {
            path,
            found: version,
            state,
        })
    } else if version > SCHEMA_VERSION {
        Err(StoreError::TooNew {
            path,
            found: version,
            state,
        })
    } else {
        Ok(())
    }
}

/// The first problem `PRAGMA quick_check` finds, if any.
fn quick_check(conn: &Connection) -> rusqlite::Result<Option<String>> {
    let first: String = conn.query_row("PRAGMA quick_check(1)", [], |r| r.get(0))?;
    // "*** in database main ***\nTree 7 page 7: …" on one line, without the banner.
    let lines: Vec<&str> = first
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with("***"))
        .collect();
    Ok((first != "ok").then(|| lines.join("; ")))
}

/// Applies the migrations after `version`, each with its version bump, inside the caller's transaction.
fn migrate(conn: &Connection, version: i64) -> rusqlite::Result<()> {
    let done = usize::try_from(version).unwrap_or(0);
    for (index, sql) in MIGRATIONS.iter().enumerate().skip(done) {
        conn.execute_batch(sql)?;
        conn.pragma_update(None, "user_version", index as i64 + 1)?;
    }
    Ok(())
}

/// Turns WAL on. Switching needs the file to itself, and SQLite answers "busy" at once rather than wait when
/// another connection is reading, so this waits as the busy timeout would.
fn to_wal(conn: &Connection) -> rusqlite::Result<()> {
    let start = Instant::now();
    loop {
        match conn.query_row("PRAGMA journal_mode = WAL", [], |r| r.get::<_, String>(0)) {
            Err(e)
                if e.sqlite_error_code() == Some(ErrorCode::DatabaseBusy)
                    && start.elapsed() < BUSY_TIMEOUT =>
            {
                std::thread::sleep(Duration::from_millis(5));
            }
            other => return other.map(drop),
        }
    }
}

/// A `file:` URI for `path` with `immutable=1`, every byte outside the unreserved set percent-encoded.
fn immutable_uri(path: &Path) -> String {
    let absolute = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    #[cfg(unix)]
    let bytes = std::os::unix::ffi::OsStrExt::as_bytes(absolute.as_os_str()).to_vec();
    #[cfg(not(unix))]
    let bytes = absolute.to_string_lossy().replace('\\', "/").into_bytes();
    let mut uri = String::from(if bytes.first() == Some(&b'/') {
        "file://"
    } else {
        "file:///"
    });
    uri.push_str(&crate::text::percent::path_bytes(&bytes));
    uri.push_str("?immutable=1");
    uri
}

impl StoreError {
    fn set_state(&mut self, new: FileState) {
        match self {
            StoreError::NotADatabase { state, .. }
            | StoreError::Damaged { state, .. }
            | StoreError::TooNew { state, .. }
            | StoreError::UnknownVersion { state, .. }
            | StoreError::DiskFull { state, .. }
            | StoreError::ReadOnly { state, .. }
            | StoreError::Sqlite { state, .. } => *state = new,
            StoreError::TooOld { .. }
            | StoreError::CreateDir { .. }
            | StoreError::TakenOver { .. }
            | StoreError::DanglingLink { .. }
            | StoreError::NotAFile { .. } => {}
        }
    }
}
