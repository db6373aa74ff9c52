//! Session lists, unread counts, read state and per-session settings.

use crate::http::reply::Json;
use axum::extract::State;
use sixin_api::message::request::{
    GetSessionsQuery, NewSessionsQuery, NoFields, SessionQuery, SetTopForm, SingleUnreadQuery,
    UpdateAckForm, UpdateInterceptForm,
};
use sixin_api::message::{GroupUnread, Session, SessionList, SingleUnread};
use sixin_api::{Code, Envelope};

use super::{empty_object, talker, vc, view};
use crate::domain::message::session::SessionChange;
use crate::domain::Mid;
use crate::error::Error;
use crate::http::auth::{CsrfForm, CurrentUser};
use crate::http::extract::Query;
use crate::http::state::AppState;

type Empty = Json<Envelope<serde_json::Value>>;

/// GET /session_svr/v1/session_svr/single_unread
pub async fn get_single_unread(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(query): Query<SingleUnreadQuery>,
) -> Result<Json<Envelope<SingleUnread>>, Error> {
    let totals = state
        .services
        .messages
        .single_unread(user.mid, query.unread_type, query.show_dustbin != Some(0))
        .await?;
    Ok(vc(SingleUnread {
        follow_unread: totals.follow,
        unfollow_unread: totals.unfollow,
        unfollow_push_msg: totals.unfollow_push,
        dustbin_push_msg: totals.dustbin_push,
        dustbin_unread: totals.dustbin,
        biz_msg_unfollow_unread: totals.biz_unfollow,
        biz_msg_follow_unread: totals.biz_follow,
        custom_unread: totals.custom,
        gt: 0,
    }))
}

/// GET /session_svr/v1/session_svr/my_group_unread: unread messages of
/// the fan groups the caller is in.
pub async fn get_group_unread(
    State(state): State<AppState>,
    user: CurrentUser,
) -> Result<Json<Envelope<GroupUnread>>, Error> {
    let totals = state.services.messages.unread_totals(user.mid).await?;
    Ok(vc(GroupUnread {
        unread_count: totals.group,
    }))
}

/// GET /session_svr/v1/session_svr/new_sessions
pub async fn get_new_sessions(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(query): Query<NewSessionsQuery>,
) -> Result<Json<Envelope<SessionList>>, Error> {
    let (sessions, has_more) = state
        .services
        .messages
        .new_sessions(user.mid, query.begin_ts, query.size)
        .await?;
    let settings = state.services.messages.settings(user.mid).await?;
    Ok(vc(view::session_list(
        sessions,
        has_more,
        None,
        settings.intercepts_strangers(),
        &state.public_url,
    )))
}

/// GET /session_svr/v1/session_svr/get_sessions
pub async fn get_sessions(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(query): Query<GetSessionsQuery>,
) -> Result<Json<Envelope<SessionList>>, Error> {
    let (sessions, has_more) = state
        .services
        .messages
        .get_sessions(
            user.mid,
            query.session_type,
            query.begin_ts,
            query.end_ts,
            query.size,
            query.sort_rule,
            flag(query.group_fold.as_deref()),
        )
        .await?;
    let settings = state.services.messages.settings(user.mid).await?;
    let system_msg = state
        .services
        .accounts
        .system_msg(user.mid, query.session_type)
        .await?;
    Ok(vc(view::session_list(
        sessions,
        has_more,
        Some(system_msg),
        settings.intercepts_strangers(),
        &state.public_url,
    )))
}

/// GET /session_svr/v1/session_svr/session_detail
pub async fn get_session_detail(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(query): Query<SessionQuery>,
) -> Result<Json<Envelope<Session>>, Error> {
    let Some(talker) = talker(query.talker_id, query.session_type)? else {
        return Err(Code::SessionNotFound.into());
    };
    let session = state.services.messages.session(user.mid, talker).await?;
    Ok(vc(view::session(session, &state.public_url)))
}

/// POST /session_svr/v1/session_svr/update_ack
pub async fn update_ack(
    State(state): State<AppState>,
    CsrfForm { user, form }: CsrfForm<UpdateAckForm>,
) -> Result<Empty, Error> {
    if let Some(talker) = talker(form.talker_id, form.session_type)? {
        state
            .services
            .messages
            .read(user.mid, talker, Some(form.ack_seqno))
            .await?;
    }
    Ok(vc(empty_object()))
}

/// Changes the caller's session with `talker_id` of `session_type`.
pub(super) async fn change_session(
    state: &AppState,
    owner: Mid,
    talker_id: u64,
    session_type: i64,
    change: SessionChange,
) -> Result<Empty, Error> {
    let talker = talker(talker_id, session_type)?
        .ok_or_else(|| Error::bad_request("talker_id must not be 0"))?;
    state
        .services
        .messages
        .change_session(owner, talker, change)
        .await?;
    Ok(vc(empty_object()))
}

/// POST /session_svr/v1/session_svr/set_top (`op_type` 0 pin, 1 unpin)
pub async fn set_top(
    State(state): State<AppState>,
    CsrfForm { user, form }: CsrfForm<SetTopForm>,
) -> Result<Empty, Error> {
    let pin = match form.op_type {
        0 => true,
        1 => false,
        other => {
            return Err(Error::bad_request(format!(
                "op_type must be 0 or 1, not {other}"
            )))
        }
    };
    let talker = talker(form.talker_id, form.session_type)?
        .ok_or_else(|| Error::bad_request("talker_id must not be 0"))?;
    state
        .services
        .messages
        .set_top(user.mid, talker, pin)
        .await?;
    Ok(vc(empty_object()))
}

/// POST /session_svr/v1/session_svr/remove_session
///
/// Hides the session (and marks it read) until the next message; the
/// history is kept.
pub async fn remove_session(
    State(state): State<AppState>,
    CsrfForm { user, form }: CsrfForm<SessionQuery>,
) -> Result<Empty, Error> {
    change_session(
        &state,
        user.mid,
        form.talker_id,
        form.session_type,
        SessionChange::Remove,
    )
    .await
}

/// POST /session_svr/v1/session_svr/update_intercept (`status` 1 intercept, 0 trust)
pub async fn update_intercept(
    State(state): State<AppState>,
    CsrfForm { user, form }: CsrfForm<UpdateInterceptForm>,
) -> Result<Empty, Error> {
    let on = match form.status {
        0 => false,
        1 => true,
        other => {
            return Err(Error::bad_request(format!(
                "status must be 0 or 1, not {other}"
            )))
        }
    };
    change_session(
        &state,
        user.mid,
        form.talker_id,
        1,
        SessionChange::Intercept(on),
    )
    .await
}

/// POST /session_svr/v1/session_svr/batch_update_dustbin_ack
pub async fn ack_dustbin(
    State(state): State<AppState>,
    CsrfForm { user, .. }: CsrfForm<NoFields>,
) -> Result<Empty, Error> {
    state.services.messages.read_dustbin(user.mid).await?;
    Ok(vc(empty_object()))
}

/// POST /session_svr/v1/session_svr/batch_rm_dustbin
pub async fn clear_dustbin(
    State(state): State<AppState>,
    CsrfForm { user, .. }: CsrfForm<NoFields>,
) -> Result<Empty, Error> {
    state.services.messages.clear_dustbin(user.mid).await?;
    Ok(vc(empty_object()))
}

/// A 0/1 flag given as text: `None` for anything else (ignored).
fn flag(text: Option<&str>) -> Option<bool> {
    match text.map(str::trim) {
        Some("1") => Some(true),
        Some("0") => Some(false),
        _ => None,
    }
}
