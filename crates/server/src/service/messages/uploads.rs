//! Images uploaded for image messages
//! (`POST /x/dynamic/feed/draw/upload_bfs`), and reading them back.
//!
//! Files are named by the SHA-256 of their bytes; the bytes are on disk (in
//! the file store) before the upload is recorded, so an acknowledged upload
//! survives a crash.

use sha2::{Digest, Sha256};
use sixin_api::Code;

use super::MessageService;
use crate::domain::{Mid, Refusal};
use crate::error::Error;
use crate::store::catalogue::Upload;

/// Path under which uploaded images are served.
pub const IMAGE_PATH: &str = "/bfs/im/";

/// Whether `name` looks like a name this server gave an upload.
pub fn valid_upload_name(name: &str) -> bool {
    match name.split_once('.') {
        Some((hash, ext)) => {
            hash.len() == 64
                && hash
                    .bytes()
                    .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase())
                && matches!(ext, "png" | "jpg" | "gif" | "webp" | "bmp")
        }
        None => false,
    }
}

/// The kind of image `bytes` are, if they are one sixin accepts.
fn image_kind(bytes: &[u8]) -> Option<(&'static str, &'static str, u32, u32)> {
    let (ext, mime) = match imagesize::image_type(bytes).ok()? {
        imagesize::ImageType::Png => ("png", "image/png"),
        imagesize::ImageType::Jpeg => ("jpg", "image/jpeg"),
        imagesize::ImageType::Gif => ("gif", "image/gif"),
        imagesize::ImageType::Webp => ("webp", "image/webp"),
        imagesize::ImageType::Bmp => ("bmp", "image/bmp"),
        _ => return None,
    };
    let size = imagesize::blob_size(bytes).ok()?;
    let (w, h) = (
        u32::try_from(size.width).ok()?,
        u32::try_from(size.height).ok()?,
    );
    let plausible = (1..=MAX_SIDE).contains(&w) && (1..=MAX_SIDE).contains(&h);
    (plausible && is_complete(ext, bytes)).then_some((ext, mime, w, h))
}

/// Largest width or height accepted.
const MAX_SIDE: u32 = 16_384;

/// Whether the file ends the way a whole file of its format does, so that a
/// header glued to anything else is not taken for an image.
fn is_complete(ext: &str, bytes: &[u8]) -> bool {
    let le32 = |at: usize| {
        bytes
            .get(at..at + 4)
            .map(|b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]) as usize)
    };
    match ext {
        "png" => {
            bytes.len() > 57 && bytes.ends_with(&[0x49, 0x45, 0x4E, 0x44, 0xAE, 0x42, 0x60, 0x82])
        }
        "jpg" => bytes.len() > 4 && bytes.ends_with(&[0xFF, 0xD9]),
        "gif" => bytes.len() > 13 && bytes.ends_with(&[0x3B]),
        "webp" => le32(4).is_some_and(|n| n + 8 == bytes.len()),
        "bmp" => le32(2).is_some_and(|n| n == bytes.len()),
        _ => false,
    }
}

impl MessageService {
    /// Stores an image `owner` uploaded; -400 when `bytes` are not a whole
    /// image of a kind sixin accepts.
    pub async fn upload_image(&self, owner: Mid, bytes: Vec<u8>) -> Result<Upload, Error> {
        let (ext, mime, width, height) =
            image_kind(&bytes).ok_or_else(|| Error::bad_request("file_up is not an image"))?;
        let name = format!("{}.{ext}", hex::encode(Sha256::digest(&bytes)));
        let upload = Upload {
            name: name.clone(),
            owner,
            mime: mime.into(),
            width,
            height,
            bytes: bytes.len() as u64,
            created_at: self.clock.now_secs(),
        };
        self.files.put(name, bytes).await?;
        self.store.record_upload(upload.clone()).await?;
        Ok(upload)
    }

    /// An uploaded image and its bytes (-404 for a name never given out).
    pub async fn image(&self, name: &str) -> Result<(Upload, Vec<u8>), Error> {
        let not_found = || Error::from(Refusal::new(Code::NotFound, "no such upload"));
        if !valid_upload_name(name) {
            return Err(not_found());
        }
        let upload = self
            .store
            .upload(name.to_owned())
            .await?
            .ok_or_else(not_found)?;
        let bytes = self
            .files
            .get(name.to_owned())
            .await?
            .ok_or_else(|| Error::internal(format!("upload {name} has no file")))?;
        Ok((upload, bytes))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_server_given_names_are_valid() {
        let hash = "a".repeat(64);
        assert!(valid_upload_name(&format!("{hash}.png")));
        assert!(!valid_upload_name(&format!("{hash}.exe")));
        assert!(!valid_upload_name("../../etc/passwd"));
        assert!(!valid_upload_name(&format!("{}.png", "A".repeat(64))));
    }

    #[test]
    fn images_are_recognised_by_their_bytes() {
        let png = include_bytes!("../../../assets/noface.png");
        assert_eq!(image_kind(png), Some(("png", "image/png", 96, 96)));
        assert_eq!(image_kind(b"GIF89a but not really"), None);
        let mut truncated = png.to_vec();
        truncated.truncate(png.len() - 12);
        assert_eq!(image_kind(&truncated), None);
        assert_eq!(image_kind(b"hello"), None);
    }
}
