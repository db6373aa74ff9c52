//! sixin's own provisioning API under `/admin/v1` (not part of Bilibili's
//! documents): users, profiles and login sessions.

use serde::{Deserialize, Serialize};

use crate::account::{OfficialVerify, VipInput};

/// Body of `POST /admin/v1/users`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CreateUser {
    /// Assigned by the server when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mid: Option<u64>,
    pub uname: String,
    /// Without a password the user can only get sessions through the admin API.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub password: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub face: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sign: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub official_verify: Option<OfficialVerify>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vip: Option<VipInput>,
    /// Makes the user a system account (a customer-service agent with
    /// `system_msg_type` 8).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub system: Option<SystemAccountInput>,
    /// The same as `system`, spelled as the session object spells it:
    /// `system_msg_type` with `account_info` (the name defaults to the
    /// user's name).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub system_msg_type: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub account_info: Option<AccountInfoInput>,
}

/// Body of `PATCH /admin/v1/users/{mid}`: every field optional, absent means unchanged.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct PatchUser {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub uname: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub password: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub face: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sign: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub official_verify: Option<OfficialVerify>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vip: Option<VipInput>,
    /// Makes the user a system account, or changes how it is shown
    /// (`DELETE /admin/v1/users/{mid}/system` makes it an ordinary user again).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub system: Option<SystemAccountInput>,
    /// `true` disables the account (its sessions end and it cannot log
    /// in: -102), `false` enables it again.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub disabled: Option<bool>,
    /// The same as `system`, spelled as the session object spells it:
    /// `system_msg_type` (0 makes the account an ordinary user again) and
    /// `account_info`; either may come alone to change only it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub system_msg_type: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub account_info: Option<AccountInfoInput>,
}

/// `account_info` of a system account's sessions, as the admin API takes it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct AccountInfoInput {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pic_url: Option<String>,
}

/// Body of `POST /admin/v1/groups`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CreateGroup {
    /// Wanted id; the server assigns one when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group_id: Option<u64>,
    /// The owner's mid: the group's first member.
    pub owner: u64,
    /// `group_name` of its sessions.
    pub name: String,
    /// `group_cover` of its sessions; the default avatar when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cover: Option<String>,
    /// 0 应援团 (the default), 2 官方群.
    #[serde(default)]
    pub group_type: i64,
}

/// `data` of `POST /admin/v1/groups`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CreatedGroup {
    pub group_id: u64,
}

/// Body of `PATCH /admin/v1/groups/{id}`: absent fields are unchanged.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct PatchGroup {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cover: Option<String>,
    /// A frozen group accepts no message.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub frozen: Option<bool>,
}

/// Body of `POST /admin/v1/groups/{id}/members`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct GroupMembers {
    pub mids: Vec<u64>,
}

/// Who a delivery goes to: a list of mids, or `"all"` (everyone but the
/// sender).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(untagged)]
pub enum Receivers {
    List(Vec<u64>),
    Everyone(Everyone),
}

/// `"all"`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum Everyone {
    #[serde(rename = "all")]
    All,
}

/// Body of `POST /admin/v1/messages`: a message of any documented type,
/// delivered from `sender`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct PushMessage {
    pub sender: u64,
    pub receivers: Receivers,
    pub msg_type: i64,
    /// The content object, as JSON text (kept byte for byte) or as a JSON
    /// object; checked against the type's documented fields.
    pub content: serde_json::Value,
    /// 5 (official push) for everyone, 6 (push/notification) for a list
    /// when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub msg_source: Option<i64>,
    /// `<business id>_<sub-business id>`, or empty (the default).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notify_code: Option<String>,
}

/// `data` of `POST /admin/v1/messages` and `GET /admin/v1/messages/{job}`:
/// a delivery and its progress.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PushJobEntry {
    pub job: u64,
    pub sender: u64,
    pub msg_type: i64,
    pub msg_source: i64,
    /// `"all"` or `"list"`.
    pub receivers: String,
    /// Receivers to go through.
    pub total: u64,
    /// Messages delivered.
    pub delivered: u64,
    /// Receivers passed over: no such user, the sender, or one who blocked
    /// the sender.
    pub skipped: u64,
    /// `"running"` or `"done"`.
    pub state: String,
    /// The key of the first message delivered; absent before any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub msg_key: Option<u64>,
    /// Unix seconds.
    pub created_at: i64,
    /// Unix seconds; absent while running.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub finished_at: Option<i64>,
}

/// `data` of `POST /admin/v1/messages/{msg_key}/withdraw`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Withdrawn {
    pub msg_key: u64,
    /// 2: recalled by the system.
    pub msg_status: i64,
}

/// `data` of `GET /admin/v1/groups/{id}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct GroupEntry {
    pub group_id: u64,
    pub owner: u64,
    pub name: String,
    pub cover: String,
    pub group_type: i64,
    pub frozen: bool,
    pub dissolved: bool,
    /// In the order they joined.
    pub members: Vec<u64>,
}

/// An element of `GET /admin/v1/users`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UserEntry {
    pub mid: u64,
    /// `账号已注销` for a deleted account.
    pub uname: String,
    /// `active`, `disabled` or `deleted`.
    pub state: String,
}

/// An element of `GET /admin/v1/users/{mid}/sessions`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SessionEntry {
    /// The session's id: hex of the SHA-256 of its `SESSDATA`.
    pub id: String,
    /// Unix seconds.
    pub created_at: i64,
    /// Unix seconds after which it is no longer accepted.
    pub expires_at: i64,
}

/// What makes an account a system account: the `system_msg_type` of its
/// sessions and their `account_info`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct SystemAccountInput {
    /// 1 主播小助手, 5 系统通知, 7 UP主小助手, 8 客服消息, 9 支付小助手.
    pub system_msg_type: i64,
    /// `account_info.name`.
    pub name: String,
    /// `account_info.pic_url`; the account's avatar when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pic_url: Option<String>,
}

/// An element of `GET /admin/v1/system-accounts`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SystemAccountEntry {
    pub mid: u64,
    pub uname: String,
    pub system_msg_type: i64,
    pub name: String,
    pub pic_url: String,
}

/// An element of `GET /admin/v1/presence`: someone whose customer-service
/// heartbeats say they are (or were lately) there.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PresenceEntry {
    pub mid: u64,
    pub uname: String,
    pub shop_id: i64,
    pub shop_father_id: i64,
    /// Unix seconds of the first heartbeat of this visit.
    pub since: i64,
    /// Unix seconds of the latest heartbeat.
    pub last_seen: i64,
    /// Whether the latest heartbeat is recent enough to count as online.
    pub online: bool,
}

/// `data` of `POST /admin/v1/users`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CreatedUser {
    pub mid: u64,
}

/// `data` of `POST /admin/v1/users/{mid}/sessions`: the cookies a client sends.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LoginCookies {
    #[serde(rename = "SESSDATA")]
    pub sessdata: String,
    pub bili_jct: String,
    #[serde(rename = "DedeUserID")]
    pub dede_user_id: String,
    /// Unix seconds after which the session is no longer accepted.
    pub expires: i64,
}

impl LoginCookies {
    /// The `Cookie` header value a client sends with these cookies.
    pub fn cookie_header(&self) -> String {
        format!(
            "SESSDATA={}; bili_jct={}; DedeUserID={}",
            self.sessdata, self.bili_jct, self.dede_user_id
        )
    }

    /// The session in a `Cookie` header value (such as [`Self::cookie_header`]
    /// gives, or a browser's); `None` without a `SESSDATA` and a `bili_jct`.
    /// `expires` is unknown there, so 0.
    pub fn from_cookie_header(header: &str) -> Option<LoginCookies> {
        let value = |name: &str| {
            header
                .split(';')
                .filter_map(|pair| pair.trim().split_once('='))
                .find(|(key, _)| key.trim() == name)
                .map(|(_, value)| value.trim().trim_matches('"').to_owned())
                .filter(|value| !value.is_empty())
        };
        Some(LoginCookies {
            sessdata: value("SESSDATA")?,
            bili_jct: value("bili_jct")?,
            dede_user_id: value("DedeUserID").unwrap_or_default(),
            expires: 0,
        })
    }
}

/// An emoji of the catalogue: an element of `GET /admin/v1/emotes`, and the
/// body of `POST /admin/v1/emotes` (adds or replaces by `text`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct EmoteEntry {
    /// With brackets, e.g. `[打call]`.
    pub text: String,
    /// Absolute URL, or a path on this server (`/bfs/...`).
    pub uri: String,
    /// 1 small, 2 large.
    #[serde(default = "small")]
    pub size: i64,
    #[serde(default)]
    pub gif_url: Option<String>,
}

const fn small() -> i64 {
    1
}

/// Body of `POST /admin/v1/emotes/delete` (names hold brackets and CJK,
/// which do not sit well in a path).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct DeleteEmote {
    pub text: String,
}

/// A keyword rule: an element of `GET /admin/v1/keyword-rules`, and the
/// body of `POST /admin/v1/keyword-rules` (adds or replaces by `rule_id`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct KeywordRuleEntry {
    pub rule_id: i64,
    pub keywords: Vec<String>,
    /// The warning shown when a message contains one of the keywords.
    pub toast: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cookie_headers_read_back_into_the_session() {
        let cookies = LoginCookies {
            sessdata: "abc".into(),
            bili_jct: "def".into(),
            dede_user_id: "42".into(),
            expires: 0,
        };
        assert_eq!(
            LoginCookies::from_cookie_header(&cookies.cookie_header()),
            Some(cookies)
        );
        let browser = LoginCookies::from_cookie_header("buvid3=x; bili_jct=j ;SESSDATA=s").unwrap();
        assert_eq!(
            (browser.sessdata.as_str(), browser.bili_jct.as_str()),
            ("s", "j")
        );
        assert_eq!(LoginCookies::from_cookie_header("SESSDATA=s"), None);
        assert_eq!(
            LoginCookies::from_cookie_header("SESSDATA=; bili_jct=j"),
            None
        );
    }
}
