-- User relations: follows, quiet follows and blocks.
--
-- One row per (mid, fid) where mid has done something to fid. `attribute` is
-- mid's own action: 1 quiet follow, 2 follow, 128 blocked. Mutual following
-- (6) is not stored: it is 2 in both directions.
CREATE TABLE relations (
    mid        INTEGER NOT NULL,
    fid        INTEGER NOT NULL,
    attribute  INTEGER NOT NULL CHECK (attribute IN (1, 2, 128)),
    special    INTEGER NOT NULL DEFAULT 0,
    mtime      INTEGER NOT NULL,               -- unix seconds; refreshed when it becomes mutual
    PRIMARY KEY (mid, fid)
) STRICT, WITHOUT ROWID;
