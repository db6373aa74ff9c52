//! Automatic replies (`/x/im/auto_reply`): request parameters with their
//! wire names, and the texts as the wire shows them.

use serde::{Deserialize, Serialize};

/// `GET /x/im/auto_reply/get_reply_text`. `type[]` may be repeated
/// (`type[]=1&type[]=3`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams), into_params(parameter_in = Query))]
pub struct GetReplyTextQuery {
    /// 1 on being followed, 2 keyword rules, 3 on receiving a message, 5
    /// on a new guard.
    #[serde(rename = "type[]")]
    pub types: String,
    /// The caller's mid (ignored: the caller's own texts are answered).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub uid: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub build: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mobi_app: Option<String>,
}

/// `POST /x/im/auto_reply/set_reply_text`. Every parameter is read as
/// text, so that a missing or malformed one is 27011 as documented.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SetReplyTextForm {
    /// 1, 2, 3 or 5, as in `get_reply_text`.
    #[serde(rename = "type", default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    /// At most 500 characters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reply: Option<String>,
    /// A keyword rule to change; 0 or empty adds one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// A keyword rule's name, at most 30 characters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// Exact keywords separated by `，`, at most 20.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key1: Option<String>,
    /// Fuzzy keywords separated by `，`, at most 20.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key2: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub build: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mobi_app: Option<String>,
}

/// `POST /x/im/auto_reply/del_reply_text`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DelReplyTextForm {
    pub id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub build: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mobi_app: Option<String>,
}

/// An automatic reply text or keyword rule.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReplyText {
    pub id: u64,
    pub uid: u64,
    #[serde(rename = "type")]
    pub kind: i64,
    /// Keyword rules only; empty otherwise.
    pub title: String,
    pub key1: String,
    pub key2: String,
    pub reply: String,
}

/// `data` of `get_reply_text`: `texts` is absent when there is none.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReplyTexts {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub texts: Option<Vec<ReplyText>>,
}
