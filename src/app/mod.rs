//! The application layer, shared by every front end and command: where things live (`paths`), the config, the
//! bundled courses, finding and opening a course with the learner's progress (`overview`), the standing and summary
//! text every screen shows alike, and watching a pack for saves.

pub mod bundled;
pub mod config;
pub mod open;
pub mod overview;
pub mod paths;
pub mod plan;
pub mod stats;
pub mod summary;
pub mod takeover;
pub mod watch;
