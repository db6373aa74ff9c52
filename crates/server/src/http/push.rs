//! `GET /sixin/v1/events`: realtime push over a WebSocket (sixin's own;
//! Bilibili's clients poll). Authenticated by the session cookie, checked
//! against the page's `Origin`, fed by `crate::push::Hub`; the frames are
//! `sixin_api::push`'s.
//!
//! WebSocket rather than server-sent events: typing indicators and pings
//! go the other way on the same connection, and browsers cap server-sent
//! event streams at six per host over HTTP/1.1, which tabs would exhaust.

use std::time::{Duration, Instant};

use axum::extract::ws::rejection::WebSocketUpgradeRejection;
use axum::extract::ws::{CloseFrame, Message, WebSocket, WebSocketUpgrade};
use axum::extract::State;
use axum::http::{header, HeaderMap};
use axum::response::Response;
use sixin_api::message::msg_type;
use sixin_api::push::{ClientFrame, EventsQuery, ServerFrame};
use sixin_api::Code;

use super::auth::CurrentUser;
use super::error::Shape;
use super::extract::Query;
use super::messages::view;
use super::routes::{Auth, Doc, Routes};
use super::state::AppState;
use crate::domain::{Mid, Refusal};
use crate::error::Error;
use crate::push::{Next, Notice, Pushed, Refused, Subscription};

/// Path of the push WebSocket.
pub const EVENTS_PATH: &str = "/sixin/v1/events";

/// Close code of a connection that fell behind (resume with the last id).
pub const CLOSE_LAGGED: u16 = 4008;
/// Close code of a connection whose login ended.
pub const CLOSE_LOGGED_OUT: u16 = 4001;
/// Close code of a connection that stopped answering pings.
const CLOSE_GOING_AWAY: u16 = 1001;
/// Largest frame a client may send.
const MAX_CLIENT_FRAME: usize = 4096;
/// Bytes read from a push socket at a time. tungstenite's default (128 KiB,
/// allocated up front) made an idle connection cost 131 kB; clients only send
/// pings and small frames, so one frame's worth is enough. Writes go out as
/// they are made (no write buffer): frames are sent one at a time anyway.
const READ_BUFFER: usize = MAX_CLIENT_FRAME;
/// How often the login behind a connection is checked again.
const REAUTHENTICATE_EVERY: Duration = Duration::from_secs(300);
/// Least time between two typing frames a connection passes on to one
/// talker, and to anyone.
const TYPING_EVERY: Duration = Duration::from_secs(2);
const TYPING_ANY_EVERY: Duration = Duration::from_millis(500);

const DESCRIPTION: &str = "\
A WebSocket (send the `SESSDATA` cookie with the upgrade request; a browser \
page must come from this server's origin, `--public-url`'s, or one of \
`--push-allowed-origins`). The first frame is `hello`; after it, one frame \
per event that concerns you: a message stored or recalled in one of your \
sessions (a fan group's too: `session_type` 2), a session read or changed \
on any of your devices, your message settings changed, a relation change \
you can see, someone typing to you. Reconnect with `last_event_id` \
set to the last `id` you saw to resume; `hello.resumed` false means re-sync \
over HTTP. Send `{\"type\":\"ping\"}` for a `pong`, \
`{\"type\":\"typing\",\"talker_id\":N}` while typing. The server pings every \
`--push-heartbeat-secs`; it closes with 4008 after a `lagged` frame (you were \
too slow; reconnect and resume), 4001 when the login ended, 1001 at shutdown. \
Refusals come before the upgrade, as the envelope: -101 no login, -403 \
another origin, -400 not an upgrade request, -799 too many connections (per \
user: `--push-max-per-user`).";

pub fn router() -> Routes {
    Routes::new(Shape::Plain).get(
        EVENTS_PATH,
        open_events,
        Doc::new("Realtime events of the caller (WebSocket)")
            .describe(DESCRIPTION)
            .auth(Auth::Login)
            .query::<EventsQuery>()
            .websocket::<ServerFrame>()
            .codes(&[Code::Forbidden, Code::TooFrequent]),
    )
}

/// GET /sixin/v1/events
async fn open_events(
    State(state): State<AppState>,
    user: CurrentUser,
    headers: HeaderMap,
    Query(query): Query<EventsQuery>,
    upgrade: Result<WebSocketUpgrade, WebSocketUpgradeRejection>,
) -> Result<Response, Error> {
    if !origin_allowed(&state, &headers) {
        return Err(Refusal::new(
            Code::Forbidden,
            "the page's origin may not open the push socket",
        )
        .into());
    }
    let upgrade = upgrade
        .map_err(|_| Error::bad_request("this endpoint takes a WebSocket upgrade request"))?;
    let subscription = state
        .services
        .push
        .connect(user.mid, query.last_event_id.as_deref())
        .await
        .map_err(Refusal::from)?;
    Ok(upgrade
        .max_message_size(MAX_CLIENT_FRAME)
        .read_buffer_size(READ_BUFFER)
        .write_buffer_size(0)
        .on_upgrade(move |socket| serve(socket, subscription, state, user)))
}

/// Whether the page that opens the socket (its `Origin`; none from
/// clients that are not browsers) may: this server's own origin (by
/// `--public-url`, or the host the request was sent to) or a configured one.
fn origin_allowed(state: &AppState, headers: &HeaderMap) -> bool {
    let Some(origin) = headers.get(header::ORIGIN) else {
        return true;
    };
    let Ok(origin) = origin.to_str() else {
        return false;
    };
    let origin = origin.trim_end_matches('/').to_ascii_lowercase();
    let same = |other: &str| other.trim_end_matches('/').eq_ignore_ascii_case(&origin);
    if origin_of(&state.public_url).is_some_and(same) {
        return true;
    }
    if let Some(host) = headers.get(header::HOST).and_then(|h| h.to_str().ok()) {
        if same(&format!("http://{host}")) || same(&format!("https://{host}")) {
            return true;
        }
    }
    state
        .config
        .push_allowed_origins
        .iter()
        .any(|allowed| same(allowed))
}

/// `scheme://host[:port]` of a URL.
fn origin_of(url: &str) -> Option<&str> {
    let (_, rest) = url.split_once("://")?;
    let end = rest
        .find('/')
        .map_or(url.len(), |i| url.len() - rest.len() + i);
    Some(&url[..end])
}

/// One connection: the hub's notices out, pings and typing in.
async fn serve(
    mut socket: WebSocket,
    mut subscription: Subscription,
    state: AppState,
    user: CurrentUser,
) {
    let heartbeat = Duration::from_secs(state.config.push_heartbeat_secs.max(1));
    // A frame that cannot be written in this long counts as a dead client.
    let write_timeout = heartbeat * 2;
    let hello = ServerFrame::Hello {
        id: subscription.position(),
        resumed: subscription.resumed,
    };
    if send(&mut socket, &hello, write_timeout).await.is_err() {
        return;
    }
    let mut ping = tokio::time::interval_at(tokio::time::Instant::now() + heartbeat, heartbeat);
    let mut heard = Instant::now();
    let mut authenticated = Instant::now();
    let mut typed: Option<(Mid, Instant)> = None;
    loop {
        tokio::select! {
            next = subscription.next() => match next {
                Next::Notice(pushed) => {
                    let frame = frame(&state, &subscription, &pushed).await;
                    if send(&mut socket, &frame, write_timeout).await.is_err() {
                        return;
                    }
                }
                Next::Lagged => {
                    tracing::info!(mid = %user.mid, "push connection lagged; closing it");
                    let _ = send(&mut socket, &ServerFrame::Lagged, write_timeout).await;
                    close(&mut socket, CLOSE_LAGGED, "lagged", write_timeout).await;
                    return;
                }
                Next::Closing => {
                    close(&mut socket, CLOSE_GOING_AWAY, "server shutting down", write_timeout).await;
                    return;
                }
            },
            incoming = socket.recv() => {
                let Some(Ok(message)) = incoming else { return };
                heard = Instant::now();
                match message {
                    Message::Text(text) => match serde_json::from_str::<ClientFrame>(text.as_str()) {
                        Ok(ClientFrame::Ping) => {
                            if send(&mut socket, &ServerFrame::Pong, write_timeout).await.is_err() {
                                return;
                            }
                        }
                        Ok(ClientFrame::Typing { talker_id }) => {
                            typing(&state, user.mid, talker_id, &mut typed).await;
                        }
                        Err(err) => tracing::debug!(%err, "unreadable push frame ignored"),
                    },
                    Message::Close(_) => return,
                    Message::Binary(_) | Message::Ping(_) | Message::Pong(_) => {}
                }
            },
            _ = ping.tick() => {
                if heard.elapsed() > heartbeat * 2 {
                    tracing::debug!(mid = %user.mid, "push connection stopped answering");
                    return;
                }
                if authenticated.elapsed() >= REAUTHENTICATE_EVERY {
                    authenticated = Instant::now();
                    let still = state.services.accounts.authenticate(&user.token).await;
                    if !matches!(still, Ok(Some(mid)) if mid == user.mid) {
                        close(&mut socket, CLOSE_LOGGED_OUT, "logged out", write_timeout).await;
                        return;
                    }
                }
                let ping = socket.send(Message::Ping(Default::default()));
                if !matches!(tokio::time::timeout(write_timeout, ping).await, Ok(Ok(()))) {
                    return;
                }
            },
        }
    }
}

/// Passes a typing frame on, at most one per [`TYPING_EVERY`] to one
/// talker and one per [`TYPING_ANY_EVERY`] in all (each costs a read).
async fn typing(state: &AppState, from: Mid, talker_id: u64, last: &mut Option<(Mid, Instant)>) {
    let Ok(to) = Mid::try_from(talker_id) else {
        return;
    };
    if last.is_some_and(|(talker, at)| {
        at.elapsed() < TYPING_ANY_EVERY || (talker == to && at.elapsed() < TYPING_EVERY)
    }) {
        return;
    }
    *last = Some((to, Instant::now()));
    if let Err(err) = state.services.messages.typing(from, to).await {
        tracing::warn!(error = ?err, "typing not passed on");
    }
}

/// The frame of a notice, as `fetch_session_msgs` would show its message.
async fn frame(state: &AppState, subscription: &Subscription, pushed: &Pushed) -> ServerFrame {
    let id = subscription.event_id(pushed);
    match &pushed.notice {
        Notice::Message { talker, message } => {
            let e_infos = match (message.msg_type == msg_type::TEXT)
                .then(|| view::text_of(&message.content))
                .flatten()
            {
                Some(text) => match state.services.messages.catalogue().await {
                    Ok(catalogue) => {
                        view::e_infos([text.as_str()], &catalogue.emotes, &state.public_url)
                    }
                    Err(err) => {
                        tracing::warn!(error = ?err, "no emoji catalogue for a pushed message");
                        Vec::new()
                    }
                },
                None => Vec::new(),
            };
            ServerFrame::Message {
                id,
                talker_id: talker.id(),
                session_type: talker.session_type(),
                message: view::message(message.clone()),
                e_infos: (!e_infos.is_empty()).then_some(e_infos),
            }
        }
        Notice::Recall { talker, msg_key } => ServerFrame::Recall {
            id,
            talker_id: talker.id(),
            session_type: talker.session_type(),
            msg_key: msg_key.get(),
        },
        Notice::Read { talker, seqno } => ServerFrame::Read {
            id,
            talker_id: talker.id(),
            session_type: talker.session_type(),
            ack_seqno: seqno.get(),
        },
        Notice::Session { talker } => ServerFrame::Session {
            id,
            talker_id: talker.map(|t| t.id()),
            session_type: talker.map(|t| t.session_type()),
        },
        Notice::Settings { what } => ServerFrame::Settings { id, what: *what },
        Notice::Relation { with } => ServerFrame::Relation {
            id,
            mid: with.get(),
        },
        Notice::Typing { talker } => ServerFrame::Typing {
            talker_id: talker.get(),
        },
    }
}

struct Gone;

async fn send(socket: &mut WebSocket, frame: &ServerFrame, timeout: Duration) -> Result<(), Gone> {
    let text = serde_json::to_string(frame).map_err(|_| Gone)?;
    match tokio::time::timeout(timeout, socket.send(Message::Text(text.into()))).await {
        Ok(Ok(())) => Ok(()),
        _ => Err(Gone),
    }
}

/// How long a closing connection waits for the client's close.
const CLOSE_HANDSHAKE: Duration = Duration::from_secs(2);

async fn close(socket: &mut WebSocket, code: u16, reason: &'static str, timeout: Duration) {
    let frame = Message::Close(Some(CloseFrame {
        code,
        reason: reason.into(),
    }));
    if !matches!(
        tokio::time::timeout(timeout, socket.send(frame)).await,
        Ok(Ok(()))
    ) {
        return;
    }
    // The closing handshake: wait (bounded) for the client's own close
    // before dropping the socket. Dropped at once, a client whose reply
    // reaches a closed socket gets a reset instead of the close frame.
    let _ = tokio::time::timeout(timeout.min(CLOSE_HANDSHAKE), async {
        while let Some(Ok(message)) = socket.recv().await {
            if matches!(message, Message::Close(_)) {
                break;
            }
        }
    })
    .await;
}

impl From<Refused> for Refusal {
    fn from(refused: Refused) -> Refusal {
        Refusal::new(Code::TooFrequent, refused.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::origin_of;

    #[test]
    fn origins_are_scheme_host_and_port() {
        assert_eq!(
            origin_of("https://chat.example.com/app"),
            Some("https://chat.example.com")
        );
        assert_eq!(
            origin_of("http://127.0.0.1:8080"),
            Some("http://127.0.0.1:8080")
        );
        assert_eq!(origin_of("nonsense"), None);
    }
}
