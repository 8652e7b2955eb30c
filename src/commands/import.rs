//! `morsel import gift|anki|mdbook SOURCE -o DIR`: a pack written from another format, the summary of what was
//! imported and skipped, and the new pack loaded to show it checks.
