//! Accounts, profiles and login sessions in SQLite (system accounts in `system.rs`, pending QR logins in `qrlogins.rs`).

use async_trait::async_trait;
use rusqlite::{params, Connection, OptionalExtension, Row};
use sixin_api::account::{OfficialVerify, VipInput};

mod system;

use system::set_system;
pub(super) use system::{system_at, SYSTEM_COLUMNS};

use super::{qrlogins, Sqlite};
use crate::domain::account::{deleted_uname, AccountState, ProfileFacts, UserFacts};
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
pub(super) fn profile_at(row: &Row<'_>, at: usize) -> rusqlite::Result<Profile> {
    Ok(Profile {
        mid: Mid::from_i64(row.get(at)?),
        uname: row.get(at + 1)?,
        face: row.get(at + 2)?,
        sign: row.get(at + 3)?,
        official_verify: OfficialVerify {
            kind: row.get(at + 4)?,
            desc: row.get(at + 5)?,
        },
        vip: VipInput {
            vip_type: row.get(at + 6)?,
            vip_due_date: row.get(at + 7)?,
            vip_status: row.get(at + 8)?,
        },
        state: AccountState::from_code(row.get(at + 9)?),
    })
}

/// Whether a user exists (deleted or not), on any connection.
pub(super) fn user_exists(conn: &Connection, mid: Mid) -> rusqlite::Result<bool> {
    conn.prepare_cached("SELECT 1 FROM users WHERE mid = ?1")?
        .exists([mid.as_i64()])
}

/// A user's state; `None` when there is no such user.
pub(super) fn user_state(conn: &Connection, mid: Mid) -> rusqlite::Result<Option<AccountState>> {
    conn.prepare_cached("SELECT state FROM users WHERE mid = ?1")?
        .query_row([mid.as_i64()], |r| Ok(AccountState::from_code(r.get(0)?)))
        .optional()
}

fn name_taken(conn: &Connection, uname: &str, other_than: Option<Mid>) -> rusqlite::Result<bool> {
    conn.prepare_cached("SELECT 1 FROM users WHERE uname = ?1 AND mid IS NOT ?2")?
        .exists(params![uname, other_than.map(Mid::as_i64)])
}

pub(super) fn create_user(
    conn: &Connection,
    user: &NewUser,
    decide: Decide<UserFacts, Mid>,
) -> Result<Mid, StoreError> {
    let wanted = match user.mid {
        Some(mid) => Some((mid, user_exists(conn, mid)?)),
        None => None,
    };
    let largest: i64 = conn
        .prepare_cached("SELECT COALESCE(MAX(mid), 0) FROM users")?
        .query_row([], |r| r.get(0))?;
    let facts = UserFacts {
        wanted,
        name_taken: name_taken(conn, user.uname.as_str(), None)?,
        largest: Mid::new(largest as u64),
    };
    let mid = decide(&facts)?;
    conn.prepare_cached(
        "INSERT INTO users (mid, uname, password_hash, face, sign, official_type,
            official_desc, vip_type, vip_due_date, vip_status, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
    )?
    .execute(params![
        mid.as_i64(),
        user.uname.as_str(),
        user.password_hash,
        user.face,
        user.sign,
        user.official_verify.kind,
        user.official_verify.desc,
        user.vip.vip_type,
        user.vip.vip_due_date,
        user.vip.vip_status,
        user.created_at,
    ])?;
    if let Some(system) = &user.system {
        set_system(conn, mid, Some(system))?;
    }
    Ok(mid)
}

fn update_user(
    conn: &Connection,
    mid: Mid,
    update: &ProfileUpdate,
    decide: Decide<ProfileFacts, ()>,
) -> Result<(), StoreError> {
    let exists = user_state(conn, mid)?.is_some_and(|s| s != AccountState::Deleted);
    let name_taken = match &update.uname {
        Some(uname) if exists => name_taken(conn, uname.as_str(), Some(mid))?,
        _ => false,
    };
    decide(&ProfileFacts { exists, name_taken })?;
    let set = |column: &str, value: &dyn rusqlite::ToSql| -> rusqlite::Result<()> {
        conn.execute(
            &format!("UPDATE users SET {column} = ?2 WHERE mid = ?1"),
            params![mid.as_i64(), value],
        )?;
        Ok(())
    };
    if let Some(uname) = &update.uname {
        set("uname", &uname.as_str())?;
    }
    if let Some(hash) = &update.password_hash {
        set("password_hash", hash)?;
        end_logins(conn, mid, EndLogins::AllBut(update.keep_session))?;
    }
    if let Some(face) = &update.face {
        set("face", face)?;
    }
    if let Some(sign) = &update.sign {
        set("sign", sign)?;
    }
    if let Some(ov) = &update.official_verify {
        set("official_type", &ov.kind)?;
        set("official_desc", &ov.desc)?;
    }
    if let Some(vip) = &update.vip {
        set("vip_type", &vip.vip_type)?;
        set("vip_due_date", &vip.vip_due_date)?;
        set("vip_status", &vip.vip_status)?;
    }
    if let Some(system) = &update.system {
        set_system(conn, mid, system.as_ref())?;
    }
    Ok(())
}

/// Ends some of `mid`'s sessions; how many.
fn end_logins(conn: &Connection, mid: Mid, which: EndLogins) -> rusqlite::Result<u64> {
    let n = match which {
        EndLogins::One(hash) => conn
            .prepare_cached("DELETE FROM login_sessions WHERE mid = ?1 AND token_hash = ?2")?
            .execute(params![mid.as_i64(), &hash[..]])?,
        EndLogins::AllBut(keep) => conn
            .prepare_cached("DELETE FROM login_sessions WHERE mid = ?1 AND token_hash IS NOT ?2")?
            .execute(params![mid.as_i64(), keep.as_ref().map(|h| &h[..])])?,
    };
    Ok(n as u64)
}

fn set_state(
    conn: &Connection,
    mid: Mid,
    state: AccountState,
    now: i64,
    decide: Decide<Option<AccountState>, ()>,
) -> Result<(), StoreError> {
    decide(&user_state(conn, mid)?)?;
    conn.prepare_cached("UPDATE users SET state = ?2, state_at = ?3 WHERE mid = ?1")?
        .execute(params![mid.as_i64(), state.code(), now])?;
    if state == AccountState::Active {
        return Ok(());
    }
    end_logins(conn, mid, EndLogins::AllBut(None))?;
    conn.prepare_cached("DELETE FROM qr_logins WHERE mid = ?1")?
        .execute([mid.as_i64()])?;
    if state == AccountState::Deleted {
        conn.prepare_cached(
            "UPDATE users SET uname = ?2, password_hash = NULL, face = NULL, sign = '',
                official_type = -1, official_desc = '', vip_type = 0, vip_due_date = 0,
                vip_status = 0
             WHERE mid = ?1",
        )?
        .execute(params![mid.as_i64(), deleted_uname(mid)])?;
        set_system(conn, mid, None)?;
    }
    Ok(())
}

/// Records a login session and forgets the user's sessions expired by its start.
pub(super) fn insert_login(conn: &Connection, session: &LoginSession) -> Result<(), StoreError> {
    conn.prepare_cached(
        "INSERT INTO login_sessions (token_hash, mid, created_at, expires_at)
         VALUES (?1, ?2, ?3, ?4)",
    )?
    .execute(params![
        &session.token_hash[..],
        session.mid.as_i64(),
        session.created_at,
        session.expires_at
    ])?;
    conn.prepare_cached("DELETE FROM login_sessions WHERE mid = ?1 AND expires_at <= ?2")?
        .execute(params![session.mid.as_i64(), session.created_at])?;
    Ok(())
}

#[async_trait]
impl AccountStore for Sqlite {
    async fn create_user(
        &self,
        user: NewUser,
        decide: Decide<UserFacts, Mid>,
    ) -> Result<Mid, StoreError> {
        self.write(move |conn| create_user(conn, &user, decide))
            .await
    }

    async fn update_user(
        &self,
        mid: Mid,
        update: ProfileUpdate,
        decide: Decide<ProfileFacts, ()>,
    ) -> Result<(), StoreError> {
        self.write(move |conn| update_user(conn, mid, &update, decide))
            .await
    }

    async fn profile(&self, mid: Mid) -> Result<Option<Profile>, StoreError> {
        self.read(move |conn| {
            Ok(conn
                .prepare_cached(&format!(
                    "SELECT {PROFILE_COLUMNS} FROM users u WHERE u.mid = ?1"
                ))?
                .query_row([mid.as_i64()], |r| profile_at(r, 0))
                .optional()?)
        })
        .await
    }

    async fn find_users(
        &self,
        filter: NameFilter,
        limit: usize,
    ) -> Result<Vec<Profile>, StoreError> {
        self.read(move |conn| {
            let mut stmt = conn.prepare_cached(&format!(
                "SELECT {PROFILE_COLUMNS} FROM users u ORDER BY u.mid"
            ))?;
            let mut rows = stmt.query([])?;
            let mut found = Vec::new();
            while found.len() < limit {
                let Some(row) = rows.next()? else { break };
                let profile = profile_at(row, 0)?;
                if filter(&profile.uname) {
                    found.push(profile);
                }
            }
            Ok(found)
        })
        .await
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
        self.read(move |conn| {
            Ok(conn
                .prepare_cached(
                    "SELECT mid, password_hash, state FROM users
                     WHERE uname = ?1 OR mid = ?2 LIMIT 1",
                )?
                .query_row(params![uname, mid.map(Mid::as_i64)], |r| {
                    Ok(Credentials {
                        mid: Mid::from_i64(r.get(0)?),
                        password_hash: r.get(1)?,
                        state: AccountState::from_code(r.get(2)?),
                    })
                })
                .optional()?)
        })
        .await
    }

    async fn users(&self, after: Option<Mid>, limit: u64) -> Result<Vec<Profile>, StoreError> {
        self.read(move |conn| {
            let mut stmt = conn.prepare_cached(&format!(
                "SELECT {PROFILE_COLUMNS} FROM users u WHERE u.mid > ?1 ORDER BY u.mid LIMIT ?2"
            ))?;
            let rows = stmt.query_map(
                params![
                    after.map_or(0, Mid::as_i64),
                    i64::try_from(limit).unwrap_or(i64::MAX)
                ],
                |r| profile_at(r, 0),
            )?;
            Ok(rows.collect::<Result<Vec<_>, _>>()?)
        })
        .await
    }

    async fn set_account_state(
        &self,
        mid: Mid,
        state: AccountState,
        now: i64,
        decide: Decide<Option<AccountState>, ()>,
    ) -> Result<(), StoreError> {
        self.write(move |conn| set_state(conn, mid, state, now, decide))
            .await
    }

    async fn create_login(
        &self,
        session: LoginSession,
        decide: Decide<Option<AccountState>, ()>,
    ) -> Result<(), StoreError> {
        self.write(move |conn| {
            decide(&user_state(conn, session.mid)?)?;
            insert_login(conn, &session)
        })
        .await
    }

    async fn logins(&self, mid: Mid, now: i64) -> Result<Vec<LoginSession>, StoreError> {
        self.read(move |conn| {
            let mut stmt = conn.prepare_cached(
                "SELECT token_hash, created_at, expires_at FROM login_sessions
                 WHERE mid = ?1 AND expires_at > ?2
                 ORDER BY created_at DESC, token_hash",
            )?;
            let rows = stmt.query_map(params![mid.as_i64(), now], |r| {
                let hash: Vec<u8> = r.get(0)?;
                let mut token_hash = [0u8; 32];
                if hash.len() == 32 {
                    token_hash.copy_from_slice(&hash);
                }
                Ok(LoginSession {
                    token_hash,
                    mid,
                    created_at: r.get(1)?,
                    expires_at: r.get(2)?,
                })
            })?;
            Ok(rows.collect::<Result<Vec<_>, _>>()?)
        })
        .await
    }

    async fn end_logins(&self, mid: Mid, which: EndLogins) -> Result<u64, StoreError> {
        self.write(move |conn| Ok(end_logins(conn, mid, which)?))
            .await
    }

    async fn login(
        &self,
        token_hash: [u8; 32],
        now: i64,
    ) -> Result<Option<LoginSession>, StoreError> {
        self.read(move |conn| {
            Ok(conn
                .prepare_cached(
                    "SELECT mid, created_at, expires_at FROM login_sessions
                     WHERE token_hash = ?1 AND expires_at > ?2",
                )?
                .query_row(params![&token_hash[..], now], |r| {
                    Ok(LoginSession {
                        token_hash,
                        mid: Mid::from_i64(r.get(0)?),
                        created_at: r.get(1)?,
                        expires_at: r.get(2)?,
                    })
                })
                .optional()?)
        })
        .await
    }

    async fn delete_login(&self, token_hash: [u8; 32]) -> Result<(), StoreError> {
        self.write(move |conn| {
            conn.prepare_cached("DELETE FROM login_sessions WHERE token_hash = ?1")?
                .execute([&token_hash[..]])?;
            Ok(())
        })
        .await
    }

    async fn create_qr_login(
        &self,
        login: QrLogin,
        decide: Decide<u64, ()>,
    ) -> Result<(), StoreError> {
        self.write(move |conn| qrlogins::create(conn, &login, decide))
            .await
    }

    async fn qr_login(&self, key_hash: [u8; 32]) -> Result<Option<QrLogin>, StoreError> {
        self.read(move |conn| qrlogins::find(conn, key_hash)).await
    }

    async fn update_qr_login(
        &self,
        key_hash: [u8; 32],
        decide: Decide<Option<QrLogin>, QrState>,
    ) -> Result<(), StoreError> {
        self.write(move |conn| qrlogins::update(conn, key_hash, decide))
            .await
    }

    async fn redeem_qr_login(
        &self,
        key_hash: [u8; 32],
        session: LoginSession,
        decide: Decide<Option<QrLogin>, bool>,
    ) -> Result<bool, StoreError> {
        self.write(move |conn| qrlogins::redeem(conn, key_hash, &session, decide))
            .await
    }
}
