//! "I have N minutes": a time box plans due reviews first, then the bites that fit; paused time does not count;
//! at 80% the player says so; at the end it shows what was done against what was planned.

use morsel::tui::app::{Event, Screen, Start};

use crate::fixture;
use crate::player::{
    Player, every_construct, player, press, press_until, query, reopen, screen, through_intro,
};

fn timebox(p: &Player, minutes: u32) -> morsel::tui::App {
    reopen(
        p,
        Start::TimeBox {
            minutes,
            course: Some(fixture("valid/every-construct")),
            reviews_only: false,
        },
    )
}

/// Presses next every 20 seconds until the box is done (at most 60 keys).
fn next_until_done(p: &mut Player) {
    for _ in 0..60 {
        if matches!(p.app.screen, Screen::TimeboxDone(_)) {
            return;
        }
        p.clock.advance_secs(20);
        press(&mut p.app, "<Right>");
        if screen(&p.app).contains("Question") {
            press(&mut p.app, "s");
        }
    }
    panic!("the box never ended:\n{}", screen(&p.app));
}

#[test]
fn a_box_reads_the_bites_that_fit_and_ends_with_what_was_done() {
    let mut p = every_construct((80, 24));
    p.app = timebox(&p, 2);
    let first = screen(&p.app);
    assert!(
        first.contains("Markdown, all of it"),
        "no reviews yet: the course's bites:\n{first}"
    );
    next_until_done(&mut p);
    let done = screen(&p.app);
    assert!(done.contains("2 minutes: done"), "{done}");
    assert!(
        done.contains("Time used:") && done.contains("of 2 min"),
        "{done}"
    );
    assert!(done.contains("bites read"), "{done}");
    insta::assert_snapshot!("timebox-done-80x24", done);
}

#[test]
fn the_player_says_so_at_eighty_percent_and_paused_time_does_not_count() {
    let mut p = every_construct((80, 24));
    p.app = timebox(&p, 5);
    // A long pause does not count: the box is still far from its end.
    press(&mut p.app, "p");
    p.clock.advance_secs(30 * 60);
    press(&mut p.app, "p");
    assert!(!screen(&p.app).contains("min used"), "{}", screen(&p.app));
    // Four active minutes, a key every 30 seconds on the same bite (scrolling), reach 80% of 5.
    for _ in 0..8 {
        p.clock.advance_secs(30);
        press(&mut p.app, "<Down>");
    }
    let text = screen(&p.app);
    assert!(text.contains("4 of 5 min used"), "{text}");
}

#[test]
fn due_reviews_come_first_in_a_box() {
    let mut p = every_construct((80, 24));
    through_intro(&mut p.app);
    press_until(&mut p.app, "<Right>", "Which is a pointer?");
    press(&mut p.app, "s");
    press(&mut p.app, "q");
    p.clock.advance_secs(2 * 86_400);
    p.app = timebox(&p, 10);
    let text = screen(&p.app);
    assert!(matches!(p.app.screen, Screen::Review(_)), "{text}");
    assert!(text.contains("Which is a pointer?"), "{text}");
    // The review says how much of the box is used from the start, as the player does.
    assert!(text.contains("0 of 10 min"), "{text}");
    p.clock.advance_secs(3 * 60);
    press(&mut p.app, "1");
    assert!(screen(&p.app).contains("3 of 10 min"), "{}", screen(&p.app));
}

#[test]
fn the_library_plans_a_box_with_t() {
    let mut p = player(Start::Library, &fixture("valid/every-construct"), (80, 24));
    press(&mut p.app, "t");
    let choose = screen(&p.app);
    assert!(
        choose.contains("Time box: 1 5 min · 2 10 min · 3 15 min · 4 25 min"),
        "{choose}"
    );
    assert!(
        choose.contains("1-4 how long  Esc cancel"),
        "the footer names the keys: {choose}"
    );
    press(&mut p.app, "1");
    assert!(
        matches!(p.app.screen, Screen::Player(_)),
        "{}",
        screen(&p.app)
    );
    let _ = p.app.handle(Event::Tick);
}

#[test]
fn the_box_summary_fits_a_narrow_terminal() {
    let mut p = every_construct((40, 12));
    p.app = timebox(&p, 2);
    next_until_done(&mut p);
    insta::assert_snapshot!("timebox-done-40x12", screen(&p.app));
}

#[test]
fn the_player_shows_how_much_of_the_box_is_used() {
    let mut p = every_construct((80, 24));
    p.app = timebox(&p, 5);
    p.clock.advance_secs(70);
    press(&mut p.app, "<Down>");
    assert!(screen(&p.app).contains("1 of 5 min"), "{}", screen(&p.app));
}

#[test]
fn a_review_in_a_box_pauses_and_the_pause_does_not_count() {
    let mut p = every_construct((80, 24));
    through_intro(&mut p.app);
    press_until(&mut p.app, "<Right>", "Which is a pointer?");
    press(&mut p.app, "s");
    press(&mut p.app, "q");
    p.clock.advance_secs(2 * 86_400);
    p.app = timebox(&p, 10);
    assert!(matches!(p.app.screen, Screen::Review(_)));
    p.clock.advance_secs(30);
    press(&mut p.app, "p");
    assert!(screen(&p.app).contains("Paused"), "{}", screen(&p.app));
    p.clock.advance_secs(20 * 60);
    press(&mut p.app, "p");
    let used = p.app.ctx.timebox.as_ref().map(|t| t.used_ms);
    assert_eq!(
        used,
        Some(30_000),
        "the 30 s before the pause, not the 20 min of it"
    );
}

#[test]
fn a_box_that_runs_out_counts_only_the_bites_it_showed() {
    let mut p = every_construct((80, 24));
    p.app = timebox(&p, 2);
    let mut shown = std::collections::BTreeSet::new();
    for _ in 0..60 {
        if let Screen::Player(pl) = &p.app.screen {
            let s = &pl.session;
            shown.insert((s.lesson().id.clone(), s.bite().number.to_string()));
        }
        if matches!(p.app.screen, Screen::TimeboxDone(_)) {
            break;
        }
        p.clock.advance_secs(20);
        press(&mut p.app, "<Right>");
        if screen(&p.app).contains("Question") {
            press(&mut p.app, "s");
        }
    }
    let done = screen(&p.app);
    let read = format!("{} bites read", shown.len());
    assert!(done.contains(&read), "{read} expected:\n{done}");
    let seen: std::collections::BTreeSet<(String, String)> =
        query(&p.db, "SELECT lesson_id, bite FROM bites_seen")
            .into_iter()
            .map(|row| (row[0].clone(), row[1].clone()))
            .collect();
    assert_eq!(seen, shown, "only the bites shown are seen");
}

mod plain {
    //! The time box in `--plain`: the same plan, notices and summary as plain lines.

    use std::io::{BufRead, Read};
    use std::rc::Rc;

    use morsel::app::config::Config;
    use morsel::app::paths::Paths;
    use morsel::learn::clock::ManualClock;
    use morsel::plain::timebox::{BoxStart, Env, run};
    use morsel::store::Store;

    use crate::{at, fixture};

    const T0: i64 = 1_795_000_000_000;
    const DAY: i64 = 86_400_000;

    #[test]
    fn play_plain_minutes_reads_the_bites_that_fit_and_ends_with_the_box_summary() {
        let dir = tempfile::tempdir().unwrap();
        let pack = fixture("valid/every-construct");
        let args = ["play", "--plain", "--minutes", "2", pack.to_str().unwrap()];
        let (ok, out, err) = at(dir.path(), T0, &args, &"next\n".repeat(20));
        assert!(ok, "{err}");
        assert!(out.starts_with("Time box: 2 min. Planned: "), "{out}");
        assert!(out.contains("Markdown, all of it"), "{out}");
        // It ends by itself once the planned bites are behind the learner, before the input does.
        assert!(
            out.contains("\n2 minutes: done\nTime used: 0 of 2 min (planned "),
            "{out}"
        );
        assert!(
            out.contains(" bites read.\n") || out.contains(" bite read.\n"),
            "{out}"
        );
        assert!(out.trim_end().ends_with("Saved. Bye."), "{out}");
        assert_eq!(out.matches("Saved. Bye.").count(), 1, "{out}");
    }

    #[test]
    fn review_plain_minutes_reviews_what_is_due_and_ends_with_the_box_summary() {
        let dir = tempfile::tempdir().unwrap();
        let pack = fixture("valid/every-construct");
        let pack = pack.to_str().unwrap();
        // Play the course once, skipping every question: each comes back the next day.
        let (ok, _, err) = at(
            dir.path(),
            T0,
            &["play", "--plain", pack],
            &":skip\nnext\n".repeat(20),
        );
        assert!(ok, "{err}");
        let args = ["review", "--plain", "--minutes", "5"];
        let (ok, out, err) = at(dir.path(), T0 + DAY, &args, &":skip\nnext\n".repeat(20));
        assert!(ok, "{err}");
        assert!(out.starts_with("Time box: 5 min. Planned: "), "{out}");
        assert!(out.contains(" review"), "{out}");
        assert!(out.contains("Review 1 of "), "{out}");
        assert!(out.contains("\n5 minutes: done\n"), "{out}");
        assert!(out.contains(", 0 bites read.\n"), "{out}");
    }

    /// Lines of input, each one taking `seconds` of the learner's time.
    struct Timed {
        lines: std::io::Cursor<Vec<u8>>,
        clock: ManualClock,
        seconds: i64,
    }

    impl Read for Timed {
        fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
            self.lines.read(buf)
        }
    }

    impl BufRead for Timed {
        fn fill_buf(&mut self) -> std::io::Result<&[u8]> {
            self.lines.fill_buf()
        }
        /// Each line ends as it is consumed: the time it took passes then.
        fn consume(&mut self, amount: usize) {
            let ends = self.lines.fill_buf().map_or(0, |b| {
                b[..amount.min(b.len())]
                    .iter()
                    .filter(|&&c| c == b'\n')
                    .count()
            });
            self.clock.advance_secs(self.seconds * ends as i64);
            self.lines.consume(amount);
        }
    }

    #[test]
    fn the_plain_box_says_how_much_is_used_and_warns_at_eighty_percent() {
        let dir = tempfile::tempdir().unwrap();
        let courses = fixture("valid");
        let paths = Paths::resolve(
            Some(dir.path().join("progress.db")),
            Some(dir.path().join("none.toml")),
            vec![courses],
        )
        .unwrap();
        let mut store = Store::open(&paths.db).unwrap();
        let clock = ManualClock::at(T0);
        let env = Env {
            paths: &paths,
            config: &Config::default(),
            clock: Rc::new(clock.clone()),
        };
        let start = BoxStart {
            minutes: 2,
            course: Some(fixture("valid/every-construct")),
            reviews_only: false,
        };
        let mut input = Timed {
            lines: std::io::Cursor::new("next\n".repeat(30).into_bytes()),
            clock,
            seconds: 40,
        };
        let mut out = Vec::new();
        run(&env, &mut store, &start, &mut input, &mut out).unwrap();
        let out = String::from_utf8(out).unwrap();
        assert!(out.contains("\n0 of 2 min used.\n"), "{out}");
        assert!(out.contains("\n1 of 2 min used.\n"), "{out}");
        assert_eq!(
            out.matches("min used: this is the last of the box.")
                .count(),
            1,
            "{out}"
        );
        // The time ran out: the box ends as the next bite begins (2 min 40 s used: time spent rounds down, as on
        // every screen).
        assert!(
            out.contains("\n2 minutes: done\nTime used: 2 of 2 min"),
            "{out}"
        );
    }
}
