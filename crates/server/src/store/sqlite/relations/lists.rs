//! Pages of relation lists.
//!
//! Every list is "newest relation first", which is descending `seq` on one
//! of the `relations_by_mid` / `relations_by_fid` indexes (or
//! `relation_tag_members_by_tag` for a group). A page is computed in two
//! steps within one statement: an inner query picks the page's keys with
//! `ORDER BY seq DESC LIMIT ps OFFSET (pn-1)*ps` on the covering index, so
//! skipped rows cost one index entry each and nothing else; only the page's
//! rows are then joined with `users` and with both relation directions.
//! `total` comes from `relation_stats`, kept by triggers, never from
//! counting (except for lists that are subsets of the owner's follows,
//! which the follow limit bounds).
//!
//! Other people's lists stop at page 5, so their cost is bounded by 5 × ps
//! index entries whatever the list's size. The owner may page deeper; there
//! the skip grows with the offset, but it stays an index-only walk, except
//! for followers (a million of them is common): a deep follower page finds
//! its start through `follower_buckets` (migration 0018), counts of the
//! followers by `seq` range, and skips fewer than 64 entries.

use rusqlite::{params, Connection};

use super::super::accounts::{profile_at, PROFILE_COLUMNS, PROFILE_WIDTH};
use super::{counts, relation_at};
use crate::domain::paging::Page;
use crate::domain::relation::RelationPair;
use crate::domain::{Mid, TagId};
use crate::store::relations::{ListEntry, ListKind, ListPage};

/// The inner page query of a list (`?1` owner, `?2` limit, `?3` offset,
/// `?4` the other user or group) and its count query (`?1` owner, `?2` the
/// other user or group; `None`: the total comes from the stats).
fn queries(kind: ListKind) -> (&'static str, Option<&'static str>) {
    match kind {
        ListKind::Followings | ListKind::Group(TagId::ALL) => (
            "SELECT fid AS x, seq FROM relations WHERE mid = ?1 AND attribute = 2
             AND ?4 IS NOT NULL ORDER BY seq DESC LIMIT ?2 OFFSET ?3",
            None,
        ),
        ListKind::Followers => (
            "SELECT mid AS x, seq FROM relations WHERE fid = ?1 AND attribute = 2
             AND ?4 IS NOT NULL ORDER BY seq DESC LIMIT ?2 OFFSET ?3",
            None,
        ),
        ListKind::Whispers => (
            "SELECT fid AS x, seq FROM relations WHERE mid = ?1 AND attribute = 1
             AND ?4 IS NOT NULL ORDER BY seq DESC LIMIT ?2 OFFSET ?3",
            None,
        ),
        ListKind::Blacks => (
            "SELECT fid AS x, seq FROM relations WHERE mid = ?1 AND attribute = 128
             AND ?4 IS NOT NULL ORDER BY seq DESC LIMIT ?2 OFFSET ?3",
            None,
        ),
        ListKind::Friends => (
            "SELECT r.fid AS x, r.seq FROM relations r
             WHERE r.mid = ?1 AND r.attribute = 2 AND ?4 IS NOT NULL
               AND EXISTS (SELECT 1 FROM relations b
                           WHERE b.mid = r.fid AND b.fid = r.mid AND b.attribute = 2)
             ORDER BY r.seq DESC LIMIT ?2 OFFSET ?3",
            Some(
                "SELECT COUNT(*) FROM relations r
                 WHERE r.mid = ?1 AND r.attribute = 2 AND ?2 IS NOT NULL
                   AND EXISTS (SELECT 1 FROM relations b
                               WHERE b.mid = r.fid AND b.fid = r.mid AND b.attribute = 2)",
            ),
        ),
        ListKind::SameFollowings(_) => (
            "SELECT r.fid AS x, r.seq FROM relations r
             WHERE r.mid = ?1 AND r.attribute = 2
               AND EXISTS (SELECT 1 FROM relations b
                           WHERE b.mid = ?4 AND b.fid = r.fid AND b.attribute = 2)
             ORDER BY r.seq DESC LIMIT ?2 OFFSET ?3",
            Some(
                "SELECT COUNT(*) FROM relations r
                 WHERE r.mid = ?1 AND r.attribute = 2
                   AND EXISTS (SELECT 1 FROM relations b
                               WHERE b.mid = ?2 AND b.fid = r.fid AND b.attribute = 2)",
            ),
        ),
        ListKind::Group(TagId::DEFAULT) => (
            "SELECT r.fid AS x, r.seq FROM relations r
             WHERE r.mid = ?1 AND r.attribute = 2 AND ?4 IS NOT NULL
               AND NOT EXISTS (SELECT 1 FROM relation_tag_members t
                               WHERE t.mid = r.mid AND t.fid = r.fid)
             ORDER BY r.seq DESC LIMIT ?2 OFFSET ?3",
            Some(
                "SELECT COUNT(*) FROM relations r
                 WHERE r.mid = ?1 AND r.attribute = 2 AND ?2 IS NOT NULL
                   AND NOT EXISTS (SELECT 1 FROM relation_tag_members t
                                   WHERE t.mid = r.mid AND t.fid = r.fid)",
            ),
        ),
        ListKind::Group(_) => (
            "SELECT fid AS x, seq FROM relation_tag_members WHERE mid = ?1 AND tagid = ?4
             ORDER BY seq DESC LIMIT ?2 OFFSET ?3",
            Some("SELECT COUNT(*) FROM relation_tag_members WHERE mid = ?1 AND tagid = ?2"),
        ),
    }
}

/// A follower page from the highest `seq` it may hold (`?5`).
const FOLLOWERS_FROM: &str = "SELECT mid AS x, seq FROM relations WHERE fid = ?1 AND attribute = 2
     AND ?4 IS NOT NULL AND seq <= ?5 ORDER BY seq DESC LIMIT ?2 OFFSET ?3";

/// Offsets from which a follower page's start is found through the
/// buckets rather than by skipping entries.
pub(super) const WALK_FROM: u64 = 128;

/// Where the follower page at `offset` of `owner` starts: the highest `seq`
/// it may hold and how many followers at or below it come first (fewer
/// than 64); `None` past the last follower. From the widest buckets down,
/// each level sums at most 64 buckets (beyond the top's own count) within
/// the one found above it.
fn follower_start(
    conn: &Connection,
    owner: Mid,
    offset: u64,
) -> rusqlite::Result<Option<(i64, u64)>> {
    let mut stmt = conn.prepare_cached(
        "SELECT bucket, n FROM follower_buckets
         WHERE fid = ?1 AND level = ?2 AND bucket BETWEEN ?3 AND ?4 ORDER BY bucket DESC",
    )?;
    let (mut skip, mut lo, mut hi) = (offset, i64::MIN, i64::MAX);
    for level in (1..=4_i64).rev() {
        let mut rows = stmt.query(params![owner.as_i64(), level, lo, hi])?;
        let mut found = None;
        while let Some(row) = rows.next()? {
            let n = row.get::<_, i64>(1)?.max(0) as u64;
            if skip < n {
                found = Some(row.get::<_, i64>(0)?);
                break;
            }
            skip -= n;
        }
        let Some(bucket) = found else {
            return Ok(None);
        };
        // The next level's buckets (after level 1: the `seq` values) within.
        lo = bucket << 6;
        hi = lo + 63;
    }
    Ok(Some((hi, skip)))
}

/// The entries of a page whose keys `page_sql` selects (as `x`, with
/// whatever `order` sorts them by; `?1` is the list's owner), in that
/// order: each user's profile joined with both relation directions.
pub(super) fn page_entries(
    conn: &Connection,
    page_sql: &str,
    order: &str,
    params: impl rusqlite::Params,
) -> rusqlite::Result<Vec<ListEntry>> {
    let sql = format!(
        "SELECT {PROFILE_COLUMNS},
                f.attribute, f.mtime, f.special,
                (SELECT group_concat(tagid) FROM relation_tag_members t
                 WHERE t.mid = ?1 AND t.fid = p.x),
                b.attribute, b.mtime, b.special,
                (SELECT group_concat(tagid) FROM relation_tag_members t
                 WHERE t.mid = p.x AND t.fid = ?1)
         FROM ({page_sql}) p
         JOIN users u ON u.mid = p.x
         LEFT JOIN relations f ON f.mid = ?1 AND f.fid = p.x
         LEFT JOIN relations b ON b.mid = p.x AND b.fid = ?1
         ORDER BY {order}"
    );
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt.query_map(params, |r| {
        Ok(ListEntry {
            profile: profile_at(r, 0)?,
            pair: RelationPair {
                forward: relation_at(r, PROFILE_WIDTH)?,
                backward: relation_at(r, PROFILE_WIDTH + 4)?,
            },
        })
    })?;
    rows.collect()
}

/// A page of `owner`'s list; `None` for a group that is not the owner's.
pub(super) fn list(
    conn: &Connection,
    owner: Mid,
    kind: ListKind,
    page: Page,
) -> rusqlite::Result<Option<ListPage>> {
    let other: i64 = match kind {
        ListKind::SameFollowings(other) => other.as_i64(),
        ListKind::Group(tagid) => {
            if tagid.is_user_made() && !super::tags::owns(conn, owner, tagid)? {
                return Ok(None);
            }
            tagid.get()
        }
        _ => 0,
    };
    let (page_sql, count_sql) = queries(kind);
    let limit = i64::try_from(page.limit).unwrap_or(i64::MAX);
    let offset = i64::try_from(page.offset).unwrap_or(i64::MAX);
    let entries = match kind {
        ListKind::Followers if page.offset >= WALK_FROM => {
            match follower_start(conn, owner, page.offset)? {
                Some((from, skip)) => page_entries(
                    conn,
                    FOLLOWERS_FROM,
                    "p.seq DESC",
                    params![owner.as_i64(), limit, skip as i64, other, from],
                )?,
                None => Vec::new(),
            }
        }
        _ => page_entries(
            conn,
            page_sql,
            "p.seq DESC",
            params![owner.as_i64(), limit, offset, other],
        )?,
    };
    let stats = counts(conn, owner)?;
    let total = match (kind, count_sql) {
        (_, Some(sql)) => {
            let n: i64 = conn
                .prepare_cached(sql)?
                .query_row(params![owner.as_i64(), other], |r| r.get(0))?;
            n.max(0) as u64
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
