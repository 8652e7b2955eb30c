//! Two terminals on one course, end to end: two real `play --plain` processes on one database. The second is told
//! the course is open elsewhere and takes it over; the first stops at its next line, says why, exits non-zero, and
//! neither loses a saved answer nor overwrites the newer position.

use std::io::{Read, Write};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{self, Receiver};
use std::time::Duration;

use crate::fixture;

struct Plain {
    child: Child,
    stdin: ChildStdin,
    output: Receiver<String>,
}

impl Plain {
    fn start(db: &std::path::Path) -> Self {
        let pack = fixture("valid/every-construct");
        let mut child = Command::new(assert_cmd::cargo::cargo_bin("morsel"))
            .arg("--db")
            .arg(db)
            .args(["play", "--plain"])
            .arg(pack)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut stdout = child.stdout.take().unwrap();
        let (tx, output) = mpsc::channel();
        std::thread::spawn(move || {
            let mut buf = [0u8; 4096];
            while let Ok(n) = stdout.read(&mut buf) {
                if n == 0
                    || tx
                        .send(String::from_utf8_lossy(&buf[..n]).into_owned())
                        .is_err()
                {
                    break;
                }
            }
        });
        let stdin = child.stdin.take().unwrap();
        Self {
            child,
            stdin,
            output,
        }
    }

    /// Output up to the next prompt.
    fn screen(&mut self) -> String {
        let mut text = String::new();
        while !(text.ends_with("\n> ") || text == "> ") {
            match self.output.recv_timeout(Duration::from_secs(20)) {
                Ok(chunk) => text.push_str(&chunk),
                Err(_) => panic!("no prompt; so far:\n{text}"),
            }
        }
        text
    }

    fn send(&mut self, line: &str) -> String {
        writeln!(self.stdin, "{line}").unwrap();
        self.screen()
    }

    /// Sends a line and waits for the process to end: its exit code and stderr.
    fn send_and_end(mut self, line: &str) -> (Option<i32>, String) {
        writeln!(self.stdin, "{line}").unwrap();
        drop(self.stdin);
        let status = self.child.wait().unwrap();
        let mut stderr = String::new();
        self.child
            .stderr
            .take()
            .unwrap()
            .read_to_string(&mut stderr)
            .unwrap();
        (status.code(), stderr)
    }
}

fn query(db: &std::path::Path, sql: &str) -> String {
    let conn = rusqlite::Connection::open(db).unwrap();
    conn.query_row(sql, [], |r| r.get::<_, rusqlite::types::Value>(0))
        .map(|v| format!("{v:?}"))
        .unwrap()
}

fn position(db: &std::path::Path) -> String {
    query(
        db,
        "SELECT lesson_id || ' ' || bite FROM positions WHERE course_id = 'every-construct'",
    )
}

#[test]
fn a_second_terminal_is_told_takes_over_and_the_first_stops_without_losing_answers() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("progress.db");
    let mut first = Plain::start(&db);
    first.screen();
    first.send("");
    first.send("");
    first.send("next");
    first.send("next");
    let question = first.send("next");
    assert!(question.contains("Question: Which is a pointer?"), "{question}");
    let n = question
        .lines()
        .find_map(|l| l.strip_suffix(". A branch"))
        .unwrap()
        .to_string();
    let verdict = first.send(&n);
    assert!(verdict.contains("Right."), "{verdict}");

    // Leaving it changes nothing, and says so.
    let mut leaving = Plain::start(&db);
    let asked = leaving.screen();
    let pid = first.child.id();
    assert!(
        asked.starts_with(&format!(
            "every-construct is open in another terminal (pid {pid}, since "
        )) && asked.contains("). Take over here? The other one will stop saving and show why."),
        "{asked}"
    );
    let (code, _) = leaving.send_and_end("leave");
    assert_eq!(code, Some(1), "leaving plays nothing");

    let mut second = Plain::start(&db);
    second.screen();
    let resumed = second.send("take");
    assert!(resumed.contains("Taken over"), "{resumed}");
    assert!(
        resumed.contains("lesson 2 of 3: Questions of every kind"),
        "{resumed}"
    );
    let taken_at = position(&db);

    // The first one's next move is refused: it says why and stops, and the newer position stands.
    let (code, stderr) = first.send_and_end("next");
    assert_eq!(code, Some(2), "{stderr}");
    assert!(
        stderr.contains("every-construct was taken over in another terminal (pid ")
            && stderr.contains("your progress up to here is saved"),
        "{stderr}"
    );
    assert_eq!(position(&db), taken_at);
    assert_eq!(
        query(
            &db,
            "SELECT count(*) FROM answers WHERE course_id = 'every-construct' AND correct = 1"
        ),
        "Integer(1)",
        "the answer given before the take-over is kept"
    );
    assert_eq!(
        query(
            &db,
            "SELECT pid FROM claims WHERE course_id = 'every-construct'"
        ),
        format!("Integer({})", second.child.id()),
        "the stopped player left the claim to the new one"
    );

    second.send("next");
    let (code, stderr) = second.send_and_end("quit");
    assert_eq!(code, Some(0), "{stderr}");
    assert_eq!(query(&db, "SELECT count(*) FROM claims"), "Integer(0)");
}
