//! `/admin/v1`: provisioning users, profiles and login sessions, authorised
//! by the admin bearer token. Answers use the public API's envelope.

use axum::extract::{Path, State};
use axum::routing::{get, post};
use axum::{Json, Router};
use sixin_api::account::{OfficialVerify, VipInput};
use sixin_api::admin::{CreateUser, CreatedUser, LoginCookies, PatchUser};
use sixin_api::{Code, Envelope};

use crate::auth::{self, Admin};
use crate::domain::{Mid, Profile, Uname};
use crate::error::ApiError;
use crate::extract;
use crate::passwords;
use crate::state::AppState;
use crate::store::{NewUser, ProfileUpdate};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/admin/v1/users", post(create_user))
        .route("/admin/v1/users/{mid}", get(get_user).patch(patch_user))
        .route("/admin/v1/users/{mid}/sessions", post(create_session))
}

fn parse_mid(text: &str) -> Result<Mid, ApiError> {
    Mid::parse(text).ok_or_else(|| ApiError::bad_request(format!("invalid mid {text:?}")))
}

fn check_face(face: &str) -> Result<(), ApiError> {
    let ok = face.is_empty()
        || ((face.starts_with("http://") || face.starts_with("https://") || face.starts_with('/'))
            && face.len() <= 1024
            && !face.chars().any(char::is_whitespace));
    ok.then_some(())
        .ok_or_else(|| ApiError::bad_request("face must be an http(s) URL"))
}

fn check_sign(sign: &str) -> Result<(), ApiError> {
    (sign.chars().count() <= 250)
        .then_some(())
        .ok_or_else(|| ApiError::bad_request("sign is longer than 250 characters"))
}

fn check_official(ov: &OfficialVerify) -> Result<(), ApiError> {
    (matches!(ov.kind, -1..=1) && ov.desc.chars().count() <= 100)
        .then_some(())
        .ok_or_else(|| ApiError::bad_request("official_verify.type must be -1, 0 or 1"))
}

fn check_vip(vip: &VipInput) -> Result<(), ApiError> {
    (matches!(vip.vip_type, 0..=2) && matches!(vip.vip_status, 0..=1) && vip.vip_due_date >= 0)
        .then_some(())
        .ok_or_else(|| ApiError::bad_request("vip: vipType 0-2, vipStatus 0-1"))
}

async fn hash_password(password: Option<String>) -> Result<Option<String>, ApiError> {
    match password {
        None => Ok(None),
        Some(p) if p.is_empty() || p.len() > passwords::MAX_PASSWORD_BYTES => {
            Err(ApiError::bad_request("password must be 1 to 256 bytes"))
        }
        Some(p) => passwords::hash(p).await.map(Some),
    }
}

/// POST /admin/v1/users
async fn create_user(
    State(state): State<AppState>,
    _: Admin,
    extract::Json(body): extract::Json<CreateUser>,
) -> Result<Json<Envelope<CreatedUser>>, ApiError> {
    let mid = match body.mid {
        Some(m) => {
            Some(Mid::new(m).ok_or_else(|| ApiError::bad_request("mid must be 1..=2^63-1"))?)
        }
        None => None,
    };
    let uname = Uname::parse(&body.uname).map_err(ApiError::bad_request)?;
    let face = body.face.filter(|f| !f.is_empty());
    if let Some(face) = &face {
        check_face(face)?;
    }
    let sign = body.sign.unwrap_or_default();
    check_sign(&sign)?;
    let official_verify = body.official_verify.unwrap_or_default();
    check_official(&official_verify)?;
    let vip = body.vip.unwrap_or_default();
    check_vip(&vip)?;
    let password_hash = hash_password(body.password).await?;
    let mid = state
        .store
        .create_user(NewUser {
            mid,
            uname,
            password_hash,
            face,
            sign,
            official_verify,
            vip,
        })
        .await?;
    Ok(Json(Envelope::ok(CreatedUser { mid: mid.get() })))
}

/// GET /admin/v1/users/{mid}
async fn get_user(
    State(state): State<AppState>,
    _: Admin,
    Path(mid): Path<String>,
) -> Result<Json<Envelope<serde_json::Value>>, ApiError> {
    let mid = parse_mid(&mid)?;
    let Profile {
        mid,
        uname,
        face,
        sign,
        official_verify,
        vip,
    } = state
        .store
        .profile(mid)
        .await?
        .ok_or(ApiError::Code(Code::UserNotFound))?;
    Ok(Json(Envelope::ok(serde_json::json!({
        "mid": mid.get(),
        "uname": uname,
        "face": crate::assets::face_url(&state, face.as_deref()),
        "sign": sign,
        "official_verify": official_verify,
        "vip": vip,
    }))))
}

/// PATCH /admin/v1/users/{mid}
async fn patch_user(
    State(state): State<AppState>,
    _: Admin,
    Path(mid): Path<String>,
    extract::Json(body): extract::Json<PatchUser>,
) -> Result<Json<Envelope<()>>, ApiError> {
    let mid = parse_mid(&mid)?;
    let uname = match &body.uname {
        Some(u) => Some(Uname::parse(u).map_err(ApiError::bad_request)?),
        None => None,
    };
    if let Some(face) = &body.face {
        check_face(face)?;
    }
    if let Some(sign) = &body.sign {
        check_sign(sign)?;
    }
    if let Some(ov) = &body.official_verify {
        check_official(ov)?;
    }
    if let Some(vip) = &body.vip {
        check_vip(vip)?;
    }
    let password_hash = hash_password(body.password).await?;
    state
        .store
        .update_user(
            mid,
            ProfileUpdate {
                uname,
                password_hash,
                face: body.face,
                sign: body.sign,
                official_verify: body.official_verify,
                vip: body.vip,
            },
        )
        .await?;
    Ok(Json(Envelope::empty()))
}

/// POST /admin/v1/users/{mid}/sessions
async fn create_session(
    State(state): State<AppState>,
    _: Admin,
    Path(mid): Path<String>,
) -> Result<Json<Envelope<LoginCookies>>, ApiError> {
    let mid = parse_mid(&mid)?;
    let cookies = auth::start_session(&state, mid).await?;
    Ok(Json(Envelope::ok(cookies)))
}
