//! The SQLite backend's own cases beyond the contract suite: the writer
//! (savepoints, panics, closing) and the numbered migrations.

use super::*;

#[tokio::test]
async fn a_failed_operation_undoes_only_itself() {
    let dir = tempfile::tempdir().unwrap();
    let db = Sqlite::open(&dir.path().join("t.db"), 2).unwrap();
    db.write(|c| {
        c.execute_batch("CREATE TABLE t (x INTEGER PRIMARY KEY)")?;
        Ok(())
    })
    .await
    .unwrap();
    let good = db.write(|c| {
        c.execute("INSERT INTO t VALUES (1)", [])?;
        Ok(())
    });
    let bad = db.write(|c| {
        c.execute("INSERT INTO t VALUES (2)", [])?;
        Err::<(), _>(StoreError::Refused(crate::domain::Refusal::bad_request(
            "test",
        )))
    });
    let (good, bad) = tokio::join!(good, bad);
    assert!(good.is_ok());
    assert!(matches!(bad, Err(StoreError::Refused(_))));
    let rows: Vec<i64> = db
        .read(|c| {
            let mut stmt = c.prepare("SELECT x FROM t ORDER BY x")?;
            let rows = stmt.query_map([], |r| r.get(0))?;
            Ok(rows.collect::<Result<_, _>>()?)
        })
        .await
        .unwrap();
    assert_eq!(rows, vec![1]);
}

#[tokio::test]
async fn a_panicking_write_is_undone_and_the_writer_carries_on() {
    let dir = tempfile::tempdir().unwrap();
    let db = Sqlite::open(&dir.path().join("t.db"), 1).unwrap();
    db.write(|c| Ok(c.execute_batch("CREATE TABLE t (x INTEGER)")?))
        .await
        .unwrap();
    let panicked = db
        .write(|c| -> Result<(), StoreError> {
            c.execute("INSERT INTO t VALUES (1)", [])?;
            panic!("bug in an operation");
        })
        .await;
    assert!(panicked.is_err());
    db.write(|c| Ok(c.execute("INSERT INTO t VALUES (2)", []).map(|_| ())?))
        .await
        .unwrap();
    let rows: Vec<i64> = db
        .read(|c| {
            let mut stmt = c.prepare("SELECT x FROM t")?;
            let rows = stmt.query_map([], |r| r.get(0))?;
            Ok(rows.collect::<Result<_, _>>()?)
        })
        .await
        .unwrap();
    assert_eq!(rows, vec![2]);
}

#[tokio::test]
async fn writes_after_close_fail_cleanly() {
    let dir = tempfile::tempdir().unwrap();
    let db = Sqlite::open(&dir.path().join("t.db"), 1).unwrap();
    db.close();
    let result = db.write(|_| Ok(())).await;
    assert!(matches!(result, Err(StoreError::Closed)));
}

#[test]
fn every_migration_file_is_listed() {
    migrations::assert_lists_every_file("sqlite", MIGRATIONS);
}

/// A database from before `sixin_migrations`, its migrations counted
/// in `user_version`.
fn counted_database(path: &Path, count: usize) {
    let conn = Connection::open(path).unwrap();
    for migration in &MIGRATIONS[..count] {
        conn.execute_batch(migration.sql).unwrap();
    }
    conn.pragma_update(None, "user_version", count as i64)
        .unwrap();
}

fn applied(path: &Path) -> (Vec<i64>, i64) {
    let conn = Connection::open(path).unwrap();
    let versions = conn
        .prepare("SELECT version FROM sixin_migrations ORDER BY version")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<Vec<i64>, _>>()
        .unwrap();
    let counted = conn
        .pragma_query_value(None, "user_version", |r| r.get(0))
        .unwrap();
    (versions, counted)
}

#[test]
fn a_database_counted_in_user_version_is_migrated_from_where_it_was() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("t.db");
    counted_database(&path, 7);
    Sqlite::open(&path, 1).unwrap().close();
    let all: Vec<i64> = MIGRATIONS.iter().map(|m| m.version).collect();
    assert_eq!(applied(&path), (all.clone(), all.len() as i64));
    // Opening again applies nothing.
    Sqlite::open(&path, 1).unwrap().close();
    assert_eq!(applied(&path), (all.clone(), all.len() as i64));
}

#[test]
fn a_migration_numbered_below_applied_ones_is_applied_when_it_appears() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("t.db");
    // Made before 0011 existed (another branch took 0011 and 0012).
    let without: Vec<Migration> = MIGRATIONS
        .iter()
        .copied()
        .filter(|m| m.version != 11)
        .collect();
    migrate(&mut Connection::open(&path).unwrap(), &without).unwrap();
    Sqlite::open(&path, 1).unwrap().close();
    let all: Vec<i64> = MIGRATIONS.iter().map(|m| m.version).collect();
    assert_eq!(applied(&path), (all.clone(), all.len() as i64));
    let conn = Connection::open(&path).unwrap();
    conn.prepare("SELECT public_version FROM relation_stats")
        .expect("0011 applied");
}

#[test]
fn a_database_migrated_by_a_newer_sixin_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("t.db");
    Sqlite::open(&path, 1).unwrap().close();
    Connection::open(&path)
        .unwrap()
        .execute(
            "INSERT INTO sixin_migrations (version, applied_at) VALUES (9999, 0)",
            [],
        )
        .unwrap();
    let err = Sqlite::open(&path, 1).err().expect("refused");
    assert!(format!("{err:?}").contains("9999"), "{err:?}");
}

#[test]
fn retry_rows_stored_before_migration_16_answer_with_their_first_8_bytes() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("t.db");
    let mut conn = Connection::open(&path).unwrap();
    migrate(&mut conn, &MIGRATIONS[..15]).unwrap();
    let long: Vec<u8> = (1..=32).collect();
    conn.execute(
        "INSERT INTO send_retries VALUES (1, ?1, 7, 100), (2, x'0102', 8, 100)",
        [&long],
    )
    .unwrap();
    migrate(&mut conn, MIGRATIONS).unwrap();
    let rows: Vec<(i64, Vec<u8>)> = conn
        .prepare("SELECT sender, fingerprint FROM send_retries ORDER BY sender")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(rows, vec![(1, long[..8].to_vec()), (2, vec![1, 2])]);
}

/// A text message in conversation 1 (made if missing), as the send code
/// stores one.
fn insert_text(c: &Connection, seqno: i64, msg_key: i64, text: &str) -> rusqlite::Result<()> {
    c.execute(
        "INSERT OR IGNORE INTO conversations (id, kind, a, b) VALUES (1, 1, 1, 2)",
        [],
    )?;
    c.execute(
        "INSERT INTO messages (conversation_id, seqno, msg_key, sender_uid, receiver_type,
             receiver_id, msg_type, content, ts_us, msg_source)
         VALUES (1, ?1, ?2, 1, 1, 2, 1, ?3, 0, 0)",
        rusqlite::params![
            seqno,
            msg_key,
            serde_json::json!({ "content": text }).to_string()
        ],
    )?;
    Ok(())
}

/// The keys the search index finds for `text`, and how many texts still
/// wait to be indexed.
async fn indexed(db: &Sqlite, text: &'static str) -> (Vec<i64>, i64) {
    db.read(move |c| {
        let keys = c
            .prepare("SELECT rowid FROM message_text WHERE message_text MATCH ?1 ORDER BY rowid")?
            .query_map([format!("\"{text}\"")], |r| r.get(0))?
            .collect::<Result<Vec<i64>, _>>()?;
        let waiting = c.query_row("SELECT count(*) FROM message_text_pending", [], |r| {
            r.get(0)
        })?;
        Ok((keys, waiting))
    })
    .await
    .unwrap()
}

#[tokio::test]
async fn a_batch_indexes_the_texts_it_commits_and_none_of_a_failed_operation() {
    let dir = tempfile::tempdir().unwrap();
    let db = Sqlite::open(&dir.path().join("t.db"), 1).unwrap();
    // The first write holds the writer while the other two queue behind
    // it, so that all three share one transaction.
    let first = db.write(|c| {
        std::thread::sleep(std::time::Duration::from_millis(100));
        Ok(insert_text(c, 1, 101, "first of the batch")?)
    });
    let failed = db.write(|c| {
        insert_text(c, 2, 102, "failed in the batch")?;
        Err::<(), _>(StoreError::Refused(crate::domain::Refusal::bad_request(
            "test",
        )))
    });
    let last = db.write(|c| Ok(insert_text(c, 2, 103, "last of the batch")?));
    let (first, failed, last) = tokio::join!(first, failed, last);
    assert!(first.is_ok() && last.is_ok());
    assert!(matches!(failed, Err(StoreError::Refused(_))));

    assert_eq!(indexed(&db, "of the batch").await, (vec![101, 103], 0));
    assert_eq!(indexed(&db, "failed").await, (vec![], 0));
}

#[tokio::test]
async fn texts_a_transaction_left_queued_are_indexed_at_the_next_start() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("t.db");
    Sqlite::open(&path, 1).unwrap().close();
    // Something else commits a message without indexing it.
    insert_text(
        &Connection::open(&path).unwrap(),
        1,
        7,
        "written behind our back",
    )
    .unwrap();
    let db = Sqlite::open(&path, 1).unwrap();
    assert_eq!(indexed(&db, "behind").await, (vec![7], 0));
}
