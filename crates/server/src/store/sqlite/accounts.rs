//! Accounts, profiles and login sessions in SQLite.

use async_trait::async_trait;
use rusqlite::{params, Connection, OptionalExtension, Row};
use sixin_api::account::{OfficialVerify, VipInput};

use super::Sqlite;
use crate::domain::account::{ProfileFacts, UserFacts};
use crate::domain::{Mid, Profile};
use crate::store::accounts::{AccountStore, LoginSession, NewUser, ProfileUpdate};
use crate::store::{Decide, StoreError};

/// The columns [`profile_at`] reads, prefixed with `u.`.
pub(super) const PROFILE_COLUMNS: &str = "u.mid, u.uname, u.face, u.sign, u.official_type, \
     u.official_desc, u.vip_type, u.vip_due_date, u.vip_status";

/// Reads the 9 profile columns starting at `at`.
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
    })
}

/// Whether a user exists, on any connection.
pub(super) fn user_exists(conn: &Connection, mid: Mid) -> rusqlite::Result<bool> {
    conn.prepare_cached("SELECT 1 FROM users WHERE mid = ?1")?
        .exists([mid.as_i64()])
}

fn name_taken(conn: &Connection, uname: &str, other_than: Option<Mid>) -> rusqlite::Result<bool> {
    conn.prepare_cached("SELECT 1 FROM users WHERE uname = ?1 AND mid IS NOT ?2")?
        .exists(params![uname, other_than.map(Mid::as_i64)])
}

fn create_user(
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
    Ok(mid)
}

fn update_user(
    conn: &Connection,
    mid: Mid,
    update: &ProfileUpdate,
    decide: Decide<ProfileFacts, ()>,
) -> Result<(), StoreError> {
    let exists = user_exists(conn, mid)?;
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

    async fn credentials(
        &self,
        uname: String,
        mid: Option<Mid>,
    ) -> Result<Option<(Mid, Option<String>)>, StoreError> {
        self.read(move |conn| {
            Ok(conn
                .prepare_cached(
                    "SELECT mid, password_hash FROM users WHERE uname = ?1 OR mid = ?2 LIMIT 1",
                )?
                .query_row(params![uname, mid.map(Mid::as_i64)], |r| {
                    Ok((Mid::from_i64(r.get(0)?), r.get(1)?))
                })
                .optional()?)
        })
        .await
    }

    async fn create_login(
        &self,
        session: LoginSession,
        decide: Decide<bool, ()>,
    ) -> Result<(), StoreError> {
        self.write(move |conn| {
            decide(&user_exists(conn, session.mid)?)?;
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
        })
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
}
