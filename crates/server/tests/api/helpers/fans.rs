//! Many followers at once, written straight into the database behind a
//! test server (through HTTP this would take minutes).

use sixin_server::store::postgres::bookkeeping;

use super::TestApp;

/// Fills the database behind `app` with `n` users who all follow `star`,
/// directly (through HTTP this would take minutes): `fan{i}`, mid
/// 1000000 + i, following since second 1000 + i (so the last is the newest).
pub async fn add_fans(app: &TestApp, star: u64, n: u64) {
    add_fans_from(app, star, n, 1_000_000).await;
}

/// [`add_fans`] with mids from `first` on (named `fan{first + i}`).
pub async fn add_fans_from(app: &TestApp, star: u64, n: u64, first: i64) {
    if let Some(database) = &app.database {
        return add_fans_in_postgres(&database.url(), star, n, first).await;
    }
    let db = rusqlite::Connection::open(app.data_dir.join("sixin.db")).unwrap();
    db.busy_timeout(std::time::Duration::from_secs(10)).unwrap();
    db.execute_batch("BEGIN IMMEDIATE").unwrap();
    {
        let mut user = db
            .prepare("INSERT INTO users (mid, uname, created_at) VALUES (?1, ?2, 0)")
            .unwrap();
        let mut follow = db
            .prepare(
                "INSERT INTO relations (mid, fid, attribute, special, mtime, seq, made_seq)
                 VALUES (?1, ?2, 2, 0, ?3, ?3, ?3)",
            )
            .unwrap();
        for i in 0..n {
            let mid = first + i as i64;
            let name = if first == 1_000_000 {
                format!("fan{i}")
            } else {
                format!("fan{mid}")
            };
            user.execute(rusqlite::params![mid, name]).unwrap();
            follow
                .execute(rusqlite::params![mid, star as i64, 1_000 + i as i64])
                .unwrap();
        }
    }
    db.execute(
        "UPDATE relation_seq SET value = value + ?1 WHERE id = 1",
        [n as i64 + 1_000],
    )
    .unwrap();
    db.execute_batch("COMMIT").unwrap();
}

/// [`add_fans_from`] on PostgreSQL, in one transaction.
async fn add_fans_in_postgres(url: &str, star: u64, n: u64, first: i64) {
    let (mut db, connection) = tokio_postgres::connect(url, tokio_postgres::NoTls)
        .await
        .unwrap();
    tokio::spawn(connection);
    let tx = db.transaction().await.unwrap();
    tx.execute(
        "INSERT INTO users (mid, uname, created_at)
         SELECT $2 + i, 'fan' || CASE WHEN $2 = 1000000 THEN i ELSE $2 + i END, 0
         FROM generate_series(0, $1::BIGINT - 1) AS i",
        &[&(n as i64), &first],
    )
    .await
    .unwrap();
    // What the server's writers derive from relations (followers, counts,
    // follower buckets) is written as migrate-data writes it for a copy.
    let follows = tx
        .query(
            &format!(
                "INSERT INTO relations ({})
                 SELECT $3 + i, $2, 2, FALSE, 1000 + i, 1000 + i, 1000 + i
                 FROM generate_series(0, $1::BIGINT - 1) AS i
                 RETURNING {0}",
                bookkeeping::RELATION_COLUMNS
            ),
            &[&(n as i64), &(star as i64), &first],
        )
        .await
        .unwrap();
    bookkeeping::relations_inserted(&tx, &follows)
        .await
        .unwrap();
    tx.execute(
        "SELECT setval('relation_seq', nextval('relation_seq') + $1)",
        &[&(n as i64 + 1_000)],
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
}
