//! The daily goal and the streak, in the learner's local day: active minutes per day from time-on-task spans,
//! today's minutes against the goal, and the run of consecutive days whose goal was met. Pure: "now" and the
//! learner's time zone are given, never read here. Each instant is read in its own offset from UTC, so a day on
//! the far side of a daylight-saving change keeps its own midnight.

use std::collections::BTreeMap;

use crate::learn::clock::Zone;

const MINUTE_MS: i64 = 60_000;

/// Active time in whole minutes, rounded down: the one rounding of time spent, on every screen and in every
/// command (`status`, `stats`, `list`, the library, the dashboard, the time box), so that they agree, and a day
/// shown at its goal has met it.
pub(crate) fn whole_minutes(ms: i64) -> i64 {
    ms.max(0) / MINUTE_MS
}

/// A span of active time, UTC milliseconds since the Unix epoch (as `active_spans` keeps it).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Span {
    pub(crate) started_at: i64,
    pub(crate) ended_at: i64,
}

/// Where the learner stands today.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Daily {
    /// Whole minutes of active time since local midnight (rounded down, so that "10 of 10" means the goal is met).
    pub(crate) today_minutes: u32,
    /// The daily goal in minutes; 0 when the goal is off.
    pub(crate) goal_minutes: u32,
    /// Consecutive local days whose goal was met, ending today if today's is met, else yesterday (today is still
    /// open). 0 when the goal is off.
    pub(crate) streak: u32,
}

impl Daily {
    /// Whether today's goal is met (never, when the goal is off).
    #[cfg(test)]
    pub(crate) fn goal_met(&self) -> bool {
        self.goal_minutes > 0 && self.today_minutes >= self.goal_minutes
    }
}

/// The local day of an instant: days since 1970-01-01 in the learner's local time.
pub(crate) fn local_day(at_ms: i64, zone: &Zone) -> i64 {
    zone.day(at_ms)
}

/// Active milliseconds per local day. Spans are cut at `now_ms` (time not yet lived does not count), a span crossing
/// local midnight is split between its days, and time covered by overlapping spans (two terminals at once) counts
/// once.
pub(crate) fn active_ms_per_day(spans: &[Span], now_ms: i64, zone: &Zone) -> BTreeMap<i64, i64> {
    let mut clipped: Vec<(i64, i64)> = spans
        .iter()
        .map(|s| (s.started_at, s.ended_at.min(now_ms)))
        .filter(|(start, end)| start < end)
        .collect();
    clipped.sort_unstable();
    // The union of the spans, in order.
    let mut union: Vec<(i64, i64)> = Vec::with_capacity(clipped.len());
    for (start, end) in clipped {
        match union.last_mut() {
            Some(last) if start <= last.1 => last.1 = last.1.max(end),
            _ => union.push((start, end)),
        }
    }
    let mut days = BTreeMap::new();
    for (start, end) in union {
        // Cut at each local midnight, in the offset of that midnight.
        let mut from = start;
        while from < end {
            let day = zone.day(from);
            // A next midnight not after `from` (a clock set back over midnight) cannot stall the loop.
            let until = end.min(zone.day_start(day + 1).max(from + 1));
            *days.entry(day).or_insert(0) += until - from;
            from = until;
        }
    }
    days
}

/// Today's minutes against the goal, and the streak, as of `now_ms`. Every day is judged by today's goal.
pub(crate) fn daily(spans: &[Span], now_ms: i64, zone: &Zone, goal_minutes: u32) -> Daily {
    let days = active_ms_per_day(spans, now_ms, zone);
    let today = local_day(now_ms, zone);
    let today_ms = days.get(&today).copied().unwrap_or(0);
    let today_minutes = u32::try_from(whole_minutes(today_ms)).unwrap_or(u32::MAX);
    if goal_minutes == 0 {
        return Daily {
            today_minutes,
            goal_minutes,
            streak: 0,
        };
    }
    let met = |day: i64| {
        days.get(&day)
            .is_some_and(|&ms| ms >= i64::from(goal_minutes) * MINUTE_MS)
    };
    let mut day = if met(today) { today } else { today - 1 };
    let mut streak = 0;
    while met(day) {
        streak += 1;
        day -= 1;
    }
    Daily {
        today_minutes,
        goal_minutes,
        streak,
    }
}

/// The study days of the last `weeks` calendar weeks (Monday to Sunday, this one last) as text, a row per weekday
/// (Monday first) and a column per week, the newest on the right: `·` nothing, `░` some time, `▒` half the goal, `█`
/// the goal met; the days of this week still to come are left out. `minutes` is active minutes per local day (days
/// since the epoch), `today` a local day.
pub(crate) fn heatmap(
    minutes: &BTreeMap<i64, i64>,
    today: i64,
    weeks: i64,
    goal_minutes: u32,
) -> Vec<String> {
    // 1970-01-01, day 0, was a Thursday: this week's Monday, then the first week's.
    let first = today - (today + 3).rem_euclid(7) - (weeks - 1) * 7;
    let goal = i64::from(goal_minutes.max(1));
    let mut rows = vec![String::new(); 7];
    for day in first..=today {
        let m = minutes.get(&day).copied().unwrap_or(0);
        let c = match m {
            0 => '·',
            m if m >= goal => '█',
            m if m * 2 >= goal => '▒',
            _ => '░',
        };
        rows[(day + 3).rem_euclid(7) as usize].push(c);
    }
    rows
}

/// Active minutes of each of the last `days` days as a line of block characters scaled to the busiest day.
pub(crate) fn sparkline(minutes: &BTreeMap<i64, i64>, today: i64, days: i64) -> String {
    let values: Vec<i64> = (today - days + 1..=today)
        .map(|d| minutes.get(&d).copied().unwrap_or(0).max(0))
        .collect();
    let max = values.iter().copied().max().unwrap_or(0).max(1);
    let blocks = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];
    values
        .iter()
        .map(|&v| {
            if v == 0 {
                ' '
            } else {
                blocks[((v * 7) / max) as usize]
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A fixed offset, minutes east of UTC.
    fn tz(minutes: i32) -> Zone {
        Zone::fixed(minutes)
    }

    const HOUR_MS: i64 = 3_600_000;
    const DAY_MS: i64 = 86_400_000;
    /// 2026-11-23 00:00 UTC.
    const MIDNIGHT_UTC: i64 = 1_795_392_000_000;

    #[test]
    fn the_heatmap_has_a_column_per_calendar_week() {
        // 2026-11-25, a Wednesday, as days since the epoch.
        let wednesday = 20_782;
        let mut minutes = BTreeMap::new();
        // Last week's Thursday, and this week's Monday.
        minutes.insert(wednesday - 6, 10);
        minutes.insert(wednesday - 2, 10);
        let rows = heatmap(&minutes, wednesday, 2, 10);
        assert_eq!(rows[0], "·█", "Monday: last week's, this week's");
        assert_eq!(rows[2], "··", "Wednesday: today is the last column");
        assert_eq!(
            rows[3], "█",
            "Thursday: last week's only; this week's is to come"
        );
        assert_eq!(rows[6], "·", "Sunday");
    }

    /// `minutes` of activity starting at `at`.
    fn span(at: i64, minutes: i64) -> Span {
        Span {
            started_at: at,
            ended_at: at + minutes * MINUTE_MS,
        }
    }

    #[test]
    fn the_constant_is_a_utc_midnight() {
        assert_eq!(MIDNIGHT_UTC % DAY_MS, 0);
        assert_eq!(
            local_day(MIDNIGHT_UTC, &tz(0)),
            local_day(MIDNIGHT_UTC - 1, &tz(0)) + 1
        );
    }

    #[test]
    fn a_span_across_local_midnight_is_split_between_its_days() {
        // 23:50 to 00:15 local time, in UTC+14: 09:50 to 10:15 UTC the day before.
        let offset = 14 * 60;
        let local_midnight = MIDNIGHT_UTC - 14 * HOUR_MS;
        let spans = [span(local_midnight - 10 * MINUTE_MS, 25)];
        let days = active_ms_per_day(&spans, local_midnight + HOUR_MS, &tz(offset));
        let today = local_day(local_midnight, &tz(offset));
        assert_eq!(days.get(&(today - 1)), Some(&(10 * MINUTE_MS)));
        assert_eq!(days.get(&today), Some(&(15 * MINUTE_MS)));
        assert_eq!(days.len(), 2);
    }

    #[test]
    fn the_same_instants_fall_on_different_local_days_by_offset() {
        // 20 minutes from 09:50 UTC on day D: 23:50-00:10 on D and D+1 in UTC+14, on D-1 and D in UTC-10; all on
        // D in UTC.
        let spans = [span(MIDNIGHT_UTC + 9 * HOUR_MS + 50 * MINUTE_MS, 20)];
        let now = MIDNIGHT_UTC + 12 * HOUR_MS;
        let d = local_day(MIDNIGHT_UTC, &tz(0));
        let ten = 10 * MINUTE_MS;
        let expected = [
            (14 * 60, vec![(d, ten), (d + 1, ten)]),
            (-10 * 60, vec![(d - 1, ten), (d, ten)]),
            (0, vec![(d, 2 * ten)]),
        ];
        for (offset, days) in expected {
            let got: Vec<(i64, i64)> = active_ms_per_day(&spans, now, &tz(offset))
                .into_iter()
                .collect();
            assert_eq!(got, days, "offset {offset}");
        }
        // At 12:00 UTC it is 02:00 in UTC+14 and in UTC-10 (10 minutes today), 12:00 in UTC (20 minutes), and
        // 00:00 in UTC+12, where the whole span was yesterday. Ten minutes each side of midnight meet a 10-minute goal
        // on both days.
        for (offset, today, streak) in [
            (14 * 60, 10, 2),
            (-10 * 60, 10, 2),
            (0, 20, 1),
            (12 * 60, 0, 1),
        ] {
            let got = daily(&spans, now, &tz(offset), 10);
            assert_eq!(
                (got.today_minutes, got.streak),
                (today, streak),
                "offset {offset}"
            );
        }
    }

    #[test]
    fn the_streak_follows_the_local_day_not_the_utc_day() {
        // Ten minutes at 09:00 and at 11:00 UTC on one UTC day: 23:00 and 01:00 local in UTC-10, two local days.
        let spans = [
            span(MIDNIGHT_UTC + 9 * HOUR_MS, 10),
            span(MIDNIGHT_UTC + 11 * HOUR_MS, 10),
        ];
        let now = MIDNIGHT_UTC + 12 * HOUR_MS;
        assert_eq!(daily(&spans, now, &tz(-10 * 60), 10).streak, 2);
        // In UTC both are today: one day, and 20 minutes of it.
        assert_eq!(
            daily(&spans, now, &tz(0), 10),
            Daily {
                today_minutes: 20,
                goal_minutes: 10,
                streak: 1
            }
        );
        // In UTC+14 (23:00 and 01:00 again, a day later by the calendar) it is two days as well.
        assert_eq!(daily(&spans, now, &tz(14 * 60), 10).streak, 2);
    }

    /// Spans of `minutes[i]` minutes at 12:00 local time, `i` days before the local day of `now`.
    fn days_back(now: i64, offset: i32, minutes: &[i64]) -> Vec<Span> {
        let offset_ms = i64::from(offset) * MINUTE_MS;
        let local_noon = local_day(now, &tz(offset)) * DAY_MS + 12 * HOUR_MS - offset_ms;
        minutes
            .iter()
            .enumerate()
            .filter(|(_, m)| **m > 0)
            .map(|(i, m)| span(local_noon - i as i64 * DAY_MS, *m))
            .collect()
    }

    #[test]
    fn the_streak_ends_today_when_today_is_met_and_yesterday_while_today_is_open() {
        for offset in [14 * 60, -10 * 60, 0, 330] {
            // Evening, local time, so that today's noon span is in the past.
            let now = MIDNIGHT_UTC + 20 * HOUR_MS - i64::from(offset) * MINUTE_MS;
            // Today 12 min, then 10, 15, 10, then a 9-minute day that breaks the run.
            let spans = days_back(now, offset, &[12, 10, 15, 10, 9, 30]);
            let d = daily(&spans, now, &tz(offset), 10);
            assert_eq!(
                d,
                Daily {
                    today_minutes: 12,
                    goal_minutes: 10,
                    streak: 4
                },
                "offset {offset}"
            );
            assert!(d.goal_met());
            // Today only 4 minutes so far: the streak of the three days before still stands.
            let spans = days_back(now, offset, &[4, 10, 15, 10, 9]);
            let d = daily(&spans, now, &tz(offset), 10);
            assert_eq!(
                d,
                Daily {
                    today_minutes: 4,
                    goal_minutes: 10,
                    streak: 3
                },
                "offset {offset}"
            );
            assert!(!d.goal_met());
            // Yesterday missed: no streak, whatever came before.
            let spans = days_back(now, offset, &[4, 0, 15, 10]);
            assert_eq!(
                daily(&spans, now, &tz(offset), 10).streak,
                0,
                "offset {offset}"
            );
        }
    }

    #[test]
    fn a_midnight_session_counts_toward_both_days() {
        // 20 minutes from 23:55 local time, UTC+14: 5 minutes yesterday, 15 today.
        let offset = 14 * 60;
        let local_midnight = MIDNIGHT_UTC - 14 * HOUR_MS;
        let spans = [span(local_midnight - 5 * MINUTE_MS, 20)];
        let now = local_midnight + 30 * MINUTE_MS;
        let d = daily(&spans, now, &tz(offset), 10);
        assert_eq!((d.today_minutes, d.streak), (15, 1));
        let d = daily(&spans, now, &tz(offset), 5);
        assert_eq!((d.today_minutes, d.streak), (15, 2));
    }

    #[test]
    fn overlapping_spans_count_once_and_time_after_now_not_at_all() {
        let start = MIDNIGHT_UTC + HOUR_MS;
        // Two terminals over the same 10 minutes, a third span reaching 5 minutes into the future, one wholly in it.
        let now = start + 20 * MINUTE_MS;
        let spans = [
            span(start, 10),
            span(start + 5 * MINUTE_MS, 5),
            span(now - 5 * MINUTE_MS, 10),
            span(now + MINUTE_MS, 30),
        ];
        assert_eq!(daily(&spans, now, &tz(0), 10).today_minutes, 15);
    }

    #[test]
    fn minutes_are_whole_minutes_rounded_down_and_the_goal_needs_them_all() {
        let start = MIDNIGHT_UTC + HOUR_MS;
        let spans = [Span {
            started_at: start,
            ended_at: start + 10 * MINUTE_MS - 1,
        }];
        let d = daily(&spans, start + HOUR_MS, &tz(0), 10);
        assert_eq!((d.today_minutes, d.streak, d.goal_met()), (9, 0, false));
    }

    #[test]
    fn a_goal_of_zero_is_off_no_streak_but_minutes_still_count() {
        let now = MIDNIGHT_UTC + 20 * HOUR_MS;
        let spans = days_back(now, 0, &[12, 10, 15]);
        let d = daily(&spans, now, &tz(0), 0);
        assert_eq!(
            d,
            Daily {
                today_minutes: 12,
                goal_minutes: 0,
                streak: 0
            }
        );
        assert!(!d.goal_met());
    }

    #[test]
    fn a_year_of_daily_goals_is_a_streak_of_365() {
        let now = MIDNIGHT_UTC + 20 * HOUR_MS;
        let spans = days_back(now, 60, &[10; 365]);
        assert_eq!(daily(&spans, now, &tz(60), 10).streak, 365);
        assert_eq!(
            daily(&[], now, &tz(60), 10),
            Daily {
                today_minutes: 0,
                goal_minutes: 10,
                streak: 0
            }
        );
    }

    /// 25 minutes from 23:30 Berlin time on each of the 26th to the 31st of March 2026: the clocks went forward
    /// an hour at 02:00 on the 29th (UTC+1 to UTC+2), so 23:30 is 22:30 UTC before and 21:30 UTC after.
    fn berlin_evenings() -> (Zone, Vec<Span>) {
        let zone = Zone::named("Europe/Berlin")
            .expect("the tz database (system or bundled) has Europe/Berlin");
        let spans = (26..=31)
            .map(|day| {
                let at = jiff::civil::date(2026, 3, day)
                    .at(23, 30, 0, 0)
                    .in_tz("Europe/Berlin")
                    .unwrap();
                span(at.timestamp().as_millisecond(), 25)
            })
            .collect();
        (zone, spans)
    }

    #[test]
    fn each_evening_counts_on_its_own_day_across_a_daylight_saving_change() {
        let (zone, spans) = berlin_evenings();
        // The 31st at 23:58 Berlin time (UTC+2): after the last span.
        let now = spans[5].ended_at + 3 * MINUTE_MS;
        let days = active_ms_per_day(&spans, now, &zone);
        let dates: Vec<(String, i64)> = days
            .iter()
            .map(|(&day, &ms)| (Zone::date_of_day(day), whole_minutes(ms)))
            .collect();
        let expected: Vec<(String, i64)> =
            (26..=31).map(|d| (format!("2026-03-{d}"), 25)).collect();
        assert_eq!(dates, expected, "25 minutes on each evening's own date");
        let d = daily(&spans, now, &zone, 20);
        assert_eq!(
            d,
            Daily {
                today_minutes: 25,
                goal_minutes: 20,
                streak: 6
            },
            "six evenings in a row, the change of clocks in the middle"
        );
        // On the morning of the change (before 02:00, still UTC+1), the evenings before it are their own days too.
        let morning = spans[2].ended_at + 60 * MINUTE_MS;
        let d = daily(&spans, morning, &zone, 20);
        assert_eq!((d.today_minutes, d.streak), (0, 3));
    }

    #[test]
    fn a_span_across_midnight_on_the_night_of_the_change_is_split_at_local_midnight() {
        // 23:50 on the 28th (UTC+1) to 00:20 on the 29th: the clocks change at 02:00, after it.
        let zone = Zone::named("Europe/Berlin").expect("Europe/Berlin");
        let at = jiff::civil::date(2026, 3, 28)
            .at(23, 50, 0, 0)
            .in_tz("Europe/Berlin")
            .unwrap();
        let spans = [span(at.timestamp().as_millisecond(), 30)];
        let days = active_ms_per_day(&spans, spans[0].ended_at, &zone);
        let got: Vec<(String, i64)> = days
            .iter()
            .map(|(&day, &ms)| (Zone::date_of_day(day), whole_minutes(ms)))
            .collect();
        assert_eq!(
            got,
            [
                ("2026-03-28".to_string(), 10),
                ("2026-03-29".to_string(), 20)
            ]
        );
    }

    #[test]
    fn local_days_before_the_epoch_are_counted_down() {
        assert_eq!(local_day(-1, &tz(0)), -1);
        assert_eq!(local_day(0, &tz(-60)), -1);
        assert_eq!(local_day(0, &tz(60)), 0);
    }
}
