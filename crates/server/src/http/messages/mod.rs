//! The private-message family: sessions (`session_svr`), history
//! (`svr_sync`), sending (`web_im`), per-session and per-user settings
//! (`link_setting`), and the image upload clients use for image messages.
//!
//! The vc hosts answer with `msg` beside `message`; `send_msg` answers like
//! `api.bilibili.com` with `"data": null` on errors, `session_detail` with
//! both.

mod history;
mod send;
mod sessions;
mod settings;
mod upload;
mod view;

use axum::extract::DefaultBodyLimit;
use axum::middleware::map_response_with_state;
use axum::routing::{get, post};
use axum::{Json, Router};
use sixin_api::Envelope;

use super::error::{shape, Shape};
use super::state::AppState;
use crate::domain::Mid;
use crate::error::Error;

pub fn router() -> Router<AppState> {
    const SESSION_SVR: &str = "/session_svr/v1/session_svr";
    const LINK_SETTING: &str = "/link_setting/v1/link_setting";
    let vc = Router::new()
        .route(
            &format!("{SESSION_SVR}/single_unread"),
            get(sessions::get_single_unread),
        )
        .route(
            &format!("{SESSION_SVR}/my_group_unread"),
            get(sessions::get_group_unread),
        )
        .route(
            &format!("{SESSION_SVR}/new_sessions"),
            get(sessions::get_new_sessions),
        )
        .route(
            &format!("{SESSION_SVR}/get_sessions"),
            get(sessions::get_sessions),
        )
        .route(
            &format!("{SESSION_SVR}/update_ack"),
            post(sessions::update_ack),
        )
        .route(&format!("{SESSION_SVR}/set_top"), post(sessions::set_top))
        .route(
            &format!("{SESSION_SVR}/remove_session"),
            post(sessions::remove_session),
        )
        .route(
            &format!("{SESSION_SVR}/update_intercept"),
            post(sessions::update_intercept),
        )
        .route(
            &format!("{SESSION_SVR}/batch_update_dustbin_ack"),
            post(sessions::ack_dustbin),
        )
        .route(
            &format!("{SESSION_SVR}/batch_rm_dustbin"),
            post(sessions::clear_dustbin),
        )
        .route(
            "/svr_sync/v1/svr_sync/fetch_session_msgs",
            get(history::fetch_session_msgs),
        )
        .route(
            &format!("{LINK_SETTING}/get"),
            get(settings::get_settings).post(settings::post_get_settings),
        )
        .route(&format!("{LINK_SETTING}/set"), post(settings::set_settings))
        .route(
            &format!("{LINK_SETTING}/is_limit"),
            get(settings::get_limit),
        )
        .route(
            &format!("{LINK_SETTING}/get_msg_dnd"),
            get(settings::get_dnd),
        )
        .route(
            &format!("{LINK_SETTING}/set_msg_dnd"),
            post(settings::set_dnd),
        )
        .route(
            &format!("{LINK_SETTING}/get_session_ss"),
            get(settings::get_push),
        )
        .route(
            &format!("{LINK_SETTING}/set_push_ss"),
            post(settings::set_push),
        )
        .layer(map_response_with_state(Shape::Vc, shape));
    let detail = Router::new()
        .route(
            &format!("{SESSION_SVR}/session_detail"),
            get(sessions::get_session_detail),
        )
        .layer(map_response_with_state(Shape::VcNullData, shape));
    let send = Router::new()
        .route("/web_im/v1/web_im/send_msg", post(send::send_msg))
        .layer(map_response_with_state(Shape::NullData, shape));
    let uploads = Router::new()
        .route(
            "/x/dynamic/feed/draw/upload_bfs",
            // The real limit is checked while reading; this only stops
            // absurd bodies early.
            post(upload::upload_bfs).layer(DefaultBodyLimit::max(256 * 1024 * 1024)),
        )
        .route("/bfs/im/{name}", get(upload::get_image));
    Router::new()
        .merge(vc)
        .merge(detail)
        .merge(send)
        .merge(uploads)
}

/// A success in the vc hosts' shape.
fn vc<T>(data: T) -> Json<Envelope<T>> {
    Json(Envelope::ok(data).with_msg())
}

/// `{}` as `data`.
fn empty_object() -> serde_json::Value {
    serde_json::Value::Object(serde_json::Map::new())
}

/// The talker of a session of `session_type`: `Some` for a user (1),
/// `None` for a fan group (2, not hosted yet), -400 for anything else.
fn user_talker(talker_id: u64, session_type: i64) -> Result<Option<Mid>, Error> {
    match session_type {
        1 => Ok(Mid::new(talker_id)),
        2 => Ok(None),
        _ => Err(Error::bad_request(format!("session_type {session_type}"))),
    }
}
