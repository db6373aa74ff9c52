//! How pushes and notifications count: `new_push_msg` and
//! `biz_msg_unread_count` of a session, the push and `biz_msg_*` counters
//! of `single_unread`, as they move with follows, interception and reads.

use serde_json::Value;
use sixin_api::admin::PushMessage;
use sixin_api::message::SingleUnread;
use sixin_client::{Client, EnvelopeExt, RelationAct};

use super::{make_system, message, pushed};
use crate::helpers::{relate, spawn_app};

const NOTICE: &str =
    r#"{"title":"流量奖励到账通知","text":"恭喜您已获得2000流量曝光奖励，快来投稿使用吧。"}"#;
const VIDEO: &str = r#"{"rid":1951316064,"bvid":"BV1zC411p7JN","title":"t","attach_msg":null}"#;

async fn unread(client: &Client) -> SingleUnread {
    client.single_unread().await.unwrap().into_data().unwrap()
}

fn counters(u: &SingleUnread) -> [u64; 8] {
    [
        u.unfollow_unread,
        u.follow_unread,
        u.unfollow_push_msg,
        u.dustbin_push_msg,
        u.dustbin_unread,
        u.biz_msg_unfollow_unread,
        u.biz_msg_follow_unread,
        u.custom_unread,
    ]
}

#[tokio::test]
async fn an_assistants_notices_are_pushes_of_a_followed_system_session() {
    let app = spawn_app().await;
    let (up, _) = app.user("up_assistant").await;
    let pic = "https://message.biliimg.com/bfs/im/489a63efadfb202366c2f88853d2217b5ddc7a13.png";
    make_system(&app, up, 7, "UP主小助手", pic).await;
    let (a, alice) = app.user("alice").await;
    for _ in 0..4 {
        let notice = PushMessage {
            notify_code: Some("2091_253".into()),
            ..message(up, &[a], 10, NOTICE)
        };
        pushed(&app, &notice).await;
    }
    assert_eq!(counters(&unread(&alice).await), [0, 4, 0, 0, 0, 0, 0, 0]);
    let session = alice.session_detail(up).await.unwrap().into_data().unwrap();
    assert_eq!(
        (
            session.system_msg_type,
            session.is_follow,
            session.unread_count,
            session.new_push_msg,
            session.biz_msg_unread_count
        ),
        (7, 1, 4, 1, 0)
    );
    let info = session.account_info.unwrap();
    assert_eq!(
        (info.name.as_str(), info.pic_url.as_str()),
        ("UP主小助手", pic)
    );
    let last = session.last_msg.unwrap();
    assert_eq!(
        (last.msg_type, last.msg_source, last.notify_code.as_str()),
        (10, 6, "2091_253")
    );
    alice.update_ack(up, 4).await.unwrap();
    let read = alice.session_detail(up).await.unwrap().into_data().unwrap();
    assert_eq!((read.unread_count, read.new_push_msg), (0, 0));
    assert_eq!(counters(&unread(&alice).await), [0; 8]);
}

#[tokio::test]
async fn a_users_pushes_and_notifications_have_counters_of_their_own() {
    let app = spawn_app().await;
    let (b, bob) = app.user("bob").await;
    let (a, alice) = app.user("alice").await;
    pushed(&app, &message(b, &[a], 10, NOTICE)).await;
    pushed(&app, &message(b, &[a], 11, VIDEO)).await;
    assert_eq!(bob.send_text(a, "看我新视频").await.unwrap().code, 0);
    // Unfollowed: the message, the push and the notification each in
    // their own counter.
    assert_eq!(counters(&unread(&alice).await), [1, 0, 1, 0, 0, 1, 0, 0]);
    let session = alice.session_detail(b).await.unwrap().into_data().unwrap();
    assert_eq!(
        (
            session.unread_count,
            session.new_push_msg,
            session.biz_msg_unread_count
        ),
        (3, 1, 1)
    );
    // Followed: the push is one of the followed user's unread.
    relate(&alice, b, RelationAct::Follow).await;
    assert_eq!(counters(&unread(&alice).await), [0, 2, 0, 0, 0, 0, 1, 0]);
    // Intercepted: the dustbin's.
    let intercepted = alice
        .post_form::<Value, _>(
            "/session_svr/v1/session_svr/update_intercept",
            &[("talker_id", b.to_string()), ("status", "1".into())],
        )
        .await
        .unwrap();
    assert_eq!(intercepted.code, 0);
    assert_eq!(counters(&unread(&alice).await), [0, 0, 0, 1, 2, 0, 0, 0]);
    // Reading past the push leaves the message after it.
    alice.update_ack(b, 2).await.unwrap();
    let session = alice.session_detail(b).await.unwrap().into_data().unwrap();
    assert_eq!(
        (
            session.unread_count,
            session.new_push_msg,
            session.biz_msg_unread_count
        ),
        (1, 0, 0)
    );
    assert_eq!(counters(&unread(&alice).await), [0, 0, 0, 0, 1, 0, 0, 0]);
}

#[tokio::test]
async fn deliveries_skip_who_blocked_the_sender_and_count_them() {
    let app = spawn_app().await;
    let (s, _) = app.user("sender").await;
    let (a, alice) = app.user("alice").await;
    let (c, _carol) = app.user("carol").await;
    relate(&alice, s, RelationAct::Block).await;
    let job = pushed(&app, &message(s, &[a, c, 999, s], 11, VIDEO)).await;
    assert_eq!(
        (
            job.total,
            job.delivered,
            job.skipped,
            job.state.as_str(),
            job.receivers.as_str()
        ),
        (4, 1, 3, "done", "list")
    );
    assert_eq!(counters(&unread(&alice).await), [0; 8]);
    let again = app
        .admin
        .push_job(job.job)
        .await
        .unwrap()
        .into_data()
        .unwrap();
    assert_eq!(again, job);
    assert_eq!(app.admin.push_job(job.job + 1).await.unwrap().code, -404);
}
