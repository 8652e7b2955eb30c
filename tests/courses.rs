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

/// The repository every scene starts from, built in `app/` with a bare `origin.git/` beside it: a project with
/// `src/client.rs` (70 lines), `src/config.rs` (which holds `MAX_RETRIES`), `docs/guide.md`, `app.py`,
/// `notes.txt`; tag `v1.4` on the first commit, `v2.1` later; the last two commits "Parse config from TOML" and
/// "Add retry to the HTTP client"; branches `old` (merged) and `review`; `main` tracks `origin/main`.
const BASE: &str = r#"
set -e
git init -q -b main app
cd app
mkdir src docs
seq 1 70 | sed 's/^/line /' > src/client.rs
echo 'MAX_RETRIES = 3' > src/config.rs
echo '# Guide' > docs/guide.md
echo 'print("app")' > app.py
echo 'notes' > notes.txt
git add .
git commit -qm 'Start the project'
git tag v1.4
for i in 1 2 3 4 5 6; do echo "step $i" >> notes.txt; git commit -qam "Note $i"; done
git tag v2.1
echo 'MAX_RETRIES = 5' > src/config.rs
git commit -qam 'Parse config from TOML'
echo 'retry' >> src/client.rs
git commit -qam 'Add retry to the HTTP client'
git branch old HEAD~1
git branch review
git clone -q --bare . ../origin.git
git remote add origin ../origin.git
git fetch -q origin
git branch -q -u origin/main main
"#;

/// `(name, script run in app/ after BASE)`: the state a walkthrough starts from.
const SCENES: &[(&str, &str)] = &[
    ("project", ""),
    ("staged", "echo 'retry()' >> app.py && git add app.py"),
    (
        "edited",
        "echo 'a = 1' >> app.py && git add app.py && echo 'b = 2' >> app.py",
    ),
    ("forgot", "echo 'x = 1' > forgotten.py"),
    ("reset", "git reset -q --hard HEAD~1"),
    (
        "github",
        "git remote set-url origin git@github.com:acme/app.git",
    ),
    // origin/feature exists, no local feature; `git switch -` goes back to review.
    (
        "clone",
        "git switch -qc feature && echo 'form' > login.py && git add login.py && git commit -qm 'Add login form' \
         && git push -q origin feature && git switch -q review && git switch -q main && git branch -qD feature \
         && git fetch -q origin",
    ),
    // feature and main have both moved on since feature started; they touch different files.
    (
        "feature",
        "git switch -qc feature HEAD~2 && echo 'form' > login.py && git add login.py \
         && git commit -qm 'Add login form' && git switch -q main",
    ),
    // On feature, two commits ahead of origin/feature, the last one "Add login form".
    (
        "ahead",
        "git switch -qc feature && git push -q -u origin feature && echo 'a' > login.py && git add login.py \
         && git commit -qm 'Start the login form' && echo 'b' >> login.py && git commit -qam 'Add login form'",
    ),
    // origin/main has a commit this clone has not fetched.
    (
        "behind",
        "git clone -q ../origin.git ../other && cd ../other && echo 'more' >> notes.txt \
         && git commit -qam 'More notes' && git push -q origin main",
    ),
    // On feature with an edit not yet committed.
    (
        "wip",
        "git switch -qc feature && echo 'form' > login.py && git add login.py && git commit -qm 'Add login form' \
         && echo 'half' >> login.py",
    ),
    // stash@{1} made on main after "Fix typo", stash@{0} on feature with a message.
    (
        "stashes",
        "echo 'typo fixed' >> docs/guide.md && git commit -qam 'Fix typo' && echo 'wip' >> notes.txt \
         && git stash -q && git switch -qc feature && echo 'form' >> app.py \
         && git stash push -q -m 'half-done login form'",
    ),
    (
        "worktree",
        "git worktree add -q -b hotfix ../app-hotfix main",
    ),
];

/// Copies the folder `from` (a scene's `app/`, `origin.git/`…) into `to`.
fn copy(from: &Path, to: &Path) -> Result<(), String> {
    let command = format!("cp -a '{}/.' '{}/'", from.display(), to.display());
    let (ok, _, err) = sh(to, to, &command);
    ok.then_some(())
        .ok_or_else(|| format!("copying a scene fails: {err}"))
}

/// Scenes built once each from one base and copied for every use (`cp -a`: the remote is a relative path, so a
/// copy works). A worktree records absolute paths, so that scene's script runs afresh on each copy.
struct Scenes {
    built: tempfile::TempDir,
    /// Held while the base or a template is built, so that two threads never build one at once.
    building: std::sync::Mutex<()>,
}

impl Scenes {
    fn new() -> Self {
        Self {
            built: tempfile::tempdir().unwrap(),
            building: std::sync::Mutex::new(()),
        }
    }

    /// The base repository, built on first use.
    fn base(&self) -> Result<PathBuf, String> {
        let base = self.built.path().join("base");
        if !base.exists() {
            std::fs::create_dir(&base).unwrap();
            let (ok, _, err) = sh(&base, &base, BASE);
            if !ok {
                return Err(format!("the base repository fails: {err}"));
            }
        }
        Ok(base)
    }

    /// The base, built under the lock when another thread may be building too.
    fn base_locked(&self) -> Result<PathBuf, String> {
        let _building = self.building.lock().unwrap();
        self.base()
    }

    /// Runs scene `name`'s script in a copy of the base in `dir`.
    fn build(&self, name: &str, dir: &Path) -> Result<(), String> {
        let script = SCENES
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, s)| *s)
            .ok_or_else(|| format!("no scene `{name}`"))?;
        copy(&self.base()?, dir)?;
        let (ok, _, err) = sh(&dir.join("app"), dir, script);
        ok.then_some(())
            .ok_or_else(|| format!("scene `{name}` fails: {err}"))
    }

    /// A fresh copy of a scene in a new temporary folder: (the folder, the repository in it).
    fn fresh(&self, name: &str) -> Result<(tempfile::TempDir, PathBuf), String> {
        let dir = tempfile::tempdir().unwrap();
        if name == "worktree" {
            drop(self.base_locked()?);
            self.build(name, dir.path())?;
        } else {
            let template = self.built.path().join(name);
            {
                let _building = self.building.lock().unwrap();
                if !template.exists() {
                    std::fs::create_dir(&template).unwrap();
                    if let Err(e) = self.build(name, &template) {
                        let _ = std::fs::remove_dir_all(&template);
                        return Err(e);
                    }
                }
            }
            copy(&template, dir.path())?;
        }
        let app = dir.path().join("app");
        Ok((dir, app))
    }
}

/// A commit id in a lesson is made up: a command names the commit by its message instead, and output compares
/// ids as `<id>`.
const MADE_UP_IDS: &[(&str, &str)] = &[(
    "3f9a2c1",
    "$(git rev-parse --short ':/^Add retry to the HTTP client')",
)];

fn normalise(line: &str) -> String {
    line.split_whitespace()
        .map(|word| {
            let bare = word.trim_matches(|c: char| !c.is_ascii_alphanumeric());
            if bare.len() >= 7
                && bare.chars().all(|c| c.is_ascii_hexdigit())
                && bare.chars().any(|c| c.is_ascii_digit())
            {
                word.replace(bare, "<id>")
            } else {
                word.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// A command line of a git block and the `# ` lines after it.
struct Step {
    number: usize,
    command: String,
    output: Vec<String>,
}

fn steps(block: &Block) -> Vec<Step> {
    let mut steps: Vec<Step> = Vec::new();
    for (number, line) in &block.lines {
        let trimmed = line.trim();
        if let Some(comment) = trimmed.strip_prefix('#') {
            if let Some(step) = steps.last_mut() {
                step.output
                    .push(comment.strip_prefix(' ').unwrap_or(comment).to_string());
            }
        } else if !trimmed.is_empty() {
            let command = match trimmed.find(" #") {
                Some(at) => &trimmed[..at],
                None => trimmed,
            };
            let command = MADE_UP_IDS
                .iter()
                .fold(command.trim().to_string(), |c, (id, by)| c.replace(id, by));
            steps.push(Step {
                number: *number,
                command,
                output: Vec::new(),
            });
        }
    }
    steps
}

/// Runs a step in `app`; a failure as a message naming its file:line.
fn replay(file: &str, step: &Step, app: &Path, home: &Path, output: bool) -> Result<(), String> {
    let (ok, stdout, stderr) = sh(app, home, &step.command);
    let at = format!("{file}:{}", step.number);
    if !ok {
        return Err(format!("{at}: `{}` fails: {}", step.command, stderr.trim()));
    }
    if output && !step.output.is_empty() {
        let printed: Vec<String> = stdout.lines().map(normalise).collect();
        let shown: Vec<String> = step.output.iter().map(|l| normalise(l)).collect();
        if !printed.starts_with(&shown) {
            return Err(format!(
                "{at}: `{}` prints {printed:?}, the lesson shows {shown:?}",
                step.command
            ));
        }
    }
    Ok(())
}

#[test]
fn git_walkthroughs_replay_in_a_scratch_repository() {
    if !installed("git") {
        skip("git-in-bites' walkthroughs: `git` is not installed");
        return;
    }
    let scenes = Scenes::new();
    let blocks = sh_blocks("git-in-bites");
    assert!(blocks.len() >= 25, "only {} sh blocks", blocks.len());
    // Two threads: the work is mostly waiting for git processes.
    let (even, odd): (Vec<_>, Vec<_>) = blocks.iter().enumerate().partition(|(i, _)| i % 2 == 0);
    let failures: Vec<String> = std::thread::scope(|s| {
        let halves = [even, odd].map(|half| {
            let scenes = &scenes;
            s.spawn(move || {
                half.iter()
                    .flat_map(|(_, block)| replay_block(block, scenes))
                    .collect::<Vec<_>>()
            })
        });
        halves.into_iter().flat_map(|h| h.join().unwrap()).collect()
    });
    report(&failures);
}

/// Replays one block in its scene; its failures.
fn replay_block(block: &Block, scenes: &Scenes) -> Vec<String> {
    let mut failures = Vec::new();
    let file = block.at.split(':').next().unwrap_or_default();
    let name = block.attribute("scene").unwrap_or("project");
    let (output, each) = (block.has("output"), block.has("each"));
    let mut current = None;
    for step in &steps(block) {
        if each || current.is_none() {
            current = match scenes.fresh(name) {
                Ok(scene) => Some(scene),
                Err(e) => {
                    failures.push(format!("{}: {e}", block.at));
                    break;
                }
            };
        }
        let Some((dir, app)) = &current else { break };
        if let Err(e) = replay(file, step, app, dir.path(), output) {
            failures.push(e);
            if !each {
                break;
            }
        }
    }
    failures
}

/// `(question id, scene, what to do first, what must hold after the answer)`: every accepted answer of a git
/// command question runs in the scene, must succeed, and must leave the check true. The check reads the
/// answer's output in `../answer.out`. Text questions of git-in-bites not listed here are reported as skipped.
const ANSWER_CHECKS: &[(&str, &str, &str, &str)] = &[
    (
        "branches-create-and-switch",
        "project",
        "",
        "test \"$(git branch --show-current)\" = feature && test \"$(git rev-parse feature)\" = \"$(git rev-parse main)\"",
    ),
    (
        "undo-unstage",
        "project",
        "echo 'an edit' >> notes.txt && git add notes.txt",
        "git diff --cached --quiet && ! git diff --quiet -- notes.txt",
    ),
    (
        "remotes-first-push",
        "project",
        "git switch -qc feature && echo 'form' > login.py && git add login.py && git commit -qm 'Add login form'",
        "git ls-remote --exit-code origin refs/heads/feature >/dev/null \
         && test \"$(git rev-parse --abbrev-ref 'feature@{upstream}')\" = origin/feature",
    ),
    (
        "worktree-list-command",
        "worktree",
        "",
        "grep -q 'app-hotfix .*\\[hotfix\\]' ../answer.out && grep -q '/app .*\\[main\\]' ../answer.out",
    ),
];

/// `FILE:LINE` of the line `id = "ID"` in a lesson of git-in-bites, or the lesson's id when not found.
fn place(pack: &Path, lesson: &str, id: &str) -> String {
    let file = format!("courses/git-in-bites/lessons/{lesson}.md");
    let text = std::fs::read_to_string(pack.join("lessons").join(format!("{lesson}.md")))
        .unwrap_or_default();
    let needle = format!("id = \"{id}\"");
    match text.lines().position(|l| l.trim() == needle) {
        Some(n) => format!("{file}:{}", n + 1),
        None => format!("lesson {lesson}"),
    }
}

#[test]
fn accepted_git_answers_do_what_their_questions_ask() {
    if !installed("git") {
        skip("git-in-bites' accepted answers: `git` is not installed");
        return;
    }
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("courses/git-in-bites");
    let pack = morsel::pack::load(&root)
        .into_pack()
        .map_err(|r| r.diagnostics)
        .unwrap();
    let scenes = Scenes::new();
    let mut failures = Vec::new();
    let mut checked = 0;
    for lesson in &pack.lessons {
        for q in lesson.questions() {
            let QuestionKind::Text { answers, .. } = &q.kind else {
                continue;
            };
            let at = place(&root, &lesson.id, &q.id);
            let Some(&(_, scene, setup, check)) = ANSWER_CHECKS.iter().find(|(id, ..)| *id == q.id)
            else {
                skip(&format!(
                    "{at}: `{}`: no check of its answers in tests/courses.rs",
                    q.id
                ));
                continue;
            };
            for answer in answers {
                assert!(
                    is_correct(&q.kind, &Response::Text(answer.clone())),
                    "{at}: `{answer}`"
                );
                checked += 1;
                let result = scenes.fresh(scene).and_then(|(dir, app)| {
                    let run = |what: &str, script: &str| {
                        let (ok, stdout, stderr) = sh(&app, dir.path(), script);
                        ok.then_some(stdout)
                            .ok_or_else(|| format!("{what} `{script}` fails: {}", stderr.trim()))
                    };
                    run("the setup", setup)?;
                    let out = run("the answer", answer)?;
                    std::fs::write(dir.path().join("answer.out"), out).unwrap();
                    run("the check", check).map(|_| ())
                });
                if let Err(e) = result {
                    failures.push(format!("{at}: `{}`: accepted answer `{answer}`: {e}", q.id));
                }
            }
        }
    }
    assert!(checked >= 4, "only {checked} answers checked");
    report(&failures);
}
