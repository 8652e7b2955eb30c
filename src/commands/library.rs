//! `morsel` with no command: the full screen at the library of the courses on the course path.

use std::process::ExitCode;

use super::Global;
use crate::store::Store;

pub(crate) fn run(global: &Global) -> anyhow::Result<ExitCode> {
    let settings = global.settings()?;
    let store = Store::open(&settings.paths.db)?;
    super::play::full_screen(crate::tui::Start::Library, settings, store)
}
