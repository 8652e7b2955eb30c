//! `morsel import gift|anki|mdbook SOURCE -o DIR`: a pack written from another format, the summary of what was
//! imported and skipped, and the new pack loaded to show it checks.

use std::io::Write;
use std::path::Path;

use crate::import::{self, Ids, Import, copy_assets, write_pack};
use crate::text::sanitize;
use std::path::PathBuf;
use std::process::ExitCode;

/// The formats `morsel import` reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Source {
    Gift,
    Anki,
    Mdbook,
}

/// What the pack is called: `--id` and `--title`, else made from the folder's and the source's names.
#[derive(Debug, Default)]
pub(crate) struct Names {
    pub(crate) id: Option<String>,
    pub(crate) title: Option<String>,
}

/// Imports `source` into a new pack in `dir`, then loads it. Writes the summary (and any error the new pack has)
/// to `out`; returns whether the pack loads without errors. Nothing is written when nothing could be imported.
pub(crate) fn import_into(
    from: Source,
    source: &Path,
    dir: &Path,
    names: Names,
    out: &mut dyn Write,
) -> anyhow::Result<bool> {
    let imported = match from {
        Source::Gift => import::gift::import(source)?,
        Source::Anki => import::anki::import(source)?,
        Source::Mdbook => import::Import::from_book(import::mdbook::import(source)?),
    };
    for skipped in &imported.skipped {
        writeln!(out, "{}", sanitize(&skipped.to_string()))?;
    }
    if imported.lessons.is_empty() {
        anyhow::bail!(
            "nothing to import from {}: no question, card or chapter could be read ({} skipped); {} was not written",
            source.display(),
            imported.skipped.len(),
            dir.display()
        );
    }
    let name = |path: &Path| {
        path.file_name()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default()
    };
    let stem = |path: &Path| {
        path.file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default()
    };
    let id = match names.id {
        Some(id) => id,
        None => {
            let folder = std::path::absolute(dir).unwrap_or_else(|_| dir.to_path_buf());
            Ids::default().unique(&name(&folder), &stem(source))
        }
    };
    let title = names
        .title
        .or_else(|| imported.title.clone())
        .unwrap_or_else(|| stem(source));
    write_pack(dir, &id, &title, &imported.lessons)?;
    copy_assets(dir, &imported.assets)?;
    summary(&imported, dir, out)?;
    let report = crate::pack::load(dir);
    let errors: Vec<_> = report.errors().collect();
    for error in &errors {
        writeln!(out, "{}", sanitize(&error.one_line(Path::new(""))))?;
    }
    let warnings = report.warnings().count();
    let line = if errors.is_empty() && warnings == 0 {
        "check: 0 errors, 0 warnings".to_string()
    } else {
        format!(
            "check: {}, {} (`morsel check {}` shows them)",
            super::plural(errors.len(), "error"),
            super::plural(warnings, "warning"),
            dir.display()
        )
    };
    writeln!(out, "{}", sanitize(&line))?;
    Ok(errors.is_empty())
}

/// `imported 12 questions and 3 cards in 2 lessons into DIR; skipped 4 (above)`; `4 cards (1 of them a reverse
/// card)` when a note gave a card each way.
fn summary(imported: &Import, dir: &Path, out: &mut dyn Write) -> std::io::Result<()> {
    let mut what = Vec::new();
    let questions = imported.questions();
    let cards = imported.cards();
    if questions > 0 {
        what.push(super::plural(questions, "question"));
    }
    if cards > 0 {
        let reversed = match imported.reversed {
            0 => String::new(),
            1 => " (1 of them a reverse card)".to_string(),
            n => format!(" ({n} of them reverse cards)"),
        };
        what.push(format!("{}{reversed}", super::plural(cards, "card")));
    }
    let bites: usize = imported.lessons.iter().map(|l| l.bites.len()).sum();
    if what.is_empty() {
        what.push(super::plural(bites, "bite"));
    }
    let skipped = match imported.skipped.len() {
        0 => "nothing skipped".to_string(),
        n => format!("skipped {n} (above)"),
    };
    let line = format!(
        "imported {} in {} into {}; {skipped}",
        what.join(" and "),
        super::plural(imported.lessons.len(), "lesson"),
        dir.display()
    );
    writeln!(out, "{}", sanitize(&line))
}

/// What `morsel import` reads.
#[derive(Debug, clap::Subcommand)]
pub(crate) enum Args {
    /// Moodle's GIFT quiz format: each `$CATEGORY` a lesson, each question a bite.
    Gift(From),
    /// Anki's "Notes in Plain Text" export (.txt): each deck a lesson, each note a card.
    Anki(From),
    /// An mdBook's folder: each chapter a lesson, in SUMMARY.md order.
    Mdbook(From),
}

#[derive(Debug, clap::Args)]
pub(crate) struct From {
    /// The file (or, for mdbook, the book's folder) to import.
    #[arg(value_name = "SOURCE")]
    pub(crate) source: PathBuf,
    /// The new pack's folder; it must not exist yet, or be empty.
    #[arg(short, long, value_name = "DIR")]
    pub(crate) output: PathBuf,
    /// The course id [default: from the folder's name]
    #[arg(long, value_name = "ID")]
    pub(crate) id: Option<String>,
    /// The course title [default: the source's own, else its file name]
    #[arg(long, value_name = "TITLE")]
    pub(crate) title: Option<String>,
}

/// `morsel import`: exit 1 when the new pack has errors.
pub(crate) fn run(args: Args) -> anyhow::Result<ExitCode> {
    let (source, from) = match args {
        Args::Gift(from) => (Source::Gift, from),
        Args::Anki(from) => (Source::Anki, from),
        Args::Mdbook(from) => (Source::Mdbook, from),
    };
    let names = Names {
        id: from.id,
        title: from.title,
    };
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    let clean = import_into(source, &from.source, &from.output, names, &mut out)?;
    super::done(
        out,
        if clean {
            ExitCode::SUCCESS
        } else {
            ExitCode::from(1)
        },
    )
}
