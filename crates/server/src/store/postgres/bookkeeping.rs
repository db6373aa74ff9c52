//! Rows derived from others, written by the writers of the rows they come
//! from, in the same transaction (until migration 0012 triggers wrote them;
//! Citus does not run a trigger that writes another distributed table).
//!
//! - From `relations` (distributed by `mid`): the actor's counts and
//!   versions in `relation_stats`, their unread version when the relation
//!   is to a talker with unread messages (`unread_versions`, `sessions`),
//!   the groups a relation leaves (`relation_tag_members`): all on the
//!   actor's shard. Then the reverse row in `followers` (by `fid`), the
//!   target's `follower_buckets` and the target's counts and versions:
//!   all on the target's shard. So a relation write is two statements,
//!   each about one user, run in that order ([`relation`]).
//! - From `group_members` and `fan_groups`, `system_accounts`: a bump of
//!   the unread version of the member, or of everyone (owner 0)
//!   ([`BUMP_UNREAD`]), issued where the writer knows that a row changed.
//!
//! Each statement reads the row as it was before (a CTE sees the
//! statement's snapshot) and as it is after (`RETURNING`), and derives
//! exactly what the row triggers of migrations 0001/0004, 0006, 0009 and
//! 0010 derived from `OLD` and `NEW`; those functions are the
//! specification. The same tails serve one row (a follow) and many (the
//! rows `migrate-data` copies, [`relations_inserted`]).

use std::sync::LazyLock;

use tokio_postgres::{GenericClient, Row};

use super::{Param, Pipeline};
use crate::domain::relation::Attribute;
use crate::domain::Mid;
use crate::store::StoreError;

/// Adds one to the unread version of `$1` (0: everyone's), as the unread
/// totals a node keeps read it.
pub(super) const BUMP_UNREAD: &str = "INSERT INTO unread_versions (owner, version) VALUES ($1, 1)
     ON CONFLICT (owner) DO UPDATE SET version = unread_versions.version + 1";

/// Whether others see a change of a relation from `(oa, os)` to `(na, ns)`
/// (attribute and seq; NULLs: no row): an open follow starts, ends or
/// moves. Special marks, quiet follows and blocks are not seen.
const SEEN: &str = "CASE WHEN oa IS NULL THEN na = 2 WHEN na IS NULL THEN oa = 2
          ELSE (oa = 2 OR na = 2) AND (oa <> na OR os <> ns) END";

/// The actor's side of a change, after a CTE `w(mid, fid, oa, os, na, ns)`
/// of the changed relations (one row each; `oa, os` NULL for a new one,
/// `na, ns` NULL for one gone): the actor's counts, their version (`{v}`,
/// the counter's value of this change) and public version, and their
/// unread version when the relation is to a talker with unread messages
/// (it decides which of them a session list filter shows). Every table is
/// by `mid` (`sessions`, `unread_versions` by owner).
fn actor_tail(v: &str) -> String {
    format!(
        ", actor_change AS (
            SELECT mid, fid, oa, na, {SEEN} AS seen FROM w
        ), actor_stats AS (
            INSERT INTO relation_stats AS s (mid, following, whisper, black, version, public_version)
            SELECT mid,
                SUM((na IS NOT DISTINCT FROM 2)::INT - (oa IS NOT DISTINCT FROM 2)::INT),
                SUM((na IS NOT DISTINCT FROM 1)::INT - (oa IS NOT DISTINCT FROM 1)::INT),
                SUM((na IS NOT DISTINCT FROM 128)::INT - (oa IS NOT DISTINCT FROM 128)::INT),
                {v}::BIGINT, COUNT(*) FILTER (WHERE seen)
            FROM actor_change GROUP BY mid
            ON CONFLICT (mid) DO UPDATE SET
                following = s.following + excluded.following,
                whisper = s.whisper + excluded.whisper,
                black = s.black + excluded.black,
                version = excluded.version,
                public_version = s.public_version + excluded.public_version
        ), actor_unread AS (
            INSERT INTO unread_versions AS u (owner, version)
            SELECT mid, COUNT(*) FROM actor_change c
            WHERE oa IS DISTINCT FROM na AND EXISTS (
                SELECT 1 FROM sessions s WHERE s.owner = c.mid AND s.session_type = 1
                AND s.talker_id = c.fid AND s.unread_count > 0)
            GROUP BY mid
            ON CONFLICT (owner) DO UPDATE SET version = u.version + excluded.version
        )
        SELECT COUNT(*) FROM w"
    )
}

/// The target's side of a change, after a CTE `w` as for [`actor_tail`]
/// of the changed `followers` rows: the target's follower count, their
/// version and public version when others see the change, and the counts
/// of their follower buckets (an emptied bucket's row goes). Every table
/// is by `fid`.
fn target_tail(v: &str) -> String {
    format!(
        ", target_change AS (
            SELECT fid, oa, os, na, ns, {SEEN} AS seen,
                (oa IS NULL OR na IS NULL OR (oa = 2) <> (na = 2) OR os <> ns) AS moved
            FROM w
        ), target_stats AS (
            INSERT INTO relation_stats AS s (mid, follower, version, public_version)
            SELECT fid,
                SUM((na IS NOT DISTINCT FROM 2)::INT - (oa IS NOT DISTINCT FROM 2)::INT),
                CASE WHEN bool_or(seen) THEN {v}::BIGINT ELSE 0 END,
                COUNT(*) FILTER (WHERE seen)
            FROM target_change GROUP BY fid
            ON CONFLICT (mid) DO UPDATE SET
                follower = s.follower + excluded.follower,
                version = CASE WHEN excluded.public_version > 0 THEN excluded.version
                               ELSE s.version END,
                public_version = s.public_version + excluded.public_version
        ), bucket_change AS (
            SELECT c.fid, l.level, c.seq >> (6 * l.level) AS bucket, SUM(c.delta) AS delta
            FROM (SELECT fid, os AS seq, -1 AS delta FROM target_change WHERE moved AND oa = 2
                  UNION ALL
                  SELECT fid, ns, 1 FROM target_change WHERE moved AND na = 2) c,
                 (VALUES (1), (2), (3), (4)) AS l(level)
            GROUP BY 1, 2, 3
            HAVING SUM(c.delta) <> 0
        ), buckets_emptied AS (
            DELETE FROM follower_buckets b USING bucket_change d
            WHERE b.fid = d.fid AND b.level = d.level AND b.bucket = d.bucket
              AND b.n + d.delta <= 0
        ), buckets_counted AS (
            INSERT INTO follower_buckets AS b (fid, level, bucket, n)
            SELECT d.fid, d.level, d.bucket, d.delta FROM bucket_change d
            WHERE d.delta > 0 OR EXISTS (
                SELECT 1 FROM follower_buckets e
                WHERE e.fid = d.fid AND e.level = d.level AND e.bucket = d.bucket
                  AND e.n + d.delta > 0)
            ON CONFLICT (fid, level, bucket) DO UPDATE SET n = b.n + excluded.n
        )
        SELECT COUNT(*) FROM w"
    )
}

/// One write to a relation, as a plan or a tag edit makes it.
#[derive(Debug, Clone, Copy)]
pub(super) enum RelationChange {
    /// Make (or remake) it: this attribute, `mtime` now, the seq of the
    /// change as `seq` and `made_seq`, not special.
    Put(Attribute),
    /// `mtime` now and the seq of the change.
    Refresh,
    /// End it.
    Delete,
    /// Mark it special or not.
    Special(bool),
}

// The statements of each change: `$1` the actor's mid on their side and
// the target's on theirs, `$2` the other, `$3` the counter's value of the
// change, then the change's own: the attribute and now (put), now
// (refresh), the mark (special).

static ACTOR_PUT: LazyLock<String> = LazyLock::new(|| {
    "WITH old AS (
        SELECT attribute, seq FROM relations WHERE mid = $1 AND fid = $2
    ), put AS (
        INSERT INTO relations (mid, fid, attribute, special, mtime, seq, made_seq)
        VALUES ($1, $2, $4, FALSE, $5, $3, $3)
        ON CONFLICT (mid, fid) DO UPDATE SET
            attribute = excluded.attribute, special = FALSE,
            mtime = excluded.mtime, seq = excluded.seq, made_seq = excluded.made_seq
        RETURNING mid, fid, attribute, seq
    ), w AS (
        SELECT put.mid, put.fid, old.attribute AS oa, old.seq AS os,
               put.attribute AS na, put.seq AS ns
        FROM put LEFT JOIN old ON TRUE
    ), ungrouped AS (
        -- A remade relation is in no group (one that stops being a follow
        -- leaves them; a follow remade as one is out of them too).
        DELETE FROM relation_tag_members WHERE mid = $1 AND fid = $2
    )"
    .to_owned()
        + &actor_tail("$3")
});

static ACTOR_REFRESH: LazyLock<String> = LazyLock::new(|| {
    "WITH w AS (
        UPDATE relations r SET mtime = $4, seq = $3
        FROM (SELECT attribute, seq FROM relations WHERE mid = $1 AND fid = $2) old
        WHERE r.mid = $1 AND r.fid = $2
        RETURNING r.mid, r.fid, old.attribute AS oa, old.seq AS os,
                  r.attribute AS na, r.seq AS ns
    )"
    .to_owned()
        + &actor_tail("$3")
});

static ACTOR_DELETE: LazyLock<String> = LazyLock::new(|| {
    "WITH w AS (
        DELETE FROM relations WHERE mid = $1 AND fid = $2
        RETURNING mid, fid, attribute AS oa, seq AS os, NULL::BIGINT AS na, NULL::BIGINT AS ns
    ), ungrouped AS (
        -- Groups belong to the relation: gone with it.
        DELETE FROM relation_tag_members
        WHERE mid = $1 AND fid = $2 AND EXISTS (SELECT 1 FROM w)
    )"
    .to_owned()
        + &actor_tail("$3")
});

static ACTOR_SPECIAL: LazyLock<String> = LazyLock::new(|| {
    "WITH w AS (
        UPDATE relations SET special = $4 WHERE mid = $1 AND fid = $2 AND special <> $4
        RETURNING mid, fid, attribute AS oa, seq AS os, attribute AS na, seq AS ns
    )"
    .to_owned()
        + &actor_tail("$3")
});

static TARGET_PUT: LazyLock<String> = LazyLock::new(|| {
    "WITH old AS (
        SELECT attribute, seq FROM followers WHERE fid = $1 AND mid = $2
    ), put AS (
        INSERT INTO followers (fid, mid, attribute, special, mtime, seq, made_seq)
        VALUES ($1, $2, $4, FALSE, $5, $3, $3)
        ON CONFLICT (fid, mid) DO UPDATE SET
            attribute = excluded.attribute, special = FALSE,
            mtime = excluded.mtime, seq = excluded.seq, made_seq = excluded.made_seq
        RETURNING mid, fid, attribute, seq
    ), w AS (
        SELECT put.mid, put.fid, old.attribute AS oa, old.seq AS os,
               put.attribute AS na, put.seq AS ns
        FROM put LEFT JOIN old ON TRUE
    )"
    .to_owned()
        + &target_tail("$3")
});

static TARGET_REFRESH: LazyLock<String> = LazyLock::new(|| {
    "WITH w AS (
        UPDATE followers f SET mtime = $4, seq = $3
        FROM (SELECT attribute, seq FROM followers WHERE fid = $1 AND mid = $2) old
        WHERE f.fid = $1 AND f.mid = $2
        RETURNING f.mid, f.fid, old.attribute AS oa, old.seq AS os,
                  f.attribute AS na, f.seq AS ns
    )"
    .to_owned()
        + &target_tail("$3")
});

static TARGET_DELETE: LazyLock<String> = LazyLock::new(|| {
    "WITH w AS (
        DELETE FROM followers WHERE fid = $1 AND mid = $2
        RETURNING mid, fid, attribute AS oa, seq AS os, NULL::BIGINT AS na, NULL::BIGINT AS ns
    )"
    .to_owned()
        + &target_tail("$3")
});

/// A special mark changes no count, version or bucket of the target's:
/// only their copy of the row.
const TARGET_SPECIAL: &str = "UPDATE followers SET special = $3
     WHERE fid = $1 AND mid = $2 AND special <> $3";

/// Adds the two statements of `change` to `mid`'s relation to `fid`: the
/// actor's side, then the target's. `version` is the counter's value of
/// the change (the last step's, else the counter's current value).
pub(super) fn relation(
    p: &mut Pipeline,
    mid: Mid,
    fid: Mid,
    change: RelationChange,
    now: i64,
    version: i64,
) {
    let (m, f) = (mid.as_i64(), fid.as_i64());
    let sides: [(&str, Vec<Param>); 2] = match change {
        RelationChange::Put(attribute) => [
            (
                &ACTOR_PUT,
                vec![
                    Box::new(m),
                    Box::new(f),
                    Box::new(version),
                    Box::new(attribute.code()),
                    Box::new(now),
                ],
            ),
            (
                &TARGET_PUT,
                vec![
                    Box::new(f),
                    Box::new(m),
                    Box::new(version),
                    Box::new(attribute.code()),
                    Box::new(now),
                ],
            ),
        ],
        RelationChange::Refresh => [
            (
                &ACTOR_REFRESH,
                vec![Box::new(m), Box::new(f), Box::new(version), Box::new(now)],
            ),
            (
                &TARGET_REFRESH,
                vec![Box::new(f), Box::new(m), Box::new(version), Box::new(now)],
            ),
        ],
        RelationChange::Delete => [
            (
                &ACTOR_DELETE,
                vec![Box::new(m), Box::new(f), Box::new(version)],
            ),
            (
                &TARGET_DELETE,
                vec![Box::new(f), Box::new(m), Box::new(version)],
            ),
        ],
        RelationChange::Special(special) => [
            (
                &ACTOR_SPECIAL,
                vec![
                    Box::new(m),
                    Box::new(f),
                    Box::new(version),
                    Box::new(special),
                ],
            ),
            (
                TARGET_SPECIAL,
                vec![Box::new(f), Box::new(m), Box::new(special)],
            ),
        ],
    };
    for (sql, params) in sides {
        p.push(sql, params);
    }
}

/// The columns of `relations`, in order: what [`relations_inserted`] reads
/// from each row.
pub const RELATION_COLUMNS: &str = "mid, fid, attribute, special, mtime, seq, made_seq";

/// The actor's side of relations just inserted (`$1` mids, `$2` fids,
/// `$3` the counter's value, `$4` attributes, `$5` seqs).
static ACTORS_INSERTED: LazyLock<String> = LazyLock::new(|| {
    "WITH w AS (
        SELECT mid, fid, NULL::BIGINT AS oa, NULL::BIGINT AS os, attribute AS na, seq AS ns
        FROM unnest($1::BIGINT[], $2::BIGINT[], $4::BIGINT[], $5::BIGINT[])
            AS u(mid, fid, attribute, seq)
    )"
    .to_owned()
        + &actor_tail("$3")
});

/// Their reverse rows and the targets' side (`$1` mids, `$2` fids, `$3`
/// the counter's value, `$4`... the other columns of `relations`).
static TARGETS_INSERTED: LazyLock<String> = LazyLock::new(|| {
    "WITH r AS (
        SELECT * FROM unnest($1::BIGINT[], $2::BIGINT[], $4::BIGINT[], $5::BOOLEAN[],
                             $6::BIGINT[], $7::BIGINT[], $8::BIGINT[])
            AS u(mid, fid, attribute, special, mtime, seq, made_seq)
    ), old AS (
        SELECT f.mid, f.fid, f.attribute, f.seq FROM followers f JOIN r USING (fid, mid)
    ), put AS (
        INSERT INTO followers (fid, mid, attribute, special, mtime, seq, made_seq)
        SELECT fid, mid, attribute, special, mtime, seq, made_seq FROM r
        ON CONFLICT (fid, mid) DO UPDATE SET
            attribute = excluded.attribute, special = excluded.special,
            mtime = excluded.mtime, seq = excluded.seq, made_seq = excluded.made_seq
        RETURNING mid, fid, attribute, seq
    ), w AS (
        SELECT put.mid, put.fid, old.attribute AS oa, old.seq AS os,
               put.attribute AS na, put.seq AS ns
        FROM put LEFT JOIN old ON old.mid = put.mid AND old.fid = put.fid
    )"
    .to_owned()
        + &target_tail("$3")
});

/// Writes what rows just inserted into `relations` imply elsewhere (their
/// reverse rows, counts, versions, follower buckets, unread versions), as
/// the triggers did for a bulk insert: `rows` as `RETURNING`
/// [`RELATION_COLUMNS`] gave them. `migrate-data` copies relations this
/// way, and tests that fill a database directly call it.
pub async fn relations_inserted(c: &impl GenericClient, rows: &[Row]) -> Result<(), StoreError> {
    if rows.is_empty() {
        return Ok(());
    }
    let column = |i: usize| -> Vec<i64> { rows.iter().map(|r| r.get(i)).collect() };
    let (mids, fids, attributes, mtimes, seqs, made) = (
        column(0),
        column(1),
        column(2),
        column(4),
        column(5),
        column(6),
    );
    let special: Vec<bool> = rows.iter().map(|r| r.get(3)).collect();
    let version: i64 = c
        .query_one("SELECT sixin_relation_version()", &[])
        .await?
        .get(0);
    c.query(
        ACTORS_INSERTED.as_str(),
        &[&mids, &fids, &version, &attributes, &seqs],
    )
    .await?;
    c.query(
        TARGETS_INSERTED.as_str(),
        &[
            &mids,
            &fids,
            &version,
            &attributes,
            &special,
            &mtimes,
            &seqs,
            &made,
        ],
    )
    .await?;
    Ok(())
}

/// Bumps the unread version of each of `owners` once per time it is
/// named (as one row trigger per row did).
pub(super) async fn bump_unread_of(
    c: &impl GenericClient,
    owners: &[i64],
) -> Result<(), StoreError> {
    if owners.is_empty() {
        return Ok(());
    }
    c.execute(
        "INSERT INTO unread_versions AS u (owner, version)
         SELECT owner, COUNT(*) FROM unnest($1::BIGINT[]) AS o(owner) GROUP BY owner
         ON CONFLICT (owner) DO UPDATE SET version = u.version + excluded.version",
        &[&owners],
    )
    .await?;
    Ok(())
}

/// What the rows `migrate-data` just copied into `table` (as
/// [`copied_columns`] returned them) imply in the tables derived from it.
pub(super) async fn copied(
    tx: &tokio_postgres::Transaction<'_>,
    table: &str,
    rows: &[Row],
) -> Result<(), StoreError> {
    match table {
        // (The counts are then overwritten by `relation_stats`' own copy.)
        "relations" => relations_inserted(tx, rows).await,
        // A new member's totals, and everyone's for a system account.
        "group_members" => {
            let mids: Vec<i64> = rows.iter().map(|r| r.get(0)).collect();
            bump_unread_of(tx, &mids).await
        }
        "system_accounts" => bump_unread_of(tx, &vec![0; rows.len()]).await,
        _ => Ok(()),
    }
}

/// What a copy's insert into `table` returns of each row it inserted, for
/// [`copied`] (none: nothing derives from it).
pub(super) fn copied_columns(table: &str) -> &'static str {
    match table {
        "relations" => RELATION_COLUMNS,
        "group_members" | "system_accounts" => "mid",
        _ => "",
    }
}
