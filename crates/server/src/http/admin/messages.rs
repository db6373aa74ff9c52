//! Deliveries and moderation through the admin API: push any documented
//! message type to users, follow a delivery's progress, withdraw a message.

use crate::http::reply::Json;
use axum::extract::{Path, State};
use sixin_api::admin::{PushJobEntry, PushMessage, Receivers, Withdrawn};
use sixin_api::{Code, Envelope};

use crate::domain::{Mid, MsgKey};
use crate::error::Error;
use crate::http::auth::Admin;
use crate::http::error::Shape;
use crate::http::extract;
use crate::http::routes::{Auth, Doc, Routes};
use crate::http::state::AppState;
use crate::service::pushes::PushRequest;
use crate::store::pushes::PushJob;

pub(super) fn router() -> Routes {
    use Code::*;
    let admin = |summary| Doc::new(summary).auth(Auth::Admin);
    Routes::new(Shape::Plain)
        .post(
            "/admin/v1/messages",
            push_message,
            admin("Deliver a message of any documented type to users, or to everyone")
                .describe(
                    "`receivers` is a list of mids or `\"all\"`. `content` (JSON text, kept \
                     byte for byte, or an object) must be the documented content of \
                     `msg_type`. Deliveries to more than 200 users run in the background: \
                     follow them with `GET /admin/v1/messages/{job}`.",
                )
                .json::<PushMessage>()
                .data::<PushJobEntry>()
                .codes(&[UserNotFound]),
        )
        .get(
            "/admin/v1/messages/{job}",
            get_job,
            admin("A delivery and its progress")
                .path_param("job", "The delivery's job id")
                .data::<PushJobEntry>()
                .codes(&[NotFound]),
        )
        .post(
            "/admin/v1/messages/{msg_key}/withdraw",
            withdraw,
            admin("Recall a message for the system (msg_status 2, hidden from both sides)")
                .describe(
                    "In a user session the documents' system recall takes its place: a \
                     message in the sender's name received as `msg_type` 5 with \
                     `sys_cancel: true`, its content the withdrawn `msg_key`, unread by \
                     nobody. A system recall itself cannot be withdrawn (-400).",
                )
                .path_param("msg_key", "The message's key")
                .data::<Withdrawn>()
                .codes(&[NotFound, BadRequest]),
        )
}

fn entry(job: PushJob) -> PushJobEntry {
    PushJobEntry {
        job: job.id,
        sender: job.sender.get(),
        msg_type: job.msg_type,
        msg_source: job.msg_source,
        receivers: if job.to_everyone { "all" } else { "list" }.to_owned(),
        total: job.total,
        delivered: job.delivered,
        skipped: job.skipped,
        state: if job.finished_at.is_some() {
            "done"
        } else {
            "running"
        }
        .to_owned(),
        msg_key: job.first_key.map(MsgKey::get),
        created_at: job.created_at.div_euclid(1_000_000),
        finished_at: job.finished_at.map(|t| t.div_euclid(1_000_000)),
    }
}

/// POST /admin/v1/messages
async fn push_message(
    State(state): State<AppState>,
    _: Admin,
    extract::Json(body): extract::Json<PushMessage>,
) -> Result<Json<Envelope<PushJobEntry>>, Error> {
    let sender = Mid::new(body.sender).ok_or_else(|| Error::bad_request("sender must be a mid"))?;
    let receivers = match body.receivers {
        Receivers::Everyone(_) => None,
        Receivers::List(mids) => Some(
            mids.iter()
                .map(|&m| {
                    Mid::new(m)
                        .ok_or_else(|| Error::bad_request(format!("receivers: {m} is not a mid")))
                })
                .collect::<Result<Vec<_>, _>>()?,
        ),
    };
    let content = match body.content {
        serde_json::Value::String(text) => text,
        serde_json::Value::Object(map) => serde_json::Value::Object(map).to_string(),
        _ => {
            return Err(Error::bad_request(
                "content must be the content object, or JSON text of it",
            ))
        }
    };
    let request = PushRequest {
        sender,
        receivers,
        msg_type: body.msg_type,
        content,
        msg_source: body.msg_source,
        notify_code: body.notify_code.unwrap_or_default(),
    };
    let job = state.services.pushes.start(request).await?;
    Ok(Json(Envelope::ok(entry(job))))
}

/// GET /admin/v1/messages/{job}
async fn get_job(
    State(state): State<AppState>,
    _: Admin,
    Path(job): Path<String>,
) -> Result<Json<Envelope<PushJobEntry>>, Error> {
    let id: u64 = job
        .trim()
        .parse()
        .map_err(|_| Error::bad_request(format!("job must be a job id, not {job:?}")))?;
    let job = state
        .services
        .pushes
        .job(id)
        .await?
        .ok_or(Error::from(Code::NotFound))?;
    Ok(Json(Envelope::ok(entry(job))))
}

/// POST /admin/v1/messages/{msg_key}/withdraw
async fn withdraw(
    State(state): State<AppState>,
    _: Admin,
    Path(msg_key): Path<String>,
) -> Result<Json<Envelope<Withdrawn>>, Error> {
    let key: u64 = msg_key.trim().parse().map_err(|_| {
        Error::bad_request(format!("msg_key must be a message key, not {msg_key:?}"))
    })?;
    let message = state.services.pushes.withdraw(MsgKey(key)).await?;
    Ok(Json(Envelope::ok(Withdrawn {
        msg_key: message.msg_key.get(),
        msg_status: 2,
    })))
}
