//! Customer-service files and presence in SQLite.

use async_trait::async_trait;
use rusqlite::{params, OptionalExtension};

use super::Sqlite;
use crate::domain::system::{Place, Presence};
use crate::domain::Mid;
use crate::store::custom::{CustomerFile, CustomerStore, PresenceRecord};
use crate::store::{Decide, StoreError};

#[async_trait]
impl CustomerStore for Sqlite {
    async fn record_file(&self, file: CustomerFile) -> Result<(), StoreError> {
        self.write(move |conn| {
            conn.prepare_cached(
                "INSERT OR REPLACE INTO customer_files (key, owner, filename, mime, bytes, created_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            )?
            .execute(params![
                file.key,
                file.owner.as_i64(),
                file.filename,
                file.mime,
                file.bytes as i64,
                file.created_at
            ])?;
            Ok(())
        })
        .await
    }

    async fn customer_file(&self, key: String) -> Result<Option<CustomerFile>, StoreError> {
        self.read(move |conn| {
            Ok(conn
                .prepare_cached(
                    "SELECT key, owner, filename, mime, bytes, created_at
                     FROM customer_files WHERE key = ?1",
                )?
                .query_row([key], |r| {
                    Ok(CustomerFile {
                        key: r.get(0)?,
                        owner: Mid::from_i64(r.get(1)?),
                        filename: r.get(2)?,
                        mime: r.get(3)?,
                        bytes: r.get::<_, i64>(4)?.max(0) as u64,
                        created_at: r.get(5)?,
                    })
                })
                .optional()?)
        })
        .await
    }

    async fn heartbeat(
        &self,
        mid: Mid,
        place: Place,
        decide: Decide<Option<Presence>, Presence>,
    ) -> Result<Presence, StoreError> {
        self.write(move |conn| {
            let key = params![mid.as_i64(), place.shop_id, place.shop_father_id];
            let stored = conn
                .prepare_cached(
                    "SELECT first_seen, last_seen FROM presence
                     WHERE mid = ?1 AND shop_id = ?2 AND shop_father_id = ?3",
                )?
                .query_row(key, |r| {
                    Ok(Presence {
                        first_seen: r.get(0)?,
                        last_seen: r.get(1)?,
                    })
                })
                .optional()?;
            let next = decide(&stored)?;
            conn.prepare_cached(
                "INSERT OR REPLACE INTO presence (mid, shop_id, shop_father_id, first_seen, last_seen)
                 VALUES (?1, ?2, ?3, ?4, ?5)",
            )?
            .execute(params![
                mid.as_i64(),
                place.shop_id,
                place.shop_father_id,
                next.first_seen,
                next.last_seen
            ])?;
            Ok(next)
        })
        .await
    }

    async fn presence(&self, since: i64) -> Result<Vec<PresenceRecord>, StoreError> {
        self.read(move |conn| {
            let mut stmt = conn.prepare_cached(
                "SELECT p.mid, u.uname, p.shop_id, p.shop_father_id, p.first_seen, p.last_seen
                 FROM presence p JOIN users u ON u.mid = p.mid
                 WHERE p.last_seen >= ?1
                 ORDER BY p.last_seen DESC, p.mid, p.shop_id, p.shop_father_id",
            )?;
            let rows = stmt.query_map([since], |r| {
                Ok(PresenceRecord {
                    mid: Mid::from_i64(r.get(0)?),
                    uname: r.get(1)?,
                    place: Place {
                        shop_id: r.get(2)?,
                        shop_father_id: r.get(3)?,
                    },
                    presence: Presence {
                        first_seen: r.get(4)?,
                        last_seen: r.get(5)?,
                    },
                })
            })?;
            Ok(rows.collect::<Result<_, _>>()?)
        })
        .await
    }
}
