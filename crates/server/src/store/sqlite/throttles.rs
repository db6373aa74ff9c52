//! Throttle strikes in SQLite (`throttles`).

use async_trait::async_trait;
use rusqlite::{params, Connection, OptionalExtension};

use super::Sqlite;
use crate::domain::throttle::{Remembered, Strikes, ThrottleKey};
use crate::store::throttles::ThrottleStore;
use crate::store::{Decide, StoreError};

fn strikes(conn: &Connection, key: &ThrottleKey) -> rusqlite::Result<Strikes> {
    Ok(conn
        .prepare_cached(
            "SELECT count, at_ms, shut_until_ms FROM throttles WHERE kind = ?1 AND key = ?2",
        )?
        .query_row(params![key.kind.code(), key.key], |r| {
            Ok(Strikes {
                count: u32::try_from(r.get::<_, i64>(0)?).unwrap_or(u32::MAX),
                at_ms: r.get(1)?,
                shut_until_ms: r.get(2)?,
            })
        })
        .optional()?
        .unwrap_or_default())
}

#[async_trait]
impl ThrottleStore for Sqlite {
    async fn strikes(&self, key: ThrottleKey) -> Result<Strikes, StoreError> {
        self.read(move |conn| Ok(strikes(conn, &key)?)).await
    }

    async fn update_strikes(
        &self,
        key: ThrottleKey,
        now_ms: i64,
        decide: Decide<Strikes, Option<Remembered>>,
    ) -> Result<(), StoreError> {
        self.write(move |conn| {
            let Some(next) = decide(&strikes(conn, &key)?)? else {
                return Ok(());
            };
            if next.forget_at_ms > now_ms {
                conn.prepare_cached(
                    "INSERT OR REPLACE INTO throttles
                        (kind, key, count, at_ms, shut_until_ms, forget_at_ms)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                )?
                .execute(params![
                    key.kind.code(),
                    key.key,
                    i64::from(next.strikes.count),
                    next.strikes.at_ms,
                    next.strikes.shut_until_ms,
                    next.forget_at_ms,
                ])?;
            } else {
                conn.prepare_cached("DELETE FROM throttles WHERE kind = ?1 AND key = ?2")?
                    .execute(params![key.kind.code(), key.key])?;
            }
            conn.prepare_cached("DELETE FROM throttles WHERE forget_at_ms <= ?1")?
                .execute([now_ms])?;
            Ok(())
        })
        .await
    }
}
