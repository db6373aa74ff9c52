//! The one-key anti-harassment switch (`anti_disturb_cleaning`): messages
//! from strangers land in the dustbin, counted there and not among the
//! unfollowed; trusting a session takes it out for good.

use serde_json::Value;
use sixin_api::message::request::GetSessionsQuery;
use sixin_client::{Client, EnvelopeExt, RelationAct};

use crate::helpers::{relate, spawn_app};

async fn listed(client: &Client, session_type: i64) -> (Vec<u64>, bool) {
    let list = client
        .get_sessions(&GetSessionsQuery {
            session_type,
            ..GetSessionsQuery::default()
        })
        .await
        .unwrap()
        .into_data()
        .unwrap();
    let talkers = list
        .session_list
        .unwrap_or_default()
        .iter()
        .map(|s| s.talker_id)
        .collect();
    (talkers, list.anti_disturb_cleaning)
}

#[tokio::test]
async fn the_switch_bins_strangers_until_trusted() {
    let app = spawn_app().await;
    let (a, alice) = app.user("alice").await;
    let (b, bob) = app.user("bob").await;
    let (c, carol) = app.user("carol").await;
    relate(&alice, c, RelationAct::Follow).await;
    assert_eq!(listed(&alice, 4).await, (vec![], false));
    let on = alice
        .post_form::<Value, _>(
            "/link_setting/v1/link_setting/set",
            &[("anti_disturb_cleaning", "1")],
        )
        .await
        .unwrap();
    assert_eq!(on.code, 0);
    assert_eq!(bob.send_text(a, "加个好友吗").await.unwrap().code, 0);
    assert_eq!(carol.send_text(a, "在吗").await.unwrap().code, 0);
    assert_eq!(
        listed(&alice, 4).await,
        (vec![c], true),
        "the stranger is binned"
    );
    assert_eq!(listed(&alice, 5).await.0, vec![b]);
    let unread = alice.single_unread().await.unwrap().into_data().unwrap();
    assert_eq!(
        (
            unread.unfollow_unread,
            unread.follow_unread,
            unread.dustbin_unread
        ),
        (0, 1, 1)
    );
    let session = alice.session_detail(b).await.unwrap().into_data().unwrap();
    assert_eq!((session.is_intercept, session.is_trust), (1, 0));
    // Trusted: out of the dustbin for good.
    let trust = alice
        .post_form::<Value, _>(
            "/session_svr/v1/session_svr/update_intercept",
            &[("talker_id", b.to_string()), ("status", "0".into())],
        )
        .await
        .unwrap();
    assert_eq!(trust.code, 0);
    let session = alice.session_detail(b).await.unwrap().into_data().unwrap();
    assert_eq!((session.is_intercept, session.is_trust), (0, 1));
    let unread = alice.single_unread().await.unwrap().into_data().unwrap();
    assert_eq!((unread.unfollow_unread, unread.dustbin_unread), (1, 0));
    // bob is still limited as a stranger; once alice answers, he is not.
    assert_eq!(alice.send_text(b, "你好").await.unwrap().code, 0);
    assert_eq!(bob.send_text(a, "谢谢").await.unwrap().code, 0);
    assert_eq!(listed(&alice, 5).await.0, Vec::<u64>::new());
    // Off again: strangers are no longer binned.
    let (d, dave) = app.user("dave").await;
    alice
        .post_form::<Value, _>(
            "/link_setting/v1/link_setting/set",
            &[("anti_disturb_cleaning", "0")],
        )
        .await
        .unwrap();
    assert_eq!(dave.send_text(a, "hi").await.unwrap().code, 0);
    let (all, switch) = listed(&alice, 4).await;
    assert!(all.contains(&d) && !switch);
}
