//! The command line: what each command takes, and running it. `main.rs` only maps the outcome to an exit code.

use std::io::{self, IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};

use crate::check;

#[derive(Debug, Parser)]
#[command(
    name = "morsel",
    version,
    about = "A terminal micro-course player: learn in small bites, offline."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Check lesson packs and report every problem, with file, line and column.
    Check {
        /// Pack directories (each holding a course.toml).
        #[arg(required = true, value_name = "PATH")]
        paths: Vec<PathBuf>,
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
        /// When to colour the text output.
        #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
        color: ColorChoice,
    },
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

/// Runs a parsed command line. Output errors (such as a closed pipe) come back as `io::Error`.
pub fn run(cli: Cli) -> io::Result<ExitCode> {
    let stdout = io::stdout();
    match cli.command {
        None => {
            let mut out = stdout.lock();
            writeln!(
                out,
                "{}",
                <Cli as clap::CommandFactory>::command().render_help()
            )?;
            Ok(ExitCode::SUCCESS)
        }
        Some(Command::Check {
            paths,
            format,
            color,
        }) => {
            let reports = check::load_all(&paths);
            let mut out = stdout.lock();
            match format {
                Format::Text => {
                    check::write_text(&reports, color.enabled(&io::stdout()), &mut out)?
                }
                Format::Json => check::write_json(&reports, &mut out)?,
            }
            out.flush()?;
            Ok(if check::any_errors(&reports) {
                ExitCode::from(1)
            } else {
                ExitCode::SUCCESS
            })
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn cli_definition_is_valid() {
        <super::Cli as clap::CommandFactory>::command().debug_assert();
    }
}
