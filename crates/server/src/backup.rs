//! Backups of a data directory, taken while the server runs, and restoring
//! one into a new data directory.
//!
//! A backup is a directory holding what a data directory holds: the
//! database (`sixin.db`, a consistent snapshot through SQLite's online
//! backup API), the secrets (`server_key`, without which sessions, csrf
//! tokens and signed links stop working, and `admin_token`) and the
//! uploads (`uploads/`, without the uploads still arriving in `staging/`).
//! The database is copied first and the uploads after: uploads are stored
//! before the messages that refer to them and never deleted, so every file
//! the snapshot refers to is in the copy (files uploaded after the snapshot
//! may be too, harmlessly). Uploads kept in an S3 bucket are not copied:
//! back the bucket up with its own tools.

use std::path::{Path, PathBuf};

use crate::datadir::{self, DataDir, DataDirError};
use crate::store::sqlite::backup::copy_database;
use crate::store::sqlite::Sqlite;
use crate::store::StoreError;

/// The secrets a backup carries.
const SECRETS: &[&str] = &["server_key", "admin_token"];

/// What was copied.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Copied {
    pub database_bytes: u64,
    pub files: u64,
    pub file_bytes: u64,
}

/// Why a backup or a restore failed.
#[derive(Debug, thiserror::Error)]
pub enum BackupError {
    #[error("{path}: {source}")]
    Io {
        path: String,
        #[source]
        source: std::io::Error,
    },
    #[error("{0}")]
    Refused(String),
    #[error(transparent)]
    DataDir(#[from] DataDirError),
    #[error("copying the database")]
    Database(#[from] StoreError),
}

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> BackupError {
    let path = path.display().to_string();
    move |source| BackupError::Io { path, source }
}

/// Copies the data directory `data_dir` (a server may be running on it)
/// into `dest`, which must not exist or be empty.
pub fn backup(data_dir: &Path, dest: &Path) -> Result<Copied, BackupError> {
    let database = Sqlite::path_in(data_dir);
    if !database.is_file() {
        return Err(BackupError::Refused(format!(
            "{} holds no sixin database (sixin.db)",
            data_dir.display()
        )));
    }
    fresh_dir(dest)?;
    copy_all(data_dir, dest)
}

/// Restores the backup in `backup` into the data directory `data_dir`,
/// which must hold no database; no server may run on it meanwhile.
pub fn restore(backup: &Path, data_dir: &Path) -> Result<Copied, BackupError> {
    for needed in ["sixin.db", "server_key"] {
        if !backup.join(needed).is_file() {
            return Err(BackupError::Refused(format!(
                "{} is not a sixin backup: it has no {needed}",
                backup.display()
            )));
        }
    }
    let locked = DataDir::lock(data_dir)?;
    if Sqlite::path_in(data_dir).exists() {
        return Err(BackupError::Refused(format!(
            "{} already holds a database; restore into a new directory (move this one aside first)",
            data_dir.display()
        )));
    }
    let copied = copy_all(backup, data_dir)?;
    drop(locked);
    Ok(copied)
}

/// The database first, then the secrets and the uploads.
fn copy_all(from: &Path, to: &Path) -> Result<Copied, BackupError> {
    let mut copied = Copied {
        database_bytes: copy_database(&Sqlite::path_in(from), &Sqlite::path_in(to))?,
        ..Copied::default()
    };
    for secret in SECRETS {
        let source = from.join(secret);
        if source.is_file() {
            copy_file(&source, &to.join(secret), &mut copied)?;
        }
    }
    let uploads = from.join("uploads");
    if uploads.is_dir() {
        copy_tree(&uploads, &to.join("uploads"), &mut copied)?;
    }
    // What was copied is on disk before anyone is told it is.
    sync_dir(to)?;
    Ok(copied)
}

/// Creates `dir` (0700), or accepts it when it exists and is empty.
fn fresh_dir(dir: &Path) -> Result<(), BackupError> {
    if dir.exists() {
        let mut entries = std::fs::read_dir(dir).map_err(io(dir))?;
        if entries.next().is_some() {
            return Err(BackupError::Refused(format!(
                "{} is not empty; back up into a new directory",
                dir.display()
            )));
        }
    }
    datadir::create_private_dir(dir).map_err(io(dir))
}

/// Copies the files under `from` into `to`, leaving out `staging/`.
fn copy_tree(from: &Path, to: &Path, copied: &mut Copied) -> Result<(), BackupError> {
    datadir::create_private_dir(to).map_err(io(to))?;
    let mut entries: Vec<PathBuf> = std::fs::read_dir(from)
        .map_err(io(from))?
        .map(|entry| entry.map(|e| e.path()))
        .collect::<Result<_, _>>()
        .map_err(io(from))?;
    entries.sort();
    for path in entries {
        let Some(name) = path.file_name() else {
            continue;
        };
        if name == "staging" {
            continue;
        }
        let kind = std::fs::symlink_metadata(&path).map_err(io(&path))?;
        if kind.is_dir() {
            copy_tree(&path, &to.join(name), copied)?;
        } else if kind.is_file() {
            copy_file(&path, &to.join(name), copied)?;
        }
    }
    sync_dir(to)
}

/// Copies one file into a new private file, synced.
fn copy_file(from: &Path, to: &Path, copied: &mut Copied) -> Result<(), BackupError> {
    let mut source = std::fs::File::open(from).map_err(io(from))?;
    let mut target = datadir::private_options()
        .write(true)
        .create_new(true)
        .open(to)
        .map_err(io(to))?;
    let bytes = std::io::copy(&mut source, &mut target).map_err(io(to))?;
    target.sync_all().map_err(io(to))?;
    copied.files += 1;
    copied.file_bytes += bytes;
    Ok(())
}

fn sync_dir(dir: &Path) -> Result<(), BackupError> {
    #[cfg(unix)]
    std::fs::File::open(dir)
        .and_then(|d| d.sync_all())
        .map_err(io(dir))?;
    #[cfg(not(unix))]
    let _ = dir;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_backup_restores_into_a_new_directory_only() {
        let dir = tempfile::tempdir().unwrap();
        let data = dir.path().join("data");
        let state = crate::open(
            Config::new("127.0.0.1:0".parse().unwrap(), data.clone()),
            "127.0.0.1:1".parse().unwrap(),
        )
        .await
        .unwrap();
        std::fs::write(data.join("uploads/ab.png"), b"png bytes").unwrap();
        std::fs::create_dir_all(data.join("uploads/staging")).unwrap();
        std::fs::write(data.join("uploads/staging/x.part"), b"half").unwrap();

        let copy = dir.path().join("copy");
        let copied = backup(&data, &copy).expect("a backup while the server runs");
        assert!(copied.database_bytes > 0);
        assert_eq!(
            std::fs::read(copy.join("uploads/ab.png")).unwrap(),
            b"png bytes"
        );
        assert!(
            !copy.join("uploads/staging").exists(),
            "uploads in progress are left out"
        );
        assert!(copy.join("server_key").is_file() && copy.join("admin_token").is_file());
        assert!(
            matches!(backup(&data, &copy), Err(BackupError::Refused(_))),
            "not over a backup"
        );

        assert!(
            matches!(
                restore(&copy, &data),
                Err(BackupError::DataDir(DataDirError::Locked { .. }))
            ),
            "not under a running server"
        );
        drop(state);
        assert!(
            matches!(restore(&copy, &data), Err(BackupError::Refused(_))),
            "not over a database"
        );
        let restored = dir.path().join("restored");
        restore(&copy, &restored).unwrap();
        assert_eq!(
            std::fs::read(restored.join("server_key")).unwrap(),
            std::fs::read(data.join("server_key")).unwrap()
        );
        assert_eq!(
            std::fs::read(restored.join("uploads/ab.png")).unwrap(),
            b"png bytes"
        );
    }
}
