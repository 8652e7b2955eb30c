//! One sync of a database at a time: an exclusive lock (`flock`) on a file beside the database
//! (`progress.db-sync.lock`), held from before reading what was sent to after the last batch is marked. The
//! operating system lets go of it when its process ends in any way, `kill -9` included, so a crashed sync never
//! leaves a lock behind to be guessed stale; and, unlike a SQLite write transaction, holding it across the network
//! waits keeps no player from saving. A second sync waits for the first, at most `MAX_WAIT`, then leaves saying so.

use std::fs::{File, OpenOptions, TryLockError};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// The longest a sync waits for another one: more than another sync's own bound on retries.
const MAX_WAIT: Duration = Duration::from_secs(300);

/// How often a waiting sync looks again.
const POLL: Duration = Duration::from_millis(50);

/// The lock, released when dropped (or when the process ends).
#[derive(Debug)]
pub(crate) struct SyncLock {
    _file: File,
}

/// Why there is no lock.
#[derive(Debug, thiserror::Error)]
pub(crate) enum LockError {
    #[error(
        "another `morsel sync` of this database has been under way for {} s; try again when it is done (lock file {path})",
        waited.as_secs()
    )]
    Busy { path: String, waited: Duration },
    #[error("cannot open the sync lock file {path}: {reason}")]
    Io { path: String, reason: String },
}

/// The lock file of the database at `db`.
pub(crate) fn path_for(db: &Path) -> PathBuf {
    let mut name = db.file_name().unwrap_or_default().to_os_string();
    name.push("-sync.lock");
    db.with_file_name(name)
}

/// Takes the lock of the database at `db`; `waiting` is called once if another sync holds it.
pub(crate) fn take(db: &Path, waiting: impl FnOnce()) -> Result<SyncLock, LockError> {
    let path = path_for(db);
    let shown = || crate::text::sanitize(&path.display().to_string()).into_owned();
    let file = OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&path)
        .map_err(|e| LockError::Io {
            path: shown(),
            reason: e.to_string(),
        })?;
    let start = Instant::now();
    let mut waiting = Some(waiting);
    loop {
        match file.try_lock() {
            Ok(()) => return Ok(SyncLock { _file: file }),
            Err(TryLockError::WouldBlock) => {
                if let Some(say) = waiting.take() {
                    say();
                }
                if start.elapsed() > MAX_WAIT {
                    return Err(LockError::Busy {
                        path: shown(),
                        waited: start.elapsed(),
                    });
                }
                std::thread::sleep(POLL);
            }
            Err(TryLockError::Error(e)) => {
                return Err(LockError::Io {
                    path: shown(),
                    reason: e.to_string(),
                });
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_taker_waits_until_the_first_lets_go() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("p.db");
        assert_eq!(path_for(&db), dir.path().join("p.db-sync.lock"));
        let first = take(&db, || panic!("nobody holds it yet")).unwrap();
        let (said, heard) = std::sync::mpsc::channel();
        let db2 = db.clone();
        let second = std::thread::spawn(move || take(&db2, || said.send(()).unwrap()).map(|_| ()));
        heard.recv().unwrap();
        drop(first);
        second.join().unwrap().unwrap();
    }
}
