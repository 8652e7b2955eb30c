-- morsel's progress database: each time box started ("I have N minutes": `play --minutes N`, `review --minutes N`,
-- the full screen's time box), with the minutes planned, once per course it plans work from. Its used minutes are
-- the active time of the sitting it falls in (`export::xapi::sittings`). `IF NOT EXISTS`: this migration does not
-- depend on the one before it, so it may be ordered after any other.
CREATE TABLE IF NOT EXISTS timeboxes (
    course_id       TEXT NOT NULL,
    -- When the box was planned and started, UTC milliseconds.
    started_at      INTEGER NOT NULL,
    planned_minutes INTEGER NOT NULL,
    -- 1 for `review --minutes` (reviews only).
    reviews_only    INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (course_id, started_at)
) WITHOUT ROWID;
