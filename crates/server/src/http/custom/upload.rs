//! The customer-service file upload.

use crate::http::reply::Json;
use axum::extract::{Request, State};
use sixin_api::custom::UploadedFile;
use sixin_api::{Code, Envelope};

use crate::error::Error;
use crate::http::auth::CurrentUser;
use crate::http::multipart::{read_form, Spec};
use crate::http::state::AppState;

/// POST /x/custom/msg_svr/v1/upload (multipart: `file`, `filename`, `mid`,
/// `csrf`): `{key, url}`. 1000011 as soon as the file passes the limit,
/// 1200201 when `mid` is not the caller.
pub async fn upload_file(
    State(state): State<AppState>,
    user: CurrentUser,
    request: Request,
) -> Result<Json<Envelope<UploadedFile>>, Error> {
    let spec = Spec {
        file_fields: &["file"],
        max_file_bytes: state.config.max_file_bytes,
        too_large: || Code::UploadTooLarge.into(),
    };
    let form = read_form(request, state.services.files.as_ref(), &spec).await?;
    let csrf: Vec<&str> = form.all("csrf").chain(form.all("csrf_token")).collect();
    if csrf.is_empty() || !csrf.iter().all(|t| user.csrf_matches(&state, t)) {
        return Err(Code::CsrfFailed.into());
    }
    let file = form
        .file
        .as_ref()
        .ok_or_else(|| Error::bad_request("file is missing"))?;
    if file.staged.is_empty() {
        return Err(Error::bad_request("file is empty"));
    }
    let filename = form
        .text("filename")
        .ok_or_else(|| Error::bad_request("filename is missing"))?
        .to_owned();
    let mid = form
        .text("mid")
        .ok_or_else(|| Error::bad_request("mid is missing"))?;
    let mid: u64 = mid
        .trim()
        .parse()
        .map_err(|_| Error::bad_request("mid is not a number"))?;
    if mid != user.mid.get() {
        return Err(Code::UploadUserMismatch.into());
    }
    let file = form.file.expect("checked above");
    let link = state
        .services
        .custom
        .store_file(user.mid, file.staged, &filename, file.filename.as_deref())
        .await?;
    Ok(Json(Envelope {
        code: 0,
        msg: None,
        message: "ok".into(),
        ttl: 1,
        data: Some(UploadedFile {
            key: link.key,
            url: link.url,
        }),
    }))
}
