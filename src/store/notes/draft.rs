//! A note's draft: the edits typed since the note was last saved in full, appended one small record a key to a file
//! beside the database (`progress.db-note-<hash of the note's key>`). A key costs a few dozen bytes handed to the
//! kernel, whatever the note's size, and survives a kill of the process the moment `record` returns; the file is
//! synced to disk on the player's tick, so a power cut loses at most about a second of typing. The note is saved in
//! full (a `Record::Note`, one synced transaction) when it closes, when its draft has grown past `FOLD_BYTES`, and
//! when its course is next claimed, after a kill (`Store::fold_drafts`); readers see a draft not yet folded
//! (`overlay`), so `morsel notes` and the next start show every key handled before a kill.
//!
//! The file: a header line `morsel-note-draft1 BITE BASE_LEN BASE_HASH LEN:COURSE LEN:LESSON`, naming the note and
//! the text the edits start from (its length and FNV-1a hash), then one record a key,
//! `AT POS DELETE SUM LEN:TEXT` and a line end: at `AT` (ms), `DELETE` bytes at byte `POS` became `TEXT`; `SUM` is
//! the FNV-1a (32 bits) of the record before it and of `TEXT`, so a record torn by a power cut ends the draft there.
//! A draft whose base is not the note saved now (it was folded already, or the note changed since) is left out.

use std::fs::File;
use std::io::Write;
use std::path::{Path, PathBuf};

use rusqlite::{Connection, OptionalExtension, params};

use crate::learn::journal::{Journal, NoteRecord, Record};
use crate::store::place::sibling;
use crate::store::{FileState, Store, StoreError};
use crate::text::hash::{Fnv64, fnv32};

/// The most a note may hold, in bytes of UTF-8: 64 KiB.
pub(crate) const NOTE_MAX_BYTES: usize = 64 * 1024;

/// A draft that has grown past this is folded into the note and starts again, so that replaying one stays quick.
const FOLD_BYTES: u64 = 1024 * 1024;

/// A draft file larger than this is not one morsel wrote (`FOLD_BYTES` plus one record at most): it is left alone.
const MAX_DRAFT_FILE: u64 = 4 * FOLD_BYTES;

const MAGIC: &str = "morsel-note-draft1";

/// Which note: a course's lesson and bite.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) struct NoteKey {
    pub(crate) course_id: String,
    pub(crate) lesson_id: String,
    /// 1-based.
    pub(crate) bite: usize,
}

/// One edit of a note's text: `delete` bytes at byte offset `at` replaced by `insert`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Splice {
    pub(crate) at: usize,
    pub(crate) delete: usize,
    pub(crate) insert: String,
}

impl Splice {
    /// The text's length in bytes once this is applied.
    pub(crate) fn len_after(&self, text: &str) -> usize {
        (text.len() + self.insert.len()).saturating_sub(self.delete)
    }

    /// Applies the edit to `text`; `false`, and `text` unchanged, when it does not fit it (beyond its end, or not
    /// at character boundaries).
    pub(crate) fn apply(&self, text: &mut String) -> bool {
        let Some(end) = self.at.checked_add(self.delete) else {
            return false;
        };
        if end > text.len() || !text.is_char_boundary(self.at) || !text.is_char_boundary(end) {
            return false;
        }
        text.replace_range(self.at..end, &self.insert);
        true
    }
}

/// The draft of the note open in the player. Created with no file; the first edit makes it.
#[derive(Debug)]
pub(crate) struct NoteDraft {
    key: NoteKey,
    /// `None` for a store in memory (preview): there is nothing to keep, and the note is saved when it closes.
    path: Option<PathBuf>,
    file: Option<File>,
    /// Bytes in the file.
    written: u64,
    /// Edits since the note was last saved in full.
    edited: bool,
    /// Records written since the last sync to disk.
    unsynced: bool,
}

impl NoteDraft {
    /// Appends `splice`, made at `at` to `before` (the text as it was), to the draft: handed to the kernel before
    /// this returns. An error leaves the note to be saved in full instead.
    pub(crate) fn record(
        &mut self,
        before: &str,
        splice: &Splice,
        at: i64,
    ) -> Result<(), StoreError> {
        self.edited = true;
        let Some(path) = &self.path else {
            return Ok(());
        };
        let result = (|| -> std::io::Result<()> {
            if self.file.is_none() {
                let mut file = File::create(path)?;
                let head = header(&self.key, before);
                file.write_all(&head)?;
                self.written = head.len() as u64;
                self.file = Some(file);
            }
            let line = encode(at, splice);
            if let Some(file) = &mut self.file {
                file.write_all(&line)?;
            }
            self.written += line.len() as u64;
            self.unsynced = true;
            Ok(())
        })();
        result.map_err(|e| io_error(path, &e))
    }

    /// Whether there are edits not yet saved in full with the note.
    pub(crate) fn edited(&self) -> bool {
        self.edited
    }

    /// Whether the draft has grown enough to be folded into the note now.
    pub(crate) fn wants_fold(&self) -> bool {
        self.written >= FOLD_BYTES
    }

    /// Syncs the records written since the last sync to disk (the player's tick).
    pub(crate) fn sync(&mut self) -> Result<(), StoreError> {
        if !self.unsynced {
            return Ok(());
        }
        if let (Some(file), Some(path)) = (&self.file, &self.path) {
            file.sync_data().map_err(|e| io_error(path, &e))?;
        }
        self.unsynced = false;
        Ok(())
    }

    /// The note was saved in full, with every edit: the draft is removed, and the next edit starts another.
    pub(crate) fn saved(&mut self) {
        self.edited = false;
        self.unsynced = false;
        self.written = 0;
        self.file = None;
        if let Some(path) = &self.path {
            // Also a file half made by an edit that failed. Left behind, it is recognised as folded (its base is no
            // longer the note) and removed at the next claim.
            let _ = std::fs::remove_file(path);
        }
    }
}

fn io_error(path: &Path, e: &std::io::Error) -> StoreError {
    if e.kind() == std::io::ErrorKind::StorageFull {
        return StoreError::DiskFull {
            path: path.to_path_buf(),
            state: FileState::InUse,
        };
    }
    StoreError::Sqlite {
        path: path.to_path_buf(),
        detail: format!("cannot write the note's draft: {e}"),
        state: FileState::InUse,
    }
}

fn base_hash(text: &str) -> String {
    Fnv64::default().write(text.as_bytes()).hex()
}

fn header(key: &NoteKey, base: &str) -> Vec<u8> {
    format!(
        "{MAGIC} {} {} {} {}:{} {}:{}\n",
        key.bite,
        base.len(),
        base_hash(base),
        key.course_id.len(),
        key.course_id,
        key.lesson_id.len(),
        key.lesson_id
    )
    .into_bytes()
}

fn record_sum(head: &str, text: &[u8]) -> u32 {
    let mut bytes = head.as_bytes().to_vec();
    bytes.extend_from_slice(text);
    fnv32(&bytes)
}

fn encode(at: i64, s: &Splice) -> Vec<u8> {
    let head = format!("{at} {} {} ", s.at, s.delete);
    let sum = record_sum(&head, s.insert.as_bytes());
    let mut line = format!("{head}{sum:08x} {}:", s.insert.len()).into_bytes();
    line.extend_from_slice(s.insert.as_bytes());
    line.push(b'\n');
    line
}

/// A draft read back: its note, the text it starts from, and its edits as far as they read whole.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Draft {
    pub(crate) key: NoteKey,
    base_len: usize,
    base_hash: String,
    edits: Vec<(i64, Splice)>,
}

impl Draft {
    /// The note's text with the draft's edits, and when the last was made; `None` when the draft does not start
    /// from `saved` (the note as saved now: it was folded already, or changed since) or holds no edit.
    pub(crate) fn replay(&self, saved: &str) -> Option<(String, i64)> {
        if saved.len() != self.base_len || base_hash(saved) != self.base_hash {
            return None;
        }
        let mut text = saved.to_string();
        let mut last = None;
        for (at, splice) in &self.edits {
            if splice.len_after(&text) > NOTE_MAX_BYTES || !splice.apply(&mut text) {
                break;
            }
            last = Some(*at);
        }
        last.map(|at| (text, at))
    }
}

/// Reads a draft file's bytes: `None` when it is not a draft (no whole header).
fn parse(bytes: &[u8]) -> Option<Draft> {
    let mut r = Reader { bytes, at: 0 };
    if r.word()? != MAGIC.as_bytes() {
        return None;
    }
    let bite = r.number()?;
    let base_len = r.number()?;
    let base_hash = String::from_utf8(r.word()?.to_vec()).ok()?;
    let course_id = String::from_utf8(r.sized(b' ')?.to_vec()).ok()?;
    let lesson_id = String::from_utf8(r.sized(b'\n')?.to_vec()).ok()?;
    let key = NoteKey {
        course_id,
        lesson_id,
        bite: usize::try_from(bite).ok()?,
    };
    let mut edits = Vec::new();
    while r.at < bytes.len() {
        let Some(edit) = r.edit() else { break };
        edits.push(edit);
    }
    Some(Draft {
        key,
        base_len: usize::try_from(base_len).ok()?,
        base_hash,
        edits,
    })
}

/// A cursor over a draft's bytes.
struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl<'a> Reader<'a> {
    /// The bytes up to the next space, which is passed.
    fn word(&mut self) -> Option<&'a [u8]> {
        let rest = &self.bytes[self.at..];
        let end = rest.iter().position(|&b| b == b' ')?;
        self.at += end + 1;
        Some(&rest[..end])
    }

    fn number(&mut self) -> Option<u64> {
        std::str::from_utf8(self.word()?).ok()?.parse().ok()
    }

    /// `LEN:BYTES` and then `end`, which is passed.
    fn sized(&mut self, end: u8) -> Option<&'a [u8]> {
        let rest = &self.bytes[self.at..];
        let colon = rest.iter().take(24).position(|&b| b == b':')?;
        let len: usize = std::str::from_utf8(&rest[..colon]).ok()?.parse().ok()?;
        let body = rest.get(colon + 1..colon + 1 + len)?;
        if rest.get(colon + 1 + len) != Some(&end) {
            return None;
        }
        self.at += colon + len + 2;
        Some(body)
    }

    /// One record, whole and with its sum right.
    fn edit(&mut self) -> Option<(i64, Splice)> {
        let start = self.at;
        let at: i64 = std::str::from_utf8(self.word()?).ok()?.parse().ok()?;
        let pos = usize::try_from(self.number()?).ok()?;
        let delete = usize::try_from(self.number()?).ok()?;
        let head = std::str::from_utf8(&self.bytes[start..self.at]).ok()?;
        let sum = u32::from_str_radix(std::str::from_utf8(self.word()?).ok()?, 16).ok()?;
        let text = self.sized(b'\n')?;
        if record_sum(head, text) != sum {
            return None;
        }
        let insert = String::from_utf8(text.to_vec()).ok()?;
        Some((
            at,
            Splice {
                at: pos,
                delete,
                insert,
            },
        ))
    }
}

/// The file name a note's draft has beside the database at `db`.
fn draft_path(db: &Path, key: &NoteKey) -> PathBuf {
    let mut h = Fnv64::default();
    h.write(key.course_id.as_bytes())
        .write(&[0])
        .write(key.lesson_id.as_bytes())
        .write(&[0])
        .write(key.bite.to_string().as_bytes());
    sibling(db, &format!("-note-{}", h.hex()))
}

/// The drafts beside the database at `db` (of one course, or of all), with their files. Files that are not drafts
/// morsel wrote are passed over.
pub(crate) fn drafts_beside(db: &Path, course: Option<&str>) -> Vec<(PathBuf, Draft)> {
    let (Some(name), Some(dir)) = (db.file_name(), db.parent()) else {
        return Vec::new();
    };
    let dir = if dir.as_os_str().is_empty() {
        Path::new(".")
    } else {
        dir
    };
    let mut prefix = name.to_os_string();
    prefix.push("-note-");
    let prefix = prefix.to_string_lossy().into_owned();
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for entry in entries.flatten() {
        if !entry.file_name().to_string_lossy().starts_with(&prefix) {
            continue;
        }
        let path = entry.path();
        // A regular file of a draft's size only: never a FIFO, a device or a folder.
        let Ok(meta) = std::fs::symlink_metadata(&path) else {
            continue;
        };
        if !meta.is_file() || meta.len() > MAX_DRAFT_FILE {
            continue;
        }
        let Some(draft) = std::fs::read(&path).ok().and_then(|b| parse(&b)) else {
            continue;
        };
        // A draft is read only under its own name: a copy or a renamed one is not this database's.
        if course.is_none_or(|c| c == draft.key.course_id)
            && Some(entry.file_name().as_os_str()) == draft_path(db, &draft.key).file_name()
        {
            out.push((path, draft));
        }
    }
    out.sort_by(|a, b| a.0.cmp(&b.0));
    out
}

/// The note's text as saved now (empty: no note).
pub(crate) fn saved_text(conn: &Connection, key: &NoteKey) -> rusqlite::Result<String> {
    Ok(conn
        .prepare_cached(
            "SELECT text FROM notes WHERE course_id = ?1 AND lesson_id = ?2 AND bite = ?3",
        )?
        .query_row(
            params![key.course_id, key.lesson_id, key.bite as i64],
            |r| r.get::<_, String>(0),
        )
        .optional()?
        .unwrap_or_default())
}

/// The database file as SQLite resolved it (absolute, links followed): drafts are named beside it, by the player
/// that writes them and by every reader alike. `None` for a database in memory (preview), which keeps no drafts.
pub(crate) fn database_file(conn: &Connection) -> Option<PathBuf> {
    conn.path().filter(|p| !p.is_empty()).map(PathBuf::from)
}

impl Store {
    /// A draft for the note `key`, to record its edits in; nothing is written before the first edit.
    pub(crate) fn note_draft(&self, key: NoteKey) -> NoteDraft {
        let path = database_file(&self.conn).map(|db| draft_path(&db, &key));
        NoteDraft {
            key,
            path,
            file: None,
            written: 0,
            edited: false,
            unsynced: false,
        }
    }

    /// The note `key` as saved now (empty: no note), its draft not counted.
    pub(crate) fn saved_note(&self, key: &NoteKey) -> Result<String, StoreError> {
        saved_text(&self.conn, key).map_err(|e| self.error(e))
    }

    /// Folds the drafts left by a player that did not close (a kill, a crash, a power cut) into their notes, each
    /// in one transaction, and removes them; drafts already folded are removed too. Called once this player holds
    /// `course_id`, so no other player is writing them. Returns how many notes changed.
    pub(crate) fn fold_drafts(&mut self, course_id: &str) -> Result<usize, StoreError> {
        let Some(db) = database_file(&self.conn) else {
            return Ok(0);
        };
        let mut changed = 0;
        for (path, draft) in drafts_beside(&db, Some(course_id)) {
            let saved = self.saved_note(&draft.key)?;
            if let Some((text, at)) = draft.replay(&saved) {
                let key = draft.key;
                self.record(&[Record::Note(NoteRecord {
                    question: NoteRecord::is_question(&text),
                    course_id: key.course_id,
                    lesson_id: key.lesson_id,
                    bite: key.bite,
                    text,
                    at,
                })])?;
                changed += 1;
            }
            let _ = std::fs::remove_file(&path);
        }
        Ok(changed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key() -> NoteKey {
        NoteKey {
            course_id: "c".into(),
            lesson_id: "l 1".into(),
            bite: 2,
        }
    }

    fn splice(at: usize, delete: usize, insert: &str) -> Splice {
        Splice {
            at,
            delete,
            insert: insert.into(),
        }
    }

    #[test]
    fn a_draft_reads_back_as_written_and_stops_at_a_torn_record() {
        let mut bytes = header(&key(), "ab");
        for (i, s) in [splice(2, 0, "c"), splice(0, 1, "é\n"), splice(4, 1, "")]
            .iter()
            .enumerate()
        {
            bytes.extend(encode(10 + i as i64, s));
        }
        let draft = parse(&bytes).unwrap();
        assert_eq!(draft.key, key());
        assert_eq!(draft.replay("ab"), Some(("é\nb".to_string(), 12)));
        assert_eq!(draft.replay("xy"), None, "another base: left out");
        // Cut anywhere inside the last record: the edits before it still replay.
        let whole = bytes.len();
        let last = encode(12, &splice(4, 1, "")).len();
        for cut in whole - last..whole {
            let draft = parse(&bytes[..cut]).unwrap();
            assert_eq!(
                draft.replay("ab"),
                Some(("é\nbc".to_string(), 11)),
                "cut at {cut}"
            );
        }
        // A flipped byte in a record's text fails its sum.
        let mut bad = bytes.clone();
        let n = bad.len();
        bad[n - last - 2] ^= 1;
        assert_eq!(parse(&bad).unwrap().edits.len(), 1);
        assert!(parse(b"not a draft").is_none());
    }

    #[test]
    fn an_edit_that_does_not_fit_is_not_applied() {
        let mut t = "é".to_string();
        assert!(!splice(1, 0, "x").apply(&mut t), "inside a character");
        assert!(!splice(0, 3, "").apply(&mut t), "beyond the end");
        assert!(splice(2, 0, "x").apply(&mut t));
        assert_eq!(t, "éx");
    }
}
