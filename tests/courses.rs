//! The bundled courses' examples run as tests, as mdBook runs a book's code: every regex example of regex-in-bites
//! against the lines it shows, every git walkthrough of git-in-bites in a scratch repository, and every accepted
//! answer of a git command question through git. A lesson that drifts from the tools fails, naming its file:line;
//! a tool the machine lacks (`rg`) is skipped with a message.
//!
//! How a lesson's `sh` block is read:
//! - regex-in-bites: a line `$ command` is run with `sh`; the lines after it, up to the next `$ ` line or the end of
//!   the block, are its output. Blocks with no `$ ` line show commands on files the reader has, and are not run.
//! - git-in-bites: each command line (its `# comment` dropped) is run with `sh` in a scratch repository built by a
//!   *scene* (see [`SCENES`]) and must succeed. Words after `sh` in the fence's info string, which the player does
//!   not show, say how: `scene=NAME` (default `project`), `each` (the lines are alternatives: each one runs alone in a
//!   fresh scene; otherwise they run in order in one), and `output` (the `# ` lines after a command are the first
//!   lines it prints, compared with commit ids and runs of spaces folded; otherwise `#` lines are prose).

#![allow(clippy::unwrap_used)] // Tests: a panic is the failure report.

use std::path::{Path, PathBuf};
use std::process::Command;

use morsel::learn::grade::{Response, is_correct};
use morsel::pack::QuestionKind;

fn lessons(course: &str) -> Vec<PathBuf> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("courses")
        .join(course)
        .join("lessons");
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "md"))
        .collect();
    files.sort();
    files
}

/// A fenced block of a lesson: where it is, its info string, and its lines with their line numbers.
struct Block {
    at: String,
    info: Vec<String>,
    lines: Vec<(usize, String)>,
}

impl Block {
    fn has(&self, word: &str) -> bool {
        self.info.iter().any(|w| w == word)
    }

    fn attribute(&self, key: &str) -> Option<&str> {
        self.info
            .iter()
            .find_map(|w| w.strip_prefix(key)?.strip_prefix('='))
    }
}

/// The `sh` blocks of a course's lessons.
fn sh_blocks(course: &str) -> Vec<Block> {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let mut blocks = Vec::new();
    for file in lessons(course) {
        let text = std::fs::read_to_string(&file).unwrap();
        let name = file.strip_prefix(&root).unwrap().display().to_string();
        let mut open: Option<Block> = None;
        for (n, line) in text.lines().enumerate() {
            let number = n + 1;
            if let Some(info) = line.strip_prefix("```") {
                match open.take() {
                    Some(block) => blocks.push(block),
                    None if info.split_whitespace().next() == Some("sh") => {
                        open = Some(Block {
                            at: format!("{name}:{number}"),
                            info: info.split_whitespace().skip(1).map(String::from).collect(),
                            lines: Vec::new(),
                        });
                    }
                    // Another block: skip to its closing fence.
                    None => {
                        open = Some(Block {
                            at: String::new(),
                            info: vec!["-".into()],
                            lines: Vec::new(),
                        })
                    }
                }
            } else if let Some(block) = &mut open {
                block.lines.push((number, line.to_string()));
            }
        }
    }
    blocks.retain(|b| !b.has("-"));
    blocks
}

/// The program of each stage of a shell pipeline: the first word after each `|` outside quotes.
fn programs(command: &str) -> Vec<String> {
    let mut stages = vec![String::new()];
    let mut quote: Option<char> = None;
    for c in command.chars() {
        match (quote, c) {
            (None, '\'' | '"') => quote = Some(c),
            (Some(q), _) if c == q => quote = None,
            (None, '|') => stages.push(String::new()),
            _ => stages.last_mut().unwrap().push(c),
        }
    }
    stages
        .iter()
        .filter_map(|s| s.split_whitespace().next().map(String::from))
        .collect()
}

fn installed(tool: &str) -> bool {
    Command::new("sh")
        .args(["-c", &format!("command -v {tool}")])
        .output()
        .is_ok_and(|o| o.status.success())
}

/// Runs `command` with `sh` in `dir`, with a fixed locale, identity, clock, editor and home: (status ok, stdout,
/// stderr).
fn sh(dir: &Path, home: &Path, command: &str) -> (bool, String, String) {
    let out = Command::new("sh")
        .args(["-c", command])
        .current_dir(dir)
        .env("LC_ALL", "C.UTF-8")
        .env("HOME", home)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_AUTHOR_NAME", "Ana")
        .env("GIT_AUTHOR_EMAIL", "ana@example.org")
        .env("GIT_COMMITTER_NAME", "Ana")
        .env("GIT_COMMITTER_EMAIL", "ana@example.org")
        .env("GIT_EDITOR", "true")
        .env("GIT_PAGER", "cat")
        .env("PAGER", "cat")
        .env("GIT_TERMINAL_PROMPT", "0")
        .output()
        .unwrap();
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// Says what was skipped on the test's own stderr, which the harness does not capture, so that a normal
/// `cargo test` shows it.
fn skip(what: &str) {
    use std::io::Write;
    let _ = writeln!(std::io::stderr(), "skipped {what}");
}

fn report(failures: &[String]) {
    assert!(
        failures.is_empty(),
        "{} example(s) drift from the tools:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn regex_examples_print_what_the_lessons_show() {
    let scratch = tempfile::tempdir().unwrap();
    let mut failures = Vec::new();
    let mut run = 0;
    for block in sh_blocks("regex-in-bites") {
        let mut commands: Vec<(usize, String, Vec<String>)> = Vec::new();
        for (number, line) in &block.lines {
            match (line.strip_prefix("$ "), commands.last_mut()) {
                (Some(command), _) => commands.push((*number, command.to_string(), Vec::new())),
                (None, Some((_, _, output))) => output.push(line.clone()),
                (None, None) => {}
            }
        }
        let file = block.at.split(':').next().unwrap_or_default().to_string();
        for (number, command, expected) in commands {
            let tools = programs(&command);
            if let Some(missing) = tools.iter().find(|t| !installed(t)) {
                skip(&format!(
                    "{file}:{number}: `{missing}` is not installed: {command}"
                ));
                continue;
            }
            run += 1;
            let (_, stdout, stderr) = sh(scratch.path(), scratch.path(), &command);
            let printed: Vec<&str> = stdout.lines().collect();
            if printed != expected {
                failures.push(format!(
                    "{file}:{number}: `{command}` prints {printed:?}{}, the lesson shows {expected:?}",
                    if stderr.is_empty() { String::new() } else { format!(" (stderr: {})", stderr.trim()) }
                ));
            }
        }
    }
    assert!(run >= 15, "only {run} regex examples were run");
    report(&failures);
}
