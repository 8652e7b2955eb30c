//! Two terminals on one course: the heartbeat row. A player claims the course it opens (`claims`: pid, host, a
//! random token, when it started and its last beat), beats every few seconds and releases it when it closes. A
//! claim whose beat is older than `STALE_AFTER_MS`, or whose process is gone from this host (or is a zombie), is
//! stale and taken silently; a live one is the learner's to take over or leave. Once another player has taken the
//! course over, every write of this one is refused (`Store::record` checks the token in the write's own
//! transaction), so the newer position is never overwritten. The domain knows nothing of this: only the store and
//! the apps do.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use rusqlite::{Connection, OpenFlags, OptionalExtension, TransactionBehavior, params};

use super::{BUSY_TIMEOUT, Store, StoreError};

/// A claim whose last beat is older than this is stale: its player is gone (or asleep) and it is taken silently.
pub(crate) const STALE_AFTER_MS: i64 = 15_000;

/// How often a player beats: well inside `STALE_AFTER_MS`, so that a busy disk does not make a live claim stale.
pub(crate) const BEAT_EVERY: Duration = Duration::from_secs(4);

/// The player that holds a course now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Holder {
    pub(crate) pid: u32,
    pub(crate) host: String,
    pub(crate) started_at: i64,
    pub(crate) beat_at: i64,
}

impl Holder {
    /// "pid 1234, since 14:02" (with the host when it is another computer), the time in the learner's zone.
    pub(crate) fn describe(&self, utc_offset_min: i32) -> String {
        let local = self.started_at.div_euclid(60_000) + i64::from(utc_offset_min);
        let (hours, minutes) = (local.div_euclid(60).rem_euclid(24), local.rem_euclid(60));
        let host = if self.host == host_name() {
            String::new()
        } else {
            format!(" on {}", self.host)
        };
        format!("pid {}{host}, since {hours:02}:{minutes:02}", self.pid)
    }
}

/// What claiming a course found.
#[derive(Debug, Clone, PartialEq, Eq)]
#[must_use]
pub(crate) enum Claim {
    /// This player holds the course now (it was free, stale, or taken over).
    Held,
    /// Another live player holds it: nothing changed; ask the learner.
    Busy(Holder),
}

/// What a beat found.
#[derive(Debug, Clone, PartialEq, Eq)]
#[must_use]
pub(crate) enum Beat {
    /// Nothing is claimed (or it is not time to beat yet): nothing to do.
    Idle,
    /// Still this player's.
    Kept,
    /// Another player has taken the course over (`None`: it has closed since).
    Lost(Option<Holder>),
}

/// The claim this store holds: checked before every write.
#[derive(Debug)]
pub(super) struct Held {
    course_id: String,
    token: String,
    /// Another player took it over: every write is refused until it is released.
    lost: bool,
    last_beat: Instant,
}

impl Store {
    /// Claims `course_id` for this player at `now`. A free or stale claim is taken; a live one of another player is
    /// taken only with `take_over`, else `Claim::Busy` says whose it is. An in-memory store (preview) claims nothing.
    pub(crate) fn claim(
        &mut self,
        course_id: &str,
        now: i64,
        take_over: bool,
    ) -> Result<Claim, StoreError> {
        if self.is_in_memory() {
            return Ok(Claim::Held);
        }
        let token = match &self.claim {
            // Claiming again (after the prompt) keeps the token of a claim this player still has.
            Some(held) if held.course_id == course_id && !held.lost => held.token.clone(),
            // Another course held before: it is given up first.
            Some(_) => {
                self.release()?;
                new_token()
            }
            None => new_token(),
        };
        self.claim = None;
        let result = (|| -> rusqlite::Result<Claim> {
            let tx = self
                .conn
                .transaction_with_behavior(TransactionBehavior::Immediate)?;
            if let Some((holder, theirs)) = holder(&tx, course_id)?
                && theirs != token
                && !take_over
                && is_live(&holder, now)
            {
                return Ok(Claim::Busy(holder));
            }
            tx.prepare_cached(
                "INSERT INTO claims (course_id, pid, host, token, started_at, beat_at) VALUES (?1, ?2, ?3, ?4, ?5, ?5)
                 ON CONFLICT (course_id) DO UPDATE SET pid = excluded.pid, host = excluded.host,
                     token = excluded.token, started_at = excluded.started_at, beat_at = excluded.beat_at",
            )?
            .execute(params![course_id, std::process::id(), host_name(), token, now])?;
            tx.commit()?;
            Ok(Claim::Held)
        })();
        let claim = result.map_err(|e| self.error(e))?;
        if claim == Claim::Held {
            self.claim = Some(Held {
                course_id: course_id.to_string(),
                token,
                lost: false,
                last_beat: Instant::now(),
            });
        }
        Ok(claim)
    }

    /// Refreshes the claim's beat at `now`, and finds out whether another player has taken the course over.
    pub(crate) fn beat(&mut self, now: i64) -> Result<Beat, StoreError> {
        let Some(held) = &mut self.claim else {
            return Ok(Beat::Idle);
        };
        held.last_beat = Instant::now();
        let beaten = self
            .conn
            .prepare_cached("UPDATE claims SET beat_at = ?3 WHERE course_id = ?1 AND token = ?2")
            .and_then(|mut s| s.execute(params![held.course_id, held.token, now]));
        match beaten {
            Ok(1) => Ok(Beat::Kept),
            Ok(_) => {
                held.lost = true;
                let course = held.course_id.clone();
                let holder = holder(&self.conn, &course).map_err(|e| self.error(e))?;
                Ok(Beat::Lost(holder.map(|(h, _)| h)))
            }
            Err(e) => Err(self.error(e)),
        }
    }

    /// `beat`, once `BEAT_EVERY` has passed since the last one (the TUI asks on every one-second tick).
    pub(crate) fn beat_if_due(&mut self, now: i64) -> Result<Beat, StoreError> {
        match &self.claim {
            Some(held) if !held.lost && held.last_beat.elapsed() >= BEAT_EVERY => self.beat(now),
            Some(held) if held.lost => Ok(Beat::Lost(None)),
            _ => Ok(Beat::Idle),
        }
    }

    /// Gives the claim up (a player closing, or one that lost it): deletes the row only if it is still this
    /// player's, and lets writes through again.
    pub(crate) fn release(&mut self) -> Result<(), StoreError> {
        let Some(held) = self.claim.take() else {
            return Ok(());
        };
        self.conn
            .prepare_cached("DELETE FROM claims WHERE course_id = ?1 AND token = ?2")
            .and_then(|mut s| s.execute(params![held.course_id, held.token]))
            .map(drop)
            .map_err(|e| self.error(e))
    }

    /// Who holds `course_id` now, if anyone.
    pub(crate) fn holder_of(&self, course_id: &str) -> Result<Option<Holder>, StoreError> {
        holder(&self.conn, course_id)
            .map(|h| h.map(|(h, _)| h))
            .map_err(|e| self.error(e))
    }

    /// The course whose claim another player took over, while this one still has it (until `release`).
    pub(crate) fn lost_claim(&self) -> Option<&str> {
        self.claim
            .as_ref()
            .filter(|h| h.lost)
            .map(|h| h.course_id.as_str())
    }

    /// A thread that beats the claim every `BEAT_EVERY` on its own connection, for a player whose loop waits on
    /// input (`play --plain`); `None` when nothing is claimed. It stops when dropped, or when the claim is lost.
    pub(crate) fn heartbeat(&self) -> Option<Heartbeat> {
        let held = self.claim.as_ref()?;
        let flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let conn = Connection::open_with_flags(&self.path, flags).ok()?;
        conn.busy_timeout(BUSY_TIMEOUT).ok()?;
        let (course, token) = (held.course_id.clone(), held.token.clone());
        let lost = Arc::new(AtomicBool::new(false));
        let flag = lost.clone();
        let (stop, stopped) = mpsc::channel::<()>();
        let thread = std::thread::spawn(move || {
            use crate::learn::clock::Clock;
            while let Err(mpsc::RecvTimeoutError::Timeout) = stopped.recv_timeout(BEAT_EVERY) {
                let now = crate::learn::clock::SystemClock.now_ms();
                let beaten = conn.execute(
                    "UPDATE claims SET beat_at = ?3 WHERE course_id = ?1 AND token = ?2",
                    params![course, token, now],
                );
                if beaten == Ok(0) {
                    flag.store(true, Ordering::SeqCst);
                    return;
                }
            }
        });
        Some(Heartbeat {
            stop: Some(stop),
            lost,
            thread: Some(thread),
        })
    }

    /// The error every refused write returns.
    pub(super) fn taken_over(&mut self) -> StoreError {
        let course = match &mut self.claim {
            Some(held) => {
                held.lost = true;
                held.course_id.clone()
            }
            None => String::new(),
        };
        let now = crate::learn::clock::Clock::now_ms(&crate::learn::clock::SystemClock);
        let offset = super::status::local_offset_minutes(now).unwrap_or(0);
        let by = holder(&self.conn, &course).ok().flatten().map_or_else(
            || "it has closed since".to_string(),
            |(h, _)| h.describe(offset),
        );
        StoreError::TakenOver { course, by }
    }

    fn is_in_memory(&self) -> bool {
        self.path.as_os_str() == ":memory:"
    }
}

/// The beat thread of `Store::heartbeat`.
pub(crate) struct Heartbeat {
    stop: Option<mpsc::Sender<()>>,
    lost: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl Heartbeat {
    /// Another player has taken the course over (found at a beat).
    pub(crate) fn lost(&self) -> bool {
        self.lost.load(Ordering::SeqCst)
    }
}

impl Drop for Heartbeat {
    fn drop(&mut self) {
        drop(self.stop.take());
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// Whether a write may go ahead: nothing is claimed, or the claim is still this player's. Read inside the write's
/// own `BEGIN IMMEDIATE` transaction, so that a take-over cannot slip in between the check and the write.
pub(super) fn still_held(conn: &Connection, held: Option<&Held>) -> rusqlite::Result<bool> {
    let Some(held) = held else {
        return Ok(true);
    };
    if held.lost {
        return Ok(false);
    }
    let token: Option<String> = conn
        .prepare_cached("SELECT token FROM claims WHERE course_id = ?1")?
        .query_row([&held.course_id], |r| r.get(0))
        .optional()?;
    // A row gone (deleted by hand, or by a player that released a stale claim it took) is no one else's.
    Ok(token.is_none_or(|t| t == held.token))
}

/// The course's claim and its token, if any.
fn holder(conn: &Connection, course_id: &str) -> rusqlite::Result<Option<(Holder, String)>> {
    conn.prepare_cached(
        "SELECT pid, host, started_at, beat_at, token FROM claims WHERE course_id = ?1",
    )?
    .query_row([course_id], |r| {
        Ok((
            Holder {
                pid: r.get(0)?,
                host: r.get(1)?,
                started_at: r.get(2)?,
                beat_at: r.get(3)?,
            },
            r.get(4)?,
        ))
    })
    .optional()
}

/// A claim is live while it beats, and, on this host, while its process runs. Its beat is in the future only if a
/// clock went back: then it counts as fresh.
fn is_live(holder: &Holder, now: i64) -> bool {
    if now - holder.beat_at > STALE_AFTER_MS {
        return false;
    }
    if holder.host == host_name() {
        return holder.pid != std::process::id() && process_exists(holder.pid);
    }
    true
}

/// Whether a process runs on this host. A zombie (state `Z`: killed, and not yet reaped by its parent) or a dead
/// one (`X`) does not: a player killed with `kill -9` holds nothing from the moment it dies. Where that cannot be
/// told, it is taken to run (the beat decides).
fn process_exists(pid: u32) -> bool {
    if !cfg!(target_os = "linux") {
        return true;
    }
    let dir = std::path::Path::new("/proc").join(pid.to_string());
    match std::fs::read_to_string(dir.join("stat")) {
        Ok(stat) => !matches!(stat_state(&stat), Some('Z' | 'X')),
        Err(_) => dir.exists(),
    }
}

/// The state letter of a `/proc/PID/stat` line: the first field after the command name, which is in parentheses
/// and may itself hold spaces and parentheses (`1234 (a) b) Z 1 …`), so it is found after the last `)`.
fn stat_state(stat: &str) -> Option<char> {
    stat.rsplit_once(')')?.1.trim_start().chars().next()
}

/// This computer's name, to tell a claim from this host (whose process can be looked up) from another's: the
/// system's, from the `gethostname` crate (`gethostname(2)` on Unix, `GetComputerNameExW` on Windows).
pub(crate) fn host_name() -> String {
    let name = gethostname::gethostname();
    let name = name.to_string_lossy();
    let name = name.trim();
    if name.is_empty() {
        "this computer".to_string()
    } else {
        name.to_string()
    }
}

/// 128 random bits as hex: this player's claim, told apart from every other.
fn new_token() -> String {
    format!("{:016x}{:016x}", fastrand::u64(..), fastrand::u64(..))
}

#[cfg(test)]
mod tests;
