//! Where uploaded files' bytes live: a trait, and the local directory
//! backend (`<data-dir>/uploads/`). Names are chosen by the server, never
//! by clients.

use std::io::Write;
use std::path::{Path, PathBuf};

use async_trait::async_trait;

use super::StoreError;

#[async_trait]
pub trait FileStore: Send + Sync {
    /// Stores `bytes` under `name` durably (on disk before this returns).
    /// Storing a name that exists keeps the first (names are content hashes).
    async fn put(&self, name: String, bytes: Vec<u8>) -> Result<(), StoreError>;

    /// The bytes stored under `name`.
    async fn get(&self, name: String) -> Result<Option<Vec<u8>>, StoreError>;
}

/// Files in a local directory.
#[derive(Debug, Clone)]
pub struct LocalFiles {
    dir: PathBuf,
}

impl LocalFiles {
    pub fn new(dir: PathBuf) -> LocalFiles {
        LocalFiles { dir }
    }
}

fn io_error(err: std::io::Error) -> StoreError {
    StoreError::Backend(Box::new(err))
}

async fn blocking<T: Send + 'static>(
    op: impl FnOnce() -> std::io::Result<T> + Send + 'static,
) -> Result<T, StoreError> {
    tokio::task::spawn_blocking(op)
        .await
        .map_err(|e| StoreError::Backend(Box::new(e)))?
        .map_err(io_error)
}

#[async_trait]
impl FileStore for LocalFiles {
    async fn put(&self, name: String, bytes: Vec<u8>) -> Result<(), StoreError> {
        let dir = self.dir.clone();
        blocking(move || write_durably(&dir, &dir.join(&name), &bytes)).await
    }

    async fn get(&self, name: String) -> Result<Option<Vec<u8>>, StoreError> {
        let path = self.dir.join(name);
        blocking(move || match std::fs::read(path) {
            Ok(bytes) => Ok(Some(bytes)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(e),
        })
        .await
    }
}

/// Writes through a temporary file, syncs it, renames it into place and
/// syncs the directory, so a crash leaves either nothing or the whole file.
fn write_durably(dir: &Path, path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)?;
    if path.exists() {
        return Ok(());
    }
    let tmp = path.with_extension("tmp");
    let mut file = std::fs::File::create(&tmp)?;
    file.write_all(bytes)?;
    file.sync_all()?;
    std::fs::rename(&tmp, path)?;
    std::fs::File::open(dir)?.sync_all()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn files_are_stored_once_and_read_back() {
        let dir = tempfile::tempdir().unwrap();
        let files = LocalFiles::new(dir.path().join("uploads"));
        assert_eq!(files.get("a.png".into()).await.unwrap(), None);
        files.put("a.png".into(), b"one".to_vec()).await.unwrap();
        files.put("a.png".into(), b"two".to_vec()).await.unwrap();
        assert_eq!(
            files.get("a.png".into()).await.unwrap(),
            Some(b"one".to_vec())
        );
    }
}
