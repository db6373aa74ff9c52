-- Versions that reveal only what their reader may see.
--
-- `relation_stats.version` (the owner's own `re_version`) used to take the
-- counter's value at every change touching the user, from either side, so
-- that it moved when someone quietly followed or blocked them. Now it moves
-- with the user's own changes and with the changes of others the user can
-- see: an open follow of them made, ended or refreshed. It still reaches
-- the `made_seq` of every follower, which `follower_views` relies on.
--
-- `public_version` is what everyone else is shown: a count of the changes
-- anyone can see in the user's followings and followers lists (open follows
-- made, ended or refreshed, by or of the user). A count, not the global
-- counter, so that it says nothing about anyone's other activity.

ALTER TABLE relation_stats ADD COLUMN public_version INTEGER NOT NULL DEFAULT 0;

DROP TRIGGER relations_counted_insert;
DROP TRIGGER relations_counted_delete;
DROP TRIGGER relations_counted_update;

CREATE TRIGGER relations_counted_insert AFTER INSERT ON relations
BEGIN
    INSERT INTO relation_stats (mid) VALUES (NEW.mid) ON CONFLICT (mid) DO NOTHING;
    INSERT INTO relation_stats (mid) VALUES (NEW.fid) ON CONFLICT (mid) DO NOTHING;
    UPDATE relation_stats SET
        following      = following + (NEW.attribute = 2),
        whisper        = whisper   + (NEW.attribute = 1),
        black          = black     + (NEW.attribute = 128),
        version        = (SELECT value FROM relation_seq WHERE id = 1),
        public_version = public_version + (NEW.attribute = 2)
    WHERE mid = NEW.mid;
    UPDATE relation_stats SET
        follower       = follower + (NEW.attribute = 2),
        version        = CASE WHEN NEW.attribute = 2
                              THEN (SELECT value FROM relation_seq WHERE id = 1)
                              ELSE version END,
        public_version = public_version + (NEW.attribute = 2)
    WHERE mid = NEW.fid;
END;

CREATE TRIGGER relations_counted_delete AFTER DELETE ON relations
BEGIN
    UPDATE relation_stats SET
        following      = following - (OLD.attribute = 2),
        whisper        = whisper   - (OLD.attribute = 1),
        black          = black     - (OLD.attribute = 128),
        version        = (SELECT value FROM relation_seq WHERE id = 1),
        public_version = public_version + (OLD.attribute = 2)
    WHERE mid = OLD.mid;
    UPDATE relation_stats SET
        follower       = follower - (OLD.attribute = 2),
        version        = CASE WHEN OLD.attribute = 2
                              THEN (SELECT value FROM relation_seq WHERE id = 1)
                              ELSE version END,
        public_version = public_version + (OLD.attribute = 2)
    WHERE mid = OLD.fid;
    -- Groups belong to the follow: gone with it.
    DELETE FROM relation_tag_members WHERE mid = OLD.mid AND fid = OLD.fid;
END;

-- Seen by others: an open follow that starts, ends or moves (refreshed).
-- Marking someone special, quiet follows and blocks are not.
CREATE TRIGGER relations_counted_update AFTER UPDATE ON relations
BEGIN
    UPDATE relation_stats SET
        following      = following - (OLD.attribute = 2)   + (NEW.attribute = 2),
        whisper        = whisper   - (OLD.attribute = 1)   + (NEW.attribute = 1),
        black          = black     - (OLD.attribute = 128) + (NEW.attribute = 128),
        version        = (SELECT value FROM relation_seq WHERE id = 1),
        public_version = public_version
            + ((OLD.attribute = 2 OR NEW.attribute = 2)
               AND (OLD.attribute != NEW.attribute OR OLD.seq != NEW.seq))
    WHERE mid = NEW.mid;
    UPDATE relation_stats SET
        follower       = follower - (OLD.attribute = 2) + (NEW.attribute = 2),
        version        = CASE WHEN (OLD.attribute = 2 OR NEW.attribute = 2)
                                   AND (OLD.attribute != NEW.attribute OR OLD.seq != NEW.seq)
                              THEN (SELECT value FROM relation_seq WHERE id = 1)
                              ELSE version END,
        public_version = public_version
            + ((OLD.attribute = 2 OR NEW.attribute = 2)
               AND (OLD.attribute != NEW.attribute OR OLD.seq != NEW.seq))
    WHERE mid = NEW.fid;
END;
