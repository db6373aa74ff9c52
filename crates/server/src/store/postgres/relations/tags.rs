//! Follow groups in PostgreSQL: `relation_tags` (the groups users made) and
//! `relation_tag_members` (who is in which, the special group included).
//! Writes lock the owner (and, for edits, the members, whose relation rows
//! and versions change).

use deadpool_postgres::GenericClient;

use super::super::bookkeeping::{self, RelationChange};
use super::super::{count, execute, lock, query, query_one, query_opt, Lock, Pipeline};
use super::{current_seq, step, stored_attribute};
use crate::domain::tag::{TagEditFacts, TagInfo, TagName, TagNameFacts, TagWrite};
use crate::domain::{Mid, TagId};
use crate::store::relations::GroupSizes;
use crate::store::{Decide, StoreError};

/// Whether `tagid` is a group `mid` made.
pub(super) async fn owns(
    c: &impl GenericClient,
    mid: Mid,
    tagid: TagId,
) -> Result<bool, StoreError> {
    Ok(query_opt(
        c,
        "SELECT 1 FROM relation_tags WHERE tagid = $1 AND mid = $2",
        &[&tagid.get(), &mid.as_i64()],
    )
    .await?
    .is_some())
}

async fn own_count(c: &impl GenericClient, mid: Mid) -> Result<u64, StoreError> {
    Ok(count(
        &query_one(
            c,
            "SELECT COUNT(*) FROM relation_tags WHERE mid = $1",
            &[&mid.as_i64()],
        )
        .await?,
        0,
    ))
}

async fn named(
    c: &impl GenericClient,
    mid: Mid,
    name: &TagName,
) -> Result<Option<TagId>, StoreError> {
    Ok(query_opt(
        c,
        "SELECT tagid FROM relation_tags WHERE mid = $1 AND name = $2",
        &[&mid.as_i64(), &name.as_str()],
    )
    .await?
    .map(|r| TagId(r.get(0))))
}

pub(super) async fn group_sizes(
    c: &impl GenericClient,
    mid: Mid,
) -> Result<GroupSizes, StoreError> {
    // One statement: the sizes agree with each other.
    let row = query_one(
        c,
        "SELECT
            (SELECT COUNT(*) FROM relation_tag_members WHERE mid = $1 AND tagid = -10),
            (SELECT COUNT(DISTINCT fid) FROM relation_tag_members WHERE mid = $1),
            COALESCE((SELECT following FROM relation_stats WHERE mid = $1), 0),
            (SELECT array_agg(t.tagid ORDER BY t.tagid) FROM relation_tags t WHERE t.mid = $1),
            (SELECT array_agg(t.name ORDER BY t.tagid) FROM relation_tags t WHERE t.mid = $1),
            (SELECT array_agg((SELECT COUNT(*) FROM relation_tag_members m
                               WHERE m.mid = t.mid AND m.tagid = t.tagid) ORDER BY t.tagid)
             FROM relation_tags t WHERE t.mid = $1)",
        &[&mid.as_i64()],
    )
    .await?;
    let ids: Vec<i64> = row.get::<_, Option<Vec<i64>>>(3).unwrap_or_default();
    let names: Vec<String> = row.get::<_, Option<Vec<String>>>(4).unwrap_or_default();
    let sizes: Vec<i64> = row.get::<_, Option<Vec<i64>>>(5).unwrap_or_default();
    let own = ids
        .into_iter()
        .zip(names)
        .zip(sizes)
        .map(|((tagid, name), size)| TagInfo {
            tagid: TagId(tagid),
            name,
            count: size.max(0) as u64,
        })
        .collect();
    Ok(GroupSizes {
        special: count(&row, 0),
        grouped: count(&row, 1),
        following: count(&row, 2),
        own,
    })
}

pub(super) async fn groups_of(
    c: &impl GenericClient,
    mid: Mid,
    fid: Mid,
) -> Result<Vec<(TagId, Option<String>)>, StoreError> {
    Ok(query(
        c,
        "SELECT m.tagid, t.name FROM relation_tag_members m
         LEFT JOIN relation_tags t ON t.tagid = m.tagid
         WHERE m.mid = $1 AND m.fid = $2",
        &[&mid.as_i64(), &fid.as_i64()],
    )
    .await?
    .iter()
    .map(|r| (TagId(r.get(0)), r.get(1)))
    .collect())
}

pub(super) async fn special(c: &impl GenericClient, mid: Mid) -> Result<Vec<Mid>, StoreError> {
    Ok(query(
        c,
        "SELECT fid FROM relation_tag_members WHERE mid = $1 AND tagid = -10
         ORDER BY seq DESC",
        &[&mid.as_i64()],
    )
    .await?
    .iter()
    .map(|r| Mid::from_i64(r.get(0)))
    .collect())
}

pub(super) async fn create(
    c: &impl GenericClient,
    mid: Mid,
    name: &TagName,
    now: i64,
    decide: Decide<TagNameFacts, ()>,
) -> Result<TagId, StoreError> {
    lock(c, &[Lock::User(mid)]).await?;
    decide(&TagNameFacts {
        taken_by: named(c, mid, name).await?,
        own_count: own_count(c, mid).await?,
        owned: true,
    })?;
    let row = query_one(
        c,
        "INSERT INTO relation_tags (mid, name, ctime) VALUES ($1, $2, $3) RETURNING tagid",
        &[&mid.as_i64(), &name.as_str(), &now],
    )
    .await?;
    Ok(TagId(row.get(0)))
}

pub(super) async fn rename(
    c: &impl GenericClient,
    mid: Mid,
    tagid: TagId,
    name: &TagName,
    decide: Decide<TagNameFacts, ()>,
) -> Result<(), StoreError> {
    lock(c, &[Lock::User(mid)]).await?;
    decide(&TagNameFacts {
        taken_by: named(c, mid, name).await?,
        own_count: own_count(c, mid).await?,
        owned: owns(c, mid, tagid).await?,
    })?;
    execute(
        c,
        "UPDATE relation_tags SET name = $2 WHERE tagid = $1",
        &[&tagid.get(), &name.as_str()],
    )
    .await?;
    Ok(())
}

pub(super) async fn delete(
    c: &impl GenericClient,
    mid: Mid,
    tagid: TagId,
) -> Result<bool, StoreError> {
    lock(c, &[Lock::User(mid)]).await?;
    if !owns(c, mid, tagid).await? {
        return Ok(false);
    }
    execute(
        c,
        "DELETE FROM relation_tag_members WHERE mid = $1 AND tagid = $2",
        &[&mid.as_i64(), &tagid.get()],
    )
    .await?;
    execute(
        c,
        "DELETE FROM relation_tags WHERE tagid = $1",
        &[&tagid.get()],
    )
    .await?;
    Ok(true)
}

async fn member_tags(c: &impl GenericClient, mid: Mid, fid: Mid) -> Result<Vec<TagId>, StoreError> {
    Ok(query(
        c,
        "SELECT tagid FROM relation_tag_members WHERE mid = $1 AND fid = $2",
        &[&mid.as_i64(), &fid.as_i64()],
    )
    .await?
    .iter()
    .map(|r| TagId(r.get(0)))
    .collect())
}

pub(super) async fn edit(
    c: &impl GenericClient,
    mid: Mid,
    fids: &[Mid],
    named: &[TagId],
    decide: Decide<TagEditFacts, Vec<TagWrite>>,
) -> Result<(), StoreError> {
    let mut locks = vec![Lock::User(mid)];
    locks.extend(fids.iter().map(|&fid| Lock::User(fid)));
    lock(c, &locks).await?;
    let mut facts = TagEditFacts {
        named: Vec::with_capacity(named.len()),
        members: Vec::with_capacity(fids.len()),
    };
    for &tagid in named {
        facts.named.push((tagid, owns(c, mid, tagid).await?));
    }
    for &fid in fids {
        let attribute = stored_attribute(c, mid, fid).await?;
        facts
            .members
            .push((fid, attribute, member_tags(c, mid, fid).await?));
    }
    let writes = decide(&facts)?;
    let mut stepped = None;
    for write in writes {
        let seq = stepped.unwrap_or(0);
        match write {
            TagWrite::Step => stepped = Some(step(c).await?),
            TagWrite::Add { fid, tagid } => {
                execute(
                    c,
                    "INSERT INTO relation_tag_members (mid, fid, tagid, seq) VALUES ($1, $2, $3, $4)",
                    &[&mid.as_i64(), &fid.as_i64(), &tagid.get(), &seq],
                )
                .await?;
            }
            TagWrite::Remove { fid, tagid } => {
                execute(
                    c,
                    "DELETE FROM relation_tag_members WHERE mid = $1 AND fid = $2 AND tagid = $3",
                    &[&mid.as_i64(), &fid.as_i64(), &tagid.get()],
                )
                .await?;
            }
            TagWrite::Special { fid, special } => {
                // The mark is the relation's (its version is the last
                // step's, else the counter's), mirrored in `followers`.
                let version = match stepped {
                    Some(v) => v,
                    None => current_seq(c).await?,
                };
                let mut p = Pipeline::default();
                let change = RelationChange::Special(special);
                bookkeeping::relation(&mut p, mid, fid, change, 0, version);
                p.run(c).await?;
            }
        }
    }
    Ok(())
}
