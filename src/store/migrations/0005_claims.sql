-- morsel's progress database: which player holds a course. Times are UTC milliseconds since the Unix epoch.

-- A player (`play`, `play --plain`) claims the course it opens: one row per course, refreshed (`beat_at`) every few
-- seconds while it plays and deleted when it closes. A second player finding a live claim asks the learner before
-- taking it over; a claim whose beat is old, or whose process is gone from this host, is stale and taken silently.
-- Every write of a player that holds a claim first checks that its `token` is still the course's.
CREATE TABLE claims (
    course_id  TEXT PRIMARY KEY,
    pid        INTEGER NOT NULL,
    host       TEXT NOT NULL,
    token      TEXT NOT NULL,
    started_at INTEGER NOT NULL,
    beat_at    INTEGER NOT NULL
) WITHOUT ROWID;
