//! The PostgreSQL backend: several sixin nodes share one database.
//!
//! A pool of connections (`deadpool-postgres` over `tokio-postgres`, both
//! async, so nothing blocks the reactor). A write that runs a decision is
//! one READ COMMITTED transaction that first takes transaction-scoped
//! advisory locks on what its facts are about ([`Lock`]: the users whose
//! rows it reads and writes, in one global order so two writes never wait
//! on each other in a cycle), then reads the facts (each statement sees
//! everything committed before the locks were granted), runs the decision
//! once, writes its plan and commits: what SQLite's single writer gives by
//! running one write at a time, per user instead of per server. Answering
//! after `COMMIT` returns means committed (and, with PostgreSQL's default
//! `synchronous_commit = on`, flushed to its WAL).
//!
//! The send, the hot write, is two round trips: `BEGIN` with the locks and
//! every fact, then the plan's writes with `COMMIT` ([`Pipeline`]:
//! statements sent together, run in order; [`Flights`]: a transaction
//! begun and committed inside them).
//!
//! Reads are single statements (a history page, a session list), or a
//! REPEATABLE READ read-only transaction when a page and its total must
//! come from one snapshot.
//!
//! Migrations (`migrations/postgres/`) are applied at start-up by whichever
//! node takes the migration lock first; the others wait for it and find
//! nothing left to apply.

mod accounts;
pub mod bookkeeping;
mod catalogue;
#[cfg(test)]
mod contract;
mod custom;
mod groups;
mod health;
pub mod import;
mod messages;
mod pipeline;
mod pushes;
mod qrlogins;
mod relations;
mod replies;
mod search;
pub(crate) mod testing;
mod throttles;

use std::str::FromStr;

use deadpool_postgres::{GenericClient, Manager, ManagerConfig, Pool, PoolError, RecyclingMethod};
use tokio_postgres::types::ToSql;
use tokio_postgres::{NoTls, Row};

use self::pipeline::{Flights, Param, Pipeline};
use super::migrations::{self, Migration};
use super::StoreError;
use crate::domain::Mid;

pub use testing::{derived_disagreements, test_database_url, TestDatabase, TEST_DATABASE_URL};

impl From<tokio_postgres::Error> for StoreError {
    fn from(err: tokio_postgres::Error) -> Self {
        StoreError::Backend(Box::new(err))
    }
}

impl From<PoolError> for StoreError {
    fn from(err: PoolError) -> Self {
        match err {
            PoolError::Closed => StoreError::Closed,
            other => StoreError::Backend(Box::new(other)),
        }
    }
}

/// Migrations, by the number of their file (`store::migrations`: what
/// `sixin_migrations` lacks is applied, in ascending order). Never edit one
/// that has shipped: add a new file.
const MIGRATIONS: &[Migration] = &[
    Migration::new(
        1,
        include_str!("../../../migrations/postgres/0001_initial.sql"),
    ),
    Migration::new(
        2,
        include_str!("../../../migrations/postgres/0002_groups_pushes_replies.sql"),
    ),
    Migration::new(
        3,
        include_str!("../../../migrations/postgres/0003_health_probe.sql"),
    ),
    Migration::new(
        4,
        include_str!("../../../migrations/postgres/0004_accounts_security.sql"),
    ),
    Migration::new(
        5,
        include_str!("../../../migrations/postgres/0005_message_search.sql"),
    ),
    Migration::new(
        6,
        include_str!("../../../migrations/postgres/0006_followers.sql"),
    ),
    Migration::new(
        7,
        include_str!("../../../migrations/postgres/0007_session_last_message.sql"),
    ),
    Migration::new(
        8,
        include_str!("../../../migrations/postgres/0008_short_retry_fingerprints.sql"),
    ),
    // Unread totals kept per node, checked by version.
    Migration::new(
        9,
        include_str!("../../../migrations/postgres/0009_unread_versions.sql"),
    ),
    // Where each page of a follower list starts.
    Migration::new(
        10,
        include_str!("../../../migrations/postgres/0010_follower_buckets.sql"),
    ),
    // A session's last message read backwards by key, not by sorting.
    Migration::new(
        11,
        include_str!("../../../migrations/postgres/0011_last_message_plan.sql"),
    ),
    // The relation-side triggers dropped: their writers write what they derived.
    Migration::new(
        12,
        include_str!("../../../migrations/postgres/0012_bookkeeping_by_writers.sql"),
    ),
    // Last messages and unread versions of sessions written by the
    // writers' statements, not triggers.
    Migration::new(
        13,
        include_str!("../../../migrations/postgres/0013_explicit_session_bookkeeping.sql"),
    ),
    // Session lists read in their order (time, then talker).
    Migration::new(
        14,
        include_str!("../../../migrations/postgres/0014_session_lists_in_order.sql"),
    ),
];

/// The first key of every advisory lock sixin takes ("six" in ASCII).
const LOCK_SPACE: i32 = 0x0073_6978;

/// Params of a statement.
type Params<'a> = &'a [&'a (dyn ToSql + Sync)];

/// The PostgreSQL store. Cheap to share behind an `Arc`.
pub struct Postgres {
    pool: Pool,
}

impl std::fmt::Debug for Postgres {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Postgres { .. }")
    }
}

impl Postgres {
    /// Connects to the database at `url` (a `postgres://` URL or a
    /// `key=value` connection string) with at most `connections` pooled
    /// connections, and applies pending migrations.
    pub async fn open(url: &str, connections: usize) -> Result<Postgres, StoreError> {
        let config = tokio_postgres::Config::from_str(url)?;
        migrate(&config).await?;
        let manager = Manager::from_config(
            config,
            NoTls,
            ManagerConfig {
                recycling_method: RecyclingMethod::Fast,
            },
        );
        let pool = Pool::builder(manager)
            .max_size(connections.max(1))
            .build()
            .map_err(|e| StoreError::Backend(Box::new(e)))?;
        let store = Postgres { pool };
        import::refuse_unfinished(&store.client().await?).await?;
        Ok(store)
    }

    /// Whether `url` names a PostgreSQL database (rather than a path).
    pub fn is_url(url: &str) -> bool {
        url.starts_with("postgres://") || url.starts_with("postgresql://")
    }

    /// A pooled connection.
    async fn client(&self) -> Result<deadpool_postgres::Client, StoreError> {
        Ok(self.pool.get().await?)
    }

    /// Refuses new work; connections in use finish what they do.
    pub fn close(&self) {
        self.pool.close();
    }
}

#[async_trait::async_trait]
impl super::Store for Postgres {
    /// Rewrites the probe row: `Ok` once it is committed, so a pooled
    /// connection is at hand and the database takes writes (a read-only
    /// replica or a full disk fails here).
    async fn probe_write(&self) -> Result<(), StoreError> {
        let client = self.client().await?;
        execute(
            &client,
            "INSERT INTO health_probe (id, probes) VALUES (1, 1)
             ON CONFLICT (id) DO UPDATE SET probes = health_probe.probes + 1",
            &[],
        )
        .await?;
        Ok(())
    }

    async fn readiness(&self, within: std::time::Duration) -> super::health::Readiness {
        health::readiness(self, within).await
    }

    fn close(&self) {
        Postgres::close(self);
    }
}

/// What a write transaction locks before it reads its facts. The locks
/// are advisory and last until the transaction ends; [`lock`] takes them
/// in one global order.
///
/// A write about an existing fan group also locks the group's row
/// (`SELECT ... FROM fan_groups ... FOR UPDATE`, or `FOR SHARE` when it
/// only needs the membership to hold), always *after* its advisory locks
/// and as its last lock: so a transaction holding a group row never waits
/// for an advisory lock, and no two writes wait on each other in a cycle.
/// A post moves the sessions of every member without their locks (a group
/// may have many thousands); see `groups.rs`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Lock {
    /// Creating users and changing names and system accounts (one lock:
    /// rare, admin-driven, and the next free mid is a server-wide fact).
    Accounts,
    /// Generating QR logins (their number is a server-wide fact).
    QrLogins,
    /// Creating fan groups (the next free group id is a server-wide fact).
    Groups,
    /// One user's relations, sessions, sends, settings and presence.
    User(Mid),
}

impl Lock {
    fn key(self) -> i64 {
        match self {
            Lock::Accounts => 1,
            Lock::QrLogins => 2,
            // 3 is `sixin_msg_key`'s (see the migration).
            Lock::Groups => 4,
            // Mids are below 2^63; one class bit keeps them apart from the
            // fixed keys above.
            Lock::User(mid) => mid.as_i64() | (1 << 62),
        }
    }
}

/// Takes `locks` (in the global order, each once) for the rest of the
/// transaction `tx`.
async fn lock(tx: &impl GenericClient, locks: &[Lock]) -> Result<(), StoreError> {
    // `unnest` yields the array in order, so the locks are taken in order.
    execute(tx, LOCK, &[&lock_keys(locks)]).await?;
    Ok(())
}

/// The SQL of [`lock`]: takes the advisory locks of an array of keys, in
/// the array's order.
const LOCK: &str = "SELECT pg_advisory_xact_lock(k) FROM unnest($1::BIGINT[]) AS k";

/// The keys of `locks`, in the global order, each once.
fn lock_keys(locks: &[Lock]) -> Vec<i64> {
    let mut keys: Vec<i64> = locks.iter().map(|l| l.key()).collect();
    keys.sort_unstable();
    keys.dedup();
    keys
}

/// Runs a statement (prepared once per connection).
async fn execute(c: &impl GenericClient, sql: &str, params: Params<'_>) -> Result<u64, StoreError> {
    let stmt = c.prepare_cached(sql).await?;
    Ok(c.execute(&stmt, params).await?)
}

/// The rows of a query.
async fn query(
    c: &impl GenericClient,
    sql: &str,
    params: Params<'_>,
) -> Result<Vec<Row>, StoreError> {
    let stmt = c.prepare_cached(sql).await?;
    Ok(c.query(&stmt, params).await?)
}

/// The one row of a query.
async fn query_one(
    c: &impl GenericClient,
    sql: &str,
    params: Params<'_>,
) -> Result<Row, StoreError> {
    let stmt = c.prepare_cached(sql).await?;
    Ok(c.query_one(&stmt, params).await?)
}

/// The row of a query, if any.
async fn query_opt(
    c: &impl GenericClient,
    sql: &str,
    params: Params<'_>,
) -> Result<Option<Row>, StoreError> {
    let stmt = c.prepare_cached(sql).await?;
    Ok(c.query_opt(&stmt, params).await?)
}

/// Applies pending migrations on a connection of its own, holding a
/// session lock (per schema) so that nodes starting together migrate once.
async fn migrate(config: &tokio_postgres::Config) -> Result<(), StoreError> {
    let (mut client, connection) = config.connect(NoTls).await?;
    let driver = tokio::spawn(async move {
        if let Err(err) = connection.await {
            tracing::warn!(%err, "migration connection ended");
        }
    });
    let result = async {
        // Not a NOTICE at every start that the table below exists.
        client
            .batch_execute("SET client_min_messages = warning")
            .await?;
        client
            .execute(
                "SELECT pg_advisory_lock($1, hashtext(current_schema()))",
                &[&LOCK_SPACE],
            )
            .await?;
        client
            .batch_execute(
                "CREATE TABLE IF NOT EXISTS sixin_migrations (
                    version     BIGINT PRIMARY KEY,
                    applied_at  TIMESTAMPTZ NOT NULL DEFAULT now()
                 )",
            )
            .await?;
        let applied: Vec<i64> = client
            .query("SELECT version FROM sixin_migrations", &[])
            .await?
            .iter()
            .map(|row| row.get(0))
            .collect();
        for migration in migrations::pending(MIGRATIONS, &applied)? {
            let tx = client.transaction().await?;
            tx.batch_execute(migration.sql).await?;
            tx.execute(
                "INSERT INTO sixin_migrations (version) VALUES ($1)",
                &[&migration.version],
            )
            .await?;
            tx.commit().await?;
            tracing::info!(version = migration.version, "applied database migration");
        }
        Ok(())
    }
    .await;
    // Ending the connection releases the lock whatever happened.
    drop(client);
    let _ = driver.await;
    result
}

/// A read-only transaction whose statements all see one snapshot, so a
/// page and its total agree.
async fn snapshot(
    client: &mut deadpool_postgres::Client,
) -> Result<deadpool_postgres::Transaction<'_>, StoreError> {
    Ok(client
        .build_transaction()
        .isolation_level(tokio_postgres::IsolationLevel::RepeatableRead)
        .read_only(true)
        .start()
        .await?)
}

/// A count read as `BIGINT`, never negative.
fn count(row: &Row, at: usize) -> u64 {
    row.get::<_, i64>(at).max(0) as u64
}

/// An `i64` parameter for a `u64` that may exceed it.
fn int(n: u64) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn nodes_opening_together_migrate_once() {
        let Some(url) = test_database_url() else {
            return;
        };
        let db = TestDatabase::create(&url).await.unwrap();
        let opened = futures_util::future::join_all((0..4).map(|_| {
            let url = db.url();
            async move { Postgres::open(&url, 1).await }
        }))
        .await;
        assert!(opened.iter().all(Result::is_ok), "{opened:?}");
        let store = opened.into_iter().next().unwrap().unwrap();
        let client = store.client().await.unwrap();
        let applied: Vec<i64> = query(
            &client,
            "SELECT version FROM sixin_migrations ORDER BY version",
            &[],
        )
        .await
        .unwrap()
        .iter()
        .map(|r| r.get(0))
        .collect();
        assert_eq!(
            applied,
            MIGRATIONS.iter().map(|m| m.version).collect::<Vec<_>>()
        );
    }

    #[test]
    fn every_migration_file_is_listed() {
        migrations::assert_lists_every_file("postgres", MIGRATIONS);
    }

    #[tokio::test]
    async fn only_postgres_urls_choose_postgres() {
        let dir = tempfile::tempdir().unwrap();
        let chosen = crate::store::open(
            crate::store::Backend {
                data_dir: dir.path(),
                readers: 1,
                database_url: Some("mysql://localhost/sixin"),
                connections: 1,
            },
            crate::metrics::WriterMetrics::detached(),
        )
        .await;
        match chosen.err().expect("refused") {
            StoreError::Backend(why) => assert!(why.to_string().contains("postgres://"), "{why}"),
            other => panic!("{other:?}"),
        }
    }
}
