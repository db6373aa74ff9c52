//! Realtime push (`/sixin/v1/events`): who gets which frame, login and
//! origin checks, resuming after a reconnect, heartbeats, slow clients and
//! connection caps, over a real WebSocket.

use std::time::Duration;

use serde_json::Value;
use sixin_api::push::{ClientFrame, ServerFrame, SettingsPart};
use sixin_client::push::Events;
use sixin_client::{Client, Error, RelationAct};

use crate::helpers::{acquainted, assert_code, relate, spawn_app, spawn_app_with, TestApp};

/// The next frame, within a second.
pub(crate) async fn next(events: &mut Events) -> ServerFrame {
    tokio::time::timeout(Duration::from_secs(2), events.next())
        .await
        .expect("a frame in time")
        .expect("the connection is open")
        .expect("a readable frame")
}

/// Nothing arrives for a while.
pub(crate) async fn quiet(events: &mut Events) {
    if let Ok(frame) = tokio::time::timeout(Duration::from_millis(150), events.next()).await {
        panic!("expected nothing, got {frame:?}");
    }
}

/// Opens `client`'s push connection and reads its `hello`: the connection
/// and the hello's `id`.
pub(crate) async fn connect(client: &Client) -> (Events, String) {
    let mut events = client.events(None).await.expect("push connection");
    match next(&mut events).await {
        ServerFrame::Hello { id, resumed } => {
            assert!(!resumed, "a first connection resumes nothing");
            (events, id)
        }
        other => panic!("expected hello, got {other:?}"),
    }
}

/// The message of a `message` frame, checked to be from the session with
/// `talker`, as JSON.
pub(crate) fn message_from(frame: &ServerFrame, talker: u64) -> Value {
    match frame {
        ServerFrame::Message {
            talker_id,
            session_type,
            message,
            ..
        } => {
            assert_eq!((*talker_id, *session_type), (talker, 1), "{frame:?}");
            serde_json::to_value(message).unwrap()
        }
        other => panic!("expected a message, got {other:?}"),
    }
}

async fn refusal(result: Result<Events, Error>) -> i64 {
    match result {
        Err(Error::Api { code, .. }) => code,
        Ok(_) => panic!("the connection was accepted"),
        Err(other) => panic!("unexpected {other}"),
    }
}

#[tokio::test]
async fn a_message_reaches_both_sides_as_history_shows_it() {
    let app = spawn_app().await;
    let (a, alice, b, bob) = acquainted(&app).await;
    let (mut to_alice, _) = connect(&alice).await;
    let (mut to_bob, _) = connect(&bob).await;

    let sent = bob.send_text(a, "你好[doge]").await.unwrap();
    assert_code(&sent, 0);
    let frame = next(&mut to_alice).await;
    let pushed = message_from(&frame, b);
    let history = alice
        .fetch_session_msgs(b, Some(1), None, None)
        .await
        .unwrap()
        .data
        .unwrap();
    let stored = serde_json::to_value(&history.messages.unwrap()[0]).unwrap();
    assert_eq!(pushed, stored, "the same object fetch_session_msgs returns");
    assert_eq!(pushed["msg_key"], sent.data.unwrap().msg_key);
    let ServerFrame::Message { e_infos, .. } = frame else {
        unreachable!()
    };
    assert!(e_infos.is_some(), "the emoji it uses");
    assert_eq!(e_infos, history.e_infos, "as history shows them");

    // The sender's own devices hear it too, from their side.
    assert_eq!(message_from(&next(&mut to_bob).await, a), stored);
}

#[tokio::test]
async fn nobody_hears_of_a_conversation_they_are_not_in() {
    let app = spawn_app().await;
    let (a, alice, b, bob) = acquainted(&app).await;
    let (_, carol) = app.user("carol").await;
    let (mut to_carol, _) = connect(&carol).await;
    let (mut to_bob, _) = connect(&bob).await;
    assert_code(&alice.send_text(b, "secret").await.unwrap(), 0);
    assert_code(&bob.update_ack(a, 10).await.unwrap(), 0);
    relate(&alice, b, RelationAct::Follow).await;
    message_from(&next(&mut to_bob).await, a);
    assert!(matches!(next(&mut to_bob).await, ServerFrame::Read { .. }));
    assert!(matches!(next(&mut to_bob).await, ServerFrame::Relation { mid, .. } if mid == a));
    quiet(&mut to_carol).await;
}

#[tokio::test]
async fn what_the_receiver_cannot_see_does_not_reach_them() {
    let app = spawn_app().await;
    let (a, alice, b, bob) = acquainted(&app).await;
    let (mut to_bob, _) = connect(&bob).await;
    let (mut to_alice, _) = connect(&alice).await;

    // Bob's block words hide Alice's message from him.
    assert_code(&bob.add_block_word("spoiler").await.unwrap(), 0);
    // (His own devices hear that his block words changed.)
    assert_eq!(
        settings_part(&next(&mut to_bob).await),
        SettingsPart::BlockWords
    );
    let hidden = alice.send_text(b, "the spoiler is").await.unwrap();
    assert_code(&hidden, 0);
    message_from(&next(&mut to_alice).await, b);
    // Nor does her recall of it.
    let key = hidden.data.unwrap().msg_key;
    assert_code(&alice.recall(b, key).await.unwrap(), 0);
    message_from(&next(&mut to_alice).await, b);
    assert!(
        matches!(next(&mut to_alice).await, ServerFrame::Recall { msg_key, .. } if msg_key == key)
    );
    // A quiet follow is seen only by the follower.
    relate(&alice, b, RelationAct::QuietFollow).await;
    assert!(matches!(next(&mut to_alice).await, ServerFrame::Relation { mid, .. } if mid == b));
    quiet(&mut to_bob).await;
    // An open follow reaches both.
    relate(&alice, b, RelationAct::Follow).await;
    assert!(matches!(next(&mut to_alice).await, ServerFrame::Relation { mid, .. } if mid == b));
    assert!(matches!(next(&mut to_bob).await, ServerFrame::Relation { mid, .. } if mid == a));
}

#[tokio::test]
async fn recalls_reads_and_session_changes_reach_every_device() {
    let app = spawn_app().await;
    let (a, alice, b, bob) = acquainted(&app).await;
    let (mut phone, _) = connect(&alice).await;
    let (mut laptop, _) = connect(&alice).await;

    let sent = bob.send_text(a, "oops").await.unwrap();
    let key = sent.data.unwrap().msg_key;
    for device in [&mut phone, &mut laptop] {
        message_from(&next(device).await, b);
    }
    assert_code(&bob.recall(a, key).await.unwrap(), 0);
    for device in [&mut phone, &mut laptop] {
        let recall = message_from(&next(device).await, b);
        assert_eq!(recall["msg_type"], 5);
        assert_eq!(recall["content"], key.to_string());
        match next(device).await {
            ServerFrame::Recall {
                talker_id, msg_key, ..
            } => assert_eq!((talker_id, msg_key), (b, key)),
            other => panic!("expected a recall, got {other:?}"),
        }
    }

    let newest = alice
        .session_detail(b)
        .await
        .unwrap()
        .data
        .unwrap()
        .max_seqno;
    assert_code(&alice.update_ack(b, newest).await.unwrap(), 0);
    assert_code(&alice.set_top(b, true).await.unwrap(), 0);
    for device in [&mut phone, &mut laptop] {
        match next(device).await {
            ServerFrame::Read {
                talker_id,
                ack_seqno,
                ..
            } => assert_eq!((talker_id, ack_seqno), (b, newest)),
            other => panic!("expected a read, got {other:?}"),
        }
        match next(device).await {
            ServerFrame::Session { talker_id, .. } => assert_eq!(talker_id, Some(b)),
            other => panic!("expected a session change, got {other:?}"),
        }
    }
}

#[tokio::test]
async fn a_reconnect_with_the_last_id_gets_exactly_what_was_missed() {
    let app = spawn_app().await;
    let (a, alice, b, bob) = acquainted(&app).await;
    let (mut events, _) = connect(&alice).await;
    bob.send_text(a, "one").await.unwrap();
    let first = next(&mut events).await;
    let seen = first.id().expect("an id").to_owned();
    events.close().await;

    for text in ["two", "three"] {
        assert_code(&bob.send_text(a, text).await.unwrap(), 0);
    }
    let mut events = alice.events(Some(&seen)).await.unwrap();
    match next(&mut events).await {
        ServerFrame::Hello { id, resumed } => {
            assert!(resumed);
            assert_eq!(id, seen);
        }
        other => panic!("expected hello, got {other:?}"),
    }
    let mut texts = Vec::new();
    for _ in 0..2 {
        let message = message_from(&next(&mut events).await, b);
        texts.push(message["content"].as_str().unwrap().to_owned());
    }
    assert_eq!(texts, [r#"{"content":"two"}"#, r#"{"content":"three"}"#]);
    quiet(&mut events).await;
    assert_code(&bob.send_text(a, "four").await.unwrap(), 0);
    message_from(&next(&mut events).await, b);

    // An id this node never gave: re-sync over HTTP.
    let mut lost = alice.events(Some("0123abcd:5")).await.unwrap();
    assert!(matches!(
        next(&mut lost).await,
        ServerFrame::Hello { resumed: false, .. }
    ));
}

#[tokio::test]
async fn the_socket_needs_a_login_an_upgrade_and_this_servers_pages() {
    let app =
        spawn_app_with(|c| c.push_allowed_origins = vec!["https://chat.example.com".into()]).await;
    let (_, alice) = app.user("alice").await;
    assert_eq!(refusal(app.anonymous().events(None).await).await, -101);
    assert_eq!(
        refusal(alice.events_from(None, Some("https://evil.example")).await).await,
        -403
    );
    assert_eq!(
        refusal(alice.events_from(None, Some("null")).await).await,
        -403
    );
    for origin in [app.base.as_str(), "https://chat.example.com"] {
        let mut events = alice.events_from(None, Some(origin)).await.unwrap();
        assert!(matches!(next(&mut events).await, ServerFrame::Hello { .. }));
    }
    // A plain GET is not an upgrade.
    let plain = app
        .get_raw("/sixin/v1/events", Some(&crate::helpers::cookie_of(&alice)))
        .await;
    assert_eq!(plain["code"], -400, "{plain}");
}

#[tokio::test]
async fn connections_are_capped_per_user() {
    let app = spawn_app_with(|c| c.push_max_per_user = 2).await;
    let (_, alice) = app.user("alice").await;
    let (_, bob) = app.user("bob").await;
    let (first, _) = connect(&alice).await;
    let (_second, _) = connect(&alice).await;
    assert_eq!(refusal(alice.events(None).await).await, -799);
    connect(&bob).await;
    first.close().await;
    // The server notices the close, then takes a new one.
    let deadline = tokio::time::Instant::now() + Duration::from_secs(2);
    loop {
        match alice.events(None).await {
            Ok(_) => break,
            Err(_) if tokio::time::Instant::now() < deadline => {
                tokio::time::sleep(Duration::from_millis(20)).await
            }
            Err(err) => panic!("{err}"),
        }
    }
}

#[tokio::test]
async fn ping_is_answered_and_a_silent_client_is_dropped() {
    let app = spawn_app_with(|c| c.push_heartbeat_secs = 1).await;
    let (_, alice) = app.user("alice").await;
    let (mut live, _) = connect(&alice).await;
    live.send(&ClientFrame::Ping).await.unwrap();
    assert_eq!(next(&mut live).await, ServerFrame::Pong);

    // This one never reads, so never answers the server's pings.
    let (mut silent, _) = connect(&alice).await;
    for _ in 0..7 {
        tokio::time::sleep(Duration::from_millis(500)).await;
        // The live one keeps answering (reading answers pings).
        live.send(&ClientFrame::Ping).await.unwrap();
        assert_eq!(next(&mut live).await, ServerFrame::Pong);
    }
    let ended = tokio::time::timeout(Duration::from_secs(2), async {
        while let Some(Ok(_)) = silent.next().await {}
    })
    .await;
    assert!(ended.is_ok(), "the silent connection was closed");
}

#[tokio::test]
async fn a_client_too_slow_to_read_is_told_it_lagged_and_resumes() {
    let app = spawn_app_with(|c| {
        c.push_queue = 4;
        c.push_replay = 1024;
        c.max_msg_bytes = 60_000;
        c.send_burst = 10_000;
    })
    .await;
    let (a, alice, b, bob) = acquainted(&app).await;
    let (mut slow, start) = connect(&alice).await;
    // Enough to fill the socket's buffers and then the queue.
    let text = "慢".repeat(19_000);
    let sends = 300;
    for i in 0..sends {
        // Distinct, or a repeat within a second would be taken for a retry.
        assert_code(&bob.send_text(a, &format!("{i}{text}")).await.unwrap(), 0);
    }
    let mut messages = 0;
    let mut last_id = start;
    loop {
        match next(&mut slow).await {
            ServerFrame::Lagged => break,
            frame => {
                message_from(&frame, b);
                last_id = frame.id().unwrap().to_owned();
                messages += 1;
            }
        }
    }
    assert!(messages < sends, "lagged before all {sends} arrived");
    assert!(slow.next().await.is_none(), "then closed");
    assert_eq!(slow.close_frame().map(|f| f.0), Some(4008));
    // It resumes after the last frame it read, and gets the rest.
    let mut again = alice.events(Some(&last_id)).await.unwrap();
    assert!(matches!(
        next(&mut again).await,
        ServerFrame::Hello { resumed: true, .. }
    ));
    for _ in messages..sends {
        message_from(&next(&mut again).await, b);
    }
    quiet(&mut again).await;
}

#[tokio::test]
async fn typing_reaches_someone_in_a_conversation_with_you() {
    let app = spawn_app().await;
    let (a, alice, b, bob) = acquainted(&app).await;
    let (_, carol) = app.user("carol").await;
    let (mut to_bob, _) = connect(&bob).await;
    let (mut from_alice, _) = connect(&alice).await;
    from_alice
        .send(&ClientFrame::Typing { talker_id: b })
        .await
        .unwrap();
    assert_eq!(
        next(&mut to_bob).await,
        ServerFrame::Typing { talker_id: a }
    );
    // Carol has never written to Bob: her typing goes nowhere.
    let (mut from_carol, _) = connect(&carol).await;
    from_carol
        .send(&ClientFrame::Typing { talker_id: b })
        .await
        .unwrap();
    quiet(&mut to_bob).await;
    // Nor does Alice's once Bob blocks her.
    relate(&bob, a, RelationAct::Block).await;
    assert!(matches!(
        next(&mut to_bob).await,
        ServerFrame::Relation { .. }
    ));
    tokio::time::sleep(Duration::from_millis(2100)).await;
    from_alice
        .send(&ClientFrame::Typing { talker_id: b })
        .await
        .unwrap();
    quiet(&mut to_bob).await;
}

#[tokio::test]
async fn shutting_down_closes_every_connection() {
    let app: TestApp = spawn_app().await;
    let (_, alice) = app.user("alice").await;
    let (mut events, _) = connect(&alice).await;
    drop(app);
    let ended = tokio::time::timeout(Duration::from_secs(2), events.next()).await;
    assert!(matches!(ended, Ok(None)), "{ended:?}");
    assert_eq!(events.close_frame().map(|f| f.0), Some(1001));
}

/// The part of a `settings` frame.
fn settings_part(frame: &ServerFrame) -> SettingsPart {
    match frame {
        ServerFrame::Settings { what, .. } => *what,
        other => panic!("expected a settings frame, got {other:?}"),
    }
}

#[tokio::test]
async fn a_settings_change_reaches_every_device_of_its_owner_only() {
    let app = spawn_app().await;
    let (_, alice, b, bob) = acquainted(&app).await;
    let (mut phone, _) = connect(&alice).await;
    let (mut laptop, _) = connect(&alice).await;
    let (mut to_bob, _) = connect(&bob).await;

    let set = app
        .post_form_as(
            &alice,
            "/link_setting/v1/link_setting/set",
            &[("receive_unfollow_msg", "0")],
        )
        .await;
    assert_eq!(set["code"], 0, "{set}");
    assert_code(&alice.add_block_word("剧透").await.unwrap(), 0);
    assert_code(&alice.del_block_word("剧透").await.unwrap(), 0);
    let reply = app
        .post_form_as(
            &alice,
            "/x/im/auto_reply/set_reply_text",
            &[("type", "3"), ("reply", "稍后回复")],
        )
        .await;
    assert_eq!(reply["code"], 0, "{reply}");
    // Pins and do not disturb are sessions' changes.
    assert_code(&alice.set_top(b, true).await.unwrap(), 0);
    for device in [&mut phone, &mut laptop] {
        assert_eq!(
            settings_part(&next(device).await),
            SettingsPart::MessageSettings
        );
        assert_eq!(settings_part(&next(device).await), SettingsPart::BlockWords);
        assert_eq!(settings_part(&next(device).await), SettingsPart::BlockWords);
        assert_eq!(
            settings_part(&next(device).await),
            SettingsPart::AutoReplies
        );
        assert!(matches!(next(device).await, ServerFrame::Session { .. }));
    }
    quiet(&mut to_bob).await;
    // A change that changes nothing tells nobody.
    let unknown = app
        .post_form_as(
            &alice,
            "/link_setting/v1/link_setting/set",
            &[("build", "0")],
        )
        .await;
    assert_eq!(unknown["code"], 0, "{unknown}");
    quiet(&mut phone).await;
}
