//! The customer-service family (`/x/custom/...`, host
//! `customerservice.bilibili.com`): the heartbeat and the file upload,
//! plus the download of uploaded files (where a bucket's presigned URL
//! would point) and the admins' view of who is present.
//!
//! Errors have the plain shape (`{code, message, ttl}`); successes answer
//! `message: "ok"` as documented.

mod download;
mod heartbeat;
mod presence;
mod upload;

use sixin_api::admin::PresenceEntry;
use sixin_api::custom::{HeartBeatQuery, UploadedFile};
use sixin_api::Code;

use super::error::Shape;
use super::routes::{Auth, Data, Doc, Routes};
use crate::service::custom::FILE_PATH;

pub fn router() -> Routes {
    use Code::*;
    Routes::new(Shape::Plain)
        .get(
            "/x/custom/session_svr/v1/heart_beat",
            heartbeat::heart_beat,
            Doc::new("Customer-service heartbeat: records that the caller is present")
                .auth(Auth::Login)
                .query::<HeartBeatQuery>()
                .data_is(Data::Absent),
        )
        .post(
            "/x/custom/msg_svr/v1/upload",
            // The body is streamed and its limit checked while reading.
            upload::upload_file,
            Doc::new("Upload a file (multipart: file, filename, mid, csrf) up to 300 MB")
                .auth(Auth::Csrf)
                .data::<UploadedFile>()
                .codes(&[UploadTooLarge, UploadUserMismatch]),
        )
        .get(
            &format!("{FILE_PATH}{{key}}"),
            download::download,
            Doc::new("Download an uploaded file through its signed link (HTTP 403 once expired or altered)")
                .path_param("key", "The stored name")
                .file("application/octet-stream"),
        )
        .get(
            "/admin/v1/presence",
            presence::list_presence,
            Doc::new("Who is present in customer service, and since when")
                .auth(Auth::Admin)
                .query::<presence::PresenceQuery>()
                .data_list::<PresenceEntry>(),
        )
}
