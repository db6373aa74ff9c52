//! Fans by cursor, new followers since the last look, and searching one's
//! followings by name (see the fans-and-block-words migration).
//!
//! A fans page reads at most `window` entries of `relations_fans` (the
//! newest fans in order), whatever the list's size; new followers are a
//! range of `relations_by_fid` past the last look's `seq`; a search reads
//! the names of the owner's follows, which the follow limit bounds.

use rusqlite::{params, Connection, OptionalExtension};

use super::counts;
use super::lists::page_entries;
use crate::domain::paging::Page;
use crate::domain::Mid;
use crate::store::relations::{FansQuery, FansStart, FollowerNews, ListPage, NameFilter};

/// Keys of a fans page: `?1` owner, `?2` limit, `?3` skip, `?4` window,
/// `?5`/`?6` the cursor's mtime and mid (NULL without a cursor).
const FANS_PAGE: &str = "SELECT x, mtime FROM (
        SELECT mid AS x, mtime FROM relations
        WHERE fid = ?1 AND attribute = 2
        ORDER BY mtime DESC, mid DESC LIMIT ?4)
     WHERE ?5 IS NULL OR mtime < ?5 OR (mtime = ?5 AND x < ?6)
     ORDER BY mtime DESC, x DESC LIMIT ?2 OFFSET ?3";

pub(super) fn fans(conn: &Connection, owner: Mid, query: FansQuery) -> rusqlite::Result<ListPage> {
    let (skip, cursor) = match query.start {
        FansStart::Skip(n) => (n, None),
        FansStart::After(c) => (0, Some(c)),
    };
    let int = |n: u64| i64::try_from(n).unwrap_or(i64::MAX);
    let entries = page_entries(
        conn,
        FANS_PAGE,
        "p.mtime DESC, p.x DESC",
        params![
            owner.as_i64(),
            int(query.limit),
            int(skip),
            int(query.window),
            cursor.map(|c| c.mtime),
            cursor.map(|c| c.mid.as_i64()),
        ],
    )?;
    let stats = counts(conn, owner)?;
    Ok(ListPage {
        entries,
        total: stats.follower,
        version: stats.version,
        public_version: stats.public_version,
    })
}

pub(super) fn search_followings(
    conn: &Connection,
    owner: Mid,
    filter: NameFilter,
    page: Page,
) -> rusqlite::Result<ListPage> {
    let mut found = Vec::new();
    {
        let mut stmt = conn.prepare_cached(
            "SELECT r.fid, u.uname FROM relations r JOIN users u ON u.mid = r.fid
             WHERE r.mid = ?1 AND r.attribute = 2 ORDER BY r.seq DESC",
        )?;
        let mut rows = stmt.query([owner.as_i64()])?;
        while let Some(row) = rows.next()? {
            let uname: String = row.get(1)?;
            if filter(&uname) {
                found.push(row.get::<_, i64>(0)?);
            }
        }
    }
    let start = usize::try_from(page.offset).unwrap_or(usize::MAX);
    let limit = usize::try_from(page.limit).unwrap_or(usize::MAX);
    let mids: Vec<i64> = found.iter().skip(start).take(limit).copied().collect();
    let stats = counts(conn, owner)?;
    let entries = if mids.is_empty() {
        Vec::new()
    } else {
        page_entries(
            conn,
            "SELECT value AS x, key AS ord FROM json_each(?2)",
            "p.ord",
            params![owner.as_i64(), serde_json::Value::from(mids).to_string()],
        )?
    };
    Ok(ListPage {
        entries,
        total: found.len() as u64,
        version: stats.version,
        public_version: stats.public_version,
    })
}

pub(super) fn news(conn: &Connection, mid: Mid) -> rusqlite::Result<FollowerNews> {
    let (seen_at, seen_seq): (i64, i64) = conn
        .prepare_cached("SELECT seen_at, seen_seq FROM follower_views WHERE mid = ?1")?
        .query_row([mid.as_i64()], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?
        .unwrap_or((0, 0));
    let count: i64 = conn
        .prepare_cached(
            "SELECT COUNT(*) FROM relations
             WHERE fid = ?1 AND attribute = 2 AND seq > ?2 AND made_seq > ?2",
        )?
        .query_row(params![mid.as_i64(), seen_seq], |r| r.get(0))?;
    Ok(FollowerNews {
        count: count.max(0) as u64,
        seen_at,
        version: counts(conn, mid)?.version,
    })
}

pub(super) fn seen(conn: &Connection, mid: Mid, at: i64, version: u64) -> rusqlite::Result<()> {
    conn.prepare_cached(
        "INSERT INTO follower_views (mid, seen_at, seen_seq) VALUES (?1, ?2, ?3)
         ON CONFLICT (mid) DO UPDATE SET
            seen_at = excluded.seen_at,
            seen_seq = MAX(seen_seq, excluded.seen_seq)",
    )?
    .execute(params![
        mid.as_i64(),
        at,
        i64::try_from(version).unwrap_or(i64::MAX)
    ])?;
    Ok(())
}
