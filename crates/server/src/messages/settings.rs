//! `link_setting`: a user's message preferences and per-session
//! do-not-disturb and push settings.

use axum::extract::State;
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::{Map, Value};
use sixin_api::message::{
    DndSetting, DndSettings, LimitState, MessageSettings, SessionPushSetting,
};
use sixin_api::{Code, Envelope};

use super::{change_session, empty_object, now_us, vc};
use crate::auth::{CsrfForm, CurrentUser};
use crate::domain::Mid;
use crate::error::ApiError;
use crate::extract::Query;
use crate::state::AppState;
use crate::store::messages::SessionChange;

pub fn router() -> Router<AppState> {
    Router::new()
        .route(
            "/link_setting/v1/link_setting/get",
            get(get_settings).post(post_get_settings),
        )
        .route("/link_setting/v1/link_setting/set", post(set_settings))
        .route("/link_setting/v1/link_setting/is_limit", get(get_limit))
        .route("/link_setting/v1/link_setting/get_msg_dnd", get(get_dnd))
        .route("/link_setting/v1/link_setting/set_msg_dnd", post(set_dnd))
        .route(
            "/link_setting/v1/link_setting/get_session_ss",
            get(get_push),
        )
        .route("/link_setting/v1/link_setting/set_push_ss", post(set_push))
}

/// The settings and the values each may take. Defaults are those of a new
/// account: everything received, automatic replies off.
const SETTINGS: &[(&str, i64, &[i64])] = &[
    ("show_unfollowed_msg", 0, &[0, 1]),
    ("msg_notify", 1, &[1, 3]),
    ("set_like", 0, &[0, 5]),
    ("set_comment", 0, &[0, 1, 2]),
    ("set_at", 0, &[0, 1, 2]),
    ("is_group_fold", 0, &[0, 1]),
    ("should_receive_group", 1, &[0, 1]),
    ("receive_unfollow_msg", 1, &[0, 1]),
    ("followed_reply", 0, &[0, 1]),
    ("keys_reply", 0, &[0, 1]),
    ("recv_reply", 0, &[0, 1]),
    ("voyage_reply", 0, &[0, 1]),
    ("recommend_followed_reply", 0, &[0, 1]),
    ("ai_intercept", 0, &[0, 1]),
    ("set_recv_reply", 0, &[0, 1, 2]),
    ("set_recv_like", 0, &[0, 2]),
    ("set_new_follow", 0, &[0, 2]),
];

fn setting(stored: &Map<String, Value>, name: &str) -> i64 {
    stored
        .get(name)
        .and_then(Value::as_i64)
        .or_else(|| {
            SETTINGS
                .iter()
                .find(|(n, ..)| *n == name)
                .map(|(_, d, _)| *d)
        })
        .unwrap_or(0)
}

#[derive(Debug, Deserialize)]
struct GetParams {
    #[serde(default)]
    msg_notify: Option<i64>,
    #[serde(default)]
    show_unfollowed_msg: Option<i64>,
}

async fn settings_of(
    state: &AppState,
    mid: Mid,
    params: GetParams,
) -> Result<Json<Envelope<MessageSettings>>, ApiError> {
    let stored = state.store.message_settings(mid).await?;
    let s = |name| setting(&stored, name);
    Ok(vc(MessageSettings {
        show_unfollowed_msg: params.show_unfollowed_msg.map(|_| s("show_unfollowed_msg")),
        msg_notify: params.msg_notify.map(|_| s("msg_notify")),
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
async fn get_settings(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(params): Query<GetParams>,
) -> Result<Json<Envelope<MessageSettings>>, ApiError> {
    settings_of(&state, user.mid, params).await
}

/// POST /link_setting/v1/link_setting/get
async fn post_get_settings(
    State(state): State<AppState>,
    CsrfForm { user, form }: CsrfForm<GetParams>,
) -> Result<Json<Envelope<MessageSettings>>, ApiError> {
    settings_of(&state, user.mid, form).await
}

/// POST /link_setting/v1/link_setting/set
///
/// Only the given settings change; an unknown value is 2 (非法参数) and
/// changes nothing. `receive_unfollow_msg=0` makes messages from users you
/// do not follow fail with 25003. The automatic-reply switches are stored
/// but sixin sends no automatic replies.
async fn set_settings(
    State(state): State<AppState>,
    CsrfForm { user, form }: CsrfForm<std::collections::HashMap<String, String>>,
) -> Result<Json<Envelope<Value>>, ApiError> {
    let mut changes = Map::new();
    for (name, _, allowed) in SETTINGS {
        if let Some(raw) = form.get(*name) {
            let value: i64 = raw
                .trim()
                .parse()
                .map_err(|_| ApiError::Code(Code::InvalidParam))?;
            if !allowed.contains(&value) {
                return Err(Code::InvalidParam.into());
            }
            changes.insert((*name).to_owned(), Value::from(value));
        }
    }
    if !changes.is_empty() {
        state
            .store
            .update_message_settings(user.mid, changes)
            .await?;
    }
    Ok(vc(empty_object()))
}

#[derive(Debug, Deserialize)]
struct LimitParams {
    uid: Mid,
}

/// GET /link_setting/v1/link_setting/is_limit: whether `uid` is stopped
/// from sending (21046).
async fn get_limit(
    State(state): State<AppState>,
    _user: CurrentUser,
    Query(params): Query<LimitParams>,
) -> Result<Json<Envelope<LimitState>>, ApiError> {
    let banned = state
        .store
        .send_ban(params.uid, now_us() / 1_000_000)
        .await?;
    Ok(vc(LimitState {
        is_limit: i64::from(banned.is_some()),
        report_limit: 0,
    }))
}

#[derive(Debug, Deserialize)]
struct DndParams {
    #[serde(default)]
    uids: Option<String>,
    #[serde(default)]
    group_ids: Option<String>,
}

fn single_id(text: &str) -> Result<u64, ApiError> {
    text.trim()
        .parse()
        .map_err(|_| ApiError::Code(Code::InvalidParam))
}

/// GET /link_setting/v1/link_setting/get_msg_dnd (one `uids` and/or one `group_ids`)
async fn get_dnd(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(params): Query<DndParams>,
) -> Result<Json<Envelope<DndSettings>>, ApiError> {
    let mut answer = DndSettings::default();
    if let Some(uids) = &params.uids {
        let id = single_id(uids)?;
        let setting = match Mid::new(id) {
            Some(talker) => state.store.session_settings(user.mid, talker).await?.0,
            None => false,
        };
        answer.uid_settings = Some(vec![DndSetting {
            id,
            setting: i64::from(setting),
        }]);
    }
    if let Some(groups) = &params.group_ids {
        // No fan group is hosted yet, so none is muted.
        answer.group_settings = Some(vec![DndSetting {
            id: single_id(groups)?,
            setting: 0,
        }]);
    }
    Ok(vc(answer))
}

#[derive(Debug, Deserialize)]
struct SetDndForm {
    setting: i64,
    #[serde(default)]
    dnd_uid: Option<u64>,
    #[serde(default)]
    dnd_group_id: Option<u64>,
}

/// POST /link_setting/v1/link_setting/set_msg_dnd
async fn set_dnd(
    State(state): State<AppState>,
    CsrfForm { user, form }: CsrfForm<SetDndForm>,
) -> Result<Json<Envelope<Value>>, ApiError> {
    let on = match form.setting {
        0 => false,
        1 => true,
        other => return Err(ApiError::bad_request(format!("setting {other}"))),
    };
    match (form.dnd_uid, form.dnd_group_id) {
        (Some(uid), _) => change_session(&state, &user, uid, 1, SessionChange::Dnd(on)).await,
        (None, Some(_)) => Err(ApiError::bad_request("no such fan group")),
        (None, None) => Err(ApiError::bad_request("dnd_uid or dnd_group_id is required")),
    }
}

#[derive(Debug, Deserialize)]
struct PushForm {
    talker_uid: u64,
    setting: i64,
}

/// POST /link_setting/v1/link_setting/set_push_ss (0 receive, 1 do not)
async fn set_push(
    State(state): State<AppState>,
    CsrfForm { user, form }: CsrfForm<PushForm>,
) -> Result<Json<Envelope<Value>>, ApiError> {
    if !matches!(form.setting, 0 | 1) {
        return Err(ApiError::bad_request(format!("setting {}", form.setting)));
    }
    change_session(
        &state,
        &user,
        form.talker_uid,
        1,
        SessionChange::Push(form.setting),
    )
    .await
}

#[derive(Debug, Deserialize)]
struct PushParams {
    talker_uid: Mid,
}

/// GET /link_setting/v1/link_setting/get_session_ss
async fn get_push(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(params): Query<PushParams>,
) -> Result<Json<Envelope<SessionPushSetting>>, ApiError> {
    let (follow_status, special) = state
        .store
        .follow_status(user.mid, params.talker_uid)
        .await?;
    let (_, push_setting) = state
        .store
        .session_settings(user.mid, params.talker_uid)
        .await?;
    Ok(vc(SessionPushSetting {
        follow_status,
        special: i64::from(special),
        push_setting,
        show_push_setting: 1,
    }))
}
