//! `morsel paths`: where the database, config, data and cache are, the course path in order, and where each course
//! on it comes from.

use std::io::{self, Write};
use std::process::ExitCode;

use super::{Global, SanitisedLines};

pub(crate) fn run(global: &Global) -> anyhow::Result<ExitCode> {
    let paths = global.paths()?;
    let stdout = io::stdout();
    // Paths come from flags and the environment: outside text like any other.
    let mut out = SanitisedLines::new(stdout.lock());
    writeln!(out, "database  {}", paths.db.display())?;
    writeln!(out, "config    {}", paths.config.display())?;
    writeln!(out, "data      {}", paths.data_dir.display())?;
    writeln!(out, "cache     {}", paths.cache_dir.display())?;
    for (i, dir) in paths.courses.iter().enumerate() {
        let label = if i == 0 { "courses   " } else { "          " };
        writeln!(out, "{label}{}", dir.display())?;
    }
    // Where each course comes from: a folder on the course path, or the bundled copy installed where.
    let home = paths.bundled_home();
    let sources = crate::app::bundled::sources(&paths.all_packs(), home.as_deref());
    let width = sources.iter().map(|(id, _)| id.len()).max().unwrap_or(0);
    for (id, source) in sources {
        writeln!(out, "course    {id:width$}  {source}")?;
    }
    super::done(out, ExitCode::SUCCESS)
}
