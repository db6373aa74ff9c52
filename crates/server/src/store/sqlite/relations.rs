//! User relations in SQLite.
//!
//! Paging. Every list is "newest relation first", which is descending `seq`
//! on one of the `relations_by_mid` / `relations_by_fid` indexes (or
//! `relation_tag_members_by_tag` for a group). A page is computed in two
//! steps within one statement: an inner query picks the page's keys with
//! `ORDER BY seq DESC LIMIT ps OFFSET (pn-1)*ps` on the covering index, so
//! skipped rows cost one index entry each and nothing else; only the page's
//! rows are then joined with `users` and with both relation directions.
//! `total` comes from `relation_stats`, kept by triggers, never from counting.
//!
//! Other people's lists stop at page 5 (22007, checked by the handler), so
//! their cost is bounded by 5 × ps index entries whatever the list's size: a
//! million fans cost page 5 what they cost page 1. The owner may page
//! deeper; there the skip grows with the offset, but it stays an index-only
//! walk (tens of milliseconds at a million rows) and never touches the table
//! or `users`. A cursor API (`offset` = last `seq`) would make it constant,
//! but the documented parameters are `ps`/`pn` only.

use async_trait::async_trait;
use rusqlite::{params, Connection, OptionalExtension};
use sixin_api::relation::{attribute, DEFAULT_TAG_NAME, SPECIAL_TAG, SPECIAL_TAG_NAME};
use sixin_api::Code;

use super::accounts::profile_from_row;
use super::Sqlite;
use crate::domain::Mid;
use crate::store::{
    Act, ListEntry, ListKind, ListPage, ModifyOutcome, Page, RelationCounts, RelationLimits,
    RelationPair, RelationStore, StoreError, StoredRelation, TagEdit, TagInfo, TagName,
};

/// `tagid` meaning "every follow" in `GET /x/relation/tag`.
const ALL_TAG: i64 = -20;

fn reject(code: Code) -> StoreError {
    StoreError::Rejected(code)
}

/// The next value of the relation counter (also what the stats triggers
/// record as the version of the change).
fn next_seq(conn: &Connection) -> rusqlite::Result<i64> {
    conn.prepare_cached("UPDATE relation_seq SET value = value + 1 WHERE id = 1 RETURNING value")?
        .query_row([], |r| r.get(0))
}

fn user_exists(conn: &Connection, mid: Mid) -> rusqlite::Result<bool> {
    conn.prepare_cached("SELECT 1 FROM users WHERE mid = ?1")?
        .exists([mid.as_i64()])
}

fn stored_attribute(conn: &Connection, mid: Mid, fid: Mid) -> rusqlite::Result<Option<i64>> {
    conn.prepare_cached("SELECT attribute FROM relations WHERE mid = ?1 AND fid = ?2")?
        .query_row([mid.as_i64(), fid.as_i64()], |r| r.get(0))
        .optional()
}

fn delete_relation(conn: &Connection, mid: Mid, fid: Mid) -> rusqlite::Result<()> {
    conn.prepare_cached("DELETE FROM relations WHERE mid = ?1 AND fid = ?2")?
        .execute([mid.as_i64(), fid.as_i64()])?;
    Ok(())
}

/// Makes (or remakes) `mid`'s relation to `fid`: a new relation starts out of
/// every group, with a fresh `mtime` and `seq`.
fn put_relation(
    conn: &Connection,
    mid: Mid,
    fid: Mid,
    attribute: i64,
    now: i64,
) -> rusqlite::Result<()> {
    let seq = next_seq(conn)?;
    conn.prepare_cached(
        "INSERT INTO relations (mid, fid, attribute, special, mtime, seq)
         VALUES (?1, ?2, ?3, 0, ?4, ?5)
         ON CONFLICT (mid, fid) DO UPDATE SET
            attribute = excluded.attribute, special = 0,
            mtime = excluded.mtime, seq = excluded.seq",
    )?
    .execute(params![mid.as_i64(), fid.as_i64(), attribute, now, seq])?;
    Ok(())
}

fn counts(conn: &Connection, mid: Mid) -> rusqlite::Result<RelationCounts> {
    Ok(conn
        .prepare_cached(
            "SELECT following, whisper, black, follower, version
             FROM relation_stats WHERE mid = ?1",
        )?
        .query_row([mid.as_i64()], |r| {
            Ok(RelationCounts {
                following: r.get::<_, i64>(0)?.max(0) as u64,
                whisper: r.get::<_, i64>(1)?.max(0) as u64,
                black: r.get::<_, i64>(2)?.max(0) as u64,
                follower: r.get::<_, i64>(3)?.max(0) as u64,
                version: r.get::<_, i64>(4)?.max(0) as u64,
            })
        })
        .optional()?
        .unwrap_or_default())
}

/// `-10` first, then ascending (creation order of groups).
fn sort_tags(tags: &mut [i64]) {
    tags.sort_by_key(|&t| (t != SPECIAL_TAG, t));
}

/// Parses `group_concat(tagid)`.
fn tag_list(concat: Option<String>) -> Vec<i64> {
    let mut tags: Vec<i64> = concat
        .as_deref()
        .unwrap_or_default()
        .split(',')
        .filter_map(|t| t.parse().ok())
        .collect();
    sort_tags(&mut tags);
    tags
}

fn load_row(conn: &Connection, mid: Mid, fid: Mid) -> rusqlite::Result<Option<StoredRelation>> {
    conn.prepare_cached(
        "SELECT attribute, mtime, special,
            (SELECT group_concat(tagid) FROM relation_tag_members t
             WHERE t.mid = r.mid AND t.fid = r.fid)
         FROM relations r WHERE mid = ?1 AND fid = ?2",
    )?
    .query_row([mid.as_i64(), fid.as_i64()], |r| {
        Ok(StoredRelation {
            attribute: r.get(0)?,
            mtime: r.get(1)?,
            special: r.get::<_, i64>(2)? != 0,
            tags: tag_list(r.get(3)?),
        })
    })
    .optional()
}

fn load_pair(conn: &Connection, mid: Mid, fid: Mid) -> rusqlite::Result<RelationPair> {
    Ok(RelationPair {
        forward: load_row(conn, mid, fid)?,
        backward: load_row(conn, fid, mid)?,
    })
}

fn modify(
    conn: &Connection,
    mid: Mid,
    fid: Mid,
    act: Act,
    limits: RelationLimits,
    now: i64,
) -> Result<ModifyOutcome, StoreError> {
    if mid == fid {
        return Err(reject(Code::RelationSelf));
    }
    if !user_exists(conn, fid)? {
        return Err(reject(Code::UserNotFound));
    }
    let mine = stored_attribute(conn, mid, fid)?;
    let theirs = stored_attribute(conn, fid, mid)?;
    let is_follow = |a: Option<i64>| matches!(a, Some(attribute::QUIET | attribute::FOLLOWING));
    let mut became_mutual = false;
    let after = match act {
        Act::Follow | Act::QuietFollow => {
            let wanted = if act == Act::Follow {
                attribute::FOLLOWING
            } else {
                attribute::QUIET
            };
            if mine == Some(attribute::BLOCKED) || theirs == Some(attribute::BLOCKED) {
                return Err(reject(Code::RelationBlacklisted));
            }
            if mine == Some(wanted) {
                return Err(reject(Code::AlreadyFollowing));
            }
            if mine.is_none() {
                let c = counts(conn, mid)?;
                if c.following + c.whisper >= limits.max_followings {
                    return Err(reject(Code::FollowLimit));
                }
            }
            put_relation(conn, mid, fid, wanted, now)?;
            if wanted == attribute::FOLLOWING && theirs == Some(attribute::FOLLOWING) {
                // Both mtimes are refreshed when the relation becomes mutual,
                // and the order key with them, so lists stay in mtime order.
                let seq = next_seq(conn)?;
                conn.prepare_cached(
                    "UPDATE relations SET mtime = ?3, seq = ?4 WHERE mid = ?1 AND fid = ?2",
                )?
                .execute(params![fid.as_i64(), mid.as_i64(), now, seq])?;
                became_mutual = true;
            }
            Some(wanted)
        }
        Act::Unfollow => {
            if is_follow(mine) {
                next_seq(conn)?;
                delete_relation(conn, mid, fid)?;
                None
            } else {
                mine
            }
        }
        Act::QuietUnfollow => {
            if mine == Some(attribute::QUIET) {
                next_seq(conn)?;
                delete_relation(conn, mid, fid)?;
                None
            } else {
                mine
            }
        }
        Act::Block => {
            if mine == Some(attribute::BLOCKED) {
                return Err(reject(Code::AlreadyBlocked));
            }
            if counts(conn, mid)?.black >= limits.max_blacklist {
                return Err(reject(Code::BlacklistFull));
            }
            put_relation(conn, mid, fid, attribute::BLOCKED, now)?;
            if is_follow(theirs) {
                delete_relation(conn, fid, mid)?;
            }
            Some(attribute::BLOCKED)
        }
        Act::Unblock => {
            if mine == Some(attribute::BLOCKED) {
                next_seq(conn)?;
                delete_relation(conn, mid, fid)?;
                None
            } else {
                mine
            }
        }
        Act::RemoveFan => {
            if is_follow(theirs) {
                next_seq(conn)?;
                delete_relation(conn, fid, mid)?;
            }
            mine
        }
    };
    Ok(ModifyOutcome {
        attribute: after.unwrap_or(attribute::NONE),
        became_mutual,
    })
}

/// The inner page query of a list (`?1` owner, `?2` limit, `?3` offset,
/// `?4` the other user or group), its count query (`None`: from the stats),
/// and which stats column is the total.
fn list_queries(kind: ListKind) -> (&'static str, Option<&'static str>) {
    match kind {
        ListKind::Followings | ListKind::Tag(ALL_TAG) => (
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
        // Friends and common follows are subsets of the owner's follows, which
        // the follow limit bounds.
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
        ListKind::Tag(0) => (
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
        ListKind::Tag(_) => (
            "SELECT fid AS x, seq FROM relation_tag_members WHERE mid = ?1 AND tagid = ?4
             ORDER BY seq DESC LIMIT ?2 OFFSET ?3",
            Some("SELECT COUNT(*) FROM relation_tag_members WHERE mid = ?1 AND tagid = ?2"),
        ),
    }
}

fn owns_tag(conn: &Connection, mid: Mid, tagid: i64) -> rusqlite::Result<bool> {
    conn.prepare_cached("SELECT 1 FROM relation_tags WHERE tagid = ?1 AND mid = ?2")?
        .exists(params![tagid, mid.as_i64()])
}

fn list(conn: &Connection, owner: Mid, kind: ListKind, page: Page) -> Result<ListPage, StoreError> {
    let extra: i64 = match kind {
        ListKind::SameFollowings(other) => other.as_i64(),
        ListKind::Tag(tagid) => {
            if !matches!(tagid, 0 | SPECIAL_TAG | ALL_TAG) && !owns_tag(conn, owner, tagid)? {
                return Err(reject(Code::TagNotFound));
            }
            tagid
        }
        _ => 0,
    };
    let (page_sql, count_sql) = list_queries(kind);
    let sql = format!(
        "SELECT p.x, u.uname, u.face, u.sign, u.official_type, u.official_desc,
                u.vip_type, u.vip_due_date, u.vip_status,
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
         ORDER BY p.seq DESC"
    );
    let limit = i64::try_from(page.limit).unwrap_or(i64::MAX);
    let offset = i64::try_from(page.offset).unwrap_or(i64::MAX);
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt.query_map(params![owner.as_i64(), limit, offset, extra], |r| {
        let side = |a: usize| -> rusqlite::Result<Option<StoredRelation>> {
            let attribute: Option<i64> = r.get(a)?;
            Ok(match attribute {
                Some(attribute) => Some(StoredRelation {
                    attribute,
                    mtime: r.get(a + 1)?,
                    special: r.get::<_, i64>(a + 2)? != 0,
                    tags: tag_list(r.get(a + 3)?),
                }),
                None => None,
            })
        };
        Ok(ListEntry {
            profile: profile_from_row(r)?,
            pair: RelationPair {
                forward: side(9)?,
                backward: side(13)?,
            },
        })
    })?;
    let entries = rows.collect::<Result<Vec<_>, _>>()?;
    let stats = counts(conn, owner)?;
    let total = match (kind, count_sql) {
        (_, Some(sql)) => {
            let n: i64 = conn
                .prepare_cached(sql)?
                .query_row(params![owner.as_i64(), extra], |r| r.get(0))?;
            n.max(0) as u64
        }
        (ListKind::Followers, None) => stats.follower,
        (ListKind::Whispers, None) => stats.whisper,
        (ListKind::Blacks, None) => stats.black,
        (_, None) => stats.following,
    };
    Ok(ListPage {
        entries,
        total,
        version: stats.version,
    })
}

fn is_builtin_tag_name(name: &TagName) -> bool {
    matches!(name.as_str(), SPECIAL_TAG_NAME | DEFAULT_TAG_NAME)
}

fn tag_name_taken(
    conn: &Connection,
    mid: Mid,
    name: &TagName,
    other_than: Option<i64>,
) -> rusqlite::Result<bool> {
    if is_builtin_tag_name(name) {
        return Ok(true);
    }
    conn.prepare_cached(
        "SELECT 1 FROM relation_tags WHERE mid = ?1 AND name = ?2 AND tagid IS NOT ?3",
    )?
    .exists(params![mid.as_i64(), name.as_str(), other_than])
}

/// Group ids without the default group (0), sorted, without repeats.
fn real_tags(tagids: &[i64]) -> Vec<i64> {
    let mut tags: Vec<i64> = tagids.iter().copied().filter(|&t| t != 0).collect();
    tags.sort_unstable();
    tags.dedup();
    tags
}

fn edit_tags(conn: &Connection, mid: Mid, fids: &[Mid], edit: &TagEdit) -> Result<(), StoreError> {
    let named: Vec<i64> = match edit {
        TagEdit::Set(tags) | TagEdit::Copy(tags) => real_tags(tags),
        TagEdit::Move { from, to } => real_tags(&[from.as_slice(), to.as_slice()].concat()),
    };
    for &tagid in &named {
        if tagid != SPECIAL_TAG && !owns_tag(conn, mid, tagid)? {
            return Err(reject(Code::TagNotFound));
        }
    }
    for &fid in fids {
        if stored_attribute(conn, mid, fid)? != Some(attribute::FOLLOWING) {
            return Err(reject(Code::NotFollowing));
        }
    }
    let seq = next_seq(conn)?;
    for &fid in fids {
        let current: Vec<i64> = conn
            .prepare_cached("SELECT tagid FROM relation_tag_members WHERE mid = ?1 AND fid = ?2")?
            .query_map([mid.as_i64(), fid.as_i64()], |r| r.get(0))?
            .collect::<Result<_, _>>()?;
        let wanted = match edit {
            TagEdit::Set(tags) => real_tags(tags),
            TagEdit::Copy(tags) => real_tags(&[current.as_slice(), tags.as_slice()].concat()),
            TagEdit::Move { from, to } => {
                let kept: Vec<i64> = current
                    .iter()
                    .copied()
                    .filter(|t| !from.contains(t))
                    .collect();
                real_tags(&[kept.as_slice(), to.as_slice()].concat())
            }
        };
        for tagid in current.iter().filter(|t| !wanted.contains(t)) {
            conn.prepare_cached(
                "DELETE FROM relation_tag_members WHERE mid = ?1 AND fid = ?2 AND tagid = ?3",
            )?
            .execute(params![mid.as_i64(), fid.as_i64(), tagid])?;
        }
        // Groups kept keep their place in the group's order.
        for tagid in wanted.iter().filter(|t| !current.contains(t)) {
            conn.prepare_cached(
                "INSERT INTO relation_tag_members (mid, fid, tagid, seq) VALUES (?1, ?2, ?3, ?4)",
            )?
            .execute(params![mid.as_i64(), fid.as_i64(), tagid, seq])?;
        }
        let special = wanted.contains(&SPECIAL_TAG);
        conn.prepare_cached(
            "UPDATE relations SET special = ?3 WHERE mid = ?1 AND fid = ?2 AND special != ?3",
        )?
        .execute(params![mid.as_i64(), fid.as_i64(), i64::from(special)])?;
    }
    Ok(())
}

#[async_trait]
impl RelationStore for Sqlite {
    async fn modify(
        &self,
        mid: Mid,
        fid: Mid,
        act: Act,
        limits: RelationLimits,
        now: i64,
    ) -> Result<ModifyOutcome, StoreError> {
        self.write(move |conn| modify(conn, mid, fid, act, limits, now))
            .await
    }

    async fn relation(&self, mid: Mid, fid: Mid) -> Result<RelationPair, StoreError> {
        self.read(move |conn| Ok(load_pair(conn, mid, fid)?)).await
    }

    async fn relations(
        &self,
        mid: Mid,
        fids: Vec<Mid>,
    ) -> Result<Vec<(Mid, RelationPair)>, StoreError> {
        self.read(move |conn| {
            fids.into_iter()
                .map(|fid| Ok((fid, load_pair(conn, mid, fid)?)))
                .collect()
        })
        .await
    }

    async fn list(&self, owner: Mid, kind: ListKind, page: Page) -> Result<ListPage, StoreError> {
        self.read(move |conn| list(conn, owner, kind, page)).await
    }

    async fn relation_counts(&self, mid: Mid) -> Result<RelationCounts, StoreError> {
        self.read(move |conn| Ok(counts(conn, mid)?)).await
    }

    async fn tags(&self, mid: Mid) -> Result<Vec<TagInfo>, StoreError> {
        self.read(move |conn| {
            let count = |sql: &str| -> rusqlite::Result<u64> {
                let n: i64 = conn
                    .prepare_cached(sql)?
                    .query_row([mid.as_i64()], |r| r.get(0))?;
                Ok(n.max(0) as u64)
            };
            let special =
                count("SELECT COUNT(*) FROM relation_tag_members WHERE mid = ?1 AND tagid = -10")?;
            let grouped =
                count("SELECT COUNT(DISTINCT fid) FROM relation_tag_members WHERE mid = ?1")?;
            let following = counts(conn, mid)?.following;
            let mut tags = vec![
                TagInfo {
                    tagid: SPECIAL_TAG,
                    name: SPECIAL_TAG_NAME.into(),
                    count: special,
                },
                TagInfo {
                    tagid: 0,
                    name: DEFAULT_TAG_NAME.into(),
                    count: following.saturating_sub(grouped),
                },
            ];
            let mut stmt = conn.prepare_cached(
                "SELECT t.tagid, t.name,
                    (SELECT COUNT(*) FROM relation_tag_members m
                     WHERE m.mid = t.mid AND m.tagid = t.tagid)
                 FROM relation_tags t WHERE t.mid = ?1 ORDER BY t.tagid",
            )?;
            let own = stmt.query_map([mid.as_i64()], |r| {
                Ok(TagInfo {
                    tagid: r.get(0)?,
                    name: r.get(1)?,
                    count: r.get::<_, i64>(2)?.max(0) as u64,
                })
            })?;
            for tag in own {
                tags.push(tag?);
            }
            Ok(tags)
        })
        .await
    }

    async fn tags_of(&self, mid: Mid, fid: Mid) -> Result<Vec<(i64, String)>, StoreError> {
        self.read(move |conn| {
            let mut stmt = conn.prepare_cached(
                "SELECT m.tagid, COALESCE(t.name, ?3) FROM relation_tag_members m
                 LEFT JOIN relation_tags t ON t.tagid = m.tagid
                 WHERE m.mid = ?1 AND m.fid = ?2",
            )?;
            let mut tags = stmt
                .query_map(params![mid.as_i64(), fid.as_i64(), SPECIAL_TAG_NAME], |r| {
                    Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?))
                })?
                .collect::<Result<Vec<_>, _>>()?;
            tags.sort_by_key(|(t, _)| (*t != SPECIAL_TAG, *t));
            Ok(tags)
        })
        .await
    }

    async fn special(&self, mid: Mid) -> Result<Vec<Mid>, StoreError> {
        self.read(move |conn| {
            let mut stmt = conn.prepare_cached(
                "SELECT fid FROM relation_tag_members WHERE mid = ?1 AND tagid = -10
                 ORDER BY seq DESC",
            )?;
            let mids = stmt
                .query_map([mid.as_i64()], |r| Ok(Mid::from_i64(r.get(0)?)))?
                .collect::<Result<Vec<_>, _>>()?;
            Ok(mids)
        })
        .await
    }

    async fn create_tag(
        &self,
        mid: Mid,
        name: TagName,
        limits: RelationLimits,
        now: i64,
    ) -> Result<i64, StoreError> {
        self.write(move |conn| {
            if tag_name_taken(conn, mid, &name, None)? {
                return Err(reject(Code::TagExists));
            }
            let existing: i64 = conn
                .prepare_cached("SELECT COUNT(*) FROM relation_tags WHERE mid = ?1")?
                .query_row([mid.as_i64()], |r| r.get(0))?;
            if existing.max(0) as u64 >= limits.max_tags {
                return Err(reject(Code::TooManyTags));
            }
            conn.prepare_cached(
                "INSERT INTO relation_tags (mid, name, ctime) VALUES (?1, ?2, ?3)",
            )?
            .execute(params![mid.as_i64(), name.as_str(), now])?;
            Ok(conn.last_insert_rowid())
        })
        .await
    }

    async fn rename_tag(&self, mid: Mid, tagid: i64, name: TagName) -> Result<(), StoreError> {
        self.write(move |conn| {
            if !owns_tag(conn, mid, tagid)? {
                return Err(reject(Code::TagNotFound));
            }
            if tag_name_taken(conn, mid, &name, Some(tagid))? {
                return Err(reject(Code::TagExists));
            }
            conn.prepare_cached("UPDATE relation_tags SET name = ?2 WHERE tagid = ?1")?
                .execute(params![tagid, name.as_str()])?;
            Ok(())
        })
        .await
    }

    async fn delete_tag(&self, mid: Mid, tagid: i64) -> Result<(), StoreError> {
        self.write(move |conn| {
            if owns_tag(conn, mid, tagid)? {
                conn.prepare_cached(
                    "DELETE FROM relation_tag_members WHERE mid = ?1 AND tagid = ?2",
                )?
                .execute(params![mid.as_i64(), tagid])?;
                conn.prepare_cached("DELETE FROM relation_tags WHERE tagid = ?1")?
                    .execute([tagid])?;
            }
            Ok(())
        })
        .await
    }

    async fn edit_tags(&self, mid: Mid, fids: Vec<Mid>, edit: TagEdit) -> Result<(), StoreError> {
        self.write(move |conn| edit_tags(conn, mid, &fids, &edit))
            .await
    }
}
