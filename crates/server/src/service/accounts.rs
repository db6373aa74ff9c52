//! Accounts: creating users and changing profiles, password login, and
//! the cookie sessions clients send back.
//!
//! `SESSDATA` is a random token; only its SHA-256 is stored. `bili_jct` is
//! not stored at all: it is an HMAC of the token under the server key, so it
//! is bound to the session and cannot be chosen freely. Every POST carries it
//! back as `csrf` (vc endpoints also as `csrf_token`). Secrets are compared in
//! constant time.

use std::sync::Arc;

use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};
use sixin_api::account::{OfficialVerify, VipInput};
use sixin_api::Code;
use subtle::ConstantTimeEq;

use super::passwords;
use crate::clock::Clock;
use crate::domain::account::{decide_login, decide_new_user, decide_profile_update};
use crate::domain::{Mid, Profile, Refusal, Uname};
use crate::error::Error;
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
}

/// A new login session: the cookies a client sends back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionTokens {
    pub mid: Mid,
    pub sessdata: String,
    pub bili_jct: String,
    /// Unix seconds after which the session is no longer accepted.
    pub expires: i64,
}

/// Accounts and sessions.
pub struct AccountService {
    store: Arc<dyn Store>,
    clock: Arc<dyn Clock>,
    server_key: [u8; 32],
    session_ttl_secs: i64,
}

impl AccountService {
    pub fn new(
        store: Arc<dyn Store>,
        clock: Arc<dyn Clock>,
        server_key: [u8; 32],
        session_ttl_secs: i64,
    ) -> AccountService {
        AccountService {
            store,
            clock,
            server_key,
            session_ttl_secs,
        }
    }

    /// Creates a user; -409 when the mid or the name is taken.
    pub async fn create_user(&self, account: NewAccount) -> Result<Mid, Error> {
        let password_hash = match account.password {
            Some(password) => Some(passwords::hash(password).await?),
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
            created_at: self.clock.now_secs(),
        };
        Ok(self
            .store
            .create_user(user, Box::new(decide_new_user))
            .await?)
    }

    /// Changes a profile; 40061 for an unknown user, -409 for a taken name.
    pub async fn update_user(&self, mid: Mid, change: ProfileChange) -> Result<(), Error> {
        let password_hash = match change.password {
            Some(password) => Some(passwords::hash(password).await?),
            None => None,
        };
        let update = ProfileUpdate {
            uname: change.uname,
            password_hash,
            face: change.face.map(|f| (!f.is_empty()).then_some(f)),
            sign: change.sign,
            official_verify: change.official_verify,
            vip: change.vip,
        };
        Ok(self
            .store
            .update_user(mid, update, Box::new(decide_profile_update))
            .await?)
    }

    pub async fn profile(&self, mid: Mid) -> Result<Option<Profile>, Error> {
        Ok(self.store.profile(mid).await?)
    }

    /// Logs in with a user name (or a mid) and a password: -653 when either
    /// is empty, -629 when they do not match.
    pub async fn login(&self, username: &str, password: String) -> Result<SessionTokens, Error> {
        let username = username.trim();
        if username.is_empty() || password.is_empty() {
            return Err(Code::EmptyCredentials.into());
        }
        let credentials = self
            .store
            .credentials(username.to_owned(), Mid::parse(username))
            .await?;
        let (mid, hash) = match credentials {
            Some((mid, hash)) => (Some(mid), hash),
            None => (None, None),
        };
        // Verify even when there is no such user, so timing does not tell.
        let verified = passwords::verify(password, hash).await?;
        match (mid, verified) {
            (Some(mid), true) => self.start_session(mid).await,
            _ => Err(Refusal::new(Code::WrongPassword, "wrong credentials").into()),
        }
    }

    /// Starts a login session for `mid` (40061 when there is no such user).
    pub async fn start_session(&self, mid: Mid) -> Result<SessionTokens, Error> {
        let token = random_hex(32);
        let now = self.clock.now_secs();
        let expires = now + self.session_ttl_secs;
        let session = LoginSession {
            token_hash: token_hash(&token),
            mid,
            created_at: now,
            expires_at: expires,
        };
        self.store
            .create_login(session, Box::new(decide_login))
            .await?;
        Ok(SessionTokens {
            mid,
            bili_jct: csrf_token(&self.server_key, &token),
            sessdata: token,
            expires,
        })
    }

    /// The user whose live session `token` is.
    pub async fn authenticate(&self, token: &str) -> Result<Option<Mid>, Error> {
        let session = self
            .store
            .login(token_hash(token), self.clock.now_secs())
            .await?;
        Ok(session.map(|s| s.mid))
    }

    /// Whether `presented` is the `bili_jct` of the session `token`.
    pub fn csrf_matches(&self, token: &str, presented: &str) -> bool {
        csrf_token(&self.server_key, token)
            .as_bytes()
            .ct_eq(presented.trim().as_bytes())
            .into()
    }

    /// Ends the session `token`.
    pub async fn logout(&self, token: &str) -> Result<(), Error> {
        Ok(self.store.delete_login(token_hash(token)).await?)
    }

    /// Unix seconds now.
    pub fn now_secs(&self) -> i64 {
        self.clock.now_secs()
    }
}

/// SHA-256 of a SESSDATA token, the form in which sessions are stored.
fn token_hash(token: &str) -> [u8; 32] {
    Sha256::digest(token.as_bytes()).into()
}

/// The `bili_jct` bound to a SESSDATA token: 32 hex characters, as Bilibili's.
fn csrf_token(server_key: &[u8; 32], token: &str) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(server_key).expect("any key length");
    mac.update(b"bili_jct\0");
    mac.update(token.as_bytes());
    hex::encode(&mac.finalize().into_bytes()[..16])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csrf_tokens_depend_on_the_session_and_the_key() {
        let key = [7u8; 32];
        let a = csrf_token(&key, "token-a");
        assert_eq!(a.len(), 32);
        assert!(a.chars().all(|c| c.is_ascii_hexdigit()));
        assert_eq!(a, csrf_token(&key, "token-a"));
        assert_ne!(a, csrf_token(&key, "token-b"));
        assert_ne!(a, csrf_token(&[8u8; 32], "token-a"));
    }
}
