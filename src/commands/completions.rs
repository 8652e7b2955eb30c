//! `morsel completions SHELL`: a completion script, generated from the same `clap::Command` that parses the command
//! line, so that it cannot drift from it.

use std::io::{self, Write};
use std::process::ExitCode;

#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// The shell to complete in.
    #[arg(value_enum)]
    shell: clap_complete::Shell,
}

pub(crate) fn run(args: Args, mut command: clap::Command) -> anyhow::Result<ExitCode> {
    // Generated into memory: clap_complete panics on a write error, and `… | head` is not one.
    let mut script = Vec::new();
    clap_complete::generate(args.shell, &mut command, "morsel", &mut script);
    let stdout = io::stdout();
    let mut out = stdout.lock();
    out.write_all(&script)?;
    super::done(out, ExitCode::SUCCESS)
}
