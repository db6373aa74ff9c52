//! Accounts, profiles and login sessions in PostgreSQL (system accounts in
//! `system.rs`, the writes of a user in `writes.rs`, pending QR logins in
//! `qrlogins.rs`).

use async_trait::async_trait;
use deadpool_postgres::GenericClient;
use sixin_api::account::{OfficialVerify, VipInput};
use tokio_postgres::Row;

mod system;
mod writes;

use system::set_system;
pub(super) use system::{system_at, SYSTEM_COLUMNS};
pub(super) use writes::insert_login;
use writes::{create_user, end_logins, set_state, update_user};

use super::{execute, int, lock, qrlogins, query, query_opt, Lock, Postgres};
use crate::domain::account::{AccountState, ProfileFacts, UserFacts};
use crate::domain::qrlogin::{QrLogin, QrState};
use crate::domain::system::{SystemAccount, SystemKind};
use crate::domain::{Mid, Profile};
use crate::store::accounts::{
    AccountStore, Credentials, EndLogins, LoginSession, NewUser, ProfileUpdate,
};
use crate::store::relations::NameFilter;
use crate::store::{Decide, StoreError};

/// The columns [`profile_at`] reads, prefixed with `u.`.
pub(super) const PROFILE_COLUMNS: &str = "u.mid, u.uname, u.face, u.sign, u.official_type, \
     u.official_desc, u.vip_type, u.vip_due_date, u.vip_status, u.state";

/// How many columns [`PROFILE_COLUMNS`] are.
pub(super) const PROFILE_WIDTH: usize = 10;

/// Reads the [`PROFILE_WIDTH`] profile columns starting at `at`.
pub(super) fn profile_at(row: &Row, at: usize) -> Profile {
    Profile {
        mid: Mid::from_i64(row.get(at)),
        uname: row.get(at + 1),
        face: row.get(at + 2),
        sign: row.get(at + 3),
        official_verify: OfficialVerify {
            kind: row.get(at + 4),
            desc: row.get(at + 5),
        },
        vip: VipInput {
            vip_type: row.get(at + 6),
            vip_due_date: row.get(at + 7),
            vip_status: row.get(at + 8),
        },
        state: AccountState::from_code(row.get(at + 9)),
    }
}

/// Whether a user exists (deleted or not).
pub(super) async fn user_exists(c: &impl GenericClient, mid: Mid) -> Result<bool, StoreError> {
    Ok(
        query_opt(c, "SELECT 1 FROM users WHERE mid = $1", &[&mid.as_i64()])
            .await?
            .is_some(),
    )
}

/// A user's state; `None` when there is no such user.
pub(super) async fn user_state(
    c: &impl GenericClient,
    mid: Mid,
) -> Result<Option<AccountState>, StoreError> {
    Ok(query_opt(
        c,
        "SELECT state FROM users WHERE mid = $1",
        &[&mid.as_i64()],
    )
    .await?
    .map(|r| AccountState::from_code(r.get(0))))
}
#[async_trait]
impl AccountStore for Postgres {
    async fn create_user(
        &self,
        user: NewUser,
        decide: Decide<UserFacts, Mid>,
    ) -> Result<Mid, StoreError> {
        let mut client = self.client().await?;
        let tx = client.transaction().await?;
        let mid = create_user(&tx, &user, decide).await?;
        tx.commit().await?;
        Ok(mid)
    }

    async fn update_user(
        &self,
        mid: Mid,
        update: ProfileUpdate,
        decide: Decide<ProfileFacts, ()>,
    ) -> Result<(), StoreError> {
        let mut client = self.client().await?;
        let tx = client.transaction().await?;
        update_user(&tx, mid, &update, decide).await?;
        Ok(tx.commit().await?)
    }

    async fn profile(&self, mid: Mid) -> Result<Option<Profile>, StoreError> {
        let client = self.client().await?;
        let row = query_opt(
            &client,
            &format!("SELECT {PROFILE_COLUMNS} FROM users u WHERE u.mid = $1"),
            &[&mid.as_i64()],
        )
        .await?;
        Ok(row.map(|r| profile_at(&r, 0)))
    }

    async fn find_users(
        &self,
        filter: NameFilter,
        limit: usize,
    ) -> Result<Vec<Profile>, StoreError> {
        const BATCH: i64 = 500;
        let client = self.client().await?;
        let sql = format!(
            "SELECT {PROFILE_COLUMNS} FROM users u WHERE u.mid > $1 ORDER BY u.mid LIMIT $2"
        );
        let mut found = Vec::new();
        let mut after = 0i64;
        while found.len() < limit {
            let rows = query(&client, &sql, &[&after, &BATCH]).await?;
            for row in &rows {
                let profile = profile_at(row, 0);
                after = profile.mid.as_i64();
                if found.len() < limit && filter(&profile.uname) {
                    found.push(profile);
                }
            }
            if (rows.len() as i64) < BATCH {
                break;
            }
        }
        Ok(found)
    }

    async fn system_account(&self, mid: Mid) -> Result<Option<SystemAccount>, StoreError> {
        system::system_account(self, mid).await
    }

    async fn system_accounts(
        &self,
        kind: Option<SystemKind>,
    ) -> Result<Vec<(Mid, String, SystemAccount)>, StoreError> {
        system::system_accounts(self, kind).await
    }

    async fn system_sessions(&self, owner: Mid) -> Result<Vec<(Mid, SystemAccount)>, StoreError> {
        system::system_sessions(self, owner).await
    }

    async fn credentials(
        &self,
        uname: String,
        mid: Option<Mid>,
    ) -> Result<Option<Credentials>, StoreError> {
        let client = self.client().await?;
        let row = query_opt(
            &client,
            "SELECT mid, password_hash, state FROM users WHERE uname = $1 OR mid = $2 LIMIT 1",
            &[&uname, &mid.map(Mid::as_i64)],
        )
        .await?;
        Ok(row.map(|r| Credentials {
            mid: Mid::from_i64(r.get(0)),
            password_hash: r.get(1),
            state: AccountState::from_code(r.get(2)),
        }))
    }

    async fn users(&self, after: Option<Mid>, limit: u64) -> Result<Vec<Profile>, StoreError> {
        let client = self.client().await?;
        let rows = query(
            &client,
            &format!(
                "SELECT {PROFILE_COLUMNS} FROM users u WHERE u.mid > $1 ORDER BY u.mid LIMIT $2"
            ),
            &[&after.map_or(0, Mid::as_i64), &int(limit)],
        )
        .await?;
        Ok(rows.iter().map(|r| profile_at(r, 0)).collect())
    }

    async fn set_account_state(
        &self,
        mid: Mid,
        state: AccountState,
        now: i64,
        decide: Decide<Option<AccountState>, ()>,
    ) -> Result<(), StoreError> {
        let mut client = self.client().await?;
        let tx = client.transaction().await?;
        set_state(&tx, mid, state, now, decide).await?;
        Ok(tx.commit().await?)
    }

    async fn create_login(
        &self,
        session: LoginSession,
        decide: Decide<Option<AccountState>, ()>,
    ) -> Result<(), StoreError> {
        let mut client = self.client().await?;
        let tx = client.transaction().await?;
        // A state change holds this lock: the session is made before it
        // (and ended by it) or refused after it.
        lock(&tx, &[Lock::User(session.mid)]).await?;
        decide(&user_state(&tx, session.mid).await?)?;
        insert_login(&tx, &session).await?;
        Ok(tx.commit().await?)
    }

    async fn logins(&self, mid: Mid, now: i64) -> Result<Vec<LoginSession>, StoreError> {
        let client = self.client().await?;
        let rows = query(
            &client,
            "SELECT token_hash, created_at, expires_at FROM login_sessions
             WHERE mid = $1 AND expires_at > $2
             ORDER BY created_at DESC, token_hash",
            &[&mid.as_i64(), &now],
        )
        .await?;
        Ok(rows
            .iter()
            .map(|r| {
                let hash: &[u8] = r.get(0);
                LoginSession {
                    token_hash: hash.try_into().unwrap_or([0; 32]),
                    mid,
                    created_at: r.get(1),
                    expires_at: r.get(2),
                }
            })
            .collect())
    }

    async fn end_logins(&self, mid: Mid, which: EndLogins) -> Result<u64, StoreError> {
        let client = self.client().await?;
        end_logins(&client, mid, which).await
    }

    async fn login(
        &self,
        token_hash: [u8; 32],
        now: i64,
    ) -> Result<Option<LoginSession>, StoreError> {
        let client = self.client().await?;
        let row = query_opt(
            &client,
            "SELECT mid, created_at, expires_at FROM login_sessions
             WHERE token_hash = $1 AND expires_at > $2",
            &[&&token_hash[..], &now],
        )
        .await?;
        Ok(row.map(|r| LoginSession {
            token_hash,
            mid: Mid::from_i64(r.get(0)),
            created_at: r.get(1),
            expires_at: r.get(2),
        }))
    }

    async fn delete_login(&self, token_hash: [u8; 32]) -> Result<(), StoreError> {
        let client = self.client().await?;
        execute(
            &client,
            "DELETE FROM login_sessions WHERE token_hash = $1",
            &[&&token_hash[..]],
        )
        .await?;
        Ok(())
    }

    async fn create_qr_login(
        &self,
        login: QrLogin,
        decide: Decide<u64, ()>,
    ) -> Result<(), StoreError> {
        let mut client = self.client().await?;
        let tx = client.transaction().await?;
        qrlogins::create(&tx, &login, decide).await?;
        Ok(tx.commit().await?)
    }

    async fn qr_login(&self, key_hash: [u8; 32]) -> Result<Option<QrLogin>, StoreError> {
        let client = self.client().await?;
        qrlogins::find(&client, key_hash, false).await
    }

    async fn update_qr_login(
        &self,
        key_hash: [u8; 32],
        decide: Decide<Option<QrLogin>, QrState>,
    ) -> Result<(), StoreError> {
        let mut client = self.client().await?;
        let tx = client.transaction().await?;
        qrlogins::update(&tx, key_hash, decide).await?;
        Ok(tx.commit().await?)
    }

    async fn redeem_qr_login(
        &self,
        key_hash: [u8; 32],
        session: LoginSession,
        decide: Decide<Option<QrLogin>, bool>,
    ) -> Result<bool, StoreError> {
        let mut client = self.client().await?;
        let tx = client.transaction().await?;
        let redeemed = qrlogins::redeem(&tx, key_hash, &session, decide).await?;
        tx.commit().await?;
        Ok(redeemed)
    }
}
