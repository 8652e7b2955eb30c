//! Time, injected: the session asks a `Clock`, so that tests can move time by hand.

use std::cell::Cell;
use std::rc::Rc;
use std::sync::OnceLock;

/// Milliseconds since the Unix epoch, UTC; and the learner's offset from UTC, for their local day.
pub trait Clock {
    fn now_ms(&self) -> i64;

    /// Minutes east of UTC at `at` (0 unless the clock knows better).
    fn utc_offset_min(&self, _at: i64) -> i32 {
        0
    }
}

/// For tests only: when set to UTC milliseconds, `SystemClock` reports that time and never moves, so that an
/// end-to-end test can put the binary on a day of its choosing. A value that is not a whole number is ignored.
pub(crate) const NOW_OVERRIDE: &str = "MORSEL_NOW_MS";

/// The time `MORSEL_NOW_MS` fixes, read once: the one place the override is read.
fn fixed_now() -> Option<i64> {
    static FIXED: OnceLock<Option<i64>> = OnceLock::new();
    *FIXED.get_or_init(|| {
        std::env::var(NOW_OVERRIDE)
            .ok()
            .and_then(|v| v.trim().parse().ok())
    })
}

/// The system's wall clock (or the time `MORSEL_NOW_MS` fixes, in tests).
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    /// For tests only: `MORSEL_NOW_MS` (milliseconds since the Unix epoch), when set, is read instead of the wall
    /// clock, so that an end-to-end test can move time (play today, review in three days). Not a setting for
    /// learners; it is read here and nowhere else.
    fn now_ms(&self) -> i64 {
        if let Some(fixed) = fixed_now() {
            return fixed;
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

/// The system's clock with the learner's offset from UTC, found once at start (`store::status::local_offset_minutes`),
/// for the local day of reviews and goals.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct LocalClock {
    pub(crate) utc_offset_min: i32,
}

impl Clock for LocalClock {
    fn now_ms(&self) -> i64 {
        SystemClock.now_ms()
    }

    fn utc_offset_min(&self, _at: i64) -> i32 {
        self.utc_offset_min
    }
}
