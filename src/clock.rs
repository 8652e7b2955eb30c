//! Time, injected: the session asks a `Clock`, so that tests can move time by hand.

use std::cell::Cell;
use std::rc::Rc;

/// Milliseconds since the Unix epoch, UTC.
pub trait Clock {
    fn now_ms(&self) -> i64;
}

/// The system's wall clock.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    /// For tests only: `MORSEL_NOW_MS` (milliseconds since the Unix epoch), when set, is read instead of the wall
    /// clock, so that an end-to-end test can move time (play today, review in three days). Not a setting for
    /// learners; it is read here and nowhere else.
    fn now_ms(&self) -> i64 {
        if let Some(ms) = std::env::var("MORSEL_NOW_MS")
            .ok()
            .and_then(|v| v.parse().ok())
        {
            return ms;
        }
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_millis() as i64)
    }
}

/// A clock that moves only when told; clones share the same time.
#[derive(Debug, Clone, Default)]
pub struct ManualClock(Rc<Cell<i64>>);

impl ManualClock {
    pub fn at(ms: i64) -> Self {
        Self(Rc::new(Cell::new(ms)))
    }

    pub fn advance_secs(&self, secs: i64) {
        self.0.set(self.0.get() + secs * 1000);
    }
}

impl Clock for ManualClock {
    fn now_ms(&self) -> i64 {
        self.0.get()
    }
}
