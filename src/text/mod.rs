//! Rules for any text, at the bottom of the house: every layer may use them, and they use nothing of morsel's.

mod answer;
pub mod depth;
pub(crate) mod hash;
pub mod pattern;
pub(crate) mod percent;
pub(crate) mod sanitize;
mod width;
pub mod words;

pub use answer::{fold_space, same_text};
pub use sanitize::sanitize;
pub use width::{cluster_width, fit, fit_end, width};
