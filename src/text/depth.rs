//! The one depth rule for nested markup: block quotes and lists in Markdown, elements in HTML. Nothing deeper than
//! [`MAX_DEPTH`] levels is nested further: what lies below is kept, flattened into the level at the limit, and
//! `check` (or `import`) says where the limit was crossed. Every walk over nested markup uses [`beyond`], so that
//! no input, however deep, costs stack or screen in proportion to its depth.

/// The deepest nesting kept: block quotes and lists in a lesson (a list counts once, not with its items), elements
/// in imported HTML (counted from the document's root).
pub const MAX_DEPTH: usize = 100;

/// Whether a container at `depth` (the outermost at 1) is below [`MAX_DEPTH`], so that it is flattened into the one
/// at the limit.
pub(crate) fn beyond(depth: usize) -> bool {
    depth > MAX_DEPTH
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_limit_itself_is_kept() {
        assert!(!beyond(1));
        assert!(!beyond(MAX_DEPTH));
        assert!(beyond(MAX_DEPTH + 1));
    }
}
