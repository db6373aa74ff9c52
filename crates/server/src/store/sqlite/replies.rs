//! Automatic replies in SQLite.

use async_trait::async_trait;
use rusqlite::{params, Connection, OptionalExtension, Row};

use super::Sqlite;
use crate::domain::message::auto_reply::{AutoReply, ReplyWrite};
use crate::domain::Mid;
use crate::store::replies::AutoReplyStore;
use crate::store::{Decide, StoreError};

const COLUMNS: &str = "id, mid, kind, title, key1, key2, reply";

fn reply_at(r: &Row<'_>) -> rusqlite::Result<AutoReply> {
    Ok(AutoReply {
        id: r.get::<_, i64>(0)? as u64,
        mid: Mid::from_i64(r.get(1)?),
        kind: r.get(2)?,
        title: r.get(3)?,
        key1: r.get(4)?,
        key2: r.get(5)?,
        reply: r.get(6)?,
    })
}

fn replies(conn: &Connection, mid: Mid) -> rusqlite::Result<Vec<AutoReply>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {COLUMNS} FROM auto_replies WHERE mid = ?1 ORDER BY id DESC"
    ))?;
    let rows = stmt.query_map([mid.as_i64()], reply_at)?;
    rows.collect()
}

fn set(
    conn: &Connection,
    mid: Mid,
    now: i64,
    decide: Decide<Vec<AutoReply>, ReplyWrite>,
) -> Result<u64, StoreError> {
    let write = decide(&replies(conn, mid)?)?;
    match write.id {
        Some(id) => {
            conn.prepare_cached(
                "UPDATE auto_replies SET kind = ?3, title = ?4, key1 = ?5, key2 = ?6, reply = ?7
                 WHERE id = ?1 AND mid = ?2",
            )?
            .execute(params![
                id as i64,
                mid.as_i64(),
                write.kind,
                write.title,
                write.key1,
                write.key2,
                write.reply
            ])?;
            Ok(id)
        }
        None => {
            conn.prepare_cached(
                "INSERT INTO auto_replies (mid, kind, title, key1, key2, reply, ctime)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            )?
            .execute(params![
                mid.as_i64(),
                write.kind,
                write.title,
                write.key1,
                write.key2,
                write.reply,
                now
            ])?;
            Ok(conn.last_insert_rowid() as u64)
        }
    }
}

fn delete(
    conn: &Connection,
    id: u64,
    decide: Decide<Option<AutoReply>, bool>,
) -> Result<(), StoreError> {
    let found = conn
        .prepare_cached(&format!("SELECT {COLUMNS} FROM auto_replies WHERE id = ?1"))?
        .query_row([id as i64], reply_at)
        .optional()?;
    if decide(&found)? {
        conn.prepare_cached("DELETE FROM auto_replies WHERE id = ?1")?
            .execute([id as i64])?;
    }
    Ok(())
}

#[async_trait]
impl AutoReplyStore for Sqlite {
    async fn auto_replies(&self, mid: Mid) -> Result<Vec<AutoReply>, StoreError> {
        self.read(move |conn| Ok(replies(conn, mid)?)).await
    }

    async fn set_auto_reply(
        &self,
        mid: Mid,
        now: i64,
        decide: Decide<Vec<AutoReply>, ReplyWrite>,
    ) -> Result<u64, StoreError> {
        self.write(move |conn| set(conn, mid, now, decide)).await
    }

    async fn delete_auto_reply(
        &self,
        id: u64,
        decide: Decide<Option<AutoReply>, bool>,
    ) -> Result<(), StoreError> {
        self.write(move |conn| delete(conn, id, decide)).await
    }
}
