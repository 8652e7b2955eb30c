//! The command line: what each command takes, and running it. `main.rs` only maps the outcome to an exit code.

use std::io::{self, IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::clock::{Clock, SystemClock};
use crate::commands::{check, list, stats};
use crate::paths::Paths;
use crate::store::Store;

#[derive(Debug, Parser)]
#[command(
    name = "morsel",
    version,
    about = "A terminal micro-course player: learn in small bites, offline."
)]
pub struct Cli {
    #[command(flatten)]
    pub global: Global,
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// Options that every command takes, before or after its name.
#[derive(Debug, Args)]
pub struct Global {
    /// The progress database [default: $XDG_DATA_HOME/morsel/progress.db]
    #[arg(long, global = true, env = "MORSEL_DB", value_name = "PATH")]
    pub db: Option<PathBuf>,
    /// Where to look for courses, in order; `:`-separated in MORSEL_COURSES [default: ./courses, then
    /// $XDG_DATA_HOME/morsel/courses]
    #[arg(
        long,
        global = true,
        env = "MORSEL_COURSES",
        value_name = "DIR",
        value_delimiter = ':'
    )]
    pub courses: Vec<PathBuf>,
    /// The config file [default: $XDG_CONFIG_HOME/morsel/config.toml]
    #[arg(long, global = true, env = "MORSEL_CONFIG", value_name = "PATH")]
    pub config: Option<PathBuf>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Check lesson packs and report every problem, with file, line and column.
    Check {
        /// Pack directories (each holding a course.toml).
        #[arg(required = true, value_name = "PATH")]
        paths: Vec<PathBuf>,
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
        /// When to colour the text output.
        #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
        color: ColorChoice,
    },
    /// Show progress per course: lessons complete and mastered, accuracy, time on task, position.
    Stats {
        /// Only this course.
        #[arg(value_name = "COURSE_ID")]
        course: Option<String>,
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
    },
    /// List the courses on the course path with their progress.
    List {
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
    },
    /// Print where morsel keeps its database and config, and where it looks for courses.
    Paths,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Text,
    Json,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

impl ColorChoice {
    /// `auto` colours only a terminal, and never when `NO_COLOR` is set (https://no-color.org).
    pub fn enabled(self, stream: &impl IsTerminal) -> bool {
        match self {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => {
                stream.is_terminal() && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
            }
        }
    }
}

/// Runs a parsed command line. Output errors, such as a closed pipe, come back as `io::Error` in the chain.
pub fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    let stdout = io::stdout();
    let mut out = stdout.lock();
    let paths = || {
        Paths::resolve(
            cli.global.db.clone(),
            cli.global.config.clone(),
            cli.global.courses.clone(),
        )
    };
    let now = SystemClock.now_ms();
    let code = match cli.command {
        None => {
            writeln!(
                out,
                "{}",
                <Cli as clap::CommandFactory>::command().render_help()
            )?;
            ExitCode::SUCCESS
        }
        Some(Command::Check {
            paths,
            format,
            color,
        }) => {
            let reports = check::load_all(&paths);
            match format {
                Format::Text => {
                    check::write_text(&reports, color.enabled(&io::stdout()), &mut out)?
                }
                Format::Json => check::write_json(&reports, &mut out)?,
            }
            if check::any_errors(&reports) {
                ExitCode::from(1)
            } else {
                ExitCode::SUCCESS
            }
        }
        Some(Command::Stats { course, format }) => {
            let paths = paths()?;
            let courses = match Store::open_existing(&paths.db)? {
                Some(store) => stats::gather(&paths, &store, course.as_deref(), now)?,
                None => Vec::new(),
            };
            if let Some(id) = &course
                && courses.is_empty()
            {
                anyhow::bail!(
                    "no progress saved for course `{id}` in {}",
                    paths.db.display()
                );
            }
            match format {
                Format::Text => stats::write_text(&courses, &mut out)?,
                Format::Json => stats::write_json(&courses, &mut out)?,
            }
            ExitCode::SUCCESS
        }
        Some(Command::List { format }) => {
            let paths = paths()?;
            let store = Store::open_existing(&paths.db)?;
            let courses = list::gather(&paths, store.as_ref(), now)?;
            match format {
                Format::Text => list::write_text(&courses, &paths, &mut out)?,
                Format::Json => list::write_json(&courses, &mut out)?,
            }
            ExitCode::SUCCESS
        }
        Some(Command::Paths) => {
            let paths = paths()?;
            writeln!(out, "database  {}", paths.db.display())?;
            writeln!(out, "config    {}", paths.config.display())?;
            writeln!(out, "data      {}", paths.data_dir.display())?;
            for (i, dir) in paths.courses.iter().enumerate() {
                writeln!(
                    out,
                    "{}{}",
                    if i == 0 { "courses   " } else { "          " },
                    dir.display()
                )?;
            }
            ExitCode::SUCCESS
        }
    };
    out.flush().context("writing to stdout")?;
    Ok(code)
}

#[cfg(test)]
mod tests {
    #[test]
    fn cli_definition_is_valid() {
        <super::Cli as clap::CommandFactory>::command().debug_assert();
    }
}
