//! `morsel import gift|anki`: the packs written from the fixtures under tests/fixtures/import load without errors,
//! hold what the sources say, and everything left out is reported with its line.

use std::fs;

use morsel::pack::{QuestionKind, load};

use crate::{fixture, morsel};

fn stdout_of(assert: &assert_cmd::assert::Assert) -> String {
    String::from_utf8(assert.get_output().stdout.clone()).unwrap()
}

#[test]
fn gift_examples_of_moodles_documentation_become_a_pack_that_checks() {
    let temp = tempfile::tempdir().unwrap();
    let out = temp.path().join("moodle");
    let source = fixture("import/gift/moodle-examples.gift");
    let assert = morsel()
        .args(["import", "gift"])
        .arg(&source)
        .arg("-o")
        .arg(&out)
        .assert()
        .success();
    let stdout = stdout_of(&assert);
    let file = source.display().to_string();
    for expected in [
        format!("{file}:11: skipped missing-word question `Grant is`"),
        format!("{file}:37: skipped matching question"),
        format!("{file}:45: skipped numerical question `When was Ulysses S. Grant born?`"),
        format!("{file}:47: skipped numerical question"),
        format!("{file}:69: skipped essay question `How are you?`"),
        format!("{file}:117: skipped essay question"),
        format!("{file}:131: skipped missing-word question `Q3`"),
        format!("{file}:144: skipped numerical question `Q7`"),
        format!("{file}:83: skipped the partial credit of choice `Bethlehem` (25%)"),
        "imported 18 questions in 3 lessons".to_string(),
        "check: 0 errors".to_string(),
    ] {
        assert!(stdout.contains(&expected), "{expected}\nnot in\n{stdout}");
    }

    let report = load(&out);
    assert_eq!(report.errors().count(), 0, "{:?}", report.diagnostics);
    assert_eq!(report.course.as_ref().unwrap().id, "moodle");
    let titles: Vec<_> = report.lessons.iter().map(|l| l.title.as_str()).collect();
    assert_eq!(titles, ["Question types", "Options", "Examples"]);
    let questions: Vec<_> = report.lessons.iter().flat_map(|l| l.questions()).collect();
    assert_eq!(questions.len(), 18);
    let by_id = |id: &str| {
        questions
            .iter()
            .find(|q| q.id == id)
            .unwrap_or_else(|| panic!("no question {id}"))
    };
    // `::Kanji Origins::` names the question; `{=China}` is a short answer.
    let QuestionKind::Text { answers, .. } = &by_id("kanji-origins").kind else {
        panic!("not a text question");
    };
    assert_eq!(answers, &["China"]);
    // Positive weights without `=`: pick all that apply.
    let QuestionKind::Choice { choices, .. } = &by_id("what-two-people-are-entombed-in").kind
    else {
        panic!("not a choice question");
    };
    let right: Vec<_> = choices
        .iter()
        .filter(|c| c.correct)
        .map(|c| c.text.as_str())
        .collect();
    assert_eq!(right, ["Grant", "Grant's wife"]);
    // `####` is the explanation; `\=` is text.
    assert_eq!(
        by_id("grant-was-buried-in-a-tomb").explain.as_deref(),
        Some("Grant was buried in New York.")
    );
    let QuestionKind::Choice { choices, .. } = &by_id("which-answer-equals-5").kind else {
        panic!("not a choice question");
    };
    assert_eq!(choices[1].text, "= 2 + 3");
    assert!(choices[1].correct);
    let QuestionKind::TrueFalse { answer } = by_id("the-sun-rises-in-the-east").kind else {
        panic!("not a true/false question");
    };
    assert!(answer);
}

#[test]
fn anki_notes_become_cards_grouped_by_deck() {
    let temp = tempfile::tempdir().unwrap();
    let out = temp.path().join("cards");
    let source = fixture("import/anki/notes.txt");
    let assert = morsel()
        .args(["import", "anki"])
        .arg(&source)
        .arg("-o")
        .arg(&out)
        .args(["--id", "my-cards", "--title", "My cards"])
        .assert()
        .success();
    let stdout = stdout_of(&assert);
    let file = source.display().to_string();
    for expected in [
        format!("{file}:10: skipped note `{{{{c1::Anchors}}}} match positions.`: cloze deletions"),
        format!("{file}:11: skipped note `A note with no back`: it has no back"),
        "imported 3 cards in 2 lessons".to_string(),
        "check: 0 errors, 0 warnings".to_string(),
    ] {
        assert!(stdout.contains(&expected), "{expected}\nnot in\n{stdout}");
    }
    let report = load(&out);
    assert_eq!(report.diagnostics.len(), 0, "{:?}", report.diagnostics);
    let course = report.course.as_ref().unwrap();
    assert_eq!(
        (course.id.as_str(), course.title.as_str()),
        ("my-cards", "My cards")
    );
    let titles: Vec<_> = report.lessons.iter().map(|l| l.title.as_str()).collect();
    // A deck inside a deck reads as a path, not as Anki's `::` syntax.
    assert_eq!(titles, ["Git › Basics", "Regex"]);
    let cards: Vec<_> = report.lessons.iter().flat_map(|l| l.cards()).collect();
    assert_eq!(cards[0].front, "**git add** does what?");
    assert_eq!(cards[0].back, "Copies a file into the *index*.");
    // A quoted field holds the separator (a tab: white space in HTML) and doubled quotes; `<br>` breaks lines.
    assert_eq!(cards[1].front, "A field with a tab and a \"quote\"");
    assert_eq!(cards[1].back, "Two lines:  \nfirst  \nsecond");
    // A quoted field spans two lines of the file.
    assert_eq!(cards[2].front, "What does `\\d` match?");
    assert_eq!(cards[2].back, "A digit, like 7.");
}

#[test]
fn a_folder_that_is_not_empty_is_refused_and_left_as_it_was() {
    let temp = tempfile::tempdir().unwrap();
    fs::write(temp.path().join("notes.md"), "mine").unwrap();
    morsel()
        .args(["import", "gift"])
        .arg(fixture("import/gift/moodle-examples.gift"))
        .arg("-o")
        .arg(temp.path())
        .assert()
        .failure()
        .stderr(predicates::str::contains("is not empty"));
    let names: Vec<_> = fs::read_dir(temp.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(names, ["notes.md"]);
    assert_eq!(
        fs::read_to_string(temp.path().join("notes.md")).unwrap(),
        "mine"
    );
}

#[test]
fn a_source_with_nothing_to_import_writes_nothing_and_says_why() {
    let temp = tempfile::tempdir().unwrap();
    let source = temp.path().join("essays.gift");
    fs::write(&source, "// only an essay\nWrite about Grant. {}\n").unwrap();
    let out = temp.path().join("pack");
    morsel()
        .args(["import", "gift"])
        .arg(&source)
        .arg("-o")
        .arg(&out)
        .assert()
        .failure()
        .stdout(predicates::str::contains(
            "essays.gift:2: skipped essay question `Write about Grant.`",
        ))
        .stderr(predicates::str::contains("nothing to import"));
    assert!(!out.exists());
}

#[test]
fn gift_choices_are_shuffled_as_moodle_shuffles_them_so_the_right_one_is_not_always_first() {
    let temp = tempfile::tempdir().unwrap();
    let source = temp.path().join("capitals.gift");
    // As GIFT authors write them: the right answer first, since Moodle shuffles.
    fs::write(
        &source,
        "Capital of France? {=Paris ~Lyon ~Nice}\n\n\
         Capital of Spain? {=Madrid ~Seville ~Bilbao}\n\n\
         Capital of Italy? {=Rome ~Milan ~Turin}\n\n\
         Capital of Peru? {=Lima ~Cusco ~Arequipa}\n\n\
         Capital of Chile? {=Santiago ~Valparaíso ~Arica}\n",
    )
    .unwrap();
    let out = temp.path().join("pack");
    let assert = morsel()
        .args(["import", "gift"])
        .arg(&source)
        .arg("-o")
        .arg(&out)
        .assert()
        .success();
    let stdout = stdout_of(&assert);
    assert!(stdout.contains("imported 5 questions"), "{stdout}");
    let check = morsel().arg("check").arg(&out).output().unwrap();
    let report = String::from_utf8_lossy(&check.stdout).into_owned()
        + &String::from_utf8_lossy(&check.stderr);
    assert!(
        !report.contains("the right answer is choice"),
        "the imported pack fails its own position-bias check:\n{report}"
    );
    let pack = load(&out);
    let questions: Vec<_> = pack.lessons.iter().flat_map(|l| l.questions()).collect();
    assert_eq!(questions.len(), 5);
    for q in questions {
        assert!(
            matches!(q.kind, QuestionKind::Choice { shuffle: true, .. }),
            "{q:?}"
        );
    }
}

#[test]
fn anki_reversed_notes_give_a_card_each_way_and_the_report_says_so() {
    let temp = tempfile::tempdir().unwrap();
    let source = temp.path().join("verbs.txt");
    fs::write(
        &source,
        "#separator:tab\n#html:false\n#notetype column:1\n#deck column:2\n\
         Basic (and reversed card)\tSpanish::Verbs\thablar\tto speak\n\
         Basic (optional reversed card)\tSpanish::Verbs\tcomer\tto eat\ty\n\
         Basic (optional reversed card)\tSpanish::Verbs\tvivir\tto live\t\n\
         Basic\tSpanish::Verbs\tser\tto be\n",
    )
    .unwrap();
    let out = temp.path().join("pack");
    let assert = morsel()
        .args(["import", "anki"])
        .arg(&source)
        .arg("-o")
        .arg(&out)
        .assert()
        .success();
    let stdout = stdout_of(&assert);
    assert!(
        stdout.contains("imported 6 cards (2 of them reverse cards) in 1 lesson"),
        "{stdout}"
    );
    let report = load(&out);
    assert_eq!(report.diagnostics.len(), 0, "{:?}", report.diagnostics);
    assert_eq!(report.lessons[0].title, "Spanish › Verbs");
    let cards: Vec<_> = report.lessons[0]
        .cards()
        .map(|c| (c.front.as_str(), c.back.as_str()))
        .collect();
    assert_eq!(
        cards,
        [
            ("hablar", "to speak"),
            ("to speak", "hablar"),
            ("comer", "to eat"),
            ("to eat", "comer"),
            // An optional reverse left empty: one card, and the empty "Add Reverse" field is no part of its back.
            ("vivir", "to live"),
            ("ser", "to be"),
        ]
    );
}
