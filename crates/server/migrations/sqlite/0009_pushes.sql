-- Pushed messages: deliveries from the admin API to one user, a list, or
-- everyone, run in the background as jobs.
--
-- Storage model: fan-out on write with the content stored once. Each
-- receiver gets a message row of their own (seqno in their conversation
-- with the sender, key, status) pointing at one `shared_contents` row, and
-- their session moves; the sender's session moves only if it exists. So
-- a delivery to a million users costs a million small rows (no content
-- copies) written in batches, and reading stays what it is for any
-- message.

CREATE TABLE shared_contents (
    id       INTEGER PRIMARY KEY,
    content  TEXT NOT NULL
) STRICT;

-- NULL: the row's own `content`; else the shared content (`content` is '').
ALTER TABLE messages ADD COLUMN content_ref INTEGER REFERENCES shared_contents(id);
-- How an unread message counts: 0 a message, 1 a push, 2 a notification.
ALTER TABLE messages ADD COLUMN unread_kind INTEGER NOT NULL DEFAULT 0;

-- Of `unread_count`, the pushes and the notifications.
ALTER TABLE sessions ADD COLUMN push_unread INTEGER NOT NULL DEFAULT 0;
ALTER TABLE sessions ADD COLUMN biz_unread INTEGER NOT NULL DEFAULT 0;

CREATE TABLE push_jobs (
    id           INTEGER PRIMARY KEY,
    sender       INTEGER NOT NULL REFERENCES users(mid),
    msg_type     INTEGER NOT NULL,
    content_id   INTEGER NOT NULL REFERENCES shared_contents(id),
    msg_source   INTEGER NOT NULL,
    notify_code  TEXT    NOT NULL,
    unread_kind  INTEGER NOT NULL,
    to_everyone  INTEGER NOT NULL,           -- 0: the receivers in `push_receivers`
    last_mid     INTEGER NOT NULL,           -- everyone: up to this mid (the newest at creation)
    cursor       INTEGER NOT NULL DEFAULT 0, -- list: receivers done; everyone: the last mid done
    total        INTEGER NOT NULL,
    delivered    INTEGER NOT NULL DEFAULT 0,
    skipped      INTEGER NOT NULL DEFAULT 0,
    first_key    INTEGER,                    -- the first message delivered
    created_at   INTEGER NOT NULL,           -- microseconds
    finished_at  INTEGER                     -- microseconds; NULL while running
) STRICT;

CREATE INDEX push_jobs_running ON push_jobs(id) WHERE finished_at IS NULL;

-- The receivers of a job to a list, in the order given.
CREATE TABLE push_receivers (
    job_id  INTEGER NOT NULL REFERENCES push_jobs(id),
    pos     INTEGER NOT NULL,
    mid     INTEGER NOT NULL,
    PRIMARY KEY (job_id, pos)
) STRICT, WITHOUT ROWID;
