-- Automatic replies: one text per kind (1 on being followed, 3 on
-- receiving a message, 5 on a new guard) and keyword rules (kind 2).

CREATE TABLE auto_replies (
    id     INTEGER PRIMARY KEY,
    mid    INTEGER NOT NULL REFERENCES users(mid),
    kind   INTEGER NOT NULL CHECK (kind IN (1, 2, 3, 5)),
    title  TEXT    NOT NULL DEFAULT '',
    key1   TEXT    NOT NULL DEFAULT '',
    key2   TEXT    NOT NULL DEFAULT '',
    reply  TEXT    NOT NULL,
    ctime  INTEGER NOT NULL                 -- unix seconds
) STRICT;

CREATE INDEX auto_replies_by_mid ON auto_replies(mid, id);
