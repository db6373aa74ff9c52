//! A group's life: leaving, freezing, dissolving.

use sixin_api::admin::PatchGroup;
use sixin_client::EnvelopeExt;

use super::group_of;
use crate::helpers::{spawn_app, three};

async fn listed(client: &sixin_client::Client) -> Vec<(i64, u64)> {
    client
        .new_sessions(None, None)
        .await
        .unwrap()
        .into_data()
        .unwrap()
        .session_list
        .unwrap_or_default()
        .iter()
        .map(|s| (s.session_type, s.talker_id))
        .collect()
}

#[tokio::test]
async fn a_frozen_group_accepts_nothing_until_unfrozen() {
    let app = spawn_app().await;
    let ((a, alice), (b, bob), _) = three(&app).await;
    let g = group_of(&app, a, "g", &[b]).await;
    let key = bob
        .send_group_text(g, "before", &[])
        .await
        .unwrap()
        .into_data()
        .unwrap()
        .msg_key;
    let freeze = PatchGroup {
        frozen: Some(true),
        ..PatchGroup::default()
    };
    assert_eq!(app.admin.patch_group(g, &freeze).await.unwrap().code, 0);
    let refused = bob.send_group_text(g, "during", &[]).await.unwrap();
    assert_eq!(
        (refused.code, refused.message.as_str()),
        (21035, "该类消息暂时无法发送")
    );
    let recall = bob
        .send_msg(&bob.message_to_group(g, 5, key.to_string(), &[]))
        .await
        .unwrap();
    assert_eq!(recall.code, 21035, "not even a recall");
    let history = alice
        .fetch_group_msgs(g, Some(1), None, None)
        .await
        .unwrap()
        .into_data()
        .unwrap();
    let notice = &history.messages.unwrap()[0];
    assert_eq!(
        (notice.msg_type, notice.sender_uid, notice.msg_source),
        (303, 0, 13)
    );
    assert_eq!(
        notice.content,
        format!(r#"{{"group_id":{g},"content":"本群已被冻结"}}"#)
    );
    assert!(
        listed(&alice).await.contains(&(2, g)),
        "a frozen group is still listed"
    );
    let thaw = PatchGroup {
        frozen: Some(false),
        ..PatchGroup::default()
    };
    assert_eq!(app.admin.patch_group(g, &thaw).await.unwrap().code, 0);
    assert_eq!(bob.send_group_text(g, "after", &[]).await.unwrap().code, 0);
}

#[tokio::test]
async fn a_dissolved_group_leaves_the_lists_and_members_keep_its_history() {
    let app = spawn_app().await;
    let ((a, alice), (b, bob), (c, carol)) = three(&app).await;
    let g = group_of(&app, a, "g", &[b]).await;
    bob.send_group_text(g, "hello", &[]).await.unwrap();
    assert_eq!(listed(&bob).await, vec![(2, g)]);
    assert_eq!(app.admin.dissolve_group(g).await.unwrap().code, 0);
    assert_eq!(listed(&bob).await, vec![]);
    assert_eq!(listed(&alice).await, vec![]);
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
    let history = bob
        .fetch_group_msgs(g, None, None, None)
        .await
        .unwrap()
        .into_data()
        .unwrap();
    let messages = history.messages.unwrap();
    assert_eq!(messages.len(), 4);
    assert_eq!(
        (messages[0].msg_type, messages[0].content.clone()),
        (304, format!(r#"{{"group_id":{g},"content":"本群已解散"}}"#))
    );
    let refused = bob.send_group_text(g, "anyone?", &[]).await.unwrap();
    assert_eq!(
        (refused.code, refused.message.as_str()),
        (700013, "已解散QAQ，无法执行此操作")
    );
    assert_eq!(
        app.admin.add_group_members(g, &[c]).await.unwrap().code,
        700013
    );
    assert_eq!(app.admin.dissolve_group(g).await.unwrap().code, 700013);
    let entry = app.admin.group(g).await.unwrap().into_data().unwrap();
    assert!(entry.dissolved);
    assert_eq!(entry.members, vec![a, b]);
    // Someone never in it still cannot read it.
    assert_eq!(
        carol
            .fetch_group_msgs(g, None, None, None)
            .await
            .unwrap()
            .code,
        700014
    );
    // Settings of a dissolved group's session are refused.
    let top = bob
        .post_form::<serde_json::Value, _>(
            "/session_svr/v1/session_svr/set_top",
            &[
                ("talker_id", g.to_string()),
                ("session_type", "2".into()),
                ("op_type", "0".into()),
            ],
        )
        .await
        .unwrap();
    assert_eq!(top.code, -400);
}

#[tokio::test]
async fn a_member_who_leaves_loses_the_session_and_the_others_are_told() {
    let app = spawn_app().await;
    let ((a, alice), (b, bob), (c, _carol)) = three(&app).await;
    let g = group_of(&app, a, "g", &[b, c]).await;
    assert_eq!(app.admin.remove_group_member(g, b).await.unwrap().code, 0);
    assert_eq!(listed(&bob).await, vec![]);
    assert_eq!(
        bob.fetch_group_msgs(g, None, None, None)
            .await
            .unwrap()
            .code,
        700014
    );
    assert_eq!(
        bob.send_group_text(g, "wait", &[]).await.unwrap().code,
        700014
    );
    assert_eq!(
        bob.my_group_unread()
            .await
            .unwrap()
            .into_data()
            .unwrap()
            .unread_count,
        0
    );
    let history = alice
        .fetch_group_msgs(g, Some(1), None, None)
        .await
        .unwrap()
        .into_data()
        .unwrap();
    let left = &history.messages.unwrap()[0];
    assert_eq!(
        (left.msg_type, left.content.clone()),
        (
            302,
            format!(r#"{{"group_id":{g},"content":"bob退出了本群"}}"#)
        )
    );
    // Back again: a new welcome, and the session returns with nothing old unread.
    assert_eq!(app.admin.add_group_members(g, &[b]).await.unwrap().code, 0);
    let session = bob
        .group_session_detail(g)
        .await
        .unwrap()
        .into_data()
        .unwrap();
    assert_eq!((session.unread_count, session.max_seqno), (1, 5));
    assert_eq!(
        session.last_msg.unwrap().content,
        format!(r#"{{"group_id":{g},"content":"欢迎bob入群"}}"#)
    );
}
