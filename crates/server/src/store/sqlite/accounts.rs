//! Accounts, profiles and login sessions in SQLite.

use async_trait::async_trait;
use rusqlite::{params, Connection, OptionalExtension, Row};
use sixin_api::account::{OfficialVerify, VipInput};
use sixin_api::Code;

use super::Sqlite;
use crate::domain::{Mid, Profile};
use crate::store::{AccountStore, LoginSession, NewUser, ProfileUpdate, StoreError};

const PROFILE_COLUMNS: &str =
    "mid, uname, face, sign, official_type, official_desc, vip_type, vip_due_date, vip_status";

pub(super) fn profile_from_row(row: &Row<'_>) -> rusqlite::Result<Profile> {
    Ok(Profile {
        mid: Mid::from_i64(row.get(0)?),
        uname: row.get(1)?,
        face: row.get(2)?,
        sign: row.get(3)?,
        official_verify: OfficialVerify {
            kind: row.get(4)?,
            desc: row.get(5)?,
        },
        vip: VipInput {
            vip_type: row.get(6)?,
            vip_due_date: row.get(7)?,
            vip_status: row.get(8)?,
        },
    })
}

/// Loads one profile on any connection.
pub(super) fn load_profile(conn: &Connection, mid: Mid) -> rusqlite::Result<Option<Profile>> {
    conn.prepare_cached(&format!(
        "SELECT {PROFILE_COLUMNS} FROM users WHERE mid = ?1"
    ))?
    .query_row([mid.as_i64()], profile_from_row)
    .optional()
}

fn user_exists(conn: &Connection, mid: Mid) -> rusqlite::Result<bool> {
    conn.prepare_cached("SELECT 1 FROM users WHERE mid = ?1")?
        .exists([mid.as_i64()])
}

fn name_taken(conn: &Connection, uname: &str, other_than: Option<Mid>) -> rusqlite::Result<bool> {
    conn.prepare_cached("SELECT 1 FROM users WHERE uname = ?1 AND mid IS NOT ?2")?
        .exists(params![uname, other_than.map(Mid::as_i64)])
}

fn now_secs() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}

#[async_trait]
impl AccountStore for Sqlite {
    async fn create_user(&self, user: NewUser) -> Result<Mid, StoreError> {
        self.write(move |conn| {
            if name_taken(conn, user.uname.as_str(), None)? {
                return Err(StoreError::Rejected(Code::Conflict));
            }
            let mid = match user.mid {
                Some(mid) if user_exists(conn, mid)? => {
                    return Err(StoreError::Rejected(Code::Conflict))
                }
                Some(mid) => mid,
                None => {
                    let max: i64 = conn
                        .prepare_cached("SELECT COALESCE(MAX(mid), 0) FROM users")?
                        .query_row([], |r| r.get(0))?;
                    Mid::new(max as u64 + 1)
                        .ok_or_else(|| StoreError::Backend("no mid left to assign".into()))?
                }
            };
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
                now_secs(),
            ])?;
            Ok(mid)
        })
        .await
    }

    async fn update_user(&self, mid: Mid, update: ProfileUpdate) -> Result<(), StoreError> {
        self.write(move |conn| {
            if !user_exists(conn, mid)? {
                return Err(StoreError::Rejected(Code::UserNotFound));
            }
            if let Some(uname) = &update.uname {
                if name_taken(conn, uname.as_str(), Some(mid))? {
                    return Err(StoreError::Rejected(Code::Conflict));
                }
                conn.execute(
                    "UPDATE users SET uname = ?2 WHERE mid = ?1",
                    params![mid.as_i64(), uname.as_str()],
                )?;
            }
            if let Some(hash) = &update.password_hash {
                conn.execute(
                    "UPDATE users SET password_hash = ?2 WHERE mid = ?1",
                    params![mid.as_i64(), hash],
                )?;
            }
            if let Some(face) = &update.face {
                // An empty face goes back to the default avatar.
                let face = (!face.is_empty()).then_some(face);
                conn.execute(
                    "UPDATE users SET face = ?2 WHERE mid = ?1",
                    params![mid.as_i64(), face],
                )?;
            }
            if let Some(sign) = &update.sign {
                conn.execute(
                    "UPDATE users SET sign = ?2 WHERE mid = ?1",
                    params![mid.as_i64(), sign],
                )?;
            }
            if let Some(ov) = &update.official_verify {
                conn.execute(
                    "UPDATE users SET official_type = ?2, official_desc = ?3 WHERE mid = ?1",
                    params![mid.as_i64(), ov.kind, ov.desc],
                )?;
            }
            if let Some(vip) = &update.vip {
                conn.execute(
                    "UPDATE users SET vip_type = ?2, vip_due_date = ?3, vip_status = ?4
                     WHERE mid = ?1",
                    params![mid.as_i64(), vip.vip_type, vip.vip_due_date, vip.vip_status],
                )?;
            }
            Ok(())
        })
        .await
    }

    async fn profile(&self, mid: Mid) -> Result<Option<Profile>, StoreError> {
        self.read(move |conn| Ok(load_profile(conn, mid)?)).await
    }

    async fn credentials(&self, login: &str) -> Result<Option<(Mid, Option<String>)>, StoreError> {
        let login = login.trim().to_owned();
        self.read(move |conn| {
            let by_mid = Mid::parse(&login).map(Mid::as_i64);
            let row = conn
                .prepare_cached(
                    "SELECT mid, password_hash FROM users WHERE uname = ?1 OR mid = ?2 LIMIT 1",
                )?
                .query_row(params![login, by_mid], |r| {
                    Ok((Mid::from_i64(r.get(0)?), r.get(1)?))
                })
                .optional()?;
            Ok(row)
        })
        .await
    }

    async fn create_login(&self, session: LoginSession) -> Result<(), StoreError> {
        self.write(move |conn| {
            if !user_exists(conn, session.mid)? {
                return Err(StoreError::Rejected(Code::UserNotFound));
            }
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
            // Expired sessions of this user are of no use to anyone.
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
            let session = conn
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
                .optional()?;
            Ok(session)
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
