//! Session lists, unread counts, read state and per-session settings.

use axum::extract::State;
use axum::Json;
use sixin_api::message::request::{
    GetSessionsQuery, NewSessionsQuery, NoFields, SessionQuery, SetTopForm, SingleUnreadQuery,
    UpdateAckForm, UpdateInterceptForm,
};
use sixin_api::message::{GroupUnread, Session, SessionList, SingleUnread};
use sixin_api::{Code, Envelope};

use super::{empty_object, user_talker, vc, view};
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
        .single_unread(user.mid, query.unread_type, query.show_dustbin == Some(1))
        .await?;
    Ok(vc(SingleUnread {
        follow_unread: totals.follow,
        unfollow_unread: totals.unfollow,
        dustbin_unread: totals.dustbin,
        ..SingleUnread::default()
    }))
}

/// GET /session_svr/v1/session_svr/my_group_unread
///
/// Fan groups are not hosted yet, so no group message is ever unread.
pub async fn get_group_unread(_user: CurrentUser) -> Json<Envelope<GroupUnread>> {
    vc(GroupUnread::default())
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
    Ok(vc(view::session_list(sessions, has_more, false)))
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
        )
        .await?;
    Ok(vc(view::session_list(sessions, has_more, true)))
}

/// GET /session_svr/v1/session_svr/session_detail
pub async fn get_session_detail(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(query): Query<SessionQuery>,
) -> Result<Json<Envelope<Session>>, Error> {
    let Some(talker) = user_talker(query.talker_id, query.session_type)? else {
        return Err(Code::SessionNotFound.into());
    };
    let session = state.services.messages.session(user.mid, talker).await?;
    Ok(vc(view::session(session)))
}

/// POST /session_svr/v1/session_svr/update_ack
pub async fn update_ack(
    State(state): State<AppState>,
    CsrfForm { user, form }: CsrfForm<UpdateAckForm>,
) -> Result<Empty, Error> {
    if let Some(talker) = user_talker(form.talker_id, form.session_type)? {
        state
            .services
            .messages
            .read(user.mid, talker, form.ack_seqno)
            .await?;
    }
    Ok(vc(empty_object()))
}

/// Changes the caller's session with the user `talker_id` (-400 for any
/// other kind of session).
pub(super) async fn change_session(
    state: &AppState,
    owner: Mid,
    talker_id: u64,
    session_type: i64,
    change: SessionChange,
) -> Result<Empty, Error> {
    let talker = user_talker(talker_id, session_type)?
        .ok_or_else(|| Error::bad_request("no such session"))?;
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
        other => return Err(Error::bad_request(format!("op_type {other}"))),
    };
    let talker = user_talker(form.talker_id, form.session_type)?
        .ok_or_else(|| Error::bad_request("no such session"))?;
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
        other => return Err(Error::bad_request(format!("status {other}"))),
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
