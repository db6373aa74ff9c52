//! Image upload (`upload_bfs`, the endpoint clients use before sending an
//! image message) and serving what was uploaded.

use axum::extract::{Multipart, Path, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::Json;
use sixin_api::message::UploadedImage;
use sixin_api::{Code, Envelope};

use crate::error::Error;
use crate::http::auth::CurrentUser;
use crate::http::state::AppState;
use crate::service::messages::IMAGE_PATH;

fn multipart_error(err: axum::extract::multipart::MultipartError) -> Error {
    Error::bad_request(format!("multipart: {err}"))
}

/// POST /x/dynamic/feed/draw/upload_bfs (multipart: `file_up`, `biz`,
/// `category`, `csrf`)
pub async fn upload_bfs(
    State(state): State<AppState>,
    user: CurrentUser,
    mut multipart: Multipart,
) -> Result<Json<Envelope<UploadedImage>>, Error> {
    let limit = state.config.max_upload_bytes;
    let mut file: Option<Vec<u8>> = None;
    let mut csrf: Vec<String> = Vec::new();
    while let Some(mut field) = multipart.next_field().await.map_err(multipart_error)? {
        match field.name().unwrap_or_default() {
            "file_up" | "file" => {
                let mut bytes = Vec::new();
                while let Some(chunk) = field.chunk().await.map_err(multipart_error)? {
                    if bytes.len() + chunk.len() > limit {
                        return Err(Error::bad_request("image larger than the upload limit"));
                    }
                    bytes.extend_from_slice(&chunk);
                }
                file = Some(bytes);
            }
            "csrf" | "csrf_token" => csrf.push(field.text().await.map_err(multipart_error)?),
            _ => {}
        }
    }
    if csrf.is_empty() || !csrf.iter().all(|t| user.csrf_matches(&state, t)) {
        return Err(Code::CsrfFailed.into());
    }
    let bytes = file.ok_or_else(|| Error::bad_request("no file_up"))?;
    let upload = state
        .services
        .messages
        .upload_image(user.mid, bytes)
        .await?;
    Ok(Json(Envelope::ok(UploadedImage {
        image_url: format!("{}{IMAGE_PATH}{}", state.public_url, upload.name),
        image_width: upload.width.into(),
        image_height: upload.height.into(),
        img_size: (upload.bytes as f64 / 1024.0 * 1000.0).round() / 1000.0,
    })))
}

/// GET /bfs/im/{name}
pub async fn get_image(State(state): State<AppState>, Path(name): Path<String>) -> Response {
    match state.services.messages.image(&name).await {
        Ok((upload, bytes)) => (
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
        Err(err) => err.into_response(),
    }
}
