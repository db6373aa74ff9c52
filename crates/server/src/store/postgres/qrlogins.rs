//! Pending QR logins in PostgreSQL (`qr_logins`); the `AccountStore`
//! methods in `accounts.rs` run these in their transactions.

use deadpool_postgres::GenericClient;

use super::accounts::insert_login;
use super::{execute, lock, query_one, query_opt, Lock};
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

fn state_of(state: i64, mid: Option<i64>) -> Result<QrState, StoreError> {
    match (state, mid.map(Mid::from_i64)) {
        (0, None) => Ok(QrState::Pending),
        (1, Some(mid)) => Ok(QrState::Scanned(mid)),
        (2, Some(mid)) => Ok(QrState::Confirmed(mid)),
        _ => Err(StoreError::backend(format!(
            "stored QR login state {state}"
        ))),
    }
}

/// The QR login with this key hash; `for_update` locks its row until the
/// transaction ends.
pub(super) async fn find(
    c: &impl GenericClient,
    key_hash: [u8; 32],
    for_update: bool,
) -> Result<Option<QrLogin>, StoreError> {
    let sql = if for_update {
        "SELECT created_at, expires_at, state, mid FROM qr_logins WHERE key_hash = $1 FOR UPDATE"
    } else {
        "SELECT created_at, expires_at, state, mid FROM qr_logins WHERE key_hash = $1"
    };
    let Some(r) = query_opt(c, sql, &[&&key_hash[..]]).await? else {
        return Ok(None);
    };
    Ok(Some(QrLogin {
        key_hash,
        created_at: r.get(0),
        expires_at: r.get(1),
        state: state_of(r.get(2), r.get(3))?,
    }))
}

pub(super) async fn create(
    c: &impl GenericClient,
    login: &QrLogin,
    decide: Decide<u64, ()>,
) -> Result<(), StoreError> {
    lock(c, &[Lock::QrLogins]).await?;
    execute(
        c,
        "DELETE FROM qr_logins WHERE expires_at <= $1",
        &[&login.created_at],
    )
    .await?;
    let outstanding: i64 = query_one(c, "SELECT COUNT(*) FROM qr_logins", &[])
        .await?
        .get(0);
    decide(&(outstanding.max(0) as u64))?;
    let (state, mid) = columns(login.state);
    execute(
        c,
        "INSERT INTO qr_logins (key_hash, created_at, expires_at, state, mid)
         VALUES ($1, $2, $3, $4, $5)",
        &[
            &&login.key_hash[..],
            &login.created_at,
            &login.expires_at,
            &state,
            &mid,
        ],
    )
    .await?;
    Ok(())
}

pub(super) async fn update(
    c: &impl GenericClient,
    key_hash: [u8; 32],
    decide: Decide<Option<QrLogin>, QrState>,
) -> Result<(), StoreError> {
    let found = find(c, key_hash, true).await?;
    let (state, mid) = columns(decide(&found)?);
    if found.is_some() {
        execute(
            c,
            "UPDATE qr_logins SET state = $2, mid = $3 WHERE key_hash = $1",
            &[&&key_hash[..], &state, &mid],
        )
        .await?;
    }
    Ok(())
}

pub(super) async fn redeem(
    c: &impl GenericClient,
    key_hash: [u8; 32],
    session: &LoginSession,
    decide: Decide<Option<QrLogin>, bool>,
) -> Result<bool, StoreError> {
    let found = find(c, key_hash, true).await?;
    if !decide(&found)? {
        return Ok(false);
    }
    execute(
        c,
        "DELETE FROM qr_logins WHERE key_hash = $1",
        &[&&key_hash[..]],
    )
    .await?;
    insert_login(c, session).await?;
    Ok(true)
}
