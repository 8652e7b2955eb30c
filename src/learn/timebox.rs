//! A time box under way ("I have N minutes"): the plan it holds, the active time it has used (pauses and idle gaps
//! do not count), what was done in it, and the notice at 80%. Pure: the front ends feed it keys with their times.

use std::collections::BTreeSet;

use crate::learn::plan::{Plan, Step};
use crate::learn::session::Session;
use crate::learn::sitting::comes_back;
use crate::pack::Pack;
use crate::text::words::{duration, plural};

/// A time-boxed session under way.
#[derive(Debug, Clone)]
pub struct Timebox {
    pub(crate) plan: Plan,
    /// Review and missed-question steps, as (course id, item id), in plan order.
    pub(crate) reviews: Vec<(String, String)>,
    /// The course whose bites are planned, and the last planned bite (lesson id, bite number).
    pub(crate) last_bite: Option<(String, String, usize)>,
    /// Active time used, in ms.
    pub used_ms: i64,
    /// The last key counted, while the clock runs.
    last_key: Option<i64>,
    /// What was done: reviews answered or rated, bites read.
    pub(crate) reviewed: usize,
    pub(crate) bites_read: usize,
    /// Where the player was at the last key (lesson index, bite number): a box whose time is up ends at the next
    /// bite rather than in the middle of one.
    pub(crate) place: Option<(usize, usize)>,
    /// The bites the player showed in this box (lesson index, bite number): the bites read.
    pub(crate) shown: BTreeSet<(usize, usize)>,
    /// The learner asked to move on from a bite once the box was over: it ends there, the next bite unshown.
    pub(crate) ended: bool,
}

impl Timebox {
    /// The courses the box plans work from (its reviews' and its bites'), each once, in plan order.
    pub(crate) fn courses(&self) -> Vec<&str> {
        let mut courses: Vec<&str> = Vec::new();
        let reviews = self.reviews.iter().map(|(course, _)| course.as_str());
        for course in reviews.chain(self.last_bite.iter().map(|b| b.0.as_str())) {
            if !courses.contains(&course) {
                courses.push(course);
            }
        }
        courses
    }

    pub(crate) fn new(plan: Plan, now: i64) -> Self {
        let reviews = plan
            .items
            .iter()
            .filter_map(|p| match &p.step {
                Step::Review(i) | Step::Missed(i) => Some((i.course.clone(), i.item.clone())),
                Step::Bite(_) => None,
            })
            .collect();
        let last_bite = plan.items.iter().rev().find_map(|p| match &p.step {
            Step::Bite(b) => Some((b.course.clone(), b.lesson.clone(), b.bite)),
            _ => None,
        });
        Self {
            plan,
            reviews,
            last_bite,
            used_ms: 0,
            last_key: Some(now),
            reviewed: 0,
            bites_read: 0,
            place: None,
            shown: BTreeSet::new(),
            ended: false,
        }
    }

    /// A key at `now`: the time since the last key counts as active if the clock was running and the gap is
    /// shorter than `idle_ms` (the learner was not away). `running`: whether the clock runs after this key (false
    /// once paused); a stopped clock starts again at the next key that finds it running.
    pub(crate) fn key(&mut self, now: i64, running: bool, idle_ms: i64) {
        if let Some(last) = self.last_key {
            let gap = (now - last).max(0);
            if idle_ms <= 0 || gap < idle_ms {
                self.used_ms += gap;
            }
        }
        self.last_key = running.then_some(now);
    }

    /// Whether the box is over at a key at `now` (the time since the last key counted as `key` counts it).
    pub(crate) fn is_up(&self, now: i64, idle_ms: i64) -> bool {
        let gap = self.last_key.map_or(0, |last| (now - last).max(0));
        let counted = if idle_ms <= 0 || gap < idle_ms {
            gap
        } else {
            0
        };
        self.used_ms + counted >= self.box_ms()
    }

    /// Whether a move from the bite on screen (`advance` if `forward`, else `back`) ends the box instead: the box
    /// is over, or its last planned bite is read, and the move would show another bite. The move is then not made,
    /// so no bite is recorded as seen that the box never showed.
    pub(crate) fn ends_before(
        &self,
        session: &Session,
        forward: bool,
        now: i64,
        idle_ms: i64,
    ) -> bool {
        if !session.leaves_bite(forward) {
            return false;
        }
        let last_read = self
            .last_bite
            .as_ref()
            .is_some_and(|(course, lesson, bite)| {
                let here = (session.lesson_index(), session.bite().number);
                let planned = session.pack().lessons.iter().position(|l| &l.id == lesson);
                forward
                    && course == &session.pack().course.id
                    && planned.is_some_and(|l| here >= (l, *bite))
            });
        last_read || self.is_up(now, idle_ms)
    }

    pub(crate) fn box_ms(&self) -> i64 {
        i64::from(self.plan.box_seconds()) * 1000
    }

    /// At 80% of the box or more.
    pub(crate) fn nearly_done(&self) -> bool {
        self.used_ms * 5 >= self.box_ms() * 4
    }

    /// The notice at 80%: how much is used, and that the next stop is the end.
    pub(crate) fn note(&self) -> Option<String> {
        self.nearly_done().then(|| {
            format!(
                "{} of {} min used: this is the last of the box",
                crate::learn::streak::whole_minutes(self.used_ms),
                self.plan.minutes
            )
        })
    }
}

impl Timebox {
    /// The "N of M min" cue, shown while the box runs.
    pub(crate) fn cue(&self) -> String {
        format!(
            "{} of {} min",
            crate::learn::streak::whole_minutes(self.used_ms),
            self.plan.minutes
        )
    }

    /// Whether a box reading bites is over with the learner at `here` (lesson index, bite number) of `pack`: past
    /// its last planned bite, or its time up and a new bite begun (never in the middle of one), or ended by the
    /// player before a move to another bite (`ended`). A front end that goes on adds `here` to `shown`.
    pub(crate) fn over_at(&mut self, pack: &Pack, here: (usize, usize), course_done: bool) -> bool {
        let Some((_, lesson, bite)) = &self.last_bite else {
            return false;
        };
        let planned = pack.lessons.iter().position(|l| &l.id == lesson);
        let past = course_done || planned.is_some_and(|l| here > (l, *bite));
        let moved = self.place.is_some_and(|before| before != here);
        let time_up = self.used_ms >= self.box_ms() && moved;
        self.place = Some(here);
        past || time_up || self.ended
    }

    /// The heading of the box's end: `10 minutes: done`.
    pub(crate) fn done_heading(&self) -> String {
        format!("{}: done", plural(self.plan.minutes as usize, "minute"))
    }

    /// The box's end in words: time used against the box and the plan, and what was done.
    pub(crate) fn done_lines(&self) -> [String; 2] {
        [
            format!(
                "Time used: {} of {} min (planned {}).",
                crate::learn::streak::whole_minutes(self.used_ms),
                self.plan.minutes,
                duration(self.plan.estimate_seconds)
            ),
            format!(
                "Done: {}, {} read.",
                plural(self.reviewed, "review"),
                plural(self.bites_read, "bite")
            ),
        ]
    }
}

/// When the next review is due, after a box's end.
pub(crate) fn next_due_line(next_due: Option<i64>, now: i64) -> String {
    match next_due {
        Some(due) => format!(
            "Next review due {}.",
            comes_back(due, now).trim_start_matches("again ")
        ),
        None => "Nothing is scheduled for review yet.".to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plan(minutes: u32) -> Plan {
        Plan {
            minutes,
            items: Vec::new(),
            estimate_seconds: 0,
        }
    }

    #[test]
    fn paused_and_idle_time_never_count_against_the_box() {
        let mut tb = Timebox::new(plan(10), 0);
        tb.key(30_000, true, 300_000);
        assert_eq!(tb.used_ms, 30_000);
        // The key that pauses ends active time: the gap up to it counts, the pause does not.
        tb.key(60_000, false, 300_000);
        assert_eq!(tb.used_ms, 60_000);
        tb.key(600_000, true, 300_000);
        assert_eq!(tb.used_ms, 60_000);
        tb.key(620_000, true, 300_000);
        assert_eq!(tb.used_ms, 80_000);
        // Idle longer than the idle pause: not counted.
        tb.key(1_000_000, true, 300_000);
        assert_eq!(tb.used_ms, 80_000);
    }

    #[test]
    fn the_note_comes_at_eighty_percent() {
        let mut tb = Timebox::new(plan(10), 0);
        tb.key(7 * 60_000, true, 0);
        assert_eq!(tb.note(), None);
        tb.key(8 * 60_000, true, 0);
        assert_eq!(
            tb.note().as_deref(),
            Some("8 of 10 min used: this is the last of the box")
        );
    }
}
