//! The writes of a user in PostgreSQL: making and changing one, its state
//! and its login sessions (the `AccountStore` impl in `mod.rs` calls these).

use deadpool_postgres::GenericClient;

use super::super::{execute, lock, query_one, query_opt, Lock};
use super::{set_system, user_exists, user_state};
use crate::domain::account::{deleted_uname, AccountState, ProfileFacts, UserFacts};
use crate::domain::Mid;
use crate::store::accounts::{EndLogins, LoginSession, NewUser, ProfileUpdate};
use crate::store::{Decide, StoreError};

async fn name_taken(
    c: &impl GenericClient,
    uname: &str,
    other_than: Option<Mid>,
) -> Result<bool, StoreError> {
    Ok(query_opt(
        c,
        "SELECT 1 FROM users WHERE uname = $1 AND mid IS DISTINCT FROM $2::BIGINT",
        &[&uname, &other_than.map(Mid::as_i64)],
    )
    .await?
    .is_some())
}

pub(super) async fn create_user(
    c: &impl GenericClient,
    user: &NewUser,
    decide: Decide<UserFacts, Mid>,
) -> Result<Mid, StoreError> {
    lock(c, &[Lock::Accounts]).await?;
    let wanted = match user.mid {
        Some(mid) => Some((mid, user_exists(c, mid).await?)),
        None => None,
    };
    let largest: i64 = query_one(c, "SELECT COALESCE(MAX(mid), 0) FROM users", &[])
        .await?
        .get(0);
    let facts = UserFacts {
        wanted,
        name_taken: name_taken(c, user.uname.as_str(), None).await?,
        largest: Mid::new(largest as u64),
    };
    let mid = decide(&facts)?;
    execute(
        c,
        "INSERT INTO users (mid, uname, password_hash, face, sign, official_type,
            official_desc, vip_type, vip_due_date, vip_status, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
        &[
            &mid.as_i64(),
            &user.uname.as_str(),
            &user.password_hash,
            &user.face,
            &user.sign,
            &user.official_verify.kind,
            &user.official_verify.desc,
            &user.vip.vip_type,
            &user.vip.vip_due_date,
            &user.vip.vip_status,
            &user.created_at,
        ],
    )
    .await?;
    if let Some(system) = &user.system {
        set_system(c, mid, Some(system)).await?;
    }
    Ok(mid)
}

pub(super) async fn update_user(
    c: &impl GenericClient,
    mid: Mid,
    update: &ProfileUpdate,
    decide: Decide<ProfileFacts, ()>,
) -> Result<(), StoreError> {
    // Account states change under this lock too.
    lock(c, &[Lock::Accounts]).await?;
    let exists = user_state(c, mid)
        .await?
        .is_some_and(|s| s != AccountState::Deleted);
    let name_taken = match &update.uname {
        Some(uname) if exists => name_taken(c, uname.as_str(), Some(mid)).await?,
        _ => false,
    };
    decide(&ProfileFacts { exists, name_taken })?;
    // One statement: a NULL parameter leaves its column as it is (`face`
    // has a flag of its own, as NULL is a value it can take).
    let ov = update.official_verify.as_ref();
    let vip = update.vip.as_ref();
    execute(
        c,
        "UPDATE users SET
            uname = COALESCE($2, uname),
            password_hash = COALESCE($3, password_hash),
            face = CASE WHEN $4 THEN $5 ELSE face END,
            sign = COALESCE($6, sign),
            official_type = COALESCE($7, official_type),
            official_desc = COALESCE($8, official_desc),
            vip_type = COALESCE($9, vip_type),
            vip_due_date = COALESCE($10, vip_due_date),
            vip_status = COALESCE($11, vip_status)
         WHERE mid = $1",
        &[
            &mid.as_i64(),
            &update.uname.as_ref().map(|u| u.as_str()),
            &update.password_hash,
            &update.face.is_some(),
            &update.face.clone().flatten(),
            &update.sign,
            &ov.map(|o| o.kind),
            &ov.map(|o| o.desc.as_str()),
            &vip.map(|v| v.vip_type),
            &vip.map(|v| v.vip_due_date),
            &vip.map(|v| v.vip_status),
        ],
    )
    .await?;
    if update.password_hash.is_some() {
        end_logins(c, mid, EndLogins::AllBut(update.keep_session)).await?;
    }
    if let Some(system) = &update.system {
        set_system(c, mid, system.as_ref()).await?;
    }
    Ok(())
}

/// Ends some of `mid`'s sessions; how many.
pub(super) async fn end_logins(
    c: &impl GenericClient,
    mid: Mid,
    which: EndLogins,
) -> Result<u64, StoreError> {
    match which {
        EndLogins::One(hash) => {
            execute(
                c,
                "DELETE FROM login_sessions WHERE mid = $1 AND token_hash = $2",
                &[&mid.as_i64(), &&hash[..]],
            )
            .await
        }
        EndLogins::AllBut(keep) => {
            execute(
                c,
                "DELETE FROM login_sessions
                 WHERE mid = $1 AND token_hash IS DISTINCT FROM $2::BYTEA",
                &[&mid.as_i64(), &keep.as_ref().map(|h| &h[..])],
            )
            .await
        }
    }
}

pub(super) async fn set_state(
    c: &impl GenericClient,
    mid: Mid,
    state: AccountState,
    now: i64,
    decide: Decide<Option<AccountState>, ()>,
) -> Result<(), StoreError> {
    // The name of a deleted account is freed (names change under
    // `Accounts`); the user's lock orders this against their logins,
    // sends and relation changes, which read the state.
    lock(c, &[Lock::Accounts, Lock::User(mid)]).await?;
    decide(&user_state(c, mid).await?)?;
    execute(
        c,
        "UPDATE users SET state = $2, state_at = $3 WHERE mid = $1",
        &[&mid.as_i64(), &state.code(), &now],
    )
    .await?;
    if state == AccountState::Active {
        return Ok(());
    }
    // QR-code logins first: a poll redeeming one holds its row until it
    // commits, and the session it made is then seen (and ended) below.
    execute(c, "DELETE FROM qr_logins WHERE mid = $1", &[&mid.as_i64()]).await?;
    end_logins(c, mid, EndLogins::AllBut(None)).await?;
    if state == AccountState::Deleted {
        execute(
            c,
            "UPDATE users SET uname = $2, password_hash = NULL, face = NULL, sign = '',
                official_type = -1, official_desc = '', vip_type = 0, vip_due_date = 0,
                vip_status = 0
             WHERE mid = $1",
            &[&mid.as_i64(), &deleted_uname(mid)],
        )
        .await?;
        set_system(c, mid, None).await?;
    }
    Ok(())
}

/// Records a login session and forgets the user's sessions expired by its start.
pub(in crate::store::postgres) async fn insert_login(
    c: &impl GenericClient,
    session: &LoginSession,
) -> Result<(), StoreError> {
    execute(
        c,
        "INSERT INTO login_sessions (token_hash, mid, created_at, expires_at)
         VALUES ($1, $2, $3, $4)",
        &[
            &&session.token_hash[..],
            &session.mid.as_i64(),
            &session.created_at,
            &session.expires_at,
        ],
    )
    .await?;
    execute(
        c,
        "DELETE FROM login_sessions WHERE mid = $1 AND expires_at <= $2",
        &[&session.mid.as_i64(), &session.created_at],
    )
    .await?;
    Ok(())
}
