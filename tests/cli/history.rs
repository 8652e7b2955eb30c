//! Review histories for tests, written straight into `review_log`, `review_items` and `courses` through SQL, so a
//! test can set up any log (a year of reviews, an item edited or gone from its pack) without playing it.
//!
//! Used by the end-to-end tests (`mod history` in `tests/cli/main.rs`) and by the library's unit tests
//! (`commands::history`, test builds only); hence it needs nothing but rusqlite and std. The database must already
//! have morsel's schema: open it once with `Store::open` first.

#![allow(dead_code)] // Each test binary uses a part.

use std::path::Path;

use rusqlite::{Connection, params};

/// A second connection to a morsel database, for filling it.
pub fn connect(path: &Path) -> Connection {
    let conn = Connection::open(path).expect("the test database opens");
    conn.busy_timeout(std::time::Duration::from_secs(5))
        .expect("busy timeout");
    conn
}

/// A course row (reviews and items refer to it), with its pack at `/packs/ID`.
pub fn add_course(conn: &Connection, id: &str, at: i64) {
    add_course_at(conn, id, &format!("/packs/{id}"), at);
}

/// A course row whose pack was last played from `pack_path`.
pub fn add_course_at(conn: &Connection, id: &str, pack_path: &str, at: i64) {
    conn.execute(
        "INSERT INTO courses (id, title, pack_path, version, first_played_at, last_played_at)
         VALUES (?1, ?1, ?2, NULL, ?3, ?3)",
        params![id, pack_path, at],
    )
    .expect("course row");
}

/// One row of `review_log`.
#[derive(Debug, Clone)]
pub struct Review<'a> {
    pub course: &'a str,
    pub item: &'a str,
    pub kind: &'a str,
    pub lesson: &'a str,
    pub rating: u8,
    pub at: i64,
    pub offset_min: i64,
    pub duration_ms: i64,
    pub review_kind: &'a str,
    pub hash: &'a str,
    pub state_before: u8,
}

impl<'a> Review<'a> {
    /// A scheduled review of a question of lesson `l1`, 2 s long, at UTC offset 0, state 2 (review) before.
    pub fn new(course: &'a str, item: &'a str, rating: u8, at: i64) -> Self {
        Self {
            course,
            item,
            kind: "question",
            lesson: "l1",
            rating,
            at,
            offset_min: 0,
            duration_ms: 2_000,
            review_kind: "scheduled",
            hash: "0000000000000000",
            state_before: 2,
        }
    }
}

pub fn add_review(conn: &Connection, r: &Review) {
    conn.execute(
        "INSERT INTO review_log (course_id, item_id, kind, lesson_id, rating, reviewed_at, utc_offset_min,
             duration_ms, review_kind, content_hash, state_before)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
        params![
            r.course,
            r.item,
            r.kind,
            r.lesson,
            r.rating,
            r.at,
            r.offset_min,
            r.duration_ms,
            r.review_kind,
            r.hash,
            r.state_before
        ],
    )
    .expect("review_log row");
}

/// One row of `review_items`.
#[derive(Debug, Clone)]
pub struct Item<'a> {
    pub course: &'a str,
    pub item: &'a str,
    pub kind: &'a str,
    pub lesson: &'a str,
    pub stability: f64,
    pub difficulty: f64,
    pub due_at: i64,
    pub last_review_at: i64,
    pub reps: i64,
    pub lapses: i64,
    pub hash: &'a str,
}

impl<'a> Item<'a> {
    /// A question of lesson `l1` due at `due_at`, last reviewed a day before, once.
    pub fn new(course: &'a str, item: &'a str, due_at: i64) -> Self {
        Self {
            course,
            item,
            kind: "question",
            lesson: "l1",
            stability: 1.0,
            difficulty: 5.0,
            due_at,
            last_review_at: due_at - 86_400_000,
            reps: 1,
            lapses: 0,
            hash: "0000000000000000",
        }
    }
}

/// Adds the item, or replaces its row.
pub fn set_item(conn: &Connection, i: &Item) {
    conn.execute(
        "INSERT OR REPLACE INTO review_items (course_id, item_id, kind, lesson_id, stability, difficulty, due_at,
             last_review_at, reps, lapses, content_hash)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
        params![
            i.course,
            i.item,
            i.kind,
            i.lesson,
            i.stability,
            i.difficulty,
            i.due_at,
            i.last_review_at,
            i.reps,
            i.lapses,
            i.hash
        ],
    )
    .expect("review_items row");
}
