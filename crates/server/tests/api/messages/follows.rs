//! How relations shape messaging: the mutual-follow greeting, blocks, follows
//! lifting the stranger limit and splitting unread counts, and the follow
//! status in push settings.

use sixin_api::message::request::GetSessionsQuery;
use sixin_api::relation::request::TagUsersForm;
use sixin_client::messages::text_content;
use sixin_client::RelationAct::{Block, Follow, QuietFollow, QuietUnfollow, Unblock, Unfollow};

use crate::helpers::{acquainted, cookie_of, history_with, relate, spawn_app};

#[tokio::test]
async fn becoming_mutual_followers_sends_the_automatic_greeting() {
    let app = spawn_app().await;
    let (a, alice) = app.user("alice").await;
    let (b, bob) = app.user("bob").await;
    relate(&alice, b, Follow).await;
    assert!(
        alice.session_detail(b).await.unwrap().data.is_none(),
        "one-way follows send nothing"
    );
    relate(&bob, a, Follow).await;
    let history = history_with(&alice, b).await;
    let messages = history.messages.unwrap();
    assert_eq!(messages.len(), 1);
    let greeting = &messages[0];
    assert_eq!(greeting.msg_source, 17);
    assert_eq!(greeting.msg_type, 1);
    assert_eq!(
        greeting.sender_uid, b,
        "sent by the one who completed the pair"
    );
    assert_eq!(greeting.receiver_id, a);
    assert_eq!(
        greeting.content,
        text_content("我们已互相关注，开始聊天吧~")
    );
    let theirs = history_with(&bob, a).await;
    assert_eq!(theirs.messages.unwrap()[0].msg_key, greeting.msg_key);
    // Unfollowing and following back again greets again only when mutual again.
    relate(&alice, b, Unfollow).await;
    relate(&alice, b, Follow).await;
    let history = history_with(&alice, b).await;
    assert_eq!(history.messages.unwrap().len(), 2);
}

#[tokio::test]
async fn blocks_stop_messages_both_ways() {
    let app = spawn_app().await;
    let (a, alice, b, bob) = acquainted(&app).await;
    relate(&alice, b, Block).await;
    let mine = alice.send_text(b, "hello?").await.unwrap();
    assert_eq!(mine.code, 25005);
    assert_eq!(
        mine.message,
        "你已拉黑了对方，请先将对方移出黑名单后才能聊天"
    );
    assert_eq!(mine.data, None);
    let theirs = bob.send_text(a, "hello?").await.unwrap();
    assert_eq!(theirs.code, 25003);
    relate(&alice, b, Unblock).await;
    assert_eq!(alice.send_text(b, "sorry").await.unwrap().code, 0);
}

#[tokio::test]
async fn a_follow_lifts_the_stranger_limit_and_splits_unread_counts() {
    let app = spawn_app().await;
    let (a, alice) = app.user("alice").await;
    let (b, bob) = app.user("bob").await;
    let (c, carol) = app.user("carol").await;
    // Bob quietly follows Alice: she may write to him freely, and her
    // messages count as followed for him.
    relate(&bob, a, QuietFollow).await;
    for text in ["one", "two", "three"] {
        assert_eq!(alice.send_text(b, text).await.unwrap().code, 0);
    }
    carol.send_text(b, "stranger here").await.unwrap();
    let unread = bob.single_unread().await.unwrap().data.unwrap();
    assert_eq!((unread.follow_unread, unread.unfollow_unread), (3, 1));
    let followed = bob
        .get_sessions(&GetSessionsQuery {
            session_type: 9,
            ..GetSessionsQuery::default()
        })
        .await
        .unwrap()
        .data
        .unwrap()
        .session_list
        .unwrap();
    assert_eq!(
        followed.iter().map(|s| s.talker_id).collect::<Vec<_>>(),
        vec![a]
    );
    assert_eq!((followed[0].is_follow, followed[0].can_fold), (1, 0));
    let strangers = bob
        .get_sessions(&GetSessionsQuery {
            session_type: 2,
            ..GetSessionsQuery::default()
        })
        .await
        .unwrap()
        .data
        .unwrap()
        .session_list
        .unwrap();
    assert_eq!(
        strangers.iter().map(|s| s.talker_id).collect::<Vec<_>>(),
        vec![c]
    );
    assert_eq!((strangers[0].is_follow, strangers[0].can_fold), (0, 1));
    // The split follows the relation as it is now.
    relate(&bob, a, QuietUnfollow).await;
    let unread = bob.single_unread().await.unwrap().data.unwrap();
    assert_eq!((unread.follow_unread, unread.unfollow_unread), (0, 4));
    let _ = alice;
}

#[tokio::test]
async fn push_settings_show_how_the_talker_relates_to_you() {
    let app = spawn_app().await;
    let (a, alice) = app.user("alice").await;
    let (b, bob) = app.user("bob").await;
    let path = format!("/link_setting/v1/link_setting/get_session_ss?talker_uid={b}");
    let cookie = cookie_of(&alice);
    relate(&bob, a, QuietFollow).await;
    assert_eq!(
        app.get_raw(&path, Some(&cookie)).await["data"]["follow_status"],
        0,
        "quiet follows stay hidden"
    );
    relate(&bob, a, QuietUnfollow).await;
    relate(&bob, a, Follow).await;
    assert_eq!(
        app.get_raw(&path, Some(&cookie)).await["data"]["follow_status"],
        2
    );
    relate(&alice, b, Follow).await;
    let body = app.get_raw(&path, Some(&cookie)).await;
    assert_eq!(body["data"]["follow_status"], 6);
    let add = app
        .post_form_as(
            &alice,
            "/x/relation/tags/addUsers",
            &TagUsersForm {
                fids: vec![b].into(),
                tagids: vec![-10].into(),
            },
        )
        .await;
    assert_eq!(add["code"], 0, "{add}");
    assert_eq!(
        app.get_raw(&path, Some(&cookie)).await["data"]["special"],
        1
    );
}
