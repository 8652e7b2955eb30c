//! Hostile input: deep nesting, very large or long-lined files, FIFOs and devices give a clear result and no crash,
//! bounded by output size rather than timed (speed is measured by `scripts/bench-check.sh`); control characters in
//! any outside text (pack text, paths, ids, config) reach no terminal and no JSON document raw.

use std::path::Path;

use crate::check_json;

fn pack_with_lesson(dir: &Path, body: &str) {
    std::fs::write(
        dir.join("course.toml"),
        "id = \"hostile\"\ntitle = \"Hostile\"\n",
    )
    .unwrap();
    std::fs::write(dir.join("a.md"), body).unwrap();
}

#[test]
fn twenty_thousand_nested_block_quotes() {
    let dir = tempfile::tempdir().unwrap();
    pack_with_lesson(
        dir.path(),
        &format!("{} deep\n\n---\n\nafter\n", ">".repeat(20_000)),
    );
    let (code, doc) = check_json(&[dir.path().to_path_buf()]);
    assert_eq!(code, Some(0));
    assert_eq!(doc["packs"][0]["lessons"][0]["bites"], 2);
}

#[test]
fn twenty_thousand_nested_list_levels() {
    let dir = tempfile::tempdir().unwrap();
    pack_with_lesson(
        dir.path(),
        &format!("{}deep\n\n---\n\nafter\n", "- ".repeat(20_000)),
    );
    let (code, doc) = check_json(&[dir.path().to_path_buf()]);
    assert_eq!(code, Some(0));
    assert_eq!(doc["packs"][0]["lessons"][0]["bites"], 2);
}

#[test]
fn a_seven_megabyte_lesson_loads_and_warns_of_long_bites() {
    let dir = tempfile::tempdir().unwrap();
    let paragraph =
        "All work and no play makes a very long lesson that nobody should write. ".repeat(14);
    let mut body = String::with_capacity(8 << 20);
    let mut bites = 0;
    while body.len() < 7 << 20 {
        for _ in 0..40 {
            body.push_str(&paragraph);
            body.push_str("\n\n");
        }
        body.push_str("---\n\n");
        bites += 1;
    }
    pack_with_lesson(dir.path(), &body);
    let (code, doc) = check_json(&[dir.path().to_path_buf()]);
    assert_eq!(code, Some(0), "warnings only");
    let lesson = &doc["packs"][0]["lessons"][0];
    assert_eq!(lesson["bites"], bites);
    let diagnostics = doc["packs"][0]["diagnostics"].as_array().unwrap();
    assert_eq!(diagnostics.len(), 51, "50 long-bite warnings, then a count");
    assert!(
        diagnostics[0]["message"]
            .as_str()
            .unwrap()
            .contains("words")
    );
    assert_eq!(diagnostics[50]["severity"], "warning");
    assert!(
        diagnostics[50]["message"]
            .as_str()
            .unwrap()
            // The lesson's own warning (over 15 minutes) comes first, at line 1: 49 bites are shown.
            .starts_with(&format!("and {} more in this file", bites + 1 - 50))
    );
}

/// Every ESC in `text` starts an SGR sequence (`ESC [ digits;… m`), the only kind morsel writes itself.
fn only_sgr(text: &str) -> bool {
    let mut rest = text;
    while let Some(i) = rest.find('\u{1b}') {
        let after = &rest[i + 1..];
        let Some(body) = after.strip_prefix('[') else {
            return false;
        };
        let end = body
            .find(|c: char| !(c.is_ascii_digit() || c == ';'))
            .unwrap_or(body.len());
        if !body[end..].starts_with('m') {
            return false;
        }
        rest = &body[end + 1..];
    }
    true
}

/// No control character but the newline: nothing in `text` can act on a terminal.
pub fn no_controls(text: &str) -> bool {
    !text.chars().any(|c| c.is_control() && c != '\n')
}

#[test]
fn print_makes_every_control_character_visible_and_inert() {
    let pack = crate::fixture("valid/hostile");
    let plain = crate::morsel()
        .args(["print", "--answers"])
        .arg(&pack)
        .output()
        .unwrap();
    assert!(plain.status.success());
    let text = String::from_utf8(plain.stdout).unwrap();
    assert!(no_controls(&text), "{text:?}");
    assert_shown(
        &text,
        &[
            "␛]0;pwned",
            "␛]52;c;",
            "␛[2J",
            "␇",
            "Choice ␛]52;c;eA==",
            "Explain ␛[?1049l",
            "Back ␇",
        ],
    );
    let styled = crate::morsel()
        .args(["print", "--answers", "--color", "always"])
        .arg(&pack)
        .output()
        .unwrap();
    let text = String::from_utf8(styled.stdout).unwrap();
    assert!(text.contains("\u{1b}["), "styled output uses SGR");
    assert!(only_sgr(&text), "no escape but morsel's own SGR: {text:?}");
}

#[test]
fn check_output_shows_control_characters_inert() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("course.toml"),
        "id = \"h\"\ntitle = \"H\"\n\"bad\\u001b]52;c;eA==\\u0007\" = 1\n",
    )
    .unwrap();
    std::fs::write(dir.path().join("a.md"), "Text\n").unwrap();
    let output = crate::morsel()
        .arg("check")
        .arg(dir.path())
        .output()
        .unwrap();
    let text = String::from_utf8(output.stdout).unwrap();
    assert!(no_controls(&text), "{text:?}");
    assert!(text.contains("unknown key `bad␛]52;c;eA==␇`"), "{text}");
}

#[test]
fn plain_play_makes_every_control_character_visible_and_inert() {
    let dir = tempfile::tempdir().unwrap();
    let output = crate::morsel()
        .args([
            "--db",
            dir.path().join("p.db").to_str().unwrap(),
            "play",
            "--plain",
        ])
        .arg(crate::fixture("valid/hostile"))
        .write_stdin("next\n:hint\n1\nnext\nnext\n3\n")
        .output()
        .unwrap();
    let text = String::from_utf8(output.stdout).unwrap();
    assert!(no_controls(&text), "{text:?}");
    assert_shown(
        &text,
        &[
            "Evil ␛]0;pwned",
            "Bell␇ and ␛[31mred",
            "Prompt ␛[7m",
            "Hint ␛c",
            "Feedback ␇",
            "Front ␛[31m",
            "Back ␇",
        ],
    );
}

#[test]
fn stats_and_list_show_control_characters_inert() {
    use morsel::learn::journal::{Journal, Record};
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("p.db");
    let mut store = morsel::store::Store::open(&db).unwrap();
    store
        .record(&[Record::CourseOpened {
            course_id: "hostile".into(),
            title: "Evil \u{1b}]0;pwned\u{1b}\\ title".into(),
            pack_path: crate::fixture("valid/hostile").display().to_string(),
            version: None,
            at: 1,
        }])
        .unwrap();
    drop(store);
    let courses = crate::fixture("valid");
    for args in [vec!["stats"], vec!["list"]] {
        let output = crate::morsel()
            .args([
                "--db",
                db.to_str().unwrap(),
                "--courses",
                courses.to_str().unwrap(),
            ])
            .args(&args)
            .output()
            .unwrap();
        let text = String::from_utf8(output.stdout).unwrap();
        assert!(no_controls(&text), "{args:?}: {text:?}");
        assert!(text.contains("Evil ␛]0;pwned"), "{args:?}: {text}");
    }
}

/// Every string of `visible` (a control character shown as its symbol) is in `text`.
pub fn assert_shown(text: &str, visible: &[&str]) {
    for v in visible {
        assert!(text.contains(v), "`{v}` should be shown:\n{text}");
    }
}

/// A 64 KB line that a TOML parser recovering from errors reads as one mistake per character.
fn flood_line() -> String {
    format!("x = {}", "-".repeat(64 << 10))
}

/// Runs `morsel check --format json` on `dir` and returns its stdout, its length bounding the work done.
fn check_json_text(dir: &Path) -> String {
    let output = crate::morsel()
        .args(["check", "--format", "json"])
        .arg(dir)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    String::from_utf8(output.stdout).unwrap()
}

#[test]
fn a_long_bad_line_in_any_toml_block_is_one_error() {
    let line = flood_line();
    let quiz = format!("Text\n\n```quiz\nkind = \"truefalse\"\n{line}\n```\n");
    let card = format!("Text\n\n```card\nfront = \"F\"\n{line}\n```\n");
    let front = format!("+++\n{line}\n+++\nText\n");
    for (course, lesson) in [
        (
            format!("id = \"h\"\ntitle = \"H\"\n{line}\n"),
            "Text\n".to_string(),
        ),
        ("id = \"h\"\ntitle = \"H\"\n".to_string(), quiz),
        ("id = \"h\"\ntitle = \"H\"\n".to_string(), card),
        ("id = \"h\"\ntitle = \"H\"\n".to_string(), front),
    ] {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("course.toml"), &course).unwrap();
        std::fs::write(dir.path().join("a.md"), &lesson).unwrap();
        let text = check_json_text(dir.path());
        assert!(text.len() < 4096, "{} bytes of JSON", text.len());
        let doc: serde_json::Value = serde_json::from_str(&text).unwrap();
        let diagnostics = doc["packs"][0]["diagnostics"].as_array().unwrap();
        assert_eq!(diagnostics.len(), 1, "{diagnostics:?}");
        assert!(
            diagnostics[0]["message"]
                .as_str()
                .unwrap()
                .starts_with("invalid TOML"),
            "{diagnostics:?}"
        );
    }
}

#[test]
fn a_file_with_500_problems_shows_50_and_counts_the_rest() {
    let dir = tempfile::tempdir().unwrap();
    let keys: String = (0..500).map(|i| format!("unknown{i} = 1\n")).collect();
    std::fs::write(
        dir.path().join("course.toml"),
        format!("id = \"h\"\ntitle = \"H\"\n{keys}"),
    )
    .unwrap();
    std::fs::write(dir.path().join("a.md"), "Text\n").unwrap();
    let doc: serde_json::Value = serde_json::from_str(&check_json_text(dir.path())).unwrap();
    let diagnostics = doc["packs"][0]["diagnostics"].as_array().unwrap();
    assert_eq!(diagnostics.len(), 51);
    assert_eq!(diagnostics[49]["line"], 52, "the first 50 in order");
    assert_eq!(
        diagnostics[50]["message"],
        "and 450 more in this file (450 errors, 0 warnings), not shown: fix the ones above first"
    );
    let output = crate::morsel()
        .arg("check")
        .arg(dir.path())
        .output()
        .unwrap();
    let text = String::from_utf8(output.stdout).unwrap();
    assert_eq!(text.matches("error: unknown key").count(), 50);
    assert!(
        text.trim_end().ends_with(": 500 errors, 0 warnings"),
        "the summary counts every problem: {text}"
    );
}

/// A file of `len` bytes that takes no room on disk.
fn sparse(path: &Path, len: u64) {
    std::fs::File::create(path).unwrap().set_len(len).unwrap();
}

#[test]
fn an_oversized_lesson_or_course_toml_is_refused_unread() {
    let dir = tempfile::tempdir().unwrap();
    pack_with_lesson(dir.path(), "Text\n");
    sparse(&dir.path().join("a.md"), 9 << 20);
    let (code, doc) = check_json(&[dir.path().to_path_buf()]);
    assert_eq!(code, Some(1));
    let d = &doc["packs"][0]["diagnostics"][0];
    assert_eq!(d["file"], "a.md");
    assert_eq!(
        d["message"],
        "this file is larger than the limit of 8 MiB for pack files"
    );
    let output = crate::morsel()
        .args(["print"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(stderr.contains("a.md"), "{stderr}");
    assert!(stderr.contains("limit of 8 MiB"), "{stderr}");

    sparse(&dir.path().join("course.toml"), 9 << 20);
    let (_, doc) = check_json(&[dir.path().to_path_buf()]);
    let d = &doc["packs"][0]["diagnostics"][0];
    assert_eq!(d["file"], "course.toml");
    assert!(d["message"].as_str().unwrap().contains("limit of 8 MiB"));
}

/// `morsel play --plain PACK` with `config` as the config file: its exit code and stderr.
fn play_with_config(config: &Path) -> (Option<i32>, String) {
    let dir = tempfile::tempdir().unwrap();
    let output = crate::morsel()
        .arg("--db")
        .arg(dir.path().join("p.db"))
        .arg("--config")
        .arg(config)
        .args(["play", "--plain"])
        .arg(crate::fixture("valid/minimal"))
        // A guard against the hang this test is about, not a measure of speed.
        .timeout(std::time::Duration::from_secs(60))
        .output()
        .unwrap();
    (
        output.status.code(),
        String::from_utf8(output.stderr).unwrap(),
    )
}

#[test]
fn a_device_or_fifo_or_oversized_config_is_refused_unread() {
    let (code, stderr) = play_with_config(Path::new("/dev/zero"));
    assert_eq!(code, Some(2));
    assert!(
        stderr.contains("config file /dev/zero: not a regular file, so it is not read"),
        "{stderr}"
    );

    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("config.toml");
    crate::mkfifo(&fifo);
    let (code, stderr) = play_with_config(&fifo);
    assert_eq!(code, Some(2));
    assert!(stderr.contains("not a regular file"), "{stderr}");

    let big = dir.path().join("big.toml");
    sparse(&big, 9 << 20);
    let (code, stderr) = play_with_config(&big);
    assert_eq!(code, Some(2));
    assert!(
        stderr.contains("big.toml: larger than the limit of 8 MiB, so it is not read"),
        "{stderr}"
    );
}

#[test]
fn a_fifo_named_course_toml_is_refused_unread() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("a.md"), "Text\n").unwrap();
    crate::mkfifo(&dir.path().join("course.toml"));
    let (code, doc) = check_json(&[dir.path().to_path_buf()]);
    assert_eq!(code, Some(1));
    let d = &doc["packs"][0]["diagnostics"][0];
    assert_eq!(d["file"], "course.toml");
    assert_eq!(d["message"], "this path is not a regular file");
}

/// A course folder on the course path whose `course.toml` is a FIFO is listed as broken, with the reason, and the
/// listing goes on: it was left out without a word before, and read as a course id it would hang.
#[test]
fn a_fifo_named_course_toml_on_the_course_path_is_listed_as_broken() {
    let dir = tempfile::tempdir().unwrap();
    let courses = dir.path().join("courses");
    std::fs::create_dir_all(courses.join("piped")).unwrap();
    crate::mkfifo(&courses.join("piped/course.toml"));
    let out = crate::morsel()
        .current_dir(dir.path())
        .env("MORSEL_DB", dir.path().join("progress.db"))
        .env("MORSEL_CONFIG", dir.path().join("none.toml"))
        .env("XDG_DATA_HOME", dir.path().join("data"))
        .env_remove("MORSEL_COURSES")
        .arg("list")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{stdout}");
    assert!(
        stdout.contains("courses/piped  ! course.toml: error: this path is not a regular file"),
        "{stdout}"
    );
    // The bundled courses are listed after it.
    assert!(stdout.contains("git-in-bites"), "{stdout}");
}

/// Outside text with an ESC sequence, a BEL and a C1 CSI in it.
const EVIL: &str = "e\u{1b}[2Jv\u{7}i\u{9b}31ml";
/// `EVIL` as a TOML string's body.
const EVIL_TOML: &str = "e\\u001b[2Jv\\u0007i\\u009b31ml";
/// `EVIL` as morsel shows it.
const EVIL_SHOWN: &str = "e␛[2Jv␇i\u{FFFD}31ml";

#[test]
fn check_sanitises_the_pack_folder_in_its_summary() {
    let dir = tempfile::tempdir().unwrap();
    let pack = dir.path().join(EVIL);
    std::fs::create_dir(&pack).unwrap();
    pack_with_lesson(&pack, "Text\n");
    let output = crate::morsel().arg("check").arg(&pack).output().unwrap();
    assert!(output.status.success());
    let text = String::from_utf8(output.stdout).unwrap();
    assert!(no_controls(&text), "{text:?}");
    assert!(text.contains(&format!("{EVIL_SHOWN}: 1 lesson")), "{text}");
}

#[test]
fn paths_sanitises_db_config_and_course_path_entries() {
    let output = crate::morsel()
        .args([
            "--db",
            &format!("/db/{EVIL}"),
            "--config",
            &format!("/c/{EVIL}"),
        ])
        .arg("paths")
        .env("MORSEL_COURSES", format!("/a/{EVIL}:/b/{EVIL}"))
        .output()
        .unwrap();
    assert!(output.status.success());
    let text = String::from_utf8(output.stdout).unwrap();
    assert!(no_controls(&text), "{text:?}");
    assert_eq!(text.matches(EVIL_SHOWN).count(), 4, "{text}");
}

/// Runs morsel with `args` and returns its stderr, which must hold no control character and show `EVIL`.
fn assert_error_sanitised(args: &[&str], envs: &[(&str, &str)]) {
    let output = crate::morsel()
        .args(args)
        .envs(envs.iter().copied())
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2), "{args:?}");
    let text = String::from_utf8(output.stderr).unwrap();
    assert!(no_controls(&text), "{args:?}: {text:?}");
    assert!(text.contains(EVIL_SHOWN), "{args:?}: {text}");
}

#[test]
fn errors_sanitise_ids_paths_and_config_text() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("p.db");
    let db = db.to_str().unwrap();
    let pack = crate::fixture("valid/minimal");
    let pack = pack.to_str().unwrap();
    // An id in "no progress saved for course".
    assert_error_sanitised(&["--db", db, "stats", EVIL], &[]);
    // A --db path in a database error: a file that is not a database, and a folder that is a file.
    let not_db = dir.path().join(format!("{EVIL}.db"));
    std::fs::write(&not_db, vec![b'x'; 4096]).unwrap();
    assert_error_sanitised(&["--db", not_db.to_str().unwrap(), "stats"], &[]);
    let under_a_file = not_db.join("p.db");
    let under_a_file = under_a_file.to_str().unwrap();
    assert_error_sanitised(&["--db", under_a_file, "play", "--plain", pack], &[]);
    // Config keys, values and key names, and the config's own path.
    for (name, text) in [
        ("key.toml", format!("\"{EVIL_TOML}\" = 1\n")),
        ("value.toml", format!("theme = \"{EVIL_TOML}\"\n")),
        (
            "keyname.toml",
            format!("[keys]\nnext = [\"{EVIL_TOML}\"]\n"),
        ),
        (
            "action.toml",
            format!("[keys]\n\"{EVIL_TOML}\" = [\"x\"]\n"),
        ),
        (EVIL, "theme = 1\n".to_string()),
    ] {
        let config = dir.path().join(name);
        std::fs::write(&config, text).unwrap();
        let config = config.to_str().unwrap();
        assert_error_sanitised(
            &["--db", db, "--config", config, "play", "--plain", pack],
            &[],
        );
    }
    // A pack path that is not a pack, also on the course path (MORSEL_COURSES).
    let target = format!("/nowhere/{EVIL}");
    assert_error_sanitised(
        &["--db", db, "play", "--plain", &target],
        &[("MORSEL_COURSES", &target)],
    );
}

/// A title with a C1 CSI, a NEL and a DEL, which serde_json alone writes raw.
const C1_TITLE: &str = "C1 \u{9b}31m \u{85} \u{7f} title";

/// `stdout` holds no C1 control and no DEL, shows them escaped, and parses back to `C1_TITLE` at `title`.
fn assert_json_escapes_c1(
    stdout: Vec<u8>,
    title: impl Fn(&serde_json::Value) -> &serde_json::Value,
) {
    let text = String::from_utf8(stdout).unwrap();
    assert!(no_controls(&text), "{text:?}");
    assert!(
        text.contains("C1 \\u009b31m \\u0085 \\u007f title"),
        "{text}"
    );
    let doc: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(title(&doc), C1_TITLE);
}

#[test]
fn json_of_check_list_and_stats_escapes_c1_controls() {
    use morsel::learn::journal::{Journal, Record};
    let dir = tempfile::tempdir().unwrap();
    let pack = dir.path().join("courses").join("c1");
    std::fs::create_dir_all(&pack).unwrap();
    std::fs::write(
        pack.join("course.toml"),
        "id = \"c1\"\ntitle = \"C1 \\u009b31m \\u0085 \\u007f title\"\n",
    )
    .unwrap();
    std::fs::write(pack.join("a.md"), "Text\n").unwrap();

    let output = crate::morsel()
        .args(["check", "--format", "json"])
        .arg(&pack)
        .output()
        .unwrap();
    assert_json_escapes_c1(output.stdout, |doc| &doc["packs"][0]["course"]["title"]);

    let db = dir.path().join("p.db");
    let mut store = morsel::store::Store::open(&db).unwrap();
    store
        .record(&[Record::CourseOpened {
            course_id: "c1".into(),
            title: C1_TITLE.into(),
            pack_path: pack.display().to_string(),
            version: None,
            at: 1,
        }])
        .unwrap();
    drop(store);
    for command in ["list", "stats"] {
        let output = crate::morsel()
            .arg("--db")
            .arg(&db)
            .arg("--courses")
            .arg(dir.path().join("courses"))
            .args([command, "--format", "json"])
            .output()
            .unwrap();
        assert!(output.status.success(), "{command}");
        assert_json_escapes_c1(output.stdout, |doc| &doc["courses"][0]["title"]);
    }
}

#[test]
fn list_sanitises_the_course_path_entries_it_names() {
    let dir = tempfile::tempdir().unwrap();
    let output = crate::morsel()
        .arg("--db")
        .arg(dir.path().join("p.db"))
        .arg("list")
        .env("MORSEL_COURSES", format!("/nowhere/{EVIL}"))
        .output()
        .unwrap();
    assert!(output.status.success());
    let text = String::from_utf8(output.stdout).unwrap();
    assert!(no_controls(&text), "{text:?}");
    assert!(text.contains(&format!("/nowhere/{EVIL_SHOWN}")), "{text}");
}
