//! Pending QR logins in SQLite (`qr_logins`); the `AccountStore` methods in
//! `accounts.rs` run these on the writer or a reader.

use rusqlite::{params, Connection, OptionalExtension};

use super::accounts::insert_login;
use crate::domain::qrlogin::{QrLogin, QrState};
use crate::domain::Mid;
use crate::store::accounts::LoginSession;
use crate::store::{Decide, StoreError};

/// `state` and `mid` columns of a state.
fn columns(state: QrState) -> (i64, Option<i64>) {
    match state {
        QrState::Pending => (0, None),
        QrState::Scanned(mid) => (1, Some(mid.as_i64())),
        QrState::Confirmed(mid) => (2, Some(mid.as_i64())),
    }
}

fn state_of(state: i64, mid: Option<i64>) -> rusqlite::Result<QrState> {
    match (state, mid.map(Mid::from_i64)) {
        (0, None) => Ok(QrState::Pending),
        (1, Some(mid)) => Ok(QrState::Scanned(mid)),
        (2, Some(mid)) => Ok(QrState::Confirmed(mid)),
        _ => Err(rusqlite::Error::IntegralValueOutOfRange(3, state)),
    }
}

pub(super) fn find(conn: &Connection, key_hash: [u8; 32]) -> Result<Option<QrLogin>, StoreError> {
    let row = conn
        .prepare_cached(
            "SELECT created_at, expires_at, state, mid FROM qr_logins WHERE key_hash = ?1",
        )?
        .query_row([&key_hash[..]], |r| {
            Ok(QrLogin {
                key_hash,
                created_at: r.get(0)?,
                expires_at: r.get(1)?,
                state: state_of(r.get(2)?, r.get(3)?)?,
            })
        })
        .optional()?;
    Ok(row)
}

pub(super) fn create(
    conn: &Connection,
    login: &QrLogin,
    decide: Decide<u64, ()>,
) -> Result<(), StoreError> {
    conn.prepare_cached("DELETE FROM qr_logins WHERE expires_at <= ?1")?
        .execute([login.created_at])?;
    let outstanding: i64 = conn
        .prepare_cached("SELECT COUNT(*) FROM qr_logins")?
        .query_row([], |r| r.get(0))?;
    decide(&(outstanding as u64))?;
    let (state, mid) = columns(login.state);
    conn.prepare_cached(
        "INSERT INTO qr_logins (key_hash, created_at, expires_at, state, mid)
         VALUES (?1, ?2, ?3, ?4, ?5)",
    )?
    .execute(params![
        &login.key_hash[..],
        login.created_at,
        login.expires_at,
        state,
        mid
    ])?;
    Ok(())
}

pub(super) fn update(
    conn: &Connection,
    key_hash: [u8; 32],
    decide: Decide<Option<QrLogin>, QrState>,
) -> Result<(), StoreError> {
    let found = find(conn, key_hash)?;
    let (state, mid) = columns(decide(&found)?);
    if found.is_some() {
        conn.prepare_cached("UPDATE qr_logins SET state = ?2, mid = ?3 WHERE key_hash = ?1")?
            .execute(params![&key_hash[..], state, mid])?;
    }
    Ok(())
}

pub(super) fn redeem(
    conn: &Connection,
    key_hash: [u8; 32],
    session: &LoginSession,
    decide: Decide<Option<QrLogin>, bool>,
) -> Result<bool, StoreError> {
    let found = find(conn, key_hash)?;
    if !decide(&found)? {
        return Ok(false);
    }
    conn.prepare_cached("DELETE FROM qr_logins WHERE key_hash = ?1")?
        .execute([&key_hash[..]])?;
    insert_login(conn, session)?;
    Ok(true)
}
