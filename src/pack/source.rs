//! A source file of a pack (or the config) held in memory, with byte offsets mapped to 1-based line and column;
//! and reading such a file safely: only a regular file, and only up to [`MAX_FILE_BYTES`].

use std::io::Read;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

/// The largest lesson, `course.toml` or config file morsel reads: 8 MiB. A larger file is refused unread.
pub(crate) const MAX_FILE_BYTES: u64 = 8 * 1024 * 1024;

/// The text of one file of a pack, with an index of where each line starts.
#[derive(Debug)]
pub(crate) struct SourceFile {
    /// Path relative to the pack's root, as shown in diagnostics.
    pub(crate) path: PathBuf,
    /// The text, without a leading byte-order mark (the bytes as read: no copy is made).
    pub(crate) text: String,
    line_starts: Vec<usize>,
    /// The line an excerpt was last taken from (its start and its text), shared by every excerpt of it: a
    /// thousand problems on one long line cost one copy, and a loaded pack keeps only the lines its sites point
    /// at, not whole files.
    last_line: Mutex<Option<(usize, Arc<str>)>>,
}

/// Why a file was not read.
#[derive(Debug, thiserror::Error)]
pub(crate) enum ReadError {
    #[error("not a regular file, so it is not read")]
    NotAFile,
    #[error("larger than the limit of {} MiB, so it is not read", MAX_FILE_BYTES >> 20)]
    TooLarge,
    #[error("cannot read: {0}")]
    Io(std::io::Error),
}

impl From<std::io::Error> for ReadError {
    fn from(e: std::io::Error) -> Self {
        ReadError::Io(e)
    }
}

/// Reads a regular file of at most [`MAX_FILE_BYTES`]. A FIFO, a device such as `/dev/zero` or a directory is refused
/// before it is opened (opening a FIFO would wait for a writer); the opened file is checked again, in case the path
/// was swapped in between, and no more than the limit and one byte is ever read.
pub(crate) fn read_regular(path: &Path) -> Result<Vec<u8>, ReadError> {
    check_metadata(&std::fs::metadata(path)?)?;
    let file = std::fs::File::open(path)?;
    let metadata = file.metadata()?;
    check_metadata(&metadata)?;
    let mut bytes = Vec::with_capacity(metadata.len() as usize);
    file.take(MAX_FILE_BYTES + 1).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(ReadError::TooLarge);
    }
    Ok(bytes)
}

fn check_metadata(metadata: &std::fs::Metadata) -> Result<(), ReadError> {
    if !metadata.is_file() {
        Err(ReadError::NotAFile)
    } else if metadata.len() > MAX_FILE_BYTES {
        Err(ReadError::TooLarge)
    } else {
        Ok(())
    }
}

/// A 1-based line and column (the column counts characters, not bytes).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Position {
    pub line: usize,
    pub column: usize,
}

impl SourceFile {
    pub(crate) fn new(path: PathBuf, mut text: String) -> Self {
        if text.starts_with('\u{feff}') {
            text.drain(..'\u{feff}'.len_utf8());
        }
        // One line in 48 bytes is a guess that fits prose, so that the index seldom grows; memchr finds the line
        // ends on vectors.
        let mut line_starts = Vec::with_capacity(text.len() / 48 + 2);
        line_starts.push(0);
        line_starts.extend(memchr::memchr_iter(b'\n', text.as_bytes()).map(|i| i + 1));
        Self {
            path,
            text,
            line_starts,
            last_line: Mutex::new(None),
        }
    }

    /// The text of the line `range` (from `line_range`), shared with the other excerpts taken from it in a row.
    pub(crate) fn line_text(&self, range: Range<usize>) -> Arc<str> {
        let mut last = self
            .last_line
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        match &*last {
            Some((start, text)) if *start == range.start && text.len() == range.len() => {
                Arc::clone(text)
            }
            _ => {
                let text: Arc<str> = self.text[range.clone()].into();
                *last = Some((range.start, Arc::clone(&text)));
                text
            }
        }
    }

    /// The 0-based index of the line holding byte `offset`.
    fn line_index(&self, offset: usize) -> usize {
        self.line_starts.partition_point(|&start| start <= offset) - 1
    }

    /// The line and column of byte `offset` (clamped to the end of the text).
    pub(crate) fn position(&self, offset: usize) -> Position {
        let offset = self.floor_char_boundary(offset);
        let index = self.line_index(offset);
        let start = self.line_starts[index];
        Position {
            line: index + 1,
            column: self.text[start..offset].chars().count() + 1,
        }
    }

    /// The byte range of the line holding byte `offset`, without its line ending.
    pub(crate) fn line_range(&self, offset: usize) -> Range<usize> {
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
