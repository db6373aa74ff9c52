//! Users, logins, follows and messages made through the API (the admin API
//! and the users' own endpoints), many at once. Names carry a prefix unique
//! to the run, so a bench against a running server never meets its own
//! earlier users.

use std::sync::Arc;

use futures_util::stream::{self, StreamExt, TryStreamExt};
use sixin_api::admin::CreateUser;
use sixin_client::{Client, EnvelopeExt, RelationAct};

/// Requests in flight at once while provisioning.
const AT_ONCE: usize = 32;

/// A logged-in user.
#[derive(Clone)]
pub struct User {
    pub mid: u64,
    /// The `Cookie` header of the user's session.
    pub cookie: Arc<str>,
    pub csrf: Arc<str>,
    pub client: Client,
}

/// Provisions through one server's admin API.
pub struct Provisioner {
    pub admin: Client,
    base: String,
    prefix: String,
    next: std::sync::atomic::AtomicU64,
}

impl Provisioner {
    pub fn new(base: &str, admin_token: &str) -> Provisioner {
        let salt = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_micros() % 1_000_000_000)
            .unwrap_or_default();
        Provisioner {
            admin: Client::new(base).with_admin_token(admin_token),
            base: base.to_owned(),
            prefix: format!("b{salt:x}_"),
            next: std::sync::atomic::AtomicU64::new(0),
        }
    }

    /// Creates `n` users named after `role` and logs each in.
    pub async fn users(&self, role: &str, n: usize) -> Result<Vec<User>, String> {
        stream::iter(0..n)
            .map(|_| self.user(role))
            .buffered(AT_ONCE)
            .try_collect()
            .await
    }

    /// Creates one user and logs them in.
    pub async fn user(&self, role: &str) -> Result<User, String> {
        let i = self.next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let uname = format!("{}{role}{i}", self.prefix);
        let created = self
            .admin
            .create_user(&CreateUser {
                uname: uname.clone(),
                ..CreateUser::default()
            })
            .await
            .map_err(|e| e.to_string())?
            .into_data()
            .map_err(|e| format!("creating {uname}: {e}"))?;
        self.login(created.mid).await
    }

    /// A new session of an existing user.
    pub async fn login(&self, mid: u64) -> Result<User, String> {
        let cookies = self
            .admin
            .create_session(mid)
            .await
            .map_err(|e| e.to_string())?
            .into_data()
            .map_err(|e| format!("logging {mid} in: {e}"))?;
        Ok(User {
            mid,
            cookie: cookies.cookie_header().into(),
            csrf: cookies.bili_jct.clone().into(),
            client: Client::new(&self.base).with_cookies(cookies),
        })
    }
}

/// Makes every `(follower, followed)` pair a follow.
pub async fn follow_all(pairs: Vec<(&User, u64)>) -> Result<(), String> {
    stream::iter(pairs)
        .map(|(user, fid)| async move {
            user.client
                .modify_relation(fid, RelationAct::Follow)
                .await
                .map_err(|e| e.to_string())?
                .into_data_or_unit()
                .map_err(|e| format!("{} following {fid}: {e}", user.mid))
        })
        .buffer_unordered(AT_ONCE)
        .try_collect::<Vec<()>>()
        .await
        .map(|_| ())
}

/// Makes each pair follow each other.
pub async fn befriend(pairs: &[(User, User)]) -> Result<(), String> {
    let mut follows = Vec::new();
    for (a, b) in pairs {
        follows.push((a, b.mid));
        follows.push((b, a.mid));
    }
    follow_all(follows).await
}

/// Sends one text message for each `(sender, receiver, text)`.
pub async fn send_all(messages: Vec<(&User, u64, String)>) -> Result<(), String> {
    stream::iter(messages)
        .map(|(user, to, text)| async move {
            user.client
                .send_text(to, &text)
                .await
                .map_err(|e| e.to_string())?
                .into_data()
                .map(|_| ())
                .map_err(|e| format!("{} sending to {to}: {e}", user.mid))
        })
        .buffer_unordered(AT_ONCE)
        .try_collect::<Vec<()>>()
        .await
        .map(|_| ())
}

/// The newest seqno of `user`'s conversation with `talker` (0 when none):
/// how many messages it holds.
pub async fn max_seqno(user: &User, talker: u64) -> Result<u64, String> {
    let history = user
        .client
        .fetch_session_msgs(talker, Some(1), None, None)
        .await
        .map_err(|e| e.to_string())?
        .into_data()
        .map_err(|e| format!("history of {} with {talker}: {e}", user.mid))?;
    Ok(history.max_seqno)
}

/// Success of an envelope without data.
pub trait UnitEnvelope {
    fn into_data_or_unit(self) -> Result<(), String>;
}

impl UnitEnvelope for sixin_api::Envelope<()> {
    fn into_data_or_unit(self) -> Result<(), String> {
        if self.code == 0 {
            Ok(())
        } else {
            Err(format!("api error {}: {}", self.code, self.message))
        }
    }
}
