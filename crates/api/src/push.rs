//! Realtime push: the frames of the WebSocket at `/sixin/v1/events`
//! (sixin's own; Bilibili's clients poll).
//!
//! Every frame is one JSON object in a text frame, tagged by `type`. Frames
//! that report something that happened carry an `id`; a client that
//! reconnects with the last `id` it saw as `last_event_id` resumes after
//! it, or is told (`hello` with `resumed: false`) to re-sync over HTTP.

use serde::{Deserialize, Serialize};

use crate::message::{EInfo, Message};

/// A frame the server sends.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ServerFrame {
    /// The first frame of every connection. `id` is the position to resume
    /// from if nothing else arrives. `resumed`: every event since the
    /// `last_event_id` asked for follows; `false`: some may be missing (no
    /// `last_event_id`, an unknown one, or one too old; the nodes of one
    /// server (`--nats-url`) all know each other's ids), so re-fetch what is on screen (`new_sessions`, `fetch_session_msgs`
    /// after the newest seqno shown) and then rely on the events.
    Hello { id: String, resumed: bool },
    /// A message was stored in one of your sessions, as
    /// `fetch_session_msgs` returns it (a recall is a message too:
    /// `msg_type` 5 whose content is the recalled `msg_key`, followed by a
    /// `recall` frame). `e_infos`: the emoji its text uses, absent when none.
    Message {
        id: String,
        talker_id: u64,
        session_type: i64,
        message: Message,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        e_infos: Option<Vec<EInfo>>,
    },
    /// Message `msg_key` of the session with `talker_id` was recalled.
    Recall {
        id: String,
        talker_id: u64,
        session_type: i64,
        msg_key: u64,
    },
    /// You read the session with `talker_id` (a user, or with
    /// `session_type` 2 a fan group) up to `ack_seqno` (on any device).
    Read {
        id: String,
        talker_id: u64,
        session_type: i64,
        ack_seqno: u64,
    },
    /// You changed the session with `talker_id` (pinned, do not disturb,
    /// intercepted, removed): fetch it again (`session_detail`). Without
    /// `talker_id`, several sessions changed at once (the intercepted
    /// folder was read or cleared).
    Session {
        id: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        talker_id: Option<u64>,
        /// 1 a user, 2 a fan group; absent with `talker_id`.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        session_type: Option<i64>,
    },
    /// You changed your message settings on some device: fetch `what`
    /// again (`message_settings`: `link_setting/get`; `block_words`:
    /// `get_block_words`; `auto_replies`: `/x/im/auto_reply`). Do not
    /// disturb and pins are sessions' (`session`).
    Settings { id: String, what: SettingsPart },
    /// Your relation with `mid`, or theirs with you as you can see it,
    /// changed: fetch it again (`/x/relation`, `/x/space/wbi/acc/relation`).
    Relation { id: String, mid: u64 },
    /// `talker_id` is typing to you (no `id`: not resumed).
    Typing { talker_id: u64 },
    /// You fell too far behind: the connection closes; reconnect with the
    /// last `id` you saw.
    Lagged,
    /// The answer to a `ping` frame.
    Pong,
}

/// Which of your settings a `settings` frame says changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum SettingsPart {
    /// `link_setting/set`'s preferences (`receive_unfollow_msg`, ...).
    MessageSettings,
    /// The message block words.
    BlockWords,
    /// The automatic replies.
    AutoReplies,
}

/// A frame the client sends.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ClientFrame {
    /// Answered by `pong` (browsers cannot send WebSocket pings).
    Ping,
    /// Tell `talker_id` that you are typing to them.
    Typing { talker_id: u64 },
}

/// The query of `GET /sixin/v1/events`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema, utoipa::IntoParams))]
pub struct EventsQuery {
    /// The `id` of the last frame seen, to resume after it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_event_id: Option<String>,
}

impl ServerFrame {
    /// The frame's `id`, for those that have one.
    pub fn id(&self) -> Option<&str> {
        match self {
            ServerFrame::Hello { id, .. }
            | ServerFrame::Message { id, .. }
            | ServerFrame::Recall { id, .. }
            | ServerFrame::Read { id, .. }
            | ServerFrame::Session { id, .. }
            | ServerFrame::Settings { id, .. }
            | ServerFrame::Relation { id, .. } => Some(id),
            ServerFrame::Typing { .. } | ServerFrame::Lagged | ServerFrame::Pong => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frames_are_tagged_by_type() {
        let frame = ServerFrame::Read {
            id: "ab:3".into(),
            talker_id: 7,
            session_type: 1,
            ack_seqno: 12,
        };
        assert_eq!(
            serde_json::to_string(&frame).unwrap(),
            r#"{"type":"read","id":"ab:3","talker_id":7,"session_type":1,"ack_seqno":12}"#
        );
        let settings = ServerFrame::Settings {
            id: "ab:4".into(),
            what: SettingsPart::BlockWords,
        };
        assert_eq!(
            serde_json::to_string(&settings).unwrap(),
            r#"{"type":"settings","id":"ab:4","what":"block_words"}"#
        );
        assert_eq!(
            serde_json::to_string(&ServerFrame::Lagged).unwrap(),
            r#"{"type":"lagged"}"#
        );
        assert_eq!(
            serde_json::from_str::<ClientFrame>(r#"{"type":"typing","talker_id":9}"#).unwrap(),
            ClientFrame::Typing { talker_id: 9 }
        );
    }
}
