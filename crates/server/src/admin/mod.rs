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
use crate::store::messages::{Emote, KeywordRule};
use crate::store::{NewUser, ProfileUpdate};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/admin/v1/users", post(create_user))
        .route("/admin/v1/users/{mid}", get(get_user).patch(patch_user))
        .route("/admin/v1/users/{mid}/sessions", post(create_session))
        .route("/admin/v1/emotes", get(list_emotes).post(put_emote))
        .route("/admin/v1/emotes/delete", post(delete_emote))
        .route("/admin/v1/keyword-rules", get(list_rules).post(put_rule))
        .route(
            "/admin/v1/keyword-rules/{rule_id}",
            axum::routing::delete(delete_rule),
        )
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

/// An emoji of the catalogue, as the admin API reads and writes it.
#[derive(Debug, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct EmoteBody {
    /// With brackets, e.g. `[打call]`.
    text: String,
    /// Absolute URL, or a path on this server (`/bfs/...`).
    uri: String,
    #[serde(default = "small")]
    size: i64,
    #[serde(default)]
    gif_url: Option<String>,
}

fn small() -> i64 {
    1
}

fn check_link(link: &str) -> Result<(), ApiError> {
    let ok = (link.starts_with("http://") || link.starts_with("https://") || link.starts_with('/'))
        && link.len() <= 1024
        && !link.chars().any(char::is_whitespace);
    ok.then_some(())
        .ok_or_else(|| ApiError::bad_request("links must be http(s) URLs or absolute paths"))
}

/// GET /admin/v1/emotes
async fn list_emotes(
    State(state): State<AppState>,
    _: Admin,
) -> Result<Json<Envelope<Vec<EmoteBody>>>, ApiError> {
    let emotes = state.store.emotes().await?;
    Ok(Json(Envelope::ok(
        emotes
            .into_iter()
            .map(|e| EmoteBody {
                text: e.text,
                uri: e.uri,
                size: e.size,
                gif_url: e.gif_url,
            })
            .collect(),
    )))
}

/// POST /admin/v1/emotes: adds or replaces one emoji.
async fn put_emote(
    State(state): State<AppState>,
    _: Admin,
    extract::Json(body): extract::Json<EmoteBody>,
) -> Result<Json<Envelope<()>>, ApiError> {
    let inner = body
        .text
        .strip_prefix('[')
        .and_then(|t| t.strip_suffix(']'))
        .unwrap_or_default();
    if inner.is_empty() || inner.contains(['[', ']']) || inner.chars().count() > 32 {
        return Err(ApiError::bad_request("text must look like [name]"));
    }
    if !matches!(body.size, 1 | 2) {
        return Err(ApiError::bad_request("size must be 1 or 2"));
    }
    check_link(&body.uri)?;
    if let Some(gif) = &body.gif_url {
        check_link(gif)?;
    }
    state
        .store
        .put_emote(Emote {
            text: body.text,
            uri: body.uri,
            size: body.size,
            gif_url: body.gif_url,
        })
        .await?;
    state.messages.invalidate_catalogue().await;
    Ok(Json(Envelope::empty()))
}

#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct DeleteEmote {
    text: String,
}

/// POST /admin/v1/emotes/delete: `{"text": "[name]"}` (names hold
/// brackets and CJK, which do not sit well in a path).
async fn delete_emote(
    State(state): State<AppState>,
    _: Admin,
    extract::Json(body): extract::Json<DeleteEmote>,
) -> Result<Json<Envelope<()>>, ApiError> {
    if !state.store.delete_emote(body.text).await? {
        return Err(Code::NotFound.into());
    }
    state.messages.invalidate_catalogue().await;
    Ok(Json(Envelope::empty()))
}

/// A keyword rule, as the admin API reads and writes it.
#[derive(Debug, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct RuleBody {
    rule_id: i64,
    keywords: Vec<String>,
    toast: String,
}

/// GET /admin/v1/keyword-rules
async fn list_rules(
    State(state): State<AppState>,
    _: Admin,
) -> Result<Json<Envelope<Vec<RuleBody>>>, ApiError> {
    let rules = state.store.keyword_rules().await?;
    Ok(Json(Envelope::ok(
        rules
            .into_iter()
            .map(|r| RuleBody {
                rule_id: r.rule_id,
                keywords: r.keywords,
                toast: r.toast,
            })
            .collect(),
    )))
}

/// POST /admin/v1/keyword-rules: adds or replaces the rule with this id.
async fn put_rule(
    State(state): State<AppState>,
    _: Admin,
    extract::Json(body): extract::Json<RuleBody>,
) -> Result<Json<Envelope<()>>, ApiError> {
    if body.rule_id <= 0
        || body.keywords.is_empty()
        || body.keywords.iter().any(|k| k.trim().is_empty())
        || body.toast.trim().is_empty()
    {
        return Err(ApiError::bad_request(
            "a rule needs a positive rule_id, non-empty keywords and a toast",
        ));
    }
    state
        .store
        .put_keyword_rule(KeywordRule {
            rule_id: body.rule_id,
            keywords: body.keywords,
            toast: body.toast,
        })
        .await?;
    state.messages.invalidate_catalogue().await;
    Ok(Json(Envelope::empty()))
}

/// DELETE /admin/v1/keyword-rules/{rule_id}
async fn delete_rule(
    State(state): State<AppState>,
    _: Admin,
    Path(rule_id): Path<String>,
) -> Result<Json<Envelope<()>>, ApiError> {
    let rule_id: i64 = rule_id
        .parse()
        .map_err(|_| ApiError::bad_request("rule_id"))?;
    if !state.store.delete_keyword_rule(rule_id).await? {
        return Err(Code::NotFound.into());
    }
    state.messages.invalidate_catalogue().await;
    Ok(Json(Envelope::empty()))
}
