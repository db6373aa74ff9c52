//! Message block words (`/x/im/link_setting/*_block_word*`) and the
//! settings a client reads at start (`get_sys_setting`,
//! `show_create_group_icon`).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// Longest block word, in characters (1900004 beyond).
pub const MAX_BLOCK_WORD_CHARS: usize = 20;
/// Most block words one user may have (1900005 beyond).
pub const MAX_BLOCK_WORDS: usize = 200;

/// One of `words` in `get_block_words`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BlockWord {
    pub content: String,
    /// When it was added (unix seconds).
    pub ctime: i64,
}

/// `data` of `GET /x/im/link_setting/get_block_words`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BlockWords {
    /// In the order they were added; `null` when there is none.
    pub words: Option<Vec<BlockWord>>,
    /// Meaning undocumented; empty.
    pub message: String,
    /// [`MAX_BLOCK_WORD_CHARS`].
    pub max_word_length: u64,
    /// [`MAX_BLOCK_WORDS`].
    pub max_words_size: u64,
}

/// `old_up_assistant_door` of `get_sys_setting`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OldUpAssistantDoor {
    pub show_old_up_door: i64,
    pub title: String,
    pub sub_title: String,
}

/// One value of `session_cfg` of `get_sys_setting`: how a client shows the
/// session with one (AI) account.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SessionConfig {
    pub hidden_emote_btn: bool,
    pub hidden_pic_btn: bool,
    pub max_height: i64,
    pub hint_text: String,
    pub hidden_top_hint: bool,
    pub is_gpt_account: bool,
}

/// `game_msg` of `get_sys_setting`: empty for `mobi_app=web`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct GameMsg {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub show_install: Option<bool>,
}

/// `data` of `GET /link_setting/v1/link_setting/get_sys_setting`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SysSetting {
    /// Fan groups can be created.
    pub is_create_group_available: i64,
    /// Automatic replies can be used.
    pub is_auto_reply_available: i64,
    pub vc_hint_title: String,
    pub vc_hint_title_button: String,
    pub vc_hint_detail: String,
    pub vc_hint_detail_button: String,
    pub auto_reply_html: String,
    /// Whether the "limit messages from people I do not follow" switch is shown.
    pub is_receive_unfollow_wl: i64,
    pub is_voyage: i64,
    pub is_auto_reply_recommend_available: i64,
    pub is_discuss_style_im_page: i64,
    pub discuss_unread_style_im_page: i64,
    pub old_up_assistant_door: OldUpAssistantDoor,
    pub is_new_up_assistant_effective: i64,
    /// `true`: no "archive messages" button.
    pub is_archive_gray: bool,
    /// Per-account session settings, by mid.
    pub session_cfg: BTreeMap<String, SessionConfig>,
    pub migrate_session_api: bool,
    pub game_msg: GameMsg,
    pub auto_reply_msg_desc: String,
    pub huahuo_group_icon_new: String,
    pub huahuo_group_icon_dark_new: String,
    pub im_disabled_input_hint: String,
}

/// `data` of `GET /link_group/v1/member/show_create_group_icon`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CreateGroupIcon {
    /// 1: show the "create a fan group" button.
    pub show: i64,
}

/// `data` of `GET /x/msgfeed/unread` and `/x/im/web/msgfeed/unread`:
/// unread notices (replies, @, likes, system notices), not private
/// messages. sixin hosts no videos or comments, so every count is 0.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FeedUnread {
    pub at: u64,
    pub chat: u64,
    pub coin: u64,
    pub danmu: u64,
    pub favorite: u64,
    pub like: u64,
    pub recv_like: u64,
    pub recv_reply: u64,
    pub reply: u64,
    pub sys_msg: u64,
    /// Only on the newer endpoint (`/x/im/web/msgfeed/unread`), 1 there.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sys_msg_style: Option<i64>,
    pub up: u64,
}
