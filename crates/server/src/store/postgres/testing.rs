//! Throwaway schemas for tests (the contract suite, the HTTP suite, the
//! multi-node tests): each run of a store gets an empty schema of its own
//! in a shared database, dropped afterwards; and the check that the tables
//! derived from `relations` agree with it.

use std::str::FromStr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Once;

use tokio_postgres::NoTls;

use crate::store::StoreError;

/// Names of test schemas: this prefix, the pid of the process that made
/// it, and a counter.
const PREFIX: &str = "sixin_test_";

/// An empty schema in the database at a URL, dropped when this is.
#[derive(Debug)]
pub struct TestDatabase {
    base: String,
    schema: String,
}

impl TestDatabase {
    /// Creates a new schema in the database at `base_url`. The first call
    /// of a process also drops the schemas that processes no longer running
    /// left behind.
    pub async fn create(base_url: &str) -> Result<TestDatabase, StoreError> {
        static COUNTER: AtomicU64 = AtomicU64::new(0);
        static SWEEP: Once = Once::new();
        let pid = std::process::id();
        let schema = format!("{PREFIX}{pid}_{}", COUNTER.fetch_add(1, Ordering::Relaxed));
        let client = connect(base_url).await?;
        let mut sweep = false;
        SWEEP.call_once(|| sweep = true);
        if sweep {
            sweep_orphans(&client).await?;
        }
        client
            .batch_execute(&format!("CREATE SCHEMA {schema}"))
            .await?;
        Ok(TestDatabase {
            base: base_url.to_owned(),
            schema,
        })
    }

    /// The URL of the database with the schema as the search path: give
    /// it to `--database-url`.
    pub fn url(&self) -> String {
        let separator = if self.base.contains('?') { '&' } else { '?' };
        format!(
            "{}{separator}options=-c%20search_path%3D{}",
            self.base, self.schema
        )
    }

    /// The schema's name.
    pub fn schema(&self) -> &str {
        &self.schema
    }
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        let base = self.base.clone();
        let schema = self.schema.clone();
        // A thread of its own: this may be dropped inside an async runtime.
        let dropped = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .ok()?;
            runtime.block_on(async {
                let client = connect(&base).await.ok()?;
                client
                    .batch_execute(&format!(
                        "SET lock_timeout = '10s'; DROP SCHEMA IF EXISTS {schema} CASCADE"
                    ))
                    .await
                    .ok()
            })
        })
        .join();
        if !matches!(dropped, Ok(Some(()))) {
            // The next test run sweeps it.
            tracing::warn!(schema = %self.schema, "could not drop a test schema");
        }
    }
}

async fn connect(url: &str) -> Result<tokio_postgres::Client, StoreError> {
    let config = tokio_postgres::Config::from_str(url)?;
    let (client, connection) = config.connect(NoTls).await?;
    tokio::spawn(async move {
        let _ = connection.await;
    });
    Ok(client)
}

/// Drops the test schemas of processes that are gone.
async fn sweep_orphans(client: &tokio_postgres::Client) -> Result<(), StoreError> {
    let rows = client
        .query(
            "SELECT nspname FROM pg_namespace WHERE starts_with(nspname, $1)",
            &[&PREFIX],
        )
        .await?;
    for row in rows {
        let name: String = row.get(0);
        let pid = name
            .strip_prefix(PREFIX)
            .and_then(|rest| rest.split('_').next())
            .and_then(|pid| pid.parse::<u32>().ok());
        let alive = pid.is_some_and(|pid| std::path::Path::new(&format!("/proc/{pid}")).exists());
        if !alive {
            let _ = client
                .batch_execute(&format!("DROP SCHEMA IF EXISTS {name} CASCADE"))
                .await;
        }
    }
    Ok(())
}

/// The variable naming the database tests may make schemas in.
pub const TEST_DATABASE_URL: &str = "SIXIN_TEST_DATABASE_URL";

/// The database tests may make schemas in, if one is configured. Without
/// one, says once (past the test harness's capture) that the PostgreSQL
/// runs are skipped and how to enable them.
pub fn test_database_url() -> Option<String> {
    static SAID: Once = Once::new();
    match std::env::var(TEST_DATABASE_URL) {
        Ok(url) if !url.trim().is_empty() => Some(url),
        _ => {
            SAID.call_once(|| {
                use std::io::Write;
                let _ = writeln!(
                    std::io::stderr(),
                    "\nNOTE: {TEST_DATABASE_URL} is not set: the PostgreSQL runs are SKIPPED \
                     (they pass without running). To run them against a PostgreSQL server: \
                     {TEST_DATABASE_URL}=postgres://postgres@127.0.0.1:5432/postgres cargo test --workspace\n"
                );
            });
            None
        }
    }
}

/// Each check: what it is, and a query counting the rows that break it.
const CHECKS: &[(&str, &str)] = &[
    (
        "followers is relations reversed, row for row",
        "SELECT COUNT(*) FROM (
            (SELECT mid, fid, attribute, special, mtime, seq, made_seq FROM relations
             EXCEPT ALL SELECT mid, fid, attribute, special, mtime, seq, made_seq FROM followers)
            UNION ALL
            (SELECT mid, fid, attribute, special, mtime, seq, made_seq FROM followers
             EXCEPT ALL SELECT mid, fid, attribute, special, mtime, seq, made_seq FROM relations)
         ) d",
    ),
    (
        "follower_buckets counts the follows by seq, without empty buckets",
        "WITH counted AS (
            SELECT f.fid, l.level, f.seq >> (6 * l.level) AS bucket, COUNT(*) AS n
            FROM followers f, (VALUES (1), (2), (3), (4)) AS l(level)
            WHERE f.attribute = 2 GROUP BY 1, 2, 3
         )
         SELECT COUNT(*) FROM (
            (SELECT fid, level, bucket, n FROM follower_buckets EXCEPT ALL
             SELECT fid, level, bucket, n FROM counted)
            UNION ALL
            (SELECT fid, level, bucket, n FROM counted EXCEPT ALL
             SELECT fid, level, bucket, n FROM follower_buckets)
         ) d",
    ),
    (
        "relation_stats counts each user's relations, both ends of each have a row",
        "WITH users_in AS (SELECT mid FROM relations UNION SELECT fid FROM relations),
         counted AS (
            SELECT u.mid,
                (SELECT COUNT(*) FROM relations r WHERE r.mid = u.mid AND r.attribute = 2),
                (SELECT COUNT(*) FROM relations r WHERE r.mid = u.mid AND r.attribute = 1),
                (SELECT COUNT(*) FROM relations r WHERE r.mid = u.mid AND r.attribute = 128),
                (SELECT COUNT(*) FROM relations r WHERE r.fid = u.mid AND r.attribute = 2)
            FROM (SELECT mid FROM users_in UNION SELECT mid FROM relation_stats) u
         )
         SELECT COUNT(*) FROM (
            (SELECT mid, following, whisper, black, follower FROM relation_stats
             EXCEPT SELECT * FROM counted)
            UNION ALL
            (SELECT * FROM counted EXCEPT
             SELECT mid, following, whisper, black, follower FROM relation_stats)
         ) d",
    ),
    (
        "groups hold follows only",
        "SELECT COUNT(*) FROM relation_tag_members t
         WHERE NOT EXISTS (SELECT 1 FROM relations r
                           WHERE r.mid = t.mid AND r.fid = t.fid AND r.attribute = 2)",
    ),
];

/// What in the schema at `url` disagrees with `relations`: each check of
/// the tables its writers derive from it ([`super::bookkeeping`]) that
/// fails, with how many rows break it. Empty when all agree.
pub async fn derived_disagreements(url: &str) -> Vec<(&'static str, i64)> {
    let (client, connection) = tokio_postgres::connect(url, tokio_postgres::NoTls)
        .await
        .expect("the test schema");
    tokio::spawn(connection);
    let mut found = Vec::new();
    for (what, sql) in CHECKS {
        let wrong: i64 = client.query_one(*sql, &[]).await.unwrap().get(0);
        if wrong != 0 {
            found.push((*what, wrong));
        }
    }
    found
}

/// Every table of the schema at `url` with its columns (for the
/// transfer's test that it copies them all).
#[cfg(test)]
pub async fn schema(url: &str) -> Vec<(String, Vec<String>)> {
    let config = tokio_postgres::Config::from_str(url).unwrap();
    super::migrate(&config).await.unwrap();
    let (client, connection) = config.connect(NoTls).await.unwrap();
    tokio::spawn(connection);
    let rows = client
        .query(
            "SELECT table_name::TEXT, array_agg(column_name::TEXT ORDER BY ordinal_position)
             FROM information_schema.columns WHERE table_schema = current_schema()
             GROUP BY table_name ORDER BY table_name",
            &[],
        )
        .await
        .unwrap();
    rows.iter().map(|r| (r.get(0), r.get(1))).collect()
}
