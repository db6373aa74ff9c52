//! Storage: backend-neutral traits speaking domain types, and one folder
//! per backend (`sqlite/` and `postgres/` hold all SQL).
//!
//! A write that enforces a rule takes a decision ([`Decide`]): the backend
//! reads the facts inside its write transaction, runs the decision (a pure
//! function the service built from `crate::domain` rules), and applies the
//! plan it returns in the same transaction, or writes nothing when it
//! refuses. So a check and the write it guards are atomic, and no backend
//! holds a rule: a new backend implements fact reads and plan writes only.
//! The contract suite (`contract`, run against every backend) pins what
//! each method reads and writes.

pub mod accounts;
pub mod bulk;
pub mod catalogue;
#[cfg(test)]
mod contract;
pub mod custom;
pub mod files;
pub mod groups;
pub mod health;
pub mod messages;
mod migrations;
pub mod postgres;
pub mod pushes;
pub mod relations;
pub mod replies;
pub mod search;
pub mod sqlite;
pub mod throttles;
pub mod transfer;

use std::error::Error;
use std::path::Path;
use std::sync::Arc;

use crate::domain::Refusal;
use crate::metrics::WriterMetrics;

pub use accounts::AccountStore;
pub use catalogue::CatalogueStore;
pub use custom::CustomerStore;
pub use groups::GroupStore;
pub use messages::MessageStore;
pub use pushes::PushStore;
pub use relations::RelationStore;
pub use replies::AutoReplyStore;
pub use search::SearchStore;
pub use throttles::ThrottleStore;

/// A decision a backend runs on the facts `F` it read inside a write
/// transaction: the plan `P` to apply, or a refusal (nothing is written).
///
/// Decisions are the domain's pure rules of the facts they are shown (the
/// send rate limit included: its state is a fact, its next state part of
/// the plan). A backend runs a decision exactly once per call, inside the
/// transaction whose outcome it reports, and never re-runs it to retry a
/// transaction: it makes the facts stable instead (SQLite by running one
/// write at a time, PostgreSQL by locking what they are about).
pub type Decide<F, P> = Box<dyn FnOnce(&F) -> Result<P, Refusal> + Send>;

/// Why a storage operation failed.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The operation's decision refused; nothing was written.
    #[error("refused: {0}")]
    Refused(#[from] Refusal),
    /// The backend failed (I/O, corruption, a bug).
    #[error("storage backend failed")]
    Backend(#[source] Box<dyn Error + Send + Sync>),
    /// The store is shutting down.
    #[error("storage is closed")]
    Closed,
}

impl StoreError {
    /// A backend failure described by `message`.
    pub fn backend(message: impl Into<String>) -> StoreError {
        StoreError::Backend(message.into().into())
    }
}

/// Which database to use, from the configuration.
#[derive(Debug, Clone, Copy)]
pub struct Backend<'a> {
    /// The data directory, home of the embedded SQLite database.
    pub data_dir: &'a Path,
    /// Read-only SQLite connections.
    pub readers: usize,
    /// A `postgres://` URL: the PostgreSQL backend instead of SQLite.
    pub database_url: Option<&'a str>,
    /// Pooled PostgreSQL connections.
    pub connections: usize,
}

/// Opens the storage backend: the one place a backend is chosen. With a
/// database URL, PostgreSQL (several nodes may share it); without, the
/// embedded SQLite database in the data directory, its writer reporting
/// its batches to `metrics` (PostgreSQL has no single writer to report).
pub async fn open(
    backend: Backend<'_>,
    metrics: WriterMetrics,
) -> Result<Arc<dyn Store>, StoreError> {
    match backend.database_url {
        Some(url) => {
            if !postgres::Postgres::is_url(url) {
                return Err(StoreError::backend(format!(
                    "the database URL must start with postgres:// or postgresql://, not {:?}",
                    url.split(':').next().unwrap_or_default()
                )));
            }
            Ok(Arc::new(
                postgres::Postgres::open(url, backend.connections).await?,
            ))
        }
        None => {
            let path = sqlite::Sqlite::path_in(backend.data_dir);
            let readers = backend.readers;
            let store = tokio::task::spawn_blocking(move || {
                sqlite::Sqlite::open_with_metrics(&path, readers, metrics)
            })
            .await
            .map_err(|e| StoreError::Backend(Box::new(e)))??;
            Ok(Arc::new(store))
        }
    }
}

/// Everything the service stores, held as `Arc<dyn Store>`.
#[async_trait::async_trait]
pub trait Store:
    AccountStore
    + RelationStore
    + MessageStore
    + GroupStore
    + PushStore
    + AutoReplyStore
    + CatalogueStore
    + CustomerStore
    + ThrottleStore
    + SearchStore
    + 'static
{
    /// A write through the backend's write path that changes nothing a
    /// user sees: `Ok` once it is durable. Readiness checks use it (start-up
    /// and `/health`): it fails when the database does not take writes or
    /// the writer is gone.
    async fn probe_write(&self) -> Result<(), StoreError>;

    /// A probe write through the backend's write path, within `within`,
    /// and what it found: whether the database took it, and how the part
    /// that carries writes (SQLite's writer thread, a pooled PostgreSQL
    /// connection) is. `/health` reports it.
    async fn readiness(&self, within: std::time::Duration) -> health::Readiness;

    /// Finishes pending writes and releases the backend; called once at
    /// shutdown. Later writes fail with [`StoreError::Closed`].
    fn close(&self);
}
