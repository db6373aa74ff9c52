//! QR-code login (rules in `domain::qrlogin`): a browser generates a key and
//! polls it; a logged-in user scans and confirms it; the next poll starts a
//! session for that user, exactly once.
//!
//! The key is 128 random bits in hex (32 characters, as Bilibili's); only
//! its SHA-256 is stored, like a session token. Every state lives in the
//! store, so any node on the same database can answer any step.

use std::net::IpAddr;

use sixin_api::Code;

use super::{token_hash, AccountService, SessionTokens};
use crate::domain::qrlogin::{
    decide_confirm, decide_new_qr_login, decide_redeem, decide_scan, poll_status, PollStatus,
    QrLogin, QrState,
};
use crate::domain::{Mid, Refusal};
use crate::error::Error;
use crate::secrets::random_hex;

/// What a poll tells the browser.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum QrPollOutcome {
    NotScanned,
    Scanned,
    /// Unknown, expired or already used.
    Expired,
    /// Confirmed: a new session for the confirming user.
    LoggedIn(SessionTokens),
}

/// Whether `key` looks like a key this server hands out; others cannot be
/// stored, so they need no lookup.
fn well_formed(key: &str) -> bool {
    key.len() == 32 && key.bytes().all(|b| b.is_ascii_hexdigit())
}

impl AccountService {
    /// A new QR login key for a browser at `from`; -799 when too many are
    /// outstanding, or `from` asked for too many.
    pub async fn generate_qr_login(&self, from: IpAddr) -> Result<String, Error> {
        self.guard.qr_generate(from).await?;
        let key = random_hex(16);
        let login = QrLogin::new(token_hash(&key), self.clock.now_secs());
        let cap = self.max_pending_qr_logins;
        self.store
            .create_qr_login(login, Box::new(move |n| decide_new_qr_login(n, cap)))
            .await?;
        Ok(key)
    }

    /// Polls `key`. The poll that finds it confirmed starts the confirming
    /// user's session and forgets the key, in one transaction, so that of
    /// any number of polls (on any node) exactly one logs in. Polls from
    /// `from` that find no live key are throttled (-799).
    pub async fn poll_qr_login(&self, key: &str, from: IpAddr) -> Result<QrPollOutcome, Error> {
        self.guard.qr_poll(from).await?;
        let outcome = self.poll(key).await?;
        if outcome == QrPollOutcome::Expired {
            self.guard.qr_poll_failed(from).await?;
        }
        Ok(outcome)
    }

    async fn poll(&self, key: &str) -> Result<QrPollOutcome, Error> {
        if !well_formed(key) {
            return Ok(QrPollOutcome::Expired);
        }
        let key_hash = token_hash(key);
        let now = self.clock.now_secs();
        let found = self.store.qr_login(key_hash).await?;
        let mid = match poll_status(found.as_ref(), now) {
            PollStatus::NotScanned => return Ok(QrPollOutcome::NotScanned),
            PollStatus::Scanned => return Ok(QrPollOutcome::Scanned),
            PollStatus::Expired => return Ok(QrPollOutcome::Expired),
            PollStatus::Confirmed(mid) => mid,
        };
        let (tokens, session) = self.new_session(mid, now);
        let redeemed = self
            .store
            .redeem_qr_login(
                key_hash,
                session,
                Box::new(move |facts| Ok(decide_redeem(facts, mid, now))),
            )
            .await?;
        Ok(if redeemed {
            QrPollOutcome::LoggedIn(tokens)
        } else {
            QrPollOutcome::Expired
        })
    }

    /// `by` scans `key`: 86038 for a dead key, 86090 when someone else
    /// scanned it.
    pub async fn scan_qr_login(&self, key: &str, by: Mid) -> Result<(), Error> {
        self.advance_qr_login(key, by, decide_scan).await
    }

    /// `by` confirms `key`, which they scanned: 86101 before a scan, 86090
    /// when someone else scanned it, 86038 for a dead or confirmed key.
    pub async fn confirm_qr_login(&self, key: &str, by: Mid) -> Result<(), Error> {
        self.advance_qr_login(key, by, decide_confirm).await
    }

    async fn advance_qr_login(
        &self,
        key: &str,
        by: Mid,
        rule: fn(&Option<QrLogin>, Mid, i64) -> Result<QrState, Refusal>,
    ) -> Result<(), Error> {
        if !well_formed(key) {
            return Err(Refusal::new(Code::QrExpired, "malformed qrcode_key").into());
        }
        let now = self.clock.now_secs();
        self.store
            .update_qr_login(token_hash(key), Box::new(move |facts| rule(facts, by, now)))
            .await?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_keys_of_the_generated_shape_are_looked_up() {
        assert!(well_formed(&random_hex(16)));
        assert!(well_formed("0123456789ABCDEF0123456789abcdef"));
        assert!(!well_formed(""));
        assert!(!well_formed("0123456789abcdef"));
        assert!(!well_formed("0123456789abcdef0123456789abcdeg"));
    }
}
