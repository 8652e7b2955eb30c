//! Rendering pack Markdown for the terminal: styled, wrapped lines, with every control character made visible.

mod highlight;
mod sanitize;
mod table;
mod wrap;

pub use sanitize::sanitize;
