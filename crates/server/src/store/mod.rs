//! Storage: the domain operations the service needs, behind traits, and one
//! module per backend.
//!
//! Handlers never see SQL. Each API family has its own trait of domain
//! operations (accounts here; relations and messages beside it), and
//! [`Store`] is all of them, held as `Arc<dyn Store>` in the app state. An
//! operation that checks a rule and then writes does both atomically inside
//! the backend, so two concurrent requests cannot both pass the check.

pub mod messages;
mod relations;
pub mod sqlite;

pub use messages::MessageStore;
pub use relations::{
    Act, ListEntry, ListKind, ListPage, ModifyOutcome, Page, RelationCounts, RelationLimits,
    RelationPair, RelationStore, StoredRelation, TagEdit, TagInfo, TagName,
};

use async_trait::async_trait;
use sixin_api::account::{OfficialVerify, VipInput};
use sixin_api::Code;

use crate::domain::{Mid, Profile, Uname};

/// Why a storage operation failed.
#[derive(Debug, Clone, thiserror::Error)]
pub enum StoreError {
    /// The operation broke a documented rule; the client sees this code.
    #[error("rejected: {0}")]
    Rejected(Code),
    /// The backend failed (I/O, corruption, a bug); the client sees -500.
    #[error("storage backend: {0}")]
    Backend(String),
    /// The store is shutting down.
    #[error("storage is closed")]
    Closed,
}

impl From<rusqlite::Error> for StoreError {
    fn from(err: rusqlite::Error) -> Self {
        StoreError::Backend(err.to_string())
    }
}

/// A user to create.
#[derive(Debug, Clone)]
pub struct NewUser {
    /// `None`: the store assigns the next free mid.
    pub mid: Option<Mid>,
    pub uname: Uname,
    pub password_hash: Option<String>,
    pub face: Option<String>,
    pub sign: String,
    pub official_verify: OfficialVerify,
    pub vip: VipInput,
}

/// Profile changes; `None` leaves a field as it is.
#[derive(Debug, Clone, Default)]
pub struct ProfileUpdate {
    pub uname: Option<Uname>,
    pub password_hash: Option<String>,
    pub face: Option<String>,
    pub sign: Option<String>,
    pub official_verify: Option<OfficialVerify>,
    pub vip: Option<VipInput>,
}

/// A login session as stored: only the hash of the SESSDATA token is kept.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoginSession {
    pub token_hash: [u8; 32],
    pub mid: Mid,
    /// Unix seconds.
    pub created_at: i64,
    /// Unix seconds.
    pub expires_at: i64,
}

/// Accounts, profiles and login sessions.
#[async_trait]
pub trait AccountStore: Send + Sync {
    /// Creates a user. `Rejected(Conflict)` when the mid or the name is taken.
    async fn create_user(&self, user: NewUser) -> Result<Mid, StoreError>;

    /// Changes profile fields. `Rejected(UserNotFound)` for an unknown mid,
    /// `Rejected(Conflict)` when the new name is taken.
    async fn update_user(&self, mid: Mid, update: ProfileUpdate) -> Result<(), StoreError>;

    /// One profile.
    async fn profile(&self, mid: Mid) -> Result<Option<Profile>, StoreError>;

    /// The mid and password hash for a login name (a user name or a mid).
    async fn credentials(&self, login: &str) -> Result<Option<(Mid, Option<String>)>, StoreError>;

    /// Records a login session. `Rejected(UserNotFound)` for an unknown mid.
    async fn create_login(&self, session: LoginSession) -> Result<(), StoreError>;

    /// The live session with this token hash, if any (expired ones are `None`).
    async fn login(
        &self,
        token_hash: [u8; 32],
        now: i64,
    ) -> Result<Option<LoginSession>, StoreError>;

    /// Ends a session; ending an unknown one is not an error.
    async fn delete_login(&self, token_hash: [u8; 32]) -> Result<(), StoreError>;
}

/// Everything the service stores.
pub trait Store: AccountStore + RelationStore + MessageStore + 'static {
    /// Finishes pending writes and releases the backend; called once at
    /// shutdown. Later writes fail with [`StoreError::Closed`].
    fn close(&self);
}
