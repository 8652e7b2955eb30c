//! Rules for any text, at the bottom of the house: every layer may use them, and they use nothing of morsel's.

pub(crate) mod sanitize;

pub use sanitize::sanitize;
