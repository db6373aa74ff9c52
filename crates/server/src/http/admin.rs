//! `/admin/v1`: provisioning users, profiles and login sessions, authorised
//! by the admin bearer token. Answers use the public API's envelope.

use axum::extract::{Path, State};
use axum::routing::{get, post};
use axum::{Json, Router};
use sixin_api::admin::{
    CreateUser, CreatedUser, DeleteEmote, EmoteEntry, KeywordRuleEntry, LoginCookies, PatchUser,
};
use sixin_api::{Code, Envelope};

use super::auth::Admin;
use super::extract;
use super::state::AppState;
use crate::domain::account::{check_face, check_official, check_password, check_sign, check_vip};
use crate::domain::message::emote::{Emote, KeywordRule};
use crate::domain::{Mid, Profile, Uname};
use crate::error::Error;
use crate::service::accounts::{NewAccount, ProfileChange, SessionTokens};

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

fn parse_mid(text: &str) -> Result<Mid, Error> {
    Mid::parse(text).ok_or_else(|| Error::bad_request(format!("invalid mid {text:?}")))
}

/// Runs one of the domain's field checks, as a -400.
fn check<T: ?Sized>(value: &T, rule: fn(&T) -> Result<(), &'static str>) -> Result<(), Error> {
    rule(value).map_err(Error::bad_request)
}

fn login_cookies(tokens: SessionTokens) -> LoginCookies {
    LoginCookies {
        dede_user_id: tokens.mid.to_string(),
        sessdata: tokens.sessdata,
        bili_jct: tokens.bili_jct,
        expires: tokens.expires,
    }
}

/// POST /admin/v1/users
async fn create_user(
    State(state): State<AppState>,
    _: Admin,
    extract::Json(body): extract::Json<CreateUser>,
) -> Result<Json<Envelope<CreatedUser>>, Error> {
    let mid = match body.mid {
        Some(m) => Some(Mid::new(m).ok_or_else(|| Error::bad_request("mid must be 1..=2^63-1"))?),
        None => None,
    };
    let uname = Uname::parse(&body.uname).map_err(Error::bad_request)?;
    let face = body.face.filter(|f| !f.is_empty());
    if let Some(face) = &face {
        check(face.as_str(), check_face)?;
    }
    let sign = body.sign.unwrap_or_default();
    check(sign.as_str(), check_sign)?;
    let official_verify = body.official_verify.unwrap_or_default();
    check(&official_verify, check_official)?;
    let vip = body.vip.unwrap_or_default();
    check(&vip, check_vip)?;
    if let Some(password) = &body.password {
        check(password.as_str(), check_password)?;
    }
    let account = NewAccount {
        mid,
        uname,
        password: body.password,
        face,
        sign,
        official_verify,
        vip,
    };
    let mid = state.services.accounts.create_user(account).await?;
    Ok(Json(Envelope::ok(CreatedUser { mid: mid.get() })))
}

/// GET /admin/v1/users/{mid}
async fn get_user(
    State(state): State<AppState>,
    _: Admin,
    Path(mid): Path<String>,
) -> Result<Json<Envelope<serde_json::Value>>, Error> {
    let mid = parse_mid(&mid)?;
    let Profile {
        mid,
        uname,
        face,
        sign,
        official_verify,
        vip,
    } = state
        .services
        .accounts
        .profile(mid)
        .await?
        .ok_or(Error::from(Code::UserNotFound))?;
    Ok(Json(Envelope::ok(serde_json::json!({
        "mid": mid.get(),
        "uname": uname,
        "face": super::assets::face_url(&state, face.as_deref()),
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
) -> Result<Json<Envelope<()>>, Error> {
    let mid = parse_mid(&mid)?;
    let uname = match &body.uname {
        Some(u) => Some(Uname::parse(u).map_err(Error::bad_request)?),
        None => None,
    };
    if let Some(face) = &body.face {
        check(face.as_str(), check_face)?;
    }
    if let Some(sign) = &body.sign {
        check(sign.as_str(), check_sign)?;
    }
    if let Some(ov) = &body.official_verify {
        check(ov, check_official)?;
    }
    if let Some(vip) = &body.vip {
        check(vip, check_vip)?;
    }
    if let Some(password) = &body.password {
        check(password.as_str(), check_password)?;
    }
    let change = ProfileChange {
        uname,
        password: body.password,
        face: body.face,
        sign: body.sign,
        official_verify: body.official_verify,
        vip: body.vip,
    };
    state.services.accounts.update_user(mid, change).await?;
    Ok(Json(Envelope::empty()))
}

/// POST /admin/v1/users/{mid}/sessions
async fn create_session(
    State(state): State<AppState>,
    _: Admin,
    Path(mid): Path<String>,
) -> Result<Json<Envelope<LoginCookies>>, Error> {
    let mid = parse_mid(&mid)?;
    let tokens = state.services.accounts.start_session(mid).await?;
    Ok(Json(Envelope::ok(login_cookies(tokens))))
}

fn check_link(link: &str) -> Result<(), Error> {
    let ok = (link.starts_with("http://") || link.starts_with("https://") || link.starts_with('/'))
        && link.len() <= 1024
        && !link.chars().any(char::is_whitespace);
    ok.then_some(())
        .ok_or_else(|| Error::bad_request("links must be http(s) URLs or absolute paths"))
}

/// GET /admin/v1/emotes
async fn list_emotes(
    State(state): State<AppState>,
    _: Admin,
) -> Result<Json<Envelope<Vec<EmoteEntry>>>, Error> {
    let emotes = state.services.messages.emotes().await?;
    Ok(Json(Envelope::ok(
        emotes
            .into_iter()
            .map(|e| EmoteEntry {
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
    extract::Json(body): extract::Json<EmoteEntry>,
) -> Result<Json<Envelope<()>>, Error> {
    let inner = body
        .text
        .strip_prefix('[')
        .and_then(|t| t.strip_suffix(']'))
        .unwrap_or_default();
    if inner.is_empty() || inner.contains(['[', ']']) || inner.chars().count() > 32 {
        return Err(Error::bad_request("text must look like [name]"));
    }
    if !matches!(body.size, 1 | 2) {
        return Err(Error::bad_request("size must be 1 or 2"));
    }
    check_link(&body.uri)?;
    if let Some(gif) = &body.gif_url {
        check_link(gif)?;
    }
    state
        .services
        .messages
        .put_emote(Emote {
            text: body.text,
            uri: body.uri,
            size: body.size,
            gif_url: body.gif_url,
        })
        .await?;
    Ok(Json(Envelope::empty()))
}

/// POST /admin/v1/emotes/delete: `{"text": "[name]"}` (names hold
/// brackets and CJK, which do not sit well in a path).
async fn delete_emote(
    State(state): State<AppState>,
    _: Admin,
    extract::Json(body): extract::Json<DeleteEmote>,
) -> Result<Json<Envelope<()>>, Error> {
    if !state.services.messages.delete_emote(body.text).await? {
        return Err(Code::NotFound.into());
    }
    Ok(Json(Envelope::empty()))
}

/// GET /admin/v1/keyword-rules
async fn list_rules(
    State(state): State<AppState>,
    _: Admin,
) -> Result<Json<Envelope<Vec<KeywordRuleEntry>>>, Error> {
    let rules = state.services.messages.keyword_rules().await?;
    Ok(Json(Envelope::ok(
        rules
            .into_iter()
            .map(|r| KeywordRuleEntry {
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
    extract::Json(body): extract::Json<KeywordRuleEntry>,
) -> Result<Json<Envelope<()>>, Error> {
    if body.rule_id <= 0
        || body.keywords.is_empty()
        || body.keywords.iter().any(|k| k.trim().is_empty())
        || body.toast.trim().is_empty()
    {
        return Err(Error::bad_request(
            "a rule needs a positive rule_id, non-empty keywords and a toast",
        ));
    }
    state
        .services
        .messages
        .put_keyword_rule(KeywordRule {
            rule_id: body.rule_id,
            keywords: body.keywords,
            toast: body.toast,
        })
        .await?;
    Ok(Json(Envelope::empty()))
}

/// DELETE /admin/v1/keyword-rules/{rule_id}
async fn delete_rule(
    State(state): State<AppState>,
    _: Admin,
    Path(rule_id): Path<String>,
) -> Result<Json<Envelope<()>>, Error> {
    let rule_id: i64 = rule_id.parse().map_err(|_| Error::bad_request("rule_id"))?;
    if !state.services.messages.delete_keyword_rule(rule_id).await? {
        return Err(Code::NotFound.into());
    }
    Ok(Json(Envelope::empty()))
}
