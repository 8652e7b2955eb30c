-- morsel's progress database, schema 3: which xAPI statements each Learning Record Store accepted. A statement's id
-- is derived from the record it states (see `xapi`), so a row here says that record reached that LRS.
CREATE TABLE xapi_sent (
    -- The LRS's xAPI endpoint, as given to `morsel sync`, without a trailing slash.
    lrs          TEXT NOT NULL,
    statement_id TEXT NOT NULL,
    sent_at      INTEGER NOT NULL,
    PRIMARY KEY (lrs, statement_id)
) WITHOUT ROWID;
