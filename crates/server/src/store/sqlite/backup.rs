//! Copies of the database with SQLite's online backup API: one consistent
//! snapshot, read while the server goes on writing (in WAL mode a reader
//! never blocks the writer, nor the writer a reader).

use std::path::Path;
use std::time::Duration;

use rusqlite::backup::{Backup, StepResult};
use rusqlite::{Connection, OpenFlags};

use crate::datadir;
use crate::store::StoreError;

/// Copies the database at `from` (which may be in use by a running server)
/// into a new file `to` (mode 0600), checks the copy, and returns its size
/// in bytes.
pub fn copy_database(from: &Path, to: &Path) -> Result<u64, StoreError> {
    if !from.is_file() {
        return Err(StoreError::backend(format!(
            "{} is not a sixin database",
            from.display()
        )));
    }
    // Read-write (never created) rather than read-only: a read-only
    // connection to a WAL database needs its shared-memory file to exist.
    let source = Connection::open_with_flags(
        from,
        OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )?;
    source.busy_timeout(Duration::from_secs(10))?;
    datadir::private_options()
        .write(true)
        .create_new(true)
        .open(to)
        .map_err(|e| {
            StoreError::Backend(Box::new(std::io::Error::new(
                e.kind(),
                format!("cannot create {}: {e}", to.display()),
            )))
        })?;
    let mut copy = Connection::open(to)?;
    {
        // All pages in one step: one read transaction, so one snapshot,
        // which writes by others cannot restart.
        let backup = Backup::new(&source, &mut copy)?;
        let mut waits = 0;
        loop {
            match backup.step(-1)? {
                StepResult::Done => break,
                StepResult::More => {}
                // The source is locked for a moment (a checkpoint): retry.
                _ if waits < 200 => {
                    waits += 1;
                    std::thread::sleep(Duration::from_millis(50));
                }
                other => {
                    return Err(StoreError::backend(format!(
                        "the database stayed locked: {other:?}"
                    )))
                }
            }
        }
    }
    let check: String = copy.query_row("PRAGMA quick_check", [], |row| row.get(0))?;
    if check != "ok" {
        return Err(StoreError::backend(format!(
            "the copy {} fails its check: {check}",
            to.display()
        )));
    }
    // Fold the copy into its one file; it stays in WAL mode, as sixin
    // opens it.
    copy.execute_batch("PRAGMA wal_checkpoint(TRUNCATE)")?;
    drop(copy);
    drop(source);
    let bytes = std::fs::metadata(to)
        .map_err(|e| StoreError::Backend(Box::new(e)))?
        .len();
    Ok(bytes)
}
