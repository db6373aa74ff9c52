//! The embedded SQLite backend.
//!
//! One writer thread owns the only read-write connection. Write operations
//! are closures sent to it over a channel; it runs every operation that is
//! waiting in one transaction (each inside its own savepoint, so a failing
//! operation undoes only itself), commits once, and only then answers the
//! callers. With `journal_mode=WAL` and `synchronous=FULL` the commit is on
//! disk before any caller hears `code: 0`, and a burst of concurrent writes
//! pays for one sync, not one each (group commit).
//!
//! Reads run on a small pool of read-only connections on the blocking thread
//! pool. In WAL mode they see the last committed state and never wait for
//! the writer.

mod accounts;
pub mod backup;
pub(in crate::store) mod bulk;
mod catalogue;
#[cfg(test)]
mod contract;
mod custom;
pub mod export;
mod groups;
mod health;
mod keys;
mod messages;
mod migration_list;
mod pushes;
mod qrlogins;
mod relations;
mod replies;
mod search;
mod search_index;
mod throttles;

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;

use rusqlite::{Connection, OpenFlags, MAIN_DB};
use tokio::sync::{mpsc, oneshot, Semaphore};

use super::migrations::{self, Migration};
use super::StoreError;
use crate::datadir;
use crate::metrics::WriterMetrics;
use migration_list::MIGRATIONS;

impl From<rusqlite::Error> for StoreError {
    fn from(err: rusqlite::Error) -> Self {
        StoreError::Backend(Box::new(err))
    }
}

/// Most operations committed in one transaction.
const MAX_BATCH: usize = 1024;

type Completion = Box<dyn FnOnce(Result<(), StoreError>) + Send>;
type Job = Box<dyn FnOnce(&Connection) -> Completion + Send>;

/// The SQLite store. Cheap to share behind an `Arc`.
pub struct Sqlite {
    jobs: Mutex<Option<mpsc::Sender<Job>>>,
    writer: Mutex<Option<JoinHandle<()>>>,
    readers: Arc<Mutex<Vec<Connection>>>,
    permits: Arc<Semaphore>,
    path: PathBuf,
    msg_keys: Arc<keys::KeyGen>,
}

impl Sqlite {
    /// Opens (creating if needed) the database at `path`, applies pending
    /// migrations and starts the writer thread.
    pub fn open(path: &Path, readers: usize) -> Result<Sqlite, StoreError> {
        Sqlite::open_with_metrics(path, readers, WriterMetrics::detached())
    }

    /// [`Sqlite::open`], the writer recording its batches in `metrics`.
    ///
    /// The database file is made `0600` before SQLite opens it, so that its
    /// WAL and shared-memory files, which SQLite creates with the
    /// database's mode, are private too. A database that opens read-only
    /// (SQLite falls back to that silently when the file is not writable)
    /// is refused here rather than at the first write.
    pub fn open_with_metrics(
        path: &Path,
        readers: usize,
        metrics: WriterMetrics,
    ) -> Result<Sqlite, StoreError> {
        let private = |p: &Path| {
            datadir::make_private_if_present(p, false).map_err(|e| {
                StoreError::Backend(Box::new(std::io::Error::new(
                    e.kind(),
                    format!("{}: {e}", p.display()),
                )))
            })
        };
        if !path.exists() {
            datadir::private_options()
                .write(true)
                .create_new(true)
                .open(path)
                .map_err(|e| {
                    StoreError::Backend(Box::new(std::io::Error::new(
                        e.kind(),
                        format!("cannot create {}: {e}", path.display()),
                    )))
                })?;
        }
        private(path)?;
        for suffix in ["-wal", "-shm"] {
            let mut name = path.as_os_str().to_owned();
            name.push(suffix);
            private(Path::new(&name))?;
        }
        let mut conn = Connection::open(path)?;
        if conn.is_readonly(MAIN_DB)? {
            return Err(StoreError::backend(format!(
                "{} is read-only for this user",
                path.display()
            )));
        }
        configure(&conn)?;
        conn.pragma_update(None, "journal_mode", "WAL")?;
        migrate(&mut conn, MIGRATIONS)?;
        index_left_queued(&conn)?;
        let msg_keys = Arc::new(keys::KeyGen::starting_after(keys::max_msg_key(&conn)?));

        let readers = readers.max(1);
        let pool = (0..readers)
            .map(|_| open_reader(path))
            .collect::<Result<Vec<_>, _>>()?;

        let (tx, rx) = mpsc::channel::<Job>(MAX_BATCH * 8);
        let writer = std::thread::Builder::new()
            .name("sixin-sqlite-writer".into())
            .spawn(move || run_writer(conn, rx, metrics))
            .map_err(|e| StoreError::Backend(Box::new(e)))?;

        Ok(Sqlite {
            jobs: Mutex::new(Some(tx)),
            writer: Mutex::new(Some(writer)),
            readers: Arc::new(Mutex::new(pool)),
            permits: Arc::new(Semaphore::new(readers)),
            path: path.to_owned(),
            msg_keys,
        })
    }

    /// The database file inside a data directory.
    pub fn path_in(data_dir: &Path) -> PathBuf {
        data_dir.join("sixin.db")
    }

    /// Stops accepting writes, lets the writer commit what it has, and waits
    /// for it. Called at shutdown; later writes fail with `Closed`.
    pub fn close(&self) {
        drop(self.jobs.lock().expect("jobs lock").take());
        if let Some(handle) = self.writer.lock().expect("writer lock").take() {
            let _ = handle.join();
        }
    }

    /// Runs `op` in the writer's transaction and answers once it is committed.
    pub(crate) async fn write<T, F>(&self, op: F) -> Result<T, StoreError>
    where
        T: Send + 'static,
        F: FnOnce(&Connection) -> Result<T, StoreError> + Send + 'static,
    {
        let (reply, answer) = oneshot::channel();
        let job: Job = Box::new(move |conn: &Connection| {
            let result = in_savepoint(conn, op);
            Box::new(move |committed: Result<(), StoreError>| {
                let _ = reply.send(committed.and(result));
            }) as Completion
        });
        let sender = self.jobs.lock().expect("jobs lock").clone();
        let sender = sender.ok_or(StoreError::Closed)?;
        sender.send(job).await.map_err(|_| StoreError::Closed)?;
        // The writer drops the reply only when it could not run the write
        // (no transaction could begin, or the write panicked); it logged why.
        answer
            .await
            .map_err(|_| StoreError::backend("the writer abandoned this write"))?
    }

    /// Rewrites the probe row through the writer: `Ok` once it is
    /// committed, so the writer is alive and the database takes writes.
    pub(crate) async fn probe_write(&self) -> Result<(), StoreError> {
        self.write(|conn| {
            conn.execute(
                "INSERT INTO health_probe (id, probes) VALUES (1, 1)
                 ON CONFLICT (id) DO UPDATE SET probes = probes + 1",
                [],
            )?;
            Ok(())
        })
        .await
    }

    /// Runs `op` on a read-only connection off the async reactor.
    pub(crate) async fn read<T, F>(&self, op: F) -> Result<T, StoreError>
    where
        T: Send + 'static,
        F: FnOnce(&Connection) -> Result<T, StoreError> + Send + 'static,
    {
        let permit = self
            .permits
            .clone()
            .acquire_owned()
            .await
            .map_err(|_| StoreError::Closed)?;
        let pool = self.readers.clone();
        let path = self.path.clone();
        tokio::task::spawn_blocking(move || {
            // A connection lost to a panicking read is replaced here.
            let conn = pool.lock().expect("reader pool").pop();
            let conn = match conn {
                Some(conn) => conn,
                None => open_reader(&path)?,
            };
            // One snapshot for every statement of the operation, so that a
            // page and its total (or both directions of a relation) agree.
            let result = run(&conn, "BEGIN")
                .map_err(StoreError::from)
                .and_then(|()| op(&conn));
            let _ = run(&conn, "COMMIT");
            pool.lock().expect("reader pool").push(conn);
            drop(permit);
            result
        })
        .await
        .map_err(|e| StoreError::Backend(Box::new(e)))?
    }
}

#[async_trait::async_trait]
impl super::Store for Sqlite {
    async fn probe_write(&self) -> Result<(), StoreError> {
        Sqlite::probe_write(self).await
    }

    async fn readiness(&self, within: std::time::Duration) -> super::health::Readiness {
        health::readiness(self, within).await
    }

    fn close(&self) {
        Sqlite::close(self);
    }
}

impl Drop for Sqlite {
    fn drop(&mut self) {
        self.close();
    }
}

fn configure(conn: &Connection) -> Result<(), StoreError> {
    conn.busy_timeout(std::time::Duration::from_secs(5))?;
    conn.pragma_update(None, "synchronous", "FULL")?;
    conn.pragma_update(None, "foreign_keys", "ON")?;
    // Statement journals and sort trees in memory: as files (SQLite's
    // default) every write transaction created, opened and deleted one in
    // /var/tmp.
    conn.pragma_update(None, "temp_store", "MEMORY")?;
    cache_statements(conn)?;
    Ok(())
}

/// Keeps prepared statements, and keeps them valid. Without the query
/// planner stability guarantee, SQLite plans `LIMIT ?` with the value
/// bound and marks the statement to be planned again whenever that
/// parameter is bound anew: every page of history, sessions or relations
/// would parse and plan its query from scratch, cache or not. With it, a
/// plan depends on the SQL alone (no query here relies on a bound value:
/// no `LIKE ?`, no ANALYZE statistics).
fn cache_statements(conn: &Connection) -> Result<(), StoreError> {
    conn.set_prepared_statement_cache_capacity(128);
    conn.set_db_config(
        rusqlite::config::DbConfig::SQLITE_DBCONFIG_ENABLE_QPSG,
        true,
    )?;
    Ok(())
}

fn open_reader(path: &Path) -> Result<Connection, StoreError> {
    let conn = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_ONLY
            | OpenFlags::SQLITE_OPEN_NO_MUTEX
            | OpenFlags::SQLITE_OPEN_URI,
    )?;
    conn.busy_timeout(std::time::Duration::from_secs(5))?;
    cache_statements(&conn)?;
    Ok(conn)
}

fn migrate(conn: &mut Connection, all: &[Migration]) -> Result<(), StoreError> {
    let tx = conn.transaction()?;
    let recorded: bool = tx.query_row(
        "SELECT EXISTS (SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'sixin_migrations')",
        [],
        |row| row.get(0),
    )?;
    if !recorded {
        // Before the table, `user_version` counted the migrations applied,
        // which were numbered from 1 without gaps.
        let counted: i64 = tx.pragma_query_value(None, "user_version", |row| row.get(0))?;
        tx.execute_batch(
            "CREATE TABLE sixin_migrations (
                version     INTEGER PRIMARY KEY,
                applied_at  INTEGER NOT NULL    -- unix seconds
             ) STRICT",
        )?;
        tx.execute(
            "WITH RECURSIVE n(v) AS (SELECT 1 UNION ALL SELECT v + 1 FROM n WHERE v < ?1)
             INSERT INTO sixin_migrations (version, applied_at)
             SELECT v, unixepoch() FROM n WHERE ?1 > 0",
            [counted],
        )?;
    }
    tx.commit()?;
    let applied = conn
        .prepare("SELECT version FROM sixin_migrations")?
        .query_map([], |row| row.get(0))?
        .collect::<Result<Vec<i64>, _>>()?;
    for migration in migrations::pending(all, &applied)? {
        let tx = conn.transaction()?;
        tx.execute_batch(migration.sql)?;
        tx.execute(
            "INSERT INTO sixin_migrations (version, applied_at) VALUES (?1, unixepoch())",
            [migration.version],
        )?;
        // Still the number applied, so that a sixin from before the table
        // finds the schema newer than itself and refuses it.
        let count: i64 = tx.query_row("SELECT count(*) FROM sixin_migrations", [], |r| r.get(0))?;
        tx.pragma_update(None, "user_version", count)?;
        tx.commit()?;
        tracing::info!(version = migration.version, "applied database migration");
    }
    Ok(())
}

/// Indexes texts that some transaction committed without indexing them
/// (every writer here indexes before it commits; this is for one that
/// did not, such as a tool writing the file directly): a search finds them
/// from this start on.
fn index_left_queued(conn: &Connection) -> Result<(), StoreError> {
    run(conn, "BEGIN IMMEDIATE")?;
    match search_index::index_queued(conn) {
        Ok(()) => run(conn, "COMMIT")?,
        Err(err) => {
            let _ = run(conn, "ROLLBACK");
            return Err(err.into());
        }
    }
    Ok(())
}

/// A commit that failed, as each write of its batch reports it.
#[derive(Debug)]
struct CommitFailed(Arc<rusqlite::Error>);

impl std::fmt::Display for CommitFailed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("the write transaction did not commit")
    }
}

impl std::error::Error for CommitFailed {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&*self.0)
    }
}

/// Runs one operation inside a savepoint: kept on success, undone on error.
fn in_savepoint<T>(
    conn: &Connection,
    op: impl FnOnce(&Connection) -> Result<T, StoreError>,
) -> Result<T, StoreError> {
    run(conn, "SAVEPOINT op")?;
    let result = op(conn);
    if result.is_ok() {
        run(conn, "RELEASE op")?;
    } else {
        conn.execute_batch("ROLLBACK TO op; RELEASE op")?;
    }
    result
}

/// Runs one statement that takes no parameters and returns no rows (a
/// transaction's begin and end), prepared once per connection:
/// `execute_batch` would parse it on every call.
fn run(conn: &Connection, sql: &str) -> rusqlite::Result<()> {
    conn.prepare_cached(sql)?.raw_execute().map(|_| ())
}

/// Runs one job. A panicking job is undone and its caller sees the store as
/// unavailable for that call (an internal error), while the writer carries on.
fn run_job(conn: &Connection, job: Job) -> Option<Completion> {
    match std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| job(conn))) {
        Ok(completion) => Some(completion),
        Err(_) => {
            tracing::error!("a write operation panicked; it was rolled back");
            let _ = conn.execute_batch("ROLLBACK TO op; RELEASE op");
            None
        }
    }
}

fn run_writer(conn: Connection, mut jobs: mpsc::Receiver<Job>, metrics: WriterMetrics) {
    while let Some(first) = jobs.blocking_recv() {
        if let Err(err) = run(&conn, "BEGIN IMMEDIATE") {
            // Without a transaction nothing can be written; the caller's
            // reply channel is dropped, so it sees the store as unavailable.
            tracing::error!(%err, "cannot begin write transaction");
            drop(first);
            continue;
        }
        let mut completions: Vec<Completion> = run_job(&conn, first).into_iter().collect();
        while completions.len() < MAX_BATCH {
            match jobs.try_recv() {
                Ok(job) => completions.extend(run_job(&conn, job)),
                Err(_) => break,
            }
        }
        let started = std::time::Instant::now();
        // The batch's texts join the search index in its transaction: a
        // commit that cannot index them fails as a whole.
        let committed = search_index::index_queued(&conn)
            .and_then(|()| run(&conn, "COMMIT"))
            .map_err(Arc::new);
        metrics
            .commit_seconds
            .observe(started.elapsed().as_secs_f64());
        metrics.batch_size.observe(completions.len() as f64);
        if committed.is_err() {
            // Each caller reports the failure, with its cause.
            let _ = conn.execute_batch("ROLLBACK");
        }
        for completion in completions {
            completion(match &committed {
                Ok(()) => Ok(()),
                Err(err) => Err(StoreError::Backend(Box::new(CommitFailed(err.clone())))),
            });
        }
    }
    // Every sender is gone: fold the WAL back into the database file.
    if let Err(err) = conn.execute_batch("PRAGMA wal_checkpoint(TRUNCATE)") {
        tracing::warn!(%err, "checkpoint at shutdown failed");
    }
}

#[cfg(test)]
mod tests;
