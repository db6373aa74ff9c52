//! The transfer against a real PostgreSQL (skipped, and said so, without
//! `SIXIN_TEST_DATABASE_URL`), on data directories filled with every kind
//! of value the schema holds; the whole-server round trip through HTTP is
//! the CLI's process test (`crates/cli/tests/migrate.rs`).

use std::collections::BTreeMap;
use std::path::Path;

use super::*;
use crate::store::postgres::{derived_disagreements, test_database_url, TestDatabase};
use crate::store::sqlite::Sqlite;

/// A data directory whose database holds a little of everything: NULLs
/// and their absence, text beyond ASCII, blobs, booleans, keys past 2^53,
/// strikes, a deleted group (so AUTOINCREMENT is ahead of the largest
/// tagid), an edited emoji catalogue, an upload with its file, fan groups
/// with a mention, a push (shared content, a running and a finished job)
/// and automatic replies.
fn community(key: u8) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("server_key"), [key; 32]).unwrap();
    let path = Sqlite::path_in(dir.path());
    drop(Sqlite::open(&path, 1).unwrap());
    crate::store::sqlite::export::run_sql(
        &path,
        r#"
        INSERT INTO users (mid, uname, password_hash, face, sign, official_type, created_at) VALUES
            (1, 'alice', '$argon2id$v=19$x', NULL, '', -1, 1700000000),
            (2, '鲍勃', NULL, 'https://x/face.png', '签名 "quoted"	tab', 0, 1700000001),
            (3, 'carol', NULL, NULL, '', -1, 1700000002);
        INSERT INTO login_sessions VALUES (x'00ff10', 1, 1700000000, 1800000000),
                                          (x'0a0b', 2, 1700000000, 1800000000);
        INSERT INTO system_accounts VALUES (3, 8, '客服', NULL);
        INSERT INTO qr_logins VALUES (x'aa', 1700000000, 1700000180, 0, NULL),
                                     (x'bb', 1700000000, 1700000180, 1, 2);
        UPDATE relation_seq SET value = value + 1;
        INSERT INTO relations (mid, fid, attribute, special, mtime, seq, made_seq) VALUES (1, 2, 2, 1, 1700000100, 1, 1);
        UPDATE relation_seq SET value = value + 1;
        INSERT INTO relations (mid, fid, attribute, special, mtime, seq, made_seq) VALUES (2, 1, 2, 0, 1700000101, 2, 2);
        UPDATE relation_seq SET value = value + 1;
        INSERT INTO relations (mid, fid, attribute, special, mtime, seq, made_seq) VALUES (3, 1, 128, 0, 1700000102, 3, 3);
        UPDATE relation_seq SET value = 9;
        INSERT INTO relation_tags (mid, name, ctime) VALUES (1, '朋友', 1700000200), (1, 'gone', 1700000201), (1, 'last', 1700000202);
        DELETE FROM relation_tags WHERE name = 'last';
        INSERT INTO relation_tag_members VALUES (1, 2, 1, 5), (1, 2, -10, 6);
        INSERT INTO follower_views VALUES (1, 1700000300, 2);
        INSERT INTO fan_groups VALUES (7, 1, '粉丝团', NULL, 2, 0, 0, 1700000350000000),
                                      (8, 2, 'old', 'https://x/cover.png', 0, 1, 1, 1700000351000000);
        INSERT INTO group_members VALUES (7, 1, 1, 1700000350000000), (7, 2, 2, 1700000352000000);
        INSERT INTO shared_contents VALUES (4, '{"content":"推送"}');
        INSERT INTO push_jobs VALUES
            (3, 3, 1, 4, 7, 'push', 1, 0, 3, 2, 2, 1, 1, 7140000000000000006, 1700000390000000, 1700000391000000),
            (5, 3, 1, 4, 7, '', 2, 1, 3, 0, 3, 0, 0, NULL, 1700000392000000, NULL);
        INSERT INTO push_receivers VALUES (3, 0, 2), (3, 1, 999);
        INSERT INTO conversations (id, kind, a, b, max_seqno) VALUES (1, 1, 1, 2, 3), (2, 1, 1, 3, 1), (3, 2, 7, 0, 1), (4, 1, 2, 3, 1);
        INSERT INTO messages VALUES
            (1, 1, 7140000000000000001, 1, 1, 2, 1, '{"content":"你好"}', 1700000400000000, 0, '', NULL, 1, NULL, 0, NULL, 0),
            (1, 2, 7140000000000000002, 2, 1, 1, 5, '7140000000000000001', 1700000401000000, 0, '', 3, 1, '[1,2]', 0, NULL, 0),
            (1, 3, 7140000000000000003, 1, 1, 2, 1, '{"content":"x"}', 1700000402000000, 2, 'n', NULL, 8, NULL, 1, NULL, 0),
            (2, 1, 7140000000000000004, 3, 1, 1, 1, '{"content":"y"}', 1700000403000000, 0, '', NULL, 1, NULL, 0, NULL, 0),
            (3, 1, 7140000000000000005, 2, 2, 7, 1, '{"content":"@alice 大家好"}', 1700000404000000, 0, '', NULL, 1, '[1]', 0, NULL, 0),
            (4, 1, 7140000000000000006, 3, 1, 2, 1, '', 1700000405000000, 0, 'push', NULL, 7, NULL, 0, 4, 1);
        INSERT INTO sessions (owner, session_type, talker_id, conversation_id, last_seqno, session_ts, ack_seqno, ack_ts,
                              unread_count, sent_count, top_ts, is_dnd, push_setting, is_intercept, is_trust, removed,
                              at_seqno, push_unread, biz_unread) VALUES
            (1, 1, 2, 1, 3, 1700000402000000, 2, 1700000401000000, 0, 2, 1700000500000000, 1, 0, 0, 1, 0, 0, 0, 0),
            (2, 1, 1, 1, 2, 1700000401000000, 1, 1700000400000000, 1, 1, 0, 0, 2, 1, 0, 1, 0, 0, 0),
            (1, 1, 3, 2, 1, 1700000403000000, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0),
            (1, 2, 7, 3, 1, 1700000404000000, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0),
            (2, 2, 7, 3, 1, 1700000404000000, 1, 1700000404000000, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0),
            (2, 1, 3, 4, 1, 1700000405000000, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0);
        INSERT INTO send_retries VALUES (1, x'0102', 7140000000000000001, 1700000400);
        INSERT INTO send_bans VALUES (3, 1800000000);
        INSERT INTO send_rates VALUES (1, 1700000400, 3, '[1700000390,1700000395]'), (2, 1700000401, 1, '[]');
        INSERT INTO message_settings VALUES (1, '{"msg_notify":0}');
        INSERT INTO message_block_words (mid, word, word_key, ctime) VALUES (1, 'Spam', 'spam', 1700000600), (1, '广告', '广告', 1700000601);
        INSERT INTO uploads VALUES ('abc.png', 1, 'image/png', 96, 96, 5, 1700000700);
        INSERT INTO customer_files VALUES ('0123.txt', 3, 'notes.txt', 'text/plain', 3, 1700000701);
        INSERT INTO presence VALUES (3, 10, 20, 1700000800, 1700000860);
        INSERT INTO auto_replies (mid, kind, title, key1, key2, reply, ctime) VALUES
            (1, 1, '', '', '', '谢谢关注', 1700000900), (1, 2, '规则', '价格', 'price', '看简介', 1700000901),
            (1, 3, '', '', '', 'gone', 1700000902);
        DELETE FROM auto_replies WHERE reply = 'gone';
        DELETE FROM emotes WHERE text = '[微笑]';
        INSERT INTO emotes (text, uri, size, gif_url) VALUES ('[new]', 'https://x/new.png', 2, 'https://x/new.gif');
        UPDATE users SET state = 1, state_at = 1700000900 WHERE mid = 3;
        INSERT INTO throttles VALUES (2, x'c0000201', 3, 1700000000000, 1700000001000, 1700000180000);
        "#,
    );
    std::fs::create_dir_all(dir.path().join("uploads/custom")).unwrap();
    std::fs::write(dir.path().join("uploads/abc.png"), b"12345").unwrap();
    std::fs::write(dir.path().join("uploads/custom/0123.txt"), b"abc").unwrap();
    dir
}

fn options(from: &Path, to: &str) -> Options {
    Options {
        from: from.to_owned(),
        to: to.to_owned(),
        storage: StorageConfig::default(),
        replace: false,
        batch_rows: 2,
        stop_after_rows: None,
    }
}

async fn run(options: &Options) -> Result<Report, TransferError> {
    super::run(options, Arc::new(Silent)).await
}

/// Rows per table, from a report.
fn counts(report: &Report) -> BTreeMap<&'static str, (u64, u64)> {
    report
        .tables
        .iter()
        .map(|t| (t.name, (t.source.rows, t.target.rows)))
        .collect()
}

async fn client(url: &str) -> tokio_postgres::Client {
    let (client, connection) = url
        .parse::<tokio_postgres::Config>()
        .unwrap()
        .connect(tokio_postgres::NoTls)
        .await
        .unwrap();
    tokio::spawn(connection);
    client
}

#[test]
fn every_sqlite_table_and_column_is_copied_or_said_why_not() {
    let mut expected: Vec<(String, Vec<String>)> = TABLES
        .iter()
        .map(|t| {
            let mut columns: Vec<String> = t.columns.iter().map(|c| c.name.to_owned()).collect();
            columns.sort();
            (t.name.to_owned(), columns)
        })
        .collect();
    expected.sort();
    let mut schema: Vec<(String, Vec<String>)> = crate::store::sqlite::export::schema()
        .into_iter()
        .filter(|(name, _)| !not_copied::SQLITE_ONLY.contains(&name.as_str()))
        .map(|(name, mut columns)| {
            columns.sort();
            (name, columns)
        })
        .collect();
    schema.sort();
    assert_eq!(
        schema, expected,
        "a table or column was added: describe it in store/transfer/tables.rs"
    );
}

#[tokio::test]
async fn every_postgres_table_and_column_is_filled_or_said_why_not() {
    let Some(url) = test_database_url() else {
        return;
    };
    let db = TestDatabase::create(&url).await.unwrap();
    // The transfer's own tables exist once a transfer has connected.
    drop(Target::connect(&db.url()).await.unwrap());
    let mut expected: Vec<(String, Vec<String>)> = TABLES
        .iter()
        .map(|t| {
            let mut columns: Vec<String> = t.columns.iter().map(|c| c.name.to_owned()).collect();
            columns.sort();
            (t.name.to_owned(), columns)
        })
        .collect();
    expected.sort();
    let mut schema: Vec<(String, Vec<String>)> = crate::store::postgres::testing::schema(&db.url())
        .await
        .into_iter()
        .filter(|(name, _)| !not_copied::POSTGRES_ONLY.contains(&name.as_str()))
        .map(|(name, mut columns)| {
            columns.retain(|c| {
                !not_copied::POSTGRES_ONLY_COLUMNS.contains(&(name.as_str(), c.as_str()))
            });
            columns.sort();
            (name, columns)
        })
        .collect();
    schema.sort();
    assert_eq!(
        schema, expected,
        "a table or column was added: describe it in store/transfer/tables.rs"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_community_moves_over_whole_and_verified() {
    let Some(url) = test_database_url() else {
        return;
    };
    let db = TestDatabase::create(&url).await.unwrap();
    let dir = community(1);
    let report = run(&options(dir.path(), &db.url())).await.unwrap();
    assert!(report.is_ok(), "{report}");
    assert!(!report.resumed);
    let counts = counts(&report);
    assert_eq!(counts["users"], (3, 3));
    assert_eq!(counts["messages"], (6, 6));
    assert_eq!(counts["fan_groups"], (2, 2));
    assert_eq!(counts["group_members"], (2, 2));
    assert_eq!(counts["push_jobs"], (2, 2));
    assert_eq!(counts["push_receivers"], (2, 2));
    assert_eq!(counts["auto_replies"], (2, 2));
    assert_eq!(counts["relation_stats"], (3, 3));
    assert_eq!(counts["throttles"], (1, 1));
    // The catalogue is the community's edited one, not the seeded one.
    assert_eq!(counts["emotes"], (30, 30));
    assert_eq!(report.copied, counts.values().map(|(s, _)| s).sum::<u64>());
    assert_eq!((report.files.files, report.files.bytes), (2, 8));
    assert!(report.files.missing_in_source.is_empty());

    let pg = client(&db.url()).await;
    let one = |sql: &'static str| {
        let pg = &pg;
        async move { pg.query_one(sql, &[]).await.unwrap().get::<_, i64>(0) }
    };
    // Counters: the next key, seq and ids come after what SQLite issued,
    // the deleted group's id included.
    assert!(one("SELECT nextval('msg_keys')").await > 7_140_000_000_000_000_004);
    assert_eq!(one("SELECT nextval('relation_seq')").await, 10);
    assert_eq!(
        one("SELECT nextval(pg_get_serial_sequence('relation_tags', 'tagid'))").await,
        4
    );
    assert_eq!(
        one("SELECT nextval(pg_get_serial_sequence('conversations', 'id'))").await,
        5
    );
    assert_eq!(
        one("SELECT nextval(pg_get_serial_sequence('shared_contents', 'id'))").await,
        5
    );
    assert_eq!(
        one("SELECT nextval(pg_get_serial_sequence('push_jobs', 'id'))").await,
        6
    );
    // SQLite reuses the deleted reply's id, so PostgreSQL may too.
    assert_eq!(
        one("SELECT nextval(pg_get_serial_sequence('auto_replies', 'id'))").await,
        3
    );
    // The reverse of `relations` (PostgreSQL's own) holds every copied
    // relation and nothing else.
    assert!(one("SELECT COUNT(*) FROM relations").await > 0);
    assert_eq!(
        one("SELECT COUNT(*) FROM (
                (SELECT mid, fid, attribute, special, mtime, seq, made_seq FROM relations
                 EXCEPT SELECT mid, fid, attribute, special, mtime, seq, made_seq FROM followers)
                UNION ALL
                (SELECT mid, fid, attribute, special, mtime, seq, made_seq FROM followers
                 EXCEPT SELECT mid, fid, attribute, special, mtime, seq, made_seq FROM relations)
             ) d")
        .await,
        0
    );
    // And what PostgreSQL derives from them (written by the copy as the
    // server's writers write it): counts, follower buckets (two users
    // followed, four levels each).
    assert_eq!(derived_disagreements(&db.url()).await, []);
    assert_eq!(one("SELECT COUNT(*) FROM follower_buckets").await, 8);
    // Booleans and NULLs of the new tables arrive as they were.
    let group = pg
        .query_one(
            "SELECT frozen, dissolved, cover FROM fan_groups WHERE id = 8",
            &[],
        )
        .await
        .unwrap();
    assert!(group.get::<_, bool>(0) && group.get::<_, bool>(1));
    assert_eq!(
        group.get::<_, Option<String>>(2).as_deref(),
        Some("https://x/cover.png")
    );
    let running = pg
        .query_one(
            "SELECT to_everyone, finished_at FROM push_jobs WHERE id = 5",
            &[],
        )
        .await
        .unwrap();
    assert!(running.get::<_, bool>(0));
    assert_eq!(running.get::<_, Option<i64>>(1), None);
    assert_eq!(
        one("SELECT content_ref FROM messages WHERE msg_key = 7140000000000000006").await,
        4
    );
    // What the triggers counted was overwritten by the copied stats
    // (mid 1's own version: the follow of them at seq 2, not 3's block).
    assert_eq!(
        one("SELECT version FROM relation_stats WHERE mid = 1").await,
        2
    );
    assert_eq!(
        one("SELECT public_version FROM relation_stats WHERE mid = 1").await,
        2
    );
    assert_eq!(one("SELECT state FROM users WHERE mid = 3").await, 1);
    let report_text = report.to_string();
    assert!(
        report_text.contains("verified: every table"),
        "{report_text}"
    );

    // Running again finds everything there: nothing is copied twice.
    let again = run(&options(dir.path(), &db.url())).await.unwrap();
    assert!(
        again.is_ok() && again.resumed && again.copied == 0,
        "{again}"
    );

    // A row that differs is found and named.
    pg.execute("UPDATE users SET sign = 'changed' WHERE mid = 3", &[])
        .await
        .unwrap();
    let differs = run(&options(dir.path(), &db.url())).await.unwrap();
    assert!(!differs.is_ok());
    let bad: Vec<&str> = differs
        .tables
        .iter()
        .filter(|t| !t.same())
        .map(|t| t.name)
        .collect();
    assert_eq!(bad, ["users"]);
    assert!(differs
        .to_string()
        .contains("NOT verified: one table differs (users)"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_interrupted_copy_resumes_without_duplicates() {
    let Some(url) = test_database_url() else {
        return;
    };
    let db = TestDatabase::create(&url).await.unwrap();
    let dir = community(2);
    let mut first = options(dir.path(), &db.url());
    // Batches of two: users (2, 1), then login_sessions (2).
    first.stop_after_rows = Some(4);
    match run(&first).await {
        Err(TransferError::Stopped(5)) => {}
        other => panic!("{other:?}"),
    }
    let pg = client(&db.url()).await;
    let mut held = Vec::new();
    for table in ["users", "login_sessions", "system_accounts", "relations"] {
        let n: i64 = pg
            .query_one(&format!("SELECT COUNT(*) FROM {table}"), &[])
            .await
            .unwrap()
            .get(0);
        held.push(n);
    }
    assert_eq!(held, [3, 2, 0, 0], "whole batches, in table order");
    // No node serves a copy that is not finished.
    let refused = crate::store::postgres::Postgres::open(&db.url(), 1)
        .await
        .unwrap_err();
    assert!(
        format!("{:?}", refused).contains("not verified yet"),
        "{refused:?}"
    );

    let second = run(&options(dir.path(), &db.url())).await.unwrap();
    assert!(second.is_ok(), "{second}");
    assert!(second.resumed);
    let total: u64 = counts(&second).values().map(|(s, _)| s).sum();
    assert_eq!(5 + second.copied, total, "every row copied exactly once");
    crate::store::postgres::Postgres::open(&db.url(), 1)
        .await
        .expect("a verified copy is served");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn another_community_or_a_used_database_is_refused_unless_replaced() {
    let Some(url) = test_database_url() else {
        return;
    };
    let db = TestDatabase::create(&url).await.unwrap();
    let first = community(3);
    assert!(run(&options(first.path(), &db.url()))
        .await
        .unwrap()
        .is_ok());
    let other = community(4);
    let refused = run(&options(other.path(), &db.url())).await.unwrap_err();
    assert!(
        matches!(&refused, TransferError::Refused(why) if why.contains("another community") && why.contains("--replace")),
        "{refused}"
    );
    let mut replace = options(other.path(), &db.url());
    replace.replace = true;
    let replaced = run(&replace).await.unwrap();
    assert!(replaced.is_ok() && !replaced.resumed, "{replaced}");
    // Nothing derived from the first community is left.
    assert_eq!(derived_disagreements(&db.url()).await, []);

    // A database a server used, without a copy's record, is refused.
    let used = TestDatabase::create(&url).await.unwrap();
    let store = crate::store::postgres::Postgres::open(&used.url(), 1)
        .await
        .unwrap();
    drop(store);
    let pg = client(&used.url()).await;
    pg.execute(
        "INSERT INTO users (mid, uname, created_at) VALUES (9, 'zed', 0)",
        &[],
    )
    .await
    .unwrap();
    let refused = run(&options(first.path(), &used.url())).await.unwrap_err();
    assert!(
        matches!(&refused, TransferError::Refused(why) if why.contains("users has rows")),
        "{refused}"
    );
}

#[tokio::test]
async fn files_are_copied_into_the_bucket_once_and_checked() {
    let dir = community(5);
    std::fs::remove_file(dir.path().join("uploads/custom/0123.txt")).unwrap();
    let source: Shared = Arc::new(Mutex::new(Source::open(dir.path()).unwrap()));
    let bucket_dir = tempfile::tempdir().unwrap();
    let bucket = || {
        Some((
            "test-bucket".to_owned(),
            ObjectFiles::local(bucket_dir.path().to_owned()).unwrap(),
        ))
    };
    let check = files(&source, dir.path(), bucket(), &Silent).await.unwrap();
    assert_eq!((check.files, check.bytes, check.copied), (2, 8, 1));
    assert_eq!(check.missing_in_source, ["custom/0123.txt"]);
    assert!(check.missing_in_target.is_empty());
    assert_eq!(
        std::fs::read(bucket_dir.path().join("abc.png")).unwrap(),
        b"12345"
    );
    // Again: nothing left to copy.
    let again = files(&source, dir.path(), bucket(), &Silent).await.unwrap();
    assert_eq!(again.copied, 0);
    // Without a bucket the files stay and are only checked.
    let local = files(&source, dir.path(), None, &Silent).await.unwrap();
    assert_eq!((local.copied, local.missing_in_source.len()), (0, 1));
}
