//! The commands that print and exit, each writing to a `Write` so that tests and pipes behave the same.

pub mod check;
pub mod export;
pub mod feedback;
pub mod import;
pub mod list;
pub mod new;
pub mod notes;
pub mod optimize;
pub mod plan;
pub mod print;
pub mod stats;
pub mod status;
pub mod xapi;

/// Review histories written through SQL, shared with the end-to-end tests.
#[cfg(test)]
#[path = "../../tests/cli/history.rs"]
pub(crate) mod history;

use std::io::{self, Write};

use serde::Serialize;

/// Writes `doc` as one pretty JSON document and a newline: the one JSON writer of `check`, `list` and `stats`.
/// serde_json escapes C0 controls but writes DEL and the C1 controls (U+0080..=U+009F, which some terminals obey
/// like ESC: U+009B is CSI) as they are; these are escaped too (`\u009b`). Outside its strings JSON is ASCII, so
/// every such character stands in a string.
/// The error of a command asked about a course that has no progress in the database at `db`.
pub fn no_progress_saved(id: &str, db: &std::path::Path) -> anyhow::Error {
    anyhow::anyhow!(
        "no progress saved for course `{}` in {}",
        crate::render::sanitize(id),
        crate::render::sanitize(&db.display().to_string())
    )
}

/// [`no_progress_saved`] when `course` is asked for and `store` (none when there is no database yet) has no
/// progress for it.
pub fn require_played(
    store: Option<&crate::store::Store>,
    course: Option<&str>,
    db: &std::path::Path,
) -> anyhow::Result<()> {
    match course {
        Some(id) if store.map(|s| s.course(id)).transpose()?.flatten().is_none() => {
            Err(no_progress_saved(id, db))
        }
        _ => Ok(()),
    }
}

pub fn write_json(doc: &impl Serialize, out: &mut dyn Write) -> io::Result<()> {
    let text = serde_json::to_string_pretty(doc)?;
    let mut escaped = String::with_capacity(text.len());
    for c in text.chars() {
        match u32::from(c) {
            code @ 0x7F..=0x9F => escaped.push_str(&format!("\\u{code:04x}")),
            _ => escaped.push(c),
        }
    }
    out.write_all(escaped.as_bytes())?;
    writeln!(out)
}

pub use crate::render::plural;

/// Minutes, rounded, from seconds.
pub fn minutes(seconds: i64) -> i64 {
    (seconds + 30) / 60
}
