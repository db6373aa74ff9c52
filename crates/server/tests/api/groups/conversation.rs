//! A fan group's conversation: system messages, members' messages with
//! their own seqnos, mentions and `at_seqno`, acks, recalls.

use serde_json::json;
use sixin_api::message::Message;
use sixin_client::EnvelopeExt;

use super::group_of;
use crate::helpers::{cookie_of, spawn_app, three};

fn summary(messages: &[Message]) -> Vec<(u64, i64, u64, i64)> {
    messages
        .iter()
        .map(|m| (m.sender_uid, m.msg_type, m.msg_seqno, m.msg_source))
        .collect()
}

#[tokio::test]
async fn members_talk_with_seqnos_of_the_group_and_system_messages_between() {
    let app = spawn_app().await;
    let ((a, alice), (b, bob), (c, _carol)) = three(&app).await;
    // A one-to-one conversation first: the group's seqnos are its own.
    assert_eq!(alice.send_text(b, "hi").await.unwrap().code, 0);
    let g = group_of(&app, a, "alice的应援团", &[b, c]).await;
    let sent = bob.send_group_text(g, "大家好", &[]).await.unwrap();
    assert_eq!(sent.code, 0, "{sent:?}");
    let data = sent.data.unwrap();
    assert!(data.msg_content.is_none() && data.key_hit_infos.is_none());
    let history = alice
        .fetch_group_msgs(g, None, None, None)
        .await
        .unwrap()
        .into_data()
        .unwrap();
    let messages = history.messages.unwrap();
    assert_eq!(
        summary(&messages),
        vec![
            (b, 1, 4, 7),
            (0, 306, 3, 13),
            (0, 306, 2, 13),
            (0, 305, 1, 13)
        ]
    );
    assert_eq!(
        messages[3].content,
        format!(r#"{{"group_id":{g},"content":"alice的应援团开通啦 (>▽<)"}}"#)
    );
    assert_eq!(
        messages[2].content,
        format!(r#"{{"group_id":{g},"content":"欢迎bob入群"}}"#)
    );
    assert_eq!(
        messages[1].content,
        format!(r#"{{"group_id":{g},"content":"欢迎carol入群"}}"#)
    );
    for m in &messages {
        assert_eq!((m.receiver_type, m.receiver_id), (2, g));
    }
    assert_eq!(messages[0].at_uids, Some(vec![0]), "nobody mentioned");
    assert_eq!(messages[1].at_uids, None);
    assert_eq!(messages[1].new_face_version, None);
    assert_eq!((history.min_seqno, history.max_seqno), (1, 4));

    // The wire form of a system message, as in the documents' example.
    let raw = app
        .get_raw(
            &format!("/svr_sync/v1/svr_sync/fetch_session_msgs?talker_id={g}&session_type=2&size=1&end_seqno=4"),
            Some(&cookie_of(&alice)),
        )
        .await;
    let m = &raw["data"]["messages"][0];
    assert_eq!(
        m.as_object().unwrap().keys().collect::<Vec<_>>(),
        [
            "sender_uid",
            "receiver_type",
            "receiver_id",
            "msg_type",
            "content",
            "msg_seqno",
            "timestamp",
            "at_uids",
            "msg_key",
            "msg_status",
            "notify_code",
            "msg_source"
        ]
    );
    assert_eq!(m["sender_uid"], 0);
    assert_eq!(m["at_uids"], json!(null));
}

#[tokio::test]
async fn a_mention_sets_at_seqno_until_the_member_reads_past_it() {
    let app = spawn_app().await;
    let ((a, alice), (b, bob), (c, carol)) = three(&app).await;
    let g = group_of(&app, a, "g", &[b, c]).await;
    // carol has read the welcome messages.
    carol.group_update_ack(g, 3).await.unwrap();
    let mention = bob.send_group_text(g, "@carol 在吗", &[c]).await.unwrap();
    assert_eq!(mention.code, 0, "{mention:?}");
    bob.send_group_text(g, "还有人吗", &[0]).await.unwrap();
    let session = carol
        .group_session_detail(g)
        .await
        .unwrap()
        .into_data()
        .unwrap();
    assert_eq!(
        (session.at_seqno, session.unread_count, session.max_seqno),
        (4, 2, 5)
    );
    let alices = alice
        .group_session_detail(g)
        .await
        .unwrap()
        .into_data()
        .unwrap();
    assert_eq!(alices.at_seqno, 0, "only the one mentioned");
    let bobs = bob
        .group_session_detail(g)
        .await
        .unwrap()
        .into_data()
        .unwrap();
    assert_eq!(
        (bobs.unread_count, bobs.ack_seqno),
        (0, 5),
        "own messages are read"
    );
    let history = carol
        .fetch_group_msgs(g, Some(2), None, None)
        .await
        .unwrap()
        .into_data()
        .unwrap();
    let messages = history.messages.unwrap();
    assert_eq!(messages[1].at_uids, Some(vec![c]));
    assert_eq!(messages[0].at_uids, Some(vec![0]));

    // Reading up to just before the mention keeps it; reading it clears it.
    carol.group_update_ack(g, 3).await.unwrap();
    let still = carol
        .group_session_detail(g)
        .await
        .unwrap()
        .into_data()
        .unwrap();
    assert_eq!(still.at_seqno, 4);
    carol.group_update_ack(g, 4).await.unwrap();
    let read = carol
        .group_session_detail(g)
        .await
        .unwrap()
        .into_data()
        .unwrap();
    assert_eq!(
        (read.at_seqno, read.unread_count, read.ack_seqno),
        (0, 1, 4)
    );

    // Mentioning someone outside the group is a bad request.
    let (d, _dave) = app.user("dave").await;
    let outsider = bob.send_group_text(g, "hi", &[d]).await.unwrap();
    assert_eq!(outsider.code, -400);
    assert!(
        outsider.message.contains("msg[at_uids]"),
        "{}",
        outsider.message
    );
}

#[tokio::test]
async fn group_unread_is_only_in_my_group_unread() {
    let app = spawn_app().await;
    let ((a, alice), (b, bob), (c, _carol)) = three(&app).await;
    let g = group_of(&app, a, "g", &[b]).await;
    // bob has the welcome of himself unread; alice has bob's welcome.
    assert_eq!(
        bob.my_group_unread()
            .await
            .unwrap()
            .into_data()
            .unwrap()
            .unread_count,
        1
    );
    bob.send_group_text(g, "one", &[]).await.unwrap();
    bob.send_group_text(g, "two", &[]).await.unwrap();
    let unread = alice.my_group_unread().await.unwrap().into_data().unwrap();
    assert_eq!(unread.unread_count, 3);
    let single = alice.single_unread().await.unwrap().into_data().unwrap();
    assert_eq!(
        (
            single.follow_unread,
            single.unfollow_unread,
            single.dustbin_unread
        ),
        (0, 0, 0),
        "single_unread leaves fan groups out, as documented"
    );
    // A one-to-one message still counts there.
    let (_, carol) = (c, _carol);
    assert_eq!(carol.send_text(a, "hello").await.unwrap().code, 0);
    let single = alice.single_unread().await.unwrap().into_data().unwrap();
    assert_eq!(single.unfollow_unread, 1);
    alice.group_update_ack(g, 5).await.unwrap();
    assert_eq!(
        alice
            .my_group_unread()
            .await
            .unwrap()
            .into_data()
            .unwrap()
            .unread_count,
        0
    );
    let raw = app
        .get_raw(
            "/session_svr/v1/session_svr/my_group_unread?build=0&mobi_app=web",
            Some(&cookie_of(&bob)),
        )
        .await;
    assert_eq!(
        raw,
        json!({"code": 0, "msg": "0", "message": "0", "ttl": 1, "data": {"unread_count": 0}})
    );
}

#[tokio::test]
async fn only_members_send_and_read() {
    let app = spawn_app().await;
    let ((a, _alice), (b, bob), (_, carol)) = three(&app).await;
    let g = group_of(&app, a, "g", &[b]).await;
    let refused = carol.send_group_text(g, "let me in", &[]).await.unwrap();
    assert_eq!(
        (refused.code, refused.message.as_str()),
        (700014, "你已不在此同萌中QAQ，无法执行此操作")
    );
    let history = carol.fetch_group_msgs(g, None, None, None).await.unwrap();
    assert_eq!(history.code, 700014);
    let detail = carol.group_session_detail(g).await.unwrap();
    assert_eq!(detail.code, 1000004);
    let nowhere = bob.send_group_text(g + 100, "hello?", &[]).await.unwrap();
    assert_eq!(nowhere.code, -400);
    assert_eq!(bob.send_group_text(g, "member", &[]).await.unwrap().code, 0);
}

#[tokio::test]
async fn a_recall_in_a_group_takes_the_message_back_for_everyone() {
    let app = spawn_app().await;
    let ((a, alice), (b, bob), (c, carol)) = three(&app).await;
    let g = group_of(&app, a, "g", &[b, c]).await;
    alice.group_update_ack(g, 3).await.unwrap();
    carol.group_update_ack(g, 3).await.unwrap();
    let key = bob
        .send_group_text(g, "oops", &[])
        .await
        .unwrap()
        .into_data()
        .unwrap()
        .msg_key;
    // alice reads it, carol does not.
    alice.group_update_ack(g, 4).await.unwrap();
    let recall = bob
        .send_msg(&bob.message_to_group(g, 5, key.to_string(), &[]))
        .await
        .unwrap();
    assert_eq!(recall.code, 0, "{recall:?}");
    let carols = carol
        .group_session_detail(g)
        .await
        .unwrap()
        .into_data()
        .unwrap();
    assert_eq!(
        carols.unread_count, 0,
        "the recalled message no longer waits"
    );
    let history = carol
        .fetch_group_msgs(g, Some(2), None, None)
        .await
        .unwrap()
        .into_data()
        .unwrap();
    let messages = history.messages.unwrap();
    assert_eq!(
        (messages[0].msg_type, messages[0].content.clone()),
        (5, key.to_string())
    );
    assert_eq!(messages[1].msg_status, 1);
    // Only one's own messages.
    let theirs = carol
        .send_msg(&carol.message_to_group(g, 5, messages[0].msg_key.to_string(), &[]))
        .await
        .unwrap();
    assert_ne!(theirs.code, 0);
    // Not a retry of the same form (another second), so it is checked.
    let mut form = bob.message_to_group(g, 5, key.to_string(), &[]);
    form.timestamp = form.timestamp.map(|t| t + 1);
    let again = bob.send_msg(&form).await.unwrap();
    assert_eq!(again.code, 21042);
}
