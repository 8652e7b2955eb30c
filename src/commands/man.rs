//! `morsel man [--dir DIR]`: the manual page (roff), or one page per command, generated from the same
//! `clap::Command` that parses the command line.

use std::io::{self, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context as _;

use crate::text::sanitize;

#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// Write morsel.1 and a page for every command (morsel-play.1, …) into this folder, created when missing.
    #[arg(long, value_name = "DIR")]
    dir: Option<PathBuf>,
}

pub(crate) fn run(args: Args, command: clap::Command) -> anyhow::Result<ExitCode> {
    let stdout = io::stdout();
    let mut out = stdout.lock();
    match args.dir {
        None => clap_mangen::Man::new(command)
            .render(&mut out)
            .context("writing the manual page")?,
        Some(dir) => {
            std::fs::create_dir_all(&dir).with_context(|| format!("creating {}", dir.display()))?;
            clap_mangen::generate_to(command, &dir)
                .with_context(|| format!("writing manual pages to {}", dir.display()))?;
            let shown = dir.display().to_string();
            writeln!(out, "manual pages written to {}", sanitize(&shown))?;
        }
    }
    super::done(out, ExitCode::SUCCESS)
}
