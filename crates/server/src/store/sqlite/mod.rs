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
mod catalogue;
#[cfg(test)]
mod contract;
mod keys;
mod messages;
mod relations;

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;

use rusqlite::{Connection, OpenFlags};
use tokio::sync::{mpsc, oneshot, Semaphore};

use super::StoreError;

impl From<rusqlite::Error> for StoreError {
    fn from(err: rusqlite::Error) -> Self {
        StoreError::Backend(Box::new(err))
    }
}

/// Most operations committed in one transaction.
const MAX_BATCH: usize = 1024;

/// Migrations, applied in order; `PRAGMA user_version` counts the applied ones.
/// Never edit one that has shipped: add a new file.
const MIGRATIONS: &[&str] = &[
    include_str!("../../../migrations/sqlite/0001_accounts.sql"),
    include_str!("../../../migrations/sqlite/0002_relations.sql"),
    include_str!("../../../migrations/sqlite/0003_messages.sql"),
];

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
        let mut conn = Connection::open(path)?;
        configure(&conn)?;
        conn.pragma_update(None, "journal_mode", "WAL")?;
        migrate(&mut conn)?;
        let msg_keys = Arc::new(keys::KeyGen::starting_after(keys::max_msg_key(&conn)?));

        let readers = readers.max(1);
        let pool = (0..readers)
            .map(|_| open_reader(path))
            .collect::<Result<Vec<_>, _>>()?;

        let (tx, rx) = mpsc::channel::<Job>(MAX_BATCH * 8);
        let writer = std::thread::Builder::new()
            .name("sixin-sqlite-writer".into())
            .spawn(move || run_writer(conn, rx))
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
            let result = conn
                .execute_batch("BEGIN")
                .map_err(StoreError::from)
                .and_then(|()| op(&conn));
            let _ = conn.execute_batch("COMMIT");
            pool.lock().expect("reader pool").push(conn);
            drop(permit);
            result
        })
        .await
        .map_err(|e| StoreError::Backend(Box::new(e)))?
    }
}

impl super::Store for Sqlite {
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
    conn.set_prepared_statement_cache_capacity(128);
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
    conn.set_prepared_statement_cache_capacity(128);
    Ok(conn)
}

fn migrate(conn: &mut Connection) -> Result<(), StoreError> {
    let applied: i64 = conn.pragma_query_value(None, "user_version", |row| row.get(0))?;
    let applied = usize::try_from(applied).unwrap_or(0);
    if applied > MIGRATIONS.len() {
        return Err(StoreError::backend(format!(
            "database schema version {applied} is newer than this sixin ({})",
            MIGRATIONS.len()
        )));
    }
    for (index, sql) in MIGRATIONS.iter().enumerate().skip(applied) {
        let tx = conn.transaction()?;
        tx.execute_batch(sql)?;
        tx.pragma_update(None, "user_version", index as i64 + 1)?;
        tx.commit()?;
        tracing::info!(version = index + 1, "applied database migration");
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
    conn.execute_batch("SAVEPOINT op")?;
    let result = op(conn);
    let end = if result.is_ok() {
        "RELEASE op"
    } else {
        "ROLLBACK TO op; RELEASE op"
    };
    conn.execute_batch(end)?;
    result
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

fn run_writer(conn: Connection, mut jobs: mpsc::Receiver<Job>) {
    while let Some(first) = jobs.blocking_recv() {
        if let Err(err) = conn.execute_batch("BEGIN IMMEDIATE") {
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
        let committed = conn.execute_batch("COMMIT").map_err(Arc::new);
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
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_failed_operation_undoes_only_itself() {
        let dir = tempfile::tempdir().unwrap();
        let db = Sqlite::open(&dir.path().join("t.db"), 2).unwrap();
        db.write(|c| {
            c.execute_batch("CREATE TABLE t (x INTEGER PRIMARY KEY)")?;
            Ok(())
        })
        .await
        .unwrap();
        let good = db.write(|c| {
            c.execute("INSERT INTO t VALUES (1)", [])?;
            Ok(())
        });
        let bad = db.write(|c| {
            c.execute("INSERT INTO t VALUES (2)", [])?;
            Err::<(), _>(StoreError::Refused(crate::domain::Refusal::bad_request(
                "test",
            )))
        });
        let (good, bad) = tokio::join!(good, bad);
        assert!(good.is_ok());
        assert!(matches!(bad, Err(StoreError::Refused(_))));
        let rows: Vec<i64> = db
            .read(|c| {
                let mut stmt = c.prepare("SELECT x FROM t ORDER BY x")?;
                let rows = stmt.query_map([], |r| r.get(0))?;
                Ok(rows.collect::<Result<_, _>>()?)
            })
            .await
            .unwrap();
        assert_eq!(rows, vec![1]);
    }

    #[tokio::test]
    async fn a_panicking_write_is_undone_and_the_writer_carries_on() {
        let dir = tempfile::tempdir().unwrap();
        let db = Sqlite::open(&dir.path().join("t.db"), 1).unwrap();
        db.write(|c| Ok(c.execute_batch("CREATE TABLE t (x INTEGER)")?))
            .await
            .unwrap();
        let panicked = db
            .write(|c| -> Result<(), StoreError> {
                c.execute("INSERT INTO t VALUES (1)", [])?;
                panic!("bug in an operation");
            })
            .await;
        assert!(panicked.is_err());
        db.write(|c| Ok(c.execute("INSERT INTO t VALUES (2)", []).map(|_| ())?))
            .await
            .unwrap();
        let rows: Vec<i64> = db
            .read(|c| {
                let mut stmt = c.prepare("SELECT x FROM t")?;
                let rows = stmt.query_map([], |r| r.get(0))?;
                Ok(rows.collect::<Result<_, _>>()?)
            })
            .await
            .unwrap();
        assert_eq!(rows, vec![2]);
    }

    #[tokio::test]
    async fn writes_after_close_fail_cleanly() {
        let dir = tempfile::tempdir().unwrap();
        let db = Sqlite::open(&dir.path().join("t.db"), 1).unwrap();
        db.close();
        let result = db.write(|_| Ok(())).await;
        assert!(matches!(result, Err(StoreError::Closed)));
    }
}
