-- Fan groups (粉丝团): the group, its members, and mentions.
--
-- A group's messages are a conversation of kind 2 (a = the group id, b = 0)
-- with seqnos of its own. Each member has a session (session_type 2,
-- talker_id the group id) that every message moves: fan-out on write, one
-- session row per member and message.

CREATE TABLE fan_groups (
    id          INTEGER PRIMARY KEY,
    owner       INTEGER NOT NULL REFERENCES users(mid),
    name        TEXT    NOT NULL,
    cover       TEXT,                                -- NULL: the default avatar
    group_type  INTEGER NOT NULL CHECK (group_type IN (0, 2)),
    frozen      INTEGER NOT NULL DEFAULT 0,
    dissolved   INTEGER NOT NULL DEFAULT 0,          -- members keep their rows
    created_at  INTEGER NOT NULL                     -- microseconds
) STRICT;

-- Current members; leaving deletes the row (the session stays, unlisted).
-- `seq` orders members by when they joined.
CREATE TABLE group_members (
    group_id  INTEGER NOT NULL REFERENCES fan_groups(id),
    mid       INTEGER NOT NULL REFERENCES users(mid),
    seq       INTEGER NOT NULL,
    joined_at INTEGER NOT NULL,                      -- microseconds
    PRIMARY KEY (group_id, mid)
) STRICT, WITHOUT ROWID;

CREATE INDEX group_members_by_mid ON group_members(mid);

-- The newest unread message mentioning the session's owner (groups only).
ALTER TABLE sessions ADD COLUMN at_seqno INTEGER NOT NULL DEFAULT 0;

-- A recall or a withdrawal in a group adjusts every member's session.
CREATE INDEX sessions_by_conversation ON sessions(conversation_id);
