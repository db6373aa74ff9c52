//! System accounts in SQLite: their rows, and the reads of them (which
//! accounts there are, which ones a user has sessions with).

use rusqlite::{params, Connection, OptionalExtension, Row};

use super::super::Sqlite;
use crate::domain::system::{SystemAccount, SystemKind};
use crate::domain::Mid;
use crate::store::StoreError;

/// The columns [`system_at`] reads, prefixed with `sa.`.
pub(in crate::store::sqlite) const SYSTEM_COLUMNS: &str = "sa.system_msg_type, sa.name, sa.pic_url";

/// Reads the 3 system account columns starting at `at` (NULLs: none).
pub(in crate::store::sqlite) fn system_at(
    row: &Row<'_>,
    at: usize,
) -> rusqlite::Result<Option<SystemAccount>> {
    let kind: Option<i64> = row.get(at)?;
    Ok(match kind.and_then(SystemKind::new) {
        Some(kind) => Some(SystemAccount {
            kind,
            name: row.get(at + 1)?,
            pic_url: row.get(at + 2)?,
        }),
        None => None,
    })
}

/// Makes `mid` a system account, or an ordinary user with `None`.
pub(super) fn set_system(
    conn: &Connection,
    mid: Mid,
    system: Option<&SystemAccount>,
) -> rusqlite::Result<()> {
    match system {
        Some(s) => conn
            .prepare_cached(
                "INSERT OR REPLACE INTO system_accounts (mid, system_msg_type, name, pic_url)
                 VALUES (?1, ?2, ?3, ?4)",
            )?
            .execute(params![mid.as_i64(), s.kind.code(), s.name, s.pic_url])?,
        None => conn
            .prepare_cached("DELETE FROM system_accounts WHERE mid = ?1")?
            .execute([mid.as_i64()])?,
    };
    Ok(())
}

pub(super) async fn system_account(
    store: &Sqlite,
    mid: Mid,
) -> Result<Option<SystemAccount>, StoreError> {
    store
        .read(move |conn| {
            Ok(conn
                .prepare_cached(&format!(
                    "SELECT {SYSTEM_COLUMNS} FROM system_accounts sa WHERE sa.mid = ?1"
                ))?
                .query_row([mid.as_i64()], |r| system_at(r, 0))
                .optional()?
                .flatten())
        })
        .await
}

pub(super) async fn system_accounts(
    store: &Sqlite,
    kind: Option<SystemKind>,
) -> Result<Vec<(Mid, String, SystemAccount)>, StoreError> {
    store
        .read(move |conn| {
            let mut stmt = conn.prepare_cached(&format!(
                "SELECT sa.mid, u.uname, {SYSTEM_COLUMNS}
             FROM system_accounts sa JOIN users u ON u.mid = sa.mid
             WHERE ?1 IS NULL OR sa.system_msg_type = ?1
             ORDER BY sa.mid"
            ))?;
            let rows = stmt.query_map([kind.map(SystemKind::code)], |r| {
                Ok((Mid::from_i64(r.get(0)?), r.get(1)?, system_at(r, 2)?))
            })?;
            let mut accounts = Vec::new();
            for row in rows {
                let (mid, uname, system) = row?;
                if let Some(system) = system {
                    accounts.push((mid, uname, system));
                }
            }
            Ok(accounts)
        })
        .await
}

pub(super) async fn system_sessions(
    store: &Sqlite,
    owner: Mid,
) -> Result<Vec<(Mid, SystemAccount)>, StoreError> {
    store
        .read(move |conn| {
            let mut stmt = conn.prepare_cached(&format!(
                "SELECT s.talker_id, {SYSTEM_COLUMNS}
             FROM sessions s JOIN system_accounts sa ON sa.mid = s.talker_id
             WHERE s.owner = ?1 AND s.session_type = 1 AND s.last_seqno > 0
               AND s.removed = 0 AND s.is_intercept = 0
             ORDER BY s.session_ts DESC, s.talker_id"
            ))?;
            let rows = stmt.query_map([owner.as_i64()], |r| {
                Ok((Mid::from_i64(r.get(0)?), system_at(r, 1)?))
            })?;
            let mut found = Vec::new();
            for row in rows {
                if let (mid, Some(system)) = row? {
                    found.push((mid, system));
                }
            }
            Ok(found)
        })
        .await
}
