//! Image upload (`POST /x/dynamic/feed/draw/upload_bfs`, the endpoint clients
//! use before sending an image message) and serving what was uploaded.
//!
//! Files are named by the SHA-256 of their bytes, written to
//! `<data-dir>/uploads/` and synced before the upload is recorded, so an
//! acknowledged upload survives a crash.

use axum::extract::{DefaultBodyLimit, Multipart, Path, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use sha2::{Digest, Sha256};
use sixin_api::message::UploadedImage;
use sixin_api::{Code, Envelope};

use crate::auth::{now_secs, CurrentUser};
use crate::error::ApiError;
use crate::state::AppState;
use crate::store::messages::Upload;

/// Path under which uploaded images are served.
pub const IMAGE_PATH: &str = "/bfs/im/";

pub fn router() -> Router<AppState> {
    Router::new()
        .route(
            "/x/dynamic/feed/draw/upload_bfs",
            // The real limit is checked while reading; this only stops
            // absurd bodies early.
            post(upload_bfs).layer(DefaultBodyLimit::max(256 * 1024 * 1024)),
        )
        .route("/bfs/im/{name}", get(get_image))
}

/// Whether `name` looks like a name this server gave an upload.
pub fn valid_name(name: &str) -> bool {
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

/// POST /x/dynamic/feed/draw/upload_bfs (multipart: `file_up`, `biz`,
/// `category`, `csrf`)
async fn upload_bfs(
    State(state): State<AppState>,
    user: CurrentUser,
    mut multipart: Multipart,
) -> Result<Json<Envelope<UploadedImage>>, ApiError> {
    let limit = state.config.max_upload_bytes;
    let mut file: Option<Vec<u8>> = None;
    let mut csrf: Vec<String> = Vec::new();
    while let Some(mut field) = multipart
        .next_field()
        .await
        .map_err(|e| ApiError::bad_request(format!("multipart: {e}")))?
    {
        match field.name().unwrap_or_default() {
            "file_up" | "file" => {
                let mut bytes = Vec::new();
                while let Some(chunk) = field
                    .chunk()
                    .await
                    .map_err(|e| ApiError::bad_request(format!("multipart: {e}")))?
                {
                    if bytes.len() + chunk.len() > limit {
                        return Err(ApiError::bad_request("image larger than the upload limit"));
                    }
                    bytes.extend_from_slice(&chunk);
                }
                file = Some(bytes);
            }
            "csrf" | "csrf_token" => {
                let value = field
                    .text()
                    .await
                    .map_err(|e| ApiError::bad_request(format!("multipart: {e}")))?;
                csrf.push(value);
            }
            _ => {}
        }
    }
    if csrf.is_empty() || !csrf.iter().all(|t| user.csrf_matches(&state, t)) {
        return Err(Code::CsrfFailed.into());
    }
    let bytes = file.ok_or_else(|| ApiError::bad_request("no file_up"))?;
    let (ext, mime, width, height) =
        image_kind(&bytes).ok_or_else(|| ApiError::bad_request("file_up is not an image"))?;
    let name = format!("{}.{ext}", hex::encode(Sha256::digest(&bytes)));
    let dir = state.config.data_dir.join("uploads");
    let path = dir.join(&name);
    let size = bytes.len() as u64;
    tokio::task::spawn_blocking(move || write_durably(&dir, &path, &bytes))
        .await
        .map_err(|e| ApiError::Internal(format!("upload task: {e}")))?
        .map_err(|e| ApiError::Internal(format!("writing upload: {e}")))?;
    state
        .store
        .record_upload(Upload {
            name: name.clone(),
            owner: user.mid,
            mime: mime.into(),
            width,
            height,
            bytes: size,
            created_at: now_secs(),
        })
        .await?;
    Ok(Json(Envelope::ok(UploadedImage {
        image_url: format!("{}{IMAGE_PATH}{name}", state.public_url),
        image_width: width.into(),
        image_height: height.into(),
        img_size: (size as f64 / 1024.0 * 1000.0).round() / 1000.0,
    })))
}

fn write_durably(
    dir: &std::path::Path,
    path: &std::path::Path,
    bytes: &[u8],
) -> std::io::Result<()> {
    use std::io::Write;
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

/// GET /bfs/im/{name}
async fn get_image(State(state): State<AppState>, Path(name): Path<String>) -> Response {
    if !valid_name(&name) {
        return ApiError::Code(Code::NotFound).into_response();
    }
    let upload = match state.store.upload(name.clone()).await {
        Ok(Some(upload)) => upload,
        Ok(None) => return ApiError::Code(Code::NotFound).into_response(),
        Err(err) => return ApiError::from(err).into_response(),
    };
    match tokio::fs::read(state.config.data_dir.join("uploads").join(&name)).await {
        Ok(bytes) => (
            [
                (header::CONTENT_TYPE, upload.mime),
                (
                    header::CACHE_CONTROL,
                    "public, max-age=31536000, immutable".to_owned(),
                ),
            ],
            bytes,
        )
            .into_response(),
        Err(err) => ApiError::Internal(format!("reading upload {name}: {err}")).into_response(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_server_given_names_are_valid() {
        let hash = "a".repeat(64);
        assert!(valid_name(&format!("{hash}.png")));
        assert!(!valid_name(&format!("{hash}.exe")));
        assert!(!valid_name("../../etc/passwd"));
        assert!(!valid_name(&format!("{}.png", "A".repeat(64))));
    }

    #[test]
    fn images_are_recognised_by_their_bytes() {
        let png = include_bytes!("../../assets/noface.png");
        assert_eq!(image_kind(png), Some(("png", "image/png", 96, 96)));
        assert_eq!(image_kind(b"GIF89a but not really"), None);
        let mut truncated = png.to_vec();
        truncated.truncate(png.len() - 12);
        assert_eq!(image_kind(&truncated), None);
        assert_eq!(image_kind(b"hello"), None);
    }
}
