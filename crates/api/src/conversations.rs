//! sixin's own conversation endpoints (`/sixin/v1/...`), beyond what
//! Bilibili's clients call: searching one's own conversations and marking
//! every session read at once.

use serde::{Deserialize, Serialize};

use crate::message::{EInfo, Message};

/// The query of `GET /sixin/v1/messages/search`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema, utoipa::IntoParams))]
pub struct SearchMessagesQuery {
    /// Text the message contains (1 to 64 characters; letters of the Latin
    /// alphabet in either case).
    pub keyword: String,
    /// Only messages older than this one: the `msg_key` of the last
    /// message of the page before.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub before_key: Option<u64>,
    /// Messages per page, 1 to 50 (default 20).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub size: Option<u64>,
}

/// A message found, with the session it is in.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FoundMessage {
    /// The other side of the conversation, or the fan group.
    pub talker_id: u64,
    /// 1 a user, 2 a fan group.
    pub session_type: i64,
    /// As `fetch_session_msgs` returns it.
    pub message: Message,
}

/// `data` of `GET /sixin/v1/messages/search`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FoundMessages {
    /// Newest first; `[]` when none.
    pub messages: Vec<FoundMessage>,
    /// Whether older ones follow (ask again with `before_key`).
    pub has_more: bool,
    /// The emoji the texts use, absent when none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub e_infos: Option<Vec<EInfo>>,
}

/// `data` of `POST /sixin/v1/sessions/read_all`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReadAll {
    /// How many sessions had unread messages and are now read.
    pub sessions: u64,
}
