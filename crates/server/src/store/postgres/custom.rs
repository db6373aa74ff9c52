//! Customer-service files and presence in PostgreSQL.

use async_trait::async_trait;

use super::{execute, lock, query, query_opt, Lock, Postgres};
use crate::domain::system::{Place, Presence};
use crate::domain::Mid;
use crate::store::custom::{CustomerFile, CustomerStore, PresenceRecord};
use crate::store::{Decide, StoreError};

#[async_trait]
impl CustomerStore for Postgres {
    async fn record_file(&self, file: CustomerFile) -> Result<(), StoreError> {
        let client = self.client().await?;
        execute(
            &client,
            "INSERT INTO customer_files (key, owner, filename, mime, bytes, created_at)
             VALUES ($1, $2, $3, $4, $5, $6)
             ON CONFLICT (key) DO UPDATE SET owner = excluded.owner,
                filename = excluded.filename, mime = excluded.mime,
                bytes = excluded.bytes, created_at = excluded.created_at",
            &[
                &file.key,
                &file.owner.as_i64(),
                &file.filename,
                &file.mime,
                &(file.bytes as i64),
                &file.created_at,
            ],
        )
        .await?;
        Ok(())
    }

    async fn customer_file(&self, key: String) -> Result<Option<CustomerFile>, StoreError> {
        let client = self.client().await?;
        let row = query_opt(
            &client,
            "SELECT key, owner, filename, mime, bytes, created_at
             FROM customer_files WHERE key = $1",
            &[&key],
        )
        .await?;
        Ok(row.map(|r| CustomerFile {
            key: r.get(0),
            owner: Mid::from_i64(r.get(1)),
            filename: r.get(2),
            mime: r.get(3),
            bytes: r.get::<_, i64>(4).max(0) as u64,
            created_at: r.get(5),
        }))
    }

    async fn heartbeat(
        &self,
        mid: Mid,
        place: Place,
        decide: Decide<Option<Presence>, Presence>,
    ) -> Result<Presence, StoreError> {
        let mut client = self.client().await?;
        let tx = client.transaction().await?;
        lock(&tx, &[Lock::User(mid)]).await?;
        let key: [&(dyn tokio_postgres::types::ToSql + Sync); 3] =
            [&mid.as_i64(), &place.shop_id, &place.shop_father_id];
        let stored = query_opt(
            &tx,
            "SELECT first_seen, last_seen FROM presence
             WHERE mid = $1 AND shop_id = $2 AND shop_father_id = $3",
            &key,
        )
        .await?
        .map(|r| Presence {
            first_seen: r.get(0),
            last_seen: r.get(1),
        });
        let next = decide(&stored)?;
        execute(
            &tx,
            "INSERT INTO presence (mid, shop_id, shop_father_id, first_seen, last_seen)
             VALUES ($1, $2, $3, $4, $5)
             ON CONFLICT (mid, shop_id, shop_father_id) DO UPDATE SET
                first_seen = excluded.first_seen, last_seen = excluded.last_seen",
            &[
                &mid.as_i64(),
                &place.shop_id,
                &place.shop_father_id,
                &next.first_seen,
                &next.last_seen,
            ],
        )
        .await?;
        tx.commit().await?;
        Ok(next)
    }

    async fn presence(&self, since: i64) -> Result<Vec<PresenceRecord>, StoreError> {
        let client = self.client().await?;
        let rows = query(
            &client,
            "SELECT p.mid, u.uname, p.shop_id, p.shop_father_id, p.first_seen, p.last_seen
             FROM presence p JOIN users u ON u.mid = p.mid
             WHERE p.last_seen >= $1
             ORDER BY p.last_seen DESC, p.mid, p.shop_id, p.shop_father_id",
            &[&since],
        )
        .await?;
        Ok(rows
            .iter()
            .map(|r| PresenceRecord {
                mid: Mid::from_i64(r.get(0)),
                uname: r.get(1),
                place: Place {
                    shop_id: r.get(2),
                    shop_father_id: r.get(3),
                },
                presence: Presence {
                    first_seen: r.get(4),
                    last_seen: r.get(5),
                },
            })
            .collect())
    }
}
