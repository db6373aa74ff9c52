-- The reverse of `relations`, so that no hot-path query filters
-- `relations` by `fid` (docs/scaling.md, plan step 2).
--
-- `relations` is distributed by `mid` (who acted): a user's followings,
-- whispers and blacklist are one shard, but their followers are the rows
-- with `fid = them` on every shard. `followers` holds every row of
-- `relations` again, keyed the other way round. Distribution: fid. A
-- follower list, a fans page, the new-followers count and the other
-- side's relation in any list (`mid = them AND fid = me`) read it on the
-- owner's shard.
--
-- It is written by the trigger below in the same statement, hence the
-- same transaction, as every write to `relations` (follows, unfollows,
-- quiet follows, blocks, removing a fan, special marks, bulk changes,
-- migrate-data's copy), exactly as `relation_stats` is: one place, no
-- writer can forget it.
CREATE TABLE followers (
    fid        BIGINT  NOT NULL,
    mid        BIGINT  NOT NULL,
    attribute  BIGINT  NOT NULL,
    special    BOOLEAN NOT NULL,
    mtime      BIGINT  NOT NULL,
    seq        BIGINT  NOT NULL,
    made_seq   BIGINT  NOT NULL,
    PRIMARY KEY (fid, mid)
);
CREATE INDEX followers_by_seq ON followers(fid, attribute, seq);
CREATE INDEX followers_fans ON followers(fid, attribute, mtime, mid);

CREATE FUNCTION sixin_relations_reversed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' OR (TG_OP = 'UPDATE' AND (OLD.mid, OLD.fid) <> (NEW.mid, NEW.fid)) THEN
        DELETE FROM followers WHERE fid = OLD.fid AND mid = OLD.mid;
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        INSERT INTO followers (fid, mid, attribute, special, mtime, seq, made_seq)
        VALUES (NEW.fid, NEW.mid, NEW.attribute, NEW.special, NEW.mtime, NEW.seq, NEW.made_seq)
        ON CONFLICT (fid, mid) DO UPDATE SET
            attribute = excluded.attribute, special = excluded.special,
            mtime = excluded.mtime, seq = excluded.seq, made_seq = excluded.made_seq;
    END IF;
    RETURN NULL;
END
$$;

CREATE TRIGGER relations_reversed AFTER INSERT OR UPDATE OR DELETE ON relations
    FOR EACH ROW EXECUTE FUNCTION sixin_relations_reversed();

-- migrate-data empties a target it replaces with TRUNCATE, which fires no
-- row trigger: the reverse goes with it.
CREATE FUNCTION sixin_relations_truncated() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    TRUNCATE followers;
    RETURN NULL;
END
$$;

CREATE TRIGGER relations_truncated AFTER TRUNCATE ON relations
    FOR EACH STATEMENT EXECUTE FUNCTION sixin_relations_truncated();

-- What existed before this migration.
INSERT INTO followers (fid, mid, attribute, special, mtime, seq, made_seq)
SELECT fid, mid, attribute, special, mtime, seq, made_seq FROM relations;

-- Nothing reads `relations` by `fid` any more.
DROP INDEX relations_by_fid;
DROP INDEX relations_fans;
