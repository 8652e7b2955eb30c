//! morsel: a terminal micro-course player. The library behind the `morsel` binary.

pub mod bundled;
pub mod cli;
pub mod clock;
pub mod commands;
pub mod config;
pub mod grade;
pub mod import;
pub mod journal;
pub mod outcomes;
pub mod overview;
pub mod pack;
pub mod paths;
pub mod plain;
pub mod plan;
pub mod progress;
pub mod render;
pub mod review;
pub mod reviewing;
pub mod session;
pub mod store;
pub mod streak;
pub mod summary;
pub mod synth;
pub mod tui;
pub mod watch;
pub mod xapi;
