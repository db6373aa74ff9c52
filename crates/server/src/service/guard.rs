//! Throttles against guessing (rules in `domain::throttle`): password
//! logins per account and per client address, QR-code logins per address
//! (new keys, and polls of dead keys), wrong admin tokens per address.
//!
//! The strikes are stored (`store::throttles`), like the send rates: a
//! limit holds across restarts and across the nodes sharing a database.
//! Password logins and new QR-code keys are counted when they start, in
//! the store, so that concurrent attempts (on any node) cannot all slip
//! past the count; a login that succeeds gives its attempt back. Polls
//! and admin tokens, cheap to check and mostly right, are checked with a
//! read and counted only when they fail, so that a well-behaved client
//! costs no write.

use std::net::IpAddr;
use std::sync::Arc;

use sixin_api::Code;

use crate::clock::Clock;
use crate::domain::throttle::{ThrottleKey, ThrottleKind, ThrottleRule, Verdict};
use crate::domain::Refusal;
use crate::error::Error;
use crate::store::Store;

/// The rules of every throttle.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GuardLimits {
    /// Failed password logins per account (by mid, or by the name given
    /// when there is no such user).
    pub login_account: ThrottleRule,
    /// Failed password logins per client address.
    pub login_address: ThrottleRule,
    /// QR-code login keys generated per client address.
    pub qr_generate: ThrottleRule,
    /// Polls of unknown, expired or used QR-code keys per client address.
    pub qr_poll: ThrottleRule,
    /// Wrong admin tokens per client address.
    pub admin: ThrottleRule,
}

impl GuardLimits {
    /// The defaults, with `account` and `address` free login failures.
    pub fn with_login_failures(account: u32, address: u32) -> GuardLimits {
        const MINUTE: i64 = 60_000;
        let rule = |free, drain_ms| ThrottleRule {
            free,
            drain_ms,
            base_delay_ms: 1_000,
            max_delay_ms: 15 * MINUTE,
        };
        GuardLimits {
            login_account: rule(account, 5 * MINUTE),
            login_address: rule(address, MINUTE),
            qr_generate: rule(10, 30_000),
            qr_poll: rule(30, 10_000),
            admin: rule(10, MINUTE),
        }
    }
}

impl Default for GuardLimits {
    fn default() -> Self {
        GuardLimits::with_login_failures(5, 20)
    }
}

/// A counted attempt: give it back with [`Guard::logged_in`] and friends
/// when it turns out fine.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attempt(ThrottleKey);

/// Every throttle.
pub struct Guard {
    limits: GuardLimits,
    store: Arc<dyn Store>,
    clock: Arc<dyn Clock>,
}

fn shut(code: Code, what: &str, verdict: Verdict) -> Result<(), Refusal> {
    match verdict {
        Verdict::Allowed => Ok(()),
        Verdict::Shut { retry_after_ms } => Err(Refusal::new(
            code,
            format!("{what}: retry after {} s", (retry_after_ms + 999) / 1000),
        )),
    }
}

impl Guard {
    pub fn new(limits: GuardLimits, store: Arc<dyn Store>, clock: Arc<dyn Clock>) -> Guard {
        Guard {
            limits,
            store,
            clock,
        }
    }

    fn now_ms(&self) -> i64 {
        self.clock.now_us().div_euclid(1000)
    }

    fn rule(&self, kind: ThrottleKind) -> ThrottleRule {
        match kind {
            ThrottleKind::LoginAccount => self.limits.login_account,
            ThrottleKind::LoginAddress => self.limits.login_address,
            ThrottleKind::QrGenerate => self.limits.qr_generate,
            ThrottleKind::QrPoll => self.limits.qr_poll,
            ThrottleKind::Admin => self.limits.admin,
        }
    }

    /// Counts an attempt under `key` unless the key is shut (then `code`,
    /// nothing counted).
    async fn attempt(
        &self,
        key: ThrottleKey,
        code: Code,
        what: &'static str,
    ) -> Result<Attempt, Error> {
        let rule = self.rule(key.kind);
        let now = self.now_ms();
        self.store
            .update_strikes(
                key.clone(),
                now,
                Box::new(move |stored| {
                    let mut next = *stored;
                    shut(code, what, next.attempt(&rule, now))?;
                    Ok(Some(next.remembered(&rule)))
                }),
            )
            .await?;
        Ok(Attempt(key))
    }

    /// Refuses with `code` while `key` is shut, counting nothing.
    async fn check(&self, key: &ThrottleKey, code: Code, what: &str) -> Result<(), Error> {
        let strikes = self.store.strikes(key.clone()).await?;
        Ok(shut(code, what, strikes.check(self.now_ms()))?)
    }

    /// Counts a failure under `key` after the fact (nothing when the key
    /// is shut by now: a refused attempt does not count).
    async fn failed(&self, key: ThrottleKey) -> Result<(), Error> {
        let rule = self.rule(key.kind);
        let now = self.now_ms();
        self.store
            .update_strikes(
                key,
                now,
                Box::new(move |stored| {
                    let mut next = *stored;
                    Ok(match next.attempt(&rule, now) {
                        Verdict::Allowed => Some(next.remembered(&rule)),
                        Verdict::Shut { .. } => None,
                    })
                }),
            )
            .await?;
        Ok(())
    }

    /// Gives back an attempt that succeeded; with `reset`, forgets every
    /// failure of its key.
    async fn forgive(&self, attempt: Attempt, reset: bool) -> Result<(), Error> {
        let rule = self.rule(attempt.0.kind);
        self.store
            .update_strikes(
                attempt.0,
                self.now_ms(),
                Box::new(move |stored| {
                    let mut next = *stored;
                    next.forgive(reset);
                    Ok(Some(next.remembered(&rule)))
                }),
            )
            .await?;
        Ok(())
    }

    /// A counted attempt turned out a failure: a delay it set runs from
    /// now (`Strikes::failed`), so that a slow check does not eat it.
    async fn attempt_failed(&self, attempt: Attempt) -> Result<(), Error> {
        let rule = self.rule(attempt.0.kind);
        let now = self.now_ms();
        self.store
            .update_strikes(
                attempt.0,
                now,
                Box::new(move |stored| {
                    let mut next = *stored;
                    next.failed(&rule, now);
                    // Nothing to write while the failures are free.
                    Ok((next != *stored).then(|| next.remembered(&rule)))
                }),
            )
            .await?;
        Ok(())
    }

    /// A password login from `addr`: -625 while the address is shut.
    pub async fn login_from(&self, addr: IpAddr) -> Result<Attempt, Error> {
        let key = ThrottleKey::address(ThrottleKind::LoginAddress, addr);
        self.attempt(key, Code::TooManyLoginFailures, "login address throttled")
            .await
    }

    /// A password login to `account` (a mid, or the name given when there
    /// is no such user): -625 while the account is shut.
    pub async fn login_to(&self, account: &str) -> Result<Attempt, Error> {
        let key = ThrottleKey::account(account);
        self.attempt(key, Code::TooManyLoginFailures, "login account throttled")
            .await
    }

    /// The login succeeded: the address gets its attempt back, the
    /// account's failures are forgotten. (A store failure here is logged,
    /// not answered: the login itself is done.)
    pub async fn logged_in(&self, from: Attempt, to: Attempt) {
        let (from, to) = tokio::join!(self.forgive(from, false), self.forgive(to, true));
        if let Err(err) = from.and(to) {
            tracing::warn!(error = %err, "could not give back a login attempt");
        }
    }

    /// The login failed (wrong password): delays its attempts set start
    /// now. (A store failure here is logged: the answer is -629 anyway, and
    /// the delays already run from the attempts' start.)
    pub async fn login_failed(&self, from: Attempt, to: Attempt) {
        let (from, to) = tokio::join!(self.attempt_failed(from), self.attempt_failed(to));
        if let Err(err) = from.and(to) {
            tracing::warn!(error = %err, "could not restart a login delay");
        }
    }

    /// A wrong old password was given for an account (changing it): a
    /// delay its attempt set starts now.
    pub async fn password_failed(&self, account: Attempt) {
        if let Err(err) = self.attempt_failed(account).await {
            tracing::warn!(error = %err, "could not restart a login delay");
        }
    }

    /// The right password was given for an account (changing it): its
    /// failures are forgotten.
    pub async fn password_confirmed(&self, account: Attempt) {
        if let Err(err) = self.forgive(account, true).await {
            tracing::warn!(error = %err, "could not forget an account's login failures");
        }
    }

    /// A new QR-code login key for `addr`: -799 while the address is shut.
    pub async fn qr_generate(&self, addr: IpAddr) -> Result<(), Error> {
        let key = ThrottleKey::address(ThrottleKind::QrGenerate, addr);
        self.attempt(key, Code::TooFrequent, "QR-code keys throttled")
            .await?;
        Ok(())
    }

    /// A QR-code poll from `addr`: -799 while the address is shut.
    pub async fn qr_poll(&self, addr: IpAddr) -> Result<(), Error> {
        let key = ThrottleKey::address(ThrottleKind::QrPoll, addr);
        self.check(&key, Code::TooFrequent, "QR-code polls throttled")
            .await
    }

    /// A poll from `addr` found no live key: a failure.
    pub async fn qr_poll_failed(&self, addr: IpAddr) -> Result<(), Error> {
        self.failed(ThrottleKey::address(ThrottleKind::QrPoll, addr))
            .await
    }

    /// An admin request presenting a token from `addr`: -799 while the
    /// address is shut.
    pub async fn admin_from(&self, addr: IpAddr) -> Result<(), Error> {
        let key = ThrottleKey::address(ThrottleKind::Admin, addr);
        self.check(&key, Code::TooFrequent, "admin token guesses throttled")
            .await
    }

    /// The admin token from `addr` was wrong: a failure.
    pub async fn admin_failed(&self, addr: IpAddr) -> Result<(), Error> {
        self.failed(ThrottleKey::address(ThrottleKind::Admin, addr))
            .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clock::ManualClock;

    async fn guard(limits: GuardLimits) -> (Guard, Arc<ManualClock>, tempfile::TempDir) {
        let dir = tempfile::tempdir().unwrap();
        let store = crate::store::open(
            crate::store::Backend {
                data_dir: dir.path(),
                readers: 1,
                database_url: None,
                connections: 1,
            },
            crate::metrics::WriterMetrics::detached(),
        )
        .await
        .unwrap();
        let clock = Arc::new(ManualClock::starting_now());
        (Guard::new(limits, store, clock.clone()), clock, dir)
    }

    fn code(result: Result<impl std::fmt::Debug, Error>) -> Code {
        match result {
            Err(Error::Refused(refusal)) => refusal.code,
            other => panic!("{other:?}"),
        }
    }

    #[tokio::test]
    async fn a_shut_address_is_refused_and_a_success_gives_back_its_attempt() {
        let (guard, clock, _dir) = guard(GuardLimits::with_login_failures(2, 3)).await;
        let addr: IpAddr = "192.0.2.7".parse().unwrap();
        for _ in 0..3 {
            guard.login_from(addr).await.unwrap();
        }
        // A success gives the fourth attempt back: the address stays open.
        let from = guard.login_from(addr).await.unwrap();
        let to = guard.login_to("1").await.unwrap();
        guard.logged_in(from, to).await;
        // A failure: its attempt is not given back.
        guard.login_from(addr).await.unwrap();
        assert_eq!(
            code(guard.login_from(addr).await),
            Code::TooManyLoginFailures
        );
        // Another address is not affected.
        guard
            .login_from("192.0.2.8".parse().unwrap())
            .await
            .unwrap();
        clock.advance_secs(2);
        guard.login_from(addr).await.unwrap();
    }

    #[tokio::test]
    async fn a_failed_login_shuts_from_when_it_is_known() {
        let (guard, clock, _dir) = guard(GuardLimits::with_login_failures(1, 100)).await;
        let addr: IpAddr = "192.0.2.10".parse().unwrap();
        for _ in 0..2 {
            let from = guard.login_from(addr).await.unwrap();
            let to = guard.login_to("7").await.unwrap();
            // The check takes longer than the 1 s delay the second sets.
            clock.advance_secs(3);
            guard.login_failed(from, to).await;
        }
        assert_eq!(code(guard.login_to("7").await), Code::TooManyLoginFailures);
        clock.advance_secs(1);
        guard.login_to("7").await.unwrap();
    }

    #[tokio::test]
    async fn checked_throttles_count_only_failures() {
        let limits = GuardLimits::default();
        let (guard, clock, _dir) = guard(limits).await;
        let addr: IpAddr = "192.0.2.9".parse().unwrap();
        // Right tokens and live polls cost nothing, however many.
        for _ in 0..100 {
            guard.admin_from(addr).await.unwrap();
            guard.qr_poll(addr).await.unwrap();
        }
        for _ in 0..=limits.admin.free {
            guard.admin_from(addr).await.unwrap();
            guard.admin_failed(addr).await.unwrap();
        }
        assert_eq!(code(guard.admin_from(addr).await), Code::TooFrequent);
        // Polls are throttled apart from admin tokens.
        guard.qr_poll(addr).await.unwrap();
        clock.advance_secs(1);
        guard.admin_from(addr).await.unwrap();
    }
}
