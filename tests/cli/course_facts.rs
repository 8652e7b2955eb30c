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

/// The statements issue 22 (items 12-22) found misleading, each with the words its fix added and the words it
/// dropped: a lesson that loses the qualifier, or brings the old claim back, fails here.
const QUALIFIED: &[(&str, &str, &str, &str)] = &[
    // 12: stash pop restores staged changes as unstaged ones, unless --index.
    (
        "git-in-bites",
        "07-stash-and-worktrees.md",
        "git stash pop --index",
        "",
    ),
    // 13: branch -d checks the deleted branch's own upstream, else HEAD.
    (
        "git-in-bites",
        "02-branches-are-pointers.md",
        "the deleted branch's own upstream",
        "merged into your current branch (or its upstream)",
    ),
    // 14: the 30 days are for entries the ref no longer reaches, and gc prunes.
    (
        "git-in-bites",
        "04-undoing-things-safely.md",
        "When `git gc` runs",
        "or 30 for commits no longer on any branch",
    ),
    // 15: git switch review needs origin/review, made by a fetch.
    ("git-in-bites", "05-remotes.md", "once a `git fetch`", ""),
    // 16: the suggestion comes only for a near miss.
    (
        "writing-packs",
        "01-what-is-a-pack.md",
        "without a suggestion",
        "and the closest known key",
    ),
    // 17: questions and cards share one namespace, and cards carry history.
    (
        "writing-packs",
        "06-flashcards-and-ids.md",
        "Questions and cards share one",
        "and so must question ids",
    ),
    // 18: an info string that starts with the word quiz.
    (
        "writing-packs",
        "04-choice-and-truefalse.md",
        "starts with the word",
        "whose info string is `quiz`",
    ),
    // 19: course is null also without id/title or for a newer format.
    (
        "writing-packs",
        "07-checking-your-pack.md",
        "lacks `id` or",
        "",
    ),
    // 20: only a .. that climbs out of the pack is an error.
    (
        "writing-packs",
        "01-what-is-a-pack.md",
        "`drafts/../intro.md`, is fine",
        "",
    ),
    // 21: ] and } are ordinary outside a bracket or an interval.
    (
        "regex-in-bites",
        "01-literals-and-the-dot.md",
        "`]` and `}` are special only",
        ".  [  ]  (  )  {  }",
    ),
    // 22: two order items always warn.
    (
        "writing-packs",
        "05-text-and-order.md",
        "two always get a",
        "",
    ),
];

#[test]
fn the_misleading_statements_keep_their_qualifiers() {
    let courses = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("courses");
    // Prose is wrapped at any word: compare with white space folded.
    let fold = |s: &str| s.split_whitespace().collect::<Vec<_>>().join(" ");
    let mut problems = Vec::new();
    for (course, file, added, dropped) in QUALIFIED {
        let text = fold(&read(courses.join(course).join("lessons").join(file)));
        if !text.contains(&fold(added)) {
            problems.push(format!("{course}/{file} does not say `{added}`"));
        }
        if !dropped.is_empty() && text.contains(&fold(dropped)) {
            problems.push(format!("{course}/{file} says `{dropped}`"));
        }
    }
    assert!(problems.is_empty(), "{problems:#?}");
}
