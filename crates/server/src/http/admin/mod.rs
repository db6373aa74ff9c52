//! `/admin/v1`: provisioning users, profiles and login sessions, authorised
//! by the admin bearer token. Answers use the public API's envelope.

use crate::http::reply::Json;
use axum::extract::{Path, State};
use sixin_api::admin::{
    CreateUser, CreatedUser, DeleteEmote, EmoteEntry, KeywordRuleEntry, LoginCookies, PatchUser,
    SystemAccountEntry,
};
use sixin_api::{Code, Envelope};

use crate::domain::account::{
    check_face, check_official, check_password, check_sign, check_vip, AccountState,
};
use crate::domain::message::emote::{Emote, KeywordRule};
use crate::domain::{Mid, Profile, Uname};
use crate::error::Error;
use crate::http::auth::Admin;
use crate::http::error::Shape;
use crate::http::extract;
use crate::http::routes::{self, Auth, Doc, Routes};
use crate::http::state::AppState;
use crate::service::accounts::{NewAccount, ProfileChange, SessionTokens};

mod groups;
mod messages;
mod system;

pub fn router() -> Routes {
    use Code::*;
    let admin = |summary| Doc::new(summary).auth(Auth::Admin);
    Routes::new(Shape::Plain)
        .post(
            "/admin/v1/users",
            create_user,
            admin("Create a user")
                .json::<CreateUser>()
                .data::<CreatedUser>()
                .codes(&[Conflict]),
        )
        .get(
            "/admin/v1/users/{mid}",
            get_user,
            admin("A user's profile")
                .path_param("mid", "The user's mid")
                .data_schema(routes::schema(
                    utoipa::openapi::schema::Type::Object,
                    "`{mid, uname, face, sign, official_verify, vip}`",
                ))
                .codes(&[UserNotFound]),
        )
        .patch(
            "/admin/v1/users/{mid}",
            patch_user,
            admin("Change a user's profile or password, or disable or enable the account")
                .describe(
                    "A new password ends every session of the user; `disabled: true` ends them \
                     too and refuses logins (-102) until `disabled: false`.",
                )
                .path_param("mid", "The user's mid")
                .json::<PatchUser>()
                .codes(&[UserNotFound, Conflict]),
        )
        .post(
            "/admin/v1/users/{mid}/sessions",
            create_session,
            admin("Log a user in: new session cookies")
                .path_param("mid", "The user's mid")
                .data::<LoginCookies>()
                .codes(&[UserNotFound, AccountDisabled]),
        )
        .delete(
            "/admin/v1/users/{mid}/system",
            system::delete_system,
            admin("Make a system account an ordinary user again")
                .path_param("mid", "The user's mid")
                .codes(&[UserNotFound]),
        )
        .get(
            "/admin/v1/system-accounts",
            system::list_system_accounts,
            admin("System accounts (customer-service agents, assistants)")
                .query::<system::SystemAccountsQuery>()
                .data_list::<SystemAccountEntry>(),
        )
        .get(
            "/admin/v1/emotes",
            list_emotes,
            admin("The emoji catalogue").data_list::<EmoteEntry>(),
        )
        .post(
            "/admin/v1/emotes",
            put_emote,
            admin("Add or replace an emoji").json::<EmoteEntry>(),
        )
        .post(
            "/admin/v1/emotes/delete",
            delete_emote,
            admin("Delete an emoji")
                .json::<DeleteEmote>()
                .codes(&[NotFound]),
        )
        .get(
            "/admin/v1/keyword-rules",
            list_rules,
            admin("The keyword rules behind key_hit_infos").data_list::<KeywordRuleEntry>(),
        )
        .post(
            "/admin/v1/keyword-rules",
            put_rule,
            admin("Add or replace a keyword rule").json::<KeywordRuleEntry>(),
        )
        .delete(
            "/admin/v1/keyword-rules/{rule_id}",
            delete_rule,
            admin("Delete a keyword rule")
                .path_param("rule_id", "The rule's id")
                .codes(&[NotFound]),
        )
        .merge(groups::router())
        .merge(messages::router())
}

pub(super) fn parse_mid(text: &str) -> Result<Mid, Error> {
    Mid::parse(text)
        .ok_or_else(|| Error::bad_request(format!("mid must be a user mid, not {text:?}")))
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
    let system = system::system_change(
        body.system,
        body.system_msg_type,
        body.account_info,
        None,
        uname.as_str(),
    )?
    .flatten();
    let account = NewAccount {
        mid,
        uname,
        password: body.password,
        face,
        sign,
        official_verify,
        vip,
        system,
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
        state: account_state,
    } = state
        .services
        .accounts
        .profile(mid)
        .await?
        .map(Profile::shown)
        .ok_or(Error::from(Code::UserNotFound))?;
    let system = state
        .services
        .accounts
        .system_account(mid)
        .await?
        .map(|s| system::system_entry(&state, mid, uname.clone(), s));
    let mut user = serde_json::json!({
        "mid": mid.get(),
        "uname": uname,
        "face": crate::http::assets::face_url(&state, face.as_deref()),
        "sign": sign,
        "official_verify": official_verify,
        "vip": vip,
        "state": account_state.as_str(),
    });
    if let Some(system) = system {
        user["system"] = serde_json::json!({
            "system_msg_type": system.system_msg_type,
            "name": system.name,
            "pic_url": system.pic_url,
        });
    }
    Ok(Json(Envelope::ok(user)))
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
    let system =
        if body.system.is_some() || body.system_msg_type.is_some() || body.account_info.is_some() {
            let accounts = &state.services.accounts;
            let current = accounts.system_account(mid).await?;
            let uname = match &uname {
                Some(u) => u.as_str().to_owned(),
                None => accounts
                    .profile(mid)
                    .await?
                    .ok_or(Error::from(Code::UserNotFound))?
                    .uname
                    .as_str()
                    .to_owned(),
            };
            system::system_change(
                body.system,
                body.system_msg_type,
                body.account_info,
                current.as_ref(),
                &uname,
            )?
        } else {
            None
        };
    let change = ProfileChange {
        uname,
        password: body.password,
        face: body.face,
        sign: body.sign,
        official_verify: body.official_verify,
        vip: body.vip,
        system,
    };
    let accounts = &state.services.accounts;
    accounts.update_user(mid, change).await?;
    if let Some(disabled) = body.disabled {
        let wanted = if disabled {
            AccountState::Disabled
        } else {
            AccountState::Active
        };
        accounts.set_state(mid, wanted).await?;
    }
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

pub(super) fn check_link(link: &str) -> Result<(), Error> {
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
    let rule_id: i64 = rule_id
        .parse()
        .map_err(|_| Error::bad_request("rule_id must be an integer"))?;
    if !state.services.messages.delete_keyword_rule(rule_id).await? {
        return Err(Code::NotFound.into());
    }
    Ok(Json(Envelope::empty()))
}
