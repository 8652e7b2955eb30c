//! `play --plain --minutes N` and `review --plain --minutes N`: the time box of the full screen (`tui::screens::
//! timebox`: the same plan, clock and end) as plain lines. The plan first; then its reviews, then the course's
//! bites that fit; "N of M min used." at each new item or bite, the notice at 80% once; at the end what was done
//! against what was planned, and when the next review is due.

use std::io::{BufRead, Write};
use std::path::PathBuf;
use std::rc::Rc;

use super::review::{self, Ended};
use super::takeover::{self, Claimed, Watched};
use crate::app::config::Config;
use crate::app::paths::Paths;
use crate::app::plan::{PlanError, plan, planned_reviews};
use crate::learn::clock::Clock;
use crate::learn::session::{OpenOptions, Session, Stage};
use crate::learn::sitting::Reviewing;
use crate::learn::timebox::{Timebox, next_due_line};
use crate::pack::Pack;
use crate::store::Store;
use crate::text::sanitize;

/// What the box is asked for.
pub struct BoxStart {
    /// The length of the box, in minutes.
    pub minutes: u32,
    /// The course whose bites it reads (else the one played last).
    pub course: Option<PathBuf>,
    /// `review --minutes`: reviews only.
    pub reviews_only: bool,
}

/// Where the box finds courses, its settings, and its clock.
pub struct Env<'a> {
    /// Where the database, config and courses are.
    pub paths: &'a Paths,
    /// The settings from the config file.
    pub config: &'a Config,
    /// The clock the box runs on.
    pub clock: Rc<dyn Clock>,
}

/// Plans the box and plays it on `input` and `out`, every move saved as it happens.
pub fn run(
    env: &Env<'_>,
    store: &mut Store,
    start: &BoxStart,
    input: &mut dyn BufRead,
    out: &mut dyn Write,
) -> anyhow::Result<()> {
    let Env {
        paths,
        config,
        clock,
    } = env;
    let now = clock.now_ms();
    let course = start.course.as_deref();
    let planned = match plan(paths, store, course, start.minutes, start.reviews_only, now) {
        Ok(planned) => planned,
        Err(PlanError::NothingFits { minutes }) => {
            let minutes = crate::text::words::plural(minutes as usize, "minute");
            writeln!(out, "Nothing to do fits in {minutes}.")?;
            return Ok(());
        }
        Err(e) => return Err(e.into()),
    };
    let mut timebox = planned.timebox;
    writeln!(out, "{}", intro(&timebox))?;
    let mut noted = false;
    let idle_ms = i64::from(config.idle_pause_minutes) * 60_000;
    if !timebox.reviews.is_empty() {
        let retention = config.desired_retention;
        let (scheduler, items) = planned_reviews(paths, store, &timebox.reviews, retention, now)?;
        if !items.is_empty() {
            let mut reviewing = Reviewing::new(items, scheduler, clock.clone());
            let mut item = reviewing.position();
            let ended = review::review(&mut reviewing, store, input, out, &mut |r, out| {
                timebox.key(clock.now_ms(), true, idle_ms);
                let moved = r.position() != item && !r.is_done();
                item = r.position();
                cue(&timebox, moved, &mut noted, out)?;
                Ok(false)
            })?;
            timebox.reviewed = reviewing.tally().reviewed;
            if ended == Ended::Left {
                return done(&timebox, store, clock.now_ms(), out);
            }
        }
    }
    if let Some(path) = &planned.course {
        bites(env, store, path, &mut timebox, input, out)?;
    }
    done(&timebox, store, clock.now_ms(), out)
}

/// The plan in one line: `Time box: 10 min. Planned: 2 reviews, 3 bites, about 7 min.`
fn intro(timebox: &Timebox) -> String {
    let (reviews, missed, bites) = timebox.plan.counts();
    use crate::text::words::plural;
    let mut parts = Vec::new();
    if reviews > 0 {
        parts.push(plural(reviews, "review"));
    }
    if missed > 0 {
        parts.push(plural(missed, "missed question"));
    }
    if bites > 0 {
        parts.push(plural(bites, "bite"));
    }
    format!(
        "Time box: {} min. Planned: {}, about {}.",
        timebox.plan.minutes,
        parts.join(", "),
        crate::text::words::duration(timebox.plan.estimate_seconds)
    )
}

/// After a line: at 80% the notice, once; otherwise, at a new item or bite, how much of the box is used.
fn cue(
    timebox: &Timebox,
    moved: bool,
    noted: &mut bool,
    out: &mut dyn Write,
) -> anyhow::Result<()> {
    match timebox.note() {
        Some(note) if !*noted => {
            *noted = true;
            writeln!(out, "{note}.")?;
        }
        _ if moved => writeln!(out, "{} used.", timebox.cue())?,
        _ => {}
    }
    Ok(())
}

/// The box's bites: the course at its resume point, played until past the last planned bite, or until the time
/// is up and a new bite begins. Another terminal playing the course is asked about first, as `play --plain` does.
fn bites(
    env: &Env<'_>,
    store: &mut Store,
    path: &std::path::Path,
    timebox: &mut Timebox,
    input: &mut dyn BufRead,
    out: &mut dyn Write,
) -> anyhow::Result<()> {
    let (config, clock) = (env.config, &env.clock);
    let pack = open_pack(env.paths, path)?;
    let course = pack.course.id.clone();
    let now = clock.now_ms();
    let offset = clock.utc_offset_min(now);
    if takeover::claim(store, &course, now, offset, input, out)? == Claimed::Left {
        return Ok(());
    }
    let heartbeat = store.heartbeat();
    let retention = config.desired_retention;
    let options = OpenOptions::default();
    let mut session = crate::app::open::session(pack, store, clock.clone(), &options, retention)?;
    let history = |store: &Store, session: &Session| {
        let course = &session.pack().course.id;
        Ok(store.outcome_history(course, clock.now_ms(), session.scheduler())?)
    };
    let idle_ms = i64::from(config.idle_pause_minutes) * 60_000;
    let mut noted = timebox.nearly_done();
    let mut bite = (session.lesson_index(), session.bite().number);
    let mut input = Watched::new(input, heartbeat.as_ref());
    let played = super::play(
        &mut session,
        store,
        &mut input,
        out,
        &history,
        &mut |s, out| {
            timebox.key(clock.now_ms(), !s.is_paused(), idle_ms);
            let here = (s.lesson_index(), s.bite().number);
            let over = timebox.over_at(s.pack(), here, matches!(s.stage(), Stage::CourseDone));
            if !over {
                timebox.shown.insert(here);
                cue(timebox, here != bite, &mut noted, out)?;
            }
            bite = here;
            Ok(over)
        },
    );
    timebox.bites_read = timebox.shown.len();
    let closed = session.close(store);
    drop(heartbeat);
    // Only this player's own claim is deleted: a lost one stays the other terminal's.
    let _ = store.release();
    played?;
    closed?;
    Ok(())
}

/// The course's pack with the learner's own objectives (`objectives.toml` beside the config), as `play` opens it.
fn open_pack(paths: &Paths, path: &std::path::Path) -> anyhow::Result<Pack> {
    let mut pack = crate::pack::load(path).into_pack().map_err(|_| {
        anyhow::anyhow!(
            "{} has errors; `morsel check {}` shows them in full",
            path.display(),
            path.display()
        )
    })?;
    let own = crate::app::open::add_own_objectives(&mut pack, &paths.config);
    if let Some(error) = own.error_line() {
        anyhow::bail!("{error}");
    }
    Ok(pack)
}

/// The box's end: what was done against the plan, and when the next review is due.
fn done(timebox: &Timebox, store: &Store, now: i64, out: &mut dyn Write) -> anyhow::Result<()> {
    let next_due = store.next_due_after(None, now)?;
    writeln!(out, "\n{}", sanitize(&timebox.done_heading()))?;
    for line in timebox.done_lines() {
        writeln!(out, "{line}")?;
    }
    writeln!(out, "{}", next_due_line(next_due, now))?;
    writeln!(out, "Saved. Bye.")?;
    Ok(())
}

/// `play --plain --minutes N` and `review --plain --minutes N` on stdin and stdout, in the learner's local time.
pub(crate) fn run_stdio(
    settings: (&Paths, &Config),
    store: &mut Store,
    minutes: u32,
    course: Option<PathBuf>,
    reviews_only: bool,
    out: &mut dyn Write,
) -> anyhow::Result<()> {
    let (paths, config) = settings;
    let start = BoxStart {
        minutes,
        course,
        reviews_only,
    };
    let clock = Rc::new(crate::learn::clock::LocalClock {
        zone: crate::learn::clock::Zone::learner()?,
    });
    let env = Env {
        paths,
        config,
        clock,
    };
    let stdin = std::io::stdin();
    run(&env, store, &start, &mut stdin.lock(), out)?;
    out.flush()?;
    Ok(())
}
