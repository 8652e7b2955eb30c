//! The command line: what each command takes, and running it. `main.rs` only maps the outcome to an exit code.

use std::io::{self, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;
use clap::{Args, Parser, Subcommand, ValueEnum};

use std::rc::Rc;

use crate::clock::{Clock, SystemClock};
use crate::commands::{check, export, feedback, list, notes, plan, print, stats, status, xapi};
use crate::config::{Config, ThemeName};
use crate::overview;
use crate::paths::Paths;
use crate::render::{Styles, sanitize};
use crate::session::{OpenOptions, Session};
use crate::store::Store;
use crate::tui::Settings;
use crate::tui::keymap::Keymap;

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
        /// Check again on every save, until interrupted.
        #[arg(long)]
        watch: bool,
    },
    /// Play a pack as a learner sees it, saving nothing, reloaded on every save of its files: for authors.
    Preview {
        /// The pack's folder.
        #[arg(value_name = "PATH")]
        path: PathBuf,
        /// Start at this lesson.
        #[arg(long, value_name = "ID")]
        lesson: Option<String>,
        /// With --lesson: start at this bite (1-based).
        #[arg(long, value_name = "N", requires = "lesson")]
        bite: Option<usize>,
    },
    /// Write a new pack that passes `check`: course.toml, two lessons showing every question kind, a README.
    New {
        /// The pack's folder: created when missing, and it must be empty.
        #[arg(value_name = "DIR")]
        dir: PathBuf,
        /// The course id (default: the folder's name made into an id).
        #[arg(long)]
        id: Option<String>,
        /// The course title (default: the id in words).
        #[arg(long)]
        title: Option<String>,
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
    /// Review what is due: cards and questions of every course (or one) brought back by spaced repetition, the
    /// weakest first.
    Review {
        /// Only this course (a pack folder or a course id).
        #[arg(value_name = "PATH|COURSE_ID")]
        course: Option<String>,
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
    },
    /// Play a course: a pack directory, or the id of a course on the course path.
    Play {
        /// The course [default with --minutes: the one played last]
        #[arg(value_name = "PATH|COURSE_ID", required_unless_present = "minutes")]
        target: Option<String>,
        /// I have N minutes: due reviews first, then the bites that fit, from your own pace.
        #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=1440),
              conflicts_with_all = ["lesson", "restart"])]
        minutes: Option<u32>,
        /// Start at the first bite of this lesson.
        #[arg(long, value_name = "ID")]
        lesson: Option<String>,
        /// Start at the course's first bite, whatever was saved.
        #[arg(long)]
        restart: bool,
        /// Plain lines on stdout and commands on stdin, for screen readers and scripts.
        #[arg(long)]
        plain: bool,
    },
    /// Print lessons to stdout as the player renders them.
    Print {
        /// A pack directory, or the id of a course on the course path.
        #[arg(value_name = "PATH|COURSE_ID")]
        target: String,
        /// Only this lesson.
        #[arg(long, value_name = "ID")]
        lesson: Option<String>,
        /// Text width in columns.
        #[arg(long, default_value_t = 80, value_parser = clap::value_parser!(u16).range(20..=400))]
        width: u16,
        /// Show the answers, the explanations and the backs of cards.
        #[arg(long)]
        answers: bool,
        /// When to style the output.
        #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
        color: ColorChoice,
    },
    /// Print where morsel keeps its database and config, and where it looks for courses.
    Paths,
    /// Print your notes in course order, each with its bite (lesson, bite number, first line). Press n on a bite
    /// to write one; a note starting with ? is a question for the author.
    Notes {
        /// Only this course.
        #[arg(value_name = "COURSE_ID")]
        course: Option<String>,
        #[arg(long, value_enum, default_value_t = NotesFormat::Md)]
        format: NotesFormat,
    },
    /// Write your saved data out for other tools.
    Export {
        #[command(subcommand)]
        what: Export,
    },
    /// One short line for a shell prompt or a tmux status bar: items due, today's active minutes against the daily
    /// goal, the streak. Prints nothing when there is no database yet.
    Status {
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
    },
    /// Write a new pack from quiz questions, flashcards or a book in another format, and say what was skipped.
    Import {
        #[command(subcommand)]
        from: ImportFrom,
    },
    /// Plan a session of N minutes without playing it: due reviews, then missed questions, then new bites that fit.
    Plan {
        /// The box, in minutes.
        #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=1440))]
        minutes: u32,
        /// Review this course only and read its bites: a pack directory or a course id [default: reviews of every
        /// course, bites of the course played last]
        #[arg(value_name = "PATH|COURSE_ID")]
        course: Option<String>,
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
    },
    /// Send your learning records as xAPI statements to a Learning Record Store: every statement it has not
    /// accepted yet, in batches; credentials from MORSEL_LRS_USER and MORSEL_LRS_PASSWORD or the config.
    Sync {
        /// The LRS's xAPI endpoint; statements go to URL/statements [default: `lrs` in the config]
        #[arg(long, value_name = "URL")]
        lrs: Option<String>,
        /// Statements per request.
        #[arg(long, value_name = "N", default_value_t = 100,
              value_parser = clap::value_parser!(u16).range(1..=1000))]
        batch: u16,
    },
    /// Print a shell completion script: e.g. `morsel completions bash > ~/.local/share/bash-completion/completions/morsel`.
    Completions {
        /// The shell to complete in.
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the manual page (roff), or write one page per command into a folder: e.g.
    /// `morsel man --dir ~/.local/share/man/man1`, then `man morsel-play`.
    Man {
        /// Write morsel.1 and a page for every command (morsel-play.1, …) into this folder, created when missing.
        #[arg(long, value_name = "DIR")]
        dir: Option<PathBuf>,
    },
}

/// What `morsel export` writes.
#[derive(Debug, Subcommand)]
pub enum Export {
    /// The review log: CSV in the FSRS optimizer's columns (graded reviews only), or JSON with every column.
    Reviews {
        /// Only this course.
        #[arg(value_name = "COURSE_ID")]
        course: Option<String>,
        #[arg(long, value_enum, default_value_t = ExportFormat::Csv)]
        format: ExportFormat,
    },
    /// Everything recorded as xAPI 1.0.3 statements, one JSON array (the actor from `name` and `mbox` or
    /// `account` in the config).
    Xapi {
        /// Only this course.
        #[arg(value_name = "COURSE_ID")]
        course: Option<String>,
    },
    /// For the author, per bite: its lesson and first line, clear/unclear ratings, comments, questions for the
    /// author, and how often its questions were missed on the first try.
    Feedback {
        /// Only this course.
        #[arg(value_name = "COURSE_ID")]
        course: Option<String>,
        #[arg(long, value_enum, default_value_t = ExportFormat::Csv)]
        format: ExportFormat,
    },
    /// Every attempt at a question, one row each: in lessons (round, attempt) and in reviews (rating).
    Answers {
        /// Only this course.
        #[arg(value_name = "COURSE_ID")]
        course: Option<String>,
        #[arg(long, value_enum, default_value_t = ExportFormat::Csv)]
        format: ExportFormat,
    },
}

/// What `morsel import` reads.
#[derive(Debug, Subcommand)]
pub enum ImportFrom {
    /// Moodle's GIFT quiz format: each `$CATEGORY` a lesson, each question a bite.
    Gift(ImportArgs),
    /// Anki's "Notes in Plain Text" export (.txt): each deck a lesson, each note a card.
    Anki(ImportArgs),
    /// An mdBook's folder: each chapter a lesson, in SUMMARY.md order.
    Mdbook(ImportArgs),
}

#[derive(Debug, Args)]
pub struct ImportArgs {
    /// The file (or, for mdbook, the book's folder) to import.
    #[arg(value_name = "SOURCE")]
    pub source: PathBuf,
    /// The new pack's folder; it must not exist yet, or be empty.
    #[arg(short, long, value_name = "DIR")]
    pub output: PathBuf,
    /// The course id [default: from the folder's name]
    #[arg(long, value_name = "ID")]
    pub id: Option<String>,
    /// The course title [default: the source's own, else its file name]
    #[arg(long, value_name = "TITLE")]
    pub title: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ExportFormat {
    Csv,
    Json,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum NotesFormat {
    Md,
    Json,
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
    if lists_courses(cli.command.as_ref())
        && let Ok(paths) = paths()
    {
        install_bundled(&paths);
    }
    let code = match cli.command {
        None => {
            drop(out);
            let settings = settings(&cli.global)?;
            let store = Store::open(&settings.paths.db)?;
            require_terminal()?;
            crate::tui::run(crate::tui::Start::Library, settings, store)?;
            return Ok(ExitCode::SUCCESS);
        }
        Some(Command::Review {
            course,
            limit,
            minutes,
            ahead,
            plain,
            optimize,
        }) => {
            let settings = settings(&cli.global)?;
            let mut store = Store::open(&settings.paths.db)?;
            if let Some(minutes) = minutes {
                let course = course
                    .as_deref()
                    .map(|t| overview::find_course(&settings.paths, t))
                    .transpose()?;
                if plain {
                    let settings = (&settings.paths, &settings.config);
                    crate::plain::timebox::run_stdio(
                        settings, &mut store, minutes, course, true, &mut out,
                    )?;
                    return Ok(ExitCode::SUCCESS);
                }
                drop(out);
                require_terminal()?;
                let start = crate::tui::Start::TimeBox {
                    minutes,
                    course,
                    reviews_only: true,
                };
                crate::tui::run(start, settings, store)?;
                return Ok(ExitCode::SUCCESS);
            }
            if optimize {
                let _ = crate::commands::optimize::optimize(&mut store, now, &mut out)?;
                out.flush().context("writing to stdout")?;
                return Ok(ExitCode::SUCCESS);
            }
            let course = match &course {
                Some(target) => Some(course_id(target)?),
                None => None,
            };
            let clock = Rc::new(crate::clock::LocalClock {
                utc_offset_min: crate::store::status::local_offset_minutes(now)?,
            });
            let (scheduler, items) = overview::review_queue(
                &settings.paths,
                &store,
                course.as_deref(),
                now,
                ahead,
                limit,
                settings.config.desired_retention,
            )?;
            if items.is_empty() {
                nothing_due(&store, course.as_deref(), now, ahead, &mut out)?;
                out.flush().context("writing to stdout")?;
                return Ok(ExitCode::SUCCESS);
            }
            let mut reviewing = crate::reviewing::Reviewing::new(items, scheduler, clock);
            if plain {
                let stdin = io::stdin();
                crate::plain::review::run(&mut reviewing, &mut store, &mut stdin.lock(), &mut out)?;
                ExitCode::SUCCESS
            } else {
                drop(out);
                require_terminal()?;
                crate::tui::run(
                    crate::tui::Start::Review(Box::new(reviewing)),
                    settings,
                    store,
                )?;
                return Ok(ExitCode::SUCCESS);
            }
        }
        Some(Command::Play {
            target,
            minutes,
            lesson,
            restart,
            plain,
        }) => {
            let settings = settings(&cli.global)?;
            if let Some(minutes) = minutes {
                let course = target
                    .as_deref()
                    .map(|t| overview::find_course(&settings.paths, t))
                    .transpose()?;
                let mut store = Store::open(&settings.paths.db)?;
                if plain {
                    let settings = (&settings.paths, &settings.config);
                    crate::plain::timebox::run_stdio(
                        settings, &mut store, minutes, course, false, &mut out,
                    )?;
                    return Ok(ExitCode::SUCCESS);
                }
                drop(out);
                require_terminal()?;
                let start = crate::tui::Start::TimeBox {
                    minutes,
                    course,
                    reviews_only: false,
                };
                crate::tui::run(start, settings, store)?;
                return Ok(ExitCode::SUCCESS);
            }
            let target = target.unwrap_or_default();
            let path = overview::find_course(&settings.paths, &target)?;
            let options = OpenOptions {
                lesson,
                restart,
                bite: None,
            };
            if !plain && indexed_lesson(&settings.paths, &path, options.lesson.as_deref()) {
                // A large pack known from its lesson index: the player shows its first frame before the rest of
                // it is read.
                let store = Store::open(&settings.paths.db)?;
                drop(out);
                require_terminal()?;
                let start = crate::tui::Start::Pack { path, options };
                crate::tui::run(start, settings, store)?;
                return Ok(ExitCode::SUCCESS);
            }
            let report = crate::pack::load(&path);
            if let Some(course) = &report.course
                && report.errors().next().is_none()
            {
                overview::require_lesson(&course.id, &report.lessons, options.lesson.as_deref())?;
            }
            let mut store = Store::open(&settings.paths.db)?;
            if plain {
                let mut pack = playable(report)?;
                personal_objectives(&settings.paths.config, &mut pack)?;
                let offset = crate::store::status::local_offset_minutes(now)?;
                // Another terminal playing this course is asked about first; then this one holds it and beats.
                use crate::plain::takeover::{self, Claimed};
                let stdin = io::stdin();
                let mut input = stdin.lock();
                let course = pack.course.id.clone();
                if takeover::claim(&mut store, &course, now, offset, &mut input, &mut out)?
                    == Claimed::Left
                {
                    out.flush().context("writing to stdout")?;
                    return Ok(ExitCode::from(1));
                }
                let heartbeat = store.heartbeat();
                let progress = store.progress(&course)?;
                let clock = Rc::new(crate::clock::LocalClock {
                    utc_offset_min: offset,
                });
                let mut session = Session::open(pack, progress, clock, &options, &mut store)?;
                session.set_scheduler(store.scheduler(settings.config.desired_retention)?);
                let history = |store: &Store, session: &Session| {
                    let course = &session.pack().course.id;
                    Ok(store.outcome_history(course, SystemClock.now_ms(), session.scheduler())?)
                };
                let played = crate::plain::run_with(
                    &mut session,
                    &mut store,
                    &mut takeover::Watched::new(input, heartbeat.as_ref()),
                    &mut out,
                    &history,
                );
                drop(heartbeat);
                // Only this player's own claim is deleted: a lost one stays the other terminal's.
                let _ = store.release();
                played?;
                ExitCode::SUCCESS
            } else {
                drop(out);
                require_terminal()?;
                let start = crate::tui::Start::Loaded {
                    report: Box::new(report),
                    options,
                };
                crate::tui::run(start, settings, store)?;
                return Ok(ExitCode::SUCCESS);
            }
        }
        Some(Command::Print {
            target,
            lesson,
            width,
            answers,
            color,
        }) => {
            let path = overview::find_course(&paths()?, &target)?;
            let pack = playable(crate::pack::load(&path))?;
            overview::require_lesson(&pack.course.id, &pack.lessons, lesson.as_deref())?;
            let lessons: Vec<_> = pack
                .lessons
                .iter()
                .filter(|l| lesson.as_ref().is_none_or(|id| &l.id == id))
                .collect();
            let options = print::Options {
                width,
                answers,
                ansi: color.enabled(&io::stdout()),
            };
            print::write(&pack, &lessons, &options, &mut out)?;
            ExitCode::SUCCESS
        }
        Some(Command::Import { from }) => {
            use crate::commands::import::{Names, Source, run};
            let (source, args) = match from {
                ImportFrom::Gift(args) => (Source::Gift, args),
                ImportFrom::Anki(args) => (Source::Anki, args),
                ImportFrom::Mdbook(args) => (Source::Mdbook, args),
            };
            let names = Names {
                id: args.id,
                title: args.title,
            };
            if run(source, &args.source, &args.output, names, &mut out)? {
                ExitCode::SUCCESS
            } else {
                ExitCode::from(1)
            }
        }
        Some(Command::Check {
            paths,
            format,
            color,
            watch,
        }) => {
            let ansi = color.enabled(&io::stdout());
            let check_once = |out: &mut dyn Write| -> anyhow::Result<bool> {
                let reports = check::load_all(&paths);
                match format {
                    Format::Text => check::write_text(&reports, ansi, out)?,
                    Format::Json => check::write_json(&reports, out)?,
                }
                out.flush()?;
                Ok(check::any_errors(&reports))
            };
            let errors = check_once(&mut out)?;
            if watch {
                let mut watchers: Vec<_> = paths
                    .iter()
                    .map(|p| crate::watch::PackWatcher::new(p))
                    .collect();
                // Every watcher is asked each time (no short cut), so that each keeps its folder's latest state.
                let mut saved = || {
                    watchers
                        .iter_mut()
                        .map(|w| w.changed())
                        .filter(|c| *c)
                        .count()
                        > 0
                };
                loop {
                    std::thread::sleep(std::time::Duration::from_millis(100));
                    if saved() {
                        // An editor's save may be several writes: wait until the folder is quiet.
                        std::thread::sleep(std::time::Duration::from_millis(100));
                        while saved() {
                            std::thread::sleep(std::time::Duration::from_millis(100));
                        }
                        writeln!(out, "\n── saved; checking again ──")?;
                        let _ = check_once(&mut out)?;
                    }
                }
            }
            if errors {
                ExitCode::from(1)
            } else {
                ExitCode::SUCCESS
            }
        }
        Some(Command::Preview { path, lesson, bite }) => {
            let settings = settings(&cli.global)?;
            if !indexed_lesson(&settings.paths, &path, lesson.as_deref()) {
                let report = crate::pack::load(&path);
                if let Some(course) = &report.course
                    && report.errors().next().is_none()
                {
                    overview::require_lesson(&course.id, &report.lessons, lesson.as_deref())?;
                }
            }
            // Nothing an author does in preview is saved: the progress database is never opened.
            let store = Store::in_memory()?;
            drop(out);
            require_terminal()?;
            let options = OpenOptions {
                lesson,
                restart: false,
                bite,
            };
            crate::tui::run(
                crate::tui::Start::Preview { path, options },
                settings,
                store,
            )?;
            return Ok(ExitCode::SUCCESS);
        }
        Some(Command::New { dir, id, title }) => {
            let written = crate::commands::new::write(&dir, id.as_deref(), title.as_deref())?;
            // The folder, id and title come from the command line: outside text like any other.
            let mut out = SanitisedLines::new(&mut out);
            writeln!(
                out,
                "Wrote the course `{}` ({}) in {}:",
                written.id,
                written.title,
                dir.display()
            )?;
            for file in &written.files {
                writeln!(out, "  {file}")?;
            }
            let shown = dir.display().to_string();
            // A folder with spaces is quoted, so that the commands can be pasted as they are.
            let arg = if shown.contains(char::is_whitespace) {
                format!("'{shown}'")
            } else {
                shown
            };
            writeln!(
                out,
                "Next: `morsel check {arg}` reports problems; `morsel preview {arg}` shows it as a learner sees it."
            )?;
            out.flush()?;
            ExitCode::SUCCESS
        }
        Some(Command::Stats { course, format }) => {
            let paths = paths()?;
            let config = Config::load(&paths.config)?;
            let retention = config.desired_retention;
            let store = Store::open_read_only(&paths.db)?;
            let stats = stats::gather(&paths, store.as_ref(), course.as_deref(), retention, now)?;
            if let Some(id) = &course
                && stats.courses.is_empty()
            {
                return Err(crate::commands::no_progress_saved(id, &paths.db));
            }
            match format {
                Format::Text => {
                    let mut lines = SanitisedLines::new(&mut out);
                    stats::write_text(&stats, &mut lines)?;
                    if let Some(store) = &store
                        && !stats.courses.is_empty()
                    {
                        let offset = crate::store::status::local_offset_minutes(now)?;
                        let spans = store.active_spans(now)?;
                        let ids: Vec<&str> = stats
                            .courses
                            .iter()
                            .map(|c| c.overview.id.as_str())
                            .collect();
                        let key_results =
                            overview::key_results(&paths, store, &ids, retention, now)?;
                        stats::write_learning(
                            &spans,
                            &key_results,
                            now,
                            offset,
                            config.daily_minutes,
                            &mut lines,
                        )?;
                    }
                    lines.flush()?;
                }
                Format::Json => stats::write_json(&stats, &mut out)?,
            }
            ExitCode::SUCCESS
        }
        Some(Command::List { format }) => {
            let paths = paths()?;
            let store = Store::open_read_only(&paths.db)?;
            let courses = overview::on_course_path(&paths, store.as_ref(), now)?;
            match format {
                Format::Text => {
                    let mut lines = SanitisedLines::new(&mut out);
                    list::write_text(&courses, &paths, &mut lines)?;
                    lines.flush()?;
                }
                Format::Json => list::write_json(&courses, &mut out)?,
            }
            ExitCode::SUCCESS
        }
        Some(Command::Export {
            what: Export::Reviews { course, format },
        }) => {
            let paths = paths()?;
            let store = Store::open_read_only(&paths.db)?;
            crate::commands::require_played(store.as_ref(), course.as_deref(), &paths.db)?;
            let log = match &store {
                Some(store) => store.review_log(course.as_deref())?,
                None => Vec::new(),
            };
            match format {
                ExportFormat::Csv => export::write_csv(&log, &mut out)?,
                ExportFormat::Json => export::write_json(&log, &mut out)?,
            }
            ExitCode::SUCCESS
        }
        Some(Command::Export {
            what: Export::Xapi { course },
        }) => {
            let paths = paths()?;
            let config = Config::load(&paths.config)?;
            let actor = xapi::actor(&config, &paths.config)?;
            let store = Store::open_read_only(&paths.db)?;
            crate::commands::require_played(store.as_ref(), course.as_deref(), &paths.db)?;
            let statements = match &store {
                Some(store) => {
                    let (statements, notes) = xapi::gather(store, &actor, course.as_deref())?;
                    for note in notes {
                        eprintln!("morsel: {note}");
                    }
                    statements
                }
                None => Vec::new(),
            };
            xapi::write_json(&statements, &mut out)?;
            ExitCode::SUCCESS
        }
        Some(Command::Sync { lrs, batch }) => {
            let paths = paths()?;
            let config = Config::load(&paths.config)?;
            let actor = xapi::actor(&config, &paths.config)?;
            let lrs = xapi::Lrs::from(lrs, &config, &paths.config)?;
            let mut store = Store::open(&paths.db)?;
            let (statements, notes) = xapi::gather(&store, &actor, None)?;
            for note in notes {
                eprintln!("morsel: {note}");
            }
            let synced = xapi::sync(&mut store, &statements, &lrs, usize::from(batch), now)?;
            let endpoint = sanitize(&lrs.endpoint);
            if synced.sent == 0 {
                writeln!(
                    out,
                    "nothing new to send to {endpoint}: all {} were sent before",
                    xapi::count(synced.already)
                )?;
            } else {
                writeln!(
                    out,
                    "sent {} to {endpoint} ({} sent before)",
                    xapi::count(synced.sent),
                    synced.already
                )?;
            }
            ExitCode::SUCCESS
        }
        Some(Command::Notes { course, format }) => {
            let g = notes::gather(&paths()?, course.as_deref())?;
            let rows = match &g.store {
                Some(store) => store.notes(course.as_deref())?,
                None => Vec::new(),
            };
            let placed = notes::place(rows, &g.titles, &g.packs);
            match format {
                NotesFormat::Md => notes::write_md(&placed, &mut out)?,
                NotesFormat::Json => notes::write_json(&placed, &mut out)?,
            }
            ExitCode::SUCCESS
        }
        Some(Command::Export {
            what: Export::Feedback { course, format },
        }) => {
            let g = notes::gather(&paths()?, course.as_deref())?;
            let rows = match &g.store {
                Some(store) => feedback::gather(
                    &store.feedback(course.as_deref())?,
                    &store.notes(course.as_deref())?,
                    &store.attempts(course.as_deref())?,
                    &g.packs,
                ),
                None => Vec::new(),
            };
            match format {
                ExportFormat::Csv => feedback::write_feedback_csv(&rows, &mut out)?,
                ExportFormat::Json => feedback::write_feedback_json(&rows, &mut out)?,
            }
            ExitCode::SUCCESS
        }
        Some(Command::Export {
            what: Export::Answers { course, format },
        }) => {
            // Answers name their course and item ids: no pack is loaded.
            let rows = match notes::open(&paths()?, course.as_deref())? {
                Some((store, _)) => store.attempts(course.as_deref())?,
                None => Vec::new(),
            };
            match format {
                ExportFormat::Csv => feedback::write_answers_csv(&rows, &mut out)?,
                ExportFormat::Json => feedback::write_answers_json(&rows, &mut out)?,
            }
            ExitCode::SUCCESS
        }
        Some(Command::Status { format }) => {
            if let Some(standing) = status::gather(&paths()?, now)? {
                match format {
                    Format::Text => status::write_text(&standing, &mut out)?,
                    Format::Json => status::write_json(&standing, &mut out)?,
                }
            }
            ExitCode::SUCCESS
        }
        Some(Command::Plan {
            minutes,
            course,
            format,
        }) => {
            let paths = paths()?;
            let current = match &course {
                Some(target) => Some(playable(crate::pack::load(&overview::find_course(
                    &paths, target,
                )?))?),
                None => None,
            };
            let store = Store::open_read_only(&paths.db)?;
            let report = plan::gather(&paths, store.as_ref(), current, minutes, now)?;
            match format {
                Format::Text => {
                    let mut lines = SanitisedLines::new(&mut out);
                    plan::write_text(&report, &mut lines)?;
                    lines.flush()?;
                }
                Format::Json => plan::write_json(&report, &mut out)?,
            }
            ExitCode::SUCCESS
        }
        Some(Command::Completions { shell }) => {
            let mut command = <Cli as clap::CommandFactory>::command();
            // Generated into memory: clap_complete panics on a write error, and `… | head` is not one.
            let mut script = Vec::new();
            clap_complete::generate(shell, &mut command, "morsel", &mut script);
            out.write_all(&script)?;
            ExitCode::SUCCESS
        }
        Some(Command::Man { dir }) => {
            let command = <Cli as clap::CommandFactory>::command();
            match dir {
                None => clap_mangen::Man::new(command)
                    .render(&mut out)
                    .context("writing the manual page")?,
                Some(dir) => {
                    std::fs::create_dir_all(&dir)
                        .with_context(|| format!("creating {}", dir.display()))?;
                    clap_mangen::generate_to(command, &dir)
                        .with_context(|| format!("writing manual pages to {}", dir.display()))?;
                    writeln!(
                        out,
                        "manual pages written to {}",
                        sanitize(&dir.display().to_string())
                    )?;
                }
            }
            ExitCode::SUCCESS
        }
        Some(Command::Paths) => {
            let paths = paths()?;
            // Paths come from flags and the environment: outside text like any other.
            let mut out = SanitisedLines::new(&mut out);
            writeln!(out, "database  {}", paths.db.display())?;
            writeln!(out, "config    {}", paths.config.display())?;
            writeln!(out, "data      {}", paths.data_dir.display())?;
            writeln!(out, "cache     {}", paths.cache_dir.display())?;
            for (i, dir) in paths.courses.iter().enumerate() {
                writeln!(
                    out,
                    "{}{}",
                    if i == 0 { "courses   " } else { "          " },
                    dir.display()
                )?;
            }
            // Where each course comes from: a folder on the course path, or the bundled copy installed where.
            let sources = crate::bundled::sources(&paths);
            let width = sources.iter().map(|(id, _)| id.len()).max().unwrap_or(0);
            for (id, source) in sources {
                writeln!(out, "course    {id:width$}  {source}")?;
            }
            out.flush()?;
            ExitCode::SUCCESS
        }
    };
    out.flush().context("writing to stdout")?;
    Ok(code)
}

/// Whether the pack at `path` has a lesson index (it is large, and opened before) that names the lesson asked for,
/// if any: then the player opens it at a glance, and a missing lesson is not looked for in the whole pack first.
fn indexed_lesson(paths: &crate::paths::Paths, path: &Path, lesson: Option<&str>) -> bool {
    crate::pack::glance::indexed_file(&paths.cache_dir, path, lesson).is_some()
}

/// Whether a command looks through the course path (the library, `list`, `stats`, `plan`, `review`, `notes`, and
/// `play` or `print` of a course id), and so first installs the bundled courses there. Not `status`: a shell prompt
/// runs it at every line, and it writes nothing.
fn lists_courses(command: Option<&Command>) -> bool {
    let folder = |target: &str| std::path::Path::new(target).is_dir();
    match command {
        None => true,
        Some(
            Command::List { .. }
            | Command::Stats { .. }
            | Command::Plan { .. }
            | Command::Review { .. }
            | Command::Notes { .. },
        ) => true,
        Some(Command::Play { target, .. }) => !target.as_deref().is_some_and(folder),
        Some(Command::Print { target, .. }) => !folder(target),
        _ => false,
    }
}

/// Installs the bundled courses into the data folder's `courses/` when it is on the course path (`bundled`). A
/// course that cannot be written is said once on stderr (before any screen is drawn) and the command goes on.
fn install_bundled(paths: &Paths) {
    if let Some(home) = paths.bundled_home() {
        let (_, problems) = crate::bundled::install(&home);
        for problem in problems {
            eprintln!("morsel: {}", sanitize(&problem.to_string()));
        }
    }
}

/// The edge of the commands whose output is plain text (`list`, `stats`, `paths`): every line written through it
/// passes through `render::sanitize`, so that none can carry a control sequence, whoever wrote it and whatever it
/// quotes (a course path entry, a title, an id). Lines are sanitised whole, so a character split between two writes
/// is kept; what follows the last newline is written by `flush`.
struct SanitisedLines<W: Write> {
    inner: W,
    pending: Vec<u8>,
}

impl<W: Write> SanitisedLines<W> {
    fn new(inner: W) -> Self {
        Self {
            inner,
            pending: Vec::new(),
        }
    }

    fn write_sanitised(&mut self, bytes: &[u8]) -> io::Result<()> {
        let text = String::from_utf8_lossy(bytes);
        self.inner.write_all(sanitize(&text).as_bytes())
    }
}

impl<W: Write> Write for SanitisedLines<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.pending.extend_from_slice(buf);
        if let Some(end) = self.pending.iter().rposition(|&b| b == b'\n') {
            let rest = self.pending.split_off(end + 1);
            let lines = std::mem::replace(&mut self.pending, rest);
            self.write_sanitised(&lines)?;
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        let rest = std::mem::take(&mut self.pending);
        self.write_sanitised(&rest)?;
        self.inner.flush()
    }
}

/// The course id of a pack folder or of an id (kept as given: progress is keyed by ids).
fn course_id(target: &str) -> anyhow::Result<String> {
    if std::path::Path::new(target).is_dir() {
        let pack = playable(crate::pack::load(std::path::Path::new(target)))?;
        return Ok(pack.course.id);
    }
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
            crate::reviewing::comes_back(due, now).trim_start_matches("again ")
        )?,
        None => writeln!(
            out,
            "Nothing due{of}: cards and questions enter review as you meet them in lessons."
        )?,
    }
    Ok(())
}

/// The loaded pack, or its errors on stderr (sanitised) and a failure naming `morsel check`.
fn playable(report: crate::pack::LoadReport) -> anyhow::Result<crate::pack::Pack> {
    let path = report.root.clone();
    report.into_pack().map_err(|report| {
        for d in report.errors() {
            eprintln!("{}", d.one_line(&path));
        }
        anyhow::anyhow!(
            "{} has errors; `morsel check {}` shows them in full",
            path.display(),
            path.display()
        )
    })
}

/// Adds the learner's own objectives and key results for `pack`'s course (`objectives.toml` beside the config);
/// its problems are named on stderr, and an error stops the command.
fn personal_objectives(
    config: &std::path::Path,
    pack: &mut crate::pack::Pack,
) -> anyhow::Result<()> {
    let path = crate::config::objectives_path(config);
    let (personal, mut problems) = crate::pack::Personal::load(&path);
    if !problems.iter().any(crate::pack::Diagnostic::is_error) {
        problems.extend(personal.apply(pack));
    }
    let folder = path.parent().unwrap_or(std::path::Path::new(""));
    for d in &problems {
        eprintln!("{}", d.one_line(folder));
    }
    if problems.iter().any(crate::pack::Diagnostic::is_error) {
        anyhow::bail!(
            "{} has errors",
            crate::render::sanitize(&path.display().to_string())
        );
    }
    Ok(())
}

/// Paths, config, keys and theme, for the commands that play (the store is opened once the course is known).
fn settings(global: &Global) -> anyhow::Result<Settings> {
    let paths = Paths::resolve(
        global.db.clone(),
        global.config.clone(),
        global.courses.clone(),
    )?;
    let config = Config::load(&paths.config)?;
    let keymap =
        Keymap::new(&config.keys).with_context(|| format!("in {}", paths.config.display()))?;
    let styles = match config.theme {
        ThemeName::Dark => Styles::dark(),
        ThemeName::Light => Styles::light(),
        ThemeName::HighContrast => Styles::high_contrast(),
    };
    let styles = if std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty()) {
        styles.without_color()
    } else {
        styles
    };
    Ok(Settings {
        config,
        keymap,
        styles,
        paths,
    })
}

fn require_terminal() -> anyhow::Result<()> {
    if io::stdin().is_terminal() && io::stdout().is_terminal() {
        Ok(())
    } else {
        anyhow::bail!(
            "the player needs a terminal; for plain lines on stdout use `morsel play --plain COURSE`"
        )
    }
}

#[cfg(test)]
mod tests {
    use std::io::Write;

    #[test]
    fn cli_definition_is_valid() {
        <super::Cli as clap::CommandFactory>::command().debug_assert();
    }

    #[test]
    fn sanitised_lines_keep_characters_split_between_writes() {
        let mut out = Vec::new();
        let mut lines = super::SanitisedLines::new(&mut out);
        let text = "a\u{1b}[2J é\u{9b}\nlast\u{7}";
        for byte in text.as_bytes() {
            lines.write_all(&[*byte]).unwrap();
        }
        lines.flush().unwrap();
        assert_eq!(String::from_utf8(out).unwrap(), "a␛[2J é\u{FFFD}\nlast␇");
    }
}
