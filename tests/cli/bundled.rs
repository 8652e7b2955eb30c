//! The bundled courses wherever morsel runs: embedded in the binary, installed into the data folder on first use,
//! and `paths` saying where each course comes from.

use std::path::Path;

use crate::morsel;

/// `morsel ARGS` run from `cwd`, with its data folder (and home) under `home`, on the default course path.
fn run_in(cwd: &Path, home: &Path, args: &[&str]) -> (bool, String, String) {
    let output = morsel()
        .args(args)
        .current_dir(cwd)
        .env("HOME", home)
        .env("XDG_DATA_HOME", home.join("data"))
        .env("XDG_CONFIG_HOME", home.join("config"))
        .env_remove("MORSEL_COURSES")
        .env_remove("MORSEL_DB")
        .env_remove("MORSEL_CONFIG")
        .output()
        .unwrap();
    (
        output.status.success(),
        String::from_utf8(output.stdout).unwrap(),
        String::from_utf8(output.stderr).unwrap(),
    )
}

#[test]
fn outside_the_repository_with_an_empty_data_folder_list_finds_the_three_bundled_courses() {
    let cwd = tempfile::tempdir().unwrap();
    let home = tempfile::tempdir().unwrap();
    let (ok, text, stderr) = run_in(cwd.path(), home.path(), &["list"]);
    assert!(ok, "{stderr}");
    let ids: Vec<&str> = text
        .lines()
        .filter_map(|l| l.split_whitespace().next())
        .collect();
    assert_eq!(
        ids,
        ["git-in-bites", "regex-in-bites", "writing-packs"],
        "{text}"
    );
    assert!(
        home.path()
            .join("data/morsel/courses/git-in-bites/course.toml")
            .is_file()
    );
    // And they play: a course id is found on the course path.
    let (ok, text, stderr) = run_in(
        cwd.path(),
        home.path(),
        &["print", "regex-in-bites", "--color", "never"],
    );
    assert!(
        ok && text.contains("Regular expressions in bites"),
        "{stderr}{text}"
    );
}

#[test]
fn paths_names_where_each_course_comes_from_and_a_folder_with_a_bundled_id_wins() {
    let cwd = tempfile::tempdir().unwrap();
    let home = tempfile::tempdir().unwrap();
    let data = home.path().join("data/morsel/courses");
    let (_, before, _) = run_in(cwd.path(), home.path(), &["paths"]);
    assert!(
        before.contains(&format!(
            "course    git-in-bites    bundled, installed in {} when morsel first lists its courses\n",
            data.join("git-in-bites").display()
        )),
        "{before}"
    );
    assert!(!data.exists(), "paths itself installs nothing");

    run_in(cwd.path(), home.path(), &["list"]);
    // A pack of the learner's in ./courses with the id of a bundled course.
    let own = cwd.path().join("courses/my-git");
    std::fs::create_dir_all(&own).unwrap();
    std::fs::write(
        own.join("course.toml"),
        "format = 1\nid = \"git-in-bites\"\ntitle = \"My Git\"\n",
    )
    .unwrap();
    std::fs::write(own.join("one.md"), "# One\n\nText.\n").unwrap();
    let (ok, after, stderr) = run_in(cwd.path(), home.path(), &["paths"]);
    assert!(ok, "{stderr}");
    assert!(
        after.contains(
            "course    git-in-bites    courses/my-git (on the course path: wins over the bundled copy of this id)\n"
        ),
        "{after}"
    );
    assert!(
        after.contains(&format!(
            "course    regex-in-bites  bundled, installed in {}\n",
            data.join("regex-in-bites").display()
        )),
        "{after}"
    );
    assert!(
        after.contains(&format!(
            "course    git-in-bites    bundled, installed in {}; not used, since courses/my-git has its id\n",
            data.join("git-in-bites").display()
        )),
        "{after}"
    );
    let (_, list, _) = run_in(cwd.path(), home.path(), &["list"]);
    assert_eq!(list.matches("git-in-bites").count(), 1, "{list}");
    assert!(list.contains("My Git"), "{list}");
}

#[test]
fn a_bundled_copy_the_learner_edited_is_kept_and_said_so() {
    let cwd = tempfile::tempdir().unwrap();
    let home = tempfile::tempdir().unwrap();
    run_in(cwd.path(), home.path(), &["list"]);
    let copy = home.path().join("data/morsel/courses/writing-packs");
    let readme = copy.join("README.md");
    std::fs::write(&readme, "my notes\n").unwrap();
    run_in(cwd.path(), home.path(), &["list"]);
    assert_eq!(std::fs::read_to_string(&readme).unwrap(), "my notes\n");
    let (_, paths, _) = run_in(cwd.path(), home.path(), &["paths"]);
    assert!(
        paths.contains(&format!(
            "bundled, installed in {}; edited there, so never updated\n",
            copy.display()
        )),
        "{paths}"
    );
}
