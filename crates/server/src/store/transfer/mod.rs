//! Moving a community from its data directory (SQLite) to PostgreSQL:
//! `sixin migrate-data --from DATA_DIR --to postgres://...`.
//!
//! 1. The source is read read-only, inside one read transaction for the
//!    whole run (`store::sqlite::export`): the copy and its verification
//!    see one snapshot. Stop the server first; if anyone writes to the
//!    database meanwhile the run says so and fails.
//! 2. The target is migrated, locked against a second copy, and claimed
//!    for this community (an id derived from the data directory's
//!    `server_key`); a target holding another community, or rows no copy
//!    put there, is refused unless `replace` empties it first
//!    (`store::postgres::import`).
//! 3. Every table of [`tables::TABLES`] is copied in primary-key order, a
//!    batch per transaction with its progress, so a run that is
//!    interrupted resumes where it stopped; ids, keys, seqnos, timestamps,
//!    counters and login sessions (token hashes) are copied as they are.
//! 4. Every counter of [`counters::COUNTERS`] (msg_keys, relation_seq, the
//!    generated ids) is moved past what the source issued.
//! 5. Uploaded files stay in `<data-dir>/uploads/` (the PostgreSQL nodes
//!    use that directory), or are copied into the bucket the storage
//!    options name; either way each one the database names is checked.
//! 6. Each table's row count and checksum ([`rows::Checksum`], over the
//!    rows in key order) are computed on both sides and compared.

pub mod counters;
pub mod not_copied;
pub mod rows;
pub mod tables;

mod report;

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use sha2::{Digest, Sha256};

use super::files::ObjectFiles;
use super::postgres::import::{Holding, Target};
use super::sqlite::export::Source;
use super::StoreError;
use crate::config::StorageConfig;

use counters::COUNTERS;
pub use report::{CounterCheck, FileCheck, Report, TableCheck};
use rows::{Checksum, Row, Value};
use tables::{Table, TABLES};

/// What to move where.
#[derive(Debug, Clone)]
pub struct Options {
    /// The data directory of the community (its database, `server_key`
    /// and `uploads/`).
    pub from: PathBuf,
    /// The PostgreSQL database (and schema, through `search_path`).
    pub to: String,
    /// Where the PostgreSQL nodes keep uploads: a bucket to copy them
    /// into, or none (they stay in the data directory).
    pub storage: StorageConfig,
    /// Empty the target first, whatever it holds.
    pub replace: bool,
    /// Rows per batch (one transaction each).
    pub batch_rows: usize,
    /// Stop, as if interrupted, once this many rows were copied in this
    /// run (tests of resuming).
    pub stop_after_rows: Option<u64>,
}

/// Hears how far a run is; `migrate-data` draws it as a progress bar.
pub trait Progress: Send + Sync {
    /// A stage begins (copying rows, copying files, verifying) with this
    /// much to do.
    fn stage(&self, name: &str, total: u64);
    /// Work moves to this table.
    fn table(&self, name: &str);
    /// `n` more done.
    fn advance(&self, n: u64);
    /// The run is over.
    fn finish(&self);
}

/// A [`Progress`] that shows nothing.
#[derive(Debug, Default)]
pub struct Silent;

impl Progress for Silent {
    fn stage(&self, _: &str, _: u64) {}
    fn table(&self, _: &str) {}
    fn advance(&self, _: u64) {}
    fn finish(&self) {}
}

/// Why a run could not finish (a finished run that found differences
/// returns its [`Report`]).
#[derive(Debug, thiserror::Error)]
pub enum TransferError {
    /// The run would not start, for the reason given.
    #[error("{0}")]
    Refused(String),
    /// Stopped as [`Options::stop_after_rows`] asked.
    #[error("stopped after copying {0} rows, as asked: run again to finish")]
    Stopped(u64),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Rows between two progress reports while verifying.
const TICK: u64 = 1024;

/// The source, shared with blocking threads.
type Shared = Arc<Mutex<Source>>;

/// Moves the community in `options.from` into `options.to` and verifies
/// the copy.
pub async fn run(options: &Options, progress: Arc<dyn Progress>) -> Result<Report, TransferError> {
    let community = community_id(&options.from)?;
    let from = options.from.clone();
    let source: Shared = Arc::new(Mutex::new(blocking(move || Source::open(&from)).await?));
    let mut target = Target::connect(&options.to).await?;
    let described = options
        .from
        .canonicalize()
        .unwrap_or_else(|_| options.from.clone())
        .display()
        .to_string();
    if options.replace {
        target.empty().await?;
    }
    let resumed = match target.claim(&community, &described).await? {
        Holding::Nothing => false,
        Holding::This => true,
        Holding::Other { source } => {
            return Err(TransferError::Refused(format!(
                "the target holds another community (copied from {source}); give --replace \
                 to empty it and copy this one instead"
            )))
        }
        Holding::Rows { table } => {
            return Err(TransferError::Refused(format!(
                "the target already holds data that migrate-data did not copy ({table} has \
                 rows): is a server using this database? Give --replace to empty it first"
            )))
        }
    };

    let copied = copy_tables(&source, &mut target, options, &*progress).await?;
    let mut counters = Vec::new();
    for counter in COUNTERS {
        let issued = counter.issued;
        let issued = with_source(&source, move |s| s.issued(&issued)).await?;
        let now = target.raise(&counter.sequence, issued).await?;
        counters.push(CounterCheck {
            name: counter.name,
            issued,
            target: now,
        });
    }
    let bucket = match &options.storage.s3_bucket {
        Some(name) => Some((
            name.clone(),
            ObjectFiles::open(&options.storage, &options.from)?,
        )),
        None => None,
    };
    let files = files(&source, &options.from, bucket, &*progress).await?;
    let tables = verify(&source, &mut target, &*progress).await?;
    let source = Arc::try_unwrap(source)
        .map_err(|_| StoreError::backend("the source is still in use"))?
        .into_inner()
        .map_err(|_| StoreError::backend("a read of the source panicked"))?;
    let unchanged = blocking(move || source.finish()).await?;
    progress.finish();
    let report = Report {
        resumed,
        copied,
        tables,
        counters,
        files,
        source_changed: !unchanged,
    };
    if report.is_ok() {
        target.verified().await?;
    }
    target.close().await?;
    Ok(report)
}

/// The id of the community a data directory holds: derived from its
/// `server_key`, which is made once per community and never changes.
fn community_id(data_dir: &Path) -> Result<String, TransferError> {
    let path = data_dir.join("server_key");
    let key = std::fs::read(&path).map_err(|e| {
        TransferError::Refused(format!(
            "cannot read {} ({e}): is {} the data directory of a sixin that has run?",
            path.display(),
            data_dir.display()
        ))
    })?;
    let digest = Sha256::new()
        .chain_update(b"sixin community\0")
        .chain_update(&key)
        .finalize();
    Ok(hex::encode(&digest[..16]))
}

/// Copies every table, resuming each after its last committed batch; the
/// number of rows copied by this run.
async fn copy_tables(
    source: &Shared,
    target: &mut Target,
    options: &Options,
    progress: &dyn Progress,
) -> Result<u64, TransferError> {
    let mut total = 0;
    let mut done = 0;
    let mut resume = Vec::with_capacity(TABLES.len());
    for table in TABLES {
        total += with_source(source, move |s| s.count(table)).await?;
        let (after, copied) = target.progress(table).await?;
        done += copied;
        resume.push((after, copied));
    }
    progress.stage("copying rows", total);
    progress.advance(done.min(total));
    let batch_rows = options.batch_rows.max(1);
    let mut copied_now = 0;
    for (table, (after, mut copied)) in TABLES.iter().zip(resume) {
        progress.table(table.name);
        let mut batch = read_batch(source, table, after, batch_rows).await?;
        while !batch.is_empty() {
            let n = batch.len() as u64;
            let last: Row = batch[batch.len() - 1][..table.key].to_vec();
            let write = target.write(table, &batch, copied + n);
            let next = read_batch(source, table, Some(last), batch_rows);
            let (written, next) = tokio::join!(write, next);
            written?;
            copied += n;
            copied_now += n;
            progress.advance(n);
            if options
                .stop_after_rows
                .is_some_and(|stop| copied_now >= stop)
            {
                return Err(TransferError::Stopped(copied_now));
            }
            batch = next?;
        }
    }
    Ok(copied_now)
}

async fn read_batch(
    source: &Shared,
    table: &'static Table,
    after: Option<Row>,
    limit: usize,
) -> Result<Vec<Row>, StoreError> {
    with_source(source, move |s| {
        s.rows_after(table, after.as_deref(), limit)
    })
    .await
}

/// Checks every file the database names in `<data_dir>/uploads/`, and
/// copies each into the bucket (named, and opened) if there is one.
async fn files(
    source: &Shared,
    data_dir: &Path,
    bucket: Option<(String, ObjectFiles)>,
    progress: &dyn Progress,
) -> Result<FileCheck, TransferError> {
    let mut named: Vec<(String, u64)> = Vec::new();
    for table in TABLES {
        let Some(spec) = table.files else { continue };
        let size_at = table.position(spec.size).unwrap_or(0);
        let listed = with_source(source, move |s| {
            let mut listed = Vec::new();
            s.each_row(table, |row| {
                if let (Value::Text(key), Value::Int(size)) = (&row[0], &row[size_at]) {
                    listed.push((format!("{}{key}", spec.prefix), (*size).max(0) as u64));
                }
            })?;
            Ok(listed)
        })
        .await?;
        named.extend(listed);
    }
    let uploads = data_dir.join("uploads");
    let (name, bucket) = bucket.unzip();
    let mut check = FileCheck {
        bucket: name,
        files: named.len() as u64,
        bytes: named.iter().map(|(_, size)| size).sum(),
        ..FileCheck::default()
    };
    progress.stage(
        if bucket.is_some() {
            "copying files"
        } else {
            "checking files"
        },
        check.files,
    );
    for (name, size) in named {
        let local = uploads.join(&name);
        let present = tokio::fs::metadata(&local)
            .await
            .ok()
            .filter(|m| m.is_file())
            .map(|m| m.len());
        if present != Some(size) {
            check.missing_in_source.push(name.clone());
        }
        if let Some(bucket) = &bucket {
            let mut held = bucket.size(&name).await?;
            if held != Some(size) && present == Some(size) {
                bucket.import(&name, &local).await?;
                check.copied += 1;
                held = bucket.size(&name).await?;
            }
            if held != Some(size) && present == Some(size) {
                check.missing_in_target.push(name);
            }
        }
        progress.advance(1);
    }
    Ok(check)
}

/// Counts and checksums every table on both sides.
async fn verify(
    source: &Shared,
    target: &mut Target,
    progress: &dyn Progress,
) -> Result<Vec<TableCheck>, TransferError> {
    let mut total = 0;
    for table in TABLES {
        total += with_source(source, move |s| s.count(table)).await?;
        total += target.count(table).await?;
    }
    progress.stage("verifying", total);
    let mut checks = Vec::with_capacity(TABLES.len());
    for table in TABLES {
        progress.table(table.name);
        let source_sum = with_source(source, move |s| {
            let mut sum = Checksum::default();
            s.each_row(table, |row| sum.add(row))?;
            Ok(sum.finish())
        });
        let target_sum = async {
            let mut sum = Checksum::default();
            let mut ticks = 0;
            target
                .each_row(table, |row| {
                    sum.add(row);
                    ticks += 1;
                    if ticks == TICK {
                        progress.advance(ticks);
                        ticks = 0;
                    }
                })
                .await?;
            progress.advance(ticks);
            Ok::<_, StoreError>(sum.finish())
        };
        let (source_sum, target_sum) = tokio::join!(source_sum, target_sum);
        let source_sum = source_sum?;
        progress.advance(source_sum.rows);
        checks.push(TableCheck {
            name: table.name,
            source: source_sum,
            target: target_sum?,
        });
    }
    Ok(checks)
}

/// Runs `op` on the source on a blocking thread.
async fn with_source<T: Send + 'static>(
    source: &Shared,
    op: impl FnOnce(&Source) -> Result<T, StoreError> + Send + 'static,
) -> Result<T, StoreError> {
    let source = source.clone();
    blocking(move || {
        let source = source
            .lock()
            .map_err(|_| StoreError::backend("a read of the source panicked"))?;
        op(&source)
    })
    .await
}

async fn blocking<T: Send + 'static>(
    op: impl FnOnce() -> Result<T, StoreError> + Send + 'static,
) -> Result<T, StoreError> {
    tokio::task::spawn_blocking(op)
        .await
        .map_err(|e| StoreError::Backend(Box::new(e)))?
}

#[cfg(test)]
mod tests;
