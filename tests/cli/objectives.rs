//! Objectives and key results: `check`'s diagnostics for `[[objectives]]` and `[[key_results]]`, each at its place
//! in course.toml; a bundled course that declares them; and the key-result lines of `play --plain`.

use crate::{check_json, fixture};

/// `(severity, file, line, column, message)` of every diagnostic of the one pack checked.
fn problems(name: &str) -> Vec<(String, String, u64, u64, String)> {
    let (code, doc) = check_json(&[fixture(&format!("invalid/{name}"))]);
    assert_eq!(code, Some(1), "{name} has errors");
    doc["packs"][0]["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["severity"].as_str().unwrap().to_string(),
                d["file"].as_str().unwrap().to_string(),
                d["line"].as_u64().unwrap(),
                d["column"].as_u64().unwrap(),
                d["message"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

fn error(line: u64, column: u64, message: &str) -> (String, String, u64, u64, String) {
    (
        "error".into(),
        "course.toml".into(),
        line,
        column,
        message.into(),
    )
}

#[test]
fn unknown_lesson_is_named_where_it_is_listed() {
    assert_eq!(
        problems("objectives-unknown-lesson"),
        vec![error(
            7,
            22,
            "objective `fluency` names lesson `basic`, which is not a lesson of this pack; did you mean `basics`?"
        )]
    );
}

#[test]
fn unknown_objective_of_a_key_result() {
    assert_eq!(
        problems("objectives-unknown-objective"),
        vec![error(
            11,
            13,
            "key result `mastered` belongs to objective `fluncy`, which is not declared in [[objectives]]; did you mean `fluency`?"
        )]
    );
}

#[test]
fn unknown_measure_suggests_the_closest() {
    assert_eq!(
        problems("objectives-unknown-measure"),
        vec![error(
            13,
            11,
            "unknown measure `retension` (did you mean `retention`?); expected \"mastery\", \"retention\", \"practice_minutes\" or \"reviews_on_time\""
        )]
    );
}

#[test]
fn targets_out_of_range_by_measure() {
    assert_eq!(
        problems("objectives-target-range"),
        vec![
            error(
                14,
                10,
                "the `target` of a `mastery` key result is a share: above 0 and at most 1, not 80"
            ),
            error(
                21,
                10,
                "the `target` of a `practice_minutes` key result is minutes: a number above 0, not 0"
            ),
        ]
    );
}

#[test]
fn duplicate_ids_name_the_first() {
    assert_eq!(
        problems("objectives-duplicate-id"),
        vec![
            error(
                10,
                6,
                "objective id `fluency` is used again; it is already the id of the objective at course.toml:5:6"
            ),
            error(
                22,
                6,
                "key result id `mastered` is used again; it is already the id of the key result at course.toml:15:6"
            ),
        ]
    );
}
