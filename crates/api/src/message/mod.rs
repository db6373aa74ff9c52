//! Wire types of the private-message family (`session_svr`, `svr_sync`,
//! `web_im`, `link_setting`) and the image upload clients use for it.

use serde::{Deserialize, Serialize};

pub mod auto_reply;
pub mod request;
mod system;

pub use system::{
    BlockWord, BlockWords, CreateGroupIcon, FeedUnread, GameMsg, OldUpAssistantDoor, SessionConfig,
    SysSetting, MAX_BLOCK_WORDS, MAX_BLOCK_WORD_CHARS,
};

/// `msg_type` values (私信消息类型).
pub mod msg_type {
    /// Text: `{"content": "..."}`.
    pub const TEXT: i64 = 1;
    /// Image: `{"url": ..., "width": ..., ...}`.
    pub const IMAGE: i64 = 2;
    /// Recall of an earlier message; the content is its msg_key.
    pub const RECALL: i64 = 5;
    /// Custom emoji (an image's content).
    pub const CUSTOM_EMOTE: i64 = 6;
    /// Share of a video, article, ...
    pub const SHARE: i64 = 7;
    /// Mini program (receive only).
    pub const MINI_PROGRAM: i64 = 9;
    /// Notification card (receive only).
    pub const NOTIFICATION: i64 = 10;
    /// Video push (receive only).
    pub const VIDEO_PUSH: i64 = 11;
    /// Article push (receive only).
    pub const ARTICLE_PUSH: i64 = 12;
    /// Picture card (receive only).
    pub const PICTURE_CARD: i64 = 13;
    /// Automatic push on being followed (receive only).
    pub const FOLLOWED_PUSH: i64 = 16;
    /// System tip shown to one side only (receive only).
    pub const SYSTEM_TIP: i64 = 18;
    /// Share of something else, such as a live room.
    pub const SHARE_OTHER: i64 = 14;
    /// Deprecated system recall (received as 5 with `sys_cancel`).
    pub const SYSTEM_RECALL: i64 = 8;
    /// AI message (receive only).
    pub const AI: i64 = 19;
    /// Fan group: a member joined (older form).
    pub const GROUP_MEMBER_JOINED: i64 = 301;
    /// Fan group: a member left.
    pub const GROUP_MEMBER_LEFT: i64 = 302;
    /// Fan group: frozen.
    pub const GROUP_FROZEN: i64 = 303;
    /// Fan group: dissolved.
    pub const GROUP_DISSOLVED: i64 = 304;
    /// Fan group: opened.
    pub const GROUP_OPENED: i64 = 305;
    /// Fan group: a member joined ("欢迎xxx入群").
    pub const GROUP_MEMBER_WELCOME: i64 = 306;
}

/// `msg_source` values (消息来源).
pub mod msg_source {
    pub const UNKNOWN: i64 = 0;
    pub const IOS: i64 = 1;
    pub const ANDROID: i64 = 2;
    pub const H5: i64 = 3;
    pub const PC_CLIENT: i64 = 4;
    /// Official push to many users.
    pub const OFFICIAL_PUSH: i64 = 5;
    /// Automatic push or send.
    pub const AUTOMATIC_PUSH: i64 = 6;
    pub const WEB: i64 = 7;
    /// Automatic reply on being followed.
    pub const REPLY_FOLLOWED: i64 = 8;
    /// Automatic reply on receiving a message.
    pub const REPLY_RECEIVED: i64 = 9;
    /// Automatic reply on a keyword.
    pub const REPLY_KEYWORD: i64 = 10;
    /// Automatic reply on a new guard.
    pub const REPLY_GUARD: i64 = 11;
    /// An uploader's note pushed with their work.
    pub const UPLOADER_NOTE: i64 = 12;
    /// Fan-group system message.
    pub const FAN_GROUP_SYSTEM: i64 = 13;
    /// Meaning undocumented.
    pub const UNKNOWN_16: i64 = 16;
    /// The greeting sent when two users follow each other.
    pub const MUTUAL_FOLLOW: i64 = 17;
    /// System tip.
    pub const SYSTEM_TIP: i64 = 18;
    /// AI reply.
    pub const AI: i64 = 19;
}

/// `system_msg_type` values of a session (系统会话类型).
pub mod system_msg_type {
    /// Not a system session.
    pub const NONE: i64 = 0;
    /// 主播小助手.
    pub const LIVE_ASSISTANT: i64 = 1;
    /// 系统通知.
    pub const NOTICE: i64 = 5;
    /// UP主小助手.
    pub const UP_ASSISTANT: i64 = 7;
    /// 客服消息.
    pub const CUSTOMER_SERVICE: i64 = 8;
    /// 支付小助手.
    pub const PAYMENT_ASSISTANT: i64 = 9;
    /// Every system type (not 0) the documents list.
    pub const ALL: [i64; 5] = [
        LIVE_ASSISTANT,
        NOTICE,
        UP_ASSISTANT,
        CUSTOMER_SERVICE,
        PAYMENT_ASSISTANT,
    ];
}

/// `msg_seqno` of an empty history's `min_seqno`.
pub const EMPTY_MIN_SEQNO: u64 = u64::MAX;

/// The message object (私信主体对象).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Message {
    pub sender_uid: u64,
    pub receiver_type: i64,
    pub receiver_id: u64,
    pub msg_type: i64,
    /// The content object serialised as JSON text.
    pub content: String,
    pub msg_seqno: u64,
    /// Seconds.
    pub timestamp: i64,
    /// `[0]` on user-sent messages and `null` on automatic ones, as in the
    /// documents' examples; both mean "nobody is @-mentioned".
    pub at_uids: Option<Vec<u64>>,
    pub msg_key: u64,
    pub msg_status: i64,
    /// Only on a system recall; absent otherwise.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sys_cancel: Option<bool>,
    pub notify_code: String,
    /// Absent on some messages (recalls), as in the documents' examples.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub new_face_version: Option<i64>,
    pub msg_source: i64,
}

/// `account_info` of a system session.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AccountInfo {
    pub name: String,
    pub pic_url: String,
}

/// The session object (会话对象).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Session {
    pub talker_id: u64,
    pub session_type: i64,
    pub at_seqno: u64,
    /// Microseconds; 0 when not pinned.
    pub top_ts: i64,
    pub group_name: String,
    pub group_cover: String,
    pub is_follow: i64,
    pub is_dnd: i64,
    pub ack_seqno: u64,
    /// Microseconds.
    pub ack_ts: i64,
    /// Microseconds.
    pub session_ts: i64,
    pub unread_count: u64,
    pub last_msg: Option<Message>,
    pub group_type: i64,
    pub can_fold: i64,
    pub status: i64,
    pub max_seqno: u64,
    pub new_push_msg: i64,
    pub setting: i64,
    pub is_guardian: i64,
    pub is_intercept: i64,
    pub is_trust: i64,
    pub system_msg_type: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub account_info: Option<AccountInfo>,
    pub live_status: i64,
    pub biz_msg_unread_count: u64,
    pub user_label: Option<serde_json::Value>,
}

/// `data` of `new_sessions` and `get_sessions`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SessionList {
    /// `null` when there is no session.
    pub session_list: Option<Vec<Session>>,
    pub has_more: i64,
    /// The documents' field table spells it `anti_distrub_cleaning`, their
    /// response example `anti_disturb_cleaning`; the example is followed.
    pub anti_disturb_cleaning: bool,
    pub is_address_list_empty: i64,
    /// Only in `get_sessions`, only when system sessions exist.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub system_msg: Option<serde_json::Map<String, serde_json::Value>>,
    /// `false`, as the seed document says it always is.
    pub show_level: bool,
}

/// An emoji used in a message.
///
/// The documents' field table calls the address `uri`, their response
/// example `url`; both are sent so that clients built from either parse.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EInfo {
    pub text: String,
    pub uri: String,
    #[serde(default)]
    pub url: String,
    /// 1 small, 2 large.
    pub size: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gif_url: Option<String>,
}

/// `data` of `fetch_session_msgs`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct History {
    /// Newest first; `null` when empty.
    pub messages: Option<Vec<Message>>,
    pub has_more: i64,
    /// 18446744073709551615 when empty.
    pub min_seqno: u64,
    /// 0 when empty.
    pub max_seqno: u64,
    /// Only when the messages contain emoji.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub e_infos: Option<Vec<EInfo>>,
}

/// `key_hit_infos` of `send_msg`: empty (`{}`) when no rule was hit.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct KeyHitInfos {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub toast: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rule_id: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub high_text: Option<Vec<serde_json::Value>>,
}

/// `data` of `send_msg`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SendResult {
    pub msg_key: u64,
    /// Only for text messages containing emoji.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub e_infos: Option<Vec<EInfo>>,
    /// Only for text messages to a user.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub msg_content: Option<String>,
    /// Only for text messages to a user.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key_hit_infos: Option<KeyHitInfos>,
    /// Always 0, as in the legacy document's examples.
    #[serde(rename = "_gt_", default)]
    pub gt: i64,
}

/// `data` of `single_unread`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SingleUnread {
    pub unfollow_unread: u64,
    pub follow_unread: u64,
    pub unfollow_push_msg: u64,
    pub dustbin_push_msg: u64,
    pub dustbin_unread: u64,
    pub biz_msg_unfollow_unread: u64,
    pub biz_msg_follow_unread: u64,
    pub custom_unread: u64,
    /// Always 0, as in the legacy document's examples.
    #[serde(rename = "_gt_", default)]
    pub gt: i64,
}

/// `data` of `my_group_unread`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct GroupUnread {
    pub unread_count: u64,
}

/// One entry of `get_msg_dnd`'s `uid_settings` / `group_settings`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DndSetting {
    pub id: u64,
    pub setting: i64,
}

/// `data` of `get_msg_dnd`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DndSettings {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub uid_settings: Option<Vec<DndSetting>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group_settings: Option<Vec<DndSetting>>,
}

/// `data` of `get_session_ss`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SessionPushSetting {
    pub follow_status: i64,
    pub special: i64,
    pub push_setting: i64,
    pub show_push_setting: i64,
}

/// `data` of `is_limit`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LimitState {
    pub is_limit: i64,
    pub report_limit: i64,
}

/// A user's message preferences (`link_setting/v1/link_setting/get`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MessageSettings {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub show_unfollowed_msg: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub msg_notify: Option<i64>,
    pub set_like: i64,
    pub set_comment: i64,
    pub set_at: i64,
    pub is_group_fold: i64,
    pub should_receive_group: i64,
    /// 0: strangers (users you do not follow) cannot message you.
    pub receive_unfollow_msg: i64,
    pub followed_reply: i64,
    pub keys_reply: i64,
    pub recv_reply: i64,
    pub voyage_reply: i64,
    pub recommend_followed_reply: i64,
    pub ai_intercept: i64,
    pub anti_harassment: Option<serde_json::Value>,
    pub set_recv_reply: i64,
    pub set_recv_like: i64,
    pub set_new_follow: i64,
}

/// `data` of `POST /x/dynamic/feed/draw/upload_bfs`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UploadedImage {
    pub image_url: String,
    pub image_width: u64,
    pub image_height: u64,
    /// Kilobytes.
    pub img_size: f64,
}
