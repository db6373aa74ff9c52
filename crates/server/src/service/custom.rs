//! Customer service: heartbeats (presence) and files uploaded for
//! customer-service conversations, with links that expire.
//!
//! A file is stored as `custom/<key>` in the file store, `<key>` being 32
//! random hex digits and an extension (the document's example). Its `url`
//! is the bucket's own presigned URL when the store is a bucket; otherwise
//! a link to this server's `/customer-video-upload/<key>` in the same shape
//! (`X-Amz-*` query, SigV4), signed with a key derived from the server's
//! secret and checked on download against the clock.

use std::sync::Arc;
use std::time::Duration;

use rand::RngCore;
use sixin_api::Code;

use crate::clock::Clock;
use crate::domain::presign::{self, LinkKey, LinkRefusal};
use crate::domain::system::{heartbeat, is_online, Place};
use crate::domain::upload::{extension, is_file_key, safe_filename};
use crate::domain::{Mid, Refusal};
use crate::error::Error;
use crate::store::custom::{CustomerFile, PresenceRecord};
use crate::store::files::{ByteStream, FileStore, Staged};
use crate::store::Store;

/// Path under which this server serves customer-service files.
pub const FILE_PATH: &str = "/customer-video-upload/";

/// Configured limits of customer service.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CustomerLimits {
    /// How long a file link is valid, in seconds.
    pub link_expiry_secs: u64,
    /// How long after the last heartbeat someone counts as online, in seconds.
    pub presence_window_secs: u64,
}

/// A stored file and its link.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileLink {
    pub key: String,
    pub url: String,
}

/// Why a download is refused.
#[derive(Debug)]
pub enum DownloadRefusal {
    /// The link is not one this server signed for this file, or it expired.
    Forbidden(LinkRefusal),
    /// A genuine link to a file that is not (or no longer) there.
    NotFound,
    Failed(Error),
}

/// Someone's presence, and whether it counts as online now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PresenceEntry {
    pub record: PresenceRecord,
    pub online: bool,
}

/// Customer service.
pub struct CustomerService {
    store: Arc<dyn Store>,
    files: Arc<dyn FileStore>,
    clock: Arc<dyn Clock>,
    link_key: LinkKey,
    /// `host[:port]` and path prefix of the public URL, as links carry them.
    host: String,
    path_prefix: String,
    public_url: Arc<str>,
    limits: CustomerLimits,
}

/// `(authority, path)` of a URL such as `https://h:1/prefix`.
fn split_url(url: &str) -> (String, String) {
    let rest = url.split_once("://").map_or(url, |(_, rest)| rest);
    match rest.find('/') {
        Some(at) => (
            rest[..at].to_owned(),
            rest[at..].trim_end_matches('/').to_owned(),
        ),
        None => (rest.to_owned(), String::new()),
    }
}

impl CustomerService {
    pub fn new(
        store: Arc<dyn Store>,
        files: Arc<dyn FileStore>,
        clock: Arc<dyn Clock>,
        server_key: &[u8; 32],
        public_url: Arc<str>,
        limits: CustomerLimits,
    ) -> CustomerService {
        let (host, path_prefix) = split_url(&public_url);
        CustomerService {
            store,
            files,
            clock,
            link_key: LinkKey::derive(server_key),
            host,
            path_prefix,
            public_url,
            limits,
        }
    }

    /// Records a heartbeat of `mid` at `place`.
    pub async fn heartbeat(&self, mid: Mid, place: Place) -> Result<(), Error> {
        let now = self.clock.now_secs();
        let window = self.limits.presence_window_secs as i64;
        self.store
            .heartbeat(
                mid,
                place,
                Box::new(move |previous| Ok(heartbeat(*previous, now, window))),
            )
            .await?;
        Ok(())
    }

    /// Everyone seen within the last `within_secs` (the presence window
    /// when `None`), most recently seen first, each with whether they are
    /// online.
    pub async fn presence(&self, within_secs: Option<u64>) -> Result<Vec<PresenceEntry>, Error> {
        let now = self.clock.now_secs();
        let window = self.limits.presence_window_secs as i64;
        let within = within_secs.map_or(window, |s| s.min(i64::MAX as u64 / 2) as i64);
        let records = self.store.presence(now.saturating_sub(within)).await?;
        Ok(records
            .into_iter()
            .map(|record| PresenceEntry {
                online: is_online(record.presence, now, window),
                record,
            })
            .collect())
    }

    /// Stores an uploaded file of `owner`. The key's extension comes from
    /// the file part's name (as in the documents' example), else from
    /// `filename`, else from the recognised type; the download is offered
    /// as `filename` (else the part's name, else the key), made safe.
    pub async fn store_file(
        &self,
        owner: Mid,
        staged: Staged,
        filename: &str,
        part_name: Option<&str>,
    ) -> Result<FileLink, Error> {
        let kind = infer::get(staged.head());
        let ext = part_name
            .and_then(extension)
            .or_else(|| extension(filename))
            .or_else(|| kind.map(|k| k.extension().to_owned()))
            .unwrap_or_else(|| "bin".to_owned());
        let mut id = [0u8; 16];
        rand::rngs::OsRng.fill_bytes(&mut id);
        let key = format!("{}.{ext}", hex::encode(id));
        let mime = match kind {
            Some(kind) => kind.mime_type().to_owned(),
            None if looks_like_text(staged.head()) => "text/plain; charset=utf-8".to_owned(),
            None => "application/octet-stream".to_owned(),
        };
        let file = CustomerFile {
            filename: safe_filename(filename)
                .or_else(|| part_name.and_then(safe_filename))
                .unwrap_or_else(|| key.clone()),
            key: key.clone(),
            owner,
            mime,
            bytes: staged.len(),
            created_at: self.clock.now_secs(),
        };
        self.files.put(&object_name(&key), staged).await?;
        self.store.record_file(file).await?;
        let url = self.link(&key).await?;
        Ok(FileLink { key, url })
    }

    /// A link to the file `key` that expires after the configured time.
    pub async fn link(&self, key: &str) -> Result<String, Error> {
        let expires = self.limits.link_expiry_secs;
        if let Some(url) = self
            .files
            .presigned_url(&object_name(key), Duration::from_secs(expires))
            .await?
        {
            return Ok(url);
        }
        let path = format!("{}{FILE_PATH}{key}", self.path_prefix);
        let query = presign::presign(
            &self.link_key,
            &self.host,
            &path,
            self.clock.now_secs(),
            expires,
        );
        Ok(format!("{}{FILE_PATH}{key}?{query}", self.public_url))
    }

    /// The file a download of `key` with `query` may read: the link must be
    /// one this server signed for it and not expired.
    pub async fn open(&self, key: &str, query: &str) -> Result<CustomerFile, DownloadRefusal> {
        let path = format!("{}{FILE_PATH}{key}", self.path_prefix);
        let now = self.clock.now_secs();
        presign::verify(&self.link_key, &self.host, &path, query, now)
            .map_err(DownloadRefusal::Forbidden)?;
        if !is_file_key(key) {
            return Err(DownloadRefusal::NotFound);
        }
        self.store
            .customer_file(key.to_owned())
            .await
            .map_err(|e| DownloadRefusal::Failed(e.into()))?
            .ok_or(DownloadRefusal::NotFound)
    }

    /// `range` of a stored file's bytes.
    pub async fn read(
        &self,
        file: &CustomerFile,
        range: std::ops::Range<u64>,
    ) -> Result<ByteStream, Error> {
        self.files
            .get(&object_name(&file.key), range)
            .await?
            .ok_or_else(|| {
                Refusal::new(Code::ServerError, format!("file {} has no bytes", file.key)).into()
            })
    }
}

/// Where a customer-service file is kept in the file store.
fn object_name(key: &str) -> String {
    format!("custom/{key}")
}

/// Whether bytes look like text: valid UTF-8 (bar a cut last character)
/// without NUL.
fn looks_like_text(head: &[u8]) -> bool {
    if head.is_empty() || head.contains(&0) {
        return false;
    }
    match std::str::from_utf8(head) {
        Ok(_) => true,
        Err(e) => e.error_len().is_none() && e.valid_up_to() + 4 > head.len(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn public_urls_split_into_host_and_prefix() {
        assert_eq!(
            split_url("http://127.0.0.1:8080"),
            ("127.0.0.1:8080".into(), String::new())
        );
        assert_eq!(
            split_url("https://chat.example.com/sixin/"),
            ("chat.example.com".into(), "/sixin".into())
        );
    }

    #[test]
    fn text_is_recognised() {
        assert!(looks_like_text(b"hello\n"));
        assert!(looks_like_text("你好".as_bytes()));
        assert!(looks_like_text(&"你好".as_bytes()[..4]));
        assert!(!looks_like_text(b"a\0b"));
        assert!(!looks_like_text(&[
            0xff, 0xfe, 0x41, 0x42, 0x43, 0x44, 0x45
        ]));
        assert!(!looks_like_text(b""));
    }
}
