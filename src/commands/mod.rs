//! One module per command: its clap arguments (`Args`) and its `run`, which `cli` dispatches to. What several
//! commands share is here: the global options, the output formats, the sanitising edge of text output, and turning
//! a pack that does not load into an error naming `morsel check`. Writers take a `Write`, so that tests and pipes
//! behave the same.

pub mod check;
pub(crate) mod completions;
pub mod export;
pub(crate) mod feedback;
pub(crate) mod import;
pub(crate) mod library;
pub(crate) mod list;
pub(crate) mod man;
pub(crate) mod new;
pub(crate) mod notes;
pub(crate) mod optimize;
pub(crate) mod paths;
pub(crate) mod plan;
pub(crate) mod play;
pub(crate) mod preview;
pub mod print;
pub(crate) mod review;
pub(crate) mod stats;
pub(crate) mod status;
pub(crate) mod sync;
pub(crate) mod team;
pub(crate) mod xapi;

/// Review histories written through SQL, shared with the end-to-end tests.
#[cfg(test)]
#[path = "../../tests/cli/history.rs"]
pub(crate) mod history;

use std::io::{self, IsTerminal, Write};
use std::path::{Path, PathBuf};

use anyhow::Context as _;
use clap::ValueEnum;
use serde::Serialize;

use crate::app::config::{Config, ThemeName};
use crate::app::paths::Paths;
use crate::pack::{LoadReport, Pack};
use crate::render::Styles;
use crate::text::sanitize;
pub(crate) use crate::text::words::{minutes, plural};
use crate::tui::context::Settings;
use crate::tui::keymap::Keymap;

/// Options that every command takes, before or after its name. Each falls back to an environment variable, read
/// here rather than by clap: a value clap takes from the environment counts as given, and its usage lines would
/// then show `--db <PATH>` as if the learner had typed it.
#[derive(Debug, Clone, Default, clap::Args)]
pub struct Global {
    /// The progress database [env: MORSEL_DB] [default: $XDG_DATA_HOME/morsel/progress.db]
    #[arg(long, global = true, value_name = "PATH")]
    pub db: Option<PathBuf>,
    /// Where to look for courses, in order; `:`-separated in MORSEL_COURSES [env: MORSEL_COURSES] [default:
    /// ./courses, then $XDG_DATA_HOME/morsel/courses]
    #[arg(long, global = true, value_name = "DIR", value_delimiter = ':')]
    pub courses: Vec<PathBuf>,
    /// The config file [env: MORSEL_CONFIG] [default: $XDG_CONFIG_HOME/morsel/config.toml]
    #[arg(long, global = true, value_name = "PATH")]
    pub config: Option<PathBuf>,
}

/// A path from the environment variable `name`, unless it is unset or empty.
fn env_path(name: &str) -> Option<PathBuf> {
    std::env::var_os(name)
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
}

impl Global {
    /// Where things are: the flags, else the environment (`MORSEL_DB`, `MORSEL_CONFIG`, `MORSEL_COURSES`), else the
    /// XDG defaults.
    pub fn paths(&self) -> anyhow::Result<Paths> {
        let courses = if self.courses.is_empty() {
            std::env::var_os("MORSEL_COURSES")
                .filter(|v| !v.is_empty())
                .map(|v| std::env::split_paths(&v).collect())
                .unwrap_or_default()
        } else {
            self.courses.clone()
        };
        Ok(Paths::resolve(
            self.db.clone().or_else(|| env_path("MORSEL_DB")),
            self.config.clone().or_else(|| env_path("MORSEL_CONFIG")),
            courses,
        )?)
    }

    /// Paths, config, keys and theme, for the commands that play (the store is opened once the course is known).
    pub(crate) fn settings(&self) -> anyhow::Result<Settings> {
        let paths = self.paths()?;
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
}

/// Text for people, or JSON for programs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum Format {
    Text,
    Json,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum ColorChoice {
    Auto,
    Always,
    Never,
}

impl ColorChoice {
    /// `auto` colours only a terminal, and never when `NO_COLOR` is set (https://no-color.org).
    pub(crate) fn enabled(self, stream: &impl IsTerminal) -> bool {
        match self {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => {
                stream.is_terminal() && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
            }
        }
    }
}

/// The full screen needs a terminal on both ends.
pub(crate) fn require_terminal() -> anyhow::Result<()> {
    if io::stdin().is_terminal() && io::stdout().is_terminal() {
        Ok(())
    } else {
        anyhow::bail!(
            "the player needs a terminal; for plain lines on stdout use `morsel play --plain COURSE`"
        )
    }
}

/// The loaded pack, or its errors on stderr (sanitised) and a failure naming `morsel check`.
pub(crate) fn playable(report: LoadReport) -> anyhow::Result<Pack> {
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

/// The database, for a command that is about to write to it (`play`, `review`): read only when it is at this
/// morsel's schema, else upgraded first, as the write would upgrade it; `None` when there is none yet. (A read-only
/// open refuses an older schema, which kept `play` from ever upgrading the database it needed to read first.)
pub(crate) fn open_to_write(db: &Path) -> anyhow::Result<Option<crate::store::Store>> {
    match crate::store::Store::open_read_only(db) {
        Err(crate::store::StoreError::TooOld { .. }) => Ok(Some(crate::store::Store::open(db)?)),
        opened => Ok(opened?),
    }
}

/// The course id of a pack folder or of an id (kept as given: progress is keyed by ids).
pub(crate) fn course_id(target: &str) -> anyhow::Result<String> {
    if Path::new(target).is_dir() {
        let pack = playable(crate::pack::load(Path::new(target)))?;
        return Ok(pack.course.id);
    }
    Ok(target.to_string())
}

/// Adds the learner's own objectives to `pack` (`app::open::add_own_objectives`): their problems on stderr, and an
/// error stops the command.
pub(crate) fn own_objectives(config: &Path, pack: &mut Pack) -> anyhow::Result<()> {
    let own = crate::app::open::add_own_objectives(pack, config);
    for line in own.lines() {
        eprintln!("{line}");
    }
    if own.error().is_some() {
        anyhow::bail!("{} has errors", sanitize(&own.path.display().to_string()));
    }
    Ok(())
}

/// The edge of the commands whose output is plain text (`list`, `stats`, `paths`): every line written through it
/// passes through `text::sanitize`, so that none can carry a control sequence, whoever wrote it and whatever it
/// quotes (a course path entry, a title, an id). Lines are sanitised whole, so a character split between two writes
/// is kept; what follows the last newline is written by `flush`.
pub(crate) struct SanitisedLines<W: Write> {
    inner: W,
    pending: Vec<u8>,
}

impl<W: Write> SanitisedLines<W> {
    pub(crate) fn new(inner: W) -> Self {
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

/// Flushes stdout at the end of a command: a closed pipe comes back as `io::Error` in the chain (`main` calls it
/// success).
pub(crate) fn done(
    mut out: impl Write,
    code: std::process::ExitCode,
) -> anyhow::Result<std::process::ExitCode> {
    out.flush().context("writing to stdout")?;
    Ok(code)
}

/// The error of a command asked about a course that has no progress in the database at `db`.
pub(crate) fn no_progress_saved(id: &str, db: &std::path::Path) -> anyhow::Error {
    anyhow::anyhow!(
        "no progress saved for course `{}` in {}",
        crate::text::sanitize(id),
        crate::text::sanitize(&db.display().to_string())
    )
}

/// [`no_progress_saved`] when `course` is asked for and `store` (none when there is no database yet) has no
/// progress for it.
pub(crate) fn require_played(
    store: Option<&crate::store::Store>,
    course: Option<&str>,
    db: &std::path::Path,
) -> anyhow::Result<()> {
    match course {
        Some(id) if store.map(|s| s.course(id)).transpose()?.flatten().is_none() => {
            Err(no_progress_saved(id, db))
        }
        _ => Ok(()),
    }
}

/// Writes `doc` as one pretty JSON document and a newline: the one JSON writer of `check`, `list` and `stats`.
/// serde_json escapes C0 controls but writes DEL and the C1 controls (U+0080..=U+009F, which some terminals obey
/// like ESC: U+009B is CSI) as they are; these are escaped too (`\u009b`). Outside its strings JSON is ASCII, so
/// every such character stands in a string.
pub(crate) fn write_json(doc: &impl Serialize, out: &mut dyn Write) -> io::Result<()> {
    let text = serde_json::to_string_pretty(doc)?;
    let mut escaped = String::with_capacity(text.len());
    for c in text.chars() {
        match u32::from(c) {
            code @ 0x7F..=0x9F => escaped.push_str(&format!("\\u{code:04x}")),
            _ => escaped.push(c),
        }
    }
    out.write_all(escaped.as_bytes())?;
    writeln!(out)
}

/// The time now, in UTC milliseconds: the one clock the commands read.
pub(crate) fn now() -> i64 {
    use crate::learn::clock::Clock as _;
    crate::learn::clock::SystemClock.now_ms()
}

/// Installs the bundled courses into the data folder's `courses/` when it is on the course path (`app::bundled`).
/// A course that cannot be written is said once on stderr (before any screen is drawn) and the command goes on.
pub(crate) fn install_bundled(global: &Global) {
    let Ok(paths) = global.paths() else {
        return;
    };
    if let Some(home) = paths.bundled_home() {
        let (_, problems) = crate::app::bundled::install(&home);
        for problem in problems {
            eprintln!("morsel: {}", sanitize(&problem.to_string()));
        }
    }
}

#[cfg(test)]
mod tests {
    use std::io::Write;

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
