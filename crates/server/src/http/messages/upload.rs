//! Image upload (`upload_bfs`, the endpoint clients use before sending an
//! image message) and serving what was uploaded.

use crate::http::reply::Json;
use axum::body::Body;
use axum::extract::{Path, Request, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use sixin_api::message::UploadedImage;
use sixin_api::{Code, Envelope};

use crate::error::Error;
use crate::http::auth::CurrentUser;
use crate::http::multipart::{read_form, Spec};
use crate::http::state::AppState;
use crate::service::messages::IMAGE_PATH;

/// POST /x/dynamic/feed/draw/upload_bfs (multipart: `file_up`, `biz`,
/// `category`, `csrf`)
pub async fn upload_bfs(
    State(state): State<AppState>,
    user: CurrentUser,
    request: Request,
) -> Result<Json<Envelope<UploadedImage>>, Error> {
    let limit = state.config.max_upload_bytes;
    let spec = Spec {
        file_fields: &["file_up", "file"],
        max_file_bytes: limit,
        too_large: || Error::bad_request("file_up is larger than the upload limit"),
    };
    let form = read_form(request, state.services.files.as_ref(), &spec).await?;
    let csrf: Vec<&str> = form.all("csrf").chain(form.all("csrf_token")).collect();
    if csrf.is_empty() || !csrf.iter().all(|t| user.csrf_matches(&state, t)) {
        return Err(Code::CsrfFailed.into());
    }
    let file = form
        .file
        .ok_or_else(|| Error::bad_request("file_up is missing"))?;
    let upload = state
        .services
        .messages
        .upload_image(user.mid, file.staged)
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
                (header::CONTENT_LENGTH, upload.bytes.to_string()),
                (header::X_CONTENT_TYPE_OPTIONS, "nosniff".to_owned()),
                (
                    header::CACHE_CONTROL,
                    "public, max-age=31536000, immutable".to_owned(),
                ),
            ],
            Body::from_stream(bytes),
        )
            .into_response(),
        Err(err) => err.into_response(),
    }
}
