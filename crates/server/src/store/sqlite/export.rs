//! Reading a data directory's database for `migrate-data`
//! (`store::transfer`): read-only, inside one read transaction from start
//! to end, so that the copy and its verification see one snapshot even if
//! a server is (wrongly) still writing; whether anyone did is checked at
//! the end.

use std::path::Path;

use rusqlite::types::{ToSqlOutput, ValueRef};
use rusqlite::{Connection, OpenFlags};

use super::MIGRATIONS;
use crate::store::transfer::counters::Issued;
use crate::store::transfer::rows::{Row, Value};
use crate::store::transfer::tables::{Column, Kind, Table};
use crate::store::StoreError;

/// The source database, held in one read transaction.
pub struct Source {
    conn: Connection,
    data_version: i64,
}

impl std::fmt::Debug for Source {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Source { .. }")
    }
}

impl Source {
    /// Opens `<data_dir>/sixin.db` read-only and starts its snapshot. The
    /// database must be at the schema version of this sixin.
    pub fn open(data_dir: &Path) -> Result<Source, StoreError> {
        let path = super::Sqlite::path_in(data_dir);
        if !path.is_file() {
            return Err(StoreError::backend(format!(
                "there is no database at {}: is {} a sixin data directory?",
                path.display(),
                data_dir.display()
            )));
        }
        let conn = Connection::open_with_flags(
            &path,
            OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )?;
        conn.busy_timeout(std::time::Duration::from_secs(5))?;
        let data_version: i64 = conn.pragma_query_value(None, "data_version", |r| r.get(0))?;
        conn.execute_batch("BEGIN")?;
        // The first read starts the snapshot.
        let version: i64 = conn.pragma_query_value(None, "user_version", |r| r.get(0))?;
        let known = MIGRATIONS.len() as i64;
        if version != known {
            let _ = conn.execute_batch("COMMIT");
            return Err(StoreError::backend(if version < known {
                format!(
                    "the database in {} is at schema version {version} and this sixin's is \
                     {known}: start this version's `sixin serve` on it once (it migrates at \
                     start-up), stop it, and run migrate-data again",
                    data_dir.display()
                )
            } else {
                format!(
                    "the database in {} is at schema version {version}, newer than this \
                     sixin ({known}): use the sixin that wrote it",
                    data_dir.display()
                )
            }));
        }
        Ok(Source { conn, data_version })
    }

    /// Rows in the table.
    pub fn count(&self, table: &Table) -> Result<u64, StoreError> {
        let n: i64 =
            self.conn
                .query_row(&format!("SELECT COUNT(*) FROM {}", table.name), [], |r| {
                    r.get(0)
                })?;
        Ok(n.max(0) as u64)
    }

    /// Up to `limit` rows after the key `after` (from the first without
    /// one), in primary-key order.
    pub fn rows_after(
        &self,
        table: &Table,
        after: Option<&[Value]>,
        limit: usize,
    ) -> Result<Vec<Row>, StoreError> {
        let mut sql = select(table);
        let mut params: Vec<Param> = Vec::new();
        if let Some(after) = after {
            let keys = table.key_columns();
            let names: Vec<&str> = keys.iter().map(|c| c.name).collect();
            let marks: Vec<String> = (1..=keys.len()).map(|i| format!("?{i}")).collect();
            sql.push_str(&format!(
                " WHERE ({}) > ({})",
                names.join(", "),
                marks.join(", ")
            ));
            params.extend(after.iter().map(Param));
        }
        sql.push_str(&order_by(table));
        sql.push_str(&format!(" LIMIT {limit}"));
        let mut stmt = self.conn.prepare_cached(&sql)?;
        let params: Vec<&dyn rusqlite::ToSql> =
            params.iter().map(|p| p as &dyn rusqlite::ToSql).collect();
        let mut rows = stmt.query(params.as_slice())?;
        let mut out = Vec::new();
        while let Some(row) = rows.next()? {
            out.push(read_row(table, row)?);
        }
        Ok(out)
    }

    /// Calls `each` with every row, in primary-key order.
    pub fn each_row(
        &self,
        table: &Table,
        mut each: impl FnMut(&[Value]),
    ) -> Result<(), StoreError> {
        let sql = format!("{}{}", select(table), order_by(table));
        let mut stmt = self.conn.prepare(&sql)?;
        let mut rows = stmt.query([])?;
        while let Some(row) = rows.next()? {
            each(&read_row(table, row)?);
        }
        Ok(())
    }

    /// The last value a counter issued (0: none yet).
    pub fn issued(&self, issued: &Issued) -> Result<i64, StoreError> {
        let sql = match *issued {
            Issued::Max { table, column } => {
                format!("SELECT COALESCE(MAX({column}), 0) FROM {table}")
            }
            Issued::AutoIncrement { table, column } => format!(
                "SELECT MAX(COALESCE((SELECT MAX({column}) FROM {table}), 0),
                            COALESCE((SELECT seq FROM sqlite_sequence WHERE name = '{table}'), 0))"
            ),
            Issued::Counter { table, column } => {
                format!("SELECT COALESCE(MAX({column}), 0) FROM {table}")
            }
        };
        Ok(self.conn.query_row(&sql, [], |r| r.get(0))?)
    }

    /// Ends the snapshot; whether the database stayed as it was while it
    /// was read (false: someone wrote to it meanwhile).
    pub fn finish(self) -> Result<bool, StoreError> {
        self.conn.execute_batch("COMMIT")?;
        let now: i64 = self
            .conn
            .pragma_query_value(None, "data_version", |r| r.get(0))?;
        Ok(now == self.data_version)
    }
}

fn select(table: &Table) -> String {
    let names: Vec<&str> = table.columns.iter().map(|c| c.name).collect();
    format!("SELECT {} FROM {}", names.join(", "), table.name)
}

fn order_by(table: &Table) -> String {
    let names: Vec<&str> = table.key_columns().iter().map(|c| c.name).collect();
    format!(" ORDER BY {}", names.join(", "))
}

fn read_row(table: &Table, row: &rusqlite::Row<'_>) -> Result<Row, StoreError> {
    table
        .columns
        .iter()
        .enumerate()
        .map(|(i, column)| read_value(table, column, row.get_ref(i)?))
        .collect()
}

/// A stored value as its column's kind; anything that does not fit is an
/// error naming where it is, never converted.
fn read_value(table: &Table, column: &Column, value: ValueRef<'_>) -> Result<Value, StoreError> {
    let unfit = |what: &str| {
        StoreError::backend(format!(
            "{}.{} holds {what}, which is not a {:?} value",
            table.name, column.name, column.kind
        ))
    };
    Ok(match (column.kind, value) {
        (_, ValueRef::Null) => Value::Null,
        (Kind::Int, ValueRef::Integer(n)) => Value::Int(n),
        (Kind::Bool, ValueRef::Integer(0)) => Value::Bool(false),
        (Kind::Bool, ValueRef::Integer(1)) => Value::Bool(true),
        (Kind::Text, ValueRef::Text(t)) => Value::Text(
            std::str::from_utf8(t)
                .map_err(|_| unfit("text that is not UTF-8"))?
                .to_owned(),
        ),
        (Kind::Bytes, ValueRef::Blob(b)) => Value::Bytes(b.to_vec()),
        (Kind::Ints, ValueRef::Text(t)) => Value::Ints(
            serde_json::from_slice(t)
                .map_err(|_| unfit("text that is not a JSON array of integers"))?,
        ),
        (_, ValueRef::Integer(n)) => return Err(unfit(&format!("the integer {n}"))),
        (_, ValueRef::Real(r)) => return Err(unfit(&format!("the real number {r}"))),
        (_, ValueRef::Text(_)) => return Err(unfit("text")),
        (_, ValueRef::Blob(_)) => return Err(unfit("a blob")),
    })
}

/// A key value bound as a parameter, as SQLite stores it.
struct Param<'a>(&'a Value);

impl rusqlite::ToSql for Param<'_> {
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        Ok(match self.0 {
            Value::Null => ToSqlOutput::Owned(rusqlite::types::Value::Null),
            Value::Int(n) => ToSqlOutput::Owned(rusqlite::types::Value::Integer(*n)),
            Value::Bool(b) => ToSqlOutput::Owned(rusqlite::types::Value::Integer(i64::from(*b))),
            Value::Text(s) => ToSqlOutput::Borrowed(ValueRef::Text(s.as_bytes())),
            Value::Bytes(b) => ToSqlOutput::Borrowed(ValueRef::Blob(b)),
            Value::Ints(list) => ToSqlOutput::Owned(rusqlite::types::Value::Text(
                serde_json::Value::from(list.clone()).to_string(),
            )),
        })
    }
}

/// Runs `sql` on the SQLite database at `path` (the transfer's tests fill
/// a community with every kind of value the schema holds this way, so that
/// SQL stays in this folder).
#[cfg(test)]
pub fn run_sql(path: &Path, sql: &str) {
    Connection::open(path).unwrap().execute_batch(sql).unwrap();
}

/// Every table of the schema this sixin creates, with its columns (for the
/// transfer's test that it copies them all).
#[cfg(test)]
pub fn schema() -> Vec<(String, Vec<String>)> {
    let mut conn = Connection::open_in_memory().unwrap();
    super::migrate(&mut conn, MIGRATIONS).unwrap();
    let names: Vec<String> = conn
        .prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    names
        .into_iter()
        .map(|name| {
            let columns = conn
                .prepare(&format!("SELECT name FROM pragma_table_info('{name}')"))
                .unwrap()
                .query_map([], |r| r.get(0))
                .unwrap()
                .collect::<Result<_, _>>()
                .unwrap();
            (name, columns)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn data_dir() -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        drop(super::super::Sqlite::open(&super::super::Sqlite::path_in(dir.path()), 1).unwrap());
        dir
    }

    #[test]
    fn the_snapshot_holds_and_a_write_meanwhile_is_noticed() {
        let dir = data_dir();
        let users = crate::store::transfer::tables::TABLES[0];
        let source = Source::open(dir.path()).unwrap();
        let writer = Connection::open(super::super::Sqlite::path_in(dir.path())).unwrap();
        writer
            .execute_batch("INSERT INTO users (mid, uname, created_at) VALUES (1, 'a', 0)")
            .unwrap();
        assert_eq!(
            source.count(&users).unwrap(),
            0,
            "the snapshot of the start"
        );
        assert!(!source.finish().unwrap(), "the write is noticed");

        let quiet = Source::open(dir.path()).unwrap();
        assert_eq!(quiet.count(&users).unwrap(), 1);
        assert!(quiet.finish().unwrap());
    }

    #[test]
    fn only_a_database_at_this_schema_version_is_read() {
        let empty = tempfile::tempdir().unwrap();
        let err = Source::open(empty.path()).unwrap_err();
        assert!(format!("{:?}", err).contains("no database"), "{err:?}");

        let dir = data_dir();
        let conn = Connection::open(super::super::Sqlite::path_in(dir.path())).unwrap();
        conn.pragma_update(None, "user_version", 2).unwrap();
        let err = Source::open(dir.path()).unwrap_err();
        assert!(
            format!("{:?}", err).contains("start this version's `sixin serve`"),
            "{err:?}"
        );
        conn.pragma_update(None, "user_version", 99).unwrap();
        let err = Source::open(dir.path()).unwrap_err();
        assert!(
            format!("{:?}", err).contains("newer than this sixin"),
            "{err:?}"
        );
    }

    #[test]
    fn a_value_that_does_not_fit_its_column_is_refused_by_name() {
        let dir = data_dir();
        let conn = Connection::open(super::super::Sqlite::path_in(dir.path())).unwrap();
        conn.execute_batch(
            "INSERT INTO send_rates VALUES (1, 0, 0, 'not json');
             INSERT INTO relations (mid, fid, attribute, special, mtime, seq) VALUES (1, 2, 2, 7, 0, 1);",
        )
        .unwrap();
        let source = Source::open(dir.path()).unwrap();
        let table = |name| {
            *crate::store::transfer::tables::TABLES
                .iter()
                .find(|t| t.name == name)
                .unwrap()
        };
        let err = source
            .rows_after(&table("send_rates"), None, 10)
            .unwrap_err();
        assert!(format!("{err:?}").contains("send_rates.strikes"), "{err:?}");
        let err = source
            .rows_after(&table("relations"), None, 10)
            .unwrap_err();
        assert!(
            format!("{err:?}").contains("relations.special holds the integer 7"),
            "{err:?}"
        );
    }
}
