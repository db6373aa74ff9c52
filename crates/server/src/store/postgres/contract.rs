//! The storage contract suite (`store::contract`) run against PostgreSQL,
//! on a fresh schema per case in the database named by
//! `SIXIN_TEST_DATABASE_URL`; without it every case is skipped, and the
//! suite says so once.

use std::sync::Arc;

use super::{Postgres, TestDatabase};
use crate::store::contract::store_contract_tests;
use crate::store::Store;

/// A new, empty store in a schema of its own, dropped with the guard.
async fn fresh() -> Option<(Arc<dyn Store>, TestDatabase)> {
    let url = super::testing::test_database_url()?;
    let db = TestDatabase::create(&url)
        .await
        .expect("a test schema (is SIXIN_TEST_DATABASE_URL right?)");
    let store = Postgres::open(&db.url(), 4)
        .await
        .expect("the database opens");
    Some((Arc::new(store), db))
}

store_contract_tests!(fresh());
