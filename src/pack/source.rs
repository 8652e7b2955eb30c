//! A source file of a pack held in memory, with byte offsets mapped to 1-based line and column.

use std::ops::Range;
use std::path::PathBuf;

/// The text of one file of a pack, with an index of where each line starts.
#[derive(Debug)]
pub struct SourceFile {
    /// Path relative to the pack's root, as shown in diagnostics.
    pub path: PathBuf,
    /// The text, without a leading byte-order mark.
    pub text: String,
    line_starts: Vec<usize>,
}

/// A 1-based line and column (the column counts characters, not bytes).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Position {
    pub line: usize,
    pub column: usize,
}

impl SourceFile {
    pub fn new(path: PathBuf, mut text: String) -> Self {
        if text.starts_with('\u{feff}') {
            text.drain(..'\u{feff}'.len_utf8());
        }
        let line_starts = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        Self {
            path,
            text,
            line_starts,
        }
    }

    /// The 0-based index of the line holding byte `offset`.
    fn line_index(&self, offset: usize) -> usize {
        self.line_starts.partition_point(|&start| start <= offset) - 1
    }

    /// The line and column of byte `offset` (clamped to the end of the text).
    pub fn position(&self, offset: usize) -> Position {
        let offset = self.floor_char_boundary(offset);
        let index = self.line_index(offset);
        let start = self.line_starts[index];
        Position {
            line: index + 1,
            column: self.text[start..offset].chars().count() + 1,
        }
    }

    /// The byte range of the line holding byte `offset`, without its line ending.
    pub fn line_range(&self, offset: usize) -> Range<usize> {
        let offset = self.floor_char_boundary(offset);
        let index = self.line_index(offset);
        let start = self.line_starts[index];
        let end = self
            .line_starts
            .get(index + 1)
            .map_or(self.text.len(), |&next| next - 1);
        let end = if self.text[start..end].ends_with('\r') {
            end - 1
        } else {
            end
        };
        start..end
    }

    fn floor_char_boundary(&self, offset: usize) -> usize {
        let mut offset = offset.min(self.text.len());
        while !self.text.is_char_boundary(offset) {
            offset -= 1;
        }
        offset
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(text: &str) -> SourceFile {
        SourceFile::new(PathBuf::from("a.md"), text.to_string())
    }

    #[test]
    fn positions_are_one_based_and_count_characters() {
        let f = file("ab\nçé x\n");
        assert_eq!(f.position(0), Position { line: 1, column: 1 });
        assert_eq!(f.position(3), Position { line: 2, column: 1 });
        // "çé " is 5 bytes and 3 characters, so `x` is in column 4.
        assert_eq!(f.position(3 + 5), Position { line: 2, column: 4 });
    }

    #[test]
    fn line_range_excludes_crlf() {
        let f = file("one\r\ntwo\r\n");
        assert_eq!(&f.text[f.line_range(6)], "two");
        assert_eq!(f.position(5), Position { line: 2, column: 1 });
    }

    #[test]
    fn byte_order_mark_is_dropped() {
        let f = file("\u{feff}+++\n");
        assert!(f.text.starts_with("+++"));
        assert_eq!(f.position(0), Position { line: 1, column: 1 });
    }
}
