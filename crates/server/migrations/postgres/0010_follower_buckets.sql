-- Where each page of a follower list starts (plists), as on SQLite
-- (migrations/sqlite/0017_follower_buckets.sql says how): counts of the
-- owner's followers (`followers` rows with attribute 2) by `seq` at four
-- widths, 64^L `seq` values per bucket at level L. Kept by the trigger
-- below on `followers` (itself written by the trigger on `relations`), in
-- the same transaction as every relation write. Distribution: fid, beside
-- the owner's `followers`.
CREATE TABLE follower_buckets (
    fid     BIGINT NOT NULL,
    level   BIGINT NOT NULL,
    bucket  BIGINT NOT NULL,
    n       BIGINT NOT NULL,
    PRIMARY KEY (fid, level, bucket)
);

CREATE FUNCTION sixin_follower_buckets() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND (OLD.attribute = 2) = (NEW.attribute = 2)
       AND OLD.seq = NEW.seq AND OLD.fid = NEW.fid THEN
        RETURN NULL;
    END IF;
    IF TG_OP IN ('DELETE', 'UPDATE') AND OLD.attribute = 2 THEN
        UPDATE follower_buckets SET n = n - 1
        WHERE fid = OLD.fid AND (level, bucket) IN
            ((1, OLD.seq >> 6), (2, OLD.seq >> 12), (3, OLD.seq >> 18), (4, OLD.seq >> 24));
        DELETE FROM follower_buckets
        WHERE fid = OLD.fid AND n = 0 AND (level, bucket) IN
            ((1, OLD.seq >> 6), (2, OLD.seq >> 12), (3, OLD.seq >> 18), (4, OLD.seq >> 24));
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') AND NEW.attribute = 2 THEN
        INSERT INTO follower_buckets (fid, level, bucket, n)
        VALUES (NEW.fid, 1, NEW.seq >> 6, 1), (NEW.fid, 2, NEW.seq >> 12, 1),
               (NEW.fid, 3, NEW.seq >> 18, 1), (NEW.fid, 4, NEW.seq >> 24, 1)
        ON CONFLICT (fid, level, bucket) DO UPDATE SET n = follower_buckets.n + 1;
    END IF;
    RETURN NULL;
END
$$;

CREATE TRIGGER followers_bucketed AFTER INSERT OR UPDATE OR DELETE ON followers
    FOR EACH ROW EXECUTE FUNCTION sixin_follower_buckets();

-- migrate-data empties `relations` with TRUNCATE, which empties
-- `followers` the same way (migration 0006): the counts go with them.
CREATE FUNCTION sixin_followers_truncated() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    TRUNCATE follower_buckets;
    RETURN NULL;
END
$$;

CREATE TRIGGER followers_truncated AFTER TRUNCATE ON followers
    FOR EACH STATEMENT EXECUTE FUNCTION sixin_followers_truncated();

-- What existed before this migration.
INSERT INTO follower_buckets (fid, level, bucket, n)
SELECT f.fid, l.level, f.seq >> (6 * l.level)::INT, COUNT(*)
FROM followers f, (VALUES (1), (2), (3), (4)) AS l(level)
WHERE f.attribute = 2
GROUP BY f.fid, l.level, f.seq >> (6 * l.level)::INT;
