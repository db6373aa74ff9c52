//! `/x/im/auto_reply`: the automatic-reply texts and keyword rules of the
//! caller. These answer in `api.bilibili.com`'s shape (no `msg`), as the
//! documents show.

use crate::http::reply::Json;
use axum::extract::{RawQuery, State};
use sixin_api::message::auto_reply::{DelReplyTextForm, ReplyText, ReplyTexts, SetReplyTextForm};
use sixin_api::{Code, Envelope};

use super::empty_object;
use crate::domain::message::auto_reply::{ReplyWrite, KEYWORD};
use crate::domain::Refusal;
use crate::error::Error;
use crate::http::auth::{CsrfForm, CurrentUser};
use crate::http::state::AppState;

type Empty = Json<Envelope<serde_json::Value>>;

/// GET /x/im/auto_reply/get_reply_text (`type[]` may be repeated, or hold
/// several types separated by commas)
pub async fn get_reply_text(
    State(state): State<AppState>,
    user: CurrentUser,
    RawQuery(query): RawQuery,
) -> Result<Json<Envelope<ReplyTexts>>, Error> {
    let query = query.unwrap_or_default();
    let mut kinds = Vec::new();
    for (name, value) in form_urlencoded::parse(query.as_bytes()) {
        if name != "type[]" && name != "type" {
            continue;
        }
        for part in value.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            let kind = part
                .parse()
                .map_err(|_| Refusal::new(Code::InvalidParam, format!("type[] {part:?}")))?;
            kinds.push(kind);
        }
    }
    if kinds.is_empty() {
        return Err(Error::bad_request("type[] is required"));
    }
    let texts = state
        .services
        .messages
        .auto_replies(user.mid, &kinds)
        .await?;
    Ok(Json(Envelope::ok(ReplyTexts {
        texts: (!texts.is_empty()).then(|| {
            texts
                .into_iter()
                .map(|r| ReplyText {
                    id: r.id,
                    uid: r.mid.get(),
                    kind: r.kind,
                    title: r.title,
                    key1: r.key1,
                    key2: r.key2,
                    reply: r.reply,
                })
                .collect()
        }),
    })))
}

/// A parameter of `set_reply_text`, where a missing or malformed one is
/// 27011 (请求参数错误), as documented.
fn params(why: String) -> Error {
    Refusal::new(Code::ReplyParams, why).into()
}

/// POST /x/im/auto_reply/set_reply_text
pub async fn set_reply_text(
    State(state): State<AppState>,
    CsrfForm { user, form }: CsrfForm<SetReplyTextForm>,
) -> Result<Empty, Error> {
    let kind: i64 = form
        .kind
        .as_deref()
        .ok_or_else(|| params("type is required".into()))?
        .trim()
        .parse()
        .map_err(|_| params("type must be a number".into()))?;
    let reply = form
        .reply
        .ok_or_else(|| params("reply is required".into()))?;
    let id = match form.id.as_deref().map(str::trim) {
        None | Some("") | Some("0") => None,
        Some(id) if kind == KEYWORD => Some(
            id.parse::<u64>()
                .map_err(|_| params(format!("id {id:?}")))?,
        ),
        Some(_) => None,
    };
    let asked = ReplyWrite {
        id,
        kind,
        title: form.title.unwrap_or_default(),
        key1: form.key1.unwrap_or_default(),
        key2: form.key2.unwrap_or_default(),
        reply,
    };
    state
        .services
        .messages
        .set_auto_reply(user.mid, asked)
        .await?;
    Ok(Json(Envelope::ok(empty_object())))
}

/// POST /x/im/auto_reply/del_reply_text
pub async fn del_reply_text(
    State(state): State<AppState>,
    CsrfForm { user, form }: CsrfForm<DelReplyTextForm>,
) -> Result<Empty, Error> {
    let id: u64 = form
        .id
        .trim()
        .parse()
        .map_err(|_| Error::bad_request(format!("id must be a rule id, not {:?}", form.id)))?;
    state
        .services
        .messages
        .delete_auto_reply(user.mid, id)
        .await?;
    Ok(Json(Envelope::ok(empty_object())))
}
