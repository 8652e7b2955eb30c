-- morsel's progress database, schema 1. Times are UTC milliseconds since the Unix epoch.
-- Progress is keyed by the pack's own ids (course, lesson, question, card), never by file names or positions.

CREATE TABLE courses (
    id              TEXT PRIMARY KEY,
    title           TEXT NOT NULL,
    pack_path       TEXT NOT NULL,
    version         TEXT,
    first_played_at INTEGER NOT NULL,
    last_played_at  INTEGER NOT NULL,
    finished_at     INTEGER
);

-- Where to resume: one row per course.
CREATE TABLE positions (
    course_id  TEXT PRIMARY KEY REFERENCES courses(id),
    lesson_id  TEXT NOT NULL,
    bite       INTEGER NOT NULL CHECK (bite >= 1),
    scroll     INTEGER NOT NULL DEFAULT 0,
    updated_at INTEGER NOT NULL
);

CREATE TABLE bites_seen (
    course_id     TEXT NOT NULL REFERENCES courses(id),
    lesson_id     TEXT NOT NULL,
    bite          INTEGER NOT NULL,
    first_seen_at INTEGER NOT NULL,
    PRIMARY KEY (course_id, lesson_id, bite)
) WITHOUT ROWID;

-- Every answer attempt and every skip, never updated or deleted.
CREATE TABLE answers (
    id            INTEGER PRIMARY KEY,
    course_id     TEXT NOT NULL REFERENCES courses(id),
    lesson_id     TEXT NOT NULL,
    question_id   TEXT NOT NULL,
    kind          TEXT NOT NULL,
    response      TEXT NOT NULL,
    correct       INTEGER NOT NULL CHECK (correct IN (0, 1)),
    skipped       INTEGER NOT NULL CHECK (skipped IN (0, 1)),
    round         INTEGER NOT NULL,
    attempt       INTEGER NOT NULL,
    hint_used     INTEGER NOT NULL CHECK (hint_used IN (0, 1)),
    shown_at      INTEGER NOT NULL,
    answered_at   INTEGER NOT NULL,
    duration_ms   INTEGER NOT NULL
);
CREATE INDEX answers_by_question ON answers (course_id, question_id, round, attempt);

-- Where each question stands (its latest round), kept in the same transaction as each answer so that progress
-- and stats read one row per question, however long the history grows.
CREATE TABLE question_progress (
    course_id       TEXT NOT NULL REFERENCES courses(id),
    question_id     TEXT NOT NULL,
    lesson_id       TEXT NOT NULL,
    round           INTEGER NOT NULL,
    first_try_right INTEGER NOT NULL CHECK (first_try_right IN (0, 1)),
    attempts        INTEGER NOT NULL,
    updated_at      INTEGER NOT NULL,
    PRIMARY KEY (course_id, question_id)
) WITHOUT ROWID;

CREATE TABLE card_ratings (
    id          INTEGER PRIMARY KEY,
    course_id   TEXT NOT NULL REFERENCES courses(id),
    lesson_id   TEXT NOT NULL,
    card_id     TEXT NOT NULL,
    rating      INTEGER NOT NULL CHECK (rating BETWEEN 1 AND 4),
    rated_at    INTEGER NOT NULL,
    duration_ms INTEGER NOT NULL
);
CREATE INDEX card_ratings_by_card ON card_ratings (course_id, card_id, rated_at);

-- Time on task: spans of active time, extended as the learner acts; pauses fall between spans.
CREATE TABLE active_spans (
    course_id  TEXT NOT NULL REFERENCES courses(id),
    started_at INTEGER NOT NULL,
    lesson_id  TEXT NOT NULL,
    ended_at   INTEGER NOT NULL CHECK (ended_at >= started_at),
    PRIMARY KEY (course_id, started_at)
) WITHOUT ROWID;
