//! morsel: a terminal micro-course player. The library behind the `morsel` binary.
//!
//! The folders are the layers, lowest first (ARCHITECTURE.md draws them; `tests/architecture.rs` keeps them so):
//! `text` (rules for any text), `pack` (the course format), `render` (Markdown for the terminal), `learn` (the
//! learning domain), `store` (SQLite), `import` and `export` (other formats), `app` (opening courses for every front
//! end), the front ends `tui` and `plain`, `commands` (one module per subcommand) and `cli` (dispatch).

#![warn(missing_docs)]

pub mod app;
pub mod cli;
pub mod commands;
pub mod export;
pub mod import;
pub mod learn;
pub mod pack;
pub mod plain;
pub mod render;
pub mod store;
pub mod text;
pub mod tui;
