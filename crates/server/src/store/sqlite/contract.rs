//! The storage contract suite (`store::contract`) run against SQLite, on a
//! fresh database file per case.

use std::sync::Arc;

use tempfile::TempDir;

use super::Sqlite;
use crate::store::contract::store_contract_tests;
use crate::store::Store;

/// A new, empty database in a temporary directory that lives as long as
/// the returned guard.
async fn fresh() -> Option<(Arc<dyn Store>, TempDir)> {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let store = Sqlite::open(&dir.path().join("t.db"), 2).expect("the database opens");
    Some((Arc::new(store), dir))
}

store_contract_tests!(fresh());
