//! `link_setting`: a user's message preferences and per-session
//! do-not-disturb and push settings.

use crate::http::reply::Json;
use axum::extract::State;
use serde_json::Value;
use sixin_api::message::request::{
    GetMsgDndQuery, GetSessionSsQuery, GetSettingsQuery, IsLimitQuery, SetMsgDndForm,
    SetPushSsForm, SetSettingsForm,
};
use sixin_api::message::{
    DndSetting, DndSettings, LimitState, MessageSettings, SessionPushSetting,
};
use sixin_api::{Code, Envelope};

use super::sessions::change_session;
use super::{empty_object, vc};
use crate::domain::group::GroupId;
use crate::domain::message::session::{SessionChange, Talker};
use crate::domain::{Mid, Refusal};
use crate::error::Error;
use crate::http::auth::{CsrfForm, CurrentUser};
use crate::http::extract::{mid, Query};
use crate::http::state::AppState;

async fn settings_of(
    state: &AppState,
    mid: Mid,
    query: GetSettingsQuery,
) -> Result<Json<Envelope<MessageSettings>>, Error> {
    let stored = state.services.messages.settings(mid).await?;
    let s = |name| stored.get(name);
    Ok(vc(MessageSettings {
        show_unfollowed_msg: query.show_unfollowed_msg.map(|_| s("show_unfollowed_msg")),
        msg_notify: query.msg_notify.map(|_| s("msg_notify")),
        set_like: s("set_like"),
        set_comment: s("set_comment"),
        set_at: s("set_at"),
        is_group_fold: s("is_group_fold"),
        should_receive_group: s("should_receive_group"),
        receive_unfollow_msg: s("receive_unfollow_msg"),
        followed_reply: s("followed_reply"),
        keys_reply: s("keys_reply"),
        recv_reply: s("recv_reply"),
        voyage_reply: s("voyage_reply"),
        recommend_followed_reply: s("recommend_followed_reply"),
        ai_intercept: s("ai_intercept"),
        anti_harassment: None,
        set_recv_reply: s("set_recv_reply"),
        set_recv_like: s("set_recv_like"),
        set_new_follow: s("set_new_follow"),
    }))
}

/// GET /link_setting/v1/link_setting/get
pub async fn get_settings(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(query): Query<GetSettingsQuery>,
) -> Result<Json<Envelope<MessageSettings>>, Error> {
    settings_of(&state, user.mid, query).await
}

/// POST /link_setting/v1/link_setting/get
pub async fn post_get_settings(
    State(state): State<AppState>,
    CsrfForm { user, form }: CsrfForm<GetSettingsQuery>,
) -> Result<Json<Envelope<MessageSettings>>, Error> {
    settings_of(&state, user.mid, form).await
}

/// POST /link_setting/v1/link_setting/set
///
/// Only the given settings change; an unknown value is 2 (非法参数) and
/// changes nothing.
pub async fn set_settings(
    State(state): State<AppState>,
    CsrfForm { user, form }: CsrfForm<SetSettingsForm>,
) -> Result<Json<Envelope<Value>>, Error> {
    state
        .services
        .messages
        .change_settings(user.mid, &form)
        .await?;
    Ok(vc(empty_object()))
}

/// GET /link_setting/v1/link_setting/is_limit
///
/// Whether the caller is stopped from sending (21046), whoever `uid` is:
/// another user's send stop is theirs alone (sixin answers only about
/// yourself). `report_limit` follows `is_limit`, as the document says it
/// appears when you are the one stopped. `uid` must still name a user mid.
pub async fn get_limit(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(query): Query<IsLimitQuery>,
) -> Result<Json<Envelope<LimitState>>, Error> {
    mid(query.uid, "uid")?;
    let stopped = i64::from(state.services.messages.send_stop(user.mid).await?.is_some());
    Ok(vc(LimitState {
        is_limit: stopped,
        report_limit: stopped,
    }))
}

/// One id of `uids` / `group_ids` (2 非法参数 otherwise).
fn single_id(text: &str) -> Result<u64, Error> {
    text.trim()
        .parse()
        .map_err(|_| Refusal::new(Code::InvalidParam, format!("id {text:?}")).into())
}

/// GET /link_setting/v1/link_setting/get_msg_dnd (one `uids` and/or one `group_ids`)
pub async fn get_dnd(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(query): Query<GetMsgDndQuery>,
) -> Result<Json<Envelope<DndSettings>>, Error> {
    let mut answer = DndSettings::default();
    if let Some(uids) = &query.uids {
        let id = single_id(uids)?;
        let setting = match Mid::new(id) {
            Some(talker) => {
                state
                    .services
                    .messages
                    .session_state(user.mid, Talker::User(talker))
                    .await?
                    .is_dnd
            }
            None => false,
        };
        answer.uid_settings = Some(vec![DndSetting {
            id,
            setting: i64::from(setting),
        }]);
    }
    if let Some(groups) = &query.group_ids {
        let id = single_id(groups)?;
        let setting = match GroupId::new(id) {
            Some(group) => {
                state
                    .services
                    .messages
                    .session_state(user.mid, Talker::Group(group))
                    .await?
                    .is_dnd
            }
            None => false,
        };
        answer.group_settings = Some(vec![DndSetting {
            id,
            setting: i64::from(setting),
        }]);
    }
    Ok(vc(answer))
}

/// POST /link_setting/v1/link_setting/set_msg_dnd
pub async fn set_dnd(
    State(state): State<AppState>,
    CsrfForm { user, form }: CsrfForm<SetMsgDndForm>,
) -> Result<Json<Envelope<Value>>, Error> {
    let on = match form.setting {
        0 => false,
        1 => true,
        other => {
            return Err(Error::bad_request(format!(
                "setting must be 0 or 1, not {other}"
            )))
        }
    };
    match (form.dnd_uid, form.dnd_group_id) {
        (Some(uid), _) => change_session(&state, user.mid, uid, 1, SessionChange::Dnd(on)).await,
        (None, Some(group)) => {
            change_session(&state, user.mid, group, 2, SessionChange::Dnd(on)).await
        }
        (None, None) => Err(Error::bad_request("dnd_uid or dnd_group_id is required")),
    }
}

/// POST /link_setting/v1/link_setting/set_push_ss (0 receive, 1 do not)
pub async fn set_push(
    State(state): State<AppState>,
    CsrfForm { user, form }: CsrfForm<SetPushSsForm>,
) -> Result<Json<Envelope<Value>>, Error> {
    if !matches!(form.setting, 0 | 1) {
        return Err(Error::bad_request(format!(
            "setting must be 0 or 1, not {}",
            form.setting
        )));
    }
    change_session(
        &state,
        user.mid,
        form.talker_uid,
        1,
        SessionChange::Push(form.setting),
    )
    .await
}

/// GET /link_setting/v1/link_setting/get_session_ss
pub async fn get_push(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(query): Query<GetSessionSsQuery>,
) -> Result<Json<Envelope<SessionPushSetting>>, Error> {
    let talker = mid(query.talker_uid, "talker_uid")?;
    let status = state
        .services
        .messages
        .push_status(user.mid, talker)
        .await?;
    Ok(vc(SessionPushSetting {
        follow_status: status.follow_status,
        special: i64::from(status.special),
        push_setting: status.push_setting,
        show_push_setting: 1,
    }))
}
