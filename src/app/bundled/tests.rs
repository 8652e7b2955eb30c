use super::*;

fn ids() -> Vec<String> {
    courses().into_iter().map(|c| c.id).collect()
}

fn lesson_of(copy: &Copy) -> PathBuf {
    let (rel, _) = copy
        .course
        .files
        .iter()
        .find(|(p, _)| p.ends_with(".md") && *p != "README.md")
        .unwrap();
    copy.path.join(rel)
}

/// Makes an installed copy look as an older morsel left it: its files as they are now, marked as written by 0.0.1.
fn as_if_from(copy: &Copy, morsel: &str) {
    let marker = Marker {
        id: copy.course.id.clone(),
        morsel: morsel.to_string(),
        hash: hash_dir(&copy.path).unwrap(),
    };
    std::fs::write(copy.path.join(MARKER), marker.to_text()).unwrap();
}

#[test]
fn the_three_courses_of_the_repository_are_bundled() {
    assert_eq!(ids(), ["git-in-bites", "regex-in-bites", "writing-packs"]);
}

#[test]
fn installing_writes_every_course_whole_and_it_loads_clean() {
    let dir = tempfile::tempdir().unwrap();
    let (copies, problems) = install(dir.path());
    assert!(problems.is_empty(), "{problems:?}");
    for copy in &copies {
        assert_eq!(copy.state, State::Current);
        let report = crate::pack::load(&copy.path);
        assert_eq!(report.errors().count(), 0, "{}", copy.path.display());
        assert_eq!(
            report.course.map(|c| c.id),
            Some(copy.course.id.clone()),
            "installed under its folder name with its id"
        );
    }
    let mut left: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    left.sort();
    assert_eq!(left, ids(), "nothing private left beside them");
    assert!(
        inspect(dir.path())
            .iter()
            .all(|c| c.state == State::Current)
    );
}

#[test]
fn an_untouched_older_copy_is_replaced_and_an_edited_one_kept() {
    let dir = tempfile::tempdir().unwrap();
    let (copies, _) = install(dir.path());
    let (older, edited, newer) = (&copies[0], &copies[1], &copies[2]);

    // An older morsel bundled a different text: untouched since, so this morsel's version replaces it.
    std::fs::write(lesson_of(older), "# An older version\n").unwrap();
    as_if_from(older, "0.0.1");
    // The learner edited this one: kept as it is, whatever morsel bundles.
    std::fs::write(lesson_of(edited), "# My own notes\n").unwrap();
    // A newer morsel installed this one: left for it.
    std::fs::write(lesson_of(newer), "# A newer version\n").unwrap();
    as_if_from(newer, "999.0.0");

    let states: Vec<State> = inspect(dir.path()).iter().map(|c| c.state).collect();
    assert_eq!(states, [State::Older, State::Edited, State::Newer]);
    let (after, problems) = install(dir.path());
    assert!(problems.is_empty(), "{problems:?}");
    let states: Vec<State> = after.iter().map(|c| c.state).collect();
    assert_eq!(states, [State::Current, State::Edited, State::Newer]);
    assert_ne!(
        std::fs::read_to_string(lesson_of(older)).unwrap(),
        "# An older version\n"
    );
    assert_eq!(
        std::fs::read_to_string(lesson_of(edited)).unwrap(),
        "# My own notes\n"
    );
    assert_eq!(
        std::fs::read_to_string(lesson_of(newer)).unwrap(),
        "# A newer version\n"
    );
}

#[test]
fn a_folder_of_the_learners_with_a_bundled_name_is_left_alone() {
    let dir = tempfile::tempdir().unwrap();
    let own = dir.path().join("git-in-bites");
    std::fs::create_dir_all(&own).unwrap();
    std::fs::write(own.join("course.toml"), "id = \"mine\"\n").unwrap();
    let (copies, problems) = install(dir.path());
    assert!(problems.is_empty());
    assert_eq!(copies[0].state, State::Own);
    assert_eq!(
        std::fs::read_to_string(own.join("course.toml")).unwrap(),
        "id = \"mine\"\n"
    );
    assert!(!own.join(MARKER).exists());
}

#[test]
fn a_pack_with_a_bundled_courses_id_shadows_the_installed_copy() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    install(&data);
    let clone = dir.path().join("clone/git-in-bites");
    std::fs::create_dir_all(&clone).unwrap();
    std::fs::write(clone.join("course.toml"), "id = \"git-in-bites\"\n").unwrap();
    let packs = vec![
        clone.clone(),
        data.join("git-in-bites"),
        data.join("regex-in-bites"),
    ];
    assert_eq!(
        shadowed(&packs),
        [(data.join("git-in-bites"), clone.clone())]
    );
}

#[test]
fn versions_compare_by_number() {
    assert!(newer("0.10.0", "0.9.3"));
    assert!(!newer("0.1.0", "0.1.0"));
    assert!(!newer("0.1.0", "1.0.0"));
}

#[test]
fn the_marker_is_toml_that_reads_back_what_was_written() {
    // Rust's `{:?}` writes a combining accent as `\u{301}` and a NUL as `\0`, neither of which TOML reads.
    let marker = Marker {
        id: "cafe\u{301} \"quoted\" \\ back".to_string(),
        morsel: "0.1.0\u{0}".to_string(),
        hash: "tab\there".to_string(),
    };
    let read = Marker::parse(&marker.to_text()).expect("the marker parses as TOML");
    assert_eq!(read.id, marker.id);
    assert_eq!(read.morsel, marker.morsel);
    assert_eq!(read.hash, marker.hash);
}
