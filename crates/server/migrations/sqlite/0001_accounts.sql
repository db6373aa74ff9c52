-- Users, their profiles and their login sessions.

CREATE TABLE users (
    mid            INTEGER PRIMARY KEY,
    uname          TEXT    NOT NULL UNIQUE,
    password_hash  TEXT,
    face           TEXT,                        -- NULL: the server's default avatar
    sign           TEXT    NOT NULL DEFAULT '',
    official_type  INTEGER NOT NULL DEFAULT -1,
    official_desc  TEXT    NOT NULL DEFAULT '',
    vip_type       INTEGER NOT NULL DEFAULT 0,
    vip_due_date   INTEGER NOT NULL DEFAULT 0,  -- milliseconds
    vip_status     INTEGER NOT NULL DEFAULT 0,
    created_at     INTEGER NOT NULL             -- unix seconds
) STRICT;

-- Only a SHA-256 of the SESSDATA token is stored.
CREATE TABLE login_sessions (
    token_hash  BLOB    PRIMARY KEY,
    mid         INTEGER NOT NULL REFERENCES users(mid),
    created_at  INTEGER NOT NULL,
    expires_at  INTEGER NOT NULL
) STRICT, WITHOUT ROWID;

CREATE INDEX login_sessions_by_mid ON login_sessions(mid);
