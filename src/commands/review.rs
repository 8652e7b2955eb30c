//! `morsel review [COURSE]`: what spaced repetition brings back today, the weakest first, in the full screen or as
//! plain lines; `--minutes N` as many as fit; `--ahead` what is not due yet; `--optimize` fits the learner's own FSRS
//! parameters instead.

use std::io::{self, Write};
use std::process::ExitCode;
use std::rc::Rc;

use super::Global;
use crate::app::overview;
use crate::learn::clock::LocalClock;
use crate::learn::sitting::{Reviewing, comes_back};
use crate::store::Store;
use crate::text::sanitize;

#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// Only this course (a pack folder or a course id).
    #[arg(value_name = "PATH|COURSE_ID")]
    pub(crate) course: Option<String>,
    /// At most this many items.
    #[arg(long, value_name = "N")]
    limit: Option<usize>,
    /// I have N minutes: as many of the due items as fit, from your own pace.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=1440),
          conflicts_with_all = ["ahead"])]
    minutes: Option<u32>,
    /// Study ahead: items not due yet, soonest due first (logged as early reviews).
    #[arg(long)]
    ahead: bool,
    /// Plain lines on stdout and answers on stdin, for screen readers and scripts.
    #[arg(long)]
    plain: bool,
    /// Fit personal FSRS parameters to your own review log instead of reviewing.
    #[arg(long, conflicts_with_all = ["course", "limit", "ahead", "plain"])]
    optimize: bool,
}

pub(crate) fn run(args: Args, global: &Global) -> anyhow::Result<ExitCode> {
    let now = super::now();
    let settings = global.settings()?;
    // An id that names no course is said before anything is created.
    let course = match &args.course {
        Some(target) => Some(known_course(&settings.paths, target)?),
        None => None,
    };
    if let Some(minutes) = args.minutes {
        let target = args.course.as_deref();
        if args.plain {
            return super::play::plain_time_box(minutes, target, true, &settings);
        }
        return super::play::time_box(minutes, target, true, settings);
    }
    let mut store = Store::open(&settings.paths.db)?;
    let stdout = io::stdout();
    let mut out = stdout.lock();
    if args.optimize {
        let _ = crate::commands::optimize::optimize(&mut store, now, &mut out)?;
        return super::done(out, ExitCode::SUCCESS);
    }
    let clock = Rc::new(LocalClock {
        zone: crate::learn::clock::Zone::learner()?,
    });
    let (scheduler, items) = overview::review_queue(
        &settings.paths,
        &store,
        course.as_deref(),
        now,
        args.ahead,
        args.limit,
        settings.config.desired_retention,
    )?;
    if items.is_empty() {
        nothing_due(&store, course.as_deref(), now, args.ahead, &mut out)?;
        return super::done(out, ExitCode::SUCCESS);
    }
    let mut reviewing = Reviewing::new(items, scheduler, clock);
    if args.plain {
        let stdin = io::stdin();
        crate::plain::review::run(&mut reviewing, &mut store, &mut stdin.lock(), &mut out)?;
        return super::done(out, ExitCode::SUCCESS);
    }
    drop(out);
    let start = crate::tui::Start::Review(Box::new(reviewing));
    super::play::full_screen(start, settings, store)
}

/// The course id of a pack folder, of a course on the course path, or of a course played before; anything else is
/// refused as `play` refuses it, naming the courses there are.
fn known_course(paths: &crate::app::paths::Paths, target: &str) -> anyhow::Result<String> {
    if std::path::Path::new(target).is_dir() {
        return super::course_id(target);
    }
    let store = super::open_to_write(&paths.db)?;
    if let Some(store) = &store
        && store.course(target)?.is_some()
    {
        return Ok(target.to_string());
    }
    crate::app::open::find_played(paths, store.as_ref(), target)?;
    Ok(target.to_string())
}

/// Says that nothing is due, when the next item is, and how to study ahead.
fn nothing_due(
    store: &Store,
    course: Option<&str>,
    now: i64,
    ahead: bool,
    out: &mut dyn Write,
) -> anyhow::Result<()> {
    let of = course.map_or_else(String::new, |c| format!(" in `{}`", sanitize(c)));
    if ahead {
        writeln!(
            out,
            "Nothing scheduled{of} yet: cards and questions enter review as you meet them in lessons."
        )?;
        return Ok(());
    }
    match store.next_due_after(course, now)? {
        Some(due) => writeln!(
            out,
            "Nothing due{of} now; the next item comes back {}. `morsel review --ahead` studies ahead.",
            comes_back(due, now).trim_start_matches("again ")
        )?,
        None => writeln!(
            out,
            "Nothing due{of}: cards and questions enter review as you meet them in lessons."
        )?,
    }
    Ok(())
}
