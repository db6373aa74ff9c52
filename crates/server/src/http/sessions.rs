//! Sessions and accounts, beyond logging in: the admin API lists users,
//! lists and ends a user's sessions and deletes accounts; a logged-in user
//! lists and ends their own sessions, signs out everywhere and changes
//! their password (sixin's own endpoints under `/x/sixin/`, as Bilibili's
//! are not documented).

use crate::http::reply::Json;
use axum::extract::{Path, State};
use axum::response::{AppendHeaders, IntoResponse, Response};
use serde::Deserialize;
use sixin_api::account::{ChangePasswordForm, EndedSessions, OwnSession, RevokeSessionForm};
use sixin_api::admin::{SessionEntry, UserEntry};
use sixin_api::message::request::NoFields;
use sixin_api::{Code, Envelope};

use super::accounts::session_cookies;
use super::admin::parse_mid;
use super::auth::{Admin, CsrfForm, CurrentUser};
use super::error::Shape;
use super::extract;
use super::routes::{Auth, Doc, Routes};
use super::state::AppState;
use crate::domain::account::{check_password, AccountState};
use crate::domain::Mid;
use crate::error::Error;
use crate::service::accounts::{parse_session_id, AccountService, SessionInfo};

pub fn router() -> Routes {
    use Code::*;
    let admin = |summary| Doc::new(summary).auth(Auth::Admin);
    Routes::new(Shape::Plain)
        .get(
            "/admin/v1/users",
            list_users,
            admin("Users by mid, deleted ones included")
                .query::<UsersQuery>()
                .data_list::<UserEntry>(),
        )
        .delete(
            "/admin/v1/users/{mid}",
            delete_user,
            admin("Delete an account for good")
                .describe(
                    "Its sessions end; its password, profile and name are forgotten (the name \
                     is free again); it shows as 账号已注销 wherever it is listed, following or \
                     blocking it is 22013, and its messages stay in the other side's history.",
                )
                .path_param("mid", "The user's mid")
                .codes(&[UserNotFound]),
        )
        .get(
            "/admin/v1/users/{mid}/sessions",
            list_user_sessions,
            admin("A user's live login sessions, newest first")
                .path_param("mid", "The user's mid")
                .data_list::<SessionEntry>(),
        )
        .delete(
            "/admin/v1/users/{mid}/sessions",
            end_user_sessions,
            admin("End every login session of a user")
                .path_param("mid", "The user's mid")
                .data::<EndedSessions>(),
        )
        .delete(
            "/admin/v1/users/{mid}/sessions/{id}",
            end_user_session,
            admin("End one login session of a user")
                .path_param("mid", "The user's mid")
                .path_param("id", "The session's id")
                .codes(&[NotFound]),
        )
        .get(
            "/x/sixin/sessions",
            own_sessions,
            Doc::new("sixin's own: the caller's live login sessions, newest first")
                .auth(Auth::Login)
                .data_list::<OwnSession>(),
        )
        .post(
            "/x/sixin/sessions/revoke",
            revoke_own_session,
            Doc::new("sixin's own: end one of the caller's sessions")
                .auth(Auth::Csrf)
                .form::<RevokeSessionForm>()
                .codes(&[NotFound]),
        )
        .post(
            "/x/sixin/logout/everywhere",
            logout_everywhere,
            Doc::new("sixin's own: sign out everywhere (every session, this one too)")
                .describe("The cookies are cleared as by `/login/exit/v2`.")
                .auth(Auth::Csrf)
                .data::<EndedSessions>(),
        )
        .post(
            "/x/sixin/password",
            change_password,
            Doc::new("sixin's own: change the caller's password; every other session ends")
                .auth(Auth::Csrf)
                .form::<ChangePasswordForm>()
                .codes(&[WrongPassword, TooManyLoginFailures, TooFrequent]),
        )
}

/// `GET /admin/v1/users` paging.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
struct UsersQuery {
    /// List users with a larger mid than this (the last of the previous page).
    after: Option<u64>,
    /// At most this many (default 100, at most 1000).
    limit: Option<u64>,
}

fn session_entry(s: SessionInfo) -> SessionEntry {
    SessionEntry {
        id: s.id,
        created_at: s.created_at,
        expires_at: s.expires_at,
    }
}

/// GET /admin/v1/users
async fn list_users(
    State(state): State<AppState>,
    _: Admin,
    extract::Query(query): extract::Query<UsersQuery>,
) -> Result<Json<Envelope<Vec<UserEntry>>>, Error> {
    let after = query.after.and_then(Mid::new);
    let limit = query.limit.unwrap_or(100).clamp(1, 1000);
    let users = state.services.accounts.users(after, limit).await?;
    Ok(Json(Envelope::ok(
        users
            .into_iter()
            .map(|p| {
                let p = p.shown();
                UserEntry {
                    mid: p.mid.get(),
                    uname: p.uname,
                    state: p.state.as_str().to_owned(),
                }
            })
            .collect(),
    )))
}

/// DELETE /admin/v1/users/{mid}
async fn delete_user(
    State(state): State<AppState>,
    _: Admin,
    Path(mid): Path<String>,
) -> Result<Json<Envelope<()>>, Error> {
    let mid = parse_mid(&mid)?;
    state
        .services
        .accounts
        .set_state(mid, AccountState::Deleted)
        .await?;
    Ok(Json(Envelope::empty()))
}

/// GET /admin/v1/users/{mid}/sessions
async fn list_user_sessions(
    State(state): State<AppState>,
    _: Admin,
    Path(mid): Path<String>,
) -> Result<Json<Envelope<Vec<SessionEntry>>>, Error> {
    let mid = parse_mid(&mid)?;
    let sessions = state.services.accounts.sessions(mid).await?;
    Ok(Json(Envelope::ok(
        sessions.into_iter().map(session_entry).collect(),
    )))
}

/// DELETE /admin/v1/users/{mid}/sessions
async fn end_user_sessions(
    State(state): State<AppState>,
    _: Admin,
    Path(mid): Path<String>,
) -> Result<Json<Envelope<EndedSessions>>, Error> {
    let mid = parse_mid(&mid)?;
    let ended = state.services.accounts.end_sessions(mid, None).await?;
    Ok(Json(Envelope::ok(EndedSessions { ended })))
}

/// DELETE /admin/v1/users/{mid}/sessions/{id}
async fn end_user_session(
    State(state): State<AppState>,
    _: Admin,
    Path((mid, id)): Path<(String, String)>,
) -> Result<Json<Envelope<()>>, Error> {
    let mid = parse_mid(&mid)?;
    let id = parse_session_id(&id)?;
    state.services.accounts.end_session(mid, id).await?;
    Ok(Json(Envelope::empty()))
}

/// GET /x/sixin/sessions
async fn own_sessions(
    State(state): State<AppState>,
    user: CurrentUser,
) -> Result<Json<Envelope<Vec<OwnSession>>>, Error> {
    let current = AccountService::session_id(&user.token);
    let sessions = state.services.accounts.sessions(user.mid).await?;
    Ok(Json(Envelope::ok(
        sessions
            .into_iter()
            .map(|s| OwnSession {
                current: s.id == current,
                id: s.id,
                created_at: s.created_at,
                expires_at: s.expires_at,
            })
            .collect(),
    )))
}

/// POST /x/sixin/sessions/revoke
///
/// Ends one of the caller's sessions (the current one too, if named);
/// -404 for an id that is not one of theirs.
async fn revoke_own_session(
    State(state): State<AppState>,
    CsrfForm { user, form }: CsrfForm<RevokeSessionForm>,
) -> Result<Json<Envelope<()>>, Error> {
    let id = parse_session_id(&form.id)?;
    state.services.accounts.end_session(user.mid, id).await?;
    Ok(Json(Envelope::empty()))
}

/// POST /x/sixin/logout/everywhere
async fn logout_everywhere(
    State(state): State<AppState>,
    CsrfForm { user, .. }: CsrfForm<NoFields>,
) -> Result<Response, Error> {
    let accounts = &state.services.accounts;
    let ended = accounts.end_sessions(user.mid, None).await?;
    let now = accounts.now_secs();
    Ok((
        AppendHeaders(session_cookies(None, now, state.config.secure_cookies())),
        Json(Envelope::ok(EndedSessions { ended })),
    )
        .into_response())
}

/// POST /x/sixin/password
///
/// -629 for a wrong `old_password` (guesses count against the account as
/// password logins do: -625); -400 for a new one that is empty or longer
/// than 256 bytes. The calling session stays; every other one ends.
async fn change_password(
    State(state): State<AppState>,
    CsrfForm { user, form }: CsrfForm<ChangePasswordForm>,
) -> Result<Json<Envelope<()>>, Error> {
    check_password(&form.new_password)
        .map_err(|_| Error::bad_request("new_password must be 1 to 256 bytes"))?;
    state
        .services
        .accounts
        .change_password(user.mid, &user.token, form.old_password, form.new_password)
        .await?;
    Ok(Json(Envelope::empty()))
}
