//! Accounts, profiles and login sessions.

use async_trait::async_trait;
use sixin_api::account::{OfficialVerify, VipInput};

use super::{Decide, StoreError};
use crate::domain::account::{ProfileFacts, UserFacts};
use crate::domain::{Mid, Profile, Uname};

/// A user to create.
#[derive(Debug, Clone)]
pub struct NewUser {
    /// `None`: the next free mid.
    pub mid: Option<Mid>,
    pub uname: Uname,
    pub password_hash: Option<String>,
    pub face: Option<String>,
    pub sign: String,
    pub official_verify: OfficialVerify,
    pub vip: VipInput,
    /// Unix seconds.
    pub created_at: i64,
}

/// Profile changes; `None` leaves a field as it is.
#[derive(Debug, Clone, Default)]
pub struct ProfileUpdate {
    pub uname: Option<Uname>,
    pub password_hash: Option<String>,
    /// `Some(None)`: back to the default avatar.
    pub face: Option<Option<String>>,
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

#[async_trait]
pub trait AccountStore: Send + Sync {
    /// Creates a user with the mid `decide` picks from the facts about the
    /// wanted mid and name.
    async fn create_user(
        &self,
        user: NewUser,
        decide: Decide<UserFacts, Mid>,
    ) -> Result<Mid, StoreError>;

    /// Changes profile fields if `decide` allows it.
    async fn update_user(
        &self,
        mid: Mid,
        update: ProfileUpdate,
        decide: Decide<ProfileFacts, ()>,
    ) -> Result<(), StoreError>;

    /// One profile.
    async fn profile(&self, mid: Mid) -> Result<Option<Profile>, StoreError>;

    /// The mid and password hash of the user with this name or this mid.
    async fn credentials(
        &self,
        uname: String,
        mid: Option<Mid>,
    ) -> Result<Option<(Mid, Option<String>)>, StoreError>;

    /// Records a login session if `decide` allows it given whether the user
    /// exists, and forgets the user's expired sessions.
    async fn create_login(
        &self,
        session: LoginSession,
        decide: Decide<bool, ()>,
    ) -> Result<(), StoreError>;

    /// The session with this token hash that is live at `now`, if any.
    async fn login(
        &self,
        token_hash: [u8; 32],
        now: i64,
    ) -> Result<Option<LoginSession>, StoreError>;

    /// Ends a session; ending an unknown one is not an error.
    async fn delete_login(&self, token_hash: [u8; 32]) -> Result<(), StoreError>;
}
