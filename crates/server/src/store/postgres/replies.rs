//! Automatic replies in PostgreSQL. Setting one locks its owner; deleting
//! one locks its row (the facts are the reply, whoever's it is).

use async_trait::async_trait;
use deadpool_postgres::GenericClient;
use tokio_postgres::Row;

use super::{execute, lock, query, query_one, query_opt, Lock, Postgres};
use crate::domain::message::auto_reply::{AutoReply, ReplyWrite};
use crate::domain::Mid;
use crate::store::replies::AutoReplyStore;
use crate::store::{Decide, StoreError};

const COLUMNS: &str = "id, mid, kind, title, key1, key2, reply";

fn reply_at(r: &Row) -> AutoReply {
    AutoReply {
        id: r.get::<_, i64>(0) as u64,
        mid: Mid::from_i64(r.get(1)),
        kind: r.get(2),
        title: r.get(3),
        key1: r.get(4),
        key2: r.get(5),
        reply: r.get(6),
    }
}

async fn replies(c: &impl GenericClient, mid: Mid) -> Result<Vec<AutoReply>, StoreError> {
    Ok(query(
        c,
        &format!("SELECT {COLUMNS} FROM auto_replies WHERE mid = $1 ORDER BY id DESC"),
        &[&mid.as_i64()],
    )
    .await?
    .iter()
    .map(reply_at)
    .collect())
}

async fn set(
    c: &impl GenericClient,
    mid: Mid,
    now: i64,
    decide: Decide<Vec<AutoReply>, ReplyWrite>,
) -> Result<u64, StoreError> {
    lock(c, &[Lock::User(mid)]).await?;
    let write = decide(&replies(c, mid).await?)?;
    match write.id {
        Some(id) => {
            execute(
                c,
                "UPDATE auto_replies SET kind = $3, title = $4, key1 = $5, key2 = $6, reply = $7
                 WHERE id = $1 AND mid = $2",
                &[
                    &(id as i64),
                    &mid.as_i64(),
                    &write.kind,
                    &write.title,
                    &write.key1,
                    &write.key2,
                    &write.reply,
                ],
            )
            .await?;
            Ok(id)
        }
        None => {
            let id: i64 = query_one(
                c,
                "INSERT INTO auto_replies (mid, kind, title, key1, key2, reply, ctime)
                 VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
                &[
                    &mid.as_i64(),
                    &write.kind,
                    &write.title,
                    &write.key1,
                    &write.key2,
                    &write.reply,
                    &now,
                ],
            )
            .await?
            .get(0);
            Ok(id as u64)
        }
    }
}

async fn delete(
    c: &impl GenericClient,
    id: u64,
    decide: Decide<Option<AutoReply>, bool>,
) -> Result<(), StoreError> {
    let found = query_opt(
        c,
        &format!("SELECT {COLUMNS} FROM auto_replies WHERE id = $1 FOR UPDATE"),
        &[&(id as i64)],
    )
    .await?
    .map(|r| reply_at(&r));
    if decide(&found)? {
        execute(c, "DELETE FROM auto_replies WHERE id = $1", &[&(id as i64)]).await?;
    }
    Ok(())
}

#[async_trait]
impl AutoReplyStore for Postgres {
    async fn auto_replies(&self, mid: Mid) -> Result<Vec<AutoReply>, StoreError> {
        let client = self.client().await?;
        replies(&client, mid).await
    }

    async fn set_auto_reply(
        &self,
        mid: Mid,
        now: i64,
        decide: Decide<Vec<AutoReply>, ReplyWrite>,
    ) -> Result<u64, StoreError> {
        let mut client = self.client().await?;
        let tx = client.transaction().await?;
        let id = set(&tx, mid, now, decide).await?;
        tx.commit().await?;
        Ok(id)
    }

    async fn delete_auto_reply(
        &self,
        id: u64,
        decide: Decide<Option<AutoReply>, bool>,
    ) -> Result<(), StoreError> {
        let mut client = self.client().await?;
        let tx = client.transaction().await?;
        delete(&tx, id, decide).await?;
        tx.commit().await?;
        Ok(())
    }
}
