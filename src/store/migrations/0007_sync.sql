-- morsel's progress database, schema 7: what `morsel sync` set aside and when it last ran, per LRS endpoint. The
-- endpoint is the normalised one (lower-case scheme and host, no default port, no trailing slash, no credentials),
-- as in `xapi_sent` from this version on; rows of older spellings are moved to it by the next sync.
CREATE TABLE xapi_rejected (
    lrs          TEXT NOT NULL,
    statement_id TEXT NOT NULL,
    -- The LRS's HTTP status (409 Conflict, 400 Bad Request, 413 Payload Too Large) and its message.
    status       INTEGER NOT NULL,
    message      TEXT NOT NULL,
    rejected_at  INTEGER NOT NULL,
    PRIMARY KEY (lrs, statement_id)
) WITHOUT ROWID;

CREATE TABLE xapi_syncs (
    lrs         TEXT PRIMARY KEY,
    -- The last sync's start, whatever its outcome; the last one that left nothing waiting (rejected aside).
    last_at     INTEGER NOT NULL,
    complete_at INTEGER
) WITHOUT ROWID;
