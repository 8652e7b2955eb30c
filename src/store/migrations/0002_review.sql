-- morsel's progress database, schema 2: spaced review with FSRS. Times are UTC milliseconds since the Unix epoch.
-- Items are keyed by the pack's own ids (course + question or card id), so editing a pack keeps their history.

-- Where each item stands in the schedule: one row per card or question met in a lesson, updated in the same
-- transaction as the review that changed it.
CREATE TABLE review_items (
    course_id      TEXT NOT NULL REFERENCES courses(id),
    item_id        TEXT NOT NULL,
    kind           TEXT NOT NULL CHECK (kind IN ('card', 'question')),
    lesson_id      TEXT NOT NULL,
    stability      REAL NOT NULL CHECK (stability > 0),
    difficulty     REAL NOT NULL,
    due_at         INTEGER NOT NULL,
    last_review_at INTEGER NOT NULL,
    reps           INTEGER NOT NULL,
    lapses         INTEGER NOT NULL,
    -- The grade of the last graded review (1 Again … 4 Easy): after Again the item is relearning.
    last_rating    INTEGER NOT NULL DEFAULT 3 CHECK (last_rating BETWEEN 1 AND 4),
    -- A hash of the item's content at its last review: a different hash in the pack means the author edited it.
    content_hash   TEXT NOT NULL,
    PRIMARY KEY (course_id, item_id)
) WITHOUT ROWID;
CREATE INDEX review_items_by_due ON review_items (due_at);

-- Every review, graded or practice, never updated or deleted: what the FSRS optimizer fits parameters from.
CREATE TABLE review_log (
    id             INTEGER PRIMARY KEY,
    course_id      TEXT NOT NULL REFERENCES courses(id),
    item_id        TEXT NOT NULL,
    kind           TEXT NOT NULL CHECK (kind IN ('card', 'question')),
    lesson_id      TEXT NOT NULL,
    rating         INTEGER NOT NULL CHECK (rating BETWEEN 1 AND 4),
    -- A question's answer as given, in the author's words (empty for a skip or a card).
    response       TEXT NOT NULL DEFAULT '',
    reviewed_at    INTEGER NOT NULL,
    -- The learner's offset from UTC at the time, in minutes (for their local day).
    utc_offset_min INTEGER NOT NULL,
    duration_ms    INTEGER NOT NULL CHECK (duration_ms >= 0),
    -- learn: first met in a lesson; scheduled: due; early: before it was due; practice: a later attempt in the
    -- same sitting, recorded but not graded (the schedule did not change).
    review_kind    TEXT NOT NULL CHECK (review_kind IN ('learn', 'scheduled', 'early', 'practice')),
    content_hash   TEXT NOT NULL,
    -- FSRS state before the review, as the optimizer's review_state: 0 new, 1 learning, 2 review, 3 relearning.
    state_before   INTEGER NOT NULL CHECK (state_before BETWEEN 0 AND 3)
);
CREATE INDEX review_log_by_item ON review_log (course_id, item_id, reviewed_at);
CREATE INDEX review_log_by_time ON review_log (reviewed_at);

-- Personal FSRS parameters fitted by `morsel review --optimize`; none means FSRS-6's defaults.
CREATE TABLE fsrs_parameters (
    id         INTEGER PRIMARY KEY CHECK (id = 1),
    -- A JSON array of the 21 FSRS-6 weights.
    parameters TEXT NOT NULL,
    -- How many reviews they were fitted on, and when.
    reviews    INTEGER NOT NULL,
    fitted_at  INTEGER NOT NULL
);

-- Honest mastery: a question is known when its first attempt ever was right, or when a scheduled review (due, so at
-- least a day after the miss) got it right. A retry in the same sitting no longer counts. Past rounds are read by
-- this rule: known where the first attempt of round 1 was right.
ALTER TABLE question_progress ADD COLUMN known INTEGER NOT NULL DEFAULT 0 CHECK (known IN (0, 1));
UPDATE question_progress SET known = EXISTS (
    SELECT 1 FROM answers a
    WHERE a.course_id = question_progress.course_id AND a.question_id = question_progress.question_id
      AND a.round = 1 AND a.attempt = 1 AND a.correct = 1 AND a.skipped = 0
);
