//! One presentation of a lesson's and a course's standing, shared by the TUI's summary screens and `--plain`, so
//! that they say the same thing in the same words. Pure: pack data and progress in, typed values and text out.
//!
//! API:
//!
//! - [`LessonSummary::new`]`(lesson, status, pass_mark)` turns a [`LessonStatus`] into a value: the score and the
//!   pass mark as whole percentages, the [`Standing`] (mastered, complete but not mastered, not complete) and the
//!   missed questions, each by the first line of its prompt. Its parts as text: [`LessonSummary::heading`],
//!   [`LessonSummary::score_line`] (`None` for a lesson without questions), [`Standing::sentence`] and
//!   [`LessonSummary::missed_heading`]; [`LessonSummary::lines`] gives them all as plain lines, the missed prompts
//!   as `- text`.
//! - [`CourseSummary::new`]`(pack, (complete, mastered))` (the pair is `Session::course_standing`) does the same for
//!   the course's end: [`CourseSummary::lines`].
//! - [`KeyResultLine::from`]`(&outcomes::Change)` is one key result at a lesson's end or the course's, and
//!   [`KeyResultLine::line`] its text: `Branching fluency: mastery 40% → 60% (target 80%)`, the value alone when it
//!   did not move, `, met` in the brackets once the target is reached. [`lesson_key_results`] (the key results a
//!   lesson moved, from `outcomes::moved_by_lesson`) and [`course_key_results`] (every one, from
//!   `outcomes::standing`) give the heading and the lines, or nothing when there are none; the TUI draws the same
//!   lines (see `outcomes` for when to take the snapshots).
//! - [`percent`] is the one rounding rule for a score (down, so that a score below the pass mark never shows as
//!   reaching it) and [`pass_percent`] the one for a pass mark (to the nearest whole percent).
//!
//! Pack text in the typed values (a title, a prompt's line) is Markdown as the pack has it: render it with
//! `render::inline`, which also sanitises it. Every line from `lines()` and the `*_line` methods is plain text that
//! has been through the renderer or `text::sanitize` already.

use crate::learn::outcomes::Change;
use crate::learn::progress::LessonStatus;
use crate::pack::{Lesson, Measure, Pack};
use crate::render::{self, Styles};

/// `part` of `whole` as a whole percentage, rounded down (100 when `whole` is 0: nothing to get wrong).
pub(crate) fn percent(part: usize, whole: usize) -> u32 {
    if whole == 0 {
        return 100;
    }
    u32::try_from(part.min(whole) * 100 / whole).unwrap_or(100)
}

/// A pass mark (0 to 1) as a whole percentage, rounded to the nearest.
pub(crate) fn pass_percent(pass_mark: f64) -> u32 {
    (pass_mark.clamp(0.0, 1.0) * 100.0).round() as u32
}

/// Where a lesson stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Standing {
    /// Complete, the share of questions known reaches the pass mark, and every card was recalled at its last
    /// rating.
    Mastered,
    /// Complete, below the pass mark.
    NotMastered,
    /// Some bites not seen or questions not answered.
    Incomplete,
}

impl Standing {
    pub(crate) fn of(status: &LessonStatus) -> Self {
        if status.mastered {
            Standing::Mastered
        } else if status.complete {
            Standing::NotMastered
        } else {
            Standing::Incomplete
        }
    }

    /// The standing in one sentence.
    pub(crate) fn sentence(self) -> &'static str {
        match self {
            Standing::Mastered => "Mastered.",
            Standing::NotMastered => {
                "Not mastered yet: missed questions come back for review on a later day (retrying now is practice)."
            }
            Standing::Incomplete => "Not complete yet: some bites or questions were left out.",
        }
    }
}

/// A question not right on the first try of its latest round (or not answered yet).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Missed {
    pub(crate) id: String,
    /// The first non-blank line of its prompt, Markdown as written.
    pub(crate) prompt: String,
}

/// A lesson's summary, as the end of a lesson shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct LessonSummary {
    /// The lesson's title, as the pack has it.
    pub(crate) title: String,
    pub(crate) questions: usize,
    /// Questions whose very first attempt was right.
    pub(crate) first_try_right: usize,
    /// Questions known, what mastery counts: right on the first try, or in a review on a later day.
    pub(crate) known: usize,
    /// Questions right only on the first attempt of a retry: practice, said as such, never as first try.
    pub(crate) right_on_retry: usize,
    /// The first-try score, in whole percent ([`percent`]).
    pub(crate) score: u32,
    /// The share of questions known, in whole percent ([`percent`]): what the pass mark is held against.
    pub(crate) known_score: u32,
    /// The course's pass mark, in whole percent ([`pass_percent`]).
    pub(crate) pass_mark: u32,
    /// Flashcards, and those recalled (Hard, Good or Easy) at their last rating: mastery needs every one.
    pub(crate) cards: usize,
    pub(crate) cards_recalled: usize,
    pub(crate) standing: Standing,
    /// In lesson order.
    pub(crate) missed: Vec<Missed>,
}

impl LessonSummary {
    pub(crate) fn new(lesson: &Lesson, status: &LessonStatus, pass_mark: f64) -> Self {
        let missed = status
            .missed
            .iter()
            .map(|id| {
                let prompt = lesson
                    .questions()
                    .find(|q| &q.id == id)
                    .and_then(|q| q.prompt.lines().find(|l| !l.trim().is_empty()))
                    .map_or_else(|| id.clone(), |line| line.trim().to_string());
                Missed {
                    id: id.clone(),
                    prompt,
                }
            })
            .collect();
        Self {
            title: lesson.title.clone(),
            questions: status.questions,
            first_try_right: status.first_try_right,
            known: status.known_count,
            right_on_retry: status.right_on_retry,
            score: percent(status.first_try_right, status.questions),
            known_score: percent(status.known_count, status.questions),
            pass_mark: pass_percent(pass_mark),
            cards: status.cards,
            cards_recalled: status.cards_recalled,
            standing: Standing::of(status),
            missed,
        }
    }

    /// `End of lesson: TITLE.`
    pub(crate) fn heading(&self) -> String {
        format!("End of lesson: {}.", text(&self.title))
    }

    /// `Right on the first try: 5 of 7 (71%). Pass mark: 80%.`; `None` for a lesson without questions. When
    /// reviews made more questions known than were right on the first try, the pass mark goes to the known line
    /// (`known_line`), the figure mastery holds against it.
    pub(crate) fn score_line(&self) -> Option<String> {
        (self.questions > 0).then(|| {
            let first = format!(
                "Right on the first try: {} of {} ({}%).",
                self.first_try_right, self.questions, self.score
            );
            if self.known == self.first_try_right {
                format!("{first} Pass mark: {}%.", self.pass_mark)
            } else {
                first
            }
        })
    }

    /// `Known: 6 of 7 (85%), right the first time or in a review on a later day. Pass mark: 80%.`: mastery's
    /// figure; `None` when it is the first-try figure.
    pub(crate) fn known_line(&self) -> Option<String> {
        (self.questions > 0 && self.known != self.first_try_right).then(|| {
            format!(
                "Known: {} of {} ({}%), right the first time or in a review on a later day. Pass mark: {}%.",
                self.known, self.questions, self.known_score, self.pass_mark
            )
        })
    }

    /// The standing in one sentence, naming cards where they are what holds the lesson back.
    pub(crate) fn standing_line(&self) -> &'static str {
        match self.standing {
            Standing::NotMastered
                if self.cards_recalled < self.cards
                    && self.known * 100 >= self.questions * self.pass_mark as usize =>
            {
                "Not mastered yet: cards not recalled come back for review on a later day."
            }
            Standing::Incomplete if self.cards > 0 => {
                "Not complete yet: some bites, questions or cards were left out."
            }
            standing => standing.sentence(),
        }
    }

    /// `Cards recalled: 2 of 3.`: cards rated Hard, Good or Easy at their last rating (mastery needs all);
    /// `None` for a lesson without cards.
    pub(crate) fn cards_line(&self) -> Option<String> {
        (self.cards > 0)
            .then(|| format!("Cards recalled: {} of {}.", self.cards_recalled, self.cards))
    }

    /// `Right on retry: 3 of 3 (practice: a spaced review is what counts).`; `None` when no question was right
    /// only on a retry.
    pub(crate) fn retry_line(&self) -> Option<String> {
        (self.right_on_retry > 0).then(|| {
            format!(
                "Right on retry: {} of {} (practice: a review on another day is what counts).",
                self.right_on_retry, self.questions
            )
        })
    }

    /// `Missed 2:`, the line above the list of missed questions; `None` when none was missed.
    pub(crate) fn missed_heading(&self) -> Option<String> {
        (!self.missed.is_empty()).then(|| format!("Missed {}:", self.missed.len()))
    }

    /// The whole summary as plain lines: heading, score, standing, then the missed questions as `- prompt`.
    pub(crate) fn lines(&self) -> Vec<String> {
        let mut lines = vec![self.heading()];
        lines.extend(self.score_line());
        lines.extend(self.known_line());
        lines.extend(self.retry_line());
        lines.extend(self.cards_line());
        lines.push(self.standing_line().to_string());
        if let Some(heading) = self.missed_heading() {
            lines.push(heading);
            lines.extend(self.missed.iter().map(|m| format!("- {}", text(&m.prompt))));
        }
        lines
    }
}

/// A course's summary, as its end shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct CourseSummary {
    /// The course's title, as the pack has it.
    pub(crate) title: String,
    pub(crate) lessons: usize,
    pub(crate) complete: usize,
    pub(crate) mastered: usize,
}

impl CourseSummary {
    /// `standing` is `(complete, mastered)`, as `Session::course_standing` gives it.
    pub(crate) fn new(pack: &Pack, standing: (usize, usize)) -> Self {
        Self {
            title: pack.course.title.clone(),
            lessons: pack.lessons.len(),
            complete: standing.0,
            mastered: standing.1,
        }
    }

    /// `Course complete: TITLE.`, the counts, and what the next start does.
    pub(crate) fn lines(&self) -> Vec<String> {
        let n = self.lessons;
        vec![
            format!("Course complete: {}.", text(&self.title)),
            format!(
                "Lessons complete: {} of {n}. Mastered: {} of {n}.",
                self.complete, self.mastered
            ),
            if self.mastered < n {
                "Next time, morsel opens this course at its first lesson not yet mastered."
            } else {
                "Every lesson mastered. Well done."
            }
            .to_string(),
        ]
    }
}

/// A key result as a lesson's end or the course's summary shows it.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct KeyResultLine {
    /// The key result's text, as the pack has it.
    pub(crate) text: String,
    pub(crate) measure: Measure,
    pub(crate) before: Option<f64>,
    pub(crate) now: Option<f64>,
    pub(crate) target: f64,
    pub(crate) met: bool,
}

impl From<&Change> for KeyResultLine {
    fn from(change: &Change) -> Self {
        Self {
            text: change.key_result.text.clone(),
            measure: change.key_result.measure,
            before: change.before,
            now: change.now,
            target: change.key_result.target,
            met: change.met(),
        }
    }
}

impl KeyResultLine {
    /// A value of `measure`: a share as a whole percentage rounded down (as [`percent`]), minutes whole or, under
    /// ten, with one decimal when they have one; `none yet` for nothing measured.
    pub(crate) fn value(measure: Measure, value: Option<f64>) -> String {
        match value {
            None => "none yet".to_string(),
            Some(v) if measure.is_share() => {
                format!("{}%", (v.clamp(0.0, 1.0) * 100.0 + 1e-9).floor() as u32)
            }
            Some(v) if v < 10.0 && (v - v.round()).abs() >= 0.05 => format!("{v:.1} min"),
            Some(v) => format!("{v:.0} min"),
        }
    }

    /// `Branching fluency: mastery 40% → 60% (target 80%)`; the value alone when it did not move.
    pub(crate) fn line(&self) -> String {
        let now = Self::value(self.measure, self.now);
        let before = Self::value(self.measure, self.before);
        let values = if before == now {
            now
        } else {
            format!("{before} → {now}")
        };
        format!(
            "{}: {} {values} (target {}{})",
            text(&self.text),
            self.measure.label(),
            Self::value(self.measure, Some(self.target)),
            if self.met { ", met" } else { "" }
        )
    }
}

fn key_result_lines(heading: &str, changes: &[Change]) -> Vec<String> {
    if changes.is_empty() {
        return Vec::new();
    }
    let mut lines = vec![heading.to_string()];
    lines.extend(
        changes
            .iter()
            .map(|c| format!("- {}", KeyResultLine::from(c).line())),
    );
    lines
}

/// `Key results this lesson moved:` and a `- ` line for each whose shown value moved (a few seconds of practice
/// do not make `0.0 min → 0.0 min`); nothing when it moved none.
pub(crate) fn lesson_key_results(changes: &[Change]) -> Vec<String> {
    let moved: Vec<Change> = changes
        .iter()
        .filter(|c| {
            let m = c.key_result.measure;
            KeyResultLine::value(m, c.before) != KeyResultLine::value(m, c.now)
        })
        .cloned()
        .collect();
    key_result_lines("Key results this lesson moved:", &moved)
}

/// `Key results:` and a `- ` line for each of the course's; nothing when it declares none.
pub(crate) fn course_key_results(changes: &[Change]) -> Vec<String> {
    key_result_lines("Key results:", changes)
}

/// Pack Markdown (a title, a prompt's line) as one line of plain text: markup rendered away, control characters
/// made visible.
fn text(markdown: &str) -> String {
    let styles = Styles::dark().without_color();
    render::inline(markdown, 1000, &styles)
        .iter()
        .map(|line| {
            line.spans
                .iter()
                .map(|s| s.content.as_ref())
                .collect::<String>()
        })
        .collect::<Vec<_>>()
        .join(" ")
        .trim()
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pack::{Bite, Exercise, Question, QuestionKind};

    fn lesson(prompts: &[&str]) -> Lesson {
        let exercises = prompts
            .iter()
            .enumerate()
            .map(|(i, p)| {
                Exercise::Question(Question {
                    id: format!("q{i}"),
                    prompt: p.to_string(),
                    kind: QuestionKind::TrueFalse { answer: true },
                    explain: None,
                    hint: None,
                    line: 1,
                })
            })
            .collect();
        Lesson {
            id: "l".into(),
            title: "Branches *are* pointers".into(),
            file: "l.md".into(),
            minutes: 1.0,
            bites: vec![Bite {
                number: 1,
                markdown: "Text.".into(),
                line: 1,
                words: 1,
                exercises,
            }],
        }
    }

    fn status(questions: usize, right: usize, complete: bool, missed: &[&str]) -> LessonStatus {
        LessonStatus {
            bites: 1,
            bites_seen: 1,
            questions,
            answered: questions,
            first_try_right: right,
            known_count: right,
            right_on_retry: 0,
            cards: 0,
            cards_rated: 0,
            cards_recalled: 0,
            complete,
            mastered: complete && (questions == 0 || right as f64 / questions as f64 >= 0.8),
            missed: missed.iter().map(|m| m.to_string()).collect(),
            known: Vec::new(),
        }
    }

    #[test]
    fn right_on_retry_is_said_as_practice_never_as_first_try() {
        let lesson = lesson(&["a", "b", "c"]);
        let mut st = status(3, 0, true, &[]);
        st.right_on_retry = 3;
        let s = LessonSummary::new(&lesson, &st, 0.8);
        let lines = s.lines().join("\n");
        assert!(
            lines.contains("Right on the first try: 0 of 3 (0%)"),
            "{lines}"
        );
        assert!(lines.contains("Right on retry: 3 of 3"), "{lines}");
        assert!(lines.contains("Not mastered yet"), "{lines}");
    }

    #[test]
    fn a_score_rounds_down_and_a_pass_mark_to_the_nearest() {
        assert_eq!(percent(2, 3), 66);
        assert_eq!(
            percent(199, 200),
            99,
            "never 100% unless every answer was right"
        );
        assert_eq!(percent(0, 0), 100);
        assert_eq!(pass_percent(0.29), 29, "0.29 × 100 is 28.999…");
        assert_eq!(pass_percent(0.8), 80);
    }

    #[test]
    fn an_incomplete_lesson_is_not_called_not_mastered() {
        let l = lesson(&["A?", "B?"]);
        let s = LessonSummary::new(&l, &status(2, 1, false, &["q1"]), 0.8);
        assert_eq!(s.standing, Standing::Incomplete);
        assert!(
            s.lines()
                .contains(&"Not complete yet: some bites or questions were left out.".to_string()),
            "{:?}",
            s.lines()
        );
        let s = LessonSummary::new(&l, &status(2, 1, true, &["q1"]), 0.8);
        assert_eq!(s.standing, Standing::NotMastered);
    }

    #[test]
    fn missed_questions_are_listed_by_their_prompts_first_line() {
        let l = lesson(&[
            "Which is `HEAD`?\n\n```\ncode\n```",
            "\n  Second \u{1b}[31mred?",
        ]);
        let s = LessonSummary::new(&l, &status(2, 0, true, &["q0", "q1"]), 0.8);
        assert_eq!(
            s.lines(),
            [
                "End of lesson: Branches are pointers.",
                "Right on the first try: 0 of 2 (0%). Pass mark: 80%.",
                "Not mastered yet: missed questions come back for review on a later day (retrying now is practice).",
                "Missed 2:",
                "- Which is HEAD?",
                "- Second ␛[31mred?",
            ]
        );
    }

    fn change(measure: Measure, target: f64, before: Option<f64>, now: Option<f64>) -> Change {
        Change {
            key_result: crate::pack::KeyResult {
                id: "k".into(),
                objective: "o".into(),
                text: "Branching *fluency*".into(),
                measure,
                target,
            },
            before,
            now,
        }
    }

    #[test]
    fn key_result_lines_say_before_now_and_target() {
        let moved = change(Measure::Mastery, 0.8, Some(0.4), Some(0.6));
        assert_eq!(
            KeyResultLine::from(&moved).line(),
            "Branching fluency: mastery 40% → 60% (target 80%)"
        );
        let met = change(Measure::Retention, 0.9, None, Some(0.95));
        assert_eq!(
            KeyResultLine::from(&met).line(),
            "Branching fluency: retention none yet → 95% (target 90%, met)"
        );
        let still = change(Measure::PracticeMinutes, 30.0, Some(12.0), Some(12.0));
        assert_eq!(
            KeyResultLine::from(&still).line(),
            "Branching fluency: practice 12 min (target 30 min)"
        );
        let short = change(Measure::ReviewsOnTime, 1.0, Some(0.5), Some(2.0 / 3.0));
        assert_eq!(
            KeyResultLine::from(&short).line(),
            "Branching fluency: reviews on time 50% → 66% (target 100%)"
        );
        assert_eq!(
            lesson_key_results(&[moved]),
            [
                "Key results this lesson moved:",
                "- Branching fluency: mastery 40% → 60% (target 80%)"
            ]
        );
        assert!(course_key_results(&[]).is_empty());
        let seconds = change(Measure::PracticeMinutes, 30.0, Some(0.0), Some(0.01));
        assert!(lesson_key_results(&[seconds]).is_empty());
        let few = change(Measure::PracticeMinutes, 5.0, Some(0.0), Some(2.5));
        assert_eq!(
            KeyResultLine::from(&few).line(),
            "Branching fluency: practice 0 min → 2.5 min (target 5 min)"
        );
    }

    #[test]
    fn a_lesson_without_questions_has_no_score_line() {
        let l = lesson(&[]);
        let s = LessonSummary::new(&l, &status(0, 0, true, &[]), 0.8);
        assert_eq!(s.score_line(), None);
        assert_eq!(
            s.lines(),
            ["End of lesson: Branches are pointers.", "Mastered."]
        );
    }
}
