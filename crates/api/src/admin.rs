//! sixin's own provisioning API under `/admin/v1` (not part of Bilibili's
//! documents): users, profiles and login sessions.

use serde::{Deserialize, Serialize};

use crate::account::{OfficialVerify, VipInput};

/// Body of `POST /admin/v1/users`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
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
}

/// Body of `PATCH /admin/v1/users/{mid}`: every field optional, absent means unchanged.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
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
}

/// `data` of `POST /admin/v1/users`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct CreatedUser {
    pub mid: u64,
}

/// `data` of `POST /admin/v1/users/{mid}/sessions`: the cookies a client sends.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
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
}

/// An emoji of the catalogue: an element of `GET /admin/v1/emotes`, and the
/// body of `POST /admin/v1/emotes` (adds or replaces by `text`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
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
#[serde(deny_unknown_fields)]
pub struct DeleteEmote {
    pub text: String,
}

/// A keyword rule: an element of `GET /admin/v1/keyword-rules`, and the
/// body of `POST /admin/v1/keyword-rules` (adds or replaces by `rule_id`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KeywordRuleEntry {
    pub rule_id: i64,
    pub keywords: Vec<String>,
    /// The warning shown when a message contains one of the keywords.
    pub toast: String,
}
