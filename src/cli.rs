//! The command line: the commands there are, and which module runs each (one module per command under
//! `commands/`, owning its arguments). `main.rs` only maps the outcome to an exit code.

use std::process::ExitCode;

use clap::{CommandFactory, Parser, Subcommand};

use crate::commands::{
    self, Global, check, completions, export, import, library, list, man, new, notes, paths, plan,
    play, preview, print, review, stats, status, sync, team,
};

#[derive(Debug, Parser)]
#[command(
    name = "morsel",
    version,
    about = "A terminal micro-course player: learn in small bites, offline."
)]
/// The command line: the global flags and the subcommand (none opens the player).
pub struct Cli {
    #[command(flatten)]
    pub(crate) global: Global,
    #[command(subcommand)]
    pub(crate) command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub(crate) enum Command {
    /// Check lesson packs and report every problem, with file, line and column.
    Check(check::Args),
    /// Play a pack as a learner sees it, saving nothing, reloaded on every save of its files: for authors.
    Preview(preview::Args),
    /// Write a new pack that passes `check`: course.toml, two lessons showing every question kind, a README.
    New(new::Args),
    /// Show progress per course: lessons complete and mastered, accuracy, time on task, position.
    Stats(stats::Args),
    /// List the courses on the course path with their progress.
    List(list::Args),
    /// Review what is due: cards and questions of every course (or one) brought back by spaced repetition, the
    /// weakest first.
    Review(review::Args),
    /// Play a course: a pack directory, or the id of a course on the course path; with none, the one played last.
    Play(play::Args),
    /// Print lessons to stdout as the player renders them.
    Print(print::Args),
    /// Print where morsel keeps its database and config, and where it looks for courses.
    Paths,
    /// Print your notes in course order, each with its bite (lesson, bite number, first line). Press n on a bite
    /// to write one; a note starting with ? is a question for the author.
    Notes(notes::Args),
    /// Write your saved data out for other tools.
    Export {
        #[command(subcommand)]
        what: export::Args,
    },
    /// One short line for a shell prompt or a tmux status bar: items due, today's active minutes against the daily
    /// goal, the streak. Prints nothing when there is no database yet.
    Status(status::Args),
    /// Write a new pack from quiz questions, flashcards or a book in another format, and say what was skipped.
    Import {
        #[command(subcommand)]
        from: import::Args,
    },
    /// Plan a session of N minutes without playing it: due reviews, then missed questions, then new bites that fit.
    Plan(plan::Args),
    /// Send your learning records as xAPI statements to a Learning Record Store: every statement it has not
    /// accepted yet, in batches; credentials from MORSEL_LRS_USER and MORSEL_LRS_PASSWORD or the config.
    Sync(sync::Args),
    /// Read a course's outcomes across a team from its learners' xAPI statements (an LRS's export, or several
    /// learners' `morsel export xapi`): learners, lessons, key results, retention, and item analysis for the author.
    Team(team::Args),
    /// Print a shell completion script: e.g. `morsel completions bash > ~/.local/share/bash-completion/completions/morsel`.
    Completions(completions::Args),
    /// Print the manual page (roff), or write one page per command into a folder: e.g.
    /// `morsel man --dir ~/.local/share/man/man1`, then `man morsel-play`.
    Man(man::Args),
}

/// Runs a parsed command line. Output errors, such as a closed pipe, come back as `io::Error` in the chain.
pub fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    let global = &cli.global;
    if lists_courses(cli.command.as_ref()) {
        commands::install_bundled(global);
    }
    match cli.command {
        None => library::run(global),
        Some(Command::Check(args)) => check::run(args),
        Some(Command::Preview(args)) => preview::run(args, global),
        Some(Command::New(args)) => new::run(args),
        Some(Command::Stats(args)) => stats::run(args, global),
        Some(Command::List(args)) => list::run(args, global),
        Some(Command::Review(args)) => review::run(args, global),
        Some(Command::Play(args)) => play::run(args, global),
        Some(Command::Print(args)) => print::run(args, global),
        Some(Command::Paths) => paths::run(global),
        Some(Command::Notes(args)) => notes::run(args, global),
        Some(Command::Export { what }) => export::run(what, global),
        Some(Command::Status(args)) => status::run(args, global),
        Some(Command::Import { from }) => import::run(from),
        Some(Command::Plan(args)) => plan::run(args, global),
        Some(Command::Sync(args)) => sync::run(args, global),
        Some(Command::Team(args)) => team::run(args, global),
        Some(Command::Completions(args)) => completions::run(args, Cli::command()),
        Some(Command::Man(args)) => man::run(args, Cli::command()),
    }
}

/// Whether a command looks through the course path (the library, `list`, `stats`, `plan`, `review`, `notes`, and
/// `play` or `print` of a course id), and so first installs the bundled courses there. Not `status`: a shell prompt
/// runs it at every line, and it writes nothing.
fn lists_courses(command: Option<&Command>) -> bool {
    let folder = |target: &str| std::path::Path::new(target).is_dir();
    match command {
        None
        | Some(
            Command::List(_)
            | Command::Stats(_)
            | Command::Plan(_)
            | Command::Review(_)
            | Command::Notes(_),
        ) => true,
        Some(Command::Play(args)) => !args.target.as_deref().is_some_and(folder),
        Some(Command::Print(args)) => !folder(&args.target),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn cli_definition_is_valid() {
        <super::Cli as clap::CommandFactory>::command().debug_assert();
    }
}
