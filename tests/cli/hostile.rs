//! Hostile input: deep nesting and very large lessons give a clear result and no crash. Their speed is measured
//! by `scripts/bench-check.sh`, not here.

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
fn a_twenty_megabyte_lesson_loads_and_warns_of_long_bites() {
    let dir = tempfile::tempdir().unwrap();
    let paragraph =
        "All work and no play makes a very long lesson that nobody should write. ".repeat(14);
    let mut body = String::with_capacity(21 << 20);
    let mut bites = 0;
    while body.len() < 20 << 20 {
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
    assert_eq!(diagnostics.len(), bites, "one long-bite warning per bite");
    assert!(
        diagnostics[0]["message"]
            .as_str()
            .unwrap()
            .contains("words")
    );
}
