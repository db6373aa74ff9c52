//! System accounts in PostgreSQL: their rows, and the reads of them (which
//! accounts there are, which ones a user has sessions with).

use deadpool_postgres::GenericClient;
use tokio_postgres::Row;

use super::super::bookkeeping::BUMP_UNREAD;
use super::super::{execute, query, query_one, query_opt, Postgres};
use crate::domain::system::{SystemAccount, SystemKind};
use crate::domain::Mid;
use crate::store::StoreError;

/// The columns [`system_at`] reads, prefixed with `sa.`.
pub(in crate::store::postgres) const SYSTEM_COLUMNS: &str =
    "sa.system_msg_type, sa.name, sa.pic_url";

/// Reads the 3 system account columns starting at `at` (NULLs: none).
pub(in crate::store::postgres) fn system_at(row: &Row, at: usize) -> Option<SystemAccount> {
    let kind: Option<i64> = row.get(at);
    Some(SystemAccount {
        kind: kind.and_then(SystemKind::new)?,
        name: row.get(at + 1),
        pic_url: row.get(at + 2),
    })
}

/// Makes `mid` a system account, or an ordinary user with `None`. Which
/// accounts speak for the service, and as what kind, is in everyone's
/// unread totals: a change of either moves everyone's unread version.
pub(super) async fn set_system(
    c: &impl GenericClient,
    mid: Mid,
    system: Option<&SystemAccount>,
) -> Result<(), StoreError> {
    let changed = match system {
        Some(s) => query_one(
            c,
            "WITH old AS (
                SELECT system_msg_type FROM system_accounts WHERE mid = $1
             ), put AS (
                INSERT INTO system_accounts (mid, system_msg_type, name, pic_url)
                VALUES ($1, $2, $3, $4)
                ON CONFLICT (mid) DO UPDATE SET system_msg_type = excluded.system_msg_type,
                   name = excluded.name, pic_url = excluded.pic_url
                RETURNING system_msg_type
             )
             SELECT old.system_msg_type IS DISTINCT FROM put.system_msg_type
             FROM put LEFT JOIN old ON TRUE",
            &[&mid.as_i64(), &s.kind.code(), &s.name, &s.pic_url],
        )
        .await?
        .get::<_, bool>(0),
        None => {
            execute(
                c,
                "DELETE FROM system_accounts WHERE mid = $1",
                &[&mid.as_i64()],
            )
            .await?
                > 0
        }
    };
    if changed {
        execute(c, BUMP_UNREAD, &[&0_i64]).await?;
    }
    Ok(())
}

pub(super) async fn system_account(
    store: &Postgres,
    mid: Mid,
) -> Result<Option<SystemAccount>, StoreError> {
    let client = store.client().await?;
    let row = query_opt(
        &client,
        &format!("SELECT {SYSTEM_COLUMNS} FROM system_accounts sa WHERE sa.mid = $1"),
        &[&mid.as_i64()],
    )
    .await?;
    Ok(row.and_then(|r| system_at(&r, 0)))
}

pub(super) async fn system_accounts(
    store: &Postgres,
    kind: Option<SystemKind>,
) -> Result<Vec<(Mid, String, SystemAccount)>, StoreError> {
    let client = store.client().await?;
    let rows = query(
        &client,
        &format!(
            "SELECT sa.mid, u.uname, {SYSTEM_COLUMNS}
             FROM system_accounts sa JOIN users u ON u.mid = sa.mid
             WHERE $1::BIGINT IS NULL OR sa.system_msg_type = $1
             ORDER BY sa.mid"
        ),
        &[&kind.map(SystemKind::code)],
    )
    .await?;
    Ok(rows
        .iter()
        .filter_map(|r| Some((Mid::from_i64(r.get(0)), r.get(1), system_at(r, 2)?)))
        .collect())
}

pub(super) async fn system_sessions(
    store: &Postgres,
    owner: Mid,
) -> Result<Vec<(Mid, SystemAccount)>, StoreError> {
    let client = store.client().await?;
    let rows = query(
        &client,
        &format!(
            "SELECT s.talker_id, {SYSTEM_COLUMNS}
             FROM sessions s JOIN system_accounts sa ON sa.mid = s.talker_id
             WHERE s.owner = $1 AND s.session_type = 1 AND s.last_seqno > 0
               AND NOT s.removed AND NOT s.is_intercept
             ORDER BY s.session_ts DESC, s.talker_id"
        ),
        &[&owner.as_i64()],
    )
    .await?;
    Ok(rows
        .iter()
        .filter_map(|r| Some((Mid::from_i64(r.get(0)), system_at(r, 1)?)))
        .collect())
}
