-- Where each page of a follower list starts (plists), so that page N is
-- found without walking the (N-1) × ps entries before it: the owner's
-- deepest page of a million fans cost 195 × page 1 with OFFSET.
--
-- The list is `relations` with `fid` = the owner and `attribute` = 2 in
-- descending `seq` (a refreshed follow takes a new `seq` and moves to the
-- top). `follower_buckets` counts those rows by `seq` at four widths:
-- level L holds, for each range of 64^L consecutive `seq` values with at
-- least one follower, how many there are (bucket = seq >> 6L). A page's
-- start is found from the top: at each level at most 64 buckets (at the
-- top, one per 16.7 million `seq` values) are summed to find the one
-- holding the page's first row, then at most 63 index entries are
-- skipped (`store/sqlite/relations/lists.rs`). Kept by the triggers below
-- in the same statement, hence the same transaction, as every write to
-- `relations` (follows, unfollows, quiet follows, blocks, removing a fan,
-- bulk loads): one place, no writer can forget it.
CREATE TABLE follower_buckets (
    fid     INTEGER NOT NULL,
    level   INTEGER NOT NULL,
    bucket  INTEGER NOT NULL,
    n       INTEGER NOT NULL,
    PRIMARY KEY (fid, level, bucket)
) STRICT, WITHOUT ROWID;

CREATE TRIGGER follower_buckets_insert AFTER INSERT ON relations
WHEN NEW.attribute = 2
BEGIN
    INSERT INTO follower_buckets (fid, level, bucket, n)
        SELECT NEW.fid, l.level, NEW.seq >> (6 * l.level), 1
        FROM (SELECT 1 AS level UNION ALL SELECT 2 UNION ALL SELECT 3 UNION ALL SELECT 4) l
        WHERE true
        ON CONFLICT (fid, level, bucket) DO UPDATE SET n = n + 1;
END;

CREATE TRIGGER follower_buckets_delete AFTER DELETE ON relations
WHEN OLD.attribute = 2
BEGIN
    UPDATE follower_buckets SET n = n - 1 WHERE fid = OLD.fid AND level = 1 AND bucket = OLD.seq >> 6;
    UPDATE follower_buckets SET n = n - 1 WHERE fid = OLD.fid AND level = 2 AND bucket = OLD.seq >> 12;
    UPDATE follower_buckets SET n = n - 1 WHERE fid = OLD.fid AND level = 3 AND bucket = OLD.seq >> 18;
    UPDATE follower_buckets SET n = n - 1 WHERE fid = OLD.fid AND level = 4 AND bucket = OLD.seq >> 24;
    DELETE FROM follower_buckets WHERE fid = OLD.fid AND n = 0 AND bucket IN (OLD.seq >> 6, OLD.seq >> 12, OLD.seq >> 18, OLD.seq >> 24);
END;

CREATE TRIGGER follower_buckets_update_old AFTER UPDATE ON relations
WHEN OLD.attribute = 2
  AND (NEW.attribute != 2 OR OLD.seq != NEW.seq OR OLD.fid != NEW.fid)
BEGIN
    UPDATE follower_buckets SET n = n - 1 WHERE fid = OLD.fid AND level = 1 AND bucket = OLD.seq >> 6;
    UPDATE follower_buckets SET n = n - 1 WHERE fid = OLD.fid AND level = 2 AND bucket = OLD.seq >> 12;
    UPDATE follower_buckets SET n = n - 1 WHERE fid = OLD.fid AND level = 3 AND bucket = OLD.seq >> 18;
    UPDATE follower_buckets SET n = n - 1 WHERE fid = OLD.fid AND level = 4 AND bucket = OLD.seq >> 24;
    DELETE FROM follower_buckets WHERE fid = OLD.fid AND n = 0 AND bucket IN (OLD.seq >> 6, OLD.seq >> 12, OLD.seq >> 18, OLD.seq >> 24);
END;

CREATE TRIGGER follower_buckets_update_new AFTER UPDATE ON relations
WHEN NEW.attribute = 2
  AND (OLD.attribute != 2 OR OLD.seq != NEW.seq OR OLD.fid != NEW.fid)
BEGIN
    INSERT INTO follower_buckets (fid, level, bucket, n)
        SELECT NEW.fid, l.level, NEW.seq >> (6 * l.level), 1
        FROM (SELECT 1 AS level UNION ALL SELECT 2 UNION ALL SELECT 3 UNION ALL SELECT 4) l
        WHERE true
        ON CONFLICT (fid, level, bucket) DO UPDATE SET n = n + 1;
END;

-- What existed before this migration.
INSERT INTO follower_buckets (fid, level, bucket, n)
SELECT r.fid, l.level, r.seq >> (6 * l.level), COUNT(*)
FROM relations r,
     (SELECT 1 AS level UNION ALL SELECT 2 UNION ALL SELECT 3 UNION ALL SELECT 4) l
WHERE r.attribute = 2
GROUP BY r.fid, l.level, r.seq >> (6 * l.level);
