//! `morsel check`: load packs and report every problem, as a compiler would or as one JSON document.

use std::collections::HashMap;
use std::io::{self, Write};
use std::ops::Range;
use std::path::{Path, PathBuf};

use annotate_snippets::{AnnotationKind, Level, Renderer, Snippet};
use serde::Serialize;

use super::plural;
use crate::app::watch::Watching;
use crate::pack::{self, Diagnostic, LoadReport, Problem, Severity};
use crate::text::sanitize;
use std::process::ExitCode;

use super::{ColorChoice, Format};

/// Loads every pack; returns the reports in the order given. A pack whose course id is also the id of a pack
/// checked before it (another folder) gets a warning at its id naming that pack.
pub(crate) fn load_all(paths: &[PathBuf]) -> Vec<LoadReport> {
    let mut reports: Vec<LoadReport> = paths.iter().map(|p| pack::load_outline(p)).collect();
    let mut first: HashMap<String, (PathBuf, Option<PathBuf>)> = HashMap::new();
    for report in &mut reports {
        let (Some(course), Some(site)) = (&report.course, &report.course_id_site) else {
            continue;
        };
        let real = report.root.canonicalize().ok();
        match first.get(&course.id) {
            Some((other, other_real)) if real.is_none() || *other_real != real => {
                let problem = Problem::DuplicateCourseId {
                    id: course.id.clone(),
                    other: other.display().to_string(),
                };
                report
                    .diagnostics
                    .push(Diagnostic::warning(site.clone(), problem));
            }
            Some(_) => {}
            None => {
                first.insert(course.id.clone(), (report.root.clone(), real));
            }
        }
    }
    reports
}

/// Whether any report holds an error.
pub(crate) fn any_errors(reports: &[LoadReport]) -> bool {
    reports.iter().any(LoadReport::has_errors)
}

/// Writes the reports as text: each diagnostic with its source line and a caret, then a summary line per pack.
pub fn write_text(reports: &[LoadReport], color: bool, out: &mut dyn Write) -> io::Result<()> {
    let renderer = if color {
        Renderer::styled()
    } else {
        Renderer::plain()
    };
    let (mut errors, mut warnings) = (0, 0);
    for report in reports {
        for diagnostic in &report.diagnostics {
            writeln!(out, "{}\n", render(&renderer, &report.root, diagnostic))?;
        }
        let (e, w) = report.counts();
        errors += e;
        warnings += w;
        // The summary names the pack's folder, which is outside text like the pack's own.
        writeln!(out, "{}", sanitize(&summary(report, e, w)))?;
    }
    if reports.len() > 1 {
        writeln!(
            out,
            "{} packs checked: {}, {}",
            reports.len(),
            plural(errors, "error"),
            plural(warnings, "warning")
        )?;
    }
    Ok(())
}

fn render(renderer: &Renderer, root: &Path, d: &Diagnostic) -> String {
    let level = match d.severity {
        Severity::Error => Level::ERROR,
        Severity::Warning => Level::WARNING,
    };
    // Pack text never reaches the terminal as control sequences, diagnostics included.
    let message = sanitize(&d.message()).into_owned();
    let path = sanitize(&root.join(&d.site.file).display().to_string()).into_owned();
    match &d.site.excerpt {
        Some(excerpt) => {
            let (line, highlight) = sanitize_excerpt(excerpt.line(), excerpt.highlight.clone());
            renderer.render(&[level.primary_title(&message).element(
                Snippet::source(line.as_str())
                    .line_start(d.site.position.line)
                    .path(path.as_str())
                    .annotation(AnnotationKind::Primary.span(highlight)),
            )])
        }
        // A problem with a file as a whole: the file alone, as rustc names a file it cannot read.
        None => format!("{}: {message}\n --> {path}", d.severity.as_str()),
    }
}

/// The line with its control characters made visible, and the highlighted byte range moved to match.
fn sanitize_excerpt(line: &str, highlight: Range<usize>) -> (String, Range<usize>) {
    let mut out = String::with_capacity(line.len());
    let (mut start, mut end) = (None, None);
    for (i, c) in line.char_indices() {
        if i == highlight.start {
            start = Some(out.len());
        }
        if i == highlight.end {
            end = Some(out.len());
        }
        let mut buf = [0u8; 4];
        out.push_str(&sanitize(c.encode_utf8(&mut buf)));
    }
    let start = start.unwrap_or(out.len());
    let end = end.unwrap_or(out.len()).max(start);
    (out, start..end)
}

fn summary(report: &LoadReport, errors: usize, warnings: usize) -> String {
    let bites: usize = report.lessons.iter().map(|l| l.bites.len()).sum();
    let questions: usize = report.lessons.iter().map(|l| l.questions().count()).sum();
    let cards: usize = report.lessons.iter().map(|l| l.cards().count()).sum();
    let minutes = report
        .lessons
        .iter()
        .fold(0.0, |sum, l| sum + l.minutes)
        .ceil();
    let verdict = if errors + warnings == 0 {
        "ok".to_string()
    } else {
        format!(
            "{}, {}",
            plural(errors, "error"),
            plural(warnings, "warning")
        )
    };
    format!(
        "{}: {}, {}, {}, {}, about {} min: {verdict}",
        report.root.display(),
        plural(report.lessons.len(), "lesson"),
        plural(bites, "bite"),
        plural(questions, "question"),
        plural(cards, "card"),
        minutes
    )
}

#[derive(Serialize)]
struct JsonReport<'a> {
    packs: Vec<JsonPack<'a>>,
}

#[derive(Serialize)]
struct JsonPack<'a> {
    path: String,
    course: Option<JsonCourse<'a>>,
    lessons: Vec<JsonLesson<'a>>,
    diagnostics: Vec<JsonDiagnostic>,
}

#[derive(Serialize)]
struct JsonCourse<'a> {
    id: &'a str,
    title: &'a str,
    pass_mark: f64,
}

#[derive(Serialize)]
struct JsonLesson<'a> {
    id: &'a str,
    title: &'a str,
    file: String,
    bites: usize,
    questions: usize,
    cards: usize,
    minutes: f64,
}

#[derive(Serialize)]
struct JsonDiagnostic {
    severity: &'static str,
    file: String,
    line: usize,
    column: usize,
    message: String,
}

/// Writes the reports as one JSON document (shape documented in `docs/pack-format.md`).
pub fn write_json(reports: &[LoadReport], out: &mut dyn Write) -> io::Result<()> {
    let doc = JsonReport {
        packs: reports
            .iter()
            .map(|r| JsonPack {
                path: r.root.display().to_string(),
                course: r.course.as_ref().map(|c| JsonCourse {
                    id: &c.id,
                    title: &c.title,
                    pass_mark: c.pass_mark,
                }),
                lessons: r
                    .lessons
                    .iter()
                    .map(|l| JsonLesson {
                        id: &l.id,
                        title: &l.title,
                        file: slash_path(&l.file),
                        bites: l.bites.len(),
                        questions: l.questions().count(),
                        cards: l.cards().count(),
                        minutes: (l.minutes * 100.0).round() / 100.0,
                    })
                    .collect(),
                diagnostics: r
                    .diagnostics
                    .iter()
                    .map(|d| JsonDiagnostic {
                        severity: d.severity.as_str(),
                        file: slash_path(&d.site.file),
                        line: d.site.position.line,
                        column: d.site.position.column,
                        message: d.message(),
                    })
                    .collect(),
            })
            .collect(),
    };
    super::write_json(&doc, out)
}

/// A relative path with `/` separators on every OS, for JSON consumers.
fn slash_path(path: &Path) -> String {
    path.iter()
        .map(|p| p.to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

#[derive(Debug, clap::Args)]
pub(crate) struct Args {
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
}

/// `morsel check`: exit 1 when a pack has errors; with `--watch`, checks again on every save until interrupted.
pub(crate) fn run(args: Args) -> anyhow::Result<ExitCode> {
    let stdout = io::stdout();
    let mut out = stdout.lock();
    let ansi = args.color.enabled(&io::stdout());
    let check_once = |out: &mut dyn Write| -> anyhow::Result<bool> {
        let reports = load_all(&args.paths);
        match args.format {
            Format::Text => write_text(&reports, ansi, out)?,
            Format::Json => write_json(&reports, out)?,
        }
        out.flush()?;
        Ok(any_errors(&reports))
    };
    let errors = check_once(&mut out)?;
    if args.watch {
        watch(&args.paths, &mut out, check_once)?;
    }
    super::done(
        out,
        if errors {
            ExitCode::from(1)
        } else {
            ExitCode::SUCCESS
        },
    )
}

/// Runs `check_once` after every save under any of `paths`, until interrupted. Waiting costs nothing: the thread
/// sleeps until the watch reports a save.
fn watch(
    paths: &[PathBuf],
    out: &mut dyn Write,
    check_once: impl Fn(&mut dyn Write) -> anyhow::Result<bool>,
) -> anyhow::Result<()> {
    let (saved, saves) = std::sync::mpsc::channel();
    let quiet = std::time::Duration::from_millis(100);
    if let Watching::Polling(why) =
        crate::app::watch::spawn(paths, quiet, move || saved.send(()).is_ok())
    {
        eprintln!("morsel: {why}");
    }
    for () in saves {
        writeln!(out, "\n── saved; checking again ──")?;
        let _ = check_once(out)?;
    }
    Ok(())
}
