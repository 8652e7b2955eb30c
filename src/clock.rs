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
