//! Throttle strikes in PostgreSQL (`throttles`), shared by every node.
//!
//! An update locks the key's row (made first if it is missing, so that
//! there is a row to lock) before it reads the strikes; concurrent
//! attempts on one key, from any node, run one after the other. Keys
//! forgettable by now are deleted on the way, skipping any row another
//! transaction holds, so that forgetting never waits.

use async_trait::async_trait;
use tokio_postgres::Row;

use super::{query_opt, Param, Pipeline, Postgres};
use crate::domain::throttle::{Remembered, Strikes, ThrottleKey};
use crate::store::throttles::ThrottleStore;
use crate::store::{Decide, StoreError};

fn strikes_of(row: &Row) -> Strikes {
    Strikes {
        count: u32::try_from(row.get::<_, i64>(0)).unwrap_or(u32::MAX),
        at_ms: row.get(1),
        shut_until_ms: row.get(2),
    }
}

fn key_params(key: &ThrottleKey) -> Vec<Param> {
    vec![Box::new(key.kind.code()), Box::new(key.key.clone())]
}

#[async_trait]
impl ThrottleStore for Postgres {
    async fn strikes(&self, key: ThrottleKey) -> Result<Strikes, StoreError> {
        let client = self.client().await?;
        let row = query_opt(
            &client,
            "SELECT count, at_ms, shut_until_ms FROM throttles WHERE kind = $1 AND key = $2",
            &[&key.kind.code(), &key.key],
        )
        .await?;
        Ok(row.as_ref().map(strikes_of).unwrap_or_default())
    }

    async fn update_strikes(
        &self,
        key: ThrottleKey,
        now_ms: i64,
        decide: Decide<Strikes, Option<Remembered>>,
    ) -> Result<(), StoreError> {
        let mut client = self.client().await?;
        let tx = client.transaction().await?;
        let mut facts = Pipeline::default();
        facts.push(
            "INSERT INTO throttles (kind, key, count, at_ms, shut_until_ms, forget_at_ms)
             VALUES ($1, $2, 0, 0, 0, 0) ON CONFLICT (kind, key) DO NOTHING",
            key_params(&key),
        );
        let read = facts.push(
            "SELECT count, at_ms, shut_until_ms FROM throttles
             WHERE kind = $1 AND key = $2 FOR UPDATE",
            key_params(&key),
        );
        let rows = facts.run(&tx).await?;
        let stored = rows[read].first().map(strikes_of).unwrap_or_default();
        // A refusal, or nothing to write: the transaction rolls back (the
        // row made to be locked goes with it).
        let Some(next) = decide(&stored)? else {
            return Ok(());
        };
        let mut plan = Pipeline::default();
        if next.forget_at_ms > now_ms {
            let mut params = key_params(&key);
            params.extend([
                Box::new(i64::from(next.strikes.count)) as Param,
                Box::new(next.strikes.at_ms),
                Box::new(next.strikes.shut_until_ms),
                Box::new(next.forget_at_ms),
            ]);
            plan.push(
                "UPDATE throttles SET count = $3, at_ms = $4, shut_until_ms = $5, forget_at_ms = $6
                 WHERE kind = $1 AND key = $2",
                params,
            );
        } else {
            plan.push(
                "DELETE FROM throttles WHERE kind = $1 AND key = $2",
                key_params(&key),
            );
        }
        plan.push(
            "DELETE FROM throttles WHERE (kind, key) IN (
                SELECT kind, key FROM throttles WHERE forget_at_ms <= $1
                LIMIT 1000 FOR UPDATE SKIP LOCKED)",
            vec![Box::new(now_ms)],
        );
        plan.run(&tx).await?;
        Ok(tx.commit().await?)
    }
}
