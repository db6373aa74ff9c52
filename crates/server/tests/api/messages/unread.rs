//! Read state and unread counts: acknowledging, what counts as unread, and
//! the dustbin of intercepted sessions.

use serde_json::json;
use sixin_api::message::request::{GetSessionsQuery, NoFields, UpdateAckForm, UpdateInterceptForm};
use sixin_client::EnvelopeExt;

use crate::helpers::{acquainted, cookie_of, history_with, spawn_app, unread_with};

#[tokio::test]
async fn reading_moves_forward_only_and_fetching_marks_nothing_read() {
    let app = spawn_app().await;
    let (a, alice, b, bob) = acquainted(&app).await;
    for i in 0..4 {
        alice.send_text(b, &format!("n{i}")).await.unwrap();
    }
    let detail = bob.session_detail(a).await.unwrap().into_data().unwrap();
    // "hi bob" was read when Bob replied; the 4 new ones are not.
    assert_eq!(detail.unread_count, 4);
    // Fetching does not mark read.
    bob.fetch_session_msgs(a, None, None, None).await.unwrap();
    assert_eq!(unread_with(&bob, a).await, 4);

    let history = history_with(&bob, a).await;
    let seqnos: Vec<u64> = history
        .messages
        .unwrap()
        .iter()
        .map(|m| m.msg_seqno)
        .collect();
    // Read up to the second of the four new messages.
    let body = app
        .post_form_as(
            &bob,
            "/session_svr/v1/session_svr/update_ack",
            &UpdateAckForm {
                talker_id: a,
                session_type: 1,
                ack_seqno: Some(seqnos[2]),
            },
        )
        .await;
    assert_eq!(
        body,
        json!({"code": 0, "msg": "0", "message": "0", "ttl": 1, "data": {}})
    );
    let detail = bob.session_detail(a).await.unwrap().data.unwrap();
    assert_eq!(detail.unread_count, 2);
    assert_eq!(detail.ack_seqno, seqnos[2]);
    assert!(detail.ack_ts > 1_600_000_000_000_000, "microseconds");
    // Backwards is ignored.
    bob.update_ack(a, Some(seqnos[3])).await.unwrap();
    let detail = bob.session_detail(a).await.unwrap().data.unwrap();
    assert_eq!(detail.ack_seqno, seqnos[2]);
    assert_eq!(detail.unread_count, 2);
    // Without a seqno: everything.
    bob.update_ack(a, None).await.unwrap();
    let detail = bob.session_detail(a).await.unwrap().data.unwrap();
    assert_eq!(detail.unread_count, 0);
    assert_eq!(detail.ack_seqno, seqnos[0]);
    // Alice never had unread messages from her own sends.
    assert_eq!(unread_with(&alice, b).await, 0);
}

#[tokio::test]
async fn sending_marks_the_session_read_for_the_sender() {
    let app = spawn_app().await;
    let (a, alice, b, bob) = acquainted(&app).await;
    bob.send_text(a, "one").await.unwrap();
    bob.send_text(a, "two").await.unwrap();
    assert_eq!(unread_with(&alice, b).await, 3);
    let sent = alice
        .send_text(b, "reply")
        .await
        .unwrap()
        .into_data()
        .unwrap();
    let detail = alice.session_detail(b).await.unwrap().data.unwrap();
    assert_eq!(detail.unread_count, 0);
    let last = detail.last_msg.unwrap();
    assert_eq!(last.msg_key, sent.msg_key);
    assert_eq!(detail.ack_seqno, last.msg_seqno);
    assert_eq!(detail.max_seqno, last.msg_seqno);
}

#[tokio::test]
async fn unread_counts_only_the_other_sides_messages() {
    let app = spawn_app().await;
    let (a, alice, b, bob) = acquainted(&app).await;
    bob.send_text(a, "x").await.unwrap();
    bob.send_text(a, "y").await.unwrap();
    let cookie = cookie_of(&alice);
    let body = app
        .get_raw(
            "/session_svr/v1/session_svr/single_unread?unread_type=0&show_dustbin=1",
            Some(&cookie),
        )
        .await;
    assert_eq!(
        body,
        json!({"code": 0, "msg": "0", "message": "0", "ttl": 1, "data": {
            "unfollow_unread": 3, "follow_unread": 0, "unfollow_push_msg": 0, "dustbin_push_msg": 0,
            "dustbin_unread": 0, "biz_msg_unfollow_unread": 0, "biz_msg_follow_unread": 0, "custom_unread": 0
        }})
    );
    let bobs = bob.single_unread().await.unwrap().data.unwrap();
    assert_eq!(bobs.unfollow_unread + bobs.follow_unread, 0);
    // Intercepting moves the count to the dustbin.
    let body = app
        .post_form_as(
            &alice,
            "/session_svr/v1/session_svr/update_intercept",
            &UpdateInterceptForm {
                talker_id: b,
                status: 1,
            },
        )
        .await;
    assert_eq!(body["code"], 0);
    let unread = alice.single_unread().await.unwrap().data.unwrap();
    assert_eq!((unread.unfollow_unread, unread.dustbin_unread), (0, 3));
    let dustbin = alice
        .get_sessions(&GetSessionsQuery {
            session_type: 5,
            ..GetSessionsQuery::default()
        })
        .await
        .unwrap()
        .data
        .unwrap()
        .session_list
        .unwrap();
    assert_eq!(dustbin[0].is_intercept, 1);
    assert_eq!(
        alice
            .new_sessions(None, None)
            .await
            .unwrap()
            .data
            .unwrap()
            .session_list,
        None
    );
    app.post_form_as(
        &alice,
        "/session_svr/v1/session_svr/batch_update_dustbin_ack",
        &NoFields {},
    )
    .await;
    assert_eq!(
        alice
            .single_unread()
            .await
            .unwrap()
            .data
            .unwrap()
            .dustbin_unread,
        0
    );
    // Trusting it again brings it back, marked trusted.
    app.post_form_as(
        &alice,
        "/session_svr/v1/session_svr/update_intercept",
        &UpdateInterceptForm {
            talker_id: b,
            status: 0,
        },
    )
    .await;
    let detail = alice.session_detail(b).await.unwrap().data.unwrap();
    assert_eq!((detail.is_intercept, detail.is_trust), (0, 1));
}
