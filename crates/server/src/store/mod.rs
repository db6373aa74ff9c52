//! Storage: backend-neutral traits speaking domain types, and one folder
//! per backend (`sqlite/` holds all SQL).
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
pub mod catalogue;
#[cfg(test)]
mod contract;
pub mod files;
pub mod messages;
pub mod relations;
pub mod sqlite;

use std::error::Error;
use std::path::Path;
use std::sync::Arc;

use crate::domain::Refusal;

pub use accounts::AccountStore;
pub use catalogue::CatalogueStore;
pub use messages::MessageStore;
pub use relations::RelationStore;

/// A decision a backend runs on the facts `F` it read inside a write
/// transaction: the plan `P` to apply, or a refusal (nothing is written).
///
/// Decisions are the domain's pure rules, except that the send decision
/// also counts the send in the service's in-memory rate limiter. So a
/// backend runs a decision exactly once per call, inside the transaction
/// whose outcome it reports, and never re-runs it to retry a transaction.
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

/// Opens the storage backend: the one place a backend is chosen. Today
/// that is the embedded SQLite database in `data_dir`, with `readers`
/// read-only connections.
pub fn open(data_dir: &Path, readers: usize) -> Result<Arc<dyn Store>, StoreError> {
    let store = sqlite::Sqlite::open(&sqlite::Sqlite::path_in(data_dir), readers)?;
    Ok(Arc::new(store))
}

/// Everything the service stores, held as `Arc<dyn Store>`.
pub trait Store: AccountStore + RelationStore + MessageStore + CatalogueStore + 'static {
    /// Finishes pending writes and releases the backend; called once at
    /// shutdown. Later writes fail with [`StoreError::Closed`].
    fn close(&self);
}
