//! The storage contract suite (`store::contract`) run against PostgreSQL,
//! on a fresh schema per case in the database named by
//! `SIXIN_TEST_DATABASE_URL`; without it every case is skipped, and the
//! suite says so once.
//!
//! After every case, before its schema is dropped, two checks: the tables
//! derived from `relations` by its writers ([`super::bookkeeping`]) must
//! agree with `relations` itself (migration 0012), and every session's
//! `last_msg` must be what `sixin_last_message` reads from the messages
//! (the writers keep it with their own statements, migration 0013). A
//! writer that forgot one would fail whichever case used it.

use std::str::FromStr;
use std::sync::Arc;

use super::testing::derived_disagreements;
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
        // A case that failed has said why already.
        if std::thread::panicking() {
            return;
        }
        let url = self.0.url();
        // A thread of its own: this is dropped inside the case's runtime.
        let (derived, wrong) = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap();
            runtime.block_on(async {
                let derived = derived_disagreements(&url).await;
                let config = tokio_postgres::Config::from_str(&url).unwrap();
                let (client, connection) = config.connect(tokio_postgres::NoTls).await.unwrap();
                tokio::spawn(connection);
                let rows = client.query(WRONG_LAST_MESSAGES, &[]).await.unwrap();
                let wrong = rows.iter().map(|r| r.get(0)).collect::<Vec<String>>();
                (derived, wrong)
            })
        })
        .join()
        .expect("the checks ran");
        assert!(derived.is_empty(), "derived tables disagree: {derived:#?}");
        assert!(wrong.is_empty(), "last_msg not kept: {wrong:#?}");
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
