//! Time, injected: the session asks a `Clock`, so that tests can move time by hand.

use std::cell::Cell;
use std::rc::Rc;

/// Milliseconds since the Unix epoch, UTC; and the learner's offset from UTC, for their local day.
pub trait Clock {
    fn now_ms(&self) -> i64;

    /// Minutes east of UTC at `at` (0 unless the clock knows better).
    fn utc_offset_min(&self, _at: i64) -> i32 {
        0
    }
}

/// The system's wall clock.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now_ms(&self) -> i64 {
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
