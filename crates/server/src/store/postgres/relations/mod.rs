//! User relations in PostgreSQL: one row per (mid, fid) where mid did
//! something to fid, its reverse in `followers`, counts and versions,
//! written together by [`super::bookkeeping`]. A change locks both users,
//! so its facts (both directions, the counts under a limit) hold until it
//! commits.

mod fans;
mod lists;
mod tags;

use async_trait::async_trait;
use deadpool_postgres::GenericClient;
use tokio_postgres::Row;

use super::accounts::user_state;
use super::bookkeeping::{self, RelationChange};
use super::{count, lock, query, query_one, query_opt, snapshot, Lock, Pipeline, Postgres};
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
fn attribute_of(code: i64) -> Result<Attribute, StoreError> {
    Attribute::from_code(code)
        .ok_or_else(|| StoreError::backend(format!("stored relation attribute {code}")))
}

/// A possibly missing stored attribute (from a LEFT JOIN).
pub(super) fn attribute_or_none(code: Option<i64>) -> Option<Attribute> {
    code.and_then(Attribute::from_code)
}

/// `mid`'s stored attribute towards `fid`, if any.
pub(super) async fn stored_attribute(
    c: &impl GenericClient,
    mid: Mid,
    fid: Mid,
) -> Result<Option<Attribute>, StoreError> {
    match query_opt(
        c,
        "SELECT attribute FROM relations WHERE mid = $1 AND fid = $2",
        &[&mid.as_i64(), &fid.as_i64()],
    )
    .await?
    {
        Some(row) => Ok(Some(attribute_of(row.get(0))?)),
        None => Ok(None),
    }
}

/// The value of the relation counter.
async fn current_seq(c: &impl GenericClient) -> Result<i64, StoreError> {
    Ok(query_one(c, "SELECT sixin_relation_version()", &[])
        .await?
        .get(0))
}

/// Advances the relation counter; the new value is the seq and version of
/// this transaction's later changes (and what `sixin_relation_version()`
/// reads in it).
async fn step(c: &impl GenericClient) -> Result<i64, StoreError> {
    Ok(query_one(
        c,
        "SELECT set_config('sixin.relation_seq', nextval('relation_seq')::TEXT, true)::BIGINT",
        &[],
    )
    .await?
    .get(0))
}

pub(super) async fn counts(c: &impl GenericClient, mid: Mid) -> Result<RelationCounts, StoreError> {
    Ok(query_opt(
        c,
        "SELECT following, whisper, black, follower, version, public_version
         FROM relation_stats WHERE mid = $1",
        &[&mid.as_i64()],
    )
    .await?
    .map(|r| RelationCounts {
        following: count(&r, 0),
        whisper: count(&r, 1),
        black: count(&r, 2),
        follower: count(&r, 3),
        version: count(&r, 4),
        public_version: count(&r, 5),
    })
    .unwrap_or_default())
}

/// A relation's groups, special first, then ascending.
fn tag_list(tags: Option<Vec<i64>>) -> Vec<TagId> {
    let mut tags: Vec<TagId> = tags.unwrap_or_default().into_iter().map(TagId).collect();
    sort_tags(&mut tags);
    tags
}

/// A relation read from four columns starting at `at`: attribute, mtime,
/// special, the array of its groups. `None` when the attribute is NULL.
fn relation_at(row: &Row, at: usize) -> Result<Option<StoredRelation>, StoreError> {
    let Some(code) = row.get::<_, Option<i64>>(at) else {
        return Ok(None);
    };
    Ok(Some(StoredRelation {
        attribute: attribute_of(code)?,
        mtime: row.get(at + 1),
        special: row.get(at + 2),
        tags: tag_list(row.get(at + 3)),
    }))
}

/// Both directions between `mid` and `fid`, in one statement.
async fn load_pair(c: &impl GenericClient, mid: Mid, fid: Mid) -> Result<RelationPair, StoreError> {
    let row = query_one(
        c,
        "SELECT f.attribute, f.mtime, f.special,
            (SELECT array_agg(tagid) FROM relation_tag_members t WHERE t.mid = $1 AND t.fid = $2),
            b.attribute, b.mtime, b.special,
            (SELECT array_agg(tagid) FROM relation_tag_members t WHERE t.mid = $2 AND t.fid = $1)
         FROM (SELECT 1) one
         LEFT JOIN relations f ON f.mid = $1 AND f.fid = $2
         LEFT JOIN followers b ON b.fid = $1 AND b.mid = $2",
        &[&mid.as_i64(), &fid.as_i64()],
    )
    .await?;
    Ok(RelationPair {
        forward: relation_at(&row, 0)?,
        backward: relation_at(&row, 4)?,
    })
}

/// Applies the writes of a relation plan, in order: each write and what
/// it implies elsewhere ([`bookkeeping::relation`]) in one round trip
/// after the step that gives them their seq.
async fn apply(
    c: &impl GenericClient,
    writes: &[RelationWrite],
    now: i64,
) -> Result<(), StoreError> {
    let mut version = None;
    let mut p = Pipeline::default();
    for write in writes {
        let (mid, fid, change) = match *write {
            RelationWrite::Step => {
                // What is queued carries the previous value.
                std::mem::take(&mut p).run(c).await?;
                version = Some(step(c).await?);
                continue;
            }
            RelationWrite::Put {
                mid,
                fid,
                attribute,
            } => (mid, fid, RelationChange::Put(attribute)),
            RelationWrite::Refresh { mid, fid } => (mid, fid, RelationChange::Refresh),
            RelationWrite::Delete { mid, fid } => (mid, fid, RelationChange::Delete),
        };
        let v = match version {
            Some(v) => v,
            None => *version.insert(current_seq(c).await?),
        };
        bookkeeping::relation(&mut p, mid, fid, change, now, v);
    }
    p.run(c).await?;
    Ok(())
}

/// The users a plan's writes touch the counts of (both ends of each).
fn touched(writes: &[RelationWrite]) -> Vec<Lock> {
    writes
        .iter()
        .flat_map(|w| match *w {
            RelationWrite::Step => vec![],
            RelationWrite::Put { mid, fid, .. }
            | RelationWrite::Refresh { mid, fid }
            | RelationWrite::Delete { mid, fid } => vec![Lock::User(mid), Lock::User(fid)],
        })
        .collect()
}

async fn modify(
    c: &impl GenericClient,
    mid: Mid,
    fid: Mid,
    now: i64,
    decide: Decide<ModifyFacts, ModifyPlan>,
) -> Result<ModifyPlan, StoreError> {
    lock(c, &[Lock::User(mid), Lock::User(fid)]).await?;
    let facts = ModifyFacts {
        mid,
        fid,
        target: user_state(c, fid).await?,
        mine: stored_attribute(c, mid, fid).await?,
        theirs: stored_attribute(c, fid, mid).await?,
        counts: counts(c, mid).await?,
    };
    let plan = decide(&facts)?;
    // The rules' plans touch the two users only; a plan that names others
    // (the contract suite has some) locks them as well.
    let others: Vec<Lock> = touched(&plan.writes)
        .into_iter()
        .filter(|l| *l != Lock::User(mid) && *l != Lock::User(fid))
        .collect();
    if !others.is_empty() {
        lock(c, &others).await?;
    }
    apply(c, &plan.writes, now).await?;
    Ok(plan)
}

#[async_trait]
impl RelationStore for Postgres {
    async fn modify(
        &self,
        mid: Mid,
        fid: Mid,
        now: i64,
        decide: Decide<ModifyFacts, ModifyPlan>,
    ) -> Result<ModifyPlan, StoreError> {
        let mut client = self.client().await?;
        let tx = client.transaction().await?;
        let plan = modify(&tx, mid, fid, now, decide).await?;
        tx.commit().await?;
        Ok(plan)
    }

    async fn relation(&self, mid: Mid, fid: Mid) -> Result<RelationPair, StoreError> {
        let client = self.client().await?;
        load_pair(&client, mid, fid).await
    }

    async fn relations(
        &self,
        mid: Mid,
        fids: Vec<Mid>,
    ) -> Result<Vec<(Mid, RelationPair)>, StoreError> {
        let client = self.client().await?;
        let ids: Vec<i64> = fids.iter().map(|m| m.as_i64()).collect();
        // One statement, one snapshot, in the order given.
        let rows = query(
            &client,
            "SELECT x.fid, f.attribute, f.mtime, f.special,
                (SELECT array_agg(tagid) FROM relation_tag_members t
                 WHERE t.mid = $1 AND t.fid = x.fid),
                b.attribute, b.mtime, b.special,
                (SELECT array_agg(tagid) FROM relation_tag_members t
                 WHERE t.mid = x.fid AND t.fid = $1)
             FROM unnest($2::BIGINT[]) WITH ORDINALITY AS x(fid, ord)
             LEFT JOIN relations f ON f.mid = $1 AND f.fid = x.fid
             LEFT JOIN followers b ON b.fid = $1 AND b.mid = x.fid
             ORDER BY x.ord",
            &[&mid.as_i64(), &ids],
        )
        .await?;
        rows.iter()
            .map(|r| {
                Ok((
                    Mid::from_i64(r.get(0)),
                    RelationPair {
                        forward: relation_at(r, 1)?,
                        backward: relation_at(r, 5)?,
                    },
                ))
            })
            .collect()
    }

    async fn list(
        &self,
        owner: Mid,
        kind: ListKind,
        page: Page,
    ) -> Result<Option<ListPage>, StoreError> {
        let mut client = self.client().await?;
        let tx = snapshot(&mut client).await?;
        let listed = lists::list(&tx, owner, kind, page).await?;
        tx.commit().await?;
        Ok(listed)
    }

    async fn fans(&self, owner: Mid, query: FansQuery) -> Result<ListPage, StoreError> {
        let mut client = self.client().await?;
        let tx = snapshot(&mut client).await?;
        let page = fans::fans(&tx, owner, query).await?;
        tx.commit().await?;
        Ok(page)
    }

    async fn search_followings(
        &self,
        owner: Mid,
        filter: NameFilter,
        page: Page,
    ) -> Result<ListPage, StoreError> {
        let mut client = self.client().await?;
        let tx = snapshot(&mut client).await?;
        let found = fans::search_followings(&tx, owner, filter, page).await?;
        tx.commit().await?;
        Ok(found)
    }

    async fn follower_news(&self, mid: Mid) -> Result<FollowerNews, StoreError> {
        let client = self.client().await?;
        fans::news(&client, mid).await
    }

    async fn followers_seen(&self, mid: Mid, at: i64, version: u64) -> Result<(), StoreError> {
        let client = self.client().await?;
        fans::seen(&client, mid, at, version).await
    }

    async fn relation_counts(&self, mid: Mid) -> Result<RelationCounts, StoreError> {
        let client = self.client().await?;
        counts(&client, mid).await
    }

    async fn group_sizes(&self, mid: Mid) -> Result<GroupSizes, StoreError> {
        let client = self.client().await?;
        tags::group_sizes(&client, mid).await
    }

    async fn groups_of(
        &self,
        mid: Mid,
        fid: Mid,
    ) -> Result<Vec<(TagId, Option<String>)>, StoreError> {
        let client = self.client().await?;
        tags::groups_of(&client, mid, fid).await
    }

    async fn special(&self, mid: Mid) -> Result<Vec<Mid>, StoreError> {
        let client = self.client().await?;
        tags::special(&client, mid).await
    }

    async fn create_tag(
        &self,
        mid: Mid,
        name: TagName,
        now: i64,
        decide: Decide<TagNameFacts, ()>,
    ) -> Result<TagId, StoreError> {
        let mut client = self.client().await?;
        let tx = client.transaction().await?;
        let tagid = tags::create(&tx, mid, &name, now, decide).await?;
        tx.commit().await?;
        Ok(tagid)
    }

    async fn rename_tag(
        &self,
        mid: Mid,
        tagid: TagId,
        name: TagName,
        decide: Decide<TagNameFacts, ()>,
    ) -> Result<(), StoreError> {
        let mut client = self.client().await?;
        let tx = client.transaction().await?;
        tags::rename(&tx, mid, tagid, &name, decide).await?;
        Ok(tx.commit().await?)
    }

    async fn delete_tag(&self, mid: Mid, tagid: TagId) -> Result<bool, StoreError> {
        let mut client = self.client().await?;
        let tx = client.transaction().await?;
        let deleted = tags::delete(&tx, mid, tagid).await?;
        tx.commit().await?;
        Ok(deleted)
    }

    async fn edit_tags(
        &self,
        mid: Mid,
        fids: Vec<Mid>,
        named: Vec<TagId>,
        decide: Decide<TagEditFacts, Vec<TagWrite>>,
    ) -> Result<(), StoreError> {
        let mut client = self.client().await?;
        let tx = client.transaction().await?;
        tags::edit(&tx, mid, &fids, &named, decide).await?;
        Ok(tx.commit().await?)
    }
}
