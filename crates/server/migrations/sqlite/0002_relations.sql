-- User relations: follows, quiet follows, blocks, and follow groups.
--
-- One row per (mid, fid) where mid has done something to fid. `attribute` is
-- mid's own action: 1 quiet follow, 2 follow, 128 blocked. Mutual following
-- (6) is not stored: it is 2 in both directions. Other code (private
-- messages) reads `SELECT attribute FROM relations WHERE mid=? AND fid=?`.
--
-- `seq` orders the lists ("newest relation first"). It comes from the single
-- counter in `relation_seq`, so it is unique and strictly increasing even when
-- two relations share an `mtime` second; it is renewed together with `mtime`
-- (when a relation is made, and when it becomes mutual).
CREATE TABLE relations (
    mid        INTEGER NOT NULL,
    fid        INTEGER NOT NULL,
    attribute  INTEGER NOT NULL CHECK (attribute IN (1, 2, 128)),
    special    INTEGER NOT NULL DEFAULT 0,     -- 1: in mid's special group (-10)
    mtime      INTEGER NOT NULL,               -- unix seconds; refreshed when it becomes mutual
    seq        INTEGER NOT NULL,
    PRIMARY KEY (mid, fid)
) STRICT, WITHOUT ROWID;

-- A page of someone's followings (whispers, blacklist) or followers is a
-- range of one of these indexes. With the primary key appended to every
-- index of a WITHOUT ROWID table, both are covering for the page keys, so
-- skipping to a page reads index entries only.
CREATE INDEX relations_by_mid ON relations(mid, attribute, seq);
CREATE INDEX relations_by_fid ON relations(fid, attribute, seq);

-- The counter behind `relations.seq` and `relation_stats.version`.
CREATE TABLE relation_seq (
    id     INTEGER PRIMARY KEY CHECK (id = 1),
    value  INTEGER NOT NULL
) STRICT;
INSERT INTO relation_seq (id, value) VALUES (1, 0);

-- Per-user counts, kept by the triggers below so that `total`, `stat` and
-- myinfo never count a list. `version` is the `relation_seq` value of the
-- last change touching the user (answered as `re_version`).
CREATE TABLE relation_stats (
    mid        INTEGER PRIMARY KEY,
    following  INTEGER NOT NULL DEFAULT 0,
    whisper    INTEGER NOT NULL DEFAULT 0,
    black      INTEGER NOT NULL DEFAULT 0,
    follower   INTEGER NOT NULL DEFAULT 0,
    version    INTEGER NOT NULL DEFAULT 0
) STRICT;

-- Follow groups a user made. Ids are global; 0 (default group) and -10
-- (special) are not rows here.
CREATE TABLE relation_tags (
    tagid  INTEGER PRIMARY KEY AUTOINCREMENT,
    mid    INTEGER NOT NULL,
    name   TEXT    NOT NULL,
    ctime  INTEGER NOT NULL,
    UNIQUE (mid, name)
) STRICT;

-- Which of mid's groups fid (whom mid follows) is in; tagid -10 is the
-- special group. A follow with no row here is in the default group (0).
CREATE TABLE relation_tag_members (
    mid    INTEGER NOT NULL,
    fid    INTEGER NOT NULL,
    tagid  INTEGER NOT NULL,
    seq    INTEGER NOT NULL,
    PRIMARY KEY (mid, fid, tagid)
) STRICT, WITHOUT ROWID;

CREATE INDEX relation_tag_members_by_tag ON relation_tag_members(mid, tagid, seq);

-- Counts and versions follow every change of `relations`.
CREATE TRIGGER relations_counted_insert AFTER INSERT ON relations
BEGIN
    INSERT INTO relation_stats (mid) VALUES (NEW.mid) ON CONFLICT (mid) DO NOTHING;
    INSERT INTO relation_stats (mid) VALUES (NEW.fid) ON CONFLICT (mid) DO NOTHING;
    UPDATE relation_stats SET
        following = following + (NEW.attribute = 2),
        whisper   = whisper   + (NEW.attribute = 1),
        black     = black     + (NEW.attribute = 128),
        version   = (SELECT value FROM relation_seq WHERE id = 1)
    WHERE mid = NEW.mid;
    UPDATE relation_stats SET
        follower  = follower  + (NEW.attribute = 2),
        version   = (SELECT value FROM relation_seq WHERE id = 1)
    WHERE mid = NEW.fid;
END;

CREATE TRIGGER relations_counted_delete AFTER DELETE ON relations
BEGIN
    UPDATE relation_stats SET
        following = following - (OLD.attribute = 2),
        whisper   = whisper   - (OLD.attribute = 1),
        black     = black     - (OLD.attribute = 128),
        version   = (SELECT value FROM relation_seq WHERE id = 1)
    WHERE mid = OLD.mid;
    UPDATE relation_stats SET
        follower  = follower  - (OLD.attribute = 2),
        version   = (SELECT value FROM relation_seq WHERE id = 1)
    WHERE mid = OLD.fid;
    -- Groups belong to the follow: gone with it.
    DELETE FROM relation_tag_members WHERE mid = OLD.mid AND fid = OLD.fid;
END;

CREATE TRIGGER relations_counted_update AFTER UPDATE ON relations
BEGIN
    UPDATE relation_stats SET
        following = following - (OLD.attribute = 2)   + (NEW.attribute = 2),
        whisper   = whisper   - (OLD.attribute = 1)   + (NEW.attribute = 1),
        black     = black     - (OLD.attribute = 128) + (NEW.attribute = 128),
        version   = (SELECT value FROM relation_seq WHERE id = 1)
    WHERE mid = NEW.mid;
    UPDATE relation_stats SET
        follower  = follower  - (OLD.attribute = 2)   + (NEW.attribute = 2),
        version   = (SELECT value FROM relation_seq WHERE id = 1)
    WHERE mid = NEW.fid;
END;

-- A relation that stops being a follow leaves every group.
CREATE TRIGGER relations_ungrouped AFTER UPDATE OF attribute ON relations
WHEN NEW.attribute != 2
BEGIN
    DELETE FROM relation_tag_members WHERE mid = NEW.mid AND fid = NEW.fid;
END;
