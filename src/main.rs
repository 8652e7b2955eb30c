//! The `morsel` binary: parse the command line, run it, map the outcome to an exit code.

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = morsel::cli::Cli::parse();
    match morsel::cli::run(cli) {
        Ok(code) => code,
        // `morsel check … | head` closing the pipe early is not a failure.
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("morsel: {e}");
            ExitCode::from(2)
        }
    }
}
