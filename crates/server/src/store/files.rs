//! Where uploaded files' bytes live, behind [`FileStore`] so that services
//! do not know the backend: the data directory (`<data-dir>/uploads/`) by
//! default, or an S3-compatible bucket. Both are `object_store` stores
//! (apache arrow-rs); a bucket also signs its own download links.
//!
//! An upload is first streamed into a [`Staged`] file on local disk, never
//! into memory; the staged file is deleted when dropped, so an upload that
//! fails or whose client disconnects leaves nothing behind. Only a complete
//! upload is [`FileStore::put`] under its final name: a rename for the data
//! directory, a multipart upload (a few chunks in memory at a time) for a
//! bucket. Names are chosen by the server, never by clients.

use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use bytes::Bytes;
use futures_util::stream::BoxStream;
use futures_util::{StreamExt, TryStreamExt};
use object_store::aws::AmazonS3Builder;
use object_store::local::LocalFileSystem;
use object_store::path::Path as ObjectPath;
use object_store::signer::Signer;
use object_store::{GetOptions, GetRange, ObjectStore, ObjectStoreExt, WriteMultipart};
use rand::RngCore;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use super::StoreError;
use crate::config::StorageConfig;

/// Bytes of a stored file, as they are read.
pub type ByteStream = BoxStream<'static, Result<Bytes, StoreError>>;

#[async_trait]
pub trait FileStore: Send + Sync {
    /// A new, empty local file that an arriving upload is streamed into.
    async fn stage(&self) -> Result<Staged, StoreError>;

    /// Stores a complete staged file under `name`, durably (a name that
    /// exists is replaced: names are content hashes or random).
    async fn put(&self, name: &str, staged: Staged) -> Result<(), StoreError>;

    /// `range` of the bytes stored under `name` (the caller knows the
    /// size from its records and asks for a range within it).
    async fn get(&self, name: &str, range: Range<u64>) -> Result<Option<ByteStream>, StoreError>;

    /// A link from which the backend itself serves `name` for `expires_in`,
    /// or `None` when files are served by this server (which signs its own).
    async fn presigned_url(
        &self,
        name: &str,
        expires_in: Duration,
    ) -> Result<Option<String>, StoreError>;
}

fn backend<E: std::error::Error + Send + Sync + 'static>(err: E) -> StoreError {
    StoreError::Backend(Box::new(err))
}

/// A local file an upload is being written to; removed when dropped unless
/// it was stored.
#[derive(Debug)]
pub struct Staged {
    path: PathBuf,
    file: Option<tokio::io::BufWriter<tokio::fs::File>>,
    len: u64,
    head: Vec<u8>,
    kept: bool,
}

/// How many leading bytes a staged file remembers (for recognising types).
const HEAD_BYTES: usize = 512;

impl Staged {
    async fn create(dir: &Path) -> Result<Staged, StoreError> {
        tokio::fs::create_dir_all(dir).await.map_err(backend)?;
        let mut id = [0u8; 16];
        rand::rngs::OsRng.fill_bytes(&mut id);
        let path = dir.join(format!("{}.part", hex::encode(id)));
        let mut options = tokio::fs::OpenOptions::new();
        options.write(true).create_new(true);
        // Private whatever the umask: the file is renamed into the store.
        #[cfg(unix)]
        options.mode(0o600);
        let file = options.open(&path).await.map_err(backend)?;
        Ok(Staged {
            path,
            file: Some(tokio::io::BufWriter::with_capacity(256 * 1024, file)),
            len: 0,
            head: Vec::new(),
            kept: false,
        })
    }

    /// Appends `chunk`.
    pub async fn write(&mut self, chunk: &[u8]) -> Result<(), StoreError> {
        let file = self
            .file
            .as_mut()
            .ok_or_else(|| StoreError::backend("staged file already finished"))?;
        file.write_all(chunk).await.map_err(backend)?;
        if self.head.len() < HEAD_BYTES {
            let take = (HEAD_BYTES - self.head.len()).min(chunk.len());
            self.head.extend_from_slice(&chunk[..take]);
        }
        self.len += chunk.len() as u64;
        Ok(())
    }

    /// Flushes and syncs the file: it is complete.
    pub async fn finish(&mut self) -> Result<(), StoreError> {
        if let Some(mut file) = self.file.take() {
            file.flush().await.map_err(backend)?;
            file.into_inner().sync_all().await.map_err(backend)?;
        }
        Ok(())
    }

    /// Bytes written so far.
    pub fn len(&self) -> u64 {
        self.len
    }

    /// Whether nothing was written.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The first bytes written (up to 512).
    pub fn head(&self) -> &[u8] {
        &self.head
    }

    /// Where the file is (to read it back, e.g. to check an image).
    pub fn path(&self) -> &Path {
        &self.path
    }
}

impl Drop for Staged {
    fn drop(&mut self) {
        if self.kept {
            return;
        }
        drop(self.file.take());
        let path = std::mem::take(&mut self.path);
        let remove = move || {
            if let Err(err) = std::fs::remove_file(&path) {
                if err.kind() != std::io::ErrorKind::NotFound {
                    tracing::warn!(path = %path.display(), %err, "cannot remove a staged upload");
                }
            }
        };
        match tokio::runtime::Handle::try_current() {
            Ok(runtime) => drop(runtime.spawn_blocking(remove)),
            Err(_) => remove(),
        }
    }
}

/// The file store: an `object_store` backend, and for a bucket its signer.
#[derive(Debug)]
pub struct ObjectFiles {
    store: Arc<dyn ObjectStore>,
    signer: Option<Arc<dyn Signer>>,
    /// Where uploads are staged.
    staging: PathBuf,
    /// For the data directory: its root (staged files are renamed in).
    local_root: Option<PathBuf>,
}

/// Size of the parts a bucket upload sends (S3 needs at least 5 MiB).
const PART_BYTES: usize = 8 * 1024 * 1024;
/// Parts in flight at once.
const PARTS_IN_FLIGHT: usize = 2;

impl ObjectFiles {
    /// Files in `dir` (created as needed); staged uploads live in
    /// `dir/staging/` so that storing one is a rename.
    pub fn local(dir: PathBuf) -> Result<ObjectFiles, StoreError> {
        std::fs::create_dir_all(&dir).map_err(backend)?;
        let store = LocalFileSystem::new_with_prefix(&dir).map_err(backend)?;
        Ok(ObjectFiles {
            store: Arc::new(store),
            signer: None,
            staging: dir.join("staging"),
            local_root: Some(dir),
        })
    }

    /// Files in the bucket `config` names; uploads are staged in `staging`.
    pub fn s3(config: &StorageConfig, staging: PathBuf) -> Result<ObjectFiles, StoreError> {
        let bucket = config
            .s3_bucket
            .as_deref()
            .ok_or_else(|| StoreError::backend("no bucket configured"))?;
        let mut builder = AmazonS3Builder::from_env()
            .with_bucket_name(bucket)
            .with_region(&config.s3_region)
            .with_allow_http(config.s3_allow_http)
            .with_virtual_hosted_style_request(!config.s3_path_style);
        if let Some(endpoint) = &config.s3_endpoint {
            builder = builder.with_endpoint(endpoint);
        }
        if let Some(key) = &config.s3_access_key_id {
            builder = builder.with_access_key_id(key);
        }
        if let Some(secret) = &config.s3_secret_access_key {
            builder = builder.with_secret_access_key(secret);
        }
        let s3 = Arc::new(builder.build().map_err(backend)?);
        Ok(ObjectFiles {
            store: s3.clone(),
            signer: Some(s3),
            staging,
            local_root: None,
        })
    }

    /// The store `config` asks for: a bucket if one is named, else
    /// `<data_dir>/uploads`.
    pub fn open(config: &StorageConfig, data_dir: &Path) -> Result<ObjectFiles, StoreError> {
        if config.s3_bucket.is_some() {
            ObjectFiles::s3(config, data_dir.join("staging"))
        } else {
            ObjectFiles::local(data_dir.join("uploads"))
        }
    }

    /// The size of the file stored under `name`, if there is one.
    pub async fn size(&self, name: &str) -> Result<Option<u64>, StoreError> {
        let location = ObjectPath::parse(name).map_err(backend)?;
        match self.store.head(&location).await {
            Ok(meta) => Ok(Some(meta.size)),
            Err(object_store::Error::NotFound { .. }) => Ok(None),
            Err(err) => Err(backend(err)),
        }
    }

    /// Stores a copy of the local file at `path` under `name` (moving a
    /// data directory's uploads into a bucket).
    pub async fn import(&self, name: &str, path: &Path) -> Result<(), StoreError> {
        let location = ObjectPath::parse(name).map_err(backend)?;
        match &self.local_root {
            Some(root) => {
                let to = root.join(name);
                if let Some(dir) = to.parent() {
                    tokio::fs::create_dir_all(dir).await.map_err(backend)?;
                }
                tokio::fs::copy(path, &to).await.map_err(backend)?;
                Ok(())
            }
            None => self.upload(&location, path).await,
        }
    }

    async fn upload(&self, location: &ObjectPath, path: &Path) -> Result<(), StoreError> {
        let upload = self.store.put_multipart(location).await.map_err(backend)?;
        let mut writer = WriteMultipart::new_with_chunk_size(upload, PART_BYTES);
        let sent: Result<(), StoreError> = async {
            let mut file = tokio::fs::File::open(path).await.map_err(backend)?;
            let mut buf = vec![0u8; 1024 * 1024];
            loop {
                let n = file.read(&mut buf).await.map_err(backend)?;
                if n == 0 {
                    return Ok(());
                }
                writer
                    .wait_for_capacity(PARTS_IN_FLIGHT)
                    .await
                    .map_err(backend)?;
                writer.write(&buf[..n]);
            }
        }
        .await;
        match sent {
            Ok(()) => writer.finish().await.map(drop).map_err(backend),
            Err(err) => {
                let _ = writer.abort().await;
                Err(err)
            }
        }
    }
}

#[async_trait]
impl FileStore for ObjectFiles {
    async fn stage(&self) -> Result<Staged, StoreError> {
        Staged::create(&self.staging).await
    }

    async fn put(&self, name: &str, mut staged: Staged) -> Result<(), StoreError> {
        staged.finish().await?;
        let location = ObjectPath::parse(name).map_err(backend)?;
        match &self.local_root {
            Some(root) => {
                // Within one directory tree a rename is atomic: readers see
                // the whole file or none.
                let file_name = staged
                    .path()
                    .file_name()
                    .and_then(|n| n.to_str())
                    .ok_or_else(|| StoreError::backend("staged file has no name"))?;
                let from = ObjectPath::from_iter(["staging", file_name]);
                self.store.rename(&from, &location).await.map_err(backend)?;
                staged.kept = true;
                let dir = root.join(name);
                let dir = dir.parent().unwrap_or(root).to_owned();
                tokio::task::spawn_blocking(move || std::fs::File::open(dir)?.sync_all())
                    .await
                    .map_err(backend)?
                    .map_err(backend)
            }
            None => self.upload(&location, staged.path()).await,
        }
    }

    async fn get(&self, name: &str, range: Range<u64>) -> Result<Option<ByteStream>, StoreError> {
        let location = ObjectPath::parse(name).map_err(backend)?;
        if range.is_empty() {
            return Ok(Some(futures_util::stream::empty().boxed()));
        }
        let options = GetOptions {
            range: Some(GetRange::Bounded(range)),
            ..GetOptions::default()
        };
        match self.store.get_opts(&location, options).await {
            Ok(result) => Ok(Some(result.into_stream().map_err(backend).boxed())),
            Err(object_store::Error::NotFound { .. }) => Ok(None),
            Err(err) => Err(backend(err)),
        }
    }

    async fn presigned_url(
        &self,
        name: &str,
        expires_in: Duration,
    ) -> Result<Option<String>, StoreError> {
        let Some(signer) = &self.signer else {
            return Ok(None);
        };
        let location = ObjectPath::parse(name).map_err(backend)?;
        let url = signer
            .signed_url(axum::http::Method::GET, &location, expires_in)
            .await
            .map_err(backend)?;
        Ok(Some(url.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn read_all(stream: ByteStream) -> Vec<u8> {
        stream
            .try_fold(Vec::new(), |mut all, chunk| async move {
                all.extend_from_slice(&chunk);
                Ok(all)
            })
            .await
            .unwrap()
    }

    #[tokio::test]
    async fn staged_files_are_stored_and_read_back_by_range() {
        let dir = tempfile::tempdir().unwrap();
        let files = ObjectFiles::local(dir.path().join("uploads")).unwrap();
        assert!(files.get("a.bin", 0..1).await.unwrap().is_none());
        let mut staged = files.stage().await.unwrap();
        staged.write(b"hello ").await.unwrap();
        staged.write(b"world").await.unwrap();
        assert_eq!((staged.len(), staged.head()), (11, &b"hello world"[..]));
        let staged_path = staged.path().to_owned();
        files.put("custom/a.bin", staged).await.unwrap();
        assert!(!staged_path.exists());
        let all = files.get("custom/a.bin", 0..11).await.unwrap().unwrap();
        assert_eq!(read_all(all).await, b"hello world");
        let part = files.get("custom/a.bin", 6..9).await.unwrap().unwrap();
        assert_eq!(read_all(part).await, b"wor");
        assert!(files
            .presigned_url("custom/a.bin", Duration::from_secs(60))
            .await
            .unwrap()
            .is_none());
    }

    #[tokio::test]
    async fn a_dropped_staged_file_leaves_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let files = ObjectFiles::local(dir.path().join("uploads")).unwrap();
        let mut staged = files.stage().await.unwrap();
        staged.write(b"partial").await.unwrap();
        let path = staged.path().to_owned();
        assert!(path.exists());
        drop(staged);
        for _ in 0..100 {
            if !path.exists() {
                return;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        panic!("{} was left behind", path.display());
    }

    #[tokio::test]
    async fn a_bucket_signs_its_own_links() {
        let config = StorageConfig {
            s3_bucket: Some("customer-video-upload".into()),
            s3_region: "jssz".into(),
            s3_endpoint: Some("https://boss.example.test".into()),
            s3_access_key_id: Some("f9TxwsagojnE1DWM".into()),
            s3_secret_access_key: Some("secret".into()),
            s3_path_style: true,
            s3_allow_http: false,
        };
        let dir = tempfile::tempdir().unwrap();
        let files = ObjectFiles::s3(&config, dir.path().join("staging")).unwrap();
        let url = files
            .presigned_url("custom/1a0c.xcf", Duration::from_secs(900))
            .await
            .unwrap()
            .unwrap();
        let url = reqwest::Url::parse(&url).unwrap();
        assert_eq!(url.host_str(), Some("boss.example.test"));
        assert_eq!(url.path(), "/customer-video-upload/custom/1a0c.xcf");
        let query: std::collections::HashMap<String, String> =
            url.query_pairs().into_owned().collect();
        assert_eq!(query["X-Amz-Algorithm"], "AWS4-HMAC-SHA256");
        assert!(query["X-Amz-Credential"].starts_with("f9TxwsagojnE1DWM/"));
        assert!(query["X-Amz-Credential"].ends_with("/jssz/s3/aws4_request"));
        assert_eq!(query["X-Amz-Expires"], "900");
        assert_eq!(query["X-Amz-SignedHeaders"], "host");
        assert_eq!(query["X-Amz-Signature"].len(), 64);
    }
}
