use super::*;

fn actor(mbox: &str) -> Actor {
    Actor {
        name: Some("Ada".into()),
        ifi: Ifi::Mbox(mbox.into()),
    }
}

fn answer(key: &str, kind: &str, response: &str, correct: bool) -> Fact {
    // The key names the question: answers to different questions.
    Fact::Answer {
        review: None,
        row: Some(format!("answer:{key}")),
        lesson: "intro".into(),
        question: key.replace(':', "-"),
        kind: kind.into(),
        response: response.into(),
        correct,
        duration_ms: 12_345,
        at: 1_795_000_000_000,
    }
}

#[test]
fn timestamps_are_utc_iso_8601_with_milliseconds() {
    assert_eq!(timestamp(0), "1970-01-01T00:00:00.000Z");
    assert_eq!(timestamp(951_782_400_123), "2000-02-29T00:00:00.123Z");
    assert_eq!(timestamp(1_795_000_000_000), "2026-11-18T11:06:40.000Z");
    assert_eq!(timestamp(-1), "1969-12-31T23:59:59.999Z");
}

#[test]
fn durations_are_iso_8601_to_the_hundredth() {
    assert_eq!(duration(12_345), "PT12.34S");
    assert_eq!(duration(0), "PT0.00S");
    assert_eq!(duration(-5), "PT0.00S");
    assert_eq!(duration(3_600_000), "PT3600.00S");
}

#[test]
fn the_same_record_gives_the_same_id_and_another_learner_another() {
    let course = Course::new("git", "Git");
    let facts = [answer("answer:1", "text", "main", true)];
    let a = statements(&actor("ada@example.org"), &course, &facts);
    let again = statements(&actor("mailto:ada@example.org"), &course, &facts);
    let other = statements(&actor("bob@example.org"), &course, &facts);
    assert_eq!(a[0].id, again[0].id);
    assert_ne!(a[0].id, other[0].id);
    assert_eq!(a[0].json["id"], json!(a[0].id));
    assert_eq!(Uuid::parse_str(&a[0].id).unwrap().get_version_num(), 5);
}

#[test]
fn answers_are_interactions_of_their_type_with_the_response_in_xapi_form() {
    let course = Course::new("git", "Git");
    let facts = [
        answer("answer:1", "choice", r#"["add","commit"]"#, false),
        answer("answer:2", "truefalse", "true", true),
        answer("answer:3", "text", "main", true),
        answer("answer:4", "order", r#"["b","a"]"#, true),
    ];
    let s = statements(&actor("ada@example.org"), &course, &facts);
    let types: Vec<_> = s
        .iter()
        .map(|s| s.json["object"]["definition"]["interactionType"].clone())
        .collect();
    assert_eq!(
        types,
        [
            json!("choice"),
            json!("true-false"),
            json!("fill-in"),
            json!("sequencing")
        ]
    );
    assert_eq!(s[0].json["result"]["response"], json!("add[,]commit"));
    assert_eq!(s[0].json["result"]["success"], json!(false));
    assert_eq!(s[0].json["result"]["duration"], json!("PT12.34S"));
    assert_eq!(s[3].json["result"]["response"], json!("b[,]a"));
    assert_eq!(
        s[0].json["verb"]["id"],
        json!("http://adlnet.gov/expapi/verbs/answered")
    );
    assert_eq!(
        s[0].json["object"]["id"],
        json!("urn:morsel:git/question/answer-1")
    );
    assert_eq!(
        s[0].json["context"]["contextActivities"]["grouping"][0]["id"],
        json!("urn:morsel:git")
    );
    assert_eq!(
        s[0].json["context"]["contextActivities"]["parent"][0]["id"],
        json!("urn:morsel:git/lesson/intro")
    );
}

#[test]
fn a_lesson_done_is_completed_then_passed_or_failed_against_the_pass_mark() {
    let course = Course::new("git", "Git");
    let done = |known| Fact::LessonDone {
        lesson: "intro".into(),
        known,
        questions: 5,
        pass_mark: 0.8,
        at: 1_795_000_000_000,
    };
    let s = statements(&actor("ada@example.org"), &course, &[done(4)]);
    let verbs: Vec<_> = s
        .iter()
        .map(|s| s.json["verb"]["display"]["en-US"].clone())
        .collect();
    assert_eq!(verbs, [json!("completed"), json!("passed")]);
    assert_eq!(s[1].json["result"]["score"]["scaled"], json!(0.8));
    let s = statements(&actor("ada@example.org"), &course, &[done(3)]);
    assert_eq!(s[1].json["verb"]["display"]["en-US"], json!("failed"));
    assert_eq!(s[1].json["result"]["success"], json!(false));
    // A lesson without questions is completed, with no score.
    let s = statements(
        &actor("ada@example.org"),
        &course,
        &[Fact::LessonDone {
            lesson: "intro".into(),
            known: 0,
            questions: 0,
            pass_mark: 0.8,
            at: 0,
        }],
    );
    assert_eq!(s.len(), 1);
}

#[test]
fn ids_outside_the_id_syntax_are_percent_encoded_in_iris() {
    assert_eq!(Course::new("a b/é", "X").iri, "urn:morsel:a%20b%2F%C3%A9");
}

#[test]
fn notes_ratings_and_pauses_become_asked_commented_suspended_and_resumed() {
    let course = Course::new("c", "C");
    let facts = [
        Fact::Note {
            lesson: "a".into(),
            bite: 1,
            text: "?why".into(),
            question: true,
            at: 1_000,
        },
        Fact::Note {
            lesson: "a".into(),
            bite: 2,
            text: "remember this".into(),
            question: false,
            at: 2_000,
        },
        Fact::Rated {
            lesson: "a".into(),
            bite: 1,
            clear: false,
            comment: "too terse".into(),
            at: 3_000,
        },
        Fact::Suspended {
            lesson: "a".into(),
            at: 4_000,
        },
        Fact::Resumed {
            lesson: "a".into(),
            at: 9_000,
        },
    ];
    let statements = statements(&actor("mailto:a@example.com"), &course, &facts);
    let verbs: Vec<&str> = statements
        .iter()
        .map(|s| {
            s.json["verb"]["display"]["en-US"]
                .as_str()
                .unwrap_or_default()
        })
        .collect();
    assert_eq!(
        verbs,
        ["asked", "commented", "commented", "suspended", "resumed"]
    );
    assert_eq!(
        statements[0].json["verb"]["id"],
        "http://adlnet.gov/expapi/verbs/asked"
    );
    assert_eq!(
        statements[2].json["result"]["response"],
        "unclear: too terse"
    );
    assert_eq!(statements[0].json["result"]["response"], "?why");
}

#[test]
fn a_lesson_is_done_once_and_scored_again_each_time_a_later_question_becomes_known() {
    let facts = lesson_facts(
        "intro",
        100,
        &[Some(50), Some(200), None, Some(200), Some(300)],
        0.8,
    );
    let scores: Vec<_> = facts
        .iter()
        .map(|f| match f {
            Fact::LessonDone { known, at, .. } => ("done", *known, *at),
            Fact::LessonScored { known, at, .. } => ("scored", *known, *at),
            _ => unreachable!(),
        })
        .collect();
    assert_eq!(
        scores,
        [("done", 1, 100), ("scored", 3, 200), ("scored", 4, 300)]
    );
    let s = statements(
        &actor("ada@example.org"),
        &Course::new("git", "Git"),
        &facts,
    );
    let verbs: Vec<_> = s
        .iter()
        .map(|s| s.json["verb"]["display"]["en-US"].clone())
        .collect();
    assert_eq!(
        verbs,
        [
            json!("completed"),
            json!("failed"),
            json!("failed"),
            json!("passed")
        ]
    );
    // A lesson without questions: done, and nothing to score later.
    assert_eq!(lesson_facts("intro", 100, &[], 0.8).len(), 1);
}

/// One fact of every kind morsel states, for a course whose pack is at hand (questions described, in French), with
/// a sitting around them.
fn every_kind() -> (Course, Vec<Fact>) {
    let t = 1_795_000_000_000;
    let mut facts = learning_facts(t);
    facts.extend(outcome_facts(t));
    (described_course(), facts)
}

/// Course `git`, in French, with one question and one card described.
fn described_course() -> Course {
    let mut course = Course::new("git", "Git");
    course.language = "fr".into();
    course.questions.insert(
        "q-pointer".into(),
        definitions::question(
            "Quel pointeur ?",
            &crate::pack::QuestionKind::Choice {
                choices: vec![
                    crate::pack::Choice {
                        text: "branch".into(),
                        correct: true,
                        feedback: None,
                    },
                    crate::pack::Choice {
                        text: "clone".into(),
                        correct: false,
                        feedback: None,
                    },
                ],
                shuffle: false,
            },
            "fr",
        ),
    );
    course.cards.insert("c-head".into(), "HEAD".into());
    course
}

/// A sitting begun, a bite seen, a question answered, a card reviewed, notes, a rating, a pause.
fn learning_facts(t: i64) -> Vec<Fact> {
    let review = |item_kind: &str, review_kind: &str| Review {
        item_kind: item_kind.into(),
        rating: 3,
        review_kind: review_kind.into(),
        content_hash: "9f2c4e1a".into(),
        state_before: 2,
        utc_offset_min: 60,
    };
    let lesson = || "intro".to_string();
    vec![
        Fact::SittingStarted { at: t },
        Fact::BiteSeen {
            lesson: lesson(),
            bite: 1,
            at: t + 1_000,
        },
        Fact::Answer {
            row: None,
            lesson: lesson(),
            question: "q-pointer".into(),
            kind: "choice".into(),
            response: r#"["branch"]"#.into(),
            correct: true,
            duration_ms: 4_250,
            review: Some(review("question", "learn")),
            at: t + 20_000,
        },
        Fact::CardReviewed {
            lesson: lesson(),
            card: "c-head".into(),
            review: review("card", "scheduled"),
            duration_ms: 3_000,
            at: t + 30_000,
        },
        Fact::Note {
            lesson: lesson(),
            bite: 1,
            text: "?why a pointer".into(),
            question: true,
            at: t + 40_000,
        },
        Fact::Note {
            lesson: lesson(),
            bite: 1,
            text: "HEAD moves".into(),
            question: false,
            at: t + 41_000,
        },
        Fact::Rated {
            lesson: lesson(),
            bite: 1,
            clear: false,
            comment: "too terse".into(),
            at: t + 50_000,
        },
        Fact::Suspended {
            lesson: lesson(),
            at: t + 60_000,
        },
        Fact::Resumed {
            lesson: lesson(),
            at: t + 120_000,
        },
    ]
}

/// A lesson done and scored again, the sitting ended, key results progressed and satisfied.
fn outcome_facts(t: i64) -> Vec<Fact> {
    let lesson = || "intro".to_string();
    vec![
        Fact::LessonDone {
            lesson: lesson(),
            known: 1,
            questions: 1,
            pass_mark: 0.8,
            at: t + 130_000,
        },
        Fact::LessonScored {
            lesson: lesson(),
            known: 0,
            questions: 1,
            pass_mark: 0.8,
            at: t + 131_000,
        },
        Fact::SittingEnded {
            started: t,
            kind: "timebox",
            active_ms: 130_000,
            planned_minutes: Some(5),
            at: t + 140_000,
        },
        Fact::KeyResult {
            objective: "basics".into(),
            key_result: "time".into(),
            text: "Cinq minutes".into(),
            measure: "practice_minutes",
            value: 2.17,
            target: 5.0,
            met: false,
            at: t + 140_000,
        },
        Fact::KeyResult {
            objective: "basics".into(),
            key_result: "mastered".into(),
            text: "Tout maîtrisé".into(),
            measure: "mastery",
            value: 1.0,
            target: 1.0,
            met: true,
            at: t + 140_000,
        },
    ]
}

/// Every IRI-keyed extension of a statement.
fn extension_keys(s: &Value) -> Vec<String> {
    let mut keys = Vec::new();
    for place in [&s["result"]["extensions"], &s["context"]["extensions"]] {
        if let Some(map) = place.as_object() {
            keys.extend(map.keys().cloned());
        }
    }
    keys
}

#[test]
fn the_profile_names_every_verb_activity_type_and_extension_morsel_states() {
    let profile = include_str!("../../../docs/xapi-profile.md");
    let (course, facts) = every_kind();
    let statements = statements(&actor("ada@example.org"), &course, &facts);
    let mut verbs = std::collections::BTreeSet::new();
    for s in &statements {
        let verb = s.json["verb"]["id"].as_str().unwrap().to_string();
        verbs.insert(
            s.json["verb"]["display"]["en-US"]
                .as_str()
                .unwrap()
                .to_string(),
        );
        assert!(
            profile.contains(&format!("`{verb}`")),
            "verb {verb} is not in docs/xapi-profile.md"
        );
        let mut types = vec![s.json["object"]["definition"]["type"].clone()];
        for list in ["parent", "grouping"] {
            for a in s.json["context"]["contextActivities"][list]
                .as_array()
                .into_iter()
                .flatten()
            {
                types.push(a["definition"]["type"].clone());
            }
        }
        for t in types.iter().filter_map(Value::as_str) {
            assert!(
                profile.contains(&format!("`{t}`")),
                "activity type {t} is not in the profile"
            );
        }
        for key in extension_keys(&s.json) {
            assert!(
                profile.contains(&format!("`{key}`")),
                "extension {key} is not in the profile"
            );
        }
        // Each kind of statement has its example in the profile, under a heading naming its verb.
        let name = s.json["verb"]["display"]["en-US"].as_str().unwrap();
        assert!(
            profile.contains(&format!("\"en-US\": \"{name}\"")),
            "no example of `{name}`"
        );
    }
    // Every verb morsel knows is among the kinds stated here.
    assert_eq!(
        verbs.into_iter().collect::<Vec<_>>(),
        [
            "answered",
            "asked",
            "commented",
            "completed",
            "experienced",
            "failed",
            "initialized",
            "passed",
            "progressed",
            "resumed",
            "reviewed",
            "satisfied",
            "suspended",
            "terminated"
        ]
    );
}

/// Prints one example statement of each kind, as docs/xapi-profile.md shows them:
/// `cargo test --lib profile_examples -- --ignored --nocapture`.
#[test]
#[ignore = "prints the profile's examples"]
fn profile_examples() {
    let (course, facts) = every_kind();
    for s in statements(&actor("ada@example.org"), &course, &facts) {
        println!("{}\n", serde_json::to_string_pretty(&s.json).unwrap());
    }
}
