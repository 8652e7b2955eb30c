use std::collections::BTreeMap;
use std::path::Path;

use super::*;
use crate::learn::clock::ManualClock;
use crate::learn::grade::Stated;
use crate::learn::journal::MemoryJournal;
use crate::learn::progress::SavedPosition;
use crate::pack::Pack;

const T0: i64 = 1_700_000_000_000;

fn write(dir: &Path, name: &str, text: &str) {
    let path = dir.join(name);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

const TF: &str = "```quiz\nid = \"q1\"\nkind = \"truefalse\"\nprompt = \"True?\"\nanswer = true\nexplain = \"Yes.\"\nhint = \"It is.\"\n```\n";
const CARD: &str = "```card\nid = \"c1\"\nfront = \"Front\"\nback = \"Back\"\n```\n";
const CHOICE: &str = "```quiz\nid = \"q2\"\nkind = \"choice\"\nprompt = \"Pick\"\nchoices = [\n  { text = \"right\", correct = true },\n  { text = \"wrong\", feedback = \"Not this one.\" },\n]\nexplain = \"E\"\n```\n";
const TEXT: &str = "```quiz\nid = \"q3\"\nkind = \"text\"\nprompt = \"Say hi\"\nanswers = [\"hi\"]\nexplain = \"E\"\n```\n";

/// Lesson `a`: a text bite; a bite with q1 and card c1; a bite with q2. Lesson `b`: one bite with q3.
fn pack(pass_mark: f64) -> Pack {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "course.toml",
        &format!("id = \"t\"\ntitle = \"T\"\npass_mark = {pass_mark}\n"),
    );
    write(
        dir.path(),
        "a.md",
        &format!(
            "+++\nid = \"a\"\n+++\nOne.\n\n---\n\nTwo.\n\n{TF}\n{CARD}\n---\n\nThree.\n\n{CHOICE}"
        ),
    );
    write(
        dir.path(),
        "b.md",
        &format!("+++\nid = \"b\"\n+++\nFour.\n\n{TEXT}"),
    );
    crate::pack::load(dir.path())
        .into_pack()
        .map_err(|r| r.diagnostics)
        .unwrap()
}

struct Harness {
    session: Session,
    journal: MemoryJournal,
    clock: ManualClock,
}

impl Harness {
    fn open(pack: Pack, progress: Progress, options: &OpenOptions) -> Self {
        let clock = ManualClock::at(T0);
        let mut journal = MemoryJournal::default();
        let mut session = Session::open(
            pack,
            progress,
            std::rc::Rc::new(clock.clone()),
            options,
            &mut journal,
        )
        .unwrap();
        session.seed(7);
        Self {
            session,
            journal,
            clock,
        }
    }

    fn new() -> Self {
        Self::open(pack(0.8), Progress::default(), &OpenOptions::default())
    }

    fn advance(&mut self) -> Advance {
        self.session.advance(&mut self.journal).unwrap()
    }

    fn answer(&mut self, r: Response) -> Verdict {
        self.session
            .answer(&r, &mut self.journal)
            .unwrap()
            .expect("a question was waiting")
    }

    /// The progress a fresh start would load: every record applied in order.
    fn saved(&self) -> Progress {
        let mut p = Progress::default();
        for r in &self.journal.records {
            p.apply(r);
        }
        p
    }

    fn reopen(&self, options: &OpenOptions) -> Harness {
        Harness::open(self.session.pack().clone(), self.saved(), options)
    }

    fn at(&self) -> (&str, usize) {
        (
            self.session.lesson().id.as_str(),
            self.session.bite().number,
        )
    }

    /// Active seconds: each span counted once, at its latest end.
    fn active_secs(&self) -> i64 {
        let mut spans = BTreeMap::new();
        for r in &self.journal.records {
            if let Record::Active {
                started_at,
                ended_at,
                ..
            } = r
            {
                let end = spans.entry(*started_at).or_insert(*ended_at);
                *end = (*end).max(*ended_at);
            }
        }
        spans.iter().map(|(s, e)| e - s).sum::<i64>() / 1000
    }
}

#[test]
fn a_new_course_starts_at_its_first_bite_and_records_it() {
    let h = Harness::new();
    assert_eq!(h.at(), ("a", 1));
    assert_eq!(h.session.stage(), &Stage::Reading);
    assert!(matches!(h.journal.records[0], Record::CourseOpened { .. }));
    assert_eq!(
        h.saved().position,
        Some(SavedPosition {
            lesson: "a".into(),
            bite: 1,
            scroll: 0,
            exercise: None,
        })
    );
}

#[test]
fn moving_past_a_bite_needs_its_questions_answered_or_skipped() {
    let mut h = Harness::new();
    assert_eq!(h.advance(), Advance::NextBite);
    assert_eq!(
        h.advance(),
        Advance::Exercise,
        "the bite's text first, then its question"
    );
    assert_eq!(h.advance(), Advance::NeedsAnswer);
    assert_eq!(h.advance(), Advance::NeedsAnswer);
    assert!(h.answer(Response::Bool(true)).correct);
    assert_eq!(h.advance(), Advance::Exercise, "then its card");
    assert_eq!(
        h.advance(),
        Advance::NeedsAnswer,
        "a card needs a rating or a skip"
    );
    assert!(
        !h.session.rate(Rating::Good, &mut h.journal).unwrap(),
        "rating needs the back shown first"
    );
    assert!(h.session.reveal());
    assert!(h.session.rate(Rating::Good, &mut h.journal).unwrap());
    assert_eq!(h.advance(), Advance::NextBite);
    assert_eq!(h.at(), ("a", 3));
}

#[test]
fn wrong_then_right_stores_both_attempts_and_only_the_first_counts() {
    let mut h = Harness::new();
    let _ = (h.advance(), h.advance());
    h.clock.advance_secs(4);
    assert_eq!(h.session.hint().as_deref(), Some("It is."));
    let wrong = h.answer(Response::Bool(false));
    assert!(!wrong.correct);
    assert!(h.session.try_again());
    h.clock.advance_secs(2);
    assert!(h.answer(Response::Bool(true)).correct);
    let answers: Vec<_> = h.journal.answers().cloned().collect();
    assert_eq!(answers.len(), 2);
    assert_eq!(
        (answers[0].attempt, answers[0].correct, answers[0].hint_used),
        (1, false, true)
    );
    assert_eq!((answers[1].attempt, answers[1].correct), (2, true));
    assert_eq!(answers[0].answered_at - answers[0].shown_at, 4000);
    assert_eq!(answers[1].response, "true");
    assert_eq!(answers[1].kind, "truefalse");
    let q1 = h.session.progress().questions["q1"];
    assert_eq!((q1.first_try_right, q1.attempts), (false, 2));
    assert!(!h.session.try_again(), "no retry after a right answer");
}

#[test]
fn choice_feedback_is_the_chosen_options() {
    let mut h = Harness::open(
        pack(0.8),
        Progress::default(),
        &OpenOptions {
            lesson: None,
            restart: false,
            bite: None,
        },
    );
    for _ in 0..2 {
        let _ = h.advance();
    }
    let _ = h.answer(Response::Bool(true));
    let _ = h.advance();
    assert!(
        h.session.skip(&mut h.journal).unwrap(),
        "a card can be passed without a rating"
    );
    assert_eq!(h.advance(), Advance::NextBite);
    assert_eq!(h.advance(), Advance::Exercise);
    let v = h.answer(Response::Choices(vec![1]));
    let feedback: Vec<_> = v.feedback.iter().map(|f| f.text.as_str()).collect();
    assert_eq!(feedback, ["Not this one."]);
    assert!(
        !h.saved().cards_rated.contains("c1"),
        "a skipped card is not rated"
    );
}

#[test]
fn a_skip_is_recorded_and_counts_as_not_right() {
    let mut h = Harness::new();
    let _ = (h.advance(), h.advance());
    assert!(h.session.skip(&mut h.journal).unwrap());
    let skip = h.journal.answers().next().unwrap().clone();
    assert!(skip.skipped && !skip.correct);
    assert_eq!(skip.response, "");
    let q1 = h.session.progress().questions["q1"];
    assert!(!q1.first_try_right, "a skip is not right");
    let status = h.saved().lesson_status(&h.session.pack().lessons[0], 0.8);
    assert_eq!(
        (status.answered, status.first_try_right),
        (1, 0),
        "but it counts as answered"
    );
}

/// Plays lesson `a` answering q1 with `q1` and q2 with `q2`, rating the card, up to its summary.
fn play_lesson_a(h: &mut Harness, q1: bool, q2: usize) -> LessonStatus {
    let _ = (h.advance(), h.advance());
    let _ = h.answer(Response::Bool(q1));
    let _ = h.advance();
    h.session.reveal();
    h.session.rate(Rating::Easy, &mut h.journal).unwrap();
    let _ = (h.advance(), h.advance());
    let _ = h.answer(Response::Choices(vec![q2]));
    match h.advance() {
        Advance::LessonDone(status) => status,
        other => panic!("expected the lesson summary, got {other:?}"),
    }
}

#[test]
fn a_lesson_is_mastered_at_the_pass_mark() {
    let mut h = Harness::new();
    let status = play_lesson_a(&mut h, true, 0);
    assert!(status.complete && status.mastered);
    assert_eq!((status.first_try_right, status.questions), (2, 2));
    assert!(status.missed.is_empty());

    let mut h = Harness::new();
    let status = play_lesson_a(&mut h, true, 1);
    assert!(status.complete && !status.mastered, "1 of 2 is below 0.8");
    assert_eq!(status.score(), 0.5);
    assert_eq!(status.missed, ["q2"]);

    let mut h = Harness::open(pack(0.5), Progress::default(), &OpenOptions::default());
    assert!(
        play_lesson_a(&mut h, true, 1).mastered,
        "1 of 2 meets a pass mark of 0.5"
    );
}

#[test]
fn retrying_missed_questions_is_practice_that_never_masters_and_keeps_history() {
    let mut h = Harness::new();
    let status = play_lesson_a(&mut h, false, 1);
    assert_eq!(status.missed, ["q1", "q2"]);
    assert!(h.session.retry_missed(&mut h.journal).unwrap());
    let mut retried = Vec::new();
    loop {
        let (exercise, state) = h.session.exercise().expect("a retried question");
        let Exercise::Question(q) = exercise else {
            panic!("only questions are retried")
        };
        assert_eq!(state.round, 2);
        retried.push(q.id.clone());
        let right = if q.id == "q1" {
            Response::Bool(true)
        } else {
            Response::Choices(vec![0])
        };
        assert!(h.answer(right).correct);
        if let Advance::LessonDone(status) = h.advance() {
            assert!(
                !status.mastered,
                "right on retry, after the explanations: practice"
            );
            assert_eq!((status.first_try_right, status.right_on_retry), (0, 2));
            break;
        }
    }
    retried.sort();
    assert_eq!(retried, ["q1", "q2"]);
    let rounds: Vec<_> = h
        .journal
        .answers()
        .map(|a| (a.question_id.as_str(), a.round, a.correct))
        .collect();
    assert_eq!(rounds.len(), 4, "the history keeps both rounds: {rounds:?}");
    assert!(
        !h.saved()
            .lesson_status(&h.session.pack().lessons[0], 0.8)
            .mastered,
        "and a reopen agrees"
    );
}

#[test]
fn no_retry_when_nothing_was_missed() {
    let mut h = Harness::new();
    let _ = play_lesson_a(&mut h, true, 0);
    assert!(!h.session.retry_missed(&mut h.journal).unwrap());
    assert_eq!(h.advance(), Advance::NextLesson);
    assert_eq!(h.at(), ("b", 1));
}

#[test]
fn resume_after_reopen_is_exact() {
    let mut h = Harness::new();
    let _ = h.advance();
    h.session.scroll_to(12, &mut h.journal).unwrap();
    let again = h.reopen(&OpenOptions::default());
    assert_eq!(again.at(), ("a", 2));
    assert_eq!(again.session.scroll(), 12);
    assert_eq!(again.session.stage(), &Stage::Reading);
}

#[test]
fn a_reopen_comes_back_to_the_exercise_left() {
    let mut h = Harness::new();
    let _ = (h.advance(), h.advance());
    let again = h.reopen(&OpenOptions::default());
    assert_eq!(showing(&again).as_deref(), Some("q1"), "q1 still waits");
    let _ = h.answer(Response::Bool(true));
    let again = h.reopen(&OpenOptions::default());
    assert_eq!(
        showing(&again).as_deref(),
        Some("c1"),
        "q1 is answered: the next exercise of the bite"
    );
    assert_eq!(h.session.back(&mut h.journal).unwrap(), Back::ToText);
    let again = h.reopen(&OpenOptions::default());
    assert_eq!(again.session.stage(), &Stage::Reading);
    assert_eq!(again.at(), ("a", 2));
}

#[test]
fn answered_questions_are_not_asked_again_after_reopen() {
    let mut h = Harness::new();
    let _ = (h.advance(), h.advance());
    let _ = h.answer(Response::Bool(true));
    let again = h.reopen(&OpenOptions::default());
    assert_eq!(again.at(), ("a", 2));
    assert!(
        matches!(again.session.exercise(), Some((Exercise::Card(_), _))),
        "q1 is done; the card is next"
    );
}

#[test]
fn a_saved_position_beyond_the_pack_is_clamped() {
    let progress = Progress {
        position: Some(SavedPosition {
            lesson: "a".into(),
            bite: 9,
            scroll: 40,
            exercise: None,
        }),
        ..Progress::default()
    };
    let h = Harness::open(pack(0.8), progress, &OpenOptions::default());
    assert_eq!(h.at(), ("a", 3));
    assert_eq!(
        h.session.scroll(),
        0,
        "the scroll belonged to a bite that is gone"
    );

    let gone = Progress {
        position: Some(SavedPosition {
            lesson: "removed".into(),
            bite: 2,
            scroll: 0,
            exercise: None,
        }),
        ..Progress::default()
    };
    assert_eq!(
        Harness::open(pack(0.8), gone, &OpenOptions::default()).at(),
        ("a", 1)
    );
}

#[test]
fn a_finished_course_resumes_at_its_first_unmastered_lesson() {
    let mut h = Harness::new();
    let _ = play_lesson_a(&mut h, true, 1); // not mastered
    assert_eq!(h.advance(), Advance::NextLesson);
    let _ = h.advance();
    let _ = h.answer(Response::Text("hi".into()));
    assert!(matches!(h.advance(), Advance::LessonDone(s) if s.mastered));
    assert_eq!(h.advance(), Advance::CourseDone);
    assert_eq!(h.session.stage(), &Stage::CourseDone);
    assert_eq!(h.advance(), Advance::CourseDone);
    let mut again = h.reopen(&OpenOptions::default());
    assert_eq!(again.at(), ("a", 1));
    // Once the learner has moved on from the end, the saved place wins again.
    let _ = again.advance();
    assert_eq!(again.reopen(&OpenOptions::default()).at(), ("a", 2));
}

#[test]
fn lesson_and_restart_options_override_the_saved_position() {
    let mut h = Harness::new();
    let _ = h.advance();
    assert_eq!(
        h.reopen(&OpenOptions {
            lesson: Some("b".into()),
            restart: false,
            bite: None,
        })
        .at(),
        ("b", 1)
    );
    assert_eq!(
        h.reopen(&OpenOptions {
            lesson: None,
            restart: true,
            bite: None,
        })
        .at(),
        ("a", 1)
    );
    let err = Session::open(
        h.session.pack().clone(),
        Progress::default(),
        std::rc::Rc::new(ManualClock::at(T0)),
        &OpenOptions {
            lesson: Some("zzz".into()),
            restart: false,
            bite: None,
        },
        &mut MemoryJournal::default(),
    );
    assert!(matches!(err, Err(OpenError::NoSuchLesson(id)) if id == "zzz"));
}

#[test]
fn back_goes_to_text_then_previous_bites_and_lessons() {
    let mut h = Harness::open(
        pack(0.8),
        Progress::default(),
        &OpenOptions {
            lesson: Some("b".into()),
            restart: false,
            bite: None,
        },
    );
    assert_eq!(h.advance(), Advance::Exercise);
    assert_eq!(h.session.back(&mut h.journal).unwrap(), Back::ToText);
    assert_eq!(
        h.session.back(&mut h.journal).unwrap(),
        Back::PreviousLesson
    );
    assert_eq!(h.at(), ("a", 3));
    assert_eq!(h.session.back(&mut h.journal).unwrap(), Back::PreviousBite);
    assert_eq!(h.session.back(&mut h.journal).unwrap(), Back::PreviousBite);
    assert_eq!(h.session.back(&mut h.journal).unwrap(), Back::AtStart);
    assert_eq!(h.at(), ("a", 1));
}

#[test]
fn paused_time_is_not_time_on_task() {
    let mut h = Harness::new();
    h.clock.advance_secs(10);
    let _ = h.advance();
    h.clock.advance_secs(10);
    h.session.pause(&mut h.journal).unwrap();
    assert!(h.session.is_paused());
    h.clock.advance_secs(600);
    h.session.resume(&mut h.journal).unwrap();
    h.clock.advance_secs(5);
    let _ = h.advance();
    h.clock.advance_secs(5);
    h.session.close(&mut h.journal).unwrap();
    assert_eq!(h.active_secs(), 30);
}

#[test]
fn an_idle_pause_ends_the_span_at_the_last_action() {
    let mut h = Harness::new();
    h.clock.advance_secs(20);
    let _ = h.advance();
    h.clock.advance_secs(300);
    h.session.pause_idle(&mut h.journal).unwrap();
    h.clock.advance_secs(1000);
    h.session.close(&mut h.journal).unwrap();
    assert_eq!(h.active_secs(), 20);
}

#[test]
fn a_key_while_paused_resumes_the_clock() {
    let mut h = Harness::new();
    h.session.pause(&mut h.journal).unwrap();
    h.clock.advance_secs(100);
    let _ = h.advance();
    assert!(!h.session.is_paused());
    h.clock.advance_secs(7);
    h.session.close(&mut h.journal).unwrap();
    assert_eq!(h.active_secs(), 7);
}

#[test]
fn time_is_split_by_lesson() {
    let mut h = Harness::new();
    h.clock.advance_secs(30);
    let _ = play_lesson_a(&mut h, true, 0);
    let _ = h.advance(); // to lesson b
    h.clock.advance_secs(12);
    h.session.close(&mut h.journal).unwrap();
    let mut by_lesson: BTreeMap<&str, i64> = BTreeMap::new();
    let mut latest: BTreeMap<i64, (&str, i64)> = BTreeMap::new();
    for r in &h.journal.records {
        if let Record::Active {
            lesson_id,
            started_at,
            ended_at,
            ..
        } = r
        {
            latest.insert(*started_at, (lesson_id.as_str(), *ended_at));
        }
    }
    for (start, (lesson, end)) in latest {
        *by_lesson.entry(lesson).or_default() += (end - start) / 1000;
    }
    assert_eq!(by_lesson, BTreeMap::from([("a", 30), ("b", 12)]));
}

#[test]
fn order_items_are_never_shown_in_the_right_order() {
    let kind = QuestionKind::Order {
        items: vec!["a".into(), "b".into()],
    };
    let mut rng = fastrand::Rng::with_seed(1);
    for _ in 0..50 {
        assert_eq!(shown_order(&kind, &mut rng, None), [1, 0]);
        assert_eq!(shown_order(&kind, &mut rng, Some(&[1, 0])), [1, 0]);
    }
}

#[test]
fn course_standing_follows_events() {
    let mut h = Harness::new();
    assert_eq!(h.session.course_standing(), (0, 0));
    let _ = play_lesson_a(&mut h, true, 1);
    assert_eq!(
        h.session.course_standing(),
        (1, 0),
        "complete, not mastered"
    );
    let _ = h.session.retry_missed(&mut h.journal).unwrap();
    let _ = h.answer(Response::Choices(vec![0]));
    let _ = h.advance();
    assert_eq!(
        h.session.course_standing(),
        (1, 0),
        "a retry in the same sitting is practice"
    );
    // A reopen computes the same from the saved progress.
    assert_eq!(
        h.reopen(&OpenOptions::default()).session.course_standing(),
        (1, 0)
    );
}

/// A journal that refuses every write, as a full disk would.
struct FailingJournal;

impl Journal for FailingJournal {
    type Error = &'static str;
    fn record(&mut self, _: &[Record]) -> Result<(), Self::Error> {
        Err("disk full")
    }
}

#[test]
fn a_move_that_cannot_be_saved_does_not_happen() {
    let mut h = Harness::new();
    assert_eq!(h.session.advance(&mut FailingJournal), Err("disk full"));
    assert_eq!(h.at(), ("a", 1), "still on the first bite");
    assert_eq!(
        h.session.scroll_to(5, &mut FailingJournal),
        Err("disk full")
    );
    assert_eq!(h.session.scroll(), 0);
    let _ = (h.advance(), h.advance());
    assert!(
        h.session
            .answer(&Response::Bool(true), &mut FailingJournal)
            .is_err()
    );
    assert!(
        !h.session.progress().questions.contains_key("q1"),
        "an unsaved answer is not progress"
    );
    assert!(
        h.session.exercise().unwrap().1.verdict.is_none(),
        "and the question still waits"
    );
}

/// Everything a move may change, to compare before and after.
fn snapshot(s: &Session) -> (Stage, usize, usize, u16, Progress, Option<Pause>, bool) {
    (
        s.stage().clone(),
        s.lesson_index(),
        s.bite().number,
        s.scroll(),
        s.progress().clone(),
        s.paused(),
        s.in_retry(),
    )
}

/// Runs `the_move` against a journal that refuses every write: the move must fail and leave the session as it was.
fn refused<T: std::fmt::Debug>(
    h: &mut Harness,
    what: &str,
    the_move: impl FnOnce(&mut Session, &mut FailingJournal) -> Result<T, &'static str>,
) {
    let before = snapshot(&h.session);
    let result = the_move(&mut h.session, &mut FailingJournal);
    assert_eq!(
        result.map(|_| ()),
        Err("disk full"),
        "{what}: the journal's error is returned"
    );
    assert_eq!(
        snapshot(&h.session),
        before,
        "{what}: nothing moved, since nothing was saved"
    );
}

#[test]
fn every_move_that_cannot_be_saved_leaves_the_session_as_it_was() {
    let mut h = Harness::new();
    refused(&mut h, "advance to the next bite", |s, j| s.advance(j));
    let _ = h.advance();
    refused(&mut h, "advance to an exercise", |s, j| s.advance(j));
    refused(&mut h, "back to the previous bite", |s, j| s.back(j));
    refused(&mut h, "scroll", |s, j| s.scroll_to(3, j));
    let _ = h.advance();
    refused(&mut h, "answer", |s, j| s.answer(&Response::Bool(false), j));
    refused(&mut h, "skip", |s, j| s.skip(j));
    let _ = h.answer(Response::Bool(false));
    refused(&mut h, "advance to the next exercise", |s, j| s.advance(j));
    let _ = h.advance();
    assert!(h.session.reveal());
    refused(&mut h, "rate", |s, j| s.rate(Rating::Good, j));
    h.session.rate(Rating::Good, &mut h.journal).unwrap();
    let _ = (h.advance(), h.advance());
    let _ = h.answer(Response::Choices(vec![1]));
    refused(&mut h, "advance to the lesson's summary", |s, j| {
        s.advance(j)
    });
    assert!(matches!(h.advance(), Advance::LessonDone(_)));
    refused(&mut h, "retry the missed questions", |s, j| {
        s.retry_missed(j)
    });
    refused(&mut h, "advance to the next lesson", |s, j| s.advance(j));
    refused(&mut h, "pause", |s, j| s.pause(j));
    refused(&mut h, "pause when idle", |s, j| s.pause_idle(j));
    refused(&mut h, "close", |s, j| s.close(j));
    h.session.pause(&mut h.journal).unwrap();
    refused(&mut h, "resume", |s, j| s.resume(j));
    refused(&mut h, "advance while paused", |s, j| s.advance(j));
    h.session.resume(&mut h.journal).unwrap();
    assert_eq!(h.advance(), Advance::NextLesson);
    refused(&mut h, "back to the previous lesson", |s, j| s.back(j));
    let _ = h.advance();
    let _ = h.answer(Response::Text("hi".into()));
    let _ = h.advance();
    refused(&mut h, "finish the course", |s, j| s.advance(j));
    assert_eq!(h.advance(), Advance::CourseDone);
    assert!(
        h.saved().finished && h.session.progress().finished,
        "what was saved is what the session holds"
    );
}

#[test]
fn the_session_holds_what_a_reopen_would_load() {
    let mut h = Harness::new();
    let _ = play_lesson_a(&mut h, false, 1);
    let _ = h.session.retry_missed(&mut h.journal).unwrap();
    let _ = h.answer(Response::Bool(true));
    assert_eq!(h.session.progress(), &h.saved());
}

/// Lesson `p`: a text bite; a bite with only q1 in it; a bite with only card c1; a text bite.
fn pack_without_prose() -> Pack {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "course.toml", "id = \"p\"\ntitle = \"P\"\n");
    write(
        dir.path(),
        "p.md",
        &format!("+++\nid = \"p\"\n+++\nOne.\n\n---\n\n{TF}\n---\n\n{CARD}\n---\n\nFour.\n"),
    );
    crate::pack::load(dir.path())
        .into_pack()
        .map_err(|r| r.diagnostics)
        .unwrap()
}

fn showing(h: &Harness) -> Option<String> {
    h.session.exercise().map(|(e, _)| match e {
        Exercise::Question(q) => q.id.clone(),
        Exercise::Card(c) => c.id.clone(),
    })
}

#[test]
fn a_bite_without_text_opens_at_its_exercise() {
    let mut h = Harness::open(
        pack_without_prose(),
        Progress::default(),
        &OpenOptions::default(),
    );
    assert_eq!(h.advance(), Advance::NextBite);
    assert_eq!(h.at(), ("p", 2));
    assert_eq!(
        showing(&h).as_deref(),
        Some("q1"),
        "no empty page before the question"
    );
    // Back from the question goes to the bite before, not to an empty page.
    assert_eq!(h.session.back(&mut h.journal).unwrap(), Back::PreviousBite);
    assert_eq!((h.at(), h.session.stage()), (("p", 1), &Stage::Reading));
    let _ = h.advance();
    // Resuming on it opens at the question too.
    let again = h.reopen(&OpenOptions::default());
    assert_eq!(again.at(), ("p", 2));
    assert_eq!(showing(&again).as_deref(), Some("q1"));

    let _ = h.answer(Response::Bool(true));
    assert_eq!(h.advance(), Advance::NextBite);
    assert_eq!((h.at(), showing(&h).as_deref()), (("p", 3), Some("c1")));
    h.session.reveal();
    h.session.rate(Rating::Hard, &mut h.journal).unwrap();
    assert_eq!(h.advance(), Advance::NextBite);
    assert_eq!((h.at(), h.session.stage()), (("p", 4), &Stage::Reading));
    // Going back, bites without text whose exercises are done are passed over.
    assert_eq!(h.session.back(&mut h.journal).unwrap(), Back::PreviousBite);
    assert_eq!((h.at(), h.session.stage()), (("p", 1), &Stage::Reading));
    // And so on resume: a saved place on one of them opens at what comes next.
    let progress = Progress {
        position: Some(SavedPosition {
            lesson: "p".into(),
            bite: 3,
            scroll: 0,
            exercise: None,
        }),
        ..h.saved()
    };
    let again = Harness::open(h.session.pack().clone(), progress, &OpenOptions::default());
    assert_eq!(
        (again.at(), again.session.stage()),
        (("p", 4), &Stage::Reading)
    );
}

#[test]
fn a_rating_is_recorded_as_given() {
    let mut h = Harness::open(
        pack_without_prose(),
        Progress::default(),
        &OpenOptions::default(),
    );
    let _ = h.advance();
    let _ = h.session.skip(&mut h.journal).unwrap();
    let _ = h.advance();
    assert!(h.session.reveal());
    assert!(h.session.rate(Rating::Easy, &mut h.journal).unwrap());
    assert!(
        h.session
            .exercise()
            .unwrap()
            .1
            .verdict
            .as_ref()
            .unwrap()
            .correct
    );
    let ratings: Vec<_> = h
        .journal
        .records
        .iter()
        .filter_map(|r| match r {
            Record::CardRated { rating, .. } => Some(*rating),
            _ => None,
        })
        .collect();
    assert_eq!(ratings, [Rating::Easy]);
    assert!(!Rating::Again.remembered() && Rating::Good.remembered());
    assert_eq!(Rating::from_number(0), None);
    assert_eq!(Rating::from_number(5), None);
    assert!(
        Rating::ALL
            .iter()
            .all(|&r| Rating::from_number(r.number()) == Some(r))
    );
}

const PICK_ALL: &str = "```quiz\nid = \"q9\"\nkind = \"choice\"\nprompt = \"Which are even?\"\nshuffle = true\nchoices = [\n  { text = \"two\", correct = true, feedback = \"Two is even.\" },\n  { text = \"three\", feedback = \"Three is odd.\" },\n  { text = \"four\", correct = true },\n  { text = \"five\" },\n]\nexplain = \"E\"\n```\n";

fn pick_all_pack() -> Pack {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "course.toml", "id = \"k\"\ntitle = \"K\"\n");
    write(
        dir.path(),
        "k.md",
        &format!("+++\nid = \"k\"\n+++\nNumbers.\n\n{PICK_ALL}"),
    );
    crate::pack::load(dir.path())
        .into_pack()
        .map_err(|r| r.diagnostics)
        .unwrap()
}

#[test]
fn a_wrong_pick_all_answer_states_every_choice_it_concerns() {
    let mut h = Harness::open(
        pick_all_pack(),
        Progress::default(),
        &OpenOptions::default(),
    );
    assert_eq!(h.advance(), Advance::Exercise);
    let shown = h.session.exercise().unwrap().1.shown.clone();
    let number = |index: usize| shown.iter().position(|&i| i == index).unwrap() + 1;
    // "two" (right) and "three" (wrong) picked; "four" missed.
    let v = h.answer(Response::Choices(vec![0, 1]));
    assert!(!v.correct);
    let feedback: Vec<_> = v
        .feedback
        .iter()
        .map(|f| (f.choice.number, f.choice.text.as_str(), f.text.as_str()))
        .collect();
    let mut expected = vec![
        (number(0), "two", "Two is even."),
        (number(1), "three", "Three is odd."),
    ];
    expected.sort();
    assert_eq!(feedback, expected, "each feedback with its choice");
    let missed: Vec<_> = v
        .missed
        .iter()
        .map(|c| (c.number, c.text.as_str()))
        .collect();
    assert_eq!(missed, [(number(2), "four")]);
    let Some(Stated::Choices(right)) = &v.right else {
        panic!("the right choices are stated: {v:?}")
    };
    let mut right: Vec<_> = right.iter().map(|c| c.text.as_str()).collect();
    right.sort();
    assert_eq!(right, ["four", "two"]);
    let Some(Stated::Choices(given)) = &v.given else {
        panic!("the learner's choices are kept: {v:?}")
    };
    assert_eq!(given.len(), 2);
}

#[test]
fn trying_again_shows_shuffled_choices_in_a_new_order() {
    let mut h = Harness::open(
        pick_all_pack(),
        Progress::default(),
        &OpenOptions::default(),
    );
    let _ = h.advance();
    for _ in 0..5 {
        let before = h.session.exercise().unwrap().1.shown.clone();
        let _ = h.answer(Response::Choices(vec![1]));
        assert!(h.session.try_again());
        let after = &h.session.exercise().unwrap().1.shown;
        assert_ne!(
            after, &before,
            "the same order would let the position be remembered"
        );
        let mut sorted = after.clone();
        sorted.sort();
        assert_eq!(sorted, [0, 1, 2, 3]);
    }
}

#[test]
fn an_idle_pause_says_it_was_not_asked_for() {
    let mut h = Harness::new();
    assert_eq!(h.session.paused(), None);
    h.session.pause_idle(&mut h.journal).unwrap();
    assert_eq!(h.session.paused(), Some(Pause::Idle));
    h.session.resume(&mut h.journal).unwrap();
    h.session.pause(&mut h.journal).unwrap();
    assert_eq!(h.session.paused(), Some(Pause::Asked));
    assert!(h.session.is_paused());
}

#[test]
fn opening_a_course_that_cannot_be_saved_fails() {
    let opened = Session::open(
        pack(0.8),
        Progress::default(),
        std::rc::Rc::new(ManualClock::at(T0)),
        &OpenOptions::default(),
        &mut FailingJournal,
    );
    assert!(matches!(opened, Err(OpenError::Journal("disk full"))));
}

/// The review records of a journal: (item, rating, kind, graded).
fn reviews(h: &Harness) -> Vec<(String, Rating, ReviewKind, bool)> {
    h.journal
        .records
        .iter()
        .filter_map(|r| match r {
            Record::Reviewed(r) => Some((
                r.item_id.clone(),
                r.rating,
                r.review_kind,
                r.state.is_some(),
            )),
            _ => None,
        })
        .collect()
}

#[test]
fn the_first_attempt_in_a_sitting_is_graded_and_later_ones_are_practice() {
    let mut h = Harness::new();
    let _ = play_lesson_a(&mut h, false, 1);
    let first = reviews(&h);
    assert_eq!(
        first
            .iter()
            .map(|(id, r, k, g)| (id.as_str(), *r, *k, *g))
            .collect::<Vec<_>>(),
        [
            ("q1", Rating::Again, ReviewKind::Learn, true),
            ("c1", Rating::Easy, ReviewKind::Learn, true),
            ("q2", Rating::Again, ReviewKind::Learn, true),
        ],
        "a wrong answer is Again; a card's rating is its grade"
    );
    // Retrying the missed questions in the same sitting: practice, the schedule unchanged.
    let before = h.session.progress().items.clone();
    assert!(h.session.retry_missed(&mut h.journal).unwrap());
    let _ = h.answer(Response::Bool(true));
    let practice = reviews(&h);
    assert_eq!(
        practice
            .last()
            .map(|(id, r, k, g)| (id.as_str(), *r, *k, *g)),
        Some(("q1", Rating::Good, ReviewKind::Practice, false))
    );
    assert_eq!(h.session.progress().items, before);
    // Items enter the schedule with a due date from FSRS: Again on a new item is back tomorrow.
    assert_eq!(before["q1"].due_at, T0 + schedule::DAY_MS);
}

#[test]
fn right_after_the_hint_is_hard() {
    let mut h = Harness::new();
    let _ = (h.advance(), h.advance());
    assert_eq!(h.session.hint().as_deref(), Some("It is."));
    let _ = h.answer(Response::Bool(true));
    assert_eq!(
        reviews(&h)
            .first()
            .map(|(id, r, k, g)| (id.as_str(), *r, *k, *g)),
        Some(("q1", Rating::Hard, ReviewKind::Learn, true))
    );
}

#[test]
fn a_scheduled_review_answered_right_makes_a_missed_question_known() {
    let mut h = Harness::new();
    let status = play_lesson_a(&mut h, false, 0);
    assert!(!status.mastered, "q1 was missed: 1 of 2");
    let mut progress = h.saved();
    let state = progress.items["q1"];
    progress.apply(&Record::Reviewed(ReviewRecord {
        course_id: "c".into(),
        lesson_id: "a".into(),
        item_id: "q1".into(),
        kind: schedule::ItemKind::Question,
        rating: Rating::Good,
        response: String::new(),
        review_kind: ReviewKind::Scheduled,
        at: state.due_at,
        utc_offset_min: 0,
        duration_ms: 1000,
        content_hash: String::new(),
        state_before: 3,
        state: Some(Scheduler::default().next(Some(&state), Rating::Good, state.due_at)),
    }));
    let lesson = &h.session.pack().lessons[0];
    let status = progress.lesson_status(lesson, 0.8);
    assert!(status.mastered, "{status:?}");
    assert_eq!(status.known_count, 2);
    assert_eq!(status.first_try_right, 1, "a review is not a first try");
}
