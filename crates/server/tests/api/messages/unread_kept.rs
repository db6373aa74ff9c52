//! Unread totals kept between requests (plists): after every kind of write
//! `single_unread` still says what the sessions say, though the server
//! keeps the totals it computed last and sums again only when the
//! database's version of them moved. Each step asks before and after, so a
//! total kept too long would show.

use serde_json::Value;
use sixin_client::{Client, EnvelopeExt, RelationAct};

use crate::helpers::{history_with, relate, spawn_app};

/// `single_unread`'s (follow, unfollow, dustbin).
async fn served(client: &Client) -> (u64, u64, u64) {
    let u = client.single_unread().await.unwrap().into_data().unwrap();
    (u.follow_unread, u.unfollow_unread, u.dustbin_unread)
}

/// The same totals summed from each session's own `unread_count`,
/// `is_follow` and `is_intercept` (text messages only: no pushes).
async fn summed(client: &Client, talkers: &[u64]) -> (u64, u64, u64) {
    let mut totals = (0, 0, 0);
    for &talker in talkers {
        let detail = client.session_detail(talker).await.unwrap();
        let Some(s) = detail.data else { continue };
        match (s.is_intercept, s.is_follow) {
            (1, _) => totals.2 += s.unread_count,
            (_, 1) => totals.0 += s.unread_count,
            _ => totals.1 += s.unread_count,
        }
    }
    totals
}

#[tokio::test]
async fn kept_totals_follow_every_write() {
    let app = spawn_app().await;
    let (a, alice) = app.user("alice").await;
    let (b, bob) = app.user("bob").await;
    let (c, carol) = app.user("carol").await;
    let (d, dave) = app.user("dave").await;
    let talkers = [b, c, d];
    let check = |step: &'static str, want: (u64, u64, u64)| {
        let alice = &alice;
        async move {
            let got = served(alice).await;
            assert_eq!(
                got,
                summed(alice, &talkers).await,
                "{step}: as the sessions say"
            );
            assert_eq!(got, want, "{step}");
            assert_eq!(served(alice).await, got, "{step}: asked again");
        }
    };
    check("nothing yet", (0, 0, 0)).await;

    relate(&alice, b, RelationAct::Follow).await;
    assert_eq!(bob.send_text(a, "1").await.unwrap().code, 0);
    check("a message from bob, followed", (1, 0, 0)).await;
    let second = bob.send_text(a, "2").await.unwrap().into_data().unwrap();
    check("another", (2, 0, 0)).await;
    assert_eq!(carol.send_text(a, "hi").await.unwrap().code, 0);
    check("a stranger's message", (2, 1, 0)).await;

    relate(&alice, c, RelationAct::Follow).await;
    check("following carol", (3, 0, 0)).await;
    relate(&alice, c, RelationAct::Unfollow).await;
    check("unfollowing carol", (2, 1, 0)).await;

    assert_eq!(bob.recall(a, second.msg_key).await.unwrap().code, 0);
    let recalled = served(&alice).await;
    assert_eq!(recalled, summed(&alice, &talkers).await, "after a recall");
    assert!(recalled.0 < 2, "a recalled message is unread no more");

    let newest = history_with(&alice, b).await.messages.unwrap()[0].msg_seqno;
    assert_eq!(alice.update_ack(b, newest).await.unwrap().code, 0);
    check("bob's session read", (0, 1, 0)).await;

    relate(&alice, c, RelationAct::Block).await;
    let blocked = served(&alice).await;
    assert_eq!(
        blocked,
        summed(&alice, &talkers).await,
        "after blocking carol"
    );
    relate(&alice, c, RelationAct::Unblock).await;
    let unblocked = served(&alice).await;
    assert_eq!(
        unblocked,
        summed(&alice, &talkers).await,
        "after unblocking"
    );

    let on = alice
        .post_form::<Value, _>(
            "/link_setting/v1/link_setting/set",
            &[("anti_disturb_cleaning", "1")],
        )
        .await
        .unwrap();
    assert_eq!(on.code, 0);
    assert_eq!(dave.send_text(a, "加个好友吗").await.unwrap().code, 0);
    let binned = served(&alice).await;
    assert_eq!(
        binned,
        summed(&alice, &talkers).await,
        "dave's message binned"
    );
    assert_eq!(binned.2, 1, "in the dustbin");
    let trust = alice
        .post_form::<Value, _>(
            "/session_svr/v1/session_svr/update_intercept",
            &[("talker_id", d.to_string()), ("status", "0".into())],
        )
        .await
        .unwrap();
    assert_eq!(trust.code, 0);
    let trusted = served(&alice).await;
    assert_eq!(trusted, summed(&alice, &talkers).await, "dave trusted");
    assert_eq!(trusted.2, 0, "out of the dustbin");

    assert_eq!(alice.remove_session(d).await.unwrap().code, 0);
    let removed = served(&alice).await;
    assert_eq!(
        removed,
        summed(&alice, &talkers).await,
        "dave's session removed"
    );

    assert_eq!(bob.send_text(a, "3").await.unwrap().code, 0);
    assert_eq!(served(&alice).await.0, 1, "bob again");
    alice.read_all().await.unwrap().into_data().unwrap();
    check("everything read", (0, 0, 0)).await;
}
