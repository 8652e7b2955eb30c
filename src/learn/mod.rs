//! The learning domain, pure: no terminal, no database, no command. The playing session and what it records, the
//! learner's progress, grading, spaced-review scheduling and review sittings, the time-box planner, objectives and
//! key results, the daily goal and streak, and the injected clock they all read.

pub mod clock;
pub mod grade;
pub mod journal;
pub(crate) mod outcomes;
pub mod plan;
pub mod progress;
pub mod schedule;
pub mod session;
pub mod sitting;
pub(crate) mod streak;
pub(crate) mod timebox;
