//! The `morsel` binary: parse the command line, run it, map the outcome to an exit code.

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = morsel::cli::Cli::parse();
    match morsel::cli::run(cli) {
        Ok(code) => code,
        // `morsel check … | head` closing the pipe early is not a failure.
        Err(e) if is_broken_pipe(&e) => ExitCode::SUCCESS,
        Err(e) => {
            // Every error passes here, whatever it quotes (a path, an id, a config key or value): sanitised once at
            // the edge, so that none can reach the terminal as a control sequence.
            eprintln!("morsel: {}", morsel::text::sanitize(&format!("{e:#}")));
            ExitCode::from(2)
        }
    }
}

fn is_broken_pipe(e: &anyhow::Error) -> bool {
    e.chain()
        .filter_map(|cause| cause.downcast_ref::<std::io::Error>())
        .any(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
}
