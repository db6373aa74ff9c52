-- Each sender's rate-limit state (the burst window and recent refusals),
-- read and written inside the send's transaction, so that the limit holds
-- across restarts (and, on a shared database, across nodes).
CREATE TABLE send_rates (
    mid           INTEGER PRIMARY KEY,
    window_start  INTEGER NOT NULL,        -- unix seconds
    count         INTEGER NOT NULL,
    strikes       TEXT    NOT NULL         -- JSON array of unix seconds
) STRICT;
