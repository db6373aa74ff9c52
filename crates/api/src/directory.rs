//! sixin's own directory endpoints for its web client (`/sixin/v1/...`):
//! what the server is, and who its users are. Bilibili's clients find
//! people through services sixin does not host.

use serde::{Deserialize, Serialize};

/// `data` of `GET /sixin/v1/instance`: what a client needs before anyone
/// logs in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Instance {
    /// Whether any user exists (none: an operator must create one first).
    pub has_users: bool,
    /// How long a message can be recalled, in seconds.
    pub recall_window_secs: u64,
    /// Longest `msg[content]`, in bytes.
    pub max_msg_bytes: u64,
    /// Largest image `upload_bfs` takes, in bytes.
    pub max_upload_bytes: u64,
}

/// A user as the directory shows them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UserCard {
    pub mid: u64,
    pub uname: String,
    /// The avatar's address (the default avatar when none was set).
    pub face: String,
    pub sign: String,
    /// 0 a person, 1 an organisation, -1 neither verified.
    pub official_type: i64,
}

/// The query of `GET /sixin/v1/users`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema, utoipa::IntoParams))]
pub struct UsersQuery {
    /// Up to 50 user ids, separated by commas.
    pub mids: String,
}

/// The query of `GET /sixin/v1/users/search`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema, utoipa::IntoParams))]
pub struct SearchUsersQuery {
    /// A user id, or part of a name (case does not matter).
    pub keyword: String,
}
