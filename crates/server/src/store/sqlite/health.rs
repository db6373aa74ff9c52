//! Readiness on SQLite: a probe write through the one writer thread.

use std::time::Duration;

use super::Sqlite;
use crate::store::health::{Database, Readiness, WritePath};
use crate::store::StoreError;

/// Commits a probe write through the writer within `within`; see
/// `Store::readiness`.
pub(super) async fn readiness(store: &Sqlite, within: Duration) -> Readiness {
    let (database, writer) = match tokio::time::timeout(within, store.probe_write()).await {
        Ok(Ok(())) => (Database::Writable, "alive"),
        Ok(Err(StoreError::Closed)) => (Database::Unknown, "stopped"),
        Ok(Err(err)) => {
            tracing::error!(error = ?err, "health: the probe write failed");
            (Database::NotWritable, "alive")
        }
        Err(_) => (Database::Unknown, "not answering"),
    };
    Readiness {
        database,
        path: WritePath::Writer(writer),
    }
}
