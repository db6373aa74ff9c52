//! Accounts: creating users and changing profiles, password login, and
//! the cookie sessions clients send back.
//!
//! `SESSDATA` is a random token; only its SHA-256 is stored. `bili_jct` is
//! not stored at all: it is an HMAC of the token under the server key, so it
//! is bound to the session and cannot be chosen freely. Every POST carries it
//! back as `csrf` (vc endpoints also as `csrf_token`). Secrets are compared in
//! constant time.
//!
//! QR-code login lives in `qrlogin`.

mod logins;
mod qrlogin;

pub(crate) use logins::LoginCacheListener;
pub use logins::{Caching, LoginCache, REMOTE_TRUST};

pub use qrlogin::QrPollOutcome;

use std::net::IpAddr;
use std::sync::Arc;

use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};
use sixin_api::account::{OfficialVerify, VipInput};
use sixin_api::Code;
use subtle::ConstantTimeEq;

use super::guard::Guard;
use super::passwords::Hasher;
use crate::clock::Clock;
use crate::domain::account::{
    decide_login, decide_new_user, decide_profile_update, decide_state_change, AccountState,
};
use crate::domain::lists::NameSearch;
use crate::domain::system::{SystemAccount, SystemKind};
use crate::domain::{Mid, Profile, Refusal, Uname};
use crate::error::Error;
use crate::events::{EndedLogins, EventBus};
use crate::secrets::random_hex;
use crate::store::accounts::{LoginSession, NewUser, ProfileUpdate};
use crate::store::Store;

/// A user to create, its fields already checked.
#[derive(Debug, Clone)]
pub struct NewAccount {
    pub mid: Option<Mid>,
    pub uname: Uname,
    pub password: Option<String>,
    pub face: Option<String>,
    pub sign: String,
    pub official_verify: OfficialVerify,
    pub vip: VipInput,
    /// Makes the user a system account.
    pub system: Option<SystemAccount>,
}

/// Profile changes, already checked; `None` leaves a field as it is.
#[derive(Debug, Clone, Default)]
pub struct ProfileChange {
    pub uname: Option<Uname>,
    pub password: Option<String>,
    /// Empty: back to the default avatar.
    pub face: Option<String>,
    pub sign: Option<String>,
    pub official_verify: Option<OfficialVerify>,
    pub vip: Option<VipInput>,
    /// `Some(None)`: an ordinary user again.
    pub system: Option<Option<SystemAccount>>,
}

/// A live login session as listed: its id (the hex of the SHA-256 of its
/// token, which reveals nothing of the token) and times.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionInfo {
    pub id: String,
    pub created_at: i64,
    pub expires_at: i64,
}

impl SessionInfo {
    fn of(session: &LoginSession) -> SessionInfo {
        SessionInfo {
            id: hex::encode(session.token_hash),
            created_at: session.created_at,
            expires_at: session.expires_at,
        }
    }
}

/// A session id as [`SessionInfo::id`] gives it; -400 for anything else.
pub fn parse_session_id(id: &str) -> Result<[u8; 32], Error> {
    let mut hash = [0u8; 32];
    hex::decode_to_slice(id.trim(), &mut hash)
        .map_err(|_| Error::bad_request("session id must be 64 hex digits"))?;
    Ok(hash)
}

/// A new login session: the cookies a client sends back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionTokens {
    pub mid: Mid,
    pub sessdata: String,
    pub bili_jct: String,
    /// `DedeUserID__ckMd5`: 16 hex characters bound to the mid (Bilibili
    /// derives it from the mid too); set with the other cookies, never read.
    pub ck_md5: String,
    /// `sid`: 8 characters bound to the session; set, never read.
    pub sid: String,
    /// Unix seconds after which the session is no longer accepted.
    pub expires: i64,
}

/// Accounts and sessions.
pub struct AccountService {
    store: Arc<dyn Store>,
    clock: Arc<dyn Clock>,
    /// The HMAC under the server key, its key blocks hashed once: every
    /// POST checks a `bili_jct` with it.
    server_key: Hmac<Sha256>,
    session_ttl_secs: i64,
    /// Most QR logins outstanding at once.
    max_pending_qr_logins: u64,
    guard: Arc<Guard>,
    hasher: Hasher,
    /// The sessions recently found live.
    logins: Arc<LoginCache>,
    events: Arc<EventBus>,
}

/// Password hashes that may wait for a hashing thread, per thread.
const HASH_QUEUE_PER_THREAD: usize = 32;

impl AccountService {
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        store: Arc<dyn Store>,
        clock: Arc<dyn Clock>,
        events: Arc<EventBus>,
        logins: Arc<LoginCache>,
        server_key: [u8; 32],
        session_ttl_secs: i64,
        max_pending_qr_logins: u64,
        guard: Arc<Guard>,
        hash_threads: usize,
    ) -> AccountService {
        let threads = if hash_threads == 0 {
            std::thread::available_parallelism().map_or(1, |n| n.get())
        } else {
            hash_threads
        };
        AccountService {
            store,
            clock,
            server_key: keyed(&server_key),
            session_ttl_secs,
            max_pending_qr_logins,
            guard,
            hasher: Hasher::new(threads, threads * HASH_QUEUE_PER_THREAD),
            logins,
            events,
        }
    }

    /// Creates a user; -409 when the mid or the name is taken.
    pub async fn create_user(&self, account: NewAccount) -> Result<Mid, Error> {
        let password_hash = match account.password {
            Some(password) => Some(self.hasher.hash(password).await?),
            None => None,
        };
        let user = NewUser {
            mid: account.mid,
            uname: account.uname,
            password_hash,
            face: account.face,
            sign: account.sign,
            official_verify: account.official_verify,
            vip: account.vip,
            system: account.system,
            created_at: self.clock.now_secs(),
        };
        Ok(self
            .store
            .create_user(user, Box::new(decide_new_user))
            .await?)
    }

    /// What makes `mid` a system account, if it is one.
    pub async fn system_account(&self, mid: Mid) -> Result<Option<SystemAccount>, Error> {
        Ok(self.store.system_account(mid).await?)
    }

    /// Every system account (of `kind`, when given), by mid, with its name.
    pub async fn system_accounts(
        &self,
        kind: Option<SystemKind>,
    ) -> Result<Vec<(Mid, String, SystemAccount)>, Error> {
        Ok(self.store.system_accounts(kind).await?)
    }

    /// `system_msg` of `owner`'s `get_sessions` list of `session_type`:
    /// when the list shows system sessions, each kind of system account they
    /// have a session with, and the newest such session's talker.
    pub async fn system_msg(
        &self,
        owner: Mid,
        session_type: i64,
    ) -> Result<Vec<(SystemKind, Mid)>, Error> {
        if !crate::domain::system::lists_system_sessions(session_type) {
            return Ok(Vec::new());
        }
        let sessions = self.store.system_sessions(owner).await?;
        Ok(crate::domain::system::system_msg(&sessions))
    }

    /// Changes a profile; 40061 for an unknown (or deleted) user, -409 for a
    /// taken name. A new password ends every session of the user.
    pub async fn update_user(&self, mid: Mid, change: ProfileChange) -> Result<(), Error> {
        self.update_user_keeping(mid, change, None).await
    }

    async fn update_user_keeping(
        &self,
        mid: Mid,
        change: ProfileChange,
        keep_session: Option<[u8; 32]>,
    ) -> Result<(), Error> {
        let password_hash = match change.password {
            Some(password) => Some(self.hasher.hash(password).await?),
            None => None,
        };
        let update = ProfileUpdate {
            uname: change.uname,
            password_hash,
            face: change.face.map(|f| (!f.is_empty()).then_some(f)),
            sign: change.sign,
            official_verify: change.official_verify,
            vip: change.vip,
            system: change.system,
            keep_session,
        };
        let new_password = update.password_hash.is_some();
        let updated = self
            .store
            .update_user(mid, update, Box::new(decide_profile_update))
            .await;
        if new_password {
            // Whatever the outcome: forgetting too much only costs a lookup.
            self.logins_ended(EndedLogins::AllOf {
                mid,
                but: keep_session,
            })
            .await;
        }
        Ok(updated?)
    }

    pub async fn profile(&self, mid: Mid) -> Result<Option<Profile>, Error> {
        Ok(self.store.profile(mid).await?)
    }

    /// Whether anyone has an account yet.
    pub async fn has_users(&self) -> Result<bool, Error> {
        Ok(!self
            .store
            .find_users(Box::new(|_| true), 1)
            .await?
            .is_empty())
    }

    /// The profiles of those of `mids` who exist, in the order asked.
    pub async fn profiles(&self, mids: &[Mid]) -> Result<Vec<Profile>, Error> {
        let mut found = Vec::with_capacity(mids.len());
        for &mid in mids {
            if let Some(profile) = self.store.profile(mid).await? {
                found.push(profile);
            }
        }
        Ok(found)
    }

    /// Users whose mid is `keyword` (first) or whose name contains it,
    /// ignoring case (see [`NameSearch`]); at most `limit`. A blank
    /// keyword finds nobody.
    pub async fn search_users(&self, keyword: &str, limit: usize) -> Result<Vec<Profile>, Error> {
        let keyword = keyword.trim();
        if keyword.is_empty() {
            return Ok(Vec::new());
        }
        let mut found = Vec::new();
        if let Some(mid) = keyword.parse::<u64>().ok().and_then(Mid::new) {
            found.extend(self.store.profile(mid).await?);
        }
        let search = NameSearch::new(Some(keyword));
        for profile in self
            .store
            .find_users(Box::new(move |name| search.matches(name)), limit)
            .await?
        {
            if found.len() < limit && !found.iter().any(|p| p.mid == profile.mid) {
                found.push(profile);
            }
        }
        Ok(found)
    }

    /// Logs in with a user name (or a mid) and a password from `from`:
    /// -653 when either is empty, -625 while the address or the account is
    /// throttled, -629 when they do not match.
    pub async fn login(
        &self,
        username: &str,
        password: String,
        from: IpAddr,
    ) -> Result<SessionTokens, Error> {
        let username = username.trim();
        if username.is_empty() || password.is_empty() {
            return Err(Code::EmptyCredentials.into());
        }
        let address = self.guard.login_from(from).await?;
        let credentials = self
            .store
            .credentials(username.to_owned(), Mid::parse(username))
            .await?;
        let (mid, hash, state) = match credentials {
            Some(c) => (Some(c.mid), c.password_hash, c.state),
            None => (None, None, AccountState::Active),
        };
        // Unknown names are throttled like accounts, so that the answers
        // do not tell which exist.
        let account = self
            .guard
            .login_to(&mid.map_or_else(|| username.to_owned(), |m| m.to_string()))
            .await?;
        // Verify even when there is no such user, so timing does not tell.
        let verified = self.hasher.verify(password, hash).await?;
        match (mid, verified) {
            // Only the right password learns that the account is disabled.
            (Some(_), true) if state == AccountState::Disabled => {
                Err(Refusal::new(Code::AccountDisabled, "account disabled").into())
            }
            (Some(mid), true) => {
                let tokens = self.start_session(mid).await?;
                self.guard.logged_in(address, account).await;
                Ok(tokens)
            }
            _ => {
                self.guard.login_failed(address, account).await;
                Err(Refusal::new(Code::WrongPassword, "wrong credentials").into())
            }
        }
    }

    /// The caller changes their own password: -629 (throttled like a
    /// login, -625) when `old` is wrong. Every other session of theirs ends.
    pub async fn change_password(
        &self,
        mid: Mid,
        token: &str,
        old: String,
        new: String,
    ) -> Result<(), Error> {
        let account = self.guard.login_to(&mid.to_string()).await?;
        let hash = self
            .store
            .credentials(String::new(), Some(mid))
            .await?
            .and_then(|c| c.password_hash);
        // An account without a password (made by an administrator) has no
        // old password to give: only the admin API can set its first one.
        if !self.hasher.verify(old, hash).await? {
            self.guard.password_failed(account).await;
            return Err(Refusal::new(Code::WrongPassword, "wrong old password").into());
        }
        self.guard.password_confirmed(account).await;
        let change = ProfileChange {
            password: Some(new),
            ..ProfileChange::default()
        };
        self.update_user_keeping(mid, change, Some(token_hash(token)))
            .await
    }

    /// Users by mid after `after`, at most `limit`, deleted ones included
    /// (as stored: the admin API shows a deleted one's state).
    pub async fn users(&self, after: Option<Mid>, limit: u64) -> Result<Vec<Profile>, Error> {
        Ok(self.store.users(after, limit).await?)
    }

    /// Disables, enables or deletes `mid` (40061 for no user or a deleted
    /// one). Disabling and deleting end every session at once.
    pub async fn set_state(&self, mid: Mid, state: AccountState) -> Result<(), Error> {
        let changed = self
            .store
            .set_account_state(
                mid,
                state,
                self.clock.now_secs(),
                Box::new(decide_state_change),
            )
            .await;
        if state != AccountState::Active {
            self.logins_ended(EndedLogins::AllOf { mid, but: None })
                .await;
        }
        Ok(changed?)
    }

    /// Starts a login session for `mid` (40061 when there is no such user).
    pub async fn start_session(&self, mid: Mid) -> Result<SessionTokens, Error> {
        let (tokens, session) = self.new_session(mid, self.clock.now_secs());
        self.store
            .create_login(session, Box::new(decide_login))
            .await?;
        Ok(tokens)
    }

    /// A fresh session for `mid` starting at `now`: the cookies to hand
    /// out, and what the store keeps of them.
    fn new_session(&self, mid: Mid, now: i64) -> (SessionTokens, LoginSession) {
        let token = random_hex(32);
        let expires = now + self.session_ttl_secs;
        let session = LoginSession {
            token_hash: token_hash(&token),
            mid,
            created_at: now,
            expires_at: expires,
        };
        let tokens = SessionTokens {
            mid,
            bili_jct: csrf_token(&self.server_key, &token),
            ck_md5: keyed_hex(
                &self.server_key,
                b"DedeUserID__ckMd5",
                mid.to_string().as_bytes(),
                8,
            ),
            sid: keyed_hex(&self.server_key, b"sid", token.as_bytes(), 4),
            sessdata: token,
            expires,
        };
        (tokens, session)
    }

    /// Whether `presented` is the `bili_jct` of the session `token`.
    pub fn csrf_matches(&self, token: &str, presented: &str) -> bool {
        csrf_token(&self.server_key, token)
            .as_bytes()
            .ct_eq(presented.trim().as_bytes())
            .into()
    }

    /// Unix seconds now.
    pub fn now_secs(&self) -> i64 {
        self.clock.now_secs()
    }
}

/// The HMAC keyed with the server key.
fn keyed(server_key: &[u8; 32]) -> Hmac<Sha256> {
    Hmac::<Sha256>::new_from_slice(server_key).expect("any key length")
}

/// SHA-256 of a SESSDATA token, the form in which sessions are stored.
fn token_hash(token: &str) -> [u8; 32] {
    Sha256::digest(token.as_bytes()).into()
}

/// The `bili_jct` bound to a SESSDATA token: 32 hex characters, as Bilibili's.
fn csrf_token(server_key: &Hmac<Sha256>, token: &str) -> String {
    keyed_hex(server_key, b"bili_jct", token.as_bytes(), 16)
}

/// `bytes` bytes of an HMAC of `value` under the server key, for `label`, in hex.
fn keyed_hex(server_key: &Hmac<Sha256>, label: &[u8], value: &[u8], bytes: usize) -> String {
    let mut mac = server_key.clone();
    mac.update(label);
    mac.update(b"\0");
    mac.update(value);
    hex::encode(&mac.finalize().into_bytes()[..bytes])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csrf_tokens_depend_on_the_session_and_the_key() {
        let key = keyed(&[7u8; 32]);
        let a = csrf_token(&key, "token-a");
        assert_eq!(a.len(), 32);
        assert!(a.chars().all(|c| c.is_ascii_hexdigit()));
        assert_eq!(a, csrf_token(&key, "token-a"));
        assert_ne!(a, csrf_token(&key, "token-b"));
        assert_ne!(a, csrf_token(&keyed(&[8u8; 32]), "token-a"));
    }
}
