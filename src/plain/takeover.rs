//! `play --plain` and the course's claim (`store::claim`): asking the learner when another terminal plays the
//! course, and stopping at the next line once another terminal has taken it over (`Watched`). The store refuses
//! every write of a player that lost its claim; this makes the player say so and stop.

use std::io::{self, BufRead, Read, Write};

use crate::app::takeover::{TAKEN_OVER, question};
use crate::store::claim::{Claim, Heartbeat};
use crate::store::{Store, StoreError};
use crate::text::sanitize;

/// What the learner chose.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[must_use]
pub(crate) enum Claimed {
    /// This terminal holds the course: play.
    Play,
    /// The learner left the course to the other terminal.
    Left,
}

/// Claims the course; when another live player holds it, asks on `out` and reads the answer from `input`
/// (`take` or `yes` takes it over; anything else, or the end of input, leaves it).
pub(crate) fn claim(
    store: &mut Store,
    course_id: &str,
    now: i64,
    utc_offset_min: i32,
    input: &mut dyn BufRead,
    out: &mut dyn Write,
) -> Result<Claimed, ClaimError> {
    let Claim::Busy(holder) = store.claim(course_id, now, false)? else {
        return Ok(Claimed::Play);
    };
    writeln!(
        out,
        "{}",
        question(course_id, &sanitize(&holder.describe(utc_offset_min)))
    )?;
    writeln!(
        out,
        "Type take to take over here, or leave to leave it there."
    )?;
    write!(out, "> ")?;
    out.flush()?;
    let mut line = String::new();
    input.read_line(&mut line)?;
    let answer = line.trim().to_lowercase();
    if matches!(answer.as_str(), "take" | "t" | "yes" | "y" | "take over") {
        // Taken whatever happened since: the learner has just said so.
        let _ = store.claim(course_id, now, true)?;
        writeln!(out, "Taken over; the other terminal stops saving.")?;
        Ok(Claimed::Play)
    } else {
        writeln!(
            out,
            "Left {} to the other terminal; nothing was played here.",
            sanitize(course_id)
        )?;
        Ok(Claimed::Left)
    }
}

#[derive(Debug, thiserror::Error)]
pub(crate) enum ClaimError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Io(#[from] io::Error),
}

/// The learner's input, watched: once the heartbeat finds the course taken over, the next read fails with
/// `TAKEN_OVER` instead of waiting for a line, and the player stops (a write it tries meanwhile is refused by the
/// store).
pub(crate) struct Watched<'a, R> {
    inner: R,
    heartbeat: Option<&'a Heartbeat>,
}

impl<'a, R: BufRead> Watched<'a, R> {
    pub(crate) fn new(inner: R, heartbeat: Option<&'a Heartbeat>) -> Self {
        Self { inner, heartbeat }
    }

    fn check(&self) -> io::Result<()> {
        match self.heartbeat {
            Some(h) if h.lost() => Err(io::Error::other(TAKEN_OVER)),
            _ => Ok(()),
        }
    }
}

impl<R: BufRead> Read for Watched<'_, R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = {
            let available = self.fill_buf()?;
            let n = available.len().min(buf.len());
            buf[..n].copy_from_slice(&available[..n]);
            n
        };
        self.consume(n);
        Ok(n)
    }
}

impl<R: BufRead> BufRead for Watched<'_, R> {
    fn fill_buf(&mut self) -> io::Result<&[u8]> {
        self.check()?;
        self.inner.fill_buf()
    }

    fn consume(&mut self, amount: usize) {
        self.inner.consume(amount);
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn once_the_heartbeat_finds_the_course_taken_over_the_next_line_is_not_read() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("progress.db");
        let mut first = Store::open(&path).unwrap();
        assert_eq!(first.claim("c", 0, false).unwrap(), Claim::Held);
        let heartbeat = first.heartbeat().unwrap();
        let mut input = Watched::new(io::Cursor::new("next\nnext\n"), Some(&heartbeat));
        let mut line = String::new();
        input.read_line(&mut line).unwrap();
        assert_eq!(line, "next\n");

        let mut second = Store::open(&path).unwrap();
        assert_eq!(second.claim("c", 0, true).unwrap(), Claim::Held);
        // Bounded by beats: the thread finds the claim gone at its next one.
        for _ in 0..200 {
            if heartbeat.lost() {
                break;
            }
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
        let error = input.read_line(&mut line).unwrap_err();
        assert_eq!(error.to_string(), TAKEN_OVER);
    }
}
