//! `morsel play [COURSE]`: a course in the full screen, or as plain lines with `--plain`; with `--minutes N`, a time
//! box (due reviews first, then the bites that fit). With no course, the one played last.

use std::io::{self, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use std::rc::Rc;

use super::{Global, own_objectives, playable, require_terminal};
use crate::app::open;
use crate::learn::clock::LocalClock;
use crate::learn::session::{OpenOptions, Session};
use crate::plain::takeover::{self, Claimed};
use crate::store::Store;
use crate::tui::Start;
use crate::tui::context::Settings;

#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// The course [default: the one played last]
    #[arg(value_name = "PATH|COURSE_ID")]
    pub(crate) target: Option<String>,
    /// I have N minutes: due reviews first, then the bites that fit, from your own pace.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=1440),
          conflicts_with_all = ["lesson", "restart"])]
    minutes: Option<u32>,
    /// Start at the first bite of this lesson.
    #[arg(long, value_name = "ID")]
    lesson: Option<String>,
    /// Start at the course's first bite, whatever was saved.
    #[arg(long)]
    restart: bool,
    /// Plain lines on stdout and commands on stdin, for screen readers and scripts.
    #[arg(long)]
    plain: bool,
}

pub(crate) fn run(args: Args, global: &Global) -> anyhow::Result<ExitCode> {
    let settings = global.settings()?;
    if let Some(minutes) = args.minutes {
        let target = args.target.as_deref();
        if args.plain {
            return plain_time_box(minutes, target, false, &settings);
        }
        return time_box(minutes, target, false, settings);
    }
    let path = course(&settings, args.target.as_deref())?;
    let options = OpenOptions {
        lesson: args.lesson,
        restart: args.restart,
        bite: None,
    };
    if !args.plain && open::at_a_glance(&settings.paths, &path, options.lesson.as_deref()) {
        // A large pack known from its lesson index: the player shows its first frame before the rest of it is
        // read.
        let store = Store::open(&settings.paths.db)?;
        return full_screen(Start::Pack { path, options }, settings, store);
    }
    let report = crate::pack::load(&path);
    if let Some(course) = &report.course
        && report.errors().next().is_none()
    {
        crate::app::overview::require_lesson(
            &course.id,
            &report.lessons,
            options.lesson.as_deref(),
        )?;
    }
    let store = Store::open(&settings.paths.db)?;
    if args.plain {
        let mut pack = playable(report)?;
        own_objectives(&settings.paths.config, &mut pack)?;
        return plain(pack, &options, &settings, store);
    }
    let start = Start::Loaded {
        report: Box::new(report),
        options,
    };
    full_screen(start, settings, store)
}

/// The folder of the course asked for, or of the one played last.
fn course(settings: &Settings, target: Option<&str>) -> anyhow::Result<PathBuf> {
    let store = super::open_to_write(&settings.paths.db)?;
    match target {
        Some(target) => Ok(open::find_played(&settings.paths, store.as_ref(), target)?),
        None => match store
            .map(|s| open::last_played(&settings.paths, &s))
            .transpose()?
        {
            Some(Some(path)) => Ok(path),
            _ => anyhow::bail!(
                "no course played yet: name one (`morsel play COURSE_ID`; `morsel list` shows them), or run `morsel` to choose in the library"
            ),
        },
    }
}

/// A time box of `minutes` in the full screen: reviews, then (unless `reviews_only`) the bites of `target` or of
/// the course played last.
pub(crate) fn time_box(
    minutes: u32,
    target: Option<&str>,
    reviews_only: bool,
    settings: Settings,
) -> anyhow::Result<ExitCode> {
    let store = Store::open(&settings.paths.db)?;
    let course = target
        .map(|t| open::find_played(&settings.paths, Some(&store), t))
        .transpose()?;
    let start = Start::TimeBox {
        minutes,
        course,
        reviews_only,
    };
    full_screen(start, settings, store)
}

/// A time box of `minutes` as plain lines (`plain::timebox`): the same plan, notices and summary as the full
/// screen.
pub(crate) fn plain_time_box(
    minutes: u32,
    target: Option<&str>,
    reviews_only: bool,
    settings: &Settings,
) -> anyhow::Result<ExitCode> {
    let mut store = Store::open(&settings.paths.db)?;
    let course = target
        .map(|t| open::find_played(&settings.paths, Some(&store), t))
        .transpose()?;
    let stdout = io::stdout();
    let mut out = stdout.lock();
    let paths_config = (&settings.paths, &settings.config);
    crate::plain::timebox::run_stdio(
        paths_config,
        &mut store,
        minutes,
        course,
        reviews_only,
        &mut out,
    )?;
    super::done(out, ExitCode::SUCCESS)
}

/// Runs the full screen from `start`.
pub(crate) fn full_screen(
    start: Start,
    settings: Settings,
    store: Store,
) -> anyhow::Result<ExitCode> {
    require_terminal()?;
    crate::tui::run(start, settings, store)?;
    Ok(ExitCode::SUCCESS)
}

/// `play --plain`: another terminal playing this course is asked about first; then this one holds it, beats its
/// claim while lines come in, and lets it go at the end.
fn plain(
    pack: crate::pack::Pack,
    options: &OpenOptions,
    settings: &Settings,
    mut store: Store,
) -> anyhow::Result<ExitCode> {
    let now = super::now();
    let zone = crate::learn::clock::Zone::learner()?;
    let offset = zone.offset_minutes(now);
    let stdin = io::stdin();
    let mut input = stdin.lock();
    let stdout = io::stdout();
    let mut out = stdout.lock();
    let course = pack.course.id.clone();
    if takeover::claim(&mut store, &course, now, offset, &mut input, &mut out)? == Claimed::Left {
        return super::done(out, ExitCode::from(1));
    }
    let heartbeat = store.heartbeat();
    let clock = Rc::new(LocalClock { zone });
    let retention = settings.config.desired_retention;
    let mut session = open::session(pack, &mut store, clock, options, retention)?;
    let history = |store: &Store, session: &Session| {
        let course = &session.pack().course.id;
        Ok(store.outcome_history(course, super::now(), session.scheduler())?)
    };
    let played = crate::plain::run_with(
        &mut session,
        &mut store,
        &mut takeover::Watched::new(input, heartbeat.as_ref()),
        &mut out,
        &history,
    );
    drop(heartbeat);
    // Only this player's own claim is deleted: a lost one stays the other terminal's.
    let _ = store.release();
    played?;
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}
