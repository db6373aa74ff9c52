//! Fans by cursor, new followers since the last look, and searching one's
//! followings by name, as on SQLite (see `store/sqlite/relations/fans.rs`).

use deadpool_postgres::GenericClient;

use super::super::{count, execute, int, query, query_one};
use super::counts;
use super::lists::page_entries;
use crate::domain::paging::Page;
use crate::domain::Mid;
use crate::store::relations::{FansQuery, FansStart, FollowerNews, ListPage, NameFilter};
use crate::store::StoreError;

/// Keys of a fans page: `$1` owner, `$2` limit, `$3` skip, `$4` window,
/// `$5`/`$6` the cursor's mtime and mid (NULL without a cursor).
const FANS_PAGE: &str = "SELECT x, mtime FROM (
        SELECT mid AS x, mtime FROM followers
        WHERE fid = $1 AND attribute = 2
        ORDER BY mtime DESC, mid DESC LIMIT $4) w
     WHERE $5::BIGINT IS NULL OR mtime < $5 OR (mtime = $5 AND x < $6::BIGINT)
     ORDER BY mtime DESC, x DESC LIMIT $2 OFFSET $3";

pub(super) async fn fans(
    c: &impl GenericClient,
    owner: Mid,
    query: FansQuery,
) -> Result<ListPage, StoreError> {
    let (skip, cursor) = match query.start {
        FansStart::Skip(n) => (n, None),
        FansStart::After(c) => (0, Some(c)),
    };
    let entries = page_entries(
        c,
        FANS_PAGE,
        "p.mtime DESC, p.x DESC",
        &[
            &owner.as_i64(),
            &int(query.limit),
            &int(skip),
            &int(query.window),
            &cursor.map(|c| c.mtime),
            &cursor.map(|c| c.mid.as_i64()),
        ],
    )
    .await?;
    let stats = counts(c, owner).await?;
    Ok(ListPage {
        entries,
        total: stats.follower,
        version: stats.version,
        public_version: stats.public_version,
    })
}

pub(super) async fn search_followings(
    c: &impl GenericClient,
    owner: Mid,
    filter: NameFilter,
    page: Page,
) -> Result<ListPage, StoreError> {
    let rows = query(
        c,
        "SELECT r.fid, u.uname FROM relations r JOIN users u ON u.mid = r.fid
         WHERE r.mid = $1 AND r.attribute = 2 ORDER BY r.seq DESC",
        &[&owner.as_i64()],
    )
    .await?;
    let found: Vec<i64> = rows
        .iter()
        .filter(|r| filter(r.get::<_, &str>(1)))
        .map(|r| r.get(0))
        .collect();
    let start = usize::try_from(page.offset).unwrap_or(usize::MAX);
    let limit = usize::try_from(page.limit).unwrap_or(usize::MAX);
    let mids: Vec<i64> = found.iter().skip(start).take(limit).copied().collect();
    let entries = if mids.is_empty() {
        Vec::new()
    } else {
        page_entries(
            c,
            "SELECT x, ord FROM unnest($2::BIGINT[]) WITH ORDINALITY AS k(x, ord)",
            "p.ord",
            &[&owner.as_i64(), &mids],
        )
        .await?
    };
    let stats = counts(c, owner).await?;
    Ok(ListPage {
        entries,
        total: found.len() as u64,
        version: stats.version,
        public_version: stats.public_version,
    })
}

pub(super) async fn news(c: &impl GenericClient, mid: Mid) -> Result<FollowerNews, StoreError> {
    // One statement: the look, the count and the version agree.
    let row = query_one(
        c,
        "SELECT COALESCE(v.seen_at, 0),
            (SELECT COUNT(*) FROM followers
             WHERE fid = $1 AND attribute = 2
               AND seq > COALESCE(v.seen_seq, 0) AND made_seq > COALESCE(v.seen_seq, 0)),
            COALESCE((SELECT version FROM relation_stats WHERE mid = $1), 0)
         FROM (SELECT 1) one LEFT JOIN follower_views v ON v.mid = $1",
        &[&mid.as_i64()],
    )
    .await?;
    Ok(FollowerNews {
        seen_at: row.get(0),
        count: count(&row, 1),
        version: count(&row, 2),
    })
}

pub(super) async fn seen(
    c: &impl GenericClient,
    mid: Mid,
    at: i64,
    version: u64,
) -> Result<(), StoreError> {
    execute(
        c,
        "INSERT INTO follower_views (mid, seen_at, seen_seq) VALUES ($1, $2, $3)
         ON CONFLICT (mid) DO UPDATE SET
            seen_at = excluded.seen_at,
            seen_seq = GREATEST(follower_views.seen_seq, excluded.seen_seq)",
        &[&mid.as_i64(), &at, &int(version)],
    )
    .await?;
    Ok(())
}
