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
                ack_seqno: seqnos[2],
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
    bob.update_ack(a, seqnos[3]).await.unwrap();
    let detail = bob.session_detail(a).await.unwrap().data.unwrap();
    assert_eq!(detail.ack_seqno, seqnos[2]);
    assert_eq!(detail.unread_count, 2);
    // Without a seqno: -400, as the documents mark it required.
    let refused = app
        .post_form_as(
            &bob,
            "/session_svr/v1/session_svr/update_ack",
            &[("talker_id", a.to_string()), ("session_type", "1".into())],
        )
        .await;
    assert_eq!(refused["code"], -400);
    assert_eq!(refused["message"], "请求错误: ack_seqno is required");
    let detail = bob.session_detail(a).await.unwrap().data.unwrap();
    assert_eq!(detail.unread_count, 2);
    // Past the newest message: everything.
    bob.update_ack(a, u64::MAX).await.unwrap();
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
            "dustbin_unread": 0, "biz_msg_unfollow_unread": 0, "biz_msg_follow_unread": 0, "custom_unread": 0,
            "_gt_": 0
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
    // A plain call reports the dustbin too; only show_dustbin=0 leaves it out.
    let path = "/session_svr/v1/session_svr/single_unread";
    let plain = app.get_raw(path, Some(&cookie)).await;
    assert_eq!(
        (
            &plain["data"]["unfollow_unread"],
            &plain["data"]["dustbin_unread"]
        ),
        (&json!(0), &json!(3))
    );
    let hidden = app
        .get_raw(&format!("{path}?show_dustbin=0"), Some(&cookie))
        .await;
    assert_eq!(hidden["data"]["dustbin_unread"], 0);
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

#[tokio::test]
async fn notice_counts_are_zero_in_both_shapes_and_need_a_login() {
    let app = spawn_app().await;
    let (_, alice, _, _) = acquainted(&app).await;
    let cookie = cookie_of(&alice);
    let zeros = json!({"at": 0, "chat": 0, "coin": 0, "danmu": 0, "favorite": 0, "like": 0,
        "recv_like": 0, "recv_reply": 0, "reply": 0, "sys_msg": 0, "up": 0});
    let old = app.get_raw("/x/msgfeed/unread", Some(&cookie)).await;
    assert_eq!(
        old,
        json!({"code": 0, "message": "0", "ttl": 1, "data": zeros})
    );
    let mut newer_data = zeros.clone();
    newer_data["sys_msg_style"] = json!(1);
    let newer = app
        .get_raw(
            "/x/im/web/msgfeed/unread?build=0&mobi_app=web",
            Some(&cookie),
        )
        .await;
    assert_eq!(newer["data"], newer_data);
    let keys: Vec<&String> = newer["data"].as_object().unwrap().keys().collect();
    assert_eq!(
        keys[10..],
        ["sys_msg_style", "up"],
        "in the document's order"
    );
    for path in ["/x/msgfeed/unread", "/x/im/web/msgfeed/unread"] {
        let anonymous = app.get_raw(path, None).await;
        assert_eq!(
            anonymous,
            json!({"code": -101, "message": "账号未登录", "ttl": 1})
        );
    }
}
