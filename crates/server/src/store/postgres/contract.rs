//! The storage contract suite (`store::contract`) run against PostgreSQL,
//! on a fresh schema per case in the database named by
//! `SIXIN_TEST_DATABASE_URL`; without it every case is skipped, and the
//! suite says so once.
//!
//! After each case, before its schema is dropped, every session's
//! `last_msg` must be what `sixin_last_message` reads from the messages:
//! the writers keep it with their own statements (migration 0012), and a
//! writer that forgot would fail whichever case used it.

use std::str::FromStr;
use std::sync::Arc;

use super::{Postgres, TestDatabase};
use crate::store::contract::store_contract_tests;
use crate::store::Store;

/// A case's schema, checked when the case is done.
struct Checked(TestDatabase);

/// Sessions whose `last_msg` differs from the last message they show.
const WRONG_LAST_MESSAGES: &str = "
    SELECT format('%s/%s/%s: kept %s, shows %s', owner, session_type, talker_id, last_msg, shows)
    FROM (SELECT s.*, CASE WHEN s.last_seqno > 0
                      THEN sixin_last_message(s.conversation_id, s.owner, s.last_seqno) END AS shows
          FROM sessions s) s
    WHERE last_msg IS DISTINCT FROM shows";

impl Drop for Checked {
    fn drop(&mut self) {
        if std::thread::panicking() {
            return;
        }
        let url = self.0.url();
        // A thread of its own: this is dropped inside the case's runtime.
        let wrong = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap();
            runtime.block_on(async {
                let config = tokio_postgres::Config::from_str(&url).unwrap();
                let (client, connection) = config.connect(tokio_postgres::NoTls).await.unwrap();
                tokio::spawn(connection);
                let rows = client.query(WRONG_LAST_MESSAGES, &[]).await.unwrap();
                rows.iter().map(|r| r.get(0)).collect::<Vec<String>>()
            })
        })
        .join()
        .expect("the last-message check ran");
        assert!(wrong.is_empty(), "last_msg not kept: {wrong:#?}");
    }
}

/// A new, empty store in a schema of its own, dropped with the guard.
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
