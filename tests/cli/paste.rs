//! Pastes into the real player in a real terminal (tmux, on its own socket): a paste into a note arrives whole, one
//! of 100 KB up to the note's cap, and `Esc` right after it acts at once. Skipped, saying so, where tmux is not
//! installed.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use crate::bound::{HANG_GUARD, run_within};

/// A tmux server of the test's own, killed when dropped.
struct Tmux {
    socket: PathBuf,
}

impl Tmux {
    fn command(&self) -> Command {
        let mut c = Command::new("tmux");
        c.arg("-S").arg(&self.socket).arg("-f").arg("/dev/null");
        c
    }

    fn run(&self, args: &[&str]) -> String {
        let out = run_within(self.command().args(args), &format!("tmux {args:?}"));
        assert!(
            out.status.success(),
            "tmux {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    fn screen(&self) -> String {
        self.run(&["capture-pane", "-p", "-t", "paste"])
    }

    /// Waits until the screen shows `needle`, at most `within`; the screen, or the test fails naming `what`.
    fn wait_for(&self, needle: &str, within: Duration, what: &str) -> String {
        let deadline = Instant::now() + within;
        loop {
            let screen = self.screen();
            if screen.contains(needle) {
                return screen;
            }
            assert!(
                Instant::now() < deadline,
                "{what}: no `{needle}` within {within:?}:\n{screen}"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = self.command().arg("kill-server").output();
    }
}

fn tmux_installed() -> bool {
    Command::new("tmux")
        .arg("-V")
        .output()
        .is_ok_and(|o| o.status.success())
}

fn pack(dir: &Path) -> PathBuf {
    let root = dir.join("courses/paste");
    std::fs::create_dir_all(&root).unwrap();
    std::fs::write(
        root.join("course.toml"),
        "id = \"paste\"\ntitle = \"Paste\"\nlessons = [\"one.md\"]\n",
    )
    .unwrap();
    std::fs::write(
        root.join("one.md"),
        "+++\nid = \"one\"\ntitle = \"One\"\n+++\nA bite to paste a note on.\n\n```quiz\nid = \"q\"\nkind = \"text\"\n\
         prompt = \"Paste your answer.\"\nanswers = [\"short\"]\n```\n",
    )
    .unwrap();
    root
}

/// `lines` numbered lines marked `mark`, 64 bytes each with its line end.
fn pasted(mark: char, lines: usize) -> String {
    (0..lines)
        .map(|i| {
            format!("{mark}{i:05} the quick brown fox jumps over the lazy dog, pasted whole\n")
        })
        .collect()
}

/// Pastes `text` into the pane through a tmux buffer.
fn paste(tmux: &Tmux, dir: &Path, text: &str) {
    let file = dir.join("paste.txt");
    std::fs::write(&file, text).unwrap();
    tmux.run(&["load-buffer", &file.display().to_string()]);
    tmux.run(&["paste-buffer", "-t", "paste"]);
}

/// The player in a tmux server of its own in `dir`, at 80×24, on the pack of `pack(dir)` and `dir/progress.db`,
/// once its first bite shows.
fn start(dir: &Path) -> Tmux {
    let root = pack(dir);
    let tmux = Tmux {
        socket: dir.join("tmux.sock"),
    };
    let bin = assert_cmd::cargo::cargo_bin("morsel");
    let env = |k: &str, v: &Path| format!("{k}={}", v.display());
    tmux.run(&[
        "new-session",
        "-d",
        "-s",
        "paste",
        "-x",
        "80",
        "-y",
        "24",
        "env",
        "-u",
        "MORSEL_COURSES",
        &env("MORSEL_DB", &dir.join("progress.db")),
        &env("MORSEL_CONFIG", &dir.join("none.toml")),
        &env("XDG_DATA_HOME", &dir.join("data")),
        &env("XDG_CACHE_HOME", &dir.join("cache")),
        "TERM=xterm-256color",
        &bin.display().to_string(),
        "play",
        &root.display().to_string(),
    ]);
    tmux.wait_for(
        "A bite to paste a note on.",
        HANG_GUARD,
        "the player starts",
    );
    tmux
}

#[test]
fn a_100_kb_paste_into_a_note_arrives_whole_up_to_the_cap_and_esc_acts_at_once() {
    if !tmux_installed() {
        eprintln!("skipped: tmux is not installed");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("progress.db");
    let tmux = start(dir.path());
    tmux.run(&["send-keys", "-t", "paste", "n"]);
    tmux.wait_for("Esc closes", HANG_GUARD, "the note opens");

    // 40,000 bytes arrive whole, with no key after them: the last line shows (as typed, the cursor after it).
    let first = pasted('A', 625);
    paste(&tmux, dir.path(), &first);
    tmux.wait_for(
        "A00624 the quick brown fox jumps over the lazy dog, pasted whole",
        Duration::from_secs(20),
        "the first paste arrives whole",
    );
    // Then 102,400 bytes more: the note is full before the paste ends, and the screen says so, with the last line
    // that fitted in view.
    let second = pasted('B', 1600);
    paste(&tmux, dir.path(), &second);
    let cap = 64 * 1024;
    let text = format!("{first}{second}");
    let last_line = &text[..cap][text[..cap].rfind('\n').unwrap() + 1..];
    let screen = tmux.wait_for(
        "This note is full (64 KiB at most).",
        Duration::from_secs(20),
        "the second paste fills the note",
    );
    assert!(
        screen.contains(last_line),
        "{last_line:?} in view:\n{screen}"
    );
    // Esc alone closes the note at once, with no key after it.
    tmux.run(&["send-keys", "-t", "paste", "Escape"]);
    tmux.wait_for(
        "Note saved.",
        Duration::from_secs(5),
        "Esc closes the note at once",
    );
    tmux.run(&["send-keys", "-t", "paste", "q"]);
    let out = crate::morsel()
        .arg("--db")
        .arg(&db)
        .args(["notes", "--format", "json"])
        .output()
        .unwrap();
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let saved = json["notes"][0]["text"].as_str().unwrap_or_default();
    assert_eq!(saved.len(), cap, "the note holds the paste up to its cap");
    assert!(
        saved == &text[..cap],
        "the note is the pastes' first 64 KiB"
    );
}

#[test]
fn a_100_kb_paste_into_an_answer_field_arrives_whole() {
    if !tmux_installed() {
        eprintln!("skipped: tmux is not installed");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("progress.db");
    let tmux = start(dir.path());
    tmux.run(&["send-keys", "-t", "paste", "Right"]);
    tmux.wait_for("Paste your answer.", HANG_GUARD, "the question shows");
    // One line of 102,400 bytes and an end mark, then Enter. (The field shows its start, so the screen cannot tell
    // when the paste is all in; the note's test shows that it is without a key after it.)
    let text = format!("{}THE END", pasted('C', 1600).replace('\n', " "));
    paste(&tmux, dir.path(), &text);
    tmux.run(&["send-keys", "-t", "paste", "Enter"]);
    tmux.wait_for(
        "r try again",
        Duration::from_secs(20),
        "the answer is graded",
    );
    tmux.run(&["send-keys", "-t", "paste", "q"]);
    let out = crate::morsel()
        .arg("--db")
        .arg(&db)
        .args(["export", "answers", "--format", "json"])
        .output()
        .unwrap();
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let response = json["answers"][0]["response"].as_str().unwrap_or_default();
    assert_eq!(response.len(), text.len(), "the answer is the whole paste");
}
