//! The player driven by synthetic key events, with no terminal: screens drawn to ratatui's `TestBackend` and
//! snapshotted with insta, and what the store holds afterwards.

use std::path::{Path, PathBuf};
use std::rc::Rc;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use morsel::app::config::Config;
use morsel::app::paths::Paths;
use morsel::learn::clock::ManualClock;
use morsel::learn::session::OpenOptions;
use morsel::render::Styles;
use morsel::store::Store;
use morsel::tui::app::{App, Event, Screen, Settings, Start};
use morsel::tui::draw;
use morsel::tui::keymap::Keymap;
use ratatui::Terminal;
use ratatui::backend::TestBackend;

use crate::fixture;

const T0: i64 = 1_795_000_000_000;

pub struct Player {
    pub app: App,
    pub clock: ManualClock,
    pub db: PathBuf,
    _dir: tempfile::TempDir,
}

pub fn player(start: Start, courses: &Path, size: (u16, u16)) -> Player {
    player_with_keys(start, courses, size, Keymap::default())
}

pub fn player_with_keys(start: Start, courses: &Path, size: (u16, u16), keymap: Keymap) -> Player {
    player_with(start, courses, size, keymap, Styles::dark().without_color())
}

pub fn player_with(
    start: Start,
    courses: &Path,
    size: (u16, u16),
    keymap: Keymap,
    styles: Styles,
) -> Player {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("progress.db");
    let paths = Paths::resolve(
        Some(db.clone()),
        Some(dir.path().join("config.toml")),
        vec![courses.to_path_buf()],
    )
    .unwrap();
    let settings = Settings {
        config: Config::default(),
        keymap,
        styles,
        paths,
    };
    let clock = ManualClock::at(T0);
    let app = App::new(
        start,
        settings,
        Store::open(&db).unwrap(),
        Rc::new(clock.clone()),
        size,
    );
    Player {
        app,
        clock,
        db,
        _dir: dir,
    }
}

pub fn every_construct(size: (u16, u16)) -> Player {
    let start = Start::Course {
        target: fixture("valid/every-construct").display().to_string(),
        options: OpenOptions::default(),
    };
    player(start, &fixture("valid"), size)
}

/// A new app on the same database and course path, as a second start of morsel.
pub fn reopen(p: &Player, start: Start) -> App {
    let settings = Settings {
        config: Config::default(),
        keymap: Keymap::default(),
        styles: Styles::dark().without_color(),
        paths: p.app.ctx.paths.clone(),
    };
    App::new(
        start,
        settings,
        Store::open(&p.db).unwrap(),
        Rc::new(p.clock.clone()),
        p.app.ctx.size,
    )
}

/// Sends keys: single characters, or names in angle brackets: <Right> <Enter> <Esc> <Space> <Tab> <Backspace>
/// <Down> <Up> <PgDn> <PgUp> <Left> <C-c>.
pub fn press(app: &mut App, keys: &str) {
    let mut rest = keys;
    while let Some(c) = rest.chars().next() {
        let (code, modifiers, used) = if c == '<' {
            let end = rest.find('>').expect("a closed key name");
            let name = &rest[1..end];
            let (code, modifiers) = match name {
                "Right" => (KeyCode::Right, KeyModifiers::NONE),
                "Left" => (KeyCode::Left, KeyModifiers::NONE),
                "Up" => (KeyCode::Up, KeyModifiers::NONE),
                "Down" => (KeyCode::Down, KeyModifiers::NONE),
                "PgDn" => (KeyCode::PageDown, KeyModifiers::NONE),
                "PgUp" => (KeyCode::PageUp, KeyModifiers::NONE),
                "Enter" => (KeyCode::Enter, KeyModifiers::NONE),
                "Esc" => (KeyCode::Esc, KeyModifiers::NONE),
                "Space" => (KeyCode::Char(' '), KeyModifiers::NONE),
                "Tab" => (KeyCode::Tab, KeyModifiers::NONE),
                "Backspace" => (KeyCode::Backspace, KeyModifiers::NONE),
                "Delete" => (KeyCode::Delete, KeyModifiers::NONE),
                "Home" => (KeyCode::Home, KeyModifiers::NONE),
                "End" => (KeyCode::End, KeyModifiers::NONE),
                "C-c" => (KeyCode::Char('c'), KeyModifiers::CONTROL),
                other => panic!("unknown key <{other}>"),
            };
            (code, modifiers, end + 1)
        } else {
            (KeyCode::Char(c), KeyModifiers::NONE, c.len_utf8())
        };
        let _ = app.handle(Event::Key(KeyEvent::new(code, modifiers)));
        rest = &rest[used..];
    }
}

/// Presses `key` until the screen shows `needle`, at most 40 times: reading on through long bites as a learner
/// does (next pages through a bite before it moves on).
pub fn press_until(app: &mut App, key: &str, needle: &str) {
    for _ in 0..40 {
        if screen(app).contains(needle) {
            return;
        }
        press(app, key);
    }
    panic!("never reached {needle:?}:\n{}", screen(app));
}

/// Reads through the fixture's first lesson (prose only) to its summary.
pub fn through_intro(app: &mut App) {
    press_until(app, "<Right>", "End of lesson: Markdown, all of it.");
}

/// How many cells of the screen are drawn dim (SGR 2).
pub fn dim_cells(app: &App) -> usize {
    let mut terminal = Terminal::new(TestBackend::new(app.ctx.size.0, app.ctx.size.1)).unwrap();
    terminal.draw(|f| draw(app, f)).unwrap();
    let buffer = terminal.backend().buffer();
    buffer
        .content
        .iter()
        .filter(|c| c.modifier.contains(ratatui::style::Modifier::DIM))
        .count()
}

/// The screen as text, one line per row, trailing spaces trimmed.
pub fn screen(app: &App) -> String {
    let mut terminal = Terminal::new(TestBackend::new(app.ctx.size.0, app.ctx.size.1)).unwrap();
    terminal.draw(|f| draw(app, f)).unwrap();
    let buffer = terminal.backend().buffer();
    let mut out = String::new();
    for y in 0..buffer.area.height {
        let mut line = String::new();
        for x in 0..buffer.area.width {
            line.push_str(buffer[(x, y)].symbol());
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

pub fn query(db: &Path, sql: &str) -> Vec<Vec<String>> {
    let conn = rusqlite::Connection::open(db).unwrap();
    let mut stmt = conn.prepare(sql).unwrap();
    let columns = stmt.column_count();
    stmt.query_map([], |row| {
        Ok((0..columns)
            .map(|i| match row.get_ref(i).unwrap() {
                rusqlite::types::ValueRef::Null => "NULL".to_string(),
                rusqlite::types::ValueRef::Integer(n) => n.to_string(),
                rusqlite::types::ValueRef::Text(t) => String::from_utf8_lossy(t).into_owned(),
                other => format!("{other:?}"),
            })
            .collect())
    })
    .unwrap()
    .map(Result::unwrap)
    .collect()
}

#[test]
fn a_whole_lesson_by_keys_leaves_every_answer_in_the_store() {
    let mut p = every_construct((80, 24));
    // Lesson 1 (intro) has three bites and no exercises.
    through_intro(&mut p.app);
    assert!(
        screen(&p.app).contains("End of lesson: Markdown, all of it."),
        "{}",
        screen(&p.app)
    );
    press(&mut p.app, "<Enter>");
    assert!(screen(&p.app).contains("Questions of every kind"));

    // Bite 1: a shuffled single choice. Pick the choice whose text is "A branch", wherever it was shown.
    press(&mut p.app, "<Right>");
    let shown = screen(&p.app);
    let n = if shown.contains("1 ( ) A branch") {
        '1'
    } else {
        '2'
    };
    p.clock.advance_secs(3);
    press(&mut p.app, &format!("{n}<Enter>"));
    assert!(screen(&p.app).contains("✓ Right."), "{}", screen(&p.app));
    assert!(screen(&p.app).contains("Branches are pointers."));

    // Bite 2: pick-all, answered wrong (a subset), then again right; then true/false.
    press(&mut p.app, "<Right><Right>");
    press(&mut p.app, "1<Enter>");
    assert!(screen(&p.app).contains("✗ Not quite."));
    press(&mut p.app, "r13<Enter>");
    assert!(screen(&p.app).contains("✓ Right."), "{}", screen(&p.app));
    press(&mut p.app, "<Right>t<Right>");

    // Bite 3: text (typed, with letters that are also keys: q, s, p), case-sensitive text, order, derived-id.
    press(&mut p.app, "<Right>");
    press(&mut p.app, "git commit<Enter>");
    assert!(screen(&p.app).contains("✓ Right."), "{}", screen(&p.app));
    press(&mut p.app, "<Right>head<Enter>");
    assert!(screen(&p.app).contains("✗ Not quite."), "case-sensitive");
    let answered = screen(&p.app);
    press(&mut p.app, "s");
    assert_eq!(
        screen(&p.app),
        answered,
        "an answered question is not skipped: s is not offered, so it does nothing"
    );
    press(&mut p.app, "<Right>");
    let order = screen(&p.app);
    let position = |item: &str| {
        order
            .lines()
            .find_map(|l| {
                l.trim()
                    .strip_suffix(&format!(". {item}"))
                    .map(|n| n.to_string())
            })
            .unwrap_or_else(|| panic!("{item} not shown:\n{order}"))
    };
    let typed = format!(
        "{} {} {}",
        position("edit"),
        position("add"),
        position("commit")
    );
    press(&mut p.app, &format!("{typed}<Enter>"));
    assert!(screen(&p.app).contains("✓ Right."), "{}", screen(&p.app));
    press(&mut p.app, "<Right>s<Right>");

    let summary = screen(&p.app);
    assert!(
        summary.contains("End of lesson: Questions of every kind."),
        "{summary}"
    );
    assert!(
        summary.contains("Right on the first try: 4 of 7 (57%). Pass mark: 75%."),
        "{summary}"
    );
    assert!(summary.contains("Not mastered yet"), "{summary}");

    let answers = query(
        &p.db,
        "SELECT question_id, kind, correct, skipped, attempt, response FROM answers ORDER BY id",
    );
    let ids: Vec<(&str, &str, &str, &str)> = answers
        .iter()
        .map(|r| (r[0].as_str(), r[2].as_str(), r[3].as_str(), r[4].as_str()))
        .collect();
    let derived = ids.last().unwrap().0;
    assert!(
        derived.starts_with("questions-"),
        "the derived id: {derived}"
    );
    assert_eq!(
        ids,
        [
            ("q-choice", "1", "0", "1"),
            ("q-all", "0", "0", "1"),
            ("q-all", "1", "0", "2"),
            ("q-tf", "1", "0", "1"),
            ("q-text", "1", "0", "1"),
            ("q-text-case", "0", "0", "1"),
            ("q-order", "1", "0", "1"),
            (derived, "0", "1", "1"),
        ]
    );
    assert_eq!(answers[0][5], r#"["A branch"]"#);
    assert_eq!(answers[4][5], "git commit");
    let seen = query(&p.db, "SELECT count(*) FROM bites_seen");
    assert_eq!(seen[0][0], "6");
    let position = query(&p.db, "SELECT lesson_id, bite FROM positions");
    assert_eq!(position, [["questions", "3"]]);
    let durations = query(
        &p.db,
        "SELECT duration_ms FROM answers WHERE question_id = 'q-choice'",
    );
    assert_eq!(durations[0][0], "3000");
}

#[test]
fn quitting_and_starting_again_lands_on_the_same_bite_and_scroll() {
    let mut p = every_construct((80, 12));
    press(&mut p.app, "<Right>");
    press(&mut p.app, "<Down><Down>");
    let before = screen(&p.app);
    press(&mut p.app, "q");
    let again = reopen(
        &p,
        Start::Course {
            target: fixture("valid/every-construct").display().to_string(),
            options: OpenOptions::default(),
        },
    );
    assert_eq!(screen(&again), before);
}

#[test]
fn quitting_on_a_question_resumes_on_that_question() {
    let mut p = every_construct((80, 24));
    through_intro(&mut p.app);
    press(&mut p.app, "<Enter><Right>s");
    press_until(&mut p.app, "<Right>", "Which are even?");
    press(&mut p.app, "s<Right>");
    assert!(screen(&p.app).contains("The earth is round."));
    press(&mut p.app, "q");
    let start = || Start::Course {
        target: fixture("valid/every-construct").display().to_string(),
        options: OpenOptions::default(),
    };
    p.app = reopen(&p, start());
    let again = screen(&p.app);
    assert!(
        again.contains("The earth is round.") && !again.contains("Pick all."),
        "back on the question left, not on the bite's text:\n{again}"
    );
    // Back from the question to the bite's text, then quit: the text it is.
    press(&mut p.app, "<Left>q");
    let text = screen(&reopen(&p, start()));
    assert!(
        text.contains("Pick all.") && !text.contains("The earth is round."),
        "{text}"
    );
}

#[test]
fn pause_hides_the_lesson_and_stops_the_clock() {
    let mut p = every_construct((80, 24));
    p.clock.advance_secs(10);
    press(&mut p.app, "p");
    let paused = screen(&p.app);
    assert!(paused.contains("Paused"));
    assert!(
        !paused.contains("Heading one") && !paused.contains("Every construct"),
        "nothing of the lesson shows"
    );
    p.clock.advance_secs(600);
    press(&mut p.app, "<Right>j");
    assert!(
        screen(&p.app).contains("Paused"),
        "keys other than p do nothing while paused"
    );
    press(&mut p.app, "p");
    p.clock.advance_secs(5);
    press(&mut p.app, "q");
    let active = query(&p.db, "SELECT sum(ended_at - started_at) FROM active_spans");
    assert_eq!(active[0][0], "15000");
}

#[test]
fn idle_minutes_pause_the_player_as_of_the_last_key() {
    let mut p = every_construct((80, 24));
    p.clock.advance_secs(20);
    press(&mut p.app, "<Right>");
    p.clock.advance_secs(5 * 60);
    let _ = p.app.handle(Event::Tick);
    assert!(screen(&p.app).contains("Paused"));
    let active = query(&p.db, "SELECT sum(ended_at - started_at) FROM active_spans");
    assert_eq!(active[0][0], "20000");
}

#[test]
fn a_broken_pack_is_a_screen_and_the_library_lists_it() {
    let mut p = player(Start::Library, &fixture("invalid"), (100, 40));
    let library = screen(&p.app);
    assert!(
        library.contains("! course.toml:3:1: error: unknown key `pass_mak`"),
        "{library}"
    );
    let rows = library
        .lines()
        .position(|l| l.contains("Unknown key"))
        .expect("the unknown-key pack is listed");
    let down = (rows - 2) / 2;
    press(&mut p.app, &"<Down>".repeat(down));
    press(&mut p.app, "<Enter>");
    let broken = screen(&p.app);
    assert!(
        broken.contains("this pack has 1 problem")
            && broken.contains("unknown-key/course.toml:3:1")
            && broken.contains("did you mean `pass_mark`?"),
        "{broken}"
    );
    press(&mut p.app, "<Esc>");
    assert!(matches!(p.app.screen, Screen::Library(_)));
}

#[test]
fn the_library_filters_and_opens_the_most_recent_course_first() {
    let courses = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("courses");
    let mut p = player(Start::Library, &courses, (100, 30));
    press(&mut p.app, "/regex<Enter>");
    let filtered = screen(&p.app);
    assert!(
        filtered.contains("Regular expressions") && !filtered.contains("Git in bites"),
        "{filtered}"
    );
    press(&mut p.app, "<Enter>");
    assert!(screen(&p.app).contains("Regular expressions in bites ›"));
    press(&mut p.app, "<Right>");
    press(&mut p.app, "q");
    // In the next start's library, the course just played is first and selected.
    let again = screen(&reopen(&p, Start::Library));
    let selected = again.lines().find(|l| l.contains('▸')).unwrap();
    assert!(selected.contains("Regular expressions in bites"), "{again}");
    assert!(
        again.contains("0/6 complete · 0 mastered · 23 min to read · 0 min studied · last "),
        "{again}"
    );
}

#[test]
fn too_small_a_terminal_says_so() {
    let mut p = every_construct((80, 24));
    let _ = p.app.handle(Event::Resize(39, 9));
    assert!(screen(&p.app).contains("morsel needs at least 40×10"));
    let _ = p.app.handle(Event::Resize(80, 24));
    assert!(screen(&p.app).contains("Heading one"));
}

#[test]
fn ctrl_c_and_terminate_save_and_quit() {
    for quit in [
        Event::Key(KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL)),
        Event::Terminate,
    ] {
        let mut p = every_construct((80, 24));
        press(&mut p.app, "<Right>");
        p.clock.advance_secs(9);
        assert_eq!(p.app.handle(quit), morsel::tui::app::Effect::Quit);
        assert_eq!(query(&p.db, "SELECT bite FROM positions")[0][0], "2");
        // Quitting saved the end of the time on task: now, 9 seconds after the last key.
        let end = query(&p.db, "SELECT max(ended_at) FROM active_spans");
        assert_eq!(end[0][0], (T0 + 9000).to_string());
    }
}

#[test]
fn help_lists_every_key_and_does_not_steal_typed_answers() {
    let mut p = every_construct((100, 40));
    press(&mut p.app, "?");
    let help = screen(&p.app);
    for expected in ["→ l Space Enter", "q Ctrl-c", "pause", "↓ j", "PgDn"] {
        assert!(help.contains(expected), "{expected}:\n{help}");
    }
    for absent in ["filter", "1-9", "`"] {
        assert!(
            !help.contains(absent),
            "{absent} is not a key of a bite:\n{help}"
        );
    }
    press(&mut p.app, "x");
    assert!(!screen(&p.app).contains("Keys here"), "any key closes help");
    // In a text answer, `?`, `q`, `p` and `s` are text.
    through_intro(&mut p.app);
    press(
        &mut p.app,
        "<Enter><Right>1<Enter><Right><Right>1<Enter><Right>t<Right><Right>",
    );
    assert!(
        screen(&p.app).contains("Name the command that records a snapshot."),
        "{}",
        screen(&p.app)
    );
    press(&mut p.app, "q?ps");
    let typed = screen(&p.app);
    assert!(typed.contains("Your answer: q?ps"), "{typed}");
    assert!(
        !typed.contains("save and quit") && !typed.contains("Paused"),
        "{typed}"
    );
}

#[test]
fn typing_an_answer_is_activity_for_the_idle_pause() {
    let mut p = every_construct((80, 24));
    through_intro(&mut p.app);
    press(&mut p.app, "<Enter><Right>");
    // A choice question: picking is activity too, each key a few minutes apart.
    for _ in 0..3 {
        p.clock.advance_secs(4 * 60);
        press(&mut p.app, "1");
        let _ = p.app.handle(Event::Tick);
        assert!(
            !screen(&p.app).contains("Paused"),
            "a key a few minutes ago is not idleness"
        );
    }
    press(&mut p.app, "q");
    let active = query(&p.db, "SELECT sum(ended_at - started_at) FROM active_spans");
    assert_eq!(active[0][0], "720000", "the 12 minutes of picking count");
}

#[test]
fn exercises_scroll_when_they_do_not_fit() {
    let mut p = every_construct((40, 12));
    through_intro(&mut p.app);
    press(&mut p.app, "<Enter><Right>2<Enter>");
    // Prompt, choices, verdict, feedback and explanation are taller than the 8 rows a 40×12 screen has for them:
    // the answer scrolls down to its verdict, and the prompt is back above it.
    let answered = screen(&p.app);
    assert!(
        answered.contains("✓ Right.") && answered.contains("Branches are pointers."),
        "the verdict and the explanation in view:\n{answered}"
    );
    assert!(!answered.contains("Which is a pointer?"), "{answered}");
    press(&mut p.app, "<Up><Up><Up>");
    let scrolled = screen(&p.app);
    assert!(
        scrolled.contains("Which is a pointer?"),
        "the prompt scrolled back:\n{scrolled}"
    );
    press(&mut p.app, "<Right><Right>");
    assert!(
        screen(&p.app).contains("Which are even?"),
        "a new view starts at its top:\n{}",
        screen(&p.app)
    );
}

#[test]
fn high_contrast_never_draws_text_dim() {
    let start = || Start::Course {
        target: fixture("valid/every-construct").display().to_string(),
        options: OpenOptions::default(),
    };
    for (styles, dims) in [
        (Styles::dark(), true),
        (Styles::high_contrast(), false),
        (Styles::high_contrast().without_color(), false),
    ] {
        let mut p = player_with(
            start(),
            &fixture("valid"),
            (80, 24),
            Keymap::default(),
            styles,
        );
        // The bite's footer and counts, then the help over it, then the library.
        let mut seen = dim_cells(&p.app);
        press(&mut p.app, "?");
        seen += dim_cells(&p.app);
        press(&mut p.app, "<Esc>q");
        seen += dim_cells(&p.app);
        assert_eq!(seen > 0, dims, "{}", screen(&p.app));
    }
}

#[test]
fn a_skipped_true_false_question_says_its_answer_in_a_sentence() {
    let dir = tempfile::tempdir().unwrap();
    let pack = dir.path().join("tf");
    std::fs::create_dir_all(&pack).unwrap();
    std::fs::write(pack.join("course.toml"), "id = \"tf\"\ntitle = \"TF\"\n").unwrap();
    std::fs::write(
        pack.join("one.md"),
        "+++\nid = \"one\"\ntitle = \"One\"\n+++\n```quiz\nid = \"tf\"\nkind = \"truefalse\"\n\
         prompt = \"Is the sky blue?\"\nanswer = true\n```\n",
    )
    .unwrap();
    let start = Start::Course {
        target: pack.display().to_string(),
        options: OpenOptions::default(),
    };
    let mut p = player(start, dir.path(), (80, 24));
    press_until(&mut p.app, "<Right>", "Is the sky blue?");
    press(&mut p.app, "s");
    let text = screen(&p.app);
    assert!(
        text.contains("Skipped.") && text.contains("The right answer is true."),
        "{text}"
    );
    assert!(!text.contains("  it is true."), "{text}");
}
