//! The storage contract suite (`store::contract`) run against PostgreSQL,
//! on a fresh schema per case in the database named by
//! `SIXIN_TEST_DATABASE_URL`; without it every case is skipped, and the
//! suite says so once.
//!
//! After every case the tables derived from `relations` by its writers
//! ([`super::bookkeeping`]) are checked against `relations` itself: a
//! writer that forgot one would leave them apart.

use std::sync::Arc;

use super::testing::derived_disagreements;
use super::{Postgres, TestDatabase};
use crate::store::contract::store_contract_tests;
use crate::store::Store;

/// A test schema whose derived tables are checked before it is dropped.
struct Checked(TestDatabase);

impl Drop for Checked {
    fn drop(&mut self) {
        // A case that failed has said why already.
        if std::thread::panicking() {
            return;
        }
        let url = self.0.url();
        // A thread of its own: this is dropped inside the case's runtime.
        let found = std::thread::spawn(move || {
            tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap()
                .block_on(derived_disagreements(&url))
        })
        .join()
        .expect("the check ran");
        assert!(found.is_empty(), "derived tables disagree: {found:#?}");
    }
}

/// A new, empty store in a schema of its own, checked and dropped with
/// the guard.
async fn fresh() -> Option<(Arc<dyn Store>, Checked)> {
    let url = super::testing::test_database_url()?;
    let db = TestDatabase::create(&url)
        .await
        .expect("a test schema (is SIXIN_TEST_DATABASE_URL right?)");
    let store = Postgres::open(&db.url(), 4)
        .await
        .expect("the database opens");
    Some((Arc::new(store), Checked(db)))
}

store_contract_tests!(fresh());
