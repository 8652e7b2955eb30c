//! morsel: a terminal micro-course player. The library behind the `morsel` binary.

pub mod check;
pub mod cli;
pub mod clock;
pub mod grade;
pub mod journal;
pub mod pack;
pub mod progress;
pub mod session;
pub mod synth;
