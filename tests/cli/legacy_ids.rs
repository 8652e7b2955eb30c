//! Upgrading from morsel 0.1, whose statement ids were made from the record's row and its wording: an LRS that
//! accepted statements under those ids is not sent them again under the ids made from facts
//! (`tests/fixtures/xapi-0.1/`, made by that morsel).

use std::collections::BTreeSet;
use std::path::Path;

use serde_json::Value;

use crate::fake_lrs::FakeLrs;

/// What a statement says, whatever its id: its verb, its object and its time.
fn said(statement: &Value) -> (String, String, String) {
    let verb = statement["verb"]["id"].as_str().unwrap();
    let verb = verb.rsplit(['/', ':']).next().unwrap().to_string();
    let object = statement["object"]["id"].as_str().unwrap().to_string();
    let at = statement["timestamp"].as_str().unwrap().to_string();
    (verb, object, at)
}

#[test]
fn statements_an_lrs_accepted_from_morsel_0_1_are_not_sent_again() {
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/xapi-0.1");
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("progress.db");
    std::fs::copy(fixture.join("progress.db"), &db).unwrap();
    let config = dir.path().join("config.toml");
    std::fs::write(&config, "name = \"Ada\"\nmbox = \"ada@example.org\"\n").unwrap();
    let old: Vec<Value> =
        serde_json::from_slice(&std::fs::read(fixture.join("statements.json")).unwrap()).unwrap();
    let lrs = FakeLrs::start();
    // What morsel 0.1's sync left: every statement marked sent to this LRS under its 0.1 id.
    {
        let conn = rusqlite::Connection::open(&db).unwrap();
        for statement in &old {
            conn.execute(
                "INSERT INTO xapi_sent (lrs, statement_id, sent_at) VALUES (?1, ?2, 1)",
                [lrs.url.as_str(), statement["id"].as_str().unwrap()],
            )
            .unwrap();
        }
    }
    let output = crate::morsel()
        .args(["--db", db.to_str().unwrap()])
        .args(["--config", config.to_str().unwrap()])
        .env_remove("MORSEL_LRS_USER")
        .env_remove("MORSEL_LRS_PASSWORD")
        .env("MORSEL_NOW_MS", "1796000000000")
        .args(["sync", "--lrs", &lrs.url])
        .output()
        .unwrap();
    assert!(output.status.success(), "{output:?}");
    let sent: Vec<Value> = lrs.stored_ids().into_values().collect();
    let before: BTreeSet<_> = old.iter().map(said).collect();
    let again: Vec<_> = sent
        .iter()
        .map(said)
        .filter(|s| before.contains(s))
        .collect();
    assert!(again.is_empty(), "sent again under new ids: {again:?}");
    // What morsel 0.1 never stated still goes: the sittings and the cards' reviews.
    let verbs: BTreeSet<String> = sent.iter().map(|s| said(s).0).collect();
    for verb in ["initialized", "terminated", "reviewed"] {
        assert!(verbs.contains(verb), "{verb} in {verbs:?}");
    }
}

/// `play` and `review` upgrade a database an older morsel wrote, as the message of the read-only commands promises;
/// they read it before they write, and that first read used to refuse the older schema.
#[test]
fn play_and_review_upgrade_a_database_from_morsel_0_1() {
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let dir = tempfile::tempdir().unwrap();
    for command in [
        &["review", "--plain", "--ahead"][..],
        &["play", "every-construct", "--plain"],
    ] {
        let db = dir.path().join(format!("{}.db", command[0]));
        std::fs::copy(fixture.join("xapi-0.1/progress.db"), &db).unwrap();
        let output = crate::morsel()
            .args(["--db", db.to_str().unwrap()])
            .args(["--config", dir.path().join("none.toml").to_str().unwrap()])
            .args(["--courses", fixture.join("valid").to_str().unwrap()])
            .args(command)
            .write_stdin("quit\n")
            .output()
            .unwrap();
        assert!(output.status.success(), "{command:?}: {output:?}");
        // The read-only commands read it now.
        let status = crate::morsel()
            .args(["--db", db.to_str().unwrap()])
            .arg("stats")
            .output()
            .unwrap();
        assert!(
            status.status.success(),
            "{command:?} then stats: {status:?}"
        );
    }
}
