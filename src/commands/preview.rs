//! `morsel preview PATH`: a pack as a learner sees it, for its author: nothing saved (the progress database is never
//! opened), reloaded on every save of its files.

use std::path::PathBuf;
use std::process::ExitCode;

use super::Global;
use crate::learn::session::OpenOptions;
use crate::store::Store;

#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// The pack's folder.
    #[arg(value_name = "PATH")]
    path: PathBuf,
    /// Start at this lesson.
    #[arg(long, value_name = "ID")]
    lesson: Option<String>,
    /// With --lesson: start at this bite (1-based).
    #[arg(long, value_name = "N", requires = "lesson")]
    bite: Option<usize>,
}

pub(crate) fn run(args: Args, global: &Global) -> anyhow::Result<ExitCode> {
    let settings = global.settings()?;
    let lesson = args.lesson.as_deref();
    if !crate::app::open::at_a_glance(&settings.paths, &args.path, lesson) {
        let report = crate::pack::load(&args.path);
        if let Some(course) = &report.course
            && report.errors().next().is_none()
        {
            crate::app::overview::require_lesson(&course.id, &report.lessons, lesson)?;
        }
    }
    let options = OpenOptions {
        lesson: args.lesson,
        restart: false,
        bite: args.bite,
    };
    let start = crate::tui::Start::Preview {
        path: args.path,
        options,
    };
    super::play::full_screen(start, settings, Store::in_memory()?)
}
