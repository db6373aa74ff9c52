//! Writing a community into PostgreSQL for `migrate-data`
//! (`store::transfer`).
//!
//! The target records what it holds in two tables of its own:
//! `sixin_transfer` (which community, from where, when it started and was
//! last verified) and `sixin_transfer_tables` (per table, the primary key
//! of the last row copied). Each batch of rows and the progress it makes
//! commit in one transaction, so an interrupted copy resumes after the
//! last committed batch; rows go in with `ON CONFLICT DO NOTHING`, so even
//! a batch copied twice adds nothing twice (the verification at the end
//! would show a row that differs).

use std::collections::HashMap;
use std::str::FromStr;
use std::time::Duration;

use tokio_postgres::types::ToSql;
use tokio_postgres::{NoTls, Row as PgRow, Statement};

use deadpool_postgres::GenericClient;

use super::messages::last;
use super::{bookkeeping, migrate, Param, LOCK_SPACE};
use crate::store::transfer::counters::Sequence;
use crate::store::transfer::rows::{decode_key, encode_key, Row, Value};
use crate::store::transfer::tables::{Existing, Kind, Table, TABLES};
use crate::store::StoreError;

/// How many times (100 ms apart) a run tries the lock before refusing.
const LOCK_TRIES: u32 = 50;

/// Rows fetched at a time while reading a table back.
const FETCH_ROWS: i32 = 5_000;

/// What the target holds when a copy starts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Holding {
    /// Nothing of any community: claimed for this one now.
    Nothing,
    /// An earlier copy of this community (interrupted, or finished).
    This,
    /// A copy of another community.
    Other { source: String },
    /// Rows no copy put there (a server used this database), in this table.
    Rows { table: &'static str },
}

/// The target database, on one connection that holds the transfer lock.
pub struct Target {
    client: tokio_postgres::Client,
    driver: tokio::task::JoinHandle<()>,
    /// Each table's insert, prepared once.
    inserts: HashMap<&'static str, Statement>,
}

impl std::fmt::Debug for Target {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Target { .. }")
    }
}

impl Drop for Target {
    fn drop(&mut self) {
        self.driver.abort();
    }
}

impl Target {
    /// Connects to the database at `url`, applies pending migrations, and
    /// takes the lock that keeps two copies from running into one schema.
    pub async fn connect(url: &str) -> Result<Target, StoreError> {
        let config = tokio_postgres::Config::from_str(url)?;
        migrate(&config).await?;
        let (client, connection) = config.connect(NoTls).await?;
        let driver = tokio::spawn(async move {
            if let Err(err) = connection.await {
                tracing::warn!(%err, "migrate-data connection ended");
            }
        });
        let target = Target {
            client,
            driver,
            inserts: HashMap::new(),
        };
        // The lock is the connection's: a run that just ended (its
        // connection dropped, not unlocked) holds it until its server
        // process notices the closed socket, so wait a moment before
        // concluding that another copy is running.
        let mut tries = 0;
        while !target.try_lock().await? {
            tries += 1;
            if tries == LOCK_TRIES {
                return Err(StoreError::backend(
                    "another migrate-data is copying into this database (schema) now",
                ));
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        target
            .client
            .batch_execute(
                "SET client_min_messages = warning;
                 CREATE TABLE IF NOT EXISTS sixin_transfer (
                    id           INT         PRIMARY KEY CHECK (id = 1),
                    community    TEXT        NOT NULL,
                    source       TEXT        NOT NULL,
                    started_at   TIMESTAMPTZ NOT NULL DEFAULT now(),
                    verified_at  TIMESTAMPTZ
                 );
                 CREATE TABLE IF NOT EXISTS sixin_transfer_tables (
                    name      TEXT   PRIMARY KEY,
                    last_key  TEXT   NOT NULL,
                    copied    BIGINT NOT NULL
                 );",
            )
            .await?;
        Ok(target)
    }

    async fn try_lock(&self) -> Result<bool, StoreError> {
        Ok(self
            .client
            .query_one(
                "SELECT pg_try_advisory_lock($1, hashtext('migrate-data ' || current_schema()))",
                &[&LOCK_SPACE],
            )
            .await?
            .get(0))
    }

    /// Ends the run: releases the lock at once (rather than when the
    /// server notices the connection closed), so that the next run, or a
    /// node starting on the copy, need not wait for it.
    pub async fn close(self) -> Result<(), StoreError> {
        self.client
            .execute(
                "SELECT pg_advisory_unlock($1, hashtext('migrate-data ' || current_schema()))",
                &[&LOCK_SPACE],
            )
            .await?;
        Ok(())
    }

    /// What the target holds; when nothing, claims it for `community`
    /// (copied from `source`), emptying the tables its migrations seeded.
    pub async fn claim(&mut self, community: &str, source: &str) -> Result<Holding, StoreError> {
        let tx = self.client.transaction().await?;
        if let Some(row) = tx
            .query_opt("SELECT community, source FROM sixin_transfer", &[])
            .await?
        {
            let (held, from): (String, String) = (row.get(0), row.get(1));
            return Ok(if held == community {
                Holding::This
            } else {
                Holding::Other { source: from }
            });
        }
        for table in TABLES.iter().filter(|t| t.existing != Existing::Seeded) {
            let any: bool = tx
                .query_one(
                    &format!("SELECT EXISTS (SELECT 1 FROM {})", table.name),
                    &[],
                )
                .await?
                .get(0);
            if any {
                return Ok(Holding::Rows { table: table.name });
            }
        }
        for table in TABLES.iter().filter(|t| t.existing == Existing::Seeded) {
            tx.batch_execute(&format!("DELETE FROM {}", table.name))
                .await?;
        }
        tx.execute(
            "INSERT INTO sixin_transfer (id, community, source) VALUES (1, $1, $2)",
            &[&community, &source],
        )
        .await?;
        tx.commit().await?;
        Ok(Holding::Nothing)
    }

    /// Empties every table a copy fills (and those derived from them) and
    /// forgets any earlier copy; every unread version moves on.
    pub async fn empty(&mut self) -> Result<(), StoreError> {
        let names: Vec<&str> = TABLES.iter().map(|t| t.name).collect();
        self.client
            .batch_execute(&format!(
                "BEGIN;
                 TRUNCATE {}, followers, follower_buckets, sixin_transfer, sixin_transfer_tables
                     RESTART IDENTITY CASCADE;
                 {}
                 COMMIT;",
                names.join(", "),
                last::EMPTIED,
            ))
            .await?;
        Ok(())
    }

    /// The key of the last row copied into `table` and how many were.
    pub async fn progress(&self, table: &Table) -> Result<(Option<Row>, u64), StoreError> {
        let row = self
            .client
            .query_opt(
                "SELECT last_key, copied FROM sixin_transfer_tables WHERE name = $1",
                &[&table.name],
            )
            .await?;
        let Some(row) = row else {
            return Ok((None, 0));
        };
        let key: String = row.get(0);
        let key = decode_key(&key).ok_or_else(|| {
            StoreError::backend(format!(
                "sixin_transfer_tables holds an unreadable key for {}: {key:?}",
                table.name
            ))
        })?;
        Ok((Some(key), super::count(&row, 1)))
    }

    /// Inserts `rows` (in key order) and records the progress they make,
    /// in one transaction.
    pub async fn write(
        &mut self,
        table: &Table,
        rows: &[Row],
        copied: u64,
    ) -> Result<(), StoreError> {
        let Some(last) = rows.last() else {
            return Ok(());
        };
        let key = encode_key(&last[..table.key]);
        let columns = columns(table, rows);
        let params: Vec<&(dyn ToSql + Sync)> = columns
            .iter()
            .map(|c| &**c as &(dyn ToSql + Sync))
            .collect();
        let statement = match self.inserts.get(table.name) {
            Some(statement) => statement.clone(),
            None => {
                let statement = self.client.prepare(&insert_sql(table)).await?;
                self.inserts.insert(table.name, statement.clone());
                statement
            }
        };
        let tx = self.client.transaction().await?;
        let inserted = tx.query(&statement, &params).await?;
        bookkeeping::copied(&tx, table.name, &inserted).await?;
        tx.execute(
            "INSERT INTO sixin_transfer_tables (name, last_key, copied) VALUES ($1, $2, $3)
             ON CONFLICT (name) DO UPDATE SET last_key = excluded.last_key, copied = excluded.copied",
            &[&table.name, &key, &super::int(copied)],
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Rows in the table.
    pub async fn count(&self, table: &Table) -> Result<u64, StoreError> {
        let row = self
            .client
            .query_one(&format!("SELECT COUNT(*) FROM {}", table.name), &[])
            .await?;
        Ok(super::count(&row, 0))
    }

    /// Calls `each` with every row, in primary-key order (the order SQLite
    /// keeps: text compared byte by byte), a batch at a time.
    pub async fn each_row(
        &mut self,
        table: &Table,
        mut each: impl FnMut(&[Value]),
    ) -> Result<(), StoreError> {
        let select: Vec<String> = table
            .columns
            .iter()
            .map(|c| match c.kind {
                Kind::Int => format!("{}::BIGINT", c.name),
                Kind::Ints => format!("{}::BIGINT[]", c.name),
                Kind::Bool | Kind::Text | Kind::Bytes => c.name.to_owned(),
            })
            .collect();
        let order: Vec<String> = table
            .key_columns()
            .iter()
            .map(|c| match c.kind {
                Kind::Text => format!("{} COLLATE \"C\"", c.name),
                _ => c.name.to_owned(),
            })
            .collect();
        let sql = format!(
            "SELECT {} FROM {} ORDER BY {}",
            select.join(", "),
            table.name,
            order.join(", ")
        );
        let tx = self
            .client
            .build_transaction()
            .isolation_level(tokio_postgres::IsolationLevel::RepeatableRead)
            .read_only(true)
            .start()
            .await?;
        let statement = tx.prepare(&sql).await?;
        let portal = tx.bind(&statement, &[]).await?;
        loop {
            let rows = tx.query_portal(&portal, FETCH_ROWS).await?;
            for row in &rows {
                each(&read_row(table, row)?);
            }
            if rows.len() < FETCH_ROWS as usize {
                break;
            }
        }
        tx.commit().await?;
        Ok(())
    }

    /// Moves a sequence up to `issued` (never down); where it is then
    /// (0: never used).
    pub async fn raise(&self, sequence: &Sequence, issued: i64) -> Result<i64, StoreError> {
        let name = self.sequence_name(sequence).await?;
        if issued >= 1 {
            self.client
                .execute(
                    "SELECT setval($1::TEXT::REGCLASS, $2)
                     WHERE $2 > COALESCE(pg_sequence_last_value($1::TEXT::REGCLASS), 0)",
                    &[&name, &issued],
                )
                .await?;
        }
        let row = self
            .client
            .query_one(
                "SELECT COALESCE(pg_sequence_last_value($1::TEXT::REGCLASS), 0)",
                &[&name],
            )
            .await?;
        Ok(row.get(0))
    }

    async fn sequence_name(&self, sequence: &Sequence) -> Result<String, StoreError> {
        Ok(match *sequence {
            Sequence::Named(name) => name.to_owned(),
            Sequence::Identity { table, column } => {
                let row = self
                    .client
                    .query_one("SELECT pg_get_serial_sequence($1, $2)", &[&table, &column])
                    .await?;
                row.get::<_, Option<String>>(0).ok_or_else(|| {
                    StoreError::backend(format!("{table}.{column} has no sequence"))
                })?
            }
        })
    }

    /// Records that the copy was verified.
    pub async fn verified(&self) -> Result<(), StoreError> {
        self.client
            .execute("UPDATE sixin_transfer SET verified_at = now()", &[])
            .await?;
        Ok(())
    }
}

/// `INSERT ... SELECT FROM unnest(one array per column)`: one statement
/// and one parameter per column, whatever the number of rows.
fn insert_sql(table: &Table) -> String {
    let names: Vec<&str> = table.columns.iter().map(|c| c.name).collect();
    let arrays: Vec<String> = table
        .columns
        .iter()
        .enumerate()
        .map(|(i, c)| format!("${}::{}[]", i + 1, array_type(c.kind)))
        .collect();
    let values: Vec<String> = table
        .columns
        .iter()
        .map(|c| match c.kind {
            // Arrays of arrays do not unnest row by row: each travels as
            // the text of a PostgreSQL array.
            Kind::Ints => format!("{}::BIGINT[]", c.name),
            _ => c.name.to_owned(),
        })
        .collect();
    let conflict = match table.existing {
        Existing::Derived => {
            let keys: Vec<&str> = table.key_columns().iter().map(|c| c.name).collect();
            let sets: Vec<String> = table.columns[table.key..]
                .iter()
                .map(|c| format!("{0} = excluded.{0}", c.name))
                .collect();
            format!(
                "ON CONFLICT ({}) DO UPDATE SET {}",
                keys.join(", "),
                sets.join(", ")
            )
        }
        Existing::Nothing | Existing::Seeded => "ON CONFLICT DO NOTHING".to_owned(),
    };
    let returning = match bookkeeping::copied_columns(table.name) {
        "" => String::new(),
        columns => format!("RETURNING {columns}"),
    };
    // What PostgreSQL keeps of a session itself (`last`).
    let kept = (table.name == "sessions").then_some(&last::COPIED_SESSIONS);
    let insert = format!(
        "INSERT INTO {table} ({names}{kept}) OVERRIDING SYSTEM VALUE
         SELECT {values}{kept_values} FROM unnest({arrays}) AS u ({names}) {conflict} {returning}",
        table = table.name,
        names = names.join(", "),
        kept = kept.map_or("", |k| k.columns),
        values = values.join(", "),
        kept_values = kept.map_or("", |k| k.values),
        arrays = arrays.join(", "),
    );
    match kept {
        Some(kept) => (kept.around)(&insert),
        None => insert,
    }
}

fn array_type(kind: Kind) -> &'static str {
    match kind {
        Kind::Int => "BIGINT",
        Kind::Bool => "BOOLEAN",
        Kind::Text | Kind::Ints => "TEXT",
        Kind::Bytes => "BYTEA",
    }
}

/// The batch's columns, each as one array.
fn columns(table: &Table, rows: &[Row]) -> Vec<Param> {
    table
        .columns
        .iter()
        .enumerate()
        .map(|(i, c)| -> Param {
            let values = rows.iter().map(move |r| &r[i]);
            match c.kind {
                Kind::Int => Box::new(values.map(Value::as_int).collect::<Vec<_>>()),
                Kind::Bool => Box::new(values.map(Value::as_bool).collect::<Vec<_>>()),
                Kind::Text => Box::new(values.map(Value::as_text).collect::<Vec<_>>()),
                Kind::Bytes => Box::new(values.map(Value::as_bytes).collect::<Vec<_>>()),
                Kind::Ints => Box::new(values.map(Value::as_array_text).collect::<Vec<_>>()),
            }
        })
        .collect()
}

fn read_row(table: &Table, row: &PgRow) -> Result<Row, StoreError> {
    table
        .columns
        .iter()
        .enumerate()
        .map(|(i, c)| {
            Ok(match c.kind {
                Kind::Int => row.try_get::<_, Option<i64>>(i)?.map(Value::Int),
                Kind::Bool => row.try_get::<_, Option<bool>>(i)?.map(Value::Bool),
                Kind::Text => row.try_get::<_, Option<String>>(i)?.map(Value::Text),
                Kind::Bytes => row.try_get::<_, Option<Vec<u8>>>(i)?.map(Value::Bytes),
                Kind::Ints => row.try_get::<_, Option<Vec<i64>>>(i)?.map(Value::Ints),
            }
            .unwrap_or(Value::Null))
        })
        .collect()
}

/// Refuses a database that a copy is still filling: one `migrate-data`
/// claimed and has not verified yet (interrupted, or still running).
/// Nodes call this before serving.
pub async fn refuse_unfinished(client: &impl GenericClient) -> Result<(), StoreError> {
    let row = client
        .query_one("SELECT to_regclass('sixin_transfer') IS NOT NULL", &[])
        .await?;
    if !row.get::<_, bool>(0) {
        return Ok(());
    }
    let unfinished = client
        .query_opt(
            "SELECT source FROM sixin_transfer WHERE verified_at IS NULL",
            &[],
        )
        .await?;
    match unfinished {
        None => Ok(()),
        Some(row) => Err(StoreError::backend(format!(
            "this database is being filled by `sixin migrate-data` from {} and the copy is \
             not verified yet: run migrate-data again until it says verified (or, to serve \
             it as it is, DROP TABLE sixin_transfer)",
            row.get::<_, String>(0)
        ))),
    }
}
