//! `morsel status`: one short line for a shell prompt or a tmux status bar (items due, today's active minutes
//! against the daily goal, the streak), or the same as JSON. It only reads, and says nothing before the first lesson.

use std::io::{self, Write};

use serde::Serialize;

use crate::app::config::Config;
use crate::app::paths::Paths;
use crate::export::lrs::{self, Endpoint};
use crate::learn::clock::Zone;
use crate::store::Store;
use crate::store::status::DailyStatus;
use std::process::ExitCode;

use super::{Format, Global};

/// The JSON document: stable, fields may be added, never removed or renamed.
#[derive(Debug, Serialize)]
struct Document {
    due: u64,
    today_minutes: u32,
    goal_minutes: u32,
    streak: u32,
    /// Records waiting more than a day for `morsel sync` (0 without an `lrs` in the config).
    to_sync: u64,
}

/// The day's standing, and how many records have waited more than a day for a sync.
#[derive(Debug)]
pub(crate) struct Standing {
    pub(crate) daily: DailyStatus,
    pub(crate) to_sync: u64,
}

/// The learner's standing at `now_ms`, or `None` when there is no database yet (nothing is created). The config is
/// read only when there is a database, for its `daily_minutes`.
pub(crate) fn gather(paths: &Paths, now_ms: i64) -> anyhow::Result<Option<Standing>> {
    let Some(store) = Store::open_read_only(&paths.db)? else {
        return Ok(None);
    };
    let config = Config::load(&paths.config)?;
    let zone = Zone::learner()?;
    let daily = store.daily_status(now_ms, &zone, config.daily_minutes)?;
    // Only with an LRS to sync with; an endpoint that does not parse is `sync`'s to report.
    let to_sync = match config.lrs.as_deref().map(Endpoint::parse) {
        Some(Ok(endpoint)) => lrs::overdue(&store, &endpoint, now_ms)?,
        _ => 0,
    };
    Ok(Some(Standing { daily, to_sync }))
}

/// `morsel: 12 due · 4 today/10 min · streak 5`. The parts keep this order and form; a part that is zero is left
/// out (no due items, no streak), except today's minutes while there is a goal. With the goal off, today's minutes
/// read `4 min today`. When every part is left out: `morsel: nothing due`.
pub(crate) fn line(status: &DailyStatus) -> String {
    let day = &status.day;
    let mut parts = Vec::new();
    if status.due > 0 {
        parts.push(format!("{} due", status.due));
    }
    if day.goal_minutes > 0 {
        parts.push(format!(
            "{} today/{} min",
            day.today_minutes, day.goal_minutes
        ));
    } else if day.today_minutes > 0 {
        parts.push(format!("{} min today", day.today_minutes));
    }
    if day.streak > 0 {
        parts.push(format!("streak {}", day.streak));
    }
    if parts.is_empty() {
        parts.push("nothing due".to_string());
    }
    format!("morsel: {}", parts.join(" · "))
}

/// The line, and ` · N to sync` when records have waited more than a day for a sync.
pub(crate) fn write_text(standing: &Standing, out: &mut dyn Write) -> io::Result<()> {
    let mut line = line(&standing.daily);
    if standing.to_sync > 0 {
        line.push_str(&format!(" · {} to sync", standing.to_sync));
    }
    writeln!(out, "{line}")
}

pub(crate) fn write_json(standing: &Standing, out: &mut dyn Write) -> io::Result<()> {
    let status = &standing.daily;
    super::write_json(
        &Document {
            due: status.due,
            today_minutes: status.day.today_minutes,
            goal_minutes: status.day.goal_minutes,
            streak: status.day.streak,
            to_sync: standing.to_sync,
        },
        out,
    )
}

#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
}

pub(crate) fn run(args: Args, global: &Global) -> anyhow::Result<ExitCode> {
    let now = super::now();
    let stdout = io::stdout();
    let mut out = stdout.lock();
    if let Some(standing) = gather(&global.paths()?, now)? {
        match args.format {
            Format::Text => write_text(&standing, &mut out)?,
            Format::Json => write_json(&standing, &mut out)?,
        }
    }
    super::done(out, ExitCode::SUCCESS)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::learn::streak::Daily;

    fn status(due: u64, today_minutes: u32, goal_minutes: u32, streak: u32) -> DailyStatus {
        DailyStatus {
            due,
            day: Daily {
                today_minutes,
                goal_minutes,
                streak,
            },
        }
    }

    #[test]
    fn the_line_leaves_out_what_is_zero_but_keeps_the_goal() {
        assert_eq!(
            line(&status(12, 4, 10, 5)),
            "morsel: 12 due · 4 today/10 min · streak 5"
        );
        assert_eq!(line(&status(0, 0, 10, 0)), "morsel: 0 today/10 min");
        assert_eq!(
            line(&status(3, 12, 10, 1)),
            "morsel: 3 due · 12 today/10 min · streak 1"
        );
    }

    #[test]
    fn with_the_goal_off_minutes_stand_alone_and_nothing_at_all_says_so() {
        assert_eq!(line(&status(2, 7, 0, 0)), "morsel: 2 due · 7 min today");
        assert_eq!(line(&status(0, 0, 0, 0)), "morsel: nothing due");
    }
}
