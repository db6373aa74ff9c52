//! A fan group's messages over realtime push: every member's connections
//! hear its posts, recalls and system messages, on one node and through
//! another; nobody else does.

use sixin_api::message::msg_type;
use sixin_api::push::ServerFrame;
use sixin_client::Client;

use super::group_of;
use crate::helpers::{assert_code, spawn_app, spawn_two_nodes, three};
use crate::push::{connect, next, quiet};

/// The message of a `message` frame from the group `group`: its sender,
/// type and `at_uids`.
fn group_message(frame: &ServerFrame, group: u64) -> (u64, i64, Option<Vec<u64>>) {
    match frame {
        ServerFrame::Message {
            talker_id,
            session_type,
            message,
            ..
        } => {
            assert_eq!((*talker_id, *session_type), (group, 2), "{frame:?}");
            assert_eq!((message.receiver_type, message.receiver_id), (2, group));
            (
                message.sender_uid,
                message.msg_type,
                message.at_uids.clone(),
            )
        }
        other => panic!("expected a group message, got {other:?}"),
    }
}

#[tokio::test]
async fn every_member_hears_a_group_message_and_outsiders_do_not() {
    let app = spawn_app().await;
    let ((a, alice), (b, bob), (c, carol)) = three(&app).await;
    let (_, dave) = app.user("dave").await;
    let g = group_of(&app, a, "alice的应援团", &[b, c]).await;
    let (mut to_alice, _) = connect(&alice).await;
    let (mut to_bob, _) = connect(&bob).await;
    let (mut bob_laptop, _) = connect(&bob).await;
    let (mut to_carol, _) = connect(&carol).await;
    let (mut to_dave, _) = connect(&dave).await;

    let sent = bob.send_group_text(g, "@carol 大家好", &[c]).await.unwrap();
    assert_code(&sent, 0);
    let key = sent.data.unwrap().msg_key;
    for events in [&mut to_alice, &mut to_bob, &mut bob_laptop, &mut to_carol] {
        let frame = next(events).await;
        assert_eq!(group_message(&frame, g), (b, msg_type::TEXT, Some(vec![c])));
    }
    quiet(&mut to_dave).await;

    // A recall: the recall message, then the recall itself, to everyone.
    assert_code(
        &bob.send_msg(&bob.message_to_group(g, msg_type::RECALL, key.to_string(), &[]))
            .await
            .unwrap(),
        0,
    );
    for events in [&mut to_alice, &mut bob_laptop, &mut to_carol] {
        assert_eq!(group_message(&next(events).await, g).1, msg_type::RECALL);
        match next(events).await {
            ServerFrame::Recall {
                talker_id,
                session_type,
                msg_key,
                ..
            } => assert_eq!((talker_id, session_type, msg_key), (g, 2, key)),
            other => panic!("expected a recall, got {other:?}"),
        }
    }
    quiet(&mut to_dave).await;
}

#[tokio::test]
async fn system_messages_reach_members_and_a_removed_member_hears_the_session_changed() {
    let app = spawn_app().await;
    let ((a, alice), (b, bob), (c, carol)) = three(&app).await;
    let g = group_of(&app, a, "alice的应援团", &[b]).await;
    let (mut to_alice, _) = connect(&alice).await;
    let (mut to_bob, _) = connect(&bob).await;
    let (mut to_carol, _) = connect(&carol).await;

    // Carol joins: the welcome reaches her and those already in.
    assert_code(&app.admin.add_group_members(g, &[c]).await.unwrap(), 0);
    for events in [&mut to_alice, &mut to_bob, &mut to_carol] {
        let (sender, kind, _) = group_message(&next(events).await, g);
        assert_eq!((sender, kind), (0, msg_type::GROUP_MEMBER_WELCOME));
    }

    // Bob is removed: the others hear why, he hears his session changed.
    assert_code(&app.admin.remove_group_member(g, b).await.unwrap(), 0);
    for events in [&mut to_alice, &mut to_carol] {
        let (_, kind, _) = group_message(&next(events).await, g);
        assert_eq!(kind, msg_type::GROUP_MEMBER_LEFT);
    }
    match next(&mut to_bob).await {
        ServerFrame::Session {
            talker_id,
            session_type,
            ..
        } => assert_eq!((talker_id, session_type), (Some(g), Some(2))),
        other => panic!("expected a session change, got {other:?}"),
    }
    // From then on he hears nothing of the group.
    assert_code(&carol.send_group_text(g, "bye bob", &[]).await.unwrap(), 0);
    group_message(&next(&mut to_alice).await, g);
    quiet(&mut to_bob).await;
}

/// `client`'s login, talking to `node`.
fn on(node: &crate::helpers::TestApp, client: &Client) -> Client {
    node.anonymous()
        .with_cookies(client.cookies().expect("logged in").clone())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_group_message_sent_through_one_node_reaches_members_connected_to_the_other() {
    let Some((node_a, node_b)) = spawn_two_nodes(|_| {}).await else {
        return;
    };
    let ((a, alice), (b, bob), (_, carol)) = three(&node_a).await;
    let g = group_of(&node_a, a, "两个节点", &[b]).await;
    let (mut bob_on_b, _) = connect(&on(&node_b, &bob)).await;
    let (mut carol_on_b, _) = connect(&on(&node_b, &carol)).await;
    assert_code(&alice.send_group_text(g, "hello", &[]).await.unwrap(), 0);
    // The group's opening system messages, sent through node A before Bob
    // connected, may still be on their way to node B: they come first.
    let heard = loop {
        let heard = group_message(&next(&mut bob_on_b).await, g);
        if heard.0 != 0 {
            break heard;
        }
    };
    assert_eq!(heard, (a, msg_type::TEXT, Some(vec![0])));
    quiet(&mut carol_on_b).await;
}
