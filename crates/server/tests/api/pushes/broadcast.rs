//! A delivery to everyone: a job in the background whose progress the
//! admin API shows, sessions, counters and histories of its receivers, and
//! one-to-one messages going on meanwhile.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use sixin_api::admin::{Everyone, PushMessage, Receivers};
use sixin_client::EnvelopeExt;

use super::{make_system, message, pushed};
use crate::helpers::{add_fans, spawn_app};

const NOTICE: &str = r#"{"title":"系统维护通知","text":"今晚 2:00 维护一小时。"}"#;

#[tokio::test]
async fn a_broadcast_reaches_everyone_in_the_background() {
    let app = spawn_app().await;
    let (s, _) = app.user("system_notice").await;
    make_system(
        &app,
        s,
        5,
        "系统通知",
        "https://img.example.test/notice.png",
    )
    .await;
    let (a, alice) = app.user("alice").await;
    let (b, bob) = app.user("bob").await;
    add_fans(&app, a, 1500).await;
    let everyone = PushMessage {
        receivers: Receivers::Everyone(Everyone::All),
        ..message(s, &[], 10, NOTICE)
    };
    let started = pushed(&app, &everyone).await;
    assert_eq!(
        (
            started.receivers.as_str(),
            started.total,
            started.msg_source
        ),
        ("all", 1502, 5)
    );
    // One-to-one traffic goes on while it runs.
    let sent = alice.send_text(b, "广播时也能聊天").await.unwrap();
    assert_eq!(sent.code, 0);
    let deadline = Instant::now() + Duration::from_secs(60);
    let job = loop {
        let job = app
            .admin
            .push_job(started.job)
            .await
            .unwrap()
            .into_data()
            .unwrap();
        assert!(job.delivered + job.skipped <= job.total);
        if job.state == "done" {
            break job;
        }
        assert!(Instant::now() < deadline, "the broadcast finishes: {job:?}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    };
    assert_eq!((job.delivered, job.skipped), (1502, 0));
    assert!(job.finished_at.is_some() && job.msg_key.is_some());
    let bobs = bob.single_unread().await.unwrap().into_data().unwrap();
    assert_eq!(
        (bobs.follow_unread, bobs.unfollow_unread),
        (1, 1),
        "the notice (a system account's, as followed) and alice's message"
    );

    // A receiver among the fans: one session with the system account, its
    // history one message long.
    let fan = app.login_as(1_000_777).await;
    let sessions = fan
        .new_sessions(None, None)
        .await
        .unwrap()
        .into_data()
        .unwrap()
        .session_list
        .unwrap();
    assert_eq!(sessions.len(), 1);
    let session = &sessions[0];
    assert_eq!(
        (
            session.talker_id,
            session.system_msg_type,
            session.unread_count,
            session.new_push_msg
        ),
        (s, 5, 1, 1)
    );
    let history = fan
        .fetch_session_msgs(s, None, None, None)
        .await
        .unwrap()
        .into_data()
        .unwrap();
    let messages = history.messages.unwrap();
    assert_eq!(messages.len(), 1);
    assert_eq!(
        (messages[0].content.as_str(), messages[0].msg_seqno),
        (NOTICE, 1)
    );
    // The sender is not given a session per receiver.
    let sender = app.login_as(s).await;
    let own = sender
        .new_sessions(None, None)
        .await
        .unwrap()
        .into_data()
        .unwrap();
    assert_eq!(own.session_list, None);
    // Every receiver's message is its own: keys differ.
    let other = app.login_as(1_000_001).await;
    let theirs = other
        .fetch_session_msgs(s, None, None, None)
        .await
        .unwrap()
        .into_data()
        .unwrap()
        .messages
        .unwrap();
    assert_ne!(theirs[0].msg_key, messages[0].msg_key);
    assert_eq!(theirs[0].content, NOTICE);
}

#[tokio::test]
async fn a_delivery_a_stop_left_unfinished_resumes_at_start() {
    let first = spawn_app().await;
    let (s, _) = first.user("notices").await;
    let mut readers = Vec::new();
    for name in ["r1", "r2", "r3"] {
        readers.push(first.create_user(name).await);
    }
    // A job as a stop leaves it: made, one receiver done, not finished.
    let (sender, last, cursor) = (s as i64, readers[2] as i64, readers[0] as i64);
    let job = move |database: Option<String>, data: PathBuf| async move {
        match database {
            None => {
                let db = rusqlite::Connection::open(data.join("sixin.db")).unwrap();
                db.busy_timeout(Duration::from_secs(10)).unwrap();
                db.execute(
                    "INSERT INTO shared_contents (id, content) VALUES (1, '{\"content\":\"续传\"}')",
                    [],
                )
                .unwrap();
                db.execute(
                    "INSERT INTO push_jobs (id, sender, msg_type, content_id, msg_source, notify_code,
                         unread_kind, to_everyone, last_mid, cursor, total, delivered, created_at)
                     VALUES (7, ?1, 1, 1, 5, '', 1, 1, ?2, ?3, 3, 1, 0)",
                    rusqlite::params![sender, last, cursor],
                )
                .unwrap();
            }
            Some(url) => {
                let (db, connection) = tokio_postgres::connect(&url, tokio_postgres::NoTls)
                    .await
                    .unwrap();
                tokio::spawn(connection);
                db.batch_execute(
                    "INSERT INTO shared_contents (id, content) VALUES (1, '{\"content\":\"续传\"}')",
                )
                .await
                .unwrap();
                db.execute(
                    "INSERT INTO push_jobs (id, sender, msg_type, content_id, msg_source, notify_code,
                         unread_kind, to_everyone, last_mid, cursor, total, delivered, created_at)
                     VALUES (7, $1, 1, 1, 5, '', 1, TRUE, $2, $3, 3, 1, 0)",
                    &[&sender, &last, &cursor],
                )
                .await
                .unwrap();
            }
        }
    };
    let second = first.restart_after(job).await;
    let deadline = Instant::now() + Duration::from_secs(30);
    let job = loop {
        let job = second.admin.push_job(7).await.unwrap().into_data().unwrap();
        if job.state == "done" {
            break job;
        }
        assert!(Instant::now() < deadline, "resumed and finished: {job:?}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    };
    assert_eq!((job.delivered, job.total), (3, 3));
    for (i, &reader) in readers.iter().enumerate() {
        let client = second.login_as(reader).await;
        let history = client
            .fetch_session_msgs(s, None, None, None)
            .await
            .unwrap()
            .into_data()
            .unwrap();
        let got = history.messages.map_or(0, |m| m.len());
        assert_eq!(
            got,
            usize::from(i > 0),
            "only those after the cursor: {reader}"
        );
    }
}
