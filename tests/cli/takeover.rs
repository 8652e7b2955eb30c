//! Two terminals on one course, end to end: two real `play --plain` processes on one database. The second is told
//! the course is open elsewhere and takes it over; the first stops at its next line, says why, exits non-zero, and
//! neither loses a saved answer nor overwrites the newer position.

use std::io::{Read, Write};
use std::process::{ChildStdin, Command, Stdio};
use std::sync::mpsc::{self, Receiver};
use std::time::Duration;

use crate::bound::{Guarded, output_within};
use crate::fixture;

struct Plain {
    child: Guarded,
    stdin: ChildStdin,
    output: Receiver<String>,
}

impl Plain {
    fn start(db: &std::path::Path) -> Self {
        let pack = fixture("valid/every-construct");
        let mut child = Guarded::spawn(
            Command::new(assert_cmd::cargo::cargo_bin("morsel"))
                .arg("--db")
                .arg(db)
                .args(["play", "--plain"])
                .arg(pack)
                .stdin(Stdio::piped())
                .stdout(Stdio::piped())
                .stderr(Stdio::piped()),
        );
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
        let output = output_within(&mut self.child, &format!("play --plain after `{line}`"));
        (
            output.status.code(),
            String::from_utf8_lossy(&output.stderr).into_owned(),
        )
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
    assert!(
        question.contains("Question: Which is a pointer?"),
        "{question}"
    );
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

mod tui {
    use morsel::learn::session::OpenOptions;
    use morsel::tui::app::{Screen, Start};

    use crate::fixture;
    use crate::player::{Player, every_construct, press, reopen, screen, through_intro};

    fn start() -> Start {
        Start::Course {
            target: fixture("valid/every-construct").display().to_string(),
            options: OpenOptions::default(),
        }
    }

    /// The course's claim made to look like another live process's on this host (pid 1 always runs).
    fn held_elsewhere(p: &Player) {
        let conn = rusqlite::Connection::open(&p.db).unwrap();
        let changed = conn
            .execute(
                "UPDATE claims SET pid = 1 WHERE course_id = 'every-construct'",
                [],
            )
            .unwrap();
        assert_eq!(changed, 1, "the first player claimed the course");
    }

    fn saved_position(p: &Player) -> (String, i64) {
        let conn = rusqlite::Connection::open(&p.db).unwrap();
        conn.query_row(
            "SELECT lesson_id, bite FROM positions WHERE course_id = 'every-construct'",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap()
    }

    fn asked(size: (u16, u16)) -> (Player, morsel::tui::App) {
        let mut p = every_construct(size);
        through_intro(&mut p.app);
        press(&mut p.app, "<Right>");
        held_elsewhere(&p);
        let second = reopen(&p, start());
        assert!(
            matches!(second.screen, Screen::TakeOver(_)),
            "{}",
            screen(&second)
        );
        (p, second)
    }

    #[test]
    fn the_question_at_80_by_24_and_40_by_12() {
        for size in [(80, 24), (40, 12)] {
            let (_p, second) = asked(size);
            let text = screen(&second);
            assert!(text.contains("pid 1, since"), "{text}");
            insta::assert_snapshot!(format!("takeover-{}x{}", size.0, size.1), text);
        }
    }

    #[test]
    fn taking_over_moves_the_course_and_the_first_stops_at_its_next_key_without_writing() {
        let (mut p, mut second) = asked((80, 24));
        press(&mut second, "<Enter>");
        assert!(
            matches!(second.screen, Screen::Player(_)),
            "{}",
            screen(&second)
        );
        press(&mut second, "<Right>");
        let newer = saved_position(&p);

        // The first player's next move is refused: it says why, writes nothing, and goes back to the library.
        press(&mut p.app, "<Right>");
        // As one line: where it wraps depends on the digits of the pid.
        let text = screen(&p.app)
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
        assert!(
            text.contains(&format!(
                "This course was taken over in another terminal (pid {}, since",
                std::process::id()
            )) && text.contains("your progress up to here is saved."),
            "{text}"
        );
        assert_eq!(saved_position(&p), newer);
        // Reading keys do not sweep the news away; Esc goes back to the library.
        press(&mut p.app, "<Right><Enter><Space>");
        assert!(matches!(p.app.screen, Screen::TakeOver(_)));
        press(&mut p.app, "<Esc>");
        assert!(
            matches!(p.app.screen, Screen::Library(_)),
            "{}",
            screen(&p.app)
        );
        press(&mut p.app, "q");
        assert_eq!(saved_position(&p), newer, "quitting wrote nothing either");

        // The new holder plays on and saves: skipping the question records an answer.
        let answers = || -> i64 {
            let conn = rusqlite::Connection::open(&p.db).unwrap();
            conn.query_row("SELECT count(*) FROM answers", [], |r| r.get(0))
                .unwrap()
        };
        let before = answers();
        press(&mut second, "s");
        assert_eq!(answers(), before + 1, "{}", screen(&second));
    }

    #[test]
    fn a_player_learns_at_its_beat_that_it_was_taken_over() {
        let mut p = every_construct((80, 24));
        through_intro(&mut p.app);
        held_elsewhere(&p);
        // Another terminal takes it over; the first notices at its next beat, with no key pressed.
        let mut second = reopen(&p, start());
        press(&mut second, "<Enter>");
        p.clock.advance_secs(5);
        let mut effect = morsel::tui::Effect::Unchanged;
        // Beats are due by wall time (every 4 s): ticks until one finds the claim gone, bounded in number.
        for _ in 0..60 {
            effect = p.app.handle(morsel::tui::Event::Tick);
            if effect == morsel::tui::Effect::Redraw {
                break;
            }
            std::thread::sleep(std::time::Duration::from_millis(100));
        }
        assert_eq!(effect, morsel::tui::Effect::Redraw);
        let text = screen(&p.app);
        assert!(text.contains("This course was taken over"), "{text}");
    }

    #[test]
    fn the_news_of_a_take_over_at_80_by_24_and_40_by_12() {
        for size in [(80, 24), (40, 12)] {
            let (mut p, mut second) = asked(size);
            press(&mut second, "<Enter>");
            // The new holder shows as another process (pid 1) in the snapshot.
            held_elsewhere(&p);
            press(&mut p.app, "<Right>");
            let text = screen(&p.app);
            assert!(matches!(p.app.screen, Screen::TakeOver(_)), "{text}");
            insta::assert_snapshot!(format!("taken-over-{}x{}", size.0, size.1), text);
        }
    }

    #[test]
    fn leaving_it_there_opens_nothing_and_keeps_the_other_claim() {
        let (p, mut second) = asked((80, 24));
        let before = saved_position(&p);
        press(&mut second, "<Esc>");
        assert_eq!(saved_position(&p), before);
        let conn = rusqlite::Connection::open(&p.db).unwrap();
        let pid: i64 = conn
            .query_row("SELECT pid FROM claims", [], |r| r.get(0))
            .unwrap();
        assert_eq!(pid, 1);
    }
}
