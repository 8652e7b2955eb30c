-- morsel's progress database, schema 6: exact resume, and right on the first try apart from known.

-- The exercise (question or card id) on screen in the saved bite when the learner left it; NULL for the bite's text.
ALTER TABLE positions ADD COLUMN exercise TEXT;

-- The question's very first attempt (round 1, attempt 1) was right: "right on the first try", whatever came after.
-- `known` (what mastery counts) also takes a scheduled review answered right.
ALTER TABLE question_progress ADD COLUMN first_try INTEGER NOT NULL DEFAULT 0 CHECK (first_try IN (0, 1));
UPDATE question_progress SET first_try = EXISTS (
    SELECT 1 FROM answers a
    WHERE a.course_id = question_progress.course_id AND a.question_id = question_progress.question_id
      AND a.round = 1 AND a.attempt = 1 AND a.correct = 1 AND a.skipped = 0
);
