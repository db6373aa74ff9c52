//! Pages of relation lists, as on SQLite (see `store/sqlite/relations/lists.rs`
//! for the reasoning): an inner query picks the page's keys on an index,
//! only the page's rows are joined with `users` and both directions, and
//! `total` comes from `relation_stats` except for lists that are subsets
//! of the owner's follows. What others did to the owner (followers,
//! the other direction of every entry, a friend's follow back) is read
//! from `followers`, the reverse of `relations` kept on the owner's shard
//! (migration 0006), never from `relations` by `fid`.

use deadpool_postgres::GenericClient;

use super::super::accounts::{profile_at, PROFILE_COLUMNS, PROFILE_WIDTH};
use super::super::{int, query, query_one, Params};
use super::{counts, relation_at};
use crate::domain::paging::Page;
use crate::domain::relation::RelationPair;
use crate::domain::{Mid, TagId};
use crate::store::relations::{ListEntry, ListKind, ListPage};
use crate::store::StoreError;

/// The inner page query of a list (`$1` owner, `$2` limit, `$3` offset,
/// `$4` the other user or group) and its count query (`$1` owner, `$2` the
/// other user or group; `None`: the total comes from the stats).
fn queries(kind: ListKind) -> (&'static str, Option<&'static str>) {
    match kind {
        ListKind::Followings | ListKind::Group(TagId::ALL) => (
            "SELECT fid AS x, seq FROM relations WHERE mid = $1 AND attribute = 2
             AND $4::BIGINT IS NOT NULL ORDER BY seq DESC LIMIT $2 OFFSET $3",
            None,
        ),
        ListKind::Followers => (
            "SELECT mid AS x, seq FROM followers WHERE fid = $1 AND attribute = 2
             AND $4::BIGINT IS NOT NULL ORDER BY seq DESC LIMIT $2 OFFSET $3",
            None,
        ),
        ListKind::Whispers => (
            "SELECT fid AS x, seq FROM relations WHERE mid = $1 AND attribute = 1
             AND $4::BIGINT IS NOT NULL ORDER BY seq DESC LIMIT $2 OFFSET $3",
            None,
        ),
        ListKind::Blacks => (
            "SELECT fid AS x, seq FROM relations WHERE mid = $1 AND attribute = 128
             AND $4::BIGINT IS NOT NULL ORDER BY seq DESC LIMIT $2 OFFSET $3",
            None,
        ),
        ListKind::Friends => (
            "SELECT r.fid AS x, r.seq FROM relations r
             WHERE r.mid = $1 AND r.attribute = 2 AND $4::BIGINT IS NOT NULL
               AND EXISTS (SELECT 1 FROM followers b
                           WHERE b.fid = r.mid AND b.mid = r.fid AND b.attribute = 2)
             ORDER BY r.seq DESC LIMIT $2 OFFSET $3",
            Some(
                "SELECT COUNT(*) FROM relations r
                 WHERE r.mid = $1 AND r.attribute = 2 AND $2::BIGINT IS NOT NULL
                   AND EXISTS (SELECT 1 FROM followers b
                               WHERE b.fid = r.mid AND b.mid = r.fid AND b.attribute = 2)",
            ),
        ),
        ListKind::SameFollowings(_) => (
            "SELECT r.fid AS x, r.seq FROM relations r
             WHERE r.mid = $1 AND r.attribute = 2
               AND EXISTS (SELECT 1 FROM relations b
                           WHERE b.mid = $4 AND b.fid = r.fid AND b.attribute = 2)
             ORDER BY r.seq DESC LIMIT $2 OFFSET $3",
            Some(
                "SELECT COUNT(*) FROM relations r
                 WHERE r.mid = $1 AND r.attribute = 2
                   AND EXISTS (SELECT 1 FROM relations b
                               WHERE b.mid = $2 AND b.fid = r.fid AND b.attribute = 2)",
            ),
        ),
        ListKind::Group(TagId::DEFAULT) => (
            "SELECT r.fid AS x, r.seq FROM relations r
             WHERE r.mid = $1 AND r.attribute = 2 AND $4::BIGINT IS NOT NULL
               AND NOT EXISTS (SELECT 1 FROM relation_tag_members t
                               WHERE t.mid = r.mid AND t.fid = r.fid)
             ORDER BY r.seq DESC LIMIT $2 OFFSET $3",
            Some(
                "SELECT COUNT(*) FROM relations r
                 WHERE r.mid = $1 AND r.attribute = 2 AND $2::BIGINT IS NOT NULL
                   AND NOT EXISTS (SELECT 1 FROM relation_tag_members t
                                   WHERE t.mid = r.mid AND t.fid = r.fid)",
            ),
        ),
        ListKind::Group(_) => (
            "SELECT fid AS x, seq FROM relation_tag_members WHERE mid = $1 AND tagid = $4
             ORDER BY seq DESC LIMIT $2 OFFSET $3",
            Some("SELECT COUNT(*) FROM relation_tag_members WHERE mid = $1 AND tagid = $2"),
        ),
    }
}

/// A follower page from the highest `seq` it may hold (`$5`).
const FOLLOWERS_FROM: &str = "SELECT mid AS x, seq FROM followers WHERE fid = $1 AND attribute = 2
     AND $4::BIGINT IS NOT NULL AND seq <= $5 ORDER BY seq DESC LIMIT $2 OFFSET $3";

/// Offsets from which a follower page's start is found through the
/// buckets (migration 0010) rather than by skipping entries.
const WALK_FROM: u64 = 128;

/// Where the follower page at `offset` of `owner` starts: the highest `seq`
/// it may hold and how many followers at or below it come first (fewer
/// than 64); `None` past the last follower. As on SQLite
/// (`store/sqlite/relations/lists.rs`).
async fn follower_start(
    c: &impl GenericClient,
    owner: Mid,
    offset: u64,
) -> Result<Option<(i64, u64)>, StoreError> {
    let (mut skip, mut lo, mut hi) = (offset, i64::MIN, i64::MAX);
    for level in (1..=4_i64).rev() {
        let rows = query(
            c,
            "SELECT bucket, n FROM follower_buckets
             WHERE fid = $1 AND level = $2 AND bucket BETWEEN $3 AND $4 ORDER BY bucket DESC",
            &[&owner.as_i64(), &level, &lo, &hi],
        )
        .await?;
        let mut found = None;
        for row in &rows {
            let n = row.get::<_, i64>(1).max(0) as u64;
            if skip < n {
                found = Some(row.get::<_, i64>(0));
                break;
            }
            skip -= n;
        }
        let Some(bucket) = found else {
            return Ok(None);
        };
        lo = bucket << 6;
        hi = lo + 63;
    }
    Ok(Some((hi, skip)))
}

/// The entries of a page whose keys `page_sql` selects (as `x`, with
/// whatever `order` sorts them by; `$1` is the list's owner), in that
/// order: each user's profile joined with both relation directions.
pub(super) async fn page_entries(
    c: &impl GenericClient,
    page_sql: &str,
    order: &str,
    params: Params<'_>,
) -> Result<Vec<ListEntry>, StoreError> {
    let sql = format!(
        "SELECT {PROFILE_COLUMNS},
                f.attribute, f.mtime, f.special,
                (SELECT array_agg(tagid) FROM relation_tag_members t
                 WHERE t.mid = $1 AND t.fid = p.x),
                b.attribute, b.mtime, b.special,
                (SELECT array_agg(tagid) FROM relation_tag_members t
                 WHERE t.mid = p.x AND t.fid = $1)
         FROM ({page_sql}) p
         JOIN users u ON u.mid = p.x
         LEFT JOIN relations f ON f.mid = $1 AND f.fid = p.x
         LEFT JOIN followers b ON b.fid = $1 AND b.mid = p.x
         ORDER BY {order}"
    );
    query(c, &sql, params)
        .await?
        .iter()
        .map(|r| {
            Ok(ListEntry {
                profile: profile_at(r, 0),
                pair: RelationPair {
                    forward: relation_at(r, PROFILE_WIDTH)?,
                    backward: relation_at(r, PROFILE_WIDTH + 4)?,
                },
            })
        })
        .collect()
}

/// A page of `owner`'s list; `None` for a group that is not the owner's.
pub(super) async fn list(
    c: &impl GenericClient,
    owner: Mid,
    kind: ListKind,
    page: Page,
) -> Result<Option<ListPage>, StoreError> {
    let other: i64 = match kind {
        ListKind::SameFollowings(other) => other.as_i64(),
        ListKind::Group(tagid) => {
            if tagid.is_user_made() && !super::tags::owns(c, owner, tagid).await? {
                return Ok(None);
            }
            tagid.get()
        }
        _ => 0,
    };
    let (page_sql, count_sql) = queries(kind);
    let entries = match kind {
        ListKind::Followers if page.offset >= WALK_FROM => {
            match follower_start(c, owner, page.offset).await? {
                Some((from, skip)) => {
                    page_entries(
                        c,
                        FOLLOWERS_FROM,
                        "p.seq DESC",
                        &[&owner.as_i64(), &int(page.limit), &int(skip), &other, &from],
                    )
                    .await?
                }
                None => Vec::new(),
            }
        }
        _ => {
            page_entries(
                c,
                page_sql,
                "p.seq DESC",
                &[&owner.as_i64(), &int(page.limit), &int(page.offset), &other],
            )
            .await?
        }
    };
    let stats = counts(c, owner).await?;
    let total = match (kind, count_sql) {
        (_, Some(sql)) => {
            super::super::count(&query_one(c, sql, &[&owner.as_i64(), &other]).await?, 0)
        }
        (ListKind::Followers, None) => stats.follower,
        (ListKind::Whispers, None) => stats.whisper,
        (ListKind::Blacks, None) => stats.black,
        (_, None) => stats.following,
    };
    Ok(Some(ListPage {
        entries,
        total,
        version: stats.version,
        public_version: stats.public_version,
    }))
}
