//! Accounts, profiles, login sessions and pending QR logins.

use async_trait::async_trait;
use sixin_api::account::{OfficialVerify, VipInput};

use super::relations::NameFilter;
use super::{Decide, StoreError};
use crate::domain::account::{AccountState, ProfileFacts, UserFacts};
use crate::domain::qrlogin::{QrLogin, QrState};
use crate::domain::system::{SystemAccount, SystemKind};
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
    /// Makes the user a system account.
    pub system: Option<SystemAccount>,
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
    /// `Some(None)`: an ordinary user again.
    pub system: Option<Option<SystemAccount>>,
    /// With a new `password_hash`: the one login session that survives the
    /// change (the one that made it); every other session of the user ends
    /// in the same transaction.
    pub keep_session: Option<[u8; 32]>,
}

/// What a password login needs to know of a user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Credentials {
    pub mid: Mid,
    pub password_hash: Option<String>,
    pub state: AccountState,
}

/// Which login sessions of a user to end.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EndLogins {
    /// The session with this token hash, if it is the user's.
    One([u8; 32]),
    /// Every session of the user but this one (`None`: every one).
    AllBut(Option<[u8; 32]>),
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

    /// Changes profile fields if `decide` allows it (a deleted user does
    /// not exist for it); a new password ends every session but
    /// `keep_session`.
    async fn update_user(
        &self,
        mid: Mid,
        update: ProfileUpdate,
        decide: Decide<ProfileFacts, ()>,
    ) -> Result<(), StoreError>;

    /// One profile.
    async fn profile(&self, mid: Mid) -> Result<Option<Profile>, StoreError>;

    /// The first `limit` users, by mid, whose name `filter` accepts (it
    /// looks at every user until it has found them: a scan).
    async fn find_users(
        &self,
        filter: NameFilter,
        limit: usize,
    ) -> Result<Vec<Profile>, StoreError>;

    /// What makes `mid` a system account, if it is one.
    async fn system_account(&self, mid: Mid) -> Result<Option<SystemAccount>, StoreError>;

    /// Every system account (of `kind`, when given), by mid, with its name.
    async fn system_accounts(
        &self,
        kind: Option<SystemKind>,
    ) -> Result<Vec<(Mid, String, SystemAccount)>, StoreError>;

    /// The system accounts `owner` has sessions with (user sessions with a
    /// message, not removed, not intercepted), newest session first.
    async fn system_sessions(&self, owner: Mid) -> Result<Vec<(Mid, SystemAccount)>, StoreError>;

    /// The mid, password hash and state of the user with this name or this
    /// mid.
    async fn credentials(
        &self,
        uname: String,
        mid: Option<Mid>,
    ) -> Result<Option<Credentials>, StoreError>;

    /// Users by ascending mid, after `after` (from the first without), at
    /// most `limit`; deleted ones included.
    async fn users(&self, after: Option<Mid>, limit: u64) -> Result<Vec<Profile>, StoreError>;

    /// Moves `mid` to `state` at `now` (unix seconds) if `decide` allows it
    /// given its current state (`None`: no such user). Any state but `Active` ends every
    /// login session of the user and forgets the QR-code logins they
    /// scanned or confirmed; `Deleted` also forgets the password, the
    /// profile fields (back to their defaults), the system account, and
    /// the name (stored as `domain::account::deleted_uname`, freeing it).
    async fn set_account_state(
        &self,
        mid: Mid,
        state: AccountState,
        now: i64,
        decide: Decide<Option<AccountState>, ()>,
    ) -> Result<(), StoreError>;

    /// Records a login session if `decide` allows it given the user's state
    /// (`None`: no such user), and forgets the user's expired sessions.
    async fn create_login(
        &self,
        session: LoginSession,
        decide: Decide<Option<AccountState>, ()>,
    ) -> Result<(), StoreError>;

    /// `mid`'s sessions live at `now`, newest first.
    async fn logins(&self, mid: Mid, now: i64) -> Result<Vec<LoginSession>, StoreError>;

    /// Ends some of `mid`'s sessions; how many ended.
    async fn end_logins(&self, mid: Mid, which: EndLogins) -> Result<u64, StoreError>;

    /// The session with this token hash that is live at `now`, if any.
    async fn login(
        &self,
        token_hash: [u8; 32],
        now: i64,
    ) -> Result<Option<LoginSession>, StoreError>;

    /// Ends a session; ending an unknown one is not an error.
    async fn delete_login(&self, token_hash: [u8; 32]) -> Result<(), StoreError>;

    /// Records a new QR login if `decide` allows it given how many QR
    /// logins are outstanding, after forgetting every QR login expired by
    /// the new one's `created_at`.
    async fn create_qr_login(
        &self,
        login: QrLogin,
        decide: Decide<u64, ()>,
    ) -> Result<(), StoreError>;

    /// The QR login with this key hash, expired or not, if it is still
    /// stored.
    async fn qr_login(&self, key_hash: [u8; 32]) -> Result<Option<QrLogin>, StoreError>;

    /// Moves the QR login with this key hash (`None` when there is none) to
    /// the state `decide` picks; without one, nothing is written.
    async fn update_qr_login(
        &self,
        key_hash: [u8; 32],
        decide: Decide<Option<QrLogin>, QrState>,
    ) -> Result<(), StoreError>;

    /// Redeems the QR login with this key hash (`None` when there is none):
    /// if `decide` says so, forgets it and records `session` (forgetting the
    /// user's expired sessions, as `create_login` does), in one transaction,
    /// and answers true; otherwise writes nothing and answers false.
    async fn redeem_qr_login(
        &self,
        key_hash: [u8; 32],
        session: LoginSession,
        decide: Decide<Option<QrLogin>, bool>,
    ) -> Result<bool, StoreError>;
}
