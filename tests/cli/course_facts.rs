//! What writing-packs says about the format is what the format is (issue 22, items 1-3): its key table names every
//! key of `course.toml`, its preview example runs on the pack `morsel new` writes, and its layout drawing shows
//! every lesson it has.

use std::path::PathBuf;

use crate::morsel;

fn writing_packs() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("courses/writing-packs")
}

fn read(path: PathBuf) -> String {
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The keys of the `course.toml` table in docs/pack-format.md (section 2, "Keys").
fn documented_course_keys() -> Vec<String> {
    let spec = read(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("docs/pack-format.md"));
    let section = spec
        .split("## 2. `course.toml`")
        .nth(1)
        .and_then(|s| s.split("\n## 3.").next())
        .unwrap();
    let table = section
        .split("\n\n")
        .find(|p| p.contains("| key |"))
        .unwrap();
    table
        .lines()
        .filter_map(|l| l.strip_prefix("| `"))
        .filter_map(|l| l.split('`').next())
        .map(str::to_owned)
        .collect()
}

#[test]
fn the_course_toml_table_names_every_key_that_is_not_an_error() {
    let keys = documented_course_keys();
    assert!(keys.len() >= 14, "{keys:?}");
    let lesson = read(writing_packs().join("lessons/01-what-is-a-pack.md"));
    for key in keys {
        assert!(
            lesson.contains(&format!("| `{key}` |")),
            "lesson 1 says any key not in its table is an error, but `{key}` is missing from it"
        );
    }
}

#[test]
fn the_preview_example_runs_on_the_pack_morsel_new_writes() {
    let dir = tempfile::tempdir().unwrap();
    let pack = dir.path().join("my-course");
    morsel()
        .args(["new", pack.to_str().unwrap(), "--title", "My course"])
        .assert()
        .success();
    let lesson = read(writing_packs().join("lessons/08-previewing-your-pack.md"));
    let examples: Vec<&str> = lesson
        .lines()
        .filter(|l| l.starts_with("morsel preview my-course --lesson"))
        .collect();
    assert!(!examples.is_empty(), "lesson 8 shows --lesson");
    for example in examples {
        let words: Vec<&str> = example.split_whitespace().collect();
        let lesson_id = words[words.iter().position(|w| *w == "--lesson").unwrap() + 1];
        let bite = words[words.iter().position(|w| *w == "--bite").unwrap() + 1];
        // `print` takes the same --lesson; the bite must exist in it.
        let output = morsel()
            .args(["print", pack.to_str().unwrap(), "--lesson", lesson_id])
            .args(["--color", "never"])
            .output()
            .unwrap();
        let text = String::from_utf8_lossy(&output.stdout);
        assert!(
            output.status.success(),
            "`{example}`: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        let bites: usize = bite.parse().unwrap();
        let shown = morsel::pack::load(&pack)
            .into_pack()
            .map_err(|r| r.diagnostics)
            .unwrap()
            .lessons
            .iter()
            .find(|l| l.id == lesson_id)
            .map(|l| l.bites.len())
            .unwrap_or_default();
        assert!(
            bites <= shown,
            "`{example}`: the lesson has {shown} bites\n{text}"
        );
    }
}

#[test]
fn the_layout_drawing_shows_every_lesson_file() {
    let layout = read(writing_packs().join("assets/layout.txt"));
    for entry in std::fs::read_dir(writing_packs().join("lessons")).unwrap() {
        let name = entry.unwrap().file_name().into_string().unwrap();
        assert!(
            layout.contains(&name),
            "assets/layout.txt leaves out lessons/{name}"
        );
    }
}
