//! Readiness on PostgreSQL: a probe write on a pooled connection. There is
//! no writer thread here; what carries writes is the pool, so the check
//! says whether a connection could be had and whether it answered.

use std::time::Duration;

use deadpool_postgres::PoolError;
use tokio::time::{timeout_at, Instant};

use super::Postgres;
use crate::store::health::{Database, Readiness, WritePath};

/// Takes a pooled connection and commits the probe write on it, all within
/// `within`; see `Store::readiness`.
pub(super) async fn readiness(store: &Postgres, within: Duration) -> Readiness {
    let deadline = Instant::now() + within;
    let (database, pool) = match timeout_at(deadline, store.pool.get()).await {
        Err(_) => (Database::Unknown, "not answering"),
        Ok(Err(PoolError::Closed)) => (Database::Unknown, "closed"),
        Ok(Err(err)) => {
            tracing::error!(error = ?err, "health: no database connection");
            (Database::Unknown, "no connection")
        }
        Ok(Ok(client)) => {
            let probe = client.execute(
                "INSERT INTO health_probe (id, probes) VALUES (1, 1)
                 ON CONFLICT (id) DO UPDATE SET probes = health_probe.probes + 1",
                &[],
            );
            match timeout_at(deadline, probe).await {
                Err(_) => (Database::Unknown, "not answering"),
                Ok(Ok(_)) => (Database::Writable, "answering"),
                // The database answered, with a refusal (a read-only
                // replica, a full disk, missing rights).
                Ok(Err(err)) if err.as_db_error().is_some() => {
                    tracing::error!(error = ?err, "health: the probe write failed");
                    (Database::NotWritable, "answering")
                }
                Ok(Err(err)) => {
                    tracing::error!(error = ?err, "health: the connection failed");
                    (Database::Unknown, "connection lost")
                }
            }
        }
    };
    Readiness {
        database,
        path: WritePath::Pool(pool),
    }
}
