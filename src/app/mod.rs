//! The application layer, shared by every front end and command: where things live (`paths`), the config, the
//! bundled courses, finding and opening a course with the learner's progress (`overview`), the standing and summary
//! text every screen shows alike, and watching a pack for saves.

pub(crate) mod bundled;
pub mod config;
pub(crate) mod open;
pub(crate) mod overview;
pub mod paths;
pub(crate) mod plan;
pub(crate) mod stats;
pub(crate) mod summary;
pub(crate) mod takeover;
pub mod watch;
