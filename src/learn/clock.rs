//! Time, injected: the session asks a `Clock`, so that tests can move time by hand; and the learner's time zone
//! (`Zone`), which says the local day and the offset from UTC of each instant, daylight saving time included.

use std::cell::Cell;
use std::rc::Rc;
use std::sync::OnceLock;

use jiff::Timestamp;
use jiff::tz::{Offset, TimeZone};

/// Milliseconds since the Unix epoch, UTC; and the learner's time zone, for their local day.
pub trait Clock {
    /// The time now, in milliseconds since the Unix epoch.
    fn now_ms(&self) -> i64;

    /// The learner's time zone (UTC unless the clock knows better).
    fn zone(&self) -> Zone {
        Zone::utc()
    }

    /// Minutes east of UTC at `at`, in the learner's zone: the offset of that instant.
    fn utc_offset_min(&self, at: i64) -> i32 {
        self.zone().offset_minutes(at)
    }
}

/// Overrides the learner's time zone with a fixed offset from UTC, in minutes east of UTC (`60` for UTC+1, `-300`
/// for UTC-5): for a machine whose time zone is not the learner's, and for tests.
pub(crate) const UTC_OFFSET_OVERRIDE: &str = "MORSEL_UTC_OFFSET";

/// The farthest an offset may be from UTC, in minutes: 18 hours, as ISO 8601 and the tz database allow.
const MAX_OFFSET_MINUTES: i32 = 18 * 60;

const MINUTE_MS: i64 = 60_000;
const DAY_MS: i64 = 86_400_000;

#[derive(Debug, Clone, thiserror::Error)]
pub(crate) enum OffsetError {
    #[error(
        "{UTC_OFFSET_OVERRIDE}={value}: expected minutes east of UTC, a whole number from -{MAX_OFFSET_MINUTES} to {MAX_OFFSET_MINUTES} (60 for UTC+1, -300 for UTC-5)"
    )]
    Invalid { value: String },
}

/// The learner's time zone, from jiff: each instant's own offset from UTC, so that a day before a daylight-saving
/// change keeps its own midnight. Local days are counted as days since 1970-01-01 on the learner's calendar.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Zone(TimeZone);

impl Default for Zone {
    fn default() -> Self {
        Self::utc()
    }
}

impl Zone {
    pub(crate) fn utc() -> Self {
        Self(TimeZone::UTC)
    }

    /// A fixed offset, in minutes east of UTC (held within jiff's ±25:59:59).
    pub(crate) fn fixed(minutes_east: i32) -> Self {
        let seconds = minutes_east.saturating_mul(60);
        let offset =
            Offset::from_seconds(seconds.clamp(Offset::MIN.seconds(), Offset::MAX.seconds()))
                .unwrap_or(Offset::UTC);
        Self(TimeZone::fixed(offset))
    }

    /// A zone of the tz database by name (`Europe/Berlin`), or `None` when there is none by that name.
    #[cfg(test)]
    pub(crate) fn named(name: &str) -> Option<Self> {
        TimeZone::get(name).ok().map(Self)
    }

    /// The system's zone: `TZ` (a tz database name, a file or a POSIX rule), else `/etc/localtime` (or the
    /// platform's own); UTC when none can be found.
    pub(crate) fn system() -> Self {
        Self(TimeZone::system())
    }

    /// The learner's zone: `MORSEL_UTC_OFFSET` when set (a fixed offset), else the system's.
    pub(crate) fn learner() -> Result<Self, OffsetError> {
        let Some(value) = std::env::var_os(UTC_OFFSET_OVERRIDE) else {
            return Ok(Self::system());
        };
        let value = value.to_string_lossy().into_owned();
        value
            .trim()
            .parse::<i32>()
            .ok()
            .filter(|m| m.abs() <= MAX_OFFSET_MINUTES)
            .map(Self::fixed)
            .ok_or(OffsetError::Invalid { value })
    }

    /// Minutes east of UTC at the instant `at_ms`, rounded down.
    pub(crate) fn offset_minutes(&self, at_ms: i64) -> i32 {
        self.0.to_offset(instant(at_ms)).seconds().div_euclid(60)
    }

    /// The local day of an instant: days since 1970-01-01 on the learner's calendar at that instant.
    pub(crate) fn day(&self, at_ms: i64) -> i64 {
        let offset_ms = i64::from(self.0.to_offset(instant(at_ms)).seconds()) * 1000;
        at_ms.saturating_add(offset_ms).div_euclid(DAY_MS)
    }

    /// The first instant of a local day (its midnight, or the end of a gap that swallowed midnight), in UTC
    /// milliseconds. Past jiff's years -9999 to 9999, midnight in that instant's offset.
    pub(crate) fn day_start(&self, day: i64) -> i64 {
        let start = civil_date(day)
            .and_then(|date| date.to_zoned_datetime(self.0.clone()).ok())
            .map(|z| z.timestamp().as_millisecond());
        start.unwrap_or_else(|| {
            let midnight = day.saturating_mul(DAY_MS);
            midnight - i64::from(self.offset_minutes(midnight)) * MINUTE_MS
        })
    }

    /// A local day as a date, `YYYY-MM-DD`.
    pub(crate) fn date_of_day(day: i64) -> String {
        civil_date(day).map(|d| d.to_string()).unwrap_or_default()
    }

    /// The local date of an instant, `YYYY-MM-DD`.
    pub(crate) fn date(&self, at_ms: i64) -> String {
        Self::date_of_day(self.day(at_ms))
    }

    /// The local date and time of an instant, to the minute: `YYYY-MM-DD HH:MM`.
    pub(crate) fn date_time(&self, at_ms: i64) -> String {
        instant(at_ms)
            .to_zoned_datetime(self.0.clone())
            .strftime("%Y-%m-%d %H:%M")
            .to_string()
    }
}

/// Days since 1970-01-01 as a calendar date, within jiff's years -9999 to 9999.
fn civil_date(day: i64) -> Option<jiff::civil::Date> {
    let at = Timestamp::from_millisecond(day.checked_mul(DAY_MS)?).ok()?;
    Some(at.to_zoned_datetime(TimeZone::UTC).date())
}

/// UTC milliseconds as a jiff instant, held within jiff's years -9999 to 9999.
fn instant(at_ms: i64) -> Timestamp {
    Timestamp::from_millisecond(at_ms).unwrap_or(if at_ms < 0 {
        Timestamp::MIN
    } else {
        Timestamp::MAX
    })
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
    /// A clock stopped at `ms`.
    pub fn at(ms: i64) -> Self {
        Self(Rc::new(Cell::new(ms)))
    }

    /// Moves the clock on by `secs` seconds.
    pub fn advance_secs(&self, secs: i64) {
        self.0.set(self.0.get() + secs * 1000);
    }
}

impl Clock for ManualClock {
    fn now_ms(&self) -> i64 {
        self.0.get()
    }
}

/// The system's clock in the learner's time zone, found once at start (`Zone::learner`), for the local day of
/// reviews and goals.
#[derive(Debug, Clone, Default)]
pub(crate) struct LocalClock {
    pub(crate) zone: Zone,
}

impl Clock for LocalClock {
    fn now_ms(&self) -> i64 {
        SystemClock.now_ms()
    }

    fn zone(&self) -> Zone {
        self.zone.clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// UTC milliseconds of a UTC date and time.
    fn utc(y: i16, mo: i8, d: i8, h: i8, mi: i8) -> i64 {
        jiff::civil::date(y, mo, d)
            .at(h, mi, 0, 0)
            .to_zoned_datetime(TimeZone::UTC)
            .unwrap()
            .timestamp()
            .as_millisecond()
    }

    #[test]
    fn each_instant_has_its_own_offset_across_a_daylight_saving_change() {
        let berlin = Zone::named("Europe/Berlin").unwrap();
        // 2026-03-29: 01:00 UTC is 02:00 CET, which becomes 03:00 CEST.
        assert_eq!(berlin.offset_minutes(utc(2026, 3, 29, 0, 59)), 60);
        assert_eq!(berlin.offset_minutes(utc(2026, 3, 29, 1, 0)), 120);
        // 22:30 UTC is 23:30 the same day before the change; 22:30 UTC is 00:30 the next day after it.
        assert_eq!(berlin.date(utc(2026, 3, 28, 22, 30)), "2026-03-28");
        assert_eq!(berlin.date(utc(2026, 3, 29, 22, 30)), "2026-03-30");
        assert_eq!(
            berlin.date_time(utc(2026, 3, 29, 22, 30)),
            "2026-03-30 00:30"
        );
        // Midnight of the 29th is 23:00 UTC on the 28th; of the 30th, 22:00 UTC on the 29th (a 23-hour day).
        let day = berlin.day(utc(2026, 3, 29, 12, 0));
        assert_eq!(Zone::date_of_day(day), "2026-03-29");
        assert_eq!(berlin.day_start(day), utc(2026, 3, 28, 23, 0));
        assert_eq!(berlin.day_start(day + 1), utc(2026, 3, 29, 22, 0));
    }

    #[test]
    fn a_day_whose_midnight_was_skipped_starts_when_the_clocks_resume() {
        // São Paulo moved its clocks from 00:00 to 01:00 on 2018-11-04: that day began at 01:00 local, 03:00 UTC.
        let sao_paulo = Zone::named("America/Sao_Paulo").unwrap();
        let day = sao_paulo.day(utc(2018, 11, 4, 12, 0));
        assert_eq!(sao_paulo.day_start(day), utc(2018, 11, 4, 3, 0));
    }

    #[test]
    fn a_fixed_offset_is_the_same_all_year() {
        let zone = Zone::fixed(-300);
        for at in [utc(2026, 1, 15, 12, 0), utc(2026, 7, 15, 12, 0)] {
            assert_eq!(zone.offset_minutes(at), -300);
        }
        assert_eq!(zone.day_start(zone.day(0)), 5 * 3_600_000 - 86_400_000);
    }
}
