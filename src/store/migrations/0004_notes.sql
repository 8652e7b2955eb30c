-- morsel's progress database: notes and feedback per bite. Times are UTC milliseconds since the Unix epoch.
-- Bites are keyed by course, lesson id and bite number (1-based), as `bites_seen` keys them.

-- The learner's note on a bite, as it stands after the last keystroke (saved as typed). A note whose text starts
-- with `?` is a question for the author. An emptied note is deleted.
CREATE TABLE notes (
    course_id  TEXT NOT NULL REFERENCES courses(id),
    lesson_id  TEXT NOT NULL,
    bite       INTEGER NOT NULL CHECK (bite >= 1),
    text       TEXT NOT NULL,
    question   INTEGER NOT NULL CHECK (question IN (0, 1)),
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    PRIMARY KEY (course_id, lesson_id, bite)
) WITHOUT ROWID;

-- Every rating of a bite (clear or unclear), never deleted; a comment given after the rating is kept with it.
CREATE TABLE feedback (
    course_id TEXT NOT NULL REFERENCES courses(id),
    lesson_id TEXT NOT NULL,
    bite      INTEGER NOT NULL CHECK (bite >= 1),
    rated_at  INTEGER NOT NULL,
    clear     INTEGER NOT NULL CHECK (clear IN (0, 1)),
    comment   TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (course_id, lesson_id, bite, rated_at)
) WITHOUT ROWID;
