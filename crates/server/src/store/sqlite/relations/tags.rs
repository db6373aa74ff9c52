//! Follow groups in SQLite: `relation_tags` (the groups users made) and
//! `relation_tag_members` (who is in which, the special group included).

use rusqlite::{params, Connection, OptionalExtension};

use super::{step, stored_attribute};
use crate::domain::relation::Attribute;
use crate::domain::tag::{TagEditFacts, TagInfo, TagName, TagNameFacts, TagWrite};
use crate::domain::{Mid, TagId};
use crate::store::relations::GroupSizes;
use crate::store::{Decide, StoreError};

/// Whether `tagid` is a group `mid` made.
pub(super) fn owns(conn: &Connection, mid: Mid, tagid: TagId) -> rusqlite::Result<bool> {
    conn.prepare_cached("SELECT 1 FROM relation_tags WHERE tagid = ?1 AND mid = ?2")?
        .exists(params![tagid.get(), mid.as_i64()])
}

fn own_count(conn: &Connection, mid: Mid) -> rusqlite::Result<u64> {
    let n: i64 = conn
        .prepare_cached("SELECT COUNT(*) FROM relation_tags WHERE mid = ?1")?
        .query_row([mid.as_i64()], |r| r.get(0))?;
    Ok(n.max(0) as u64)
}

fn named(conn: &Connection, mid: Mid, name: &TagName) -> rusqlite::Result<Option<TagId>> {
    conn.prepare_cached("SELECT tagid FROM relation_tags WHERE mid = ?1 AND name = ?2")?
        .query_row(params![mid.as_i64(), name.as_str()], |r| {
            Ok(TagId(r.get(0)?))
        })
        .optional()
}

fn count(conn: &Connection, sql: &str, mid: Mid) -> rusqlite::Result<u64> {
    let n: i64 = conn
        .prepare_cached(sql)?
        .query_row([mid.as_i64()], |r| r.get(0))?;
    Ok(n.max(0) as u64)
}

pub(super) fn group_sizes(conn: &Connection, mid: Mid) -> rusqlite::Result<GroupSizes> {
    let mut stmt = conn.prepare_cached(
        "SELECT t.tagid, t.name,
            (SELECT COUNT(*) FROM relation_tag_members m
             WHERE m.mid = t.mid AND m.tagid = t.tagid)
         FROM relation_tags t WHERE t.mid = ?1 ORDER BY t.tagid",
    )?;
    let own = stmt
        .query_map([mid.as_i64()], |r| {
            Ok(TagInfo {
                tagid: TagId(r.get(0)?),
                name: r.get(1)?,
                count: r.get::<_, i64>(2)?.max(0) as u64,
            })
        })?
        .collect::<Result<Vec<_>, _>>()?;
    Ok(GroupSizes {
        special: count(
            conn,
            "SELECT COUNT(*) FROM relation_tag_members WHERE mid = ?1 AND tagid = -10",
            mid,
        )?,
        grouped: count(
            conn,
            "SELECT COUNT(DISTINCT fid) FROM relation_tag_members WHERE mid = ?1",
            mid,
        )?,
        following: super::counts(conn, mid)?.following,
        own,
    })
}

pub(super) fn groups_of(
    conn: &Connection,
    mid: Mid,
    fid: Mid,
) -> rusqlite::Result<Vec<(TagId, Option<String>)>> {
    let mut stmt = conn.prepare_cached(
        "SELECT m.tagid, t.name FROM relation_tag_members m
         LEFT JOIN relation_tags t ON t.tagid = m.tagid
         WHERE m.mid = ?1 AND m.fid = ?2",
    )?;
    let groups = stmt
        .query_map(params![mid.as_i64(), fid.as_i64()], |r| {
            Ok((TagId(r.get(0)?), r.get(1)?))
        })?
        .collect();
    groups
}

pub(super) fn special(conn: &Connection, mid: Mid) -> rusqlite::Result<Vec<Mid>> {
    let mut stmt = conn.prepare_cached(
        "SELECT fid FROM relation_tag_members WHERE mid = ?1 AND tagid = -10
         ORDER BY seq DESC",
    )?;
    let mids = stmt
        .query_map([mid.as_i64()], |r| Ok(Mid::from_i64(r.get(0)?)))?
        .collect();
    mids
}

pub(super) fn create(
    conn: &Connection,
    mid: Mid,
    name: &TagName,
    now: i64,
    decide: Decide<TagNameFacts, ()>,
) -> Result<TagId, StoreError> {
    decide(&TagNameFacts {
        taken_by: named(conn, mid, name)?,
        own_count: own_count(conn, mid)?,
        owned: true,
    })?;
    conn.prepare_cached("INSERT INTO relation_tags (mid, name, ctime) VALUES (?1, ?2, ?3)")?
        .execute(params![mid.as_i64(), name.as_str(), now])?;
    Ok(TagId(conn.last_insert_rowid()))
}

pub(super) fn rename(
    conn: &Connection,
    mid: Mid,
    tagid: TagId,
    name: &TagName,
    decide: Decide<TagNameFacts, ()>,
) -> Result<(), StoreError> {
    decide(&TagNameFacts {
        taken_by: named(conn, mid, name)?,
        own_count: own_count(conn, mid)?,
        owned: owns(conn, mid, tagid)?,
    })?;
    conn.prepare_cached("UPDATE relation_tags SET name = ?2 WHERE tagid = ?1")?
        .execute(params![tagid.get(), name.as_str()])?;
    Ok(())
}

pub(super) fn delete(conn: &Connection, mid: Mid, tagid: TagId) -> rusqlite::Result<bool> {
    if !owns(conn, mid, tagid)? {
        return Ok(false);
    }
    conn.prepare_cached("DELETE FROM relation_tag_members WHERE mid = ?1 AND tagid = ?2")?
        .execute(params![mid.as_i64(), tagid.get()])?;
    conn.prepare_cached("DELETE FROM relation_tags WHERE tagid = ?1")?
        .execute([tagid.get()])?;
    Ok(true)
}

fn member_tags(conn: &Connection, mid: Mid, fid: Mid) -> rusqlite::Result<Vec<TagId>> {
    conn.prepare_cached("SELECT tagid FROM relation_tag_members WHERE mid = ?1 AND fid = ?2")?
        .query_map([mid.as_i64(), fid.as_i64()], |r| Ok(TagId(r.get(0)?)))?
        .collect()
}

pub(super) fn edit(
    conn: &Connection,
    mid: Mid,
    fids: &[Mid],
    named: &[TagId],
    decide: Decide<TagEditFacts, Vec<TagWrite>>,
) -> Result<(), StoreError> {
    let mut facts = TagEditFacts {
        named: Vec::with_capacity(named.len()),
        members: Vec::with_capacity(fids.len()),
    };
    for &tagid in named {
        facts.named.push((tagid, owns(conn, mid, tagid)?));
    }
    for &fid in fids {
        let attribute: Option<Attribute> = stored_attribute(conn, mid, fid)?;
        facts
            .members
            .push((fid, attribute, member_tags(conn, mid, fid)?));
    }
    let writes = decide(&facts)?;
    let mut seq = 0;
    for write in writes {
        match write {
            TagWrite::Step => seq = step(conn)?,
            TagWrite::Add { fid, tagid } => {
                conn.prepare_cached(
                    "INSERT INTO relation_tag_members (mid, fid, tagid, seq) VALUES (?1, ?2, ?3, ?4)",
                )?
                .execute(params![mid.as_i64(), fid.as_i64(), tagid.get(), seq])?;
            }
            TagWrite::Remove { fid, tagid } => {
                conn.prepare_cached(
                    "DELETE FROM relation_tag_members WHERE mid = ?1 AND fid = ?2 AND tagid = ?3",
                )?
                .execute(params![mid.as_i64(), fid.as_i64(), tagid.get()])?;
            }
            TagWrite::Special { fid, special } => {
                conn.prepare_cached(
                    "UPDATE relations SET special = ?3 WHERE mid = ?1 AND fid = ?2 AND special != ?3",
                )?
                .execute(params![mid.as_i64(), fid.as_i64(), i64::from(special)])?;
            }
        }
    }
    Ok(())
}
