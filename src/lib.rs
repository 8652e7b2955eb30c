//! morsel: a terminal micro-course player. The library behind the `morsel` binary.

pub mod check;
pub mod cli;
pub mod pack;
pub mod synth;
