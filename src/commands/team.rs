//! `morsel team COURSE --input FILE | --lrs URL`: a course's statements from every learner (a file: an LRS's
//! export, or several learners' `morsel export xapi`; or the LRS itself, through `export::lrs::read`), read across the team by
//! `export::team`, printed as text or one JSON document.

use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context as _;

use super::{Format, Global, SanitisedLines, write_json};
use crate::app::overview::{Loaded, find_course, load_pack};
use crate::export::team::{self, Names, Report, parse};
use crate::text::percent::segment;
use crate::text::sanitize;

#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// The course: its id (its pack on the course path then names lessons and prompts), a pack folder, or the
    /// course's activity IRI.
    #[arg(value_name = "COURSE")]
    course: String,
    /// Statements to read: a JSON array, NDJSON, several exports one after another, or an LRS's
    /// `{"statements": [...]}`; `-` for stdin.
    #[arg(
        long,
        value_name = "FILE",
        required_unless_present = "lrs",
        conflicts_with = "lrs"
    )]
    input: Option<PathBuf>,
    /// Read the statements from this LRS's xAPI endpoint (every learner's, about the course); credentials from
    /// MORSEL_LRS_USER and MORSEL_LRS_PASSWORD, or lrs_user and lrs_password in the config.
    #[arg(long, value_name = "URL")]
    lrs: Option<String>,
    /// Send credentials over plain http to a host other than this machine (they travel in clear).
    #[arg(long, requires = "lrs")]
    allow_http: bool,
    /// Only statements from this date (`2026-11-18`, UTC) or timestamp on.
    #[arg(long, value_name = "DATE")]
    since: Option<String>,
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
}

pub(crate) fn run(args: Args, global: &Global) -> anyhow::Result<ExitCode> {
    let now = super::now();
    let paths = global.paths()?;
    let since = match &args.since {
        Some(text) => Some(parse::since(text).with_context(|| {
            format!(
                "--since {}: expected a date such as 2026-11-18 or a timestamp such as 2026-11-18T09:00:00Z",
                sanitize(text)
            )
        })?),
        None => None,
    };
    let (iri, mut names) = course(&paths, &args.course);
    let (read, source) = match (&args.input, &args.lrs) {
        (Some(input), _) => {
            let text = read_input(input)?;
            let source = sanitize(&input.display().to_string()).into_owned();
            let read = parse::read(&text, &iri, since).with_context(|| source.clone())?;
            (read, source)
        }
        (None, Some(url)) => {
            let config = crate::app::config::Config::load(&paths.config)?;
            let lrs = super::sync::lrs_of(url.clone(), &config, &paths.config, args.allow_http)?;
            let reader = crate::export::lrs::read::Lrs(lrs);
            (reader.statements(&iri, since)?, "the LRS".to_string())
        }
        (None, None) => anyhow::bail!("give --input FILE or --lrs URL"),
    };
    say_what_was_left(&read, &iri, &source);
    names.definitions = read.definitions;
    let report = team::analyse(read.events, &iri, &names, now);
    let stdout = io::stdout();
    let mut out = stdout.lock();
    if args.format == Format::Json {
        write_json(&report, &mut out)?;
        return super::done(out, ExitCode::SUCCESS);
    }
    let mut lines = SanitisedLines::new(&mut out);
    write_text(&report, &mut lines)?;
    lines.flush()?;
    drop(lines);
    super::done(out, ExitCode::SUCCESS)
}

/// The course's activity IRI and what its pack names: the pack on the course path (or the folder given) when it
/// loads, else the IRI morsel gives an id (or the IRI given) and no names.
fn course(paths: &crate::app::paths::Paths, target: &str) -> (String, Names) {
    if let Ok(path) = find_course(paths, target)
        && let Loaded::Pack(pack) = load_pack(&path)
    {
        let iri = pack
            .course
            .iri_base
            .as_ref()
            .or(pack.course.homepage.as_ref())
            .map_or_else(
                || format!("urn:morsel:{}", segment(&pack.course.id)),
                |base| base.trim_end_matches('/').to_string(),
            );
        let names = Names::from_pack(&pack, &iri);
        return (iri, names);
    }
    let iri = if target.contains(':') {
        target.trim_end_matches('/').to_string()
    } else {
        format!("urn:morsel:{}", segment(target))
    };
    (iri, Names::default())
}

fn read_input(path: &Path) -> anyhow::Result<String> {
    if path == Path::new("-") {
        let mut text = String::new();
        io::Read::read_to_string(&mut io::stdin(), &mut text)
            .context("reading statements from stdin")?;
        return Ok(text);
    }
    std::fs::read_to_string(path).with_context(|| {
        format!(
            "reading statements from {}",
            sanitize(&path.display().to_string())
        )
    })
}

/// On stderr: statements that could not be read, and a course with no statement at all.
fn say_what_was_left(read: &parse::Read, iri: &str, input: &str) {
    if read.skipped > 0 {
        eprintln!(
            "{input}: {} left out: no actor, verb, object id or timestamp",
            super::plural(read.skipped, "statement")
        );
    }
    if read.events.is_empty() {
        eprintln!(
            "{input}: no statement about {} ({} about other courses)",
            sanitize(iri),
            read.other_courses
        );
    }
}

fn percent(share: f64) -> String {
    format!("{:.0}%", share * 100.0)
}

fn optional(value: Option<f64>, show: impl Fn(f64) -> String) -> String {
    value.map_or_else(|| "-".to_string(), show)
}

/// The report as text: learners, lessons, key results, retention, then questions (flagged first), cards and bites.
pub(crate) fn write_text(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    let l = &report.learners;
    writeln!(
        out,
        "Course {}: {} statements",
        report.course, report.statements
    )?;
    writeln!(
        out,
        "Learners: {}, {} active in the last 7 days, {} in the last 30; median {:.1} active minutes a week",
        l.count, l.active_7_days, l.active_30_days, l.median_active_minutes_a_week
    )?;
    writeln!(out, "\nLessons (completed, passed, mastered):")?;
    for lesson in &report.lessons {
        let title = lesson
            .title
            .as_deref()
            .map(|t| format!(" {t}"))
            .unwrap_or_default();
        writeln!(
            out,
            "  {}{title}: {} ({}), {} ({}), {} ({})",
            lesson.id,
            lesson.completed,
            percent(lesson.completed_share),
            lesson.passed,
            percent(lesson.passed_share),
            lesson.mastered,
            percent(lesson.mastered_share)
        )?;
    }
    write_key_results(report, out)?;
    let r = &report.retention;
    writeln!(
        out,
        "\nRetention (spaced reviews, last 30 days): {} of {} recalled ({})",
        r.recalled,
        r.reviews,
        optional(r.share, percent)
    )?;
    for lesson in &r.lessons {
        let share = optional(lesson.share, percent);
        writeln!(
            out,
            "  {}: {} of {} ({share})",
            lesson.lesson, lesson.recalled, lesson.reviews
        )?;
    }
    write_questions(report, out)?;
    write_cards_and_bites(report, out)
}

fn write_key_results(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    if report.key_results.is_empty() {
        return Ok(());
    }
    writeln!(out, "\nKey results:")?;
    for kr in &report.key_results {
        let name = kr
            .name
            .as_deref()
            .map(|n| format!(" {n}"))
            .unwrap_or_default();
        let measure = kr.measure.as_deref().unwrap_or("?");
        let target = optional(kr.target, |t| t.to_string());
        let median = optional(kr.median_value, |m| m.to_string());
        writeln!(
            out,
            "  {}{name} ({measure}, target {target}): {} of {} learners meet it; median {median}",
            kr.id, kr.met, kr.learners
        )?;
    }
    Ok(())
}

/// A prompt's first line, at most 60 characters.
fn short(prompt: &str) -> String {
    let line = prompt
        .lines()
        .find(|l| !l.trim().is_empty())
        .unwrap_or("")
        .trim();
    let mut short: String = line.chars().take(60).collect();
    if line.chars().count() > 60 {
        short.push('…');
    }
    short
}

fn write_questions(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    writeln!(out, "\nQuestions (flagged first):")?;
    for q in &report.questions {
        let prompt = q
            .prompt
            .as_deref()
            .map(|p| format!(" \"{}\"", short(p)))
            .unwrap_or_default();
        writeln!(out, "  {} [{}]{prompt}", q.id, q.lesson)?;
        writeln!(
            out,
            "    {} learners, {} attempts; right first try {}; discrimination {} (n={}); median {} to answer; {} leeches",
            q.learners,
            q.attempts,
            optional(q.first_try_right, percent),
            optional(q.discrimination, |d| format!("{d:.2}")),
            q.discrimination_count,
            optional(q.median_seconds, |s| format!("{s:.1} s")),
            q.leeches
        )?;
        for d in &q.distractors {
            let text = d
                .text
                .as_deref()
                .map(|t| format!(" \"{}\"", short(t)))
                .unwrap_or_default();
            writeln!(
                out,
                "    wrong choice {}{text}: picked {} ({})",
                d.id,
                d.picks,
                percent(d.pick_rate)
            )?;
        }
        if !q.flags.is_empty() {
            writeln!(out, "    flagged: {}", q.flags.join("; "))?;
        }
    }
    Ok(())
}

fn write_cards_and_bites(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    if !report.cards.is_empty() {
        writeln!(out, "\nCards:")?;
        for c in &report.cards {
            writeln!(
                out,
                "  {}: {} spaced reviews, {} recalled; {} leeches",
                c.id,
                c.reviews,
                optional(c.recalled_share, percent),
                c.leeches
            )?;
        }
    }
    if !report.bites.is_empty() {
        writeln!(out, "\nBites (clear, unclear, questions asked):")?;
        for b in &report.bites {
            let id =
                b.id.strip_prefix(&format!("{}/lesson/", report.course))
                    .unwrap_or(&b.id);
            writeln!(
                out,
                "  {id}: {} clear, {} unclear, {} asked",
                b.clear,
                b.unclear,
                b.questions.len()
            )?;
            for question in &b.questions {
                writeln!(out, "    {}", short(question))?;
            }
        }
    }
    Ok(())
}
