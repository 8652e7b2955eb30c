-- morsel's progress database, schema 8: progress that follows the learner. `morsel sync` brings in this learner's
-- statements made on other machines; what it brought in is marked in `xapi_sent` (so it is never sent back), and
-- where the next pull starts is kept here, per LRS endpoint (normalised, as in `xapi_sent`).
CREATE TABLE xapi_pulls (
    lrs    TEXT PRIMARY KEY,
    -- The latest `stored` time the LRS gave (its own clock, ISO 8601), the next pull's `since`.
    stored TEXT NOT NULL
) WITHOUT ROWID;
