//! `morsel export …`: the learner's data out of the store, for other tools. `export reviews` writes the review log:
//! as CSV in the columns the FSRS optimizer reads (graded reviews only), or as JSON with every column.

use std::io::{self, Write};

use serde::Serialize;

use crate::learn::schedule::ReviewKind;
use crate::store::LogRow;
use std::process::ExitCode;

use super::{Global, feedback, notes};

/// The FSRS optimizer's columns, in its order.
pub(crate) const CSV_HEADER: &str =
    "card_id,review_time,review_rating,review_state,review_duration";

/// A stable number for an item, the optimizer's `card_id`: the first 63 bits of the FNV-1a hash of its course id and
/// item id (as `learn::schedule::content_hash` computes it), so the same item has the same number in every export, on every
/// machine, and it is never negative.
pub fn card_id(course_id: &str, item_id: &str) -> i64 {
    let hash = crate::text::hash::Fnv64::default()
        .write(course_id.as_bytes())
        .write(&[0])
        .write(item_id.as_bytes())
        .finish();
    (hash >> 1) as i64
}

/// The graded reviews as CSV: `card_id,review_time,review_rating,review_state,review_duration`, the time in UTC
/// milliseconds, the rating 1-4, the FSRS state before the review (0 new, 1 learning, 2 review, 3 relearning), the
/// duration in milliseconds. Practice rows are left out: they were not graded and did not change the schedule.
pub(crate) fn write_csv(log: &[LogRow], out: &mut dyn Write) -> io::Result<()> {
    let mut out = io::BufWriter::new(out);
    writeln!(out, "{CSV_HEADER}")?;
    for r in log.iter().filter(|r| r.review_kind != ReviewKind::Practice) {
        writeln!(
            out,
            "{},{},{},{},{}",
            card_id(&r.course_id, &r.item_id),
            r.reviewed_at,
            r.rating,
            r.state_before,
            r.duration_ms
        )?;
    }
    out.flush()
}

#[derive(Serialize)]
struct JsonLog<'a> {
    reviews: Vec<JsonReview<'a>>,
}

#[derive(Serialize)]
struct JsonReview<'a> {
    id: i64,
    card_id: i64,
    course_id: &'a str,
    item_id: &'a str,
    kind: &'static str,
    lesson_id: &'a str,
    rating: u8,
    reviewed_at: i64,
    utc_offset_min: i64,
    duration_ms: i64,
    review_kind: &'static str,
    content_hash: &'a str,
    state_before: u8,
}

/// Every row of the log, practice included, with every column of `review_log` and the CSV's `card_id`.
pub(crate) fn write_json(log: &[LogRow], out: &mut dyn Write) -> io::Result<()> {
    let doc = JsonLog {
        reviews: log
            .iter()
            .map(|r| JsonReview {
                id: r.id,
                card_id: card_id(&r.course_id, &r.item_id),
                course_id: &r.course_id,
                item_id: &r.item_id,
                kind: r.kind.as_str(),
                lesson_id: &r.lesson_id,
                rating: r.rating,
                reviewed_at: r.reviewed_at,
                utc_offset_min: r.utc_offset_min,
                duration_ms: r.duration_ms,
                review_kind: r.review_kind.as_str(),
                content_hash: &r.content_hash,
                state_before: r.state_before,
            })
            .collect(),
    };
    super::write_json(&doc, out)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum ExportFormat {
    Csv,
    Json,
}

/// What `morsel export` writes.
#[derive(Debug, clap::Subcommand)]
pub(crate) enum Args {
    /// The review log: CSV in the FSRS optimizer's columns (graded reviews only), or JSON with every column.
    Reviews {
        /// Only this course.
        #[arg(value_name = "COURSE_ID")]
        course: Option<String>,
        #[arg(long, value_enum, default_value_t = ExportFormat::Csv)]
        format: ExportFormat,
    },
    /// Everything recorded as xAPI 1.0.3 statements, one JSON array (the actor from `name` and `mbox` or
    /// `account` in the config).
    Xapi {
        /// Only this course.
        #[arg(value_name = "COURSE_ID")]
        course: Option<String>,
    },
    /// For the author, per bite: its lesson and first line, clear/unclear ratings, comments, questions for the
    /// author, and how often its questions were missed on the first try.
    Feedback {
        /// Only this course.
        #[arg(value_name = "COURSE_ID")]
        course: Option<String>,
        #[arg(long, value_enum, default_value_t = ExportFormat::Csv)]
        format: ExportFormat,
    },
    /// Every attempt at a question, one row each: in lessons (round, attempt) and in reviews (rating).
    Answers {
        /// Only this course.
        #[arg(value_name = "COURSE_ID")]
        course: Option<String>,
        #[arg(long, value_enum, default_value_t = ExportFormat::Csv)]
        format: ExportFormat,
    },
}

pub(crate) fn run(args: Args, global: &Global) -> anyhow::Result<ExitCode> {
    let paths = global.paths()?;
    let stdout = io::stdout();
    let mut out = stdout.lock();
    match args {
        Args::Reviews { course, format } => {
            let store = crate::store::Store::open_read_only(&paths.db)?;
            super::require_played(store.as_ref(), course.as_deref(), &paths.db)?;
            let log = match &store {
                Some(store) => store.review_log(course.as_deref())?,
                None => Vec::new(),
            };
            match format {
                ExportFormat::Csv => write_csv(&log, &mut out)?,
                ExportFormat::Json => write_json(&log, &mut out)?,
            }
        }
        Args::Xapi { course } => super::xapi::export(&paths, course.as_deref(), &mut out)?,
        Args::Feedback { course, format } => {
            let course = course.as_deref();
            let g = notes::gather(&paths, course)?;
            let rows = match &g.store {
                Some(store) => feedback::gather(
                    &store.feedback(course)?,
                    &store.notes(course)?,
                    &store.attempts(course)?,
                    &g.packs,
                ),
                None => Vec::new(),
            };
            match format {
                ExportFormat::Csv => feedback::write_feedback_csv(&rows, &mut out)?,
                ExportFormat::Json => feedback::write_feedback_json(&rows, &mut out)?,
            }
        }
        Args::Answers { course, format } => {
            // Answers name their course and item ids: no pack is loaded.
            let rows = match notes::open(&paths, course.as_deref())? {
                Some((store, _)) => store.attempts(course.as_deref())?,
                None => Vec::new(),
            };
            match format {
                ExportFormat::Csv => feedback::write_answers_csv(&rows, &mut out)?,
                ExportFormat::Json => feedback::write_answers_json(&rows, &mut out)?,
            }
        }
    }
    super::done(out, ExitCode::SUCCESS)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::commands::history::{self, Review};
    use crate::store::Store;

    /// A known log: a question learnt, then reviewed; a card with a practice attempt; another course.
    fn known_log() -> (tempfile::TempDir, Store) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("p.db");
        let store = Store::open(&path).unwrap();
        let conn = history::connect(&path);
        history::add_course(&conn, "git", 1);
        history::add_course(&conn, "regex", 1);
        let day = 86_400_000;
        let t0 = 1_795_000_000_000;
        for review in [
            Review {
                review_kind: "learn",
                state_before: 0,
                duration_ms: 12_000,
                ..Review::new("git", "q-one", 1, t0)
            },
            Review {
                kind: "card",
                review_kind: "learn",
                state_before: 0,
                duration_ms: 3_250,
                ..Review::new("git", "card-x", 3, t0 + 60_000)
            },
            Review {
                kind: "card",
                review_kind: "practice",
                duration_ms: 1_000,
                ..Review::new("git", "card-x", 4, t0 + 90_000)
            },
            Review {
                state_before: 3,
                duration_ms: 8_000,
                ..Review::new("git", "q-one", 3, t0 + day)
            },
            Review {
                review_kind: "early",
                offset_min: 60,
                ..Review::new("regex", "q-two", 2, t0 + 2 * day)
            },
        ] {
            history::add_review(&conn, &review);
        }
        (dir, store)
    }

    #[test]
    fn card_ids_are_stable_non_negative_and_tell_items_and_courses_apart() {
        assert_eq!(card_id("git", "q-one"), card_id("git", "q-one"));
        assert_ne!(card_id("git", "q-one"), card_id("regex", "q-one"));
        assert_ne!(card_id("gi", "tq-one"), card_id("git", "q-one"));
        // FNV-1a of "git\0q-one", halved: the same on every machine.
        let full =
            u64::from_str_radix(&crate::learn::schedule::content_hash(&["git", "q-one"]), 16)
                .unwrap();
        assert_eq!(card_id("git", "q-one"), (full >> 1) as i64);
        assert!(card_id("git", "q-one") >= 0);
        // The README's example, a fixed value on every machine and in every version.
        assert_eq!(
            card_id("git-in-bites", "areas-commit-flow"),
            8_417_418_548_985_160_166
        );
    }

    #[test]
    fn the_csv_has_the_optimizer_s_columns_and_no_practice_row() {
        let (_dir, store) = known_log();
        let mut out = Vec::new();
        write_csv(&store.review_log(None).unwrap(), &mut out).unwrap();
        let (q, c, r) = (
            card_id("git", "q-one"),
            card_id("git", "card-x"),
            card_id("regex", "q-two"),
        );
        assert_eq!(
            String::from_utf8(out).unwrap(),
            format!(
                "card_id,review_time,review_rating,review_state,review_duration\n\
                 {q},1795000000000,1,0,12000\n\
                 {c},1795000060000,3,0,3250\n\
                 {q},1795086400000,3,3,8000\n\
                 {r},1795172800000,2,2,2000\n"
            )
        );
        let mut out = Vec::new();
        write_csv(&store.review_log(Some("regex")).unwrap(), &mut out).unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            format!("{CSV_HEADER}\n{r},1795172800000,2,2,2000\n")
        );
    }

    #[test]
    fn the_json_has_every_row_and_column() {
        let (_dir, store) = known_log();
        let mut out = Vec::new();
        write_json(&store.review_log(Some("git")).unwrap(), &mut out).unwrap();
        let doc: serde_json::Value = serde_json::from_slice(&out).unwrap();
        let reviews = doc["reviews"].as_array().unwrap();
        assert_eq!(reviews.len(), 4);
        assert_eq!(
            reviews[2],
            serde_json::json!({
                "id": 3, "card_id": card_id("git", "card-x"), "course_id": "git", "item_id": "card-x",
                "kind": "card", "lesson_id": "l1", "rating": 4, "reviewed_at": 1_795_000_090_000_i64,
                "utc_offset_min": 0, "duration_ms": 1000, "review_kind": "practice",
                "content_hash": "0000000000000000", "state_before": 2
            })
        );
    }
}
