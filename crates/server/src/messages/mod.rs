//! The private-message family: sessions (`session_svr`), history
//! (`svr_sync`), sending (`web_im`), per-session and per-user settings
//! (`link_setting`), and the image upload clients use for image messages.
//!
//! The vc hosts answer with `msg` beside `message` (the [`vc_shape`] layer);
//! `send_msg` answers like `api.bilibili.com` with `"data": null` on errors.

pub mod content;
pub mod policy;
mod runtime;
mod settings;
mod upload;

use axum::extract::State;
use axum::middleware;
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Deserialize;
use sha2::{Digest, Sha256};
use sixin_api::message::{
    EInfo, GroupUnread, History, Message, SendResult, Session, SessionList, SingleUnread,
    EMPTY_MIN_SEQNO,
};
use sixin_api::{Code, Envelope};

pub use runtime::{Catalogue, RateDecision, RateLimits, Runtime};

use crate::auth::{CsrfForm, CurrentUser};
use crate::domain::Mid;
use crate::error::{null_data_shape, vc_null_data_shape, vc_shape, ApiError};
use crate::extract::Query;
use crate::state::AppState;
use crate::store::messages::{
    HistoryQuery, Origin, Outgoing, SendLimits, Sent, SessionChange, SessionFilter, SessionOrder,
    SessionQuery, SessionRecord, StoredMessage,
};
use content::Content;

pub fn router() -> Router<AppState> {
    let vc = Router::new()
        .route(
            "/session_svr/v1/session_svr/single_unread",
            get(get_single_unread),
        )
        .route(
            "/session_svr/v1/session_svr/my_group_unread",
            get(get_group_unread),
        )
        .route(
            "/session_svr/v1/session_svr/new_sessions",
            get(get_new_sessions),
        )
        .route(
            "/session_svr/v1/session_svr/get_sessions",
            get(get_sessions),
        )
        .route("/session_svr/v1/session_svr/update_ack", post(update_ack))
        .route("/session_svr/v1/session_svr/set_top", post(set_top))
        .route(
            "/session_svr/v1/session_svr/remove_session",
            post(remove_session),
        )
        .route(
            "/session_svr/v1/session_svr/update_intercept",
            post(update_intercept),
        )
        .route(
            "/session_svr/v1/session_svr/batch_update_dustbin_ack",
            post(ack_dustbin),
        )
        .route(
            "/session_svr/v1/session_svr/batch_rm_dustbin",
            post(clear_dustbin),
        )
        .route(
            "/svr_sync/v1/svr_sync/fetch_session_msgs",
            get(fetch_session_msgs),
        )
        .merge(settings::router())
        .layer(middleware::from_fn(vc_shape));
    // The upstream document gives session_detail `data: null` on errors.
    let detail = Router::new()
        .route(
            "/session_svr/v1/session_svr/session_detail",
            get(get_session_detail),
        )
        .layer(middleware::from_fn(vc_null_data_shape));
    let send = Router::new()
        .route("/web_im/v1/web_im/send_msg", post(send_msg))
        .layer(middleware::from_fn(null_data_shape));
    Router::new()
        .merge(vc)
        .merge(detail)
        .merge(send)
        .merge(upload::router())
}

/// Microseconds since the epoch.
pub fn now_us() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_micros() as i64)
        .unwrap_or(0)
}

/// A success in the vc hosts' shape.
fn vc<T>(data: T) -> Json<Envelope<T>> {
    Json(Envelope::ok(data).with_msg())
}

/// `{}` as `data`.
fn empty_object() -> serde_json::Value {
    serde_json::Value::Object(serde_json::Map::new())
}

fn to_message(m: &StoredMessage) -> Message {
    Message {
        sender_uid: m.sender_uid,
        receiver_type: m.receiver_type,
        receiver_id: m.receiver_id,
        msg_type: m.msg_type,
        content: m.content.clone(),
        msg_seqno: m.seqno,
        timestamp: m.ts_us / 1_000_000,
        at_uids: m
            .at_uids
            .as_deref()
            .and_then(|s| serde_json::from_str(s).ok()),
        msg_key: m.msg_key,
        msg_status: m.msg_status,
        sys_cancel: None,
        notify_code: m.notify_code.clone(),
        new_face_version: m.new_face_version,
        msg_source: m.msg_source,
    }
}

fn to_session(s: &SessionRecord) -> Session {
    let user = s.session_type == 1;
    Session {
        talker_id: s.talker_id,
        session_type: s.session_type,
        at_seqno: 0,
        top_ts: s.top_ts,
        group_name: String::new(),
        group_cover: String::new(),
        is_follow: i64::from(user && s.is_follow),
        is_dnd: i64::from(s.is_dnd),
        ack_seqno: s.ack_seqno,
        ack_ts: s.ack_ts,
        session_ts: s.session_ts,
        unread_count: s.unread_count,
        last_msg: s.last_msg.as_ref().map(to_message),
        group_type: 0,
        can_fold: i64::from(user && !s.is_follow),
        status: 0,
        max_seqno: s.max_seqno,
        new_push_msg: 0,
        setting: s.push_setting,
        is_guardian: 0,
        is_intercept: i64::from(s.is_intercept),
        is_trust: i64::from(s.is_trust),
        system_msg_type: 0,
        account_info: None,
        live_status: 0,
        biz_msg_unread_count: 0,
        user_label: None,
    }
}

/// The text inside a text message's content.
fn text_of(m: &StoredMessage) -> Option<String> {
    if m.msg_type != content::TEXT {
        return None;
    }
    serde_json::from_str::<serde_json::Value>(&m.content)
        .ok()?
        .get("content")?
        .as_str()
        .map(str::to_owned)
}

#[derive(Debug, Deserialize)]
struct UnreadParams {
    #[serde(default)]
    unread_type: Option<i64>,
    #[serde(default)]
    show_dustbin: Option<i64>,
}

/// GET /session_svr/v1/session_svr/single_unread
async fn get_single_unread(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(params): Query<UnreadParams>,
) -> Result<Json<Envelope<SingleUnread>>, ApiError> {
    let kind = params.unread_type.unwrap_or(0);
    if !(0..=3).contains(&kind) {
        return Err(Code::InvalidParam.into());
    }
    let totals = state.store.unread_totals(user.mid).await?;
    let show_dustbin = params.show_dustbin == Some(1);
    Ok(vc(SingleUnread {
        follow_unread: if matches!(kind, 0 | 1) {
            totals.follow
        } else {
            0
        },
        unfollow_unread: if matches!(kind, 0 | 2) {
            totals.unfollow
        } else {
            0
        },
        dustbin_unread: if show_dustbin && matches!(kind, 0 | 3) {
            totals.dustbin
        } else {
            0
        },
        ..SingleUnread::default()
    }))
}

/// GET /session_svr/v1/session_svr/my_group_unread
///
/// Fan groups are not hosted yet, so no group message is ever unread.
async fn get_group_unread(_user: CurrentUser) -> Json<Envelope<GroupUnread>> {
    vc(GroupUnread::default())
}

#[derive(Debug, Deserialize)]
struct NewSessionsParams {
    #[serde(default)]
    begin_ts: Option<i64>,
    #[serde(default)]
    size: Option<u32>,
}

fn page_size(size: Option<u32>) -> u32 {
    match size {
        None | Some(0) => 20,
        Some(n) => n.min(100),
    }
}

fn session_list(sessions: Vec<SessionRecord>, has_more: bool, show_level: bool) -> SessionList {
    SessionList {
        session_list: (!sessions.is_empty()).then(|| sessions.iter().map(to_session).collect()),
        has_more: i64::from(has_more),
        anti_disturb_cleaning: false,
        is_address_list_empty: 0,
        system_msg: None,
        show_level,
    }
}

/// GET /session_svr/v1/session_svr/new_sessions
async fn get_new_sessions(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(params): Query<NewSessionsParams>,
) -> Result<Json<Envelope<SessionList>>, ApiError> {
    let (sessions, has_more) = state
        .store
        .sessions(
            user.mid,
            SessionQuery {
                filter: SessionFilter::All,
                order: SessionOrder::SessionTime,
                after_ts: params.begin_ts,
                before_ts: None,
                size: page_size(params.size),
            },
        )
        .await?;
    Ok(vc(session_list(sessions, has_more, false)))
}

#[derive(Debug, Deserialize)]
struct GetSessionsParams {
    session_type: i64,
    #[serde(default)]
    begin_ts: Option<i64>,
    #[serde(default)]
    end_ts: Option<i64>,
    #[serde(default)]
    size: Option<u32>,
    #[serde(default)]
    sort_rule: Option<i64>,
}

/// GET /session_svr/v1/session_svr/get_sessions
///
/// `session_type`: 1 users and system, 2 users you do not follow, 3 fan
/// groups, 4 everything, 5 intercepted, 6 business deals, 7 system, 8
/// strangers, 9 followed users and system. sixin has no system or business
/// sessions, so 6 and 7 are always empty. The fold flags are accepted; every
/// session is listed individually.
async fn get_sessions(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(params): Query<GetSessionsParams>,
) -> Result<Json<Envelope<SessionList>>, ApiError> {
    let filter = match params.session_type {
        1 | 4 => SessionFilter::All,
        2 | 8 => SessionFilter::Unfollowed,
        3 => SessionFilter::Groups,
        5 => SessionFilter::Intercepted,
        6 | 7 => SessionFilter::Nothing,
        9 => SessionFilter::Followed,
        _ => return Err(Code::InvalidParam.into()),
    };
    let order = match (params.session_type, params.sort_rule) {
        (4 | 7, _) => SessionOrder::SessionTime,
        (_, Some(3)) => SessionOrder::AckTime,
        _ => SessionOrder::SessionTime,
    };
    let (sessions, has_more) = state
        .store
        .sessions(
            user.mid,
            SessionQuery {
                filter,
                order,
                after_ts: params.begin_ts.filter(|&t| t > 0),
                before_ts: params.end_ts.filter(|&t| t > 0),
                size: page_size(params.size),
            },
        )
        .await?;
    Ok(vc(session_list(sessions, has_more, true)))
}

#[derive(Debug, Deserialize)]
struct TalkerParams {
    talker_id: u64,
    session_type: i64,
}

/// The talker of a user session; fan groups (type 2) are not hosted yet.
fn user_talker(talker_id: u64, session_type: i64) -> Result<Option<Mid>, ApiError> {
    match session_type {
        1 => Ok(Mid::new(talker_id)),
        2 => Ok(None),
        _ => Err(ApiError::bad_request(format!(
            "session_type {session_type}"
        ))),
    }
}

/// GET /session_svr/v1/session_svr/session_detail
async fn get_session_detail(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(params): Query<TalkerParams>,
) -> Result<Json<Envelope<Session>>, ApiError> {
    let Some(talker) = user_talker(params.talker_id, params.session_type)? else {
        return Err(Code::SessionNotFound.into());
    };
    let session = state
        .store
        .session(user.mid, talker)
        .await?
        .ok_or(ApiError::Code(Code::SessionNotFound))?;
    Ok(vc(to_session(&session)))
}

#[derive(Debug, Deserialize)]
struct HistoryParams {
    talker_id: u64,
    session_type: i64,
    #[serde(default)]
    size: Option<u32>,
    #[serde(default)]
    begin_seqno: Option<u64>,
    #[serde(default)]
    end_seqno: Option<u64>,
}

/// GET /svr_sync/v1/svr_sync/fetch_session_msgs
///
/// Newest first, `begin_seqno` and `end_seqno` both exclusive; does not mark
/// anything read. Recalled messages are still returned, with `msg_status` 1.
async fn fetch_session_msgs(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(params): Query<HistoryParams>,
) -> Result<Json<Envelope<History>>, ApiError> {
    let size = match params.size {
        None | Some(0) => 20,
        Some(n) => n.min(200),
    };
    let (messages, has_more) = match user_talker(params.talker_id, params.session_type)? {
        Some(talker) => {
            state
                .store
                .history(
                    user.mid,
                    talker,
                    HistoryQuery {
                        // Clients send 0 for "no bound".
                        after: params.begin_seqno.filter(|&s| s > 0),
                        before: params.end_seqno.filter(|&s| s > 0),
                        size,
                    },
                )
                .await?
        }
        None => (Vec::new(), false),
    };
    let catalogue = state.messages.catalogue(state.store.as_ref()).await?;
    let texts: Vec<String> = messages.iter().filter_map(text_of).collect();
    let e_infos = content::e_infos(
        texts.iter().map(String::as_str),
        &catalogue.emotes,
        &state.public_url,
    );
    Ok(vc(History {
        min_seqno: messages.last().map_or(EMPTY_MIN_SEQNO, |m| m.seqno),
        max_seqno: messages.first().map_or(0, |m| m.seqno),
        has_more: i64::from(has_more),
        messages: (!messages.is_empty()).then(|| messages.iter().map(to_message).collect()),
        e_infos: (!e_infos.is_empty()).then_some(e_infos),
    }))
}

#[derive(Debug, Deserialize)]
struct AckForm {
    talker_id: u64,
    session_type: i64,
    #[serde(default)]
    ack_seqno: Option<u64>,
}

/// POST /session_svr/v1/session_svr/update_ack
async fn update_ack(
    State(state): State<AppState>,
    CsrfForm { user, form }: CsrfForm<AckForm>,
) -> Result<Json<Envelope<serde_json::Value>>, ApiError> {
    if let Some(talker) = user_talker(form.talker_id, form.session_type)? {
        state
            .store
            .ack(user.mid, talker, form.ack_seqno, now_us())
            .await?;
    }
    Ok(vc(empty_object()))
}

#[derive(Debug, Deserialize)]
struct TopForm {
    talker_id: u64,
    session_type: i64,
    op_type: i64,
}

async fn change_session(
    state: &AppState,
    user: &CurrentUser,
    talker_id: u64,
    session_type: i64,
    change: SessionChange,
) -> Result<Json<Envelope<serde_json::Value>>, ApiError> {
    match user_talker(talker_id, session_type)? {
        Some(talker) if talker != user.mid => {
            state.store.change_session(user.mid, talker, change).await?
        }
        _ => return Err(ApiError::bad_request("no such session")),
    }
    Ok(vc(empty_object()))
}

/// POST /session_svr/v1/session_svr/set_top (`op_type` 0 pin, 1 unpin)
async fn set_top(
    State(state): State<AppState>,
    CsrfForm { user, form }: CsrfForm<TopForm>,
) -> Result<Json<Envelope<serde_json::Value>>, ApiError> {
    let top_ts = match form.op_type {
        0 => now_us(),
        1 => 0,
        other => return Err(ApiError::bad_request(format!("op_type {other}"))),
    };
    change_session(
        &state,
        &user,
        form.talker_id,
        form.session_type,
        SessionChange::Top(top_ts),
    )
    .await
}

/// POST /session_svr/v1/session_svr/remove_session
///
/// Hides the session (and marks it read) until the next message; the
/// history is kept.
async fn remove_session(
    State(state): State<AppState>,
    CsrfForm { user, form }: CsrfForm<TalkerParams>,
) -> Result<Json<Envelope<serde_json::Value>>, ApiError> {
    change_session(
        &state,
        &user,
        form.talker_id,
        form.session_type,
        SessionChange::Remove,
    )
    .await
}

#[derive(Debug, Deserialize)]
struct InterceptForm {
    talker_id: u64,
    status: i64,
}

/// POST /session_svr/v1/session_svr/update_intercept (`status` 1 intercept, 0 trust)
async fn update_intercept(
    State(state): State<AppState>,
    CsrfForm { user, form }: CsrfForm<InterceptForm>,
) -> Result<Json<Envelope<serde_json::Value>>, ApiError> {
    let on = match form.status {
        0 => false,
        1 => true,
        other => return Err(ApiError::bad_request(format!("status {other}"))),
    };
    change_session(
        &state,
        &user,
        form.talker_id,
        1,
        SessionChange::Intercept(on),
    )
    .await
}

#[derive(Debug, Deserialize)]
struct NoFields {}

/// POST /session_svr/v1/session_svr/batch_update_dustbin_ack
async fn ack_dustbin(
    State(state): State<AppState>,
    CsrfForm { user, .. }: CsrfForm<NoFields>,
) -> Result<Json<Envelope<serde_json::Value>>, ApiError> {
    state.store.ack_dustbin(user.mid, now_us()).await?;
    Ok(vc(empty_object()))
}

/// POST /session_svr/v1/session_svr/batch_rm_dustbin
async fn clear_dustbin(
    State(state): State<AppState>,
    CsrfForm { user, .. }: CsrfForm<NoFields>,
) -> Result<Json<Envelope<serde_json::Value>>, ApiError> {
    state.store.clear_dustbin(user.mid).await?;
    Ok(vc(empty_object()))
}

#[derive(Debug, Deserialize)]
struct SendForm {
    #[serde(rename = "msg[sender_uid]")]
    sender_uid: u64,
    #[serde(rename = "msg[receiver_id]")]
    receiver_id: u64,
    #[serde(rename = "msg[receiver_type]")]
    receiver_type: i64,
    #[serde(rename = "msg[msg_type]")]
    msg_type: i64,
    #[serde(rename = "msg[msg_status]", default)]
    msg_status: Option<i64>,
    #[serde(rename = "msg[dev_id]", default)]
    dev_id: Option<String>,
    #[serde(rename = "msg[timestamp]", default)]
    timestamp: Option<i64>,
    #[serde(rename = "msg[new_face_version]", default)]
    new_face_version: Option<i64>,
    #[serde(rename = "msg[content]")]
    content: String,
    #[serde(default)]
    mobi_app: Option<String>,
    #[serde(default)]
    platform: Option<String>,
}

/// Identifies a send for retry detection: everything the client chose.
fn fingerprint(form: &SendForm) -> Option<[u8; 32]> {
    let dev_id = form.dev_id.as_deref().filter(|d| !d.is_empty())?;
    let mut hash = Sha256::new();
    for part in [
        form.receiver_type.to_string(),
        form.receiver_id.to_string(),
        dev_id.to_owned(),
        form.timestamp.unwrap_or_default().to_string(),
        form.msg_type.to_string(),
    ] {
        hash.update(part.as_bytes());
        hash.update([0]);
    }
    hash.update(form.content.as_bytes());
    Some(hash.finalize().into())
}

/// `//host[:port]/path` of an http(s) or protocol-relative URL.
fn without_scheme(url: &str) -> Option<&str> {
    let rest = url
        .strip_prefix("https:")
        .or_else(|| url.strip_prefix("http:"))
        .unwrap_or(url);
    rest.starts_with("//").then_some(rest)
}

/// Whether `url` is an image this server hosts: an upload's address under
/// the public URL's host, whichever scheme the client wrote.
async fn is_hosted_image(state: &AppState, url: &str) -> Result<bool, ApiError> {
    let (Some(ours), Some(theirs)) = (without_scheme(&state.public_url), without_scheme(url))
    else {
        return Ok(false);
    };
    let Some(name) = theirs
        .strip_prefix(ours)
        .and_then(|path| path.strip_prefix(upload::IMAGE_PATH))
    else {
        return Ok(false);
    };
    if !upload::valid_name(name) {
        return Ok(false);
    }
    Ok(state.store.upload(name.to_owned()).await?.is_some())
}

/// Applies the per-user send rate limit: 21020 for bursts, 21046 (and a
/// 24-hour stop) after sustained abuse.
async fn check_rate(state: &AppState, mid: Mid) -> Result<(), ApiError> {
    let now = now_us() / 1_000_000;
    if state.store.send_ban(mid, now).await?.is_some() {
        return Err(Code::SendBanned24h.into());
    }
    let config = &state.config;
    let limits = RateLimits {
        burst: config.send_burst,
        window_secs: config.send_burst_secs as i64,
        ban_strikes: config.send_ban_strikes,
    };
    match state.messages.check_rate(mid, now, limits) {
        RateDecision::Allowed => Ok(()),
        RateDecision::TooFast => Err(Code::SendTooFast.into()),
        RateDecision::Ban => {
            state.store.ban_sender(mid, now + 24 * 3600).await?;
            tracing::warn!(%mid, "stopped sending for 24 hours after repeated bursts");
            Err(Code::SendBanned24h.into())
        }
    }
}

fn send_limits(state: &AppState) -> SendLimits {
    SendLimits {
        recall_window_us: state.config.recall_window_secs.saturating_mul(1_000_000) as i64,
        retry_window_secs: state.config.retry_window_secs as i64,
    }
}

/// POST /web_im/v1/web_im/send_msg
async fn send_msg(
    State(state): State<AppState>,
    CsrfForm { user, form }: CsrfForm<SendForm>,
) -> Result<Json<Envelope<SendResult>>, ApiError> {
    if form.sender_uid != user.mid.get() {
        return Err(ApiError::bad_request("msg[sender_uid] is not the caller"));
    }
    if form.msg_status.is_some_and(|s| s != 0) {
        return Err(ApiError::bad_request("msg[msg_status] must be 0"));
    }
    if form.receiver_type != 1 {
        // Fan groups are not hosted yet: there is no group to send to.
        return Err(ApiError::bad_request(format!(
            "receiver_type {}",
            form.receiver_type
        )));
    }
    let receiver =
        Mid::new(form.receiver_id).ok_or_else(|| ApiError::bad_request("receiver_id"))?;
    if receiver == user.mid {
        return Err(Code::SendToSelf.into());
    }
    let face_version = form.new_face_version.unwrap_or(0);
    let parsed = content::parse(
        form.msg_type,
        &form.content,
        state.config.max_msg_bytes,
        face_version,
    )?;
    if let Content::Image { url, .. } = &parsed {
        if !is_hosted_image(&state, url).await? {
            return Err(Code::ImageInvalid.into());
        }
    }
    let recall_target = match &parsed {
        Content::Recall { target, .. } => Some(*target),
        _ => None,
    };
    let fingerprint = fingerprint(&form);
    let limits = send_limits(&state);
    let now = now_us();
    // A retry answers the first key before any limit is counted.
    let earlier = match fingerprint {
        Some(fp) => {
            let since = now / 1_000_000 - limits.retry_window_secs;
            state.store.find_retry(user.mid, fp, since).await?
        }
        None => None,
    };
    let sent: Sent = match earlier {
        Some(sent) => sent,
        None => {
            check_rate(&state, user.mid).await?;
            send_new(
                &state,
                &user,
                receiver,
                &form,
                &parsed,
                recall_target,
                fingerprint,
                now,
                limits,
            )
            .await?
        }
    };
    respond(&state, &parsed, sent).await
}

/// Writes a new message (the store checks for a concurrent retry again).
#[allow(clippy::too_many_arguments)]
async fn send_new(
    state: &AppState,
    user: &CurrentUser,
    receiver: Mid,
    form: &SendForm,
    parsed: &Content,
    recall_target: Option<u64>,
    fingerprint: Option<[u8; 32]>,
    now: i64,
    limits: SendLimits,
) -> Result<Sent, ApiError> {
    Ok(state
        .store
        .send_message(Outgoing {
            origin: Origin::User,
            sender: user.mid,
            receiver,
            msg_type: form.msg_type,
            content: parsed.json().to_owned(),
            // Old emoji names were converted, so what is stored is new-style;
            // recalls carry no emoji version, as in the documents' examples.
            new_face_version: (recall_target.is_none()).then_some(1),
            msg_source: content::msg_source(form.mobi_app.as_deref().or(form.platform.as_deref())),
            recall_target,
            fingerprint,
            now_us: now,
            limits,
        })
        .await?)
}

/// The `data` of a successful send.
async fn respond(
    state: &AppState,
    parsed: &Content,
    sent: Sent,
) -> Result<Json<Envelope<SendResult>>, ApiError> {
    let mut result = SendResult {
        msg_key: sent.msg_key,
        e_infos: None,
        msg_content: None,
        key_hit_infos: None,
    };
    if let Content::Text { json, text } = parsed {
        let catalogue = state.messages.catalogue(state.store.as_ref()).await?;
        let e_infos: Vec<EInfo> =
            content::e_infos([text.as_str()], &catalogue.emotes, &state.public_url);
        result.e_infos = (!e_infos.is_empty()).then_some(e_infos);
        result.msg_content = Some(json.clone());
        result.key_hit_infos = Some(content::key_hits(text, &catalogue.rules));
    }
    Ok(Json(Envelope::ok(result)))
}

/// Sends an automatic message from `sender` to `receiver` (the mutual-follow
/// greeting), bypassing the rules that only apply to what users type.
pub async fn send_automatic(
    state: &AppState,
    sender: Mid,
    receiver: Mid,
    content: &str,
    msg_source: i64,
) -> Result<Sent, ApiError> {
    Ok(state
        .store
        .send_message(Outgoing {
            origin: Origin::Automatic,
            sender,
            receiver,
            msg_type: content::TEXT,
            content: content.to_owned(),
            new_face_version: Some(1),
            msg_source,
            recall_target: None,
            fingerprint: None,
            now_us: now_us(),
            limits: send_limits(state),
        })
        .await?)
}
