//! A time box's planned minutes reach its sitting's `terminated` statement, beside the minutes used.

use serde_json::Value;

const T0: i64 = 1_763_460_000_000;
const MIN: i64 = 60_000;

/// morsel at `now` with the database and config of `dir`.
fn at(dir: &std::path::Path, now: i64, args: &[&str], stdin: &str) -> String {
    let output = crate::morsel()
        .env("MORSEL_DB", dir.join("progress.db"))
        .env("MORSEL_CONFIG", dir.join("config.toml"))
        .env("MORSEL_NOW_MS", now.to_string())
        .env("MORSEL_UTC_OFFSET", "0")
        .env_remove("MORSEL_COURSES")
        .args(args)
        .write_stdin(stdin)
        .output()
        .unwrap();
    assert!(output.status.success(), "{args:?}: {output:?}");
    String::from_utf8(output.stdout).unwrap()
}

#[test]
fn a_plain_time_box_states_its_planned_and_used_minutes() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("config.toml"),
        "mbox = \"ada@example.org\"\n",
    )
    .unwrap();
    let pack = crate::fixture("valid/every-construct");
    let pack = pack.to_str().unwrap();
    let out = at(
        dir.path(),
        T0,
        &["play", "--plain", "--minutes", "7", pack],
        "next\nnext\nnext\nquit\n",
    );
    assert!(out.contains("Time box: 7 min."), "{out}");
    // The same sitting goes on a few minutes later (another process: the clock of each is fixed).
    at(
        dir.path(),
        T0 + 3 * MIN,
        &["play", "--plain", pack],
        "next\nquit\n",
    );
    let statements: Vec<Value> =
        serde_json::from_str(&at(dir.path(), T0 + 120 * MIN, &["export", "xapi"], "")).unwrap();
    let ended: Vec<&Value> = statements
        .iter()
        .filter(|s| s["verb"]["display"]["en-US"] == "terminated")
        .collect();
    assert_eq!(ended.len(), 1, "{ended:#?}");
    let extensions = &ended[0]["result"]["extensions"];
    let ext = |name: &str| extensions[format!("urn:morsel:xapi:extension:{name}")].clone();
    assert_eq!(ext("planned-minutes"), 7, "{extensions}");
    assert_eq!(ext("sitting-kind"), "timebox", "{extensions}");
    let used = ext("active-minutes").as_f64().unwrap();
    assert!((0.0..=7.0).contains(&used), "{extensions}");
}
