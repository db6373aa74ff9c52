//! The data directory: one server at a time, private whatever the umask.
//!
//! A server holds an exclusive lock on `<data-dir>/lock` (an advisory
//! `flock`, released by the kernel when the process ends, however it ends)
//! and writes its process id into it, so that a second server on the same
//! directory refuses to start and says who holds it. The directory and
//! everything sixin keeps in it are made private to the server's user: the
//! directories `0700`, the database and secrets `0600`, set explicitly so
//! that a permissive umask does not matter (the CLI also sets the umask to
//! `077` for files created later, such as uploads).

use std::fs::{File, OpenOptions};
use std::io::{Read, Seek, Write};
use std::path::{Path, PathBuf};

/// Name of the lock file inside the data directory.
pub const LOCK_FILE: &str = "lock";

/// Why the data directory cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum DataDirError {
    #[error("{path}: {source}")]
    Io {
        path: String,
        #[source]
        source: std::io::Error,
    },
    #[error(
        "{path} is in use by another sixin server ({holder}); stop it first or choose another --data-dir"
    )]
    Locked { path: String, holder: String },
}

/// A data directory this process holds the lock of, for as long as the
/// value lives.
#[derive(Debug)]
pub struct DataDir {
    path: PathBuf,
    _lock: Option<File>,
}

impl DataDir {
    /// Creates the directory if needed (mode 0700), makes it private, and
    /// takes its lock, or says which process holds it.
    pub fn lock(path: &Path) -> Result<DataDir, DataDirError> {
        let io = |p: &Path| {
            let p = p.display().to_string();
            move |source| DataDirError::Io { path: p, source }
        };
        create_private_dir(path).map_err(io(path))?;
        let lock_path = path.join(LOCK_FILE);
        let mut file = private_options()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(&lock_path)
            .map_err(io(&lock_path))?;
        make_private(&lock_path, false).map_err(io(&lock_path))?;
        if !try_lock(&file).map_err(io(&lock_path))? {
            let mut holder = String::new();
            let _ = file.read_to_string(&mut holder);
            let holder = match holder.trim() {
                "" => "another process".to_owned(),
                pid => format!("process {pid}"),
            };
            return Err(DataDirError::Locked {
                path: path.display().to_string(),
                holder,
            });
        }
        let mut record = || -> std::io::Result<()> {
            file.set_len(0)?;
            file.rewind()?;
            writeln!(file, "{}", std::process::id())?;
            file.sync_all()
        };
        record().map_err(io(&lock_path))?;
        Ok(DataDir {
            path: path.to_owned(),
            _lock: Some(file),
        })
    }

    /// Creates the directory if needed (mode 0700) and makes it private,
    /// without the lock: with PostgreSQL, nodes may share one directory
    /// (uploads and secrets), and the database orders their writes.
    pub fn shared(path: &Path) -> Result<DataDir, DataDirError> {
        create_private_dir(path).map_err(|source| DataDirError::Io {
            path: path.display().to_string(),
            source,
        })?;
        Ok(DataDir {
            path: path.to_owned(),
            _lock: None,
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }
}

/// Whether the lock on `data_dir` is free now (no server is running on
/// it). Takes and releases the lock; for commands that must not run
/// beside a server.
pub fn is_locked(data_dir: &Path) -> bool {
    matches!(DataDir::lock(data_dir), Err(DataDirError::Locked { .. }))
}

/// Takes the exclusive lock without waiting: `Ok(false)` when another
/// process (or another open file in this one) holds it.
#[cfg(unix)]
fn try_lock(file: &File) -> std::io::Result<bool> {
    use rustix::fs::{flock, FlockOperation};
    match flock(file, FlockOperation::NonBlockingLockExclusive) {
        Ok(()) => Ok(true),
        Err(rustix::io::Errno::WOULDBLOCK) => Ok(false),
        Err(err) => Err(err.into()),
    }
}

#[cfg(not(unix))]
fn try_lock(_file: &File) -> std::io::Result<bool> {
    Ok(true)
}

/// Options for creating a file only its owner can read (`0600` before the
/// umask, which can only take bits away).
pub fn private_options() -> OpenOptions {
    #[allow(unused_mut)]
    let mut options = OpenOptions::new();
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    options
}

/// Creates `path` and its missing parents, and makes `path` itself `0700`.
pub fn create_private_dir(path: &Path) -> std::io::Result<()> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        builder.mode(0o700);
    }
    builder.create(path)?;
    make_private(path, true)
}

/// Takes every permission of the group and others away from `path`,
/// whatever the umask was when it was created: a directory ends up at most
/// `0700`, a file at most `0600`. The owner's permissions are kept as they
/// are (a database the operator made read-only stays read-only).
pub fn make_private(path: &Path, dir: bool) -> std::io::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let owner = if dir { 0o700 } else { 0o600 };
        let mode = std::fs::metadata(path)?.permissions().mode() & 0o7777;
        if mode & !owner != 0 {
            std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode & owner))?;
        }
    }
    #[cfg(not(unix))]
    let _ = (path, dir);
    Ok(())
}

/// [`make_private`] for a file that may not exist (yet).
pub fn make_private_if_present(path: &Path, dir: bool) -> std::io::Result<()> {
    match make_private(path, dir) {
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => Ok(()),
        other => other,
    }
}

/// Makes every file this process creates from now on private to its user
/// (umask `077`). For the `sixin` commands that write into a data
/// directory; a library embedding the server decides for itself.
pub fn restrict_umask() {
    #[cfg(unix)]
    rustix::process::umask(rustix::fs::Mode::from_raw_mode(0o077));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_lock_on_the_same_directory_names_the_holder() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("data");
        let held = DataDir::lock(&path).unwrap();
        let refused = DataDir::lock(&path).unwrap_err();
        let text = refused.to_string();
        assert!(
            text.contains(&format!("process {}", std::process::id())),
            "{text}"
        );
        assert!(text.contains(&path.display().to_string()), "{text}");
        assert!(is_locked(&path));
        drop(held);
        assert!(!is_locked(&path));
        DataDir::lock(&path).expect("free again once the holder is gone");
    }

    #[cfg(unix)]
    #[test]
    fn the_directory_and_the_lock_are_private() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("data");
        std::fs::create_dir(&path).unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
        let _held = DataDir::lock(&path).unwrap();
        let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&path), 0o700);
        assert_eq!(mode(&path.join(LOCK_FILE)), 0o600);
    }
}
