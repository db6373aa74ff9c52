//! User relations in SQLite: one row per (mid, fid) where mid did something
//! to fid; counts and versions kept by triggers (see the relations
//! migration).

mod fans;
mod lists;
mod tags;

use async_trait::async_trait;
use rusqlite::{params, Connection, OptionalExtension, Row};

use super::accounts::user_state;
use super::Sqlite;
use crate::domain::paging::Page;
use crate::domain::relation::{
    Attribute, ModifyFacts, ModifyPlan, RelationCounts, RelationPair, RelationWrite, StoredRelation,
};
use crate::domain::tag::{sort_tags, TagEditFacts, TagName, TagNameFacts, TagWrite};
use crate::domain::{Mid, TagId};
use crate::store::relations::{
    FansQuery, FollowerNews, GroupSizes, ListKind, ListPage, NameFilter, RelationStore,
};
use crate::store::{Decide, StoreError};

/// Reads a stored attribute; the table's CHECK allows only the three.
fn attribute_of(code: i64) -> rusqlite::Result<Attribute> {
    Attribute::from_code(code).ok_or(rusqlite::Error::IntegralValueOutOfRange(0, code))
}

/// A possibly missing stored attribute (from a LEFT JOIN).
pub(super) fn attribute_or_none(code: Option<i64>) -> Option<Attribute> {
    code.and_then(Attribute::from_code)
}

/// `mid`'s stored attribute towards `fid`, if any.
pub(in crate::store::sqlite) fn stored_attribute(
    conn: &Connection,
    mid: Mid,
    fid: Mid,
) -> rusqlite::Result<Option<Attribute>> {
    conn.prepare_cached("SELECT attribute FROM relations WHERE mid = ?1 AND fid = ?2")?
        .query_row([mid.as_i64(), fid.as_i64()], |r| attribute_of(r.get(0)?))
        .optional()
}

/// The value of the relation counter.
fn current_seq(conn: &Connection) -> rusqlite::Result<i64> {
    conn.prepare_cached("SELECT value FROM relation_seq WHERE id = 1")?
        .query_row([], |r| r.get(0))
}

/// Advances the relation counter (what the stats triggers record as the
/// version of the changes after it) and returns the new value.
fn step(conn: &Connection) -> rusqlite::Result<i64> {
    conn.prepare_cached("UPDATE relation_seq SET value = value + 1 WHERE id = 1 RETURNING value")?
        .query_row([], |r| r.get(0))
}

pub(super) fn counts(conn: &Connection, mid: Mid) -> rusqlite::Result<RelationCounts> {
    Ok(conn
        .prepare_cached(
            "SELECT following, whisper, black, follower, version, public_version
             FROM relation_stats WHERE mid = ?1",
        )?
        .query_row([mid.as_i64()], |r| {
            Ok(RelationCounts {
                following: r.get::<_, i64>(0)?.max(0) as u64,
                whisper: r.get::<_, i64>(1)?.max(0) as u64,
                black: r.get::<_, i64>(2)?.max(0) as u64,
                follower: r.get::<_, i64>(3)?.max(0) as u64,
                version: r.get::<_, i64>(4)?.max(0) as u64,
                public_version: r.get::<_, i64>(5)?.max(0) as u64,
            })
        })
        .optional()?
        .unwrap_or_default())
}

/// Parses `group_concat(tagid)`, special first, then ascending.
fn tag_list(concat: Option<String>) -> Vec<TagId> {
    let mut tags: Vec<TagId> = concat
        .as_deref()
        .unwrap_or_default()
        .split(',')
        .filter_map(|t| t.parse().ok().map(TagId))
        .collect();
    sort_tags(&mut tags);
    tags
}

/// A relation read from four columns starting at `at`: attribute, mtime,
/// special, `group_concat` of its groups. `None` when the attribute is NULL.
fn relation_at(row: &Row<'_>, at: usize) -> rusqlite::Result<Option<StoredRelation>> {
    let Some(code) = row.get::<_, Option<i64>>(at)? else {
        return Ok(None);
    };
    Ok(Some(StoredRelation {
        attribute: attribute_of(code)?,
        mtime: row.get(at + 1)?,
        special: row.get::<_, i64>(at + 2)? != 0,
        tags: tag_list(row.get(at + 3)?),
    }))
}

fn load_row(conn: &Connection, mid: Mid, fid: Mid) -> rusqlite::Result<Option<StoredRelation>> {
    conn.prepare_cached(
        "SELECT attribute, mtime, special,
            (SELECT group_concat(tagid) FROM relation_tag_members t
             WHERE t.mid = r.mid AND t.fid = r.fid)
         FROM relations r WHERE mid = ?1 AND fid = ?2",
    )?
    .query_row([mid.as_i64(), fid.as_i64()], |r| relation_at(r, 0))
    .optional()
    .map(Option::flatten)
}

fn load_pair(conn: &Connection, mid: Mid, fid: Mid) -> rusqlite::Result<RelationPair> {
    Ok(RelationPair {
        forward: load_row(conn, mid, fid)?,
        backward: load_row(conn, fid, mid)?,
    })
}

/// Applies the writes of a relation plan, in order.
fn apply(conn: &Connection, writes: &[RelationWrite], now: i64) -> rusqlite::Result<()> {
    let mut seq = None;
    for write in writes {
        match *write {
            RelationWrite::Step => seq = Some(step(conn)?),
            RelationWrite::Put {
                mid,
                fid,
                attribute,
            } => {
                let seq = match seq {
                    Some(seq) => seq,
                    None => current_seq(conn)?,
                };
                conn.prepare_cached(
                    "INSERT INTO relations (mid, fid, attribute, special, mtime, seq, made_seq)
                     VALUES (?1, ?2, ?3, 0, ?4, ?5, ?5)
                     ON CONFLICT (mid, fid) DO UPDATE SET
                        attribute = excluded.attribute, special = 0,
                        mtime = excluded.mtime, seq = excluded.seq,
                        made_seq = excluded.made_seq",
                )?
                .execute(params![
                    mid.as_i64(),
                    fid.as_i64(),
                    attribute.code(),
                    now,
                    seq
                ])?;
                // A remade relation is in no group. The triggers ungroup a
                // relation whose attribute stops being a follow; a follow
                // remade as a follow must leave its groups here.
                conn.prepare_cached(
                    "DELETE FROM relation_tag_members WHERE mid = ?1 AND fid = ?2",
                )?
                .execute([mid.as_i64(), fid.as_i64()])?;
            }
            RelationWrite::Refresh { mid, fid } => {
                let seq = match seq {
                    Some(seq) => seq,
                    None => current_seq(conn)?,
                };
                conn.prepare_cached(
                    "UPDATE relations SET mtime = ?3, seq = ?4 WHERE mid = ?1 AND fid = ?2",
                )?
                .execute(params![mid.as_i64(), fid.as_i64(), now, seq])?;
            }
            RelationWrite::Delete { mid, fid } => {
                conn.prepare_cached("DELETE FROM relations WHERE mid = ?1 AND fid = ?2")?
                    .execute([mid.as_i64(), fid.as_i64()])?;
            }
        }
    }
    Ok(())
}

pub(in crate::store::sqlite) fn modify(
    conn: &Connection,
    mid: Mid,
    fid: Mid,
    now: i64,
    decide: Decide<ModifyFacts, ModifyPlan>,
) -> Result<ModifyPlan, StoreError> {
    let facts = ModifyFacts {
        mid,
        fid,
        target: user_state(conn, fid)?,
        mine: stored_attribute(conn, mid, fid)?,
        theirs: stored_attribute(conn, fid, mid)?,
        counts: counts(conn, mid)?,
    };
    let plan = decide(&facts)?;
    apply(conn, &plan.writes, now)?;
    Ok(plan)
}

#[async_trait]
impl RelationStore for Sqlite {
    async fn modify(
        &self,
        mid: Mid,
        fid: Mid,
        now: i64,
        decide: Decide<ModifyFacts, ModifyPlan>,
    ) -> Result<ModifyPlan, StoreError> {
        self.write(move |conn| modify(conn, mid, fid, now, decide))
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

    async fn list(
        &self,
        owner: Mid,
        kind: ListKind,
        page: Page,
    ) -> Result<Option<ListPage>, StoreError> {
        self.read(move |conn| Ok(lists::list(conn, owner, kind, page)?))
            .await
    }

    async fn fans(&self, owner: Mid, query: FansQuery) -> Result<ListPage, StoreError> {
        self.read(move |conn| Ok(fans::fans(conn, owner, query)?))
            .await
    }

    async fn search_followings(
        &self,
        owner: Mid,
        filter: NameFilter,
        page: Page,
    ) -> Result<ListPage, StoreError> {
        self.read(move |conn| Ok(fans::search_followings(conn, owner, filter, page)?))
            .await
    }

    async fn follower_news(&self, mid: Mid) -> Result<FollowerNews, StoreError> {
        self.read(move |conn| Ok(fans::news(conn, mid)?)).await
    }

    async fn followers_seen(&self, mid: Mid, at: i64, version: u64) -> Result<(), StoreError> {
        self.write(move |conn| Ok(fans::seen(conn, mid, at, version)?))
            .await
    }

    async fn relation_counts(&self, mid: Mid) -> Result<RelationCounts, StoreError> {
        self.read(move |conn| Ok(counts(conn, mid)?)).await
    }

    async fn group_sizes(&self, mid: Mid) -> Result<GroupSizes, StoreError> {
        self.read(move |conn| Ok(tags::group_sizes(conn, mid)?))
            .await
    }

    async fn groups_of(
        &self,
        mid: Mid,
        fid: Mid,
    ) -> Result<Vec<(TagId, Option<String>)>, StoreError> {
        self.read(move |conn| Ok(tags::groups_of(conn, mid, fid)?))
            .await
    }

    async fn special(&self, mid: Mid) -> Result<Vec<Mid>, StoreError> {
        self.read(move |conn| Ok(tags::special(conn, mid)?)).await
    }

    async fn create_tag(
        &self,
        mid: Mid,
        name: TagName,
        now: i64,
        decide: Decide<TagNameFacts, ()>,
    ) -> Result<TagId, StoreError> {
        self.write(move |conn| tags::create(conn, mid, &name, now, decide))
            .await
    }

    async fn rename_tag(
        &self,
        mid: Mid,
        tagid: TagId,
        name: TagName,
        decide: Decide<TagNameFacts, ()>,
    ) -> Result<(), StoreError> {
        self.write(move |conn| tags::rename(conn, mid, tagid, &name, decide))
            .await
    }

    async fn delete_tag(&self, mid: Mid, tagid: TagId) -> Result<bool, StoreError> {
        self.write(move |conn| Ok(tags::delete(conn, mid, tagid)?))
            .await
    }

    async fn edit_tags(
        &self,
        mid: Mid,
        fids: Vec<Mid>,
        named: Vec<TagId>,
        decide: Decide<TagEditFacts, Vec<TagWrite>>,
    ) -> Result<(), StoreError> {
        self.write(move |conn| tags::edit(conn, mid, &fids, &named, decide))
            .await
    }
}
