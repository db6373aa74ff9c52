-- Fans paged by cursor, new followers since the last look, and message
-- block words.

-- `made_seq`: the `seq` a relation was made with (`seq` itself is renewed
-- when a follow becomes mutual; this is not). A follower is new to someone
-- who last looked at `follower_views.seen_seq` when `made_seq` is later.
-- Relations made before this column existed count as made at their `seq`.
ALTER TABLE relations ADD COLUMN made_seq INTEGER NOT NULL DEFAULT 0;
UPDATE relations SET made_seq = seq;

-- `fans` pages a user's followers newest follow first (`mtime`, then mid),
-- from the top or after an `{mtime}:{mid}` cursor: a range of this index.
CREATE INDEX relations_fans ON relations(fid, attribute, mtime, mid);

-- When a user last looked at their followers, and the relation `seq` they
-- saw up to (their `re_version` then). No row: never.
CREATE TABLE follower_views (
    mid       INTEGER PRIMARY KEY,
    seen_at   INTEGER NOT NULL,            -- unix seconds
    seen_seq  INTEGER NOT NULL
) STRICT;

-- Words a user does not want to see in the messages they receive.
CREATE TABLE message_block_words (
    id        INTEGER PRIMARY KEY,         -- order of addition
    mid       INTEGER NOT NULL,
    word      TEXT    NOT NULL,            -- as typed
    word_key  TEXT    NOT NULL,            -- what identifies it (lower case)
    ctime     INTEGER NOT NULL,            -- unix seconds
    UNIQUE (mid, word_key)
) STRICT;
